"""Simulated harmonic Hall measurement of a macrospin driven by a spin-orbit torque.

Conventions (stated once, used by :mod:`llgsot.measurements.hall_analysis`):

* current I(t) = I0 sin(w t), current density J(t) = J0 sin(w t) along the in-plane unit
  vector jhat at angle ``current_direction`` from x;
* Hall resistance, in the current frame (x' = jhat, y' = z x jhat) with m = (sin th cos ph',
  sin th sin ph', cos th):

      R_H(m) = R_ahe m_z + R_phe sin^2(th) sin(2 ph') = R_ahe m_z + 2 R_phe m_x' m_y'

  (the form of Hayashi et al. PRB 89, 144425 and Avci et al. PRB 90, 224427, so that the
  planar-Hall ratio is xi = R_phe / R_ahe as in those papers);
* harmonics (Hayashi's convention): V_H(t)/I0 = R_H(m(t)) sin(w t) = R_0 + R_1w sin(w t)
  + R_2w cos(2 w t) + ..., i.e.

      R_1w = (2/T) int V_H/I0 sin(w t) dt,    R_2w = (2/T) int V_H/I0 cos(2 w t) dt.

  In the small-signal limit R_1w = R_H(J=0) and R_2w = -(J0/2) dR_H/dJ, so that the
  longitudinal current-induced field is dB_x = -2 (dR_2w/dB_x) / (d^2 R_1w/dB_x^2)
  (Hayashi's Eq. with the minus sign).
* Oersted field of a normal metal BELOW the ferromagnet: -(mu0 J t_NM / 2)(z x jhat)
  (:func:`llgsot.measurements.equilibrium.oersted_field`).
* temperature T > 0 (``method="dynamic"`` only): ensemble means of the harmonics of the
  stochastic LLG with their standard errors (:mod:`llgsot.measurements.hall_dynamic`).
"""
from __future__ import annotations

import datetime
import math

import numpy as np
import xarray as xr

from .. import __version__
from .. import _validate as v
from .checks import check_drive
from .equilibrium import FieldModel, equilibrium
from .hall_signal import hall_resistance, harmonics  # noqa: F401 (public here too)

METHODS = ("quasistatic", "dynamic")
#: number of current phases per period of the quasistatic method (a power of two)
N_PHASES = 64
#: equilibria with a relative torque residual above this are flagged (``converged`` = 0)
RESIDUAL_FLAG = 1e-9
#: largest root seed (it is stored as a 64-bit signed integer attribute)
SEED_MAX = 2**63 - 1


def _field_vectors(fields, azimuth, polar):
    d = np.stack([np.sin(polar) * np.cos(azimuth), np.sin(polar) * np.sin(azimuth),
                  np.cos(polar) * np.ones_like(azimuth)], -1)  # (A, 3)
    return fields[None, :, None] * d[:, None, :]  # (A, F, 3)


def _check_temperature(temperature, method):
    temperature = v.nonnegative("temperature", temperature, "K")
    if temperature > 0 and method != "dynamic":
        raise ValueError(f"`temperature` = {temperature!r} K > 0 needs `method` = 'dynamic' "
                         f"(the stochastic LLG), got method={method!r}: with a damping-like torque "
                         f"the thermal state of the macrospin is not a Boltzmann distribution, so "
                         f"there is no quasistatic route; allowed with {method!r}: temperature = 0")
    return temperature


def harmonic_hall(magnet, torque, current, fields, field_azimuth=0.0, field_polar=math.pi / 2,
                  R_ahe=1.0, R_phe=0.0, current_direction=0.0, nm_thickness=None,
                  temperature=0.0, method="quasistatic", m0=None, n_phases=N_PHASES,
                  frequency=1e7, periods=3, steps_per_period=None, members=64,
                  seed=None) -> xr.Dataset:
    """Simulated first and second harmonic Hall resistances of a macrospin.

    Parameters
    ----------
    magnet : Macrospin
    torque : ConstantSOT or TableSOT
        A TableSOT may hold a 1D table or a sphere table (``llgsot.open_table``): for a model
        without C_inf_v symmetry (e.g. Rashba + Dresselhaus) the signals depend on the
        current direction relative to the crystal axes (the TableSOT's
        ``current_direction``) and on the field azimuth separately (docs/measurements.md).
    current : float
        Amplitude J0 (A/m^2) of the sinusoidal current density J(t) = J0 sin(w t).
    fields : 1-D array
        External field strengths B (T), signed, along the direction set by ``field_azimuth``
        and ``field_polar``.
    field_azimuth : float or 1-D array
        Azimuth of the field (rad, lab frame, from x); an array adds a ``field_azimuth``
        dimension (e.g. [0, pi/2] for Hayashi's two sweeps, or a full turn for Avci's scans).
    field_polar : float
        Polar angle of the field (rad); pi/2 = in-plane.
    R_ahe, R_phe : float
        Anomalous and planar Hall resistances (ohm): R_H = R_ahe m_z + R_phe sin^2 th sin 2ph'.
    current_direction : float
        Current direction (rad from x, the crystal's x axis for a sphere table); with a
        TableSOT it must agree with the TableSOT's ``current_direction``.
    nm_thickness : float or None
        Normal-metal thickness t_NM (m) for the Oersted field -(mu0 J t_NM/2)(z x jhat) of a
        normal metal below the ferromagnet. None: the TableSOT's t_NM, or no Oersted field
        for a ConstantSOT; 0 switches it off.
    temperature : float
        Temperature T (K) of Brown's thermal field, >= 0. T > 0 needs ``method="dynamic"``
        (a ValueError names ``temperature`` and ``method`` otherwise): with a damping-like
        torque the stationary state of the stochastic LLG is not a Boltzmann distribution
        (the torque is not conservative), so no cheap exact quasistatic average exists. At
        T > 0 the dynamic method integrates the stochastic LLG (Heun, Stratonovich) for
        ``members`` independent members, all started at the T = 0, J = 0 equilibrium, and
        returns the ensemble means of each member's R_0, R_1w, R_2w with their standard
        errors. The first period is discarded: it must hold the thermal relaxation, i.e. the
        relaxation time (1 + damping^2)/(damping gamma B_eff) (B_eff the stiffness field,
        e.g. the effective anisotropy field) must be << 1/``frequency``; then the ensemble
        follows the drive quasistatically and, with conservative fields only (no SOT), its
        instantaneous state is the Boltzmann distribution at the instantaneous field.
        Barrier crossings between wells happen only if the run is long enough to hold them.
    method : "quasistatic" | "dynamic"
        "quasistatic": m is the equilibrium at each instantaneous J(t), sampled at
        ``n_phases`` phases 2 pi k / N; the projections are exact up to aliasing of the
        harmonics >= N - 2 of the smooth function R_H(J(t)) sin(w t) (exponentially small).
        "dynamic": the LLG (:func:`llgsot.simulate`, RK4) under J0 sin(2 pi f t) at
        ``frequency`` f (Hz), started at the J = 0 equilibrium, projected over the last
        ``periods - 1`` periods (the first is discarded); Heun with the thermal field at T > 0.
    m0 : 3 numbers or None
        Initial guess of the J = 0 equilibrium (a nonzero vector, normalised), which selects
        the branch of a bistable magnet (e.g. m_z > 0 or < 0). Default: the easy axis if Ku > 0, else along the field.
    n_phases : int
        Quasistatic: phases per period (multiple of 4, >= 8; default 64).
    frequency, periods, steps_per_period :
        Dynamic: drive frequency (Hz, default 10 MHz), periods integrated (>= 2, the first
        discarded) and RK4 (T > 0: Heun) steps per period (a multiple of 256; default from a
        rotation of 0.25 rad per step at the largest field scale and, at T > 0, an rms
        thermal kick sqrt(2 damping k_B T gamma dt / (Ms V)) of at most 0.05 rad per step;
        a value whose thermal kick exceeds 0.5 rad is refused).
    members : int
        T > 0: ensemble size (>= 2; default 64). The standard errors scale as
        1/sqrt(members). Validated but unused at T = 0.
    seed : int or None
        T > 0: root seed (0 <= seed <= 2^63 - 1) of the noise; the same seed gives identical
        results. None draws one (recorded in ``attrs["seed"]``). Validated but unused at T = 0.

    Returns
    -------
    xarray.Dataset over (field_azimuth, field): ``R_1w``, ``R_2w``, ``R_0`` (ohm), ``m``
    (equilibrium at J = 0 and T = 0, component x, y, z), ``m_dot_B`` (T), ``converged``
    (0/1); conventions, inputs and provenance in attrs. A scalar ``field_azimuth`` is
    squeezed. At T > 0 only: R_0, R_1w, R_2w are ensemble means, ``R_1w_error`` and
    ``R_2w_error`` (ohm) their standard errors std(ddof=1)/sqrt(members), the attrs add
    ``members``, ``seed`` (the root seed used) and ``thermal_kick_per_step`` (rad), and
    ``integrator`` names Heun. The T = 0 output has neither the error variables nor these
    attrs (it is unchanged).
    """
    method = v.choice("method", method, METHODS)
    J0, fields, az, polar, cd, t_nm = check_drive(magnet, torque, current, fields, field_azimuth,
                                             field_polar, current_direction, nm_thickness)
    temp = _check_temperature(temperature, method)
    members = v.count("members", members, min=2)
    periods = v.count("periods", periods, min=2)  # checked for every method (never truncated)
    if steps_per_period is not None:
        steps_per_period = v.count("steps_per_period", steps_per_period)
    seed = None if seed is None else v.count("seed", seed, min=0, max=SEED_MAX)
    if temp > 0 and seed is None:  # drawn here so that it can be recorded and reused
        seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))  # <= SEED_MAX
    R_ahe = v.finite_scalar("R_ahe", R_ahe, "ohm")
    R_phe = v.finite_scalar("R_phe", R_phe, "ohm")
    n = v.count("n_phases", n_phases, min=8)
    if n % 4:
        raise ValueError(f"`n_phases` must be a multiple of 4 and >= 8, got {n_phases!r}")
    azs = np.atleast_1d(az)
    B = _field_vectors(fields, azs, polar)  # (A, F, 3)
    if m0 is not None:
        guess = np.asarray(v.direction("m0", m0))
    elif magnet.Ku > 0:
        guess = np.asarray(magnet.easy_axis)
    else:  # no easy axis: start along the field (at zero field: the easy_axis vector)
        nb = np.linalg.norm(B, axis=-1, keepdims=True)
        guess = np.where(nb > 0, B / np.where(nb > 0, nb, 1.0), np.asarray(magnet.easy_axis))
    m_eq, res0, mB = equilibrium(FieldModel(magnet, None, B), guess)
    phases = 2 * np.pi * np.arange(n) / n
    if method == "quasistatic":
        # distinct currents J0 sin(2 pi k / N), k = -N/4 .. N/4; R_H(J) depends on J only
        k = np.arange(-n // 4, n // 4 + 1)
        Js = J0 * np.sin(2 * np.pi * k / n)
        model = FieldModel(magnet, torque, B[:, :, None, :], Js, t_nm, cd)
        m_k, res, _ = equilibrium(model, m_eq[:, :, None, :], relax_first=False)
        bad = res > RESIDUAL_FLAG
        if np.any(bad):  # continuation failed: relax from the J = 0 state
            m_k2, res2, _ = equilibrium(model, m_eq[:, :, None, :])
            m_k = np.where(bad[..., None], m_k2, m_k)
            res = np.where(bad, res2, res)
        r_k = hall_resistance(m_k, R_ahe, R_phe, cd)
        # phase j has sin(2 pi j / N) = sin(2 pi kk / N), kk folded into [-N/4, N/4]
        j = np.arange(n)
        kk = np.where(4 * j <= n, j, np.where(4 * j < 3 * n, n // 2 - j, j - n))
        r = r_k[..., kk + n // 4]
        R0, R1, R2 = harmonics(r, phases)
        conv = (res0 <= RESIDUAL_FLAG) & np.all(res <= RESIDUAL_FLAG, -1) & (mB > 0)
        extra = {"n_phases": n}
    else:
        from .hall_dynamic import dynamic_harmonics

        R0, R1, R2, extra = dynamic_harmonics(magnet, torque, J0, B, m_eq, R_ahe, R_phe, cd, t_nm,
                                              frequency, periods, steps_per_period, temp, members, seed)
        conv = (res0 <= RESIDUAL_FLAG) & (mB > 0)
    dims = ("field_azimuth", "field")
    errors = extra.pop("errors", {})
    ds = xr.Dataset(
        {"R_1w": (dims, R1, {"units": "ohm", "long_name": "first harmonic Hall resistance (sin wt)"}),
         "R_2w": (dims, R2, {"units": "ohm", "long_name": "second harmonic Hall resistance (cos 2wt)"}),
         "R_0": (dims, R0, {"units": "ohm", "long_name": "dc part of V_H/I0"}),
         "m": (dims + ("component",), m_eq, {"units": "1", "long_name": "equilibrium m at J = 0"}),
         "m_dot_B": (dims, mB, {"units": "T", "long_name": "m.B_eff at J = 0 (> 0: stable)"}),
         "converged": (dims, conv.astype(np.int8), {"units": "1"})},
        coords={"field_azimuth": ("field_azimuth", azs, {"units": "rad"}),
                "field": ("field", fields, {"units": "T"}), "component": ["x", "y", "z"]})
    for name, err in errors.items():  # T > 0 only
        ds[name] = (dims, err, {"units": "ohm", "long_name": f"standard error of {name[:-6]} "
                                "(std over members, ddof = 1, / sqrt(members))"})
    if np.ndim(az) == 0:
        ds = ds.squeeze("field_azimuth")
    ds.attrs.update(magnet.as_attrs())
    ds.attrs.update(torque.as_attrs())
    ds.attrs.update({
        "measurement": "harmonic_hall", "method": method, "current_amplitude": J0,
        "current_amplitude_units": "A/m^2", "field_polar": polar, "R_ahe": R_ahe, "R_phe": R_phe,
        "current_direction": cd, "nm_thickness": t_nm, "temperature": 0.0,
        "oersted_field": _oe(J0, t_nm),
        "oersted_field_note": "magnitude mu0 J0 t_NM / 2 (T) at the current amplitude, along -(z x jhat)",
        "convention_current": "J(t) = J0 sin(w t) along current_direction",
        "convention_hall": "R_H = R_ahe m_z + R_phe sin^2(theta) sin(2 phi') = R_ahe m_z + 2 R_phe m_x' m_y' "
                           "(x' along the current)",
        "convention_harmonics": "V_H/I0 = R_0 + R_1w sin(wt) + R_2w cos(2wt) + ... (Hayashi)",
        "convention_oersted": "B_Oe = -(mu0 J t_NM / 2) (z x jhat): normal metal below the ferromagnet",
        "llgsot_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        **{k: val for k, val in extra.items()},
    })
    if temp > 0:
        ds.attrs.update({"temperature": temp, "members": members, "seed": seed,
                         "thermal_note": "ensemble means over `members` independent members; the "
                                         "first period (thermal relaxation) discarded"})
    return ds


def _oe(J0, t_nm):
    """|B_Oe| = mu0 J0 t_NM / 2 (T) at the current amplitude."""
    from ..constants import MU0

    return 0.5 * MU0 * J0 * t_nm
