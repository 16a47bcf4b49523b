"""The ``dynamic`` harmonic Hall method: the LLG integrated under J0 sin(2 pi f t).

One :func:`llgsot.simulate` run (RK4) per field: the current is a :class:`Waveform` sampled
``WAVEFORM_SAMPLES`` times per period (piecewise linear: the current deviates from the sine
by at most (pi/M)^2/2 = 3e-7 relative), the Oersted field -(mu0 J(t) t_NM / 2)(z x jhat)
enters as a vector field Waveform on top of the static field, m starts at the J = 0
equilibrium, the first period is discarded and the harmonics (conventions of
:mod:`llgsot.measurements.harmonic_hall`) are projected over the remaining periods with
``SAVE_PER_PERIOD`` equally spaced samples per period (exact for harmonics below that
number). At f << gamma B_eff / 2 pi the result approaches the quasistatic one with relative
deviations O((2 pi f / gamma B_eff)^2) in phase.

At temperature T > 0 the same drive is integrated by the stochastic LLG (Heun, Brown's
thermal field) for an ensemble of ``members``; each member's harmonics are projected as
above and the ensemble mean and its standard error (std with ddof = 1 over sqrt(members))
are returned. The members of one field are independent (distinct noise streams), and so are
the fields: field number k (flattened over (field_azimuth, field)) is integrated with the
seed word k of ``numpy.random.SeedSequence(seed).generate_state`` (uint64).
"""
from __future__ import annotations

import math

import numpy as np

from ..dynamics.drive import Waveform
from ..dynamics.simulate import MAX_ROTATION_PER_STEP, simulate
from .equilibrium import FieldModel, oersted_field
from .hall_signal import hall_resistance, harmonics

WAVEFORM_SAMPLES = 4096
SAVE_PER_PERIOD = 256
#: largest precession angle gamma * scale * dt (rad) per RK4 (or Heun) step
ROTATION_PER_STEP = 0.25
#: T > 0: largest rms thermal kick gamma sigma_th dt = sqrt(D dt) (rad) per Heun step,
#: D = 2 damping k_B T gamma / (Ms V). Heun's weak error is O(dt): with these limits the bias
#: of the thermal mean <m> was measured below 1 % of the thermal shift (docs/measurements.md)
THERMAL_KICK_PER_STEP = 0.05


def field_seeds(seed, n):
    """The seeds (Python ints) of the n fields: words of SeedSequence(seed).generate_state."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(n, np.uint64)]


def dynamic_harmonics(magnet, torque, J0, B, m_eq, R_ahe, R_phe, cd, t_nm, frequency, periods,
                      steps_per_period=None, temperature=0.0, members=1, seed=None):
    """(R_0, R_1w, R_2w, attrs) over the fields B (A, F, 3), from the LLG at ``frequency`` (Hz).

    temperature > 0: ensemble means over ``members``; the attrs then hold the standard errors
    ``R_1w_error``, ``R_2w_error`` (arrays like R_1w) under the key "errors".
    """
    from .. import _validate as v

    f = v.positive("frequency", frequency, "Hz")
    periods = v.count("periods", periods, min=0)
    if periods < 2:
        raise ValueError(f"`periods` must be >= 2 (the first is discarded), got {periods!r}")
    T = 1.0 / f
    D = magnet.thermal_diffusion(temperature) if temperature > 0 else 0.0
    if steps_per_period is None:
        scale = float(np.max(FieldModel(magnet, torque, B, J0, t_nm, cd).scale))
        steps = magnet.gamma * scale * T / ROTATION_PER_STEP
        if D > 0:
            steps = max(steps, D * T / THERMAL_KICK_PER_STEP**2)
        steps_per_period = SAVE_PER_PERIOD * max(1, math.ceil(steps / SAVE_PER_PERIOD))
    spp = v.count("steps_per_period", steps_per_period)
    if spp % SAVE_PER_PERIOD:
        raise ValueError(f"`steps_per_period` must be a multiple of {SAVE_PER_PERIOD}, got {steps_per_period!r}")
    dt = T / spp
    if D > 0 and math.sqrt(D * dt) > MAX_ROTATION_PER_STEP:
        least = SAVE_PER_PERIOD * math.ceil(D * T / MAX_ROTATION_PER_STEP**2 / SAVE_PER_PERIOD)
        raise ValueError(f"`steps_per_period` = {spp} is too small at temperature {temperature:g} K: "
                         f"the thermal kick sqrt(2 damping k_B T gamma dt/(Ms V)) = "
                         f"{math.sqrt(D * dt):.3g} rad per step exceeds {MAX_ROTATION_PER_STEP}; "
                         f"allowed: >= {least}")
    tw = np.linspace(0.0, periods * T, periods * WAVEFORM_SAMPLES + 1)
    Jw = J0 * np.sin(2 * np.pi * f * tw)
    current = Waveform(tw, Jw)
    Boe = oersted_field(Jw, t_nm, cd) if t_nm else np.zeros((tw.size, 3))
    if temperature > 0:
        return _thermal(magnet, torque, current, tw, Boe, B, m_eq, R_ahe, R_phe, cd, f, periods,
                        spp, dt, temperature, members, seed)
    out = np.empty(B.shape[:2] + (3,))
    for a in range(B.shape[0]):
        for i in range(B.shape[1]):
            ds = simulate(magnet, torque, current, field=Waveform(tw, B[a, i] + Boe), m0=m_eq[a, i],
                          t_end=periods * T, dt=dt, method="rk4", save_every=spp // SAVE_PER_PERIOD)
            t = ds["time"].values
            m = ds["m"].values[:, 0, :]
            keep = (t >= T * (1 - 1e-9)) & (t < periods * T * (1 - 1e-9))
            ph = 2 * np.pi * f * t[keep]
            r = hall_resistance(m[keep], R_ahe, R_phe, cd)
            out[a, i] = harmonics(r, ph)
    attrs = {"frequency": f, "periods": periods, "steps_per_period": spp, "dt": dt,
             "integrator": "rk4 (llgsot.simulate)"}
    return out[..., 0], out[..., 1], out[..., 2], attrs


def _project(ds, T, periods, f, R_ahe, R_phe, cd):
    """(3, members) harmonics of each member over periods 2 .. ``periods`` of a simulate run."""
    t = ds["time"].values
    keep = (t >= T * (1 - 1e-9)) & (t < periods * T * (1 - 1e-9))
    ph = 2 * np.pi * f * t[keep]
    r = hall_resistance(ds["m"].values[keep], R_ahe, R_phe, cd)  # (time, member)
    return np.stack(harmonics(r.T, ph))


def _thermal(magnet, torque, current, tw, Boe, B, m_eq, R_ahe, R_phe, cd, f, periods, spp, dt,
             temperature, members, seed):
    T = 1.0 / f
    seeds = field_seeds(seed, B.shape[0] * B.shape[1])
    mean = np.empty(B.shape[:2] + (3,))
    err = np.empty(B.shape[:2] + (3,))
    for a in range(B.shape[0]):
        for i in range(B.shape[1]):
            ds = simulate(magnet, torque, current, field=Waveform(tw, B[a, i] + Boe), m0=m_eq[a, i],
                          t_end=periods * T, dt=dt, method="heun", temperature=temperature,
                          members=members, seed=seeds[a * B.shape[1] + i],
                          save_every=spp // SAVE_PER_PERIOD)
            h = _project(ds, T, periods, f, R_ahe, R_phe, cd)  # (3, members)
            mean[a, i] = h.mean(-1)
            err[a, i] = h.std(-1, ddof=1) / math.sqrt(members)
    attrs = {"frequency": f, "periods": periods, "steps_per_period": spp, "dt": dt,
             "integrator": "heun (Stratonovich, Brown's thermal field; llgsot.simulate)",
             "thermal_kick_per_step": math.sqrt(magnet.thermal_diffusion(temperature) * dt),
             "errors": {"R_1w_error": err[..., 1], "R_2w_error": err[..., 2]}}
    return mean[..., 0], mean[..., 1], mean[..., 2], attrs
