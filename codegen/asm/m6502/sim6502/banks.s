; banks.s - the bank window of the sim6502-banked program (ca65): sim65 has
; no mapper, so the runtime's tlm_bank_select loads bank N from the file
; bankNN.bin (NN in hex, written by ld65 beside prog.prg; sim65 must run in
; that directory) into the 16 KB of RAM at $8000-$BFFF, through sim65's
; paravirtualised open, read and close. This is the only target-specific
; piece of the banked runtime: on the NES it is a write to the mapper.
;
; Cycle counts (sim65 -c) of this program include the few instructions here
; but not the copy itself (the paravirtualised read is one trap); the NES's
; cost of a switch is counted apart (see bench/cycles_6502.sh).
; Exit status 4 if a bank file cannot be opened.

.setcpu "6502"

.import _open, _read, _close, _exit, pushax
.export tlm_bank_select, tlm_bank_switches

TLM_WINDOW_START = $8000
TLM_WINDOW_SIZE  = $4000
O_RDONLY         = $01          ; cc65's fcntl.h

.segment "BUFFERS"
; bank_name, bank_fd, bank_x, tlm_bank_switches: the RAM plan
; (sim6502_banks_buffers, codegen/src/targets/sim6502/sim6502.cpp).
;@BUFFERS@
.segment "CODE"
; tlm_bank_select: A = the bank. Keeps X; clobbers A and Y.
tlm_bank_select:
        stx bank_x
        pha
        ldy #0
@copy:  lda name_template,y
        sta bank_name,y
        iny
        cpy #11
        bne @copy
        pla
        pha
        lsr a
        lsr a
        lsr a
        lsr a
        tay
        lda hex_digits,y
        sta bank_name+4
        pla
        and #$0F
        tay
        lda hex_digits,y
        sta bank_name+5
        inc tlm_bank_switches
        bne @open
        inc tlm_bank_switches+1
        bne @open
        inc tlm_bank_switches+2
        bne @open
        inc tlm_bank_switches+3
@open:  lda #<bank_name
        ldx #>bank_name
        jsr pushax              ; name
        lda #O_RDONLY
        ldx #0
        jsr pushax              ; flags
        ldy #4                  ; bytes of arguments (open is variadic)
        jsr _open
        cpx #$FF
        beq @fail
        sta bank_fd
        ldx #0
        jsr pushax              ; fd
        lda #<TLM_WINDOW_START
        ldx #>TLM_WINDOW_START
        jsr pushax              ; buffer
        lda #<TLM_WINDOW_SIZE
        ldx #>TLM_WINDOW_SIZE
        jsr _read               ; the whole bank (the last may be shorter)
        lda bank_fd
        ldx #0
        jsr _close
        ldx bank_x
        rts
@fail:  lda #4
        ldx #0
        jmp _exit

.segment "RODATA"
name_template:
        .byte "bank00.bin", 0
hex_digits:
        .byte "0123456789abcdef"
