"""Build torque tables: the solver tabulated over the magnetization angle.

The default theta grid is adaptive. It works on [0, pi/2] and mirrors to [pi/2, pi] with
the exact parities of docs/physics.md sec. 4 item 6, so the table is exactly symmetric. Each
round solves the midpoints of the intervals not yet verified and compares them with the
interpolant built without them (held-out midpoints): an interval whose midpoint agrees to
``tol`` (relative to each component's largest magnitude) is verified, otherwise both halves
are refined. A discontinuity (the Fermi level reaching or leaving a band) shows as an
interval whose midpoint falls on one side of a difference that does not shrink on
halving; it is then bracketed by bisection to ``jump_width`` and stored as a jump.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import warnings

import numpy as np
import xarray as xr

from .. import __version__
from .. import _validate as v
from ..models import TwoBandModel, model_class
from ..checkpoint import point_key
from ..parallel import Chunk, WorkLoop, resolve_executor
from . import schema
from .hermite import bessel_slopes, hermite_eval

N_INIT = 9  # initial nodes on [0, pi/2]
JUMP_DETECT_WIDTH = 0.02  # rad: below this an interval is tested for a jump
JUMP_WIDTH = 1e-4  # rad: bracket width of a stored jump
MIN_WIDTH = 1e-5  # rad: narrowest interval refined for accuracy
CHUNK = 32  # angles per work item at most
#: An interval is accepted when the interpolant built *without* its midpoint misses the
#: solved midpoint by <= ACCEPT_FACTOR * tol. The midpoint then becomes a node, and halving
#: the spacing divides the O(h^3) Hermite error by 8, so the final error is ~tol/2 where the
#: data are smooth (measured against direct solves: docs/tables.md).
ACCEPT_FACTOR = 4.0


# -- the work item ------------------------------------------------------------------------
def _solve_chunk(model_params, eps, approximation, regime, rtol, thetas, temperature=0.0):
    """Worker: solve one parameter set at several angles (module-level, picklable).

    The solver's warnings reach the caller through the work loop (:mod:`llgsot.parallel`).
    """
    from ..solver.response import response

    params = dict(model_params)
    model = model_class(params.pop("model_kind", "rashba"))(**params)
    r = response(model, eps, np.asarray(thetas, float), approximation=approximation,
                 regime=regime, rtol=rtol, temperature=temperature)
    out = []
    for i in range(len(thetas)):
        out.append({"K": r.K[i], "K_err": r.K_err[i], "sigma": r.sigma[i], "sigma_err": r.sigma_err[i],
                    "torque": {k: float(x[i]) for k, x in r.torque.items()},
                    "torque_err": {k: float(x[i]) for k, x in r.torque_err.items()}})
    return out


class _Evaluator:
    """Solves points through the work loop (executor, checkpoint, progress), with a cache
    of every solved point and a call count. A context manager: it holds the loop."""

    def __init__(self, model, approximation, regime, rtol, executor, progress, checkpoint,
                 temperature=0.0):
        self.model = model
        self.temperature = temperature
        self.approximation = approximation
        self.regime = regime
        self.rtol = rtol
        self.calls = 0
        self.reused = 0
        header = {"model": model.as_dict(), "approximation": approximation, "regime": regime,
                  "rtol": rtol}
        if temperature:
            header["temperature"] = temperature
        self.loop = WorkLoop(executor, checkpoint=checkpoint, header=header, progress=progress,
                             desc="llgsot table", unit="solve")
        self.cache = {}

    def __enter__(self):
        self.loop.__enter__()
        self.cache = self.loop.records
        return self

    def __exit__(self, *exc):
        return self.loop.__exit__(*exc)

    def solve(self, requests):
        """requests: list of (eps, W, theta). Returns a list of records in order."""
        todo = {}
        for eps, w, th in requests:
            key = point_key(eps, w, th)
            if key in self.cache:
                continue
            todo.setdefault((float(eps), float(w)), []).append(float(th))
        self.reused += sum(1 for r in requests if point_key(*r) in self.cache)
        chunks = []
        for (eps, w), ths in todo.items():
            params = {**self.model.as_dict(), "impurity_strength": w, "model_kind": self.model.KIND}
            ths = sorted(set(ths))
            # chunks of <= CHUNK angles, at least two per worker to balance the load
            nchunk = max(min(len(ths), self.loop.workers * 2), -(-len(ths) // CHUNK))
            for part in np.array_split(np.array(ths), nchunk):
                if len(part):
                    chunks.append(Chunk((params, eps, self.approximation, self.regime, self.rtol,
                                         part.tolist(), self.temperature),
                                        keys=[point_key(eps, w, th) for th in part]))
        for chunk, recs in zip(chunks, self.loop.run(_solve_chunk, chunks)):
            self.cache.update(zip(chunk.keys, recs))
            self.calls += len(recs)
        return [self.cache[point_key(*r)] for r in requests]


# -- adaptive refinement of one parameter set ---------------------------------------------
class _Grid:
    """Nodes on [0, pi/2] of one parameter set, with their verification state."""

    def __init__(self, eps, w):
        self.eps = eps
        self.w = w
        self.nodes = list(np.linspace(0.0, math.pi / 2, N_INIT))
        self.state = {}  # interval (a, b) -> "ok" | "jump" | "hunt"
        self.worst = 0.0  # largest held-out error among verified intervals
        self.unresolved = []

    def pending(self):
        ts = sorted(self.nodes)
        return [(a, b) for a, b in zip(ts[:-1], ts[1:]) if self.state.get((a, b)) not in ("ok", "jump")]


def _mirrored(nodes, recs, jumps):
    """Full [0, pi] arrays (theta, values (N,10), jump_after) from a half grid."""
    t = np.array(nodes)
    vals = np.array([schema.flat_values(r["K"], r["sigma"]) for r in recs])
    full_t = np.concatenate([t, math.pi - t[-2::-1]])
    full_v = np.concatenate([vals, schema.PARITY_HALF_PI * vals[-2::-1]])
    half_j = np.array([(a, b) in jumps for a, b in zip(t[:-1], t[1:])], bool)
    full_j = np.concatenate([half_j, half_j[::-1]])
    return full_t, full_v, full_j


def _scales(vals):
    """Per-component magnitude scale for relative errors (floor: 1e-3 of the block max)."""
    s = np.abs(vals).max(axis=0)
    for block in (schema.K_COLUMNS, schema.SIGMA_COLUMNS):
        s[block] = np.maximum(s[block], 1e-3 * s[block].max() + 1e-300)
    return s


def _refine(grids, ev, tol, max_calls):
    while True:
        requests, where = [], []
        for g in grids:
            for a, b in g.pending():
                requests.append((g.eps, g.w, 0.5 * (a + b)))
                where.append((g, a, b))
        if not requests or ev.calls >= max_calls:
            if requests:
                warnings.warn(f"table build stopped at max_calls={max_calls} with "
                              f"{len(requests)} intervals unverified", RuntimeWarning, stacklevel=3)
            return
        # interpolants from the current nodes, before the midpoints are added
        interp = {}
        for g in grids:
            ts = sorted(g.nodes)
            recs = ev.solve([(g.eps, g.w, t) for t in ts])
            jumps = {k for k, s in g.state.items() if s == "jump"}
            ft, fv, fj = _mirrored(ts, recs, jumps)
            d = bessel_slopes(ft, fv, fj, schema.PARITY_ZERO, schema.PARITY_ZERO)
            interp[id(g)] = (ft, fv, d, fj, _scales(fv), dict(zip(ts, fv[:len(ts)])))
        mids = ev.solve(requests)
        for (g, a, b), (_, _, m), rec in zip(where, requests, mids):
            ft, fv, d, fj, scale, at = interp[id(g)]
            fm = schema.flat_values(rec["K"], rec["sigma"])
            pred = hermite_eval(ft, fv, d, fj, np.array([m]))[0]
            err = float(np.max(np.abs(pred - fm) / scale))
            _split(g, a, b, m, at[a], fm, at[b], err, scale, tol)


def _split(g, a, b, m, fa, fm, fb, err, scale, tol):
    """Add the midpoint ``m`` of the interval (a, b) to the grid ``g`` (a theta grid here, a
    sphere-table line in :mod:`llgsot.tables.sphere.build`: ``nodes``, ``state``, ``worst``,
    ``unresolved``) and mark the halves: a jump (or a hunt for one) on the side carrying the
    difference, "ok" when the interpolant's error ``err`` at m (of ``scale``) is within
    ACCEPT_FACTOR * tol or the halves are below MIN_WIDTH (then recorded as unresolved);
    else the halves stay pending. fa, fm, fb: the rows (scaled by ``scale``) at a, m, b."""
    D = float(np.max(np.abs(fb - fa) / scale))
    dl = float(np.max(np.abs(fm - fa) / scale))
    dr = float(np.max(np.abs(fb - fm) / scale))
    g.nodes.append(m)
    hunting = g.state.pop((a, b), None) == "hunt"
    if (b - a) <= JUMP_DETECT_WIDTH and D > 20 * tol and min(dl, dr) < 0.1 * D or hunting:
        side = (a, m) if dl > dr else (m, b)
        g.state[side] = "jump" if (side[1] - side[0]) <= JUMP_WIDTH else "hunt"
        return
    if err <= ACCEPT_FACTOR * tol:
        g.state[(a, m)] = g.state[(m, b)] = "ok"
        g.worst = max(g.worst, err)
    elif (b - a) / 2 < MIN_WIDTH:
        g.state[(a, m)] = g.state[(m, b)] = "ok"
        g.unresolved.append((a, b, err / ACCEPT_FACTOR))


def build_table(model: TwoBandModel, fermi_energy, theta=None, approximation: str = "tmatrix",
                regime: str = "dilute", executor=None, progress: bool = True, checkpoint=None,
                tol: float = 1e-4, rtol: float | None = None, impurity_strength=None,
                max_calls: int = 5000, temperature: float = 0.0) -> xr.Dataset:
    """Tabulate K, sigma and the torque coefficients over theta in [0, pi] (azimuth 0).

    Parameters
    ----------
    model : TwoBandModel
        The model (SI/eV parameters): a rotation-invariant one (RashbaFM, DiracFM, or a
        RashbaDresselhausFM with beta = 0); a table over theta alone cannot describe any other.
    fermi_energy : float or 1-d array
        Fermi energy (eV); an array adds a ``fermi_energy`` dimension.
    theta : None, int or 1-d array
        None (default): adaptive grid reaching ``tol``; int N: N equispaced angles on
        [0, pi]; array: exactly these angles (rad).
    approximation, regime : str
        As for :func:`llgsot.response`.
    executor : None, "serial", "processes", Executor or dask Client
        Where the solver runs (see :mod:`llgsot.parallel`). None: in-process for small
        builds, local processes for large ones.
    progress : bool
        Show a tqdm progress bar.
    checkpoint : path or None
        JSON-lines checkpoint; a build restarted with the same checkpoint reuses every
        finished point.
    tol : float
        Target relative interpolation error of the adaptive grid (per component, relative
        to its largest magnitude; 1e-8 <= tol <= 1e-1).
    rtol : float, optional
        Solver tolerance; default min(1e-8, tol/1e3) (dilute), tol/100 (finite); at
        temperature > 0 the accuracy of the Fermi-window average, default min(1e-5, tol/10).
    impurity_strength : None or 1-d array
        Impurity strengths W~ (eV nm^2) to tabulate (adds a dimension); default the model's.
    max_calls : int
        Safety limit on solver calls.
    temperature : float
        Temperature (K, >= 0): the response averaged over the Fermi window, as for
        :func:`llgsot.response`; ``fermi_energy`` is then the chemical potential.

    Returns
    -------
    xarray.Dataset
        See :mod:`llgsot.tables.schema`; attrs carry the provenance and ``solver_calls``.
    """
    from ..solver.response import APPROXIMATIONS, REGIMES

    if not isinstance(model, TwoBandModel):
        raise TypeError(f"`model` must be a llgsot model (RashbaFM, DiracFM, ...), got {type(model).__name__}")
    if not model.rotation_invariant:
        raise ValueError(
            f"`model` {type(model).__name__} (point group {model.point_group}) is not invariant under "
            "rotations about z: its response depends on the azimuth of m, and a table over theta "
            "alone (azimuth 0) cannot describe it. Tables over the sphere are not implemented yet "
            "(issue 19); use llgsot.response(model, eps, theta, phi) point by point")
    approximation = v.choice("approximation", approximation, APPROXIMATIONS)
    regime = v.choice("regime", regime, REGIMES)
    tol = v.in_range("tol", tol, 1e-8, 1e-1)
    temperature = v.nonnegative("temperature", temperature, "K")
    if rtol is None:  # at T > 0 the target of the Fermi-window average (energy nodes are
        # shared by all angles through the solver's cache of zero-temperature solves)
        rtol = (min(1e-5, tol * 0.1) if temperature > 0 else
                min(1e-8, tol * 1e-3) if regime == "dilute" else tol * 1e-2)
    rtol = v.in_range("rtol", rtol, 1e-14, 1e-2)
    max_calls = v.count("max_calls", max_calls)
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"`progress` must be True or False, got {progress!r}")
    if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
        raise TypeError(f"`checkpoint` must be a path or None, got {type(checkpoint).__name__}")
    eps_arr = v.nonempty_array("fermi_energy", fermi_energy, "eV")
    w_given = impurity_strength is not None
    w_arr = (v.nonempty_array("impurity_strength", impurity_strength, "eV nm^2")
             if w_given else np.array([model.impurity_strength]))
    for w in w_arr:
        v.nonzero("impurity_strength", w, "eV nm^2")
    adaptive = theta is None
    if not adaptive:
        if np.ndim(theta) == 0:
            theta = np.linspace(0.0, math.pi, v.count("theta", theta, min=2))
        theta = v.nonempty_array("theta", theta, "rad")
        if theta.size < 2:
            raise ValueError(f"`theta` must hold >= 2 angles (rad), got {theta.size}")
        if np.any(np.diff(theta) <= 0) or theta[0] < 0 or theta[-1] > math.pi:
            raise ValueError("`theta` must be strictly increasing angles in [0, pi] (rad), got "
                             f"[{theta[0]:g} .. {theta[-1]:g}] ({theta.size} angles)")

    est = len(eps_arr) * len(w_arr) * (60 if adaptive else len(theta)) * (
        0.001 if regime == "dilute" else 0.003)
    with resolve_executor(executor, expected_seconds=est) as ex, \
            _Evaluator(model, approximation, regime, rtol, ex, progress, checkpoint,
                       temperature) as ev:
        grids = [_Grid(e, w) for e in eps_arr for w in w_arr]
        if adaptive:
            ev.solve([(g.eps, g.w, t) for g in grids for t in g.nodes])
            _refine(grids, ev, tol, max_calls)
            half = np.array(sorted(set().union(*[set(g.nodes) for g in grids])))
            recs = ev.solve([(g.eps, g.w, t) for g in grids for t in half])
            full_t = np.concatenate([half, math.pi - half[-2::-1]])
        else:
            half = None
            full_t = theta
            recs = ev.solve([(g.eps, g.w, t) for g in grids for t in theta])

    shape = (len(eps_arr), len(w_arr), len(full_t))
    K = np.empty(shape + (3, 2))
    Ke = np.empty(shape + (3, 2))
    S = np.empty(shape + (2, 2))
    Se = np.empty(shape + (2, 2))
    names = [*schema.TORQUE_NAMES, *schema.EFF_NAMES]
    T = {k: np.empty(shape) for k in names}
    Te = {k: np.empty(shape) for k in names}
    J = np.zeros(shape[:2] + (len(full_t),), np.int8)
    worst, unresolved = 0.0, []
    npt = len(half) if adaptive else len(full_t)
    for gi, g in enumerate(grids):
        i, j = divmod(gi, len(w_arr))
        rs = recs[gi * npt:(gi + 1) * npt]
        if adaptive:
            idx = list(range(npt)) + list(range(npt - 2, -1, -1))
            par_k, par_s = schema.unflatten(schema.PARITY_HALF_PI)
            even_k, even_s = (par_k + 1) / 2, (par_s + 1) / 2
            for n, k in enumerate(idx):
                mirror = n >= npt
                # at theta = pi/2 the odd entries vanish by symmetry (computed: rounding)
                mid = 1.0 if half[k] != math.pi / 2 else None
                K[i, j, n] = rs[k]["K"] * (par_k if mirror else 1) * (even_k if mid is None else 1)
                Ke[i, j, n] = rs[k]["K_err"]
                S[i, j, n] = rs[k]["sigma"] * (par_s if mirror else 1) * (even_s if mid is None else 1)
                Se[i, j, n] = rs[k]["sigma_err"]
                for name in names:
                    T[name][i, j, n] = rs[k]["torque"][name]
                    Te[name][i, j, n] = rs[k]["torque_err"][name]
            jumps = [ab for ab, s in g.state.items() if s == "jump"]
            for a, b in jumps:
                lo = np.searchsorted(half, a)
                J[i, j, lo] = 1
                J[i, j, len(full_t) - 2 - lo] = 1
            worst = max(worst, g.worst)
            unresolved += g.unresolved
        else:
            for n, r in enumerate(rs):
                K[i, j, n], Ke[i, j, n], S[i, j, n], Se[i, j, n] = r["K"], r["K_err"], r["sigma"], r["sigma_err"]
                for name in names:
                    T[name][i, j, n] = r["torque"][name]
                    Te[name][i, j, n] = r["torque_err"][name]
    if unresolved:
        warnings.warn(f"{len(unresolved)} theta intervals narrower than {MIN_WIDTH} rad still miss "
                      f"tol={tol:g} (worst {max(u[2] for u in unresolved):.2g})", RuntimeWarning,
                      stacklevel=2)

    lead = ["fermi_energy", "impurity_strength"]
    data = {
        "K": (lead + ["theta", "spin", "field"], K), "K_err": (lead + ["theta", "spin", "field"], Ke),
        "sigma": (lead + ["theta", "i", "j"], S), "sigma_err": (lead + ["theta", "i", "j"], Se),
        "jump_after": (lead + ["theta"], J),
    }
    for name in names:
        data[name] = (lead + ["theta"], T[name])
        data[name + "_err"] = (lead + ["theta"], Te[name])
    ds = xr.Dataset(data, coords={"fermi_energy": eps_arr, "impurity_strength": w_arr,
                                  "theta": full_t, "spin": ["x", "y", "z"], "field": ["x", "y"],
                                  "i": ["x", "y"], "j": ["x", "y"]})
    if len(eps_arr) == 1 and np.ndim(fermi_energy) == 0:
        ds = ds.squeeze("fermi_energy")
    if not w_given:
        ds = ds.squeeze("impurity_strength")
    for name, var in ds.variables.items():
        if name in schema.UNITS:
            var.attrs["units"] = schema.UNITS[name]
        if name in schema.LONG_NAMES:
            var.attrs["long_name"] = schema.LONG_NAMES[name]
    md = model.attrs()
    if w_given:
        md.pop("impurity_strength")
    ds.attrs.update({
        **md,
        "approximation": approximation, "regime": regime, "rtol": rtol,
        "temperature": temperature,
        "tol": tol if adaptive else float("nan"), "grid": "adaptive" if adaptive else "given",
        "heldout_error_max": worst if adaptive else float("nan"),
        "interpolation_error_estimate": worst / ACCEPT_FACTOR if adaptive else float("nan"),
        "solver_calls": ev.calls, "reused_points": ev.reused,
        "llgsot_version": __version__, "llgsot_table_version": schema.TABLE_VERSION,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "conventions": "docs/physics.md: Pauli spin density, electron charge e < 0, K(theta, phi=0); "
                       "other azimuths by K(th, ph) = R3(ph) K(th, 0) R2(ph)^T",
        "title": "llgsot torque table",
    })
    return ds
