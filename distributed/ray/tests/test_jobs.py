"""assign_ids.py and mine_pairs.py against the engine's own outputs, in one local Ray session.

The engine's side is made by test/integration/rayJobs.test.ts, which runs this suite
with SEMID_RAY_FIXTURES (export/, emb.jsonl, mixed.jsonl, engine_mixed.jsonl,
pairs/<setting>/), SEMID_RAY_RUN (the run directory) and SEMID_BEAUTY_SLICE set.
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import assign_ids  # noqa: E402
import mine_pairs  # noqa: E402
from common import InputError, atomic_path  # noqa: E402
from digits import collision_digits, extend_digits  # noqa: E402

FIXTURES = os.environ.get("SEMID_RAY_FIXTURES")
RUN = os.environ.get("SEMID_RAY_RUN")
SLICE = os.environ.get("SEMID_BEAUTY_SLICE")
needs_fixtures = pytest.mark.skipif(not FIXTURES, reason="run through test/integration/rayJobs.test.ts (it makes the engine's side)")


@pytest.fixture(scope="session", autouse=True)
def local_ray():
    if not FIXTURES:
        yield
        return
    import ray

    from common import start_ray

    start_ray(2)
    yield
    ray.shutdown()


def read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def assign(tmp_path, *extra: str) -> str:
    out = str(tmp_path / "out")
    assert assign_ids.main(["--model", os.path.join(FIXTURES, "export"), "--out", out, "--batch-size", "1024", *extra]) == 0
    return out


# --- outputs --------------------------------------------------------------------------------

def test_an_output_gets_the_mode_a_plain_open_gives_and_an_aborted_block_leaves_nothing(tmp_path):
    old = os.umask(0o022)
    try:
        target = str(tmp_path / "pairs.tsv")
        with atomic_path(target) as temp:
            with open(temp, "w") as fh:
                fh.write("a\tb\n")
        assert os.stat(target).st_mode & 0o777 == 0o644
        with pytest.raises(RuntimeError):
            with atomic_path(str(tmp_path / "ids.jsonl")) as temp:
                with open(temp, "w") as fh:
                    fh.write("partial")
                raise RuntimeError("stopped")
        assert sorted(os.listdir(tmp_path)) == ["pairs.tsv"]
    finally:
        os.umask(old)


# --- digits: the engine's rule on small cases -------------------------------------------


def test_collision_digits_follow_catalog_order_within_a_tuple():
    codes = np.array([[1, 2], [0, 0], [1, 2], [1, 2], [0, 0], [3, 1]])
    assert collision_digits(codes).tolist() == [0, 0, 1, 2, 1, 0]


def test_extended_digits_start_after_the_largest_existing_one():
    old = np.array([[1, 2], [1, 2], [0, 0]])
    old_digits = np.array([0, 4, 0])  # a gap: the next free digit is 5, not 2
    new = np.array([[1, 2], [5, 5], [1, 2], [0, 0]])
    assert extend_digits(old, old_digits, new).tolist() == [5, 0, 6, 1]


@pytest.mark.parametrize(
    "value,text",
    [(18.19355289079249, "18.19355289079249"), (2.0, "2"), (1e-7, "1e-7"), (1.5e21, "1.5e+21"), (123456789012345680000.0, "123456789012345680000"), (0.000123, "0.000123"), (-0.5, "-0.5")],
)
def test_scores_are_written_as_javascript_writes_numbers(value, text):
    assert mine_pairs.js_number(value) == text


# --- assign_ids.py ------------------------------------------------------------------------


@needs_fixtures
def test_jsonl_input_gives_the_runs_semantic_ids_byte_for_byte(tmp_path):
    out = assign(tmp_path, "--embeddings", os.path.join(FIXTURES, "emb.jsonl"), "--workers", "2")
    assert read(os.path.join(out, "semantic_ids.jsonl")) == read(os.path.join(RUN, "semantic_ids.jsonl"))


@needs_fixtures
def test_npy_shards_and_parquet_give_the_same_ids(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [json.loads(line) for line in open(os.path.join(FIXTURES, "emb.jsonl"), encoding="utf-8")]
    x = np.array([r["embedding"] for r in rows], np.float32)
    ids = [r["id"] for r in rows]
    shards = tmp_path / "npy"
    shards.mkdir()
    np.save(shards / "part-0.npy", x[:1700])
    np.save(shards / "part-1.npy", x[1700:])
    (tmp_path / "ids.txt").write_text("\n".join(ids) + "\n")
    expected = read(os.path.join(RUN, "semantic_ids.jsonl"))
    out = assign(tmp_path / "a", "--embeddings", str(shards), "--items", str(tmp_path / "ids.txt"))
    assert read(os.path.join(out, "semantic_ids.jsonl")) == expected

    table = pa.table({"id": ids, "embedding": pa.array(list(x), pa.list_(pa.float32()))})
    parquet = tmp_path / "pq"
    parquet.mkdir()
    pq.write_table(table.slice(0, 2500), parquet / "a.parquet", row_group_size=1000)
    pq.write_table(table.slice(2500), parquet / "b.parquet", row_group_size=1000)
    out = assign(tmp_path / "b", "--embeddings", str(parquet), "--workers", "2")
    assert read(os.path.join(out, "semantic_ids.jsonl")) == expected
    written = pq.read_table(os.path.join(out, "semantic_ids.parquet"))
    engine = [json.loads(line) for line in expected.decode().splitlines()]
    assert written.column("id").to_pylist() == [r["id"] for r in engine]
    assert written.column("sid").to_pylist() == [r["sid"] for r in engine]


@needs_fixtures
def test_existing_run_ids_are_kept_and_new_items_extend_the_digits_like_semid_ids(tmp_path):
    out = assign(tmp_path, "--embeddings", os.path.join(FIXTURES, "mixed.jsonl"), "--existing", os.path.join(RUN, "semantic_ids.jsonl"))
    assert read(os.path.join(out, "semantic_ids.jsonl")) == read(os.path.join(FIXTURES, "engine_mixed.jsonl"))


@needs_fixtures
def test_a_nan_row_is_refused_naming_file_and_line_and_nothing_is_written(tmp_path):
    lines = open(os.path.join(FIXTURES, "emb.jsonl"), encoding="utf-8").read().splitlines()[:50]
    bad = json.loads(lines[6])
    bad["embedding"][3] = float("nan")
    lines[6] = json.dumps(bad)
    src = tmp_path / "nan.jsonl"
    src.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        assign(tmp_path, "--embeddings", str(src))
    assert f"{src}:7" in str(caught.value) and "NaN" in str(caught.value)
    assert not (tmp_path / "out" / "semantic_ids.jsonl").exists()


@needs_fixtures
def test_an_input_of_another_dimension_is_refused_naming_the_file(tmp_path):
    np.save(tmp_path / "narrow.npy", np.zeros((10, 20), np.float32))
    (tmp_path / "ids.txt").write_text("\n".join(f"i{k}" for k in range(10)) + "\n")
    with pytest.raises(InputError, match=r"narrow\.npy: rows of 20 values; the model takes 24"):
        assign(tmp_path, "--embeddings", str(tmp_path / "narrow.npy"), "--items", str(tmp_path / "ids.txt"))


# --- mine_pairs.py --------------------------------------------------------------------------


@needs_fixtures
@pytest.mark.parametrize("setting", ["llr", "npmi_top3", "pmi_window3", "count_whole"])
def test_kept_pairs_equal_the_engines_pairs_tsv(tmp_path, setting):
    engine = os.path.join(FIXTURES, "pairs", setting)
    opts = json.load(open(os.path.join(engine, "settings.json")))
    argv = [
        "--interactions", os.path.join(SLICE, "sequences.txt"),
        "--items", os.path.join(SLICE, "items.jsonl"),
        "--out", str(tmp_path),
        "--window", str(opts["window"]),
        "--min-count", str(opts["min_count"]),
        "--criterion", opts["criterion"],
        "--workers", "2",
    ]
    if opts["threshold"] is not None:
        argv += ["--threshold", str(opts["threshold"])]
    if opts["max_per_item"] is not None:
        argv += ["--max-per-item", str(opts["max_per_item"])]
    assert mine_pairs.main(argv) == 0
    mine = read(tmp_path / "pairs.tsv")
    assert mine.count(b"\n") > 100, "too few pairs to say anything"
    assert mine == read(os.path.join(engine, "pairs.tsv"))
    assert json.load(open(tmp_path / "pairs.json")) == json.load(open(os.path.join(engine, "pairs.json")))


# --- mine_pairs.py: reading interactions as the engine does -------------------------------


def mine(tmp_path, interactions: str, *extra: str) -> str:
    out = str(tmp_path / "out")
    argv = ["--interactions", interactions, "--items", os.path.join(SLICE, "items.jsonl"), "--out", out, "--workers", "2", *extra]
    assert mine_pairs.main(argv) == 0
    return out


def engine_error(name: str) -> str:
    return json.load(open(os.path.join(FIXTURES, "reading", "engine_errors.json")))[name]


@needs_fixtures
def test_a_json_sequences_file_gives_the_engines_pairs(tmp_path):
    out = mine(tmp_path, os.path.join(FIXTURES, "reading", "slice.json"))
    engine = os.path.join(FIXTURES, "pairs", "llr_json")
    assert read(os.path.join(out, "pairs.tsv")) == read(os.path.join(engine, "pairs.tsv"))
    # The same sequences as the .txt slice: the same pairs as from that file.
    assert read(os.path.join(engine, "pairs.tsv")) == read(os.path.join(FIXTURES, "pairs", "llr", "pairs.tsv"))


@needs_fixtures
@pytest.mark.parametrize("name", ["dup.txt", "dup.json"])
def test_a_user_twice_is_refused_with_the_engines_message_and_nothing_is_written(tmp_path, name):
    with pytest.raises(InputError) as caught:
        mine(tmp_path, os.path.join(FIXTURES, "reading", name))
    assert str(caught.value) == engine_error(name)
    assert "appears again" in str(caught.value)
    assert not (tmp_path / "out" / "pairs.tsv").exists()


@needs_fixtures
def test_mostly_unknown_items_are_refused_with_the_engines_count_and_examples(tmp_path):
    with pytest.raises(InputError) as caught:
        mine(tmp_path, os.path.join(FIXTURES, "reading", "unknown.txt"))
    counted = engine_error("unknown.txt").split(": do the ids")[0]
    assert str(caught.value).startswith(counted + ": ")
    assert not (tmp_path / "out" / "pairs.tsv").exists()


@needs_fixtures
def test_a_user_in_two_files_of_a_folder_is_refused_naming_both(tmp_path):
    folder = tmp_path / "seqs"
    folder.mkdir()
    (folder / "a.txt").write_text("u1 1 2 3\nu2 4 5 6\n")
    (folder / "b.json").write_text('{"u3": [7, 8],\n "u2": ["9"]}\n')
    (folder / ".hidden.txt").write_text("u1 1 2\n")  # skipped, as hidden files are
    with pytest.raises(InputError) as caught:
        mine(tmp_path, str(folder))
    assert str(caught.value) == f"{folder / 'b.json'}:2: user 'u2' appears again (first on {folder / 'a.txt'}:2)"


def test_json_sequences_are_read_with_lines_and_javascript_number_tokens(tmp_path):
    from interaction_sources import json_sequences

    src = tmp_path / "s.json"
    src.write_text('\ufeff{\n "a": [1, "x y", 2.0, 1e21],\n\n "b":\n  [0.5, -3]\n}')
    assert list(json_sequences(str(src))) == [("a", ["1", "x y", "2", "1e+21"], 2), ("b", ["0.5", "-3"], 4)]
    src.write_text('{\n "a": [1],\n "b": [true]\n}')
    with pytest.raises(InputError, match=r"s\.json:3: user 'b': item true is not a string or a number"):
        list(json_sequences(str(src)))
    src.write_text('[["a", 1]]')
    with pytest.raises(InputError, match=r"s\.json:1: expected a JSON object \{user: \[items in time order\]\}, found an array"):
        list(json_sequences(str(src)))


def test_unsupported_interaction_formats_are_refused_naming_the_file(tmp_path):
    from interaction_sources import interaction_files

    inter = tmp_path / "x.inter"
    inter.write_text("user_id:token\titem_id:token\n")
    with pytest.raises(InputError, match=r"x\.inter: unsupported interactions format '\.inter' \(expected \.txt or \.json\)"):
        interaction_files(str(inter))
    with pytest.raises(InputError, match="no such file or folder"):
        interaction_files(str(tmp_path / "missing.txt"))


def test_text_lines_split_on_javascript_whitespace_only():
    from interaction_sources import text_tokens

    assert text_tokens("\ufeffu1\u00a0a\tb  c\r\n") == ["u1", "a", "b", "c"]
    assert text_tokens("u1 a\x1cb") == ["u1", "a\x1cb"]  # Python's split() would cut at \x1c; the engine does not
    assert text_tokens("  \n") == []


def test_a_batch_of_text_lines_splits_and_looks_up_items_as_line_by_line():
    import pyarrow as pa

    from interaction_sources import text_batch, text_tokens

    lines = ["\ufeffu1\u00a0a\tb  c\r", "u2 a\x1cb z", "  ", "", "u3 \u3000 b\u0085c \u2028 a", "u4", "\u00e9\u00e9 c a", "u5\u2003b"]
    catalog = ["a", "b", "c", "b\u0085c", "a\x1cb"]
    users, counts, index = text_batch(pa.chunked_array([pa.array(lines[:3]), pa.array(lines[3:])]), pa.array(catalog))
    split = [t for t in map(text_tokens, lines) if t]
    assert users == [t[0] for t in split]
    assert counts.tolist() == [len(t) - 1 for t in split]
    assert index.tolist() == [catalog.index(x) if x in catalog else -1 for t in split for x in t[1:]]


def test_training_parts_of_a_batch_equal_each_users_training_part():
    from pair_counts import training_flat, training_part

    rng = np.random.default_rng(11)  # purpose: users of 0-6 tokens, some not in the catalog
    users = [rng.integers(-1, 5, size=rng.integers(0, 7)) for _ in range(200)]
    flat, lengths = training_flat(np.concatenate(users), np.array([len(u) for u in users]))
    expected = [training_part([int(x) for x in u if x >= 0]) for u in users]
    expected = [e for e in expected if e]
    assert lengths.tolist() == [len(e) for e in expected]
    assert flat.tolist() == [x for e in expected for x in e]


def test_shuffle_partitions_spread_neighbouring_keys_and_sums_add_up():
    from pair_counts import partition_of, sum_partition

    keys = np.arange(-50, 10_000, dtype=np.int64)
    parts = partition_of(keys, 8)
    assert parts.min() == 0 and parts.max() == 7
    assert np.bincount(parts).min() > len(keys) // 16  # consecutive pair keys of one item do not pile up
    summed = sum_partition({"key": np.array([5, -3, 5, 7, -3, 5]), "count": np.array([1, 2, 3, 4, 5, 6])})
    assert summed["key"].tolist() == [-3, 5, 7] and summed["count"].tolist() == [7, 10, 4]


def test_a_repeated_catalog_id_is_refused_naming_both_lines(tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text('{"id": "a"}\n{"id": 7}\n{"id": 7.0}\n')
    with pytest.raises(InputError, match=r"items\.jsonl:3: duplicate id '7' \(first on line 2\)"):
        mine_pairs.read_catalog(str(items), "id")


# --- pair_counts.py: the vectorised counts against a context-by-context count ---------------


def reference_counts(sequences, window, num_items):
    """Contexts one by one, items once per context (the engine's definition), in plain Python."""
    from itertools import combinations

    counts = {}
    contexts = 0
    for seq in sequences:
        seq = list(seq)
        if not seq:
            continue
        span = len(seq) if window == 0 or len(seq) <= window else window
        for s in range(len(seq) - span + 1):
            ctx = sorted(set(seq[s:s + span]))
            contexts += 1
            for item in ctx:
                counts[-(item + 1)] = counts.get(-(item + 1), 0) + 1
            for a, b in combinations(ctx, 2):
                counts[a * num_items + b] = counts.get(a * num_items + b, 0) + 1
    counts[-(num_items + 1)] = contexts
    return counts


@pytest.mark.parametrize("window", [0, 1, 2, 3, 5])
def test_vectorised_window_counts_equal_context_by_context_counts(window):
    from pair_counts import count_sequences

    rng = np.random.default_rng(window)  # purpose: random sequences with and without repeats
    num_items = 30
    sequences = [rng.integers(0, num_items if i % 3 else 8, size=rng.integers(0, 12)) for i in range(300)]
    keys, values = count_sequences(sequences, window, num_items)
    assert dict(zip(keys.tolist(), values.tolist())) == reference_counts(sequences, window, num_items)
