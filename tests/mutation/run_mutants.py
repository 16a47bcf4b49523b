"""Mutation run of the physics modules: apply each placed mutant of mutants.py to a scratch
copy of the repository, run the tests that must kill it, print the kill ratio.

    python tests/mutation/run_mutants.py            # all mutants (several minutes)
    python tests/mutation/run_mutants.py -k parity  # those whose name contains "parity"

Exit status 0 when every mutant is killed, 1 when one survives, 2 when one is stale.
numba caches are keyed on the source (llgsot/_jit.py), so a mutated kernel recompiles.
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import MUTANTS  # noqa: E402


def run(selection=None, timeout=900):
    chosen = [m for m in MUTANTS if not selection or selection in m[0]]
    killed, survived, stale = [], [], []
    with tempfile.TemporaryDirectory(prefix="llgsot-mutants-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(
            ".git", "__pycache__", "site", "*.egg-info", ".pytest_cache", ".hypothesis"))
        env = {**os.environ, "PYTHONPATH": str(work),
               "LLGSOT_NUMBA_CACHE": str(Path(tmp) / "numba")}
        for name, rel, old, new, tests in chosen:
            path = work / rel
            original = path.read_text()
            if original.count(old) != 1:
                stale.append(name)
                print(f"STALE     {name}: {old!r} occurs {original.count(old)} times in {rel}")
                continue
            path.write_text(original.replace(old, new))
            try:
                cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                       "-m", "", *shlex.split(tests)]
                proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True,
                                      timeout=timeout)
                status = "killed" if proc.returncode != 0 else "SURVIVED"
            except subprocess.TimeoutExpired:
                status = "killed"  # a mutant that hangs the tests is detected too
            finally:
                path.write_text(original)
            (killed if status == "killed" else survived).append(name)
            print(f"{status:9s} {name}  [{tests}]", flush=True)
    n = len(killed) + len(survived)
    print(f"\nkill ratio: {len(killed)}/{n}" + (f"; stale: {len(stale)}" if stale else ""))
    return killed, survived, stale


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", dest="selection", default=None)
    args = ap.parse_args(argv)
    killed, survived, stale = run(args.selection)
    return 2 if stale else (1 if survived else 0)


if __name__ == "__main__":
    sys.exit(main())
