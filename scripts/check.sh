#!/usr/bin/env bash
# The code gates `npm test` runs before the suites (`npm run check` alone runs just these).
# Each gate prints the files it rejects and the command that fixes them; all gates run, and
# the script fails if any did.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
# Debian's clippy-driver and rustfmt must match Debian's rustc (rustup's may come first on PATH).
export PATH="/usr/bin:$PATH"

failed=()
gate() {
  local name="$1" fix="$2"
  shift 2
  printf '==> %s\n' "$name"
  if ! "$@"; then
    printf 'check: %s failed. Fix: %s\n' "$name" "$fix" >&2
    failed+=("$name")
  fi
}

gate "TypeScript types (tsc --noEmit)" "correct the errors above (files and lines are named)" \
  npx --no-install tsc --noEmit --pretty false
gate "TypeScript types of the explorer's browser code" "correct the errors above (files and lines are named)" \
  npx --no-install tsc --noEmit --pretty false -p indexer/src/explorer/client/tsconfig.json
gate "TypeScript format and lint (biome ci)" "npm run fix (formats and applies safe fixes), then correct what remains" \
  npx --no-install biome ci --error-on-warnings $([ -t 1 ] || echo --colors=off) .
gate "Rust format (cargo fmt --check)" "cargo fmt --all (Debian's: /usr/bin/cargo fmt --all)" \
  "$LUME_CARGO" fmt --all --check
gate "Rust lint (clippy, warnings denied)" "correct the warnings above (clippy names the file, line and rule)" \
  "$LUME_CARGO" clippy --quiet --workspace --all-targets --features lume-registry/idl-build -- -D warnings
# cargo's own summary lines are kept out of the log (CI reads a run's closing test lines, and
# these are not the suites'); on a failure the whole output is shown.
rust_unit_tests() {
  local out
  if out="$("$LUME_CARGO" test --quiet --workspace --features lume-registry/idl-build 2>&1)"; then
    printf '    Rust unit tests: %s passed\n' "$(printf '%s\n' "$out" | awk '/^test result: ok\./ { n += $4 } END { print n + 0 }')"
  else
    printf '%s\n' "$out"
    return 1
  fi
}
gate "Rust unit tests (cargo test on the host)" "correct the failing test above" rust_unit_tests

if [ ${#failed[@]} -gt 0 ]; then
  printf 'check: %d gate(s) failed: %s\n' "${#failed[@]}" "$(IFS=,; echo "${failed[*]}")" >&2
  exit 1
fi
echo "check: all gates passed"
