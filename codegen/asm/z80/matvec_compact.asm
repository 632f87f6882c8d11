; matvec_compact.asm - the Z80 kernels of the compact weight formats
; (z80asm and pasmo): ternary (include/tinylm/ternary.hpp), 2-bit
; (include/tinylm/matvec_int2.hpp) and int4 (include/tinylm/int4.hpp)
; weights times int8 activations, decoded inside the loop (the weights are
; never expanded in RAM). The C++ dot products are the oracle; the test
; (tests/target/cpm/compact_kernels_z80.cpp) runs these in libz80ex on
; random matrices and requires every sum to equal them, and measures
; T-states per weight (bench/RESULTS.md, section 13).
;
; Contract (every kernel)
;   acc[i] += sum_{j < cols} x[j] * q(i, j)        (mod 2^24)
;   for i < rows, in three page-aligned planes as the CP/M hash-MLP runtime
;   keeps its rows (codegen/asm/z80/cpm/chat.asm): bits 0-7 of row i at
;   (mvz_acc * 256 + i), bits 8-15 one page up, bits 16-23 two pages up.
;   The caller sets the sums' start (zero, or a bias).
;   In: mvz_in -> x (cols int8 values), mvz_w -> the weights, mvz_rows
;   (1..255, or 0 for 256), mvz_cols (1..255, or 0 for 256), mvz_stride
;   (bytes per column, 1..255), mvz_acc (the page of plane 0).
;   mvz_init must have run once (it builds the decoding tables).
;   Clobbers every register (the alternate set too) but SP.
; Layout: column by column: column j is mvz_stride bytes at
;   mvz_w + j * mvz_stride, holding the column's rows packed as the library
;   packs a row (the matrix transposed; the 6502 kernels'
;   codegen/asm/m6502/matvec_compact.s use the same layout): ternary, five
;   rows a byte in base 3 (row 5b + k is digit k of byte b, weight digit - 1,
;   stride (rows + 4) / 5); 2-bit, four rows a byte (row 4b + k in bits
;   2k..2k+1, weight (code xor 2) - 2, stride (rows + 3) / 4); int4, two
;   rows a byte (row 2b in the low nibble, 2b + 1 in the high one, weight
;   (nibble xor 8) - 8, stride (rows + 1) / 2). Padding rows decode to
;   weight 0 (the packers write that): ternary and 2-bit never touch them;
;   int4 writes row `rows` of an odd row count (one byte of slack in each
;   plane; its sum is not part of the result) and never wraps past 255.
; Accumulator bound: |q x| <= 8 * 128 (int4), so a column moves a row by at
;   most 2^10, 256 columns by 2^18: 24 bits hold any start below 2^23 - 2^18.
; Cost: per column a zero x is skipped (the pointer moves by the stride);
;   otherwise ternary and 2-bit: per weight its code from a table page of
;   the byte (one page per position in the byte) and a branch, then nothing
;   (0), one 8-bit add or subtract of |x| into 24 bits (+-1), or two (-2;
;   the carry into bits 8-23 only when it happens); int4: the column's 16
;   products q x + 1024 are tabled first (16 16-bit adds), then per weight
;   its nibble and one unsigned 16-bit add into 24 bits; at the end
;   1024 times the columns used is taken off every row.
;   Measured T-states per weight: bench/RESULTS.md, section 13.
; Tables: MVZ_TABLES (page-aligned, defined by the program that includes
;   this file): 5 pages of ternary codes, 4 pages of 2-bit codes, then two
;   pages (16 bytes each used) of int4's products: 11 pages, built by
;   mvz_init. A code is q as a byte: 0, 1, $FF (-1), $FE (-2).
; Self-modifying (the sign of x selects add or subtract): the code must be
;   in RAM.

mvz_ter_page: equ MVZ_TABLES / 256
mvz_i2_page: equ mvz_ter_page + 5
mvz_p4_page: equ mvz_ter_page + 9

; mvz_init: the code pages. Ternary page k, byte b: (b / 3^k) mod 3 - 1.
; 2-bit page k, byte b: ((b >> 2k) and 3 xor 2) - 2.
mvz_init:
        ld h,mvz_ter_page
        ld l,0
mi_tb:  ld c,l                  ; byte b: its five digits, lowest first
        ld b,5
        push hl
mi_td:  ld a,c                  ; c / 3: quotient in e, remainder in a
        ld e,0
mi_div: cp 3
        jr c,mi_dd
        sub 3
        inc e
        jr mi_div
mi_dd:  dec a                   ; digit - 1
        ld (hl),a
        inc h
        ld c,e
        djnz mi_td
        pop hl
        inc l
        jr nz,mi_tb
        ld h,mvz_i2_page
mi_ib:  ld c,l
        ld b,4
        push hl
mi_ic:  ld a,c
        and 3
        xor 2
        sub 2
        ld (hl),a
        inc h
        srl c
        srl c
        djnz mi_ic
        pop hl
        inc l
        jr nz,mi_ib
        ret

; The column loop of ternary and 2-bit (mvz_codes), told by the entry the
; kernel's first code page, positions per byte (5 or 4), weight loop (mt_w
; or m2_w) and the selector that the sign of x patches in that loop.
; Registers in the byte loop: main set: C = |x|, HL -> plane 0 of the row,
; DE -> the code (D the page of the byte's position, E the byte), B the
; positions left; alternate set: HL' -> the column's next byte, B' the
; column's bytes left.

mvz_ternary:
        ld a,mvz_ter_page
        ld (mc_page+1),a
        ld a,5
        ld (mc_count+1),a
        ld hl,mt_w
        ld (mc_kind+1),hl
        ld hl,mt_sel
        jr mvz_codes
mvz_int2:
        ld a,mvz_i2_page
        ld (mc_page+1),a
        ld a,4
        ld (mc_count+1),a
        ld hl,m2_w
        ld (mc_kind+1),hl
        ld hl,m2_sel
mvz_codes:
        ld (mc_selp+1),hl       ; the kernel's jp m / jp p
        ld hl,(mvz_w)
        exx
        ld hl,(mvz_in)
        ld (mvz_x),hl
        ld a,(mvz_cols)
        ld (mvz_j),a
mc_col: ld hl,(mvz_x)
        ld a,(hl)
        inc hl
        ld (mvz_x),hl
        or a
        jr z,mc_skip
        ld b,$fa                ; x > 0: a negative code subtracts (jp m)
        jp p,mc_pos
        neg                     ; |x| (-128 -> 128, as an unsigned byte)
        ld b,$f2                ; x < 0: a positive code subtracts (jp p)
mc_pos: ld c,a
        ld a,b
mc_selp: ld (0),a               ; (the kernel's selector, set above)
        ld a,(mvz_acc)
        ld h,a
        ld l,0
        exx
        ld a,(mvz_stride)
        ld b,a
mc_byte:
        ld a,(hl)               ; the column's next byte (alternate set)
        inc hl
        exx
        ld e,a
mc_page: ld d,0                 ; the first code page (set above)
mc_count: ld b,0                ; positions in a byte (set above)
mc_kind: jp 0                   ; mt_w or m2_w (set above)
mc_bend:                        ; a byte done
        exx
        djnz mc_byte
        jr mc_end
mc_skip:                        ; x = 0: the column's bytes skipped
        exx
        ld a,(mvz_stride)
        ld e,a
        ld d,0
        add hl,de
mc_end: exx
        ld hl,mvz_j
        dec (hl)
        jr nz,mc_col
        ret

; ternary: q in {-1, 0, 1}
mt_w:   ld a,(de)               ; q
        or a
        jr z,mt_next
mt_sel: jp m,mt_sub             ; (jp m or jp p: the sign of x)
        ld a,(hl)               ; the add: sum += |x|
        add a,c
        ld (hl),a
        call c,mvz_carry
        inc l
        inc d
        djnz mt_w
        jp mc_bend
mt_sub: ld a,(hl)               ; the subtract: sum -= |x|
        sub c
        ld (hl),a
        call c,mvz_borrow
mt_next:
        inc l
        inc d
        djnz mt_w
        jp mc_bend

; 2-bit: q in {-2, -1, 0, 1}; -2 adds or subtracts twice
m2_w:   ld a,(de)               ; q
        or a
        jr z,m2_next
m2_sel: jp m,m2_sub             ; (jp m or jp p: the sign of x)
        ld a,(hl)               ; the add: sum += |x|
        add a,c
        ld (hl),a
        call c,mvz_carry
        ld a,(de)               ; q = -2 (x < 0): once more
        cp $fe
        jr nz,m2_next
        ld a,(hl)
        add a,c
        ld (hl),a
        call c,mvz_carry
        jr m2_next
m2_sub: ld a,(hl)               ; the subtract: sum -= |x|
        sub c
        ld (hl),a
        call c,mvz_borrow
        ld a,(de)               ; q = -2 (x > 0): once more
        cp $fe
        jr nz,m2_next
        ld a,(hl)
        sub c
        ld (hl),a
        call c,mvz_borrow
m2_next:
        inc l
        inc d
        djnz m2_w
        jp mc_bend

; The carry of a plane-0 add into planes 1 and 2 of the row at HL (keeps
; A's value irrelevant: the loop reloads it).
mvz_carry:
        inc h
        inc (hl)
        jr nz,mvz_c1
        inc h
        inc (hl)
        dec h
mvz_c1: dec h
        ret
; The borrow of a plane-0 subtract from planes 1 and 2.
mvz_borrow:
        inc h
        ld a,(hl)
        sub 1
        ld (hl),a
        jr nc,mvz_b1
        inc h
        dec (hl)
        dec h
mvz_b1: dec h
        ret

; int4: per column the products P[n] = q(n) x + 1024 (0 .. 2048) of the 16
; nibbles n, low bytes on page mvz_p4_page and high bytes one page up at
; offset n; per byte two unsigned adds into the rows' 24 bits; at the end
; every row less 1024 per column used. Registers in the byte loop: main
; set: HL -> plane 0 of the row, D the products' page, E the nibble, C the
; byte; alternate set as above.
mvz_int4:
        ld hl,(mvz_w)
        exx
        ld hl,(mvz_in)
        ld (mvz_x),hl
        ld a,(mvz_cols)
        ld (mvz_j),a
        ld hl,0
        ld (mvz_used),hl
m4_col: ld hl,(mvz_x)
        ld a,(hl)
        inc hl
        ld (mvz_x),hl
        or a
        jp z,m4_skip
        ld hl,(mvz_used)
        inc hl
        ld (mvz_used),hl
        ld e,a                  ; DE = x, sign-extended
        rla
        sbc a,a
        ld d,a
        ld hl,1024              ; q = 0 .. 7: nibbles 0 .. 7, adding x
        ld b,mvz_p4_page
        ld c,0
m4_up:  ld a,l
        ld (bc),a
        inc b
        ld a,h
        ld (bc),a
        dec b
        add hl,de
        inc c
        ld a,c
        cp 8
        jr nz,m4_up
        ld hl,1024              ; q = -1 .. -8: nibbles 15 .. 8, taking x off
        ld c,15
m4_down:
        or a
        sbc hl,de
        ld a,l
        ld (bc),a
        inc b
        ld a,h
        ld (bc),a
        dec b
        dec c
        ld a,c
        cp 7
        jr nz,m4_down
        ld a,(mvz_acc)
        ld h,a
        ld l,0
        ld d,mvz_p4_page
        exx
        ld a,(mvz_stride)
        ld b,a
m4_byte:
        ld a,(hl)
        inc hl
        exx
        ld c,a
        and 15                  ; row 2b: the low nibble
        ld e,a
        ld a,(de)
        add a,(hl)
        ld (hl),a
        inc d
        inc h
        ld a,(de)
        adc a,(hl)
        ld (hl),a
        jr nc,m4_n1
        inc h
        inc (hl)
        dec h
m4_n1:  dec h
        dec d
        inc l
        ld a,c                  ; row 2b + 1: the high nibble
        rrca
        rrca
        rrca
        rrca
        and 15
        ld e,a
        ld a,(de)
        add a,(hl)
        ld (hl),a
        inc d
        inc h
        ld a,(de)
        adc a,(hl)
        ld (hl),a
        jr nc,m4_n2
        inc h
        inc (hl)
        dec h
m4_n2:  dec h
        dec d
        inc l
        exx
        djnz m4_byte
        jr m4_end
m4_skip:
        exx
        ld a,(mvz_stride)
        ld e,a
        ld d,0
        add hl,de
m4_end: exx
        ld hl,mvz_j
        dec (hl)
        jp nz,m4_col
        ; every row: sum -= 1024 * used (used <= 256: at most 2^18), as
        ; bits 8-23 less 4 * used
        ld hl,(mvz_used)
        add hl,hl
        add hl,hl
        ld d,h
        ld e,l
        ld a,(mvz_acc)
        ld h,a
        inc h
        ld l,0
        ld a,(mvz_rows)
        ld b,a
m4_fix: ld a,(hl)
        sub e
        ld (hl),a
        inc h
        ld a,(hl)
        sbc a,d
        ld (hl),a
        dec h
        inc l
        djnz m4_fix
        ret

mvz_in:     dw 0
mvz_w:      dw 0
mvz_rows:   db 0
mvz_cols:   db 0
mvz_stride: db 0
mvz_acc:    db 0
mvz_x:      dw 0
mvz_j:      db 0
mvz_used:   dw 0
