"""TOML configuration files: parsed and validated here, errors name the key."""
from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

NUMBER = (int, float)


def load_toml(path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ValueError(f"config file {str(path)!r} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"config file {str(path)!r} is not valid TOML: {exc}") from None


def section(cfg: dict, name: str, spec: dict, required: bool = True) -> dict:
    """Validate ``cfg[name]`` against spec {key: (types, required, default)}; return values."""
    if name not in cfg:
        if required:
            raise ValueError(f"config: missing section [{name}]")
        cfg = {name: {}}
    sec = cfg[name]
    if not isinstance(sec, dict):
        raise ValueError(f"config: [{name}] must be a table")
    unknown = sorted(set(sec) - set(spec))
    if unknown:
        raise ValueError(f"config: unknown key {name}.{unknown[0]} (allowed: {', '.join(sorted(spec))})")
    out = {}
    for key, (types, req, default) in spec.items():
        if key not in sec:
            if req:
                raise ValueError(f"config: missing key {name}.{key}")
            out[key] = default
            continue
        val = sec[key]
        if isinstance(val, list):
            bad = [x for x in val if not isinstance(x, types) or isinstance(x, bool)]
        else:
            bad = [val] if (not isinstance(val, types) or isinstance(val, bool)) else []
        if bad:
            tn = "/".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
            raise ValueError(f"config: {name}.{key} must be {tn} (or a list of them), got {bad[0]!r}")
        out[key] = val
    return out


def unknown_sections(cfg: dict, allowed) -> None:
    extra = sorted(set(cfg) - set(allowed))
    if extra:
        raise ValueError(f"config: unknown section [{extra[0]}] (allowed: {', '.join(sorted(allowed))})")


MODEL_SPEC = {
    "m_eff": (NUMBER, True, None), "alpha": (NUMBER, True, None), "delta_xc": (NUMBER, True, None),
    "impurity_density": (NUMBER, True, None), "impurity_strength": (NUMBER, True, None),
    "cutoff": (NUMBER, True, None),
}


def model_from(cfg: dict):
    from ..model import RashbaFM

    m = section(cfg, "model", MODEL_SPEC)
    try:
        return RashbaFM(**m)
    except ValueError as exc:
        raise ValueError(f"config [model]: {exc}") from None


VECTOR = (list,)
MAGNET_SPEC = {
    "Ms": (NUMBER, True, None), "thickness": (NUMBER, True, None), "area": (NUMBER, True, None),
    "damping": (NUMBER, True, None), "Ku": (NUMBER, False, 0.0),
    "easy_axis": (NUMBER, False, [0.0, 0.0, 1.0]), "demag": (NUMBER, False, [0.0, 0.0, 1.0]),
    "gamma": (NUMBER, False, None),
}
TORQUE_SPEC = {
    "kind": (str, True, None),
    # table
    "table": (str, False, None), "nm_thickness": (NUMBER, False, None),
    "fermi_energy": (NUMBER, False, None), "impurity_strength": (NUMBER, False, None),
    "approximation": (str, False, "tmatrix"), "regime": (str, False, "dilute"),
    "current_direction": (NUMBER, False, [1.0, 0.0]),
    # constant
    "spin_hall_angle": (NUMBER, False, None), "field_like_ratio": (NUMBER, False, 0.0),
    "polarization": (NUMBER, False, [0.0, 1.0, 0.0]),
}
PULSE_SPEC = {
    "amplitude": (NUMBER, False, 0.0), "duration": (NUMBER, True, None),
    "rise": (NUMBER, False, 0.0), "fall": (NUMBER, False, 0.0), "delay": (NUMBER, False, 0.0),
}


def _vec(name, val, n=3):
    if not isinstance(val, list) or len(val) != n:
        raise ValueError(f"config: {name} must be a list of {n} numbers, got {val!r}")
    return tuple(float(x) for x in val)


def magnet_from(cfg):
    from ..dynamics import Macrospin

    m = section(cfg, "magnet", MAGNET_SPEC)
    kw = {k: m[k] for k in ("Ms", "thickness", "area", "damping", "Ku")}
    kw["easy_axis"] = _vec("magnet.easy_axis", m["easy_axis"])
    kw["demag"] = _vec("magnet.demag", m["demag"])
    if m["gamma"] is not None:
        kw["gamma"] = m["gamma"]
    try:
        return Macrospin(**kw)
    except ValueError as exc:
        raise ValueError(f"config [magnet]: {exc}") from None


def torque_from(cfg, base_dir="."):
    """[torque] kind = "table" (a table file, or built from [model]) or "constant"."""
    import os

    from ..dynamics import ConstantSOT, TableSOT

    t = section(cfg, "torque", TORQUE_SPEC)
    kind = t["kind"]
    try:
        if kind == "constant":
            if t["spin_hall_angle"] is None:
                raise ValueError("config: missing key torque.spin_hall_angle")
            return ConstantSOT(t["spin_hall_angle"], t["field_like_ratio"],
                               _vec("torque.polarization", t["polarization"]))
        if kind != "table":
            raise ValueError(f"config: torque.kind must be 'table' or 'constant', got {kind!r}")
        if t["nm_thickness"] is None:
            raise ValueError("config: missing key torque.nm_thickness")
        from ..tables import TorqueTable, build_table, load_table

        if t["table"] is not None:
            path = t["table"] if os.path.isabs(t["table"]) else os.path.join(base_dir, t["table"])
            from ..tables.store import select

            ds = select(load_table(path), "set torque.{dim}", fermi_energy=t["fermi_energy"],
                        impurity_strength=t["impurity_strength"])
        else:
            if "model" not in cfg or t["fermi_energy"] is None:
                raise ValueError("config: torque.kind = 'table' needs torque.table (a file) or a "
                                 "[model] section and torque.fermi_energy")
            ds = build_table(model_from(cfg), t["fermi_energy"], approximation=t["approximation"],
                             regime=t["regime"], progress=False)
        return TableSOT(TorqueTable(ds), t["nm_thickness"],
                        current_direction=_vec("torque.current_direction", t["current_direction"], 2))
    except ValueError as exc:
        msg = str(exc)
        raise ValueError(msg if msg.startswith("config") else f"config [torque]: {msg}") from None


def pulse_from(cfg, name="pulse"):
    from ..dynamics import Pulse

    p = section(cfg, name, PULSE_SPEC)
    try:
        return Pulse(**p)
    except ValueError as exc:
        raise ValueError(f"config [{name}]: {exc}") from None


def grid_values(name, val):
    """A list of numbers, or a table {start, stop, num}."""
    import numpy as np

    if isinstance(val, dict):
        unknown = set(val) - {"start", "stop", "num"}
        if unknown or not {"start", "stop", "num"} <= set(val):
            raise ValueError(f"config: {name} must be a list or {{start, stop, num}}")
        return np.linspace(float(val["start"]), float(val["stop"]), int(val["num"]))
    if isinstance(val, list) and all(isinstance(x, NUMBER) and not isinstance(x, bool) for x in val):
        return np.asarray(val, float)
    raise ValueError(f"config: {name} must be a list of numbers or {{start, stop, num}}, got {val!r}")
