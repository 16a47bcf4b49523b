"""Coverage of the 95 % intervals of 300 K fits (issue 20 item 3), resumable.

The coverage scenario "two_above_gap" of tests/test_fitting_coverage.py (Fig. 4 set,
eps_F = 5.5 meV, W~ = 0.065 eV nm^2, finite regime, 20 angles x 4 efficiencies, 2 % noise of
each efficiency's largest magnitude), with the data made at T = 300 K and fitted at
T = 300 K (``fit_torques(..., temperature=300)``, free: fermi_energy and impurity_strength,
the same start as the T = 0 test: W~ 0.05, eps_F 5.0 meV). Seeds 0..N-1.

The noise-free 300 K efficiencies are computed once (one 20-angle call at rtol 1e-6) and kept
in the result file; the noise of each seed is drawn as ``synthetic_efficiencies`` draws it.
After every trial the whole result file (JSON: settings, the clean data, one row per trial,
the coverage so far with Clopper-Pearson 95 % intervals) is rewritten atomically, so a killed
run loses at most the trial in progress; a rerun with the same file skips the seeds done.

    python examples/temperature_fit_coverage.py [--trials 50] [--out PATH]

Default PATH: docs/figures/temperature_fit_coverage.json.
"""
import argparse
import json
import math
import os
import time
import warnings
from pathlib import Path

import numpy as np

from llgsot import RashbaFM, fit_torques
from llgsot._io import atomic_write_text, json_ready
from llgsot.fitting import FitWarning, synthetic_efficiencies

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)
THETA = np.linspace(0.05, math.pi - 0.05, 20)
FREE = ["fermi_energy", "impurity_strength"]
FE, FE0, T = 5.5e-3, 5.0e-3, 300.0
W0 = 0.05
REL_SIGMA = 0.02
DATA_RTOL = 1e-6
OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "temperature_fit_coverage.json"


def clopper_pearson(k, n, level=0.95):
    """Exact binomial interval of a proportion k/n (two-sided, ``level``)."""
    from scipy.stats import beta

    a = 1 - level
    lo = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def summarise(rows, true):
    out = {"trials": len(rows), "converged": int(sum(r["converged"] for r in rows))}
    if not rows:
        return out
    for n in FREE:
        k = sum(r[n + "_ci"][0] <= true[n] <= r[n + "_ci"][1] for r in rows)
        vals = np.array([r[n] for r in rows])
        half = np.array([0.5 * (r[n + "_ci"][1] - r[n + "_ci"][0]) for r in rows])
        out[n] = {"truth": true[n], "covered": int(k), "coverage": k / len(rows),
                  "coverage_ci95": clopper_pearson(k, len(rows)),
                  "mean": float(vals.mean()), "mean_half_width": float(half.mean()),
                  "bias_in_half_widths": float((vals.mean() - true[n]) / half.mean())}
    chi2 = np.array([r["chi2"] for r in rows])
    out["chi2_mean"] = float(chi2.mean())
    out["dof"] = rows[0]["dof"]
    for key in ("elapsed", "cpu", "nfev"):
        x = np.array([r[key] for r in rows], float)
        out[key + "_median"] = float(np.median(x))
        out[key + "_max"] = float(x.max())
    return out


def clean_data(theta, temperature):
    truth = RashbaFM(**FIG4)
    _, sigma, clean = synthetic_efficiencies(truth, FE, theta, rel_sigma=REL_SIGMA, seed=0,
                                             temperature=temperature, rtol=DATA_RTOL)
    return clean, sigma


def code_version():
    """The git commit of the code this process runs (with "+dirty" for local changes)."""
    import subprocess

    import llgsot

    root = Path(llgsot.__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                              capture_output=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "llgsot"], cwd=root, text=True,
                               capture_output=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + ("+dirty" if dirty else "")


def run(trials=50, out=OUT, theta=THETA, temperature=T, verbose=True):
    """Run (or continue) the coverage trials into the JSON file ``out``; returns its content."""
    out = Path(out)
    true = {"fermi_energy": FE, "impurity_strength": FIG4["impurity_strength"]}
    settings = {"theta": np.asarray(theta).tolist(), "temperature": temperature, "truth": true,
                "model": FIG4, "start": {"fermi_energy": FE0, "impurity_strength": W0},
                "free": FREE, "rel_sigma": REL_SIGMA, "data_rtol": DATA_RTOL}
    if out.exists():
        payload = json.loads(out.read_text())
        if payload["settings"] != json_ready(settings):
            raise ValueError(f"{out} holds a run with other settings: give another --out")
    else:
        t0 = time.perf_counter()
        clean, sigma = clean_data(theta, temperature)
        payload = {"settings": settings, "clean": clean, "sigma": sigma, "rows": [],
                   "data_seconds": time.perf_counter() - t0}
        atomic_write_text(out, json.dumps(json_ready(payload), indent=1))
        payload = json.loads(out.read_text())
    clean = {k: np.array(x) for k, x in payload["clean"].items()}
    sigma = {k: np.array(x) for k, x in payload["sigma"].items()}
    theta = np.array(payload["settings"]["theta"])
    done = {r["seed"] for r in payload["rows"]}
    start = RashbaFM(**{**FIG4, "impurity_strength": W0})
    code = code_version()
    for seed in range(trials):
        if seed in done:
            continue
        rng = np.random.default_rng(seed)  # as synthetic_efficiencies draws it
        data = {k: clean[k] + sigma[k] * rng.standard_normal(theta.shape) for k in clean}
        c0 = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FitWarning)
            res = fit_torques(theta, data, sigma, start, FE0, FREE, temperature=temperature)
        row = {"seed": seed, "chi2": res.chi2, "dof": res.dof, "converged": bool(res.converged),
               "elapsed": res.elapsed, "cpu": time.process_time() - c0, "nfev": res.nfev,
               "rtol": res.settings["rtol"], "warnings": res.warnings,
               "load": os.getloadavg()[0], "code": code, "best_fit": res.best_fit,
               **{n: res.params[n] for n in FREE}, **{n + "_ci": list(res.ci[n]) for n in FREE}}
        payload["rows"].append(json_ready(row))
        payload["summary"] = summarise(payload["rows"], true)
        atomic_write_text(out, json.dumps(json_ready(payload), indent=1))
        if verbose:
            s = payload["summary"]
            print(f"seed {seed}: chi2 {res.chi2:.1f}/{res.dof} " + " ".join(
                f"{n}={res.params[n]:.5g} [{res.ci[n][0]:.5g}, {res.ci[n][1]:.5g}]" for n in FREE)
                + f" | {res.elapsed:.0f} s wall, {row['cpu']:.0f} s CPU, {res.nfev} evaluations,"
                f" rtol {row['rtol']:.2g}, load {row['load']:.1f} | coverage so far "
                + ", ".join(f"{n} {s[n]['covered']}/{s['trials']}" for n in FREE), flush=True)
    return payload


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    p = run(a.trials, a.out)
    print(json.dumps(p.get("summary", {}), indent=1))
