"""``llgsot demo``: from the model to a critical current, with embedded defaults, no files needed.

1. builds a small dilute torque table for the paper's Ta-like parameters;
2. runs a switching simulation of a perpendicular free layer driven by it;
3. scans the critical current against the in-plane field, for the T-matrix table, the Born
   table and a constant spin-Hall-like torque with the table's sphere-averaged strengths;
4. prints a summary and writes figures and data into the output folder.
"""
from __future__ import annotations

import os
import time

import numpy as np

# the paper's Ta-like set (Fig. 4) with our documented W~ and cutoff
MODEL = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
             impurity_strength=0.065, cutoff=3.0)
FERMI_ENERGY = 5.5e-3  # eV
# a perpendicular CoFeB-like free layer, 50 nm x 50 nm x 1 nm, B_K,eff = 0.14 T
MAGNET = dict(Ms=1.0e6, thickness=1.0e-9, area=(50e-9) ** 2, damping=0.05, Ku=0.7e6)
NM_THICKNESS = 5e-9  # m
PULSE = dict(amplitude=-2.5e12, duration=10e-9, rise=1e-9, fall=10e-9, delay=0.5e-9)
FIELDS = [0.005, 0.01, 0.02, 0.03, 0.05]  # T, along +x
#: measured once on an otherwise idle-equivalent 2-core machine (CPU time: 12 s warm, 53 s
#: with an empty numba cache); README says the same
DURATION = "about 15 s; about a minute the first time, which compiles the numba kernels"


def register(sub):
    p = sub.add_parser("demo", help=f"end-to-end demonstration ({DURATION})",
                       description=__doc__.split("\n\n")[0] + f" Takes {DURATION}.")
    p.add_argument("-o", "--output-dir", default="llgsot-demo", help="folder for figures and data")
    p.set_defaults(func=run)


def run(args) -> int:
    import warnings

    from .config import output_dir

    output_dir("-o/--output-dir", args.output_dir)  # before the slow imports and the folder
    from ..dynamics import Macrospin, Pulse, TableSOT, simulate
    from ..model import RashbaFM
    from ..plotting import plot_comparison, plot_table, plot_trajectory
    from ..studies import critical_current
    from ..studies.compare import constant_equivalent
    from ..studies.switching import auto_dt, relax_time
    from ..tables import TorqueTable, build_table, save_table

    warnings.simplefilter("ignore", RuntimeWarning)
    out = args.output_dir
    os.makedirs(out, exist_ok=True)
    t0 = time.perf_counter()
    model = RashbaFM(**MODEL)
    print(f"[1/4] torque tables for the Ta-like model at eps = {FERMI_ENERGY * 1e3} meV ...", flush=True)
    tabs = {}
    for approx in ("tmatrix", "born"):
        ds = build_table(model, FERMI_ENERGY, approximation=approx, progress=False)
        save_table(ds, os.path.join(out, f"table_{approx}.nc"))
        tabs[approx] = ds
        print(f"      {approx}: {ds.attrs['solver_calls']} solver calls, {ds.sizes['theta']} angles, "
              f"interpolation error < {ds.attrs['interpolation_error_estimate']:.1e}")
    plot_table(tabs["tmatrix"], os.path.join(out, "table_tmatrix.png"))
    magnet = Macrospin(**MAGNET)
    torques = {"T-matrix table": TableSOT(TorqueTable(tabs["tmatrix"]), NM_THICKNESS),
               "Born table": TableSOT(TorqueTable(tabs["born"]), NM_THICKNESS)}
    torques["constant (sphere-averaged DL/FL)"] = constant_equivalent(torques["T-matrix table"], magnet)

    print("[2/4] switching simulation (T-matrix table, 10 mT in-plane field) ...", flush=True)
    pulse = Pulse(**PULSE)
    field = (0.01, 0.0, 0.0)
    dt = auto_dt(magnet, torques["T-matrix table"], pulse.amplitude, field)
    # warm-up: 10 steps of the same kernel, so that the timing below is integration only
    # (numba compiles on first use, or loads its cache)
    tw = time.perf_counter()
    simulate(magnet, torques["T-matrix table"], pulse, field=field, m0=(0, 0, 1),
             t_end=10 * dt, dt=dt, save_every=20)
    warm = time.perf_counter() - tw
    ds = simulate(magnet, torques["T-matrix table"], pulse, field=field, m0=(0, 0, 1),
                  t_end=pulse.end + relax_time(magnet, field), dt=dt, save_every=20)
    plot_trajectory(ds, os.path.join(out, "switching.png"),
                    title=f"J = {pulse.amplitude:.2g} A/m^2, B_x = 10 mT (T-matrix torque)")
    sw = bool(ds["switched"].values[0])
    wall = ds.attrs["wall_time_s"]
    print(f"      kernel compilation/loading {warm:.1f} s (10-step warm-up); then "
          f"{ds.attrs['n_steps']} RK4 steps in "
          f"{wall * 1e3:.0f} ms ({ds.attrs['n_steps'] / wall / 1e6:.2f} M steps/s)")
    print(f"      switched: {sw}; first crossing of m_z = 0 at "
          f"{float(ds['first_crossing_time'].values[0]) * 1e9:.2f} ns, switching time "
          f"(m_z <= -0.5 from then on) {float(ds['switching_time'].values[0]) * 1e9:.2f} ns")

    print("[3/4] critical current against the in-plane field ...", flush=True)
    results = {}
    rows = []
    for label, tq in torques.items():
        jc = []
        for B in FIELDS:
            try:
                r = critical_current(magnet, tq, pulse, field=(B, 0.0, 0.0), bracket=(-1e10, -2e13),
                                     rtol=1e-3)
                jc.append(r.value)
            except ValueError:
                jc.append(np.nan)
        results[label] = (FIELDS, jc)
        rows.append((label, jc))
    plot_comparison(results, os.path.join(out, "critical_current.png"),
                    title="10 ns pulse, slow fall: |J_c| against B_x")

    print("[4/4] summary")
    print(f"      {'B_x (mT)':<34}" + "".join(f"{b * 1e3:>10.0f}" for b in FIELDS))
    for label, jc in rows:
        print(f"      {label:<34}" + "".join(f"{abs(j) / 1e12:>10.3f}" for j in jc) + "  x 1e12 A/m^2")
    from .._io import atomic_write_text as _atomic_write

    text = ["critical current density |J_c| (A/m^2) against in-plane field B_x (T)",
            "B_x " + " ".join(f"{b:g}" for b in FIELDS)]
    text += [f"{label}: " + " ".join(f"{abs(j):.6g}" for j in jc) for label, jc in rows]
    _atomic_write(os.path.join(out, "summary.txt"), "\n".join(text) + "\n")
    print(f"      figures and data in {os.path.abspath(out)}/ "
          f"(table_tmatrix.png, switching.png, critical_current.png); total {time.perf_counter() - t0:.0f} s")
    return 0
