# NES target tests (include()d from tests/CMakeLists.txt):
#   nes.stub_expected  tests/target/nes/stub_expected.txt is what the independent
#                      reference of the stub (stub_reference.py) computes
#   nes.shell.stub     the NES shell (codegen/asm/m6502/nes) linked with the stub
#                      runtime, played in fceux headless by tests/target/nes/drive.lua;
#                      its output must equal stub_expected.txt and its screen
#                      must show it. Skipped (not failed) without fceux or
#                      xvfb-run. Artifacts (ROM, map, results, log, screenshots)
#                      in <build>/tests/target/nes/<name>/.
#   nes.setup.sayings  (fixture, with tinylm-gen and cl65) the bundled sayings
#                      model, its cartridge from `tinylm-gen emit --target nes`
#                      built with the printed cl65 command (the printed RAM and
#                      ROM plans checked against ld65's map), and the expected
#                      file from the C++ oracle (`tinylm-gen generate`)
#   nes.shell.sayings  that ROM in fceux: every case must equal the C++ oracle
#                      byte for byte
#   nes.setup.uxrom_200k, nes.shell.uxrom_200k  the same for a 200 KB order-6
#                      model on the banked cartridge (emit --target nes-uxrom)
#
# tinylm_nes_test(<name> EXPECTED <file> [RUNTIME <.s>...] [RUNTIME_INCLUDE <dir>...]
#                 [ROM <file.nes> [LABELS <ld65 -Ln file>]] [CASES <file>]
#                 [DEPENDS <fixture>...])
# adds the test nes.<name>: the shell linked with RUNTIME (default: the stub),
# or a ready ROM, against EXPECTED (format: see run_nes_test.cmake). LABELS
# (automatic when the test links the ROM) enables the NMI timing check.

set(TINYLM_NES_TESTS_DIR "${CMAKE_CURRENT_LIST_DIR}")

find_program(TINYLM_FCEUX fceux PATHS /usr/games)
find_program(TINYLM_XVFB_RUN xvfb-run)
find_program(TINYLM_CA65 ca65)
find_program(TINYLM_LD65 ld65)
if(NOT TINYLM_FCEUX OR NOT TINYLM_XVFB_RUN OR NOT TINYLM_CA65 OR NOT TINYLM_LD65)
  message(STATUS "NES emulator tests will be skipped: need ca65, ld65, fceux and xvfb-run "
                 "(found: ${TINYLM_CA65} ${TINYLM_LD65} ${TINYLM_FCEUX} ${TINYLM_XVFB_RUN}; run cmake/install-deps.sh)")
endif()

function(tinylm_nes_test name)
  cmake_parse_arguments(T "" "EXPECTED;ROM;LABELS;CASES;SHELL_DIR" "RUNTIME;RUNTIME_INCLUDE;DEPENDS" ${ARGN})
  if(T_UNPARSED_ARGUMENTS OR NOT T_EXPECTED)
    message(FATAL_ERROR "tinylm_nes_test(${name}): EXPECTED is required; unknown: ${T_UNPARSED_ARGUMENTS}")
  endif()
  set(args "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/nes/${name}" "-DEXPECTED=${T_EXPECTED}")
  foreach(tool FCEUX XVFB_RUN CA65 LD65)
    if(TINYLM_${tool})
      list(APPEND args "-D${tool}=${TINYLM_${tool}}")
    endif()
  endforeach()
  if(T_ROM)
    list(APPEND args "-DROM=${T_ROM}")
  endif()
  if(T_LABELS)
    list(APPEND args "-DLABELS=${T_LABELS}")
  endif()
  if(T_CASES)
    list(APPEND args "-DCASES=${T_CASES}")
  endif()
  if(T_SHELL_DIR)
    list(APPEND args "-DSHELL_DIR=${T_SHELL_DIR}")
  endif()
  if(T_RUNTIME)
    string(JOIN "|" runtime ${T_RUNTIME})
    list(APPEND args "-DRUNTIME=${runtime}")
  endif()
  if(T_RUNTIME_INCLUDE)
    string(JOIN "|" include ${T_RUNTIME_INCLUDE})
    list(APPEND args "-DRUNTIME_INCLUDE=${include}")
  endif()
  add_test(NAME nes.${name}
           COMMAND ${CMAKE_COMMAND} ${args} -P "${TINYLM_NES_TESTS_DIR}/run_nes_test.cmake")
  set_tests_properties(nes.${name} PROPERTIES
    LABELS nes TIMEOUT 300
    SKIP_REGULAR_EXPRESSION "NES test skipped:"
    RESOURCE_LOCK tinylm_xvfb)     # one Xvfb at a time: xvfb-run -a races on display numbers
  if(T_DEPENDS)
    set_tests_properties(nes.${name} PROPERTIES FIXTURES_REQUIRED "${T_DEPENDS}")
  endif()
endfunction()

# ---- the shell on the stub runtime ---------------------------------------------
find_program(TINYLM_NES_PYTHON3 python3)
if(TINYLM_NES_PYTHON3)
  add_test(NAME nes.stub_expected
           COMMAND ${TINYLM_NES_PYTHON3} "${TINYLM_NES_TESTS_DIR}/stub_reference.py" --check)
  set_tests_properties(nes.stub_expected PROPERTIES LABELS nes)
endif()

# ---- the cartridge of `tinylm-gen emit --target nes`, against the C++ oracle ------
find_program(TINYLM_NES_CL65 cl65)
if(TARGET tinylm-gen AND TINYLM_NES_CL65)
  set(nes_model_dir "${CMAKE_CURRENT_BINARY_DIR}/nes/sayings-model")
  add_test(NAME nes.setup.sayings
           COMMAND ${CMAKE_COMMAND} "-DGEN=$<TARGET_FILE:tinylm-gen>" "-DCL65=${TINYLM_NES_CL65}"
                   "-DCORPUS=${TINYLM_NES_TESTS_DIR}/../../../codegen/corpus/sayings.txt"
                   "-DOUT_DIR=${nes_model_dir}"
                   -P "${TINYLM_NES_TESTS_DIR}/real_model_setup.cmake")
  set_tests_properties(nes.setup.sayings PROPERTIES LABELS nes TIMEOUT 120
                       FIXTURES_SETUP tinylm_nes_sayings)
  # The shell (as the generator writes it, its zero page filled in) on the stub runtime.
  tinylm_nes_test(shell.stub EXPECTED "${TINYLM_NES_TESTS_DIR}/stub_expected.txt" SHELL_DIR "${nes_model_dir}/emit"
                  DEPENDS tinylm_nes_sayings)
  tinylm_nes_test(shell.sayings EXPECTED "${nes_model_dir}/expected.txt"
                  ROM "${nes_model_dir}/emit/tinylm.nes" LABELS "${nes_model_dir}/emit/tinylm.labels"
                  DEPENDS tinylm_nes_sayings)
  # The banked cartridge (UxROM, mapper 2) with a 200 KB order-6 model.
  set(nes_big_dir "${CMAKE_CURRENT_BINARY_DIR}/nes/uxrom-200k-model")
  add_test(NAME nes.setup.uxrom_200k
           COMMAND ${CMAKE_COMMAND} "-DGEN=$<TARGET_FILE:tinylm-gen>" "-DCL65=${TINYLM_NES_CL65}"
                   "-DCORPUS=${TINYLM_NES_TESTS_DIR}/../../../codegen/corpus/sayings.txt"
                   "-DOUT_DIR=${nes_big_dir}" -DTARGET=nes-uxrom -DORDER=6 -DBUDGET=200K
                   -P "${TINYLM_NES_TESTS_DIR}/real_model_setup.cmake")
  set_tests_properties(nes.setup.uxrom_200k PROPERTIES LABELS nes TIMEOUT 120
                       FIXTURES_SETUP tinylm_nes_uxrom_200k)
  tinylm_nes_test(shell.uxrom_200k EXPECTED "${nes_big_dir}/expected.txt"
                  ROM "${nes_big_dir}/emit/tinylm.nes" LABELS "${nes_big_dir}/emit/tinylm.labels"
                  DEPENDS tinylm_nes_uxrom_200k)
endif()
