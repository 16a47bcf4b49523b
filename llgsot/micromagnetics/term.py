"""The spin-orbit field of the package's torque objects as a magnum.np field term.

magnum.np sums ``term.h(state)`` (A/m, a tensor shaped like ``state.m``) over the field terms
of its ``LLGSolver``; :class:`MagnumSOTField` returns H_SOT = B_SOT/mu0 there, with B_SOT the
field of docs/physics.md sec. 3 evaluated in every cell by torch on the state's device and in
its dtype (float64 or float32):

* :class:`~llgsot.dynamics.TableSOT`: B = Delta_xc K(m) sigma(m)^-1 (J t_NM e)/(Ms d) from the
  table's exact interpolant -- the segment of theta found by ``torch.searchsorted`` over the
  kernel-array nodes (right limit at a jump, as :func:`llgsot.tables.hermite.hermite_eval_nodes`),
  the segment's cubic Hermite polynomial (power form of
  :func:`llgsot.dynamics.torques.hermite_power_coefficients`), the rotation to the azimuth of m
  (sigma(m)^-1 e = R2 sigma0^-1 R2^T e, K(m) x = R3 K0 R2^T x) and the 2x2 solve by
  adjugate/determinant;
* a TableSOT of a sphere table (K, sigma over theta and phi): the torch copy of its
  interpolant in :mod:`.sphere_term`;
* :class:`~llgsot.dynamics.ConstantSOT`: B = b_DL (m x p) + b_FL p, b_DL = hbar theta_SH J/(2|e| Ms d).

This is the torch copy of :mod:`llgsot.spinorbit` (the numpy reference, ``torque.field``),
tested against it (tests/test_micromagnetics.py). torch is imported only when a term is
evaluated, so this module imports without it.
"""
from __future__ import annotations

import numpy as np

from .. import _validate as v
from .. import spinorbit
from ..constants import MU0
from ..dynamics.drive import Pulse, Waveform, as_current
from ..dynamics.torques import ConstantSOT, TableSOT, hermite_power_coefficients
from ..tables.schema import K_COLUMNS, POWER_COLUMNS, SIGMA_COLUMNS, TABLE_COLUMNS


def _torch():
    import torch

    return torch


class MagnumSOTField:
    """A magnum.np field term: the spin-orbit field of a macrospin torque object, per cell.

    Parameters
    ----------
    torque : TableSOT or ConstantSOT
        The same object that drives the macrospin (:func:`llgsot.simulate`); a TableSOT is
        evaluated with its exact interpolant (jumps included) whatever its ``representation``.
    current : float, Pulse, Waveform or callable
        Charge current density J in the normal metal (A/m^2): a number (constant), a
        :class:`~llgsot.dynamics.Pulse` or scalar :class:`~llgsot.dynamics.Waveform`, followed
        through ``state.t`` (s) on the device (right limit at a jump of the waveform), or a
        callable t -> J (called with ``float(state.t)`` in s; a host round trip per call).
    thickness : float, optional
        Free-layer thickness d (m) in B ~ 1/(Ms d). Default: the total z extent of the mesh
        (``sum`` of the cell sizes along z), i.e. the whole mesh is the free layer.
    mask : array, optional
        Weights over the mesh, shape broadcastable to ``mesh.n`` = (nx, ny, nz) (booleans or
        numbers; 1 where the heavy-metal strip carries the current, 0 outside): the current in
        a cell is J(t) * mask. Default: the current flows everywhere.

    Cells with Ms = 0 or m = 0 (magnum.np's empty cells) get zero field. ``E(state)`` is zero:
    the spin-orbit field is not conservative.
    """

    def __init__(self, torque, current, thickness=None, mask=None):
        if not isinstance(torque, (TableSOT, ConstantSOT)):
            raise ValueError(f"`torque` must be a TableSOT or ConstantSOT, got {type(torque).__name__}")
        self.torque = torque
        if callable(current) and not isinstance(current, (Pulse, Waveform)):
            self._current_callable = current
            self._waveform = None
            self.current_description = f"callable {current!r}"
        else:
            self._current_callable = None
            self._waveform, self.current_description = as_current(current)
        self.thickness = None if thickness is None else v.positive("thickness", thickness, "m")
        if mask is None:
            self.mask = None
        else:
            mk = np.asarray(mask)
            if mk.dtype == bool:
                mk = mk.astype(float)
            self.mask = v.finite_array("mask", mk)
        self._cache = {}

    # -- precomputed tensors, once per (device, dtype) ----------------------------------------
    def _tensors(self, device, dtype):
        key = (str(device), dtype)
        got = self._cache.get(key)
        if got is not None:
            return got
        torch = _torch()
        out = {}
        wf = self._waveform
        if wf is not None:
            out["times"] = torch.as_tensor(wf.times, dtype=torch.float64, device=device)
            out["currents"] = torch.as_tensor(wf.values, dtype=torch.float64, device=device)
        tq = self.torque
        if isinstance(tq, TableSOT) and tq.sphere:
            from .sphere_term import sphere_tensors

            out["sphere"] = sphere_tensors(torch, tq, device, dtype)
        elif isinstance(tq, TableSOT):
            # fold P Ms d / mu0 = Delta_xc t_NM / mu0 into K and scale sigma by its largest
            # entry s0: (c K/s0)(sigma/s0)^-1 = c K sigma^-1, every number far inside float32
            coef = hermite_power_coefficients(tq.theta, tq.values, tq.slopes)
            coef = coef.reshape(-1, len(POWER_COLUMNS), len(TABLE_COLUMNS))
            s0 = float(np.abs(tq.values[:, SIGMA_COLUMNS]).max())
            scale = np.empty(len(TABLE_COLUMNS))
            scale[K_COLUMNS] = float(tq.prefactor(1.0, 1.0)) / MU0 / s0
            scale[SIGMA_COLUMNS] = 1.0 / s0
            coef = (coef * scale).reshape(len(coef), -1)
            # segment of searchsorted(nodes, theta, right=True) = k: k - 1, clamped to the
            # last segment, and at a jump's first copy the segment before (right limit rule)
            th = tq.theta
            n = th.size
            seg = np.clip(np.arange(n + 1) - 1, 0, n - 2)
            seg = np.where(th[seg + 1] > th[seg], seg, seg - 1)
            # one row per segment: its start theta_i, then the power form (POWER_COLUMNS)
            rows = np.concatenate([th[:, None], coef], axis=1)[: n - 1]
            out["nodes"] = torch.as_tensor(th, dtype=dtype, device=device).contiguous()
            out["segment"] = torch.as_tensor(seg, dtype=torch.int64, device=device)
            out["rows"] = torch.as_tensor(rows, dtype=dtype, device=device).contiguous()
            out["e"] = tuple(float(x) for x in tq.current_direction)
        else:
            # H = c J/(Ms d) [(m x p) + r p], c = b_DL Ms d/(J mu0) = hbar theta_SH/(2 |e| mu0)
            out["c"] = float(spinorbit.spin_hall_field(tq.spin_hall_angle, 1.0, 1.0, 1.0)) / MU0
            out["p"] = torch.as_tensor(tq.polarization, dtype=dtype, device=device)
            out["r"] = tq.field_like_ratio
        self._cache[key] = out
        return out

    def _mask_tensor(self, state, device, dtype):
        key = ("mask", str(device), dtype, tuple(state.mesh.n))
        got = self._cache.get(key)
        if got is None:
            n = tuple(state.mesh.n)
            try:
                mk = np.broadcast_to(self.mask if self.mask.ndim <= 3 or self.mask.shape[-1] != 1
                                     else self.mask[..., 0], n)
            except ValueError:
                raise ValueError(f"`mask` of shape {self.mask.shape} does not broadcast to the mesh "
                                 f"(nx, ny, nz) = {n}") from None
            got = _torch().as_tensor(np.ascontiguousarray(mk), dtype=dtype, device=device)[..., None]
            self._cache[key] = got
        return got

    def layer_thickness(self, mesh) -> float:
        """d (m): the ``thickness`` given, or the mesh's total z extent."""
        if self.thickness is not None:
            return self.thickness
        dz = mesh.dx[2]
        return float(np.sum(dz)) if np.ndim(dz) else float(mesh.n[2] * dz)

    def current_at(self, t, device=None):
        """J(t) (A/m^2) at the time t (s; a number or a 0-dim tensor).

        On the CPU (or for a number t) a Python float from the waveform's own evaluation
        (:meth:`~llgsot.dynamics.Waveform.at`); for a tensor t on another device a 0-dim
        float64 tensor there (piecewise-linear interpolation by ``torch.searchsorted``, right
        limit at a jump), so that the GPU is never synchronised.
        """
        if self._current_callable is not None:
            t = float(t)
            return v.returned_number(f"current(t={t:g} s)", self._current_callable(t), "A/m^2")
        wf = self._waveform
        if wf.times.size == 1:
            return float(wf.values[0])
        torch = _torch()
        if not isinstance(t, torch.Tensor) or t.device.type == "cpu":
            return float(wf.at(float(t)))
        tt = self._tensors(t.device, torch.float64)
        times, y = tt["times"], tt["currents"]
        t = t.to(torch.float64).reshape(1)
        i = torch.clamp(torch.searchsorted(times, t, right=True) - 1, 0, times.numel() - 2)
        t0, t1 = times[i], times[i + 1]
        w = torch.where(t1 > t0, (t - t0) / torch.where(t1 > t0, t1 - t0, 1.0), 1.0).clamp(0.0, 1.0)
        return (y[i] + w * (y[i + 1] - y[i])).reshape(())

    # -- the field term ------------------------------------------------------------------------
    def h(self, state):
        """H_SOT = B_SOT/mu0 (A/m), a tensor shaped like ``state.m`` (nx, ny, nz, 3)."""
        torch = _torch()
        m = state.m
        device, dtype = m.device, m.dtype
        J = self.current_at(getattr(state, "t", 0.0))
        if not isinstance(J, float):
            J = J.to(dtype)
        Ms = torch.as_tensor(state.material["Ms"], dtype=dtype, device=device)
        d = self.layer_thickness(state.mesh)
        tt = self._tensors(device, dtype)
        mx, my, mz = m.unbind(-1)
        rho = torch.hypot(mx, my)
        # J/(Ms d) per cell; zero in empty cells (Ms = 0 or m = 0); no torch.where (slow on CPU)
        ok = (Ms[..., 0] > 0) & ((rho > 0) | (mz != 0))
        ok = ok.to(dtype)
        w = (J * ok) / (Ms[..., 0] * d + (1.0 - ok))
        if self.mask is not None:
            w = w * self._mask_tensor(state, device, dtype)[..., 0]
        if "sphere" in tt:
            from .sphere_term import sphere_field

            Hx, Hy, Hz = sphere_field(torch, mx, my, mz, rho, tt["sphere"])
        elif "rows" in tt:
            Hx, Hy, Hz = self._table_field(mx, my, mz, rho, tt)
        else:
            px, py, pz = tt["p"]
            r = tt["r"]
            Hx = tt["c"] * (my * pz - mz * py + r * px)
            Hy = tt["c"] * (mz * px - mx * pz + r * py)
            Hz = tt["c"] * (mx * py - my * px + r * pz)
        return torch.stack([Hx * w, Hy * w, Hz * w], dim=-1)

    @staticmethod
    def _table_field(mx, my, mz, rho, tt):
        """c K(m) sigma(m)^-1 e, component by component, for every cell: the exact
        interpolant of the table at the direction of m."""
        torch = _torch()
        ex, ey = tt["e"]
        th = torch.atan2(rho, mz)
        flat = th.reshape(-1)
        i = tt["segment"][torch.searchsorted(tt["nodes"], flat, right=True)]
        r = tt["rows"].index_select(0, i)  # (M, 41): theta_i, then c0, c1, c2, c3 (10 each)
        dth = (flat - r[:, 0]).unsqueeze(-1)
        c = r[:, 1:]
        c0, c1, c2, c3 = (c[:, cols] for cols in POWER_COLUMNS)
        val = torch.addcmul(c2, dth, c3)
        val = torch.addcmul(c1, dth, val)
        val = torch.addcmul(c0, dth, val)
        val = val.T.reshape((len(TABLE_COLUMNS),) + th.shape)  # one contiguous block per entry
        kxx, kxy, kyx, kyy, kzx, kzy, sxx, sxy, syx, syy = val.unbind(0)
        # cos, sin of the azimuth phi (phi = 0 on the z axis, as the reference)
        # (on the z axis rho = mx = my = 0: cos = 1, sin = 0)
        on_axis = rho == 0
        rs = rho + on_axis
        cp = mx / rs + on_axis
        sp = my / rs
        # e' = R2^T e, x = sigma0^-1 e' (adjugate / determinant), y = K0 x, A = R3 y
        e1 = cp * ex + sp * ey
        e2 = cp * ey - sp * ex
        det = sxx * syy - sxy * syx
        x1 = (syy * e1 - sxy * e2) / det
        x2 = (sxx * e2 - syx * e1) / det
        y1 = kxx * x1 + kxy * x2
        y2 = kyx * x1 + kyy * x2
        y3 = kzx * x1 + kzy * x2
        return cp * y1 - sp * y2, sp * y1 + cp * y2, y3

    def E(self, state):
        """Zero (J): the spin-orbit field is not conservative."""
        torch = _torch()
        return torch.zeros((), dtype=state.m.dtype, device=state.m.device)

    def __repr__(self):
        return (f"MagnumSOTField({self.torque!r}, current={self.current_description}, "
                f"thickness={self.thickness!r}, mask={'yes' if self.mask is not None else 'no'})")



def spin_orbit_torque_material(torque: ConstantSOT, current_density, thickness) -> dict:
    """magnum.np ``SpinOrbitTorque`` material entries equivalent to ``torque`` (the mapping).

    magnum.np: h = -(je hbar'/(2 e' mu0' Ms d)) [eta_damp (m x p') + eta_field p'] (A/m), with
    its own constants hbar', e', mu0' (magnumnp.common.constants). llgsot:
    H = B/mu0 = (hbar theta_SH J/(2 |e| mu0 Ms d)) [(m x p) + r p]. They agree for

        je = J, d = d, p' = p,
        eta_damp  = -kappa theta_SH,   eta_field = -kappa r theta_SH,
        kappa = (hbar/(|e| mu0)) / (hbar'/(e' mu0'))   (1 - 7.5e-8 with magnum.np 2.2.0's constants)

    i.e. magnum.np's efficiencies carry the opposite sign of the spin Hall angle for the same
    polarization vector (with eta_damp > 0 its damping-like torque turns m toward -p').
    Returns {"je", "d", "p", "eta_damp", "eta_field"} (SI, plain numbers).
    """
    from magnumnp.common import constants as mc

    if not isinstance(torque, ConstantSOT):
        raise ValueError(f"`torque` must be a ConstantSOT, got {type(torque).__name__}")
    # hbar/(|e| mu0) = 2 b_DL/(mu0 theta_SH) at J = Ms = d = 1
    kappa = (2.0 * float(spinorbit.spin_hall_field(1.0, 1.0, 1.0, 1.0)) / MU0) / (
        mc.hbar / (mc.e * mc.mu_0))
    theta = torque.spin_hall_angle
    return {"je": v.finite_scalar("current_density", current_density, "A/m^2"),
            "d": v.positive("thickness", thickness, "m"), "p": list(torque.polarization),
            "eta_damp": -kappa * theta, "eta_field": -kappa * torque.field_like_ratio * theta}
