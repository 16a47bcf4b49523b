"""B_SOT(m) from a TorqueTable for a given device and current (physics.md secs. 3, 5).

    B_SOT(m) = Delta_xc K(m) E / (M_s d),   E = sigma(m)^-1 J t_NM e_J

This is the field the exporters reproduce; the dynamics layer evaluates the same formula
inside its numba kernels.
"""
from __future__ import annotations

import math

import numpy as np

from ... import _validate as v
from ..interpolate import TorqueTable


class SOTField:
    """The spin-orbit field of a table for one device and a constant current.

    Parameters
    ----------
    table : TorqueTable
    Ms : float
        Saturation magnetization of the free layer (A/m).
    thickness : float
        Free-layer thickness d (m).
    nm_thickness : float
        Normal-metal thickness t_NM (m); J t_NM is the sheet current density (A/m).
    current_density : float
        Charge current density J in the normal metal (A/m^2), any sign.
    direction : float
        In-plane angle of the current from x (rad).
    """

    def __init__(self, table: TorqueTable, Ms: float, thickness: float, nm_thickness: float,
                 current_density: float, direction: float = 0.0):
        if not isinstance(table, TorqueTable):
            table = TorqueTable(table)
        self.table = table
        self.Ms = v.positive("Ms", Ms, "A/m")
        self.thickness = v.positive("thickness", thickness, "m")
        self.nm_thickness = v.positive("nm_thickness", nm_thickness, "m")
        self.current_density = v.finite_scalar("current_density", current_density, "A/m^2")
        self.direction = v.finite_scalar("direction", direction, "rad")
        self.e_J = np.array([math.cos(self.direction), math.sin(self.direction)])

    @property
    def prefactor(self) -> float:
        """Delta_xc J t_NM/(M_s d) in T A m (multiplies A(m) e_J, A = K sigma^-1 in 1/(A m))."""
        dxc = self.table.kernel_arrays()["delta_xc"]
        return dxc * self.current_density * self.nm_thickness / (self.Ms * self.thickness)

    def response_per_current(self, m):
        """A(m) e_J = K(m) sigma(m)^-1 e_J (..., 3) in 1/(A m)."""
        K, S = self.table._both(m)
        E = np.linalg.solve(S, np.broadcast_to(self.e_J, S.shape[:-1])[..., None])[..., 0]
        return np.einsum("...ij,...j->...i", K, E)

    def B(self, m):
        """B_SOT(m) (..., 3) in tesla for unit vectors m (..., 3)."""
        return self.prefactor * self.response_per_current(m)

    def B_perp(self, m):
        """The part of B_SOT perpendicular to m (the only part that acts on m), tesla."""
        m = np.asarray(m, float)
        b = self.B(m)
        return b - np.sum(b * m, axis=-1, keepdims=True) * m
