"""A three-terminal SOT-MRAM cell: a free layer written by the spin-orbit torque of the
heavy-metal channel current and read through a magnetic tunnel junction (MTJ) with a fixed
reference layer (SI units throughout).

The model (docs/cell.md):

* the free layer is a :class:`~.magnet.Macrospin` (its easy axis may be tilted: any unit
  vector), written by the SOT of the channel current density J(t) (``simulate``'s
  ``torque`` and ``current``, as for a bare Macrospin);
* the reference layer is fixed along p_ref; its stray field on the free layer and an optional
  in-plane bias (exchange-bias) field are constant fields added to B_ext;
* the current I_MTJ(t) through the tunnel barrier (``read_current``, in A; J_MTJ = I/area over
  the free layer's area) exerts the Slonczewski spin-transfer torque, written as a field like
  the SOT:

      B_STT = b(c) [(m x p_ref) + r p_ref],   c = m.p_ref,
      b(c) = hbar eta J_MTJ / (|e| Ms d) * Lambda^2 / ((Lambda^2 + 1) + (Lambda^2 - 1) c)

  which at Lambda = 1 is the angle-independent b = hbar eta J_MTJ / (2 |e| Ms d). A positive
  current (electrons from the reference into the free layer) turns m toward +p_ref (the
  parallel state). eta is the spin polarization, Lambda Slonczewski's asymmetry parameter, r
  the field-like/damping-like ratio;
* the readout is R(m) = R_P + (R_AP - R_P)(1 - m.p_ref)/2 with R_AP = R_P (1 + TMR(V)),
  TMR(V) = tmr / (1 + V^2/V_h^2) at the junction voltage V = I_MTJ R (solved self-
  consistently), or the bias-independent TMR = tmr when ``tmr_half_voltage`` is None.

Mapping to cmtj 1.15 (tests/test_cell_cmtj.py): cmtj's STT layer (``Layer.createSTTLayer``)
uses a_J = hbar I/(|e| Ms[T] d) (I its current density) and eta_cmtj = eta Lambda^2 /
((Lambda^2 + 1) + (Lambda^2 - 1) c), the same b(c) (b = mu0 a_J eta_cmtj), but adds its torque
to the Landau-Lifshitz form as (-kappa m x (m x p) + beta m x p) gamma mu0 a_J eta_cmtj /
(1 + a^2); our field form inside the LLG equals it for kappa = 1 + a r and beta = a - r
(a = damping): cmtj's ``beta = damping`` is our pure damping-like STT.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .. import spinorbit
from .drive import Pulse, Waveform
from .magnet import Macrospin, unit_vector

#: |p_ref . u| below this: the two states +-u of the free layer read nearly the same resistance
MIN_READOUT_CONTRAST = 1e-3


@dataclass(frozen=True)
class SOTCell:
    """A three-terminal SOT-MRAM cell: free layer + tunnel barrier + fixed reference layer.

    A cell goes wherever a :class:`Macrospin` goes (:func:`llgsot.simulate`, the studies): the
    channel current and its torque are ``simulate``'s ``current`` and ``torque``; the cell
    adds the reference layer's fields, the STT of the MTJ current and the resistance readout.
    The free layer's parameters are also readable on the cell (``cell.Ms``, ``cell.damping``).

    Parameters
    ----------
    free : Macrospin
        The free layer (Ms in A/m, thickness d in m, area in m^2: also the junction area).
        A tilted easy axis (e.g. ``easy_axis=(sin t, 0, cos t)``) is a field-free switching
        option.
    reference : 3 numbers
        Direction p_ref of the fixed reference-layer magnetization (normalised here); it must
        not be perpendicular to the free layer's easy axis when Ku > 0 (then the two states
        read the same resistance).
    tmr : float
        Zero-bias tunnel magnetoresistance (R_AP - R_P)/R_P (dimensionless), >= 0.
    resistance_parallel : float
        R_P, the parallel-state resistance (ohm), > 0.
    spin_polarization : float
        eta in (0, 1]: the spin polarization of the tunnelling current (dimensionless).
    slonczewski_lambda : float
        Lambda > 0, Slonczewski's asymmetry parameter (dimensionless); 1 (default) gives an
        angle-independent STT.
    stt_field_like_ratio : float
        r: the field-like STT over the damping-like one (dimensionless), default 0.
    stray_field : 3 numbers
        The reference layer's stray field on the free layer (T), constant.
    bias_field : 3 numbers
        A constant bias field (T), e.g. an in-plane exchange-bias field for field-free
        switching; added to the stray field.
    read_current : float, Pulse or Waveform
        The current I_MTJ(t) through the tunnel junction (A); a number is constant (a sense
        bias during a write), a Pulse/Waveform a read pulse (amplitudes in A here, not A/m^2).
        Positive current favours the parallel state. Its density is I / free.area.
    tmr_half_voltage : float or None
        V_h (V), > 0: TMR(V) = tmr / (1 + V^2/V_h^2); None (default): bias-independent.
    """

    free: Macrospin
    reference: tuple
    tmr: float
    resistance_parallel: float
    spin_polarization: float = 0.6
    slonczewski_lambda: float = 1.0
    stt_field_like_ratio: float = 0.0
    stray_field: tuple = (0.0, 0.0, 0.0)
    bias_field: tuple = (0.0, 0.0, 0.0)
    read_current: object = 0.0
    tmr_half_voltage: float | None = None

    UNITS = {  # noqa: RUF012
        "reference": "1", "tmr": "1", "resistance_parallel": "ohm", "spin_polarization": "1",
        "slonczewski_lambda": "1", "stt_field_like_ratio": "1", "stray_field": "T",
        "bias_field": "T", "read_current": "A", "tmr_half_voltage": "V",
    }

    def __post_init__(self):
        set_ = object.__setattr__
        v.instance("free", self.free, Macrospin, "a Macrospin")
        set_(self, "reference", unit_vector("reference", self.reference))
        tmr = v.finite_scalar("tmr", self.tmr)
        if tmr < 0:
            raise ValueError(f"`tmr` must be >= 0 ((R_AP - R_P)/R_P, dimensionless), got {self.tmr!r}")
        set_(self, "tmr", tmr)
        set_(self, "resistance_parallel",
             v.positive("resistance_parallel", self.resistance_parallel, "ohm"))
        eta = v.finite_scalar("spin_polarization", self.spin_polarization)
        if not 0.0 < eta <= 1.0:
            raise ValueError(f"`spin_polarization` must lie in (0, 1], got {self.spin_polarization!r}")
        set_(self, "spin_polarization", eta)
        set_(self, "slonczewski_lambda", v.positive("slonczewski_lambda", self.slonczewski_lambda))
        set_(self, "stt_field_like_ratio",
             v.finite_scalar("stt_field_like_ratio", self.stt_field_like_ratio))
        set_(self, "stray_field", v.vector3("stray_field", self.stray_field, "T"))
        set_(self, "bias_field", v.vector3("bias_field", self.bias_field, "T"))
        if self.tmr_half_voltage is not None:
            set_(self, "tmr_half_voltage", v.positive("tmr_half_voltage", self.tmr_half_voltage, "V"))
        rc = self.read_current
        if isinstance(rc, Waveform):
            if rc.is_vector:
                raise ValueError("`read_current` must be a scalar waveform (A), got 3 components")
        elif not isinstance(rc, Pulse):
            set_(self, "read_current", v.finite_scalar("read_current", rc, "A"))
        if self.free.Ku > 0:
            contrast = abs(float(np.dot(self.reference, self.free.easy_axis)))
            if contrast < MIN_READOUT_CONTRAST:
                raise ValueError(
                    f"`reference` = {self.reference} is perpendicular to the free layer's easy "
                    f"axis {self.free.easy_axis} (|p_ref.u| = {contrast:.2g} < "
                    f"{MIN_READOUT_CONTRAST:g}): the two states read the same resistance; point it "
                    "along the easy axis")

    # -- the free layer's parameters, so that a cell goes where a Macrospin goes
    def __getattr__(self, name):
        if name in _FREE_ATTRS:
            return getattr(self.free, name)
        raise AttributeError(f"'SOTCell' object has no attribute {name!r}")

    @property
    def static_field(self) -> tuple:
        """stray_field + bias_field (T): the constant fields the cell adds to B_ext."""
        return tuple(float(a + b) for a, b in zip(self.stray_field, self.bias_field))

    def with_read_current(self, read_current) -> SOTCell:
        """The same cell with another MTJ current (A: a number, Pulse or Waveform)."""
        return dataclasses.replace(self, read_current=read_current)

    def energy_density(self, m, field=(0.0, 0.0, 0.0)) -> np.ndarray:
        """e(m) (J/m^3) of the free layer in ``field`` (T) plus the cell's static field."""
        B = np.asarray(v.vector3("field", field, "T")) + np.asarray(self.static_field)
        return self.free.energy_density(m, B)

    # -- the spin-transfer torque
    @property
    def resistance_antiparallel(self) -> float:
        """R_AP = R_P (1 + tmr) (ohm) at zero bias."""
        return self.resistance_parallel * (1.0 + self.tmr)

    def current_density(self, current):
        """J_MTJ = I / area (A/m^2) for the MTJ current I (A)."""
        return np.asarray(current, float) / self.free.area

    def stt_strength(self, current):
        """hbar eta J_MTJ / (|e| Ms d) (T) for the MTJ current I (A): 2 b at Lambda = 1."""
        return 2.0 * spinorbit.spin_hall_field(self.spin_polarization, self.current_density(current),
                                               self.free.Ms, self.free.thickness)

    def angular_factor(self, c):
        """g(c) = Lambda^2 / ((Lambda^2 + 1) + (Lambda^2 - 1) c) for c = m.p_ref (1/2 at
        Lambda = 1): b(c) = stt_strength * g(c)."""
        l2 = self.slonczewski_lambda**2
        return l2 / ((l2 + 1.0) + (l2 - 1.0) * np.asarray(c, float))

    def stt_field(self, m, current):
        """B_STT(m) = b(m.p_ref) [(m x p_ref) + r p_ref] (..., 3) in tesla for unit m (..., 3)
        and the MTJ current I (A, scalar or broadcastable to m[..., 0]): the numpy reference
        of the compiled kernel (:func:`llgsot.dynamics.kernels.stt_field`)."""
        m = np.asarray(m, float)
        b = self.stt_strength(current) * self.angular_factor(m @ np.asarray(self.reference))
        return spinorbit.constant_field(m, b, self.stt_field_like_ratio * b, self.reference)

    def max_stt_field(self, current_max: float) -> float:
        """Largest |B_STT| (T) at |I| <= current_max (A)."""
        g = max(self.angular_factor(1.0), self.angular_factor(-1.0))
        return float(abs(self.stt_strength(current_max)) * g * np.hypot(1.0, self.stt_field_like_ratio))

    def kernel_entries(self) -> dict:
        """The STT fields of :data:`~.kernels.PARAMS` by name."""
        l2 = self.slonczewski_lambda**2
        px, py, pz = self.reference
        sj = float(self.stt_strength(self.free.area)) * l2  # J_MTJ = 1 A/m^2
        return dict(stt=1, sj=sj, sla=l2 + 1.0, slb=l2 - 1.0, sfl=self.stt_field_like_ratio,
                    rx=px, ry=py, rz=pz)

    # -- the readout
    def resistance(self, m, current=0.0):
        """R(m, I) (ohm) for unit m (..., 3) and the MTJ current I (A, broadcastable):

        R = R_P + R_P TMR(V) (1 - m.p_ref)/2 with TMR(V) = tmr/(1 + V^2/V_h^2), V = I R: the
        root of a function increasing in R between R_P and R(m, 0), found by bisection to
        rounding. Bias-independent (TMR = tmr) when ``tmr_half_voltage`` is None.
        """
        m = np.asarray(m, float)
        w = 0.5 * (1.0 - m @ np.asarray(self.reference))
        rp = self.resistance_parallel
        hi = rp + rp * self.tmr * w
        if self.tmr_half_voltage is None:
            return hi
        i_v = np.broadcast_to(np.asarray(current, float) / self.tmr_half_voltage, hi.shape)
        lo = np.full(hi.shape, rp)
        hi = np.array(hi, float)
        for _ in range(80):  # (hi - lo) halves each pass: 80 passes reach rounding
            mid = 0.5 * (lo + hi)
            f = mid - rp - rp * self.tmr * w / (1.0 + (i_v * mid) ** 2)
            lo = np.where(f < 0, mid, lo)
            hi = np.where(f < 0, hi, mid)
        return 0.5 * (lo + hi)

    def as_attrs(self) -> dict:
        """Parameters as netCDF-friendly attributes: the free layer's ``magnet_*`` and ``cell_*``."""
        out = self.free.as_attrs()
        out.update({
            "cell_reference": list(self.reference), "cell_tmr": self.tmr,
            "cell_resistance_parallel": self.resistance_parallel,
            "cell_resistance_antiparallel": self.resistance_antiparallel,
            "cell_spin_polarization": self.spin_polarization,
            "cell_slonczewski_lambda": self.slonczewski_lambda,
            "cell_stt_field_like_ratio": self.stt_field_like_ratio,
            "cell_stray_field": list(self.stray_field), "cell_bias_field": list(self.bias_field),
            "cell_read_current": describe_current(self.read_current),
            "cell_tmr_half_voltage": ("none (bias-independent)" if self.tmr_half_voltage is None
                                      else self.tmr_half_voltage),
        })
        return out

    def __repr__(self) -> str:
        return (f"SOTCell(free={self.free!r}, reference={self.reference}, tmr={self.tmr:g}, "
                f"resistance_parallel={self.resistance_parallel:g}, "
                f"spin_polarization={self.spin_polarization:g}, "
                f"slonczewski_lambda={self.slonczewski_lambda:g}, "
                f"stt_field_like_ratio={self.stt_field_like_ratio:g}, stray_field={self.stray_field}, "
                f"bias_field={self.bias_field}, read_current={describe_current(self.read_current)}, "
                f"tmr_half_voltage={self.tmr_half_voltage})")


#: the free layer's attributes readable on a cell
_FREE_ATTRS = frozenset({"Ms", "thickness", "area", "damping", "Ku", "easy_axis", "demag", "gamma",
                         "volume", "thermal_diffusion", "anisotropy_field", "demag_field",
                         "effective_anisotropy_field"})


def describe_current(current) -> str:
    if isinstance(current, (Pulse, Waveform)):
        return current.describe().replace("A/m^2", "A") + " (A)"
    return f"constant {current:g} A"


def read_waveform(cell: SOTCell) -> Waveform:
    """The MTJ current I(t) (A) of the cell as a scalar Waveform."""
    rc = cell.read_current
    if isinstance(rc, Pulse):
        return rc.waveform()
    if isinstance(rc, Waveform):
        return rc
    return Waveform([0.0], [float(rc)])


def merged_drive(field: Waveform, static, current: Waveform, scale: float):
    """(times, values (n, 4)) for the kernels: columns 0-2 the field ``field`` (T) plus the
    constant ``static`` (T), column 3 ``current`` times ``scale`` (the MTJ current density,
    A/m^2), on the union of both waveforms' sample times.

    Both are piecewise linear with constant continuation; at a time where either jumps two
    samples are written (left and right limits), so the merged drive is exact."""
    times = np.union1d(field.breakpoints(), current.breakpoints())
    st = np.asarray(static, float)
    right = np.empty((times.size, 4))
    right[:, :3] = field.at(times) + st
    right[:, 3] = current.at(times) * scale
    left = right.copy()
    jump = np.zeros(times.size, bool)
    for w, cols, add, mul in ((field, slice(0, 3), st, 1.0), (current, 3, 0.0, scale)):
        for t in _jump_times(w):
            i = int(np.searchsorted(times, t))
            jump[i] = True
            left[i, cols] = _left(w, t) * mul + add
    counts = 1 + jump
    out_t = np.repeat(times, counts)
    out_v = np.empty((out_t.size, 4))
    pos = np.cumsum(counts) - 1  # the right-limit rows
    out_v[pos] = right
    out_v[pos[jump] - 1] = left[jump]
    return np.ascontiguousarray(out_t), np.ascontiguousarray(out_v)


def _jump_times(w: Waveform):
    t = w.times
    return t[1:][np.diff(t) == 0.0]


def _left(w: Waveform, t):
    """The left limit of the waveform at its jump time t (``at`` gives the right limit)."""
    i = np.flatnonzero((w.times[1:] == t) & (w.times[:-1] == t))
    return w.values[i[0]]
