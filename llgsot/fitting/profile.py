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


def profile_min(tm, j, xj, x_start, max_nfev=40):
    """min over the other free parameters of chi^2 with x_j fixed. Returns (chi2, x)."""
    k = len(x_start)
    if k == 1:
        x = np.array([xj])
        return tm.chi2(x), x
    others = [i for i in range(k) if i != j]

    def res(y):
        x = np.array(x_start, float)
        x[others] = y
        x[j] = xj
        return tm.residuals(x)

    y0 = np.clip(np.asarray(x_start, float)[others], tm.lower[others], tm.upper[others])
    r = least_squares(res, y0, bounds=(tm.lower[others], tm.upper[others]), diff_step=1e-3,
                      x_scale=1.0, max_nfev=max_nfev, xtol=1e-6, ftol=1e-6, gtol=1e-8)
    x = np.array(x_start, float)
    x[others] = r.x
    x[j] = xj
    return 2 * r.cost, x


def profile_interval(tm, j, x_best, chi2_best, sigma_x):
    """(low, high) of x_j where Delta chi^2 = 3.84, the profile points visited and flags."""
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
            c2, x_warm_new = profile_min(tm, j, xj, x_warm)
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


def fill_profile(tm, j, x_best, chi2_best, ends, points, fractions=PLOT_FRACTIONS):
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
            c2, _ = profile_min(tm, j, xj, x_best)
            points.append((float(xj), float(c2 - chi2_best)))
    return sorted(points)
