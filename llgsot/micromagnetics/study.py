"""Micromagnetic vs macrospin critical currents for several torques on one free layer.

For every torque: the macrospin critical current (:func:`llgsot.critical_current` on
:func:`~llgsot.micromagnetics.switching.macrospin_of` the layer, same pulse, field, gamma
and relaxation time), then the micromagnetic one (:func:`micromagnetic_critical_current`,
the same bisection) in a bracket around it, widened until its ends switch / do not switch.
Runs are cached by amplitude, so a bracket end is simulated once.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from .. import _validate as v
from .switching import FreeLayer, macrospin_of, micromagnetic_critical_current, run_switching


@dataclass
class TorqueResult:
    """Critical currents of one torque (A/m^2) and the runs kept for figures."""

    name: str
    macrospin: object  # CriticalCurrent
    micromagnetic: object  # CriticalCurrent
    runs: dict = field(default_factory=dict, repr=False)  # amplitude -> SwitchingRun
    wall: float = 0.0

    def row(self) -> dict:
        ms, mm = self.macrospin, self.micromagnetic
        return {"torque": self.name, "macrospin_Jc": ms.value,
                "macrospin_bracket": list(ms.bracket), "micromagnetic_Jc": mm.value,
                "micromagnetic_bracket": list(mm.bracket), "ratio": mm.value / ms.value,
                "runs": len(self.runs), "wall_s": self.wall}

    def switching_run(self):
        """The run at the upper end of the final bracket (the smallest switching current)."""
        return self.runs[self.micromagnetic.bracket[1]]

    def failing_run(self):
        """The run at the lower end of the final bracket (the largest non-switching current)."""
        return self.runs[self.micromagnetic.bracket[0]]


def compare(layer: FreeLayer, torques: dict, pulse, macrospin_bracket, rtol=0.05,
            macrospin_rtol=1e-3, widen=(0.5, 1.5), max_widen=4, relax=1e-9, on_run=None,
            **run_options) -> list:
    """Critical currents of every torque in ``torques`` ({name: TableSOT/ConstantSOT}).

    macrospin_bracket : (lo, hi)
        A/m^2: a non-switching and a switching amplitude for the macrospin search.
    rtol, macrospin_rtol : float
        Relative bracket widths at which the micromagnetic / macrospin bisections stop.
    widen : (a, b)
        The micromagnetic search starts from (a Jc, b Jc), Jc the macrospin value; an end
        that behaves wrongly is moved by the factor a (or b) again, at most ``max_widen`` times.
    max_widen : int
        How often an end of the micromagnetic bracket may be moved (>= 0).
    relax : float
        Relaxation after the pulse (s), for both backends.
    on_run : callable(name, SwitchingRun), optional
        Called after every new micromagnetic run.
    run_options
        Passed to :func:`run_switching` (sample, snapshot_times, solver_tol, ...).
    """
    from ..studies.critical import critical_current

    rtol = v.in_range("rtol", rtol, 1e-6, 0.5)
    max_widen = v.count("max_widen", max_widen, min=0)
    widen = v.pair("widen", widen)
    if not 0 < widen[0] < 1 < widen[1]:
        raise ValueError(f"`widen` must be (a, b) with 0 < a < 1 < b, got {widen!r}")
    if not isinstance(torques, dict) or not torques:
        raise ValueError("`torques` must be a non-empty dict {name: TableSOT or ConstantSOT}, got "
                         f"{torques!r}")
    magnet = macrospin_of(layer)
    out = []
    for name, torque in torques.items():
        t0 = time.perf_counter()
        ms = critical_current(magnet, torque, pulse, field=layer.field, m0=(0.0, 0.0, 1.0),
                              bracket=macrospin_bracket, rtol=macrospin_rtol, t_relax=relax)
        runs = {}

        def report(run, name=name):
            if on_run is not None:
                on_run(name, run)

        def switches(J, torque=torque, runs=runs, report=report):
            if J not in runs:
                runs[J] = run_switching(layer, torque, pulse, amplitude=J, relax=relax, **run_options)
                report(runs[J])
            return runs[J].switched

        lo, hi = widen[0] * ms.value, widen[1] * ms.value
        for _ in range(max_widen):
            if not switches(lo):
                break
            lo *= widen[0]
        for _ in range(max_widen):
            if switches(hi):
                break
            hi *= widen[1]
        mm = micromagnetic_critical_current(layer, torque, pulse, (lo, hi), rtol=rtol,
                                            on_run=report, runs=runs, relax=relax, **run_options)
        out.append(TorqueResult(name, ms, mm, runs, time.perf_counter() - t0))
    return out
