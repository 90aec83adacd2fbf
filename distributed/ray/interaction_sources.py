"""Interaction files as the engine reads them (src/engine/data/rawSequences.ts): each
user's whole sequence in time order, before any split.

    .txt   `user item item ...` a line (blank lines skipped)
    .json  one object {user: [items in time order], ...}; items are strings or numbers

A folder holds several such files (read in name order; names starting with `.` or `_`
are skipped). A user may appear only once across them, as in the engine. RecBole
`.inter` files are read by the engine only.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from typing import Iterator

import numpy as np

from common import InputError

FORMATS = (".txt", ".json")
# JavaScript's \s (String.prototype.trim and /\s+/ in the engine), not Python's whitespace.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPLIT = re.compile(f"[{_JS_SPACE}]+")
USER_HASH_BITS = 62


def interaction_files(path: str) -> list[str]:
    """The files to read: `path` itself, or the .txt/.json files of the folder, in name order."""
    if not os.path.exists(path):
        raise InputError(path, None, "no such file or folder")
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if not n.startswith((".", "_")) and os.path.isfile(os.path.join(path, n)))
        files = [os.path.join(path, n) for n in names if os.path.splitext(n)[1].lower() in FORMATS]
        if not files:
            raise InputError(path, None, f"no interaction files in the folder (expected {' or '.join(FORMATS)} files)")
        return files
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        hint = "; convert RecBole .inter files to .txt sequences, or mine their pairs with the engine" if ext == ".inter" else ""
        raise InputError(path, None, f"unsupported interactions format '{ext}' (expected .txt or .json){hint}")
    return [path]


def text_tokens(line: str) -> list[str]:
    """`user item item ...` split as the engine splits it ([] for a blank line)."""
    line = line.strip(_JS_SPACE)
    return _JS_SPLIT.split(line) if line else []


# The same split for a whole batch of lines in pyarrow (RE2): the same characters, escaped.
_JS_SPLIT_RE2 = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _JS_SPACE) + "]+"


def text_batch(lines, catalog) -> tuple[list[str], np.ndarray, np.ndarray]:
    """A batch of `.txt` lines (a pyarrow string array) split as `text_tokens` splits each,
    blank lines dropped, item tokens looked up in `catalog` (a pyarrow array of the ids in
    catalog order), vectorised: (users, item tokens per user, catalog index of each item
    token, -1 when not in the catalog)."""
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim(lines, characters=_JS_SPACE)
    trimmed = trimmed.filter(pc.not_equal(trimmed, ""))
    tokens = pc.split_pattern_regex(trimmed, pattern=_JS_SPLIT_RE2)
    users = pc.list_element(tokens, 0).to_pylist()
    counts = np.asarray(pc.list_value_length(tokens), np.int64) - 1
    index = pc.index_in(pc.list_flatten(pc.list_slice(tokens, 1)), value_set=catalog)
    return users, counts, np.asarray(index.fill_null(-1), np.int64)


def user_hash(user: str) -> int:
    """A stable 62-bit hash of a user id (Python's hash() differs between processes)."""
    return int.from_bytes(hashlib.blake2b(user.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little") >> (64 - USER_HASH_BITS)


def js_string(value: float) -> str:
    """String(number) in JavaScript (a numeric item id in a .json file becomes this token)."""
    from mine_pairs import js_number

    return js_number(value)


def json_sequences(file: str) -> Iterator[tuple[str, list[str], int]]:
    """(user, item tokens, line the entry starts on) of a .json sequences file, in file order,
    with the engine's messages for what it refuses."""
    with open(file, encoding="utf-8") as fh:
        text = fh.read()
    decoder = json.JSONDecoder(strict=False)  # raw control characters inside strings, as the engine's lenient parser
    at = 1 if text.startswith("\ufeff") else 0
    line = 1
    counted = 0  # text[:counted] has had its newlines added to `line`

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\n\r":
            i += 1
        return i

    def line_at(i: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, i)
        counted = i
        return line

    at = skip(at)
    if at < len(text) and text[at] == "[":
        raise InputError(file, str(line_at(at)), "expected a JSON object {user: [items in time order]}, found an array")
    if at >= len(text) or text[at] != "{":
        raise InputError(file, str(line_at(at)), "expected a JSON object {user: [items in time order]}")
    at = skip(at + 1)
    if at < len(text) and text[at] == "}":
        return
    while True:
        start = line_at(at)
        try:
            key, at = decoder.raw_decode(text, at)
            if not isinstance(key, str):
                raise ValueError("expected a string key")
            at = skip(at)
            if at >= len(text) or text[at] != ":":
                raise ValueError("expected ':' after a key")
            value, at = decoder.raw_decode(text, skip(at + 1))
        except ValueError as e:
            raise InputError(file, str(line_at(min(at, len(text)))), f"invalid JSON: {e}") from None
        if not isinstance(value, list):
            raise InputError(file, str(start), f"the items of user '{key}' are not an array")
        items = []
        for item in value:
            if isinstance(item, str):
                items.append(item)
            elif isinstance(item, (int, float)) and not isinstance(item, bool) and math.isfinite(item):
                items.append(js_string(float(item)))
            else:
                raise InputError(file, str(start), f"user '{key}': item {json.dumps(item)} is not a string or a number")
        yield key, items, start
        at = skip(at)
        if at < len(text) and text[at] == ",":
            at = skip(at + 1)
            continue
        if at < len(text) and text[at] == "}":
            return
        raise InputError(file, str(line_at(min(at, len(text)))), "invalid JSON: expected ',' or '}' after an entry")


def sequences(file: str) -> Iterator[tuple[str, list[str], int]]:
    """(user, item tokens, line) of any interaction file, in file order (blank .txt lines skipped)."""
    if file.lower().endswith(".json"):
        yield from json_sequences(file)
        return
    with open(file, encoding="utf-8", newline="") as fh:
        for n, raw in enumerate(fh, 1):
            tokens = text_tokens(raw)
            if tokens:
                yield tokens[0], tokens[1:], n


def find_repeated_user(files: list[str], hashes: set[int]) -> None:
    """Rereads `files` (on the driver; only when the counting step saw a user hash twice)
    and raises the engine's error at the second line of the first repeated user.
    Returns quietly when the repeated hashes were two different users (a hash collision)."""
    first: dict[str, tuple[str, int]] = {}
    for file in files:
        for user, _items, line in sequences(file):
            if user_hash(user) not in hashes:
                continue
            if user in first:
                earlier_file, earlier_line = first[user]
                place = f"line {earlier_line}" if earlier_file == file else f"{earlier_file}:{earlier_line}"
                raise InputError(file, str(line), f"user '{user}' appears again (first on {place})")
            first[user] = (file, line)


def unknown_examples(files: list[str], known: dict, limit: int = 5) -> list[str]:
    """The first `limit` distinct item tokens not in the catalog, in file order."""
    out: list[str] = []
    for file in files:
        for _user, items, _line in sequences(file):
            for token in items:
                if token not in known and token not in out:
                    out.append(token)
                    if len(out) >= limit:
                        return out
    return out
