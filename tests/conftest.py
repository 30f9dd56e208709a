"""Fixtures: a real MongoDB-wire-protocol server and the offline newsroom.

Storage tests never skip: with no ``MONGO_URI`` a local server is started (mongod from
PATH, else FerretDB built by ``make test``); if none can be had the run fails and says
how to provide one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from tools.localmongo import LocalMongoError, start_server


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    uri = os.environ.get("MONGO_URI")
    if uri:
        yield uri
        return
    try:
        server = start_server(tmp_path_factory.mktemp("mongo"))
    except LocalMongoError as exc:
        pytest.fail(f"no MongoDB for the storage tests: {exc}", pytrace=False)
    yield server.uri
    server.stop()


@pytest.fixture(scope="session")
def mongo_client(mongo_uri: str) -> Iterator[MongoClient]:
    client: MongoClient = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    yield client
    client.close()


def _fresh_database(client: MongoClient) -> Iterator[Database]:
    name = f"nc_test_{uuid.uuid4().hex[:12]}"
    yield client[name]
    client.drop_database(name)


@pytest.fixture
def mongo_db(mongo_client: MongoClient) -> Iterator[Database]:
    """An empty database of its own for one test, dropped afterwards."""
    yield from _fresh_database(mongo_client)


@pytest.fixture(scope="module")
def module_db(mongo_client: MongoClient) -> Iterator[Database]:
    """An empty database shared by the tests of one module (e.g. one crawl, many checks)."""
    yield from _fresh_database(mongo_client)


@pytest.fixture(scope="session")
def newsroom() -> Iterator:
    """The offline newsroom, served on loopback for the whole test session."""
    from tests.newsroom import Newsroom

    with Newsroom().serve() as live:
        yield live


@pytest.fixture(scope="session")
def newsroom_registry(newsroom, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outlet registry of the live newsroom outlets (a test-only registry)."""
    return newsroom.write_registry(tmp_path_factory.mktemp("registry") / "outlets.toml")
