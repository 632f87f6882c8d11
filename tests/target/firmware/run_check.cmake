# Runs a self-checking firmware image in QEMU (kernel_check.cpp) and requires
# exit status 0 and a line matching EXPECT:
#   cmake -DQEMU=... -DMACHINE=... -DIMAGE=... -DOUT=<file> -DEXPECT=<regex> -P run_check.cmake
foreach(var QEMU MACHINE IMAGE OUT EXPECT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_check.cmake needs -D${var}=...")
  endif()
endforeach()
file(REMOVE ${OUT})
execute_process(COMMAND ${QEMU} -M ${MACHINE} -nographic -monitor none -serial null
                  -chardev file,id=semihosting,path=${OUT}
                  -semihosting-config enable=on,target=native,chardev=semihosting -kernel ${IMAGE}
                ERROR_VARIABLE qemu_says OUTPUT_QUIET RESULT_VARIABLE rc TIMEOUT 240)
set(got "")
if(EXISTS ${OUT})
  file(READ ${OUT} got)
endif()
if(NOT rc STREQUAL "0" OR NOT got MATCHES "${EXPECT}")
  message(FATAL_ERROR "${MACHINE}: ${IMAGE} exited with '${rc}' and printed:\n${got}\nQEMU said:\n${qemu_says}")
endif()
string(STRIP "${got}" got)
message(STATUS "${MACHINE}: ${got}")
