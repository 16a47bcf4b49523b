"""The result of a critical-current search, shared by the deterministic bisection
(:mod:`.critical`) and the thermal 50 % current (:mod:`.thermal`), so that neither module
imports the other for it."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CriticalCurrent:
    """Result of :func:`llgsot.studies.critical_current`.

    Attributes
    ----------
    value : float
        Critical current density (A/m^2): bracket midpoint (deterministic) or the fitted
        50 % current (thermal).
    bracket : tuple
        (no-switch, switch) amplitudes at the end of the bisection (deterministic, the
        uncertainty), or the 95 % confidence interval of the 50 % current (thermal).
    evaluations : int
        Simulations run (ensembles count once).
    details : dict
        dt, relaxation time, the evaluated amplitudes and outcomes, fits (thermal).
    """

    value: float
    bracket: tuple
    evaluations: int
    details: dict = field(default_factory=dict, repr=False)

    def to_dict(self):
        out = {"critical_current": self.value, "bracket": list(self.bracket),
               "evaluations": self.evaluations, "units": "A/m^2"}
        for k, val in self.details.items():
            if isinstance(val, (int, float, str, list, tuple)) or val is None:
                out[k] = val
        return out
