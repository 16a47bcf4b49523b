"""``llgsot harmonic-hall`` and ``llgsot st-fmr`` from TOML configs.

Config sections: [magnet], [torque] (as for ``llgsot simulate``), [model] (optional, for a
table built on the fly), and [harmonic_hall] or [st_fmr]:

    [harmonic_hall]
    current = 1e11                        # A/m^2, amplitude of J0 sin(wt)
    fields = {start = -0.1, stop = 0.1, num = 41}   # T (or a list)
    field_azimuth = [0.0, 1.5707963267948966]       # rad (number or list)
    field_polar = 1.5707963267948966      # rad
    R_ahe = 1.0                           # ohm
    R_phe = 0.0                           # ohm
    current_direction = 0.0               # rad
    nm_thickness = 5e-9                   # m (optional; a table torque has its own)
    method = "quasistatic"                # or "dynamic"
    m0 = [0.0, 0.0, 1.0]                  # optional branch guess
    analysis = "hayashi"                  # "hayashi", "avci" or "none"

    [st_fmr]
    current = 1e10                        # A/m^2
    frequency = 6e9                       # Hz (number or list)
    fields = {start = 0.02, stop = 0.2, num = 181}
    field_azimuth = 0.7853981633974483    # rad
    nm_thickness = 6e-9                   # m
    R_amr = 1.0                           # ohm
    rf_current = 1e-3                     # A
"""
from __future__ import annotations

import math
import os

from .._io import save_dataset
from .config import (NUMBER, grid_values, load_toml, magnet_from, section, strict_json,
                     torque_from, unknown_sections)

GRID = (int, float, dict)
HH_SPEC = {"current": (NUMBER, True, None), "fields": (GRID, True, None),
           "field_azimuth": (NUMBER, False, 0.0), "field_polar": (NUMBER, False, math.pi / 2),
           "R_ahe": (NUMBER, False, 1.0), "R_phe": (NUMBER, False, 0.0),
           "current_direction": (NUMBER, False, 0.0), "nm_thickness": (NUMBER, False, None),
           "method": (str, False, "quasistatic"), "m0": (NUMBER, False, None),
           "frequency": (NUMBER, False, 1e7), "analysis": (str, False, "hayashi")}
FMR_SPEC = {"current": (NUMBER, True, None), "frequency": (NUMBER, True, None),
            "fields": (GRID, True, None), "field_azimuth": (NUMBER, False, math.pi / 4),
            "nm_thickness": (NUMBER, False, None), "R_amr": (NUMBER, False, 1.0),
            "current_direction": (NUMBER, False, 0.0), "rf_current": (NUMBER, False, 1e-3),
            "analysis": (str, False, "liu")}
SECTIONS = ("magnet", "torque", "model", "harmonic_hall", "st_fmr")


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


def _common(path, name, spec):
    cfg = load_toml(path)
    unknown_sections(cfg, SECTIONS)
    base = os.path.dirname(os.path.abspath(path))
    return magnet_from(cfg), torque_from(cfg, base), section(cfg, name, spec)


def harmonic_hall_cmd(args) -> int:
    from ..measurements import analyze_harmonic_hall, harmonic_hall

    magnet, torque, c = _common(args.config, "harmonic_hall", HH_SPEC)
    if c["analysis"] not in ("hayashi", "avci", "none"):
        raise ValueError(f"config: harmonic_hall.analysis must be 'hayashi', 'avci' or 'none', "
                         f"got {c['analysis']!r}")
    m0 = c["m0"]
    if m0 is not None and (not isinstance(m0, list) or len(m0) != 3):
        raise ValueError(f"config: harmonic_hall.m0 must be a list of 3 numbers, got {m0!r}")
    az = c["field_azimuth"]
    ds = harmonic_hall(magnet, torque, c["current"], grid_values("harmonic_hall.fields", c["fields"]),
                       field_azimuth=az, field_polar=c["field_polar"], R_ahe=c["R_ahe"], R_phe=c["R_phe"],
                       current_direction=c["current_direction"], nm_thickness=c["nm_thickness"],
                       method=c["method"], m0=m0, frequency=c["frequency"])
    res = None if c["analysis"] == "none" else analyze_harmonic_hall(ds, c["analysis"])
    return _finish(args, ds, res, "harmonic Hall",
                   lambda r: f"B_DL = {r['B_DL']:.6g} T +- {r['B_DL_err']:.2g}, B_FL = {r['B_FL']:.6g} T "
                             f"(SOT part {r['B_FL_sot']:.6g} T) +- {r['B_FL_err']:.2g} ({r['method']})")


def st_fmr_cmd(args) -> int:
    from ..measurements import analyze_st_fmr, st_fmr

    magnet, torque, c = _common(args.config, "st_fmr", FMR_SPEC)
    if c["analysis"] not in ("liu", "none"):
        raise ValueError(f"config: st_fmr.analysis must be 'liu' or 'none', got {c['analysis']!r}")
    f = c["frequency"]
    ds = st_fmr(magnet, torque, c["current"], f, grid_values("st_fmr.fields", c["fields"]),
                field_azimuth=c["field_azimuth"], nm_thickness=c["nm_thickness"], R_amr=c["R_amr"],
                current_direction=c["current_direction"], rf_current=c["rf_current"])
    res = None if c["analysis"] == "none" else analyze_st_fmr(ds)

    def line(r):
        xi = r["xi_fmr"] if not isinstance(r["xi_fmr"], list) else r["xi_fmr_mean"]
        return (f"xi_FMR = {xi:.6g}, B_M = mu0 M_eff = {r['effective_field']:.6g} T"
                + (f", damping_eff = {r['damping_eff']:.4g}" if "damping_eff" in r else ""))

    return _finish(args, ds, res, "ST-FMR", line)


def _finish(args, ds, res, what, line):
    n = ds["field"].size
    if args.output:
        save_dataset(ds, args.output)
    if args.plot:
        from ..measurements import plots

        (plots.plot_harmonic_hall if "R_2w" in ds else plots.plot_st_fmr)(ds, args.plot)
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
