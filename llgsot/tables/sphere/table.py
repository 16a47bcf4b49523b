"""SphereTable: K(m) and sigma(m) for any unit m from a table over (theta, phi).

The table holds L azimuth lines ph_l = 2 pi l / L, each a 1D table over theta in [0, pi] with
its own adaptive nodes and bracketed jumps, the values in the lab frame K(th_i, ph_l),
sigma(th_i, ph_l). The interpolant (:func:`interpolant_arrays` builds it, :func:`evaluate`
evaluates it; the numba kernel :mod:`llgsot.dynamics.sphere_kernel` evaluates the same):

1. Co-rotating frame. Each line is turned into the frame where m lies in the xz-plane,
   K_b = R3(ph)^T K R2(ph), sigma_b = R2^T sigma R2 (:func:`llgsot.spinorbit.rotate` with -ph).
   A rotation-invariant model then has identical lines, and interpolation in phi is exact.
2. Poles. m = +-z is one point for all lines: every line carries the same pole values P_N,
   P_S (lab frame). The line interpolates the remainder
   r_l(th) = F_b(th, ph_l) - w_N(th) P_N,b(ph_l) - w_S(th) P_S,b(ph_l),
   w_N = (1 + cos th)/2, w_S = (1 - cos th)/2, which vanishes at both poles; the pole part
   is added back exactly in the lab frame: F(m) = R[r(th, ph)] + w_N P_N + w_S P_S. So at
   the poles F is exactly P_N, P_S whatever the direction of approach, and near them the
   interpolation error of r is O(th).
3. Theta. Along a line, piecewise cubic Hermite of r with Bessel slopes
   (:func:`llgsot.tables.hermite.bessel_slopes`), one-sided next to a jump; at the poles the
   line continues onto the opposite line, r(-th, ph) = P0 r(th, ph + pi) with P0 =
   :data:`llgsot.tables.schema.PARITY_ZERO` (L even or 1), so the pole slopes are centred as
   in the 1D tables; a bracketed jump is a step at its bracket's midpoint t_lj.
4. Jumps move with phi. If every line has the same number J of jumps, the jump curves are
   followed: at (th, ph) the jump positions T_j are the cubic (5. below) through the
   lines' jump positions t_lj (kept ordered and in [0, pi]); th in piece p
   (T_p <= th < T_(p+1), T_0 = 0, T_(J+1) = pi) is mapped linearly onto piece p of each line
   used below, so no line is read across its jump. If the counts differ the lines are read
   at th itself (the table says so: attribute ``jumps_aligned`` = 0).
5. Phi. Periodic 4-point Lagrange (cubic) interpolation over lines k-1 .. k+2 of the
   (mapped) line values: O(h^4) where the physics is smooth.
"""
from __future__ import annotations

import math
import os

import numpy as np
import xarray as xr

from ... import _validate as v
from ... import spinorbit
from .. import schema
from ..hermite import bessel_slopes
from .schema import SPHERE_TABLE_VERSION

TWO_PI = 2.0 * math.pi


def to_body(values, phi):
    """(..., 10) lab-frame rows at azimuth phi -> the co-rotating frame (rows as well)."""
    K, S = schema.unflatten(values)
    Kb, Sb = spinorbit.rotate(K, S, -np.asarray(phi, float))
    return schema.flat_values(Kb, Sb)


def to_lab(values, phi):
    """Inverse of :func:`to_body`."""
    K, S = schema.unflatten(values)
    Kl, Sl = spinorbit.rotate(K, S, np.asarray(phi, float))
    return schema.flat_values(Kl, Sl)


def pole_weights(theta):
    """(w_N, w_S) = ((1 + cos th)/2, (1 - cos th)/2)."""
    c = np.cos(theta)
    return 0.5 * (1.0 + c), 0.5 * (1.0 - c)


def remainder(rows, theta, phi, poles):
    """r = F_b - w_N P_N,b - w_S P_S,b (n, 10) of lab rows (n, 10) at nodes theta (n,) of the
    line at azimuth phi, poles (2, 10) the lab rows at +z and -z; exactly 0 at 0 and pi."""
    theta = np.asarray(theta, float)
    wn, ws = pole_weights(theta)
    pb = to_body(np.asarray(poles, float), phi)
    r = to_body(np.asarray(rows, float), phi) - wn[:, None] * pb[0] - ws[:, None] * pb[1]
    r[theta == 0.0] = 0.0
    r[theta == math.pi] = 0.0
    return r


def lagrange_weights(u):
    """Weights (..., 4) of the cubic through lines k-1, k, k+1, k+2 at fraction u of [k, k+1]."""
    u = np.asarray(u, float)
    return np.stack([-u * (u - 1) * (u - 2) / 6, (u + 1) * (u - 1) * (u - 2) / 2,
                     -(u + 1) * u * (u - 2) / 2, (u + 1) * u * (u - 1) / 6], -1)


def interpolant_arrays(lines):
    """The interpolant of a set of lines as plain (padded) arrays.

    Parameters
    ----------
    lines : list of (theta (n,), values (n, 10), jump_after (n-1,))
        Line l at azimuth 2 pi l / len(lines): nodes (rad, strictly increasing, from 0 to
        pi), lab-frame rows (:data:`llgsot.tables.schema.TABLE_COLUMNS`: K in 1/(V m), sigma
        in S) and the jump flags of the intervals. Lines must share the pole rows.

    Returns
    -------
    dict
        "nodes" (L, N) node form (a jump as a repeated node at the bracket midpoint, padded
        with pi), "values", "slopes" (L, N, 10) of the remainder r in the co-rotating frame,
        "count" (L,) nodes used, "piece_lo", "piece_hi" (L, P) first and last node of each
        piece, "jumps" (L, P - 1) jump positions (rad), "poles" (2, 10) lab rows at +z, -z.
    """
    L = len(lines)
    poles = np.array([lines[0][1][0], lines[0][1][-1]], float)
    counts = [int(np.sum(j)) for _, _, j in lines]
    aligned = len(set(counts)) == 1
    rem = [remainder(vals, th, TWO_PI * ell / L, poles) for ell, (th, vals, _) in enumerate(lines)]
    forms = []
    for ell, (th, vals, jump) in enumerate(lines):
        th = np.asarray(th, float)
        jump = np.asarray(jump, bool)
        r = rem[ell]
        d = bessel_slopes(th, r, jump)
        if L == 1 or L % 2 == 0:  # through the pole onto the opposite line: r(-th, ph) = P0 r(th, ph + pi)
            opp = (ell + L // 2) % L
            to, jo = np.asarray(lines[opp][0], float), np.asarray(lines[opp][2], bool)
            ro = rem[opp]
            for end, i1, sgn in ((0, 1, 1.0), (-1, -2, -1.0)):
                if jump[end] or jo[end]:  # the end interval of either line brackets a jump
                    continue
                hl = abs(to[end] - to[i1])
                hr = abs(th[i1] - th[end])
                sl = (r[end] - schema.PARITY_ZERO * ro[i1]) / hl
                sr = (r[i1] - r[end]) / hr
                d[end] = sgn * (hr * sl + hl * sr) / (hl + hr)
        nt, nv, ns, lo, hi, jpos = [], [], [], [0], [], []
        for i in range(len(th)):
            nt.append(th[i])
            nv.append(r[i])
            ns.append(d[i])
            if i < len(th) - 1 and jump[i]:
                mid = 0.5 * (th[i] + th[i + 1])
                jpos.append(mid)
                nt += [mid, mid]
                nv += [r[i], r[i + 1]]
                ns += [np.zeros(10), np.zeros(10)]
                hi.append(len(nt) - 2)
                lo.append(len(nt) - 1)
        hi.append(len(nt) - 1)
        if not aligned:
            lo, hi, jpos = [0], [len(nt) - 1], []
        forms.append((np.array(nt), np.array(nv), np.array(ns), lo, hi, jpos))
    n = max(len(f[0]) for f in forms)
    P = len(forms[0][3])
    out = {"nodes": np.full((L, n), math.pi), "values": np.zeros((L, n, 10)),
           "slopes": np.zeros((L, n, 10)), "count": np.zeros(L, np.int64),
           "piece_lo": np.zeros((L, P), np.int64), "piece_hi": np.zeros((L, P), np.int64),
           "jumps": np.zeros((L, P - 1)), "poles": poles, "aligned": aligned,
           "jump_counts": np.array(counts)}
    for ell, (nt, nv, ns, lo, hi, jpos) in enumerate(forms):
        c = len(nt)
        out["nodes"][ell, :c] = nt
        out["values"][ell, :c] = nv
        out["values"][ell, c:] = nv[-1]
        out["slopes"][ell, :c] = ns
        out["count"][ell] = c
        out["piece_lo"][ell] = lo
        out["piece_hi"][ell] = hi
        out["jumps"][ell] = jpos
    return out


def evaluate(arr, theta, phi):
    """The interpolant of :func:`interpolant_arrays` at angles (M,) (rad): lab rows (M, 10)."""
    theta = np.clip(np.asarray(theta, float).ravel(), 0.0, math.pi)
    phi = np.asarray(phi, float).ravel()
    nodes, vals, slopes = arr["nodes"], arr["values"], arr["slopes"]
    L = nodes.shape[0]
    x = phi * (L / TWO_PI)
    x = np.where(x < 0, x + L, x)
    k = x.astype(np.int64)
    x = np.where(k >= L, x - L, x)
    k = np.where(k >= L, k - L, k)
    w = lagrange_weights(x - k)
    if L == 1:  # one line: read once
        w = np.broadcast_to(np.array([0.0, 1.0, 0.0, 0.0]), w.shape)
    J = arr["jumps"].shape[1]
    if J:
        jl = arr["jumps"]
        T = np.zeros((len(theta), J))
        for q, off in enumerate((-1, 0, 1, 2)):  # the jump curves: the same cubic in phi
            T += w[:, q, None] * jl[(k + off) % L]
        T = np.clip(np.maximum.accumulate(T, axis=1), 0.0, math.pi)
        p = np.sum(T <= theta[:, None], axis=1)
        Tp = np.concatenate([np.zeros((len(theta), 1)), T, np.full((len(theta), 1), math.pi)], 1)
        A = np.take_along_axis(Tp, p[:, None], 1)[:, 0]
        B = np.take_along_axis(Tp, p[:, None] + 1, 1)[:, 0]
    else:
        p = np.zeros(len(theta), np.int64)
        A, B = np.zeros(len(theta)), np.full(len(theta), math.pi)
    r = np.zeros((len(theta), 10))
    for q, off in enumerate((-1, 0, 1, 2)):
        if L == 1 and off:
            continue
        ell = (k + off) % L
        lo = arr["piece_lo"][ell, p]
        hi = arr["piece_hi"][ell, p]
        a = nodes[ell, lo]
        b = nodes[ell, hi]
        tl = np.clip(a + (theta - A) * ((b - a) * (1.0 / (B - A))), a, b)
        i = np.empty(len(theta), np.int64)
        for line in np.unique(ell):
            sel = ell == line
            i[sel] = np.searchsorted(nodes[line], tl[sel], side="right") - 1
        i = np.clip(i, lo, hi - 1)
        t0, t1 = nodes[ell, i], nodes[ell, i + 1]
        h = t1 - t0
        s = ((tl - t0) / h)[:, None]
        f0, f1 = vals[ell, i], vals[ell, i + 1]
        d0, d1 = slopes[ell, i] * h[:, None], slopes[ell, i + 1] * h[:, None]
        s2, s3 = s * s, s * s * s
        r += w[:, q, None] * ((2 * s3 - 3 * s2 + 1) * f0 + (s3 - 2 * s2 + s) * d0
                              + (-2 * s3 + 3 * s2) * f1 + (s3 - s2) * d1)
    wn, ws = pole_weights(theta)
    return to_lab(r, phi) + wn[:, None] * arr["poles"][0] + ws[:, None] * arr["poles"][1]


def lines_from_dataset(ds):
    """The raw lines [(theta, lab rows, jump_after)] of a sphere-table Dataset."""
    n = np.asarray(ds["n_nodes"].values, int)
    th = np.asarray(ds["theta_node"].values, float)
    rows = schema.flat_values(ds["K"].values, ds["sigma"].values)
    jmp = np.asarray(ds["jump_after"].values, bool)
    return [(th[ell, :c], rows[ell, :c], jmp[ell, :c - 1]) for ell, c in enumerate(n)]


class SphereTable:
    """Interpolated K(m), sigma(m) of a sphere table (one Fermi energy, one impurity strength).

    Parameters
    ----------
    source : xarray.Dataset or path
        A table of :func:`llgsot.tables.sphere.build_sphere_table` or a file saved by
        :func:`llgsot.save_table` (table version
        :data:`llgsot.tables.sphere.schema.SPHERE_TABLE_VERSION`).
    """

    def __init__(self, source):
        self.source_path = None
        if isinstance(source, (str, os.PathLike)):
            from ..store import load_table

            self.source_path = os.path.abspath(os.fspath(source))
            source = load_table(source)
        if not isinstance(source, xr.Dataset):
            raise ValueError(f"`source` must be an xarray.Dataset or a path, got {type(source).__name__}")
        from ..store import check_schema
        from .schema import is_sphere_table

        if not is_sphere_table(source.attrs):
            raise ValueError("SphereTable: not a valid llgsot sphere table: llgsot_table_version "
                             f"is {source.attrs.get('llgsot_table_version')!r}, a sphere table has "
                             f"{SPHERE_TABLE_VERSION} (1D tables: llgsot.TorqueTable)")
        check_schema(source, where="SphereTable")
        self.dataset = source
        self.lines = lines_from_dataset(source)
        self.arrays = interpolant_arrays(self.lines)
        self.delta_xc = float(source.attrs["delta_xc"])  # eV
        #: stated relative interpolation error (per component, of its largest magnitude)
        self.error_estimate = float(source.attrs.get("interpolation_error_estimate", float("nan")))

    @property
    def n_lines(self) -> int:
        return len(self.lines)

    def values_at(self, theta, phi):
        """(..., 10) lab-frame rows (:data:`~llgsot.tables.schema.TABLE_COLUMNS`) at (theta, phi) in rad."""
        th, ph = np.broadcast_arrays(np.asarray(theta, float), np.asarray(phi, float))
        return evaluate(self.arrays, th.ravel(), ph.ravel()).reshape(th.shape + (10,))

    def K_and_sigma(self, m):
        """(K(m) (..., 3, 2) in 1/(V m), sigma(m) (..., 2, 2) in S) for unit vectors m (..., 3)."""
        m = v.finite_array("m", m)
        if m.ndim == 0 or m.shape[-1] != 3:
            raise ValueError(f"`m` must have shape (..., 3), got {m.shape}")
        norm = np.linalg.norm(m, axis=-1)
        if np.any(np.abs(norm - 1) > 1e-6):
            raise ValueError(f"`m` must be unit vectors (|m| = 1 within 1e-6), got |m| = "
                             f"{float(np.ravel(norm)[np.argmax(np.abs(np.ravel(norm) - 1))]):.6g}")
        theta, phi = spinorbit.angles(m)
        return schema.unflatten(self.values_at(theta, phi))

    def K(self, m):
        """Spin-density response K(m) (..., 3, 2) in 1/(V m)."""
        return self.K_and_sigma(m)[0]

    def sigma(self, m):
        """Sheet conductivity sigma(m) (..., 2, 2) in S."""
        return self.K_and_sigma(m)[1]

    def kernel_arrays(self):
        """The interpolant as plain arrays for :mod:`llgsot.dynamics.sphere_kernel`: the dict
        of :func:`interpolant_arrays` plus "delta_xc_J" (J)."""
        from ...constants import EV

        return {**self.arrays, "delta_xc_J": self.delta_xc * EV}

    def __repr__(self):
        a = self.dataset.attrs
        return (f"SphereTable({self.n_lines} azimuth lines, {a.get('point_group')}, "
                f"{int(np.sum(self.dataset['n_nodes'].values))} nodes, "
                f"error estimate {self.error_estimate:.2g})")
