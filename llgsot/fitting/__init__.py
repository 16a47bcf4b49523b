"""Fitting the microscopic model to measured torques (issue 12).

:func:`fit_torques` fits efficiencies t/sigma_xx against the magnetization angle,
:func:`fit_hall_fields` harmonic-Hall damping-like and field-like fields; the result
(:class:`FitResult`) carries profile-likelihood intervals, the covariance and the
identifiability diagnostics.
"""
from .fit import FitWarning, fit_torques
from .hall import fit_hall_fields
from .result import FitResult
from .synthetic import synthetic_efficiencies

__all__ = ["fit_torques", "fit_hall_fields", "FitResult", "FitWarning", "synthetic_efficiencies"]
