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
    """(keys, values), int64, summed within the batch; `extra` (keys, values) are summed in too.
    Vectorised over the whole batch: no Python loop per sequence or per context."""
    keys: list[np.ndarray] = [] if extra is None else [extra[0]]
    values: list[np.ndarray] = [] if extra is None else [extra[1]]
    seqs = [np.asarray(s, np.int64) for s in sequences if len(s)]
    contexts = 0
    if seqs:
        lengths = np.array([len(s) for s in seqs], np.int64)
        fast = _repeat_free(seqs, lengths, window) if window > 0 else np.zeros(len(seqs), bool)
        chosen = np.nonzero(fast)[0]
        if len(chosen):
            k, v = _count_repeat_free([seqs[i] for i in chosen], window, num_items)
            keys.append(k)
            values.append(v)
            contexts += int((lengths[chosen] - window + 1).sum())
        rest = np.nonzero(~fast)[0]
        if len(rest):
            k, v, c = _count_by_context([seqs[i] for i in rest], window, num_items)
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
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order].astype(np.int64)
    if len(keys) == 0:
        return keys, values
    starts = np.concatenate([[0], np.nonzero(keys[1:] != keys[:-1])[0] + 1])
    return keys[starts], np.add.reduceat(values, starts)


def _repeat_free(seqs: list[np.ndarray], lengths: np.ndarray, window: int) -> np.ndarray:
    """Per sequence: longer than the window, and no item twice within one window."""
    flat = np.concatenate(seqs)
    seq_of = np.repeat(np.arange(len(seqs)), lengths)
    repeats = np.zeros(len(seqs), bool)
    for d in range(1, window):
        same = (flat[d:] == flat[:-d]) & (seq_of[d:] == seq_of[:-d])
        repeats[seq_of[d:][same]] = True
    return (lengths > window) & ~repeats


def _count_by_context(seqs: list[np.ndarray], window: int, num_items: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Any sequences (short ones, window 0, repeated items): every context's distinct items
    and distinct pairs, found by de-duplicating (context, item) and (context, pair)."""
    flat = np.concatenate(seqs)
    lengths = np.array([len(s) for s in seqs], np.int64)
    span = lengths if window == 0 else np.minimum(lengths, window)
    per_seq = lengths - span + 1
    n_ctx = int(per_seq.sum())
    ctx_seq = np.repeat(np.arange(len(seqs)), per_seq)
    ctx_start = np.arange(n_ctx, dtype=np.int64) - np.repeat(np.cumsum(per_seq) - per_seq, per_seq)
    ctx_span = span[ctx_seq]
    ctx_first = (np.cumsum(lengths) - lengths)[ctx_seq] + ctx_start  # flat index of each context's first item
    mem_ctx = np.repeat(np.arange(n_ctx, dtype=np.int64), ctx_span)
    mem_k = np.arange(len(mem_ctx), dtype=np.int64) - np.repeat(np.cumsum(ctx_span) - ctx_span, ctx_span)
    mem_item = flat[ctx_first[mem_ctx] + mem_k]
    # Items: once per context.
    present = sort_unique(mem_ctx * num_items + mem_item) % num_items
    keys = [-(present + 1)]
    # Pairs: members k < k + d of one context (contiguous in mem_*), de-duplicated per context.
    pair_keys, pair_ctx = [], []
    span_of_member = ctx_span[mem_ctx]
    for d in range(1, int(ctx_span.max())):
        i = np.nonzero(mem_k + d < span_of_member)[0]
        x, y = mem_item[i], mem_item[i + d]
        differ = x != y
        i, x, y = i[differ], x[differ], y[differ]
        pair_keys.append(np.minimum(x, y) * num_items + np.maximum(x, y))
        pair_ctx.append(mem_ctx[i])
    if pair_keys:
        pk, pc = np.concatenate(pair_keys), np.concatenate(pair_ctx)
        order = np.lexsort((pk, pc))
        pk, pc = pk[order], pc[order]
        first = np.ones(len(pk), bool)
        first[1:] = (pk[1:] != pk[:-1]) | (pc[1:] != pc[:-1])
        keys.append(pk[first])
    all_keys = np.concatenate(keys)
    return all_keys, np.ones(len(all_keys), np.int64), n_ctx


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
