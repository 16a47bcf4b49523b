"""Physical constants (CODATA via :mod:`scipy.constants`), each with its unit.

The response solver works internally in meV (energy) and nm (length) with hbar = 1;
the conversion factors to and from SI live here and nowhere else.
"""
from scipy import constants as _c

#: Elementary charge magnitude |e| (C). The electron charge is ``-E_CHARGE``.
E_CHARGE = _c.e
#: Electron charge e < 0 (C), the sign convention of docs/physics.md sec. 1.
ELECTRON_CHARGE = -_c.e
#: Reduced Planck constant (J s).
HBAR = _c.hbar
#: Electron rest mass (kg).
M_ELECTRON = _c.m_e
#: Vacuum permeability (T m / A).
MU0 = _c.mu_0
#: Boltzmann constant (J/K).
K_B = _c.k
#: Electron gyromagnetic ratio magnitude gamma_e = 2 mu_B g/2 / hbar (rad s^-1 T^-1), CODATA.
GAMMA_E = _c.physical_constants["electron gyromag. ratio"][0]

#: One electronvolt (J).
EV = _c.e
#: One meV (J): the solver's internal energy unit.
MEV = 1e-3 * _c.e
#: One nm (m): the solver's internal length unit.
NM = 1e-9
#: hbar^2 / (2 m_e) in meV nm^2 (divide by m_eff for the band curvature c = hbar^2/(2 m*)).
HBAR2_2ME_MEV_NM2 = _c.hbar**2 / (2 * _c.m_e) / MEV / NM**2

# -- the solver's internal units (meV, nm, hbar = 1) from the public ones ----------------------
#: eV -> meV
EV_TO_MEV = 1e3
#: meV -> eV
MEV_TO_EV = 1e-3
#: eV m -> meV nm (a spin-orbit coupling such as alpha)
EVM_TO_MEVNM = 1e12
#: m^-2 -> nm^-2 (an areal density)
PER_M2_TO_PER_NM2 = 1e-18
#: eV nm^2 -> meV nm^2 (an impurity strength W~)
EVNM2_TO_MEVNM2 = 1e3
#: hbar (eV s): hbar v in eV m for a velocity v in m/s
HBAR_EV_S = _c.hbar / _c.e
