"""Event detection on trajectories: final state, switching and settling times, precession
frequency by FFT.

The first crossing time (first sign change of m.axis) is found inside the integrator at full
time resolution; what is here works on the saved (possibly decimated) samples, so its time
resolution is the output interval (docs/dynamics.md, "Switching events").
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
#: default threshold of the switching time: m.axis * sign(final) stays >= this to the end
SWITCHING_THRESHOLD = 0.5


def final_state(p_end: np.ndarray) -> np.ndarray:
    """+1 / -1: the hemisphere (sign of m.axis) of the last saved sample; 0 if exactly in-plane
    or failed (NaN)."""
    p_end = np.asarray(p_end, float)
    return np.where(np.isfinite(p_end), np.sign(p_end), 0.0).astype(np.int8)  # failed: 0


def switching_time(time: np.ndarray, p: np.ndarray, threshold: float = SWITCHING_THRESHOLD,
                   first_crossing: np.ndarray | None = None) -> np.ndarray:
    """Time at which m.axis crosses, for the last time, into ``threshold`` on the final side.

    With q(t) = p(t) sign(p(t_end)), the switching time is the first time after which
    q >= threshold for every later saved sample, found by linear interpolation of q between
    the last saved sample below the threshold and the next one, and never earlier than
    ``first_crossing`` (the full-resolution first sign change, if given). NaN for members
    that did not switch (final hemisphere = initial one, or final state in-plane/failed) or
    whose final |p| is below the threshold.

    p: (time, member) projections m.axis; threshold in (0, 1).
    """
    fs = final_state(p[-1]).astype(float)
    q = p * fs  # (time, member); NaN stays NaN
    n = q.shape[0]
    out = np.full(q.shape[1], np.nan)
    below = ~(q >= threshold)  # NaN counts as below
    last_below = n - 1 - np.argmax(below[::-1], axis=0)
    ok = (fs != 0) & (np.sign(p[0]) != fs) & below.any(axis=0) & (last_below < n - 1)
    for j in np.flatnonzero(ok):
        i = last_below[j]
        q0, q1 = q[i, j], q[i + 1, j]
        f = (threshold - q0) / (q1 - q0) if np.isfinite(q0) and q1 != q0 else 1.0
        t = time[i] + min(max(f, 0.0), 1.0) * (time[i + 1] - time[i])
        if first_crossing is not None and np.isfinite(first_crossing[j]):
            t = max(t, first_crossing[j])
        out[j] = t
    return out


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
