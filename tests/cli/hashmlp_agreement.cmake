# hashmlp_agreement.cmake - a program with a bundled chat model compiled in
# (tinylm-tinychat, a hash-MLP; tinylm-transformer, a transformer) gives, for every prompt of a `prompt | reply` file, the
# reply `tinylm-gen generate` gives from the model file built by the zoo
# model's recorded command.
#
#   cmake -DCHAT=<tinylm-tinychat> -DGEN=<tinylm-gen> -DMODEL=<tinychat.safetensors>
#         -DPROMPTS=<file> -P hashmlp_agreement.cmake
foreach(var CHAT GEN MODEL PROMPTS)
  if(NOT ${var})
    message(FATAL_ERROR "hashmlp_agreement: ${var} is not set")
  endif()
endforeach()
if(NOT EXISTS "${MODEL}")
  message(FATAL_ERROR "hashmlp_agreement: ${MODEL} does not exist (did the zoo fixture run?)")
endif()
file(STRINGS "${PROMPTS}" lines)
set(prompts)
set(expected "")
foreach(line IN LISTS lines)
  string(FIND "${line}" " | " bar)
  if(bar LESS 0)
    continue()
  endif()
  string(SUBSTRING "${line}" 0 ${bar} prompt)
  execute_process(COMMAND "${GEN}" generate --model "${MODEL}" --prompt "${prompt}"
                  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "hashmlp_agreement: tinylm-gen generate failed (${rc}) for '${prompt}'")
  endif()
  string(APPEND expected "${out}")
  string(APPEND input "${prompt}\n")
endforeach()
list(LENGTH lines n)
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/hashmlp_agreement_input.txt" "${input}")
execute_process(COMMAND "${CHAT}" INPUT_FILE "${CMAKE_CURRENT_BINARY_DIR}/hashmlp_agreement_input.txt"
                OUTPUT_VARIABLE got RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "hashmlp_agreement: ${CHAT} failed (${rc})")
endif()
if(NOT got STREQUAL expected)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/hashmlp_agreement_expected.txt" "${expected}")
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/hashmlp_agreement_got.txt" "${got}")
  message(FATAL_ERROR "hashmlp_agreement: the compiled-in model and the model file disagree; compare "
                      "${CMAKE_CURRENT_BINARY_DIR}/hashmlp_agreement_expected.txt and _got.txt")
endif()
message(STATUS "hashmlp_agreement: ${n} prompts, the same replies")
