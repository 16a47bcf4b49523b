"""Table files: netCDF4 through xarray, written atomically, checked on load, never pickled."""
from __future__ import annotations

import math
import numbers
import os

import numpy as np
import xarray as xr

from .._io import atomic_path
from . import schema


def save_table(ds: xr.Dataset, path) -> str:
    """Write ``ds`` to ``path`` (netCDF4) atomically (temporary file, fsync, rename).
    Returns the path."""
    check_schema(ds, where="save_table")
    enc = {name: {"zlib": True, "complevel": 4} for name in ds.data_vars}
    with atomic_path(path, suffix=".nc.tmp") as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=enc)
    return os.fspath(path)


def load_table(path) -> xr.Dataset:
    """Load a torque table and check its schema and version.

    Raises
    ------
    ValueError
        naming what is missing or wrong, in one short message: not a netCDF file, missing
        variables or attributes, an unsupported or malformed table version, an attribute of
        the wrong type (strings must be str, numbers finite reals, approximation/regime one
        of the known ones), a NaN or inf in any variable (its name and first bad index), or
        theta nodes that are unsorted or duplicated.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be a file path, got {type(path).__name__} {path!r:.40}")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ValueError(f"no table file at {path!r}")
    try:
        with xr.open_dataset(path, engine="netcdf4") as f:
            ds = f.load()
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path!r} is not a readable netCDF torque table ({exc})") from None
    check_schema(ds, where=path)
    return ds


#: attributes that must be finite real numbers (the model and the solver tolerance)
NUMBER_ATTRS = ("m_eff", "alpha", "beta", "velocity", "delta_xc", "impurity_density",
                "impurity_strength", "cutoff", "rtol")
#: attributes that are real numbers where NaN means "not applicable" (e.g. tol of a given grid)
OPTIONAL_NUMBER_ATTRS = ("tol", "heldout_error_max", "interpolation_error_estimate",
                         "node_error_max")
COUNT_ATTRS = ("solver_calls", "reused_points")
STRING_ATTRS = ("approximation", "regime", "llgsot_version", "created", "grid", "conventions",
                "title")


def table_source(source) -> tuple:
    """(Dataset, absolute path or None) of the ``source`` given to a table interpolant
    (:class:`~llgsot.TorqueTable`, :class:`~llgsot.tables.sphere.SphereTable`): a path is
    read with :func:`load_table`; anything but a path or an xarray.Dataset is a ValueError."""
    path = None
    if isinstance(source, (str, os.PathLike)):
        path = os.path.abspath(os.fspath(source))
        source = load_table(source)
    if not isinstance(source, xr.Dataset):
        raise ValueError(f"`source` must be an xarray.Dataset or a path, got {type(source).__name__}")
    return source, path


def check_schema(ds: xr.Dataset, where: str = "table") -> None:
    """Raise ValueError naming every missing variable/attribute, a wrong version, a
    malformed attribute, a non-finite value or an unsorted theta grid (short messages).
    Sphere tables (version 2) are checked by :func:`llgsot.tables.sphere.schema.check_sphere_schema`."""
    from .sphere.schema import check_sphere_schema, is_sphere_table

    if is_sphere_table(ds.attrs):
        return check_sphere_schema(ds, where=where, attribute_problems=_attribute_problems)
    missing = [v for v in schema.REQUIRED_VARS if v not in ds.variables]
    if "theta" not in ds.coords:
        missing.insert(0, "theta (coordinate)")
    missing_attrs = [a for a in schema.REQUIRED_ATTRS if a not in ds.attrs]
    missing_attrs += [a for a in _model_attrs(ds.attrs) if a not in ds.attrs and a not in missing_attrs]
    problems = []
    if missing:
        problems.append("missing variables: " + ", ".join(missing))
    if missing_attrs:
        problems.append("missing attributes: " + ", ".join(missing_attrs))
    problems += _attribute_problems(ds.attrs)
    if not problems:
        problems += _data_problems(ds)
    if problems:
        raise ValueError(f"{where}: not a valid llgsot torque table: " + "; ".join(problems))


def _model_attrs(attrs) -> tuple:
    """The parameters the table's model class requires (``model_kind``, default "rashba";
    an unknown kind requires nothing here and is reported by the attribute checks)."""
    from ..models import MODELS

    cls = MODELS.get(str(attrs.get("model_kind", "rashba")))
    if cls is None:
        return ()
    import dataclasses

    return tuple(f.name for f in dataclasses.fields(cls)
                 if f.name != "impurity_strength" and f.default is dataclasses.MISSING)


def _short(val) -> str:
    if isinstance(val, np.generic):
        val = val.item()
    r = repr(val)
    return r if len(r) <= 40 else r[:37] + "..."


def _attribute_problems(attrs) -> list:
    """Type and value checks of the attributes (strings are str, numbers finite reals)."""
    from ..solver.response import APPROXIMATIONS, REGIMES

    out = []
    ver = attrs.get("llgsot_table_version")
    if ver is not None:
        if not _is_integral(ver):
            out.append(f"attribute llgsot_table_version must be an integer, got {_short(ver)}")
        elif int(ver) != schema.TABLE_VERSION:
            out.append(f"table version {int(ver)} is not supported (this llgsot reads version "
                       f"{schema.TABLE_VERSION}, and 2 for sphere tables); rebuild it")
    for name in NUMBER_ATTRS + OPTIONAL_NUMBER_ATTRS:
        if name in attrs:
            val = attrs[name]
            if not _is_real(val):
                out.append(f"attribute {name} must be a real number, got {_short(val)}")
            elif name in NUMBER_ATTRS and not math.isfinite(float(val)):
                out.append(f"attribute {name} must be finite, got {float(val)!r}")
    for name in COUNT_ATTRS:
        if name in attrs and not (_is_integral(attrs[name]) and int(attrs[name]) >= 0):
            out.append(f"attribute {name} must be a non-negative integer, got {_short(attrs[name])}")
    for name in STRING_ATTRS:
        if name in attrs and not isinstance(attrs[name], str):
            out.append(f"attribute {name} must be a string, got {_short(attrs[name])}")
    for name, allowed in (("approximation", APPROXIMATIONS), ("regime", REGIMES)):
        val = attrs.get(name)
        if isinstance(val, str) and val not in allowed:
            out.append(f"attribute {name} must be one of {', '.join(allowed)}, got {_short(val)}")
    kind = attrs.get("model_kind", "rashba")
    from ..models import MODELS, model_from_attrs

    if kind not in MODELS:
        out.append(f"attribute model_kind must be one of {', '.join(MODELS)}, got {_short(kind)}")
    elif not out and all(k in attrs for k in _model_attrs(attrs)):
        try:
            model_from_attrs({"impurity_strength": 1.0, **attrs})  # W~ may be a dimension
        except ValueError as exc:
            out.append(f"model attributes: {exc}")
    return out


def _data_problems(ds) -> list:
    """Shapes, finiteness (first bad index) and the theta grid."""
    out = []
    for name, shape in (("K", (3, 2)), ("K_err", (3, 2)), ("sigma", (2, 2)), ("sigma_err", (2, 2))):
        if ds[name].shape[-2:] != shape or "theta" not in ds[name].dims:
            out.append(f"variable {name} must have dims (..., theta, {shape[0]}, {shape[1]}), "
                       f"got {dict(ds[name].sizes)}")
    for name, var in ds.variables.items():
        if var.dtype.kind in "biufc" or var.dtype == object:
            try:
                a = np.asarray(var.values, dtype=float)
            except (TypeError, ValueError):
                out.append(f"variable {name} must hold numbers, got dtype {var.dtype}")
                continue
            bad = ~np.isfinite(a)
            if bad.any():
                idx = np.unravel_index(int(np.flatnonzero(bad)[0]), a.shape) if a.ndim else ()
                out.append(f"variable {name} has a non-finite value ({float(a[idx])!r}) at index "
                           f"{tuple(int(i) for i in idx)}")
    th = np.asarray(ds["theta"].values)
    if th.ndim != 1 or th.size < 2:
        out.append(f"coordinate theta must hold >= 2 angles, got shape {th.shape}")
    elif th.dtype.kind in "iuf":
        d = np.diff(th.astype(float))
        if np.any(d <= 0):
            i = int(np.flatnonzero(d <= 0)[0])
            what = "duplicated" if d[i] == 0 else "unsorted"
            out.append(f"theta nodes must be strictly increasing: theta[{i + 1}] = "
                       f"{float(th[i + 1])!r} after theta[{i}] = {float(th[i])!r} ({what})")
    return out


def _is_real(val) -> bool:
    return (isinstance(val, (numbers.Real, np.floating, np.integer))
            and not isinstance(val, (bool, np.bool_)))


def _is_integral(val) -> bool:
    return _is_real(val) and math.isfinite(float(val)) and float(val).is_integer()


def select(ds: xr.Dataset, how: str = "", **values) -> xr.Dataset:
    """Reduce a table's extra dimensions (fermi_energy in eV, impurity_strength in eV nm^2)
    to single values. ``values`` with None are ignored; a dimension left unchosen, or a
    value not in the table, is a ValueError that says how to choose (``how`` is appended
    to the dimension name, e.g. "set torque.{dim}")."""
    from .schema import EXTRA_DIMS

    sel = {k: v for k, v in values.items() if v is not None and k in ds.dims}
    for dim in EXTRA_DIMS:
        if dim in ds.dims and dim not in sel:
            raise ValueError(f"the table has a {dim} dimension: " + (how.format(dim=dim) if how else
                                                                      f"choose one {dim}"))
    if not sel:
        return ds
    try:
        return ds.sel(**sel)
    except KeyError as exc:
        raise ValueError(f"no such value in the table: {exc}") from None
