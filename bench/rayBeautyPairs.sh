#!/usr/bin/env bash
# The full-Beauty check of issue 12: the engine's miner and distributed/ray/mine_pairs.py
# (local Ray) on ../shared/data/beauty with the default collab.pairs settings;
# pairs.tsv and pairs.json compared byte for byte. Usage: bench/rayBeautyPairs.sh [extra mine_pairs args]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/../shared/data/beauty"
[ -f "$data/sequences.txt" ] || { echo "no Beauty data at $data"; exit 0; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
node --import tsx "$root/bench/enginePairs.ts" --interactions "$data/sequences.txt" --items "$data/items.jsonl" --out "$out/engine" "$@"
"$root/distributed/ray/.venv/bin/python" "$root/distributed/ray/mine_pairs.py" --interactions "$data/sequences.txt" \
  --items "$data/items.jsonl" --out "$out/ray" "$@" 2>&1 | grep -v -E "^\s*$|INFO|WARN|warn" || true
if cmp -s "$out/engine/pairs.tsv" "$out/ray/pairs.tsv"; then echo "pairs.tsv: identical ($(wc -l < "$out/engine/pairs.tsv") lines)"; else echo "pairs.tsv: DIFFERS"; diff "$out/engine/pairs.tsv" "$out/ray/pairs.tsv" | head -5; fi
# pairs.json: the same values (Python and JavaScript write exponents differently: 1e-07 / 1e-7).
python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); print("pairs.json: same values" if a==b else "pairs.json: DIFFERS")' "$out/engine/pairs.json" "$out/ray/pairs.json"
