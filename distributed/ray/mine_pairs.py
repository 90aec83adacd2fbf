"""The seed method's informative item pairs, mined on Ray (design §4 "Pairs").

    python mine_pairs.py --interactions sequences.txt --items items.jsonl --out OUT_DIR
        [--id-field id] [--window 5] [--min-count 2] [--criterion llr|npmi|pmi|count|none]
        [--threshold T] [--max-per-item M] [--workers N]

Same result as the engine's miner (src/engine/pairs/minePairs.ts) with the same
`collab.pairs` settings: OUT_DIR/pairs.tsv (a_id, b_id, k11, score; sorted by catalog
position of a, then b) and pairs.json (counts and score histogram). Train on them with
    collab: { weight: 0.5, pairs: { file: OUT_DIR/pairs.tsv } }

Input: the engine's sequence formats (interaction_sources.py): `.txt` (`user item item
...` a line, in time order) or `.json` ({user: [items]}), or a folder of them; item
tokens are catalog ids. Each user's training part is kept (the last item is the test
item, the one before it validation), unknown items dropped first. As in the engine, a
user appearing twice is refused naming the file and both lines, and unknown items are
dropped with a warning, or refused when they are the majority.

Ray Data steps: read_text (.json: one parsing task per file) -> map_batches (per batch
of users, in pyarrow and numpy: split and look up the tokens, window contexts, partial
counts keyed by pair / item / N, plus tokens read, unknown tokens and one key per user
hash for the checks, summed within the batch; each int64 key tagged with its shuffle
partition) -> groupby(partition).map_groups (numpy sums per key; Ray's groupby(key).sum
works row by row in Python) -> the small
item table and N to the driver -> map_batches (scores, positive association, threshold)
-> [max_per_item: per-item top M and the union of both endpoints' picks, each on whole
shuffle partitions with numpy]
-> sort(key) -> pairs.tsv streamed from the driver. Runs unchanged under `ray job submit`.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from decimal import Decimal

import numpy as np
import pyarrow as pa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import InputError, atomic_path, log, run_main, start_ray  # noqa: E402
from fdlibm_log import js_log  # noqa: E402
from interaction_sources import find_repeated_user, interaction_files, json_sequences, text_batch, unknown_examples, user_hash  # noqa: E402
from pair_counts import bookkeeping_keys, count_flat, count_sequences, first_user_key, partition_of, sum_partition, tokens_key, training_flat, training_part, unknown_key  # noqa: E402

DEFAULT_THRESHOLD = {"llr": 10.83, "npmi": 0.1, "pmi": 1.0}
HISTOGRAM_BINS = 20
TSV_HEADER = "a_id\tb_id\tk11\tscore"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--interactions", required=True, help="`user item item ...` a line (.txt), {user: [items]} (.json), or a folder of such files")
    p.add_argument("--items", required=True, help="the catalog (.jsonl); its order numbers the items")
    p.add_argument("--id-field", default="id")
    p.add_argument("--out", required=True)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--criterion", choices=["llr", "npmi", "pmi", "count", "none"], default="llr")
    p.add_argument("--threshold", type=float, default=None, help="default: llr 10.83, npmi 0.1, pmi 1.0, count = min-count")
    p.add_argument("--max-per-item", type=int, default=None)
    p.add_argument("--workers", type=int, default=None, help="concurrent counting tasks (default: the CPUs Ray sees)")
    p.add_argument("--num-cpus", type=int, default=None, help="local mode only: CPUs Ray may use")
    args = p.parse_args(argv)
    if args.window < 0:
        p.error("--window must be >= 0 (0 = the whole sequence)")
    if args.min_count < 1:
        p.error("--min-count must be >= 1")
    if args.max_per_item is not None and args.max_per_item < 1:
        p.error("--max-per-item must be >= 1")
    return args


def effective_threshold(criterion: str, threshold: float | None, min_count: int) -> float:
    if criterion == "none":
        return -math.inf
    if threshold is not None:
        return threshold
    return float(min_count) if criterion == "count" else DEFAULT_THRESHOLD[criterion]


def read_catalog(file: str, id_field: str) -> list[str]:
    """Catalog ids in file order; a repeated id is refused as the engine's catalog.ts does."""
    ids = []
    first_line: dict[str, int] = {}
    with open(file, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as e:
                raise InputError(file, f"{n}", f"invalid JSON: {e}") from None
            if id_field not in record:
                raise InputError(file, f"{n}", f"missing id field '{id_field}'")
            ident = catalog_id(file, n, id_field, record[id_field])
            if ident in first_line:
                raise InputError(file, f"{n}", f"duplicate id '{ident}' (first on line {first_line[ident]})")
            first_line[ident] = n
            ids.append(ident)
    return ids


def catalog_id(file: str, line: int, id_field: str, value) -> str:
    """catalog.ts idString: a non-empty string, or a number as JavaScript writes it."""
    if isinstance(value, str) and value != "":
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return js_number(float(value))
    found = "an array" if isinstance(value, list) else "null" if value is None else "an object" if isinstance(value, dict) else json.dumps(value)
    raise InputError(file, f"{line}", f"id field '{id_field}' must be a non-empty string or a number, found {found}")


def xlogx(x: np.ndarray) -> np.ndarray:
    xf = x.astype(np.float64)
    out = np.zeros_like(xf)
    pos = xf > 0
    out[pos] = xf[pos] * js_log(xf[pos])
    return out


def scores_of(criterion: str, k11: np.ndarray, na: np.ndarray, nb: np.ndarray, n: int) -> np.ndarray:
    """association.ts scoreCounts, term for term (the same float64 operations in the same order)."""
    if criterion in ("count", "none"):
        return k11.astype(np.float64)
    if criterion == "llr":
        k12, k21 = na - k11, nb - k11
        k22 = n - na - nb + k11
        cells = xlogx(k11) + xlogx(k12) + xlogx(k21) + xlogx(k22)
        rows = xlogx(k11 + k12) + xlogx(k21 + k22)
        cols = xlogx(k11 + k21) + xlogx(k12 + k22)
        g2 = 2 * (cells - rows - cols + xlogx(np.full_like(k11, n)))
        return np.where(g2 > 0, g2, 0.0)
    ratio = (k11.astype(np.float64) * n) / (na.astype(np.float64) * nb.astype(np.float64))
    pmi = np.full(len(k11), -np.inf)
    pmi[ratio > 0] = js_log(ratio[ratio > 0])
    if criterion == "pmi":
        return pmi
    share = k11.astype(np.float64) / n
    inside = (share > 0) & (share < 1)
    npmi = np.zeros(len(k11))
    npmi[inside] = pmi[inside] / -js_log(share[inside])
    return np.where(k11 >= n, 1.0, np.where(k11 <= 0, -1.0, npmi))


def js_number(x: float) -> str:
    """A float as JavaScript's String(x) writes it (pairs.tsv is written by the engine with it)."""
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    digits_t, exp = Decimal(repr(abs(x))).normalize().as_tuple()[1:]
    digits = "".join(map(str, digits_t))
    k = len(digits)
    n = exp + k  # the decimal point sits after n digits
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        body = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e > 0 else "-") + str(abs(e))
    return sign + body


def tsv_id(ident: str) -> str:
    if any(c in ident for c in "\t\n\r\\"):
        return ident.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return ident


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    ids = read_catalog(args.items, args.id_field)
    num_items = len(ids)
    index_of = {ident: i for i, ident in enumerate(ids)}
    threshold = effective_threshold(args.criterion, args.threshold, args.min_count)
    files = interaction_files(args.interactions)
    text_files = [f for f in files if not f.lower().endswith(".json")]
    json_files = [f for f in files if f.lower().endswith(".json")]

    import ray
    from ray.data.expressions import col

    start_ray(args.num_cpus)
    # What the counting tasks look item ids up in: .txt batches in pyarrow (the ids as an
    # array), .json files in Python (a dict).
    catalog_ref = ray.put(index_of) if json_files else None
    catalog_ids_ref = ray.put(pa.array(ids, pa.string())) if text_files else None
    window, criterion, min_count = args.window, args.criterion, args.min_count
    workers = args.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    # Shuffle partitions: a few per worker (Ray's default, 200, is mostly task overhead on a small cluster).
    partitions = max(2, 4 * workers)

    def count_users(users):
        """Partial counts of (user, item tokens) pairs: contexts, tokens read and unknown, user hashes."""
        index = ray.get(catalog_ref) if isinstance(catalog_ref, ray.ObjectRef) else catalog_ref
        seqs, hashes = [], []
        tokens = unknown = 0
        for user, items in users:
            hashes.append(user_hash(user))
            known = [index[t] for t in items if t in index]
            tokens += len(items)
            unknown += len(items) - len(known)
            if known:
                seqs.append(np.array(training_part(known), np.int64))
        keys, values = count_sequences(seqs, window, num_items, bookkeeping_keys(num_items, tokens, unknown, hashes))
        return {"key": keys, "count": values, "part": partition_of(keys, partitions)}

    def count_lines(batch):
        """count_users for a pyarrow batch of `.txt` lines, split and looked up in pyarrow."""
        catalog = ray.get(catalog_ids_ref) if isinstance(catalog_ids_ref, ray.ObjectRef) else catalog_ids_ref
        users, counts, index = text_batch(batch["text"], catalog)
        unknown = int(np.count_nonzero(index < 0))
        flat, lengths = training_flat(index, counts)
        extra = bookkeeping_keys(num_items, len(index), unknown, [user_hash(u) for u in users])
        keys, values = count_flat(flat, lengths, window, num_items, extra)
        return {"key": keys, "count": values, "part": partition_of(keys, partitions)}

    def count_json_file(batch):
        return count_users((user, items) for file in batch["path"] for user, items, _line in json_sequences(str(file)))

    partial = []
    if text_files:
        lines = ray.data.read_text(text_files, override_num_blocks=workers * 4)
        partial.append(lines.map_batches(count_lines, batch_size=16384, batch_format="pyarrow", compute=ray.data.TaskPoolStrategy(size=workers)))
    if json_files:
        # A .json file is one document: one task parses it (from its first line to its last).
        paths = ray.data.from_items([{"path": f} for f in json_files])
        partial.append(paths.map_batches(count_json_file, batch_size=1, batch_format="numpy", compute=ray.data.TaskPoolStrategy(size=workers)))
    counted = partial[0] if len(partial) == 1 else partial[0].union(*partial[1:])
    log(f"Ray ready after {time.perf_counter() - started:.1f} s; reading and counting {len(files)} file(s) with {workers} worker(s)")
    # The shuffle carries the batches' pre-summed int64 (key, count) rows to their key's
    # partition; each partition is summed with numpy (one call per partition, not per key).
    totals = counted.groupby("part", num_partitions=partitions).map_groups(sum_partition, batch_format="numpy").materialize()
    log(f"counted: {totals.count()} distinct keys (pairs, items, users) in {time.perf_counter() - started:.1f} s")

    # The engine's reading checks: a user twice, unknown items.
    users_key = first_user_key(num_items)
    repeated = totals.filter(expr=(col("key") <= users_key) & (col("count") > 1)).take(100)
    if repeated:
        find_repeated_user(files, {users_key - int(r["key"]) for r in repeated})
    # Item context counts, N, tokens read and unknown: at most items + 3 rows, to the driver.
    small = totals.filter(expr=(col("key") < 0) & (col("key") > users_key)).to_pandas()
    item_contexts = np.zeros(num_items, np.int64)
    n_contexts = tokens = unknown = 0
    for key, count in zip(small["key"].to_numpy(), small["count"].to_numpy()):
        if key == -(num_items + 1):
            n_contexts = int(count)
        elif key == tokens_key(num_items):
            tokens = int(count)
        elif key == unknown_key(num_items):
            unknown = int(count)
        else:
            item_contexts[-key - 1] = count
    check_unknown(args.interactions, files, index_of, tokens, unknown)
    na_ref = ray.put(item_contexts)
    pair_rows = totals.filter(expr=col("key") >= 0)
    candidates = pair_rows.count()

    def score_batch(batch):
        na_all = ray.get(na_ref) if isinstance(na_ref, ray.ObjectRef) else na_ref
        key = batch["key"].astype(np.int64)
        k11 = batch["count"].astype(np.int64)
        frequent = k11 >= min_count
        key, k11 = key[frequent], k11[frequent]
        a, b = key // num_items, key % num_items
        na, nb = na_all[a], na_all[b]
        score = scores_of(criterion, k11, na, nb, n_contexts)
        positive = k11 * n_contexts > na * nb
        keep = positive & (score >= threshold)
        return {"key": key, "k11": k11, "score": score, "binned": score.astype(np.float32), "kept": keep}

    log(f"{n_contexts} contexts, {candidates} candidate pairs; scoring")
    scored = pair_rows.map_batches(score_batch, batch_format="numpy").materialize()
    histogram = score_histogram(scored)
    kept = scored.filter(expr=col("kept") == True).select_columns(["key", "k11", "score"])
    if args.max_per_item is not None:
        kept = top_per_item(kept, num_items, args.max_per_item, partitions)
    kept = kept.sort("key")

    log(f"scored in {time.perf_counter() - started:.1f} s; sorting and writing the kept pairs")
    os.makedirs(args.out, exist_ok=True)
    written = 0
    with atomic_path(os.path.join(args.out, "pairs.tsv")) as temp:
        with open(temp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(TSV_HEADER + "\n")
            for batch in kept.iter_batches(batch_size=65536, batch_format="numpy"):
                key, k11, score = batch["key"], batch["k11"], batch["score"]
                a, b = key // num_items, key % num_items
                fh.write("".join(
                    f"{tsv_id(ids[x])}\t{tsv_id(ids[y])}\t{int(k)}\t{js_number(float(s))}\n" for x, y, k, s in zip(a.tolist(), b.tolist(), k11.tolist(), score.tolist())
                ))
                written += len(key)
    summary = {
        "criterion": criterion,
        "threshold": threshold if math.isfinite(threshold) else None,
        "contexts": n_contexts,
        "candidates": candidates,
        "kept": written,
        "histogram": histogram,
    }
    with atomic_path(os.path.join(args.out, "pairs.json")) as temp:
        with open(temp, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(summary, indent=2) + "\n")
    print(
        f"{n_contexts} contexts, {candidates} candidate pairs, {written} kept ({criterion} >= {threshold}) "
        f"with {workers} worker(s) in {time.perf_counter() - started:.1f} s -> {args.out}",
        file=sys.stderr,
    )
    print(os.path.abspath(args.out))
    return 0


def check_unknown(where: str, files: list[str], index_of: dict, tokens: int, unknown: int) -> None:
    """interactions.ts ItemResolver.report: a warning for dropped items, an error when most
    are unknown; SequenceBuilder.finish: an error when no user has a catalog item."""
    if unknown > 0:
        examples = ", ".join(f"'{e}'" for e in unknown_examples(files, index_of))
        counted = f"{unknown} of {tokens} interactions name item ids not in the catalog (e.g. {examples})"
        if unknown * 2 > tokens:
            raise InputError(where, None, f"{counted}: do the ids use another id space than the catalog (check --id-field)?")
        print(f"{where}: {counted}; they were dropped", file=sys.stderr)
    if tokens == unknown:
        raise InputError(where, None, "no user has any interaction with a catalog item")


def score_histogram(scored) -> dict:
    """scoreHistogram.ts: 20 bins between the least and greatest score of the pairs with k11 >= min_count."""
    # Least and greatest score in one pass over the blocks (Ray's min() and max() are each a
    # shuffled aggregation: two extra passes).
    def extremes(batch):
        score = batch["score"]
        if len(score) == 0:
            return {"lo": np.zeros(0), "hi": np.zeros(0)}
        return {"lo": np.array([np.min(score)]), "hi": np.array([np.max(score)])}

    los, his = [], []
    for batch in scored.map_batches(extremes, batch_size=None, batch_format="numpy").iter_batches(batch_size=None, batch_format="numpy"):
        los.extend(batch["lo"].tolist())
        his.extend(batch["hi"].tolist())
    if not los:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = min(los), max(his)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            lo, hi = 0.0, 1.0
        elif hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
    width = (hi - lo) / HISTOGRAM_BINS
    edges = [hi if i == HISTOGRAM_BINS else lo + i * width for i in range(HISTOGRAM_BINS + 1)]

    def bins(batch):
        b = np.floor((batch["binned"].astype(np.float64) - lo) / width)
        b = np.clip(np.nan_to_num(b, nan=0), 0, HISTOGRAM_BINS - 1).astype(np.int64)
        return {"counts": np.bincount(b, minlength=HISTOGRAM_BINS).reshape(1, -1)}

    counts = np.zeros(HISTOGRAM_BINS, np.int64)
    for batch in scored.map_batches(bins, batch_format="numpy").iter_batches(batch_size=None, batch_format="numpy"):
        counts += batch["counts"].sum(axis=0)
    return {"edges": edges, "counts": counts.tolist()}


def top_per_item(kept, num_items: int, m: int, partitions: int):
    """minePairs.ts topPerItem: a pair survives when it is among the m best of either endpoint
    (higher score, then higher k11, then the lower partner). Both steps work on whole shuffle
    partitions with numpy (a map_groups call per item, or Ray's row-by-row groupby max, is
    Python per item or per pair)."""

    def both_ends(batch):
        key = batch["key"]
        a, b = key // num_items, key % num_items
        item = np.concatenate([a, b])
        return {
            "item": item,
            "partner": np.concatenate([b, a]),
            "key": np.concatenate([key, key]),
            "k11": np.concatenate([batch["k11"], batch["k11"]]),
            "score": np.concatenate([batch["score"], batch["score"]]),
            "part": partition_of(item, partitions),
        }

    def best(group):
        """The m best rows of every item of this partition."""
        item = group["item"]
        order = np.lexsort((group["partner"], -group["k11"], -group["score"], item))
        ranked = item[order]
        first = np.ones(len(order), bool)
        first[1:] = ranked[1:] != ranked[:-1]
        at = np.arange(len(order))
        rank = at - np.maximum.accumulate(np.where(first, at, 0))
        chosen = order[rank < m]
        key = group["key"][chosen]
        return {"key": key, "k11": group["k11"][chosen], "score": group["score"][chosen], "part": partition_of(key, partitions)}

    def once(group):
        """A pair chosen by both endpoints arrives twice: one row per key."""
        order = np.argsort(group["key"], kind="stable")
        key = group["key"][order]
        first = np.ones(len(key), bool)
        first[1:] = key[1:] != key[:-1]
        return {"key": key[first], "k11": group["k11"][order][first], "score": group["score"][order][first]}

    chosen = kept.map_batches(both_ends, batch_format="numpy").groupby("part", num_partitions=partitions).map_groups(best, batch_format="numpy")
    return chosen.groupby("part", num_partitions=partitions).map_groups(once, batch_format="numpy")

if __name__ == "__main__":
    run_main(main)
