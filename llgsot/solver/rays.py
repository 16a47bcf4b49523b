"""Exact radial integrals along rays: the semi-analytic quadrature of the solver.

Every momentum integral runs over the disc |k| < k_c (docs/physics.md sec. 1). We use polar
coordinates k = (0, cy) + rho (cos phi, sin phi) about a centre on the k_y axis chosen
inside every Fermi sea, so that each contour is star-shaped about it. Along a ray all
integrands are rational in rho: numerator polynomials over det(eps - H - Sigma), a quartic
in rho. Their radial integrals from 0 to R(phi) (the distance to the cutoff circle) are
done exactly by partial fractions over the quartic's roots r_j:

    int_0^R drho / (rho - r)   = Log(R - r) - Log(-r)       (I1; +i0 prescription on real roots)
    int_0^R drho / (rho - r)^2 = -1/(R - r) - 1/r            (I2)

and the remaining integral over phi is periodic and analytic, so the trapezoid rule
converges exponentially; nested levels of nodes give the error estimate.

Notation along a ray: a0(rho) = eps - e0(k) - sigma0 = A0 + A1 rho + A2 rho^2,
a(rho) = h(k) + sigma_vec = B + C rho, det = a0^2 - a.a = sum_i Qi rho^i, and
adj(eps - H - Sigma) = a0 + a.s, so (eps - H - Sigma)^-1 = adj/det.
"""
import math

import numpy as np

from .._jit import njit
from .quartic import poly_roots

# relative size below which the imaginary part of a root of a real quartic is rounding
REAL_ROOT_TOL = 1e-9


@njit
def node_angle(i, n0):
    """Angle of node i in the nested ordering: level 0 holds n0 equispaced nodes, level
    m > 0 the n0 2^(m-1) odd multiples of 2 pi/(n0 2^m)."""
    if i < n0:
        return 2.0 * math.pi * i / n0
    m = 1
    start = n0
    count = n0
    while i >= start + count:
        start += count
        count *= 2
        m += 1
    j = i - start
    return 2.0 * math.pi * (2 * j + 1) / (n0 * 2**m)


@njit
def ray_length(cx, cy, cphi, sphi, kc):
    """Distance R from (cx, cy) along (cos phi, sin phi) to the circle |k| = kc."""
    cu = cx * cphi + cy * sphi
    return -cu + math.sqrt(cu * cu + kc * kc - cx * cx - cy * cy)


@njit
def ray_coefficients(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, cphi, sphi,
                     s0, s1, s2, s3):
    """Polynomial data of eps - H - Sigma along a ray (see module docstring).

    H = c k^2 + (L k).s_par + (dx, dy, dz).s with L = [[lxx, lxy], [lyx, lyy]] (the model
    interface, :mod:`llgsot.models.base`); the centre is (cx, cy); Sigma = s0 + s.sigma.
    Returns (A0, A1, A2, B1, B2, B3, C1, C2, C3, Q4, Q3, Q2, Q1, Q0); Q4 = Q3 = 0 if c = 0.
    """
    A0 = eps - s0 - c * (cx * cx + cy * cy) + 0j
    A1 = -2.0 * c * (cx * cphi + cy * sphi) + 0j
    A2 = -c + 0j
    B1 = dx + (lxx * cx + lxy * cy) + s1
    B2 = dy + (lyx * cx + lyy * cy) + s2
    B3 = dz + s3
    C1 = lxx * cphi + lxy * sphi + 0j
    C2 = lyx * cphi + lyy * sphi + 0j
    C3 = 0j
    Q4 = A2 * A2
    Q3 = 2.0 * A1 * A2
    Q2 = A1 * A1 + 2.0 * A0 * A2 - (C1 * C1 + C2 * C2 + C3 * C3)
    Q1 = 2.0 * A0 * A1 - 2.0 * (B1 * C1 + B2 * C2 + B3 * C3)
    Q0 = A0 * A0 - (B1 * B1 + B2 * B2 + B3 * B3)
    return A0, A1, A2, B1, B2, B3, C1, C2, C3, Q4, Q3, Q2, Q1, Q0


@njit
def dpoly(Q4, Q3, Q2, Q1, r):
    """Derivative of the quartic at r."""
    return ((4.0 * Q4 * r + 3.0 * Q3) * r + 2.0 * Q2) * r + Q1


@njit
def ddpoly(Q4, Q3, Q2, r):
    """Second derivative of the quartic at r."""
    return (12.0 * Q4 * r + 6.0 * Q3) * r + 2.0 * Q2


@njit
def log_segment(R, r):
    """int_0^R drho/(rho - r) for a complex root r (principal logs; the path never
    crosses the branch cut because Im(rho - r) has a fixed sign)."""
    return np.log(R - r) - np.log(-r)


@njit
def clean_ray(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, kc, phi, roots, I1, dQ, kind):
    """Roots and exact radial integrals of the clean problem (Sigma = 0, eps + i0) on one ray.

    Fills ``roots`` (4), ``I1`` (4: int_0^R drho/(rho - r_j) in the i0 -> 0+ limit),
    ``dQ`` (4: det'(r_j)) and ``kind`` (4: 0 complex, +1/-1 real root on band l = +-1 inside
    (0, R), 2 real root outside (0, R), 3 real root beyond the cutoff R, 4 no root: c = 0,
    where det is quadratic and only two roots exist; then rho h/det is not a proper fraction
    and its polynomial part (C/Q2) R is added).
    Returns (R, g0_0, g0_x, g0_y, g0_z): the contribution F(phi) of this ray to g0, with
    g0 = 1/(2 pi N) sum_nodes F.
    """
    cphi = math.cos(phi)
    sphi = math.sin(phi)
    R = ray_length(cx, cy, cphi, sphi, kc)
    (A0, A1, A2, B1, B2, B3, C1, C2, C3,
     Q4, Q3, Q2, Q1, Q0) = ray_coefficients(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy,
                                            cphi, sphi, 0j, 0j, 0j, 0j)
    nr = poly_roots(Q4, Q3, Q2, Q1, Q0, roots)
    scale = 0.0
    for j in range(nr):
        scale += abs(roots[j])
    scale = (1.0 / nr) * scale + 1e-12 * kc
    g0 = 0j
    g1 = 0j
    g2 = 0j
    g3 = 0j
    for j in range(nr, 4):
        kind[j] = 4
        roots[j] = 0j
        I1[j] = 0j
        dQ[j] = 1.0 + 0j
    if nr == 2:
        # polynomial part of rho (B + C rho) / (Q2 rho^2 + Q1 rho + Q0): C / Q2, times R
        g1 += C1 / Q2 * R
        g2 += C2 / Q2 * R
        g3 += C3 / Q2 * R
    for j in range(nr):
        r = roots[j]
        if abs(r.imag) <= REAL_ROOT_TOL * scale:
            r = r.real + 0j
            roots[j] = r
        d = dpoly(Q4, Q3, Q2, Q1, r)
        dQ[j] = d
        a0 = A0 + (A1 + A2 * r) * r
        if r.imag == 0.0:
            x = r.real
            val = math.log(abs(R - x)) - math.log(abs(x)) + 0j
            if 0.0 < x < R:
                # eps -> eps + i eta moves the root by -i eta 2 a0 / det'(r)
                side = -1.0 if (a0.real / d.real) > 0 else 1.0
                val += 1j * math.pi * side
                kind[j] = 1 if a0.real > 0 else -1
            elif x >= R:
                kind[j] = 3
            else:
                kind[j] = 2
        else:
            val = log_segment(R, r)
            kind[j] = 0
        I1[j] = val
        f = r * val / d
        g0 += a0 * f
        g1 += (B1 + C1 * r) * f
        g2 += (B2 + C2 * r) * f
        g3 += (B3 + C3 * r) * f
    return R, g0, g1, g2, g3


#: diagnostics slots shared by the dilute and the finite-density kernels (slot 4: the
#: kernel's own check, the Ward identity there, the imaginary part here; slot 7 is the
#: finite kernel's g0 level)
D_LEVEL, D_NODES, D_STAR, D_CUTOFF, D_CHECK, D_COND, D_RESID = 0, 1, 2, 3, 4, 5, 6


@njit
def record_level(diag, level, nodes, check, cond, rel):
    """Write the diagnostics of the level that stopped the trapezoid nesting: its number,
    node count, the kernel's check (slot D_CHECK), the condition number and the relative
    change of :func:`level_step`."""
    diag[D_LEVEL] = level
    diag[D_NODES] = nodes
    diag[D_CHECK] = check
    diag[D_COND] = cond
    diag[D_RESID] = rel


@njit
def level_step(level, last, rtol, K, Kprev, S, Sprev, K_err, S_err):
    """Convergence bookkeeping of the nested trapezoid levels.

    Stops at ``last`` or once level >= 2 changes K and S by <= rtol (relative to their
    largest entries). On stop, K_err and S_err get the change between the last two levels
    (the error estimate); otherwise Kprev, Sprev take K, S. Returns (stop, relative change).
    """
    kmax = np.abs(K).max()
    smax = np.abs(S).max()
    dk = np.abs(K - Kprev).max()
    ds = np.abs(S - Sprev).max()
    rel = dk / kmax if kmax > 0 else 0.0
    if last or (level >= 2 and dk <= rtol * kmax and ds <= rtol * smax):
        K_err[:, :] = np.abs(K - Kprev)
        S_err[:, :] = np.abs(S - Sprev)
        return True, rel
    Kprev[:, :] = K
    Sprev[:, :] = S
    return False, rel
