"""Coverage of the 95 % profile-likelihood intervals (issue 12 item 4), slow.

For each scenario, 50 synthetic data sets (seeds 0..49) from the solver: 20 angles x 4
efficiencies, Gaussian noise of 2 % of each efficiency's largest magnitude. Each data set is
fitted from a fixed start; the interval of every free parameter must contain the truth in at
least 90 % of the trials (the nominal 95 % gives >= 45/50 with probability 0.96).

    python -m pytest tests/test_fitting_coverage.py -m slow -s
"""
import math
import warnings

import numpy as np
import pytest

from llgsot import RashbaFM, fit_torques
from llgsot.fitting import FitWarning, synthetic_efficiencies

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)
TRIALS = 50
THETA = np.linspace(0.05, math.pi - 0.05, 20)

SCENARIOS = {
    # name: (truth changes, true Fermi energy, free, start changes, start Fermi energy)
    "two_above_gap": ({}, 5.5e-3, ["fermi_energy", "impurity_strength"],
                      {"impurity_strength": 0.05}, 5.0e-3),
    "three_above_gap": ({}, 5.5e-3, ["fermi_energy", "impurity_strength", "delta_xc"],
                        {"impurity_strength": 0.05, "delta_xc": 4.5e-3}, 5.0e-3),
    "two_inside_gap": ({}, 3.0e-3, ["fermi_energy", "impurity_strength"],
                       {"impurity_strength": 0.05}, 2.7e-3),
    "two_attractive": ({"impurity_strength": -0.065}, 5.5e-3, ["fermi_energy", "impurity_strength"],
                       {"impurity_strength": -0.05}, 5.0e-3),
}


def run_scenario(name, trials=TRIALS, verbose=True):
    changes, fe, free, start_changes, fe0 = SCENARIOS[name]
    truth = RashbaFM(**{**FIG4, **changes})
    true = {**truth.as_dict(), "fermi_energy": fe}
    start = truth.with_(**start_changes)
    hits = {n: 0 for n in free}
    chi2s, conv = [], 0
    for seed in range(trials):
        data, sigma, _ = synthetic_efficiencies(truth, fe, THETA, rel_sigma=0.02, seed=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FitWarning)
            res = fit_torques(THETA, data, sigma, start, fe0, free)
        conv += res.converged
        chi2s.append(res.chi2)
        for n in free:
            lo, hi = res.ci[n]
            hits[n] += lo <= true[n] <= hi
        if verbose:
            print(f"{name} seed {seed}: chi2 {res.chi2:.1f}/{res.dof} " + " ".join(
                f"{n}={res.params[n]:.4g} [{res.ci[n][0]:.4g}, {res.ci[n][1]:.4g}]" for n in free)
                + f" ({res.elapsed:.1f} s)", flush=True)
    cov = {n: hits[n] / trials for n in free}
    if verbose:
        print(f"{name}: coverage {cov}, converged {conv}/{trials}, "
              f"mean chi2 {np.mean(chi2s):.1f} (dof {len(THETA) * 4 - len(free)})", flush=True)
    return cov, conv, chi2s


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_coverage(name):
    cov, conv, chi2s = run_scenario(name)
    assert conv == TRIALS
    for n, c in cov.items():
        assert c >= 0.90, (n, c)
    # the chi^2 distribution is right: mean within 4 standard errors of the dof
    dof = len(THETA) * 4 - len(SCENARIOS[name][2])
    assert abs(np.mean(chi2s) - dof) < 4 * math.sqrt(2 * dof / TRIALS)


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:] or list(SCENARIOS):
        run_scenario(name)
