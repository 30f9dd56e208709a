"""Throughput at volume: plain trafilatura, the text stage, and a real crawl into the store.

Side by side, in one run, on the machine it is given:

- (a) plain ``trafilatura.extract`` over the pages, in this process: the one-core reference;
- (b) the text stage alone (``build_article``), in this process (after a few untimed pages,
  as for (a)); also with the record's MinHash fingerprint, which the crawl's workers make;
- (c) a real ``scrapy crawl`` subprocess with politeness off, into the embedded store
  (``tools/localmongo.py``: the patched FerretDB, or ``mongod`` on PATH; ``--uri`` for
  another server).

on two kinds of page:

- **newsroom pages** (``tests/newsroom``, ~8 KB) crawled on top of 1k, 10k and 100k stored
  articles: the database is pre-loaded with synthetic records through the store's own
  schema (``articles`` and ``pages``, chunked), and the crawl's own records are removed
  again after each crawl, so every crawl stores the same pages into a bigger database;
- **real-sized pages**: the HTML files of ``--real-pages`` (default
  ``../shared/corpora/trafilatura-eval/html``; read where they are, never copied) served
  from 127.0.0.21 as one outlet with a sitemap.

It prints pages/s, the ratios (b)/(a) and (c)/(a), CPU per process (crawl with its
children, store server, page server) in cores over the crawl's wall time (start-up
included), the crawl's peak RSS, the shares of crawl time its storage threads were busy
writing and the crawl was blocked on storage (the ``newscrawl/store/busy_seconds`` and
``…/wait_seconds`` crawl stats; "n/a" when the crawl exposes none), the crawl's
ERROR log lines, and the storage cost per article as the database grows
(store-server CPU per stored article, and one 25-upsert command as in
``bench/store_scaling.py``). It prints figures and asserts nothing.

    .venv/bin/python bench/throughput.py [--quick] [--profile] [--real-pages DIR]
        [--sizes 1000,10000,100000] [--articles 500] [--set NEWSCRAWL_WORKERS=2 …]

``--quick`` finishes in about a minute (1k stored articles, fewer pages). ``--profile``
runs one more newsroom crawl under cProfile and prints its top 10 functions. The crawl is
driven only through settings and the ``scrapy crawl`` command: ``NEWSCRAWL_*`` variables of
this process's environment and ``--set NAME=VALUE`` reach the crawl (e.g. the worker pool
size; a Scrapy setting, e.g. ``--set LOG_LEVEL=DEBUG``, goes by ``-s``). Linux only (CPU and memory are
read from ``/proc``).
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, unquote
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import trafilatura  # noqa: E402
from pymongo import MongoClient  # noqa: E402
from pymongo.database import Database  # noqa: E402

from newscrawl.corpus.minhash import MinHashParams  # noqa: E402
from newscrawl.corpus.stories import DedupParams  # noqa: E402
from newscrawl.items import FetchedPage  # noqa: E402
from newscrawl.store.corpus import DEDUP_INDEX, BatchDedup  # noqa: E402
from newscrawl.pipelines import STORE_BUSY, STORE_WAIT  # noqa: E402
from newscrawl.store.mongo import ARTICLES, PAGES, article_document, in_chunks  # noqa: E402
from newscrawl.text.article import TextOptions, build_article  # noqa: E402
from store_scaling import measure as measure_store_commands, synthetic_article  # noqa: E402
from tests.newsroom import Newsroom  # noqa: E402
from tests.newsroom.registry import dump_registry  # noqa: E402
from tests.support import crawl_env  # noqa: E402
from tools.localmongo import start_server  # noqa: E402

try:
    from newscrawl.store.mongo import page_document  # noqa: E402  (with the durable writer)
except ImportError:  # before it, the same fields as ArticleStore.page_upsert sets
    import zlib

    def page_document(page: FetchedPage) -> dict:
        return {"_id": page.url, "url": page.url, "outlet": page.outlet, "status": page.status,
                "headers": page.headers, "fetched_at": page.fetched_at, "html_zlib": zlib.compress(page.body, 6)}


NEWSROOM_OUTLETS = ("nr-kurier", "nr-kresy", "nr-gazeta")  # nr-zastrzezone reserves TDM: skipped
REAL_OUTLET = "bench-real"
REAL_HOST = "127.0.0.21"
LOAD_CHUNK = 200
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# Politeness off (tests/support.FAST) and more requests per site: the bench measures
# the crawler, not the politeness. The fence allows the loopback servers.
CRAWL_SETTINGS = {
    "NEWSCRAWL_CONCURRENT_REQUESTS": "16",
    "NEWSCRAWL_CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "NEWSCRAWL_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
    "NEWSCRAWL_LOG_LEVEL": "INFO",
}
# Real pages come in many languages and shapes: store them all.
REAL_PAGE_SETTINGS = {"NEWSCRAWL_LANGUAGES": "", "NEWSCRAWL_MIN_TEXT_CHARS": "0"}


# --- processes: CPU and memory from /proc -------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (all its threads), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                todo.append(child)
    return found


class TreeWatch:
    """Samples a process and its descendants (e.g. a worker pool) every ``interval``:
    CPU = the sum of each process's last seen CPU time; peak RSS = the largest sum."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.cpu: dict[int, float] = {}
        self.peak_rss = 0
        self.peak_main_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        pids = [self.pid, *descendants(self.pid)]
        total = 0
        for pid in pids:
            seconds = cpu_seconds(pid)
            if seconds:
                self.cpu[pid] = max(seconds, self.cpu.get(pid, 0.0))
            total += rss_bytes(pid)
        self.peak_rss = max(self.peak_rss, total)
        self.peak_main_rss = max(self.peak_main_rss, rss_bytes(self.pid))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def main_cpu(self) -> float:
        return self.cpu.get(self.pid, 0.0)

    @property
    def tree_cpu(self) -> float:
        return sum(self.cpu.values())


# --- the crawl --------------------------------------------------------------------------
_STAT_NUMBER = re.compile(r"'([^']+)':\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\b")


def crawl_stats(log: str) -> dict[str, float]:
    """The numeric stats of Scrapy's closing "Dumping Scrapy stats" log entry."""
    start = log.rfind("Dumping Scrapy stats:")
    if start < 0:
        return {}
    block = re.split(r"\n(?=\d{4}-\d\d-\d\d )", log[start:], maxsplit=1)[0]
    return {key: float(value) for key, value in _STAT_NUMBER.findall(block)}


def log_excerpt(log: str) -> str:
    """The first ERROR lines and the last lines of a crawl log."""
    lines = log.splitlines()
    errors: dict[str, str] = {}
    for line in lines:
        if "] ERROR: " in line:
            message = line.split("] ERROR: ", 1)[1]
            errors.setdefault(re.sub(r"\(.*", "", message)[:60], line)
    shown = [line[:300] for line in list(errors.values())[:5]]
    return "\n".join("    " + line for line in shown + ["…"] + lines[-3:])


def storage_seconds(stats: dict[str, float]) -> tuple[float | None, float | None]:
    """Seconds the crawl's storage threads were busy writing, and seconds the crawl was held
    up by storage (``newscrawl/store/busy_seconds``, ``…/wait_seconds``; None when the crawl
    says nothing: 0 is then not claimed)."""
    if not any(k.startswith("newscrawl/store/") and k.endswith("_seconds") for k in stats):
        return None, None
    return stats.get(STORE_BUSY, 0.0), stats.get(STORE_WAIT, 0.0)


@dataclass
class CrawlResult:
    label: str
    returncode: int
    wall: float                 # the subprocess, from start to exit
    elapsed: float              # the spider, open to close (Scrapy's elapsed_time_seconds)
    pages: int                  # article pages through the item pipelines (stored or dropped)
    stored: int                 # records of the crawled outlets in the database afterwards
    crawl_cpu: float            # seconds: the crawl process and its children
    crawl_main_cpu: float
    store_cpu: float | None
    page_cpu: float
    peak_rss: int
    peak_main_rss: int
    storage_busy: float | None  # seconds (storage threads, off the reactor)
    storage_wait: float | None  # seconds the crawl was held up by storage
    stats: dict[str, float] = field(default_factory=dict)
    log_tail: str = ""

    @property
    def errors(self) -> int:
        """ERROR log lines of the crawl (e.g. an exception in an item pipeline)."""
        return int(self.stats.get("log_count/ERROR", 0))

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.elapsed if self.elapsed else 0.0

    @property
    def stored_per_s(self) -> float:
        return self.stored / self.elapsed if self.elapsed else 0.0


@dataclass
class Servers:
    uri: str
    store_pid: int | None       # None: a server we did not start (no CPU figure)
    page_pid: int


def run_crawl(
    label: str, servers: Servers, database: str, registry: Path, outlets: Iterable[str],
    settings: dict[str, str], count_stored: Callable[[], int], profile_to: Path | None = None,
) -> CrawlResult:
    outlets = list(outlets)
    python = [sys.executable] + (["-m", "cProfile", "-o", str(profile_to)] if profile_to else [])
    cmd = python + ["-m", "scrapy", "crawl", "news", "-a", f"outlets={','.join(outlets)}"]
    for name, value in settings.items():  # Scrapy's own settings (NEWSCRAWL_* go by environment)
        if not name.startswith(("NEWSCRAWL_", "MONGO_")):
            cmd += ["-s", f"{name}={value}"]
    env = crawl_env(servers.uri, database, registry,
                    **{k: v for k, v in settings.items() if k.startswith(("NEWSCRAWL_", "MONGO_"))})
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        store_before = cpu_seconds(servers.store_pid) if servers.store_pid else None
        page_before = cpu_seconds(servers.page_pid)
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        watch = TreeWatch(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)  # the exit's own count of CPU (with waited children)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        watch.stop()
        store_cpu = cpu_seconds(servers.store_pid) - store_before if servers.store_pid else None
        page_cpu = cpu_seconds(servers.page_pid) - page_before
        log.seek(0)
        text = log.read()
    stats = crawl_stats(text)
    busy, waited = storage_seconds(stats)
    return CrawlResult(
        label=label, returncode=proc.returncode, wall=wall,
        elapsed=stats.get("elapsed_time_seconds", wall),
        pages=int(stats.get("item_scraped_count", 0) + stats.get("item_dropped_count", 0)),
        stored=count_stored(), crawl_cpu=max(watch.tree_cpu, usage.ru_utime + usage.ru_stime),
        crawl_main_cpu=watch.main_cpu,
        store_cpu=store_cpu, page_cpu=page_cpu, peak_rss=watch.peak_rss, peak_main_rss=watch.peak_main_rss,
        storage_busy=busy, storage_wait=waited, stats=stats, log_tail=log_excerpt(text),
    )


# --- (a) and (b) in this process --------------------------------------------------------
@dataclass
class InProcess:
    pages: int
    seconds: float
    raised: list[str] = field(default_factory=list)  # pages the text stage raised on (a bug)

    @property
    def per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


# Pages run once, untimed, before (a) and (b): lazy set-up (trafilatura's, the language
# model's) is a one-time cost of a process, which the crawl's workers pay at start-up.
WARM_UP_PAGES = 20


def time_plain(pages: list[tuple[str, bytes]]) -> InProcess:
    for url, body in pages[:WARM_UP_PAGES]:
        trafilatura.extract(body, url=url)
    started = time.perf_counter()
    for url, body in pages:
        trafilatura.extract(body, url=url)
    return InProcess(len(pages), time.perf_counter() - started)


def time_text_stage(pages: list[tuple[str, bytes]], outlet: str, options: TextOptions) -> InProcess:
    now = datetime.now(timezone.utc)
    headers = {"content-type": "text/html"}
    raised = []
    for url, body in pages[:WARM_UP_PAGES]:
        build_article(FetchedPage(url, outlet, body, 200, headers, now), options)
    started = time.perf_counter()
    for url, body in pages:
        try:
            build_article(FetchedPage(url, outlet, body, 200, headers, now), options)
        except Exception as exc:  # build_article must never raise: shown, not fatal here
            raised.append(f"{url}: {type(exc).__name__}: {str(exc)[:100]}")
    return InProcess(len(pages), time.perf_counter() - started, raised)


# --- the database -----------------------------------------------------------------------
def synthetic_page(serial: int) -> FetchedPage:
    article = synthetic_article(serial)
    paragraphs = "".join(f"<p>{p}</p>" for p in article.text.split("\n\n"))
    body = f"<html><head><title>{article.title}</title></head><body><article>{paragraphs}</article></body></html>"
    return FetchedPage(article.url, article.outlet, body.encode(), 200, {"content-type": "text/html"},
                       article.fetched_at or datetime.now(timezone.utc))


def preload(db: Database, start: int, stop: int) -> None:
    """Synthetic records ``start``…``stop - 1`` into ``articles`` and ``pages``, chunked, and
    into FerretDB's dedup index as the store indexes them (else the crawl would index them)."""
    key_index = BatchDedup.for_articles(db[ARTICLES], DedupParams()).key_index
    for chunk in in_chunks(list(range(start, stop)), LOAD_CHUNK):
        docs = [article_document(synthetic_article(n)) for n in chunk]
        db[ARTICLES].insert_many(docs, ordered=False)
        db[PAGES].insert_many([page_document(synthetic_page(n)) for n in chunk], ordered=False)
        if key_index is not None:
            key_index.add_records(docs)


def remove_crawl(db: Database, outlets: list[str]) -> None:
    """Undo a crawl: its records, pages and dedup-index entries, and every collection the
    preload does not make."""
    key_index = BatchDedup.for_articles(db[ARTICLES], DedupParams()).key_index
    if key_index is not None:  # by _id: a filter on "record" would scan millions of entries
        key_index.remove_records(db[ARTICLES].find({"outlet": {"$in": outlets}}, {"lsh": 1, "content_hash": 1}))
    for name in (ARTICLES, PAGES):
        db[name].delete_many({"outlet": {"$in": outlets}})
    for name in db.list_collection_names():
        if name not in (ARTICLES, PAGES, DEDUP_INDEX):
            db.drop_collection(name)


# --- the page servers -------------------------------------------------------------------
def serve_newsroom(articles: int, registry: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.newsroom", "serve", "--articles", str(articles), "--crawl-delay", "0",
         "--registry-out", str(registry)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    wait_for_line(proc, "registry ")
    return proc


def serve_real_pages(directory: Path, names: list[str], registry: Path) -> subprocess.Popen:
    list_file = registry.with_suffix(".pages")
    list_file.write_text("\n".join(names), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "serve-pages", str(directory), str(list_file),
         str(registry)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    wait_for_line(proc, "registry ")
    return proc


def wait_for_line(proc: subprocess.Popen, prefix: str, timeout: float = 120.0) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return
        if not line and proc.poll() is not None:
            raise SystemExit(f"throughput: a page server exited with code {proc.returncode}")
    raise SystemExit(f"throughput: a page server did not start in {timeout:g}s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def page_path(name: str) -> str:
    """The URL path of a real page (file names have spaces and non-ASCII letters)."""
    return "/a/" + quote(name)


def cmd_serve_pages(directory: Path, list_file: Path, registry: Path) -> int:
    """One outlet on REAL_HOST: ``/a/<file>`` for each listed file, a sitemap, robots.txt."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    names = list_file.read_text(encoding="utf-8").splitlines()
    files = {page_path(name): directory / name for name in names}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            base = f"http://{REAL_HOST}:{self.server.server_address[1]}"
            path = quote(unquote(self.path.split("?", 1)[0]))  # however the crawler quoted it
            if path in files:
                status, ctype, body = 200, "text/html", files[path].read_bytes()
            elif path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{escape(base + p)}</loc></url>" for p in files)
                body = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
                status, ctype = 200, "application/xml"
            elif path == "/robots.txt":
                status, ctype, body = 200, "text/plain", f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n".encode()
            elif path == "/":
                status, ctype, body = 200, "text/html; charset=utf-8", b"<html><head><title>bench</title></head><body><p>bench</p></body></html>"
            else:
                status, ctype, body = 404, "text/plain", b"not found\n"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer((REAL_HOST, 0), Handler)
    server.daemon_threads = True
    base = f"http://{REAL_HOST}:{server.server_address[1]}"
    registry.write_text(dump_registry({REAL_OUTLET: {
        "name": "Real pages (trafilatura evaluation set)", "domains": [REAL_HOST], "home": f"{base}/",
        "feeds": [], "sitemaps": [f"{base}/sitemap.xml"], "robots_sitemaps": False, "sections": [],
        "article_patterns": [r"^https?://[^/]+/a/[^/]+\.html$"], "deny_patterns": [], "boilerplate": [],
        "language": "pl", "verified": "unverified", "notes": "bench/throughput.py",
    }}), encoding="utf-8")
    print(f"registry {registry}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


# --- report ---------------------------------------------------------------------------------
def mib(n: int) -> str:
    return f"{n / 2**20:.0f}"


def share(seconds: float | None, wall: float) -> str:
    """``seconds`` as a share of ``wall`` (e.g. of the crawl's time blocked on storage)."""
    return "n/a" if seconds is None or not wall else f"{100 * seconds / wall:.1f}%"


def cores(seconds: float | None, wall: float) -> str:
    return "n/a" if seconds is None or not wall else f"{seconds / wall:.2f}"


def print_crawl_table(rows: list[tuple[str, CrawlResult]], plain: InProcess) -> None:
    print(f"{'stored before':>13} {'pages':>6} {'stored':>6} {'elapsed s':>9} {'pages/s':>8} {'(c)/(a)':>7} "
          f"{'crawl cores':>11} {'(main)':>6} {'store cores':>11} {'page srv':>8} {'peak RSS MiB':>12} "
          f"{'(main)':>6} {'store busy':>10} {'store wait':>10} {'store ms/article':>16} {'errors':>6} {'exit':>4}")
    for before, r in rows:
        busy, wait = (share(seconds, r.elapsed) for seconds in (r.storage_busy, r.storage_wait))
        per_article = "n/a" if r.store_cpu is None or not r.stored else f"{1000 * r.store_cpu / r.stored:.1f}"
        print(f"{before:>13} {r.pages:>6} {r.stored:>6} {r.elapsed:>9.1f} {r.pages_per_s:>8.1f} "
              f"{r.pages_per_s / plain.per_s:>7.3f} {cores(r.crawl_cpu, r.wall):>11} "
              f"{cores(r.crawl_main_cpu, r.wall):>6} {cores(r.store_cpu, r.wall):>11} "
              f"{cores(r.page_cpu, r.wall):>8} {mib(r.peak_rss):>12} {mib(r.peak_main_rss):>6} {busy:>10} {wait:>10} "
              f"{per_article:>16} {r.errors:>6} {r.returncode:>4}")
    for _, r in rows:
        counts = {k.rsplit("/", 1)[-1]: int(v) for k, v in r.stats.items()
                  if k.startswith(("newscrawl/dropped/", "downloader/response_status_count/"))}
        print(f"  crawl '{r.label}': wall {r.wall:.1f}s; drops and responses: "
              + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        if r.returncode != 0 or not r.stored or r.errors:
            print(f"  crawl '{r.label}' exited {r.returncode}, stored {r.stored}; log tail:\n{r.log_tail}")


def print_in_process(plain: InProcess, text: InProcess, with_fingerprint: InProcess) -> None:
    print(f"  (a) plain trafilatura.extract, 1 process: {plain.per_s:7.1f} pages/s ({plain.pages} pages)")
    print(f"  (b) build_article, 1 process:            {text.per_s:7.1f} pages/s   (b)/(a) = {text.per_s / plain.per_s:.3f}")
    print(f"      … with the record's MinHash fingerprint, as the crawl's workers run it: "
          f"{with_fingerprint.per_s:.1f} pages/s ({with_fingerprint.per_s / plain.per_s:.3f})")
    if text.raised:
        print(f"      build_article raised on {len(text.raised)} page(s) (it must never raise):")
        for line in text.raised[:10]:
            print(f"        {line}")


def print_profile(path: Path) -> None:
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(10)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    table = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    calls = next((line.strip() for line in lines if "function calls" in line), "")
    print(f"    {calls} (profiling slows the crawl)")
    print("\n".join(f"    {line}" for line in lines[table:]))


# --- main -------------------------------------------------------------------------------
def parse_settings(pairs: list[str]) -> dict[str, str]:
    settings = {k: v for k, v in os.environ.items() if k.startswith("NEWSCRAWL_")}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"throughput: --set {pair!r}: expected NAME=VALUE")
        settings[name] = value
    return settings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve-pages"]:  # internal: the real-pages server subprocess
        return cmd_serve_pages(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about a minute: 1k stored articles, fewer pages")
    parser.add_argument("--profile", action="store_true", help="print the top 10 functions of a crawl (cProfile)")
    parser.add_argument("--profile-file", type=Path, help="with --profile: also keep the crawl's cProfile data here")
    parser.add_argument("--sizes", help="stored articles before each newsroom crawl (default 1000,10000,100000)")
    parser.add_argument("--articles", type=int, help="newsroom articles per outlet (3 outlets; default 500)")
    parser.add_argument("--real-pages", type=Path, default=ROOT.parent / "shared" / "corpora" / "trafilatura-eval" / "html")
    parser.add_argument("--real-limit", type=int, help="at most this many real pages (default all; --quick 30)")
    parser.add_argument("--uri", help="a running MongoDB/FerretDB (default: start the embedded store)")
    parser.add_argument("--parts", default="newsroom,real", help="which page kinds to run (default newsroom,real)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a crawl setting")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("1000" if args.quick else "1000,10000,100000")).split(",")]
    per_outlet = args.articles or (30 if args.quick else 500)
    real_limit = args.real_limit or (30 if args.quick else None)
    settings = {**CRAWL_SETTINGS, **parse_settings(args.set)}

    print(f"bench/throughput.py on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          f"(shared machine: figures are noisy); crawl settings: "
          f"{' '.join(f'{k}={v}' for k, v in sorted(settings.items()))}", flush=True)
    with tempfile.TemporaryDirectory(prefix="throughput-") as tmp_name:
        tmp = Path(tmp_name)
        store = None
        uri = args.uri
        if not uri:
            store = start_server(tmp / "store")
            uri = store.uri
            print(f"store: {store.kind} at {uri}", flush=True)
        client: MongoClient = MongoClient(uri, tz_aware=True)
        try:
            parts = args.parts.split(",")
            if "newsroom" in parts:
                newsroom(args, client, uri, store, tmp, sizes, per_outlet, settings)
            if "real" in parts:
                real_pages(args, client, uri, store, tmp, real_limit, settings)
        finally:
            for name in client.list_database_names():
                if name.startswith("bench_throughput"):
                    client.drop_database(name)
            client.close()
            if store is not None:
                store.stop()
    return 0


def newsroom(args, client: MongoClient, uri: str, store, tmp: Path, sizes: list[int], per_outlet: int,
             settings: dict[str, str]) -> None:
    outlets = list(NEWSROOM_OUTLETS)
    room = Newsroom(articles_per_outlet=per_outlet, crawl_delay=0)
    pages = [(a.url, room.page_bytes(a)) for key in outlets for a in room.articles(key)]
    mean_kib = statistics.mean(len(body) for _, body in pages) / 1024
    print(f"\n== newsroom pages: {len(pages)} pages of {len(outlets)} outlets, {mean_kib:.1f} KiB mean", flush=True)
    plain = time_plain(pages)
    text = time_text_stage_per_outlet(pages, room)
    with_fingerprint = time_text_stage_per_outlet(pages, room, MinHashParams())
    print_in_process(plain, text, with_fingerprint)

    db = client["bench_throughput"]
    registry = tmp / "newsroom.toml"
    server = serve_newsroom(per_outlet, registry)
    servers = Servers(uri, store.process.pid if store and store.process else None, server.pid)
    rows: list[tuple[str, CrawlResult]] = []
    probes: list[tuple[int, dict[str, float]]] = []
    rng, next_new = random.Random(0), [50_000_000]
    try:
        loaded = 0
        for size in sizes:
            started = time.perf_counter()
            preload(db, loaded, size)
            loaded = size
            print(f"  pre-loaded {size} records in {time.perf_counter() - started:.0f}s; crawling…", flush=True)
            probes.append((size, measure_store_commands(db, size, 3, rng, next_new)))
            result = run_crawl(f"newsroom@{size}", servers, db.name, registry, outlets, settings,
                               lambda: db[ARTICLES].count_documents({"outlet": {"$in": outlets}}))
            rows.append((f"{size:,}", result))
            remove_crawl(db, outlets)
        profile = tmp / "crawl.prof" if args.profile else None
        if profile:
            print("  profiling one more crawl…", flush=True)
            run_crawl("profile", servers, db.name, registry, outlets, settings,
                      lambda: db[ARTICLES].count_documents({"outlet": {"$in": outlets}}), profile_to=profile)
            remove_crawl(db, outlets)
    finally:
        stop(server)
    print("  (c) scrapy crawl into the store, politeness off:")
    print_crawl_table(rows, plain)
    if len(rows) > 1 and rows[-1][1].pages_per_s:
        print(f"  flatness: pages/s at {rows[0][0]} stored ÷ at {rows[-1][0]} = "
              f"{rows[0][1].pages_per_s / rows[-1][1].pages_per_s:.2f} (target ≤ 1.5)")
    print("  storage commands at each size (ms, median of 3; bench/store_scaling.py):")
    for size, probe in probes:
        print(f"    {size:>9,} stored: upsert25 new {probe['upsert25_new']:7.1f}  existing {probe['upsert25_existing']:7.1f}"
              f"  find _id {probe['find_id']:6.2f}  find $in100 {probe['find_in100']:7.1f}")
    if args.profile:
        print("  profile of one crawl (cProfile, the crawl process, top 10 by own time):")
        print_profile(tmp / "crawl.prof")
        if args.profile_file:
            args.profile_file.write_bytes((tmp / "crawl.prof").read_bytes())
            print(f"  profile data kept in {args.profile_file} (python -m pstats)")


def time_text_stage_per_outlet(pages: list[tuple[str, bytes]], room: Newsroom,
                               fingerprint: MinHashParams | None = None) -> InProcess:
    """build_article with the crawl's per-outlet options (registry phrases), pages in order."""
    from newscrawl.outlets import outlet_from_mapping
    from tests.newsroom import outlet_entries

    entries = outlet_entries(room, {k: room.default_base_url(k) for k in room.outlet_keys})
    total = InProcess(0, 0.0)
    by_outlet: dict[str, list[tuple[str, bytes]]] = {}
    outlet_of = {a.url: a.outlet for key in NEWSROOM_OUTLETS for a in room.articles(key)}
    for url, body in pages:
        by_outlet.setdefault(outlet_of[url], []).append((url, body))
    for key, outlet_pages in by_outlet.items():
        phrases = tuple(outlet_from_mapping(key, entries[key]).boilerplate)
        part = time_text_stage(outlet_pages, key, TextOptions(outlet_phrases=phrases, fingerprint=fingerprint))
        total = InProcess(total.pages + part.pages, total.seconds + part.seconds, total.raised + part.raised)
    return total


def real_pages(args, client: MongoClient, uri: str, store, tmp: Path, limit: int | None,
               settings: dict[str, str]) -> None:
    directory: Path = args.real_pages
    names = sorted(p.name for p in directory.glob("*.html")) if directory.is_dir() else []
    if not names:
        print(f"\n== real-sized pages: skipped (no HTML files in {directory}; pass --real-pages DIR)")
        return
    names = names[:limit] if limit else names
    pages = [(f"http://{REAL_HOST}{page_path(name)}", (directory / name).read_bytes()) for name in names]
    mean_kib = statistics.mean(len(body) for _, body in pages) / 1024
    print(f"\n== real-sized pages: {len(pages)} pages of {directory}, {mean_kib:.1f} KiB mean", flush=True)
    plain = time_plain(pages)
    text = time_text_stage(pages, REAL_OUTLET, TextOptions(languages=(), min_text_chars=0))
    with_fingerprint = time_text_stage(pages, REAL_OUTLET, TextOptions(languages=(), min_text_chars=0,
                                                                       fingerprint=MinHashParams()))
    print_in_process(plain, text, with_fingerprint)
    db = client["bench_throughput_real"]
    registry = tmp / "real.toml"
    server = serve_real_pages(directory, names, registry)
    servers = Servers(uri, store.process.pid if store and store.process else None, server.pid)
    try:
        result = run_crawl("real pages", servers, db.name, registry, [REAL_OUTLET],
                           {**settings, **REAL_PAGE_SETTINGS},
                           lambda: db[ARTICLES].count_documents({"outlet": REAL_OUTLET}))
    finally:
        stop(server)
    print("  (c) scrapy crawl into the store, politeness off:")
    print_crawl_table([("0", result)], plain)


if __name__ == "__main__":
    sys.exit(main())
