"""TableSOT fed by a real TorqueTable (built by the solver): the kernel's field equals the one
from TorqueTable.K(m), TorqueTable.sigma(m) (the tables layer's own numpy interpolation and
rotation), B = Delta_xc K(m) sigma(m)^-1 (J t_NM jhat) / (Ms d)."""
import numpy as np
import pytest

import llgsot
from conftest import table_llg_reference
from llgsot.constants import EV
from llgsot.dynamics import kernels as K

TA = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
          impurity_strength=0.1, cutoff=3.0)


@pytest.fixture(scope="module")
def table():
    ds = llgsot.build_table(llgsot.RashbaFM(**TA), 5.5e-3, theta=13, progress=False,
                            executor="serial")
    return llgsot.TorqueTable(ds)


def test_table_sot_matches_torque_table_api(table):
    mag = llgsot.Macrospin(Ms=1.1e6, thickness=1e-9, area=1e-16, damping=0.02)
    jhat = np.array([np.cos(0.7), np.sin(0.7)])
    tq = llgsot.TableSOT(table, nm_thickness=3e-9, current_direction=jhat)
    rng = np.random.default_rng(5)
    m = rng.normal(size=(300, 3))
    m /= np.linalg.norm(m, axis=1)[:, None]
    J = 3e11
    entries, geom, coef = tq.kernel_setup(mag)
    par = K.make_params(**entries)
    got = np.empty_like(m)
    K.sot_many(m, J, par, geom, coef, got)
    Km, Sm = table.K(m), table.sigma(m)
    E = np.linalg.solve(Sm, np.broadcast_to(J * 3e-9 * jhat, (m.shape[0], 2))[..., None])[..., 0]
    ref = table.delta_xc * EV * np.einsum("nij,nj->ni", Km, E) / (mag.Ms * mag.thickness)
    # the same interpolant evaluated two ways (arccos vs exact segment angle): rounding only
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-10 * np.abs(ref).max())


def test_simulate_with_real_table(table):
    """simulate with a table torque against an independent integration: scipy's DOP853 at
    tight tolerances of the LLG written out here with the field from TorqueTable.K/sigma
    (numpy), B = Delta_xc K sigma^-1 (J t_NM x) / (Ms d) + (2 Ku/Ms) m_z z - mu0 Ms m_z z.
    A torque of the wrong sign or magnitude moves m by ~1e-2 here: the tolerance is 1e-6."""
    mag = llgsot.Macrospin(Ms=1.1e6, thickness=1e-9, area=1e-16, damping=0.05, Ku=8e5)
    tq = llgsot.TableSOT(table, nm_thickness=3e-9)
    pulse = llgsot.Pulse(1e12, 2e-10, rise=5e-11, fall=5e-11)
    m0 = np.array([0.1, 0, np.sqrt(0.99)])
    ds = llgsot.simulate(mag, tq, pulse, m0=m0, t_end=5e-10, dt=5e-15, save_every=1000)
    assert int(ds.status[0]) == 0 and ds.attrs["torque_model"] == "table"

    times = ds.time.values
    ref = table_llg_reference(lambda m: (table.K(m), table.sigma(m)), table.delta_xc, mag,
                              pulse, (1.0, 0.0), m0, times, max_step=1e-12)
    got = ds.m.values.reshape(-1, 3)
    moved = np.abs(ref - ref[0]).max()
    assert moved > 1e-2  # the current does something here
    assert np.abs(got - ref).max() <= 1e-6, np.abs(got - ref).max()
