"""A/B of the Rashba solver path between two source trees, interleaved in one run (issue 18
item 7: "the Rashba path does not slow down").

    python benchmarks/bench_rashba_ab.py TREE_A TREE_B [--rounds 6] [--repeat 5]

Each TREE is a directory holding an ``llgsot`` package (e.g. the worktree, or a ``git archive``
of the commit before the models merge unpacked somewhere). Every round starts one subprocess
per tree, alternating which goes first, with PYTHONPATH=TREE; the subprocess compiles (an
untimed call), then reports the median wall time of each case. The report gives, per case,
the median over rounds of each tree and the median of the per-round ratios A/B (pairing keeps
the ratio meaningful when the machine's speed drifts), for the wall time and for the process
CPU time (time.process_time), which a loaded machine disturbs much less than the wall time.
The kernels are single-threaded; on a loaded machine say so next to the numbers.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

CASES = ("dilute 181-theta batch eps=5.5 meV (per point)", "dilute single point th=0.7",
         "finite n=5e14 single point th=0.7 rtol 1e-6")


def child(repeat):
    import time
    import warnings

    import numpy as np

    import llgsot

    warnings.simplefilter("ignore", RuntimeWarning)
    model = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
    theta = np.linspace(0, np.pi, 181)
    runs = {
        CASES[0]: (lambda: llgsot.response(model, 5.5e-3, theta, rtol=1e-8), 181),
        CASES[1]: (lambda: llgsot.response(model, 4.5e-3, 0.7, rtol=1e-8), 1),
        CASES[2]: (lambda: llgsot.response(model, 5.5e-3, 0.7, regime="finite", rtol=1e-6), 1),
    }
    out = {"file": llgsot.__file__}
    for name, (fn, per) in runs.items():
        fn()  # compile / load the numba cache
        ts, cs = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            ts.append(time.perf_counter() - t0)
            cs.append(time.process_time() - c0)
        out[name] = statistics.median(ts) / per
        out["cpu " + name] = statistics.median(cs) / per
    print(json.dumps(out))


def run_tree(tree, repeat):
    env = dict(os.environ, PYTHONPATH=os.path.abspath(tree))
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", "--repeat", str(repeat)],
                       env=env, cwd=os.path.abspath(tree), capture_output=True, text=True, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trees", nargs="*")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--child", action="store_true")
    args = ap.parse_args()
    if args.child:
        return child(args.repeat)
    if len(args.trees) != 2:
        ap.error("give two trees: TREE_A TREE_B")
    a, b = args.trees
    res = {a: [], b: []}
    for r in range(args.rounds):
        order = (a, b) if r % 2 == 0 else (b, a)
        for tree in order:
            res[tree].append(run_tree(tree, args.repeat))
    print(f"A = {res[a][0]['file']}\nB = {res[b][0]['file']}")
    print(f"{'case (cpu: process CPU time)':<48} {'A median':>10} {'B median':>10} "
          f"{'A/B (paired)':>13} {'min..max':>12}")
    for case in CASES + tuple("cpu " + c for c in CASES):
        ta = [x[case] for x in res[a]]
        tb = [x[case] for x in res[b]]
        ratios = [x / y for x, y in zip(ta, tb)]
        print(f"{case[:48]:<48} {statistics.median(ta) * 1e3:7.3f} ms {statistics.median(tb) * 1e3:7.3f} ms "
              f"{statistics.median(ratios):12.3f}x {min(ratios):5.2f}..{max(ratios):.2f}")


if __name__ == "__main__":
    main()
