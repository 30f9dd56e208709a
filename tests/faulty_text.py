"""A text stage that fails on chosen pages, to test the worker pool (test code only).

A page's fault comes from its ``x-test-fault`` header or, in a real crawl, from the
``NC_TEST_TEXT_FAULTS`` environment variable (JSON object: URL → fault). Faults:

- ``crash``: the worker process exits at once (like a segfault or the OOM killer);
- ``crash-once:<path>``: crashes unless ``<path>`` exists, creating it first (so the
  retry on a fresh worker succeeds);
- ``hang``: never returns;
- ``raise``: raises ``ValueError``.

Other pages go through ``build_article``.

    python -m tests.faulty_text crawl SPIDER [-a …]   # `scrapy crawl` with this text stage
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from newscrawl.items import Article, FetchedPage
from newscrawl.text.article import Rejected, TextOptions, build_article

FAULTS_ENV = "NC_TEST_TEXT_FAULTS"
FAULT_HEADER = "x-test-fault"


def fault_of(page: FetchedPage) -> str:
    fault = page.headers.get(FAULT_HEADER)
    if fault is None:
        fault = json.loads(os.environ.get(FAULTS_ENV) or "{}").get(page.url, "")
    return fault


def build_or_fail(page: FetchedPage, options: TextOptions) -> Article | Rejected:
    fault = fault_of(page)
    if fault == "crash":
        os._exit(3)
    if fault.startswith("crash-once:"):
        marker = Path(fault.split(":", 1)[1])
        if not marker.exists():
            marker.touch()
            os._exit(3)
    if fault == "hang":
        while True:
            time.sleep(60)
    if fault == "raise":
        raise ValueError("the text stage broke on this page")
    return build_article(page, options)


if __name__ == "__main__":
    import newscrawl.workers
    from scrapy.cmdline import execute

    from tests import faulty_text  # this module by its importable name, so workers can load it

    newscrawl.workers.text_stage = faulty_text.build_or_fail
    execute(["scrapy", *sys.argv[1:]])
