"""The physical model: a 2D Rashba electron gas with proximity exchange and dilute impurities.

    H(k) = hbar^2 k^2/(2 m*) + alpha (k_x s_y - k_y s_x) + delta_xc m.s   (docs/physics.md sec. 1)

with scalar point impurities W(r) = W~ delta(r) of areal density n. Public parameters are SI
(energies in eV, as spintronics papers quote them); :meth:`RashbaFM.internal` gives the
solver's internal units (meV, nm, hbar = 1).
"""
from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np

from . import _validate as v
from .constants import HBAR2_2ME_MEV_NM2


#: smallest |impurity_strength| (eV nm^2) whose scattering rates are representable
MIN_IMPURITY_STRENGTH = 1e-20


@dataclass(frozen=True)
class InternalParams:
    """Model parameters in the solver's internal units (meV, nm, hbar = 1)."""

    c: float  #: band curvature hbar^2/(2 m*) (meV nm^2)
    alpha: float  #: Rashba coupling (meV nm)
    delta: float  #: exchange splitting delta_xc (meV)
    n: float  #: impurity density (nm^-2)
    W: float  #: impurity strength W~ (meV nm^2)
    kc: float  #: momentum cutoff (nm^-1)


@dataclass(frozen=True)
class RashbaFM:
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

    UNITS = {  # noqa: RUF012  (class constant, not a field: no annotation)
        "m_eff": "m_e",
        "alpha": "eV m",
        "delta_xc": "eV",
        "impurity_density": "m^-2",
        "impurity_strength": "eV nm^2",
        "cutoff": "nm^-1",
    }

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "m_eff", v.positive("m_eff", self.m_eff, "m_e"))
        set_(self, "alpha", v.finite_scalar("alpha", self.alpha, "eV m"))
        set_(self, "delta_xc", v.nonnegative("delta_xc", self.delta_xc, "eV"))
        set_(self, "impurity_density", v.positive("impurity_density", self.impurity_density, "m^-2"))
        set_(self, "impurity_strength", v.nonzero("impurity_strength", self.impurity_strength, "eV nm^2"))
        if abs(self.impurity_strength) < MIN_IMPURITY_STRENGTH:
            # the scattering rates ~ n W~^2 and the T-matrix ~ W~^4 products underflow below
            # this (1e-91 eV nm^2 divided by zero); 1e-20 is 1e-19 of the paper's scale
            raise ValueError(f"`impurity_strength` must satisfy |W| >= {MIN_IMPURITY_STRENGTH:g} "
                             f"(in eV nm^2), got {self.impurity_strength!r}")
        set_(self, "cutoff", v.positive("cutoff", self.cutoff, "nm^-1"))
        if self.alpha == 0 and self.delta_xc == 0:
            raise ValueError(
                "`alpha` and `delta_xc` are both 0: the spin-degenerate limit is not supported "
                "(use small nonzero values, e.g. alpha=1e-14 eV m)"
            )

    # -- derived quantities -------------------------------------------------------------
    def internal(self) -> InternalParams:
        """The parameters in internal units (meV, nm, hbar = 1)."""
        return InternalParams(
            c=HBAR2_2ME_MEV_NM2 / self.m_eff,
            alpha=self.alpha * 1e12,
            delta=self.delta_xc * 1e3,
            n=self.impurity_density * 1e-18,
            W=self.impurity_strength * 1e3,
            kc=self.cutoff,
        )

    def with_(self, **changes) -> "RashbaFM":
        """A copy with some parameters changed (validated again)."""
        d = self.as_dict()
        d.update(changes)
        return RashbaFM(**d)

    def as_dict(self) -> dict:
        """Parameters as a plain dict (SI/eV units as in :attr:`UNITS`)."""
        return {k: getattr(self, k) for k in self.UNITS}

    def band_bottom(self, theta: float = 0.0) -> float:
        """Bottom of the lower band E_-(k) for magnetization polar angle ``theta`` (eV)."""
        p = self.internal()
        return lower_band_minimum(p.c, p.alpha, p.delta * np.sin(theta), p.delta * np.cos(theta)) * 1e-3

    def band_edges(self, theta: float = 0.0) -> tuple:
        """Bottoms of the lower and the upper band at magnetization polar angle ``theta``,
        (E_-min, E_+min) in eV. A Fermi energy at either is a band edge: a Fermi contour
        is born there (docs/physics.md sec. 6)."""
        p = self.internal()
        lo, _, up, _ = band_minima(p.c, p.alpha, p.delta * np.sin(theta), p.delta * np.cos(theta))
        return lo * 1e-3, up * 1e-3

    def __str__(self) -> str:
        rows = [f"  {k:<18} = {getattr(self, k):.6g} {u}" for k, u in self.UNITS.items()]
        return "RashbaFM(\n" + "\n".join(rows) + "\n)"


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
