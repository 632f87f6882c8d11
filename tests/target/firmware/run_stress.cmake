# Runs one prompts.bin image (examples/firmware, TINYLM_FW_PROMPT_FILE=1) in
# QEMU on COUNT prompts of tests/target/stress_prompts.hpp, and its host
# oracle on the same file, and compares every reply (tinylm_fw_stress).
#   cmake -DQEMU=... -DMACHINE=... -DIMAGE=... -DORACLE=... -DTOOL=... -DCORPUS=...
#         -DCOUNT=... -DSEED=... -DOUT=<directory> -P run_stress.cmake
foreach(var QEMU MACHINE IMAGE ORACLE TOOL CORPUS COUNT SEED OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_stress.cmake needs -D${var}=...")
  endif()
endforeach()
foreach(var IMAGE ORACLE TOOL CORPUS OUT)  # the runs below are in OUT
  get_filename_component(${var} "${${var}}" ABSOLUTE)
endforeach()
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${TOOL} write ${OUT}/prompts.bin ${SEED} ${COUNT} ${CORPUS} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TOOL} write failed (${rc})")
endif()
execute_process(COMMAND ${ORACLE} WORKING_DIRECTORY ${OUT} OUTPUT_FILE ${OUT}/expected RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the host oracle ${ORACLE} failed (${rc})")
endif()
execute_process(COMMAND ${QEMU} -M ${MACHINE} -nographic -monitor none -serial null
                  -chardev file,id=semihosting,path=${OUT}/got
                  -semihosting-config enable=on,target=native,chardev=semihosting -kernel ${IMAGE}
                WORKING_DIRECTORY ${OUT} ERROR_VARIABLE qemu_says OUTPUT_QUIET RESULT_VARIABLE rc TIMEOUT 3000)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "${MACHINE}: ${IMAGE} exited with '${rc}' (3: a fault; a timeout: a hang); QEMU said:\n${qemu_says}")
endif()
# The board's stack line (the host prints none) goes before the comparison.
file(READ ${OUT}/got got)
string(REGEX REPLACE "stack [0-9]+ plan [0-9]+ allowance [0-9]+\n(done\n)$" "\\1" got "${got}")
file(WRITE ${OUT}/got.replies "${got}")
execute_process(COMMAND ${TOOL} compare ${OUT}/prompts.bin ${OUT}/expected ${OUT}/got.replies RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${MACHINE}: ${IMAGE} and the host disagree")
endif()
