"""WER against pulse duration: T-matrix table vs constant equivalent (vs Born table if given).

The free layer of examples/compare_torques.py (50 x 50 x 1 nm, Delta ~ 43) on the paper's
Fig. 4 parameters (tables/fig4.nc), an in-plane field B_x = 20 mT, pulses of amplitude
``FACTOR`` x the T = 0 critical current of each torque model (so the models are compared at
equal overdrive) and durations DURATIONS. Writes docs/figures/reliability_study.png and
docs/reliability_study.md (WER, 95 % intervals, slopes in decades per ns).

Run:  python examples/reliability_study.py [--quick]
"""
import sys
import time
from pathlib import Path

import numpy as np

import llgsot
from llgsot.reliability.sweep import wer_slopes, write_error_map
from llgsot.studies.compare import constant_equivalent

ROOT = Path(__file__).resolve().parent.parent
FIELD = (0.02, 0.0, 0.0)
FACTOR = 1.5


def main(quick=False):
    t0 = time.perf_counter()
    magnet = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=(50e-9) ** 2, damping=0.05, Ku=0.7e6)
    durations = np.array([5e-9, 10e-9]) if quick else np.array([5e-9, 7.5e-9, 10e-9, 12.5e-9])
    eps_list = (5.5e-3,) if quick else (5.5e-3, 4.5e-3)
    rel = 0.3 if quick else 0.1
    lines = ["# WER: T-matrix table vs constant equivalent (examples/reliability_study.py)", "",
             f"B_x = {FIELD[0] * 1e3:g} mT, pulse amplitude {FACTOR} x J_c(T = 0) of each model, "
             f"rel_error {rel}, 300 K; {'quick run' if quick else 'full run'}", ""]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(eps_list), figsize=(6 * len(eps_list), 4.2), squeeze=False,
                             constrained_layout=True)
    for ax, eps in zip(axes[0], eps_list):
        tt = llgsot.TorqueTable(llgsot.load_table(ROOT / "tables" / "fig4.nc").sel(fermi_energy=eps))
        tab = llgsot.TableSOT(tt, nm_thickness=5e-9)
        torques = {"T-matrix table": tab, "constant equivalent": constant_equivalent(tab, magnet)}
        lines += [f"## eps = {eps * 1e3:g} meV", "", "| model | J (A/m^2) | "
                  + " | ".join(f"{d * 1e9:g} ns" for d in durations) + " | decades/ns |",
                  "|---|---|" + "---|" * (len(durations) + 1)]
        for label, tq in torques.items():
            pulse = llgsot.Pulse(0.0, 10e-9, rise=1e-9, fall=10e-9, delay=0.5e-9)
            jc = llgsot.critical_current(magnet, tq, pulse, field=FIELD,
                                         bracket=(-1e10, -2e13)).value
            ds = write_error_map(magnet, tq, pulse, [FACTOR * jc], durations, field=FIELD,
                                 relax=1e-9, rel_error=rel, seed=3, executor="serial")
            w = ds["wer"].values[0]
            s = wer_slopes(ds)["decades_per_ns"][0]
            ax.semilogy(durations * 1e9, w, "o-", label=label)
            lines.append(f"| {label} | {FACTOR * jc:.3g} | " + " | ".join(
                f"{x:.3g} [{lo:.2g}, {hi:.2g}]" for x, lo, hi in zip(
                    w, ds["ci_low"].values[0], ds["ci_high"].values[0])) + f" | {s:.3g} |")
        lines.append("")
        ax.set(xlabel="pulse duration (ns)", ylabel="write error rate",
               title=f"eps = {eps * 1e3:g} meV")
        ax.legend(fontsize=8)
    lines.append(f"wall {time.perf_counter() - t0:.0f} s (shared machine)")
    fig.savefig(ROOT / "docs" / "figures" / "reliability_study.png", dpi=110)
    (ROOT / "docs" / "reliability_study.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
