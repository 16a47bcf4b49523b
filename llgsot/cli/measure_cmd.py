"""``llgsot harmonic-hall`` and ``llgsot st-fmr`` from TOML configs.

Config sections: [magnet], [torque] (as for ``llgsot simulate``), [model] (optional, for a
table built on the fly), and [harmonic_hall] or [st_fmr], whose keys are the parameters of
:func:`llgsot.harmonic_hall` / :func:`llgsot.st_fmr` (``llgsot.cli.config.sections``;
reference: docs/cli.md), plus ``analysis``:

    [harmonic_hall]
    current = 1e11                        # A/m^2, amplitude of J0 sin(wt)
    fields = {start = -0.1, stop = 0.1, num = 41}   # T (or a list)
    field_azimuth = [0.0, 1.5707963267948966]       # rad (number or list)
    R_ahe = 1.0                           # ohm
    R_phe = 0.3                           # ohm
    analysis = "hayashi"                  # "hayashi", "avci" or "none"

    [st_fmr]
    current = 1e10                        # A/m^2
    frequency = 6e9                       # Hz (number or list)
    fields = {start = 0.02, stop = 0.2, num = 181}
    nm_thickness = 6e-9                   # m
"""
from __future__ import annotations

import os

import numpy as np

from .._io import save_dataset
from .config import (call_library, command_sections, load_toml, magnet_from, output_path,
                     section, sections, strict_json, torque_from, unknown_sections)

#: command: (the sweep's section, the analysis options' section)
MEASUREMENTS = {"harmonic-hall": ("harmonic_hall", "hall_analysis"),
                "st-fmr": ("st_fmr", "fmr_analysis")}


def register(sub):
    for name, func, helptext in (("harmonic-hall", harmonic_hall_cmd,
                                  "simulated harmonic Hall sweep ([harmonic_hall] section)"),
                                 ("st-fmr", st_fmr_cmd, "simulated ST-FMR sweep ([st_fmr] section)")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("config")
        p.add_argument("-o", "--output", help="netCDF file for the dataset")
        p.add_argument("--plot", help="PNG of the curves")
        p.add_argument("--json", action="store_true", help="print the analysis as one JSON object")
        p.set_defaults(func=func)


def _common(args, command):
    """(magnet, torque, {library keyword: value} of the sweep's section, the analysis, its
    options); the output paths are checked first."""
    for flag, out in (("-o/--output", args.output), ("--plot", args.plot)):
        if out is not None:
            output_path(flag, out)
    path = args.config
    cfg = load_toml(path)
    unknown_sections(cfg, command_sections(command))
    sweep, options_section = MEASUREMENTS[command]
    c = section(cfg, sweep)  # the sweep's own keys first: no table is built for a typo there
    base = os.path.dirname(os.path.abspath(path))
    analysis = c.pop("analysis", sections()[sweep].keys["analysis"].default)
    options = section(cfg, options_section, required=False)
    return magnet_from(cfg), torque_from(cfg, base), c, analysis, options


def harmonic_hall_cmd(args) -> int:
    magnet, torque, c, analysis, options = _common(args, "harmonic-hall")
    from ..measurements import analyze_harmonic_hall, harmonic_hall

    ds = call_library("harmonic_hall", harmonic_hall, magnet=magnet, torque=torque, **c)
    analyze = None if analysis == "none" else (
        lambda: call_library(MEASUREMENTS["harmonic-hall"], analyze_harmonic_hall, ds=ds,
                             method=analysis, **options))
    return _finish(args, ds, analyze, "harmonic Hall",
                   lambda r: f"B_DL = {r['B_DL']:.6g} T +- {r['B_DL_err']:.2g}, B_FL = {r['B_FL']:.6g} T "
                             f"(SOT part {r['B_FL_sot']:.6g} T) +- {r['B_FL_err']:.2g} ({r['method']})")


def st_fmr_cmd(args) -> int:
    magnet, torque, c, analysis, options = _common(args, "st-fmr")
    from ..measurements import analyze_st_fmr, st_fmr

    ds = call_library("st_fmr", st_fmr, magnet=magnet, torque=torque, **c)
    analyze = None if analysis == "none" else (
        lambda: call_library(MEASUREMENTS["st-fmr"], analyze_st_fmr, ds=ds, **options))

    def line(r):
        xi = r["xi_fmr_mean"] if "xi_fmr_mean" in r else np.mean(r["xi_fmr"])  # 1 or more
        return (f"xi_FMR = {xi:.6g}, B_M = mu0 M_eff = {r['effective_field']:.6g} T"
                + (f", damping_eff = {r['damping_eff']:.4g}" if "damping_eff" in r else ""))

    return _finish(args, ds, analyze, "ST-FMR", line)


# an analysis error names both sections: the sweep's values ([st_fmr]) or the analysis
# options ([fmr_analysis]) may be the cause ("config [st_fmr]/[fmr_analysis]: ...")


def _finish(args, ds, analyze, what, line):
    """Write the dataset and the plot first, then analyse: a simulation is never lost to an
    analysis that cannot fit it."""
    n = ds["field"].size
    if args.output:
        save_dataset(ds, args.output)
    if args.plot:
        from ..measurements import plots

        (plots.plot_harmonic_hall if "R_2w" in ds else plots.plot_st_fmr)(ds, args.plot)
    try:
        res = None if analyze is None else analyze()
    except ValueError as exc:
        kept = [p for p in (args.output, args.plot) if p]
        raise ValueError(f"{exc}" + (f" (the simulation was written: {', '.join(kept)})" if kept else "")) from None
    if args.json:
        print(strict_json(res or {}))
        return 0
    print(f"simulated {what}: {n} fields")
    if res is not None:
        print(line(res))
    for label, path in (("dataset", args.output), ("plot", args.plot)):
        if path:
            print(f"wrote {label} {path}")
    return 0
