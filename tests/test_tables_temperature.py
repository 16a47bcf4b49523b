"""Finite-temperature torque tables (issue 20 item 2): the stated interpolation error holds.

At T > 0 the response is smooth in theta: the T = 0 jump at theta_c becomes a steep rise
of width ~ k_B T / |dE_0/dtheta|. A table must resolve it (never store it as a step), and
its stated error (``interpolation_error_estimate`` + ``node_error_max``, both relative to
each component's largest magnitude) must bound the error against direct solves between its
nodes. The fast tests use an analytic stand-in for the solver with the table's parities;
the slow one builds the 300 K Fig. 4(a) table and checks it against direct 300 K solves.
"""
import math

import numpy as np
import pytest

from llgsot import RashbaFM, build_table
from llgsot.tables import TorqueTable, build as build_mod, schema
from llgsot.tables.grid import _scales
from llgsot.tables.hermite import bessel_slopes, embedded_error, hermite_eval

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)


def _standin_rows(theta, width):
    """(N, 10) rows with the table's parities (schema.PARITY_ZERO, PARITY_HALF_PI): even/odd
    in cos(theta) and sin(theta) times g(cos^2 theta), g a tanh rise of ``width`` at
    cos^2 = cos^2(0.6) (a smeared band-edge jump) plus a smooth part."""
    c, s = np.cos(theta), np.sin(theta)
    g = 1.0 + 0.5 * np.tanh((c * c - math.cos(0.6) ** 2) / width) + 0.3 * c * c
    even = {"pp": g, "pm": c * g, "mp": s * g, "mm": s * c * g}
    kinds = []
    for p0, ph in zip(schema.PARITY_ZERO, schema.PARITY_HALF_PI):
        kinds.append(("p" if p0 > 0 else "m") + ("p" if ph > 0 else "m"))
    return np.stack([(1.0 + 0.1 * k) * even[kind] for k, kind in enumerate(kinds)], axis=1)


def _standin(width, calls=None, noise=0.0):
    """A stand-in for build._solve_chunk: the rows of _standin_rows times (1 + 100 eps/eV);
    ``calls`` (a list) collects each call's Fermi energies and angles; ``noise``: an error
    of up to that (absolute, rough in theta, the same at theta and pi - theta up to the
    parity) on every value, stated as the nodes' error."""
    def solve_chunk(model_params, eps, approximation, regime, rtol, thetas, temperature=0.0,
                    phi=None):
        if calls is not None:
            calls.append((np.atleast_1d(eps).tolist(), list(thetas)))
        th = np.asarray(thetas, float)
        rows = _standin_rows(th, width)
        rows = rows + noise * np.sin(1e4 * np.outer(np.sin(th), np.arange(1, 11)))
        names = [*schema.TORQUE_NAMES, *schema.EFF_NAMES]
        out = []
        for e in np.atleast_1d(eps):
            K, S = schema.unflatten(rows * (1 + 100 * e))
            Ke, Se = schema.unflatten(np.full_like(rows, 1.5 * noise * (1 + 100 * e)))
            out += [{"K": K[i], "K_err": Ke[i], "sigma": S[i], "sigma_err": Se[i],
                     "torque": {n: 0.0 for n in names}, "torque_err": {n: 0.0 for n in names}}
                    for i in range(len(thetas))]
        return out
    return solve_chunk


def _heldout(table, direct):
    """Largest error of the table between its nodes (at 0.21, 0.5, 0.79 of every interval)
    against ``direct`` (theta -> (N, 10) rows), relative to each component's largest value."""
    th = table.theta
    x = (th[:-1, None] + np.array([0.21, 0.5, 0.79]) * np.diff(th)[:, None]).ravel()
    return float(np.max(np.abs(table.values_at(x) - direct(x)) / _scales(table.values)))


@pytest.mark.parametrize("width", [0.02, 0.002])
def test_steep_smooth_rise_is_resolved_within_the_stated_error(monkeypatch, width):
    """A rise ~0.02 (0.002) rad wide: at T = 0 the builder would bracket it as a jump and
    interpolate a step (error ~ 1 of the scale); at T > 0 it is resolved and the stated
    estimate bounds the held-out error."""
    monkeypatch.setattr(build_mod, "_solve_chunk", _standin(width))
    ds = build_table(RashbaFM(**FIG4), 4.5e-3, regime="finite", temperature=300.0,
                     executor="serial", progress=False, tol=1e-4)
    assert int(ds.jump_after.sum()) == 0
    stated = ds.attrs["interpolation_error_estimate"] + ds.attrs["node_error_max"]
    assert ds.attrs["node_error_max"] == 0.0
    err = _heldout(TorqueTable(ds), lambda x: _standin_rows(x, width) * (1 + 100 * 4.5e-3))
    assert err <= stated, (err, stated)
    assert stated <= 1e-4  # the target is met, not just stated
    assert err >= stated / 100  # and the estimate is an estimate, not a blanket bound


def test_node_errors_do_not_drive_the_refinement(monkeypatch):
    """Nodes with a rough error of 1e-3 (stated): refining cannot reduce it, so a miss
    within the stated node errors does not reopen an interval (else the grid runs to
    MIN_WIDTH everywhere, thousands of solves, each ~100 window nodes at T > 0). The table
    then holds within its interpolation estimate plus its node errors."""
    calls = []
    monkeypatch.setattr(build_mod, "_solve_chunk", _standin(0.05, calls, noise=1e-3))
    ds = build_table(RashbaFM(**FIG4), 4.5e-3, regime="finite", temperature=300.0,
                     executor="serial", progress=False, tol=1e-4)
    n = sum(len(c[1]) for c in calls)
    assert n < 200, n
    tab = TorqueTable(ds)
    err = _heldout(tab, lambda x: _standin_rows(x, 0.05) * (1 + 100 * 4.5e-3))
    node = ds.attrs["node_error_max"]
    assert node >= 1e-3
    assert err <= ds.attrs["interpolation_error_estimate"] + 1.25 * node, (err, node)


def test_an_angle_gets_all_its_fermi_energies_in_one_call(monkeypatch):
    """At T > 0 a work item holds every Fermi energy its angles need (so that the worker's
    cache of zero-temperature solves serves the angle at the next energy), one per worker
    and round; the records land at their own (eps, theta)."""
    calls = []
    monkeypatch.setattr(build_mod, "_solve_chunk", _standin(0.05, calls))
    eps = [4.0e-3, 5.0e-3]
    th = np.linspace(0.0, math.pi, 7)
    ds = build_table(RashbaFM(**FIG4), eps, theta=th, regime="finite", temperature=300.0,
                     executor="serial", progress=False)
    assert calls == [(eps, th.tolist())]
    for e in eps:
        got = schema.flat_values(ds.K.sel(fermi_energy=e).values, ds.sigma.sel(fermi_energy=e).values)
        np.testing.assert_array_equal(got, _standin_rows(th, 0.05) * (1 + 100 * e))
    calls.clear()
    build_table(RashbaFM(**FIG4), eps, regime="finite", temperature=300.0, tol=1e-3,
                executor="serial", progress=False)
    assert calls and all(len(c[0]) == 2 for c in calls[:1])  # the initial nodes: both energies


def test_embedded_estimate_sees_the_slope_error_a_midpoint_misses():
    """On a uniform grid the Bessel slopes err by ~ h^2 f'''/6 at both ends of an interval;
    that part of the Hermite error is h d (u (1-u)^2 - u^2 (1-u)), zero at the midpoint. For
    f = theta^3 (f'''' = 0) the midpoint error is nil, the largest error is not, and the
    embedded estimate finds it."""
    t = np.linspace(0.2, 1.2, 11)
    f = (t**3)[:, None]
    jump = np.zeros(10, bool)
    d = bessel_slopes(t, f, jump)
    inner = slice(1, -1)  # the end intervals use one-sided slopes
    mids = 0.5 * (t[1:] + t[:-1])[inner]
    assert np.max(np.abs(hermite_eval(t, f, d, jump, mids)[:, 0] - mids**3)) < 1e-14
    x = np.linspace(0.2, 1.2, 2001)
    true = np.abs(hermite_eval(t, f, d, jump, x)[:, 0] - x**3)
    est = embedded_error(t, f, d, jump)[:, 0]
    per = [true[(x >= a) & (x <= b)].max() for a, b in zip(t[:-1], t[1:])]
    np.testing.assert_allclose(est[inner], np.array(per)[inner], rtol=0.05)
    assert np.all(est > 0)


def test_embedded_estimate_never_crosses_a_jump():
    """The six-node stencil stays inside a smooth run: a jump next to an interval does not
    enter its estimate, and a run of fewer than six nodes gets none."""
    t = np.linspace(0.0, 1.0, 13)
    f = np.where(t < 0.45, 0.0, 1.0)[:, None] + 0.01 * t[:, None]
    jump = np.diff(f[:, 0]) > 0.5
    d = bessel_slopes(t, f, jump)
    est = embedded_error(t, f, d, jump)[:, 0]
    assert np.all(est < 1e-14)  # linear on each side: both interpolants are exact
    short = embedded_error(t[:5], f[:5], d[:5], jump[:4])[:, 0]
    assert np.all(short == 0.0)


@pytest.mark.slow
def test_fig4a_table_at_300K_against_direct_solves():
    """The 300 K Fig. 4(a) table (finite regime, eps = mu = 4.5 meV): at the midpoints of its
    [0, pi/2] intervals, direct 300 K solves (rtol 1e-6) agree with the table within the
    stated error: interpolation estimate + the nodes' stated solver error + the direct
    solve's own stated error (all relative to each component's largest magnitude)."""
    from llgsot import response

    model = RashbaFM(**FIG4)
    # the window's weight beyond k_c and the solver's (eps tau)^-1 > 0.1 note, said
    with pytest.warns(RuntimeWarning):
        ds = build_table(model, 4.5e-3, regime="finite", temperature=300.0, progress=False)
    tab = TorqueTable(ds)
    th = tab.theta[: len(tab.theta) // 2 + 1]
    mid = 0.5 * (th[1:] + th[:-1])
    with pytest.warns(RuntimeWarning):
        r = response(model, 4.5e-3, mid, regime="finite", rtol=1e-6, temperature=300.0)
    scale = _scales(tab.values)
    direct = np.array([schema.flat_values(r.K[i], r.sigma[i]) for i in range(len(mid))])
    direct_err = np.array([schema.flat_values(r.K_err[i], r.sigma_err[i]) for i in range(len(mid))])
    err = np.abs(tab.values_at(mid) - direct) / scale
    # the nodes' stated errors reach the interpolant through the four nodes of an interval's
    # cubic (its weights sum to 1 + u (1 - u) <= 1.25 in absolute value)
    nodes = np.array([schema.flat_values(ds.K_err.values[i], ds.sigma_err.values[i])
                      for i in range(len(th))]) / scale
    pad = np.concatenate([nodes[1:2], nodes, nodes[-2:-1]])  # mirror nodes at 0 and pi/2
    local = 1.25 * np.max([pad[k:k + len(mid)] for k in range(4)], axis=0)
    stated = ds.attrs["interpolation_error_estimate"] + local + direct_err / scale
    assert np.all(err <= stated), (err.max(), ds.attrs["interpolation_error_estimate"])
    assert ds.attrs["interpolation_error_estimate"] <= ds.attrs["tol"]
