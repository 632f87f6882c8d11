# Target tests of the 6502 code generator (tinylm-gen emit --target sim6502),
# included from tests/CMakeLists.txt. Each test runs tests/target/sim6502/
# sim6502_agreement.cpp (tinylm_target6502): build a model, emit the sim6502
# program twice (byte-identical), build it with the printed cl65 command,
# check the printed RAM map against ld65's map, run it in sim65 with a cycle
# cap on about 360 prompt/seed pairs and require every reply (and the final
# PRNG state) to equal tinylm::ngram::generate on the same model file.
#
#   target6502.sayings     the bundled model (zoo::sayings, order 6, 24 KB),
#                          from the cli.setup.model fixture
#   target6502.order3_2k   order 3, 2 KB, end byte 10 (tables under 256 nodes)
#   target6502.order7_40k  order 7, 40 KB, one record per file: long replies,
#                          tables of thousands of nodes
#   target6502.order1      only the empty context (no history)
#   target6502.order2_1k   order 2, end byte 255
#   target6502.fills_room  tables of exactly the plan's room (59,632 bytes)
#   target6502.refuses_too_big  a 70 KB model: emit says it does not fit and
#                          writes nothing
#   cli.help.emit, cli.emit.*  the emit command line
#   target6502.mutation.*  the emitted runtime with one instruction changed
#                          must be caught (a wrong byte, or a hang stopped by
#                          the cycle cap): the tests above can fail
if(NOT TARGET tinylm-gen)
  return()
endif()
find_program(TINYLM_CL65 cl65)
find_program(TINYLM_SIM65 sim65)
if(NOT TINYLM_CL65 OR NOT TINYLM_SIM65)
  message(WARNING "cl65 or sim65 not found: the 6502 target tests are skipped (run cmake/install-deps.sh)")
  return()
endif()

find_package(fmt REQUIRED)
add_executable(tinylm_target6502 ${CMAKE_CURRENT_LIST_DIR}/sim6502_agreement.cpp)
target_link_libraries(tinylm_target6502 PRIVATE tinylm_codegen fmt::fmt tinylm_warnings)
target_include_directories(tinylm_target6502 PRIVATE ${PROJECT_SOURCE_DIR}/tests)
add_dependencies(tinylm_target6502 tinylm-gen)

set(tinylm_target6502_corpus "${PROJECT_SOURCE_DIR}/codegen/corpus/sayings.txt")

# tinylm_target6502_test(<name> <driver arguments>...)
function(tinylm_target6502_test name)
  add_test(NAME target6502.${name}
    COMMAND tinylm_target6502
      --gen $<TARGET_FILE:tinylm-gen> --cl65 ${TINYLM_CL65} --sim65 ${TINYLM_SIM65}
      --work ${CMAKE_CURRENT_BINARY_DIR}/target6502/${name}
      --corpus ${tinylm_target6502_corpus} ${ARGN})
  set_tests_properties(target6502.${name} PROPERTIES LABELS target6502 TIMEOUT 300)
endfunction()

if(DEFINED tinylm_cli_model)
  tinylm_target6502_test(sayings --model ${tinylm_cli_model} --trace)
  set_tests_properties(target6502.sayings PROPERTIES FIXTURES_REQUIRED tinylm_cli_model)
  # A slice of the cross-target run (bench/cross_target.sh runs 10,000):
  # prompts of tests/target/stress_prompts.hpp, every reply and state compared.
  tinylm_target6502_test(stress --model ${tinylm_cli_model} --stress 1000 --trace)
  set_tests_properties(target6502.stress PROPERTIES FIXTURES_REQUIRED tinylm_cli_model)
endif()
tinylm_target6502_test(order3_2k --order 3 --budget 2K --end-byte 10)
# --trace compares, before every draw, the node found at each level (what
# decides the probability row) with the oracle's; this mutant changes only
# what tlm_trace reports for "not found", so only that comparison can see it.
tinylm_target6502_test(mutation.trace_compared --order 3 --budget 2K --end-byte 10 --trace --expect-mismatch
  --mutate "        lda #$FF\n        tax\n        bcs :+" "        lda #$FE\n        tax\n        bcs :+")
tinylm_target6502_test(order7_40k --order 7 --budget 40K --records file --trace)
tinylm_target6502_test(order1 --order 1 --budget 0 --trace)  # no keys at all: only the empty context
tinylm_target6502_test(order2_1k --order 2 --budget 1K --end-byte 255)
# A synthetic model whose tables fill the sim6502 plan's room exactly.
tinylm_target6502_test(fills_room --fill-room)

# The banked runtime (sim6502-banked: the tables in 16 KB banks loaded on
# demand into a RAM window at $8000 by codegen/asm/m6502/sim6502/banks.s).
tinylm_target6502_test(banked_200k --order 6 --budget 200K --target sim6502-banked --trace)  # 13 banks
tinylm_target6502_test(banked_order7_40k --order 7 --budget 40K --records file --target sim6502-banked)
tinylm_target6502_test(banked_order1 --order 1 --budget 0 --target sim6502-banked)
tinylm_target6502_test(banked_order3_2k --order 3 --budget 2K --end-byte 10 --target sim6502-banked)
# Mutant: bit 0 of the bank number lost (3 banks: the model reads wrong banks).
tinylm_target6502_test(mutation.banked_bank --order 7 --budget 40K --records file --target sim6502-banked
  --expect-mismatch --mutate "lda tlm_la+2\n        cmp tlm_bank" "lda tlm_la+2\n        and #$FE\n        cmp tlm_bank")
# UxROM has 15 banks for tables: a 250 KB model needs 16.
tinylm_target6502_test(refuses_too_many_banks --order 7 --budget 250K --target nes-uxrom
  --expect-emit-error "does not fit the nes-uxrom target: its tables need")

# The fit check: a 70 KB model does not fit the sim6502 plan.
tinylm_target6502_test(refuses_too_big --order 7 --budget 70K
  --expect-emit-error "does not fit the sim6502 target: its tables need")

# The emit command line (tests/cli/tests.cmake's helper).
if(COMMAND tinylm_cli_test)
  tinylm_cli_test(help.emit ARGS emit --help STDOUT "--model.*--target.*sim6502.*-o,--output" NO_NEW_FILES)
  tinylm_cli_test(emit.good SETUP model=m.safetensors ARGS emit --model m.safetensors -o out
    STDOUT "wrote ngram_runtime[.]s, ngram_tables[.]s, main[.]s, sim6502[.]cfg in out.*RAM map [(]sim6502[)]:.*[$]0000-[$]0003      4  zero page  tlm_rng: .*Build with:
cl65 -t sim6502 -C out/sim6502[.]cfg -m out/prog[.]map -o out/prog[.]prg out/ngram_runtime[.]s out/ngram_tables[.]s out/main[.]s
$"
    EXPECT_FILES out/ngram_runtime.s out/ngram_tables.s out/main.s out/sim6502.cfg REPEAT)
  tinylm_cli_test(emit.nes SETUP model=m.safetensors ARGS emit --model m.safetensors --target nes -o out
    STDOUT "wrote shell[.]s, ngram_runtime[.]s, ngram_tables[.]s, prompts[.]inc, nrom[.]cfg in out.*RAM map [(]nes[)]:.*[$]0000-[$]0000      1  zero page  shell nmi_count.*[$]0100-[$]01FF    256  stack.*[$]0300-[$]03FF    256  buffer .*ROM plan [(]nes[)]:.*32768  PRG ROM.*  1885  shell.*Build with:
cl65 -t nes -C out/nrom[.]cfg -m out/tinylm[.]map -o out/tinylm[.]nes out/shell[.]s out/ngram_runtime[.]s out/ngram_tables[.]s
$"
    EXPECT_FILES out/shell.s out/prompts.inc out/nrom.cfg out/ngram_runtime.s out/ngram_tables.s REPEAT)
  tinylm_cli_test(emit.unknown_target SETUP model=m.safetensors
    ARGS emit --model m.safetensors --target c65 -o out EXIT nonzero STDERR "--target: c65 not in [{]sim6502,nes,sim6502-banked,nes-uxrom,cpm,c64[}]"
    NO_NEW_FILES)
  tinylm_cli_test(emit.c64_needs_a_transformer SETUP model=m.safetensors
    ARGS emit --model m.safetensors --target c64 -o out EXIT 1
    STDERR "tinylm-gen: error: the c64 target runs transformer models [(]tinylm-gen train transformer[)]" NO_NEW_FILES)
  tinylm_cli_test(emit.missing_model ARGS emit --model none.safetensors -o out EXIT 1
    STDERR "tinylm-gen: error: cannot open model file 'none[.]safetensors'" NO_NEW_FILES)
  tinylm_cli_test(emit.corrupt_model SETUP edit=bad.safetensors EDIT fill keys 7
    ARGS emit --model bad.safetensors -o out EXIT 1
    STDERR "corrupt model file 'bad[.]safetensors': keys of a table are not strictly ascending" NO_NEW_FILES)
  tinylm_cli_test(emit.output_is_a_file SETUP model=m.safetensors empty=out
    ARGS emit --model m.safetensors -o out EXIT 1 STDERR "tinylm-gen: error: cannot create the directory 'out'")
endif()

# Mutants of the runtime (on the order-3 model, whose tables are small and
# fast): each must be caught.
set(tinylm_small_model --order 3 --budget 2K --end-byte 10 --expect-mismatch)
tinylm_target6502_test(mutation.walk_branch ${tinylm_small_model} --mutate "bcc @hit" "bcs @hit")
tinylm_target6502_test(mutation.search_hang ${tinylm_small_model} --mutate "less:   inx" "less:   nop")
tinylm_target6502_test(mutation.xorshift ${tinylm_small_model} --mutate "ror tlm_tmp+3" "rol tlm_tmp+3")
tinylm_target6502_test(mutation.start_history ${tinylm_small_model}
  --mutate "sbc #TLM_HIST_LEN" "sbc #TLM_HIST_LEN-1")
tinylm_target6502_test(mutation.end_byte ${tinylm_small_model}
  --mutate "emit:   cmp #TLM_END_BYTE" "emit:   cmp #<(TLM_END_BYTE+1)")
# The binary search on tables of 1, 127, 128, 129, 255, 256 (the 16-bit
# search from here) and 257 keys: every key, gap and end asked for, each key
# answering with its own byte; and the midpoint's dropped ninth bit of
# lo + hi caught whatever the corpus. (The 16-bit search's seventeenth bit
# is 0 below 32,768 keys: dropping it changes nothing a test could see.)
foreach(n 1 127 128 129 255 256 257)
  tinylm_target6502_test(search_table_${n} --search-table ${n})
endforeach()
tinylm_target6502_test(mutation.search_mid_carry --search-table 255 --expect-mismatch
  --mutate "ror a\n        tax" "lsr a\n        tax")
# The same search mutant on a table of 256 nodes or more (the 16-bit search).
tinylm_target6502_test(mutation.search16_hang --order 3 --budget 8K --end-byte 10 --expect-mismatch
  --mutate "adc #1\n        sta tlm_lo" "adc #0\n        sta tlm_lo")

# ---- the transformer runtime (codegen/asm/m6502/transformer_runtime.s) -------
# tests/target/sim6502/transformer_agreement.cpp: every token at position 0,
# random sequences of every length, and replies (greedy, and sampled with
# several seeds, temperatures and k) to every byte value, long and empty
# prompts and the held-out prompts must give the C++ oracle's logits, tokens
# and bytes, bit for bit.
add_executable(tinylm_target6502_transformer ${CMAKE_CURRENT_LIST_DIR}/transformer_agreement.cpp)
target_link_libraries(tinylm_target6502_transformer PRIVATE tinylm_codegen fmt::fmt tinylm_warnings)
target_include_directories(tinylm_target6502_transformer PRIVATE ${PROJECT_SOURCE_DIR}/tests)
add_dependencies(tinylm_target6502_transformer tinylm-gen)

# tinylm_target6502_transformer_test(<name> <model> <driver arguments>...)
function(tinylm_target6502_transformer_test name model)
  add_test(NAME target6502.transformer.${name}
    COMMAND tinylm_target6502_transformer
      --gen $<TARGET_FILE:tinylm-gen> --cl65 ${TINYLM_CL65} --sim65 ${TINYLM_SIM65}
      --work ${CMAKE_CURRENT_BINARY_DIR}/target6502/transformer_${name} --model ${model} ${ARGN})
  set_tests_properties(target6502.transformer.${name} PROPERTIES LABELS target6502 TIMEOUT 600)
endfunction()

# A small transformer trained here (one layer, 2 heads of 8, untied head,
# vocabulary 64, context 12): the runtime on other shapes than the bundled
# ones, in every build.
set(tinylm_small_transformer ${CMAKE_CURRENT_BINARY_DIR}/target6502/small_transformer/model)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/target6502/small_transformer)
add_test(NAME target6502.transformer.train_small
  COMMAND tinylm-gen train transformer --corpus ${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat.txt
    --vocab 64 --d-model 16 --heads 2 --layers 1 --ffn 24 --context 12 --min-reply 4 --epochs 2 --seed 3
    --threads 2 -q -o ${tinylm_small_transformer})
set_tests_properties(target6502.transformer.train_small PROPERTIES LABELS target6502 TIMEOUT 300
                     FIXTURES_SETUP tinylm_small_transformer)
tinylm_target6502_transformer_test(small ${tinylm_small_transformer}.safetensors
  --prompts ${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat-heldout.txt)
set_tests_properties(target6502.transformer.small PROPERTIES FIXTURES_REQUIRED tinylm_small_transformer)
# Mutants: each must be caught (the comparison can fail).
function(tinylm_transformer_mutant name)
  tinylm_target6502_transformer_test(mutation.${name} ${tinylm_small_transformer}.safetensors
    --max-prompts 0 ${ARGN} --expect-mismatch)
  set_tests_properties(target6502.transformer.mutation.${name} PROPERTIES FIXTURES_REQUIRED tinylm_small_transformer)
endfunction()
tinylm_transformer_mutant(flip_weight --flip-byte tlm_m_up0)        # one weight byte of the FFN
tinylm_transformer_mutant(flip_embedding --flip-byte tlm_tok)       # one byte of the token embedding
tinylm_transformer_mutant(input_bias --mutate "eor #$80                " "eor #$81                ")
tinylm_transformer_mutant(exp_rounding --mutate "adc #8" "adc #7")
tinylm_transformer_mutant(value_sums --mutate "jsr add_t\n        jsr shl7_t" "jsr shl7_t")  # drops SV1 << 7
tinylm_transformer_mutant(merge_order --mutate "adc #TLM_FIRST_MERGE" "adc #TLM_FIRST_MERGE+1")
tinylm_transformer_mutant(xorshift --mutate "lda #13\n        jsr xs_shl_a" "lda #12\n        jsr xs_shl_a")  # sampling
tinylm_transformer_mutant(top_k --mutate "cpy tlm_top_k\n        bcc @toohi" "cpy tlm_top_k\n        bcs @toohi")
# the reply set (tlm_choose): replies too long for the context left stay live;
# the cursor's range is not narrowed at its end
tinylm_transformer_mutant(reply_fit --mutate "cmp tlm_rs_len,x\n        bcc @gn" "cmp tlm_rs_len,x\n        bcc @live")
tinylm_transformer_mutant(reply_cursor --mutate "        stx rs_hi\n@a4:" "        nop\n        nop\n        nop\n@a4:")

# The embeddings' requantize with a right shift (frac_tok, frac_pos above 8:
# shifts 4 and 1; the trained models have -2..0, where r = 2w is even and the
# rounding never carries out of a byte), and its carry dropped.
tinylm_target6502_transformer_test(embedding_shifts ${tinylm_small_transformer}.safetensors
  --prompts ${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat-heldout.txt --max-prompts 40 --embedding-fracs 12 9)
set_tests_properties(target6502.transformer.embedding_shifts PROPERTIES FIXTURES_REQUIRED tinylm_small_transformer)
tinylm_transformer_mutant(requantize_carry --embedding-fracs 12 9
  --mutate "lda tlm_r,y\n        clc\n        adc #1" "lda tlm_r,y\n        clc\n        adc #0")

# A wide transformer trained here (d_model 64: its matmuls of 64 columns run
# mv_rows32 in two blocks of 32; the FFN's W2 has 32 columns, one block; the
# bundled models' 32 columns run one block), and mutants of mv_rows32: the
# borrow into bits 16-23 dropped, the second block's x read from the first
# block's place, the second block started from the squares again.
set(tinylm_wide_transformer ${CMAKE_CURRENT_BINARY_DIR}/target6502/wide_transformer/model)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/target6502/wide_transformer)
add_test(NAME target6502.transformer.train_wide
  COMMAND tinylm-gen train transformer --corpus ${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat.txt
    --vocab 64 --d-model 64 --heads 4 --layers 1 --ffn 32 --context 10 --min-reply 4 --epochs 2 --seed 5
    --threads 2 -q -o ${tinylm_wide_transformer})
set_tests_properties(target6502.transformer.train_wide PROPERTIES LABELS target6502 TIMEOUT 300
                     FIXTURES_SETUP tinylm_wide_transformer)
tinylm_target6502_transformer_test(wide ${tinylm_wide_transformer}.safetensors
  --prompts ${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat-heldout.txt --max-prompts 60)
set_tests_properties(target6502.transformer.wide PROPERTIES FIXTURES_REQUIRED tinylm_wide_transformer)
function(tinylm_wide_mutant name)
  tinylm_target6502_transformer_test(mutation.${name} ${tinylm_wide_transformer}.safetensors
    --max-prompts 0 ${ARGN} --expect-mismatch)
  set_tests_properties(target6502.transformer.mutation.${name} PROPERTIES FIXTURES_REQUIRED tinylm_wide_transformer)
endfunction()
tinylm_wide_mutant(rows32_borrow --mutate "        dec mv_r0+2" "        nop\n        nop")
tinylm_wide_mutant(rows32_next_x --mutate "        adc #32\n        sta tlm_in" "        adc #0\n        sta tlm_in")
tinylm_wide_mutant(rows32_next_init --mutate "lda #<mr_next\n        sta mr_init+1\n        lda #>mr_next"
  "lda #<mr_first\n        sta mr_init+1\n        lda #>mr_first")

# The bundled transformers (rebuilt from their recorded commands by the
# zoo.reproducible tests of the g++ build): every held-out chat prompt; the
# text model with short continuations (its context is 64).
if("tinychat_transformer" IN_LIST TINYLM_ZOO_TRANSFORMER_MODELS)
  tinylm_target6502_transformer_test(tinychat ${tinylm_zoo_models}/tinychat_transformer/reproducible/tinychat_transformer.safetensors
    --prompts ${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat-heldout.txt)
  set_tests_properties(target6502.transformer.tinychat PROPERTIES FIXTURES_REQUIRED zoo_tinychat_transformer)
  # A slice of the cross-target run (bench/cross_target.sh runs 10,000).
  tinylm_target6502_transformer_test(stress ${tinylm_zoo_models}/tinychat_transformer/reproducible/tinychat_transformer.safetensors
    --prompts ${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat.txt --stress 150)
  set_tests_properties(target6502.transformer.stress PROPERTIES FIXTURES_REQUIRED zoo_tinychat_transformer)
endif()
if("sayings_transformer" IN_LIST TINYLM_ZOO_TRANSFORMER_MODELS)
  tinylm_target6502_transformer_test(sayings ${tinylm_zoo_models}/sayings_transformer/reproducible/sayings_transformer.safetensors
    --prompts ${PROJECT_SOURCE_DIR}/codegen/corpus/sayings-heldout.txt --max-prompts 20 --max-length 12)
  set_tests_properties(target6502.transformer.sayings PROPERTIES FIXTURES_REQUIRED zoo_sayings_transformer)
endif()

# A model the 6502 runtime cannot run (d_model 24, not a power of two): emit
# says so and writes nothing.
add_test(NAME target6502.transformer.refuses_d24
  COMMAND sh -c "'$<TARGET_FILE:tinylm-gen>' train transformer --corpus '${PROJECT_SOURCE_DIR}/codegen/corpus/tinychat.txt' --vocab 64 --d-model 24 --heads 2 --layers 1 --ffn 8 --context 8 --min-reply 2 --epochs 1 --threads 1 -q -o m24 && ! '$<TARGET_FILE:tinylm-gen>' emit --target c64 --model m24.safetensors -o out24 2> err24 && grep -q 'the 6502 runtime needs d_model a power of two (this model has 24)' err24 && test ! -e out24/shell.s"
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/target6502/small_transformer)
set_tests_properties(target6502.transformer.refuses_d24 PROPERTIES LABELS target6502 TIMEOUT 300)

# The compact-format kernels (codegen/asm/m6502/matvec_compact.s: ternary,
# 2-bit and int4 weights) against the library's dot products, and mutants.
add_executable(tinylm_compact_kernels ${CMAKE_CURRENT_LIST_DIR}/compact_kernels.cpp)
target_link_libraries(tinylm_compact_kernels PRIVATE tinylm::tinylm fmt::fmt tinylm_warnings)
target_include_directories(tinylm_compact_kernels PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_compile_definitions(tinylm_compact_kernels PRIVATE TINYLM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
function(tinylm_compact_kernels_test name)
  add_test(NAME target6502.compact.${name}
    COMMAND tinylm_compact_kernels --cl65 ${TINYLM_CL65} --sim65 ${TINYLM_SIM65}
      --work ${CMAKE_CURRENT_BINARY_DIR}/target6502/compact_${name} ${ARGN})
  set_tests_properties(target6502.compact.${name} PROPERTIES LABELS target6502 TIMEOUT 300)
endfunction()
tinylm_compact_kernels_test(agree)
tinylm_compact_kernels_test(agree_seed7 --seed 7)
# A carry into the high byte lost, a borrow out of the middle byte lost, the
# 2-bit -2 taken as -1, and the last row of a ternary byte (digit 4) read
# from digit 3's table.
tinylm_compact_kernels_test(mutation.add_carry --expect-mismatch
  --mutate "        bne done\n        inc mvc_acc2+k,x" "        bne done\n        nop")
tinylm_compact_kernels_test(mutation.sub_borrow --expect-mismatch
  --mutate "        dec mvc_acc2+k,x" "        nop")
tinylm_compact_kernels_test(mutation.minus2 --expect-mismatch
  --mutate "        down k\nskip:" "skip:")
# int4: the 16 products tabled from nibble 0 instead of 8 (the nibbles read
# as unsigned).
tinylm_compact_kernels_test(mutation.int4_unsigned --expect-mismatch
  --mutate "        ldx #8                  " "        ldx #0                  ")
tinylm_compact_kernels_test(mutation.digit4 --expect-mismatch
  --mutate "        lda mvc_t3+256*k,y" "        lda mvc_t3+256*(k - (k / 4)),y")
