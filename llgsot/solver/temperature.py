"""Finite temperature: the Fermi-surface response averaged over the Fermi window.

docs/physics.md sec. 6: at temperature T the Kubo-Streda I (Fermi-surface) term becomes

    K(T, mu) = int deps (-df/deps)(eps - mu) K(eps),    f(x) = 1/(1 + exp(x/k_B T))

and likewise sigma; the Fermi-sea term stays neglected, as in the paper. The torque
coefficients (P-4) are linear in K at fixed theta, so averaging K and then applying (P-4)
equals averaging the coefficients; we average the coefficients the zero-temperature solver
returns (its removable-pole treatment included) and form tau = <t>/<sigma_xx>.

Quadrature (docs/fitting.md, "Finite temperature"). In x = (eps - mu)/(k_B T) the weight is
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
  toward it, so that the integrand in u is smooth to order p - 1.
* Panels: Gauss-Kronrod (7, 15) in u; |K15 - G7| is the error estimate of a panel (the
  QUADPACK scaling of it only on panels that touch neither an edge nor a resonance).
  Adaptive with a global error budget per angle: the panels with the largest error are split
  until the sum of the panel errors of every component is below ``tol`` times the largest
  magnitude of its block (K, sigma, t) in the averaged result.
* Resonances. The inside-gap resonance of the T-matrix scheme (1 - M nearly singular) is a
  pole-like peak of width down to ~1e-3 meV. A failing panel whose largest node value
  exceeds :data:`PEAK_RATIO` times its median is a resonance suspect: a pole
  p(eps)/((eps - e_r)^2 + g^2) is fitted to its values, and the panel is cut at e_r +- g 4^k
  (geometric toward the pole), else at the nodes next to the peak.
* The window is |x| <= min(X_MAX, ln(100/tol)). Below the lowest band bottom K = 0; above
  the energy at which the Fermi contour reaches the cutoff k_c the model has no Fermi
  surface: the weight beyond it times the largest value near it enters the error, and a
  window that runs past the cutoff band beyond the stated accuracy is said in a warning.
* Zero-temperature solves are cached (:class:`SolveCache`, bounded in memory) keyed by the
  model's parameters, approximation, regime, solver rtol and azimuth.

Error estimate: sum of |K15 - G7| (scaled), the solver's own errors averaged with the same
weights, the tails beyond the window and the cut-off band. It is tested against refined runs
(tests/test_temperature_fast.py).
"""
from __future__ import annotations

import math
import re
import warnings
from collections import OrderedDict

import numpy as np

from ..constants import K_B, EV
from .. import model as _model
from .. import spinorbit as _so
from ..tables import schema as _schema

#: default relative accuracy of the Fermi-window average at T > 0 (of max|K|, max|sigma|,
#: max|t| of the averaged result): what a measurement can use, not the T = 0 rtol
TEMPERATURE_RTOL = 1e-5
#: the zero-temperature solves run at this fraction of the requested accuracy
SOLVER_RTOL_FACTOR = 0.1
#: largest |x| = |eps - mu|/(k_B T) ever integrated; the default window is |x| <= ln(100/tol)
X_MAX = 40.0
#: panel boundaries in x shared by all angles (the weight has poles at x = +-i pi: panels of
#: half-length <= 5 integrate it to ~1e-8 of their weight with 15 nodes)
X_BREAKS = (-40.0, -20.0, -10.0, -4.0, 4.0, 10.0, 20.0, 40.0)
#: most panels per angle before the quadrature stops (and says so)
MAX_PANELS = 300
#: grading exponent toward band edges: eps = a + L u^p
GRADE_POWER = 2
#: a panel whose largest |value| exceeds this times its median is a resonance suspect
PEAK_RATIO = 8.0
#: a result whose stated error exceeds this fraction of its block scale gets a warning
WARN_FRACTION = 1e-2
#: packed layout of one averaged point: the 10 table columns then the 4 torque coefficients
N_VAL = len(_schema.THERMAL_COLUMNS)


def kelvin_to_ev(temperature: float) -> float:
    """k_B T in eV for ``temperature`` in K."""
    return K_B * temperature / EV


def fermi_window_weight(x):
    """-df/dx of the Fermi function at x = (eps - mu)/(k_B T): 1/(4 cosh^2(x/2))."""
    x = np.asarray(x, dtype=float)
    return 0.25 / np.cosh(0.5 * x) ** 2


def fermi(x):
    """Fermi function 1/(1 + e^x), overflow-safe."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 - np.tanh(0.5 * x))


# -- band critical energies -----------------------------------------------------------------
def band_critical_energies(model, theta: float) -> np.ndarray:
    """Critical values (eV) of E_+(k) and E_-(k) at magnetization polar angle ``theta`` (rad),
    azimuth 0: band minima, the local maximum and the saddle of E_-. Sorted, unique
    (:func:`llgsot.model.band_critical_energies`, in eV)."""
    p = model.internal()
    return 1e-3 * _model.band_critical_energies(p.c, p.alpha, p.delta * math.sin(theta),
                                                p.delta * math.cos(theta))


def cutoff_energy(model, theta: float) -> float:
    """Lowest energy (eV) of E_- on the cutoff circle |k| = k_c: above it the Fermi contour
    of the lower band reaches k_c and the model has no complete Fermi surface."""
    p = model.internal()
    ph = np.linspace(0.0, 2 * math.pi, 2049)
    kx, ky = p.kc * np.cos(ph), p.kc * np.sin(ph)
    dx, dz = p.delta * math.sin(theta), p.delta * math.cos(theta)
    e = p.c * p.kc**2 - np.sqrt(p.alpha**2 * kx**2 + (p.alpha * ky - dx) ** 2 + dz**2)
    return float(e.min()) * 1e-3


_THETA_SAMPLE = np.linspace(0.0, math.pi / 2, 17)
_MODEL_RANGES: "OrderedDict[str, tuple]" = OrderedDict()


def model_energy_range(model) -> tuple:
    """(lowest band bottom, highest critical energy, lowest cutoff energy) over theta in
    [0, pi] (eV; sampled on 17 angles of [0, pi/2], the bands being even about pi/2).
    These fix the segments that all angles share, whatever angles a call asks for."""
    key = repr(model)
    if key not in _MODEL_RANGES:
        crit = [band_critical_energies(model, t) for t in _THETA_SAMPLE]
        top = min(cutoff_energy(model, t) for t in _THETA_SAMPLE)
        _MODEL_RANGES[key] = (min(c[0] for c in crit), max(c[-1] for c in crit), top)
        while len(_MODEL_RANGES) > 64:
            _MODEL_RANGES.popitem(last=False)
    return _MODEL_RANGES[key]


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
    A ``pole`` segment is [e_r - h, e_r + h] about a real pole e_r, integrated as a principal
    value: u gives the pair e_r +- h u, so that the odd part A/(eps - e_r) cancels node by node."""

    __slots__ = ("a", "b", "left", "right", "pole", "extra")

    def __init__(self, a, b, left, right, pole=False):
        self.a, self.b, self.left, self.right = float(a), float(b), bool(left), bool(right)
        self.pole, self.extra = pole, None

    def map(self, u):
        """(eps, d eps/du) at u (for a pole segment: both members of each pair)."""
        L, p = self.b - self.a, GRADE_POWER
        if self.pole:
            h, er = 0.5 * L, 0.5 * (self.a + self.b)
            return np.concatenate([er + h * u, er - h * u]), np.full(2 * len(u), h)
        if self.left and self.right:
            den = u**p + (1 - u) ** p
            return self.a + L * u**p / den, L * p * u ** (p - 1) * (1 - u) ** (p - 1) / den**2
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


class _Panel:
    __slots__ = ("seg", "u0", "u1", "energies", "jac", "integral", "qerr", "serr", "vabs",
                 "rough", "final")

    def __init__(self, seg, u0, u1, rough=False):
        self.seg, self.u0, self.u1, self.final = seg, u0, u1, False
        self.rough = rough or seg.pole
        u = 0.5 * (u0 + u1) + 0.5 * (u1 - u0) * U15
        self.energies, self.jac = seg.map(u)

    def bounds(self):
        e = self.seg.map(np.array([self.u0, self.u1]))[0]
        return float(e.min()), float(e.max())


def _panel_sums(panel, vals, errs, mu, kT):
    x = (panel.energies - mu) / kT
    k = len(x) // 15
    w = fermi_window_weight(x) * panel.jac / kT * 0.5 * (panel.u1 - panel.u0)
    w15, w7 = w * np.tile(W15, k), w * np.tile(W7, k)
    i15, g7 = w15 @ vals, w7 @ vals
    d = np.abs(i15 - g7)
    at_edge = (panel.seg.left and panel.u0 == 0.0) or (panel.seg.right and panel.u1 == 1.0)
    if not (panel.rough or at_edge):
        # QUADPACK's scaling of |K15 - G7| on a smooth panel (resasc: the spread about the mean)
        mean = i15 / max(float(w15.sum()), 1e-300)
        resasc = np.abs(w15) @ np.abs(vals - mean)
        with np.errstate(divide="ignore", invalid="ignore"):
            fac = np.where(resasc > 0, np.minimum(1.0, (200 * d / resasc) ** 1.5), 1.0)
        d = np.where(resasc > 0, np.maximum(resasc * fac, 50 * np.finfo(float).eps * np.abs(i15)), d)
    panel.integral, panel.qerr = i15, d
    panel.serr = np.abs(w15) @ errs
    panel.vabs = np.abs(vals)


def _find_pole(e1, y1, e2, y2, solve1, c):
    """A real pole of component c bracketed by (e1, e2), where it changes sign: Illinois
    regula falsi on 1/y (linear near a simple pole) until the bracket or the step is 1e-5 or
    1e-4 of the first bracket. Returns (e_r, its uncertainty, the amplitude A of every
    component, K ~ A/(eps - e_r))."""
    width = abs(e2 - e1)
    f1, f2, v, ev, side = 1 / y1, 1 / y2, None, e1, 0
    er, prev = e1 - f1 * (e2 - e1) / (f2 - f1), e1
    for _ in range(40):
        if abs(e2 - e1) < 1e-5 * width or abs(er - prev) < 1e-4 * width:
            break  # (closer solves are ill-conditioned and slow; the step is the uncertainty)
        v = solve1(er)
        f = 1 / v[c]
        if f * f1 > 0:
            e1, f1, ev = er, f, er
            f2, side = (f2 / 2 if side == -1 else f2), -1
        else:
            e2, f2, ev = er, f, er
            f1, side = (f1 / 2 if side == 1 else f1), 1
        prev, er = er, e1 - f1 * (e2 - e1) / (f2 - f1)
    amp = np.abs(v) * abs(ev - er) if v is not None else np.abs(y1) * 0.0
    return er, abs(er - prev) + 1e-3 * abs(e2 - e1), amp


def _pole_segments(seg, er, step, amp, mu, kT):
    """Replace ``seg`` by a principal-value segment about the pole e_r and linear segments
    whose lengths grow like their distance from it (the far ends keep their grading)."""
    h = min(er - seg.a, seg.b - er)
    pole = _Segment(er - h, er + h, False, False, pole=True)
    # an error `step` in e_r shifts the principal value by ~2 A step/h (weighted)
    pole.extra = 2 * amp * step / h * fermi_window_weight((er - mu) / kT) / kT * 2 * h
    cuts = [seg.a, er - h, er + h, seg.b]
    k = 2 * h
    while k < (seg.b - seg.a):
        cuts += [er - k, er + k]
        k *= 2.0
    cuts = sorted(c for c in set(cuts) if seg.a <= c <= seg.b)
    out = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        if b - a <= 1e-12 * kT:
            continue
        out.append(pole if (a, b) == (er - h, er + h) else
                   _Segment(a, b, seg.left and a == seg.a, seg.right and b == seg.b))
    return out


def _split(panel, vals, scale, solve1, mu, kT):
    """Children of a failing panel, and the segment they replace (or None): a pole -> a
    principal-value segment (the whole segment re-cut); a peak -> cuts at the nodes next to
    it; else bisection in u."""
    a = np.abs(vals) / scale
    m = a.max(axis=1)
    j = int(np.argmax(m))
    seg = panel.seg
    if m[j] > PEAK_RATIO * max(float(np.median(m)), 1e-300) and not seg.pole:
        c = int(np.argmax(a[j]))
        e, y = panel.energies, vals[:, c]
        for i0, i1 in ((j, j + 1), (j - 1, j)):
            if 0 <= i0 and i1 < len(e) and y[i0] * y[i1] < 0 and min(m[i0], m[i1]) > PEAK_RATIO * np.median(m):
                er, step, amp = _find_pole(e[i0], y[i0], e[i1], y[i1], solve1, c)
                if seg.a < er < seg.b:
                    return [_Panel(s, 0.0, 1.0) for s in _pole_segments(seg, er, step, amp, mu, kT)], seg
        cuts = [e[i] for i in (j - 1, j + 1) if 0 <= i < len(e)]
        us = sorted({min(max(seg.inverse(x), panel.u0), panel.u1) for x in cuts})
        bounds = [panel.u0] + [u for u in us if panel.u0 < u < panel.u1] + [panel.u1]
        if len(bounds) > 2:
            return [_Panel(seg, u0, u1, rough=True) for u0, u1 in zip(bounds[:-1], bounds[1:])], None
    if seg.pole and panel.u1 - panel.u0 < 0.1:
        return None, None  # the pair integrand is smooth unless e_r is off: counted, not chased
    mid = 0.5 * (panel.u0 + panel.u1)
    return [_Panel(seg, panel.u0, mid, panel.rough), _Panel(seg, mid, panel.u1, panel.rough)], None


def _adaptive(items, mu, kT, tol, evaluate, blocks, max_panels=MAX_PANELS):
    """Adaptive Fermi-window quadrature of several integrands at once.

    items : list over integrands (angles) of lists of :class:`_Segment`.
    evaluate(requests) : requests is a dict energy -> list of item indices; returns a dict
        (energy, item) -> (values, errors) arrays of length nv.
    blocks : list of index arrays; each component's target is tol x the largest |integral|
        of its block.
    Returns per item (integral, quadrature error, solver error, info dict).
    """
    panels = [[_Panel(s, 0.0, 1.0) for s in segs] for segs in items]
    new = [list(p) for p in panels]
    results = {}
    limit = [False] * len(items)
    rounds = 0
    while any(new):
        rounds += 1
        req = {}
        for i, ps in enumerate(new):
            for p in ps:
                for e in p.energies:
                    req.setdefault(float(e), []).append(i)
        got = evaluate(req)
        for i, ps in enumerate(new):
            for p in ps:
                vals = np.array([got[(float(e), i)][0] for e in p.energies])
                errs = np.array([got[(float(e), i)][1] for e in p.energies])
                _panel_sums(p, vals, errs, mu, kT)
                results[id(p)] = vals
        new = [[] for _ in items]
        for i, ps in enumerate(panels):
            total = sum(p.integral for p in ps)
            scale = np.empty_like(total)
            for b in blocks:
                scale[b] = max(float(np.abs(total[b]).max()), 1e-300)
            target = tol * scale
            # a panel whose |K15 - G7| is below twice its averaged solver error is limited by
            # the solver (it is counted, not refined)
            eff = [np.where(p.qerr > 2 * p.serr, p.qerr, 0.0) if not p.final else 0 * p.qerr
                   for p in ps]
            excess = sum(eff) / target
            if np.all(excess <= 1.0):
                continue
            if len(ps) >= max_panels:
                limit[i] = True
                continue
            r = np.array([float((q / target).max()) for q in eff])
            order = np.argsort(-r)
            cut = max(r.max() / 8, 1.0 / (2 * len(ps)))
            keep, add, replaced = [], [], set()
            chosen = {int(k) for k in order if r[k] >= cut}
            for k, p in enumerate(ps):
                if id(p.seg) in replaced:
                    continue
                if k not in chosen:
                    keep.append(p)
                    continue
                e0, e1 = p.energies[0], p.energies[-1]
                if (p.u1 - p.u0) < 1e-12 or abs(e1 - e0) < 1e-12 * kT:
                    p.final = True  # cannot be resolved further: its error stays in the sum
                    keep.append(p)
                    continue
                def solve1(e, i=i):
                    e = float(e)
                    return evaluate({e: [i]})[(e, i)][0]

                kids, gone = _split(p, results[id(p)], scale, solve1, mu, kT)
                if kids is None:
                    p.final = True
                    keep.append(p)
                    continue
                if gone is not None:
                    replaced.add(id(gone))
                add += kids
            add = [p for p in add if id(p.seg) not in replaced or p.seg.pole]
            panels[i] = [p for p in keep if id(p.seg) not in replaced] + add
            new[i] = add
    out = []
    for i, ps in enumerate(panels):
        ps.sort(key=lambda p: (p.seg.a, p.u0))
        total = sum(p.integral for p in ps)
        info = {"panels": len(ps), "energy_nodes": 15 * len(ps), "rounds": rounds,
                "panel_limit_reached": limit[i],
                "lowest_values": ps[0].vabs.max(axis=0), "highest_values": ps[-1].vabs.max(axis=0)}
        poles = {id(p.seg): p.seg for p in ps if p.seg.pole}
        info["poles"] = sorted(0.5 * (g.a + g.b) for g in poles.values())
        qerr = sum(p.qerr for p in ps) + sum(g.extra for g in poles.values())
        out.append((total, qerr, sum(p.serr for p in ps), info))
    return out


def _segments(lo, hi, edges, shared, mu, kT):
    """Segments of [lo, hi] cut at ``edges`` (graded toward them) and at ``shared`` breaks;
    ``lo`` or ``hi`` is graded if it is one of the edges."""
    tiny = 1e-12 * kT
    eset = np.array(sorted(edges), float)

    def is_edge(e):
        return bool(eset.size) and float(np.min(np.abs(eset - e))) <= tiny

    inner = [e for e in edges if lo + tiny < e < hi - tiny]
    cuts = sorted({lo, hi, *inner, *(s for s in shared if lo + tiny < s < hi - tiny)})
    return [_Segment(a, b, is_edge(a), is_edge(b)) for a, b in zip(cuts[:-1], cuts[1:])]


def _window(kT, mu, tol, x_max=None):
    if x_max is None:  # the weight beyond x_max is below tol/100
        x_max = min(X_MAX, math.log(100.0 / tol))
    return x_max, [mu + kT * x for x in X_BREAKS if abs(x) < x_max]


def thermal_average(func, kT: float, mu: float, lo: float, hi: float, edges=(), tol: float = 1e-8,
                    x_max: float | None = None):
    """int_{lo}^{hi} (-f'(eps - mu)) func(eps) deps for a vector-valued ``func`` that is
    smooth between the ``edges`` (all energies in one unit; kT > 0).

    Returns (integral, error_estimate, info). ``func(eps)`` returns (value, abs_error) arrays
    of one shape; the solver's errors are averaged with the same weights. Outside [lo, hi]
    the integrand is taken as 0. ``tol`` is relative to each component's largest |integral|.
    """
    x_max, shared = _window(kT, mu, tol, x_max)
    xlo = max(-x_max, (lo - mu) / kT)
    xhi = min(x_max, (hi - mu) / kT)
    if not xhi > xlo:
        raise ValueError("empty thermal window")
    a, b = mu + kT * xlo, mu + kT * xhi
    segs = _segments(a, b, list(edges), shared, mu, kT)
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
    total, qerr, serr, info = _adaptive([segs], mu, kT, tol, evaluate, blocks)[0]
    tail = float(fermi(xhi)) * 2 * info["highest_values"]
    if xlo <= -x_max + 1e-12:
        tail = tail + float(fermi(x_max)) * 2 * info["lowest_values"]
    info.update({"quadrature_error": qerr.reshape(v0.shape), "tail_error": tail.reshape(v0.shape),
                 "x_range": (xlo, xhi), "lowest_values": info["lowest_values"].reshape(v0.shape)})
    return total.reshape(v0.shape), (qerr + serr + tail).reshape(v0.shape), info


# -- zero-temperature solves: cached, batched over angles ------------------------------------
class SolveCache:
    """Zero-temperature solves (values and errors, :data:`N_VAL` each) keyed by
    (model parameters, approximation, regime, solver rtol, phi) and (energy, theta).
    Bounded: at most ``max_entries`` points (about 0.5 kB each), least recently used first out.
    """

    def __init__(self, max_entries: int = 100_000):
        self.max_entries = int(max_entries)
        self.data: "OrderedDict[tuple, np.ndarray]" = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        row = self.data.get(key)
        if row is not None:
            self.data.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
        return row

    def put(self, key, row):
        self.data[key] = row
        while len(self.data) > self.max_entries:
            self.data.popitem(last=False)

    def clear(self):
        self.data.clear()
        self.hits = self.misses = 0


#: the module's cache of zero-temperature solves (``SOLVE_CACHE.clear()`` empties it)
SOLVE_CACHE = SolveCache()


def _pack(r, i):
    val = np.concatenate([_schema.flat_values(r.K[i], r.sigma[i]), [r.torque[k][i] for k in _so.NAMES]])
    err = np.concatenate([_schema.flat_values(r.K_err[i], r.sigma_err[i]),
                          [r.torque_err[k][i] for k in _so.NAMES]])
    return np.stack([val, err])


class _Solver:
    """Batched, cached zero-temperature solves at given energies for subsets of the angles."""

    def __init__(self, model, thetas, bottoms, phi, approximation, regime, rtol, response):
        self.model, self.thetas, self.bottoms = model, thetas, bottoms
        self.kw = dict(phi=phi, approximation=approximation, regime=regime, rtol=rtol)
        self.response = response
        self.key = (repr(model), approximation, regime, float(rtol), float(phi))
        self.calls = 0
        self.points = np.zeros(len(thetas), int)
        self.hits = 0
        self.caught = []

    def _solve(self, e, ths):
        self.calls += 1
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = self.response(self.model, e, np.asarray(ths, float), **self.kw)
        self.caught.extend((str(x.message).split(" at theta")[0], e) for x in w)
        return [_pack(r, k) for k in range(len(ths))]

    def __call__(self, req):
        out = {}
        for e, idx in req.items():
            todo = []
            for i in idx:
                row = SOLVE_CACHE.get((self.key, e, float(self.thetas[i])))
                if row is None:
                    todo.append(i)
                else:
                    self.hits += 1
                    out[(e, i)] = (row[0], row[1])
            if not todo:
                continue
            try:
                rows = self._solve(e, [self.thetas[i] for i in todo])
            except ValueError:
                rows = []  # one angle at a time: within rounding of its band bottom K = 0
                for i in todo:
                    try:
                        rows += self._solve(e, [self.thetas[i]])
                    except ValueError:
                        if e - self.bottoms[i] > 1e-9 * max(abs(self.bottoms[i]), 1e-6):
                            raise
                        rows.append(np.zeros((2, N_VAL)))
            for i, row in zip(todo, rows):
                self.points[i] += 1
                SOLVE_CACHE.put((self.key, e, float(self.thetas[i])), row)
                out[(e, i)] = (row[0], row[1])
        return out


# -- the response at temperature T ---------------------------------------------------------------
def _angle_edges(model, theta):
    """Critical energies (eV) of ``theta`` and, near a (P-4) pole, of its stencil angles
    (the solver solves those too); the band bottom that applies; the bottoms' sliver."""
    angles = [theta]
    pole, dist = _so.nearest_pole(theta)
    if dist < _so.POLE_HALF_WIDTH * 0.999:
        angles += list(_so.stencil(pole))
    crit = [band_critical_energies(model, a) for a in angles]
    bottoms = [float(c.min()) for c in crit]
    top = min(cutoff_energy(model, a) for a in angles)
    return np.unique(np.concatenate(crit)), max(bottoms), max(bottoms) - min(bottoms), top


def thermal_response(model, mu_eV, theta, phi, approximation, regime, rtol, temperature,
                     response):
    """The body of ``response(..., temperature > 0)``: returns the Response fields.

    ``rtol`` is the target relative accuracy of the window average (of max|K|, max|sigma|
    and max|t| at each angle; the default of :func:`llgsot.response` at T > 0 is
    :data:`TEMPERATURE_RTOL`); the zero-temperature solves run at ``SOLVER_RTOL_FACTOR``
    of it. ``response`` is the zero-temperature solver (passed in by it, so that this
    module does not import its caller), called once per energy node for all angles.
    """
    kT = kelvin_to_ev(temperature)
    th = np.atleast_1d(theta).astype(float)
    tol = max(float(rtol), 1e-13)
    solver_rtol = min(max(tol * SOLVER_RTOL_FACTOR, 1e-14), 1e-4)
    x_max, shared = _window(kT, mu_eV, tol)
    z_lo, z_top, c_top = model_energy_range(model)
    per = [_angle_edges(model, float(t)) for t in th]
    top = min([c_top] + [p[3] for p in per])
    top -= 1e-6 * (top - z_lo)
    # above every critical energy (at any theta) the segments of all angles coincide; the
    # cuts depend on the model, mu and T only, so a result does not depend on the other angles
    shared = sorted(shared + [z_top + 0.5 * (z_top - z_lo)])
    items, bottoms = [], []
    for t, (edges, bottom, sliver, _) in zip(th, per):
        if mu_eV + X_MAX * kT <= bottom:
            raise ValueError(
                f"`fermi_energy` = {mu_eV!r} eV lies more than {X_MAX:g} k_B T below the bottom "
                f"of the lower band ({bottom!r} eV) at theta={t!r}: no thermally occupied Fermi "
                f"surface at temperature={temperature:g} K")
        lo = max(bottom, mu_eV - x_max * kT)
        hi = min(top, mu_eV + x_max * kT)
        items.append(_segments(lo, hi, [e for e in edges if e >= bottom], shared, mu_eV, kT))
        bottoms.append(bottom)
    solver = _Solver(model, th, bottoms, phi, approximation, regime, solver_rtol, response)
    blocks = [np.arange(10)[_schema.K_COLUMNS], np.arange(10)[_schema.SIGMA_COLUMNS],
              np.arange(N_VAL)[_schema.TORQUE_COLUMNS]]
    res = _adaptive(items, mu_eV, kT, tol, solver, blocks)
    V, E, infos = [], [], []
    x_top = (top - mu_eV) / kT
    for (total, qerr, serr, info), (edges, bottom, sliver, _) in zip(res, per):
        tail = 2 * info["highest_values"] * float(fermi(min(x_top, x_max)))
        if mu_eV - x_max * kT > bottom:
            tail = tail + 2 * info["lowest_values"] * float(fermi(x_max))
        err = qerr + serr + tail
        if sliver > 0:  # stencil angles' band bottoms differ: [min, max] bottom is left out
            w = float(fermi((bottom - sliver - mu_eV) / kT) - fermi((bottom - mu_eV) / kT))
            err = err + 2 * w * info["lowest_values"]
        info.update(edges=edges, quadrature_error=qerr, tail_error=tail,
                    cutoff_tail=2 * info["highest_values"] * float(fermi(x_top)))
        V.append(total)
        E.append(err)
        infos.append(info)
    V, E = np.array(V), np.array(E)
    K, S = _schema.unflatten(V[:, :10])
    Ke, Se = _schema.unflatten(E[:, :10])
    T, Te = V[:, _schema.TORQUE_COLUMNS], E[:, _schema.TORQUE_COLUMNS]
    torque, torque_err = {}, {}
    sxx, sxx_e = S[:, 0, 0], Se[:, 0, 0]
    for i, name in enumerate(_so.NAMES):
        torque[name], torque_err[name] = T[:, i], Te[:, i]
        torque["tau" + name[1:]] = T[:, i] / sxx
        torque_err["tau" + name[1:]] = Te[:, i] / abs(sxx) + abs(T[:, i]) * sxx_e / sxx**2
    _warn_solver_notes(solver.caught, temperature)
    _warn_limits(V, E, infos, blocks, th, temperature, top, x_top, tol, model)
    diagnostics = {
        "energy_nodes": np.array([i["energy_nodes"] for i in infos]),
        "solver_points": solver.points.copy(),
        "solver_calls": solver.calls,
        "cache_hits": solver.hits,
        "panels": np.array([i["panels"] for i in infos]),
        "band_edges": [i["edges"] for i in infos],
        "quadrature_error": np.array([i["quadrature_error"] for i in infos]),
        "tail_error": np.array([i["tail_error"] for i in infos]),
        "kT": kT,
        "window_tol": tol,
        "solver_rtol": solver_rtol,
    }
    return K, Ke, S, Se, torque, torque_err, diagnostics


def _warn_solver_notes(caught, temperature):
    msgs = {}  # one warning per kind (numbers in the message replaced by their range)
    for m, _ in caught:
        key = re.sub(r"-?\d+(\.\d+)?(e[-+]?\d+)?", "#", m)
        nums = [float(x[0]) for x in re.finditer(r"-?\d+(\.\d+)?(e[-+]?\d+)?", m)]
        count, lo, hi, example = msgs.get(key, (0, nums, nums, m))
        msgs[key] = (count + 1, np.minimum(lo, nums).tolist() if nums else [],
                     np.maximum(hi, nums).tolist() if nums else [], example)
    for key, (count, lo, hi, example) in msgs.items():
        rng = "" if lo == hi else f" (numbers ranging {lo} .. {hi})"
        warnings.warn(f"temperature={temperature:g} K: the zero-temperature solver warned at "
                      f"{count} energy nodes: {example}{rng}", RuntimeWarning, stacklevel=4)


def _warn_limits(V, E, infos, blocks, th, temperature, top, x_top, tol, model):
    """Limits said, not hidden: the cut-off band inside the window, a stated error above
    WARN_FRACTION of its block's scale, the panel limit."""
    for i, info in enumerate(infos):
        scale = np.empty(V.shape[1])
        for b in blocks:
            scale[b] = max(float(np.abs(V[i, b]).max()), 1e-300)
        rel_tail = float((info["cutoff_tail"] / scale).max())
        rel = float((E[i] / scale).max())
        if rel_tail > tol:
            warnings.warn(
                f"temperature={temperature:g} K: the Fermi window runs past the cutoff band at "
                f"theta={th[i]:.4g}: above {top:.6g} eV (x = {x_top:.3g} k_B T from mu) the "
                f"contour reaches `cutoff` = {model.cutoff!r} nm^-1; the weight beyond it is "
                f"{float(fermi(x_top)):.2g}, an error of {rel_tail:.2g} of the result's scale "
                f"(target {tol:g}); raise `cutoff` or lower `temperature`", RuntimeWarning,
                stacklevel=4)
            return
        if rel > WARN_FRACTION or info["panel_limit_reached"]:
            why = (f"the panel limit ({MAX_PANELS}) was reached" if info["panel_limit_reached"]
                   else "the window holds structure the quadrature cannot resolve better")
            warnings.warn(
                f"temperature={temperature:g} K: stated error {rel:.2g} of the result's scale "
                f"(max|K|, max|sigma|, max|t|) at theta={th[i]:.4g} exceeds {WARN_FRACTION:g}: "
                f"{why} (cutoff band at {top:.6g} eV)", RuntimeWarning, stacklevel=4)
            return
