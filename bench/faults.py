"""Every fault probe in one run: storage faults, then hostile crawl input.

Runs ``bench/faults_store.py`` (MongoDB stopped, frozen, killed crawls, refused documents,
out-of-range dates) and ``bench/faults_crawl.py`` (off-outlet discovery, private
addresses, hostile XML, bad pages, DNS failures, the million-URL sitemap) one after the
other, each printing one line per fault or family:

    fault | cases | articles expected | stored | lost | duplicated | spilled
    family | cases | articles expected | stored | lost | duplicated | off-outlet requested | refused

The targets: 0 lost, 0 duplicated, every off-outlet request refused. Exits non-zero when
either part did.

    .venv/bin/python bench/faults.py [--quick] [--store ARGS] [--crawl ARGS]

``--quick`` shortens the outages (5 s stop, 10 s freeze) and the million-URL crawl (30 s).
Only 127.0.0.x is contacted; a private FerretDB is started unless ``MONGO_URI`` is set.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter outages and million-URL crawl")
    parser.add_argument("--store", default="", help="extra arguments for faults_store.py (quoted)")
    parser.add_argument("--crawl", default="", help="extra arguments for faults_crawl.py (quoted)")
    args = parser.parse_args()
    quick_store = ["--stop", "5", "--freeze", "10"] if args.quick else []
    quick_crawl = ["--million-seconds", "30"] if args.quick else []
    status = 0
    for script, extra in (("faults_store.py", quick_store + shlex.split(args.store)),
                          ("faults_crawl.py", quick_crawl + shlex.split(args.crawl))):
        print(f"== {script} {' '.join(extra)}".rstrip(), flush=True)
        status = max(status, subprocess.run([sys.executable, str(BENCH / script), *extra]).returncode)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
