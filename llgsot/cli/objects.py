"""Library objects built from validated config sections (:mod:`llgsot.cli.reading`).

Adding a kind of model or torque: its class in the ``kind`` dispatch of :func:`model_from` /
:func:`torque_from`; its keys are in :mod:`llgsot.cli.sections`.
"""
from __future__ import annotations

import os

from .reading import section


def call_library(where, fn, *args, **kw):
    """``fn(*args, **kw)``; a library ValueError/TypeError becomes ``config [where]: ...``.

    ``where``: the section name, or a tuple of the names that may be the cause (a sweep and
    its analysis options: ``config [st_fmr]/[fmr_analysis]: ...``).
    """
    names = (where,) if isinstance(where, str) else tuple(where)
    try:
        return fn(*args, **kw)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        label = "/".join(f"[{n}]" for n in names)
        raise ValueError(msg if msg.startswith("config") else f"config {label}: {msg}") from None


def model_from(cfg: dict):
    """[model] -> the model object of its ``kind`` (default "rashba")."""
    from ..models import model_class

    vals = section(cfg, "model")
    kind = vals.pop("kind", "rashba")
    return call_library("model", model_class(kind), **vals)


def magnet_from(cfg):
    from ..dynamics import Macrospin

    return call_library("magnet", Macrospin, **section(cfg, "magnet"))


def torque_from(cfg, base_dir="."):
    """[torque] kind = "table" (a table file, or built from [model]) or "constant".

    Which keys apply to which kind, and which are required there, is the section's
    (:func:`llgsot.cli.sections._torque_section`); the keys that are not TableSOT's
    parameters say where the table comes from.
    """
    from ..dynamics import ConstantSOT, TableSOT
    from .schema import library_defaults
    from .sections import NOT_KEYS

    t = section(cfg, "torque")
    kind = t.pop("kind")
    if kind == "constant":
        return call_library("torque", ConstantSOT, **t)
    from ..tables import TorqueTable, build_table
    from ..tables.store import select

    tablesot = set(library_defaults(TableSOT)) - set(NOT_KEYS)  # its table is built here
    src = {k: t.pop(k) for k in list(t) if k not in tablesot}
    if "table" in src:
        path = src["table"] if os.path.isabs(src["table"]) else os.path.join(base_dir, src["table"])
        extra = sorted(set(src) & {"approximation", "regime"})
        if extra:
            raise ValueError(f"config: torque.{extra[0]} applies only to a table built from "
                             "[model], not to torque.table (a file)")
        ds = call_library("torque", select, load_table_checked(path), "set torque.{dim}",
                          fermi_energy=src.get("fermi_energy"),
                          impurity_strength=src.get("impurity_strength"))
    else:
        if "model" not in cfg or "fermi_energy" not in src:
            raise ValueError("config: torque.kind = 'table' needs torque.table (a file) or a "
                             "[model] section and torque.fermi_energy")
        if "impurity_strength" in src:
            raise ValueError("config: torque.impurity_strength selects from a table file; set "
                             "model.impurity_strength to build one")
        ds = call_library("torque", build_table, model=model_from(cfg), progress=False, **src)
    return call_library("torque", TableSOT, table=TorqueTable(ds), **t)


def load_table_checked(path):
    """:func:`llgsot.tables.load_table`, its errors named as [torque]'s."""
    from ..tables import load_table

    return call_library("torque", load_table, path)


def pulse_from(cfg, name="pulse"):
    from ..dynamics import Pulse
    from .sections import sections

    p = section(cfg, name)
    p.setdefault("amplitude", sections()[name].keys["amplitude"].default)
    return call_library(name, Pulse, **p)
