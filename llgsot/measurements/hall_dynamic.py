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
"""
from __future__ import annotations

import math

import numpy as np

from ..dynamics.drive import Waveform
from ..dynamics.simulate import simulate
from .equilibrium import FieldModel, oersted_field
from .hall_signal import hall_resistance, harmonics

WAVEFORM_SAMPLES = 4096
SAVE_PER_PERIOD = 256
#: largest precession angle gamma * scale * dt (rad) per RK4 step
ROTATION_PER_STEP = 0.25


def dynamic_harmonics(magnet, torque, J0, B, m_eq, R_ahe, R_phe, cd, t_nm, frequency, periods,
                      steps_per_period=None):
    """(R_0, R_1w, R_2w, attrs) over the fields B (A, F, 3), from the LLG at ``frequency`` (Hz)."""
    from .. import _validate as v

    f = v.positive("frequency", frequency, "Hz")
    periods = int(periods)
    if periods < 2:
        raise ValueError(f"`periods` must be >= 2 (the first is discarded), got {periods!r}")
    T = 1.0 / f
    if steps_per_period is None:
        scale = float(np.max(FieldModel(magnet, torque, B, J0, t_nm, cd).scale))
        steps = magnet.gamma * scale * T / ROTATION_PER_STEP
        steps_per_period = SAVE_PER_PERIOD * max(1, math.ceil(steps / SAVE_PER_PERIOD))
    spp = int(steps_per_period)
    if spp % SAVE_PER_PERIOD:
        raise ValueError(f"`steps_per_period` must be a multiple of {SAVE_PER_PERIOD}, got {steps_per_period!r}")
    dt = T / spp
    tw = np.linspace(0.0, periods * T, periods * WAVEFORM_SAMPLES + 1)
    Jw = J0 * np.sin(2 * np.pi * f * tw)
    current = Waveform(tw, Jw)
    Boe = oersted_field(Jw, t_nm, cd) if t_nm else np.zeros((tw.size, 3))
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
