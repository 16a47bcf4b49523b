"""Generate the API reference page from the docstrings of llgsot's public names.

The docs build runs this through the MkDocs hook ``docs/hooks.py``: ``api.md`` exists only in
the build, so it cannot go stale. To read the page without building the site:

    python docs/gen_api.py [OUT]        (default docs/api.md, ignored by git)

``PUBLIC`` lists the public names by their import path. A name in ``OPTIONAL`` is listed when
it exists (capabilities that are landing on other branches) and skipped otherwise; any other
name that cannot be imported is an error, so the page fails the build instead of going stale.
"""
from __future__ import annotations

import inspect
import re
import sys
from importlib import import_module
from pathlib import Path

_SPINORBIT = ["magnetization", "angles", "rotations", "rotate", "coefficients_direct",
              "nearest_pole", "stencil", "interpolate_even", "coefficients", "in_plane_direction",
              "response_per_current", "sot_prefactor", "table_field", "four_term_vectors",
              "four_term_field", "perpendicular", "spin_hall_field", "spin_hall_angle",
              "constant_field",
              "NAMES", "FOUR_TERM_ORDER", "POLES", "POLE_HALF_WIDTH"]
_EXPORT = "llgsot.export"

PUBLIC = [
    ("Model and solver", ["llgsot.RashbaFM", "llgsot.response", "llgsot.Response"]),
    ("Torque tables", ["llgsot.build_table", "llgsot.TorqueTable", "llgsot.save_table",
                       "llgsot.load_table", "llgsot.open_table", "llgsot.build_sphere_table",
                       "llgsot.SphereTable"]),
    ("Spin-orbit field algebra (llgsot.spinorbit)", [f"llgsot.spinorbit.{n}" for n in _SPINORBIT]),
    ("Exporters", [f"{_EXPORT}.{n}" for n in ("export", "Device", "FORMATS", "write_csv",
                                              "write_json", "write_mumax3", "write_magnumnp")]),
    ("Dynamics", ["llgsot.Macrospin", "llgsot.Pulse", "llgsot.Waveform", "llgsot.ConstantSOT",
                  "llgsot.TableSOT", "llgsot.simulate", "llgsot.IntegrationError"]),
    ("Micromagnetics", ["llgsot.micromagnetics.MagnumSOTField", f"{_EXPORT}.MagnumSOTField"]),
    ("Measurements and fitting", ["llgsot.harmonic_hall", "llgsot.analyze_harmonic_hall",
                                  "llgsot.st_fmr", "llgsot.analyze_st_fmr", "llgsot.fit_torques"]),
    ("Studies", ["llgsot.critical_current", "llgsot.studies.CriticalCurrent",
                 "llgsot.switching_probability", "llgsot.switching_diagram",
                 "llgsot.precession_sweep", "llgsot.studies.compare.constant_equivalent"]),
]

#: names listed only when they exist (being added on other branches, or moving)
OPTIONAL = {"llgsot.micromagnetics.MagnumSOTField", f"{_EXPORT}.MagnumSOTField",
            "llgsot.harmonic_hall", "llgsot.analyze_harmonic_hall", "llgsot.st_fmr",
            "llgsot.analyze_st_fmr", "llgsot.fit_torques"}

_MISSING = object()


class _NeedsPackage:
    """Stands for a name whose module needs a third-party package that is not installed."""

    def __init__(self, package):
        self.package = package


def resolve(path: str):
    """The object at the import path ``path``; ``_MISSING`` when an llgsot part of it does not
    exist; a ``_NeedsPackage`` when its module needs an optional third-party package that is
    not installed (torch for the micromagnetics). Any other error propagates."""
    parts = path.split(".")
    obj = import_module(parts[0])
    for i in range(1, len(parts)):
        modname = ".".join(parts[: i + 1])
        try:
            try:
                obj = getattr(obj, parts[i])  # lazy attributes may import modules
            except AttributeError:
                obj = import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name and modname.startswith(exc.name) and exc.name.startswith("llgsot"):
                return _MISSING
            if exc.name and not exc.name.startswith("llgsot"):
                return _NeedsPackage(exc.name.split(".")[0])
            raise
    return obj


def _sig(obj, method=False) -> str:
    """The call signature without annotations (the docstrings give types and units) and, for a
    method, without its ``self``/``cls``."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    if method and params and params[0].name in ("self", "cls"):
        params = params[1:]
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def _doc(obj) -> str:
    return inspect.cleandoc(obj.__doc__) if obj.__doc__ else "(no docstring)"


def _block(text: str) -> list[str]:
    return ["```text", text, "```", ""]


def _comment_doc(module, name: str) -> str:
    """The ``#:`` comment lines right above ``name = ...`` in ``module``'s source."""
    try:
        lines = inspect.getsource(module).splitlines()
    except (OSError, TypeError):
        return ""
    for i, line in enumerate(lines):
        if re.match(rf"{re.escape(name)}\s*[:=]", line):
            doc = []
            j = i - 1
            while j >= 0 and lines[j].lstrip().startswith("#:"):
                doc.insert(0, lines[j].lstrip()[2:].strip())
                j -= 1
            return " ".join(doc)
    return ""


def _members(cls) -> list[tuple[str, object]]:
    """Documented public methods and properties of ``cls`` and of its llgsot base classes."""
    seen, out = set(), []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("llgsot"):
            continue
        for name, member in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if (inspect.isfunction(member) or isinstance(member, property)) and member.__doc__:
                seen.add(name)
                out.append((name, member))
    return out


def _entry(path: str, obj) -> list[str]:
    short = path.rsplit(".", 1)[1]
    if isinstance(obj, _NeedsPackage):
        return [f"### `{short}`", "", f"`{path}` needs the optional package `{obj.package}`, "
                "which was not installed where this page was built.", ""]
    if inspect.ismodule(obj):
        return [f"### `{short}`", "", f"*module* `{path}`", "", *_block(_doc(obj))]
    if inspect.isclass(obj) or callable(obj):
        kind = "class" if inspect.isclass(obj) else "function"
        where = getattr(obj, "__module__", "") or ""
        defined = f" (defined in `{where}`)" if where and not path.startswith(where + ".") else ""
        out = [f"### `{short}`", "", f"*{kind}* `{path}{_sig(obj)}`{defined}", "",
               *_block(_doc(obj))]
        if inspect.isclass(obj):
            for name, member in _members(obj):
                if isinstance(member, property):
                    out += [f"#### `{short}.{name}`", "", "*property*", "", *_block(_doc(member))]
                else:
                    out += [f"#### `{short}.{name}{_sig(member, method=True)}`", "", *_block(_doc(member))]
        return out
    module = import_module(path.rsplit(".", 1)[0])
    text = repr(obj)
    comment = _comment_doc(module, short)
    return [f"### `{short}`", "", f"*constant* `{path}`", "",
            *_block((comment + "\n\n" if comment else "") + f"{short} = {text}")]


def render() -> str:
    """The markdown of the API page."""
    out = ["# API reference", "",
           "Generated from the docstrings by the docs build (`docs/gen_api.py`, run by the MkDocs "
           "hook `docs/hooks.py`). Units are SI, with the model's energies in eV as spintronics "
           "papers quote them ([physics.md](physics.md) sec. 1).", ""]
    shown = set()
    for section, paths in PUBLIC:
        entries = []
        for path in paths:
            obj = resolve(path)
            if obj is _MISSING:
                if path in OPTIONAL:
                    continue
                raise ImportError(f"docs/gen_api.py: public name {path!r} does not exist; update "
                                  "PUBLIC (or list it in OPTIONAL if it is landing elsewhere)")
            if id(obj) in shown and not isinstance(obj, (int, float, str, tuple)):
                continue  # re-exported under a second path: list it once
            shown.add(id(obj))
            entries += _entry(path, obj)
        if entries:
            out += [f"## {section}", "", *entries]
    return "\n".join(out)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else Path(__file__).parent / "api.md"
    path.write_text(render())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
