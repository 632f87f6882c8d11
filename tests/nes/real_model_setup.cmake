# Fixture of the NES test on a real model: builds the bundled sayings model
# from its corpus (the recorded command of include/tinylm/zoo/sayings.hpp),
# writes its 6502 runtime and tables with `tinylm-gen emit`, and the expected
# file from the C++ oracle (oracle_expected.cmake).
#
#   cmake -DGEN=<tinylm-gen> -DCORPUS=<sayings.txt> -DOUT_DIR=<dir> -P real_model_setup.cmake
#
# Writes OUT_DIR/sayings.safetensors, OUT_DIR/emit/{ngram_runtime.s,ngram_tables.s,...},
# OUT_DIR/expected.txt.
# Until `emit --target nes` exists this takes the runtime and tables of the
# sim6502 target (the same runtime; its main.s and ld65 config are not used).

cmake_minimum_required(VERSION 3.20)
foreach(var GEN CORPUS OUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "real_model_setup.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")

function(run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${OUT_DIR}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}${err}")
  endif()
endfunction()

run("${GEN}" ngram --corpus "${CORPUS}" --order 6 --budget 24576 --seed 2026 --end-byte 0
    --records line -o sayings --name sayings -q)
run("${GEN}" emit --model sayings.safetensors --target sim6502 -o emit)
run("${CMAKE_COMMAND}" "-DGEN=${GEN}" "-DMODEL=${OUT_DIR}/sayings.safetensors" "-DOUT=${OUT_DIR}/expected.txt"
    -P "${CMAKE_CURRENT_LIST_DIR}/oracle_expected.cmake")
foreach(f emit/ngram_runtime.s emit/ngram_tables.s expected.txt)
  if(NOT EXISTS "${OUT_DIR}/${f}")
    message(FATAL_ERROR "real_model_setup.cmake: ${OUT_DIR}/${f} was not written")
  endif()
endforeach()
