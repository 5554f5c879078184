#!/usr/bin/env bash
# Builds the second version of the program the upgrade tests deploy through a council
# proposal (tests/program/program-upgrade.test.ts, tests/localnet/program-upgrade.test.ts):
# the same source with the `upgrade-test-build` feature, whose only difference is the line
# `report_version` logs. Its own target directory keeps it apart from the real build; cargo
# makes a second run a no-op (the first, with core/alloc, takes about a minute).
#   target/deploy/lume_registry_upgrade_test.so
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
# sbpf-linker also copies what it links to target/deploy/<crate>.so, which would put the second
# build in the first one's place: keep the first one aside and put it back.
first="target/deploy/lume_registry.so"
saved=""
if [[ -f "$first" ]]; then
  saved="$(mktemp)"
  cp "$first" "$saved"
fi
restore() {
  if [[ -n "$saved" ]]; then
    cp "$saved" "$first"
    rm -f "$saved"
  fi
}
trap restore EXIT
CARGO_TARGET_DIR="$root/target/upgrade-test" "$LUME_CARGO" build --quiet --release --target bpfel-unknown-none \
  -Zbuild-std=core,alloc -p lume-registry --lib --features upgrade-test-build
mkdir -p target/deploy
cp target/upgrade-test/bpfel-unknown-none/release/liblume_registry.so target/deploy/lume_registry_upgrade_test.so
echo "target/deploy/lume_registry_upgrade_test.so ($(stat -c %s target/deploy/lume_registry_upgrade_test.so) bytes)"
