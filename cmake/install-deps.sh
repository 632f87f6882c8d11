#!/usr/bin/env bash
# Installs every Debian 12 package that tinylm's build, tests, benchmarks and
# examples need. Idempotent; run as root (or with sudo available). Fails loudly.
set -euo pipefail

packages=(
  # compilers and build
  g++ clang-16 cmake ninja-build make pkg-config git ca-certificates
  # the sanitizer runtimes of clang++-16 (the sanitize preset; the fuzzers)
  libclang-rt-16-dev
  # libraries: tests, benchmarks, generator
  catch2 libbenchmark-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  # measuring and comparing
  xz-utils valgrind time python3
  # 6502 targets: assembler, linker and simulator; the NES emulator, headless
  cc65 fceux xvfb xauth
  # C64 target: disk images, and MAME (the emulated C64 of the tests; installs to /usr/games)
  cc1541 mame
  # CP/M target: Z80 assemblers (z80asm; pasmo for the cross-check) and the Z80 emulator library
  z80asm pasmo libz80ex-dev
  # firmware: the Arm bare-metal toolchain (C++ library and newlib) and QEMU (examples/firmware)
  gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib libnewlib-arm-none-eabi qemu-system-arm
  # training curves (tinylm-gen train writes a PNG with gnuplot)
  gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"

for p in "${missing[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || { echo "install-deps: $p failed to install" >&2; exit 1; }
done
echo "install-deps: done"
