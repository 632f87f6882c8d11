# Runs one firmware image in QEMU (its semihosting output goes to a file
# through a chardev, apart from QEMU's own messages on stderr) and requires
# exactly the host oracle's output and exit status 0, and that the painted
# stack the image reports ("stack U plan P allowance A", a line the host does
# not print) is within the model's memory plan: U <= P + A.
#   cmake -DQEMU=... -DMACHINE=... -DIMAGE=... -DORACLE=... -DOUT=<prefix> [-DWEIGHTS_TOOL=...]
#         -P run_image.cmake
# With WEIGHTS_TOOL (the staged image), QEMU runs in the directory <prefix>.run
# where the tool has written staged_model.weights, which the image streams.
foreach(var QEMU MACHINE IMAGE ORACLE OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_image.cmake needs -D${var}=...")
  endif()
endforeach()
execute_process(COMMAND ${ORACLE} OUTPUT_FILE ${OUT}.expected RESULT_VARIABLE oracle_rc)
if(NOT oracle_rc EQUAL 0)
  message(FATAL_ERROR "the host oracle ${ORACLE} failed (${oracle_rc})")
endif()
file(REMOVE ${OUT}.got)
set(run_dir ${CMAKE_CURRENT_BINARY_DIR})
if(DEFINED WEIGHTS_TOOL)
  set(run_dir ${OUT}.run)
  file(MAKE_DIRECTORY ${run_dir})
  execute_process(COMMAND ${WEIGHTS_TOOL} ${run_dir}/staged_model.weights RESULT_VARIABLE tool_rc)
  if(NOT tool_rc EQUAL 0)
    message(FATAL_ERROR "${WEIGHTS_TOOL} failed (${tool_rc})")
  endif()
endif()
execute_process(COMMAND ${QEMU} -M ${MACHINE} -nographic -monitor none -serial null
                  -chardev file,id=semihosting,path=${OUT}.got
                  -semihosting-config enable=on,target=native,chardev=semihosting -kernel ${IMAGE}
                WORKING_DIRECTORY ${run_dir} ERROR_VARIABLE qemu_says OUTPUT_QUIET RESULT_VARIABLE rc TIMEOUT 240)
if(NOT EXISTS ${OUT}.got)
  message(FATAL_ERROR "${MACHINE}: ${IMAGE} wrote nothing (exit '${rc}'); QEMU said:\n${qemu_says}")
endif()
file(READ ${OUT}.expected expected)
file(READ ${OUT}.got got)
string(REGEX MATCH "stack ([0-9]+) plan ([0-9]+) allowance ([0-9]+)\n" stack_line "${got}")
if(stack_line STREQUAL "")
  string(SUBSTRING "${got}" 0 2000 head)
  message(FATAL_ERROR "${MACHINE}: ${IMAGE} printed no stack measurement; its output began:\n${head}")
endif()
set(stack_used ${CMAKE_MATCH_1})
set(stack_plan ${CMAKE_MATCH_2})
set(stack_allowance ${CMAKE_MATCH_3})
string(REPLACE "${stack_line}" "" got "${got}")
if(NOT rc STREQUAL "0")
  string(SUBSTRING "${got}" 0 2000 head)
  message(FATAL_ERROR "${MACHINE}: ${IMAGE} exited with '${rc}' (3: a fault; a timeout: a hang); its output began:\n${head}\nQEMU said:\n${qemu_says}")
endif()
if(NOT got STREQUAL expected)
  execute_process(COMMAND diff ${OUT}.expected ${OUT}.got OUTPUT_VARIABLE d)
  string(SUBSTRING "${d}" 0 3000 d)
  message(FATAL_ERROR "${MACHINE}: ${IMAGE} printed something else than the host (< host, > board):\n${d}")
endif()
math(EXPR stack_limit "${stack_plan} + ${stack_allowance}")
if(stack_used GREATER stack_limit)
  message(FATAL_ERROR "${MACHINE}: ${IMAGE} used ${stack_used} bytes of stack below the reply call: more than "
                      "its plan (${stack_plan}) + the allowance (${stack_allowance}) = ${stack_limit}")
endif()
string(REGEX MATCHALL "\n" lines "${got}")
list(LENGTH lines n)
message(STATUS "${MACHINE}: ${n} lines, identical to the host's; stack ${stack_used} bytes, plan ${stack_plan} + allowance ${stack_allowance}")
