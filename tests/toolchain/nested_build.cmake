# Configures, builds and tests the whole project again with another compiler,
# in a fresh binary directory, under AddressSanitizer and
# UndefinedBehaviorSanitizer (the sanitize preset's settings: every program of
# the build stops at its first error; the bundled trained models are not
# retrained here, the g++ build does that):
#   cmake -DSOURCE=... -DBINARY=... -DCXX=... -P nested_build.cmake
foreach(var SOURCE BINARY CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "nested_build.cmake needs -D${var}=...")
  endif()
endforeach()
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} -S ${SOURCE} -B ${BINARY} -G Ninja -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_BUILD_TYPE=Release -DTINYLM_WERROR=ON -DTINYLM_NESTED_TOOLCHAIN_TESTS=OFF
    -DTINYLM_SANITIZE=ON -DTINYLM_ZOO_RETRAIN=OFF)
run(${CMAKE_COMMAND} --build ${BINARY})
run(${CMAKE_COMMAND} -E env CTEST_OUTPUT_ON_FAILURE=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir ${BINARY} -j2 --no-tests=error)
