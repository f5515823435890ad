#!/usr/bin/env bash
# Ensures the build tools at their pinned versions, installing only what is missing or wrong:
#   - rustup target wasm32-unknown-unknown
#   - Trunk 0.21.14 (0.22 needs a newer rustc than this machine's 1.95)
#   - wasm-bindgen-cli (+ wasm-bindgen-test-runner) at exactly the wasm-bindgen version in Cargo.lock
#     (Trunk uses the one on PATH only if it matches; it must never download one)
#   - wasm-opt from npm binaryen 132.0.0 (tools/package-lock.json) into tools/node_modules
#     (Debian's binaryen 108 builds a module that crashes in Chromium)
#   - Debian brotli (dist/ is precompressed)
# and exports PATH (~/.cargo/bin, tools/node_modules/.bin) and TRUNK_SKIP_VERSION_CHECK=true.
#
# Use: `source scripts/tools.sh` (the other scripts do; it also defines apt_ensure) or run it.
# Re-running is cheap: every step checks first (about a second when everything is present).

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail # run directly; when sourced, the caller's scripts set this themselves
fi

WALLET_ROOT="${WALLET_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export WALLET_ROOT

TRUNK_VERSION="0.21.14"

_tools_log() { printf '[tools] %s\n' "$*"; }

# apt_ensure PKG...: installs the Debian packages that are not installed yet;
# `apt-get update` runs at most once per shell, and only when something must be installed.
apt_ensure() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "[tools] need root to install: ${missing[*]} (apt-get install ${missing[*]})" >&2
      return 1
    fi
  fi
  if [[ -z "${_WALLET_APT_UPDATED:-}" ]]; then
    _tools_log "apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    _WALLET_APT_UPDATED=1
  fi
  _tools_log "apt-get install ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm_ci_if_changed DIR WHAT: `npm ci` in DIR from its committed package-lock.json, only when
# DIR/node_modules is missing or the lockfile changed since the last install (a stamp records it).
npm_ci_if_changed() {
  local dir="$1" what="$2" sum
  sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ "$(cat "$dir/node_modules/.lock-sha256" 2>/dev/null || true)" != "$sum" ]]; then
    _tools_log "npm ci in ${dir#"$WALLET_ROOT"/} ($what)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$sum" >"$dir/node_modules/.lock-sha256"
  fi
}

# pip_venv_ensure DIR PKG==VERSION: a Python virtual environment in DIR holding exactly that pinned
# package (from PyPI), made only when DIR/bin lacks it; a stamp records what was installed.
pip_venv_ensure() {
  local dir="$1" spec="$2"
  [[ "$(cat "$dir/.installed" 2>/dev/null || true)" == "$spec" ]] && return 0
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_ensure python3-venv
  _tools_log "pip install $spec into ${dir#"$WALLET_ROOT"/}"
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$spec"
  echo "$spec" >"$dir/.installed"
}

# The wasm-bindgen version Trunk and the test runner must match: the one Cargo.lock pins.
wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/^version = "|"$/, ""); print; exit }' \
    "$WALLET_ROOT/Cargo.lock"
}

_tools_ensure() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    _tools_log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi

  if [[ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]]; then
    _tools_log "installing trunk $TRUNK_VERSION (about 9 minutes)"
    cargo install trunk --locked --version "$TRUNK_VERSION"
  fi

  local wbg
  wbg="$(wasm_bindgen_lock_version)"
  if [[ -z "$wbg" ]]; then
    echo "[tools] no wasm-bindgen in Cargo.lock" >&2
    return 1
  fi
  if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg" ]] ||
    ! command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    _tools_log "installing wasm-bindgen-cli $wbg (about 3 minutes)"
    # Without --locked: the CLI's own lockfile wants a crate version the registry mirror lacks.
    cargo install wasm-bindgen-cli --version "$wbg" --force
  fi

  [[ -x "$WALLET_ROOT/tools/node_modules/.bin/wasm-opt" ]] || rm -f "$WALLET_ROOT/tools/node_modules/.lock-sha256"
  npm_ci_if_changed "$WALLET_ROOT/tools" "wasm-opt from binaryen 132"

  apt_ensure brotli

  _tools_log "ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version | head -n 1)"
  export WALLET_TOOLS_READY=1
}

for _dir in "${CARGO_HOME:-$HOME/.cargo}/bin" "$WALLET_ROOT/tools/node_modules/.bin"; do
  [[ ":$PATH:" == *":$_dir:"* ]] || PATH="$_dir:$PATH"
done
unset _dir
export PATH
export TRUNK_SKIP_VERSION_CHECK=true

# Scripts calling scripts (test.sh -> build-app.sh) inherit the environment: check once per run.
if [[ -z "${WALLET_TOOLS_READY:-}" ]]; then
  _tools_ensure
fi
