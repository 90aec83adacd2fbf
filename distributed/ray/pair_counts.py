"""Window co-occurrence counts of a batch of training sequences (design §4 "Pairs"),
vectorised with numpy; the same counts as src/engine/pairs/minePairs.ts.

A context is every window of `window` consecutive items of a training sequence (the
whole sequence when it is not longer than the window, or when window = 0), an item
counted once per context. Per batch this returns partial sums keyed by
    key >= 0:           pair a < b, key = a * items + b, value = contexts holding both
    key = -(item + 1):  contexts holding the item
    key = -(items + 1): contexts in the batch (N)
so one groupby-sum over all batches yields every count the scores need.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np


def training_part(items: list[int]) -> list[int]:
    """Leave-last-two-out, as the engine splits `.txt` / `.json` sequences: the last item is test, the one before validation."""
    n = len(items)
    if n >= 3:
        return items[: n - 2]
    if n == 2:
        return items[:1]
    return items


def _repeats_within(seq: np.ndarray, window: int) -> bool:
    for d in range(1, min(window, len(seq))):
        if np.any(seq[d:] == seq[:-d]):
            return True
    return False


def count_sequences(sequences: list[np.ndarray], window: int, num_items: int) -> tuple[np.ndarray, np.ndarray]:
    """(keys, values), int64, summed within the batch."""
    keys: list[np.ndarray] = []
    values: list[np.ndarray] = []
    contexts = 0
    fast: list[np.ndarray] = []
    slow_pairs: dict[int, int] = {}
    slow_items: dict[int, int] = {}
    for seq in sequences:
        length = len(seq)
        if length == 0:
            continue
        if window > 0 and length > window and not _repeats_within(seq, window):
            fast.append(seq)
            contexts += length - window + 1
            continue
        # A short sequence (one context), window 0 (one context), or repeats: context by context.
        span = length if window == 0 or length <= window else window
        for s in range(length - span + 1):
            ctx = sorted(set(seq[s:s + span].tolist()))
            contexts += 1
            for item in ctx:
                slow_items[item] = slow_items.get(item, 0) + 1
            for a, b in combinations(ctx, 2):
                k = a * num_items + b
                slow_pairs[k] = slow_pairs.get(k, 0) + 1
    if fast:
        k, v = _count_repeat_free(fast, window, num_items)
        keys.append(k)
        values.append(v)
    if slow_pairs:
        keys.append(np.fromiter(slow_pairs.keys(), np.int64, len(slow_pairs)))
        values.append(np.fromiter(slow_pairs.values(), np.int64, len(slow_pairs)))
    if slow_items:
        keys.append(-(np.fromiter(slow_items.keys(), np.int64, len(slow_items)) + 1))
        values.append(np.fromiter(slow_items.values(), np.int64, len(slow_items)))
    keys.append(np.array([-(num_items + 1)], np.int64))
    values.append(np.array([contexts], np.int64))
    all_keys = np.concatenate(keys)
    all_values = np.concatenate(values)
    unique, inverse = np.unique(all_keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=all_values, minlength=len(unique)).astype(np.int64)


def _count_repeat_free(seqs: list[np.ndarray], window: int, num_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Sequences longer than the window with no item twice within one window: each window
    holds one occurrence of each of its items, so the pair at positions (i, j), j - i < window,
    lies in exactly the windows covering both: min(i, L - w) - max(0, j - w + 1) + 1 of them."""
    flat = np.concatenate(seqs).astype(np.int64)
    lengths = np.array([len(s) for s in seqs], np.int64)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    pos = np.arange(len(flat), dtype=np.int64) - starts  # position within its sequence
    length = np.repeat(lengths, lengths)
    last_start = length - window
    keys = []
    values = []
    # Item occurrences: contexts holding position p.
    keys.append(-(flat + 1))
    values.append(np.minimum(pos, last_start) - np.maximum(0, pos - window + 1) + 1)
    for d in range(1, window):
        i = np.nonzero(pos + d < length)[0]
        j = i + d
        x, y = flat[i], flat[j]
        a, b = np.minimum(x, y), np.maximum(x, y)
        pi = pos[i]
        cover = np.minimum(pi, last_start[i]) - np.maximum(0, pi + d - window + 1) + 1
        keys.append(a * num_items + b)
        values.append(cover)
    return np.concatenate(keys), np.concatenate(values)
