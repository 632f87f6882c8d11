#!/usr/bin/env bash
# Exact replies of the chat models on their validation file and on the five
# kinds of the frozen test sets (codegen/corpus/test), beside the
# 1-nearest-neighbour and majority baselines, with the paired comparison
# (bench/chat_quality/chat_quality.cpp). Prints markdown.
#
#   bench/chat_quality.sh [BUILD_DIR] [TINYCHAT_MODEL] [GUESS_MODEL]
#   FREE=1 bench/chat_quality.sh ...   (decoding without the models' reply sets)
#
# The models default to the bundled ones (compiled in); a hash-MLP model file
# may be given instead. Every run on the test sets goes into the log of
# bench/RESULTS.md section 8 (date, model, score): the test sets only report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/gcc}
tinychat=${2:-tinychat}
guess=${3:-guess}
cmake --build "$build" --target tinylm-chat-quality > /dev/null
q="$build/bench/tinylm-chat-quality"
c="$root/codegen/corpus"
echo "- date: $(date -u +%Y-%m-%d), commit $(git -C "$root" rev-parse --short HEAD)"
for m in tinychat guess; do
  model=$tinychat; [ "$m" = guess ] && model=$guess
  echo
  echo "$m (model: $model):"
  echo
  "$q" --model "$model" ${FREE:+--free} --train "$c/$m.txt" "validation ($m-heldout.txt)=$c/$m-heldout.txt"
  echo
  "$q" --model "$model" ${FREE:+--free} --train "$c/$m.txt" \
    "paraphrase=$c/test/$m-paraphrase.txt" "typo=$c/test/$m-typo.txt" "order=$c/test/$m-order.txt" \
    "filler=$c/test/$m-filler.txt" "case=$c/test/$m-case.txt"
done
