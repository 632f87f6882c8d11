# Tests of the generator, tinylm-gen (only when it is built):
#   cli.*   its command line: help, bad inputs, corrupt model files, prompts
#           (tests/cli/tests.cmake)
#   zoo.*   the bundled models are reproducible from their recorded commands
# and the regenerate-zoo target, which rewrites the bundled headers from the
# corpora with those commands.
if(NOT TARGET tinylm-gen)
  return()
endif()

include(${CMAKE_CURRENT_LIST_DIR}/cli/tests.cmake)

# ---- zoo ----------------------------------------------------------------------
# The bundled models made by a recorded `tinylm-gen` command on line 2 of their
# header, from a corpus in codegen/corpus. Every one is rebuilt once and must
# give the checked-in header byte for byte (its model file then serves other
# tests: fixture zoo_<model>); the fast ones (seconds) are also built twice
# from two places and round-tripped through `tinylm-gen header`. The trained
# hash-MLP models take a minute or more each: one rebuild.
# The trained models (hash-MLP and transformer) are retrained once per CI run:
# by the g++ build, not again by the nested sanitizer build (the sanitize
# preset and tests/toolchain/nested_build.cmake turn this off; the headers of
# those models still compile and answer there, and the trainer still runs
# under the sanitizers in the command-line tests' small trainings).
option(TINYLM_ZOO_RETRAIN "Retrain the bundled trained models and require their headers' bytes" ON)
set(TINYLM_ZOO_FAST_MODELS sayings)
set(TINYLM_ZOO_TRAINED_MODELS)
set(TINYLM_ZOO_TRANSFORMER_MODELS)
if(TINYLM_ZOO_RETRAIN)
  set(TINYLM_ZOO_TRAINED_MODELS tinychat guess)
  foreach(model tinychat_transformer sayings_transformer)
    if(EXISTS "${PROJECT_SOURCE_DIR}/include/tinylm/zoo/${model}.hpp")
      list(APPEND TINYLM_ZOO_TRANSFORMER_MODELS ${model})
    endif()
  endforeach()
endif()

set(tinylm_zoo_script "${PROJECT_SOURCE_DIR}/cmake/zoo_model.cmake")
set(tinylm_zoo_regenerate_commands)
foreach(model IN LISTS TINYLM_ZOO_FAST_MODELS TINYLM_ZOO_TRAINED_MODELS TINYLM_ZOO_TRANSFORMER_MODELS)
  set(header "${PROJECT_SOURCE_DIR}/include/tinylm/zoo/${model}.hpp")
  set(zoo_args
    "-DGEN=$<TARGET_FILE:tinylm-gen>"
    "-DHEADER=${header}"
    "-DCORPUS_DIR=${PROJECT_SOURCE_DIR}/codegen/corpus")
  # The checked-in header is what its recorded command writes, byte for byte.
  add_test(NAME zoo.reproducible.${model}
    COMMAND ${CMAKE_COMMAND} ${zoo_args}
      "-DOUT_DIR=${CMAKE_CURRENT_BINARY_DIR}/zoo/${model}/reproducible" -DMODE=check
      -P "${tinylm_zoo_script}")
  set_tests_properties(zoo.reproducible.${model} PROPERTIES
    LABELS zoo TIMEOUT 900 FIXTURES_SETUP zoo_${model})
  list(APPEND tinylm_zoo_regenerate_commands
    COMMAND ${CMAKE_COMMAND} ${zoo_args}
      "-DOUT_DIR=${CMAKE_CURRENT_BINARY_DIR}/zoo/${model}/regenerate" -DMODE=write
      -P "${tinylm_zoo_script}")
  if(NOT model IN_LIST TINYLM_ZOO_FAST_MODELS)
    continue()
  endif()
  # Two builds (the second from a copy of the corpus elsewhere) give the same
  # model file and header.
  add_test(NAME zoo.deterministic.${model}
    COMMAND ${CMAKE_COMMAND} ${zoo_args}
      "-DOUT_DIR=${CMAKE_CURRENT_BINARY_DIR}/zoo/${model}/deterministic" -DMODE=twice
      -P "${tinylm_zoo_script}")
  # The header written again from the model file (tinylm-gen header) has the
  # same code (its comments name another command and more metadata).
  add_test(NAME zoo.header_roundtrip.${model}
    COMMAND ${CMAKE_COMMAND} ${zoo_args}
      "-DOUT_DIR=${CMAKE_CURRENT_BINARY_DIR}/zoo/${model}/header_roundtrip" -DMODE=header
      -P "${tinylm_zoo_script}")
  set_tests_properties(zoo.deterministic.${model} zoo.header_roundtrip.${model} PROPERTIES
    LABELS zoo TIMEOUT 120)
endforeach()
set(tinylm_zoo_models "${CMAKE_CURRENT_BINARY_DIR}/zoo")
# tinylm-tinychat (the header compiled in) answers the held-out prompts as
# tinylm-gen generate does from the rebuilt model file.
if(TARGET tinylm-tinychat AND "tinychat" IN_LIST TINYLM_ZOO_TRAINED_MODELS)
  add_test(NAME zoo.tinychat_agreement
    COMMAND ${CMAKE_COMMAND} "-DCHAT=$<TARGET_FILE:tinylm-tinychat>" "-DGEN=$<TARGET_FILE:tinylm-gen>"
      "-DMODEL=${tinylm_zoo_models}/tinychat/reproducible/tinychat.safetensors"
      "-DPROMPTS=${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat-heldout.txt"
      -P "${CMAKE_CURRENT_LIST_DIR}/cli/hashmlp_agreement.cmake")
  set_tests_properties(zoo.tinychat_agreement PROPERTIES LABELS zoo TIMEOUT 300 FIXTURES_REQUIRED zoo_tinychat)
endif()
# tinylm-transformer (the chat transformer's header compiled in) answers the
# held-out prompts as tinylm-gen generate does from the retrained model file.
if(TARGET tinylm-transformer AND "tinychat_transformer" IN_LIST TINYLM_ZOO_TRANSFORMER_MODELS)
  add_test(NAME zoo.tinychat_transformer_agreement
    COMMAND ${CMAKE_COMMAND} "-DCHAT=$<TARGET_FILE:tinylm-transformer>" "-DGEN=$<TARGET_FILE:tinylm-gen>"
      "-DMODEL=${tinylm_zoo_models}/tinychat_transformer/reproducible/tinychat_transformer.safetensors"
      "-DPROMPTS=${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat-heldout.txt"
      -P "${CMAKE_CURRENT_LIST_DIR}/cli/hashmlp_agreement.cmake")
  set_tests_properties(zoo.tinychat_transformer_agreement PROPERTIES LABELS zoo TIMEOUT 300
                       FIXTURES_REQUIRED zoo_tinychat_transformer)
endif()
# The CP/M programs of examples/cpm (written from the headers) are what
# `tinylm-gen emit --target cpm` writes from the model files.
if(TARGET cpm-com)
  set(cpm_example_dir "${PROJECT_BINARY_DIR}/examples/cpm/com")
  if(TINYLM_ZOO_RETRAIN)  # the retrained model files
    add_test(NAME zoo.cpm_emit.tinychat
      COMMAND ${CMAKE_COMMAND} -E chdir "${CMAKE_CURRENT_BINARY_DIR}"
        sh -c "$<TARGET_FILE:tinylm-gen> emit --target cpm --com-name TINYCHAT -o zoo/cpm_tinychat --model zoo/tinychat/reproducible/tinychat.safetensors >/dev/null && cmp zoo/cpm_tinychat/tinychat.asm '${cpm_example_dir}/tinychat.asm'")
    add_test(NAME zoo.cpm_emit.guess
      COMMAND ${CMAKE_COMMAND} -E chdir "${CMAKE_CURRENT_BINARY_DIR}"
        sh -c "$<TARGET_FILE:tinylm-gen> emit --target cpm --com-name GUESS --max-reply 8 --game apple,book,car,cat,moon,piano -o zoo/cpm_guess --model zoo/guess/reproducible/guess.safetensors >/dev/null && cmp zoo/cpm_guess/guess.asm '${cpm_example_dir}/guess.asm'")
    set_tests_properties(zoo.cpm_emit.tinychat PROPERTIES LABELS zoo FIXTURES_REQUIRED zoo_tinychat)
    set_tests_properties(zoo.cpm_emit.guess PROPERTIES LABELS zoo FIXTURES_REQUIRED zoo_guess)
  endif()
  # The issue's limit: TINYCHAT.COM is at most 40 KB (40,960 bytes).
  add_test(NAME zoo.cpm_size.tinychat
    COMMAND sh -c "test $(wc -c < '${cpm_example_dir}/TINYCHAT.COM') -le 40960")
  set_tests_properties(zoo.cpm_size.tinychat PROPERTIES LABELS zoo)
endif()
# The game: a win ends it (exit 0) with the count of questions.
if(TARGET tinylm-guess)
  add_test(NAME examples.guess_win
    COMMAND sh -c "printf 'is it alive\\nis it a cat\\n' | $<TARGET_FILE:tinylm-guess> --object cat")
  set_tests_properties(examples.guess_win PROPERTIES LABELS examples
    PASS_REGULAR_EXPRESSION "^YES\nWIN\nYou got it in 2: it was the cat[.]\n$")
  add_test(NAME examples.guess_bad_object COMMAND $<TARGET_FILE:tinylm-guess> --object stone)
  set_tests_properties(examples.guess_bad_object PROPERTIES LABELS examples WILL_FAIL TRUE)
endif()

# `cmake --build <dir> --target regenerate-zoo` rewrites include/tinylm/zoo/*.hpp
# from the corpora with their recorded commands (then review the diff). To
# change how a model is built, edit the command on line 2 of its header and
# run this target.
add_custom_target(regenerate-zoo
  ${tinylm_zoo_regenerate_commands}
  DEPENDS tinylm-gen
  COMMENT "Regenerating include/tinylm/zoo from codegen/corpus with the recorded commands"
  VERBATIM)
