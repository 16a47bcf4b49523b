"""Time dependence of the drive: current pulses and sampled waveforms.

Every drive is reduced to piecewise-linear samples (times, values) with constant
continuation before the first and after the last sample, which is what the kernels evaluate.
A time repeated twice in a row marks a jump (the two samples are the left and right limits;
at the jump time itself the right limit applies).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v


class Waveform:
    """A sampled waveform, linearly interpolated, constant outside the sampled range.

    Parameters
    ----------
    times : (n,) array
        Sample times (s), non-decreasing; a time may be repeated once to mark a jump.
    values : (n,) or (n, 3) array
        Samples: a current density (A/m^2) for ``current=``, or a field (T, 3 components) for
        ``field=`` of :func:`llgsot.simulate`.
    """

    def __init__(self, times, values):
        t = v.nonempty_array("times", times, "s")
        y = v.finite_array("values", values)
        if y.ndim not in (1, 2) or y.shape[0] != t.size or (y.ndim == 2 and y.shape[1] != 3):
            raise ValueError(f"`values` must have shape ({t.size},) or ({t.size}, 3), got {y.shape}")
        dt = np.diff(t)
        if np.any(dt < 0):
            raise ValueError("`times` must be non-decreasing")
        if np.any((dt[1:] == 0) & (dt[:-1] == 0)):
            raise ValueError("`times` may repeat a value at most twice in a row (one jump)")
        self.times = t
        self.values = y

    @property
    def is_vector(self) -> bool:
        return self.values.ndim == 2

    def at(self, t) -> np.ndarray:
        """Value at time(s) t (right limit at a jump)."""
        t = np.asarray(t, dtype=float)
        tn, y = self.times, self.values
        idx = np.clip(np.searchsorted(tn, t, side="right") - 1, 0, max(tn.size - 2, 0))
        if tn.size == 1:
            return np.broadcast_to(y[0], t.shape + y.shape[1:]).copy()
        t0, t1 = tn[idx], tn[idx + 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(t1 > t0, (t - t0) / np.where(t1 > t0, t1 - t0, 1.0), 1.0)
        w = np.where(t < tn[0], 0.0, np.clip(w, 0.0, 1.0))  # before a jump at the first sample
        if y.ndim == 2:
            w = w[..., None]
        return y[idx] + w * (y[idx + 1] - y[idx])

    def max_abs(self) -> float:
        """Largest |value| (norm for vectors) over the waveform."""
        y = self.values
        return float(np.max(np.linalg.norm(y, axis=1) if y.ndim == 2 else np.abs(y)))

    def breakpoints(self) -> np.ndarray:
        """The sample times (corners and jumps), sorted and unique."""
        return np.unique(self.times)

    def kernel_arrays(self):
        """(times, values) as contiguous float64 arrays for the kernels."""
        return np.ascontiguousarray(self.times), np.ascontiguousarray(self.values)

    def describe(self) -> str:
        return f"Waveform({self.times.size} samples)"

    def __repr__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class Pulse:
    """A trapezoidal current pulse (A/m^2) in the normal metal.

    The current is 0 until ``delay``, rises linearly to ``amplitude`` over ``rise``, stays there
    for ``duration`` (the flat top), then falls linearly to 0 over ``fall``. rise = fall = 0
    gives a rectangular pulse (jumps at both edges). The full width at half maximum is
    duration + (rise + fall)/2.

    Parameters
    ----------
    amplitude : float
        Peak charge current density J (A/m^2); its sign is the current direction's sense.
    duration : float
        Flat-top length (s), >= 0.
    rise, fall : float
        Linear rise and fall times (s), >= 0.
    delay : float
        Start of the rise (s), >= 0.
    """

    amplitude: float
    duration: float
    rise: float = 0.0
    fall: float = 0.0
    delay: float = 0.0

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "amplitude", v.finite_scalar("amplitude", self.amplitude, "A/m^2"))
        for name in ("duration", "rise", "fall", "delay"):
            set_(self, name, v.nonnegative(name, getattr(self, name), "s"))

    @property
    def end(self) -> float:
        """Time at which the current is back to 0 (s)."""
        return self.delay + self.rise + self.duration + self.fall

    def waveform(self) -> Waveform:
        t0 = self.delay
        t1 = t0 + self.rise
        t2 = t1 + self.duration
        t3 = t2 + self.fall
        a = self.amplitude
        return Waveform([t0, t1, t2, t3], [0.0, a, a, 0.0])

    def at(self, t) -> np.ndarray:
        """J(t) in A/m^2."""
        return self.waveform().at(t)

    def max_abs(self) -> float:
        return abs(self.amplitude)

    def describe(self) -> str:
        return (f"Pulse(amplitude={self.amplitude:g} A/m^2, duration={self.duration:g} s, "
                f"rise={self.rise:g} s, fall={self.fall:g} s, delay={self.delay:g} s)")


def as_current(current) -> tuple[Waveform, str]:
    """Normalise ``current`` (number, Pulse or Waveform) to a scalar Waveform and a description."""
    if isinstance(current, Pulse):
        return current.waveform(), current.describe()
    if isinstance(current, Waveform):
        if current.is_vector:
            raise ValueError("`current` must be a scalar waveform (A/m^2), got 3 components")
        return current, current.describe()
    J = v.finite_scalar("current", current, "A/m^2")
    return Waveform([0.0], [J]), f"constant {J:g} A/m^2"


def as_field(field) -> tuple[Waveform, str]:
    """Normalise ``field`` (3 numbers in T, or a vector Waveform) to a vector Waveform."""
    if isinstance(field, Waveform):
        if not field.is_vector:
            raise ValueError("`field` waveform must have values of shape (n, 3) in tesla")
        return field, field.describe()
    b = np.asarray(v.vector3("field", field, "T"))
    return Waveform([0.0], b[None, :]), f"constant ({b[0]:g}, {b[1]:g}, {b[2]:g}) T"
