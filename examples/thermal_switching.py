"""Thermal switching probability against current at 300 K: table torque vs spin-Hall torque.

The demo's perpendicular free layer (50 x 50 x 1 nm, B_K,eff = 0.14 T, B_x = 20 mT) with
damping 0.1, a 20 ns pulse with a slow 20 ns fall (so that the 0 K threshold is the
quasi-static one), 128 Heun runs per amplitude (95 % Wilson intervals), for

* the T-matrix torque table of the Ta-like model (eps = 5.5 meV): field-like dominated;
* a constant damping-like spin-Hall torque (theta_SH = 0.2): its 50 % current and 95 %
  interval from the logistic fit, and the Sharrock fit.

Run:  python examples/thermal_switching.py  ->  docs/figures/thermal_switching.png
"""
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import llgsot  # noqa: E402
from llgsot.cli.demo_cmd import MAGNET, NM_THICKNESS  # noqa: E402
from llgsot.plotting import savefig_atomic  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIELD = (0.02, 0.0, 0.0)


def main():
    warnings.simplefilter("ignore", RuntimeWarning)
    table = llgsot.TorqueTable(llgsot.load_table(ROOT / "tables" / "fig4.nc").sel(fermi_energy=5.5e-3))
    magnet = llgsot.Macrospin(**{**MAGNET, "damping": 0.1})
    pulse = llgsot.Pulse(0.0, 20e-9, rise=0.5e-9, fall=20e-9, delay=0.2e-9)
    fig, ax = plt.subplots(figsize=(6.6, 4.5), constrained_layout=True)
    for k, (label, torque) in enumerate([("T-matrix table (field-like dominated)",
                                          llgsot.TableSOT(table, NM_THICKNESS)),
                                         ("constant spin-Hall torque, theta_SH = 0.2",
                                          llgsot.ConstantSOT(0.2))]):
        det = llgsot.critical_current(magnet, torque, pulse, field=FIELD, bracket=(-1e10, -2e13))
        amps = det.value * np.linspace(0.4, 2.0, 9)
        P = llgsot.switching_probability(magnet, torque, pulse, amps, field=FIELD, temperature=300.0,
                                         members=128, seed=7 + k)
        J = np.abs(amps) / 1e12
        p = P.probability.values
        ax.errorbar(J, p, yerr=[p - P.ci_low.values, P.ci_high.values - p], fmt="o-", capsize=3,
                    color=f"C{k}", label=f"{label}, 300 K")
        ax.axvline(abs(det.value) / 1e12, color=f"C{k}", ls="--", lw=1)
        print(f"{label}: 0 K threshold |J_c| = {abs(det.value):.4g} A/m^2; P(300 K) = "
              + ", ".join(f"{x:.2f}" for x in p))
        try:
            hot = llgsot.critical_current(magnet, torque, pulse, field=FIELD, temperature=300.0,
                                          bracket=(amps[0], amps[-1]), members=128, seed=7 + k)
            lo, hi = sorted(np.abs(hot.bracket))
            print(f"    J50 = {abs(hot.value):.4g} A/m^2, 95 % interval [{lo:.4g}, {hi:.4g}]"
                  + (f"; Sharrock: Jc0 = {hot.details['sharrock_Jc0']:.4g} A/m^2, Delta = "
                     f"{hot.details['sharrock_delta_kT']:.3g} kT" if "sharrock_Jc0" in hot.details else ""))
            ax.axvspan(lo / 1e12, hi / 1e12, color=f"C{k}", alpha=0.2)
        except ValueError as exc:
            print(f"    no 50 % current: {exc}")
    ax.set(xlabel=r"$|J|$ ($10^{12}$ A/m$^2$)", ylabel="switching probability", ylim=(-0.03, 1.03),
           title="300 K switching (dashed: 0 K thresholds; band: J50 95 % interval)")
    ax.legend(fontsize=8, loc="center right")
    out = ROOT / "docs" / "figures" / "thermal_switching.png"
    savefig_atomic(fig, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
