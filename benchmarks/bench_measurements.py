"""Speed of the simulated measurements: medians of repeated runs, printed (no assertions).

    python benchmarks/bench_measurements.py

1. a 41-field harmonic Hall sweep (quasistatic, 64 phases; Hayashi needs two sweeps, along
   and across the current: 2 x 41 fields) with its analysis, ConstantSOT and the Fig. 4
   TableSOT (target <= 1 s);
2. a 181-field ST-FMR sweep (one frequency) with its lineshape fit (target <= 1 s).
"""
from __future__ import annotations

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _timing import median_time  # noqa: E402

import llgsot  # noqa: E402
from llgsot.tables.store import select  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    print(f"load average: {os.getloadavg()}")
    perp = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.01, Ku=1.2e6)
    table = llgsot.TorqueTable(select(llgsot.load_table(os.path.join(HERE, "..", "tables", "fig4.nc")),
                                      "bench", fermi_energy=5.5e-3))
    torques = {"constant": llgsot.ConstantSOT(0.1, 0.5), "fig4 table": llgsot.TableSOT(table, 5e-9)}
    B = np.linspace(-0.1, 0.1, 41)
    for name, tq in torques.items():
        def hh(tq=tq):
            ds = llgsot.harmonic_hall(perp, tq, 1e10, B, field_azimuth=[0.0, math.pi / 2], R_phe=0.3,
                                      nm_thickness=5e-9)
            return llgsot.analyze_harmonic_hall(ds)
        t = median_time(hh)
        print(f"[1] harmonic Hall, 2 x 41 fields x 64 phases + Hayashi analysis ({name}): "
              f"median {t:.3f} s (target <= 1 s)")
    inplane = llgsot.Macrospin(Ms=8e5, thickness=2e-9, area=1e-16, damping=0.01)
    Bf = np.linspace(0.02, 0.2, 181)
    for name, tq in torques.items():
        def fmr(tq=tq):
            ds = llgsot.st_fmr(inplane, tq, 1e10, 6e9, Bf, nm_thickness=6e-9)
            return llgsot.analyze_st_fmr(ds)
        t = median_time(fmr)
        print(f"[2] ST-FMR, 181 fields + lineshape fit ({name}): median {t:.3f} s (target <= 1 s)")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
