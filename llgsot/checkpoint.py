"""Append-only checkpoint of finished work items, so a killed build or sweep loses nothing.

Used by table builds and parameter studies alike (through :class:`llgsot.parallel.WorkLoop`).
Format: JSON lines. The first line is a header with everything that determines a point's
value (for tables: model parameters, approximation, regime, rtol; for studies: the study's
full specification); each further line holds one finished point keyed by a tuple of exact
floats (for tables (fermi_energy, impurity_strength, theta), with phi appended for sphere
tables; for sweeps the grid indices).
Floats round-trip exactly through ``repr``.

Durability rules:
  * records are appended and fsynced chunk by chunk; a kill in the middle of a write
    leaves a torn last line (no newline), which is cut off when the file is opened again,
    so the next record starts on a line of its own;
  * a checkpoint is locked (``flock``, exclusive, non-blocking) while it is open: a second
    build or sweep on the same file, in this or another process, is refused with a
    ``RuntimeError`` naming the file instead of repeating the work. The kernel releases the
    lock when its holder exits, however it dies. Worker processes forked while the lock is
    held close their inherited copy at once, so they never keep it alive.
"""
from __future__ import annotations

import errno
import json
import os
import weakref

import numpy as np

try:
    import fcntl
except ImportError:  # not POSIX
    fcntl = None

FORMAT = "llgsot-checkpoint-1"

#: the open (locked) checkpoints of this process
_OPEN = weakref.WeakSet()


def _close_in_child():
    # a forked child must not hold the parent's lock: flock belongs to the open file,
    # which the child's copy of the descriptor would keep alive after the parent is done
    for ck in list(_OPEN):
        fd, ck._fd = ck._fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
    _OPEN.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def point_key(eps, w, theta, phi=None):
    """Key of a table point: (eps, W, theta), and phi for a sphere table (exact floats)."""
    if phi is None:
        return (float(eps), float(w), float(theta))
    return (float(eps), float(w), float(theta), float(phi))


class Checkpoint:
    """Opens and locks ``path``, reads its records and appends new ones.

    A new (or empty) file gets ``header``; an existing one must carry the same header.
    Close it (or use it as a context manager) to release the lock.
    """

    def __init__(self, path, header: dict):
        self.path = os.fspath(path)
        self.header = {"format": FORMAT, **header}
        self.records = {}
        self._fd = None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0),
                     0o666)
        try:
            _lock(fd, self.path)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        _OPEN.add(self)
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self):
        data = _read_all(self._fd)
        head_line = json.dumps(self.header)
        if not data:
            self._write(head_line + "\n")
            return
        if b"\n" not in data:
            # only a header torn by a kill (nothing was finished yet) is rewritten
            if head_line.encode().startswith(data):
                os.ftruncate(self._fd, 0)
                self._write(head_line + "\n")
                return
            raise ValueError(f"`checkpoint` {self.path!r} is not an llgsot checkpoint")
        end = data.rfind(b"\n") + 1
        try:
            text = data[:end].decode("utf-8")
            head = json.loads(text.split("\n", 1)[0])
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(f"`checkpoint` {self.path!r} is not an llgsot checkpoint") from None
        if not isinstance(head, dict) or head.get("format") != FORMAT:
            raise ValueError(f"`checkpoint` {self.path!r} is not an llgsot checkpoint")
        for k, v in self.header.items():
            if head.get(k) != v:
                raise ValueError(
                    f"`checkpoint` {self.path!r} belongs to another build: its {k!r} is "
                    f"{head.get(k)!r}, this build has {v!r}")
        if end < len(data):  # a torn last line: cut it off so the next append starts clean
            os.ftruncate(self._fd, end)
            os.fsync(self._fd)
        for line in text.split("\n")[1:]:
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # defensive: complete lines are always whole records
            self.records[tuple(rec["key"])] = _from_json(rec)

    def _write(self, text: str):
        buf = memoryview(text.encode("utf-8"))
        while buf:
            buf = buf[os.write(self._fd, buf):]
        os.fsync(self._fd)

    def append(self, items):
        """items: iterable of (key, record). Written and fsynced together."""
        if self._fd is None:
            raise ValueError(f"`checkpoint` {self.path!r} is closed")
        lines = [json.dumps({"key": list(k), **_to_json(r)}) for k, r in items]
        if lines:
            self._write("\n".join(lines) + "\n")

    def close(self):
        """Release the lock and the file (idempotent)."""
        fd, self._fd = getattr(self, "_fd", None), None
        if fd is not None:
            _OPEN.discard(self)
            os.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 (interpreter shutdown)
            pass


def _lock(fd, path):
    if fcntl is None:  # no flock on this system: no protection against a second process
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise
        raise RuntimeError(
            f"`checkpoint` {path!r} is in use by another build or sweep (it is locked): let "
            "that one finish, or give this one another checkpoint file") from None


def _read_all(fd) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    parts = []
    while True:
        b = os.read(fd, 1 << 20)
        if not b:
            return b"".join(parts)
        parts.append(b)


def _to_json(rec):
    return {k: (np.asarray(v).tolist() if not isinstance(v, dict) else
                {kk: float(vv) for kk, vv in v.items()}) for k, v in rec.items()}


def _from_json(rec):
    out = {}
    for k, v in rec.items():
        if k == "key":
            continue
        out[k] = v if isinstance(v, dict) else np.asarray(v, dtype=float)
    return out
