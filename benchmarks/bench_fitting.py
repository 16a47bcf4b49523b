"""Fit benchmark (issue 12 item 6): a two-parameter fit to 20 angles x 4 efficiencies in the
finite regime, profile-likelihood intervals included. Target: <= 30 s on one core (median).

Synthetic data: the Fig. 4 parameter set above the spin gap (eps = 5.5 meV), 2 % noise
(seeded); free: fermi_energy and impurity_strength, started 10 % / 25 % off.
Also times the three-parameter fit (+ delta_xc) for information.

The 300 K case (issue 20 item 3, ``--hot``): the same two-parameter fit to 300 K data
(made at rtol 1e-6), fitted at temperature=300 with the defaults (one start, the window
rtol chosen from the data); target <= 60 s on 2 cores. Prints wall and CPU time, the number
of window averages (20-angle `response` calls at 300 K) and the load average.

Run:  python benchmarks/bench_fitting.py  [--repeat 3] [--hot]
"""
import argparse
import math
import os
import statistics
import time
import warnings

import numpy as np

import llgsot
from llgsot.fitting import FitWarning, synthetic_efficiencies


def main(repeat=3):
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", FitWarning)
    truth = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
    th = np.linspace(0.05, math.pi - 0.05, 20)
    data, sigma, _ = synthetic_efficiencies(truth, 5.5e-3, th, rel_sigma=0.02, seed=5)
    start = truth.with_(impurity_strength=0.05)
    cases = [("2 free: fermi_energy, impurity_strength", ["fermi_energy", "impurity_strength"], 30.0),
             ("3 free: + delta_xc", ["fermi_energy", "impurity_strength", "delta_xc"], None)]
    print(f"{'case (20 angles x 4 efficiencies, finite)':<44} {'median':>9} {'target':>8} "
          f"{'solver calls':>13}")
    for label, free, target in cases:
        llgsot.fit_torques(th, data, sigma, start, 5.0e-3, free)  # warm-up (JIT cache)
        ts, nfev = [], 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = llgsot.fit_torques(th, data, sigma, start, 5.0e-3, free)
            ts.append(time.perf_counter() - t0)
            nfev = res.nfev
        tgt = f"{target:.0f} s" if target else "-"
        print(f"{label:<44} {statistics.median(ts):7.2f} s {tgt:>8} {nfev:>13}")


def hot(repeat=1, temperature=300.0):
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", FitWarning)
    truth = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
    th = np.linspace(0.05, math.pi - 0.05, 20)
    t0 = time.perf_counter()
    data, sigma, _ = synthetic_efficiencies(truth, 5.5e-3, th, rel_sigma=0.02, seed=5,
                                            temperature=temperature, rtol=1e-6)
    print(f"{temperature:g} K data (20 angles, rtol 1e-6): {time.perf_counter() - t0:.1f} s wall")
    start = truth.with_(impurity_strength=0.05)
    free = ["fermi_energy", "impurity_strength"]
    for _ in range(repeat):
        llgsot.solver.temperature.SOLVE_CACHE.clear()  # no solves left over from the data
        t0, c0 = time.perf_counter(), time.process_time()
        res = llgsot.fit_torques(th, data, sigma, start, 5.0e-3, free, temperature=temperature)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"2 free at {temperature:g} K: {wall:.1f} s wall, {cpu:.1f} s CPU, {res.nfev} window "
              f"averages, rtol {res.settings['rtol']:.2g}, load {os.getloadavg()} (target 60 s); "
              f"eps_F {res.params['fermi_energy']:.5g} {res.ci['fermi_energy']}, "
              f"W~ {res.params['impurity_strength']:.5g} {res.ci['impurity_strength']}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=None, help="default 3 (1 with --hot)")
    ap.add_argument("--hot", action="store_true", help="the 300 K fit instead")
    a = ap.parse_args()
    if a.hot:
        import llgsot.solver.temperature  # noqa: F401

        hot(a.repeat or 1)
    else:
        main(a.repeat or 3)
