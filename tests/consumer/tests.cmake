# Consumer tests: projects that use tinylm as a user's project would, each
# configured, built and run in a fresh binary directory with this build's
# generator and compiler (cmake/run_consumer.cmake).
#
#   consumer.install          cmake --install of this build into a fresh prefix
#                             (fixture: runs before consumer.find_package)
#   consumer.find_package     find_package(tinylm CONFIG REQUIRED) on that prefix;
#                             also compiles every installed header on its own
#   consumer.add_subdirectory add_subdirectory(<tinylm source>) with everything OFF

set(tinylm_consumer_dir "${CMAKE_CURRENT_BINARY_DIR}/consumer")
set(tinylm_consumer_prefix "${tinylm_consumer_dir}/prefix")
set(tinylm_consumer_common
  "-DGENERATOR=${CMAKE_GENERATOR}"
  "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
  "-DCXX=${CMAKE_CXX_COMPILER}"
  "-DBUILD_TYPE=$<CONFIG>"
  -DPROGRAM=consumer
  "-DRUN_ARGS=Q: ")

if(TINYLM_INSTALL)
  include(GNUInstallDirs)
  set(expect_files
    "${CMAKE_INSTALL_INCLUDEDIR}/tinylm/model.hpp"
    "${CMAKE_INSTALL_INCLUDEDIR}/tinylm/zoo/sayings.hpp"
    "${CMAKE_INSTALL_LIBDIR}/cmake/tinylm/tinylmConfig.cmake"
    "${CMAKE_INSTALL_LIBDIR}/cmake/tinylm/tinylmConfigVersion.cmake"
    "${CMAKE_INSTALL_LIBDIR}/cmake/tinylm/tinylmTargets.cmake")
  set(run_programs)
  if(TARGET tinylm-gen)
    # The install includes the generator; it must run from the prefix.
    list(APPEND expect_files "${CMAKE_INSTALL_BINDIR}/tinylm-gen${CMAKE_EXECUTABLE_SUFFIX}")
    list(APPEND run_programs "${CMAKE_INSTALL_BINDIR}/tinylm-gen${CMAKE_EXECUTABLE_SUFFIX}")
  endif()
  string(JOIN "|" expect_files ${expect_files})
  string(JOIN "|" run_programs ${run_programs})
  add_test(NAME consumer.install
    COMMAND ${CMAKE_COMMAND}
      "-DBUILD_DIR=${PROJECT_BINARY_DIR}"
      "-DPREFIX=${tinylm_consumer_prefix}"
      "-DCONFIG=$<CONFIG>"
      "-DEXPECT_FILES=${expect_files}"
      "-DRUN_PROGRAMS=${run_programs}"
      -P "${PROJECT_SOURCE_DIR}/cmake/stage_install.cmake")
  set_tests_properties(consumer.install PROPERTIES
    FIXTURES_SETUP tinylm_staged_install
    RESOURCE_LOCK tinylm_staged_install
    LABELS consumer
    TIMEOUT 120)

  add_test(NAME consumer.find_package
    COMMAND ${CMAKE_COMMAND}
      "-DSOURCE_DIR=${CMAKE_CURRENT_LIST_DIR}/find_package"
      "-DBINARY_DIR=${tinylm_consumer_dir}/find_package"
      ${tinylm_consumer_common}
      "-DCACHE_ARGS=-DCMAKE_PREFIX_PATH=${tinylm_consumer_prefix}|-DTINYLM_PREFIX=${tinylm_consumer_prefix}"
      "-DEXPECT_OUTPUT=tinylm consumer [(]find_package[)]: OK"
      -P "${PROJECT_SOURCE_DIR}/cmake/run_consumer.cmake")
  set_tests_properties(consumer.find_package PROPERTIES
    FIXTURES_REQUIRED tinylm_staged_install
    RESOURCE_LOCK tinylm_staged_install
    LABELS consumer
    TIMEOUT 300)
endif()

add_test(NAME consumer.add_subdirectory
  COMMAND ${CMAKE_COMMAND}
    "-DSOURCE_DIR=${CMAKE_CURRENT_LIST_DIR}/add_subdirectory"
    "-DBINARY_DIR=${tinylm_consumer_dir}/add_subdirectory"
    ${tinylm_consumer_common}
    "-DCACHE_ARGS=-DTINYLM_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    "-DEXPECT_OUTPUT=tinylm consumer [(]add_subdirectory[)]: OK"
    -P "${PROJECT_SOURCE_DIR}/cmake/run_consumer.cmake")
set_tests_properties(consumer.add_subdirectory PROPERTIES
  LABELS consumer
  TIMEOUT 300)
