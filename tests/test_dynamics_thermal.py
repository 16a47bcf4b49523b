"""Stochastic LLG (Heun, Stratonovich, Brown's thermal field): Boltzmann equilibrium and seeds.

Uniaxial macrospin (demag off), energy Ku V (1 - m_z^2): on the sphere the equilibrium density
of m_z is p(m_z) ~ exp(xi m_z^2), xi = Ku V/(k_B T), on [-1, 1]. Members are independent
(separate seeds), so m_z of all members at one time is an i.i.d. sample once equilibrated.
Equilibration: damping 0.5, in-well relaxation 1/(a gamma' B_K) ~ 70 ps, barrier xi = 1.5
crossed every ~0.3 ns; sampled at 2 ns and 4 ns (well separated, so 2 x 4096 nearly independent
draws). Heun's weak error is O(dt): with a thermal kick gamma sigma dt ~ 0.03 rad it is far
below the KS resolution (~0.02 in the CDF at 8192 samples). Test: KS and chi-square
(20 equiprobable bins) p-values > 1e-3 (fixed seed, so deterministic; a correct sampler fails
with probability 1e-3 per seed).
"""
import numba
import numpy as np
import pytest
from scipy import integrate, stats

import llgsot
from llgsot.constants import K_B

KU, MS, T, XI = 1e5, 1e6, 300.0, 1.5
V = XI * K_B * T / KU
MAG = llgsot.Macrospin(Ms=MS, thickness=2e-9, area=V / 2e-9, damping=0.5, Ku=KU, demag=(0, 0, 0))


def cdf(x):
    z = integrate.quad(lambda s: np.exp(XI * s * s), -1, 1)[0]
    return np.array([integrate.quad(lambda s: np.exp(XI * s * s), -1, xx)[0] / z
                     for xx in np.atleast_1d(x)])


def test_boltzmann_distribution_of_mz():
    ds = llgsot.simulate(MAG, None, 0.0, m0=(0, 0, 1), t_end=4e-9, dt=1e-13, method="heun",
                         temperature=T, members=4096, seed=20240611, save_every=20000)
    assert int(ds.status.max()) == 0
    mz = ds.m.sel(component="z").sel(time=[2e-9, 4e-9], method="nearest").values.ravel()
    ks = stats.kstest(mz, lambda x: cdf(x))
    assert ks.pvalue > 1e-3
    edges = np.interp(np.linspace(0, 1, 21), cdf(np.linspace(-1, 1, 401)), np.linspace(-1, 1, 401))
    counts = np.histogram(mz, bins=edges)[0]
    chi2 = stats.chisquare(counts)
    assert chi2.pvalue > 1e-3
    # the distribution really is bimodal and not uniform: <m_z^2> vs Boltzmann
    m2 = integrate.quad(lambda s: s * s * np.exp(XI * s * s), -1, 1)[0] / integrate.quad(
        lambda s: np.exp(XI * s * s), -1, 1)[0]
    se = np.std(mz**2) / np.sqrt(mz.size)
    assert abs(np.mean(mz**2) - m2) < 4 * se


def _thermal_run(threads, members=6, seed=7):
    old = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        return llgsot.simulate(MAG, llgsot.ConstantSOT(0.1), 1e11, m0=(0, 0, 1), t_end=2e-10,
                               dt=1e-13, method="heun", temperature=T, members=members, seed=seed,
                               save_every=100)
    finally:
        numba.set_num_threads(old)


def test_seed_reproducibility_independent_of_threads_and_members():
    a = _thermal_run(1)
    b = _thermal_run(min(2, numba.config.NUMBA_NUM_THREADS))
    np.testing.assert_array_equal(a.m.values, b.m.values)
    np.testing.assert_array_equal(a.seed.values, b.seed.values)
    c = _thermal_run(2, members=3)  # member k does not depend on the ensemble size
    np.testing.assert_array_equal(a.m.values[:, :3], c.m.values)
    d = _thermal_run(2, seed=8)
    assert np.all(np.abs(d.m.values[-1] - a.m.values[-1]).max(axis=1) > 0)
    # members differ from each other
    assert np.unique(a.m.values[-1, :, 0]).size == a.sizes["member"]


def test_no_seed_records_entropy():
    a = _thermal_run(2, seed=None)
    seed = int(a.attrs["seed_entropy"])
    b = _thermal_run(2, seed=seed)
    np.testing.assert_array_equal(a.m.values, b.m.values)


@pytest.mark.slow
def test_boltzmann_distribution_higher_barrier_small_step():
    """xi = 3, dt = 5e-14, 16384 members: tighter test of the same convention.

    At xi = 3 the escape time between the two wells (~tau0 e^3) is not short against 6 ns,
    so a population started in one well has not equilibrated between wells (KS p ~ 1e-27
    when every member starts at +z). By symmetry the equilibrium holds half of the weight
    in each well: start half the members at +z and half at -z, so that only the fast
    within-well relaxation is needed.
    """
    xi = 3.0
    v = xi * K_B * T / KU
    mag = llgsot.Macrospin(Ms=MS, thickness=2e-9, area=v / 2e-9, damping=0.5, Ku=KU, demag=(0, 0, 0))
    m0 = np.zeros((16384, 3))
    m0[:, 2] = np.where(np.arange(16384) % 2 == 0, 1.0, -1.0)
    ds = llgsot.simulate(mag, None, 0.0, m0=m0, t_end=6e-9, dt=5e-14, method="heun",
                         temperature=T, members=16384, seed=3, save_every=40000)
    mz = ds.m.sel(component="z").sel(time=[2e-9, 4e-9, 6e-9], method="nearest").values.ravel()
    z = integrate.quad(lambda s: np.exp(xi * s * s), -1, 1)[0]

    def c(x):
        return np.array([integrate.quad(lambda s: np.exp(xi * s * s), -1, xx)[0] / z
                         for xx in np.atleast_1d(x)])
    assert stats.kstest(mz, c).pvalue > 1e-3
