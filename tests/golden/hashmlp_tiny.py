#!/usr/bin/env python3
"""Independent reference for the tiny hand-built hash-MLP model used in
tests/static/hashmlp.cpp and tests/runtime/hashmlp.cpp.

It re-implements, from the contract comments of include/tinylm/hashmlp.hpp,
trigram_hash.hpp, sampling.hpp, softmax.hpp, exp_table.hpp and prng.hpp (not
from the C++), the features, the layers, argmax and top-k sampling, with
Python integers only (stdlib), and prints the expected replies.

  python3 tests/golden/hashmlp_tiny.py            expected replies
  python3 tests/golden/hashmlp_tiny.py --header   the packed arrays of
                                                  tests/support/tiny_hashmlp.hpp
  python3 tests/golden/hashmlp_tiny.py --check    exit 1 unless the packed
      bytes and biases of tiny_hashmlp.hpp are this model's and every reply
      below is asserted in tests/static/hashmlp.cpp
"""
import decimal
import os
import re
import sys

# ---------------------------------------------------------------- the model
ALPHABET = b"HI!"          # logits 0..2; logit 3 is END
CONTEXT = 4
SIZES = [256, 8, 4]
SHIFTS = [1, 0]

P = lambda j: j            # prompt bucket j
C = lambda j: 128 + j      # context bucket j
GREET = [P(52), P(5), P(48)]   # " hi", "hi ", " he"

# layer 0: 8 rows of {column: weight}, biases
L0 = [
    {c: 1 for c in GREET},                                   # u0 greeting prompt
    {C(107): 1},                                             # u1 context " h "
    {C(5): 1},                                               # u2 context "hi "
    {C(3): 1},                                               # u3 context "i! "
    {},                                                      # u4 constant (bias only)
    {P(j): 1 for j in range(128)},                           # u5 long prompt
    {C(49): 1},                                              # u6 context " ! "
    {**{c: 1 for c in GREET}, C(107): -1, C(5): -2},         # u7 greeting, fading
]
B0 = [0, 0, 0, 0, 1000, -21, 0, 0]
# layer 1: 4 rows over u0..u7
L1 = [
    {0: 1, 7: 1, 1: -2, 2: -2, 3: -2},          # H
    {1: 1, 2: -2},                              # I
    {2: 1, 1: -2, 3: -2, 6: -2, 5: 1},          # !
    {3: 1, 6: 1, 5: -2, 4: -1},                 # END
]
B1 = [0, 0, 1, 255]
LAYERS = [(L0, B0), (L1, B1)]

# ---------------------------------------------------------------- arithmetic
def wrap32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= (1 << 31) else v

def rshift_round(x, s):       # floor((x + 2^(s-1)) / 2^s)
    return x if s == 0 else (x + (1 << (s - 1))) >> s

def sat16(v):
    return max(-32768, min(32767, v))

def trigram(text, B=128):
    b = b" " + bytes(c + 32 if 65 <= c <= 90 else c for c in text) + b" "
    counts = [0] * B
    for i in range(len(b) - 2):
        h = 0
        for c in b[i:i + 3]:
            h = ((((h << 3) | (h >> 5)) & 0xFF) + c) & 0xFF
        counts[h & (B - 1)] = min(255, counts[h & (B - 1)] + 1)
    return counts

def features(prompt, context):
    return trigram(prompt[-255:]) + trigram(context[-CONTEXT:] if CONTEXT else b"")

def layer(l, x):
    rows, bias = LAYERS[l]
    out = []
    for i, row in enumerate(rows):
        acc = wrap32(bias[i] + sum(w * x[j] for j, w in row.items()))
        y = rshift_round(acc, SHIFTS[l])
        out.append(max(0, min(255, y)) if l + 1 < len(LAYERS) else sat16(y))
    return out

def forward(prompt, context):
    x = features(prompt, context)
    for l in range(len(LAYERS)):
        x = layer(l, x)
    return x

# ---------------------------------------------------------------- sampling
def exp_table():
    decimal.getcontext().prec = 60
    return [int((decimal.Decimal(32768) * (decimal.Decimal(-k) / 16).exp())
                .to_integral_value(rounding=decimal.ROUND_HALF_UP)) for k in range(256)]

EXP = exp_table()

class XorShift32:
    def __init__(self, seed):
        self.s = seed if seed != 0 else 0x9E3779B9
    def next(self):
        x = self.s
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        self.s = x
        return x
    def below(self, n):
        return (self.next() * n) >> 32

def argmax(s):
    return s.index(max(s))

def sample_top_k(s, inv, top_k, rng):
    n = len(s)
    if top_k == 0 or top_k >= n:
        kept = list(range(n))
    else:
        kept = sorted(sorted(range(n), key=lambda i: (-s[i], i))[:top_k])
    m = max(s[i] for i in kept)
    w = [EXP[min(255, rshift_round((m - s[i]) * inv, 12))] for i in kept]
    r = rng.below(sum(w))
    for c, wc in zip(kept, w):
        if r < wc:
            return c
        r -= wc
    return 0

def generate(prompt, seed, max_len=32, inv=0, top_k=0):
    rng = XorShift32(seed)
    out = b""
    while len(out) < max_len:
        logits = forward(prompt, out[-CONTEXT:] if CONTEXT else b"")
        k = argmax(logits) if inv == 0 else sample_top_k(logits, inv, top_k, rng)
        if k == len(ALPHABET):
            break
        out += ALPHABET[k:k + 1]
    return out

# ---------------------------------------------------------------- output
def packed(rows, cols):
    stride = (cols + 3) // 4
    out = []
    for row in rows:
        b = [0] * stride
        for j, w in row.items():
            b[j // 4] |= (w & 3) << (2 * (j % 4))
        out.append(b)
    return out

def header():
    for l, (rows, bias) in enumerate(LAYERS):
        print(f"  // layer {l}: {len(rows)} rows x {(SIZES[l] + 3) // 4} bytes")
        for i, b in enumerate(packed(rows, SIZES[l])):
            print("  " + ", ".join(f"0x{v:02X}" for v in b) + f",  // row {i}")

def octal(b):
    return "".join(f"\\{c:03o}" for c in b)

CASES = [
    (b"hi", 1, 32, 0, 0), (b"Hello", 1, 32, 0, 0), (b"yo", 1, 32, 0, 0), (b"", 1, 32, 0, 0),
    (b"this prompt is long enough", 1, 8, 0, 0), (b"x" * 1000, 1, 5, 0, 0),
    (b"hi", 1, 32, 16384, 0), (b"hi", 2, 32, 16384, 0), (b"hi", 3, 32, 16384, 2),
    (b"yo", 7, 32, 4096, 0), (b"\xff\x00hi", 42, 32, 16384, 3), (b"", 0, 32, 256, 0),
]

def c_literal(b):
    """The reply as tests/static/hashmlp.cpp spells it (printable ASCII only)."""
    assert all(32 <= c < 127 and c not in b'"\\' for c in b)
    return '"' + b.decode() + '"'

def check():
    here = os.path.dirname(os.path.abspath(__file__))
    hdr = open(os.path.join(here, "..", "support", "tiny_hashmlp.hpp")).read()
    body = hdr[hdr.index("weights[] = {"):]
    got = [int(v, 16) for v in re.findall(r"0x([0-9A-F]{2})", re.sub(r"//[^\n]*", "", body))]
    want = [v for l, (rows, _) in enumerate(LAYERS) for r in packed(rows, SIZES[l]) for v in r]
    ok = got == want
    print("packed weights:", "ok" if ok else "MISMATCH")
    bias_text = re.sub(r"//[^\n]*", "", hdr[hdr.index("biases[] = {"):])
    bias_text = bias_text[:bias_text.index("}")]
    biases = [int(v) for v in re.findall(r"-?\d+", bias_text.split("{", 1)[1])]
    if biases != B0 + B1:
        print("biases: MISMATCH", biases)
        ok = False
    static = open(os.path.join(here, "..", "static", "hashmlp.cpp")).read()
    for p, seed, n, inv, k in CASES:
        r = generate(p, seed, n, inv, k)
        if c_literal(r) not in static:
            print(f"reply {r!r} for prompt {p[:20]!r} seed {seed} is not asserted in tests/static/hashmlp.cpp")
            ok = False
    print("check:", "ok" if ok else "FAILED")
    return ok

if __name__ == "__main__":
    if "--check" in sys.argv:
        sys.exit(0 if check() else 1)
    if "--header" in sys.argv:
        header()
        sys.exit(0)
    for p, seed in [(b"hi", None), (b"", None)]:
        x = features(p, b"")
        print(f"features({p!r}) non-zero:", {j: v for j, v in enumerate(x) if v})
        print(f"  hidden:", layer(0, x), " logits:", forward(p, b""))
    for ctx in [b"H", b"HI", b"HI!"]:
        print(f"features('hi', {ctx!r}) hidden:", layer(0, features(b"hi", ctx)), " logits:", forward(b"hi", ctx))
    for p, seed, n, inv, k in CASES:
        r = generate(p, seed, n, inv, k)
        shown = p if len(p) < 40 else p[:10] + b"..." + str(len(p)).encode()
        print(f"prompt={shown!r} seed={seed} max={n} inv={inv} top_k={k}: {r!r} \"{octal(r)}\"")
