"""Torque tables: build (solver over theta), store (netCDF), interpolate (exports: llgsot.export).

Submodules load on first use, so that importing one light piece (the schema, the Hermite
interpolant) does not pull in xarray and the solver.
"""
from .._lazy import lazy_names

_LAZY = {"build_table": "build", "TorqueTable": "interpolate", "load_table": "store",
         "save_table": "store", "open_table": "interpolate", "SphereTable": "sphere.table",
         "build_sphere_table": "sphere.build"}

__all__ = ["SphereTable", "TorqueTable", "build_sphere_table", "build_table", "load_table",
           "open_table", "save_table"]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
