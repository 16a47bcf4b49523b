"""Torque models: the table kernel against an independent implementation of the TorqueTable
contract, and the table-driven torque against ConstantSOT for a constant-coefficient table."""
import numpy as np
import pytest

import llgsot
from llgsot.constants import E_CHARGE, HBAR
from llgsot.dynamics import kernels as K


class FakeTable:
    """kernel_arrays() per the TorqueTable contract, from callables K0(theta) (N,3,2), sigma0 (N,2,2)."""

    def __init__(self, theta, K0, dK0, s0, ds0, delta_xc, drop=()):
        values = np.concatenate([K0.reshape(-1, 6), s0.reshape(-1, 4)], axis=1)
        slopes = np.concatenate([dK0.reshape(-1, 6), ds0.reshape(-1, 4)], axis=1)
        self.arrays = {"theta": theta, "values": values, "slopes": slopes, "delta_xc_J": delta_xc}
        for k in drop:
            del self.arrays[k]

    def kernel_arrays(self):
        return dict(self.arrays)


def constant_coefficient_table(c_fl, c_dl, sigma0, delta_xc, n=181):
    """K E = c_FL (z x E) + c_DL m x (z x E) at phi = 0 and sigma = sigma0 * 1.

    For m = (sin th, 0, cos th): K e_x = (-c_DL cos th, c_FL, c_DL sin th),
    K e_y = (-c_FL, -c_DL cos th, 0).
    """
    th = np.linspace(0, np.pi, n)
    c, s = np.cos(th), np.sin(th)
    K0 = np.zeros((n, 3, 2))
    dK = np.zeros((n, 3, 2))
    K0[:, 0, 0], dK[:, 0, 0] = -c_dl * c, c_dl * s
    K0[:, 1, 0] = c_fl
    K0[:, 2, 0], dK[:, 2, 0] = c_dl * s, c_dl * c
    K0[:, 0, 1] = -c_fl
    K0[:, 1, 1], dK[:, 1, 1] = -c_dl * c, c_dl * s
    s0 = np.tile(sigma0 * np.eye(2), (n, 1, 1))
    return FakeTable(th, K0, dK, s0, np.zeros_like(s0), delta_xc)


def reference_field(table, m, J, t_nm, Ms, d, jhat):
    """The contract, literally: Hermite cubic in theta, R3/R2 rotation matrices, np.linalg.solve."""
    a = table.kernel_arrays()
    th_n, val, slo = a["theta"], a["values"], a["slopes"]
    th = np.arccos(np.clip(m[2], -1, 1))
    ph = np.arctan2(m[1], m[0])
    i = np.searchsorted(th_n, th, side="right") - 1
    i = min(max(i, 0), th_n.size - 2)
    while th_n[i + 1] == th_n[i]:
        i -= 1
    h = th_n[i + 1] - th_n[i]
    u = (th - th_n[i]) / h
    y = ((2 * u**3 - 3 * u**2 + 1) * val[i] + (u**3 - 2 * u**2 + u) * h * slo[i]
         + (-2 * u**3 + 3 * u**2) * val[i + 1] + (u**3 - u**2) * h * slo[i + 1])
    K0 = y[:6].reshape(3, 2)
    s0 = y[6:].reshape(2, 2)
    c, s = np.cos(ph), np.sin(ph)
    R3 = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    R2 = R3[:2, :2]
    Km = R3 @ K0 @ R2.T
    sm = R2 @ s0 @ R2.T
    E = np.linalg.solve(sm, J * t_nm * np.asarray(jhat))
    return a["delta_xc_J"] * (Km @ E) / (Ms * d)


def kernel_field(torque, mag, m, J):
    entries, geom, coef = torque.kernel_setup(mag)
    par = K.make_params(**entries)
    out = np.empty_like(m)
    K.sot_many(np.ascontiguousarray(m), float(J), par, geom, coef, out)
    return out


def random_unit(rng, n):
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1)[:, None]


MAG = llgsot.Macrospin(Ms=1.1e6, thickness=1.2e-9, area=1e-16, damping=0.02, Ku=8e5)


@pytest.mark.parametrize("n_nodes", [37, 7])  # 7 nodes: segments wider than the atan series range
def test_table_kernel_matches_contract_reference(n_nodes):
    rng = np.random.default_rng(1)
    th = np.linspace(0, np.pi, n_nodes)
    th = np.sort(np.concatenate([th, [1.1]]))  # one jump at theta = 1.1
    n = th.size
    K0 = rng.normal(size=(n, 3, 2)) * 1e9
    dK = rng.normal(size=(n, 3, 2)) * 1e9
    s0 = np.array([[2e-3, 3e-4], [-3e-4, 1.5e-3]]) + rng.normal(size=(n, 2, 2)) * 1e-4
    ds = rng.normal(size=(n, 2, 2)) * 1e-4
    table = FakeTable(th, K0, dK, s0, ds, delta_xc=8e-22)
    jhat = np.array([np.cos(0.4), np.sin(0.4)])
    tq = llgsot.TableSOT(table, nm_thickness=4e-9, current_direction=jhat)
    m = random_unit(rng, 400)
    J = -2.3e11
    got = kernel_field(tq, MAG, m, J)
    ref = np.array([reference_field(table, mm, J, 4e-9, MAG.Ms, MAG.thickness, jhat) for mm in m])
    scale = np.max(np.abs(ref))
    # same formula, different rounding paths (arccos vs the exact segment angle): ~1e-13
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-11 * scale)


def test_table_jump_takes_each_side_limit():
    th = np.array([0.0, 1.0, 1.0, np.pi])
    n = th.size
    K0 = np.zeros((n, 3, 2))
    K0[:2, 2, 0] = 1e9  # K_zx = 1e9 left of the jump, 3e9 right of it
    K0[2:, 2, 0] = 3e9
    s0 = np.tile(np.eye(2) * 1e-3, (n, 1, 1))
    table = FakeTable(th, K0, np.zeros_like(K0), s0, np.zeros_like(s0), delta_xc=1e-21)
    tq = llgsot.TableSOT(table, 5e-9)
    m = np.array([[np.sin(1 - 1e-9), 0, np.cos(1 - 1e-9)], [np.sin(1 + 1e-9), 0, np.cos(1 + 1e-9)]])
    b = kernel_field(tq, MAG, m, 1e11)
    pref = 1e-21 * 5e-9 * 1e11 / (1e-3 * MAG.Ms * MAG.thickness)
    np.testing.assert_allclose(b[:, 2], [1e9 * pref, 3e9 * pref], rtol=1e-12, atol=0)


def _equivalent_pair(theta_sh=0.2, ratio=-0.4, sigma0=2e-3, delta_xc=8e-22, t_nm=4e-9, n=181):
    # b_DL = delta_xc c_DL J t_NM / (sigma0 Ms d) = hbar theta J / (2 |e| Ms d)
    c_dl = HBAR * theta_sh * sigma0 / (2 * E_CHARGE * delta_xc * t_nm)
    table = constant_coefficient_table(ratio * c_dl, c_dl, sigma0, delta_xc, n=n)
    return (llgsot.TableSOT(table, t_nm), llgsot.ConstantSOT(theta_sh, ratio, polarization=(0, 1, 0)))


def test_constant_coefficient_table_equals_constant_sot_pointwise():
    """Hermite interpolation of cos/sin on a pi/180 grid: relative error <= h^4/384 = 2.4e-10."""
    tab, const = _equivalent_pair()
    m = random_unit(np.random.default_rng(2), 500)
    bt = kernel_field(tab, MAG, m, 1.7e11)
    bc = kernel_field(const, MAG, m, 1.7e11)
    h = np.pi / 180
    np.testing.assert_allclose(bt, bc, rtol=0, atol=2 * h**4 / 384 * np.max(np.abs(bc)))
    # and the closed form of ConstantSOT: b_DL = hbar theta J / (2 |e| Ms d)
    bdl = HBAR * 0.2 * 1.7e11 / (2 * E_CHARGE * MAG.Ms * MAG.thickness)
    p = np.array([0, 1.0, 0])
    np.testing.assert_allclose(bc, bdl * np.cross(m, p) - 0.4 * bdl * p, rtol=1e-14, atol=1e-14 * bdl)


def test_constant_coefficient_table_trajectory_equals_constant_sot():
    """Whole trajectories agree to the RK4 error (step-doubling estimate) plus the effect of the
    table's interpolation error eps = h^4/384 on the field, at most gamma eps |B_SOT| t_end."""
    n = 2001
    tab, const = _equivalent_pair(n=n)
    pulse = llgsot.Pulse(-1.2e12, 1e-9, rise=0.2e-9, fall=0.2e-9)
    kw = dict(current=pulse, field=(0.02, 0, 0), m0=(0.05, 0, np.sqrt(1 - 0.0025)),
              t_end=3e-9, save_every=10)
    run_t = llgsot.simulate(MAG, tab, dt=1e-13, **kw).m.values
    run_c = llgsot.simulate(MAG, const, dt=1e-13, **kw).m.values
    run_c2 = llgsot.simulate(MAG, const, dt=2e-13, **kw).m.values[::1]
    integ_err = np.max(np.abs(run_c[::2] - run_c2)) * 16 / 15  # RK4 step-doubling estimate at 2e-13
    diff = np.max(np.abs(run_t - run_c))
    h = np.pi / (n - 1)
    interp = MAG.gamma * h**4 / 384 * const.max_field(MAG, 1.2e12) * 3e-9
    assert diff <= integ_err + interp
    assert np.ptp(run_c[:, 0, 2]) > 0.5  # the pulse really moves m


def test_ensemble_direction_and_sign_conventions():
    """b_DL > 0 turns m toward +p; table with current along +y has p = z x y = -x."""
    th_sh = 0.3
    const = llgsot.ConstantSOT(th_sh)
    m = np.array([[0.0, 0.0, 1.0]])
    b = kernel_field(const, MAG, m, 1e11)  # m x p = z x y = -x
    assert b[0, 0] < 0 and abs(b[0, 1]) == 0 and abs(b[0, 2]) == 0
    tab, _ = _equivalent_pair(ratio=0.0)
    tab_y = llgsot.TableSOT(tab.table, tab.nm_thickness, current_direction=(0, 1))
    const_y = llgsot.ConstantSOT(0.2, 0.0, polarization=(-1, 0, 0))
    mm = random_unit(np.random.default_rng(3), 50)
    np.testing.assert_allclose(kernel_field(tab_y, MAG, mm, 1e11), kernel_field(const_y, MAG, mm, 1e11),
                               rtol=0, atol=1e-9 * np.max(np.abs(kernel_field(const_y, MAG, mm, 1e11))))


@pytest.mark.parametrize("key", ["theta", "values", "slopes", "delta_xc_J"])
def test_table_missing_variable_is_named(key):
    tab, _ = _equivalent_pair()
    a = tab.table.kernel_arrays()
    fake = FakeTable(a["theta"], np.zeros((181, 3, 2)), np.zeros((181, 3, 2)),
                     np.tile(np.eye(2), (181, 1, 1)), np.zeros((181, 2, 2)), 1e-21, drop=(key,))
    with pytest.raises(ValueError, match=key):
        llgsot.TableSOT(fake, 1e-9)


def test_table_validation():
    th = np.linspace(0, np.pi / 2, 5)  # does not cover [0, pi]
    z = np.zeros((5, 3, 2))
    s = np.tile(np.eye(2), (5, 1, 1))
    with pytest.raises(ValueError, match=r"\[0, pi\]"):
        llgsot.TableSOT(FakeTable(th, z, z, s, 0 * s, 1e-21), 1e-9)
    th = np.linspace(0, np.pi, 5)
    with pytest.raises(ValueError, match="nm_thickness"):
        llgsot.TableSOT(FakeTable(th, z, z, s, 0 * s, 1e-21), -1e-9)
    with pytest.raises(ValueError, match="invertible"):
        llgsot.TableSOT(FakeTable(th, z, z, 0 * s, 0 * s, 1e-21), 1e-9)


def test_torque_objects_share_the_declared_interface():
    """ConstantSOT and TableSOT are Torques; the base class only declares the interface (an
    incomplete subclass fails loudly), and simulate refuses what is not a Torque."""
    from llgsot.dynamics import Torque

    tab, const = _equivalent_pair()
    for t in (tab, const):
        assert isinstance(t, Torque)
        for name in ("field", "kernel_setup", "max_field", "as_attrs"):
            assert getattr(type(t), name) is not getattr(Torque, name), name

    class Half(Torque):
        pass

    with pytest.raises(NotImplementedError):
        Half().field(np.array([0.0, 0.0, 1.0]), 1e11, 1e6, 1e-9)
    with pytest.raises(TypeError, match="torque"):
        llgsot.simulate(MAG, object(), t_end=1e-12, dt=1e-13)
