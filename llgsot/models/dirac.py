"""The magnetic Dirac surface of a topological insulator.

    H(k) = hbar v (k_x s_y - k_y s_x) + delta_xc m.s  [+ hbar^2 k^2/(2 m*)]   (docs/models.md)

The valence band is filled down to the cutoff |k| = k_c, so the real part of the local
Green's function g0 grows like ln(k_c) (Re g0_0 ~ -(eps/(2 pi (hbar v)^2)) ln(hbar v k_c/|eps|)):
k_c is a physical parameter of the model (the energy hbar v k_c where the surface band merges
into the bulk), not a numerical one. It enters the T-matrix (not the Born rates).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from ..constants import EV_TO_MEV, EVM_TO_MEVNM, HBAR2_2ME_MEV_NM2, HBAR_EV_S, MEV_TO_EV
from ..constants import EVNM2_TO_MEVNM2, PER_M2_TO_PER_NM2
from .base import EDGE_RTOL, SHARED_UNITS
from .rashba import InternalParams, IsotropicTwoBand, band_critical_energies, band_minima
from .rashba import check_impurities, fermi_centre


@dataclass(frozen=True)
class DiracFM(IsotropicTwoBand):
    """A magnetic topological-insulator surface: a massive Dirac cone with point impurities.

    Parameters
    ----------
    velocity : float
        Dirac velocity v, in m/s (> 0; ~4-5e5 m/s for Bi2Se3).
    delta_xc : float
        Exchange splitting Delta_xc (half the gap at m along z), in eV (>= 0).
    impurity_density : float
        Areal impurity density n, in m^-2 (> 0).
    impurity_strength : float
        Impurity strength W~, in eV nm^2 (|W~| >= 1e-20).
    cutoff : float
        Momentum cutoff k_c, in nm^-1 (> 0): the valence band is filled to |k| = k_c.
    m_eff : float or None
        Effective mass of an optional particle-hole term hbar^2 k^2/(2 m*), in units of the
        electron mass (> 0); None (default): no such term (c = 0).
    """

    velocity: float
    delta_xc: float
    impurity_density: float
    impurity_strength: float
    cutoff: float
    m_eff: float | None = None

    KIND = "dirac"
    UNITS = {  # noqa: RUF012
        "velocity": "m/s",
        **SHARED_UNITS,
        "m_eff": "m_e",
    }
    FREE = ("impurity_strength", "impurity_density", "delta_xc", "velocity")
    SPIN_ORBIT = ("velocity",)
    closed_fermi_sea = False

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "velocity", v.positive("velocity", self.velocity, "m/s"))
        set_(self, "delta_xc", v.nonnegative("delta_xc", self.delta_xc, "eV"))
        check_impurities(self)
        if self.m_eff is not None:
            set_(self, "m_eff", v.positive("m_eff", self.m_eff, "m_e"))

    def internal(self) -> InternalParams:
        """The parameters in internal units (meV, nm, hbar = 1); alpha = hbar v."""
        return InternalParams(
            c=0.0 if self.m_eff is None else HBAR2_2ME_MEV_NM2 / self.m_eff,
            alpha=HBAR_EV_S * self.velocity * EVM_TO_MEVNM,
            delta=self.delta_xc * EV_TO_MEV,
            n=self.impurity_density * PER_M2_TO_PER_NM2,
            W=self.impurity_strength * EVNM2_TO_MEVNM2,
            kc=self.cutoff,
        )

    def energy_scale_meV(self) -> float:
        """max(Delta_xc, 1e-3 hbar v k_c, 1e-3 c k_c^2) (meV)."""
        p = self.internal()
        return max(p.delta, 1e-3 * abs(p.alpha) * p.kc, 1e-3 * p.c * p.kc * p.kc)

    def kinetic_meV(self, eps: float) -> float:
        return abs(eps) + self.internal().delta

    def _gap(self, theta):
        """(top of the valence band, bottom of the conduction band) inside the disc (meV)."""
        p = self.internal()
        dx, dz = self._xz(theta)
        if p.c == 0.0:
            return -abs(dz), abs(dz)
        ky = np.linspace(-p.kc, p.kc, 20001)
        lo = p.c * ky * ky - np.sqrt((p.alpha * ky - dx) ** 2 + dz * dz)
        return float(lo.max()), band_minima(p.c, p.alpha, dx, dz)[2]

    def _band_minima_meV(self, theta, phi=0.0):
        p = self.internal()
        dx, dz = self._xz(theta)
        psi = np.linspace(0.0, 2 * math.pi, 2048, endpoint=False)
        kx, ky = p.kc * np.cos(psi), p.kc * np.sin(psi)
        lo = p.c * p.kc**2 - np.sqrt((p.alpha * ky - dx) ** 2 + (p.alpha * kx) ** 2 + dz * dz)
        return float(lo.min()), self._gap(theta)[1]

    def band_edges(self, theta: float = 0.0, phi: float = 0.0) -> tuple:
        """(top of the valence band, bottom of the conduction band) in eV: the gap edges
        (+-delta_xc |cos theta| for m_eff=None). Between them there is no Fermi surface."""
        lo, up = self._gap(theta)
        return lo * MEV_TO_EV, up * MEV_TO_EV

    def critical_energies_meV(self, theta: float, phi: float = 0.0) -> np.ndarray:
        p = self.internal()
        dx, dz = self._xz(theta)
        if p.c == 0.0:
            return np.unique(np.array([-abs(dz), abs(dz)]))
        return band_critical_energies(p.c, p.alpha, dx, dz)

    def below_bands(self, eps: float, theta: float, phi: float = 0.0) -> bool:
        """True inside the gap (no Fermi surface: the Fermi-surface response is zero)."""
        lo, up = self._gap(theta)
        t = EDGE_RTOL * self.energy_scale_meV()
        return lo + t < eps < up - t

    def check_fermi_energy(self, eps: float, theta: float, phi: float = 0.0,
                           requested: bool = True) -> None:
        """Refuse eps (meV) inside the gap (``fermi_energy``: the Fermi-surface response is 0
        there; the half-quantized intrinsic Hall conductivity is a Fermi-sea term, not
        computed) or with a Fermi contour reaching |k| = k_c (``cutoff``)."""
        p = self.internal()
        th = float(theta)
        if requested and self.below_bands(eps, th):
            lo, up = self.band_edges(th)
            raise ValueError(
                f"`fermi_energy` = {eps * MEV_TO_EV:.6g} eV lies in the gap ({lo:.6g}, {up:.6g}) eV "
                f"of the Dirac surface at theta={th:.6g}: no Fermi surface (the Fermi-surface "
                "response is zero; the Fermi-sea (Streda II) term is not computed)")
        dx, dz = self._xz(th)
        psi = np.linspace(0.0, 2 * math.pi, 2048, endpoint=False)
        kx, ky = p.kc * np.cos(psi), p.kc * np.sin(psi)
        r = np.sqrt((p.alpha * ky - dx) ** 2 + (p.alpha * kx) ** 2 + dz * dz)
        e0 = p.c * p.kc**2
        s = EDGE_RTOL * self.energy_scale_meV()
        if not (float((e0 - r).max()) < eps - s and eps + s < float((e0 + r).min())):
            lo, up = float((e0 - r).max()) * MEV_TO_EV, float((e0 + r).min()) * MEV_TO_EV
            raise self._contour_at_cutoff(
                eps, th, f"the Fermi energy must lie between the bands on the cutoff circle, ({lo:.6g}, "
                         f"{up:.6g}) eV")

    def fermi_centre(self, eps: float, theta: float, phi: float = 0.0) -> tuple:
        """The cone's centre k0 = (0, Delta_x/(hbar v)) (c = 0: every contour is a circle
        about it); with a k^2 term the innermost-chord midpoint of the Rashba routine."""
        p = self.internal()
        dx, dz = self._xz(theta)
        cy0 = dx / p.alpha if p.c == 0.0 else fermi_centre(p.c, p.alpha, dx, dz, eps, self, theta,
                                                               near_pocket=False)
        return -cy0 * math.sin(phi), cy0 * math.cos(phi)
