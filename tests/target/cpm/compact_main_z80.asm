; compact_main_z80.asm - the harness of the Z80 compact-format kernels
; (codegen/asm/z80/matvec_compact.asm) for tests/target/cpm/compact_kernels_z80.cpp,
; which loads it at $0100, writes a request into memory and runs it in
; libz80ex until HALT:
;   $0100  jp h_init: build the decoding tables (once), then HALT
;   $0103  jp h_run: one kernel call on the request below, then HALT
;   $0106  format (1 ternary, 2 2-bit, 3 int4), rows (0 = 256),
;          cols (0 = 256), stride
;   x at req_x (256 bytes), the weights column by column at req_w (up to
;   32 KB), the sums' three planes at req_acc (the driver sets their start
;   and reads them after).
req_w: equ $1000
req_x: equ $9000
MVZ_TABLES: equ $9100
req_acc: equ $a000

        org $100
        jp h_init
        jp h_run
h_format: db 0
h_rows: db 0
h_cols: db 0
h_stride: db 0

h_init: call mvz_init
        halt
h_run:  ld hl,req_x
        ld (mvz_in),hl
        ld hl,req_w
        ld (mvz_w),hl
        ld a,(h_rows)
        ld (mvz_rows),a
        ld a,(h_cols)
        ld (mvz_cols),a
        ld a,(h_stride)
        ld (mvz_stride),a
        ld a,req_acc / 256
        ld (mvz_acc),a
        ld a,(h_format)
        cp 1
        jr z,h_ter
        cp 2
        jr z,h_i2
        call mvz_int4
        halt
h_ter:  call mvz_ternary
        halt
h_i2:   call mvz_int2
        halt

include "matvec_compact.asm"
