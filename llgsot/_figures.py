"""matplotlib, set up once (Agg backend, imported lazily), and the atomic figure writer.

Every module that draws takes pyplot from :func:`pyplot` and saves through
:func:`save_figure`, so a process killed while writing a figure never leaves an empty or
partial image under its final name (:func:`llgsot._io.atomic_path`).
"""
from __future__ import annotations

import os


def pyplot():
    """``matplotlib.pyplot`` with the non-interactive Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path, dpi=120, close=False) -> str:
    """Save ``fig`` to ``path`` through a temporary file and a rename (the format from the
    extension, PNG without one); close the figure if ``close``. Returns the path."""
    from ._io import atomic_path

    suffix = os.path.splitext(os.fspath(path))[1] or ".png"
    try:
        with atomic_path(path, suffix=suffix) as tmp:
            fig.savefig(tmp, dpi=dpi, format=suffix.lstrip("."))
    finally:
        if close:
            pyplot().close(fig)
    return os.fspath(path)
