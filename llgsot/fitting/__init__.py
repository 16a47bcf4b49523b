"""Fitting the microscopic model to measured torques (issue 12).

:func:`fit_torques` fits efficiencies t/sigma_xx against the magnetization angle; the result
(:class:`FitResult`) carries profile-likelihood intervals, the covariance and the
identifiability diagnostics.
"""
from .fit import FitWarning, fit_torques
from .result import FitResult
from .synthetic import synthetic_efficiencies

__all__ = ["fit_torques", "FitResult", "FitWarning", "synthetic_efficiencies"]
