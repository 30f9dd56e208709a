"""Everything that talks to MongoDB lives here; nothing else builds queries."""

from newscrawl.store.mongo import (
    ArticleStore,
    BatchWriter,
    StorageUnavailable,
    WriteCounts,
    connect,
    redact_uri,
)

__all__ = ["ArticleStore", "BatchWriter", "StorageUnavailable", "WriteCounts", "connect", "redact_uri"]

# Learned-boilerplate counts (issue 3).
from newscrawl.store.boilerplate import BOILERPLATE, BoilerplateStore, open_boilerplate_store  # noqa: E402

__all__ += ["BOILERPLATE", "BoilerplateStore", "open_boilerplate_store"]
