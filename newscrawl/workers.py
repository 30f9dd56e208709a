"""The text stage in worker processes, so the crawl uses every core.

``TextWorkerPool(size, timeout)`` runs ``text_stage(page, options)`` (``build_article``)
in ``size`` worker processes; ``submit`` never blocks and returns a
``concurrent.futures.Future`` of a ``TextOutcome``. ``InProcessText`` is the same
interface in the calling process (``NEWSCRAWL_WORKERS=0``, for debugging).

- Workers are started with ``forkserver`` (``spawn`` where there is none), never by forking
  the crawl process, whose pymongo and writer threads would be copied mid-flight. The fork
  server imports the text stage and runs it once (``workers_warm``); each worker forks
  from it warm, and starts as soon as the pool is made (the caller never waits for it;
  a page's timeout never includes a start).
- Each worker has a dispatcher thread in the crawl process that hands it one page at a time
  and waits on its pipe and its process sentinel. So a failure is always the fault of
  exactly one page: a worker that dies (killed, segfault, out of memory) or hangs past
  ``timeout`` seconds (it is then killed) is replaced by a fresh process and the page is
  tried once more; a second failure gives ``Rejected("worker_failed")`` for that page. The
  other pages never notice.
- An exception raised by the text stage (it should raise none) becomes
  ``Rejected("text_error", "<type>: <message> (<file>:<line>)")``, in both modes.
- Workers ignore SIGINT (Ctrl-C reaches the whole process group; the crawl process decides
  when they stop), exit when their pipe closes (so a killed crawl leaves no orphans), and are
  daemonic (terminated at interpreter exit if ``close`` was never reached).

Nothing here imports Scrapy or Twisted: the pipeline wraps the futures for its event loop.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from newscrawl.items import FetchedPage

if TYPE_CHECKING:
    from newscrawl.items import Article
    from newscrawl.text.article import Rejected, TextOptions

logger = logging.getLogger(__name__)

TextFunction = Callable[[FetchedPage, "TextOptions"], "Article | Rejected"]

# The function workers run; None = ``newscrawl.text.article.build_article`` (imported only
# where it runs, so that importing this module — the settings do — stays cheap).
# Module-level so that a test can swap it (in the crawl process, before the pool starts)
# for one that crashes or hangs on chosen pages; it travels to the workers by reference,
# so it must be a module-level function.
text_stage: TextFunction | None = None


def _text_function(function: TextFunction | None) -> TextFunction:
    if function is not None:
        return function
    if text_stage is not None:
        return text_stage
    from newscrawl.text.article import build_article

    return build_article

# Modules the fork server imports once, so a fresh worker starts warm in milliseconds.
PRELOAD = ["newscrawl.workers_warm"]
# Seconds a worker gets to exit after being asked to, before it is killed.
EXIT_GRACE = 5.0
# Seconds a new worker may take to start and warm up (not counted against a page's timeout).
START_TIMEOUT = 120.0
READY = "ready"


def available_cores() -> int:
    """CPU cores this process may run on (the default number of workers)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class TextOutcome:
    """The text stage's answer for one page, with the worker failures met on the way
    (``"crashed"``, ``"timed_out"``; each one was followed by a fresh worker)."""

    result: Article | Rejected
    incidents: tuple[str, ...] = ()


def run_text_stage(function: TextFunction, page: FetchedPage, options: TextOptions) -> Article | Rejected:
    """``function(page, options)``; an exception becomes a one-line ``text_error`` rejection."""
    from newscrawl.text.article import Rejected

    try:
        return function(page, options)
    except Exception as exc:  # noqa: BLE001 - the text stage must never take the crawl down
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" ({os.path.basename(frame.filename)}:{frame.lineno})" if frame else ""
        message = str(exc).split("\n", 1)[0][:200]
        return Rejected("text_error", f"{type(exc).__name__}: {message}{where}")


class InProcessText:
    """The text stage in the calling process (``NEWSCRAWL_WORKERS=0``): simplest to debug,
    but it blocks the caller while it runs."""

    size = 0

    def __init__(self, function: TextFunction | None = None) -> None:
        self.function = _text_function(function)

    def submit(self, page: FetchedPage, options: TextOptions) -> Future[TextOutcome]:
        future: Future[TextOutcome] = Future()
        future.set_result(TextOutcome(run_text_stage(self.function, page, options)))
        return future

    def close(self) -> None:
        pass


# A small article run once by each new worker, so the first real page does not pay the
# text stage's lazy set-up (language model, date parsers, parser caches: ~1.5 s).
_WARM_UP_BODY = (
    '<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>Rozgrzewka | Portal</title>'
    '<meta property="og:title" content="Rozgrzewka etapu tekstu">'
    '<meta property="og:site_name" content="Portal">'
    '<meta property="article:published_time" content="2026-11-24T10:19:00+01:00">'
    '<meta name="author" content="Jan Kowalski">'
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rozgrzewka etapu tekstu",'
    ' "datePublished": "2026-11-24T10:19:00+01:00"}</script></head><body><article>'
    '<h1>Rozgrzewka etapu tekstu</h1><time datetime="2026-11-24T10:19:00+01:00">24 listopada 2026</time>'
    + "<p>To jest krótki polski tekst, który przechodzi przez wszystkie kroki etapu tekstu, "
    "zanim do pracownika trafi pierwsza prawdziwa strona z artykułem.</p>"
    "<p>Radni miasta przyjęli budżet na przyszły rok, a opozycja zapowiedziała skargę do wojewody.</p>" * 3
    + "<p>Fot. PAP</p></article></body></html>"
).encode()


_warmed_up = False


def warm_up() -> None:
    """Run the text stage once on a small article (once per process). The fork server does
    it (``newscrawl.workers_warm``), so workers forked from it start warm and share that
    memory; a worker started otherwise does it itself."""
    global _warmed_up
    if _warmed_up:
        return
    from datetime import datetime, timezone

    from newscrawl.corpus.minhash import MinHashParams
    from newscrawl.text.article import TextOptions

    page = FetchedPage("http://warm-up.invalid/", "", _WARM_UP_BODY, 200, {}, datetime.now(timezone.utc))
    run_text_stage(_text_function(None), page, TextOptions(fingerprint=MinHashParams()))
    _warmed_up = True


def _worker_main(conn: Connection, function: TextFunction) -> None:
    """A worker: receive ``(page, options)``, send back the result, until told to stop."""
    from newscrawl.text.article import Rejected

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The text stage's warnings go to the crawl's stderr in Scrapy's format.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s",
                        datefmt="%Y-%m-%d %H:%M:%S")
    warm_up()
    try:
        conn.send(READY)
    except (BrokenPipeError, OSError):
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the crawl process is gone
        if task is None:
            return
        result = run_text_stage(function, *task)
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            conn.send(Rejected("text_error", f"result not sendable: {type(exc).__name__}: {exc}"[:300]))


def start_method() -> str:
    """``forkserver`` where available (safe with threads, cheap per worker), else ``spawn``."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class _WorkerFailed(Exception):
    """The worker died or hung while running one page; ``kind`` is the incident name."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class _Worker:
    """One worker process and the pipe to it; used by one dispatcher thread only."""

    def __init__(self, context: Any, function: TextFunction, name: str) -> None:
        self.conn, child_conn = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child_conn, function), name=name, daemon=True)
        self.process.start()
        child_conn.close()  # only the worker holds its end now: its death reads as EOF here
        self.ready = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def wait_ready(self) -> None:
        """Wait until the worker has started and warmed up."""
        if self.ready:
            return
        if self.conn in wait([self.conn, self.process.sentinel], START_TIMEOUT):
            try:
                self.ready = self.conn.recv() == READY
            except (EOFError, OSError):
                pass
        if not self.ready:
            self.kill()
            raise _WorkerFailed("crashed", f"worker pid {self.pid} did not start (exit code {self.process.exitcode})")

    def run(self, page: FetchedPage, options: TextOptions, timeout: float) -> Article | Rejected:
        self.wait_ready()
        try:
            self.conn.send((page, options))
        except (BrokenPipeError, EOFError, OSError) as exc:
            raise _WorkerFailed("crashed", f"worker pid {self.pid} gone before the page ({exc})") from None
        ready = wait([self.conn, self.process.sentinel], timeout if timeout > 0 else None)
        if self.conn in ready:
            try:
                return self.conn.recv()
            except (EOFError, OSError):
                pass  # died while answering
            except Exception as exc:  # noqa: BLE001 - an answer that cannot be read
                self.kill()
                raise _WorkerFailed("crashed", f"worker pid {self.pid} sent an unreadable answer: {exc}"[:300]) from None
        if not ready:
            self.kill()
            raise _WorkerFailed("timed_out", f"worker pid {self.pid} hung for more than {timeout:g}s; killed")
        self.process.join(EXIT_GRACE)
        raise _WorkerFailed("crashed", f"worker pid {self.pid} died (exit code {self.process.exitcode})")

    def stop(self) -> None:
        """Ask the worker to exit; kill it if it does not within ``EXIT_GRACE``."""
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(EXIT_GRACE)
        if self.process.is_alive():
            self.kill()
        self.conn.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(EXIT_GRACE)


class TextWorkerPool:
    """``size`` worker processes running the text stage, one page each at a time.

    ``submit`` queues a page (it never blocks); the caller bounds how many it queues.
    ``close`` stops the workers and waits for them (idempotent); pages still queued are
    cancelled.
    """

    def __init__(
        self,
        size: int,
        timeout: float,
        function: TextFunction | None = None,
        method: str | None = None,
    ) -> None:
        if size < 1:
            raise ValueError(f"a worker pool needs at least one worker, not {size}")
        self.size = size
        self.timeout = timeout
        self.function = _text_function(function)
        self.method = method or start_method()
        self.context = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            self.context.set_forkserver_preload(PRELOAD)
        self._tasks: queue.SimpleQueue[tuple[FetchedPage, TextOptions, Future[TextOutcome]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._workers: dict[int, _Worker] = {}
        self._starting: set[int] = set()  # slots whose worker is being started
        self._closed = False
        # Workers start in their dispatcher threads, at once, so the caller never waits for
        # a start and they are ready when the first pages are.
        self._threads = [
            threading.Thread(target=self._dispatch, args=(slot,), name=f"newscrawl-text-{slot}", daemon=True)
            for slot in range(size)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, page: FetchedPage, options: TextOptions) -> Future[TextOutcome]:
        future: Future[TextOutcome] = Future()
        if self._closed:
            future.cancel()
        else:
            self._tasks.put((page, options, future))
        return future

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        with self._lock:
            return sorted(w.pid for w in self._workers.values() if w.pid is not None and w.process.is_alive())

    def _worker(self, slot: int) -> _Worker:
        """The slot's live worker, started if need be (outside the lock: the first start
        waits for the fork server to load, and ``close`` must not wait for that)."""
        with self._lock:
            worker = self._workers.pop(slot, None)
            if worker is not None and worker.process.is_alive():
                self._workers[slot] = worker
                return worker
            self._starting.add(slot)
        try:
            if worker is not None:
                worker.kill()
            worker = _Worker(self.context, self.function, f"newscrawl-text-{slot}")
        finally:
            with self._lock:
                self._starting.discard(slot)
        with self._lock:
            if not self._closed:
                self._workers[slot] = worker
                return worker
        worker.kill()
        raise _WorkerFailed("crashed", "the pool is closed")

    def _discard(self, slot: int) -> None:
        with self._lock:
            worker = self._workers.pop(slot, None)
        if worker is not None:
            worker.kill()
            worker.conn.close()

    def _dispatch(self, slot: int) -> None:
        try:
            self._worker(slot).wait_ready()  # started and warmed up before the first page
        except Exception as exc:  # noqa: BLE001 - tried again, and counted, with the first page
            if not self._closed:
                logger.warning("text worker %d could not start: %s", slot, exc)
            self._discard(slot)
        while True:
            task = self._tasks.get()
            if task is None:
                break
            page, options, future = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._run(slot, page, options))
            except BaseException as exc:  # noqa: BLE001 - the future must always complete
                future.set_exception(exc)
        with self._lock:
            worker = self._workers.pop(slot, None)
        if worker is not None:
            worker.stop()

    def _run(self, slot: int, page: FetchedPage, options: TextOptions) -> TextOutcome:
        incidents: list[str] = []
        details: list[str] = []
        for _attempt in range(2):  # the first try, then one more on a fresh worker
            try:
                return TextOutcome(self._worker(slot).run(page, options, self.timeout), tuple(incidents))
            except _WorkerFailed as failure:
                incidents.append(failure.kind)
                details.append(failure.detail)
                logger.warning("text worker failed on %s: %s", page.url, failure.detail)
                self._discard(slot)
        from newscrawl.text.article import Rejected

        return TextOutcome(Rejected("worker_failed", "; then ".join(details)), tuple(incidents))

    def close(self) -> None:
        """Stop every worker (after its current page) and wait for them; idempotent."""
        if self._closed:
            return
        self._closed = True
        while True:  # pages nobody will wait for any more
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is not None:
                task[2].cancel()
        for _ in self._threads:
            self._tasks.put(None)
        with self._lock:  # workers still starting up are of no use any more
            starting = set(self._starting)
            warming = [w for w in self._workers.values() if not w.ready]
        for worker in warming:
            worker.kill()
        for slot, thread in enumerate(self._threads):
            # A thread still starting its worker kills it itself once started (daemon
            # threads never hold up the interpreter's exit).
            if slot not in starting:
                thread.join(self.timeout + 2 * EXIT_GRACE if self.timeout > 0 else None)
        with self._lock:
            leftovers, self._workers = list(self._workers.values()), {}
        for worker in leftovers:
            worker.kill()


def start_text_stage(size: int, timeout: float) -> TextWorkerPool | InProcessText:
    """The pool (``size`` ≥ 1) or the in-process stage (``size`` = 0)."""
    return TextWorkerPool(size, timeout) if size > 0 else InProcessText()
