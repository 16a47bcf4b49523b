"""Fits of data at several azimuths ``phi`` (issue 19 item 5): current directions relative to
the crystal axes, for a model without C_inf_v symmetry (Rashba + Dresselhaus, C_2v).

Independent routes: :func:`llgsot.response` called by hand at each (theta, phi) for the
forward model (its rows, repeated and in any order, and the harmonic-Hall fields written out
with numpy); the rotation invariance of RashbaFM (its efficiencies in the frame rotated by phi
do not depend on phi). The synthetic fit draws seeded Gaussian noise on the solver's
efficiencies and checks that the 95 % intervals cover the truth (one seed: a smoke test;
a 95 % interval misses about one seed in twenty).
"""
import math

import numpy as np
import pytest
from scipy.stats import chi2 as chi2_dist

import llgsot
from llgsot.fitting import fit_hall_fields, fit_torques
from llgsot.fitting.hall import HallModel
from llgsot.fitting.torques import TorqueModel

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)
EPS = 10e-3  # eV: above both band edges at every m (no jumps), fast solves
KEYS = ("tau1e", "tau1o")


def rd(**kw):
    return llgsot.RashbaDresselhausFM(beta=0.5 * FIG4["alpha"], **{**FIG4, **kw})


def by_hand(model, th, ph, rtol=1e-9):
    """Efficiencies row by row, one response call per row."""
    out = {k: np.empty(len(th)) for k in KEYS}
    for i, (t, p) in enumerate(zip(th, ph)):
        r = llgsot.response(model, EPS, t, phi=p, regime="finite", rtol=rtol)
        for k in KEYS:
            out[k][i] = r.torque[k]
    return out


def torque_model(model, th, ph, rtol=1e-9):
    ones = {k: np.ones(len(th)) for k in KEYS}
    return TorqueModel(th, ones, ones, model, EPS, ["fermi_energy"], None, "finite", "tmatrix",
                       0.0, rtol, phi=ph)


def test_rows_at_several_phi_equal_the_response_row_by_row():
    """Repeated (theta, phi) pairs, a repeated theta at another phi, rows in no order."""
    th = np.array([0.3, 1.1, 0.3, 0.7, 1.1, 0.3])
    ph = np.array([0.0, 0.5, 0.5, -0.8, 0.5, 0.0])
    tm = torque_model(rd(), th, ph)
    assert len(tm.angles) == 4  # distinct (theta, phi) points, each solved once
    val, _ = tm.evaluate(np.zeros(1))
    ref = by_hand(rd(), th, ph)
    scale = {k: np.abs(ref[k]).max() for k in KEYS}
    for k in KEYS:
        assert np.abs(val[k] - ref[k]).max() <= 1e-7 * scale[k]  # both at rtol 1e-9
    # the azimuth matters for this model: the same theta at phi = 0 and 0.5 differs
    assert abs(ref["tau1o"][0] - ref["tau1o"][2]) > 0.05 * scale["tau1o"]


def test_rotation_invariant_model_is_the_same_at_every_phi():
    th = np.array([0.3, 0.9, 1.4])
    a = torque_model(llgsot.RashbaFM(**FIG4), th, 0.0).evaluate(np.zeros(1))[0]
    b = torque_model(llgsot.RashbaFM(**FIG4), th, [0.7, -2.0, 0.7]).evaluate(np.zeros(1))[0]
    for k in KEYS:
        assert np.abs(a[k] - b[k]).max() <= 1e-7 * np.abs(a[k]).max()


def test_phi_is_validated():
    th = np.array([0.3, 0.9])
    with pytest.raises(ValueError, match="phi"):
        torque_model(rd(), th, [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="phi"):
        torque_model(rd(), th, [0.0, np.nan])


def test_fit_of_alpha_and_beta_from_data_at_three_current_directions():
    """Current along [100], [110] and [1-10] (phi = 0, +-pi/4), 2 % noise: both couplings
    inside their 95 % profile intervals, chi^2 consistent with its dof."""
    truth = rd()
    th1 = np.linspace(0.2, 1.4, 4)
    phis = np.array([0.0, math.pi / 4, -math.pi / 4])
    th, ph = np.tile(th1, 3), np.repeat(phis, th1.size)
    exact = by_hand(truth, th, ph)
    rng = np.random.default_rng(5)
    sig = {k: np.full(th.size, 0.02 * np.abs(x).max()) for k, x in exact.items()}
    data = {k: exact[k] + sig[k] * rng.standard_normal(th.size) for k in KEYS}
    start = truth.with_(alpha=1.3 * FIG4["alpha"], beta=0.35 * FIG4["alpha"])
    res = fit_torques(th, data, sig, start, EPS, ["alpha", "beta"], phi=ph, n_starts=1)
    assert res.converged and res.dof == 2 * th.size - 2
    for name in ("alpha", "beta"):
        lo, hi = res.ci[name]
        assert lo < getattr(truth, name) < hi, (name, lo, hi)
    assert chi2_dist.sf(res.chi2, res.dof) > 1e-3
    assert res.settings["phi"] == ph.tolist()


def test_hall_fields_at_an_azimuth_by_hand():
    """B = Delta_xc |e| t_NM J K sigma^-1 jhat / (Ms d), jhat = (cos phi, sin phi, 0),
    p = z x jhat: B_DL = B.(m x p), B_FL = B.p, m at (theta, phi)."""
    from scipy.constants import e as qe

    th = np.array([0.2, 0.9, 0.2])
    ph = np.array([0.0, math.pi / 4, 1.0])
    J, Ms, d, t = 2e11, 8e5, 1.2e-9, 5e-9
    ones = {"B_DL": np.ones(3), "B_FL": np.ones(3)}
    tm = HallModel(th, ones, ones, rd(), EPS, ["fermi_energy"], None, "finite", "tmatrix", 0.0,
                   1e-9, current_density=J, Ms=Ms, thickness=d, nm_thickness=t, phi=ph)
    val, err = tm.evaluate(np.zeros(1))
    for i, (a, p) in enumerate(zip(th, ph)):
        r = llgsot.response(rd(), EPS, a, phi=p, regime="finite", rtol=1e-9)
        jhat = np.array([math.cos(p), math.sin(p), 0.0])
        B = 5e-3 * qe * t * J / (Ms * d) * (r.K @ np.linalg.solve(r.sigma, jhat[:2]))
        m = np.array([math.sin(a) * math.cos(p), math.sin(a) * math.sin(p), math.cos(a)])
        pol = np.cross([0.0, 0.0, 1.0], jhat)
        assert val["B_DL"][i] == pytest.approx(B @ np.cross(m, pol), rel=1e-9, abs=0)
        assert val["B_FL"][i] == pytest.approx(B @ pol, rel=1e-9, abs=0)
        assert err["B_FL"][i] < 1e-6 * abs(val["B_FL"][i])
    # rows 0 and 2: same theta, other azimuth: other fields (the C_2v model)
    assert abs(val["B_FL"][0] - val["B_FL"][2]) > 0.05 * abs(val["B_FL"][0])


def test_hall_fit_at_two_current_directions():
    """fit_hall_fields with rows at phi = pi/4 and -pi/4 ([110] and [1-10]): the two
    couplings inside their intervals."""
    truth = rd()
    th1 = np.linspace(0.2, 1.4, 4)
    th, ph = np.tile(th1, 2), np.repeat([math.pi / 4, -math.pi / 4], th1.size)
    dev = dict(current_density=1e11, Ms=1e6, thickness=1e-9, nm_thickness=4e-9)
    ones = {"B_DL": np.ones(th.size), "B_FL": np.ones(th.size)}
    tm = HallModel(th, ones, ones, truth, EPS, ["fermi_energy"], None, "finite", "tmatrix",
                   0.0, 1e-9, phi=ph, **dev)
    exact, _ = tm.evaluate(np.zeros(1))
    rng = np.random.default_rng(21)
    sig = {k: np.full(th.size, 0.02 * np.abs(x).max()) for k, x in exact.items()}
    data = {k: exact[k] + sig[k] * rng.standard_normal(th.size) for k in exact}
    res = fit_hall_fields(th, data, sig, model=truth.with_(alpha=1.3 * FIG4["alpha"],
                                                           beta=0.35 * FIG4["alpha"]),
                          fermi_energy=EPS, free=["alpha", "beta"], n_starts=1, phi=ph, **dev)
    assert res.converged and res.quantity == "field"
    for name in ("alpha", "beta"):
        assert res.ci[name][0] < getattr(truth, name) < res.ci[name][1], name
