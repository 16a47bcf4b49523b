"""What the simulated measurements check of their arguments, and the analyses of the
dataset they are given (one check each, shared)."""
from __future__ import annotations

import math
import warnings

from .. import _validate as v
from ..dynamics.magnet import Macrospin
from ..dynamics.torques import ConstantSOT, TableSOT, Torque


def check_dataset(ds, measurement, variables, caller):
    """Refuse a dataset that lacks ``variables`` or says it is another measurement (its
    ``measurement`` attribute; a dataset without one, e.g. measured data, is accepted); warn
    about points flagged ``converged`` = 0."""
    import xarray as xr

    if not isinstance(ds, xr.Dataset):
        raise ValueError(f"{caller}: `ds` must be an xarray.Dataset from llgsot.{measurement}, "
                         f"got {type(ds).__name__}")
    got = ds.attrs.get("measurement")
    missing = [name for name in variables if name not in ds]
    if (got is not None and got != measurement) or missing:
        raise ValueError(f"{caller}: `ds` must come from llgsot.{measurement} (variables "
                         f"{', '.join(variables)}); got measurement={got!r}"
                         + (f", missing {missing}" if missing else ""))
    if "converged" in ds and not bool(ds["converged"].all()):
        bad = int((ds["converged"] == 0).sum())
        warnings.warn(f"{caller}: {bad} of {ds['converged'].size} points of `ds` are flagged "
                      "converged = 0 (equilibrium not found or unstable); the analysis uses them",
                      stacklevel=3)


def check_drive(magnet, torque, current, fields, field_azimuth, field_polar, current_direction,
           nm_thickness):
    """The argument checks harmonic_hall and st_fmr share (errors name the argument); returns (J0, fields, azimuth, polar,
    current direction, t_NM)."""
    if not isinstance(magnet, Macrospin):
        raise ValueError(f"`magnet` must be a Macrospin, got {type(magnet).__name__}")
    if not isinstance(torque, Torque):
        raise ValueError(f"`torque` must be a torque object (ConstantSOT, TableSOT), "
                         f"got {type(torque).__name__}")
    current = v.nonzero("current", current, "A/m^2")
    fields = v.finite_array("fields", fields, "T")
    if fields.ndim != 1 or fields.size < 1:
        raise ValueError(f"`fields` must be a 1-D array of field values (T), got shape {fields.shape}")
    az = v.nonempty_array("field_azimuth", field_azimuth, "rad", ndim=None)
    if az.ndim > 1:
        raise ValueError(f"`field_azimuth` must be a number or a 1-D array (rad), got shape {az.shape}")
    polar = v.in_range("field_polar", field_polar, 0.0, math.pi, "rad")
    cd = v.finite_scalar("current_direction", current_direction, "rad")
    if isinstance(torque, TableSOT):
        jx, jy = torque.current_direction
        if abs(math.cos(cd) - jx) > 1e-9 or abs(math.sin(cd) - jy) > 1e-9:
            raise ValueError(f"`current_direction` ({cd!r} rad) must agree with the TableSOT's "
                             f"current_direction {torque.current_direction}")
    if nm_thickness is None:
        t_nm = torque.nm_thickness if isinstance(torque, TableSOT) else 0.0
    else:
        t_nm = v.nonnegative("nm_thickness", nm_thickness, "m")
    if isinstance(torque, ConstantSOT):
        p_std = (-math.sin(cd), math.cos(cd), 0.0)  # z x jhat
        if max(abs(a - b) for a, b in zip(torque.polarization, p_std)) > 1e-9:
            warnings.warn(f"the ConstantSOT's polarization {tuple(torque.polarization)} is not z x jhat = "
                          f"({p_std[0]:.6g}, {p_std[1]:.6g}, 0) for current_direction = {cd!r} rad: "
                          "the simulation uses it as given, but the standard analyses assume "
                          "p = z x jhat", stacklevel=3)
    return current, fields, az, polar, cd, t_nm


def warn_unresolved(result, names, caller, unit):
    """Warn about each result ``name`` whose own error estimate ``name_err`` exceeds it (at
    any frequency): the number is then consistent with zero and says nothing by itself."""
    import numpy as np

    for name in names:
        val = np.abs(np.atleast_1d(np.asarray(result[name], float)))
        err = np.atleast_1d(np.asarray(result[name + "_err"], float))
        bad = ~(err <= val)  # NaN errors count as unresolved too
        if bad.any():
            i = int(np.argmax(bad))
            warnings.warn(f"{caller}: {name} = {np.atleast_1d(result[name])[i]:.3g} {unit} has an "
                          f"error estimate {err[i]:.3g} {unit} larger than itself (consistent "
                          "with zero: not resolved by this sweep)", stacklevel=3)
