"""Event detection on trajectories: final state, settling time, precession frequency by FFT.

The switching time (first sign change of m.axis) is found inside the integrator at full time
resolution; what is here works on the saved (possibly decimated) samples, so its time
resolution is the output interval.
"""
from __future__ import annotations

import numpy as np

#: the motion is "steady" when the peak-to-peak oscillation of the two halves of the analysed
#: window agree within this factor
STEADY_RATIO = 1.25
#: and the oscillation is larger than this (unit m)
STEADY_MIN_AMPLITUDE = 1e-6
#: fewest periods in the analysed window for a frequency to be reported
MIN_PERIODS = 4


def final_state(p_end: np.ndarray) -> np.ndarray:
    """+1 / -1: the hemisphere (sign of m.axis) of the last saved sample; 0 if exactly in-plane
    or failed (NaN)."""
    return np.sign(np.nan_to_num(p_end, nan=0.0)).astype(np.int8)


def settling_time(time: np.ndarray, p: np.ndarray, tol: float) -> np.ndarray:
    """First saved time after which |p(t) - p(t_end)| <= tol for every later sample.

    p: (time, member) projections m.axis. NaN when only the last sample qualifies.
    """
    dev = np.abs(p - p[-1]) > tol  # (time, member)
    out = np.full(p.shape[1], np.nan)
    n = p.shape[0]
    any_out = dev.any(axis=0)
    # index of the last sample outside the band, per member
    last_out = n - 1 - np.argmax(dev[::-1], axis=0)
    idx = np.where(any_out, last_out + 1, 0)
    ok = idx < n - 1
    out[ok] = time[idx[ok]]
    return out


def precession_frequency(time: np.ndarray, m: np.ndarray, fraction: float = 0.5) -> np.ndarray:
    """Precession frequency (Hz) per member by FFT of the last ``fraction`` of the samples.

    The component (of the three) with the largest variance in the window is used, with its
    mean removed and a Hann window; the peak bin is refined by a parabola through the log
    magnitudes of the peak and its neighbours (error well below one bin, 1/window length).
    NaN unless the motion is steady: at least MIN_PERIODS periods in the window, and the
    peak-to-peak oscillation of the window's two halves agree within STEADY_RATIO and exceed
    STEADY_MIN_AMPLITUDE.
    """
    n_t, n_m, _ = m.shape
    start = int(n_t * (1.0 - fraction))
    w = m[start:]
    n = w.shape[0]
    out = np.full(n_m, np.nan)
    if n < 16:
        return out
    dt = (time[-1] - time[start]) / (n - 1)
    x = w - w.mean(axis=0)
    comp = np.argmax((x * x).mean(axis=0), axis=1)  # (member,)
    sig = np.take_along_axis(x, comp[None, :, None], axis=2)[..., 0]  # (n, member)
    h = n // 2
    r1 = np.ptp(sig[:h], axis=0)
    r2 = np.ptp(sig[h:], axis=0)
    steady = (np.minimum(r1, r2) > STEADY_MIN_AMPLITUDE) & (
        np.maximum(r1, r2) <= STEADY_RATIO * np.minimum(r1, r2))
    win = np.hanning(n)[:, None]
    spec = np.abs(np.fft.rfft(sig * win, axis=0))
    spec[0] = 0.0
    k = np.argmax(spec, axis=0)
    for j in np.flatnonzero(steady):
        kk = k[j]
        if kk < MIN_PERIODS:
            continue
        if kk < spec.shape[0] - 1:
            a, b, c = np.log(spec[kk - 1:kk + 2, j] + 1e-300)
            den = a - 2 * b + c
            shift = 0.5 * (a - c) / den if den != 0 else 0.0
        else:
            shift = 0.0
        out[j] = (kk + shift) / (n * dt)
    return out
