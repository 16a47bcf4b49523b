"""Exact Boltzmann sampling of the initial well, and the wells' boundary.

The density of m on the unit sphere is proportional to exp(-V e(m)/k_B T) with e(m) the
energy density of :meth:`Macrospin.energy_density` (any anisotropy, demagnetizing factors
and static field). The well of the pole ``side * u`` (u the easy axis) is the set
side (m.u) > side c_s, where c_s is the saddle of the energy along the easy axis:
c_s = -B_u / B_K,eff with B_u the field component along u and B_K,eff the effective
anisotropy field (:meth:`Macrospin.effective_anisotropy_field`); this is the exact
separatrix for the axially symmetric magnet and the hemisphere boundary (shifted by the
axial field) otherwise.

Sampling is exact, by rejection from a von Mises-Fisher proposal q(m) ~ exp(kappa m.a)
about the well's minimum a (found by minimising e). The acceptance ratio
r(m) = exp(-V (e(m) - e_min)/k_B T - kappa (m.a - 1)) must stay below a bound M; M is the
maximum of r on a dense (theta, phi) grid of the well times 1.05, and every proposal is
checked against it (a RuntimeError, never a silently biased sample, if one exceeds it).
kappa is the barrier Delta = V (e_saddle - e_min)/k_B T (at least 1): for the uniaxial layer
the ratio is then at most 1 on the hemisphere (equality at the pole and at the equator) and
about half of the proposals are accepted.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize

from ..constants import K_B

#: grid of the bound search: theta and phi points
_GRID = (400, 64)


def saddle(magnet, field=(0.0, 0.0, 0.0)) -> float:
    """c_s = -B_u / B_K,eff (clipped to [-1, 1]): the boundary of the wells in m.u."""
    u = np.asarray(magnet.easy_axis)
    bk = magnet.effective_anisotropy_field(_perp(u))
    if bk <= 0:
        raise ValueError(f"`magnet` has no easy axis: B_K,eff = {bk:.4g} T <= 0")
    return float(np.clip(-np.asarray(field, float) @ u / bk, -1.0, 1.0))


def _perp(u):
    w = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    return w - (w @ u) * u


def _frame(a):
    """Orthonormal e1, e2 perpendicular to a."""
    e1 = _perp(a)
    e1 /= np.linalg.norm(e1)
    return e1, np.cross(a, e1)


def well_minimum(magnet, field, side):
    """The unit vector of the energy minimum in the well of side * u."""
    u = np.asarray(magnet.easy_axis) * side
    e1, e2 = _frame(u)

    def m_of(x):
        th, ph = x
        return (math.cos(th) * u + math.sin(th) * (math.cos(ph) * e1 + math.sin(ph) * e2))

    best = min((minimize(lambda x: float(magnet.energy_density(m_of(x), field)), [th0, ph0],
                         method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-30})
                for th0 in (1e-3, 0.3) for ph0 in (0.0, 2.0, 4.0)), key=lambda r: r.fun)
    return m_of(best.x)


class WellSampler:
    """Exact Boltzmann samples of m in the well ``side`` (+1: the pole +u, -1: -u) of
    ``magnet`` in the static ``field`` (T) at ``temperature`` (K, > 0)."""

    def __init__(self, magnet, field, temperature, side):
        self.magnet = magnet
        self.field = tuple(float(x) for x in field)
        self.side = int(side)
        self.beta_v = magnet.volume / (K_B * temperature)
        self.u = np.asarray(magnet.easy_axis)
        self.c_s = saddle(magnet, field)
        self.a = well_minimum(magnet, field, side)
        self.e_min = float(magnet.energy_density(self.a, field))
        # barrier scale along the easy axis -> kappa
        ms = self.u * self.c_s + _perp(self.u) / np.linalg.norm(_perp(self.u)) * math.sqrt(
            max(0.0, 1.0 - self.c_s**2))
        delta = self.beta_v * (float(magnet.energy_density(ms, field)) - self.e_min)
        self.kappa = max(delta, 1.0)
        self.log_bound = self._bound()

    def _inside(self, m):
        return self.side * (m @ self.u) > self.side * self.c_s

    def _log_ratio(self, m):
        e = self.magnet.energy_density(m, self.field)
        return -self.beta_v * (e - self.e_min) - self.kappa * (m @ self.a - 1.0)

    def _bound(self):
        e1, e2 = _frame(self.a)
        th = np.linspace(0.0, np.pi, _GRID[0])
        ph = np.linspace(0.0, 2 * np.pi, _GRID[1], endpoint=False)
        T, P = np.meshgrid(th, ph, indexing="ij")
        m = (np.cos(T)[..., None] * self.a + np.sin(T)[..., None]
             * (np.cos(P)[..., None] * e1 + np.sin(P)[..., None] * e2))
        r = np.where(self._inside(m), self._log_ratio(m), -np.inf)
        return float(r.max()) + math.log(1.05)

    def _vmf(self, n, rng):
        k = self.kappa
        x = rng.random(n)
        w = 1.0 + np.log(x + (1.0 - x) * math.exp(-2.0 * k)) / k
        ph = 2 * np.pi * rng.random(n)
        e1, e2 = _frame(self.a)
        s = np.sqrt(np.clip(1.0 - w * w, 0.0, None))
        return (w[:, None] * self.a + s[:, None] * (np.cos(ph)[:, None] * e1
                                                    + np.sin(ph)[:, None] * e2))

    def sample(self, n, rng) -> np.ndarray:
        """(n, 3) unit vectors; ``rng`` a numpy Generator."""
        out = np.empty((0, 3))
        while out.shape[0] < n:
            k = max(64, 3 * (n - out.shape[0]))
            m = self._vmf(k, rng)
            m = m[self._inside(m)]
            lr = self._log_ratio(m)
            if np.any(lr > self.log_bound):
                raise RuntimeError("Boltzmann rejection sampling: the acceptance bound was "
                                   "exceeded (the energy landscape is finer than the bound's grid)")
            keep = np.log(rng.random(m.shape[0])) < lr - self.log_bound
            out = np.concatenate([out, m[keep]])
        return out[:n]
