# A prompts.bin image (examples/firmware, TINYLM_FW_PROMPT_FILE=1) given a
# damaged prompts.bin, or none: it must stop with status 2 and say
# "prompts.bin is missing or malformed" (after answering the good record
# before the damage), never hang or fault. RUN is the host oracle, or QEMU
# with the image when QEMU is given.
#   cmake -DRUN=<host program> | -DQEMU=... -DMACHINE=... -DIMAGE=...
#         -DTOOL=<tinylm_fw_stress> -DOUT=<directory> -P run_malformed.cmake
foreach(var TOOL OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_malformed.cmake needs -D${var}=...")
  endif()
endforeach()
get_filename_component(OUT "${OUT}" ABSOLUTE)
foreach(kind missing half-length past-end too-long)
  set(dir ${OUT}/${kind})
  file(REMOVE_RECURSE ${dir})
  file(MAKE_DIRECTORY ${dir})
  if(NOT kind STREQUAL "missing")
    execute_process(COMMAND ${TOOL} write-malformed ${dir}/prompts.bin ${kind} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${TOOL} write-malformed failed (${rc})")
    endif()
  endif()
  if(DEFINED QEMU)
    execute_process(COMMAND ${QEMU} -M ${MACHINE} -nographic -monitor none -serial null
                      -chardev file,id=semihosting,path=${dir}/got
                      -semihosting-config enable=on,target=native,chardev=semihosting -kernel ${IMAGE}
                    WORKING_DIRECTORY ${dir} ERROR_QUIET OUTPUT_QUIET RESULT_VARIABLE rc TIMEOUT 120)
    file(READ ${dir}/got got)
  else()
    execute_process(COMMAND ${RUN} WORKING_DIRECTORY ${dir} OUTPUT_VARIABLE got RESULT_VARIABLE rc TIMEOUT 120)
  endif()
  if(NOT rc STREQUAL "2" OR NOT got MATCHES "prompts.bin is missing or malformed\n")
    message(FATAL_ERROR "${kind}: expected status 2 and 'prompts.bin is missing or malformed', got '${rc}':\n${got}")
  endif()
  if(NOT kind STREQUAL "missing" AND NOT got MATCHES "^1\t[0-9]+\t")
    message(FATAL_ERROR "${kind}: the good record before the damage was not answered:\n${got}")
  endif()
  message(STATUS "${kind}: refused with status 2")
endforeach()
