"""llgsot: nonperturbative spin-orbit torques of 2D magnets (Rashba, Rashba + Dresselhaus, Dirac) and the macrospin
LLG dynamics they drive.

Data flow: RashbaFM -> response -> build_table -> TorqueTable ->
TableSOT/ConstantSOT -> simulate -> studies. Heavy submodules are imported lazily so that
``import llgsot`` stays fast.
"""
from ._lazy import lazy_names
from .model import RashbaFM
from .models import DiracFM, RashbaDresselhausFM

__version__ = "0.1.0"

_LAZY = {
    "response": "llgsot.solver.response",
    "Response": "llgsot.solver.response",
    "build_table": "llgsot.tables.build",
    "TorqueTable": "llgsot.tables.interpolate",
    "SphereTable": "llgsot.tables.sphere.table",
    "open_table": "llgsot.tables.interpolate",
    "build_sphere_table": "llgsot.tables.sphere.build",
    "load_table": "llgsot.tables.store",
    "save_table": "llgsot.tables.store",
    "Macrospin": "llgsot.dynamics.magnet",
    "SOTCell": "llgsot.dynamics.cell",
    "Pulse": "llgsot.dynamics.drive",
    "Waveform": "llgsot.dynamics.drive",
    "IntegrationError": "llgsot.dynamics.simulate",
    "ConstantSOT": "llgsot.dynamics.torques",
    "TableSOT": "llgsot.dynamics.torques",
    "simulate": "llgsot.dynamics.simulate",
    "critical_current": "llgsot.studies.critical",
    "switching_diagram": "llgsot.studies.diagrams",
    "precession_sweep": "llgsot.studies.diagrams",
    "switching_probability": "llgsot.studies.thermal",
    "harmonic_hall": "llgsot.measurements.harmonic_hall",
    "analyze_harmonic_hall": "llgsot.measurements.hall_analysis",
    "st_fmr": "llgsot.measurements.st_fmr",
    "analyze_st_fmr": "llgsot.measurements.fmr_analysis",
    "write_error_rate": "llgsot.reliability.rates",
    "read_disturb_rate": "llgsot.reliability.rates",
    "write_error_map": "llgsot.reliability.sweep",
    "retention": "llgsot.reliability.retention",
    "fit_torques": "llgsot.fitting",
    "fit_hall_fields": "llgsot.fitting",
}

__all__ = ["DiracFM", "RashbaDresselhausFM", "RashbaFM", "__version__", *_LAZY]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
