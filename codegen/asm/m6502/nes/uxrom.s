; uxrom.s - the banked NES cartridge's own piece (ca65): iNES header for
; mapper 2 (UxROM) and the bank switch the runtime calls (tinylm-gen emit
; --target nes-uxrom writes it with the constants below filled in).
;
; UxROM: a 16 KB switchable bank at $8000-$BFFF (the tables, segments BANK0,
; BANK1, ...) and the last bank fixed at $C000-$FFFF (the shell, the runtime,
; this file, the vectors). Any write to $8000-$FFFF selects the bank in the
; switchable window; the board has bus conflicts (the ROM drives the data bus
; too), so the bank number is written to a ROM byte that holds the same value.
;
; The shell's NROM header (segment HEADER) is dropped by uxrom.cfg; this one
; is written instead (segment INESHDR).

.setcpu "6502"
.export tlm_bank_select

;@UXROM_CONSTANTS@

.segment "INESHDR"
  .byte "NES", $1A
  .byte TLM_PRG_BANKS           ; PRG ROM in 16 KB units
  .byte 1                       ; 1 x 8 KB CHR ROM
  .byte $21                     ; mapper 2 (low nibble $2_), vertical mirroring
  .byte $00                     ; mapper high nibble 0
  .res 8, 0

.segment "CODE"
; tlm_bank_select: A = the bank to show at $8000-$BFFF. Keeps X; clobbers Y.
; Cost: 2 + 5 + 6 = 13 cycles after the jsr (6), 19 with it.
tlm_bank_select:
        tay
        sta bank_numbers,y      ; bus conflict: the byte there equals A
        rts

.segment "RODATA"
bank_numbers:                   ; bank_numbers[i] = i
  .repeat TLM_PRG_BANKS, i
        .byte i
  .endrepeat
