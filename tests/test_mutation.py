"""The placed physics mutants of tests/mutation/mutants.py are all killed (slow job)."""
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
