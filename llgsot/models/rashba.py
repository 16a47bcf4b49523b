"""The Rashba ferromagnet, and the exact band routines of every rotation-invariant model.

    H(k) = hbar^2 k^2/(2 m*) + alpha (k_x s_y - k_y s_x) + delta_xc m.s   (docs/physics.md sec. 1)

with scalar point impurities W(r) = W~ delta(r) of areal density n. Public parameters are SI
(energies in eV, as spintronics papers quote them); :meth:`RashbaFM.solver_params` gives the
solver's internal units (meV, nm, hbar = 1).

:class:`IsotropicTwoBand` holds what follows from the rotation invariance: at azimuth 0 the
bands E_pm = c k^2 pm sqrt(a^2 k_x^2 + (a k_y - dx)^2 + dz^2) have all their critical points
on the k_y axis (exact routines below), and K(theta, phi) follows from phi = 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from ..constants import EV_TO_MEV, EVM_TO_MEVNM, EVNM2_TO_MEVNM2, HBAR2_2ME_MEV_NM2, MEV_TO_EV
from ..constants import PER_M2_TO_PER_NM2
from .base import EDGE_RTOL, SHARED_UNITS, SolverParams, TwoBandModel

#: smallest |impurity_strength| (eV nm^2) whose scattering rates are representable
MIN_IMPURITY_STRENGTH = 1e-20


@dataclass(frozen=True)
class InternalParams:
    """Rashba parameters in the solver's internal units (meV, nm, hbar = 1)."""

    c: float  #: band curvature hbar^2/(2 m*) (meV nm^2)
    alpha: float  #: Rashba coupling (meV nm)
    delta: float  #: exchange splitting delta_xc (meV)
    n: float  #: impurity density (nm^-2)
    W: float  #: impurity strength W~ (meV nm^2)
    kc: float  #: momentum cutoff (nm^-1)


def check_impurities(model) -> None:
    """Validate and normalise impurity_density, impurity_strength, cutoff (shared by every model)."""
    set_ = object.__setattr__
    set_(model, "impurity_density", v.positive("impurity_density", model.impurity_density, "m^-2"))
    set_(model, "impurity_strength", v.nonzero("impurity_strength", model.impurity_strength, "eV nm^2"))
    if abs(model.impurity_strength) < MIN_IMPURITY_STRENGTH:
        # the scattering rates ~ n W~^2 and the T-matrix ~ W~^4 products underflow below
        # this (1e-91 eV nm^2 divided by zero); 1e-20 is 1e-19 of the paper's scale
        raise ValueError(f"`impurity_strength` must satisfy |W| >= {MIN_IMPURITY_STRENGTH:g} "
                         f"(in eV nm^2), got {model.impurity_strength!r}")
    set_(model, "cutoff", v.positive("cutoff", model.cutoff, "nm^-1"))


class IsotropicTwoBand(TwoBandModel):
    """A rotation-invariant model c k^2 + a (k_x s_y - k_y s_x) + Delta m.s (c > 0), with the
    exact band routines; subclasses provide :meth:`internal` (c, alpha, delta, n, W, kc)."""

    def solver_params(self) -> SolverParams:
        p = self.internal()
        return SolverParams(c=p.c, L=(0.0, -p.alpha, p.alpha, 0.0), delta=p.delta, n=p.n,
                            W=p.W, kc=p.kc)

    def energy_scale_meV(self) -> float:
        """Energy scale s (meV): max(Delta_xc, alpha^2/(4c), c k_c^2 * 1e-3)."""
        p = self.internal()
        return max(p.delta, p.alpha * p.alpha / (4.0 * p.c), 1e-3 * p.c * p.kc * p.kc)

    def kinetic_meV(self, eps: float) -> float:
        p = self.internal()
        return eps + p.delta + p.alpha**2 / (4 * p.c)  # >= eps - band bottom

    def _xz(self, theta):
        p = self.internal()
        return p.delta * math.sin(theta), p.delta * math.cos(theta)

    def _band_minima_meV(self, theta, phi=0.0):
        p = self.internal()
        lo, _, up, _ = band_minima(p.c, p.alpha, *self._xz(theta))
        return lo, up

    def critical_energies_meV(self, theta: float, phi: float = 0.0) -> np.ndarray:
        """Exact (:func:`band_critical_energies`); independent of phi."""
        p = self.internal()
        return band_critical_energies(p.c, p.alpha, *self._xz(theta))

    def below_bands(self, eps: float, theta: float, phi: float = 0.0) -> bool:
        p = self.internal()
        dx, dz = self._xz(theta)
        return eps < band_minima(p.c, p.alpha, dx, dz)[0] - EDGE_RTOL * self.energy_scale_meV()

    def check_fermi_energy(self, eps: float, theta: float, phi: float = 0.0,
                           requested: bool = True) -> None:
        """Refuse eps (meV) below the band (``fermi_energy``, if ``requested``), a band minimum
        outside the cutoff disc or a Fermi contour reaching |k| = k_c (``cutoff``)."""
        p = self.internal()
        s = self.energy_scale_meV()
        th = float(theta)
        dx, dz = self._xz(th)
        lo, ky_lo, up, ky_up = band_minima(p.c, p.alpha, dx, dz)
        if eps < lo - EDGE_RTOL * s and requested:
            raise ValueError(
                f"`fermi_energy` = {eps * MEV_TO_EV:.6g} eV has no Fermi surface at theta={th:.6g}: it "
                f"must lie at or above the bottom of the lower band, {lo * MEV_TO_EV:.10g} eV")
        if abs(ky_lo) >= p.kc or (eps > up and abs(ky_up) >= p.kc):
            which, ky = ("lower", ky_lo) if abs(ky_lo) >= p.kc else ("upper", ky_up)
            raise ValueError(
                f"`cutoff` = {self.cutoff!r} nm^-1 is too small for the bands: the {which}-band "
                f"minimum at theta={th:.6g} lies at |k| = {abs(ky):.6g} nm^-1, outside the cutoff "
                f"disc; use cutoff > {cutoff_needed(p, eps, th):.6g} nm^-1")
        cmin = circle_minimum(p, th)
        if eps >= cmin - EDGE_RTOL * s:
            raise self._contour_at_cutoff(
                eps, th, f"allowed: fermi_energy < {cmin * MEV_TO_EV:.6g} eV at this cutoff, or "
                         f"cutoff > {cutoff_needed(p, eps, th):.6g} nm^-1")

    def _contour_at_cutoff(self, eps: float, th: float, allowed: str) -> ValueError:
        """The error (``cutoff``) of a Fermi contour at eps (meV), theta = ``th`` reaching
        |k| = k_c; ``allowed``: what would be accepted."""
        return ValueError(
            f"`cutoff` = {self.cutoff!r} nm^-1 is too small for fermi_energy="
            f"{eps * MEV_TO_EV:.6g} eV: at theta={th:.6g} the Fermi contour reaches |k| = k_c "
            f"({allowed})")

    def fermi_centre(self, eps: float, theta: float, phi: float = 0.0) -> tuple:
        """The midpoint of the innermost Fermi-sea chord on the axis of the pockets' shift
        (:func:`fermi_centre`), rotated to azimuth phi."""
        p = self.internal()
        dpar = p.delta * math.sin(theta)
        dz = p.delta * math.cos(theta)
        cy0 = fermi_centre(p.c, p.alpha, dpar, dz, eps, self, theta)
        return -cy0 * math.sin(phi), cy0 * math.cos(phi)


@dataclass(frozen=True)
class RashbaFM(IsotropicTwoBand):
    """A 2D Rashba ferromagnet with dilute scalar impurities (docs/physics.md section 1).

    Parameters
    ----------
    m_eff : float
        Effective mass m*, in units of the free electron mass (> 0).
    alpha : float
        Rashba coupling, in eV m (any sign; 1.7e-11 eV m for the paper's Ta-like set).
    delta_xc : float
        Proximity exchange splitting Delta_xc, in eV (>= 0).
    impurity_density : float
        Areal impurity density n, in m^-2 (> 0).
    impurity_strength : float
        Impurity strength W~ = u R^2, in eV nm^2 (|W~| >= 1e-20; negative means attractive).
    cutoff : float
        Momentum cutoff k_c of every momentum integral, in nm^-1 (> 0). The disc
        |k| < k_c is centred at k = 0 (docs/physics.md section 1).
    """

    m_eff: float
    alpha: float
    delta_xc: float
    impurity_density: float
    impurity_strength: float
    cutoff: float

    KIND = "rashba"
    UNITS = {  # noqa: RUF012  (class constant, not a field: no annotation)
        "m_eff": "m_e",
        "alpha": "eV m",
        **SHARED_UNITS,
    }
    FREE = ("impurity_strength", "impurity_density", "delta_xc", "alpha", "m_eff")
    SPIN_ORBIT = ("alpha",)

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "m_eff", v.positive("m_eff", self.m_eff, "m_e"))
        set_(self, "alpha", v.finite_scalar("alpha", self.alpha, "eV m"))
        set_(self, "delta_xc", v.nonnegative("delta_xc", self.delta_xc, "eV"))
        check_impurities(self)
        if self.alpha == 0 and self.delta_xc == 0:
            raise ValueError(
                "`alpha` and `delta_xc` are both 0: the spin-degenerate limit is not supported "
                "(use small nonzero values, e.g. alpha=1e-14 eV m)"
            )

    def internal(self) -> InternalParams:
        """The parameters in internal units (meV, nm, hbar = 1)."""
        return InternalParams(
            c=HBAR2_2ME_MEV_NM2 / self.m_eff,
            alpha=self.alpha * EVM_TO_MEVNM,
            delta=self.delta_xc * EV_TO_MEV,
            n=self.impurity_density * PER_M2_TO_PER_NM2,
            W=self.impurity_strength * EVNM2_TO_MEVNM2,
            kc=self.cutoff,
        )

    def band_bottom(self, theta: float = 0.0, phi: float = 0.0) -> float:
        """Bottom of the lower band E_-(k) for magnetization polar angle ``theta`` (eV)."""
        p = self.internal()
        return lower_band_minimum(p.c, p.alpha, p.delta * np.sin(theta),
                                  p.delta * np.cos(theta)) * MEV_TO_EV

    def band_edges(self, theta: float = 0.0, phi: float = 0.0) -> tuple:
        """Bottoms of the lower and the upper band at magnetization polar angle ``theta``,
        (E_-min, E_+min) in eV. A Fermi energy at either is a band edge: a Fermi contour
        is born there (docs/physics.md sec. 6). Independent of the azimuth ``phi``."""
        p = self.internal()
        lo, _, up, _ = band_minima(p.c, p.alpha, p.delta * np.sin(theta), p.delta * np.cos(theta))
        return lo * MEV_TO_EV, up * MEV_TO_EV


# -- exact band routines at azimuth 0 (internal units) -------------------------------------------
def _axis_stationary(c: float, alpha: float, dx: float, dz: float) -> np.ndarray:
    """k_y of every stationary point of E_pm on the k_y axis (nm^-1): the real roots of
    4 c^2 ky^2 [(alpha ky - dx)^2 + dz^2] = alpha^2 (alpha ky - dx)^2, the kink ky = dx/alpha
    (where the bands touch if dz = 0) and ky = 0. Since E_pm is even in k_x these are
    critical points of E_pm(k) in the plane."""
    a = float(alpha)
    co = [4 * c * c * a * a, -8 * c * c * a * dx, 4 * c * c * (dx * dx + dz * dz) - a**4,
          2 * a**3 * dx, -a * a * dx * dx]
    cand = [0.0]
    if a != 0.0:
        cand.append(dx / a)
    if any(co):
        r = np.roots(co)
        scale = max(np.abs(r).max(), 1e-300) if len(r) else 1.0
        cand.extend(float(x.real) for x in r if abs(x.imag) <= 1e-7 * scale)
    return np.array(cand)


def _axis_bands(c, alpha, dx, dz, ky):
    root = np.sqrt((alpha * ky - dx) ** 2 + dz * dz)
    return c * ky * ky - root, c * ky * ky + root


def band_minima(c: float, alpha: float, dx: float, dz: float) -> tuple:
    """Bottoms of both bands, (E_-min, ky_-, E_+min, ky_+), in internal units (meV, nm^-1).

    E_pm(k) = c k^2 pm sqrt(alpha^2 k_x^2 + (alpha k_y - dx)^2 + dz^2). Both minima lie on
    the k_y axis: E_+ increases with k_x^2, and where E_- has a minimum in k_x^2 at fixed
    k_y (the Mexican-hat ring) its value c ky^2 + min_u [...] is linear in k_y, so the
    minimum over k_y sits at an end of that interval, on k_x = 0. On the axis the candidates
    are the stationary points of :func:`_axis_stationary`.
    """
    ky = _axis_stationary(c, alpha, dx, dz)
    lo, up = _axis_bands(c, alpha, dx, dz, ky)
    i, j = int(np.argmin(lo)), int(np.argmin(up))
    return float(lo[i]), float(ky[i]), float(up[j]), float(ky[j])


def band_critical_energies(c: float, alpha: float, dx: float, dz: float) -> np.ndarray:
    """Sorted, unique energies (meV) of both bands at every critical point on the k_y axis:
    the band bottoms, the top of the Mexican hat of the lower band, the point where the bands
    touch (a cusp extremum, dz = 0). At these a Fermi contour is born, vanishes or changes
    topology, possibly through the polar centre.

    On the axis E_pm = c k^2 pm sqrt((alpha k_y - dx)^2 + dz^2); a critical point satisfies
    |2 c k_y| <= |alpha|, so a scan of the derivative of each band over that interval (4001
    points) with a bracketing refinement (brentq to 1e-15 of the interval) finds every one,
    cusps included. (The candidates of :func:`_axis_stationary` are not used here: near a
    cusp with dz -> 0 their quartic is ill-conditioned, and they mix the two bands.)
    """
    from scipy.optimize import brentq

    a = float(alpha)
    out = []
    for s in (1.0, -1.0):
        def dE(k, s=s):
            r = math.sqrt((a * k - dx) ** 2 + dz**2)
            return 2 * c * k + (s * a * (a * k - dx) / r if r > 0 else 0.0)  # r = 0: the cusp

        def E(k, s=s):
            return c * k * k + s * math.sqrt((a * k - dx) ** 2 + dz**2)

        L = 1.05 * abs(a) / (2 * c) + 1e-12
        ks = np.linspace(-L, L, 4001)
        r = np.sqrt((a * ks - dx) ** 2 + dz**2)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = 2 * c * ks + np.where(r > 0, s * a * (a * ks - dx) / r, 0.0)
        for i in np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]:
            k0 = brentq(dE, ks[i], ks[i + 1], xtol=1e-15 * max(L, 1.0), maxiter=200)
            out.append(E(k0))
        if not out or a == 0.0:
            out.append(E(0.0))
    e = np.sort(np.array(out))
    # one energy for an extremum found from both bands (the cusp where they touch)
    tol = 1e-13 * max(float(np.abs(e).max()), abs(dx) + abs(dz), 1e-300)
    return e[np.concatenate([[True], np.diff(e) > tol])]


def lower_band_minimum(c: float, alpha: float, dx: float, dz: float) -> float:
    """Minimum over k of E_-(k) = c k^2 - sqrt(alpha^2 k_x^2 + (alpha k_y - dx)^2 + dz^2) (meV).

    See :func:`band_minima` (exact stationary points on the k_y axis).
    """
    return band_minima(c, alpha, dx, dz)[0]


def circle_minimum(p, theta: float) -> float:
    """min over |k| = k_c of the lower band (meV): c k_c^2 - sqrt((|alpha| k_c + |Dx|)^2 + Dz^2)."""
    dx, dz = p.delta * math.sin(theta), p.delta * math.cos(theta)
    return p.c * p.kc * p.kc - math.hypot(abs(p.alpha) * p.kc + abs(dx), dz)


def cutoff_needed(p, eps: float, theta: float) -> float:
    """Smallest k_c (nm^-1) whose circle lies above eps in both bands (bisection)."""
    dx, dz = p.delta * math.sin(theta), p.delta * math.cos(theta)

    def emin(k):
        return p.c * k * k - math.hypot(abs(p.alpha) * k + abs(dx), dz)

    lo, hi = 0.0, max(p.kc, 1e-3)
    while emin(hi) <= eps or hi < abs(p.alpha) / p.c:
        hi *= 2.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if emin(mid) > eps and mid >= abs(p.alpha) / p.c:
            hi = mid
        else:
            lo = mid
    return hi


#: with one Fermi-sea chord on the k_y axis, the centre moves to Re z of the complex root pair
#: z when |Im z| < this times the distance from Re z to the chord's nearer end
NEAR_POCKET = 1.0


def fermi_centre(c, alpha, dx, dz, eps, model=None, theta=0.0, near_pocket=True):
    """k_y of the polar centre (nm^-1): the midpoint of the innermost Fermi-sea chord on the
    k_y axis (the spectrum is even in k_x), inside every sea and inside the upper-band sea,
    which is convex, whenever that band is occupied.

    With one chord (two real roots) and ``near_pocket``, the complex pair z of the other two
    roots marks a band extremum just out of reach (the bottom of the upper band below it, or
    the top of the Mexican hat just under eps): 1/(eps - E(k)) is nearly singular at k_y ~ Re z,
    and rays from the chord's midpoint see it as a peak of angular width ~ |Im z| (seen: 30-90 ms
    per solve, 9-12 trapezoid levels, within 1e-2..1e-5 meV below the upper band bottom). If
    Re z lies inside the chord and |Im z| < :data:`NEAR_POCKET` times its distance to the
    nearer end, the rays start at Re z instead: the near-singularity is then radial, which the
    exact radial integrals resolve (0.3-1 ms; equal results within the error estimates)."""
    # the roots of c^2 k^4 - (2 eps c + alpha^2) k^2 + 2 alpha dx k + eps^2 - dx^2 - dz^2: the
    # eigenvalues of its companion matrix (what np.roots computes, without its overhead: this
    # runs once per solve)
    a4 = c * c
    comp = np.zeros((4, 4))
    comp[0] = (0.0, (2 * eps * c + alpha * alpha) / a4, -2 * alpha * dx / a4,
               -(eps * eps - dx * dx - dz * dz) / a4)
    comp[1, 0] = comp[2, 1] = comp[3, 2] = 1.0
    roots = np.linalg.eigvals(comp)
    scale = np.abs(roots).max()
    real = np.abs(roots.imag) <= 1e-9 * scale
    r = np.sort(roots[real].real)
    if len(r) == 2:
        if near_pocket:
            z = roots[~real][0]
            if r[0] < z.real < r[1] and abs(z.imag) < NEAR_POCKET * min(z.real - r[0], r[1] - z.real):
                return float(z.real)
        return 0.5 * (r[0] + r[1])
    if len(r) == 4:
        return 0.5 * (r[1] + r[2])
    bottom = model.band_bottom(theta) if model is not None else float("nan")
    raise ValueError(
        f"`fermi_energy` = {eps * MEV_TO_EV!r} eV has no Fermi surface at theta={theta!r}: it must "
        f"lie above the bottom of the lower band, {bottom!r} eV")
