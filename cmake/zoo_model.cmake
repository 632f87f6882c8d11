# zoo_model.cmake - reruns the command recorded in a generated zoo header.
#
#   cmake -DGEN=<tinylm-gen> -DHEADER=<include/tinylm/zoo/NAME.hpp>
#         -DCORPUS_DIR=<codegen/corpus> -DOUT_DIR=<scratch dir> -DMODE=<mode>
#         -P zoo_model.cmake
#
# Line 2 of a header written by tinylm-gen holds the command that made it:
#   //   tinylm-gen ngram --corpus sayings.txt ... -o sayings --name sayings ...
# The command is run as recorded, with the built GEN in place of `tinylm-gen`,
# in CORPUS_DIR, except that the -o/--output path is moved into OUT_DIR. The
# header records base names only, so the output's location cannot change its
# bytes.
#
# MODE
#   check    the new header must be byte-identical to HEADER
#   twice    build twice - the second time from a copy of the corpus in
#            another directory, to another output directory - and require
#            byte-identical model files (.safetensors) and headers
#   header   build, then write the header again from the model file with
#            `tinylm-gen header`: its code must equal HEADER's (comment lines
#            - the command, the metadata - may differ)
#   build    build into OUT_DIR only (a fixture for other tests)
#   write    build, then copy the new header over HEADER (regenerate-zoo)
cmake_minimum_required(VERSION 3.20)

foreach(var GEN HEADER CORPUS_DIR OUT_DIR MODE)
  if(NOT ${var})
    message(FATAL_ERROR "zoo_model: ${var} is not set")
  endif()
endforeach()
if(NOT MODE MATCHES "^(check|twice|header|build|write)$")
  message(FATAL_ERROR "zoo_model: unknown MODE '${MODE}'")
endif()

# ---- the recorded command ---------------------------------------------------
file(STRINGS "${HEADER}" head LIMIT_COUNT 2)
list(LENGTH head n)
if(n LESS 2)
  message(FATAL_ERROR "zoo_model: ${HEADER} has no command on line 2")
endif()
list(GET head 1 line)
if(NOT line MATCHES "^//[ \t]+tinylm-gen[ \t]+(.*)$")
  message(FATAL_ERROR "zoo_model: line 2 of ${HEADER} is not a tinylm-gen command: '${line}'")
endif()
separate_arguments(recorded UNIX_COMMAND "${CMAKE_MATCH_1}")

# Returns the recorded arguments with the output path moved into `dir`, and
# the output's base name (what the generator appends .hpp/.safetensors to).
function(redirect dir out_args out_base)
  set(args)
  set(base)
  set(take_next OFF)
  foreach(a IN LISTS recorded)
    if(take_next)
      get_filename_component(base "${a}" NAME)
      list(APPEND args "${dir}/${base}")
      set(take_next OFF)
    elseif(a STREQUAL "-o" OR a STREQUAL "--output")
      list(APPEND args "${a}")
      set(take_next ON)
    elseif(a MATCHES "^--output=(.*)$")
      get_filename_component(base "${CMAKE_MATCH_1}" NAME)
      list(APPEND args "--output=${dir}/${base}")
    else()
      list(APPEND args "${a}")
    endif()
  endforeach()
  if(NOT base)
    message(FATAL_ERROR "zoo_model: the command on line 2 of ${HEADER} has no -o/--output")
  endif()
  set(${out_args} "${args}" PARENT_SCOPE)
  set(${out_base} "${base}" PARENT_SCOPE)
endfunction()

function(build dir workdir)
  file(REMOVE_RECURSE "${dir}")
  file(MAKE_DIRECTORY "${dir}")
  redirect("${dir}" args base)
  execute_process(COMMAND "${GEN}" ${args}
    WORKING_DIRECTORY "${workdir}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result STREQUAL "0")
    string(JOIN " " shown ${args})
    message(FATAL_ERROR "zoo_model: `tinylm-gen ${shown}` in ${workdir} failed (${result}):\n${out}${err}")
  endif()
  foreach(ext hpp safetensors)
    if(NOT EXISTS "${dir}/${base}.${ext}")
      message(FATAL_ERROR "zoo_model: the generator wrote no ${dir}/${base}.${ext}")
    endif()
  endforeach()
  set(base "${base}" PARENT_SCOPE)
endfunction()

# Fails, naming the first differing line, unless two files are byte-identical.
function(require_identical a b why)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${a}" "${b}" RESULT_VARIABLE different)
  if(NOT different)
    return()
  endif()
  file(SIZE "${a}" size_a)
  file(SIZE "${b}" size_b)
  set(detail "")
  if(a MATCHES "\\.hpp$")
    file(STRINGS "${a}" lines_a)
    file(STRINGS "${b}" lines_b)
    list(LENGTH lines_a na)
    list(LENGTH lines_b nb)
    set(i 0)
    while(i LESS na AND i LESS nb)
      list(GET lines_a ${i} la)
      list(GET lines_b ${i} lb)
      if(NOT la STREQUAL lb)
        math(EXPR line_no "${i} + 1")
        set(detail "first difference at non-empty line ${line_no}:\n  ${la}\n  ${lb}\n")
        break()
      endif()
      math(EXPR i "${i} + 1")
    endwhile()
  endif()
  message(FATAL_ERROR "zoo_model: ${why}:\n  ${a} (${size_a} bytes)\n  ${b} (${size_b} bytes)\n${detail}")
endfunction()

string(JOIN " " shown ${recorded})
if(MODE STREQUAL "check")
  build("${OUT_DIR}" "${CORPUS_DIR}")
  require_identical("${OUT_DIR}/${base}.hpp" "${HEADER}"
    "the recorded command `tinylm-gen ${shown}` no longer reproduces the checked-in header (if the change is intended, build the regenerate-zoo target)")
  message(STATUS "zoo_model: ${HEADER} is reproduced byte for byte")
elseif(MODE STREQUAL "twice")
  build("${OUT_DIR}/first" "${CORPUS_DIR}")
  # The second build reads a copy of the corpus directory from elsewhere.
  file(REMOVE_RECURSE "${OUT_DIR}/corpus-copy")
  file(COPY "${CORPUS_DIR}/" DESTINATION "${OUT_DIR}/corpus-copy")
  build("${OUT_DIR}/second" "${OUT_DIR}/corpus-copy")
  require_identical("${OUT_DIR}/first/${base}.safetensors" "${OUT_DIR}/second/${base}.safetensors"
    "two builds of the same model gave different model files")
  require_identical("${OUT_DIR}/first/${base}.hpp" "${OUT_DIR}/second/${base}.hpp"
    "two builds of the same model gave different headers")
  message(STATUS "zoo_model: two builds of ${base} are byte-identical")
elseif(MODE STREQUAL "header")
  build("${OUT_DIR}" "${CORPUS_DIR}")
  set(name "${base}")
  set(ns "tinylm::zoo")
  set(prev "")
  foreach(a IN LISTS recorded)
    if(prev STREQUAL "--name")
      set(name "${a}")
    elseif(prev STREQUAL "--namespace")
      set(ns "${a}")
    endif()
    set(prev "${a}")
  endforeach()
  file(MAKE_DIRECTORY "${OUT_DIR}/roundtrip")
  execute_process(
    COMMAND "${GEN}" header --model "${OUT_DIR}/${base}.safetensors" -o "${OUT_DIR}/roundtrip/${base}.hpp"
            --name "${name}" --namespace "${ns}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result STREQUAL "0")
    message(FATAL_ERROR "zoo_model: tinylm-gen header failed (${result}):\n${out}${err}")
  endif()
  file(READ "${HEADER}" expected)
  file(READ "${OUT_DIR}/roundtrip/${base}.hpp" actual)
  # Compare the code: comment lines (the command, the metadata) are dropped.
  foreach(v expected actual)
    string(REGEX REPLACE "\n//[^\n]*" "" ${v} "\n${${v}}")
  endforeach()
  if(NOT actual STREQUAL expected)
    file(WRITE "${OUT_DIR}/roundtrip/expected.hpp" "${expected}")
    file(WRITE "${OUT_DIR}/roundtrip/actual.hpp" "${actual}")
    message(FATAL_ERROR "zoo_model: the header written from the model file differs from ${HEADER} "
                        "outside comments (compare ${OUT_DIR}/roundtrip/expected.hpp and actual.hpp)")
  endif()
  message(STATUS "zoo_model: `tinylm-gen header` on the model file gives ${HEADER} again")
elseif(MODE STREQUAL "build")
  build("${OUT_DIR}" "${CORPUS_DIR}")
  message(STATUS "zoo_model: built ${OUT_DIR}/${base}.safetensors")
elseif(MODE STREQUAL "write")
  build("${OUT_DIR}" "${CORPUS_DIR}")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT_DIR}/${base}.hpp" "${HEADER}"
    RESULT_VARIABLE different)
  if(different)
    file(COPY_FILE "${OUT_DIR}/${base}.hpp" "${HEADER}")
    message(STATUS "zoo_model: rewrote ${HEADER}")
  else()
    message(STATUS "zoo_model: ${HEADER} is up to date")
  endif()
endif()
