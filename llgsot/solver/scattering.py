"""Single-impurity scattering: the T-matrix, its Born limit, and the rung matrix Upsilon.

tau+ is the self-energy per impurity, Sigma+ = n tau+ (docs/physics.md sec. 2):
  tmatrix: tau+ = T+ = W (1 - W g0+)^-1          (P-16)
  born:    tau+ = W^2 g0+  (constant first-order shift n W dropped: it moves the Fermi level)
and the ladder rungs Upsilon_mb = 1/2 tr[s_m T+ s_b T-] (T -> W in Born: Upsilon = W^2 1).
"""
import numpy as np

from .._jit import njit
from .pauli import pinv, ptr, sigma_times

TMATRIX = 0
BORN = 1


@njit
def tau_plus(g0, W, approx):
    """Pauli coefficients (4 complex) of tau+ for clean g0+ (4 complex), strength W."""
    t = np.empty(4, np.complex128)
    if approx == BORN:
        for i in range(4):
            t[i] = W * W * g0[i]
        return t
    i0, i1, i2, i3 = pinv(1.0 - W * g0[0], -W * g0[1], -W * g0[2], -W * g0[3])
    t[0] = W * i0
    t[1] = W * i1
    t[2] = W * i2
    t[3] = W * i3
    return t


@njit
def upsilon(t, W, approx):
    """Upsilon_mb = 1/2 tr[s_m T+ s_b T-] (4x4, real since T- = T+^dagger)."""
    U = np.zeros((4, 4))
    if approx == BORN:
        for m in range(4):
            U[m, m] = W * W
        return U
    m0, m1, m2, m3 = t[0].conjugate(), t[1].conjugate(), t[2].conjugate(), t[3].conjugate()
    for m in range(4):
        x0, x1, x2, x3 = sigma_times(m, t[0], t[1], t[2], t[3])
        for b in range(4):
            y0, y1, y2, y3 = sigma_times(b, m0, m1, m2, m3)
            U[m, b] = 0.5 * ptr(x0, x1, x2, x3, y0, y1, y2, y3).real
    return U
