#!/usr/bin/env bash
# bench/cycles_compact.sh - the cost per weight of the 8-bit kernels of the
# compact weight formats (ternary, 2-bit and int4), printed as markdown:
#   6502 (codegen/asm/m6502/matvec_compact.s): cycles counted by sim65 on the
#     transformer's matrix shapes;
#   Z80 (codegen/asm/z80/matvec_compact.asm): T-states counted by libz80ex,
#     the same shapes and the hash-MLP's 256 inputs.
# Their agreement with the library is the tests target6502.compact.* and
# targetz80.compact.*.
#
# Usage: bench/cycles_compact.sh [BUILD_DIR]     (default build/gcc; seconds)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/gcc}
cmake --build "$build" --target tinylm_compact_kernels tinylm_compact_kernels_z80 > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "6502 (sim65):"
"$build/tests/tinylm_compact_kernels" --cl65 "$(command -v cl65)" --sim65 "$(command -v sim65)" --work "$work/m6502" --bench
echo
echo "Z80 (libz80ex):"
"$build/tests/tinylm_compact_kernels_z80" --z80asm "$(command -v z80asm)" --work "$work/z80" --bench
