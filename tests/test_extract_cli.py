"""`python -m newscrawl.extract`: the record the crawl would store, for saved pages."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import ROOT

PAGE = """<!doctype html><html lang="pl"><head><meta charset="windows-1250">
<title>Blinken i Ławrow spotkają się w środę | Kresy.pl</title>
<meta name="description" content="Sekretarz stanu USA i szef MSZ Rosji mają w środę wieczorem przeprowadzić rozmowy przed ewentualnym szczytem w czerwcu – poinformowała agencja prasowa Reuters.">
<meta property="og:site_name" content="Kresy.pl"><meta name="date" content="2021-05-19 10:15">
</head><body><article><h1>Blinken i Ławrow spotkają się w środę</h1>
<p>Jak poinformowała agencja prasowa Reuters, sekretarz stanu USA i szef MSZ Rosji mają w środę wieczorem przeprowadzić rozmowy przed ewentualnym szczytem w czerwcu.</p>
<p>Rzecznik Departamentu Stanu USA Ned Price powiedział, że Ławrow i Blinken spotkają się po spotkaniu Rady Arktycznej, regionalnego ugrupowania ośmiu państw.</p>
<p>Pilnujemy wspólnych spraw</p><p>Zależymy od Twojego wsparcia</p><p>Wspieram Kresy.pl</p>
<p>Pomysł szczytu został zgłoszony przez Biały Dom w zeszłym miesiącu, ale nadal nie został publicznie potwierdzony przez żadną ze stron.</p>
<p>Kresy.pl/Reuters</p></article></body></html>"""


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newscrawl.extract", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_saved_page_from_outside_the_newsroom(tmp_path):
    path = tmp_path / "kresy.html"
    path.write_bytes(PAGE.encode("windows-1250"))
    result = run(str(path), "--url", "https://kresy.pl/wydarzenia/swiat/blinken-lawrow/?utm_source=fb#komentarze")
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert record["url"] == "https://kresy.pl/wydarzenia/swiat/blinken-lawrow/"  # canonical, as stored
    assert record["outlet"] == "kresy"  # found in the shipped registry by its domain
    assert record["title"] == "Blinken i Ławrow spotkają się w środę"
    # The meta description is not shown on the page: its visible version, the first
    # paragraph, is the lead (the description never replaces body text).
    assert record["lead"].startswith("Jak poinformowała agencja prasowa Reuters, sekretarz stanu USA")
    assert record["text"].split("\n\n") == [
        "Rzecznik Departamentu Stanu USA Ned Price powiedział, że Ławrow i Blinken spotkają się po spotkaniu Rady Arktycznej, regionalnego ugrupowania ośmiu państw.",
        "Pomysł szczytu został zgłoszony przez Biały Dom w zeszłym miesiącu, ale nadal nie został publicznie potwierdzony przez żadną ze stron.",
    ]
    assert record["credits"] == ["Kresy.pl/Reuters"]
    assert record["published_at"] == "2021-05-19T10:15:00+02:00"
    assert record["language"] == "pl"
    assert {"outlet_phrase", "credit_line"} <= set(record["cleaning"]["rules"])
    assert set(record) >= {"url", "title", "lead", "text", "authors", "published_at", "language", "credits", "cleaning"}


def test_jsonl_from_stdin_and_bad_input_never_trace(tmp_path):
    lines = "\n".join([
        json.dumps({"url": "https://kresy.pl/a/", "html": PAGE}),
        "not json",
        json.dumps({"url": "https://example.org/b", "html": ""}),
    ])
    result = run("--jsonl", stdin=lines)
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["title"] == "Blinken i Ławrow spotkają się w środę"
    assert records[1] == {"url": "https://example.org/b", "rejected": "empty_page", "detail": ""}
    assert result.stderr.strip() == 'newscrawl.extract: stdin line 2: expected {"url": str, "html": str}'

    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 16)
    result = run(str(garbage), str(tmp_path / "missing.html"))
    assert result.returncode == 1
    assert json.loads(result.stdout)["rejected"] == "not_html"
    assert result.stderr.count("\n") == 1 and "cannot read" in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_are_one_line():
    result = run()
    assert result.returncode == 2 and "Traceback" not in result.stderr
