"""Shared by the benchmark scripts: the median wall time of repeated calls."""
import statistics
import time


def median_time(fn, repeat=5):
    """Median of ``repeat`` timed calls of fn() (s), after one untimed warm-up call
    (JIT compilation or cache loading)."""
    fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)
