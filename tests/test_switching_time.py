"""switching_time (m.axis stays on the final side beyond a threshold) against
first_crossing_time (first sign change of m.axis), issue 8 item 8; docs/dynamics.md.

Synthetic trajectories are piecewise linear, so the linearly interpolated threshold crossing
is exact and the expected times are read off the construction.
"""
import numpy as np
import pytest

import llgsot
from llgsot.dynamics import events

NS = 1e-9


def _piecewise(knots, t):
    tk, pk = zip(*knots)
    return np.interp(t, np.array(tk) * NS, pk)


T = np.linspace(0.0, 10 * NS, 1001)  # 10 ps samples
# member 0: leaves -1, sits in-plane (wobbling through 0) from 1 to 6 ns, switches at 6..7 ns
SLOW = [(0, -1), (1, 0.0), (1.5, 0.1), (2, -0.1), (3, 0.1), (4, -0.1), (5, 0.1), (6, 0.0),
        (7, 1.0), (10, 1.0)]
# member 1: never leaves +1 (not switched)
STAY = [(0, 1.0), (10, 1.0)]
# member 2: switches up to 0.3 only (ends tilted, below the threshold)
TILT = [(0, -1), (2, 0.3), (10, 0.3)]
# member 3: crosses 0.5 early, falls back to 0.2, rises again through 0.5 at 8.5 ns
BACK = [(0, -1), (1, 0.8), (3, 0.2), (8, 0.2), (9, 0.8), (10, 0.8)]


def test_synthetic_switching_versus_first_crossing():
    p = np.stack([_piecewise(k, T) for k in (SLOW, STAY, TILT, BACK)], axis=1)
    ts = events.switching_time(T, p, 0.5)
    assert ts[0] == pytest.approx(6.5 * NS, rel=1e-12)   # 0 -> 1 over 6..7 ns crosses 0.5 at 6.5
    assert np.isnan(ts[1]) and np.isnan(ts[2])
    assert ts[3] == pytest.approx(8.5 * NS, rel=1e-12)   # 0.2 -> 0.8 over 8..9 ns
    assert events.switching_time(T, p, 0.9)[0] == pytest.approx(6.9 * NS, rel=1e-12)
    # the first sign change of member 0 is at 1 ns (then it wobbles): 5.5 ns earlier
    first = T[np.argmax(np.sign(p[:, 0]) > 0)]
    assert first == pytest.approx(1.01 * NS, rel=1e-12)
    assert ts[0] - first > 5 * NS
    # the first crossing, if known at full resolution, is a lower bound
    lb = np.array([7.0 * NS, np.nan, np.nan, np.nan])
    assert events.switching_time(T, p, 0.5, lb)[0] == 7.0 * NS


def test_simulate_in_plane_dwell():
    """A 5 ns SOT pulse above threshold holds m in-plane (m_z ~ 0.16) after crossing m_z = 0
    within 0.2 ns; it switches to +z only when the pulse ends (5.2 ns)."""
    from test_dynamics_switching import BK, D, MS, THETA, j_lee

    mag = llgsot.Macrospin(Ms=MS, thickness=D, area=1e-16, damping=0.1, Ku=BK * MS / 2,
                           demag=(0, 0, 0))
    pulse = llgsot.Pulse(1.5 * j_lee(0.03), 5e-9, rise=1e-10, fall=1e-10)
    ds = llgsot.simulate(mag, llgsot.ConstantSOT(THETA), pulse, field=(0.03, 0, 0),
                         m0=(0, 0, -1), t_end=9e-9, dt=1e-12, save_every=10)
    t_first = float(ds.first_crossing_time[0])
    t_sw = float(ds.switching_time[0])
    assert ds.switching_time.attrs["threshold"] == 0.5
    assert t_first < 0.5 * NS
    assert pulse.end - pulse.fall < t_sw < pulse.end + 1 * NS
    mz = ds.m.sel(member=0, component="z").values
    t = ds.time.values
    # in-plane dwell: |m_z| < 0.5 for the 4 ns between the two times
    dwell = (t > t_first + 0.5 * NS) & (t < pulse.end - pulse.fall)
    assert np.all(np.abs(mz[dwell]) < 0.5) and dwell.sum() > 400
    # independent check on the saved samples: >= 0.5 from the switching time on, and
    # the sample before it below 0.5
    i = np.searchsorted(t, t_sw)
    assert np.all(mz[i:] >= 0.5) and mz[i - 1] < 0.5
    # a stricter threshold gives a later time
    ds9 = llgsot.simulate(mag, llgsot.ConstantSOT(THETA), pulse, field=(0.03, 0, 0),
                          m0=(0, 0, -1), t_end=9e-9, dt=1e-12, save_every=10,
                          switching_threshold=0.9)
    assert float(ds9.switching_time[0]) > t_sw
    assert float(ds9.first_crossing_time[0]) == t_first


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.5, float("nan")])
def test_switching_threshold_is_validated(bad):
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.1, demag=(0, 0, 0))
    with pytest.raises(ValueError, match="switching_threshold"):
        llgsot.simulate(mag, None, 0.0, field=(0, 0, 0.1), t_end=1e-11, dt=1e-12,
                        switching_threshold=bad)
