; ngram_runtime.s - the 6502 mirror of tinylm::ngram::generate (ca65).
;
; The C++ is the oracle: include/tinylm/ngram.hpp (start_history, find_context,
; sample_next, history::push), include/tinylm/ngram_lookup.hpp (find_key) and
; include/tinylm/prng.hpp (xorshift32). For the same tables, prompt and seed
; this code produces the same bytes, byte for byte. The interface (exported
; symbols, registers, segments) is codegen/asm/m6502/RUNTIME_API.md.
;
; `tinylm-gen emit` writes this file from its template (codegen/asm/m6502/
; ngram_runtime.s in the tinylm repository) with the model's constants and
; its zero page filled in below; the tables themselves are in ngram_tables.s.
;
; ---- table layout (ngram_tables.s) -----------------------------------------
; Table K holds the contexts of K bytes (K = 1 .. N-1), TLM_NODES_K nodes,
; sorted ascending by key (oldest byte first), as in the model.
;   tlm_key_K_J        byte J (0 = oldest) of the key of every node of table K:
;                      node i's byte J is at tlm_key_K_J + i (no multiply).
;   tlm_first_entry_lo, tlm_first_entry_hi
;                      the model's first_entry[] split into low and high bytes,
;                      indexed by global node number (table K starts at node
;                      TLM_NODE_BASE_K; node 0 is the empty context), one more
;                      value than there are nodes.
;   tlm_entry_byte, tlm_entry_weight
;                      the model's entry_byte[] and entry_weight[], in its order
;                      (per node: weight descending, then byte ascending).
; A node's entries are [first_entry[node], first_entry[node + 1]), at most 255.
;
; ---- cost (cycles, see bench/RESULTS.md for measured numbers) ---------------
; find_context_K: a binary search; a table of up to 255 nodes keeps its index
; in X (about 35 cycles per probe), a larger one in 16 bits (about 90 cycles
; per probe plus about 26 per further key byte compared). One xorshift32 step
; is about 250 cycles, one entry of the walk 21 cycles.
;
; ---- banked targets (TLM_BANKED = 1) ----------------------------------------
; The tables are read in exactly three places: find_context_K (tlm_key_K_J),
; node_entries (tlm_first_entry_lo/hi) and walk_entries (tlm_entry_weight,
; tlm_entry_byte). A banked target switches banks there and nowhere else.
; Banked, the arrays are one after another in a linear space cut into banks
; of 16 KB (ngram_tables.s, segments BANK0, BANK1, ...), in the order above;
; TLM_LIN_KEY_K_J, TLM_LIN_FE_LO, TLM_LIN_FE_HI, TLM_LIN_WEIGHT and
; TLM_LIN_BYTE are the linear addresses of their first elements. An element
; at linear address L is in bank L >> 14 at TLM_WINDOW + (L & $3FFF); an
; array may cross from one bank to the next anywhere. Every table byte is read
; through tlm_read, which calls the target's tlm_bank_select (A = bank; keeps
; X; may clobber A and Y) only when the bank changes. Every search is then
; the 16-bit one. tlm_start forgets the selected bank (the caller may have
; switched it).
;
; ---- rules ------------------------------------------------------------------
; Only the zero-page bytes below and at most 6 bytes of stack (tlm_sample ->
; draw_node -> node_entries, plus the caller's return address); no other RAM,
; no self-modifying code (runs from ROM), no interrupts, no decimal mode.

.setcpu "6502"

; ---- the model's constants (filled in by tinylm-gen) ------------------------
;@MODEL_CONSTANTS@

.export TLM_ORDER, TLM_END_BYTE
.exportzp tlm_rng, tlm_hist, tlm_ptr
.export tlm_seed, tlm_start, tlm_sample

.if TLM_BANKED
.import tlm_bank_select
.else
.import tlm_first_entry_lo, tlm_first_entry_hi, tlm_entry_byte, tlm_entry_weight
.repeat TLM_ORDER - 1, level
  .repeat level + 1, byte
    .import .ident(.sprintf("tlm_key_%d_%d", level + 1, byte))
  .endrepeat
.endrepeat
.endif

; ---- zero page ----------------------------------------------------------------
.segment "ZEROPAGE"
; The runtime's variables (tlm_rng, tlm_hist, tlm_ptr, tlm_lo, tlm_hi,
; tlm_node, tlm_kp, tlm_wp, tlm_bp, tlm_count, tlm_tmp; banked also tlm_la,
; tlm_bank, tlm_r, tlm_w) come from the RAM plan, which is data in the
; generator (ngram_runtime_zero_page, codegen/src/targets/m6502/
; ngram_runtime.cpp): it writes them here, each with its size and use.
;@ZERO_PAGE@

.segment "CODE"

; ---- tlm_seed: xorshift32::xorshift32(seed), include/tinylm/prng.hpp ---------
; In: tlm_rng = the seed. A zero state becomes 0x9E3779B9. Clobbers A.
tlm_seed:
        lda tlm_rng
        ora tlm_rng+1
        ora tlm_rng+2
        ora tlm_rng+3
        bne @done
        lda #$B9                ; xorshift32::zero_seed_replacement, LE
        sta tlm_rng
        lda #$79
        sta tlm_rng+1
        lda #$37
        sta tlm_rng+2
        lda #$9E
        sta tlm_rng+3
@done:  rts

; ---- xorshift32_next: xorshift32::next_byte(), include/tinylm/prng.hpp -------
; x ^= x << 13; x ^= x >> 17; x ^= x << 5; returns the high byte of x in A.
; Shifts by 13 and 5 are a byte move and 3 right shifts; 17 is 2 bytes and 1.
; Clobbers A only.
xorshift32_next:
        ; x ^= x << 13. (x << 8) >> 3, taken over 40 bits, has x << 13 in its
        ; bytes 3..1: shift A:tmp+2:tmp+1:tmp+0 = x2:x1:x0:0 right by 3.
        lda #0
        sta tlm_tmp
        lda tlm_rng
        sta tlm_tmp+1
        lda tlm_rng+1
        sta tlm_tmp+2
        lda tlm_rng+2
        .repeat 3
        lsr a
        ror tlm_tmp+2
        ror tlm_tmp+1
        ror tlm_tmp
        .endrepeat
        lda tlm_rng+3           ; byte 3 ^= (x << 13) byte 3
        eor tlm_tmp+2
        sta tlm_rng+3
        lda tlm_rng+2
        eor tlm_tmp+1
        sta tlm_rng+2
        lda tlm_rng+1
        eor tlm_tmp
        sta tlm_rng+1           ; (x << 13) byte 0 is 0
        ; x ^= x >> 17: (x >> 17) byte 1 = x3 >> 1, byte 0 = x2 >> 1 | x3 << 7.
        lda tlm_rng+3
        lsr a                   ; carry = bit 0 of x3
        eor tlm_rng+1
        sta tlm_rng+1
        lda tlm_rng+2
        ror a
        eor tlm_rng
        sta tlm_rng
        ; x ^= x << 5: shift A:tmp+3:tmp+2:tmp+1:tmp+0 = x3:x2:x1:x0:0 right
        ; by 3; tmp+3..tmp+0 are then bytes 3..0 of x << 5.
        lda #0
        sta tlm_tmp
        lda tlm_rng
        sta tlm_tmp+1
        lda tlm_rng+1
        sta tlm_tmp+2
        lda tlm_rng+2
        sta tlm_tmp+3
        lda tlm_rng+3
        .repeat 3
        lsr a
        ror tlm_tmp+3
        ror tlm_tmp+2
        ror tlm_tmp+1
        ror tlm_tmp
        .endrepeat
        lda tlm_rng
        eor tlm_tmp
        sta tlm_rng
        lda tlm_rng+1
        eor tlm_tmp+1
        sta tlm_rng+1
        lda tlm_rng+2
        eor tlm_tmp+2
        sta tlm_rng+2
        lda tlm_rng+3
        eor tlm_tmp+3
        sta tlm_rng+3           ; next_byte() = next() >> 24
        rts

; ---- history_push: history::push(b), include/tinylm/ngram.hpp ----------------
; In: A = the byte. Shifts the history left by one and appends A.
; Keeps A; clobbers X.
history_push:
.if TLM_HIST_LEN > 0
        .repeat TLM_HIST_LEN - 1, i
        ldx tlm_hist + i + 1
        stx tlm_hist + i
        .endrepeat
        sta tlm_hist + TLM_HIST_LEN - 1
.endif
        rts

; ---- tlm_start: start_history(model, prompt), include/tinylm/ngram.hpp --------
; In: tlm_ptr = the prompt, Y = its length (0-255). The history becomes N-1
; end bytes, then each prompt byte is pushed; only the last N-1 can remain, so
; only those are pushed. Clobbers A, X, Y.
tlm_start:
start_history:
.if TLM_BANKED
        ldx #$FF
        stx tlm_bank            ; the window's bank is not known
.endif
.if TLM_HIST_LEN > 0
        lda #TLM_END_BYTE
        ldx #TLM_HIST_LEN - 1
@fill:  sta tlm_hist,x
        dex
        bpl @fill
        sty tlm_count           ; the end of the prompt
        tya
        sec
        sbc #TLM_HIST_LEN       ; the first byte that can remain: len - (N-1)
        bcs @first
        lda #0                  ; a prompt shorter than N-1: all of it
@first: tay
@push:  cpy tlm_count
        beq @done
        lda (tlm_ptr),y
        jsr history_push
        iny
        bne @push               ; Y < tlm_count <= 255: never wraps
@done:
.endif
        rts

; ---- find_context_K: find_context(model, history, K), include/tinylm/ngram.hpp,
;      over find_key's binary search (include/tinylm/ngram_lookup.hpp) ---------
; find_key() on table K for the last K history bytes: a binary search over the
; range [lo, hi) of the K-byte keys, comparing byte by byte, oldest first.
; Out: carry clear and tlm_node = TLM_NODE_BASE_K + index if found (the
; global node number), carry set if not. Clobbers A, X, Y.
.macro tlm_find_context table
        .local level, count, base, context, search, differ, less, found, not_found
        level   = table         ; a constant (a .repeat counter is not seen in nested .repeats)
        count   = .ident(.sprintf("TLM_NODES_%d", level))
        base    = .ident(.sprintf("TLM_NODE_BASE_%d", level))
        context = tlm_hist + TLM_HIST_LEN - level   ; the last K history bytes
        ; The branches stay short: not_found before the loop, the compare
        ; blocks branch forward to differ, found comes last.
.ident(.sprintf("find_context_%d", level)):
  .if count = 0
        sec                     ; an empty table: never found
        rts
  .elseif TLM_BANKED
        ; Banked: the 16-bit search, each key byte read with tlm_read at
        ; TLM_LIN_KEY_K_J + the probe.
        lda #0
        sta tlm_lo
        sta tlm_lo+1
        lda #<count
        sta tlm_hi
        lda #>count
        sta tlm_hi+1
        jmp search
not_found:
        rts                     ; carry is set
search: lda tlm_lo
        cmp tlm_hi
        lda tlm_lo+1
        sbc tlm_hi+1
        bcs not_found           ; lo >= hi: not in the table
        lda tlm_lo              ; carry is clear: mid = (lo + hi) / 2, 17 bits
        adc tlm_hi
        tay
        lda tlm_lo+1
        adc tlm_hi+1
        ror a
        sta tlm_node+1
        tya
        ror a
        sta tlm_node
    .repeat level, byte
        clc
        lda tlm_node
        adc #<.ident(.sprintf("TLM_LIN_KEY_%d_%d", level, byte))
        sta tlm_la
        lda tlm_node+1
        adc #>.ident(.sprintf("TLM_LIN_KEY_%d_%d", level, byte))
        sta tlm_la+1
        lda #0
        adc #^.ident(.sprintf("TLM_LIN_KEY_%d_%d", level, byte))
        sta tlm_la+2
        jsr tlm_read
        cmp z:context + byte
      .if byte < level - 1
        beq :+                  ; equal: the next key byte
        jmp differ              ; (differ is too far for a branch)
:
      .else
        beq found
      .endif
    .endrepeat
differ: bcc less
        lda tlm_node            ; key > context: hi = mid
        sta tlm_hi
        lda tlm_node+1
        sta tlm_hi+1
        jmp search
less:   lda tlm_node            ; key < context: lo = mid + 1 (carry is clear)
        adc #1
        sta tlm_lo
        lda tlm_node+1
        adc #0
        sta tlm_lo+1
        jmp search
found:  lda tlm_node
        clc
        adc #<base
        sta tlm_node
        lda tlm_node+1
        adc #>base
        sta tlm_node+1
        clc
        rts
  .elseif count < 256
        ; Up to 255 nodes: lo, hi and the probe fit in 8 bits; X = probe.
        lda #0
        sta tlm_lo
        lda #count
        sta tlm_hi
        bne search
not_found:
        rts                     ; carry is set
search: lda tlm_lo
        cmp tlm_hi
        bcs not_found           ; lo >= hi: not in the table
        adc tlm_hi              ; carry is clear: mid = (lo + hi) / 2, 9 bits
        ror a
        tax
    .repeat level, byte
        lda .ident(.sprintf("tlm_key_%d_%d", level, byte)),x
        cmp z:context + byte
      .if byte < level - 1
        bne differ
      .else
        beq found
      .endif
    .endrepeat
differ: bcc less
        stx tlm_hi              ; key > context: hi = mid
        jmp search
less:   inx                     ; key < context: lo = mid + 1
        stx tlm_lo
        jmp search
found:  txa
        clc
        adc #<base
        sta tlm_node
        lda #0
        adc #>base
        sta tlm_node+1
        clc
        rts
  .else
        ; 256 nodes or more: lo, hi and the probe in 16 bits. Key byte J of
        ; node mid is read as (tlm_kp),y with tlm_kp = tlm_key_K_J + 256 * the
        ; probe's high byte and Y = its low byte.
        lda #0
        sta tlm_lo
        sta tlm_lo+1
        lda #<count
        sta tlm_hi
        lda #>count
        sta tlm_hi+1
        jmp search
not_found:
        rts                     ; carry is set
search: lda tlm_lo
        cmp tlm_hi
        lda tlm_lo+1
        sbc tlm_hi+1
        bcs not_found           ; lo >= hi: not in the table
        lda tlm_lo              ; carry is clear: mid = (lo + hi) / 2, 17 bits
        adc tlm_hi
        tay
        lda tlm_lo+1
        adc tlm_hi+1
        ror a
        sta tlm_node+1
        tya
        ror a
        sta tlm_node
        tay
    .repeat level, byte
        lda #<.ident(.sprintf("tlm_key_%d_%d", level, byte))
        sta tlm_kp
        lda #>.ident(.sprintf("tlm_key_%d_%d", level, byte))
        clc
        adc tlm_node+1
        sta tlm_kp+1
        lda (tlm_kp),y
        cmp z:context + byte
      .if byte < level - 1
        bne differ
      .else
        beq found
      .endif
    .endrepeat
differ: bcc less
        lda tlm_node            ; key > context: hi = mid
        sta tlm_hi
        lda tlm_node+1
        sta tlm_hi+1
        jmp search
less:   lda tlm_node            ; key < context: lo = mid + 1 (carry is clear)
        adc #1
        sta tlm_lo
        lda tlm_node+1
        adc #0
        sta tlm_lo+1
        jmp search
found:  lda tlm_node
        clc
        adc #<base
        sta tlm_node
        lda tlm_node+1
        adc #>base
        sta tlm_node+1
        clc
        rts
  .endif
.endmacro

.repeat TLM_ORDER - 1, i
        tlm_find_context (i + 1)
.endrepeat

; ---- tlm_trace (test builds only: ca65 -D TLM_TRACE) ---------------------------
; The contexts that decide the probability row sample_next draws from (the
; row is a function of the node found at each level): for K = N-1 down to 1,
; find_context_K on the history, stored at (tlm_ptr),y as the global node
; number (low, high) or $FF,$FF when not found. Out: Y = 2 (N-1) bytes
; stored. Clobbers A, X. (The test harness calls it before every tlm_sample
; and compares with the oracle's find_context; nothing else calls it.)
.ifdef TLM_TRACE
.export tlm_trace
tlm_trace:
        ldy #0
  .repeat TLM_ORDER - 1, i
        tya
        pha
        jsr .ident(.sprintf("find_context_%d", TLM_ORDER - 1 - i))
        pla
        tay
        lda #$FF
        tax
        bcs :+                  ; not found
        lda tlm_node
        ldx tlm_node+1
:       sta (tlm_ptr),y
        iny
        txa
        sta (tlm_ptr),y
        iny
  .endrepeat
        rts
.endif

; ---- node_entries: the entry range of a node (ngram.hpp's first_entry) --------
; In: tlm_node. Out: tlm_wp = &entry_weight[first_entry[node]], tlm_bp =
; &entry_byte[first_entry[node]], tlm_count = first_entry[node + 1] -
; first_entry[node] (at most 255: the low bytes suffice). Clobbers A, X, Y.
.if TLM_BANKED
; ---- tlm_read: A = the table byte at linear address tlm_la ----------------------
; Selects bank tlm_la >> 14 if it is not in the window, then reads
; TLM_WINDOW + (tlm_la & $3FFF). Keeps X; clobbers Y and tlm_la.
tlm_read:
        lda tlm_la+1
        asl a                   ; carry = bit 15
        rol tlm_la+2
        asl a                   ; carry = bit 14
        rol tlm_la+2            ; tlm_la+2 = the bank (L >> 14)
        lda tlm_la+2
        cmp tlm_bank
        beq @in
        sta tlm_bank
        jsr tlm_bank_select     ; A = bank; keeps X
@in:    lda tlm_la+1
        and #$3F
        ora #>TLM_WINDOW
        sta tlm_la+1
        ldy #0
        lda (tlm_la),y
        rts

; tlm_la = the 3-byte linear base `lin` + the 16-bit value at zero page `zp`
.macro tlm_lin_index lin, zp
        clc
        lda zp
        adc #<(lin)
        sta tlm_la
        lda zp+1
        adc #>(lin)
        sta tlm_la+1
        lda #0
        adc #^(lin)
        sta tlm_la+2
.endmacro

; ---- node_entries (banked): as below, tlm_wp and tlm_bp linear ------------------
node_entries:
        tlm_lin_index TLM_LIN_FE_LO, tlm_node
        jsr tlm_read
        tax                     ; X = first_entry[node], low byte
        inc tlm_node            ; node + 1 (tlm_node is restored below)
        bne @next
        inc tlm_node+1
@next:  tlm_lin_index TLM_LIN_FE_LO, tlm_node
        jsr tlm_read
        stx tlm_count
        sec
        sbc tlm_count
        sta tlm_count           ; first_entry[node + 1] - first_entry[node]
        lda tlm_node
        bne @back
        dec tlm_node+1
@back:  dec tlm_node
        tlm_lin_index TLM_LIN_FE_HI, tlm_node
        jsr tlm_read            ; A = first_entry[node], high byte
        tay
        clc
        txa
        adc #<TLM_LIN_WEIGHT
        sta tlm_wp
        tya
        adc #>TLM_LIN_WEIGHT
        sta tlm_wp+1
        lda #0
        adc #^TLM_LIN_WEIGHT
        sta tlm_wp+2
        clc
        txa
        adc #<TLM_LIN_BYTE
        sta tlm_bp
        tya
        adc #>TLM_LIN_BYTE
        sta tlm_bp+1
        lda #0
        adc #^TLM_LIN_BYTE
        sta tlm_bp+2
        rts

; ---- draw_node (banked): as below, each weight read with tlm_read ---------------
draw_node:
        jsr node_entries
        jsr xorshift32_next     ; A = r
walk_entries:
        sta tlm_r
        ldx tlm_count
        beq @escape             ; a node without entries
@entry: lda tlm_wp
        sta tlm_la
        lda tlm_wp+1
        sta tlm_la+1
        lda tlm_wp+2
        sta tlm_la+2
        jsr tlm_read            ; keeps X
        sta tlm_w
        lda tlm_r
        cmp tlm_w
        bcc @hit                ; r < weight
        sbc tlm_w               ; r -= weight (carry is set)
        sta tlm_r
        inc tlm_wp              ; the next entry
        bne @wdone
        inc tlm_wp+1
        bne @wdone
        inc tlm_wp+2
@wdone: inc tlm_bp
        bne @bdone
        inc tlm_bp+1
        bne @bdone
        inc tlm_bp+2
@bdone: dex
        bne @entry
@escape:
        sec
        rts
@hit:   lda tlm_bp
        sta tlm_la
        lda tlm_bp+1
        sta tlm_la+1
        lda tlm_bp+2
        sta tlm_la+2
        jsr tlm_read
        clc
        rts
.else
node_entries:
        clc
        lda #<tlm_first_entry_lo
        adc tlm_node
        sta tlm_kp
        lda #>tlm_first_entry_lo
        adc tlm_node+1
        sta tlm_kp+1
        ldy #1
        lda (tlm_kp),y          ; first_entry[node + 1], low byte
        dey
        sec
        sbc (tlm_kp),y          ; - first_entry[node], low byte
        sta tlm_count
        lda (tlm_kp),y
        tax                     ; X = first_entry[node], low byte
        clc
        lda #<tlm_first_entry_hi
        adc tlm_node
        sta tlm_kp
        lda #>tlm_first_entry_hi
        adc tlm_node+1
        sta tlm_kp+1
        lda (tlm_kp),y
        tay                     ; Y = first_entry[node], high byte
        clc
        txa
        adc #<tlm_entry_weight
        sta tlm_wp
        tya
        adc #>tlm_entry_weight
        sta tlm_wp+1
        clc
        txa
        adc #<tlm_entry_byte
        sta tlm_bp
        tya
        adc #>tlm_entry_byte
        sta tlm_bp+1
        rts

; ---- draw_node: one node of sample_next's loop, include/tinylm/ngram.hpp ------
; In: tlm_node. r = rng.next_byte(); walk the entries: if r < weight emit the
; byte, else r -= weight. Out: carry clear and A = the byte, or carry set when
; the walk ends (back off). Clobbers A, X, Y.
draw_node:
        jsr node_entries
        jsr xorshift32_next     ; A = r
walk_entries:
        ldy #0
        ldx tlm_count
        beq @escape             ; a node without entries
@entry: cmp (tlm_wp),y
        bcc @hit                ; r < weight
        sbc (tlm_wp),y          ; r -= weight (carry is set)
        iny
        dex
        bne @entry
@escape:
        sec
        rts
@hit:   lda (tlm_bp),y          ; carry is clear
        rts
.endif

; ---- tlm_sample: sample_next(model, history, rng), then history::push,
;      include/tinylm/ngram.hpp -------------------------------------------------
; for K = N-1 down to 0: if the last K history bytes are a context of table K,
; draw from its node (draw_node); after the empty context, a uniform byte.
; Out: A = the byte; carry set if it is the end byte (history unchanged), else
; carry clear and the byte pushed into the history. Clobbers X, Y.
.macro tlm_try_context level
        .local next
  .if .ident(.sprintf("TLM_NODES_%d", level)) > 0
        jsr .ident(.sprintf("find_context_%d", level))
        bcs next                ; not found: no draw, next shorter context
        jsr draw_node
        bcc emit
next:
  .endif
.endmacro

tlm_sample:
sample_next:
.repeat TLM_ORDER - 1, i
        tlm_try_context (TLM_ORDER - 1 - i)
.endrepeat
        lda #0                  ; K = 0: the empty context is node 0
        sta tlm_node
        sta tlm_node+1
        jsr draw_node
        bcc emit
        jsr xorshift32_next     ; past every context: rng.next_byte()
emit:   cmp #TLM_END_BYTE
        beq @end                ; carry is set (equal)
        jsr history_push
        clc
@end:   rts
