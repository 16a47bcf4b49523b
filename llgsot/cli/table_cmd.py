"""``llgsot table build|show|plot|export``."""
from __future__ import annotations

import numpy as np

from ..export import FORMATS as EXPORT_FORMATS
from .config import command_sections, load_toml, model_from, output_path, section, unknown_sections


def register(sub):
    p = sub.add_parser("table", help="build, show, plot and export torque tables")
    tsub = p.add_subparsers(dest="table_command", metavar="ACTION")
    b = tsub.add_parser("build", help="build a table from a TOML config",
                        description="Config: [model] (kind and that model's parameters) and [table] "
                                    "(fermi_energy, approximation, regime, tol, theta, ...); "
                                    "every key: docs/cli.md. Writes only the -o file (and the "
                                    "--checkpoint file if given).")
    b.add_argument("config")
    b.add_argument("-o", "--output", required=True, help="netCDF file to write")
    b.add_argument("--checkpoint", help="checkpoint file (resume a killed build)")
    b.add_argument("--no-progress", action="store_true")
    b.set_defaults(func=build)
    s = tsub.add_parser("show", help="summarize a table file")
    s.add_argument("file")
    s.set_defaults(func=show)
    pl = tsub.add_parser("plot", help="plot a table file")
    pl.add_argument("file")
    pl.add_argument("-o", "--output", required=True, help="PNG to write")
    pl.set_defaults(func=plot)
    e = tsub.add_parser("export", help="export a table for another tool")
    e.add_argument("file")
    e.add_argument("--format", required=True, choices=list(EXPORT_FORMATS))
    e.add_argument("-o", "--output", required=True)
    e.add_argument("--fermi-energy", type=float, help="select one value of an extra dimension (eV)")
    e.add_argument("--impurity-strength", type=float, help="select one value (eV nm^2)")
    e.add_argument("--ms", type=float, help="mumax3/magnumnp: Ms of the free layer (A/m)")
    e.add_argument("--thickness", type=float, help="mumax3/magnumnp: free-layer thickness (m)")
    e.add_argument("--nm-thickness", type=float, help="mumax3/magnumnp: normal-metal thickness (m)")
    e.add_argument("--current-density", type=float, help="mumax3/magnumnp: J in the normal metal (A/m^2)")
    e.add_argument("--direction", type=float, default=0.0, help="current angle from x (rad)")
    e.add_argument("--degree", type=int, default=8, help="mumax3: polynomial degree in m_z^2")
    e.add_argument("--max-error", type=float, default=None,
                   help="mumax3: largest field error accepted (default 1e-3, 2e-3 with jumps)")
    e.add_argument("--jump-width", type=float, default=0.02,
                   help="mumax3: width of the step that represents a jump (rad of theta)")
    e.add_argument("--pulse", metavar="DURATION[,RISE,FALL,DELAY]", type=pulse_times,
                   help="mumax3: a current pulse of amplitude --current-density (s)")
    e.add_argument("--time-parameter", default="exx",
                   help="mumax3: the parameter that carries J(t)/J (must be unused in the run)")
    e.set_defaults(func=export)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])


def pulse_times(text) -> tuple:
    """The value of --pulse: 1 to 4 finite numbers (s) separated by commas (an argparse
    type: a value that does not parse is an error naming the flag)."""
    import argparse
    import math

    try:
        times = tuple(float(x) for x in text.split(","))
    except ValueError:
        times = ()
    if not 1 <= len(times) <= 4 or not all(math.isfinite(t) for t in times):
        raise argparse.ArgumentTypeError(f"takes DURATION[,RISE,FALL,DELAY], 1 to 4 finite "
                                         f"numbers in s, got {text!r}")
    return times


def build(args) -> int:
    output_path("-o/--output", args.output)
    if args.checkpoint is not None:
        output_path("--checkpoint", args.checkpoint)
    from ..tables.build import build_table
    from ..tables.store import save_table

    cfg = load_toml(args.config)
    unknown_sections(cfg, command_sections("table build"))
    model = model_from(cfg)
    t = section(cfg, "table")
    ds = build_table(model, progress=not args.no_progress, checkpoint=args.checkpoint, **t)
    save_table(ds, args.output)
    from ..tables.sphere.schema import is_sphere_table

    size = (f"a sphere table of {ds.sizes['phi']} azimuth lines" if is_sphere_table(ds.attrs)
            else f"{ds.sizes['theta']} angles")
    err = ds.attrs.get("interpolation_error_estimate")
    print(f"wrote {args.output}: {size}, {ds.attrs['solver_calls']} solver calls"
          + (f", interpolation error estimate {err:.2g}" if err is not None else ""))
    return 0


def show(args) -> int:
    from ..tables.store import load_table

    ds = load_table(args.file)
    a = ds.attrs
    print(f"llgsot torque table {args.file}")
    for k in ("m_eff", "alpha", "delta_xc", "impurity_density", "impurity_strength", "cutoff",
              "approximation", "regime", "rtol", "tol", "grid", "solver_calls",
              "interpolation_error_estimate", "llgsot_version", "created"):
        if k in a:
            print(f"  {k:<30} {a[k]}")
    print(f"  dims: {dict(ds.sizes)}")
    from ..tables.sphere.schema import is_sphere_table

    if is_sphere_table(a):  # lines over phi, each with its own theta nodes
        print(f"  sphere table: {ds.sizes['phi']} azimuth lines, point group "
              f"{a.get('point_group', '?')}")
        return 0
    th = ds.theta.values
    J = np.asarray(ds.jump_after.values)
    jumps = th[:-1][(J.reshape(-1, J.shape[-1]).any(axis=0))[:-1]] if J.size else []
    print(f"  theta: {len(th)} angles in [{th[0]:.4g}, {th[-1]:.4g}] rad; jumps near: "
          + (", ".join(f"{x:.5f}" for x in jumps) if len(jumps) else "none"))
    for name in ("tau1o", "tau1e", "tau2e", "tau2o"):
        v = ds[name].values
        print(f"  {name:<6} range [{np.nanmin(v):.4g}, {np.nanmax(v):.4g}] 1/(A m)")
    return 0


def plot(args) -> int:
    output_path("-o/--output", args.output)
    from ..plotting import plot_table
    from ..tables.store import load_table

    plot_table(load_table(args.file), args.output)
    print(f"wrote {args.output}")
    return 0


def export(args) -> int:
    from ..export import NEEDS_DEVICE, Device, export as write

    output_path("-o/--output", args.output)
    need = {"--ms": args.ms, "--thickness": args.thickness, "--nm-thickness": args.nm_thickness,
            "--current-density": args.current_density}
    with_device = args.format in NEEDS_DEVICE or all(val is not None for val in need.values())
    missing = [k for k, val in need.items() if val is None]
    if with_device and missing:  # the flags are checked before the table is read
        raise ValueError(f"--format {args.format} needs {', '.join(missing)}")
    device = None
    if with_device:
        device = Device(args.ms, args.thickness, args.nm_thickness, args.current_density,
                        args.direction)
    values = {"fermi_energy": args.fermi_energy, "impurity_strength": args.impurity_strength}
    options = {}
    if args.format == "mumax3":
        options = {"degree": args.degree, "max_error": args.max_error,
                   "jump_width": args.jump_width, "time_parameter": args.time_parameter}
        if args.pulse:
            from ..dynamics.drive import Pulse

            keys = ("duration", "rise", "fall", "delay")
            options["current"] = Pulse(args.current_density, **dict(zip(keys, args.pulse)))
    elif args.format == "magnumnp":
        options = {"table_path": args.file, **{k: v for k, v in values.items() if v is not None}}
    from ..tables.interpolate import TorqueTable
    from ..tables.store import load_table, select

    ds = select(load_table(args.file), "choose one with --fermi-energy or --impurity-strength", **values)
    tt = TorqueTable(ds)
    write(tt, args.output, args.format, device, **options)
    print(f"wrote {args.output}")
    return 0
