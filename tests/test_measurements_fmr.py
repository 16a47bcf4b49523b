"""ST-FMR: Liu's analysis recovers the spin Hall angle of a ConstantSOT (damping-like torque
+ Oersted field), the Kittel fit recovers mu0 Ms and the damping, and the lineshape has the
linear-response angular dependence."""
import math

import numpy as np
import pytest

import llgsot
from llgsot.constants import MU0

MAG = dict(Ms=8e5, thickness=2e-9, area=1e-16, damping=0.01)


@pytest.fixture(scope="module")
def mag():
    return llgsot.Macrospin(**MAG)


def test_xi_fmr_recovers_spin_hall_angle(mag):
    """Liu's formula holds to leading order in the damping (errors O(a) = 1 %, bound below)."""
    tq = llgsot.ConstantSOT(0.1, 0.0)
    ds = llgsot.st_fmr(mag, tq, 1e10, 6e9, np.linspace(0.02, 0.2, 181), nm_thickness=6e-9)
    r = llgsot.analyze_st_fmr(ds)
    assert abs(r["xi_fmr"] / 0.1 - 1) < 0.02
    # resonance on the Kittel curve of the thin film, linewidth a w / gamma
    w = 2 * math.pi * 6e9 / mag.gamma
    B0 = r["resonance_field"]
    assert math.sqrt(B0 * (B0 + MU0 * mag.Ms)) == pytest.approx(w, rel=1e-3)
    assert r["linewidth"] == pytest.approx(mag.damping * w, rel=2e-2)


def test_negative_spin_hall_angle_and_field(mag):
    tq = llgsot.ConstantSOT(-0.07, 0.0)
    ds = llgsot.st_fmr(mag, tq, 1e10, 8e9, np.linspace(-0.3, -0.03, 181), nm_thickness=6e-9)
    assert abs(llgsot.analyze_st_fmr(ds)["xi_fmr"] / -0.07 - 1) < 0.02


def test_kittel_and_damping_fit(mag):
    tq = llgsot.ConstantSOT(0.1, 0.0)
    f = [4e9, 6e9, 8e9, 10e9]
    ds = llgsot.st_fmr(mag, tq, 1e10, f, np.linspace(0.01, 0.4, 301), nm_thickness=6e-9)
    assert ds.V_mix.dims == ("frequency", "field")
    r = llgsot.analyze_st_fmr(ds)
    assert r["effective_field"] == pytest.approx(MU0 * mag.Ms, rel=1e-3)
    assert r["damping_eff"] == pytest.approx(mag.damping, rel=1e-2)
    assert r["gamma"] == pytest.approx(mag.gamma, rel=1e-3)
    np.testing.assert_allclose(r["xi_fmr"], 0.1, rtol=0.02, atol=0)


def test_angular_dependence(mag):
    """In linear response (isotropic in-plane film) every torque and the AMR derivative carry
    cos(ph) or sin(ph) cos(ph): V_mix(ph) = V(pi/4) sin(ph) cos^2(ph) / (sin cos^2)(pi/4)."""
    tq = llgsot.ConstantSOT(0.1, 0.3)
    B = np.linspace(0.03, 0.12, 31)
    ref = llgsot.st_fmr(mag, tq, 1e10, 6e9, B, nm_thickness=6e-9).V_mix.values
    for ph in (0.3, 2.0, 4.0):
        got = llgsot.st_fmr(mag, tq, 1e10, 6e9, B, field_azimuth=ph, nm_thickness=6e-9).V_mix.values
        k = math.sin(ph) * math.cos(ph) ** 2 / (math.sin(math.pi / 4) * math.cos(math.pi / 4) ** 2)
        np.testing.assert_allclose(got, k * ref, rtol=0, atol=1e-9 * np.abs(ref).max())


def test_voltage_quadratic_in_current(mag):
    tq = llgsot.ConstantSOT(0.1, 0.3)
    B = np.linspace(0.03, 0.12, 11)
    a = llgsot.st_fmr(mag, tq, 1e10, 6e9, B, nm_thickness=6e-9).V_mix.values
    b = llgsot.st_fmr(mag, tq, 3e10, 6e9, B, nm_thickness=6e-9).V_mix.values
    np.testing.assert_allclose(b, 3 * a, rtol=1e-8, atol=0)  # V ~ I_rf J0, I_rf fixed


def test_refusals(mag):
    tq = llgsot.ConstantSOT(0.1)
    with pytest.raises(ValueError, match="frequency"):
        llgsot.st_fmr(mag, tq, 1e10, -1.0, [0.1])
    ds = llgsot.st_fmr(mag, tq, 1e10, 6e9, np.linspace(0.02, 0.2, 31))
    with pytest.raises(ValueError, match="Oersted"):
        llgsot.analyze_st_fmr(ds)
