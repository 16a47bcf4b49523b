"""build_table for a model that is not rotation invariant (issue 19): a Rashba + Dresselhaus
ferromagnet gets a sphere table whose points go through the 1D builder's work loop.

Independent routes: direct solves of ``llgsot.response(model, eps, theta, phi)`` at random m
and on the symmetry-derived lines; the 1D table of the Rashba model for beta = 0. Coarse tol
(1e-2) and the dilute regime well above the band edges keep the default run to seconds.
"""
import math

import numpy as np
import pytest

import llgsot
from llgsot import spinorbit
from llgsot.models import model_from_attrs
from llgsot.tables import schema
from llgsot.tables.build import _scales, _sphere_table
from llgsot.tables.sphere import SphereTable

P = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
         impurity_strength=0.065, cutoff=3.0)
EPS = 2e-2  # eV, above both band edges: no jumps
TOL = 1e-2


def rd(beta_over_alpha=0.2):
    return llgsot.RashbaDresselhausFM(beta=beta_over_alpha * P["alpha"], **P)


@pytest.fixture(scope="module")
def ck(tmp_path_factory):
    return tmp_path_factory.mktemp("rd") / "rd.jsonl"


@pytest.fixture(scope="module")
def ds(ck):
    return llgsot.build_table(rd(), EPS, tol=TOL, progress=False, executor="serial", checkpoint=ck)


def direct(model, th, ph):
    """Rows (M, 10) of direct solves (one response call per azimuth)."""
    out = np.empty((len(th), 10))
    for p in np.unique(ph):
        sel = ph == p
        r = llgsot.response(model, EPS, th[sel], p)
        out[sel] = schema.flat_values(r.K, r.sigma)
    return out


def test_rd_table_is_a_sphere_table_with_provenance(ds):
    a = ds.attrs
    assert a["table_kind"] == "sphere" and a["point_group"].startswith("C_2v")
    assert a["model_kind"] == rd().KIND and a["beta"] == rd().beta
    assert a["regime"] == "dilute" and a["fermi_energy"] == EPS and a["tol"] == TOL
    assert a["lines_computed"] < ds.sizes["phi"]  # symmetry saved lines
    assert model_from_attrs(a) == rd()


def test_rd_table_restarts_from_its_checkpoint(ds, ck):
    """The checkpoint holds every (theta, phi) point; a rebuild solves none of them again
    and gives the same table."""
    again = llgsot.build_table(rd(), EPS, tol=TOL, progress=False, executor="serial",
                               checkpoint=ck)
    assert again.attrs["reused_points"] >= ds.attrs["solver_calls"] > 0
    assert np.array_equal(again.K.values, ds.K.values)
    assert np.array_equal(again.theta_node.values, ds.theta_node.values)


def test_rd_table_against_direct_solves_at_random_m(ds):
    st = SphereTable(ds)
    rng = np.random.default_rng(19)
    m = rng.normal(size=(12, 3))
    th, ph = spinorbit.angles(m / np.linalg.norm(m, axis=1, keepdims=True))
    ref = direct(rd(), th, ph)
    err = (np.abs(st.values_at(th, ph) - ref) / _scales(ref)).max(axis=1)
    assert err.max() <= st.error_estimate
    assert err.max() > 1e-6  # an interpolant, not the solver itself


def test_symmetry_derived_lines_equal_direct_solves(ds):
    """Lines the builder did not solve (mapped by C_2v from others) at their nodes, against
    solves at those (theta, phi): equal to the solver's accuracy (rtol = 1e-8 here;
    measured 1.9e-13)."""
    st = SphereTable(ds)
    rows = []
    for k in (1, 3, 6, 11):  # on the 16-line grid: orbits {0, 8}, {1, 7, 9, 15}, ... hold mapped lines
        th, vals, _ = st.lines[k]
        sel = np.arange(1, len(th) - 1, 5)
        ph = np.full(sel.size, float(ds.phi[k]))
        rows.append((vals[sel], direct(rd(), th[sel], ph)))
    tab = np.concatenate([a for a, _ in rows])
    ref = np.concatenate([b for _, b in rows])
    assert (np.abs(tab - ref) / _scales(ref)).max() <= 10 * ds.attrs["rtol"]


def test_beta_zero_reproduces_the_rashba_1d_table():
    """beta = 0: build_table gives the RashbaFM 1D table (same grid, values to the solver's
    accuracy: the two models' solvers differ in rounding), and the sphere route
    forced on it (point group C_inf_v, one line) agrees with it to the stated error."""
    r0 = llgsot.RashbaFM(**P)
    t1 = llgsot.build_table(r0, EPS, tol=TOL, progress=False, executor="serial")
    t0 = llgsot.build_table(rd(0.0), EPS, tol=TOL, progress=False, executor="serial")
    assert np.array_equal(t0.theta, t1.theta)
    r1 = schema.flat_values(t1.K.values, t1.sigma.values)
    assert (np.abs(schema.flat_values(t0.K.values, t0.sigma.values) - r1)
            / _scales(r1)).max() <= 10 * t1.attrs["rtol"]
    sd = _sphere_table(rd(0.0), np.array([EPS]), 0, False, None, "tmatrix", "dilute",
                       t1.attrs["rtol"], TOL, 0.0, "serial", False, None, 5000)
    st, tt = SphereTable(sd), llgsot.TorqueTable(t1)
    assert sd.sizes["phi"] == 1
    rng = np.random.default_rng(3)
    m = rng.normal(size=(30, 3))
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    ref = schema.flat_values(tt.K(m), tt.sigma(m))
    err = (np.abs(schema.flat_values(st.K(m), st.sigma(m)) - ref) / _scales(ref)).max()
    assert err <= st.error_estimate + t1.attrs["interpolation_error_estimate"]


def test_sphere_table_refuses_extra_dimensions():
    with pytest.raises(ValueError, match="fermi_energy.*sphere table"):
        llgsot.build_table(rd(), [1e-2, 2e-2], progress=False)
    with pytest.raises(ValueError, match="impurity_strength.*sphere table"):
        llgsot.build_table(rd(), EPS, impurity_strength=[0.05], progress=False)
    with pytest.raises(ValueError, match="theta.*sphere table"):
        llgsot.build_table(rd(), EPS, theta=5, progress=False)


def test_current_along_100_and_110_tilts_m_differently(ds):
    """The current-induced tilt of m (part odd in J, equilibrium, no field) through
    simulate + TableSOT: a C_inf_v model would give the [100] tilt turned by 45 degrees for
    a [110] current; the Rashba + Dresselhaus table does not, and along [100] m tilts partly
    along the current (the Dresselhaus field-like term)."""
    st = SphereTable(ds)
    mag = llgsot.Macrospin(Ms=1.1e6, thickness=1e-9, area=1e-16, damping=0.5, Ku=8e5)

    def tilt(d):
        tq = llgsot.TableSOT(st, nm_thickness=3e-9, current_direction=d)
        m = [llgsot.simulate(mag, tq, s * 1e11, m0=(0.0, 0.0, 1.0), t_end=1e-9, dt=1e-13,
                             method="dopri", rtol=1e-9, atol=1e-11,
                             save_every=100).m.values[-1, 0] for s in (1, -1)]
        return (m[0] - m[1]) / 2

    c = math.sqrt(0.5)
    a, b = tilt((1.0, 0.0)), tilt((c, c))
    a_turned = np.array([c * a[0] - c * a[1], c * a[0] + c * a[1], a[2]])
    na = np.linalg.norm(a)
    print("tilt [100]", a, "[110]", b, "[100] turned", a_turned)
    assert na > 1e-3
    assert np.abs(a_turned - b).max() > 20 * st.error_estimate * na
    assert abs(a[0]) > 0.05 * na
