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
