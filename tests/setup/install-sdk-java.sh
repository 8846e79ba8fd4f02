#!/usr/bin/env bash
# Compiles the io.sentry:sentry scenario (tests/sdk/java) with Maven, the local repository in
# .cache/m2, and writes its runtime classpath to tests/sdk/java/target/classpath.txt.
# Skipped while the stamp matches (sdk-lib.sh).
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sdk-lib.sh"

start=$(now_ms)
target="$ROOT/tests/sdk/java/target"
if up_to_date java && [ -f "$target/classpath.txt" ] && [ -f "$target/classes/harness/Scenario.class" ]; then
  log "java: up to date (tests/sdk/java/target)"
  exit 0
fi
require_tool mvn "Apache Maven"
require_tool java "a Java 17+ runtime"
log "java: mvn compile in tests/sdk/java ($(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'))"
rm -rf "$target"
# Maven 3.8 prints colour resets even in batch mode: strip them (pipefail keeps mvn's exit status).
nice -n 10 mvn -B -q -Dstyle.color=never -f "$ROOT/tests/sdk/java/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
  compile dependency:build-classpath -Dmdep.outputFile="$target/classpath.txt" | sed 's/\x1b\[[0-9;]*m//g' \
  || die "java: maven build failed"
write_stamp java
log "java: done in $(($(now_ms) - start)) ms"
