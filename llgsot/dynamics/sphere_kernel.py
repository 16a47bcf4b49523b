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
T_BINS = 256  # a line's theta index: bins of pi / T_BINS narrow its node search to a few nodes


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


#: fast atan2 (:func:`_atan2`): reference angles a_j = asin(j / ATAN_GRID), j = 0 .. ATAN_REFS - 1,
#: with their cosine and sine; a_j spans [0, pi/4] (sin pi/4 = 0.7071 < 46 / 64)
ATAN_GRID = 64
ATAN_REFS = 47
_ATAN_REF = np.array([[a, math.cos(a), math.sin(a)]
                      for a in (math.asin(j / ATAN_GRID) for j in range(ATAN_REFS))])
HALF_PI = 0.5 * math.pi


@_inline
def _asin_tiny(x):
    """asin(x) for |x| <= sin(TINY_SERIES_MAX_WIDTH = 0.03) by its Taylor series to x^9 (Estrin).

    Truncation error <= (63/2816) |x|^11 < 4e-19 there: below the rounding of the result.
    The 1D table kernel (:mod:`.kernels`, which imports this module) uses it for its segment
    offset, this module for :func:`_atan2`.
    """
    z = x * x
    z2 = z * z
    p01 = 1.0 + z * (1.0 / 6.0)
    p23 = 3.0 / 40.0 + z * (5.0 / 112.0)
    return x * (p01 + z2 * (p23 + z2 * (35.0 / 1152.0)))


@_inline
def _atan2(y, x, inv):
    """atan2(y, x) (rad, in [-pi, pi], signed zeros as math.atan2) given inv = 1 / hypot(x, y) > 0.

    The angle a in [0, pi/4] of (max(|x|, |y|), min(|x|, |y|)) is a_j + asin(sin(a - a_j)) with
    the reference a_j = asin(j / 64) nearest in sine (j = round(64 sin a), |a - a_j| < 0.012)
    and sin(a - a_j) = (min cos a_j - max sin a_j) inv by the tabulated cos, sin of a_j; then
    folded into its octant. Within a few ulp of math.atan2 (tests/test_sphere_kernel.py) and
    ~3x faster: libm's atan2 was a quarter of the sphere kernel's time.
    """
    ax = abs(x)
    ay = abs(y)
    big = ay if ay > ax else ax
    small = ax if ay > ax else ay
    j = int(small * inv * ATAN_GRID + 0.5)
    a = _ATAN_REF[j, 0] + _asin_tiny((small * _ATAN_REF[j, 1] - big * _ATAN_REF[j, 2]) * inv)
    if ay > ax:
        a = HALF_PI - a
    if x < 0.0:
        a = math.pi - a
    return math.copysign(a, y)


@_inline
def _cubics(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, w, coef, row, off, d, d2):
    """r_e + w p_e(d) for the ten cubics p_e of ``coef[row, off + 10 q + e]`` (power form in d)."""
    return (r0 + w * ((coef[row, off] + d * coef[row, off + 10]) + d2 * (coef[row, off + 20] + d * coef[row, off + 30])),
            r1 + w * ((coef[row, off + 1] + d * coef[row, off + 11]) + d2 * (coef[row, off + 21] + d * coef[row, off + 31])),
            r2 + w * ((coef[row, off + 2] + d * coef[row, off + 12]) + d2 * (coef[row, off + 22] + d * coef[row, off + 32])),
            r3 + w * ((coef[row, off + 3] + d * coef[row, off + 13]) + d2 * (coef[row, off + 23] + d * coef[row, off + 33])),
            r4 + w * ((coef[row, off + 4] + d * coef[row, off + 14]) + d2 * (coef[row, off + 24] + d * coef[row, off + 34])),
            r5 + w * ((coef[row, off + 5] + d * coef[row, off + 15]) + d2 * (coef[row, off + 25] + d * coef[row, off + 35])),
            r6 + w * ((coef[row, off + 6] + d * coef[row, off + 16]) + d2 * (coef[row, off + 26] + d * coef[row, off + 36])),
            r7 + w * ((coef[row, off + 7] + d * coef[row, off + 17]) + d2 * (coef[row, off + 27] + d * coef[row, off + 37])),
            r8 + w * ((coef[row, off + 8] + d * coef[row, off + 18]) + d2 * (coef[row, off + 28] + d * coef[row, off + 38])),
            r9 + w * ((coef[row, off + 9] + d * coef[row, off + 19]) + d2 * (coef[row, off + 29] + d * coef[row, off + 39])))


@_inline
def _locate(geom, ell, p, th, A, scale, N, P, c_phi):
    """(row of coef, offset d (rad)) of th on line ell: th in piece p between the jump curves
    (A, A + 1 / scale) mapped linearly onto the line's piece p, then its segment."""
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
    return ell * N + i, tl - geom[ell, i]


@_inline
def sphere_rows(mx, my, mz, geom, coef):
    """The ten lab-frame entries (Kxx, Kxy, Kyx, Kyy, Kzx, Kzy, sxx, sxy, syx, syy) at m."""
    rho2 = mx * mx + my * my
    rho = math.sqrt(rho2)
    inv_m = 1.0 / math.sqrt(rho2 + mz * mz)
    th = _atan2(rho, mz, inv_m)
    if rho > 0.0:
        inv_rho = 1.0 / rho
        cp = mx * inv_rho
        sp = my * inv_rho
    else:
        inv_rho = 0.0
        cp = 1.0
        sp = 0.0
    L = geom.shape[0]
    last = coef.shape[0] - 1
    N = int(coef[last, 20])
    P = int(coef[last, 21])
    G = int(coef[last, 22])
    c_phi = N + 4 * P - 2  # columns of geom: phi_l, jump count, compatible, 1 / width
    k = 0
    k1 = 0
    w0 = 1.0
    w1 = w2 = w3 = 0.0
    if L > 1:  # one line (a rotation-invariant table): no azimuth needed
        if rho2 > 1e-290:
            ph = _atan2(my, mx, inv_rho)
        else:  # rho^2 underflows: 1 / rho is not accurate enough for _atan2
            ph = math.atan2(my, mx) if rho > 0.0 else 0.0
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
        if geom[k, c_phi + 2] > 0.0:  # cubic Hermite: value k, slope k, value k+1, slope k+1
            # the slope weights (u^3 - 2 u^2 + u) h and (u^3 - u^2) h with u h = ph - phi_k:
            # no division by the stored 1 / h
            dph = ph - geom[k, c_phi]
            u2 = u * u
            u3 = u2 * u
            w0 = 2 * u3 - 3 * u2 + 1
            w1 = (1.0 - u) * (1.0 - u) * dph
            w2 = -2 * u3 + 3 * u2
            w3 = (u - 1.0) * u * dph
        else:  # the jump counts differ: the nearer line alone
            if u >= 0.5:
                k = k1
            k1 = k
    # the piece holding th between the interpolated jump curves
    nj = int(geom[k, c_phi + 1])
    J0 = N + 2 * P
    J1 = J0 + P - 1
    # p = the number of jump positions t_j <= th (ordered: those come first), A = the last of
    # them, B = the first beyond; selects, no branches
    p = 0
    A = 0.0
    B = math.pi
    prev = -1.0
    for j in range(nj):
        if k1 == k:
            t = geom[k, J0 + j]
        else:
            t = w0 * geom[k, J0 + j] + w1 * geom[k, J1 + j] + w2 * geom[k1, J0 + j] + w3 * geom[k1, J1 + j]
        t = t if t > prev else prev  # kept ordered
        prev = t
        t = t if t > 0.0 else 0.0
        t = t if t < math.pi else math.pi
        below = t <= th
        p += 1 if below else 0
        A = t if below else A
        B = t if (not below and t < B) else B
    scale = 1.0 / (B - A)
    # both lines located first (their searches overlap), then the cubics
    row, d = _locate(geom, k, p, th, A, scale, N, P, c_phi)
    row1, d1 = _locate(geom, k1, p, th, A, scale, N, P, c_phi) if k1 != k else (row, d)
    d2 = d * d
    z = 0.0
    r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 = _cubics(z, z, z, z, z, z, z, z, z, z, w0, coef, row, 0, d, d2)
    if w1 != 0.0:  # the phi-derivative g of line k (its weight is 0 on the line and off Hermite cells)
        r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 = _cubics(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9,
                                                         w1, coef, row, 40, d, d2)
    if k1 != k:
        d2 = d1 * d1
        r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 = _cubics(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9,
                                                         w2, coef, row1, 0, d1, d2)
        r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 = _cubics(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9,
                                                         w3, coef, row1, 40, d1, d2)
    # back to the lab frame: K = R3 Kb R2^T, sigma = R2 sb R2^T, then the exact pole part
    # Kb R2^T: columns (x, y) -> (c x - s y, s x + c y)
    kxx, kxy, kyx, kyy = _rotate_block(cp, sp, r0, r1, r2, r3)
    kzx = cp * r4 - sp * r5
    kzy = sp * r4 + cp * r5
    sxx, sxy, syx, syy = _rotate_block(cp, sp, r6, r7, r8, r9)
    ct = mz * inv_m
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
