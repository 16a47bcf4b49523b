"""Fit benchmark (issue 12 item 6): a two-parameter fit to 20 angles x 4 efficiencies in the
finite regime, profile-likelihood intervals included. Target: <= 30 s on one core (median).

Synthetic data: the Fig. 4 parameter set above the spin gap (eps = 5.5 meV), 2 % noise
(seeded); free: fermi_energy and impurity_strength, started 10 % / 25 % off.
Also times the three-parameter fit (+ delta_xc) for information.

Run:  python benchmarks/bench_fitting.py  [--repeat 3]
"""
import argparse
import math
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


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    main(ap.parse_args().repeat)
