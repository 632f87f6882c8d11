; A stand-in for the 6502 n-gram runtime, with the symbols and calling
; conventions of codegen/asm/m6502/RUNTIME_API.md, so the NES shell and its emulator
; test can be proven before the real runtime exists. It is NOT a language
; model; tests/target/nes/stub_reference.py computes the same bytes independently.
;
; Rule (TLM_ORDER 4: a history of 3 bytes; TLM_END_BYTE $0A, not 0, so that
; byte 0 reaches the shell):
;   tlm_seed    a zero state becomes $9E3779B9
;   tlm_start   history = 3 x END, then each prompt byte pushed; count = 0;
;               mode = counter if the prompt is empty, else text
;   tlm_sample  counter mode: b = (tlm_rng byte 0 + count) mod 256, count += 1
;                 (all 255 non-end bytes come out for suitable seeds)
;               text mode: x = xorshift32(x) (13, 17, 5) on tlm_rng;
;                 if (x & $FF) < 4: the end byte; else
;                 b = TABLE[((x >> 8) + last history byte) & 31]
;               b == END: carry set, history unchanged; else push b, carry clear

.setcpu "6502"

.exportzp tlm_rng, tlm_hist, tlm_ptr
.export   tlm_seed, tlm_start, tlm_sample
.export   TLM_ORDER, TLM_END_BYTE

TLM_ORDER    = 4
TLM_END_BYTE = $0A

.segment "ZEROPAGE"
tlm_rng:    .res 4
tlm_hist:   .res TLM_ORDER - 1
tlm_ptr:    .res 2
stub_mode:  .res 1              ; 0 counter, else text
stub_count: .res 1
stub_t:     .res 4

.segment "CODE"

tlm_seed:
  lda tlm_rng
  ora tlm_rng+1
  ora tlm_rng+2
  ora tlm_rng+3
  bne @done
  lda #$B9
  sta tlm_rng
  lda #$79
  sta tlm_rng+1
  lda #$37
  sta tlm_rng+2
  lda #$9E
  sta tlm_rng+3
@done:
  rts

tlm_start:
  lda #TLM_END_BYTE
  ldx #TLM_ORDER - 2
@fill:
  sta tlm_hist,x
  dex
  bpl @fill
  sty stub_mode
  lda #0
  sta stub_count
  tya
  beq @done
  tax
  ldy #0
@push:
  lda (tlm_ptr),y
  jsr push
  iny
  dex
  bne @push
@done:
  rts

; A = byte: shift it into the history (oldest first). Keeps A, X, Y.
push:
  pha
  lda tlm_hist+1
  sta tlm_hist
  lda tlm_hist+2
  sta tlm_hist+1
  pla
  sta tlm_hist+2
  rts

tlm_sample:
  lda stub_mode
  bne @text
  lda tlm_rng
  clc
  adc stub_count
  inc stub_count
  jmp @out
@text:
  jsr xorshift32
  lda tlm_rng
  cmp #4
  bcs @letter
  lda #TLM_END_BYTE
  sec
  rts
@letter:
  lda tlm_rng+1
  clc
  adc tlm_hist+2
  and #31
  tax
  lda table,x
@out:
  cmp #TLM_END_BYTE
  beq @end
  jsr push
  clc
  rts
@end:
  sec
  rts

; x ^= x << 13; x ^= x >> 17; x ^= x << 5 on the little-endian tlm_rng
xorshift32:
  lda tlm_rng                   ; x << 13 = (x << 8) << 5: bytes 1-3 only
  sta stub_t+1
  lda tlm_rng+1
  sta stub_t+2
  lda tlm_rng+2
  sta stub_t+3
  ldx #5
@shl13:
  asl stub_t+1
  rol stub_t+2
  rol stub_t+3
  dex
  bne @shl13
  lda tlm_rng+1
  eor stub_t+1
  sta tlm_rng+1
  lda tlm_rng+2
  eor stub_t+2
  sta tlm_rng+2
  lda tlm_rng+3
  eor stub_t+3
  sta tlm_rng+3
  lda tlm_rng+3                 ; x >> 17: byte 0 = x >> 17 & $FF, byte 1 = x >> 25
  lsr a
  sta stub_t+1
  lda tlm_rng+2
  ror a
  eor tlm_rng
  sta tlm_rng
  lda tlm_rng+1
  eor stub_t+1
  sta tlm_rng+1
  ldx #3                        ; x << 5
@copy:
  lda tlm_rng,x
  sta stub_t,x
  dex
  bpl @copy
  ldx #5
@shl5:
  asl stub_t
  rol stub_t+1
  rol stub_t+2
  rol stub_t+3
  dex
  bne @shl5
  ldx #3
@xor:
  lda tlm_rng,x
  eor stub_t,x
  sta tlm_rng,x
  dex
  bpl @xor
  rts

.segment "RODATA"
table:
  .byte "etaoin shrdlucmfw ypvbgk jqxz.,!"
.assert * - table = 32, error, "table must have 32 bytes"
