"""No lost work: the one work loop of llgsot.parallel, checkpoints, atomic files.

Each scenario of issue 8 item 6 is played for real where it matters: a build or sweep in a
subprocess killed with SIGKILL mid-batch, a process pool whose parent is killed, two
processes on one checkpoint. Solver work is replaced by a fake (a few microseconds, with a
marker file that counts the calls), so the tests measure the bookkeeping, not the physics.
"""
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest

import llgsot
from llgsot._io import atomic_path, atomic_write_text
from llgsot.checkpoint import Checkpoint
from llgsot.studies.sweep import run_grid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _wait_for(predicate, timeout=240.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def _lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return f.read().splitlines()


def _records(path):
    """Keys of the complete records of a checkpoint file (header skipped)."""
    out = []
    for line in _lines(path)[1:]:
        try:
            out.append(tuple(json.loads(line)["key"]))
        except json.JSONDecodeError:
            pass
    return out


# -- a fake solver for table builds: K[0,0] = cos(theta), a marker line per started chunk --
FAKE_SOLVER = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    import llgsot
    import llgsot.tables.build as build
    from llgsot.tables.schema import TORQUE_NAMES, EFF_NAMES

    MARK, DELAY = os.environ["MARK"], float(os.environ.get("DELAY", "0"))

    def fake_chunk(model_params, eps, approximation, regime, rtol, thetas, temperature=0.0):
        with open(MARK, "a") as f:
            f.write(" ".join(repr(float(t)) for t in thetas) + "\\n")
        time.sleep(DELAY)
        out = []
        for t in thetas:
            K = np.zeros((3, 2)); K[0, 0] = np.cos(t); K[1, 1] = np.sin(t)
            S = np.eye(2) * (1 + t)
            out.append({"K": K, "K_err": 0 * K, "sigma": S, "sigma_err": 0 * S,
                        "torque": {k: float(t) for k in TORQUE_NAMES + EFF_NAMES},
                        "torque_err": {k: 0.0 for k in TORQUE_NAMES + EFF_NAMES}})
        return out

    build._solve_chunk = fake_chunk
""")

BUILD_SCRIPT = FAKE_SOLVER + textwrap.dedent("""
    if __name__ == "__main__":
        m = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
        ds = llgsot.build_table(m, 4.5e-3, theta=int(sys.argv[2]), executor=sys.argv[3],
                                progress=False, checkpoint=sys.argv[1])
        ok = np.allclose(ds.K.values[:, 0, 0], np.cos(ds.theta.values), rtol=1e-15, atol=0)
        print(ds.attrs["solver_calls"], ds.attrs["reused_points"], ok)
""")

SWEEP_SCRIPT = textwrap.dedent("""
    import os, signal, sys, time
    from llgsot.studies.sweep import run_grid

    MARK, DELAY = os.environ["MARK"], float(os.environ.get("DELAY", "0"))

    def point(x):
        with open(MARK, "a") as f:
            f.write(f"{x!r} {os.getpid()}\\n")
        time.sleep(DELAY)
        return {"y": 2.0 * x}

    if __name__ == "__main__":
        # as in a terminal (a job started in the background inherits SIGINT ignored)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if os.environ.get("CONTEXT"):  # as after a parallel numba kernel: fork server
            import multiprocessing, llgsot.parallel
            ctx = multiprocessing.get_context(os.environ["CONTEXT"])
            llgsot.parallel._context = lambda: ctx
        n = int(sys.argv[2])
        ds = run_grid(point, {"x": list(range(n))}, {}, {"kind": "test"}, executor=sys.argv[3],
                      checkpoint=sys.argv[1], chunk=int(sys.argv[4]), progress=False)
        assert (ds.y.values == 2.0 * ds.x.values).all()
        print(ds.attrs["reused_points"])
""")


def _start(tmp_path, script, args, delay, pipes=True, context=None):
    path = tmp_path / "job.py"
    path.write_text(script)
    env = _env()
    if context:
        env["CONTEXT"] = context
    env["MARK"] = str(tmp_path / "mark")
    env["DELAY"] = str(delay)
    out = subprocess.PIPE if pipes else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, str(path), *map(str, args)], env=env,
                            stdout=out, stderr=out, text=True)


def _finish(tmp_path, script, args):
    proc = _start(tmp_path, script, args, 0.0)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return out.split()


# -- 1. serial executor: every finished chunk reaches the checkpoint before the next starts --
def test_serial_build_killed_mid_batch_keeps_finished_chunks(tmp_path):
    n = 160  # 5 chunks of 32 angles with the serial executor
    ck = tmp_path / "b.ckpt"
    mark = tmp_path / "mark"
    proc = _start(tmp_path, BUILD_SCRIPT, [ck, n, "serial"], delay=0.5)
    # the third chunk has started: the first two are finished
    _wait_for(lambda: len(_lines(mark)) >= 3, what="the third chunk")
    proc.kill()
    proc.communicate()
    solved = [float(t) for line in _lines(mark) for t in line.split()]
    first_two = [float(t) for line in _lines(mark)[:2] for t in line.split()]
    kept = {k[2] for k in _records(ck)}
    assert set(first_two) <= kept, f"{len(kept)} of {len(first_two)} finished angles kept"
    # resume: nothing kept is solved again, everything else exactly once
    os.remove(mark)
    calls, reused, ok = _finish(tmp_path, BUILD_SCRIPT, [ck, n, "serial"])
    again = [float(t) for line in _lines(mark) for t in line.split()]
    assert not set(again) & kept
    assert len(again) == len(set(again)) == n - len(kept) == int(calls)
    assert int(reused) == len(kept) and ok == "True"
    assert len(solved) < n  # the kill did interrupt the batch


def test_serial_sweep_killed_mid_batch_keeps_finished_chunks(tmp_path):
    ck = tmp_path / "s.ckpt"
    mark = tmp_path / "mark"
    proc = _start(tmp_path, SWEEP_SCRIPT, [ck, 12, "serial", 2], delay=0.3)
    _wait_for(lambda: len(_lines(mark)) >= 5, what="the fifth point")  # chunks 0, 1 done
    proc.kill()
    proc.communicate()
    kept = {int(k[0]) for k in _records(ck)}
    assert {0, 1, 2, 3} <= kept
    os.remove(mark)
    reused = _finish(tmp_path, SWEEP_SCRIPT, [ck, 12, "serial", 2])
    again = [int(float(line.split()[0])) for line in _lines(mark)]
    assert sorted(again) == sorted(set(range(12)) - kept)
    assert int(reused[0]) == len(kept)


class _Interrupt:
    """Counts calls; raises KeyboardInterrupt (a Ctrl-C) at call number ``at``."""

    def __init__(self, at):
        self.at, self.calls = at, 0

    def __call__(self, x):
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return {"y": x}


def test_ctrl_c_in_serial_sweep_stops_at_once_and_keeps_finished_chunks(tmp_path):
    ck = tmp_path / "s.ckpt"
    f = _Interrupt(at=5)
    with pytest.raises(KeyboardInterrupt):
        run_grid(f, {"x": range(12)}, {}, {"kind": "test"}, executor="serial", checkpoint=ck,
                 chunk=2)
    assert f.calls == 5  # no work after the interrupt
    assert sorted(int(k[0]) for k in _records(ck)) == [0, 1, 2, 3]
    g = _Interrupt(at=-1)
    ds = run_grid(g, {"x": range(12)}, {}, {"kind": "test"}, executor="serial", checkpoint=ck,
                  chunk=2)
    assert g.calls == 8 and ds.attrs["reused_points"] == 4
    np.testing.assert_array_equal(ds.y.values, np.arange(12.0))


# -- 2. no orphan workers when the parent of a process pool dies ---------------------------
def _alive(pid):
    """True if ``pid`` runs (a zombie, dead but not reaped by its new parent, is not alive)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("job, sig", [("sweep", signal.SIGKILL), ("sweep", signal.SIGTERM),
                                      ("build", signal.SIGKILL), ("forkserver", signal.SIGKILL)])
def test_killed_parent_leaves_no_orphan_workers(tmp_path, job, sig):
    """fork: the workers are children of the killed process; forkserver: grandchildren,
    through a server that lives as long as they do."""
    mark = tmp_path / "mark"
    if job in ("sweep", "forkserver"):
        proc = _start(tmp_path, SWEEP_SCRIPT, [tmp_path / "c", 8, "processes", 1], delay=60,
                      pipes=False, context="forkserver" if job == "forkserver" else None)
        workers = lambda: {int(line.split()[1]) for line in _lines(mark)}  # noqa: E731
    else:
        # workers append to the marker; their pids are the children of the parent
        proc = _start(tmp_path, BUILD_SCRIPT, [tmp_path / "c", 64, "processes"], delay=60,
                      pipes=False)
        workers = lambda: _children(proc.pid)  # noqa: E731
    _wait_for(lambda: len(_lines(mark)) >= 1, what="a worker to start")
    pids = workers() | _children(proc.pid)
    assert pids and proc.pid not in pids
    try:
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        deadline = time.time() + 5
        while time.time() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.05)
        survivors = [p for p in pids if _alive(p)]
        assert not survivors, f"orphan workers {survivors} outlive their parent"
    finally:
        for p in pids:  # clean up after a failure: these are our own test's processes
            if _alive(p):
                os.kill(p, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_of_a_process_pool_sweep_returns_at_once_without_workers(tmp_path):
    """SIGINT to the parent only (as a Ctrl-C does, minus the workers, which ignore it):
    the sweep must stop at once, not wait for running chunks, and end its workers."""
    mark = tmp_path / "mark"
    proc = _start(tmp_path, SWEEP_SCRIPT, [tmp_path / "c", 8, "processes", 1], delay=60)
    _wait_for(lambda: len(_lines(mark)) >= 1, what="a worker to start")
    pids = _children(proc.pid)
    t0 = time.time()
    try:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert time.time() - t0 < 10 and "KeyboardInterrupt" in err
        _wait_for(lambda: not any(_alive(p) for p in pids), timeout=5, what="workers to end")
    finally:
        for p in pids:
            if _alive(p):
                os.kill(p, signal.SIGKILL)


def _children(pid):
    out = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if ppid == pid:
                out.add(int(d))
    return out


# -- 3. a torn last line never swallows the next record ------------------------------------
def test_torn_last_line_does_not_swallow_the_next_record(tmp_path):
    path = tmp_path / "t.ckpt"
    header = {"spec": "t"}
    with Checkpoint(path, header) as ck:
        ck.append([((0.0,), {"y": 1.0})])
    with open(path, "a") as f:  # a kill in the middle of writing the second record
        f.write('{"key": [1.0], "y": 2.')
    with Checkpoint(path, header) as ck:
        assert list(ck.records) == [(0.0,)]
        ck.append([((1.0,), {"y": 3.0})])
    with Checkpoint(path, header) as ck:
        assert {k: float(r["y"]) for k, r in ck.records.items()} == {(0.0,): 1.0, (1.0,): 3.0}


def test_torn_header_is_rewritten_but_a_foreign_file_is_refused(tmp_path):
    path = tmp_path / "t.ckpt"
    header = {"spec": "t"}
    with Checkpoint(path, header):
        pass
    full = path.read_text()
    path.write_text(full[:7])  # killed while writing the header: no record can exist
    with Checkpoint(path, header) as ck:
        ck.append([((0.0,), {"y": 1.0})])
    assert path.read_text().startswith(full)
    foreign = tmp_path / "notes.txt"
    foreign.write_text("my notes, no newline")
    with pytest.raises(ValueError, match="not an llgsot checkpoint"):
        Checkpoint(foreign, header)
    assert foreign.read_text() == "my notes, no newline"  # never truncated


# -- 4. two processes on one checkpoint: a clear error, no duplicated work -----------------
def test_second_process_on_a_checkpoint_is_refused(tmp_path):
    ck = tmp_path / "s.ckpt"
    mark = tmp_path / "mark"
    proc = _start(tmp_path, SWEEP_SCRIPT, [ck, 50, "serial", 1], delay=0.2)
    try:
        _wait_for(lambda: len(_lines(mark)) >= 3, what="the first process to work")
        calls = []

        def f(x):
            calls.append(x)
            return {"y": x}

        with pytest.raises(RuntimeError, match=re.escape(str(ck))):
            run_grid(f, {"x": range(50)}, {}, {"kind": "test"}, executor="serial", checkpoint=ck)
        assert calls == []
    finally:
        proc.kill()
        proc.communicate()
    # the lock dies with its holder: a killed run can be resumed at once
    kept = set(_records(ck))
    ds = run_grid(lambda x: {"y": 2.0 * x}, {"x": range(50)}, {}, {"kind": "test"},
                  executor="serial", checkpoint=ck)
    assert ds.attrs["reused_points"] == len(kept) > 0


def test_checkpoint_open_twice_in_one_process_is_refused(tmp_path):
    path = tmp_path / "t.ckpt"
    with Checkpoint(path, {"spec": "t"}):
        with pytest.raises(RuntimeError, match="in use"):
            Checkpoint(path, {"spec": "t"})
    with Checkpoint(path, {"spec": "t"}):  # released on close
        pass


# -- 5. temporary files are removed when a write fails --------------------------------------
def _leftovers(folder):
    return [n for n in os.listdir(folder) if n.startswith(".llgsot-")]


def test_failed_write_removes_the_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(OSError):
        with atomic_path(target) as tmp, open(tmp, "w") as f:
            f.write("half")
            raise OSError("disk full")
    assert _leftovers(tmp_path) == [] and not target.exists()
    # the target is a directory: the rename fails after a complete write
    (tmp_path / "d").mkdir()
    with pytest.raises(OSError):
        atomic_write_text(tmp_path / "d", "text")
    assert _leftovers(tmp_path) == []


def test_interrupt_before_the_write_removes_the_temporary_file(tmp_path, monkeypatch):
    """A Ctrl-C between creating the temporary file and handing it out (here: in chmod)."""
    import llgsot._io as io

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(io.os, "chmod", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(tmp_path / "out.txt", "text")
    monkeypatch.undo()
    assert _leftovers(tmp_path) == []


# -- warnings raised in work items reach the caller ------------------------------------------
def _warn_point(x):
    warnings.warn(f"point {x} is suspicious", UserWarning)
    return {"y": x}


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_worker_warnings_reach_the_caller_once(executor):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ds = run_grid(_warn_point, {"x": range(6)}, {}, {"kind": "test"}, executor=executor,
                      chunk=2)
    np.testing.assert_array_equal(ds.y.values, np.arange(6.0))
    user = [x for x in w if issubclass(x.category, UserWarning)]
    # the first occurrence with its own text, then one line saying how many were merged
    assert len(user) == 2, [str(x.message) for x in user]
    assert str(user[0].message).startswith("point ") and user[0].filename == __file__
    assert "5 more" in str(user[1].message)


def test_solver_warnings_of_a_table_build_reach_the_caller():
    # (eps tau)^-1 = 1.1 at these parameters: the finite-regime solver warns, the build did not
    m = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e17, 0.1, 3.0)
    with pytest.warns(RuntimeWarning, match="dilute theory leaves its validity"):
        llgsot.build_table(m, 4.5e-3, theta=[0.3, 1.0], regime="finite", executor="serial",
                           progress=False)
