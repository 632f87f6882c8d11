; transformer_main.s - the sim6502 program of `tinylm-gen emit --target
; sim6502` for a transformer model (ca65): reads requests from stdin, runs the
; transformer runtime (transformer_runtime.s) on each and writes what it did
; to stdout. The test (tests/target/sim6502/transformer_agreement.cpp) and the
; benchmark (bench/cycles_c64.sh) drive it in sim65 and compare with
; tinylm::transformer.
;
; Input, one request after another:
;   $01, flags, max length (2 bytes, LE), prompt length (2 bytes, LE), seed
;        (4 bytes, LE), inv_temp (2 bytes, LE), top_k, the prompt's bytes: a
;        reply (generate: argmax when inv_temp is 0, else sample_top_k with
;        xorshift32(mix_seed(seed))). flags bit 0: write the logits before
;        every choice.
;   $02, n (1 .. T), n token ids: step them at positions 0 .. n-1 and write
;        the logits (no reply): the raw forward pass, and the cycle benchmark.
;   $00  end of input: exit status 0
; Output of $01: for every choice, with flag 0 the logits ('L', then V low
; bytes, then V high bytes); then 'T' and the chosen token; for a token that
; is written, 'B', a count and that many reply bytes (cut at the max length);
; at the end 'E'. Output of $02: the logits ('L' ...).
; Exit status: 0 at the end of input, 2 if the input ends inside a request,
; 3 for an unknown request, 4 for a $02 request with n outside 1 .. T or a
; token outside the vocabulary.
;
; A prompt longer than 255 bytes is read in full; its last 255 bytes are
; encoded (bpe.hpp encodes the last max_text = 255 bytes too).

.setcpu "6502"

.import _read, _write, _exit, pushax
.import tlm_begin, tlm_step, tlm_choose, tlm_token_bytes, tlm_seed
.import tlm_rng, tlm_inv_temp, tlm_top_k
.import tlm_logits_lo, tlm_logits_hi, tlm_pos, tlm_seq_n
.importzp tlm_ptr
.importzp TLM_V, TLM_T
.export _main

.segment "BUFFERS"
;@BUFFERS@
.segment "CODE"

_main:
@request:
        lda #1
        jsr read_in
        lda in_buf
        beq @end_of_input
        cmp #1
        beq @reply
        cmp #2
        beq @steps
        lda #3
        ldx #0
        jmp _exit
@end_of_input:
        lda #0
        tax
        rts

@steps: lda #1
        jsr read_in
        lda in_buf
        beq @bad
        cmp #<TLM_T+1
        bcs @bad
        sta keep
        jsr read_in
        ldx #0
@check: lda in_buf,x
        cmp #<TLM_V
        bcc @ok
        lda #<TLM_V             ; V = 256 takes every byte
        bne @bad
@ok:    inx
        cpx keep
        bne @check
        lda #0
        sta tlm_pos
@step:  ldx tlm_pos
        lda in_buf,x
        jsr tlm_step
        inc tlm_pos
        lda tlm_pos
        cmp keep
        bne @step
        jsr write_logits
        jmp @request
@bad:   lda #4
        ldx #0
        jmp _exit

@reply: lda #12                 ; flags, max length, prompt length, seed, inv_temp, top_k
        jsr read_in
        ldx #3
@seed:  lda in_buf+5,x
        sta tlm_rng,x
        dex
        bpl @seed
        lda in_buf+9
        sta tlm_inv_temp
        lda in_buf+10
        sta tlm_inv_temp+1
        lda in_buf+11
        sta tlm_top_k
        lda in_buf
        sta flags
        lda in_buf+1
        sta max_left
        lda in_buf+2
        sta max_left+1
        ; keep = min(length, 255), skip = length - keep
        lda in_buf+4
        bne @long
        lda in_buf+3
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
        lda in_buf+3
        sbc #255
        sta skip_left
        lda in_buf+4
        sbc #0
        sta skip_left+1
@discard:
        lda skip_left+1
        bne @chunk
        lda skip_left
        beq @prompt
        cmp #255
        bcc @last
@chunk: lda #255
@last:  sta io_left
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
        jsr tlm_begin           ; tlm_pos = the start sequence's length
        jsr tlm_seed            ; the generator of this reply

@choose:                        ; generate (transformer.hpp)
        lda max_left
        ora max_left+1
        bne @more
        jmp @done
@more:
        lda flags
        and #1
        beq @pick
        jsr write_logits
@pick:  jsr tlm_choose          ; argmax or sampling (inv_temp), inside the reply set
        sta token
        lda #'T'
        sta out_buf
        lda token
        sta out_buf+1
        lda #2
        jsr write_out
        lda token
        cmp #2
        bcc @done               ; END or SEP
        jsr tlm_token_bytes     ; tlm_ptr, Y bytes
        sty io_left
        ldy #0
        ldx #2
@byte:  cpy io_left
        beq @written
        lda max_left
        ora max_left+1
        beq @written
        lda (tlm_ptr),y
        sta out_buf,x
        inx
        iny
        lda max_left
        bne @dec
        dec max_left+1
@dec:   dec max_left
        jmp @byte
@written:
        lda #'B'
        sta out_buf
        txa
        sec
        sbc #2
        sta out_buf+1
        txa
        jsr write_out
        lda tlm_pos
        cmp #<TLM_T
        beq @done               ; the context is full
        lda token
        jsr tlm_step
        inc tlm_pos
        jmp @choose
@done:  lda #'E'
        sta out_buf
        lda #1
        jsr write_out
        jmp @request

; write_logits: 'L', V low bytes, V high bytes.
write_logits:
        lda #'L'
        sta out_buf
        lda #1
        jsr write_out
        lda #<tlm_logits_lo
        ldx #>tlm_logits_lo
        jsr write_v
        lda #<tlm_logits_hi
        ldx #>tlm_logits_hi
write_v:                        ; V bytes at A/X
        pha
        txa
        pha
        lda #1
        ldx #0
        jsr pushax
        pla
        tax
        pla
        jsr pushax
        lda #<TLM_V
        ldx #>TLM_V
        jmp _write

; write_out: writes A bytes of out_buf to stdout (fd 1).
write_out:
        pha
        lda #1
        ldx #0
        jsr pushax
        lda #<out_buf
        ldx #>out_buf
        jsr pushax
        pla
        ldx #0
        jmp _write

; read_in: reads exactly A bytes (1-255) from stdin into in_buf; exits with
; status 2 if the input ends first.
read_in:
        sta io_left
        lda #<in_buf
        sta io_addr
        lda #>in_buf
        sta io_addr+1
@more:  lda #0
        tax
        jsr pushax
        lda io_addr
        ldx io_addr+1
        jsr pushax
        lda io_left
        ldx #0
        jsr _read
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
