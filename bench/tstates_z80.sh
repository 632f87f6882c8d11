#!/usr/bin/env bash
# bench/tstates_z80.sh - speed of the CP/M (Z80) hash-MLP runtime, from
# libz80ex's exact T-state counts, as seconds per generated character at
# 4 MHz, plus the .COM size.
#
# tests/target/cpm's driver in --bench mode emits the chat program
# (codegen/src/targets/cpm/cpm.hpp) of a model, assembles it with z80asm, runs it
# on prompts, checks every reply against tinylm::hashmlp::generate, and
# divides all T-states of the run (reading each line, the prompt pass,
# every forward pass including the END step, printing) by the number of
# forward passes.
# Models: the bundled tinychat and guess (include/tinylm/zoo) on their
# held-out prompts (200 and 150 lines), and random valid models of the
# original Z80-uLM shape 256-256-192-128-40 (7 short prompts, replies of up
# to 64 symbols; random weights and dense activations, a worst case; their
# .COM is over 40 KB, so the limit is lifted to 64 KB for them).
#
# Usage: bench/tstates_z80.sh > results.md    (about a minute)
#   env: BUILD=build/gcc
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build/gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ -DTINYLM_WERROR=ON
  fi
  cmake --build "$build" --target tinylm_targetz80
} >&2

driver="$build/tests/tinylm_targetz80"
corpus="$root/codegen/corpus"
z80asm=$(command -v z80asm)

echo "| model | prompts | .COM bytes | forward passes | T-states | T-states per character | s per character at 4 MHz |"
echo "|---|---|---|---|---|---|---|"
row() {  # name, then the driver's arguments
  local name=$1
  shift
  "$driver" --z80asm "$z80asm" --work "$tmp/$name" "$@" | tail -n 1 | sed "s/^| /| $name | /"
}
row tinychat --zoo tinychat --bench 200 --bench-prompts "$corpus/tinychat-heldout.txt" |
  sed 's/| tinychat | \([0-9-]*\) |/| tinychat \1 | 200 held-out |/'
row guess --zoo guess --max-reply 8 --bench 150 --bench-prompts "$corpus/guess-heldout.txt" |
  sed 's/| guess | \([0-9-]*\) |/| guess \1 | 150 held-out |/'
for seed in 1 2 3; do
  row "random$seed" --shape 256,256,192,128,40 --random "$seed" --max-com 65536 --bench 7 |
    sed "s/| random$seed | \([0-9-]*\) |/| random \1 (seed $seed) | 7 short |/"
done
