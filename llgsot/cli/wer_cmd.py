"""``llgsot wer CONFIG.toml``: the write-error-rate waterfall (and read disturb) from a config.

Config sections: [magnet], [torque] (as for ``llgsot diagram``), [pulse] (its shape; the
amplitude and duration are swept), [wer]: amplitudes and durations (grids), the
write_error_rate options, and optionally read_currents (a grid) with read_duration for the
read-disturb rate against read current. Writes the dataset (netCDF) and, with --plot, a
figure, both atomically.
"""
from __future__ import annotations

import dataclasses
import math
import os

from .._io import save_dataset
from .parsers import sweep_parser
from .config import command_sections, load_toml, magnet_from, output_path, pulse_from, section, \
    torque_from, unknown_sections


def register(sub):
    sweep_parser(sub, "wer", "write error rate waterfall ([wer] section)",
                 __doc__.split("\n\n")[1].replace("\n", " "),
                 "TOML file: [magnet], [torque], [pulse], [wer]",
                 "PNG of the waterfall (and the read-disturb rate)", wer_cmd)


def wer_cmd(args) -> int:
    import numpy as np

    from ..reliability.rates import read_disturb_rate
    from ..reliability.sweep import wer_slopes, write_error_map

    output_path("-o/--output", args.output)
    for flag, path in (("--plot", args.plot), ("--checkpoint", args.checkpoint)):
        if path is not None:
            output_path(flag, path)
    cfg = load_toml(args.config)
    unknown_sections(cfg, command_sections("wer"))
    magnet = magnet_from(cfg)  # the device sections first, as the other commands read them
    torque = torque_from(cfg, os.path.dirname(os.path.abspath(args.config)))
    pulse = pulse_from(cfg)
    w = section(cfg, "wer")
    read_currents = w.pop("read_currents", None)
    read_duration = w.pop("read_duration", None)
    if (read_currents is None) != (read_duration is None):
        raise ValueError("config: wer.read_currents and wer.read_duration go together")
    if read_duration is not None and not (math.isfinite(read_duration) and read_duration > 0):
        # checked before the write-error map runs, not after it
        raise ValueError(f"config: wer.read_duration must be a finite duration > 0 s, "
                         f"got {read_duration!r}")
    ds = write_error_map(magnet, torque, pulse, checkpoint=args.checkpoint,
                         progress=not args.no_progress, **w)
    slopes = wer_slopes(ds)
    ds["decades_per_ns"] = ("amplitude", np.asarray(slopes["decades_per_ns"]),
                            {"units": "1/ns", "long_name": "d log10 WER / d duration"})
    ds["decades_per_10pct_current"] = ("duration",
                                       np.asarray(slopes["decades_per_10pct_current"]),
                                       {"units": "1", "long_name": "d log10 WER per 10 % of J"})
    if read_currents is not None:
        rd = []
        for k, J in enumerate(read_currents):
            r = read_disturb_rate(magnet, torque, dataclasses.replace(
                pulse, amplitude=float(J), duration=float(read_duration)),
                w.get("field", (0.0, 0.0, 0.0)), w.get("temperature", 300.0), w.get("relax"),
                rel_error=w.get("rel_error", 0.1), method=w.get("method", "auto"),
                seed=(w.get("seed") or 0) + 7919 * (k + 1), executor="serial",
                max_trajectories=w.get("max_trajectories", 10**7))
            rd.append((r.value, r.ci[0], r.ci[1]))
        rd = np.asarray(rd)
        ds = ds.assign_coords(read_current=("read_current", np.asarray(read_currents, float),
                                            {"units": "A/m^2"}))
        for i, name in enumerate(("read_disturb", "read_disturb_ci_low", "read_disturb_ci_high")):
            ds[name] = ("read_current", rd[:, i], {"units": "1"})
        ds.attrs["read_duration"] = float(read_duration)
    save_dataset(ds, args.output)
    for a, s in zip(ds["amplitude"].values, slopes["decades_per_ns"]):
        print(f"J = {a:.4g} A/m^2: {s:.3g} decades of WER per ns")
    print(f"wrote {args.output} ({ds['wer'].size} points)")
    if args.plot is not None:
        from ..reliability.figures import plot_wer

        plot_wer(ds, args.plot)
        print(f"wrote {args.plot}")
    return 0
