"""Table benchmark: build times (medians) and the adaptive builder's solver calls and accuracy.

Targets (issue: torque tables): a 181-point dilute table in <= 3 s wall on this 2-core
machine; the adaptive builder reaching 1e-4 interpolation error with <= 150 solver calls on
the Fig. 4(a) parameter set. Accuracy is measured against direct solves at 400 random
angles plus angles next to every jump.

Run:  python benchmarks/bench_tables.py
"""
import warnings

import numpy as np

import llgsot
from _timing import median_time
from llgsot.tables.schema import flat_values


def accuracy(model, eps, ds):
    tt = llgsot.TorqueTable(ds)
    rng = np.random.default_rng(0)
    th = rng.uniform(0, np.pi, 400)
    J = ds.jump_after.values[:-1] == 1
    for a, b in zip(ds.theta.values[:-1][J], ds.theta.values[1:][J]):
        th = np.r_[th, a - np.logspace(-5, -2, 10), b + np.logspace(-5, -2, 10)]
    th = np.sort(th)
    r = llgsot.response(model, eps, th, regime=ds.attrs["regime"])
    s = np.abs(tt.values).max(axis=0)
    s[:6] = np.maximum(s[:6], 1e-3 * s[:6].max())
    s[6:] = np.maximum(s[6:], 1e-3 * s[6:].max())
    return float((np.abs(tt.values_at(th) - flat_values(r.K, r.sigma)) / s).max())


def main():
    warnings.simplefilter("ignore", RuntimeWarning)
    model = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
    print(f"{'case':<58} {'median':>10} {'target':>8}")
    for ex in ("serial", "processes"):
        t = median_time(lambda: llgsot.build_table(model, 4.5e-3, theta=181, progress=False, executor=ex))
        print(f"{f'181-point dilute table, eps=4.5 meV, executor={ex}':<58} {t:8.3f} s {'3 s':>8}")
    for eps, regime in ((4.5e-3, "dilute"), (4.5e-3, "finite"), (5.5e-3, "dilute"), (5.5e-3, "finite")):
        t = median_time(lambda: llgsot.build_table(model, eps, regime=regime, progress=False), 3)
        ds = llgsot.build_table(model, eps, regime=regime, progress=False)
        err = accuracy(model, eps, ds)
        print(f"adaptive tol=1e-4, eps={eps * 1e3} meV, {regime:<7}: {ds.attrs['solver_calls']:4d} solver calls "
              f"(target <= 150 for Fig. 4(a)), {ds.sizes['theta']} nodes, {t:.2f} s, "
              f"max measured error {err:.1e}")


if __name__ == "__main__":
    main()
