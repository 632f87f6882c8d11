# Target tests of the CP/M (Z80) code generator (codegen/src/targets/cpm/cpm.hpp),
# included from tests/CMakeLists.txt. Each runs tests/target/cpm/
# cpm_agreement.cpp (tinylm_targetz80): emit the chat program from a
# tinylm::hashmlp::model_view, assemble it with z80asm (and pasmo: the same
# bytes), check the .COM size against the plan, run it in libz80ex with a
# T-state cap and every memory write checked against the RAM plan, on ~340
# prompts (every byte value, overlong lines, the empty line), and require the
# replies (and with --debug-logits every logit) to equal tinylm::hashmlp.
#
#   targetz80.tiny*        the hand-built model of tests/support/tiny_hashmlp.hpp
#   targetz80.random_N     random valid models (0-3 hidden layers, biases up to
#                          the 24-bit bound, shifts up to 23)
#   targetz80.sample_*     seeded top-k sampling (tinylm::sample_top_k)
#   targetz80.zoo_*        the bundled tinychat (chat) and guess (the game) models
#   targetz80.refuses_too_big  a 256-256-256-256-256 model: over the 40 KB .COM
#   targetz80.mutation.*   the emitted source with one instruction changed must
#                          be caught
if(NOT TARGET tinylm_codegen)
  return()
endif()
find_program(TINYLM_Z80ASM z80asm)
find_program(TINYLM_PASMO pasmo)
find_path(TINYLM_Z80EX_INCLUDE z80ex/z80ex.h)
find_library(TINYLM_Z80EX_LIB z80ex)
if(NOT TINYLM_Z80ASM OR NOT TINYLM_Z80EX_INCLUDE OR NOT TINYLM_Z80EX_LIB)
  message(WARNING "z80asm or libz80ex-dev not found: the Z80 target tests are skipped (run cmake/install-deps.sh)")
  return()
endif()

add_executable(tinylm_targetz80 ${CMAKE_CURRENT_LIST_DIR}/cpm_agreement.cpp)
target_include_directories(tinylm_targetz80 SYSTEM PRIVATE ${TINYLM_Z80EX_INCLUDE})
target_link_libraries(tinylm_targetz80 PRIVATE tinylm_codegen ${TINYLM_Z80EX_LIB} tinylm_warnings)

set(tinylm_z80_pasmo)
if(TINYLM_PASMO)
  set(tinylm_z80_pasmo --pasmo ${TINYLM_PASMO})
endif()

function(tinylm_targetz80_test name)
  add_test(NAME targetz80.${name}
    COMMAND tinylm_targetz80 --z80asm ${TINYLM_Z80ASM} ${tinylm_z80_pasmo}
      --work ${CMAKE_CURRENT_BINARY_DIR}/targetz80/${name} ${ARGN})
  set_tests_properties(targetz80.${name} PROPERTIES LABELS targetz80 TIMEOUT 600)
endfunction()

tinylm_targetz80_test(tiny --tiny)
tinylm_targetz80_test(tiny_logits --tiny --debug-logits)
foreach(seed 1 2 3 4 5 6)
  tinylm_targetz80_test(random_${seed} --random ${seed} --max-reply 24)
endforeach()
tinylm_targetz80_test(random_logits_7 --random 7 --debug-logits --max-reply 24)
tinylm_targetz80_test(random_logits_8 --random 8 --debug-logits --max-reply 24)
# Every logit 0 (output shift 23, biases 0): argmax must pick index 0 on the ties.
tinylm_targetz80_test(flat_output --random 2 --flat-output --max-reply 8)
# Seeded sampling (sample_top_k): every candidate, top k with ties, seed 0,
# a cold and a hot temperature.
tinylm_targetz80_test(sample_all --tiny --inv-temp 256)
tinylm_targetz80_test(sample_top2_seed0 --tiny --inv-temp 256 --top-k 2 --sample-seed 0 --debug-logits)
tinylm_targetz80_test(sample_top5 --random 3 --inv-temp 64 --top-k 5 --sample-seed 77 --max-reply 24)
tinylm_targetz80_test(sample_hot --random 5 --inv-temp 1000 --max-reply 24)
tinylm_targetz80_test(sample_top1_ties --random 2 --flat-output --inv-temp 300 --top-k 1 --max-reply 8)
# The bundled models (include/tinylm/zoo): TINYCHAT.COM, and GUESS.COM playing
# twenty questions (games won and lost, objects picked by console polls).
tinylm_targetz80_test(zoo_tinychat --zoo tinychat --debug-logits)
# A slice of the cross-target run (bench/cross_target.sh runs 10,000).
tinylm_targetz80_test(stress --zoo tinychat --debug-logits --stress 300
  --stress-corpus ${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat.txt)
set(tinylm_z80_objects apple,book,car,cat,moon,piano)
tinylm_targetz80_test(zoo_guess_game --zoo guess --game ${tinylm_z80_objects} --max-reply 8 --debug-logits)
tinylm_targetz80_test(refuses_too_big --shape 256,256,256,256,256
  --expect-emit-error "does not fit the cpm target: its .COM needs")

# Mutants: each must be caught.
tinylm_targetz80_test(mutation.hash_rotate --tiny --expect-mismatch
  --mutate "        rlca\n        add a,e" "        rrca\n        add a,e")
# The accumulator's byte planes: models whose prompt pass starts every row at
# a plane edge (--plane-edges: every carry and borrow case at every row
# position of a weight byte, built and checked by the driver), so these
# mutants are caught whatever the seed (bench: seeds 1-40 all caught). Two
# seeds each, the unmutated runtime first.
foreach(seed 1 10)
  tinylm_targetz80_test(plane_edges_${seed} --plane-edges ${seed} --max-reply 8 --debug-logits)
  # -2 acting as -1: the second subtract of a -2 weight dropped.
  tinylm_targetz80_test(mutation.minus2_${seed} --plane-edges ${seed} --max-reply 8 --debug-logits --expect-mismatch
    --mutate "        call c,borrow_down\n        sub c\n" "        call c,borrow_down\n        or a\n")
  # The carry of the middle plane not propagated to the high plane (+1), the
  # borrow of the middle plane always propagated (-1, -2).
  tinylm_targetz80_test(mutation.carry_plane2_${seed} --plane-edges ${seed} --max-reply 8 --debug-logits --expect-mismatch
    --mutate "        jr nz,cu1\n" "        jr cu1\n")
  tinylm_targetz80_test(mutation.borrow_plane2_${seed} --plane-edges ${seed} --max-reply 8 --debug-logits --expect-mismatch
    --mutate "        jr nc,bd1\n" "        or a\n")
endforeach()
tinylm_targetz80_test(mutation.argmax_ties --random 2 --flat-output --max-reply 8 --expect-mismatch
  --mutate "        jr z,amnot" "        jr c,amnot")
# A column that never ends (the row offset's wrap ignored): it runs on
# through the tables into unplanned code (a wrong reply, a stray write, or
# the T-state cap).
tinylm_targetz80_test(mutation.hang --tiny --expect-mismatch --mutate "        jp nz,cbyte\n" "        jp cbyte\n")
# The game: the object not taken modulo the object count; every reply
# taken for the win reply.
tinylm_targetz80_test(mutation.game_modulo --zoo guess --game ${tinylm_z80_objects} --max-reply 8 --expect-mismatch
  --mutate "        jr c,gsmodd\n" "        jr gsmodd\n")
tinylm_targetz80_test(mutation.game_win --zoo guess --game ${tinylm_z80_objects} --max-reply 8 --expect-mismatch
  --mutate "        cp e\n        ret z\n" "        cp e\n        ret\n")
# Sampling: the rng's last shift (5 -> 4), the top-k ties not counted down,
# the product's carry dropped.
tinylm_targetz80_test(mutation.sample_xorshift --tiny --inv-temp 256 --expect-mismatch
  --mutate "        ld a,5\nxss:" "        ld a,4\nxss:")
tinylm_targetz80_test(mutation.sample_ties --random 2 --flat-output --inv-temp 300 --top-k 3 --max-reply 8
  --expect-mismatch --mutate "        dec a\n        ld (v_ties),a\n" "        ld (v_ties),a\n")
tinylm_targetz80_test(mutation.sample_product --random 3 --inv-temp 64 --top-k 5 --max-reply 24 --expect-mismatch
  --mutate "        adc a,(hl)\n        ld (hl),a\nsmmsh:" "        add a,(hl)\n        ld (hl),a\nsmmsh:")
# The column pointer advanced one byte too far per skipped (zero) input.
tinylm_targetz80_test(mutation.column_stride --random 5 --max-reply 8 --debug-logits --expect-mismatch
  --mutate "        add a,c\n        ld e,a\n" "        add a,c\n        inc a\n        ld e,a\n")
tinylm_targetz80_test(mutation.stray_write --tiny --expect-mismatch
  --mutate "        call lineprefix\nreadloop:" "        call lineprefix\n        ld (256),a\nreadloop:")
tinylm_targetz80_test(mutation.ring_255 --random 3 --max-reply 8 --debug-logits --expect-mismatch --mutate "cp 255\n" "cp 254\n")

# The compact-format kernels (codegen/asm/z80/matvec_compact.asm: ternary,
# 2-bit and int4 weights times int8 x) against the library's dot products,
# on the 6502 kernels' matrices (tests/target/compact_requests.hpp) with rows
# up to 256, and mutants: a carry or a borrow into bits 8-23 dropped, the
# sign of x ignored, -2 taken for -1, int4's nibble without its sign.
add_executable(tinylm_compact_kernels_z80 ${CMAKE_CURRENT_LIST_DIR}/compact_kernels_z80.cpp)
target_include_directories(tinylm_compact_kernels_z80 SYSTEM PRIVATE ${TINYLM_Z80EX_INCLUDE})
target_include_directories(tinylm_compact_kernels_z80 PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(tinylm_compact_kernels_z80 PRIVATE tinylm::tinylm fmt::fmt ${TINYLM_Z80EX_LIB} tinylm_warnings)
target_compile_definitions(tinylm_compact_kernels_z80 PRIVATE TINYLM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
function(tinylm_compact_z80_test name)
  add_test(NAME targetz80.compact.${name}
    COMMAND tinylm_compact_kernels_z80 --z80asm ${TINYLM_Z80ASM} ${tinylm_z80_pasmo}
      --work ${CMAKE_CURRENT_BINARY_DIR}/targetz80/compact_${name} ${ARGN})
  set_tests_properties(targetz80.compact.${name} PROPERTIES LABELS targetz80 TIMEOUT 300)
endfunction()
tinylm_compact_z80_test(agree)
tinylm_compact_z80_test(agree_seed7 --seed 7)
function(tinylm_compact_z80_mutant name from to)
  tinylm_compact_z80_test(mutation.${name} --expect-mismatch --mutate "${from}" "${to}")
endfunction()
tinylm_compact_z80_mutant(add_carry "        call c,mvz_carry\n        inc l" "        nop\n        nop\n        nop\n        inc l")
tinylm_compact_z80_mutant(borrow_plane2 "        inc h\n        dec (hl)\n        dec h\nmvz_b1:" "        nop\n        nop\n        nop\nmvz_b1:")
tinylm_compact_z80_mutant(sign_of_x "ld b,$f2" "ld b,$fa")
tinylm_compact_z80_mutant(minus2 "cp $fe" "cp $ff")
tinylm_compact_z80_mutant(int4_unsigned_x "        rla\n        sbc a,a\n        ld d,a" "        ld d,0")
tinylm_compact_z80_mutant(int4_carry "        jr nc,m4_n2" "        jr m4_n2")
tinylm_compact_z80_mutant(int4_bias "        sub e" "        sub d")
