#!/usr/bin/env bash
# Proves the program build reproduces: copies the source (git's tracked and untracked,
# non-ignored files, as they are in the work tree) into a clean temporary directory, builds
# the program there with a fresh target directory, and compares the .so's SHA-256 with
# target/deploy/lume_registry.so (`npm run build:check` runs `npm run build` first).
# Exit 0 on equal hashes, 1 otherwise. Takes about a minute (core/alloc are rebuilt too).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

built="target/deploy/lume_registry.so"
if [ ! -f "$built" ]; then
  echo "error: $built does not exist: run \`npm run build\` first" >&2
  exit 1
fi

clean="$(mktemp -d "${TMPDIR:-/tmp}/lume-build-check.XXXXXX")"
trap 'rm -rf "$clean"' EXIT

echo "==> copying the source into $clean"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | tar -xf - -C "$clean"

echo "==> building the program there (clean target directory, lock file enforced)"
(cd "$clean" && CARGO_TARGET_DIR="$clean/target" "$LUME_CARGO" build --quiet --locked --release \
  --target bpfel-unknown-none -Zbuild-std=core,alloc -p lume-registry --lib)
rebuilt="$clean/target/bpfel-unknown-none/release/liblume_registry.so"

here="$(sha256sum "$built" | cut -d' ' -f1)"
there="$(sha256sum "$rebuilt" | cut -d' ' -f1)"
echo "    $built: $here ($(stat -c %s "$built") bytes)"
echo "    clean rebuild:               $there ($(stat -c %s "$rebuilt") bytes)"
if [ "$here" != "$there" ]; then
  echo "error: the clean rebuild differs: the build is not reproducible (compare the two with llvm-objdump-22 -d)" >&2
  exit 1
fi
echo "build:check: reproducible, sha256 $here"
if ! grep -q "$here" README.md; then
  echo "note: README.md does not state this hash yet; put it in its \"Verifying the deployed program\" section when you commit program changes" >&2
fi
