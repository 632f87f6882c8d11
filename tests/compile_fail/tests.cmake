# Compile-fail tests: translation units that must NOT compile, each with its
# positive control (the same file without the define must compile), both run
# by cmake/expect_compile_failure.cmake with the build's own compiler.
#
#   compile_fail.<name>      one test per translation unit
#
# Add a case:
#   - a file tests/compile_fail/<name>.cpp that compiles as it is and fails
#     with -DTINYLM_COMPILE_FAIL, the failing static_assert inside
#     #ifdef TINYLM_COMPILE_FAIL ... #endif; optional "// expect-error: <regex>"
#     lines name what the compiler output must contain (the failing line is
#     echoed by GCC and Clang, so a fragment of the condition works);
#   - or tinylm_add_compile_fail_test(<name> <source> DEFINES ... [EXPECT ...])
#     for a file elsewhere (examples/compile_time uses TINYLM_EXPECT_WRONG_ANSWER).

set(TINYLM_EXPECT_COMPILE_FAILURE "${PROJECT_SOURCE_DIR}/cmake/expect_compile_failure.cmake")

function(tinylm_add_compile_fail_test name source)
  cmake_parse_arguments(CF "" "" "DEFINES;EXPECT;INCLUDE_DIRS;FLAGS" ${ARGN})
  if(NOT CF_DEFINES)
    message(FATAL_ERROR "tinylm_add_compile_fail_test(${name}): DEFINES is required")
  endif()
  list(APPEND CF_EXPECT "static[ _]assert")
  list(PREPEND CF_INCLUDE_DIRS "${PROJECT_SOURCE_DIR}/include")
  # The flags a build of this project would use: the C++20 option of this
  # compiler, and the user's CMAKE_CXX_FLAGS.
  set(std_flag "${CMAKE_CXX20_STANDARD_COMPILE_OPTION}")
  if(NOT std_flag)
    set(std_flag "-std=c++20")
  endif()
  separate_arguments(user_flags NATIVE_COMMAND "${CMAKE_CXX_FLAGS}")
  list(APPEND CF_FLAGS ${user_flags})
  string(JOIN "|" defines ${CF_DEFINES})
  string(JOIN "@@" expect ${CF_EXPECT})
  string(JOIN "|" include_dirs ${CF_INCLUDE_DIRS})
  string(JOIN "|" flags ${CF_FLAGS})
  add_test(NAME compile_fail.${name}
    COMMAND ${CMAKE_COMMAND}
      "-DCXX=${CMAKE_CXX_COMPILER}"
      "-DSOURCE=${source}"
      "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/compile_fail/${name}"
      "-DSTD_FLAG=${std_flag}"
      "-DINCLUDE_DIRS=${include_dirs}"
      "-DFLAGS=${flags}"
      "-DFAIL_DEFINES=${defines}"
      "-DEXPECT=${expect}"
      -P "${TINYLM_EXPECT_COMPILE_FAILURE}")
  set_tests_properties(compile_fail.${name} PROPERTIES
    LABELS compile_fail
    TIMEOUT 120)
endfunction()

# The compile-time example with a wrong expected answer.
tinylm_add_compile_fail_test(wrong_answer
  "${PROJECT_SOURCE_DIR}/examples/compile_time/compile_time.cpp"
  DEFINES TINYLM_EXPECT_WRONG_ANSWER)

# Every tests/compile_fail/*.cpp.
file(GLOB tinylm_compile_fail_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/*.cpp")
foreach(source IN LISTS tinylm_compile_fail_sources)
  get_filename_component(name "${source}" NAME_WE)
  file(STRINGS "${source}" expect_lines REGEX "^// expect-error: ")
  set(expect)
  foreach(line IN LISTS expect_lines)
    string(REGEX REPLACE "^// expect-error: " "" re "${line}")
    list(APPEND expect "${re}")
  endforeach()
  tinylm_add_compile_fail_test(${name} "${source}" DEFINES TINYLM_COMPILE_FAIL EXPECT ${expect})
endforeach()
