#!/usr/bin/env bash
# bench/cycles_c64.sh - speed of the 6502 transformer runtime (the C64 target),
# from sim65's exact cycle counts, converted to seconds on a PAL C64
# (985,248 Hz) and an NTSC one (1,022,727 Hz).
#
# The bundled chat transformer (zoo::tinychat_transformer, rebuilt from its
# recorded command by cmake/zoo_model.cmake: about a minute) is emitted with
# `tinylm-gen emit --target sim6502` (the same runtime and tables as the C64
# PRG), and tests/target/sim6502's transformer driver in --bench mode runs $02
# requests of n = 0 .. T tokens: the cycles of the token at position p are
# cycles(p + 1) - cycles(p), so start-up and I/O cancel out. Position 0 is
# "context 1", position 19 "context 20". sim65 runs the CPU alone: on a real
# C64 with the screen on, badline DMA costs about 5 % more (MAME does not
# model it either).
#
# Usage: bench/cycles_c64.sh > results.md    (about 2 minutes)
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
  cmake --build "$build" --target tinylm-gen tinylm_target6502_transformer
} >&2

gen="$build/codegen/tinylm-gen"
driver="$build/tests/tinylm_target6502_transformer"
cmake "-DGEN=$gen" "-DHEADER=$root/include/tinylm/zoo/tinychat_transformer.hpp" "-DCORPUS_DIR=$root/codegen/corpus" \
  "-DOUT_DIR=$tmp/model" -DMODE=build -P "$root/cmake/zoo_model.cmake" >&2

echo "## The C64 transformer runtime: cycles per token (sim65)"
echo
echo "- $(sim65 --version 2>&1 | head -n 1); $(cl65 --version 2>&1 | head -n 1)"
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
if git -C "$root" rev-parse HEAD > /dev/null 2>&1; then
  echo "- source: commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- codegen tests/target/sim6502 2> /dev/null || echo ' plus uncommitted changes')"
fi
echo
echo "Command: \`${driver#"$root"/} --gen ${gen#"$root"/} --model tinychat_transformer.safetensors --work DIR --bench\`"
echo
"$driver" --gen "$gen" --model "$tmp/model/tinychat_transformer.safetensors" --work "$tmp/work" --bench

# Where the cycles go: the same benchmark with one part of the emitted program
# removed (--mutate FROM TO; the rest still runs), positions 0 and 19.
part() {
  local name=$1
  shift
  local rows
  rows=$("$driver" --gen "$gen" --model "$tmp/model/tinychat_transformer.safetensors" --work "$tmp/work-part" --bench "$@" |
    sed -n '3p;22p' | cut -d'|' -f3 | tr -d ' ' | paste -sd/)
  echo "| $name | $rows |"
}
echo
echo "### Without one part (cycles at positions 0 / 19; the differences from the table above are the parts' costs)"
echo
echo "| removed | cycles |"
echo "|---|---|"
part "the norms" --mutate 'jsr tlm_norm
' 'nop
        nop
        nop
'
part "attention" --mutate "jsr tlm_attention" 'nop
        nop
        nop'
part "the matmuls' row finishes" --mutate '        jsr mv_core
        lda @fin+2' '        jsr mv_core
        rts
        lda @fin+2'
part "the weight matmuls' unrolled rows (mv_rows32: every matmul of whole blocks of 32 columns)" \
  --mutate "        jmp mv_rows32" "        rts"
part "mv_core's column loop (attention's scores and values; matmuls of other widths)" --mutate "        sec                     ; the carry is set at every row's start" \
  "        jmp @skipmac" --mutate '@nb:    dex
        bpl @mac' '@nb:    dex
        bpl @mac
@skipmac:'
