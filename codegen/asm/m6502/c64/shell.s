; shell.s - the Commodore 64 chat program of `tinylm-gen emit --target c64`
; (ca65): type a line, read the transformer's reply (transformer_runtime.s)
; printed token by token. Started from BASIC (RUN: the SYS line of cc65's
; c64 EXEHDR); RUN/STOP at the prompt (or during a reply: it stops the reply)
; returns to BASIC.
;
; Keys (GETIN) to model bytes, total (the model's normalise table folds and
; classes whatever it does not know):
;   RETURN      ends the line (an empty line is ignored: a new prompt)
;   DEL         deletes the last character (nothing on an empty line)
;   RUN/STOP    ends the program
;   letters     unshifted: a-z; shifted: A-Z (the model folds them)
;   $20-$40     space, digits, punctuation and @: the same ASCII bytes
;   every other key (F1-F8, cursor keys, CLR/HOME, colours, graphics) is
;   ignored; at most TLM_C64_LINE characters are taken, more are ignored.
; Reply bytes to the screen: a-z and A-Z in the upper/lower case character
; set, $20-$3F as they are, any other byte as '?' (a reply of a model
; trained on the bundled corpora has none).
;
; Interrupts: the KERNAL IRQ (keyboard, cursor, jiffy clock) stays on while
; waiting for keys and is off (SEI) while a token is computed; the border
; colour steps at every token to show work. The jiffy clock loses the
; compute time; RUN/STOP is checked between tokens.
; Zero page: the runtime's variables live at $02 onward (BASIC's area, not
; the KERNAL's), swapped in for each computation and out again before any
; KERNAL call, so BASIC and either KERNAL (Commodore's, or the free
; open-roms used in the tests) find theirs unchanged.
; Memory: BASIC ROM banked out ($01 = $36) while the program runs, so the
; code, the model and the shell's buffers may use $0801-$CFFF; and the
; KERNAL ROM too ($01 = $35, I/O stays in) while a token is computed, so the
; runtime's buffers (segment TLMBSS: activations, KV cache) live in the RAM
; under it, $E000-$FFF9 (c64.cfg); $01 restored on exit. RESTORE is ignored
; meanwhile: through the KERNAL's NMI vector $0318 (its handler would enter
; BASIC) and, with the KERNAL banked out, through the CPU's own at $FFFA,
; written into the RAM under the ROM at start (both point at an RTI).
; tlm_c64_state ($02A7, free under both KERNALs): 1 waiting for a line, 2
; computing a reply (the emulator test reads it).

.setcpu "6502"

.import tlm_begin, tlm_step, tlm_choose, tlm_token_bytes, tlm_seed
.import tlm_rng, tlm_inv_temp, tlm_top_k
.import tlm_pos, __ZEROPAGE_SIZE__
.importzp tlm_ptr
.importzp TLM_T
.forceimport __EXEHDR__

CHROUT = $FFD2
GETIN  = $FFE4
STOP   = $FFE1
TLM_C64_LINE = @LINE@
TLM_C64_SEED = @SEED@           ; sampling (emit --seed, --inv-temp, --top-k):
TLM_C64_INV_TEMP = @INV_TEMP@   ; 0 is argmax; the generator restarts from
TLM_C64_TOP_K = @TOP_K@         ; the seed at every line, as generate() does
TLM_ZP = @ZERO_PAGE_START@        ; the runtime's zero page (c64.cfg)
tlm_c64_state = $02A7

.segment "BSS"
;@BUFFERS@

.segment "CODE"

start:  lda $01
        sta saved_01
        lda $D020
        sta saved_border
        tsx
        stx saved_sp
        lda $0318               ; RESTORE: ignored while the program runs (the
        sta saved_nmi           ; KERNAL's would jump into BASIC, banked out)
        lda $0319
        sta saved_nmi+1
        lda #<nmi_ignore
        sta $0318
        sta $FFFA               ; the RAM under the KERNAL: read while it is out
        lda #>nmi_ignore
        sta $0319
        sta $FFFB
        lda #$36                ; BASIC out, KERNAL and I/O in
        sta $01
        lda #<banner
        ldy #>banner
        jsr print

prompt: lda #1
        sta tlm_c64_state
        lda #<prompt_text
        ldy #>prompt_text
        jsr print
        lda #0
        sta line_len
@key:   jsr GETIN
        beq @key
        cmp #3                  ; RUN/STOP
        beq quit
        cmp #13
        beq @enter
        cmp #20                 ; DEL
        bne @char
        ldx line_len
        beq @key
        dec line_len
        jsr CHROUT
        jmp @key
@char:  jsr to_model            ; A: the key's model byte, or carry set: ignored
        bcs @key
        ldx line_len
        cpx #TLM_C64_LINE
        bcs @key
        sta line,x
        inc line_len
        jsr to_screen
        jsr CHROUT
        jmp @key
@enter: lda line_len
        beq @key                ; an empty line: nothing to answer
        lda #13
        jsr CHROUT
        jsr reply
        lda #13
        jsr CHROUT
        jmp prompt

quit:   lda #<bye
        ldy #>bye
        jsr print
        lda saved_border
        sta $D020
        lda saved_nmi
        sta $0318
        lda saved_nmi+1
        sta $0319
        ldx saved_sp            ; read before BASIC is banked back in: the
        lda saved_01            ; buffers may lie under its ROM ($A000-$BFFF)
        sta $01
        txs
        rts                     ; back to BASIC

nmi_ignore:
        rti

; reply: encodes the line, steps it and prints the reply token by token
; (generate of transformer.hpp, as the sim6502 program does: argmax, or
; sample_top_k when the program was emitted with --inv-temp).
reply:  lda #2
        sta tlm_c64_state
        jsr enter
        lda #<line
        sta tlm_ptr
        lda #>line
        sta tlm_ptr+1
        ldy line_len
        jsr tlm_begin
        lda #<TLM_C64_SEED
        sta tlm_rng
        lda #>TLM_C64_SEED
        sta tlm_rng+1
        lda #^TLM_C64_SEED
        sta tlm_rng+2
        lda #<(TLM_C64_SEED >> 24)
        sta tlm_rng+3
        lda #<TLM_C64_INV_TEMP
        sta tlm_inv_temp
        lda #>TLM_C64_INV_TEMP
        sta tlm_inv_temp+1
        lda #TLM_C64_TOP_K
        sta tlm_top_k
        jsr tlm_seed
        jsr leave
@next:  jsr enter
        jsr tlm_choose          ; argmax or sampling, inside the reply set
        sta token
        cmp #2
        bcc @done               ; END or SEP
        jsr tlm_token_bytes     ; tlm_ptr, Y bytes: copy them out of the zero page's reach
        sty out_len
        dey
        bmi @copied
@copy:  lda (tlm_ptr),y
        sta out,y
        dey
        bpl @copy
@copied:
        jsr leave
        ldx #0
@print: cpx out_len
        beq @printed
        lda out,x
        jsr to_screen
        jsr CHROUT
        inx
        bne @print
@printed:
        jsr STOP
        beq @stopped            ; RUN/STOP ends the reply
        jsr enter
        lda tlm_pos
        cmp #<TLM_T
        beq @done               ; the context is full
        lda token
        jsr tlm_step
        inc tlm_pos
        jsr leave
        jmp @next
@done:  jsr leave
@stopped:
        lda saved_border        ; the border back: the reply is complete
        sta $D020
        rts

; enter: interrupts off, the KERNAL ROM out (the runtime's buffers are
; under it), the runtime's zero page in, the border steps.
enter:  sei
        lda #$35                ; RAM at $A000-$BFFF and $E000-$FFFF, I/O in
        sta $01
        ldx #<__ZEROPAGE_SIZE__
@swap:  lda TLM_ZP-1,x
        ldy zp_save-1,x
        sta zp_save-1,x
        sty TLM_ZP-1,x
        dex
        bne @swap
        inc $D020
        rts

; leave: the KERNAL's zero page and ROM back, interrupts on.
leave:  ldx #<__ZEROPAGE_SIZE__
@swap:  lda TLM_ZP-1,x
        ldy zp_save-1,x
        sta zp_save-1,x
        sty TLM_ZP-1,x
        dex
        bne @swap
        lda #$36                ; BASIC out, KERNAL and I/O in
        sta $01
        cli
        rts

; to_model: the model byte of a key (PETSCII in A); carry set: no byte.
to_model:
        cmp #$20
        bcc @none
        cmp #$41
        bcc @same               ; space, digits, punctuation, @
        cmp #$5B
        bcs @shifted
        ora #$20                ; unshifted letter: a-z
        clc
        rts
@shifted:
        cmp #$C1
        bcc @none
        cmp #$DB
        bcs @none
        and #$7F                ; shifted letter: A-Z
@same:  clc
        rts
@none:  sec
        rts

; to_screen: the PETSCII code that shows a model byte (A).
to_screen:
        cmp #$20
        bcc @other
        cmp #$40
        bcc @done
        cmp #$41
        bcc @other
        cmp #$5B
        bcc @upper
        cmp #$61
        bcc @other
        cmp #$7B
        bcs @other
        and #$DF                ; a-z -> $41-$5A (lower case in this set)
@done:  rts
@upper: ora #$80                ; A-Z -> $C1-$DA
        rts
@other: lda #'?'
        rts

; print: the zero-terminated PETSCII text at A/Y (at most 255 bytes; no
; zero page: the address is written into the load below).
print:  sta @c+1
        sty @c+2
        ldy #0
@c:     lda $FFFF,y
        beq @r
        jsr CHROUT
        iny
        bne @c
@r:     rts

.segment "RODATA"
; PETSCII: $0E upper/lower case, $93 clear; ca65 -t c64 turns lower-case
; source letters into the codes that show capitals here.
banner: .byte $0E, $93
        .byte "@BANNER@", 13
        .byte "type a line; run/stop quits.", 13, 13, 0
prompt_text:
        .byte "> ", 0
bye:    .byte 13, "bye.", 13, $8E, 0   ; and back to the upper case set
