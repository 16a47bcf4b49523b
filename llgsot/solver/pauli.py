"""2x2 matrices as Pauli coefficients X = x0 + x.s, as numba-friendly 4-tuples.

tr X = 2 x0, tr[s_nu X] = 2 x_nu, and
(x0 + x.s)(y0 + y.s) = x0 y0 + x.y + (x0 y + y0 x + i x cross y).s
"""
from .._jit import njit


@njit
def pmul(x0, x1, x2, x3, y0, y1, y2, y3):
    """Pauli coefficients of the product X Y."""
    return (
        x0 * y0 + x1 * y1 + x2 * y2 + x3 * y3,
        x0 * y1 + y0 * x1 + 1j * (x2 * y3 - x3 * y2),
        x0 * y2 + y0 * x2 + 1j * (x3 * y1 - x1 * y3),
        x0 * y3 + y0 * x3 + 1j * (x1 * y2 - x2 * y1),
    )


@njit
def ptr(x0, x1, x2, x3, y0, y1, y2, y3):
    """tr[X Y] = 2 (x0 y0 + x.y)."""
    return 2.0 * (x0 * y0 + x1 * y1 + x2 * y2 + x3 * y3)


@njit
def sigma_times(nu, x0, x1, x2, x3):
    """Pauli coefficients of s_nu X (s_0 = identity)."""
    if nu == 0:
        return x0, x1, x2, x3
    if nu == 1:  # s_x (x0 + x.s) = x1 + x0 s_x + i(x2 s_z - x3 s_y)
        return x1, x0, -1j * x3, 1j * x2
    if nu == 2:  # s_y X = x2 + x0 s_y + i(x3 s_x - x1 s_z)
        return x2, 1j * x3, x0, -1j * x1
    # s_z X = x3 + x0 s_z + i(x1 s_y - x2 s_x)
    return x3, -1j * x2, 1j * x1, x0


@njit
def pinv(x0, x1, x2, x3):
    """Pauli coefficients of X^-1 = (x0 - x.s)/(x0^2 - x.x)."""
    d = x0 * x0 - x1 * x1 - x2 * x2 - x3 * x3
    return x0 / d, -x1 / d, -x2 / d, -x3 / d
