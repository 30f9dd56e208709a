"""`scrapy corpus-stats` numbers, computed from streamed records (pure part)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from newscrawl.corpus.stats import collect, plot_per_day, table


def record(outlet: str, day: int, hour: int = 12, **fields) -> dict:
    return {"outlet": outlet, "published_at": datetime(2026, 11, day, hour, tzinfo=timezone.utc), "text": "x" * 100,
            "language": "pl", **fields}


RECORDS = [
    record("nr-a", 1, text="x" * 300, cleaning={"rules": ["navigation", "related_links"]}),
    record("nr-a", 1, 23, text="x" * 100, cleaning={"rules": ["related_links"]}, paywalled=True),  # 2 Nov in Warsaw
    record("nr-a", 3, text="x" * 200, duplicate_of="https://a.pl/1", near_duplicate_of="https://a.pl/1",
           cleaning={"rules": ["navigation", "related_links"]}),
    record("nr-b", 2, language="en", near_duplicate_of="https://a.pl/3"),
    {"outlet": "nr-b", "published_at": None, "text": "", "language": "pl"},
]


def test_per_outlet_figures():
    stats = collect(RECORDS)
    a, b = stats["nr-a"], stats["nr-b"]
    assert (a.records, a.median_length, a.undated) == (3, 200, 0)
    assert a.per_day == {date(2026, 11, 1): 1, date(2026, 11, 2): 1, date(2026, 11, 3): 1}
    summary = a.as_dict()
    assert summary["exact_duplicate_rate"] == summary["near_duplicate_rate"] == summary["paywalled_share"] == 0.3333
    assert summary["top_cleaning_rules"] == {"related_links": 1.0, "navigation": 0.6667}
    assert summary["first_published"] == "2026-11-01T12:00:00+00:00"
    assert b.as_dict()["languages"] == {"en": 0.5, "pl": 0.5} and b.undated == 1


def test_table_has_a_row_per_outlet_and_one_for_all():
    lines = table(collect(RECORDS)).splitlines()
    assert [line.split()[0] for line in lines] == ["outlet", "nr-a", "nr-b", "(all)"]
    assert lines[1].split()[1:5] == ["3", "2026-11-01", "2026-11-03", "200"]
    assert lines[3].split()[1] == "5" and lines[3].endswith("related_links 60.0%, navigation 40.0%")


def test_plot_is_a_png(tmp_path):
    path = tmp_path / "stats.png"
    plot_per_day(collect(RECORDS), path)
    assert path.read_bytes()[:4] == b"\x89PNG"
