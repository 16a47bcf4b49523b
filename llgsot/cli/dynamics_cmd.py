"""``llgsot simulate``, ``llgsot critical-current`` and ``llgsot diagram`` from TOML configs.

Config sections: [magnet] (Macrospin), [torque] (kind = "table" with a table file or a
[model], or kind = "constant"), [pulse], and one of [run], [critical_current], [diagram].
"""
from __future__ import annotations

import json
import os

from .config import NUMBER, grid_values, load_toml, magnet_from, pulse_from, section, torque_from, unknown_sections

RUN_SPEC = {"field": (NUMBER, False, [0.0, 0.0, 0.0]), "m0": (NUMBER, False, [0.0, 0.0, 1.0]),
            "t_end": (NUMBER, True, None), "dt": (NUMBER, False, None), "method": (str, False, "rk4"),
            "temperature": (NUMBER, False, 0.0), "members": (int, False, 1), "seed": (int, False, None),
            "save_every": (int, False, 10), "current": (NUMBER, False, None)}
CC_SPEC = {"field": (NUMBER, False, [0.0, 0.0, 0.0]), "m0": (NUMBER, False, [0.0, 0.0, 1.0]),
           "bracket": (NUMBER, True, None), "rtol": (NUMBER, False, 1e-3), "dt": (NUMBER, False, None),
           "t_relax": (NUMBER, False, None), "temperature": (NUMBER, False, 0.0),
           "members": (int, False, 128), "seed": (int, False, 0)}
GRID = (int, float, dict)  # a list of numbers or {start, stop, num}
DIAGRAM_SPEC = {"currents": (GRID, True, None), "fields": (GRID, False, None),
                "durations": (GRID, False, None),
                "field_direction": (NUMBER, False, [1.0, 0.0, 0.0]),
                "base_field": (NUMBER, False, [0.0, 0.0, 0.0]), "m0": (NUMBER, False, [0.0, 0.0, 1.0]),
                "dt": (NUMBER, False, None), "t_relax": (NUMBER, False, None),
                "temperature": (NUMBER, False, 0.0), "members": (int, False, 1), "seed": (int, False, 0),
                "executor": (str, False, None)}
SECTIONS = ("magnet", "torque", "pulse", "model", "run", "critical_current", "diagram")


def register(sub):
    s = sub.add_parser("simulate", help="one macrospin run from a TOML config ([run] section)")
    s.add_argument("config")
    s.add_argument("-o", "--output", help="netCDF file for the trajectory")
    s.add_argument("--plot", help="PNG of the trajectory")
    s.set_defaults(func=simulate_cmd)
    c = sub.add_parser("critical-current", help="critical current density ([critical_current] section)")
    c.add_argument("config")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.set_defaults(func=critical_cmd)
    d = sub.add_parser("diagram", help="switching diagram ([diagram] section)")
    d.add_argument("config")
    d.add_argument("-o", "--output", required=True, help="netCDF file")
    d.add_argument("--plot", help="PNG of the diagram")
    d.add_argument("--checkpoint", help="checkpoint file (resume a killed sweep)")
    d.add_argument("--no-progress", action="store_true")
    d.set_defaults(func=diagram_cmd)


def _common(path):
    cfg = load_toml(path)
    unknown_sections(cfg, SECTIONS)
    base = os.path.dirname(os.path.abspath(path))
    return cfg, magnet_from(cfg), torque_from(cfg, base)


def _vec(v):
    return tuple(float(x) for x in v)


def simulate_cmd(args) -> int:
    from ..dynamics import simulate

    cfg, magnet, torque = _common(args.config)
    r = section(cfg, "run", RUN_SPEC)
    current = pulse_from(cfg) if "pulse" in cfg else (r["current"] or 0.0)
    if r["dt"] is None:
        from ..studies.switching import auto_dt

        amp = current.amplitude if hasattr(current, "amplitude") else float(current)
        r["dt"] = auto_dt(magnet, torque, amp, _vec(r["field"]), r["temperature"])
    ds = simulate(magnet, torque, current, field=_vec(r["field"]), m0=_vec(r["m0"]), t_end=r["t_end"],
                  dt=r["dt"], method=r["method"], temperature=r["temperature"], members=r["members"],
                  seed=r["seed"], save_every=r["save_every"])
    m = ds["m"].values
    print(f"simulated {ds.attrs['n_steps']} steps of {ds.attrs['dt']:.3g} s ({ds.attrs['method']}), "
          f"{r['members']} member(s), wall {ds.attrs['wall_time_s']:.3g} s")
    print(f"final m (member 0): ({m[-1, 0, 0]:+.4f}, {m[-1, 0, 1]:+.4f}, {m[-1, 0, 2]:+.4f}); "
          f"switched: {int(ds['switched'].values.sum())}/{r['members']}; "
          f"switching time (member 0): {float(ds['switching_time'].values[0]):.4g} s")
    if args.output:
        _save(ds, args.output)
        print(f"wrote {args.output}")
    if args.plot:
        from ..plotting import plot_trajectory

        plot_trajectory(ds, args.plot)
        print(f"wrote {args.plot}")
    return 0


def _save(ds, path):
    """netCDF, atomically; attributes netCDF cannot hold are stored as text."""
    from .._io import atomic_path

    clean = ds.copy()
    for k, val in list(clean.attrs.items()):
        if isinstance(val, (dict, bool)) or val is None:
            clean.attrs[k] = str(val)
    with atomic_path(path, suffix=".nc.tmp") as tmp:
        clean.to_netcdf(tmp, engine="netcdf4")


def critical_cmd(args) -> int:
    from ..studies import critical_current

    cfg, magnet, torque = _common(args.config)
    c = section(cfg, "critical_current", CC_SPEC)
    if not isinstance(c["bracket"], list) or len(c["bracket"]) != 2:
        raise ValueError("config: critical_current.bracket must be [lo, hi] in A/m^2")
    res = critical_current(magnet, torque, pulse_from(cfg), field=_vec(c["field"]), m0=_vec(c["m0"]),
                           bracket=tuple(c["bracket"]), rtol=c["rtol"], dt=c["dt"], t_relax=c["t_relax"],
                           temperature=c["temperature"], members=c["members"], seed=c["seed"])
    if args.json:
        print(json.dumps(res.to_dict(), default=float))
    else:
        lo, hi = res.bracket
        kind = "95 % confidence" if c["temperature"] > 0 else "bisection bracket"
        print(f"critical current density: {res.value:.6g} A/m^2 ({kind}: [{lo:.6g}, {hi:.6g}]), "
              f"{res.evaluations} simulations")
    return 0


def diagram_cmd(args) -> int:
    from ..studies import switching_diagram

    cfg, magnet, torque = _common(args.config)
    d = section(cfg, "diagram", DIAGRAM_SPEC)
    currents = grid_values("diagram.currents", d["currents"])
    fields = grid_values("diagram.fields", d["fields"]) if d["fields"] is not None else None
    durations = grid_values("diagram.durations", d["durations"]) if d["durations"] is not None else None
    ds = switching_diagram(magnet, torque, pulse_from(cfg), currents, fields=fields, durations=durations,
                           field_direction=_vec(d["field_direction"]), base_field=_vec(d["base_field"]),
                           m0=_vec(d["m0"]), dt=d["dt"], t_relax=d["t_relax"], temperature=d["temperature"],
                           members=d["members"], seed=d["seed"], executor=d["executor"],
                           checkpoint=args.checkpoint, progress=not args.no_progress)
    _save(ds, args.output)
    print(f"wrote {args.output} ({ds['switched'].size} points)")
    if args.plot:
        from ..plotting import plot_diagram

        plot_diagram(ds, args.plot)
        print(f"wrote {args.plot}")
    return 0
