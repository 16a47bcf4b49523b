"""Generate docs/api.md from the docstrings of llgsot's public names.

Run:  python docs/gen_api.py   (also run by the docs build; no plugin needed)
"""
import inspect
from pathlib import Path

import llgsot
from llgsot import studies
from llgsot.studies import compare
from llgsot.tables import export

PUBLIC = [
    ("Model and solver", [llgsot.RashbaFM, llgsot.response, llgsot.Response]),
    ("Torque tables", [llgsot.build_table, llgsot.TorqueTable, llgsot.save_table, llgsot.load_table]),
    ("Exporters", [export.to_csv, export.to_json, export.to_mumax3, export.MagnumSOTField,
                   export.SOTField]),
    ("Dynamics", [llgsot.Macrospin, llgsot.Pulse, llgsot.ConstantSOT, llgsot.TableSOT, llgsot.simulate]),
    ("Studies", [llgsot.critical_current, studies.CriticalCurrent, studies.switching_probability,
                 studies.switching_diagram, studies.precession_sweep,
                 compare.constant_equivalent]),
]


def _sig(obj):
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def main():
    out = ["# API reference", "",
           "Generated from the docstrings by `python docs/gen_api.py`. Units are SI (energies of "
           "the model in eV, as spintronics papers quote them).", ""]
    for section, objs in PUBLIC:
        out += [f"## {section}", ""]
        for obj in objs:
            name = f"{obj.__module__}.{obj.__qualname__}"
            kind = "class" if inspect.isclass(obj) else "function"
            out += [f"### `{obj.__qualname__}`", "", f"*{kind}* `{name}{_sig(obj)}`", "", "```text",
                    inspect.cleandoc(obj.__doc__ or "(no docstring)"), "```", ""]
    path = Path(__file__).parent / "api.md"
    path.write_text("\n".join(out))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
