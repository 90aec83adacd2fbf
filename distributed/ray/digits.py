"""The collision digit (design §4), as the engine assigns it (src/engine/ids/collisionDigit.ts)."""
from __future__ import annotations

import numpy as np


def _tuple_order(codes: np.ndarray) -> np.ndarray:
    """A stable order by code tuple (level 0 first): equal tuples keep catalog order."""
    if codes.shape[0] == 0:
        return np.zeros(0, np.int64)
    return np.lexsort(tuple(codes[:, l] for l in range(codes.shape[1] - 1, -1, -1)))


def _run_starts(sorted_codes: np.ndarray) -> np.ndarray:
    """True where a new tuple begins in tuple-sorted rows."""
    starts = np.ones(len(sorted_codes), dtype=bool)
    if len(sorted_codes) > 1:
        starts[1:] = (sorted_codes[1:] != sorted_codes[:-1]).any(axis=1)
    return starts


def collision_digits(codes: np.ndarray) -> np.ndarray:
    """Items sharing an L-code tuple get 0, 1, 2, ... in catalog (row) order."""
    n = codes.shape[0]
    order = _tuple_order(codes)
    starts = _run_starts(codes[order])
    position = np.arange(n)
    run_start = np.maximum.accumulate(np.where(starts, position, 0)) if n else position
    digits = np.zeros(n, np.int64)
    digits[order] = position - run_start
    return digits


def extend_digits(old_codes: np.ndarray, old_digits: np.ndarray, new_codes: np.ndarray) -> np.ndarray:
    """New items: the next free digit after the existing items with their tuple, in the order given."""
    old = old_codes.shape[0]
    every = np.concatenate([old_codes, new_codes]) if old else new_codes
    order = _tuple_order(every)
    starts = _run_starts(every[order])
    digits = np.zeros(new_codes.shape[0], np.int64)
    next_free = 0
    # One pass in tuple order; within a tuple the existing items come first (stable sort).
    for j, row in enumerate(order.tolist()):
        if starts[j]:
            next_free = 0
        if row < old:
            next_free = max(next_free, int(old_digits[row]) + 1)
        else:
            digits[row - old] = next_free
            next_free += 1
    return digits
