"""Finite-temperature benchmark (issue 20 item 4): the Fermi-window average against the
same call at T = 0, medians and ratios measured in one run.

Cases (the Ta-like model of tests/conftest.py, eps = mu = 5.5 meV, default rtol):
  20 angles at 300 K, dilute and finite, vs the same 20-angle call at T = 0;  target <= 100x
  one angle (theta = 0.7) at 10 K and 300 K vs T = 0;                          target <= 100x (10 K)
The cache of zero-temperature solves is cleared before every timed call (a repeated call
would cost nothing). Prints the median CPU and wall times, the ratio, and the solver calls
per angle (energy nodes solved per angle, and batched calls of the T = 0 solver).

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


def timed(fn, repeat):
    """Median wall and CPU time of ``repeat`` calls after one warm-up; the last result."""
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        tm.SOLVE_CACHE.clear()
        w0, c0 = time.perf_counter(), time.process_time()
        r = fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), r


def main(repeat=3):
    warnings.simplefilter("ignore", RuntimeWarning)
    model = llgsot.RashbaFM(**TA)
    mu = 5.5e-3
    th20 = np.linspace(0.05, np.pi - 0.05, 20)
    cases = [("20 angles, 300 K, dilute", th20, "dilute", 300.0, 100),
             ("20 angles, 300 K, finite", th20, "finite", 300.0, 100),
             ("1 angle (0.7), 10 K, dilute", 0.7, "dilute", 10.0, 100),
             ("1 angle (0.7), 300 K, dilute", 0.7, "dilute", 300.0, None)]
    print(f"{'case':<32} {'T=0 wall':>10} {'T wall':>9} {'T cpu':>8} {'ratio(cpu)':>10} "
          f"{'target':>7} {'nodes/angle':>11} {'calls':>6} {'max rel err':>11}")
    for name, th, regime, T, target in cases:
        w0, c0, _ = timed(lambda: llgsot.response(model, mu, th, regime=regime), repeat * 5)
        wT, cT, r = timed(lambda: llgsot.response(model, mu, th, regime=regime, temperature=T),
                          repeat)
        d = r.diagnostics
        nodes = float(np.mean(d["solver_points"]))
        K, Ke = np.atleast_3d(r.K).reshape(-1, 3, 2), np.atleast_3d(r.K_err).reshape(-1, 3, 2)
        rel = float((Ke.max(axis=(1, 2)) / np.abs(K).max(axis=(1, 2))).max())
        print(f"{name:<32} {w0 * 1e3:8.2f}ms {wT:8.3f}s {cT:7.3f}s {cT / c0:10.0f} "
              f"{'<=' + str(target) if target else '':>7} {nodes:11.0f} {d['solver_calls']:6d} "
              f"{rel:11.1e}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    main(ap.parse_args().repeat)
