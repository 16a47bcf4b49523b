"""Public entry point of the solver: :func:`response`.

Validates the inputs, picks the polar centre of the Fermi seas, calls the numba kernels of
:mod:`.dilute` or :mod:`.finite` for each magnetization angle (at azimuth 0), converts to
SI, computes the torque coefficients of (P-4) with their removable poles, and rotates to the
requested azimuth with K(th, ph) = R3(ph) K(th, 0) R2(ph)^T (docs/physics.md sec. 3).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from .. import _validate as v
from ..constants import ELECTRON_CHARGE, HBAR, MEV, NM
from .. import spinorbit as _tq
from ..model import RashbaFM
from . import dilute as _dil
from . import edges as _edges
from . import finite as _fin
from .scattering import BORN, TMATRIX

APPROXIMATIONS = ("tmatrix", "born")
REGIMES = ("dilute", "finite")
MAX_LEVEL = 12
#: K_int (meV^-1 nm^-1, hbar = 1) -> K (1/(V m))
K_TO_SI = ELECTRON_CHARGE / (2 * math.pi) / (MEV * NM)
#: dimensionless conductivity bubble -> sigma (S)
SIGMA_TO_SI = ELECTRON_CHARGE**2 / (2 * math.pi * HBAR)


@dataclass(frozen=True)
class Response:
    """Linear response of the spin density and the charge current to an in-plane field.

    Attributes
    ----------
    K : ndarray (3, 2) or (N, 3, 2)
        Spin-density response S_a = K_ab E_b; rows spin x, y, z (expectation of the Pauli
        matrices per unit area), columns field x, y. Units 1/(V m).
    K_err : ndarray
        Absolute error estimate of K (1/(V m)).
    sigma : ndarray (2, 2) or (N, 2, 2)
        Sheet conductivity J_a = sigma_ab E_b (S).
    sigma_err : ndarray
        Absolute error estimate of sigma (S).
    torque : dict
        t1e, t2e, t1o, t2o of (P-3)/(P-4) in 1/(V m), and the efficiencies
        tau1e ... tau2o = t/sigma_xx in 1/(A m) (P-34).
    torque_err : dict
        Absolute error estimates of the same.
    theta, phi : float or ndarray
        Magnetization polar and azimuthal angles (rad).
    fermi_energy : float
        Fermi energy (eV); at temperature > 0 the chemical potential.
    temperature : float
        Temperature (K); 0 for the Fermi-surface response itself.
    diagnostics : dict
        Quadrature nodes used, flags, conditioning, per angle.
    """

    K: np.ndarray
    K_err: np.ndarray
    sigma: np.ndarray
    sigma_err: np.ndarray
    torque: dict
    torque_err: dict
    theta: object
    phi: float
    fermi_energy: float
    model: RashbaFM
    approximation: str
    regime: str
    rtol: float
    diagnostics: dict = field(repr=False)
    temperature: float = 0.0

    def csc_efficiency(self, fermi_velocity: float) -> np.ndarray:
        """Charge-to-spin conversion efficiencies theta_ab = -2 e v K_ab / sigma_xx (dimensionless).

        Parameters
        ----------
        fermi_velocity : float
            The velocity v of the definition (m/s), > 0.
        """
        vF = v.positive("fermi_velocity", fermi_velocity, "m/s")
        sxx = self.sigma[..., 0, 0][..., None, None]
        return -2.0 * ELECTRON_CHARGE * vF * self.K / sxx

    def inputs(self) -> dict:
        """Every input, SI (energies in eV, as the model's parameters)."""
        th = self.theta
        return {
            **self.model.as_dict(),
            "fermi_energy": self.fermi_energy,
            "theta": th.tolist() if isinstance(th, np.ndarray) else th,
            "phi": self.phi,
            "approximation": self.approximation,
            "regime": self.regime,
            "rtol": self.rtol,
            "temperature": self.temperature,
        }

    def to_dict(self) -> dict:
        """JSON-ready dict: K, sigma, their errors, torque and inputs (see the CLI)."""
        tor = {k: np.asarray(x).tolist() for k, x in self.torque.items()}
        return {
            "K": self.K.tolist(),
            "sigma": self.sigma.tolist(),
            "K_err": self.K_err.tolist(),
            "sigma_err": self.sigma_err.tolist(),
            "torque": tor,
            "torque_err": {k: np.asarray(x).tolist() for k, x in self.torque_err.items()},
            "units": {"K": "1/(V m)", "sigma": "S", "t": "1/(V m)", "tau": "1/(A m)"},
            "inputs": self.inputs(),
        }


def response(model: RashbaFM, fermi_energy: float, theta, phi: float = 0.0,
             approximation: str = "tmatrix", regime: str = "dilute",
             rtol: float | None = None, temperature: float = 0.0) -> Response:
    """Spin-density and charge-current response of the Rashba ferromagnet (docs/physics.md sec. 2).

    Parameters
    ----------
    model : RashbaFM
        The model parameters.
    fermi_energy : float
        Fermi energy eps (eV), measured from the band centre (E = 0 at k = 0 without
        exchange); must lie at or above the bottom of the lower band at every requested
        theta, and below the lower band on the cutoff circle |k| = k_c (else a ValueError
        naming ``cutoff``). A value at a band edge (e.g. the bottom of either band at that
        theta, :meth:`RashbaFM.band_edges`) is allowed: see Notes.
    theta : float or array_like
        Polar angle(s) of the magnetization (rad), in [0, pi]. An array gives results with
        a leading theta axis.
    phi : float
        Azimuth of the magnetization (rad). The electric field components stay x, y.
    approximation : {"tmatrix", "born"}
        Full single-impurity T-matrix (skew scattering included) or first Born.
    regime : {"dilute", "finite"}
        "dilute": the exact leading order in n, lim(n K)/n reported at the model's n.
        "finite": dressed Green's functions at the model's n (the paper's Fig. 4).
    rtol : float, optional
        Target relative accuracy of the angular quadrature, relative to the largest
        entry of K and of sigma (1e-14 < rtol < 1e-2); default 1e-8. At temperature > 0
        the target of the Fermi-window average instead (of max|K|, max|sigma|, max|t| at
        each angle), default 1e-5 (:data:`llgsot.solver.temperature.TEMPERATURE_RTOL`).
    temperature : float
        Temperature T (K, >= 0). T > 0 averages K, sigma and the torque coefficients over
        the Fermi window, K(T, mu) = int deps (-df/deps) K(eps), with ``fermi_energy`` the
        chemical potential mu (docs/physics.md sec. 6; :mod:`llgsot.solver.temperature`); the
        energy quadrature splits at the band edges and its error enters the estimates.

    Returns
    -------
    Response

    Notes
    -----
    Band edges: within 1e-10 of the model's energy scale s of a band edge (a band bottom, or
    another critical point of the bands on the k_y axis: the top of the lower band's Mexican
    hat, the point where the bands touch), the result is
    the ONE-SIDED VALUE FROM ABOVE (the band occupied): the response at edge + 1e-10 s, with
    K_err and sigma_err enlarged by twice its largest deviation from the responses at
    edge + {1e-9, ..., 1e-6} s (``diagnostics["edge_offset"]`` gives the offset, eV). At the
    bottom of the upper band the tmatrix response approaches its mathematical limit only as
    1/ln(offset) (Re g0 diverges logarithmically at a 2D band edge), so that limit is not
    extrapolated; the error estimate says how much the value depends on the offset. At the
    bottom of the lower band the dilute response vanishes. See docs/theory.md, sec. 4a.
    """
    if not isinstance(model, RashbaFM):
        raise ValueError(f"`model` must be a RashbaFM, got {type(model).__name__}")
    eps_eV = v.finite_scalar("fermi_energy", fermi_energy, "eV")
    approximation = v.choice("approximation", approximation, APPROXIMATIONS)
    regime = v.choice("regime", regime, REGIMES)
    phi = v.finite_scalar("phi", phi, "rad")
    temperature = v.nonnegative("temperature", temperature, "K")
    rtol = v.in_range("rtol", (1e-8 if temperature == 0 else 1e-5) if rtol is None else rtol,
                      1e-14, 1e-2)
    scalar = np.ndim(theta) == 0
    th = np.atleast_1d(v.finite_array("theta", theta, "rad")).astype(float)
    if th.ndim != 1:
        raise ValueError(f"`theta` must be a scalar or a 1-d array, got shape {np.shape(theta)}")
    if th.size == 0:
        raise ValueError("`theta` must not be empty (rad)")
    bad = (th < 0) | (th > np.pi)
    if bad.any():
        raise ValueError(f"`theta` must lie in [0, pi] (rad), got {th[bad][0]!r}")

    if temperature > 0:
        from .temperature import thermal_response

        K, Kerr, S, Serr, torque, torque_err, diagnostics = thermal_response(
            model, eps_eV, th, phi, approximation, regime, rtol, temperature, response)
        if scalar:
            K, Kerr, S, Serr = K[0], Kerr[0], S[0], Serr[0]
            torque = {k: float(x[0]) for k, x in torque.items()}
            torque_err = {k: float(x[0]) for k, x in torque_err.items()}
        return Response(K=K, K_err=Kerr, sigma=S, sigma_err=Serr, torque=torque,
                        torque_err=torque_err, theta=float(th[0]) if scalar else th, phi=phi,
                        fermi_energy=eps_eV, model=model, approximation=approximation,
                        regime=regime, rtol=rtol, diagnostics=diagnostics,
                        temperature=temperature)
    solve = _PointSolver(model, eps_eV, approximation, regime, rtol)
    # which angles to solve: the requested ones, plus pole stencils where needed
    stencils = {}
    for t in th:
        pole, dist = _tq.nearest_pole(t)
        if dist < _tq.POLE_HALF_WIDTH * 0.999 and pole not in stencils:
            stencils[pole] = _tq.stencil(pole)
    # band bottoms and the cutoff disc, at every angle to be solved, before any work
    _edges.check_inputs(model, model.internal(), eps_eV * 1e3,
                        np.concatenate([th, *stencils.values()]), len(th))
    res = [solve(t) for t in th]
    K = np.array([r[0] for r in res])
    Kerr = np.array([r[1] for r in res])
    S = np.array([r[2] for r in res])
    Serr = np.array([r[3] for r in res])
    diags = [r[4] for r in res]

    torque, torque_err = _torques(th, K, Kerr, S, stencils, solve)

    if phi != 0.0:
        Kerr, Serr = _tq.rotate(Kerr, Serr, phi, absolute=True)
        K, S = _tq.rotate(K, S, phi)

    diagnostics = {k: np.array([d[k] for d in diags]) for k in diags[0]}
    if scalar:
        K, Kerr, S, Serr = K[0], Kerr[0], S[0], Serr[0]
        torque = {k: float(x[0]) for k, x in torque.items()}
        torque_err = {k: float(x[0]) for k, x in torque_err.items()}
        diagnostics = {k: x[0] for k, x in diagnostics.items()}
        th_out = float(th[0])
    else:
        th_out = th
    return Response(K=K, K_err=Kerr, sigma=S, sigma_err=Serr, torque=torque,
                    torque_err=torque_err, theta=th_out, phi=phi, fermi_energy=eps_eV,
                    model=model, approximation=approximation, regime=regime, rtol=rtol,
                    diagnostics=diagnostics)


def _torques(th, K, Kerr, S, stencils, solve):
    """(P-4) coefficients with the removable poles interpolated; efficiencies t/sigma_xx."""
    t = _tq.coefficients_direct(K, th)
    terr = _coefficients_abs(Kerr, th)
    for pole, angles in stencils.items():
        Ks = np.array([solve(a)[0] for a in angles])
        Kse = np.array([solve(a)[1] for a in angles])
        ts = _tq.coefficients_direct(Ks, angles)
        tse = _coefficients_abs(Kse, angles)
        for i, x in enumerate(th):
            p, dist = _tq.nearest_pole(x)
            if p != pole or dist >= _tq.POLE_HALF_WIDTH * 0.999:
                continue
            for name in _tq.NAMES:
                t[name][i] = _tq.interpolate_even(ts[name], pole, x)
                w = np.abs([_tq.interpolate_even(np.eye(3)[j], pole, x) for j in range(3)])
                # interpolation error O(h^6) estimated by the spread of the stencil's
                # highest difference, plus propagated quadrature errors
                spread = abs(ts[name][0] - 3 * ts[name][1] + 3 * ts[name][2]
                             - _tq.interpolate_even(ts[name], pole, pole + 4 * _tq.POLE_HALF_WIDTH))
                terr[name][i] = float(np.dot(w, tse[name])) + spread
    sxx = S[:, 0, 0]
    out = dict(t)
    err = dict(terr)
    for name in _tq.NAMES:
        out["tau" + name[1:]] = t[name] / sxx
        err["tau" + name[1:]] = terr[name] / np.abs(sxx)
    return out, err


def _coefficients_abs(Kerr, theta):
    """Linear error propagation |d t/d K| Kerr for (P-4) away from the poles."""
    theta = np.asarray(theta, dtype=float)
    mx = np.abs(np.sin(theta))
    mz = np.abs(np.cos(theta))
    e = Kerr
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "t1e": e[..., 1, 1] / mz,
            "t2e": e[..., 0, 0] * mz / mx**2 + e[..., 1, 1] / (mx**2 * mz) + e[..., 2, 0] / mx,
            "t1o": e[..., 0, 1] + (mx / mz) * e[..., 2, 1],
            "t2o": (e[..., 0, 1] + e[..., 1, 0]) / mx**2 + e[..., 2, 1] / (mz * mx),
        }


class _PointSolver:
    """Solves one magnetization angle at azimuth 0; caches results by angle."""

    def __init__(self, model, eps_eV, approximation, regime, rtol):
        self.model = model
        self.p = model.internal()
        self.eps = eps_eV * 1e3
        self.approx = TMATRIX if approximation == "tmatrix" else BORN
        self.regime = regime
        self.rtol = rtol
        self.cache = {}

    def __call__(self, theta, phi=0.0):
        key = (float(theta), float(phi))
        if key not in self.cache:
            self.cache[key] = self._solve(*key)
        return self.cache[key]

    def _solve(self, theta, phi=0.0):
        """Solve at (theta, phi); at a band edge, the one-sided value from above
        (:func:`.edges.one_sided`). phi != 0 is used only to test the rotation rule."""
        if _edges.below_lower_band(self.p, self.eps, theta):
            # only at pole stencils next to the bottom of the lower band (the user's angles
            # are checked up front): no Fermi surface, so the Fermi-surface response is zero
            z = np.zeros
            return (z((3, 2)), z((3, 2)), z((2, 2)), z((2, 2)),
                    {"nodes": 0.0, "cond": 1.0, "star_shaped": True, "g0": z(4, complex),
                     "tau": z(4, complex), "centre": (0.0, 0.0), "edge_offset": 0.0})
        edge = _edges.nearest_edge(self.p, self.eps, theta)
        if edge is None:
            out = self._solve_at(theta, phi, self.eps)
            out[4]["edge_offset"] = 0.0
            return out
        return _edges.one_sided(lambda e: self._solve_at(theta, phi, e), edge,
                                _edges.energy_scale(self.p))

    def _solve_at(self, theta, phi, eps):
        """Solve at (theta, phi) and Fermi energy eps (meV) directly."""
        p = self.p
        dpar = p.delta * math.sin(theta)
        dz = p.delta * math.cos(theta)
        cy0 = fermi_centre(p.c, p.alpha, dpar, dz, eps, self.model, theta)
        dx, dy = dpar * math.cos(phi), dpar * math.sin(phi)
        cx, cy = -cy0 * math.sin(phi), cy0 * math.cos(phi)
        K = np.zeros((3, 2))
        Ke = np.zeros((3, 2))
        S = np.zeros((2, 2))
        Se = np.zeros((2, 2))
        g0 = np.zeros(4, np.complex128)
        tau = np.zeros(4, np.complex128)
        diag = np.zeros(8)
        if self.regime == "dilute":
            y0 = np.zeros((4, 2))
            _dil.dilute_point(p.c, p.alpha, dx, dy, dz, eps, cx, cy, p.kc, p.W, p.n, self.approx,
                              self.rtol, MAX_LEVEL, K, Ke, S, Se, y0, g0, tau, diag)
            cond = diag[_dil.D_COND]
            flags = (diag[_dil.D_STAR], diag[_dil.D_CUTOFF], diag[_dil.D_LEVEL])
        else:
            _fin.finite_point(p.c, p.alpha, dx, dy, dz, eps, cx, cy, p.kc, p.W, p.n, self.approx,
                              self.rtol, MAX_LEVEL, K, Ke, S, Se, g0, tau, diag)
            cond = diag[_fin.D_COND]
            flags = (diag[_fin.D_STAR], diag[_fin.D_CUTOFF], diag[_fin.D_LEVEL])
            gamma = -p.n * tau[0].imag
            ekin = eps + p.delta + p.alpha**2 / (4 * p.c)  # >= eps - band bottom
            inv_eps_tau = 2 * gamma / ekin
            if inv_eps_tau > 0.1:
                warnings.warn(
                    f"finite regime: (eps tau)^-1 = {inv_eps_tau:.3g} > 0.1 at theta={theta:.4g}: "
                    "the dilute theory leaves its validity", RuntimeWarning, stacklevel=4)
        star, cut, level = flags
        if cut:
            raise ValueError(
                f"`cutoff` = {self.model.cutoff!r} nm^-1 is too small: the Fermi contour at "
                f"fermi_energy={eps * 1e-3!r} eV, theta={theta!r} reaches |k| = k_c")
        if star:
            warnings.warn(
                f"Fermi contours are not star-shaped about the chosen centre at theta={theta:.4g}; "
                "the angular quadrature converges slowly (see K_err)", RuntimeWarning, stacklevel=4)
        Kmax = np.abs(K).max()
        Smax = np.abs(S).max()
        if level >= MAX_LEVEL and (Ke.max() > self.rtol * Kmax or Se.max() > self.rtol * Smax):
            warnings.warn(
                f"angular quadrature did not reach rtol={self.rtol:g} at theta={theta:.4g} "
                f"(reached {Ke.max() / Kmax:.2g}); the error estimates say by how much",
                RuntimeWarning, stacklevel=4)
        # rounding floor: the solve amplifies relative rounding by the condition number
        floor_K = 1e-15 * max(cond, 1.0) * Kmax
        floor_S = 1e-15 * max(cond, 1.0) * Smax
        diag_out = {"nodes": diag[1], "cond": cond, "star_shaped": not star,
                    "g0": g0 * (1.0 / (MEV * NM * NM)), "tau": tau.copy(), "centre": (cx, cy)}
        return (K * K_TO_SI, (Ke + floor_K) * abs(K_TO_SI), S * SIGMA_TO_SI,
                (Se + floor_S) * SIGMA_TO_SI, diag_out)


def fermi_centre(c, alpha, dx, dz, eps, model=None, theta=0.0):
    """k_y of the polar centre (nm^-1): the midpoint of the innermost Fermi-sea chord on the
    k_y axis (the spectrum is even in k_x), inside every sea and inside the upper-band sea,
    which is convex, whenever that band is occupied."""
    co = [c * c, 0.0, -(2 * eps * c + alpha * alpha), 2 * alpha * dx, eps * eps - dx * dx - dz * dz]
    r = np.roots(co)
    scale = np.abs(r).max()
    r = np.sort(r[np.abs(r.imag) <= 1e-9 * scale].real)
    if len(r) == 2:
        return 0.5 * (r[0] + r[1])
    if len(r) == 4:
        return 0.5 * (r[1] + r[2])
    bottom = model.band_bottom(theta) if model is not None else float("nan")
    raise ValueError(
        f"`fermi_energy` = {eps * 1e-3!r} eV has no Fermi surface at theta={theta!r}: it must "
        f"lie above the bottom of the lower band, {bottom!r} eV")
