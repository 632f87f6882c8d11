#!/usr/bin/env python3
"""Independent reference for the tiny hand-built n-gram model used in
tests/static/ngram.cpp and tests/runtime/ngram.cpp. It re-implements the
sampling rule of include/tinylm/ngram.hpp from its comment (not from the C++),
with its own xorshift32, and prints the expected generations.
It also prints the exact probabilities and the bits that the generator's
evaluate() (codegen/src/families/ngram/builder.cpp) must give on EVAL_RECORDS:
every byte of a record and then the end byte, each after the history of its
record (which starts with the end byte), -log2 of the probability summed.
Run: python3 tests/golden/ngram_tiny.py"""

import math
from fractions import Fraction

MASK = 0xFFFFFFFF

def xorshift32(seed):
    x = seed if seed != 0 else 0x9E3779B9
    while True:
        x ^= (x << 13) & MASK
        x ^= x >> 17
        x ^= (x << 5) & MASK
        yield x

# order 2, end byte 0. Context -> [(byte, weight)] (weights in 1/256).
ROOT = [(ord('a'), 128), (ord('b'), 64)]
CTX1 = {b'\0': [(ord('a'), 200)], b'a': [(ord('b'), 100), (0, 50)]}

def sample(history, rng):
    levels = []
    if bytes([history[-1]]) in CTX1:
        levels.append(CTX1[bytes([history[-1]])])
    levels.append(ROOT)
    for entries in levels:
        r = next(rng) >> 24
        for b, w in entries:
            if r < w:
                return b
            r -= w
    return next(rng) >> 24

def probability(history, c):
    """The interpolated probability of byte c, as the sampler draws it: each
    level's weight for c, then its escape mass on to the next shorter level,
    and after the root a uniform byte."""
    levels = []
    if bytes([history[-1]]) in CTX1:
        levels.append(CTX1[bytes([history[-1]])])
    levels.append(ROOT)
    p = Fraction(0)
    reach = Fraction(1)
    for entries in levels:
        p += reach * Fraction(sum(w for b, w in entries if b == c), 256)
        reach *= Fraction(256 - sum(w for _, w in entries), 256)
    return p + reach * Fraction(1, 256)

EVAL_RECORDS = [b"ab", b"aab", b"ba", b"c\xff", b"a"]

def evaluate(records):
    bits = 0.0
    predicted = 0
    for rec in records:
        hist = [0]
        for c in list(rec) + [0]:
            bits -= math.log2(probability(hist, c))
            predicted += 1
            hist.append(c)
    return bits, predicted

def generate(prompt, seed, max_len):
    hist = [0] + list(prompt)
    rng = xorshift32(seed)
    out = []
    while len(out) < max_len:
        c = sample(hist, rng)
        if c == 0:
            break
        out.append(c)
        hist.append(c)
    return bytes(out)

if __name__ == "__main__":
    for prompt, seed in [(b"", 1), (b"", 2), (b"", 3), (b"b", 1), (b"\xff", 42), (b"", 0)]:
        text = generate(prompt, seed, 32)
        print(f"prompt={prompt!r} seed={seed}: {text!r} " +
              "octal=\"" + "".join(f"\\{c:03o}" for c in text) + "\"")
    for h, c in [(b"\0", ord("a")), (b"a", 0), (b"b", ord("b")), (b"a", ord("c"))]:
        print(f"P({chr(c)!r} after {h!r}) = {probability(list(h), c)}")
    bits, predicted = evaluate(EVAL_RECORDS)
    print(f"evaluate({EVAL_RECORDS!r}): bits={bits!r} predicted={predicted}")
