"""Rare-event estimators on the batch engine: adaptive multilevel splitting and direct ensembles.

Both estimate p = P(event at the end of a run), where a run is the stochastic LLG from a
Boltzmann initial state over a fixed time [0, T] (pulse + relaxation) and the event is
decided by the final state (not in the target well). The trajectories run on
:func:`llgsot.dynamics.ensemble.advance`; the saved samples (every ``save_every`` steps)
form a Markov chain in (t, m), which is what the splitting acts on.

Adaptive multilevel splitting (AMS; Cerou & Guyader 2007; the generalized, tie-safe form
of Brehier, Lelievre & Rousset, Ann. Appl. Probab. 26, 3559 (2016)). Each path gets the score
S = max_j xi(t_j, m_j) of a reaction coordinate xi(t, m) that is < 1 before T and, at T, is
1 exactly when the event happened (else -inf): so {S >= 1} is the event. With N replicas,
each iteration kills every replica whose score is <= z, the lowest score, and replaces it
by a copy of a surviving replica (chosen uniformly) up to the first sample where that one's
xi exceeds z, continued from there with fresh noise. The estimator
p_hat = prod_q (1 - K_q / N) * (#{S >= 1} / N) is unbiased for any xi (Brehier et al.,
Theorem 4.1), and the level crossing is decided on the saved chain, so no time
discretization of the crossing enters. Nothing about the torque is assumed: arbitrary
angle-dependent (table) torques, fields and pulses are handled alike, and there is no
tilted dynamics to design (importance sampling would need one per torque model).

Independent AMS runs (own seeds) are averaged; their spread gives the standard error.
"""
from __future__ import annotations

import math

import numpy as np

from ..dynamics.ensemble import advance

#: xi stays below 1 before the end: the state part is scaled by this
_BELOW = 1.0 - 1e-9


def half_angle_log(states, axis):
    """ln tan(theta/2) of the angle theta between each state (..., 3) and the unit ``axis``,
    from the perpendicular component (no cancellation near the pole)."""
    c = states @ axis
    perp = np.linalg.norm(states - c[..., None] * axis, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(perp) - np.log1p(c)


def coordinate(kind, u, side, c_b, n_save, t_pulse_end=0.0, dt_save=1.0, rate=0.0,
               diffusion=1.0):
    """The reaction coordinate xi(t_j, m) on the saved samples, as a function of (states
    (n_save - j0, k, 3), first sample index j0) -> xi (n_save - j0, k), with values in
    (-1, 1) before the last sample.

    kind "stay" (write errors: the event is ending in the start well, pole a = side u):
        q = rate [2 min(t, t_pulse_end) - theta^2 / theta_n^2], theta the angle from a and
        theta_n^2 = D' / rate (D' = ``diffusion``, the tangent-plane diffusion D/(1 + a^2)).
        For a pole that the pulse makes unstable at ``rate`` kappa (1/s), r = theta (cos,
        sin) grows as dr = kappa r dt + sqrt(D') dW, so the log-probability of still being
        near the pole at the end of the pulse is, up to a constant, -kappa theta^2/D' +
        2 kappa t: q is that log-committor; xi = q/(1 + |q|).
    kind "leave" (read disturb: the event is ending beyond the boundary c_b):
        xi = (1 - m.a)/2 * (1 - 1e-9): further from the start pole.
    At the last sample xi = 1 if the event happened, -inf otherwise. Any such coordinate
    leaves AMS unbiased; a good one (near a function of the committor) lowers its variance.
    """
    a = side * np.asarray(u, float)

    def xi(states, j0=0):
        s = states @ a
        if kind == "stay":
            t = np.arange(j0, j0 + states.shape[0])[:, None] * dt_save
            th2 = 2.0 * (1.0 - s)  # theta^2 near the pole, monotone everywhere
            q = rate * (2.0 * np.minimum(t, t_pulse_end) - th2 / diffusion)
            x = q / (1.0 + np.abs(q))
            event = s[-1] > side * c_b
        else:
            x = 0.5 * (1.0 - s) * _BELOW
            event = s[-1] < side * c_b
        x[-1] = np.where(event, 1.0, -np.inf) if j0 + states.shape[0] == n_save else x[-1]
        return np.where(np.isnan(x), -np.inf, x)

    return xi


def growth_rate(system, save_every, sampler, axis, t_pulse_end, members, seed):
    """Median rate (1/s) at which ln tan(theta/2) grows during the pulse while
    1e-3 < theta < 0.5 rad, on an independent pilot ensemble of ``members`` runs (0 if it
    does not grow): the ``rate`` of the "stay" coordinate."""
    rng = np.random.default_rng(seed)
    m0 = sampler(members, rng)
    noise = rng.integers(0, 2**63, members, dtype=np.uint64)
    traj, _ = advance(system, m0, np.zeros(members, np.int64), save_every, noise)
    t = np.arange(traj.shape[0]) * save_every * system.dt
    y = half_angle_log(traj, np.asarray(axis, float))
    rates = []
    for k in range(members):
        ok = (t <= t_pulse_end) & (y[:, k] > math.log(5e-4)) & (y[:, k] < math.log(0.25))
        if ok.sum() >= 3:
            rates.append(np.polyfit(t[ok], y[ok, k], 1)[0])
    return max(float(np.median(rates)), 0.0) if rates else 0.0


class AMSBatch:
    """``runs`` independent AMS runs of ``replicas`` replicas each, advanced in lockstep so
    that the clones of all runs share one engine call.

    Parameters: the engine ``system``, ``save_every``, ``xi`` (from :func:`coordinate`),
    ``sampler`` (initial states: ``sampler(n, rng)``), ``seeds`` (one int per run).
    """

    def __init__(self, system, save_every, xi, sampler, replicas, seeds):
        self.system = system
        self.save_every = save_every
        self.xi = xi
        self.N = int(replicas)
        self.R = len(seeds)
        self.rngs = [np.random.default_rng(s) for s in seeds]
        n = self.N * self.R
        m0 = np.concatenate([sampler(self.N, g) for g in self.rngs])
        noise = np.concatenate([g.integers(0, 2**63, self.N, dtype=np.uint64) for g in self.rngs])
        self.traj, status = advance(system, m0, np.zeros(n, np.int64), save_every, noise)
        self.n_save = self.traj.shape[0]
        self.x = xi(self.traj)
        self.score = self.x.max(axis=0)
        self.logp = np.zeros(self.R)
        self.done = np.zeros(self.R, bool)
        self.iterations = np.zeros(self.R, np.int64)
        self.clones = 0
        self.member_steps = n * (self.n_save - 1) * save_every

    def run(self, max_iterations=10**7, floor=-math.inf):
        """Iterate every run to its end; a run whose level product exp(logp) falls below
        exp(``floor``) stops there (its estimate is then at most that product: a pilot that
        only needs to know whether p is below a threshold, :func:`ams_pilot`)."""
        N = self.N
        while not self.done.all():
            kill_idx, par_idx, branch = [], [], []
            for r in np.flatnonzero(~self.done):
                if self.logp[r] < floor:
                    self.done[r] = True
                    continue
                sl = slice(r * N, (r + 1) * N)
                S = self.score[sl]
                z = S.min()
                if z >= 1.0:
                    self.done[r] = True
                    continue
                killed = np.flatnonzero(S <= z)
                if killed.size == N:  # extinction: every replica at the same level
                    self.logp[r] = -np.inf
                    self.done[r] = True
                    continue
                self.logp[r] += math.log1p(-killed.size / N)
                self.iterations[r] += 1
                alive = np.flatnonzero(S > z)
                parents = self.rngs[r].choice(alive, size=killed.size)
                for i, p in zip(killed, parents):
                    k = r * N + p
                    b = int(np.argmax(self.x[:, k] > z))
                    kill_idx.append(r * N + i)
                    par_idx.append(k)
                    branch.append(b)
                if self.iterations[r] > max_iterations:
                    raise RuntimeError("AMS did not converge within max_iterations")
            if not kill_idx:
                break
            self._resimulate(np.array(kill_idx), np.array(par_idx), np.array(branch))
        return self

    def _resimulate(self, kill, parent, branch):
        n = kill.size
        run = kill // self.N
        noise = np.array([self.rngs[r].integers(0, 2**63, dtype=np.uint64) for r in run],
                         dtype=np.uint64)
        m0 = self.traj[branch, parent]
        out, _ = advance(self.system, m0, branch * self.save_every, self.save_every, noise)
        for q in range(n):
            b, i, p = branch[q], kill[q], parent[q]
            self.traj[:b, i] = self.traj[:b, p]
            self.traj[b:, i] = out[b:, q]
            self.x[:b, i] = self.x[:b, p]
            self.x[b:, i] = self.xi(out[b:, q][:, None, :], b)[:, 0]
            self.score[i] = self.x[:, i].max()
            self.member_steps += (self.n_save - 1 - b) * self.save_every
        self.clones += n

    def estimates(self) -> np.ndarray:
        """p_hat of each run."""
        N = self.N
        hits = (self.score.reshape(self.R, N) >= 1.0).sum(axis=1)
        return np.exp(self.logp) * hits / N


def ams_pilot(system, save_every, xi, sampler, replicas, seeds, floor):
    """Mean over ``len(seeds)`` AMS runs stopped at the level product exp(``floor``) of each
    run's estimate, or of its level product where it stopped (which bounds its estimate from
    above): a cheap guess of p that is honest about p < exp(floor) (1)."""
    b = AMSBatch(system, save_every, xi, sampler, replicas, seeds).run(floor=floor)
    est = b.estimates()
    stopped = b.logp < floor
    return float(np.where(stopped, np.exp(b.logp), est).mean())


def ams_runs(system, save_every, xi, sampler, replicas, seeds):
    """(estimates per run, trajectories started, member-steps): ``len(seeds)`` AMS runs."""
    b = AMSBatch(system, save_every, xi, sampler, replicas, seeds).run()
    return b.estimates(), b.N * b.R + b.clones, b.member_steps


def direct_count(system, save_every, xi, sampler, members, seed):
    """(events, members, member-steps) of ``members`` independent runs."""
    rng = np.random.default_rng(seed)
    m0 = sampler(members, rng)
    noise = rng.integers(0, 2**63, members, dtype=np.uint64)
    # only the start and the end are needed: one saved interval spanning the run
    traj, _ = advance(system, m0, np.zeros(members, np.int64), save_every, noise)
    x = xi(traj)
    return int((x[-1] >= 1.0).sum()), members, members * (traj.shape[0] - 1) * save_every
