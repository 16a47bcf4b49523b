"""The paper's Fig. 4(a)/(b) at finite temperature: tau1o, |tau1e|, |tau2e| against theta.

Fig. 4 parameters (m* = 0.8, alpha = 1.7e-11 eV m, Delta_xc = 5 meV, n = 5e14 m^-2, our
W~ = 0.065 eV nm^2 and k_c = 3 nm^-1), finite regime, eps = mu = 4.5 meV, at T = 0, 10, 50
and 300 K. The T = 0 curves jump at theta_c where the upper band's bottom crosses mu; at
T > 0 the jump is smeared over the angles at which that edge lies within a few k_B T of mu.
Since the edge moves by only |dE_0/dtheta| ~ 1.3 meV/rad, already 10 K (k_B T = 0.86 meV)
spreads it over most of [0, pi/2].

    python examples/temperature_fig4.py [--quick]

writes docs/figures/temperature_fig4.png (and a .json of the curves next to it).
The curves are symmetric about pi/2 (docs/physics.md sec. 4 item 6): [0, pi/2] is computed.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
import warnings

import numpy as np
from scipy.optimize import brentq

from llgsot import RashbaFM, response
from llgsot.solver.temperature import band_critical_energies

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)
MU = 4.5e-3
TEMPERATURES = (0.0, 10.0, 50.0, 300.0)
OUT = os.path.join(os.path.dirname(__file__), "..", "docs", "figures", "temperature_fig4.png")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer angles")
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--replot", action="store_true", help="redraw from the saved .json")
    args = ap.parse_args(argv)
    if args.replot:
        with open(os.path.splitext(args.out)[0] + ".json") as fh:
            d = json.load(fh)
        curves = {float(T): {k: np.array(x) for k, x in c.items()} for T, c in d["curves"].items()}
        _plot(np.array(d["theta"]), d["theta_c"], curves, args.out)
        _report(np.array(d["theta"]), d["theta_c"], curves)
        return
    model = RashbaFM(**FIG4)
    thc = brentq(lambda t: band_critical_energies(model, t)[-1] - MU, 0.3, 1.2, xtol=1e-13)
    n = 8 if args.quick else 14
    th = np.unique(np.concatenate([np.linspace(0.0, math.pi / 2, n),
                                   thc + np.array([-0.03, -0.01, -1e-4, 1e-4, 0.01, 0.03])]))
    curves = {}
    for T in TEMPERATURES:
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = response(model, MU, th, regime="finite", rtol=1e-6, temperature=T)
        msgs = sorted({str(w.message)[:120] for w in caught})
        curves[T] = {k: r.torque[k].tolist() for k in ("tau1o", "tau1e", "tau2e")}
        curves[T].update({k + "_err": r.torque_err[k].tolist() for k in ("tau1o", "tau1e", "tau2e")})
        print(f"T = {T:5.0f} K: {time.perf_counter() - t0:6.1f} s; worst relative error "
              f"{max(np.max(r.torque_err[k] / np.abs(r.torque[k])) for k in ('tau1o', 'tau1e')):.2g}")
        for m in msgs:
            print("   warning:", m)
    _report(th, thc, curves)
    _plot(th, thc, curves, args.out)
    data = {"theta": th.tolist(), "theta_c": thc, "fermi_energy": MU, "model": FIG4,
            "curves": {str(T): c for T, c in curves.items()}}
    with open(os.path.splitext(args.out)[0] + ".json", "w") as fh:
        json.dump(data, fh)
    print("wrote", os.path.normpath(args.out))


def _report(th, thc, curves):
    i_lo, i_hi = np.searchsorted(th, thc) - 1, np.searchsorted(th, thc)
    print(f"theta_c = {thc:.6f} rad; across theta_c +- 1e-4 rad:")
    for T in TEMPERATURES:
        c = curves[T]
        print(f"  T = {T:5.0f} K: tau1o {c['tau1o'][i_lo]:.5e} -> {c['tau1o'][i_hi]:.5e}, "
              f"tau1e {c['tau1e'][i_lo]:.5e} -> {c['tau1e'][i_hi]:.5e} "
              f"(+- {c['tau1e_err'][i_lo]:.1e}, {c['tau1e_err'][i_hi]:.1e})")
        for k in ("tau1o", "tau1e", "tau2e"):
            rel = np.abs(np.array(c[k + "_err"]) / np.array(c[k]))
            bad = np.nonzero(rel > 0.05)[0]
            if len(bad):
                print(f"    {k}: relative error > 5 % at theta = {np.round(th[bad], 4).tolist()} "
                      f"(worst {rel.max():.2g})")


def _plot(th, thc, curves, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from llgsot.plotting import savefig_atomic

    full = np.concatenate([th, math.pi - th[-2::-1]])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    colors = dict(zip(TEMPERATURES, ("k", "tab:blue", "tab:orange", "tab:red")))
    for T, c in curves.items():
        lab = f"T = {T:g} K"
        for k, ax, ls in (("tau1o", axes[0], "-"), ("tau1e", axes[1], "-"), ("tau2e", axes[1], "--")):
            y = np.array(c[k]) if k == "tau1o" else np.abs(c[k])
            rel = np.abs(np.array(c[k + "_err"]) / np.array(c[k]))
            yy = np.concatenate([y, y[-2::-1]])  # symmetric about pi/2
            ok = np.concatenate([rel, rel[-2::-1]]) <= 0.05
            label = lab if k != "tau2e" else None
            if k == "tau1e":
                label = lab + r": $|\tau_{1e}|$ (solid), $|\tau_{2e}|$ (dashed)"
            ax.plot(full[ok], yy[ok] * 1e-12, ls, color=colors[T], label=label)
            # angles whose stated error exceeds 5 %: left out of the line, marked at the axis
            ax.plot(full[~ok], np.full((~ok).sum(), 0.02), "x", color=colors[T], ms=5,
                    transform=ax.get_xaxis_transform())
    for ax in axes:
        ax.axvline(thc, color="0.7", lw=0.8)
        ax.axvline(math.pi - thc, color="0.7", lw=0.8)
        ax.set_xlabel(r"$\theta$ (rad)")
        ax.set_xlim(0, math.pi)
    axes[0].set_ylabel(r"$\tau_{1o}$ ($10^{12}$ A$^{-1}$ m$^{-1}$)")
    axes[1].set_ylabel(r"$|\tau_{1e}|$, $|\tau_{2e}|$ ($10^{12}$ A$^{-1}$ m$^{-1}$)")
    axes[0].set_title(r"Fig. 4(a) at finite T: $\varepsilon_F$ = 4.5 meV, finite regime")
    axes[1].set_title("Fig. 4(b) (x: stated error > 5 %, not drawn)")
    axes[0].legend(fontsize=8)
    axes[1].legend(fontsize=7)
    savefig_atomic(fig, path)
    plt.close(fig)


if __name__ == "__main__":
    main()
