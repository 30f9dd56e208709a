"""Several workers, one frontier: scrapy-redis, made right for the news spider.

``NEWSCRAWL_REDIS_URL`` switches it on (the ``RedisFrontier`` add-on in ``ADDONS``): the
workers of one run — ``scrapy crawl`` processes on any number of machines — share one
scheduler queue and one dupefilter in Redis, and store into one MongoDB. Each request is
fetched by whichever worker pops it.

scrapy-redis 0.9.1 as shipped does not fit this spider (each point has a fix here):

- Its dupefilter hashes the URL itself and ignores ``REQUEST_FINGERPRINTER_CLASS``:
  ``SharedDupeFilter`` asks the crawler's fingerprinter (canonical URL).
- The spider's per-outlet TDM checks (robots.txt, tdmrep.json, home page) update state of
  the process that handles them; in the shared queue another worker would pop them, and a
  worker could judge pages before it knew the outlet's TDM status. Here every worker makes
  its own checks (kept in a process-local queue) and holds ("parks") shared requests of an
  outlet until its own checks of that outlet are done.
- ``limit`` was counted per process: here the run's article requests per outlet are
  counted in Redis, in the same atomic step that decides "new URL" (a Lua script).
- A worker closed as soon as it was idle, and the first one to close deleted the shared
  queue (``SCHEDULER_PERSIST=False``), while ``SCHEDULER_IDLE_BEFORE_CLOSE`` blocks the
  reactor: here a worker stays until the whole run has been idle for
  ``NEWSCRAWL_REDIS_IDLE_CLOSE`` seconds, and only the last worker to leave deletes the
  run's keys.

A run is the time during which at least one of its workers is alive. Workers find each
other by the run id: ``NEWSCRAWL_RUN_ID``, else the sorted outlet keys (not Scrapyd's job
id: each ``schedule.json`` call gets its own, so jobs on several Scrapyd servers would never
meet). The first worker pins the run's arguments (outlets, ``since``,
``limit``); a worker that joins with another ``since``/``limit`` uses the run's (with a
warning), one with other outlets is refused (``run_mismatch``). A worker that starts when
no worker of its run id is alive (none registered, all closed, or silent for
``NEWSCRAWL_REDIS_STALE_AFTER`` seconds — killed) starts a new run and clears what an
earlier one left. Keys: ``newscrawl:{<run id>}:requests|dupefilter|workers|arguments`` and
``…:outlet:<key>:limit`` (one hash tag, so a Redis Cluster keeps a run on one node); they
expire a day after the last heartbeat if nobody deletes them.

Per-host politeness across workers is ``newscrawl.hostgate``.

Every Redis call is a short synchronous call on the reactor thread (as in scrapy-redis),
with 5 s socket timeouts. When Redis fails mid-crawl the worker stops with one line
(``newscrawl/fatal_error``) and finish reason ``redis_unavailable`` (exit 1).

Stats: ``scheduler/enqueued|dequeued/redis|local``, ``dupefilter/filtered``,
``newscrawl/discovery/over_limit`` (the run's limit reached), ``newscrawl/redis/parked``
(shared requests held until this worker's TDM checks of their outlet were done),
``newscrawl/redis/run_id``, ``newscrawl/redis/worker``, ``newscrawl/redis/joined`` (1: the
run was already going when this worker started).
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import uuid
import weakref
from collections import deque
from typing import TYPE_CHECKING, Any

import redis
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from newscrawl.store.mongo import redact_uri

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

# No `from twisted.internet import reactor` at module level: the add-on imports this module
# before Scrapy installs the asyncio reactor.

logger = logging.getLogger(__name__)

# Seconds between a worker's heartbeats (its busy/idle mark; an idle worker also looks for
# new shared work this often).
HEARTBEAT_SECONDS = 1.0
# A run's keys expire this long after its last heartbeat (when no worker deleted them).
KEY_TTL_SECONDS = 24 * 3600
# Redis socket timeouts (seconds): a hung Redis must not freeze the reactor for long.
REDIS_TIMEOUT = 5.0
# At most this many shared requests wait in a worker for its TDM checks of their outlet.
MAX_PARKED = 32
FATAL_REASON = "redis_unavailable"
MISMATCH_REASON = "run_mismatch"

# Lua helpers: worker marks are "<busy|idle|closed> <milliseconds, Redis clock>".
_LUA_COMMON = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function others(key, me, now, stale)
  local live, busy = 0, 0
  local marks = redis.call('HGETALL', key)
  for i = 1, #marks, 2 do
    if marks[i] ~= me then
      local state, at = string.match(marks[i + 1], '^(%a+) (%d+)$')
      if state and state ~= 'closed' and now - tonumber(at) < stale then
        live = live + 1
        if state == 'busy' then busy = busy + 1 end
      end
    end
  end
  return live, busy
end
"""
# KEYS: workers, then every other key of the run. ARGV: worker, stale ms, ttl ms.
# No live worker: a new run, whatever an earlier one left is deleted. Returns the live others.
_JOIN = _LUA_COMMON + """
local now = now_ms()
local live = others(KEYS[1], ARGV[1], now, tonumber(ARGV[2]))
if live == 0 then redis.call('DEL', unpack(KEYS)) end
redis.call('HSET', KEYS[1], ARGV[1], 'busy ' .. now)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return live
"""
# KEYS: workers, requests, then the run's other keys. ARGV: worker, busy|idle, stale ms, ttl ms.
# Returns {busy others, queued requests}.
_BEAT = _LUA_COMMON + """
local now = now_ms()
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. now)
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
local live, busy = others(KEYS[1], ARGV[1], now, tonumber(ARGV[3]))
return {busy, redis.call('ZCARD', KEYS[2])}
"""
# KEYS: workers, then every other key of the run. ARGV: worker, stale ms.
# The last live worker to leave deletes the run's keys. Returns the live others.
_LEAVE = _LUA_COMMON + """
local now = now_ms()
redis.call('HSET', KEYS[1], ARGV[1], 'closed ' .. now)
local live = others(KEYS[1], ARGV[1], now, tonumber(ARGV[2]))
if live == 0 then redis.call('DEL', unpack(KEYS)) end
return live
"""
# KEYS: dupefilter, requests, the outlet's limit counter. ARGV: fingerprint ('' = do not
# filter), limit (0 = none), score, encoded request.
# Returns 0 (seen before), -1 (new, but the run's limit is reached) or 1 (queued).
_ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
local limit = tonumber(ARGV[2])
if limit > 0 and redis.call('INCR', KEYS[3]) > limit then return -1 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
"""
# KEYS: requests, workers. ARGV: worker. Pops the first request and marks the worker busy
# in the same step, so no other worker can see an empty queue and this one idle meanwhile.
_POP = _LUA_COMMON + """
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if #first == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], 'busy ' .. now_ms())
return first[1]
"""


class RedisUnavailable(RuntimeError):
    """Redis could not be reached or failed; the message is one line."""


def redis_client(settings: BaseSettings) -> redis.Redis:
    """A client for ``NEWSCRAWL_REDIS_URL`` (scrapy-redis's ``REDIS_URL``/``REDIS_PARAMS``)."""
    return get_redis_from_settings(settings)


def redis_url_problem(settings: BaseSettings) -> str | None:
    """One line when ``NEWSCRAWL_REDIS_URL`` is set but malformed (a usage error)."""
    url = settings.get("NEWSCRAWL_REDIS_URL")
    if not url:
        return None
    try:
        redis.Redis.from_url(url).close()
    except ValueError as exc:
        return f"NEWSCRAWL_REDIS_URL={redact_uri(url)!r} is not valid: {one_line(exc)}"
    return None


def redis_unreachable(settings: BaseSettings) -> str | None:
    """One line when ``NEWSCRAWL_REDIS_URL`` is set and its server does not answer a PING."""
    url = settings.get("NEWSCRAWL_REDIS_URL")
    if not url:
        return None
    client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"cannot reach Redis at NEWSCRAWL_REDIS_URL={redact_uri(url)}: {one_line(exc)}"
    finally:
        client.close()
    return None


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def run_id_of(settings: BaseSettings, spider: Spider) -> str:
    """The id every worker of one run shares: NEWSCRAWL_RUN_ID or the sorted outlet keys
    (made safe for a Redis key)."""
    outlets = sorted(getattr(spider, "outlet_keys", None) or [spider.name])
    raw = settings.get("NEWSCRAWL_RUN_ID") or "+".join(outlets)
    return re.sub(r"[^\w.+:-]", "_", str(raw))[:200]


def run_arguments(spider: Spider) -> dict[str, Any]:
    """The arguments that must mean the same on every worker of a run."""
    since = getattr(spider, "since", None)
    return {
        "outlets": sorted(getattr(spider, "outlet_keys", None) or [spider.name]),
        "since": since.isoformat() if since is not None else None,
        "limit": int(getattr(spider, "limit", 0) or 0),
    }


class SharedRun:
    """One worker's handle on its run: the Redis client, the run's keys, this worker's id.
    One per crawler (``SharedRun.of``), shared by the scheduler, dupefilter and extension."""

    _by_crawler: weakref.WeakKeyDictionary[Crawler, SharedRun] = weakref.WeakKeyDictionary()

    def __init__(self, server: redis.Redis, run_id: str, outlets: list[str], stale_after: float) -> None:
        self.server = server
        self.run_id = run_id
        base = f"newscrawl:{{{run_id}}}"
        self.requests_key = f"{base}:requests"
        self.dupefilter_key = f"{base}:dupefilter"
        self.workers_key = f"{base}:workers"
        self.arguments_key = f"{base}:arguments"
        self.limit_keys = {outlet: f"{base}:outlet:{outlet}:limit" for outlet in outlets}
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stale_ms = int(stale_after * 1000)
        self.ttl_ms = KEY_TTL_SECONDS * 1000
        self._join = server.register_script(_JOIN)
        self._beat = server.register_script(_BEAT)
        self._leave = server.register_script(_LEAVE)
        self._enqueue = server.register_script(_ENQUEUE)
        self._pop = server.register_script(_POP)

    @classmethod
    def of(cls, crawler: Crawler) -> SharedRun:
        run = cls._by_crawler.get(crawler)
        if run is None:
            spider = crawler.spider
            assert spider is not None
            settings = crawler.settings
            outlets = list(getattr(spider, "outlet_keys", None) or [spider.name])
            run = cls(redis_client(settings), run_id_of(settings, spider), outlets,
                      settings.getfloat("NEWSCRAWL_REDIS_STALE_AFTER"))
            cls._by_crawler[crawler] = run
        return run

    def other_keys(self) -> list[str]:
        """Every key of the run except the workers hash."""
        return [self.requests_key, self.dupefilter_key, self.arguments_key, *self.limit_keys.values()]

    def join(self) -> int:
        """Register this worker (busy); a new run when no other worker is alive. Returns how
        many other workers are alive."""
        return int(self._join(keys=[self.workers_key, *self.other_keys()], args=[self.worker, self.stale_ms, self.ttl_ms]))

    def beat(self, busy: bool) -> tuple[int, int]:
        """Mark this worker busy or idle; returns (other workers busy, requests queued)."""
        keys = [self.workers_key, *self.other_keys()]
        others_busy, queued = self._beat(keys=keys, args=[self.worker, "busy" if busy else "idle",
                                                           self.stale_ms, self.ttl_ms])
        return int(others_busy), int(queued)

    def leave(self) -> int:
        """Mark this worker closed; the last one alive deletes the run's keys. Returns how
        many other workers are still alive."""
        return int(self._leave(keys=[self.workers_key, *self.other_keys()], args=[self.worker, self.stale_ms]))

    def enqueue(self, fingerprint: str, outlet: str | None, limit: int, score: float, data: bytes) -> int:
        limit_key = self.limit_keys.get(outlet or "", f"{self.requests_key}:nolimit")
        return int(self._enqueue(keys=[self.dupefilter_key, self.requests_key, limit_key],
                                 args=[fingerprint, limit if outlet in self.limit_keys else 0, score, data]))

    def pop(self) -> bytes | None:
        return self._pop(keys=[self.requests_key, self.workers_key], args=[self.worker])

    def queued(self) -> int:
        return int(self.server.zcard(self.requests_key))

    def pin(self, name: str, value: Any) -> Any:
        """The run's value of ``name``: ``value`` if this worker is the first to pin it, else
        the one pinned first (JSON; kept in the run's ``arguments`` hash)."""
        self.server.hsetnx(self.arguments_key, name, json.dumps(value, sort_keys=True))
        return json.loads(self.server.hget(self.arguments_key, name))


def outlet_of(request: Request) -> str | None:
    return request.cb_kwargs.get("outlet") if request.cb_kwargs else None


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared dupefilter, fingerprinting with the crawler's request
    fingerprinter (``CanonicalRequestFingerprinter``: by canonical URL), keyed by run."""

    def __init__(self, server: redis.Redis, key: str, debug: bool = False, fingerprinter: Any = None) -> None:
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    @classmethod
    def from_spider(cls, spider: Spider) -> SharedDupeFilter:
        crawler = spider.crawler
        run = SharedRun.of(crawler)
        return cls(run.server, run.dupefilter_key, crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   crawler.request_fingerprinter)

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints (scrapy-redis deletes them): the run's last worker does."""


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler for the run's shared queue, plus:

    - a process-local queue, served first, for the spider's TDM checks (meta ``check``);
    - shared requests of an outlet whose checks this worker has not finished wait
      ("parked") until it has;
    - new-URL check, the run's per-outlet article limit and the push in one Lua call;
    - a worker takes a shared request only while it holds fewer than
      ``NEWSCRAWL_REDIS_PREFETCH`` unsent ones (Scrapy would fill its downloader with up to
      ``CONCURRENT_REQUESTS`` waiting for the delay, which the other workers could send);
    - Redis failures stop the worker with one line (``redis_unavailable``).
    """

    crawler: Crawler
    run: SharedRun

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        try:
            instance = super().from_crawler(crawler)   # pings Redis
        except redis.RedisError as exc:
            raise RedisUnavailable(f"cannot reach Redis: {one_line(exc)}") from None
        instance.crawler = crawler
        instance.local = deque()
        instance.local_seen = set()
        instance.parked = {}
        instance.limit = 0
        instance.prefetch = max(1, crawler.settings.getint("NEWSCRAWL_REDIS_PREFETCH"))
        instance.stopping = ""     # the reason this worker stops for (a Redis failure, a mismatch)
        instance.opened = False
        crawler.signals.connect(instance._spider_opened, signal=signals.spider_opened)
        return instance

    @property
    def _stats(self) -> Any:
        return self.crawler.stats

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.run = SharedRun.of(self.crawler)
        self.queue = PriorityQueue(server=self.server, spider=spider, key=self.run.requests_key,
                                   serializer=self.serializer)
        self.df = SharedDupeFilter.from_spider(spider)
        try:
            others = self.run.join()
            own = run_arguments(spider)
            pinned = self.run.pin("arguments", own)
            queued = self.run.queued()
        except redis.RedisError as exc:
            self._stop(FATAL_REASON, self._redis_failed(exc))
            return
        stats = self._stats
        stats.set_value("newscrawl/redis/run_id", self.run.run_id)
        stats.set_value("newscrawl/redis/worker", self.run.worker)
        stats.set_value("newscrawl/redis/joined", int(bool(others)))
        if others:
            logger.info("joining run %s: %d other worker(s), %d requests queued", self.run.run_id, others, queued)
        else:
            logger.info("starting run %s (shared frontier in Redis)", self.run.run_id)
        if pinned["outlets"] != own["outlets"]:
            self._stop(MISMATCH_REASON, f"run {self.run.run_id} crawls {','.join(pinned['outlets'])}, not "
                                        f"{','.join(own['outlets'])}: give this worker another NEWSCRAWL_RUN_ID")
            return
        if pinned != own:
            logger.warning("run %s was started with since=%s, limit=%s: this worker uses those (it was given "
                           "since=%s, limit=%s)", self.run.run_id, pinned["since"], pinned["limit"],
                           own["since"], own["limit"])
            self._adopt(spider, pinned)
        self.limit = int(pinned["limit"] or 0)

    @staticmethod
    def _adopt(spider: Spider, pinned: dict[str, Any]) -> None:
        from newscrawl import discovery

        spider.since = discovery.parse_date(pinned["since"]) if pinned["since"] else None  # type: ignore[attr-defined]
        spider.limit = int(pinned["limit"] or 0)  # type: ignore[attr-defined]

    def close(self, reason: str) -> None:
        try:
            others = self.run.leave()
        except redis.RedisError as exc:
            logger.warning("could not leave run %s in Redis: %s", self.run.run_id, one_line(exc))
            return
        if others:
            logger.info("left run %s; %d other worker(s) still in it", self.run.run_id, others)
        else:
            logger.info("left run %s as its last worker: its keys are deleted", self.run.run_id)

    def _redis_failed(self, exc: Exception) -> str:
        url = redact_uri(self.crawler.settings.get("NEWSCRAWL_REDIS_URL") or "")
        return f"Redis at {url} failed: {one_line(exc)}; stopping this worker"

    def fail(self, exc: Exception) -> None:
        """Redis failed: without it this worker cannot share the run, so it stops."""
        self._stop(FATAL_REASON, self._redis_failed(exc))

    def _stop(self, reason: str, message: str) -> None:
        """Stop this worker (once) with one line; it takes and queues nothing meanwhile."""
        if self.stopping:
            return
        self.stopping = reason
        logger.error("%s", message)
        self._stats.set_value("newscrawl/fatal_error", message)
        if self.opened:
            self._close_spider()

    def _spider_opened(self) -> None:
        # Closing from inside open() would skip the pipelines' start: close once open.
        self.opened = True
        if self.stopping:
            self._close_spider()

    def _close_spider(self) -> None:
        from scrapy.utils.defer import deferred_from_coro

        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=self.stopping))

    # --- the queue ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.local) + sum(map(len, self.parked.values())) + (0 if self.stopping else self.run.queued())

    def has_pending_requests(self) -> bool:
        if self.local or any(self.parked.values()):
            return True
        if self.stopping:
            return False
        try:
            return self.run.queued() > 0
        except redis.RedisError as exc:
            self.fail(exc)
            return False

    def enqueue_request(self, request: Request) -> bool:
        if self.stopping:
            return False
        if request.meta.get("check"):
            # The spider's TDM checks update this process's state: never shared.
            fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
            if not request.dont_filter and fingerprint in self.local_seen:
                self._stats.inc_value("dupefilter/filtered")
                return False
            self.local_seen.add(fingerprint)
            self.local.append(request)
            self._stats.inc_value("scheduler/enqueued/local")
            return True
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        try:
            verdict = self.run.enqueue(fingerprint, outlet_of(request), self._limit_for(request),
                                       -request.priority, self.queue._encode_request(request))
        except redis.RedisError as exc:
            self.fail(exc)
            return False
        if verdict == 0:
            self.df.log(request, self.spider)
            self._stats.inc_value("dupefilter/filtered")
            return False
        if verdict < 0:
            self._stats.inc_value("newscrawl/discovery/over_limit")
            return False
        self._stats.inc_value("scheduler/enqueued/redis")
        return True

    def _limit_for(self, request: Request) -> int:
        """The run's limit for a first article request (retries and redirects are not new)."""
        if not self.limit or request.callback != getattr(self.spider, "parse_article", None):
            return 0
        return 0 if {"retry_times", "redirect_times"} & request.meta.keys() else self.limit

    def next_request(self) -> Request | None:
        if self.stopping:
            return None
        if self.local:
            self._stats.inc_value("scheduler/dequeued/local")
            return self.local.popleft()
        request = self._unpark()
        if request is not None:
            return request
        if self._unsent() >= self.prefetch:
            # Leave the shared requests to workers that can send them now (the engine asks
            # again as soon as one of this worker's downloads ends).
            return None
        while sum(map(len, self.parked.values())) < MAX_PARKED:
            try:
                data = self.run.pop()
            except redis.RedisError as exc:
                self.fail(exc)
                return None
            if data is None:
                return None
            request = self.queue._decode_request(data)
            self._stats.inc_value("scheduler/dequeued/redis")
            outlet = outlet_of(request)
            if outlet is None or self._checks_done(outlet):
                return request
            self.parked.setdefault(outlet, deque()).append(request)
            self._stats.inc_value("newscrawl/redis/parked")
        return None

    def _unsent(self) -> int:
        """Requests this worker holds but has not sent yet (in the downloader's middlewares
        or waiting for a slot's delay)."""
        downloader = self.crawler.engine.downloader if self.crawler.engine is not None else None
        if downloader is None:
            return 0
        return len(downloader.active) - sum(len(slot.transferring) for slot in downloader.slots.values())

    def _checks_done(self, outlet: str) -> bool:
        checks_done = getattr(self.spider, "checks_done", None)
        return checks_done is None or checks_done(outlet)

    def _unpark(self) -> Request | None:
        for outlet, waiting in self.parked.items():
            if waiting and self._checks_done(outlet):
                return waiting.popleft()
        return None


class SharedRunWatch:
    """Keeps a worker in its run until the whole run is idle, then lets it close.

    Every ``HEARTBEAT_SECONDS`` the worker marks itself busy or idle in Redis (a killed
    worker stops; after ``NEWSCRAWL_REDIS_STALE_AFTER`` seconds it no longer counts), and an
    idle worker looks for new shared work. On ``spider_idle`` it refuses to close while any
    request is queued or another worker is busy, and closes once that has been so for
    ``NEWSCRAWL_REDIS_IDLE_CLOSE`` seconds.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.idle_close = crawler.settings.getfloat("NEWSCRAWL_REDIS_IDLE_CLOSE")
        self.idle_since: float | None = None
        self.loop: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRunWatch:
        return cls(crawler)

    def _scheduler(self) -> SharedScheduler | None:
        slot = getattr(self.crawler.engine, "_slot", None)
        scheduler = getattr(slot, "scheduler", None)
        return scheduler if isinstance(scheduler, SharedScheduler) and not scheduler.stopping else None

    def spider_opened(self) -> None:
        from twisted.internet.task import LoopingCall

        self.loop = LoopingCall(self.heartbeat)
        self.loop.start(HEARTBEAT_SECONDS, now=False)

    def heartbeat(self) -> None:
        scheduler, engine = self._scheduler(), self.crawler.engine
        if scheduler is None or engine is None or engine.spider is None:
            return
        try:
            busy = not engine.spider_is_idle()
            _others_busy, queued = scheduler.run.beat(busy)
        except redis.RedisError as exc:
            scheduler.fail(exc)
            return
        if not busy:
            # Scrapy looks at an idle worker's scheduler only every 5 s; look now, so new
            # shared work is picked up soon and the idle countdown below moves on.
            engine._slot.nextcall.schedule()

    def spider_idle(self) -> None:
        scheduler = self._scheduler()
        if scheduler is None:
            return
        from time import monotonic

        try:
            others_busy, queued = scheduler.run.beat(False)
        except redis.RedisError as exc:
            scheduler.fail(exc)
            return
        if queued or others_busy:
            self.idle_since = None
            raise DontCloseSpider
        now = monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_close:
            raise DontCloseSpider
        logger.info("run %s idle everywhere for %.1fs: closing", scheduler.run.run_id, now - self.idle_since)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()


class RedisFrontier:
    """The add-on (``ADDONS``) that ``NEWSCRAWL_REDIS_URL`` switches on: the shared
    scheduler, dupefilter and run watch, and — with ``NEWSCRAWL_REDIS_HOST_GATE`` — the
    shared per-host gate in the download handler. Add-ons run after every settings source
    (the command line and Scrapyd's ``setting=`` included), and add to the project's
    ``EXTENSIONS``/``DOWNLOAD_HANDLERS`` instead of replacing them."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("NEWSCRAWL_REDIS_URL")
        if not url:
            return
        settings.set("REDIS_URL", url, "addon")
        settings.set("SCHEDULER", f"{__name__}.SharedScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", f"{__name__}.SharedDupeFilter", "addon")
        # Never flush on close or start: only the run's last worker deletes its keys.
        settings.set("SCHEDULER_PERSIST", True, "addon")
        settings.set("SCHEDULER_FLUSH_ON_START", False, "addon")
        params = {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT,
                  **settings.getdict("REDIS_PARAMS")}
        settings.set("REDIS_PARAMS", params, "addon")
        settings["EXTENSIONS"][f"{__name__}.SharedRunWatch"] = 100
        if settings.getbool("NEWSCRAWL_REDIS_HOST_GATE"):
            for scheme in ("http", "https"):
                settings["DOWNLOAD_HANDLERS"][scheme] = "newscrawl.hostgate.HostGatedDownloadHandler"
