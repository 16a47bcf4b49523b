"""TOML configuration files of the command line: one import for the command modules.

The concerns live in their own modules; this one gathers their public names:

* :mod:`llgsot.cli.schema` -- :class:`Key`, :class:`Section`, the value kinds, keys derived
  from library objects (:func:`from_library`; descriptions read by :mod:`llgsot.cli.numpydoc`);
* :mod:`llgsot.cli.sections` -- every section and :data:`COMMANDS` (which command reads which);
* :mod:`llgsot.cli.values` -- the parser of each value kind;
* :mod:`llgsot.cli.reading` -- reading the TOML file and checking a section against its schema;
* :mod:`llgsot.cli.objects` -- building the library objects (model, magnet, torque, pulse).

Errors are one line and name the key (``config: magnet.Ms must be a number, got 'big'``).
"""
from __future__ import annotations

from .objects import call_library, magnet_from, model_from, pulse_from, torque_from
from .reading import load_toml, section, unknown_sections
from .schema import AUTO, KINDS, REQUIRED, Key, Section, from_library
from .sections import COMMANDS, command_sections, sections
from .values import grid_values, parse_value, vector

__all__ = ["AUTO", "COMMANDS", "KINDS", "REQUIRED", "Key", "Section", "call_library",
           "command_sections", "from_library", "grid_values", "load_toml", "magnet_from",
           "model_from", "output_dir", "output_path", "parse_value", "pulse_from", "section", "sections",
           "strict_json", "torque_from", "unknown_sections", "vector"]


# -- output paths and JSON ------------------------------------------------------------------
def output_path(flag: str, path) -> str:
    """Check, before any computation, that ``path`` can be written; ValueError naming ``flag``
    (:func:`llgsot._io.check_writable`)."""
    from .._io import check_writable

    return check_writable(flag, path)


def output_dir(flag: str, path) -> str:
    """Check, before any computation or import, that the folder ``path`` can receive files;
    ValueError naming ``flag``; nothing is created (:func:`llgsot._io.check_dir_writable`)."""
    from .._io import check_dir_writable

    return check_dir_writable(flag, path)


def strict_json(obj) -> str:
    """JSON text with non-finite numbers as null (RFC 8259: no NaN/Infinity), numpy values
    as plain numbers and lists."""
    import json

    from .._io import json_ready

    return json.dumps(json_ready(obj), allow_nan=False)
