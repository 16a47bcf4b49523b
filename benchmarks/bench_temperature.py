"""Finite-temperature benchmark (issue 20 item 4): the Fermi-window average against the
same call at T = 0, medians and ratios measured in one run.

Cases (the Ta-like model of tests/conftest.py, eps = mu = 5.5 meV, default rtol):
  20 angles at 300 K, dilute and finite, vs the same 20-angle call at T = 0;  target <= 100x
  one angle (theta = 0.7) at 10 K and 300 K vs T = 0;                          target <= 100x (10 K)
The cache of zero-temperature solves is cleared before every timed call (a repeated call
would cost nothing). Each repeat is a pair, the T = 0 call (median of 5) then the T > 0
call, and the ratio printed is the median of the pairs' CPU ratios (both halves of a pair
see the same load). Prints the median CPU and wall times, the ratio, and the solver calls
per angle (zero-temperature solves per angle, and batched calls of the T = 0 solver).

Run:  python benchmarks/bench_temperature.py  [--repeat 3]
The kernels are single-threaded; run it on a quiet machine (CPU time is printed as well,
which a loaded machine disturbs less than wall time).
"""
import argparse
import statistics
import time
import warnings

import numpy as np

import llgsot
from llgsot.solver import temperature as tm

TA = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
          impurity_strength=0.1, cutoff=3.0)


def paired(fn0, fnT, repeat, inner=5):
    """``repeat`` pairs, each the T = 0 call (median CPU of ``inner`` runs) then the T > 0 call
    with the solve cache cleared, after one warm-up of each: the two halves of a pair see the
    same load, so the median of the per-pair CPU ratios is steadier than a ratio of medians on
    a shared machine. Returns medians (T = 0 wall, T = 0 cpu, T wall, T cpu, ratio) and the
    last T > 0 result."""
    fn0()
    fnT()
    rows, r = [], None
    for _ in range(repeat):
        c0, w0 = [], []
        for _ in range(inner):
            a, b = time.perf_counter(), time.process_time()
            fn0()
            w0.append(time.perf_counter() - a)
            c0.append(time.process_time() - b)
        tm.SOLVE_CACHE.clear()
        a, b = time.perf_counter(), time.process_time()
        r = fnT()
        wT, cT = time.perf_counter() - a, time.process_time() - b
        m0 = statistics.median(c0)
        rows.append((statistics.median(w0), m0, wT, cT, cT / m0))
    return [statistics.median(col) for col in zip(*rows)], r


def main(repeat=3):
    warnings.simplefilter("ignore", RuntimeWarning)
    model = llgsot.RashbaFM(**TA)
    mu = 5.5e-3
    th20 = np.linspace(0.05, np.pi - 0.05, 20)
    cases = [("20 angles, 300 K, dilute", th20, "dilute", 300.0, 100),
             ("20 angles, 300 K, finite", th20, "finite", 300.0, 100),
             ("1 angle (0.7), 10 K, dilute", 0.7, "dilute", 10.0, 100),
             ("1 angle (0.7), 300 K, dilute", 0.7, "dilute", 300.0, None)]
    print(f"{'case':<30} {'T=0 cpu':>9} {'T cpu':>8} {'T wall':>8} {'ratio(cpu)':>10} "
          f"{'target':>7} {'solves/angle':>12} {'calls':>6} {'max rel err':>11}")
    for name, th, regime, T, target in cases:
        (w0, c0, wT, cT, ratio), r = paired(
            lambda: llgsot.response(model, mu, th, regime=regime),
            lambda: llgsot.response(model, mu, th, regime=regime, temperature=T), repeat)
        d = r.diagnostics
        nodes = float(np.mean(d["solver_points"]))
        K, Ke = np.atleast_3d(r.K).reshape(-1, 3, 2), np.atleast_3d(r.K_err).reshape(-1, 3, 2)
        rel = float((Ke.max(axis=(1, 2)) / np.abs(K).max(axis=(1, 2))).max())
        print(f"{name:<30} {c0 * 1e3:7.2f}ms {cT:7.3f}s {wT:7.3f}s {ratio:10.0f} "
              f"{'<=' + str(target) if target else '':>7} {nodes:12.0f} {d['solver_calls']:6d} "
              f"{rel:11.1e}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    main(ap.parse_args().repeat)
