#!/usr/bin/env bash
# Builds the Rust `sentry` scenario (tests/sdk/rust) as a debug binary, .cache/cargo/target/debug/scenario
# (a debug build compiles in about half a minute; nothing in the harness needs release speed).
# Registry and target stay in .cache/cargo; Cargo.lock pins every crate. No TLS stack is built: the
# crate uses its ureq transport without native-tls. Skipped while the stamp matches (sdk-lib.sh).
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sdk-lib.sh"

start=$(now_ms)
if up_to_date rust && [ -x "$CACHE/cargo/target/debug/scenario" ]; then
  log "rust: up to date (.cache/cargo/target/debug/scenario)"
  exit 0
fi
require_tool cargo "the Rust toolchain"
export CARGO_HOME="$CACHE/cargo/home" CARGO_TARGET_DIR="$CACHE/cargo/target"
log "rust: cargo build in tests/sdk/rust ($(cargo --version))"
nice -n 10 cargo build --locked --quiet --manifest-path "$ROOT/tests/sdk/rust/Cargo.toml" || die "rust: cargo build failed"
write_stamp rust
log "rust: done in $(($(now_ms) - start)) ms"
