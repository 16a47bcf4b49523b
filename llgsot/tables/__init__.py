"""Torque tables: build (solver over theta), store (netCDF), interpolate (exports: llgsot.export).

Submodules load on first use, so that importing one light piece (the schema, the Hermite
interpolant) does not pull in xarray and the solver.
"""
from importlib import import_module

_LAZY = {"build_table": "build", "TorqueTable": "interpolate", "load_table": "store",
         "save_table": "store"}

__all__ = ["TorqueTable", "build_table", "load_table", "save_table"]


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
