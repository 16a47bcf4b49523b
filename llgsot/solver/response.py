"""Public entry point of the solver: :func:`response`.

Validates the inputs, asks the model (:class:`llgsot.models.base.TwoBandModel`, the only
thing the solver knows of it) for its internal parameters, band edges and the polar centre
of the Fermi seas, calls the numba kernels of :mod:`.dilute` or :mod:`.finite` for each
magnetization angle, converts to SI, computes the torque coefficients of (P-4) with their
removable poles (:func:`llgsot.spinorbit.coefficients`). A rotation-invariant model is solved
at azimuth 0 and rotated with K(th, ph) = R3(ph) K(th, 0) R2(ph)^T (docs/physics.md sec. 3);
any other model is solved at the requested azimuth.

Units: the public API takes energies in eV (``fermi_energy``); inside the solver they are
meV (names ending in ``_meV``, or the kernels' ``eps``).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from .. import _validate as v
from ..constants import ELECTRON_CHARGE, EV_TO_MEV, HBAR, MEV, MEV_TO_EV, NM
from .. import spinorbit as _tq
from ..models.base import SINGULAR_L_RTOL, TwoBandModel
from . import dilute as _dil
from . import edges as _edges
from . import finite as _fin
from .scattering import BORN, TMATRIX

APPROXIMATIONS = ("tmatrix", "born")
REGIMES = ("dilute", "finite")
MAX_LEVEL = 12
#: a result whose error estimate exceeds max(ERR_WARN, 10 rtol) of its largest entry warns:
#: the quadrature warning (level reached) or the ill-conditioning one (condition number)
ERR_WARN = 1e-2
#: relative rounding of a solve before the ladder's condition number amplifies it (the floor
#: of K_err, sigma_err: ROUNDING_FLOOR cond max|K|). Measured: solves of one point at rtol 1e-4,
#: 1e-8, 1e-10 and 1e-12 differ by up to 5.4e-15 cond max|K| beyond their summed level
#: differences (finite regime, Ta-like set, 2-4.5 meV; 32768 rays and g0 to 1e-15 at rtol
#: 1e-12), which 1e-15 did not cover
ROUNDING_FLOOR = 1e-14
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
    model: TwoBandModel
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


def response(model: TwoBandModel, fermi_energy: float, theta, phi: float = 0.0,
             approximation: str = "tmatrix", regime: str = "dilute",
             rtol: float | None = None, temperature: float = 0.0) -> Response:
    """Spin-density and charge-current response of a 2D two-band magnet (docs/physics.md sec. 2).

    Parameters
    ----------
    model : TwoBandModel
        The model: :class:`llgsot.RashbaFM`, :class:`llgsot.RashbaDresselhausFM`,
        :class:`llgsot.DiracFM` (docs/models.md).
    fermi_energy : float
        Fermi energy eps (eV), measured from the band centre (E = 0 at k = 0 without
        exchange); must lie at or above the bottom of the lower band at every requested
        theta, and below the lower band on the cutoff circle |k| = k_c (else a ValueError
        naming ``cutoff``). A value at a band edge (e.g. the bottom of either band at that
        theta, ``model.band_edges``) is allowed: see Notes.
    theta : float or array_like
        Polar angle(s) of the magnetization (rad), in [0, pi]. An array gives results with
        a leading theta axis.
    phi : float
        Azimuth of the magnetization (rad). The electric field components stay x, y. A
        rotation-invariant model (``model.rotation_invariant``) is solved at 0 and rotated;
        any other is solved at phi, and its torque coefficients are those of (P-4) in the
        frame rotated by phi (where m lies in the xz-plane): for such a model (P-3) is not a
        complete description, K and sigma are.
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
    if not isinstance(model, TwoBandModel):
        raise ValueError("`model` must be a llgsot model (RashbaFM, RashbaDresselhausFM, DiracFM), "
                         f"got {type(model).__name__}")
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
            model, eps_eV, th, phi, approximation, regime, rtol, temperature,
            ZeroTemperatureSolver())
        if scalar:
            K, Kerr, S, Serr = K[0], Kerr[0], S[0], Serr[0]
            torque = {k: float(x[0]) for k, x in torque.items()}
            torque_err = {k: float(x[0]) for k, x in torque_err.items()}
        return Response(K=K, K_err=Kerr, sigma=S, sigma_err=Serr, torque=torque,
                        torque_err=torque_err, theta=float(th[0]) if scalar else th, phi=phi,
                        fermi_energy=eps_eV, model=model, approximation=approximation,
                        regime=regime, rtol=rtol, diagnostics=diagnostics,
                        temperature=temperature)
    K, Kerr, S, Serr, torque, torque_err, diags = _solve_angles(
        model, eps_eV, th, phi, approximation, regime, rtol)
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


def _solve_angles(model, eps_eV, th, phi, approximation, regime, rtol, facts=None):
    """The zero-temperature solve at the (validated) angles ``th`` (rad) and Fermi energy
    ``eps_eV`` (eV): K, K_err (1/(V m)), sigma, sigma_err (S), torque, torque_err and the
    per-angle diagnostics. ``facts``: an :class:`_AngleFacts` shared by solves at many
    energies (the Fermi-window average), which holds what does not depend on the energy."""
    invariant = model.rotation_invariant
    solver = _PointSolver(model, eps_eV, approximation, regime, rtol, facts)
    if invariant:
        solve = solver
    else:
        def solve(t):  # solved at phi, in the frame rotated by phi (m in the xz-plane)
            K, Ke, S, Se, d = solver(t, phi)
            Ke, Se = _tq.rotate(Ke, Se, -phi, absolute=True)
            K, S = _tq.rotate(K, S, -phi)
            return K, Ke, S, Se, d
    # which angles to solve: the requested ones, plus pole stencils where needed
    stencils = {pole: _tq.stencil(pole) for pole in _tq.POLES
                if np.any(np.abs(th - pole) < _tq.POLE_HALF_WIDTH)}
    # band bottoms and the cutoff disc, at every angle to be solved, before any work
    angles = np.concatenate([th, *stencils.values()])
    if facts is None:
        _edges.check_inputs(model, eps_eV * EV_TO_MEV, angles, len(th), 0.0 if invariant else phi)
    else:
        facts.check(eps_eV * EV_TO_MEV, angles, 0.0 if invariant else phi)
    res = [solve(t) for t in th]
    K = np.array([r[0] for r in res])
    Kerr = np.array([r[1] for r in res])
    S = np.array([r[2] for r in res])
    Serr = np.array([r[3] for r in res])
    diags = [r[4] for r in res]

    torque, torque_err = _torques(th, Kerr, S, stencils, solve)

    if phi != 0.0:
        Kerr, Serr = _tq.rotate(Kerr, Serr, phi, absolute=True)
        K, S = _tq.rotate(K, S, phi)
    return K, Kerr, S, Serr, torque, torque_err, diags


class _AngleFacts:
    """What the solver needs of the model at an angle that does not depend on the energy,
    computed once per angle for solves at many energies (the nodes of a Fermi-window
    average, :mod:`.temperature`): the band critical energies (meV), the bottom of the lower
    band, and the energy-independent input checks (band minima inside the cutoff disc).

    The caller guarantees what the per-energy checks of :func:`response` would otherwise
    refuse: every energy lies between the lowest complete Fermi surface and the cutoff
    energy of each angle (the window code cuts its segments there); an energy below the
    lower band gives the zero Fermi-surface response, as at a pole stencil."""

    def __init__(self, model):
        self.model = model
        self.s = model.energy_scale_meV()
        self.singular_L = _singular_L(model.solver_params())
        self._crit, self._floor, self._checked = {}, {}, set()

    def critical_energies_meV(self, theta, phi):
        key = (float(theta), float(phi))
        if key not in self._crit:
            self._crit[key] = self.model.critical_energies_meV(*key)
        return self._crit[key]

    def below_bands(self, eps_meV, theta, phi):
        if not self.model.closed_fermi_sea:  # a gap: the model's own rule
            return self.model.below_bands(eps_meV, theta, phi)
        key = (float(theta), float(phi))
        if key not in self._floor:  # the rule of TwoBandModel.below_bands, its bottom memoized
            self._floor[key] = self.model._band_minima_meV(*key)[0] - _edges.EDGE_RTOL * self.s
        return eps_meV < self._floor[key]

    def check(self, eps_meV, angles, phi):
        """The model's input checks at the first energy asked for each angle, without the
        refusal below the band (see the class docstring)."""
        for t in angles:
            key = (float(t), float(phi))
            if key not in self._checked:
                self.model.check_fermi_energy(eps_meV, *key, requested=False)
                self._checked.add(key)


class ZeroTemperatureSolver:
    """The zero-temperature solve as a callable with the signature of :func:`response`
    (validated inputs, the energy in eV), for the Fermi-window average: one instance per
    average, whose :class:`_AngleFacts` are shared by all its energy nodes. Instances compare
    equal (the solve cache of :mod:`.temperature` keys on the solver function)."""

    def __init__(self):
        self.facts = {}

    def __call__(self, model, fermi_energy, theta, phi=0.0, approximation="tmatrix",
                 regime="dilute", rtol=1e-8):
        facts = self.facts.get(id(model))
        if facts is None or facts.model is not model:
            facts = self.facts[id(model)] = _AngleFacts(model)
        K, Ke, S, Se, t, te, _ = _solve_angles(model, float(fermi_energy),
                                               np.atleast_1d(np.asarray(theta, float)),
                                               float(phi), approximation, regime, rtol, facts)
        # the fields of a Response that the window average reads, without building one
        return SimpleNamespace(K=K, K_err=Ke, sigma=S, sigma_err=Se, torque=t, torque_err=te)

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    def __repr__(self):
        return "ZeroTemperatureSolver()"


def _torques(th, Kerr, S, stencils, solve):
    """(P-4) coefficients with the removable poles replaced by their limits
    (:func:`llgsot.spinorbit.coefficients`), their error estimates, efficiencies t/sigma_xx."""
    t = _tq.coefficients(lambda angles: np.array([solve(a)[0] for a in angles]), th)
    terr = _tq.coefficient_errors(Kerr, th)
    for pole, angles in stencils.items():
        Kse = np.array([solve(a)[1] for a in angles])
        ts = _tq.coefficients_direct(np.array([solve(a)[0] for a in angles]), angles)
        tse = _tq.coefficient_errors(Kse, angles)
        near = np.abs(th - pole) < _tq.POLE_HALF_WIDTH
        for name in _tq.NAMES:
            terr[name][near] = _tq.pole_limit_error(ts[name], tse[name], pole, th[near])
    sxx = S[:, 0, 0]
    out = dict(t)
    err = dict(terr)
    for name in _tq.NAMES:
        out["tau" + name[1:]] = t[name] / sxx
        err["tau" + name[1:]] = terr[name] / np.abs(sxx)
    return out, err


def _refuse_conserved_spin(model, theta, phi):
    """ValueError at a magnetization where a spin component u.s is conserved
    (:meth:`TwoBandModel.conserved_spin`; docs/physics.md sec. 8, "Conserved spin")."""
    u = model.conserved_spin(theta, phi)
    if u is None:
        return
    mx, my, mz = (math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi),
                  math.cos(theta))
    params = ", ".join(f"{k}={x!r}" for k, x in model.as_dict().items())
    so = ", ".join(f"`{k}` = {getattr(model, k)!r}" for k in model.SPIN_ORBIT)
    raise ValueError(
        f"spin-orbit parameters {so}: {type(model).__name__}({params}) with the "
        "magnetization along "
        f"({mx:.6g}, {my:.6g}, {mz:.6g}) (theta={theta!r}, phi={phi!r}) conserves the spin "
        f"component u.s, u = ({u[0]:.6g}, {u[1]:.6g}, {u[2]:.6g}) (e.g. alpha = +-beta with m "
        "along (1, +-1, 0)): the DC response is not defined there by this theory (exact "
        "conservation makes K = 0 at the point, while the response next to it tends to a "
        "finite limit that depends on the order of the limits n -> 0 and m -> u; the dilute "
        "ladder has a second zero mode and the finite-regime scheme does not conserve u.s). "
        "Tilt the magnetization (e.g. phi +- 1e-4 rad) for the limit, or change the model's "
        "spin-orbit parameters")


def _singular_L(p) -> bool:
    """True if the spin-orbit matrix L of the solver parameters ``p`` is singular (rank < 2):
    only then can a spin component be conserved (:func:`_refuse_conserved_spin`)."""
    sv = np.linalg.svd(np.reshape(np.asarray(p.L, float), (2, 2)), compute_uv=False)
    return bool(sv[1] <= SINGULAR_L_RTOL * sv[0])


class _PointSolver:
    """Solves one magnetization direction (theta, phi); caches results by angle."""

    def __init__(self, model, eps_eV, approximation, regime, rtol, facts=None):
        self.model = model
        self.facts = facts
        self.p = model.solver_params()
        self.eps_meV = eps_eV * EV_TO_MEV
        self.approx = TMATRIX if approximation == "tmatrix" else BORN
        self.regime = regime
        self.rtol = rtol
        self.cache = {}
        self.singular_L = facts.singular_L if facts is not None else _singular_L(self.p)

    def __call__(self, theta, phi=0.0):
        key = (float(theta), float(phi))
        if key not in self.cache:
            self.cache[key] = self._solve(*key)
        return self.cache[key]

    def _solve(self, theta, phi=0.0):
        """Solve at (theta, phi); at a band edge, the one-sided value from above
        (:func:`.edges.one_sided`). For a rotation-invariant model phi != 0 is used only to
        test the rotation rule."""
        m = self.model
        if self.singular_L:
            _refuse_conserved_spin(m, theta, phi)
        f = self.facts
        if (f.below_bands if f is not None else m.below_bands)(self.eps_meV, theta, phi):
            # only at pole stencils next to the bottom of the lower band (the user's angles
            # are checked up front): no Fermi surface, so the Fermi-surface response is zero
            z = np.zeros
            return (z((3, 2)), z((3, 2)), z((2, 2)), z((2, 2)),
                    {"nodes": 0.0, "cond": 1.0, "star_shaped": True, "g0": z(4, complex),
                     "tau": z(4, complex), "centre": (0.0, 0.0), "edge_offset": 0.0})
        edge = _edges.nearest_edge(m, self.eps_meV, theta, phi,
                                   None if f is None else f.critical_energies_meV(theta, phi))
        if edge is None:
            out = self._solve_at(theta, phi, self.eps_meV)
            out[4]["edge_offset"] = 0.0
            return out
        return _edges.one_sided(lambda e_meV: self._solve_at(theta, phi, e_meV), edge,
                                m.energy_scale_meV())

    def _solve_at(self, theta, phi, eps_meV):
        """Solve at (theta, phi) and Fermi energy eps_meV (meV) directly."""
        p = self.p
        dx, dy, dz = self.model.exchange_meV(theta, phi)
        cx, cy = self.model.fermi_centre(eps_meV, theta, phi)
        K = np.zeros((3, 2))
        Ke = np.zeros((3, 2))
        S = np.zeros((2, 2))
        Se = np.zeros((2, 2))
        g0 = np.zeros(4, np.complex128)
        tau = np.zeros(4, np.complex128)
        diag = np.zeros(8)
        if self.regime == "dilute":
            y0 = np.zeros((4, 2))
            _dil.dilute_point(p.c, *p.L, dx, dy, dz, eps_meV, cx, cy, p.kc, p.W, p.n, self.approx,
                              self.rtol, MAX_LEVEL, K, Ke, S, Se, y0, g0, tau, diag)
            cond = diag[_dil.D_COND]
            flags = (diag[_dil.D_STAR], diag[_dil.D_CUTOFF], diag[_dil.D_LEVEL])
        else:
            _fin.finite_point(p.c, *p.L, dx, dy, dz, eps_meV, cx, cy, p.kc, p.W, p.n, self.approx,
                              self.rtol, MAX_LEVEL, K, Ke, S, Se, g0, tau, diag)
            cond = diag[_fin.D_COND]
            flags = (diag[_fin.D_STAR], diag[_fin.D_CUTOFF], diag[_fin.D_LEVEL])
            gamma = -p.n * tau[0].imag
            inv_eps_tau = 2 * gamma / self.model.kinetic_meV(eps_meV)
            if inv_eps_tau > 0.1:
                warnings.warn(
                    f"finite regime: (eps tau)^-1 = {inv_eps_tau:.3g} > 0.1 at theta={theta:.4g}: "
                    "the dilute theory leaves its validity", RuntimeWarning, stacklevel=4)
        star, cut, level = flags
        if cut and self.model.closed_fermi_sea:
            raise ValueError(
                f"`cutoff` = {self.model.cutoff!r} nm^-1 is too small: the Fermi contour at "
                f"fermi_energy={eps_meV * MEV_TO_EV!r} eV, theta={theta!r} reaches |k| = k_c")
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
        floor_K = ROUNDING_FLOOR * max(cond, 1.0) * Kmax
        floor_S = ROUNDING_FLOOR * max(cond, 1.0) * Smax
        lim = max(ERR_WARN, 10 * self.rtol)
        if (Kmax > 0 and floor_K > lim * Kmax) or (Smax > 0 and floor_S > lim * Smax):
            warnings.warn(
                f"the ladder is nearly singular at theta={theta:.4g}, phi={phi:.4g} (condition "
                f"number {cond:.3g}): rounding alone makes the error estimate exceed {lim:g} of "
                "the largest entry; the result is not reliable (K_err, sigma_err)",
                RuntimeWarning, stacklevel=4)
        diag_out = {"nodes": diag[1], "cond": cond, "star_shaped": not star,
                    "g0": g0 * (1.0 / (MEV * NM * NM)), "tau": tau.copy(), "centre": (cx, cy)}
        return (K * K_TO_SI, (Ke + floor_K) * abs(K_TO_SI), S * SIGMA_TO_SI,
                (Se + floor_S) * SIGMA_TO_SI, diag_out)
