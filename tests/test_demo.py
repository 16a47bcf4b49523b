"""`llgsot demo` runs end to end with embedded defaults and writes its figures and summary."""
import numpy as np

from llgsot.cli.main import main


def test_demo(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "switched: True" in text
    for name in ("table_tmatrix.nc", "table_born.nc", "table_tmatrix.png", "switching.png",
                 "critical_current.png", "summary.txt"):
        assert (out / name).stat().st_size > 0, name
    assert not list(out.glob(".llgsot-*"))  # no temporary files left behind
    rows = (out / "summary.txt").read_text().splitlines()[2:]
    assert len(rows) == 3
    for row in rows:
        values = np.array([float(x) for x in row.split(":")[1].split()])
        # finite thresholds of the order of B_K,eff / (field-like field per current) ~ 0.4e12
        assert np.all(np.isfinite(values)) and np.all((values > 1e11) & (values < 3e12)), row
