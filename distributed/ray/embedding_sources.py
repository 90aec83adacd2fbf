"""Embedding inputs of assign_ids.py, cut into slices that Ray tasks read in parallel.

A slice is a plain dict (file, kind, where to start, how many rows, the global row
index of its first row). Every row carries its global index (catalog order: files in
the order given, folders expanded in name order, rows in file order) and its place in
its file (row or line), so results can be put back in order and errors can name the
row. Formats: Parquet (an id column and a list<float> embedding column), JSONL
({"id": ..., "embedding" | "vector" | "emb": [...]} a line, the engine's format) and
.npy (float32/float16 [rows, dim]; ids from --items, one per row of all shards).
"""
from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from common import InputError

ROWS_PER_SLICE = 65536
JSONL_BYTES_PER_SLICE = 64 << 20
VECTOR_KEYS = ("embedding", "vector", "emb")
# Marks an InputError raised inside a Ray task, whose type Ray wraps on the way back.
REMOTE_INPUT_ERROR = "semid-input-error: "


def expand(paths: list[str]) -> list[str]:
    files: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            inside = sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith((".parquet", ".jsonl", ".npy")) and not f.startswith("."))
            if not inside:
                raise InputError(p, None, "the folder holds no .parquet, .jsonl or .npy files")
            files.extend(inside)
        elif os.path.isfile(p):
            files.append(p)
        else:
            raise InputError(p, None, "no such file or folder")
    kinds = {kind_of(f) for f in files}
    if len(kinds) > 1:
        raise InputError(files[0], None, f"mixed input formats {sorted(kinds)}: give shards of one format")
    return files


def kind_of(file: str) -> str:
    for ext, kind in ((".parquet", "parquet"), (".jsonl", "jsonl"), (".npy", "npy")):
        if file.endswith(ext):
            return kind
    raise InputError(file, None, "unsupported embeddings format (expected .parquet, .jsonl or .npy)")


def plan_slices(files: list[str], dim: int, id_column: str, embedding_column: str, ids_file: str | None) -> list[dict[str, Any]]:
    """Slices covering every row of `files`, in catalog order."""
    slices: list[dict[str, Any]] = []
    index = 0
    kind = kind_of(files[0])
    ids: list[str] | None = read_ids(ids_file) if kind == "npy" else None
    if kind == "npy" and ids is None:
        raise InputError(files[0], None, ".npy embeddings carry no item ids: give --items with one id per row, in row order")
    for f in files:
        if kind == "parquet":
            import pyarrow.parquet as pq

            meta = pq.ParquetFile(f)
            names = meta.schema_arrow.names
            for col in (id_column, embedding_column):
                if col not in names:
                    raise InputError(f, None, f"no column '{col}' (columns: {', '.join(names)}); see --id-column / --embedding-column")
            row = 0
            for g in range(meta.num_row_groups):
                n = meta.metadata.row_group(g).num_rows
                slices.append({"kind": kind, "file": f, "group": g, "row": row, "rows": n, "index": index})
                row += n
                index += n
        elif kind == "npy":
            arr = np.load(f, mmap_mode="r")
            if arr.ndim != 2:
                raise InputError(f, None, f"expected a 2-D array [rows, dim], found shape {arr.shape}")
            if arr.shape[1] != dim:
                raise InputError(f, None, f"rows of {arr.shape[1]} values; the model takes {dim}")
            if arr.dtype not in (np.float32, np.float16):
                raise InputError(f, None, f"dtype {arr.dtype}; expected float32 or float16")
            for start in range(0, arr.shape[0], ROWS_PER_SLICE):
                n = min(ROWS_PER_SLICE, arr.shape[0] - start)
                slices.append({"kind": kind, "file": f, "row": start, "rows": n, "index": index, "ids": ids[index:index + n]})
                index += n
        else:
            for start, end, first_line, lines in jsonl_ranges(f):
                slices.append({"kind": kind, "file": f, "start": start, "end": end, "row": first_line, "rows": lines, "index": index})
                index += lines
    if ids is not None and len(ids) != index:
        raise InputError(ids_file or "", None, f"{len(ids)} ids but {index} embedding rows in {len(files)} .npy file(s); row i must be item i")
    return slices


def jsonl_ranges(file: str) -> list[tuple[int, int, int, int]]:
    """(byte start, byte end, first line number (1-based), lines) per ~64 MiB, cut at line ends."""
    out = []
    size = os.path.getsize(file)
    line = 1
    with open(file, "rb") as fh:
        start = 0
        while start < size:
            fh.seek(start)
            chunk = fh.read(JSONL_BYTES_PER_SLICE)
            end = start + len(chunk)
            if end < size:
                rest = fh.readline()
                chunk += rest
                end += len(rest)
            lines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
            out.append((start, end, line, lines))
            line += lines
            start = end
    return out


def read_ids(file: str | None) -> list[str] | None:
    """Item ids, one per row: a .txt file (one a line) or a catalog .jsonl (field "id" or the first of item_id/asin)."""
    if file is None:
        return None
    ids: list[str] = []
    with open(file, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            text = line.strip()
            if not text:
                continue
            if file.endswith(".jsonl"):
                record = json.loads(text)
                key = next((k for k in ("id", "item_id", "asin") if k in record), None)
                if key is None:
                    raise InputError(file, f"{n}", 'no item id (expected a key "id", "item_id" or "asin")')
                ids.append(str(record[key]))
            else:
                ids.append(text)
    return ids


def read_slice(batch: dict[str, np.ndarray], dim: int, id_column: str, embedding_column: str) -> dict[str, np.ndarray]:
    """Ray map_batches function: slice descriptors in, rows out (id, index, embedding [n, dim])."""
    ids: list[str] = []
    index: list[np.ndarray] = []
    vectors: list[np.ndarray] = []
    for i in range(len(batch["kind"])):
        s = {k: batch[k][i] for k in batch}
        try:
            sid, sidx, svec = _read_one(s, dim, id_column, embedding_column)
        except InputError as e:
            raise ValueError(REMOTE_INPUT_ERROR + str(e)) from None
        ids.extend(sid)
        index.append(sidx)
        vectors.append(svec)
    return {
        "id": np.array(ids, dtype=object),
        "index": np.concatenate(index) if index else np.zeros(0, np.int64),
        "embedding": np.concatenate(vectors) if vectors else np.zeros((0, dim), np.float32),
    }


def _read_one(s: dict[str, Any], dim: int, id_column: str, embedding_column: str):
    kind, f = s["kind"], str(s["file"])
    first = int(s["index"])
    if kind == "npy":
        arr = np.load(f, mmap_mode="r")
        start, n = int(s["row"]), int(s["rows"])
        x = np.asarray(arr[start:start + n], dtype=np.float32)
        ids = [str(v) for v in s["ids"]]
        rows = np.arange(start, start + n)
        where = lambda r: f"row {r}"  # noqa: E731
        index = first + np.arange(n, dtype=np.int64)
    elif kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pq.ParquetFile(f).read_row_group(int(s["group"]), columns=[id_column, embedding_column])
        col = table.column(embedding_column).combine_chunks()
        if pa.types.is_fixed_size_list(col.type) or pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
            lengths = np.full(len(col), col.type.list_size) if pa.types.is_fixed_size_list(col.type) else np.diff(col.offsets.to_numpy())
            bad = np.nonzero(lengths != dim)[0]
            if len(bad):
                r = int(s["row"]) + int(bad[0])
                raise InputError(f, f"row {r}", f"embedding of {int(lengths[bad[0]])} values; the model takes {dim}")
            nulls = col.null_count
            if nulls:
                r = int(s["row"]) + int(np.nonzero(col.is_null().to_numpy(zero_copy_only=False))[0][0])
                raise InputError(f, f"row {r}", "embedding is null")
            x = col.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False).reshape(len(col), dim)
        else:
            raise InputError(f, None, f"column '{embedding_column}' is {col.type}, not a list of floats")
        ids = [str(v) for v in table.column(id_column).to_pylist()]
        rows = int(s["row"]) + np.arange(len(ids))
        where = lambda r: f"row {r}"  # noqa: E731
        index = first + np.arange(len(ids), dtype=np.int64)
    else:
        with open(f, "rb") as fh:
            fh.seek(int(s["start"]))
            data = fh.read(int(s["end"]) - int(s["start"]))
        ids, vecs, line_numbers = [], [], []
        line = int(s["row"])
        for raw in data.split(b"\n"):
            if raw.strip():
                try:
                    record = json.loads(raw)
                except ValueError as e:
                    raise InputError(f, f"{line}", f"invalid JSON: {e}") from None
                if isinstance(record, dict):
                    key = next((k for k in VECTOR_KEYS if k in record), None)
                    if key is None:
                        raise InputError(f, f"{line}", 'no vector: expected a key "embedding", "vector" or "emb"')
                    if "id" not in record:
                        raise InputError(f, f"{line}", 'no "id": JSONL embeddings must name their item')
                    vec, ident = record[key], record["id"]
                else:
                    raise InputError(f, f"{line}", 'expected an object {"id": ..., "embedding": [...]}')
                if not isinstance(vec, list) or len(vec) != dim:
                    n = len(vec) if isinstance(vec, list) else "no list of"
                    raise InputError(f, f"{line}", f"embedding of {n} values; the model takes {dim}")
                try:
                    vecs.append(np.asarray(vec, dtype=np.float32))
                except (TypeError, ValueError):
                    raise InputError(f, f"{line}", "the embedding holds a value that is not a number") from None
                ids.append(str(ident))
                line_numbers.append(line)
            line += 1
        x = np.stack(vecs) if vecs else np.zeros((0, dim), np.float32)
        rows = np.array(line_numbers, dtype=np.int64)
        where = lambda r: f"{r}"  # noqa: E731  (line number, as the engine's errors give it)
        # Lines, not rows, order the catalog: blank lines leave gaps, never reorder.
        index = first + (rows - int(s["row"]))
    finite = np.isfinite(x).all(axis=1)
    if not finite.all():
        bad = np.nonzero(~finite)[0]
        examples = ", ".join(where(int(rows[b])) for b in bad[:5])
        raise InputError(f, where(int(rows[bad[0]])), f"{len(bad)} row(s) with NaN or infinite values in this part ({examples}); the model cannot assign them")
    return ids, index.astype(np.int64), x
