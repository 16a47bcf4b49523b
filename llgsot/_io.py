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


def check_writable(name: str, path) -> str:
    """Check, before any computation, that ``path`` can be written; ValueError naming ``name``
    (TypeError for a path that is not a string or os.PathLike).

    Refuses an empty path, an existing directory, a path below a file, and a folder where no
    file can be created (read-only, /proc, no permission). Missing folders are fine (they are
    created on writing) when the nearest existing one is writable.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name}: must be a file path (str or os.PathLike), got "
                        f"{type(path).__name__} {path!r}")
    p = os.fspath(path)
    if not isinstance(p, str):
        raise TypeError(f"{name}: must be a text file path, got {p!r}")
    if not p or p.endswith(os.sep):
        raise ValueError(f"{name}: {p!r} is not a file name")
    if os.path.isdir(p):
        raise ValueError(f"{name}: {p!r} is a directory, not a file")
    _probe_folder(name, os.path.dirname(os.path.abspath(p)), f"cannot write {p!r}")
    if os.path.exists(p) and not os.access(p, os.W_OK):
        raise ValueError(f"{name}: cannot overwrite {p!r} (permission denied)")
    return p


def check_dir_writable(name: str, path) -> str:
    """Check, before any computation, that files can be written into the folder ``path``
    (created later if missing); ValueError naming ``name``. Creates nothing."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name}: must be a folder path, got {type(path).__name__} {path!r}")
    p = os.fspath(path)
    if not p:
        raise ValueError(f"{name}: {p!r} is not a folder name")
    if os.path.exists(p) and not os.path.isdir(p):
        raise ValueError(f"{name}: {p!r} is a file, not a folder")
    _probe_folder(name, os.path.abspath(p), f"cannot write into {p!r}")
    return p


def _probe_folder(name: str, folder: str, what: str) -> None:
    """The one probe of :func:`check_writable` and :func:`check_dir_writable`: the nearest
    existing ancestor of ``folder`` (itself included) must be a folder where a file can be
    created (a probe file is made and removed); else ValueError ``"{name}: {what} ..."``."""
    probe = folder
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if not os.path.isdir(probe):
        raise ValueError(f"{name}: {what}: {probe!r} is a file, not a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".llgsot-probe-", dir=probe)
    except OSError as exc:
        raise ValueError(f"{name}: {what} ({exc.strerror} in {probe!r})") from None
    os.close(fd)
    os.remove(tmp)


def save_dataset(ds, path) -> str:
    """Write an xarray Dataset to netCDF atomically; attributes netCDF cannot hold (dicts,
    booleans, None) are stored as text. Returns the path."""
    clean = ds.copy()
    for k, val in list(clean.attrs.items()):
        if isinstance(val, (dict, bool)) or val is None:
            clean.attrs[k] = str(val)
    with atomic_path(path, suffix=".nc.tmp") as tmp:
        clean.to_netcdf(tmp, engine="netcdf4")
    return os.fspath(path)


def json_ready(obj):
    """A strict-JSON-ready copy of ``obj``: dicts, lists and arrays recursively, numpy scalars
    as plain numbers, non-finite numbers as None (RFC 8259 has no NaN/Infinity), anything
    else unknown as its str()."""
    import math

    import numpy as np

    if isinstance(obj, dict):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return json_ready(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else None
    if obj is None or isinstance(obj, str):
        return obj
    return str(obj)


def read_utf8(path, name: str, hint: str = "") -> str:
    """The text of the UTF-8 file ``path`` (a byte-order mark, as Windows editors write, is
    dropped); a directory, a missing or unreadable file or bytes that are not UTF-8 are a
    ValueError starting with ``name`` (e.g. ``"config file 'a.toml'"``), ``hint`` appended
    to the last."""
    if os.path.isdir(path):
        raise ValueError(f"{name} is a directory, not a file")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise ValueError(f"{name} not found") from None
    except OSError as exc:
        raise ValueError(f"{name} cannot be read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name} is not UTF-8 text (byte {exc.start}: "
                         f"{raw[exc.start:exc.start + 1]!r}){hint}") from None


def read_csv(path, what: str = "data file", text_rows: int = 0) -> tuple:
    """(header, text rows, numbers) of a CSV file as a spreadsheet writes it.

    ``header``: the stripped column names of the first line that is neither blank nor a
    ``#`` comment; ``text rows``: the next ``text_rows`` such lines as lists of strings (a
    units row); ``numbers``: a float array (rows, columns) of the rest, blank and ``#`` lines
    skipped. A UTF-8 byte-order mark is ignored and quoted cells are read. A file that is
    missing, not UTF-8 text, without a header, with a repeated column name, a row whose
    length differs from the header's or a cell that is not a number is a ValueError naming
    ``what``, the file (and the line and column). The numbers are parsed by numpy's C reader
    (a million rows take seconds); only a file with an error is read again line by line.
    """
    import csv
    import io
    import warnings

    import numpy as np

    name = f"{what} {os.fspath(path)!r}"
    text = read_utf8(path, name, "; save it as CSV UTF-8").replace("\r\n", "\n")
    pos, line_no, first = 0, 0, []
    while len(first) < 1 + text_rows and pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line, line_no, pos = text[pos:end], line_no + 1, end + 1
        if line.strip() and not line.lstrip().startswith("#"):
            first.append((line_no, next(csv.reader([line]))))
    if len(first) < 1 + text_rows:
        raise ValueError(f"{name} has no header row" + (f" and {text_rows} row(s) of names below it"
                                                        if text_rows else ""))
    head = [h.strip() for h in first[0][1]]
    seen = set()
    for h in head:
        if h in seen:
            raise ValueError(f"{name}: column {h!r} appears twice in the header")
        seen.add(h)
    for n, r in first[1:]:
        if len(r) != len(head):
            raise ValueError(f"{name}: line {n} has {len(r)} values, the header {len(head)} columns")
    body, reason = text[pos:], "rows of different lengths"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numpy warns about a file without data rows
            numbers = np.loadtxt(io.StringIO(body), delimiter=",", comments="#", quotechar='"',
                                 ndmin=2, dtype=float)
        if numbers.size == 0:
            numbers = numbers.reshape(0, len(head))
        ok = numbers.shape[1] == len(head)
    except ValueError as exc:
        ok, reason = False, str(exc)
    if not ok:
        _csv_error(name, head, body, line_no)
        raise ValueError(f"{name}: {reason}")
    return head, [r for _, r in first[1:]], numbers


def _csv_error(name, head, body, offset):
    """Raise the ValueError naming the first bad line (and column) of ``body``."""
    import csv

    for n, line in enumerate(body.split("\n"), offset + 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        r = next(csv.reader([line]))
        if len(r) != len(head):
            raise ValueError(f"{name}: line {n} has {len(r)} values, the header {len(head)} columns")
        for h, x in zip(head, r):
            try:
                float(x)
            except ValueError:
                raise ValueError(f"{name}: line {n}, column {h!r}: {x.strip()!r} is not a "
                                 "number") from None
