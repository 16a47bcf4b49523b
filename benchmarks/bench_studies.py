"""Studies benchmark: medians of a critical-current bisection and of a 32 x 32 switching diagram.

Targets (issue: studies): one deterministic critical-current bisection (about 20 evaluations of
a 20 ns pulse) in under 1 s wall after compilation; a 32 x 32 deterministic switching diagram in
under 30 s on this 2-core machine.

Run:  python benchmarks/bench_studies.py
"""
import warnings
from pathlib import Path

import numpy as np

import llgsot
from _timing import median_time

ROOT = Path(__file__).resolve().parent.parent


def main():
    warnings.simplefilter("ignore", RuntimeWarning)
    tt = llgsot.TorqueTable(llgsot.load_table(ROOT / "tables" / "fig4.nc").sel(fermi_energy=5.5e-3))
    magnet = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=(50e-9) ** 2, damping=0.05, Ku=0.7e6)
    torque = llgsot.TableSOT(tt, nm_thickness=5e-9)
    pulse = llgsot.Pulse(0.0, 20e-9, rise=1e-9, fall=5e-9, delay=0.5e-9)
    res = {}

    def cc():
        res["cc"] = llgsot.critical_current(magnet, torque, pulse, field=(0.01, 0, 0),
                                            bracket=(-1e10, -2e13), rtol=1e-4)

    t = median_time(cc, 5)
    r = res["cc"]
    print(f"critical-current bisection, table torque, 20 ns pulse: {t:.3f} s for {r.evaluations} "
          f"simulations (target < 1 s for ~20); J_c = {r.value:.5g} A/m^2")
    d_pulse = llgsot.Pulse(0.0, 10e-9, rise=1e-9, fall=10e-9, delay=0.5e-9)
    for ex in ("serial", "processes"):
        t = median_time(lambda: llgsot.switching_diagram(
            magnet, torque, d_pulse, np.linspace(-1e12, 1e12, 32), fields=np.linspace(-0.05, 0.05, 32),
            executor=ex, progress=False), 1)
        print(f"32 x 32 switching diagram, executor={ex}: {t:.1f} s (target < 30 s)")


if __name__ == "__main__":
    main()
