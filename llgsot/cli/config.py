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
