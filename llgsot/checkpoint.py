"""Append-only checkpoint of finished work items, so a killed build or sweep loses nothing.

Used by table builds and parameter studies alike. Format: JSON lines. The first line is a
header with everything that determines a point's value (for tables: model parameters,
approximation, regime, rtol; for studies: the study's full specification); each further
line holds one finished point keyed by a tuple of exact floats (for tables
(fermi_energy, impurity_strength, theta); for sweeps the grid indices). A torn last line
(from a kill mid-write) is ignored. Floats round-trip exactly through ``repr``.
"""
from __future__ import annotations

import json
import os

import numpy as np

FORMAT = "llgsot-checkpoint-1"


def point_key(eps, w, theta):
    return (float(eps), float(w), float(theta))


class Checkpoint:
    """Reads existing records of ``path`` (if any) and appends new ones."""

    def __init__(self, path, header: dict):
        self.path = os.fspath(path)
        self.header = {"format": FORMAT, **header}
        self.records = {}
        if os.path.exists(self.path) and os.path.getsize(self.path) > 0:
            self._read()
        else:
            with open(self.path, "w") as f:
                f.write(json.dumps(self.header) + "\n")
                f.flush()
                os.fsync(f.fileno())

    def _read(self):
        with open(self.path) as f:
            lines = f.read().split("\n")
        try:
            head = json.loads(lines[0])
        except json.JSONDecodeError:
            raise ValueError(f"`checkpoint` {self.path!r} is not an llgsot checkpoint") from None
        for k, v in self.header.items():
            if head.get(k) != v:
                raise ValueError(
                    f"`checkpoint` {self.path!r} belongs to another build: its {k!r} is "
                    f"{head.get(k)!r}, this build has {v!r}")
        for line in lines[1:]:
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # torn last line
            self.records[tuple(rec["key"])] = _from_json(rec)

    def append(self, items):
        """items: iterable of (key, record). Written and fsynced together."""
        lines = [json.dumps({"key": list(k), **_to_json(r)}) for k, r in items]
        if not lines:
            return
        with open(self.path, "a") as f:
            f.write("\n".join(lines) + "\n")
            f.flush()
            os.fsync(f.fileno())


def _to_json(rec):
    return {k: (np.asarray(v).tolist() if not isinstance(v, dict) else
                {kk: float(vv) for kk, vv in v.items()}) for k, v in rec.items()}


def _from_json(rec):
    out = {}
    for k, v in rec.items():
        if k == "key":
            continue
        out[k] = v if isinstance(v, dict) else np.asarray(v, dtype=float)
    return out
