"""numba integrators of the macrospin LLG: fixed-step RK4, adaptive Dormand-Prince 5(4), and
Heun (Stratonovich) for the stochastic LLG with Brown's thermal field.

Every kernel integrates an ensemble (members in parallel with ``prange``; each member's whole
trajectory runs on one thread, so a member's result does not depend on the thread count) and
returns, per member:

* ``out[j, k, :]``: m at the saved times (every ``save_every`` steps; for DOPRI5, every
  ``save_every * dt`` of time, steps are clipped to land on them),
* ``drift[k]``: max over steps of | |m| - 1 | *before* renormalisation. Norm keeping method:
  after every accepted step m is divided by |m| (projection back onto the sphere);
* ``t_cross[k]``: first time m.axis changes sign relative to its initial sign (linear
  interpolation between steps), NaN if never;
* ``status[k]``: 0 ok, 1 m became non-finite (NaN/inf), 2 step-size collapse (DOPRI5),
  3 too many steps (DOPRI5); the step index or time of failure is in ``fail_t[k]``.

Thermal field (Brown), Stratonovich, integrated by Heun: in each step of length dt a field
B_th = sigma_th * (N1, N2, N3) with independent standard normals and
sigma_th = sqrt(2 a k_B T / (gamma Ms V dt)) is drawn once and held fixed in both the predictor
and the corrector stage. The normals come from numba's per-thread Mersenne Twister, seeded with
``seeds[k]`` at the start of member k's loop.
"""
import math

import numpy as np
from numba import prange

from .._jit import njit, pnjit
from .kernels import DAMPING, GAMMA_LL, field, llg, rhs
from .tableau import DOPRI_A, DOPRI_C, DOPRI_E

OK, NONFINITE, STEP_COLLAPSE, TOO_MANY_STEPS = 0, 1, 2, 3
STATUS_MESSAGES = {
    OK: "ok",
    NONFINITE: "m became non-finite (NaN or inf)",
    STEP_COLLAPSE: "step size collapsed below the resolution of t",
    TOO_MANY_STEPS: "maximum number of steps exceeded",
}

_MAXFLOAT = 1.7976931348623157e308


@njit
def _crossing(p_prev, p, t_prev, h, sign0):
    """Time where the projection goes from p_prev to p (opposite signs), by linear interpolation."""
    if p == p_prev:
        return t_prev + h
    return t_prev + h * p_prev / (p_prev - p)


@pnjit
def rk4_ensemble(m0, t0, dt, n_steps, save_every, axis, par, geom, values, slopes,
                 cur_t, cur_v, fld_t, fld_v, out, drift, t_cross, status, fail_t):
    """Classical RK4 with fixed step dt, m renormalised after each step."""
    n_members = m0.shape[0]
    h2 = 0.5 * dt
    h6 = dt / 6.0
    for k in prange(n_members):
        mx = m0[k, 0]
        my = m0[k, 1]
        mz = m0[k, 2]
        out[0, k, 0] = mx
        out[0, k, 1] = my
        out[0, k, 2] = mz
        p0 = mx * axis[0] + my * axis[1] + mz * axis[2]
        sign0 = 1.0 if p0 >= 0.0 else -1.0
        p_prev = p0
        tc = np.nan
        maxd = 0.0
        st = 0
        ft = np.nan
        j = 1
        count = save_every
        for n in range(n_steps):
            t = t0 + n * dt
            ax, ay, az = rhs(mx, my, mz, t, par, geom, values, slopes, cur_t, cur_v, fld_t, fld_v)
            bx, by, bz = rhs(mx + h2 * ax, my + h2 * ay, mz + h2 * az, t + h2, par, geom,
                             values, slopes, cur_t, cur_v, fld_t, fld_v)
            cx, cy, cz = rhs(mx + h2 * bx, my + h2 * by, mz + h2 * bz, t + h2, par, geom,
                             values, slopes, cur_t, cur_v, fld_t, fld_v)
            dx, dy, dz = rhs(mx + dt * cx, my + dt * cy, mz + dt * cz, t + dt, par, geom,
                             values, slopes, cur_t, cur_v, fld_t, fld_v)
            nx = mx + h6 * (ax + 2.0 * (bx + cx) + dx)
            ny = my + h6 * (ay + 2.0 * (by + cy) + dy)
            nz = mz + h6 * (az + 2.0 * (bz + cz) + dz)
            nrm = math.sqrt(nx * nx + ny * ny + nz * nz)
            if not (nrm > 0.0 and nrm < _MAXFLOAT):
                st = 1
                ft = t
                break
            d = abs(nrm - 1.0)
            if d > maxd:
                maxd = d
            mx = nx / nrm
            my = ny / nrm
            mz = nz / nrm
            p = mx * axis[0] + my * axis[1] + mz * axis[2]
            if p * sign0 < 0.0 and tc != tc:
                tc = _crossing(p_prev, p, t, dt, sign0)
            p_prev = p
            count -= 1
            if count == 0:
                count = save_every
                out[j, k, 0] = mx
                out[j, k, 1] = my
                out[j, k, 2] = mz
                j += 1
        while j < out.shape[0]:  # after a failure: fill the rest with NaN
            out[j, k, 0] = np.nan
            out[j, k, 1] = np.nan
            out[j, k, 2] = np.nan
            j += 1
        drift[k] = maxd
        t_cross[k] = tc
        status[k] = st
        fail_t[k] = ft


@pnjit
def heun_ensemble(m0, t0, dt, n_steps, save_every, axis, par, geom, values, slopes,
                  cur_t, cur_v, fld_t, fld_v, sigma_th, seeds, out, drift, t_cross, status, fail_t):
    """Heun (Stratonovich) for the stochastic LLG; sigma_th = 0 gives deterministic Heun."""
    n_members = m0.shape[0]
    h2 = 0.5 * dt
    gll = par[GAMMA_LL]
    a = par[DAMPING]
    thermal = sigma_th > 0.0
    for k in prange(n_members):
        if thermal:
            np.random.seed(seeds[k])
        mx = m0[k, 0]
        my = m0[k, 1]
        mz = m0[k, 2]
        out[0, k, 0] = mx
        out[0, k, 1] = my
        out[0, k, 2] = mz
        p0 = mx * axis[0] + my * axis[1] + mz * axis[2]
        sign0 = 1.0 if p0 >= 0.0 else -1.0
        p_prev = p0
        tc = np.nan
        maxd = 0.0
        st = 0
        ft = np.nan
        j = 1
        count = save_every
        hx = 0.0
        hy = 0.0
        hz = 0.0
        for n in range(n_steps):
            t = t0 + n * dt
            if thermal:
                hx = sigma_th * np.random.standard_normal()
                hy = sigma_th * np.random.standard_normal()
                hz = sigma_th * np.random.standard_normal()
            bx, by, bz = field(mx, my, mz, t, par, geom, values, slopes, cur_t, cur_v, fld_t, fld_v)
            ax, ay, az = llg(mx, my, mz, bx + hx, by + hy, bz + hz, gll, a)
            px = mx + dt * ax
            py = my + dt * ay
            pz = mz + dt * az
            bx, by, bz = field(px, py, pz, t + dt, par, geom, values, slopes, cur_t, cur_v,
                               fld_t, fld_v)
            cx, cy, cz = llg(px, py, pz, bx + hx, by + hy, bz + hz, gll, a)
            nx = mx + h2 * (ax + cx)
            ny = my + h2 * (ay + cy)
            nz = mz + h2 * (az + cz)
            nrm = math.sqrt(nx * nx + ny * ny + nz * nz)
            if not (nrm > 0.0 and nrm < _MAXFLOAT):
                st = 1
                ft = t
                break
            d = abs(nrm - 1.0)
            if d > maxd:
                maxd = d
            mx = nx / nrm
            my = ny / nrm
            mz = nz / nrm
            p = mx * axis[0] + my * axis[1] + mz * axis[2]
            if p * sign0 < 0.0 and tc != tc:
                tc = _crossing(p_prev, p, t, dt, sign0)
            p_prev = p
            count -= 1
            if count == 0:
                count = save_every
                out[j, k, 0] = mx
                out[j, k, 1] = my
                out[j, k, 2] = mz
                j += 1
        while j < out.shape[0]:
            out[j, k, 0] = np.nan
            out[j, k, 1] = np.nan
            out[j, k, 2] = np.nan
            j += 1
        drift[k] = maxd
        t_cross[k] = tc
        status[k] = st
        fail_t[k] = ft


# Dormand-Prince coefficients, frozen as compile-time constants from the tableau module
_C2, _C3, _C4, _C5 = float(DOPRI_C[1]), float(DOPRI_C[2]), float(DOPRI_C[3]), float(DOPRI_C[4])
_A21 = float(DOPRI_A[1, 0])
_A31, _A32 = float(DOPRI_A[2, 0]), float(DOPRI_A[2, 1])
_A41, _A42, _A43 = float(DOPRI_A[3, 0]), float(DOPRI_A[3, 1]), float(DOPRI_A[3, 2])
_A51, _A52, _A53, _A54 = (float(x) for x in DOPRI_A[4, :4])
_A61, _A62, _A63, _A64, _A65 = (float(x) for x in DOPRI_A[5, :5])
_A71, _A73, _A74, _A75, _A76 = (float(DOPRI_A[6, i]) for i in (0, 2, 3, 4, 5))
_E1, _E3, _E4, _E5, _E6, _E7 = (float(DOPRI_E[i]) for i in (0, 2, 3, 4, 5, 6))


@njit
def _dopri_step(mx, my, mz, t, h, k1x, k1y, k1z, par, geom, values, slopes, cur_t, cur_v,
                fld_t, fld_v):
    """One DOPRI5 step from (m, t) with derivative k1; returns y5, k7 = f(y5) and the error vector."""
    k2x, k2y, k2z = rhs(mx + h * _A21 * k1x, my + h * _A21 * k1y, mz + h * _A21 * k1z,
                        t + _C2 * h, par, geom, values, slopes, cur_t, cur_v, fld_t, fld_v)
    k3x, k3y, k3z = rhs(mx + h * (_A31 * k1x + _A32 * k2x), my + h * (_A31 * k1y + _A32 * k2y),
                        mz + h * (_A31 * k1z + _A32 * k2z),
                        t + _C3 * h, par, geom, values, slopes, cur_t, cur_v, fld_t, fld_v)
    k4x, k4y, k4z = rhs(mx + h * (_A41 * k1x + _A42 * k2x + _A43 * k3x),
                        my + h * (_A41 * k1y + _A42 * k2y + _A43 * k3y),
                        mz + h * (_A41 * k1z + _A42 * k2z + _A43 * k3z),
                        t + _C4 * h, par, geom, values, slopes, cur_t, cur_v, fld_t, fld_v)
    k5x, k5y, k5z = rhs(mx + h * (_A51 * k1x + _A52 * k2x + _A53 * k3x + _A54 * k4x),
                        my + h * (_A51 * k1y + _A52 * k2y + _A53 * k3y + _A54 * k4y),
                        mz + h * (_A51 * k1z + _A52 * k2z + _A53 * k3z + _A54 * k4z),
                        t + _C5 * h, par, geom, values, slopes, cur_t, cur_v, fld_t, fld_v)
    k6x, k6y, k6z = rhs(mx + h * (_A61 * k1x + _A62 * k2x + _A63 * k3x + _A64 * k4x + _A65 * k5x),
                        my + h * (_A61 * k1y + _A62 * k2y + _A63 * k3y + _A64 * k4y + _A65 * k5y),
                        mz + h * (_A61 * k1z + _A62 * k2z + _A63 * k3z + _A64 * k4z + _A65 * k5z),
                        t + h, par, geom, values, slopes, cur_t, cur_v, fld_t, fld_v)
    yx = mx + h * (_A71 * k1x + _A73 * k3x + _A74 * k4x + _A75 * k5x + _A76 * k6x)
    yy = my + h * (_A71 * k1y + _A73 * k3y + _A74 * k4y + _A75 * k5y + _A76 * k6y)
    yz = mz + h * (_A71 * k1z + _A73 * k3z + _A74 * k4z + _A75 * k5z + _A76 * k6z)
    k7x, k7y, k7z = rhs(yx, yy, yz, t + h, par, geom, values, slopes, cur_t, cur_v, fld_t, fld_v)
    ex = h * (_E1 * k1x + _E3 * k3x + _E4 * k4x + _E5 * k5x + _E6 * k6x + _E7 * k7x)
    ey = h * (_E1 * k1y + _E3 * k3y + _E4 * k4y + _E5 * k5y + _E6 * k6y + _E7 * k7y)
    ez = h * (_E1 * k1z + _E3 * k3z + _E4 * k4z + _E5 * k5z + _E6 * k6z + _E7 * k7z)
    return yx, yy, yz, k7x, k7y, k7z, ex, ey, ez


@pnjit
def dopri_ensemble(m0, t0, dt_save, h0, rtol, atol, max_steps, stops, axis, par, geom, values,
                   slopes, cur_t, cur_v, fld_t, fld_v, out, drift, t_cross, status, fail_t,
                   n_accepted, n_rejected):
    """Adaptive Dormand-Prince 5(4) with error control.

    Error norm: RMS over components of err_i / (atol + rtol max(|m_i|, |m_new_i|)); a step is
    accepted when the norm is <= 1; the next step is h * min(5, max(0.2, 0.9 norm^(-1/5))).
    Steps are clipped to land on the output times t0 + j dt_save and on the ``stops`` (the
    corners and jumps of the drive and field waveforms). Failure: step-size collapse when
    h < 64 eps max(|t|, dt_save) (status 2), more than max_steps steps (status 3), NaN (1).
    """
    n_members = m0.shape[0]
    n_save = out.shape[0]
    n_stops = stops.shape[0]
    eps = 2.220446049250313e-16
    for k in prange(n_members):
        mx = m0[k, 0]
        my = m0[k, 1]
        mz = m0[k, 2]
        out[0, k, 0] = mx
        out[0, k, 1] = my
        out[0, k, 2] = mz
        p0 = mx * axis[0] + my * axis[1] + mz * axis[2]
        sign0 = 1.0 if p0 >= 0.0 else -1.0
        p_prev = p0
        tc = np.nan
        maxd = 0.0
        st = 0
        ft = np.nan
        t = t0
        h = h0
        j = 1
        i_stop = 0
        while i_stop < n_stops and stops[i_stop] <= t:
            i_stop += 1
        k1x, k1y, k1z = rhs(mx, my, mz, t, par, geom, values, slopes, cur_t, cur_v, fld_t, fld_v)
        acc = 0
        rej = 0
        while j < n_save:
            t_target = t0 + j * dt_save
            is_out = True
            if i_stop < n_stops and stops[i_stop] < t_target:
                t_target = stops[i_stop]
                is_out = False
            hit = False
            h_try = h
            if t + 1.01 * h >= t_target:
                h_try = t_target - t
                hit = True
            yx, yy, yz, k7x, k7y, k7z, ex, ey, ez = _dopri_step(
                mx, my, mz, t, h_try, k1x, k1y, k1z, par, geom, values, slopes, cur_t, cur_v,
                fld_t, fld_v)
            sx = atol + rtol * max(abs(mx), abs(yx))
            sy = atol + rtol * max(abs(my), abs(yy))
            sz = atol + rtol * max(abs(mz), abs(yz))
            err = math.sqrt(((ex / sx) ** 2 + (ey / sy) ** 2 + (ez / sz) ** 2) / 3.0)
            if not (err < _MAXFLOAT):  # NaN or inf in the stages
                if not (abs(yx) + abs(yy) + abs(yz) < _MAXFLOAT) or err != err:
                    st = 1
                    ft = t
                    break
            if err <= 1.0:
                nrm = math.sqrt(yx * yx + yy * yy + yz * yz)
                if not (nrm > 0.0 and nrm < _MAXFLOAT):
                    st = 1
                    ft = t
                    break
                d = abs(nrm - 1.0)
                if d > maxd:
                    maxd = d
                mx = yx / nrm
                my = yy / nrm
                mz = yz / nrm
                k1x = k7x
                k1y = k7y
                k1z = k7z
                t_prev = t
                t = t_target if hit else t + h_try
                p = mx * axis[0] + my * axis[1] + mz * axis[2]
                if p * sign0 < 0.0 and tc != tc:
                    tc = _crossing(p_prev, p, t_prev, t - t_prev, sign0)
                p_prev = p
                acc += 1
                if hit:
                    if is_out:
                        out[j, k, 0] = mx
                        out[j, k, 1] = my
                        out[j, k, 2] = mz
                        j += 1
                    else:
                        i_stop += 1
                        while i_stop < n_stops and stops[i_stop] <= t:
                            i_stop += 1
                fac = 5.0 if err == 0.0 else min(5.0, max(0.2, 0.9 * err ** -0.2))
                h_new = h_try * fac
                if not hit or h_new < h:
                    h = h_new
            else:
                rej += 1
                h = h_try * max(0.2, 0.9 * err ** -0.2)
                if h < 64.0 * eps * max(abs(t), dt_save):
                    st = 2
                    ft = t
                    break
            if acc + rej >= max_steps:
                st = 3
                ft = t
                break
        while j < n_save:
            out[j, k, 0] = np.nan
            out[j, k, 1] = np.nan
            out[j, k, 2] = np.nan
            j += 1
        drift[k] = maxd
        t_cross[k] = tc
        status[k] = st
        fail_t[k] = ft
        n_accepted[k] = acc
        n_rejected[k] = rej
