#!/usr/bin/env bash
# Builds the on-chain program and its IDL:
#   target/deploy/lume_registry.so   SBPF v0 program
#   target/deploy/test_council_member.so  test-only program (tests/program/council-cpi.test.ts)
#   target/idl/lume_registry.json    Anchor IDL (spec 0.1.0)
#   target/types/lume_registry.ts    TypeScript type of the IDL
# `npm run idl:update` copies the last two into programs/lume-registry/idl/,
# where they are committed; a test fails when the committed copy is stale.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

if ! command -v sbpf-linker >/dev/null; then
  echo "error: sbpf-linker not found in $LUME_CACHE/tools/bin; run scripts/setup.sh first" >&2
  exit 1
fi

echo "==> program (bpfel-unknown-none, sbpf-linker)"
"$LUME_CARGO" build --quiet --release --target bpfel-unknown-none -Zbuild-std=core,alloc -p lume-registry --lib
mkdir -p target/deploy
cp target/bpfel-unknown-none/release/liblume_registry.so target/deploy/lume_registry.so
echo "    target/deploy/lume_registry.so ($(stat -c %s target/deploy/lume_registry.so) bytes)"

echo "==> test-only program test-council-member (a PDA council member voting through CPI)"
"$LUME_CARGO" build --quiet --release --target bpfel-unknown-none -Zbuild-std=core,alloc -p test-council-member --lib
cp target/bpfel-unknown-none/release/libtest_council_member.so target/deploy/test_council_member.so
echo "    target/deploy/test_council_member.so ($(stat -c %s target/deploy/test_council_member.so) bytes)"

echo "==> IDL"
mkdir -p target/idl target/types
"$LUME_CARGO" run --quiet --release --features idl-build --bin lume-registry-idl > target/idl/lume_registry.json
npx --no-install tsx scripts/idl-types.ts target/idl/lume_registry.json target/types/lume_registry.ts
echo "    target/idl/lume_registry.json, target/types/lume_registry.ts"
