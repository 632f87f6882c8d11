# The NES emulator test: build the cartridge, play it in fceux headless with a
# Lua script (tests/target/nes/drive.lua), compare what it generated with an expected
# file.
#
#   cmake -DWORK=<dir> -DEXPECTED=<file> [options] -P run_nes_test.cmake
#
# The ROM, one of:
#   -DROM=<file.nes>               a cartridge built elsewhere (e.g. by the emitter);
#                                  -DLABELS=<its ld65 -Ln file> to time its NMI
#   -DRUNTIME=<a.s;b.s;...>        runtime sources linked with the shell ('|' or ';')
#                                  (default: tests/target/nes/stub_runtime.s)
#   -DRUNTIME_INCLUDE=<dir;...>    include directories for them
# Options: -DCASES=<file> (default tests/target/nes/cases.txt), -DPROMPTS_DIR=<dir>
#   (where prompts.inc is, default SHELL_DIR), -DSHELL_DIR=<dir> (shell.s and
#   nrom.cfg as tinylm-gen emit --target nes writes them: the template's zero
#   page is filled in by the generator), -DTIMEOUT=<seconds of
#   emulation, default 180>, -DMAX_FRAMES=<frames per generation, default 3000>,
#   -DCA65 -DLD65 -DNES_LIB -DFCEUX -DXVFB_RUN -DTIMEOUT_CMD (found if not given).
#
# The expected file has a line per case, "<prompt index> <seed hex> <prompt hex
# or -> <output hex or ->" ('#' lines are comments): tests/target/nes/stub_reference.py
# writes it for the stub, tests/target/nes/oracle_expected.cmake for a real model.
#
# Fails on any difference, on a timeout, if fceux crashes, or if the Lua script
# reports a problem (a result the nametable does not show, a button that did
# not act). Without fceux or xvfb-run it prints "NES test skipped: ..." and
# succeeds (tests.cmake marks that output as a skip).
# In WORK: tinylm.nes, tinylm.map, results.txt, log.txt, case*.png, fceux.out.

cmake_minimum_required(VERSION 3.20)
get_filename_component(NES_TESTS_DIR "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
get_filename_component(ROOT "${NES_TESTS_DIR}/../../.." ABSOLUTE)
if(NOT DEFINED SHELL_DIR)
  set(SHELL_DIR "${ROOT}/codegen/asm/m6502/nes")
endif()

foreach(var WORK EXPECTED)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_nes_test.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED CASES)
  set(CASES "${NES_TESTS_DIR}/cases.txt")
endif()
if(NOT DEFINED PROMPTS_DIR)
  set(PROMPTS_DIR "${SHELL_DIR}")
endif()
if(NOT DEFINED RUNTIME)
  set(RUNTIME "${NES_TESTS_DIR}/stub_runtime.s")
endif()
string(REPLACE "|" ";" RUNTIME "${RUNTIME}")                   # lists may come '|'-separated
string(REPLACE "|" ";" RUNTIME_INCLUDE "${RUNTIME_INCLUDE}")
if(NOT DEFINED TIMEOUT)
  set(TIMEOUT 180)
endif()
if(NOT DEFINED MAX_FRAMES)
  set(MAX_FRAMES 3000)
endif()

find_program(CA65 ca65)
find_program(LD65 ld65)
find_program(FCEUX fceux PATHS /usr/games)
find_program(XVFB_RUN xvfb-run)
find_program(TIMEOUT_CMD timeout)
find_file(NES_LIB nes.lib PATHS /usr/share/cc65/lib /usr/lib/cc65/lib /usr/local/share/cc65/lib NO_DEFAULT_PATH)

macro(skip why)
  message("NES test skipped: ${why} (run cmake/install-deps.sh)")
  return()
endmacro()
if(NOT FCEUX OR NOT EXISTS "${FCEUX}")
  skip("fceux not found (looked on PATH and in /usr/games)")
endif()
if(NOT XVFB_RUN OR NOT EXISTS "${XVFB_RUN}")
  skip("xvfb-run not found (fceux needs an X display)")
endif()
if(NOT TIMEOUT_CMD OR NOT EXISTS "${TIMEOUT_CMD}")
  skip("timeout (coreutils) not found")
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/home")

function(run_step what)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${WORK}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}${err}")
  endif()
  if(out OR err)
    message("${what}:\n${out}${err}")
  endif()
endfunction()

# ---- the cartridge -------------------------------------------------------------
if(DEFINED ROM)
  configure_file("${ROM}" "${WORK}/tinylm.nes" COPYONLY)
else()
  if(NOT CA65 OR NOT LD65 OR NOT NES_LIB)
    skip("ca65, ld65 or cc65's nes.lib not found")
  endif()
  run_step("ca65 shell.s" "${CA65}" -g -I "${PROMPTS_DIR}" -I "${SHELL_DIR}"
           -o "${WORK}/shell.o" "${SHELL_DIR}/shell.s")
  set(objects "${WORK}/shell.o")
  set(includes)
  foreach(dir IN LISTS RUNTIME_INCLUDE)
    list(APPEND includes -I "${dir}")
  endforeach()
  foreach(src IN LISTS RUNTIME)
    get_filename_component(name "${src}" NAME_WE)
    get_filename_component(dir "${src}" DIRECTORY)
    run_step("ca65 ${name}.s" "${CA65}" -g -I "${dir}" ${includes} -o "${WORK}/${name}.o" "${src}")
    list(APPEND objects "${WORK}/${name}.o")
  endforeach()
  run_step("ld65" "${LD65}" -C "${SHELL_DIR}/nrom.cfg" -m "${WORK}/tinylm.map" -Ln "${WORK}/tinylm.labels"
           -o "${WORK}/tinylm.nes" ${objects} "${NES_LIB}")
  file(READ "${WORK}/tinylm.map" map)
  string(REGEX MATCH "Segment list:.*Exports list by name" segments "${map}")
  string(REGEX MATCH "shell\\.o:\n    CODE +Offs=[0-9A-F]+ +Size=([0-9A-F]+)" _ "${map}")
  set(code_hex "${CMAKE_MATCH_1}")
  string(REGEX MATCH "shell\\.o:\n[^:]*RODATA +Offs=[0-9A-F]+ +Size=([0-9A-F]+)" _ "${map}")
  set(rodata_hex "${CMAKE_MATCH_1}")
  math(EXPR code "0x${code_hex}")
  math(EXPR rodata "0x${rodata_hex}")
  math(EXPR shell_prg "${code} + ${rodata} + 6")
  message("shell PRG bytes: ${shell_prg} (CODE ${code}, RODATA ${rodata}, vectors 6)\n${segments}")
endif()
# The size the iNES header promises (NROM: 40976 = 16 + 32 KB PRG + 8 KB CHR;
# UxROM: more PRG banks).
file(SIZE "${WORK}/tinylm.nes" rom_size)
file(READ "${WORK}/tinylm.nes" ines HEX LIMIT 8)
string(SUBSTRING "${ines}" 8 2 prg_hex)
string(SUBSTRING "${ines}" 10 2 chr_hex)
string(SUBSTRING "${ines}" 12 2 flags_hex)
math(EXPR want_size "16 + 0x${prg_hex} * 16384 + 0x${chr_hex} * 8192")
math(EXPR mapper "0x${flags_hex} >> 4")
if(NOT ines MATCHES "^4e45531a" OR NOT rom_size EQUAL want_size OR NOT (mapper EQUAL 0 OR mapper EQUAL 2))
  message(FATAL_ERROR "tinylm.nes has ${rom_size} bytes and header ${ines}: not an iNES file of mapper 0 or 2 "
                      "of 16 + 16 KB x ${prg_hex} + 8 KB x ${chr_hex} bytes")
endif()
message("ROM: ${rom_size} bytes, mapper ${mapper}, 0x${prg_hex} x 16 KB PRG")

# the NMI's addresses, to time its PPU work (a ROM built elsewhere: -DLABELS=<ld65 -Ln file>)
if(NOT DEFINED LABELS AND EXISTS "${WORK}/tinylm.labels")
  set(LABELS "${WORK}/tinylm.labels")
endif()
set(nmi_settings "")
if(DEFINED LABELS)
  file(READ "${LABELS}" labels)
  if(labels MATCHES "al 00([0-9A-F]+) \\.nmi\n" )
    set(nmi "0x${CMAKE_MATCH_1}")
    if(labels MATCHES "al 00([0-9A-F]+) \\.nmi_ppu_done\n")
      set(nmi_settings "TLM.nmi = ${nmi}; TLM.nmi_done = 0x${CMAKE_MATCH_1}\n")
    endif()
  endif()
endif()

# ---- play it ----------------------------------------------------------------------
# The settings and drive.lua in one file: fceux's emu.frameadvance cannot
# yield from inside dofile() (the script hangs).
file(READ "${NES_TESTS_DIR}/drive.lua" drive)
file(WRITE "${WORK}/run.lua"
  "TLM = { cases = [[${CASES}]], results = [[${WORK}/results.txt]], log = [[${WORK}/log.txt]],\n"
  "        shots = [[${WORK}]], max_frames = ${MAX_FRAMES} }\n"
  "${nmi_settings}${drive}")
string(TIMESTAMP t0 "%s")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env "HOME=${WORK}/home"
          "${TIMEOUT_CMD}" -k 10 ${TIMEOUT}
          "${XVFB_RUN}" -a -s "-screen 0 640x480x24"
          "${FCEUX}" --sound 0 --no-config 1 --loadlua "${WORK}/run.lua" "${WORK}/tinylm.nes"
  WORKING_DIRECTORY "${WORK}"
  RESULT_VARIABLE rc OUTPUT_FILE "${WORK}/fceux.out" ERROR_FILE "${WORK}/fceux.out")
string(TIMESTAMP t1 "%s")
math(EXPR seconds "${t1} - ${t0}")
file(REMOVE_RECURSE "${WORK}/home")

set(log "")
if(EXISTS "${WORK}/log.txt")
  file(READ "${WORK}/log.txt" log)
endif()
message("fceux ran ${seconds} s, exit status ${rc}; its log:\n${log}")
if(rc EQUAL 124 OR rc EQUAL 137)
  message(FATAL_ERROR "fceux timed out after ${TIMEOUT} s (see ${WORK}/fceux.out)")
elseif(NOT rc EQUAL 0)
  file(READ "${WORK}/fceux.out" out)
  message(FATAL_ERROR "fceux failed (exit status ${rc}):\n${out}")
endif()
if(NOT log MATCHES "(^|\n)END ")
  message(FATAL_ERROR "the Lua script did not finish (no END line in ${WORK}/log.txt)")
endif()
if(log MATCHES "(^|\n)FAIL ")
  message(FATAL_ERROR "the Lua script reported failures (above)")
endif()

# ---- compare ------------------------------------------------------------------------
function(case_lines file out_var)
  file(STRINGS "${file}" lines)
  set(kept)
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    if(line AND NOT line MATCHES "^#")
      list(APPEND kept "${line}")
    endif()
  endforeach()
  set(${out_var} "${kept}" PARENT_SCOPE)
endfunction()
case_lines("${EXPECTED}" want)
case_lines("${WORK}/results.txt" got)
list(LENGTH want n_want)
list(LENGTH got n_got)
set(diffs "")
math(EXPR last "${n_want} - 1")
foreach(i RANGE ${last})
  list(GET want ${i} w)
  if(i LESS n_got)
    list(GET got ${i} g)
  else()
    set(g "(missing)")
  endif()
  if(NOT w STREQUAL g)
    string(APPEND diffs "case ${i}:\n  expected ${w}\n  got      ${g}\n")
  endif()
endforeach()
if(NOT n_got EQUAL n_want)
  string(APPEND diffs "${n_got} results for ${n_want} expected cases\n")
endif()
if(diffs)
  message(FATAL_ERROR "the NES output differs from ${EXPECTED}:\n${diffs}")
endif()
message("all ${n_want} cases match ${EXPECTED}; screenshots in ${WORK}")
