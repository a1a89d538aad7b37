"""Run one picklable per-chunk function over many items: in-process, in a process pool, or on Dask.

Every executor cuts the items into chunks (lists of consecutive items), applies
the same top-level function to each chunk, and yields each chunk's result as it
finishes (completion order, not input order), keeping only a bounded number of
chunks in flight so that neither the queue of submitted work nor the results
waiting to be collected grow with the number of items. A chunk is the unit of
work because the batch stacks a chunk's workbooks and checks them together.

The process pool starts its workers with `forkserver` (or `spawn` where that is
unavailable), never `fork`: a forked child inherits the parent's threads' locks
mid-flight, and a fork pool was seen to deadlock once polars or another threaded
library had run in the parent. With a pool, no chunk runs in this process, the
first one included: a native crash while reading a file kills a worker, and the
pool narrows the crash down to that one file (see `run_local`).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, TypeVar

from xltrack.errors import ExecutorError, SchedulerAddressError

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "dask")
# Chunks each worker may have queued beyond the one it is running: enough to keep
# it busy while the parent collects, few enough to keep memory flat.
_IN_FLIGHT_PER_WORKER = 2
# Large enough that a chunk's stacked checks cost little per workbook, small enough
# that the progress bar moves and the last chunks do not leave a core idle for long.
_MAX_CHUNK = 64
CONNECT_TIMEOUT = "10s"  # how long to wait for a Dask scheduler before giving up
# How long a batch waits with no Dask worker at all before it stops (exit 3): long
# enough for an adaptive cluster or a restarting nanny to bring one back.
NO_WORKERS_TIMEOUT = 60.0
_POLL_SECONDS = 1.0


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def chunk_size(n_items: int, workers: int) -> int:
    """Items per chunk: a few chunks per worker, at most `_MAX_CHUNK` items each."""
    if n_items <= 0:
        return 1
    return max(1, min(_MAX_CHUNK, n_items // (workers * 4) or 1))


def _chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # The server imports these once; each worker forked from it starts warm
        # instead of importing pandas and xltrack again (about a second each).
        context.set_forkserver_preload(list(preload))
        return context
    return multiprocessing.get_context("spawn")


def run_local(
    func: Callable[[list[T]], R],
    items: Sequence[T],
    *,
    jobs: int | None = None,
    preload: Sequence[str] = (),
    on_crash: Callable[[list[T], BaseException], R] | None = None,
) -> Iterator[R]:
    """Yield `func(chunk)` for every chunk of the items, using `jobs` worker processes.

    Every chunk runs in a worker, never in this process, so that a native crash
    (a segfault in a reader, the OOM killer) cannot end the batch. When a worker
    dies the pool breaks; the chunks it held are run again one item at a time,
    and an item that still breaks a pool is run alone: if its worker dies too,
    `on_crash([item], error)` stands in for its result.

    Args:
        func: a top-level (picklable) function of a list of items.
        items: picklable items.
        jobs: worker processes; None = all cores; 1 runs every chunk in this
            process (no isolation: a native crash ends it).
        preload: modules the fork server imports once for all workers.
        on_crash: the result of an item whose worker died; without it a dead
            worker is an `ExecutorError`.

    Returns:
        An iterator of chunk results in completion order.

    Raises:
        ExecutorError: a worker died and there is no `on_crash`.
    """
    jobs = jobs or default_jobs()
    if jobs <= 1:
        for chunk in _chunks(items, chunk_size(len(items), 1)):
            yield func(chunk)
        return
    if not items:
        return
    workers = min(jobs, len(items))
    context = _context(preload or [func.__module__])
    # (chunk, level): 0 = a chunk as cut, 1 = one item after a crash, 2 = one item run alone.
    queue: deque[tuple[list[T], int]] = deque(
        (chunk, 0) for chunk in _chunks(items, chunk_size(len(items), workers))
    )
    crashed = 0
    while queue:
        level = queue[0][1]
        alone = level >= _ALONE
        try:
            with ProcessPoolExecutor(
                max_workers=1 if alone else workers, mp_context=context
            ) as pool:
                in_flight: dict[Future[R], tuple[list[T], int]] = {}
                yield from _drain(
                    pool,
                    func,
                    queue,
                    in_flight,
                    level,
                    1 if alone else workers * (1 + _IN_FLIGHT_PER_WORKER),
                )
        except BrokenProcessPool as exc:
            if on_crash is None or not in_flight:  # no chunk to blame: the pool itself is broken
                raise ExecutorError(
                    "a worker process died (killed, or out of memory); try fewer --jobs"
                ) from exc
            survivors = []
            for future, (chunk, chunk_level) in in_flight.items():
                if future.done() and future.exception() is None:
                    yield future.result()
                elif chunk_level >= _ALONE:
                    crashed += 1
                    if crashed > max(_CRASH_LIMIT, len(items) // 10):
                        # Not a few hostile files: workers die whatever they read.
                        raise ExecutorError(
                            f"worker processes keep dying ({crashed} files so far); "
                            "out of memory, or workers cannot start here"
                        ) from exc
                    yield on_crash(chunk, exc)
                else:
                    survivors += [([item], chunk_level + 1) for item in chunk]
            queue.extendleft(reversed(survivors))


_ALONE = 2
_CRASH_LIMIT = 3  # more files than this (and than 10 %) crashing workers: give up


def _drain(
    pool: ProcessPoolExecutor,
    func: Callable[[list[T]], R],
    queue: deque[tuple[list[T], int]],
    in_flight: dict[Future[R], tuple[list[T], int]],
    level: int,
    limit: int,
) -> Iterator[R]:
    """Run the queue's leading chunks of one `level` in `pool`; a broken pool leaves `in_flight`."""

    def top_up() -> None:
        while queue and queue[0][1] == level and len(in_flight) < limit:
            chunk = queue.popleft()
            try:
                future = pool.submit(func, chunk[0])
            except BrokenProcessPool:
                queue.appendleft(chunk)  # never submitted: it runs again, it must not go missing
                raise
            in_flight[future] = chunk

    top_up()
    while in_flight:
        done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
        for future in done:
            result = future.result()  # BrokenProcessPool: this chunk stays in flight
            del in_flight[future]
            yield result
        top_up()


def run_dask(
    func: Callable[[list[T]], R],
    items: Sequence[T],
    *,
    scheduler: Any = None,
    jobs: int | None = None,
) -> Iterator[R]:
    """Yield `func(chunk)` for every chunk of the items, computed on a Dask distributed cluster.

    Args:
        func: a top-level (picklable) function of a list of items; workers must be able
            to import xltrack.
        items: picklable items (paths must be readable by the workers).
        scheduler: a scheduler address (`tcp://host:8786`), a `distributed.Client`
            or a cluster object; None starts a `LocalCluster` of `jobs` processes.
        jobs: workers of the LocalCluster started when no scheduler is given.

    Returns:
        An iterator of chunk results in completion order.

    Raises:
        SchedulerAddressError: the scheduler address is malformed (exit 2).
        ExecutorError: dask.distributed is not installed, the scheduler is
            unreachable, a worker was killed (KilledWorker), or no worker was
            left for `NO_WORKERS_TIMEOUT` seconds (exit 3).
    """
    try:
        # Typed as Any: distributed ships no type hints.
        distributed: Any = importlib.import_module("distributed")
    except ImportError as exc:
        raise ExecutorError(
            'the dask executor needs dask.distributed: pip install "xltrack[dask]"'
        ) from exc
    if not items:
        return
    own_cluster = None
    if isinstance(scheduler, distributed.Client):
        client, own_client = scheduler, False
    else:
        if scheduler is None:
            own_cluster = distributed.LocalCluster(
                n_workers=jobs or default_jobs(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            scheduler = own_cluster
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
            own_client = True
        except ValueError as exc:  # malformed: "nonsense", "foo://bar", "tcp://host:port?"
            raise SchedulerAddressError(f"--scheduler {scheduler}: {exc}") from exc
        except (OSError, TimeoutError) as exc:
            if own_cluster is not None:
                own_cluster.close()
            raise ExecutorError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
    lost = (distributed.KilledWorker, CancelledError, OSError, TimeoutError)
    try:
        workers = max(1, _workers(client))
        size = chunk_size(len(items), workers)
        chunks = _chunks(items, size)
        limit = workers * (1 + _IN_FLIGHT_PER_WORKER)
        pending = {client.submit(func, chunk, pure=False) for chunk in islice(chunks, limit)}
        idle_since: float | None = None
        while pending:
            try:
                done, pending = distributed.wait(
                    list(pending), timeout=_POLL_SECONDS, return_when="FIRST_COMPLETED"
                )
            except TimeoutError:
                # Chunks may take long while workers live; with none left, give up in time.
                if _workers(client) > 0:
                    idle_since = None
                    continue
                idle_since = idle_since if idle_since is not None else time.monotonic()
                if time.monotonic() - idle_since >= NO_WORKERS_TIMEOUT:
                    raise ExecutorError(
                        f"no Dask worker left for {NO_WORKERS_TIMEOUT:g} s (all died or were "
                        "stopped); the batch was abandoned"
                    ) from None
                continue
            pending = set(pending)
            for future in done:
                result = future.result()
                future.release()
                yield result
                for chunk in islice(chunks, 1):
                    pending.add(client.submit(func, chunk, pure=False))
    except lost as exc:
        raise ExecutorError(
            f"the Dask cluster lost the work ({type(exc).__name__}: {exc}); a worker was "
            "killed or ran out of memory, or the scheduler went away"
        ) from exc
    finally:
        if own_client:
            client.close()
        if own_cluster is not None:
            own_cluster.close()


def _workers(client: Any) -> int:
    return len(client.scheduler_info(n_workers=-1).get("workers", {}))


def run(
    func: Callable[[list[T]], R],
    items: Sequence[T],
    *,
    executor: str = "local",
    jobs: int | None = None,
    scheduler: Any = None,
    on_crash: Callable[[list[T], BaseException], R] | None = None,
) -> Iterator[R]:
    """Dispatch to `run_local` or `run_dask` by name.

    Raises:
        ExecutorError: an unknown executor name, or a scheduler given for the local one.
    """
    if executor == "local":
        if scheduler is not None:
            raise ExecutorError("--scheduler needs --executor dask")
        return run_local(func, items, jobs=jobs, preload=[func.__module__], on_crash=on_crash)
    if executor == "dask":
        return run_dask(func, items, scheduler=scheduler, jobs=jobs)
    raise ExecutorError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
