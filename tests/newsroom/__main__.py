"""CLI: ``python -m tests.newsroom serve|dump``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from .model import Newsroom


def _room(args) -> Newsroom:
    return Newsroom(articles_per_outlet=args.articles, seed=args.seed, crawl_delay=args.crawl_delay)


def cmd_serve(args) -> int:
    room = _room(args)
    stop = threading.Event()

    def _handler(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    live = room.serve(port=args.port)
    try:
        if args.registry_out:
            path = live.write_registry(args.registry_out)
            print(f"registry {path}", flush=True)
        for key in room.outlet_keys:
            print(f"{key} {live.base_url(key)}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        live.stop()
    return 0


def cmd_dump(args) -> int:
    room = _room(args)
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(out / "expected.jsonl", "w", encoding="utf-8") as fh:
        for key in room.outlet_keys:
            (out / key).mkdir(exist_ok=True)
            for art, exp in zip(room.arts(key), room.articles(key)):
                rel = f"{key}/{art.aid}.html"
                (out / rel).write_bytes(room.page_bytes(exp))
                fh.write(json.dumps({**exp.to_json(), "html_file": rel}, ensure_ascii=False) + "\n")
                count += 1
    print(f"wrote {count} pages and {out / 'expected.jsonl'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.newsroom", description="Offline newsroom fixture")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("serve", "dump"):
        sp = sub.add_parser(name)
        sp.add_argument("--articles", type=int, default=24, help="articles per main outlet (default 24)")
        sp.add_argument("--seed", type=int, default=0)
        sp.add_argument("--crawl-delay", type=float, default=0.25, help="nr-gazeta robots.txt Crawl-delay")
        if name == "serve":
            sp.add_argument("--registry-out", help="write the outlet registry TOML here")
            sp.add_argument("--port", type=int, default=0, help="fixed port for every outlet (default: ephemeral)")
        else:
            sp.add_argument("dir")
    args = p.parse_args(argv)
    return cmd_serve(args) if args.cmd == "serve" else cmd_dump(args)


if __name__ == "__main__":
    sys.exit(main())
