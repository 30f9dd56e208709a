"""`scrapy export`: formats and their types, filters, duplicates left out, errors."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scrapy.cmdline import execute

from newscrawl.corpus.export import arrow_schema, fields, record_schema
from newscrawl.store.corpus import CorpusFilter, export_documents
from tests.corpusdata import NOW, article_doc, write_batch
from tests.newsroom import Newsroom
from tests.support import ROOT, crawl_env
from tools.localmongo import free_port


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def corpus(module_db):
    """Six records: a story told twice (the copy published first), an exact duplicate, an
    undated English record and one not updated for ten days."""
    texts = [(a.lead, list(a.paragraphs)) for a in Newsroom(articles_per_outlet=24).all_articles()]
    (lead1, story), (lead2, other), (lead3, third), (lead4, fourth) = texts[:4]
    write_batch(module_db, [
        article_doc("https://a.pl/1", lead1, story, outlet="nr-a", published_at=at(10, 10),
                    authors=["Jan Kowalski"], tags=["sejm"], credits=["PAP"], paywalled=True,
                    tdm={"reserved": False, "source": ""}, language_confidence=0.99),
        article_doc("https://a.pl/2", lead2, other, outlet="nr-a", published_at=at(15)),
        article_doc("https://a.pl/3", lead3, third, outlet="nr-a", published_at=at(20)),
    ], NOW - timedelta(days=10))
    write_batch(module_db, [
        article_doc("https://b.pl/1", lead1, story[:-1], outlet="nr-b", published_at=at(9)),
        article_doc("https://b.pl/2", "Inny lead.", other, outlet="nr-b", published_at=at(16)),
        article_doc("https://c.pl/1", lead4, fourth, outlet="nr-c", published_at=None, language="en"),
    ], NOW)
    return module_db


def export(mongo_uri: str, database: str, *args: str) -> int:
    """`scrapy export …` in this process; returns the exit status."""
    with pytest.raises(SystemExit) as stop:
        execute(["scrapy", "export", "-s", f"MONGO_URI={mongo_uri}", "-s", f"MONGO_DATABASE={database}", *args])
    return stop.value.code or 0


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def urls(path: Path) -> set[str]:
    return {r["url"] for r in read_jsonl(path)}


def test_jsonl_records_follow_the_json_schema(corpus, mongo_uri, tmp_path, capsys):
    out = tmp_path / "corpus.jsonl"
    assert export(mongo_uri, corpus.name, "-o", str(out)) == 0
    assert capsys.readouterr().err.strip() == f"exported 6 records to {out}"
    records = read_jsonl(out)
    validator = jsonschema.Draft202012Validator(record_schema())
    date_fields = [n for n, spec in record_schema()["properties"].items() if spec.get("format") == "date-time"]
    for record in records:
        validator.validate(record)
        assert list(record) == fields()
        for name in date_fields:
            if record[name] is not None:
                assert datetime.fromisoformat(record[name]).utcoffset() == timedelta(0)
    first = next(r for r in records if r["url"] == "https://a.pl/1")
    assert first["published_at"] == "2026-11-10T10:00:00Z"
    assert first["authors"] == ["Jan Kowalski"] and first["paywalled"] is True and first["credits"] == ["PAP"]
    assert first["tdm"] == {"reserved": False, "source": ""} and first["story_id"]
    assert "minhash" not in first and "lsh" not in first and "cleaning" not in first


def test_parquet_and_gzip_hold_the_same_records_with_typed_columns(corpus, mongo_uri, tmp_path, capsys):
    for name in ("corpus.jsonl", "corpus.jsonl.gz", "corpus.parquet"):
        assert export(mongo_uri, corpus.name, "-o", str(tmp_path / name)) == 0
    assert (tmp_path / "corpus.jsonl.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert read_jsonl(tmp_path / "corpus.jsonl.gz") == read_jsonl(tmp_path / "corpus.jsonl")
    table = pq.read_table(tmp_path / "corpus.parquet")
    assert table.schema.equals(arrow_schema())
    assert table.schema.field("published_at").type == pa.timestamp("ms", tz="UTC")
    assert table.schema.field("authors").type == pa.list_(pa.string())
    assert table.schema.field("similarity").type == pa.float64()
    assert table.schema.field("paywalled").type == pa.bool_()
    rows = {r["url"]: r for r in table.to_pylist()}
    for record in read_jsonl(tmp_path / "corpus.jsonl"):
        row = rows[record["url"]]
        assert row["text"] == record["text"] and row["story_id"] == record["story_id"]
        assert row["similarity"] == record["similarity"] and row["tdm"] == record["tdm"]
        published = row["published_at"]
        assert (published.isoformat().replace("+00:00", "Z") if published else None) == record["published_at"]


@pytest.mark.parametrize(("args", "expected"), [
    ((), {"https://a.pl/1", "https://a.pl/2", "https://a.pl/3", "https://b.pl/1", "https://b.pl/2", "https://c.pl/1"}),
    (("--dedup", "exact"), {"https://a.pl/1", "https://a.pl/2", "https://a.pl/3", "https://b.pl/1", "https://c.pl/1"}),
    # One record per story, the earliest published: the copy b.pl/1 came out before a.pl/1.
    (("--dedup", "near"), {"https://b.pl/1", "https://a.pl/2", "https://a.pl/3", "https://c.pl/1"}),
    (("--since", "2026-11-10"), {"https://a.pl/1", "https://a.pl/2", "https://a.pl/3", "https://b.pl/2"}),
    (("--until", "2026-11-15"), {"https://b.pl/1", "https://a.pl/1", "https://a.pl/2"}),
    (("--since", "2026-11-10T11:01+01:00", "--until", "2026-11-16T12:00Z"), {"https://a.pl/2"}),
    (("--outlet", "nr-b"), {"https://b.pl/1", "https://b.pl/2"}),
    (("--outlet", "nr-a,nr-c", "--lang", "pl"), {"https://a.pl/1", "https://a.pl/2", "https://a.pl/3"}),
    (("--lang", "en"), {"https://c.pl/1"}),
    (("--changed-since", (NOW - timedelta(days=1)).isoformat()), {"https://b.pl/1", "https://b.pl/2", "https://c.pl/1"}),
    (("--outlet", "nr-b", "--dedup", "near"), {"https://b.pl/1", "https://b.pl/2"}),
])
def test_filters_and_dedup_choose_the_records(corpus, mongo_uri, tmp_path, capsys, args, expected):
    out = tmp_path / "subset.jsonl"
    assert export(mongo_uri, corpus.name, "-o", str(out), *args) == 0
    assert urls(out) == expected


@pytest.mark.parametrize(("args", "message"), [
    (("-o", "corpus.csv"), "cannot tell the format of 'corpus.csv'"),
    (("-o", "x.jsonl", "--since", "wczoraj"), "--since 'wczoraj' is not a date"),
    (("-o", "x.jsonl", "--dedup", "fuzzy"), "invalid choice: 'fuzzy'"),
    ((), "name the output file with -o"),
])
def test_bad_options_are_one_line_usage_errors(corpus, mongo_uri, tmp_path, capsys, args, message):
    assert export(mongo_uri, corpus.name, *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_unreachable_mongodb_or_unwritable_file_exit_1_with_one_line_and_no_file(corpus, mongo_uri, tmp_path):
    dead = f"mongodb://127.0.0.1:{free_port()}"
    out = tmp_path / "corpus.parquet"
    result = subprocess.run([sys.executable, "-m", "scrapy", "export", "-o", str(out)], cwd=ROOT, text=True,
                            capture_output=True, env=crawl_env(dead, corpus.name, None, NEWSCRAWL_MONGO_TIMEOUT="1"),
                            timeout=120)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "MONGO_URI=" + dead in result.stderr
    assert not list(tmp_path.iterdir())
    missing_dir = tmp_path / "nowhere" / "corpus.jsonl"
    result = subprocess.run([sys.executable, "-m", "scrapy", "export", "-o", str(missing_dir)], cwd=ROOT, text=True,
                            capture_output=True, env=crawl_env(mongo_uri, corpus.name, None), timeout=120)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "nowhere" in result.stderr


@pytest.mark.parametrize("scan", [False, True], ids=["sorted cursor", "scan (FerretDB)"])
def test_near_dedup_keeps_the_earliest_dated_record_of_each_story(mongo_db, scan):
    docs = [("x1", "s1", None), ("x2", "s1", at(5)), ("x3", "s1", at(3)), ("x4", "s1", at(3, 18)),
            ("y1", "s2", None), ("y2", "s2", None), ("z1", None, at(1)), ("z2", None, None)]
    mongo_db.articles.insert_many([{"_id": i, "url": i, "story_id": s, "published_at": p} for i, s, p in docs])
    kept = [d["_id"] for d in export_documents(mongo_db.articles, CorpusFilter(), "near", ["url"], 2, scan=scan)]
    assert sorted(kept) == ["x3", "y1", "z1", "z2"]
