# run_case.cmake - runs tinylm-gen once (or once per byte) in a fresh work
# directory and checks its exit status, its output and the files it leaves.
#
#   cmake -DGEN=<tinylm-gen> -DWORK=<dir, recreated> -DARGS=a|b|c
#         [-DSETUP=kind=name|...] [-DCORPUS=<file>] [-DMODEL=<file>]
#         [-DEDITOR=<model_edit>] [-DEDIT=op|arg|...] [-DEDIT_SOURCE=name]
#         [-DWRAPPER=valgrind|-q|...]
#         [-DEXIT=<code>|nonzero] [-DSTDOUT=regex] [-DSTDERR=regex]
#         [-DNO_NEW_FILES=ON] [-DEXPECT_FILES=name|...]
#         [-DEACH_BYTE=ON] [-DREPEAT=ON]
#         -P run_case.cmake
#
# Lists are separated by '|' (';' would be split by add_test). SETUP makes
# the inputs in WORK before the run:
#   empty=NAME    an empty file            blank=NAME   only newlines (LF, CRLF)
#   dir=NAME      a directory              corpus=NAME  a copy of CORPUS
#   model=NAME    a copy of MODEL          edit=NAME    MODEL after EDITOR IN NAME EDIT...
#   tiny=NAME     a tiny model (order 2, corpus "ba"), built here with GEN
#   chat=NAME     a tiny hash-MLP model (4 pairs, hidden 16), trained here with GEN
#   transformer=NAME  a tiny chat transformer (5 pairs, d_model 8), trained here with GEN
# EDIT_SOURCE names a file made by an earlier SETUP item to edit instead of
# MODEL. WRAPPER runs GEN under another program (valgrind).
# In ARGS, @WORK@ is the work directory, @EMPTY@ an empty argument (which
# cmake_parse_arguments would drop), @BYTES@ the 255 bytes 1..255, and
# with EACH_BYTE=ON the case runs 255 times, @BYTE@ being one byte 1..255.
#
# Checks:
#   EXIT          the exact status (default 0); "nonzero" = a status 1..125
#                 (a crash - a signal, an abort - never passes)
#   STDOUT/STDERR regexes the output must match
#   always        no "terminate called", "Assertion", "Segmentation",
#                 "AddressSanitizer", "runtime error" in stderr
#   NO_NEW_FILES  the run left no new file in WORK (no partial output)
#   EXPECT_FILES  files the run must have written in WORK
#   REPEAT        a second run gives the same stdout (deterministic)
cmake_minimum_required(VERSION 3.20)

foreach(var GEN WORK)
  if(NOT ${var})
    message(FATAL_ERROR "run_case: ${var} is not set")
  endif()
endforeach()
if(NOT DEFINED EXIT OR EXIT STREQUAL "")
  set(EXIT 0)
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

# ---- inputs -------------------------------------------------------------------
string(REPLACE "|" ";" setup "${SETUP}")
foreach(item IN LISTS setup)
  if(NOT item MATCHES "^([a-z]+)=(.+)$")
    message(FATAL_ERROR "run_case: bad SETUP item '${item}'")
  endif()
  set(kind "${CMAKE_MATCH_1}")
  set(name "${WORK}/${CMAKE_MATCH_2}")
  if(kind STREQUAL "empty")
    file(WRITE "${name}" "")
  elseif(kind STREQUAL "blank")
    file(WRITE "${name}" "\n\n\r\n\n")
  elseif(kind STREQUAL "dir")
    file(MAKE_DIRECTORY "${name}")
  elseif(kind STREQUAL "corpus" OR kind STREQUAL "model")
    string(TOUPPER "${kind}" src_var)
    if(NOT EXISTS "${${src_var}}")
      message(FATAL_ERROR "run_case: ${src_var} '${${src_var}}' does not exist (did its fixture run?)")
    endif()
    file(COPY_FILE "${${src_var}}" "${name}")
  elseif(kind STREQUAL "tiny")
    file(MAKE_DIRECTORY "${WORK}/.tiny")
    file(WRITE "${WORK}/.tiny/corpus.txt" "ba\n")
    execute_process(COMMAND "${GEN}" ngram --corpus corpus.txt --order 2 -o tiny --quiet
      WORKING_DIRECTORY "${WORK}/.tiny" RESULT_VARIABLE result ERROR_VARIABLE err)
    if(NOT result STREQUAL "0")
      message(FATAL_ERROR "run_case: building the tiny model failed (${result}): ${err}")
    endif()
    file(COPY_FILE "${WORK}/.tiny/tiny.safetensors" "${name}")
  elseif(kind STREQUAL "chat")
    file(MAKE_DIRECTORY "${WORK}/.chat")
    file(WRITE "${WORK}/.chat/chat.txt" "hello | HI\nhi there | HI\nbye now | BYE\nsee you | BYE\n")
    execute_process(COMMAND "${GEN}" train hashmlp --corpus chat.txt --hidden 16 --epochs 100 --batch 2 --val-every 0 --lr 0.01
                            --lr-schedule step --typo 0 -q
                            -o chat
      WORKING_DIRECTORY "${WORK}/.chat" RESULT_VARIABLE result ERROR_VARIABLE err)
    if(NOT result STREQUAL "0")
      message(FATAL_ERROR "run_case: training the tiny chat model failed (${result}): ${err}")
    endif()
    file(COPY_FILE "${WORK}/.chat/chat.safetensors" "${name}")
  elseif(kind STREQUAL "transformer")
    file(MAKE_DIRECTORY "${WORK}/.transformer")
    file(WRITE "${WORK}/.transformer/chat.txt"
         "hello | HI\nhi there | HI\nbye now | BYE\nsee you | BYE\nhow are you | I AM FINE\n")
    execute_process(COMMAND "${GEN}" train transformer --corpus chat.txt --vocab 32 --d-model 8 --heads 2 --layers 1
                            --ffn 16 --context 12 --min-reply 4 --epochs 60 --batch 2 --val-every 0 --lr 0.01 --typo 0
                            --threads 1 -q -o tf
      WORKING_DIRECTORY "${WORK}/.transformer" RESULT_VARIABLE result ERROR_VARIABLE err)
    if(NOT result STREQUAL "0")
      message(FATAL_ERROR "run_case: training the tiny transformer failed (${result}): ${err}")
    endif()
    file(COPY_FILE "${WORK}/.transformer/tf.safetensors" "${name}")
  elseif(kind STREQUAL "edit")
    set(source "${MODEL}")
    if(EDIT_SOURCE)
      set(source "${WORK}/${EDIT_SOURCE}")
    endif()
    if(NOT EXISTS "${source}")
      message(FATAL_ERROR "run_case: '${source}' does not exist (did its fixture run?)")
    endif()
    string(REPLACE "|" ";" edit "${EDIT}")
    execute_process(COMMAND "${EDITOR}" "${source}" "${name}" ${edit}
      RESULT_VARIABLE result ERROR_VARIABLE err)
    if(NOT result STREQUAL "0")
      message(FATAL_ERROR "run_case: model_edit ${EDIT} failed (${result}): ${err}")
    endif()
  else()
    message(FATAL_ERROR "run_case: unknown SETUP kind '${kind}'")
  endif()
endforeach()
file(GLOB_RECURSE files_before LIST_DIRECTORIES true RELATIVE "${WORK}" "${WORK}/*")

# ---- the run ------------------------------------------------------------------
set(all_bytes "")
foreach(i RANGE 1 255)
  string(ASCII ${i} c)
  string(APPEND all_bytes "${c}")
endforeach()

string(REPLACE "|" ";" args_template "${ARGS}")
string(REPLACE "|" ";" wrapper "${WRAPPER}")
set(failures "")

# Runs GEN with args_template, @BYTE@ = the variable byte; sets out, err and
# result in the caller.
# Each argument is its own variable, expanded quoted by cmake_language(EVAL):
# an argument holding a ';' byte must not be split into two.
function(run_once)
  set(call "execute_process(COMMAND \${wrapper} \"\${GEN}\"")
  set(i 0)
  foreach(a IN LISTS args_template)
    string(REPLACE "@WORK@" "${WORK}" arg${i} "${a}")
    string(REPLACE "@EMPTY@" "" arg${i} "${arg${i}}")
    string(REPLACE "@BYTES@" "${all_bytes}" arg${i} "${arg${i}}")
    string(REPLACE "@BYTE@" "${byte}" arg${i} "${arg${i}}")
    string(APPEND call " \"\${arg${i}}\"")
    math(EXPR i "${i} + 1")
  endforeach()
  string(APPEND call " WORKING_DIRECTORY \"\${WORK}\" RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)")
  cmake_language(EVAL CODE "${call}")
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
  set(result "${result}" PARENT_SCOPE)
endfunction()

macro(check label)
  set(why "")
  if(EXIT STREQUAL "nonzero")
    if(NOT result MATCHES "^[0-9]+$" OR result EQUAL 0 OR result GREATER 125)
      string(APPEND why "  exit status '${result}', expected a non-zero status 1-125 (no crash)\n")
    endif()
  elseif(NOT result STREQUAL "${EXIT}")
    string(APPEND why "  exit status '${result}', expected ${EXIT}\n")
  endif()
  if(DEFINED STDOUT AND NOT STDOUT STREQUAL "" AND NOT out MATCHES "${STDOUT}")
    string(APPEND why "  stdout does not match '${STDOUT}'\n")
  endif()
  if(DEFINED STDERR AND NOT STDERR STREQUAL "" AND NOT err MATCHES "${STDERR}")
    string(APPEND why "  stderr does not match '${STDERR}'\n")
  endif()
  if(err MATCHES "terminate called|Assertion|Segmentation|AddressSanitizer|runtime error:|std::bad_alloc")
    string(APPEND why "  stderr reports a crash or undefined behaviour\n")
  endif()
  if(why)
    string(APPEND failures "${label}:\n${why}  --- stdout ---\n${out}\n  --- stderr ---\n${err}\n")
  endif()
endmacro()

if(EACH_BYTE)
  foreach(i RANGE 1 255)
    string(ASCII ${i} byte)
    run_once()
    check("byte ${i}")
    if(failures)
      break()
    endif()
  endforeach()
else()
  set(byte "")
  run_once()
  check("run")
  if(REPEAT AND NOT failures)
    set(first_out "${out}")
    run_once()
    check("second run")
    if(NOT out STREQUAL first_out)
      string(APPEND failures "second run: stdout differs from the first:\n[${first_out}]\n[${out}]\n")
    endif()
  endif()
endif()

# ---- files ----------------------------------------------------------------------
file(GLOB_RECURSE files_after LIST_DIRECTORIES true RELATIVE "${WORK}" "${WORK}/*")
if(NO_NEW_FILES)
  set(new_files ${files_after})
  if(files_before)
    list(REMOVE_ITEM new_files ${files_before})
  endif()
  if(new_files)
    string(APPEND failures "the run left new files in ${WORK}: ${new_files}\n")
  endif()
endif()
string(REPLACE "|" ";" expect_files "${EXPECT_FILES}")
foreach(f IN LISTS expect_files)
  if(NOT EXISTS "${WORK}/${f}")
    string(APPEND failures "the run did not write '${f}' (files: ${files_after})\n")
  endif()
endforeach()

if(failures)
  message(FATAL_ERROR "run_case: tinylm-gen ${ARGS}\n${failures}")
endif()
