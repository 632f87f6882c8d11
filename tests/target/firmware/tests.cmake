# tests/target/firmware: examples/firmware's images (the n-gram, hash-MLP
# and transformer models on QEMU's mps2-an385 (M3), mps2-an386 (M4),
# microbit (M0) and lm3s811evb (M3, 64 KB flash, 8 KB RAM)):
#   firmware.build            the images, by a nested configure with cmake/arm-none-eabi.cmake
#   firmware.symbols          no exceptions, heap or abort in any image
#   firmware.<board>.<family> 100 prompts in QEMU: exactly the host oracle's output, and
#                             the painted stack within the model's plan (run_image.cmake);
#                             family staged: a transformer of 86 KB of weights streamed
#                             from a host file through semihosting (tinylm/staged.hpp),
#                             against the oracle's resident run
#   firmware.<board>.kernels  the run-time kernels (dot_int8: SMLAD on the M4) against their
#                             constexpr reference on the board (kernel_check.cpp)
if(NOT TARGET tinylm-firmware-host-ngram)
  return()
endif()
find_program(TINYLM_ARM_GXX arm-none-eabi-g++)
find_program(TINYLM_ARM_NM_HOST arm-none-eabi-nm)
find_program(TINYLM_QEMU_ARM qemu-system-arm)
if(NOT TINYLM_ARM_GXX OR NOT TINYLM_ARM_NM_HOST OR NOT TINYLM_QEMU_ARM)
  add_test(NAME firmware.skipped COMMAND ${CMAKE_COMMAND} -E echo
    "arm-none-eabi-g++, arm-none-eabi-nm or qemu-system-arm not found (cmake/install-deps.sh installs them)")
  set_tests_properties(firmware.skipped PROPERTIES LABELS firmware SKIP_REGULAR_EXPRESSION "not found")
  return()
endif()
set(tinylm_fw_dir ${CMAKE_CURRENT_BINARY_DIR}/firmware)
add_test(NAME firmware.build
  COMMAND ${CMAKE_COMMAND} -DSOURCE=${PROJECT_SOURCE_DIR} -DBINARY=${tinylm_fw_dir}/images -DPROMPTS=100
    -P ${CMAKE_CURRENT_LIST_DIR}/build_images.cmake)
set_tests_properties(firmware.build PROPERTIES LABELS firmware TIMEOUT 900 FIXTURES_SETUP firmware_images)
add_test(NAME firmware.symbols
  COMMAND ${CMAKE_COMMAND} -DNM=${TINYLM_ARM_NM_HOST} -DDIR=${tinylm_fw_dir}/images
    -P ${CMAKE_CURRENT_LIST_DIR}/check_symbols.cmake)
set_tests_properties(firmware.symbols PROPERTIES LABELS firmware FIXTURES_REQUIRED firmware_images)
foreach(board mps2-an385 mps2-an386 microbit lm3s811evb)
  add_test(NAME firmware.${board}.kernels
    COMMAND ${CMAKE_COMMAND} -DQEMU=${TINYLM_QEMU_ARM} -DMACHINE=${board}
      -DIMAGE=${tinylm_fw_dir}/images/${board}-kernels.elf -DOUT=${tinylm_fw_dir}/${board}-kernels.got
      "-DEXPECT=kernels: [0-9]+ checks, 0 mismatches" -P ${CMAKE_CURRENT_LIST_DIR}/run_check.cmake)
  set_tests_properties(firmware.${board}.kernels PROPERTIES LABELS firmware TIMEOUT 300
    FIXTURES_REQUIRED firmware_images)
  foreach(family ngram hashmlp transformer staged)
    set(weights_tool)
    if(family STREQUAL "staged")
      set(weights_tool -DWEIGHTS_TOOL=$<TARGET_FILE:tinylm-firmware-staged-weights>)
    endif()
    add_test(NAME firmware.${board}.${family}
      COMMAND ${CMAKE_COMMAND} -DQEMU=${TINYLM_QEMU_ARM} -DMACHINE=${board}
        -DIMAGE=${tinylm_fw_dir}/images/${board}-${family}.elf
        -DORACLE=$<TARGET_FILE:tinylm-firmware-host-${family}> -DOUT=${tinylm_fw_dir}/${board}-${family}
        ${weights_tool} -P ${CMAKE_CURRENT_LIST_DIR}/run_image.cmake)
    set_tests_properties(firmware.${board}.${family} PROPERTIES LABELS firmware TIMEOUT 300
      FIXTURES_REQUIRED firmware_images)
  endforeach()
endforeach()
