"""Scrapy settings for newscrawl.

Every knob has a default that is polite and safe for real news sites, and every one can
be set from the environment (see ``envsettings.apply_environment`` and the README's
settings table), or per run with ``scrapy crawl … -s NAME=value``.
"""

from newscrawl import __version__
from newscrawl.envsettings import apply_environment

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
# One generic spider serves every outlet: `scrapy list` shows the registry's outlets.
SPIDER_LOADER_CLASS = "newscrawl.spiderloader.OutletSpiderLoader"
COMMANDS_MODULE = "newscrawl.commands"

# --- politeness -----------------------------------------------------------------------
USER_AGENT = f"newscrawl/{__version__} (+https://github.com/newscrawl/newscrawl; news corpus crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
# Each delay is randomised by ±50% (Scrapy's DOWNLOAD_DELAY_JITTER default).
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# robots.txt Crawl-delay is enforced per host (Scrapy only parses it); larger values are
# capped here (seconds).
NEWSCRAWL_CRAWL_DELAY_MAX = 30.0
# 429/503 with Retry-After: the host gets no request until then; a longer wait than this
# (seconds) gives the request up instead.
NEWSCRAWL_RETRY_AFTER_MAX = 120.0
NEWSCRAWL_RETRY_AFTER_CODES = [429, 503]
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawl.middlewares.OutletGateMiddleware": 90,
    "newscrawl.middlewares.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.middlewares.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.middlewares.MetaRefreshMiddleware": 580,
    # One fence for every request, before everything else (see newscrawl/fence.py).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newscrawl.fence.FenceMiddleware": 10,
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "newscrawl.middlewares.AutoThrottle": 0,
    "newscrawl.logs.BoundedLogLines": 0,
    "newscrawl.progress.Progress": 0,
}
# Requests are deduplicated by canonical URL (tracking parameters, fragments, AMP dropped).
REQUEST_FINGERPRINTER_CLASS = "newscrawl.middlewares.CanonicalRequestFingerprinter"
# `-s NAME=value` is checked and converted like the environment (one line, exit 2 when bad).
ADDONS = {"newscrawl.envsettings.CommandLineSettings": 0}
# Scrapy's remote-control HTTP server executes code sent to it: never open it by default.
REMOTE_CONTROL_ENABLED = False
# The fence also checks every address a name resolves to (DNS rebinding included).
TWISTED_DNS_RESOLVER = "newscrawl.fence.FencedResolver"
# Networks (CIDRs) that may be reached although private/loopback/link-local/reserved;
# empty: public addresses only. The offline newsroom needs 127.0.0.0/8.
NEWSCRAWL_ALLOW_PRIVATE_NETWORKS: list[str] = []
# A request that failed for good is logged once per host by the spider, not per request.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"

# --- storage --------------------------------------------------------------------------
MONGO_URI = "mongodb://127.0.0.1:27017"
MONGO_DATABASE = "newscrawl"
# How long to wait for MongoDB at spider start before stopping with a clear error.
NEWSCRAWL_MONGO_TIMEOUT = 5.0
# Upserts are sent with bulk_write every BATCH_SIZE records or FLUSH_INTERVAL seconds.
NEWSCRAWL_BATCH_SIZE = 100
NEWSCRAWL_FLUSH_INTERVAL = 5.0
# Keep the compressed raw HTML in `pages`, so a better cleaner can reprocess the corpus.
NEWSCRAWL_STORE_RAW_HTML = True
# A MongoDB command that takes longer than this (seconds) fails and is retried.
NEWSCRAWL_MONGO_SOCKET_TIMEOUT = 60.0
# How long (seconds) the writer retries a batch while MongoDB is unavailable before it
# appends the batch to the spill file (downloads go on meanwhile).
NEWSCRAWL_STORE_RETRY_SECONDS = 120.0
# Spill files (JSON Lines) of records that could not be written; replayed by the next
# crawl at start or by `scrapy replay-spill`. Relative to the working directory.
NEWSCRAWL_SPILL_DIR = "var/spill"
# Seconds between updates of the run record (`runs`: heartbeat_at and counts).
NEWSCRAWL_HEARTBEAT_INTERVAL = 30.0

# --- outlets and discovery ------------------------------------------------------------
# Outlet registry (TOML); empty means the one shipped in newscrawl/outlets.toml.
NEWSCRAWL_OUTLETS_FILE = ""
# How many listing pages deep to follow section pagination.
NEWSCRAWL_SECTION_DEPTH = 3
# Skip outlets that reserve text and data mining (robots.txt rules against AI/TDM crawlers,
# TDMRep header/meta/tdmrep.json, or `tdm = "reserved"` in the registry). False crawls
# them anyway and marks their pages.
NEWSCRAWL_SKIP_TDM_RESERVED = True
# `scrapy outlets --probe`: seconds allowed per source, and sources probed in parallel.
NEWSCRAWL_PROBE_TIMEOUT = 10.0
NEWSCRAWL_PROBE_CONCURRENCY = 8
# At most this many URLs are taken from one sitemap or feed file (the sitemap protocol's own limit).
NEWSCRAWL_SITEMAP_MAX_URLS = 50000
# At most this many article requests of one outlet are scheduled and unfinished at a time;
# the other accepted URLs wait as strings in a backlog (bounded memory).
NEWSCRAWL_MAX_PENDING_REQUESTS = 1000
# Incremental crawls: a page the text stage rejected (too short, not Polish, a listing…) is
# not downloaded again for this many days, unless its feed or sitemap dates it later.
NEWSCRAWL_REJECTED_RECHECK_DAYS = 7.0
# One progress line per outlet every this many seconds (0: none).
NEWSCRAWL_PROGRESS_INTERVAL = 60.0

# --- text -----------------------------------------------------------------------------
# Records whose detected language is not in this list are dropped (counted).
NEWSCRAWL_LANGUAGES = ["pl"]
# Records with less body text than this (characters) are dropped (counted).
NEWSCRAWL_MIN_TEXT_CHARS = 200
# A body paragraph is a repeat of the lead / an earlier paragraph when this share of the
# shorter one's word pairs occurs in the other (the more complete version is kept).
NEWSCRAWL_DEDUP_THRESHOLD = 0.8
# Learned boilerplate: a paragraph of at most MAX_CHARS characters seen in at least
# MIN_ARTICLES different articles of one outlet is removed from that outlet's records.
NEWSCRAWL_LEARN_BOILERPLATE = True
NEWSCRAWL_BOILERPLATE_MIN_ARTICLES = 8
NEWSCRAWL_BOILERPLATE_MAX_CHARS = 300
# Short paragraphs seen once that are remembered per outlet (in memory, oldest forgotten
# first) to notice when they recur; only recurring ones are written to MongoDB.
NEWSCRAWL_BOILERPLATE_WINDOW = 20000
# The `boilerplate` collection is pruned at the end of each crawl: documents not updated
# for EXPIRE_DAYS, and the least recently updated candidates beyond MAX_CANDIDATES per outlet.
NEWSCRAWL_BOILERPLATE_EXPIRE_DAYS = 90.0
NEWSCRAWL_BOILERPLATE_MAX_CANDIDATES = 10000
# The text stage runs in this many worker processes (0 = in the crawl process, for
# debugging); a page that keeps a worker busy longer than TEXT_TIMEOUT seconds (0 = no
# limit) is treated like a crash: retried once on a fresh worker, then dropped.
from newscrawl.workers import available_cores  # noqa: E402 (a light import)

NEWSCRAWL_WORKERS = available_cores()
NEWSCRAWL_TEXT_TIMEOUT = 60.0

# --- corpus: near duplicates and stories (issue 10) ------------------------------------
# Records are fingerprinted with MinHash over word SHINGLE_SIZE-grams (PERMUTATIONS values,
# cut into LSH_BANDS bands for candidate search); a record whose estimated Jaccard similarity
# to an earlier one reaches NEAR_DUP_THRESHOLD is its near duplicate and joins its story.
NEWSCRAWL_SHINGLE_SIZE = 5
NEWSCRAWL_MINHASH_PERMUTATIONS = 128
NEWSCRAWL_LSH_BANDS = 32
NEWSCRAWL_NEAR_DUP_THRESHOLD = 0.8
# `scrapy export`: records per cursor batch and per Parquet row group.
NEWSCRAWL_EXPORT_BATCH = 1000

# --- several workers: one shared frontier in Redis (newscrawl/distributed.py) -----------
# A Redis URL (redis://[:password@]host:6379/0) switches it on: the workers of one run —
# processes on any number of machines — share one scheduler queue and dupefilter there.
# Empty: one process, its frontier in memory.
NEWSCRAWL_REDIS_URL = ""
# The id the workers of one run share; empty: the run's outlet keys (`kurier`, `oko+rp`).
NEWSCRAWL_RUN_ID = ""
# A worker closes once the whole run (every worker, the shared queue) has been idle this
# long (seconds).
NEWSCRAWL_REDIS_IDLE_CLOSE = 5.0
# A worker silent for this long (seconds) counts as gone (killed) for the others.
NEWSCRAWL_REDIS_STALE_AFTER = 60.0
# A worker takes a request from the shared queue only while it holds fewer unsent ones
# (waiting for a host's delay) than this: the others get the rest.
NEWSCRAWL_REDIS_PREFETCH = 4
# Space the requests to each host across all workers (Crawl-delay, download delay,
# AutoThrottle, Retry-After), so N workers never give a site N times the rate.
NEWSCRAWL_REDIS_HOST_GATE = True
ADDONS["newscrawl.distributed.RedisFrontier"] = 10

ITEM_PIPELINES = {
    "newscrawl.pipelines.ExtractPipeline": 300,
    "newscrawl.pipelines.MongoPipeline": 800,
}

LOG_LEVEL = "INFO"
# Longer log lines are cut (a page body or a huge item never fills a log).
NEWSCRAWL_LOG_MAX_LINE = 1024
FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Items of one response processed at once. An article page gives one item, and Scrapy starts
# this many asyncio tasks for every response's output: its default of 100 cost the reactor
# more than a third of its time per page (bench/throughput.py --profile).
CONCURRENT_ITEMS = 4

# Scrapy settings that can also be set from the environment, by these names.
SCRAPY_ALIASES = {
    "NEWSCRAWL_USER_AGENT": "USER_AGENT",
    "NEWSCRAWL_ROBOTSTXT_OBEY": "ROBOTSTXT_OBEY",
    "NEWSCRAWL_CONCURRENT_REQUESTS": "CONCURRENT_REQUESTS",
    "NEWSCRAWL_CONCURRENT_REQUESTS_PER_DOMAIN": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "NEWSCRAWL_CONCURRENT_ITEMS": "CONCURRENT_ITEMS",
    "NEWSCRAWL_DOWNLOAD_DELAY": "DOWNLOAD_DELAY",
    "NEWSCRAWL_AUTOTHROTTLE_ENABLED": "AUTOTHROTTLE_ENABLED",
    "NEWSCRAWL_AUTOTHROTTLE_START_DELAY": "AUTOTHROTTLE_START_DELAY",
    "NEWSCRAWL_AUTOTHROTTLE_MAX_DELAY": "AUTOTHROTTLE_MAX_DELAY",
    "NEWSCRAWL_AUTOTHROTTLE_TARGET_CONCURRENCY": "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "NEWSCRAWL_DOWNLOAD_TIMEOUT": "DOWNLOAD_TIMEOUT",
    "NEWSCRAWL_DOWNLOAD_MAXSIZE": "DOWNLOAD_MAXSIZE",
    "NEWSCRAWL_RETRY_TIMES": "RETRY_TIMES",
    "NEWSCRAWL_LOG_LEVEL": "LOG_LEVEL",
}

apply_environment(globals(), SCRAPY_ALIASES)
