; ---- choosing the next symbol by argmax (sampling.asm samples instead) ----
samplestart:
        ret
choose:
        jp argmax
