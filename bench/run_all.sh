#!/usr/bin/env bash
# bench/run_all.sh - every measurement of bench/, printed as markdown.
#
#   1. builds tinylm_bench, tinylm-gen and tinylm-chat (Release, g++; the
#      settings of the gcc preset) in BUILD (default build/gcc);
#   2. runs tinylm_bench (bench/*.cpp) with REPS repetitions (default 5),
#      aggregates only, and keeps its JSON in BUILD/bench-results/;
#   3. bench/compile_time.sh, bench/bpc.sh, bench/callgrind.sh,
#      bench/cycles_6502.sh.
#
# Usage: bench/run_all.sh > results.md
#   env: BUILD=build/gcc  REPS=5  MIN_TIME=0.5 (seconds per benchmark run)
#        and the variables of the scripts it calls (RUNS, SIZES, CXXS, ...)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build/gcc}
reps=${REPS:-5}
min_time=${MIN_TIME:-0.5}

configure() {
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ -DTINYLM_WERROR=ON "$@"
}
{
  configure || configure -DTINYLM_BUILD_TESTS=OFF
  cmake --build "$build" --target tinylm_bench tinylm-gen tinylm-chat
} >&2

echo "# tinylm benchmark run"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(uname -srm)"
echo "- g++: $(g++ --version | head -n 1); clang++-16: $(clang++-16 --version | head -n 1)"
if git -C "$root" rev-parse HEAD > /dev/null 2>&1; then
  echo "- source: commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- include bench codegen examples 2> /dev/null || echo ' plus uncommitted changes')"
fi
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

mkdir -p "$build/bench-results"
echo "## Google Benchmark (tinylm_bench)"
echo
echo "Command: \`$build/bench/tinylm_bench --benchmark_repetitions=$reps --benchmark_report_aggregates_only=true --benchmark_min_time=$min_time\`"
echo
echo '```'
"$build/bench/tinylm_bench" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
  --benchmark_min_time="$min_time" --benchmark_out="$build/bench-results/tinylm_bench.json" \
  --benchmark_out_format=json --benchmark_color=false 2>&1
echo '```'
echo

RUNS=${RUNS:-3} "$root/bench/compile_time.sh"
echo
"$root/bench/bpc.sh" "$build/codegen/tinylm-gen"
echo
"$root/bench/callgrind.sh"
echo
echo "Cross-check with the CMake-built binary: \`bench/callgrind.sh $build/examples/chat/tinylm-chat\`"
echo
"$root/bench/callgrind.sh" "$build/examples/chat/tinylm-chat" | sed -n '/^|/p'
echo
BUILD="$build" "$root/bench/cycles_6502.sh"
echo
BUILD="$build" "$root/bench/tstates_z80.sh"
echo
BUILD="$build" "$root/bench/cycles_c64.sh"
echo
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
