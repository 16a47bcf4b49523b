"""Sphere tables (issue 19 groundwork): the symmetry rule, the builder, the interpolant, the file.

Independent routes: the solver's own azimuth-0 response rotated by the C_inf_v rule
(docs/physics.md sec. 3) for the point-group transformation rule; the shipped 1D table
(tables/fig4.nc, its own interpolant) for a rotation-invariant sphere table; a hand-made
C_2v-covariant callable (its symmetry checked by hand below) for an anisotropic one.
Tolerances: the tables' stated errors (``interpolation_error_estimate``) with a factor 2 for
the maximum over an interval against its held-out midpoint (docs/tables.md).
"""
import math

import numpy as np
import pytest

import llgsot
from llgsot import spinorbit
from llgsot.tables import schema
from llgsot.tables.build import JUMP_WIDTH, _scales
from llgsot.tables.sphere import SphereTable, build_sphere_table, c2v_rd, c_nv, trivial
from llgsot.tables.sphere.group import PointGroup, rotation_z, vertical_mirror
from llgsot.tables.sphere.schema import SPHERE_TABLE_VERSION
from llgsot.tables.sphere.table import to_body

from conftest import FIG4, TA



def iso_callable(fig4a):
    def f(th, ph):
        K, S = fig4a.K_and_sigma(spinorbit.magnetization(th, ph))
        return K, S, np.zeros_like(K), np.zeros_like(S)
    return f


def shift(m):
    """The polar-angle shift of the anisotropic callable: 0.15 m_x m_y m_z (odd under the
    mirrors x = +-y, which flip m_z and swap -m_x, -m_y; even under C2z)."""
    return 0.15 * m[..., 0] * m[..., 1] * m[..., 2]


def aniso_callable(fig4a):
    """C_2v-covariant (mirrors x = +-y): K = (1 + 0.6 m_x m_y) K_1D(theta + shift, phi) +
    0.3 Kmax [[1, 0], [0, -1], [0, 0]], sigma = (1 + 0.4 m_x m_y) sigma_1D(...) + 0.05 smax
    [[0, 1], [1, 0]]. m_x m_y is invariant; the constant tensors are the Dresselhaus-like
    forms the rule allows (R2 = swap: -P K P = K, P s P = s); the jumps of the 1D table move
    with phi by up to 0.03 rad."""
    kmax = np.abs(fig4a.values[:, :6]).max()
    smax = np.abs(fig4a.values[:, 6:]).max()

    def f(th, ph):
        m = spinorbit.magnetization(th, ph)
        mxy = m[..., 0] * m[..., 1]
        K, S = fig4a.K_and_sigma(spinorbit.magnetization(th + shift(m), ph))
        K = K * (1 + 0.6 * mxy)[..., None, None] + 0.3 * kmax * np.array([[1, 0], [0, -1], [0, 0.0]])
        S = S * (1 + 0.4 * mxy)[..., None, None] + 0.05 * smax * np.array([[0, 1], [1, 0.0]])
        return K, S, np.zeros_like(K), np.zeros_like(S)
    return f


@pytest.fixture(scope="module")
def iso_tables(fig4a):
    f = iso_callable(fig4a)
    return {name: SphereTable(build_sphere_table(f, g, tol=1e-4, delta_xc=5e-3))
            for name, g in (("C_inf_v", c_nv(None)), ("C_2v", c2v_rd()), ("C_3v", c_nv(3)))}


@pytest.fixture(scope="module")
def aniso_table(fig4a):
    return SphereTable(build_sphere_table(aniso_callable(fig4a), c2v_rd(), tol=2e-4, delta_xc=5e-3))


def unit(rng, n):
    m = rng.normal(size=(n, 3))
    return m / np.linalg.norm(m, axis=1)[:, None]


def probe_angles(rng, jumps):
    """(theta, phi): random on the sphere, near both poles, and on both sides of each jump."""
    th, ph = spinorbit.angles(unit(rng, 20000))
    ths = [th]
    phs = [ph]
    for t in (1e-12, 1e-9, 1e-6, 1e-3, 0.02):
        for pole in (t, math.pi - t):
            ths.append(np.full(64, pole))
            phs.append(np.linspace(-math.pi, math.pi, 64))
    for j in jumps:
        for d in (-1e-2, -1e-3, -3e-4, 3e-4, 1e-3, 1e-2):
            ths.append(np.full(200, j + d))
            phs.append(rng.uniform(-math.pi, math.pi, 200))
    return np.concatenate(ths), np.concatenate(phs)


# -- the symmetry rule ----------------------------------------------------------------------
def test_transformation_rule_against_the_solver():
    """K(g m) = det(R) R K(m) R2^T, sigma(g m) = R2 sigma R2^T for every element of C_4v
    (rotations, and mirrors: det -1), checked on the Rashba solver, whose response at any m
    is its azimuth-0 response rotated (docs/physics.md sec. 3)."""
    model = llgsot.RashbaFM(**TA)
    g = c_nv(4)
    assert len(g) == 8
    theta = np.array([0.3, 1.1, 2.0])
    r = llgsot.response(model, 5.5e-3, theta)
    m = spinorbit.magnetization(theta)
    scale_k, scale_s = np.abs(r.K).max(), np.abs(r.sigma).max()
    for R in g.elements:
        Kt, St = g.transform(R, r.K, r.sigma)
        th2, ph2 = spinorbit.angles(g.act(R, m))
        r2 = llgsot.response(model, 5.5e-3, th2)
        K2, S2 = spinorbit.rotate(r2.K, r2.sigma, ph2)
        assert np.abs(Kt - K2).max() < 1e-6 * scale_k
        assert np.abs(St - S2).max() < 1e-6 * scale_s


def test_rule_gives_the_documented_parities():
    """The mirror x -> -x maps theta to pi - theta at phi = 0 and the rule then gives the
    parities of schema.PARITY_HALF_PI; C2z at phi = 0 gives PARITY_ZERO (theta -> -theta)."""
    rng = np.random.default_rng(0)
    K, S = rng.normal(size=(3, 2)), rng.normal(size=(2, 2))
    flat = schema.flat_values(K, S)
    mx = vertical_mirror(math.pi / 2)  # the plane holding z and y: x -> -x
    assert np.allclose(schema.flat_values(*PointGroup.transform(mx, K, S)),
                       schema.PARITY_HALF_PI * flat)
    assert PointGroup.angle_action(mx)[0]  # flips theta
    c2 = rotation_z(math.pi)  # K(theta, pi) = K(-theta, 0)
    assert np.allclose(schema.flat_values(*PointGroup.transform(c2, K, S)),
                       schema.PARITY_ZERO * flat)


def test_groups_and_lines():
    assert c2v_rd().min_lines() == 4
    assert c_nv(3).min_lines() == 6
    assert trivial().min_lines() == 1
    assert c_nv(None).min_lines() == 1
    with pytest.raises(ValueError, match="C_3v.*multiple of 6"):
        c_nv(3).line_map(8)
    orbits = c2v_rd().orbits(range(8), 8)
    covered = sorted(j for members in orbits.values() for j, _, _ in members)
    assert covered == list(range(8)) and len(orbits) < 8
    with pytest.raises(ValueError, match="orthogonal"):
        PointGroup([np.diag([1.0, 2.0, 1.0])])
    with pytest.raises(ValueError, match="z onto"):
        PointGroup([[[1, 0, 0], [0, 0, 1], [0, -1, 0.0]]])


def test_anisotropic_callable_has_the_symmetry_it_claims(fig4a):
    """The test callable is C_2v-covariant by construction; check it, element by element."""
    f = aniso_callable(fig4a)
    g = c2v_rd()
    m = unit(np.random.default_rng(2), 200)
    K, S, _, _ = f(*spinorbit.angles(m))
    for R in g.elements:
        K2, S2, _, _ = f(*spinorbit.angles(g.act(R, m)))
        Kt, St = g.transform(R, K, S)
        assert np.abs(K2 - Kt).max() < 1e-12 * np.abs(K).max()
        assert np.abs(S2 - St).max() < 1e-12 * np.abs(S).max()


# -- rotation-invariant response as a sphere table ------------------------------------------
@pytest.mark.parametrize("group", ["C_inf_v", "C_2v", "C_3v"])
def test_rotation_invariant_sphere_table_reproduces_the_1d_table(fig4a, iso_tables, group):
    st = iso_tables[group]
    est = st.error_estimate + float(fig4a.dataset.attrs["interpolation_error_estimate"])
    jumps = fig4a.theta[:-1][fig4a.jump_after] + 0.5 * np.diff(fig4a.theta)[fig4a.jump_after]
    th, ph = probe_angles(np.random.default_rng(1), jumps)
    m = spinorbit.magnetization(th, ph)
    ref = schema.flat_values(*fig4a.K_and_sigma(m))
    got = schema.flat_values(*st.K_and_sigma(m))
    # relative per component in the co-rotating frame, as both tables state their errors (in
    # the lab frame a component small at phi = 0 carries a large one at phi = pi/2)
    err = (np.abs(to_body(got - ref, ph)) / _scales(fig4a.values)).max(axis=1)
    far = np.min(np.abs(th[:, None] - jumps[None, :]), axis=1) > 3 * JUMP_WIDTH
    assert err[far].max() <= 2 * est
    assert st.n_lines == {"C_inf_v": 1, "C_2v": 16, "C_3v": 24}[group]
    assert st.dataset.attrs["lines_computed"] < max(st.n_lines / 3, 2)


def test_poles_are_exact_from_every_direction(iso_tables, aniso_table):
    """At m = +-z the table returns its pole value; approaching along 64 azimuths it tends
    to it linearly in theta, whatever the azimuth (also for the anisotropic table)."""
    for st in (*iso_tables.values(), aniso_table):
        for pole, sign in ((0.0, 1.0), (math.pi, -1.0)):
            exact = schema.flat_values(*st.K_and_sigma(np.array([0.0, 0.0, sign])))
            assert np.array_equal(exact, st.arrays["poles"][0 if sign > 0 else 1])
            ph = np.linspace(-math.pi, math.pi, 64)
            scale = np.abs(st.arrays["values"]).max() + np.abs(exact).max()
            for t in (1e-10, 1e-7):
                th = np.full(64, abs(pole - t))
                near = st.values_at(th, ph)
                assert np.abs(near - exact).max() < 100 * t * scale


# -- anisotropic response --------------------------------------------------------------------
def test_anisotropic_sphere_table_error(fig4a, aniso_table):
    """The C_2v table reproduces its callable to 2x its stated error everywhere farther than
    its stated jump-position error (+ 3 bracket widths) from the moving jumps."""
    st = aniso_table
    a = st.dataset.attrs
    assert a["jumps_aligned"] == 1 and a["lines_computed"] < st.n_lines / 3
    f = aniso_callable(fig4a)
    jumps = fig4a.theta[:-1][fig4a.jump_after] + 0.5 * np.diff(fig4a.theta)[fig4a.jump_after]
    th, ph = probe_angles(np.random.default_rng(3), jumps)
    K, S, _, _ = f(th, ph)
    ref = schema.flat_values(K, S)
    err = (np.abs(st.values_at(th, ph) - ref) / _scales(ref)).max(axis=1)
    shifted = th + shift(spinorbit.magnetization(th, ph))  # the jumps sit at shifted = jumps
    dist = np.min(np.abs(shifted[:, None] - jumps[None, :]), axis=1)
    far = dist > a["jump_position_error"] + 3 * JUMP_WIDTH
    assert far.mean() > 0.95
    assert err[far].max() <= 2 * st.error_estimate
    assert st.error_estimate <= 2e-4


def test_symmetry_reduced_build_equals_full_build(fig4a):
    f = aniso_callable(fig4a)
    kw = dict(tol=1e-3, delta_xc=5e-3, n_lines=8, max_lines=16)
    with pytest.warns(RuntimeWarning, match="max_lines"):
        red = build_sphere_table(f, c2v_rd(), **kw)
    with pytest.warns(RuntimeWarning, match="max_lines"):
        full = build_sphere_table(f, trivial(), **kw)
    assert red.attrs["lines_computed"] == 5 and full.attrs["lines_computed"] == 16
    assert red.attrs["solver_calls"] < 0.5 * full.attrs["solver_calls"]
    a, b = SphereTable(red), SphereTable(full)
    th, ph = spinorbit.angles(unit(np.random.default_rng(4), 5000))
    vb = b.values_at(th, ph)
    assert np.abs(a.values_at(th, ph) - vb).max() < 1e-10 * np.abs(vb).max()


# -- files -----------------------------------------------------------------------------------
def test_sphere_table_file_round_trip_and_old_files(tmp_path, aniso_table):
    path = tmp_path / "sphere.nc"
    llgsot.save_table(aniso_table.dataset, path)
    ds = llgsot.load_table(path)
    assert int(ds.attrs["llgsot_table_version"]) == SPHERE_TABLE_VERSION
    back = SphereTable(path)
    th, ph = spinorbit.angles(unit(np.random.default_rng(5), 500))
    assert np.array_equal(back.values_at(th, ph), aniso_table.values_at(th, ph))
    assert back.dataset.attrs["point_group"] == aniso_table.dataset.attrs["point_group"]
    # the shipped 1D table (version 1) loads as before
    old = llgsot.load_table(FIG4)
    assert int(old.attrs["llgsot_table_version"]) == 1 and "theta" in old.dims
    llgsot.TorqueTable(old.sel(fermi_energy=5.5e-3))
    # refusals name what is wrong
    bad = aniso_table.dataset.drop_vars("theta_node")
    with pytest.raises(ValueError, match="sphere table.*theta_node"):
        llgsot.save_table(bad, tmp_path / "bad.nc")
    bad = aniso_table.dataset.copy()
    bad.attrs["llgsot_table_version"] = 3
    with pytest.raises(ValueError, match="version 3 is not supported"):
        llgsot.save_table(bad, tmp_path / "bad.nc")
    with pytest.raises(ValueError, match="sphere table"):
        SphereTable(old.sel(fermi_energy=5.5e-3))


def test_builder_refuses_bad_inputs(fig4a):
    f = iso_callable(fig4a)
    with pytest.raises(TypeError, match="group"):
        build_sphere_table(f, "C2v", delta_xc=5e-3)
    with pytest.raises(ValueError, match="delta_xc"):
        build_sphere_table(f, c2v_rd())
    with pytest.raises(ValueError, match="n_lines"):
        build_sphere_table(f, c2v_rd(), delta_xc=5e-3, n_lines=6)
    with pytest.raises(ValueError, match="callable must return"):
        build_sphere_table(lambda th, ph: (np.zeros((1, 3, 2)), np.zeros((1, 2, 2)),
                                           np.zeros((1, 3, 2)), np.zeros((1, 2, 2))),
                           c_nv(None), delta_xc=5e-3)


# -- the solver itself as the callable -------------------------------------------------------
def solver_callable(model, eps):
    """response(model, eps, theta, phi) for arrays of (theta, phi): one solver call per azimuth."""
    def f(th, ph):
        K, S = np.empty((len(th), 3, 2)), np.empty((len(th), 2, 2))
        Ke, Se = np.empty_like(K), np.empty_like(S)
        for p in np.unique(ph):
            sel = ph == p
            r = llgsot.response(model, eps, th[sel], p)
            K[sel], S[sel], Ke[sel], Se[sel] = r.K, r.sigma, r.K_err, r.sigma_err
        return K, S, Ke, Se
    return f


@pytest.mark.parametrize("eps", [5.5e-3, pytest.param(4.5e-3, marks=pytest.mark.slow)])
def test_sphere_table_of_the_solver_against_direct_solves(eps):
    """The Rashba solver at every azimuth (its own phi argument), tabulated with the C_2v
    machinery (16 lines, 5 solved), against direct solves at random m and near the poles:
    within the stated error (measured 3.1e-4 at 5.5 meV and 3.9e-4 at 4.5 meV for stated
    5.8e-4 and 1.0e-3 at tol = 1e-3)."""
    f = solver_callable(llgsot.RashbaFM(**TA), eps)
    st = SphereTable(build_sphere_table(f, c2v_rd(), tol=1e-3, delta_xc=TA["delta_xc"]))
    rng = np.random.default_rng(6)
    th, ph = spinorbit.angles(unit(rng, 40))
    th = np.concatenate([th, [1e-4, 0.03, math.pi - 1e-4, math.pi - 0.03]])
    ph = np.concatenate([ph, rng.uniform(-math.pi, math.pi, 4)])
    K, S, _, _ = f(th, ph)
    ref = schema.flat_values(K, S)
    err = (np.abs(st.values_at(th, ph) - ref) / _scales(ref)).max(axis=1)
    jumps = st.arrays["jumps"][0]  # the same on every line (rotation invariant)
    far = np.all(np.abs(th[:, None] - jumps[None, :]) > 3 * JUMP_WIDTH, axis=1)
    assert far.sum() >= 40 and err[far].max() <= st.error_estimate


# -- jump curves that end ------------------------------------------------------------------
def ending_q(m):
    """q(m) = 0.4 sin(2 ph) sin^2(th) - cos^2(th) + 0.1 (C_2v-invariant: m_x m_y and m_z^2).
    Where sin(2 ph) > -1/4 the set q > 0 is a band about the equator bounded by two jumps
    at cos^2(th) = c = (0.4 s + 0.1) / (1 + 0.4 s), s = sin(2 ph); where sin(2 ph) < -1/4
    it is empty: the two jump curves meet at the equator and end there, at
    ph = (pi + asin(1/4)) / 2, (2 pi - asin(1/4)) / 2 (and + pi)."""
    return 0.8 * m[..., 0] * m[..., 1] - m[..., 2] ** 2 + 0.1


def ending_callable(t55):
    """K, sigma of the smooth 5.5 meV 1D table times (1 + 0.5 m_x m_y + 0.3 [q(m) > 0]):
    C_2v-covariant (a C_inf_v response times an invariant), jumps of 30 % on curves that end."""
    def f(th, ph):
        m = spinorbit.magnetization(th, ph)
        K, S = t55.K_and_sigma(m)
        fac = 1 + 0.5 * m[..., 0] * m[..., 1] + 0.3 * (ending_q(m) > 0)
        return K * fac[..., None, None], S * fac[..., None, None], np.zeros_like(K), np.zeros_like(S)
    return f


def test_jump_curves_that_end():
    """Lines with two jumps and lines with none: the cells where the count changes are
    halved down to the narrowest width and listed (phi_brackets), next to the true ends of
    the curves; beyond them and beyond the stated jump-position error (+ 3 bracket widths)
    the table reproduces its callable to 2x its stated error (as the other callables here,
    piecewise cubic, allow), itself near tol."""
    t55 = llgsot.TorqueTable(llgsot.load_table(FIG4).sel(fermi_energy=5.5e-3))
    f = ending_callable(t55)
    tol = 3e-3  # measured: 47 of 184 lines solved, 4 brackets, stated 2.1e-3, error 8.7e-4
    ds = build_sphere_table(f, c2v_rd(), tol=tol, delta_xc=5e-3)
    a = ds.attrs
    st = SphereTable(ds)
    counts = st.arrays["jump_counts"]
    assert a["jumps_aligned"] == 0 and set(counts.tolist()) == {0, 2}
    br = np.asarray(a["phi_brackets"]).reshape(-1, 2)
    ends = np.array([math.pi + math.asin(0.25), 2 * math.pi - math.asin(0.25)]) / 2
    ends = np.concatenate([ends, ends + math.pi])
    assert len(br) >= 4 and np.all(br[:, 1] - br[:, 0] <= 2 * 2e-4)
    mid = br.mean(axis=1)
    assert np.all(np.min(np.abs(mid[:, None] - ends[None, :]), axis=1) < 0.02)  # at the ends
    assert set(np.argmin(np.abs(mid[:, None] - ends[None, :]), axis=1).tolist()) == {0, 1, 2, 3}
    # every line's jumps sit where q(m) = 0 changes sign (closed form), to half the documented
    # bisection width (1e-7 rad), in brackets of JUMP_WIDTH centred on them
    for (t, _, j), p in zip(st.lines, st.phi):
        if j.any():
            s2 = math.sin(2 * p)
            tc = math.acos(math.sqrt((0.4 * s2 + 0.1) / (1 + 0.4 * s2)))
            np.testing.assert_allclose(0.5 * (t[:-1] + t[1:])[j], [tc, math.pi - tc], rtol=0,
                                       atol=0.5e-7 + 1e-12)
            np.testing.assert_allclose((t[1:] - t[:-1])[j], JUMP_WIDTH, rtol=1e-9)
    rng = np.random.default_rng(19)
    th, ph = spinorbit.angles(unit(rng, 20000))
    ph = ph % (2 * math.pi)
    K, S, _, _ = f(th, ph)
    ref = schema.flat_values(K, S)
    err = (np.abs(st.values_at(th, ph) - ref) / _scales(ref)).max(axis=1)
    s2 = np.sin(2 * ph)
    c = np.clip((0.4 * s2 + 0.1) / (1 + 0.4 * s2), 0, 1)
    tc = np.arccos(np.sqrt(c))  # the jumps at tc and pi - tc where s2 > -1/4
    dist = np.where(s2 > -0.25, np.minimum(np.abs(th - tc), np.abs(th - (math.pi - tc))), np.inf)
    in_bracket = np.any((ph[:, None] >= br[None, :, 0]) & (ph[:, None] <= br[None, :, 1]), axis=1)
    far = (dist > a["jump_position_error"] + 3 * JUMP_WIDTH) & ~in_bracket
    assert far.mean() > 0.95
    assert err[far].max() <= 2 * st.error_estimate and st.error_estimate <= 2 * tol
    tj = math.acos(math.sqrt(0.5 / 1.4))  # the jumps are kept: across the curve at ph = pi / 4
    v = st.values_at(np.array([tj - 1e-3, tj + 1e-3]), np.full(2, math.pi / 4))
    assert np.max(np.abs(v[1] - v[0]) / _scales(ref)) > 0.2


# -- issue 19's target: Rashba + Dresselhaus at the Fig. 4 parameters ------------------------
FIG4_RD = dict(m_eff=0.8, alpha=1.7e-11, beta=0.85e-11, delta_xc=5e-3, impurity_density=5e14,
               impurity_strength=0.065, cutoff=3.0)


@pytest.mark.slow
@pytest.mark.parametrize("eps", [5.5e-3, 4.5e-3])
def test_rashba_dresselhaus_fig4_table_to_1e_4(eps, tmp_path):
    """build_table of the Rashba + Dresselhaus model at the Fig. 4 parameters (beta =
    alpha/2, finite regime, tol 1e-4, checkpointed) against 60 direct solves at random m: the
    error (per component in the co-rotating frame, relative to the table's own scales: the
    measure of the stated error) is within the stated error beyond the azimuth brackets (where
    the 4.5 meV jump curves end) and 3 bracket widths + the stated jump-position error from
    the jumps; and the stated error is <= 1e-4 (issue 19). Measured (docs/tables.md): 5.5 meV
    1.3e-5 for stated 8.7e-5; 4.5 meV 8.0e-6 for stated 9.75e-5."""
    import warnings

    from llgsot.tables.sphere.table import cells, jump_curves

    rd = llgsot.RashbaDresselhausFM(**FIG4_RD)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = llgsot.build_table(rd, eps, regime="finite", tol=1e-4, progress=False,
                                checkpoint=tmp_path / "rd.jsonl")
    # allowed: theta intervals at the narrowest width next to steep band-edge features, and
    # azimuth cells at the narrowest width (their held-out error is in the stated estimate)
    assert all("theta intervals narrower" in str(w.message) or "azimuth cells of" in str(w.message)
               for w in caught), [str(w.message) for w in caught]
    st = SphereTable(ds)
    a = ds.attrs
    rng = np.random.default_rng(19)
    th, ph = spinorbit.angles(unit(rng, 60))
    ph = ph % (2 * math.pi)
    ref = np.empty((60, 10))
    for i in range(60):
        r = llgsot.response(rd, eps, th[i:i + 1], ph[i], regime="finite")
        ref[i] = schema.flat_values(r.K, r.sigma)[0]
    scale = _scales(np.concatenate([to_body(r, p) for (_, r, _), p in zip(st.lines, st.phi)]))
    err = (np.abs(to_body(st.values_at(th, ph) - ref, ph)) / scale).max(axis=1)
    br = np.asarray(a["phi_brackets"]).reshape(-1, 2)
    in_bracket = np.any((ph[:, None] >= br[None, :, 0]) & (ph[:, None] <= br[None, :, 1]), axis=1)
    T, valid = jump_curves(st.arrays, *cells(st.arrays, ph))
    dist = np.min(np.where(valid, np.abs(T - th[:, None]), np.inf), axis=1, initial=np.inf)
    far = ~in_bracket & (dist > a["jump_position_error"] + 3 * JUMP_WIDTH)
    assert far.sum() >= 55
    assert err[far].max() <= st.error_estimate
    assert st.error_estimate <= 1e-4
    assert len(a["phi_unresolved"]) == 0
