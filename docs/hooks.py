"""MkDocs hooks of the llgsot site (``hooks:`` in mkdocs.yml).

``on_files`` generates the API reference page ``api.md`` from the docstrings of the llgsot
that Python imports (``docs/gen_api.py``) and adds it to the build: the page is never
committed, so it cannot go stale, and a public name that no longer exists fails the build.
Build with the package importable (installed, or ``PYTHONPATH`` at the checkout).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from mkdocs.structure.files import File

_HERE = Path(__file__).resolve().parent


def _gen_api():
    spec = importlib.util.spec_from_file_location("llgsot_docs_gen_api", _HERE / "gen_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(files, config):
    text = _gen_api().render()
    stale = files.get_file_from_path("api.md")  # e.g. from `python docs/gen_api.py`
    if stale is not None:
        files.remove(stale)
    files.append(File.generated(config, "api.md", content=text))  # mkdocs >= 1.6
    return files
