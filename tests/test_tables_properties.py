"""Property tests of the TorqueTable interpolant (hypothesis)."""
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import llgsot

TABLE = llgsot.TorqueTable(llgsot.load_table(__import__("pathlib").Path(__file__).parent.parent
                                             / "tables" / "fig4.nc").sel(fermi_energy=5.5e-3))
unit = st.tuples(st.floats(0, math.pi), st.floats(-math.pi, math.pi))


def _m(th, ph):
    return np.array([math.sin(th) * math.cos(ph), math.sin(th) * math.sin(ph), math.cos(th)])


@settings(max_examples=60, deadline=None)
@given(unit, st.floats(-math.pi, math.pi))
def test_rotation_covariance(angles, psi):
    """K(R m) = R3 K(m) R2^T and sigma(R m) = R2 sigma(m) R2^T for rotations about z."""
    m = _m(*angles)
    c, s = math.cos(psi), math.sin(psi)
    R3 = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])
    R2 = R3[:2, :2]
    K, S = TABLE.K_and_sigma(m)
    K2, S2 = TABLE.K_and_sigma(R3 @ m)
    scale = abs(TABLE.values[:, :6]).max()
    assert np.abs(K2 - R3 @ K @ R2.T).max() <= 1e-12 * scale
    assert np.abs(S2 - R2 @ S @ R2.T).max() <= 1e-12 * abs(TABLE.values[:, 6:]).max()


@settings(max_examples=60, deadline=None)
@given(st.floats(0, math.pi))
def test_parity_about_half_pi(theta):
    """The interpolant itself keeps the parities exactly (mirror-symmetric nodes and slopes)."""
    from llgsot.tables.schema import PARITY_HALF_PI

    a = TABLE.values_at(np.array([theta]))[0]
    b = TABLE.values_at(np.array([math.pi - theta]))[0]
    assert np.abs(b - PARITY_HALF_PI * a).max() <= 1e-9 * np.abs(TABLE.values).max()
