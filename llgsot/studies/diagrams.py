"""Switching diagrams over (current, in-plane field) or (current, pulse width), and
precession sweeps against current with the auto-oscillation threshold."""
from __future__ import annotations

import dataclasses
import datetime as _dt
import math

import numpy as np

from .. import __version__
from .. import _validate as v
from ..dynamics import simulate
from . import _checks
from .switching import auto_dt, relax_time, switched_fraction
from .sweep import run_grid


def _switch_point(current, magnet, torque, pulse, field_dir, base_field, m0, dt, t_relax,
                  temperature, members, seed, field=None, duration=None):
    p = pulse if duration is None else dataclasses.replace(pulse, duration=float(duration))
    B = np.asarray(base_field, float) + (0.0 if field is None else float(field)) * np.asarray(field_dir)
    k, n, t = switched_fraction(magnet, torque, p, current, tuple(B), m0, dt, t_relax, temperature,
                                members, seed)
    return {"switched": k / n, "first_crossing_time": t}


def _spec(magnet, torque, pulse, extra):
    spec = {"magnet": magnet.as_attrs(), "torque": torque.as_attrs() if torque is not None else None,
            "pulse": pulse.describe()}
    spec.update(extra)
    return spec


def switching_diagram(magnet, torque, pulse, currents, fields=None, durations=None,
                      field_direction=(1.0, 0.0, 0.0), base_field=(0.0, 0.0, 0.0),
                      m0=(0.0, 0.0, 1.0), dt=None, t_relax=None, temperature=0.0, members=1,
                      seed=0, executor=None, checkpoint=None, progress=True):
    """Switching outcome over (current, field) or (current, duration).

    Parameters
    ----------
    currents : 1-d array
        Pulse amplitudes (A/m^2).
    fields : 1-d array, optional
        Field magnitudes (T) along ``field_direction``, added to ``base_field``.
    field_direction : 3 numbers
        Direction of the swept field; any nonzero vector, normalised (only its direction
        matters: the field is ``base_field + field * field_direction / |field_direction|``).
    base_field : 3 numbers
        Constant field (T) added at every point.
    durations : 1-d array, optional
        Flat-top durations of the pulse (s). Exactly one of fields/durations is given.
    m0 : 3 numbers
        Initial state (unit vector).
    dt, t_relax : float, optional
        Time step and relaxation time after the pulse (s); chosen automatically if None.
    temperature, members, seed
        T > 0: ``switched`` is the fraction of ``members`` Heun samples that switched.
    executor, checkpoint, progress
        Where the points run (:mod:`llgsot.parallel`), a JSON-lines checkpoint path to resume
        from, and a progress bar.

    Returns
    -------
    xarray.Dataset with ``switched`` (fraction, 0/1 at T = 0) and ``first_crossing_time`` (s,
    mean over switched members of the first sign change of m.axis; the runs save too few
    samples for ``simulate``'s ``switching_time``) over (current, field) or (current, duration).
    """
    _checks.models(magnet, torque, pulse)
    if (fields is None) == (durations is None):
        raise ValueError("give exactly one of `fields` (T) or `durations` (s)")
    currents = v.nonempty_array("currents", currents, "A/m^2")
    grid = {"current": currents}
    if fields is not None:
        grid["field"] = v.nonempty_array("fields", fields, "T")
        fmax = float(np.abs(grid["field"]).max())
    else:
        d = v.nonempty_array("durations", durations, "s")
        if np.any(d < 0):
            raise ValueError(f"`durations` must be >= 0 (s), got {float(d[d < 0][0])!r}")
        grid["duration"] = d
        fmax = 0.0
    field_direction = v.direction("field_direction", field_direction)
    base_field = v.vector3("base_field", base_field, "T")
    m0 = v.vector3("m0", m0)
    dt = v.optional_positive("dt", dt, "s")
    t_relax = v.optional_positive("t_relax", t_relax, "s")
    temperature = v.nonnegative("temperature", temperature, "K")
    members = v.count("members", members)
    seed = v.seed("seed", seed)
    Jmax = float(np.abs(currents).max())
    Bmax = np.asarray(base_field, float) + fmax * np.asarray(field_direction, float)
    t_relax = relax_time(magnet, Bmax) if t_relax is None else t_relax
    if dt is None:
        dt = auto_dt(magnet, torque, Jmax, Bmax, temperature, t_end=pulse.end + t_relax)
    fixed = dict(magnet=magnet, torque=torque, pulse=pulse, field_dir=tuple(map(float, field_direction)),
                 base_field=tuple(map(float, base_field)), m0=tuple(map(float, m0)), dt=dt,
                 t_relax=t_relax, temperature=float(temperature), members=int(members), seed=seed)
    spec = _spec(magnet, torque, pulse, {"kind": "switching_diagram", "dt": dt, "t_relax": t_relax,
                                         "temperature": temperature, "members": members, "seed": seed,
                                         "field_direction": list(fixed["field_dir"]),
                                         "base_field": list(fixed["base_field"]), "m0": list(fixed["m0"])})
    npts = currents.size * len(grid.get("field", grid.get("duration")))
    ds = run_grid(_switch_point, grid, fixed, spec, executor=executor, checkpoint=checkpoint,
                  progress=progress, expected_seconds=0.02 * npts * members)
    ds["current"].attrs["units"] = "A/m^2"
    if "field" in ds.coords:
        ds["field"].attrs["units"] = "T"
    else:
        ds["duration"].attrs["units"] = "s"
    ds["switched"].attrs.update(units="1", long_name="switched fraction")
    ds["first_crossing_time"].attrs["units"] = "s"
    ds.attrs.update({k: (str(val) if isinstance(val, (dict, list)) else val) for k, val in spec.items()})
    ds.attrs.update({"llgsot_version": __version__,
                     "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")})
    return ds


def _precession_point(current, magnet, torque, field, m0, t_end, dt, axis):
    n = math.ceil(t_end / dt)
    ds = simulate(magnet, torque, float(current), field=field, m0=m0, t_end=t_end, dt=dt,
                  save_every=max(1, n // 20000), on_failure="warn")
    m = ds["m"].values[:, 0, :]
    tail = m[m.shape[0] // 2:]
    proj = tail @ np.asarray(axis)
    amp = 0.5 * float(proj.max() - proj.min())
    return {"frequency": float(ds["precession_frequency"].values[0]), "amplitude": amp,
            "mean_projection": float(proj.mean())}


def precession_sweep(magnet, torque, currents, field=(0.0, 0.0, 0.0), m0=(0.0, 0.0, 1.0),
                     t_end=50e-9, dt=None, axis=None, amplitude_threshold=0.05,
                     executor=None, checkpoint=None, progress=True):
    """Steady precession against a constant current: frequency (Hz, from the trajectory's
    second half; NaN unless steady) and amplitude (half the peak-to-peak of m along ``axis``,
    default the easy axis), and the auto-oscillation threshold: the smallest |current| whose
    steady amplitude exceeds ``amplitude_threshold`` (attrs["threshold_current"], A/m^2,
    NaN if none). ``axis`` is any nonzero vector, normalised."""
    _checks.models(magnet, torque, need_pulse=False)
    currents = v.nonempty_array("currents", currents, "A/m^2")
    field = v.vector3("field", field, "T")
    m0 = v.vector3("m0", m0)
    t_end = v.positive("t_end", t_end, "s")
    dt = v.optional_positive("dt", dt, "s")
    if axis is not None:
        axis = v.direction("axis", axis)
    amplitude_threshold = v.positive("amplitude_threshold", amplitude_threshold)
    if dt is None:
        dt = auto_dt(magnet, torque, float(np.abs(currents).max()), field, t_end=t_end)
    axis = tuple(map(float, magnet.easy_axis if axis is None else axis))
    fixed = dict(magnet=magnet, torque=torque, field=tuple(map(float, field)), m0=tuple(map(float, m0)),
                 t_end=t_end, dt=dt, axis=axis)
    spec = {"kind": "precession_sweep", "magnet": magnet.as_attrs(),
            "torque": torque.as_attrs() if torque is not None else None, "field": list(fixed["field"]),
            "m0": list(fixed["m0"]), "t_end": t_end, "dt": dt, "axis": list(axis)}
    ds = run_grid(_precession_point, {"current": currents}, fixed, spec, executor=executor,
                  checkpoint=checkpoint, progress=progress, expected_seconds=0.05 * currents.size)
    above = np.abs(currents)[ds["amplitude"].values > amplitude_threshold]
    ds.attrs["threshold_current"] = float(above.min()) if above.size else float("nan")
    ds.attrs["amplitude_threshold"] = amplitude_threshold
    ds["frequency"].attrs["units"] = "Hz"
    ds["amplitude"].attrs.update(units="1", long_name="half peak-to-peak of m along the axis")
    ds["current"].attrs["units"] = "A/m^2"
    ds.attrs.update({k: (str(val) if isinstance(val, (dict, list)) else val) for k, val in spec.items()})
    ds.attrs["llgsot_version"] = __version__
    return ds
