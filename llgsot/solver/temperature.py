"""Finite temperature: the Fermi-surface response averaged over the Fermi window.

docs/physics.md sec. 6: at temperature T the Kubo-Streda I (Fermi-surface) term becomes

    K(T, mu) = int deps (-df/deps)(eps - mu) K(eps),    f(x) = 1/(1 + exp(x/k_B T))

and likewise sigma; the Fermi-sea term stays neglected, as in the paper. The torque
coefficients (P-4) are linear in K at fixed theta, so averaging K and then applying (P-4)
equals averaging the coefficients; we average the coefficients the zero-temperature solver
returns (its removable-pole treatment included) and form tau = <t>/<sigma_xx>.

Quadrature: :mod:`llgsot.solver.window` (the method is described there and in docs/fitting.md,
"Finite temperature"). Band critical energies and the cutoff come from the model.

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
from .. import spinorbit as _so
from .. import layout as _layout
from .window import (X_BREAKS, X_MAX, MAX_PANELS, SNAP, adaptive, anchored, fermi,  # noqa: F401
                     fermi_window_weight, segments, thermal_average, window)

#: default relative accuracy of the Fermi-window average at T > 0 (of max|K|, max|sigma|,
#: max|t| of the averaged result): what a measurement can use, not the T = 0 rtol
TEMPERATURE_RTOL = 1e-5
#: the zero-temperature solves run at this fraction of the requested accuracy
SOLVER_RTOL_FACTOR = 0.1
#: the summed panel errors are multiplied by this: against a run at rtol = 1e-8 one component
#: of the default 300 K result (K_zy, theta = 0.7, Ta-like set) was off by 1.4x their sum
ERROR_SAFETY = 2.0
#: relative accuracy of the root finder's solves next to a pole (only signs and 1/K ~ 0 used)
QUIET_RTOL = 1e-3
#: a result whose stated error exceeds this fraction of its block scale gets a warning
WARN_FRACTION = 1e-2
#: packed layout of one averaged point: the 10 table columns then the 4 torque coefficients
N_VAL = len(_layout.THERMAL_COLUMNS)


def kelvin_to_ev(temperature: float) -> float:
    """k_B T in eV for ``temperature`` in K."""
    return K_B * temperature / EV


# -- band critical energies (through the model interface) ---------------------------------------
def band_critical_energies(model, theta: float, phi: float = 0.0) -> np.ndarray:
    """Critical energies (eV) of both bands at magnetization (``theta``, ``phi``) (rad): band
    minima and maxima, saddles, the points where the bands touch; for a gapped Dirac cone the
    gap edges (:meth:`llgsot.models.TwoBandModel.critical_energies`). Sorted, unique."""
    return np.unique(np.asarray(model.critical_energies(float(theta), float(phi)), float))


def _circle_bands(model, theta, phi):
    """(E_-, E_+) in eV on the cutoff circle |k| = k_c (2049 points)."""
    p = model.solver_params()
    ph = np.linspace(0.0, 2 * math.pi, 2049)
    lo, up = model.bands_meV(p.kc * np.cos(ph), p.kc * np.sin(ph), float(theta), float(phi))
    return 1e-3 * lo, 1e-3 * up


def cutoff_energy(model, theta: float, phi: float = 0.0) -> float:
    """Highest energy (eV) with a complete Fermi surface inside |k| < k_c: the lowest energy
    of the band that is occupied up to the cutoff circle (E_- for a closed Fermi sea,
    E_+ for a Dirac cone, whose valence band is filled to the cutoff)."""
    lo, up = _circle_bands(model, theta, phi)
    return float((lo if model.closed_fermi_sea else up).min())


def floor_energy(model, theta: float, phi: float = 0.0) -> tuple:
    """(lowest energy (eV) of a complete Fermi surface, True if it is a band bottom): the
    bottom of the lower band for a closed Fermi sea, else the highest energy of E_- on the
    cutoff circle (below it a valence contour reaches k_c: a cut, not a band bottom)."""
    if model.closed_fermi_sea:
        return float(band_critical_energies(model, theta, phi).min()), True
    return float(_circle_bands(model, theta, phi)[0].max()), False


_THETA_SAMPLE = np.linspace(0.0, math.pi / 2, 17)
_MODEL_RANGES: "OrderedDict[tuple, tuple]" = OrderedDict()


def model_energy_range(model, phi: float = 0.0) -> tuple:
    """(lowest critical energy, highest critical energy, lowest cutoff energy) over theta
    in [0, pi] at azimuth ``phi`` (eV; sampled on 17 angles of [0, pi/2], the bands being
    even about pi/2: only m_z^2 enters). These fix the segments that all angles share,
    whatever angles a call asks for."""
    key = (repr(model), 0.0 if model.rotation_invariant else float(phi))
    if key not in _MODEL_RANGES:
        crit = [band_critical_energies(model, t, key[1]) for t in _THETA_SAMPLE]
        top = min(cutoff_energy(model, t, key[1]) for t in _THETA_SAMPLE)
        _MODEL_RANGES[key] = (min(c[0] for c in crit), max(c[-1] for c in crit), top)
        while len(_MODEL_RANGES) > 64:
            _MODEL_RANGES.popitem(last=False)
    return _MODEL_RANGES[key]


# -- zero-temperature solves: cached, batched over angles ------------------------------------
class SolveCache:
    """Zero-temperature solves (values and errors, :data:`N_VAL` each) keyed by
    (model parameters, approximation, regime, solver rtol, phi, solver function) and
    (energy, theta), with the factor by which the solve's tolerance was loosened
    (:meth:`llgsot.solver.window._Panel.loosening`). Bounded: at most ``max_entries`` points (about 0.5 kB each), least recently used first out.
    """

    def __init__(self, max_entries: int = 100_000):
        self.max_entries = int(max_entries)
        self.data: "OrderedDict[tuple, np.ndarray]" = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key, loosening=1.0):
        """The row of ``key`` if it was solved at least as accurately as asked (its tolerance
        loosened by at most ``loosening``), else None."""
        got = self.data.get(key)
        if got is not None and got[1] <= loosening:
            self.data.move_to_end(key)
            self.hits += 1
            return got[0]
        self.misses += 1
        return None

    def put(self, key, row, loosening=1.0):
        old = self.data.get(key)
        if old is not None and old[1] < loosening:  # keep the more accurate solve
            return
        self.data[key] = (row, float(loosening))
        while len(self.data) > self.max_entries:
            self.data.popitem(last=False)

    def clear(self):
        self.data.clear()
        self.hits = self.misses = 0


#: the module's cache of zero-temperature solves (``SOLVE_CACHE.clear()`` empties it)
SOLVE_CACHE = SolveCache()


def _pack(r, i):
    val = np.concatenate([_layout.flat_values(r.K[i], r.sigma[i]), [r.torque[k][i] for k in _so.NAMES]])
    err = np.concatenate([_layout.flat_values(r.K_err[i], r.sigma_err[i]),
                          [r.torque_err[k][i] for k in _so.NAMES]])
    return np.stack([val, err])


class _Solver:
    """Batched, cached zero-temperature solves at given energies for subsets of the angles."""

    def __init__(self, model, thetas, bottoms, phi, approximation, regime, rtol, response,
                 edges=None):
        self.model, self.thetas, self.bottoms = model, thetas, bottoms
        # critical energies per angle: within rounding of one the solver may refuse (K = 0)
        self.edges = edges if edges is not None else [np.array([b]) for b in bottoms]
        self.phi = float(phi)
        # only a model with a gap inside its window range (a Dirac cone) has energies without
        # a Fermi surface between the floor and the cutoff; for a closed Fermi sea the nodes
        # never lie below the band bottom, and the check would cost ~0.15 ms per node
        self.gapped = not model.closed_fermi_sea
        self.kw = dict(phi=phi, approximation=approximation, regime=regime, rtol=rtol)
        self.response = response
        # the solver function too (held by the key): a stand-in solver never reads the real
        # one's cached solves at the same energies
        self.key = (repr(model), approximation, regime, float(rtol), float(phi), response)
        self.calls = 0
        self.points = np.zeros(len(thetas), int)
        self.hits = 0
        self.caught = []
        self._quiet = False

    def _solve(self, e, ths):
        self.calls += 1
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = self.response(self.model, e, np.asarray(ths, float), **self.kw)
        if not self._quiet:
            self.caught.extend((str(x.message).split(" at theta")[0], e) for x in w)
        return [_pack(r, k) for k in range(len(ths))]

    def quiet(self, req):
        """As a call, at rtol >= :data:`QUIET_RTOL` and without passing on the solver's
        warnings: the root finder's solves next to a pole of the vertex equation
        (pole_search._locate_pole), of which only the sign and 1/K ~ 0 are used (at the full rtol a
        solve within 1e-13 eV of the pole costs 100x a normal one; the pole is then polished
        with solves at the full rtol)."""
        kw, key = self.kw, self.key
        loose = max(kw["rtol"], QUIET_RTOL)
        self.kw = {**kw, "rtol": loose}
        self.key = key[:3] + (loose,) + key[4:]
        self._quiet = True
        try:
            return self(req)
        finally:
            self._quiet, self.kw, self.key = False, kw, key

    def __call__(self, req):
        out = {}
        for e, idx in req.items():
            loose = idx if isinstance(idx, dict) else dict.fromkeys(idx, 1.0)
            todo = {}  # loosening -> angles
            for i, m in loose.items():
                m = self._loosening(m)
                ck = (self.key, e, float(self.thetas[i]))
                row = SOLVE_CACHE.get(ck, m)
                if row is None and self.gapped and self._empty(e, i):
                    row = np.zeros((2, N_VAL))  # no Fermi surface (in a gap): K = 0, no solve
                    SOLVE_CACHE.put(ck, row, 1.0)
                    self.hits -= 1
                if row is None:
                    todo.setdefault(m, []).append(i)
                else:
                    self.hits += 1
                    out[(e, i)] = (row[0], row[1])
            for m, group in sorted(todo.items()):
                for i, row in zip(group, self._rows(e, group, m)):
                    self.points[i] += 1
                    SOLVE_CACHE.put((self.key, e, float(self.thetas[i])), row, m)
                    out[(e, i)] = (row[0], row[1])
        return out

    def _loosening(self, m):
        """The loosening actually used: the solve's rtol stays <= QUIET_RTOL (and the quiet
        solves of the root finder are not loosened further)."""
        if self._quiet:
            return 1.0
        return float(min(max(m, 1.0), max(QUIET_RTOL / self.kw["rtol"], 1.0)))

    def _rows(self, e, group, m):
        """Solve the angles ``group`` at energy e with the tolerance loosened by m."""
        kw = self.kw
        self.kw = {**kw, "rtol": kw["rtol"] * m}
        try:
            return self._solve(e, [self.thetas[i] for i in group])
        except ValueError:
            rows = []  # one angle at a time: within rounding of its band bottom K = 0
            for i in group:
                try:
                    rows += self._solve(e, [self.thetas[i]])
                except ValueError:
                    near = self.edges[i]
                    scale = max(float(np.abs(near).max()), 1e-6)
                    if float(np.min(np.abs(e - near))) > 1e-9 * scale:
                        raise
                    rows.append(np.zeros((2, N_VAL)))
            return rows
        finally:
            self.kw = kw

    def _empty(self, e, i):
        """True where the model has no Fermi surface at energy e (eV) and angle i (the gap of
        a Dirac cone; below the bands): the Fermi-surface response is zero there."""
        try:
            return bool(self.model.below_bands(e * 1e3, float(self.thetas[i]), self.phi))
        except ValueError:
            return False


# -- the response at temperature T ---------------------------------------------------------------
def _angle_edges(model, theta, phi):
    """Critical energies (eV) of ``theta`` and, near a (P-4) pole, of its stencil angles
    (the solver solves those too); the lowest energy of a complete Fermi surface that applies
    (a band bottom, or for a Dirac cone the cut where a valence contour reaches k_c); the
    floors' sliver; the cutoff energy; whether the floor is a band bottom."""
    angles = [theta]
    pole, dist = _so.nearest_pole(theta)
    if dist < _so.POLE_HALF_WIDTH * 0.999:
        angles += list(_so.stencil(pole))
    crit = [band_critical_energies(model, a, phi) for a in angles]
    floors = [floor_energy(model, a, phi) for a in angles]
    bottoms = [f[0] for f in floors]
    top = min(cutoff_energy(model, a, phi) for a in angles)
    return (np.unique(np.concatenate(crit)), max(bottoms), max(bottoms) - min(bottoms), top,
            floors[0][1])


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
    # breaks and ends about mu on the lattice of SNAP k_B T (window.anchored): a Fermi energy
    # moved by less than half a step keeps every node and reuses the cached solves; the ends
    # reach SNAP k_B T further, so the window still covers mu +- x_max k_B T
    anchor = anchored(mu_eV, kT)
    x_max, shared = window(kT, anchor, tol)
    w_lo, w_hi = anchor - (x_max + SNAP) * kT, anchor + (x_max + SNAP) * kT
    z_lo, z_top, c_top = model_energy_range(model, phi)
    per = [_angle_edges(model, float(t), phi) for t in th]
    top = min([c_top] + [p[3] for p in per])
    top -= 1e-6 * (top - z_lo)
    # above every critical energy (at any theta) the segments of all angles coincide; the
    # cuts depend on the model, mu and T only, so a result does not depend on the other angles
    z_cut = z_top + 0.5 * (z_top - z_lo)
    # a window break within 2.5 k_B T of z_cut would leave a short segment (15 solves for a
    # small weight; seen at 10 K): dropped, the segment next to it is at most 2.5 k_B T longer
    shared = sorted([s for s in shared if abs(s - z_cut) > 2.5 * kT] + [z_cut])
    items, bottoms = [], []
    for t, (edges, bottom, sliver, _, _) in zip(th, per):
        if mu_eV + X_MAX * kT <= bottom:
            raise ValueError(
                f"`fermi_energy` = {mu_eV!r} eV lies more than {X_MAX:g} k_B T below the bottom "
                f"of the lower band ({bottom!r} eV) at theta={t!r}: no thermally occupied Fermi "
                f"surface at temperature={temperature:g} K")
        if not model.closed_fermi_sea:
            g_lo, g_up = model.band_edges(float(t), phi)
            if g_lo <= mu_eV - X_MAX * kT and mu_eV + X_MAX * kT <= g_up:
                raise ValueError(
                    f"`fermi_energy` = {mu_eV!r} eV lies more than {X_MAX:g} k_B T inside the gap "
                    f"({g_lo!r}, {g_up!r}) eV at theta={t!r}: no thermally occupied Fermi surface "
                    f"at temperature={temperature:g} K")
        lo = max(bottom, w_lo)
        hi = min(top, w_hi)
        items.append(segments(lo, hi, [e for e in edges if e >= bottom], shared, mu_eV, kT,
                              grade_from=[z_cut]))
        bottoms.append(bottom)
    solver = _Solver(model, th, bottoms, phi, approximation, regime, solver_rtol, response,
                     [p[0] for p in per])
    blocks = [np.arange(10)[_layout.K_COLUMNS], np.arange(10)[_layout.SIGMA_COLUMNS],
              np.arange(N_VAL)[_layout.TORQUE_COLUMNS]]
    res = adaptive(items, mu_eV, kT, tol, solver, blocks, probe=True)
    V, E, infos = [], [], []
    x_top = (top - mu_eV) / kT
    for (total, qerr, serr, info), (edges, bottom, sliver, _, real) in zip(res, per):
        tail = 2 * info["highest_values"] * float(fermi(min(x_top, (w_hi - mu_eV) / kT)))
        cut_lo = 0.0 * tail
        if w_lo > bottom:
            tail = tail + 2 * info["lowest_values"] * float(fermi((mu_eV - w_lo) / kT))
        elif not real:  # the window runs below the floor, a cut (valence contour at k_c)
            cut_lo = 2 * info["lowest_values"] * float(fermi((mu_eV - bottom) / kT))
            tail = tail + cut_lo
        err = ERROR_SAFETY * qerr + serr + tail
        if sliver > 0:  # stencil angles' band bottoms differ: [min, max] bottom is left out
            w = float(fermi((bottom - sliver - mu_eV) / kT) - fermi((bottom - mu_eV) / kT))
            err = err + 2 * w * info["lowest_values"]
        info.update(edges=edges, quadrature_error=qerr, tail_error=tail,
                    cutoff_tail=np.maximum(2 * info["highest_values"] * float(fermi(x_top)),
                                           cut_lo))
        V.append(total)
        E.append(err)
        infos.append(info)
    V, E = np.array(V), np.array(E)
    K, S = _layout.unflatten(V[:, :10])
    Ke, Se = _layout.unflatten(E[:, :10])
    T, Te = V[:, _layout.TORQUE_COLUMNS], E[:, _layout.TORQUE_COLUMNS]
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
