#!/usr/bin/env bash
# Installs what the browser SDK test (tests/e2e/browser.e2e.test.ts) drives: Debian's Chromium at
# /usr/bin/chromium (never a browser download of a test tool's own) and @sentry/browser in
# tests/sdk/browser/node_modules. Idempotent: skips each part while it is already in place and,
# for npm, while the stamp (sha256 of package.json + package-lock.json) matches. FORCE=1 reinstalls.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NPM="${NPM:-npm}"
FORCE="${FORCE:-0}"
DIR="$ROOT/tests/sdk/browser"
STAMP="$DIR/node_modules/.undertaker-stamp"

log() { printf '[install-browser] %s\n' "$*"; }
die() { printf '[install-browser] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[install-browser] ERROR: command failed (exit %s) at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR

sha256_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

install_chromium() {
  if [ -x /usr/bin/chromium ]; then
    log "chromium: present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "/usr/bin/chromium is missing and apt-get is not available"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  log "chromium: apt-get update && apt-get install -y chromium"
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null \
    || die "apt-get install chromium failed"
  [ -x /usr/bin/chromium ] || die "chromium installed but /usr/bin/chromium is missing"
  log "chromium: installed $(/usr/bin/chromium --version 2>/dev/null)"
}

install_sdk() {
  local want have
  [ -f "$DIR/package-lock.json" ] || die "missing $DIR/package-lock.json (it is committed; run npm install there once)"
  want=$(sha256_of "$DIR/package.json" "$DIR/package-lock.json")
  have=$(cat "$STAMP" 2>/dev/null || true)
  if [ "$FORCE" != 1 ] && [ "$want" = "$have" ] && [ -f "$DIR/node_modules/@sentry/browser/package.json" ]; then
    log "@sentry/browser: up to date (package sha256 ${want:0:12})"
    return
  fi
  command -v "$NPM" >/dev/null 2>&1 || die "npm '$NPM' not found (set NPM=...)"
  log "@sentry/browser: npm install in ${DIR#"$ROOT/"}"
  (cd "$DIR" && "$NPM" install --no-audit --no-fund) || die "npm install failed"
  [ -f "$DIR/node_modules/@sentry/browser/package.json" ] || die "@sentry/browser missing after npm install"
  sha256_of "$DIR/package.json" "$DIR/package-lock.json" >"$STAMP"
}

install_chromium
install_sdk
log "done"
