"""Locating a real simple pole of K(eps) between two energy nodes of the Fermi-window
quadrature (:mod:`.window`): the root of 1/K by Illinois regula falsi, polished by a cubic,
and the residue of every component from four solves next to it; and the signature of such a
pole among a panel's node values. Pure numerics on values and a callback that solves at one
energy; the window subtracts the pole it returns (docs/fitting.md, "Finite temperature").
"""
from __future__ import annotations

import numpy as np

#: the root finder's target: e_r within this fraction of the bracket before the polish
POLE_XTOL = 1e-4
#: half-spacing of the polish stencil e_r + (-2, -1, 1, 2) h, as a fraction of the bracket
#: (1.5e-3: a bracket between two of 7 probe nodes is ~2x that of 15 nodes; with 3e-3 the
#: residue's truncation term g' h^2 made the stated error 3.2e-5 at 300 K, theta = 0.85)
POLE_STENCIL = 1.5e-3
#: most root-finder solves before a pole is given up (the panel is then bisected)
POLE_MAX_STEPS = 30
#: a panel whose largest |value| exceeds this times its median is a resonance suspect
PEAK_RATIO = 8.0


def _locate_pole(e1, y1, e2, y2, solve1, c):
    """A real simple pole of component c bracketed by (e1, e2), where it changes sign.

    e_r: Illinois regula falsi on z = 1/K (linear near a simple pole, so the first secant
    step already lands close), starting from the bracket's nodes (solved already), until a
    step is below :data:`POLE_XTOL` of the bracket; its solves may land next to e_r, where
    the solver's own error grows like 1/d^3 and it may warn, so they are made with
    ``solve1(e, quiet=True)`` (only the sign of y and 1/y ~ 0 are used). A step where |1/K|
    exceeds its value at both nodes means K passes through zero in the bracket: None (next
    to a simple pole 1/K is monotone between the nodes). Then polished: the
    root of the cubic through 1/y at e_0 + (-2, -1, 1, 2) h, h = :data:`POLE_STENCIL` of the
    bracket (full accuracy; uncertainty: its distance to the root of the quadratic through
    three of them, or |e_r - e_0| if the cubic moved e_r by more than 2 h). None if K itself
    does not change sign across (e1, e2).
    R: F = (eps - e_r) K(eps) = R + g d + g' d^2 + ... at d = eps - e_r; R is the cubic
    through F at the four stencil points, evaluated at d = 0 (centred on e_r it is
    Richardson's (4 F(h) - F(2h))/3 of the averages over +-d). Its error: the difference to
    the straight line through the two inner points (the g' h^2 term the cubic removes), the
    solvers' errors times |d| with the cubic's weights, and e_r's uncertainty times |F'(0)|.
    ``solve1(e)`` returns (values, errors) of every component. Returns (e_r, de_r, R, dR)."""
    width = abs(e2 - e1)
    lo, hi = min(e1, e2), max(e1, e2)
    # K itself at the bracket (y1, y2 may have other poles subtracted): the bracket's nodes
    # are solved already, so these are the cache's
    zlo, zhi = (1.0 / v if v != 0.0 else 0.0 for v in (solve1(lo)[0][c], solve1(hi)[0][c]))
    if not zlo * zhi < 0:  # no sign change of K itself (e.g. the panel's values had another
        return None        # pole subtracted, seen in build_table at 300 K): not a pole here

    def inv(e):
        v = solve1(e, quiet=True)[0][c]
        return 1.0 / v if v != 0.0 else 0.0

    xtol = POLE_XTOL * width
    zmax = max(abs(zlo), abs(zhi))
    er0, side = None, 0
    for _ in range(POLE_MAX_STEPS):
        new = hi - zhi * (hi - lo) / (zhi - zlo)
        new = min(max(new, lo + 1e-3 * xtol), hi - 1e-3 * xtol)
        if er0 is not None and abs(new - er0) < xtol:
            er0 = new
            break
        er0 = new
        z = inv(er0)
        if z == 0.0:
            break
        if abs(z) > zmax:  # 1/K is monotone between the nodes next to a simple pole; here it
            return None    # grew: K passes through zero in the bracket (not a pole here)
        if z * zhi < 0:  # the root lies in [er0, hi]
            lo, zlo = er0, z
            if side == -1:
                zhi *= 0.5  # Illinois: the stale end's value halved
            side = -1
        else:
            hi, zhi = er0, z
            if side == 1:
                zlo *= 0.5
            side = 1
        if hi - lo < xtol:
            er0 = 0.5 * (lo + hi)
            break
    h = POLE_STENCIL * width
    t = np.array([-2 * h, -h, h, 2 * h])
    got = [solve1(er0 + x) for x in t]
    V = np.array([g[0] for g in got])
    VE = np.array([g[1] for g in got])
    # polish: the root of the cubic through 1/K at the four points (error ~ (g/R)^3 h^4),
    # its uncertainty the distance to the root of the quadratic through three of them
    y = 1.0 / V[:, c]
    roots = []
    for deg, idx in ((3, [0, 1, 2, 3]), (2, [1, 2, 3])):
        poly = np.polynomial.Polynomial.fit(t[idx], y[idx], deg)
        x = 0.0
        for _ in range(8):
            x = x - poly(x) / poly.deriv()(x)
        roots.append(x)
    er = er0 + roots[0]
    step = max(abs(roots[0] - roots[1]), 1e-15 * abs(er))
    if abs(roots[0]) > 2 * h:  # the secant's e_0 and the cubic disagree: state the distance
        step = max(step, abs(roots[0]))
    # residue: the cubic through F = d K at the stencil, at d = 0
    d = er0 + t - er
    F = d[:, None] * V
    lag = np.array([np.prod([(0.0 - d[m]) / (d[k] - d[m]) for m in range(4) if m != k])
                    for k in range(4)])
    R = lag @ F
    lin = (d[2] * F[1] - d[1] * F[2]) / (d[2] - d[1])  # the line through the inner two
    dF = np.array([np.sum([np.prod([(0.0 - d[m]) / (d[k] - d[m]) for m in range(4)
                                    if m not in (k, q)]) / (d[k] - d[q])
                           for q in range(4) if q != k]) for k in range(4)]) @ F
    FE = np.abs(d)[:, None] * VE
    dR = np.abs(R - lin) + np.abs(lag) @ FE + np.abs(dF) * step
    return er, step + 1e-15 * abs(er), R, dR


def _pole_pairs(vals, scale, at_median=False):
    """Adjacent nodes (i, i + 1) between which a component c changes sign while its magnitude
    grows toward them from both sides and exceeds its median on the panel (``at_median``:
    or equals it, for a few nodes, whose median may be one of the pair): a pole between them
    (a zero crossing shrinks toward it). Sorted, most marked first: (size, i, c)."""
    y = vals / scale
    ay = np.abs(y)
    n = len(y)
    med = np.median(ay, axis=0)
    out = []
    for i in range(n - 1):
        low = np.minimum(ay[i], ay[i + 1])
        flip = (y[i] * y[i + 1] < 0) & ((low >= med) if at_median else (low > med))
        if i > 0:
            flip &= ay[i] > ay[i - 1]
        if i + 2 < n:
            flip &= ay[i + 1] > ay[i + 2]
        for c in np.flatnonzero(flip):
            out.append((float(min(ay[i, c], ay[i + 1, c])), i, int(c)))
    return sorted(out, reverse=True)


def _pair_pole(seg, e, vals, scale, solve1, lo, hi, coarse=False):
    """(e_r, de_r, R, dR) of a pole of ``seg`` between two adjacent nodes ``e`` (ascending,
    values ``vals``) with the signature of :func:`_pole_pairs`, located inside
    (lo, hi) and not one already subtracted; else None. A zero of K next to a large value is
    not a pole: the residue must carry the values at the bracket (R/d grew toward e_r).
    ``coarse``: 7 nodes, whose median may be one of the pair."""
    for _, i, c in _pole_pairs(vals, scale, coarse)[:1]:
        found = _locate_pole(e[i], vals[i, c], e[i + 1], vals[i + 1, c], solve1, c)
        if found is None:
            continue
        if _new_pole(seg, found, lo, hi, c, e[i:i + 2], vals[i:i + 2, c]):
            return found
    return None


def _new_pole(seg, found, lo, hi, c, e, y):
    """True if ``found`` = (e_r, de_r, R, dR) is a pole to subtract: inside (lo, hi), not one
    subtracted already on ``seg`` (a residue left by its uncertainty), and a pole, not a zero
    of K next to large values: |R| of component c carries the values ``y`` at the nodes ``e``
    (R/d grew toward e_r)."""
    er, der, R, _ = found
    known = any(abs(er - p[0]) <= 1e3 * (der + p[2]) for p in seg.poles)
    return lo < er < hi and not known and abs(R[c]) > 0.3 * float(np.max(np.abs(y * (e - er))))


def _peak(vals, scale):
    """Index of the node whose largest scaled |value| exceeds :data:`PEAK_RATIO` times the
    median over the nodes, or None."""
    m = (np.abs(vals) / scale).max(axis=1)
    j = int(np.argmax(m))
    return j if m[j] > PEAK_RATIO * max(float(np.median(m)), 1e-300) else None


def _component_peak(vals):
    """(node j, component c) of the largest |value| over the median of its own component,
    if that ratio exceeds :data:`PEAK_RATIO` (a pole next to one node shows in the
    components it dominates even where other components are larger), else None."""
    a = np.abs(vals)
    med = np.median(a, axis=0)
    ok = med > 0
    if not ok.any():
        return None
    ratio = np.where(ok, a.max(axis=0) / np.where(ok, med, 1.0), 0.0)
    c = int(np.argmax(ratio))
    return (int(np.argmax(a[:, c])), c) if ratio[c] > PEAK_RATIO else None


def _peak_pole(seg, e, vals, solve1, j, c):
    """(e_r, de_r, R, dR) of a pole next to the peak node j, where component c changes sign
    toward a neighbour, or None."""
    y = vals[:, c]
    for i0, i1 in ((j, j + 1), (j - 1, j)):
        if 0 <= i0 and i1 < len(e) and y[i0] * y[i1] < 0:
            found = _locate_pole(e[i0], y[i0], e[i1], y[i1], solve1, c)
            if found is not None and _new_pole(seg, found, seg.a, seg.b, c, e[j:j + 1], y[j:j + 1]):
                return found
    return None
