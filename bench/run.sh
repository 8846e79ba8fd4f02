#!/usr/bin/env bash
# `npm run bench -- [NAME...] [-- OPTIONS]`: runs benchmarks, each printing its figure as a ratio
# against a baseline measured in the same run. NAME is capture, replay, memory, queries or storage
# (default: all five, in that order). Options after `--` go to the benchmarks named (name one:
# each takes its own, see the top of bench/NAME.ts).
# Installs wrk (Debian package) when a benchmark that needs it runs and it is missing. The
# 1,000,000-envelope corpus for replay, memory and queries is built once into .cache/bench/
# (about 2 minutes, ~1.2 GB) and reused.
set -Eeuo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUN="$ROOT/node_modules/.bin/bun"
[ -x "$BUN" ] || { echo "Bun is missing: run 'npm install' first" >&2; exit 1; }
ALL=(capture replay memory queries storage)
names=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do names+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
[ ${#names[@]} -gt 0 ] || names=("${ALL[@]}")
for name in "${names[@]}"; do
  [ -f "$ROOT/bench/$name.ts" ] || { echo "unknown benchmark '$name' (known: ${ALL[*]})" >&2; exit 2; }
done
needs_wrk=0
for name in "${names[@]}"; do case "$name" in capture | memory) needs_wrk=1 ;; esac; done
if [ "$needs_wrk" = 1 ] && ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing wrk (apt-get)" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is needed for the capture and memory benchmarks: install it (Debian: apt-get install wrk)" >&2
    exit 1
  fi
fi
for name in "${names[@]}"; do
  echo "== bench/$name.ts"
  "$BUN" "$ROOT/bench/$name.ts" "$@"
done
