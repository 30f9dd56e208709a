"""Corpus statistics per outlet, computed from streamed records (pure, bounded by outlets and days).

Per outlet: records, first and last publication date, median text length, language mix,
exact- and near-duplicate rates, paywalled share, the cleaning rules that fired most, and
articles per day (Warsaw dates) for the plot. The only per-record state kept is one text
length (4 bytes) per record, for the exact median.
"""

from __future__ import annotations

import statistics
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


@dataclass
class OutletStats:
    outlet: str
    records: int = 0
    first_published: datetime | None = None
    last_published: datetime | None = None
    undated: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    paywalled: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)        # records in which each rule fired
    per_day: Counter[date] = field(default_factory=Counter)      # records published per Warsaw day
    lengths: array = field(default_factory=lambda: array("I"))  # text length in characters

    def add(self, doc: Mapping[str, Any]) -> None:
        self.records += 1
        published = doc.get("published_at")
        if isinstance(published, datetime):
            if self.first_published is None or published < self.first_published:
                self.first_published = published
            if self.last_published is None or published > self.last_published:
                self.last_published = published
            self.per_day[published.astimezone(WARSAW).date()] += 1
        else:
            self.undated += 1
        self.lengths.append(len(doc.get("text") or ""))
        self.languages[doc.get("language") or "?"] += 1
        self.exact_duplicates += doc.get("duplicate_of") is not None
        self.near_duplicates += doc.get("near_duplicate_of") is not None
        self.paywalled += bool(doc.get("paywalled"))
        self.rules.update(set((doc.get("cleaning") or {}).get("rules") or ()))

    def merge(self, other: OutletStats) -> None:
        self.records += other.records
        firsts = [d for d in (self.first_published, other.first_published) if d is not None]
        lasts = [d for d in (self.last_published, other.last_published) if d is not None]
        self.first_published = min(firsts, default=None)
        self.last_published = max(lasts, default=None)
        self.undated += other.undated
        self.exact_duplicates += other.exact_duplicates
        self.near_duplicates += other.near_duplicates
        self.paywalled += other.paywalled
        self.languages.update(other.languages)
        self.rules.update(other.rules)
        self.per_day.update(other.per_day)
        self.lengths.extend(other.lengths)

    @property
    def median_length(self) -> int:
        return int(statistics.median(self.lengths)) if self.lengths else 0

    def share(self, count: int) -> float:
        return count / self.records if self.records else 0.0

    def as_dict(self, top_rules: int = 3) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "outlet": self.outlet,
            "records": self.records,
            "first_published": self.first_published.isoformat() if self.first_published else None,
            "last_published": self.last_published.isoformat() if self.last_published else None,
            "undated": self.undated,
            "median_length": self.median_length,
            "languages": {lang: round(self.share(n), 4) for lang, n in _top(self.languages)},
            "exact_duplicate_rate": round(self.share(self.exact_duplicates), 4),
            "near_duplicate_rate": round(self.share(self.near_duplicates), 4),
            "paywalled_share": round(self.share(self.paywalled), 4),
            "top_cleaning_rules": {rule: round(self.share(n), 4) for rule, n in _top(self.rules, top_rules)},
        }


def _top(counter: Counter[str], n: int | None = None) -> list[tuple[str, int]]:
    """Most common first; ties by name (deterministic output)."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:n]


def collect(docs: Iterable[Mapping[str, Any]]) -> dict[str, OutletStats]:
    """Statistics per outlet (sorted by key) of the streamed documents."""
    by_outlet: dict[str, OutletStats] = {}
    for doc in docs:
        outlet = doc.get("outlet") or "?"
        stats = by_outlet.get(outlet)
        if stats is None:
            stats = by_outlet[outlet] = OutletStats(outlet)
        stats.add(doc)
    return dict(sorted(by_outlet.items()))


def total(by_outlet: Mapping[str, OutletStats]) -> OutletStats:
    """The whole corpus as one more row."""
    everything = OutletStats("(all)")
    for stats in by_outlet.values():
        everything.merge(stats)
    return everything


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _day(value: datetime | None) -> str:
    return value.astimezone(WARSAW).date().isoformat() if value else "-"


def table(by_outlet: Mapping[str, OutletStats], top_rules: int = 3) -> str:
    """A plain-text table, one row per outlet and one for the whole corpus."""
    header = ("outlet", "records", "first", "last", "median chars", "languages", "exact dup", "near dup",
              "paywalled", "top cleaning rules (share of records)")
    rows = []
    for stats in [*by_outlet.values(), total(by_outlet)] if by_outlet else []:
        languages = ", ".join(f"{lang} {_percent(stats.share(n))}" for lang, n in _top(stats.languages, 3))
        rules = ", ".join(f"{rule} {_percent(stats.share(n))}" for rule, n in _top(stats.rules, top_rules))
        rows.append((stats.outlet, str(stats.records), _day(stats.first_published), _day(stats.last_published),
                     str(stats.median_length), languages, _percent(stats.share(stats.exact_duplicates)),
                     _percent(stats.share(stats.near_duplicates)), _percent(stats.share(stats.paywalled)),
                     rules or "-"))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    numeric = {1, 4, 6, 7, 8}

    def line(row: tuple[str, ...]) -> str:
        cells = [cell.rjust(w) if i in numeric else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), *(line(row) for row in rows)]) + "\n"


def plot_per_day(by_outlet: Mapping[str, OutletStats], path: Path) -> None:
    """Articles per day per outlet: one small bar chart per outlet on a shared date axis (PNG)."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    outlets = [s for s in by_outlet.values() if s.per_day]
    if not outlets:
        raise ValueError("no dated records to plot")
    first = min(day for s in outlets for day in s.per_day)
    last = max(day for s in outlets for day in s.per_day)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    columns = 1 if len(outlets) <= 4 else 2
    rows = -(-len(outlets) // columns)
    fig, axes = plt.subplots(rows, columns, sharex=True, squeeze=False, layout="constrained",
                             figsize=(11 if columns == 1 else 14, 1.2 + 1.9 * rows))
    for ax, stats in zip(axes.flat, outlets):
        counts = [stats.per_day.get(day, 0) for day in days]
        if len(days) <= 62:
            ax.bar(days, counts, width=0.8, color="#3b6ea5")
        else:  # bars a pixel wide alias into stripes: draw the outline filled instead
            ax.fill_between(days, counts, step="mid", color="#3b6ea5", linewidth=0)
        ax.set_title(f"{stats.outlet} — {stats.records} records", loc="left", fontsize=10)
        ax.set_ylabel("articles")
        ax.set_ylim(0, max(counts) * 1.15 + 0.5)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(outlets):]:
        ax.set_visible(False)
    locator = mdates.AutoDateLocator(maxticks=12)
    for ax in axes[-1]:
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.tick_params(axis="x", labelbottom=True)
    fig.suptitle(f"Articles per day (Warsaw time), {first:%Y-%m-%d} – {last:%Y-%m-%d}", fontsize=12)
    fig.savefig(path, dpi=100)
    plt.close(fig)
