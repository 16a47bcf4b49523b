"""Torque tables over the whole sphere (theta, phi), for models without full rotational
symmetry: point groups as data (:mod:`.group`), the adaptive builder (:mod:`.build`), the
interpolant (:mod:`.table`) and the file format (:mod:`.schema`, table version 2).
Submodules load on first use."""
from importlib import import_module

_LAZY = {"PointGroup": "group", "c_nv": "group", "c2v_rd": "group", "trivial": "group",
         "build_sphere_table": "build", "SphereTable": "table", "SPHERE_TABLE_VERSION": "schema"}

__all__ = list(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
