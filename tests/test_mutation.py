"""The placed physics mutants of tests/mutation/mutants.py: none stale (default run), all killed
(slow job)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "mutation"))


@pytest.mark.slow
def test_every_placed_mutant_is_killed():
    from run_mutants import run

    killed, survived, stale = run()
    assert not stale, f"stale mutants (update tests/mutation/mutants.py): {stale}"
    assert not survived, f"surviving mutants: {survived}"


def test_no_placed_mutant_is_stale():
    """Every mutant's old text occurs exactly once in its file (default run, milliseconds): a
    change that moves a formula must move its mutant too, not wait for the slow job."""
    from mutants import MUTANTS

    root = Path(__file__).resolve().parent.parent
    stale = [(name, rel, (root / rel).read_text().count(old) if (root / rel).exists() else None)
             for name, rel, old, _new, _tests in MUTANTS
             if not (root / rel).exists() or (root / rel).read_text().count(old) != 1]
    assert not stale, f"stale mutants (name, file, occurrences): {stale}"
    names = [m[0] for m in MUTANTS]
    assert len(set(names)) == len(names), "mutant names must be distinct (run_mutants.py -k)"
