; main.s - the sim6502 program of `tinylm-gen emit --target sim6502` (ca65):
; reads generation requests from stdin, runs the n-gram runtime
; (ngram_runtime.s) on each, and writes the replies to stdout. The test
; (tests/target/sim6502) and the benchmark (bench/cycles_6502.sh) drive it in
; sim65 and compare with tinylm::ngram::generate.
;
; Input, one request after another:
;   $01, seed (4 bytes, LE), max length (2 bytes, LE),
;        prompt length (2 bytes, LE), the prompt's bytes
;   $00  end of input: exit status 0
; Output, per request: the reply in records of 1-255 bytes, each a length
; byte and that many bytes; then $00 and the final xorshift32 state (4 bytes,
; LE). Any byte value may appear in a reply: the records keep it unambiguous.
; Exit status: 0 at the end of input, 2 if the input ends inside a request,
; 3 for a request that does not start with $00 or $01.
;
; A prompt longer than 255 bytes is read in full, but only its last 255 bytes
; are kept and passed to tlm_start (the runtime uses the last N-1 of them),
; as RUNTIME_API.md asks of callers with long prompts.
;
; Assembled with -D TLM_TRACE (the test's --trace), it also writes to stderr,
; before every tlm_sample, the contexts the draw will see (the runtime's
; tlm_trace: per level N-1 .. 1 the node found, low byte first, or $FFFF):
; what decides the probability row, compared with the oracle's find_context.
;
; RAM: the buffers below are at fixed addresses (segment BUFFERS, see
; sim6502.cfg); the program uses no zero page of its own.

.setcpu "6502"

.import _read, _write, _exit, pushax
.import tlm_seed, tlm_start, tlm_sample
.ifdef TLM_TRACE
.import tlm_trace
.endif
.importzp tlm_rng, tlm_ptr
.export _main

.segment "BUFFERS"
; in_buf, out_buf, io_addr, io_left, io_got, max_left, skip_left, keep: the
; RAM plan (sim6502_main_buffers, codegen/src/targets/sim6502/sim6502.cpp)
; writes them here.
;@BUFFERS@
.segment "CODE"

_main:
@request:
        lda #1
        jsr read_in
        lda in_buf
        beq @end_of_input
        cmp #1
        beq @header
        lda #3                  ; not a request
        ldx #0
        jmp _exit
@end_of_input:
        lda #0
        tax
        rts

@header:
        lda #8                  ; seed, max length, prompt length
        jsr read_in
        ldx #3
@seed:  lda in_buf,x
        sta tlm_rng,x
        dex
        bpl @seed
        jsr tlm_seed
        lda in_buf+4
        sta max_left
        lda in_buf+5
        sta max_left+1
        ; keep = min(length, 255), skip = length - keep
        lda in_buf+7
        bne @long
        lda in_buf+6
        cmp #255
        beq @long
        sta keep
        lda #0
        sta skip_left
        sta skip_left+1
        beq @discard
@long:  lda #255
        sta keep
        sec
        lda in_buf+6
        sbc #255
        sta skip_left
        lda in_buf+7
        sbc #0
        sta skip_left+1

@discard:                       ; read and drop the first skip bytes
        lda skip_left+1
        bne @chunk
        lda skip_left
        beq @prompt
        cmp #255
        bcc @last
@chunk: lda #255
@last:  sta io_left             ; this many now (1-255)
        sec
        lda skip_left
        sbc io_left
        sta skip_left
        lda skip_left+1
        sbc #0
        sta skip_left+1
        lda io_left
        jsr read_in
        jmp @discard

@prompt:
        lda keep
        beq @start
        jsr read_in
@start: lda #<in_buf
        sta tlm_ptr
        lda #>in_buf
        sta tlm_ptr+1
        ldy keep
        jsr tlm_start

        lda #0
        sta out_buf             ; an empty record
@generate:
        lda max_left
        ora max_left+1
        beq @reply_done         ; max length reached
.ifdef TLM_TRACE
        jsr write_trace         ; the contexts this draw will see, to stderr
.endif
        jsr tlm_sample
        bcs @reply_done         ; the end byte
        ldx out_buf
        inx
        sta out_buf,x
        stx out_buf
        cpx #255
        bne @counted
        jsr flush
@counted:
        lda max_left
        bne @low
        dec max_left+1
@low:   dec max_left
        jmp @generate

@reply_done:
        lda out_buf
        beq @trailer
        jsr flush
@trailer:                       ; $00, then the xorshift32 state
        lda #0
        sta out_buf
        ldx #3
@state: lda tlm_rng,x
        sta out_buf+1,x
        dex
        bpl @state
        lda #5
        jsr write_out
        jmp @request

; flush: writes the record in out_buf (length out_buf[0] > 0) and empties it.
flush:  lda out_buf
        clc
        adc #1
        bcc @write              ; 255 bytes + the length byte = 256
        lda #0
        ldx #1
        jsr write_ax
        jmp @empty
@write: jsr write_out
@empty: lda #0
        sta out_buf
        rts

; write_out: writes A bytes of out_buf to stdout (fd 1).
write_out:
        ldx #0
write_ax:                       ; A/X bytes
        pha
        txa
        pha
        lda #1
        ldx #0
        jsr pushax              ; fd
        lda #<out_buf
        ldx #>out_buf
        jsr pushax              ; buffer
        pla
        tax
        pla
        jmp _write              ; count in A/X

.ifdef TLM_TRACE
; write_trace: tlm_trace's nodes for the current history to stderr (fd 2),
; through in_buf (the prompt is in the history by now; the next request
; reads in_buf afresh).
write_trace:
        lda #<in_buf
        sta tlm_ptr
        lda #>in_buf
        sta tlm_ptr+1
        jsr tlm_trace
        tya
        beq @none               ; order 1: no contexts
        pha
        lda #2
        ldx #0
        jsr pushax              ; fd
        lda #<in_buf
        ldx #>in_buf
        jsr pushax              ; buffer
        pla
        ldx #0
        jmp _write              ; count in A/X
@none:  rts
.endif

; read_in: reads exactly A bytes (1-255) from stdin (fd 0) into in_buf, in
; as many reads as it takes; exits with status 2 if the input ends first.
read_in:
        sta io_left
        lda #<in_buf
        sta io_addr
        lda #>in_buf
        sta io_addr+1
@more:  lda #0
        tax
        jsr pushax              ; fd
        lda io_addr
        ldx io_addr+1
        jsr pushax              ; buffer
        lda io_left
        ldx #0
        jsr _read               ; A/X = bytes read: 0 at the end, -1 on error
        cpx #0
        bne @fail
        cmp #0
        beq @fail
        sta io_got
        clc
        adc io_addr
        sta io_addr
        bcc @left
        inc io_addr+1
@left:  sec
        lda io_left
        sbc io_got
        sta io_left
        bne @more
        rts
@fail:  lda #2
        ldx #0
        jmp _exit
