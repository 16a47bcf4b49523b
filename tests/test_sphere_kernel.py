"""The numba sphere-table kernel against the numpy interpolant (1e-12), and against the 1D
table kernel on a rotation-invariant table built as a sphere table (to the stated errors)."""
import math

import numpy as np
import pytest

import llgsot
from llgsot import spinorbit
from llgsot.dynamics import kernels as K1
from llgsot.dynamics import sphere_kernel as KS
from llgsot.tables import schema
from llgsot.tables.build import JUMP_WIDTH
from llgsot.tables.sphere import SphereTable, build_sphere_table, c2v_rd, c_nv

from test_sphere_tables import aniso_callable, iso_callable



@pytest.fixture(scope="module")
def tables(fig4a):
    iso = iso_callable(fig4a)
    return {"C_inf_v": SphereTable(build_sphere_table(iso, c_nv(None), delta_xc=5e-3)),
            "C_2v iso": SphereTable(build_sphere_table(iso, c2v_rd(), delta_xc=5e-3)),
            "C_2v aniso": SphereTable(build_sphere_table(aniso_callable(fig4a), c2v_rd(), tol=1e-3,
                                                         delta_xc=5e-3))}


def probe(st, rng):
    """Random unit m, the poles, both signs of zero, the lines and the midpoints between
    them, and points exactly at the stored jump positions of line 0."""
    m = rng.normal(size=(3000, 3))
    m /= np.linalg.norm(m, axis=1)[:, None]
    L = st.n_lines
    ph = np.concatenate([2 * np.pi * np.arange(2 * L) / (2 * L), [-1e-300, -0.0, np.pi, -np.pi]])
    th = rng.uniform(0, np.pi, ph.size)
    jumps = st.arrays["jumps"][0]
    extra = [spinorbit.magnetization(th, ph),
             [[0, 0, 1.0], [0, 0, -1.0], [0.0, -0.0, 1.0], [-0.0, 0.0, -1.0], [1e-300, 0, 1.0]],
             spinorbit.magnetization(jumps, np.zeros_like(jumps))]
    return np.concatenate([m, *[np.asarray(e, float).reshape(-1, 3) for e in extra]])


@pytest.mark.parametrize("name", ["C_inf_v", "C_2v iso", "C_2v aniso"])
def test_kernel_equals_numpy_interpolant(tables, name):
    st = tables[name]
    arrs = KS.kernel_arrays(st.kernel_arrays())
    m = probe(st, np.random.default_rng(7))
    out = np.empty((len(m), 10))
    KS.sphere_rows_many(m, *arrs, out)
    th, ph = spinorbit.angles(m)
    ref = st.values_at(th, ph)
    scale = np.abs(ref).max(axis=0)
    assert np.all(np.abs(out - ref) <= 1e-12 * scale)
    # the field: B = pref K sigma^-1 (J jhat), against spinorbit.table_field on the same K, sigma
    B = np.empty((len(m), 3))
    jhat = np.array([0.6, 0.8])
    KS.sot_sphere_many(m, 2e11, jhat[0], jhat[1], 3e-7, *arrs, B)
    Kr, Sr = schema.unflatten(ref)
    Bref = spinorbit.table_field(Kr, Sr, 2e11, jhat, 3e-7)
    assert np.abs(B - Bref).max() <= 1e-12 * np.abs(Bref).max()
    KS.sot_sphere_many(m[:5], 0.0, jhat[0], jhat[1], 3e-7, *arrs, B[:5])
    assert not B[:5].any()


@pytest.mark.parametrize("name", ["C_inf_v", "C_2v iso"])
def test_sphere_kernel_against_1d_kernel(fig4a, tables, name):
    """Rotation-invariant response: the sphere kernel's field equals the 1D TableSOT kernel's
    to the two tables' stated errors, away from the jumps (3 bracket widths)."""
    st = tables[name]
    mag = llgsot.Macrospin(Ms=1.1e6, thickness=1e-9, area=1e-16, damping=0.02)
    tq = llgsot.TableSOT(fig4a, nm_thickness=3e-9, current_direction=(0.6, 0.8))
    entries, geom, coef = tq.kernel_setup(mag)
    par = K1.make_params(**entries)
    rng = np.random.default_rng(8)
    m = rng.normal(size=(5000, 3))
    m /= np.linalg.norm(m, axis=1)[:, None]
    m = np.concatenate([m, [[0, 0, 1.0], [0, 0, -1.0]]])
    B1 = np.empty((len(m), 3))
    K1.sot_many(m, 2e11, par, geom, coef, B1)
    B2 = np.empty((len(m), 3))
    KS.sot_sphere_many(m, 2e11, 0.6, 0.8, entries["pref"], *KS.kernel_arrays(st.kernel_arrays()), B2)
    th, _ = spinorbit.angles(m)
    jumps = fig4a.theta[:-1][fig4a.jump_after] + 0.5 * np.diff(fig4a.theta)[fig4a.jump_after]
    far = np.min(np.abs(th[:, None] - jumps[None, :]), axis=1) > 3 * JUMP_WIDTH
    est = st.error_estimate + float(fig4a.dataset.attrs["interpolation_error_estimate"])
    # B = pref K sigma^-1 j: a relative error e of K and sigma moves B by <= ~ (1 + cond) e
    err = np.linalg.norm(B2 - B1, axis=1)[far] / np.abs(B1).max()
    assert err.max() <= 4 * est
    assert np.allclose(B2[-2:], B1[-2:], rtol=1e-12, atol=1e-12 * np.abs(B1).max())
    assert math.isfinite(err.max())


def test_fast_atan2_within_two_ulp_of_libm():
    """The kernel's table-and-series atan2 against math.atan2: within 2 ulp of pi absolute
    (its error: the rounded cos, sin of the reference angle and the products, ~1e-16 each),
    and exact on the axes, with the signs of zero of math.atan2."""
    rng = np.random.default_rng(11)
    pts = np.concatenate([rng.normal(size=(4000, 2)), rng.normal(size=(500, 2)) * [1e-9, 1.0],
                          rng.normal(size=(500, 2)) * [1.0, 1e-12]])
    pts[:200, 1] = pts[:200, 0] * rng.choice([-1.0, 1.0], 200)  # |y| = |x|: the octant edge
    err = max(abs(KS._atan2(y, x, 1.0 / math.hypot(x, y)) - math.atan2(y, x)) for y, x in pts)
    assert err <= 2 * np.spacing(math.pi)
    for y, x in [(0.0, 1.0), (-0.0, 1.0), (0.0, -1.0), (-0.0, -1.0), (1.0, 0.0), (-1.0, 0.0),
                 (1.0, -0.0), (-2.0, -0.0)]:
        got = KS._atan2(y, x, 1.0 / math.hypot(x, y))
        assert got == math.atan2(y, x) and math.copysign(1.0, got) == math.copysign(1.0, math.atan2(y, x))
