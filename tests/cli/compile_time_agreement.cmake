# compile_time_agreement.cmake - the generator's run-time answers must equal
# the answers a C++ file checks at compile time.
#
#   cmake -DGEN=<tinylm-gen> -DSOURCE=<examples/compile_time/compile_time.cpp>
#         -DMODEL_DIR=<dir with NAME.safetensors> -DMODEL_HPP=<include/tinylm/model.hpp>
#         -P compile_time_agreement.cmake
#
# Every static_assert of SOURCE (outside #if blocks) of the forms
#   tinylm::reply<NAME>("prompt") == "answer"
#   tinylm::reply<NAME>("prompt", seed) == "answer"
#   tinylm::ngram::generate<NAME, LENGTH>("prompt", seed) == "answer"
# is replayed as `tinylm-gen generate --model MODEL_DIR/NAME.safetensors
# --prompt=prompt [--seed seed] --max-length LENGTH`, whose stdout must be the
# answer and a newline. Strings with escapes are skipped; at least one
# assertion must be replayed.
cmake_minimum_required(VERSION 3.20)
foreach(var GEN SOURCE MODEL_DIR MODEL_HPP)
  if(NOT ${var})
    message(FATAL_ERROR "compile_time_agreement: ${var} is not set")
  endif()
endforeach()

# reply()'s default capacity is its default length limit.
file(STRINGS "${MODEL_HPP}" capacity_line REGEX "default_reply_capacity[ ]*=[ ]*[0-9]+")
if(NOT capacity_line MATCHES "default_reply_capacity[ ]*=[ ]*([0-9]+)")
  message(FATAL_ERROR "compile_time_agreement: no default_reply_capacity in ${MODEL_HPP}")
endif()
set(reply_capacity "${CMAKE_MATCH_1}")

file(READ "${SOURCE}" text)
# Keep CMake's list splitting away: ; [ ] \ become placeholders, restored in
# the prompt and the answer.
string(REPLACE "@" "@AT@" text "${text}")
string(REPLACE ";" "@SC@" text "${text}")
string(REPLACE "[" "@LB@" text "${text}")
string(REPLACE "]" "@RB@" text "${text}")
string(REPLACE "\\" "@BS@" text "${text}")
string(REPLACE "\n" ";" lines "${text}")

set(depth 0)
set(checked 0)
set(skipped 0)
set(failures "")
set(str "\"([^\"]*)\"")  # a string literal (lines with escapes are skipped)
foreach(line IN LISTS lines)
  if(line MATCHES "^[ \t]*#[ \t]*if")
    math(EXPR depth "${depth} + 1")
    continue()
  elseif(line MATCHES "^[ \t]*#[ \t]*endif")
    math(EXPR depth "${depth} - 1")
    continue()
  endif()
  if(depth GREATER 0 OR NOT line MATCHES "^[ \t]*static_assert\\(")
    continue()
  endif()
  set(seed "")
  if(line MATCHES "tinylm::reply<([A-Za-z_][A-Za-z0-9_]*)>\\(${str}\\)[ ]*==[ ]*${str}")
    set(name "${CMAKE_MATCH_1}")
    set(prompt "${CMAKE_MATCH_2}")
    set(answer "${CMAKE_MATCH_3}")
    set(length "${reply_capacity}")
  elseif(line MATCHES "tinylm::reply<([A-Za-z_][A-Za-z0-9_]*)>\\(${str},[ ]*([0-9]+)u?\\)[ ]*==[ ]*${str}")
    set(name "${CMAKE_MATCH_1}")
    set(prompt "${CMAKE_MATCH_2}")
    set(seed "${CMAKE_MATCH_3}")
    set(answer "${CMAKE_MATCH_4}")
    set(length "${reply_capacity}")
  elseif(line MATCHES "tinylm::ngram::generate<([A-Za-z_][A-Za-z0-9_]*),[ ]*([0-9]+)>\\(${str},[ ]*([0-9]+)u?\\)[ ]*==[ ]*${str}")
    set(name "${CMAKE_MATCH_1}")
    set(length "${CMAKE_MATCH_2}")
    set(prompt "${CMAKE_MATCH_3}")
    set(seed "${CMAKE_MATCH_4}")
    set(answer "${CMAKE_MATCH_5}")
  else()
    if(line MATCHES "reply<|generate<")
      math(EXPR skipped "${skipped} + 1")
    endif()
    continue()
  endif()
  if(line MATCHES "@BS@")  # an escape sequence: not replayed
    math(EXPR skipped "${skipped} + 1")
    continue()
  endif()
  foreach(v prompt answer)
    string(REPLACE "@SC@" ";" ${v} "${${v}}")
    string(REPLACE "@LB@" "[" ${v} "${${v}}")
    string(REPLACE "@RB@" "]" ${v} "${${v}}")
    string(REPLACE "@AT@" "@" ${v} "${${v}}")
  endforeach()
  # An empty prompt is the default: `--prompt=` would take the next argument
  # as the prompt (CLI11).
  set(prompt_args)
  if(NOT prompt STREQUAL "")
    set(prompt_args "--prompt=${prompt}")
  endif()
  set(seed_args)
  if(NOT seed STREQUAL "")
    set(seed_args --seed "${seed}")
  endif()
  execute_process(
    COMMAND "${GEN}" generate --model "${MODEL_DIR}/${name}.safetensors" ${prompt_args} ${seed_args}
            --max-length "${length}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result STREQUAL "0")
    string(APPEND failures "  generate failed (${result}) for ${line}\n${err}\n")
  elseif(NOT out STREQUAL "${answer}\n")
    string(APPEND failures "  ${line}\n    run time gives \"${out}\"\n")
  endif()
  math(EXPR checked "${checked} + 1")
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "compile_time_agreement: found no static_assert to replay in ${SOURCE}")
endif()
if(failures)
  message(FATAL_ERROR "compile_time_agreement: tinylm-gen generate disagrees with the compile-time answers:\n${failures}")
endif()
message(STATUS "compile_time_agreement: ${checked} compile-time answers replayed at run time (${skipped} skipped)")
