; ---- the reply set (reply_set.hpp): the next symbol only among the continuations of the corpus replies ----
; Template: codegen/asm/z80/cpm/reply_set.asm. Mirrors tinylm::reply_start / reply_candidates /
; reply_advance / choose_symbol (include/tinylm/reply_set.hpp): the live replies are [v_rslo, v_rshi)
; at position v_rsk; the candidates (their distinct next symbols, ascending; only the replies that fit
; the room of @ROOM@ symbols while one does) are gathered in place into the logits' first entries,
; with their symbols in v_chsym; the chooser (argmax or sampling) picks an index among them.
samplestart:
        xor a
        ld (v_rslo),a
        ld (v_rsk),a
        ld a,@NREPLIES@
        ld (v_rshi),a
        jp rs_samplestart
choose:
        call rsgather
        call choosen
        ld e,a
        ld d,0
        ld hl,v_chsym
        add hl,de
        ld a,(hl)
        ld (v_rst),a
        ld a,(v_rslo)
        ld c,a
rsa1:
        call rssym
        ld b,a
        ld a,(v_rst)
        cp b
        jr z,rsa2
        inc c
        jr rsa1
rsa2:
        ld a,c
        ld (v_rslo),a
rsa3:
        inc c
        ld a,(v_rshi)
        cp c
        jr z,rsa4
        call rssym
        ld b,a
        ld a,(v_rst)
        cp b
        jr z,rsa3
        ld a,c
        ld (v_rshi),a
rsa4:
        ld hl,v_rsk
        inc (hl)
        ld a,(v_rst)
        ret
; rsfits: NZ when reply C has at most @ROOM@ symbols before END (C kept)
rsfits:
        ld e,c
        ld d,0
        ld hl,rslen
        add hl,de
        ld a,@ROOM@
        cp (hl)
        ld a,0
        jr c,rsfno
        inc a
        ret
rsfno:
        or a
        ret
; rsgather: v_chn candidates; logits[i] = logits[v_chsym[i]]
rsgather:
        xor a
        ld (v_rsfit),a
        ld (v_chn),a
        ld a,(v_rslo)
        ld c,a
rsf:
        ld a,(v_rshi)
        cp c
        jr z,rsg0
        call rsfits
        jr nz,rsfound
        inc c
        jr rsf
rsfound:
        ld (v_rsfit),a
rsg0:
        ld a,(v_rslo)
        ld c,a
rsg:
        ld a,(v_rshi)
        cp c
        ret z
        ld a,(v_rsfit)
        or a
        jr z,rslive
        call rsfits
        jr z,rsgn
rslive:
        call rssym
        ld b,a
        ld a,(v_chn)
        ld e,a
        ld d,0
        or a
        jr z,rsadd
        ld hl,v_chsym-1
        add hl,de
        ld a,(hl)
        cp b
        jr z,rsgn
rsadd:
        ld hl,v_chsym
        add hl,de
        ld (hl),b
        ld hl,@LOGITS@
        add hl,de
        add hl,de
        push hl
        ld l,b
        ld h,0
        add hl,hl
        ld de,@LOGITS@
        add hl,de
        ld e,(hl)
        inc hl
        ld d,(hl)
        pop hl
        ld (hl),e
        inc hl
        ld (hl),d
        ld hl,v_chn
        inc (hl)
rsgn:
        inc c
        jr rsg
; rssym: A = the symbol of reply C at position v_rsk (C kept)
rssym:
        ld l,c
        ld h,0
        add hl,hl
        ld de,rsoff
        add hl,de
        ld e,(hl)
        inc hl
        ld d,(hl)
        ld hl,rssyms
        add hl,de
        ld a,(v_rsk)
        ld e,a
        ld d,0
        add hl,de
        ld a,(hl)
        ret
