#!/usr/bin/env bash
# bench/cross_target.sh - cross-target consistency at scale (issue 15): N
# prompts per target (default 10,000) drawn from a seed by
# tests/target/stress_prompts.hpp (random bytes of any value, corpus prompts
# with typos, corpus prompts as written, lengths from 0 to twice the 255-byte
# limit, control and high bytes mixed in), each run through an emulated
# target and compared with the C++ oracle:
#   sim65    the n-gram `sayings` (every reply and final PRNG state; random
#            seeds and max lengths)
#   sim65    the chat transformer (the C64's runtime, sim6502 build): every
#            reply, token and every choice's logits, greedy and sampled
#   libz80ex TINYCHAT.COM and GUESS.COM (CP/M): every reply and every logit
#   QEMU     examples/firmware's prompts.bin images of the n-gram, hash-MLP
#            and transformer on an M3, an M4 and an M0: every reply against
#            the host build of the same program
# Prints one markdown row per target: prompts, mismatches, seconds. A
# mismatch prints how many and the shortest failing prompt; the script
# goes on to the next target and exits 1 at the end.
#
# Usage: bench/cross_target.sh [N] [SEED]      (about 25 minutes on 2 cores)
#   env: BUILD=build/gcc (a configured and built tree; the zoo models and
#        firmware images of its tests:
#        `ctest --test-dir build/gcc -R "zoo.reproducible|cli.setup|firmware.build"` makes them)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build/gcc}
n=${1:-10000}
seed=${2:-2026}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$root/codegen/corpus
models=$build/tests/zoo
status=0
echo "| target | model | prompts | mismatches | seconds |"
echo "|---|---|---:|---:|---:|"
row() {  # row TARGET MODEL COMMAND...
  local target=$1 model=$2
  shift 2
  local start=$SECONDS log=$work/log.txt
  if "$@" > "$log" 2>&1; then :; else status=1; fi
  local line
  line=$(grep -m1 '^stress:' "$log" || true)
  local mismatches
  mismatches=$(sed -n 's/.*: \([0-9]*\) mismatches$/\1/p' <<< "$line")
  echo "| $target | $model | $n | ${mismatches:-FAILED} | $((SECONDS - start)) |"
  if [ "${mismatches:-x}" != 0 ]; then sed 's/^/    /' "$log" | tail -8 >&2; fi
}
row "sim65 (6502)" "n-gram sayings" "$build/tests/tinylm_target6502" --gen "$build/codegen/tinylm-gen" \
  --cl65 "$(command -v cl65)" --sim65 "$(command -v sim65)" --work "$work/ngram" --corpus "$corpus/sayings.txt" \
  --model "$build/tests/cli/model/sayings.safetensors" --seed "$seed" --stress "$n" --trace
row "sim65 (6502, the C64 runtime)" "transformer tinychat" "$build/tests/tinylm_target6502_transformer" \
  --gen "$build/codegen/tinylm-gen" --cl65 "$(command -v cl65)" --sim65 "$(command -v sim65)" --work "$work/tf" \
  --model "$models/tinychat_transformer/reproducible/tinychat_transformer.safetensors" \
  --prompts "$corpus/tinychat.txt" --stress "$n" --stress-seed "$seed"
for zoo in tinychat guess; do
  row "libz80ex (CP/M)" "hash-MLP $zoo" "$build/tests/tinylm_targetz80" --z80asm "$(command -v z80asm)" \
    --work "$work/z80_$zoo" --zoo "$zoo" --debug-logits --stress "$n" --stress-corpus "$corpus/$zoo.txt" \
    --stress-seed "$seed"
done
fw=$build/tests/firmware/images
for board in mps2-an385 mps2-an386 microbit; do
  for family in ngram hashmlp transformer; do
    case $family in ngram) c=sayings.txt;; *) c=tinychat.txt;; esac
    row "QEMU $board" "firmware $family" cmake -DQEMU="$(command -v qemu-system-arm)" -DMACHINE=$board \
      -DIMAGE="$fw/$board-$family-file.elf" -DORACLE="$build/examples/firmware/tinylm-firmware-host-$family-file" \
      -DTOOL="$build/tests/tinylm_fw_stress" -DCORPUS="$corpus/$c" -DCOUNT="$n" -DSEED="$seed" \
      -DOUT="$work/fw-$board-$family" -P "$root/tests/target/firmware/run_stress.cmake"
  done
done
exit $status
