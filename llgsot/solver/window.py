"""The Fermi-window quadrature of :mod:`llgsot.solver.temperature` (pure numerics: it
knows energies, weights and a callback that returns values, not the solver).

docs/fitting.md, "Finite temperature". In x = (eps - mu)/(k_B T) the weight is
w(x) = 1/(4 cosh^2(x/2)). The energy nodes do not depend on theta except near the band
critical energies, so one call averages all its angles together:

* Segments. Each angle's range [bottom, top] is cut at its own band critical energies
  (minima of E_+ and E_-, the local maximum and saddle of the tilted Mexican hat of E_-,
  found by :func:`band_critical_energies`) and at the energies Z_top and mu + k_B T x_b
  (x_b in :data:`X_BREAKS`) that are the same for every angle. Above Z_top (above every
  critical energy at every theta) the segments of all angles coincide, so their nodes are
  solved ONCE for all angles in one batched call of the zero-temperature solver.
* Graded toward band edges. K(eps) approaches its value at an edge like 1/ln(d) (Re g0 ~
  ln d at a 2D band edge), which polynomial rules on uniform or bisected panels integrate
  slowly. A segment that ends at an edge is mapped as eps = a + L u^p (p = :data:`GRADE_POWER`)
  toward it (both ends: eps = a + L u^2 (3 - 2u)), so that the integrand in u is smooth to
  order p - 1.
* Panels: Gauss-Kronrod (7, 15) in u; |K15 - G7| is the error estimate of a panel: the error
  of the 7-point rule, far above that of the 15-point one whose value is used (measured: 1e-8 to
  2e-7 of max|K| where 1e-5 was stated). QUADPACK's scaling of it, resasc min(1, (200 |K15 - G7|
  / resasc)^1.5), is applied only where it shrinks it (|K15 - G7| < 1.3e-7 resasc), on panels
  that touch neither a band edge nor a subtracted pole: above that it enlarges the estimate
  (seen: 49x on the far Fermi tail at 300 K), which split panels for nothing.
  Adaptive with a global error budget per angle: the panels with the largest error are split
  until the sum of the panel errors of every component is below ``tol`` times the largest
  magnitude of its block (K, sigma, t) in the averaged result.
* Resonances. Inside the gap the vertex equation of the T-matrix scheme (1 - M) becomes
  singular at an energy e_r: K(eps) = R/(eps - e_r) + g(eps) with g smooth, a real simple pole
  of zero width (checked: (eps - e_r) K(eps) tends to the same R from both sides down to
  |eps - e_r| = 1e-11 eV; docs/physics.md sec. 2a caveat). A failing panel whose largest node value
  exceeds :data:`.pole_search.PEAK_RATIO` times its median, and changes sign between two large
  neighbours, holds such a pole: e_r is found by Illinois regula falsi on 1/K (linear there)
  from the two nodes that bracket it, polished by a cubic (:func:`.pole_search._locate_pole`),
  and the residue R of every component is the cubic through (eps - e_r) K(eps) at four solves
  next to it, at eps = e_r. The pole is then SUBTRACTED on its whole segment [a, b]: the
  panels integrate g = K - R/(eps - e_r) (smooth: the panels already solved are reused, no new
  solves), and R PV int_a^b (-f') /(eps - e_r) deps is added, a one-dimensional integral of
  the known Fermi weight (:func:`pv_weight`, no solver call). The uncertainties of e_r and R
  enter the node errors (|R| de_r/d^2 + dR/d at distance d from e_r). A peak without a sign
  change is cut at the nodes next to it. Bisection only otherwise.
* Solver accuracy by weight: a node's solve may be looser than the solver rtol by its small
  weight (:meth:`_Panel.loosening`); the summed solver error keeps its bound.
* The window is |x| <= min(X_MAX, ln(100/tol)), its breaks placed about mu rounded to
  :data:`SNAP` k_B T by the caller (:func:`anchored`). Below the lowest band bottom K = 0; above
  the energy at which the Fermi contour reaches the cutoff k_c the model has no Fermi
  surface: the weight beyond it times the largest value near it enters the error, and a
  window that runs past the cutoff band beyond the stated accuracy is said in a warning.
"""
from __future__ import annotations

import math

import numpy as np

from .pole_search import _component_peak, _pair_pole, _peak, _peak_pole

#: largest |x| = |eps - mu|/(k_B T) ever integrated; the default window is |x| <= ln(100/tol)
X_MAX = 40.0
#: panel boundaries in x shared by all angles (the weight has poles at x = +-i pi: panels of
#: half-length <= 5 integrate it to ~1e-8 of their weight with 15 nodes)
X_BREAKS = (-40.0, -20.0, -10.0, -4.0, 4.0, 10.0, 20.0, 40.0)
#: most panels per angle before the quadrature stops (and says so)
MAX_PANELS = 300
#: grading exponent toward band edges: eps = a + L u^p
GRADE_POWER = 2
#: most poles subtracted on one segment
MAX_POLES = 4
#: panels are refined, worst first, until the others hold at most this fraction of the target
REFINE_LEFT = 0.9
#: largest factor by which a node's solver tolerance is loosened for its small weight
MAX_LOOSENING = 1000.0


def fermi_window_weight(x):
    """-df/dx of the Fermi function at x = (eps - mu)/(k_B T): 1/(4 cosh^2(x/2))."""
    x = np.asarray(x, dtype=float)
    return 0.25 / np.cosh(0.5 * x) ** 2


def fermi(x):
    """Fermi function 1/(1 + e^x), overflow-safe."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 - np.tanh(0.5 * x))


# -- the rule -------------------------------------------------------------------------------
_XGK = np.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                 0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                 0.207784955007898467600689403773245, 0.0])
_WGK = np.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                 0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                 0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
_WG7 = np.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                 0.381830050505118944950369775488975, 0.417959183673469387755102040816327])
#: the 15 Kronrod nodes on (-1, 1), ascending, their weights and the 7-point Gauss weights
U15 = np.concatenate([-_XGK[:-1], _XGK[::-1]])
W15 = np.concatenate([_WGK[:-1], _WGK[::-1]])
W7 = np.zeros(15)
W7[[1, 3, 5, 7, 9, 11, 13]] = np.concatenate([_WG7[:-1], _WG7[::-1]])[[0, 1, 2, 3, 4, 5, 6]]
assert abs(W15.sum() - 2) < 1e-14 and abs(W7.sum() - 2) < 1e-14
assert abs(W7 @ U15**12 - 2 / 13) < 1e-14 and abs(W15 @ U15**22 - 2 / 23) < 1e-14


class _Segment:
    """[a, b] (energy) mapped from u in [0, 1], graded toward the ends that are band edges.
    ``poles``: the simple poles subtracted on it, tuples (e_r, R, de_r, dR, P, P') (R, dR
    arrays over the components; P = PV int_a^b (-f')/(eps - e_r) and P' = dP/de_r);
    ``pv``: the sum of their R P."""

    __slots__ = ("a", "b", "left", "right", "poles", "pv")

    def __init__(self, a, b, left, right):
        self.a, self.b, self.left, self.right = float(a), float(b), bool(left), bool(right)
        self.poles, self.pv = [], 0.0

    def map(self, u):
        """(eps, d eps/du) at u."""
        L, p = self.b - self.a, GRADE_POWER
        if self.left and self.right:  # smoothstep: as u^2 at both ends, and a polynomial
            return self.a + L * u * u * (3 - 2 * u), L * 6 * u * (1 - u)
        if self.left:
            return self.a + L * u**p, L * p * u ** (p - 1)
        if self.right:
            return self.b - L * (1 - u) ** p, L * p * (1 - u) ** (p - 1)
        return self.a + L * u, np.full_like(u, L)

    def inverse(self, e):
        """u of energy e (bisection on the monotone map)."""
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if self.map(np.array([mid]))[0][0] < e else (lo, mid)
        return 0.5 * (lo + hi)

    def subtracted(self, energies, vals, errs=None):
        """K - sum R/(eps - e_r) at ``energies`` (rows of ``vals``); with ``errs``, also the
        node errors with |R| de_r/d^2 + dR/d added (what the uncertainties of e_r and R do
        to the subtracted value at distance d: next to e_r the panels are then limited by
        them, and not refined toward e_r for ever)."""
        for er, R, der, dR, *_ in self.poles:
            d = energies - er
            d = np.where(d == 0.0, np.finfo(float).tiny, d)[:, None]
            vals = vals - R[None, :] / d
            if errs is not None:
                errs = errs + np.abs(R)[None, :] * der / d**2 + dR[None, :] / np.abs(d)
        return vals if errs is None else (vals, errs)


def pole_error(seg, panels):
    """Error of the subtracted poles of ``seg`` whose panels are ``panels``: the result
    depends on R as R (P - Q1) and on e_r as R (P' - Q2), Q1, Q2 the panels' own rule applied
    to (-f')/(eps - e_r) and its e_r-derivative (-f')/(eps - e_r)^2, so that the errors dR and
    de_r enter as dR |P - Q1| + |R| de_r |P' - Q2| (exactly, to first order)."""
    out = 0.0
    for k, (er, R, der, dR, P, dP) in enumerate(seg.poles):
        q1 = sum(p.q[k][0] for p in panels)
        q2 = sum(p.q[k][1] for p in panels)
        out = out + dR * abs(P - q1) + np.abs(R) * der * abs(dP - q2)
    return out


def pv_weight(er, a, b, mu, kT):
    """PV int_a^b (-f'(eps - mu)) / (eps - e_r) deps for a < e_r < b (energies in one unit,
    kT > 0): in x = (eps - mu)/kT, (1/kT) [int (w(x) - w(x_r))/(x - x_r) dx
    + w(x_r) ln((x_b - x_r)/(x_r - x_a))], the smooth part by 24-point Gauss-Legendre on pieces
    of length <= 2 (w is analytic within pi of the real axis: far below 1e-14)."""
    xa, xb, xr = (a - mu) / kT, (b - mu) / kT, (er - mu) / kT
    n = max(1, int(math.ceil((xb - xa) / 2.0)))
    t, wt = np.polynomial.legendre.leggauss(24)
    edges = np.linspace(xa, xb, n + 1)
    h = 0.5 * np.diff(edges)
    x = (0.5 * (edges[:-1] + edges[1:]))[:, None] + h[:, None] * t[None, :]
    wr = float(fermi_window_weight(xr))
    dx = x - xr
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(np.abs(dx) > 1e-7, (fermi_window_weight(x) - wr) / dx,
                     -wr * math.tanh(0.5 * xr))  # w'(x) = -w tanh(x/2)
    smooth = float(np.sum(h[:, None] * wt[None, :] * q))
    return (smooth + wr * math.log((xb - xr) / (xr - xa))) / kT


class _Panel:
    __slots__ = ("seg", "u0", "u1", "energies", "jac", "integral", "qerr", "serr", "vabs",
                 "final", "q")

    def __init__(self, seg, u0, u1):
        self.seg, self.u0, self.u1, self.final = seg, u0, u1, False
        u = 0.5 * (u0 + u1) + 0.5 * (u1 - u0) * U15
        self.energies, self.jac = seg.map(u)

    def bounds(self):
        e = self.seg.map(np.array([self.u0, self.u1]))[0]
        return float(e.min()), float(e.max())

    def loosening(self, mu, kT):
        """Per node, the factor (a power of 10 in [1, MAX_LOOSENING]) by which its solve may be
        less accurate than the panel's mean node: the mean |weight| over the node's |weight|.
        A node's solver error enters the result times its weight, so the summed solver error
        stays below (mean weight) x (solver rtol) x max|K| per node, as with one tolerance for
        all; the nodes next to a band edge (graded: weights ~u) or far out in the Fermi
        tail, where a solve is most expensive, are solved more loosely."""
        w = np.abs(fermi_window_weight((self.energies - mu) / kT) * self.jac
                   * np.tile(W15, len(self.energies) // 15))
        mean = float(w.mean())
        with np.errstate(divide="ignore"):
            r = np.where(w > 0, mean / np.maximum(w, 1e-300), MAX_LOOSENING)
        r = np.clip(r, 1.0, MAX_LOOSENING)
        return 10.0 ** np.floor(np.log10(r) + 1e-12)


def _panel_sums(panel, vals, errs, mu, kT):
    x = (panel.energies - mu) / kT
    k = len(x) // 15
    w = fermi_window_weight(x) * panel.jac / kT * 0.5 * (panel.u1 - panel.u0)
    w15, w7 = w * np.tile(W15, k), w * np.tile(W7, k)
    i15, g7 = w15 @ vals, w7 @ vals
    d = np.abs(i15 - g7)
    at_edge = (panel.seg.left and panel.u0 == 0.0) or (panel.seg.right and panel.u1 == 1.0)
    if not (at_edge or panel.seg.poles):
        # QUADPACK's scaling of |K15 - G7| on a smooth panel (resasc: the spread about the
        # mean), only where it shrinks the estimate (|K15 - G7| < 1.3e-7 resasc)
        mean = i15 / max(float(w15.sum()), 1e-300)
        resasc = np.abs(w15) @ np.abs(vals - mean)
        with np.errstate(divide="ignore", invalid="ignore"):
            fac = np.where(resasc > 0, np.minimum(1.0, (200 * d / resasc) ** 1.5), 1.0)
        scaled = np.maximum(resasc * fac, 50 * np.finfo(float).eps * np.abs(i15))
        d = np.where(resasc > 0, np.minimum(d, scaled), d)
    panel.integral, panel.qerr = i15, d
    panel.serr = np.abs(w15) @ errs
    panel.vabs = np.abs(vals)
    panel.q = []
    for er, *_ in panel.seg.poles:  # the rule on (-f')/(eps - e_r) and its e_r-derivative
        dd = panel.energies - er
        dd = np.where(dd == 0.0, np.finfo(float).tiny, dd)
        panel.q.append((float(w15 @ (1 / dd)), float(w15 @ (1 / dd**2))))


def _solver1(evaluate, i):
    """solve1(e, quiet=False) of item i: (values, errors) at one energy (the root finder's
    callback, :func:`.pole_search._locate_pole`)."""
    def solve1(e, quiet=False):
        e = float(e)
        run = getattr(evaluate, "quiet", evaluate) if quiet else evaluate
        return run({e: [i]})[(e, i)]
    return solve1


#: the 7 Gauss nodes among the 15 Kronrod nodes of a panel
G7 = slice(1, 15, 2)


def _probe_gaps(panels, mu, kT, evaluate, blocks):
    """Before the first round: the panels spanning a segment between two band edges (where
    the vertex poles of the T-matrix scheme lie: the gap between the bottoms of the bands)
    are first solved at their 7 Gauss nodes only. If these show a pole, it is located and
    subtracted on the segment, and the segment is cut at e_r at once: the two halves are
    solved, not the rest of the panel, whose 15 nodes would only have shown the pole (with
    the pole subtracted the whole-gap panel still failed at 300 K, 5x its target, and was cut
    at e_r anyway: 8 solves saved per angle), unless the subtracted integrand is smooth at
    the 7 nodes (:func:`_legendre_tail`): then the panel is completed, pole subtracted, as
    is a panel without a pole (its 7 solves are the cache's). ``panels`` is changed in
    place. Returns the number of rounds used (0 or 1)."""
    probes = [(i, p) for i, ps in enumerate(panels) for p in ps
              if p.seg.left and p.seg.right and not p.seg.poles]
    if not probes:
        return 0
    req = {}
    for i, p in probes:
        for e, m in zip(p.energies[G7], p.loosening(mu, kT)[G7]):
            d = req.setdefault(float(e), {})
            d[i] = min(d.get(i, m), m)
    got = evaluate(req)
    for i, p in probes:
        e = p.energies[G7]
        vals = np.array([got[(float(x), i)][0] for x in e])
        scale = np.empty(vals.shape[1])
        for b in blocks:
            scale[b] = max(float(np.abs(vals[:, b]).max()), 1e-300)
        lo, hi = p.bounds()
        solve1 = _solver1(evaluate, i)
        pole = _pair_pole(p.seg, e, vals, scale, solve1, lo, hi, coarse=True)
        peak = _component_peak(vals) if pole is None else None
        if peak is not None:
            pole = _peak_pole(p.seg, e, vals, solve1, *peak)
        if pole is None:
            continue
        _subtract_pole(p.seg, pole, mu, kT)
        if _legendre_tail(p, e, p.seg.subtracted(e, vals), mu, kT) <= PROBE_SMOOTH:
            continue  # smooth once subtracted: the 15-node panel will likely do
        ue = p.seg.inverse(pole[0])
        k = panels[i].index(p)
        panels[i][k:k + 1] = [_Panel(p.seg, 0.0, ue), _Panel(p.seg, ue, 1.0)]
    return 1


#: a probe panel whose subtracted integrand has Legendre tail <= this is completed, not cut
PROBE_SMOOTH = 0.03
_LEG7 = np.polynomial.legendre.legvander(U15[G7], 6)  # P_k at the 7 Gauss nodes


def _legendre_tail(p, e, g, mu, kT):
    """Largest over the components of (|c_5| + |c_6|) / sum |c_k| for the Legendre
    coefficients c_k of the weighted integrand (-f') (d eps/du) g on the panel, from its 7
    Gauss nodes (exact for degree <= 6): near 0 for an integrand the 15-node rule resolves
    at once. Measured at 300 K: 0.0026 for a pole on a constant (the 15-node panel then
    passes), 0.2-0.26 for the Ta-like model's gap, whose steep approach to the upper band
    edge made the subtracted 15-node panel fail 5x over its target."""
    f = (fermi_window_weight((e - mu) / kT) * p.jac[G7])[:, None] * g
    c = (np.arange(7) + 0.5)[:, None] * (_LEG7.T @ (W7[G7][:, None] * f))
    total = np.abs(c).sum(axis=0)
    ok = total > 0
    return float(((np.abs(c[5]) + np.abs(c[6]))[ok] / total[ok]).max()) if ok.any() else 0.0


def _split(panel, vals, scale, solve1, mu, kT):
    """What to do with a failing panel: ("pole", (e_r, de_r, R, dR)) for a pole inside its
    segment not subtracted yet; (children, None) for a peak (cuts at the nodes next to it) or
    else a bisection in u; (None, None) if it cannot be refined."""
    seg = panel.seg
    lo, hi = panel.bounds()
    inside = [er for er, *_ in seg.poles if lo + 1e-9 * (hi - lo) < er < hi - 1e-9 * (hi - lo)]
    if inside:  # a subtracted pole inside: cut there (bisection would put nodes next to it,
        # where K - R/(eps - e_r) cancels, and the solver's error grows like 1/d^3)
        ue = seg.inverse(inside[0])
        if panel.u0 < ue < panel.u1:
            return [_Panel(seg, panel.u0, ue), _Panel(seg, ue, panel.u1)], None
    if len(seg.poles) < MAX_POLES:  # the signature of a pole between two nodes
        found = _pair_pole(seg, panel.energies, vals, scale, solve1, lo, hi)
        if found is not None:
            return "pole", found
    j = _peak(vals, scale)
    if j is not None and len(seg.poles) < MAX_POLES:
        found = _peak_pole(seg, panel.energies, vals, solve1, j,
                           int(np.argmax(np.abs(vals[j]) / scale)))
        if found is not None:
            return "pole", found
        e = panel.energies
        cuts = [e[i] for i in (j - 1, j + 1) if 0 <= i < len(e)]
        us = sorted({min(max(seg.inverse(x), panel.u0), panel.u1) for x in cuts})
        bounds = [panel.u0] + [u for u in us if panel.u0 < u < panel.u1] + [panel.u1]
        if len(bounds) > 2:
            return [_Panel(seg, u0, u1) for u0, u1 in zip(bounds[:-1], bounds[1:])], None
    mid = 0.5 * (panel.u0 + panel.u1)
    return [_Panel(seg, panel.u0, mid), _Panel(seg, mid, panel.u1)], None


def _subtract_pole(seg, pole, mu, kT):
    """Attach ``pole`` = (e_r, de_r, R, dR) to ``seg``, with P = PV int_a^b (-f')/(eps - e_r)
    and dP/de_r (central difference of :func:`pv_weight`, smooth in e_r)."""
    er, der, R, dR = pole
    P = pv_weight(er, seg.a, seg.b, mu, kT)
    h = 1e-4 * min(er - seg.a, seg.b - er)
    dP = (pv_weight(er + h, seg.a, seg.b, mu, kT) - pv_weight(er - h, seg.a, seg.b, mu, kT)) / (2 * h)
    seg.poles.append((er, R, der, dR, P, dP))
    seg.pv = seg.pv + R * P


def _pole_inside(p):
    """True if a pole subtracted on the panel's segment lies strictly inside the panel."""
    if not p.seg.poles:
        return False
    lo, hi = p.bounds()
    pad = 1e-9 * (hi - lo)
    return any(lo + pad < er < hi - pad for er, *_ in p.seg.poles)


def _pole_errors(ps, segs):
    return sum(pole_error(g, [p for p in ps if p.seg is g]) for g in segs.values() if g.poles)


def _worst_panels(eff, target, excess):
    """Indices of the panels to refine: the worst first (largest max over components of
    error/target), until the panels left alone hold at most :data:`REFINE_LEFT` of every
    component's target (``excess``: the summed errors over the targets, those of the
    subtracted poles included), and none below 1/8 of the worst. A refined panel's |K15 - G7|
    drops far below its parent's, so the rest of the budget is theirs; a panel that holds half
    the target while another one is 2x over it is not split as well (it was: the shared
    panels of 4 of 20 angles at 300 K, 30-60 solves each, which the final sum did not need)."""
    share = np.array([q / target for q in eff])  # panels x components
    r = share.max(axis=1)
    floor = max(float(r.max()) / 8, 1.0 / (2 * len(eff)))
    rest = np.array(excess, float)
    chosen = set()
    for k in np.argsort(-r):
        if np.all(rest <= REFINE_LEFT) or r[k] < floor:
            break
        chosen.add(int(k))
        rest = rest - share[k]
    return chosen


def adaptive(items, mu, kT, tol, evaluate, blocks, max_panels=MAX_PANELS, probe=False):
    """Adaptive Fermi-window quadrature of several integrands at once.

    items : list over integrands (angles) of lists of :class:`_Segment`.
    evaluate(requests) : requests is a dict energy -> {item index: loosening} (the factor,
        >= 1, by which that solve's tolerance may be relaxed, :meth:`_Panel.loosening`; a plain
        list of item indices means 1 for all); returns a dict (energy, item) -> (values,
        errors) arrays of length nv.
    blocks : list of index arrays; each component's target is tol x the largest |integral|
        of its block.
    probe : look for poles between band edges with 7 solves first (:func:`_probe_gaps`; for
        an ``evaluate`` that caches its solves: the first round asks for them again).
    Returns per item (integral, quadrature error, solver error, info dict).
    """
    panels = [[_Panel(s, 0.0, 1.0) for s in segs] for segs in items]
    rounds = _probe_gaps(panels, mu, kT, evaluate, blocks) if probe else 0
    new = [list(p) for p in panels]
    raw = {}
    limit = [False] * len(items)

    def resum(p):
        vals, errs = p.seg.subtracted(p.energies, *raw[id(p)])
        _panel_sums(p, vals, errs, mu, kT)
        p.vabs = np.abs(raw[id(p)][0])  # |K| itself, for the tails
        return vals

    while True:
        rounds += 1
        req = {}  # energy -> {item: loosening of its solve}
        for i, ps in enumerate(new):
            for p in ps:
                for e, m in zip(p.energies, p.loosening(mu, kT)):
                    d = req.setdefault(float(e), {})
                    d[i] = min(d.get(i, m), m)
        got = evaluate(req) if req else {}
        for i, ps in enumerate(new):
            for p in ps:
                raw[id(p)] = (np.array([got[(float(e), i)][0] for e in p.energies]),
                              np.array([got[(float(e), i)][1] for e in p.energies]))
                resum(p)
        new = [[] for _ in items]
        changed = False
        for i, ps in enumerate(panels):
            segs = {id(p.seg): p.seg for p in ps}
            total = sum(p.integral for p in ps) + sum(g.pv for g in segs.values())
            scale = np.empty_like(total)
            for b in blocks:
                scale[b] = max(float(np.abs(total[b]).max()), 1e-300)
            target = tol * scale
            # a panel whose |K15 - G7| is below twice its averaged solver error is limited by
            # the solver (it is counted, not refined); except a panel with a subtracted pole
            # strictly inside: there the node errors |R| de_r/d^2 + dR/d of a node at distance
            # d from e_r dominate, and cutting the panel at e_r moves its nodes away (seen: one
            # node 0.4 ueV from the pole made t2e's stated error 12 % of its value at 300 K,
            # theta = 0.05, eps_F = 4.02 meV, W = 0.0630 eV nm^2)
            eff = [0 * p.qerr if p.final else
                   p.qerr + p.serr if _pole_inside(p) else
                   np.where(p.qerr > 2 * p.serr, p.qerr, 0.0) for p in ps]
            excess = (sum(eff) + _pole_errors(ps, segs)) / target
            if np.all(excess <= 1.0):
                continue
            if len(ps) >= max_panels:
                limit[i] = True
                continue
            chosen = _worst_panels(eff, target, excess)
            keep, add, poled = [], [], set()
            for k, p in enumerate(ps):
                if k not in chosen or id(p.seg) in poled:
                    keep.append(p)
                    continue
                e0, e1 = p.energies[0], p.energies[-1]
                if (p.u1 - p.u0) < 1e-12 or abs(e1 - e0) < 1e-12 * kT:
                    p.final = True  # cannot be resolved further: its error stays in the sum
                    keep.append(p)
                    continue

                kids, pole = _split(p, p.seg.subtracted(p.energies, raw[id(p)][0]), scale,
                                    _solver1(evaluate, i), mu, kT)
                if kids == "pole":  # subtract it on the whole segment: no new panel solves
                    _subtract_pole(p.seg, pole, mu, kT)
                    poled.add(id(p.seg))
                    keep.append(p)
                    changed = True
                    continue
                if kids is None:
                    p.final = True
                    keep.append(p)
                    continue
                add += kids
            for p in keep:
                if id(p.seg) in poled:
                    resum(p)
            panels[i] = keep + add
            new[i] = add
        if not changed and not any(new):
            break
    out = []
    for i, ps in enumerate(panels):
        ps.sort(key=lambda p: (p.seg.a, p.u0))
        segs = {id(p.seg): p.seg for p in ps}
        total = sum(p.integral for p in ps) + sum(g.pv for g in segs.values())
        info = {"panels": len(ps), "energy_nodes": 15 * len(ps), "rounds": rounds,
                "panel_limit_reached": limit[i],
                "lowest_values": ps[0].vabs.max(axis=0), "highest_values": ps[-1].vabs.max(axis=0)}
        info["poles"] = sorted(er for g in segs.values() for er, *_ in g.poles)
        qerr = sum(p.qerr for p in ps) + _pole_errors(ps, segs)
        out.append((total, qerr, sum(p.serr for p in ps), info))
    return out


def segments(lo, hi, edges, shared, mu, kT, grade_from=()):
    """Segments of [lo, hi] cut at ``edges`` (graded toward them) and at ``shared`` breaks;
    ``lo`` or ``hi`` is graded if it is one of the edges; a segment that starts at one of
    ``grade_from`` is graded toward its left end too (the 1/ln(d) tail of an edge below)."""
    tiny = 1e-12 * kT
    eset = np.array(sorted(edges), float)
    gset = np.array(sorted(grade_from), float)

    def is_edge(e):
        return bool(eset.size) and float(np.min(np.abs(eset - e))) <= tiny

    inner = [e for e in edges if lo + tiny < e < hi - tiny]
    cuts = sorted({lo, hi, *inner, *(s for s in shared if lo + tiny < s < hi - tiny)})
    def graded_from(e):
        return bool(gset.size) and float(np.min(np.abs(gset - e))) <= tiny

    return [_Segment(a, b, is_edge(a) or graded_from(a), is_edge(b))
            for a, b in zip(cuts[:-1], cuts[1:])]


#: the window's breaks and ends are placed about mu rounded to a lattice of this many k_B T
#: (the weight itself uses the exact mu): a small change of mu (a fit's finite-difference
#: step in the Fermi energy) keeps every node, and the solves are the cache's
SNAP = 1.0 / 16


def anchored(mu, kT):
    """mu (energy) rounded to the lattice of :data:`SNAP` k_B T: where the breaks sit."""
    q = SNAP * kT
    return q * round(mu / q)


def window(kT, mu, tol, x_max=None):
    if x_max is None:  # the weight beyond x_max is below tol/100
        x_max = min(X_MAX, math.log(100.0 / tol))
    # a break is kept if the piece beyond it is at least as long as the break is far out
    # (|x_b| <= x_max / 2): a lone short tail piece (e.g. [10, 16] at tol = 1e-5) costs
    # 15 solves for a weight ~ e^-10, and the e^-x weight is entire (the adaptive rule
    # still splits the merged piece if its |K15 - G7| asks for it)
    return x_max, [mu + kT * x for x in X_BREAKS if abs(x) <= 0.5 * x_max]


def thermal_average(func, kT: float, mu: float, lo: float, hi: float, edges=(), tol: float = 1e-8,
                    x_max: float | None = None):
    """int_{lo}^{hi} (-f'(eps - mu)) func(eps) deps for a vector-valued ``func`` that is
    smooth between the ``edges`` (all energies in one unit; kT > 0).

    Returns (integral, error_estimate, info). ``func(eps)`` returns (value, abs_error) arrays
    of one shape; the solver's errors are averaged with the same weights. Outside [lo, hi]
    the integrand is taken as 0. ``tol`` is relative to each component's largest |integral|.
    """
    x_max, shared = window(kT, mu, tol, x_max)
    xlo = max(-x_max, (lo - mu) / kT)
    xhi = min(x_max, (hi - mu) / kT)
    if not xhi > xlo:
        raise ValueError("empty thermal window")
    a, b = mu + kT * xlo, mu + kT * xhi
    segs = segments(a, b, list(edges), shared, mu, kT)
    shape = []

    def evaluate(req):
        out = {}
        for e, idx in req.items():
            v, er = func(e)
            v, er = np.asarray(v, float), np.asarray(er, float)
            if not shape:
                shape.append(v.shape)
            for i in idx:
                out[(e, i)] = (v.ravel(), er.ravel())
        return out

    v0 = np.asarray(func(0.5 * (a + b))[0], float)
    blocks = [np.array([c]) for c in range(v0.size)]
    total, qerr, serr, info = adaptive([segs], mu, kT, tol, evaluate, blocks)[0]
    tail = float(fermi(xhi)) * 2 * info["highest_values"]
    if xlo <= -x_max + 1e-12:
        tail = tail + float(fermi(x_max)) * 2 * info["lowest_values"]
    info.update({"quadrature_error": qerr.reshape(v0.shape), "tail_error": tail.reshape(v0.shape),
                 "x_range": (xlo, xhi), "lowest_values": info["lowest_values"].reshape(v0.shape)})
    return total.reshape(v0.shape), (qerr + serr + tail).reshape(v0.shape), info


