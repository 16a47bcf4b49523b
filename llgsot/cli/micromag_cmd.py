"""``llgsot micromag CONFIG.toml``: micromagnetic vs macrospin critical currents (magnum.np).

Config sections: [layer] (FreeLayer), [torques] (a table file, its Fermi energies, the normal
metal, and whether to add each table's constant equivalent), [pulse] (its amplitude is
searched), [study] (brackets, tolerances, sampling, threads). Writes a JSON summary, a
markdown table and figures to the output directory.
"""
from __future__ import annotations

import json
import os

from .config import NUMBER, load_toml, pulse_from, section, unknown_sections

LAYER_SPEC = {"nx": (int, False, 32), "ny": (int, False, 32), "cell": (NUMBER, False, 2e-9),
              "thickness": (NUMBER, False, 1e-9), "Ms": (NUMBER, False, 1e6),
              "A": (NUMBER, False, 1.5e-11), "Ku": (NUMBER, False, 0.7e6),
              "Di": (NUMBER, False, 0.5e-3), "damping": (NUMBER, False, 0.1),
              "field": (NUMBER, False, [0.02, 0.0, 0.0]), "temperature": (NUMBER, False, 0.0)}
TORQUES_SPEC = {"table": (str, True, None), "fermi_energies": (NUMBER, True, None),
                "nm_thickness": (NUMBER, True, None), "constant_equivalent": (bool, False, True),
                "tables": (bool, False, True)}
STUDY_SPEC = {"macrospin_bracket": (NUMBER, True, None), "rtol": (NUMBER, False, 0.05),
              "macrospin_rtol": (NUMBER, False, 1e-3), "relax": (NUMBER, False, 1e-9),
              "sample": (NUMBER, False, 1e-11), "snapshot_times": (NUMBER, False, []),
              "solver_tol": (NUMBER, False, 1e-4), "threads": (int, False, 1),
              "compile": (bool, False, False), "seed": (int, False, None),
              "widen": (NUMBER, False, [0.5, 1.5])}
SECTIONS = ("layer", "torques", "pulse", "study")


def register(sub):
    s = sub.add_parser("micromag", help="micromagnetic (magnum.np) vs macrospin critical currents")
    s.add_argument("config")
    s.add_argument("-o", "--output", default="llgsot-micromag", help="output directory")
    s.add_argument("--no-progress", action="store_true")
    s.set_defaults(func=micromag_cmd)


def load_config(path):
    """(layer, torques {name: torque}, pulse, study options) from a TOML file."""
    from ..dynamics import TableSOT
    from ..micromagnetics.switching import FreeLayer
    from ..studies.compare import constant_equivalent
    from ..tables import TorqueTable, load_table
    from ..tables.store import select

    cfg = load_toml(path)
    unknown_sections(cfg, SECTIONS)
    base = os.path.dirname(os.path.abspath(path))
    raw_t = dict(cfg.get("torques", {}))
    bools_t = {k: raw_t.pop(k) for k in ("constant_equivalent", "tables") if k in raw_t}
    raw_s = dict(cfg.get("study", {}))
    bools_s = {k: raw_s.pop(k) for k in ("compile",) if k in raw_s}
    for name, val in list(bools_t.items()) + list(bools_s.items()):
        if not isinstance(val, bool):
            raise ValueError(f"config: {name} must be true or false, got {val!r}")
    lay = section(cfg, "layer", LAYER_SPEC)
    if not isinstance(lay["field"], list) or len(lay["field"]) != 3:
        raise ValueError(f"config: layer.field must be 3 numbers (T), got {lay['field']!r}")
    try:
        layer = FreeLayer(**lay)
    except ValueError as exc:
        raise ValueError(f"config [layer]: {exc}") from None
    spec_t = {k: s for k, s in TORQUES_SPEC.items() if s[0] is not bool}
    t = section({"torques": raw_t}, "torques", spec_t)
    spec_s = {k: s for k, s in STUDY_SPEC.items() if s[0] is not bool}
    st = section({"study": raw_s}, "study", spec_s)
    st["compile"] = bools_s.get("compile", False)
    energies = t["fermi_energies"] if isinstance(t["fermi_energies"], list) else [t["fermi_energies"]]
    path_t = t["table"] if os.path.isabs(t["table"]) else os.path.join(base, t["table"])
    ds = load_table(path_t)
    from ..micromagnetics.switching import macrospin_of

    magnet = None
    torques = {}
    for fe in energies:
        tab = TorqueTable(select(ds, "set torques.{dim}", fermi_energy=float(fe)))
        sot = TableSOT(tab, t["nm_thickness"])
        label = f"{float(fe) * 1e3:g} meV"
        if bools_t.get("tables", True):
            torques[f"table {label}"] = sot
        if bools_t.get("constant_equivalent", True):
            magnet = magnet or macrospin_of(layer)
            torques[f"constant {label}"] = constant_equivalent(sot, magnet)
    if not torques:
        raise ValueError("config: torques.tables and torques.constant_equivalent are both false")
    w = st["widen"]
    if not isinstance(w, list) or len(w) != 2 or not 0 < w[0] < 1 < w[1]:
        raise ValueError(f"config: study.widen must be [a, b] with 0 < a < 1 < b, got {w!r}")
    mb = st["macrospin_bracket"]
    if not isinstance(mb, list) or len(mb) != 2:
        raise ValueError(f"config: study.macrospin_bracket must be 2 numbers (A/m^2), got {mb!r}")
    return layer, torques, pulse_from(cfg), st


def micromag_cmd(args) -> int:
    from ..micromagnetics.backend import magnumnp

    layer, torques, pulse, st = load_config(args.config)
    magnumnp(compile=st["compile"])
    import torch

    torch.set_num_threads(st["threads"])
    if st["seed"] is not None:
        torch.manual_seed(st["seed"])
    return run_study(layer, torques, pulse, st, args.output, progress=not args.no_progress)


def run_study(layer, torques, pulse, st, outdir, progress=True, echo=print) -> int:
    """Run the comparison and write summary.json, summary.md and the figures to ``outdir``."""
    from .._io import atomic_write_text
    from ..micromagnetics import plots
    from ..micromagnetics.study import compare

    os.makedirs(outdir, exist_ok=True)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=1.0, desc="llgsot micromag", unit="run", leave=False,
                   bar_format="{desc}: {percentage:3.0f}% of the run |{bar}| {postfix}")

    def on_progress(t, t_end):
        if bar is not None:
            bar.n = min(1.0, t / t_end)
            bar.refresh()

    def on_run(name, run):
        echo(f"  {name}: J = {run.amplitude:.4g} A/m^2 -> "
             f"{'switched' if run.switched else 'not switched'} (mean m_z = {run.final_mz:+.3f}, "
             f"{run.steps} steps, {run.wall:.1f} s)")

    echo(f"llgsot micromag: {layer.describe()}")
    echo(f"  {pulse.describe()}; torques: {', '.join(torques)}")
    results = compare(layer, torques, pulse, tuple(st["macrospin_bracket"]), rtol=st["rtol"],
                      macrospin_rtol=st["macrospin_rtol"], relax=st["relax"], on_run=on_run,
                      widen=tuple(st["widen"]),
                      sample=st["sample"], snapshot_times=tuple(st["snapshot_times"]),
                      solver_tol=st["solver_tol"],
                      progress=on_progress if bar is not None else None)
    if bar is not None:
        bar.close()
    rows = [r.row() for r in results]
    summary = {"layer": layer.describe(), "pulse": pulse.describe(), "units": "A/m^2",
               "results": rows}
    atomic_write_text(os.path.join(outdir, "summary.json"), json.dumps(summary, indent=2) + "\n")
    atomic_write_text(os.path.join(outdir, "summary.md"), markdown_table(rows))
    plots.plot_critical(results, os.path.join(outdir, "critical_currents.png"))
    plots.plot_mz(results, os.path.join(outdir, "mz.png"))
    for k, res in enumerate(results):
        if len(res.switching_run().snapshot_times):
            plots.plot_snapshots(res, os.path.join(outdir, f"snapshots_{k}.png"), layer)
    echo(markdown_table(rows))
    echo(f"wrote {outdir}/summary.json, summary.md and figures")
    return 0


def markdown_table(rows) -> str:
    lines = ["| torque | macrospin J_c (1e12 A/m^2) | micromagnetic J_c (1e12 A/m^2) | "
             "micromagnetic bracket | ratio | runs | wall (s) |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        b = r["micromagnetic_bracket"]
        lines.append(f"| {r['torque']} | {r['macrospin_Jc'] / 1e12:.4f} | "
                     f"{r['micromagnetic_Jc'] / 1e12:.4f} | [{b[0] / 1e12:.4f}, {b[1] / 1e12:.4f}] | "
                     f"{r['ratio']:.3f} | {r['runs']} | {r['wall_s']:.0f} |")
    return "\n".join(lines) + "\n"
