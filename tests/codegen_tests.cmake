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
# header, from a corpus in codegen/corpus. Add a model here when its build is
# fast (seconds): the tests rebuild it four times.
set(TINYLM_ZOO_REPRODUCIBLE_MODELS sayings)

set(tinylm_zoo_script "${PROJECT_SOURCE_DIR}/cmake/zoo_model.cmake")
set(tinylm_zoo_regenerate_commands)
foreach(model IN LISTS TINYLM_ZOO_REPRODUCIBLE_MODELS)
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
  set_tests_properties(zoo.reproducible.${model} zoo.deterministic.${model} zoo.header_roundtrip.${model}
    PROPERTIES
    LABELS zoo TIMEOUT 120)
  list(APPEND tinylm_zoo_regenerate_commands
    COMMAND ${CMAKE_COMMAND} ${zoo_args}
      "-DOUT_DIR=${CMAKE_CURRENT_BINARY_DIR}/zoo/${model}/regenerate" -DMODE=write
      -P "${tinylm_zoo_script}")
endforeach()

# `cmake --build <dir> --target regenerate-zoo` rewrites include/tinylm/zoo/*.hpp
# from the corpora with their recorded commands (then review the diff). To
# change how a model is built, edit the command on line 2 of its header and
# run this target.
add_custom_target(regenerate-zoo
  ${tinylm_zoo_regenerate_commands}
  DEPENDS tinylm-gen
  COMMENT "Regenerating include/tinylm/zoo from codegen/corpus with the recorded commands"
  VERBATIM)
