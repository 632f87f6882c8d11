# The C64 target in an emulated Commodore 64 (tests/target/c64/c64_chat.py):
# the bundled chat transformer's PRG, taken back out of its D64, chats in
# MAME's c64p with the free ROMs beside the project; every reply typed on the
# emulated keyboard (tests/target/c64/prompts.txt: held-out style prompts,
# digits, DEL, a function key, a cursor key, a shifted letter) must be the
# oracle's, and RUN/STOP must return to BASIC. It writes the screenshot of the
# README (build/.../c64/tinylm_c64.png).
#
# TINYLM_C64_ROMS (cache variable or environment variable; default
# ../shared/c64-roms beside the project) is the ROM folder; the test reports
# itself skipped (exit 77) only when it is absent.
if(NOT TARGET tinylm-gen)
  return()
endif()
set(tinylm_c64_roms_default "${PROJECT_SOURCE_DIR}/../shared/c64-roms")
if(DEFINED ENV{TINYLM_C64_ROMS})
  set(tinylm_c64_roms_default "$ENV{TINYLM_C64_ROMS}")
endif()
set(TINYLM_C64_ROMS "${tinylm_c64_roms_default}" CACHE PATH "The C64 ROM folder for MAME (README in ../shared/c64-roms)")
find_program(TINYLM_MAME mame PATHS /usr/games)
find_program(TINYLM_CC1541 cc1541)
find_program(TINYLM_C64_CL65 cl65)
find_package(Python3 COMPONENTS Interpreter)
if(NOT TINYLM_MAME OR NOT TINYLM_CC1541 OR NOT TINYLM_C64_CL65 OR NOT Python3_FOUND)
  message(WARNING "mame, cc1541, cl65 or python3 not found: the C64 tests are skipped (run cmake/install-deps.sh)")
  return()
endif()
# Memory confinement (run.lua's write taps, in every C64 run): a tiny
# transformer (the model-file fuzz seed: no training, so these also run in
# the sanitizer build) chats confined, and two planted stray writes by the
# program's code must be reported: one into the model's tables (RODATA),
# one to an I/O register the plan does not give it ($D021).
set(tinylm_c64_tiny --gen $<TARGET_FILE:tinylm-gen>
  --model ${PROJECT_SOURCE_DIR}/tests/fuzz/seeds/model_file/transformer.safetensors
  --roms ${TINYLM_C64_ROMS} --mame ${TINYLM_MAME} --prompts ${CMAKE_CURRENT_LIST_DIR}/prompts_short.txt)
add_test(NAME target.c64.confined_tiny
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/c64_chat.py ${tinylm_c64_tiny}
    --work ${CMAKE_CURRENT_BINARY_DIR}/c64/confined_tiny)
add_test(NAME target.c64.mutation.stray_tables
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/c64_chat.py ${tinylm_c64_tiny}
    --work ${CMAKE_CURRENT_BINARY_DIR}/c64/stray_tables --expect-stray
    --mutate "        sta $D020\n        rts\n" "        sta banner\n        rts\n")
add_test(NAME target.c64.mutation.stray_io
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/c64_chat.py ${tinylm_c64_tiny}
    --work ${CMAKE_CURRENT_BINARY_DIR}/c64/stray_io --expect-stray
    --mutate "        inc $D020\n" "        inc $D021\n")
# The runtime's buffers are in the RAM under the KERNAL ROM: with the ROM
# left in while a token is computed, the runtime reads the ROM's bytes back
# for what it wrote (a loop counter that never moves: the program stops
# answering), and the run must show it.
add_test(NAME target.c64.mutation.kernal_in
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/c64_chat.py ${tinylm_c64_tiny}
    --work ${CMAKE_CURRENT_BINARY_DIR}/c64/kernal_in --expect-wrong
    --mutate "        sta $01
        ldx #<__ZEROPAGE_SIZE__" "        nop
        ldx #<__ZEROPAGE_SIZE__")
set_tests_properties(target.c64.confined_tiny target.c64.mutation.stray_tables target.c64.mutation.stray_io
  target.c64.mutation.kernal_in PROPERTIES LABELS target TIMEOUT 300 SKIP_RETURN_CODE 77)

# A model that fits only without the fast paths (2 layers, FFN 128: the
# runtime's row limit; one epoch of training, only its shape matters): the
# plan must say so (the rows finished by the runtime's loop, the matmuls
# column by column: TLM_ROWS32 = 0 assembled), and it must chat with the
# oracle's replies.
set(tinylm_c64_lean ${CMAKE_CURRENT_BINARY_DIR}/c64/lean_model/model)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/c64/lean_model)
add_test(NAME target.c64.lean_train
  COMMAND sh -c "'$<TARGET_FILE:tinylm-gen>' train transformer --corpus '${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat.txt' --form chat --seed 1 --epochs 1 --vocab 128 --d-model 32 --heads 4 --layers 2 --ffn 128 --context 20 --min-reply 6 --threads 2 -q -o '${tinylm_c64_lean}' && '$<TARGET_FILE:tinylm-gen>' emit --target c64 --model '${tinylm_c64_lean}.safetensors' -o '${tinylm_c64_lean}_emit' > '${tinylm_c64_lean}_emit.txt' && grep -q 'the rows finished by the runtime.s loop, to fit. the matmuls column by column, to fit' '${tinylm_c64_lean}_emit.txt'")
set_tests_properties(target.c64.lean_train PROPERTIES LABELS target TIMEOUT 300 FIXTURES_SETUP tinylm_c64_lean)
add_test(NAME target.c64.lean_chat
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/c64_chat.py --gen $<TARGET_FILE:tinylm-gen>
    --model ${tinylm_c64_lean}.safetensors --roms ${TINYLM_C64_ROMS} --mame ${TINYLM_MAME}
    --prompts ${CMAKE_CURRENT_LIST_DIR}/prompts_short.txt --work ${CMAKE_CURRENT_BINARY_DIR}/c64/lean_chat)
set_tests_properties(target.c64.lean_chat PROPERTIES LABELS target TIMEOUT 300 SKIP_RETURN_CODE 77
                     FIXTURES_REQUIRED tinylm_c64_lean)

if("tinychat_transformer" IN_LIST TINYLM_ZOO_TRANSFORMER_MODELS)
  add_test(NAME target.c64.chat
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/c64_chat.py
      --gen $<TARGET_FILE:tinylm-gen>
      --model ${tinylm_zoo_models}/tinychat_transformer/reproducible/tinychat_transformer.safetensors
      --roms ${TINYLM_C64_ROMS} --mame ${TINYLM_MAME} --work ${CMAKE_CURRENT_BINARY_DIR}/c64/chat
      --prompts ${CMAKE_CURRENT_LIST_DIR}/prompts.txt --screenshot ${CMAKE_CURRENT_BINARY_DIR}/c64/tinylm_c64.png)
  set_tests_properties(target.c64.chat PROPERTIES LABELS target TIMEOUT 900 SKIP_RETURN_CODE 77
                       FIXTURES_REQUIRED zoo_tinychat_transformer)
  # The same program emitted with sampling (temperature 4, every token, seed
  # 2026): the replies typed out must be generate's sampled ones.
  add_test(NAME target.c64.chat_sampled
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/c64_chat.py
      --gen $<TARGET_FILE:tinylm-gen>
      --model ${tinylm_zoo_models}/tinychat_transformer/reproducible/tinychat_transformer.safetensors
      --roms ${TINYLM_C64_ROMS} --mame ${TINYLM_MAME} --work ${CMAKE_CURRENT_BINARY_DIR}/c64/chat_sampled
      --prompts ${CMAKE_CURRENT_LIST_DIR}/prompts_sampled.txt --sample 64 0 2026)
  set_tests_properties(target.c64.chat_sampled PROPERTIES LABELS target TIMEOUT 900 SKIP_RETURN_CODE 77
                       FIXTURES_REQUIRED zoo_tinychat_transformer)
endif()

# The example's PRG (examples/c64: from the compiled-in header) is the PRG that
# `tinylm-gen emit --target c64` builds from the bundled model's file.
if(TARGET c64-disk AND "tinychat_transformer" IN_LIST TINYLM_ZOO_TRANSFORMER_MODELS)
  add_test(NAME zoo.c64_emit.tinychat_transformer
    COMMAND sh -c "rm -rf c64/emit && mkdir -p c64 && $<TARGET_FILE:tinylm-gen> emit --target c64 -o c64/emit --model '${tinylm_zoo_models}/tinychat_transformer/reproducible/tinychat_transformer.safetensors' > c64/emit.log && sh -c \"$(sed -n '/^Build with:/{n;p;}' c64/emit.log)\" && cmp c64/emit/TINYLM.PRG '${CMAKE_BINARY_DIR}/examples/c64/disk/TINYLM.PRG'"
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(zoo.c64_emit.tinychat_transformer PROPERTIES LABELS zoo FIXTURES_REQUIRED zoo_tinychat_transformer)
endif()
