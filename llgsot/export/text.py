"""CSV and JSON exports of a torque table, with units and provenance.

Every column of the table at azimuth 0 is written (theta, the 10 entries of K and sigma, the
(P-3) coefficients, the efficiencies, jump_after); the provenance is the table's attributes
made inert (:mod:`.metadata`), plus the device when one is given.
"""
from __future__ import annotations

import json

import numpy as np

from .._io import atomic_write_text
from ..tables import schema
from ..tables.interpolate import TorqueTable
from .metadata import provenance

COLUMNS = [("theta", "rad")] + [(k, "1/(V m)") for k in schema.K_VARS] + \
          [(k, "S") for k in schema.SIGMA_VARS] + \
          [(k, "1/(V m)") for k in schema.TORQUE_NAMES] + [(k, "1/(A m)") for k in schema.EFF_NAMES] + \
          [("jump_after", "1")]
JSON_FORMAT = "llgsot-torque-table-json-1"


def columns(table: TorqueTable) -> dict:
    """The exported columns (name -> (N,) array), in :data:`COLUMNS` order."""
    ds = table.dataset
    cols = {"theta": table.theta}
    for i, k in enumerate(schema.TABLE_COLUMNS):
        cols[k] = table.values[:, i]
    for k in (*schema.TORQUE_NAMES, *schema.EFF_NAMES):
        cols[k] = np.asarray(ds[k].values, float)
    cols["jump_after"] = np.asarray(ds["jump_after"].values, float)
    return {name: cols[name] for name, _ in COLUMNS}


def _provenance(table, device):
    prov = provenance(table.dataset.attrs)
    if device is not None:
        prov.update(provenance(device.as_attrs()))
    return prov


def _finite(cols):
    for name, col in cols.items():
        bad = ~np.isfinite(col)
        if bad.any():
            raise ValueError(f"column {name!r} is not finite at row {int(np.argmax(bad))}: "
                             "refusing to export")


def write_csv(table: TorqueTable, path, device=None) -> str:
    """Write the table as CSV: '#' header lines with provenance, a names row, a units row,
    then one row per theta node (floats as repr, exact on reading). Returns the path."""
    cols = columns(table)
    _finite(cols)
    lines = ["# llgsot torque table (azimuth 0; other azimuths by K(th, ph) = R3 K(th, 0) R2^T)"]
    lines += [f"# {k} = {v!r}" if not isinstance(v, str) else f"# {k} = {v}"
              for k, v in _provenance(table, device).items()]
    lines.append(",".join(name for name, _ in COLUMNS))
    lines.append(",".join(unit for _, unit in COLUMNS))
    for i in range(len(cols["theta"])):
        lines.append(",".join(repr(float(cols[name][i])) for name, _ in COLUMNS))
    return atomic_write_text(path, "\n".join(lines) + "\n")


def write_json(table: TorqueTable, path, device=None) -> str:
    """Write the table as strict JSON: {"format", "provenance", "units", "columns"}."""
    cols = columns(table)
    _finite(cols)
    doc = {"format": JSON_FORMAT, "provenance": _provenance(table, device),
           "units": dict(COLUMNS), "columns": {name: cols[name].tolist() for name, _ in COLUMNS}}
    return atomic_write_text(path, json.dumps(doc, indent=1, allow_nan=False))


def read_csv(path) -> dict:
    """The columns of a CSV written by :func:`write_csv` (name -> array) and its units."""
    from .._io import read_csv as read_rows

    names, (unit_row,), data = read_rows(path, "table CSV", text_rows=1)
    units = dict(zip(names, (u.strip() for u in unit_row)))
    return {n: data[:, i] for i, n in enumerate(names)}, units


# the historical names
to_csv = write_csv
to_json = write_json
