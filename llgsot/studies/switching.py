"""One switching experiment: a pulse on a macrospin, then relaxation; did m reverse?

Everything here drives :func:`llgsot.simulate` (never the kernels). The functions are
module-level and take picklable arguments, so they can run on any executor.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..constants import MU0
from ..dynamics import Pulse, SOTCell, simulate
from ..dynamics.cell import read_waveform

#: largest precession angle per fixed step used when dt is chosen automatically (rad);
#: simulate() refuses steps above 0.5 rad, RK4's phase error per step is ~(angle)^5/120
AUTO_ROTATION_PER_STEP = 0.2
#: most steps one automatically stepped run may take (~3 min of RK4 at 5 M steps/s): beyond,
#: the magnet's fields are far outside device scales (e.g. |B_K| ~ 1e6 T), and a study would
#: run for hours; an explicit ``dt`` is taken as given
MAX_AUTO_STEPS = 10**9


def cell_field(magnet) -> float:
    """The field (T) a cell adds to its free layer: |stray + bias field| plus the largest STT
    field of its read current; 0 for a Macrospin."""
    if not isinstance(magnet, SOTCell):
        return 0.0
    return (float(np.linalg.norm(magnet.static_field))
            + magnet.max_stt_field(read_waveform(magnet).max_abs()))


def auto_dt(magnet, torque, J_max, field=(0.0, 0.0, 0.0), temperature=0.0, t_end=None):
    """A fixed step (s) that turns m by at most AUTO_ROTATION_PER_STEP about the fastest field.

    With ``t_end`` (s, the run's length) a step that needs more than MAX_AUTO_STEPS steps is
    refused (ValueError naming the step, the fields and the way out)."""
    B = (float(np.linalg.norm(field)) + abs(magnet.anisotropy_field)
         + MU0 * magnet.Ms * max(magnet.demag)
         + (torque.max_field(magnet, abs(J_max)) if torque is not None else 0.0)
         + cell_field(magnet))
    dt = AUTO_ROTATION_PER_STEP / (magnet.gamma * B)
    D = magnet.thermal_diffusion(temperature) if temperature > 0 else 0.0
    if D > 0:  # the thermal kick sqrt(D dt) <= AUTO_ROTATION_PER_STEP as well
        dt = min(dt, AUTO_ROTATION_PER_STEP**2 / D)
    if t_end is not None and t_end / dt > MAX_AUTO_STEPS:
        raise ValueError(
            f"the automatic step dt = {dt:.3g} s (a rotation of {AUTO_ROTATION_PER_STEP} rad about "
            f"the fastest field: anisotropy field {magnet.anisotropy_field:.3g} T, current "
            f"{float(J_max):.3g} A/m^2) needs {t_end / dt:.3g} steps for a {t_end:.3g} s run, more "
            f"than {MAX_AUTO_STEPS:.0e}: check the magnet's Ku, Ms and the field, or pass `dt` "
            "(and `t_relax`) explicitly")
    return dt


def relax_time(magnet, field=(0.0, 0.0, 0.0)):
    """Ten damping times 1/(a gamma B_K,eff) (s), at least 2 ns: long enough for the
    magnetization to settle in its final hemisphere after the pulse."""
    bk = abs(magnet.effective_anisotropy_field()) + float(np.linalg.norm(field)) + cell_field(magnet)
    a = max(magnet.damping, 1e-3)
    return max(2e-9, 10.0 / (a * magnet.gamma * max(bk, 1e-3)))


def run_pulse(magnet, torque, pulse: Pulse, amplitude, field=(0.0, 0.0, 0.0), m0=(0.0, 0.0, 1.0),
              dt=None, t_relax=None, temperature=0.0, members=1, seed=None, save_every=None,
              method="rk4"):
    """Simulate ``pulse`` scaled to ``amplitude`` (A/m^2) and the relaxation after it.

    Returns the Dataset of :func:`llgsot.simulate` (per member ``switched``, ...).
    """
    p = dataclasses.replace(pulse, amplitude=float(amplitude))
    if t_relax is None:
        t_relax = relax_time(magnet, field)
    t_end = p.end + t_relax
    if dt is None:
        dt = auto_dt(magnet, torque, amplitude, field, temperature, t_end=t_end)
    n = math.ceil(t_end / dt)
    if save_every is None:
        save_every = max(1, n // 400)
    # a failed member is reported (RuntimeWarning, forwarded from workers by the work loop)
    return simulate(magnet, torque, p, field=field, m0=m0, t_end=t_end, dt=dt,
                    method="heun" if temperature > 0 else method, temperature=temperature,
                    members=members, seed=seed, save_every=save_every, on_failure="warn")


def switched_fraction(magnet, torque, pulse, amplitude, field=(0.0, 0.0, 0.0), m0=(0.0, 0.0, 1.0),
                      dt=None, t_relax=None, temperature=0.0, members=1, seed=None):
    """(number switched, members, mean first-crossing time in s or NaN) for one amplitude."""
    ds = run_pulse(magnet, torque, pulse, amplitude, field, m0, dt, t_relax, temperature,
                   members, seed, save_every=10**9)
    sw = np.asarray(ds["switched"].values, bool) & (np.asarray(ds["status"].values) == 0)
    t = np.asarray(ds["first_crossing_time"].values)  # full resolution; only 2 samples are saved
    return int(sw.sum()), int(members), float(np.nanmean(t[sw])) if sw.any() else float("nan")
