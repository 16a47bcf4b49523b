"""The argument set the sweep commands share (``llgsot diagram``, ``llgsot wer``): a config file,
a netCDF output, an optional figure, a checkpoint to resume a killed sweep, and --no-progress."""
from __future__ import annotations


def sweep_parser(sub, name: str, help: str, description: str, config_help: str, plot_help: str,
                 func):
    """Add the sweep command ``name`` to the subparsers ``sub``; returns its parser."""
    p = sub.add_parser(name, help=help, description=description)
    p.add_argument("config", help=config_help)
    p.add_argument("-o", "--output", required=True, help="netCDF file")
    p.add_argument("--plot", help=plot_help)
    p.add_argument("--checkpoint", help="checkpoint file (resume a killed sweep)")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=func)
    return p
