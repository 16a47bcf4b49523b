"""Solver benchmark: medians of wall time per point, and the accuracy actually reached.

Targets (issue: package foundation and solver), one core:
  dilute, rtol 1e-8:  <= 1 ms per (theta, eps) point amortised over a 181-point theta batch,
                      <= 5 ms for a single point;
  finite, n = 5e14 m^-2, rtol 1e-6: <= 20 ms per point.
Accuracy: each result against a much finer evaluation (rtol 1e-13).

Models (issue 18): the cost of a Dirac or Rashba + Dresselhaus point relative to a Rashba
point at the same rtol (target <= 5x), each over a batch of distinct angles (no cache hits).
"The Rashba path does not slow down": benchmarks/bench_rashba_ab.py A/Bs two source trees.

Run:  python benchmarks/bench_solver.py  [--repeat 7] [--models-only]
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


def models(repeat=7):
    """Per-point cost of each model over 15 distinct angles at phi = 0.3, rtol 1e-8 (dilute)."""
    warnings.simplefilter("ignore", RuntimeWarning)
    cases = {
        "rashba": (llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0), 5.5e-3),
        "rashba_dresselhaus": (llgsot.RashbaDresselhausFM(0.8, 1.7e-11, 0.8e-11, 5e-3, 5e14, 0.065,
                                                          3.0), 5.5e-3),
        "dirac": (llgsot.DiracFM(4e5, 5e-3, 5e14, 0.02, 1.0), 0.03),
    }
    cost = {}
    for name, (model, eps) in cases.items():
        llgsot.response(model, eps, 0.7, rtol=1e-8)  # compile
        shift = iter(range(10**6))

        def run(model=model, eps=eps):
            th = np.linspace(0.1, 3.0, 15) + 1e-4 * next(shift)  # new angles: no cached edges
            llgsot.response(model, eps, th, phi=0.3, rtol=1e-8)

        cost[name] = median_time(run, repeat) / 15
    print(f"{'model point cost (dilute, rtol 1e-8, 15 angles)':<46} {'median':>12} {'/ rashba':>10}")
    for name, t in cost.items():
        print(f"{name:<46} {t * 1e3:9.3f} ms {t / cost['rashba']:9.2f}x   (target <= 5x)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--models-only", action="store_true")
    args = ap.parse_args()
    if not args.models_only:
        main(args.repeat)
    models(args.repeat)
