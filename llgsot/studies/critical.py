"""Critical currents: deterministic thresholds by bisection, thermal 50 % currents.

Deterministic: the pulse's amplitude is bisected between a current that does not switch the
magnet and one that does; the bracket width is the stated uncertainty. Thermal: switching
probabilities from ensembles at a ladder of amplitudes (:mod:`.thermal`), the 50 % current
from a fit with a confidence interval.
"""
from __future__ import annotations

from .. import _validate as v
from . import _checks
from .result import CriticalCurrent
from .switching import relax_time, switched_fraction

__all__ = ["CriticalCurrent", "critical_current"]  # CriticalCurrent lives in .result


def critical_current(magnet, torque, pulse, field=(0.0, 0.0, 0.0), m0=(0.0, 0.0, 1.0),
                     bracket=None, rtol=1e-3, dt=None, t_relax=None, temperature=0.0,
                     members=128, seed=None, max_evaluations=80, executor=None) -> CriticalCurrent:
    """Critical current density of ``pulse`` (its amplitude is what is searched).

    Parameters
    ----------
    magnet, torque : Macrospin, ConstantSOT/TableSOT
    pulse : Pulse
        The pulse shape; its amplitude is ignored.
    field : 3 numbers
        External field (T), e.g. the in-plane field that makes perpendicular switching
        deterministic.
    m0 : 3 numbers
        Initial state (unit vector).
    bracket : (lo, hi)
        Amplitudes (A/m^2): ``lo`` must not switch and ``hi`` must (deterministic); both may
        be negative for the opposite polarity. Thermal: the range of the amplitude ladder.
    rtol : float
        Deterministic: stop when |hi - lo| <= rtol |hi|.
    dt, t_relax : float, optional
        Time step and relaxation time after the pulse (s); chosen automatically if None.
    temperature : float
        > 0 for the thermal version (K): probabilities from ``members`` Heun samples each.
    members, seed : int
        Ensemble size and root seed (thermal).
    max_evaluations : int
        Deterministic: largest number of simulations, bisection included (>= 2).
    executor : optional
        Thermal ladder: where the ensembles run (:mod:`llgsot.parallel`).
    """
    _checks.models(magnet, torque, pulse)
    field = v.vector3("field", field, "T")
    m0 = v.vector3("m0", m0)
    if bracket is None:
        raise ValueError("`bracket` must be (lo, hi) in A/m^2: a current that does not switch "
                         "and one that does")
    lo, hi = v.pair("bracket", bracket, "A/m^2")
    if lo == hi:
        raise ValueError(f"`bracket` must have two different amplitudes, got {bracket!r}")
    rtol = v.in_range("rtol", rtol, 1e-9, 0.5)
    temperature = v.nonnegative("temperature", temperature, "K")
    dt = v.optional_positive("dt", dt, "s")
    t_relax = v.optional_positive("t_relax", t_relax, "s")
    members = v.count("members", members)
    seed = v.seed("seed", seed)
    max_evaluations = v.count("max_evaluations", max_evaluations, min=2)
    if temperature > 0:
        from .thermal import thermal_critical_current

        return thermal_critical_current(magnet, torque, pulse, field, m0, (lo, hi), dt, t_relax,
                                        temperature, members, seed, executor)
    fixed_dt = dt
    t_relax = relax_time(magnet, field) if t_relax is None else t_relax
    history = []

    def switches(J):
        # dt None: run_pulse takes auto_dt at this amplitude (each amplitude's fastest
        # precession, not the bracket's) and refuses runs of more than MAX_AUTO_STEPS steps
        n, _, t = switched_fraction(magnet, torque, pulse, J, field, m0, fixed_dt, t_relax)
        history.append((float(J), bool(n), t))
        return bool(n)

    lo, hi, _, converged = bisect(switches, lo, hi, rtol, max_evaluations)
    return CriticalCurrent(value=0.5 * (lo + hi), bracket=(lo, hi), evaluations=len(history),
                           details={"dt": fixed_dt if fixed_dt is not None else "auto per amplitude",
                                    "t_relax": t_relax, "converged": converged,
                                    "history": history, "temperature": 0.0})


def bisect(switches, lo, hi, rtol, max_evaluations=80):
    """The one threshold search of the critical-current studies (every backend uses it).

    ``switches(J) -> bool`` runs one experiment at the amplitude J (A/m^2): the macrospin
    (:func:`critical_current`) or a micromagnetic run (:mod:`llgsot.micromagnetics.switching`).
    ``lo`` must not switch and ``hi`` must; the bracket is halved until
    |hi - lo| <= rtol |hi| or ``max_evaluations`` experiments have run (a RuntimeWarning then).
    Returns (lo, hi, evaluations, converged).
    """
    n = 0

    def ask(J):
        nonlocal n
        n += 1
        return bool(switches(J))

    if ask(lo):
        raise ValueError(f"`bracket`[0] = {lo:g} A/m^2 already switches the magnet: choose a "
                         "smaller |current| for the lower end")
    if not ask(hi):
        raise ValueError(f"`bracket`[1] = {hi:g} A/m^2 does not switch the magnet: choose a "
                         "larger |current| (or the other polarity) for the upper end")
    while abs(hi - lo) > rtol * abs(hi) and n < max_evaluations:
        mid = 0.5 * (lo + hi)
        if ask(mid):
            hi = mid
        else:
            lo = mid
    converged = abs(hi - lo) <= rtol * abs(hi)
    if not converged:
        import warnings

        warnings.warn(f"critical current search stopped after {max_evaluations} evaluations with "
                      f"bracket width {abs(hi - lo):g} A/m^2", RuntimeWarning, stacklevel=3)
    return lo, hi, n, converged
