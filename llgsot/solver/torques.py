"""Torque coefficients of the four-term decomposition (P-3), from K by (P-4).

For m = (sin th, 0, cos th) and the spin density S = K E, the torque T ~ S x m is written as

    T = t1e (m x y) x m ... (P-3)

whose exact inverse (verified symbolically, physics.md sec. 3) is

    t1e = K_yy/m_z
    t2e = (K_xx - K_yy)/(m_x^2 m_z) - K_xx/m_z - K_zx/m_x
    t1o = K_xy - (m_x/m_z) K_zy
    t2o = ((K_xy + K_yx)/m_x - K_zy/m_z)/m_x

The apparent poles at m_x = 0 (theta = 0, pi) and m_z = 0 (theta = pi/2) are removable:
K_xx, K_xy, K_yx, K_yy are even and K_zx, K_zy odd in theta about 0 and pi, and every
coefficient is even about each pole (physics.md sec. 4 item 6). Near a pole we therefore
evaluate the coefficients at theta_p +- {h, 2h, 3h} and interpolate a polynomial in
(theta - theta_p)^2 (error O(h^6)).
"""
import numpy as np

NAMES = ("t1e", "t2e", "t1o", "t2o")
POLES = (0.0, 0.5 * np.pi, np.pi)
POLE_HALF_WIDTH = 0.02  # rad; h of the stencil and the band treated by interpolation


def coefficients_direct(K, theta):
    """(P-4) evaluated literally. K: (..., 3, 2) at phi = 0; theta broadcastable."""
    theta = np.asarray(theta, dtype=float)
    mx = np.sin(theta)
    mz = np.cos(theta)
    Kxx, Kxy = K[..., 0, 0], K[..., 0, 1]
    Kyx, Kyy = K[..., 1, 0], K[..., 1, 1]
    Kzx, Kzy = K[..., 2, 0], K[..., 2, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        t1e = Kyy / mz
        t2e = (Kxx - Kyy) / (mx**2 * mz) - Kxx / mz - Kzx / mx
        t1o = Kxy - (mx / mz) * Kzy
        t2o = ((Kxy + Kyx) / mx - Kzy / mz) / mx
    return {"t1e": t1e, "t2e": t2e, "t1o": t1o, "t2o": t2o}


def nearest_pole(theta):
    """(pole, distance) of the pole of (P-4) closest to theta."""
    d = [abs(theta - p) for p in POLES]
    i = int(np.argmin(d))
    return POLES[i], d[i]


def stencil(pole, h=POLE_HALF_WIDTH):
    """The auxiliary angles used near ``pole`` (inside [0, pi])."""
    if pole == 0.0:
        return np.array([h, 2 * h, 3 * h])
    if pole == np.pi:
        return np.pi - np.array([h, 2 * h, 3 * h])
    return pole + np.array([h, 2 * h, 3 * h])


def interpolate_even(values_at_stencil, pole, theta, h=POLE_HALF_WIDTH):
    """Quadratic in s = (theta - pole)^2 through s = h^2, 4h^2, 9h^2, evaluated at theta.

    values_at_stencil: (3, ...) coefficient values at :func:`stencil` angles.
    """
    s_nodes = np.array([1.0, 4.0, 9.0]) * h * h
    s = (theta - pole) ** 2
    out = 0.0
    for i in range(3):
        w = 1.0
        for j in range(3):
            if j != i:
                w *= (s - s_nodes[j]) / (s_nodes[i] - s_nodes[j])
        out = out + w * values_at_stencil[i]
    return out
