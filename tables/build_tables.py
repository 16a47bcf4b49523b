"""Rebuild the shipped tables: python tables/build_tables.py

Each tables/NAME.toml becomes tables/NAME.nc through `llgsot table build` (the same code
path as the command line), and a plot tables/NAME.png for a quick look.
"""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    for cfg in sorted(HERE.glob("*.toml")):
        out = cfg.with_suffix(".nc")
        for cmd in (["table", "build", str(cfg), "-o", str(out), "--no-progress"],
                    ["table", "plot", str(out), "-o", str(cfg.with_suffix(".png"))]):
            subprocess.run([sys.executable, "-m", "llgsot.cli.main", *cmd], check=True)
        print(f"{out.name}: {out.stat().st_size / 1024:.0f} kB")


if __name__ == "__main__":
    main()
