"""The one place where parallel execution is chosen, for table builds and studies alike.

``executor`` arguments accept:
  * None      -> "auto": in-process for small jobs, local processes for large ones;
  * "serial"  -> in-process;
  * "processes" -> a local ``ProcessPoolExecutor`` with one worker per core;
  * any ``concurrent.futures.Executor`` (e.g. ``distributed.Client(...).get_executor()``),
    or a ``distributed.Client`` itself (its executor is used).
Work items must be picklable module-level functions with picklable arguments.
"""
from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager


class SerialExecutor(Executor):
    """Runs every submitted call immediately in this process."""

    def submit(self, fn, /, *args, **kwargs):
        from concurrent.futures import Future

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


@contextmanager
def resolve_executor(executor, expected_seconds: float = 0.0):
    """Yield a concurrent.futures.Executor for ``executor`` (see module docstring).

    Executors created here are shut down on exit; user-supplied ones are left running.
    """
    if executor is None:
        executor = "processes" if expected_seconds > 5.0 and (os.cpu_count() or 1) > 1 else "serial"
    if executor == "serial":
        yield SerialExecutor()
        return
    if executor == "processes":
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=_context()) as ex:
            yield ex
        return
    if hasattr(executor, "get_executor") and not isinstance(executor, Executor):
        yield executor.get_executor()  # a dask.distributed Client
        return
    if isinstance(executor, Executor) or hasattr(executor, "submit"):
        yield executor
        return
    raise ValueError("`executor` must be None, 'serial', 'processes', a concurrent.futures.Executor "
                     f"or a dask.distributed Client; got {executor!r}")
