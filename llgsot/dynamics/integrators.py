"""numba integrators of the macrospin LLG: fixed-step RK4, adaptive Dormand-Prince 5(4), and
Heun (Stratonovich) for the stochastic LLG with Brown's thermal field.

Every kernel integrates an ensemble (members in parallel with ``prange``; each member's whole
trajectory runs on one thread, so a member's result does not depend on the thread count) of
one :class:`~.kernels.Problem` (parameters, table, waveforms) from the initial states ``m0``
(members, 3), and fills one :class:`~.kernels.Results` ``res``, per member:

* ``res.m[j, k, :]`` (``out`` below): m at the saved times (every ``save_every`` steps; for DOPRI5, every
  ``save_every * dt`` of time, steps are clipped to land on them),
* ``res.drift[k]``: max over steps of | |m| - 1 | *before* renormalisation. Norm keeping method:
  after every accepted step m is divided by |m| (projection back onto the sphere; RK4 uses
  1/|m| = (3 - |m|^2)/2 when | |m|^2 - 1 | < 1e-8, where it is exact to rounding);
* ``res.t_cross[k]``: first time m.axis changes sign relative to its initial sign (linear
  interpolation between steps), NaN if never;
* ``res.status[k]``: 0 ok, 1 m became non-finite (NaN/inf), 2 step-size collapse (DOPRI5),
  3 too many steps (DOPRI5); the step index or time of failure is in ``res.fail_t[k]``.

Thermal field (Brown), Stratonovich, integrated by Heun: in each step of length dt a field
B_th = sigma_th * (N1, N2, N3) with independent standard normals and
sigma_th = sqrt(2 a k_B T / (gamma Ms V dt)) is drawn once and held fixed in both the predictor
and the corrector stage. The normals come from member k's own SplitMix64 stream seeded with
``seeds[k]`` (uint64) through a ziggurat (:mod:`.rng`).

The per-member bookkeeping (first sample and initial sign, projection back onto the sphere,
crossing detection, the final sample and the NaN fill after a failure, the results) is one set
of inlined helpers that the three methods share; only the stepping differs.
"""
import math

import numpy as np
from numba import prange

from .._jit import inline, njit, pnjit
from .kernels import (KIND_NONE, KIND_SPHERE, KIND_TABLE, KIND_TABLE4, Problem, Results, field_at,
                      interp_linear, interp_linear3, interp_linear_col, linear_field, llg, rhs,
                      rhs_call, stt_field)
from .rng import normal
from .tableau import DOPRI_A, DOPRI_C, DOPRI_E, RK4_B, RK4_C

_RK4_B = (float(RK4_B[0]), float(RK4_B[1]), float(RK4_B[2]), float(RK4_B[3]))
_RK4_C = (float(RK4_C[0]), float(RK4_C[1]), float(RK4_C[2]), float(RK4_C[3]))

OK, NONFINITE, STEP_COLLAPSE, TOO_MANY_STEPS = 0, 1, 2, 3
STATUS_MESSAGES = {
    OK: "ok",
    NONFINITE: "m became non-finite (NaN or inf)",
    STEP_COLLAPSE: "step size collapsed below the resolution of t",
    TOO_MANY_STEPS: "maximum number of steps exceeded",
}

_MAXFLOAT = 1.7976931348623157e308
#: below this | |m|^2 - 1 | the RK4 renormalisation uses 1/|m| = (3 - |m|^2)/2 (exact to
#: 3/8 * 1e-16, i.e. to rounding)
_NEWTON_NORM = 1e-8


# -- the per-member bookkeeping shared by the three methods

@inline
def _begin(m0, k, axis, out):
    """Member k's initial state: write it as sample 0; return m, its projection on the axis
    and the sign of that projection."""
    mx = m0[k, 0]
    my = m0[k, 1]
    mz = m0[k, 2]
    out[0, k, 0] = mx
    out[0, k, 1] = my
    out[0, k, 2] = mz
    p0 = mx * axis[0] + my * axis[1] + mz * axis[2]
    return mx, my, mz, p0, (1.0 if p0 >= 0.0 else -1.0)


@inline
def _project(nx, ny, nz, newton):
    """(ok, m / |m|, | |m| - 1 |): back onto the sphere; ok is False for a zero or non-finite m.

    ``newton`` (a constant at each call site): near |m| = 1 use 1/|m| = (3 - |m|^2)/2, one
    Newton step with error < 4e-17 there, shorter on the dependency chain than a square root
    and a division (RK4's latency-bound single trajectories).
    """
    n2 = nx * nx + ny * ny + nz * nz
    e2 = n2 - 1.0
    if newton and abs(e2) < _NEWTON_NORM:
        f = 1.5 - 0.5 * n2
        d = 0.5 * abs(e2)
        return True, nx * f, ny * f, nz * f, d
    nrm = math.sqrt(n2)
    if not (nrm > 0.0 and nrm < _MAXFLOAT):
        return False, nx, ny, nz, 0.0
    if newton:
        f = 1.0 / nrm
        return True, nx * f, ny * f, nz * f, abs(nrm - 1.0)
    return True, nx / nrm, ny / nrm, nz / nrm, abs(nrm - 1.0)


@inline
def _cross(mx, my, mz, axis, sign0, p_prev, tc, t_prev, h):
    """(projection p of m on the axis, first crossing time): tc is set, by linear
    interpolation over the step [t_prev, t_prev + h], when p first has the sign opposite to
    sign0; once set (not NaN) it stays."""
    p = mx * axis[0] + my * axis[1] + mz * axis[2]
    if p * sign0 < 0.0 and tc != tc:
        if p == p_prev:
            tc = t_prev + h
        else:
            tc = t_prev + h * p_prev / (p_prev - p)
    return p, tc


@inline
def _save(out, j, k, mx, my, mz):
    out[j, k, 0] = mx
    out[j, k, 1] = my
    out[j, k, 2] = mz


@inline
def _finish(res, k, j, mx, my, mz, st, maxd, tc, ft):
    """Member k's end: the final state as sample j if it ran to the end and there is room
    (n_steps % save_every != 0), NaN in the remaining samples after a failure; results."""
    out = res.m
    if st == OK and j < out.shape[0]:
        _save(out, j, k, mx, my, mz)
        j += 1
    while j < out.shape[0]:
        _save(out, j, k, np.nan, np.nan, np.nan)
        j += 1
    res.drift[k] = maxd
    res.t_cross[k] = tc
    res.status[k] = st
    res.fail_t[k] = ft


# -- the methods

# numba's parallel loops take arrays and scalars but no heterogeneous tuple: each method is a
# Python function taking the bundles that calls its parallel kernel with them unpacked (the
# kernel packs them again for a member function: free, a tuple of array views)

@inline
def _rk4_stage(mx, my, mz, kx, ky, kz, c, t, par, geom, coef, cur_t, cur_v, fld_t, fld_v,
               g1, g2):
    """dm/dt at y = m + c k and time t + c.

    Without a tabulated torque (the field linear in m: L y + b0), arranged for the shortest
    dependency chain from k: L y + b0 = (L m + b0) + (c L) k, where L m + b0 and c L need m and
    t only and run ahead, so the chain from k to B is one mul and two adds (instead of the
    mul-add of y and the mul and three adds of L y). With a table, whose own chain is longer,
    the extra multiplies of that split cost more than they save: B = field_at(y) there.
    """
    ts = t + c
    kind = par.kind
    J = interp_linear(cur_t, cur_v, ts) if kind != KIND_NONE else 0.0
    ex, ey, ez = interp_linear3(fld_t, fld_v, ts)
    yx = mx + c * kx
    yy = my + c * ky
    yz = mz + c * kz
    if kind == KIND_TABLE or kind == KIND_TABLE4 or kind == KIND_SPHERE:
        bx, by, bz = field_at(yx, yy, yz, J, ex, ey, ez, par, geom, coef)
    else:
        l00, l01, l02, l10, l11, l12, l20, l21, l22, b0x, b0y, b0z = linear_field(J, ex, ey, ez,
                                                                                  par)
        qx = (l00 * mx + l01 * my) + (l02 * mz + b0x)
        qy = (l10 * mx + l11 * my) + (l12 * mz + b0y)
        qz = (l20 * mx + l21 * my) + (l22 * mz + b0z)
        bx = ((c * l00) * kx + (c * l01) * ky) + ((c * l02) * kz + qx)
        by = ((c * l10) * kx + (c * l11) * ky) + ((c * l12) * kz + qy)
        bz = ((c * l20) * kx + (c * l21) * ky) + ((c * l22) * kz + qz)
    if par.stt != 0:  # a cell: the STT of the MTJ current (column 3 of the field drive)
        sx, sy, sz = stt_field(yx, yy, yz, interp_linear_col(fld_t, fld_v, ts, 3), par)
        bx += sx
        by += sy
        bz += sz
    return llg(yx, yy, yz, bx, by, bz, g1, g2)


def rk4_ensemble(m0, t0, dt, n_steps, save_every, axis, pb, res):
    """Classical RK4 with fixed step dt from t0, n_steps steps, every save_every-th kept,
    m renormalised after each step; pb a Problem, res the Results."""
    _rk4_kernel(m0, t0, dt, n_steps, save_every, axis, *pb, *res)


@pnjit
def _rk4_kernel(m0, t0, dt, n_steps, save_every, axis, par_a, geom, coef, cur_t, cur_v, fld_t,
                fld_v, out, drift, t_cross, status, fail_t):
    # The hot loop takes plain arrays and runs in the prange body with the shared inlined
    # helpers: with the member's loop in a separate function it ran 1.5-2x slower; the end of
    # the member is _finish written out, because writes through a Results tuple built inside a
    # prange body (or unpacked inside this function) were lost in numba 0.68.
    for k in prange(m0.shape[0]):
        par = par_a[0]
        gll = par.gamma_ll
        a = par.damping
        mx, my, mz, p_prev, sign0 = _begin(m0, k, axis, out)
        tc = np.nan
        maxd = 0.0
        st = OK
        ft = np.nan
        j = 1
        count = save_every
        for n in range(n_steps):
            t = t0 + n * dt
            # the four stages as a loop over the tableau (one inlined copy of the stage); in
            # the first, c = 0 and k = 0 (the terms in c k are exact zeros)
            nx = mx
            ny = my
            nz = mz
            kx = 0.0
            ky = 0.0
            kz = 0.0
            for st_i in range(4):
                c = _RK4_C[st_i] * dt
                kx, ky, kz = _rk4_stage(mx, my, mz, kx, ky, kz, c, t, par, geom, coef, cur_t,
                                        cur_v, fld_t, fld_v, gll, a)
                w = _RK4_B[st_i] * dt
                nx += w * kx
                ny += w * ky
                nz += w * kz
            ok, mx, my, mz, d = _project(nx, ny, nz, True)
            if not ok:
                st = NONFINITE
                ft = t
                break
            if d > maxd:
                maxd = d
            p_prev, tc = _cross(mx, my, mz, axis, sign0, p_prev, tc, t, dt)
            count -= 1
            if count == 0:
                count = save_every
                _save(out, j, k, mx, my, mz)
                j += 1
        if st == OK and j < out.shape[0]:
            _save(out, j, k, mx, my, mz)
            j += 1
        while j < out.shape[0]:
            _save(out, j, k, np.nan, np.nan, np.nan)
            j += 1
        drift[k] = maxd
        t_cross[k] = tc
        status[k] = st
        fail_t[k] = ft


#: members integrated together by one thread in the Heun kernel: their steps are independent,
#: so the CPU overlaps them (instruction-level parallelism across members)
HEUN_BLOCK = 8


def heun_ensemble(m0, t0, dt, n_steps, save_every, axis, pb, res, sigma_th, seeds):
    """Heun (Stratonovich) for the stochastic LLG; sigma_th = 0 gives deterministic Heun.

    Members are processed in blocks of HEUN_BLOCK by one thread, phase by phase (noise,
    predictor, corrector), each phase a loop over the block. Member k's normals come from its
    own SplitMix64 stream seeded with seeds[k] (three per step, in x, y, z order), so its
    trajectory does not depend on the block, the thread count or the ensemble size.
    """
    _heun_kernel(m0, t0, dt, n_steps, save_every, axis, *pb, *res, sigma_th, seeds)


@pnjit
def _heun_kernel(m0, t0, dt, n_steps, save_every, axis, par, geom, coef, cur_t, cur_v, fld_t,
                 fld_v, out, drift, t_cross, status, fail_t, sigma_th, seeds):
    # the bundles are unpacked in Python (see _rk4_kernel) and packed again for the block
    n_members = m0.shape[0]
    n_blocks = (n_members + HEUN_BLOCK - 1) // HEUN_BLOCK
    for blk in prange(n_blocks):
        k0 = blk * HEUN_BLOCK
        k1 = min(n_members, k0 + HEUN_BLOCK)
        _heun_block(k0, k1, m0, t0, dt, n_steps, save_every, axis,
                    Problem(par, geom, coef, cur_t, cur_v, fld_t, fld_v),
                    Results(out, drift, t_cross, status, fail_t), sigma_th, seeds)


@njit
def _heun_block(k0, k1, m0, t0, dt, n_steps, save_every, axis, pb, res, sigma_th, seeds):
    nb = k1 - k0
    h2 = 0.5 * dt
    # the arrays as plain locals (see kernels.field)
    par = pb.par[0]
    geom, coef, cur_t, cur_v, fld_t, fld_v = pb.geom, pb.coef, pb.cur_t, pb.cur_v, pb.fld_t, pb.fld_v
    gll = par.gamma_ll
    a = par.damping
    out = res.m
    thermal = sigma_th > 0.0
    stt = par.stt != 0
    r0 = 0.0
    r1 = 0.0
    B = HEUN_BLOCK
    mx = np.empty(B)
    my = np.empty(B)
    mz = np.empty(B)
    px = np.empty(B)
    py = np.empty(B)
    pz = np.empty(B)
    kx = np.empty(B)
    ky = np.empty(B)
    kz = np.empty(B)
    hx = np.zeros(B)
    hy = np.zeros(B)
    hz = np.zeros(B)
    rs = np.empty(B, dtype=np.uint64)
    p_prev = np.empty(B)
    sign0 = np.empty(B)
    tc = np.full(B, np.nan)
    maxd = np.zeros(B)
    st = np.zeros(B, dtype=np.int64)
    ft = np.full(B, np.nan)
    for b in range(nb):
        k = k0 + b
        mx[b], my[b], mz[b], p_prev[b], sign0[b] = _begin(m0, k, axis, out)
        rs[b] = seeds[k]
    j = 1
    count = save_every
    n_alive = nb
    for n in range(n_steps):
        t = t0 + n * dt
        if thermal:
            for b in range(nb):
                s = rs[b]
                s, g1 = normal(s)
                s, g2 = normal(s)
                s, g3 = normal(s)
                rs[b] = s
                hx[b] = sigma_th * g1
                hy[b] = sigma_th * g2
                hz[b] = sigma_th * g3
        # the drive and the external field are the same for every member: once per stage
        J0 = interp_linear(cur_t, cur_v, t)
        J1 = interp_linear(cur_t, cur_v, t + dt)
        e0x, e0y, e0z = interp_linear3(fld_t, fld_v, t)
        e1x, e1y, e1z = interp_linear3(fld_t, fld_v, t + dt)
        if stt:  # a cell: the MTJ current density (column 3 of the field drive)
            r0 = interp_linear_col(fld_t, fld_v, t, 3)
            r1 = interp_linear_col(fld_t, fld_v, t + dt, 3)
        # predictor: k = f(m, t), p = m + dt k
        for b in range(nb):
            bx, by, bz = field_at(mx[b], my[b], mz[b], J0, e0x, e0y, e0z, par, geom, coef)
            if stt:
                sx, sy, sz = stt_field(mx[b], my[b], mz[b], r0, par)
                bx += sx
                by += sy
                bz += sz
            fx, fy, fz = llg(mx[b], my[b], mz[b], bx + hx[b], by + hy[b], bz + hz[b], gll, a)
            kx[b] = fx
            ky[b] = fy
            kz[b] = fz
            px[b] = mx[b] + dt * fx
            py[b] = my[b] + dt * fy
            pz[b] = mz[b] + dt * fz
        # corrector: m + dt/2 (k + f(p, t + dt)), then back onto the sphere
        for b in range(nb):
            if st[b] != OK:
                continue
            bx, by, bz = field_at(px[b], py[b], pz[b], J1, e1x, e1y, e1z, par, geom, coef)
            if stt:
                sx, sy, sz = stt_field(px[b], py[b], pz[b], r1, par)
                bx += sx
                by += sy
                bz += sz
            fx, fy, fz = llg(px[b], py[b], pz[b], bx + hx[b], by + hy[b], bz + hz[b], gll, a)
            ok, ux, uy, uz, d = _project(mx[b] + h2 * (kx[b] + fx), my[b] + h2 * (ky[b] + fy),
                                         mz[b] + h2 * (kz[b] + fz), False)
            if not ok:
                st[b] = NONFINITE
                ft[b] = t
                n_alive -= 1
                continue
            if d > maxd[b]:
                maxd[b] = d
            mx[b] = ux
            my[b] = uy
            mz[b] = uz
            p_prev[b], tc[b] = _cross(ux, uy, uz, axis, sign0[b], p_prev[b], tc[b], t, dt)
        count -= 1
        if count == 0:
            count = save_every
            for b in range(nb):
                if st[b] == OK:
                    _save(out, j, k0 + b, mx[b], my[b], mz[b])
                else:
                    _save(out, j, k0 + b, np.nan, np.nan, np.nan)
            j += 1
        if n_alive == 0:
            break
    for b in range(nb):
        _finish(res, k0 + b, j, mx[b], my[b], mz[b], st[b], maxd[b], tc[b], ft[b])


_DP_A = np.ascontiguousarray(DOPRI_A)
_DP_C = np.ascontiguousarray(DOPRI_C)
_DP_E = np.ascontiguousarray(DOPRI_E)


@njit
def _dopri_step(mx, my, mz, t, h, kk, par, geom, coef, cur_t, cur_v, fld_t, fld_v):
    """One DOPRI5 step from (m, t); kk[0] holds f(m, t) on entry, kk[6] = f(y5) on exit.

    Stages from the tableau as data (one inlined copy of rhs). Returns y5 and the error vector.
    """
    for i in range(1, 7):
        yx = mx
        yy = my
        yz = mz
        for q in range(i):
            aq = h * _DP_A[i, q]
            yx += aq * kk[q, 0]
            yy += aq * kk[q, 1]
            yz += aq * kk[q, 2]
        fx, fy, fz = rhs(yx, yy, yz, t + _DP_C[i] * h, par, geom, coef, cur_t, cur_v, fld_t,
                         fld_v)
        kk[i, 0] = fx
        kk[i, 1] = fy
        kk[i, 2] = fz
    ex = 0.0
    ey = 0.0
    ez = 0.0
    for q in range(7):
        eq = h * _DP_E[q]
        ex += eq * kk[q, 0]
        ey += eq * kk[q, 1]
        ez += eq * kk[q, 2]
    return yx, yy, yz, ex, ey, ez


def dopri_ensemble(m0, out_times, h0, rtol, atol, max_steps, stops, axis, pb, res,
                   n_accepted, n_rejected):
    """Adaptive Dormand-Prince 5(4) with error control.

    Error norm: RMS over components of err_i / (atol + rtol max(|m_i|, |m_new_i|)); a step is
    accepted when the norm is <= 1; the next step is h * min(5, max(0.2, 0.9 norm^(-1/5))).
    Steps are clipped to land on the output times ``out_times`` and on the ``stops`` (the
    corners and jumps of the drive and field waveforms). Failure: step-size collapse when
    h < 64 eps max(|t|, t_end) (status 2), more than max_steps steps (status 3), NaN (1).
    """
    _dopri_kernel(m0, out_times, h0, rtol, atol, max_steps, stops, axis, *pb, *res,
                  n_accepted, n_rejected)


@pnjit
def _dopri_kernel(m0, out_times, h0, rtol, atol, max_steps, stops, axis, par, geom, coef,
                  cur_t, cur_v, fld_t, fld_v, out, drift, t_cross, status, fail_t, n_accepted,
                  n_rejected):
    # the bundles are unpacked in Python (see _rk4_kernel) and packed again for the member
    for k in prange(m0.shape[0]):
        _dopri_member(k, m0, out_times, h0, rtol, atol, max_steps, stops, axis,
                      Problem(par, geom, coef, cur_t, cur_v, fld_t, fld_v),
                      Results(out, drift, t_cross, status, fail_t), n_accepted, n_rejected)


@njit
def _dopri_member(k, m0, out_times, h0, rtol, atol, max_steps, stops, axis, pb, res,
                  n_accepted, n_rejected):
    # the arrays as plain locals (see kernels.field)
    par = pb.par[0]
    geom, coef, cur_t, cur_v, fld_t, fld_v = pb.geom, pb.coef, pb.cur_t, pb.cur_v, pb.fld_t, pb.fld_v
    out = res.m
    n_save = out.shape[0]
    n_stops = stops.shape[0]
    eps = 2.220446049250313e-16
    mx, my, mz, p_prev, sign0 = _begin(m0, k, axis, out)
    tc = np.nan
    maxd = 0.0
    st = OK
    ft = np.nan
    t = out_times[0]
    h = h0
    j = 1
    i_stop = 0
    while i_stop < n_stops and stops[i_stop] <= t:
        i_stop += 1
    kk = np.empty((7, 3))  # stage derivatives, allocated once per member
    k1x, k1y, k1z = rhs_call(mx, my, mz, t, par, geom, coef, cur_t, cur_v, fld_t, fld_v)
    kk[0, 0] = k1x
    kk[0, 1] = k1y
    kk[0, 2] = k1z
    acc = 0
    rej = 0
    while j < n_save:
        t_target = out_times[j]
        is_out = True
        if i_stop < n_stops and stops[i_stop] < t_target:
            t_target = stops[i_stop]
            is_out = False
        hit = False
        h_try = h
        if t + 1.01 * h >= t_target:
            h_try = t_target - t
            hit = True
        yx, yy, yz, ex, ey, ez = _dopri_step(mx, my, mz, t, h_try, kk, par, geom, coef, cur_t,
                                             cur_v, fld_t, fld_v)
        sx = atol + rtol * max(abs(mx), abs(yx))
        sy = atol + rtol * max(abs(my), abs(yy))
        sz = atol + rtol * max(abs(mz), abs(yz))
        err = math.sqrt(((ex / sx) ** 2 + (ey / sy) ** 2 + (ez / sz) ** 2) / 3.0)
        if not (err < _MAXFLOAT):  # NaN or inf in the stages
            if not (abs(yx) + abs(yy) + abs(yz) < _MAXFLOAT) or err != err:
                st = NONFINITE
                ft = t
                break
        if err <= 1.0:
            ok, ux, uy, uz, d = _project(yx, yy, yz, False)
            if not ok:
                st = NONFINITE
                ft = t
                break
            if d > maxd:
                maxd = d
            mx = ux
            my = uy
            mz = uz
            kk[0, 0] = kk[6, 0]  # FSAL
            kk[0, 1] = kk[6, 1]
            kk[0, 2] = kk[6, 2]
            t_prev = t
            t = t_target if hit else t + h_try
            p_prev, tc = _cross(mx, my, mz, axis, sign0, p_prev, tc, t_prev, t - t_prev)
            acc += 1
            if hit:
                if is_out:
                    _save(out, j, k, mx, my, mz)
                    j += 1
                else:
                    i_stop += 1
                    while i_stop < n_stops and stops[i_stop] <= t:
                        i_stop += 1
            fac = 5.0 if err == 0.0 else min(5.0, max(0.2, 0.9 * err ** -0.2))
            if hit:  # a clipped step says nothing about a larger h: only shrink it
                h = h * min(1.0, fac)
            else:
                h = h_try * fac
        else:
            rej += 1
            h = h_try * max(0.2, 0.9 * err ** -0.2)
            if h < 64.0 * eps * max(abs(t), out_times[n_save - 1]):
                st = STEP_COLLAPSE
                ft = t
                break
        if acc + rej >= max_steps:
            st = TOO_MANY_STEPS
            ft = t
            break
    _finish(res, k, j, mx, my, mz, st, maxd, tc, ft)
    n_accepted[k] = acc
    n_rejected[k] = rej
