"""Current-pulse switching of a perpendicular free layer in magnum.np, and its critical current.

The free layer is a rectangular film of nx x ny cells (one cell thick) with exchange, demag,
uniaxial anisotropy along z, interfacial DMI, an external field and optionally magnum.np's
thermal field; the spin-orbit field is :class:`~llgsot.micromagnetics.MagnumSOTField` of the
same torque object that drives the macrospin. A run starts from m = +z, applies the pulse,
relaxes, and counts as switched when the mean m_z ends negative. The critical current is
found by :func:`llgsot.studies.critical.bisect`, the search the macrospin
:func:`llgsot.critical_current` uses: one search code, two backends.

Units: SI (m, A/m, J/m^3, J/m^2, T, s, A/m^2). magnum.np's names: ``alpha`` is its Gilbert
damping (``damping`` here), ``A`` the exchange stiffness, ``Ku``/``Ku_axis`` the anisotropy,
``Di`` the interfacial DMI.
"""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np

from .. import _validate as v
from ..constants import MU0
from ..dynamics.drive import Pulse
from ..dynamics.magnet import Macrospin
from .backend import magnumnp
from .term import MagnumSOTField


@dataclass(frozen=True)
class FreeLayer:
    """A perpendicular free layer on a regular mesh (SI units).

    Parameters
    ----------
    nx, ny : int
        Cells along x and y (the layer is one cell thick).
    cell : float
        Lateral cell size (m); the layer is nx*cell x ny*cell.
    thickness : float
        Layer (and cell) thickness d (m).
    Ms : float
        Saturation magnetization (A/m).
    A : float
        Exchange stiffness (J/m).
    Ku : float
        Uniaxial anisotropy along z (J/m^3).
    Di : float
        Interfacial DMI constant (J/m^2), magnum.np's sign convention (InterfaceDMIField).
    damping : float
        Gilbert damping (magnum.np's ``alpha``).
    field : 3 numbers
        External field B (T).
    temperature : float
        Temperature (K) of magnum.np's ThermalField; 0 switches it off.
    """

    nx: int = 32
    ny: int = 32
    cell: float = 2e-9
    thickness: float = 1e-9
    Ms: float = 1.0e6
    A: float = 1.5e-11
    Ku: float = 0.7e6
    Di: float = 0.5e-3
    damping: float = 0.1
    field: tuple = (0.02, 0.0, 0.0)
    temperature: float = 0.0

    def __post_init__(self):
        set_ = object.__setattr__
        for name in ("nx", "ny"):
            n = getattr(self, name)
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(f"`{name}` must be a positive integer number of cells, got {n!r}")
            set_(self, name, int(n))
        set_(self, "cell", v.positive("cell", self.cell, "m"))
        set_(self, "thickness", v.positive("thickness", self.thickness, "m"))
        set_(self, "Ms", v.positive("Ms", self.Ms, "A/m"))
        set_(self, "A", v.nonnegative("A", self.A, "J/m"))
        set_(self, "Ku", v.finite_scalar("Ku", self.Ku, "J/m^3"))
        set_(self, "Di", v.finite_scalar("Di", self.Di, "J/m^2"))
        set_(self, "damping", v.positive("damping", self.damping))
        b = v.finite_array("field", self.field, "T")
        if b.shape != (3,):
            raise ValueError(f"`field` must be 3 numbers (T), got {self.field!r}")
        set_(self, "field", tuple(float(x) for x in b))
        set_(self, "temperature", v.nonnegative("temperature", self.temperature, "K"))

    @property
    def area(self) -> float:
        """Lateral area (m^2)."""
        return self.nx * self.ny * self.cell**2

    def describe(self) -> str:
        return (f"{self.nx * self.cell * 1e9:g} x {self.ny * self.cell * 1e9:g} x "
                f"{self.thickness * 1e9:g} nm^3 ({self.nx} x {self.ny} cells of "
                f"{self.cell * 1e9:g} nm), Ms = {self.Ms:g} A/m, A = {self.A:g} J/m, "
                f"Ku = {self.Ku:g} J/m^3, Di = {self.Di:g} J/m^2, damping = {self.damping:g}, "
                f"B = {self.field} T, T = {self.temperature:g} K")


def _state(mn, layer: FreeLayer, dtype=None):
    import torch

    mesh = mn.Mesh((layer.nx, layer.ny, 1), (layer.cell, layer.cell, layer.thickness))
    state = mn.State(mesh)
    state.material = {"Ms": layer.Ms, "A": layer.A, "Ku": layer.Ku, "Ku_axis": [0.0, 0.0, 1.0],
                      "Di": layer.Di, "alpha": layer.damping}
    state.m = state.Constant([0.0, 0.0, 1.0])
    if dtype is not None and dtype != state.m.dtype:
        raise ValueError(f"`dtype` {dtype} differs from magnum.np's mesh dtype {state.m.dtype} "
                         "(set torch's default dtype before building the layer)")
    state.T = layer.temperature
    return state, torch


def demag_factors(layer: FreeLayer) -> tuple:
    """(N_x, N_y, N_z) of the layer, from magnum.np's demag field of uniform magnetizations
    (N_ii = -<H_i>/Ms for m along i), normalised to sum 1 (the raw sum differs from 1 by the
    kernel's far-field approximation, ~1e-6)."""
    mn = magnumnp()
    state, torch = _state(mn, layer)
    demag = mn.DemagField()
    N = []
    for i in range(3):
        m = [0.0, 0.0, 0.0]
        m[i] = 1.0
        state.m = state.Constant(m)
        N.append(-float(demag.h(state)[..., i].mean()) / layer.Ms)
    s = sum(N)
    return tuple(n / s for n in N)


def macrospin_of(layer: FreeLayer) -> Macrospin:
    """The macrospin of the same material: Ms, thickness, area, damping, Ku along z, the
    layer's demag factors (:func:`demag_factors`) and magnum.np's gyromagnetic ratio (so both
    backends precess at the same rate). Exchange and DMI do not act on a uniform state."""
    mn = magnumnp()
    return Macrospin(Ms=layer.Ms, thickness=layer.thickness, area=layer.area,
                     damping=layer.damping, Ku=layer.Ku, easy_axis=(0.0, 0.0, 1.0),
                     demag=demag_factors(layer), gamma=mn.constants.gamma / MU0)


@dataclass
class SwitchingRun:
    """One micromagnetic pulse experiment.

    times (s), mean_m (n, 3), current (A/m^2) at the sample times; snapshots: m_z maps
    (k, nx, ny) at snapshot_times (s); switched: the mean m_z ended negative (from +z);
    steps: accepted solver steps; wall: seconds.
    """

    amplitude: float
    times: np.ndarray
    mean_m: np.ndarray
    current: np.ndarray
    snapshot_times: np.ndarray
    snapshots: np.ndarray
    switched: bool
    final_mz: float
    steps: int
    wall: float
    details: dict = field(default_factory=dict, repr=False)


#: largest RKF45 tolerance validated with magnum.np's thermal field (see run_switching)
THERMAL_MAX_SOLVER_TOL = 1e-4


def run_switching(layer: FreeLayer, torque, pulse: Pulse, amplitude=None, relax=1e-9,
                  sample=10e-12, snapshot_times=(), solver_tol=1e-5, settle=2e-3,
                  seed=None, progress=None, max_wall=None) -> SwitchingRun:
    """Run ``pulse`` (scaled to ``amplitude`` A/m^2 if given) on the free layer.

    Parameters
    ----------
    layer : FreeLayer
    torque : TableSOT or ConstantSOT
    pulse : Pulse
    amplitude : float, optional
        Replaces the pulse's amplitude (A/m^2).
    relax : float
        Time after the pulse's end (s) at most; the run stops earlier once the mean m_z has
        settled: |mean m_z| > 0.5 and changed by less than ``settle`` over the last 0.1 ns.
    sample : float
        Output interval (s) of the mean magnetization.
    snapshot_times : sequence of float
        Times (s) at which the m_z map is kept (rounded to the sample grid).
    settle : float
        The run stops once |mean m_z| > 0.5 and it changed by less than this over the last
        0.1 ns (after the pulse); 0 < settle <= 1.
    solver_tol : float
        Absolute and relative tolerance of magnum.np's adaptive RKF45 solver (on m). With a
        thermal field at most :data:`THERMAL_MAX_SOLVER_TOL`: the thermal equilibrium of
        uncoupled cells matches the Langevin function to 1e-3 up to 1e-4, but is biased by
        +0.56 % of <m_z> at 1e-3 (docs/micromagnetics.md).
    seed : int, optional
        Seed of torch's generator (thermal field).
    progress : callable(t, t_end), optional
        Called after every sample.
    max_wall : float, optional
        Stop after this many seconds of wall time (the run is then marked unfinished).
    """
    if amplitude is not None:
        pulse = dataclasses.replace(pulse, amplitude=v.finite_scalar("amplitude", amplitude, "A/m^2"))
    relax = v.positive("relax", relax, "s")
    sample = v.positive("sample", sample, "s")
    solver_tol = v.positive("solver_tol", solver_tol)
    settle = v.in_range("settle", settle, 0.0, 1.0)
    if settle == 0.0:
        raise ValueError("`settle` must lie in (0, 1], got 0.0")
    snapshot_times = [v.nonnegative("snapshot_times", ts, "s") for ts in np.atleast_1d(snapshot_times)]
    if max_wall is not None:
        max_wall = v.positive("max_wall", max_wall, "s")
    seed = v.seed("seed", seed)
    if layer.temperature > 0 and solver_tol > THERMAL_MAX_SOLVER_TOL:
        raise ValueError(f"`solver_tol` = {solver_tol!r} is too loose for a thermal field "
                         f"(temperature = {layer.temperature:g} K): allowed <= "
                         f"{THERMAL_MAX_SOLVER_TOL:g}; looser steps bias the thermal equilibrium")
    mn = magnumnp()  # torch and magnum.np: imported once the arguments are known to be good
    state, torch = _state(mn, layer)
    if seed is not None:
        torch.manual_seed(int(seed))
    terms = [mn.DemagField(), mn.ExchangeField(), mn.UniaxialAnisotropyField(),
             mn.ExternalField([b / MU0 for b in layer.field]), MagnumSOTField(torque, pulse)]
    if layer.Di != 0.0:
        terms.append(mn.InterfaceDMIField())
    if layer.temperature > 0:
        terms.append(mn.ThermalField())
    llg = mn.LLGSolver(terms, solver=mn.RKF45, atol=solver_tol, rtol=solver_tol)
    t_end = pulse.end + relax
    n = int(math.ceil(t_end / sample - 1e-9))
    snap_idx = sorted({min(n, max(0, int(round(ts / sample)))) for ts in snapshot_times})
    times, mean_m, snaps, snap_t = [0.0], [_mean(state)], [], []
    if 0 in snap_idx:
        snaps.append(state.m[:, :, 0, 2].cpu().numpy().copy())
        snap_t.append(0.0)
    window = max(1, int(round(0.1e-9 / sample)))
    t0 = time.perf_counter()
    finished = True
    for k in range(1, n + 1):
        llg.step(state, k * sample - float(state.t))
        times.append(k * sample)
        mean_m.append(_mean(state))
        if k in snap_idx:
            snaps.append(state.m[:, :, 0, 2].cpu().numpy().copy())
            snap_t.append(k * sample)
        if progress is not None:
            progress(k * sample, t_end)
        mz = mean_m[-1][2]
        if (times[-1] > pulse.end + 0.1e-9 and abs(mz) > 0.5 and len(mean_m) > window
                and abs(mz - mean_m[-1 - window][2]) < settle):
            break
        if max_wall is not None and time.perf_counter() - t0 > max_wall:
            finished = False
            break
    wall = time.perf_counter() - t0
    mean_m = np.array(mean_m)
    times = np.array(times)
    return SwitchingRun(amplitude=pulse.amplitude, times=times, mean_m=mean_m,
                        current=np.asarray(pulse.at(times), float),
                        snapshot_times=np.array(snap_t),
                        snapshots=np.array(snaps).reshape(-1, layer.nx, layer.ny),
                        switched=bool(mean_m[-1, 2] < 0), final_mz=float(mean_m[-1, 2]),
                        steps=int(state._step), wall=wall,
                        details={"finished": finished, "t_end": float(times[-1]),
                                 "solver": f"RKF45 atol = rtol = {solver_tol:g}"})


def _mean(state):
    return state.m.mean(dim=(0, 1, 2)).cpu().numpy().astype(float)


def micromagnetic_critical_current(layer: FreeLayer, torque, pulse: Pulse, bracket, rtol=0.02,
                                   max_evaluations=20, on_run=None, runs=None, **run_options):
    """Critical current density (A/m^2) of ``pulse`` on the free layer, by the bisection of
    the macrospin studies (:func:`llgsot.studies.critical.bisect`).

    bracket : (lo, hi)
        Amplitudes (A/m^2): ``lo`` must not switch the layer, ``hi`` must (same sign).
    rtol : float
        Stop when |hi - lo| <= rtol |hi| (the bracket is the stated uncertainty).
    on_run : callable(SwitchingRun), optional
        Called after every new run (progress reports, figures).
    runs : dict, optional
        Cache {amplitude: SwitchingRun}: amplitudes found there are not run again; new runs
        are added.
    run_options
        Passed to :func:`run_switching`.

    Returns a :class:`llgsot.studies.critical.CriticalCurrent`; details["history"] lists
    (J, switched, final mean m_z, wall seconds) per run.
    """
    from ..studies.critical import CriticalCurrent, bisect

    if bracket is None or len(bracket) != 2:
        raise ValueError("`bracket` must be (lo, hi) in A/m^2: a current that does not switch "
                         "and one that does")
    lo = v.finite_scalar("bracket[0]", bracket[0], "A/m^2")
    hi = v.finite_scalar("bracket[1]", bracket[1], "A/m^2")
    if lo == hi:
        raise ValueError(f"`bracket` must have two different amplitudes, got {bracket!r}")
    rtol = v.in_range("rtol", rtol, 1e-6, 0.5)
    max_evaluations = v.count("max_evaluations", max_evaluations, min=2)
    history = []
    runs = {} if runs is None else runs

    def switches(J):
        run = runs.get(J)
        if run is None:
            run = runs[J] = run_switching(layer, torque, pulse, amplitude=J, **run_options)
            if on_run is not None:
                on_run(run)
        history.append((float(J), run.switched, run.final_mz, run.wall))
        return run.switched

    lo, hi, n, converged = bisect(switches, lo, hi, rtol, max_evaluations)
    return CriticalCurrent(value=0.5 * (lo + hi), bracket=(lo, hi), evaluations=n,
                           details={"backend": "magnum.np", "layer": layer.describe(),
                                    "converged": converged, "history": history})
