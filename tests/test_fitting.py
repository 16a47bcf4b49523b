"""fit_torques: the interval machinery on a linear model with known answers, a synthetic fit
that recovers its truth, a wrong model that the chi^2 rejects, identifiability warnings, and
argument validation. The 50-trial coverage runs are in test_fitting_coverage.py (slow)."""
import json
import math
import warnings

import numpy as np
import pytest
from scipy.stats import chi2 as chi2_dist

from llgsot import RashbaFM, fit_torques
from llgsot.fitting import FitWarning, synthetic_efficiencies
from llgsot.fitting.fit import run_fit

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)


class _Linear:
    """y = A x + noise with known sigma: the profile interval is exactly x_hat +- 1.96 sd."""

    quantity = "efficiency"

    def __init__(self, A, y, s, lower, upper):
        self.A, self.y, self.s = A, y, s
        self.free = [f"p{i}" for i in range(A.shape[1])]
        self.lower, self.upper = np.asarray(lower, float), np.asarray(upper, float)
        self.theta = np.arange(len(y), dtype=float)
        self.keys = ["tau1e"]
        self.data, self.sigma = {"tau1e": y}, {"tau1e": s}
        self.regime = self.approximation = "linear"
        self.temperature, self.rtol, self.nfev, self.solver_warnings = 0.0, 0.0, 0, {}
        self.ndata = len(y)

    def residuals(self, x):
        self.nfev += 1
        return (self.A @ x - self.y) / self.s

    def chi2(self, x):
        r = self.residuals(x)
        return float(r @ r)

    def to_params(self, x):
        return dict(zip(self.free, np.asarray(x, float)))

    def dparams_dx(self, x):
        return np.ones(len(self.free))

    def evaluate(self, x):
        return {"tau1e": self.A @ x}, {"tau1e": 0 * self.y}

    def fixed_summary(self):
        return {}

    def band_edge_note(self, params):
        return None


def test_profile_intervals_are_exact_for_a_linear_model():
    rng = np.random.default_rng(3)
    A = np.column_stack([np.ones(30), np.linspace(-1, 1, 30), np.linspace(-1, 1, 30) ** 2])
    s = np.full(30, 0.1)
    y = A @ np.array([0.3, -0.2, 0.5]) + s * rng.standard_normal(30)
    tm = _Linear(A, y, s, [-5, -5, -5], [5, 5, 5])
    res = run_fit(tm, n_starts=2)
    cov = np.linalg.inv((A / s[:, None]).T @ (A / s[:, None]))
    xhat = np.linalg.lstsq(A / s[:, None], y / s, rcond=None)[0]
    sd = np.sqrt(np.diag(cov))
    # the 95 % level, independently of the code: the chi^2(1) quantile
    half = math.sqrt(chi2_dist.ppf(0.95, 1)) * sd  # = 1.95996 sd
    for j, name in enumerate(res.free):
        assert res.params[name] == pytest.approx(xhat[j], rel=0, abs=1e-6 * sd[j])
        lo, hi = res.ci[name]
        # the profile crossing is refined to 3 % in Delta chi^2: 1.5 % in the half-width
        assert lo == pytest.approx(xhat[j] - half[j], rel=0, abs=0.016 * half[j])
        assert hi == pytest.approx(xhat[j] + half[j], rel=0, abs=0.016 * half[j])
    assert np.all(np.abs(res.covariance - cov) <= 1e-4 * np.outer(sd, sd))
    assert res.dof == 27 and res.converged and not res.warnings
    # and a bound inside the interval makes that end open, with a warning
    tm2 = _Linear(A, y, s, [-5, -5, -5], [5, 5, xhat[2] + 0.5 * half[2]])
    with pytest.warns(FitWarning, match="p2.*high bound"):
        res2 = run_fit(tm2, n_starts=1)
    assert res2.open_ends["p2"] == ["high"]
    assert res2.ci["p2"][1] == pytest.approx(xhat[2] + 0.5 * half[2], rel=1e-12)


def _linear_case(seed=3):
    rng = np.random.default_rng(seed)
    A = np.column_stack([np.ones(30), np.linspace(-1, 1, 30), np.linspace(-1, 1, 30) ** 2])
    s = np.full(30, 0.1)
    y = A @ np.array([0.3, -0.2, 0.5]) + s * rng.standard_normal(30)
    W = A / s[:, None]
    cov = np.linalg.inv(W.T @ W)
    xhat = np.linalg.lstsq(W, y / s, rcond=None)[0]
    return A, y, s, xhat, np.sqrt(np.diag(cov))


def test_wald_intervals_have_the_95_percent_level():
    """profile=False: x_hat -+ z sd with z the normal 0.975 quantile (scipy.stats, not the
    package's constant); the Gauss-Newton sd of a linear model is exact, so to 1e-6."""
    from scipy.stats import norm

    A, y, s, xhat, sd = _linear_case()
    res = run_fit(_Linear(A, y, s, [-5] * 3, [5] * 3), n_starts=1, profile=False)
    z = norm.ppf(0.975)
    for j, name in enumerate(res.free):
        np.testing.assert_allclose(res.ci[name], (xhat[j] - z * sd[j], xhat[j] + z * sd[j]),
                                   rtol=0, atol=1e-6 * sd[j])


def test_profile_points_trace_the_parabola_and_the_plot_shows_them(tmp_path):
    """The profile of a linear model is Delta chi^2 = ((p - p_hat)/sd)^2 exactly: every point
    the fit keeps lies on it (to the optimiser's ftol, 1e-6 of chi^2 ~ 30: 1e-3 absolute),
    there are >= 7 of them spanning beyond both interval ends, and the figure draws the
    profile through all of them and marks both ends at the chi^2(1) 0.95 quantile."""
    A, y, s, xhat, sd = _linear_case()
    res = run_fit(_Linear(A, y, s, [-5] * 3, [5] * 3), n_starts=1)
    level = chi2_dist.ppf(0.95, 1)
    for j, name in enumerate(res.free):
        pts = np.array(res.profiles[name])
        assert len(pts) >= 7
        lo, hi = res.ci[name]
        assert pts[:, 0].min() < lo and pts[:, 0].max() > hi
        assert np.sum((pts[:, 0] > lo) & (pts[:, 0] < hi)) >= 3  # the inside, not only the ends
        np.testing.assert_allclose(pts[:, 1], ((pts[:, 0] - xhat[j]) / sd[j]) ** 2,
                                   rtol=0, atol=1e-3)
    fig = res.plot(path=tmp_path / "fit.png")
    assert (tmp_path / "fit.png").stat().st_size > 0
    for name in res.free:
        ax = [a for a in fig.axes if a.get_xlabel().startswith(name + " ")][0]
        drawn = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"
                 and len(ln.get_xdata()) == len(res.profiles[name])]
        assert drawn, "the profile is drawn as a line through all its points"
        ends = [ln for ln in ax.get_lines() if ln.get_marker() == "D"][0]
        np.testing.assert_allclose(ends.get_xdata(), res.ci[name], rtol=0, atol=0)
        np.testing.assert_allclose(ends.get_ydata(), [level, level], rtol=1e-12)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_linear_model_flags_degenerate_parameters():
    """Two columns that are exactly proportional: correlation -> +-1, reported."""
    x = np.linspace(-1, 1, 20)
    A = np.column_stack([x, 2 * x + 1e-9 * x**2])
    tm = _Linear(A, 0.7 * x + 0.01 * np.cos(7 * x), np.full(20, 0.01), [-3, -3], [3, 3])
    with pytest.warns(FitWarning, match="not separable|singular"):
        res = run_fit(tm, n_starts=1, profile=False)
    assert any("separable" in w or "singular" in w for w in res.warnings)


@pytest.fixture(scope="module")
def synthetic():
    truth = RashbaFM(**FIG4)
    th = np.linspace(0.15, math.pi / 2 - 0.1, 8)
    data, sigma, exact = synthetic_efficiencies(truth, 5.5e-3, th, keys=("tau1e", "tau1o"),
                                                rel_sigma=0.02, seed=11)
    return truth, th, data, sigma, exact


def test_synthetic_fit_recovers_the_truth(synthetic):
    """One seeded trial above the spin gap: both truths inside their 95 % intervals, a
    chi^2 consistent with its dof, strict-JSON output."""
    truth, th, data, sigma, _ = synthetic
    start = truth.with_(impurity_strength=0.05)
    res = fit_torques(th, data, sigma, start, 5.2e-3, ["fermi_energy", "impurity_strength"],
                      n_starts=2)
    assert res.converged
    for name, true in (("fermi_energy", 5.5e-3), ("impurity_strength", 0.065)):
        lo, hi = res.ci[name]
        assert lo < true < hi, (name, lo, true, hi)
        assert lo < res.params[name] < hi
    assert res.dof == 14
    assert chi2_dist.sf(res.chi2, res.dof) > 1e-3
    s = json.dumps(res.to_dict(), allow_nan=False)
    assert "impurity_strength" in s
    assert "fermi_energy" in res.summary()


def test_wrong_model_gives_a_large_chi2(synthetic):
    """Data from the T-matrix fitted with the Born approximation: rejected (p < 1e-6)."""
    truth, th, data, sigma, _ = synthetic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitWarning)
        res = fit_torques(th, data, sigma, truth, 5.5e-3, ["fermi_energy", "impurity_strength"],
                          approximation="born", n_starts=1, profile=False)
    assert res.p_value < 1e-6, res.chi2


def test_born_warns_that_n_and_w_enter_as_n_w2(synthetic):
    truth, th, data, sigma, _ = synthetic
    with pytest.warns(FitWarning, match=r"n W~\^2"):
        res = fit_torques(th, data, sigma, truth, 5.5e-3, ["impurity_density", "impurity_strength"],
                          approximation="born", n_starts=1, profile=False)
    assert any("n W~^2" in w for w in res.warnings)


@pytest.mark.parametrize("kw, match", [
    (dict(free=["fermi_energy", "cutoff"]), "free"),
    (dict(free=[]), "free"),
    (dict(sigma={"tau1e": np.zeros(8), "tau1o": np.ones(8)}), "sigma"),
    (dict(data={"tau9": np.ones(8)}, sigma={"tau9": np.ones(8)}), "data"),
    (dict(bounds={"fermi_energy": (6e-3, 7e-3)}), "bounds"),
    (dict(bounds={"impurity_strength": (-0.1, 0.1)}), "bounds"),
    (dict(temperature=-1.0), "temperature"),
])
def test_arguments_are_validated(synthetic, kw, match):
    truth, th, data, sigma, _ = synthetic
    args = dict(theta=th, data=data, sigma=sigma, model=truth, fermi_energy=5.5e-3,
                free=["fermi_energy", "impurity_strength"])
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        fit_torques(**args)


def test_cli_fit_json_and_plot(tmp_path, synthetic, capsys):
    """`llgsot fit DATA.csv CONFIG.toml --json --plot`: strict JSON, the interval contains the
    truth, the figure is written; a bad column is a one-line error (status 2)."""
    from llgsot.cli.main import main

    truth, th, data, sigma, _ = synthetic
    rows = ["# test data", "theta,tau1e,tau1e_err,tau1o,tau1o_err"]
    rows += [",".join(repr(float(x)) for x in (t, data['tau1e'][i], sigma['tau1e'][i], data['tau1o'][i], sigma['tau1o'][i]))
             for i, t in enumerate(th)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    model = "\n".join(f"{k} = {x!r}" for k, x in {**FIG4, "impurity_strength": 0.05}.items())
    (tmp_path / "c.toml").write_text(f"[model]\n{model}\n[fit]\nfermi_energy = 5.2e-3\n"
                                     'free = ["fermi_energy", "impurity_strength"]\nn_starts = 1\n')
    png = tmp_path / "fit.png"
    assert main(["fit", str(tmp_path / "d.csv"), str(tmp_path / "c.toml"), "--json",
                 "--plot", str(png)]) == 0
    out = json.loads(capsys.readouterr().out)
    lo, hi = out["ci"]["impurity_strength"]
    assert lo < 0.065 < hi
    assert out["dof"] == 14 and png.stat().st_size > 10000
    (tmp_path / "bad.csv").write_text("theta,tau1e\n0.1,1.0\n")
    assert main(["fit", str(tmp_path / "bad.csv"), str(tmp_path / "c.toml")]) == 2
    assert "tau1e_err" in capsys.readouterr().err


def test_hall_fields_from_the_response_by_hand():
    """B = Delta_xc |e| t_NM J K sigma^-1 x / (Ms d): B_DL = B.(m x y), B_FL = B.y, with the
    constant spin-Hall model giving B_DL = b_DL and B_FL = b_FL at every angle."""
    from scipy.constants import e as qe

    from llgsot import response
    from llgsot.fitting.hall import HallModel

    truth = RashbaFM(**FIG4)
    th = np.array([0.2, 0.9, 2.0])
    J, Ms, d, t = 2e11, 8e5, 1.2e-9, 5e-9
    tm = HallModel(th, {"B_DL": np.ones(3), "B_FL": np.ones(3)}, {"B_DL": np.ones(3), "B_FL": np.ones(3)},
                   truth, 5.5e-3, ["fermi_energy"], None, "finite", "tmatrix", 0.0, 1e-9,
                   current_density=J, Ms=Ms, thickness=d, nm_thickness=t)
    r = response(truth, 5.5e-3, th, regime="finite", rtol=1e-9)
    val, err = tm.observe(r)
    for i, a in enumerate(th):
        E = np.linalg.solve(r.sigma[i], [1.0, 0.0])
        B = 5e-3 * qe * t * J / (Ms * d) * (r.K[i] @ E)
        m = np.array([math.sin(a), 0.0, math.cos(a)])
        assert val["B_DL"][i] == pytest.approx(B @ np.cross(m, [0, 1, 0]), rel=1e-12, abs=0)
        assert val["B_FL"][i] == pytest.approx(B[1], rel=1e-12, abs=0)
        assert err["B_FL"][i] < 1e-6 * abs(val["B_FL"][i])
    # the constant model B = b_DL m x y + b_FL y projects back onto (b_DL, b_FL)
    m = np.stack([np.sin(th), 0 * th, np.cos(th)], -1)
    Bc = 3e-3 * np.cross(m, [0, 1, 0]) + 7e-3 * np.array([0, 1, 0])
    np.testing.assert_allclose(np.einsum("ni,ni->n", Bc, tm.u["B_DL"]), 3e-3, rtol=1e-12)
    np.testing.assert_allclose(np.einsum("ni,ni->n", Bc, tm.u["B_FL"]), 7e-3, rtol=1e-12)


def test_hall_fit_recovers_the_truth():
    """A smoke test of one seeded trial (a 95 % interval misses about one seed in twenty; the
    statistics are in test_fitting_coverage.py)."""
    from llgsot import response
    from llgsot.fitting import fit_hall_fields
    from llgsot.fitting.hall import HallModel

    truth = RashbaFM(**FIG4)
    th = np.linspace(0.15, math.pi / 2 - 0.1, 6)
    dev = dict(current_density=1e11, Ms=1e6, thickness=1e-9, nm_thickness=4e-9)
    ones = {"B_DL": np.ones(6), "B_FL": np.ones(6)}
    tm = HallModel(th, ones, ones, truth, 5.5e-3, ["fermi_energy"], None, "finite", "tmatrix",
                   0.0, 1e-9, **dev)
    exact, _ = tm.observe(response(truth, 5.5e-3, th, regime="finite", rtol=1e-9))
    rng = np.random.default_rng(9)
    sig = {k: np.full(6, 0.02 * np.abs(x).max()) for k, x in exact.items()}
    data = {k: exact[k] + sig[k] * rng.standard_normal(6) for k in exact}
    res = fit_hall_fields(th, data, sig, model=truth.with_(impurity_strength=0.05),
                          fermi_energy=5.2e-3, free=["fermi_energy", "impurity_strength"],
                          n_starts=1, **dev)
    assert res.quantity == "field" and res.dof == 10 and res.converged
    for name, true in (("fermi_energy", 5.5e-3), ("impurity_strength", 0.065)):
        assert res.ci[name][0] < true < res.ci[name][1]


@pytest.mark.slow
def test_fit_at_finite_temperature():
    """A 10 K fit (mu = 20 meV, away from the band edges) recovers the chemical potential,
    and the same data fitted at T = 0 give a different answer than at 10 K."""
    truth = RashbaFM(**FIG4)
    th = np.array([0.3, 0.7, 1.1, 1.4])
    data, sigma, _ = synthetic_efficiencies(truth, 20e-3, th, keys=("tau1e", "tau1o"),
                                            rel_sigma=0.002, seed=4, temperature=10.0, rtol=1e-8)
    res = fit_torques(th, data, sigma, truth, 19e-3, ["fermi_energy"], temperature=10.0,
                      n_starts=1)
    lo, hi = res.ci["fermi_energy"]
    assert lo < 20e-3 < hi and res.converged
    assert res.settings["temperature"] == 10.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitWarning)
        r0 = fit_torques(th, data, sigma, truth, 19e-3, ["fermi_energy"], n_starts=1)
    assert not r0.ci["fermi_energy"][0] < 20e-3 < r0.ci["fermi_energy"][1] or r0.p_value < 1e-3
