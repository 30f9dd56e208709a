"""`make demo`: crawl every offline-newsroom outlet into MongoDB and print what was stored.

Uses ``MONGO_URI`` when set, otherwise starts (or reuses) a local server with its data
in ``var/mongo``. The newsroom runs on loopback for the duration of the demo only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from newscrawl.store import ArticleStore, StorageUnavailable, connect, redact_uri
from tests.newsroom import Newsroom
from tools.localmongo import ROOT, LocalMongoError, cli_start

VAR = ROOT / "var"
# A fixed port keeps the newsroom's URLs (and so the records' _id) the same from one demo
# run to the next: a second `make demo` updates the records instead of adding new ones.
DEMO_PORT = int(os.environ.get("NEWSCRAWL_DEMO_PORT", "8811"))


def main() -> int:
    uri = os.environ.get("MONGO_URI")
    if not uri:
        try:
            uri = cli_start(VAR / "mongo")
        except LocalMongoError as exc:
            print(f"demo: {exc}", file=sys.stderr)
            return 1
    database = os.environ.get("MONGO_DATABASE", "newscrawl_demo")
    try:
        store = ArticleStore(connect(uri, database))
    except StorageUnavailable as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    print(f"MongoDB: {redact_uri(uri)} database {database}")
    with Newsroom().serve(port=DEMO_PORT) as live:
        registry = live.write_registry(VAR / "newsroom-outlets.toml")
        env = {
            **os.environ,
            "MONGO_URI": uri,
            "MONGO_DATABASE": database,
            "NEWSCRAWL_OUTLETS_FILE": str(registry),
            # The newsroom is on loopback: no need for the 1 s default delay.
            "NEWSCRAWL_DOWNLOAD_DELAY": "0",
            "NEWSCRAWL_AUTOTHROTTLE_ENABLED": "0",
            "NEWSCRAWL_CONCURRENT_REQUESTS_PER_DOMAIN": "8",
            # The fence refuses loopback addresses unless allowed; the newsroom lives there.
            "NEWSCRAWL_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
            "NEWSCRAWL_LOG_LEVEL": os.environ.get("NEWSCRAWL_LOG_LEVEL", "WARNING"),
        }
        outlets = list(live.outlet_keys)
        for outlet in outlets:
            started = time.monotonic()
            print(f"crawling {outlet} at {live.base_url(outlet)} …", flush=True)
            result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", outlet], cwd=ROOT, env=env)
            status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
            print(f"  {status} in {time.monotonic() - started:.1f}s", flush=True)
    print()
    print(f"{'outlet':<16} {'articles':>8}  dropped in the last run")
    for row in store.outlet_summary(outlets):
        dropped = ", ".join(f"{k}={v}" for k, v in sorted(row["dropped"].items())) or "none"
        tdm = row["tdm"]
        if tdm.get("skipped"):
            dropped = f"skipped: text-and-data mining reserved ({tdm.get('source', '').split(';')[0]})"
        print(f"{row['outlet']:<16} {row['articles']:>8}  {dropped}")
        for title in row["titles"]:
            print(f"{'':<18}· {title}")
    if not os.environ.get("MONGO_URI"):
        print(f"\nThe local MongoDB keeps running at {uri} (stop it with `make stop`).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
