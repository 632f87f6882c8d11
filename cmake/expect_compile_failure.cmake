# expect_compile_failure.cmake - a compile-fail test with its positive control.
#
#   cmake -DCXX=<compiler> -DSOURCE=<file.cpp> -DWORK_DIR=<dir>
#         [-DSTD_FLAG=-std=c++20] [-DINCLUDE_DIRS=a|b] [-DFLAGS=f1|f2]
#         -DFAIL_DEFINES=NAME[=VALUE]|... [-DEXPECT=regex@@regex]
#         -P expect_compile_failure.cmake
#
# Lists are separated by '|', regex lists by '@@' (a ';' would be split by
# add_test, and '|' is a regex operator).
#
# 1. Control: SOURCE compiled without FAIL_DEFINES must compile, with no
#    "error:" in the output. So the file, its headers and the flags are fine,
#    and a failure in step 2 can only come from what the defines switch on.
# 2. SOURCE compiled with FAIL_DEFINES must fail, and:
#    - every "error:" line is a static assertion failure ("static assertion
#      failed", GCC and Clang alike: not "non-constant condition for static
#      assertion", not a constexpr step limit, not a missing header);
#    - every error located in SOURCE lies inside a block guarded by one of the
#      FAIL_DEFINES (#ifdef NAME / #if defined(NAME) ... #endif), when SOURCE
#      has such a block;
#    - the output matches each regex of EXPECT (default: static[ _]assert).
# The script prints both outputs on failure.

cmake_minimum_required(VERSION 3.20)

foreach(var CXX SOURCE WORK_DIR FAIL_DEFINES)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "expect_compile_failure: ${var} is not set")
  endif()
endforeach()
if(NOT EXISTS "${SOURCE}")
  message(FATAL_ERROR "expect_compile_failure: no such source '${SOURCE}'")
endif()
if(NOT DEFINED STD_FLAG)
  set(STD_FLAG "-std=c++20")
endif()
if(NOT DEFINED EXPECT OR "${EXPECT}" STREQUAL "")
  set(EXPECT "static[ _]assert")
endif()

string(REPLACE "|" ";" include_dirs "${INCLUDE_DIRS}")
string(REPLACE "|" ";" flags "${FLAGS}")
string(REPLACE "|" ";" fail_defines "${FAIL_DEFINES}")
string(REPLACE "@@" ";" expect "${EXPECT}")

set(common ${STD_FLAG})
foreach(dir IN LISTS include_dirs)
  list(APPEND common "-I${dir}")
endforeach()
list(APPEND common ${flags})

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(compile out_result out_output object)
  execute_process(
    COMMAND "${CXX}" ${common} ${ARGN} -c "${SOURCE}" -o "${WORK_DIR}/${object}"
    WORKING_DIRECTORY "${WORK_DIR}"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
  set(${out_result} "${result}" PARENT_SCOPE)
  set(${out_output} "${output}" PARENT_SCOPE)
endfunction()

get_filename_component(source_name "${SOURCE}" NAME)

# ---- 1. the positive control ------------------------------------------------
compile(control_result control_output control.o)
if(NOT control_result STREQUAL "0" OR control_output MATCHES "error:")
  message(FATAL_ERROR
    "expect_compile_failure: the CONTROL (${source_name} without ${FAIL_DEFINES}) does not compile "
    "(result '${control_result}'), so a failure with the defines would prove nothing:\n${control_output}")
endif()

# ---- 2. the negative test ---------------------------------------------------
set(define_flags)
foreach(d IN LISTS fail_defines)
  list(APPEND define_flags "-D${d}")
endforeach()
compile(fail_result fail_output fail.o ${define_flags})
if(fail_result STREQUAL "0")
  message(FATAL_ERROR
    "expect_compile_failure: ${source_name} with ${FAIL_DEFINES} COMPILED, but must not:\n${fail_output}")
endif()
if(NOT fail_result MATCHES "^[0-9]+$")
  message(FATAL_ERROR "expect_compile_failure: the compiler crashed (${fail_result}):\n${fail_output}")
endif()

# Text to a CMake list of lines, empty lines kept; characters that CMake's
# list splitting treats specially (; [ ] \) are replaced first.
function(to_lines text out)
  string(REPLACE "\r" "" text "${text}")
  string(REGEX REPLACE "[][;\\]" "_" text "${text}")
  string(REPLACE "\n" ";" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(problems "")
to_lines("${fail_output}" fail_lines)
set(error_lines_in_source)
set(error_count 0)
foreach(line IN LISTS fail_lines)
  if(line MATCHES "(^|[ :])(fatal )?error:")
    math(EXPR error_count "${error_count} + 1")
    if(NOT line MATCHES "static assertion failed")
      string(APPEND problems "  an error that is not a failed static assertion: ${line}\n")
    endif()
    if(line MATCHES "${source_name}:([0-9]+):")
      list(APPEND error_lines_in_source "${CMAKE_MATCH_1}")
    endif()
  endif()
endforeach()
if(error_count EQUAL 0)
  string(APPEND problems "  the compiler failed without any \"error:\" line\n")
endif()
foreach(re IN LISTS expect)
  if(NOT fail_output MATCHES "${re}")
    string(APPEND problems "  the output does not match the expected regex '${re}'\n")
  endif()
endforeach()

# Lines of SOURCE guarded by one of the defines: #ifdef NAME / #if defined(NAME)
# ... the matching #endif (nesting counted).
file(READ "${SOURCE}" source_text)
to_lines("${source_text}" source_lines)
set(guarded_lines)
set(line_no 0)
set(depth 0)         # #if nesting depth inside a guarded block (0 = outside)
set(active OFF)      # OFF after the block's own #else / #elif
foreach(line IN LISTS source_lines)
  math(EXPR line_no "${line_no} + 1")
  if(depth GREATER 0)
    if(line MATCHES "^[ \t]*#[ \t]*if")
      math(EXPR depth "${depth} + 1")
    elseif(line MATCHES "^[ \t]*#[ \t]*endif")
      math(EXPR depth "${depth} - 1")
    elseif(depth EQUAL 1 AND line MATCHES "^[ \t]*#[ \t]*(else|elif)")
      set(active OFF)
    endif()
    if(depth GREATER 0 AND active)
      list(APPEND guarded_lines ${line_no})
    endif()
  else()
    foreach(d IN LISTS fail_defines)
      string(REGEX REPLACE "=.*" "" d "${d}")
      if(line MATCHES "^[ \t]*#[ \t]*if(def[ \t]+${d}([ \t]|$)|[ \t]+defined[ \t]*\\(?[ \t]*${d}([ \t)]|$))")
        set(depth 1)
        set(active ON)
        break()
      endif()
    endforeach()
  endif()
endforeach()
if(guarded_lines)
  set(in_block 0)
  foreach(l IN LISTS error_lines_in_source)
    list(FIND guarded_lines "${l}" at)
    if(at EQUAL -1)
      string(APPEND problems "  ${source_name}:${l}: an error outside the block guarded by ${FAIL_DEFINES}\n")
    else()
      set(in_block 1)
    endif()
  endforeach()
  if(NOT in_block)
    string(APPEND problems "  no error is located in the block guarded by ${FAIL_DEFINES}\n")
  endif()
endif()

if(problems)
  message(FATAL_ERROR
    "expect_compile_failure: ${source_name} with ${FAIL_DEFINES} failed to compile, but not as expected:\n"
    "${problems}--- compiler output ---\n${fail_output}")
endif()
message(STATUS "expect_compile_failure: ${source_name}: compiles without ${FAIL_DEFINES}; "
               "with it, fails with ${error_count} static assertion error(s), as expected")
