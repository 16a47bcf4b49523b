import os

# one BLAS thread: these machines have 2 cores shared by numba's threads and other jobs, and
# OpenBLAS's own threading made small least-squares fits ~100x slower under load
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pytest

from llgsot import RashbaFM

#: the paper's Ta-like parameter set (Fig. 4) with our documented W~ and cutoff
TA = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
          impurity_strength=0.1, cutoff=3.0)


@pytest.fixture
def ta_model():
    return RashbaFM(**TA)


def rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return np.abs(a - b) / np.abs(b)
