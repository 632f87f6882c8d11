# compact_header.cmake - a transformer trained with compact weight formats
# (tinylm/weight_format.hpp) round-trips through the model file and the
# generated header: the header compiles, and the replies the compiler computes
# from it (static_assert) are the ones `tinylm-gen generate` prints from the
# model file.
#
#   cmake -DGEN=<tinylm-gen> -DCXX=<c++ compiler> -DINCLUDE=<include dir> -DWORK=<dir>
#         -DFORMAT=<int4|int2|ternary> -DHEAD_FORMAT=<...> -P compact_header.cmake
cmake_minimum_required(VERSION 3.20)
foreach(var GEN CXX INCLUDE WORK FORMAT HEAD_FORMAT)
  if(NOT ${var})
    message(FATAL_ERROR "compact_header: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/chat.txt"
     "hello | HI\nhi there | HI\nbye now | BYE\nsee you | BYE\nhow are you | I AM FINE\nare you big | NO\n")
execute_process(COMMAND "${GEN}" train transformer --corpus chat.txt --vocab 32 --d-model 16 --heads 2 --layers 1
                        --ffn 32 --context 12 --min-reply 4 --epochs 80 --batch 2 --val-every 0 --lr 0.01 --typo 0
                        --format ${FORMAT} --head-format ${HEAD_FORMAT} --threads 1 -q -o compact
  WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compact_header: training failed (${rc}): ${err}")
endif()
file(READ "${WORK}/compact.hpp" header)
if(NOT header MATCHES "static constexpr std::uint8_t formats\\[\\]" OR NOT header MATCHES "W1 \\(FFN up\\), ${FORMAT}")
  message(FATAL_ERROR "compact_header: compact.hpp does not list the ${FORMAT} matrices")
endif()
if(NOT header MATCHES "--format ${FORMAT}")
  message(FATAL_ERROR "compact_header: compact.hpp's command does not repeat --format ${FORMAT}")
endif()
set(asserts "")
foreach(prompt "hello" "see you" "how are you" "what" "")
  execute_process(COMMAND "${GEN}" generate --model compact.safetensors "--prompt=${prompt}"
    WORKING_DIRECTORY "${WORK}" OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "compact_header: generate '${prompt}' failed (${rc}): ${err}")
  endif()
  string(REGEX REPLACE "\n$" "" out "${out}")
  if(out MATCHES "[\"\\\\]")
    message(FATAL_ERROR "compact_header: a reply with a quote or backslash: '${out}'")
  endif()
  string(APPEND asserts "static_assert(tinylm::reply<tinylm::zoo::compact>(\"${prompt}\") == \"${out}\");\n")
endforeach()
file(WRITE "${WORK}/check.cpp" "#include \"compact.hpp\"\n#include <tinylm/model.hpp>\n${asserts}int main() {}\n")
execute_process(COMMAND "${CXX}" -std=c++20 -fsyntax-only -fconstexpr-ops-limit=1000000000 "-I${INCLUDE}" "-I${WORK}"
                        "${WORK}/check.cpp"
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compact_header: the header's compile-time replies differ from the model file's:\n${asserts}\n${err}")
endif()
# Both paths answer the corpus: the model learned something in its format.
if(NOT asserts MATCHES "\"hello\"\\) == \"HI\"" OR NOT asserts MATCHES "\"see you\"\\) == \"BYE\"")
  message(FATAL_ERROR "compact_header: the ${FORMAT} model does not answer its corpus:\n${asserts}")
endif()
message(STATUS "compact_header: ${FORMAT} (head ${HEAD_FORMAT}): 5 replies agree at compile time")
