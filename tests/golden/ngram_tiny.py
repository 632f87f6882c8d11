#!/usr/bin/env python3
"""Independent reference for the tiny hand-built n-gram model used in
tests/static/ngram.cpp and tests/runtime/ngram.cpp. It re-implements the
sampling rule of include/tinylm/ngram.hpp from its comment (not from the C++),
with its own xorshift32, and prints the expected generations.
Run: python3 tests/golden/ngram_tiny.py"""

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
