"""numba kernels of the macrospin effective field and the LLG right-hand side.

Plain functions on floats, arrays and named tuples only (no xarray, no dataclasses, no
units): the Python layer (:mod:`llgsot.dynamics.simulate`) validates, converts to the SI
numbers packed here, and wraps the results. Everything is SI: fields in tesla, time in s,
current in A/m^2.

The parameters are one record of the structured dtype :data:`PARAMS` (float64 fields and
int64 kinds, read by name: ``par.gamma_ll``), held as a 1-element array (numba's parallel
loops take arrays, not heterogeneous tuples) built by :func:`make_params`:

    gamma_ll   gamma / (1 + damping^2)                    (rad s^-1 T^-1)
    damping    Gilbert damping a                           (1)
    bk         2 Ku / Ms, uniaxial anisotropy field scale  (T)
    ux..uz     easy axis (unit vector)
    nx..nz     -mu0 Ms N_i, demagnetising field per m_i    (T)
    kind       torque model (int): KIND_NONE, KIND_CONSTANT, KIND_TABLE (exact interpolant),
               KIND_TABLE4 (four-term representation), KIND_SPHERE (a sphere table over
               theta and phi, :mod:`.sphere_kernel`; geom, coef its packed arrays)
    cdl, cfl   constant model: damping-/field-like field per unit current (T m^2/A)
    px..pz     constant model: spin polarization sigma (unit vector)
    pref       table models: Delta_xc t_NM / (Ms d)         (J m^2/A), so that
               B_SOT = pref K(m) sigma(m)^-1 (J jhat) with K in 1/(V m), sigma in S, J in A/m^2
    jx, jy     table models: in-plane current direction jhat (unit vector)
    tab_fast   exact table (int): SERIES_TINY (SERIES_SMALL) if every segment is narrower than
               TINY_SERIES_MAX_WIDTH (FAST_SERIES_MAX_WIDTH): series for the segment offset;
               SERIES_NONE: atan2
    a00..a22   the linear part B = A m: A = (2 Ku/Ms) u u^T - mu0 Ms N (T), row-major
               (computed by :func:`make_params` from bk, u and n)
    tab_n      four-term table (int): number of nodes of the uniform grid in u = m_z^2
    tab_du     its spacing 1/(tab_n - 1)
    stt        Slonczewski spin-transfer torque of the MTJ current (int): 0 off (a Macrospin:
               the field is not touched), 1 on (an :class:`~.cell.SOTCell`)
    sj         STT strength per unit MTJ current density: hbar eta Lambda^2 / (|e| Ms d)
               (T m^2/A), so that b(c) = sj J_MTJ / (sla + slb c) and at Lambda = 1
               b = hbar eta J_MTJ / (2 |e| Ms d)
    sla, slb   Lambda^2 + 1 and Lambda^2 - 1 (Slonczewski's angular factor, c = m.p_ref)
    sfl        field-like / damping-like ratio of the STT
    rx..rz     reference-layer direction p_ref (unit vector)

The arrays travel with it in one :class:`Problem` named tuple (``par``: that 1-element
array; ``geom``, ``coef``: the torque table; ``cur_t``, ``cur_v``: the current waveform;
``fld_t``, ``fld_v``: the field waveform), the one argument the integrators take. ``fld_v``
is (n, 3), the external field; for a cell (``stt`` = 1) it is (n, 4), its column 3 the current
density J_MTJ(t) (A/m^2) through the tunnel junction, sampled on the same times (the
read-current drive travels with the field drive, so the Problem and every integrator keep
their signatures).

LLG in Landau-Lifshitz form (docs/physics.md sec. 5), a = damping:

    dm/dt = -gamma/(1 + a^2) [ m x B + a m x (m x B) ]
    B = B_ext(t) + (2 Ku/Ms)(m.u) u - mu0 Ms N m + B_SOT(m, J(t)) [+ B_STT(m, J_MTJ(t))] [+ B_th]

with, for a cell, the Slonczewski STT written as a field (:func:`stt_field`):
B_STT = b(m.p) [(m x p) + r p], b(c) = sj J_MTJ / (sla + slb c).
"""
import math
from collections import namedtuple

import numpy as np

from .. import _jit
from ..tables.schema import KXX, KXY, KYX, KYY, KZX, KZY, SXX, SXY, SYX, SYY  # noqa: F401
from .sphere_kernel import _asin_tiny, sot_sphere  # _asin_tiny: the series of sin d, one home

_inline = _jit.inline

KIND_NONE, KIND_CONSTANT, KIND_TABLE, KIND_TABLE4 = 0, 1, 2, 3
KIND_SPHERE = 4
#: ``tab_fast``: how the exact-table kernel computes the offset in its segment
SERIES_NONE, SERIES_SMALL, SERIES_TINY = 0, 1, 2

_FLOAT_FIELDS = ("gamma_ll", "damping", "bk", "ux", "uy", "uz", "nx", "ny", "nz",
                 "cdl", "cfl", "px", "py", "pz", "pref", "jx", "jy",
                 "a00", "a01", "a02", "a10", "a11", "a12", "a20", "a21", "a22", "tab_du",
                 "sj", "sla", "slb", "sfl", "rx", "ry", "rz")
_INT_FIELDS = ("kind", "tab_fast", "tab_n", "stt")

#: the kernel parameters (see the module docstring); build with :func:`make_params`
#: (np.record: its elements read by name in plain Python too, as under NUMBA_DISABLE_JIT)
PARAMS = np.dtype((np.record, np.dtype([(k, np.float64) for k in _FLOAT_FIELDS]
                                       + [(k, np.int64) for k in _INT_FIELDS], align=True)))
#: the parameters with the arrays of one problem: what the right-hand side and integrators take
Problem = namedtuple("Problem", ("par", "geom", "coef", "cur_t", "cur_v", "fld_t", "fld_v"))
#: the per-member results every integrator fills (see :mod:`.integrators`)
Results = namedtuple("Results", ("m", "drift", "t_cross", "status", "fail_t"))


def make_params(**fields) -> np.ndarray:
    """A 1-element array of :data:`PARAMS` from keyword fields (missing ones are 0); the linear
    part a00..a22 is computed here from bk, ux..uz and nx..nz: A = bk u u^T + diag(nx, ny, nz)."""
    unknown = set(fields) - set(PARAMS.names)
    if unknown:
        raise ValueError(f"unknown kernel parameter(s) {sorted(unknown)}; known: {PARAMS.names}")
    if any(k.startswith("a") and len(k) == 3 and k[1:].isdigit() for k in fields):
        raise ValueError("the linear part a00..a22 is computed from bk, ux..uz, nx..nz")
    vals = {k: 0.0 for k in _FLOAT_FIELDS}
    vals.update({k: 0 for k in _INT_FIELDS})
    for k, x in fields.items():
        vals[k] = int(x) if k in _INT_FIELDS else float(x)
    u = (vals["ux"], vals["uy"], vals["uz"])
    n = (vals["nx"], vals["ny"], vals["nz"])
    for i in range(3):
        for j in range(3):
            vals[f"a{i}{j}"] = vals["bk"] * u[i] * u[j] + (n[i] if i == j else 0.0)
    par = np.zeros(1, dtype=PARAMS)
    for k, x in vals.items():
        par[k] = x
    return par


def empty_table():
    """(geom, coef) placeholders for a problem without a tabulated torque."""
    geom, coef = np.zeros((2, 3)), np.zeros((2, 40))
    geom[1, 0] = np.pi
    return geom, coef


# the column order of the table's "values"/"slopes" (KXX ... SYY) is imported from
# llgsot.tables.schema, its one home


@_inline
def segment(nodes, x):
    """Index i of the segment [nodes[i], nodes[i+1]] holding x (binary search, O(log N)).

    ``nodes`` is non-decreasing; a node repeated twice in a row marks a jump and the
    zero-width segment between the copies is never returned (at a jump x takes the right
    limit). x outside the range is clamped to the first or last segment.
    """
    n = nodes.shape[0]
    if x <= nodes[0]:
        i = 0
        while i < n - 2 and nodes[i + 1] <= nodes[i]:
            i += 1
        return i
    if x >= nodes[n - 1]:
        i = n - 2
        while i > 0 and nodes[i + 1] <= nodes[i]:
            i -= 1
        return i
    lo = 0
    hi = n - 1  # invariant nodes[lo] <= x < nodes[hi]
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if nodes[mid] <= x:
            lo = mid
        else:
            hi = mid
    return lo


@_inline
def interp_linear(tn, vn, t):
    """Piecewise-linear interpolation of the samples (tn, vn) at t, constant outside."""
    n = tn.shape[0]
    if n == 1 or t < tn[0]:
        return vn[0]
    if t >= tn[n - 1]:
        return vn[n - 1]
    i = segment(tn, t)
    w = (t - tn[i]) / (tn[i + 1] - tn[i])
    return vn[i] + w * (vn[i + 1] - vn[i])


@_inline
def interp_linear3(tn, vn, t):
    """As :func:`interp_linear` for (n, 3) samples; returns a 3-tuple."""
    n = tn.shape[0]
    if n == 1 or t < tn[0]:
        return vn[0, 0], vn[0, 1], vn[0, 2]
    if t >= tn[n - 1]:
        return vn[n - 1, 0], vn[n - 1, 1], vn[n - 1, 2]
    i = segment(tn, t)
    w = (t - tn[i]) / (tn[i + 1] - tn[i])
    return (vn[i, 0] + w * (vn[i + 1, 0] - vn[i, 0]),
            vn[i, 1] + w * (vn[i + 1, 1] - vn[i, 1]),
            vn[i, 2] + w * (vn[i + 1, 2] - vn[i, 2]))


@_inline
def interp_linear_col(tn, vn, t, col):
    """As :func:`interp_linear` for column ``col`` of (n, k) samples."""
    n = tn.shape[0]
    if n == 1 or t < tn[0]:
        return vn[0, col]
    if t >= tn[n - 1]:
        return vn[n - 1, col]
    i = segment(tn, t)
    w = (t - tn[i]) / (tn[i + 1] - tn[i])
    return vn[i, col] + w * (vn[i + 1, col] - vn[i, col])


#: a table whose widest segment is below this (rad) uses the series for asin (see :func:`_asin_small`)
FAST_SERIES_MAX_WIDTH = 0.1
#: below this width (rad) the shorter series :func:`_asin_tiny` suffices
TINY_SERIES_MAX_WIDTH = 0.03


@_inline
def _asin_small(x):
    """asin(x) for |x| <= sin(FAST_SERIES_MAX_WIDTH) by its Taylor series to x^15 (Estrin scheme).

    Truncation error <= 0.012 |x|^17 < 1e-19 there: below the rounding of the result.
    """
    z = x * x
    z2 = z * z
    z4 = z2 * z2
    p01 = 1.0 + z * (1.0 / 6.0)
    p23 = 3.0 / 40.0 + z * (5.0 / 112.0)
    p45 = 35.0 / 1152.0 + z * (63.0 / 2816.0)
    p67 = 231.0 / 13312.0 + z * (143.0 / 10240.0)
    return x * ((p01 + z2 * p23) + z4 * (p45 + z2 * p67))


@_inline
def sot_table(mx, my, mz, J, par, geom, coef):
    """B_SOT = Delta_xc K(m) sigma(m)^-1 J_sheet / (Ms d) from a tabulated K(theta, 0), sigma(theta, 0).

    K(m) = R3(phi) K(theta, 0) R2(phi)^T and sigma(m) = R2(phi) sigma(theta, 0) R2(phi)^T
    (docs/physics.md sec. 3), hence K(m) sigma(m)^-1 j = R3 K0 sigma0^-1 (R2^T j): the current is
    rotated into the frame where m lies in the xz-plane, the response is taken there and the
    spin density is rotated back. K0, sigma0: the cubic Hermite interpolant of the segment
    [theta_i, theta_i+1] holding theta, stored in power form of d = theta - theta_i:
    ``coef[i, 10 q + e] = c_q`` of entry e, p(d) = (c0 + d c1) + d^2 (c2 + d c3).

    ``geom[k] = (theta_k, cos theta_k, sin theta_k)``. The segment is found by a binary search
    with the exact test theta >= theta_k <=> rho cos theta_k - m_z sin theta_k >= 0
    (rho = |m_xy|), and d from sin d = (rho cos theta_i - m_z sin theta_i)/|m| (by the series
    of asin when every segment is narrower than FAST_SERIES_MAX_WIDTH, else atan2 of sin d and
    cos d): free of the cancellation in atan2(rho, m_z) - theta_i and exact for |m| != 1.
    """
    if J == 0.0:
        return 0.0, 0.0, 0.0
    rho2 = mx * mx + my * my
    rho = math.sqrt(rho2)
    inv_m = 1.0 / math.sqrt(rho2 + mz * mz)
    if rho > 0.0:
        r = 1.0 / rho
        c = mx * r
        s = my * r
    else:
        c = 1.0
        s = 0.0
    # branchless binary search (the trip count depends on N only, the update is a select):
    # i = last node with theta_i <= theta, within [0, N-2]
    i = 0
    n = geom.shape[0] - 1
    while n > 1:
        half = n >> 1
        mid = i + half
        i = mid if rho * geom[mid, 1] - mz * geom[mid, 2] >= 0.0 else i
        n -= half
    sd = rho * geom[i, 1] - mz * geom[i, 2]
    fast = par.tab_fast
    if fast == SERIES_TINY:
        d = _asin_tiny(sd * inv_m)
    elif fast == SERIES_SMALL:
        d = _asin_small(sd * inv_m)
    else:
        d = math.atan2(sd, mz * geom[i, 1] + rho * geom[i, 2])
    d2 = d * d
    kxx = (coef[i, KXX] + d * coef[i, 10 + KXX]) + d2 * (coef[i, 20 + KXX] + d * coef[i, 30 + KXX])
    kxy = (coef[i, KXY] + d * coef[i, 10 + KXY]) + d2 * (coef[i, 20 + KXY] + d * coef[i, 30 + KXY])
    kyx = (coef[i, KYX] + d * coef[i, 10 + KYX]) + d2 * (coef[i, 20 + KYX] + d * coef[i, 30 + KYX])
    kyy = (coef[i, KYY] + d * coef[i, 10 + KYY]) + d2 * (coef[i, 20 + KYY] + d * coef[i, 30 + KYY])
    kzx = (coef[i, KZX] + d * coef[i, 10 + KZX]) + d2 * (coef[i, 20 + KZX] + d * coef[i, 30 + KZX])
    kzy = (coef[i, KZY] + d * coef[i, 10 + KZY]) + d2 * (coef[i, 20 + KZY] + d * coef[i, 30 + KZY])
    sxx = (coef[i, SXX] + d * coef[i, 10 + SXX]) + d2 * (coef[i, 20 + SXX] + d * coef[i, 30 + SXX])
    sxy = (coef[i, SXY] + d * coef[i, 10 + SXY]) + d2 * (coef[i, 20 + SXY] + d * coef[i, 30 + SXY])
    syx = (coef[i, SYX] + d * coef[i, 10 + SYX]) + d2 * (coef[i, 20 + SYX] + d * coef[i, 30 + SYX])
    syy = (coef[i, SYY] + d * coef[i, 10 + SYY]) + d2 * (coef[i, 20 + SYY] + d * coef[i, 30 + SYY])
    # sheet current (per unit t_NM, folded into PREF) rotated into the phi = 0 frame: R2^T j
    jx = par.jx * J
    jy = par.jy * J
    jpx = c * jx + s * jy
    jpy = c * jy - s * jx
    # E' = sigma0^-1 j' = adj(sigma0) j' / det: the division runs alongside K0 adj j'
    idet = par.pref / (sxx * syy - sxy * syx)
    ex = syy * jpx - sxy * jpy
    ey = sxx * jpy - syx * jpx
    spx = kxx * ex + kxy * ey
    spy = kyx * ex + kyy * ey
    spz = kzx * ex + kzy * ey
    return (c * spx - s * spy) * idet, (s * spx + c * spy) * idet, spz * idet


@_inline
def sot_four_term(mx, my, mz, J, par, coef):
    """B_SOT (up to a part along m, which exerts no torque) from the four-term form of (P-3):

        B = PREF J [-a1o f + a2o (z x m)(m.e) + a1e (f x m) - a2e (m x (z x m))(m.e)]

    with e the current direction, f = z x e, and a_i(u), u = m_z^2, the (P-3) coefficients of
    A = K sigma^-1 (every one is even about theta = pi/2 and about the poles, hence a smooth
    function of m_z^2), linear on a fine uniform grid in u: ``coef[i, k]`` is a_k at node i
    and ``coef[i, 4 + k]`` its slope on cell i (N = par.tab_n nodes). No square root, no
    inverse trigonometric function, no search and no 2x2 solve: one FMA per coefficient on
    the dependency chain, which is what a single (latency-bound) trajectory pays for.
    """
    if J == 0.0:
        return 0.0, 0.0, 0.0
    u = mz * mz
    n1 = float(par.tab_n - 1)
    x = u * n1
    # clamp in integers: a NaN m (a failing run, reported by the integrator) converts to a
    # negative integer and must not index outside the table
    i = max(min(int(x), int(n1) - 1), 0)
    d = (x - i) * par.tab_du
    a1o = coef[i, 0] + d * coef[i, 4]
    a2o = coef[i, 1] + d * coef[i, 5]
    a1e = coef[i, 2] + d * coef[i, 6]
    a2e = coef[i, 3] + d * coef[i, 7]
    # everything below that does not involve a_i is off the dependency chain of the lookup:
    # the m-polynomials of the four vectors, pre-scaled by q = PREF J
    q = par.pref * J
    ex = par.jx
    ey = par.jy
    fx = -ey * q
    fy = ex * q
    me = (mx * ex + my * ey) * q
    px = me * my
    py = me * mx
    pxz = me * mx * mz
    pyz = me * my * mz
    pz = me * (1.0 - u)
    fxm = fx * mz
    fym = fy * mz
    fxy = (fx * my - fy * mx)
    return ((a2e * pxz - a1o * fx) + (a1e * fym - a2o * px),
            (a2e * pyz - a1o * fy) + (a2o * py - a1e * fxm),
            a1e * fxy - a2e * pz)


@_inline
def sot_constant(mx, my, mz, J, par):
    """B_SOT = b_DL (m x sigma) + b_FL sigma with b_DL = CDL J, b_FL = CFL J (constant efficiencies)."""
    if J == 0.0:
        return 0.0, 0.0, 0.0
    bdl = par.cdl * J
    bfl = par.cfl * J
    px = par.px
    py = par.py
    pz = par.pz
    return (bdl * (my * pz - mz * py) + bfl * px,
            bdl * (mz * px - mx * pz) + bfl * py,
            bdl * (mx * py - my * px) + bfl * pz)


@_inline
def stt_field(mx, my, mz, Jr, par):
    """Slonczewski spin-transfer torque of the MTJ current density Jr (A/m^2) as a field (T):

        B_STT = b(c) [(m x p) + r p],  b(c) = sj Jr / (sla + slb c),  c = m.p

    (p = p_ref, r = sfl): b = hbar eta Lambda^2 Jr / (|e| Ms d ((Lambda^2 + 1) + (Lambda^2 - 1) c)),
    i.e. hbar eta Jr / (2 |e| Ms d) at Lambda = 1. The numpy reference is
    :meth:`llgsot.dynamics.cell.SOTCell.stt_field`.
    """
    if Jr == 0.0:
        return 0.0, 0.0, 0.0
    px = par.rx
    py = par.ry
    pz = par.rz
    c = mx * px + my * py + mz * pz
    b = par.sj * Jr / (par.sla + par.slb * c)
    f = par.sfl * b
    return (b * (my * pz - mz * py) + f * px,
            b * (mz * px - mx * pz) + f * py,
            b * (mx * py - my * px) + f * pz)


@_inline
def linear_field(J, ex, ey, ez, par):
    """The part of the field linear in m, B_lin = L m + b0, at current density J and external
    field e: L (row-major, 9 numbers) = anisotropy + demag + the constant model's damping-like
    b_DL m x p; b0 (3 numbers) = e + the constant model's field-like b_FL p.

    Its entries depend on t only: the CPU computes them off the dependency chain of m (the RK
    stages are latency-bound).
    """
    kind = par.kind
    px = par.px
    py = par.py
    pz = par.pz
    bdl = par.cdl * J if kind == KIND_CONSTANT else 0.0
    bfl = par.cfl * J if kind == KIND_CONSTANT else 0.0
    # m x p = [[0, pz, -py], [-pz, 0, px], [py, -px, 0]] m
    return (par.a00, par.a01 + bdl * pz, par.a02 - bdl * py,
            par.a10 - bdl * pz, par.a11, par.a12 + bdl * px,
            par.a20 + bdl * py, par.a21 - bdl * px, par.a22,
            ex + bfl * px, ey + bfl * py, ez + bfl * pz)


@_inline
def field_at(mx, my, mz, J, ex, ey, ez, par, geom, coef):
    """Deterministic effective field (T) at m for the current density J and external field e:
    the linear part (:func:`linear_field`) plus a tabulated SOT."""
    l00, l01, l02, l10, l11, l12, l20, l21, l22, b0x, b0y, b0z = linear_field(J, ex, ey, ez, par)
    bx = (l00 * mx + l01 * my) + (l02 * mz + b0x)
    by = (l10 * mx + l11 * my) + (l12 * mz + b0y)
    bz = (l20 * mx + l21 * my) + (l22 * mz + b0z)
    kind = par.kind
    if kind == KIND_TABLE:
        sx, sy, sz = sot_table(mx, my, mz, J, par, geom, coef)
        bx += sx
        by += sy
        bz += sz
    elif kind == KIND_TABLE4:
        sx, sy, sz = sot_four_term(mx, my, mz, J, par, coef)
        bx += sx
        by += sy
        bz += sz
    elif kind == KIND_SPHERE:
        sx, sy, sz = sot_sphere(mx, my, mz, J, par.jx, par.jy, par.pref, geom, coef)
        bx += sx
        by += sy
        bz += sz
    return bx, by, bz


@_inline
def field(mx, my, mz, t, par, geom, coef, cur_t, cur_v, fld_t, fld_v):
    """Deterministic effective field B(m, t) in tesla (external + anisotropy + demag + SOT);
    ``par`` the parameter record (``problem.par[0]``), the arrays those of a :class:`Problem`.

    Hot loops take the arrays as plain locals, not through the named tuple: numba counts the
    references of an array taken out of a tuple (atomic increments in the loop).
    """
    ex, ey, ez = interp_linear3(fld_t, fld_v, t)
    J = interp_linear(cur_t, cur_v, t) if par.kind != KIND_NONE else 0.0
    bx, by, bz = field_at(mx, my, mz, J, ex, ey, ez, par, geom, coef)
    if par.stt != 0:  # a cell: the STT of the MTJ current (column 3 of the field drive)
        sx, sy, sz = stt_field(mx, my, mz, interp_linear_col(fld_t, fld_v, t, 3), par)
        bx += sx
        by += sy
        bz += sz
    return bx, by, bz


@_inline
def llg(mx, my, mz, bx, by, bz, gll, a):
    """Landau-Lifshitz right-hand side -gamma/(1+a^2) [m x B + a m x (m x B)].

    Written as g1 c + (g2 m) x c with c = m x B: g2 m is ready before c, so the chain from B
    is mul-sub (c), mul-sub, add: five dependent operations instead of six.
    """
    g1 = -gll
    g2 = -gll * a
    hx = g2 * mx
    hy = g2 * my
    hz = g2 * mz
    cx = my * bz - mz * by
    cy = mz * bx - mx * bz
    cz = mx * by - my * bx
    return (g1 * cx + (hy * cz - hz * cy), g1 * cy + (hz * cx - hx * cz),
            g1 * cz + (hx * cy - hy * cx))


@_inline
def rhs(mx, my, mz, t, par, geom, coef, cur_t, cur_v, fld_t, fld_v):
    """dm/dt of the deterministic LLG at (m, t) (arguments as :func:`field`)."""
    bx, by, bz = field(mx, my, mz, t, par, geom, coef, cur_t, cur_v, fld_t, fld_v)
    return llg(mx, my, mz, bx, by, bz, par.gamma_ll, par.damping)


#: the same right-hand side as a separately compiled function (a real call, not inlined):
#: used where compile time matters more than the last nanosecond (DOPRI5 stages)
rhs_call = _jit.njit(getattr(rhs, "py_func", rhs))


@_jit.njit
def field_many(m, t, pb, out):
    """Effective field at each row of m (n, 3) at time t into out (n, 3); for tests and checks."""
    par, geom, coef, cur_t, cur_v, fld_t, fld_v = pb
    for k in range(m.shape[0]):
        bx, by, bz = field(m[k, 0], m[k, 1], m[k, 2], t, par[0], geom, coef,
                           cur_t, cur_v, fld_t, fld_v)
        out[k, 0] = bx
        out[k, 1] = by
        out[k, 2] = bz


@_jit.njit
def sot_many(m, J, params, geom, coef, out):
    """B_SOT alone at each row of m (n, 3) for the current density J (A/m^2); for tests.

    ``params``: the 1-element :data:`PARAMS` array of :func:`make_params`."""
    par = params[0]
    for k in range(m.shape[0]):
        if par.kind == KIND_CONSTANT:
            bx, by, bz = sot_constant(m[k, 0], m[k, 1], m[k, 2], J, par)
        elif par.kind == KIND_TABLE:
            bx, by, bz = sot_table(m[k, 0], m[k, 1], m[k, 2], J, par, geom, coef)
        elif par.kind == KIND_TABLE4:
            bx, by, bz = sot_four_term(m[k, 0], m[k, 1], m[k, 2], J, par, coef)
        elif par.kind == KIND_SPHERE:
            bx, by, bz = sot_sphere(m[k, 0], m[k, 1], m[k, 2], J, par.jx, par.jy, par.pref, geom, coef)
        else:
            bx, by, bz = 0.0, 0.0, 0.0
        out[k, 0] = bx
        out[k, 1] = by
        out[k, 2] = bz


@_jit.njit
def stt_many(m, Jr, params, out):
    """B_STT alone at each row of m (n, 3) for the MTJ current density Jr (A/m^2); for tests.

    ``params``: the 1-element :data:`PARAMS` array of :func:`make_params`."""
    par = params[0]
    for k in range(m.shape[0]):
        bx, by, bz = stt_field(m[k, 0], m[k, 1], m[k, 2], Jr, par)
        out[k, 0] = bx
        out[k, 1] = by
        out[k, 2] = bz
