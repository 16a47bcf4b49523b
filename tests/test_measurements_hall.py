"""Harmonic Hall: the quasistatic harmonics against the small-signal closed form of a
perpendicular macrospin, and the Hayashi/Avci analyses recovering ConstantSOT's fields."""
import math

import numpy as np
import pytest
from test_dynamics_torques import constant_coefficient_table

import llgsot
from llgsot.constants import E_CHARGE, EV, HBAR
from llgsot.measurements.harmonic_hall import hall_resistance

J = 1e11
PERP = dict(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.01, Ku=1.2e6)


@pytest.fixture(scope="module")
def perp():
    return llgsot.Macrospin(**PERP)


def test_harmonics_match_small_signal_closed_form(perp):
    """Field along x: sin th0 = B/B_K; the damping-like field b (m x y) tilts theta by
    -b/(B_K cos^2 th0), so R_1w = R_A cos th0 and R_2w = -R_A b sin th0 / (2 B_K cos^2 th0)
    (plus O(b^2/B_K^2) ~ 1e-5 relative, which sets the tolerance)."""
    tq = llgsot.ConstantSOT(0.1, 0.0)
    B_K = perp.effective_anisotropy_field()
    B = np.linspace(-0.3, 0.3, 13)
    ds = llgsot.harmonic_hall(perp, tq, J, B)
    b = tq.damping_like_field(perp, J)
    s = B / B_K
    c = np.sqrt(1 - s * s)
    np.testing.assert_allclose(ds.R_1w.values, c, rtol=1e-5, atol=0)
    ref = -b * s / (2 * B_K * c * c)
    np.testing.assert_allclose(ds.R_2w.values, ref, rtol=3e-5, atol=1e-12 * b)
    assert ds.converged.values.all()


def test_phase_sampling_converged(perp):
    tq = llgsot.ConstantSOT(0.1, 0.4)
    B = np.linspace(-0.2, 0.2, 5)
    a = llgsot.harmonic_hall(perp, tq, 3 * J, B, field_azimuth=0.3, R_phe=0.2)
    b = llgsot.harmonic_hall(perp, tq, 3 * J, B, field_azimuth=0.3, R_phe=0.2, n_phases=16)
    tol = 1e-10 * np.abs(a.R_2w.values).max()  # rounding of the equilibria
    np.testing.assert_allclose(b.R_2w.values, a.R_2w.values, rtol=0, atol=tol)
    np.testing.assert_allclose(b.R_1w.values, a.R_1w.values, rtol=1e-12, atol=0)


@pytest.mark.parametrize("R_phe", [0.0, 0.3])
@pytest.mark.parametrize("mz", [1.0, -1.0])
def test_hayashi_recovers_constant_fields(perp, R_phe, mz):
    tq = llgsot.ConstantSOT(0.1, 0.5)
    b = tq.damping_like_field(perp, J)
    ds = llgsot.harmonic_hall(perp, tq, J, np.linspace(-0.1, 0.1, 41), field_azimuth=[0.0, math.pi / 2],
                              R_phe=R_phe, m0=(0, 0, mz), nm_thickness=4e-9)
    r = llgsot.analyze_harmonic_hall(ds)
    assert abs(r["B_DL"] / b - 1) < 0.02
    assert abs(r["B_FL_sot"] / (0.5 * b) - 1) < 0.02
    # the total transverse field includes the Oersted field -mu0 J t_NM / 2 along y
    assert abs(r["B_FL"] - (0.5 * b - 0.5 * llgsot.constants.MU0 * J * 4e-9)) < 0.02 * 0.5 * b
    # without the planar Hall correction the FL estimate is off by ~ 2 xi B_DL
    if R_phe:
        raw = r["details"]["B_Y"] + 0.5 * llgsot.constants.MU0 * J * 4e-9
        assert abs(raw / (0.5 * b) - 1) > 0.5


def test_avci_recovers_constant_fields():
    mag = llgsot.Macrospin(Ms=8e5, thickness=1e-9, area=1e-16, damping=0.01)
    tq = llgsot.ConstantSOT(0.1, 0.5)
    J0 = 3e10
    b = tq.damping_like_field(mag, J0)
    ds = llgsot.harmonic_hall(mag, tq, J0, [0.1, 0.2, 0.4, 0.8],
                              field_azimuth=np.linspace(0, 2 * np.pi, 24, endpoint=False),
                              R_phe=0.3, nm_thickness=5e-9)
    r = llgsot.analyze_harmonic_hall(ds, "avci")
    assert abs(r["B_DL"] / b - 1) < 0.02
    assert abs(r["B_FL_sot"] / (0.5 * b) - 1) < 0.02


def test_table_torque_equals_constant_torque(perp):
    """A constant-coefficient table (K E = c_FL z x E + c_DL m x (z x E), sigma = sigma0)
    drives the same measurement as the ConstantSOT with theta = 2|e| Dxc c_DL t_NM/(hbar sigma0)."""
    c_fl, c_dl, s0, dxc, t_nm = 4e10, 8e10, 1e-3, 5e-3 * EV, 5e-9
    tab = llgsot.TableSOT(constant_coefficient_table(c_fl, c_dl, s0, dxc), t_nm)
    theta = 2 * E_CHARGE * dxc * c_dl * t_nm / (HBAR * s0)
    const = llgsot.ConstantSOT(theta, c_fl / c_dl)
    J0 = 1e10
    assert const.damping_like_field(perp, J0) == pytest.approx(3.2e-3, rel=0.01)  # >> Oersted 3e-5 T
    B = np.linspace(-0.1, 0.1, 7)
    a = llgsot.harmonic_hall(perp, tab, J0, B, field_azimuth=[0.0, 1.0], R_phe=0.2)
    c = llgsot.harmonic_hall(perp, const, J0, B, field_azimuth=[0.0, 1.0], R_phe=0.2, nm_thickness=t_nm)
    scale = np.abs(c.R_2w.values).max()
    np.testing.assert_allclose(a.R_2w.values, c.R_2w.values, rtol=0, atol=1e-6 * scale)


def test_hall_resistance_frame():
    m = np.array([math.sin(1.0) * math.cos(0.4), math.sin(1.0) * math.sin(0.4), math.cos(1.0)])
    r = hall_resistance(m, 2.0, 0.5, current_direction=0.1)
    assert r == pytest.approx(2 * math.cos(1.0) + 0.5 * math.sin(1.0) ** 2 * math.sin(2 * 0.3), rel=1e-14)


def test_refusals(perp):
    tq = llgsot.ConstantSOT(0.1)
    with pytest.raises(ValueError, match="temperature"):
        llgsot.harmonic_hall(perp, tq, J, [0.1], temperature=300.0)
    with pytest.raises(ValueError, match="method"):
        llgsot.harmonic_hall(perp, tq, J, [0.1], method="fast")
    with pytest.raises(ValueError, match="current"):
        llgsot.harmonic_hall(perp, tq, 0.0, [0.1])
    tab = llgsot.TableSOT(constant_coefficient_table(1e-3, 1e-3, 1e-3, EV * 5e-3), 5e-9)
    with pytest.raises(ValueError, match="current_direction"):
        llgsot.harmonic_hall(perp, tab, J, [0.1], current_direction=0.5)


@pytest.mark.slow
def test_dynamic_equals_quasistatic_at_low_frequency():
    """LLG at 10 MHz (2 pi f / gamma B_eff ~ 3e-4): in-phase deviations O(3e-4^2)."""
    mag = llgsot.Macrospin(**{**PERP, "damping": 0.05})
    tq = llgsot.ConstantSOT(0.1, 0.5)
    B = np.array([-0.05, 0.06])
    q = llgsot.harmonic_hall(mag, tq, J, B, R_phe=0.3, nm_thickness=5e-9)
    d = llgsot.harmonic_hall(mag, tq, J, B, R_phe=0.3, nm_thickness=5e-9, method="dynamic", frequency=1e7)
    np.testing.assert_allclose(d.R_1w.values, q.R_1w.values, rtol=1e-6, atol=0)
    np.testing.assert_allclose(d.R_2w.values, q.R_2w.values, rtol=1e-4, atol=0)


def test_polarization_off_the_current_frame_warns_and_m0_is_a_direction():
    """A ConstantSOT whose polarization is not z x jhat (the analyses' assumption) warns, naming
    both; with the matching polarization nothing is said. m0 must be a nonzero 3-vector."""
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05, Ku=1.2e6)
    B = np.linspace(-0.05, 0.05, 9)
    with pytest.warns(UserWarning, match="polarization .* is not z x jhat"):
        llgsot.harmonic_hall(mag, llgsot.ConstantSOT(0.1, 0.5), 1e11, B, current_direction=0.7)
    p = (-math.sin(0.7), math.cos(0.7), 0.0)
    llgsot.harmonic_hall(mag, llgsot.ConstantSOT(0.1, 0.5, polarization=p), 1e11, B, current_direction=0.7)
    for bad in ([0, 0, 0], [1, 0]):
        with pytest.raises(ValueError, match="m0"):
            llgsot.harmonic_hall(mag, llgsot.ConstantSOT(0.1), 1e11, B, m0=bad)
