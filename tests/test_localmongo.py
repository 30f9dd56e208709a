"""The local server of the demo and the tests keeps newscrawl's lookups indexed.

With no ``MONGO_URI`` this is the FerretDB that ``tools/localmongo.py`` builds with
``tools/ferretdb-v1.24.2.patch``: stock FerretDB 1.24.2 (SQLite) scans the whole table on
every ``_id`` lookup, so each stored article cost more as the database grew. Speed
itself is measured by ``bench/store_scaling.py``; here the query plan says it.
"""

from __future__ import annotations

import json

import pytest
from pymongo import MongoClient, UpdateOne

URLS = [f"https://example.pl/kraj/{n},artykul.html" for n in range(60)]

# FerretDB (SQLite): "SEARCH <table> USING INDEX <table>__id_"; MongoDB: an _id index stage.
INDEX_PLAN_MARKERS = ("USING INDEX", "IDHACK", "IXSCAN", "EXPRESS")


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"_id": URLS[7]}, id="one _id"),
        pytest.param({"_id": {"$in": URLS[10:20]}}, id="_id $in"),
        pytest.param({"_id": {"$in": URLS[10:20]}, "known": True}, id="_id $in and another field"),
    ],
)
def test_id_lookups_use_the_id_index(mongo_db, query):
    mongo_db.articles.insert_many([{"_id": url, "known": n % 2 == 0} for n, url in enumerate(URLS)])
    explain = mongo_db.command("explain", {"find": "articles", "filter": query})
    plan = json.dumps(explain, default=str)
    assert any(marker in plan for marker in INDEX_PLAN_MARKERS), plan
    expected = {doc["_id"] for doc in mongo_db.articles.find() if _matches(doc, query)}
    assert {doc["_id"] for doc in mongo_db.articles.find(query)} == expected and expected


def _matches(doc: dict, query: dict) -> bool:
    wanted = query["_id"]
    ids = wanted["$in"] if isinstance(wanted, dict) else [wanted]
    return doc["_id"] in ids and all(doc.get(k) == v for k, v in query.items() if k != "_id")


def test_one_update_command_of_many_statements_completes(mongo_uri, mongo_db):
    """Stock FerretDB 1.24 hung for ever on an update command of more than 100 statements."""
    ids = [f"{url}?p={p}" for p in range(5) for url in URLS]
    mongo_db.articles.insert_many([{"_id": _id, "title": "v1"} for _id in ids])
    # A socket timeout turns a hung server into a failure instead of a stuck test run.
    client = MongoClient(mongo_uri, socketTimeoutMS=30_000)
    try:
        result = client[mongo_db.name].articles.bulk_write(
            [UpdateOne({"_id": _id}, {"$set": {"title": "v2"}}, upsert=True) for _id in ids], ordered=False
        )
    finally:
        client.close()
    assert (result.matched_count, result.upserted_count) == (300, 0)
    assert mongo_db.articles.count_documents({"title": "v2"}) == 300
