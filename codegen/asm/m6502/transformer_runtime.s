; transformer_runtime.s - the 6502 mirror of tinylm::transformer (ca65).
;
; The C++ is the oracle: include/tinylm/transformer.hpp (step_validated,
; start_tokens, generate: argmax or sampling, inside the model's reply set
; when it has one: reply_set.hpp, tlm_choose), rmsnorm.hpp, isqrt.hpp,
; dot_int8.hpp (matvec_int8_int8, requantize), softmax.hpp (exp_weights),
; exp_table.hpp and bpe.hpp (encode, append_token). For the same model and
; prompt this code computes the same logits and writes the same reply, bit
; for bit (tests/target/sim6502/transformer_agreement.cpp).
;
; `tinylm-gen emit` writes this file from its template (codegen/asm/m6502/
; transformer_runtime.s in the tinylm repository) with the model's constants,
; zero page and buffers filled in; the weights, the tokenizer and the list of
; a token's stages (tlm_layers) are in transformer_tables.s.
;
; ---- the multiply-accumulate ------------------------------------------------
; Every matmul (the projections, the FFN, the head, attention scores and the
; weighted sum of the values) is one routine, mv_core, built on the identity
;     2 sum_j a_j w_j = sum_j a_j^2 + sum_j w_j^2 - sum_j (a_j - w_j)^2
; with one table of squares D[255 + t] = t^2 (t = -255 .. 255, 16 bits: the
; pages tlm_dlo, tlm_dhi). sum w^2 of every weight row is computed by the
; generator (tlm_*_sq*), sum a^2 once per input vector, so one multiply-
; accumulate is ONE table lookup and a 24-bit subtract (about 38 cycles):
; a matrix is stored column by column, each byte as 127 - w (w XOR $7F), so
; that the load at tlm_dlo + (a XOR $80) (its address written into the loop
; for each column) indexed by that byte reads D[255 + a - w] directly. The accumulator of a row is 24 bits, exact while
; |2 dot| < 2^23 (the generator checks every weight row; attention has at
; most 128 x 128 x 128). A matmul of whole blocks of 32 columns (every
; weight matrix when d_model and the FFN are multiples of 32) runs
; mv_rows32 instead: the block's columns unrolled, the row's sum in the zero
; page, about 28 cycles a multiply-accumulate (assembled when TLM_ROWS32).
;
; ---- numbers ----------------------------------------------------------------
; requantize(v, s) (dot_int8.hpp): r = (2v + 2^s) >> (s + 1) for s >= 0 (round
; half up), a saturating shift left for s < 0; the clamps follow. rmsnorm
; (rmsnorm.hpp) with d a power of two: sum of squares (48 bits), isqrt of a
; 64-bit value, inv = 2^40 / rms, and per element two multiplies with the
; rounding shift of 16. Attention: scores, exp weights (exp table, k =
; min(255, (max - s + 8) >> 4) for inv_temp 256), R = 2^32 / S, and the
; values' weighted sum as two mv_core passes over the weights' high bytes
; (w_hi - 64) and low bytes (w_lo - 128) with the column sums of the values.
; The wider products (the norms, R times the weighted sums) are byte products
; through quarter-square tables, a * b = floor((a+b)^2/4) - floor((a-b)^2/4)
; (SETQ, MULADD: about 48 cycles a byte pair), on magnitudes, with the
; rounding of a negative value done as -floor((|v| + half - 1) / 2^k).
;
; ---- rules ------------------------------------------------------------------
; Only the zero page and buffers below (the generator's RAM plan) and at most
; 22 bytes of stack (7 nested calls and a push); self-modifying code in
; mv_core and mv_rows32 (runs from RAM); no interrupts are touched; no
; decimal mode.

.setcpu "6502"

; ---- the model's constants (filled in by tinylm-gen) ------------------------
TLM_D          = @D@            ; d_model
TLM_HEADS      = @HEADS@
TLM_HD         = @HEAD_SIZE@    ; d_model / heads
TLM_T          = @CONTEXT@      ; positions
TLM_V          = @VOCAB@
TLM_LOG2D      = @LOG2_D@
TLM_TOK_SHIFT  = @TOK_SHIFT@    ; requantize the token embedding: frac_tok - 8
TLM_POS_SHIFT  = @POS_SHIFT@    ; ... the position embedding: frac_pos - 8
TLM_CHAT       = @CHAT@         ; 1: END, prompt, SEP, reply
TLM_ROOM       = @PROMPT_ROOM@  ; prompt tokens kept
TLM_MERGES     = @MERGES@       ; BPE merges
TLM_FIRST_MERGE = @FIRST_MERGE@ ; token id of merge 0
TLM_REPLIES    = @REPLIES@      ; the reply set's replies (0: none, unconstrained)
TLM_ROWS32     = @ROWS32@       ; 1: mv_rows32 for whole blocks of 32 columns

.export tlm_begin, tlm_step, tlm_choose, tlm_argmax, tlm_token_bytes, tlm_seed, tlm_sample
.export tlm_rng, tlm_inv_temp, tlm_top_k
.export tlm_logits_lo, tlm_logits_hi, tlm_pos, tlm_seq, tlm_seq_n
.exportzp tlm_ptr
.export TLM_V, TLM_T

.import tlm_layers, tlm_head, tlm_norm_final
.import tlm_dlo, tlm_dhi, tlm_exp_lo, tlm_exp_hi, tlm_qs_lo, tlm_qs_hi, tlm_qn_lo, tlm_qn_hi
.import tlm_tok, tlm_pos_emb, tlm_token_of, tlm_merge_l, tlm_merge_r
.import tlm_tb_off_lo, tlm_tb_off_hi, tlm_tb_len, tlm_tb_bytes
.if TLM_REPLIES
.import tlm_rs_syms, tlm_rs_off_lo, tlm_rs_off_hi, tlm_rs_len
.endif
.export tlm_matvec, tlm_norm, tlm_attention
.export mv_acc0, mv_acc1, mv_acc2, mv_rows, at_sc_lo, at_sc_hi
.exportzp tlm_r
.export tlm_x_lo, tlm_x_hi, tlm_abuf, tlm_qbuf, tlm_kbuf, tlm_vbuf, tlm_obuf, tlm_ubuf
.export tlm_kcache, tlm_vcache, tlm_sk_lo, tlm_sk_mid, tlm_sk_hi
.export tlm_sv2_lo, tlm_sv2_mid, tlm_sv2_hi, tlm_sv1_lo, tlm_sv1_hi

.segment "ZEROPAGE"
; tlm_plo, tlm_phi, tlm_in, tlm_sq0-2, tlm_olo, tlm_ohi, tlm_ptr, tlm_p2,
; tlm_r: the RAM plan (transformer_6502, codegen/src/targets/m6502/
; transformer_runtime.cpp) writes them here.
;@ZERO_PAGE@

.segment "TLMBSS"
; the buffers (the same plan), in a segment of their own: the C64 puts it in
; the RAM under the KERNAL ROM (banked out while a token is computed), the
; sim6502 program beside its BSS. Nothing outside a computation reads them.
;@BUFFERS@

.segment "CODE"

; ============================================================================
; mv_core: acc[i] = 2 * sum_{j < cols} in[j] * W(i, j), i = 0 .. rows-1
; (dot_int8 of every row, doubled; 24 bits, exact). In: mv_w (column 0's
; address; column j at mv_w + j * mv_stride; row i of a column at +i, each
; byte 127 - w), mv_rows (1 .. 128), mv_cols (1 .. 256, 0 = 256), tlm_in,
; tlm_sq0/1/2 (sum of the row's w^2: low, middle, high bytes, rows entries).
; ============================================================================
mv_core:
        lda #0                  ; sa = sum in[j]^2
        sta mv_sa
        sta mv_sa+1
        sta mv_sa+2
        tay
@sa:    lda (tlm_in),y
        bpl @pos
        eor #$FF
        clc
        adc #1                  ; |a| (-128 -> 128)
@pos:   tax
        clc
        lda tlm_dlo+255,x       ; D[255 + |a|] = a^2
        adc mv_sa
        sta mv_sa
        lda tlm_dhi+255,x
        adc mv_sa+1
        sta mv_sa+1
        bcc @sac
        inc mv_sa+2
@sac:   iny
        cpy mv_cols
        bne @sa
.if TLM_ROWS32
        lda mv_cols             ; whole blocks of 32 columns: row by row
        and #31                 ; (mv_rows32); else column by column
        bne @bycol
        jmp mv_rows32
@bycol:
.endif
        ldy mv_rows             ; acc[i] = sa + sum_j w(i, j)^2
        dey
@init:  clc
        lda (tlm_sq0),y
        adc mv_sa
        sta mv_acc0,y
        lda (tlm_sq1),y
        adc mv_sa+1
        sta mv_acc1,y
        lda (tlm_sq2),y
        adc mv_sa+2
        sta mv_acc2,y
        dey
        bpl @init

        lda mv_w
        sta @col+1
        lda mv_w+1
        sta @col+2
        lda #>tlm_dlo           ; the squares' pages: their bases are written
        sta @lo+2               ; into the two loads below (absolute,Y is a
        lda #>tlm_dhi           ; cycle faster than (zp),Y)
        sta @hi+2
        lda #0
        sta mv_j
@column:
        ldy mv_j
        lda (tlm_in),y
        eor #$80                ; a + 128
        sta @lo+1
        sta @hi+1
        ldx mv_rows
        dex
        sec                     ; the carry is set at every row's start
@mac:                           ; acc -= D[255 + a - w]
@col:   ldy $FFFF,x             ; 127 - w (the address is set above)
        lda mv_acc0,x
@lo:    sbc $FFFF,y             ; tlm_dlo + a + 128, + 127 - w
        sta mv_acc0,x
        lda mv_acc1,x
@hi:    sbc $FFFF,y
        sta mv_acc1,x
        bcs @nb
        dec mv_acc2,x           ; the borrow into bits 16-23
        sec
@nb:    dex
        bpl @mac
        clc
        lda @col+1
        adc mv_stride
        sta @col+1
        lda @col+2
        adc mv_stride+1
        sta @col+2
        inc mv_j
        lda mv_j
        cmp mv_cols
        bne @column
        rts

; mv_rows32: mv_core's result when mv_cols is a multiple of 32 (0: 256),
; the same sums (acc[i] = sa + sum_j w(i, j)^2 - sum_j D[255 + a_j - w(i, j)],
; mod 2^24) in another order: per block of 32 columns, the block's column
; addresses and input values are written into 32 unrolled
; multiply-accumulates (mr_mac: the squares' operands are tlm_dlo/tlm_dhi +
; a + 128, page-aligned, so only their low bytes change), then every row
; runs them with its sum in the zero page (mv_r0, 3 bytes): about 28 cycles a
; multiply-accumulate against the column loop's 38. In: as mv_core, with sa
; in mv_sa. tlm_in is kept.
.if TLM_ROWS32
MR_MAC_BYTES = 22
mv_rows32:
        lda mv_w
        sta mv_cw
        lda mv_w+1
        sta mv_cw+1
        lda tlm_in              ; kept: the blocks advance it
        sta mv_in
        lda tlm_in+1
        sta mv_in+1
        lda mv_cols
        sec
        sbc #1
        lsr
        lsr
        lsr
        lsr
        lsr
        sta mv_blocks           ; blocks - 1 (0 .. 7)
        lda #<mr_first
        sta mr_init+1
        lda #>mr_first
        sta mr_init+2
mr_block:
        .repeat 32, J           ; column J of the block: its address (the
        lda mv_cw               ; rows' bytes 127 - w) and a + 128
        sta mr_mac + MR_MAC_BYTES*J + 1
        clc
        adc mv_stride
        sta mv_cw
        lda mv_cw+1
        sta mr_mac + MR_MAC_BYTES*J + 2
        adc mv_stride+1
        sta mv_cw+1
        ldy #J
        lda (tlm_in),y
        eor #$80
        sta mr_mac + MR_MAC_BYTES*J + 6
        sta mr_mac + MR_MAC_BYTES*J + 13
        .endrepeat
        ldx mv_rows
        dex
mr_row:
mr_init: jmp mr_first           ; the first block: mr_first; then mr_next
mr_first:                       ; r = sa + sum_j w(i, j)^2
        txa
        tay
        clc
        lda (tlm_sq0),y
        adc mv_sa
        sta mv_r0
        lda (tlm_sq1),y
        adc mv_sa+1
        sta mv_r0+1
        lda (tlm_sq2),y
        adc mv_sa+2
        sta mv_r0+2
        jmp mr_go
mr_next:                        ; r = the earlier blocks' sum
        lda mv_acc0,x
        sta mv_r0
        lda mv_acc1,x
        sta mv_r0+1
        lda mv_acc2,x
        sta mv_r0+2
mr_go:  sec                     ; the carry is set at every column's start
mr_mac:
        .repeat 32
        ldy $FFFF,x             ; 127 - w (the column's address: +1)
        lda mv_r0
        sbc tlm_dlo,y           ; D[255 + a - w], low (+6: a + 128)
        sta mv_r0
        lda mv_r0+1
        sbc tlm_dhi,y           ; high (+13: a + 128)
        sta mv_r0+1
        bcs :+
        dec mv_r0+2               ; the borrow into bits 16-23
        sec
:
        .endrepeat
        .assert * - mr_mac = 32 * MR_MAC_BYTES, error, "mr_mac's layout changed: update MR_MAC_BYTES and the offsets"
        lda mv_r0
        sta mv_acc0,x
        lda mv_r0+1
        sta mv_acc1,x
        lda mv_r0+2
        sta mv_acc2,x
        dex
        bmi mr_done
        jmp mr_row
mr_done:
        dec mv_blocks
        bmi mr_end
        clc                     ; the next block: x from 32 columns on
        lda tlm_in
        adc #32
        sta tlm_in
        bcc :+
        inc tlm_in+1
:       lda #<mr_next
        sta mr_init+1
        lda #>mr_next
        sta mr_init+2
        jmp mr_block
mr_end: lda mv_in
        sta tlm_in
        lda mv_in+1
        sta tlm_in+1
        rts
.endif

; ============================================================================
; requantize: tlm_r (4 bytes, signed) holds 2v; leaves requantize(v, mv_shift)
; in tlm_r (dot_int8.hpp: round half up for s >= 0; for s < 0 a shift left
; that stops once |r| >= 2^23, which saturates every clamp alike).
; acc_to_r: tlm_r = acc[X], sign-extended. Both keep X.
; ============================================================================
acc_to_r:
        lda mv_acc0,x
        sta tlm_r
        lda mv_acc1,x
        sta tlm_r+1
        lda mv_acc2,x
        sta tlm_r+2
        ldy #0
        and #$80
        beq @p
        dey
@p:     sty tlm_r+3
        rts

requantize:
        lda mv_shift
        bmi @left
        ; r += 2^s (s <= 24)
        lsr
        lsr
        lsr
        tay                     ; byte s >> 3
        lda mv_shift
        and #7
        stx mv_savex
        tax
        lda bit_of,x
        ldx mv_savex
        clc
        adc tlm_r,y
        sta tlm_r,y
@carry: bcc @shift
        iny
        cpy #4
        beq @shift
        lda tlm_r,y
        clc
        adc #1                  ; the carry in
        sta tlm_r,y
        jmp @carry
@shift: ldy mv_shift
        iny                     ; >> (s + 1), arithmetic
@bytes: cpy #8
        bcc @bits
        lda tlm_r+1
        sta tlm_r
        lda tlm_r+2
        sta tlm_r+1
        lda tlm_r+3
        sta tlm_r+2
        and #$80
        beq @bz
        lda #$FF
@bz:    sta tlm_r+3
        tya
        sec
        sbc #8
        tay
        jmp @bytes
@bits:  cpy #0
        beq @done
@bit:   lda tlm_r+3
        cmp #$80
        ror tlm_r+3
        ror tlm_r+2
        ror tlm_r+1
        ror tlm_r
        dey
        bne @bit
@done:  rts
@left:  lda tlm_r+3             ; v = r / 2 (exact)
        cmp #$80
        ror tlm_r+3
        ror tlm_r+2
        ror tlm_r+1
        ror tlm_r
        lda mv_shift
        eor #$FF
        tay
        iny                     ; -s
@lbit:  lda tlm_r+2             ; stop once |r| >= 2^23: r+3 is not r+2's sign
        and #$80
        beq @lp
        lda #$FF
@lp:    cmp tlm_r+3
        bne @done
        asl tlm_r
        rol tlm_r+1
        rol tlm_r+2
        rol tlm_r+3
        dey
        bne @lbit
        rts

bit_of: .byte 1, 2, 4, 8, 16, 32, 64, 128

; clamp8: A = tlm_r clamped to [mv_lo, mv_hi] (mv_lo -128 or 0, mv_hi 127).
clamp8:
        lda tlm_r+3
        bmi @neg
        ora tlm_r+2
        ora tlm_r+1
        bne @hi
        lda tlm_r
        bmi @hi
        rts
@hi:    lda mv_hi
        rts
@neg:   lda mv_lo
        bpl @lo                 ; a ReLU: every negative value is mv_lo
        lda tlm_r+3
        and tlm_r+2
        and tlm_r+1
        cmp #$FF
        bne @lo
        lda tlm_r
        bpl @lo
        rts
@lo:    lda mv_lo
        rts

; clamp16: tlm_r saturated to int16 in tlm_r, tlm_r+1.
clamp16:
        lda tlm_r+3
        bmi @neg
        ora tlm_r+2
        bne @hi
        lda tlm_r+1
        bpl @ok
@hi:    lda #$FF
        sta tlm_r
        lda #$7F
        sta tlm_r+1
@ok:    rts
@neg:   and tlm_r+2
        cmp #$FF
        bne @lo
        lda tlm_r+1
        bmi @ok
@lo:    lda #0
        sta tlm_r
        lda #$80
        sta tlm_r+1
        rts

; ============================================================================
; tlm_matvec: one matmul from a descriptor (X/Y = its address, low/high):
;   +0 W  +2 rows  +3 cols  +4 stride  +6 in  +8 sq0  +10 sq1  +12 sq2
;   +14 shift  +15 mode  +16 out_lo  +18 out_hi  +20 lo  +21 hi
;   +22 a generated routine that finishes the rows as mv_finish would (the
;   generator writes one per matmul with a shift >= 0: straight-line code,
;   no loops over bits), or 0
; mode 0: out_lo[i] = clamp(requantize(dot_i, shift), lo, hi)        (int8)
; mode 1: out_lo/out_hi[i] = sat16(requantize(dot_i, shift))          (int16)
; mode 2: out_lo/out_hi[i] = sat16(out[i] + requantize(dot_i, shift)) (residual)
; ============================================================================
tlm_matvec:
        stx tlm_ptr
        sty tlm_ptr+1
        ldy #0
        lda (tlm_ptr),y
        sta mv_w
        iny
        lda (tlm_ptr),y
        sta mv_w+1
        iny
        lda (tlm_ptr),y
        sta mv_rows
        iny
        lda (tlm_ptr),y
        sta mv_cols
        iny
        lda (tlm_ptr),y
        sta mv_stride
        iny
        lda (tlm_ptr),y
        sta mv_stride+1
        ldx #0
@zp:    iny                     ; in, sq0, sq1, sq2: 8 bytes to tlm_in ..
        lda (tlm_ptr),y
        sta tlm_in,x
        inx
        cpx #8
        bne @zp
        iny
        lda (tlm_ptr),y
        sta mv_shift
        iny
        lda (tlm_ptr),y
        sta mv_mode
        ldx #0
@out:   iny                     ; out_lo, out_hi
        lda (tlm_ptr),y
        sta tlm_olo,x
        inx
        cpx #4
        bne @out
        iny
        lda (tlm_ptr),y
        sta mv_lo
        iny
        lda (tlm_ptr),y
        sta mv_hi
        iny
        lda (tlm_ptr),y         ; +22: the generated finish of this matmul
        sta @fin+1              ; (its shift and output known to the
        iny                     ; generator), or 0: mv_finish
        lda (tlm_ptr),y
        sta @fin+2
        jsr mv_core
        lda @fin+2
        beq mv_finish
@fin:   jmp $FFFF
; mv_finish: writes the rows of mv_core's result as mv_mode says.
mv_finish:
        jsr rq_prepare
        ldx mv_rows
        dex
@row:   jsr rq_row
        lda mv_mode
        bne @wide
        jsr clamp8
        stx mv_savex
        ldy mv_savex
        sta (tlm_olo),y
        jmp @next
@wide:  cmp #2
        bne @store
        stx mv_savex            ; r += out[i] (sign-extended)
        ldy mv_savex
        clc
        lda (tlm_olo),y
        adc tlm_r
        sta tlm_r
        lda (tlm_ohi),y
        pha
        adc tlm_r+1
        sta tlm_r+1
        pla
        and #$80
        beq @sx
        lda #$FF
@sx:    sta mv_t
        adc tlm_r+2
        sta tlm_r+2
        lda mv_t
        adc tlm_r+3
        sta tlm_r+3
@store: jsr clamp16
        stx mv_savex
        ldy mv_savex
        lda tlm_r
        sta (tlm_olo),y
        lda tlm_r+1
        sta (tlm_ohi),y
@next:  dex
        bpl @row
        rts

; rq_prepare: the constants of rq_row for mv_shift (s >= 0): the byte and
; bit of 2^s, and s + 1 as B bytes and b bits (b >= 5: 8 - b bits left and
; one byte more: fewer bit steps).
rq_prepare:
        lda mv_shift
        bmi @r
        lsr
        lsr
        lsr
        sta rq_rb               ; the byte of 2^s
        lda mv_shift
        and #7
        tax
        lda bit_of,x
        sta rq_rv               ; its bit
        ldx mv_shift
        inx                     ; n = s + 1
        txa
        lsr
        lsr
        lsr
        sta rq_B
        txa
        and #7
        cmp #5
        bcc @right
        eor #7                  ; 8 - b = (7 - b) + 1 bits left, then one byte right
        adc #0                  ; (carry is set: + 1)
        ora #$80                ; bit 7: left
@right: sta rq_b
@r:     rts

; rq_row: tlm_r (4 bytes, signed) = requantize(acc[X] / 2, mv_shift); keeps X.
; tlm_r is 9 bytes: the sign extension lets the rounding carry run off the
; top and the byte shift read past the value.
rq_row: lda mv_shift
        bpl @fast
        jsr acc_to_r
        jmp requantize
@fast:  lda mv_acc0,x
        sta tlm_r
        lda mv_acc1,x
        sta tlm_r+1
        lda mv_acc2,x
        sta tlm_r+2
        ldy #0
        asl                     ; carry = the sign
        bcc @p
        dey
@p:     sty tlm_r+3
        sty tlm_r+4
        sty tlm_r+5
        sty tlm_r+6
        sty tlm_r+7
        lda #0
        sta tlm_r+8             ; stops the carry below
        ldy rq_rb               ; + 2^s
        clc
        lda tlm_r,y
        adc rq_rv
        sta tlm_r,y
        bcc @bytes
@c:     iny
        lda tlm_r,y
        adc #0
        sta tlm_r,y
        bcs @c
@bytes: ldy rq_B                ; r >>= 8 B (B <= 4)
        beq @bits
        lda tlm_r,y
        sta tlm_r
        lda tlm_r+1,y
        sta tlm_r+1
        lda tlm_r+2,y
        sta tlm_r+2
        lda tlm_r+3,y
        sta tlm_r+3
        lda tlm_r+4,y
        sta tlm_r+4
@bits:  ldy rq_b
        beq @done
        bmi @left
@rb:    lda tlm_r+3             ; >> 1, arithmetic
        cmp #$80
        ror tlm_r+3
        ror tlm_r+2
        ror tlm_r+1
        ror tlm_r
        dey
        bne @rb
@done:  rts
@left:  tya                     ; << (8 - b) of the 5 bytes, then the top 4
        and #$7F
        tay
@lb:    asl tlm_r
        rol tlm_r+1
        rol tlm_r+2
        rol tlm_r+3
        rol tlm_r+4
        dey
        bne @lb
        lda tlm_r+1
        sta tlm_r
        lda tlm_r+2
        sta tlm_r+1
        lda tlm_r+3
        sta tlm_r+2
        lda tlm_r+4
        sta tlm_r+3
        rts

; udiv: dv_n (6 bytes) = dv_n / dv_d (4 bytes, > 0), unsigned; 48 steps.
udiv:
        lda #0
        ldx #4
@z:     sta dv_r,x
        dex
        bpl @z
        ldy #48                 ; steps: 8 fewer per zero byte at the top of n
@top:   lda dv_n+5              ; (shifting a zero byte in gives quotient bits 0)
        bne @step
        ldx #4
@sh:    lda dv_n,x
        sta dv_n+1,x
        dex
        bpl @sh
        lda #0
        sta dv_n
        tya
        sec
        sbc #8
        tay
        bne @top
        rts
@step:  asl dv_n
        rol dv_n+1
        rol dv_n+2
        rol dv_n+3
        rol dv_n+4
        rol dv_n+5
        rol dv_r
        rol dv_r+1
        rol dv_r+2
        rol dv_r+3
        rol dv_r+4
        sec                     ; r - d
        lda dv_r
        sbc dv_d
        sta dv_t
        lda dv_r+1
        sbc dv_d+1
        sta dv_t+1
        lda dv_r+2
        sbc dv_d+2
        sta dv_t+2
        lda dv_r+3
        sbc dv_d+3
        sta dv_t+3
        lda dv_r+4
        sbc #0
        bcc @no
        sta dv_r+4
        lda dv_t
        sta dv_r
        lda dv_t+1
        sta dv_r+1
        lda dv_t+2
        sta dv_r+2
        lda dv_t+3
        sta dv_r+3
        inc dv_n                ; the quotient bit (bit 0 is 0 after the shift)
@no:    dey
        bne @step
        rts

; SETQ: the quarter-square pointers for the multiplier A (their pages are
; set by clear_p): tlm_q1/q2 = qs + A, tlm_q3/q4 = qn + (255 - A).
.macro SETQ
        sta tlm_q1
        sta tlm_q2
        eor #$FF
        sta tlm_q3
        sta tlm_q4
.endmacro

; MULADD src, k: nm_p += (the SETQ multiplier) * src << 8k (src a byte; 0 is
; skipped), the carry run up to nm_p+7. About 48 cycles.
.macro MULADD src, k
        ldy src
        beq :+
        sec
        lda (tlm_q1),y
        sbc (tlm_q3),y
        sta nm_tl
        lda (tlm_q2),y
        sbc (tlm_q4),y
        tax
        clc
        lda nm_tl
        adc nm_p+k
        sta nm_p+k
        txa
        adc nm_p+k+1
        sta nm_p+k+1
        bcc :+
        .repeat 6-k, J
        inc nm_p+k+2+J
        bne :+
        .endrepeat
:
.endmacro

; CLEARP: nm_p = 0 (8 bytes; A = 0 after it). The pages of tlm_q1..q4 are
; set once per token (tlm_step) or by clear_p.
.macro CLEARP
        lda #0
        sta nm_p
        sta nm_p+1
        sta nm_p+2
        sta nm_p+3
        sta nm_p+4
        sta nm_p+5
        sta nm_p+6
        sta nm_p+7
.endmacro

; clear_p: nm_p = 0 (8 bytes), the quarter-square pages into tlm_q1..q4.
clear_p:
        lda #0
        ldx #7
@z:     sta nm_p,x
        dex
        bpl @z
        lda #>tlm_qs_lo
        sta tlm_q1+1
        lda #>tlm_qs_hi
        sta tlm_q2+1
        lda #>tlm_qn_lo
        sta tlm_q3+1
        lda #>tlm_qn_hi
        sta tlm_q4+1
        rts

; round_p: nm_p (a magnitude; the sign in nm_sign's bit 7) += 2^15, or
; 2^15 - 1 for a negative value: nm_p+2 .. +5 is then |rsr64(v, 16)|.
round_p:
        clc
        lda nm_sign
        bmi @neg
        lda nm_p+1
        adc #$80
        sta nm_p+1
        jmp @up
@neg:   lda nm_p
        adc #$FF
        sta nm_p
        lda nm_p+1
        adc #$7F
        sta nm_p+1
@up:    bcc @r
        ldx #2
@c:     inc nm_p,x
        bne @r
        inx
        cpx #8
        bne @c
@r:     rts

; round_p32: nm_p (a magnitude, the sign in nm_sign) += 2^31, or 2^31 - 1
; for a negative value: nm_p+4 .. +7 is then |rsr64(v, 32)|.
round_p32:
        lda nm_sign
        bmi @neg
        clc
        lda nm_p+3
        adc #$80
        sta nm_p+3
        bcc @r
        bcs @up
@neg:   clc
        ldx #0
@ff:    lda nm_p,x
        adc #$FF
        sta nm_p,x
        inx
        txa
        eor #3
        bne @ff
        lda nm_p+3
        adc #$7F
        sta nm_p+3
        bcc @r
@up:    ldx #4
@c:     inc nm_p,x
        bne @r
        inx
        cpx #8
        bne @c
@r:     rts

; ============================================================================
; tlm_norm: rmsnorm (rmsnorm.hpp, d a power of two) of x, then
; a = sat8(requantize(y, shift)). Descriptor (X/Y): +0 gain_lo +2 gain_hi
; +4 shift (8 - frac) +5 out (a buffer of d bytes) +7 the generated finish
; of the output (as a matmul's, from acc = 2y), or 0.
; ============================================================================
tlm_norm:
        stx tlm_ptr
        sty tlm_ptr+1
        ldy #3
@d:     lda (tlm_ptr),y         ; gain lo, gain hi -> tlm_sq0, tlm_sq1
        sta tlm_sq0,y
        dey
        bpl @d
        ldy #4
        lda (tlm_ptr),y
        sta nm_shift
        iny
        lda (tlm_ptr),y
        sta tlm_olo             ; out
        iny
        lda (tlm_ptr),y
        sta tlm_olo+1
        iny
        lda (tlm_ptr),y         ; +7: the generated finish of the output, or 0
        sta @fin+1
        iny
        lda (tlm_ptr),y
        sta @fin+2
        ; sumsq (6 bytes) = sum x_i^2
        lda #0
        ldx #5
@zs:    sta nm_sum,x
        dex
        bpl @zs
        lda #0
        sta nm_i
@sq:    ldx nm_i            ; x^2 = h^2 2^16 + (h^2 + l^2 - (h - l)^2) 2^8 + l^2, |x| = (h, l)
        lda tlm_x_lo,x
        ldy tlm_x_hi,x
        bpl @abs
        eor #$FF                ; |x|
        clc
        adc #1
        pha
        tya
        eor #$FF
        adc #0
        tay
        pla
@abs:   sta nm_l
        sty nm_h
        tax
        clc                     ; sum += l^2
        lda tlm_dlo+255,x
        adc nm_sum
        sta nm_sum
        lda tlm_dhi+255,x
        adc nm_sum+1
        sta nm_sum+1
        bcc @l2
        inc nm_sum+2
        bne @l2
        inc nm_sum+3
        bne @l2
        inc nm_sum+4
@l2:    lda nm_h
        bne @h
        jmp @ok                 ; h = 0: done
@h:
        tax                     ; m = h^2 + l^2 - (h - l)^2 = 2hl (17 bits) in nm_m
        clc
        lda tlm_dlo+255,x
        ldy nm_l
        adc tlm_dlo+255,y
        sta nm_m
        lda tlm_dhi+255,x
        adc tlm_dhi+255,y
        sta nm_m+1
        lda #0
        rol
        sta nm_m+2
        sec
        lda nm_h
        sbc nm_l                ; h - l (-255 .. 128): D[255 + h - l]
        tay
        lda #0
        sbc #0                  ; the borrow: $FF when h < l
        beq @hpos
        ; h - l < 0: index 255 + (h - l) = Y - 1 (Y = h - l + 256)
        dey
        lda tlm_dlo,y
        sta nm_t
        lda tlm_dhi,y
        jmp @sub
@hpos:  lda tlm_dlo+255,y
        sta nm_t
        lda tlm_dhi+255,y
@sub:   sta nm_t+1
        sec
        lda nm_m
        sbc nm_t
        sta nm_m
        lda nm_m+1
        sbc nm_t+1
        sta nm_m+1
        lda nm_m+2
        sbc #0
        sta nm_m+2
        clc                     ; sum += 2hl << 8
        lda nm_sum+1
        adc nm_m
        sta nm_sum+1
        lda nm_sum+2
        adc nm_m+1
        sta nm_sum+2
        lda nm_sum+3
        adc nm_m+2
        sta nm_sum+3
        bcc @h2
        inc nm_sum+4
        bne @h2
        inc nm_sum+5
@h2:    ldx nm_h                ; sum += h^2 << 16
        clc
        lda tlm_dlo+255,x
        adc nm_sum+2
        sta nm_sum+2
        lda tlm_dhi+255,x
        adc nm_sum+3
        sta nm_sum+3
        bcc @ok
        inc nm_sum+4
        bne @ok
        inc nm_sum+5
@ok:    inc nm_i
        lda nm_i
        cmp #<TLM_D
        beq @summed
        jmp @sq
@summed:
        ; ms = sumsq << (16 - log2 d), in sq_v (8 bytes)
        lda #0
        sta sq_v
        sta sq_v+1
        ldx #0
@mv:    lda nm_sum,x
        sta sq_v+2,x
        inx
        cpx #6
        bne @mv
        ldx #TLM_LOG2D
        beq @root
@shr:   lsr sq_v+7
        ror sq_v+6
        ror sq_v+5
        ror sq_v+4
        ror sq_v+3
        ror sq_v+2
        ror sq_v+1
        ror sq_v
        dex
        bne @shr
@root:  jsr isqrt64             ; sq_root = rms (0: all zero)
        lda sq_root
        ora sq_root+1
        ora sq_root+2
        ora sq_root+3
        bne @inv
        ; x is all zero: y = 0, a = sat8(requantize(0, s)) = 0
        ldx #<(TLM_D-1)
        lda #0
@zero:  txa
        tay
        lda #0
        sta (tlm_olo),y
        dex
        cpx #$FF
        bne @zero
        rts
@inv:   ldx #3                  ; inv = 2^40 / rms
@cd:    lda sq_root,x
        sta dv_d,x
        dex
        bpl @cd
        lda #0
        ldx #4
@cn:    sta dv_n,x
        dex
        bpl @cn
        lda #1
        sta dv_n+5
        jsr udiv
        ldx #5                  ; inv's length in bytes (1 .. 6)
@len:   lda dv_n,x
        bne @haslen
        dex
        bne @len
@haslen:
        inx
        stx nm_inv_len
        ldx #5
@ci:    lda dv_n,x
        sta nm_inv,x
        dex
        bpl @ci

        lda #0
        sta nm_i
@elem:  ; |t| = (|x| inv + c) >> 16, c = 2^15 (x >= 0) or 2^15 - 1 (x < 0):
        ; rsr64(x inv, 16) on magnitudes (round half up of a negative value);
        ; the products are unrolled (MULADD), zero bytes skipped
        ldx nm_i
        lda tlm_x_hi,x
        sta nm_sign
        tay
        lda tlm_x_lo,x
        cpy #$80
        bcc @xp
        eor #$FF                ; |x|
        clc
        adc #1
        pha
        tya
        eor #$FF
        adc #0
        tay
        pla
@xp:    sta nm_ml
        sty nm_mh
        CLEARP
        lda nm_ml
        bne :+
        jmp @xh
:       SETQ
        MULADD nm_inv, 0
        MULADD nm_inv+1, 1
        MULADD nm_inv+2, 2
        MULADD nm_inv+3, 3
        MULADD nm_inv+4, 4
        MULADD nm_inv+5, 5
@xh:    lda nm_mh
        bne :+
        jmp @tr
:       SETQ
        MULADD nm_inv, 1
        MULADD nm_inv+1, 2
        MULADD nm_inv+2, 3
        MULADD nm_inv+3, 4
        MULADD nm_inv+4, 5
        MULADD nm_inv+5, 6
@tr:    jsr round_p             ; |t| = nm_p+2 .. +5
        ldx #3
@ct:    lda nm_p+2,x
        sta nm_t4,x
        dex
        bpl @ct
        ; |y| = (|t| |g| + c') >> 16, the sign of x xor the gain's
        ldy nm_i
        lda (tlm_sq0),y
        tax
        lda (tlm_sq1),y
        bpl @gp
        tay
        eor nm_sign
        sta nm_sign
        txa                     ; |g|
        eor #$FF
        clc
        adc #1
        tax
        tya
        eor #$FF
        adc #0
@gp:    sta nm_mh
        stx nm_ml
        CLEARP
        lda nm_ml
        bne :+
        jmp @gh
:       SETQ
        MULADD nm_t4, 0
        MULADD nm_t4+1, 1
        MULADD nm_t4+2, 2
        MULADD nm_t4+3, 3
@gh:    lda nm_mh
        bne :+
        jmp @yr
:       SETQ
        MULADD nm_t4, 1
        MULADD nm_t4+1, 2
        MULADD nm_t4+2, 3
        MULADD nm_t4+3, 4
@yr:    jsr round_p             ; |y| = nm_p+2 .. +5 (unsaturated)
        ldx #3
@cy:    lda nm_p+2,x
        sta tlm_r,x
        dex
        bpl @cy
        lda nm_sign
        bpl @yp
        sec                     ; y = -|y|
        ldx #0
@yn:    lda #0
        sbc tlm_r,x
        sta tlm_r,x
        inx
        txa
        eor #4
        bne @yn
@yp:
        jsr clamp16             ; y (int16)
        ldx nm_i                ; acc[i] = 2y: the finish below turns it into a_i
        lda tlm_r
        asl
        sta mv_acc0,x
        lda tlm_r+1
        rol
        sta mv_acc1,x
        lda #0
        bcc @y2
        lda #$FF
@y2:    sta mv_acc2,x           ; the carry out of the shift is y's sign
        inc nm_i
        lda nm_i
        cmp #<TLM_D
        beq @end
        jmp @elem
@end:   ; a_i = sat8(requantize(y_i, shift)), as a matmul's rows are finished
        lda nm_shift
        sta mv_shift
        lda #0
        sta mv_mode
        lda #$80
        sta mv_lo
        lda #$7F
        sta mv_hi
        lda #<TLM_D
        sta mv_rows
        lda @fin+2
        bne @fin
        jmp mv_finish
@fin:   jmp $FFFF

; isqrt64: sq_root = floor(sqrt(sq_v)) (isqrt.hpp), two bits per step.
isqrt64:
        lda #0
        ldx #4
@z:     sta sq_rem,x
        dex
        bpl @z
        ldx #3
@zr:    sta sq_root,x
        dex
        bpl @zr
        lda #32
        sta sq_n
@top:   lda sq_v+7              ; a zero top byte of v: four steps that only
        bne @step               ; shift it (rem and root stay 0)
        ldx #6
@sh:    lda sq_v,x
        sta sq_v+1,x
        dex
        bpl @sh
        lda #0
        sta sq_v
        lda sq_n
        sec
        sbc #4
        sta sq_n
        bne @top
        rts                     ; v was 0
@step:  ldx #2                  ; rem = rem << 2 | the top two bits of v
@two:   asl sq_v
        rol sq_v+1
        rol sq_v+2
        rol sq_v+3
        rol sq_v+4
        rol sq_v+5
        rol sq_v+6
        rol sq_v+7
        rol sq_rem
        rol sq_rem+1
        rol sq_rem+2
        rol sq_rem+3
        rol sq_rem+4
        dex
        bne @two
        asl sq_root             ; root <<= 1
        rol sq_root+1
        rol sq_root+2
        rol sq_root+3
        ; test = 2 root + 1
        lda sq_root
        asl
        ora #1
        sta sq_t
        lda sq_root+1
        rol
        sta sq_t+1
        lda sq_root+2
        rol
        sta sq_t+2
        lda sq_root+3
        rol
        sta sq_t+3
        lda #0
        rol
        sta sq_t+4
        sec                     ; rem - test
        lda sq_rem
        sbc sq_t
        sta sq_t
        lda sq_rem+1
        sbc sq_t+1
        sta sq_t+1
        lda sq_rem+2
        sbc sq_t+2
        sta sq_t+2
        lda sq_rem+3
        sbc sq_t+3
        sta sq_t+3
        lda sq_rem+4
        sbc sq_t+4
        bcc @no
        sta sq_rem+4
        lda sq_t
        sta sq_rem
        lda sq_t+1
        sta sq_rem+1
        lda sq_t+2
        sta sq_rem+2
        lda sq_t+3
        sta sq_rem+3
        inc sq_root
@no:    dec sq_n
        beq @r
        jmp @step
@r:     rts

; ============================================================================
; tlm_attention: stores K and V of position tlm_pos (from tlm_kbuf, tlm_vbuf)
; and computes o (tlm_obuf) from q (tlm_qbuf). Descriptor (X/Y):
;   +0 K (transposed: element (c, j) at K + c*T + j)  +2 V (V + j*d + c)
;   +4 SK lo +6 SK mid +8 SK hi (sum of a head's k^2 at (h, j): + h*T + j)
;   +10 SV2 lo +12 mid +14 hi (sum over positions of v_c^2, per c)
;   +16 SV1 lo +18 hi (sum over positions of v_c)  +20 the score shift
;   +21 the generated finish of the scores (rows: mv_rows), or 0
; ============================================================================
tlm_attention:
        stx tlm_ptr
        sty tlm_ptr+1
        ldy #0
@d:     lda (tlm_ptr),y
        sta at_desc,y
        iny
        cpy #23
        bne @d
        ; K: K[c*T + p] = k_c ^ $7F
        clc
        lda at_k
        adc tlm_pos
        sta tlm_p2
        lda at_k+1
        adc #0
        sta tlm_p2+1
        ldx #0
@kc:    lda tlm_kbuf,x
        eor #$7F
        ldy #0
        sta (tlm_p2),y
        clc
        lda tlm_p2
        adc #<TLM_T
        sta tlm_p2
        bcc @kn
        inc tlm_p2+1
@kn:    inx
        cpx #<TLM_D
        bne @kc
        ; SK[h*T + p] = sum over the head's columns of k^2
        ldx #5
@skz:   lda at_sklo,x
        sta tlm_sq0,x
        dex
        bpl @skz
        lda #0
        sta at_h
        tax                     ; column
@skh:   lda #0
        sta at_s
        sta at_s+1
        sta at_s+2
        lda #<TLM_HD
        sta at_i
@skc:   lda tlm_kbuf,x
        bpl @skp
        eor #$FF
        clc
        adc #1
@skp:   tay
        clc
        lda tlm_dlo+255,y
        adc at_s
        sta at_s
        lda tlm_dhi+255,y
        adc at_s+1
        sta at_s+1
        bcc @skn
        inc at_s+2
@skn:   inx
        dec at_i
        bne @skc
        stx at_x
        lda at_h                ; y = h*T + p (< 256: heads * T <= 256)
        ldy #<TLM_T
        jsr mul8_low            ; A = h * T (low byte)
        clc
        adc tlm_pos
        tay
        lda at_s
        sta (tlm_sq0),y
        lda at_s+1
        sta (tlm_sq1),y
        lda at_s+2
        sta (tlm_sq2),y
        ldx at_x
        inc at_h
        lda at_h
        cmp #<TLM_HEADS
        bne @skh
        ; V: V[p*d + c] = v_c ^ $7F; SV2[c] (+)= v_c^2; SV1[c] (+)= v_c
        ldx #5
@svz:   lda at_sv2lo,x
        sta tlm_sq0,x
        dex
        bpl @svz
        ldx #3
@s1z:   lda at_sv1lo,x
        sta tlm_olo,x
        dex
        bpl @s1z
        lda at_v
        sta tlm_p2
        lda at_v+1
        sta tlm_p2+1
        ldx tlm_pos
        beq @vrow
@vadd:  clc
        lda tlm_p2
        adc #<TLM_D
        sta tlm_p2
        lda tlm_p2+1
        adc #>TLM_D
        sta tlm_p2+1
        dex
        bne @vadd
@vrow:  ldy #0
@vc:    lda tlm_vbuf,y
        eor #$7F
        sta (tlm_p2),y
        lda tlm_pos
        bne @vsum
        lda #0                  ; position 0 starts the sums
        sta (tlm_sq0),y
        sta (tlm_sq1),y
        sta (tlm_sq2),y
        sta (tlm_olo),y
        sta (tlm_ohi),y
@vsum:  lda tlm_vbuf,y
        bpl @vp
        eor #$FF
        clc
        adc #1
@vp:    tax
        clc
        lda tlm_dlo+255,x
        adc (tlm_sq0),y
        sta (tlm_sq0),y
        lda tlm_dhi+255,x
        adc (tlm_sq1),y
        sta (tlm_sq1),y
        lda (tlm_sq2),y
        adc #0
        sta (tlm_sq2),y
        lda tlm_vbuf,y          ; SV1 += v (sign-extended)
        ldx #0
        cmp #$80
        bcc @v1
        dex
@v1:    clc
        adc (tlm_olo),y
        sta (tlm_olo),y
        txa
        adc (tlm_ohi),y
        sta (tlm_ohi),y
        iny
        cpy #<TLM_D
        bne @vc

        ; ---- per head ----
        lda #0
        sta at_h
@head:  lda at_h
        ldy #<TLM_HD
        jsr mul8_low
        sta at_c0               ; c0 = h * hd
        ; scores: rows j = 0..p, columns i of the head: W(j, i) = K[(c0+i)*T + j]
        lda at_c0
        ldy #<TLM_T
        jsr mul8_16             ; c0 * T in mul_r (16 bits)
        clc
        lda at_k
        adc mul_r
        sta mv_w
        lda at_k+1
        adc mul_r+1
        sta mv_w+1
        ldx tlm_pos
        inx
        stx mv_rows
        lda #<TLM_HD
        sta mv_cols
        lda #<TLM_T
        sta mv_stride
        lda #0
        sta mv_stride+1
        clc
        lda #<tlm_qbuf
        adc at_c0
        sta tlm_in
        lda #>tlm_qbuf
        adc #0
        sta tlm_in+1
        lda at_h
        ldy #<TLM_T
        jsr mul8_low
        sta at_t
        ldx #0
@sqp:   clc                     ; sq0..2 = SK lo/mid/hi + h*T
        lda at_sklo,x
        adc at_t
        sta tlm_sq0,x
        lda at_sklo+1,x
        adc #0
        sta tlm_sq0+1,x
        inx
        inx
        cpx #6
        bne @sqp
        jsr mv_core
        lda at_fin+1
        beq @gen
        lda #>(@scored-1)       ; the generated finish of the scores returns
        pha                     ; to @scored
        lda #<(@scored-1)
        pha
        jmp (at_fin)
@gen:   lda at_shift
        sta mv_shift
        lda #<at_sc_lo
        sta tlm_olo
        lda #>at_sc_lo
        sta tlm_olo+1
        lda #<at_sc_hi
        sta tlm_ohi
        lda #>at_sc_hi
        sta tlm_ohi+1
        lda #1
        sta mv_mode
        jsr mv_finish
@scored:
        ; the maximum score
        ldx #0
        lda at_sc_lo
        sta at_m
        lda at_sc_hi
        sta at_m+1
@max:   inx
        cpx mv_rows
        beq @exp
        lda at_m                ; s_x > m (signed)?
        cmp at_sc_lo,x
        lda at_m+1
        sbc at_sc_hi,x
        bvc @mv
        eor #$80
@mv:    bpl @max                ; m >= s_x
        lda at_sc_lo,x
        sta at_m
        lda at_sc_hi,x
        sta at_m+1
        jmp @max
@exp:   ; w_j = exp_table[min(255, (m - s_j + 8) >> 4)], S = sum w_j
        lda #0
        sta at_s
        sta at_s+1
        sta at_s+2
        ldx #0
@ew:    sec
        lda at_m
        sbc at_sc_lo,x
        sta at_t
        lda at_m+1
        sbc at_sc_hi,x
        sta at_t+1
        clc
        lda at_t
        adc #8
        sta at_t
        lda at_t+1
        adc #0
        bcs @big                ; >= 65536
        cmp #16
        bcs @big                ; >= 4096: k >= 256
        sta at_t+1
        lda at_t                ; k = (t >> 4) | (t_hi << 4)
        lsr
        lsr
        lsr
        lsr
        sta at_u
        lda at_t+1
        asl
        asl
        asl
        asl
        ora at_u
        tay
        jmp @lk
@big:   ldy #255
@lk:    lda tlm_exp_lo,y
        sta at_w_lo,x
        clc
        adc at_s
        sta at_s
        lda tlm_exp_hi,y
        sta at_w_hi,x
        adc at_s+1
        sta at_s+1
        bcc @en
        inc at_s+2
@en:    ; the inputs of the weighted sum: w_hi - 64, w_lo - 128
        lda at_w_hi,x
        sec
        sbc #64
        sta at_hin,x
        lda at_w_lo,x
        eor #$80
        sta at_lin,x
        inx
        cpx mv_rows
        bne @ew
        ; R = floor(2^32 / S), 2^15 <= S < 2^23: long division of 2^32, whose
        ; first 15 bits leave the remainder 2^14 < S (no quotient bit), so
        ; 18 steps on a 3-byte remainder give the 18-bit quotient
        lda #0
        sta dv_r
        sta dv_r+2
        sta at_r
        sta at_r+1
        sta at_r+2
        lda #$40
        sta dv_r+1              ; 2^14
        ldy #18
@rq:    asl dv_r                ; rem *= 2 (< 2^24), R *= 2
        rol dv_r+1
        rol dv_r+2
        asl at_r
        rol at_r+1
        rol at_r+2
        lda dv_r                ; rem >= S ?
        cmp at_s
        lda dv_r+1
        sbc at_s+1
        lda dv_r+2
        sbc at_s+2
        bcc @rz
        sta dv_r+2              ; rem -= S, R |= 1
        lda dv_r
        sbc at_s                ; (carry set: no borrow)
        sta dv_r
        lda dv_r+1
        sbc at_s+1
        sta dv_r+1
        inc at_r
@rz:    dey
        bne @rq
        ; weighted sums: rows i of the head, columns j: W(i, j) = V[j*d + c0 + i]
        lda mv_rows
        sta mv_cols             ; positions (1 .. 128)
        clc
        lda at_v
        adc at_c0
        sta mv_w
        lda at_v+1
        adc #0
        sta mv_w+1
        lda #<TLM_D
        sta mv_stride
        lda #>TLM_D
        sta mv_stride+1
        lda #<TLM_HD
        sta mv_rows
        ldx #0
@svp:   clc                     ; sq0..2 = SV2 lo/mid/hi + c0
        lda at_sv2lo,x
        adc at_c0
        sta tlm_sq0,x
        lda at_sv2lo+1,x
        adc #0
        sta tlm_sq0+1,x
        inx
        inx
        cpx #6
        bne @svp
        lda #<at_hin
        sta tlm_in
        lda #>at_hin
        sta tlm_in+1
        lda mv_w
        sta at_t
        lda mv_w+1
        sta at_t+1
        jsr mv_core             ; 2 dot_h
        ldx #<(TLM_HD-1)
@keep:  lda mv_acc0,x
        sta at_ah0,x
        lda mv_acc1,x
        sta at_ah1,x
        lda mv_acc2,x
        sta at_ah2,x
        dex
        bpl @keep
        lda at_t
        sta mv_w
        lda at_t+1
        sta mv_w+1
        lda #<at_lin
        sta tlm_in
        lda #>at_lin
        sta tlm_in+1
        jsr mv_core             ; 2 dot_l
        ; o_i = sat8(rsr64(R * (128 A_h + A_l / 2 + 16512 SV1), 32))
        ldx #3
@s1o:   lda at_sv1lo,x
        sta tlm_olo,x
        dex
        bpl @s1o
        ldx #0
@oi:    stx at_i
        ; um_a = 128 * A_h = (A_h << 8) >> 1 (4 bytes)
        lda at_ah0,x
        sta at_t
        lda at_ah1,x
        sta at_t+1
        lda at_ah2,x
        sta at_t+2
        ldy #0
        and #$80
        beq @ahp
        dey
@ahp:   sty at_t+3
        ; value * 128 = (value << 8) >> 1
        lda at_t+3
        cmp #$80
        ror at_t+3
        ror at_t+2
        ror at_t+1
        ror at_t
        lda #0
        ror
        sta um_a                ; byte 0
        lda at_t
        sta um_a+1
        lda at_t+1
        sta um_a+2
        lda at_t+2
        sta um_a+3
        ; + A_l / 2 (sign-extended)
        lda mv_acc2,x
        cmp #$80
        lda mv_acc2,x
        ror
        sta at_t+2
        lda mv_acc1,x
        ror
        sta at_t+1
        lda mv_acc0,x
        ror
        sta at_t
        lda at_t+2
        ldy #0
        and #$80
        beq @alp
        dey
@alp:   sty at_t+3
        jsr add_t
        ; + SV1 * 16512 = (SV1 << 14) + (SV1 << 7)
        txa
        clc
        adc at_c0
        tay
        lda (tlm_olo),y         ; SV1 lo/hi
        sta at_t
        lda (tlm_ohi),y
        sta at_t+1
        ldy #0
        and #$80
        beq @s1p
        dey
@s1p:   sty at_t+2
        sty at_t+3
        jsr shl7_t              ; SV1 << 7
        jsr add_t
        jsr shl7_t              ; SV1 << 14
        jsr add_t
        ; |acc| * R, then the sign, + 2^31, >> 32
        lda um_a+3
        sta nm_sign
        bpl @accp
        sec
        ldx #0
@an:    lda #0
        sbc um_a,x
        sta um_a,x
        inx
        txa
        eor #4
        bne @an
@accp:  CLEARP                  ; nm_p = |acc| R (R < 2^18: three bytes)
        lda at_r
        bne :+
        jmp @r1
:       SETQ
        MULADD um_a, 0
        MULADD um_a+1, 1
        MULADD um_a+2, 2
        MULADD um_a+3, 3
@r1:    lda at_r+1
        bne :+
        jmp @r2
:       SETQ
        MULADD um_a, 1
        MULADD um_a+1, 2
        MULADD um_a+2, 3
        MULADD um_a+3, 4
@r2:    lda at_r+2
        bne :+
        jmp @rr
:       SETQ
        MULADD um_a, 2
        MULADD um_a+1, 3
        MULADD um_a+2, 4
        MULADD um_a+3, 5
@rr:    jsr round_p32           ; |o| = nm_p+4 .. +7
        ldx #3
@pr:    lda nm_p+4,x
        sta tlm_r,x
        dex
        bpl @pr
        lda nm_sign
        bpl @op
        sec
        ldx #0
@on:    lda #0
        sbc tlm_r,x
        sta tlm_r,x
        inx
        txa
        eor #4
        bne @on
@op:
        lda #$80
        sta mv_lo
        lda #$7F
        sta mv_hi
        jsr clamp8
        pha
        lda at_i
        clc
        adc at_c0
        tay
        pla
        sta tlm_obuf,y
        ldx at_i
        inx
        cpx #<TLM_HD
        beq @hn
        jmp @oi
@hn:    inc at_h
        lda at_h
        cmp #<TLM_HEADS
        beq @done
        jmp @head
@done:  rts

; shl7_t: at_t (4 bytes, signed) <<= 7, as (at_t << 8) >> 1.
shl7_t: lda at_t+2
        sta at_t+3
        lda at_t+1
        sta at_t+2
        lda at_t
        sta at_t+1
        lda #0
        sta at_t
        lda at_t+3
        cmp #$80
        ror at_t+3
        ror at_t+2
        ror at_t+1
        ror at_t
        rts

; add_t: um_a (4 bytes) += at_t (4 bytes).
add_t:  clc
        lda um_a
        adc at_t
        sta um_a
        lda um_a+1
        adc at_t+1
        sta um_a+1
        lda um_a+2
        adc at_t+2
        sta um_a+2
        lda um_a+3
        adc at_t+3
        sta um_a+3
        rts

; mul8_low: A = low byte of A * Y (small operands: the loop is Y long).
mul8_low:
        jsr mul8_16
        lda mul_r
        rts

; mul8_16: mul_r (16 bits) = A * Y, by repeated addition (Y <= 255).
mul8_16:
        sta mul_a
        lda #0
        sta mul_r
        sta mul_r+1
        cpy #0
        beq @done
@add:   clc
        lda mul_r
        adc mul_a
        sta mul_r
        bcc @n
        inc mul_r+1
@n:     dey
        bne @add
@done:  rts

; ============================================================================
; tlm_step: runs the token A at position tlm_pos (0 .. T-1): x = the
; embeddings, the layers (tlm_layers, generated), the final norm and the head
; (the logits). Does not change tlm_pos.
; ============================================================================
tlm_step:
        sta tlm_token
        jsr clear_p             ; the quarter-square pages for the norms and attention
        ; x_i = sat16(requantize(tok[t][i], TOK) + requantize(pos[p][i], POS))
        ; tok is column-major (V rows), 127 - w; pos row-major, plain
        lda #<tlm_tok
        sta tlm_p2
        lda #>tlm_tok
        sta tlm_p2+1
        ldx tlm_pos             ; tlm_ptr = pos + p*d
        lda #<tlm_pos_emb
        sta tlm_ptr
        lda #>tlm_pos_emb
        sta tlm_ptr+1
        cpx #0
        beq @rowp
@padd:  clc
        lda tlm_ptr
        adc #<TLM_D
        sta tlm_ptr
        lda tlm_ptr+1
        adc #>TLM_D
        sta tlm_ptr+1
        dex
        bne @padd
@rowp:  lda #0
        sta st_i
@emb:   ldy tlm_token
        lda (tlm_p2),y
        eor #$7F                ; w
        jsr a_to_r2             ; r = 2w
        lda #<TLM_TOK_SHIFT
        sta mv_shift
        jsr requantize
        ldx #3
@keep:  lda tlm_r,x
        sta st_e,x
        dex
        bpl @keep
        ldy st_i
        lda (tlm_ptr),y
        jsr a_to_r2
        lda #<TLM_POS_SHIFT
        sta mv_shift
        jsr requantize
        clc
        ldx #0
@sum:   lda tlm_r,x
        adc st_e,x
        sta tlm_r,x
        inx
        txa
        eor #4
        bne @sum
        jsr clamp16
        ldx st_i
        lda tlm_r
        sta tlm_x_lo,x
        lda tlm_r+1
        sta tlm_x_hi,x
        clc                     ; next column of tok: + V
        lda tlm_p2
        adc #<TLM_V
        sta tlm_p2
        lda tlm_p2+1
        adc #>TLM_V
        sta tlm_p2+1
        inc st_i
        lda st_i
        cmp #<TLM_D
        bne @emb
        jsr tlm_layers
        jsr tlm_norm_final
        jmp tlm_head

; a_to_r2: tlm_r = 2 * A (A signed), sign-extended to 4 bytes.
a_to_r2:
        ldx #0
        cmp #$80
        bcc @p
        ldx #$FF
@p:     stx tlm_r+2
        stx tlm_r+3
        asl
        sta tlm_r
        txa
        rol
        sta tlm_r+1
        rts

; ============================================================================
; tlm_argmax: A = the index of the largest of the ch_n gathered scores
; ch_lo/ch_hi (ties: the lowest index): sampling.hpp's argmax (tlm_choose).
; ============================================================================
tlm_argmax:
        lda #0
        sta st_best
        lda ch_lo
        sta st_m
        lda ch_hi
        sta st_m+1
        ldx #0
@next:  inx
        cpx ch_n
        beq @done
        lda st_m                ; logit[x] > m ?
        cmp ch_lo,x
        lda st_m+1
        sbc ch_hi,x
        bvc @v
        eor #$80
@v:     bpl @next               ; m >= logit: keep
        stx st_best
        lda ch_lo,x
        sta st_m
        lda ch_hi,x
        sta st_m+1
        jmp @next
@done:  lda st_best
        rts

; ============================================================================
; tlm_seed: tlm_rng = xorshift32(mix_seed(tlm_rng)) (prng.hpp): murmur's
; finaliser (two multiplies mod 2^32 through quarter squares), then a zero
; state becomes $9E3779B9. Once per reply, as generate() does.
; ============================================================================
tlm_seed:
        jsr xs_shr16            ; h ^= h >> 16
        lda #$6B                ; h *= $85EBCA6B
        ldx #$CA
        ldy #$EB
        sta mc_m
        stx mc_m+1
        sty mc_m+2
        lda #$85
        sta mc_m+3
        jsr mul32_const
        lda #13                 ; h ^= h >> 13
        jsr xs_shr_a
        lda #$35                ; h *= $C2B2AE35
        ldx #$AE
        ldy #$B2
        sta mc_m
        stx mc_m+1
        sty mc_m+2
        lda #$C2
        sta mc_m+3
        jsr mul32_const
        jsr xs_shr16            ; h ^= h >> 16
        lda tlm_rng
        ora tlm_rng+1
        ora tlm_rng+2
        ora tlm_rng+3
        bne @r
        lda #$B9
        sta tlm_rng
        lda #$79
        sta tlm_rng+1
        lda #$37
        sta tlm_rng+2
        lda #$9E
        sta tlm_rng+3
@r:     rts

; xs_shr16: tlm_rng ^= tlm_rng >> 16.
xs_shr16:
        lda tlm_rng+2
        eor tlm_rng
        sta tlm_rng
        lda tlm_rng+3
        eor tlm_rng+1
        sta tlm_rng+1
        rts

; xs_shr_a: tlm_rng ^= tlm_rng >> A (A = 1 .. 31), logical.
xs_shr_a:
        tay
        ldx #3
@c:     lda tlm_rng,x
        sta xs_t,x
        dex
        bpl @c
@s:     lsr xs_t+3
        ror xs_t+2
        ror xs_t+1
        ror xs_t
        dey
        bne @s
xs_xor: ldx #3
@x:     lda tlm_rng,x
        eor xs_t,x
        sta tlm_rng,x
        dex
        bpl @x
        rts

; xs_shl_a: tlm_rng ^= tlm_rng << A (A = 1 .. 31).
xs_shl_a:
        tay
        ldx #3
@c:     lda tlm_rng,x
        sta xs_t,x
        dex
        bpl @c
@s:     asl xs_t
        rol xs_t+1
        rol xs_t+2
        rol xs_t+3
        dey
        bne @s
        jmp xs_xor

; xs_next: one xorshift32 step (prng.hpp: x ^= x << 13; x ^= x >> 17;
; x ^= x << 5) on tlm_rng.
xs_next:
        lda #13
        jsr xs_shl_a
        lda #17
        jsr xs_shr_a
        lda #5
        jmp xs_shl_a

; mul32_const: tlm_rng = tlm_rng * mc_m mod 2^32 (byte products of the
; bytes i + j < 4 through SETQ / MULADD).
mul32_const:
        ldx #3
@c:     lda tlm_rng,x
        sta um_a,x
        dex
        bpl @c
        jsr clear_p
        lda mc_m
        bne :+
        jmp @sk1
:       SETQ
        MULADD um_a, 0
        MULADD um_a+1, 1
        MULADD um_a+2, 2
        MULADD um_a+3, 3
@sk1:   lda mc_m+1
        bne :+
        jmp @sk2
:       SETQ
        MULADD um_a, 1
        MULADD um_a+1, 2
        MULADD um_a+2, 3
@sk2:   lda mc_m+2
        bne :+
        jmp @sk3
:       SETQ
        MULADD um_a, 2
        MULADD um_a+1, 3
@sk3:   lda mc_m+3
        bne :+
        jmp @sk4
:       SETQ
        MULADD um_a, 3
@sk4:   ldx #3
@o:     lda nm_p,x
        sta tlm_rng,x
        dex
        bpl @o
        rts

; ============================================================================
; tlm_sample: A = sample_top_k(ch, ch_n, tlm_inv_temp, tlm_top_k, rng) over
; the gathered scores ch_lo/ch_hi (tlm_choose)
; (sampling.hpp): the top-k candidates (a 16-step binary search for the
; threshold over the scores + 32768, ties to the lowest ids), their exp
; weights at 1 / temperature (softmax.hpp: k = min(255, (d inv_temp + 2048)
; >> 12)), one draw r = (next() * S) >> 32, and the walk.
; ============================================================================
tlm_sample:
        ldx ch_n
        dex         ; u_i = logit + 32768 (unsigned order)
@u:     lda ch_hi,x
        eor #$80
        sta sm_uh,x
        lda #1
        sta sm_keep,x
        dex
        cpx #$FF
        bne @u
        lda tlm_top_k
        beq @all                ; 0: every token
        cmp ch_n
        bcc @search
@all:   jmp @weights            ; k >= V: every token
@search:
        ; threshold: the largest t with count(u >= t) >= k; lo = 0, hi = 65536
        lda #0
        sta sm_lo
        sta sm_lo+1
        sta sm_lo+2
        sta sm_hi
        sta sm_hi+1
        lda #1
        sta sm_hi+2
        lda #16
        sta sm_n
@bs:    clc                     ; mid = (lo + hi) / 2
        lda sm_lo
        adc sm_hi
        sta sm_mid
        lda sm_lo+1
        adc sm_hi+1
        sta sm_mid+1
        lda sm_lo+2
        adc sm_hi+2
        lsr
        ror sm_mid+1
        ror sm_mid
        ldy #0                  ; count(u >= mid)
        ldx ch_n
        dex
@cnt:   lda ch_lo,x
        cmp sm_mid
        lda sm_uh,x
        sbc sm_mid+1
        bcc @cn
        iny
@cn:    dex
        cpx #$FF
        bne @cnt
        cpy tlm_top_k
        bcc @toohi
        lda sm_mid              ; lo = mid
        sta sm_lo
        lda sm_mid+1
        sta sm_lo+1
        lda #0
        sta sm_lo+2
        jmp @bn
@toohi: lda sm_mid              ; hi = mid
        sta sm_hi
        lda sm_mid+1
        sta sm_hi+1
        lda #0
        sta sm_hi+2
@bn:    dec sm_n
        bne @bs
        ; keep: u > lo; u == lo while ties = k - count(u > lo) last
        ldy #0
        ldx ch_n
        dex
@ab:    lda sm_lo               ; u > lo  <=>  lo - u borrows
        cmp ch_lo,x
        lda sm_lo+1
        sbc sm_uh,x
        bcs @na
        iny
@na:    dex
        cpx #$FF
        bne @ab
        sty sm_n
        lda tlm_top_k
        sec
        sbc sm_n
        sta sm_n                ; ties
        ldx #0
@kp:    lda sm_lo
        cmp ch_lo,x
        lda sm_lo+1
        sbc sm_uh,x
        bcc @keep1              ; u > lo
        lda ch_lo,x     ; u == lo and ties left?
        cmp sm_lo
        bne @drop
        lda sm_uh,x
        cmp sm_lo+1
        bne @drop
        lda sm_n
        beq @drop
        dec sm_n
@keep1: lda #1
        bne @st
@drop:  lda #0
@st:    sta sm_keep,x
        inx
        cpx ch_n
        bne @kp
@weights:
        ; m = the largest kept score (it is the largest of all)
        ldx #0
        lda #0
        sta sm_mid
        sta sm_mid+1
@mx:    lda sm_keep,x
        beq @mn
        lda ch_lo,x
        cmp sm_mid
        lda sm_uh,x
        sbc sm_mid+1
        bcc @mn
        lda ch_lo,x
        sta sm_mid
        lda sm_uh,x
        sta sm_mid+1
@mn:    inx
        cpx ch_n
        bne @mx
        lda #0
        sta sm_s
        sta sm_s+1
        sta sm_s+2
        ldx #0
@w:     stx sm_i
        lda sm_keep,x
        bne @wk
        jmp @wn
@wk:    sec                     ; d = m - u (16 bits)
        lda sm_mid
        sbc ch_lo,x
        sta um_a
        lda sm_mid+1
        sbc sm_uh,x
        sta um_a+1
        jsr clear_p             ; d * inv_temp
        lda tlm_inv_temp
        bne :+
        jmp @sk5
:       SETQ
        MULADD um_a, 0
        MULADD um_a+1, 1
@sk5:   lda tlm_inv_temp+1
        bne :+
        jmp @sk6
:       SETQ
        MULADD um_a, 1
        MULADD um_a+1, 2
@sk6:   clc                     ; + 2048, >> 12, at most 255
        lda nm_p+1
        adc #$08
        sta nm_p+1
        lda nm_p+2
        adc #0
        sta nm_p+2
        lda nm_p+3
        adc #0
        bne @k255
        lda nm_p+2
        cmp #$10
        bcs @k255
        asl
        asl
        asl
        asl
        sta sm_t
        lda nm_p+1
        lsr
        lsr
        lsr
        lsr
        ora sm_t
        tay
        jmp @lk
@k255:  ldy #255
@lk:    ldx sm_i
        lda tlm_exp_lo,y
        sta sm_wl,x
        clc
        adc sm_s
        sta sm_s
        lda tlm_exp_hi,y
        sta sm_wh,x
        adc sm_s+1
        sta sm_s+1
        bcc @wn
        inc sm_s+2
@wn:    ldx sm_i
        inx
        cpx ch_n
        beq @draw
        jmp @w
@draw:  jsr xs_next             ; r = (next() * S) >> 32
        ldx #3
@cr:    lda tlm_rng,x
        sta um_a,x
        dex
        bpl @cr
        jsr clear_p
        lda sm_s
        bne :+
        jmp @sk7
:       SETQ
        MULADD um_a, 0
        MULADD um_a+1, 1
        MULADD um_a+2, 2
        MULADD um_a+3, 3
@sk7:   lda sm_s+1
        bne :+
        jmp @sk8
:       SETQ
        MULADD um_a, 1
        MULADD um_a+1, 2
        MULADD um_a+2, 3
        MULADD um_a+3, 4
@sk8:   lda sm_s+2
        bne :+
        jmp @sk9
:       SETQ
        MULADD um_a, 2
        MULADD um_a+1, 3
        MULADD um_a+2, 4
        MULADD um_a+3, 5
@sk9:   ldx #0                  ; walk: r < w_c -> c, else r -= w_c (r in nm_p+4 .. +6)
@walk:  lda sm_keep,x
        beq @wnext
        lda nm_p+6              ; r < w (w < 2^16)?
        bne @sub
        lda nm_p+4
        cmp sm_wl,x
        lda nm_p+5
        sbc sm_wh,x
        bcc @found
@sub:   sec
        lda nm_p+4
        sbc sm_wl,x
        sta nm_p+4
        lda nm_p+5
        sbc sm_wh,x
        sta nm_p+5
        lda nm_p+6
        sbc #0
        sta nm_p+6
@wnext: inx
        cpx ch_n
        bne @walk
        lda #0                  ; (not reached: r < S)
        rts
@found: txa
        rts

; ============================================================================
; tlm_choose: A = the next token by reply_set.hpp's rule (choose_symbol):
; the candidates gathered into ch_sym/ch_lo/ch_hi (ch_n of them: every
; token, or with a reply set the distinct next tokens of the live replies,
; ascending), then tlm_argmax (tlm_inv_temp = 0) or tlm_sample over them;
; with a reply set the cursor (rs_lo, rs_hi, rs_k) moves past the token.
; ============================================================================
tlm_choose:
.if TLM_REPLIES = 0
        lda #<TLM_V             ; ch_lo/ch_hi are the logits themselves
        sta ch_n
        lda tlm_inv_temp
        ora tlm_inv_temp+1
        bne :+
        jmp tlm_argmax
:       jmp tlm_sample
.else
        lda #0                  ; live: the replies of [lo, hi) that fit the
        sta rs_fit              ; room, or all of them when none does
        ldx rs_lo
@f:     cpx rs_hi
        beq @g0
        lda rs_room
        cmp tlm_rs_len,x        ; len <= room?
        bcs @fits
        inx
        bne @f
@fits:  inc rs_fit
@g0:    lda #0
        sta ch_n
        ldx rs_lo
@g:     cpx rs_hi
        beq @gd
        lda rs_fit
        beq @live
        lda rs_room
        cmp tlm_rs_len,x
        bcc @gn                 ; too long while another fits
@live:  stx rs_i
        jsr rs_sym
        ldy ch_n
        beq @add
        cmp ch_sym-1,y
        beq @gn0                ; the same token as the last candidate
@add:   sta ch_sym,y
        tax
        lda tlm_logits_lo,x
        sta ch_lo,y
        lda tlm_logits_hi,x
        sta ch_hi,y
        inc ch_n
@gn0:   ldx rs_i
@gn:    inx
        jmp @g
@gd:    lda tlm_inv_temp
        ora tlm_inv_temp+1
        bne @smp
        jsr tlm_argmax
        jmp @pk
@smp:   jsr tlm_sample
@pk:    tax
        lda ch_sym,x
        sta rs_t
        ldx rs_lo               ; lo = the first reply with the token at k
@a1:    jsr rs_sym
        cmp rs_t
        beq @a2
        inx
        bne @a1
@a2:    stx rs_lo
@a3:    inx                     ; hi = the first one after it without
        cpx rs_hi
        beq @a4
        jsr rs_sym
        cmp rs_t
        beq @a3
        stx rs_hi
@a4:    inc rs_k
        lda rs_t
        rts

; A = the token of reply X at position rs_k (X kept; tlm_p2, Y changed).
rs_sym: clc
        lda #<tlm_rs_syms
        adc tlm_rs_off_lo,x
        sta tlm_p2
        lda #>tlm_rs_syms
        adc tlm_rs_off_hi,x
        sta tlm_p2+1
        ldy rs_k
        lda (tlm_p2),y
        rts
.endif

; ============================================================================
; tlm_token_bytes: for the token A, tlm_ptr = its bytes and Y = their count
; (END and SEP: 0).
; ============================================================================
tlm_token_bytes:
        tax
        lda tlm_tb_off_lo,x
        clc
        adc #<tlm_tb_bytes
        sta tlm_ptr
        lda tlm_tb_off_hi,x
        adc #>tlm_tb_bytes
        sta tlm_ptr+1
        ldy tlm_tb_len,x
        rts

; ============================================================================
; tlm_begin: encodes the prompt (tlm_ptr, Y bytes: the last 255 bytes of a
; longer prompt), builds the start sequence in tlm_seq (END, the last
; TLM_ROOM tokens, SEP for a chat model; tlm_seq_n of them), and steps it:
; afterwards tlm_pos = tlm_seq_n and the logits are those of the last one.
; ============================================================================
tlm_begin:
        sty tlm_seq_n           ; n = bytes
        ldy #0                  ; 1. every byte to its base token
        cpy tlm_seq_n
        beq @merged
@base:  lda (tlm_ptr),y
        tax
        lda tlm_token_of,x
        sta tlm_tokens,y
        iny
        cpy tlm_seq_n
        bne @base
        ; 2. the merges in order, while n > 1
        lda #0
        sta bp_k
@merge: lda bp_k
        cmp #TLM_MERGES
        beq @merged
        lda tlm_seq_n
        cmp #2
        bcc @merged
        ldx bp_k
        lda tlm_merge_l,x
        sta bp_l
        lda tlm_merge_r,x
        sta bp_r
        txa
        clc
        adc #TLM_FIRST_MERGE
        sta bp_id
        ldx #0                  ; r
        ldy #0                  ; w
@scan:  cpx tlm_seq_n
        beq @pass
        lda tlm_tokens,x
        cmp bp_l
        bne @copy
        inx
        cpx tlm_seq_n
        beq @last
        lda tlm_tokens,x
        cmp bp_r
        bne @back
        inx
        lda bp_id
        sta tlm_tokens,y
        iny
        jmp @scan
@back:  dex
        jmp @copy
@last:  dex
@copy:  lda tlm_tokens,x
        sta tlm_tokens,y
        inx
        iny
        jmp @scan
@pass:  sty tlm_seq_n
        inc bp_k
        jmp @merge
@merged:
        ; 3. END, the last TLM_ROOM tokens, SEP
        lda #0
        sta tlm_seq
        ldx #0                  ; first = n > room ? n - room : 0
        lda tlm_seq_n
        cmp #TLM_ROOM+1
        bcc @from
        sec
        sbc #TLM_ROOM
        tax
@from:  ldy #1
@copyt: cpx tlm_seq_n
        beq @sep
        lda tlm_tokens,x
        sta tlm_seq,y
        inx
        iny
        jmp @copyt
@sep:
.if TLM_CHAT
        lda #1
        sta tlm_seq,y
        iny
.endif
        sty tlm_seq_n
.if TLM_REPLIES
        lda #0                  ; the reply cursor: every reply, k = 0,
        sta rs_lo               ; room = T - n + 1
        sta rs_k
        lda #TLM_REPLIES
        sta rs_hi
        lda #<(TLM_T+1)
        sec
        sbc tlm_seq_n
        sta rs_room
.endif
        ; 4. step them
        lda #0
        sta tlm_pos
@run:   ldx tlm_pos
        lda tlm_seq,x
        jsr tlm_step
        inc tlm_pos
        lda tlm_pos
        cmp tlm_seq_n
        bne @run
        rts
