"""Window co-occurrence counts of a batch of training sequences (design §4 "Pairs"),
vectorised with numpy; the same counts as src/engine/pairs/minePairs.ts.

A context is every window of `window` consecutive items of a training sequence (the
whole sequence when it is not longer than the window, or when window = 0), an item
counted once per context. Per batch this returns partial sums keyed by
    key >= 0:           pair a < b, key = a * items + b, value = contexts holding both
    key = -(item + 1):  contexts holding the item
    key = -(items + 1): contexts in the batch (N)
and, for the reading checks (see mine_pairs.py), from `bookkeeping_keys`:
    key = -(items + 2): item tokens read;  key = -(items + 3): tokens not in the catalog
    key = -(items + 4) - h: user with 62-bit hash h (summed: > 1 means a repeated user)
so one groupby-sum over all batches yields every count the scores and the checks need.
"""
from __future__ import annotations


import numpy as np


def training_part(items: list[int]) -> list[int]:
    """Leave-last-two-out, as the engine splits `.txt` / `.json` sequences: the last item is test, the one before validation."""
    n = len(items)
    if n >= 3:
        return items[: n - 2]
    if n == 2:
        return items[:1]
    return items


def tokens_key(num_items: int) -> int:
    return -(num_items + 2)


def unknown_key(num_items: int) -> int:
    return -(num_items + 3)


def first_user_key(num_items: int) -> int:
    """User keys are this minus the user's hash (all below every other key)."""
    return -(num_items + 4)


def bookkeeping_keys(num_items: int, tokens: int, unknown: int, user_hashes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    users = np.array(user_hashes, dtype=np.int64)
    keys = np.concatenate([np.array([tokens_key(num_items), unknown_key(num_items)], np.int64), first_user_key(num_items) - users])
    values = np.concatenate([np.array([tokens, unknown], np.int64), np.ones(len(users), np.int64)])
    return keys, values


def count_sequences(sequences: list[np.ndarray], window: int, num_items: int, extra: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(keys, values), int64, summed within the batch; `extra` (keys, values) are summed in too."""
    seqs = [np.asarray(s, np.int64) for s in sequences if len(s)]
    flat = np.concatenate(seqs) if seqs else np.zeros(0, np.int64)
    return count_flat(flat, np.array([len(s) for s in seqs], np.int64), window, num_items, extra)


def training_flat(index: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Users' item tokens, one after another (`counts[u]` tokens of user u; index -1 = not in
    the catalog) -> each user's training part of the known items (`training_part`), as
    (items, lengths) with users left without items dropped. Vectorised over the batch."""
    user_of = np.repeat(np.arange(len(counts)), counts)
    known = index >= 0
    user_of, items = user_of[known], index[known].astype(np.int64)
    per_user = np.bincount(user_of, minlength=len(counts)).astype(np.int64)
    keep = np.where(per_user >= 3, per_user - 2, np.where(per_user == 2, 1, per_user))
    rank = np.arange(len(items)) - (np.cumsum(per_user) - per_user)[user_of]
    return items[rank < keep[user_of]], keep[keep > 0]


def count_flat(flat: np.ndarray, lengths: np.ndarray, window: int, num_items: int, extra: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """count_sequences on sequences laid one after another (`lengths`, none empty).
    Vectorised over the whole batch: no Python loop per sequence or per context."""
    keys: list[np.ndarray] = [] if extra is None else [extra[0]]
    values: list[np.ndarray] = [] if extra is None else [extra[1]]
    flat = np.asarray(flat, np.int64)
    contexts = 0
    if len(lengths):
        fast = _repeat_free(flat, lengths, window) if window > 0 else np.zeros(len(lengths), bool)
        if fast.any():
            chosen = lengths[fast]
            k, v = _count_repeat_free(flat[np.repeat(fast, lengths)], chosen, window, num_items)
            keys.append(k)
            values.append(v)
            contexts += int((chosen - np.minimum(chosen, window) + 1).sum())
        if not fast.all():
            k, v, c = _count_by_context(flat[np.repeat(~fast, lengths)], lengths[~fast], window, num_items)
            keys.append(k)
            values.append(v)
            contexts += c
    keys.append(np.array([-(num_items + 1)], np.int64))
    values.append(np.array([contexts], np.int64))
    return sum_by_key(np.concatenate(keys), np.concatenate(values))


def sort_unique(x: np.ndarray) -> np.ndarray:
    """np.unique by sorting: numpy 2.4's hash-based unique for integers is 10-100x slower here."""
    x = np.sort(x)
    keep = np.ones(len(x), bool)
    keep[1:] = x[1:] != x[:-1]
    return x[keep]


def sum_by_key(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys ascending, the sum of the values of each), by sorting."""
    order = np.argsort(keys)  # integer sums: any order of equal keys gives the same sum
    keys, values = keys[order], values[order].astype(np.int64)
    if len(keys) == 0:
        return keys, values
    starts = np.concatenate([[0], np.nonzero(keys[1:] != keys[:-1])[0] + 1])
    return keys[starts], np.add.reduceat(values, starts)


_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: neighbouring keys land in different partitions


def partition_of(keys: np.ndarray, partitions: int) -> np.ndarray:
    """The shuffle partition of each int64 key, in [0, partitions): a multiplicative hash
    (pair keys of one item are consecutive integers; a plain modulo would pile them up)."""
    mixed = keys.astype(np.int64).view(np.uint64) * _MIX
    return ((mixed >> np.uint64(32)) % np.uint64(partitions)).astype(np.int64)


def sum_partition(batch: dict) -> dict:
    """One shuffle partition's (key, count) rows, possibly a key many times (one row per
    counting batch that saw it) -> one row per key with the sum. Vectorised: Ray Data's own
    groupby(...).sum() merges and builds its output row by row in Python, which was ~97% of
    the job's time."""
    keys, counts = sum_by_key(np.asarray(batch["key"], np.int64), np.asarray(batch["count"], np.int64))
    return {"key": keys, "count": counts}


def _repeat_free(flat: np.ndarray, lengths: np.ndarray, window: int) -> np.ndarray:
    """Per sequence: no item twice within one window (a sequence not longer than the window is one window)."""
    seq_of = np.repeat(np.arange(len(lengths)), lengths)
    repeats = np.zeros(len(lengths), bool)
    for d in range(1, window):
        same = (flat[d:] == flat[:-d]) & (seq_of[d:] == seq_of[:-d])
        repeats[seq_of[d:][same]] = True
    return ~repeats


def _count_by_context(flat: np.ndarray, lengths: np.ndarray, window: int, num_items: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Any sequences (window 0, items repeated within a window): every context's distinct
    items, found by de-duplicating (context, item), and the pairs of those."""
    span = lengths if window == 0 else np.minimum(lengths, window)
    per_seq = lengths - span + 1
    n_ctx = int(per_seq.sum())
    ctx_seq = np.repeat(np.arange(len(lengths)), per_seq)
    ctx_start = np.arange(n_ctx, dtype=np.int64) - np.repeat(np.cumsum(per_seq) - per_seq, per_seq)
    ctx_span = span[ctx_seq]
    ctx_first = (np.cumsum(lengths) - lengths)[ctx_seq] + ctx_start  # flat index of each context's first item
    mem_ctx = np.repeat(np.arange(n_ctx, dtype=np.int64), ctx_span)
    mem_k = np.arange(len(mem_ctx), dtype=np.int64) - np.repeat(np.cumsum(ctx_span) - ctx_span, ctx_span)
    mem_item = flat[ctx_first[mem_ctx] + mem_k]
    # Each context's distinct items, ascending, contexts one after another: (context, item)
    # packed in one int64 (contexts of a batch x items stays far below 2^63) and sorted once.
    present = sort_unique(mem_ctx * num_items + mem_item)
    ctx, item = present // num_items, present % num_items
    keys = [-(item + 1)]
    # Pairs: distinct members k < k + d of one context, so a < b and no pair twice per context.
    for d in range(1, int(ctx_span.max())):
        i = np.nonzero(ctx[d:] == ctx[:-d])[0]
        if len(i) == 0:
            break  # no context has more than d distinct items
        keys.append(item[i] * num_items + item[i + d])
    all_keys = np.concatenate(keys)
    return all_keys, np.ones(len(all_keys), np.int64), n_ctx


def _count_repeat_free(flat: np.ndarray, lengths: np.ndarray, window: int, num_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Sequences with no item twice within one window: each window holds one occurrence of
    each of its items, so the pair at positions (i, j), j - i < w, lies in exactly the
    windows covering both: min(i, L - w) - max(0, j - w + 1) + 1 of them, where w is the
    window, or L for a sequence not longer than it (one context: every count is 1)."""
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    pos = np.arange(len(flat), dtype=np.int64) - starts  # position within its sequence
    length = np.repeat(lengths, lengths)
    span = np.minimum(length, window)
    last_start = length - span
    keys = []
    values = []
    # Item occurrences: contexts holding position p.
    keys.append(-(flat + 1))
    values.append(np.minimum(pos, last_start) - np.maximum(0, pos - span + 1) + 1)
    for d in range(1, window):
        i = np.nonzero(pos + d < length)[0]
        j = i + d
        x, y = flat[i], flat[j]
        a, b = np.minimum(x, y), np.maximum(x, y)
        pi = pos[i]
        cover = np.minimum(pi, last_start[i]) - np.maximum(0, pi + d - span[i] + 1) + 1
        keys.append(a * num_items + b)
        values.append(cover)
    return np.concatenate(keys), np.concatenate(values)
