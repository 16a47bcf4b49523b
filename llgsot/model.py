"""Compatibility home of the Rashba ferromagnet: the models now live in :mod:`llgsot.models`.

``from llgsot.model import RashbaFM`` (and the band routines) keep working.
"""
from .models.rashba import (MIN_IMPURITY_STRENGTH, InternalParams, RashbaFM,  # noqa: F401
                            band_critical_energies, band_minima, lower_band_minimum)

__all__ = ["MIN_IMPURITY_STRENGTH", "InternalParams", "RashbaFM", "band_critical_energies",
           "band_minima", "lower_band_minimum"]
