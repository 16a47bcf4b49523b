"""``llgsot.simulate``: validate, pack for the kernels, integrate, wrap into an xarray.Dataset."""
from __future__ import annotations

import datetime
import math
import time as _time
import warnings

import numpy as np
import xarray as xr

from .. import _validate as v
from ..constants import MU0
from . import events
from . import integrators
from . import kernels
from .drive import as_current, as_field
from .cell import SOTCell, merged_drive, read_waveform
from .magnet import Macrospin
from .torques import Torque

METHODS = ("rk4", "dopri", "heun")
#: largest precession angle gamma |B| dt (rad) allowed in one fixed step (>= 12.6 steps per
#: period of the fastest precession); the thermal kick gamma sigma_th dt has the same limit
MAX_ROTATION_PER_STEP = 0.5
#: |m0| - 1 below this is rounding; up to NORM_WARN it is normalised with a warning
NORM_SILENT, NORM_WARN = 1e-12, 1e-3
MAX_OUTPUT_BYTES = 2 * 1024**3
#: largest number of steps of one run (t_end/dt): beyond, float step times lose precision
MAX_STEPS = 2**52


class IntegrationError(RuntimeError):
    """The integrator failed (non-finite m, step-size collapse, too many steps)."""

    def __init__(self, message, dataset=None):
        super().__init__(message)
        self.dataset = dataset



def kernel_problem(magnet: Macrospin, torque, cur, fld, cell: SOTCell | None = None):
    """The kernels' :class:`~.kernels.Problem` of a free layer ``magnet``, a ``torque`` (or None),
    a current drive ``cur`` and a field drive ``fld`` (from :func:`~.drive.as_current`,
    :func:`~.drive.as_field`), and of the ``cell`` the layer belongs to (None: a bare layer):
    the one parameter packing of :func:`simulate` and :func:`llgsot.dynamics.ensemble.ensemble_system`.
    Returns (problem, the cell's MTJ current waveform or None)."""
    if torque is None:
        entries, (geom, coef) = {"kind": kernels.KIND_NONE}, kernels.empty_table()
    else:
        entries, geom, coef = torque.kernel_setup(magnet)
    if cell is not None:
        entries = {**entries, **cell.kernel_entries()}
    ux, uy, uz = magnet.easy_axis
    nx, ny, nz = -MU0 * magnet.Ms * np.asarray(magnet.demag)
    par = kernels.make_params(gamma_ll=magnet.gamma / (1.0 + magnet.damping**2),
                              damping=magnet.damping, bk=magnet.anisotropy_field,
                              ux=ux, uy=uy, uz=uz, nx=nx, ny=ny, nz=nz, **entries)
    fld_t, fld_v = fld.kernel_arrays()
    rd = None
    if cell is not None:  # the cell's static fields and its MTJ current join the field drive
        rd = read_waveform(cell)
        fld_t, fld_v = merged_drive(fld, cell.static_field, rd, 1.0 / magnet.area)
    return kernels.Problem(par, geom, coef, *cur.kernel_arrays(), fld_t, fld_v), rd


def simulate(magnet: Macrospin | SOTCell, torque=None, current=0.0, field=(0.0, 0.0, 0.0), m0=(0.0, 0.0, 1.0),
             t_end=None, dt=None, method="rk4", temperature=0.0, members=1, seed=None,
             save_every=1, rtol=1e-8, atol=1e-10, max_steps=100_000_000, switching_axis=None,
             settle_tol=0.05, on_failure="raise", switching_threshold=0.5) -> xr.Dataset:
    """Integrate the macrospin LLG driven by a spin-orbit torque.

    dm/dt = -gamma/(1 + a^2) [m x B + a m x (m x B)] (a = magnet.damping) with
    B = B_ext(t) + (2 Ku/Ms)(m.u) u - mu0 Ms N m + B_SOT(m, J(t)) + B_th (tesla).

    Parameters
    ----------
    magnet : Macrospin or SOTCell
        The free layer, or a three-terminal cell (:class:`~.cell.SOTCell`): its free layer
        with the reference layer's stray field and the bias field added to B_ext, the
        Slonczewski STT of its ``read_current`` (A, the MTJ drive) added to B, and its
        resistance R(t) in the output.
    torque : ConstantSOT, TableSOT or None
        The SOT model (None: no current-driven torque).
    current : float, Pulse or Waveform
        Charge current density J(t) in the normal metal (A/m^2); a number is constant.
    field : 3 numbers or Waveform
        External field B_ext (T); a vector Waveform for B_ext(t).
    m0 : 3 numbers or (members, 3) array
        Initial unit magnetization (normalised with a warning if | |m0| - 1 | < 1e-3).
    t_end : float
        End time (s); the run takes round(t_end/dt) steps (ceil if t_end/dt is not an integer).
    dt : float
        Time step (s) for "rk4" and "heun"; for "dopri" the initial step and, times
        ``save_every``, the output interval.
    method : "rk4" | "dopri" | "heun"
        Fixed-step RK4, adaptive Dormand-Prince 5(4) (rtol, atol), or Heun (Stratonovich;
        the only method for temperature > 0).
    temperature : float
        Temperature (K) of Brown's thermal field, variance 2 a k_B T / (gamma Ms V dt) per
        component and step.
    members : int
        Ensemble size (all members share the parameters; different noise for T > 0).
    seed : int or None
        Root seed; member k's noise stream is seeded with word k of numpy's
        SeedSequence(seed).generate_state, so a member's trajectory depends neither on the
        number of threads nor on the ensemble size. None draws fresh entropy (recorded in attrs).
    save_every : int
        Keep every ``save_every``-th step (decimation); the final state is always kept.
    rtol, atol : float
        DOPRI5 tolerances (per component, on m).
    max_steps : int
        DOPRI5 limit on attempted steps per member.
    switching_axis : 3 numbers or None
        Axis for switching events (default: the easy axis); any nonzero vector, normalised.
    settle_tol : float
        Band |m.axis - final| for the settling time.
    on_failure : "raise" | "warn"
        What to do when a member fails (NaN, step collapse, too many steps).
    switching_threshold : float
        In (0, 1): ``switching_time`` is when m.axis * sign(final) rises, for the last time,
        through this value (default 0.5: within 60 degrees of the axis on the final side).

    Returns
    -------
    xarray.Dataset
        ``m`` (time, member, component), ``current`` (time, A/m^2), ``field`` (time,
        component, T), per member ``switching_time`` (s: the time after which m.axis *
        sign(final) stays >= switching_threshold to the end, from the saved samples by linear
        interpolation, NaN unless the member switched hemisphere), ``first_crossing_time``
        (s, first sign change of m.axis at full resolution, NaN if none; a member may sit
        in-plane long after it), ``settling_time`` (s), ``final_state`` (+1/-1),
        ``switched`` (0/1), ``precession_frequency`` (Hz, NaN unless steady), ``norm_drift``
        (max | |m| - 1 | before renormalisation), ``status`` (0 ok), ``seed``; parameters,
        units and provenance in attrs. For a cell also ``resistance`` (time, member; ohm,
        R(m, I_MTJ) at the saved states) and ``read_current`` (time; A, I_MTJ(t)).
    """
    cell = None
    if isinstance(magnet, SOTCell):
        cell, magnet = magnet, magnet.free
    elif not isinstance(magnet, Macrospin):
        raise TypeError(f"`magnet` must be a Macrospin or an SOTCell, got {type(magnet).__name__}")
    if torque is not None and not isinstance(torque, Torque):
        raise TypeError(f"`torque` must be a torque object (ConstantSOT, TableSOT) or None, "
                        f"got {type(torque).__name__}")
    method = v.choice("method", method, METHODS)
    v.choice("on_failure", on_failure, ("raise", "warn"))
    if t_end is None or dt is None:
        raise ValueError("`t_end` and `dt` (s) are required")
    t_end = v.positive("t_end", t_end, "s")
    dt = v.positive("dt", dt, "s")
    temperature = v.nonnegative("temperature", temperature, "K")
    if temperature > 0 and method != "heun":
        raise ValueError(f"`temperature` = {temperature:g} K > 0 needs `method` = 'heun' "
                         f"(Stratonovich), got {method!r}")
    members = v.count("members", members)
    save_every = v.count("save_every", save_every)
    settle_tol = v.positive("settle_tol", settle_tol)
    switching_threshold = v.finite_scalar("switching_threshold", switching_threshold)
    if not 0.0 < switching_threshold < 1.0:
        raise ValueError(f"`switching_threshold` must lie in (0, 1), got {switching_threshold!r}")
    rtol = v.positive("rtol", rtol)
    atol = v.positive("atol", atol)
    max_steps = v.count("max_steps", max_steps)
    seed = v.seed("seed", seed)
    # -- steps and output size, checked before anything is allocated
    n_steps = _n_steps(t_end, dt)
    n_save = _n_saved(n_steps, save_every)
    nbytes = n_save * members * 3 * 8
    if nbytes > MAX_OUTPUT_BYTES:
        raise ValueError(
            f"`t_end` / `dt` = {t_end:g} s / {dt:g} s = {n_steps:.4g} steps: the output "
            f"({n_save:.4g} saved states x {members} member(s)) would take {_bytes(nbytes)} "
            f"(limit {_bytes(MAX_OUTPUT_BYTES)}); increase `dt` or `save_every` (now {save_every}), "
            "or reduce `t_end` or `members`")
    m0 = _initial_m(m0, members)
    cur, cur_desc = as_current(current)
    fld, fld_desc = as_field(field)
    axis = np.asarray(v.direction("switching_axis", magnet.easy_axis if switching_axis is None
                                  else switching_axis))

    # -- output grid
    save_idx = np.arange(0, n_steps + 1, save_every)
    if save_idx[-1] != n_steps:  # the final state is always kept
        save_idx = np.append(save_idx, n_steps)
    times = save_idx * dt

    # -- parameters for the kernels
    pb, rd = kernel_problem(magnet, torque, cur, fld, cell)
    fld_t = pb.fld_t
    sigma_th = 0.0
    if temperature > 0:
        sigma_th = math.sqrt(magnet.thermal_diffusion(temperature) / dt) / magnet.gamma
    omega = _check_step(magnet, torque, cur, fld, dt, sigma_th, method, cell)

    # -- seeds
    ss = np.random.SeedSequence(seed)
    # member k's seed is word k of the root sequence's output (a prefix-stable stream: it does
    # not depend on the ensemble size)
    seeds = ss.generate_state(members, dtype=np.uint64)

    res = kernels.Results(np.empty((n_save, members, 3)), np.zeros(members),
                          np.full(members, np.nan), np.zeros(members, dtype=np.int64),
                          np.full(members, np.nan))
    extra = {}
    wall = _time.perf_counter()
    if method == "rk4":
        integrators.rk4_ensemble(m0, 0.0, dt, n_steps, save_every, axis, pb, res)
    elif method == "heun":
        integrators.heun_ensemble(m0, 0.0, dt, n_steps, save_every, axis, pb, res, sigma_th,
                                  seeds)
    else:
        stops = np.unique(np.concatenate([cur.breakpoints(), fld_t]))
        stops = np.ascontiguousarray(stops[stops > 0.0])
        h0 = min(dt, 0.05 / omega) if omega > 0 else dt
        n_acc = np.zeros(members, dtype=np.int64)
        n_rej = np.zeros(members, dtype=np.int64)
        integrators.dopri_ensemble(m0, times, h0, rtol, atol, max_steps, stops, axis, pb, res,
                                   n_acc, n_rej)
        extra = {"n_accepted": n_acc, "n_rejected": n_rej}
    wall = _time.perf_counter() - wall

    out, drift, t_cross, status, fail_t = res
    ds = _wrap(magnet, torque, out, times, axis, cur, fld, drift, t_cross, status, fail_t, seeds,
               settle_tol, extra, switching_threshold)
    ds.attrs.update(magnet.as_attrs())
    if cell is not None:
        _add_cell(ds, cell, rd)
    if torque is not None:
        ds.attrs.update(torque.as_attrs())
    else:
        ds.attrs["torque_model"] = "none"
    from .. import __version__
    ds.attrs.update({
        "llgsot_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "method": method, "dt": dt, "t_end_requested": t_end, "t_end": float(times[-1]),
        "n_steps": int(n_steps), "save_every": save_every, "members": members,
        "temperature": temperature, "thermal_field_sigma_per_step": sigma_th,
        "seed_entropy": str(ss.entropy), "seed_spawn_key": str(tuple(ss.spawn_key)),
        "current": cur_desc, "field": fld_desc, "m0": list(map(float, m0[0])) if members else [],
        "switching_axis": list(map(float, axis)), "settle_tol": settle_tol,
        "switching_threshold": ds["switching_time"].attrs["threshold"],
        "wall_time_s": wall,
        "units": "SI: time s, field T, current A/m^2, Ms A/m, frequency Hz",
        "equation": "dm/dt = -gamma/(1+a^2) [m x B + a m x (m x B)], a = damping",
        "norm_method": "m divided by |m| after every accepted step; norm_drift = max ||m|-1| "
                       "before that",
        "thermal_convention": "Brown field, Stratonovich (Heun): per step B_th = sigma N(0,1)^3, "
                              "sigma^2 = 2 a k_B T/(gamma Ms V dt), same B_th in both stages",
    })
    if method == "dopri":
        ds.attrs.update({"rtol": rtol, "atol": atol})
    bad = np.flatnonzero(status)
    if bad.size:
        msg = "; ".join(f"member {k}: {integrators.STATUS_MESSAGES[int(status[k])]} at t = {fail_t[k]:.6g} s"
                        for k in bad[:5])
        msg = f"integration failed for {bad.size} of {members} member(s): {msg}"
        if on_failure == "raise":
            raise IntegrationError(msg, ds)
        warnings.warn(msg, RuntimeWarning, stacklevel=2)
    return ds


def _wrap(magnet, torque, out, times, axis, cur, fld, drift, t_cross, status, fail_t, seeds,
          settle_tol, extra, switching_threshold=events.SWITCHING_THRESHOLD):
    thr = float(switching_threshold)  # validated by simulate before any work
    members = out.shape[1]
    p = out @ axis  # (time, member)
    p0 = p[0]
    fs = events.final_state(p[-1])
    switched = ((np.sign(p0) != fs) & (fs != 0)).astype(np.int8)
    data = {
        "m": (("time", "member", "component"), out, {"units": "1", "long_name": "unit magnetization"}),
        "current": (("time",), cur.at(times), {"units": "A/m^2", "long_name": "charge current density J(t)"}),
        "field": (("time", "component"), fld.at(times), {"units": "T", "long_name": "external field B_ext(t)"}),
        "switching_time": (("member",), events.switching_time(times, p, thr, t_cross),
                           {"units": "s", "threshold": thr,
                            "long_name": "time after which m.axis*sign(final) >= threshold to the end"}),
        "first_crossing_time": (("member",), t_cross, {"units": "s", "long_name": "first sign change of m.axis"}),
        "settling_time": (("member",), events.settling_time(times, p, settle_tol),
                          {"units": "s", "long_name": "time after which |m.axis - final| <= settle_tol"}),
        "final_state": (("member",), fs, {"units": "1", "long_name": "sign of m.axis at the end"}),
        "switched": (("member",), switched, {"units": "1", "long_name": "1 if the final hemisphere differs from the initial"}),
        "precession_frequency": (("member",), events.precession_frequency(times, out),
                                 {"units": "Hz", "long_name": "FFT peak of the last half (NaN unless steady)"}),
        "norm_drift": (("member",), drift, {"units": "1", "long_name": "max ||m|-1| before renormalisation"}),
        "status": (("member",), status, {"units": "1", "long_name": "0 ok, 1 non-finite, 2 step collapse, 3 too many steps"}),
        "failure_time": (("member",), fail_t, {"units": "s"}),
        "seed": (("member",), seeds.view(np.int64), {"units": "1", "long_name": "SplitMix64 seed of the member (uint64 bits as int64)"}),
    }
    for name, arr in extra.items():
        data[name] = (("member",), arr, {"units": "1"})
    coords = {"time": ("time", times, {"units": "s"}), "member": np.arange(members),
              "component": ["x", "y", "z"]}
    return xr.Dataset(data, coords=coords)


def _add_cell(ds, cell, rd):
    """The cell's resistance trace R(t) and MTJ current I(t), and its parameters, into ``ds``."""
    times = ds["time"].values
    current = rd.at(times)
    R = cell.resistance(ds["m"].values, current[:, None])
    ds["resistance"] = (("time", "member"), R,
                        {"units": "ohm", "long_name": "MTJ resistance R(m, I_MTJ)",
                         "formula": "R_P + R_P TMR(V) (1 - m.p_ref)/2, TMR(V) = tmr/(1 + V^2/V_h^2), "
                                    "V = I_MTJ R (TMR = tmr without V_h)"})
    ds["read_current"] = (("time",), current, {"units": "A", "long_name": "MTJ current I_MTJ(t)"})
    ds.attrs.update({k: v for k, v in cell.as_attrs().items() if k.startswith("cell_")})
    ds.attrs["stt_convention"] = ("B_STT = b(c) [(m x p_ref) + r p_ref], b(c) = hbar eta J_MTJ "
                                  "Lambda^2/(|e| Ms d ((Lambda^2+1) + (Lambda^2-1) c)), c = m.p_ref, "
                                  "J_MTJ = I_MTJ/area")


def _check_step(magnet, torque, cur, fld, dt, sigma_th, method, cell=None) -> float:
    """Raise if one fixed step turns m by more than MAX_ROTATION_PER_STEP about the fastest field.

    Returns the bound gamma * sum|B_i| (rad/s) on the precession rate.
    """
    J_max = cur.max_abs()
    fields = {
        "external field": fld.max_abs(),
        "anisotropy field 2|Ku|/Ms": abs(magnet.anisotropy_field),
        "demagnetizing field mu0 Ms max(N)": MU0 * magnet.Ms * max(magnet.demag),
        f"spin-orbit field of `current` up to {J_max:.3g} A/m^2":
            0.0 if torque is None else torque.max_field(magnet, J_max),
    }
    if cell is not None:
        I_max = read_waveform(cell).max_abs()
        fields["cell stray + bias field"] = float(np.linalg.norm(cell.static_field))
        fields[f"spin-transfer field of `read_current` up to {I_max:.3g} A"] = cell.max_stt_field(I_max)
    total = sum(fields.values())
    omega = magnet.gamma * total
    if method != "dopri":
        if omega * dt > MAX_ROTATION_PER_STEP:
            name = max(fields, key=fields.get)
            raise ValueError(
                f"`dt` = {dt:g} s is too large: the fields (largest: {name}, {fields[name]:.4g} T; "
                f"total {total:.4g} T) precess m by gamma |B| dt = {omega * dt:.3g} rad per step "
                f"(f = {omega / (2 * np.pi):.4g} Hz); use dt <= {MAX_ROTATION_PER_STEP / omega:.3g} s")
        kick = magnet.gamma * sigma_th * dt
        if kick > MAX_ROTATION_PER_STEP:
            raise ValueError(
                f"`dt` = {dt:g} s is too large for the thermal field: its kick gamma sigma_th dt = "
                f"{kick:.3g} rad per step exceeds {MAX_ROTATION_PER_STEP} (it scales as sqrt(dt); "
                f"use dt <= {dt * (MAX_ROTATION_PER_STEP / kick) ** 2:.3g} s)")
    return omega


def _initial_m(m0, members):
    a = v.finite_array("m0", m0)
    if a.shape == (3,):
        a = np.broadcast_to(a, (members, 3))
    if a.shape != (members, 3):
        raise ValueError(f"`m0` must have shape (3,) or ({members}, 3), got {a.shape}")
    n = np.linalg.norm(a, axis=1)
    if np.any(n == 0):
        raise ValueError("`m0` must be a unit vector, got a zero vector")
    dev = np.abs(n - 1.0).max()
    if dev > NORM_WARN:
        raise ValueError(f"`m0` must be a unit vector: | |m0| - 1 | = {dev:.3g} "
                         f"(vectors within {NORM_WARN:g} of unit length are normalised)")
    if dev > NORM_SILENT:
        warnings.warn(f"`m0` normalised (| |m0| - 1 | = {dev:.3g})", UserWarning, stacklevel=3)
    return np.ascontiguousarray(a / n[:, None])


def _n_steps(t_end, dt):
    r = t_end / dt
    if not r < MAX_STEPS:
        raise ValueError(f"`t_end` / `dt` = {t_end:g} s / {dt:g} s = {r:.3g} steps exceeds the "
                         f"limit of {MAX_STEPS:.0e} steps: increase `dt` or reduce `t_end`")
    n = round(r)
    if abs(n - r) > 1e-9 * max(r, 1.0):
        n = math.ceil(r)
    return max(int(n), 1)


def _n_saved(n_steps, save_every):
    """Number of saved states: every ``save_every``-th step from 0, plus the final one."""
    return n_steps // save_every + 1 + (1 if n_steps % save_every else 0)


def _bytes(n):
    for unit, size in (("PiB", 1024**5), ("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"
