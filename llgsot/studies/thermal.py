"""Thermal switching: probabilities from ensembles, the 50 % current, thermal-activation fits.

P(J) for each amplitude comes from ``members`` stochastic (Heun) runs; its 95 % Wilson score
interval is reported. The 50 % current is the maximum-likelihood fit of a logistic
P = 1/(1 + exp(-(J - J50)/w)) to the binomial counts, with the 95 % interval from the
Fisher information. Where the data are in the thermally activated regime we also fit the
Neel-Brown/Sharrock law for a pulse of length t_p,

    P(J) = 1 - exp(-(t_p/tau0) exp(-Delta (1 - J/Jc0)^2)),   tau0 = 1 ns (fixed),

whose parameters are the zero-temperature critical current Jc0 and the barrier Delta (in kT).
"""
from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy.optimize import minimize

from .. import __version__
from .. import _validate as v
from ..parallel import Chunk, WorkLoop
from . import _checks
from .result import CriticalCurrent
from .switching import auto_dt, relax_time, switched_fraction

TAU0 = 1e-9  # s, attempt time of the Sharrock fit
Z95 = 1.959963984540054


def wilson_interval(k, n, z=Z95):
    """95 % Wilson score interval of a binomial proportion k/n."""
    k, n = _binomial(k, n)
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return centre - half, centre + half


def _binomial(k, n, amps=None):
    """Counts k of n trials (integers, 0 <= k <= n, n >= 1; n a number or one per k), k one
    per amplitude if ``amps`` is given."""
    k, n = v.count_array("k", k), v.count_array("n", n, min=1)
    if amps is not None:
        v.same_length(amps=amps, k=k)
    if np.ndim(n) > 0 and np.ndim(k) > 0:
        v.same_length(k=k, n=n)
    if np.any(k > n):
        raise ValueError("`k` (switched) must not exceed `n` (trials)")
    return k, n


def _task(magnet, torque, pulse, J, field, m0, dt, t_relax, temperature, members, seed):
    return switched_fraction(magnet, torque, pulse, J, field, m0, dt, t_relax, temperature,
                             members, seed)


def switching_probability(magnet, torque, pulse, amplitudes, field=(0.0, 0.0, 0.0),
                          m0=(0.0, 0.0, 1.0), temperature=300.0, members=128, seed=None,
                          dt=None, t_relax=None, executor=None, progress=False) -> xr.Dataset:
    """Switching probability against pulse amplitude (A/m^2) at ``temperature`` (K).

    Returns a Dataset over ``amplitude`` with ``probability``, ``ci_low``, ``ci_high`` (95 %
    Wilson), ``switched`` (counts), ``first_crossing_time`` (mean over the switched members of
    the first sign change of m.axis, s).
    Member seeds derive from ``seed`` per amplitude: results do not depend on the executor.
    """
    _checks.models(magnet, torque, pulse)
    amps = v.nonempty_array("amplitudes", amplitudes, "A/m^2")
    field = v.vector3("field", field, "T")
    m0 = v.vector3("m0", m0)
    temperature = v.positive("temperature", temperature, "K")
    members = v.count("members", members)
    seed = v.seed("seed", seed)
    dt = v.optional_positive("dt", dt, "s")
    t_relax = v.optional_positive("t_relax", t_relax, "s")
    Jmax = float(np.abs(amps).max())
    t_relax = relax_time(magnet, field) if t_relax is None else t_relax
    if dt is None:
        dt = auto_dt(magnet, torque, Jmax, field, temperature, t_end=pulse.end + t_relax)
    ss = np.random.SeedSequence(seed)
    seeds = [int(c.generate_state(1)[0]) for c in ss.spawn(len(amps))]
    with WorkLoop(executor, progress=progress, desc="llgsot probability", unit="amplitude") as loop:
        res = loop.run(_task, [Chunk((magnet, torque, pulse, J, field, m0, dt, t_relax,
                                      temperature, members, s)) for J, s in zip(amps, seeds)])
    k = np.array([r[0] for r in res])
    lo, hi = wilson_interval(k, members)
    ds = xr.Dataset(
        {"probability": ("amplitude", k / members), "ci_low": ("amplitude", lo),
         "ci_high": ("amplitude", hi), "switched": ("amplitude", k),
         "first_crossing_time": ("amplitude", np.array([r[2] for r in res]))},
        coords={"amplitude": amps})
    ds["amplitude"].attrs["units"] = "A/m^2"
    ds["first_crossing_time"].attrs["units"] = "s"
    ds["probability"].attrs["long_name"] = "switching probability"
    ds.attrs.update({"members": members, "temperature": temperature, "dt": dt, "t_relax": t_relax,
                     "seed_entropy": str(ss.entropy), "pulse": pulse.describe(),
                     "field": list(map(float, field)), "m0": list(map(float, m0)),
                     "confidence": "95 % Wilson score", "llgsot_version": __version__})
    return ds


def fit_logistic(amps, k, n):
    """ML logistic fit: returns (J50, width, se_J50)."""
    amps = v.nonempty_array("amps", amps, "A/m^2")
    k, n = _binomial(k, n, amps)
    # signed scale: x grows toward the switching end whatever the current polarity
    scale = float(amps[np.argmax(np.abs(amps))])
    x = amps / scale

    def nll(p):
        x0, lw = p
        z = (x - x0) / math.exp(lw)
        # log P and log(1-P) stably
        lp = -np.logaddexp(0.0, -z)
        lq = -np.logaddexp(0.0, z)
        return -float(np.sum(k * lp + (n - k) * lq))

    p = np.asarray(k, float) / n
    i = int(np.argmin(np.abs(p - 0.5)))
    start = [x[i], math.log(max(np.ptp(x), 1e-6) / 8)]
    res = minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-10,
                                                                 "maxiter": 4000})
    x0, lw = res.x
    # Fisher information by finite differences of the NLL (2x2 Hessian)
    h = np.array([1e-4 * max(abs(x0), 1e-3), 1e-4])
    H = np.zeros((2, 2))
    for a in range(2):
        for b in range(2):
            ea = np.eye(2)[a] * h[a]
            eb = np.eye(2)[b] * h[b]
            H[a, b] = (nll(res.x + ea + eb) - nll(res.x + ea - eb) - nll(res.x - ea + eb)
                       + nll(res.x - ea - eb)) / (4 * h[a] * h[b])
    try:
        cov = np.linalg.inv(H)
        se = math.sqrt(max(cov[0, 0], 0.0))
    except np.linalg.LinAlgError:
        se = float("nan")
    return float(x0 * scale), float(math.exp(lw) * abs(scale)), float(se * abs(scale))


def fit_sharrock(amps, k, n, pulse_length):
    """ML fit of P = 1 - exp(-(t_p/tau0) exp(-Delta (1 - J/Jc0)^2)) (tau0 = 1 ns).

    Uses only amplitudes with 0 < J/Jc0 < 1 in the end (the activated regime). Returns
    (Jc0, Delta) or None when fewer than 3 amplitudes have 0 < P < 1.
    """
    amps = np.abs(v.nonempty_array("amps", amps, "A/m^2"))
    k, n = _binomial(k, n, amps)
    mixed = (k > 0) & (k < n)
    if mixed.sum() < 3:
        return None
    r = pulse_length / TAU0

    def nll(p):
        jc0, lnd = p
        if jc0 <= 0:
            return 1e300
        u = np.clip(1 - amps / jc0, 0, None)
        lam = r * np.exp(-math.exp(lnd) * u * u)
        lq = -lam  # log(1 - P)
        lp = np.log(-np.expm1(-lam) + 1e-300)
        return -float(np.sum(k * lp + (n - k) * lq))

    j50 = amps[mixed][np.argmin(np.abs(k[mixed] / n - 0.5))]
    best = None
    for jc_f in (1.05, 1.2, 1.5, 2.0):
        for d in (20.0, 40.0, 80.0):
            res = minimize(nll, [j50 * jc_f, math.log(d)], method="Nelder-Mead",
                           options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 4000})
            if best is None or res.fun < best.fun:
                best = res
    jc0, lnd = best.x
    return float(jc0), float(math.exp(lnd))


def thermal_critical_current(magnet, torque, pulse, field, m0, bracket, dt, t_relax, temperature,
                             members, seed, executor, n_amplitudes=9):
    lo, hi = bracket
    amps = np.linspace(lo, hi, n_amplitudes)
    ds = switching_probability(magnet, torque, pulse, amps, field, m0, temperature, members, seed,
                               dt, t_relax, executor)
    k = ds["switched"].values
    if k[0] > members / 2 or k[-1] < members / 2:
        raise ValueError(f"the switching probability does not cross 50 % inside `bracket` = "
                         f"({lo:g}, {hi:g}) A/m^2 at T = {temperature:g} K "
                         f"(P = {k[0] / members:.2f} .. {k[-1] / members:.2f}): widen it")
    if k.max() < 0.9 * members:
        raise ValueError(f"the switching probability saturates at {k.max() / members:.2f} < 0.9 inside "
                         f"`bracket` = ({lo:g}, {hi:g}) A/m^2 at T = {temperature:g} K: the final state "
                         "is not deterministic there (a 50 % current would be meaningless); look at "
                         "switching_probability, or raise |J|, the field or the pulse's fall time")
    j50, width, se = fit_logistic(amps, k, members)
    t_p = pulse.duration + 0.5 * (pulse.rise + pulse.fall)
    sh = fit_sharrock(amps, k, members, t_p)
    details = {"temperature": temperature, "members": members, "amplitudes": amps.tolist(),
               "switched": k.tolist(), "logistic_width": width, "standard_error": se,
               "dt": ds.attrs["dt"], "t_relax": ds.attrs["t_relax"], "probability": ds}
    if sh is not None:
        details.update({"sharrock_Jc0": sh[0], "sharrock_delta_kT": sh[1], "sharrock_tau0": TAU0})
    return CriticalCurrent(value=j50, bracket=(j50 - Z95 * se, j50 + Z95 * se),
                           evaluations=len(amps), details=details)
