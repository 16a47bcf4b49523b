"""magnum.np export: a field term whose ``h(state)`` returns the SOT field in A/m.

magnum.np sums ``h(state)`` over its field terms (as for its own ``SpinOrbitTorque``); this
term evaluates B_SOT(m) = Delta_xc K(m) sigma(m)^-1 J t_NM e_J/(Ms d) from the TorqueTable
itself (no fit) in every cell and returns H = B/mu0. torch and magnum.np are imported only
when a term is evaluated (optional extra ``magnumnp``; on the CPU: pip install torch==2.13.0).

    from llgsot.tables.export.magnumnp import MagnumSOTField
    sot = MagnumSOTField("tables/paper_fig4.nc", nm_thickness=5e-9, thickness=1e-9,
                         current_density=lambda t: 1e11, direction=0.0, fermi_energy=5.5e-3)
    llg = LLGSolver([demag, exchange, sot])
"""
from __future__ import annotations

import numpy as np

from ... import _validate as v
from ... import spinorbit
from ..._io import atomic_write_text
from ...constants import MU0
from ..interpolate import TorqueTable
from .device import Device
from .metadata import inert


class MagnumSOTField:
    """A magnum.np field term for the table-driven spin-orbit field.

    Parameters
    ----------
    table : TorqueTable, Dataset or path
        The torque table (a file with extra dimensions needs ``fermi_energy=`` and/or
        ``impurity_strength=`` to select one).
    nm_thickness : float
        Normal-metal thickness t_NM (m).
    thickness : float
        Free-layer thickness d (m).
    current_density : float or callable t -> float
        Charge current density in the normal metal J (A/m^2); a callable of the simulation
        time (s) for pulses.
    direction : float
        In-plane current angle from x (rad).
    """

    def __init__(self, table, nm_thickness, thickness, current_density, direction=0.0, **select):
        if not isinstance(table, TorqueTable):
            if not hasattr(table, "sel"):
                from ..store import load_table

                table = load_table(table)
            if select:
                table = table.sel(**select)
            table = TorqueTable(table)
        self.table = table
        self.nm_thickness = v.positive("nm_thickness", nm_thickness, "m")
        self.thickness = v.positive("thickness", thickness, "m")
        self.current = current_density if callable(current_density) else (
            lambda t, J=v.finite_scalar("current_density", current_density, "A/m^2"): J)
        self.direction = v.finite_scalar("direction", direction, "rad")
        self._e = spinorbit.in_plane_direction(self.direction)

    def h(self, state):
        """SOT field in A/m on magnum.np's mesh (tensor of shape m.shape)."""
        import torch

        m = state.m.detach().cpu().numpy().astype(float)
        shape = m.shape
        mm = m.reshape(-1, 3)
        norm = np.linalg.norm(mm, axis=1, keepdims=True)
        ok = norm[:, 0] > 0  # empty cells (Ms = 0) carry m = 0 and get no field
        Ms = state.material["Ms"]
        Ms = Ms.detach().cpu().numpy() if hasattr(Ms, "detach") else np.asarray(Ms, float)
        Ms = np.broadcast_to(Ms, shape[:-1] + (1,)).reshape(-1)
        t = float(state.t) if hasattr(state, "t") else 0.0
        J = float(self.current(t))
        B = np.zeros_like(mm)
        if ok.any():
            K, S = self.table.K_and_sigma(mm[ok] / norm[ok])
            pref = spinorbit.sot_prefactor(self.table.delta_xc, self.nm_thickness, Ms[ok],
                                           self.thickness)
            B[ok] = spinorbit.table_field(K, S, J, self._e, pref)
        if not np.all(np.isfinite(B)):
            raise ValueError(f"the spin-orbit field is not finite at t = {t!r} s (J = {J!r} A/m^2): "
                             "check Ms > 0 in every magnetic cell and the current")
        return torch.as_tensor((B / MU0).reshape(shape), dtype=state.m.dtype, device=state.m.device)

    def E(self, state):
        """The spin-orbit torque is not conservative: no energy contribution (J)."""
        import torch

        return torch.zeros((), dtype=state.m.dtype, device=state.m.device)


def magnumnp_script(table_path, device: Device, **select) -> str:
    """A Python snippet that builds the term for magnum.np from a table file (absolute path,
    so the script runs from any working directory)."""
    import os

    path = os.path.abspath(os.fspath(table_path))
    sel = "".join(f", {k}={float(val)!r}" for k, val in select.items() if val is not None)
    return (
        "# llgsot: table-driven spin-orbit field term for magnum.np (returns H in A/m)\n"
        f"# table: {inert(path)}\n"
        "from llgsot.tables.export.magnumnp import MagnumSOTField\n\n"
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
