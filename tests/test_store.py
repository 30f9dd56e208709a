"""Storage against a real MongoDB-wire-protocol server (MongoDB or FerretDB): schema,
indexes, settings checks and one-line errors."""

from __future__ import annotations

import socket
import threading
from datetime import datetime, timezone

import pytest

from newscrawl.items import Article
from newscrawl.store import (
    ArticleStore,
    MongoSettingError,
    StorageUnavailable,
    connect,
    redact_uri,
    validate_mongo_settings,
)
from newscrawl.store.mongo import article_document
from newscrawl.store.writer import BatchStorer, StoreRecord
from tools.localmongo import free_port


def article(url: str, title: str = "Tytuł", text: str = "Treść artykułu.") -> Article:
    return Article(url=url, outlet="nr-test", domain="example.pl", title=title, text=text,
                   published_at=datetime(2026, 11, 1, 12, tzinfo=timezone.utc),
                   fetched_at=datetime.now(timezone.utc))


def test_indexes_are_created_idempotently(mongo_db):
    store = ArticleStore(mongo_db)
    store.ensure_indexes()
    store.ensure_indexes()
    names = {ix["name"] for ix in mongo_db.articles.list_indexes()}
    assert {"url_unique", "outlet_published", "content_hash", "language", "updated_at"} <= names
    unique = [ix for ix in mongo_db.articles.list_indexes() if ix["name"] == "url_unique"]
    assert unique[0].get("unique") is True


def test_outlet_summary_counts_articles_and_drops(mongo_db):
    store = ArticleStore(mongo_db)
    BatchStorer(store).write_batch([StoreRecord(article_document(article(f"https://example.pl/a/{i}", title=f"T{i}")))
                                    for i in range(3)])
    mongo_db.runs.insert_one({"outlets": ["nr-test", "nr-tdm"], "finished_at": datetime.now(timezone.utc),
                              "dropped": {"no_title": 2},
                              "tdm": {"nr-tdm": {"reserved": True, "source": "robots", "skipped": True}}})
    row, skipped = store.outlet_summary(["nr-test", "nr-tdm"])
    assert row["outlet"] == "nr-test" and row["articles"] == 3
    assert row["dropped"] == {"no_title": 2} and sorted(row["titles"]) == ["T0", "T1", "T2"]
    assert skipped["articles"] == 0 and skipped["tdm"]["skipped"] is True


def test_large_batches_of_updates_do_not_stall_the_server(mongo_uri, mongo_db):
    """FerretDB 1.24 deadlocks on one update command of >100 statements: we chunk."""
    from pymongo import MongoClient

    client = MongoClient(mongo_uri, tz_aware=True, socketTimeoutMS=20000)
    storer = BatchStorer(ArticleStore(client[mongo_db.name]))
    urls = [f"https://example.pl/a/{i}" for i in range(150)]
    first = storer.write_batch([StoreRecord(article_document(article(url, title="v1"))) for url in urls])
    second = storer.write_batch([StoreRecord(article_document(article(url, title="v2"))) for url in urls])
    assert {r.status for r in first.results} == {"new"} and {r.status for r in second.results} == {"changed"}
    assert mongo_db.articles.count_documents({"title": "v2"}) == 150
    client.close()


# --- one-line errors, secrets redacted ----------------------------------------------------------
def test_unreachable_server_gives_one_line_naming_mongo_uri():
    uri = f"mongodb://user:secret@127.0.0.1:{free_port()}/?tlsCertificateKeyFilePassword=hunter2"
    with pytest.raises(StorageUnavailable) as info:
        connect(uri, "x", timeout=0.5)
    message = str(info.value)
    assert "MONGO_URI=mongodb://user:***@127.0.0.1" in message and "tlsCertificateKeyFilePassword=***" in message
    assert "secret" not in message and "hunter2" not in message and "\n" not in message


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("mongodb://127.0.0.1:27017", "mongodb://127.0.0.1:27017"),
        ("mongodb://user:pass@db.example:27017/news", "mongodb://user:***@db.example:27017/news"),
        ("mongodb://us@er:p@ss:w@db.example", "mongodb://us@er:***@db.example"),
        ("mongodb://db.example/?tls=true&tlsCertificateKeyFilePassword=s3cr%40t&authSource=admin",
         "mongodb://db.example/?tls=true&tlsCertificateKeyFilePassword=***&authSource=admin"),
        ("mongodb://u:p@h1:1,h2:2/?authMechanismProperties=AWS_SESSION_TOKEN:tok",
         "mongodb://u:***@h1:1,h2:2/?authMechanismProperties=***"),
    ],
)
def test_redact_uri_hides_passwords_wherever_they_sit(uri, shown):
    assert redact_uri(uri) == shown


@pytest.mark.parametrize(
    ("uri", "database", "expected"),
    [
        ("mongodb://user:p@ss@127.0.0.1:27017", "news", "MONGO_URI=mongodb://user:***@127.0.0.1:27017 is not a valid"),
        ("mongodb://user:pa:ss@127.0.0.1", "news", "MONGO_URI=mongodb://user:***@127.0.0.1 is not a valid"),
        ("mongodb://127.0.0.1:99999", "news", "Port must be an integer between 0 and 65535"),
        ("http://127.0.0.1", "news", "is not a valid MongoDB URI"),
        ("mongodb://127.0.0.1", "bad/name", "MONGO_DATABASE='bad/name' is not a valid database name"),
        ("mongodb://127.0.0.1", "", "MONGO_DATABASE='' is not a valid database name"),
    ],
)
def test_malformed_settings_give_one_line_naming_them(uri, database, expected):
    with pytest.raises(MongoSettingError) as info:
        validate_mongo_settings(uri, database)
    message = str(info.value)
    assert expected in message and "\n" not in message
    assert "p@ss" not in message and "pa:ss" not in message


@pytest.fixture
def nxdomain_dns():
    """A DNS server on 127.0.0.1 answering NXDOMAIN to everything, as dnspython's resolver
    (pymongo resolves mongodb+srv:// names with it): no query leaves the machine."""
    import dns.message
    import dns.rcode
    import dns.resolver

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    queries = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, addr = sock.recvfrom(4096)
            except OSError:
                continue
            query = dns.message.from_wire(data)
            queries.append(str(query.question[0].name))
            reply = dns.message.make_response(query)
            reply.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(reply.to_wire(), addr)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    saved = dns.resolver.default_resolver
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], sock.getsockname()[1]
    dns.resolver.default_resolver = resolver
    yield queries
    dns.resolver.default_resolver = saved
    stop.set()
    thread.join()
    sock.close()


def test_unresolvable_srv_uri_gives_one_line(nxdomain_dns):
    uri = "mongodb+srv://user:secret@cluster0.nowhere.invalid/?tlsCertificateKeyFilePassword=hunter2"
    validate_mongo_settings(uri, "news")  # well-formed: resolved only when connecting
    with pytest.raises(StorageUnavailable) as info:
        connect(uri, "news", timeout=1)
    message = str(info.value)
    assert nxdomain_dns == ["_mongodb._tcp.cluster0.nowhere.invalid."]
    assert "does not exist" in message and "MONGO_URI=mongodb+srv://user:***@cluster0.nowhere.invalid" in message
    assert "secret" not in message and "hunter2" not in message and "\n" not in message
