# Fixture of the NES tests on a real model: builds a model from its corpus,
# writes the cartridge's sources with `tinylm-gen emit --target nes` (the path
# users take), builds the ROM with cl65 as the generator says, checks the
# generator's printed RAM and ROM plans against ld65's map, and writes the
# expected file from the C++ oracle (oracle_expected.cmake).
#
#   cmake -DGEN=<tinylm-gen> -DCORPUS=<sayings.txt> -DOUT_DIR=<dir> [-DCL65=<cl65>]
#         [-DTARGET=nes] [-DORDER=6] [-DBUDGET=24576]
#         -P real_model_setup.cmake
#
# The defaults are the recorded command of include/tinylm/zoo/sayings.hpp.
# Writes OUT_DIR/model.safetensors, OUT_DIR/emit/{shell.s,ngram_runtime.s,...},
# OUT_DIR/emit/tinylm.nes (+ tinylm.map, tinylm.labels), OUT_DIR/emit.txt (what
# the generator printed) and OUT_DIR/expected.txt.

cmake_minimum_required(VERSION 3.20)
foreach(var GEN CORPUS OUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "real_model_setup.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED TARGET)
  set(TARGET nes)
endif()
if(NOT DEFINED ORDER)
  set(ORDER 6)
endif()
if(NOT DEFINED BUDGET)
  set(BUDGET 24576)
endif()
if(NOT DEFINED CL65)
  find_program(CL65 cl65)
endif()
if(NOT CL65)
  message(FATAL_ERROR "real_model_setup.cmake: cl65 not found (run cmake/install-deps.sh)")
endif()
file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")

function(run out_var)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${OUT_DIR}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

run(ignore "${GEN}" ngram --corpus "${CORPUS}" --order ${ORDER} --budget ${BUDGET} --seed 2026 --end-byte 0
    --records line -o model --name model -q)
run(printed "${GEN}" emit --model model.safetensors --target ${TARGET} -o emit)
file(WRITE "${OUT_DIR}/emit.txt" "${printed}")
message("${printed}")

# The build command the generator printed, with cl65 as found, plus -Ln for
# the test's NMI timing check.
string(REGEX MATCH "\nBuild with:\n([^\n]*)" found "${printed}")
if(NOT found)
  message(FATAL_ERROR "real_model_setup.cmake: no build command in the generator's output")
endif()
separate_arguments(command UNIX_COMMAND "${CMAKE_MATCH_1}")
list(POP_FRONT command tool)
if(NOT tool STREQUAL "cl65")
  message(FATAL_ERROR "real_model_setup.cmake: the build command does not start with cl65: ${CMAKE_MATCH_1}")
endif()
run(ignore "${CL65}" -Ln emit/tinylm.labels ${command})

# The printed plans against ld65's map: the zero page's end and the bytes of
# PRG ROM in use (every segment but the iNES header, CHARS and ZEROPAGE).
file(READ "${OUT_DIR}/emit/tinylm.map" map)
string(REGEX MATCH "Segment list:.*\n\n" segments "${map}")
string(REGEX MATCHALL "\n[A-Z0-9_]+ +[0-9A-F]+ +[0-9A-F]+ +[0-9A-F]+" rows "${segments}")
set(prg_used 0)
set(zp_end 0)
foreach(row IN LISTS rows)
  string(REGEX MATCH "\n([A-Z0-9_]+) +([0-9A-F]+) +([0-9A-F]+) +([0-9A-F]+)" _ "${row}")
  math(EXPR size "0x${CMAKE_MATCH_4}")
  if(CMAKE_MATCH_1 STREQUAL "ZEROPAGE")
    set(zp_end ${size})
  elseif(NOT CMAKE_MATCH_1 MATCHES "^(HEADER|INESHDR|CHARS)$")
    math(EXPR prg_used "${prg_used} + ${size}")
  endif()
endforeach()
string(REGEX MATCH "\n  \\$([0-9A-F]+)-\\$00FF +[0-9]+  zero page  free" found "${printed}")
math(EXPR printed_zp_end "0x${CMAKE_MATCH_1}")
if(NOT found OR NOT printed_zp_end EQUAL zp_end)
  message(FATAL_ERROR "the printed RAM map's zero page ends at ${printed_zp_end}, ld65's at ${zp_end}")
endif()
string(REGEX MATCH " ([0-9]+)  PRG ROM" found "${printed}")
set(prg_size ${CMAKE_MATCH_1})
string(REGEX MATCH "\n +([0-9]+)  free\n" found2 "${printed}")
math(EXPR printed_used "${prg_size} - ${CMAKE_MATCH_1}")
if(NOT found OR NOT found2 OR NOT printed_used EQUAL prg_used)
  message(FATAL_ERROR "the printed ROM plan uses ${printed_used} bytes of PRG ROM, ld65's map ${prg_used}")
endif()
message("plans agree with ld65: zero page $00-${zp_end} (exclusive), ${prg_used} of ${prg_size} bytes of PRG ROM")

run(ignore "${CMAKE_COMMAND}" "-DGEN=${GEN}" "-DMODEL=${OUT_DIR}/model.safetensors" "-DOUT=${OUT_DIR}/expected.txt"
    -P "${CMAKE_CURRENT_LIST_DIR}/oracle_expected.cmake")
foreach(f emit/tinylm.nes emit/tinylm.labels expected.txt)
  if(NOT EXISTS "${OUT_DIR}/${f}")
    message(FATAL_ERROR "real_model_setup.cmake: ${OUT_DIR}/${f} was not written")
  endif()
endforeach()
