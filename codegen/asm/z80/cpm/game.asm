; ---- twenty questions: the chat loop's hooks ----
; Template: codegen/asm/z80/cpm/game.asm (the @...@ numbers and the ;@...@
; texts are filled in by tinylm-gen). The C++ reference of the game is
; examples/guess (a prompt prefixed with "<object>: ", tinylm::hashmlp::generate).
; gamestart: the banner, then an object: the number of BDOS 11 (console
; status) polls until the player's first key, modulo the object count.
gamestart:
        ld hl,gbanner
        call puts
        xor a
        ld (v_poll),a
gspoll:
        ld c,11
        call 5
        or a
        jr nz,gsready
        ld hl,v_poll
        inc (hl)
        jr gspoll
gsready:
        ld a,(v_poll)
gsmod:
        cp @NOBJ@
        jr c,gsmodd
        sub @NOBJ@
        jr gsmod
gsmodd:
        ld (v_obj),a
        xor a
        ld (v_asked),a
        ret
; lineprefix: the line starts with "<object>: " (what the model was trained on)
lineprefix:
        ld a,1
        ld (v_win),a
        call objname
lploop:
        ld a,(de)
        or a
        jr z,lpsep
        push de
        call ringput
        pop de
        inc de
        jr lploop
lpsep:
        ld a,58
        call ringput
        ld a,32
        jp ringput
; objname: DE = the current object's 0-terminated name
objname:
        ld a,(v_obj)
        add a,a
        ld e,a
        ld d,0
        ld hl,gobjects
        add hl,de
        ld e,(hl)
        inc hl
        ld d,(hl)
        ret
; symhook: A = the index of the reply's next symbol; v_win = 0 once the reply
; is not the win reply's prefix
symhook:
        ld e,a
        ld a,(v_ocount)
        cp @WINLEN@
        jr nc,shbad
        ld c,a
        ld b,0
        ld hl,gwinidx
        add hl,bc
        ld a,(hl)
        cp e
        ret z
shbad:
        xor a
        ld (v_win),a
        ret
; gameend: after each reply: a win, or the last question, starts a new game
gameend:
        ld a,(v_win)
        or a
        jr z,genot
        ld a,(v_ocount)
        cp @WINLEN@
        jr nz,genot
        ld hl,gwon
        call puts
        jp gamestart
genot:
        ld hl,v_asked
        inc (hl)
        ld a,(hl)
        cp @MAXQ@
        ret nz
        ld hl,glost
        call puts
        call objname
        ex de,hl
        call puts
        ld a,13
        call putc
        ld a,10
        call putc
        jp gamestart
;@GAME_TEXTS@
