"""Simulated spin-torque FMR (spin-diode rectification) of a macrospin, in linear response.

An rf current density J(t) = J0 cos(w t) = Re[J0 e^{iwt}] flows along jhat (angle
``current_direction`` from x) in the normal metal; the device current is
I(t) = I_rf cos(w t). The static field B (T) is in-plane at azimuth ``field_azimuth``.

1. m0: the equilibrium at J = 0 (:mod:`llgsot.measurements.equilibrium`).
2. The LLG right-hand side F(m, J) = -gamma/(1 + a^2) [m x B + a m x (m x B)] with
   B = B_ext + B_anis + B_demag + B_SOT(m, J) + B_Oe(J) (``torque.field``, the Oersted field
   -(mu0 J t_NM/2)(z x jhat) of a normal metal below the ferromagnet) is linearised in the
   tangent frame (e1, e2) at m0: L = dF/du by central differences of step 1e-6 rad (error
   ~1e-11 relative), v = F(m0, J0) - F(m0, 0) (exact: F is linear in J). The derivative of a
   table torque w.r.t. m enters L only multiplied by the dc current, which is zero here, so at
   linear order the rf torque is the table's torque at m0 (``dc_current`` adds a dc bias:
   then the equilibrium and L are taken at J_dc, and dB_SOT/dm enters L).
3. The complex amplitude u = (i w - L)^-1 v, dm(t) = Re[(u1 e1 + u2 e2) e^{iwt}].
4. AMR R(m) = R_0 + R_amr (m.jhat)^2, dR = 2 R_amr (m0.jhat)(dm.jhat); the rectified voltage
   V_mix = <I(t) R(t)> = (I_rf / 2) Re[dR_hat] (V).
"""
from __future__ import annotations

import datetime
import math

import numpy as np
import xarray as xr

from .. import __version__
from .. import _validate as v
from ..constants import MU0
from ..dynamics.magnet import landau_lifshitz
from .checks import check_drive
from .equilibrium import FieldModel, equilibrium, tangent_basis

#: central-difference step (rad) of the linearisation
LIN_STEP = 1e-6


def _rhs(model, m, gamma, a):
    return landau_lifshitz(m, model(m), gamma, a)


def linear_response(magnet, torque, J0, B_ext, m0, t_nm, cd, J_dc=0.0):
    """(L (..., 2, 2) in rad/s, v (..., 2) in rad/s, e1, e2) of the LLG linearised about m0 at
    the dc current density J_dc (A/m^2)."""
    g, a = magnet.gamma, magnet.damping
    e1, e2 = tangent_basis(m0)
    rest = FieldModel(magnet, torque, B_ext, J_dc, t_nm, cd)
    cols = []
    for e in (e1, e2):
        fp = _rhs(rest, m0 + LIN_STEP * e, g, a)  # |m| - 1 = O(h^2): the kernel does not care
        fm = _rhs(rest, m0 - LIN_STEP * e, g, a)
        d = (fp - fm) / (2 * LIN_STEP)
        cols.append(np.stack([np.sum(d * e1, -1), np.sum(d * e2, -1)], -1))
    L = np.stack(cols, -1)
    drive = FieldModel(magnet, torque, B_ext, J_dc + J0, t_nm, cd)
    dv = _rhs(drive, m0, g, a) - _rhs(rest, m0, g, a)
    return L, np.stack([np.sum(dv * e1, -1), np.sum(dv * e2, -1)], -1), e1, e2


def st_fmr(magnet, torque, current, frequency, fields, field_azimuth=math.pi / 4, nm_thickness=None,
           R_amr=1.0, current_direction=0.0, rf_current=1e-3, m0=None, dc_current=0.0) -> xr.Dataset:
    """Rectified ST-FMR mixing voltage of a macrospin (linear response to the rf current).

    Parameters
    ----------
    magnet : Macrospin
    torque : ConstantSOT or TableSOT
    current : float
        Amplitude J0 (A/m^2) of the rf current density in the normal metal.
    frequency : float or 1-D array
        Drive frequency (Hz); an array adds a ``frequency`` dimension.
    fields : 1-D array
        In-plane field strengths (T), signed, at azimuth ``field_azimuth`` (rad from x).
    field_azimuth : float
        Azimuth of the in-plane field (rad from x; default pi/4, where both the AMR signal
        and the torques are large).
    nm_thickness : float or None
        t_NM (m) of the Oersted field -(mu0 J t_NM/2)(z x jhat); None: the TableSOT's, or
        none for a ConstantSOT; 0 switches it off.
    R_amr : float
        AMR amplitude (ohm): R = R_0 + R_amr cos^2(angle between m and the current).
    current_direction : float
        Current direction (rad from x); must agree with a TableSOT's.
    rf_current : float
        Device current amplitude I_rf (A); it only scales the voltage (V_mix ~ I_rf J0).
    m0 : 3 numbers or None
        Initial guess of the equilibrium, any nonzero vector (normalised; default: along the
        field).
    dc_current : float
        A dc current density J_dc (A/m^2) added to the rf one (dc-biased ST-FMR): the
        equilibrium includes its SOT and Oersted fields, and the linearisation the derivative
        of the SOT field w.r.t. m times J_dc (central differences of the right-hand side, i.e.
        of ``torque.field``): through the damping-like torque it changes the effective
        damping, by 2 B_DL sin(phi) / (2 B0 + B_M) for an in-plane film. Only the
        rf mixing voltage is returned (I_dc times the static resistance and I_dc times the
        rectified change of R, second order in the rf drive, are not).

    Returns
    -------
    xarray.Dataset over ([frequency,] field): ``V_mix`` (V), ``m`` (equilibrium, over
    field), ``dm_abs`` (|dm| amplitude, 1), ``converged``; conventions in attrs.
    """
    J0, fields, az, _, cd, t_nm = check_drive(magnet, torque, current, fields, field_azimuth,
                                         math.pi / 2, current_direction, nm_thickness)
    if np.ndim(az):
        raise ValueError("`field_azimuth` must be a number (rad) for st_fmr")
    az = float(az)
    freq = v.nonempty_array("frequency", frequency, "Hz", ndim=None)
    if freq.ndim > 1 or np.any(freq <= 0):
        raise ValueError(f"`frequency` must be > 0 (Hz), a number or a 1-D array, got {frequency!r}")
    R_amr = v.finite_scalar("R_amr", R_amr, "ohm")
    I_rf = v.positive("rf_current", rf_current, "A")
    hat = np.array([math.cos(az), math.sin(az), 0.0])
    B_ext = fields[:, None] * hat
    guess = (np.where((fields >= 0)[:, None], hat, -hat) if m0 is None
             else np.asarray(v.direction("m0", m0)))
    J_dc = v.finite_scalar("dc_current", dc_current, "A/m^2")
    m_eq, res, mB = equilibrium(FieldModel(magnet, torque if J_dc else None, B_ext, J_dc, t_nm, cd), guess)
    L, vv, e1, e2 = linear_response(magnet, torque, J0, B_ext, m_eq, t_nm, cd, J_dc)
    w = 2 * np.pi * np.atleast_1d(freq)
    Mtx = 1j * w[:, None, None, None] * np.eye(2) - L[None]
    u = np.linalg.solve(Mtx, np.broadcast_to(vv, Mtx.shape[:-1]).astype(complex)[..., None])[..., 0]
    dm = u[..., :1] * e1 + u[..., 1:] * e2  # (Fq, F, 3) complex
    jhat = np.array([math.cos(cd), math.sin(cd), 0.0])
    dR = 2 * R_amr * (m_eq @ jhat) * (dm @ jhat)
    V = 0.5 * I_rf * dR.real
    stable = np.all(np.linalg.eigvals(L).real < 0, -1)
    conv = (res <= 1e-9) & (mB > 0) & stable
    fdim = ("frequency", "field")
    ds = xr.Dataset(
        {"V_mix": (fdim, V, {"units": "V", "long_name": "rectified mixing voltage <I(t) R(t)>"}),
         "dm_abs": (fdim, np.linalg.norm(np.abs(dm), axis=-1), {"units": "1",
                                                               "long_name": "precession amplitude |dm|"}),
         "m": (("field", "component"), m_eq, {"units": "1", "long_name": "equilibrium m"}),
         "converged": (("field",), conv.astype(np.int8), {"units": "1"})},
        coords={"frequency": ("frequency", np.atleast_1d(freq), {"units": "Hz"}),
                "field": ("field", fields, {"units": "T"}), "component": ["x", "y", "z"]})
    if np.ndim(freq) == 0:
        ds = ds.squeeze("frequency")
    ds.attrs.update(magnet.as_attrs())
    ds.attrs.update(torque.as_attrs())
    ds.attrs.update({
        "measurement": "st_fmr", "current_amplitude": J0, "current_amplitude_units": "A/m^2",
        "field_azimuth": az, "current_direction": cd, "nm_thickness": t_nm, "R_amr": R_amr,
        "rf_current": I_rf, "dc_current": J_dc, "oersted_field": 0.5 * MU0 * J0 * t_nm,
        "convention_current": "J(t) = J0 cos(w t) along current_direction; I(t) = I_rf cos(w t)",
        "convention_amr": "R = R_0 + R_amr (m.jhat)^2; V_mix = <I(t) R(t)>",
        "convention_oersted": "B_Oe = -(mu0 J t_NM / 2) (z x jhat): normal metal below the ferromagnet",
        "method": "linear response of the LLG about the equilibrium (2x2 complex susceptibility)",
        "llgsot_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    })
    return ds
