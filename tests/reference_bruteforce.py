"""Independent brute-force reference for the finite-n Kubo-Streda response (test-suite oracle).

Written from docs/physics.md sections 1-2 only, *without* looking at ``llgsot.solver``, so that
the solver can be checked against something that shares no code and no projected formulas
with it. Plain numpy/scipy, deliberately slow and literal.

Internal units: energies meV, lengths nm, hbar = 1, charge factors dropped.

Model::

    H(k)  = c k^2 + alpha (k_x s_y - k_y s_x) + dx s_x + dz s_z = e0(k) + h(k).s
    sum_k = int d^2k / (2 pi)^2 over the disc |k| < kc centred at k = 0 (every integral)
    g0    = sum_k (eps + i0 - H)^-1                       (i0 -> 0+, exactly)
    T+    = W (1 - W g0)^-1,  T- = (T+)^dagger            (born: T -> W in the rungs)
    S+    = n T+                                          (born: n W^2 g0)
    G+-_k = (eps - H(k) - S+-)^-1,  S- = (S+)^dagger
    v_b   = dH/dk_b

    Kint[a, b] = sum_k tr[ s~_a G+ v_b G- ]  (= sum_k tr[ s_a G+ v~_b G- ])
    sint[a, b] = sum_k tr[ v~_a G+ v_b G- ]  (= sum_k tr[ v_a G+ v~_b G- ])

Ladder (non-crossing, one impurity per rung, derived from the Bethe-Salpeter equation).
Following the fermion loop of tr[X G+ ... Y G- ...]: the retarded line carries the
retarded T-matrix, G+_k T+ G+_k', the advanced line carries T-, G-_k' T- G-_k, and the
impurity average pairs the momenta of the two lines (q = 0) with weight n. Cycling the
outermost G- of a ladder term to the front of the trace gives, for a vertex on the LEFT,

    Gamma_L = X + n sum_k T- G-_k Gamma_L G+_k T+           (vertex in tr[Gamma_L G+ Y G-])

and for a vertex on the RIGHT (cycle nothing; the rung sits around Y)

    Gamma_R = Y + n sum_k T+ G+_k Gamma_R G-_k T-           (vertex in tr[X G+ Gamma_R G-])

Both are solved literally as 4 x 4 linear systems on the space of 2 x 2 matrices (no Pauli
projection). Dressing the left and the right vertex sums the same ladder series, so
Kint_left == Kint_right and sint_left == sint_right up to rounding: a check of the algebra.

Integration. Polar coordinates about a centre k0 inside both Fermi seas (default: the minimum
of the upper band E+ = e0 + |h|, a strictly convex function, so the upper Fermi sea is
convex and star-shaped about it); the disc |k| < kc is then r < R(phi) with
R = -k0.e + sqrt(kc^2 - |k0|^2 + (k0.e)^2). Along each ray (eps - H - S)^-1 = N(r)/D(r) with
N a 2 x 2 polynomial of degree 2 and D = det a quartic in r.

* g0: radial integral done exactly by partial fractions over the 4 roots of the real quartic
  D0; real roots in (0, R) (the Fermi contours) get principal value + (-i pi) delta with the
  sign from eps + i0; then the trapezoid rule in phi (periodic, exponentially convergent).
* bubbles (products G+ X G-): radial Gauss-Legendre panels geometrically graded towards every
  peak (real parts of the complex roots of det(eps - H - S+) on the ray, widths = their
  imaginary parts), trapezoid in phi.  ``radial="residue"`` instead does the radial integral
  exactly by partial fractions over the 8 roots of D+ D- (numerators are of degree < 8): an
  independent cross-check of the quadrature.
* Nphi is doubled until every returned array changes by less than rtol (relative to its
  largest entry); the last change is returned as the error estimate.
"""
from __future__ import annotations

import time
import warnings

import numpy as np
from scipy.optimize import minimize_scalar

__all__ = ["bruteforce_response", "clean_g0", "ladder", "default_center", "PAULI"]

#: identity and Pauli matrices s_0, s_x, s_y, s_z
PAULI = np.array([[[1, 0], [0, 1]],
                  [[0, 1], [1, 0]],
                  [[0, -1j], [1j, 0]],
                  [[1, 0], [0, -1]]], dtype=complex)

_TWO_PI_SQ = (2.0 * np.pi) ** 2


# --------------------------------------------------------------------------------------------
# polynomial helpers (batched over rays; coefficients highest power first)
# --------------------------------------------------------------------------------------------
def _pmul(a, b):
    na, nb = a.shape[-1], b.shape[-1]
    shape = np.broadcast_shapes(a.shape[:-1], b.shape[:-1]) + (na + nb - 1,)
    out = np.zeros(shape, dtype=np.result_type(a, b))
    for i in range(na):
        for j in range(nb):
            out[..., i + j] += a[..., i] * b[..., j]
    return out


def _pad(p, n):
    if p.shape[-1] == n:
        return p
    z = np.zeros(p.shape[:-1] + (n - p.shape[-1],), dtype=p.dtype)
    return np.concatenate([z, p], axis=-1)


def _pval(p, r):
    """p: (nphi, m) coefficients, r: (nphi, M) -> (nphi, M)."""
    out = np.broadcast_to(p[:, :1], r.shape).astype(np.result_type(p, r))
    for j in range(1, p.shape[-1]):
        out = out * r + p[:, j:j + 1]
    return out


def _pder(p):
    m = p.shape[-1] - 1
    return p[:, :-1] * np.arange(m, 0, -1)


def _roots(p, newton=2):
    """Roots of each row of p (nphi, 5), batched companion-matrix eigenvalues + Newton polish."""
    q = p[:, 1:] / p[:, :1]
    m = q.shape[-1]
    comp = np.zeros((p.shape[0], m, m), dtype=q.dtype)
    comp[:, 0, :] = -q
    comp[:, np.arange(1, m), np.arange(m - 1)] = 1.0
    rts = np.linalg.eigvals(comp)
    dp = _pder(p)
    for _ in range(newton):
        f = _pval(p, rts)
        d = _pval(dp, rts)
        step = np.where(d != 0, f / np.where(d != 0, d, 1.0), 0.0)
        rts = rts - step
    return rts


# --------------------------------------------------------------------------------------------
# geometry and the ray polynomials
# --------------------------------------------------------------------------------------------
class _Rays:
    """Everything that depends on phi only (and on the Hamiltonian along the ray)."""

    def __init__(self, phi, center, kc, c, alpha, dx, dz):
        self.phi = phi
        self.cph, self.sph = np.cos(phi), np.sin(phi)
        self.k0 = np.asarray(center, float)
        k0x, k0y = self.k0
        e = k0x * self.cph + k0y * self.sph
        k0sq = k0x ** 2 + k0y ** 2
        if k0sq >= kc ** 2:
            raise ValueError("centre outside the cutoff disc")
        self.R = -e + np.sqrt(kc ** 2 - k0sq + e ** 2)
        self.c, self.alpha, self.dx, self.dz = c, alpha, dx, dz
        one = np.ones_like(phi)
        # e0(r) = c (r^2 + 2 e r + |k0|^2)
        self.e0 = np.stack([c * one, 2 * c * e, c * k0sq * one], axis=-1)
        self.hx = np.stack([-alpha * self.sph, (dx - alpha * k0y) * one], axis=-1)
        self.hy = np.stack([alpha * self.cph, alpha * k0x * one], axis=-1)
        self.hz = np.stack([0 * one, dz * one], axis=-1)

    def polys(self, eps, sig):
        """a, bx, by, bz, D for (eps - H - Sigma), Sigma = sig0 + sig.s (sig: 4 complex)."""
        s0, sx, sy, sz = sig
        a = -self.e0.astype(complex)
        a[:, 2] += eps - s0
        bx = self.hx + np.array([0, sx])
        by = self.hy + np.array([0, sy])
        bz = self.hz + np.array([0, sz])
        D = _pmul(a, a) - _pad(_pmul(bx, bx) + _pmul(by, by) + _pmul(bz, bz), 5)
        return a, bx, by, bz, D

    def numerator(self, a, bx, by, bz, r):
        """N(r) = a I + b.s at points r (nphi, M) -> (nphi, M, 2, 2)."""
        A, X, Y, Z = (_pval(p, r) for p in (a, bx, by, bz))
        N = np.empty(r.shape + (2, 2), dtype=complex)
        N[..., 0, 0] = A + Z
        N[..., 1, 1] = A - Z
        N[..., 0, 1] = X - 1j * Y
        N[..., 1, 0] = X + 1j * Y
        return N

    def velocities(self, r):
        """v_x, v_y at points r (nphi, M) -> two (nphi, M, 2, 2) arrays."""
        c, al = self.c, self.alpha
        kx = self.k0[0] + r * self.cph[:, None]
        ky = self.k0[1] + r * self.sph[:, None]
        vx = np.zeros(r.shape + (2, 2), dtype=complex)
        vy = np.zeros(r.shape + (2, 2), dtype=complex)
        vx[..., 0, 0] = vx[..., 1, 1] = 2 * c * kx
        vx[..., 0, 1] = -1j * al
        vx[..., 1, 0] = 1j * al
        vy[..., 0, 0] = vy[..., 1, 1] = 2 * c * ky
        vy[..., 0, 1] = vy[..., 1, 0] = -al
        return vx, vy


def _log_segment(R, rho):
    """int_0^R dr / (r - rho) for complex rho off the real segment (principal logs)."""
    return np.log(R - rho) - np.log(-rho)


def _pauli_coeffs(M):
    return np.array([0.5 * np.trace(PAULI[m] @ M) for m in range(4)])


def default_center(c, alpha, dx, dz):
    """Minimum of E+(k) = c k^2 + |h(k)|: k_x = 0 by symmetry, 1D convex minimisation in k_y."""
    if alpha == 0.0:
        return (0.0, 0.0)
    f = lambda ky: c * ky * ky + np.hypot(dx - alpha * ky, dz)
    lo, hi = sorted([0.0, dx / alpha])
    if hi - lo < 1e-14:
        return (0.0, 0.0)
    res = minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    return (0.0, float(res.x))


# --------------------------------------------------------------------------------------------
# clean local Green's function
# --------------------------------------------------------------------------------------------
def _g0_rays(rays, eps, real_tol=1e-12):
    """g0 contribution of each ray (radial integral exact) -> (nphi, 2, 2), crossings (nphi,)."""
    a, bx, by, bz, D = rays.polys(eps, (0, 0, 0, 0))
    Dr = D.real  # eps real, Sigma = 0: real quartic
    rts = _roots(Dr)
    isreal = np.abs(rts.imag) <= real_tol * np.maximum(1.0, np.abs(rts))
    p = (a, bx, by, bz)
    for _ in range(3):  # Newton polish on the factored determinant (real roots stay real)
        rts = rts - _det(p, rts) / _ddet(p, rts)
        rts = np.where(isreal, rts.real + 0j, rts)
    R = rays.R[:, None]
    dD = _ddet(p, rts)
    L = np.empty_like(rts)
    cplx = ~isreal
    L[cplx] = _log_segment(np.broadcast_to(R, rts.shape)[cplx], rts[cplx])
    x = rts.real
    Rb = np.broadcast_to(R, rts.shape)
    L[isreal] = np.log(np.abs(Rb[isreal] - x[isreal]) / np.abs(x[isreal]))
    inside = isreal & (x > 0) & (x < Rb)
    # 1/(D + 2 i0 (eps - e0)) near a simple real root: -i pi sign((eps - e0)/D') delta(r - rho)
    e0r = _pval(rays.e0, x + 0j).real
    sgn = np.sign((eps - e0r) * dD.real)
    L = L - 1j * np.pi * np.where(inside, sgn, 0.0)
    N = rays.numerator(a, bx, by, bz, rts)
    fac = rts * L / dD
    return np.einsum("pm,pmij->pij", fac, N), inside.sum(axis=1)


def clean_g0(c, alpha, dx, dz, kc, eps, n_phi=256, center=None):
    """g0 = sum_k (eps + i0 - H)^-1 on the disc |k| < kc (trapezoid in phi with n_phi rays)."""
    if center is None:
        center = default_center(c, alpha, dx, dz)
    phi = 2 * np.pi * np.arange(n_phi) / n_phi
    rays = _Rays(phi, center, kc, c, alpha, dx, dz)
    g, ncross = _g0_rays(rays, eps)
    return g.sum(axis=0) * (2 * np.pi / n_phi) / _TWO_PI_SQ, ncross


# --------------------------------------------------------------------------------------------
# dressed bubbles
# --------------------------------------------------------------------------------------------
_GL_CACHE = {}


def _gauss_legendre(n):
    if n not in _GL_CACHE:
        _GL_CACHE[n] = np.polynomial.legendre.leggauss(n)
    return _GL_CACHE[n]


def _radial_nodes(rays, Dp, n_gl, grade, min_width):
    """Graded Gauss-Legendre nodes (nphi, M) and weights on [0, R(phi)]."""
    R = rays.R
    rts = _roots(Dp)
    x, w = rts.real, np.abs(rts.imag)
    use = (x > 0) & (x < R[:, None])
    w = np.maximum(w, min_width)
    kmax = int(np.ceil(np.log(max(R.max(), 1.0) / max(w[use].min() if use.any() else 1.0,
                                                        min_width)) / np.log(grade))) + 1
    steps = grade ** np.arange(kmax + 1)                     # 1, q, q^2, ...
    offs = np.concatenate([-steps[::-1], [0.0], steps])      # symmetric graded offsets
    bp = x[:, :, None] + w[:, :, None] * offs[None, None, :]  # (nphi, 4, 2 kmax + 3)
    bp = np.where(use[:, :, None], bp, R[:, None, None])
    bp = bp.reshape(len(R), -1)
    base = R[:, None] * np.linspace(0.0, 1.0, 9)[None, :]
    bp = np.clip(np.concatenate([base, bp], axis=1), 0.0, R[:, None])
    bp = np.sort(bp, axis=1)
    lo, hi = bp[:, :-1], bp[:, 1:]
    keep = np.any(hi - lo > 0, axis=0)                       # drop columns empty on every ray
    lo, hi = lo[:, keep], hi[:, keep]
    xg, wg = _gauss_legendre(n_gl)
    mid, half = 0.5 * (hi + lo), 0.5 * (hi - lo)
    r = (mid[:, :, None] + half[:, :, None] * xg).reshape(len(R), -1)
    wr = (half[:, :, None] * wg).reshape(len(R), -1)
    return r, wr


def _assemble(rays, ap, am, r, f2, f1):
    """Weighted sums over nodes r (nphi, M) with complex factors.

    f2 multiplies numerator products N+ . N- (the G+ ... G- bubbles), f1 multiplies N+ alone
    (local dressed G+). Returns P (2,2,2,2) = sum G-_ij G+_ml, Vb (2,2,2) = sum G+ v_b G-,
    Ua (2,2,2) = sum G- v_a G+, S (2,2) = sum tr[v_a G+ v_b G-], gp (2,2) = sum G+.
    """
    Np = rays.numerator(*ap, r)
    Nm = rays.numerator(*am, r)
    vx, vy = rays.velocities(r)
    f2 = f2.reshape(-1)
    f1 = f1.reshape(-1)
    Np = Np.reshape(-1, 2, 2)
    Nm = Nm.reshape(-1, 2, 2)
    v = [vx.reshape(-1, 2, 2), vy.reshape(-1, 2, 2)]
    P = ((f2[:, None] * Nm.reshape(-1, 4)).T @ Np.reshape(-1, 4)).reshape(2, 2, 2, 2)
    Vb = np.empty((2, 2, 2), complex)
    Ua = np.empty((2, 2, 2), complex)
    S = np.empty((2, 2), complex)
    vNp = [vv @ Np for vv in v]
    vNm = [vv @ Nm for vv in v]
    for b in range(2):
        Vb[b] = np.einsum("n,nij->ij", f2, Np @ vNm[b])
        Ua[b] = np.einsum("n,nij->ij", f2, Nm @ vNp[b])
    for a_ in range(2):
        for b in range(2):
            S[a_, b] = np.einsum("n,nij,nji->", f2, vNp[a_], vNm[b])
    gp = np.einsum("n,nij->ij", f1, Np)
    return P, Vb, Ua, S, gp


def _det(p, r):
    """det(eps - H - Sigma) = a^2 - b.b evaluated from the factors (p = rays.polys output).

    Horner on the expanded quartic cancels badly near the Fermi contours when |h| << eps.
    """
    return _pval(p[0], r) ** 2 - sum(_pval(q, r) ** 2 for q in p[1:4])


def _ddet(p, r):
    """d/dr of _det."""
    return 2 * (_pval(p[0], r) * _pval(_pder(p[0]), r)
                - sum(_pval(q, r) * _pval(_pder(q), r) for q in p[1:4]))


def _bubbles(rays, eps, sig_p, radial, n_gl, grade, min_width, n_phi_total):
    sig_m = np.conj(sig_p)
    ap = rays.polys(eps, sig_p)
    am = rays.polys(eps, sig_m)
    Dp = ap[4]
    wphi = (2 * np.pi / n_phi_total) / _TWO_PI_SQ
    if radial == "quadrature":
        r, wr = _radial_nodes(rays, Dp, n_gl, grade, min_width)
        # det = a^2 - b.b from the factors (Horner on the expanded quartic cancels badly
        # near the Fermi contours when |h| << eps)
        dp, dm = _det(ap, r), _det(am, r)
        f2 = wphi * wr * r / (dp * dm)
        f1 = wphi * wr * r / dp
        nodes = r
    elif radial == "residue":
        rho = _roots(Dp)
        for _ in range(3):  # Newton polish on the factored determinant
            rho = rho - _det(ap, rho) / _ddet(ap, rho)
        if np.any(np.abs(rho.imag) < 1e-13 * np.abs(rho)):
            raise ValueError("real pole on a ray: residue route needs n > 0")
        sig = np.conj(rho)  # roots of D- (conjugate coefficients)
        R = rays.R[:, None]
        Lr, Ls = _log_segment(R, rho), _log_segment(R, sig)
        f2r = wphi * rho * Lr / (_ddet(ap, rho) * _det(am, rho))
        f2s = wphi * sig * Ls / (_det(ap, sig) * _ddet(am, sig))
        f1r = wphi * rho * Lr / _ddet(ap, rho)
        nodes = np.concatenate([rho, sig], axis=1)
        f2 = np.concatenate([f2r, f2s], axis=1)
        f1 = np.concatenate([f1r, np.zeros_like(f1r)], axis=1)
    else:
        raise ValueError(radial)
    out = _assemble(rays, ap[:4], am[:4], nodes, f2, f1)
    return out, nodes.size


# --------------------------------------------------------------------------------------------
# one evaluation at fixed discretisation
# --------------------------------------------------------------------------------------------
def _kron_row(A, B):
    """Matrix of X -> A X B on row-major vec(X)."""
    return np.kron(A, B.T)


def ladder(P, Vb, Ua, S, Tp, n):
    """Literal non-crossing ladder on 2 x 2 matrices.

    P[i,j,m,l] = sum_k G-_ij G+_ml, Vb[b] = sum_k G+ v_b G-, Ua[a] = sum_k G- v_a G+,
    S[a,b] = sum_k tr[v_a G+ v_b G-], Tp = rung T-matrix on the retarded line (T- = Tp^H).
    Returns K_left, K_right (3x2), s_left, s_right (2x2) complex, and the 4x4 matrices
    1 - L_left and X -> sum_k G+ X G-.
    """
    Tm = Tp.conj().T
    # X -> sum_k G- X G+  and  X -> sum_k G+ X G-  as 4x4 matrices on row-major vec(X)
    Pm = np.einsum("ijml->iljm", P).reshape(4, 4)      # (G- X G+)_il = P_ijml X_jm
    Pp = np.einsum("mlij->iljm", P).reshape(4, 4)      # (G+ X G-)_il = P_mlij X_jm
    Lleft = n * _kron_row(Tm, Tp) @ Pm                 # X -> n T- (sum G- X G+) T+
    Lright = n * _kron_row(Tp, Tm) @ Pp                # X -> n T+ (sum G+ X G-) T-
    Aleft = np.eye(4) - Lleft
    Aright = np.eye(4) - Lright
    spin = PAULI[1:]

    # spin vertex dressed on the left: s~ = s + n T- (sum G- s~ G+) T+
    s_dressed = np.linalg.solve(Aleft, spin.reshape(3, 4).T).T.reshape(3, 2, 2)
    K_left = np.einsum("aij,bji->ab", s_dressed, Vb)
    # current vertex dressed on the right: v~ = v + C, C = n T+ (Vb + sum G+ C G-) T-
    rhs = np.stack([(n * Tp @ Vb[b] @ Tm).reshape(4) for b in range(2)], axis=1)
    C_right = np.linalg.solve(Aright, rhs).T.reshape(2, 2, 2)
    dressed_bubble = Vb + (Pp @ C_right.reshape(2, 4).T).T.reshape(2, 2, 2)
    K_right = np.einsum("aij,bji->ab", spin, dressed_bubble)
    # current vertex on the left: v~_a = v_a + C', C' = n T- (Ua + sum G- C' G+) T+
    rhs = np.stack([(n * Tm @ Ua[a_] @ Tp).reshape(4) for a_ in range(2)], axis=1)
    C_left = np.linalg.solve(Aleft, rhs).T.reshape(2, 2, 2)
    s_left = S + np.einsum("aij,bji->ab", C_left, Vb)
    s_right = S + np.einsum("aij,bji->ab", Ua, C_right)

    return K_left, K_right, s_left, s_right, Aleft, Pp


def _evaluate(c, alpha, dx, dz, n, W, kc, eps, approximation, n_phi, center, radial,
              n_gl, grade, min_width, chunk):
    phi = 2 * np.pi * np.arange(n_phi) / n_phi
    rays_all = _Rays(phi, center, kc, c, alpha, dx, dz)
    g, ncross = _g0_rays(rays_all, eps)
    g0 = g.sum(axis=0) * (2 * np.pi / n_phi) / _TWO_PI_SQ
    I2 = np.eye(2)
    if approximation == "tmatrix":
        Tp = W * np.linalg.inv(I2 - W * g0)
        sigma_p = n * Tp
    elif approximation == "born":
        Tp = W * I2 + 0j
        sigma_p = n * W * W * g0
    else:
        raise ValueError(approximation)
    Tm = Tp.conj().T
    sig_p = _pauli_coeffs(sigma_p)

    P = np.zeros((2, 2, 2, 2), complex)
    Vb = np.zeros((2, 2, 2), complex)
    Ua = np.zeros((2, 2, 2), complex)
    S = np.zeros((2, 2), complex)
    gp = np.zeros((2, 2), complex)
    nev = 0
    for s in range(0, n_phi, chunk):
        sl = slice(s, min(s + chunk, n_phi))
        rays = _Rays(phi[sl], center, kc, c, alpha, dx, dz)
        (p_, vb_, ua_, s_, gp_), ne = _bubbles(rays, eps, sig_p, radial, n_gl, grade,
                                               min_width, n_phi)
        P += p_
        Vb += vb_
        Ua += ua_
        S += s_
        gp += gp_
        nev += ne

    K_left, K_right, s_left, s_right, Aleft, Pp = ladder(P, Vb, Ua, S, Tp, n)

    # diagnostics
    dS = sigma_p - sigma_p.conj().T
    ward_lhs = (Pp @ dS.reshape(4)).reshape(2, 2)      # sum_k G+ (S+ - S-) G-
    ward_rhs = gp - gp.conj().T                        # sum_k (G+ - G-)
    ward = np.abs(ward_lhs - ward_rhs).max() / np.abs(ward_rhs).max()
    ev = np.linalg.eigvals(Aleft)
    return dict(g0=g0, sigma_plus=sigma_p, T_plus=Tp, Kint_left_c=K_left,
                Kint_right_c=K_right, sint_left_c=s_left, sint_right_c=s_right,
                sint_bare=S, g_dressed=gp, ward_residual=ward,
                bubbles=dict(P=P, Vb=Vb, Ua=Ua, S=S),
                ladder_min_eig=ev[np.argmin(np.abs(ev))], ladder_cond=np.linalg.cond(Aleft),
                crossings=ncross, n_evals=nev)


_COMPARE = ("g0", "sigma_plus", "Kint_left_c", "Kint_right_c", "sint_left_c", "sint_right_c")


def bruteforce_response(c, alpha, dx, dz, n, W, kc, eps, approximation="tmatrix", rtol=1e-7,
                        *, radial="quadrature", n_phi=None, n_phi_start=32, n_phi_max=8192,
                        center=None, n_gl=16, grade=2.0, min_width=1e-13, chunk=64):
    """Brute-force finite-n response at one point (internal units: meV, nm, hbar = 1).

    Parameters: c = hbar^2/(2 m*) (meV nm^2), alpha (meV nm), dx = Delta sin(theta),
    dz = Delta cos(theta) (meV), n (nm^-2), W (meV nm^2), kc (nm^-1), eps (meV).
    approximation: "tmatrix" or "born". rtol: target for the phi refinement (the radial
    quadrature is converged to ~machine precision by construction; check with n_gl/grade).
    radial: "quadrature" (graded Gauss-Legendre) or "residue" (exact partial fractions).
    n_phi: fix the number of rays (no refinement).

    Returns a dict: g0, sigma_plus (2x2 complex), Kint_left, Kint_right (3x2 real),
    sint_left, sint_right (2x2 real), imag_max (largest |imag| of the four), n_evals (radial
    nodes summed over all refinement levels), err (estimated relative error per array: the
    change at the last phi doubling, relative to the array's largest entry), lr_agreement
    (max |left - right| / max |.|), n_phi, ward_residual, ladder_cond, crossings, time, and the
    complex arrays under *_c keys.
    """
    t0 = time.perf_counter()
    if n <= 0:
        raise ValueError("need n > 0")
    if center is None:
        center = default_center(c, alpha, dx, dz)
    args = (c, alpha, dx, dz, n, W, kc, eps, approximation)
    kw = dict(center=center, radial=radial, n_gl=n_gl, grade=grade, min_width=min_width,
              chunk=chunk)
    total = 0
    if n_phi is not None:
        res = _evaluate(*args, n_phi=n_phi, **kw)
        total = res["n_evals"]
        err = {k: np.nan for k in _COMPARE}
    else:
        nphi = n_phi_start
        prev = _evaluate(*args, n_phi=nphi, **kw)
        total += prev["n_evals"]
        last = np.inf
        while True:
            nphi *= 2
            res = _evaluate(*args, n_phi=nphi, **kw)
            total += res["n_evals"]
            err = {k: np.abs(res[k] - prev[k]).max() / np.abs(res[k]).max() for k in _COMPARE}
            worst = max(err.values())
            if worst < rtol:
                break
            # the trapezoid rule converges exponentially in n_phi: an error that no longer
            # drops by a large factor per doubling is the rounding floor (ill-conditioned
            # ladder at tiny n W^2 or nearly degenerate bands), not discretisation error
            if nphi >= 256 and worst > 0.25 * last:
                warnings.warn(f"rtol={rtol:g} not reached: rounding floor ~{worst:.1e} at "
                              f"n_phi={nphi} ({err})")
                break
            if nphi >= n_phi_max:
                warnings.warn(f"phi refinement not converged at n_phi={nphi}: {err}")
                break
            last = worst
            prev = res
        n_phi = nphi
    if np.ptp(res["crossings"]) != 0:
        warnings.warn("Fermi contours not star-shaped about the centre (crossings vary with "
                      "phi): phi convergence will be slow; pass a better centre")
    out = dict(res)
    for k in ("Kint_left", "Kint_right", "sint_left", "sint_right"):
        out[k] = res[k + "_c"].real.copy()
    out["imag_max"] = max(np.abs(res[k + "_c"].imag).max()
                          for k in ("Kint_left", "Kint_right", "sint_left", "sint_right"))
    out["lr_agreement"] = dict(
        Kint=np.abs(res["Kint_left_c"] - res["Kint_right_c"]).max()
        / np.abs(res["Kint_left_c"]).max(),
        sint=np.abs(res["sint_left_c"] - res["sint_right_c"]).max()
        / np.abs(res["sint_left_c"]).max())
    out["err"] = err
    out["n_phi"] = n_phi
    out["n_evals"] = total
    out["center"] = tuple(center)
    out["crossings"] = (int(res["crossings"].min()), int(res["crossings"].max()))
    out["time"] = time.perf_counter() - t0
    return out
