"""Figures and numbers of docs/models.md: bands and Fermi contours of the three models, DL/FL
efficiencies against theta for the Dirac surface next to the Rashba ferromagnet, and the
sensitivity of the Dirac K to the cutoff.

    python examples/models_figures.py     (writes docs/figures/models_*.png, prints numbers)
"""
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import llgsot  # noqa: E402
from llgsot.plotting import savefig_atomic  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures"
RASHBA = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
RD = llgsot.RashbaDresselhausFM(0.8, 1.7e-11, 0.8e-11, 5e-3, 5e14, 0.065, 3.0)
DIRAC = llgsot.DiracFM(4e5, 10e-3, 5e14, 0.05, 1.0)
CASES = (("RashbaFM (Ta-like)", RASHBA, 5.5e-3, 0.35), ("RashbaDresselhausFM (beta = alpha/2)", RD,
         5.5e-3, 0.35), ("DiracFM (Bi2Se3-like)", DIRAC, 30e-3, 0.2))


def bands_and_contours(theta=0.7, phi=0.3):
    fig, ax = plt.subplots(2, 3, figsize=(12, 7.5))
    for j, (name, m, eps, kmax) in enumerate(CASES):
        k = np.linspace(-kmax, kmax, 601)
        for ang, ls in ((0.0, "-"), (np.pi / 4, "--"), (np.pi / 2, ":")):
            lo, up = m.band_energies(k * np.cos(ang), k * np.sin(ang), theta, phi)
            ax[0, j].plot(k, lo * 1e3, "C0", ls=ls, label=f"E-, k along {np.degrees(ang):.0f} deg")
            ax[0, j].plot(k, up * 1e3, "C1", ls=ls, label=f"E+, k along {np.degrees(ang):.0f} deg")
        ax[0, j].axhline(eps * 1e3, color="k", lw=0.7)
        ax[0, j].set(title=name, xlabel="k (nm^-1)", ylabel="E (meV)",
                     ylim=(-3 * eps * 1e3, 3 * eps * 1e3))
        KX, KY = np.meshgrid(np.linspace(-kmax, kmax, 401), np.linspace(-kmax, kmax, 401))
        lo, up = m.band_energies(KX, KY, theta, phi)
        ax[1, j].contour(KX, KY, lo, [eps], colors="C0")
        ax[1, j].contour(KX, KY, up, [eps], colors="C1")
        cx, cy = m.fermi_centre(eps * 1e3, theta, phi)
        ax[1, j].plot([cx], [cy], "k+", ms=10)
        ax[1, j].set(aspect="equal", xlabel="k_x (nm^-1)", ylabel="k_y (nm^-1)",
                     title=f"Fermi contours at {eps * 1e3:g} meV (+: polar centre)")
    ax[0, 0].legend(fontsize=6)
    fig.suptitle(f"m at theta = {theta}, phi = {phi}")
    fig.tight_layout()
    savefig_atomic(fig, OUT / "models_bands.png")


def efficiencies():
    th = np.linspace(0, np.pi, 37)
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    for a, (name, m, eps, _) in zip(ax, (CASES[0], CASES[2])):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = llgsot.response(m, eps, th, rtol=1e-8)
        for key, lab in (("tau1e", "DL |tau1e/tau1o|"), ("tau2e", "DL |tau2e/tau1o|"),
                         ("tau2o", "FL |tau2o/tau1o|")):
            a.semilogy(th, np.abs(r.torque[key] / r.torque["tau1o"]), label=lab)
        a.set(title=f"{name}, eps = {eps * 1e3:g} meV\n"
                    f"tau1o(0) = {r.torque['tau1o'][0]:.3g} 1/(A m)",
              xlabel="theta (rad)", ylabel="ratio to the FL efficiency tau1o")
        a.legend(fontsize=7)
        ratio = np.abs(r.torque["tau1e"] / r.torque["tau1o"])
        print(f"{name}: |tau1e/tau1o| at theta = 0, pi/4, pi/2: "
              f"{ratio[0]:.3g}, {ratio[9]:.3g}, {ratio[18]:.3g}")
    fig.tight_layout()
    savefig_atomic(fig, OUT / "models_efficiency.png")


def cutoff_sensitivity():
    print("Dirac cutoff sensitivity (tmatrix, dilute, eps = 30 meV, theta = pi/4):")
    print(f"{'k_c (nm^-1)':>12} {'K_xy':>12} {'K_zy':>12} {'K_xx':>12} {'Re g0_0 (1/(eV nm^2))':>24}")
    for kc in (0.5, 1.0, 2.0, 4.0):
        r = llgsot.response(DIRAC.with_(cutoff=kc), 30e-3, np.pi / 4, rtol=1e-9)
        g0 = r.diagnostics["g0"][0].real * 1.602176634e-19 * 1e-18
        print(f"{kc:12.2f} {r.K[0, 1]:12.5g} {r.K[2, 1]:12.5g} {r.K[0, 0]:12.5g} {g0:24.5g}")


if __name__ == "__main__":
    bands_and_contours()
    efficiencies()
    cutoff_sensitivity()
