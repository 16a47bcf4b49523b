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
