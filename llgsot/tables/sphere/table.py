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
4. Azimuth cells. The lines sit at phi_0 = 0 < phi_1 < ... < 2 pi (any spacing; built tables
   refine it locally on a dyadic grid). The cell holding ph (between lines k and k+1, the
   last one wrapping to 2 pi) is found in O(1) from a uniform index over azimuth
   (:func:`cell_index`). If its two lines have the same number J of jumps, they are
   interpolated as in 5. and 6.; if not (a jump curve ends inside the cell, the builder has
   bracketed it to ~2e-4 rad) the nearer line alone is read, jumps and all.
5. Jumps move with phi. At (th, ph) the jump positions T_j are interpolated in phi as in
   6. (kept ordered and in [0, pi]); th in piece p (T_p <= th < T_(p+1), T_0 = 0,
   T_(J+1) = pi) is mapped linearly onto piece p of each line read, so no line is read
   across its jump.
6. Phi. Cubic Hermite between the two lines of the cell, with the phi-derivative g of each
   line stored beside it (columns 10-19): g is the derivative of the polynomial through the
   line and up to two neighbours on each side that have its number of jumps, read at the
   same relative position between the jumps (:func:`derivative_stencils`: on equispaced
   lines the centred fourth-order difference), interpolated along the line like r. C1 in
   phi within a run of lines with equal jump counts.
"""
from __future__ import annotations

import math

import numpy as np

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


def hermite_weights(u, h):
    """Weights (..., 4) of value k, slope k, value k+1, slope k+1 of the cubic Hermite
    interpolant at fraction u of a cell of width h."""
    u = np.asarray(u, float)
    u2 = u * u
    u3 = u2 * u
    return np.stack([2 * u3 - 3 * u2 + 1, (u3 - 2 * u2 + u) * h, -2 * u3 + 3 * u2, (u3 - u2) * h], -1)


def cell_compatible(counts):
    """(L,) bool: cell l (lines l and l + 1, periodic) joins lines with equal jump counts."""
    counts = np.asarray(counts)
    return counts == np.roll(counts, -1)


def derivative_stencils(phi, compat):
    """d/dphi at each line: [(lines (n,), weights (n,) in 1/rad)], the derivative at phi_l of
    the polynomial through line l and up to two neighbours on each side (centred fourth order
    where all four exist; on an equispaced grid the usual centred differences), taken only
    across cells whose lines have the same number of jumps (one-sided at the ends of such a
    run; ``compat`` (L,) from :func:`cell_compatible`). Neighbour o is used if 2|o| < L
    (distinct lines)."""
    phi = np.asarray(phi, float)
    L = len(phi)
    out = []
    for ell in range(L):
        idx, x = [ell], [0.0]
        for sgn in (1, -1):
            for o in (1, 2):
                cell = (ell + o - 1) % L if sgn > 0 else (ell - o) % L
                if 2 * o >= L or not compat[cell]:
                    break
                j = (ell + sgn * o) % L
                idx.append(j)
                x.append(sgn * ((sgn * (phi[j] - phi[ell])) % TWO_PI))
        x = np.array(x)
        if len(x) == 1:
            w = np.zeros(1)
        else:
            s = np.max(np.abs(x))
            rhs = np.zeros(len(x))
            rhs[1] = 1.0
            w = np.linalg.solve(np.vander(x / s, len(x), increasing=True).T, rhs) / s
        out.append((np.array(idx), w))
    return out


def opposite_lines(phi):
    """(L,) index of the line at phi_l + pi, -1 where there is none (one line: itself)."""
    phi = np.asarray(phi, float)
    L = len(phi)
    if L == 1:
        return np.zeros(1, np.int64)
    target = (phi + math.pi) % TWO_PI
    j = np.searchsorted(phi, target) % L
    out = np.full(L, -1, np.int64)
    for cand in (j, (j - 1) % L):
        d = np.abs((phi[cand] - target + math.pi) % TWO_PI - math.pi)
        out = np.where((out < 0) & (d < 1e-9), cand, out)
    return out


def cell_index(phi):
    """A uniform index over azimuth: (G,) int, entry b the cell holding 2 pi b / G (the last
    line at or below it). G is the common denominator of phi_l / 2 pi (the lines of a built
    table sit on a dyadic grid, so every bin lies inside one cell); for other lines G = 65536
    and a lookup steps to the right cell (:func:`locate`)."""
    from fractions import Fraction

    phi = np.asarray(phi, float)
    G = 1
    for x in phi / TWO_PI:
        fr = Fraction(float(x)).limit_denominator(1 << 20)
        if abs(float(fr) - x) > 1e-13 or math.lcm(G, fr.denominator) > (1 << 20):
            G = 1 << 16
            break
        G = math.lcm(G, fr.denominator)
    edges = TWO_PI * np.arange(G) / G
    return np.maximum(np.searchsorted(phi, edges, side="right") - 1, 0).astype(np.int64)


def locate(arr, phi):
    """The cell k (M,) holding azimuths phi (M,) in [0, 2 pi): the index table, then a step
    to the neighbouring cell where rounding (or lines off the table's grid) put phi there."""
    lines, index = arr["phi"], arr["index"]
    L, G = len(lines), len(index)
    k = index[np.minimum((phi * (G / TWO_PI)).astype(np.int64), G - 1)]
    for _ in range(L):
        up = (k + 1 < L) & (lines[np.minimum(k + 1, L - 1)] <= phi)
        down = (k > 0) & (lines[k] > phi)
        if not (up.any() or down.any()):
            break
        k = k + up - down
    return k


def _pole_slopes(lines, opp, vals_per_line, slopes_per_line):
    """Centre the pole slopes through the opposite line (r(-th, ph) = P0 r(th, ph + pi)),
    in place, for the lines that have one, where neither end interval brackets a jump."""
    par = np.tile(schema.PARITY_ZERO, vals_per_line[0].shape[1] // 10)
    for ell, (th, _, jump) in enumerate(lines):
        o = opp[ell]
        if o < 0:
            continue
        to, jo = np.asarray(lines[o][0], float), np.asarray(lines[o][2], bool)
        r, ro, d = vals_per_line[ell], vals_per_line[o], slopes_per_line[ell]
        for end, i1, sgn in ((0, 1, 1.0), (-1, -2, -1.0)):
            if jump[end] or jo[end]:  # the end interval of either line brackets a jump
                continue
            hl = abs(to[end] - to[i1])
            hr = abs(th[i1] - th[end])
            sl = (r[end] - par * ro[i1]) / hl
            sr = (r[i1] - r[end]) / hr
            d[end] = sgn * (hr * sl + hl * sr) / (hl + hr)


def _node_forms(lines, vals_per_line, slopes_per_line):
    """Padded node form: jumps as repeated nodes at the bracket midpoints (left and right
    limits, zero slopes), pieces between jumps, jump positions. Lines with fewer jumps than
    the most are padded: their last piece repeated, their missing jumps at pi."""
    forms = []
    for (th, _, jump), r, d in zip(lines, vals_per_line, slopes_per_line):
        C = r.shape[1]
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
                ns += [np.zeros(C), np.zeros(C)]
                hi.append(len(nt) - 2)
                lo.append(len(nt) - 1)
        hi.append(len(nt) - 1)
        forms.append((np.array(nt), np.array(nv), np.array(ns), lo, hi, jpos))
    L = len(lines)
    n = max(len(f[0]) for f in forms)
    P = max(len(f[3]) for f in forms)
    C = vals_per_line[0].shape[1]
    out = {"nodes": np.full((L, n), math.pi), "values": np.zeros((L, n, C)),
           "slopes": np.zeros((L, n, C)), "count": np.zeros(L, np.int64),
           "piece_lo": np.zeros((L, P), np.int64), "piece_hi": np.zeros((L, P), np.int64),
           "jumps": np.full((L, P - 1), math.pi)}
    for ell, (nt, nv, ns, lo, hi, jpos) in enumerate(forms):
        c = len(nt)
        out["nodes"][ell, :c] = nt
        out["values"][ell, :c] = nv
        out["values"][ell, c:] = nv[-1]
        out["slopes"][ell, :c] = ns
        out["count"][ell] = c
        out["piece_lo"][ell] = lo + [lo[-1]] * (P - len(lo))
        out["piece_hi"][ell] = hi + [hi[-1]] * (P - len(hi))
        out["jumps"][ell, :len(jpos)] = jpos
    return out


def _read(arr, ell, p, theta, A, B):
    """Lines ``ell`` (M,) read in piece ``p`` (M,) at theta (M,) mapped from [A, B] (the
    piece at the azimuth asked for) onto the line's own piece: (M, C) cubic Hermite values."""
    nodes, vals, slopes = arr["nodes"], arr["values"], arr["slopes"]
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
    return ((2 * s3 - 3 * s2 + 1) * f0 + (s3 - 2 * s2 + s) * d0 + (-2 * s3 + 3 * s2) * f1
            + (s3 - s2) * d1)


def interpolant_arrays(lines, phi=None, breaks=None):
    """The interpolant of a set of lines as plain (padded) arrays.

    Parameters
    ----------
    lines : list of (theta (n,), values (n, 10), jump_after (n-1,))
        Line l: nodes (rad, strictly increasing, from 0 to pi), lab-frame rows
        (:data:`llgsot.tables.schema.TABLE_COLUMNS`: K in 1/(V m), sigma in S) and the jump
        flags of the intervals. Lines must share the pole rows.
    phi : array (L,), optional
        Azimuths of the lines (rad, strictly increasing from 0, below 2 pi); default the
        equispaced 2 pi l / L.
    breaks : array (L,) of bool, optional
        Cells (line l to l + 1) not to interpolate across, as if their jump counts differed:
        the builder's held-out tests use a subset of the lines, broken where it skips some.

    Returns
    -------
    dict
        "nodes" (L, N) node form (a jump as a repeated node at the bracket midpoint, padded
        with pi); "values", "slopes" (L, N, 20): the remainder r in the co-rotating frame
        (columns 0-9) and its phi-derivative g (10-19, 1/rad) and their theta-slopes; "count"
        (L,) nodes used; "piece_lo", "piece_hi" (L, P) first and last node of each piece;
        "jumps", "jump_slopes" (L, P - 1) jump positions (rad; pi beyond the line's own
        "jump_counts") and their phi-derivatives; "phi" (L,) rad; "compat" (L,) cell l
        joins lines of equal jump counts; "index" (G,) the uniform cell index
        (:func:`cell_index`); "poles" (2, 10) lab rows at +z, -z.
    """
    L = len(lines)
    lines = [(np.asarray(t, float), np.asarray(v, float), np.asarray(j, bool)) for t, v, j in lines]
    phi = TWO_PI * np.arange(L) / L if phi is None else np.asarray(phi, float)
    poles = np.array([lines[0][1][0], lines[0][1][-1]], float)
    counts = np.array([int(np.sum(j)) for _, _, j in lines], np.int64)
    rem = [remainder(vals, th, phi[ell], poles) for ell, (th, vals, _) in enumerate(lines)]
    dr = [bessel_slopes(th, r, jump) for (th, _, jump), r in zip(lines, rem)]
    opp = opposite_lines(phi)
    _pole_slopes(lines, opp, rem, dr)
    form_r = _node_forms(lines, rem, dr)
    compat = cell_compatible(counts)
    if breaks is not None:
        compat = compat & ~np.asarray(breaks, bool)
    stencils = derivative_stencils(phi, compat)
    # g = dr/dphi at each line's nodes, at fixed position within the piece between the jumps
    g = []
    for ell, (th, _, _) in enumerate(lines):
        jp = form_r["jumps"][ell, :counts[ell]]
        p = np.searchsorted(jp, th, side="right")
        ends = np.concatenate([[0.0], jp, [math.pi]])
        A, B = ends[p], ends[p + 1]
        idx, w = stencils[ell]
        gg = w[0] * rem[ell]
        for j, wj in zip(idx[1:], w[1:]):
            gg = gg + wj * _read(form_r, np.full(len(th), j), p, th, A, B)
        g.append(gg)
    dg = [bessel_slopes(th, gg, jump) for (th, _, jump), gg in zip(lines, g)]
    _pole_slopes(lines, opp, g, dg)
    both = [np.concatenate([r, gg], 1) for r, gg in zip(rem, g)]
    dboth = [np.concatenate([a, b], 1) for a, b in zip(dr, dg)]
    out = _node_forms(lines, both, dboth)
    js = np.zeros_like(out["jumps"])
    for ell, (idx, w) in enumerate(stencils):
        c = counts[ell]
        for j, wj in zip(idx, w):
            js[ell, :c] += wj * out["jumps"][j, :c]
    out.update(jump_slopes=js, poles=poles, aligned=len(set(counts.tolist())) == 1,
               jump_counts=counts, phi=phi, compat=compat, index=cell_index(phi))
    return out


def cells(arr, phi):
    """The two lines and the phi weights at azimuths phi (M,) (rad): (k, k1, w (M, 4)).
    Cubic Hermite between lines k, k + 1 where they have the same number of jumps; else the
    nearer of the two lines alone (k1 = k, w = (1, 0, 0, 0)); one line: that line."""
    phi = np.mod(np.asarray(phi, float), TWO_PI)
    phi = np.where(phi >= TWO_PI, 0.0, phi)
    lines = arr["phi"]
    L = len(lines)
    k = locate(arr, phi)
    last = k + 1 >= L
    h = np.where(last, TWO_PI, lines[np.minimum(k + 1, L - 1)]) - lines[k]
    u = (phi - lines[k]) / h
    k1 = np.where(last, 0, k + 1)
    w = hermite_weights(u, h)
    near = ~arr["compat"][k] | (L == 1)
    k = np.where(near & (u >= 0.5), k1, k)
    k1 = np.where(near, k, k1)
    w[near] = (1.0, 0.0, 0.0, 0.0)
    return k, k1, w


def jump_curves(arr, k, k1, w):
    """Jump positions (M, J) at the azimuths of :func:`cells` (kept ordered, in [0, pi];
    pi beyond the cell's own count) and the mask (M, J) of those that exist."""
    jl, js = arr["jumps"], arr["jump_slopes"]
    T = w[:, 0, None] * jl[k] + w[:, 1, None] * js[k] + w[:, 2, None] * jl[k1] + w[:, 3, None] * js[k1]
    valid = np.arange(jl.shape[1])[None, :] < arr["jump_counts"][k][:, None]
    T = np.clip(np.maximum.accumulate(np.where(valid, T, math.pi), axis=1), 0.0, math.pi)
    return T, valid


def evaluate(arr, theta, phi):
    """The interpolant of :func:`interpolant_arrays` at angles (M,) (rad): lab rows (M, 10)."""
    theta = np.clip(np.asarray(theta, float).ravel(), 0.0, math.pi)
    phi = np.asarray(phi, float).ravel()
    M = len(theta)
    k, k1, w = cells(arr, phi)
    if arr["jumps"].shape[1]:
        T, valid = jump_curves(arr, k, k1, w)
        p = np.sum((T <= theta[:, None]) & valid, axis=1)
        Tp = np.concatenate([np.zeros((M, 1)), T, np.full((M, 1), math.pi)], 1)
        A = np.take_along_axis(Tp, p[:, None], 1)[:, 0]
        B = np.take_along_axis(Tp, p[:, None] + 1, 1)[:, 0]
    else:
        p = np.zeros(M, np.int64)
        A, B = np.zeros(M), np.full(M, math.pi)
    v0 = _read(arr, k, p, theta, A, B)
    v1 = _read(arr, k1, p, theta, A, B)
    r = (w[:, 0, None] * v0[:, :10] + w[:, 1, None] * v0[:, 10:] + w[:, 2, None] * v1[:, :10]
         + w[:, 3, None] * v1[:, 10:])
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
        from ..store import check_schema, table_source
        from .schema import is_sphere_table

        source, self.source_path = table_source(source)

        if not is_sphere_table(source.attrs):
            raise ValueError("SphereTable: not a valid llgsot sphere table: llgsot_table_version "
                             f"is {source.attrs.get('llgsot_table_version')!r}, a sphere table has "
                             f"{SPHERE_TABLE_VERSION} (1D tables: llgsot.TorqueTable; llgsot.open_table "
                             "picks the interpolant by version)")
        check_schema(source, where="SphereTable")
        self.dataset = source
        self.lines = lines_from_dataset(source)
        #: azimuths of the lines (rad)
        self.phi = np.asarray(source["phi"].values, float)
        self.arrays = interpolant_arrays(self.lines, self.phi)
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
        of :func:`interpolant_arrays` plus "delta_xc" (eV), as TorqueTable's."""
        return {**self.arrays, "delta_xc": self.delta_xc}

    def __repr__(self):
        a = self.dataset.attrs
        return (f"SphereTable({self.n_lines} azimuth lines, {a.get('point_group')}, "
                f"{int(np.sum(self.dataset['n_nodes'].values))} nodes, "
                f"error estimate {self.error_estimate:.2g})")
