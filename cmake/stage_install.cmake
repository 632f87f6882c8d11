# stage_install.cmake - installs a build tree into a fresh prefix and checks it.
#
#   cmake -DBUILD_DIR=<build tree> -DPREFIX=<fresh prefix> [-DCONFIG=Release]
#         [-DEXPECT_FILES=rel/path|rel/path] [-DRUN_PROGRAMS=bin/prog|...]
#         -P stage_install.cmake
#
# The prefix is removed first, so a file left by an earlier run cannot hide a
# missing install rule. Each of EXPECT_FILES must exist under the prefix, and
# each of RUN_PROGRAMS must run with --help and exit 0 (an installed program
# that cannot find its libraries fails here).
cmake_minimum_required(VERSION 3.20)
foreach(var BUILD_DIR PREFIX)
  if(NOT ${var})
    message(FATAL_ERROR "stage_install: ${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE "${PREFIX}")
set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(NOT result STREQUAL "0")
  message(FATAL_ERROR "stage_install: cmake --install failed (${result}):\n${output}")
endif()

string(REPLACE "|" ";" expect_files "${EXPECT_FILES}")
foreach(f IN LISTS expect_files)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "stage_install: '${f}' is not installed; the install holds:\n${output}")
  endif()
endforeach()

string(REPLACE "|" ";" programs "${RUN_PROGRAMS}")
foreach(p IN LISTS programs)
  execute_process(COMMAND "${PREFIX}/${p}" --help
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result STREQUAL "0")
    message(FATAL_ERROR "stage_install: the installed '${p} --help' failed (${result}):\n${out}${err}")
  endif()
endforeach()
message(STATUS "stage_install: ${BUILD_DIR} installed into ${PREFIX}")
