"""Self-tests of the brute-force reference (tests/reference_bruteforce.py).

They check the reference against things that share none of its machinery: direct 2x2 matrix
inversion of H(k), an adaptive scipy integration with a finite i0 extrapolated to 0, the
literal 2x2 ladder equations, symmetry, the Drude and Edelstein limits. The pinned values at
the end are the reference numbers quoted to the solver author (regression guard).
"""
import numpy as np
import pytest
from scipy.integrate import quad_vec
from scipy.optimize import brentq

import reference_bruteforce as rb
from reference_bruteforce import PAULI, bruteforce_response

C = 47.6248
ALPHA = 17.0
DELTA = 5.0
N = 5e-4
KC = 3.0


def _dxdz(theta, delta=DELTA):
    return delta * np.sin(theta), delta * np.cos(theta)


def _H(kx, ky, c, alpha, dx, dz):
    return (c * (kx * kx + ky * ky) * PAULI[0] + alpha * (kx * PAULI[2] - ky * PAULI[1])
            + dx * PAULI[1] + dz * PAULI[3])


def _relmax(a, b):
    return np.abs(np.asarray(a) - np.asarray(b)).max() / np.abs(np.asarray(b)).max()


# ------------------------------------------------------------------------------------------
# building blocks
# ------------------------------------------------------------------------------------------
def test_ray_polynomials_are_the_hamiltonian():
    rng = np.random.default_rng(1)
    dx, dz = _dxdz(0.7)
    eps = 5.5
    sig = rng.normal(size=4) + 1j * rng.normal(size=4)
    Sig = np.einsum("m,mij->ij", sig, PAULI)
    phi = rng.uniform(0, 2 * np.pi, 5)
    k0 = (0.03, 0.07)
    rays = rb._Rays(phi, k0, KC, C, ALPHA, dx, dz)
    p = rays.polys(eps, sig)
    r = rng.uniform(0, 2.0, (5, 3))
    G = rays.numerator(*p[:4], r) / rb._det(p, r)[..., None, None]
    vx, vy = rays.velocities(r)
    for i in range(5):
        for j in range(3):
            kx = k0[0] + r[i, j] * np.cos(phi[i])
            ky = k0[1] + r[i, j] * np.sin(phi[i])
            H = _H(kx, ky, C, ALPHA, dx, dz)
            np.testing.assert_allclose(G[i, j], np.linalg.inv(eps * np.eye(2) - H - Sig),
                                       rtol=1e-12, atol=1e-14)
            h = 1e-5
            dHx = (_H(kx + h, ky, C, ALPHA, dx, dz) - _H(kx - h, ky, C, ALPHA, dx, dz)) / (2 * h)
            dHy = (_H(kx, ky + h, C, ALPHA, dx, dz) - _H(kx, ky - h, C, ALPHA, dx, dz)) / (2 * h)
            np.testing.assert_allclose(vx[i, j], dHx, atol=1e-6)
            np.testing.assert_allclose(vy[i, j], dHy, atol=1e-6)
    # the ray covers exactly the disc |k| < kc
    kx = k0[0] + rays.R * np.cos(phi)
    ky = k0[1] + rays.R * np.sin(phi)
    np.testing.assert_allclose(np.hypot(kx, ky), KC, rtol=1e-14)


def test_g0_free_electron_closed_form():
    # alpha, Delta -> 0: g0 = (-ln((c kc^2 - eps)/eps) - i pi) / (4 pi c) per spin
    eps = 10.0
    g, _ = rb.clean_g0(C, 1e-4, 0.0, 1e-4, KC, eps, n_phi=32)
    exact = (-np.log((C * KC ** 2 - eps) / eps) - 1j * np.pi) / (4 * np.pi * C)
    np.testing.assert_allclose(np.diag(g), exact, rtol=1e-5)
    assert abs(g[0, 1]) < 1e-15


def _g0_finite_i0(c, alpha, dx, dz, kc, eps, eta, n_phi=48):
    """Direct matrix inversion on rays from k = 0, adaptive radial quad, finite i0 = eta."""
    def ray(phi):
        cp, sp = np.cos(phi), np.sin(phi)
        det = lambda r: np.linalg.det(eps * np.eye(2) - _H(r * cp, r * sp, c, alpha, dx, dz)).real
        grid = np.linspace(1e-9, kc, 3001)
        d = np.array([det(r) for r in grid])
        pts = [brentq(det, grid[i], grid[i + 1]) for i in np.nonzero(np.diff(np.sign(d)))[0]]

        def f(r):
            g = np.linalg.inv((eps + 1j * eta) * np.eye(2) - _H(r * cp, r * sp, c, alpha, dx, dz))
            return np.concatenate([(r * g).real.ravel(), (r * g).imag.ravel()])
        val, _ = quad_vec(f, 0.0, kc, points=pts, epsabs=1e-15, epsrel=1e-12, limit=2000)
        return val[:4] + 1j * val[4:]
    phis = 2 * np.pi * np.arange(n_phi) / n_phi
    tot = sum(ray(p) for p in phis) * (2 * np.pi / n_phi) / (2 * np.pi) ** 2
    return tot.reshape(2, 2)


@pytest.mark.slow
@pytest.mark.parametrize("theta,eps", [(0.7, 5.5), (0.7, 4.5), (0.0, 4.5)])
def test_g0_against_finite_i0_extrapolation(theta, eps):
    dx, dz = _dxdz(theta)
    etas = (0.008, 0.004, 0.002, 0.001)
    table = [[_g0_finite_i0(C, ALPHA, dx, dz, KC, eps, e) for e in etas]]
    # Richardson in i0: g(eta) = g0 + a1 eta + a2 eta^2 + ...  (at theta = 0.7, eps = 4.5 the
    # upper band edge is only 0.058 meV away, so the small etas are needed)
    for j in range(1, len(etas)):
        prev = table[-1]
        table.append([(2 ** j * prev[i + 1] - prev[i]) / (2 ** j - 1)
                      for i in range(len(prev) - 1)])
    ref, _ = rb.clean_g0(C, ALPHA, dx, dz, KC, eps, n_phi=64)
    errs = [_relmax(row[-1], ref) for row in table]
    assert errs[-1] < 1e-6
    assert all(e1 < e0 for e0, e1 in zip(errs, errs[1:]))   # each order gains


# ------------------------------------------------------------------------------------------
# bubbles against an independent adaptive integration with direct inversion
# ------------------------------------------------------------------------------------------
def _direct_bubbles(c, alpha, dx, dz, kc, eps, sigma_p, n_phi=64):
    sigma_m = sigma_p.conj().T
    I2 = np.eye(2)

    def ray(phi):
        cp, sp = np.cos(phi), np.sin(phi)
        det = lambda r: np.linalg.det(eps * I2 - _H(r * cp, r * sp, c, alpha, dx, dz)).real
        grid = np.linspace(1e-9, kc, 3001)
        d = np.array([det(r) for r in grid])
        pts = [brentq(det, grid[i], grid[i + 1]) for i in np.nonzero(np.diff(np.sign(d)))[0]]
        assert len(pts) in (1, 2)

        def f(r):
            kx, ky = r * cp, r * sp
            H = _H(kx, ky, c, alpha, dx, dz)
            Gp = np.linalg.inv(eps * I2 - H - sigma_p)
            Gm = np.linalg.inv(eps * I2 - H - sigma_m)
            v = [2 * c * kx * I2 + alpha * PAULI[2], 2 * c * ky * I2 - alpha * PAULI[1]]
            P = np.einsum("ij,ml->ijml", Gm, Gp).ravel()
            Vb = np.array([Gp @ vb @ Gm for vb in v]).ravel()
            Ua = np.array([Gm @ va @ Gp for va in v]).ravel()
            S = np.array([[np.trace(va @ Gp @ vb @ Gm) for vb in v] for va in v]).ravel()
            out = r * np.concatenate([P, Vb, Ua, S])
            return np.concatenate([out.real, out.imag])
        val, _ = quad_vec(f, 0.0, kc, points=pts, epsabs=0.0, epsrel=1e-11, limit=4000)
        return val[:36] + 1j * val[36:]
    phis = 2 * np.pi * np.arange(n_phi) / n_phi
    tot = sum(ray(p) for p in phis) * (2 * np.pi / n_phi) / (2 * np.pi) ** 2
    return (tot[:16].reshape(2, 2, 2, 2), tot[16:24].reshape(2, 2, 2),
            tot[24:32].reshape(2, 2, 2), tot[32:].reshape(2, 2))


@pytest.mark.slow
@pytest.mark.parametrize("approximation", ["tmatrix", "born"])
def test_bubbles_and_response_against_direct_adaptive_integration(approximation):
    dx, dz = _dxdz(0.7)
    eps, W = 5.5, 100.0
    res = bruteforce_response(C, ALPHA, dx, dz, N, W, KC, eps, approximation)
    P, Vb, Ua, S = _direct_bubbles(C, ALPHA, dx, dz, KC, eps, res["sigma_plus"])
    b = res["bubbles"]
    assert _relmax(P, b["P"]) < 1e-10
    assert _relmax(Vb, b["Vb"]) < 1e-10
    assert _relmax(Ua, b["Ua"]) < 1e-10
    assert _relmax(S, b["S"]) < 1e-10
    KL, KR, sL, sR, _, _ = rb.ladder(P, Vb, Ua, S, res["T_plus"], N)
    assert _relmax(KL.real, res["Kint_left"]) < 1e-10
    assert _relmax(sL.real, res["sint_left"]) < 1e-10


# ------------------------------------------------------------------------------------------
# ladder algebra
# ------------------------------------------------------------------------------------------
def test_ladder_solves_the_literal_2x2_equations():
    dx, dz = _dxdz(0.7)
    res = bruteforce_response(C, ALPHA, dx, dz, N, 100.0, KC, 5.5, "tmatrix", n_phi=64)
    b = res["bubbles"]
    P, Vb, Ua, S = b["P"], b["Vb"], b["Ua"], b["S"]
    Tp = res["T_plus"]
    Tm = Tp.conj().T
    Gm_X_Gp = lambda X: np.einsum("ijml,jm->il", P, X)    # sum_k G- X G+
    Gp_X_Gm = lambda X: np.einsum("mlij,jm->il", P, X)    # sum_k G+ X G-
    # left-dressed spin vertex, recomputed from its defining equation
    Kl = np.zeros((3, 2), complex)
    for a in range(3):
        A = np.zeros((4, 4), complex)
        for j in range(4):
            E = np.zeros(4, complex)
            E[j] = 1
            E = E.reshape(2, 2)
            A[:, j] = (E - N * Tm @ Gm_X_Gp(E) @ Tp).ravel()
        gam = np.linalg.solve(A, PAULI[a + 1].ravel()).reshape(2, 2)
        np.testing.assert_allclose(gam - N * Tm @ Gm_X_Gp(gam) @ Tp, PAULI[a + 1], atol=1e-10)
        for bb in range(2):
            Kl[a, bb] = np.trace(gam @ Vb[bb])
    assert _relmax(Kl, res["Kint_left_c"]) < 1e-10
    # the right-dressed current vertex satisfies v~ = v + n T+ (sum G+ v~ G-) T-
    KL, KR, sL, sR, A_left, Pp = rb.ladder(P, Vb, Ua, S, Tp, N)
    X = np.array([[1.0, 2j], [0.5, -1.0]])
    np.testing.assert_allclose(Pp @ X.ravel(), Gp_X_Gm(X).ravel(), rtol=1e-13)


def test_projected_pauli_form_of_physics_md_agrees():
    """docs/physics.md (P-19..P-21) with M = N Upsilon, s~_a = D_ab s_b, as stated there."""
    dx, dz = _dxdz(0.7)
    res = bruteforce_response(C, ALPHA, dx, dz, N, 100.0, KC, 4.5, "tmatrix", n_phi=64)
    P, Vb = res["bubbles"]["P"], res["bubbles"]["Vb"]
    Tp = res["T_plus"]
    Tm = Tp.conj().T
    Ups = np.array([[0.5 * np.trace(PAULI[m] @ Tp @ PAULI[b] @ Tm) for b in range(4)]
                    for m in range(4)])
    Nmat = np.array([[0.5 * N * np.trace(PAULI[a] @ np.einsum("mlij,jm->il", P, PAULI[b]))
                      for b in range(4)] for a in range(4)])      # n/2 sum tr[s_a G+ s_b G-]
    D = np.linalg.inv(np.eye(4) - Nmat @ Ups)
    K = np.array([[sum(D[a + 1, m] * np.trace(PAULI[m] @ Vb[b]) for m in range(4))
                   for b in range(2)] for a in range(3)])
    assert _relmax(K, res["Kint_left_c"]) < 1e-10
    Dt = np.linalg.inv(np.eye(4) - (Nmat @ Ups).T)                # the transposed pitfall
    Kt = np.array([[sum(Dt[a + 1, m] * np.trace(PAULI[m] @ Vb[b]) for m in range(4))
                    for b in range(2)] for a in range(3)])
    assert _relmax(Kt, res["Kint_left_c"]) > 1e-3


# ------------------------------------------------------------------------------------------
# physics checks
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("W", [100.0, -100.0])
@pytest.mark.parametrize("eps", [5.5, 4.5])
def test_theta0_symmetry(W, eps):
    r = bruteforce_response(C, ALPHA, 0.0, DELTA, N, W, KC, eps, "tmatrix")
    K = r["Kint_left"]
    s = np.abs(K).max()
    assert abs(K[0, 0] - K[1, 1]) < 1e-10 * s
    assert abs(K[0, 1] + K[1, 0]) < 1e-10 * s
    assert abs(K[2, 0]) < 1e-10 * s and abs(K[2, 1]) < 1e-10 * s
    sg = r["sint_left"]
    assert abs(sg[0, 0] - sg[1, 1]) < 1e-10 * abs(sg[0, 0])
    assert abs(sg[0, 1] + sg[1, 0]) < 1e-10 * abs(sg[0, 0])


@pytest.mark.parametrize("approximation", ["tmatrix", "born"])
@pytest.mark.parametrize("theta,eps,W", [(0.7, 5.5, 100.0), (0.7, 4.5, -100.0)])
def test_internal_consistency(approximation, theta, eps, W):
    dx, dz = _dxdz(theta)
    r = bruteforce_response(C, ALPHA, dx, dz, N, W, KC, eps, approximation)
    assert r["lr_agreement"]["Kint"] < 1e-12
    assert r["lr_agreement"]["sint"] < 1e-12
    assert r["imag_max"] < 1e-11 * np.abs(r["sint_left"]).max()
    assert r["ward_residual"] < 1e-11
    assert max(r["err"].values()) < 1e-7
    # the exact radial partial fractions agree with the graded quadrature
    r2 = bruteforce_response(C, ALPHA, dx, dz, N, W, KC, eps, approximation, radial="residue")
    for k in ("g0", "sigma_plus", "Kint_left", "sint_left"):
        assert _relmax(r2[k], r[k]) < 1e-10
    # and a refined quadrature (finer grading, more nodes, odd n_phi) changes nothing
    r3 = bruteforce_response(C, ALPHA, dx, dz, N, W, KC, eps, approximation, n_gl=24,
                             grade=1.5, n_phi=101)
    for k in ("g0", "sigma_plus", "Kint_left", "sint_left"):
        assert _relmax(r3[k], r[k]) < 1e-10
    # the centre of the polar coordinates is immaterial
    r4 = bruteforce_response(C, ALPHA, dx, dz, N, W, KC, eps, approximation, center=(0.0, 0.0))
    for k in ("g0", "Kint_left", "sint_left"):
        assert _relmax(r4[k], r[k]) < 1e-9


def test_drude_and_edelstein_born():
    # alpha, Delta -> 0, weak W, Born: sint_xx = 4 c eps / (n W^2) = 2 eps / (m* n W^2)
    # (m* = 1/(2c)), i.e. sigma_SI = e^2/(2 pi hbar) sint = e^2 hbar eps / (pi n m* W^2);
    # Edelstein Kint_xy = -Kint_yx = 2 alpha / (n W^2) (= e alpha/(pi n W^2) after e/(2 pi)).
    c, a, D, n, W, kc, eps = 47.62, 1e-3, 1e-3, 1e-4, 10.0, 3.0, 10.0
    r = bruteforce_response(c, a, 0.0, D, n, W, kc, eps, "born")
    drude = 4 * c * eps / (n * W ** 2)
    assert abs(r["sint_left"][0, 0] / drude - 1) < 2e-5       # finite-n shift ~1e-5
    assert abs(r["Kint_left"][0, 1] / (2 * a / (n * W ** 2)) - 1) < 1e-5
    assert abs(r["Kint_left"][1, 0] / (-2 * a / (n * W ** 2)) - 1) < 1e-5
    assert abs(r["Kint_left"][0, 0]) < 1e-6 * abs(r["Kint_left"][0, 1])
    # T-matrix: the same times |1 - W g0|^2 (up to the O(n W) Fermi-level shift)
    rt = bruteforce_response(c, a, 0.0, D, n, W, kc, eps, "tmatrix")
    g0 = rt["g0"][0, 0]
    assert abs(rt["sint_left"][0, 0] / (drude * abs(1 - W * g0) ** 2) - 1) < 2e-4


def test_born_zeros_above_the_gap():
    dx, dz = _dxdz(0.7)
    r = bruteforce_response(C, ALPHA, dx, dz, N, 100.0, KC, 5.5, "born")
    K = r["Kint_left"]
    # finite-n remainders only (they scale like n relative to K_xy)
    for a, b in ((0, 0), (1, 1), (2, 0), (2, 1)):
        assert abs(K[a, b]) < 1e-4 * abs(K[0, 1])


# ------------------------------------------------------------------------------------------
# pinned reference values (internal units), c = 47.6248, alpha = 17, Delta = 5, n = 5e-4,
# kc = 3; rows of Kint: spin x, y, z; columns: field x, y
# ------------------------------------------------------------------------------------------
PINNED = {
    (0.7, 100.0, 5.5, "tmatrix"): (
        [[-0.319778792309443, 18.68712777985923], [-18.838044884231962, -0.3777080627854842],
         [0.12897782003967423, -0.4606106289837557]],
        [[923.6832688919892, 12.842871461742291], [-12.842871461746158, 925.6000185211485]]),
    (0.7, 100.0, 4.5, "tmatrix"): (
        [[-1.60992456064624, 21.100676521523894], [-22.516662539859592, -1.8378406251153416],
         [0.4571533768685961, -2.483283570765593]],
        [[939.9398438924934, 72.55326575739873], [-72.5532657574113, 932.6833451667756]]),
    (0.7, -100.0, 5.5, "tmatrix"): (
        [[-0.4709780573351074, 2.740088115023539], [-2.6152806687461214, -0.510647283422948],
         [0.09150738743012667, 0.11614534608935309]],
        [[126.95654689777832, 19.170320474732264], [-19.170320474732282, 129.79567655219]]),
    (0.7, -100.0, 4.5, "tmatrix"): (
        [[-0.7068110557853418, 1.583582378237837], [-1.4043575650870401, -0.7343106542173092],
         [0.05175333903583387, 0.08531795350554225]],
        [[63.709213335307766, 29.722533704956902], [-29.722533704957012, 69.30998717173792]]),
    (0.7, 100.0, 5.5, "born"): (
        [[-5.027296362612515e-05, 6.78563056352817],
         [-6.784938460256528, -4.731069724588609e-05],
         [7.378174543702133e-06, 0.00038059546764290797]],
        [[327.3820683119621, -1.2064153454005577e-06], [1.20641471046401e-06, 327.3963061556948]]),
    (0.7, 100.0, 4.5, "born"): (
        [[0.01702929823964346, 8.672738051133386], [-8.989333169082656, 0.016016745341877858],
         [-0.0038082884001572267, -0.03954597880700472]],
        [[378.1329475759433, -0.08392581829327694], [0.08392581829080484, 366.40281548283014]]),
    (0.0, 100.0, 5.5, "tmatrix"): (
        [[-0.4277265885191481, 18.945599855853914], [-18.9455998558539, -0.4277265885191203],
         [0.0, 0.0]],
        [[923.0887892287367, 17.76479471839982], [-17.764794718400022, 923.0887892287393]]),
    (0.0, 100.0, 4.5, "tmatrix"): (
        [[-1.8894132661872256, 21.533153117613168], [-21.53315311761321, -1.8894132661872387],
         [0.0, 0.0]],
        [[946.2911750648411, 83.49400169087676], [-83.49400169087737, 946.2911750648393]]),
    (0.0, -100.0, 5.5, "tmatrix"): (
        [[-0.6017623258156568, 2.4965416561771665], [-2.4965416561771607, -0.6017623258156675],
         [0.0, 0.0]],
        [[120.1420220325922, 26.026513450015877], [-26.026513450015667, 120.14202203259198]]),
    (0.0, -100.0, 4.5, "tmatrix"): (
        [[-0.7145645985235621, 1.7368563892545006], [-1.7368563892545295, -0.7145645985235534],
         [0.0, 0.0]],
        [[77.95366925197243, 31.39104406497468], [-31.391044064975222, 77.95366925197199]]),
    (0.0, 100.0, 5.5, "born"): (
        [[-4.8215972990596837e-05, 6.784473511409283],
         [-6.7844735114092884, -4.821597298652544e-05], [0.0, 0.0]],
        [[327.4696031133275, -1.3370668157097754e-06], [1.3370667576451112e-06, 327.46960311332725]]),
    (0.0, 100.0, 4.5, "born"): (
        [[0.012274669614727625, 8.492441274349874], [-8.492441274349943, 0.012274669614734252],
         [0.0, 0.0]],
        [[375.34679999449816, -0.06099325228659626], [0.06099325228663893, 375.3467999944969]]),
}


@pytest.mark.parametrize("key", sorted(PINNED))
def test_pinned_reference_values(key):
    theta, W, eps, approximation = key
    dx, dz = _dxdz(theta)
    r = bruteforce_response(C, ALPHA, dx, dz, N, W, KC, eps, approximation)
    K, s = PINNED[key]
    assert _relmax(r["Kint_left"], K) < 1e-9
    assert _relmax(r["sint_left"], s) < 1e-9
