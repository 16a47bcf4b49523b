"""The figure of a 300 K fit (issue 20 item 3, docs/fitting.md): data, best fit, T = 0 curve.

Seed 0 of the 300 K coverage run (examples/temperature_fit_coverage.py: Fig. 4 set,
eps_F = 5.5 meV, W~ = 0.065 eV nm^2, 20 angles x 4 efficiencies, 2 % noise, fitted at 300 K
with free eps_F and W~). Its row is read from the coverage file (fitted first if the file
does not hold it). Drawn per efficiency: the 300 K data with their sigma, the 300 K best fit
at the data angles, and the T = 0 efficiencies of the true parameters on a fine grid (what
the Fermi window does to the same sample). Writes docs/figures/temperature_fit.png.

    python examples/temperature_fit.py [--coverage PATH]
"""
import argparse
import math
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import temperature_fit_coverage as cov  # noqa: E402

from llgsot import RashbaFM, response  # noqa: E402

OUT = HERE.parent / "docs" / "figures" / "temperature_fit.png"
KEYS = ("tau1e", "tau2e", "tau1o", "tau2o")


def main(path=cov.OUT):
    payload = cov.run(1, path, verbose=True)  # seed 0 (read back if done)
    row = [r for r in payload["rows"] if r["seed"] == 0][0]
    th = np.array(payload["settings"]["theta"])
    clean = {k: np.array(x) for k, x in payload["clean"].items()}
    sigma = {k: np.array(x) for k, x in payload["sigma"].items()}
    rng = np.random.default_rng(0)  # the seed-0 noise, as the coverage run drew it
    data = {k: clean[k] + sigma[k] * rng.standard_normal(th.shape) for k in clean}
    fine = np.linspace(0.02, math.pi - 0.02, 300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r0 = response(RashbaFM(**cov.FIG4), cov.FE, fine, regime="finite", rtol=1e-6)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
    for ax, k in zip(axes.ravel(), KEYS):
        ax.plot(fine, r0.torque[k], "--", color="0.5", lw=1,
                label="T = 0, true parameters")
        ax.errorbar(th, data[k], yerr=sigma[k], fmt="o", ms=3, color="C0",
                    label="300 K data (seed 0, 2 % noise)")
        ax.plot(th, row["best_fit"][k], "-", color="C3", lw=1.5, label="300 K best fit")
        ax.set_title(k)
        ax.set_ylabel("efficiency (1/(A m))")
    for ax in axes[1]:
        ax.set_xlabel("theta (rad)")
    axes[0, 0].legend(fontsize=7)
    e, (elo, ehi) = row["fermi_energy"], row["fermi_energy_ci"]
    w, (wlo, whi) = row["impurity_strength"], row["impurity_strength_ci"]
    fig.suptitle(f"300 K fit: eps_F = {1e3 * e:.3f} [{1e3 * elo:.3f}, {1e3 * ehi:.3f}] meV "
                 f"(true 5.5), W~ = {w:.4f} [{wlo:.4f}, {whi:.4f}] eV nm^2 (true 0.065), "
                 f"chi2 {row['chi2']:.1f}/{row['dof']}", fontsize=9)
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    tmp.replace(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--coverage", default=str(cov.OUT))
    main(ap.parse_args().coverage)
