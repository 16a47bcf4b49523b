"""Finite temperature: the Fermi-surface response averaged over the Fermi window.

docs/physics.md sec. 6: at temperature T the Kubo-Streda I (Fermi-surface) term becomes

    K(T, mu) = int deps (-df/deps)(eps - mu) K(eps),    f(x) = 1/(1 + exp(x/k_B T))

and likewise sigma; the Fermi-sea term stays neglected, as in the paper. The torque
coefficients (P-4) are linear in K at fixed theta, so averaging K and then applying (P-4)
equals averaging the coefficients; we average the coefficients the zero-temperature solver
returns (its removable-pole treatment included) and form tau = <t>/<sigma_xx>.

Quadrature. In x = (eps - mu)/(k_B T) the weight is w(x) = 1/(4 cosh^2(x/2)). K(eps) jumps
(or kinks) where eps crosses a critical value of a band at the given m: the minima of E_+
and E_-, and the local maximum and saddle of the tilted Mexican hat of E_-. For m in the
xz-plane every critical point lies on the k_y axis (k_x -> -k_x symmetry; an off-axis one
needs |h| = alpha^2/(2c), which forces Delta_x = 0), so a 1-d root search finds them all.
The range is cut into panels at those energies (nodes never sit on them) and at fixed
points of x; each panel is integrated with nested Fejer (second kind) rules of 7 and 15
interior nodes, |I15 - I7| is its error estimate, and panels failing the tolerance are
bisected. Below the lower band bottom there is no Fermi surface (K = 0). The window is
|x| <= X_MAX and ends below the energy at which the Fermi contour reaches the cutoff k_c;
the neglected tails enter the error estimate as weight x the largest |value| at the ends.
"""
from __future__ import annotations

import math
import re
import warnings

import numpy as np

from ..constants import K_B, EV
from .. import model as _model
from .. import spinorbit as _so

#: largest |x| = |eps - mu|/(k_B T) ever integrated; the default window is |x| <= ln(100/tol)
X_MAX = 40.0
#: fixed panel boundaries in x (the weight varies on the scale 1)
X_BREAKS = (-40.0, -24.0, -16.0, -10.0, -6.0, -3.0, 0.0, 3.0, 6.0, 10.0, 16.0, 24.0, 40.0)
MAX_PANELS = 160
#: packed layout of one solver result: K (6), sigma (4), t1e..t2o (4)
N_VAL = 14


def kelvin_to_ev(temperature: float) -> float:
    """k_B T in eV."""
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


# -- the quadrature ---------------------------------------------------------------------------
def _fejer2(n: int):
    """Fejer's second rule on (-1, 1) with n - 1 interior nodes cos(j pi/n) (n even)."""
    j = np.arange(1, n)
    th = j * math.pi / n
    k = np.arange(1, n // 2 + 1)
    w = 4 * np.sin(th) / n * (np.sin(np.outer(th, 2 * k - 1)) / (2 * k - 1)).sum(axis=1)
    return np.cos(th), w


_X16, _W16 = _fejer2(16)  # 15 nodes
_X8, _W8 = _fejer2(8)  # 7 nodes, a subset of the 15 (the odd-j... every second node)
_SUB = np.arange(1, 15, 2)  # indices of the 7-node rule inside the 15-node rule
assert np.allclose(_X16[_SUB], _X8)


def thermal_average(func, kT: float, mu: float, lo: float, hi: float, edges=(), tol: float = 1e-8,
                    x_max: float | None = None):
    """int_{lo}^{hi} (-f'(eps - mu)) func(eps) deps for a vector-valued ``func`` that is
    smooth between the ``edges`` (all energies in one unit; kT > 0).

    Returns (integral, error_estimate, info). ``func(eps)`` returns (value, abs_error) arrays
    of one shape; the solver's errors are averaged with the same weights. Outside [lo, hi]
    the integrand is taken as 0. ``tol`` is relative to each component's scale (its largest
    magnitude seen, floored at 1e-3 of the largest component).
    """
    if x_max is None:  # the weight beyond x_max is below tol/100
        x_max = min(X_MAX, math.log(100.0 / tol))
    xlo = max(-x_max, (lo - mu) / kT)
    xhi = min(x_max, (hi - mu) / kT)
    if not xhi > xlo:
        raise ValueError("empty thermal window")
    cuts = [x for x in X_BREAKS if xlo < x < xhi]
    cuts += [(e - mu) / kT for e in edges if xlo < (e - mu) / kT < xhi]
    bounds = sorted({xlo, xhi, *cuts})
    panels = [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b - a > 1e-12 * max(1.0, abs(a))]
    cache = {}
    nodes = 0

    def rule(a, b):
        nonlocal nodes
        xs = 0.5 * (a + b) + 0.5 * (b - a) * _X16
        vals, errs = [], []
        for x in xs:
            v, e = func(mu + kT * x)
            vals.append(np.asarray(v, float))
            errs.append(np.asarray(e, float))
            nodes += 1
        vals, errs = np.array(vals), np.array(errs)
        w = fermi_window_weight(xs)[:, None] * 0.5 * (b - a)
        i16 = (w * _W16[:, None] * vals.reshape(len(xs), -1)).sum(0)
        i8 = (w[_SUB] * _W8[:, None] * vals[_SUB].reshape(7, -1)).sum(0)
        e16 = (w * _W16[:, None] * errs.reshape(len(xs), -1)).sum(0)
        return i16, np.abs(i16 - i8), e16, np.abs(vals.reshape(len(xs), -1)).max(0), vals.shape[1:]

    done = []
    todo = list(panels)
    scale = None
    shape = None
    while todo:
        results = [(p, rule(*p)) for p in todo]
        for _, r in results:
            shape = r[4]
            scale = r[3] if scale is None else np.maximum(scale, r[3])
        todo = []
        sc = np.maximum(scale, 1e-3 * scale.max() + 1e-300)
        for (a, b), r in results:
            weight = float(fermi(a) - fermi(b))
            # a tolerance share proportional to the panel's weight; a panel whose nested-rule
            # difference is below twice its propagated solver error is limited by the solver
            ok = np.all((r[1] <= tol * sc * max(weight, 1e-3)) | (r[1] <= 2 * r[2]))
            if ok or len(done) + len(todo) + 2 > MAX_PANELS or (b - a) < 1e-9:
                done.append(((a, b), r))
            else:
                m = 0.5 * (a + b)
                todo += [(a, m), (m, b)]
    done.sort(key=lambda d: d[0][0])
    total = sum(r[0] for _, r in done)
    qerr = sum(r[1] for _, r in done)
    serr = sum(r[2] for _, r in done)
    # tails beyond the window: the weight outside times twice the largest |value| of the
    # outermost panel (K varies slowly there); below the band bottom K = 0: nothing neglected
    tail = float(fermi(xhi)) * 2 * done[-1][1][3]
    if xlo <= -x_max + 1e-12:
        tail = tail + float(fermi(x_max)) * 2 * done[0][1][3]
    tail_w = float(fermi(xhi)) + (float(fermi(x_max)) if xlo <= -x_max + 1e-12 else 0.0)
    unconverged = len(done) >= MAX_PANELS
    info = {"energy_nodes": nodes, "lowest_values": done[0][1][3].reshape(shape), "panels": len(done), "quadrature_error": qerr.reshape(shape),
            "tail_error": tail.reshape(shape), "x_range": (xlo, xhi), "tail_weight": tail_w,
            "panel_limit_reached": unconverged}
    err = qerr + serr + tail
    return total.reshape(shape), err.reshape(shape), info


# -- the response at temperature T ---------------------------------------------------------------
def thermal_point(model, mu_eV, kT_eV, theta, phi, approximation, regime, rtol, response):
    """Thermally averaged K, sigma and t (packed, see N_VAL) at one theta, with errors and info.

    ``response``: the zero-temperature solver (:func:`llgsot.solver.response.response`, passed
    in by it, so that this module does not import its caller).
    """
    # near a pole of (P-4) the solver also solves the stencil angles: their band edges count
    angles = [theta]
    pole, dist = _so.nearest_pole(theta)
    if dist < _so.POLE_HALF_WIDTH * 0.999:
        angles += list(_so.stencil(pole))
    crit = [band_critical_energies(model, a) for a in angles]
    edges = np.unique(np.concatenate(crit))
    bottoms = [float(c.min()) for c in crit]
    bottom, sliver = max(bottoms), max(bottoms) - min(bottoms)
    top = min(cutoff_energy(model, a) for a in angles)
    top -= 1e-6 * (top - bottom)
    if mu_eV + X_MAX * kT_eV <= bottom:
        raise ValueError(
            f"`fermi_energy` = {mu_eV!r} eV lies more than {X_MAX:g} k_B T below the bottom of the "
            f"lower band ({bottom!r} eV) at theta={theta!r}: no thermally occupied Fermi surface")
    caught = []

    def func(eps):
        try:
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                r = response(model, eps, theta, phi=phi, approximation=approximation,
                             regime=regime, rtol=rtol)
        except ValueError:
            # within rounding of the band bottom the quartic may lose its roots: the contour
            # has shrunk to a point there (K = 0 below the bottom); anything else is an error
            if eps - bottom < 1e-9 * (top - bottom):
                return np.zeros(N_VAL), np.zeros(N_VAL)
            raise
        caught.extend((str(x.message).split(" at theta")[0], eps) for x in w)
        val = np.concatenate([r.K.ravel(), r.sigma.ravel(), [r.torque[k] for k in _so.NAMES]])
        err = np.concatenate([r.K_err.ravel(), r.sigma_err.ravel(),
                              [r.torque_err[k] for k in _so.NAMES]])
        return val, err

    tol = max(rtol, 1e-12)
    val, err, info = thermal_average(func, kT_eV, mu_eV, bottom, top, edges=edges, tol=tol)
    if sliver > 0:  # stencil angles' band bottoms differ: [min, max] bottom is left out
        w = float(fermi((bottom - sliver - mu_eV) / kT_eV) - fermi((bottom - mu_eV) / kT_eV))
        err = err + 2 * w * info["lowest_values"]
    info["edges"] = edges
    info["warnings"] = caught
    return val, err, info


def thermal_response(model, mu_eV, theta, phi, approximation, regime, rtol, temperature,
                     response):
    """The body of ``response(..., temperature > 0)``: returns the Response fields as a dict.
    ``response`` is the zero-temperature solver it averages."""
    kT = kelvin_to_ev(temperature)
    th = np.atleast_1d(theta).astype(float)
    V, E, infos = [], [], []
    for t in th:
        val, err, info = thermal_point(model, mu_eV, kT, float(t), phi, approximation, regime, rtol,
                                       response)
        V.append(val)
        E.append(err)
        infos.append(info)
    V, E = np.array(V), np.array(E)
    K, Ke = V[:, :6].reshape(-1, 3, 2), E[:, :6].reshape(-1, 3, 2)
    S, Se = V[:, 6:10].reshape(-1, 2, 2), E[:, 6:10].reshape(-1, 2, 2)
    torque, torque_err = {}, {}
    sxx, sxx_e = S[:, 0, 0], Se[:, 0, 0]
    for i, name in enumerate(_so.NAMES):
        t, te = V[:, 10 + i], E[:, 10 + i]
        torque[name], torque_err[name] = t, te
        torque["tau" + name[1:]] = t / sxx
        torque_err["tau" + name[1:]] = te / abs(sxx) + abs(t) * sxx_e / sxx**2
    msgs = {}  # one warning per kind (numbers in the message replaced by their range)
    for info in infos:
        for m, _ in info["warnings"]:
            key = re.sub(r"-?\d+(\.\d+)?(e[-+]?\d+)?", "#", m)
            nums = [float(x[0]) for x in re.finditer(r"-?\d+(\.\d+)?(e[-+]?\d+)?", m)]
            count, lo, hi, example = msgs.get(key, (0, nums, nums, m))
            msgs[key] = (count + 1, np.minimum(lo, nums).tolist() if nums else [],
                         np.maximum(hi, nums).tolist() if nums else [], example)
    for key, (count, lo, hi, example) in msgs.items():
        rng = "" if lo == hi else f" (numbers ranging {lo} .. {hi})"
        warnings.warn(f"temperature={temperature:g} K: the zero-temperature solver warned at "
                      f"{count} energy nodes: {example}{rng}", RuntimeWarning, stacklevel=3)
    diagnostics = {
        "energy_nodes": np.array([i["energy_nodes"] for i in infos]),
        "panels": np.array([i["panels"] for i in infos]),
        "band_edges": [i["edges"] for i in infos],
        "quadrature_error": np.array([i["quadrature_error"] for i in infos]),
        "kT": kT,
    }
    return K, Ke, S, Se, torque, torque_err, diagnostics
