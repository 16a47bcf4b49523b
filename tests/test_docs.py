"""The documentation stands alone: every citation of the physics contract points at the
repository's own docs/physics.md (and at sections it has), the API page generator runs on
today's API, and CI runs exactly the README's test command (which builds the docs strictly)."""
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "docs" / "physics.md"
SCANNED = ("llgsot", "docs", "tests", "examples", "benchmarks", ".ci")
SUFFIXES = {".py", ".md", ".toml", ".yml", ".yaml", ".txt", ""}
NAME = "physics" + ".md"  # so that this file does not cite it
#: a markdown link to the contract from a page inside docs/, e.g. [physics.md](physics.md#x)
DOCS_LINK = re.compile(r"\[[^\]]*\]\(" + re.escape(NAME) + r"(#[^)]*)?\)")
#: the nav entry of mkdocs.yml, e.g. "  - Physics contract: physics.md"
NAV_ENTRY = re.compile(r"^\s*- [^:\n]+: " + re.escape(NAME) + r"\s*$", flags=re.M)
#: "docs/physics.md sec. 2a", "... sections 3 and 5", "... sections 1-3", "... section 4"
SECTIONS = re.compile(r"(?:docs/|\]\()" + re.escape(NAME) + r"\)?\s+(?:sec\.|sections?)\s+"
                      r"([0-9][a-z]?(?:\s*(?:-|and|,)\s*[0-9][a-z]?)*)")


def _files():
    yield from (p for p in (ROOT / "README.md", ROOT / "mkdocs.yml", ROOT / "pyproject.toml")
                if p.exists())
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if (path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts
                    and path != Path(__file__).resolve() and path.name != "api.md"):
                yield path


def _contract_sections():
    return set(re.findall(r"^## ([0-9][a-z]?)\. ", CONTRACT.read_text(), flags=re.M))


def test_physics_contract_is_in_the_repository_with_its_sections():
    assert CONTRACT.is_file()
    assert {"1", "2", "2a", "2b", "3", "4", "5", "6", "7"} <= _contract_sections()


def test_every_citation_of_the_contract_points_at_docs_physics_md():
    """Any mention must read docs/physics.md (or, inside docs/, be a markdown link to
    physics.md), never a bare name or a path outside the repository."""
    bad, n = [], 0
    for path in _files():
        text = path.read_text(errors="replace")
        if NAME not in text:
            continue
        if path.parent == ROOT / "docs":  # pages, and gen_api.py which writes one
            n += len(DOCS_LINK.findall(text))
            text = DOCS_LINK.sub("", text)
        if path.name == "mkdocs.yml":  # nav entries are relative to docs/
            n += len(NAV_ENTRY.findall(text))
            text = NAV_ENTRY.sub("", text)
        for m in re.finditer(r"[\w./~-]*" + re.escape(NAME), text):
            n += 1
            if m.group(0) != "docs/" + NAME:
                line = text.count("\n", 0, m.start()) + 1
                bad.append(f"{path.relative_to(ROOT)}:{line}: {m.group(0)!r}")
    assert n > 10, "the scan found almost no citations: is it looking at the repository?"
    assert not bad, "citations not of the form docs/physics.md:\n" + "\n".join(bad)


def test_cited_sections_exist():
    have = _contract_sections()
    missing = []
    for path in _files():
        for m in SECTIONS.finditer(path.read_text(errors="replace")):
            for sec in re.findall(r"[0-9][a-z]?", m.group(1)):
                if sec not in have:
                    missing.append(f"{path.relative_to(ROOT)}: {m.group(0)!r}")
    assert not missing, "cited sections not in docs/physics.md:\n" + "\n".join(missing)


@pytest.fixture(scope="module")
def gen_api():
    spec = importlib.util.spec_from_file_location("gen_api_under_test", ROOT / "docs" / "gen_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_page_documents_todays_api(gen_api):
    text = gen_api.render()
    table_sot = text.split("### `TableSOT`", 1)[1].split("\n### ", 1)[0]
    for word in ("representation", "grid_points", "TableSOT.field(m, current_density, Ms, thickness)"):
        assert word in table_sot, word
    for name in ("llgsot.export.export(", "llgsot.export.Device(",
                 "llgsot.export.write_mumax3(", "llgsot.spinorbit.coefficients(",
                 "llgsot.studies.compare.constant_equivalent("):
        assert name in text, name
    for removed in ("SOTField(", "to_mumax3", "to_csv"):
        assert removed not in text.replace("MagnumSOTField(", ""), removed


def test_api_generator_refuses_a_vanished_name_and_skips_an_optional_one(gen_api, monkeypatch):
    monkeypatch.setattr(gen_api, "PUBLIC", [("X", ["llgsot.RashbaFM", "llgsot.not_a_name"])])
    monkeypatch.setattr(gen_api, "OPTIONAL", {"llgsot.not_a_name"})
    assert "### `RashbaFM`" in gen_api.render()
    monkeypatch.setattr(gen_api, "OPTIONAL", set())
    with pytest.raises(ImportError, match="not_a_name"):
        gen_api.render()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    readme_cmd = quick.strip().splitlines()[1].split("#", 1)[0].strip()
    ci_cmd = [ln for ln in (ROOT / ".ci" / "run").read_text().splitlines()
              if ln.strip() and not ln.startswith("#")][-1].strip()
    assert readme_cmd == ci_cmd
    assert 'pip install -e ".[test,magnumnp,docs]"' in ci_cmd
    assert ci_cmd.endswith("mkdocs build --strict")


def test_api_generator_names_a_missing_optional_package(gen_api, tmp_path, monkeypatch):
    pkg = tmp_path / "fake_llgsot_extension"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "gpu.py").write_text("import no_such_package_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(gen_api, "PUBLIC", [("X", ["fake_llgsot_extension.gpu.Field"])])
    assert "needs the optional package `no_such_package_xyz`" in gen_api.render()
