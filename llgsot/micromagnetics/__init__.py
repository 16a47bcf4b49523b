"""Micromagnetics with the package's torques: a magnum.np field term and a switching study.

The only place in llgsot that uses torch and magnum.np (the optional extra ``magnumnp``).
Both are imported lazily: ``import llgsot.micromagnetics`` works without them, and the
names below load their modules on first use.

* :class:`MagnumSOTField` -- the spin-orbit field of a :class:`~llgsot.dynamics.TableSOT` or
  :class:`~llgsot.dynamics.ConstantSOT` as a magnum.np field term (torch-native, any device
  and dtype), driven by a constant current, a :class:`~llgsot.dynamics.Pulse` or a
  :class:`~llgsot.dynamics.Waveform`.
* :class:`FreeLayer`, :func:`run_switching`, :func:`micromagnetic_critical_current` --
  current-pulse switching of a perpendicular free layer (exchange, demag, uniaxial
  anisotropy, interfacial DMI, optional thermal field), critical currents by the same
  bisection as the macrospin studies (:mod:`llgsot.studies.critical`).
"""
from .._lazy import lazy_names

_LAZY = {
    "MagnumSOTField": "llgsot.micromagnetics.term",
    "spin_orbit_torque_material": "llgsot.micromagnetics.term",
    "magnumnp": "llgsot.micromagnetics.backend",
    "FreeLayer": "llgsot.micromagnetics.switching",
    "SwitchingRun": "llgsot.micromagnetics.switching",
    "run_switching": "llgsot.micromagnetics.switching",
    "micromagnetic_critical_current": "llgsot.micromagnetics.switching",
    "macrospin_of": "llgsot.micromagnetics.switching",
    "demag_factors": "llgsot.micromagnetics.switching",
    "compare": "llgsot.micromagnetics.study",
}

__all__ = list(_LAZY)


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
