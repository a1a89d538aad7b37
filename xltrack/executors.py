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
library had run in the parent.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, TypeVar

from xltrack.errors import XltrackError

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


class ExecutorError(XltrackError):
    """The executor cannot be used (an unknown name, dask missing, no scheduler)."""

    code = "executor-failed"


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
) -> Iterator[R]:
    """Yield `func(chunk)` for every chunk of the items, using `jobs` worker processes.

    Args:
        func: a top-level (picklable) function of a list of items.
        items: picklable items.
        jobs: worker processes; None = all cores; 1 runs in this process (which
            also runs the first chunk itself while the workers start).
        preload: modules the fork server imports once for all workers.

    Returns:
        An iterator of chunk results in completion order.
    """
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(items) <= 1:
        for chunk in _chunks(items, chunk_size(len(items), 1)):
            yield func(chunk)
        return
    workers = min(jobs, len(items))
    size = chunk_size(len(items), workers)
    context = _context(preload or [func.__module__])
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunks = _chunks(items, size)
            limit = workers * (1 + _IN_FLIGHT_PER_WORKER)
            first, queued = next(chunks), list(islice(chunks, limit))
            # The first submit blocks until the fork server has imported pandas and
            # xltrack (about half a second, one core); a thread waits for that while
            # this process, warm already, works on the first chunk itself.
            pending: set[Future[R]] = set()
            failed: list[BaseException] = []

            def submit_queued() -> None:
                try:
                    pending.update(pool.submit(func, c) for c in queued)
                except BaseException as exc:  # noqa: BLE001 (raised below, in this thread)
                    failed.append(exc)

            starter = threading.Thread(target=submit_queued, daemon=True)
            starter.start()
            try:
                yield func(first)
            finally:
                starter.join()
            if failed:  # a chunk that was never submitted must not go missing silently
                raise failed[0]
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
                    for chunk in islice(chunks, 1):
                        pending.add(pool.submit(func, chunk))
    except BrokenProcessPool as exc:
        raise ExecutorError(
            "a worker process died (killed, or out of memory); try fewer --jobs"
        ) from exc


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
        ExecutorError: dask.distributed is not installed or the scheduler is unreachable.
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
                n_workers=jobs or default_jobs(), threads_per_worker=1, processes=True,
                dashboard_address=None,
            )
            scheduler = own_cluster
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
            own_client = True
        except (OSError, TimeoutError) as exc:
            if own_cluster is not None:
                own_cluster.close()
            raise ExecutorError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
    try:
        workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
        size = chunk_size(len(items), workers)
        chunks = _chunks(items, size)
        limit = workers * (1 + _IN_FLIGHT_PER_WORKER)
        queue = distributed.as_completed()
        for chunk in chunks:
            queue.add(client.submit(func, chunk, pure=False))
            if queue.count() >= limit:
                break
        for future in queue:
            result = future.result()
            future.release()
            yield result
            nxt = next(chunks, None)
            if nxt is not None:
                queue.add(client.submit(func, nxt, pure=False))
    finally:
        if own_client:
            client.close()
        if own_cluster is not None:
            own_cluster.close()


def run(
    func: Callable[[list[T]], R],
    items: Sequence[T],
    *,
    executor: str = "local",
    jobs: int | None = None,
    scheduler: Any = None,
) -> Iterator[R]:
    """Dispatch to `run_local` or `run_dask` by name.

    Raises:
        ExecutorError: an unknown executor name, or a scheduler given for the local one.
    """
    if executor == "local":
        if scheduler is not None:
            raise ExecutorError("--scheduler needs --executor dask")
        return run_local(func, items, jobs=jobs, preload=[func.__module__])
    if executor == "dask":
        return run_dask(func, items, scheduler=scheduler, jobs=jobs)
    raise ExecutorError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
