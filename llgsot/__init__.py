"""llgsot: nonperturbative spin-orbit torques of 2D Rashba ferromagnets and the macrospin
LLG dynamics they drive.

Data flow: RashbaFM -> response -> build_table -> TorqueTable ->
TableSOT/ConstantSOT -> simulate -> studies. Heavy submodules are imported lazily so that
``import llgsot`` stays fast.
"""
from importlib import import_module

from .model import RashbaFM

__version__ = "0.1.0"

_LAZY = {
    "response": "llgsot.solver.response",
    "Response": "llgsot.solver.response",
    "build_table": "llgsot.tables.build",
    "TorqueTable": "llgsot.tables.interpolate",
    "load_table": "llgsot.tables.store",
    "save_table": "llgsot.tables.store",
    "Macrospin": "llgsot.dynamics.magnet",
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

__all__ = ["RashbaFM", "__version__", *_LAZY]


def __getattr__(name):
    modname = _LAZY.get(name)
    if modname is None:
        raise AttributeError(f"module 'llgsot' has no attribute {name!r}")
    try:
        mod = import_module(modname)
    except ModuleNotFoundError as exc:  # a capability whose issue is still open
        if exc.name == modname:
            raise AttributeError(f"llgsot.{name} is not available yet ({modname} missing)") from None
        raise
    value = getattr(mod, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
