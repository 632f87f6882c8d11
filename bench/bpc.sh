#!/usr/bin/env bash
# bench/bpc.sh - model quality: bits per character on held-out text.
#
# Builds byte n-gram models from codegen/corpus/sayings.txt with tinylm-gen
# (order 6 at budgets 8K, 32K, 256K and unpruned; orders 3, 4, 5, 7 at 32K;
# the bundled 24K model rebuilt from the command in the second line of
# include/tinylm/zoo/sayings.hpp, and orders 4 and 5 at its budget) and
# evaluates each with `tinylm-gen eval` on codegen/corpus/sayings-heldout.txt
# (and on the training corpus, to show the fit). General-purpose compressors
# on the same held-out text for comparison: bits per character =
# 8 * compressed bytes / text bytes. Compressors see only the held-out text,
# while the models were trained on 128 KB of similar text, so the "given the
# corpus" rows (compressed size of corpus + held-out minus that of the corpus
# alone) are the fairer comparison.
#
# Deterministic: the same tinylm-gen and corpus give the same table.
#
# Usage: bench/bpc.sh [path/to/tinylm-gen]
#   default: build/gcc/codegen/tinylm-gen, else build/*/codegen/tinylm-gen
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gen=${1:-}
if [ -z "$gen" ]; then
  for candidate in "$root/build/gcc/codegen/tinylm-gen" "$root"/build/*/codegen/tinylm-gen; do
    if [ -x "$candidate" ]; then gen=$candidate; break; fi
  done
fi
if [ -z "$gen" ] || [ ! -x "$gen" ]; then
  echo "bpc.sh: tinylm-gen not found; build it (cmake --build build/gcc --target tinylm-gen) or pass its path" >&2
  exit 1
fi

corpus="$root/codegen/corpus/sayings.txt"
heldout="$root/codegen/corpus/sayings-heldout.txt"
bundled="$root/include/tinylm/zoo/sayings.hpp"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

text_bytes=$(wc -c < "$heldout")
corpus_bytes=$(wc -c < "$corpus")

# eval MODEL TEXT -> "bpc characters table_bytes"
evaluate() {
  "$gen" eval --model "$1" --text "$2" |
    sed -E 's/^([0-9.]+) bits per character over ([0-9]+) characters \(([0-9]+) bytes of tables\)$/\1 \2 \3/'
}

echo "## Bits per character on held-out text"
echo
echo "- training corpus: codegen/corpus/sayings.txt ($corpus_bytes bytes)"
echo "- held-out text: codegen/corpus/sayings-heldout.txt ($text_bytes bytes; each line a record, its newline predicted as the end byte)"
echo "- tinylm-gen: $gen"
echo "- $(xz --version | head -n 1); $(gzip --version | head -n 1); bzip2 $(bzip2 --help 2>&1 | head -n 1 | sed -E 's/.*Version ([^,]*),.*/\1/')"
echo
echo "| model | command | table bytes | bpc held-out | bpc training corpus |"
echo "|---|---|---:|---:|---:|"

model_row() { # LABEL MODEL_FILE COMMAND
  local held train
  read -r held chars bytes < <(evaluate "$2" "$heldout")
  read -r train _ _ < <(evaluate "$2" "$corpus")
  if [ "$chars" != "$text_bytes" ]; then held="$held (over $chars characters)"; fi
  echo "| $1 | \`$3\` | $bytes | $held | $train |"
}

build() { # PREFIX ARGS... (quiet)
  local prefix=$1
  shift
  "$gen" ngram --corpus "$corpus" "$@" -q -o "$tmp/$prefix" 2> "$tmp/$prefix.log" ||
    { cat "$tmp/$prefix.log" >&2; exit 1; }
}

for budget in 8K 32K 256K 0; do
  build "o6_$budget" --order 6 --budget "$budget"
  label="order 6, budget $budget"
  [ "$budget" = 0 ] && label="order 6, unpruned"
  model_row "$label" "$tmp/o6_$budget.safetensors" "tinylm-gen ngram --corpus sayings.txt --order 6 --budget $budget"
done

# The bundled model, rebuilt from its own command line.
command=$(sed -n '2p' "$bundled" | sed -E 's#^//[[:space:]]*##')
read -r -a words <<< "$command"
args=()
for ((i = 2; i < ${#words[@]}; ++i)); do  # words: tinylm-gen ngram ARGS...
  case "${words[i]}" in
    --corpus) args+=(--corpus "$root/codegen/corpus/${words[i + 1]}"); ((++i)) ;;
    -o | --output) args+=(-o "$tmp/bundled/${words[i + 1]}"); prefix=${words[i + 1]}; ((++i)) ;;
    *) args+=("${words[i]}") ;;
  esac
done
mkdir -p "$tmp/bundled"
"$gen" ngram "${args[@]}" -q 2> "$tmp/bundled.log" || { cat "$tmp/bundled.log" >&2; exit 1; }
if cmp -s "$tmp/bundled/$prefix.hpp" "$bundled"; then same="rebuilt header byte-identical to the bundled one"
else same="**rebuilt header differs from the bundled one**"; fi
model_row "bundled zoo::sayings ($same)" "$tmp/bundled/$prefix.safetensors" "${command}"

for order in 3 4 5 7; do
  build "o${order}_32K" --order "$order" --budget 32K
  model_row "order $order, budget 32K" "$tmp/o${order}_32K.safetensors" \
    "tinylm-gen ngram --corpus sayings.txt --order $order --budget 32K"
done

# Other orders at the bundled model's budget (24576 bytes).
for order in 4 5; do
  build "o${order}_24K" --order "$order" --budget 24576
  model_row "order $order, budget 24576 (the bundled budget)" "$tmp/o${order}_24K.safetensors" \
    "tinylm-gen ngram --corpus sayings.txt --order $order --budget 24576"
done

echo
echo "| compressor | command | compressed bytes | bpc held-out |"
echo "|---|---|---:|---:|"
bpc() { awk -v c="$1" -v n="$2" 'BEGIN { printf "%.4f", 8 * c / n }'; }
compressor_row() { # LABEL COMMAND... (reads the held-out text on stdin)
  local label=$1
  shift
  local size
  size=$("$@" < "$heldout" 2> /dev/null | wc -c)
  echo "| $label | \`$* < sayings-heldout.txt\` | $size | $(bpc "$size" "$text_bytes") |"
}
conditional_row() { # LABEL COMMAND...: size(corpus + held-out) - size(corpus)
  local label=$1
  shift
  local both alone
  both=$(cat "$corpus" "$heldout" | "$@" | wc -c)
  alone=$("$@" < "$corpus" | wc -c)
  echo "| $label | \`$*\` on corpus + held-out minus corpus alone ($both - $alone) | $((both - alone)) | $(bpc $((both - alone)) "$text_bytes") |"
}
compressor_row "xz -9" xz -9 -c
compressor_row "xz -9e" xz -9e -c
compressor_row "xz -9e, raw (no container)" xz -9e --format=raw -c
compressor_row "bzip2 -9" bzip2 -9 -c
compressor_row "gzip -9" gzip -9 -n -c
conditional_row "xz -9e given the training corpus" xz -9e -c
conditional_row "bzip2 -9 given the training corpus" bzip2 -9 -c
