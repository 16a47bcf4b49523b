"""mumax3 export of a sphere table (K, sigma over theta and phi): the field as a fit in the
components of m, for tables without jumps.

A smooth function on the sphere is a sum of azimuthal harmonics, rho^k cos(k phi) and
rho^k sin(k phi) = Re and Im of (m_x + i m_y)^k, each with a coefficient that is a smooth
function of m_z, i.e. g(u) + m_z h(u) with u = m_z^2. The export writes, for the current
direction e,

    B(m) = sum_j H_j(m) G_j(w),     H_j in {1, Re z^k, Im z^k} x {1, m_z},  k = 1..harmonics,

z = m_x + i m_y, w = 2 m_z^2 - 1, each G_j a vector polynomial of ``degree`` in w (Horner in
ConstVectors), fitted by linear least squares to the table's torque m x B on random m. The
harmonics are carried as the vector (Re z^k, Im z^k, 0) and multiplied by z with
m_x q + m_y (J q), J the in-plane quarter turn: only the operations of the 1D export
(:class:`llgsot.export.mumax3_program.Program`) and vector Add, as mumax3 requires.

Jumps: a sphere table whose lines have jumps (the jump curves move with phi) is refused; the
1D export's step in m_z^2 cannot follow a jump curve that depends on phi.
"""
from __future__ import annotations

import math

import numpy as np

from .. import spinorbit
from .mumax3_program import X, Y, Program, cv, random_unit


def refuse_jumps(table) -> None:
    n = int(np.asarray(table.arrays["jumps"]).shape[1])
    if n:
        raise ValueError(f"mumax3 export of a sphere table with jumps is not implemented: this table's "
                         f"lines have {n} jump(s) each, on curves that move with phi, and the script "
                         "can only step in m_z^2 (1D tables). Sphere tables with jumps run in "
                         "llgsot.simulate and magnum.np (MagnumSOTField)")


def basis(m, harmonics):
    """The scalars H_j(m) (N, 2 (2 harmonics + 1)) in the script's order: for k = 0..harmonics
    (k = 0: 1; else Re z^k, Im z^k), each times 1 and times m_z."""
    z = m[:, 0] + 1j * m[:, 1]
    cols = [np.ones(len(m))]
    for k in range(1, harmonics + 1):
        zk = z ** k
        cols += [zk.real, zk.imag]
    H = np.stack(cols, 1)
    return np.concatenate([H, H * m[:, 2:3]], 1)


def fit(table, e, degree=8, harmonics=3, n=6000, seed=1):
    """Coefficients (J, degree + 1, 3) of G_j in 1/(A m) (A e, A = K sigma^-1), fitted to the
    torque m x (A e) on n random m plus the poles and the equator."""
    rng = np.random.default_rng(seed)
    m = np.concatenate([random_unit(n, rng), [[0, 0, 1.0], [0, 0, -1.0]],
                        spinorbit.magnetization(np.full(64, math.pi / 2),
                                                np.linspace(0, 2 * math.pi, 64, endpoint=False))])
    K, S = table.K_and_sigma(m)
    target = np.cross(m, spinorbit.response_per_current(K, S, e))
    H = basis(m, harmonics)  # (N, J)
    W = (2 * m[:, 2] ** 2 - 1)[:, None] ** np.arange(degree + 1)  # (N, D)
    units = np.eye(3)
    mxa = np.stack([np.cross(m, units[a]) for a in range(3)], 1)  # (N, 3 a, 3 out)
    cols = H[:, :, None, None, None] * W[:, None, :, None, None] * mxa[:, None, None, :, :]
    A = cols.reshape(len(m), -1, 3).transpose(0, 2, 1).reshape(3 * len(m), -1)
    scale = np.abs(target).max()
    coef, *_ = np.linalg.lstsq(A, target.reshape(-1) / scale, rcond=None)
    return coef.reshape(H.shape[1], degree + 1, 3) * scale


def program(coef, harmonics, scale=1.0, prefix="sot_"):
    """The :class:`Program` whose last statement ``{prefix}B`` is ``scale`` times the fitted
    field of :func:`fit`."""
    p = Program()
    n = prefix
    p.let(n + "mx", ("mComp", 0))
    p.let(n + "my", ("mComp", 1))
    p.let(n + "mz", ("mComp", 2))
    p.let(n + "u", ("Mul", n + "mz", n + "mz"))
    w = p.let(n + "w", ("Dot", ("Add", ("Mul", n + "u", cv(2.0, 0.0, 0.0)), cv(-1.0, 0.0, 0.0)), X))
    H = [("Const", 1.0)]
    q = p.let(n + "q1", ("MulMV", X, Y, cv(0.0, 0.0, 0.0), "m"))  # (m_x, m_y, 0)
    for k in range(1, harmonics + 1):
        if k > 1:
            turned = ("MulMV", cv(0.0, -1.0, 0.0), X, cv(0.0, 0.0, 0.0), q)  # (-Im, Re, 0)
            q = p.let(f"{n}q{k}", ("Add", ("Mul", n + "mx", q), ("Mul", n + "my", turned)))
        H += [p.let(f"{n}c{k}", ("Dot", q, X)), p.let(f"{n}s{k}", ("Dot", q, Y))]
    H = H + [("Mul", h, n + "mz") if j else n + "mz" for j, h in enumerate(H)]
    c = scale * np.asarray(coef, float)
    deg = c.shape[1] - 1
    total = None
    for j, h in enumerate(H):
        expr = cv(*c[j, deg])
        for k in range(deg - 1, -1, -1):
            expr = ("Add", ("Mul", w, expr), cv(*c[j, k]))
        g = p.let(f"{n}G{j}", expr)
        term = g if (j == 0) else ("Mul", h, g)
        total = term if total is None else p.let(f"{n}S{j}", ("Add", total, term))
    p.let(n + "B", total)
    return p


def field_errors(table, coef, harmonics, e, scale=1.0, n=4000, seed=0):
    """max |B_fit,perp - B_table,perp| / max |B_table,perp| over random m (other than the
    fit's), the script's operations in float64 and in float32."""
    rng = np.random.default_rng(seed)
    m = np.concatenate([random_unit(n, rng), [[0, 0, 1.0], [0, 0, -1.0]]])
    K, S = table.K_and_sigma(m)
    ref = scale * spinorbit.perpendicular(spinorbit.response_per_current(K, S, e), m)
    prog = program(coef, harmonics, scale)
    big = np.abs(ref).max()
    out = {}
    for dtype in (np.float64, np.float32):
        got = prog.evaluate(m, dtype)["sot_B"].astype(float)
        out[np.dtype(dtype).name] = float(np.abs(spinorbit.perpendicular(got, m) - ref).max() / big)
    return out
