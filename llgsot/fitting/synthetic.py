"""Synthetic torque data from the solver with seeded Gaussian noise (validation, examples)."""
from __future__ import annotations

import warnings

import numpy as np

from .torques import EFFICIENCIES


def synthetic_efficiencies(model, fermi_energy, theta, keys=EFFICIENCIES, rel_sigma=0.02,
                           seed=0, regime="finite", approximation="tmatrix", temperature=0.0,
                           rtol=1e-9):
    """Efficiencies at ``theta`` (rad) with noise N(0, sigma), sigma = rel_sigma x max|tau_k|
    per efficiency (1/(A m)). Returns (data, sigma, truth) dicts keyed like ``keys``."""
    from ..solver.response import response

    from .. import _validate as v

    theta = v.nonempty_array("theta", theta, "rad")
    seed = v.seed("seed", seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r = response(model, fermi_energy, theta, approximation=approximation, regime=regime,
                     rtol=rtol, temperature=temperature)
    rng = np.random.default_rng(seed)
    truth = {k: np.asarray(r.torque[k], float) for k in keys}
    sigma = {k: np.full(theta.shape, rel_sigma * np.abs(truth[k]).max()) for k in keys}
    data = {k: truth[k] + sigma[k] * rng.standard_normal(theta.shape) for k in keys}
    return data, sigma, truth
