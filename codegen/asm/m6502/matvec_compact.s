; matvec_compact.s - the 6502 kernels of the compact weight formats (ca65):
; ternary (include/tinylm/ternary.hpp) and 2-bit (include/tinylm/matvec_int2.hpp)
; weights times int8 activations, decoded inside the loop (the weights are
; never expanded in RAM). The C++ dot products are the oracle; the test
; (tests/target/sim6502/compact_kernels.cpp) runs these in sim65 on random
; matrices and requires every sum to equal them, and measures cycles per
; weight (bench/RESULTS.md).
;
; Contract (both kernels)
;   acc[i] = 2 * sum_{j < cols} x[j] * q(i, j)     (mod 2^24: exact, below)
;   for i < rows, in mvc_acc0 (bits 0-7), mvc_acc1 (8-15), mvc_acc2 (16-23):
;   twice the dot product, as the transformer runtime's mv_core leaves its
;   rows (transformer_runtime.s), so a layer can swap one for the other.
;   In: mvc_in -> x (cols int8 values), mvc_w -> the weights, mvc_rows
;   (1..128), mvc_cols (1..256; 0 means 256), mvc_stride (bytes per column).
;   Clobbers A, X, Y, mvc_in is kept.
; Layout: column by column (the transformer runtime's int8 layout is column
;   by column too): column j is mvc_stride bytes at mvc_w + j * mvc_stride,
;   holding the column's rows packed as the library packs a row (the
;   matrix transposed): ternary, five rows a byte in base 3
;   (pack_ternary: row 5b + k is digit k of byte b, weight digit - 1, stride
;   (rows + 4) / 5); 2-bit, four rows a byte (pack_int2: row 4b + k in bits
;   2k..2k+1, weight (code ^ 2) - 2, stride (rows + 3) / 4). Padding rows
;   must decode to weight 0 (the packers write that) or land in the acc
;   arrays' slack (2 entries): their sums are not part of the result.
; Accumulator bound: |q x| <= 2 * 128, so |acc| <= 2 * 256 * 256 < 2^23.
; Cost: per column, a zero x is skipped (p += stride); otherwise per weight
;   a table lookup of its digit or code and a branch, then nothing (0), one
;   8-bit add or subtract of |x| into 24 bits (+-1), or two (-2); per byte
;   the column pointer and the row index advance. Then one doubling pass.
;   Measured cycles per weight: bench/RESULTS.md, section 13.
; Tables: 5 pages of ternary digits, 4 pages of 2-bit codes (segment PAGES,
;   page-aligned: no page-crossing cycles), built by the assembler from the
;   formats' definitions above.
; Self-modifying (the column byte's address): the code must be in RAM.

.setcpu "6502"

.export mvc_ternary, mvc_int2
.export mvc_acc0, mvc_acc1, mvc_acc2, mvc_rows, mvc_cols, mvc_stride
.exportzp mvc_in, mvc_w

.segment "ZEROPAGE"
mvc_in:     .res 2              ; x
mvc_w:      .res 2              ; column 0 of the weights
mvc_p:      .res 2              ; the current column
mvc_m:      .res 1              ; |x[j]|

.segment "BSS"
mvc_rows:   .res 1
mvc_cols:   .res 1
mvc_stride: .res 2
mvc_j:      .res 1              ; the column
mvc_end:    .res 1              ; rows of a column's bytes: 5 or 4 * stride
mvc_acc0:   .res 130            ; 128 rows and the slack of a last byte
mvc_acc1:   .res 130
mvc_acc2:   .res 130

MVC_P3_0 = 1                    ; 3^k
MVC_P3_1 = 3
MVC_P3_2 = 9
MVC_P3_3 = 27
MVC_P3_4 = 81

.segment "PAGES"
; digit k of byte b in base 3 (ternary.hpp: (b / 3^k) % 3; weight digit - 1)
mvc_t3:
.repeat 5, k
  .repeat 256, b
        .byte (b / .ident(.sprintf("MVC_P3_%d", k))) .mod 3
  .endrepeat
.endrepeat
; code k of byte b (matvec_int2.hpp: (b >> 2k) & 3; weight (code ^ 2) - 2)
mvc_c2:
.repeat 4, k
  .repeat 256, b
        .byte (b >> (2 * k)) & 3
  .endrepeat
.endrepeat

.segment "CODE"

; acc[X + k] += m, acc[X + k] -= m (24 bits; m = |x| in 1..128)
.macro ADD_M k
        .local done
        clc
        lda mvc_acc0+k,x
        adc mvc_m
        sta mvc_acc0+k,x
        bcc done
        inc mvc_acc1+k,x
        bne done
        inc mvc_acc2+k,x
done:
.endmacro
.macro SUB_M k
        .local done, mid
        sec
        lda mvc_acc0+k,x
        sbc mvc_m
        sta mvc_acc0+k,x
        bcs done
        lda mvc_acc1+k,x
        bne mid
        dec mvc_acc2+k,x
mid:    dec mvc_acc1+k,x
done:
.endmacro

; Ternary digit k of the byte in Y, row X + k: digit 2 (+1) adds x, digit 0
; (-1) subtracts it; `up` and `down` are ADD_M / SUB_M for x >= 0 and the
; other way round for x < 0.
.macro TERNARY_DIGIT k, up, down
        .local minus, skip
        lda mvc_t3+256*k,y
        beq minus               ; digit 0
        lsr a
        beq skip                ; digit 1: weight 0
        up k                    ; digit 2
        jmp skip
minus:  down k
skip:
.endmacro

; 2-bit code k of the byte in Y, row X + k: 0 nothing, 1 (+1), 3 (-1), 2 (-2).
.macro INT2_CODE k, up, down
        .local minus1, minus2, skip
        lda mvc_c2+256*k,y
        beq skip                ; 0
        lsr a                   ; 1: A 0 C 1; 2: A 1 C 0; 3: A 1 C 1
        bcc minus2
        bne minus1
        up k                    ; +1
        jmp skip
minus1: down k                  ; -1
        jmp skip
minus2: down k                  ; -2
        down k
skip:
.endmacro

; One column's bytes, rows X = 0 .. mvc_end - 1 (`per` rows a byte, each
; through `digit`); the column's address is written into the load.
.macro COLUMN name, per, digit, up, down
        .local byte, col
name:   lda mvc_p
        sta col+1
        lda mvc_p+1
        sta col+2
        ldx #0
byte:
col:    ldy $FFFF               ; the column's next byte
        inc col+1
        bne :+
        inc col+2
:
  .repeat per, k
        digit k, up, down
  .endrepeat
        txa
        clc
        adc #per
        tax
        cpx mvc_end
        bcs :+
        jmp byte
:       rts
.endmacro

        COLUMN ternary_col_pos, 5, TERNARY_DIGIT, ADD_M, SUB_M
        COLUMN ternary_col_neg, 5, TERNARY_DIGIT, SUB_M, ADD_M
        COLUMN int2_col_pos, 4, INT2_CODE, ADD_M, SUB_M
        COLUMN int2_col_neg, 4, INT2_CODE, SUB_M, ADD_M

; ---- mvc_ternary, mvc_int2: the kernels (contract above) --------------------
mvc_ternary:
        lda #<ternary_col_pos
        sta mvc_pos+1
        lda #>ternary_col_pos
        sta mvc_pos+2
        lda #<ternary_col_neg
        sta mvc_neg+1
        lda #>ternary_col_neg
        sta mvc_neg+2
        lda mvc_stride          ; 5 rows a byte (stride <= 26)
        asl a
        asl a
        clc
        adc mvc_stride
        jmp mvc_run
mvc_int2:
        lda #<int2_col_pos
        sta mvc_pos+1
        lda #>int2_col_pos
        sta mvc_pos+2
        lda #<int2_col_neg
        sta mvc_neg+1
        lda #>int2_col_neg
        sta mvc_neg+2
        lda mvc_stride          ; 4 rows a byte (stride <= 32)
        asl a
        asl a
mvc_run:
        sta mvc_end
        tax                     ; acc = 0 over every row the bytes reach
        lda #0
@zero:  sta mvc_acc0-1,x
        sta mvc_acc1-1,x
        sta mvc_acc2-1,x
        dex
        bne @zero
        lda mvc_w
        sta mvc_p
        lda mvc_w+1
        sta mvc_p+1
        lda #0
        sta mvc_j
mvc_column:
        ldy mvc_j
        lda (mvc_in),y
        beq mvc_next               ; x = 0: nothing to add
        bmi mvc_negx
        sta mvc_m
mvc_pos:
        jsr $FFFF               ; the format's column, x > 0
        jmp mvc_next
mvc_negx:   eor #$FF                ; |x| (-128 -> 128)
        clc
        adc #1
        sta mvc_m
mvc_neg:
        jsr $FFFF               ; the format's column, x < 0
mvc_next:  clc                     ; the next column
        lda mvc_p
        adc mvc_stride
        sta mvc_p
        lda mvc_p+1
        adc mvc_stride+1
        sta mvc_p+1
        inc mvc_j
        lda mvc_j
        cmp mvc_cols
        bne mvc_column
        ldx mvc_rows            ; acc *= 2 (the contract's doubling; through A:
@double:                        ; sim65 2.19 runs ROL abs,X wrongly)
        dex
        lda mvc_acc0,x
        asl a
        sta mvc_acc0,x
        lda mvc_acc1,x
        rol a
        sta mvc_acc1,x
        lda mvc_acc2,x
        rol a
        sta mvc_acc2,x
        txa
        bne @double
        rts
