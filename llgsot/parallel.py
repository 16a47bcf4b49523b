"""The one work loop of llgsot: executor, checkpoint, progress bar, worker warnings.

Table builds (:mod:`llgsot.tables.build`), grid sweeps (:mod:`llgsot.studies.sweep`) and
switching-probability ladders (:mod:`llgsot.studies.thermal`) all run their work through
:class:`WorkLoop`; nothing else in the package submits to an executor.

``executor`` arguments accept:
  * None      -> "auto": in-process for small jobs, local processes for large ones;
  * "serial"  -> in-process;
  * "processes" -> a local ``ProcessPoolExecutor`` with one worker per core;
  * any ``concurrent.futures.Executor`` (e.g. ``distributed.Client(...).get_executor()``),
    or a ``distributed.Client`` itself (its executor is used).
Work items must be picklable module-level functions with picklable arguments.

What the loop guarantees, whatever the executor:
  * each finished chunk's records reach the checkpoint as soon as the chunk finishes (the
    in-process executor runs a chunk at submit time, so the loop records every finished
    chunk before it submits the next one: a killed serial run loses at most one chunk);
  * an exception or Ctrl-C stops the submission at once; chunks not yet started are
    cancelled, finished ones are already in the checkpoint;
  * warnings raised inside work items are recorded there and re-issued in the caller with
    their category, text and origin (file, line), once per origin; a last warning says how
    many more the same origin raised;
  * workers of a pool created here die with the process that created them (see
    :func:`_worker_init`), so killing a build or sweep leaves no orphan processes.
"""
from __future__ import annotations

import os
import queue
import signal
import sys
import threading
import time
import warnings
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any, NamedTuple, Sequence


class SerialExecutor(Executor):
    """Runs every submitted call immediately in this process."""

    def submit(self, fn, /, *args, **kwargs):
        f = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 (delivered through the future)
            f.set_exception(exc)
        return f


def _context():
    """fork when it is safe (fast: workers inherit compiled kernels), forkserver otherwise.

    numba's OpenMP thread pool (parallel ensembles) aborts a process that forks after using
    it; once it is running we fork from a clean server process instead. Like 'spawn', that
    re-imports the main module in the workers: scripts need the usual
    ``if __name__ == "__main__":`` guard (the command line has it).
    """
    import multiprocessing as mp

    import numba

    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel kernel has run in this process yet
        layer = None
    if layer != "omp":
        return mp.get_context("fork")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["llgsot", "llgsot.solver.response", "llgsot.dynamics"])
    return ctx


#: seconds between two checks of the worker watchdog
WATCHDOG_PERIOD = 0.5


def _identity(pid):
    """(pid, start time) on Linux, so that a recycled pid is not taken for its owner."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return pid, f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return pid, None


def _alive(identity):
    pid, start = identity
    if start is not None:
        return _identity(pid)[1] == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_init(owner: int):
    """Initializer of every pool worker created here: die with ``owner`` (the process that
    made the pool), ignore Ctrl-C.

    Two mechanisms, because neither alone covers every case:

    * 'fork' on Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``. The kernel kills the worker
      the moment its parent dies, whatever the worker is doing. (The signal follows the
      *thread* that forked; the pool lives inside one call of the work loop, so that
      thread outlives it.)
    * Always: a daemon thread that checks every WATCHDOG_PERIOD seconds that ``owner`` still
      runs (pid and start time on Linux) and ends the worker otherwise. This is what covers
      'forkserver' workers, whose parent is the fork server: it outlives the owner, since
      every worker holds its "alive" pipe open. The numba kernels release the GIL
      (``nogil=True``), so the thread runs while a worker computes.

    An owner that died before the initializer ran is caught by the first check.
    SIGINT is ignored: a Ctrl-C in the terminal reaches the whole process group, and only
    the owner should handle it (it cancels the work and ends the workers).
    """
    if os.getppid() == owner and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl: the watchdog remains
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ident = _identity(owner)
    if not _alive(ident) or (ident[1] is None and os.getppid() == 1):
        os._exit(1)

    def watch():
        while _alive(ident):
            time.sleep(WATCHDOG_PERIOD)
        os._exit(1)

    threading.Thread(target=watch, name="llgsot-owner-watchdog", daemon=True).start()


def _end_pool(pool: ProcessPoolExecutor):
    """Stop a pool created here at once (after an error or Ctrl-C): cancel queued work and
    end the workers, so that neither this call nor interpreter exit waits for them."""
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    # shutdown() forgets the processes: take them first (a private attribute, stable since 3.2)
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5.0)


@contextmanager
def resolve_executor(executor, expected_seconds: float = 0.0):
    """Yield a concurrent.futures.Executor for ``executor`` (see module docstring).

    Executors created here are shut down on exit (at once, cancelling queued work, when
    the block raises); user-supplied ones are left running.
    """
    if executor is None:
        executor = "processes" if expected_seconds > 5.0 and (os.cpu_count() or 1) > 1 else "serial"
    if isinstance(executor, str) and executor == "serial":
        yield SerialExecutor()
        return
    if isinstance(executor, str) and executor == "processes":
        pool = ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=_context(),
                                   initializer=_worker_init, initargs=(os.getpid(),))
        try:
            yield pool
        except BaseException:
            _end_pool(pool)
            raise
        pool.shutdown(wait=True)
        return
    if hasattr(executor, "get_executor") and not isinstance(executor, Executor):
        yield executor.get_executor()  # a dask.distributed Client
        return
    if isinstance(executor, Executor) or hasattr(executor, "submit"):
        yield executor
        return
    raise ValueError("`executor` must be None, 'serial', 'processes', a concurrent.futures.Executor "
                     f"or a dask.distributed Client; got {executor!r}")


# -- the work loop --------------------------------------------------------------------------
class Chunk(NamedTuple):
    """One work item: ``func(*args)``.

    keys : list, optional
        Checkpoint keys, one per element of the sequence ``func`` returns; the pairs are
        appended to the checkpoint when the chunk finishes, and the progress bar advances
        by len(keys). None: nothing is recorded, the bar advances by one.
    """

    args: tuple
    keys: Sequence | None = None


def _call(func, args):
    """Worker side of the loop: run ``func(*args)`` and return its warnings with the result.

    Returns (result, [(text, category, filename, lineno, count), ...]), one entry per origin.
    ``warnings.catch_warnings`` changes process-wide state: with several threads per worker
    process (a thread pool, dask with threads_per_worker > 1) warnings of concurrent work
    items may be recorded by the wrong item or escape to the worker's log (Python < 3.14).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args)
    origins = {}
    for w in caught:
        key = (w.category, w.filename, w.lineno)
        if key in origins:
            origins[key][4] += 1
        else:
            origins[key] = [str(w.message), w.category, w.filename, w.lineno, 1]
    return result, [tuple(o) for o in origins.values()]


class WorkLoop:
    """Runs chunks of work on an executor with a checkpoint, a progress bar and the
    workers' warnings forwarded. Use as a context manager::

        with WorkLoop(executor, checkpoint=path, header=spec, progress=True) as loop:
            done = loop.records                      # records finished by earlier runs
            outs = loop.run(func, [Chunk(args, keys), ...])   # results in chunk order

    Parameters
    ----------
    executor : None, "serial", "processes", Executor or dask Client
        See the module docstring; resolved (and, if created here, shut down) by the loop.
    expected_seconds : float
        Rough duration of the whole job (s), for the "auto" choice (``executor=None``).
    checkpoint : path or None
        JSON-lines checkpoint (:class:`llgsot.checkpoint.Checkpoint`), opened and locked
        for the life of the loop; ``header`` says what determines a record's value.
    progress : bool
        Show a tqdm bar labelled ``desc`` counting ``unit``.
    """

    def __init__(self, executor=None, *, expected_seconds: float = 0.0, checkpoint=None,
                 header: dict | None = None, progress: bool = False, desc: str = "llgsot",
                 unit: str = "item"):
        self._spec = executor
        self._expected = expected_seconds
        self._ckpt_path = checkpoint
        self._header = header or {}
        self._progress = (desc, unit) if progress else None
        self._stack = None
        self.executor: Any = None
        self.checkpoint = None
        self.bar = None
        self._origins = {}  # (category, filename, lineno) -> [text, further occurrences]

    # -- life cycle ---------------------------------------------------------------------
    def __enter__(self):
        from .checkpoint import Checkpoint

        with ExitStack() as stack:
            if self._ckpt_path is not None:
                self.checkpoint = stack.enter_context(Checkpoint(self._ckpt_path, self._header))
            self.executor = stack.enter_context(resolve_executor(self._spec, self._expected))
            if self._progress is not None:
                from tqdm.auto import tqdm

                desc, unit = self._progress
                self.bar = stack.enter_context(tqdm(desc=desc, unit=unit, leave=False))
            self._stack = stack.pop_all()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            return self._stack.__exit__(exc_type, exc, tb)
        finally:
            if exc_type is None:
                self._summarise_warnings()

    @property
    def records(self) -> dict:
        """Records of the checkpoint finished by earlier runs, {key tuple: record}."""
        return dict(self.checkpoint.records) if self.checkpoint is not None else {}

    @property
    def workers(self) -> int:
        """Number of workers of the executor (1 in-process or when it cannot be known)."""
        if isinstance(self.executor, SerialExecutor):
            return 1
        return max(1, int(getattr(self.executor, "_max_workers", 1) or 1))

    def set_total(self, total: int, done: int = 0):
        """Give the progress bar its total and the units already done (resumed work)."""
        if self.bar is not None:
            self.bar.reset(total=total)
            self.bar.update(done)

    # -- the loop -----------------------------------------------------------------------
    def run(self, func, chunks) -> list:
        """Run ``func(*chunk.args)`` for every chunk; return the results in chunk order.

        Each chunk is recorded (checkpoint, progress bar, warnings) as soon as it finishes,
        before the next chunk is submitted when the executor runs chunks at submit time.
        An exception from a chunk (or a Ctrl-C) cancels the chunks not yet started and is
        raised here.
        """
        chunks = list(chunks)
        results = [None] * len(chunks)
        finished: queue.SimpleQueue = queue.SimpleQueue()
        pending = {}
        try:
            for i, chunk in enumerate(chunks):
                fut = self.executor.submit(_call, func, tuple(chunk.args))
                pending[fut] = i
                fut.add_done_callback(finished.put)  # runs at once if already finished
                self._collect(finished, pending, chunks, results, block=False)
            while pending:
                self._collect(finished, pending, chunks, results, block=True)
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
        return results

    def _collect(self, finished, pending, chunks, results, block):
        while pending:
            try:
                # a blocking get() without timeout would not see Ctrl-C: wait in slices
                fut = finished.get(timeout=0.1) if block else finished.get_nowait()
            except queue.Empty:
                if block:
                    continue
                return
            block = False
            i = pending.pop(fut)
            out, caught = fut.result()
            chunk = chunks[i]
            if chunk.keys is not None:
                if len(out) != len(chunk.keys):
                    raise RuntimeError(f"a work item returned {len(out)} records for "
                                       f"{len(chunk.keys)} keys")
                if self.checkpoint is not None:
                    self.checkpoint.append(zip(chunk.keys, out))
            results[i] = out
            if self.bar is not None:
                self.bar.update(len(chunk.keys) if chunk.keys is not None else 1)
            self._forward(caught)

    def _forward(self, caught):
        for text, category, filename, lineno, count in caught:
            key = (category, filename, lineno)
            if key in self._origins:
                self._origins[key][1] += count
                continue
            self._origins[key] = [text, count - 1]
            warnings.warn_explicit(text, category, filename, lineno)

    def _summarise_warnings(self):
        for (category, filename, lineno), (text, more) in self._origins.items():
            if more:
                warnings.warn_explicit(
                    f"{more} more warning(s) from {os.path.basename(filename)}:{lineno} in other "
                    f"work items, like: {text}", category, filename, lineno)
        self._origins.clear()
