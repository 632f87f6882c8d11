# chat_agreement.cmake - tinylm-chat (the bundled model compiled into a
# program) must print what tinylm-gen generate prints for the same model
# file, prompt and seed: the header path and the file path agree.
#
#   cmake -DCHAT=<tinylm-chat> -DGEN=<tinylm-gen> -DMODEL=<sayings.safetensors> -P chat_agreement.cmake
cmake_minimum_required(VERSION 3.20)
foreach(var CHAT GEN MODEL)
  if(NOT ${var})
    message(FATAL_ERROR "chat_agreement: ${var} is not set")
  endif()
endforeach()

set(cases
  "Q: |2026" "The cat|11" "Q: What is a byte? A: |5" "|1" "|2" "|3" "Tell me|0" "a b c d e f g h|4294967295")
set(checked 0)
foreach(case IN LISTS cases)
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 prompt)
  list(LENGTH parts n)
  if(n EQUAL 1)  # an empty prompt: the list lost its first element
    set(prompt "")
    list(GET parts 0 seed)
  else()
    list(GET parts 1 seed)
  endif()
  execute_process(COMMAND "${CHAT}" --seed ${seed} --max-length 256 -- "${prompt}"
                  OUTPUT_VARIABLE chat_out RESULT_VARIABLE chat_rc)
  execute_process(COMMAND "${GEN}" generate --model "${MODEL}" "--prompt=${prompt}" --seed ${seed} --max-length 256
                  OUTPUT_VARIABLE gen_out RESULT_VARIABLE gen_rc)
  if(NOT chat_rc EQUAL 0 OR NOT gen_rc EQUAL 0)
    message(FATAL_ERROR "chat_agreement: exit codes ${chat_rc} (chat) and ${gen_rc} (gen) for prompt '${prompt}' seed ${seed}")
  endif()
  if(NOT chat_out STREQUAL gen_out)
    message(FATAL_ERROR "chat_agreement: prompt '${prompt}' seed ${seed}:\n  tinylm-chat:  ${chat_out}  tinylm-gen:   ${gen_out}")
  endif()
  if(chat_out STREQUAL "\n" AND NOT prompt STREQUAL "")
    message(STATUS "chat_agreement: empty reply for '${prompt}' seed ${seed}")
  endif()
  math(EXPR checked "${checked} + 1")
endforeach()
message(STATUS "chat_agreement: ${checked} prompts agree")
