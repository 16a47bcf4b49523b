"""The spin-orbit field algebra, once: every other module imports it from here.

Plain numpy on arrays (``...`` is any batch shape). Conventions of docs/physics.md sec. 3:

* magnetization m = (sin th cos ph, sin th sin ph, cos th); the response K (3 x 2, spin x
  field, 1/(V m)) and the sheet conductivity sigma (2 x 2, S) are tabulated at ph = 0;
* rotation rule: K(th, ph) = R3(ph) K(th, 0) R2(ph)^T, sigma(th, ph) = R2 sigma(th, 0) R2^T;
* (P-3)/(P-4): the four coefficients t1e, t2e, t1o, t2o of the torque m x (K E) for m in the
  xz-plane, with the removable poles at th = 0, pi/2, pi taken as limits;
* the spin-orbit field of a current: B_SOT(m) = Delta_xc K(m) sigma(m)^-1 (J t_NM e) / (Ms d)
  (tesla; J the charge current density in the normal metal, A/m^2, along the in-plane unit
  vector e; t_NM its thickness; Ms, d of the free layer);
* its four-term form (the field whose torque equals that of B_SOT, used by the fast kernel
  and by the mumax3 export), with f = z x e and coefficients a of A = K sigma^-1:
      B_perp ~ P J [ -a1o f + a2o (z x m)(m.e) + a1e (f x m) - a2e (m x (z x m))(m.e) ];
* the constant (spin-Hall-like) model: B = b_DL (m x p) + b_FL p,
  b_DL = hbar theta_SH J / (2 |e| Ms d).

Compiled copies (numba kernels in :mod:`llgsot.dynamics.kernels`, torch terms in
:mod:`llgsot.micromagnetics`) exist for speed only and are tested against these functions.
"""
from __future__ import annotations

import numpy as np

from .constants import E_CHARGE, EV, HBAR

#: names of the (P-3) coefficients, in the order of :func:`coefficients_direct`'s dict
NAMES = ("t1e", "t2e", "t1o", "t2o")
#: order of the coefficients in the four-term field arrays (kernels, exports)
FOUR_TERM_ORDER = ("t1o", "t2o", "t1e", "t2e")
#: the removable poles of (P-4) (rad)
POLES = (0.0, 0.5 * np.pi, np.pi)
#: half width (rad) of the band around a pole where (P-4) is replaced by its limit
POLE_HALF_WIDTH = 0.02


# -- geometry ------------------------------------------------------------------------------
def magnetization(theta, phi=0.0):
    """Unit vectors m (..., 3) at polar angle ``theta`` and azimuth ``phi`` (rad)."""
    theta = np.asarray(theta, float)
    phi = np.asarray(phi, float)
    st = np.sin(theta)
    return np.stack(np.broadcast_arrays(st * np.cos(phi), st * np.sin(phi), np.cos(theta)), -1)


def angles(m):
    """(theta, phi) in rad of the vectors m (..., 3) (any nonzero length); phi = 0 on the z
    axis (whatever the signs of the zero components, as the compiled kernels do)."""
    m = np.asarray(m, float)
    rho = np.hypot(m[..., 0], m[..., 1])
    phi = np.where(rho > 0, np.arctan2(m[..., 1], m[..., 0]), 0.0)
    return np.arctan2(rho, m[..., 2]), phi


def rotations(phi):
    """R2(phi) (..., 2, 2) and R3(phi) (..., 3, 3): rotations by phi about z."""
    phi = np.asarray(phi, float)
    c, s = np.cos(phi), np.sin(phi)
    R2 = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)
    R3 = np.zeros(phi.shape + (3, 3))
    R3[..., :2, :2] = R2
    R3[..., 2, 2] = 1.0
    return R2, R3


def rotate(K0, sigma0, phi, absolute=False):
    """K and sigma at azimuth phi from their values at azimuth 0 (the rotation rule).

    K = R3 K0 R2^T, sigma = R2 sigma0 R2^T. With ``absolute=True`` the entries of the
    rotation matrices enter by magnitude: the rule for bounds on absolute errors.
    """
    R2, R3 = rotations(phi)
    if absolute:
        R2, R3 = np.abs(R2), np.abs(R3)
    K = np.einsum("...ij,...jk,...lk->...il", R3, K0, R2)
    S = np.einsum("...ij,...jk,...lk->...il", R2, sigma0, R2)
    return K, S


# -- (P-3)/(P-4) -----------------------------------------------------------------------------
def coefficients_direct(K, theta):
    """(P-4) evaluated literally for K (..., 3, 2) at phi = 0 and m = (sin th, 0, cos th).

        t1e = K_yy/m_z
        t2e = (K_xx - K_yy)/(m_x^2 m_z) - K_xx/m_z - K_zx/m_x
        t1o = K_xy - (m_x/m_z) K_zy
        t2o = ((K_xy + K_yx)/m_x - K_zy/m_z)/m_x

    Units follow K (1/(V m) for K, 1/(A m) for A = K sigma^-1). Not finite at the poles: use
    :func:`coefficients` there.
    """
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
    """(pole, distance) of the pole of (P-4) closest to the scalar theta (rad)."""
    d = [abs(theta - p) for p in POLES]
    i = int(np.argmin(d))
    return POLES[i], d[i]


def stencil(pole, h=POLE_HALF_WIDTH):
    """The three auxiliary angles pole + {h, 2h, 3h} (inside [0, pi]) used at ``pole``."""
    steps = h * np.array([1.0, 2.0, 3.0])
    return np.pi - steps if pole == np.pi else pole + steps


def interpolate_even(values_at_stencil, pole, theta, h=POLE_HALF_WIDTH):
    """Quadratic in s = (theta - pole)^2 through s = h^2, 4h^2, 9h^2, evaluated at theta.

    Every (P-3) coefficient is even about each pole (K_xx, K_xy, K_yx, K_yy are even and
    K_zx, K_zy odd about 0 and pi; docs/physics.md sec. 4 item 6), so this is the limit with an
    error O(h^6). ``values_at_stencil``: (3,) values at the :func:`stencil` angles; theta a
    scalar or an array.
    """
    s_nodes = np.array([1.0, 4.0, 9.0]) * h * h
    s = (np.asarray(theta, float) - pole) ** 2
    out = 0.0
    for i in range(3):
        w = 1.0
        for j in range(3):
            if j != i:
                w = w * (s - s_nodes[j]) / (s_nodes[i] - s_nodes[j])
        out = out + w * values_at_stencil[i]
    return out


def coefficients(K_of_theta, theta, h=POLE_HALF_WIDTH):
    """(P-4) coefficients (dict of (n,) arrays) at the angles ``theta`` (n,) in [0, pi], with
    the removable poles replaced by their limits (:func:`interpolate_even` within h of a pole).

    ``K_of_theta``: callable mapping angles (k,) to K (k, 3, 2) at phi = 0 (or A = K sigma^-1).
    """
    theta = np.atleast_1d(np.asarray(theta, float))
    out = coefficients_direct(K_of_theta(theta), theta)
    for pole in POLES:
        near = np.abs(theta - pole) < h
        if not near.any():
            continue
        st = stencil(pole, h)
        cs = coefficients_direct(K_of_theta(st), st)
        for name in NAMES:
            out[name][near] = interpolate_even(cs[name], pole, theta[near], h)
    return out



def coefficient_errors(K_err, theta):
    """Linear error propagation |d t/d K| K_err of (P-4) away from the poles (dict, units of K)."""
    theta = np.asarray(theta, dtype=float)
    mx = np.abs(np.sin(theta))
    mz = np.abs(np.cos(theta))
    e = K_err
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "t1e": e[..., 1, 1] / mz,
            "t2e": e[..., 0, 0] * mz / mx**2 + e[..., 1, 1] / (mx**2 * mz) + e[..., 2, 0] / mx,
            "t1o": e[..., 0, 1] + (mx / mz) * e[..., 2, 1],
            "t2o": (e[..., 0, 1] + e[..., 1, 0]) / mx**2 + e[..., 2, 1] / (mz * mx),
        }


def pole_limit_error(values_at_stencil, errors_at_stencil, pole, theta, h=POLE_HALF_WIDTH):
    """Error estimate of :func:`interpolate_even` at ``theta`` (array): the stencil errors
    propagated through the interpolation weights, plus the O(h^6) interpolation error
    estimated by the stencil's highest difference."""
    ts = np.asarray(values_at_stencil, float)
    theta = np.atleast_1d(np.asarray(theta, float))
    spread = abs(ts[0] - 3 * ts[1] + 3 * ts[2] - interpolate_even(ts, pole, pole + 4 * h, h))
    out = np.empty(theta.shape)
    for i, x in enumerate(theta):
        w = np.abs([interpolate_even(np.eye(3)[j], pole, x, h) for j in range(3)])
        out[i] = float(np.dot(w, errors_at_stencil)) + spread
    return out

# -- the field -------------------------------------------------------------------------------
def in_plane_direction(direction):
    """The in-plane unit vector e (3,) of a current at angle ``direction`` (rad) from x."""
    return np.array([np.cos(direction), np.sin(direction), 0.0])


def response_per_current(K, sigma, e):
    """A e = K sigma^-1 e (..., 3) in 1/(A m) for the in-plane unit vector e (2 or 3 numbers)."""
    e2 = np.asarray(e, float)[:2]
    E = np.linalg.solve(sigma, np.broadcast_to(e2, np.shape(sigma)[:-1])[..., None])[..., 0]
    return np.einsum("...ij,...j->...i", K, E)


def sot_prefactor(delta_xc, nm_thickness, Ms, thickness):
    """P = Delta_xc t_NM / (Ms d) in J m^2/A: B_SOT = P J (A e) is in tesla for J in A/m^2
    and A e = K sigma^-1 e in 1/(A m).

    delta_xc in eV (the package's unit), nm_thickness and thickness in m, Ms in A/m; arrays
    broadcast (per-cell Ms or d in micromagnetics).
    """
    return delta_xc * EV * np.asarray(nm_thickness, float) / (np.asarray(Ms, float)
                                                             * np.asarray(thickness, float))


def table_field(K, sigma, current_density, e, prefactor):
    """B_SOT = P J K sigma^-1 e (..., 3), tesla; ``prefactor`` from :func:`sot_prefactor`."""
    J = np.asarray(current_density, float)
    return (np.asarray(prefactor, float) * J)[..., None] * response_per_current(K, sigma, e)


def four_term_vectors(m, e):
    """The four field vectors of the four-term form, in :data:`FOUR_TERM_ORDER`, (4, ..., 3):

        -f,  (z x m)(m.e),  f x m,  -(m x (z x m))(m.e),    f = z x e.
    """
    m = np.asarray(m, float)
    e = np.asarray(e, float)
    z = np.array([0.0, 0.0, 1.0])
    f = np.cross(z, e)
    me = (m @ e)[..., None]
    zxm = np.cross(z, m)
    return np.stack([np.broadcast_to(-f, m.shape), zxm * me, np.cross(f, m),
                     -np.cross(m, zxm) * me])


def four_term_field(a, m, e):
    """sum_i a_i V_i for coefficients a (..., 4) in :data:`FOUR_TERM_ORDER` and the vectors of
    :func:`four_term_vectors`: equal to A e up to a component along m (which exerts no
    torque) when a are the (P-4) coefficients of A = K sigma^-1 at |m_z| = cos theta.
    """
    V = four_term_vectors(m, e)
    a = np.asarray(a, float)
    return np.einsum("...i,i...k->...k", a, V)


def perpendicular(B, m):
    """The part of B (..., 3) perpendicular to the unit vectors m: the part that exerts a torque."""
    m = np.asarray(m, float)
    return B - np.sum(B * m, axis=-1, keepdims=True) * m


def spin_hall_field(spin_hall_angle, current_density, Ms, thickness):
    """b_DL = hbar theta_SH J / (2 |e| Ms d) (tesla) of the constant model."""
    return HBAR * spin_hall_angle * np.asarray(current_density, float) / (
        2.0 * E_CHARGE * np.asarray(Ms, float) * np.asarray(thickness, float))


def spin_hall_angle(b_DL, current_density, Ms, thickness):
    """theta_SH = 2 |e| Ms d b_DL / (hbar J) (dimensionless): the inverse of
    :func:`spin_hall_field` (b_DL in tesla, J in A/m^2, Ms in A/m, d in m)."""
    return np.asarray(b_DL, float) / spin_hall_field(1.0, current_density, Ms, thickness)


def constant_field(m, b_DL, b_FL, p):
    """B = b_DL (m x p) + b_FL p (..., 3) in tesla for unit m (..., 3) and unit p (3,)."""
    m = np.asarray(m, float)
    p = np.asarray(p, float)
    return np.asarray(b_DL, float)[..., None] * np.cross(m, p) + np.asarray(b_FL, float)[..., None] * p
