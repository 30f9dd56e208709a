"""`scrapy outlets`: the registry at a glance, `--probe` to see which sources went stale,
`--check-urls` to see which real URLs its article patterns accept.

    scrapy outlets                 # every outlet: discovery sources, verified, TDM status
    scrapy outlets kresy tvn24     # only these
    scrapy outlets --probe         # fetch robots.txt, feeds, sitemaps, sections live
    scrapy outlets --probe --json  # one JSON object per source (for scripts)
    scrapy outlets --check-urls urls.txt [KEY ...]   # accepted/refused, and why (offline)

With ``--probe`` the exit status is 1 when a robots.txt, feed, sitemap or section of a
listed outlet was unreachable, unparsable or empty. With ``--check-urls`` it is 1 when a
URL is a problem (``newscrawl.urlcheck``: an article URL refused other than by a declared
exclusion — every URL of a plain list counts as an article URL — or a non-article URL
accepted), and 2 when the file cannot be read or is malformed (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.outlets import Outlet, RegistryError, load_registry
from newscrawl.fence import Fence, parse_networks
from newscrawl.probe import OutletProbe, Prober
from newscrawl.urlcheck import ARTICLE, CheckedUrl, OutletTally, UrlFileError, check_urls, read_url_file, tally


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
        return ("List outlets with their discovery sources and TDM status (--probe: check them live; "
                "--check-urls FILE: which real URLs the article patterns accept)")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--probe", action="store_true",
                            help="fetch robots.txt, feeds, sitemaps and sections and report on each")
        parser.add_argument("--json", action="store_true", help="print JSON lines instead of text")
        parser.add_argument("--timeout", type=float, default=None,
                            help="seconds per source (default NEWSCRAWL_PROBE_TIMEOUT)")
        parser.add_argument("--check-urls", metavar="FILE", default=None,
                            help="check the URLs of FILE (one per line, or JSON with article and "
                                 "non-article URLs per outlet) against the article patterns")

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
        if opts.check_urls is not None:
            if opts.probe:
                print("newscrawl: --check-urls works offline and cannot be combined with --probe", file=sys.stderr)
                self.exitcode = 2
                return
            self.exitcode = self._check_urls(opts.check_urls, registry, args, opts.json)
            return
        if not opts.probe:
            self._list(outlets, opts.json)
            return
        timeout = opts.timeout if opts.timeout is not None else self.settings.getfloat("NEWSCRAWL_PROBE_TIMEOUT")
        allowed = parse_networks(self.settings.get("NEWSCRAWL_ALLOW_PRIVATE_NETWORKS"))
        prober = Prober(self.settings.get("USER_AGENT"), timeout, self.settings.getint("NEWSCRAWL_PROBE_CONCURRENCY"),
                        fence=Fence({o.key: o for o in outlets}, allowed), allowed=allowed)
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

    @staticmethod
    def _check_urls(path: str, registry: dict[str, Outlet], keys: list[str], as_json: bool) -> int:
        try:
            cases = read_url_file(path)
        except UrlFileError as exc:
            print(f"newscrawl: {exc}", file=sys.stderr)
            return 2
        unknown = sorted({c.outlet for c in cases if c.outlet is not None and c.outlet not in registry})
        if unknown and not keys:
            print(f"newscrawl: URL file {path} lists outlet(s) not in the registry: {', '.join(unknown)}",
                  file=sys.stderr)
            return 2
        selected = {k: registry[k] for k in (keys or registry)}
        checked = check_urls(cases, selected)
        counts = tally(checked)
        for key in [*selected, None]:
            rows = [c for c in checked if c.outlet == key]
            if not rows and (key is None or not keys):
                continue
            if as_json:
                for c in rows:
                    print(json.dumps(_check_row(c), ensure_ascii=False))
                continue
            if key is None:
                print(f"(no outlet)  {len(rows)} URL(s) on no listed outlet's domains")
            else:
                print(f"{key:<14} {selected[key].name}: {_tally_text(counts.get(key))}")
            for c in rows:
                state = "accepted" if c.verdict.accepted else "refused"
                mark = "!" if c.problem else " "
                why = f"  {c.why}" if c.why else ""
                print(f"  {mark} {state:<8} {c.case.kind:<8} {c.case.url}{why}")
        problems = sum(c.problem for c in checked)
        if not as_json:
            print(f"{len(checked)} URL(s) checked: {problems} problem(s) (marked !)")
        return 1 if problems else 0


def _tally_text(t: OutletTally | None) -> str:
    if t is None:
        return "no URLs"
    text = f"{t.accepted} of {t.articles} article URLs accepted"
    if t.excluded:
        text += f", {t.excluded} excluded"
    if t.non_articles:
        text += f"; {t.non_articles_accepted} of {t.non_articles} non-article URLs accepted"
    return text


def _check_row(c: CheckedUrl) -> dict:
    return {"outlet": c.outlet, "url": c.case.url, "kind": c.case.kind, "canonical": c.verdict.canonical,
            "accepted": c.verdict.accepted, "reason": c.verdict.reason, "rule": c.verdict.rule,
            "problem": c.problem, "why": c.why, "listed_as_article": c.case.kind == ARTICLE}
