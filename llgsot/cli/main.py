"""Entry point of the ``llgsot`` console script.

Every subcommand lives in its own module with ``register(subparsers)``. The command line never
shows a traceback: a bad flag, file or value (argparse errors, ``ValueError``/``TypeError``
from the library, ``OSError`` on files) is one line on stderr and exit status 2; an internal
error is one line and status 1 (``LLGSOT_TRACEBACK=1`` shows the traceback).
"""
from __future__ import annotations

import argparse
import math
import os
import re
import sys
import warnings
from importlib import import_module

SUBCOMMANDS = ["llgsot.cli.response_cmd", "llgsot.cli.table_cmd", "llgsot.cli.dynamics_cmd",
               "llgsot.cli.demo_cmd",
               "llgsot.cli.measure_cmd",
               "llgsot.cli.fit_cmd",
               "llgsot.cli.micromag_cmd",
               "llgsot.cli.wer_cmd"]

#: a number, including negative ones in scientific notation (-2.5e12), which argparse's own
#: pattern (-\d+ or -\d*.\d+) takes for an unknown option
_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|nan)$", re.I)


class Parser(argparse.ArgumentParser):
    """argparse with the behaviour the command line promises.

    * no abbreviations (``--out`` is not ``--output``);
    * ``-2.5e12`` is a value, not an option;
    * an unknown flag is reported as unknown, before any missing required option;
    * errors are one line: ``llgsot <command>: error: <message>`` and exit status 2.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NUMBER
        self._late_required = []

    def add_argument(self, *args, **kwargs):
        if kwargs.get("type") is float:  # nan and inf are not values of any flag
            kwargs["type"] = finite_number
        late = kwargs.get("required") and args and args[0].startswith("-")
        if late:
            kwargs["required"] = False
            kwargs["help"] = (kwargs.get("help") or "") + " (required)"
        action = super().add_argument(*args, **kwargs)
        if late:
            self._late_required.append(action)
        return action

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        if not extras:  # unknown flags first; missing required options only without them
            missing = [a for a in self._late_required if getattr(namespace, a.dest, None) is None]
            if missing:
                self.error("the following arguments are required: "
                           + ", ".join("/".join(a.option_strings) for a in missing))
        return namespace, extras

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def finite_number(text) -> float:
    """The type of every ``type=float`` flag: a finite number; argparse names the flag in the
    error (``argument --ms: 'nan' is not a finite number``)."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return x


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = Parser(
        prog="llgsot",
        description="Nonperturbative spin-orbit torques of 2D Rashba ferromagnets and the "
                    "macrospin LLG dynamics they drive. Config files: docs/cli.md.")
    parser.add_argument("--version", action="version", version=f"llgsot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        import_module(name).register(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version or a one-line error
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    name = " ".join(["llgsot", args.command] + [str(v) for k, v in sorted(vars(args).items())
                                                 if k.endswith("_command") and v])
    with warnings.catch_warnings():  # the caller's warning filters are restored afterwards
        warnings.simplefilter("default")
        warnings.showwarning = _one_line_warning
        return _run(args, name)


def _run(args, name) -> int:
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError) as exc:
        print(f"{name}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f" {exc.filename!r}" if exc.filename else ""
        print(f"{name}: error:{where} {exc.strerror or _one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 (the promise: no traceback)
        if os.environ.get("LLGSOT_TRACEBACK"):
            raise
        print(f"{name}: internal error: {type(exc).__name__}: {_one_line(exc)} "
              "(set LLGSOT_TRACEBACK=1 to see the traceback)", file=sys.stderr)
        return 1


def _one_line(exc) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 400 else text[:397] + "..."


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    print(f"warning: {_one_line(message)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
