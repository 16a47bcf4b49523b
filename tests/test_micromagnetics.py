"""The magnum.np coupling (llgsot.micromagnetics) against independent routes.

* the torch field of MagnumSOTField against the package's one numpy reference
  ``torque.field`` (random m, next to the poles, both sides of a jump of the Fig. 4(a) table);
* with ConstantSOT, magnum.np's own SpinOrbitTorque under the documented mapping, compared
  through magnum.np's LLG right-hand side;
* a single-cell magnum.np run against llgsot.simulate's macrospin (two independent
  integrators, each at a tolerance far below the comparison's 1e-6).
"""
import importlib.util
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import llgsot
from llgsot import spinorbit
from llgsot.constants import MU0

HAVE_MAGNUMNP = importlib.util.find_spec("magnumnp") is not None and \
    importlib.util.find_spec("torch") is not None
needs_magnumnp = pytest.mark.skipif(
    not HAVE_MAGNUMNP, reason="magnum.np (optional extra `magnumnp`: pip install -e '.[magnumnp]', "
                              "CPU torch per the README) is not installed")
TABLES = os.path.join(os.path.dirname(__file__), os.pardir, "tables", "fig4.nc")
FIG4A, FIG4B = 4.5e-3, 5.5e-3  # eV: inside the spin gap (jumps) and above it (smooth)


@pytest.fixture(scope="module")
def mn():
    if not HAVE_MAGNUMNP:
        pytest.skip("magnum.np (optional extra `magnumnp`) is not installed")
    import torch._dynamo

    from llgsot.micromagnetics.backend import magnumnp

    before = torch._dynamo.config.disable
    module = magnumnp(compile=False)  # eager: torch.compile of a few terms costs minutes on a CPU
    yield module
    torch._dynamo.config.disable = before


@pytest.fixture(scope="module")
def fig4():
    return llgsot.load_table(TABLES)


def table_sot(fig4, fermi_energy, direction=(1.0, 0.0)):
    return llgsot.TableSOT(llgsot.TorqueTable(fig4.sel(fermi_energy=fermi_energy)),
                           nm_thickness=5e-9, current_direction=direction)


def random_unit(shape, seed):
    m = np.random.default_rng(seed).normal(size=shape + (3,))
    return m / np.linalg.norm(m, axis=-1, keepdims=True)


class FakeState:
    """The attributes of magnum.np's State that a field term reads (no magnum.np needed)."""

    def __init__(self, m, Ms, dtype, t=0.0, dx=(2e-9, 2e-9, 1e-9)):
        import torch

        self.mesh = type("Mesh", (), {"n": m.shape[:3], "dx": dx})()
        self.m = torch.tensor(m, dtype=dtype)
        self.material = {"Ms": torch.tensor(np.broadcast_to(Ms, m.shape[:3])[..., None], dtype=dtype)}
        self.t = t


def special_directions(sot):
    """Unit m next to the poles (0, pi/2, pi) and on both sides of every jump (and on it)."""
    th = [0.0, 1e-12, 1e-8, 1e-4, 0.019, 0.021, 0.5 * np.pi - 1e-9, 0.5 * np.pi,
          0.5 * np.pi + 1e-7, np.pi - 1e-6, np.pi]
    jumps = sot.theta[1:][np.diff(sot.theta) == 0]
    for tj in jumps:
        th += [tj - 1e-6, tj - 1e-9, tj, tj + 1e-9, tj + 1e-6]
    th = np.array(th)
    ph = np.linspace(0.0, 2 * np.pi, 7, endpoint=False) + 0.3
    T, P = np.meshgrid(th, ph, indexing="ij")
    return spinorbit.magnetization(T, P), jumps


# -- torch field against the numpy reference -------------------------------------------------
@needs_magnumnp
@pytest.mark.parametrize("fermi_energy", [FIG4A, FIG4B])
def test_torch_field_equals_reference_float64(fig4, fermi_energy):
    import torch

    from llgsot.micromagnetics import MagnumSOTField

    sot = table_sot(fig4, fermi_energy, direction=(0.6, 0.8))
    special, jumps = special_directions(sot)
    assert (len(jumps) == 2) == (fermi_energy == FIG4A)  # Fig. 4(a) has two jumps, 4(b) none
    m = np.concatenate([random_unit((400,), 1), special.reshape(-1, 3)])[:, None, None, :]
    Ms = np.linspace(4e5, 1.2e6, len(m))[:, None, None]  # per-cell Ms
    J = -2.3e11
    H = MagnumSOTField(sot, J).h(FakeState(m, Ms, torch.float64)).numpy()
    ref = sot.field(m, J, Ms, 1e-9) / MU0  # default thickness: the mesh's z extent, 1 nm
    assert np.abs(H - ref).max() <= 1e-12 * np.abs(ref).max()
    if len(jumps):  # the two sides of a jump differ: the test can see a wrong side
        for tj in jumps:
            lo, hi = (sot.field(spinorbit.magnetization(tj + s), J, 8e5, 1e-9) for s in (-1e-9, 1e-9))
            assert np.abs(hi - lo).max() > 1e-3 * np.abs(hi).max()


@needs_magnumnp
def test_torch_field_float32_is_float32_rounding(fig4):
    """float32: compared with the reference at the float32-rounded m, the error stays below
    1e-5 of the largest field (measured: ~4e-7, i.e. ~7 float32 epsilons), except within
    1e-5 rad of a jump, where float32 theta may fall on the other side."""
    import torch

    from llgsot.micromagnetics import MagnumSOTField

    for fe in (FIG4A, FIG4B):
        sot = table_sot(fig4, fe)
        special, jumps = special_directions(sot)
        m = np.concatenate([random_unit((2000,), 2), special.reshape(-1, 3)])
        theta = np.arccos(np.clip(m[:, 2], -1, 1))
        far = np.all(np.abs(theta[:, None] - jumps[None, :]) > 1e-5, axis=1) if len(jumps) else \
            np.ones(len(m), bool)
        m = m[far][:, None, None, :]
        state = FakeState(m, 9e5, torch.float32)
        H = MagnumSOTField(sot, 1e11).h(state)
        assert H.dtype == torch.float32
        H = H.numpy().astype(float)
        m32 = state.m.numpy().astype(float)
        ref = sot.field(m32 / np.linalg.norm(m32, axis=-1, keepdims=True), 1e11, 9e5, 1e-9) / MU0
        assert np.abs(H - ref).max() <= 1e-5 * np.abs(ref).max()


@needs_magnumnp
def test_empty_cells_mask_thickness_and_pulse(fig4):
    import torch

    from llgsot.micromagnetics import MagnumSOTField

    sot = table_sot(fig4, FIG4B)
    m = random_unit((4, 3, 2), 3)
    m[0, 0, 0] = 0.0  # magnum.np's empty cell: m = 0
    Ms = np.full((4, 3, 2), 8e5)
    Ms[1, 0, 1] = 0.0  # and Ms = 0
    mask = np.zeros((4, 3, 1), bool)
    mask[:2] = True  # the strip covers x-cells 0, 1 in both layers
    pulse = llgsot.Pulse(3e11, duration=1e-9, rise=0.2e-9, delay=0.1e-9)
    t = 0.15e-9
    state = FakeState(m, Ms, torch.float64, t=torch.tensor(t, dtype=torch.float64),
                      dx=(2e-9, 2e-9, 1.5e-9))
    H = MagnumSOTField(sot, pulse, mask=mask).h(state).numpy()
    assert np.all(np.isfinite(H))
    assert np.all(H[0, 0, 0] == 0) and np.all(H[1, 0, 1] == 0) and np.all(H[2:] == 0)
    J = pulse.at(t)
    assert J == pytest.approx(0.25 * 3e11, rel=1e-14)
    sel = (slice(0, 2), slice(1, 3), slice(None))  # no empty cell there
    ref = sot.field(m[sel], J, 8e5, 3e-9) / MU0  # d = mesh z extent = 2 x 1.5 nm
    assert np.abs(H[sel] - ref).max() <= 1e-12 * np.abs(ref).max()
    H2 = MagnumSOTField(sot, pulse, thickness=1e-9, mask=mask).h(state).numpy()
    np.testing.assert_allclose(H2[sel], 3.0 * H[sel], rtol=1e-13, atol=0)
    with pytest.raises(ValueError, match="mask"):
        MagnumSOTField(sot, 1e11, mask=np.ones((5, 3))).h(state)
    with pytest.raises(ValueError, match="torque"):
        MagnumSOTField("table.nc", 1e11)
    with pytest.raises(ValueError, match="thickness"):
        MagnumSOTField(sot, 1e11, thickness=-1.0)


def test_import_llgsot_does_not_import_torch():
    code = ("import sys, llgsot, llgsot.micromagnetics, llgsot.micromagnetics.term, "
            "llgsot.export.magnumnp; llgsot.micromagnetics.MagnumSOTField; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=300).stdout.split()
    assert out[-1] == "False"


# -- magnum.np's own SpinOrbitTorque ---------------------------------------------------------
@needs_magnumnp
def test_constant_torque_equals_magnumnp_spin_orbit_torque(mn):
    """dm/dt of magnum.np's LLG with this term == with magnum.np's SpinOrbitTorque under the
    mapping of spin_orbit_torque_material, cell by cell, to 1e-12 of the largest |dm/dt|."""
    import torch

    from llgsot.micromagnetics import MagnumSOTField, spin_orbit_torque_material

    sot = llgsot.ConstantSOT(-0.17, field_like_ratio=2.5, polarization=(0.3, 0.9, 0.2))
    J, d = 1.3e11, 1.2e-9
    mesh = mn.Mesh((6, 5, 1), (2e-9, 2e-9, d))
    rng = np.random.default_rng(7)
    Ms = rng.uniform(3e5, 1.4e6, size=(6, 5, 1))
    Ms[2, 2, 0] = 0.0
    m = random_unit((6, 5, 1), 8)
    m[2, 2, 0] = 0.0
    results = []
    for use_ours in (True, False):
        state = mn.State(mesh)
        mat = {"Ms": torch.tensor(Ms[..., None]), "alpha": 0.07}
        if not use_ours:
            mat.update(spin_orbit_torque_material(sot, J, d))
        state.material = mat
        state.m = torch.tensor(m)
        term = MagnumSOTField(sot, J) if use_ours else mn.SpinOrbitTorque()
        llg = mn.LLGSolver([term, mn.ExternalField([2e4, -1e4, 3e4])])
        results.append((llg.dm(0.0, state.m, state).numpy(), term.h(state).numpy()))
    (dm_ours, h_ours), (dm_mn, h_mn) = results
    assert np.abs(h_ours).max() > 1e3  # a real field (A/m), not zeros on both sides
    assert np.abs(dm_ours - dm_mn).max() <= 1e-12 * np.abs(dm_mn).max()
    assert np.abs(h_ours - h_mn).max() <= 1e-12 * np.abs(h_mn).max()
    ref = sot.field(m, J, np.where(Ms > 0, Ms, 1.0), d) / MU0
    ok = Ms[..., 0] > 0
    assert np.abs(h_ours[ok] - ref[ok]).max() <= 1e-12 * np.abs(ref).max()


# -- single cell against the macrospin -------------------------------------------------------
def single_cell_case(mn, fig4, which, t_end, tol):
    """(magnum.np trajectory, macrospin trajectory) sampled every 10 ps up to t_end; ``which``
    a Fermi energy of the Fig. 4 table, "constant", or a TableSOT."""
    import torch

    from llgsot.micromagnetics import MagnumSOTField

    Ms, Ku, damping, Bx, d = 1e6, 3e5, 0.1, 0.02, 1e-9
    gamma = mn.constants.gamma / MU0  # magnum.np's gamma (m/(A s)) in rad/(s T)
    magnet = llgsot.Macrospin(Ms=Ms, thickness=d, area=4e-18, damping=damping, Ku=Ku,
                              demag=(0.0, 0.0, 0.0), gamma=gamma)
    if isinstance(which, llgsot.TableSOT):  # a torque object (tests/test_sphere_wiring.py)
        torque = which
    else:
        torque = llgsot.ConstantSOT(0.3, field_like_ratio=0.5) if which == "constant" \
            else table_sot(fig4, which)
    pulse = llgsot.Pulse(1e12, duration=0.4e-9, rise=0.05e-9, fall=0.05e-9, delay=0.02e-9)
    m0 = (math.sin(0.05), 0.0, math.cos(0.05))
    ds = llgsot.simulate(magnet, torque, pulse, field=(Bx, 0.0, 0.0), m0=m0, t_end=t_end,
                         dt=1e-12, save_every=10, method="dopri", rtol=tol, atol=tol)
    ref, times = ds["m"].values[:, 0, :], ds["time"].values
    mesh = mn.Mesh((1, 1, 1), (2e-9, 2e-9, d))
    state = mn.State(mesh)
    # magnum.np's anisotropy field is 2 Ku/(mu0' Ms) with its own mu0': same field in tesla
    state.material = {"Ms": Ms, "alpha": damping, "Ku": Ku * mn.constants.mu_0 / MU0,
                      "Ku_axis": [0.0, 0.0, 1.0]}
    state.m = state.Constant(list(m0))
    terms = [mn.UniaxialAnisotropyField(), mn.ExternalField([Bx / MU0, 0.0, 0.0]),
             MagnumSOTField(torque, pulse)]  # d: the mesh's z extent
    llg = mn.LLGSolver(terms, solver=mn.RKF45, atol=tol, rtol=tol)
    out = [state.m[0, 0, 0].numpy().copy()]
    for k in range(1, len(times)):
        llg.step(state, float(times[k] - times[k - 1]))
        assert abs(float(state.t) - times[k]) <= 1e-21
        out.append(state.m[0, 0, 0].numpy().copy())
    assert isinstance(state.m, torch.Tensor)
    return np.array(out), ref


@needs_magnumnp
@pytest.mark.parametrize("which", [FIG4A, "constant"])
def test_single_cell_follows_macrospin_short(mn, fig4, which):
    """0.3 ns through the pulse's rise; for Fig. 4(a) the trajectory crosses the jump at
    theta = 0.747 rad. Both integrators adaptive at 1e-10: each errs by < 1e-7 here."""
    got, ref = single_cell_case(mn, fig4, which, 0.3e-9, 1e-10)
    theta = np.arccos(ref[:, 2])
    if which == FIG4A:
        assert theta.max() > 0.747 + 0.05
    assert np.abs(got - ref).max() <= 1e-6


@pytest.mark.slow
@needs_magnumnp
@pytest.mark.parametrize("which", [FIG4A, FIG4B, "constant"])
def test_single_cell_follows_macrospin_1ns(mn, fig4, which):
    got, ref = single_cell_case(mn, fig4, which, 1e-9, 1e-10)
    assert np.abs(got - ref).max() <= 1e-6


# -- the study and the command line ----------------------------------------------------------
EXAMPLE_CONFIG = os.path.join(os.path.dirname(__file__), os.pardir, "examples", "configs",
                              "micromag.toml")


@needs_magnumnp
def test_cli_micromag_example_config(mn, tmp_path, capsys):
    """The example config (8 x 8 cells) end to end: the micromagnetic bracket's ends do what
    the bisection claims, the macrospin value is llgsot.critical_current's, figures exist."""
    import json

    import torch

    from llgsot.cli.main import main
    from llgsot.cli.micromag_cmd import load_config
    from llgsot.micromagnetics.switching import macrospin_of

    threads = torch.get_num_threads()
    try:
        assert main(["micromag", EXAMPLE_CONFIG, "-o", str(tmp_path), "--no-progress"]) == 0
    finally:
        torch.set_num_threads(threads)
    out = json.loads((tmp_path / "summary.json").read_text())
    (row,) = out["results"]
    layer, torques, pulse, st = load_config(EXAMPLE_CONFIG)
    ref = llgsot.critical_current(macrospin_of(layer), torques[row["torque"]], pulse,
                                  field=layer.field, bracket=tuple(st["macrospin_bracket"]),
                                  rtol=st["macrospin_rtol"], t_relax=st["relax"])
    assert row["macrospin_Jc"] == ref.value
    lo, hi = row["micromagnetic_bracket"]
    assert abs(hi - lo) <= st["rtol"] * abs(hi) and lo * hi > 0
    text = capsys.readouterr().out
    J_lo = [ln for ln in text.splitlines() if f"J = {lo:.4g} A/m^2" in ln]
    J_hi = [ln for ln in text.splitlines() if f"J = {hi:.4g} A/m^2" in ln]
    assert J_lo and "not switched" in J_lo[0] and J_hi and "-> switched" in J_hi[0]
    for name in ("critical_currents.png", "mz.png", "snapshots_0.png", "summary.md"):
        assert (tmp_path / name).stat().st_size > 0


def test_micromag_config_errors_name_the_key(tmp_path, capsys):
    from llgsot.cli.main import main

    with open(EXAMPLE_CONFIG) as f:
        text = f.read().replace('table = "../../tables/fig4.nc"',
                                f'table = "{os.path.abspath(TABLES)}"')
    for old, new, key in (("nx = 8", "nx = 0", "nx"), ("damping = 0.1", "damping = -1", "damping"),
                          ("rtol = 0.5 ", "rtol = 0.5\nbogus = 1 ", "study.bogus"),
                          ("tables = false", "tables = 3", "tables"),
                          ("[pulse]", "[pulsar]", "pulsar")):
        p = tmp_path / "c.toml"
        p.write_text(text.replace(old, new))
        assert main(["micromag", str(p), "-o", str(tmp_path / "o"), "--no-progress"]) == 2
        assert key in capsys.readouterr().err


def test_exported_magnumnp_script_runs_from_another_directory(fig4, tmp_path):
    """`llgsot table export --format magnumnp` output: the table path in the script is
    absolute, so it runs from any working directory and gives the reference field."""
    pytest.importorskip("torch", reason="torch (optional extra `magnumnp`) is not installed")
    from llgsot.cli.main import main

    script = tmp_path / "sot_term.py"
    rel = os.path.relpath(TABLES)  # relative to the test's cwd
    assert main(["table", "export", rel, "--format", "magnumnp", "-o", str(script),
                 "--ms", "8e5", "--thickness", "1e-9", "--nm-thickness", "5e-9",
                 "--current-density", "1e11", "--fermi-energy", "4.5e-3"]) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check = (
        "import runpy, types, numpy as np, torch, llgsot\n"
        f"ns = runpy.run_path({str(script)!r})\n"
        "m = np.random.default_rng(4).normal(size=(30, 1, 1, 3))\n"
        "m /= np.linalg.norm(m, axis=-1, keepdims=True)\n"
        "state = types.SimpleNamespace(m=torch.tensor(m), t=0.0, "
        "material={'Ms': torch.full((30, 1, 1, 1), 8e5, dtype=torch.float64)}, "
        "mesh=types.SimpleNamespace(n=(30, 1, 1), dx=(2e-9, 2e-9, 1e-9)))\n"
        "H = ns['sot'].h(state).numpy()\n"
        "from llgsot.export import Device\n"
        "from llgsot.constants import MU0\n"
        f"t = llgsot.TorqueTable(llgsot.load_table({os.path.abspath(TABLES)!r})"
        ".sel(fermi_energy=4.5e-3))\n"
        "ref = Device(8e5, 1e-9, 5e-9, 1e11).field(t, m.reshape(-1, 3)).reshape(m.shape) / MU0\n"
        "print(np.abs(H - ref).max() / np.abs(ref).max())\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir)),
         os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", check], cwd=elsewhere, env=env, check=True,
                         capture_output=True, text=True, timeout=300).stdout.split()
    assert float(out[-1]) <= 1e-12


def aharoni_nz(a, b, c):
    """N_z of a rectangular prism of half sides a, b (in plane), c (along z): Aharoni,
    J. Appl. Phys. 83, 3432 (1998), eq. (1)."""
    r = math.sqrt(a * a + b * b + c * c)
    rab, rbc, rac = math.hypot(a, b), math.hypot(b, c), math.hypot(a, c)
    s = ((b * b - c * c) / (2 * b * c) * math.log((r - a) / (r + a))
         + (a * a - c * c) / (2 * a * c) * math.log((r - b) / (r + b))
         + b / (2 * c) * math.log((rab + a) / (rab - a))
         + a / (2 * c) * math.log((rab + b) / (rab - b))
         + c / (2 * a) * math.log((rbc - b) / (rbc + b))
         + c / (2 * b) * math.log((rac - a) / (rac + a))
         + 2 * math.atan(a * b / (c * r))
         + (a**3 + b**3 - 2 * c**3) / (3 * a * b * c)
         + (a * a + b * b - 2 * c * c) / (3 * a * b * c) * r
         + c / (a * b) * (rac + rbc)
         - (rab**3 + rbc**3 + rac**3) / (3 * a * b * c))
    return s / math.pi


@needs_magnumnp
def test_macrospin_of_the_layer_has_the_prism_demag_factors(mn):
    """The macrospin's demag factors (from magnum.np's demag field of uniform states) against
    Aharoni's closed form for the same rectangular prism."""
    from llgsot.micromagnetics import FreeLayer, macrospin_of

    layer = FreeLayer(nx=12, ny=8, cell=4e-9, thickness=1e-9)
    magnet = macrospin_of(layer)
    a, b, c = 24e-9, 16e-9, 0.5e-9
    Nx, Ny, Nz = magnet.demag
    assert Nz == pytest.approx(aharoni_nz(a, b, c), rel=1e-4)
    assert Nx == pytest.approx(aharoni_nz(b, c, a), rel=1e-3)  # x as the "z" of a rotated prism
    assert Ny == pytest.approx(aharoni_nz(c, a, b), rel=1e-3)
    assert magnet.area == pytest.approx(48e-9 * 32e-9, rel=1e-15) and magnet.Ku == layer.Ku


@pytest.mark.slow
@pytest.mark.parametrize("which", ["default", "largest allowed"])
def test_thermal_field_gives_the_langevin_equilibrium(mn, which):
    """magnum.np's ThermalField with the adaptive RKF45 solver, as run_switching uses it
    (its default solver_tol, and the largest one it accepts with a thermal field): 256
    uncoupled 3 nm cubes (no exchange or demag term) in B = 1 T along z at 300 K. Their
    stationary <m_z> must be the Langevin function coth(x) - 1/x, x = Ms V B / (k_B T)
    (the Boltzmann distribution), within 4 standard errors of the time average (blocks of
    20 samples, 10 relaxation times each). Measured: +0.00024 +- 0.00061 at 1e-5 and
    +0.00093 +- 0.00069 at 1e-4; at 1e-3 the bias is +0.0048 +- 0.0005, refused."""
    import inspect

    import torch
    from scipy.constants import k as k_B

    from llgsot.micromagnetics.switching import THERMAL_MAX_SOLVER_TOL, run_switching

    tol = (inspect.signature(run_switching).parameters["solver_tol"].default
           if which == "default" else THERMAL_MAX_SOLVER_TOL)
    Ms, a, T, B = 1e6, 3e-9, 300.0, 1.0
    x = Ms * a**3 * B / (k_B * T)
    langevin = 1 / math.tanh(x) - 1 / x
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        state = mn.State(mn.Mesh((16, 16, 1), (a, a, a)))
        state.material = {"Ms": Ms, "A": 1e-11, "alpha": 0.1}
        state.m = state.Constant([0.0, 0.0, 1.0])
        state.T = T
        torch.manual_seed(2)
        llg = mn.LLGSolver([mn.ExternalField([0.0, 0.0, B / MU0]), mn.ThermalField()],
                           solver=mn.RKF45, atol=tol, rtol=tol)
        mz = []
        for _ in range(1500):  # 15 ns; relaxation time 1/(damping gamma B) = 57 ps
            llg.step(state, 10e-12)
            mz.append(state.m[..., 2].mean().item())
    finally:
        torch.set_default_dtype(before)
    blocks = np.asarray(mz[100:]).reshape(-1, 20).mean(1)  # 1 ns discarded
    err = blocks.std(ddof=1) / math.sqrt(blocks.size)
    assert abs(blocks.mean() - langevin) < 4 * err, (blocks.mean(), langevin, err)
    assert err < 1.5e-3  # the test resolves the 0.5 % bias of a too loose tolerance


@needs_magnumnp
def test_loose_solver_tolerance_refused_with_a_thermal_field():
    from llgsot.micromagnetics import FreeLayer
    from llgsot.micromagnetics.switching import run_switching

    layer = FreeLayer(nx=2, ny=2, temperature=300.0)
    pulse = llgsot.Pulse(amplitude=1e11, duration=1e-10)
    with pytest.raises(ValueError, match="solver_tol.*temperature = 300 K"):
        run_switching(layer, llgsot.ConstantSOT(0.1), pulse, solver_tol=1e-3)
    with pytest.raises(ValueError, match="solver_tol"):
        run_switching(layer, llgsot.ConstantSOT(0.1), pulse, solver_tol=-1.0)
    for key, bad in (("settle", 0.0), ("settle", 2.0), ("snapshot_times", [1e-10, -1e-10]),
                     ("max_wall", 0.0), ("seed", -1)):
        with pytest.raises((ValueError, TypeError), match=key):
            run_switching(layer, llgsot.ConstantSOT(0.1), pulse, **{key: bad})
