"""The sphere-table file format (table version 2): lines over theta at azimuths phi_l.

A sphere table is an ``xarray.Dataset`` with attribute ``llgsot_table_version`` =
:data:`SPHERE_TABLE_VERSION` and ``table_kind`` = "sphere":

  phi(phi)                              rad   azimuth of line l: from 0, increasing, < 2 pi
                                              (the builder refines phi locally: 2 pi i / G)
  n_nodes(phi)                          1     nodes of line l (the rest is padding)
  theta_node(phi, node)                 rad   nodes of line l, 0 .. pi, padded with pi
  K(phi, node, spin, field), K_err      1/(V m)   lab frame: K at m(theta_node, phi)
  sigma(phi, node, i, j), sigma_err     S         lab frame
  jump_after(phi, node)                 1     1 where (theta_i, theta_i+1) of line l brackets a jump

(padding repeats the last node's values). attrs: the point group (``point_group``,
``point_group_elements`` flattened G x 9, ``point_group_continuous``), ``delta_xc`` (eV),
``tol``, the error estimates (``heldout_error_theta``, ``heldout_error_phi``,
``jump_position_error`` in rad, ``interpolation_error_estimate``), ``solver_calls``,
``lines_computed``, ``jumps_aligned`` (1 if every line has the same number of jumps), ``phi_brackets``
(azimuth pairs, rad: cells where a jump curve ends), ``phi_grid`` (G), ``llgsot_version``, ``created`` and whatever model
attributes the builder was given. Version-1 files (1D tables over theta) are unchanged and
still load: :func:`llgsot.tables.store.check_schema` dispatches on the version.
"""
from __future__ import annotations

import numpy as np

SPHERE_TABLE_VERSION = 2
REQUIRED_VARS = ("phi", "n_nodes", "theta_node", "K", "K_err", "sigma", "sigma_err", "jump_after")
REQUIRED_ATTRS = ("table_kind", "point_group", "point_group_elements", "point_group_continuous",
                  "delta_xc", "llgsot_version", "llgsot_table_version", "created")
DIMS = {"n_nodes": ("phi",), "theta_node": ("phi", "node"), "jump_after": ("phi", "node"),
        "K": ("phi", "node", "spin", "field"), "K_err": ("phi", "node", "spin", "field"),
        "sigma": ("phi", "node", "i", "j"), "sigma_err": ("phi", "node", "i", "j")}
UNITS = {"phi": "rad", "theta_node": "rad", "n_nodes": "1", "jump_after": "1",
         "K": "1/(V m)", "K_err": "1/(V m)", "sigma": "S", "sigma_err": "S"}
LONG_NAMES = {"phi": "azimuth of the line", "n_nodes": "number of theta nodes of the line",
              "theta_node": "polar angle of the magnetization at the node",
              "K": "spin-density response S_a = K_ab E_b (lab frame)",
              "K_err": "absolute error estimate of K", "sigma": "sheet conductivity (lab frame)",
              "sigma_err": "absolute error estimate of sigma",
              "jump_after": "1 if the interval to the next node brackets a discontinuity"}


def is_sphere_table(attrs) -> bool:
    """True if the attributes say sphere table (version :data:`SPHERE_TABLE_VERSION`)."""
    ver = attrs.get("llgsot_table_version")
    try:
        return float(ver) == SPHERE_TABLE_VERSION
    except (TypeError, ValueError):
        return False


def check_sphere_schema(ds, where: str = "table", attribute_problems=None) -> None:
    """Raise ValueError naming what is missing or wrong in a sphere table (short messages):
    variables, attributes, dims, non-finite values, node counts, unsorted lines.
    ``attribute_problems``: the type checks of the common attributes (``store`` passes its
    own, so that this module imports nothing of the tables layer)."""
    problems = []
    missing = [name for name in REQUIRED_VARS if name not in ds.variables]
    if missing:
        problems.append("missing variables: " + ", ".join(missing))
    missing_attrs = [a for a in REQUIRED_ATTRS if a not in ds.attrs]
    if missing_attrs:
        problems.append("missing attributes: " + ", ".join(missing_attrs))
    if not is_sphere_table(ds.attrs):
        problems.append(f"llgsot_table_version must be {SPHERE_TABLE_VERSION} for a sphere table")
    if ds.attrs.get("table_kind", "sphere") != "sphere":
        problems.append(f"table_kind must be 'sphere', got {ds.attrs.get('table_kind')!r}")
    if attribute_problems is not None:
        problems += attribute_problems({k: a for k, a in ds.attrs.items()
                                        if k != "llgsot_table_version"})
    if not problems:
        problems += _data_problems(ds)
    if problems:
        raise ValueError(f"{where}: not a valid llgsot sphere table: " + "; ".join(problems))


def _data_problems(ds) -> list:
    out = []
    for name, dims in DIMS.items():
        if ds[name].dims != dims:
            out.append(f"variable {name} must have dims {dims}, got {ds[name].dims}")
    if out:
        return out
    for name in REQUIRED_VARS:
        a = np.asarray(ds[name].values, float)
        bad = ~np.isfinite(a)
        if bad.any():
            idx = np.unravel_index(int(np.flatnonzero(bad)[0]), a.shape)
            out.append(f"variable {name} has a non-finite value at index {tuple(int(i) for i in idx)}")
    if out:
        return out
    L, N = ds["theta_node"].shape
    n = np.asarray(ds["n_nodes"].values)
    phi = np.asarray(ds["phi"].values, float)
    if phi[0] != 0.0 or np.any(np.diff(phi) <= 0) or phi[-1] >= 2 * np.pi:
        out.append(f"phi must increase strictly from 0 and stay below 2 pi, got {phi.tolist()[:8]}")
    if np.any(n < 2) or np.any(n > N) or np.any(n != np.rint(n)):
        out.append(f"n_nodes must be integers in [2, {N}], got {n.tolist()[:8]}")
        return out
    th = np.asarray(ds["theta_node"].values, float)
    for ell, c in enumerate(n.astype(int)):
        t = th[ell, :c]
        if t[0] != 0.0 or abs(t[-1] - np.pi) > 1e-12 or np.any(np.diff(t) <= 0):
            out.append(f"theta_node of line {ell} must increase strictly from 0 to pi")
            break
    return out


def make_dataset(lines, errors, attrs, phi=None) -> "xr.Dataset":  # noqa: F821
    """A sphere-table Dataset from raw lines.

    lines: [(theta (n,), lab rows (n, 10), jump_after (n-1,))] at azimuths phi (L,) (rad;
    default 2 pi l / L);
    errors: [(n, 10) absolute error rows]; attrs: dict of attributes (the version, units and
    long names are added here).
    """
    import xarray as xr

    from .. import schema as s1

    L = len(lines)
    N = max(len(t) for t, _, _ in lines)
    th = np.full((L, N), np.pi)
    rows = np.zeros((L, N, 10))
    errs = np.zeros((L, N, 10))
    jmp = np.zeros((L, N), np.int8)
    cnt = np.zeros(L, np.int64)
    for ell, ((t, val, jump), err) in enumerate(zip(lines, errors)):
        c = len(t)
        cnt[ell] = c
        th[ell, :c] = t
        rows[ell, :c], rows[ell, c:] = val, val[-1]
        errs[ell, :c], errs[ell, c:] = err, err[-1]
        jmp[ell, :c - 1] = np.asarray(jump, bool)
    K, S = s1.unflatten(rows)
    Ke, Se = s1.unflatten(errs)
    ds = xr.Dataset(
        {"n_nodes": (("phi",), cnt), "theta_node": (("phi", "node"), th),
         "jump_after": (("phi", "node"), jmp),
         "K": (DIMS["K"], K), "K_err": (DIMS["K"], Ke),
         "sigma": (DIMS["sigma"], S), "sigma_err": (DIMS["sigma"], Se)},
        coords={"phi": 2 * np.pi * np.arange(L) / L if phi is None else np.asarray(phi, float),
                "spin": ["x", "y", "z"],
                "field": ["x", "y"], "i": ["x", "y"], "j": ["x", "y"]})
    for name, var in ds.variables.items():
        if name in UNITS:
            var.attrs["units"] = UNITS[name]
        if name in LONG_NAMES:
            var.attrs["long_name"] = LONG_NAMES[name]
    ds.attrs.update(attrs)
    ds.attrs["llgsot_table_version"] = SPHERE_TABLE_VERSION
    ds.attrs["table_kind"] = "sphere"
    return ds
