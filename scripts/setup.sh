#!/usr/bin/env bash
# One-time (idempotent) setup of a Debian 12 machine for Lume Registry:
#   - Debian's rustc/cargo 1.96 with the library sources (to build core/alloc
#     for the BPF target) and LLVM 22 tools;
#   - sbpf-linker 0.1.9 (the linker matching LLVM 22) under ~/.cache/lume/tools;
#   - rustfmt and clippy (the code gates of `npm run check`), Chromium (the explorer tests);
#   - the npm dependencies (npm ci, from the committed lock file).
# Re-running it only checks what is already there. See docs/toolchain.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

RUST_VERSION="1.96"         # Debian bookworm-security rustc-web
LLVM_MAJOR="22"             # the LLVM that rustc-web links and sbpf-linker 0.1.9 loads
SBPF_LINKER_VERSION="0.1.9" # 0.2.x needs LLVM 23 and a nightly compiler

step() { printf '==> %s\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    fail "need root (or sudo) to run: $*"
  fi
}

# --- Debian packages -------------------------------------------------------
# chromium: the explorer's browser tests (tests/explorer/, driven by playwright-core).
# haproxy: the load balancer in front of the indexer replicas (npm run fleet, tests/indexer/fleet.test.ts).
packages=(rustc-web cargo-web rust-web-src rustfmt-web rust-web-clippy "llvm-$LLVM_MAJOR" "lld-$LLVM_MAJOR" chromium haproxy)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  as_root apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
else
  step "Debian packages present"
fi

# --- Versions: stop clearly if Debian moved the compiler or LLVM -----------
[ -x /usr/bin/rustc ] || fail "/usr/bin/rustc missing after installing rustc-web"
rustc_line="$(/usr/bin/rustc --version --verbose)"
rustc_release="$(printf '%s\n' "$rustc_line" | sed -n 's/^release: //p')"
rustc_llvm="$(printf '%s\n' "$rustc_line" | sed -n 's/^LLVM version: //p')"
case "$rustc_release" in
  "$RUST_VERSION".*) ;;
  *) fail "Debian's rustc is $rustc_release, this project is built and tested with $RUST_VERSION.x.
       Check docs/toolchain.md (pinocchio, build-std and sbpf-linker compatibility) before moving on." ;;
esac
case "$rustc_llvm" in
  "$LLVM_MAJOR".*) ;;
  *) fail "Debian's rustc links LLVM $rustc_llvm; sbpf-linker $SBPF_LINKER_VERSION needs LLVM $LLVM_MAJOR.x." ;;
esac
[ -d /usr/lib/rustlib/src/rust/library/core ] || fail "rust-web-src did not provide /usr/lib/rustlib/src/rust/library"
libllvm="$(ls /usr/lib/x86_64-linux-gnu/libLLVM.so.${LLVM_MAJOR}.* 2>/dev/null | head -n 1 || true)"
[ -n "$libllvm" ] || fail "libLLVM.so.$LLVM_MAJOR.* not found in /usr/lib/x86_64-linux-gnu"
step "rustc $rustc_release, LLVM $rustc_llvm"

# sbpf-linker takes the first libLLVM* on LD_LIBRARY_PATH: give it exactly one.
mkdir -p "$LUME_CACHE/llvm"
ln -sf "$libllvm" "$LUME_CACHE/llvm/$(basename "$libllvm")"

# --- sbpf-linker -------------------------------------------------------------
if ! "$LUME_CARGO" install --list --root "$LUME_CACHE/tools" 2>/dev/null | grep -q "^sbpf-linker v$SBPF_LINKER_VERSION:"; then
  step "building sbpf-linker $SBPF_LINKER_VERSION (about 2 minutes)"
  "$LUME_CARGO" install --quiet --locked sbpf-linker --version "$SBPF_LINKER_VERSION" --root "$LUME_CACHE/tools"
else
  step "sbpf-linker $SBPF_LINKER_VERSION present"
fi

# --- npm -------------------------------------------------------------------
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$node_major" -ge 20 ] || fail "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
else
  step "npm dependencies present"
fi

step "setup complete"
