"""The write-error-rate "waterfall": WER over pulse amplitude x pulse duration.

Each grid point is one :func:`~.rates.write_error_rate` call, run through
:func:`llgsot.studies.sweep.run_grid` (the work loop of :mod:`llgsot.parallel`: in-process,
local processes or dask.distributed, with a checkpoint so a killed sweep keeps its finished
points). Each point's seed derives from ``seed`` and the point's grid index, so the map does
not depend on the executor or on the order the points finish in.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import xarray as xr

from .. import __version__
from .. import _validate as v
from ..studies import _checks
from ..studies.sweep import run_grid
from .rates import write_error_rate

#: status codes of a grid point
OK, BELOW_SWITCHING, OUT_OF_REACH = 0, 1, 2


def _point(amplitude, duration, magnet, torque, pulse, field, temperature, relax, rel_error,
           method, seed, max_trajectories, amplitudes, durations):
    i = int(np.argmin(np.abs(np.asarray(amplitudes) - amplitude)))
    j = int(np.argmin(np.abs(np.asarray(durations) - duration)))
    point_seed = int(np.random.SeedSequence([seed, i, j]).generate_state(1)[0])
    p = dataclasses.replace(pulse, amplitude=amplitude, duration=duration)
    nan = float("nan")
    try:
        r = write_error_rate(magnet, torque, p, field, temperature, relax, "thermal", rel_error,
                             method, point_seed, "serial", False,
                             max_trajectories=max_trajectories)
    except ValueError as exc:
        status = BELOW_SWITCHING if "never reaches the switching current" in str(exc) else (
            OUT_OF_REACH if "out of reach" in str(exc) else None)
        if status is None:
            raise
        return {"wer": nan, "ci_low": nan, "ci_high": nan, "rel_error": nan,
                "n_trajectories": 0.0, "wall_time": 0.0, "ams": nan, "status": float(status)}
    return {"wer": r.value, "ci_low": r.ci[0], "ci_high": r.ci[1], "rel_error": r.rel_error,
            "n_trajectories": float(r.n_trajectories), "wall_time": r.wall_time,
            "ams": float(r.method == "ams"), "status": float(OK)}


def write_error_map(magnet, torque, pulse, amplitudes, durations, field=(0.0, 0.0, 0.0),
                    temperature=300.0, relax=None, rel_error=0.1, method="auto", seed=0,
                    executor=None, checkpoint=None, progress=False, max_trajectories=10**7):
    """WER over ``amplitudes`` (A/m^2) x ``durations`` (flat-top length, s) of ``pulse``
    (its rise, fall and delay are kept).

    Returns an xarray.Dataset over (amplitude, duration): ``wer``, ``ci_low``, ``ci_high``
    (95 %), ``rel_error``, ``n_trajectories``, ``wall_time`` (s), ``ams`` (1 if AMS was used),
    ``status`` (0 ok, 1 the pulse never reaches the switching current: WER ~ 1, NaN here;
    2 out of reach of ``max_trajectories``). Other arguments as :func:`write_error_rate`;
    ``checkpoint`` a path (JSON lines) that lets a killed sweep resume.
    """
    _checks.models(magnet, torque, pulse)
    amps = v.nonempty_array("amplitudes", amplitudes, "A/m^2")
    durs = v.nonempty_array("durations", durations, "s")
    if np.any(durs <= 0):  # a zero flat top with no rise or fall is no pulse at all
        raise ValueError(f"`durations` must be > 0 s, got {float(durs.min())!r}")
    seed = v.seed("seed", seed)
    seed = 0 if seed is None else seed
    fixed = dict(magnet=magnet, torque=torque, pulse=pulse, field=tuple(field),
                 temperature=temperature, relax=relax, rel_error=rel_error, method=method,
                 seed=seed, max_trajectories=max_trajectories, amplitudes=amps.tolist(),
                 durations=durs.tolist())
    spec = {"study": "write_error_map", "magnet": repr(magnet), "torque": repr(torque),
            "pulse": pulse.describe(), "field": list(map(float, field)),
            "temperature": float(temperature), "relax": relax, "rel_error": rel_error,
            "method": method, "seed": seed, "max_trajectories": max_trajectories}
    ds = run_grid(_point, {"amplitude": amps, "duration": durs}, fixed, spec,
                  executor=executor, checkpoint=checkpoint, progress=progress, chunk=1,
                  expected_seconds=10.0 * amps.size * durs.size)
    ds["amplitude"].attrs["units"] = "A/m^2"
    ds["duration"].attrs["units"] = "s"
    ds["wer"].attrs.update({"units": "1", "long_name": "write error rate"})
    ds["wall_time"].attrs["units"] = "s"
    ds["status"].attrs["flag_meanings"] = "0 ok, 1 below switching (WER ~ 1), 2 out of reach"
    ds.attrs.update({k: (str(x) if x is None else x) for k, x in spec.items()})
    ds.attrs["llgsot_version"] = __version__
    ds.attrs["confidence"] = "95 % (Wilson for direct, Student t over AMS runs)"
    return ds


def wer_slopes(ds: xr.Dataset) -> dict:
    """WER slopes of a map: decades per ns along the duration (at each amplitude) and decades
    per 10 % of current along the amplitude (at each duration), least-squares fits of
    log10 WER over the finite points with 0 < WER < 1; NaN where fewer than 2 points."""
    w = np.log10(ds["wer"].where((ds["wer"] > 0) & (ds["wer"] < 1)))

    def fit(x, y):
        ok = np.isfinite(y)
        return float(np.polyfit(x[ok], y[ok], 1)[0]) if ok.sum() >= 2 else math.nan

    dur = ds["duration"].values
    amp = ds["amplitude"].values
    per_ns = [fit(dur * 1e9, w.sel(amplitude=a).values) for a in amp]
    # decades per 10 % of current: slope in log10 WER per unit ln J times ln(1.1)
    per_10 = [fit(np.log(np.abs(amp)), w.sel(duration=d).values) * math.log(1.1) for d in dur]
    return {"decades_per_ns": per_ns, "decades_per_10pct_current": per_10}
