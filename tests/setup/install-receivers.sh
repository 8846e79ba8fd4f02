#!/usr/bin/env bash
# Installs the real receivers the receiver tests drive into a project-local venv:
#   .cache/venv-receivers with the pins in tests/setup/receivers-requirements.txt
#   (Bugsink, a Sentry-compatible server; sentry-relay, Sentry's own event normaliser), every
#   transitive version fixed by tests/setup/receivers-constraints.txt.
#
# Idempotent and fast when nothing changed: the venv holds a stamp with the sha256 of both files;
# tests/helpers/receivers-venv.ts computes the same hash to tell a stale install.
# Needs python3 >= 3.10 with the venv module. PYTHON=/path/to/python3 overrides; FORCE=1 reinstalls.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
FORCE="${FORCE:-0}"
REQS="$ROOT/tests/setup/receivers-requirements.txt"
CONSTRAINTS="$ROOT/tests/setup/receivers-constraints.txt"
VENV="$ROOT/.cache/venv-receivers"
STAMP="$VENV/.undertaker-stamp"

log() { printf '[install-receivers] %s\n' "$*"; }
die() { printf '[install-receivers] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[install-receivers] ERROR: command failed (exit %s) at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR
now_ms() { date +%s%3N; }

start=$(now_ms)
[ -f "$REQS" ] && [ -f "$CONSTRAINTS" ] || die "missing $REQS or $CONSTRAINTS"
want=$(cat "$REQS" "$CONSTRAINTS" | sha256sum | cut -d' ' -f1)
have=$(cat "$STAMP" 2>/dev/null || true)
if [ "$FORCE" != 1 ] && [ "$want" = "$have" ] && "$VENV/bin/python" -c 'import sentry_relay, bugsink' 2>/dev/null; then
  log "up to date ($VENV, pins sha256 ${want:0:12})"
  exit 0
fi

command -v "$PYTHON" >/dev/null 2>&1 || die "python interpreter '$PYTHON' not found (set PYTHON=...)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || die "$("$PYTHON" --version 2>&1) is too old: Bugsink and sentry-relay need Python >= 3.10"
log "(re)creating venv $VENV with $("$PYTHON" --version 2>&1)"
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV" || die "'$PYTHON -m venv' failed (on Debian: apt-get install python3-venv)"
# --only-binary: sentry-relay's source archive needs a Rust toolchain and minutes of compiling;
# fail fast instead when no wheel fits this platform.
log "pip install -r ${REQS#"$ROOT/"} -c ${CONSTRAINTS#"$ROOT/"} --only-binary sentry-relay"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
  --only-binary sentry-relay -r "$REQS" -c "$CONSTRAINTS" || die "pip install failed"
"$VENV/bin/python" -c 'import sentry_relay; from sentry_relay.processing import StoreNormalizer' \
  || die "sentry_relay does not import after install"
"$VENV/bin/python" -c 'from importlib.metadata import version as v; print("[install-receivers] bugsink", v("bugsink"), "+ sentry-relay", v("sentry-relay"))'
printf '%s\n' "$want" >"$STAMP"
log "done in $(( $(now_ms) - start )) ms"
