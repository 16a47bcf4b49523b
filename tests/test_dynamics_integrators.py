"""Integrator validation against closed forms (docs/physics.md section 5).

Error estimates used for the tolerances (stated per test):
* RK4 on a pure rotation at angular rate w: each step lags the phase by (w h)^5/120 + O(h^7)
  (expansion of arg R(i w h), R the RK4 stability polynomial), so after N steps the in-plane
  component is off by N (w h)^5/120 sin(theta0); renormalisation then raises m_z by at most
  N (w h)^6/144 sin^2(theta0) (|R(i w h)| = 1 - (w h)^6/144 + ...).
* Otherwise: step doubling. For a method of order p, err(h) ~ (y_h - y_h/2) 2^p/(2^p - 1);
  the measured order must be p (ratio of errors at h and h/2 near 2^p).
* DOPRI5: every accepted step has local error <= rtol |m| + atol (per component, RMS); for the
  contracting damped dynamics the global error is below n_accepted (rtol + atol).
"""
import numpy as np
import pytest

import llgsot
from llgsot.constants import GAMMA_E, MU0
from llgsot.dynamics import tableau

EPS = np.finfo(float).eps


def test_tableaux_order_conditions():
    for A, b, c in ((tableau.RK4_A, tableau.RK4_B, tableau.RK4_C),
                    (tableau.DOPRI_A, tableau.DOPRI_B, tableau.DOPRI_C)):
        A = np.pad(A, ((0, 0), (0, b.size - A.shape[1])))  # square
        np.testing.assert_allclose(A.sum(axis=1), c, rtol=0, atol=1e-15)
        assert b.sum() == pytest.approx(1.0, abs=1e-15)
        # order conditions up to 4: b.c = 1/2, b.c^2 = 1/3, b.A.c = 1/6, b.c^3 = 1/4, b.A.c^2 = 1/12
        assert b @ c == pytest.approx(1 / 2, abs=1e-15)
        assert b @ c**2 == pytest.approx(1 / 3, abs=1e-15)
        assert b @ A @ c == pytest.approx(1 / 6, abs=1e-15)
        assert b @ c**3 == pytest.approx(1 / 4, abs=1e-15)
        assert b @ A @ c**2 == pytest.approx(1 / 12, abs=1e-15)
    b5 = tableau.DOPRI_B
    c, A = tableau.DOPRI_C, tableau.DOPRI_A
    assert b5 @ c**4 == pytest.approx(1 / 5, abs=1e-15)
    assert b5 @ np.pad(A, ((0, 0), (0, 1))) @ c**3 == pytest.approx(1 / 20, abs=1e-15)
    np.testing.assert_array_equal(tableau.DOPRI_A[6], b5[:6])  # FSAL
    assert tableau.DOPRI_B4.sum() == pytest.approx(1.0, abs=1e-15)
    assert tableau.DOPRI_B4 @ c**3 == pytest.approx(1 / 4, abs=1e-15)
    assert tableau.DOPRI_E.sum() == pytest.approx(0.0, abs=1e-15)


def _larmor(dt, t_end, B=0.1, th0=0.3):
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.0, demag=(0, 0, 0))
    m0 = (np.sin(th0), 0.0, np.cos(th0))
    return mag, llgsot.simulate(mag, None, 0.0, field=(0, 0, B), m0=m0, t_end=t_end, dt=dt,
                                save_every=100)


def test_larmor_phase_error_matches_rk4_prediction():
    B, th0, dt, t_end = 0.1, 0.3, 2e-13, 2e-9
    mag, ds = _larmor(dt, t_end, B, th0)
    w = GAMMA_E * B
    t = ds.time.values
    m = ds.m.isel(member=0).values
    exact = np.sin(th0) * np.exp(1j * w * t)  # dm/dt = -gamma m x B: counter-clockwise about +z
    err = np.abs(m[:, 0] + 1j * m[:, 1] - exact)
    n = np.round(t / dt)
    predicted = n * (w * dt) ** 5 / 120 * np.sin(th0)
    # the leading term of the phase lag; next term is O((w dt)^2) ~ 1e-3 relative
    np.testing.assert_allclose(err[1:], predicted[1:], rtol=0.02, atol=0)
    # |m| and energy (m.B) conserved: m_z moves only through renormalisation of |R| < 1
    n_steps = ds.attrs["n_steps"]
    bound = n_steps * ((w * dt) ** 6 / 144 * np.sin(th0) ** 2 + 4 * EPS)
    assert np.max(np.abs(m[:, 2] - np.cos(th0))) <= bound
    assert float(ds.norm_drift[0]) <= (w * dt) ** 6 / 144 + 4 * EPS
    # the frequency f = gamma B / 2 pi from the saved phase
    phase = np.unwrap(np.angle(m[:, 0] + 1j * m[:, 1]))
    f = np.polyfit(t, phase, 1)[0] / (2 * np.pi)
    assert f == pytest.approx(w / (2 * np.pi), rel=2 * (w * dt) ** 4 / 120 + 1e-12)


def test_energy_conserved_without_damping_rk4_order():
    """Anisotropy + tilted field, damping 0: energy drift shrinks at least as dt^4.

    RK4's global error is O(dt^4); its energy error for near-harmonic motion is the
    dissipation (w dt)^6/144 per step, i.e. O(dt^5) in total: the ratio for dt -> dt/2 lies
    between 2^4 and 2^5 (+-30 % for the next-order terms)."""
    mag = llgsot.Macrospin(Ms=8e5, thickness=1e-9, area=1e-16, damping=0.0, Ku=3e5)
    field = (0.05, 0.02, 0.1)
    m0 = (np.sin(1.0), 0.0, np.cos(1.0))
    drifts = []
    for dt in (4e-13, 2e-13):
        ds = llgsot.simulate(mag, None, 0.0, field=field, m0=m0, t_end=2e-9, dt=dt, save_every=50)
        e = mag.energy_density(ds.m.isel(member=0).values, field)
        drifts.append(np.max(np.abs(e - e[0])))
    scale = abs(mag.energy_density(np.array(m0), field))
    ratio = drifts[0] / drifts[1]
    assert 0.7 * 16 < ratio < 1.3 * 32
    assert drifts[1] / scale < 1e-7


def _aligned_exact(mag, B, th0, t):
    g = mag.gamma / (1 + mag.damping**2)
    mz = np.tanh(mag.damping * g * B * t + np.arctanh(np.cos(th0)))
    phi = g * B * t
    s = np.sqrt(1 - mz**2)
    return np.stack([s * np.cos(phi), s * np.sin(phi), mz], -1)


@pytest.mark.parametrize("method,order", [("rk4", 4), ("heun", 2)])
def test_damped_alignment_closed_form_and_order(method, order):
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05, demag=(0, 0, 0))
    B, th0 = 0.2, 2.5  # start in the lower hemisphere, relax to +z
    m0 = (np.sin(th0), 0.0, np.cos(th0))
    errs = []
    runs = []
    for dt in (4e-13, 2e-13):
        ds = llgsot.simulate(mag, None, 0.0, field=(0, 0, B), m0=m0, t_end=2e-9, dt=dt,
                             method=method, save_every=int(round(4e-12 / dt)))
        m = ds.m.isel(member=0).values
        runs.append(m)
        errs.append(np.max(np.abs(m - _aligned_exact(mag, B, th0, ds.time.values))))
    ratio = errs[0] / errs[1]
    assert 0.7 * 2**order < ratio < 1.3 * 2**order
    est = np.max(np.abs(runs[0] - runs[1])) * 2**order / (2**order - 1)  # step-doubling estimate
    assert errs[0] <= 1.2 * est
    # the switching time of m_z through 0: closed form t = atanh(-cos th0)/(a g B)... crossing of 0
    g = mag.gamma / (1 + mag.damping**2)
    t0 = -np.arctanh(np.cos(th0)) / (mag.damping * g * B)
    assert float(ds.first_crossing_time[0]) == pytest.approx(t0, rel=1e-3)


def test_dopri_error_below_tolerance_bound():
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05, demag=(0, 0, 0))
    B, th0 = 0.2, 2.5
    m0 = (np.sin(th0), 0.0, np.cos(th0))
    errs = []
    for rtol in (1e-6, 1e-9):
        ds = llgsot.simulate(mag, None, 0.0, field=(0, 0, B), m0=m0, t_end=2e-9, dt=1e-12,
                             method="dopri", rtol=rtol, atol=rtol * 1e-2, save_every=4)
        err = np.max(np.abs(ds.m.isel(member=0).values - _aligned_exact(mag, B, th0, ds.time.values)))
        n_acc = int(ds.n_accepted[0])
        assert err <= n_acc * (rtol + rtol * 1e-2)
        errs.append(err)
    assert errs[1] < errs[0] / 30  # error control works: 1000x tighter tolerance, much smaller error


def test_kittel_frequency_thin_film():
    """In-plane field B_x on a thin film (N = (0, 0, 1)): f = gamma/2pi sqrt(B (B + mu0 Ms)).

    Amplitude 1e-3 rad: nonlinear shift O(1e-6); RK4 phase error (w dt)^4/120 < 1e-8.
    """
    Ms, B = 8e5, 0.05
    mag = llgsot.Macrospin(Ms=Ms, thickness=2e-9, area=1e-16, damping=0.0)
    eps = 1e-3
    m0 = (np.cos(eps), np.sin(eps), 0.0)
    dt = 1e-13
    ds = llgsot.simulate(mag, None, 0.0, field=(B, 0, 0), m0=m0, t_end=4e-9, dt=dt, save_every=2)
    t = ds.time.values
    y = ds.m.isel(member=0).sel(component="y").values
    i = np.flatnonzero(np.sign(y[1:]) != np.sign(y[:-1]))
    tc = t[i] - y[i] * (t[i + 1] - t[i]) / (y[i + 1] - y[i])  # zero crossings (half periods)
    f = 1.0 / (2 * np.polyfit(np.arange(tc.size), tc, 1)[0])
    expected = GAMMA_E / (2 * np.pi) * np.sqrt(B * (B + MU0 * Ms))
    assert f == pytest.approx(expected, rel=1e-5)
    # the FFT analysis in the dataset: within a tenth of its bin width 1/(t_end/2)
    f_fft = float(ds.precession_frequency[0])
    assert abs(f_fft - expected) < 0.1 / (t[-1] / 2)


def test_dopri_lands_on_waveform_corners():
    """DOPRI5 clips steps to the pulse corners (regression: a clipped tiny step must not shrink
    the step size to 0). Against RK4 at a small step whose error estimate (step doubling) is
    below 1e-9: the kinks sit on RK4 step boundaries, so both are accurate."""
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.1, Ku=8e5)
    kw = dict(current=llgsot.Pulse(1e11, 1e-11, rise=2e-12, fall=3e-12, delay=1e-12),
              m0=(0.3, 0, np.sqrt(0.91)), t_end=3e-11, save_every=10)
    tq = llgsot.ConstantSOT(0.2, 0.3)
    dp = llgsot.simulate(mag, tq, method="dopri", dt=1e-13, rtol=1e-11, atol=1e-13, **kw)
    assert int(dp.status[0]) == 0 and int(dp.n_accepted[0]) < 5000
    a = llgsot.simulate(mag, tq, dt=1e-14, **{**kw, "save_every": 100}).m.values
    b = llgsot.simulate(mag, tq, dt=5e-15, **{**kw, "save_every": 200}).m.values
    est = np.max(np.abs(a - b)) * 16 / 15
    assert est < 1e-9
    np.testing.assert_allclose(dp.m.values, b, rtol=0, atol=1e-9 + 100 * 1e-11)


def test_kittel_frequency_perpendicular_anisotropy():
    """Perpendicular film, easy axis z, no field: small-angle precession at
    f = gamma/2pi (2 Ku/Ms - mu0 Ms) (the anisotropy field enters with its factor 2)."""
    Ms, Ku = 8e5, 1.0e6
    mag = llgsot.Macrospin(Ms=Ms, thickness=1e-9, area=1e-16, damping=0.0, Ku=Ku)
    eps = 1e-3
    ds = llgsot.simulate(mag, None, 0.0, m0=(np.sin(eps), 0.0, np.cos(eps)), t_end=2e-9,
                         dt=1e-13, save_every=2)
    t = ds.time.values
    y = ds.m.isel(member=0).sel(component="y").values
    i = np.flatnonzero(np.sign(y[1:]) != np.sign(y[:-1]))
    tc = t[i] - y[i] * (t[i + 1] - t[i]) / (y[i + 1] - y[i])
    f = 1.0 / (2 * np.polyfit(np.arange(tc.size), tc, 1)[0])
    expected = GAMMA_E / (2 * np.pi) * (2 * Ku / Ms - MU0 * Ms)
    assert f == pytest.approx(expected, rel=1e-5)
