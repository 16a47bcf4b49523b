"""Atomic file writes: a temporary file in the target's folder, fsynced, then renamed.

Every file llgsot writes goes through :func:`atomic_path`, so an interrupted write (Ctrl-C,
a killed process) never leaves a half-written file under the final name.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager


@contextmanager
def atomic_path(path, suffix=".tmp"):
    """Yield a temporary path next to ``path``; on success it replaces ``path``.

    Whatever goes wrong after the temporary file is created (the writer raises, the disk is
    full, a Ctrl-C while writing, the rename fails), the temporary file is removed and the
    exception propagates; ``path`` is then untouched.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".llgsot-", suffix=suffix, dir=folder)
    try:
        os.close(fd)
        mask = os.umask(0)  # mkstemp makes 0600 files: give the usual permissions
        os.umask(mask)
        try:
            os.chmod(tmp, 0o666 & ~mask)
        except OSError:  # a file system without permissions (FAT, some shares): keep 0600
            pass
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    _fsync_folder(folder)


def _fsync_folder(folder):
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def atomic_write_text(path, text: str) -> str:
    """Write ``text`` to ``path`` atomically; returns the path."""
    with atomic_path(path) as tmp, open(tmp, "w") as f:
        f.write(text)
    return os.fspath(path)
