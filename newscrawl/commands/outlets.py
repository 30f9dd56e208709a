"""`scrapy outlets`: the registry at a glance, and `--probe` to see which sources went stale.

    scrapy outlets                 # every outlet: discovery sources, verified, TDM status
    scrapy outlets kresy tvn24     # only these
    scrapy outlets --probe         # fetch robots.txt, feeds, sitemaps, sections live
    scrapy outlets --probe --json  # one JSON object per source (for scripts)

With ``--probe`` the exit status is 1 when a robots.txt, feed, sitemap or section of a
listed outlet was unreachable, unparsable or empty.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.outlets import Outlet, RegistryError, load_registry
from newscrawl.probe import OutletProbe, Prober


def _tdm_label(outlet: Outlet) -> str:
    return {"reserved": "reserved (skipped by default)", "none": "not reserved",
            "unknown": "unknown until crawled/probed"}[outlet.tdm]


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options] [outlet ...]"

    def short_desc(self) -> str:
        return "List outlets with their discovery sources and TDM status (--probe: check them live)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--probe", action="store_true",
                            help="fetch robots.txt, feeds, sitemaps and sections and report on each")
        parser.add_argument("--json", action="store_true", help="print JSON lines instead of text")
        parser.add_argument("--timeout", type=float, default=None,
                            help="seconds per source (default NEWSCRAWL_PROBE_TIMEOUT)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            registry = load_registry(self.settings.get("NEWSCRAWL_OUTLETS_FILE") or None)
        except RegistryError as exc:
            print(f"newscrawl: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        unknown = [k for k in args if k not in registry]
        if unknown:
            raise UsageError(f"unknown outlet(s) {', '.join(unknown)}")
        outlets = [registry[k] for k in (args or registry)]
        if not opts.probe:
            self._list(outlets, opts.json)
            return
        timeout = opts.timeout if opts.timeout is not None else self.settings.getfloat("NEWSCRAWL_PROBE_TIMEOUT")
        prober = Prober(self.settings.get("USER_AGENT"), timeout, self.settings.getint("NEWSCRAWL_PROBE_CONCURRENCY"))
        probes = prober.probe(outlets)
        self._report(outlets, probes, opts.json)
        failed = [s for p in probes for s in p.sources if not s.ok]
        self.exitcode = 1 if failed else 0

    @staticmethod
    def _list(outlets: list[Outlet], as_json: bool) -> None:
        for o in outlets:
            if as_json:
                print(json.dumps({"outlet": o.key, "name": o.name, "home": o.home, "feeds": list(o.feeds),
                                  "sitemaps": list(o.sitemaps), "robots_sitemaps": o.robots_sitemaps,
                                  "sections": list(o.sections), "verified": o.verified, "tdm": o.tdm},
                                 ensure_ascii=False))
                continue
            print(f"{o.key:<14} {o.name}  [{o.verified}]  TDM: {_tdm_label(o)}")
            for url in o.feeds:
                print(f"    feed      {url}")
            for url in o.sitemaps:
                print(f"    sitemap   {url}")
            if o.robots_sitemaps:
                print(f"    sitemaps  announced in {o.robots_url}")
            for url in o.sections:
                print(f"    section   {url}")

    @staticmethod
    def _report(outlets: list[Outlet], probes: list[OutletProbe], as_json: bool) -> None:
        names = {o.key: o for o in outlets}
        for probe in probes:
            o = names[probe.outlet]
            tdm_text = f"reserved: {probe.tdm.source}" if probe.tdm.reserved else "no reservation found"
            if as_json:
                print(json.dumps({"outlet": o.key, "tdm": probe.tdm.as_dict(), "crawl_delay": probe.crawl_delay},
                                 ensure_ascii=False))
                for source in probe.sources:
                    print(json.dumps(source.as_dict(), ensure_ascii=False))
                continue
            print(f"{o.key:<14} {o.name}  [{o.verified}]  TDM: {tdm_text}")
            for s in probe.sources:
                state = "ok  " if s.ok else "FAIL"
                detail = s.error or (f"{s.entries} entries" + (f", newest {s.newest:%Y-%m-%d %H:%M %Z}" if s.newest else ""))
                note = f"  ({s.note})" if s.note and not s.error else ""
                print(f"    {state} {s.kind:<15} {s.url}  {detail}{note}")
