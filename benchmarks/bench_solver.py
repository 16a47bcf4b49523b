"""Solver benchmark: medians of wall time per point, and the accuracy actually reached.

Targets (issue: package foundation and solver), one core:
  dilute, rtol 1e-8:  <= 1 ms per (theta, eps) point amortised over a 181-point theta batch,
                      <= 5 ms for a single point;
  finite, n = 5e14 m^-2, rtol 1e-6: <= 20 ms per point.
Accuracy: each result against a much finer evaluation (rtol 1e-13).

Run:  python benchmarks/bench_solver.py  [--repeat 7]
The kernels are single-threaded; run it on a quiet machine.
"""
import argparse
import warnings

import numpy as np

import llgsot
from _timing import median_time


def rel_err(a, b):
    return float(np.abs(a - b).max() / np.abs(b).max())


def main(repeat=7):
    warnings.simplefilter("ignore", RuntimeWarning)
    model = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
    theta = np.linspace(0, np.pi, 181)
    print(f"{'case':<46} {'median':>12} {'target':>10} {'max rel err':>12}")
    for eps in (4.5e-3, 5.5e-3):
        t = median_time(lambda: llgsot.response(model, eps, theta, rtol=1e-8), repeat) / 181
        ref = llgsot.response(model, eps, theta, rtol=1e-13).K
        got = llgsot.response(model, eps, theta, rtol=1e-8).K
        print(f"{f'dilute 181-theta batch, eps={eps * 1e3:.1f} meV':<46} {t * 1e3:9.3f} ms {'1 ms':>10} "
              f"{rel_err(got, ref):12.1e}")
    for eps, th in ((4.5e-3, 0.7), (5.5e-3, 0.7), (4.5e-3, 1.5)):
        t = median_time(lambda: llgsot.response(model, eps, th, rtol=1e-8), repeat * 5)
        ref = llgsot.response(model, eps, th, rtol=1e-13).K
        got = llgsot.response(model, eps, th, rtol=1e-8).K
        print(f"{f'dilute single point eps={eps * 1e3:.1f} meV th={th}':<46} {t * 1e3:9.3f} ms "
              f"{'5 ms':>10} {rel_err(got, ref):12.1e}")
    for eps, th in ((4.5e-3, 0.7), (5.5e-3, 0.7), (4.5e-3, 1.5), (5.5e-3, 0.0)):
        t = median_time(lambda: llgsot.response(model, eps, th, regime="finite", rtol=1e-6),
                        repeat * 5)
        ref = llgsot.response(model, eps, th, regime="finite", rtol=1e-13).K
        got = llgsot.response(model, eps, th, regime="finite", rtol=1e-6).K
        print(f"{f'finite n=5e14 single point eps={eps * 1e3:.1f} th={th}':<46} {t * 1e3:9.3f} ms "
              f"{'20 ms':>10} {rel_err(got, ref):12.1e}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    main(ap.parse_args().repeat)
