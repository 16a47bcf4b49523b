"""Build a sphere table: an adaptive, jump-aware grid over (theta, phi) from a callable.

The callable has the form ``response`` will have for models without full rotational
symmetry: ``f(theta, phi) -> (K (M, 3, 2), sigma (M, 2, 2), K_err, sigma_err)`` at the
angles (M,) (rad), lab frame, K in 1/(V m) and sigma in S.

Theta. Every azimuth line is refined as the 1D builder refines its theta grid
(:mod:`llgsot.tables.build`): each round solves the midpoints of unverified intervals and
compares them with the line's interpolant built without them (held-out midpoints, relative
to each component's largest magnitude); an interval is verified when that error is at most
ACCEPT_FACTOR x tol; an interval whose difference does not shrink on halving is bisected to
JUMP_BRACKET (1e-7 rad) and stored as a jump bracket of width JUMP_WIDTH centred there (the
steep side of a band edge next to the step then lines up between lines). A line starts from
N_INIT_FINE nodes when its target is below FINE_BELOW (N_INIT otherwise). The lines' nodes
and jumps are their own.

Phi. Lines sit on the dyadic grid ph = 2 pi i / G, G = L0 2^D with 2 pi / G ~ PHI_BRACKET
(2e-4 rad), starting with L0 equispaced lines (the smallest multiple of the group's
:meth:`~llgsot.tables.sphere.group.PointGroup.min_lines` that is >= 8). Each round tests every
unverified azimuth cell (the interval between neighbouring lines) by solving the line at its
midpoint and comparing it with the interpolant of the lines without it (away from the jumps,
relative as in theta), and halves only the cells that fail: a cell is verified when that
error is at most ACCEPT_FACTOR x tol, its two lines and the new one have the same number of
jumps, and the interpolated jump curves predict the new line's jumps to JUMP_POSITION_TOL
(1e-3 rad). A cell that still fails at the narrowest width is "unresolved" (its held-out
error enters the estimate, with a RuntimeWarning) or, when the jump count changes across it
or its jump positions are not resolved, a bracket: the end of a jump curve (or two curves
meeting). The unresolved cells in an unbroken run with a bracket join it: where a jump curve
ends a band edge meets the Fermi level, a point where the response is not smooth in phi
either. The brackets (merged runs) are listed in the attribute ``phi_brackets`` (pairs of
azimuths, rad); the stated error does not apply there (as within JUMP_WIDTH of a jump in
theta). Groups with continuous rotation need a single line (the 1D table, in the co-rotating
frame).

Error. Between lines the interpolant errs by the theta error of the lines read plus the phi
error of the interpolation between them, so each is refined to tol / 2 (one line: tol) and the
stated ``interpolation_error_estimate`` is (heldout_error_theta + heldout_error_phi) /
ACCEPT_FACTOR.

Symmetry. Only one line per orbit of the point group is computed; the others follow from
K(g m) = det(R) R K(m) R2^T, sigma(g m) = R2 sigma(m) R2^T (:mod:`.group`). The poles are
computed once (at phi = 0) and shared by every line.
"""
from __future__ import annotations

import datetime as _dt
import math
import warnings

import numpy as np

from ... import __version__
from ... import _validate as v
from .. import schema as s1
from ..grid import ACCEPT_FACTOR, JUMP_WIDTH, MIN_WIDTH, _scales, _split
from ..hermite import bessel_slopes, hermite_eval
from . import schema
from .group import PointGroup
from .table import (TWO_PI, cells, evaluate, interpolant_arrays, jump_curves, opposite_lines,
                    remainder, to_body)

#: initial nodes of a line on [0, pi]: pi / 16 apart, or pi / 64 when the line's target error
#: is below FINE_BELOW. From pi / 16 at tol 1e-4 (target 5e-5), held-out midpoints accepted
#: 0.1 rad intervals whose halves then erred by 1.6e-4, not the held-out 2e-4 / 4 (Fig. 4 RD,
#: 4.5 meV, theta = 0.2-0.4); from pi / 64 five test lines met their target (dense direct
#: solves), for ~35 more solves per line. Coarser targets do not see such features.
N_INIT, N_INIT_FINE, FINE_BELOW = 17, 65, 5e-4
MIN_INITIAL_LINES = 8
PHI_BRACKET = 2e-4  # rad: azimuth cells are halved down to about this width (the grid 2 pi / G)
JUMP_POSITION_TOL = 1e-3  # rad: a cell is verified only if it predicts its new line's jumps this well
#: rad: a jump on a line is bracketed by bisection down to this width (the 1D tables stop at
#: JUMP_WIDTH = 1e-4). Next to a band-edge jump the response is steep (~1/sqrt of the distance);
#: lines whose jump positions are known to +-JUMP_WIDTH / 2 misalign that steep side when
#: interpolated in phi (errors ~1e-3 at 2e-4-5e-4 rad from the jump, Fig. 4 RD at 4.5 meV), at
#: +-JUMP_BRACKET / 2 they do not (1e-6). Costs ~20 solves per jump and line.
JUMP_BRACKET = 1e-7


class _Solver:
    """Calls f on batches of (theta, phi), caches every point, counts the calls; the poles
    (theta = 0, pi) are solved once at phi = 0."""

    def __init__(self, f, max_calls):
        self.f = f
        self.max_calls = max_calls
        self.calls = 0
        self.cache = {}

    def solve(self, points):
        """points: list of (theta, phi). Returns (rows (M, 10), errors (M, 10)), lab frame."""
        keys = [(0.0 if t == 0.0 else math.pi, 0.0) if t in (0.0, math.pi) else (float(t), float(p))
                for t, p in points]
        todo = sorted({k for k in keys if k not in self.cache})
        if todo:
            th = np.array([k[0] for k in todo])
            ph = np.array([k[1] for k in todo])
            K, S, Ke, Se = self.f(th, ph)
            rows = s1.flat_values(np.asarray(K, float), np.asarray(S, float))
            errs = s1.flat_values(np.asarray(Ke, float), np.asarray(Se, float))
            if rows.shape != (len(todo), 10) or errs.shape != rows.shape:
                raise ValueError(f"the callable must return K (M, 3, 2), sigma (M, 2, 2) and their "
                                 f"errors for M = {len(todo)} angles, got rows of shape {rows.shape}")
            if not (np.all(np.isfinite(rows)) and np.all(np.isfinite(errs))):
                raise ValueError("the callable returned a non-finite K or sigma")
            for k, r, e in zip(todo, rows, errs):
                self.cache[k] = (r, e)
            self.calls += len(todo)
        return (np.array([self.cache[k][0] for k in keys]), np.array([self.cache[k][1] for k in keys]))


class _Line:
    """The theta nodes of one azimuth line with their verification state (as build._Grid)."""

    def __init__(self, phi, tol):
        self.phi = phi
        self.nodes = list(np.linspace(0.0, math.pi, N_INIT_FINE if tol < FINE_BELOW else N_INIT))
        self.state = {}
        self.worst = 0.0
        self.unresolved = []

    def pending(self):
        ts = sorted(self.nodes)
        return [(a, b) for a, b in zip(ts[:-1], ts[1:]) if self.state.get((a, b)) not in ("ok", "jump")]

    def centre_bracket(self, a, b):
        """The jump found in (a, b) (<= JUMP_BRACKET wide) gets the bracket of width JUMP_WIDTH
        centred on it: the nodes inside are dropped, the intervals beside it are new (to be
        verified). Its midpoint is the jump to JUMP_BRACKET / 2, and the steep side of a band
        edge next to the step is treated as in the 1D tables (nodes from JUMP_WIDTH / 2 on,
        where Bessel slopes do not reach across the steepest part). Kept as it is next to a
        pole or another jump."""
        c, h = 0.5 * (a + b), 0.5 * JUMP_WIDTH
        lo, hi = c - h, c + h
        near = [k for k, st in self.state.items() if k[1] > lo and k[0] < hi and k != (a, b)]
        if lo <= 0.0 or hi >= math.pi or any(self.state[k] in ("jump", "hunt") for k in near):
            return
        self.nodes = [t for t in self.nodes if not lo <= t <= hi] + [lo, hi]
        for k in near + [(a, b)]:
            del self.state[k]
        self.state[(lo, hi)] = "jump"

    def merge_close_jumps(self):
        """Two jump brackets closer than 2 JUMP_WIDTH are one jump seen twice (a steep side
        of a band edge next to the step): the nodes between them are dropped and the joined
        interval is the bracket, so every line shows the jump once."""
        jumps = sorted(k for k, s in self.state.items() if s == "jump")
        for (a1, b1), (a2, b2) in zip(jumps[:-1], jumps[1:]):
            if a2 - b1 <= 2 * JUMP_WIDTH and self.state.get((a1, b1)) == "jump":
                self.nodes = [t for t in self.nodes if not a1 < t < b2]
                for k in [k for k in self.state if a1 <= k[0] and k[1] <= b2]:
                    del self.state[k]
                self.state[(a1, b2)] = "jump"
                return self.merge_close_jumps()

    def arrays(self, solver, hunted=False):
        """(theta, lab rows, errors, jump_after) of the line's current nodes; ``hunted``: the
        intervals still being bisected count as jumps (the held-out tests must not read
        across a jump that is being located)."""
        ts = np.array(sorted(self.nodes))
        rows, errs = solver.solve([(t, self.phi) for t in ts])
        jumps = {k for k, s in self.state.items() if s == "jump" or hunted and s == "hunt"}
        return ts, rows, errs, np.array([(a, b) in jumps for a, b in zip(ts[:-1], ts[1:])], bool)


def _refine(lines, solver, tol, poles):
    """Refine the lines' theta grids together (one batch of solves per round). The scale
    of the relative errors is that of all the lines' current nodes (as the 1D builder's);
    each line's part of it is kept until the line changes."""
    peaks = {}  # id(line) -> per-component max |body row| of its current nodes
    while True:
        todo = [(ln, ln.pending()) for ln in lines]
        todo = [(ln, p) for ln, p in todo if p]
        if not todo:
            return
        if solver.calls >= solver.max_calls:
            warnings.warn(f"sphere table build stopped at max_calls={solver.max_calls} with "
                          f"{sum(len(p) for _, p in todo)} theta intervals unverified",
                          RuntimeWarning, stacklevel=3)
            return
        interp = {}
        for ln, _ in todo:
            ts, rows, _, fj = ln.arrays(solver, hunted=True)
            r = remainder(rows, ts, ln.phi, poles)
            interp[id(ln)] = (ts, r, bessel_slopes(ts, r, fj), fj, dict(zip(ts, r)))
            peaks[id(ln)] = np.abs(to_body(rows, ln.phi)).max(axis=0)
        scale = _scales(np.array([peaks[id(ln)] for ln in lines]))
        mids = [0.5 * (np.array([a for a, _ in p]) + np.array([b for _, b in p])) for _, p in todo]
        rows, _ = solver.solve([(m, ln.phi) for (ln, _), ms in zip(todo, mids) for m in ms])
        found = []
        start = 0
        for (ln, pend), ms in zip(todo, mids):
            ts, r, d, fj, at = interp[id(ln)]
            new = rows[start:start + len(ms)]
            start += len(ms)
            fms = remainder(new, ms, ln.phi, poles)
            peaks[id(ln)] = np.maximum(peaks[id(ln)], np.abs(to_body(new, ln.phi)).max(axis=0))
            errs = np.max(np.abs(hermite_eval(ts, r, d, fj, ms) - fms) / scale, axis=1)
            for (a, b), m, fm, err in zip(pend, ms, fms, errs):
                narrow_hunt = ln.state.get((a, b)) == "hunt" and b - a <= JUMP_WIDTH
                _split(ln, a, b, float(m), at[a], fm, at[b], float(err), scale, tol)
                for side in ((a, float(m)), (float(m), b)):
                    state = ln.state.get(side)
                    if state is None and narrow_hunt:  # beside the jump, inside the bracket to
                        ln.state[side] = "ok"          # be centred on it (see centre_bracket)
                    elif state == "jump" and side[1] - side[0] > JUMP_BRACKET:
                        ln.state[side] = "hunt"  # bisect the jump on to JUMP_BRACKET
                    elif state == "jump":
                        found.append((ln, side))
        for ln, side in found:  # after the round: its other intervals may reach into the bracket
            ln.centre_bracket(*side)


def _derive(line, R, flip, poles):
    """The line g maps ``line`` = (theta, rows, errors, jump_after) onto (lab frame)."""
    th, rows, errs, jump = line
    K, S = s1.unflatten(rows)
    Ke, Se = s1.unflatten(errs)
    rows = s1.flat_values(*PointGroup.transform(R, K, S))
    errs = s1.flat_values(*PointGroup.transform(R, Ke, Se, absolute=True))
    if flip:
        th, rows, errs, jump = math.pi - th[::-1], rows[::-1], errs[::-1], jump[::-1]
    th = th.copy()
    th[0], th[-1] = 0.0, math.pi
    rows = rows.copy()
    rows[0], rows[-1] = poles  # shared exactly (the symmetry holds there to the solver's error)
    return th, rows, errs, jump


def _lines_at(indices, G, group, solver, tol, poles):
    """Solve the representative lines of ``indices`` (on the grid 2 pi i / G) and derive the
    rest of their orbits. Returns ({index: (theta, rows, errors, jump_after)}, worst,
    unresolved, computed)."""
    orbits = group.orbits(list(indices), G)
    reps = {k: _Line(TWO_PI * k / G, tol) for k in orbits}
    _refine(list(reps.values()), solver, tol, poles)
    for ln in reps.values():
        ln.merge_close_jumps()
    out = {}
    for k, members in orbits.items():
        ln = reps[k]
        base = ln.arrays(solver)
        for j, R, flip in members:
            out[j] = base if j == k else _derive(base, R, flip, poles)
    worst = max((ln.worst for ln in reps.values()), default=0.0)
    unresolved = [u for ln in reps.values() for u in ln.unresolved]
    return out, worst, unresolved, len(reps)


def _cell_images(cell, maps, G):
    """The cells (a', b') the group maps the cell (a, b) (line indices, b <= G) onto."""
    a, b = cell
    out = set()
    for R, img, _ in maps:
        start = int(img[a % G]) if PointGroup.angle_action(R)[1] > 0 else int(img[b % G])
        out.add((start, start + b - a))
    return out


def _cell_heldout(arr, phi, line, scale):
    """The interpolant ``arr`` (built without ``line``) against the new line (theta, rows,
    errors, jump_after) at azimuth ``phi``: (relative error away from the jumps, error of the
    jump positions (rad; inf if the jump counts differ), predicted jump count)."""
    th, rows, _, jump = line
    pred = evaluate(arr, th, np.full(len(th), phi))
    own = 0.5 * (th[:-1] + th[1:])[jump]
    k, k1, w = cells(arr, np.array([phi]))
    T = jump_curves(arr, k, k1, w)[0][0][:int(arr["jump_counts"][k[0]])] if arr["jumps"].shape[1] else np.zeros(0)
    if len(T) == len(own):
        margin = np.abs(T - own) + 2 * JUMP_WIDTH
        jerr = float(np.max(np.abs(T - own), initial=0.0))
        centres, margins = np.concatenate([own, T]), np.concatenate([margin, margin])
    else:
        jerr = math.inf
        centres = np.concatenate([own, T])
        margins = np.full(len(centres), 0.05)
    far = np.all(np.abs(th[:, None] - centres[None, :]) > margins[None, :], axis=1)
    e = np.abs(to_body(pred, phi) - to_body(rows, phi)) / scale
    return float(np.max(e[far], initial=0.0)), jerr, len(T)


def _local_interpolant(lines, idx, cells_, G):
    """The interpolant of the lines ``idx`` (sorted grid indices) as the held-out tests of
    ``cells_`` see it, built from the lines it reads there: two lines before and three after
    each cell's first line (the phi-derivatives' stencils), and two on each side of their
    opposite lines (the pole slopes); the subset is broken where it skips lines, so that it
    equals the full interpolant in those cells. All the lines where that is most of them."""
    L = len(idx)
    phi = TWO_PI * np.array(idx) / G
    pos = {i: n for n, i in enumerate(idx)}
    opp = opposite_lines(phi)
    keep = set()
    for a, _ in cells_:
        for j in range(pos[a] - 2, pos[a] + 4):
            keep.add(j % L)
            if opp[j % L] >= 0:
                keep.update((opp[j % L] + o) % L for o in range(-2, 3))
    sub = sorted(keep) if 2 * len(keep) < L else list(range(L))
    breaks = np.array([(b - a) % L != 1 for a, b in zip(sub, sub[1:] + sub[:1])]) if len(sub) < L else None
    return interpolant_arrays([(lines[idx[n]][0], lines[idx[n]][1], lines[idx[n]][3]) for n in sub],
                              phi[sub], breaks)


def _refine_phi(lines, G, group, solver, tol, poles, max_lines):
    """Halve the azimuth cells (between neighbouring lines, indices on the grid 2 pi i / G)
    whose held-out test fails, until every cell is verified or as narrow as the grid allows.
    Returns (lines, {cell: (state, held-out error, jump-position error)}, worst, unresolved,
    computed) for the lines added; state "ok", "unresolved" (at the narrowest width, missing
    tol), "bracket" (at the narrowest width, the jump structure changes or its positions are
    not resolved) or None (pending when max_lines / max_calls stopped the build)."""
    maps = group.line_map(G)
    cellinfo = {}
    worst, unresolved, computed = 0.0, [], 0
    while True:
        idx = sorted(lines)
        todo = [c for c in zip(idx, idx[1:] + [G]) if cellinfo.get(c, (None,))[0] is None]
        if not todo:
            break
        if len(lines) + len(todo) > max_lines:
            warnings.warn(f"sphere table: {len(todo)} azimuth cells miss tol={tol:g} in phi and "
                          f"max_lines={max_lines} forbids halving them ({len(lines)} lines)",
                          RuntimeWarning, stacklevel=3)
            break
        if solver.calls >= solver.max_calls:
            warnings.warn(f"sphere table build stopped at max_calls={solver.max_calls} with "
                          f"{len(todo)} azimuth cells unverified", RuntimeWarning, stacklevel=3)
            break
        reps, seen = [], set()
        for c in todo:
            if c not in seen:
                imgs = _cell_images(c, maps, G)
                seen |= imgs
                reps.append((c, imgs))
        arr = _local_interpolant(lines, idx, [c for c, _ in reps], G)
        scale = _scales(np.concatenate([to_body(lines[i][1], TWO_PI * i / G) for i in idx]))
        mids = [(a + b) // 2 for (a, b), _ in reps]
        new, w, u, c = _lines_at(mids, G, group, solver, tol, poles)
        worst, unresolved, computed = max(worst, w), unresolved + u, computed + c
        for ((a, b), imgs), m in zip(reps, mids):
            e, je, n_pred = _cell_heldout(arr, TWO_PI * m / G, new[m], scale)
            counts = {int(np.sum(x[3])) for x in (lines[a], lines[b % G], new[m])}
            je = je if len(counts) == 1 else math.inf
            if je <= JUMP_POSITION_TOL and e <= ACCEPT_FACTOR * tol:
                state = "ok"
            elif b - a <= 2:
                state = "unresolved" if je <= JUMP_POSITION_TOL else "bracket"
            else:
                state = None
            for ia, ib in imgs:
                im = (ia + ib) // 2
                cellinfo[(ia, im)] = cellinfo[(im, ib)] = (state, e, je)
        lines.update(new)
    return lines, cellinfo, worst, unresolved, computed


def _runs(flags):
    """Maximal runs of consecutive True in a periodic list of flags: lists of indices."""
    n = len(flags)
    if all(flags):
        return [list(range(n))]
    start = next(i for i in range(n) if not flags[i])  # begin at a False: no run wraps
    runs, cur = [], []
    for j in range(1, n + 1):
        i = (start + j) % n
        if flags[i]:
            cur.append(i)
        elif cur:
            runs.append(cur)
            cur = []
    return runs


def build_sphere_table(f, group: PointGroup, tol: float = 1e-4, n_lines: int | None = None,
                       max_lines: int = 4096, max_calls: int = 200000, delta_xc: float | None = None,
                       attrs: dict | None = None):
    """Tabulate K and sigma over the sphere from a callable, adaptively in theta and phi.

    Parameters
    ----------
    f : callable
        ``f(theta, phi) -> (K, sigma, K_err, sigma_err)`` for angles (M,) in rad: K (M, 3, 2)
        in 1/(V m) and sigma (M, 2, 2) in S in the lab frame at m = (sin th cos ph,
        sin th sin ph, cos th), and their absolute error estimates.
    group : PointGroup
        The point group of the model (:mod:`llgsot.tables.sphere.group`); only one line per
        orbit is computed. Use :func:`~llgsot.tables.sphere.group.trivial` for none.
    tol : float
        Target relative interpolation error (per component, of its largest magnitude;
        1e-8 <= tol <= 1e-1). The lines are refined in theta, and the cells in phi, to tol / 2
        each (a single line: tol), since the two errors add up; the stated error
        ``interpolation_error_estimate`` is (heldout_error_theta + heldout_error_phi) / 4.
    n_lines : int, optional
        Start with this many equispaced azimuth lines (a multiple of ``group.min_lines()``);
        default the smallest such multiple >= 8 (1 for continuous rotation).
    max_lines : int
        Stop halving azimuth cells when the table would exceed this many lines (with a
        RuntimeWarning).
    max_calls : int
        Safety limit on the number of (theta, phi) points solved.
    delta_xc : float, optional
        Exchange splitting Delta_xc (eV), needed by the torque field; default
        ``attrs["delta_xc"]``.
    attrs : dict, optional
        Model and provenance attributes for the file (e.g. ``model.as_dict()``).

    Returns
    -------
    xarray.Dataset
        A sphere table (:mod:`llgsot.tables.sphere.schema`).
    """
    if not callable(f):
        raise TypeError(f"`f` must be callable f(theta, phi) -> (K, sigma, K_err, sigma_err), got "
                        f"{type(f).__name__}")
    if not isinstance(group, PointGroup):
        raise TypeError(f"`group` must be a PointGroup, got {type(group).__name__}")
    tol = v.in_range("tol", tol, 1e-8, 1e-1)
    max_lines = v.count("max_lines", max_lines)
    max_calls = v.count("max_calls", max_calls)
    attrs = dict(attrs or {})
    if delta_xc is None and "delta_xc" not in attrs:
        raise ValueError("`delta_xc` (eV) is needed: pass it or attrs['delta_xc']")
    if delta_xc is not None:
        attrs["delta_xc"] = v.positive("delta_xc", delta_xc, "eV")
    base = group.min_lines()
    if n_lines is None:
        n_lines = 1 if group.continuous_rotation else base * math.ceil(MIN_INITIAL_LINES / base)
    n_lines = v.count("n_lines", n_lines)
    group.line_map(n_lines)  # refuses an incompatible count, naming the group
    depth = 0 if group.continuous_rotation else max(1, math.ceil(math.log2(TWO_PI / (n_lines * PHI_BRACKET))))
    G = n_lines * 2 ** depth

    solver = _Solver(f, max_calls)
    prow, _ = solver.solve([(0.0, 0.0), (math.pi, 0.0)])
    part = tol if group.continuous_rotation else 0.5 * tol  # theta and phi errors add up
    lines, worst, unresolved, computed = _lines_at(range(0, G, 2 ** depth), G, group, solver, part, prow)
    phi_err, jump_err, brackets, phi_unresolved = 0.0, 0.0, [], []
    if not group.continuous_rotation:
        lines, info, w, u, c = _refine_phi(lines, G, group, solver, part, prow, max_lines)
        worst, unresolved, computed = max(worst, w), unresolved + u, computed + c
        idx = sorted(lines)
        allcells = list(zip(idx, idx[1:] + [G]))
        states = [info.get(c, (None, math.nan, math.nan)) for c in allcells]
        bad = [st == "bracket" or je == math.inf for st, _, je in states]
        for run in _runs([b or st == "unresolved" for b, (st, _, _) in zip(bad, states)]):
            if any(bad[i] for i in run):  # the end of a jump curve and the cells beside it
                for i in run:            # that could not be resolved: one bracket
                    bad[i] = True
        for cell, (state, e, je), b in zip(allcells, states, bad):
            if b:
                if brackets and brackets[-1][1] == cell[0]:
                    brackets[-1] = (brackets[-1][0], cell[1])
                else:
                    brackets.append(cell)
                continue
            phi_err, jump_err = max(phi_err, e), max(jump_err, je)
            if state == "unresolved":
                phi_unresolved.append(cell)
        if phi_unresolved:
            warnings.warn(f"{len(phi_unresolved)} azimuth cells of {TWO_PI / G:.2g} rad still miss tol={tol:g} "
                          f"(held-out error {phi_err:.2g} included in the estimate)", RuntimeWarning,
                          stacklevel=2)
    if unresolved:
        warnings.warn(f"{len(unresolved)} theta intervals narrower than {MIN_WIDTH} rad still miss "
                      f"tol={tol:g} (worst {max(x[2] for x in unresolved):.2g})", RuntimeWarning,
                      stacklevel=2)
    idx = sorted(lines)
    phi = TWO_PI * np.array(idx) / G
    lines = [lines[i] for i in idx]
    aligned = len({int(np.sum(j)) for _, _, _, j in lines}) == 1
    est = (worst + phi_err) / ACCEPT_FACTOR
    attrs.update({
        **group.as_attrs(), "tol": tol, "heldout_error_theta": worst, "heldout_error_phi": phi_err,
        "jump_position_error": jump_err, "interpolation_error_estimate": est,
        "phi_brackets": np.array([TWO_PI * x / G for cell in brackets for x in cell], float),
        "phi_unresolved": np.array([TWO_PI * x / G for cell in phi_unresolved for x in cell], float),
        "phi_grid": G, "solver_calls": solver.calls, "lines_computed": computed,
        "jumps_aligned": int(aligned), "llgsot_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "conventions": "docs/physics.md and docs/tables.md (sphere tables): Pauli spin density, "
                       "electron charge e < 0, K(theta, phi) in the lab frame",
        "title": "llgsot sphere torque table",
    })
    return schema.make_dataset([(t, r, j) for t, r, _, j in lines], [e for _, _, e, _ in lines], attrs,
                               phi=phi)
