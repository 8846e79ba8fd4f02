# Shared by the tests/setup/install-sdk*.sh scripts (sourced, not run): logging, timing and the
# stamps that make every install idempotent. A stamp holds the sha256 of the install's inputs (the
# files listed by `inputs_of`); tests/helpers/sdk-registry.ts lists the same files and reads the
# same stamps, and tests/sdk/install-inputs.test.ts checks that the two lists agree.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FORCE="${FORCE:-0}"
CACHE="$ROOT/.cache"

log() { printf '[install-sdks] %s\n' "$*"; }
die() { printf '[install-sdks] ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }

# The files (relative to the repository root) whose content decides whether SDK $1 must be
# reinstalled or rebuilt. Keep in step with `stampInputs` in tests/helpers/sdk-registry.ts.
inputs_of() {
  case "$1" in
    python | python1 | python014 | raven) echo "tests/sdk/$1/requirements.txt" ;;
    node | node7) echo "tests/sdk/$1/package.json tests/sdk/$1/package-lock.json" ;;
    go) echo "tests/sdk/go/go.mod tests/sdk/go/go.sum tests/sdk/go/main.go" ;;
    java) echo "tests/sdk/java/pom.xml tests/sdk/java/src/main/java/harness/Scenario.java" ;;
    rust) echo "tests/sdk/rust/Cargo.toml tests/sdk/rust/Cargo.lock tests/sdk/rust/src/main.rs" ;;
    *) die "unknown SDK '$1'" ;;
  esac
}

# Where SDK $1 keeps its stamp. Keep in step with `stamp` in tests/helpers/sdk-registry.ts.
stamp_of() {
  case "$1" in
    python) echo "$CACHE/venv-sdk-python/.undertaker-stamp" ;;
    python1 | python014 | raven) echo "$CACHE/venv-sdk-$1/.undertaker-stamp" ;;
    node | node7) echo "$ROOT/tests/sdk/$1/node_modules/.undertaker-stamp" ;;
    go) echo "$CACHE/go/bin/.undertaker-stamp" ;;
    java) echo "$ROOT/tests/sdk/java/target/.undertaker-stamp" ;;
    rust) echo "$CACHE/cargo/.undertaker-stamp" ;;
    *) die "unknown SDK '$1'" ;;
  esac
}

# sha256 of the concatenated inputs of SDK $1.
inputs_hash() {
  local file files=()
  for file in $(inputs_of "$1"); do
    [ -f "$ROOT/$file" ] || die "missing $file"
    files+=("$ROOT/$file")
  done
  cat "${files[@]}" | sha256sum | cut -d' ' -f1
}

# True when SDK $1 is installed from its current inputs (and FORCE is not set).
up_to_date() {
  [ "$FORCE" != 1 ] && [ "$(inputs_hash "$1")" = "$(cat "$(stamp_of "$1")" 2>/dev/null || true)" ]
}

write_stamp() {
  mkdir -p "$(dirname "$(stamp_of "$1")")"
  inputs_hash "$1" >"$(stamp_of "$1")"
}

require_tool() {
  command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH ($2)"
}
