#!/usr/bin/env bash
# bench/cycles_compact.sh - cycles per weight of the 6502 kernels of the
# compact weight formats (codegen/asm/m6502/matvec_compact.s: ternary, 2-bit
# and int4), counted by sim65 on the transformer's matrix shapes; prints markdown.
# The kernels' agreement with the library is the test target6502.compact.*.
#
# Usage: bench/cycles_compact.sh [BUILD_DIR]     (default build/gcc; seconds)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/gcc}
cmake --build "$build" --target tinylm_compact_kernels > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/tests/tinylm_compact_kernels" --cl65 "$(command -v cl65)" --sim65 "$(command -v sim65)" --work "$work" --bench
