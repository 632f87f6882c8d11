# run_consumer.cmake - configures, builds and runs a consumer project in a
# fresh binary directory, the way a user would.
#
#   cmake -DSOURCE_DIR=<consumer project> -DBINARY_DIR=<fresh dir>
#         -DGENERATOR=<generator> [-DMAKE_PROGRAM=<ninja/make>] -DCXX=<compiler>
#         [-DBUILD_TYPE=Release] [-DCACHE_ARGS=-DA=1|-DB=2]
#         -DPROGRAM=<target name> [-DRUN_ARGS=arg|arg] [-DEXPECT_OUTPUT=regex]
#         -P run_consumer.cmake
#
# Package registries are off, so find_package finds only what CACHE_ARGS
# point to (CMAKE_PREFIX_PATH, ...).
cmake_minimum_required(VERSION 3.20)
foreach(var SOURCE_DIR BINARY_DIR GENERATOR CXX PROGRAM)
  if(NOT ${var})
    message(FATAL_ERROR "run_consumer: ${var} is not set")
  endif()
endforeach()
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()
string(REPLACE "|" ";" cache_args "${CACHE_ARGS}")
string(REPLACE "|" ";" run_args "${RUN_ARGS}")

file(REMOVE_RECURSE "${BINARY_DIR}")

function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result STREQUAL "0")
    message(FATAL_ERROR "run_consumer: ${what} failed (${result}):\n${output}")
  endif()
  set(step_output "${output}" PARENT_SCOPE)
endfunction()

set(make_program)
if(MAKE_PROGRAM)
  set(make_program "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
step("configure"
  "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}" ${make_program}
  "-DCMAKE_CXX_COMPILER=${CXX}"
  "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
  ${cache_args})
step("build" "${CMAKE_COMMAND}" --build "${BINARY_DIR}" --config "${BUILD_TYPE}")

set(exe)
foreach(candidate "${BINARY_DIR}/${PROGRAM}" "${BINARY_DIR}/${BUILD_TYPE}/${PROGRAM}"
                  "${BINARY_DIR}/${PROGRAM}.exe" "${BINARY_DIR}/${BUILD_TYPE}/${PROGRAM}.exe")
  if(EXISTS "${candidate}")
    set(exe "${candidate}")
    break()
  endif()
endforeach()
if(NOT exe)
  message(FATAL_ERROR "run_consumer: the build made no program '${PROGRAM}' in ${BINARY_DIR}")
endif()
step("running ${PROGRAM}" "${exe}" ${run_args})
if(EXPECT_OUTPUT AND NOT step_output MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "run_consumer: the output of ${PROGRAM} does not match '${EXPECT_OUTPUT}':\n${step_output}")
endif()
message(STATUS "run_consumer: ${step_output}")
