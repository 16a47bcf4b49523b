"""Retention: the barrier, the Neel-Brown attempt time and the mean time between flips.

For the uniaxial macrospin (effective anisotropy field B_K,eff, field B_u along the easy
axis, h = B_u/B_K,eff, sigma = Ku_eff V/k_B T = Ms V B_K,eff/(2 k_B T)) the escape rate from
the well of +u in the high-barrier limit is Brown's (Phys. Rev. 130, 1677 (1963); Coffey &
Kalmykov, J. Appl. Phys. 112, 121301 (2012), eq. for the axially symmetric potential):

    Gamma = sigma^(3/2) / (sqrt(pi) tau_N) (1 - h^2)(1 + h) exp(-sigma (1 + h)^2),

tau_N = (1 + a^2)/D = Ms V (1 + a^2)/(2 a gamma k_B T) the free-diffusion (Neel) time, D
of :meth:`Macrospin.thermal_diffusion`. The barrier is Delta = sigma (1 + h)^2, the attempt
time tau_0 = 1/(Gamma exp(-Delta)) and the mean time between flips (dwell time in the well)
1/Gamma = tau_0 exp(Delta). Corrections are O(1/Delta). For an axially symmetric magnet
the Fokker-Planck route gives the exact value as twice the mean first-passage time from the
well bottom to the barrier top (a trajectory at the top falls either way), also returned.
For a magnet that is not axially symmetric (in-plane demagnetizing differences, a
transverse field) the axial formula with the barrier of the actual energy landscape is
used, an approximation said in the result.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .. import _validate as v
from .._io import json_ready
from ..constants import K_B
from . import fokker_planck as fp
from . import sampling


@dataclasses.dataclass
class Retention:
    """Retention of one well (SI units).

    Attributes: ``delta`` (barrier / k_B T), ``attempt_time`` (s), ``mean_time`` (s, Brown),
    ``mean_time_fp`` (s, Fokker-Planck, None unless axially symmetric), ``rate`` (1/s),
    ``note``.
    """

    delta: float
    attempt_time: float
    mean_time: float
    mean_time_fp: float | None
    rate: float
    note: str = ""

    def to_dict(self) -> dict:
        return json_ready(dataclasses.asdict(self))


def retention(magnet, temperature=300.0, field=(0.0, 0.0, 0.0), side=+1, fokker_planck=True):
    """Barrier, attempt time and mean time between flips of the well ``side`` * easy_axis.

    Parameters
    ----------
    magnet : Macrospin
    temperature : float
        K, > 0.
    field : 3 numbers
        Static field (T).
    side : +1 or -1
        The well of +easy_axis or -easy_axis.
    fokker_planck : bool
        Also compute the exact mean time from the axial Fokker-Planck equation (axially
        symmetric magnets only).
    """
    from ..dynamics import Macrospin

    v.instance("magnet", magnet, Macrospin, "a Macrospin")
    temperature = v.positive("temperature", temperature, "K")
    field = np.asarray(v.vector3("field", field, "T"))
    if side not in (1, -1):
        raise ValueError(f"`side` must be +1 or -1, got {side!r}")
    if magnet.damping <= 0:
        raise ValueError("`magnet` damping must be > 0 for thermal switching")
    u = np.asarray(magnet.easy_axis)
    bk = magnet.effective_anisotropy_field(sampling._perp(u))
    if bk <= 0:
        raise ValueError(f"`magnet` has no easy axis: B_K,eff = {bk:.4g} T <= 0")
    h = side * float(field @ u) / bk
    if abs(h) >= 1:
        raise ValueError(f"`field` = {tuple(field)} T removes the barrier (|B_u|/B_K,eff = "
                         f"{abs(h):.3g} >= 1): the well of side {side} does not exist")
    sigma = magnet.Ms * magnet.volume * bk / (2 * K_B * temperature)
    # the barrier of the actual landscape: saddle energy minus the well's minimum
    ws = sampling.WellSampler(magnet, tuple(field), temperature, side)
    e_min = ws.e_min
    c_s = ws.c_s
    perp = sampling._perp(u) / np.linalg.norm(sampling._perp(u))
    ms = u * c_s + perp * math.sqrt(max(0.0, 1 - c_s**2))
    delta = magnet.volume * (float(magnet.energy_density(ms, tuple(field))) - e_min) / (
        K_B * temperature)
    tau_n = (1 + magnet.damping**2) / magnet.thermal_diffusion(temperature)
    pre = sigma**1.5 / (math.sqrt(math.pi) * tau_n) * (1 - h * h) * (1 + h)
    rate = pre * math.exp(-delta)
    note = ""
    t_fp = None
    axial = (np.all(np.abs(u[:2]) < fp.AXIAL_TOL) and abs(magnet.demag[0] - magnet.demag[1])
             < fp.AXIAL_TOL and np.all(np.abs(field[:2]) < fp.AXIAL_TOL))
    if not axial:
        note = ("not axially symmetric: Brown's axial formula with the barrier of the actual "
                "energy landscape (an approximation)")
    elif fokker_planck:
        model = fp.axial_model(magnet, None, 0.0, tuple(field), temperature)
        c_start = float(side * u[2])
        t_fp = 2.0 * fp.mean_first_passage_time(model, c_start, model.saddle(), cells=4000)
    return Retention(delta, 1.0 / pre, 1.0 / rate, t_fp, rate, note)
