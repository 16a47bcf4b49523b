"""Entry point of the ``llgsot`` console script.

Every subcommand lives in its own module with ``register(subparsers)``; a ``ValueError``
from the library becomes a one-line message and exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from importlib import import_module

SUBCOMMANDS = ["llgsot.cli.response_cmd", "llgsot.cli.table_cmd", "llgsot.cli.dynamics_cmd",
               "llgsot.cli.demo_cmd",
               "llgsot.cli.micromag_cmd"]


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="llgsot",
        description="Nonperturbative spin-orbit torques of 2D Rashba ferromagnets and the "
                    "macrospin LLG dynamics they drive.")
    parser.add_argument("--version", action="version", version=f"llgsot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        import_module(name).register(sub)
    return parser




def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    warnings.simplefilter("default")
    warnings.showwarning = _one_line_warning
    try:
        return int(args.func(args) or 0)
    except ValueError as exc:
        print(f"llgsot {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"llgsot {args.command}: interrupted", file=sys.stderr)
        return 130


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    print(f"warning: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
