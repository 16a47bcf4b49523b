"""The simulated measurements against cmtj (in the ``test`` extra, so these run in CI), on the same
constant-torque macrospin problems.

Mapping of conventions (llgsot -> cmtj 1.15.0):
* gamma and mu0: cmtj's constants are set to llgsot's (gamma mu0 in m/(A s), mu0);
* Ms (A/m) -> mu0 Ms (T); fields B (T) -> B/mu0 (A/m); Ku (J/m^3) the same; demag tensor
  diag(N);
* ConstantSOT(theta, ratio, p) at the current density J0 -> Layer.createSOTLayer with
  dampingLikeTorque = b_DL(J0)/mu0 and fieldLikeTorque = ratio * b_DL(J0)/mu0 (A/m),
  setReferenceLayer(p), and a current driver sin(2 pi f t) of amplitude 1 (the same mapping as
  benchmarks/bench_llg.py, whose trajectories agree);
* the Oersted field -(mu0 J t_NM/2)(z x jhat) -> an Oersted driver of amplitude -J0 t_NM/2
  (A/m) along y (current along x);
* cmtj's log stores, under the time stamp t_k, the magnetization after the step, m(t_k + dt):
  the current is evaluated at t_k + dt when the log is projected (without this the rectified
  voltage mixes in the quadrature part with a phase error 2 pi f dt, ~1e-2 here);
* cmtj's spin-diode procedure returns -<I R> through a causal 3rd-order Butterworth low-pass
  (10 MHz) started from rest, averaged over the run: for a steady signal that is the dc times
  kappa = mean of the filter's step response over the run (0.42 for 60 ns), it leaks the
  static I R_0 term (R_0 is set to zero by Rxx0 = -R_amr cos^2(phi_H)), weights the start-up
  transient of the precession, and carries the one-step phase error above. The comparison
  that isolates the physics therefore passes st_fmr's signal through the same estimator.
"""
import math

import numpy as np
import pytest

import llgsot
from llgsot.constants import GAMMA_E, MU0

cmtj = pytest.importorskip("cmtj")
from cmtj import AxialDriver, CVector, Junction, Layer, NullDriver, ScalarDriver, constantDriver  # noqa: E402



@pytest.fixture(autouse=True)
def _constants():
    cmtj.constants.PhysicalConstants.set_gyromagnetic_ratio(GAMMA_E * MU0)
    cmtj.constants.PhysicalConstants.set_magnetic_permeability(MU0)


def _junction(mag, tq, J0, f, m0, B, t_nm):
    hdl = tq.damping_like_field(mag, J0) / MU0
    demag = [CVector(mag.demag[0], 0, 0), CVector(0, mag.demag[1], 0), CVector(0, 0, mag.demag[2])]
    layer = Layer.createSOTLayer(id="free", mag=CVector(*m0), anis=CVector(*mag.easy_axis),
                                 Ms=MU0 * mag.Ms, thickness=mag.thickness, cellSurface=mag.area,
                                 demagTensor=demag, damping=mag.damping, dampingLikeTorque=hdl,
                                 fieldLikeTorque=tq.field_like_ratio * hdl)
    layer.setReferenceLayer(CVector(*tq.polarization))
    j = Junction([layer])
    j.setLayerAnisotropyDriver("free", constantDriver(mag.Ku))
    j.setLayerCurrentDriver("free", ScalarDriver.getSineDriver(0, 1.0, f, 0))
    H = np.asarray(B) / MU0
    j.setLayerExternalFieldDriver("free", AxialDriver(constantDriver(H[0]), constantDriver(H[1]),
                                                      constantDriver(H[2])))
    j.setLayerOerstedFieldDriver("free", AxialDriver(NullDriver(), ScalarDriver.getSineDriver(
        0, -J0 * t_nm / 2, f, 0), NullDriver()))
    return j


def _log(j, t_end, dt):
    j.runSimulation(t_end, dt, dt, solverMode=cmtj.SolverMode.RK4)
    log = j.getLog()
    m = np.stack([np.asarray(log[f"free_m{c}"]) for c in "xyz"], -1)
    return np.asarray(log["time"]) + dt, m  # the state after the step (see the module docstring)


MAG_IP = dict(Ms=8e5, thickness=2e-9, area=1e-16, damping=0.03)
J_FMR, F_FMR, T_NM, AZ = 1e9, 6e9, 6e-9, math.pi / 4


def test_st_fmr_against_cmtj_time_domain():
    """cmtj's LLG under the rf current, rectified <I R> over 60 periods after 60 periods of
    settling (transient e^-60): agreement 1e-6 of the peak (the curve is linear response; the
    nonlinear correction at this drive is ~(dm)^2 ~ 1e-6)."""
    mag = llgsot.Macrospin(**MAG_IP)
    tq = llgsot.ConstantSOT(0.1, 0.3)
    B = np.linspace(0.02, 0.08, 13)
    ours = llgsot.st_fmr(mag, tq, J_FMR, F_FMR, B, field_azimuth=AZ, nm_thickness=T_NM, rf_current=1.0)
    hat = np.array([math.cos(AZ), math.sin(AZ), 0.0])
    n, per = 800, 60
    dt = 1 / (F_FMR * n)
    got = []
    for b in B:
        t, m = _log(_junction(mag, tq, J_FMR, F_FMR, hat, b * hat, T_NM), 2 * per / F_FMR, dt)
        t, m = t[-per * n:], m[-per * n:]
        got.append(np.mean(np.sin(2 * np.pi * F_FMR * t) * m[:, 0] ** 2))  # R_amr = 1, I_rf = 1
    ref = ours.V_mix.values
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-5 * np.abs(ref).max())


def _vsd(b, m_start, dt, dur, settle_steps=0):
    """cmtj's VSD_procedure at the field b (T) along AZ, on a fresh junction started at m_start;
    with ``settle_steps`` the junction first runs that many steps under the same drive (cmtj's
    time restarts at 0 in the next run, so an integer number of periods lands on phase 0)."""
    from cmtj.utils.procedures import Axis, ResistanceParameters, VSD_procedure

    hat = np.array([math.cos(AZ), math.sin(AZ), 0.0])
    j = _junction(llgsot.Macrospin(**MAG_IP), llgsot.ConstantSOT(0.1, 0.3), J_FMR, F_FMR, m_start,
                  b * hat, T_NM)
    if settle_steps:
        j.runSimulation(settle_steps * dt, dt, dt, solverMode=cmtj.SolverMode.RK4)
        j.clearLog()
    V = VSD_procedure(j, [b * hat / MU0], [F_FMR], dt,
                      resistance_params=[ResistanceParameters(Rxx0=-math.cos(AZ) ** 2, Ramr=1.0, l=1.0, w=1.0)],
                      Hoe_direction=Axis.yaxis, Hoe_excitation=-J_FMR * T_NM / 2,
                      simulation_duration=dur, disturbance=0.0, Rtype="Rx", disable_tqdm=True)[0, 0]
    return V, len(j.getLog()["time"])


VSD_FIELDS = np.linspace(0.03, 0.065, 8)
VSD_DT, VSD_DURATION = 2e-13, 60e-9
#: 144 drive periods (f dt = 3/2500): cmtj's LLG relaxes into the steady state (e^-27)
VSD_SETTLE = 48 * 2500


def test_st_fmr_against_cmtj_vsd_procedure():
    """cmtj's VSD_procedure, started in the steady state, against st_fmr's linear response
    passed through the same estimator (cmtj's ``compute_sd`` on the same time grid, with the
    log's one-step offset): agreement within 1e-3 of the peak (measured 7.9e-5).

    This is the issue's "within 1 % where the physics is the same": the estimator (a causal
    low-pass started from rest, whose mean over a 60 ns run weights the signal unevenly, and
    the one-step phase error of its log) is applied to both curves, so what is compared is the
    physics. That the synthetic signal is st_fmr's is checked first: its exact period average
    equals st_fmr's V_mix to 1e-6 of the peak (the dm^2 terms)."""
    from cmtj.utils.procedures import compute_sd

    from llgsot.measurements.st_fmr import linear_response

    mag = llgsot.Macrospin(**MAG_IP)
    tq = llgsot.ConstantSOT(0.1, 0.3)
    ours = llgsot.st_fmr(mag, tq, J_FMR, F_FMR, VSD_FIELDS, field_azimuth=AZ, nm_thickness=T_NM,
                         rf_current=1.0)
    hat = np.array([math.cos(AZ), math.sin(AZ), 0.0])
    m_eq = ours.m.values
    L, vv, e1, e2 = linear_response(mag, tq, J_FMR, VSD_FIELDS[:, None] * hat, m_eq, T_NM, 0.0)
    w = 2 * np.pi * F_FMR
    u = np.linalg.solve(1j * w * np.eye(2) - L, vv.astype(complex)[..., None])[..., 0]
    dm_hat = u[..., :1] * e1 + u[..., 1:] * e2  # response to J0 cos(wt); cmtj drives J0 sin(wt)

    def R_of(i, t):  # R_amr = 1, R_0 = 0 (Rxx0 = -cos^2 AZ), the nonlinear m of the sine drive
        m = m_eq[i] + np.real(-1j * dm_hat[i][None, :] * np.exp(1j * w * t)[:, None])
        m /= np.linalg.norm(m, axis=1)[:, None]
        return m[:, 0] ** 2 - math.cos(AZ) ** 2

    tp = np.arange(2500) / 2500 * 3 / F_FMR  # three periods, exact projection
    exact = np.array([np.mean(np.sin(w * tp) * R_of(i, tp)) for i in range(len(VSD_FIELDS))])
    ref = ours.V_mix.values
    np.testing.assert_allclose(exact, ref, rtol=0, atol=1e-5 * np.abs(ref).max())

    got, same = [], []
    for i, b in enumerate(VSD_FIELDS):
        V, n = _vsd(b, m_eq[i], VSD_DT, VSD_DURATION, VSD_SETTLE)
        t = np.arange(n) * VSD_DT  # cmtj's time stamps; its logged m is the state at t + dt
        got.append(V)
        same.append(compute_sd(R_of(i, t + VSD_DT), np.sin(w * t), VSD_DT))
    got, same = np.asarray(got), np.asarray(same)
    np.testing.assert_allclose(got, same, rtol=0, atol=1e-3 * np.abs(same).max())


def test_st_fmr_against_cmtj_vsd_procedure_raw():
    """cmtj's VSD_procedure as a user would call it (started at the equilibrium, no settling),
    divided by its filter's dc gain kappa (the mean of the filter's step response over the run,
    computed with cmtj's own filter), against st_fmr: within 1.5 % of the peak (measured
    1.03 %). The difference is the estimator's, not the physics' (the test above passes the
    same signal through it): the one-step phase error (2 pi f dt = 7.5e-3 rad times the
    quadrature part, up to ~1.4x the peak: 1.05e-2) and the start-up transient of the
    precession, weighted by the filter. At a 0.1 ps step or a 300 ns run the filter's b/a form
    (normalised cutoff 4e-6) loses digits and moves the estimate by 2-5 %."""
    from cmtj.utils.filters import Filters

    mag = llgsot.Macrospin(**MAG_IP)
    tq = llgsot.ConstantSOT(0.1, 0.3)
    ours = llgsot.st_fmr(mag, tq, J_FMR, F_FMR, VSD_FIELDS, field_azimuth=AZ, nm_thickness=T_NM,
                         rf_current=1.0)
    V, n = zip(*(_vsd(b, m, VSD_DT, VSD_DURATION) for b, m in zip(VSD_FIELDS, ours.m.values)))
    kappa = float(np.mean(Filters.butter_lowpass_filter(np.ones(n[0]), cutoff=10e6, fs=1 / VSD_DT, order=3)))
    ref = ours.V_mix.values
    np.testing.assert_allclose(-np.asarray(V) / kappa, ref, rtol=0, atol=1.5e-2 * np.abs(ref).max())


def test_harmonic_hall_against_cmtj():
    """cmtj's LLG under J0 sin(2 pi f t) (100 MHz), its Hall resistance R_ahe m_z +
    2 R_phe m_x m_y projected like ours, against harmonic_hall(method="dynamic") at the same
    frequency: the same ODE, so agreement to the integrators' and the waveform's accuracy."""
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05, Ku=1.2e6)
    tq = llgsot.ConstantSOT(0.1, 0.5)
    J0, f, t_nm, R_phe = 1e11, 1e8, 5e-9, 0.3
    B = np.array([-0.08, -0.03, 0.05])
    ours = llgsot.harmonic_hall(mag, tq, J0, B, field_azimuth=[0.0, math.pi / 2], R_phe=R_phe,
                                nm_thickness=t_nm, method="dynamic", frequency=f)
    n = 25600
    dt = 1 / (f * n)
    for a, az in enumerate((0.0, math.pi / 2)):
        for i, b in enumerate(B):
            m0 = ours.m.values[a, i]
            Bv = b * np.array([math.cos(az), math.sin(az), 0.0])
            t, m = _log(_junction(mag, tq, J0, f, m0, Bv, t_nm), 3 / f, dt)
            t, m = t[-2 * n:], m[-2 * n:]
            ph = 2 * np.pi * f * t
            v = (m[:, 2] + 2 * R_phe * m[:, 0] * m[:, 1]) * np.sin(ph)
            r1, r2 = 2 * np.mean(v * np.sin(ph)), 2 * np.mean(v * np.cos(2 * ph))
            # measured: 2e-12 and 2e-7 (our current Waveform is piecewise linear, 4096
            # samples per period: the current deviates from the sine by up to 3e-7)
            assert r1 == pytest.approx(float(ours.R_1w[a, i]), rel=1e-9)
            assert r2 == pytest.approx(float(ours.R_2w[a, i]), rel=1e-6)
