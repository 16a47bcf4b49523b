"""The SOT-MRAM cell (llgsot.SOTCell) against cmtj 1.15's junction model, deterministic RK4 runs
at the same step: m(t) and the resistance R(t) (in the ``test`` extra, so these run in CI).

Mapping of conventions (llgsot -> cmtj), beyond tests/test_measurements_cmtj.py's (gamma, mu0,
Ms in T, fields in A/m, demag tensor diag(N); cmtj's log stores under t_k the state after the
step, m(t_k + dt)); hbar and |e| are set to llgsot's too:

* the reference layer p_ref -> ``setReferenceLayer(p_ref)``; R_P, R_AP = R_P (1 + tmr) ->
  ``Junction([layer], Rp, Rap)``, whose log "R" is R_P + (R_AP - R_P)(1 - m.p_ref)/2;
* stray + bias field -> a constant external-field driver;
* cmtj's layers carry either STT or SOT, not both. With Lambda = 1 the Slonczewski STT is a
  constant-efficiency torque of polarization p_ref, so the whole cell (SOT + STT) is cmtj's
  two-channel torque layer: primary channel = the STT (reference p_ref, the one the
  resistance uses), damping-like driver b_STT(t)/mu0 = hbar eta I(t)/(2 |e| Ms d area)/mu0,
  field-like r times it; secondary channel = the SOT (reference = the spin polarization),
  b_DL(t)/mu0 and ratio * b_DL(t)/mu0; both as cmtj trapezoid drivers of the cell's pulses
  (cmtj's SOT torque is the Gilbert-form field torque, identical to ours);
* Lambda != 1: cmtj's STT layer (``createSTTLayer``), current driver J_MTJ(t) = I(t)/area,
  SlonczewskiSpacerLayerParameter = Lambda, spinPolarisation = eta, and, because cmtj adds its
  STT to the Landau-Lifshitz form without the damping mixing of a field, kappa = 1 + a r and
  beta = a - r (a = damping, r the field-like ratio).

Both runs switch the free layer (tilted easy axis in the first), so the trajectories cross the
whole sphere. Measured: |m - m_cmtj| <= 5e-12 and |R - R_cmtj|/R <= 1e-12 (rounding of 30000
RK4 steps); the bound asserted is the issue's 1e-6.
"""
import math

import numpy as np
import pytest

import llgsot
from llgsot.constants import E_CHARGE, GAMMA_E, HBAR, MU0

cmtj = pytest.importorskip("cmtj")
from cmtj import AxialDriver, CVector, Junction, Layer, ScalarDriver, constantDriver  # noqa: E402

DT, T_END = 1e-13, 3e-9
TOL = 1e-6


@pytest.fixture(autouse=True)
def _constants():
    pc = cmtj.constants.PhysicalConstants
    pc.set_gyromagnetic_ratio(GAMMA_E * MU0)
    pc.set_magnetic_permeability(MU0)
    pc.set_hbar(HBAR)
    pc.set_elementary_charge(E_CHARGE)
    yield
    pc.resetToDefaults()


def _trapezoid(pulse, scale):
    assert pulse.rise == pulse.fall
    return ScalarDriver.getTrapezoidDriver(0.0, pulse.amplitude * scale, pulse.delay, pulse.rise,
                                           pulse.duration)


def _common(j, cell):
    mag = cell.free
    j.setLayerAnisotropyDriver("free", constantDriver(mag.Ku))
    H = np.asarray(cell.static_field) / MU0
    j.setLayerExternalFieldDriver("free", AxialDriver(constantDriver(H[0]), constantDriver(H[1]),
                                                      constantDriver(H[2])))


def _demag(mag):
    return [CVector(mag.demag[0], 0, 0), CVector(0, mag.demag[1], 0), CVector(0, 0, mag.demag[2])]


def _run(j):
    j.runSimulation(T_END, DT, DT, solverMode=cmtj.SolverMode.RK4)
    log = j.getLog()
    m = np.stack([np.asarray(log[f"free_m{c}"]) for c in "xyz"], -1)
    return np.asarray(log["time"]) + DT, m, np.asarray(log["R"])


def _compare(ds, t, m, R):
    # ours: samples at 0, dt, 2 dt ...; cmtj's row k is the state at t_k + dt
    assert len(t) == ds.sizes["time"] - 1
    np.testing.assert_allclose(t, ds["time"].values[1:], rtol=1e-12, atol=0)
    dm = np.abs(m - ds["m"].values[1:, 0]).max()
    dR = (np.abs(R - ds["resistance"].values[1:, 0]) / R).max()
    assert dm <= TOL and dR <= TOL, (dm, dR)
    return dm, dR


def test_cell_sot_and_stt_against_cmtj():
    """SOT write pulse + STT read pulse (Lambda = 1, field-like 0.3) + stray and bias field +
    5 degree tilted easy axis: the free layer switches from -z to +z."""
    tilt = math.radians(5.0)
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=(50e-9) ** 2, damping=0.05, Ku=0.8e6,
                           easy_axis=(math.sin(tilt), 0.0, math.cos(tilt)))
    read = llgsot.Pulse(400e-6, 1.5e-9, rise=0.1e-9, fall=0.1e-9, delay=0.2e-9)
    cell = llgsot.SOTCell(free=mag, reference=(0, 0, 1), tmr=1.2, resistance_parallel=3e3,
                          spin_polarization=0.6, stt_field_like_ratio=0.3,
                          stray_field=(0.0, 0.0, -0.01), bias_field=(0.015, 0.0, 0.0),
                          read_current=read)
    tq = llgsot.ConstantSOT(0.3, field_like_ratio=0.2)
    write = llgsot.Pulse(1.6e12, 0.8e-9, rise=0.05e-9, fall=0.05e-9, delay=0.3e-9)
    m0 = np.array([0.02, 0.01, -1.0]) / math.sqrt(1.0005)
    ds = llgsot.simulate(cell, tq, write, m0=m0, t_end=T_END, dt=DT)
    assert ds["m"].values[-1, 0, 2] > 0.5  # switched: the comparison covers the whole path

    layer = Layer("free", CVector(*m0), CVector(*mag.easy_axis), MU0 * mag.Ms, mag.thickness,
                  mag.area, _demag(mag), mag.damping)
    layer.setReferenceLayer(CVector(*cell.reference))
    layer.setSecondaryReferenceLayer(CVector(*tq.polarization))
    j = Junction([layer], cell.resistance_parallel, cell.resistance_antiparallel)
    _common(j, cell)
    b_stt = 0.5 * float(cell.stt_strength(1.0)) / MU0  # A/m per A (Lambda = 1)
    b_sot = tq.damping_like_field(mag, 1.0) / MU0  # A/m per A/m^2
    j.setLayerPrimaryTorqueDrivers("free", _trapezoid(read, b_stt * cell.stt_field_like_ratio),
                                   _trapezoid(read, b_stt))
    j.setLayerSecondaryTorqueDrivers("free", _trapezoid(write, b_sot * tq.field_like_ratio),
                                     _trapezoid(write, b_sot))
    _compare(ds, *_run(j))


def test_cell_slonczewski_lambda_against_cmtj():
    """STT alone with Slonczewski's angular dependence (Lambda = 1.8) and a field-like part
    (r = 0.25): a negative read pulse switches the free layer from parallel to antiparallel."""
    mag = llgsot.Macrospin(Ms=1.1e6, thickness=1.2e-9, area=(40e-9) ** 2, damping=0.02, Ku=0.9e6)
    read = llgsot.Pulse(-900e-6, 2.5e-9, rise=0.2e-9, fall=0.2e-9, delay=0.1e-9)
    r = 0.25
    cell = llgsot.SOTCell(free=mag, reference=(0, 0, 1), tmr=1.0, resistance_parallel=5e3,
                          spin_polarization=0.55, slonczewski_lambda=1.8, stt_field_like_ratio=r,
                          stray_field=(0.002, 0.0, 0.01), read_current=read)
    m0 = np.array([0.05, 0.0, 1.0]) / math.sqrt(1.0025)
    ds = llgsot.simulate(cell, None, 0.0, m0=m0, t_end=T_END, dt=DT)
    assert ds["m"].values[-1, 0, 2] < -0.5  # switched to antiparallel

    a = mag.damping
    layer = Layer.createSTTLayer("free", CVector(*m0), CVector(*mag.easy_axis), MU0 * mag.Ms,
                                 mag.thickness, mag.area, _demag(mag), a,
                                 SlonczewskiSpacerLayerParameter=cell.slonczewski_lambda,
                                 beta=a - r, spinPolarisation=cell.spin_polarization)
    layer.setKappa(1.0 + a * r)
    layer.setReferenceLayer(CVector(*cell.reference))
    j = Junction([layer], cell.resistance_parallel, cell.resistance_antiparallel)
    _common(j, cell)
    j.setLayerCurrentDriver("free", _trapezoid(read, 1.0 / mag.area))
    _compare(ds, *_run(j))
