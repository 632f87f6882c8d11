#!/usr/bin/env bash
# The binaries the generator's targets emit, built from fixed models, with
# their SHA-256: the behaviour check of the codegen layout (issue 9). Every
# program the build emits is here: the sim6502 programs (plain and banked,
# with their bank files), the NES cartridges (NROM and UxROM), the CP/M .COM
# files (chat, game, sampling, logits), and the zoo headers.
#
#   emitted_binaries.sh GEN CPM_PROGRAMS SOURCE_DIR WORK_DIR > hashes
#
# GEN is tinylm-gen, CPM_PROGRAMS is examples/cpm's tinylm-cpm-programs.
# Prints "sha256  name" lines, sorted; tests/target/emitted_binaries.sha256
# holds the lines recorded before the layout changed.
set -euo pipefail
gen=$1 cpm_programs=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work"
corpus=$src/codegen/corpus

# n-gram models: the bundled one's recipe, small and large tables, one order-1.
"$gen" ngram --corpus "$corpus/sayings.txt" --order 6 --budget 24576 --seed 2026 -o sayings -q
"$gen" ngram --corpus "$corpus/sayings.txt" --order 3 --budget 2K --end-byte 10 -o o3 -q
"$gen" ngram --corpus "$corpus/sayings.txt" --order 7 --budget 40K --records file -o o7 -q
"$gen" ngram --corpus "$corpus/sayings.txt" --order 1 --budget 0 -o o1 -q
"$gen" ngram --corpus "$corpus/sayings.txt" --order 6 --budget 200K -o big -q

emit6502() {  # model target dir
  "$gen" emit --model "$1.safetensors" --target "$2" -o "$3" > "$3.plan"
  (eval "$(tail -n 1 "$3.plan")")
}
for m in sayings o3 o7 o1; do emit6502 $m sim6502 sim_$m; done
for m in o7 big; do emit6502 $m sim6502-banked simb_$m; done
emit6502 sayings nes nes_sayings
emit6502 big nes-uxrom uxrom_big

# CP/M: the bundled programs from the headers, and a small trained model's
# chat, sampling and logits builds.
mkdir cpm && "$cpm_programs" cpm > /dev/null
{ head -n 300 "$corpus/tinychat.txt"; grep -m 20 "WIN" "$corpus/guess.txt"; } > small.txt
"$gen" train hashmlp --corpus small.txt --epochs 3 --hidden 32,16 --seed 3 -o small -q
"$gen" emit --model small.safetensors --target cpm --com-name SMALL -o cpm > /dev/null
"$gen" emit --model small.safetensors --target cpm --com-name SAMPLED --inv-temp 300 --top-k 4 --seed 9 -o cpm > /dev/null
"$gen" emit --model small.safetensors --target cpm --com-name GAME --game apple,book -o cpm > /dev/null
for a in cpm/*.asm; do
  n=$(basename "$a" .asm)
  z80asm -o "cpm/${n^^}.COM" "$a"
done

{
  find . -name '*.prg' -o -name '*.nes' -o -name '*.COM' -o -name 'bank*.bin' | sort | while read -r f; do
    printf '%s  %s\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "${f#./}"
  done
  for h in "$src"/include/tinylm/zoo/*.hpp; do
    printf '%s  zoo/%s\n' "$(sha256sum < "$h" | cut -d' ' -f1)" "$(basename "$h")"
  done
}
