#!/usr/bin/env bash
# bench/fuzz.sh - runs every libFuzzer target (tests/fuzz) for many executions
# and prints a markdown row per target: executions, seconds, the corpus it
# grew, and whether it found a crash (the input is then in WORK/<name>/ as
# crash-*, leak-*, timeout-* or oom-*: copy it to tests/fuzz/regressions/<name>/
# and fix the reader). Builds the sanitize preset's fuzz targets first.
#
# Usage: bench/fuzz.sh [RUNS] [BUILD_DIR] [WORK]
#   RUNS       executions per target (default 10000000; hours on 2 cores)
#   BUILD_DIR  default build/sanitize (cmake --preset sanitize)
#   WORK       default build/fuzz-bench (the grown corpora, kept between runs)
#   env TIMEOUT  seconds per input before libFuzzer calls it a hang (default
#              10, as in the suite; an input takes well under a second, but
#              a run starved of CPU beside builds can pass 10 s: the long
#              campaigns of bench/RESULTS.md section 12 used 60)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-10000000}
build=${2:-$root/build/sanitize}
work=${3:-$root/build/fuzz-bench}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake --preset sanitize > /dev/null
fi
cmake --build "$build" --target fuzz_model_file fuzz_corpus fuzz_prompt > /dev/null
# The model-file and corpus targets write each input to a file first
# (tests/fuzz/fuzz_file.hpp): in memory when the machine has /dev/shm (37 %
# more executions per second for fuzz_model_file).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
echo "| target | executions | seconds | corpus files | result |"
echo "|---|---:|---:|---:|---|"
for name in model_file corpus prompt; do
  mkdir -p "$work/$name/corpus"
  log="$work/$name/log.txt"
  start=$(date +%s)
  status=ok
  "$build/tests/fuzz/fuzz_$name" -timeout="${TIMEOUT:-10}" -rss_limit_mb=1024 -runs="$runs" -print_final_stats=1 \
    -artifact_prefix="$work/$name/" "$work/$name/corpus" "$root/tests/fuzz/seeds/$name" > "$log" 2>&1 || status="CRASH (see $log)"
  seconds=$(( $(date +%s) - start ))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  files=$(find "$work/$name/corpus" -type f | wc -l)
  echo "| fuzz_$name | ${executions:-?} | $seconds | $files | $status |"
done
