"""The paper's Fig. 4: torque efficiencies against the magnetization angle.

Veneri, Perkins and Ferreira, PRB 106, 235419 (2022), Fig. 4: m* = 0.8 m_e (Ta-like),
alpha = 1.7e-11 eV m, Delta_xc = 5 meV, n = 5e14 m^-2, finite-density regime;
tau1o and |tau1e|, |tau2e| over a period pi for (a) eps = 4.5 meV (inside the spin gap at
theta = 0; the upper band is reached near theta_c ~ pi/4, where the curves jump) and
(b) eps = 5.5 meV (smooth, symmetric about pi/2). Our choice, not given in the paper:
W~ = 0.065 eV nm^2, k_c = 3 nm^-1 (see docs/validation.md).

Run:  python examples/paper_fig4.py   ->  docs/figures/paper_fig4.png
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import llgsot  # noqa: E402

W_TILDE = 0.065  # eV nm^2 (our choice)
CUTOFF = 3.0  # nm^-1 (our choice)
OUT = Path(__file__).resolve().parent.parent / "docs" / "figures" / "paper_fig4.png"


def main(show=False, n_theta=361):
    model = llgsot.RashbaFM(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
                            impurity_strength=W_TILDE, cutoff=CUTOFF)
    theta = np.linspace(0, np.pi, n_theta)
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True, constrained_layout=True)
    summary = {}
    for col, eps in enumerate((4.5e-3, 5.5e-3)):
        fin = llgsot.response(model, eps, theta, regime="finite", rtol=1e-6)
        dil = llgsot.response(model, eps, theta, regime="dilute", rtol=1e-8)
        unit = 1e12  # 1/(A m)
        ax = axes[0, col]
        ax.plot(theta, fin.torque["tau1o"] / unit, label=r"$\tau_{1o}$ (finite $n$)")
        ax.plot(theta, dil.torque["tau1o"] / unit, "--", color="C0", lw=1, label="dilute limit")
        ax.set(ylabel=r"$\tau_{1o}$ ($10^{12}$ A$^{-1}$ m$^{-1}$)",
               title=f"({'ab'[col]}) $\\epsilon$ = {eps * 1e3:.1f} meV")
        ax.legend(fontsize=8)
        ax = axes[1, col]
        ax.plot(theta, np.abs(fin.torque["tau1e"]) / unit, color="C1", label=r"$|\tau_{1e}|$")
        ax.plot(theta, np.abs(fin.torque["tau2e"]) / unit, color="C2", label=r"$|\tau_{2e}|$")
        ax.plot(theta, np.abs(dil.torque["tau1e"]) / unit, "--", color="C1", lw=1)
        ax.plot(theta, np.abs(dil.torque["tau2e"]) / unit, "--", color="C2", lw=1)
        ax.set(xlabel=r"$\theta$ (rad)", ylabel=r"($10^{12}$ A$^{-1}$ m$^{-1}$)")
        ax.set_xticks([0, np.pi / 4, np.pi / 2, 3 * np.pi / 4, np.pi],
                      ["0", r"$\pi/4$", r"$\pi/2$", r"$3\pi/4$", r"$\pi$"])
        ax.legend(fontsize=8)
        summary[eps] = fin
    fig.suptitle(r"Veneri et al. Fig. 4 reproduced: $\Delta_{xc}$ = 5 meV, $n=5\times10^{14}$ m$^{-2}$, "
                 rf"$\tilde W$={W_TILDE} eV nm$^2$, $k_c$={CUTOFF} nm$^{{-1}}$ (dashed: dilute limit)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=120)
    fa = summary[4.5e-3]
    jump = np.argmax(np.abs(np.diff(fa.torque["tau1e"])))
    print(f"(a) largest step of tau1e between theta = {theta[jump]:.3f} and {theta[jump + 1]:.3f} rad")
    fb = summary[5.5e-3]
    ratio = np.abs(fb.torque["tau1e"] / fb.torque["tau2e"])
    sym = np.abs(fb.torque["tau1o"] - fb.torque["tau1o"][::-1]).max() / np.abs(fb.torque["tau1o"]).max()
    print(f"(b) |tau1e/tau2e| from {ratio.min():.3f} to {ratio.max():.3f}; "
          f"asymmetry about pi/2: {sym:.1e}")
    print(f"wrote {OUT}")
    if show:
        plt.show()
    return summary


if __name__ == "__main__":
    main()
