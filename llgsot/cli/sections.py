"""Every config section, built from the library object it configures, and which command reads which.

The keys, which of them are required and their defaults come from ``dataclasses.fields``
(RashbaFM, Macrospin, Pulse, FreeLayer) or ``inspect.signature`` (ConstantSOT, TableSOT,
build_table, simulate, critical_current, switching_diagram, harmonic_hall, st_fmr,
fit_torques, the micromagnetic compare/run_switching), and each key's description from the
object's numpydoc "Parameters" section (:func:`llgsot.cli.schema.from_library`). Nothing is
copied: a key the config leaves out is simply not passed, so the library's own default
applies. Keys of the command line alone (a table file, the analysis, torch threads) say so.
``docs/gen_cli.py`` writes ``docs/cli.md`` from :func:`sections` and :data:`COMMANDS`.

Adding a command: a ``_<name>_sections()`` builder appended to :data:`BUILDERS` (or sections
added to an existing builder), one :data:`COMMANDS` entry, and the command's module in
``llgsot.cli.main.SUBCOMMANDS``. Adding a kind to a section with a discriminator
(``[torque] kind``): its keys via :func:`llgsot.cli.schema.only_for`, its value in the
discriminator's choices, and its object in :mod:`llgsot.cli.objects`.
"""
from __future__ import annotations

import dataclasses

from .schema import REQUIRED, Key, Section, from_library, library_defaults, only_for
from .numpydoc import param_docs

#: value kinds the library defaults do not reveal (vectors, directions, None defaults)
KINDS_BY_NAME = {"easy_axis": "direction3", "polarization": "direction3",
                 "current_direction": "direction2", "field_direction": "direction3",
                 "switching_axis": "direction3", "field": "vector3", "m0": "vector3",
                 "base_field": "vector3", "demag": "vector3", "dt": "number", "t_relax": "number",
                 "seed": "integer", "executor": "string", "rtol": "number",
                 "n_starts": "integer"}
EXECUTOR = {"executor": ("serial", "processes")}
EXECUTOR_HELP = {"executor": '"serial" or "processes" (default: automatic, in-process for small '
                             'jobs)'}
#: the objects built from other sections, and callbacks: never config keys
NOT_KEYS = ("magnet", "torque", "torques", "layer", "pulse", "model", "table", "theta", "phi", "data",
            "sigma", "bounds", "amplitude", "on_run", "progress")


def _approx() -> dict:
    from ..solver.response import APPROXIMATIONS, REGIMES

    return {"approximation": APPROXIMATIONS, "regime": REGIMES}


def _model_sections() -> dict:
    """[model] (llgsot table build, fit, a table built on the fly) and [table]."""
    from ..tables import build_table

    model = _model_keys()
    tb = from_library(build_table, ["fermi_energy", "theta", "approximation", "regime", "tol",
                                    "rtol", "impurity_strength", "max_calls", "executor"],
                      kinds={**KINDS_BY_NAME, "fermi_energy": "numbers",
                             "impurity_strength": "numbers", "theta": "count_or_numbers",
                             "max_calls": "integer"},
                      choices={**_approx(), **EXECUTOR}, docs=EXECUTOR_HELP)
    return {"model": Section("model", "llgsot.RashbaFM / llgsot.RashbaDresselhausFM / "
                             "llgsot.DiracFM", "The model, chosen by `kind` (SI units, energies "
                             "in eV; docs/models.md).", model, discriminator="kind"),
            "table": Section("table", "llgsot.build_table",
                             "What `llgsot table build` tabulates (with a [model] section).", tb)}


def _model_keys() -> dict:
    """[model] keys: ``kind`` (default "rashba") and each model class's fields, each marked with
    the kinds it applies to; a key is required where every kind it applies to requires it (a
    field that only some kinds require is then checked by the class itself)."""
    from ..models import MODELS

    keys = {"kind": Key("kind", "string", "rashba", "the model: " + " | ".join(
        f'"{k}"' for k in MODELS) + " (docs/models.md)", tuple(MODELS))}
    for kind, cls in MODELS.items():
        fields = [f.name for f in dataclasses.fields(cls)]
        required = [f.name for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        for n, k in only_for(kind, from_library(cls, fields), required=required).items():
            if n in keys:  # shared by several kinds: one key that applies to all of them
                old = keys[n]
                both_required = old.default is REQUIRED and k.default is REQUIRED
                head = old.help.split(": ", 1)
                k = dataclasses.replace(
                    old, when=old.when + k.when,
                    default=REQUIRED if both_required else None,
                    help=f'kind = {", ".join(old.when + k.when)}'
                         + (" (required there)" if both_required else "") + ": " + head[-1])
            keys[n] = k
    return keys


def _torque_section() -> Section:
    """[torque]: kind = "table" (TableSOT of a file or of a table built from [model]) or
    "constant" (ConstantSOT); each key says which kind it applies to."""
    from ..dynamics import ConstantSOT, TableSOT
    from ..tables import build_table

    source = {"table": Key("table", "path", None, "the table file (netCDF from `llgsot table "
                           "build`); without it the table is built from [model] at "
                           "torque.fermi_energy"),
              "fermi_energy": Key("fermi_energy", "number", None, "Fermi energy (eV) to build, "
                                  "or to select from a file with a fermi_energy dimension"),
              "impurity_strength": Key("impurity_strength", "number", None, "impurity strength "
                                       "(eV nm^2) to select from a file with that dimension")}
    built = from_library(build_table, ["approximation", "regime"], kinds=KINDS_BY_NAME,
                         choices=_approx())
    built = {n: dataclasses.replace(k, help="(built from [model]) " + k.help) for n, k in built.items()}
    table = from_library(TableSOT, ["nm_thickness", "current_direction", "representation",
                                    "grid_points"], kinds=KINDS_BY_NAME,
                         choices={"representation": ("exact", "four-term")})
    const = from_library(ConstantSOT, ["spin_hall_angle", "field_like_ratio", "polarization"],
                         kinds=KINDS_BY_NAME)
    kinds = {"table": {**source, **built, **table}, "constant": const}
    required = {"table": ("nm_thickness",), "constant": ("spin_hall_angle",)}
    keys = {"kind": Key("kind", "string", REQUIRED, '"table" (a torque table: a file, or built '
                        'from [model]) or "constant" (constant spin Hall efficiencies)',
                        tuple(kinds))}
    for value, ks in kinds.items():
        keys.update(only_for(value, ks, required=required[value]))
    return Section("torque", "llgsot.TableSOT / llgsot.ConstantSOT",
                   "The spin-orbit torque model.", keys, discriminator="kind")


def _dynamics_sections() -> dict:
    """[magnet], [torque], [pulse], [run], [critical_current], [diagram]."""
    from ..dynamics import Macrospin, Pulse, simulate
    from ..studies import critical_current, switching_diagram

    kinds = KINDS_BY_NAME
    S = {"magnet": Section("magnet", "llgsot.Macrospin", "The free layer (SI units).",
                           from_library(Macrospin, [f.name for f in dataclasses.fields(Macrospin)],
                                        kinds=kinds)),
         "torque": _torque_section()}
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
                      kinds={**kinds, "bracket": "pair"}, choices=EXECUTOR, docs=EXECUTOR_HELP)
    cc["bracket"] = dataclasses.replace(cc["bracket"], default=REQUIRED)
    S["critical_current"] = Section("critical_current", "llgsot.critical_current",
                                    "The critical current of [pulse] (`llgsot critical-current`).", cc)
    dg = from_library(switching_diagram, ["currents", "fields", "durations", "field_direction",
                                          "base_field", "m0", "dt", "t_relax", "temperature",
                                          "members", "seed", "executor"],
                      kinds={**kinds, "currents": "grid", "fields": "grid", "durations": "grid"},
                      choices=EXECUTOR, docs=EXECUTOR_HELP)
    S["diagram"] = Section("diagram", "llgsot.studies.switching_diagram",
                           "A switching diagram over (current, field) or (current, duration) "
                           "(`llgsot diagram`); give exactly one of fields and durations.", dg)
    return S


def _measurement_sections() -> dict:
    """[harmonic_hall], [hall_analysis], [st_fmr], [fmr_analysis]."""
    from ..measurements import analyze_harmonic_hall, analyze_st_fmr, harmonic_hall, st_fmr
    from ..measurements.hall_analysis import METHODS as HH_ANALYSES
    from ..measurements.harmonic_hall import METHODS as HH_METHODS

    sweep = {**KINDS_BY_NAME, "fields": "grid", "current_direction": "number",
             "field_azimuth": "number", "steps_per_period": "integer", "members": "integer"}
    hh = from_library(harmonic_hall, exclude=NOT_KEYS, kinds={**sweep, "field_azimuth": "numbers"},
                      choices={"method": HH_METHODS})
    hh["analysis"] = Key("analysis", "string", library_defaults(analyze_harmonic_hall)["method"],
                         "Command line only: the analysis of the sweeps "
                         "(`llgsot.analyze_harmonic_hall` method), or \"none\".",
                         HH_ANALYSES + ("none",))
    fmr = from_library(st_fmr, exclude=NOT_KEYS, kinds={**sweep, "frequency": "numbers"})
    fmr["analysis"] = Key("analysis", "string", "liu", "Command line only: \"liu\" "
                          "(`llgsot.analyze_st_fmr`, Liu's S/A analysis) or \"none\".",
                          ("liu", "none"))
    analysis_kinds = {"degree": "integer", "field_range": "number", "planar_hall_ratio": "number",
                      "R_ahe": "number", "effective_field": "number"}
    ha = from_library(analyze_harmonic_hall, exclude=NOT_KEYS + ("ds", "method"), kinds=analysis_kinds)
    fa = from_library(analyze_st_fmr, exclude=NOT_KEYS + ("ds",), kinds=analysis_kinds)
    return {"harmonic_hall": Section("harmonic_hall", "llgsot.harmonic_hall", "A simulated "
                                     "harmonic Hall sweep (`llgsot harmonic-hall`).", hh),
            "hall_analysis": Section("hall_analysis", "llgsot.analyze_harmonic_hall",
                                     "Options of the harmonic Hall analysis (optional; the "
                                     "method is `harmonic_hall.analysis`).", ha),
            "st_fmr": Section("st_fmr", "llgsot.st_fmr", "A simulated ST-FMR sweep.", fmr),
            "fmr_analysis": Section("fmr_analysis", "llgsot.analyze_st_fmr",
                                    "Options of the ST-FMR analysis (optional).", fa)}


def _fit_sections() -> dict:
    """[fit] and [bounds]."""
    from ..fitting import fit_torques
    from ..fitting.torques import FREE_UNITS

    fit = from_library(fit_torques, exclude=NOT_KEYS, kinds={**KINDS_BY_NAME, "free": "strings"},
                       choices=_approx())
    bounds_help = param_docs(fit_torques).get("bounds", "")  # "... Defaults: ..."
    bounds_help = bounds_help[bounds_help.find("Defaults:"):]
    bounds = {n: Key(n, "pair", None, f"[low, high] ({unit}) of {n} when fit.free names it. "
                     + bounds_help) for n, unit in FREE_UNITS.items()}
    return {"fit": Section("fit", "llgsot.fit_torques",
                           "The fit of the data file's efficiencies (`llgsot fit DATA.csv CONFIG`), "
                           "with [model] holding the fixed values and the starts.", fit),
            "bounds": Section("bounds", "llgsot.fit_torques(bounds=...)",
                              "Search intervals of the free parameters.", bounds)}


def _micromag_sections() -> dict:
    """[layer], [torques], [study]."""
    from ..dynamics import TableSOT
    from ..micromagnetics.backend import magnumnp
    from ..micromagnetics.study import compare
    from ..micromagnetics.switching import FreeLayer, run_switching

    kinds = KINDS_BY_NAME
    layer = from_library(FreeLayer, kinds=kinds)
    tq = {"table": Key("table", "path", REQUIRED, "Command line only: the torque table file "
                       "(netCDF from `llgsot table build`), relative to the config file"),
          "fermi_energies": Key("fermi_energies", "numbers", REQUIRED, "Command line only: "
                                "Fermi energies (eV) selected from the table, one torque each"),
          **from_library(TableSOT, exclude=NOT_KEYS, kinds=kinds,
                         choices={"representation": ("exact", "four-term")}),
          "tables": Key("tables", "boolean", True, "Command line only: compare each table torque"),
          "constant_equivalent": Key("constant_equivalent", "boolean", True, "Command line only: "
                                     "compare each table's constant equivalent")}
    study = from_library(compare, exclude=NOT_KEYS, kinds={**kinds, "macrospin_bracket": "pair"})
    study.update(from_library(run_switching, exclude=NOT_KEYS + ("relax",), kinds=kinds))
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


#: the section builders, in the order of docs/cli.md
def _reliability_sections() -> dict:
    """[wer] (`llgsot wer`), built from the library signature of write_error_map."""
    from ..reliability.sweep import write_error_map

    kinds = {"amplitudes": "grid", "durations": "grid", "field": "vector3", "temperature": "number",
             "relax": "number", "rel_error": "number", "seed": "integer", "executor": "string",
             "max_trajectories": "integer"}
    keys = from_library(write_error_map, ["amplitudes", "durations", "field", "temperature",
                                          "relax", "rel_error", "method", "seed",
                                          "max_trajectories", "executor"], kinds=kinds,
                        choices={"method": ("auto", "direct", "ams"),
                                 "executor": ("serial", "processes")})
    keys["read_currents"] = Key("read_currents", "grid", None,
                                "read current densities (A/m^2) for the read-disturb rate")
    keys["read_duration"] = Key("read_duration", "number", None,
                                "read pulse length (s); required with read_currents")
    return {"wer": Section("wer", "llgsot.write_error_map", "Write error rates over pulse "
                           "amplitude x duration (`llgsot wer`), optionally the read-disturb "
                           "rate.", keys)}


BUILDERS = (_model_sections, _dynamics_sections, _measurement_sections, _fit_sections,
            _micromag_sections, _reliability_sections)

_CACHE: dict = {}


def sections() -> dict:
    """{name: Section} of every config section (built once from the library)."""
    if not _CACHE:
        for build in BUILDERS:
            _CACHE.update(build())
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
    "wer": (("magnet", "torque", "pulse", "wer"), ("model",)),
}


def command_sections(*commands) -> tuple:
    """Every section the ``commands`` read (required, then optional; each once): with several
    commands, the sections a config shared between them may hold."""
    out = []
    for command in commands:
        req, opt = COMMANDS[command]
        out += [s for s in req + opt if s not in out]
    return tuple(out)
