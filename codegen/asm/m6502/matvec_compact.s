; matvec_compact.s - the 6502 kernels of the compact weight formats (ca65):
; ternary (include/tinylm/ternary.hpp), 2-bit (include/tinylm/matvec_int2.hpp)
; and int4 (include/tinylm/int4.hpp) weights times int8 activations, decoded inside the loop (the weights are
; never expanded in RAM). The C++ dot products are the oracle; the test
; (tests/target/sim6502/compact_kernels.cpp) runs these in sim65 on random
; matrices and requires every sum to equal them, and measures cycles per
; weight (bench/RESULTS.md).
;
; Contract (every kernel)
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
;   2k..2k+1, weight (code ^ 2) - 2, stride (rows + 3) / 4); int4, two rows
;   a byte (pack_int4: row 2b in the low nibble, 2b + 1 in the high one,
;   weight (nibble ^ 8) - 8, stride (rows + 1) / 2). Padding rows
;   must decode to weight 0 (the packers write that) or land in the acc
;   arrays' slack (2 entries): their sums are not part of the result.
; Accumulator bound: |q x| <= 8 * 128 (int4), so |acc| <= 2 * 256 * 1024 = 2^19.
; Cost: per column, a zero x is skipped (p += stride); otherwise, ternary
;   and 2-bit: per weight a table lookup of its digit or code and a branch,
;   then nothing (0), one 8-bit add or subtract of |x| into 24 bits (+-1),
;   or two (-2); int4: the column's 16 products q x + 1024 are tabled first
;   (16 16-bit adds), then per weight its nibble and one unsigned 16-bit add
;   into 24 bits (the 1,024 per column taken off every row at the end); per
;   byte the column pointer and the row index advance. Then one doubling pass.
;   Measured cycles per weight: bench/RESULTS.md, section 13.
; Tables: 5 pages of ternary digits, 4 pages of 2-bit codes (segment PAGES,
;   page-aligned: no page-crossing cycles), built by the assembler from the
;   formats' definitions above; int4's two pages of nibbles likewise.
; Self-modifying (the column byte's address): the code must be in RAM.

.setcpu "6502"

.export mvc_ternary, mvc_int2, mvc_int4
.export mvc_acc0, mvc_acc1, mvc_acc2, mvc_rows, mvc_cols, mvc_stride
.exportzp mvc_in, mvc_w

.segment "ZEROPAGE"
mvc_in:     .res 2              ; x
mvc_w:      .res 2              ; column 0 of the weights
mvc_p:      .res 2              ; the current column
mvc_m:      .res 1              ; |x[j]|
mvc_b:      .res 1              ; int4: the column's byte
mvc_v:      .res 2              ; int4: the product being tabled

.segment "BSS"
mvc_rows:   .res 1
mvc_cols:   .res 1
mvc_stride: .res 2
mvc_j:      .res 1              ; the column
mvc_end:    .res 1              ; rows of a column's bytes: 5 or 4 * stride
mvc_acc0:   .res 130            ; 128 rows and the slack of a last byte
mvc_acc1:   .res 130
mvc_acc2:   .res 130
mvc_plo:    .res 16             ; int4: q x + 1024 of each nibble, low bytes
mvc_phi:    .res 16             ;       and high bytes
mvc_n:      .res 2              ; int4: the columns tabled (x not 0)
mvc_int4_on: .res 1             ; int4: 1 while mvc_int4 runs

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
; nibble k of byte b (int4.hpp: (b >> 4k) & 15; weight (nibble ^ 8) - 8)
mvc_n4:
.repeat 2, k
  .repeat 256, b
        .byte (b >> (4 * k)) & 15
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

; int4 nibble k of the byte in Y (kept in mvc_b), row X + k: acc += the
; tabled q x + 1024 (unsigned, at most 2048), a carry into bits 16-23.
.macro INT4_NIBBLE k, up, down
        .local done
  .if k = 0
        sty mvc_b
        lda mvc_n4,y
  .else
        ldy mvc_b
        lda mvc_n4+256,y
  .endif
        tay
        clc
        lda mvc_acc0+k,x
        adc mvc_plo,y
        sta mvc_acc0+k,x
        lda mvc_acc1+k,x
        adc mvc_phi,y
        sta mvc_acc1+k,x
        bcc done
        inc mvc_acc2+k,x
done:
.endmacro
        COLUMN int4_col, 2, INT4_NIBBLE, 0, 0

; int4_table_pos / _neg: table q x + 1024 for the 16 nibbles (x = +m or -m),
; count the column, then run it. From q = -8 (nibble 8) up by x a step.
int4_table_neg:
        sec                     ; v = 1024 + 8m (q = -8 times x = -m)
        lda #0
        sbc mvc_m
        sta mvc_v               ; -m, 16 bits (m = 1..128)
        lda #0
        sbc #0
        sta mvc_v+1
        jmp int4_table
int4_table_pos:
        lda mvc_m
        sta mvc_v
        lda #0
        sta mvc_v+1
int4_table:                     ; mvc_v = x (16 bits); the products from -8 x
        inc mvc_n
        bne :+
        inc mvc_n+1
:       lda mvc_v               ; x into A:Y, then v = 1024 - 8 x
        pha
        ldy mvc_v+1
        asl mvc_v               ; 8 x
        rol mvc_v+1
        asl mvc_v
        rol mvc_v+1
        asl mvc_v
        rol mvc_v+1
        sec
        lda #0
        sbc mvc_v
        sta mvc_v
        lda #4                  ; 1024 = $0400
        sbc mvc_v+1
        sta mvc_v+1
        sty mvc_b               ; x's high byte (the step), low byte on the stack
        pla
        tay                     ; Y = x's low byte
        ldx #8                  ; nibbles 8..15 (q = -8..-1), then 0..7
@tab:   lda mvc_v
        sta mvc_plo,x
        lda mvc_v+1
        sta mvc_phi,x
        clc                     ; v += x
        tya
        adc mvc_v
        sta mvc_v
        lda mvc_b
        adc mvc_v+1
        sta mvc_v+1
        inx
        txa
        and #15
        tax
        cpx #8
        bne @tab
        jmp int4_col

; ---- mvc_ternary, mvc_int2: the kernels (contract above) --------------------
mvc_ternary:
        lda #0
        sta mvc_int4_on
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
mvc_int4:
        lda #<int4_table_pos
        sta mvc_pos+1
        lda #>int4_table_pos
        sta mvc_pos+2
        lda #<int4_table_neg
        sta mvc_neg+1
        lda #>int4_table_neg
        sta mvc_neg+2
        lda #0
        sta mvc_n
        sta mvc_n+1
        lda #1
        sta mvc_int4_on
        lda mvc_stride          ; 2 rows a byte (stride <= 64)
        asl a
        jmp mvc_run
mvc_int2:
        lda #0
        sta mvc_int4_on
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
        lda mvc_int4_on         ; int4: acc -= 1024 n, n the columns tabled:
        beq @doubling           ; bits 8-23 less n << 2
        lda #0
        sta mvc_int4_on
        lda mvc_n
        asl a
        sta mvc_v
        lda mvc_n+1
        rol a
        asl mvc_v
        rol a
        sta mvc_v+1
        ldx mvc_rows
@fix:   dex
        sec
        lda mvc_acc1,x
        sbc mvc_v
        sta mvc_acc1,x
        lda mvc_acc2,x
        sbc mvc_v+1
        sta mvc_acc2,x
        txa
        bne @fix
@doubling:
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
