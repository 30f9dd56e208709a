"""Per-outlet outcomes of a crawl, from its stats (pure: a stats mapping in, data out).

Every outlet of a run ends as exactly one of:

- ``tdm_skipped``  — the outlet reserves text and data mining and was skipped;
- ``store_failed`` — records of the outlet could not be stored: refused by MongoDB, or
  spilled to the spill file during an outage (``scrapy replay-spill`` loads them);
- ``unreachable``  — not one of its sources gave a usable answer (DNS, refused, timeouts…);
- ``errors``       — some sources or article downloads failed for good;
- ``no_articles``  — it was reached, nothing failed, and no article was stored (e.g. an
  incremental run found nothing new: ``no_articles (52 known)``);
- ``ok``           — articles stored, nothing failed.

``scrapy crawl`` exits 1 when any outlet ended ``unreachable`` or ``store_failed``, or
the run itself did not finish (see ``exit_code``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

OK, UNREACHABLE, TDM_SKIPPED, NO_ARTICLES, ERRORS, STORE_FAILED = (
    "ok", "unreachable", "tdm_skipped", "no_articles", "errors", "store_failed",
)
FAILING = frozenset({UNREACHABLE, STORE_FAILED})
OUTLET_STATS = "newscrawl/outlet/"
TDM_STATS = "newscrawl/tdm/"


@dataclass(frozen=True)
class OutletOutcome:
    outlet: str
    outcome: str
    detail: str      # why, in a few words ("" for ok)
    articles: int    # records stored by this run (new, changed or unchanged)

    def line(self) -> str:
        """The closing line, e.g. ``kresy: unreachable (DNS lookup failed for kresy.pl), 0 articles``."""
        noun = "article" if self.articles == 1 else "articles"
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.outlet}: {self.outcome}{detail}, {self.articles} {noun}"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "outlet"}


def _int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def outlet_outcome(stats: Mapping[str, Any], outlet: str, spill_file: str = "") -> OutletOutcome:
    """The outcome of one outlet (keys: ``newscrawl/outlet/<outlet>/…``, ``newscrawl/tdm/<outlet>``)."""
    fact = lambda name: _int(stats, f"{OUTLET_STATS}{outlet}/{name}")  # noqa: E731
    stored, failed, spilled = fact("stored"), fact("store_failed"), fact("spilled")
    sources_ok, sources_failed = fact("sources_ok"), fact("sources_failed")
    requests_failed, dropped = fact("requests_failed"), fact("dropped")
    error = str(stats.get(f"{OUTLET_STATS}{outlet}/error") or "")[:200]
    tdm = stats.get(f"{TDM_STATS}{outlet}")
    if isinstance(tdm, Mapping) and tdm.get("skipped"):
        source = str(tdm.get("source") or "registry")
        source = source if len(source) <= 120 else source[:119] + "…"
        return OutletOutcome(outlet, TDM_SKIPPED, f"TDM reserved: {source}", stored)
    if failed or spilled:
        parts = []
        if failed:
            parts.append(f"{_plural(failed, 'record')} refused by MongoDB")
        if spilled:
            where = f" to {spill_file}" if spill_file else ""
            parts.append(f"{_plural(spilled, 'record')} spilled{where}; `scrapy replay-spill` loads them")
        return OutletOutcome(outlet, STORE_FAILED, ", ".join(parts), stored)
    if sources_failed and not sources_ok:
        return OutletOutcome(outlet, UNREACHABLE, error or f"{_plural(sources_failed, 'source')} failed", stored)
    if sources_failed or requests_failed:
        parts = []
        if sources_failed:
            parts.append(f"{_plural(sources_failed, 'source')} failed")
        if requests_failed:
            parts.append(f"{_plural(requests_failed, 'article download')} failed")
        detail = ", ".join(parts) + (f": {error}" if error else "")
        return OutletOutcome(outlet, ERRORS, detail, stored)
    if not stored:
        # An incremental run that found nothing new says so (known: already stored).
        known = fact("known_skipped")
        parts = [f"{_plural(dropped, 'page')} dropped"] * bool(dropped) + [f"{known} known"] * bool(known)
        return OutletOutcome(outlet, NO_ARTICLES, ", ".join(parts), 0)
    return OutletOutcome(outlet, OK, "", stored)


def run_outcomes(stats: Mapping[str, Any], outlets: list[str], spill_file: str = "") -> list[OutletOutcome]:
    return [outlet_outcome(stats, outlet, spill_file) for outlet in outlets]


def exit_code(outcomes: list[OutletOutcome], run_status: str) -> int:
    """1 when the run did not finish or an outlet ended unreachable or store_failed, else 0."""
    if run_status != "finished" or any(o.outcome in FAILING for o in outcomes):
        return 1
    return 0
