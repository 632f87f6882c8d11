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
# The boards of the cross-target runs (prompts.bin images): one per core.
set(tinylm_fw_file_boards mps2-an385 mps2-an386 microbit)
string(REPLACE ";" "," tinylm_fw_file_boards_commas "${tinylm_fw_file_boards}")
add_test(NAME firmware.build
  COMMAND ${CMAKE_COMMAND} -DSOURCE=${PROJECT_SOURCE_DIR} -DBINARY=${tinylm_fw_dir}/images -DPROMPTS=100
    -DFILE_BOARDS=${tinylm_fw_file_boards_commas} -P ${CMAKE_CURRENT_LIST_DIR}/build_images.cmake)
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

# A slice of the cross-target run (bench/cross_target.sh runs 10,000 per
# image): firmware.<board>.<family>.stress, 300 prompts of
# tests/target/stress_prompts.hpp through prompts.bin, every reply equal to
# the host oracle's.
add_executable(tinylm_fw_stress ${CMAKE_CURRENT_LIST_DIR}/stress.cpp)
target_link_libraries(tinylm_fw_stress PRIVATE tinylm::tinylm fmt::fmt tinylm_warnings)
target_include_directories(tinylm_fw_stress PRIVATE ${PROJECT_SOURCE_DIR}/tests)
set(tinylm_fw_stress_corpus_ngram sayings.txt)
set(tinylm_fw_stress_corpus_hashmlp tinychat.txt)
set(tinylm_fw_stress_corpus_transformer tinychat.txt)
foreach(board IN LISTS tinylm_fw_file_boards)
  foreach(family ngram hashmlp transformer)
    add_test(NAME firmware.${board}.${family}.stress
      COMMAND ${CMAKE_COMMAND} -DQEMU=${TINYLM_QEMU_ARM} -DMACHINE=${board}
        -DIMAGE=${tinylm_fw_dir}/images/${board}-${family}-file.elf
        -DORACLE=$<TARGET_FILE:tinylm-firmware-host-${family}-file> -DTOOL=$<TARGET_FILE:tinylm_fw_stress>
        -DCORPUS=${PROJECT_SOURCE_DIR}/codegen/corpus/${tinylm_fw_stress_corpus_${family}} -DCOUNT=300 -DSEED=2026
        -DOUT=${tinylm_fw_dir}/stress/${board}-${family} -P ${CMAKE_CURRENT_LIST_DIR}/run_stress.cmake)
    set_tests_properties(firmware.${board}.${family}.stress PROPERTIES LABELS firmware TIMEOUT 600
      FIXTURES_REQUIRED firmware_images)
  endforeach()
endforeach()
# A damaged prompts.bin (half a length, a record past the end, one longer
# than the buffer) or none: status 2 and a clear message, on the host build
# of each family and in QEMU on the first prompts.bin board.
foreach(family ngram hashmlp transformer)
  add_test(NAME firmware.host.${family}.malformed_prompts
    COMMAND ${CMAKE_COMMAND} -DRUN=$<TARGET_FILE:tinylm-firmware-host-${family}-file>
      -DTOOL=$<TARGET_FILE:tinylm_fw_stress> -DOUT=${tinylm_fw_dir}/malformed/host-${family}
      -P ${CMAKE_CURRENT_LIST_DIR}/run_malformed.cmake)
  set_tests_properties(firmware.host.${family}.malformed_prompts PROPERTIES LABELS firmware TIMEOUT 300)
endforeach()
list(GET tinylm_fw_file_boards 0 tinylm_fw_malformed_board)
add_test(NAME firmware.${tinylm_fw_malformed_board}.ngram.malformed_prompts
  COMMAND ${CMAKE_COMMAND} -DQEMU=${TINYLM_QEMU_ARM} -DMACHINE=${tinylm_fw_malformed_board}
    -DIMAGE=${tinylm_fw_dir}/images/${tinylm_fw_malformed_board}-ngram-file.elf
    -DTOOL=$<TARGET_FILE:tinylm_fw_stress> -DOUT=${tinylm_fw_dir}/malformed/${tinylm_fw_malformed_board}-ngram
    -P ${CMAKE_CURRENT_LIST_DIR}/run_malformed.cmake)
set_tests_properties(firmware.${tinylm_fw_malformed_board}.ngram.malformed_prompts PROPERTIES LABELS firmware
  TIMEOUT 300 FIXTURES_REQUIRED firmware_images)
