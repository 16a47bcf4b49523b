"""Side-by-side timing of the LLG kernels of this checkout against those of a git revision.

    python benchmarks/bench_kernels_ab.py --old main                # the working tree vs main
    python benchmarks/bench_kernels_ab.py --old HEAD~3 --rounds 5 --cmtj

The old revision's ``llgsot`` package is extracted with ``git archive`` into a temporary
folder. Each round runs one process per version, alternating (old, new, old, new, ...), so a
change of the machine's load hits both alike; within a process every case is warmed up (the
kernels compiled or loaded) and timed ``--repeats`` times. Both versions never share a
process: loaded side by side in one interpreter, the two packages' parallel kernels slowed
each other down and hid a 2-3x regression of the single-trajectory RK4.

Printed per case: the median over rounds of each process's median (and the best run), in
steps per second, and new/old. Cases (the problems of ``bench_llg.py``): RK4 with the exact
table, the four-term table and the constant SOT (one member, one thread); the thermal Heun
ensemble (4096 members, all threads) with the four-term table and the constant SOT; with
``--cmtj``, llgsot's constant-SOT RK4 against cmtj's on the benchmark's problem and on the
standard PMA problem (B_K,eff = 1 T), output every 100 and 1000 steps, cmtj timed in the same
process right before llgsot.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent

WORKER = r"""
import json, statistics, sys, time
sys.path.insert(0, {here!r})
import numba
import bench_llg as B
import llgsot
n, ne, reps, with_cmtj, n_c, only = {n}, {ne}, {reps}, {cmtj}, {n_c}, {only!r}
table = llgsot.TableSOT(B.SyntheticTable(), B.T_NM)
table4 = llgsot.TableSOT(B.SyntheticTable(), B.T_NM, representation="four-term")
const = llgsot.ConstantSOT(B.THETA_SH, B.FL_RATIO)
mag_e = B.magnet(area=(20e-9) ** 2)
all_threads = numba.config.NUMBA_NUM_THREADS

def single(tq, steps, save, ku=B.KU):
    mag = B.magnet(Ku=ku)
    return lambda: llgsot.simulate(mag, tq, B.J, field=B.FIELD, m0=B.M0, t_end=steps * B.DT,
                                   dt=B.DT, save_every=save)

def ens(tq):
    return lambda: llgsot.simulate(mag_e, tq, B.J, field=B.FIELD, m0=B.M0, t_end=ne * B.DT,
                                   dt=B.DT, method="heun", temperature=300.0, members=4096,
                                   seed=1, save_every=ne)

cases = {{"rk4 table": (single(table, n, 1000), n, 1),
         "rk4 four-term": (single(table4, n, 1000), n, 1),
         "rk4 constant": (single(const, n, 1000), n, 1),
         "heun four-term 4096": (ens(table4), 4096 * ne, 0),
         "heun constant 4096": (ens(const), 4096 * ne, 0)}}
if with_cmtj:
    for label, ku in (("0.3 T", B.KU), ("1 T", B.KU_PMA)):
        for save in (100, 1000):
            cases[f"cmtj ratio {{label}}, every {{save}}"] = (single(const, n_c, save, ku), n_c, 1,
                                                            ku, save)
res = {{}}
for key, (fn, work, one, *cm) in cases.items():
    if only not in key:
        continue
    numba.set_num_threads(1 if one else all_threads)
    fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    sps = work / statistics.median(ts)
    best = work / min(ts)
    if cm:
        c_sps, _m = B.bench_cmtj(n_c, cm[1], reps, Ku=cm[0])
        sps, best = sps / c_sps, best / c_sps
    res[key] = (sps, best)
numba.set_num_threads(all_threads)
print(json.dumps(res))
"""


def extract(rev: str, folder: Path) -> Path:
    tar = folder / "old.tar"
    with open(tar, "wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", rev, "llgsot"], stdout=fh, check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(folder, filter="data")
    return folder


def run(path: Path, args) -> dict:
    code = WORKER.format(here=str(HERE), n=args.steps, ne=args.ensemble_steps,
                         reps=args.repeats, cmtj=bool(args.cmtj), n_c=args.cmtj_steps,
                         only=args.only)
    env = dict(os.environ, PYTHONPATH=str(path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=3600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="main", help="git revision to compare with (default main)")
    ap.add_argument("--rounds", type=int, default=3, help="processes per version, alternating")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs per case and process")
    ap.add_argument("--steps", type=int, default=400_000, help="RK4 steps per single run")
    ap.add_argument("--ensemble-steps", type=int, default=300)
    ap.add_argument("--cmtj", action="store_true", help="also llgsot/cmtj on both problems")
    ap.add_argument("--cmtj-steps", type=int, default=200_000)
    ap.add_argument("--only", default="", help="only the cases whose name contains this")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        old_path = extract(args.old, Path(tmp))
        print(f"new: {ROOT}; old: {args.old}; load average before: {os.getloadavg()}", flush=True)
        got = {"old": [], "new": []}
        for r in range(args.rounds):
            for label, path in (("old", old_path), ("new", ROOT)):
                got[label].append(run(path, args))
                print(f"round {r + 1} {label} done", flush=True)
        print(f"load average after: {os.getloadavg()}")
        print("median over rounds of the per-process medians (best run); cmtj rows: llgsot/cmtj")
        for key in got["old"][0]:
            o = statistics.median(x[key][0] for x in got["old"])
            n = statistics.median(x[key][0] for x in got["new"])
            ob = max(x[key][1] for x in got["old"])
            nb = max(x[key][1] for x in got["new"])
            unit = "x" if key.startswith("cmtj") else " M/s"
            scale = 1.0 if key.startswith("cmtj") else 1e-6
            print(f"{key:28s} old {o * scale:7.2f}{unit} ({ob * scale:6.2f})  new "
                  f"{n * scale:7.2f}{unit} ({nb * scale:6.2f})  new/old {n / o:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
