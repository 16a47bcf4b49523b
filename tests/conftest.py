import os

# one BLAS thread: these machines have 2 cores shared by numba's threads and other jobs, and
# OpenBLAS's own threading made small least-squares fits ~100x slower under load
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from pathlib import Path

import numpy as np
import pytest

from llgsot import RashbaFM, TorqueTable, load_table

#: the paper's Ta-like parameter set (Fig. 4) with our documented W~ and cutoff
TA = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
          impurity_strength=0.1, cutoff=3.0)


#: the shipped Fig. 4 tables (4.5 and 5.5 meV), a version-1 file
FIG4 = Path(__file__).resolve().parent.parent / "tables" / "fig4.nc"


@pytest.fixture
def ta_model():
    return RashbaFM(**TA)


@pytest.fixture(scope="session")
def fig4a():
    """The shipped Fig. 4(a) table (4.5 meV, two jumps) as a TorqueTable: the reference
    response of the sphere-table tests (tests/test_sphere_*.py)."""
    return TorqueTable(load_table(FIG4).sel(fermi_energy=4.5e-3))


def rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return np.abs(a - b) / np.abs(b)


def table_llg_reference(K_and_sigma, delta_xc, mag, pulse, direction, m0, times, max_step,
                        nm_thickness=3e-9):
    """The independent route of the table-torque dynamics tests: scipy's DOP853 at tight
    tolerances of the LLG written out here, with the field from the table's numpy K and sigma,
    B = Delta_xc K sigma^-1 (J t_NM d) / (Ms t_F) + (2 Ku/Ms - mu0 Ms) m_z z.
    ``K_and_sigma(m)`` -> (K (3, 2) 1/(V m), sigma (2, 2) S); ``delta_xc`` in eV; returns m at
    ``times`` (s), shape (len(times), 3)."""
    from scipy.integrate import solve_ivp

    from llgsot.constants import EV, MU0

    d = np.asarray(direction, float)
    g = mag.gamma / (1 + mag.damping**2)

    def rhs(t, m):
        m = m / np.linalg.norm(m)
        K, S = K_and_sigma(m)
        E = np.linalg.solve(S, float(pulse.at(t)) * nm_thickness * d)
        B = delta_xc * EV * K @ E / (mag.Ms * mag.thickness)
        B = B + np.array([0.0, 0.0, (2 * mag.Ku / mag.Ms - MU0 * mag.Ms) * m[2]])
        mxb = np.cross(m, B)
        return -g * (mxb + mag.damping * np.cross(m, mxb))

    return solve_ivp(rhs, (0.0, times[-1]), m0, method="DOP853", t_eval=times, rtol=1e-11,
                     atol=1e-13, max_step=max_step).y.T
