"""The rays' centre next to a band extremum out of reach (models/rashba.py, fermi_centre):
just below the bottom of the upper band only the lower band's chord exists, and the chord's
midpoint sees the nearly singular 1/(eps - E_+) at the upper band's minimum as a sharp peak in
the ray angle (9-12 trapezoid levels, 30-90 ms a solve); centred there, the rays resolve it
radially. Same numbers, within the error estimates, and far fewer rays."""
import numpy as np
import pytest

import llgsot
from llgsot.models import rashba
from llgsot.solver.temperature import band_critical_energies

from conftest import TA


def _upper_bottom_eV(model, theta):
    return float(band_critical_energies(model, theta)[-1])


@pytest.mark.parametrize("theta", [0.37, 0.69, 1.33])
@pytest.mark.parametrize("below_meV", [1e-2, 1e-4, 1e-6])
def test_few_rays_just_below_the_upper_band(theta, below_meV):
    model = llgsot.RashbaFM(**TA)
    e = _upper_bottom_eV(model, theta) - below_meV * 1e-3
    r = llgsot.response(model, e, theta, regime="finite", rtol=1e-6)
    # the chord midpoint needed 512-4096 rays here (levels 6-9); the pocket centre 32-128
    assert r.diagnostics["nodes"] <= 256
    cy_mid = rashba.fermi_centre(*_args(model, e, theta), near_pocket=False)
    assert abs(r.diagnostics["centre"][1] - cy_mid) > 0.05  # the centre did move


def _args(model, e_eV, theta):
    p = model.internal()
    return (p.c, p.alpha, p.delta * np.sin(theta), p.delta * np.cos(theta), e_eV * 1e3)


@pytest.mark.parametrize("regime", ["dilute", "finite"])
@pytest.mark.parametrize("theta,below_meV", [(0.69, 1e-2), (1.33, 1e-3), (0.37, 1.0)])
def test_pocket_centre_agrees_with_chord_midpoint(monkeypatch, regime, theta, below_meV):
    """The same K and sigma from both centres, at a tight tolerance: the centre is a choice of
    quadrature, not of physics (the midpoint run is the slow, independent route)."""
    model = llgsot.RashbaFM(**TA)
    e = _upper_bottom_eV(model, theta) - below_meV * 1e-3
    new = llgsot.response(model, e, theta, regime=regime, rtol=1e-9)
    monkeypatch.setattr(rashba, "NEAR_POCKET", 0.0)  # never move: the chord midpoint
    old = llgsot.response(model, e, theta, regime=regime, rtol=1e-9)
    assert abs(new.diagnostics["centre"][1] - old.diagnostics["centre"][1]) > 0.05
    scale = np.abs(old.K).max()
    # both converged to 1e-9 of max|K| by their own estimates; allow 10x that
    assert np.abs(new.K - old.K).max() <= 10 * (1e-9 * scale + new.K_err.max() + old.K_err.max())
    s = np.abs(old.sigma).max()
    assert np.abs(new.sigma - old.sigma).max() <= 10 * (1e-9 * s + new.sigma_err.max()
                                                        + old.sigma_err.max())
