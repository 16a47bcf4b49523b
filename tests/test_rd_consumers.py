"""A real Rashba + Dresselhaus table through the consumers (issue 19, "Done means"): the
sphere table that ``build_table`` makes for ``RashbaDresselhausFM`` drives the LLG engine, a
magnum.np single cell and a mumax3 export, each checked as the hand-made anisotropic table of
tests/test_sphere_wiring.py is (that table is the 1D response times (1 + 0.6 m_x m_y); this
one comes from the solver).

The table: beta = 0.5 alpha at the Ta-like parameters, dilute regime, eps = 20 meV (above both
band edges: no jumps, so the mumax3 fit applies), tol 1e-2 (the checks compare each consumer
with the table's own numpy interpolant, so its accuracy against the solver does not enter;
tests/test_tables_rd.py checks that). Independent routes: scipy's DOP853 on the LLG written out
in tests/conftest.py (table_llg_reference), the macrospin DOPRI5 path for the magnum.np cell,
the float32 mumax3 interpreter of tests/mumax3_interpreter.py.
"""
import numpy as np
import pytest

import llgsot
from llgsot import spinorbit
from llgsot.tables.sphere import SphereTable

from conftest import table_llg_reference

P = dict(m_eff=0.8, alpha=1.7e-11, beta=0.85e-11, delta_xc=5e-3, impurity_density=5e14,
         impurity_strength=0.065, cutoff=3.0)
EPS = 2e-2
MAG = llgsot.Macrospin(Ms=1.1e6, thickness=1e-9, area=1e-16, damping=0.05, Ku=8e5)


@pytest.fixture(scope="module")
def rd_table():
    ds = llgsot.build_table(llgsot.RashbaDresselhausFM(**P), EPS, tol=1e-2, progress=False,
                            executor="serial")
    st = SphereTable(ds)
    assert st.arrays["nodes"].shape[0] > 1  # a sphere table with several azimuth lines
    return st


def test_rd_table_is_anisotropic(rd_table):
    """The azimuth matters: K at m tilted along [100] and along [110] (same theta) are not
    related by the C_inf_v rotation rule, by far more than the table's stated error."""
    th = 0.6
    m100 = np.array([[np.sin(th), 0.0, np.cos(th)]])
    m110 = np.array([[np.sin(th) / np.sqrt(2), np.sin(th) / np.sqrt(2), np.cos(th)]])
    K100, K110 = rd_table.K(m100)[0], rd_table.K(m110)[0]
    c = s = 1 / np.sqrt(2)
    R3 = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])
    R2 = R3[:2, :2]
    rotated = R3 @ K100 @ R2.T  # what a rotation-invariant model would give at [110]
    assert np.abs(K110 - rotated).max() > 50 * rd_table.error_estimate * np.abs(K100).max()


def test_rd_table_drives_the_llg(rd_table):
    """simulate (RK4, and DOPRI5) with the RD table against scipy's DOP853 on the numpy
    interpolant: 1e-6 in m, as for the 1D tables (tests/test_dynamics_tables.py); the current
    along [110] moves m by more than 1e-2."""
    d = np.array([1.0, 1.0]) / np.sqrt(2)
    tq = llgsot.TableSOT(rd_table, nm_thickness=3e-9, current_direction=d)
    pulse = llgsot.Pulse(2e11, 2e-10, rise=5e-11, fall=5e-11)
    m0 = np.array([0.1, 0.0, np.sqrt(0.99)])
    ds = llgsot.simulate(MAG, tq, pulse, m0=m0, t_end=4e-10, dt=5e-15, save_every=1000)
    dp = llgsot.simulate(MAG, tq, pulse, m0=m0, t_end=4e-10, dt=5e-15, save_every=1000,
                         method="dopri", rtol=1e-10, atol=1e-12)
    ref = table_llg_reference(rd_table.K_and_sigma, rd_table.delta_xc, MAG, pulse, d, m0,
                              ds.time.values, max_step=2e-12)
    assert np.abs(ref - ref[0]).max() > 1e-2
    assert np.abs(ds.m.values.reshape(-1, 3) - ref).max() <= 1e-6
    assert np.abs(dp.m.values.reshape(-1, 3)[-1] - ref[-1]).max() <= 1e-6


@pytest.mark.slow
def test_single_cell_follows_macrospin_with_the_rd_table(rd_table):
    """One magnum.np cell driven by the RD table against the macrospin (DOPRI5), both adaptive
    at 1e-10, 0.3 ns: 1e-6 in m, as for the 1D tables (tests/test_micromagnetics.py)."""
    from test_micromagnetics import HAVE_MAGNUMNP, single_cell_case

    if not HAVE_MAGNUMNP:
        pytest.skip("magnum.np (optional extra `magnumnp`) is not installed")
    import torch._dynamo

    from llgsot.micromagnetics.backend import magnumnp

    before = torch._dynamo.config.disable
    try:
        mn = magnumnp(compile=False)
        tq = llgsot.TableSOT(rd_table, nm_thickness=5e-9, current_direction=(1.0, 1.0))
        got, ref = single_cell_case(mn, None, tq, 0.3e-9, 1e-10)
    finally:
        torch._dynamo.config.disable = before
    assert np.abs(ref - ref[0]).max() > 1e-2
    assert np.abs(got - ref).max() <= 1e-6, np.abs(got - ref).max()


def test_mumax3_script_of_the_rd_table(rd_table):
    """The mumax3 script of the RD table (a fit in the components of m), run in float32 by the
    interpreter of the mumax3 subset, against the table's field perpendicular to m at 20000
    random m and the poles: within 1e-3 of its largest value (the 1D export's target)."""
    from llgsot.export.mumax3 import mumax3_script

    from mumax3_interpreter import Mumax3Subset
    from test_mumax3 import DEVICE

    text = mumax3_script(rd_table, DEVICE)
    assert "Fit in the components of m" in text and "AddFieldTerm(sot_B)" in text
    rng = np.random.default_rng(19)
    m = rng.normal(size=(20000, 3))
    m /= np.linalg.norm(m, axis=1)[:, None]
    m = np.concatenate([m, [[0, 0, 1.0], [0, 0, -1.0]]])
    got = spinorbit.perpendicular(Mumax3Subset(m, np.float32).run(text).astype(float), m)
    ref = spinorbit.perpendicular(DEVICE.field(rd_table, m), m)
    err = np.abs(got - ref).max() / np.abs(ref).max()
    assert err <= 1e-3, err
