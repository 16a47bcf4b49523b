"""``llgsot fit DATA.csv CONFIG.toml``: fit the model to measured torque efficiencies.

DATA.csv: a header row, then one row per angle; column ``theta`` (rad) and, for any subset
of tau1e, tau2e, tau1o, tau2o (1/(A m)), the value column ``NAME`` and its standard
uncertainty ``NAME_err``. Lines starting with ``#`` are comments.

CONFIG.toml: ``[model]`` (the fixed values and the starts of the free ones, as for the other
commands), ``[fit]`` with the keyword parameters of :func:`llgsot.fit_torques`
(``fermi_energy`` in eV, the start if free, and ``free``, a list of names, required), and
optionally ``[bounds]`` with ``NAME = [low, high]`` in the parameter's units for free
parameters (every key: docs/cli.md).
"""
from __future__ import annotations

import json


from .config import command_sections, load_toml, model_from, output_path, section, unknown_sections

EFFICIENCIES = ("tau1e", "tau2e", "tau1o", "tau2o")


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
    """(theta, data, sigma) from the CSV described in the module docstring
    (:func:`llgsot._io.read_csv`: a byte-order mark is ignored; other encodings, repeated
    columns, ragged rows and cells that are not numbers are errors naming the file)."""
    from .._io import read_csv

    name = f"data file {str(path)!r}"
    head, _, table = read_csv(path)
    if not len(table):
        raise ValueError(f"{name} needs a header row and at least one data row")
    if "theta" not in head:
        raise ValueError(f"{name}: no 'theta' column (got {head})")
    col = {h: table[:, i] for i, h in enumerate(head)}
    data, sigma = {}, {}
    for k in EFFICIENCIES:
        if k in col:
            if k + "_err" not in col:
                raise ValueError(f"{name}: column {k!r} needs {k + '_err'!r}")
            data[k], sigma[k] = col[k], col[k + "_err"]
    unknown = set(head) - {"theta"} - set(data) - {k + "_err" for k in data}
    if unknown:
        raise ValueError(f"{name}: unknown columns {sorted(unknown)} "
                         f"(allowed: theta, {', '.join(EFFICIENCIES)} and their _err)")
    if not data:
        raise ValueError(f"{name}: no efficiency columns ({', '.join(EFFICIENCIES)})")
    return col["theta"], data, sigma


def run(args) -> int:
    import warnings

    if args.plot is not None:
        output_path("--plot", args.plot)
    theta, data, sigma = read_data(args.data)
    from ..fitting import FitWarning, fit_torques

    cfg = load_toml(args.config)
    unknown_sections(cfg, command_sections("fit"))
    fit = section(cfg, "fit")
    bounds = section(cfg, "bounds", required=False)
    model = model_from(cfg)
    free = fit["free"] if isinstance(fit["free"], list) else [fit["free"]]
    for k in bounds:
        if k not in free:
            raise ValueError(f"config: bounds.{k} is given but {k} is not in fit.free {free}")
    with warnings.catch_warnings():
        if args.json:  # the warnings are in the JSON
            warnings.simplefilter("ignore", FitWarning)
        res = fit_torques(theta, data, sigma, model, bounds=bounds or None, **fit)
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
