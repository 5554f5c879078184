# Sourced by the build scripts: where the toolchain lives and how to call it.
# Debian's rustc/cargo 1.96 (linked to LLVM 22) build the program; rustup's
# compiler, if present, comes first on PATH, so call Debian's by full path.
LUME_CACHE="${LUME_CACHE:-$HOME/.cache/lume}"
export LUME_CACHE
export PATH="$LUME_CACHE/tools/bin:$PATH"
# sbpf-linker loads the first libLLVM it finds here: a directory holding only
# Debian's libLLVM.so.22.1 (see docs/toolchain.md).
export LD_LIBRARY_PATH="$LUME_CACHE/llvm${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export RUSTC=/usr/bin/rustc
export LUME_CARGO=/usr/bin/cargo
# build-std needs nightly features; Debian's stable compiler allows them with this.
export RUSTC_BOOTSTRAP=1
