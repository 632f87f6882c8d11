# Writes the expected file of the NES emulator test for a real model, from the
# C++ oracle: `tinylm-gen generate` (tinylm::ngram::generate) on each case's
# prompt and seed, at the shell's maximum length.
#
#   cmake -DGEN=<tinylm-gen> -DMODEL=<model.safetensors> -DOUT=<expected.txt>
#         [-DCASES=<file>] [-DPROMPTS=<prompts.inc>] [-DMAX_LENGTH=128]
#         -P oracle_expected.cmake
#
# Output lines: "<prompt index> <seed hex> <prompt hex or -> <output hex or ->",
# as tests/target/nes/drive.lua writes them (see run_nes_test.cmake).

cmake_minimum_required(VERSION 3.20)
get_filename_component(NES_TESTS_DIR "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
foreach(var GEN MODEL OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "oracle_expected.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED CASES)
  set(CASES "${NES_TESTS_DIR}/cases.txt")
endif()
if(NOT DEFINED PROMPTS)
  set(PROMPTS "${NES_TESTS_DIR}/../../../codegen/asm/m6502/nes/prompts.inc")
endif()
if(NOT DEFINED MAX_LENGTH)
  set(MAX_LENGTH 128)                    # MAX_LEN in codegen/asm/m6502/nes/shell.s
endif()

# prompts.inc: one `PROMPT "text"` per line (printable ASCII, no '"', no ';')
file(STRINGS "${PROMPTS}" lines)
set(prompts)
set(n 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^[ \t]*PROMPT[ \t]+\"([^\"]*)\"[ \t]*$")
    set(prompt_${n} "${CMAKE_MATCH_1}")
    math(EXPR n "${n} + 1")
  endif()
endforeach()

set(text "# expected output of the NES shell: tinylm-gen generate --model ${MODEL} (tests/target/nes/oracle_expected.cmake)\n")
set(tmp "${OUT}.gen")
file(STRINGS "${CASES}" lines)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "#.*" "" line "${line}")
  if(NOT line MATCHES "^[ \t]*([0-9]+)[ \t]+([0-9a-fA-F]+)[ \t]*$")
    continue()
  endif()
  set(index ${CMAKE_MATCH_1})
  set(seed_hex ${CMAKE_MATCH_2})
  if(index GREATER_EQUAL n)
    message(FATAL_ERROR "case '${line}': ${PROMPTS} has ${n} prompts")
  endif()
  math(EXPR seed "0x${seed_hex}")
  math(EXPR seed_hex "${seed}" OUTPUT_FORMAT HEXADECIMAL)
  string(REGEX REPLACE "^0x" "" seed_hex "${seed_hex}")
  string(LENGTH "${seed_hex}" len)
  while(len LESS 8)
    set(seed_hex "0${seed_hex}")
    math(EXPR len "${len} + 1")
  endwhile()
  string(TOLOWER "${seed_hex}" seed_hex)
  # --opt=value forms: tinylm-gen takes "--prompt=" as the empty prompt
  execute_process(COMMAND "${GEN}" generate "--model=${MODEL}" "--prompt=${prompt_${index}}"
                          "--seed=${seed}" "--max-length=${MAX_LENGTH}"
                  OUTPUT_FILE "${tmp}" ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "tinylm-gen generate failed for prompt ${index}, seed ${seed}: ${err}")
  endif()
  file(READ "${tmp}" out HEX)
  if(NOT out MATCHES "0a$")
    message(FATAL_ERROR "tinylm-gen generate: output does not end with a newline")
  endif()
  string(REGEX REPLACE "0a$" "" out "${out}")
  string(HEX "${prompt_${index}}" prompt_hex)
  if(prompt_hex STREQUAL "")
    set(prompt_hex "-")
  endif()
  if(out STREQUAL "")
    set(out "-")
  endif()
  string(APPEND text "${index} ${seed_hex} ${prompt_hex} ${out}\n")
endforeach()
file(REMOVE "${tmp}")
file(WRITE "${OUT}" "${text}")
