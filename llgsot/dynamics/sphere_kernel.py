"""numba kernels of the sphere-table torque: K(m), sigma(m) from a table over (theta, phi).

Plain functions on floats and arrays. They evaluate the interpolant of
:mod:`llgsot.tables.sphere.table` (its module docstring states it; its numpy
:func:`~llgsot.tables.sphere.table.evaluate` is the reference, equal to 1e-12 in
tests/test_sphere_kernel.py), with the theta pieces in power form as the 1D kernel
(:func:`llgsot.dynamics.kernels.sot_table`) has them:

    nodes (L, N)        node form of each azimuth line (a jump: a repeated node), padded with pi
    coef (L, N, 40)     segment i of line l: p(d) = (c0 + d c1) + d^2 (c2 + d c3), d = th - nodes[l, i],
                        coef[l, i, 10 q + e] = c_q of row entry e (TABLE_COLUMNS), the remainder r
                        in the co-rotating frame
    piece_lo, piece_hi (L, P)   first and last node of each jump-free piece of each line
    jumps (L, P - 1)    the jump positions of each line (rad)
    poles (2, 10)       lab-frame rows at m = +z and -z

B_SOT = pref K(m) sigma(m)^-1 (J jhat) with pref = Delta_xc t_NM / (Ms d) (J m^2/A), K in
1/(V m), sigma in S, J in A/m^2: the field in tesla.

Wiring (not done here): a SphereTableSOT torque with ``kind = KIND_SPHERE`` whose
kernel_setup returns these arrays, and a branch in kernels.field_at calling
:func:`sot_sphere` (see docs/tables.md, "Sphere tables").
"""
import math

import numpy as np

from .. import _jit

_inline = _jit.inline
TWO_PI = 2.0 * math.pi


def kernel_arrays(arrays):
    """(nodes, coef, piece_lo, piece_hi, jumps, poles), contiguous, from the dict of
    :meth:`llgsot.tables.sphere.table.SphereTable.kernel_arrays`."""
    from .torques import hermite_power_coefficients

    nodes = np.ascontiguousarray(arrays["nodes"], float)
    L, N = nodes.shape
    coef = np.zeros((L, N, 40))
    for ell in range(L):
        coef[ell] = hermite_power_coefficients(nodes[ell], arrays["values"][ell], arrays["slopes"][ell])
    return (nodes, np.ascontiguousarray(coef), np.ascontiguousarray(arrays["piece_lo"], np.int64),
            np.ascontiguousarray(arrays["piece_hi"], np.int64),
            np.ascontiguousarray(arrays["jumps"], float), np.ascontiguousarray(arrays["poles"], float))


@_inline
def sphere_rows(mx, my, mz, nodes, coef, piece_lo, piece_hi, jumps, poles):
    """The ten lab-frame entries (Kxx, Kxy, Kyx, Kyy, Kzx, Kzy, sxx, sxy, syx, syy) at m."""
    rho = math.sqrt(mx * mx + my * my)
    th = math.atan2(rho, mz)
    ph = math.atan2(my, mx) if rho > 0.0 else 0.0
    L = nodes.shape[0]
    if L == 1:  # one line (continuous rotation)
        w0 = w2 = w3 = 0.0
        w1 = 1.0
        l0 = l1 = l2 = l3 = 0
    else:  # phi in [0, 2 pi) in units of the line spacing, without divisions or fmod
        x = ph * (L / TWO_PI)
        if x < 0.0:
            x += L
        k = int(x)
        if k >= L:  # -0 < ph rounding to 2 pi
            k -= L
            x -= L
        u = x - k
        w0 = -u * (u - 1) * (u - 2) / 6
        w1 = (u + 1) * (u - 1) * (u - 2) / 2
        w2 = -(u + 1) * u * (u - 2) / 2
        w3 = (u + 1) * u * (u - 1) / 6
        l0 = k - 1 if k > 0 else L - 1
        l1 = k
        l2 = k + 1 if k + 1 < L else k + 1 - L
        l3 = k + 2 if k + 2 < L else k + 2 - L
    # the piece holding th between the interpolated jump curves
    nj = jumps.shape[1]
    p = 0
    A = 0.0
    B = math.pi
    prev = -1.0
    done = False
    for j in range(nj):  # no break: a fixed trip count is faster here
        t = w0 * jumps[l0, j] + w1 * jumps[l1, j] + w2 * jumps[l2, j] + w3 * jumps[l3, j]
        t = t if t > prev else prev  # kept ordered
        prev = t
        t = t if t > 0.0 else 0.0
        t = t if t < math.pi else math.pi
        if not done:
            if t <= th:
                p = j + 1
                A = t
            else:
                B = t
                done = True
    scale = 1.0 / (B - A)
    r0 = r1 = r2 = r3 = r4 = r5 = r6 = r7 = r8 = r9 = 0.0
    for q in range(4):
        if q == 0:  # the line below first: with one line it is the only one read
            ell, wq = l1, w1
        elif q == 1:
            ell, wq = l0, w0
        elif q == 2:
            ell, wq = l2, w2
        else:
            ell, wq = l3, w3
        lo = piece_lo[ell, p]
        hi = piece_hi[ell, p]
        a = nodes[ell, lo]
        b = nodes[ell, hi]
        tl = a + (th - A) * ((b - a) * scale)
        tl = min(max(tl, a), b)
        i = lo  # last node in [lo, hi - 1] at or below tl
        n = hi - lo
        while n > 1:
            half = n >> 1
            mid = i + half
            i = mid if nodes[ell, mid] <= tl else i
            n -= half
        d = tl - nodes[ell, i]
        d2 = d * d
        r0 += wq * ((coef[ell, i, 0] + d * coef[ell, i, 10]) + d2 * (coef[ell, i, 20] + d * coef[ell, i, 30]))
        r1 += wq * ((coef[ell, i, 1] + d * coef[ell, i, 11]) + d2 * (coef[ell, i, 21] + d * coef[ell, i, 31]))
        r2 += wq * ((coef[ell, i, 2] + d * coef[ell, i, 12]) + d2 * (coef[ell, i, 22] + d * coef[ell, i, 32]))
        r3 += wq * ((coef[ell, i, 3] + d * coef[ell, i, 13]) + d2 * (coef[ell, i, 23] + d * coef[ell, i, 33]))
        r4 += wq * ((coef[ell, i, 4] + d * coef[ell, i, 14]) + d2 * (coef[ell, i, 24] + d * coef[ell, i, 34]))
        r5 += wq * ((coef[ell, i, 5] + d * coef[ell, i, 15]) + d2 * (coef[ell, i, 25] + d * coef[ell, i, 35]))
        r6 += wq * ((coef[ell, i, 6] + d * coef[ell, i, 16]) + d2 * (coef[ell, i, 26] + d * coef[ell, i, 36]))
        r7 += wq * ((coef[ell, i, 7] + d * coef[ell, i, 17]) + d2 * (coef[ell, i, 27] + d * coef[ell, i, 37]))
        r8 += wq * ((coef[ell, i, 8] + d * coef[ell, i, 18]) + d2 * (coef[ell, i, 28] + d * coef[ell, i, 38]))
        r9 += wq * ((coef[ell, i, 9] + d * coef[ell, i, 19]) + d2 * (coef[ell, i, 29] + d * coef[ell, i, 39]))
        if L == 1:  # one line: read once
            break
    # back to the lab frame: K = R3 Kb R2^T, sigma = R2 sb R2^T, then the exact pole part
    if rho > 0.0:
        cp = mx / rho
        sp = my / rho
    else:
        cp = 1.0
        sp = 0.0
    # Kb R2^T: columns (x, y) -> (c x - s y, s x + c y)
    a0 = cp * r0 - sp * r1
    a1 = sp * r0 + cp * r1
    a2 = cp * r2 - sp * r3
    a3 = sp * r2 + cp * r3
    kzx = cp * r4 - sp * r5
    kzy = sp * r4 + cp * r5
    kxx = cp * a0 - sp * a2
    kxy = cp * a1 - sp * a3
    kyx = sp * a0 + cp * a2
    kyy = sp * a1 + cp * a3
    b0 = cp * r6 - sp * r7
    b1 = sp * r6 + cp * r7
    b2 = cp * r8 - sp * r9
    b3 = sp * r8 + cp * r9
    sxx = cp * b0 - sp * b2
    sxy = cp * b1 - sp * b3
    syx = sp * b0 + cp * b2
    syy = sp * b1 + cp * b3
    ct = mz / math.sqrt(rho * rho + mz * mz)
    wn = 0.5 * (1.0 + ct)
    ws = 0.5 * (1.0 - ct)
    return (kxx + wn * poles[0, 0] + ws * poles[1, 0], kxy + wn * poles[0, 1] + ws * poles[1, 1],
            kyx + wn * poles[0, 2] + ws * poles[1, 2], kyy + wn * poles[0, 3] + ws * poles[1, 3],
            kzx + wn * poles[0, 4] + ws * poles[1, 4], kzy + wn * poles[0, 5] + ws * poles[1, 5],
            sxx + wn * poles[0, 6] + ws * poles[1, 6], sxy + wn * poles[0, 7] + ws * poles[1, 7],
            syx + wn * poles[0, 8] + ws * poles[1, 8], syy + wn * poles[0, 9] + ws * poles[1, 9])


@_inline
def sot_sphere(mx, my, mz, J, jx, jy, pref, nodes, coef, piece_lo, piece_hi, jumps, poles):
    """B_SOT = pref K(m) sigma(m)^-1 (J jhat) (tesla) from the sphere table."""
    if J == 0.0:
        return 0.0, 0.0, 0.0
    kxx, kxy, kyx, kyy, kzx, kzy, sxx, sxy, syx, syy = sphere_rows(
        mx, my, mz, nodes, coef, piece_lo, piece_hi, jumps, poles)
    cx = jx * J
    cy = jy * J
    idet = pref / (sxx * syy - sxy * syx)
    ex = syy * cx - sxy * cy
    ey = sxx * cy - syx * cx
    return ((kxx * ex + kxy * ey) * idet, (kyx * ex + kyy * ey) * idet, (kzx * ex + kzy * ey) * idet)


@_jit.njit
def sphere_rows_many(m, nodes, coef, piece_lo, piece_hi, jumps, poles, out):
    """The ten lab-frame entries at each row of m (n, 3) into out (n, 10); for tests."""
    for k in range(m.shape[0]):
        vals = sphere_rows(m[k, 0], m[k, 1], m[k, 2], nodes, coef, piece_lo, piece_hi, jumps, poles)
        for e in range(10):
            out[k, e] = vals[e]


@_jit.njit
def sot_sphere_many(m, J, jx, jy, pref, nodes, coef, piece_lo, piece_hi, jumps, poles, out):
    """B_SOT (tesla) at each row of m (n, 3) for the current density J (A/m^2) into out (n, 3)."""
    for k in range(m.shape[0]):
        bx, by, bz = sot_sphere(m[k, 0], m[k, 1], m[k, 2], J, jx, jy, pref, nodes, coef,
                                piece_lo, piece_hi, jumps, poles)
        out[k, 0] = bx
        out[k, 1] = by
        out[k, 2] = bz
