#!/usr/bin/env bash
# Builds the sentry-go scenario (tests/sdk/go) into .cache/go/bin/scenario. Modules, build cache and
# GOPATH stay in .cache/go; go.sum pins every module. Skipped while the stamp matches (sdk-lib.sh).
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sdk-lib.sh"

start=$(now_ms)
if up_to_date go && [ -x "$CACHE/go/bin/scenario" ]; then
  log "go: up to date (.cache/go/bin/scenario)"
  exit 0
fi
require_tool go "the Go toolchain"
export GOPATH="$CACHE/go" GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build"
# -modcacherw keeps the module cache deletable; local toolchain: never download another Go.
export GOFLAGS="-modcacherw -mod=readonly" GOTOOLCHAIN=local
log "go: building tests/sdk/go with $(go version)"
(cd "$ROOT/tests/sdk/go" && nice -n 10 go build -o "$CACHE/go/bin/scenario" .) || die "go: build failed"
write_stamp go
log "go: done in $(($(now_ms) - start)) ms"
