"""Critical current of a perpendicular macrospin under a constant damping-like torque.

Lee et al., Appl. Phys. Lett. 102, 112410 (2013), macrospin threshold:

    J_c = (2e/hbar) (mu0 Ms d / theta_SH) (H_K,eff/2 - H_x/sqrt(2))

i.e. b_DL,c = hbar theta J_c/(2 e Ms d) = B_K,eff/2 - B_x/sqrt(2) in tesla. It is the first
order in h = B_x/B_K,eff of the static threshold max_th [(B_K/2) sin 2th - B_x cos th]
(the next term, +h^2 B_K/8, is 0.25 % at h = 0.1). Measured quasi-statically: a trapezoid
pulse whose rise, flat top and fall each last 30 relaxation times 1/(a gamma B_K) (slow
against the precession), bisection on the amplitude to 1e-4 relative; the ramp's dynamic lag
is ~0.2 % at this rate (it halves when the ramps are 3x slower). Tolerance: 2 % (the issue's),
and 1 % against the exact static threshold.
"""
import numpy as np
import pytest

import llgsot
from llgsot.constants import E_CHARGE, GAMMA_E, HBAR

BK, MS, D, THETA = 0.3, 1e6, 1e-9, 0.1


def j_lee(bx):
    return 2 * E_CHARGE / HBAR * MS * D / THETA * (BK / 2 - bx / np.sqrt(2))


def j_static(bx):
    th = np.linspace(0, np.pi / 2, 400001)
    b = np.max(BK / 2 * np.sin(2 * th) - bx * np.cos(th))
    return 2 * E_CHARGE / HBAR * MS * D / THETA * b


def switches(mag, J, bx, ramp):
    pulse = llgsot.Pulse(J, ramp, rise=ramp, fall=ramp)
    ds = llgsot.simulate(mag, llgsot.ConstantSOT(THETA), pulse, field=(bx, 0, 0), m0=(0, 0, 1),
                         t_end=pulse.end + ramp, dt=1e-12, save_every=10**9)
    return bool(ds.switched[0])


def threshold(mag, bx, ramp):
    # sign convention: p = +y, theta_SH > 0, B_x > 0: J < 0 switches up -> down
    lo, hi = 0.8 * j_lee(bx), 1.2 * j_lee(bx)
    assert not switches(mag, -lo, bx, ramp) and switches(mag, -hi, bx, ramp)
    while (hi - lo) > 1e-4 * lo:
        mid = 0.5 * (lo + hi)
        if switches(mag, -mid, bx, ramp):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


@pytest.mark.parametrize("damping", [0.01, 0.05, 0.2])
def test_lee_critical_current(damping):
    # demag (0, 0, 0) with Ku = B_K,eff Ms / 2: identical to a thin film with
    # 2 Ku/Ms - mu0 Ms = B_K,eff (the film's demag energy is uniaxial)
    mag = llgsot.Macrospin(Ms=MS, thickness=D, area=1e-16, damping=damping, Ku=BK * MS / 2,
                           demag=(0, 0, 0))
    ramp = 30 / (damping * GAMMA_E * BK)
    for h in (0.02, 0.05, 0.1):
        bx = h * BK
        jc = threshold(mag, bx, ramp)
        assert jc == pytest.approx(j_lee(bx), rel=0.02)
        assert jc == pytest.approx(j_static(bx), rel=0.01)


def test_switching_sign_convention_and_events():
    """J > 0 with B_x > 0 switches down -> up; J < 0 up -> down; times are recorded."""
    mag = llgsot.Macrospin(Ms=MS, thickness=D, area=1e-16, damping=0.1, Ku=BK * MS / 2,
                           demag=(0, 0, 0))
    J = 1.5 * j_lee(0.03)
    pulse = llgsot.Pulse(J, 2e-9, rise=1e-10, fall=1e-10)
    ds = llgsot.simulate(mag, llgsot.ConstantSOT(THETA), pulse, field=(0.03, 0, 0),
                         m0=[(0, 0, -1), (0, 0, 1)], members=2, t_end=6e-9, dt=1e-12, save_every=10)
    assert ds.final_state.values.tolist() == [1, 1]
    assert ds.switched.values.tolist() == [1, 0]
    ts = float(ds.first_crossing_time[0])
    assert 0 < ts < 2.2e-9 and np.isnan(float(ds.first_crossing_time[1]))
    # m_z at the first saved sample after the crossing has the new sign
    mz = ds.m.sel(member=0, component="z")
    assert float(mz.sel(time=ts, method="bfill")) > 0 > float(mz.sel(time=ts, method="ffill"))
    # the switching time (m_z >= 0.5 to the end) comes after the first crossing
    tsw = float(ds.switching_time[0])
    assert ts <= tsw < 6e-9 and np.isnan(float(ds.switching_time[1]))
    assert float(mz.sel(time=tsw, method="bfill")) >= 0.5 > float(mz.sel(time=tsw, method="ffill"))
    assert ts < float(ds.settling_time[0]) < 6e-9
