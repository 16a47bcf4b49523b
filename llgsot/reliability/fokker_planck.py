"""Fokker-Planck equation of the axially symmetric macrospin: density of c = m.z (Brown 1963).

Setting: easy axis z, demagnetizing factors N_x = N_y, external field, spin polarization
(``ConstantSOT(polarization=(0, 0, +-1))``) and field-like field all along z. Then c = m_z is
a Markov process by itself. From the stochastic LLG that :func:`llgsot.simulate` integrates,

    dm/dt = -gamma'[m x B + a m x (m x B)],  gamma' = gamma/(1 + a^2),  a = damping,
    B = H(c, t) z + b_DL(t) (m x p) + B_th,   H = B_K,eff c + B_z + b_FL(t) p_z,

the deterministic part gives (z.(m x z) = 0, z.(m x (m x z)) = c^2 - 1)

    dc/dt = A(c, t) = gamma' (1 - c^2) [a H(c, t) + b_DL(t) p_z]

(b_DL p_z > 0 turns m toward +z, as ConstantSOT's docstring states), and Brown's field
(per component and step rms sqrt(D/dt)/gamma, D = magnet.thermal_diffusion(T) =
2 a k_B T gamma/(Ms V)) diffuses m isotropically in the tangent plane with coefficient
D/(1 + a^2), i.e. c with K(c) = D (1 - c^2) / (2 (1 + a^2)). The density W(c, t) obeys

    dW/dt = -d/dc [A W - K dW/dc],  zero flux at c = +-1,

whose stationary solution at zero current is the Boltzmann density exp(-V e(c)/k_B T)
(the uniform measure on the sphere is uniform in c). References: W. F. Brown, Phys. Rev.
130, 1677 (1963); W. H. Butler et al., IEEE Trans. Magn. 48, 4684 (2012).

Discretization: finite volumes on cells clustered at the poles (faces c_f = -cos(pi f/N)),
Scharfetter-Gummel fluxes F = (K/h)[B(-P) W_L - B(P) W_R], B(x) = x/(e^x - 1),
P = A h/K = (2 gamma/D)[a H + b_DL p_z] h with H at the midpoint of the two cell centres
(for the energy part P is then the exact potential difference, so the discrete equilibrium
is exactly Boltzmann at the cell centres and exponential tails are kept). The generator is
an M-matrix with zero column sums (conservative, positive); time steps by TR-BDF2
(L-stable, second order) on a grid that lands on every corner of the pulse. The error
estimate compares the run with one of twice the cells and one of half the step.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy.linalg import solve_banded

from .. import _validate as v
from ..constants import K_B, MU0
from ..dynamics.drive import Pulse, Waveform, as_current

#: the polarization, field and easy axis must lie along z within this (|x|, |y| components)
AXIAL_TOL = 1e-9


@dataclasses.dataclass(frozen=True)
class AxialModel:
    """The coefficients of the axial Fokker-Planck equation (SI units).

    Attributes
    ----------
    gamma : float
        Gyromagnetic ratio (rad s^-1 T^-1).
    damping : float
        Gilbert damping (1).
    bk : float
        Effective anisotropy field B_K,eff = 2 Ku/Ms - mu0 Ms (N_z - N_x) (T).
    bz : float
        External field along z (T).
    cdl, cfl : float
        b_DL p_z and b_FL p_z per unit current density (T m^2/A).
    current : Waveform
        J(t) (A/m^2).
    D : float
        Brown's diffusion constant 2 a k_B T gamma/(Ms V) (rad^2/s).
    beta_mv : float
        Ms V/(k_B T) (1/T): V e(c)/k_B T = -beta_mv (B_K c^2/2 + B_z c).
    """

    gamma: float
    damping: float
    bk: float
    bz: float
    cdl: float
    cfl: float
    current: Waveform
    D: float
    beta_mv: float

    @property
    def delta(self) -> float:
        """Barrier of zero field and current, Ku_eff V/(k_B T) = beta_mv B_K/2 (1)."""
        return 0.5 * self.beta_mv * self.bk

    def field(self, c, J):
        """H(c) = B_K c + B_z + b_FL p_z (T) at current density J (A/m^2)."""
        return self.bk * np.asarray(c, float) + self.bz + self.cfl * J

    def effective(self, c, J):
        """a H(c) + b_DL p_z (T) at current density J: dc/dt = gamma' (1 - c^2) times this."""
        return self.damping * self.field(c, J) + self.cdl * J

    def drift(self, c, t):
        """A(c, t) = dc/dt of the deterministic LLG (1/s)."""
        J = float(self.current.at(t))
        g = self.gamma / (1.0 + self.damping**2)
        c = np.asarray(c, float)
        return g * (1.0 - c * c) * self.effective(c, J)

    def saddle(self, J=0.0):
        """c of the energy maximum between the wells at current J (clipped to [-1, 1])."""
        h = self.bz + self.cfl * J
        return float(np.clip(-h / self.bk, -1.0, 1.0)) if self.bk > 0 else 0.0

    def potential(self, c, J=0.0):
        """V e(c)/(k_B T) + const (1) at current J: the energy part of the drift only."""
        c = np.asarray(c, float)
        return -self.beta_mv * (0.5 * self.bk * c * c + (self.bz + self.cfl * J) * c)


def axial_model(magnet, torque, current, field=(0.0, 0.0, 0.0), temperature=300.0) -> AxialModel:
    """The :class:`AxialModel` of a Macrospin, a ConstantSOT with polarization along +-z (or
    None), a current (number, Pulse or Waveform, A/m^2), a field along z (T) and a
    temperature (K, > 0); ValueError naming the argument that breaks the axial symmetry."""
    from ..dynamics import ConstantSOT, Macrospin

    v.instance("magnet", magnet, Macrospin, "a Macrospin")
    v.instance("torque", torque, ConstantSOT, "a ConstantSOT with polarization along z",
               optional=True)
    temperature = v.positive("temperature", temperature, "K")
    u = np.asarray(magnet.easy_axis)
    if np.any(np.abs(u[:2]) > AXIAL_TOL):
        raise ValueError(f"`magnet` easy_axis must be along z for the axial Fokker-Planck "
                         f"equation, got {magnet.easy_axis}")
    N = magnet.demag
    if abs(N[0] - N[1]) > AXIAL_TOL:
        raise ValueError(f"`magnet` demag must have N_x = N_y for axial symmetry, got {N}")
    if magnet.damping <= 0:
        raise ValueError("`magnet` damping must be > 0 for a thermal (Fokker-Planck) problem")
    B = np.asarray(v.vector3("field", field, "T"))
    if np.any(np.abs(B[:2]) > AXIAL_TOL):
        raise ValueError(f"`field` must be along z for the axial Fokker-Planck equation, got "
                         f"{tuple(B)}")
    cdl = cfl = 0.0
    if torque is not None:
        p = np.asarray(torque.polarization)
        if np.any(np.abs(p[:2]) > AXIAL_TOL):
            raise ValueError(f"`torque` polarization must be (0, 0, +-1) for the axial "
                             f"Fokker-Planck equation, got {torque.polarization}")
        cdl = torque.damping_like_field(magnet, 1.0) * p[2]
        cfl = torque.field_like_ratio * cdl
    cur, _ = as_current(current)
    bk = magnet.anisotropy_field - MU0 * magnet.Ms * (N[2] - N[0])
    if bk <= 0:
        raise ValueError(f"`magnet` has no perpendicular easy axis: B_K,eff = {bk:.4g} T <= 0")
    return AxialModel(magnet.gamma, magnet.damping, bk, float(B[2]), cdl, cfl, cur,
                      magnet.thermal_diffusion(temperature),
                      magnet.Ms * magnet.volume / (K_B * temperature))


# -- the discretization --------------------------------------------------------------------
class Grid:
    """Cells on [-1, 1] clustered at the poles: faces -cos(pi f/N), f = 0..N."""

    def __init__(self, cells: int):
        self.n = v.count("cells", cells, min=8)
        self.faces = -np.cos(np.pi * np.arange(self.n + 1) / self.n)
        self.faces[0], self.faces[-1] = -1.0, 1.0
        self.centres = 0.5 * (self.faces[1:] + self.faces[:-1])
        self.widths = np.diff(self.faces)

    def fraction_above(self, c0):
        """Per cell, the fraction of its width with c > c0."""
        lo, hi = self.faces[:-1], self.faces[1:]
        return np.clip((hi - c0) / (hi - lo), 0.0, 1.0)


def _bern(x):
    """B(x) = x/(e^x - 1), with B(0) = 1 (series near 0)."""
    x = np.asarray(x, float)
    small = np.abs(x) < 1e-6
    xs = np.where(small, 1.0, x)
    with np.errstate(over="ignore"):
        out = xs / np.expm1(xs)
    return np.where(small, 1.0 - 0.5 * x, out)


def generator(model: AxialModel, grid: Grid, J: float):
    """Banded (3, n) generator L of the cell masses u (du/dt = L u) at current J (A/m^2):
    row 0 the superdiagonal, 1 the diagonal, 2 the subdiagonal (scipy's solve_banded)."""
    x = grid.centres
    h = np.diff(x)                       # centre distances across the interior faces
    cf = grid.faces[1:-1]
    K = model.D * (1.0 - cf * cf) / (2.0 * (1.0 + model.damping**2))
    mid = 0.5 * (x[1:] + x[:-1])
    P = (2.0 * model.gamma / model.D) * model.effective(mid, J) * h
    g = K / h
    # flux through face f (from cell f-1 to cell f) = g [B(-P) W_{f-1} - B(P) W_f], W = u/w
    w = grid.widths
    right = g * _bern(-P) / w[:-1]   # rate of mass from cell f-1 to cell f
    left = g * _bern(P) / w[1:]      # rate of mass from cell f to cell f-1
    ab = np.zeros((3, grid.n))
    ab[0, 1:] = left                 # L[f-1, f]
    ab[2, :-1] = right               # L[f, f-1]
    ab[1, :-1] -= right
    ab[1, 1:] -= left
    return ab


def _apply(ab, u):
    out = ab[1] * u
    out[:-1] += ab[0, 1:] * u[1:]
    out[1:] += ab[2, :-1] * u[:-1]
    return out


def boltzmann(model: AxialModel, grid: Grid, J=0.0, side=None):
    """Cell masses of the discrete equilibrium at current J: exactly w_i exp(-v(c_i)) / Z,
    the stationary state of :func:`generator` when J = 0. ``side`` = +1 (-1) keeps the well
    above (below) the saddle only."""
    vv = model.potential(grid.centres, J)
    u = grid.widths * np.exp(-(vv - vv.min()))
    if side is not None:
        frac = grid.fraction_above(model.saddle(J))
        u = u * (frac if side > 0 else 1.0 - frac)
    return u / u.sum()


def _segments(model, t_end, dt):
    """Step times: uniform steps of about dt in each interval between the current's corners."""
    bp = np.unique(np.concatenate([[0.0, t_end], model.current.breakpoints()]))
    bp = bp[(bp >= 0.0) & (bp <= t_end)]
    times = [np.array([0.0])]
    for a, b in zip(bp[:-1], bp[1:]):
        n = max(1, math.ceil((b - a) / dt - 1e-9))
        times.append(np.linspace(a, b, n + 1)[1:])
    return np.concatenate(times)


_G = 2.0 - math.sqrt(2.0)


def evolve(model: AxialModel, grid: Grid, u0, t_end, dt, callback=None):
    """Cell masses at t_end (s) from u0 by TR-BDF2 steps of about dt (s)."""
    times = _segments(model, t_end, dt)
    u = np.asarray(u0, float).copy()
    eye = np.zeros((3, grid.n))
    eye[1] = 1.0
    cache = {}

    def L(t):
        J = float(model.current.at(t))
        if J not in cache:
            if len(cache) > 8:
                cache.clear()
            cache[J] = generator(model, grid, J)
        return cache[J]

    a2 = (1.0 - _G) / (2.0 - _G)
    for t0, t1 in zip(times[:-1], times[1:]):
        h = t1 - t0
        # the right limit at a jump: evaluate the current just inside the step
        eps = 1e-12 * h
        Ln, Lg, L1 = L(t0 + eps), L(t0 + _G * h), L(t1 - eps)
        rhs = u + 0.5 * _G * h * _apply(Ln, u)
        us = solve_banded((1, 1), eye - 0.5 * _G * h * Lg, rhs)
        rhs2 = (us - (1.0 - _G) ** 2 * u) / (_G * (2.0 - _G))
        u = solve_banded((1, 1), eye - a2 * h * L1, rhs2)
        if callback is not None:
            callback(t1, u)
    return u


def default_step(model: AxialModel) -> float:
    """A time step (s): 1/20 of the inverse of the fastest deterministic rate
    gamma' (a |H| + |b_DL|) over the drive, but at most 1/20 of 1/(gamma' a B_K)."""
    J = np.abs(model.current.values).max()
    g = model.gamma / (1.0 + model.damping**2)
    rate = g * (model.damping * (model.bk + abs(model.bz) + abs(model.cfl) * J)
                + abs(model.cdl) * J)
    return 0.05 / rate


@dataclasses.dataclass
class FPResult:
    """Probability from the Fokker-Planck route with its discretization error estimate."""

    value: float
    error: float
    cells: int
    dt: float

    @property
    def rel_error(self) -> float:
        return self.error / self.value if self.value > 0 else math.inf


def _end_probability(model, grid, dt, t_end, start_side, target_side):
    u0 = boltzmann(model, grid, 0.0, side=start_side)
    u = evolve(model, grid, u0, t_end, dt)
    frac = grid.fraction_above(model.saddle(float(model.current.at(t_end))))
    in_target = np.clip(u, 0.0, None) @ (frac if target_side > 0 else 1.0 - frac)
    return float(np.clip(u, 0.0, None).sum() - in_target)


def fp_error_rate(model: AxialModel, t_end, start_side=+1, target_side=-1, cells=800, dt=None):
    """Probability that the magnetization started in the Boltzmann distribution of the well
    ``start_side`` (+1: c > saddle, -1: below) is NOT in the well ``target_side`` at
    ``t_end`` (s). The write error rate for target_side = -start_side; the read-disturb rate
    for target_side = start_side.

    The error estimate is (4/3)(|p(2N, dt) - p(N, dt)| + |p(N, dt/2) - p(N, dt)|): both
    refinements of a second-order scheme (Richardson), added.
    """
    t_end = v.positive("t_end", t_end, "s")
    dt = default_step(model) if dt is None else v.positive("dt", dt, "s")
    base = _end_probability(model, Grid(cells), dt, t_end, start_side, target_side)
    fine_x = _end_probability(model, Grid(2 * cells), dt, t_end, start_side, target_side)
    fine_t = _end_probability(model, Grid(cells), dt / 2, t_end, start_side, target_side)
    err = (4.0 / 3.0) * (abs(fine_x - base) + abs(fine_t - base))
    return FPResult(base, err, cells, dt)


def mean_first_passage_time(model: AxialModel, c_start, c_absorb, cells=2000, J=0.0):
    """Mean time (s) to reach c = c_absorb from c = c_start at constant current J for the
    discretized generator, a birth-death chain on the cells: with r_i, l_i the rates from
    cell i up and down, the mean time to step from i to i - 1 is
    tau_i = (1 + r_i tau_(i+1)) / l_i (tau of the last cell 1/l), and the passage time is
    the sum of tau over the cells from the start down to the first absorbed one: positive
    terms only, accurate at any barrier height (a linear solve loses exp(Delta) digits)."""
    grid = Grid(cells)
    ab = generator(model, grid, J)
    x = grid.centres
    up = np.append(ab[2, :-1], 0.0)      # r_i: cell i -> i + 1
    down = np.insert(ab[0, 1:], 0, 0.0)  # l_i: cell i -> i - 1
    if c_start < c_absorb:               # mirror: walk toward +c
        x, up, down = -x[::-1], down[::-1], up[::-1]
        c_start, c_absorb = -c_start, -c_absorb
    i_start = int(np.searchsorted(x, c_start, side="right") - 1)
    i_abs = int(np.searchsorted(x, c_absorb, side="right"))   # first cell above c_absorb
    tau = np.zeros(x.size)
    t_next = 0.0
    for i in range(x.size - 1, i_abs - 1, -1):
        t_next = (1.0 + up[i] * t_next) / down[i]
        tau[i] = t_next
    return float(tau[i_abs:max(i_start, i_abs) + 1].sum())


def pulse_model(magnet, torque, pulse: Pulse, field, temperature):
    """:func:`axial_model` for a Pulse (its waveform)."""
    return axial_model(magnet, torque, pulse, field, temperature)
