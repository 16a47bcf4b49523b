"""Finite temperature (docs/physics.md sec. 6): the Fermi-window average of the Fermi-surface term.

Checks against independent routes: the exact Fermi-window averages of a step and of a
polynomial, the analytic band extrema, the T -> 0 limit of the solver, the Sommerfeld
expansion with K'' from finite differences of the zero-temperature solver, and the smearing
of the Fig. 4(a) jump at theta_c.
"""
import math
import warnings

import numpy as np
import pytest
from scipy.optimize import brentq

from llgsot import RashbaFM, response
from llgsot.solver.temperature import (band_critical_energies, fermi, kelvin_to_ev,
                                       thermal_average)

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)
PACK = ("Kxx", "Kxy", "Kyx", "Kyy", "Kzx", "Kzy", "sxx", "sxy", "syx", "syy")


def _pack(r):
    return np.concatenate([r.K.ravel(), r.sigma.ravel()]), np.concatenate(
        [r.K_err.ravel(), r.sigma_err.ravel()])


# -- the quadrature on integrands with known averages ----------------------------------------
@pytest.mark.parametrize("edge_x", [-7.3, -0.4, 0.0, 2.9])
def test_step_is_smeared_into_the_fermi_function(edge_x):
    """int (-f') Theta(eps - e0) = f((e0 - mu)/kT): exactly the smeared jump, with the split at
    the edge; also the 10-90 % width of that step is 2 ln 9 kT = 4.39 kT."""
    kT, mu = 0.7, 1.3
    e0 = mu + edge_x * kT

    def step(eps):
        v = np.array([1.0 if eps > e0 else 0.0, 2.0 * (eps > e0) + eps])
        return v, np.zeros(2)

    val, err, info = thermal_average(step, kT, mu, -50.0, 80.0, edges=[e0], tol=1e-12)
    assert abs(val[0] - fermi(edge_x)) <= max(err[0], 1e-14)
    assert abs(val[1] - (2 * fermi(edge_x) + mu)) <= max(err[1], 1e-13)
    assert err[0] < 1e-10
    x10, x90 = brentq(lambda x: fermi(x) - 0.1, -20, 20), brentq(lambda x: fermi(x) - 0.9, -20, 20)
    assert x10 - x90 == pytest.approx(2 * math.log(9), rel=1e-12, abs=0)


def test_quadratic_gives_sommerfeld_exactly():
    """<eps^2> = mu^2 + (pi^2/3) kT^2 (Sommerfeld is exact for a quadratic)."""
    kT, mu = 0.03, 0.2

    def sq(eps):
        return np.array([eps * eps]), np.zeros(1)

    val, err, _ = thermal_average(sq, kT, mu, -10.0, 10.0, tol=1e-13)
    exact = mu**2 + math.pi**2 / 3 * kT**2
    assert abs(val[0] - exact) <= err[0] + 1e-15 * exact
    assert err[0] < 1e-11 * exact


def test_band_critical_energies_closed_forms():
    """theta = 0: E_+ minimum +Delta at k = 0; E_- has its Mexican-hat minimum
    -alpha^2/(4c) - c Delta^2/alpha^2 and a local maximum -Delta at k = 0 when alpha^2 > 2 c Delta.
    At theta > 0 the lowest value equals RashbaFM.band_bottom (a 2-d minimisation)."""
    m = RashbaFM(m_eff=0.8, alpha=4e-11, delta_xc=5e-3, impurity_density=5e14,
                 impurity_strength=0.065, cutoff=3.0)
    p = m.internal()
    assert p.alpha**2 > 2 * p.c * p.delta
    e = band_critical_energies(m, 0.0) * 1e3
    expected = sorted([-p.alpha**2 / (4 * p.c) - p.c * p.delta**2 / p.alpha**2, -p.delta, p.delta])
    np.testing.assert_allclose(e, expected, rtol=1e-9, atol=0)
    k = np.linspace(-2.0, 2.0, 400001)
    for th in (0.3, 1.1, 1.4, math.pi / 2):
        e = band_critical_energies(m, th)
        # brute force: extrema of E_pm on a fine k_y grid (k_x = 0)
        dx, dz = p.delta * math.sin(th), p.delta * math.cos(th)
        brute = []
        for s in (1, -1):
            E = p.c * k * k + s * np.sqrt((p.alpha * k - dx) ** 2 + dz**2)
            d = np.diff(E)
            brute += list(E[1:-1][np.sign(d[:-1]) != np.sign(d[1:])] * 1e-3)
        # (at theta = pi/2 the bands touch: one energy for two extrema)
        np.testing.assert_allclose(e, np.unique(np.round(brute, 12)), rtol=1e-6, atol=0)
        assert e[0] == pytest.approx(m.band_bottom(th), rel=1e-7, abs=0)
    m4 = RashbaFM(**FIG4)
    assert len(band_critical_energies(m4, 0.0)) == 2  # alpha^2 < 2 c Delta: no hat


def test_temperature_is_validated(ta_model):
    for bad in (-1.0, float("nan"), "warm"):  # a wrong type is a TypeError, as everywhere
        with pytest.raises((ValueError, TypeError), match="temperature"):
            response(ta_model, 0.0045, 0.3, temperature=bad)


# -- the solver at low temperature -------------------------------------------------------------
def test_zero_temperature_limit():
    """T = 1e-4 K (k_B T = 8.6 neV) equals T = 0 within the stated errors, for K, sigma and
    tau. (At 1e-3 K the Sommerfeld shift, ~1e-8 relative at theta = 0.3 where the upper band
    edge is 0.4 meV away, already exceeds the solver's 1e-10 errors.)"""
    m = RashbaFM(**FIG4)
    th = np.array([0.3, 1.2])
    r0 = response(m, 4.5e-3, th, regime="finite", rtol=1e-8)
    rT = response(m, 4.5e-3, th, regime="finite", rtol=1e-8, temperature=1e-4)
    assert rT.temperature == 1e-4 and rT.inputs()["temperature"] == 1e-4
    for i in range(len(th)):
        a = np.concatenate([r0.K[i].ravel(), r0.sigma[i].ravel()])
        ae = np.concatenate([r0.K_err[i].ravel(), r0.sigma_err[i].ravel()])
        b = np.concatenate([rT.K[i].ravel(), rT.sigma[i].ravel()])
        be = np.concatenate([rT.K_err[i].ravel(), rT.sigma_err[i].ravel()])
        assert np.all(np.abs(a - b) <= ae + be), np.abs(a - b) / (ae + be)
    for k in ("tau1e", "tau2e", "tau1o", "tau2o"):
        assert np.all(np.abs(r0.torque[k] - rT.torque[k]) <= r0.torque_err[k] + rT.torque_err[k])
        # and the errors are meaningful: far below the value
        assert np.all(rT.torque_err[k] < 1e-5 * np.abs(rT.torque[k]))


def test_sommerfeld_correction_where_smooth():
    """K(T) - K(0) = (pi^2/6)(k_B T)^2 K''(mu) + O(T^4) far from band edges (mu = 20 meV,
    theta = 0.5: the nearest edge is 15 meV = 18 k_B T away at 10 K). K'' from central
    differences of the T = 0 solver at h and h/2 (Richardson); the tolerance is the sum of the
    stated quadrature and solver errors, the finite-difference error estimate and the
    next Sommerfeld term (7 pi^4/360) (k_B T)^4 K''''."""
    m = RashbaFM(**FIG4)
    mu, th, T = 20e-3, 0.5, 10.0
    kT = kelvin_to_ev(T)
    rt = 1e-9

    def k0(e):
        return _pack(response(m, e, th, regime="finite", rtol=rt))

    f0, e0 = k0(mu)
    h = 2e-3
    fp, ep = k0(mu + h)
    fm, em = k0(mu - h)
    fp2, _ = k0(mu + h / 2)
    fm2, _ = k0(mu - h / 2)
    fpp_h = (fp - 2 * f0 + fm) / h**2
    fpp_h2 = (fp2 - 2 * f0 + fm2) / (h / 2) ** 2
    fpp = (4 * fpp_h2 - fpp_h) / 3  # Richardson: O(h^4)
    fd_err = np.abs(fpp_h2 - fpp_h) / 3 + 4 * (e0 + ep + em) / (h / 2) ** 2
    f4 = 12 * (fpp_h - fpp_h2) / (h**2 - (h / 2) ** 2)  # from K''_h = K'' + h^2 K''''/12
    rT = response(m, mu, th, regime="finite", rtol=rt, temperature=T)
    fT, eT = _pack(rT)
    som = math.pi**2 / 6 * kT**2 * fpp
    tol = eT + e0 + math.pi**2 / 6 * kT**2 * fd_err + 2 * 7 * math.pi**4 / 360 * kT**4 * np.abs(f4)
    dev = np.abs((fT - f0) - som)
    assert np.all(dev <= tol), (dev / tol)
    # sharper: the remainder IS the next term (its K'''' from the same differences, ~10 %)
    t4 = 7 * math.pi**4 / 360 * kT**4 * f4
    rest = np.abs((fT - f0) - som - t4)
    assert np.all(rest <= eT + e0 + math.pi**2 / 6 * kT**2 * fd_err + 0.1 * np.abs(t4)), rest / np.abs(t4)
    # the check has teeth: the correction itself is resolved in the large entries
    big = [PACK.index(k) for k in ("Kxy", "Kyx", "sxx")]
    assert np.all(np.abs(som[big]) > 10 * tol[big])


def test_build_table_passes_temperature_through():
    """A table at T > 0 holds the thermally averaged response and records T in its attrs."""
    from llgsot import build_table

    m = RashbaFM(**FIG4)
    ds = build_table(m, 20e-3, theta=[0.3, 0.6], regime="finite", executor="serial",
                     progress=False, temperature=10.0, rtol=1e-6)
    assert ds.attrs["temperature"] == 10.0
    r = response(m, 20e-3, np.array([0.3, 0.6]), regime="finite", rtol=1e-6, temperature=10.0)
    r0 = response(m, 20e-3, np.array([0.3, 0.6]), regime="finite", rtol=1e-6)
    np.testing.assert_array_equal(ds.K.values, r.K)
    # and it is not the zero-temperature table: the difference exceeds the errors
    assert np.all(np.abs(ds.K.values - r0.K)[:, 0:2, 1] > 10 * (r.K_err + r0.K_err)[:, 0:2, 1])
    with pytest.raises(ValueError, match="temperature"):
        build_table(m, 20e-3, theta=[0.3], temperature=-1.0, progress=False)


@pytest.mark.slow
def test_fig4_jump_is_smeared_at_room_temperature():
    """Fig. 4(a) (eps = 4.5 meV): at T = 0 tau1e jumps at theta_c, where the bottom E_0(theta)
    of the upper band crosses mu. At temperature T that step enters as
    Delta_tau f((E_0(theta) - mu)/k_B T): a ramp over an energy width 2 ln 9 k_B T = 4.39 k_B T
    (10-90 %) in E_0, i.e. over Delta_theta = 4.39 k_B T / |dE_0/dtheta| in angle. Measure used
    here: the change across theta_c +- d (d = 1e-6 rad). At 300 K the step part of it is
    Delta_tau |E_0'| 2d / (4 k_B T) ~ 1e-8 Delta_tau: the jump must be gone (< 1e-4 of it)."""
    m = RashbaFM(**FIG4)
    mu = 4.5e-3
    thc = brentq(lambda t: band_critical_energies(m, t)[-1] - mu, 0.5, 1.0, xtol=1e-14)
    d = 1e-6
    th = np.array([thc - d, thc + d])
    r0 = response(m, mu, th, regime="finite", rtol=1e-7)
    jump0 = r0.torque["tau1e"][1] - r0.torque["tau1e"][0]
    assert abs(jump0) > 0.3 * abs(r0.torque["tau1e"][0])  # a ~50 % jump at T = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # solver notes near the band bottom
        rT = response(m, mu, th, regime="finite", rtol=1e-6, temperature=300.0)
    jumpT = rT.torque["tau1e"][1] - rT.torque["tau1e"][0]
    e0p = abs(band_critical_energies(m, thc + 1e-4)[-1] - band_critical_energies(m, thc - 1e-4)[-1]) / 2e-4
    kT = kelvin_to_ev(300.0)
    predicted = abs(jump0) * e0p * 2 * d / (4 * kT)
    assert abs(jumpT) <= 1e-4 * abs(jump0) + predicted + rT.torque_err["tau1e"].sum()
