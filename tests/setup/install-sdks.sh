#!/usr/bin/env bash
# Installs the real Sentry SDKs that the SDK harness (tests/sdk/<sdk>/) drives, from the project's
# own pinned files, into project-local folders:
#
#   python, python1, python014, raven   venvs .cache/venv-sdk-<sdk> from tests/sdk/<sdk>/requirements.txt
#   node, node7                         tests/sdk/<sdk>/node_modules from package.json + package-lock.json
#   go, java, rust                      built by install-sdk-{go,java,rust}.sh (caches in .cache/)
#
# Usage: bash tests/setup/install-sdks.sh [SDK...]     (no argument: all of them)
#        bash tests/setup/install-sdks.sh --print-inputs   (the stamp inputs per SDK, for a test)
# Idempotent: each install writes a stamp (sdk-lib.sh) and is skipped while its inputs are unchanged,
# so a second run takes about a second. FORCE=1 reinstalls. PYTHON=/path/to/python3 and
# NPM=/path/to/npm override the interpreters.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sdk-lib.sh"
trap 'printf "[install-sdks] ERROR: command failed (exit %s) at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR

PYTHON="${PYTHON:-python3}"
NPM="${NPM:-npm}"
ALL_SDKS=(python python1 python014 raven node node7 go java rust)

install_python() {
  local sdk=$1 start venv
  start=$(now_ms)
  venv="$(dirname "$(stamp_of "$sdk")")"
  if up_to_date "$sdk" && "$venv/bin/python" -c 'pass' 2>/dev/null; then
    log "$sdk: up to date (${venv#"$ROOT/"})"
    return
  fi
  require_tool "$PYTHON" "set PYTHON=..."
  log "$sdk: (re)creating venv ${venv#"$ROOT/"} with $("$PYTHON" --version 2>&1)"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$PYTHON" -m venv "$venv" || die "'$PYTHON -m venv' failed (on Debian: apt-get install python3-venv)"
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$ROOT/tests/sdk/$sdk/requirements.txt" \
    || die "$sdk: pip install failed"
  log "$sdk: installed $("$venv/bin/python" -m pip freeze --disable-pip-version-check | tr '\n' ' ')"
  if "$venv/bin/python" -c 'import brotli' 2>/dev/null; then
    log "$sdk: WARNING brotli is importable; sentry-sdk's default encoding becomes br"
  fi
  write_stamp "$sdk"
  log "$sdk: done in $(($(now_ms) - start)) ms"
}

install_node() {
  local sdk=$1 start dir
  start=$(now_ms)
  dir="$ROOT/tests/sdk/$sdk"
  if up_to_date "$sdk" && [ -f "$dir/node_modules/@sentry/node/package.json" ]; then
    log "$sdk: up to date (${dir#"$ROOT/"}/node_modules)"
    return
  fi
  require_tool node "Node.js >= 20.19"
  require_tool "$NPM" "set NPM=..."
  log "$sdk: npm ci in ${dir#"$ROOT/"} (node $(node --version), npm $("$NPM" --version))"
  # ci installs exactly the committed lock and never rewrites it.
  (cd "$dir" && "$NPM" ci --no-audit --no-fund --loglevel=error) || die "$sdk: npm ci failed"
  log "$sdk: @sentry/node $(node -p 'require(process.argv[1]).version' "$dir/node_modules/@sentry/node/package.json")"
  write_stamp "$sdk"
  log "$sdk: done in $(($(now_ms) - start)) ms"
}

install_one() {
  case "$1" in
    python | python1 | python014 | raven) install_python "$1" ;;
    node | node7) install_node "$1" ;;
    go | java | rust) bash "$ROOT/tests/setup/install-sdk-$1.sh" ;;
    *) die "unknown SDK '$1' (known: ${ALL_SDKS[*]})" ;;
  esac
}

if [ "${1:-}" = --print-inputs ]; then
  for sdk in "${ALL_SDKS[@]}"; do
    stamp="$(stamp_of "$sdk")"
    echo "$sdk|$(inputs_of "$sdk")|${stamp#"$ROOT/"}"
  done
  exit 0
fi

total=$(now_ms)
sdks=("$@")
[ ${#sdks[@]} -gt 0 ] || sdks=("${ALL_SDKS[@]}")
for sdk in "${sdks[@]}"; do install_one "$sdk"; done
log "all requested SDKs installed in $(($(now_ms) - total)) ms"
