"""Batch advance of stochastic macrospin states: the engine entry point of rare-event methods.

:func:`simulate` integrates an ensemble that starts together at t = 0. Splitting methods
(:mod:`llgsot.reliability`) need something else: a batch of members, each starting from its
own state *at its own time* on a common step grid t_n = n dt, advanced with fresh noise to a
common end, with their states kept every ``save_every`` steps. That is :func:`advance`.

The step is the engine's Heun (Stratonovich) step with Brown's thermal field, exactly as in
:func:`llgsot.dynamics.integrators.heun_ensemble`: per step one field
B_th = sigma_th (N1, N2, N3), sigma_th = sqrt(D/dt)/gamma, D = magnet.thermal_diffusion(T),
held in the predictor and the corrector, m projected back onto the sphere after the step;
member k's normals come from its own SplitMix64 stream seeded with ``seeds[k]``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import prange

from .. import _validate as v
from .._jit import njit, pnjit
from .cell import SOTCell
from .drive import as_current, as_field
from .integrators import _MAXFLOAT
from .kernels import field_at, interp_linear, interp_linear3, interp_linear_col, llg, stt_field
from .simulate import kernel_problem
from .rng import normal


@dataclass(frozen=True)
class EnsembleSystem:
    """A stochastic LLG problem packed for :func:`advance` (build with :func:`ensemble_system`).

    Attributes: ``problem`` (the kernels' :class:`~.kernels.Problem`), ``dt`` (s),
    ``sigma_th`` (T, thermal field rms per component and step), ``n_steps`` (steps to
    ``t_end``), ``axis`` (unit vector, the magnet's easy axis).
    """

    problem: tuple
    dt: float
    sigma_th: float
    n_steps: int
    axis: tuple


def ensemble_system(magnet, torque, current, field, temperature, dt, t_end) -> EnsembleSystem:
    """Pack ``magnet`` (a Macrospin or an SOTCell), ``torque`` (a torque object or None),
    ``current`` (number, Pulse or Waveform, A/m^2), ``field`` (3 numbers in T or a vector
    Waveform), ``temperature`` (K), the step ``dt`` (s) and the end time ``t_end`` (s, rounded
    up to whole steps) for :func:`advance`, with :func:`llgsot.simulate`'s packing
    (:func:`~.simulate.kernel_problem`)."""
    temperature = v.nonnegative("temperature", temperature, "K")
    dt = v.positive("dt", dt, "s")
    t_end = v.positive("t_end", t_end, "s")
    cur, _ = as_current(current)
    fld, _ = as_field(field)
    cell = None
    if isinstance(magnet, SOTCell):
        cell, magnet = magnet, magnet.free
    pb, _ = kernel_problem(magnet, torque, cur, fld, cell)
    sigma_th = 0.0
    if temperature > 0:
        sigma_th = math.sqrt(magnet.thermal_diffusion(temperature) / dt) / magnet.gamma
    return EnsembleSystem(pb, dt, sigma_th, max(1, math.ceil(t_end / dt - 1e-9)),
                          tuple(magnet.easy_axis))


def advance(system: EnsembleSystem, m, start, save_every, seeds, out=None):
    """Advance member k from its state ``m[k]`` at step ``start[k]`` (t = start[k] dt) to step
    ``n_end`` = (number of saved samples - 1) * save_every with fresh noise.

    Parameters
    ----------
    system : EnsembleSystem
    m : (n, 3) array
        Unit start states.
    start : (n,) int array
        Start steps, each a multiple of ``save_every`` in [0, n_end].
    save_every : int
        Steps between saved samples.
    seeds : (n,) uint64 array
        Noise seeds, one per member.
    out : (n_save, n, 3) array or None
        Saved states: sample j is the state at step j * save_every; samples before a member's
        start are left untouched. None allocates it with n_save = ceil(system.n_steps /
        save_every) + 1 (NaN-filled).

    Returns
    -------
    (out, status): status[k] is 0, or 1 if member k became non-finite (its later samples NaN).
    """
    m = np.ascontiguousarray(m, dtype=float)
    start = np.ascontiguousarray(start, dtype=np.int64)
    seeds = np.ascontiguousarray(seeds, dtype=np.uint64)
    n = m.shape[0]
    if out is None:
        n_save = -(-system.n_steps // save_every) + 1
        out = np.full((n_save, n, 3), np.nan)
    if out.shape[1:] != (n, 3) or start.shape != (n,) or seeds.shape != (n,):
        raise ValueError("`m`, `start`, `seeds` and `out` disagree on the number of members")
    n_end = (out.shape[0] - 1) * save_every
    if n and (np.any(start % save_every) or start.min() < 0 or start.max() > n_end):
        raise ValueError(f"`start` steps must be multiples of save_every = {save_every} in "
                         f"[0, {n_end}]")
    status = np.zeros(n, dtype=np.int64)
    # a few members (the clones of one splitting step): one thread, no parallel launch
    kernel = _advance_kernel if n >= PARALLEL_MIN else _advance_serial
    kernel(m, start, save_every, system.dt, system.sigma_th, seeds, *system.problem,
                    out, status)
    return out, status


#: fewest members for which the parallel kernel is used
PARALLEL_MIN = 32


@pnjit
def _advance_kernel(m0, start, save_every, dt, sigma_th, seeds, par_a, geom, coef, cur_t,
                    cur_v, fld_t, fld_v, out, status):
    n_end = (out.shape[0] - 1) * save_every
    h2 = 0.5 * dt
    thermal = sigma_th > 0.0
    for k in prange(m0.shape[0]):
        par = par_a[0]
        gll = par.gamma_ll
        a = par.damping
        stt = par.stt != 0
        mx = m0[k, 0]
        my = m0[k, 1]
        mz = m0[k, 2]
        s = seeds[k]
        j = start[k] // save_every
        out[j, k, 0] = mx
        out[j, k, 1] = my
        out[j, k, 2] = mz
        hx = 0.0
        hy = 0.0
        hz = 0.0
        ok = True
        for n in range(start[k], n_end):
            t = n * dt
            if thermal:
                s, g1 = normal(s)
                s, g2 = normal(s)
                s, g3 = normal(s)
                hx = sigma_th * g1
                hy = sigma_th * g2
                hz = sigma_th * g3
            J0 = interp_linear(cur_t, cur_v, t)
            J1 = interp_linear(cur_t, cur_v, t + dt)
            e0x, e0y, e0z = interp_linear3(fld_t, fld_v, t)
            e1x, e1y, e1z = interp_linear3(fld_t, fld_v, t + dt)
            bx, by, bz = field_at(mx, my, mz, J0, e0x, e0y, e0z, par, geom, coef)
            if stt:  # a cell: the STT of the MTJ current (column 3 of the field drive)
                sx, sy, sz = stt_field(mx, my, mz, interp_linear_col(fld_t, fld_v, t, 3), par)
                bx += sx
                by += sy
                bz += sz
            kx, ky, kz = llg(mx, my, mz, bx + hx, by + hy, bz + hz, gll, a)
            px = mx + dt * kx
            py = my + dt * ky
            pz = mz + dt * kz
            bx, by, bz = field_at(px, py, pz, J1, e1x, e1y, e1z, par, geom, coef)
            if stt:
                sx, sy, sz = stt_field(px, py, pz, interp_linear_col(fld_t, fld_v, t + dt, 3), par)
                bx += sx
                by += sy
                bz += sz
            fx, fy, fz = llg(px, py, pz, bx + hx, by + hy, bz + hz, gll, a)
            nx = mx + h2 * (kx + fx)
            ny = my + h2 * (ky + fy)
            nz = mz + h2 * (kz + fz)
            nrm = math.sqrt(nx * nx + ny * ny + nz * nz)
            if not (nrm > 0.0 and nrm < _MAXFLOAT):
                ok = False
                break
            mx = nx / nrm
            my = ny / nrm
            mz = nz / nrm
            if (n + 1) % save_every == 0:
                j = (n + 1) // save_every
                out[j, k, 0] = mx
                out[j, k, 1] = my
                out[j, k, 2] = mz
        if not ok:
            status[k] = 1
            for jj in range(j + 1, out.shape[0]):
                out[jj, k, 0] = np.nan
                out[jj, k, 1] = np.nan
                out[jj, k, 2] = np.nan


_advance_serial = njit(_advance_kernel.py_func)
