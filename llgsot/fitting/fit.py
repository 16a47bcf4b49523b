"""Fit the microscopic model to measured torque efficiencies: :func:`fit_torques`.

Bounded least squares (scipy ``least_squares``, trust-region reflective) from several
deterministic starts, then profile-likelihood 95 % intervals (:mod:`.profile`) and the
linearised covariance. Identifiability problems are reported in ``FitResult.warnings`` and
emitted once as a :class:`FitWarning`.
"""
from __future__ import annotations

import itertools
import time
import warnings

import numpy as np
from scipy.optimize import least_squares

from .. import _validate as v
from .profile import DCHI2_95, Z_95, fill_profile, profile_interval
from .result import FitResult
from .torques import FREE_UNITS, TorqueModel

#: an |correlation| above this is reported as "not separable"
CORR_LIMIT = 0.99
#: xtol and ftol of the optimiser (relative changes of x and of chi^2 at which it stops)
FIT_TOL = 1e-8
#: the same at temperature > 0: the window quadrature's node choice makes chi^2 ragged at the
#: ~0.01 level, below which a 300 K fit spent a dozen 5 s evaluations on steps < 1e-5 in x;
#: 1e-4 in x is < 1e-3 of an interval (x of order one), 1e-5 of chi^2 ~ 80 is < 1e-3
FIT_TOL_WINDOW = (1e-4, 1e-5)


class FitWarning(UserWarning):
    """The data cannot separate some parameters, or the fit met a rugged chi^2 surface."""


def fit_torques(theta, data, sigma, model, fermi_energy, free, bounds=None, regime="finite",
                approximation="tmatrix", temperature=0.0, rtol=None, n_starts=None,
                profile=True, phi=0.0) -> FitResult:
    """Fit microscopic parameters to measured angle-dependent torque efficiencies.

    Parameters
    ----------
    theta : array_like
        Magnetization polar angles of the measurements (rad, in [0, pi]; azimuth ``phi``).
    data, sigma : dict
        From any subset of ``"tau1e", "tau2e", "tau1o", "tau2o"`` to arrays (one value per
        angle) of the measured efficiencies t/sigma_xx and their standard uncertainties
        (1/(A m), the package's definition, P-34).
    model : RashbaFM
        Fixed parameters, and the start values of the free ones.
    fermi_energy : float
        Fermi energy (eV); its start value if ``"fermi_energy"`` is free.
    free : sequence of str
        Subset of ``fermi_energy`` (eV), ``impurity_strength`` (eV nm^2), ``impurity_density``
        (m^-2), ``delta_xc`` (eV), ``alpha`` (eV m), ``m_eff`` (m_e).
    bounds : dict, optional
        ``{name: (low, high)}`` in the same units. Defaults: a factor 5 about the start for
        the scale parameters (fitted in log space; the sign of ``impurity_strength`` and
        ``alpha`` is kept), start +- max(|start|, delta_xc, 1 meV) for ``fermi_energy``.
    regime, approximation : str
        As for :func:`llgsot.response` (default: the finite regime, full T-matrix).
    temperature : float
        Temperature (K, >= 0) of the measurement: the model is the Fermi-window average.
    rtol : float, optional
        Solver tolerance (dimensionless, 1e-12 <= rtol <= 1e-3; its error estimates enter the
        residuals). Default at temperature 0: 1e-6 (ample). At temperature > 0 it is the
        relative accuracy of the Fermi-window average (of the largest |K|, |sigma|, |t| at each
        angle), whose cost grows fast as it tightens; the default is chosen from the data:
        2.5e-3 x the smallest sigma relative to its quantity's largest |data|, within
        [1e-6, 1e-3], tightened at the first start until the stated model error is <= 0.1
        sigma at every point (``settings["rtol"]`` gives the value used).
    n_starts : int, optional
        Deterministic starts: the model values, then all free parameters shifted by +-0.5
        (log space) or +-0.5 D (Fermi energy), ... (1 <= n_starts <= 9). Default 3 at
        temperature 0, 1 at temperature > 0 (each start there costs ~25 window averages; the
        window smooths the chi^2 surface, and the T = 0 coverage scenarios reached the same
        minimum from all three starts).
    profile : bool
        Compute the profile-likelihood intervals (else ``ci`` holds Wald intervals). At
        temperature > 0 ``profiles`` keeps only the points of the interval search (at T = 0
        two more per side are added for the figure: ~35 % of a fit's evaluations).
    phi : float or array_like
        Azimuth of the magnetization (rad): one number for all measurements (default 0) or
        one per angle. The efficiencies at (theta, phi) are those of :func:`llgsot.response`
        at phi: the (P-4) coefficients in the frame rotated by phi, i.e. for the electric
        field along (cos phi, sin phi) and m in the plane of it and the normal (a current
        along phi in a harmonic-Hall sweep with the field along the current). A
        rotation-invariant model gives the same efficiencies at every phi; a model without
        C_inf_v symmetry (``RashbaDresselhausFM``) does not, and data at several phi (current
        directions relative to the crystal axes) constrain it where one azimuth cannot. Each
        distinct phi is one solver call per fit step.

    Returns
    -------
    FitResult
    """
    tm = TorqueModel(theta, data, sigma, model, fermi_energy, free, bounds, regime,
                     approximation, temperature, rtol, phi=phi)
    n_starts = default_starts(n_starts, tm.temperature)
    from ..solver.response import APPROXIMATIONS, REGIMES

    v.choice("regime", regime, REGIMES)
    v.choice("approximation", approximation, APPROXIMATIONS)
    return run_fit(tm, n_starts, profile, a_priori=structural_warnings(tm))


def default_starts(n_starts, temperature):
    """``n_starts`` validated, or its default: 3 at temperature 0, 1 at temperature > 0."""
    if n_starts is None:
        return 3 if temperature == 0 else 1
    return v.count("n_starts", n_starts, min=1, max=9)


def run_fit(tm, n_starts=3, profile=True, a_priori=()) -> FitResult:
    """The optimiser, intervals and diagnostics, for any forward model with the interface of
    :class:`.torques.TorqueModel`."""
    t0 = time.perf_counter()
    # the figure's extra profile points cost ~35 % of a fit: only at temperature 0, where an
    # evaluation costs milliseconds, not seconds
    fill = getattr(tm, "temperature", 0.0) == 0
    k = len(tm.free)
    starts = _starts(k, n_starts, tm.lower, tm.upper)
    runs = []
    for x0 in starts:
        runs.append(_minimise(tm, x0))
    best = min(runs, key=lambda r: r.cost)
    notes = list(a_priori)
    for attempt in range(2):
        x_best = best.x
        chi2 = 2 * best.cost
        cov_x = _cov(best.jac)
        sig_x = np.sqrt(np.clip(np.diag(cov_x), 0, None))
        ci_x, profiles, open_ends, better = {}, {}, {}, None
        for j, name in enumerate(tm.free):
            if profile:
                slope = _slope(cov_x, j)
                (lo, hi), pts, opn, bet = profile_interval(tm, j, x_best, chi2, sig_x[j], slope,
                                                           best.jac)
                if fill:
                    pts = fill_profile(tm, j, x_best, chi2, (lo, hi), pts, slope=slope,
                                       jac=best.jac)
                if bet is not None and (better is None or bet[0] < better[0]):
                    better = bet
            else:
                lo = max(x_best[j] - Z_95 * sig_x[j], tm.lower[j])
                hi = min(x_best[j] + Z_95 * sig_x[j], tm.upper[j])
                pts, opn = [], [s for s, e, b in ((-1.0, lo, tm.lower[j]), (1.0, hi, tm.upper[j])) if e == b]
            ci_x[name] = (lo, hi)
            profiles[name] = pts
            open_ends[name] = opn
        if better is None or attempt == 1:
            break
        # the profile found a lower chi^2 than the fit: restart from there once
        notes.append(f"a profile found chi2 lower by {chi2 - better[0]:.3g} than the first "
                     "optimum: refitted from there (rugged chi^2 surface)")
        runs.append(_minimise(tm, better[1]))
        best = min(runs, key=lambda r: r.cost)

    # public units
    params = tm.to_params(x_best)
    D = tm.dparams_dx(x_best)
    cov = cov_x * np.outer(D, D)
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = cov / np.outer(sd, sd)
    ci, prof_pub, open_pub = {}, {}, {}
    for j, name in enumerate(tm.free):
        ends = []
        for xe in ci_x[name]:
            xx = np.array(x_best, float)
            xx[j] = xe
            ends.append(tm.to_params(xx)[name])
        ci[name] = (min(ends), max(ends))
        pts = []
        for xj, d in profiles[name]:
            xx = np.array(x_best, float)
            xx[j] = xj
            pts.append((tm.to_params(xx)[name], d))
        prof_pub[name] = sorted(pts)
        sign = 1.0 if tm.to_params(x_best + np.eye(k)[j] * 1e-6)[name] > params[name] else -1.0
        open_pub[name] = sorted({"high" if s * sign > 0 else "low" for s in open_ends[name]})

    notes += _data_warnings(tm, corr, open_pub, ci, params, cov)
    ev = tm.evaluate(x_best)
    best_fit = {k_: ev[0][k_].tolist() for k_ in tm.keys} if ev else {}
    best_err = {k_: ev[1][k_].tolist() for k_ in tm.keys} if ev else {}
    for msg, count in sorted(tm.solver_warnings.items()):
        notes.append(f"solver ({count}x during the fit): {msg}")
    converged = bool(best.status > 0) and ev is not None
    tol_chi2 = max(1e-3 * chi2, 1e-6)
    agree = sum(1 for r in runs if 2 * r.cost <= chi2 + tol_chi2)
    if n_starts > 1 and agree < 2:
        notes.append(f"only one of {len(runs)} starts reached the best chi2 = {chi2:.4g} "
                     f"(others: {sorted(round(2 * r.cost, 3) for r in runs)[1:]}): rugged surface")
    identifiability = [n for n in notes if not n.startswith("solver (")]
    if identifiability:
        warnings.warn("fit: " + "; ".join(identifiability), FitWarning, stacklevel=3)
    return FitResult(
        free=list(tm.free), params=params, ci=ci, covariance=cov, correlation=corr,
        chi2=float(chi2), dof=int(tm.ndata - k), converged=converged, warnings=notes,
        units={n: FREE_UNITS.get(n, "") for n in tm.free}, theta=tm.theta,
        data={k_: tm.data[k_] for k_ in tm.keys}, sigma={k_: tm.sigma[k_] for k_ in tm.keys},
        best_fit=best_fit, best_fit_err=best_err, fixed=tm.fixed_summary(),
        settings={"regime": tm.regime, "approximation": tm.approximation,
                  "temperature": tm.temperature, "rtol": tm.rtol, "n_starts": len(starts),
                  **({"rtol_choice": tm.rtol_note} if getattr(tm, "rtol_note", None) else {}),
                  "profile": bool(profile), "bounds_x": [tm.lower.tolist(), tm.upper.tolist()],
                  **({"phi": tm.phi.tolist()} if hasattr(tm, "phi") else {})},
        open_ends=open_pub, profiles=prof_pub,
        starts=[{"x0": s.tolist(), "chi2": 2 * r.cost, "status": r.status} for s, r in zip(starts, runs)],
        nfev=tm.nfev, elapsed=time.perf_counter() - t0,
        quantity=tm.quantity)


def _minimise(tm, x0):
    """Bounded least squares of ``tm.residuals`` from ``x0`` (two-point Jacobian)."""
    k = len(x0)
    xtol, ftol = FIT_TOL_WINDOW if getattr(tm, "temperature", 0.0) > 0 else (FIT_TOL, FIT_TOL)
    return least_squares(tm.residuals, x0, bounds=(tm.lower, tm.upper), diff_step=1e-3,
                         x_scale=1.0, xtol=xtol, ftol=ftol, gtol=1e-8, max_nfev=60 * (k + 1))


def _starts(k, n, lo, hi):
    """Deterministic starts: the origin (the model values), then the corners of +-0.5."""
    out = [np.zeros(k)]
    for signs in itertools.product((1.0, -1.0), repeat=k):
        if len(out) >= n:
            break
        out.append(np.array(signs) * 0.5)
    if len(out) < n:  # one parameter: add +-1
        out += [np.full(k, s) for s in (1.0, -1.0)][: n - len(out)]
    eps = 1e-9
    return [np.clip(x, lo + eps * (hi - lo), hi - eps * (hi - lo)) for x in out[:n]]


def _slope(cov_x, j):
    """d x_others / d x_j along the linearised profile of x_j (cov[:, j] / cov[j, j]): where
    the other parameters' minimum moves as x_j is fixed away from the best fit (a warm start
    for the profile), or None if the covariance is singular."""
    c = np.asarray(cov_x, float)[:, j]
    if not np.all(np.isfinite(c)) or not c[j] > 0:
        return None
    return c / c[j]


def _cov(J):
    """(J^T J)^-1 by SVD; directions the data do not constrain get an infinite variance."""
    U, s, Vt = np.linalg.svd(np.asarray(J, float), full_matrices=False)
    if s.size == 0 or s[0] == 0:
        return np.full((J.shape[1], J.shape[1]), np.inf)
    inv = np.where(s > 1e-10 * s[0], 1.0 / np.where(s > 0, s, 1.0) ** 2, np.inf)
    with np.errstate(invalid="ignore"):
        cov = (Vt.T * inv) @ Vt
    if np.isinf(inv).any():  # a flat direction: infinite variance along it
        cov = np.where(np.abs(Vt[np.isinf(inv)]).sum(0)[:, None] * np.abs(Vt[np.isinf(inv)]).sum(0)[None, :] > 0,
                       np.inf, cov)
    return cov


def structural_warnings(tm):
    """Combinations the model's structure makes unidentifiable, whatever the data."""
    out = []
    f = set(tm.free)
    if tm.approximation == "born" and {"impurity_density", "impurity_strength"} <= f:
        out.append("in the Born approximation impurity_density n and impurity_strength W~ enter "
                    "only as n W~^2: fit one of them")
    if tm.regime == "dilute" and "impurity_density" in f:
        out.append("in the dilute regime K and sigma both scale as 1/n: the efficiencies t/sigma_xx "
                   "do not depend on impurity_density")
    if tm.regime == "dilute" and tm.approximation == "born" and "impurity_strength" in f:
        out.append("in the dilute Born limit K and sigma both scale as 1/(n W~^2): the efficiencies "
                   "do not depend on impurity_strength")
    return out


def _data_warnings(tm, corr, open_ends, ci, params, cov):
    out = []
    k = len(tm.free)
    for i in range(k):
        for j in range(i + 1, k):
            c = corr[i, j]
            if np.isfinite(c) and abs(c) > CORR_LIMIT:
                out.append(f"{tm.free[i]} and {tm.free[j]} are not separable by these data "
                           f"(correlation {c:+.4f})")
    for n in tm.free:
        if open_ends[n]:
            out.append(f"the profile of {n} stays below Delta chi2 = {DCHI2_95:.2f} up to the "
                       f"{' and '.join(open_ends[n])} bound: the data do not bound it there")
    if not np.all(np.isfinite(np.diag(cov))):
        out.append("the linearised covariance is singular: a combination of the free parameters "
                   "is not constrained")
    edge = tm.band_edge_note(params)
    if edge is not None:
        out.append(edge)
    return out
