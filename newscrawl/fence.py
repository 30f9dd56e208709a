"""The fence: every request of a crawl stays on its outlet and off private networks.

A request may go only to

- a host on the outlet's domains (subdomains included),
- with a scheme and port the outlet's registry URLs use (home, feeds, sitemaps, sections),
- at an address that is public: never private, loopback, link-local, multicast, reserved
  or otherwise non-global, unless ``NEWSCRAWL_ALLOW_PRIVATE_NETWORKS`` (CIDRs) allows it.

Three parts enforce it:

- ``Fence`` — the pure rule (URL and outlet in, refusal reason out);
- ``FenceMiddleware`` — the first downloader middleware, so it sees every request: the
  spider's, the robots.txt middleware's, and every redirect and retry (Scrapy schedules
  those as new requests). It checks the URL and IP literals;
- ``FencedResolver`` — Scrapy's DNS resolver (``TWISTED_DNS_RESOLVER``) that refuses a name
  resolving to a forbidden address. It checks the very address the downloader connects to,
  on every lookup (cached or not), so DNS rebinding cannot slip through.

Refusals are counted ``newscrawl/refused/<reason>`` (``off_outlet``, ``scheme``, ``port``,
``private_address``) and logged once per host. A refused request fails with ``Refused``.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

    from newscrawl.outlets import Outlet

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_PORTS = {"http": 80, "https": 443}
REFUSED_STATS = "newscrawl/refused/"


class Refused(IgnoreRequest):
    """A request the fence refused; ``reason`` is the stats key suffix."""

    def __init__(self, url: str, reason: str, detail: str) -> None:
        super().__init__(f"refused by the fence ({reason}): {detail}")
        self.url, self.reason, self.detail = url, reason, detail


def parse_networks(value: str | Iterable[str] | None) -> tuple[Network, ...]:
    """CIDRs from a setting (``"127.0.0.0/8, ::1/128"`` or a list); ValueError names a bad one."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    networks = []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not a network such as 127.0.0.0/8") from None
    return tuple(networks)


def address_kind(address: str) -> str | None:
    """What makes an IP address forbidden ("loopback", "private", …), None when it is
    public; ValueError when ``address`` is no IP address."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:          # shared address space (100.64/10), documentation ranges, …
        return "non-global"
    return None


def forbidden_address(address: str, allowed: Iterable[Network] = ()) -> str | None:
    """Why connecting to ``address`` is refused (e.g. "link-local address 169.254.169.254"),
    or None when it is public or in an ``allowed`` network."""
    kind = address_kind(address)
    if kind is None:
        return None
    ip = ipaddress.ip_address(address)
    if any(ip.version == net.version and ip in net for net in allowed):
        return None
    return f"{kind} address {address}"


def _ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class OutletFence:
    """Where one outlet's requests may go: its domains, and the (scheme, port) pairs of its
    registry URLs."""

    domains: tuple[str, ...]
    origins: frozenset[tuple[str, int]]

    @classmethod
    def of(cls, outlet: Outlet) -> OutletFence:
        origins = set()
        for url in (outlet.home, *outlet.feeds, *outlet.sitemaps, *outlet.sections):
            parts = urlsplit(url)
            origins.add((parts.scheme.lower(), parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)))
        return cls(outlet.domains, frozenset(origins))

    def refusal(self, scheme: str, host: str, port: int) -> str | None:
        if not any(host == d or host.endswith("." + d) for d in self.domains):
            return "off_outlet"
        if scheme not in {s for s, _ in self.origins}:
            return "scheme"
        if (scheme, port) not in self.origins:
            return "port"
        return None


class Fence:
    """The rule for every request of a crawl: ``refusal(url, outlet)`` is None or a reason."""

    def __init__(self, outlets: Mapping[str, Outlet], allowed_networks: Iterable[Network] = ()) -> None:
        self.outlets = {key: OutletFence.of(outlet) for key, outlet in outlets.items()}
        self.allowed_networks = tuple(allowed_networks)
        # host → why its address is forbidden (None: allowed, or a name the resolver checks).
        # Only hosts on an outlet's domains get here, so it stays small; it spares every
        # request of an IP-literal outlet the ipaddress parsing.
        self._address_verdicts: dict[str, str | None] = {}

    def refusal(self, url: str, outlet: str | None = None) -> tuple[str, str] | None:
        """``(reason, detail)`` when ``url`` may not be requested for ``outlet`` (None: for
        any outlet of the crawl, e.g. the robots.txt middleware's own requests)."""
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        if scheme not in DEFAULT_PORTS:
            return "scheme", f"scheme {scheme!r} is not fetched"
        try:
            port = parts.port or DEFAULT_PORTS.get(scheme, 0)
        except ValueError:
            return "port", f"{url} has an invalid port"
        fences = [self.outlets[outlet]] if outlet in self.outlets else list(self.outlets.values())
        reasons = [f.refusal(scheme, host, port) for f in fences]
        if None not in reasons:
            # Report the closest miss: a wrong port on the right host says more than "off outlet".
            reason = min(reasons, key=("port", "scheme", "off_outlet").index)
            what = {"port": f"port {port} is not the outlet's", "scheme": f"scheme {scheme!r} is not the outlet's",
                    "off_outlet": f"{host or url} is not on the outlet's domains"}[reason]
            return reason, what
        try:
            address = self._address_verdicts[host]
        except KeyError:
            address = self._address_verdicts[host] = (
                forbidden_address(host, self.allowed_networks) if _ip_literal(host) else None)
        return ("private_address", address) if address else None


def resolved_refusal(url: str, allowed: Iterable[Network] = ()) -> tuple[str, str] | None:
    """``("private_address", detail)`` when ``url``'s host resolves (blocking, via the
    system resolver) to a forbidden address; for callers outside the reactor, such as
    ``scrapy outlets --probe``. An unresolvable host is left to the fetch to report."""
    import socket

    host = urlsplit(url).hostname or ""
    if not host or _ip_literal(host):
        return None
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        why = forbidden_address(str(info[4][0]), allowed)
        if why:
            return "private_address", f"{host} resolves to a {why}"
    return None


class FencedResolver(CachingThreadedResolver):
    """Scrapy's caching DNS resolver that refuses names resolving to a forbidden address.

    The check runs on every lookup, cached or not, on the address the downloader will
    connect to. ``refused`` keeps ``{name: why}`` so that ``FenceMiddleware`` can tell a
    refusal from a DNS failure (Twisted reports both as a failed lookup).
    """

    def __init__(self, reactor: Any, cache_size: int, timeout: float, allowed: Iterable[Network] = ()) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allowed_networks = tuple(allowed)
        self.refused: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> FencedResolver:
        # ``crawler`` is the CrawlerProcess here (Scrapy builds resolvers per process).
        resolver = super().from_crawler(crawler, reactor)
        resolver.allowed_networks = parse_networks(crawler.settings.get("NEWSCRAWL_ALLOW_PRIVATE_NETWORKS"))
        return resolver

    def lookup(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        """The address of ``name`` (overridable, e.g. by an offline resolver in tests)."""
        return super().getHostByName(name, timeout)

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        return self.lookup(name, timeout).addCallback(self._check, name)

    def _check(self, address: str, name: str) -> str:
        why = forbidden_address(address, self.allowed_networks)
        if why:
            self.refused[name] = why
            raise DNSLookupError(f"{name} resolves to a {why}: refused by the fence")
        self.refused.pop(name, None)
        return address


class FenceMiddleware:
    """The first downloader middleware: refuses requests off the outlet or to a forbidden
    address (IP literals here; names in ``FencedResolver``)."""

    def __init__(self, crawler: Crawler, allowed: Iterable[Network]) -> None:
        self.crawler = crawler
        self.allowed_networks = tuple(allowed)
        self._fence: Fence | None = None
        self._logged: set[tuple[str, str]] = set()
        # The reactor's resolver, looked up on first use: it is installed when the reactor
        # starts, after the middlewares are built.
        self.resolver: FencedResolver | None = None
        self.resolver_known = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FenceMiddleware:
        allowed = parse_networks(crawler.settings.get("NEWSCRAWL_ALLOW_PRIVATE_NETWORKS"))
        return cls(crawler, allowed)

    @property
    def fence(self) -> Fence:
        if self._fence is None:
            outlets = getattr(self.crawler.spider, "outlets", None) or {}
            self._fence = Fence(outlets, self.allowed_networks)
        return self._fence

    def _find_resolver(self) -> None:
        from twisted.internet import reactor

        self.resolver_known = True
        resolver = getattr(reactor, "resolver", None)
        self.resolver = resolver if isinstance(resolver, FencedResolver) else None
        if self.resolver is None:
            logger.error("TWISTED_DNS_RESOLVER is not newscrawl.fence.FencedResolver: addresses cannot be "
                         "checked after DNS resolution, so requests by name are refused")

    def process_request(self, request: Request) -> None:
        if not self.resolver_known:
            self._find_resolver()
        outlet = request.cb_kwargs.get("outlet") if request.cb_kwargs else None
        refusal = self.fence.refusal(request.url, outlet)
        if refusal is None and self.resolver is None and not _ip_literal(urlparse_cached(request).hostname or ""):
            refusal = ("private_address", "no fenced DNS resolver to check the address")
        if refusal is not None:
            self._refuse(request, *refusal)

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A lookup the resolver refused reaches here as a DNS failure: make it a refusal."""
        if not isinstance(exception, CannotResolveHostError) or self.resolver is None:
            return None
        host = urlparse_cached(request).hostname or ""
        why = self.resolver.refused.get(host)
        if why:
            self._refuse(request, "private_address", f"{host} resolves to a {why}")
        return None

    def _refuse(self, request: Request, reason: str, detail: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(REFUSED_STATS + reason)
        host = urlparse_cached(request).netloc
        if (host, reason) not in self._logged:
            self._logged.add((host, reason))
            logger.warning("refused %s (%s: %s); further refusals for %s are only counted",
                           request.url[:300], reason, detail, host)
        raise Refused(request.url, reason, detail)
