"""What a zero-temperature fit does to room-temperature data (issue 20 item 3, docs/fitting.md).

Synthetic efficiencies of the coverage scenario "two_above_gap" (tests/test_fitting_coverage.py:
the Fig. 4 set, eps = 5.5 meV, W~ = 0.065 eV nm^2, finite regime, 20 angles x 4 efficiencies,
2 % noise), but made at T = 300 K (`response(..., temperature=300)`), are fitted with the
T = 0 model (fit_torques(..., temperature=0), free: fermi_energy, impurity_strength) for seeds
0..N-1. Printed: the fitted values, their 95 % profile intervals, chi^2, the coverage of the
truth, and the bias of the mean fitted value in units of the mean interval half-width.
Writes docs/figures/temperature_fit_bias.json and .png.

    python examples/temperature_fit_bias.py [--trials 50]

The 300 K efficiencies are computed once (one 20-angle call at 300 K) and the noise is drawn
per seed exactly as `synthetic_efficiencies` draws it.
"""
import argparse
import json
import math
import time
import warnings
from pathlib import Path

import numpy as np

from llgsot import RashbaFM, fit_torques
from llgsot.fitting import FitWarning, synthetic_efficiencies

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)
THETA = np.linspace(0.05, math.pi - 0.05, 20)
FREE = ["fermi_energy", "impurity_strength"]
FE, FE0, T = 5.5e-3, 5.0e-3, 300.0
OUT = Path(__file__).resolve().parents[1] / "docs" / "figures"


def main(trials=50):
    truth = RashbaFM(**FIG4)
    start = truth.with_(impurity_strength=0.05)
    true = {"fermi_energy": FE, "impurity_strength": FIG4["impurity_strength"]}
    t0 = time.perf_counter()
    _, sigma, clean = synthetic_efficiencies(truth, FE, THETA, rel_sigma=0.02, seed=0,
                                             temperature=T, rtol=1e-6)
    t_data = time.perf_counter() - t0
    print(f"300 K efficiencies (20 angles, rtol 1e-6): {t_data:.1f} s wall", flush=True)
    _, _, clean0 = synthetic_efficiencies(truth, FE, THETA, rel_sigma=0.02, seed=0)
    rows = []
    for seed in range(trials):
        rng = np.random.default_rng(seed)  # as synthetic_efficiencies draws it
        data = {k: clean[k] + sigma[k] * rng.standard_normal(THETA.shape) for k in clean}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FitWarning)
            res = fit_torques(THETA, data, sigma, start, FE0, FREE, temperature=0.0)
        row = {"seed": seed, "chi2": res.chi2, "dof": res.dof, "converged": bool(res.converged),
               "elapsed": res.elapsed,
               **{n: res.params[n] for n in FREE}, **{n + "_ci": list(res.ci[n]) for n in FREE}}
        rows.append(row)
        print(f"seed {seed}: chi2 {res.chi2:.1f}/{res.dof} " + " ".join(
            f"{n}={res.params[n]:.5g} [{res.ci[n][0]:.5g}, {res.ci[n][1]:.5g}]" for n in FREE)
            + f" ({res.elapsed:.1f} s)", flush=True)
    summary = {}
    for n in FREE:
        vals = np.array([r[n] for r in rows])
        half = np.array([0.5 * (r[n + "_ci"][1] - r[n + "_ci"][0]) for r in rows])
        cover = np.mean([r[n + "_ci"][0] <= true[n] <= r[n + "_ci"][1] for r in rows])
        summary[n] = {"truth": true[n], "mean": float(vals.mean()), "sd": float(vals.std(ddof=1))
                      if len(vals) > 1 else 0.0, "mean_half_width": float(half.mean()),
                      "bias_in_half_widths": float((vals.mean() - true[n]) / half.mean()),
                      "relative_bias": float((vals.mean() - true[n]) / true[n]),
                      "coverage": float(cover)}
    chi2 = np.array([r["chi2"] for r in rows])
    summary["chi2_mean"] = float(chi2.mean())
    summary["dof"] = rows[0]["dof"]
    summary["converged"] = int(sum(r["converged"] for r in rows))
    summary["trials"] = trials
    summary["data_seconds_300K"] = t_data
    print(json.dumps(summary, indent=1))
    OUT.mkdir(parents=True, exist_ok=True)
    payload = {"summary": summary, "rows": rows, "theta": THETA.tolist(),
               "clean_300K": {k: v.tolist() for k, v in clean.items()},
               "clean_0K": {k: v.tolist() for k, v in clean0.items()},
               "sigma": {k: v.tolist() for k, v in sigma.items()}}
    tmp = OUT / "temperature_fit_bias.json.tmp"
    tmp.write_text(json.dumps(payload, indent=1))
    tmp.replace(OUT / "temperature_fit_bias.json")
    plot(payload, true)


def plot(payload, true):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = payload["rows"]
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for r in rows:
        e = 1e3 * r["fermi_energy"]
        lo, hi = (1e3 * x for x in r["fermi_energy_ci"])
        w = r["impurity_strength"]
        wlo, whi = r["impurity_strength_ci"]
        ax[0].errorbar([e], [w], xerr=[[e - lo], [hi - e]], yerr=[[w - wlo], [whi - w]],
                       fmt="o", ms=3, color="C0", alpha=0.5)
    ax[0].plot([1e3 * true["fermi_energy"]], [true["impurity_strength"]], "r*", ms=14,
               label="truth (300 K data)")
    ax[0].set_xlabel("fitted eps_F (meV), T = 0 model")
    ax[0].set_ylabel("fitted W~ (eV nm^2)")
    ax[0].legend()
    ax[0].set_title(f"{len(rows)} seeded 300 K data sets, 95 % intervals")
    th = np.array(payload["theta"])
    for k, c in (("tau1e", "C0"), ("tau1o", "C1")):
        ax[1].plot(th, payload["clean_0K"][k], "--", color=c, label=f"{k}, T = 0")
        ax[1].errorbar(th, payload["clean_300K"][k], yerr=payload["sigma"][k], fmt="o", ms=3,
                       color=c, label=f"{k}, 300 K (+- 2 % noise sigma)")
    ax[1].set_xlabel("theta (rad)")
    ax[1].set_ylabel("efficiency (1/(A m))")
    ax[1].set_yscale("symlog", linthresh=1e11)
    ax[1].legend(fontsize=7)
    ax[1].set_title("same parameters: 300 K vs T = 0")
    fig.tight_layout()
    tmp = OUT / "temperature_fit_bias.tmp.png"
    fig.savefig(tmp, dpi=110)
    tmp.replace(OUT / "temperature_fit_bias.png")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=50)
    main(ap.parse_args().trials)
