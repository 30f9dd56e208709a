"""``python -m newscrawl.extract``: what the crawl would store for saved pages.

    python -m newscrawl.extract PAGE.html [PAGE2.html …] [--url URL …] [--outlet KEY]
    python -m newscrawl.extract --jsonl < pages.jsonl      # {"url": …, "html": …} per line

Prints one JSON record per page (JSON Lines) — the same ``build_article`` the crawl
pipeline calls, minus storage: title, lead, text, authors, dates, language, credits,
cleaning (what was removed, by rule). A page that gives no record prints
``{"url": …, "rejected": reason, "detail": …}``; the exit status is 1 when any page
was rejected or unreadable, 2 on bad usage.

The outlet's registry boilerplate phrases are used when ``--outlet`` is given or the URL
belongs to an outlet of the registry (``NEWSCRAWL_OUTLETS_FILE`` or ``--registry``).
Learned boilerplate lives in MongoDB and is not applied here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newscrawl.items import Article, FetchedPage
from newscrawl.outlets import Outlet, RegistryError, load_registry
from newscrawl.text.article import Rejected, TextOptions, build_article
from newscrawl.urls import canonicalize_url


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _find_outlet(registry: dict[str, Outlet], url: str, key: str) -> Outlet | None:
    if key:
        return registry.get(key)
    return next((o for o in registry.values() if o.owns(url)), None)


def _options(base: TextOptions, outlet: Outlet | None) -> TextOptions:
    return dataclasses.replace(base, outlet_phrases=outlet.boilerplate if outlet else ())


def record(result: Article | Rejected, url: str) -> dict[str, Any]:
    """The JSON form of a result: the stored record, or the rejection."""
    if isinstance(result, Rejected):
        return {"url": url, "rejected": result.reason, "detail": result.detail}
    return {k: v for k, v in dataclasses.asdict(result).items() if k not in ("minhash", "lsh")}


def _pages_from_files(paths: list[str], urls: list[str], content_type: str) -> Iterator[tuple[str, bytes | None, str, dict]]:
    for index, path in enumerate(paths):
        url = urls[index] if len(urls) > 1 else (urls[0] if urls else Path(path).resolve().as_uri())
        try:
            body: bytes | None = Path(path).read_bytes()
            error = ""
        except OSError as exc:
            body, error = None, f"cannot read {path}: {exc.strerror or exc}"
        headers = {"content-type": content_type} if content_type else {}
        yield url, body, error, headers


def _pages_from_jsonl(stream, content_type: str) -> Iterator[tuple[str, bytes | None, str, dict]]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            url, html = data["url"], data["html"]
            if not isinstance(url, str) or not isinstance(html, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            yield "", None, f"stdin line {number}: expected {{\"url\": str, \"html\": str}}", {}
            continue
        ctype = data.get("content_type") or content_type
        yield url, html.encode("utf-8"), "", {"content-type": ctype or "text/html; charset=utf-8"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newscrawl.extract",
        description="Print the clean record the crawl would store for saved HTML pages (JSON Lines).",
    )
    parser.add_argument("pages", nargs="*", help="saved HTML files")
    parser.add_argument("--url", action="append", default=[],
                        help="the page's URL (once for all files, or once per file in order)")
    parser.add_argument("--jsonl", action="store_true", help='read {"url": …, "html": …} lines from stdin')
    parser.add_argument("--outlet", default="", help="registry key whose boilerplate phrases apply")
    parser.add_argument("--registry", default=os.environ.get("NEWSCRAWL_OUTLETS_FILE", ""),
                        help="outlet registry (default: NEWSCRAWL_OUTLETS_FILE or the shipped one)")
    parser.add_argument("--content-type", default="", help='HTTP Content-Type to assume, e.g. "text/html; charset=iso-8859-2"')
    parser.add_argument("--languages", default=os.environ.get("NEWSCRAWL_LANGUAGES", "pl"),
                        help="comma-separated languages to keep (empty: keep all)")
    parser.add_argument("--min-text-chars", type=int, default=int(os.environ.get("NEWSCRAWL_MIN_TEXT_CHARS", "200")))
    args = parser.parse_args(argv)
    if args.jsonl == bool(args.pages):
        parser.error("give saved HTML files, or --jsonl with lines on stdin (not both)")
    if args.pages and len(args.url) > 1 and len(args.url) != len(args.pages):
        parser.error(f"{len(args.url)} --url values for {len(args.pages)} files: give one, or one per file")
    try:
        registry = load_registry(args.registry or None)
    except RegistryError as exc:
        print(f"newscrawl.extract: {exc}", file=sys.stderr)
        return 2
    if args.outlet and args.outlet not in registry:
        print(f"newscrawl.extract: no outlet {args.outlet!r} in the registry", file=sys.stderr)
        return 2
    base = TextOptions(
        languages=tuple(l.strip() for l in args.languages.split(",") if l.strip()),
        min_text_chars=args.min_text_chars,
    )
    pages = _pages_from_jsonl(sys.stdin, args.content_type) if args.jsonl else _pages_from_files(args.pages, args.url, args.content_type)
    status = 0
    now = datetime.now(timezone.utc)
    for url, body, error, headers in pages:
        if body is None:
            print(f"newscrawl.extract: {error}", file=sys.stderr)
            status = 1
            continue
        if url.startswith(("http://", "https://")):
            url = canonicalize_url(url)  # the crawl stores records under the canonical URL
        outlet = _find_outlet(registry, url, args.outlet)
        page = FetchedPage(url=url, outlet=outlet.key if outlet else "", body=body, status=200,
                           headers=headers, fetched_at=now)
        result = build_article(page, _options(base, outlet))
        if isinstance(result, Rejected):
            status = 1
        print(json.dumps(record(result, url), ensure_ascii=False, default=_jsonable), flush=True)
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `… | head` closed the pipe: not an error
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
