"""What the analyses check of the dataset they are given (one check for both)."""
from __future__ import annotations

import warnings


def check_dataset(ds, measurement, variables, caller):
    """Refuse a dataset that lacks ``variables`` or says it is another measurement (its
    ``measurement`` attribute; a dataset without one, e.g. measured data, is accepted); warn
    about points flagged ``converged`` = 0."""
    import xarray as xr

    if not isinstance(ds, xr.Dataset):
        raise ValueError(f"{caller}: `ds` must be an xarray.Dataset from llgsot.{measurement}, "
                         f"got {type(ds).__name__}")
    got = ds.attrs.get("measurement")
    missing = [name for name in variables if name not in ds]
    if (got is not None and got != measurement) or missing:
        raise ValueError(f"{caller}: `ds` must come from llgsot.{measurement} (variables "
                         f"{', '.join(variables)}); got measurement={got!r}"
                         + (f", missing {missing}" if missing else ""))
    if "converged" in ds and not bool(ds["converged"].all()):
        bad = int((ds["converged"] == 0).sum())
        warnings.warn(f"{caller}: {bad} of {ds['converged'].size} points of `ds` are flagged "
                      "converged = 0 (equilibrium not found or unstable); the analysis uses them",
                      stacklevel=3)


def warn_unresolved(result, names, caller, unit):
    """Warn about each result ``name`` whose own error estimate ``name_err`` exceeds it (at
    any frequency): the number is then consistent with zero and says nothing by itself."""
    import numpy as np

    for name in names:
        val = np.abs(np.atleast_1d(np.asarray(result[name], float)))
        err = np.atleast_1d(np.asarray(result[name + "_err"], float))
        bad = ~(err <= val)  # NaN errors count as unresolved too
        if bad.any():
            i = int(np.argmax(bad))
            warnings.warn(f"{caller}: {name} = {np.atleast_1d(result[name])[i]:.3g} {unit} has an "
                          f"error estimate {err[i]:.3g} {unit} larger than itself (consistent "
                          "with zero: not resolved by this sweep)", stacklevel=3)
