import math

import pytest

from llgsot import RashbaFM
from llgsot.constants import HBAR2_2ME_MEV_NM2

TA = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
          impurity_strength=0.1, cutoff=3.0)


def test_internal_units():
    p = RashbaFM(**TA).internal()
    # hbar^2/(2 m_e) = 38.0998 meV nm^2 (CODATA); alpha 1.7e-11 eV m = 17 meV nm
    assert HBAR2_2ME_MEV_NM2 == pytest.approx(38.0998212, rel=1e-7)
    assert p.c == pytest.approx(38.0998212 / 0.8, rel=1e-7)
    assert p.alpha == pytest.approx(17.0, rel=1e-12)
    assert p.delta == pytest.approx(5.0, rel=1e-12)
    assert p.n == pytest.approx(5e-4, rel=1e-12)
    assert p.W == pytest.approx(100.0, rel=1e-12)


@pytest.mark.parametrize("name,value,word", [
    ("m_eff", 0.0, "m_eff"), ("m_eff", -1.0, "m_eff"), ("impurity_density", 0.0, "impurity_density"),
    ("cutoff", -3.0, "cutoff"), ("impurity_strength", 0.0, "impurity_strength"),
    ("alpha", math.nan, "alpha"), ("delta_xc", math.inf, "delta_xc"), ("delta_xc", -1e-3, "delta_xc"),
])
def test_bad_parameters_name_themselves(name, value, word):
    with pytest.raises(ValueError, match=word):
        RashbaFM(**{**TA, name: value})


def test_attractive_impurities_allowed_and_frozen():
    m = RashbaFM(**{**TA, "impurity_strength": -0.1})
    assert m.impurity_strength == -0.1
    with pytest.raises(Exception):
        m.m_eff = 1.0  # frozen


def test_band_bottom_closed_form():
    # theta = 0, no Mexican hat when alpha^2/(2 delta) < c: bottom is E_-(0) = -delta
    m = RashbaFM(**TA)
    assert m.band_bottom(0.0) == pytest.approx(-5e-3, rel=1e-9)
    # strong Rashba, Mexican hat: min_k c k^2 - sqrt(a^2 k^2 + d^2) = -(a^2/(4c) + d^2 c / a^2)
    m2 = RashbaFM(**{**TA, "alpha": 5e-11, "delta_xc": 1e-3})
    p = m2.internal()
    expect = -(p.alpha**2 / (4 * p.c) + p.delta**2 * p.c / p.alpha**2) * 1e-3
    assert m2.band_bottom(0.0) == pytest.approx(expect, rel=1e-7)
    assert "eV m" in str(m)
