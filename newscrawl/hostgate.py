"""Per-host politeness shared by every worker: a gate in Redis.

With a shared frontier (``NEWSCRAWL_REDIS_URL``) N workers may fetch from one host at
once. Each worker keeps its own download slot per host (``DOWNLOAD_DELAY``, AutoThrottle,
the robots.txt ``Crawl-delay`` floor, ``Retry-After``), which alone would let the host
see N times the rate it asked for. The gate makes the spacing per host, not per process:

- Right before a request goes out (in the download handler, after the local slot's own
  delay), the worker asks Redis for the host: when the gate is open it closes it for the
  host's interval and sends at once; otherwise it sleeps until the gate opens and asks
  again. Nothing is reserved ahead, so a worker that wakes late (a busy reactor) cannot
  bunch its request with the next worker's. The interval is the worker's own slot delay
  for the host — at least the Crawl-delay, with AutoThrottle's current delay — or the
  last one another worker announced, if larger.
- A 429/503 with a ``Retry-After`` the crawl honours (``NEWSCRAWL_RETRY_AFTER_CODES``, at
  most ``NEWSCRAWL_RETRY_AFTER_MAX``) closes the gate for that long, for every worker.

Times are the Redis server's clock (one clock for all machines). Keys:
``newscrawl:host:{<download slot>}`` (a hash of ``next`` and ``interval``), shared by every
run, expiring 10 minutes after the host's last request. The gate adds one Redis call per
request, and one more per wait. If Redis fails, requests go out with local politeness only (one warning; the
scheduler stops the worker anyway).

Stats: ``newscrawl/host_gate/waited`` (requests that waited at the gate),
``newscrawl/host_gate/wait_seconds`` (their total wait), ``newscrawl/host_gate/retry_after``
(Retry-After answers shared with the other workers).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import redis
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from newscrawl.distributed import one_line, redis_client
from newscrawl.middlewares import parse_retry_after, sleep

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# A host's gate is forgotten this long (ms) after its last reserved send time.
GATE_TTL_MS = 600_000

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""
# KEYS: the host's gate. ARGV: this worker's interval (ms), ttl (ms). Returns 0 (go: the
# host's next slot is taken) or how long (ms) until the gate opens (nothing is reserved).
_ACQUIRE = _NOW + """
local own = tonumber(ARGV[1])
local interval = math.max(own, tonumber(redis.call('HGET', KEYS[1], 'interval') or '0'))
if own > 0 then redis.call('HSET', KEYS[1], 'interval', own) end
local opens = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if now < opens then return opens - now end
redis.call('HSET', KEYS[1], 'next', now + interval)
redis.call('PEXPIRE', KEYS[1], interval + tonumber(ARGV[2]))
return 0
"""
# KEYS: the host's gate. ARGV: how long to close it (ms), ttl (ms).
_BLOCK = _NOW + """
local until_at = now + tonumber(ARGV[1])
if until_at > tonumber(redis.call('HGET', KEYS[1], 'next') or '0') then
  redis.call('HSET', KEYS[1], 'next', until_at)
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]))
return 0
"""


class HostGate:
    """The shared per-host gate (see the module docstring)."""

    def __init__(self, server: redis.Redis) -> None:
        self.server = server
        self._acquire = server.register_script(_ACQUIRE)
        self._block = server.register_script(_BLOCK)

    @staticmethod
    def key(host: str) -> str:
        return f"newscrawl:host:{{{host}}}"

    def acquire(self, host: str, interval: float) -> float:
        """0 when the request may go now (the gate is then closed for ``interval`` or the
        host's larger one), else the seconds until the gate opens (ask again then)."""
        wait = self._acquire(keys=[self.key(host)], args=[int(interval * 1000), GATE_TTL_MS])
        return int(wait) / 1000

    def block(self, host: str, seconds: float) -> None:
        """No request to the host for ``seconds``, from any worker."""
        self._block(keys=[self.key(host)], args=[int(seconds * 1000), GATE_TTL_MS])


class HostGatedDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler, passing the shared per-host gate before each
    request and sharing the host's ``Retry-After`` (set for http/https by the
    ``RedisFrontier`` add-on when ``NEWSCRAWL_REDIS_HOST_GATE`` is on)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.gate_crawler = crawler
        self.gate = HostGate(redis_client(crawler.settings))
        settings = crawler.settings
        self.retry_after_max = settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")
        self.retry_after_codes = {int(c) for c in settings.getlist("NEWSCRAWL_RETRY_AFTER_CODES")}
        self.warned = False

    async def download_request(self, request: Request) -> Response:
        engine = self.gate_crawler.engine
        assert engine is not None and self.gate_crawler.stats is not None
        stats = self.gate_crawler.stats
        host = engine.downloader.get_slot_key(request)
        slot = engine.downloader.slots.get(host)
        waited = 0.0
        while True:
            try:
                wait = self.gate.acquire(host, slot.delay if slot is not None else 0.0)
            except redis.RedisError as exc:
                self._warn(exc)
                break
            if wait <= 0:
                break
            waited += wait
            await sleep(wait)
        if waited:
            stats.inc_value("newscrawl/host_gate/waited")
            stats.inc_value("newscrawl/host_gate/wait_seconds", round(waited, 3))
        response = await super().download_request(request)
        if response.status in self.retry_after_codes:
            retry_after = parse_retry_after(response.headers.get(b"Retry-After"))
            if retry_after is not None and 0 < retry_after <= self.retry_after_max:
                try:
                    self.gate.block(host, retry_after)
                    stats.inc_value("newscrawl/host_gate/retry_after")
                except redis.RedisError as exc:
                    self._warn(exc)
        return response

    def _warn(self, exc: Exception) -> None:
        if not self.warned:
            self.warned = True
            logger.warning("the shared host gate in Redis failed (%s): politeness is per worker meanwhile",
                           one_line(exc))
