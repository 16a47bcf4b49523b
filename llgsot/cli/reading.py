"""Reading a TOML config and checking its sections against the schema (:mod:`llgsot.cli.sections`)."""
from __future__ import annotations

import os
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .._io import read_utf8
from .values import parse_value


def load_toml(path) -> dict:
    """The parsed config; a missing, unreadable, non-UTF-8 or invalid file is a ValueError
    naming it."""
    name = f"config file {os.fspath(path)!r}"
    text = read_utf8(path, name)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name} is not valid TOML: {exc}") from None


def unknown_sections(cfg: dict, allowed) -> None:
    extra = sorted(set(cfg) - set(allowed))
    if extra:
        raise ValueError(f"config: unknown section [{extra[0]}] (allowed: {', '.join(sorted(allowed))})")


def section(cfg: dict, name: str, spec=None, required: bool = True, defaults: bool = False) -> dict:
    """Validate ``cfg[name]`` against its :class:`~llgsot.cli.schema.Section` (default:
    ``sections()[name]``); return {key: parsed value} of the keys given ({} for an absent
    optional section).

    With ``defaults=True`` absent optional keys are returned with their default (the
    library's) too. A section with a discriminator (``[torque] kind``) refuses the keys that
    do not apply to the chosen value and requires a key only where it applies.
    """
    if spec is None:
        from .sections import sections

        spec = sections()[name]
    if name not in cfg:
        if required:
            raise ValueError(f"config: missing section [{name}]")
        sec = {}
    else:
        sec = cfg[name]
    if not isinstance(sec, dict):
        raise ValueError(f"config: [{name}] must be a table (a [{name}] section), got {sec!r}")
    unknown = sorted(set(sec) - set(spec.keys))
    if unknown:
        raise ValueError(f"config: unknown key {name}.{unknown[0]} "
                         f"(allowed: {', '.join(spec.keys)})")
    keys = list(spec.keys.values())
    disc, chosen = spec.discriminator, None
    if disc is not None:  # the value given, else the discriminator's default (if it has one)
        dkey = spec.keys[disc]
        if disc in sec:
            chosen = parse_value(f"{name}.{disc}", dkey, sec[disc])
        elif not dkey.required:
            chosen = dkey.default
    if chosen is not None:
        wrong = sorted(n for n in sec if not spec.keys[n].applies(chosen))
        if wrong:
            raise ValueError(f"config: {name}.{wrong[0]} does not apply to {name}.{disc} = "
                             f"{chosen!r}")
        keys = [k for k in keys if k.applies(chosen)]
    out = {}
    for key in keys:
        if key.name in sec:
            out[key.name] = parse_value(f"{name}.{key.name}", key, sec[key.name])
        elif key.required:
            need = f" (needed by {disc} = {chosen!r})" if key.when and chosen is not None else ""
            raise ValueError(f"config: missing key {name}.{key.name}{need}")
        elif defaults:
            out[key.name] = key.default
    return out
