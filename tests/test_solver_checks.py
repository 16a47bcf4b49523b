"""The checks of docs/physics.md section 4 (items 1-7) against independent expectations."""
import math
import warnings

import numpy as np
import pytest

import llgsot
from llgsot import RashbaFM
from llgsot.constants import ELECTRON_CHARGE as e
from llgsot.constants import EV, HBAR, HBAR2_2ME_MEV_NM2, M_ELECTRON
from llgsot.solver.response import K_TO_SI, _PointSolver

from conftest import TA

W_SI = lambda w_eVnm2: w_eVnm2 * EV * 1e-18  # noqa: E731  (eV nm^2 -> J m^2)


# --- 1. Drude ------------------------------------------------------------------------------
@pytest.mark.parametrize("approximation", ["born", "tmatrix"])
def test_drude(approximation):
    """sigma_xx = e^2 hbar eps/(pi n m* W^2) for alpha, Delta -> 0; in tmatrix times |1 - W g0|^2.

    With alpha = 0.1 meV nm and Delta = 0.01 meV at eps = 10 meV the neglected corrections
    are alpha^2 m*/(hbar^2 eps) ~ 1e-5 and (Delta/eps)^2 ~ 1e-6: tolerance 1e-4.
    """
    m_eff, n, w, eps, kc = 0.8, 1e15, 0.02, 10e-3, 3.0
    model = RashbaFM(m_eff=m_eff, alpha=1e-13, delta_xc=1e-5, impurity_density=n,
                     impurity_strength=w, cutoff=kc)
    r = llgsot.response(model, eps, 0.0, approximation=approximation)
    drude = e**2 * HBAR * eps * EV / (math.pi * n * m_eff * M_ELECTRON * W_SI(w) ** 2)
    if approximation == "tmatrix":
        # scalar clean g0 of a parabolic band on the disc |k| < kc (per spin, SI):
        # g0 = m*/(2 pi hbar^2) [ln(eps/(Ec - eps)) - i pi], Ec = hbar^2 kc^2/(2 m*)
        c = HBAR2_2ME_MEV_NM2 / m_eff  # meV nm^2
        ec = c * kc**2
        g0 = (math.log(10.0 / (ec - 10.0)) - 1j * math.pi) / (4 * math.pi * c)  # 1/(meV nm^2)
        drude *= abs(1 - (w * 1e3) * g0) ** 2
    assert r.sigma[0, 0] == pytest.approx(drude, rel=1e-4, abs=0)
    assert r.sigma[1, 1] == pytest.approx(drude, rel=1e-4, abs=0)


# --- 2. Edelstein --------------------------------------------------------------------------
@pytest.mark.parametrize("eps,delta", [(50e-3, 1e-3), (20e-3, 5e-3), (8e-3, 1e-3)])
def test_edelstein_born(eps, delta):
    """K_xy = -K_yx = e alpha/(pi n W^2) (docs/physics.md check 2). With both bands occupied the
    Born ladder gives it exactly, for any eps and Delta; tolerance = quadrature rtol x 10."""
    model = RashbaFM(0.8, 1.7e-11, delta, 5e14, 0.01, 6.0)
    r = llgsot.response(model, eps, 0.0, approximation="born", rtol=1e-9)
    expect = e * (1.7e-11 * EV) / (math.pi * 5e14 * W_SI(0.01) ** 2)
    assert r.K[0, 1] == pytest.approx(expect, rel=1e-8, abs=0)
    assert r.K[1, 0] == pytest.approx(-expect, rel=1e-8, abs=0)


def test_edelstein_tmatrix_carries_w_inverse_correction():
    """tmatrix: K_xy/K_xy(Born) - 1 is O(W g0): linear in W at weak scattering."""
    dev = []
    for w in (2e-3, 4e-3):
        model = RashbaFM(0.8, 5e-12, 5e-4, 5e14, w, 6.0)
        kt = llgsot.response(model, 0.1, 0.0).K[0, 1]
        kb = llgsot.response(model, 0.1, 0.0, approximation="born").K[0, 1]
        dev.append(kt / kb - 1)
    assert dev[0] != 0
    # linear in W: doubling W doubles the deviation, up to O((W g0)^2) ~ 2 %
    assert dev[1] / dev[0] == pytest.approx(2.0, rel=0.05)


# --- 3. Born zeros -------------------------------------------------------------------------
@pytest.mark.parametrize("theta", [0.0, 0.7, 2.0])
def test_born_zeros_above_gap(ta_model, theta):
    """Born, both bands occupied: K_xx = K_yy = K_zx = K_zy = 0 (rounding ~ 1e-13 |K_xy|)."""
    r = llgsot.response(ta_model, 5.5e-3 if theta == 0 else 8e-3, theta, approximation="born")
    scale = abs(r.K[0, 1])
    for a, b in [(0, 0), (1, 1), (2, 0), (2, 1)]:
        assert abs(r.K[a, b]) <= 1e-10 * scale, (a, b, r.K)


def test_born_inside_gap_is_not_zero(ta_model):
    """The zeros are a two-band property: inside the spin gap Born gives K_zy != 0."""
    r = llgsot.response(ta_model, 4.5e-3, 0.7, approximation="born")
    assert abs(r.K[2, 1]) > 1e-3 * abs(r.K[0, 1])


# --- 4. Symmetry at theta = 0 --------------------------------------------------------------
@pytest.mark.parametrize("eps", [4.5e-3, 5.5e-3])
def test_symmetry_theta_zero(ta_model, eps):
    r = llgsot.response(ta_model, eps, 0.0)
    K = r.K
    tol = 1e-12 * abs(K).max()
    assert abs(K[0, 0] - K[1, 1]) <= tol
    assert abs(K[0, 1] + K[1, 0]) <= tol
    assert abs(K[2, 0]) <= tol and abs(K[2, 1]) <= tol
    # anomalous Hall from skew scattering in tmatrix, none in born
    s = r.sigma
    assert abs(s[0, 1] + s[1, 0]) <= 1e-12 * s[0, 0]
    assert abs(s[0, 1]) > 1e-4 * s[0, 0]
    sb = llgsot.response(ta_model, eps, 0.0, approximation="born").sigma
    assert abs(sb[0, 1]) <= 1e-12 * sb[0, 0]


# --- 5. Weak-scattering scaling and the printed prefactors ---------------------------------
C_TA = HBAR2_2ME_MEV_NM2 / 0.8  # meV nm^2
MS = 1 / (2 * C_TA)  # m* in hbar = 1 internal units


def _lim_nK(alpha, delta, eps, w, theta, kc=6.0):
    """lim n K in internal units (meV^-1 nm^-3); arguments in meV, meV nm, meV nm^2."""
    model = RashbaFM(0.8, alpha * 1e-12, delta * 1e-3, 5e14, w * 1e-3, kc)
    K = _PointSolver(model, eps * 1e-3, "tmatrix", "dilute", 1e-10)(theta)[0]
    return K / K_TO_SI * 5e-4


def test_weak_scattering_powers():
    """K_xy ~ W^-2, K_zy ~ W^-1, K_xx ~ W^0, K_zx ~ W^0 (P-33); slopes between W and 2W at
    W g0 ~ 0.02 carry O(W g0) corrections: tolerance 0.1 on each exponent."""
    a, d, eps, th = 5.0, 0.5, 100.0, 0.05
    k1 = _lim_nK(a, d, eps, 2.0, th)
    k2 = _lim_nK(a, d, eps, 4.0, th)
    slope = np.log(np.abs(k2 / k1)) / np.log(2.0)
    assert slope[0, 1] == pytest.approx(-2, abs=0.1)
    assert slope[2, 1] == pytest.approx(-1, abs=0.1)
    assert slope[0, 0] == pytest.approx(0, abs=0.1)
    assert slope[2, 0] == pytest.approx(0, abs=0.1)


def _printed(regime, al, D, eps, u, th):
    """2 A of (P-33)/(P-35) = lim n K_int predicted, times the convention factor -2
    (docs/physics.md sec. 4): lim n K_int = (2 pi/e) (-2) (-(e/(2 pi n))) A n = 2 A."""
    dx, dz = D * math.sin(th), D * math.cos(th)
    pi = math.pi
    if regime == "P33":
        A = [[-MS**2 * dz * al / (2 * pi * eps), al / u**2],
             [-al / u**2, -MS**2 * dz * al / (2 * pi * eps)],
             [MS * dx * dz**2 / (4 * pi * al * eps**2), -dx * dz / (2 * pi * u * al * eps)]]
    else:
        A = [[-MS**3 * al**3 / (2 * pi * dz), al / u**2],
             [-al / u**2, -MS**3 * al**3 / (2 * pi * dz)],
             [MS**2 * al * dx / (4 * pi * eps), -MS * al * dx / (2 * pi * u * dz)]]
    return 2 * np.array(A)


@pytest.mark.parametrize("regime,params", [
    # Delta_x << Delta_z << alpha k_F << eps: alpha k_F/eps = 0.07, Delta_z/(alpha k_F) = 0.07
    ("P33", (5.0, 0.5, 100.0, 0.05)),
    # Delta_x << alpha k_F << Delta_z << eps: Delta_z/eps = 0.1, alpha k_F/Delta_z = 0.04
    ("P35", (0.3, 10.0, 100.0, 0.002)),
])
def test_printed_weak_scattering_prefactors(regime, params):
    """Every entry of (P-33)/(P-35), times -2, within 12 %: the leading corrections are
    O(alpha k_F/eps, Delta_z/eps, Delta_z/(alpha k_F)) ~ 0.1 and O(W g0) ~ 0.02."""
    al, D, eps, th = params
    K = _lim_nK(al, D, eps, 2.0, th)
    P = _printed(regime, al, D, eps, 2.0, th)
    ratio = K / P
    assert np.all(np.abs(ratio - 1) < 0.12), ratio


# --- 6. Rotation covariance and the theta -> pi - theta parities ---------------------------
@pytest.mark.parametrize("regime", ["dilute", "finite"])
@pytest.mark.parametrize("eps", [4.5e-3, 5.5e-3])
def test_rotation_rule_against_direct_solve(ta_model, regime, eps):
    """K(th, ph) = R3 K(th, 0) R2^T against a direct solve with the exchange field at phi."""
    rot = llgsot.response(ta_model, eps, 0.7, phi=1.1, regime=regime, rtol=1e-9)
    K, Ke, S, Se, _ = _PointSolver(ta_model, eps, "tmatrix", regime, 1e-9)(0.7, 1.1)
    assert np.all(np.abs(rot.K - K) <= Ke + rot.K_err + 1e-12 * abs(K).max())
    assert np.all(np.abs(rot.sigma - S) <= Se + rot.sigma_err + 1e-12 * abs(S).max())


def test_parity_theta_to_pi_minus_theta(ta_model):
    th = np.array([0.3, 0.9, 1.3])
    a = llgsot.response(ta_model, 4.5e-3, th)
    b = llgsot.response(ta_model, 4.5e-3, np.pi - th)
    tol = 1e-9 * abs(a.K).max()
    odd = [(0, 0), (1, 1), (2, 1)]
    even = [(0, 1), (1, 0), (2, 0)]
    for i, j in odd:
        assert np.all(np.abs(a.K[:, i, j] + b.K[:, i, j]) <= tol)
    for i, j in even:
        assert np.all(np.abs(a.K[:, i, j] - b.K[:, i, j]) <= tol)
    for name in ("t1e", "t2e", "t1o", "t2o"):
        np.testing.assert_allclose(a.torque[name], b.torque[name], rtol=1e-8, atol=0)


# --- torque decomposition ------------------------------------------------------------------
def test_decomposition_reconstructs_torque(ta_model):
    """m x (K e) = t1o f x m + t2o m x (z x m)(m.e) + t1e m x (f x m) + t2e (z x m)(m.e),
    f = z x e, for e = x and y (P-3 with the coefficients of P-4), to rounding."""
    th = np.array([0.2, 0.7, 1.2, 2.1, 2.9])
    r = llgsot.response(ta_model, 5.5e-3, th)
    z = np.array([0.0, 0.0, 1.0])
    for i, t in enumerate(th):
        m = np.array([math.sin(t), 0.0, math.cos(t)])
        c = {k: r.torque[k][i] for k in ("t1e", "t2e", "t1o", "t2o")}
        for col, ev in enumerate((np.array([1.0, 0, 0]), np.array([0, 1.0, 0]))):
            f = np.cross(z, ev)
            T = (c["t1o"] * np.cross(f, m) + c["t2o"] * np.cross(m, np.cross(z, m)) * (m @ ev)
                 + c["t1e"] * np.cross(m, np.cross(f, m)) + c["t2e"] * np.cross(z, m) * (m @ ev))
            np.testing.assert_allclose(T, np.cross(m, r.K[i, :, col]), rtol=0,
                                       atol=1e-9 * abs(r.K).max())


def test_torque_limits_at_poles_are_finite_and_continuous(ta_model):
    """At theta = 0, pi/2, pi the coefficients are removable limits: finite, and equal to
    the smooth even continuation of their neighbours. Reference: polynomial extrapolation in
    (theta - pole)^2 from h, 2h, 3h (h = 0.04); its error is estimated by the difference to
    the two-point extrapolation from h, 2h."""
    poles = np.array([0.0, np.pi / 2, np.pi])
    r = llgsot.response(ta_model, 5.5e-3, poles)
    for name in ("t1e", "t2e", "t1o", "t2o"):
        assert np.all(np.isfinite(r.torque[name]))
        assert np.all(np.isfinite(r.torque["tau" + name[1:]]))
    h = 0.04
    for p in (0.0, np.pi / 2):
        s = llgsot.response(ta_model, 5.5e-3, p + h * np.array([1.0, 2.0, 3.0]))
        at = llgsot.response(ta_model, 5.5e-3, p)
        for name in ("t1e", "t2e", "t1o", "t2o"):
            a, b, c = s.torque[name]
            two = (4 * a - b) / 3
            three = (15 * a - 6 * b + c) / 10  # Lagrange in s = x^2 at s = 1, 4, 9 -> 0
            err = abs(three - two) + 1e-8 * abs(a)
            assert abs(at.torque[name] - three) <= 3 * err, (name, p)


# --- 7. dilute vs finite -------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:angular quadrature did not reach")  # rtol 1e-9 near rounding
@pytest.mark.parametrize("eps,theta,approximation", [
    (5.5e-3, 0.7, "tmatrix"), (4.5e-3, 0.0, "tmatrix"), (4.5e-3, 0.7, "born"),
])
def test_finite_converges_to_dilute(eps, theta, approximation):
    """n K(finite) = n K(dilute) + a n + O(n^2): the Richardson extrapolation 2 f(n/2) - f(n)
    from two small densities matches the dilute result within its own error estimate
    (difference of two Richardson values) plus rounding."""
    base = RashbaFM(**TA)
    dil = llgsot.response(base, eps, theta, approximation=approximation)
    nKd = dil.K * base.impurity_density
    f = {}
    for n in (4e13, 2e13, 1e13):
        m = base.with_(impurity_density=n)
        f[n] = llgsot.response(m, eps, theta, approximation=approximation,
                               regime="finite", rtol=1e-9).K * n
    r1 = 2 * f[2e13] - f[4e13]
    r2 = 2 * f[1e13] - f[2e13]
    scale = abs(nKd).max()
    err = np.abs(r2 - r1) + 1e-6 * scale
    assert np.all(np.abs(r2 - nKd) <= 3 * err), (r2 / nKd - 1)
    # and the unextrapolated deviation really is linear in n (halves with n)
    d1 = np.abs(f[2e13] - nKd).max()
    d2 = np.abs(f[1e13] - nKd).max()
    assert d2 / d1 == pytest.approx(0.5, abs=0.1)


# --- error estimates -----------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:angular quadrature did not reach")  # rtol 1e-12: rounding
@pytest.mark.parametrize("regime", ["dilute", "finite"])
@pytest.mark.parametrize("eps,theta", [(4.5e-3, 0.7), (5.5e-3, 1.5), (4.5e-3, 0.3)])
def test_error_estimates_are_honest(ta_model, regime, eps, theta):
    """A much finer evaluation lies within the stated error of a coarse one."""
    coarse = llgsot.response(ta_model, eps, theta, regime=regime, rtol=1e-4)
    fine = llgsot.response(ta_model, eps, theta, regime=regime, rtol=1e-12)
    assert np.all(np.abs(coarse.K - fine.K) <= coarse.K_err)
    assert np.all(np.abs(coarse.sigma - fine.sigma) <= coarse.sigma_err)
    assert np.all(coarse.K_err <= 1e-4 * abs(coarse.K).max() * 10)


def test_theta_array_matches_scalar_calls(ta_model):
    th = np.array([0.0, 0.4, np.pi / 2, 2.5])
    batch = llgsot.response(ta_model, 4.5e-3, th)
    assert batch.K.shape == (4, 3, 2) and batch.sigma.shape == (4, 2, 2)
    for i, t in enumerate(th):
        one = llgsot.response(ta_model, 4.5e-3, t)
        np.testing.assert_array_equal(one.K, batch.K[i])
        assert one.torque["t2o"] == batch.torque["t2o"][i]


def test_csc_efficiency_definition(ta_model):
    r = llgsot.response(ta_model, 5.5e-3, 0.5)
    th = r.csc_efficiency(5e4)
    np.testing.assert_allclose(th, -2 * e * 5e4 * r.K / r.sigma[0, 0], rtol=1e-15)
    with pytest.raises(ValueError, match="fermi_velocity"):
        r.csc_efficiency(-1.0)


# --- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,word", [
    (dict(theta=-0.1), "theta"), (dict(theta=3.5), "theta"), (dict(theta=float("nan")), "theta"),
    (dict(fermi_energy=-0.02), "fermi_energy"), (dict(fermi_energy=float("inf")), "fermi_energy"),
    (dict(approximation="nope"), "approximation"), (dict(regime="sometimes"), "regime"),
    (dict(rtol=0.5), "rtol"),
])
def test_bad_input(ta_model, kwargs, word):
    args = dict(fermi_energy=5.5e-3, theta=0.7)
    args.update(kwargs)
    with pytest.raises(ValueError, match=word):
        llgsot.response(ta_model, **args)


def test_cutoff_too_small_is_an_error():
    model = RashbaFM(**{**TA, "cutoff": 0.3})
    with pytest.raises(ValueError, match="cutoff"):
        llgsot.response(model, 5.5e-3, 0.7)


def test_finite_regime_warns_outside_validity():
    strong = RashbaFM(**{**TA, "impurity_density": 5e16})
    with pytest.warns(RuntimeWarning, match="eps tau"):
        llgsot.response(strong, 5.5e-3, 0.7, regime="finite", rtol=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        llgsot.response(RashbaFM(**TA), 5.5e-3, 0.7, regime="finite", rtol=1e-5)


def test_p34_tau2o_scales_as_inverse_eps_squared():
    """(P-34) prints tau2o ~ eps^-1, which is dimensionally wrong; from (P-33) it must be
    eps^-2. Measured exponent between eps = 100 and 200 meV: corrections O(W g0 ln eps) ~ 0.1
    separate it clearly from 1."""
    m = RashbaFM(0.8, 5e-12, 0.5e-3, 5e14, 2e-3, 8.0)
    t1 = llgsot.response(m, 0.1, 0.05, rtol=1e-10).torque
    t2 = llgsot.response(m, 0.2, 0.05, rtol=1e-10).torque
    assert math.log2(abs(t1["tau2o"] / t2["tau2o"])) == pytest.approx(2.0, abs=0.15)
    assert math.log2(abs(t1["tau1o"] / t2["tau1o"])) == pytest.approx(1.0, abs=0.05)
