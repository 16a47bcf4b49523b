"""The device every exporter describes: one free layer on one normal-metal strip, one current.

B_SOT(m) = Delta_xc K(m) sigma(m)^-1 (J t_NM e) / (Ms d) (:mod:`llgsot.spinorbit`); this
module only binds the device numbers to it, so that every export format states the same
device and is checked against the same reference field (:meth:`Device.field`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .. import spinorbit


@dataclass(frozen=True)
class Device:
    """Free layer, normal metal and current of an export.

    Parameters
    ----------
    Ms : float
        Saturation magnetization of the free layer (A/m), > 0.
    thickness : float
        Free-layer thickness d (m), > 0.
    nm_thickness : float
        Normal-metal thickness t_NM (m), > 0; J t_NM is the sheet current density (A/m).
    current_density : float
        Charge current density J in the normal metal (A/m^2), any sign (the amplitude that a
        time-dependent export multiplies by its waveform).
    direction : float
        In-plane angle of the current from x (rad).
    """

    Ms: float
    thickness: float
    nm_thickness: float
    current_density: float
    direction: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "Ms", v.positive("Ms", self.Ms, "A/m"))
        object.__setattr__(self, "thickness", v.positive("thickness", self.thickness, "m"))
        object.__setattr__(self, "nm_thickness", v.positive("nm_thickness", self.nm_thickness, "m"))
        object.__setattr__(self, "current_density",
                           v.finite_scalar("current_density", self.current_density, "A/m^2"))
        object.__setattr__(self, "direction", v.finite_scalar("direction", self.direction, "rad"))

    @property
    def e(self) -> np.ndarray:
        """In-plane unit vector of the current (3,)."""
        return spinorbit.in_plane_direction(self.direction)

    def prefactor(self, table) -> float:
        """P J = Delta_xc J t_NM / (Ms d) in T A m (multiplies A e, A = K sigma^-1 in 1/(A m))."""
        return float(spinorbit.sot_prefactor(table.delta_xc, self.nm_thickness, self.Ms,
                                             self.thickness)) * self.current_density

    def field(self, table, m) -> np.ndarray:
        """The reference B_SOT(m) (..., 3) in tesla of ``table`` (a TorqueTable) for unit m."""
        K, S = table.K_and_sigma(m)
        return spinorbit.table_field(K, S, self.current_density, self.e,
                                     spinorbit.sot_prefactor(table.delta_xc, self.nm_thickness,
                                                             self.Ms, self.thickness))

    def as_attrs(self) -> dict:
        return {"device_Ms": self.Ms, "device_thickness": self.thickness,
                "device_nm_thickness": self.nm_thickness,
                "device_current_density": self.current_density,
                "device_direction": self.direction}
