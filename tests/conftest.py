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
