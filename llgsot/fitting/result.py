"""The result of a fit: best values, profile-likelihood intervals, covariance, diagnostics."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._io import json_ready


@dataclass
class FitResult:
    """Outcome of :func:`llgsot.fit_torques` (or a Hall-field fit).

    Attributes
    ----------
    params : dict
        Best values of the free parameters, public units (eV, m^-2, eV nm^2, eV m, m_e).
    ci : dict
        95 % profile-likelihood interval (low, high) per free parameter (Delta chi^2 = 3.84
        with the other free parameters re-minimised); an end at a fit bound is listed in
        ``open_ends``.
    covariance, correlation : ndarray (k, k)
        Linearised (Gauss-Newton) covariance at the best fit in public units, order ``free``,
        and the correlation matrix.
    chi2 : float
        Minimum of sum((model - data)^2 / (sigma^2 + model_err^2)) + sum(ln(1 + model_err^2 /
        sigma^2)): -2 ln(likelihood) up to a constant. The second sum (the variance term of the
        Gaussian likelihood) is ~sum(model_err^2 / sigma^2), negligible when the solver's stated
        errors are small against sigma, as they are by default.
    dof : int
        Degrees of freedom: data points minus free parameters.
    converged : bool
        The optimiser reported convergence and the starts agree on the minimum.
    warnings : list of str
        Identifiability and solver diagnostics (also emitted once as a :class:`FitWarning`).
    """

    free: list
    params: dict
    ci: dict
    covariance: np.ndarray
    correlation: np.ndarray
    chi2: float
    dof: int
    converged: bool
    warnings: list
    units: dict
    theta: np.ndarray
    data: dict
    sigma: dict
    best_fit: dict
    best_fit_err: dict
    fixed: dict
    settings: dict
    open_ends: dict = field(default_factory=dict)
    profiles: dict = field(default_factory=dict, repr=False)
    starts: list = field(default_factory=list, repr=False)
    nfev: int = 0
    elapsed: float = 0.0
    quantity: str = "efficiency"

    @property
    def stderr(self) -> dict:
        """Linearised standard errors sqrt(diag covariance), public units."""
        d = np.sqrt(np.clip(np.diag(self.covariance), 0, None))
        return dict(zip(self.free, d.tolist()))

    @property
    def p_value(self) -> float:
        """P(chi^2_dof >= chi2): a small value says the model does not describe the data."""
        from scipy.stats import chi2 as _chi2

        return float(_chi2.sf(self.chi2, self.dof)) if self.dof > 0 else float("nan")

    def summary(self) -> str:
        lines = [f"fit of {', '.join(self.data)} at {len(self.theta)} angles "
                 f"({self.settings.get('regime')}, {self.settings.get('approximation')}, "
                 f"T = {self.settings.get('temperature', 0.0):g} K)",
                 f"chi2 = {self.chi2:.4g} for dof = {self.dof} (p = {self.p_value:.3g}); "
                 f"converged: {self.converged}; {self.nfev} solver calls, {self.elapsed:.1f} s",
                 "parameter            best           95% profile interval            unit"]
        for n in self.free:
            lo, hi = self.ci[n]
            flag = " (open: " + ", ".join(self.open_ends[n]) + ")" if self.open_ends.get(n) else ""
            lines.append(f"  {n:<18} {self.params[n]: .6e}  [{lo: .6e}, {hi: .6e}]  "
                         f"{self.units[n]}{flag}")
        if len(self.free) > 1:
            lines.append("correlation:")
            for i, n in enumerate(self.free):
                row = " ".join(f"{c: .3f}" for c in self.correlation[i])
                lines.append(f"  {n:<18} {row}")
        for w in self.warnings:
            lines.append("warning: " + w)
        return "\n".join(lines)

    __str__ = summary

    def to_dict(self) -> dict:
        """Strict-JSON-ready dict (non-finite numbers become None)."""

        return json_ready({
            "free": self.free, "params": self.params, "ci": self.ci, "open_ends": self.open_ends,
            "stderr": self.stderr, "covariance": self.covariance, "correlation": self.correlation,
            "chi2": self.chi2, "dof": self.dof, "p_value": self.p_value,
            "converged": self.converged, "warnings": self.warnings, "units": self.units,
            "theta": self.theta, "data": self.data, "sigma": self.sigma,
            "best_fit": self.best_fit, "fixed": self.fixed, "settings": self.settings,
            "nfev": self.nfev, "elapsed_s": self.elapsed, "quantity": self.quantity,
        })

    def plot(self, path=None, title=None):
        """Data (with error bars) against the best fit, one panel per quantity, and the
        Delta chi^2 profiles. Returns the matplotlib figure; saves it if ``path`` is given."""
        from .plotting import plot_fit

        return plot_fit(self, path=path, title=title)
