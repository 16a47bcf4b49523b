"""Side-by-side timing of the LLG kernels of this checkout against those of a git revision.

    python benchmarks/bench_kernels_ab.py --old main          # the working tree vs main
    python benchmarks/bench_kernels_ab.py --old HEAD~3 --repeats 7

The old revision's ``llgsot`` package is extracted with ``git archive`` into a temporary
folder and imported as ``llgsot_old`` (the package imports itself only relatively), so both
versions run in one process, interleaved run by run (old, new, old, new, ...): a change of
the machine's load hits both alike. Printed: the median wall time of the whole ``simulate``
call for each version and their ratio new/old (< 1: the new one is faster), and the same for
the process CPU time (``time.process_time``: on a loaded machine it counts the cycles the run
got, not the time it waited for a core; for the ensemble it sums the threads) and the best
wall time (the least disturbed run), for the
single-trajectory RK4 paths (exact table, four-term table, constant SOT; one thread) and
the thermal Heun ensemble (all threads). The problems are those of ``bench_llg.py``.
"""
from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numba

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def load_old(rev: str, folder: Path):
    """Import the ``llgsot`` package of git revision ``rev`` as ``llgsot_old``."""
    tar = folder / "old.tar"
    with open(tar, "wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", rev, "llgsot"], stdout=fh, check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(folder, filter="data")
    (folder / "llgsot").rename(folder / "llgsot_old")
    sys.path.insert(0, str(folder))
    return importlib.import_module("llgsot_old")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="main", help="git revision to compare with (default main)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--steps", type=int, default=400_000, help="RK4 steps per single run")
    ap.add_argument("--ensemble-steps", type=int, default=300)
    ap.add_argument("--only", default="", help="run only the cases whose name contains this")
    ap.add_argument("--cmtj", action="store_true",
                    help="also the cmtj comparison of bench_llg.py (both problems, output every "
                         "100 and 1000 steps), cmtj timed in the same interleaved rounds")
    ap.add_argument("--cmtj-steps", type=int, default=200_000)
    args = ap.parse_args(argv)
    import bench_llg as B
    import llgsot as new
    with tempfile.TemporaryDirectory() as tmp:
        old = load_old(args.old, Path(tmp))
        print(f"new: {new.__file__}\nold: {args.old} ({old.__file__})")
        print(f"load average before: {os.getloadavg()}")
        cases = []
        for name, lib in (("old", old), ("new", new)):
            table = lib.TableSOT(B.SyntheticTable(), B.T_NM)
            table4 = lib.TableSOT(B.SyntheticTable(), B.T_NM, representation="four-term")
            const = lib.ConstantSOT(B.THETA_SH, B.FL_RATIO)
            mag = lib.Macrospin(Ms=B.MS, thickness=B.D, area=B.AREA, damping=B.DAMPING, Ku=B.KU)
            mag_e = lib.Macrospin(Ms=B.MS, thickness=B.D, area=(20e-9) ** 2, damping=B.DAMPING,
                                  Ku=B.KU)
            n, ne = args.steps, args.ensemble_steps

            def single(tq, lib=lib, mag=mag):
                return lambda: lib.simulate(mag, tq, B.J, field=B.FIELD, m0=B.M0, t_end=n * B.DT,
                                            dt=B.DT, save_every=1000)

            def ens(tq, lib=lib, mag=mag_e):
                return lambda: lib.simulate(mag, tq, B.J, field=B.FIELD, m0=B.M0,
                                            t_end=ne * B.DT, dt=B.DT, method="heun",
                                            temperature=300.0, members=4096, seed=1,
                                            save_every=ne)
            cases.append({"rk4 table (M steps/s)": (single(table), n, 1),
                          "rk4 four-term (M steps/s)": (single(table4), n, 1),
                          "rk4 constant (M steps/s)": (single(const), n, 1),
                          "heun table four-term, 4096 (M member-steps/s)": (ens(table4), 4096 * ne, 0),
                          "heun constant, 4096 (M member-steps/s)": (ens(const), 4096 * ne, 0)})
        all_threads = numba.config.NUMBA_NUM_THREADS
        for key in cases[0]:
            if args.only not in key:
                continue
            times = {"old": [], "new": []}
            cpu = {"old": [], "new": []}
            work = cases[0][key][1]
            for label, c in zip(("old", "new"), cases):  # warm-up (compile or load the cache)
                numba.set_num_threads(1 if c[key][2] else all_threads)
                c[key][0]()
            for _ in range(args.repeats):
                for label, c in zip(("old", "new"), cases):
                    fn, _, single_thread = c[key]
                    numba.set_num_threads(1 if single_thread else all_threads)
                    c0 = time.process_time()
                    t = time.perf_counter()
                    fn()
                    times[label].append(time.perf_counter() - t)
                    cpu[label].append(time.process_time() - c0)
            numba.set_num_threads(all_threads)
            mo, mn = statistics.median(times["old"]), statistics.median(times["new"])
            co, cn = statistics.median(cpu["old"]), statistics.median(cpu["new"])
            bo, bn = min(times["old"]), min(times["new"])
            print(f"{key:46s} wall: old {work / mo / 1e6:6.2f} new {work / mn / 1e6:6.2f} "
                  f"new/old {mn / mo:.3f} | cpu: old {work / co / 1e6:6.2f} new "
                  f"{work / cn / 1e6:6.2f} new/old {cn / co:.3f} | best wall: old "
                  f"{work / bo / 1e6:6.2f} new {work / bn / 1e6:6.2f} new/old {bn / bo:.3f}",
                  flush=True)
        if args.cmtj:
            compare_cmtj(B, old, new, args.cmtj_steps, args.repeats)
        print(f"load average after: {os.getloadavg()}")


def compare_cmtj(B, old, new, n, repeats):
    """llgsot (old and new) / cmtj in steps per second, constant SOT, one thread, rounds of
    (cmtj, old, new) so that all three see the same load; medians and best runs."""
    import cmtj  # noqa: F401
    numba.set_num_threads(1)
    for label, ku in (("B_K,eff = 0.3 T (bench_llg)", B.KU), ("B_K,eff = 1 T (standard PMA)", B.KU_PMA)):
        for save in (100, 1000):
            runs = {"cmtj": lambda save=save, ku=ku: B.bench_cmtj(n, save, 1, Ku=ku)}
            for name, lib in (("old", old), ("new", new)):
                mag = lib.Macrospin(Ms=B.MS, thickness=B.D, area=B.AREA, damping=B.DAMPING, Ku=ku)
                tq = lib.ConstantSOT(B.THETA_SH, B.FL_RATIO)
                runs[name] = (lambda lib=lib, mag=mag, tq=tq, save=save: lib.simulate(
                    mag, tq, B.J, field=B.FIELD, m0=B.M0, t_end=n * B.DT, dt=B.DT,
                    save_every=save))
            times = {k: [] for k in runs}
            for fn in runs.values():
                fn()
            for _ in range(repeats):
                for k, fn in runs.items():
                    if k == "cmtj":  # bench_cmtj times its own run (after one warm-up)
                        sps, _m = fn()
                        times[k].append(n / sps)
                    else:
                        t = time.perf_counter()
                        fn()
                        times[k].append(time.perf_counter() - t)
            med = {k: statistics.median(v) for k, v in times.items()}
            best = {k: min(v) for k, v in times.items()}
            print(f"cmtj, {label}, output every {save:4d}: cmtj {n / med['cmtj'] / 1e6:5.2f} M "
                  f"steps/s; llgsot/cmtj median: old {med['cmtj'] / med['old']:.2f}x new "
                  f"{med['cmtj'] / med['new']:.2f}x; best: old {best['cmtj'] / best['old']:.2f}x "
                  f"new {best['cmtj'] / best['new']:.2f}x", flush=True)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)


if __name__ == "__main__":
    main(sys.argv[1:])
