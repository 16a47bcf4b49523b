"""TOML configuration files: schemas derived from the library, parsed and validated here.

Every config section is a :class:`Section` built from the library object it configures:
the keys, which of them are required and their defaults come from ``dataclasses.fields``
(RashbaFM, Macrospin, Pulse, FreeLayer) or ``inspect.signature`` (ConstantSOT, TableSOT,
build_table, simulate, critical_current, switching_diagram, harmonic_hall, st_fmr,
fit_torques, the micromagnetic compare/run_switching), and each key's description from the
object's numpydoc "Parameters" section. Nothing is copied: a key the config leaves out is
simply not passed, so the library's own default applies. Keys of the command line alone (a
table file, the analysis, torch threads) say so. ``docs/gen_cli.py`` writes ``docs/cli.md``
from the same :func:`sections` and :data:`COMMANDS`.

Errors are one line and name the key (``config: magnet.Ms must be a number, got 'big'``).
"""
from __future__ import annotations

import dataclasses
import inspect
import math
import os
import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REQUIRED = object()  # marker: the key has no default
AUTO = "automatic"  # shown for library defaults of None that mean "chosen for you"

#: value kinds a key may have; the parser and docs/cli.md both read this table
KINDS = {
    "number": "number",
    "integer": "integer",
    "string": "string",
    "boolean": "true or false",
    "strings": "string or non-empty list of strings",
    "path": "string (a file path, relative to the config file)",
    "vector3": "list of 3 numbers",
    "direction3": "list of 3 numbers (a direction: any nonzero vector, normalised)",
    "direction2": "list of 2 numbers (an in-plane direction, normalised)",
    "pair": "list of 2 numbers [lo, hi]",
    "numbers": "number or list of numbers",
    "list": "list of numbers (may be empty)",
    "count_or_numbers": "integer (a count) or list of numbers",
    "grid": "list of numbers, or a table {start, stop, num}",
}


@dataclasses.dataclass(frozen=True)
class Key:
    name: str
    kind: str
    default: object = REQUIRED
    help: str = ""
    choices: tuple = ()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclasses.dataclass(frozen=True)
class Section:
    """One ``[name]`` table of a config: its keys and where they come from."""

    name: str
    source: str  # the library object it configures, for the docs
    doc: str
    keys: dict

    def __contains__(self, key):
        return key in self.keys


# -- building sections from the library -------------------------------------------------
def _param_docs(obj) -> dict:
    """{name: one-paragraph description} from a numpydoc "Parameters" section."""
    doc = inspect.getdoc(obj) or ""
    m = re.search(r"^Parameters\n-+\n(.*?)(?:\n\n[A-Z][a-z]+\n-+\n|\Z)", doc, re.S | re.M)
    if not m:  # "name : type" entries right after the summary, without the header
        m = re.search(r"\n\n(.*?)(?:\n\n[A-Z][a-z]+\n-+\n|\Z)", doc, re.S)
        if not m:
            return {}
    out, names, text = {}, [], []

    def flush():
        for n in names:
            out[n] = " ".join(text).strip()

    for line in m.group(1).splitlines():
        if line and not line[0].isspace():
            flush()
            head = line.split(":")[0]
            names, text = [n.strip() for n in head.split(",")], []
        elif line.strip():
            text.append(line.strip())
    flush()
    return out


def _library_defaults(obj) -> dict:
    """{name: default or REQUIRED} from dataclass fields or the call signature."""
    if dataclasses.is_dataclass(obj):
        out = {}
        for f in dataclasses.fields(obj):
            if f.default is not dataclasses.MISSING:
                out[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:  # pragma: no cover
                out[f.name] = f.default_factory()
            else:
                out[f.name] = REQUIRED
        return out
    sig = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
    return {n: (REQUIRED if p.default is inspect.Parameter.empty else p.default)
            for n, p in sig.parameters.items()
            if n != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def _kind_of(default) -> str:
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    if isinstance(default, float):
        return "number"
    if isinstance(default, str):
        return "string"
    if isinstance(default, tuple):
        return {3: "vector3", 2: "pair"}.get(len(default), "list")
    return "number"


def from_library(obj, names=None, kinds=None, overrides=None, choices=None, docs=None,
                 exclude=()) -> dict:
    """Keys ``names`` of the library object ``obj``, with defaults and descriptions from it.

    ``names=None``: every parameter (field) of ``obj`` but those in ``exclude`` (objects
    built from other sections, callbacks), so a parameter added to the library becomes a
    key without an edit here. ``kinds`` fixes value kinds the defaults do not reveal
    (vectors, None defaults); ``overrides`` replaces a default where the command line
    differs on purpose (documented in the key's help).
    """
    defaults = _library_defaults(obj)
    if names is None:
        names = [n for n in defaults if n not in exclude]
    helps = _param_docs(obj)
    kinds, overrides, choices, docs = kinds or {}, overrides or {}, choices or {}, docs or {}
    keys = {}
    for n in names:
        if n not in defaults:
            raise KeyError(f"{getattr(obj, '__qualname__', obj)} has no parameter {n!r}")
        default = overrides.get(n, defaults[n])
        kind = kinds.get(n) or _kind_of(default)
        keys[n] = Key(n, kind, default, docs.get(n, helps.get(n, "")), tuple(choices.get(n, ())))
    return keys


def _sections() -> dict:
    from ..dynamics import ConstantSOT, Macrospin, Pulse, TableSOT, simulate
    from ..solver.response import APPROXIMATIONS, REGIMES
    from ..studies import critical_current, switching_diagram
    from ..tables import build_table

    dirs = {"easy_axis": "direction3", "polarization": "direction3",
            "current_direction": "direction2", "field_direction": "direction3",
            "switching_axis": "direction3"}
    vec = {"field": "vector3", "m0": "vector3", "base_field": "vector3", "demag": "vector3"}
    kinds = {**dirs, **vec, "dt": "number", "t_relax": "number", "seed": "integer",
             "executor": "string", "rtol": "number"}
    approx = {"approximation": APPROXIMATIONS, "regime": REGIMES}
    executor_help = ('"serial" or "processes" (default: automatic, in-process for small jobs)')
    S = {}
    S["model"] = model_section()
    tb = from_library(build_table, ["fermi_energy", "theta", "approximation", "regime", "tol",
                                    "rtol", "impurity_strength", "max_calls", "executor"],
                      kinds={**kinds, "fermi_energy": "numbers", "impurity_strength": "numbers",
                             "theta": "count_or_numbers"},
                      choices={**approx, "executor": ("serial", "processes")},
                      docs={"executor": executor_help})
    S["table"] = Section("table", "llgsot.build_table",
                         "What `llgsot table build` tabulates (with a [model] section).", tb)
    mag = from_library(Macrospin, [f.name for f in dataclasses.fields(Macrospin)], kinds=kinds)
    S["magnet"] = Section("magnet", "llgsot.Macrospin", "The free layer (SI units).", mag)
    tq = {"kind": Key("kind", "string", REQUIRED, '"table" (a torque table: a file, or built from '
                      "[model]) or \"constant\" (constant spin Hall efficiencies)",
                      ("table", "constant")),
          "table": Key("table", "path", None, "kind = \"table\": the table file (netCDF from "
                       "`llgsot table build`); without it the table is built from [model] at "
                       "torque.fermi_energy"),
          "fermi_energy": Key("fermi_energy", "number", None, "kind = \"table\": Fermi energy (eV) "
                              "to build, or to select from a file with a fermi_energy dimension"),
          "impurity_strength": Key("impurity_strength", "number", None, "kind = \"table\": "
                                   "impurity strength (eV nm^2) to select from a file with that "
                                   "dimension")}
    tq.update(from_library(build_table, ["approximation", "regime"], kinds=kinds, choices=approx))
    for k in ("approximation", "regime"):
        tq[k] = dataclasses.replace(tq[k], help='kind = "table", built from [model]: ' + tq[k].help)
    tq.update(from_library(TableSOT, ["nm_thickness", "current_direction", "representation",
                                      "grid_points"], kinds=kinds,
                           choices={"representation": ("exact", "four-term")}))
    tq["nm_thickness"] = dataclasses.replace(tq["nm_thickness"], default=None,
                                             help='kind = "table" (required there): '
                                                  + tq["nm_thickness"].help)
    tq.update(from_library(ConstantSOT, ["spin_hall_angle", "field_like_ratio", "polarization"],
                           kinds=kinds))
    tq["spin_hall_angle"] = dataclasses.replace(tq["spin_hall_angle"], default=None,
                                                help='kind = "constant" (required there): '
                                                     + tq["spin_hall_angle"].help)
    S["torque"] = Section("torque", "llgsot.TableSOT / llgsot.ConstantSOT",
                          "The spin-orbit torque model.", tq)
    pulse = from_library(Pulse, [f.name for f in dataclasses.fields(Pulse)], kinds=kinds,
                         overrides={"amplitude": 0.0},
                         docs={"amplitude": "Peak charge current density J (A/m^2) for "
                               "`llgsot simulate`; ignored (searched or swept) by "
                               "`critical-current`, `diagram` and `micromag`, hence optional "
                               "here"})
    S["pulse"] = Section("pulse", "llgsot.Pulse",
                         "The current pulse (trapezoid). `simulate` without [pulse] applies the "
                         "constant run.current.", pulse)
    run = from_library(simulate, ["t_end", "dt", "field", "m0", "method", "temperature", "members",
                                  "seed", "save_every", "rtol", "atol", "switching_axis",
                                  "settle_tol"], kinds=kinds,
                       choices={"method": ("rk4", "dopri", "heun")},
                       docs={"dt": "Time step (s); default: automatic (0.2 rad of the fastest "
                                   "precession per step)"})
    run["t_end"] = dataclasses.replace(run["t_end"], default=REQUIRED)
    run["current"] = Key("current", "number", 0.0, "Constant current density (A/m^2), used "
                         "when the config has no [pulse]")
    S["run"] = Section("run", "llgsot.simulate", "One macrospin run (`llgsot simulate`).", run)
    cc = from_library(critical_current, ["bracket", "field", "m0", "rtol", "dt", "t_relax",
                                         "temperature", "members", "seed", "max_evaluations",
                                         "executor"],
                      kinds={**kinds, "bracket": "pair"},
                      choices={"executor": ("serial", "processes")},
                      docs={"executor": executor_help})
    cc["bracket"] = dataclasses.replace(cc["bracket"], default=REQUIRED)
    S["critical_current"] = Section("critical_current", "llgsot.critical_current",
                                    "The critical current of [pulse] (`llgsot critical-current`).", cc)
    dg = from_library(switching_diagram, ["currents", "fields", "durations", "field_direction",
                                          "base_field", "m0", "dt", "t_relax", "temperature",
                                          "members", "seed", "executor"],
                      kinds={**kinds, "currents": "grid", "fields": "grid", "durations": "grid"},
                      choices={"executor": ("serial", "processes")},
                      docs={"executor": executor_help})
    S["diagram"] = Section("diagram", "llgsot.studies.switching_diagram",
                           "A switching diagram over (current, field) or (current, duration) "
                           "(`llgsot diagram`); give exactly one of fields and durations.", dg)
    S.update(_measurement_sections(kinds))
    S.update(_fit_sections(kinds, approx))
    S.update(_micromag_sections(kinds))
    return S


#: the objects built from other sections, and callbacks: never config keys
_NOT_KEYS = ("magnet", "torque", "torques", "layer", "pulse", "model", "table", "theta", "data",
             "sigma", "bounds", "amplitude", "on_run", "progress")


def _measurement_sections(kinds) -> dict:
    from ..measurements import analyze_harmonic_hall, analyze_st_fmr, harmonic_hall, st_fmr
    from ..measurements.hall_analysis import METHODS as HH_ANALYSES
    from ..measurements.harmonic_hall import METHODS as HH_METHODS

    sweep = {**kinds, "fields": "grid", "current_direction": "number", "field_azimuth": "number",
             "steps_per_period": "integer", "members": "integer"}
    hh = from_library(harmonic_hall, exclude=_NOT_KEYS, kinds={**sweep, "field_azimuth": "numbers"},
                      choices={"method": HH_METHODS})
    hh["analysis"] = Key("analysis", "string", _library_defaults(analyze_harmonic_hall)["method"],
                         "Command line only: the analysis of the sweeps "
                         "(`llgsot.analyze_harmonic_hall` method), or \"none\".",
                         HH_ANALYSES + ("none",))
    fmr = from_library(st_fmr, exclude=_NOT_KEYS, kinds={**sweep, "frequency": "numbers"})
    fmr["analysis"] = Key("analysis", "string", "liu", "Command line only: \"liu\" "
                          "(`llgsot.analyze_st_fmr`, Liu's S/A analysis) or \"none\".",
                          ("liu", "none"))
    analysis_kinds = {"degree": "integer", "field_range": "number", "planar_hall_ratio": "number",
                      "R_ahe": "number", "effective_field": "number"}
    ha = from_library(analyze_harmonic_hall, exclude=_NOT_KEYS + ("ds", "method"), kinds=analysis_kinds)
    fa = from_library(analyze_st_fmr, exclude=_NOT_KEYS + ("ds",), kinds=analysis_kinds)
    return {"harmonic_hall": Section("harmonic_hall", "llgsot.harmonic_hall", "A simulated "
                                     "harmonic Hall sweep (`llgsot harmonic-hall`).", hh),
            "hall_analysis": Section("hall_analysis", "llgsot.analyze_harmonic_hall",
                                     "Options of the harmonic Hall analysis (optional; the "
                                     "method is `harmonic_hall.analysis`).", ha),
            "st_fmr": Section("st_fmr", "llgsot.st_fmr", "A simulated ST-FMR sweep.", fmr),
            "fmr_analysis": Section("fmr_analysis", "llgsot.analyze_st_fmr",
                                    "Options of the ST-FMR analysis (optional).", fa)}


def _fit_sections(kinds, approx) -> dict:
    from ..fitting import fit_torques
    from ..fitting.torques import FREE_UNITS

    fit = from_library(fit_torques, exclude=_NOT_KEYS, kinds={**kinds, "free": "strings"},
                       choices=approx)
    bounds_help = _param_docs(fit_torques).get("bounds", "")  # "... Defaults: ..."
    bounds_help = bounds_help[bounds_help.find("Defaults:"):]
    bounds = {n: Key(n, "pair", None, f"[low, high] ({unit}) of {n} when fit.free names it. "
                     + bounds_help) for n, unit in FREE_UNITS.items()}
    return {"fit": Section("fit", "llgsot.fit_torques",
                           "The fit of the data file's efficiencies (`llgsot fit DATA.csv CONFIG`), "
                           "with [model] holding the fixed values and the starts.", fit),
            "bounds": Section("bounds", "llgsot.fit_torques(bounds=...)",
                              "Search intervals of the free parameters.", bounds)}


def _micromag_sections(kinds) -> dict:
    from ..dynamics import TableSOT
    from ..micromagnetics.backend import magnumnp
    from ..micromagnetics.study import compare
    from ..micromagnetics.switching import FreeLayer, run_switching

    layer = from_library(FreeLayer, kinds=kinds)
    tq = {"table": Key("table", "path", REQUIRED, "Command line only: the torque table file "
                       "(netCDF from `llgsot table build`), relative to the config file"),
          "fermi_energies": Key("fermi_energies", "numbers", REQUIRED, "Command line only: "
                                "Fermi energies (eV) selected from the table, one torque each"),
          **from_library(TableSOT, exclude=_NOT_KEYS, kinds=kinds,
                         choices={"representation": ("exact", "four-term")}),
          "tables": Key("tables", "boolean", True, "Command line only: compare each table torque"),
          "constant_equivalent": Key("constant_equivalent", "boolean", True, "Command line only: "
                                     "compare each table's constant equivalent")}
    study = from_library(compare, exclude=_NOT_KEYS, kinds={**kinds, "macrospin_bracket": "pair"})
    study.update(from_library(run_switching, exclude=_NOT_KEYS + ("relax",), kinds=kinds))
    study.update(from_library(magnumnp, ["compile"], kinds={"compile": "boolean"},
                              overrides={"compile": False},
                              docs={"compile": "false (the command line's default): magnum.np's "
                                    "terms run eagerly (torch.compile costs minutes on a CPU); "
                                    "true: compiled"}))
    study["threads"] = Key("threads", "integer", 1, "Command line only: torch threads "
                           "(`torch.set_num_threads`, >= 1)")
    return {"layer": Section("layer", "llgsot.micromagnetics.FreeLayer",
                             "The micromagnetic free layer (`llgsot micromag`).", layer),
            "torques": Section("torques", "llgsot.TableSOT",
                               "The torques compared by `llgsot micromag`: the tables of a file "
                               "at several Fermi energies and/or their constant equivalents.", tq),
            "study": Section("study", "llgsot.micromagnetics.study.compare", "The critical-current "
                             "study; run options of `llgsot.micromagnetics.switching.run_switching` "
                             "included.", study)}


_CACHE: dict = {}


def sections() -> dict:
    """{name: Section} of every config section (built once from the library)."""
    if not _CACHE:
        _CACHE.update(_sections())
    return _CACHE


#: which sections each command reads (required ones first); docs/cli.md lists them
COMMANDS = {
    "table build": (("model", "table"), ()),
    "simulate": (("magnet", "torque", "run"), ("pulse", "model")),
    "critical-current": (("magnet", "torque", "pulse", "critical_current"), ("model",)),
    "diagram": (("magnet", "torque", "pulse", "diagram"), ("model",)),
    "harmonic-hall": (("magnet", "torque", "harmonic_hall"), ("model", "hall_analysis")),
    "st-fmr": (("magnet", "torque", "st_fmr"), ("model", "fmr_analysis")),
    "fit": (("model", "fit"), ("bounds",)),
    "micromag": (("layer", "torques", "pulse", "study"), ()),
}


def command_sections(command) -> tuple:
    """Every section ``command`` reads (required, then optional)."""
    req, opt = COMMANDS[command]
    return req + opt


# -- reading ----------------------------------------------------------------------------
def load_toml(path) -> dict:
    """The parsed config; a missing, unreadable, non-UTF-8 or invalid file is a ValueError
    naming it."""
    name = repr(os.fspath(path))
    if os.path.isdir(path):
        raise ValueError(f"config file {name} is a directory")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise ValueError(f"config file {name} not found") from None
    except OSError as exc:
        raise ValueError(f"config file {name} cannot be read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"config file {name} is not UTF-8 text (byte {exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"config file {name} is not valid TOML: {exc}") from None


def unknown_sections(cfg: dict, allowed) -> None:
    extra = sorted(set(cfg) - set(allowed))
    if extra:
        raise ValueError(f"config: unknown section [{extra[0]}] (allowed: {', '.join(sorted(allowed))})")


def section(cfg: dict, name: str, spec=None, required: bool = True, defaults: bool = False) -> dict:
    """Validate ``cfg[name]`` against its :class:`Section` (default: ``sections()[name]``);
    return {key: parsed value} of the keys given ({} for an absent optional section).

    With ``defaults=True`` absent optional keys are returned with their default (the
    library's) too.
    """
    spec = spec or sections()[name]
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
    out = {}
    for key in spec.keys.values():
        if key.name in sec:
            out[key.name] = parse_value(f"{name}.{key.name}", key, sec[key.name])
        elif key.required:
            raise ValueError(f"config: missing key {name}.{key.name}")
        elif defaults:
            out[key.name] = key.default
    return out


def parse_value(where: str, key: Key, val):
    """``val`` checked against ``key.kind`` (and ``key.choices``); one-line errors name ``where``."""
    k = key.kind
    if k in ("number", "integer"):
        out = _number(where, val, integer=(k == "integer"))
    elif k in ("string", "path"):
        if not isinstance(val, str):
            raise ValueError(f"config: {where} must be a string, got {val!r}")
        out = val
    elif k == "boolean":
        if not isinstance(val, bool):
            raise ValueError(f"config: {where} must be true or false, got {val!r}")
        out = val
    elif k == "strings":
        items = val if isinstance(val, list) else [val]
        if not items or not all(isinstance(x, str) for x in items):
            raise ValueError(f"config: {where} must be a string or a non-empty list of strings, "
                             f"got {val!r}")
        out = val
    elif k == "list":
        if not isinstance(val, list):
            raise ValueError(f"config: {where} must be a list of numbers, got {val!r}")
        out = tuple(float(_number(where, x)) for x in val)
    elif k in ("vector3", "direction3"):
        out = vector(where, val, 3)
    elif k == "direction2":
        out = vector(where, val, (2, 3))
    elif k == "pair":
        out = vector(where, val, 2)
    elif k == "numbers":
        out = [_number(where, x) for x in val] if isinstance(val, list) else _number(where, val)
        if isinstance(out, list) and not out:
            raise ValueError(f"config: {where} must not be an empty list")
    elif k == "count_or_numbers":
        if isinstance(val, list):
            out = vector(where, val, None)
        else:
            out = _number(where, val, integer=True)
    elif k == "grid":
        out = grid_values(where, val)
    else:  # pragma: no cover
        raise AssertionError(k)
    if key.choices and out not in key.choices:
        raise ValueError(f"config: {where} must be one of {', '.join(map(repr, key.choices))}, "
                         f"got {out!r}")
    return out


def _number(where, val, integer=False):
    if isinstance(val, bool) or not isinstance(val, (int, float)):
        raise ValueError(f"config: {where} must be {'an integer' if integer else 'a number'}, got {val!r}")
    if integer and not isinstance(val, int):
        raise ValueError(f"config: {where} must be an integer, got {val!r}")
    if not math.isfinite(val):
        raise ValueError(f"config: {where} must be finite, got {val!r}")
    return val


def vector(where, val, n) -> tuple:
    """The one vector parser: a list of ``n`` finite numbers (n an int, a tuple of allowed
    lengths, or None for any non-zero length) -> tuple of floats."""
    ok = n is None or (len(val) in n if isinstance(n, tuple) else len(val) == n) \
        if isinstance(val, list) else False
    if not ok or (n is None and not val):
        want = ("a non-empty list" if n is None else
                f"a list of {' or '.join(map(str, n)) if isinstance(n, tuple) else n}")
        raise ValueError(f"config: {where} must be {want} numbers, got {val!r}")
    return tuple(float(_number(where, x)) for x in val)


def grid_values(name, val):
    """A list of numbers, or a table {start, stop, num}."""
    import numpy as np

    if isinstance(val, dict):
        if set(val) != {"start", "stop", "num"}:
            raise ValueError(f"config: {name} must be a list or {{start, stop, num}}, got keys "
                             f"{sorted(val)}")
        num = _number(f"{name}.num", val["num"], integer=True)
        if num < 1:
            raise ValueError(f"config: {name}.num must be >= 1, got {num}")
        return np.linspace(_number(f"{name}.start", val["start"]),
                           _number(f"{name}.stop", val["stop"]), num)
    if isinstance(val, list):
        return np.asarray(vector(name, val, None), float)
    raise ValueError(f"config: {name} must be a list of numbers or {{start, stop, num}}, got {val!r}")


# -- building library objects -------------------------------------------------------------
def _call(where, fn, **kw):
    """``fn(**kw)``; a library ValueError/TypeError becomes ``config [where]: ...``."""
    try:
        return fn(**kw)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        raise ValueError(msg if msg.startswith("config") else f"config [{where}]: {msg}") from None


def model_section(kind=None) -> Section:
    """The [model] section: ``kind`` (default "rashba") and the keys of that model's class
    (llgsot.models.MODELS; every field, required unless it has a default). ``kind=None``:
    the union over all models (for the docs; which keys are required depends on kind)."""
    from ..models import MODELS

    keys = {"kind": Key("kind", "string", "rashba", "the model: " + " | ".join(
        f'"{k}"' for k in MODELS) + " (docs/models.md)", tuple(MODELS))}
    found = {}  # key -> (first Key, kinds requiring it, kinds where it is optional)
    for k, cls in (MODELS.items() if kind is None else [(kind, MODELS[kind])]):
        for n, key in from_library(cls, [f.name for f in dataclasses.fields(cls)]).items():
            first, req, opt = found.setdefault(n, (key, [], []))
            (req if key.required else opt).append(k)
    for n, (key, req, opt) in found.items():
        if kind is None:
            where = "; ".join(x for x in (req and "required for kind = " + ", ".join(req),
                                          opt and "optional for kind = " + ", ".join(opt)) if x)
            key = dataclasses.replace(key, default=None, help=f"{key.help} ({where})")
        keys[n] = key
    src = "llgsot.models" if kind is None else f"llgsot.{MODELS[kind].__name__}"
    return Section("model", src, "The model (SI units, energies in eV): RashbaFM, "
                   "RashbaDresselhausFM or DiracFM by `kind`.", keys)


def model_from(cfg: dict):
    from ..models import model_class

    sec = cfg.get("model")
    kind = sec.get("kind", "rashba") if isinstance(sec, dict) else "rashba"
    kind = parse_value("model.kind", sections()["model"].keys["kind"], kind)
    vals = section(cfg, "model", spec=model_section(kind))
    vals.pop("kind", None)
    return _call("model", model_class(kind), **vals)


def magnet_from(cfg):
    from ..dynamics import Macrospin

    return _call("magnet", Macrospin, **section(cfg, "magnet"))


def torque_from(cfg, base_dir="."):
    """[torque] kind = "table" (a table file, or built from [model]) or "constant"."""
    from ..dynamics import ConstantSOT, TableSOT

    t = section(cfg, "torque")
    kind = t.pop("kind")
    table_keys = {"table", "fermi_energy", "impurity_strength", "approximation", "regime",
                  "nm_thickness", "current_direction", "representation", "grid_points"}
    const_keys = {"spin_hall_angle", "field_like_ratio", "polarization"}
    wrong = sorted(set(t) & (const_keys if kind == "table" else table_keys))
    if wrong:
        raise ValueError(f"config: torque.{wrong[0]} does not apply to torque.kind = {kind!r}")
    if kind == "constant":
        if "spin_hall_angle" not in t:
            raise ValueError("config: missing key torque.spin_hall_angle (needed by kind = 'constant')")
        return _call("torque", ConstantSOT, **t)
    if "nm_thickness" not in t:
        raise ValueError("config: missing key torque.nm_thickness (needed by kind = 'table')")
    from ..tables import TorqueTable, build_table, load_table
    from ..tables.store import select

    src = {k: t.pop(k) for k in ("table", "fermi_energy", "impurity_strength", "approximation",
                                 "regime") if k in t}
    if "table" in src:
        path = src["table"] if os.path.isabs(src["table"]) else os.path.join(base_dir, src["table"])
        extra = sorted(set(src) & {"approximation", "regime"})
        if extra:
            raise ValueError(f"config: torque.{extra[0]} applies only to a table built from "
                             "[model], not to torque.table (a file)")
        ds = _call("torque", lambda: select(load_table(path), "set torque.{dim}",
                                            fermi_energy=src.get("fermi_energy"),
                                            impurity_strength=src.get("impurity_strength")))
    else:
        if "model" not in cfg or "fermi_energy" not in src:
            raise ValueError("config: torque.kind = 'table' needs torque.table (a file) or a "
                             "[model] section and torque.fermi_energy")
        if "impurity_strength" in src:
            raise ValueError("config: torque.impurity_strength selects from a table file; set "
                             "model.impurity_strength to build one")
        ds = _call("torque", build_table, model=model_from(cfg), progress=False, **src)
    return _call("torque", TableSOT, table=TorqueTable(ds), **t)


def pulse_from(cfg, name="pulse"):
    from ..dynamics import Pulse

    p = section(cfg, name)
    p.setdefault("amplitude", sections()[name].keys["amplitude"].default)
    return _call(name, Pulse, **p)


# -- output paths and JSON ------------------------------------------------------------------
def output_path(flag: str, path) -> str:
    """Check, before any computation, that ``path`` can be written; ValueError naming ``flag``
    (:func:`llgsot._io.check_writable`)."""
    from .._io import check_writable

    return check_writable(flag, path)


def strict_json(obj) -> str:
    """JSON text with non-finite numbers as null (RFC 8259: no NaN/Infinity), numpy values
    as plain numbers and lists."""
    import json

    from .._io import json_ready

    return json.dumps(json_ready(obj), allow_nan=False)
