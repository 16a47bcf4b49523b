"""Band edges are ordinary inputs (issue 8 item 1; docs/physics.md sec. 6; docs/theory.md "Band edges").

A Fermi energy exactly at the bottom of the lower or of the upper band gives the one-sided
value from above (the band occupied), evaluated at edge + {1e-10 .. 1e-6} s with the spread
in K_err / sigma_err. The edges here are computed independently of the solver (closed form
at theta = 0, pi; 2D Nelder-Mead elsewhere), and the reference values are direct solves at
offsets interleaved with the solver's (3e-k |edge|), from above.

Tolerance: within the sampled window the response varies smoothly (logarithmically at
the upper band bottom: Re g0 ~ ln d, see test_log_singularity_of_g0), so a point between
the samples differs from the edge value by at most the spread, K_err, plus a rounding
allowance of 1e-12 of the largest entry (the quadrature floor).
"""
import math
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize

from llgsot.constants import MEV, NM
from llgsot.model import RashbaFM
from llgsot.solver.response import response
from llgsot.tables.build import build_table

TA = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
          impurity_strength=0.065, cutoff=3.0)
MODEL = RashbaFM(**TA)
THETAS = (0.0, 0.3, 0.7, 0.5 * math.pi, math.pi)
OFFSETS = (3e-9, 3e-8, 3e-7, 7e-7)  # x |edge|: between the solver samples, inside its window


def brute_edges(model, theta):
    """(lower, upper) band bottoms in eV by 2D minimisation, independent of the solver."""
    p = model.internal()
    dx, dz = p.delta * math.sin(theta), p.delta * math.cos(theta)
    if math.sin(theta) == 0.0:  # closed form: E_+ min at k=0; E_- min at k=0 (a^2/2c < delta)
        assert p.alpha**2 / (2 * p.c) < p.delta
        return -p.delta * 1e-3, p.delta * 1e-3
    out = []
    for s in (-1.0, 1.0):
        def f(k, s=s):
            return p.c * (k[0] ** 2 + k[1] ** 2) + s * math.sqrt(
                p.alpha**2 * k[0] ** 2 + (p.alpha * k[1] - dx) ** 2 + dz * dz)
        g = np.linspace(-1.0, 1.0, 101)
        E = np.array([[f((x, y)) for x in g] for y in g])
        i, j = np.unravel_index(np.argmin(E), E.shape)
        r = minimize(f, [g[j], g[i]], method="Nelder-Mead",
                     options={"xatol": 1e-13, "fatol": 1e-16, "maxiter": 20000})
        out.append(r.fun * 1e-3)
    return tuple(out)


EDGES = {th: brute_edges(MODEL, th) for th in THETAS}


def _close(a, b, err, what):
    a, b, err = np.asarray(a), np.asarray(b), np.asarray(err)
    allow = err + 1e-12 * max(np.abs(a).max(), np.abs(b).max())
    bad = np.abs(a - b) > allow
    assert not bad.any(), f"{what}: |diff| {np.abs(a - b)[bad]} > allowed {allow[bad]}"


@pytest.mark.parametrize("regime", ["dilute", "finite"])
@pytest.mark.parametrize("approximation", ["tmatrix", "born"])
@pytest.mark.parametrize("band", [0, 1], ids=["lower", "upper"])
@pytest.mark.parametrize("theta", THETAS)
def test_edge_is_one_sided_limit_from_above(theta, band, approximation, regime):
    edge = EDGES[theta][band]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = response(MODEL, edge, theta, approximation=approximation, regime=regime)
        assert r.diagnostics["edge_offset"] > 0, "edge not detected"
        # the polar centre lies inside every occupied pocket, also a newborn off-centre one
        assert r.diagnostics["star_shaped"]
        for x in (r.K, r.K_err, r.sigma, r.sigma_err):
            assert np.all(np.isfinite(x))
        for d in OFFSETS:
            ref = response(MODEL, edge + d * abs(edge), theta, approximation=approximation,
                           regime=regime)
            assert ref.diagnostics["edge_offset"] == 0
            _close(r.K, ref.K, r.K_err + ref.K_err, f"K at +{d:g}")
            _close(r.sigma, ref.sigma, r.sigma_err + ref.sigma_err, f"sigma at +{d:g}")
    # the finite regime next to an empty band (theta = 0.7, pi/2) leaves its validity and its
    # quadrature slows down: both are warned about, and nothing else anywhere
    # (measured: tmatrix at 0.7 and pi/2 always warns, born at pi/2)
    kinds = {str(w.message)[:18] for w in caught}
    assert all(issubclass(w.category, RuntimeWarning) for w in caught)
    if regime == "finite" and band == 0:
        assert kinds <= {"finite regime: (ep", "angular quadrature"}, kinds
        if approximation == "tmatrix" and theta in (0.7, 0.5 * math.pi):
            assert kinds, "expected a validity/quadrature warning"
    else:
        assert not kinds, kinds


@pytest.mark.parametrize("regime", ["dilute", "finite"])
def test_mexican_hat_top(regime):
    """Strong Rashba (alpha^2/(2c) > Delta): the lower band has a local maximum -Delta at k = 0,
    where the hole of the annular Fermi sea closes at the polar centre (a ZeroDivisionError
    before). The value is the one from above, as at the band bottoms."""
    m = RashbaFM(**{**TA, "alpha": 5e-11, "delta_xc": 1e-3})
    p = m.internal()
    assert p.alpha**2 / (2 * p.c) > p.delta  # closed form: E_-(0) = -Delta is a local maximum
    edge = -1e-3
    r = response(m, edge, 0.0, regime=regime)
    assert r.diagnostics["edge_offset"] > 0
    for d in OFFSETS:
        ref = response(m, edge + d * abs(edge), 0.0, regime=regime)
        _close(r.K, ref.K, r.K_err + ref.K_err, f"K at +{d:g}")
        _close(r.sigma, ref.sigma, r.sigma_err + ref.sigma_err, f"sigma at +{d:g}")


def test_side_is_above_where_the_band_is_occupied():
    """At the bottom of the upper band (theta = 0, born, dilute: a finite jump of the
    response), the edge value is the one from above, not from below."""
    edge = EDGES[0.0][1]
    kw = dict(approximation="born", regime="dilute")
    r = response(MODEL, edge, 0.0, **kw)
    above = response(MODEL, edge * (1 + 1e-7), 0.0, **kw)
    below = response(MODEL, edge * (1 - 1e-7), 0.0, **kw)
    _close(r.K, above.K, r.K_err + above.K_err, "edge vs above")
    jump = abs(below.K[0, 1] - r.K[0, 1])
    assert jump > 0.2 * abs(r.K[0, 1]) > 1e3 * r.K_err[0, 1]


def test_lower_band_bottom_is_empty_band():
    """Dilute regime at the bottom of the lower band: no carriers, K and sigma vanish
    within their error estimates (the value is taken 1e-10 s above the edge)."""
    for th in (0.0, 0.7):
        r = response(MODEL, EDGES[th][0], th)
        assert np.all(np.abs(r.K) <= r.K_err)
        assert np.all(np.abs(r.sigma) <= r.sigma_err)
        # and those errors are small next to the response 1 meV higher
        up = response(MODEL, EDGES[th][0] + 1e-3, th)
        assert r.K_err.max() < 1e-3 * np.abs(up.K).max()


def test_log_singularity_of_g0():
    """Why the edge value is not extrapolated: at the bottom of the upper band (theta = 0)
    Re g0 of the spin-up channel diverges like ln(d)/(4 pi c'), c' = c + alpha^2/(2 delta)
    (2D band edge), so the tmatrix response approaches its limit only as 1/ln d."""
    p = MODEL.internal()
    slope = 1.0 / (4 * math.pi * (p.c + p.alpha**2 / (2 * p.delta))) / (MEV * NM * NM)
    d1, d2 = 1e-9, 1e-7
    g = [response(MODEL, 5e-3 * (1 + d), 0.0).diagnostics["g0"] for d in (d1, d2)]
    up = [x[0] + x[3] for x in g]
    measured = (up[1].real - up[0].real) / math.log(d2 / d1)
    assert measured == pytest.approx(slope, rel=1e-6)


def test_build_table_over_fermi_list_through_edges():
    ds = build_table(MODEL, [3.5e-3, 4.0e-3, 4.5e-3, 5.0e-3], theta=5, progress=False,
                     executor="serial")
    for name in ("K", "K_err", "sigma"):
        assert np.all(np.isfinite(ds[name].values)), name
    # 5 meV at theta = 0 and pi is the upper edge: the table holds the edge value
    for th in (0.0, math.pi):
        r = response(MODEL, 5e-3, th)
        row = ds.sel(fermi_energy=5e-3).sel(theta=th, method="nearest")
        _close(row["K"].values, r.K, row["K_err"].values + r.K_err, f"table K at theta={th}")


# -- the cutoff disc ----------------------------------------------------------------------
def _circle_min_eV(model, theta):
    """min over |k| = k_c of E_-(k) = c k_c^2 - sqrt((|alpha| k_c + |Dx|)^2 + Dz^2), eV."""
    p = model.internal()
    dx, dz = p.delta * math.sin(theta), p.delta * math.cos(theta)
    kc = p.kc
    return (p.c * kc * kc - math.hypot(abs(p.alpha) * kc + abs(dx), dz)) * 1e-3


@pytest.mark.parametrize("cutoff,fermi_energy,theta", [
    (0.05, 0.0, 0.7),        # cutoff too small for the bands (minimum outside the disc)
    (0.05, 4.5e-3, 0.0),     # contour outside the disc
    (0.2, 4.5e-3, 0.0),
    (0.2, -4.99e-3, 0.7),
    (3.0, 2.0, 0.0),         # 2 eV: far beyond k_c = 3/nm
    (3.0, 0.4, math.pi / 2),
])
@pytest.mark.parametrize("regime", ["dilute", "finite"])
def test_cutoff_errors_name_cutoff_before_any_work(monkeypatch, cutoff, fermi_energy, theta, regime):
    from llgsot.solver import response as resp_mod

    def forbidden(*a, **k):
        raise AssertionError("solver kernel called before the cutoff check")

    monkeypatch.setattr(resp_mod._dil, "dilute_point", forbidden)
    monkeypatch.setattr(resp_mod._fin, "finite_point", forbidden)
    m = RashbaFM(**{**TA, "cutoff": cutoff})
    with pytest.raises(ValueError, match="`cutoff`"):
        response(m, fermi_energy, theta, regime=regime)


def test_cutoff_boundary_matches_closed_form():
    """The allowed region ends where the circle |k| = k_c becomes occupied."""
    m = RashbaFM(**{**TA, "cutoff": 0.4})
    th = math.pi / 2
    emax = _circle_min_eV(m, th)
    assert m.band_bottom(th) < emax - 1e-3
    r = response(m, emax - 2e-4, th)
    assert np.all(np.isfinite(r.K))
    with pytest.raises(ValueError, match="`cutoff`"):
        response(m, emax + 2e-4, th)


def test_below_band_bottom_names_fermi_energy():
    with pytest.raises(ValueError, match="`fermi_energy`"):
        response(MODEL, EDGES[0.7][0] - 1e-6, 0.7)
