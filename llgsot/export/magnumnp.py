"""magnum.np export: a script that builds the table-driven spin-orbit field term.

The term is :class:`llgsot.micromagnetics.MagnumSOTField` (torch-native, on the state's device
and dtype) for a :class:`~llgsot.dynamics.TableSOT` of the table; :class:`MagnumSOTField` here
only loads the table file and takes the device numbers as keywords, so the exported script is
one call with constant arguments. torch and magnum.np are imported only when a term is
evaluated (optional extra ``magnumnp``; on the CPU: pip install torch==2.13.0 from the CPU
wheel index, see the README).

    from llgsot.export.magnumnp import MagnumSOTField
    sot = MagnumSOTField("/abs/path/tables/fig4.nc", nm_thickness=5e-9, thickness=1e-9,
                         current_density=1e11, direction=0.0, fermi_energy=5.5e-3)
    llg = LLGSolver([demag, exchange, sot])
"""
from __future__ import annotations

import math

from .. import _validate as v
from .._io import atomic_write_text
from ..dynamics.torques import TableSOT
from ..micromagnetics.term import MagnumSOTField as _Term
from ..tables.interpolate import TorqueTable, open_table
from .device import Device
from .metadata import inert


class MagnumSOTField(_Term):
    """The magnum.np term of a torque table file (H = B_SOT/mu0 in A/m per cell).

    Parameters
    ----------
    table : TorqueTable, SphereTable, Dataset or path
        The torque table, 1D or sphere (:func:`llgsot.open_table` picks by version; a file with extra dimensions needs ``fermi_energy=`` and/or
        ``impurity_strength=`` to select one).
    nm_thickness : float
        Normal-metal thickness t_NM (m).
    thickness : float
        Free-layer thickness d (m).
    current_density : float, Pulse, Waveform or callable t -> float
        Charge current density in the normal metal J (A/m^2), see
        :class:`llgsot.micromagnetics.MagnumSOTField`.
    direction : float
        In-plane current angle from x (rad).
    """

    def __init__(self, table, nm_thickness, thickness, current_density, direction=0.0, **select):
        from ..tables.sphere.table import SphereTable

        if not isinstance(table, (TorqueTable, SphereTable)):
            if not hasattr(table, "sel"):
                from ..tables.store import load_table

                table = load_table(table)
            if select:
                table = table.sel(**select)
            table = open_table(table)  # a SphereTable for a sphere-table file
        self.table = table
        self.direction = v.finite_scalar("direction", direction, "rad")
        torque = TableSOT(table, nm_thickness,
                          current_direction=(math.cos(self.direction), math.sin(self.direction)))
        super().__init__(torque, current_density, thickness=v.positive("thickness", thickness, "m"))


def magnumnp_script(table_path, device: Device, **select) -> str:
    """A Python snippet that builds the term for magnum.np from a table file (absolute path,
    so the script runs from any working directory)."""
    import os

    path = os.path.abspath(os.fspath(table_path))
    sel = "".join(f", {k}={float(val)!r}" for k, val in select.items() if val is not None)
    return (
        "# llgsot: table-driven spin-orbit field term for magnum.np (returns H in A/m)\n"
        f"# table: {inert(path)}\n"
        "from llgsot.export.magnumnp import MagnumSOTField\n\n"
        f"sot = MagnumSOTField({path!r}, nm_thickness={device.nm_thickness!r}, "
        f"thickness={device.thickness!r},\n"
        f"                     current_density={device.current_density!r}, "
        f"direction={device.direction!r}{sel})\n"
        "# add `sot` to the field terms of your magnum.np LLGSolver, e.g. LLGSolver([demag, exchange, sot])\n"
    )


def write_magnumnp(table: TorqueTable, path, device: Device, table_path=None, **select) -> str:
    """Write :func:`magnumnp_script` to ``path``. ``table_path``: the table file the script
    loads (default: the file ``table`` was loaded from)."""
    table_path = table_path or getattr(table, "source_path", None)
    if table_path is None:
        raise ValueError("`table_path` is needed: the magnum.np script loads the table file")
    return atomic_write_text(path, magnumnp_script(table_path, device, **select))
