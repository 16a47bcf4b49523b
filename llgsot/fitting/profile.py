"""Profile likelihood: 95 % intervals from chi^2_min(p_j) - chi^2_min = 3.84 (one parameter).

For each free parameter the other free parameters are re-minimised at fixed p_j (warm
starts, bounded least squares). The crossing of Delta chi^2 = 3.84 is bracketed outward from
the best fit, starting at the Wald step 1.96 sigma_j, and refined assuming Delta chi^2 is
locally quadratic in the step (step <- step sqrt(3.84 / Delta)), which is exact for a
linear model. An interval that reaches a bound without crossing is reported open there.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import least_squares

#: the confidence level of every interval of a fit, and its one-parameter thresholds
CONFIDENCE = 0.95
DCHI2_95 = 3.841458820694124  # chi^2 quantile, 1 degree of freedom, 0.95
Z_95 = math.sqrt(DCHI2_95)  # = 1.959964 (the normal quantile 0.975): the Wald half-width in sigma
#: where the profile is evaluated besides the interval search, as fractions of each side's
#: half-width, so that its figure shows its shape (with the search: >= 7 points)
PLOT_FRACTIONS = (0.5, 1.25)
#: relative accuracy of the crossing in Delta chi^2
CROSS_TOL = 0.03
MAX_STEPS = 8
#: xtol and ftol of each profile minimisation by least squares
PROFILE_TOL = 1e-6
#: the chord method's stop: predicted decrease of chi^2 of its next step (absolute)
CHORD_TOL = 5e-3
CHORD_STEPS = 4


def profile_min(tm, j, xj, x_start, max_nfev=40, slope=None, jac=None):
    """min over the other free parameters of chi^2 with x_j fixed. Returns (chi2, x).

    ``slope`` (d x / d x_j of the linearised profile, see ``fit._slope``) moves the start of
    the other parameters from ``x_start`` along the profile to ``xj``: for a nearly linear
    model that is almost their minimum. ``jac`` (the residuals' Jacobian in x at the best fit)
    enables :func:`chord_min` first, which reuses it instead of a finite-difference
    Jacobian per step; where it does not settle, bounded least squares takes over."""
    k = len(x_start)
    if slope is not None:
        x_start = np.asarray(x_start, float) + np.asarray(slope) * (xj - x_start[j])
    if k == 1:
        x = np.array([xj])
        return tm.chi2(x), x
    others = [i for i in range(k) if i != j]
    x_start = np.array(x_start, float)
    x_start[j] = xj
    x_start[others] = np.clip(x_start[others], tm.lower[others], tm.upper[others])
    if jac is not None:
        got = chord_min(tm, others, x_start, np.asarray(jac, float)[:, others])
        if got is not None:
            return got

    def res(y):
        x = np.array(x_start, float)
        x[others] = y
        return tm.residuals(x)

    r = least_squares(res, x_start[others], bounds=(tm.lower[others], tm.upper[others]),
                      diff_step=1e-3, x_scale=1.0, max_nfev=max_nfev, xtol=PROFILE_TOL,
                      ftol=PROFILE_TOL, gtol=1e-8)
    x = np.array(x_start, float)
    x[others] = r.x
    return 2 * r.cost, x


def chord_min(tm, others, x, J):
    """Gauss-Newton steps in the ``others`` coordinates of ``x`` with the fixed Jacobian
    ``J`` (the chord method): stops when the step's predicted decrease of chi^2 is below
    ``CHORD_TOL`` (an accepted point then lies at most ~CHORD_TOL above the minimum, which
    moves an interval end by ~CHORD_TOL / 7.7 of its half-width: 1e-3). Every returned chi^2
    is that of an evaluated point (never below the true minimum: the interval is never
    widened by it). Returns (chi2, x), or None if it did not settle in ``CHORD_STEPS``."""
    lo, hi = tm.lower[others], tm.upper[others]
    r = tm.residuals(x)
    c = float(r @ r)
    for _ in range(CHORD_STEPS):
        step = np.linalg.lstsq(J, -r, rcond=None)[0]
        y = np.clip(x[others] + step, lo, hi)
        pred = c - float(np.sum((r + J @ (y - x[others])) ** 2))
        if pred < CHORD_TOL:
            return c, x
        x_new = np.array(x)
        x_new[others] = y
        r_new = tm.residuals(x_new)
        c_new = float(r_new @ r_new)
        if not c_new < c:
            return None  # the fixed Jacobian is too far off here
        x, r, c = x_new, r_new, c_new
    return None


def profile_interval(tm, j, x_best, chi2_best, sigma_x, slope=None, jac=None):
    """(low, high) of x_j where Delta chi^2 = 3.84, the profile points visited and flags
    (``slope``, ``jac``: warm starts and the chord method, see :func:`profile_min`)."""
    points = [(float(x_best[j]), 0.0)]
    ends, open_, better = [], [], None
    for side in (-1.0, 1.0):
        bound = tm.upper[j] if side > 0 else tm.lower[j]
        room = abs(bound - x_best[j])
        step = min(Z_95 * sigma_x if np.isfinite(sigma_x) and sigma_x > 0 else 0.1, room)
        x_warm = np.array(x_best, float)
        inner = (0.0, 0.0)  # (step, Delta) below the crossing
        outer = None
        result = None
        for _ in range(MAX_STEPS):
            if step <= 0:
                break
            xj = x_best[j] + side * step
            c2, x_warm_new = profile_min(tm, j, xj, x_warm, slope=slope, jac=jac)
            d = c2 - chi2_best
            points.append((float(xj), float(d)))
            if d < -0.01 and (better is None or c2 < better[0]):
                better = (c2, x_warm_new)
            if abs(d - DCHI2_95) <= CROSS_TOL * DCHI2_95:
                result = step
                break
            if d < DCHI2_95:
                inner = (step, d)
                x_warm = x_warm_new
                if step >= room * (1 - 1e-9):
                    break  # reached the bound below the threshold: open interval
                # quadratic guess, at most doubling the step
                new = step * math.sqrt(DCHI2_95 / d) if d > 1e-3 else 2 * step
                step = min(max(new, 1.05 * step), 2 * step, room)
            else:
                outer = (step, d)
                s0, d0 = inner
                if d0 > 0:  # interpolate in sqrt(Delta), linear in the step between bracket ends
                    a, b = math.sqrt(d0), math.sqrt(d)
                    step = s0 + (step - s0) * (math.sqrt(DCHI2_95) - a) / (b - a)
                else:
                    step = step * math.sqrt(DCHI2_95 / d)
        if result is None:
            if outer is not None:  # bracketed but not refined within MAX_STEPS: interpolate
                s0, d0 = inner
                s1, d1 = outer
                a, b = math.sqrt(max(d0, 0.0)), math.sqrt(d1)
                result = s0 + (s1 - s0) * (math.sqrt(DCHI2_95) - a) / (b - a)
            else:
                result = room
                open_.append(side)
        ends.append(x_best[j] + side * result)
    points.sort()
    return (ends[0], ends[1]), points, open_, better


def fill_profile(tm, j, x_best, chi2_best, ends, points, fractions=PLOT_FRACTIONS, slope=None,
                 jac=None):
    """The profile points of x_j (sorted (x_j, Delta chi^2) pairs): those of the interval
    search and more at ``fractions`` of each side's half-width (inside the bounds, where the
    search left no point within 0.15 of the half-width), enough to draw the profile's shape
    (a parabola for a linear model)."""
    points = list(points)
    for end in ends:
        half = end - x_best[j]
        for f in fractions:
            xj = x_best[j] + f * half
            if half == 0 or not tm.lower[j] <= xj <= tm.upper[j]:
                continue
            if any(abs(p - xj) < 0.15 * abs(half) for p, _ in points):
                continue
            c2, _ = profile_min(tm, j, xj, x_best, slope=slope, jac=jac)
            points.append((float(xj), float(c2 - chi2_best)))
    return sorted(points)
