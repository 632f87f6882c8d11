; compact_main.s - the sim65 program of tests/target/sim6502/compact_kernels.cpp:
; runs the compact-format kernels (codegen/asm/m6502/matvec_compact.s) on the
; matrices it reads from stdin and writes their sums to stdout.
;
; Input, one request after another:
;   format (1 ternary, 2 2-bit, 3 int4; 0 ends the input), rows (1..128), cols
;   (1..255, 0 = 256), stride (2 bytes, LE), repeat (1..255: the kernel runs
;   that many times, for the cycle counts), x (cols bytes), the weights
;   (cols * stride bytes, the kernels' column layout)
; Output, per request: acc0[0..rows), acc1[0..rows), acc2[0..rows).
; Exit status: 0 at the end of input, 2 if the input ends inside a request.

.setcpu "6502"

.import _read, _write, _exit, pushax
.import mvc_ternary, mvc_int2, mvc_int4, mvc_acc0, mvc_acc1, mvc_acc2, mvc_rows, mvc_cols, mvc_stride
.importzp mvc_in, mvc_w
.export _main

.segment "BUFFERS"
hdr:    .res 6
xbuf:   .res 256
io_ptr: .res 2
io_left: .res 2
io_n:   .res 2
repeat: .res 1
.segment "BSS"
wbuf:   .res 16384              ; 256 columns x 64 bytes (int4, 128 rows) at most

.segment "CODE"

_main:
        lda #<hdr
        ldx #>hdr
        ldy #1
        jsr read_small
        lda hdr
        bne @request
        lda #0                  ; end of input
        tax
        rts
@request:
        lda #<(hdr+1)
        ldx #>(hdr+1)
        ldy #5
        jsr read_small
        lda hdr+1
        sta mvc_rows
        lda hdr+2
        sta mvc_cols
        lda hdr+3
        sta mvc_stride
        lda hdr+4
        sta mvc_stride+1
        lda hdr+5
        sta repeat
        ; x: cols bytes (0 = 256)
        lda #<xbuf
        sta io_ptr
        lda #>xbuf
        sta io_ptr+1
        lda mvc_cols
        sta io_left
        lda #0
        sta io_left+1
        lda mvc_cols
        bne :+
        inc io_left+1           ; 256
:       jsr read_exact
        ; the weights: cols * stride bytes
        lda #<wbuf
        sta io_ptr
        lda #>wbuf
        sta io_ptr+1
        lda #0
        sta io_left
        sta io_left+1
        ldx mvc_cols
@mul:   clc
        lda io_left
        adc mvc_stride
        sta io_left
        lda io_left+1
        adc mvc_stride+1
        sta io_left+1
        dex
        bne @mul
        jsr read_exact

        lda #<xbuf
        sta mvc_in
        lda #>xbuf
        sta mvc_in+1
        lda #<wbuf
        sta mvc_w
        lda #>wbuf
        sta mvc_w+1
@run:   lda hdr
        cmp #1
        bne @int2
        jsr mvc_ternary
        jmp @ran
@int2:  cmp #2
        bne @int4
        jsr mvc_int2
        jmp @ran
@int4:  jsr mvc_int4
@ran:   dec repeat
        bne @run
        ; the sums: three writes of rows bytes
        lda #<mvc_acc0
        ldx #>mvc_acc0
        jsr write_rows
        lda #<mvc_acc1
        ldx #>mvc_acc1
        jsr write_rows
        lda #<mvc_acc2
        ldx #>mvc_acc2
        jsr write_rows
        jmp _main

; write_rows: writes mvc_rows bytes from A/X to stdout (fd 1).
write_rows:
        pha
        txa
        pha
        lda #1
        ldx #0
        jsr pushax              ; fd
        pla
        tax
        pla
        jsr pushax              ; buffer
        lda mvc_rows
        ldx #0
        jmp _write

; read_small: reads Y bytes (1..255) to A/X.
read_small:
        sta io_ptr
        stx io_ptr+1
        sty io_left
        lda #0
        sta io_left+1
        ; fall through
; read_exact: reads io_left bytes (16 bits, may be 0) to io_ptr, in as many
; reads as it takes; exits with status 2 if the input ends first.
read_exact:
@more:  lda io_left
        ora io_left+1
        beq @done
        lda #0
        tax
        jsr pushax              ; fd 0
        lda io_ptr
        ldx io_ptr+1
        jsr pushax              ; buffer
        lda io_left
        ldx io_left+1
        jsr _read               ; A/X = bytes read
        cpx #0
        bmi @fail
        bne @got
        cmp #0
        beq @fail
@got:   sta io_n
        stx io_n+1
        clc
        lda io_ptr
        adc io_n
        sta io_ptr
        lda io_ptr+1
        adc io_n+1
        sta io_ptr+1
        sec
        lda io_left
        sbc io_n
        sta io_left
        lda io_left+1
        sbc io_n+1
        sta io_left+1
        jmp @more
@done:  rts
@fail:  lda #2
        ldx #0
        jmp _exit
