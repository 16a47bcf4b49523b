"""``llgsot fit DATA.csv CONFIG.toml``: fit the model to measured torque efficiencies.

DATA.csv: a header row, then one row per angle; column ``theta`` (rad) and, for any subset
of tau1e, tau2e, tau1o, tau2o (1/(A m)), the value column ``NAME`` and its standard
uncertainty ``NAME_err``. Lines starting with ``#`` are comments.

CONFIG.toml: ``[model]`` (the fixed values and the starts of the free ones, as for the other
commands), ``[fit]`` with ``fermi_energy`` (eV, the start if free), ``free`` (list of names)
and optionally ``regime``, ``approximation``, ``temperature`` (K), ``rtol``, ``n_starts``;
``[bounds]`` optionally ``NAME = [low, high]`` in the parameter's units.
"""
from __future__ import annotations

import csv
import json

import numpy as np

from .config import NUMBER, load_toml, model_from, section, unknown_sections

EFFICIENCIES = ("tau1e", "tau2e", "tau1o", "tau2o")
FIT_SPEC = {
    "fermi_energy": (NUMBER, True, None), "free": (str, True, None),
    "regime": (str, False, "finite"), "approximation": (str, False, "tmatrix"),
    "temperature": (NUMBER, False, 0.0), "rtol": (NUMBER, False, 1e-6),
    "n_starts": (int, False, 3),
}


def register(sub):
    p = sub.add_parser("fit", help="fit model parameters to measured torque efficiencies",
                       description="Fit free model parameters to angle-dependent torque "
                                   "efficiencies (1/(A m)) with 95 % profile-likelihood "
                                   "intervals. See docs/fitting.md.")
    p.add_argument("data", help="CSV: theta (rad), NAME and NAME_err columns for tau1e..tau2o")
    p.add_argument("config", help="TOML: [model], [fit] (fermi_energy, free, ...), [bounds]")
    p.add_argument("--json", action="store_true", help="print one strict JSON object")
    p.add_argument("--plot", metavar="PATH", help="write a figure of data, fit and profiles")
    p.set_defaults(func=run)


def read_data(path):
    """(theta, data, sigma) from the CSV described in the module docstring."""
    try:
        with open(path, newline="") as fh:
            rows = [r for r in csv.reader(fh) if r and not r[0].lstrip().startswith("#")]
    except FileNotFoundError:
        raise ValueError(f"data file {str(path)!r} not found") from None
    if len(rows) < 2:
        raise ValueError(f"data file {str(path)!r} needs a header row and at least one data row")
    head = [h.strip() for h in rows[0]]
    if "theta" not in head:
        raise ValueError(f"data file {str(path)!r}: no 'theta' column (got {head})")
    try:
        table = np.array([[float(x) for x in r] for r in rows[1:]])
    except ValueError as exc:
        raise ValueError(f"data file {str(path)!r}: {exc}") from None
    if table.shape[1] != len(head):
        raise ValueError(f"data file {str(path)!r}: rows must have {len(head)} columns")
    col = {h: table[:, i] for i, h in enumerate(head)}
    data, sigma = {}, {}
    for k in EFFICIENCIES:
        if k in col:
            if k + "_err" not in col:
                raise ValueError(f"data file {str(path)!r}: column {k!r} needs {k + '_err'!r}")
            data[k], sigma[k] = col[k], col[k + "_err"]
    unknown = set(head) - {"theta"} - set(data) - {k + "_err" for k in data}
    if unknown:
        raise ValueError(f"data file {str(path)!r}: unknown columns {sorted(unknown)} "
                         f"(allowed: theta, {', '.join(EFFICIENCIES)} and their _err)")
    if not data:
        raise ValueError(f"data file {str(path)!r}: no efficiency columns ({', '.join(EFFICIENCIES)})")
    return col["theta"], data, sigma


def run(args) -> int:
    import warnings

    from ..fitting import FitWarning, fit_torques

    theta, data, sigma = read_data(args.data)
    cfg = load_toml(args.config)
    unknown_sections(cfg, ("model", "fit", "bounds"))
    model = model_from(cfg)
    fit = section(cfg, "fit", FIT_SPEC)
    free = fit["free"] if isinstance(fit["free"], list) else [fit["free"]]
    bounds = cfg.get("bounds", {})
    for k, b in bounds.items():
        if not (isinstance(b, list) and len(b) == 2 and all(isinstance(x, NUMBER) for x in b)):
            raise ValueError(f"config: bounds.{k} must be [low, high], got {b!r}")
    with warnings.catch_warnings():
        if args.json:  # the warnings are in the JSON
            warnings.simplefilter("ignore", FitWarning)
        res = fit_torques(theta, data, sigma, model, fit["fermi_energy"], free,
                          bounds={k: tuple(b) for k, b in bounds.items()} or None,
                          regime=fit["regime"], approximation=fit["approximation"],
                          temperature=fit["temperature"], rtol=fit["rtol"],
                          n_starts=fit["n_starts"])
    if args.plot:
        from ..fitting.plotting import plot_fit

        plot_fit(res, path=args.plot, close=True)
    if args.json:
        out = res.to_dict()
        if args.plot:
            out["plot"] = args.plot
        print(json.dumps(out, allow_nan=False))
    else:
        print(res.summary())
        if args.plot:
            print(f"wrote {args.plot}")
    return 0
