"""Export records: the field list (from ``record.schema.json``) and the JSONL / Parquet writers.

The JSON Schema shipped next to this module is the one description of an exported record:
its ``properties`` give the fields and their order, and the Parquet schema is derived from
it (``string`` + ``date-time`` → ``timestamp[ms, UTC]``, ``number`` → ``float64``, arrays →
lists, objects → structs). Writers take records in chunks, so memory stays bounded by the
chunk size, and write to ``<name>.partial`` first: an interrupted export leaves no file that
looks complete.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

# pyarrow is imported where it is used: Scrapy imports every command module at each start
# (`scrapy crawl` included), and pyarrow takes a third of a second to load.

FORMATS = {".jsonl": "jsonl", ".jsonl.gz": "jsonl.gz", ".parquet": "parquet"}


@lru_cache(maxsize=1)
def record_schema() -> dict[str, Any]:
    """The JSON Schema of an exported record (package data)."""
    return json.loads(resources.files("newscrawl.corpus").joinpath("record.schema.json").read_text("utf-8"))


def fields() -> list[str]:
    """Exported fields, in order."""
    return list(record_schema()["properties"])


def _types(spec: Mapping[str, Any]) -> list[str]:
    kind = spec["type"]
    return [kind] if isinstance(kind, str) else list(kind)


def _arrow_type(spec: Mapping[str, Any]) -> pa.DataType:
    import pyarrow as pa

    kind = next(t for t in _types(spec) if t != "null")
    if kind == "string":
        return pa.timestamp("ms", tz="UTC") if spec.get("format") == "date-time" else pa.string()
    if kind == "number":
        return pa.float64()
    if kind == "integer":
        return pa.int64()
    if kind == "boolean":
        return pa.bool_()
    if kind == "array":
        return pa.list_(_arrow_type(spec["items"]))
    if kind == "object":
        return pa.struct([pa.field(name, _arrow_type(sub)) for name, sub in spec["properties"].items()])
    raise ValueError(f"record.schema.json: no Parquet type for {kind!r}")


def arrow_schema() -> pa.Schema:
    """The Parquet schema of an export (derived from the JSON Schema)."""
    import pyarrow as pa

    return pa.schema([pa.field(name, _arrow_type(spec)) for name, spec in record_schema()["properties"].items()])


def _value(spec: Mapping[str, Any], value: Any) -> Any:
    """``value`` shaped as ``spec`` says; a missing value becomes null or the type's empty value."""
    types = _types(spec)
    if value is None:
        if "null" in types:
            return None
        value = {"string": "", "number": 0.0, "integer": 0, "boolean": False, "array": [], "object": {}}[types[0]]
    if spec.get("format") == "date-time":
        if not isinstance(value, datetime):
            return None
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if "object" in types:
        value = value if isinstance(value, Mapping) else {}
        return {name: _value(sub, value.get(name)) for name, sub in spec["properties"].items()}
    if "array" in types:
        return [_value(spec["items"], item) for item in (value if isinstance(value, list) else [])]
    if "number" in types and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def export_record(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The exported record of a stored article document (dates stay datetimes)."""
    properties = record_schema()["properties"]
    record = {name: _value(spec, doc.get(name)) for name, spec in properties.items()}
    record["url"] = doc.get("url") or doc.get("_id") or ""
    return record


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_line(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, default=_json_default) + "\n"


def format_of(path: Path) -> str:
    """``jsonl``, ``jsonl.gz`` or ``parquet`` from the file name; ValueError otherwise."""
    for suffix, name in FORMATS.items():
        if path.name.endswith(suffix):
            return name
    raise ValueError(f"cannot tell the format of {path.name!r}: name it *.jsonl, *.jsonl.gz or *.parquet")


class ExportWriter:
    """Writes exported records to ``path`` (format from its name) via ``<path>.partial``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.format = format_of(path)
        self.partial = path.with_name(path.name + ".partial")
        self.count = 0
        self._text: IO[str] | None = None
        self._parquet: pq.ParquetWriter | None = None
        self._schema = arrow_schema()
        if self.format == "jsonl":
            self._text = open(self.partial, "w", encoding="utf-8")
        elif self.format == "jsonl.gz":
            self._text = gzip.open(self.partial, "wt", encoding="utf-8")
        else:
            import pyarrow.parquet as pq

            self._parquet = pq.ParquetWriter(self.partial, self._schema, compression="zstd")

    def write(self, records: list[dict[str, Any]]) -> None:
        """One chunk of records (one Parquet row group)."""
        if not records:
            return
        if self._text is not None:
            self._text.writelines(json_line(r) for r in records)
        else:
            import pyarrow as pa

            assert self._parquet is not None
            self._parquet.write_table(pa.Table.from_pylist(records, schema=self._schema))
        self.count += len(records)

    def close(self) -> None:
        """Finish the file and move it to its name."""
        self._finish()
        self.partial.replace(self.path)

    def abort(self) -> None:
        """Drop what was written."""
        try:
            self._finish()
        finally:
            self.partial.unlink(missing_ok=True)

    def _finish(self) -> None:
        if self._text is not None:
            self._text.close()
        if self._parquet is not None:
            self._parquet.close()
