"""Build torque tables: the solver tabulated over the magnetization angle.

The default theta grid is adaptive. It works on [0, pi/2] and mirrors to [pi/2, pi] with
the exact parities of docs/physics.md sec. 4 item 6, so the table is exactly symmetric. Each
round solves the midpoints of the intervals not yet verified and compares them with the
interpolant built without them (held-out midpoints): an interval whose midpoint agrees to
``tol`` (relative to each component's largest magnitude) is verified, otherwise both halves
are refined. A discontinuity (the Fermi level reaching or leaving a band) shows as an
interval whose midpoint falls on one side of a difference that does not shrink on
halving; it is then bracketed by bisection to ``jump_width`` and stored as a jump.

At temperature > 0 the response is smooth in theta (the jump becomes a rise of width
~ k_B T / |dE_0/dtheta|): no jumps are stored, and once every held-out midpoint passes,
every interval is checked against the degree-5 polynomial through six neighbouring nodes
(:func:`~llgsot.tables.hermite.embedded_error`; the midpoint alone cannot see the part of
the Hermite error that comes from its slopes) and refined until EMBED_SAFETY times that
estimate is within ``tol``. A call of the window average per worker and round solves the
energy nodes that the angles share once for all of them.
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
from .grid import ACCEPT_FACTOR, JUMP_DETECT_WIDTH, JUMP_WIDTH, MIN_WIDTH, _scales, _split  # noqa: F401
from .hermite import bessel_slopes, embedded_error, hermite_eval

N_INIT = 9  # initial nodes on [0, pi/2]
CHUNK = 32  # angles per work item at most
SPHERE_MAX_CALLS = 200000  # default safety limit on solver calls of a sphere table
#: at temperature > 0 the stated interpolation error is EMBED_SAFETY x the largest embedded
#: estimate (measured against direct 300 K solves: docs/tables.md), and intervals are refined
#: until it is <= tol
EMBED_SAFETY = 2.0
#: at temperature > 0 the embedded estimate refines an interval only where it exceeds this
#: many times the stated errors of its stencil's nodes (the degree-5 and the Hermite
#: interpolants pass on node errors by factors ~2 and 1.25)
NOISE_FACTOR = 3.5
THERMAL_COST = 100  # solves per point at temperature > 0 (for the executor's choice)


# -- the work item ------------------------------------------------------------------------
def _solve_chunk(model_params, eps, approximation, regime, rtol, thetas, temperature=0.0,
                 phi=None):
    """Worker: solve one parameter set at several angles (module-level, picklable); ``eps``
    one Fermi energy or a list of them (eV; records eps-major); ``phi`` (rad) the common
    azimuth of a sphere table's points, None for a 1D table.

    The solver's warnings reach the caller through the work loop (:mod:`llgsot.parallel`).
    """
    from ..solver.response import response

    params = dict(model_params)
    model = model_class(params.pop("model_kind", "rashba"))(**params)
    extra = {} if phi is None else {"phi": phi}
    out = []
    for e in np.atleast_1d(eps):  # a list of Fermi energies: records eps-major
        r = response(model, float(e), np.asarray(thetas, float), approximation=approximation,
                     regime=regime, rtol=rtol, temperature=temperature, **extra)
        for i in range(len(thetas)):
            out.append({"K": r.K[i], "K_err": r.K_err[i], "sigma": r.sigma[i],
                        "sigma_err": r.sigma_err[i],
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
        """requests: list of (eps, W, theta) or, for a sphere table, (eps, W, theta, phi).
        Returns a list of records in order."""
        todo = {}
        for req in requests:
            eps, w, th = req[:3]
            phi = req[3] if len(req) > 3 else None
            key = point_key(*req)
            if key in self.cache:
                continue
            if self.temperature > 0:  # angles grouped by the set of Fermi energies they need
                todo.setdefault((float(w), phi if phi is None else float(phi)),
                                {}).setdefault(float(th), set()).add(float(eps))
            else:
                todo.setdefault((float(eps), float(w), phi if phi is None else float(phi)),
                                []).append(float(th))
        self.reused += sum(1 for r in requests if point_key(*r) in self.cache)
        groups = []  # (eps list, W, phi, angles)
        if self.temperature > 0:
            for (w, phi), by_theta in todo.items():
                sets = {}
                for th, es in by_theta.items():
                    sets.setdefault(tuple(sorted(es)), []).append(th)
                groups += [(list(es), w, phi, ths) for es, ths in sets.items()]
        else:
            groups = [(eps, w, phi, ths) for (eps, w, phi), ths in todo.items()]
        chunks = []
        for eps, w, phi, ths in groups:
            params = {**self.model.as_dict(), "impurity_strength": w, "model_kind": self.model.KIND}
            ths = sorted(set(ths))
            if self.temperature > 0:
                # one chunk per worker, each with every Fermi energy its angles need: a call
                # of the window average solves the energy nodes its angles share once for
                # all of them, and the worker's cache of zero-temperature solves
                # (llgsot.solver.temperature.SOLVE_CACHE) serves the same angle at another
                # Fermi energy; a point costs ~100 solves, so the load balances without
                # smaller chunks
                nchunk = min(len(ths), self.loop.workers)
            else:  # chunks of <= CHUNK angles, at least two per worker to balance the load
                nchunk = max(min(len(ths), self.loop.workers * 2), -(-len(ths) // CHUNK))
            for part in np.array_split(np.array(ths), nchunk):
                if len(part):
                    args = (params, eps, self.approximation, self.regime, self.rtol,
                            part.tolist(), self.temperature)
                    keys = [point_key(e, w, th, phi) for e in np.atleast_1d(eps) for th in part]
                    chunks.append(Chunk(args if phi is None else args + (phi,), keys=keys))
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
        self.embedded = 0.0  # largest embedded error estimate (temperature > 0 only)
        self.reopened = {}  # interval -> its embedded estimate when it was reopened
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


def _interpolant(g, ev):
    """The current interpolant of one grid: (theta, values, slopes, jump_after, scale, node
    values by theta, node errors) over [0, pi]."""
    ts = sorted(g.nodes)
    recs = ev.solve([(g.eps, g.w, t) for t in ts])
    jumps = {k for k, s in g.state.items() if s == "jump"}
    ft, fv, fj = _mirrored(ts, recs, jumps)
    d = bessel_slopes(ft, fv, fj, schema.PARITY_ZERO, schema.PARITY_ZERO)
    fe = np.array([schema.flat_values(r["K_err"], r["sigma_err"]) for r in recs])
    fe = np.concatenate([fe, fe[-2::-1]])
    return ft, fv, d, fj, _scales(fv), dict(zip(ts, fv[:len(ts)])), fe


def _local_noise(fe, lo, hi):
    """(N-1, C): the largest node error among nodes i+lo .. i+hi of interval i (clipped)."""
    n = len(fe)
    idx = np.clip(np.arange(n - 1)[:, None] + np.arange(lo, hi + 1)[None, :], 0, n - 1)
    return fe[idx].max(axis=1)


def _embedded_pass(g, ev, tol):
    """Finite temperature: reopen the intervals whose embedded error estimate
    (:func:`~llgsot.tables.hermite.embedded_error`, times EMBED_SAFETY) exceeds ``tol``.
    Where it is also within NOISE_FACTOR x the stated errors of the six stencil nodes it
    may be the nodes' own errors, which refining does not reduce: such an interval is
    reopened only while halving has divided its estimate by >= 4 (or not yet been tried).
    Sets ``g.embedded`` to the largest estimate (noise included: the stated estimate).
    Returns True if any interval was reopened."""
    ft, fv, d, fj, scale, _, fe = _interpolant(g, ev)
    est = embedded_error(ft, fv, d, fj, schema.PARITY_ZERO, schema.PARITY_ZERO)
    ts = sorted(g.nodes)
    h = len(ts) - 1  # [0, pi/2]: the rest mirrors it
    over = EMBED_SAFETY * est > tol * scale
    signal = (over & (est > NOISE_FACTOR * _local_noise(fe, -2, 3))).any(axis=1)[:h]
    est = (est / scale).max(axis=1)[:h]
    g.embedded = float(est.max()) if est.size else 0.0
    reopened = False
    for (a, b), e, sig, ov in zip(zip(ts[:-1], ts[1:]), est, signal, over.any(axis=1)[:h]):
        if not ov or g.state.get((a, b)) != "ok":
            continue
        if not sig:  # maybe noise: did the last halving shrink the estimate?
            parent = [pe for (pa, pb), pe in g.reopened.items() if pa <= a and b <= pb
                      and abs((pb - pa) - 2 * (b - a)) <= 1e-12 * (pb - pa)]
            if parent and e > parent[0] / 4:
                continue
        if (b - a) / 2 >= MIN_WIDTH:
            g.state.pop((a, b))
            g.reopened[(a, b)] = float(e)
            reopened = True
        elif (a, b) not in {u[:2] for u in g.unresolved}:
            g.unresolved.append((a, b, EMBED_SAFETY * float(e)))
    return reopened


def _refine(grids, ev, tol, max_calls, smooth=False):
    """Adaptive refinement; ``smooth`` (temperature > 0): no jumps; a held-out midpoint's
    miss within the stated errors of it and of the interval's nodes does not count (the
    window average's errors do not shrink on refining); the midpoints are followed by the
    embedded error check of every interval."""
    while True:
        requests, where = [], []
        for g in grids:
            for a, b in g.pending():
                requests.append((g.eps, g.w, 0.5 * (a + b)))
                where.append((g, a, b))
        if not requests and smooth and ev.calls < max_calls:
            if any([_embedded_pass(g, ev, tol) for g in grids]):
                continue
        if not requests or ev.calls >= max_calls:
            if requests:
                warnings.warn(f"table build stopped at max_calls={max_calls} with "
                              f"{len(requests)} intervals unverified", RuntimeWarning, stacklevel=3)
            return
        # interpolants from the current nodes, before the midpoints are added
        interp = {id(g): _interpolant(g, ev) for g in grids}
        noise = {id(g): 1.25 * _local_noise(it[6], -1, 2) for g, it in
                 zip(grids, interp.values())} if smooth else {}
        mids = ev.solve(requests)
        for (g, a, b), (_, _, m), rec in zip(where, requests, mids):
            ft, fv, d, fj, scale, at, _ = interp[id(g)]
            fm = schema.flat_values(rec["K"], rec["sigma"])
            pred = hermite_eval(ft, fv, d, fj, np.array([m]))[0]
            miss = np.abs(pred - fm)
            if smooth:
                i = min(int(np.searchsorted(ft, m)) - 1, len(ft) - 2)
                miss = np.maximum(miss - noise[id(g)][i]
                                  - schema.flat_values(rec["K_err"], rec["sigma_err"]), 0.0)
            err = float(np.max(miss / scale))
            _split(g, a, b, m, at[a], fm, at[b], err, scale, tol, jumps=not smooth)


def build_table(model: TwoBandModel, fermi_energy, theta=None, approximation: str = "tmatrix",
                regime: str = "dilute", executor=None, progress: bool = True, checkpoint=None,
                tol: float = 1e-4, rtol: float | None = None, impurity_strength=None,
                max_calls: int | None = None, temperature: float = 0.0) -> xr.Dataset:
    """Tabulate K, sigma and the torque coefficients over theta in [0, pi] (azimuth 0), or
    K and sigma over the sphere for a model that is not rotation invariant.

    Parameters
    ----------
    model : TwoBandModel
        The model (SI/eV parameters). A rotation-invariant one (``model.rotation_invariant``:
        RashbaFM, DiracFM, RashbaDresselhausFM with beta = 0) gets a 1D table over theta.
        Any other (RashbaDresselhausFM with beta != 0) gets a sphere table over (theta, phi)
        (:func:`llgsot.tables.sphere.build_sphere_table`, with the symmetry of the model's
        point group); it takes a scalar ``fermi_energy``, one impurity strength and the
        adaptive grid (``theta`` None), and is returned as an ``xarray.Dataset`` of table
        version 2 (open it with :class:`~llgsot.tables.sphere.SphereTable`).
    fermi_energy : float or 1-d array
        Fermi energy (eV); an array adds a ``fermi_energy`` dimension (1D tables only).
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
        to its largest magnitude; 1e-8 <= tol <= 1e-1). The stated estimate is
        ``attrs["interpolation_error_estimate"]``: held-out error / 4 (T = 0), the larger of
        that and 2 x the embedded estimate (T > 0). The nodes' own stated solver errors
        (``K_err``, ``sigma_err``; largest on the same scale: ``attrs["node_error_max"]``)
        come on top of it.
    rtol : float, optional
        Solver tolerance; default min(1e-8, tol/1e3) (dilute), tol/100 (finite); at
        temperature > 0 the accuracy of the Fermi-window average, default min(1e-5, tol/10).
    impurity_strength : None or 1-d array
        Impurity strengths W~ (eV nm^2) to tabulate (adds a dimension); default the model's.
    max_calls : int, optional
        Safety limit on solver calls; default 5000 (1D), 200000 (sphere table).
    temperature : float
        Temperature (K, >= 0): the response averaged over the Fermi window, as for
        :func:`llgsot.response`; ``fermi_energy`` is then the chemical potential.

    Returns
    -------
    xarray.Dataset
        See :mod:`llgsot.tables.schema` (sphere tables: :mod:`llgsot.tables.sphere.schema`);
        attrs carry the provenance and ``solver_calls``.
    """
    from ..solver.response import APPROXIMATIONS, REGIMES

    if not isinstance(model, TwoBandModel):
        raise TypeError(f"`model` must be a llgsot model (RashbaFM, DiracFM, ...), got {type(model).__name__}")
    approximation = v.choice("approximation", approximation, APPROXIMATIONS)
    regime = v.choice("regime", regime, REGIMES)
    tol = v.in_range("tol", tol, 1e-8, 1e-1)
    temperature = v.nonnegative("temperature", temperature, "K")
    if rtol is None:  # at T > 0 the target of the Fermi-window average (energy nodes are
        # shared by all angles through the solver's cache of zero-temperature solves)
        rtol = (min(1e-5, tol * 0.1) if temperature > 0 else
                min(1e-8, tol * 1e-3) if regime == "dilute" else tol * 1e-2)
    rtol = v.in_range("rtol", rtol, 1e-14, 1e-2)
    sphere = not model.rotation_invariant
    max_calls = v.count("max_calls", (SPHERE_MAX_CALLS if sphere else 5000)
                        if max_calls is None else max_calls)
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
    if sphere:
        return _sphere_table(model, eps_arr, np.ndim(fermi_energy), w_given, theta, approximation,
                             regime, rtol, tol, temperature, executor, progress, checkpoint,
                             max_calls)
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
        0.001 if regime == "dilute" else 0.003) * (THERMAL_COST if temperature > 0 else 1)
    with resolve_executor(executor, expected_seconds=est) as ex, \
            _Evaluator(model, approximation, regime, rtol, ex, progress, checkpoint,
                       temperature) as ev:
        grids = [_Grid(e, w) for e in eps_arr for w in w_arr]
        if adaptive:
            ev.solve([(g.eps, g.w, t) for g in grids for t in g.nodes])
            _refine(grids, ev, tol, max_calls, smooth=temperature > 0)
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
    worst, embedded, unresolved = 0.0, 0.0, []
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
            embedded = max(embedded, g.embedded)
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
        "interpolation_error_estimate": (max(worst / ACCEPT_FACTOR, EMBED_SAFETY * embedded)
                                         if adaptive else float("nan")),
        "node_error_max": _node_error_max(K, Ke, S, Se),
        "solver_calls": ev.calls, "reused_points": ev.reused,
        "llgsot_version": __version__, "llgsot_table_version": schema.TABLE_VERSION,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "conventions": "docs/physics.md: Pauli spin density, electron charge e < 0, K(theta, phi=0); "
                       "other azimuths by K(th, ph) = R3(ph) K(th, 0) R2(ph)^T",
        "title": "llgsot torque table",
    })
    return ds


def _node_error_max(K, Ke, S, Se):
    """The largest stated solver error (K_err, sigma_err) of any node, relative to its
    component's scale (as the interpolation errors are, :func:`~llgsot.tables.grid._scales`)."""
    n = K.shape[-3]  # theta
    v = schema.flat_values(K, S).reshape(-1, n, 10)
    e = schema.flat_values(Ke, Se).reshape(-1, n, 10)
    return max(float(np.max(ei / _scales(vi))) for vi, ei in zip(v, e))


# -- sphere tables of models without full rotational symmetry ---------------------------
def point_group_of(model):
    """The :class:`~llgsot.tables.sphere.group.PointGroup` of ``model.point_group`` (a name)."""
    from .sphere import group as g

    groups = {"C_inf_v": lambda: g.c_nv(None), "C_2v": g.c2v_rd, "C_1": g.trivial}
    name = model.point_group
    if name not in groups:
        raise ValueError(f"model {type(model).__name__} declares point group {name!r}, which has no "
                         f"sphere-table group; known: {sorted(groups)}")
    return groups[name]()


def _sphere_table(model, eps_arr, eps_ndim, w_given, theta, approximation, regime, rtol, tol,
                  temperature, executor, progress, checkpoint, max_calls):
    """build_table for a model that is not rotation invariant: a sphere table whose points
    are solved through the work loop (executor, checkpoint and progress as for 1D tables)."""
    from .sphere.build import build_sphere_table

    if eps_ndim != 0 or len(eps_arr) != 1:
        raise ValueError(f"`fermi_energy` must be a scalar (eV) for a sphere table (model "
                         f"{type(model).__name__}, point group {model.point_group}); got "
                         f"{len(eps_arr)} values: build one table per Fermi energy")
    if w_given:
        raise ValueError("`impurity_strength` must be None for a sphere table (model "
                         f"{type(model).__name__}, point group {model.point_group}): set the "
                         "model's impurity_strength and build one table per value")
    if theta is not None:
        raise ValueError("`theta` must be None for a sphere table (model "
                         f"{type(model).__name__}, point group {model.point_group}): its grid "
                         "over (theta, phi) is adaptive")
    eps, w = float(eps_arr[0]), float(model.impurity_strength)

    est = 3000 * (0.001 if regime == "dilute" else 0.003)
    with resolve_executor(executor, expected_seconds=est) as ex, \
            _Evaluator(model, approximation, regime, rtol, ex, progress, checkpoint,
                       temperature) as ev:
        def f(th, ph):
            recs = ev.solve([(eps, w, t, p) for t, p in zip(th, ph)])
            return (np.array([r["K"] for r in recs]), np.array([r["sigma"] for r in recs]),
                    np.array([r["K_err"] for r in recs]), np.array([r["sigma_err"] for r in recs]))

        attrs = {**model.attrs(), "fermi_energy": eps, "approximation": approximation,
                 "regime": regime, "rtol": rtol, "temperature": temperature}
        ds = build_sphere_table(f, point_group_of(model), tol=tol, max_calls=max_calls,
                                attrs=attrs)
    ds.attrs["reused_points"] = ev.reused
    return ds
