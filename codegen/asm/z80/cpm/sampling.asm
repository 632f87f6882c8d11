; ---- sampling (sampling.hpp's sample_top_k) ----
; Template: codegen/asm/z80/cpm/sampling.asm. Mirrors tinylm::sample_top_k
; (include/tinylm/sampling.hpp), tinylm::exp_weights (softmax.hpp) and
; tinylm::xorshift32 (prng.hpp) step by step.
samplestart:
        ld hl,@S0LO@
        ld (v_state),hl
        ld hl,@S0HI@
        ld (v_state+2),hl
        ret
; choose: A = the sampled index (one draw of the rng per call) among all
; @OUTPUTS8@ logits (0 = 256); choosen: among the first (v_chn) (a reply set's candidates)
choose:
        ld a,@OUTPUTS8@
        ld (v_chn),a
choosen:
        call argmax
        ld l,a
        ld h,0
        add hl,hl
        ld de,@LOGITS@
        add hl,de
        ld e,(hl)
        inc hl
        ld d,(hl)
        ld (v_max),de
; step 1: the top k (v_all = 1: every candidate is kept): sampling.hpp's top_k_mask
        ld a,1
        ld (v_all),a
        ld a,@TOPK@
        or a
        jr z,smweights
        ld a,(v_chn)
        or a
        jr z,smtopk
        ld b,a
        ld a,@TOPK@
        cp b
        jr nc,smweights
smtopk:
        xor a
        ld (v_all),a
        ld hl,0
        ld (v_thr),hl
        ld hl,32768
        ld (v_mask),hl
smtk:
        ld hl,(v_thr)
        ld de,(v_mask)
        ld a,h
        or d
        ld d,a
        ld a,l
        or e
        ld e,a
        push de
        call cntge
        pop de
        ld a,c
        cp @TOPK@
        jr c,smtkno
        ld (v_thr),de
smtkno:
        ld hl,(v_mask)
        srl h
        rr l
        ld (v_mask),hl
        ld a,h
        or l
        jr nz,smtk
        ld de,(v_thr)
        inc de
        ld a,d
        or e
        ld c,0
        call nz,cntge
        ld a,@TOPK@
        sub c
        ld (v_ties),a
; step 2: the weights exp_table[min(255, round((max - s) * inv_temp / 4096))]:
; softmax.hpp's exp_weights
smweights:
        ld hl,0
        ld (v_sum),hl
        xor a
        ld (v_sum+2),a
        ld hl,@LOGITS@
        ld (v_lp),hl
        ld hl,@WEIGHTS@
        ld (v_wp),hl
        ld a,(v_chn)
        ld (v_cnt),a
smwl:
        ld hl,(v_lp)
        ld e,(hl)
        inc hl
        ld d,(hl)
        inc hl
        ld (v_lp),hl
        call keepq
        ld bc,0
        jr z,smstore
        ld hl,(v_max)
        or a
        sbc hl,de
        ld b,h
        ld c,l
        ld de,@INVTEMP@
        call mul16
        call kcalc
        ld e,a
        ld d,0
        ld hl,exptab
        add hl,de
        add hl,de
        ld c,(hl)
        inc hl
        ld b,(hl)
        ld hl,(v_sum)
        add hl,bc
        ld (v_sum),hl
        jr nc,smstore
        ld hl,v_sum+2
        inc (hl)
smstore:
        ld hl,(v_wp)
        ld (hl),c
        inc hl
        ld (hl),b
        inc hl
        ld (v_wp),hl
        ld hl,v_cnt
        dec (hl)
        jr nz,smwl
; step 3: r = (next() * S) >> 32: 24 shift-and-add steps into 56 bits:
; prng.hpp's xorshift32::below
        call xsnext
        ld hl,v_p7
        ld b,7
        xor a
smpz:
        ld (hl),a
        inc hl
        djnz smpz
        ld a,(v_sum)
        ld c,a
        ld a,(v_sum+1)
        ld d,a
        ld a,(v_sum+2)
        ld e,a
        ld b,24
smml:
        srl e
        rr d
        rr c
        jr nc,smmsh
        ld hl,v_p7+3
        ld a,(v_state)
        add a,(hl)
        ld (hl),a
        inc hl
        ld a,(v_state+1)
        adc a,(hl)
        ld (hl),a
        inc hl
        ld a,(v_state+2)
        adc a,(hl)
        ld (hl),a
        inc hl
        ld a,(v_state+3)
        adc a,(hl)
        ld (hl),a
smmsh:
        ld hl,v_p7+6
        rr (hl)
        dec hl
        rr (hl)
        dec hl
        rr (hl)
        dec hl
        rr (hl)
        dec hl
        rr (hl)
        dec hl
        rr (hl)
        dec hl
        rr (hl)
        djnz smml
; step 4: the walk: the first c with r < w_c, else r -= w_c (r = v_p7 bytes 4..6):
; sampling.hpp's sample_top_k
        ld hl,@WEIGHTS@
        ld c,0
        ld a,(v_chn)
        ld b,a
smwk:
        ld e,(hl)
        inc hl
        ld d,(hl)
        inc hl
        push hl
        ld hl,(v_p7+4)
        or a
        sbc hl,de
        ld a,(v_p7+6)
        jr nc,smwkge
        or a
        jr z,smwkfound
        dec a
smwkge:
        ld (v_p7+4),hl
        ld (v_p7+6),a
        pop hl
        inc c
        djnz smwk
        xor a
        ret
smwkfound:
        pop hl
        ld a,c
        ret
; keepq (sampling.hpp's top_k_mask): NZ when the logit DE is a candidate (v_all, or above the threshold,
; or at it while ties last: the lower indices first)
keepq:
        ld a,(v_all)
        or a
        ret nz
        ld a,d
        xor 128
        ld h,a
        ld l,e
        ld bc,(v_thr)
        or a
        sbc hl,bc
        jr c,kqno
        jr nz,kqyes
        ld a,(v_ties)
        or a
        ret z
        dec a
        ld (v_ties),a
kqyes:
        or 1
        ret
kqno:
        xor a
        ret
; cntge (sampling.hpp's top_k_mask): C = how many logits are >= DE (offset binary: logit xor 8000h),
; saturating at 255
cntge:
        ld hl,@LOGITS@
        ld a,(v_chn)
        ld b,a
        ld c,0
cgl:
        push hl
        ld a,(hl)
        inc hl
        ld h,(hl)
        ld l,a
        ld a,h
        xor 128
        ld h,a
        or a
        sbc hl,de
        pop hl
        inc hl
        inc hl
        jr c,cgn
        inc c
        jr nz,cgn
        dec c
cgn:
        djnz cgl
        ret
; mul16: DE:HL = BC * DE (for exp_weights' (max - s) * inv_temp)
mul16:
        ld hl,0
        ld a,16
mull:
        add hl,hl
        rl e
        rl d
        jr nc,mulno
        add hl,bc
        jr nc,mulno
        inc de
mulno:
        dec a
        jr nz,mull
        ret
; kcalc: A = min(255, (DE:HL + 2048) >> 12): softmax.hpp's exp_weights index,
; rounding half up as fixed_point.hpp's shift
kcalc:
        ld a,d
        or a
        jr nz,k255
        ld bc,2048
        add hl,bc
        ld a,e
        adc a,0
        cp 16
        jr nc,k255
        ld l,h
        ld h,a
        srl h
        rr l
        srl h
        rr l
        srl h
        rr l
        srl h
        rr l
        ld a,l
        ret
k255:
        ld a,255
        ret
; xsnext: xorshift32 (prng.hpp): x ^= x << 13; x ^= x >> 17; x ^= x << 5
xsnext:
        ld a,(v_state+2)
        ld b,a
        ld a,(v_state+1)
        ld c,a
        ld a,(v_state)
        ld d,a
        ld e,0
        call xsshl5
        call xsxor
        ld a,(v_state+2)
        ld e,a
        ld a,(v_state+3)
        ld d,a
        srl d
        rr e
        ld bc,0
        call xsxor
        ld a,(v_state+3)
        ld b,a
        ld a,(v_state+2)
        ld c,a
        ld a,(v_state+1)
        ld d,a
        ld a,(v_state)
        ld e,a
        call xsshl5
xsxor:
        ld hl,v_state
        ld a,(hl)
        xor e
        ld (hl),a
        inc hl
        ld a,(hl)
        xor d
        ld (hl),a
        inc hl
        ld a,(hl)
        xor c
        ld (hl),a
        inc hl
        ld a,(hl)
        xor b
        ld (hl),a
        ret
xsshl5:
        ld a,5
xss:
        sla e
        rl d
        rl c
        rl b
        dec a
        jr nz,xss
        ret
exptab:  ; tinylm::exp_table (exp_table.hpp), 16-bit little-endian
;@EXP_TABLE@
