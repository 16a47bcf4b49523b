"""The finite regime: full dressed Green's functions at the given impurity density.

G+-_k = (eps - H(k) - Sigma+-)^-1 with Sigma+ = n tau+ (tau+ from the clean g0, as in the
paper) and Sigma- = Sigma+^dagger. Along each ray the products G+ X G- are rational in rho
with denominator det+(rho) det-(rho), an octic whose roots are the four roots of det+ and
their complex conjugates; the radial integrals are exact partial fractions over those eight
simple roots. Returned (internal units, before the e/(2 pi) and e^2/(2 pi hbar) prefactors):

    N_ab   = n/2 sum_k tr[s_a G+ s_b G-]        Q_nu,b  = sum_k tr[s_nu G+ v_b G-]
    Qb_nu,b = sum_k tr[s_nu G- v_b G+]          sb_ab   = sum_k tr[v_a G+ v_b G-]
    K  = (1 - N Ups)^-1 Q                       (spin vertex dressed, P-19..P-21)
    s  = sb + n/2 Qb^T Ups (1 - N Ups)^-1 Q     (current vertex dressed)
"""
import math

import numpy as np

from .._jit import njit
from .pauli import pmul, ptr, sigma_times
from .quartic import poly_roots
from .rays import (D_CHECK, D_COND, D_CUTOFF, D_LEVEL, D_NODES, D_RESID, D_STAR,  # noqa: F401
                   clean_ray, dpoly, level_step, log_segment, node_angle, ray_coefficients,
                   ray_length, record_level)
from .scattering import tau_plus, upsilon

N0_NODES = 8

D_IMAG, D_G0LEVEL = D_CHECK, 7
N_DIAG = 8


@njit
def clean_g0(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, kc, rtol, max_level, diag):
    """Clean g0+ (4 complex) converged to rtol by nested trapezoid levels."""
    nmax = N0_NODES * 2**max_level
    roots = np.empty(4, np.complex128)
    I1 = np.empty(4, np.complex128)
    dQ = np.empty(4, np.complex128)
    kind = np.empty(4, np.int64)
    acc = np.zeros(4, np.complex128)
    prev = np.zeros(4, np.complex128)
    g0 = np.zeros(4, np.complex128)
    have = 0
    ref = -1
    for level in range(max_level + 1):
        N = N0_NODES * 2**level
        for i in range(have, min(N, nmax)):
            phi = node_angle(i, N0_NODES)
            R, f0, f1, f2, f3 = clean_ray(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, kc, phi, roots,
                                          I1, dQ, kind)
            acc[0] += f0
            acc[1] += f1
            acc[2] += f2
            acc[3] += f3
            cnt = 0
            for j in range(4):
                if kind[j] == 1:
                    cnt += 10
                elif kind[j] == -1:
                    cnt += 1
                elif kind[j] == 3:
                    diag[D_CUTOFF] = 1
            if ref < 0:
                ref = cnt
            elif cnt != ref:
                diag[D_STAR] = 1
        have = N
        gmax = 0.0
        dg = 0.0
        for m in range(4):
            g0[m] = acc[m] / (2.0 * math.pi * N)
            gmax = max(gmax, abs(g0[m]))
            dg = max(dg, abs(g0[m] - prev[m]))
            prev[m] = g0[m]
        if level >= 2 and (dg <= rtol * gmax or level == max_level):
            diag[D_G0LEVEL] = level
            return g0
    return g0


@njit
def _finite_ray(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, kc, phi, sig, Nsum, Qsum, Qbsum,
                sbsum, roots):
    """Add one ray's exact radial integrals to the running sums (unnormalised)."""
    cphi = math.cos(phi)
    sphi = math.sin(phi)
    R = ray_length(cx, cy, cphi, sphi, kc)
    (A0, A1, A2, B1, B2, B3, C1, C2, C3,
     Q4, Q3, Q2, Q1, Q0) = ray_coefficients(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy,
                                            cphi, sphi, sig[0], sig[1], sig[2], sig[3])
    nr = poly_roots(Q4, Q3, Q2, Q1, Q0, roots)
    # det- has the complex-conjugate coefficients (Sigma- = Sigma+^dagger)
    A0m = A0.conjugate()
    B1m = B1.conjugate()
    B2m = B2.conjugate()
    B3m = B3.conjugate()
    P4, P3, P2, P1, P0 = Q4.conjugate(), Q3.conjugate(), Q2.conjugate(), Q1.conjugate(), Q0.conjugate()
    for jj in range(8):
        if jj % 4 >= nr:  # c = 0: det+- are quadratics, 2 + 2 roots
            continue
        if jj < 4:
            r = roots[jj]
            dD = dpoly(Q4, Q3, Q2, Q1, r) * ((((P4 * r + P3) * r + P2) * r + P1) * r + P0)
        else:
            r = roots[jj - 4].conjugate()
            dD = ((((Q4 * r + Q3) * r + Q2) * r + Q1) * r + Q0) * dpoly(P4, P3, P2, P1, r)
        f = r * log_segment(R, r) / dD
        x0 = A0 + (A1 + A2 * r) * r       # adj+
        x1 = B1 + C1 * r
        x2 = B2 + C2 * r
        x3 = B3 + C3 * r
        y0 = A0m + (A1 + A2 * r) * r      # adj-
        y1 = B1m + C1 * r
        y2 = B2m + C2 * r
        y3 = B3m + C3 * r
        kx = cx + r * cphi
        ky = cy + r * sphi
        # velocity operators v_b = 2c k_b + sum_a L_ab s_a (Rashba: v_x = 2c kx + alpha s_y)
        vxX = pmul(2.0 * c * kx, lxx + 0j, lyx + 0j, 0j, x0, x1, x2, x3)
        vyX = pmul(2.0 * c * ky, lxy + 0j, lyy + 0j, 0j, x0, x1, x2, x3)
        vxY = pmul(2.0 * c * kx, lxx + 0j, lyx + 0j, 0j, y0, y1, y2, y3)
        vyY = pmul(2.0 * c * ky, lxy + 0j, lyy + 0j, 0j, y0, y1, y2, y3)
        for a in range(4):
            sx0, sx1, sx2, sx3 = sigma_times(a, x0, x1, x2, x3)
            sy0, sy1, sy2, sy3 = sigma_times(a, y0, y1, y2, y3)
            for b in range(4):
                tb0, tb1, tb2, tb3 = sigma_times(b, y0, y1, y2, y3)
                Nsum[a, b] += f * ptr(sx0, sx1, sx2, sx3, tb0, tb1, tb2, tb3)
            Qsum[a, 0] += f * ptr(sx0, sx1, sx2, sx3, vxY[0], vxY[1], vxY[2], vxY[3])
            Qsum[a, 1] += f * ptr(sx0, sx1, sx2, sx3, vyY[0], vyY[1], vyY[2], vyY[3])
            Qbsum[a, 0] += f * ptr(sy0, sy1, sy2, sy3, vxX[0], vxX[1], vxX[2], vxX[3])
            Qbsum[a, 1] += f * ptr(sy0, sy1, sy2, sy3, vyX[0], vyX[1], vyX[2], vyX[3])
        sbsum[0, 0] += f * ptr(vxX[0], vxX[1], vxX[2], vxX[3], vxY[0], vxY[1], vxY[2], vxY[3])
        sbsum[0, 1] += f * ptr(vxX[0], vxX[1], vxX[2], vxX[3], vyY[0], vyY[1], vyY[2], vyY[3])
        sbsum[1, 0] += f * ptr(vyX[0], vyX[1], vyX[2], vyX[3], vxY[0], vxY[1], vxY[2], vxY[3])
        sbsum[1, 1] += f * ptr(vyX[0], vyX[1], vyX[2], vyX[3], vyY[0], vyY[1], vyY[2], vyY[3])


@njit
def _finite_assemble(Nsum, Qsum, Qbsum, sbsum, N, n, U, K, S):
    """Normalise the sums and dress the vertices; returns (max imaginary part, cond)."""
    norm = 1.0 / (2.0 * math.pi * N)
    Nm = (0.5 * n * norm) * Nsum
    Qm = norm * Qsum
    Qbm = norm * Qbsum
    sbm = norm * sbsum
    imag = 0.0
    for a in range(4):
        for b in range(4):
            imag = max(imag, abs(Nm[a, b].imag) / (abs(Nm[a, b]) + 1e-300) if abs(Nm[a, b]) > 1e-12 else 0.0)
    Nr = Nm.real.copy()
    Qr = Qm.real.copy()
    Qbr = Qbm.real.copy()
    M = Nr @ U
    A = np.eye(4) - M
    DQ = np.linalg.solve(A, Qr)
    sv = np.linalg.svd(A)[1]
    for a in range(3):
        for b in range(2):
            K[a, b] = DQ[a + 1, b]
    corr = Qbr.T @ (U @ DQ)
    for a in range(2):
        for b in range(2):
            S[a, b] = sbm[a, b].real + 0.5 * n * corr[a, b]
    return imag, sv[0] / sv[-1]


@njit
def finite_point(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, kc, W, n, approx, rtol, max_level,
                 K, K_err, S, S_err, g0_out, tau_out, diag):
    """Finite-n response at one point (internal units; see the module docstring)."""
    g0 = clean_g0(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, kc, 1e-3 * rtol, max_level, diag)
    tau = tau_plus(g0, W, approx)
    U = upsilon(tau, W, approx)
    sig = np.empty(4, np.complex128)
    for m in range(4):
        sig[m] = n * tau[m]
        g0_out[m] = g0[m]
        tau_out[m] = tau[m]
    roots = np.empty(4, np.complex128)
    Nsum = np.zeros((4, 4), np.complex128)
    Qsum = np.zeros((4, 2), np.complex128)
    Qbsum = np.zeros((4, 2), np.complex128)
    sbsum = np.zeros((2, 2), np.complex128)
    Kprev = np.zeros((3, 2))
    Sprev = np.zeros((2, 2))
    have = 0
    for level in range(max_level + 1):
        N = N0_NODES * 2**level
        for i in range(have, N):
            phi = node_angle(i, N0_NODES)
            _finite_ray(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, kc, phi, sig, Nsum, Qsum, Qbsum,
                        sbsum, roots)
        have = N
        imag, cond = _finite_assemble(Nsum, Qsum, Qbsum, sbsum, N, n, U, K, S)
        stop, rel = level_step(level, level == max_level, rtol, K, Kprev, S, Sprev, K_err, S_err)
        if stop:
            record_level(diag, level, N, imag, cond, rel)
            return
