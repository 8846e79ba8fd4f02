#!/usr/bin/env bash
# Installs the real Sentry SDKs that the SDK harness (tests/sdk/) drives.
#
#   Python: a project-local venv at .cache/venv-sdk-python with tests/sdk/python/requirements.txt
#   Node:   tests/sdk/node/node_modules from tests/sdk/node/package.json + package-lock.json
#
# Idempotent and fast when nothing changed: each install writes a stamp holding the sha256 of its
# inputs, and is skipped while the stamp matches. tests/helpers/sdk.ts (sdkInstalled) reads the same
# stamps, so keep the two in step.
#
# Needs python3 (with the venv module), node (>= 20.19) and npm. Override the interpreters with
# PYTHON=/path/to/python3 and NPM=/path/to/npm. FORCE=1 reinstalls both.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
NPM="${NPM:-npm}"
FORCE="${FORCE:-0}"

PY_DIR="$ROOT/tests/sdk/python"
PY_REQS="$PY_DIR/requirements.txt"
VENV="$ROOT/.cache/venv-sdk-python"
PY_STAMP="$VENV/.undertaker-stamp"

NODE_DIR="$ROOT/tests/sdk/node"
NODE_STAMP="$NODE_DIR/node_modules/.undertaker-stamp"

log() { printf '[install-sdks] %s\n' "$*"; }
die() { printf '[install-sdks] ERROR: %s\n' "$*" >&2; exit 1; }
# Anything that fails without going through die (set -e) is reported with its command.
trap 'printf "[install-sdks] ERROR: command failed (exit %s) at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR

sha256_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
now_ms() { date +%s%3N; }

install_python() {
  local start want have
  start=$(now_ms)
  command -v "$PYTHON" >/dev/null 2>&1 || die "python interpreter '$PYTHON' not found (set PYTHON=...)"
  [ -f "$PY_REQS" ] || die "missing $PY_REQS"
  want=$(sha256_of "$PY_REQS")
  have=$(cat "$PY_STAMP" 2>/dev/null || true)
  if [ "$FORCE" != 1 ] && [ "$want" = "$have" ] && "$VENV/bin/python" -c 'pass' 2>/dev/null; then
    log "python: up to date ($VENV, requirements sha256 ${want:0:12})"
    return
  fi
  log "python: (re)creating venv $VENV with $("$PYTHON" --version 2>&1)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV" || die "'$PYTHON -m venv' failed (on Debian: apt-get install python3-venv)"
  log "python: pip install -r ${PY_REQS#"$ROOT/"}"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$PY_REQS" \
    || die "pip install failed"
  "$VENV/bin/python" -c 'import sentry_sdk; print("[install-sdks] python: sentry_sdk", sentry_sdk.VERSION)' \
    || die "sentry_sdk does not import after install"
  if "$VENV/bin/python" -c 'import brotli' 2>/dev/null; then
    log "python: WARNING brotli is importable; the SDK's default encoding becomes br"
  fi
  printf '%s\n' "$want" >"$PY_STAMP"
  log "python: done in $(( $(now_ms) - start )) ms"
}

install_node() {
  local start want have
  start=$(now_ms)
  command -v node >/dev/null 2>&1 || die "node not found on PATH"
  command -v "$NPM" >/dev/null 2>&1 || die "npm '$NPM' not found (set NPM=...)"
  [ -f "$NODE_DIR/package.json" ] || die "missing $NODE_DIR/package.json"
  [ -f "$NODE_DIR/package-lock.json" ] || die "missing $NODE_DIR/package-lock.json (it is committed; run npm install there once)"
  want=$(sha256_of "$NODE_DIR/package.json" "$NODE_DIR/package-lock.json")
  have=$(cat "$NODE_STAMP" 2>/dev/null || true)
  if [ "$FORCE" != 1 ] && [ "$want" = "$have" ] && [ -f "$NODE_DIR/node_modules/@sentry/node/package.json" ]; then
    log "node: up to date (${NODE_DIR#"$ROOT/"}/node_modules, package sha256 ${want:0:12})"
    return
  fi
  log "node: npm install --no-audit --no-fund in ${NODE_DIR#"$ROOT/"} (node $(node --version), npm $("$NPM" --version))"
  (cd "$NODE_DIR" && "$NPM" install --no-audit --no-fund) || die "npm install failed"
  node -e 'const p=require(process.argv[1]); console.log("[install-sdks] node: @sentry/node", p.version)' \
    "$NODE_DIR/node_modules/@sentry/node/package.json" || die "@sentry/node missing after npm install"
  # npm install may rewrite the lock; stamp what is on disk now.
  sha256_of "$NODE_DIR/package.json" "$NODE_DIR/package-lock.json" >"$NODE_STAMP"
  log "node: done in $(( $(now_ms) - start )) ms"
}

install_python
install_node
log "all SDKs installed"
