"""Argument checks shared by the public study functions (run before any simulation)."""
from __future__ import annotations

from .. import _validate as v
from ..dynamics import Macrospin, Pulse, SOTCell, Torque


def models(magnet, torque, pulse=None, need_pulse=True):
    """TypeError unless ``magnet`` is a Macrospin or an SOTCell, ``torque`` a
    :class:`~llgsot.dynamics.Torque` (or None) and ``pulse`` a Pulse."""
    v.instance("magnet", magnet, (Macrospin, SOTCell), "a Macrospin or an SOTCell")
    v.instance("torque", torque, Torque, "a torque object (ConstantSOT, TableSOT) or None",
               optional=True)
    if need_pulse:
        v.instance("pulse", pulse, Pulse, "a Pulse")
