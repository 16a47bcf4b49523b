"""Static equilibrium of the macrospin under an external field and a dc current (vectorised).

The effective field (tesla) of a :class:`~llgsot.dynamics.Macrospin` at the current density J
(A/m^2) is

    B(m, J) = B_ext + (2 Ku/Ms)(m.u) u - mu0 Ms N m + B_SOT(m, J) + B_Oe(J),

with B_SOT = ``torque.field(m, J, Ms, d)`` (:mod:`llgsot.spinorbit`, never copied here) and
the Oersted field of the normal metal (:func:`oersted_field`). The LLG fixed points are the
solutions of m x B(m, J) = 0; the stable one (m.B > 0, reached by damped motion from the
initial guess) is found by

1. an overdamped relaxation m <- m + h (B - (m.B) m), renormalised, with Barzilai-Borwein
   step sizes (each batch member its own step, the rotation per step limited to 0.3 rad),
   until the torque |m x B| is below 1e-5 of the field scale, then
2. Newton's method on the two tangent components of m x B in a frame (e1, e2) at m,
   with a forward-difference Jacobian (which includes dB_SOT/dm of a table torque), steps
   limited to 0.2 rad and accepted only when they lower |m x B|.

Everything is numpy on a batch (..., 3) of problems (fields, currents).
"""
from __future__ import annotations

import numpy as np

from ..constants import MU0

#: relaxation stops (and Newton starts) below this torque |m x B| / field scale
RELAX_TOL = 1e-5
#: converged: |m x B| / field scale below this
TOL = 1e-12
#: forward-difference step of the Newton Jacobian (rad)
FD_STEP = 1e-7


def oersted_field(current_density, nm_thickness, current_direction):
    """Oersted field (..., 3) in T at a ferromagnet ON TOP of a normal-metal film.

    A sheet current K = J t_NM jhat (A/m) in the plane z = 0 produces at z > 0 the field
    B = (mu0 K / 2) jhat x z (Biot-Savart: dl x r_hat with r_hat = +z), i.e.

        B_Oe = -(mu0 J t_NM / 2) (z x jhat):

    along -y for a current along +x (antiparallel to the polarization p = z x jhat of the
    package's torque convention). ``current_direction`` is the angle (rad) of jhat from x.
    """
    J = np.asarray(current_density, float)
    f = np.array([-np.sin(current_direction), np.cos(current_direction), 0.0])  # z x jhat
    return (-0.5 * MU0 * nm_thickness * J)[..., None] * f


class FieldModel:
    """B(m, J) of a macrospin in a static field, with an optional SOT and Oersted field.

    ``field_ext`` (..., 3) T and ``current_density`` (...) A/m^2 broadcast against the batch
    of m. ``nm_thickness`` (m) or 0 (no Oersted field).
    """

    def __init__(self, magnet, torque, field_ext, current_density=0.0, nm_thickness=0.0,
                 current_direction=0.0):
        self.magnet = magnet
        self.torque = torque
        self.field_ext = np.asarray(field_ext, float)
        self.J = np.asarray(current_density, float)
        self.u = np.asarray(magnet.easy_axis)
        self.N = np.asarray(magnet.demag)
        self.bk = 2.0 * magnet.Ku / magnet.Ms
        self.bd = MU0 * magnet.Ms
        self.B_Oe = oersted_field(self.J, nm_thickness, current_direction) if nm_thickness else 0.0
        self.scale = (np.linalg.norm(self.field_ext, axis=-1) + abs(self.bk) + self.bd
                      + (0.0 if torque is None else torque.max_field(magnet, float(np.max(np.abs(self.J))))))

    def __call__(self, m):
        mg = self.magnet
        B = (self.field_ext + self.bk * (m @ self.u)[..., None] * self.u - self.bd * self.N * m
             + self.B_Oe)
        if self.torque is not None:
            B = B + self.torque.field(m, self.J, mg.Ms, mg.thickness)
        return B


def tangent_basis(m):
    """Two unit vectors (e1, e2), each (..., 3), orthogonal to the unit m and to each other."""
    a = np.where((np.abs(m[..., 2]) < 0.9)[..., None], np.array([0.0, 0.0, 1.0]),
                 np.array([1.0, 0.0, 0.0]))
    e1 = np.cross(a, m)
    e1 /= np.linalg.norm(e1, axis=-1, keepdims=True)
    return e1, np.cross(m, e1)


def _unit(m):
    return m / np.linalg.norm(m, axis=-1, keepdims=True)


def _torque(model, m):
    return np.linalg.norm(np.cross(m, model(m)), axis=-1)


def relax(model, m0, tol=RELAX_TOL, max_iter=5000):
    """Overdamped relaxation (Barzilai-Borwein steps) from m0 (..., 3) until |m x B| < tol * scale."""
    m = _unit(np.broadcast_to(np.asarray(m0, float), np.broadcast_shapes(
        np.shape(m0), model.field_ext.shape, model.J.shape + (3,))).copy())
    scale = np.broadcast_to(model.scale, m.shape[:-1])
    h = 0.3 / scale
    m_old = r_old = None
    for _ in range(max_iter):
        B = model(m)
        r = B - np.sum(B * m, -1, keepdims=True) * m
        nr = np.linalg.norm(r, axis=-1)
        if np.all(nr < tol * scale):
            break
        if m_old is not None:
            s = m - m_old
            y = r - r_old
            sy = -np.sum(s * y, -1)
            ss = np.sum(s * s, -1)
            with np.errstate(divide="ignore", invalid="ignore"):
                hb = np.where(sy > 0, ss / sy, 0.3 / scale)
            h = np.where(np.isfinite(hb) & (hb > 0), hb, 0.3 / scale)
        h = np.minimum(h, 0.3 / np.maximum(nr, 1e-300))
        m_old, r_old = m, r
        m = _unit(m + h[..., None] * r)
    return m


def newton(model, m, tol=TOL, max_iter=40):
    """Newton polish of the fixed point m x B(m) = 0 from m (..., 3); returns (m, |m x B|/scale)."""
    scale = np.broadcast_to(model.scale, m.shape[:-1])
    m = m.copy()
    res = _torque(model, m) / scale
    for _ in range(max_iter):
        todo = res > tol
        if not np.any(todo):
            break
        e1, e2 = tangent_basis(m)

        def g(mm):
            t = np.cross(mm, model(mm))
            return np.stack([np.sum(t * e1, -1), np.sum(t * e2, -1)], -1)

        g0 = g(m)
        cols = [(g(_unit(m + FD_STEP * e)) - g0) / FD_STEP for e in (e1, e2)]
        jac = np.stack(cols, -1)
        det = jac[..., 0, 0] * jac[..., 1, 1] - jac[..., 0, 1] * jac[..., 1, 0]
        ok = np.abs(det) > 0
        safe = np.where(ok[..., None, None], jac, np.eye(2))
        du = -np.linalg.solve(safe, g0[..., None])[..., 0]
        n = np.linalg.norm(du, axis=-1)
        du *= np.minimum(1.0, 0.2 / np.maximum(n, 1e-300))[..., None]
        m_new = _unit(m + du[..., :1] * e1 + du[..., 1:] * e2)
        res_new = _torque(model, m_new) / scale
        accept = todo & ok & (res_new < res)
        if not np.any(accept):
            break
        m = np.where(accept[..., None], m_new, m)
        res = np.where(accept, res_new, res)
    return m, res


def equilibrium(model, m0, relax_first=True):
    """The stable fixed point near m0 (..., 3): (m, relative residual |m x B|/scale, m.B in T).

    ``relax_first=False`` skips the relaxation (continuation from a nearby solution).
    """
    m = relax(model, m0) if relax_first else _unit(np.broadcast_to(np.asarray(m0, float), np.broadcast_shapes(
        np.shape(m0), model.field_ext.shape, model.J.shape + (3,))).copy())
    m, res = newton(model, m)
    return m, res, np.sum(m * model(m), -1)
