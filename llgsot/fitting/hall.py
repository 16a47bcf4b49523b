"""Fits from harmonic-Hall data: damping-like and field-like SOT fields against the angle.

Convention (state it with the data): current density J along x in the normal metal, the
magnetization m = (sin th, 0, cos th) in the xz-plane (the plane of the current and the
normal); with an azimuth ``phi`` the same in the frame rotated by phi about z: the current
along jhat = (cos phi, sin phi, 0), m = (sin th cos phi, sin th sin phi, cos th), p = z x jhat
(current directions relative to the crystal axes, for models without C_inf_v symmetry). The
spin-orbit field of the model is (docs/physics.md sec. 3, :mod:`llgsot.spinorbit`)

    B_SOT(m) = Delta_xc K(m) sigma(m)^-1 (J t_NM jhat) / (Ms d)          (tesla)

and its two torque-exerting components are

    B_DL(th) = B_SOT . (m x p)   (in the plane of jhat and z, perpendicular to m: the
                                  damping-like field, b_DL of the constant model
                                  B = b_DL m x p + b_FL p)
    B_FL(th) = B_SOT . p          (the field-like field)

so for the constant spin-Hall model B_DL = b_DL and B_FL = b_FL at every angle.
"""
from __future__ import annotations

import numpy as np

from .. import _validate as v
from .. import spinorbit
from .fit import FitWarning, default_starts, run_fit, structural_warnings  # noqa: F401 (FitWarning re-exported)
from .result import FitResult
from .torques import TorqueModel

FIELDS = ("B_DL", "B_FL")


class HallModel(TorqueModel):
    """The forward model of :func:`fit_hall_fields`: B_DL and B_FL (tesla) at the angles."""

    QUANTITIES = FIELDS
    UNIT = "T"
    quantity = "field"
    PER_ANGLE = False  # the current density may differ between rows

    def __init__(self, *args, current_density, Ms, thickness, nm_thickness, **kw):
        super().__init__(*args, **kw)
        n = len(self.theta)
        self.J = v.per_item("current_density", current_density, n, "angle", "A/m^2")
        if np.any(self.J == 0):
            raise ValueError("`current_density` must be nonzero (A/m^2)")
        self.Ms = v.positive("Ms", Ms, "A/m")
        self.thickness = v.positive("thickness", thickness, "m")
        self.nm_thickness = v.positive("nm_thickness", nm_thickness, "m")
        m = spinorbit.magnetization(self.theta, self.phi)
        z = np.zeros_like(self.phi)
        self.e = np.stack([np.cos(self.phi), np.sin(self.phi), z], -1)  # jhat per row
        p = np.stack([-np.sin(self.phi), np.cos(self.phi), z], -1)  # z x jhat
        self.u = {"B_DL": np.cross(m, p), "B_FL": p}

    def observe(self, r):
        delta_xc = r.model.delta_xc
        P = spinorbit.sot_prefactor(delta_xc, self.nm_thickness, self.Ms, self.thickness)
        B = np.empty(r.K.shape[:-2] + (3,))
        for ph in np.unique(self.phi):  # table_field takes one current direction
            sel = self.phi == ph
            B[sel] = spinorbit.table_field(r.K[sel], r.sigma[sel], self.J[sel], self.e[sel][0], P)
        # first-order error bound: |P J| (|dK| |E| + |K| |S^-1| |dS| |E|), E = sigma^-1 e
        Sinv = np.linalg.inv(r.sigma)
        E = np.einsum("nij,nj->ni", Sinv, self.e[:, :2])
        dE = np.einsum("nij,njk,nk->ni", np.abs(Sinv), r.sigma_err, np.abs(E))
        dB = np.abs(P * self.J)[:, None] * (np.einsum("nij,nj->ni", r.K_err, np.abs(E))
                                          + np.einsum("nij,nj->ni", np.abs(r.K), dE))
        val = {k: np.einsum("ni,ni->n", B, self.u[k]) for k in self.keys}
        err = {k: np.einsum("ni,ni->n", dB, np.abs(self.u[k])) for k in self.keys}
        return val, err

    def fixed_summary(self):
        return {**self.model.as_dict(), "fermi_energy": self.fermi_energy, "Ms": self.Ms,
                "thickness": self.thickness, "nm_thickness": self.nm_thickness,
                "current_density": self.J.tolist()}


def fit_hall_fields(theta, data, sigma, current_density, Ms, thickness, nm_thickness, model,
                    fermi_energy, free, bounds=None, regime="finite", approximation="tmatrix",
                    temperature=0.0, rtol=None, n_starts=None, profile=True, phi=0.0) -> FitResult:
    """Fit microscopic parameters to harmonic-Hall SOT fields against the angle.

    Parameters
    ----------
    theta : array_like
        Magnetization polar angles (rad, in [0, pi]), m in the plane of the current and z.
    data, sigma : dict
        ``"B_DL"`` and/or ``"B_FL"`` -> arrays (one per angle) of the measured damping-like and
        field-like fields and their standard uncertainties (tesla), convention of the module
        docstring (current along ``phi``).
    current_density : float or array_like
        Charge current density J in the normal metal at each measurement (A/m^2).
    Ms : float
        Saturation magnetization of the free layer (A/m).
    thickness : float
        Free-layer thickness d (m).
    nm_thickness : float
        Normal-metal thickness t_NM (m).
    model, fermi_energy, free, bounds, regime, approximation, temperature, rtol, n_starts, profile
        As for :func:`llgsot.fit_torques`.
    phi : float or array_like
        Azimuth (rad) of the current and of m, one number or one per angle (default 0: the
        current along x); see the module docstring.

    Returns
    -------
    FitResult
        ``quantity`` = "field"; ``best_fit`` holds B_DL/B_FL in tesla.
    """
    from ..solver.response import APPROXIMATIONS, REGIMES

    v.choice("regime", regime, REGIMES)
    v.choice("approximation", approximation, APPROXIMATIONS)
    tm = HallModel(theta, data, sigma, model, fermi_energy, free, bounds, regime, approximation,
                   temperature, rtol,
                   current_density=current_density, Ms=Ms, thickness=thickness,
                   nm_thickness=nm_thickness, phi=phi)
    return run_fit(tm, default_starts(n_starts, tm.temperature), profile,
                   a_priori=_hall_structural(tm))


def _hall_structural(tm):
    """The fields, unlike the efficiencies, scale as K sigma^-1 Delta_xc: in the dilute regime
    they are independent of n as well (K and sigma both ~ 1/n)."""
    return structural_warnings(tm)
