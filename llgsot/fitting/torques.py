"""The forward model of a torque fit: free parameters -> efficiencies at the measured angles.

Free parameters are fitted in transformed coordinates x of order one: positive scale
parameters (``impurity_density``, ``m_eff``, ``delta_xc``) and the signed couplings
(``impurity_strength``, ``alpha``, whose sign is fixed by the start) as x = ln(|p| / |p0|);
``fermi_energy`` linearly as x = (p - p0)/D with D = max(|p0|, delta_xc, 1 meV). All angles
of one parameter set are solved in ONE :func:`llgsot.response` call.

Residuals are (model - data)/sqrt(sigma^2 + model_err^2): the solver's error estimate adds
in quadrature to the measurement uncertainty (it is ~rtol relative and normally negligible).
With a variance that depends on the parameters, chi^2 alone is not -2 ln(likelihood): the
Gaussian likelihood's ln(sigma^2 + model_err^2) term is appended as the residuals
sqrt(ln(1 + model_err^2 / sigma^2)) (>= 0, ~model_err/sigma when small). Without it an
optimiser is drawn to parameters where the stated error is large, which removes the worst
data points from chi^2: a 300 K fit (coverage seed 20) went where the window's stated error
at theta = 0.05 was 2e5 sigma and lowered chi^2 by 8.6 with an interval 40x too narrow.

At temperature > 0 the solver's ``rtol`` is the accuracy of the Fermi-window average, and its
cost grows fast as it tightens (20 angles at 300 K: 4 s CPU at 1e-3, 11 s at 1e-5, 74 s at
1e-7, measured on a loaded machine). A fit needs only that the stated model error be small
against the data's sigma, so by default (``rtol=None``) it is chosen from the data: see
:meth:`TorqueModel.settle_rtol`.
"""
from __future__ import annotations

import dataclasses
import math
import re
import warnings

import numpy as np

from .. import _validate as v
from ..models import TwoBandModel

#: parameters that may be fitted, with their public units
FREE_UNITS = {
    "fermi_energy": "eV",
    "impurity_strength": "eV nm^2",
    "impurity_density": "m^-2",
    "delta_xc": "eV",
    "alpha": "eV m",
    "m_eff": "m_e",
    "beta": "eV m",
    "velocity": "m/s",
}
EFFICIENCIES = ("tau1e", "tau2e", "tau1o", "tau2o")
LOG_PARAMS = ("impurity_strength", "impurity_density", "delta_xc", "alpha", "m_eff", "beta",
              "velocity")
#: most distinct angles a fit solves. Each costs one solver evaluation per fit step (measured
#: ~35 ms per angle, finite regime, on a loaded 2-core machine; a fit takes ~40 steps), so
#: 2000 angles are ~45 min and 1e6 would be months; rows beyond one per angle cost ~0.3 s
#: per step per million rows
MAX_ANGLES = 2000
#: residual of a parameter set the solver refuses (no Fermi surface, contour beyond k_c)
PENALTY = 1e4
#: solver rtol of a fit at temperature 0 (1e-6 is ample: its error estimates enter the residuals)
RTOL_T0 = 1e-6
#: at temperature > 0 with ``rtol=None``: the stated model error must stay below this fraction
#: of the data's sigma at the start (it then changes chi^2 by < 1 %: (1 + 0.1^2) per residual)
MODEL_ERR_FRACTION = 0.1
#: first guess of the window rtol per unit of the smallest relative sigma (the stated torque
#: errors of a 20-angle 300 K call were 20-30x rtol of max|t|, Ta-like set at 5.5 meV)
RTOL_PER_SIGMA = 2.5e-3
#: range of the data-chosen window rtol (the solver's accuracy of the Fermi-window average)
RTOL_RANGE = (1e-6, 1e-3)


class TorqueModel:
    """Maps transformed parameters x to the efficiencies at the data angles."""

    QUANTITIES = EFFICIENCIES
    UNIT = "1/(A m)"
    quantity = "efficiency"
    #: :meth:`observe` depends on the angle alone (not on other per-row data)
    PER_ANGLE = True

    def __init__(self, theta, data, sigma, model, fermi_energy, free, bounds, regime,
                 approximation, temperature, rtol, phi=0.0):
        if not isinstance(model, TwoBandModel):
            raise ValueError(f"`model` must be a llgsot model (RashbaFM, DiracFM, ...), got {type(model).__name__}")
        self.theta = np.atleast_1d(v.finite_array("theta", theta, "rad")).astype(float)
        if self.theta.ndim != 1 or len(self.theta) < 1:
            raise ValueError(f"`theta` must be a 1-d array of angles (rad), got shape {np.shape(theta)}")
        if np.any((self.theta < 0) | (self.theta > math.pi)):
            raise ValueError("`theta` must lie in [0, pi] (rad)")
        #: azimuth of m (rad) per row: the frame rotated by phi of :func:`llgsot.response`
        self.phi = v.per_item("phi", phi, len(self.theta), "angle", "rad")
        # each distinct (theta, phi) is solved once per evaluation, whatever the number of rows
        pts, self.at_angle = np.unique(np.stack([self.theta, self.phi], 1), axis=0,
                                       return_inverse=True)
        self.angles, self.angle_phi = pts[:, 0], pts[:, 1]
        self.at_angle = self.at_angle.ravel()
        if len(self.angles) == len(self.theta):  # no repeated angle: solved in the rows' order
            self.angles, self.angle_phi = self.theta, self.phi
            self.at_angle = np.arange(len(self.theta))
        if len(self.angles) > MAX_ANGLES:
            raise ValueError(f"`theta` has {len(self.angles)} distinct angles; at most "
                             f"{MAX_ANGLES} are fitted (each costs one solver evaluation per fit "
                             "step, hours for more): average or bin the data by angle")
        if not isinstance(data, dict) or not data:
            raise ValueError(f"`data` must be a non-empty mapping from {self.QUANTITIES} to arrays")
        if not isinstance(sigma, dict) or set(sigma) != set(data):
            raise ValueError(f"`sigma` must have the same keys as `data`, got {sorted(sigma) if isinstance(sigma, dict) else sigma!r}")
        self.keys = [k for k in self.QUANTITIES if k in data]
        unknown = set(data) - set(self.QUANTITIES)
        if unknown:
            raise ValueError(f"`data` keys must be among {self.QUANTITIES}, got {sorted(unknown)}")
        self.data, self.sigma = {}, {}
        for k in self.keys:
            d = v.finite_array(f"data[{k!r}]", data[k], self.UNIT).astype(float)
            s = v.finite_array(f"sigma[{k!r}]", sigma[k], self.UNIT).astype(float)
            for name, a in ((f"data[{k!r}]", d), (f"sigma[{k!r}]", s)):
                if a.ndim > 1:  # one value per angle, never a flattened table
                    raise ValueError(f"`{name}` must be a 1-d array, one value per angle, got "
                                     f"shape {a.shape}")
            d, s = d.ravel(), s.ravel()
            if d.shape != self.theta.shape or s.shape != self.theta.shape:
                raise ValueError(f"`data[{k!r}]` and `sigma[{k!r}]` must have one value per angle "
                                 f"({len(self.theta)}), got {d.size} and {s.size}")
            if np.any(s <= 0):
                raise ValueError(f"`sigma[{k!r}]` must be > 0 ({self.UNIT}), got {s[s <= 0][0]!r}")
            self.data[k], self.sigma[k] = d, s
        free = list(free) if not isinstance(free, str) else [free]
        if not free:
            raise ValueError("`free` must name at least one parameter")
        for name in free:
            v.choice("free", name, ("fermi_energy", *model.FREE))  # the model's free parameters
        if len(set(free)) != len(free):
            raise ValueError(f"`free` lists a parameter twice: {free}")
        self.free = free
        self.model = model
        self.fermi_energy = v.finite_scalar("fermi_energy", fermi_energy, "eV")
        self.regime, self.approximation = regime, approximation
        self.temperature = v.nonnegative("temperature", temperature, "K")
        if rtol is not None:
            rtol = v.in_range("rtol", rtol, 1e-12, 1e-3)
        elif self.temperature == 0:
            rtol = RTOL_T0
        #: None until :meth:`settle_rtol` chose it from the data (temperature > 0)
        self.rtol = rtol
        self.rtol_note = None
        start = self.start_values()
        for name in free:
            if name in LOG_PARAMS and start[name] == 0:
                raise ValueError(f"free `{name}` must start from a nonzero value (fitted in log space)")
        self.p0 = start
        self.D = max(abs(self.fermi_energy), model.delta_xc, 1e-3)
        self.lower, self.upper = self._bounds(bounds or {})
        self.nfev = 0
        self.solver_warnings = {}
        self._note_kinds = {}
        self.cache = {}

    # -- parameter transforms -------------------------------------------------------------
    def start_values(self):
        d = self.model.as_dict()
        d["fermi_energy"] = self.fermi_energy
        return {k: d[k] for k in self.free}

    def to_params(self, x):
        out = {}
        for name, xi in zip(self.free, np.asarray(x, float)):
            p0 = self.p0[name]
            out[name] = p0 + self.D * xi if name == "fermi_energy" else p0 * math.exp(xi)
        return out

    def to_x(self, params):
        x = []
        for name in self.free:
            p, p0 = params[name], self.p0[name]
            if name == "fermi_energy":
                x.append((p - p0) / self.D)
            else:
                if p == 0 or np.sign(p) != np.sign(p0):
                    raise ValueError(f"`{name}` = {p!r} must keep the sign of its start {p0!r} "
                                     "(it is fitted in log space)")
                x.append(math.log(p / p0))
        return np.array(x)

    def dparams_dx(self, x):
        """d p / d x (diagonal), public units."""
        p = self.to_params(x)
        return np.array([self.D if n == "fermi_energy" else p[n] for n in self.free])

    def _bounds(self, bounds):
        unknown = set(bounds) - set(self.free)
        if unknown:
            raise ValueError(f"`bounds` names parameters that are not free: {sorted(unknown)}")
        lo, hi = [], []
        for name in self.free:
            p0 = self.p0[name]
            if name in bounds:
                a, b = (v.finite_scalar(f"bounds[{name!r}]", z, FREE_UNITS[name]) for z in bounds[name])
                if not a < b:
                    raise ValueError(f"`bounds[{name!r}]` must be (low, high) with low < high, got {bounds[name]!r}")
                if not a <= p0 <= b:
                    raise ValueError(f"the start {name}={p0!r} {FREE_UNITS[name]} lies outside "
                                     f"`bounds[{name!r}]` = {bounds[name]!r}")
                if name == "fermi_energy":
                    lo.append((a - p0) / self.D)
                    hi.append((b - p0) / self.D)
                else:
                    if a * b <= 0:
                        raise ValueError(f"`bounds[{name!r}]` = {bounds[name]!r} must not include 0 "
                                         "(the parameter is fitted in log space)")
                    xa, xb = math.log(a / p0), math.log(b / p0)
                    lo.append(min(xa, xb))
                    hi.append(max(xa, xb))
            else:  # defaults: a factor of 5 for scales; +-D for the Fermi energy
                lo.append(-1.0 if name == "fermi_energy" else -math.log(5.0))
                hi.append(1.0 if name == "fermi_energy" else math.log(5.0))
        return np.array(lo), np.array(hi)

    def fixed_summary(self) -> dict:
        """The fixed model values of the fit (eV, eV m, m^-2, ...), for FitResult.fixed."""
        return {**self.model.as_dict(), "fermi_energy": self.fermi_energy}

    def band_edge_note(self, params):
        """A note if the upper band's bottom crosses the Fermi energy within the measured
        angles at ``params`` (the response and chi^2 jump there), else None."""
        model = self.rashba(params)
        fe = params.get("fermi_energy", self.fermi_energy)
        th = np.unique(self.theta)
        grid = np.linspace(th.min(), th.max(), min(64, 4 * len(th)))
        for p in np.unique(self.phi):  # the bands of a model without C_inf_v depend on phi
            top = np.array([model.band_edges(min(t, math.pi - t), p)[1] for t in grid])
            side = np.sign(top - fe)
            if np.any(side != side[0]):
                break
        if np.any(side != side[0]):
            i = int(np.nonzero(side != side[0])[0][0])
            return (f"the Fermi energy crosses the upper band's bottom near theta = {grid[i]:.3f} "
                    "rad within the data: the response and chi^2 jump there (intervals may be "
                    "ragged)")
        return None

    # -- evaluation -------------------------------------------------------------------------------
    def rashba(self, params):
        d = {k: x for k, x in params.items() if k != "fermi_energy"}
        return self.model.with_(**d)

    def evaluate(self, x):
        """Efficiencies and their errors at the data angles, or None where the solver refuses."""
        got = self._evaluate(x)
        if got is None or not self._spread:
            return got
        i = self.at_angle  # observed per distinct angle: spread over the rows
        return {k: y[i] for k, y in got[0].items()}, {k: y[i] for k, y in got[1].items()}

    @property
    def _spread(self):
        return self.PER_ANGLE and len(self.angles) < len(self.theta)

    def initial_rtol(self):
        """The first guess of the data-chosen window rtol: ``RTOL_PER_SIGMA`` times the
        smallest sigma relative to its quantity's largest |data|, within ``RTOL_RANGE``."""
        rel = min(float(np.min(self.sigma[k])) / max(float(np.max(np.abs(self.data[k]))),
                                                     float(np.min(self.sigma[k])))
                  for k in self.keys)
        return float(np.clip(RTOL_PER_SIGMA * rel, *RTOL_RANGE))

    def settle_rtol(self, x):
        """Choose the solver rtol (relative accuracy of the Fermi-window average, of the largest
        |K|, |sigma|, |t| at each angle; dimensionless) of a fit at temperature > 0 with
        ``rtol=None``, at the first evaluated point ``x`` (the first start): begin at
        :meth:`initial_rtol` and tighten (at most 3 times, not below ``RTOL_RANGE[0]``) until
        the stated model error is <= ``MODEL_ERR_FRACTION`` of sigma at every data point.
        The accepted evaluation is kept (it is the start's); returns it."""
        rtol = self.initial_rtol()
        for attempt in range(4):
            self.rtol = rtol
            out = self._compute(x)
            if out is None:
                break
            q = max(float(np.max(np.abs(out[1][k][self._rows()]) / self.sigma[k]))
                    for k in self.keys)
            self.rtol_note = (f"solver rtol {rtol:.3g} chosen from the data: stated model error "
                              f"<= {q:.3g} sigma at the start")
            if q <= MODEL_ERR_FRACTION or rtol <= RTOL_RANGE[0] or attempt == 3:
                break
            rtol = max(RTOL_RANGE[0], rtol * 0.5 * MODEL_ERR_FRACTION / q)
        return out

    def _rows(self):
        """Index from the rows to the outputs of :meth:`_compute`."""
        return self.at_angle if self._spread else slice(None)

    def _evaluate(self, x):
        """:meth:`evaluate` per distinct angle (when ``_spread``) or per row, cached."""
        # x is of order one: points within 1e-10 (the optimiser's last, repeated steps) change
        # the parameters by ~1e-10 relative, far below the solver's accuracy: one evaluation
        key = tuple(np.round(np.asarray(x, float), 10))
        if key in self.cache:
            return self.cache[key]
        out = self.settle_rtol(x) if self.rtol is None else self._compute(x)
        stored = len(self.keys) * (len(self.angles) if self.PER_ANGLE else len(self.theta))
        if len(self.cache) < min(4096, max(8, 10**7 // stored)):  # at most ~160 MB
            self.cache[key] = out
        return out

    def _compute(self, x):
        """One solver evaluation at ``x`` (uncached)."""
        params = self.to_params(x)
        fe = params.get("fermi_energy", self.fermi_energy)
        self.nfev += 1
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                r = self._respond(self.rashba(params), fe)
            for w in caught:
                self._note(str(w.message).split(" at theta")[0])
            out = self.observe(r) if self.PER_ANGLE else self._observe_rows(r)
        except ValueError as exc:
            self._note("solver refused a parameter set: " + str(exc).split(" at theta")[0])
            out = None
        return out

    def _note(self, msg):
        """Count a solver message; messages that differ only in their numbers (at T > 0:
        "warned at 6 energy nodes", "(eps tau)^-1 = 0.227") count as the first one seen."""
        kind = re.sub(r"\d+(\.\d*)?(e[-+]?\d+)?", "#", msg)
        first = self._note_kinds.setdefault(kind, msg)
        self.solver_warnings[first] = self.solver_warnings.get(first, 0) + 1

    def _respond(self, model, fe):
        """The response at the distinct (theta, phi) points, in their order: one
        :func:`llgsot.response` call per distinct azimuth (its K, sigma in the lab frame, its
        efficiencies in the frame rotated by phi)."""
        from ..solver.response import response

        kw = dict(approximation=self.approximation, regime=self.regime, rtol=self.rtol,
                  temperature=self.temperature)
        phis = np.unique(self.angle_phi)
        if phis.size == 1:
            return response(model, fe, self.angles, phi=float(phis[0]), **kw)
        parts = [(self.angle_phi == p, response(model, fe, self.angles[self.angle_phi == p],
                                                phi=float(p), **kw)) for p in phis]

        def join(get):
            first = np.asarray(get(parts[0][1]))
            out = np.empty((len(self.angles),) + first.shape[1:], first.dtype)
            for sel, r in parts:
                out[sel] = get(r)
            return out

        r0 = parts[0][1]
        return dataclasses.replace(
            r0, K=join(lambda r: r.K), K_err=join(lambda r: r.K_err),
            sigma=join(lambda r: r.sigma), sigma_err=join(lambda r: r.sigma_err),
            torque={k: join(lambda r, k=k: r.torque[k]) for k in r0.torque},
            torque_err={k: join(lambda r, k=k: r.torque_err[k]) for k in r0.torque_err},
            theta=self.angles, phi=self.angle_phi, diagnostics={})

    def _observe_rows(self, r):
        """:meth:`observe` at the data rows from the response ``r`` at the distinct angles
        (for an observation that depends on more than the angle, ``PER_ANGLE = False``)."""
        if len(self.angles) == len(self.theta):
            return self.observe(r)
        i = self.at_angle
        r = dataclasses.replace(r, K=r.K[i], K_err=r.K_err[i], sigma=r.sigma[i],
                                sigma_err=r.sigma_err[i], theta=self.theta, phi=self.phi,
                                torque={k: np.asarray(x)[i] for k, x in r.torque.items()},
                                torque_err={k: np.asarray(x)[i] for k, x in r.torque_err.items()})
        return self.observe(r)

    def observe(self, r):
        """The fitted quantities and their errors from a Response (efficiencies here)."""
        return ({k: np.asarray(r.torque[k], float) for k in self.keys},
                {k: np.asarray(r.torque_err[k], float) for k in self.keys})

    def residuals(self, x):
        """(model - data)/sqrt(sigma^2 + model_err^2) per data point, then the variance terms
        sqrt(ln(1 + model_err^2/sigma^2)) (see the module docstring): r @ r is -2 ln L + const."""
        ev = self.evaluate(x)
        n = len(self.theta) * len(self.keys)
        if ev is None:
            return np.concatenate([np.full(n, PENALTY), np.zeros(n)])
        val, err = ev
        res = [(val[k] - self.data[k]) / np.sqrt(self.sigma[k] ** 2 + err[k] ** 2) for k in self.keys]
        var = [np.sqrt(np.log1p((err[k] / self.sigma[k]) ** 2)) for k in self.keys]
        res = np.concatenate(res + var)
        return np.where(np.isfinite(res), res, PENALTY)

    def chi2(self, x):
        r = self.residuals(x)
        return float(r @ r)

    @property
    def ndata(self):
        return len(self.theta) * len(self.keys)
