# Configures and builds examples/firmware with the Arm toolchain file:
#   cmake -DSOURCE=<tinylm root> -DBINARY=<dir> -DPROMPTS=<n> [-DFILE_BOARDS=<board,board,...>] -P build_images.cmake
foreach(var SOURCE BINARY PROMPTS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "build_images.cmake needs -D${var}=...")
  endif()
endforeach()
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} -S ${SOURCE}/examples/firmware -B ${BINARY} -G Ninja
    -DCMAKE_TOOLCHAIN_FILE=${SOURCE}/cmake/arm-none-eabi.cmake -DTINYLM_FW_PROMPTS=${PROMPTS}
    -DTINYLM_FW_KERNEL_CHECK=${SOURCE}/tests/target/firmware/kernel_check.cpp
    -DTINYLM_FW_FILE_BOARDS=${FILE_BOARDS})
run(${CMAKE_COMMAND} --build ${BINARY})
