"""The dilute regime: the exact leading order in the impurity density n (docs/physics.md sec. 2a).

Everything is computed by one numba kernel per (eps, theta) point:

1. clean g0 (exact radial integrals, i0 -> 0+), hence tau+ and Upsilon;
2. Fermi-contour integrals N0, q, sbar, a0 with gamma_l = -Im <l|tau+|l>;
3. da0 = sum_k tr[s (G0+ tau+ G0+ - h.c.)] from exact double-pole radial integrals
   (the one-sided derivative d a(n)/dn at 0+, without finite differences);
4. the cutoff boundary term b0 on |k| = k_c;
5. the bordered 5x4 system [1 - M0; w0^T] y0 = [q; b0] that fixes the amplitude of the
   Fermi-level-shift zero mode, then lim n K = y0[1:] and lim n sigma = sbar + q^T Ups y0/2
   (internal units, without the e/(2 pi) and e^2/(2 pi hbar) prefactors).

The angle integral is a nested trapezoid rule; consecutive levels give the error estimate.
"""
import math

import numpy as np

from .._jit import njit
from .pauli import pmul
from .rays import (D_CHECK, D_COND, D_CUTOFF, D_LEVEL, D_NODES, D_RESID, D_STAR, clean_ray,  # noqa: F401
                   ddpoly, level_step, node_angle, ray_coefficients, record_level)
from .scattering import tau_plus, upsilon

N0_NODES = 8
MAX_LEVEL = 12  # up to 8 * 2^12 = 32768 nodes

# diagnostics slots
D_WARD = D_CHECK
N_DIAG = 8


@njit
def _contour_and_da0(i, c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, tau, ROOTS, I1, DQ, KIND, RAY,
                     N0, q, sb, a0v, Z):
    """Add node i's Fermi-contour and da0 contributions (unnormalised)."""
    R = RAY[i, 0]
    cphi = RAY[i, 1]
    sphi = RAY[i, 2]
    (A0, A1, A2, B1, B2, B3, C1, C2, C3,
     Q4, Q3, Q2, Q1, Q0) = ray_coefficients(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy,
                                            cphi, sphi, 0j, 0j, 0j, 0j)
    t0, t1, t2, t3 = tau[0], tau[1], tau[2], tau[3]
    S = np.empty(4)
    v = np.empty(2)
    for j in range(4):
        if KIND[i, j] == 4:  # c = 0: no such root
            continue
        r = ROOTS[i, j]
        d = DQ[i, j]
        a0 = A0 + (A1 + A2 * r) * r
        h1 = B1 + C1 * r
        h2 = B2 + C2 * r
        h3 = B3 + C3 * r
        kd = KIND[i, j]
        if kd == 1 or kd == -1:
            l = float(kd)
            x = r.real
            habs = abs(a0.real)
            w = x * 2.0 * habs / abs(d.real)
            e1 = h1.real / habs
            e2 = h2.real / habs
            e3 = h3.real / habs
            gam = -(t0 + l * (e1 * t1 + e2 * t2 + e3 * t3)).imag
            kx = cx + x * cphi
            ky = cy + x * sphi
            S[0] = 1.0
            S[1] = l * e1
            S[2] = l * e2
            S[3] = l * e3
            # v_b = 2c k_b + l sum_a L_ab e_a (the velocity vertex on band l)
            v[0] = 2.0 * c * kx + l * (lxx * e1 + lyx * e2)
            v[1] = 2.0 * c * ky + l * (lxy * e1 + lyy * e2)
            wg = w / gam
            for m in range(4):
                a0v[m] += -2j * math.pi * w * S[m]
                for mu in range(4):
                    N0[m, mu] += 0.5 * math.pi * wg * S[m] * S[mu]
                for b in range(2):
                    q[m, b] += math.pi * wg * S[m] * v[b]
            for a in range(2):
                for b in range(2):
                    sb[a, b] += math.pi * wg * v[a] * v[b]
        # double-pole partial fractions of rho tr[s_nu adj tau adj] / det^2
        X0, X1, X2, X3 = pmul(a0, h1, h2, h3, t0, t1, t2, t3)        # adj tau
        Y0, Y1, Y2, Y3 = pmul(X0, X1, X2, X3, a0, h1, h2, h3)        # adj tau adj
        da0 = A1 + 2.0 * A2 * r
        P0, P1, P2, P3 = pmul(da0, C1, C2, C3, t0, t1, t2, t3)       # adj' tau
        U0, U1, U2, U3 = pmul(P0, P1, P2, P3, a0, h1, h2, h3)        # adj' tau adj
        V0, V1, V2, V3 = pmul(X0, X1, X2, X3, da0, C1, C2, C3)       # adj tau adj'
        dd = ddpoly(Q4, Q3, Q2, r)
        I2 = -1.0 / (R - r) - 1.0 / r
        inv_d2 = 1.0 / (d * d)
        val = I1[i, j]
        # tr[s_nu Y] = 2 Y_nu
        for nu in range(4):
            if nu == 0:
                y, u = Y0, U0 + V0
            elif nu == 1:
                y, u = Y1, U1 + V1
            elif nu == 2:
                y, u = Y2, U2 + V2
            else:
                y, u = Y3, U3 + V3
            Pn = 2.0 * r * y
            dPn = 2.0 * y + 2.0 * r * u
            Aj = Pn * inv_d2
            Bj = dPn * inv_d2 - Pn * dd * inv_d2 / d
            Z[nu] += Aj * I2 + Bj * val


@njit
def _circle_node(i, n0, c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, kc, CIRC):
    """G0 (real Pauli coefficients) on the cutoff circle at node i, times 1, cos, sin."""
    psi = node_angle(i, n0)
    cp = math.cos(psi)
    sp = math.sin(psi)
    kx = kc * cp
    ky = kc * sp
    a0 = eps - c * kc * kc
    h1 = dx + (lxx * kx + lxy * ky)
    h2 = dy + (lyx * kx + lyy * ky)
    h3 = dz
    det = a0 * a0 - h1 * h1 - h2 * h2 - h3 * h3
    CIRC[i, 0] = a0 / det
    CIRC[i, 1] = h1 / det
    CIRC[i, 2] = h2 / det
    CIRC[i, 3] = h3 / det
    CIRC[i, 4] = cp
    CIRC[i, 5] = sp


@njit
def _assemble(N0, q, sb, Z, b0, U, n, Kout, Sout, yout):
    """Bordered solve and lim-n quantities; returns (Ward residual, condition number)."""
    M0 = N0 @ U
    A = np.zeros((5, 4))
    rhs = np.zeros((5, 2))
    for a in range(4):
        for b in range(4):
            A[a, b] = (1.0 if a == b else 0.0) - M0[a, b]
        for b in range(2):
            rhs[a, b] = q[a, b]
    # w0 = -1/2 Ups^T da0 with da0 = 2 i Im Z;  w0^T y0 = b0 (both purely imaginary)
    w = -(np.ascontiguousarray(U.T) @ np.ascontiguousarray(Z.imag))
    wn = math.sqrt(np.sum(w * w))
    for b in range(4):
        A[4, b] = w[b] / wn
    for b in range(2):
        rhs[4, b] = b0[b].imag / wn
    y, res, rank, sv = np.linalg.lstsq(A, rhs)
    resid = 0.0
    qn = 0.0
    for a in range(5):
        for b in range(2):
            s = -rhs[a, b]
            for k in range(4):
                s += A[a, k] * y[k, b]
            resid = max(resid, abs(s))
            qn = max(qn, abs(rhs[a, b]))
    for a in range(3):
        for b in range(2):
            Kout[a, b] = y[a + 1, b] / n
    for a in range(4):
        for b in range(2):
            yout[a, b] = y[a, b]
    qUy = q.T @ (U @ y)
    for a in range(2):
        for b in range(2):
            Sout[a, b] = (sb[a, b] + 0.5 * qUy[a, b]) / n
    return resid / qn, sv[0] / sv[-1]


@njit
def dilute_point(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, kc, W, n, approx, rtol, max_level,
                 K, K_err, S, S_err, y0, g0_out, tau_out, diag):
    """Dilute-regime response at one point (internal units; see module docstring).

    Outputs (filled in place): K (3x2) = lim(nK)/n and S (2x2) = lim(n s)/n in internal
    units, their absolute error estimates, y0 (4x2), g0 and tau+ (4 complex), diag.
    """
    nmax = N0_NODES * 2**max_level
    ROOTS = np.empty((nmax, 4), np.complex128)
    I1 = np.empty((nmax, 4), np.complex128)
    DQ = np.empty((nmax, 4), np.complex128)
    KIND = np.empty((nmax, 4), np.int64)
    RAY = np.empty((nmax, 3))
    GF = np.empty((nmax, 4), np.complex128)
    CIRC = np.empty((nmax, 6))
    Kprev = np.zeros((3, 2))
    Sprev = np.zeros((2, 2))
    have = 0
    star_bad = 0
    cut_bad = 0
    ref_plus = -1
    ref_minus = -1
    for level in range(max_level + 1):
        N = N0_NODES * 2**level
        for i in range(have, N):
            phi = node_angle(i, N0_NODES)
            R, f0, f1, f2, f3 = clean_ray(c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, kc, phi,
                                          ROOTS[i], I1[i], DQ[i], KIND[i])
            RAY[i, 0] = R
            RAY[i, 1] = math.cos(phi)
            RAY[i, 2] = math.sin(phi)
            GF[i, 0] = f0
            GF[i, 1] = f1
            GF[i, 2] = f2
            GF[i, 3] = f3
            npl = 0
            nmi = 0
            for j in range(4):
                if KIND[i, j] == 1:
                    npl += 1
                elif KIND[i, j] == -1:
                    nmi += 1
                elif KIND[i, j] == 3:
                    cut_bad = 1
            if ref_plus < 0:
                ref_plus = npl
                ref_minus = nmi
            elif npl != ref_plus or nmi != ref_minus:
                star_bad = 1
            _circle_node(i, N0_NODES, c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, kc, CIRC)
        have = N
        g0 = np.zeros(4, np.complex128)
        for i in range(N):
            for m in range(4):
                g0[m] += GF[i, m]
        for m in range(4):
            g0[m] /= 2.0 * math.pi * N
        tau = tau_plus(g0, W, approx)
        U = upsilon(tau, W, approx)
        N0 = np.zeros((4, 4))
        q = np.zeros((4, 2))
        sb = np.zeros((2, 2))
        a0v = np.zeros(4, np.complex128)
        Z = np.zeros(4, np.complex128)
        for i in range(N):
            _contour_and_da0(i, c, lxx, lxy, lyx, lyy, dx, dy, dz, eps, cx, cy, tau, ROOTS, I1, DQ, KIND,
                             RAY,
                             N0, q, sb, a0v, Z)
        norm = 1.0 / (2.0 * math.pi * N)
        N0 *= norm
        q *= norm
        sb *= norm
        a0v *= norm
        Z *= norm
        b0 = np.zeros(2, np.complex128)
        for i in range(N):
            tr = 2.0 * (CIRC[i, 0] * (tau[0] - tau[0].conjugate())
                        + CIRC[i, 1] * (tau[1] - tau[1].conjugate())
                        + CIRC[i, 2] * (tau[2] - tau[2].conjugate())
                        + CIRC[i, 3] * (tau[3] - tau[3].conjugate()))
            b0[0] += CIRC[i, 4] * tr
            b0[1] += CIRC[i, 5] * tr
        for b in range(2):
            b0[b] *= kc / (2.0 * math.pi * N)
        ward, cond = _assemble(N0, q, sb, Z, b0, U, n, K, S, y0)
        stop, rel = level_step(level, level == max_level, rtol, K, Kprev, S, Sprev, K_err, S_err)
        if stop:
            for m in range(4):
                g0_out[m] = g0[m]
                tau_out[m] = tau[m]
            diag[D_STAR] = star_bad
            diag[D_CUTOFF] = cut_bad
            record_level(diag, level, N, ward, cond, rel)
            return
