"""The model interface and the two new models (issue 18): checks against independent routes.

Closed forms derived in docs/models.md (Boltzmann with the exact transport time of a massive
Dirac band; the k_x <-> k_y mirror map of pure Dresselhaus onto Rashba; Edelstein linear in
alpha, beta). Tolerances are the stated error estimates or the size of the neglected order.
"""
import math
import warnings

import numpy as np
import pytest

import llgsot
from llgsot.constants import E_CHARGE, EV, HBAR
from llgsot.models import MODELS, TwoBandModel, model_from_attrs

E = -E_CHARGE  # electron charge, e < 0
RASHBA = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
              impurity_strength=0.065, cutoff=3.0)
DIRAC = dict(velocity=4e5, delta_xc=1e-3, impurity_density=1e14, impurity_strength=0.02,
             cutoff=1.0)


def test_interface_and_compat():
    from llgsot.model import RashbaFM as Old

    assert Old is llgsot.RashbaFM
    assert set(MODELS) == {"rashba", "rashba_dresselhaus", "dirac"}
    for cls in MODELS.values():
        assert issubclass(cls, TwoBandModel)
    m = llgsot.RashbaFM(**RASHBA)
    assert m.rotation_invariant and m.point_group == "C_inf_v"
    rd = llgsot.RashbaDresselhausFM(0.8, 1e-11, 0.5e-11, 5e-3, 5e14, 0.065, 3.0)
    assert not rd.rotation_invariant and rd.point_group == "C_2v"
    d = llgsot.DiracFM(**DIRAC)
    assert model_from_attrs(d.attrs()) == d
    assert model_from_attrs(m.as_dict()) == m  # files without model_kind hold a RashbaFM


def test_dirac_edelstein_weak_disorder():
    """Born, dilute, m along z: Boltzmann with the massive-Dirac transport time,
    K_yx = -K_xy = e hbar v sin^2(b) / (4 pi n W^2 X), cos b = Delta/eps,
    X = (1 + cos^2 b)/2 - sin^2(b)/4 (X = 1/4 massless: e hbar v/(pi n W^2))."""
    d = llgsot.DiracFM(**DIRAC)
    eps = 0.05
    r = llgsot.response(d, eps, 0.0, approximation="born", rtol=1e-9)
    cb2 = (DIRAC["delta_xc"] / eps) ** 2
    X = (1 + cb2) / 2 - (1 - cb2) / 4
    W = DIRAC["impurity_strength"] * EV * 1e-18
    K0 = E * HBAR * DIRAC["velocity"] * (1 - cb2) / (4 * math.pi * DIRAC["impurity_density"] * W**2 * X)
    tol = 1e-12 + 10 * r.K_err[1, 0] / abs(K0)
    assert abs(r.K[1, 0] / K0 - 1) < tol  # measured 2e-16
    assert abs(-r.K[0, 1] / K0 - 1) < tol


def test_dirac_continuous_to_c_zero():
    """DiracFM(m_eff) -> DiracFM(None): the difference falls like 1/m_eff (c -> 0)."""
    d = llgsot.DiracFM(**DIRAC)
    r0 = llgsot.response(d, 0.05, 0.7, rtol=1e-9)
    diffs = []
    for me in (1e2, 1e3):
        rm = llgsot.response(d.with_(m_eff=me), 0.05, 0.7, rtol=1e-9)
        diffs.append(np.abs(rm.K - r0.K).max() / np.abs(r0.K).max())
        g0m, g00 = rm.diagnostics["g0"], r0.diagnostics["g0"]  # the local Green's function,
        assert np.abs(g0m - g00).max() < 1e-2 * 1e2 / me * np.abs(g00).max()  # 2.2e-3 at 1e2
    assert diffs[0] < 2e-3  # measured 5.3e-4
    assert 8 < diffs[0] / diffs[1] < 12  # linear in c = hbar^2/(2 m*)


def test_dirac_tmatrix_to_born_and_finite_to_dilute():
    d = llgsot.DiracFM(**DIRAC)
    rel = []
    for w in (0.02, 0.002):
        a = llgsot.response(d.with_(impurity_strength=w), 0.05, 0.7, rtol=1e-9)
        b = llgsot.response(d.with_(impurity_strength=w), 0.05, 0.7, approximation="born", rtol=1e-9)
        rel.append(abs(a.K[0, 1] / b.K[0, 1] - 1))
    assert rel[1] < 2e-3 and 8 < rel[0] / rel[1] < 12  # O(W~ Re g0): measured 7.6e-3, 7.6e-4
    rel = []
    for n in (1e14, 1e13):
        dn = d.with_(impurity_density=n)
        with warnings.catch_warnings():  # n = 1e13: rtol reached only to ~2e-7 (K_err)
            warnings.simplefilter("ignore", RuntimeWarning)
            a = llgsot.response(dn, 0.05, 0.7, regime="finite", rtol=1e-7)
        b = llgsot.response(dn, 0.05, 0.7, rtol=1e-9)
        assert a.K_err[0, 1] < 1e-2 * abs(a.K[0, 1] - b.K[0, 1])
        rel.append(abs(a.K[0, 1] / b.K[0, 1] - 1))
    assert rel[1] < 2e-5 and 8 < rel[0] / rel[1] < 12  # O(n): measured 8.0e-5, 8.0e-6


def test_dirac_refuses_gap():
    d = llgsot.DiracFM(**DIRAC)
    with pytest.raises(ValueError, match="gap"):
        llgsot.response(d, 0.5e-3, 0.0)


def test_rd_beta_zero_is_rashba():
    rd = llgsot.RashbaDresselhausFM(beta=0.0, **RASHBA)
    ra = llgsot.RashbaFM(**RASHBA)
    for phi in (0.0, 0.3):
        a = llgsot.response(rd, 5.5e-3, 0.7, phi=phi, rtol=1e-9)
        b = llgsot.response(ra, 5.5e-3, 0.7, phi=phi, rtol=1e-9)
        assert np.all(np.abs(a.K - b.K) <= a.K_err + b.K_err + 1e-13 * np.abs(b.K).max())
        assert np.all(np.abs(a.sigma - b.sigma) <= a.sigma_err + b.sigma_err
                      + 1e-13 * np.abs(b.sigma).max())


@pytest.mark.parametrize("phi", [0.0, 0.3])
def test_rd_alpha_zero_mirror_map(phi):
    """beta (k_x s_x - k_y s_y) with k_x <-> k_y is alpha (k_x s_y - k_y s_x) at alpha = -beta:
    K^D(m)[:, b] = K^R(m)[:, P b], sigma^D_ab = sigma^R_{Pa, Pb}, P swaps x and y (solved at
    phi directly for RD, by the rotation rule for Rashba)."""
    par = dict(RASHBA, alpha=-1.2e-11)
    rd = llgsot.RashbaDresselhausFM(**dict(par, alpha=0.0, beta=1.2e-11))
    a = llgsot.response(rd, 6e-3, 0.7, phi=phi, rtol=1e-9)
    b = llgsot.response(llgsot.RashbaFM(**par), 6e-3, 0.7, phi=phi, rtol=1e-9)
    assert np.all(np.abs(a.K - b.K[:, ::-1]) <= a.K_err + b.K_err[:, ::-1] + 1e-13 * np.abs(b.K).max())
    assert np.all(np.abs(a.sigma - b.sigma[::-1, ::-1])
                  <= a.sigma_err + b.sigma_err + 1e-13 * np.abs(b.sigma).max())


def test_rd_depends_on_azimuth_beyond_rotation():
    rd = llgsot.RashbaDresselhausFM(0.8, 1.2e-11, 0.6e-11, 5e-3, 5e14, 0.065, 3.0)
    a = llgsot.response(rd, 6e-3, 0.7, phi=0.5, rtol=1e-8)
    b = llgsot.response(rd, 6e-3, 0.7, phi=0.0, rtol=1e-8)
    from llgsot.spinorbit import rotate

    Kr, _ = rotate(b.K, b.sigma, 0.5)
    assert np.abs(a.K - Kr).max() > 100 * (a.K_err.max() + b.K_err.max())


def test_rd_nonmagnetic_edelstein():
    """Weak disorder, Born, Delta -> 0, alpha k_F, beta k_F << eps: linear in (alpha, beta),
    K = e/(pi n W^2) [[-beta, alpha], [-alpha, beta]] (Edelstein at beta = 0 plus the mirror
    map; |K E| for E along [110] and [1-10] in the ratio |alpha - beta| : |alpha + beta|)."""
    al, be = 1.0e-12, 0.6e-12
    rd = llgsot.RashbaDresselhausFM(0.1, al, be, 1e-7, 1e14, 0.01, 3.0)
    r = llgsot.response(rd, 0.05, 0.0, approximation="born", rtol=1e-9)
    W = 0.01 * EV * 1e-18
    K = E / (math.pi * 1e14 * W**2) * np.array([[-be, al], [-al, be]]) * EV
    assert np.allclose(r.K[:2], K, rtol=1e-3, atol=0)  # corrections O((alpha k_F/eps)^2, Delta)


def test_build_table_of_anisotropic_model_is_a_sphere_table():
    """Not rotation invariant: build_table makes a sphere table (tests/test_tables_rd.py),
    whose grid is adaptive, so a given theta grid is refused naming the sphere table."""
    rd = llgsot.RashbaDresselhausFM(0.8, 1.2e-11, 0.6e-11, 5e-3, 5e14, 0.065, 3.0)
    with pytest.raises(ValueError, match="theta.*sphere table"):
        llgsot.build_table(rd, 6e-3, theta=3, progress=False)


def test_dirac_table_roundtrip(tmp_path):
    d = llgsot.DiracFM(**DIRAC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ds = llgsot.build_table(d, 0.05, theta=5, progress=False, executor="serial", rtol=1e-7)
    p = tmp_path / "d.nc"
    llgsot.save_table(ds, p)
    back = llgsot.load_table(p)
    assert back.attrs["model_kind"] == "dirac"
    assert model_from_attrs(back.attrs) == d


@pytest.mark.parametrize("delta", [6e-3, 15e-3, 24e-3])
def test_dirac_anomalous_hall_nca(delta):
    """Massive Dirac band, m along z, Fermi level eps in the band, Gaussian (Born) disorder in
    the non-crossing approximation: sigma_xy = -(4 e^2/h) eps D (eps^2 + D^2)/(eps^2 + 3 D^2)^2
    (Sinitsyn et al. PRB 75, 045315 (2007); Ado et al. EPL 111, 37004 (2015)), all of it the
    Fermi-surface term (the Fermi-sea term vanishes for eps in the band). It is O(n^0): the
    finite regime at small n (the dilute regime keeps only the O(1/n) part, here 0)."""
    eps = 30e-3
    d = llgsot.DiracFM(4e5, delta, 1e15, 0.02, 1.0)
    r = llgsot.response(d, eps, 0.0, approximation="born", regime="finite", rtol=1e-5)
    h = 2 * math.pi * HBAR
    s0 = -(4 * E_CHARGE**2 / h) * eps * delta * (eps**2 + delta**2) / (eps**2 + 3 * delta**2) ** 2
    # O(n) corrections at n = 1e15 m^-2: measured <= 1e-5 relative (and 1e-6 at n = 1e14)
    assert abs(r.sigma[0, 1] / s0 - 1) < 1e-4 + r.sigma_err[0, 1] / abs(s0)
    assert abs(r.sigma[1, 0] / s0 + 1) < 1e-4 + r.sigma_err[1, 0] / abs(s0)


@pytest.mark.parametrize("theta,phi", [(0.0, 0.0), (0.7, 0.3), (2.0, 1.9)])
def test_persistent_spin_helix_field_along_110(theta, phi):
    """alpha = beta: H = c k^2 + sqrt(2) beta k_- (s_x + s_y) ... depends on k_+ = (k_x + k_y)/sqrt(2)
    only through c k_+^2 (H is even in k_+ for every m), so a field along [110] induces no
    spin density and no current along [1-10]: K e_+ = 0 and sigma_{-+} = sigma_{+-} = 0."""
    rd = llgsot.RashbaDresselhausFM(0.8, 1e-11, 1e-11, 5e-3, 5e14, 0.065, 3.0)
    r = llgsot.response(rd, 8e-3, theta, phi=phi, rtol=1e-9)
    ep, em = np.array([1.0, 1.0]) / math.sqrt(2), np.array([1.0, -1.0]) / math.sqrt(2)
    Kp = r.K @ ep
    assert np.abs(Kp).max() < 1e-9 * np.abs(r.K).max() + 2 * r.K_err.max()  # measured ~1e-14
    assert abs(em @ r.sigma @ ep) < 1e-9 * np.abs(r.sigma).max() + 2 * r.sigma_err.max()
    assert abs(ep @ r.sigma @ em) < 1e-9 * np.abs(r.sigma).max() + 2 * r.sigma_err.max()


@pytest.mark.parametrize("regime", ["dilute", "finite"])
@pytest.mark.parametrize("beta,phi", [(1e-11, math.pi / 4), (1e-11, -3 * math.pi / 4),
                                      (-1e-11, -math.pi / 4), (-1e-11, 3 * math.pi / 4)])
def test_conserved_spin_is_refused(regime, beta, phi):
    """alpha = +-beta with m along (1, +-1, 0): u.s is conserved, so exact conservation gives
    K = 0 at the point while the dilute response next to it tends to a finite limit (the
    dilute ladder has a second zero mode there; it returned K_err ~ 0.7 |K|): refused, naming
    alpha, beta and the magnetization direction."""
    rd = llgsot.RashbaDresselhausFM(0.8, 1e-11, beta, 5e-3, 5e14, 0.065, 3.0)
    assert rd.conserved_spin(math.pi / 2, phi) is not None
    assert rd.conserved_spin(math.pi / 2, phi + math.pi / 2) is None
    assert rd.conserved_spin(math.pi / 2 - 1e-3, phi) is None
    with pytest.raises(ValueError, match=r"alpha=1e-11, beta=-?1e-11.*magnetization along.*conserves"):
        llgsot.response(rd, 8e-3, math.pi / 2, phi=phi, regime=regime)


def test_conserved_spin_without_spin_orbit_is_refused():
    """alpha = 0 (L = 0): s.m is conserved at every m."""
    ra = llgsot.RashbaFM(0.8, 0.0, 5e-3, 5e14, 0.065, 3.0)
    with pytest.raises(ValueError, match=r"alpha=0.0.*conserves"):
        llgsot.response(ra, 8e-3, 0.3)
    assert llgsot.RashbaFM(**RASHBA).conserved_spin(0.3) is None
    assert llgsot.DiracFM(**DIRAC).conserved_spin(math.pi / 2) is None


def test_persistent_spin_helix_next_to_conserved_point():
    """1e-3 rad from m along [110] the response is finite, K e_[110] = 0 exactly as elsewhere on
    the helix, and its error estimate is small again (the second zero mode is lifted)."""
    rd = llgsot.RashbaDresselhausFM(0.8, 1e-11, 1e-11, 5e-3, 5e14, 0.065, 3.0)
    r = llgsot.response(rd, 8e-3, math.pi / 2, phi=math.pi / 4 + 1e-3, rtol=1e-8)
    ep = np.array([1.0, 1.0]) / math.sqrt(2)
    assert r.K_err.max() < 1e-6 * np.abs(r.K).max()  # measured 1e-9
    assert np.abs(r.K @ ep).max() < 1e-9 * np.abs(r.K).max() + 2 * r.K_err.max()


def test_error_estimate_beyond_a_percent_always_warns():
    """Issue 16 item 10 for the new models: a result whose error estimate exceeds
    max(1e-2, 10 rtol) of its largest entry comes with a warning. Hard cases: a lower-band sea
    of two disjoint pockets (m near z, eps in the 0.19 meV window between the minima of E_- and
    its saddle; K_err ~ 6-17 %) and m 1e-7 rad from a conserved spin (condition number ~1e10);
    plus random points of both models, which must be accurate or warn."""
    rd = llgsot.RashbaDresselhausFM(0.8, 1.7e-11, 0.8e-11, 5e-3, 5e14, 0.065, 3.0)
    psh = llgsot.RashbaDresselhausFM(0.8, 1e-11, 1e-11, 5e-3, 5e14, 0.065, 3.0)
    di = llgsot.DiracFM(4e5, 10e-3, 5e14, 0.05, 1.0)
    rng = np.random.default_rng(7)
    cases = [(rd, -5.1e-3, 0.0, 0.0, True), (rd, -5.1e-3, 0.02, 0.3, True),
             (psh, 8e-3, math.pi / 2, math.pi / 4 + 1e-7, True)]
    cases += [(rd, rng.uniform(-4e-3, 8e-3), rng.uniform(0, math.pi), rng.uniform(0, 6.28), False)
              for _ in range(5)]
    cases += [(di, rng.uniform(12e-3, 60e-3), rng.uniform(0, math.pi), rng.uniform(0, 6.28), False)
              for _ in range(3)]
    for model, eps, th, ph, hard in cases:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = llgsot.response(model, eps, th, phi=ph, rtol=1e-8)
        rel = max(r.K_err.max() / np.abs(r.K).max(), r.sigma_err.max() / np.abs(r.sigma).max())
        if hard:
            assert rel > 1e-2 and caught, (model, eps, th, ph, rel)  # the case is really hard
        assert rel <= 1e-2 or caught, (model, eps, th, ph, rel)
