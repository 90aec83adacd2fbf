"""Semantic IDs for a whole catalog on Ray, with a tokenizer exported by `semid export`.

    python assign_ids.py --model EXPORT_DIR --embeddings PATH... --out OUT_DIR
        [--existing RUN/semantic_ids.jsonl] [--items IDS] [--workers N] [--batch-size B]
        [--id-column id] [--embedding-column embedding]

Runs unchanged on a laptop (Ray starts locally) and on a cluster:
    ray job submit --working-dir distributed/ray -- python assign_ids.py ...
(paths must then be readable from every node, e.g. a shared file system).

Steps: the inputs are cut into slices (embedding_sources.py) read by Ray tasks; an
actor pool applies the ONNX graph (one onnxruntime session per actor) in map_batches;
the driver gathers the codes in catalog order and appends the collision digit exactly
as the engine does; OUT_DIR gets semantic_ids.jsonl ({"id": ..., "sid": [c1..cL, d]},
byte-identical to `semid ids`) and semantic_ids.parquet (id, sid), each written to a
temporary file and renamed.

Without --existing, the digit is the training rule (items sharing a code tuple get
0, 1, ... in catalog order). With --existing (a run's semantic_ids.jsonl), items
the run already has keep their IDs and new items get the next free digit after the
run's IDs with the same tuple, as `semid ids <run-dir> --items ... --embeddings ...`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import InputError, atomic_path, log, run_main, start_ray  # noqa: E402
from digits import collision_digits, extend_digits  # noqa: E402
from embedding_sources import REMOTE_INPUT_ERROR, expand, plan_slices, read_slice  # noqa: E402


PROGRESS_SECONDS = 15.0


class OnnxAssigner:
    """One onnxruntime session per actor, created once and reused for every batch."""

    def __init__(self, model_bytes, threads: int):
        import onnxruntime as ort
        import ray

        if isinstance(model_bytes, ray.ObjectRef):  # shipped once through the object store
            model_bytes = ray.get(model_bytes)

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        x = np.ascontiguousarray(np.stack(batch["embedding"]) if batch["embedding"].dtype == object else batch["embedding"], dtype=np.float32)
        codes = self.session.run(["codes"], {"embeddings": x})[0]
        return {"id": batch["id"], "index": batch["index"], "codes": codes.astype(np.int32)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="folder written by `semid export` (model.onnx + tokenizer.json)")
    p.add_argument("--embeddings", required=True, nargs="+", help="Parquet / JSONL / .npy files or folders of shards")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--existing", help="a run's semantic_ids.jsonl: its items keep their IDs, new items extend its digits")
    p.add_argument("--items", help=".npy inputs: item ids, one per row (.txt one a line, or a catalog .jsonl)")
    p.add_argument("--id-column", default="id")
    p.add_argument("--embedding-column", default="embedding")
    p.add_argument("--workers", type=int, default=None, help="onnxruntime actors (default: the CPUs Ray sees)")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime threads per actor")
    p.add_argument("--batch-size", type=int, default=8192)
    p.add_argument("--num-cpus", type=int, default=None, help="local mode only: CPUs Ray may use")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    tokenizer_file = os.path.join(args.model, "tokenizer.json")
    model_file = os.path.join(args.model, "model.onnx")
    for f in (tokenizer_file, model_file):
        if not os.path.isfile(f):
            raise InputError(f, None, "missing: --model must be a folder written by `semid export`")
    with open(tokenizer_file, encoding="utf-8") as fh:
        tokenizer = json.load(fh)
    if tokenizer.get("format") != "semid-tokenizer-1":
        raise InputError(tokenizer_file, None, f"unknown format {tokenizer.get('format')!r} (expected semid-tokenizer-1)")
    dim, levels = int(tokenizer["inputDim"]), int(tokenizer["levels"])
    files = expand(args.embeddings)
    slices = plan_slices(files, dim, args.id_column, args.embedding_column, args.items)
    existing = read_existing(args.existing, levels) if args.existing else None

    import ray

    start_ray(args.num_cpus)
    with open(model_file, "rb") as fh:
        model_ref = ray.put(fh.read())
    workers = args.workers or max(1, int(ray.cluster_resources().get("CPU", 1)) // args.threads)
    ds = ray.data.from_items(slices, override_num_blocks=max(1, len(slices)))
    ds = ds.map_batches(read_slice, batch_size=1, batch_format="numpy", fn_kwargs={"dim": dim, "id_column": args.id_column, "embedding_column": args.embedding_column})
    ds = ds.map_batches(
        OnnxAssigner,
        fn_constructor_kwargs={"model_bytes": model_ref, "threads": args.threads},
        batch_size=args.batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=args.threads,
    )
    ids_parts, index_parts, code_parts = [], [], []
    gathered, reported = 0, time.perf_counter()
    log(f"Ray ready after {time.perf_counter() - started:.1f} s; {len(slices)} slice(s), {workers} onnxruntime actor(s)")
    try:
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            ids_parts.append(batch["id"])
            index_parts.append(batch["index"])
            code_parts.append(batch["codes"])
            gathered += len(batch["id"])
            if time.perf_counter() - reported > PROGRESS_SECONDS:
                reported = time.perf_counter()
                log(f"{gathered} items assigned, {reported - started:.0f} s")
    except Exception as e:  # Ray wraps errors raised in tasks; input errors carry a marker
        text = str(e)
        if REMOTE_INPUT_ERROR in text:
            message = text.split(REMOTE_INPUT_ERROR, 1)[1].splitlines()[0]
            raise InputError(message.split(": ", 1)[0], None, message.split(": ", 1)[1] if ": " in message else message) from None
        raise
    assigned = time.perf_counter()
    index = np.concatenate(index_parts) if index_parts else np.zeros(0, np.int64)
    order = np.argsort(index, kind="stable")
    ids = np.concatenate(ids_parts)[order] if ids_parts else np.zeros(0, object)
    codes = (np.concatenate(code_parts) if code_parts else np.zeros((0, levels), np.int32))[order]

    log(f"{len(ids)} items assigned in {assigned - started:.1f} s; digits and output...")
    sids, fresh = full_ids(ids, codes, existing, levels)
    write_outputs(args.out, ids, sids)
    done = time.perf_counter()
    print(
        f"{len(ids)} items ({fresh} new, {len(ids) - fresh} kept from --existing) with {workers} onnxruntime actor(s): "
        f"codes {assigned - started:.1f} s, digits and output {done - assigned:.1f} s -> {args.out}",
        file=sys.stderr,
    )
    print(os.path.abspath(args.out))
    return 0


def read_existing(file: str, levels: int) -> dict:
    ids, sids = [], []
    with open(file, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                sid = [int(v) for v in record["sid"]]
                ident = str(record["id"])
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(file, f"{n}", f'expected {{"id": ..., "sid": [...]}} ({e})') from None
            if len(sid) != levels + 1:
                raise InputError(file, f"{n}", f"sid of {len(sid)} values; the tokenizer has {levels} levels + the digit")
            ids.append(ident)
            sids.append(sid)
    arr = np.array(sids, dtype=np.int64).reshape(-1, levels + 1)
    return {"ids": ids, "position": {ident: i for i, ident in enumerate(ids)}, "codes": arr[:, :levels], "digits": arr[:, levels]}


def full_ids(ids: np.ndarray, codes: np.ndarray, existing: dict | None, levels: int) -> tuple[np.ndarray, int]:
    """[N, L+1] semantic IDs in catalog order, and how many items got new ones."""
    n = len(ids)
    sids = np.zeros((n, levels + 1), np.int64)
    if existing is None:
        sids[:, :levels] = codes
        sids[:, levels] = collision_digits(codes)
        return sids, n
    at = np.array([existing["position"].get(i, -1) for i in ids], dtype=np.int64)
    known = at >= 0
    fresh = np.nonzero(~known)[0]
    sids[known, :levels] = existing["codes"][at[known]]
    sids[known, levels] = existing["digits"][at[known]]
    sids[fresh, :levels] = codes[fresh]
    sids[fresh, levels] = extend_digits(existing["codes"], existing["digits"], codes[fresh])
    return sids, len(fresh)


def write_outputs(out: str, ids: np.ndarray, sids: np.ndarray) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    os.makedirs(out, exist_ok=True)
    with atomic_path(os.path.join(out, "semantic_ids.jsonl")) as temp:
        with open(temp, "w", encoding="utf-8", newline="\n") as fh:
            step = 65536
            for start in range(0, len(ids), step):
                part = sids[start:start + step].tolist()
                fh.write("".join(
                    json.dumps({"id": str(i), "sid": s}, ensure_ascii=False, separators=(",", ":")) + "\n" for i, s in zip(ids[start:start + step], part)
                ))
    width = sids.shape[1]
    sid_column = pa.FixedSizeListArray.from_arrays(pa.array(sids.astype(np.int32).ravel()), width)
    table = pa.table({"id": pa.array([str(i) for i in ids], pa.string()), "sid": sid_column})
    with atomic_path(os.path.join(out, "semantic_ids.parquet")) as temp:
        pq.write_table(table, temp)


if __name__ == "__main__":
    run_main(main)
