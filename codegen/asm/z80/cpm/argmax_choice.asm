; ---- choosing the next symbol by argmax (sampling.asm samples instead) ----
samplestart:
        ret
choose:
        ld a,@OUTPUTS8@
        ld (v_chn),a
choosen:
        jp argmax
