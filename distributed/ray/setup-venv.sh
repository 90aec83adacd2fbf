#!/usr/bin/env bash
# Creates distributed/ray/.venv with Ray Data, onnxruntime, pyarrow, numpy and pytest,
# offline: from the wheel folders pip's configuration names (find-links, and the
# files/ folders beside file:// indexes). Idempotent: a venv that imports them is kept.
# Usage: distributed/ray/setup-venv.sh [PYTHON]   (default python3; Python 3.9-3.12)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
python="${1:-python3}"
packages=("ray[data]" onnxruntime pyarrow numpy pytest)

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import ray, ray.data, onnxruntime, pyarrow, numpy, pytest' 2>/dev/null; then
  echo "venv ready: $venv"
  exit 0
fi

links=()
while IFS= read -r value; do
  for entry in $value; do
    dir="${entry#file://}"
    # A file:// simple index: its wheels lie in files/ beside simple/.
    [ "$(basename "$dir")" = simple ] && dir="$(dirname "$dir")/files"
    [ -d "$dir" ] && links+=(--find-links "$dir")
  done
done < <(pip config list 2>/dev/null | sed -n -E "s/^[^=]*(find-links|index-url)='(.*)'$/\2/p")

"$python" -m venv "$venv"
if [ ${#links[@]} -gt 0 ]; then
  "$venv/bin/pip" install --quiet --no-index "${links[@]}" "${packages[@]}"
else
  # No local wheel folders configured: the package index pip is configured with.
  "$venv/bin/pip" install --quiet "${packages[@]}"
fi
"$venv/bin/python" -c 'import ray, onnxruntime, pyarrow; print(f"venv ready: ray {ray.__version__}, onnxruntime {onnxruntime.__version__}, pyarrow {pyarrow.__version__}")'
