"""``llgsot micromag CONFIG.toml``: micromagnetic vs macrospin critical currents (magnum.np).

Config sections (every key: docs/cli.md, ``llgsot.cli.config.sections``): [layer] (the
fields of :class:`~llgsot.micromagnetics.switching.FreeLayer`), [torques] (a table file, its
Fermi energies, the :class:`~llgsot.TableSOT` parameters, and whether to compare each table
and/or its constant equivalent), [pulse] (its amplitude is searched), [study] (the parameters
of :func:`llgsot.micromagnetics.study.compare` and of the runs, torch threads and compile).
Writes a JSON summary, a markdown table and figures to the output directory.
"""
from __future__ import annotations

import json
import os

from .config import (call_library, command_sections, load_toml, output_dir, pulse_from, section,
                     unknown_sections)

#: keys of [study] for the command line, not for compare()
CLI_STUDY_KEYS = ("threads", "compile")


def register(sub):
    s = sub.add_parser("micromag", help="micromagnetic (magnum.np) vs macrospin critical currents")
    s.add_argument("config")
    s.add_argument("-o", "--output", default="llgsot-micromag", help="output directory")
    s.add_argument("--no-progress", action="store_true")
    s.set_defaults(func=micromag_cmd)


def load_config(path):
    """(layer, torques {name: torque}, pulse, study options) from a TOML file; the study
    options hold every [study] key, absent ones at their (library's) default."""
    from ..dynamics import TableSOT
    from ..micromagnetics.switching import FreeLayer, macrospin_of
    from ..studies.compare import constant_equivalent
    from ..tables import TorqueTable, load_table
    from ..tables.store import select

    cfg = load_toml(path)
    unknown_sections(cfg, command_sections("micromag"))
    lay, t = section(cfg, "layer"), section(cfg, "torques")
    st = section(cfg, "study", defaults=True)
    if st["threads"] < 1:
        raise ValueError(f"config: study.threads must be >= 1, got {st['threads']!r}")
    a, b = st["widen"]
    if not 0 < a < 1 < b:
        raise ValueError(f"config: study.widen must be [a, b] with 0 < a < 1 < b, got {list(st['widen'])!r}")
    pulse = pulse_from(cfg)
    layer = call_library("layer", FreeLayer, **lay)
    fermi = t.pop("fermi_energies")
    energies = fermi if isinstance(fermi, list) else [fermi]
    tables, const = t.pop("tables", True), t.pop("constant_equivalent", True)
    if not (tables or const):
        raise ValueError("config: torques.tables and torques.constant_equivalent are both false")
    name = t.pop("table")
    name = name if os.path.isabs(name) else os.path.join(os.path.dirname(os.path.abspath(path)), name)
    ds = call_library("torques", load_table, path=name)
    magnet = None
    torques = {}
    for fe in energies:
        tab = TorqueTable(call_library("torques", select, ds=ds, how="set torques.{dim}",
                                fermi_energy=float(fe)))
        sot = call_library("torques", TableSOT, table=tab, **t)
        label = f"{float(fe) * 1e3:g} meV"
        if tables:
            torques[f"table {label}"] = sot
        if const:
            magnet = magnet or macrospin_of(layer)
            torques[f"constant {label}"] = constant_equivalent(sot, magnet)
    return layer, torques, pulse, st


def micromag_cmd(args) -> int:
    output_dir("-o/--output", args.output)  # before the config's imports and any folder
    from ..micromagnetics.backend import magnumnp

    layer, torques, pulse, st = load_config(args.config)
    magnumnp(compile=st["compile"])
    import torch

    torch.set_num_threads(st["threads"])
    return run_study(layer, torques, pulse, st, args.output, progress=not args.no_progress)


def study_results(layer, torques, pulse, st, **callbacks) -> list:
    """:func:`llgsot.micromagnetics.study.compare` with the [study] options of ``st``
    (``callbacks``: on_run, progress)."""
    from ..micromagnetics.study import compare

    options = {k: val for k, val in st.items() if k not in CLI_STUDY_KEYS}
    return call_library("study", compare, layer=layer, torques=torques, pulse=pulse, **callbacks,
                 **options)


def run_study(layer, torques, pulse, st, outdir, progress=True, echo=print) -> int:
    """Run the comparison and write summary.json, summary.md and the figures to ``outdir``."""
    from .._io import atomic_write_text
    from ..micromagnetics import plots

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
    results = study_results(layer, torques, pulse, st, on_run=on_run,
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
