"""The sphere-table field in torch: :class:`~llgsot.micromagnetics.MagnumSOTField` of a
:class:`~llgsot.dynamics.TableSOT` built on a :class:`~llgsot.tables.sphere.SphereTable`.

The torch copy of the numpy interpolant :func:`llgsot.tables.sphere.table.evaluate` (its
module docstring states it: the azimuth cell from a uniform index, its two lines, cubic
Hermite in phi with the stored phi-derivatives (the nearer line alone where their jump counts
differ), the jump curves followed, the theta piece of each line mapped onto
the piece at the asked azimuth, the exact pole part added in the lab frame), in the same
Hermite basis form, so that float64 agrees with it to rounding (tests/test_sphere_wiring.py).
The node search is one ``torch.searchsorted`` over the lines laid end to end (line l shifted
by 4 l rad, its nodes padded with pi). Then B/mu0 = c K(m) sigma(m)^-1 e (A/m per unit
J/(Ms d)), c = Delta_xc t_NM / mu0, sigma scaled by its largest entry (float32-safe).
torch is imported by the caller (this module imports without it).
"""
from __future__ import annotations

import math

import numpy as np

from ..constants import MU0
from ..tables.schema import K_COLUMNS, SIGMA_COLUMNS

TWO_PI = 2.0 * math.pi
LINE_SHIFT = 4.0  # rad between consecutive lines laid end to end (> pi)


def sphere_tensors(torch, tq, device, dtype):
    """The interpolant of ``tq.table`` as tensors on (device, dtype), K scaled by
    c/s0 and sigma by 1/s0 (c = Delta_xc t_NM / mu0, s0 the largest |sigma| entry)."""
    arr = tq.table.arrays
    L, N = arr["nodes"].shape
    vals = np.asarray(arr["values"], float)
    s0 = float(np.abs(arr["poles"][:, SIGMA_COLUMNS]).max())
    scale = np.empty(10)
    scale[K_COLUMNS] = float(tq.prefactor(1.0, 1.0)) / MU0 / s0
    scale[SIGMA_COLUMNS] = 1.0 / s0
    scale20 = np.concatenate([scale, scale])

    def t(a, dt=dtype):
        return torch.as_tensor(np.ascontiguousarray(a), dtype=dt, device=device)

    flat = (np.asarray(arr["nodes"], float) + LINE_SHIFT * np.arange(L)[:, None]).reshape(-1)
    return {"L": L, "N": N, "J": arr["jumps"].shape[1], "e": tuple(float(x) for x in tq.current_direction),
            "nodes": t(arr["nodes"]), "flat": t(flat), "values": t(vals * scale20),
            "slopes": t(np.asarray(arr["slopes"], float) * scale20),
            "lo": t(arr["piece_lo"], torch.int64), "hi": t(arr["piece_hi"], torch.int64),
            "jumps": t(arr["jumps"]), "jump_slopes": t(arr["jump_slopes"]),
            "phi": t(np.append(arr["phi"], TWO_PI)), "index": t(arr["index"], torch.int64),
            "counts": t(arr["jump_counts"], torch.int64), "near": t(~np.asarray(arr["compat"], bool) | (L == 1), torch.bool),
            "poles": t(np.asarray(arr["poles"], float) * scale)}


def _read(torch, tt, ell, p, th, A, B):
    """Rows (M, 20) of lines ell (M,) in piece p at th mapped from [A, B]: cubic Hermite."""
    nodes, N = tt["nodes"], tt["N"]
    lo = tt["lo"][ell, p]
    hi = tt["hi"][ell, p]
    a = nodes[ell, lo]
    b = nodes[ell, hi]
    tl = torch.minimum(torch.maximum(a + (th - A) * ((b - a) * (1.0 / (B - A))), a), b)
    shift = LINE_SHIFT * ell.to(th.dtype)
    i = torch.searchsorted(tt["flat"], tl + shift, right=True) - 1 - ell * N
    i = torch.minimum(torch.maximum(i, lo), hi - 1)
    t0, t1 = nodes[ell, i], nodes[ell, i + 1]
    h = t1 - t0
    s = ((tl - t0) / h)[:, None]
    f0, f1 = tt["values"][ell, i], tt["values"][ell, i + 1]
    d0, d1 = tt["slopes"][ell, i] * h[:, None], tt["slopes"][ell, i + 1] * h[:, None]
    s2, s3 = s * s, s * s * s
    return ((2 * s3 - 3 * s2 + 1) * f0 + (s3 - 2 * s2 + s) * d0 + (-2 * s3 + 3 * s2) * f1
            + (s3 - s2) * d1)


def sphere_field(torch, mx, my, mz, rho, tt):
    """(Hx, Hy, Hz) = c K(m) sigma(m)^-1 e per cell (shapes of mx), c folded into K."""
    shape = mx.shape
    mx, my, mz, rho = (x.reshape(-1) for x in (mx, my, mz, rho))
    L, nj = tt["L"], tt["J"]
    th = torch.atan2(rho, mz)
    on_axis = rho == 0
    ph = torch.where(on_axis, torch.zeros_like(rho), torch.atan2(my, mx))
    # the cell (as llgsot.tables.sphere.table.cells): the uniform index, then a step
    ph = torch.where(ph < 0, ph + TWO_PI, ph)
    ph = torch.where(ph >= TWO_PI, ph - TWO_PI, ph)
    lines, G = tt["phi"], tt["index"].numel()
    k = tt["index"][torch.clamp((ph * (G / TWO_PI)).to(torch.int64), max=G - 1)]
    for _ in range(L):
        up = (k + 1 < L) & (lines[k + 1] <= ph)
        down = (k > 0) & (lines[k] > ph)
        if not bool((up | down).any()):
            break
        k = k + up.to(k.dtype) - down.to(k.dtype)
    h = lines[k + 1] - lines[k]
    u = (ph - lines[k]) / h
    k1 = torch.where(k + 1 < L, k + 1, torch.zeros_like(k))
    u2, u3 = u * u, u * u * u
    w0, w1, w2, w3 = 2 * u3 - 3 * u2 + 1, (u3 - 2 * u2 + u) * h, -2 * u3 + 3 * u2, (u3 - u2) * h
    near = tt["near"][k]
    k = torch.where(near & (u >= 0.5), k1, k)
    k1 = torch.where(near, k, k1)
    one, zero = torch.ones_like(u), torch.zeros_like(u)
    w0, w1 = torch.where(near, one, w0), torch.where(near, zero, w1)
    w2, w3 = torch.where(near, zero, w2), torch.where(near, zero, w3)
    M = th.numel()
    if nj:
        jl, js = tt["jumps"], tt["jump_slopes"]
        T = (w0[:, None] * jl[k] + w1[:, None] * js[k] + w2[:, None] * jl[k1]
             + w3[:, None] * js[k1])
        valid = torch.arange(nj, device=th.device)[None, :] < tt["counts"][k][:, None]
        T = torch.where(valid, T, torch.full_like(T, math.pi))
        T = torch.cummax(T, dim=1).values.clamp(0.0, math.pi)
        p = ((T <= th[:, None]) & valid).sum(dim=1)
        Tp = torch.cat([torch.zeros_like(T[:, :1]), T, torch.full_like(T[:, :1], math.pi)], 1)
        A = Tp.gather(1, p[:, None])[:, 0]
        B = Tp.gather(1, p[:, None] + 1)[:, 0]
    else:
        p = torch.zeros(M, dtype=torch.int64, device=th.device)
        A, B = torch.zeros_like(th), torch.full_like(th, math.pi)
    v0 = _read(torch, tt, k, p, th, A, B)
    v1 = _read(torch, tt, k1, p, th, A, B)
    r = (w0[:, None] * v0[:, :10] + w1[:, None] * v0[:, 10:] + w2[:, None] * v1[:, :10]
         + w3[:, None] * v1[:, 10:])
    r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 = r.T
    rs = rho + on_axis
    cp = mx / rs + on_axis
    sp = my / rs
    # to the lab frame: K = R3 Kb R2^T, sigma = R2 sb R2^T (as the numba kernel)
    a0, a1 = cp * r0 - sp * r1, sp * r0 + cp * r1
    a2, a3 = cp * r2 - sp * r3, sp * r2 + cp * r3
    ct = mz / torch.sqrt(rho * rho + mz * mz)
    wn, ws = 0.5 * (1.0 + ct), 0.5 * (1.0 - ct)
    P = tt["poles"]

    def pole(e):
        return wn * P[0, e] + ws * P[1, e]

    kxx = cp * a0 - sp * a2 + pole(0)
    kxy = cp * a1 - sp * a3 + pole(1)
    kyx = sp * a0 + cp * a2 + pole(2)
    kyy = sp * a1 + cp * a3 + pole(3)
    kzx = cp * r4 - sp * r5 + pole(4)
    kzy = sp * r4 + cp * r5 + pole(5)
    b0, b1 = cp * r6 - sp * r7, sp * r6 + cp * r7
    b2, b3 = cp * r8 - sp * r9, sp * r8 + cp * r9
    sxx = cp * b0 - sp * b2 + pole(6)
    sxy = cp * b1 - sp * b3 + pole(7)
    syx = sp * b0 + cp * b2 + pole(8)
    syy = sp * b1 + cp * b3 + pole(9)
    ex, ey = tt["e"]
    det = sxx * syy - sxy * syx
    x1 = (syy * ex - sxy * ey) / det
    x2 = (sxx * ey - syx * ex) / det
    return ((kxx * x1 + kxy * x2).reshape(shape), (kyx * x1 + kyy * x2).reshape(shape),
            (kzx * x1 + kzy * x2).reshape(shape))
