"""Torque tables: build (solver over theta), store (netCDF), interpolate, export."""
from .build import build_table
from .interpolate import TorqueTable
from .store import load_table, save_table

__all__ = ["TorqueTable", "build_table", "load_table", "save_table"]
