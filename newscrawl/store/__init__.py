"""Everything that talks to MongoDB lives here; nothing else builds queries."""

from newscrawl.store.mongo import (
    ArticleStore,
    MongoSettingError,
    StorageUnavailable,
    connect,
    redact_uri,
    validate_mongo_settings,
)

__all__ = ["ArticleStore", "MongoSettingError", "StorageUnavailable", "connect", "redact_uri",
           "validate_mongo_settings"]

# Learned-boilerplate counts (issue 3).
from newscrawl.store.boilerplate import BOILERPLATE, BoilerplateStore, open_boilerplate_store  # noqa: E402

__all__ += ["BOILERPLATE", "BoilerplateStore", "open_boilerplate_store"]
