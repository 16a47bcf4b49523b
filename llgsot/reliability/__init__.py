"""Error rates of a macrospin free layer: write errors, read disturb and retention.

Modules: :mod:`.fokker_planck` (the axially symmetric Fokker-Planck route),
:mod:`.sampling` (Boltzmann initial states), :mod:`.splitting` (adaptive multilevel
splitting and direct ensembles on the batch engine :mod:`llgsot.dynamics.ensemble`),
:mod:`.rates` (``write_error_rate``, ``read_disturb_rate``), :mod:`.sweep` (the waterfall),
:mod:`.retention`.
"""
