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


def test_low_frequency_voltage_is_the_average_of_i_times_r(mag):
    """Far below resonance m follows the static equilibrium m_eq(J(t)) of the instantaneous
    current, so V_mix = <I(t) R(t)> is the time average of I_rf cos(phi) R(m_eq(J0 cos phi)),
    computed here from the definition by quadrature over one period (32 phases) with the
    static equilibria and R = R_0 + R_amr (m.jhat)^2. Errors: lag (w tau)^2 ~ 5e-5 at 100 kHz
    (tau = 1/(a gamma B) ~ 1e-8 s), nonlinearity (b/B)^2 ~ 1e-6: 1e-3 relative is ample."""
    from llgsot.measurements.equilibrium import FieldModel, equilibrium

    tq = llgsot.ConstantSOT(0.1, 0.4)
    B = np.array([0.04, 0.08])
    az, J0, I_rf, R_amr = math.pi / 4, 1e10, 1e-3, 0.7
    ds = llgsot.st_fmr(mag, tq, J0, 1e5, B, field_azimuth=az, nm_thickness=6e-9, R_amr=R_amr,
                       rf_current=I_rf)
    hat = np.array([math.cos(az), math.sin(az), 0.0])
    phases = 2 * np.pi * np.arange(32) / 32
    R = []
    for ph in phases:
        model = FieldModel(mag, tq, B[:, None] * hat, J0 * math.cos(ph), 6e-9, 0.0)
        m, res, _ = equilibrium(model, np.broadcast_to(hat, (B.size, 3)))
        assert np.all(res < 1e-9)
        R.append(R_amr * m[:, 0] ** 2)  # jhat = x
    V = np.mean(I_rf * np.cos(phases)[:, None] * np.array(R), axis=0)
    assert np.all(np.abs(V) > 0)
    np.testing.assert_allclose(ds.V_mix.values.reshape(-1), V, rtol=1e-3, atol=0)


def test_refusals(mag):
    tq = llgsot.ConstantSOT(0.1)
    with pytest.raises(ValueError, match="frequency"):
        llgsot.st_fmr(mag, tq, 1e10, -1.0, [0.1])
    ds = llgsot.st_fmr(mag, tq, 1e10, 6e9, np.linspace(0.02, 0.2, 31))
    with pytest.raises(ValueError, match="Oersted"):
        llgsot.analyze_st_fmr(ds)


def test_dc_bias_changes_the_linewidth(mag):
    """A dc current J_dc adds the damping rate gamma b_DL (m.p) to both tangent components, so
    the half width changes by 2 b_DL sin(phi) (w/gamma) / (2 B0 + B_M) (Liu et al. 2011's
    dc-bias relation; the odd part in J_dc removes the Oersted field's even effects)."""
    tq = llgsot.ConstantSOT(0.1, 0.0)
    B = np.linspace(0.02, 0.08, 241)
    D = {}
    for Jdc in (-5e10, 0.0, 5e10):
        ds = llgsot.st_fmr(mag, tq, 1e9, 6e9, B, nm_thickness=6e-9, dc_current=Jdc)
        D[Jdc] = llgsot.analyze_st_fmr(ds)
    b = tq.damping_like_field(mag, 5e10)
    B0 = D[0.0]["resonance_field"]
    w = 2 * math.pi * 6e9 / mag.gamma
    want = 2 * b * math.sin(math.pi / 4) * w / (2 * B0 + MU0 * mag.Ms)
    got = 0.5 * (D[5e10]["linewidth"] - D[-5e10]["linewidth"])
    assert got == pytest.approx(want, rel=0.02)


def test_dc_bias_table_torque_equals_constant(mag):
    """The table path of the dc-biased linearisation (dB_SOT/dm by central differences of the
    table's field) against ConstantSOT for a constant-coefficient table."""
    from test_dynamics_torques import constant_coefficient_table

    from llgsot.constants import E_CHARGE, EV, HBAR

    c_fl, c_dl, s0, dxc, t_nm = 4e10, 8e10, 1e-3, 5e-3 * EV, 5e-9
    tab = llgsot.TableSOT(constant_coefficient_table(c_fl, c_dl, s0, dxc), t_nm)
    const = llgsot.ConstantSOT(2 * E_CHARGE * dxc * c_dl * t_nm / (HBAR * s0), c_fl / c_dl)
    Jdc = 1e10
    assert const.damping_like_field(mag, Jdc) == pytest.approx(2e-3, rel=0.01)  # not negligible
    B = np.linspace(0.02, 0.08, 31)
    a = llgsot.st_fmr(mag, tab, 1e9, 6e9, B, dc_current=Jdc).V_mix.values
    c = llgsot.st_fmr(mag, const, 1e9, 6e9, B, nm_thickness=t_nm, dc_current=Jdc).V_mix.values
    z = llgsot.st_fmr(mag, const, 1e9, 6e9, B, nm_thickness=t_nm).V_mix.values
    assert np.abs(c - z).max() > 0.05 * np.abs(c).max()  # the dc bias matters
    np.testing.assert_allclose(a, c, rtol=0, atol=1e-6 * np.abs(c).max())


def test_analysis_refuses_what_it_cannot_fit():
    """A sweep that misses the resonance, too few fields, or a harmonic Hall dataset give an
    error naming the problem instead of confident numbers (the fit would stall at the sweep's
    edge: the resonance here lies at ~0.044 T)."""
    mag = llgsot.Macrospin(Ms=8e5, thickness=2e-9, area=1e-16, damping=0.01)
    tq = llgsot.ConstantSOT(0.1)
    far = llgsot.st_fmr(mag, tq, 1e10, 6e9, np.linspace(0.2, 0.4, 41), nm_thickness=6e-9)
    with pytest.raises(ValueError, match="not inside the swept fields"):
        llgsot.analyze_st_fmr(far)
    few = llgsot.st_fmr(mag, tq, 1e10, 6e9, np.linspace(0.03, 0.06, 5), nm_thickness=6e-9)
    with pytest.raises(ValueError, match="5 fields"):
        llgsot.analyze_st_fmr(few)
    hh = llgsot.harmonic_hall(llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05,
                                               Ku=1.2e6), tq, 1e11, np.linspace(0.02, 0.1, 9),
                              field_azimuth=[0.0, math.pi / 2], nm_thickness=5e-9)
    with pytest.raises(ValueError, match="llgsot.st_fmr"):
        llgsot.analyze_st_fmr(hh)
    with pytest.raises(ValueError, match="llgsot.harmonic_hall"):
        llgsot.analyze_harmonic_hall(far)
    for bad in (0, -1, 1.5):
        with pytest.raises((ValueError, TypeError), match="degree"):
            llgsot.analyze_harmonic_hall(hh, degree=bad)
    with pytest.raises(ValueError, match="9 fields; `degree` = 7"):
        llgsot.analyze_harmonic_hall(hh, degree=7)
    flat = hh.assign(R_1w=hh["R_1w"] * 0 + 1.0)
    with pytest.raises(ValueError, match="no curvature"):
        llgsot.analyze_harmonic_hall(flat)
    flagged = hh.assign(converged=hh["converged"].where(hh["field"] != hh["field"][0], 0))
    with pytest.warns(UserWarning, match="converged = 0"):
        llgsot.analyze_harmonic_hall(flagged)
