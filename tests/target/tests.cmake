# target.emitted_binaries: every binary the targets emit (sim6502 programs and
# bank files, the NES cartridges, the CP/M .COM files) and the zoo headers,
# built from fixed models by tests/target/emitted_binaries.sh, have the
# SHA-256 recorded in tests/target/emitted_binaries.sha256 (recorded before
# the generator's layout changed: a change of layout must not change a byte).
# A change that means to change a binary records the new hashes with
#   tests/target/emitted_binaries.sh GEN CPM_PROGRAMS SOURCE WORK > tests/target/emitted_binaries.sha256
# and says why in its commit.
if(NOT TARGET tinylm-gen OR NOT TARGET tinylm-cpm-programs)
  return()
endif()
find_program(TINYLM_EB_CL65 cl65)
find_program(TINYLM_EB_Z80ASM z80asm)
find_program(TINYLM_EB_BASH bash)
if(NOT TINYLM_EB_CL65 OR NOT TINYLM_EB_Z80ASM OR NOT TINYLM_EB_BASH)
  message(WARNING "cl65, z80asm or bash not found: target.emitted_binaries is skipped (run cmake/install-deps.sh)")
  return()
endif()
add_test(NAME target.emitted_binaries
  COMMAND ${TINYLM_EB_BASH} -c
    "set -o pipefail; '${CMAKE_CURRENT_LIST_DIR}/emitted_binaries.sh' '$<TARGET_FILE:tinylm-gen>' '$<TARGET_FILE:tinylm-cpm-programs>' '${PROJECT_SOURCE_DIR}' '${CMAKE_CURRENT_BINARY_DIR}/emitted_binaries' 2>/dev/null > '${CMAKE_CURRENT_BINARY_DIR}/emitted_binaries.sha256' && diff '${CMAKE_CURRENT_LIST_DIR}/emitted_binaries.sha256' '${CMAKE_CURRENT_BINARY_DIR}/emitted_binaries.sha256'")
set_tests_properties(target.emitted_binaries PROPERTIES LABELS target TIMEOUT 300)
