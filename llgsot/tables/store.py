"""Table files: netCDF4 through xarray, written atomically, checked on load, never pickled."""
from __future__ import annotations

import os

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
        naming what is missing or wrong (not a netCDF file, missing variables or attributes,
        unsupported table version).
    """
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


def check_schema(ds: xr.Dataset, where: str = "table") -> None:
    """Raise ValueError naming every missing variable/attribute or a wrong version."""
    missing = [v for v in schema.REQUIRED_VARS if v not in ds.variables]
    if "theta" not in ds.coords:
        missing.insert(0, "theta (coordinate)")
    missing_attrs = [a for a in schema.REQUIRED_ATTRS if a not in ds.attrs]
    problems = []
    if missing:
        problems.append("missing variables: " + ", ".join(missing))
    if missing_attrs:
        problems.append("missing attributes: " + ", ".join(missing_attrs))
    ver = ds.attrs.get("llgsot_table_version")
    if ver is not None and int(ver) != schema.TABLE_VERSION:
        problems.append(f"table version {ver} is not supported (this llgsot reads version "
                        f"{schema.TABLE_VERSION}); rebuild it")
    if problems:
        raise ValueError(f"{where}: not a valid llgsot torque table: " + "; ".join(problems))


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
