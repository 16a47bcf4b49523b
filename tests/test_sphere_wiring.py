"""Sphere tables wired into the package (issue 19): opening a table by its version, the
dynamics kernels (the sphere path against its numpy reference and against the 1D path), a
switching simulation driven by an anisotropic table.

Independent routes as in tests/test_sphere_tables.py: the shipped 1D table (tables/fig4.nc)
and its own TableSOT path for a rotation-invariant sphere table; ``spinorbit.table_field`` on
the sphere interpolant's K and sigma for the kernel's field.
"""
import numpy as np
import pytest

import llgsot
from llgsot.tables.sphere import SphereTable, build_sphere_table, c2v_rd, c_nv

from conftest import FIG4, table_llg_reference
from test_sphere_tables import aniso_callable, iso_callable


@pytest.fixture(scope="module")
def iso_ds(fig4a):
    """The 1D table's response built as a sphere table with C_2v lines (8 lines, 2 solved)."""
    return build_sphere_table(iso_callable(fig4a), c2v_rd(), tol=1e-4, delta_xc=5e-3)


@pytest.fixture(scope="module")
def aniso_ds(fig4a):
    return build_sphere_table(aniso_callable(fig4a), c2v_rd(), tol=2e-4, delta_xc=5e-3)


def test_open_table_picks_the_interpolant_by_version(tmp_path, fig4a):
    ds = build_sphere_table(iso_callable(fig4a), c_nv(None), tol=1e-4, delta_xc=5e-3)
    st = llgsot.open_table(ds)
    assert isinstance(st, SphereTable) and st.source_path is None
    path = tmp_path / "sphere.nc"
    llgsot.save_table(ds, path)
    back = llgsot.open_table(path)
    assert isinstance(back, SphereTable) and back.source_path == str(path.resolve())
    m = np.array([[0.6, 0.0, 0.8], [0.0, -0.6, -0.8]])
    assert np.array_equal(back.K(m), st.K(m))
    one = llgsot.open_table(llgsot.load_table(FIG4).sel(fermi_energy=4.5e-3))
    assert type(one) is llgsot.TorqueTable
    assert np.array_equal(one.values, fig4a.values)
    with pytest.raises(ValueError, match="sphere table.*llgsot.open_table"):
        llgsot.TorqueTable(ds)
    with pytest.raises(ValueError, match="sphere table.*llgsot.open_table"):
        llgsot.TorqueTable(path)
    with pytest.raises(ValueError, match="`source`"):
        llgsot.open_table(3)


# -- dynamics ------------------------------------------------------------------------------
MAG = llgsot.Macrospin(Ms=1.1e6, thickness=1e-9, area=1e-16, damping=0.05, Ku=8e5)


def kernel_field(torque, m, J):
    from llgsot.dynamics import kernels

    entries, geom, coef = torque.kernel_setup(MAG)
    assert entries["kind"] == kernels.KIND_SPHERE
    out = np.empty_like(m)
    kernels.sot_many(np.ascontiguousarray(m), float(J), kernels.make_params(**entries), geom, coef, out)
    return out


@pytest.mark.parametrize("which", ["iso", "aniso"])
@pytest.mark.parametrize("direction", [(1.0, 0.0), (0.6, -0.8)])
def test_sphere_kernel_path_equals_numpy_reference(iso_ds, aniso_ds, which, direction):
    """The kernels' KIND_SPHERE path (sot_many, as field_at) against TableSOT.field, whose
    numpy reference is spinorbit.table_field on SphereTable.values_at: random m, the poles,
    the lines, between them, and both sides of line 0's jumps."""
    from llgsot import spinorbit
    from llgsot.tables import schema

    st = SphereTable(iso_ds if which == "iso" else aniso_ds)
    tq = llgsot.TableSOT(st, 3e-9, current_direction=direction)
    rng = np.random.default_rng(3)
    m = rng.normal(size=(2000, 3))
    m /= np.linalg.norm(m, axis=1)[:, None]
    L = st.n_lines
    ph = np.pi * np.arange(2 * L) / L
    jumps = st.arrays["jumps"][0]
    th = np.concatenate([rng.uniform(0, np.pi, ph.size), jumps - 1e-6, jumps + 1e-6])
    ph = np.concatenate([ph, np.zeros(2 * jumps.size)])
    m = np.concatenate([m, spinorbit.magnetization(th, ph), [[0, 0, 1.0], [0, 0, -1.0]]])
    ref = tq.field(m, -2e12, MAG.Ms, MAG.thickness)
    theta, phi = spinorbit.angles(m)
    by_hand = spinorbit.table_field(*schema.unflatten(st.values_at(theta, phi)), -2e12,
                                    np.array(direction), tq.prefactor(MAG.Ms, MAG.thickness))
    assert np.array_equal(ref, by_hand)
    got = kernel_field(tq, m, -2e12)
    assert np.abs(got - ref).max() <= 1e-12 * np.abs(ref).max()
    if jumps.size:  # the jumps are there and both sides are reproduced
        a = ref[-2 - 2 * jumps.size:-2]
        assert np.abs(a[:jumps.size] - a[jumps.size:]).max() > 1e-3 * np.abs(ref).max()


def run(table, J, direction=(1.0, 0.0), nm=3e-9, t_end=3e-9, method="rk4"):
    """A 1 ns pulse with a 20 mT field along the current, m0 tilted 0.1 toward it."""
    d = np.array(direction, float) / np.hypot(*direction)
    tq = llgsot.TableSOT(table, nm_thickness=nm, current_direction=d)
    pulse = llgsot.Pulse(J, 1e-9, rise=5e-11, fall=5e-11)
    m0 = np.array([0.1 * d[0], 0.1 * d[1], np.sqrt(0.99)])
    return llgsot.simulate(MAG, tq, pulse, field=(0.02 * d[0], 0.02 * d[1], 0.0), m0=m0,
                           t_end=t_end, dt=5e-15, save_every=200, method=method)


def test_rotation_invariant_sphere_table_simulates_as_the_1d_table(fig4a, iso_ds):
    """The 1D table built as a C_2v sphere table (16 lines) drives the same switching run.
    Tolerance: how far the 1D run itself moves when its field is scaled by 1 +- e, e = 4 x
    (the two tables' stated errors), the field budget of tests/test_sphere_kernel.py."""
    st = SphereTable(iso_ds)
    e = 4 * (st.error_estimate + float(fig4a.dataset.attrs["interpolation_error_estimate"]))
    ref = run(fig4a, -2e12)
    got = run(st, -2e12)
    assert bool(ref.switched[0]) and bool(got.switched[0])
    mr = ref.m.values.reshape(-1, 3)
    dev = np.abs(got.m.values.reshape(-1, 3) - mr).max()
    sens = min(np.abs(run(fig4a, -2e12, nm=3e-9 * (1 + s * e)).m.values.reshape(-1, 3) - mr).max()
               for s in (1, -1))
    assert sens > 1e-3  # the calibration is not vacuous
    assert dev <= sens, (dev, sens)


def test_anisotropic_sphere_table_drives_the_llg(aniso_ds):
    """A C_2v table (Dresselhaus-like terms, jumps moving with phi) in simulate (RK4, and
    DOPRI5 through the other right-hand side) against scipy's DOP853 at tight tolerances of
    the LLG written out here with K, sigma from SphereTable (numpy), as
    tests/test_dynamics_tables.py does for a 1D table; tolerance 1e-6 as there, the path kept
    away from the jumps."""
    st = SphereTable(aniso_ds)
    d = np.array([0.6, 0.8])
    tq = llgsot.TableSOT(st, nm_thickness=3e-9, current_direction=d)
    pulse = llgsot.Pulse(1e11, 2e-10, rise=5e-11, fall=5e-11)
    m0 = np.array([0.1, 0, np.sqrt(0.99)])
    ds = llgsot.simulate(MAG, tq, pulse, m0=m0, t_end=4e-10, dt=5e-15, save_every=1000)
    dp = llgsot.simulate(MAG, tq, pulse, m0=m0, t_end=4e-10, dt=5e-15, save_every=1000,
                         method="dopri", rtol=1e-10, atol=1e-12)
    times = ds.time.values
    ref = table_llg_reference(st.K_and_sigma, st.delta_xc, MAG, pulse, d, m0, times,
                              max_step=2e-12)
    assert np.abs(ref - ref[0]).max() > 1e-2  # the current does something here
    # and m stays clear of the jump curves (a fixed step across a jump errs by O(dt))
    assert llgsot.spinorbit.angles(ref)[0].max() < st.arrays["jumps"].min() - 0.02
    assert np.abs(ds.m.values.reshape(-1, 3) - ref).max() <= 1e-6
    assert np.abs(dp.m.values.reshape(-1, 3)[-1] - ref[-1]).max() <= 1e-6



def test_current_induced_tilt_along_100_and_110(iso_ds, aniso_ds):
    """The quasi-static tilt of m by a DC current (what harmonic Hall measures), the part odd
    in J: (m(+J) - m(-J))/2 at equilibrium, no external field. The rotation-invariant table
    gives for current along [110] the [100] tilt turned by 45 degrees (to its stated error);
    the C_2v table gives a different magnitude and, along [100], a component along the current
    (the Dresselhaus-like field-like term): a result only the azimuth dependence produces."""
    mag = llgsot.Macrospin(Ms=1.1e6, thickness=1e-9, area=1e-16, damping=0.5, Ku=8e5)

    def tilt(st, d):
        tq = llgsot.TableSOT(st, nm_thickness=3e-9, current_direction=d)
        m = [llgsot.simulate(mag, tq, s * 1e11, m0=(0.0, 0.0, 1.0), t_end=3e-9, dt=1e-13,
                             method="dopri", rtol=1e-10, atol=1e-12, save_every=100).m.values[-1, 0]
             for s in (1, -1)]
        return (m[0] - m[1]) / 2

    c = s = np.sqrt(0.5)
    out = {}
    for name, ds in (("iso", iso_ds), ("aniso", aniso_ds)):
        st = SphereTable(ds)
        a, b = tilt(st, (1.0, 0.0)), tilt(st, (c, s))
        out[name] = (a, b, np.array([c * a[0] - s * a[1], s * a[0] + c * a[1], a[2]]), st)
    a, b, a_turned, st = out["iso"]
    assert np.linalg.norm(a) > 0.1  # the current tilts m
    assert np.abs(a_turned - b).max() <= 4 * st.error_estimate * np.linalg.norm(a)
    assert abs(a[0]) < 1e-3 * np.linalg.norm(a)  # tilt perpendicular to the current
    a, b, a_turned, st = out["aniso"]
    assert abs(np.linalg.norm(a) - np.linalg.norm(b)) > 0.2 * np.linalg.norm(a)
    assert a[0] > 0.2 * np.linalg.norm(a)  # along the current


# -- magnum.np ---------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["iso", "aniso"])
def test_torch_sphere_field_equals_reference_float64(iso_ds, aniso_ds, which):
    """MagnumSOTField of a sphere-table TableSOT (torch, float64) against TableSOT.field
    (numpy) / mu0 to 1e-12: random m with per-cell Ms, the poles, the lines, both sides of
    line 0's jumps."""
    torch = pytest.importorskip("torch")
    from llgsot import spinorbit
    from llgsot.constants import MU0
    from llgsot.micromagnetics import MagnumSOTField

    from test_micromagnetics import FakeState

    st = SphereTable(iso_ds if which == "iso" else aniso_ds)
    tq = llgsot.TableSOT(st, 5e-9, current_direction=(0.6, 0.8))
    rng = np.random.default_rng(4)
    m = rng.normal(size=(600, 3))
    m /= np.linalg.norm(m, axis=1)[:, None]
    L = st.n_lines
    jumps = st.arrays["jumps"][0]
    th = np.concatenate([rng.uniform(0, np.pi, 2 * L), jumps - 1e-6, jumps + 1e-6, [0.0, np.pi]])
    ph = np.concatenate([np.pi * np.arange(2 * L) / L, np.zeros(2 * jumps.size + 2)])
    m = np.concatenate([m, spinorbit.magnetization(th, ph)])[:, None, None, :]
    Ms = np.linspace(4e5, 1.2e6, len(m))[:, None, None]
    J = -2.3e11
    H = MagnumSOTField(tq, J).h(FakeState(m, Ms, torch.float64)).numpy()
    ref = tq.field(m, J, Ms, 1e-9) / MU0
    assert np.abs(H - ref).max() <= 1e-12 * np.abs(ref).max()


def test_single_cell_follows_macrospin_with_a_sphere_table(aniso_ds):
    """One magnum.np cell driven by the C_2v sphere table against the macrospin (DOPRI5), as
    tests/test_micromagnetics.py does for the 1D tables: both adaptive at 1e-10, 0.3 ns
    through the pulse's rise; tolerance 1e-6 as there."""
    from test_micromagnetics import HAVE_MAGNUMNP, single_cell_case

    if not HAVE_MAGNUMNP:
        pytest.skip("magnum.np (optional extra `magnumnp`) is not installed")
    import torch._dynamo

    from llgsot.micromagnetics.backend import magnumnp

    before = torch._dynamo.config.disable
    try:
        mn = magnumnp(compile=False)
        tq = llgsot.TableSOT(SphereTable(aniso_ds), nm_thickness=5e-9, current_direction=(1.0, 1.0))
        got, ref = single_cell_case(mn, None, tq, 0.3e-9, 1e-10)
    finally:
        torch._dynamo.config.disable = before
    assert np.abs(ref - ref[0]).max() > 1e-2
    assert np.abs(got - ref).max() <= 1e-6, np.abs(got - ref).max()



@pytest.fixture(scope="module")
def smooth_ds():
    """Sphere tables of the smooth Fig. 4(b) response (5.5 meV, no jumps): rotation-invariant
    and the anisotropic C_2v callable of tests/test_sphere_tables.py."""
    t55 = llgsot.TorqueTable(llgsot.load_table(FIG4).sel(fermi_energy=5.5e-3))
    assert not t55.jump_after.any()
    return t55, {name: build_sphere_table(f(t55), c2v_rd(), tol=1e-4, delta_xc=5e-3)
                 for name, f in (("iso", iso_callable), ("aniso", aniso_callable))}


@pytest.mark.parametrize("which", ["iso", "aniso"])
def test_mumax3_script_of_a_smooth_sphere_table(smooth_ds, which):
    """The mumax3 script of a smooth sphere table (a fit in the components of m), run by the
    interpreter of the mumax3 subset in float32 (tests/mumax3_interpreter.py), against the
    table's field perpendicular to m: within 1e-3 of its largest value (the 1D target), and
    for the rotation-invariant table also against the 1D table itself (1e-3 + its error)."""
    from llgsot import spinorbit
    from llgsot.export.mumax3 import mumax3_script

    from mumax3_interpreter import Mumax3Subset
    from test_mumax3 import DEVICE

    t55, tables = smooth_ds
    st = SphereTable(tables[which])
    text = mumax3_script(st, DEVICE)
    assert "Fit in the components of m" in text and "AddFieldTerm(sot_B)" in text
    rng = np.random.default_rng(2026)
    m = rng.normal(size=(20000, 3))
    m /= np.linalg.norm(m, axis=1)[:, None]
    m = np.concatenate([m, [[0, 0, 1.0], [0, 0, -1.0]]])
    got = spinorbit.perpendicular(Mumax3Subset(m, np.float32).run(text).astype(float), m)
    refs = [st] + ([t55] if which == "iso" else [])
    for table in refs:
        ref = spinorbit.perpendicular(DEVICE.field(table, m), m)
        err = np.abs(got - ref).max() / np.abs(ref).max()
        allowed = 1e-3 + (4 * st.error_estimate if table is t55 else 0.0)
        assert err <= allowed, (type(table).__name__, err)


def test_exporters_refuse_sphere_tables_with_jumps_clearly(iso_ds, tmp_path):
    """mumax3 refuses a sphere table with jumps (its jump curves move with phi), the other
    writers of functions of theta refuse sphere tables, saying why; the magnum.np term loads
    a sphere-table file."""
    from llgsot.export import Device, export
    from llgsot.export.magnumnp import MagnumSOTField as FileTerm
    from llgsot.export.mumax3 import mumax3_script

    st = SphereTable(iso_ds)
    dev = Device(Ms=1e6, thickness=1e-9, nm_thickness=5e-9, current_density=1e11)
    for table in (st, iso_ds):
        with pytest.raises(ValueError, match="sphere table with jumps is not implemented"):
            mumax3_script(table, dev)
    with pytest.raises(ValueError, match="format 'csv' does not take sphere tables"):
        export(st, tmp_path / "x.csv", "csv", device=dev)
    path = tmp_path / "sphere.nc"
    llgsot.save_table(iso_ds, path)
    term = FileTerm(str(path), nm_thickness=5e-9, thickness=1e-9, current_density=1e11)
    assert isinstance(term.table, SphereTable) and term.torque.sphere
