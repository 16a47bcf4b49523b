"""CSV and JSON exports of a torque table, with units and provenance."""
from __future__ import annotations

import json

import numpy as np

from ..._io import atomic_write_text as _atomic_write

from .. import schema
from ..interpolate import TorqueTable

COLUMNS = [("theta", "rad")] + [(k, "1/(V m)") for k in schema.K_VARS] + \
          [(k, "S") for k in schema.SIGMA_VARS] + \
          [(k, "1/(V m)") for k in schema.TORQUE_NAMES] + [(k, "1/(A m)") for k in schema.EFF_NAMES] + \
          [("jump_after", "1")]


def _columns(table: TorqueTable):
    ds = table.dataset
    cols = {"theta": table.theta}
    for i, k in enumerate(schema.K_VARS):
        cols[k] = table.values[:, i]
    for i, k in enumerate(schema.SIGMA_VARS):
        cols[k] = table.values[:, 6 + i]
    for k in (*schema.TORQUE_NAMES, *schema.EFF_NAMES):
        cols[k] = np.asarray(ds[k].values)
    cols["jump_after"] = np.asarray(ds["jump_after"].values)
    return cols


def _provenance(table):
    out = {}
    for k, v in table.dataset.attrs.items():
        out[k] = v.item() if hasattr(v, "item") else v
    return out


def to_csv(table: TorqueTable, path) -> str:
    """Write the table as CSV: '#' header lines with provenance, then a units row."""
    cols = _columns(table)
    lines = ["# llgsot torque table (azimuth 0; other azimuths by K(th, ph) = R3 K(th, 0) R2^T)"]
    lines += [f"# {k} = {v}" for k, v in _provenance(table).items()]
    lines.append(",".join(name for name, _ in COLUMNS))
    lines.append(",".join(unit for _, unit in COLUMNS))
    n = len(cols["theta"])
    for i in range(n):
        lines.append(",".join(repr(float(cols[name][i])) for name, _ in COLUMNS))
    return _atomic_write(path, "\n".join(lines) + "\n")


def to_json(table: TorqueTable, path) -> str:
    """Write the table as JSON: {"provenance", "units", "columns": {name: [...]}}."""
    cols = _columns(table)
    doc = {"format": "llgsot-torque-table-json-1", "provenance": _provenance(table),
           "units": dict(COLUMNS),
           "columns": {name: np.asarray(cols[name], float).tolist() for name, _ in COLUMNS}}
    return _atomic_write(path, json.dumps(doc, indent=1, allow_nan=True))
