"""Parameter studies on top of :func:`llgsot.simulate`: critical currents, switching
probabilities, diagrams and precession sweeps, run on any executor with checkpoints."""
from .critical import CriticalCurrent, critical_current
from .diagrams import precession_sweep, switching_diagram
from .sweep import run_grid
from .thermal import switching_probability

__all__ = ["CriticalCurrent", "critical_current", "precession_sweep", "run_grid",
           "switching_diagram", "switching_probability"]
