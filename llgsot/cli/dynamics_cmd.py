"""``llgsot simulate``, ``llgsot critical-current`` and ``llgsot diagram`` from TOML configs.

Config sections: [magnet] (Macrospin), [torque] (kind = "table" with a table file or a
[model], or kind = "constant"), [pulse], and one of [run], [critical_current], [diagram].
"""
from __future__ import annotations

import os

from .._io import save_dataset
from .parsers import sweep_parser
from .config import (command_sections, load_toml, magnet_from, output_path, pulse_from, section,
                     strict_json, torque_from, unknown_sections)

#: the commands of this module: a config may be shared between them (one [magnet], [torque]
#: and [pulse] with a [run], a [critical_current] and a [diagram])
COMMANDS = ("simulate", "critical-current", "diagram")
REFERENCE = "Every section and key: docs/cli.md."


def register(sub):
    s = sub.add_parser("simulate", help="one macrospin run from a TOML config ([run] section)",
                       description=__doc__.split("\n\n")[1].replace("\n", " ") + " " + REFERENCE)
    s.add_argument("config", help="TOML file: [magnet], [torque], [run], optional [pulse], [model]")
    s.add_argument("-o", "--output", help="netCDF file for the trajectory")
    s.add_argument("--plot", help="PNG of the trajectory")
    s.set_defaults(func=simulate_cmd)
    c = sub.add_parser("critical-current", help="critical current density ([critical_current] section)",
                       description="The critical current density of [pulse]. " + REFERENCE)
    c.add_argument("config", help="TOML file: [magnet], [torque], [pulse], [critical_current]")
    c.add_argument("--json", action="store_true", help="print one JSON object (strict: NaN is null)")
    c.set_defaults(func=critical_cmd)
    sweep_parser(sub, "diagram", "switching diagram ([diagram] section)",
                 "A switching diagram over (current, field) or (current, duration). " + REFERENCE,
                 "TOML file: [magnet], [torque], [pulse], [diagram]", "PNG of the diagram",
                 diagram_cmd)


def _common(path, command_section):
    cfg = load_toml(path)
    unknown_sections(cfg, command_sections(*COMMANDS))
    sec = section(cfg, command_section)
    base = os.path.dirname(os.path.abspath(path))
    return cfg, sec, magnet_from(cfg), torque_from(cfg, base)


def _check_outputs(*flags) -> None:
    """Check each given (flag, path) output before any computation (a None path: not asked)."""
    for flag, path in flags:
        if path is not None:
            output_path(flag, path)


def _write(ds, output, plot, plotter: str, note: str = "") -> None:
    """Save ``ds`` to ``output`` and draw it with ``llgsot.plotting.<plotter>`` into ``plot``
    (each only if given), printing every path written (``note`` after the dataset's)."""
    if output is not None:
        save_dataset(ds, output)
        print(f"wrote {output}{note}")
    if plot is not None:
        from .. import plotting

        getattr(plotting, plotter)(ds, plot)
        print(f"wrote {plot}")


def simulate_cmd(args) -> int:
    _check_outputs(("-o/--output", args.output), ("--plot", args.plot))
    from ..dynamics import simulate

    cfg, r, magnet, torque = _common(args.config, "run")
    if "pulse" in cfg and "current" in r:
        raise ValueError("config: run.current applies only without a [pulse] section")
    current = pulse_from(cfg) if "pulse" in cfg else r.pop("current", 0.0)
    if r.get("dt") is None:
        from ..studies.switching import auto_dt

        amp = current.amplitude if hasattr(current, "amplitude") else float(current)
        r["dt"] = auto_dt(magnet, torque, amp, r.get("field", (0.0, 0.0, 0.0)), r.get("temperature", 0.0))
    ds = simulate(magnet, torque, current, **r)
    m = ds["m"].values
    members = ds.attrs["members"]
    print(f"simulated {ds.attrs['n_steps']} steps of {ds.attrs['dt']:.3g} s ({ds.attrs['method']}), "
          f"{members} member(s), wall {ds.attrs['wall_time_s']:.3g} s")
    print(f"final m (member 0): ({m[-1, 0, 0]:+.4f}, {m[-1, 0, 1]:+.4f}, {m[-1, 0, 2]:+.4f}); "
          f"switched: {int(ds['switched'].values.sum())}/{members}; "
          f"switching time (member 0): {float(ds['switching_time'].values[0]):.4g} s")
    _write(ds, args.output, args.plot, "plot_trajectory")
    return 0


def critical_cmd(args) -> int:
    from ..studies import critical_current

    cfg, c, magnet, torque = _common(args.config, "critical_current")
    res = critical_current(magnet, torque, pulse_from(cfg), **c)
    if args.json:
        print(strict_json(res.to_dict()))
    else:
        lo, hi = res.bracket
        kind = "95 % confidence" if res.details.get("temperature", 0.0) > 0 else "bisection bracket"
        print(f"critical current density: {res.value:.6g} A/m^2 ({kind}: [{lo:.6g}, {hi:.6g}]), "
              f"{res.evaluations} simulations")
    return 0


def diagram_cmd(args) -> int:
    _check_outputs(("-o/--output", args.output), ("--plot", args.plot), ("--checkpoint", args.checkpoint))
    from ..studies import switching_diagram

    cfg, d, magnet, torque = _common(args.config, "diagram")
    ds = switching_diagram(magnet, torque, pulse_from(cfg), checkpoint=args.checkpoint,
                           progress=not args.no_progress, **d)
    _write(ds, args.output, args.plot, "plot_diagram", f" ({ds['switched'].size} points)")
    return 0
