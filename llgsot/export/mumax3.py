"""mumax3 export: B_SOT(m) of any torque table, jumps included, as a custom field term.

mumax3 builds m-dependent fields only from custom quantities (engine/customfield.go: Const,
ConstVector, m.Comp, Add of two vectors, Mul, Div, Dot, MulMV); there is no table lookup and
every operation runs in float32 on the GPU. The export writes the field in the four-term form
of (P-3) (:func:`llgsot.spinorbit.four_term_field`) for the current direction e, f = z x e,

    B_perp = P J [ a1o (-f) + a2o (z x m)(m.e) + a1e (f x m) + a2e (-(m x (z x m))(m.e)) ],

whose torque equals that of B_SOT = P J (A e), A = K sigma^-1. Every coefficient is even about
theta = pi/2, so a function of u = m_z^2 alone:

* **smooth tables**: one polynomial per coefficient in w = 2u - 1 (Horner form), fitted by
  linear least squares to the torque of the table over theta;
* **tables with jumps** (at theta_c and its mirror pi - theta_c, one point u_c = cos^2 theta_c
  in u): one set of polynomials per side, each fitted only to the table on its own side (in a
  variable w scaled to that side plus the step's margin), joined by the rational step
  s(u) = u^p / (u^p + u_c^p), p = 2^k, blended as (1 - s) a_left + s a_right. s and 1 - s are
  carried together as the vector (s, 1 - s, 0) and sharpened k times by
  (s, t) -> (s^2, t^2) / (s^2 + t^2), starting from (u, u_c): the denominator is >= 1/2 after
  the first squaring, no value exceeds 1, so nothing overflows or divides by zero in float32
  for any m (m_z = 0 and +-1 included); rounding only shifts the step (by at most 1e-6 of
  m_z^2).
  ``jump_width`` (rad of theta) is the full width over which the step goes from 1e-4 to
  1 - 1e-4 (p is the smallest power of two that makes it so, hence at most that width).

The error of the field perpendicular to m (relative to its largest value, on random m, away
from the jumps by at least ``jump_width``) is measured when the script is written, by
evaluating the script's own operations in float64 and in float32 (:class:`Program`), and
printed in its comments; the export is refused above ``max_error``.

Time dependence: the released mumax3 (3.10) has no script-level time-dependent custom
quantity (a ``ScalarFuncQ`` is proposed in mumax/3 pull request 397, not merged). But every
region-wise parameter or excitation is a Quantity whose evaluation re-evaluates its function
of t at the current time (engine/lut.go: EvalTo -> gpuLUT -> update; engine/inputparam.go),
and a parameter assigned an expression in ``t`` becomes such a function (mumax/3 issue 43:
``Ku1 = scaleFac*t/1e-9`` is recomputed every step). The export therefore assigns the
waveform J(t)/J (with ``min``, ``max``, ``heaviside`` of the mumax3 script language) to a
parameter that does nothing else in the run and multiplies the field by it; by default the
strain component ``exx``, which acts only when the magneto-elastic constants B1 or B2 are
nonzero (engine/ext_magnetoelastic.go). Choose another carrier with ``time_parameter`` if the
run uses it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .. import spinorbit
from .._io import atomic_write_text
from ..tables.interpolate import TorqueTable
from .device import Device
from .metadata import inert
from .mumax3_program import X, Y, Program, cv, random_unit  # noqa: F401 (the script's building blocks)

X_AND_Y = (np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
#: weight of the far side's fit at jump_width/2 from a jump
STEP_LEAK = 1e-4
#: parameters that may carry the time dependence, with the condition under which each is inert
TIME_PARAMETERS = {name: "B1 = B2 = 0 (no magneto-elastic coupling)"
                   for name in ("exx", "eyy", "ezz", "exy", "exz", "eyz")}
TIME_PARAMETERS.update({"EpsilonPrime": "no Slonczewski STT (J = 0 or FixedLayer = 0)",
                        "xi": "no Zhang-Li STT (J = 0)"})
MAX_DEGREE = 20


# -- the representation ---------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """A jump of the table at theta (rad, in (0, pi/2)) and pi - theta: u_c = cos^2 theta;
    the step u^p/(u^p + u_c^p) with p = 2^squarings."""

    theta: float
    squarings: int

    @property
    def u(self) -> float:
        return math.cos(self.theta) ** 2


@dataclass(frozen=True)
class Segment:
    """Polynomials of one side: a_i = sum_k coeffs[i, k] w^k, w = (2u - lo - hi)/(hi - lo);
    coeffs (4, degree+1) in 1/(A m), rows in :data:`llgsot.spinorbit.FOUR_TERM_ORDER`."""

    lo: float
    hi: float
    coeffs: np.ndarray


def jumps(table: TorqueTable, merge: float = 0.01):
    """Angles theta_c (rad, sorted, in [0, pi/2]) of the table's jumps, mirror pairs merged:
    the midpoint of each bracketing interval (where the interpolant steps), folded onto
    [0, pi/2], averaged within ``merge`` rad (the coefficients are functions of m_z^2, so a
    step in m_z^2 acts at theta_c and pi - theta_c together)."""
    idx = np.flatnonzero(table.jump_after)
    mids = 0.5 * (table.theta[idx] + table.theta[idx + 1])
    folded = np.sort(np.minimum(mids, math.pi - mids))
    out = []
    for th in folded:
        if out and th - out[-1][-1] < merge:
            out[-1].append(th)
        else:
            out.append([th])
    return [float(np.mean(g)) for g in out]


def step_squarings(theta_c: float, jump_width: float) -> int:
    """Smallest k such that the step with p = 2^k weighs the far side <= STEP_LEAK at
    theta_c +- jump_width/2."""
    u_c = math.cos(theta_c) ** 2
    need = math.log(1.0 / STEP_LEAK - 1.0)
    slope = min(abs(math.log(math.cos(theta_c + s * jump_width / 2) ** 2 / u_c)) for s in (-1, 1))
    return max(1, math.ceil(math.log2(need / slope)))


def _torque_rows(table, theta, lo, hi, degree):
    """Least-squares rows: the torque of each (coefficient, power of w) for e = x, y at m in
    the xz-plane, and the table's torque m x (A e)."""
    m = spinorbit.magnetization(theta)
    K, S = table.K_and_sigma(m)
    w = (2 * m[:, 2] ** 2 - lo - hi) / (hi - lo)
    powers = w[:, None] ** np.arange(degree + 1)
    rows, rhs = [], []
    for e in X_AND_Y:
        target = np.cross(m, spinorbit.response_per_current(K, S, e))
        V = np.cross(m, spinorbit.four_term_vectors(m, e))  # (4, N, 3)
        cols = [V[i][:, :, None] * powers[:, None, :] for i in range(4)]
        rows.append(np.concatenate(cols, axis=-1).reshape(-1, 4 * (degree + 1)))
        rhs.append(target.reshape(-1))
    return np.concatenate(rows), np.concatenate(rhs)


def fit(table: TorqueTable, degree: int = 8, jump_width: float = 0.02, n_theta: int = 1201):
    """The piecewise representation: (steps, segments), both in increasing u = m_z^2
    (segment j lies below step j and above step j - 1).

    Each side's polynomials are fitted to the table on that side only (both halves of
    [0, pi], theta at least jump_width/4 from a jump); their variable w spans the side's
    u-range plus the step's margin (the u-extent of jump_width/2).
    """
    thetas = jumps(table, jump_width / 2)
    for th in thetas:
        if not jump_width <= th <= math.pi / 2 - jump_width:
            raise ValueError(f"the table jumps at theta = {th:.4g} rad, closer than jump_width="
                             f"{jump_width:g} rad to a pole or to pi/2: not representable")
    if np.any(np.diff(thetas) < 2 * jump_width):
        raise ValueError(f"the table's jumps at {thetas} rad are closer than 2*jump_width="
                         f"{2 * jump_width:g} rad: lower `jump_width`")
    steps = [Step(th, step_squarings(th, jump_width)) for th in reversed(thetas)]
    edges = [0.0] + [st.u for st in steps] + [1.0]
    # u-range of each step's transition: the margins of the sides' variables
    below = [0.0] + [math.cos(st.theta + jump_width / 2) ** 2 for st in steps]
    above = [math.cos(st.theta - jump_width / 2) ** 2 for st in steps] + [1.0]
    theta = np.linspace(0.0, math.pi, n_theta)
    u = np.cos(theta) ** 2
    away = np.ones_like(theta, bool)
    for th in thetas:
        away &= np.minimum(np.abs(theta - th), np.abs(theta - (math.pi - th))) > jump_width / 4
    segments = []
    for j in range(len(steps) + 1):
        own = away & (u >= edges[j]) & (u <= edges[j + 1])
        A, b = _torque_rows(table, theta[own], below[j], above[j], degree)
        coef, *_ = np.linalg.lstsq(A, b, rcond=None)
        segments.append(Segment(below[j], above[j], coef.reshape(4, degree + 1)))
    return steps, segments


def program(steps, segments, e, scale=1.0, prefix="sot_"):
    """The :class:`Program` whose last statement ``{prefix}B`` is ``scale`` times the four-term
    field of :func:`fit`'s representation (steps and segments in increasing u) for the
    in-plane current direction e (3,)."""
    p = Program()
    n = prefix
    e = [float(x) for x in e]
    f = [float(x) for x in np.cross([0.0, 0.0, 1.0], e)]
    p.let(n + "mz", ("mComp", 2))
    p.let(n + "u", ("Mul", n + "mz", n + "mz"))
    # the four vectors, in FOUR_TERM_ORDER: -f, (z x m)(m.e), f x m, -(m x (z x m))(m.e)
    p.let(n + "me", ("Dot", "m", cv(e[0], e[1], 0.0)))
    p.let(n + "V0", cv(-f[0], -f[1], 0.0))
    p.let(n + "V1", ("Mul", n + "me", ("MulMV", cv(0.0, -1.0, 0.0), cv(1.0, 0.0, 0.0),
                                        cv(0.0, 0.0, 0.0), "m")))
    p.let(n + "V2", ("MulMV", cv(0.0, 0.0, f[1]), cv(0.0, 0.0, -f[0]), cv(-f[1], f[0], 0.0), "m"))
    # m x (z x m) = z - m_z m
    p.let(n + "V3", ("Mul", ("Mul", ("Const", -1.0), n + "me"),
                     ("Add", cv(0.0, 0.0, 1.0), ("Mul", ("Mul", ("Const", -1.0), n + "mz"), "m"))))
    # per side: the coefficients by Horner in w, three in one vector and the fourth alone
    for j, seg in enumerate(segments):
        c = scale * seg.coeffs
        a_w, b_w = 2.0 / (seg.hi - seg.lo), -(seg.hi + seg.lo) / (seg.hi - seg.lo)
        w = p.let(f"{n}w{j}", ("Dot", ("Add", ("Mul", n + "u", cv(a_w, 0.0, 0.0)),
                                        cv(b_w, 0.0, 0.0)), X))
        deg = c.shape[1] - 1
        for part, rows in (("a", (0, 1, 2)), ("b", (3,))):
            def const(k):
                vals = [c[i, k] for i in rows] + [0.0] * (3 - len(rows))
                return cv(*vals)

            expr = const(deg)
            for k in range(deg - 1, -1, -1):
                expr = p.let(f"{n}h{j}{part}{k}", ("Add", ("Mul", w, expr), const(k)))
            if deg == 0:
                p.let(f"{n}h{j}{part}0", expr)
    # steps (s, t) = (u^p, u_c^p)/(u^p + u_c^p) by k squarings; blend from the top side down
    ha, hb = f"{n}h{len(segments) - 1}a0", f"{n}h{len(segments) - 1}b0"
    for i, st in reversed(list(enumerate(steps))):
        q = p.let(f"{n}q{i}_0", ("Add", ("Mul", n + "u", X), cv(0.0, st.u, 0.0)))
        for k in range(1, st.squarings + 1):
            sq = p.let(f"{n}q{i}_{k}sq", ("Mul", q, q))
            q = p.let(f"{n}q{i}_{k}", ("Div", sq, ("Dot", sq, cv(1.0, 1.0, 0.0))))
        s_, t_ = p.let(f"{n}s{i}", ("Dot", q, X)), p.let(f"{n}t{i}", ("Dot", q, Y))
        ha = p.let(f"{n}H{i}a", ("Add", ("Mul", t_, f"{n}h{i}a0"), ("Mul", s_, ha)))
        hb = p.let(f"{n}H{i}b", ("Add", ("Mul", t_, f"{n}h{i}b0"), ("Mul", s_, hb)))
    a = [p.let(f"{n}a{i}", ("Dot", ha, vec)) for i, vec in enumerate((X, Y, cv(0.0, 0.0, 1.0)))]
    a.append(p.let(f"{n}a3", ("Dot", hb, X)))
    p.let(n + "B", ("Add", ("Add", ("Mul", a[0], n + "V0"), ("Mul", a[1], n + "V1")),
                    ("Add", ("Mul", a[2], n + "V2"), ("Mul", a[3], n + "V3"))))
    return p


# -- accuracy -------------------------------------------------------------------------------
def away_from_jumps(m, thetas, width):
    """Mask of the m (N, 3) at least ``width`` rad (in theta) from every jump and its mirror."""
    theta = np.arccos(np.clip(m[:, 2], -1.0, 1.0))
    ok = np.ones(len(m), bool)
    for th in thetas:
        ok &= (np.abs(theta - th) >= width) & (np.abs(theta - (math.pi - th)) >= width)
    return ok


def field_errors(table, steps, segments, e, n=4000, seed=0, width=0.02, scale=1.0):
    """max |B_fit,perp - B_table,perp| / max |B_table,perp| over random m farther than
    ``width`` from the jumps, for the script's operations (the field times ``scale``, as
    :func:`program`) in float64 and in float32."""
    rng = np.random.default_rng(seed)
    m = random_unit(n, rng)
    m = np.concatenate([m, spinorbit.magnetization([0.0, math.pi / 2, math.pi], [0.0, 0.7, 0.0])])
    K, S = table.K_and_sigma(m)
    ref = scale * spinorbit.perpendicular(spinorbit.response_per_current(K, S, e), m)
    keep = away_from_jumps(m, [s.theta for s in steps], width)
    prog = program(steps, segments, e, scale)
    big = np.abs(ref).max()
    out = {}
    for dtype in (np.float64, np.float32):
        got = prog.evaluate(m, dtype)["sot_B"].astype(float)
        err = np.abs(spinorbit.perpendicular(got, m) - ref)[keep].max() / big
        out[np.dtype(dtype).name] = float(err)
    return out


# -- time dependence ------------------------------------------------------------------------
def _num(x: float) -> str:
    """x for the script, to 15 significant digits (so that 2e-10 does not print as a sum's
    1.9999999999999998e-10; mumax3 stores the result in float32 anyway)."""
    return repr(float(f"{float(x):.15g}"))


def time_expression(current, amplitude: float) -> str:
    """The mumax3 expression in ``t`` of J(t)/amplitude for a Pulse or scalar Waveform
    (piecewise linear, constant outside the samples; a repeated time is a jump, written with
    ``heaviside``, which mumax3 makes 1/2 at the jump instant itself)."""
    from ..dynamics.drive import as_current

    wave, _ = as_current(current)
    t, y = wave.times, wave.values / amplitude
    terms = [_num(y[0])] if y[0] != 0.0 else []
    for i in range(len(t) - 1):
        dy = y[i + 1] - y[i]
        if dy == 0.0:
            continue
        if t[i + 1] > t[i]:
            ramp = f"min(max((t - {_num(t[i])})/{_num(t[i + 1] - t[i])}, 0.0), 1.0)"
        else:
            ramp = f"heaviside(t - {_num(t[i])})"
        terms.append(f"{_num(dy)}*{ramp}")
    return " + ".join(terms) or "0.0"


# -- the script -----------------------------------------------------------------------------
def as_sphere_table(table):
    """The SphereTable of ``table`` (a SphereTable or a sphere-table Dataset), else None."""
    from ..tables.sphere.schema import is_sphere_table
    from ..tables.sphere.table import SphereTable

    if isinstance(table, SphereTable):
        return table
    if is_sphere_table(getattr(table, "attrs", {})):
        return SphereTable(table)
    return None


def mumax3_script(table: TorqueTable, device: Device, degree: int = 8,
                  max_error: float | None = None, jump_width: float = 0.02, current=None,
                  time_parameter: str = "exx", harmonics: int = 4) -> str:
    """Return the .mx3 snippet (text) adding B_SOT(m) of ``table`` for ``device``.

    A sphere table (:class:`~llgsot.tables.sphere.SphereTable` or its Dataset) without jumps
    is written as a fit in the components of m (:mod:`llgsot.export.mumax3_sphere`); a sphere
    table with jumps is refused.

    Parameters
    ----------
    degree : int
        Polynomial degree (in m_z^2) of each coefficient on each side of a jump, 0..20.
    max_error : float or None
        Largest accepted relative error of the field perpendicular to m, evaluated in float32
        as mumax3 does, farther than ``jump_width`` from a jump. None: 1e-3 for a smooth
        table, 2e-3 for a table with jumps.
    jump_width : float
        Full width (rad of theta) of the step that represents each jump of the table: the
        step goes from 1e-4 to 1 - 1e-4 within it. Also the width excluded around each jump
        from the accuracy statement.
    current : None, Pulse or Waveform
        The current density J(t) (A/m^2) in the normal metal; the field is that of
        ``device.current_density`` times J(t)/device.current_density. None: constant current.
    time_parameter : str
        The mumax3 parameter that carries J(t)/J (a key of :data:`TIME_PARAMETERS`); it must do
        nothing else in the run.
    harmonics : int
        Sphere tables: the highest azimuthal harmonic k of the fit (Re, Im (m_x + i m_y)^k), 0..8.
    """
    sphere = as_sphere_table(table)
    if sphere is not None:
        table = sphere
    elif not isinstance(table, TorqueTable):
        table = TorqueTable(table)
    if not isinstance(device, Device):
        raise TypeError(f"`device` must be an llgsot Device, got {type(device).__name__}")
    degree = v.count("degree", degree, min=0, max=MAX_DEGREE)
    if max_error is not None:
        max_error = v.positive("max_error", max_error)
    jump_width = v.in_range("jump_width", jump_width, 1e-4, 0.2, "rad")
    v.choice("time_parameter", time_parameter, tuple(TIME_PARAMETERS))
    expr = None
    if current is not None:
        J0 = v.nonzero("device.current_density", device.current_density, "A/m^2")
        expr = time_expression(current, J0)
    P = device.prefactor(table)  # T A m: the constants of the script are P times the fit's
    if sphere is not None:
        from . import mumax3_sphere as ms

        ms.refuse_jumps(sphere)
        harmonics = v.count("harmonics", harmonics, min=0, max=8)
        coef = ms.fit(sphere, device.e, degree, harmonics)
        steps = []
        max_error = 1e-3 if max_error is None else max_error
        errors = ms.field_errors(sphere, coef, harmonics, device.e, scale=P if P != 0 else 1.0)
        prog = ms.program(coef, harmonics, scale=P)
        form = [f"// Fit in the components of m (sphere table, {sphere.n_lines} azimuth lines, "
                f"{sphere.dataset.attrs.get('point_group')}): B = sum_j H_j(m) G_j(w),",
                f"// H_j in {{1, Re z^k, Im z^k}} x {{1, m_z}}, z = m_x + i m_y, k <= {harmonics}; "
                f"G_j vector polynomials of degree {degree} in w = 2 m_z^2 - 1 (Horner)."]
    else:
        steps, segments = fit(table, degree, jump_width)
        max_error = (2e-3 if steps else 1e-3) if max_error is None else max_error
        errors = field_errors(table, steps, segments, device.e, width=jump_width,
                              scale=P if P != 0 else 1.0)
        prog = program(steps, segments, device.e, scale=P)
        form = ["// Four-term form B = a1o (-f) + a2o (z x m)(m.e) + a1e (f x m) - a2e (m x (z x m))(m.e),",
                "// f = z x e; each a_i a polynomial of degree "
                f"{degree} in w = (2 m_z^2 - lo - hi)/(hi - lo) (Horner)."]
    if errors["float32"] > max_error:
        raise ValueError(f"the fit misses B_SOT by {errors['float32']:.3g} (relative, float32) > "
                         f"max_error={max_error:g}: raise `degree`"
                         + (" or `harmonics`" if sphere is not None else "") + " or `max_error`")
    a = table.dataset.attrs
    table_line = (f"table: {a.get('approximation')}/{a.get('regime')}, m_eff={a.get('m_eff')}, "
                  f"alpha={a.get('alpha')} eV m, delta_xc={a.get('delta_xc')} eV, "
                  f"n={a.get('impurity_density')} m^-2, "
                  f"W={a.get('impurity_strength', 'per table')} eV nm^2, "
                  f"k_c={a.get('cutoff')} nm^-1, created {a.get('created')}, "
                  f"llgsot {a.get('llgsot_version')}")
    where = (f"farther than {jump_width:g} rad from the jumps, " if steps else "")
    out = [
        "// llgsot: spin-orbit field B_SOT(m) of a torque table, for mumax3 (AddFieldTerm).",
        "// " + inert(table_line, 2000),
        f"// device: Ms={device.Ms:g} A/m, d={device.thickness:g} m, "
        f"t_NM={device.nm_thickness:g} m, J={device.current_density:g} A/m^2 along angle "
        f"{device.direction:g} rad",
        *form,
    ]
    for st in steps:
        out.append(f"// jump at theta = {st.theta:.6f} rad and pi - theta (m_z^2 = {st.u:.6f}): "
                   f"separate fits on each side joined by s = u^p/(u^p + u_c^p), p = 2^"
                   f"{st.squarings}, full width {jump_width:g} rad (1e-4 to 1 - 1e-4)")
    out += [
        f"// max relative error of the field (perpendicular to m) over random m, {where}"
        f"float32 as on the GPU: {errors['float32']:.3e} (float64: {errors['float64']:.3e})",
        "// Only B perpendicular to m is reproduced (the part that exerts a torque); the",
        "// component along m differs from llgsot's and does no work on |m| = 1 dynamics.",
    ]
    out += prog.lines()
    if expr is None:
        out += ["// Constant current. llgsot can write a pulse (current=Pulse(...)): it then sets",
                "// a parameter to J(t)/J and multiplies this term by it.",
                "AddFieldTerm(sot_B)"]
    else:
        out += [f"// Time dependence: J(t)/J is carried by the parameter {time_parameter}, which",
                "// mumax3 re-evaluates at every time step because it is assigned an expression in",
                f"// t; it must do nothing else here: {TIME_PARAMETERS[time_parameter]}.",
                f"{time_parameter} = {expr}",
                f"AddFieldTerm(Mul({time_parameter}, sot_B))"]
    return "\n".join(out) + "\n"


def write_mumax3(table: TorqueTable, path, device: Device, degree: int = 8,
                 max_error: float | None = None, jump_width: float = 0.02, current=None,
                 time_parameter: str = "exx", harmonics: int = 4) -> str:
    """Write :func:`mumax3_script` to ``path`` (atomically). Returns the path."""
    return atomic_write_text(path, mumax3_script(table, device, degree, max_error, jump_width,
                                                 current, time_parameter, harmonics))
