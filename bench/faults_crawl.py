"""Fault injection on the crawl side: hostile input families against real `scrapy crawl` runs.

One line per family of hostile input — the hostile site's (``tests/hostile_site.py``:
off-outlet discovery, private addresses, another port, hostile XML, bad pages), DNS-level
cases (a name resolving to loopback, a subdomain resolving to another host, a name that
does not resolve; resolved offline) and the offline newsroom as it is — with

    family | cases | articles expected | stored | lost | duplicated | off-outlet requested | refused

("off-outlet requested": requests that reached a server other than the outlet's; "refused":
requests the fence refused, ``newscrawl/refused/*``), then the peak RSS of a crawl of one
gzipped sitemap of about a million URLs.

    .venv/bin/python bench/faults_crawl.py [--million-seconds 90] [--million-urls 1017747]
                                           [--max-urls 50000] [--skip-families] [--root DIR]

Uses ``MONGO_URI`` when set, otherwise starts a local server in a temporary folder.
``--root`` runs the million-URL crawl from another checkout (e.g. an older commit, to
compare); everything else runs this checkout. Only 127.0.0.x is contacted.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from tests.hostile_site import ELSEWHERE_IP, FAMILIES, OWN_IP, HostileSite, run_scrapy  # noqa: E402
from tests.newsroom import Newsroom  # noqa: E402
from tests.newsroom.registry import dump_registry  # noqa: E402
from tests.support import crawl_env, send  # noqa: E402
from tools.localmongo import start_server  # noqa: E402

MILLION_IP = "127.0.0.31"


@dataclass
class Row:
    family: str
    cases: int = 0
    expected: int = 0
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    off_outlet: int = 0
    refused: int = 0
    note: str = ""

    def add(self, other: Row) -> None:
        for name in ("cases", "expected", "stored", "lost", "duplicated", "off_outlet", "refused"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.note = "; ".join(n for n in (self.note, other.note) if n)


def judge(family: str, cases: int, expected: set[str], db, stats: dict, off_outlet: int) -> Row:
    stored = {d["_id"]: d.get("content_hash") for d in db.articles.find({}, {"content_hash": 1})}
    unexpected = set(stored) - expected
    row = Row(family, cases, len(expected), len(stored), len(expected - set(stored)),
              len(stored) - len(set(stored.values())), off_outlet,
              sum(v for k, v in stats.items() if k.startswith("newscrawl/refused/")))
    if unexpected:
        row.note = f"{len(unexpected)} stored that should not be: {sorted(unexpected)[:3]}"
    return row


def hostile_rows(uri: str, client: MongoClient, tmp: Path) -> list[Row]:
    rows = []
    with HostileSite().serve() as site:
        for number, family in enumerate(FAMILIES):
            site.clear_logs()
            db = client[f"faults_crawl_{number}"]
            client.drop_database(db.name)
            registry = site.registry(tmp / f"family-{number}.toml", family=family)
            result, stats = run_scrapy("hostile", uri, db.name, registry, tmp)
            expected = {site.articles()[i].url for i in family.expected}
            off = len(site.log("elsewhere")) + len(site.log("other_port"))
            row = judge(family.name, len(family.cases), expected, db, stats, off)
            if result.returncode:
                row.note = f"exit {result.returncode}"
            rows.append(row)
            client.drop_database(db.name)
    with HostileSite(own_name="hostile.test").serve() as site:
        port, other = site.base().rsplit(":", 1)[1], site.base("elsewhere").rsplit(":", 1)[1]
        runs = [
            # (case, registry overrides, hosts, allowed networks, articles expected)
            ("outlet name resolving to loopback, nothing allowed", {}, {"hostile.test": OWN_IP}, "", set()),
            ("subdomain resolving to another host, only the outlet's address allowed",
             {"sections": [f"http://intranet.hostile.test:{other}/kraj/"]},
             {"hostile.test": OWN_IP, "intranet.hostile.test": ELSEWHERE_IP}, f"{OWN_IP}/32", site.expected_urls()),
            ("outlet name that does not resolve", {}, {}, "127.0.0.0/8", set()),
        ]
        total = Row("DNS-level addresses")
        for number, (case, overrides, hosts, allowed, expected) in enumerate(runs):
            site.clear_logs()
            db = client[f"faults_crawl_dns_{number}"]
            client.drop_database(db.name)
            registry = site.registry(tmp / f"dns-{number}.toml", **overrides)
            _, stats = run_scrapy("hostile", uri, db.name, registry, tmp, hosts=hosts,
                                  NEWSCRAWL_ALLOW_PRIVATE_NETWORKS=allowed)
            # Nothing may reach the outlet's server when its name resolves to a forbidden address.
            off = len(site.log("elsewhere")) + len(site.log("other_port")) + (len(site.log("own")) if not allowed else 0)
            total.add(judge(case, 1, expected, db, stats, off))
            client.drop_database(db.name)
        total.family = "DNS-level addresses"
        rows.append(total)
    return rows


def newsroom_row(uri: str, client: MongoClient, tmp: Path) -> Row:
    row = Row("offline newsroom (no hostile input)")
    with Newsroom().serve() as live:
        registry = live.write_registry(tmp / "newsroom.toml")
        for outlet in live.outlet_keys:
            db = client["faults_crawl_newsroom"]
            client.drop_database(db.name)
            before = len(live.request_log)
            _, stats = run_scrapy(outlet, uri, db.name, registry, tmp)
            reserved = outlet == "nr-zastrzezone"          # reserves TDM: skipped, nothing expected
            expected = set() if reserved else {a.url for a in live.articles(outlet)}
            off = sum(1 for e in live.request_log[before:] if e.outlet != outlet)
            part = judge(outlet, 0, expected, db, stats, off)
            row.add(part)
            client.drop_database(db.name)
    return row


# --- the million-URL sitemap ----------------------------------------------------------------

class MillionSite(ThreadingHTTPServer):
    """One outlet whose sitemap lists ``count`` URLs (gzipped); each article is a short page."""

    daemon_threads = True

    def __init__(self, count: int) -> None:
        super().__init__((MILLION_IP, 0), MillionHandler)
        self.base = f"http://{MILLION_IP}:{self.server_address[1]}"
        lines = [f"<url><loc>{self.base}/a/{i}.html</loc></url>\n" for i in range(count)]
        raw = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
               + "".join(lines) + "</urlset>\n").encode()
        self.sitemap = gzip.compress(raw, 9)
        self.raw_bytes = len(raw)
        self.articles = 0
        self.lock = threading.Lock()


class MillionHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        site: MillionSite = self.server  # type: ignore[assignment]
        html = {"Content-Type": "text/html; charset=utf-8"}
        if self.path == "/sitemap.xml.gz":
            send(self, 200, {"Content-Type": "application/x-gzip"}, site.sitemap)
        elif self.path.startswith("/a/"):
            with site.lock:
                site.articles += 1
            send(self, 200, html, b"<html><head><title>Krotko</title></head><body><p>Krotko.</p></body></html>")
        elif self.path == "/":
            send(self, 200, html, b"<html><head><title>Milion</title></head></html>")
        else:
            send(self, 404, {"Content-Type": "text/plain"}, b"")


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def million_row(uri: str, tmp: Path, count: int, seconds: float, max_urls: int, root: Path) -> str:
    site = MillionSite(count)
    thread = threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        registry = tmp / "million.toml"
        registry.write_text(dump_registry({"million": {
            "name": "Milion", "domains": [MILLION_IP], "home": f"{site.base}/", "robots_sitemaps": False,
            "sitemaps": [f"{site.base}/sitemap.xml.gz"], "article_patterns": [r"^http://[^/]+/a/\d+\.html$"],
            "verified": "newsroom"}}), encoding="utf-8")
        env = crawl_env(uri, "faults_crawl_million", registry, NEWSCRAWL_SITEMAP_MAX_URLS=str(max_urls),
                        NEWSCRAWL_LOG_LEVEL="ERROR", NEWSCRAWL_CONCURRENT_REQUESTS="32")
        cmd = [sys.executable, "-m", "scrapy", "crawl", "million", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"]
        started = time.monotonic()
        process = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, peak_rss_mb(process.pid) or 0.0)
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        error = process.stderr.read().strip().splitlines()[-1:] if process.stderr else []
    finally:
        site.shutdown()
        site.server_close()
        MongoClient(uri).drop_database("faults_crawl_million")
    return (f"million-URL sitemap | {count} URLs, {len(site.sitemap) / 1e6:.1f} MB gzipped "
            f"({site.raw_bytes / 1e6:.0f} MB XML) | NEWSCRAWL_SITEMAP_MAX_URLS={max_urls} | "
            f"{site.articles} article requests in {elapsed:.0f} s | peak RSS {peak:.0f} MB"
            + (f" | exit {process.returncode}: {error[0][:200]}" if process.returncode else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--million-urls", type=int, default=1_017_747)
    parser.add_argument("--million-seconds", type=float, default=90)
    parser.add_argument("--max-urls", type=int, nargs="*", default=[50_000],
                        help="NEWSCRAWL_SITEMAP_MAX_URLS values for the million-URL crawl (one run each)")
    parser.add_argument("--skip-families", action="store_true")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to run the million-URL crawl from")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="faults-crawl-") as folder:
        tmp = Path(folder)
        server = None
        uri = os.environ.get("MONGO_URI")
        if not uri:
            server = start_server(tmp / "mongo")
            uri = server.uri
        client = MongoClient(uri)
        try:
            if not args.skip_families:
                print("family | cases | articles expected | stored | lost | duplicated | off-outlet requested | refused")
                for row in [*hostile_rows(uri, client, tmp), newsroom_row(uri, client, tmp)]:
                    print(f"{row.family} | {row.cases} | {row.expected} | {row.stored} | {row.lost} | "
                          f"{row.duplicated} | {row.off_outlet} | {row.refused}" + (f"   ({row.note})" if row.note else ""),
                          flush=True)
            for max_urls in args.max_urls:
                print(million_row(uri, tmp, args.million_urls, args.million_seconds, max_urls, args.root), flush=True)
        finally:
            client.close()
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
