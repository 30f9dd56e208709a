"""Text stage in process vs in worker processes: articles/s and CPU of a real crawl.

Crawls the offline newsroom (nr-kurier, nr-kresy, nr-gazeta; politeness off) with real
`scrapy crawl` processes, alternating ``NEWSCRAWL_WORKERS=0`` and ``=N`` in the same run
(each into a fresh database), and prints per crawl: records, articles/s (Scrapy's
``elapsed_time_seconds``), CPU seconds and share of the crawl process, of its worker
processes (and fork server), of the store server and of the page server (this process),
and peak RSS. Optionally also without the storage pipeline (``--no-store``), to see the
text stage without MongoDB's cost.

    .venv/bin/python bench/pool.py [--articles 200] [--rounds 3] [--workers 2] [--no-store]

Starts its own FerretDB unless MONGO_URI is set. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUTLETS = "nr-kurier,nr-kresy,nr-gazeta"
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def proc_stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, RSS bytes) of a live process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] == "Z":
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, int(fields[21]) * PAGE


@dataclass
class Sampler:
    """CPU seconds and peak RSS of a crawl process and everything below it (sampled)."""

    root: int
    cpu: dict[int, float] = field(default_factory=dict)
    rss: dict[int, int] = field(default_factory=dict)

    def sample(self) -> None:
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = proc_stat(int(entry))
                if stat is not None:
                    parents[int(entry)] = stat
        tree, frontier = {self.root}, {self.root}
        while frontier:
            frontier = {pid for pid, (ppid, _, _) in parents.items() if ppid in frontier} - tree
            tree |= frontier
        for pid in tree & parents.keys():
            _, cpu, rss = parents[pid]
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu)
            self.rss[pid] = max(self.rss.get(pid, 0), rss)

    def crawl(self) -> tuple[float, int]:
        return self.cpu.get(self.root, 0.0), self.rss.get(self.root, 0)

    def workers(self) -> tuple[float, int, int]:
        """CPU seconds, peak RSS (largest), count of the processes below the crawl."""
        others = [pid for pid in self.cpu if pid != self.root]
        return (sum(self.cpu[p] for p in others), max((self.rss[p] for p in others), default=0), len(others))


def crawl(uri: str, registry: Path, workers: int, store: bool, server_pid: int | None) -> dict:
    from tests.support import crawl_env, crawl_stat

    db = f"bench_pool_{uuid.uuid4().hex[:8]}"
    env = crawl_env(uri, db, registry, NEWSCRAWL_WORKERS=str(workers))
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"outlets={OUTLETS}"]
    if not store:
        cmd += ["-s", "ITEM_PIPELINES=" + json.dumps({"newscrawl.pipelines.ExtractPipeline": 300})]
    server_before = proc_stat(server_pid)[1] if server_pid else 0.0
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err, text=True)
        sampler = Sampler(process.pid)
        while process.poll() is None:
            sampler.sample()
            time.sleep(0.2)
        err.seek(0)
        log = err.read()
    wall = time.monotonic() - started
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    if process.returncode != 0:
        raise SystemExit(f"crawl failed ({process.returncode}):\n{log[-3000:]}")
    from pymongo import MongoClient

    MongoClient(uri).drop_database(db)
    crawl_cpu, crawl_rss = sampler.crawl()
    workers_cpu, workers_rss, helpers = sampler.workers()
    elapsed = crawl_stat(log, "elapsed_time_seconds")
    items = crawl_stat(log, "item_scraped_count")
    return {
        "workers": workers, "items": int(items), "elapsed": elapsed, "wall": wall,
        "rate": items / elapsed if elapsed else 0.0,
        "crawl_cpu": crawl_cpu, "crawl_rss": crawl_rss,
        "workers_cpu": workers_cpu, "workers_rss": workers_rss, "helpers": helpers,
        "server_cpu": (proc_stat(server_pid)[1] - server_before) if server_pid else 0.0,
        "pages_cpu": (self_after.ru_utime + self_after.ru_stime) - (self_before.ru_utime + self_before.ru_stime),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="articles per newsroom outlet")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="NEWSCRAWL_WORKERS of the pool column")
    parser.add_argument("--no-store", action="store_true", help="without the storage pipeline")
    args = parser.parse_args(argv)

    from tests.newsroom import Newsroom
    from tests.support import mongo_for_bench

    rows = []
    with tempfile.TemporaryDirectory() as tmp, mongo_for_bench(Path(tmp) / "mongo") as (uri, server_pid):
        with Newsroom(articles_per_outlet=args.articles, seed=0).serve() as live:
            registry = live.write_registry(Path(tmp) / "outlets.toml")
            for n in range(args.rounds):
                order = (0, args.workers) if n % 2 == 0 else (args.workers, 0)
                for workers in order:
                    row = crawl(uri, registry, workers, not args.no_store, server_pid)
                    rows.append(row)
                    print(f"round {n + 1} workers={workers}: {row['rate']:.1f} articles/s", file=sys.stderr)

    print(f"newsroom {OUTLETS}, {args.articles} articles per outlet, politeness off, "
          f"{'no storage pipeline' if args.no_store else 'stored into ' + ('MONGO_URI' if os.environ.get('MONGO_URI') else 'FerretDB')}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'workers':>7} {'records':>7} {'s':>6} {'art/s':>6} {'crawl CPU s':>11} {'(share)':>7} "
          f"{'workers CPU s':>13} {'store CPU s':>11} {'pages CPU s':>11} {'crawl RSS':>9} {'worker RSS':>10}")
    for r in rows:
        print(f"{r['workers']:7d} {r['items']:7d} {r['elapsed']:6.1f} {r['rate']:6.1f} {r['crawl_cpu']:11.1f} "
              f"{r['crawl_cpu'] / r['elapsed'] if r['elapsed'] else 0:7.0%} {r['workers_cpu']:13.1f} "
              f"{r['server_cpu']:11.1f} {r['pages_cpu']:11.1f} {r['crawl_rss'] / 2**20:7.0f}Mi "
              f"{r['workers_rss'] / 2**20:8.0f}Mi")
    for workers in (0, args.workers):
        rates = [r["rate"] for r in rows if r["workers"] == workers]
        print(f"workers={workers}: {min(rates):.1f}–{max(rates):.1f} articles/s over {len(rates)} crawls")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
