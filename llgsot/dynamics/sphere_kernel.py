"""numba kernels of the sphere-table torque: K(m), sigma(m) from a table over (theta, phi).

Plain functions on floats and arrays. They evaluate the interpolant of
:mod:`llgsot.tables.sphere.table` (its module docstring states it; its numpy
:func:`~llgsot.tables.sphere.table.evaluate` is the reference, equal to 1e-12 in
tests/test_sphere_kernel.py), with the theta pieces in power form as the 1D kernel (:func:`llgsot.dynamics.kernels.sot_table`)
has them. Two 2D float arrays carry everything, so that the kernels' ``Problem(par, geom,
coef, ...)`` can hold a sphere table as it holds a 1D one (:func:`kernel_arrays` packs them):

    geom (L, N + 4P + 3 + T_BINS)  line l: its N node-form nodes (a jump: a repeated node; padded with
                           pi) | first node of each of its P jump-free pieces | last node of each
                           piece (node indices as floats) | its P - 1 jump positions (rad; pi
                           beyond its own count) | their phi-derivatives | phi_l (rad) | its jump
                           count | 1 if the cell to the next line joins equal jump counts (cubic
                           Hermite in phi), else 0 (the nearer line alone) | 1 / width of that cell
                           | its theta index: entry q (0 .. T_BINS) the last node at or below
                           q pi / T_BINS (floats)
    coef (L N + 1 + R, 80) row l N + i: segment i of line l, p(d) = (c0 + d c1) + d^2 (c2 + d c3),
                           d = th - node, coef[., 10 q + e] = c_q of row entry e (TABLE_COLUMNS)
                           of the remainder r in the co-rotating frame, coef[., 40 + 10 q + e]
                           the same of its phi-derivative g; rows L N .. L N + R - 1: the
                           uniform cell index of azimuth (entry b, row by row: the cell holding
                           2 pi b / G), so the cell is found in O(1); last row: the lab-frame
                           pole rows at +z (0-9) and -z (10-19), then N (20), P (21) and G (22)

B_SOT = pref K(m) sigma(m)^-1 (J jhat) with pref = Delta_xc t_NM / (Ms d) (J m^2/A), K in
1/(V m), sigma in S, J in A/m^2: the field in tesla.

Wiring: :class:`~.torques.TableSOT` of a sphere table sets ``kind = KIND_SPHERE`` and
returns (pref, jx, jy; geom; coef) of :func:`kernel_arrays` from its kernel_setup;
kernels.field_at and sot_many call :func:`sot_sphere`. Both arrays are 2D float64 like the
1D table's, so Problem and the integrators are unchanged.
"""
import math

import numpy as np

from .. import _jit
from ..tables.hermite import hermite_power_coefficients

_inline = _jit.inline
TWO_PI = 2.0 * math.pi
T_BINS = 64  # a line's theta index: bins of pi / T_BINS narrow its node search to a few nodes


def kernel_arrays(arrays):
    """(geom, coef) packed as above from the dict of
    :meth:`llgsot.tables.sphere.table.SphereTable.kernel_arrays`."""
    nodes = np.asarray(arrays["nodes"], float)
    L, N = nodes.shape
    P = arrays["piece_lo"].shape[1]
    phi = np.asarray(arrays["phi"], float)
    width = np.append(phi[1:], TWO_PI) - phi
    geom = np.concatenate([nodes, np.asarray(arrays["piece_lo"], float),
                           np.asarray(arrays["piece_hi"], float),
                           np.asarray(arrays["jumps"], float).reshape(L, P - 1),
                           np.asarray(arrays["jump_slopes"], float).reshape(L, P - 1),
                           np.stack([phi, np.asarray(arrays["jump_counts"], float),
                                     np.asarray(arrays["compat"], float), 1.0 / width], 1),
                           np.array([np.searchsorted(nodes[ell], np.pi * np.arange(T_BINS + 1) / T_BINS,
                                                     side="right") - 1 for ell in range(L)], float)],
                          axis=1)
    index = np.asarray(arrays["index"], float)
    G = len(index)
    coef = np.zeros((L * N + 1 + -(-G // 80), 80))
    for ell in range(L):
        for half in (0, 1):  # r, then g
            cols = slice(10 * half, 10 * half + 10)
            coef[ell * N:(ell + 1) * N, 40 * half:40 * half + 40] = hermite_power_coefficients(
                nodes[ell], arrays["values"][ell][:, cols], arrays["slopes"][ell][:, cols])
    meta = coef.shape[0] - 1
    coef[meta, :10] = arrays["poles"][0]
    coef[meta, 10:20] = arrays["poles"][1]
    coef[meta, 20] = N
    coef[meta, 21] = P
    coef[meta, 22] = G
    coef[L * N:meta].reshape(-1)[:G] = index
    return np.ascontiguousarray(geom), np.ascontiguousarray(coef)


@_inline
def _rotate_block(cp, sp, xx, xy, yx, yy):
    """R2 B R2^T of the 2x2 block B = [[xx, xy], [yx, yy]], R2 the rotation by phi about z
    (cp, sp = cos phi, sin phi): columns first, then rows (the K and sigma blocks of
    :func:`sphere_rows`; inlined in numba IR, so the kernel runs as before)."""
    a0 = cp * xx - sp * xy
    a1 = sp * xx + cp * xy
    a2 = cp * yx - sp * yy
    a3 = sp * yx + cp * yy
    return cp * a0 - sp * a2, cp * a1 - sp * a3, sp * a0 + cp * a2, sp * a1 + cp * a3


@_inline
def sphere_rows(mx, my, mz, geom, coef):
    """The ten lab-frame entries (Kxx, Kxy, Kyx, Kyy, Kzx, Kzy, sxx, sxy, syx, syy) at m."""
    rho = math.sqrt(mx * mx + my * my)
    th = math.atan2(rho, mz)
    ph = math.atan2(my, mx) if rho > 0.0 else 0.0
    L = geom.shape[0]
    last = coef.shape[0] - 1
    N = int(coef[last, 20])
    P = int(coef[last, 21])
    G = int(coef[last, 22])
    c_phi = N + 4 * P - 2  # columns of geom: phi_l, jump count, compatible, 1 / width
    # the cell: phi in [0, 2 pi), the uniform index, then a step where rounding needs one
    if ph < 0.0:
        ph += TWO_PI
    if ph >= TWO_PI:
        ph -= TWO_PI
    bn = int(ph * (G / TWO_PI))
    if bn >= G:
        bn = G - 1
    row = bn // 80
    k = int(coef[L * N + row, bn - 80 * row])
    while k + 1 < L and geom[k + 1, c_phi] <= ph:
        k += 1
    while k > 0 and geom[k, c_phi] > ph:
        k -= 1
    k1 = k + 1 if k + 1 < L else 0
    u = (ph - geom[k, c_phi]) * geom[k, c_phi + 3]
    if L > 1 and geom[k, c_phi + 2] > 0.0:  # cubic Hermite: value k, slope k, value k+1, slope k+1
        h = 1.0 / geom[k, c_phi + 3]
        u2 = u * u
        u3 = u2 * u
        w0 = 2 * u3 - 3 * u2 + 1
        w1 = (u3 - 2 * u2 + u) * h
        w2 = -2 * u3 + 3 * u2
        w3 = (u3 - u2) * h
    else:  # one line, or the jump counts differ: the nearer line alone
        if u >= 0.5:
            k = k1
        k1 = k
        w0 = 1.0
        w1 = w2 = w3 = 0.0
    # the piece holding th between the interpolated jump curves
    nj = int(geom[k, c_phi + 1])
    J0 = N + 2 * P
    J1 = J0 + P - 1
    p = 0
    A = 0.0
    B = math.pi
    prev = -1.0
    done = False
    for j in range(nj):  # no break: a fixed trip count is faster here
        if k1 == k:
            t = geom[k, J0 + j]
        else:
            t = w0 * geom[k, J0 + j] + w1 * geom[k, J1 + j] + w2 * geom[k1, J0 + j] + w3 * geom[k1, J1 + j]
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
    for q in range(2):
        if q == 0:
            ell, wa, wb = k, w0, w1
        else:
            ell, wa, wb = k1, w2, w3
        lo = int(geom[ell, N + p])
        hi = int(geom[ell, N + P + p])
        a = geom[ell, lo]
        b = geom[ell, hi]
        tl = a + (th - A) * ((b - a) * scale)
        tl = min(max(tl, a), b)
        # last node in [lo, hi - 1] at or below tl: between the theta index's entries of the
        # bin holding tl (the last node at or below its ends), then a binary search
        qb = int(tl * (T_BINS / math.pi))
        if qb >= T_BINS:
            qb = T_BINS - 1
        i = min(max(int(geom[ell, c_phi + 4 + qb]), lo), hi - 1)
        top = min(max(int(geom[ell, c_phi + 5 + qb]), i), hi - 1)
        n = top - i + 1
        while n > 1:
            half = n >> 1
            mid = i + half
            i = mid if geom[ell, mid] <= tl else i
            n -= half
        d = tl - geom[ell, i]
        d2 = d * d
        c = coef[ell * N + i]
        r0 += wa * ((c[0] + d * c[10]) + d2 * (c[20] + d * c[30])) + wb * ((c[40] + d * c[50]) + d2 * (c[60] + d * c[70]))
        r1 += wa * ((c[1] + d * c[11]) + d2 * (c[21] + d * c[31])) + wb * ((c[41] + d * c[51]) + d2 * (c[61] + d * c[71]))
        r2 += wa * ((c[2] + d * c[12]) + d2 * (c[22] + d * c[32])) + wb * ((c[42] + d * c[52]) + d2 * (c[62] + d * c[72]))
        r3 += wa * ((c[3] + d * c[13]) + d2 * (c[23] + d * c[33])) + wb * ((c[43] + d * c[53]) + d2 * (c[63] + d * c[73]))
        r4 += wa * ((c[4] + d * c[14]) + d2 * (c[24] + d * c[34])) + wb * ((c[44] + d * c[54]) + d2 * (c[64] + d * c[74]))
        r5 += wa * ((c[5] + d * c[15]) + d2 * (c[25] + d * c[35])) + wb * ((c[45] + d * c[55]) + d2 * (c[65] + d * c[75]))
        r6 += wa * ((c[6] + d * c[16]) + d2 * (c[26] + d * c[36])) + wb * ((c[46] + d * c[56]) + d2 * (c[66] + d * c[76]))
        r7 += wa * ((c[7] + d * c[17]) + d2 * (c[27] + d * c[37])) + wb * ((c[47] + d * c[57]) + d2 * (c[67] + d * c[77]))
        r8 += wa * ((c[8] + d * c[18]) + d2 * (c[28] + d * c[38])) + wb * ((c[48] + d * c[58]) + d2 * (c[68] + d * c[78]))
        r9 += wa * ((c[9] + d * c[19]) + d2 * (c[29] + d * c[39])) + wb * ((c[49] + d * c[59]) + d2 * (c[69] + d * c[79]))
        if k1 == k:  # one line: read once
            break
    # back to the lab frame: K = R3 Kb R2^T, sigma = R2 sb R2^T, then the exact pole part
    if rho > 0.0:
        cp = mx / rho
        sp = my / rho
    else:
        cp = 1.0
        sp = 0.0
    # Kb R2^T: columns (x, y) -> (c x - s y, s x + c y)
    kxx, kxy, kyx, kyy = _rotate_block(cp, sp, r0, r1, r2, r3)
    kzx = cp * r4 - sp * r5
    kzy = sp * r4 + cp * r5
    sxx, sxy, syx, syy = _rotate_block(cp, sp, r6, r7, r8, r9)
    ct = mz / math.sqrt(rho * rho + mz * mz)
    wn = 0.5 * (1.0 + ct)
    ws = 0.5 * (1.0 - ct)
    return (kxx + wn * coef[last, 0] + ws * coef[last, 10], kxy + wn * coef[last, 1] + ws * coef[last, 11],
            kyx + wn * coef[last, 2] + ws * coef[last, 12], kyy + wn * coef[last, 3] + ws * coef[last, 13],
            kzx + wn * coef[last, 4] + ws * coef[last, 14], kzy + wn * coef[last, 5] + ws * coef[last, 15],
            sxx + wn * coef[last, 6] + ws * coef[last, 16], sxy + wn * coef[last, 7] + ws * coef[last, 17],
            syx + wn * coef[last, 8] + ws * coef[last, 18], syy + wn * coef[last, 9] + ws * coef[last, 19])


@_inline
def sot_sphere(mx, my, mz, J, jx, jy, pref, geom, coef):
    """B_SOT = pref K(m) sigma(m)^-1 (J jhat) (tesla) from the sphere table."""
    if J == 0.0:
        return 0.0, 0.0, 0.0
    kxx, kxy, kyx, kyy, kzx, kzy, sxx, sxy, syx, syy = sphere_rows(mx, my, mz, geom, coef)
    cx = jx * J
    cy = jy * J
    idet = pref / (sxx * syy - sxy * syx)
    ex = syy * cx - sxy * cy
    ey = sxx * cy - syx * cx
    return ((kxx * ex + kxy * ey) * idet, (kyx * ex + kyy * ey) * idet, (kzx * ex + kzy * ey) * idet)


@_jit.njit
def sphere_rows_many(m, geom, coef, out):
    """The ten lab-frame entries at each row of m (n, 3) into out (n, 10); for tests."""
    for k in range(m.shape[0]):
        vals = sphere_rows(m[k, 0], m[k, 1], m[k, 2], geom, coef)
        for e in range(10):
            out[k, e] = vals[e]


@_jit.njit
def sot_sphere_many(m, J, jx, jy, pref, geom, coef, out):
    """B_SOT (tesla) at each row of m (n, 3) for the current density J (A/m^2) into out (n, 3)."""
    for k in range(m.shape[0]):
        bx, by, bz = sot_sphere(m[k, 0], m[k, 1], m[k, 2], J, jx, jy, pref, geom, coef)
        out[k, 0] = bx
        out[k, 1] = by
        out[k, 2] = bz
