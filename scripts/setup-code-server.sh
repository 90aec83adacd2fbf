#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, Node extension host that runs on Node 20)
# and Debian's Chromium, so the extension's mocha suite can run in a real VS Code without
# downloading VS Code at test time. Recipe: docs/real-vscode-tests.md (shared docs).
#
# Idempotent: apt is skipped when every package is present, and the code-server folder is
# reused when its completion marker exists. The native modules are compiled here because
# the packages' own install scripts fetch prebuilt binaries from the network.
#
# Usage: scripts/setup-code-server.sh        (prints the code-server folder on its last line)
# Env:   SEMID_CACHE (default ~/.cache/semid)  SEMID_SKIP_APT=1 to never touch apt.
set -euo pipefail

CS_VERSION=4.100.3
CACHE_ROOT="${SEMID_CACHE:-$HOME/.cache/semid}"
CS_DIR="$CACHE_ROOT/code-server-$CS_VERSION"
MARKER="$CS_DIR/.semid-setup-complete"
APT_PACKAGES=(ripgrep chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config)
# Relative to lib/vscode/node_modules; these ship C++ sources only once scripts are skipped
# (argon2, in code-server's own node_modules, is built separately below).
NATIVE_MODULES=(@parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid)

t_start=$SECONDS
step_start=$SECONDS
log() { echo "[setup-code-server] $*" >&2; }
step_done() { log "$1 done in $((SECONDS - step_start)) s"; step_start=$SECONDS; }

# --- 1. Debian packages -------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  log "apt packages already installed"
elif [ "${SEMID_SKIP_APT:-0}" = 1 ]; then
  log "SEMID_SKIP_APT=1 but missing: ${missing[*]}"; exit 1
else
  SUDO=()
  if [ "$(id -u)" != 0 ]; then SUDO=(sudo); fi
  log "installing apt packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -q >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
step_done "apt"

# --- 2..6. code-server ----------------------------------------------------------------
if [ -f "$MARKER" ]; then
  log "code-server $CS_VERSION already set up in $CS_DIR"
  log "total $((SECONDS - t_start)) s"
  echo "$CS_DIR"
  exit 0
fi

# Build in a scratch folder and move it into place only when complete, so an interrupted
# run never leaves a half-built folder that looks finished.
mkdir -p "$CACHE_ROOT"
WORK="$(mktemp -d "$CACHE_ROOT/.code-server-$CS_VERSION.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# node-gyp would otherwise download Node headers; use the local ones when Node ships them.
NODEDIR="$(npm config get nodedir 2>/dev/null || true)"
if [ -z "$NODEDIR" ] || [ "$NODEDIR" = undefined ] || [ "$NODEDIR" = null ]; then
  NODEDIR=""
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [ -f "$node_prefix/include/node/common.gypi" ]; then NODEDIR="$node_prefix"; fi
fi
GYP_ARGS=(rebuild --jobs=max)
if [ -n "$NODEDIR" ]; then GYP_ARGS+=("--nodedir=$NODEDIR"); log "native modules build against $NODEDIR/include/node"; fi
# npm's bundled node-gyp needs no download; fall back to npx where npm lacks it.
NODE_GYP=(npx --yes node-gyp)
bundled_gyp="$(npm root -g 2>/dev/null)/npm/node_modules/node-gyp/bin/node-gyp.js"
if [ -f "$bundled_gyp" ]; then NODE_GYP=(node "$bundled_gyp"); fi

log "npm pack code-server@$CS_VERSION"
(cd "$WORK" && npm pack --silent "code-server@$CS_VERSION" >/dev/null)
tar -xzf "$WORK/code-server-$CS_VERSION.tgz" -C "$WORK"
rm "$WORK/code-server-$CS_VERSION.tgz"
PKG="$WORK/package"
step_done "npm pack"

for d in "$PKG" "$PKG/lib/vscode" "$PKG/lib/vscode/extensions"; do
  log "npm install in ${d#"$WORK"/}"
  (cd "$d" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
done
step_done "npm install"

for m in "${NATIVE_MODULES[@]}"; do
  log "node-gyp rebuild $m"
  (cd "$PKG/lib/vscode/node_modules/$m" && "${NODE_GYP[@]}" "${GYP_ARGS[@]}" >"$WORK/gyp.log" 2>&1) || {
    cat "$WORK/gyp.log" >&2; exit 1; }
done
# code-server itself loads argon2 (password hashing) at start, even with --auth none; its
# gyp file copies the addon to node-pre-gyp's module_path, which must then be given.
log "node-gyp rebuild argon2"
argon2_dir="$PKG/node_modules/argon2"
(cd "$argon2_dir" && "${NODE_GYP[@]}" "${GYP_ARGS[@]}" --module_name=argon2 \
  --module_path="$argon2_dir/lib/binding/napi-v3" --napi_build_version=3 >"$WORK/gyp.log" 2>&1) || {
  cat "$WORK/gyp.log" >&2; exit 1; }
node -e "require('$argon2_dir/argon2.js')" || { log "argon2 addon does not load"; exit 1; }
step_done "native modules"

mkdir -p "$PKG/lib/vscode/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$PKG/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
ln -sfn node_modules "$PKG/lib/vscode/node_modules.asar"

rm -rf "$CS_DIR"
mv "$PKG" "$CS_DIR"
date -u +%FT%TZ >"$MARKER"
log "total $((SECONDS - t_start)) s"
echo "$CS_DIR"
