#!/usr/bin/env bash
# `npm test`: installs what the tests need (real SDKs into project-local folders), runs the whole
# suite from source, builds the single executable, and runs the end-to-end tests again against it.
set -Eeuo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BUN="$ROOT/node_modules/.bin/bun"
[ -x "$BUN" ] || { echo "Bun is missing: run 'npm install' first" >&2; exit 1; }

bash tests/setup/install-sdks.sh
bash tests/setup/install-browser.sh
bash tests/setup/install-receivers.sh
# Real SDKs are part of the suite: fail instead of skipping when they are missing.
export UNDERTAKER_REQUIRE_SDKS=1

echo "== unit, integration and end-to-end tests (from source)"
"$BUN" test --timeout 120000

echo "== build dist/undertaker"
"$BUN" run build

echo "== end-to-end tests against the compiled binary"
UNDERTAKER_BIN="$ROOT/dist/undertaker" "$BUN" test --timeout 120000 tests/e2e
