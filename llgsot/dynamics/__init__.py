"""Macrospin Landau-Lifshitz-Gilbert dynamics driven by spin-orbit torques.

Python API (validated, SI units): :class:`~.magnet.Macrospin`, :class:`~.drive.Pulse`,
:class:`~.drive.Waveform`, :class:`~.cell.SOTCell`, :class:`~.torques.ConstantSOT`,
:class:`~.torques.TableSOT` (both :class:`~.torques.Torque`, the interface every torque object
offers),
:func:`~.simulate.simulate`. numba kernels: :mod:`.kernels` (fields, right-hand side) and
:mod:`.integrators` (RK4, DOPRI5, Heun); method coefficients in :mod:`.tableau`.
"""
from .cell import SOTCell
from .drive import Pulse, Waveform
from .magnet import Macrospin
from .simulate import IntegrationError, simulate
from .torques import ConstantSOT, TableSOT, Torque

__all__ = ["ConstantSOT", "IntegrationError", "Macrospin", "Pulse", "SOTCell", "TableSOT", "Torque",
           "Waveform", "simulate"]
