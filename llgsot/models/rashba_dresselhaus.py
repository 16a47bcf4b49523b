"""The Rashba + Dresselhaus ferromagnet (zinc-blende interfaces, (Ga,Mn)As).

    H(k) = hbar^2 k^2/(2 m*) + alpha (k_x s_y - k_y s_x) + beta (k_x s_x - k_y s_y)
           + delta_xc m.s                                             (docs/physics.md sec. 7)

The spin-orbit field is L k with L = [[beta, -alpha], [alpha, -beta]]; for alpha, beta != 0
the Fermi contours are anisotropic (point group C_2v) and K, sigma depend on the azimuth of
m beyond the rotation rule: the solver works at the requested azimuth. The band routines
are the generic numerical ones of :class:`~llgsot.models.base.TwoBandModel`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from .. import _validate as v
from ..constants import EV_TO_MEV, EVM_TO_MEVNM, EVNM2_TO_MEVNM2, HBAR2_2ME_MEV_NM2
from ..constants import PER_M2_TO_PER_NM2
from .base import SHARED_UNITS, SolverParams, TwoBandModel
from .rashba import check_impurities


@dataclass(frozen=True)
class RashbaDresselhausFM(TwoBandModel):
    """A 2D ferromagnet with Rashba and Dresselhaus spin-orbit coupling and point impurities.

    Parameters
    ----------
    m_eff : float
        Effective mass m*, in units of the electron mass (> 0).
    alpha : float
        Rashba coupling, in eV m.
    beta : float
        Dresselhaus coupling (term beta (k_x s_x - k_y s_y)), in eV m.
    delta_xc : float
        Exchange splitting, in eV (>= 0).
    impurity_density : float
        Areal impurity density, in m^-2 (> 0).
    impurity_strength : float
        Impurity strength W~, in eV nm^2.
    cutoff : float
        Momentum cutoff k_c, in nm^-1 (> 0).
    """

    m_eff: float
    alpha: float
    beta: float
    delta_xc: float
    impurity_density: float
    impurity_strength: float
    cutoff: float

    KIND = "rashba_dresselhaus"
    UNITS = {  # noqa: RUF012
        "m_eff": "m_e",
        "alpha": "eV m",
        "beta": "eV m",
        **SHARED_UNITS,
    }
    FREE = ("impurity_strength", "impurity_density", "delta_xc", "alpha", "beta", "m_eff")
    SPIN_ORBIT = ("alpha", "beta")

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "m_eff", v.positive("m_eff", self.m_eff, "m_e"))
        set_(self, "alpha", v.finite_scalar("alpha", self.alpha, "eV m"))
        set_(self, "beta", v.finite_scalar("beta", self.beta, "eV m"))
        set_(self, "delta_xc", v.nonnegative("delta_xc", self.delta_xc, "eV"))
        check_impurities(self)
        if self.alpha == 0 and self.beta == 0 and self.delta_xc == 0:
            raise ValueError("`alpha`, `beta` and `delta_xc` are all 0: the spin-degenerate limit "
                             "is not supported (use small nonzero values)")

    @property
    def point_group(self) -> str:
        return "C_inf_v" if self.beta == 0 else "C_2v"

    @functools.lru_cache(maxsize=64)  # noqa: B019  (frozen, hashable; called per band evaluation)
    def solver_params(self) -> SolverParams:
        a = self.alpha * EVM_TO_MEVNM
        b = self.beta * EVM_TO_MEVNM
        return SolverParams(c=HBAR2_2ME_MEV_NM2 / self.m_eff, L=(b, -a, a, -b),
                            delta=self.delta_xc * EV_TO_MEV,
                            n=self.impurity_density * PER_M2_TO_PER_NM2,
                            W=self.impurity_strength * EVNM2_TO_MEVNM2, kc=self.cutoff)
