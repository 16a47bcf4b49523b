"""Roots of a complex quartic, fast and accurate enough for partial fractions.

Ferrari's closed form gives starting values; each root is then polished by Newton steps
on the original polynomial, and if the polished residual is poor (near-multiple roots)
the roots are taken from the companion-matrix eigenvalues instead. All kernels here are
numba-jitted plain functions on complex scalars/arrays.
"""
import numpy as np

from .._jit import njit


@njit
def _cbrt(z):
    if z == 0:
        return 0j
    return np.exp(np.log(z) / 3.0)


@njit
def _ferrari(B, C, D, E, out):
    """Roots of x^4 + B x^3 + C x^2 + D x + E into ``out`` (4 complex)."""
    # depressed quartic y^4 + p y^2 + q y + r, x = y - B/4
    B2 = B * B
    p = C - 3.0 * B2 / 8.0
    q = D - B * C / 2.0 + B2 * B / 8.0
    r = E - B * D / 4.0 + B2 * C / 16.0 - 3.0 * B2 * B2 / 256.0
    shift = -B / 4.0
    scale = abs(p) + np.sqrt(abs(r)) + abs(q) ** (2.0 / 3.0) + 1e-300
    if abs(q) < 1e-14 * scale ** 1.5:
        # biquadratic: y^2 = w, w^2 + p w + r = 0
        disc = np.sqrt(p * p - 4.0 * r + 0j)
        w1 = (-p + disc) / 2.0
        w2 = (-p - disc) / 2.0
        s1 = np.sqrt(w1 + 0j)
        s2 = np.sqrt(w2 + 0j)
        out[0] = shift + s1
        out[1] = shift - s1
        out[2] = shift + s2
        out[3] = shift - s2
        return
    # resolvent cubic 8 z^3 + 8 p z^2 + (2 p^2 - 8 r) z - q^2 = 0 -> z^3 + a z^2 + b z + c
    a = p
    b = (2.0 * p * p - 8.0 * r) / 8.0
    c = -q * q / 8.0
    # Cardano on t = z + a/3: t^3 + P t + Qc = 0
    P = b - a * a / 3.0
    Qc = 2.0 * a * a * a / 27.0 - a * b / 3.0 + c
    sq = np.sqrt(Qc * Qc / 4.0 + P * P * P / 27.0 + 0j)
    u1 = -Qc / 2.0 + sq
    u2 = -Qc / 2.0 - sq
    u = u1 if abs(u1) >= abs(u2) else u2
    U = _cbrt(u)
    omega = complex(-0.5, 0.8660254037844386)
    best = 0j
    for k in range(3):
        Uk = U
        if k == 1:
            Uk = U * omega
        elif k == 2:
            Uk = U * omega * omega
        Vk = -P / (3.0 * Uk) if Uk != 0 else 0j
        z = Uk + Vk - a / 3.0
        if abs(z) > abs(best):
            best = z
    z = best
    s = np.sqrt(2.0 * z + 0j)
    if s == 0:
        s = 1e-300 + 0j
    t1 = p / 2.0 + z + q / (2.0 * s)
    t2 = p / 2.0 + z - q / (2.0 * s)
    # y^2 - s y + t1 = 0 and y^2 + s y + t2 = 0
    d1 = np.sqrt(s * s - 4.0 * t1 + 0j)
    d2 = np.sqrt(s * s - 4.0 * t2 + 0j)
    out[0] = shift + (s + d1) / 2.0
    out[1] = shift + (s - d1) / 2.0
    out[2] = shift + (-s + d2) / 2.0
    out[3] = shift + (-s - d2) / 2.0


@njit
def _horner(c4, c3, c2, c1, c0, x):
    f = (((c4 * x + c3) * x + c2) * x + c1) * x + c0
    df = ((4.0 * c4 * x + 3.0 * c3) * x + 2.0 * c2) * x + c1
    return f, df


@njit
def quartic_roots(c4, c3, c2, c1, c0, out):
    """Roots of c4 x^4 + c3 x^3 + c2 x^2 + c1 x + c0 (complex coefficients, c4 != 0).

    Writes the four roots into ``out`` and returns the largest relative residual
    |f(x)| / sum_i |c_i x^i| after polishing (~1e-16 for simple roots).
    """
    inv = 1.0 / c4
    _ferrari(c3 * inv, c2 * inv, c1 * inv, c0 * inv, out)
    worst = 0.0
    for i in range(4):
        x = out[i]
        for _ in range(3):
            f, df = _horner(c4, c3, c2, c1, c0, x)
            if df == 0:
                break
            dx = f / df
            x = x - dx
            if abs(dx) <= 1e-16 * abs(x):
                break
        ax = abs(x)
        mag = (((abs(c4) * ax + abs(c3)) * ax + abs(c2)) * ax + abs(c1)) * ax + abs(c0)
        f, df = _horner(c4, c3, c2, c1, c0, x)
        res = abs(f) / mag if mag > 0 else 0.0
        if res > worst:
            worst = res
        out[i] = x
    # guard against two starting values polishing onto the same root
    mind = np.inf
    for i in range(4):
        for j in range(i + 1, 4):
            d = abs(out[i] - out[j])
            if d < mind:
                mind = d
    size = abs(out[0]) + abs(out[1]) + abs(out[2]) + abs(out[3]) + 1e-300
    if worst > 1e-11 or mind < 1e-9 * size:
        A = np.zeros((4, 4), np.complex128)
        A[0, 0] = -c3 * inv
        A[0, 1] = -c2 * inv
        A[0, 2] = -c1 * inv
        A[0, 3] = -c0 * inv
        A[1, 0] = 1.0
        A[2, 1] = 1.0
        A[3, 2] = 1.0
        ev = np.linalg.eigvals(A)
        worst = 0.0
        for i in range(4):
            x = ev[i]
            f, df = _horner(c4, c3, c2, c1, c0, x)
            if df != 0:
                xn = x - f / df
                fn, _ = _horner(c4, c3, c2, c1, c0, xn)
                if abs(fn) < abs(f):
                    x = xn
                    f = fn
            ax = abs(x)
            mag = (((abs(c4) * ax + abs(c3)) * ax + abs(c2)) * ax + abs(c1)) * ax + abs(c0)
            res = abs(f) / mag if mag > 0 else 0.0
            if res > worst:
                worst = res
            out[i] = x
    return worst


@njit
def _quadratic(a, b, c, out):
    """Roots of a x^2 + b x + c (a != 0) into out[0:2], without cancellation."""
    d = np.sqrt(b * b - 4.0 * a * c + 0j)
    s = -0.5 * (b + d) if abs(b + d) >= abs(b - d) else -0.5 * (b - d)
    if s == 0:
        out[0] = 0j
        out[1] = 0j
        return
    out[0] = s / a
    out[1] = c / s


@njit
def poly_roots(c4, c3, c2, c1, c0, out):
    """Roots of c4 x^4 + ... + c0 into ``out`` (4): returns their number, 4 or 2.

    c4 = c3 = 0 exactly (a model with c = 0: the ray quartic drops to degree 2) gives two
    roots in out[0:2]; otherwise :func:`quartic_roots`."""
    if c4 == 0 and c3 == 0:
        _quadratic(c2, c1, c0, out)
        return 2
    quartic_roots(c4, c3, c2, c1, c0, out)
    return 4
