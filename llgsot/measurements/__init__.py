"""Simulated SOT measurements of a macrospin: harmonic Hall and ST-FMR, and the standard
analyses that turn them into damping-like and field-like fields (docs/measurements.md).

One concept per module: :mod:`.equilibrium` (static equilibrium under field + SOT),
:mod:`.harmonic_hall` (+ :mod:`.hall_dynamic`), :mod:`.hall_analysis` (Hayashi, Avci),
:mod:`.st_fmr` (linear response), :mod:`.fmr_analysis` (Liu's S/A analysis, Kittel fit).
"""
from .fmr_analysis import analyze_st_fmr
from .hall_analysis import analyze_harmonic_hall
from .harmonic_hall import harmonic_hall
from .st_fmr import st_fmr

__all__ = ["analyze_harmonic_hall", "analyze_st_fmr", "harmonic_hall", "st_fmr"]
