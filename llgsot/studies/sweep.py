"""Grid sweeps on any executor, with checkpoints, merged into one Dataset.

A sweep evaluates a module-level function at every point of a rectangular grid. Points are
grouped in chunks (work items) that run through the work loop of :mod:`llgsot.parallel`
(in-process, local processes, or dask.distributed): each finished chunk is appended to the
checkpoint as soon as it finishes, so a killed sweep restarted with the same checkpoint
redoes nothing finished.
"""
from __future__ import annotations

import itertools
import json

import numpy as np
import xarray as xr

from ..parallel import Chunk, WorkLoop


def _run_chunk(func, fixed, names, points):
    return [func(**dict(zip(names, p)), **fixed) for p in points]


def run_grid(func, grid: dict, fixed: dict, spec: dict, executor=None, checkpoint=None,
             progress=False, chunk=8, expected_seconds=0.0) -> xr.Dataset:
    """Evaluate ``func(**point, **fixed) -> dict of floats`` over the product of ``grid``.

    grid: {dim name: 1-d values}; spec: JSON-able description of the study (checkpoint header,
    Dataset attrs). Returns a Dataset with one variable per key of func's dicts.
    """
    from .. import _validate as v

    chunk = v.count("chunk", chunk)
    names = list(grid)
    axes = [np.asarray(grid[n], float) for n in names]
    index = list(itertools.product(*[range(len(a)) for a in axes]))
    points = [tuple(float(axes[d][i]) for d, i in enumerate(idx)) for idx in index]
    header = None
    if checkpoint is not None:
        header = {"spec": json.loads(json.dumps(spec, default=str)),
                  "grid": {n: a.tolist() for n, a in zip(names, axes)}}
    with WorkLoop(executor, expected_seconds=expected_seconds, checkpoint=checkpoint,
                  header=header, progress=progress, desc="llgsot sweep", unit="point") as loop:
        # checkpoint keys are the grid indices as floats
        results = {tuple(int(x) for x in k): {kk: float(np.asarray(vv)) for kk, vv in r.items()}
                   for k, r in loop.records.items()}
        todo = [i for i, idx in enumerate(index) if tuple(idx) not in results]
        loop.set_total(len(index), len(index) - len(todo))
        chunks = [Chunk((func, fixed, names, [points[i] for i in c]),
                        keys=[tuple(float(x) for x in index[i]) for i in c])
                  for c in (todo[i:i + chunk] for i in range(0, len(todo), chunk))]
        for ch, out in zip(chunks, loop.run(_run_chunk, chunks)):
            for key, r in zip(ch.keys, out):
                results[tuple(int(x) for x in key)] = r
    keys = list(next(iter(results.values())).keys()) if results else []
    shape = tuple(len(a) for a in axes)
    data = {}
    for k in keys:
        arr = np.full(shape, np.nan)
        for idx, r in results.items():
            arr[idx] = r[k]
        data[k] = (names, arr)
    ds = xr.Dataset(data, coords={n: a for n, a in zip(names, axes)})
    ds.attrs["reused_points"] = len(index) - len(todo)
    return ds
