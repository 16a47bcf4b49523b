"""The free layer as a macrospin: a validated, immutable parameter set (SI units)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from ..constants import GAMMA_E, K_B, MU0


def unit_vector(name: str, value, dim: int = 3) -> tuple:
    """``value`` as a unit tuple of length ``dim``; a nonzero vector is normalised.

    The package-wide convention for direction vectors (see :mod:`llgsot._validate`)."""
    return v.direction(name, value, dim)


@dataclass(frozen=True)
class Macrospin:
    """A uniformly magnetized free layer (macrospin).

    Energy density (J/m^3) of the unit magnetization m:

        e(m) = -Ku (m.u)^2 + (mu0 Ms^2 / 2) sum_i N_i m_i^2 - Ms m.B_ext

    so the effective field is B = (2 Ku/Ms)(m.u) u - mu0 Ms N m + B_ext (tesla).

    Parameters
    ----------
    Ms : float
        Saturation magnetization (A/m), > 0.
    thickness : float
        Free-layer thickness d (m), > 0.
    area : float
        Lateral area (m^2), > 0; the volume is V = thickness * area.
    damping : float
        Gilbert damping (dimensionless), >= 0.
    Ku : float
        Uniaxial anisotropy energy density (J/m^3); > 0 easy axis, < 0 hard axis.
    easy_axis : 3 numbers
        Anisotropy axis u (normalised here); (0, 0, 1) perpendicular, e.g. (1, 0, 0) in-plane.
    demag : 3 numbers
        Demagnetizing factors (N_x, N_y, N_z), each in [0, 1], summing to 1 (or all 0 to
        switch shape anisotropy off, e.g. when Ku is already an effective anisotropy).
        Default (0, 0, 1): an extended thin film.
    gamma : float
        Gyromagnetic ratio (rad s^-1 T^-1), > 0; default the CODATA electron value.
    """

    Ms: float
    thickness: float
    area: float
    damping: float
    Ku: float = 0.0
    easy_axis: tuple = (0.0, 0.0, 1.0)
    demag: tuple = (0.0, 0.0, 1.0)
    gamma: float = GAMMA_E

    UNITS = {  # noqa: RUF012
        "Ms": "A/m", "thickness": "m", "area": "m^2", "damping": "1", "Ku": "J/m^3",
        "easy_axis": "1", "demag": "1", "gamma": "rad s^-1 T^-1",
    }

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "Ms", v.positive("Ms", self.Ms, "A/m"))
        set_(self, "thickness", v.positive("thickness", self.thickness, "m"))
        set_(self, "area", v.positive("area", self.area, "m^2"))
        set_(self, "damping", v.nonnegative("damping", self.damping))
        set_(self, "Ku", v.finite_scalar("Ku", self.Ku, "J/m^3"))
        set_(self, "easy_axis", unit_vector("easy_axis", self.easy_axis))
        set_(self, "gamma", v.positive("gamma", self.gamma, "rad s^-1 T^-1"))
        n = np.asarray(v.vector3("demag", self.demag))
        if np.any(n < 0) or np.any(n > 1):
            raise ValueError(f"`demag` factors must lie in [0, 1], got {self.demag!r}")
        s = float(n.sum())
        if not (abs(s - 1.0) <= 1e-6 or s == 0.0):
            raise ValueError(f"`demag` factors must sum to 1 (or all be 0), got sum {s:g}")
        set_(self, "demag", tuple(float(x) for x in n))

    @property
    def volume(self) -> float:
        """V = thickness * area (m^3)."""
        return self.thickness * self.area

    def thermal_diffusion(self, temperature: float) -> float:
        """D = 2 damping k_B T gamma / (Ms V) (rad^2/s) of Brown's thermal field: a step dt
        kicks m by sqrt(D dt) rad (rms), the field's rms per component is
        sqrt(D / dt) / gamma = sqrt(2 damping k_B T / (gamma Ms V dt)) (T)."""
        return 2.0 * self.damping * K_B * temperature * self.gamma / (self.Ms * self.volume)

    @property
    def anisotropy_field(self) -> float:
        """B_K = 2 Ku / Ms (T)."""
        return 2.0 * self.Ku / self.Ms

    @property
    def demag_field(self) -> float:
        """mu0 Ms (T): the demagnetizing field scale."""
        return MU0 * self.Ms

    def effective_anisotropy_field(self, toward=(1.0, 0.0, 0.0)) -> float:
        """B_K,eff (T) for small tilts of m from the easy axis u toward the direction ``toward``.

        B_K,eff = 2 Ku/Ms - mu0 Ms (N_u - N_w), with N_u = u.N.u and N_w = w.N.w, w the unit
        part of ``toward`` perpendicular to u. For a perpendicular thin film this is the usual
        2 Ku/Ms - mu0 Ms.
        """
        u = np.asarray(self.easy_axis)
        w = np.asarray(v.direction("toward", toward))
        w = w - (w @ u) * u
        if np.linalg.norm(w) == 0:
            raise ValueError("`toward` must not be parallel to the easy axis")
        w = w / np.linalg.norm(w)
        N = np.asarray(self.demag)
        return self.anisotropy_field - MU0 * self.Ms * float((N * u * u).sum() - (N * w * w).sum())

    def energy_density(self, m, field=(0.0, 0.0, 0.0)) -> np.ndarray:
        """e(m) in J/m^3 for unit m (..., 3) in the static external field ``field`` (T)."""
        m = v.finite_array("m", m)
        if m.shape[-1:] != (3,):
            raise ValueError(f"`m` must have shape (..., 3), got {m.shape}")
        u = np.asarray(self.easy_axis)
        N = np.asarray(self.demag)
        B = np.asarray(v.vector3("field", field, "T"))
        return (-self.Ku * (m @ u) ** 2 + 0.5 * MU0 * self.Ms**2 * (m * m * N).sum(-1)
                - self.Ms * (m @ B))

    def as_attrs(self) -> dict:
        """Parameters as netCDF-friendly attributes (name -> number or list)."""
        out = {}
        for k in ("Ms", "thickness", "area", "damping", "Ku", "gamma"):
            out[f"magnet_{k}"] = getattr(self, k)
        out["magnet_easy_axis"] = list(self.easy_axis)
        out["magnet_demag"] = list(self.demag)
        out["magnet_volume"] = self.volume
        return out

    def __repr__(self) -> str:
        return (f"Macrospin(Ms={self.Ms:g}, thickness={self.thickness:g}, area={self.area:g}, "
                f"damping={self.damping:g}, Ku={self.Ku:g}, easy_axis={self.easy_axis}, "
                f"demag={self.demag}, gamma={self.gamma:.10g})")


def landau_lifshitz(m, B, gamma: float, damping: float) -> np.ndarray:
    """dm/dt = -gamma/(1 + a^2) [m x B + a m x (m x B)] (rad/s per unit |m|), a = ``damping``:
    the LLG right-hand side in Landau-Lifshitz form (docs/physics.md sec. 5), numpy reference
    of the compiled :func:`llgsot.dynamics.kernels.llg` (tested against it).

    m (..., 3) unit vectors, B (..., 3) the total field in tesla, gamma in rad/(s T).
    """
    m = np.asarray(m, float)
    t = np.cross(m, np.asarray(B, float))
    return -gamma / (1.0 + damping * damping) * (t + damping * np.cross(m, t))


def precession_rate(field_tesla: float, gamma: float) -> float:
    """Angular frequency gamma B (rad/s) of precession in a field of magnitude B (T)."""
    return gamma * abs(field_tesla) if math.isfinite(field_tesla) else math.inf
