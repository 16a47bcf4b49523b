"""Exporters: backends of one table model (TorqueTable) to files other tools read.

* text (CSV, JSON): the tabulated data with units and provenance;
* mumax3: an .mx3 snippet adding B_SOT(m) through AddFieldTerm, with the angular dependence
  fitted as polynomials in m_z^2 (mumax3 has no table lookup);
* magnumnp: a field term object evaluated from the table itself (no fit).

OOMMF and Ubermag have no input for an m-dependent SOT field (their maintainers say so in
ubermag/help#247), so llgsot offers no exporter for them rather than a wrong one.
"""
from .text import to_csv, to_json
from .sotfield import SOTField
from .magnumnp import MagnumSOTField, to_magnumnp_script
from .mumax3 import to_mumax3

__all__ = ["MagnumSOTField", "SOTField", "to_csv", "to_json", "to_magnumnp_script", "to_mumax3"]
