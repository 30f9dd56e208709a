"""Check the outlet registry against real URLs (`scrapy outlets --check-urls FILE`).

A URL file is either
- a plain list: one URL per line (blank lines and ``#`` comments are skipped); every URL
  is taken for an article URL and checked against the outlet that owns its host; or
- JSON in the format of ``tests/data/outlet-urls.json``:
  ``{"outlets": {"<key>": {"articles": [{"url": …}, …],
  "non_articles": [{"url": …, "kind": "tag"}, …]}}}`` (other fields are ignored).

A checked URL is a **problem** when
- an article URL is refused because it is on another domain, matches no article pattern
  or is denied (an article the registry deliberately excludes is reported, not a problem);
- a non-article URL is accepted as an article page, unless it is a variant (its canonical
  form is another page: a crawl fetches that page, never this one) or its kind is one the
  outlet declares in ``article_shaped_kinds`` (the site serves such pages under article
  URLs, so no URL pattern can refuse them).

Pure: reads a file and the registry, returns data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.outlets import EXCLUDED, OTHER_DOMAIN, PAGE_KINDS, Outlet, UrlVerdict

ARTICLE = "article"


class UrlFileError(ValueError):
    """The URL file cannot be read or is not in a known format (message is one line)."""


@dataclass(frozen=True)
class UrlCase:
    """One URL to check: what the file says it is, and which outlet it lists it under."""

    url: str
    kind: str = ARTICLE            # "article" or one of PAGE_KINDS
    outlet: str | None = None      # the file's outlet key (JSON), None for a plain list


@dataclass(frozen=True)
class CheckedUrl:
    case: UrlCase
    outlet: str | None             # key of the outlet it was checked against (None: no listed outlet owns it)
    verdict: UrlVerdict
    article_shaped: bool = False   # accepted non-article of a kind the outlet declares article-shaped

    @property
    def problem(self) -> bool:
        if self.case.kind == ARTICLE:
            return not self.verdict.accepted and self.verdict.reason != EXCLUDED
        return self.verdict.accepted and not self.verdict.is_variant and not self.article_shaped

    @property
    def why(self) -> str:
        """Why the registry accepts or refuses it, in words."""
        v = self.verdict
        if v.accepted:
            if self.case.kind == ARTICLE:
                return ""
            if v.is_variant:
                return f"variant: a crawl fetches {v.canonical} instead"
            if self.article_shaped:
                return f"{self.case.kind} pages use article URLs here (article_shaped_kinds)"
            return "a non-article page accepted as an article"
        if v.rule:
            return f"{v.reason} by '{v.rule}'"
        return v.reason


def read_url_file(path: str | Path) -> list[UrlCase]:
    """The URLs of a plain list or JSON file; ``UrlFileError`` (one line) when it cannot be used."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UrlFileError(f"URL file {path} does not exist") from None
    except IsADirectoryError:
        raise UrlFileError(f"URL file {path} is a directory") from None
    except UnicodeDecodeError:
        raise UrlFileError(f"URL file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise UrlFileError(f"URL file {path} cannot be read: {exc.strerror or exc}") from None
    if text.lstrip().startswith("{"):
        return _json_cases(path, text)
    return _plain_cases(path, text)


def _is_http_url(url: object) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _plain_cases(path: Path, text: str) -> list[UrlCase]:
    cases = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not _is_http_url(line):
            raise UrlFileError(f"URL file {path} line {number}: not an http(s) URL: {line[:80]!r}")
        cases.append(UrlCase(line))
    if not cases:
        raise UrlFileError(f"URL file {path} has no URLs")
    return cases


def _json_cases(path: Path, text: str) -> list[UrlCase]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UrlFileError(f"URL file {path} is not valid JSON: {exc}") from None
    outlets = data.get("outlets") if isinstance(data, dict) else None
    if not isinstance(outlets, dict):
        raise UrlFileError(f'URL file {path}: JSON must be {{"outlets": {{"<key>": {{"articles": [...], '
                           f'"non_articles": [...]}}}}}}')
    cases = []
    for key, entry in outlets.items():
        if not isinstance(entry, dict):
            raise UrlFileError(f"URL file {path}: outlet {key!r} must be an object with 'articles' and 'non_articles'")
        for group in ("articles", "non_articles"):
            records = entry.get(group, [])
            if not isinstance(records, list):
                raise UrlFileError(f"URL file {path}: outlet {key!r}: {group!r} must be a list")
            for n, record in enumerate(records):
                where = f"URL file {path}: outlet {key!r}: {group}[{n}]"
                if not isinstance(record, dict) or not _is_http_url(record.get("url")):
                    raise UrlFileError(f"{where} has no http(s) 'url'")
                kind = ARTICLE if group == "articles" else record.get("kind")
                if kind != ARTICLE and kind not in PAGE_KINDS:
                    raise UrlFileError(f"{where}: 'kind' must be one of {', '.join(PAGE_KINDS)}, not {kind!r}")
                cases.append(UrlCase(record["url"].strip(), kind, key))
    if not cases:
        raise UrlFileError(f"URL file {path} has no URLs")
    return cases


def check_urls(cases: list[UrlCase], outlets: dict[str, Outlet]) -> list[CheckedUrl]:
    """Check every case against ``outlets`` (the outlets to check, in report order).

    A case listed under an outlet key is checked against that outlet (cases of outlets not
    in ``outlets`` are left out); a case of a plain list against the first outlet owning
    its host, or reported as on another domain when none does.
    """
    checked = []
    for case in cases:
        if case.outlet is not None:
            outlet = outlets.get(case.outlet)
            if outlet is None:
                continue
        else:
            outlet = next((o for o in outlets.values() if o.owns(o.canonical(case.url))), None)
        if outlet is None:
            checked.append(CheckedUrl(case, None, UrlVerdict(case.url, case.url, OTHER_DOMAIN)))
            continue
        verdict = outlet.check_url(case.url)
        shaped = case.kind in outlet.article_shaped_kinds and verdict.accepted
        checked.append(CheckedUrl(case, outlet.key, verdict, shaped))
    return checked


@dataclass(frozen=True)
class OutletTally:
    """Per-outlet counts of one check."""

    articles: int = 0
    accepted: int = 0
    excluded: int = 0
    non_articles: int = 0
    non_articles_accepted: int = 0   # as problems (variants and article-shaped kinds not counted)
    problems: int = 0

    @property
    def refused(self) -> int:
        return self.articles - self.accepted - self.excluded

    @property
    def accepted_share(self) -> float:
        """Accepted article URLs among those the outlet does not deliberately exclude."""
        considered = self.articles - self.excluded
        return self.accepted / considered if considered else 1.0


def tally(checked: list[CheckedUrl]) -> dict[str | None, OutletTally]:
    """Counts per outlet key (``None``: URLs no listed outlet owns), in first-seen order."""
    counts: dict[str | None, dict[str, int]] = {}
    for c in checked:
        n = counts.setdefault(c.outlet, dict.fromkeys(OutletTally.__dataclass_fields__, 0))
        if c.case.kind == ARTICLE:
            n["articles"] += 1
            n["accepted"] += c.verdict.accepted
            n["excluded"] += c.verdict.reason == EXCLUDED
        else:
            n["non_articles"] += 1
            n["non_articles_accepted"] += c.problem
        n["problems"] += c.problem
    return {key: OutletTally(**n) for key, n in counts.items()}
