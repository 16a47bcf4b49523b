"""Import magnum.np (the optional extra) the way llgsot uses it.

``import magnumnp`` has side effects: it sets torch's default dtype to float64 and its
default device to the GPU with the most free memory (found by a subprocess that imports torch
again, unless the environment variable CUDA_DEVICE names one), logs at INFO level, and
compiles its field terms with ``torch.compile`` on first use (minutes on a CPU for a handful
of terms). :func:`magnumnp` skips the subprocess when torch sees no GPU, lowers the log level
and, with ``compile=False``, runs the compiled terms eagerly (torch._dynamo disabled for the
process): on a CPU and for the small meshes of the studies, eager evaluation wins because
the compilation costs more than the whole run.
"""
from __future__ import annotations

import logging
import os
import sys
import warnings

MISSING = ("magnum.np is not installed: it is the optional extra `magnumnp` "
           "(pip install 'llgsot[magnumnp]'; on a CPU-only machine install torch from the CPU "
           "wheel index first, see the README)")


class _BelowWarning(logging.Filter):
    """Drops records below WARNING (magnum.np's banner and per-step INFO lines)."""

    def filter(self, record):
        return record.levelno >= logging.WARNING


def magnumnp(compile=None, quiet=True):
    """The magnumnp module.

    compile : bool or None
        False: disable torch.compile (torch._dynamo) for this process, so magnum.np's terms run
        eagerly; True: leave it on; None: leave the current setting.
    quiet : bool
        Log only magnum.np's warnings and errors.
    """
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(MISSING) from exc
    if "magnumnp" not in sys.modules and "CUDA_DEVICE" not in os.environ \
            and not torch.cuda.is_available():
        os.environ["CUDA_DEVICE"] = "-1"  # no GPU: skip magnum.np's probing subprocess
    if compile is not None:
        import torch._dynamo

        torch._dynamo.config.disable = not compile
    log = logging.getLogger("magnum.np")
    for f in [f for f in log.filters if isinstance(f, _BelowWarning)]:
        log.removeFilter(f)
    if quiet:  # a filter, not a level: magnum.np resets its logger's level to INFO on import
        log.addFilter(_BelowWarning())
    try:
        with warnings.catch_warnings():  # torch's own deprecation notices while magnum.np loads
            warnings.simplefilter("ignore", DeprecationWarning)
            import magnumnp as mn
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(MISSING) from exc
    if quiet:
        logging.getLogger("magnum.np").setLevel(logging.WARNING)
    return mn
