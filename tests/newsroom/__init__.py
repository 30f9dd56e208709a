"""The offline newsroom: a deterministic fixture of fictional Polish news outlets served on loopback.

    from tests.newsroom import Newsroom
    room = Newsroom(articles_per_outlet=24, seed=0)
    with room.serve() as live:
        live.base_url("nr-kurier")          # "http://127.0.0.11:43123"
        live.write_registry(tmp / "outlets.toml")
        ...crawl...
        live.expected(url)                  # the clean record the crawler should produce

Standard library only; never imports newscrawl.
"""

from .model import OUTLETS, REFERENCE, WARSAW, ExpectedArticle, Newsroom, OutletInfo, strip_tracking
from .registry import outlet_entries, registry_toml
from .server import BoundNewsroom, RequestLogEntry, RunningNewsroom

OUTLET_KEYS = tuple(OUTLETS)

__all__ = ["ExpectedArticle", "Newsroom", "RunningNewsroom", "BoundNewsroom", "RequestLogEntry", "OutletInfo", "OUTLETS",
           "OUTLET_KEYS", "REFERENCE", "WARSAW", "strip_tracking", "outlet_entries", "registry_toml"]
