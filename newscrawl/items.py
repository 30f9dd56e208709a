"""The two things that travel through the pipeline.

``FetchedPage`` is what the spider hands over: the raw response of an article page.
``Article`` is the one record schema stored in MongoDB (collection ``articles``); see the
README for the same table. Both are plain dataclasses (no Scrapy import) so the text
stage can build them in a worker process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class FetchedPage:
    url: str                      # canonical URL the page was requested as
    outlet: str                   # registry key
    body: bytes                   # raw response body
    status: int
    headers: dict[str, str]       # selected response headers (content-type, last-modified, …)
    fetched_at: datetime          # timezone-aware (UTC)
    response_url: str = ""        # final URL after redirects

    def __repr__(self) -> str:
        # Never the body: Scrapy logs items (dropped, failed), and a page can be megabytes.
        return (f"FetchedPage(url={self.url!r}, outlet={self.outlet!r}, status={self.status}, "
                f"body=<{len(self.body)} bytes>, response_url={self.response_url!r})")


@dataclass
class Article:
    url: str                                  # canonical URL; also the MongoDB _id
    outlet: str                               # registry key
    domain: str                               # host of the URL
    title: str
    text: str                                 # clean body, paragraphs separated by a blank line
    lead: str = ""                            # standfirst/summary, not repeated in text
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None      # timezone-aware
    modified_at: datetime | None = None       # timezone-aware
    language: str = ""
    language_confidence: float = 0.0
    tags: list[str] = field(default_factory=list)
    section: str = ""
    image: str = ""
    site_name: str = ""
    canonical_url: str = ""                   # the page's own <link rel=canonical> / og:url
    credits: list[str] = field(default_factory=list)   # credit/source lines moved out of text
    paywalled: bool = False
    # Text-and-data-mining reservation of the outlet/page (EU DSM art. 4): reserved, source.
    tdm: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""                    # sha1 of the normalised text
    # What was removed and why: {"removed": [{"rule", "text"}, …], "rules": [names]}
    cleaning: dict[str, Any] = field(default_factory=dict)
    fetched_at: datetime | None = None
    http: dict[str, Any] = field(default_factory=dict)      # status, content_type, encoding
    extractor: dict[str, str] = field(default_factory=dict) # tool and pipeline versions
    # MinHash signature of lead + text and its LSH band keys (newscrawl/corpus/minhash.py),
    # made by the text stage in its worker process when asked (TextOptions.fingerprint);
    # otherwise the writer makes them. Stored on the record for near-duplicate search.
    minhash: bytes | None = None
    lsh: list[int] = field(default_factory=list)
