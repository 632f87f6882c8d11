#!/usr/bin/env bash
# bench/planted_bugs.sh - plants known bugs in the library, one at a time, and
# reports which the tests catch (mutation testing by hand: each bug is a small
# plausible slip in one kernel's arithmetic).
#
# For each bug, in a scratch clone of HEAD (the working tree is never
# touched): replace one exact piece of text (it must occur exactly once),
# then
#   - a bug in the library's kernels (no fifth field): build the compile-time
#     tests (tinylm_static_tests: static_asserts) and the run-time tests
#     (tinylm_tests), and run the run-time tests. The emulator and firmware
#     tests are not run for these (they compare against the same C++ oracle;
#     a bug in the oracle moves both sides): what this measures is whether
#     the library's own tests pin the arithmetic down;
#   - a bug in an 8-bit runtime (codegen/asm) or a model-file reader (fifth
#     field: a ctest regular expression): build everything and run the
#     tests the expression selects (for a runtime its emulator agreement
#     tests, not its --mutate tests, whose texts the bug may have moved; for
#     a reader the corrupt-file tests). They run once without a bug first
#     and must pass.
# "caught" means the build failed (a static_assert) or a test failed;
# "MISSED" means every test passed with the bug in. Prints a markdown table;
# exit status 1 if a bug was missed.
#
# Usage: bench/planted_bugs.sh [BUILD_JOBS]    (about 1-2 minutes per bug on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${1:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTINYLM_ZOO_RETRAIN=OFF \
  -DTINYLM_NESTED_TOOLCHAIN_TESTS=OFF > /dev/null
echo "building the unmutated tests once..." >&2
cmake --build "$work/build" -j "$jobs" --target tinylm_static_tests tinylm_tests > /dev/null
"$work/build/tests/tinylm_tests" > /dev/null || { echo "the unmutated tests fail: nothing to measure" >&2; exit 2; }

# file|text|replacement|what the bug is[|ctest regex]   (one bug per line; '|' separates)
bugs=$(cat <<'EOF'
include/tinylm/fixed_point.hpp|const std::int64_t half = std::int64_t{1} << (shift - 1);|const std::int64_t half = (std::int64_t{1} << (shift - 1)) - 1;|rounding: half down instead of half up
include/tinylm/softmax.hpp|return static_cast<std::uint8_t>(k > 255 ? 255 : k);|return static_cast<std::uint8_t>(k > 254 ? 254 : k);|softmax: exp index clamped one short
include/tinylm/sampling.hpp|if (scores[i] > scores[best]) best = i;|if (scores[i] >= scores[best]) best = i;|argmax: ties to the highest index
include/tinylm/sampling.hpp|if (score == cut.threshold && cut.ties != 0) {|if (score == cut.threshold) {|top-k: every tie at the threshold kept
include/tinylm/trigram_hash.hpp|if (c != 255) ++c;|++c;|trigram counts wrap instead of saturating
include/tinylm/matvec_int2.hpp|return static_cast<std::int32_t>((code & 3u) ^ 2u) - 2;|return static_cast<std::int32_t>((code & 3u) ^ 1u) - 2;|int2: codes mapped to the wrong weights
include/tinylm/int4.hpp|return static_cast<std::int32_t>((nibble & 15u) ^ 8u) - 8;|return static_cast<std::int32_t>(nibble & 15u);|int4: no sign extension
include/tinylm/int4.hpp|return int4_decode(static_cast<unsigned>(row[j / 2]) >> (4 * (j % 2)));|return int4_decode(static_cast<unsigned>(row[j / 2]) >> (4 * ((j + 1) % 2)));|int4: nibbles swapped
include/tinylm/ternary.hpp|return ternary_decode(row[j / 5], j % 5);|return ternary_decode(row[j / 5], 4 - j % 5);|ternary: digits in reverse order
include/tinylm/reply_set.hpp|any_fits = s.length(q) - 1 <= c.room;|any_fits = s.length(q) <= c.room;|reply set: a reply's END counted against the room
include/tinylm/transformer.hpp|return (c + 1) / 2;|return c / 2;|transformer: attention scale rounded down
include/tinylm/transformer.hpp|for (std::size_t r0 = 0; r0 < rows; r0 += per_block) {|for (std::size_t r0 = 0; r0 + 1 < rows; r0 += per_block) {|staged: a last block of one row skipped
include/tinylm/hashmlp.hpp|inline constexpr std::size_t max_prompt_bytes = 255;|inline constexpr std::size_t max_prompt_bytes = 254;|hash-MLP: one prompt byte fewer hashed
include/tinylm/bpe.hpp|stack[top++] = t.merges[2 * k + 1];  // right after left: push it first|stack[top++] = t.merges[2 * k];  // right after left: push it first|BPE: a merge decodes as left, left
include/tinylm/ngram_lookup.hpp|lo = mid + 1;|lo = mid;|n-gram lookup: the binary search can stall
include/tinylm/prng.hpp|h *= 0x85EBCA6Bu;|h *= 0x85EBCA6Cu;|seed mixing: a different constant
codegen/asm/m6502/ngram_runtime.s|        beq :+                  ; equal: the next key byte|        bcs :+                  ; equal: the next key byte|6502 n-gram runtime: a greater key taken for equal|^target6502[.](order|sayings|search_table|banked_[0-9a-z]+$|fills_room|stress)
codegen/asm/m6502/transformer_runtime.s|        adc #1                  ; the carry in|        adc #0                  ; the carry in|6502 transformer runtime: a carry between accumulator bytes dropped|^target6502[.]transformer[.](small|train_small|embedding_shifts)$
codegen/asm/z80/cpm/chat.asm|        jr nz,cu1|        jr cu1|Z80 hash-MLP runtime: the middle plane's carry not propagated|^targetz80[.](plane_edges|random|tiny)
codegen/src/formats/safetensors.cpp|if (n > file_.size() - 8)|if (n > file_.size())|safetensors reader: the header length checked against the whole file|^cli[.](model|memcheck)[.]|model.file
codegen/src/formats/ngram_file.cpp|file.tensor("first_entry", "U32", nodes + 1)|file.tensor("first_entry", "U32", nodes)|n-gram file reader: first_entry one element short|^cli[.](model|memcheck)[.]|model.file
codegen/src/formats/hashmlp_file.cpp|m.weights.size() != v.total_weight_bytes()|m.weights.size() > v.total_weight_bytes()|hash-MLP file reader: too few weight bytes accepted|model.file
codegen/src/formats/transformer_file.cpp|if (m.tokenizer.merges.size() % 2 != 0)|if (m.tokenizer.merges.size() % 2 > 1)|transformer file reader: an odd merge list accepted|model.file
EOF
)
# The runtime and reader bugs run tests of the whole build: build it, and
# check that the tests they select pass without a bug.
regexes=$(while IFS='|' read -r file from to what regex; do [ -n "$regex" ] && echo "$regex"; done <<< "$bugs" | sort -u)
if [ -n "$regexes" ]; then
  echo "building everything once (the runtime and reader bugs run its tests)..." >&2
  cmake --build "$work/build" -j "$jobs" > /dev/null
  while read -r regex; do
    ctest --test-dir "$work/build" -R "$regex" -j "$jobs" --no-tests=error > "$work/log" 2>&1 ||
      { echo "the unmutated tests '$regex' fail: nothing to measure" >&2; tail -20 "$work/log" >&2; exit 2; }
  done <<< "$regexes"
fi

echo "| bug | file | result |"
echo "|---|---|---|"
missed=0
total=0
while IFS='|' read -r file from to what regex; do
  [ -z "$file" ] && continue
  total=$((total + 1))
  target="$work/src/$file"
  cp "$target" "$work/saved"
  if ! python3 - "$target" "$from" "$to" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(f"{path}: the text to replace occurs {text.count(old)} times: {old}")
open(path, "w").write(text.replace(old, new))
PY
  then
    echo "| $what | $file | the planted text is not in the file (update the list) |"
    missed=$((missed + 1))
    continue
  fi
  result="MISSED"
  if [ -n "$regex" ]; then
    if ! timeout 1800 cmake --build "$work/build" -j "$jobs" > "$work/log" 2>&1; then
      result="caught at compile time"
    elif ! timeout 1800 ctest --test-dir "$work/build" -R "$regex" -j "$jobs" --no-tests=error > "$work/log" 2>&1; then
      failed=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 of \2/p' "$work/log")
      result="caught by the tests \`${regex//|/\\|}\` ($failed failed)"
    fi
  elif ! timeout 900 cmake --build "$work/build" -j "$jobs" --target tinylm_static_tests tinylm_tests > "$work/log" 2>&1; then
    result="caught at compile time (a static_assert or a constant evaluation fails)"
  elif ! timeout 300 "$work/build/tests/tinylm_tests" > "$work/log" 2>&1; then
    failed=$(grep -c "^FAILED\|FAILED:" "$work/log" || true)
    result="caught by the run-time tests ($failed failed assertions)"
  fi
  [ "$result" = "MISSED" ] && missed=$((missed + 1))
  echo "| $what | \`$file\` | $result |"
  cp "$work/saved" "$target"
done <<< "$bugs"
echo
echo "$((total - missed)) of $total planted bugs caught."
[ "$missed" -eq 0 ]
