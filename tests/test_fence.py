"""The fence's rule, resolver and middleware, without a network: which URLs and addresses
are refused, and why (the crawls against the hostile site are in test_fence_crawl.py)."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from newscrawl.fence import Fence, FencedResolver, FenceMiddleware, Refused, forbidden_address, parse_networks
from newscrawl.outlets import outlet_from_mapping

KRESY = outlet_from_mapping("kresy", {
    "name": "Kresy", "domains": ["kresy.pl"], "home": "https://kresy.pl/",
    "feeds": ["https://kresy.pl/feed/"], "sections": ["https://www.kresy.pl/wydarzenia/"]})
ROOM = outlet_from_mapping("room", {
    "name": "Room", "domains": ["127.0.0.12"], "home": "http://127.0.0.12:8811/"})
INTRANET = outlet_from_mapping("intranet", {
    "name": "Intranet", "domains": ["10.0.0.1"], "home": "http://10.0.0.1/"})


@pytest.mark.parametrize("url, expected", [
    ("https://kresy.pl/wydarzenia/a/", None),
    ("https://www.kresy.pl/feed/", None),                             # a subdomain
    ("https://KRESY.pl:443/a", None),                                 # explicit default port
    ("https://kresy.pl.evil.com/a", "off_outlet"),
    ("https://evilkresy.pl/a", "off_outlet"),
    ("https://169.254.169.254/latest/meta-data/", "off_outlet"),
    ("http://kresy.pl/a", "scheme"),                                  # the registry says https
    ("https://kresy.pl:8443/a", "port"),
    ("file:///etc/passwd", "scheme"),
    ("https://kresy.pl:99999/a", "port"),                             # no such port
])
def test_a_url_must_be_on_the_outlet_with_its_scheme_and_port(url, expected):
    refusal = Fence({"kresy": KRESY}).refusal(url, "kresy")
    assert (refusal[0] if refusal else None) == expected


def test_each_outlet_has_its_own_fence_and_unowned_requests_may_use_any():
    fence = Fence({"kresy": KRESY, "room": ROOM}, parse_networks("127.0.0.0/8"))
    assert fence.refusal("http://127.0.0.12:8811/a", "kresy")[0] == "off_outlet"
    assert fence.refusal("http://127.0.0.12:8811/a", "room") is None
    assert fence.refusal("http://127.0.0.12:9999/robots.txt", "room")[0] == "port"
    # The robots.txt middleware's own requests carry no outlet: any outlet of the crawl will do.
    assert fence.refusal("http://127.0.0.12:8811/robots.txt") is None
    assert fence.refusal("https://kresy.pl/robots.txt") is None
    assert fence.refusal("http://127.0.0.12:9999/robots.txt")[0] == "port"


def test_ip_literals_on_the_outlet_still_need_an_allowed_network():
    assert Fence({"room": ROOM}).refusal("http://127.0.0.12:8811/", "room") == (
        "private_address", "loopback address 127.0.0.12")
    assert Fence({"i": INTRANET}).refusal("http://10.0.0.1/", "i") == ("private_address", "private address 10.0.0.1")
    assert Fence({"i": INTRANET}, parse_networks("10.0.0.0/8")).refusal("http://10.0.0.1/", "i") is None


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("10.0.0.1", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"), ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"),
    ("240.0.0.1", "reserved"), ("100.64.0.1", "non-global"), ("::1", "loopback"),
    ("fe80::1", "link-local"), ("fd00::1", "private"), ("::ffff:10.0.0.1", "private"),
    ("93.184.216.34", None), ("2606:4700::1111", None),
])
def test_forbidden_addresses(address, kind):
    why = forbidden_address(address)
    assert (why.split(" address")[0] if why else None) == kind


def test_allowed_networks_open_only_themselves():
    allowed = parse_networks("127.0.0.0/8, fd00::/8")
    assert forbidden_address("127.0.0.21", allowed) is None
    assert forbidden_address("fd00::5", allowed) is None
    assert forbidden_address("10.0.0.1", allowed) == "private address 10.0.0.1"
    assert parse_networks(["10.0.0.0/8", ""]) == parse_networks("10.0.0.0/8")
    with pytest.raises(ValueError, match="'10.0.0.0/33' is not a network"):
        parse_networks("127.0.0.0/8,10.0.0.0/33")


class ScriptedResolver(FencedResolver):
    """A fenced resolver whose lookups answer from a script (no network, no reactor)."""

    def __init__(self, answers: list[str], allowed=()) -> None:
        super().__init__(None, 0, 1.0, allowed)
        self.answers = answers

    def lookup(self, name, timeout=()):
        return defer.succeed(self.answers.pop(0))


def resolve(resolver: FencedResolver, name: str) -> str | Exception:
    results: list = []
    resolver.getHostByName(name).addBoth(results.append)
    result = results[0]
    return result.value if hasattr(result, "value") else result


def test_the_resolver_checks_every_answer_so_dns_rebinding_is_refused():
    # First the name points at a public address, then (rebinding) at the cloud metadata one.
    resolver = ScriptedResolver(["93.184.216.34", "169.254.169.254", "93.184.216.34"])
    assert resolve(resolver, "news.example") == "93.184.216.34"
    refused = resolve(resolver, "news.example")
    assert isinstance(refused, DNSLookupError)
    assert resolver.refused == {"news.example": "link-local address 169.254.169.254"}
    assert resolve(resolver, "news.example") == "93.184.216.34"
    assert resolver.refused == {}


def test_the_resolver_lets_allowed_networks_through():
    resolver = ScriptedResolver(["127.0.0.21", "127.0.0.21"], parse_networks("127.0.0.21/32"))
    assert resolve(resolver, "hostile.test") == "127.0.0.21"
    resolver.allowed_networks = ()
    assert isinstance(resolve(resolver, "hostile.test"), DNSLookupError)


def middleware(resolver: FencedResolver | None, allowed: str = "") -> tuple[FenceMiddleware, dict]:
    stats: dict = {}
    crawler = SimpleNamespace(
        spider=SimpleNamespace(outlets={"kresy": KRESY, "room": ROOM}),
        stats=SimpleNamespace(inc_value=lambda key, n=1: stats.__setitem__(key, stats.get(key, 0) + n)))
    mw = FenceMiddleware(crawler, parse_networks(allowed))
    mw.resolver, mw.resolver_known = resolver, True
    return mw, stats


def test_the_middleware_refuses_counts_and_logs_once_per_host(caplog):
    mw, stats = middleware(ScriptedResolver([]))
    caplog.set_level(logging.WARNING, logger="newscrawl.fence")
    assert mw.process_request(Request("https://kresy.pl/a", cb_kwargs={"outlet": "kresy"})) is None
    for path in ("/admin/", "/a", "/b"):
        with pytest.raises(Refused) as info:
            mw.process_request(Request(f"http://127.0.0.22:8811{path}", cb_kwargs={"outlet": "room"}))
        assert info.value.reason == "off_outlet"
    with pytest.raises(Refused):
        mw.process_request(Request("http://127.0.0.12:8811/a", cb_kwargs={"outlet": "room"}))
    assert stats == {"newscrawl/refused/off_outlet": 3, "newscrawl/refused/private_address": 1}
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and lines[0].startswith("refused http://127.0.0.22:8811/admin/ (off_outlet")


def test_the_middleware_turns_a_refused_lookup_into_a_refusal():
    resolver = ScriptedResolver(["10.0.0.7"])
    mw, stats = middleware(resolver)
    request = Request("https://www.kresy.pl/a", cb_kwargs={"outlet": "kresy"})
    assert isinstance(resolve(resolver, "www.kresy.pl"), DNSLookupError)
    with pytest.raises(Refused, match="www.kresy.pl resolves to a private address 10.0.0.7"):
        mw.process_exception(request, CannotResolveHostError("no results"))
    # A name that really does not resolve stays a DNS failure.
    assert mw.process_exception(Request("https://gone.kresy.pl/"), CannotResolveHostError("x")) is None
    assert stats == {"newscrawl/refused/private_address": 1}


def test_without_the_fenced_resolver_names_are_refused():
    mw, stats = middleware(None)
    with pytest.raises(Refused, match="no fenced DNS resolver"):
        mw.process_request(Request("https://kresy.pl/a", cb_kwargs={"outlet": "kresy"}))
    mw_allowed, _ = middleware(None, "127.0.0.0/8")
    assert mw_allowed.process_request(Request("http://127.0.0.12:8811/", cb_kwargs={"outlet": "room"})) is None
