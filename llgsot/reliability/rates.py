"""Write error rate and read-disturb rate of a macrospin free layer.

Both are the probability that, after a current pulse and a relaxation time, the layer is in
the wrong well: for a write, not in the target well (the one opposite to the start); for a
read, not in the start well. They are estimated on the thermal ensemble engine
(:func:`llgsot.dynamics.ensemble.advance`) either directly (independent runs, Wilson
interval) or by adaptive multilevel splitting (:mod:`.splitting`; mean of independent AMS
runs, Student-t interval), the choice by a pilot ensemble under ``method="auto"``.
"""
from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
from scipy import stats

from .. import _validate as v
from .._io import json_ready
from ..parallel import Chunk, WorkLoop
from ..studies import _checks
from ..constants import MU0
from ..studies.switching import relax_time
from ..studies.thermal import wilson_interval
from ..dynamics import simulate
from ..dynamics.ensemble import ensemble_system
from . import sampling, splitting

METHODS = ("auto", "direct", "ams")
#: samples kept per run (the saved chain the splitting acts on)
SAVED_SAMPLES = 200
#: AMS replicas per run; runs per work item; runs in the first round
REPLICAS = 100
RUNS_PER_CHUNK = 4
FIRST_RUNS = 8
#: direct ensembles: pilot size (auto) and members per work item
PILOT = 1024
DIRECT_CHUNK = 4096
#: pilot runs that measure the instability rate of the AMS coordinate
PILOT_RATE = 64
#: the AMS pilot by which direct runs see a rate out of their reach: runs, replicas, and the
#: factor its guess is raised by before it may refuse (an AMS run of 50 replicas scatters by
#: a factor ~2 at 1e-9; 4 runs averaged, a factor 10 is a wide margin)
PILOT_AMS_RUNS, PILOT_AMS_REPLICAS, PILOT_MARGIN = 4, 50, 10.0


@dataclasses.dataclass
class RateResult:
    """An error-rate estimate.

    Attributes
    ----------
    value : float
        Estimated probability (1).
    ci : (float, float)
        95 % confidence interval.
    rel_error : float
        Relative standard error (1); 0 for a deterministic (T = 0) result.
    n_trajectories : int
        Trajectories started (AMS: initial replicas plus clones, each partial).
    method : str
        "direct", "ams" or "deterministic".
    wall_time : float
        Seconds.
    details : dict
        kind ("write"/"read"), dt (s), t_end (s), member_steps, runs, replicas, note, ...
    """

    value: float
    ci: tuple
    rel_error: float
    n_trajectories: int
    method: str
    wall_time: float
    details: dict = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict:
        """Strict-JSON-ready dict (non-finite numbers as None)."""
        return json_ready({"value": self.value, "ci": list(self.ci), "rel_error": self.rel_error,
                           "n_trajectories": self.n_trajectories, "method": self.method,
                           "wall_time": self.wall_time, **self.details})


#: largest rotation per Heun step about the largest field |B(m)| over the sphere (rad). The
#: Heun step's weak (first-order) bias enters the WER amplified by ln(1/WER): at 0.1 rad AMS
#: came out 12 % low against FP at 1e-4 (outside its 5.5 % error) and 20 % low at 1e-9; at
#: 0.04 rad it agrees at 1e-4 (+6 % +- 6 %)
ROTATION_PER_STEP = 0.04


def default_dt(magnet, torque, pulse, field, temperature):
    """Heun step (s): a rotation of ROTATION_PER_STEP about the largest field the layer can
    see, |B| <= ||A||_2 + |B_ext| + max |B_SOT| with A = (2 Ku/Ms) u u^T - mu0 Ms N the linear
    part (its largest eigenvalue magnitude; tighter than simulate's sum of the field scales,
    which double counts the cancelling anisotropy and demagnetizing fields of a thin film),
    and a thermal kick sqrt(D dt) of at most the same angle."""
    u = np.asarray(magnet.easy_axis)
    A = magnet.anisotropy_field * np.outer(u, u) - MU0 * magnet.Ms * np.diag(magnet.demag)
    B = (float(np.abs(np.linalg.eigvalsh(A)).max()) + float(np.linalg.norm(field))
         + (torque.max_field(magnet, abs(pulse.amplitude)) if torque is not None else 0.0))
    dt = ROTATION_PER_STEP / (magnet.gamma * B)
    if temperature > 0:
        dt = min(dt, ROTATION_PER_STEP**2 / magnet.thermal_diffusion(temperature))
    return dt


def _start_side(magnet, initial):
    u = np.asarray(magnet.easy_axis)
    if isinstance(initial, str):
        v.choice("initial", initial, ("thermal",))
        return +1, None
    m0 = np.asarray(v.direction("initial", initial))
    p = float(m0 @ u)
    if p == 0.0:
        raise ValueError(f"`initial` = {tuple(m0)} lies on the boundary between the wells "
                         "(m0 . easy_axis = 0): give a state in one well")
    return (1 if p > 0 else -1), m0


def _setup(magnet, torque, pulse, field, temperature, relax, initial, rel_error, method, seed,
           dt, max_trajectories):
    _checks.models(magnet, torque, pulse)
    field = v.vector3("field", field, "T")
    temperature = v.nonnegative("temperature", temperature, "K")
    relax = relax_time(magnet, field) if relax is None else v.nonnegative("relax", relax, "s")
    side, m0 = _start_side(magnet, initial)
    rel_error = v.positive("rel_error", rel_error)
    if rel_error >= 1:
        raise ValueError(f"`rel_error` must lie in (0, 1), got {rel_error!r}")
    method = v.choice("method", method, METHODS)
    seed = v.seed("seed", seed)
    if seed is None:  # fresh entropy, recorded: every work item derives from the same root
        seed = int(np.random.SeedSequence().entropy)
    max_trajectories = v.count("max_trajectories", max_trajectories)
    t_end = pulse.end + relax
    dt = default_dt(magnet, torque, pulse, field, temperature) if dt is None else v.positive(
        "dt", dt, "s")
    return dict(field=field, temperature=temperature, relax=relax, side=side, m0=m0,
                rel_error=rel_error, method=method, seed=seed, dt=dt, t_end=t_end,
                max_trajectories=max_trajectories)


def _deterministic(magnet, torque, pulse, s, kind):
    """T = 0: one deterministic run from the well minimum (or m0): 0 or 1."""
    m0 = s["m0"] if s["m0"] is not None else sampling.well_minimum(magnet, s["field"], s["side"])
    ds = simulate(magnet, torque, pulse, field=s["field"], m0=m0, t_end=s["t_end"],
                  dt=s["t_end"] / 4, method="dopri", save_every=10**9)
    c = float(ds["m"].values[-1, 0] @ np.asarray(magnet.easy_axis))
    c_b = sampling.saddle(magnet, s["field"])
    in_start = s["side"] * (c - c_b) > 0
    value = float(in_start if kind == "write" else not in_start)
    return value, ("temperature = 0: the dynamics is deterministic and the rate is exactly 0 or "
                   f"1; this run {'stays in' if in_start else 'leaves'} the start well")


def _check_reaches_switching(magnet, torque, pulse, s):
    """ValueError if a T = 0 run of the pulse from a typical thermal tilt does not switch."""
    sampler = sampling.WellSampler(magnet, s["field"], s["temperature"], s["side"])
    tilt = 1.0 / math.sqrt(max(sampler.kappa, 1.0))
    a = sampler.a
    e1, e2 = sampling._frame(a)
    m0 = np.array([math.cos(tilt) * a + math.sin(tilt) * (math.cos(p) * e1 + math.sin(p) * e2)
                   for p in np.linspace(0, 2 * np.pi, 4, endpoint=False)])
    ds = simulate(magnet, torque, pulse, field=s["field"], m0=m0, t_end=s["t_end"],
                  dt=s["t_end"] / 4, method="dopri", members=4, save_every=10**9)
    c = ds["m"].values[-1] @ np.asarray(magnet.easy_axis)
    if np.all(s["side"] * (c - sampler.c_s) > 0):
        raise ValueError(
            f"`pulse` ({pulse.describe()}) never reaches the switching current: at T = 0 it "
            f"does not switch the layer from a thermal tilt of {tilt:.3g} rad, so the write "
            "error rate is ~1 (use switching_probability, or raise the amplitude or duration)")


def _chunk_ams(magnet, torque, pulse, s, kind, replicas, seeds):
    system, save_every, xi, sampler = _engine(magnet, torque, pulse, s, kind, SAVED_SAMPLES)
    est, n, steps = splitting.ams_runs(system, save_every, xi, sampler, replicas, seeds)
    return list(est), n, steps


def _chunk_ams_pilot(magnet, torque, pulse, s, kind, replicas, seeds, floor):
    system, save_every, xi, sampler = _engine(magnet, torque, pulse, s, kind, SAVED_SAMPLES)
    return splitting.ams_pilot(system, save_every, xi, sampler, replicas, seeds, floor)


def _chunk_direct(magnet, torque, pulse, s, kind, members, seed):
    system, save_every, xi, sampler = _engine(magnet, torque, pulse, s, kind, 2)
    return splitting.direct_count(system, save_every, xi, sampler, members, seed)


def _engine(magnet, torque, pulse, s, kind, n_saved):
    system = ensemble_system(magnet, torque, pulse, s["field"], s["temperature"], s["dt"],
                             s["t_end"])
    save_every = max(1, -(-system.n_steps // (n_saved - 1)))
    n_save = -(-system.n_steps // save_every) + 1
    c_b = sampling.saddle(magnet, s["field"])
    if s["m0"] is None:
        ws = sampling.WellSampler(magnet, s["field"], s["temperature"], s["side"])
        sampler = ws.sample
    else:
        m0 = np.asarray(s["m0"])

        def sampler(n, rng):
            return np.tile(m0, (n, 1))
    rate = 0.0
    if kind == "write" and n_saved > 2:
        rate = splitting.growth_rate(system, save_every, sampler, s["side"] * np.asarray(
            magnet.easy_axis), pulse.end, PILOT_RATE, _seeds(s["seed"], 1, 2_000_000)[0])
        rate = rate if rate > 0 else 1.0 / max(pulse.end, s["dt"])
    xi = splitting.coordinate("stay" if kind == "write" else "leave", magnet.easy_axis,
                              s["side"], c_b, n_save, pulse.end, save_every * s["dt"], rate,
                              magnet.thermal_diffusion(s["temperature"]) / (1 + magnet.damping**2))
    return system, save_every, xi, sampler


def _seeds(seed, n, offset):
    """Seeds of the children offset .. offset + n - 1 of SeedSequence(seed) (what
    ``spawn`` would give, without spawning the ones before)."""
    root = np.random.SeedSequence(seed)
    return [int(np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, offset + i))
                .generate_state(1)[0]) for i in range(n)]


class OutOfReach(ValueError):
    """The requested relative error cannot be reached within ``max_trajectories``."""


def direct_need(events, done, target):
    """Fewest direct runs that can reach relative error ``target`` (and 10 events), given
    ``events`` in ``done`` runs: the count at the 95 % Wilson upper bound of the rate (for no
    event about 3.8/done, the rule of three), so the true need exceeds it with 97.5 %
    confidence."""
    p_hi = float(wilson_interval(events, done)[1])
    return max((1 - p_hi) / (p_hi * target**2), 10.0 / p_hi)


def _out_of_reach(events, done, target, budget, method):
    p = events / done
    rel = math.sqrt((1 - p) / (done * p)) if events else math.inf
    return OutOfReach(
        f"the rate is out of reach of `max_trajectories` = {budget} with `method` = "
        f"'{method}': {events} event(s) in {done} direct runs (relative error {rel:.3g}), and "
        f"`rel_error` = {target:g} needs at least {direct_need(events, done, target):.3g} runs "
        "(95 % upper bound of the rate); use method='ams' (or 'auto'), or raise "
        "max_trajectories or rel_error")


def _reachable_rate(target, budget):
    """The smallest rate direct runs can resolve to ``target`` within ``budget`` runs (and 10
    events)."""
    return max(1.0 / (budget * target**2 + 1.0), 10.0 / budget)


def _run_direct(loop, args, s, target, budget, done=0, events=0, first_seed=0):
    """Direct runs until the relative error reaches ``target``; OutOfReach as soon as the rate
    is seen to be out of reach of ``budget`` runs:

    * the 95 % upper bound of the rate (one-sided for no event: the rule of three) asks for
      more than ``budget`` runs; or
    * after a first batch with fewer than 10 events, a cheap AMS pilot (PILOT_AMS_RUNS runs of
      PILOT_AMS_REPLICAS replicas, stopped once its level product falls a factor
      PILOT_MARGIN below the reachable rate) puts the rate more than PILOT_MARGIN below the
      smallest rate ``budget`` runs can resolve; the rate guess is min(PILOT_MARGIN x pilot,
      the Wilson upper bound), so only a pilot low by more than PILOT_MARGIN could refuse a
      reachable rate.

    A vanishing rate is thus refused after one batch (seconds) instead of after ~budget runs,
    which the upper bound alone would need (it shrinks only as 1/done)."""
    n_seeds = first_seed
    piloted = False
    while True:
        p = events / done if done else 0.0
        if events >= 10 and math.sqrt((1 - p) / (done * p)) <= target:
            return done, events, n_seeds
        if done >= budget or (done and direct_need(events, done, target) > budget):
            raise _out_of_reach(events, done, target, budget, "direct")
        if done and events < 10 and not piloted:
            piloted = True
            p_min = _reachable_rate(target, budget)
            seeds = _seeds(s["seed"], PILOT_AMS_RUNS, 3_000_000)
            guess = loop.run(_chunk_ams_pilot, [Chunk((*args, PILOT_AMS_REPLICAS, seeds,
                                                       math.log(p_min / PILOT_MARGIN)))])[0]
            guess = min(PILOT_MARGIN * guess, float(wilson_interval(events, done)[1]))
            if guess < p_min:
                raise OutOfReach(
                    f"the rate is out of reach of `max_trajectories` = {budget} with `method` = "
                    f"'direct': {events} event(s) in {done} direct runs, and an AMS pilot puts "
                    f"it below {guess:.2g}, where `rel_error` = {target:g} needs more than "
                    f"{budget} runs; use method='ams' (or 'auto'), or raise max_trajectories "
                    "or rel_error")
        need = (1 - p) / (p * target**2) - done if events else 4 * done + DIRECT_CHUNK
        need = int(min(max(need, DIRECT_CHUNK), budget - done))
        sizes = [DIRECT_CHUNK] * (need // DIRECT_CHUNK) + ([need % DIRECT_CHUNK] if need % DIRECT_CHUNK else [])
        seeds = _seeds(s["seed"], len(sizes), 1000_000 + n_seeds)
        n_seeds += len(sizes)
        for k, n, _ in loop.run(_chunk_direct, [Chunk((*args, m, sd)) for m, sd in zip(sizes, seeds)]):
            events += k
            done += n


def _run_ams(loop, args, s, target, budget, replicas):
    est, n_traj, steps, n_runs = [], 0, 0, 0
    runs = FIRST_RUNS
    while True:
        groups = [min(RUNS_PER_CHUNK, runs - i) for i in range(0, runs, RUNS_PER_CHUNK)]
        seeds = _seeds(s["seed"], runs, n_runs)
        n_runs += runs
        chunks, i = [], 0
        for g in groups:
            chunks.append(Chunk((*args, replicas, seeds[i:i + g])))
            i += g
        for e, n, st in loop.run(_chunk_ams, chunks):
            est.extend(e)
            n_traj += n
            steps += st
        x = np.asarray(est)
        mean = x.mean()
        rel = x.std(ddof=1) / math.sqrt(x.size) / mean if mean > 0 else math.inf
        if rel <= target:
            return x, n_traj, steps
        if n_traj >= budget or mean == 0:
            raise ValueError(
                f"the rate is out of reach of `max_trajectories` = {budget} by AMS: relative error "
                f"{rel:.3g} > `rel_error` = {target:g} after {n_traj} trajectories (mean "
                f"{mean:.3g}); raise max_trajectories or rel_error")
        per_run = n_traj / x.size
        runs = int(min(math.ceil(x.size * ((rel / target) ** 2 - 1)) + 1,
                       max(1, (budget - n_traj) // per_run), 4 * x.size))
        runs = max(runs, 1)


def _rate(kind, magnet, torque, pulse, field, temperature, relax, initial, rel_error, method,
          seed, executor, progress, dt, replicas, max_trajectories):
    wall = time.perf_counter()
    s = _setup(magnet, torque, pulse, field, temperature, relax, initial, rel_error, method,
               seed, dt, max_trajectories)
    replicas = v.count("replicas", replicas, min=2)
    details = {"kind": kind, "dt": s["dt"], "t_end": s["t_end"], "relax": s["relax"],
               "temperature": s["temperature"], "pulse": pulse.describe(),
               "field": list(s["field"]), "seed": s["seed"], "note": ""}
    if s["temperature"] == 0:
        value, note = _deterministic(magnet, torque, pulse, s, kind)
        details["note"] = note
        return RateResult(value, (value, value), 0.0, 1, "deterministic",
                          time.perf_counter() - wall, details)
    if kind == "write":
        _check_reaches_switching(magnet, torque, pulse, s)
    args = (magnet, torque, pulse, s, kind)
    target, budget = s["rel_error"], s["max_trajectories"]
    with WorkLoop(executor, progress=progress, desc=f"llgsot {kind} error rate",
                  unit="batch") as loop:
        method = s["method"]
        done = events = n_seeds = 0
        if method == "auto":
            k, n, _ = loop.run(_chunk_direct, [Chunk((*args, PILOT, _seeds(s["seed"], 1, 999_999)[0]))])[0]
            done, events, n_seeds = n, k, 0
            p = k / n
            direct_cost = (1 - p) / (p * target**2) if k else math.inf
            lnp = -math.log(p) if k else -math.log(1.0 / n)
            ams_cost = lnp * (1 + lnp) / target**2
            method = "direct" if direct_cost <= ams_cost and direct_cost <= budget else "ams"
        if method == "direct":
            try:
                n, k, _ = _run_direct(loop, args, s, target, budget, done, events, n_seeds)
            except OutOfReach as exc:
                if s["method"] != "auto":
                    raise
                method = "ams"  # the pilot was optimistic: the direct runs showed it
                details["note"] = f"auto: direct runs gave up ({exc}); AMS instead"
        if method == "direct":
            p = k / n
            lo, hi = wilson_interval(k, n)
            rel = math.sqrt((1 - p) / (n * p)) if k else math.inf
            details.update({"events": k})
            return RateResult(p, (float(lo), float(hi)), rel, n, "direct",
                              time.perf_counter() - wall, details)
        x, n_traj, steps = _run_ams(loop, args, s, target, budget, replicas)
    mean = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(x.size))
    tq = float(stats.t.ppf(0.975, x.size - 1))
    details.update({"runs": int(x.size), "replicas": replicas, "member_steps": int(steps),
                    "run_estimates": x.tolist()})
    return RateResult(mean, (max(0.0, mean - tq * se), mean + tq * se), se / mean, n_traj,
                      "ams", time.perf_counter() - wall, details)


def write_error_rate(magnet, torque, pulse, field=(0.0, 0.0, 0.0), temperature=300.0, relax=None,
                     initial="thermal", rel_error=0.1, method="auto", seed=None, executor=None,
                     progress=False, dt=None, replicas=REPLICAS, max_trajectories=10**7):
    """Probability that ``pulse`` leaves the layer outside the target well (write error rate).

    The layer starts in the well of +easy_axis (``initial="thermal"``: each member drawn
    exactly from the Boltzmann distribution of that well, :class:`.sampling.WellSampler`)
    or at the fixed state ``initial`` (3 numbers; its well is the start well); the target
    is the opposite well. After the pulse and ``relax`` the member is in the target well
    when (m.u - c_s) has the target's sign, c_s = -B_u/B_K,eff.

    Parameters
    ----------
    magnet : Macrospin
    torque : ConstantSOT or TableSOT
    pulse : Pulse
        Write pulse (A/m^2, s).
    field : 3 numbers
        Static external field (T).
    temperature : float
        K, >= 0; at 0 the result is 0 or 1 from one deterministic run (method
        "deterministic", said in ``details["note"]``).
    relax : float or None
        Time after the pulse (s); None: ten damping times, at least 2 ns.
    initial : "thermal" or 3 numbers
    rel_error : float
        Target relative standard error, in (0, 1).
    method : "auto", "direct" or "ams"
        "auto" runs a pilot ensemble of 1024 and takes the cheaper method for ``rel_error``.
    seed : int or None
        Root seed; results do not depend on the executor.
    executor, progress
        As for the other sweeps (:class:`llgsot.parallel.WorkLoop`).
    dt : float or None
        Heun step (s); None: :func:`llgsot.studies.switching.auto_dt`.
    replicas : int
        Replicas per AMS run.
    max_trajectories : int
        Budget; a rate out of reach within it is a ValueError (:class:`OutOfReach`) naming
        it, ``rel_error`` and ``method``. Direct runs see this early (after the first batch:
        the 95 % upper bound of the rate, and a cheap AMS pilot when fewer than 10 events
        came), not after spending the budget; under "auto" they fall back to AMS.

    Returns
    -------
    RateResult
    """
    return _rate("write", magnet, torque, pulse, field, temperature, relax, initial, rel_error,
                 method, seed, executor, progress, dt, replicas, max_trajectories)


def read_disturb_rate(magnet, torque, pulse, field=(0.0, 0.0, 0.0), temperature=300.0,
                      relax=None, initial="thermal", rel_error=0.1, method="auto", seed=None,
                      executor=None, progress=False, dt=None, replicas=REPLICAS,
                      max_trajectories=10**7):
    """Probability that a read ``pulse`` (read current density and duration, A/m^2 and s)
    leaves the layer outside its start well after ``relax``: the read-disturb rate.
    Arguments as :func:`write_error_rate` (the AMS coordinate is the distance from the start
    pole instead)."""
    return _rate("read", magnet, torque, pulse, field, temperature, relax, initial, rel_error,
                 method, seed, executor, progress, dt, replicas, max_trajectories)
