"""Micromagnetic vs macrospin SOT switching with the Fig. 4 torque tables (docs/micromagnetics.md).

A perpendicular free layer, 64 x 64 x 1 nm^3 on 16 x 16 cells of 4 nm (coarser than the
2 nm of a converged study: on a CPU a 32 x 32 mesh of 2 nm cells costs ~3.5x more per run),
with exchange, demag, uniaxial anisotropy, interfacial DMI and a 20 mT in-plane field, under
a 0.5 ns current pulse. For the Fig. 4(a) (4.5 meV, spin gap) and 4(b) (5.5 meV) tables and
for each table's constant equivalent (llgsot.studies.compare.constant_equivalent), the
critical current of the macrospin (same material, magnum.np's demag factors and gamma) and of
the micromagnetic layer, both by llgsot.studies.critical.bisect.

    python examples/micromagnetic_switching.py [--workers 2] [--out docs] [--scan-only]

Runs the torques on ``--workers`` processes of one torch thread each (about 6-7 min on two
free cores). Writes docs/figures/micromag_*.png and docs/micromagnetics_numbers.md, and a
macrospin switching map over the current (docs/micromagnetics_scan.md; --scan-only: only that,
seconds): under a 0.5 ns pulse the macrospin switches precessionally, in windows of current.
"""
import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, os.pardir, "tables", "fig4.nc")
PULSE = dict(amplitude=-1e12, duration=0.5e-9, rise=0.1e-9, fall=0.2e-9)
STUDY = dict(rtol=0.1, widen=(0.7, 1.3), relax=1.0e-9, sample=1e-11, solver_tol=1e-4,
             snapshot_times=(0.0, 0.1e-9, 0.2e-9, 0.3e-9, 0.45e-9, 0.6e-9, 0.8e-9, 1.2e-9))
MACROSPIN_BRACKET = (-1e10, -3e12)


def layer():
    from llgsot.micromagnetics import FreeLayer

    return FreeLayer(nx=16, ny=16, cell=4e-9, thickness=1e-9, Ms=1e6, A=1.5e-11, Ku=0.7e6,
                     Di=0.5e-3, damping=0.1, field=(0.02, 0.0, 0.0))


def torques():
    import llgsot
    from llgsot.micromagnetics import macrospin_of
    from llgsot.studies.compare import constant_equivalent

    ds = llgsot.load_table(TABLE)
    magnet = macrospin_of(layer())
    out = {}
    for fe, fig in ((4.5e-3, "4(a)"), (5.5e-3, "4(b)")):
        sot = llgsot.TableSOT(llgsot.TorqueTable(ds.sel(fermi_energy=fe)), nm_thickness=5e-9)
        out[f"table {fig}"] = sot
        out[f"constant {fig}"] = constant_equivalent(sot, magnet)
    return out


def one_torque(name):
    import torch

    import llgsot
    from llgsot.micromagnetics import magnumnp
    from llgsot.micromagnetics.study import compare

    magnumnp(compile=False)
    torch.set_num_threads(1)
    t0 = time.process_time()

    def on_run(n, run):
        print(f"  {n}: J = {run.amplitude:.4g} A/m^2 -> {'switched' if run.switched else 'stays'} "
              f"(mean m_z {run.final_mz:+.3f}, {run.steps} steps, {run.wall:.0f} s)", flush=True)

    (res,) = compare(layer(), {name: torques()[name]}, llgsot.Pulse(**PULSE), MACROSPIN_BRACKET,
                     on_run=on_run, **STUDY)
    res.cpu = time.process_time() - t0
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(HERE, os.pardir, "docs"))
    ap.add_argument("--scan-only", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(HERE, os.pardir))
    macrospin_scan(args.out)
    if args.scan_only:
        return
    names = ["table 4(a)", "constant 4(a)", "table 4(b)", "constant 4(b)"]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(one_torque, names))
    wall = time.perf_counter() - t0
    write(results, args.out, wall, args.workers)


def macrospin_scan(out, step=0.03e12):
    """Switched (1) or not (0) for the macrospin of the layer at |J| = 0.30 ... 1.20e12 A/m^2."""
    import numpy as np

    import llgsot
    from llgsot._io import atomic_write_text
    from llgsot.micromagnetics import macrospin_of
    from llgsot.studies.switching import switched_fraction

    magnet = macrospin_of(layer())
    pulse = llgsot.Pulse(**PULSE)
    Js = -np.arange(0.30e12, 1.2e12 + step / 2, step)
    lines = ["# Macrospin switching map of the micromagnetic study's layer and pulse", "",
             f"{magnet!r}; pulse {PULSE}; relaxation {STUDY['relax']:g} s; 1 = switched, for "
             f"|J| = {-Js[0] / 1e12:.2f}, {-Js[1] / 1e12:.2f}, ... {-Js[-1] / 1e12:.2f}e12 A/m^2", ""]
    for name, tq in torques().items():
        s = [switched_fraction(magnet, tq, pulse, J, layer().field, (0.0, 0.0, 1.0), None,
                               STUDY["relax"])[0] for J in Js]
        first = next((-J for J, k in zip(Js, s) if k), float("nan"))
        lines.append(f"* {name}: `{''.join(map(str, s))}` (first switch at {first / 1e12:.2f}e12)")
    atomic_write_text(os.path.join(out, "micromagnetics_scan.md"), "\n".join(lines) + "\n")
    print("\n".join(lines))


def write(results, out, wall, workers):
    from llgsot._io import atomic_write_text
    from llgsot.cli.micromag_cmd import markdown_table
    from llgsot.micromagnetics import plots

    fig = os.path.join(out, "figures")
    os.makedirs(fig, exist_ok=True)
    plots.plot_critical(results, os.path.join(fig, "micromag_critical.png"))
    plots.plot_mz(results, os.path.join(fig, "micromag_mz.png"))
    for res in results:
        tag = res.name.replace(" ", "_").replace("(", "").replace(")", "")
        plots.plot_snapshots(res, os.path.join(fig, f"micromag_snapshots_{tag}.png"), layer())
    rows = [r.row() for r in results]
    cpu = sum(r.cpu for r in results)
    lines = ["# Micromagnetic vs macrospin critical currents (examples/micromagnetic_switching.py)",
             "", f"Layer: {layer().describe()}", "",
             f"Pulse: {PULSE} (amplitude searched), relaxation {STUDY['relax']:g} s; "
             f"micromagnetic bisection rtol {STUDY['rtol']}, macrospin rtol 1e-3; "
             f"RKF45 tolerance {STUDY['solver_tol']:g}.", "",
             markdown_table(rows), "",
             "Runs (J in A/m^2, switched, final mean m_z, wall s):", ""]
    for r in results:
        hist = ", ".join(f"({J:.4g}, {int(s)}, {mz:+.2f}, {w:.0f})"
                         for J, s, mz, w in r.micromagnetic.details["history"])
        lines.append(f"* {r.name}: {hist}")
    lines += ["", f"Total: wall {wall:.0f} s on {workers} worker process(es), CPU {cpu:.0f} s."]
    atomic_write_text(os.path.join(out, "micromagnetics_numbers.md"), "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
