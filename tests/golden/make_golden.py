#!/usr/bin/env python3
"""Independent golden data for tinylm's integer kernels.

Computes, with Python big integers and `decimal`, the expected outputs of the
kernels in include/tinylm for a fixed set of tricky cases, straight from the
contracts written at the top of each header (not from the C++ code), and
writes tests/golden/kernels_golden.hpp.

Regenerate (stdlib only, deterministic):
    python3 tests/golden/make_golden.py            # writes kernels_golden.hpp
    python3 tests/golden/make_golden.py --check    # exit 1 if it differs
"""
import decimal
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "kernels_golden.hpp")

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


# ---------------------------------------------------------------- arithmetic
def rshift_round(x, s):
    """round half up of x / 2^s: floor(x / 2^s + 1/2), exact rational math."""
    if s == 0:
        return x
    # floor of a rational: use Python's floor division on integers
    return (2 * x + (1 << s)) // (1 << (s + 1))


def sat16(v):
    return max(-32768, min(32767, v))


def wrap32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= (1 << 31) else v


# ---------------------------------------------------------------- exp table
def exp_table_entries():
    decimal.getcontext().prec = 60
    out = []
    for k in range(256):
        v = decimal.Decimal(32768) * (decimal.Decimal(-k) / 16).exp()
        r = int(v.to_integral_value(rounding=decimal.ROUND_HALF_UP))
        frac = v - int(v)
        # a tie would make "the exactly rounded value" ambiguous; none exists
        assert abs(frac - decimal.Decimal("0.5")) > decimal.Decimal("1e-9"), k
        out.append(r)
    return out


EXP = exp_table_entries()


# ---------------------------------------------------------------- kernels from the contracts
def matvec(Wfun, x, bias, rows, cols, shift):
    y = []
    for i in range(rows):
        acc = (bias[i] if bias else 0) + sum(Wfun(i, j) * x[j] for j in range(cols))
        y.append(sat16(rshift_round(wrap32(acc), shift)))
    return y


INT2_CODE = {0: 0, 1: 1, 2: -2, 3: -1}
INT2_ENC = {0: 0, 1: 1, -2: 2, -1: 3}


def pack2(Wv, rows, cols, pad_garbage=False):
    stride = (cols + 3) // 4
    out = []
    for i in range(rows):
        row = [0] * stride
        for j in range(cols):
            row[j // 4] |= INT2_ENC[Wv[i * cols + j]] << (2 * (j % 4))
        if pad_garbage:
            for j in range(cols, stride * 4):
                row[j // 4] |= 3 << (2 * (j % 4))
        out += row
    return out


def unpack2(packed, cols, i, j):
    stride = (cols + 3) // 4
    return INT2_CODE[(packed[i * stride + j // 4] >> (2 * (j % 4))) & 3]


def exp_weights(scores, inv):
    if not scores:
        return [], 0
    m = max(scores)
    w = []
    for s in scores:
        d = m - s
        # k = round half up of d * inv / 4096, clamped to 255
        k = min(255, math.floor(decimal.Decimal(d * inv) / 4096 + decimal.Decimal("0.5")))
        w.append(EXP[k])
    return w, sum(w)


def softmax_q15(scores, inv, variant=None):
    w, S = exp_weights(scores, inv)
    if S == 0:
        return []
    R = (1 << 32) // S
    if variant == "recip_coarse":
        R = ((1 << 31) // S) * 2
    if variant == "p_floor":
        return [(wi * R) >> 17 for wi in w]
    return [rshift_round(wi * R, 17) for wi in w]


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


def argmax(scores):
    if not scores:
        return 0
    m = max(scores)
    return scores.index(m)


def sample_top_k(scores, inv, top_k, rng):
    n = min(len(scores), 256)
    scores = scores[:n]
    if top_k == 0 or top_k >= n:
        kept = list(range(n))
    else:
        order = sorted(range(n), key=lambda i: (-scores[i], i))
        kept = sorted(order[:top_k])
    w, S = exp_weights([scores[i] for i in kept], inv)
    r = rng.below(S)
    for c, wc in zip(kept, w):
        if r < wc:
            return c
        r -= wc
    return 0


def rmsnorm(x, gain, variant=None):
    n = len(x)
    sumsq = sum(v * v for v in x)
    ms = sumsq * 65536 // n
    rms = math.isqrt(ms)
    if rms == 0:
        return [0] * n
    inv = (1 << 40) // rms
    if variant == "inv_rounded":
        inv = ((1 << 41) // rms + 1) // 2
    out = []
    for i, v in enumerate(x):
        t = rshift_round(v * inv, 16) if variant != "t_floor" else (v * inv) >> 16
        g = gain[i] if gain else 256
        y = rshift_round(t * g, 16) if variant != "y_floor" else (t * g) >> 16
        out.append(sat16(y))
    return out


def trigram(text, B):
    b = bytes(c + 32 if 65 <= c <= 90 else c for c in text)
    b = b" " + b + b" "
    counts = [0] * B
    for i in range(len(b) - 2):
        h = 0
        for c in b[i:i + 3]:
            h = (((h << 3) | (h >> 5)) & 0xFF)
            h = (h + c) & 0xFF
        counts[h % B] = min(255, counts[h % B] + 1)
    return counts


# ---------------------------------------------------------------- emitting
lines = []


def emit(s=""):
    lines.append(s)


def arr(ctype, name, values, per_line=16):
    if not values:
        return "nullptr"
    emit(f"inline constexpr {ctype} {name}[{len(values)}] = {{")
    for k in range(0, len(values), per_line):
        emit("    " + ", ".join(lit(ctype, v) for v in values[k:k + per_line]) + ",")
    emit("};")
    return name


def lit(ctype, v):
    if ctype == "std::int32_t" and v == INT32_MIN:
        return "INT32_MIN"
    if ctype == "std::int64_t" or ctype == "std::uint64_t":
        return f"{v}" + ("u" if ctype == "std::uint64_t" else "") if v >= 0 else f"{v}"
    if ctype == "std::uint32_t":
        return f"{v}u"
    return str(v)


def cstr(name, data):
    """a char array holding arbitrary bytes, every byte written as octal"""
    if not data:
        return "nullptr"
    body = "".join(f"\\{c:03o}" for c in data)
    emit(f"inline constexpr char {name}[] = \"{body}\";  // {len(data)} bytes")
    return name


rnd = random.Random(20240531)

# ---- fixed_point: rounding_shift_right (x, shift, expected)
rsr_cases = [(3, 1), (-3, 1), (5, 1), (-5, 1), (1, 1), (-1, 1), (0, 1), (-6, 2), (-10, 2),
             (6, 2), (10, 2), (7, 3), (-12, 3), (-13, 3), (12, 3), (123, 0), (-123, 0),
             (INT32_MAX, 1), (INT32_MIN, 1), (INT32_MAX, 31), (INT32_MIN, 31), (-(1 << 30), 31),
             ((1 << 30) - 1, 31), (1 << 30, 31), (-(1 << 30) - 1, 31), (INT32_MAX, 16),
             (INT32_MIN, 16), (-32768 * 256 - 128, 8), (-32768 * 256 - 129, 8)]
rsr_cases += [(rnd.randint(INT32_MIN, INT32_MAX), rnd.randint(0, 31)) for _ in range(40)]

# ---- prng
prng_seeds = [0, 1, 0xDEADBEEF, 0xFFFFFFFF, 42]
prng_out = []
for s in prng_seeds:
    g = XorShift32(s)
    prng_out.append([g.next() for _ in range(8)])
below_cases = []  # (seed, n, 8 draws)
for s, n in [(1, 10), (0xDEADBEEF, 1), (7, 0), (123, 0xFFFFFFFF), (99, 32768 * 3 + 5)]:
    g = XorShift32(s)
    below_cases.append((s, n, [g.below(n) for _ in range(8)]))
byte_seed = 0xDEADBEEF
g = XorShift32(byte_seed)
byte_out = [g.next() >> 24 for _ in range(8)]

# ---- isqrt
isq32_in = [0, 1, 2, 3, 4, 5, 8, 9, 10, 15, 16, 17, 24, 25, 26, 65535 ** 2 - 1, 65535 ** 2,
            65535 ** 2 + 1, 0xFFFFFFFF, 1 << 31, 1 << 30, (1 << 30) - 1, (1 << 30) + 1,
            9999 ** 2 - 1, 9999 ** 2, 9999 ** 2 + 1, 0x80000001, 0xFFFFFFFE]
isq32_in += [rnd.randint(0, 0xFFFFFFFF) for _ in range(20)]
isq64_in = [0, 1, 2, 3, 4, (1 << 64) - 1, (1 << 63), (1 << 62), (1 << 62) - 1,
            0xFFFFFFFF ** 2 - 1, 0xFFFFFFFF ** 2, 0xFFFFFFFF ** 2 + 1, (1 << 32) - 1, 1 << 32,
            (1 << 32) + 1, 3037000499 ** 2, 3037000499 ** 2 - 1, 3037000500 ** 2 - 1]
isq64_in += [rnd.randint(0, (1 << 64) - 1) for _ in range(20)]
isq64_in += [rnd.randint(1, (1 << 32) - 1) ** 2 + d for d in (-1, 0, 1) for _ in range(3)]
assert all(0 <= v < (1 << 64) for v in isq64_in)

# ---- matvec_int8 cases: (rows, cols, shift, W, x, bias or None)
mv8 = []
mv8.append((1, 1, 1, [1], [3], None))          # 1.5 -> 2
mv8.append((1, 1, 1, [1], [-3], None))         # -1.5 -> -1
mv8.append((1, 1, 1, [-1], [5], None))         # -2.5 -> -2
mv8.append((1, 1, 1, [1], [5], None))          # 2.5 -> 3
mv8.append((4, 1, 3, [1, -1, 3, -3], [-4], None))  # -0.5 -> 0, 0.5 -> 1, -1.5 -> -1, 1.5 -> 2
mv8.append((2, 2, 0, [127, 127, -128, -128], [32767, 32767], None))     # saturation
mv8.append((2, 2, 9, [127, 127, -128, -128], [32767, 32767], None))
mv8.append((2, 2, 0, [-128, -128, 127, 127], [-32768, -32768], [0, -100]))
mv8.append((2, 512, 16, [-128] * 512 + [127] * 512, [-32768] * 512, None))  # 512 cols: wraps
mv8.append((1, 513, 16, [-128] * 513, [-32768] * 513, None))
mv8.append((1, 511, 16, [-128] * 511, [-32768] * 511, [4194303]))            # just fits
mv8.append((1, 511, 16, [-128] * 511, [-32768] * 511, [4194304]))            # wraps by 1
mv8.append((1, 516, 16, [127] * 516, [32767] * 516, None))  # symmetric weights: no wrap
mv8.append((1, 516, 0, [-127] * 516, [32767] * 516, None))
mv8.append((2, 1, 0, [1, -1], [1], [INT32_MAX, INT32_MIN]))                  # bias wraps
mv8.append((2, 1, 20, [1, -1], [1], [INT32_MAX, INT32_MIN]))
mv8.append((3, 0, 1, [], [], [5, -5, 6]))                                     # cols == 0
mv8.append((0, 3, 1, [], [1, 2, 3], None))                                    # rows == 0
mv8.append((2, 1, 31, [0, 0], [0], [1 << 30, -(1 << 30)]))
mv8.append((1, 1, 31, [0], [0], [INT32_MAX]))
for (r, c, s, hasb) in [(7, 37, 8, True), (16, 64, 10, False), (5, 13, 0, True), (3, 100, 15, True)]:
    W = [rnd.randint(-128, 127) for _ in range(r * c)]
    x = [rnd.randint(-32768, 32767) for _ in range(c)]
    b = [rnd.randint(INT32_MIN, INT32_MAX) >> rnd.randint(0, 16) for _ in range(r)] if hasb else None
    mv8.append((r, c, s, W, x, b))

# ---- matvec_int2 cases: (rows, cols, shift, Wvals, x, bias or None, garbage padding?)
mv2 = []
mv2.append((4, 4, 0, [0, 0, 0, 0, 1, 0, 0, 0, 0, -2, 0, 0, 0, 0, 0, -1],
            [1000, -3000, 7, 11], None, False))        # every code on its own
mv2.append((1, 5, 0, [0, 0, 0, 0, -2], [1, 2, 3, 4, 100], None, True))   # a row with a single -2
mv2.append((1, 1, 0, [-2], [-32768], None, True))      # 65536 -> saturates
mv2.append((2, 3, 1, [1, 0, 0, -1, 0, 0], [3, 9, 9], None, True))       # 1.5 -> 2, -1.5 -> -1
mv2.append((2, 2, 2, [-2, 0, 1, 1], [5, 0], [0, 0], False))            # -2.5 -> -2, 1.25 -> 1
mv2.append((2, 1, 0, [1, -1], [1], [INT32_MAX, INT32_MIN], True))       # bias wraps
mv2.append((3, 0, 1, [], [], [5, -5, 6], False))
mv2.append((0, 7, 1, [], [1, 2, 3, 4, 5, 6, 7], None, False))
mv2.append((1, 8, 0, [-2] * 8, [32767] * 8, None, False))
mv2.append((1, 8, 4, [-2] * 8, [-32768] * 8, [-1], False))
for (r, c, s, hasb, garbage) in [(9, 50, 3, True, True), (16, 64, 6, False, False),
                                  (4, 7, 0, False, True), (6, 33, 12, True, True),
                                  (3, 256, 9, False, False)]:
    W = [rnd.choice([-2, -1, 0, 0, 0, 1]) for _ in range(r * c)]
    x = [rnd.randint(-32768, 32767) for _ in range(c)]
    b = [rnd.randint(-(1 << 24), 1 << 24) for _ in range(r)] if hasb else None
    mv2.append((r, c, s, W, x, b, garbage))

# ---- softmax cases: (scores, inv_temp_q8)
sm = []
sm.append(([0], 256))
sm.append(([256, 0], 256))                  # d = 1.0 -> k = 16
sm.append(([100, 100, 100], 256))           # ties
sm.append(([8, 0, -16], 256))               # k = 0.5 -> 1, 1.5 -> 2
sm.append(([4072, 0, 1], 256))              # 254.5 -> 255, 254.25 -> 254
sm.append(([32767, -32768, 0], 256))        # clamp to 255
sm.append(([5, -300, 1000, 7], 0))          # T = infinity
sm.append(([1, 0, 2], 65535))
sm.append(([0, 3, -1], 683))                # 3 * 683 = 2049 -> 0.50024 -> 1
sm.append(([-32768, -32768 + 16], 128))     # negative extremes, T = 2
sm.append(([], 256))
sm.append(([7] * 256, 256))                 # S = 2^23
sm.append(([rnd.randint(-2000, 2000) for _ in range(128)], 256))
sm.append(([rnd.randint(-4000, 1000) for _ in range(256)], 200))
sm.append(([rnd.randint(-32768, 32767) for _ in range(64)], 3000))

# ---- sampling
am = [[], [5], [1, 3, 3, 2], [-5, -5], [-32768] * 4, [0, 0, 0, 32767], [32767, -32768, 32767],
      [rnd.randint(-1000, 1000) for _ in range(200)]]
samp = []  # (scores, inv, top_k, seed, draws)
base = [rnd.randint(-2000, 1500) for _ in range(256)]
samp.append(([5, 7, 7, 7, 3], 256, 2, 1, 16))         # ties at the threshold: 1 and 2
samp.append(([5, 7, 7, 7, 3], 256, 0, 1, 16))
samp.append(([5, 7, 7, 7, 3], 256, 1, 99, 4))         # top_k = 1: always index 1
samp.append(([0, 0, 0, 0], 256, 3, 0xDEADBEEF, 16))
samp.append(([100, -100], 0, 0, 5, 16))              # T = infinity: uniform
samp.append(([], 256, 0, 7, 2))                       # n == 0
samp.append(([1234], 256, 0, 7, 2))
samp.append((base, 256, 0, 1, 24))
samp.append((base, 256, 40, 42, 24))
samp.append((base, 1024, 5, 0xDEADBEEF, 24))
samp.append((base, 64, 200, 3, 24))
samp.append(([rnd.randint(-300, 300) for _ in range(64)], 256, 10, 0, 24))
samp.append(([-32768, 32767, -32768, 32767], 256, 3, 11, 16))
samp.append((base + [32767] * 4, 256, 0, 13, 8))      # n = 260: only the first 256 count

# ---- rmsnorm: (x, gain or None)
rms = []
rms.append(([0, 0, 0, 0], None))
rms.append(([0] * 5, [300] * 5))
rms.append(([256, 256, 256, 256], None))
rms.append(([256, -256, 512, -512], None))
rms.append(([1, 0, 0, 0], None))
rms.append(([-300], None))
rms.append(([100, 200, 300], [256, 128, -512]))
rms.append(([32767] + [0] * 63, [32767] * 64))       # saturates
rms.append(([-32768] * 8, [-32768] * 8))             # saturates positive
rms.append(([-32768] * 16, None))
rms.append(([rnd.randint(-2000, 2000) for _ in range(64)],
            [rnd.randint(-600, 600) for _ in range(64)]))
rms.append(([rnd.randint(-32768, 32767) for _ in range(48)], None))
rms.append(([rnd.randint(-3, 3) for _ in range(100)], [rnd.randint(0, 400) for _ in range(100)]))

# ---- trigram: (text bytes, B)
tri = []
tri.append((b"", 128))
tri.append((b"a", 128))
tri.append((b"hi", 128))
tri.append((b"Hello, world!", 128))
tri.append((b"HELLO, WORLD!", 128))
tri.append((b"the quick brown fox jumps over the lazy dog", 128))
tri.append((bytes([0, 255, 128, 127, 64, 91, 96, 123, 65, 90, 32, 10]), 128))
tri.append((b"a" * 300, 128))                          # saturation at 255
tri.append((b"What is your name?", 256))
tri.append((b"What is your name?", 16))
tri.append((b"x" * 40, 1))
tri.append((bytes(range(256)), 128))

# ---- discriminating cases: small inputs on which a plausible misreading of
# a contract (floor instead of round half up, a coarser reciprocal, "<=" in
# the sampling walk) gives a different answer, found by a seeded search
for variant in ("t_floor", "y_floor", "inv_rounded"):
    srch = random.Random(variant)
    while True:
        n = srch.randint(2, 6)
        x = [srch.randint(-300, 300) for _ in range(n)]
        gain = [srch.randint(-700, 700) for _ in range(n)]
        if rmsnorm(x, gain) != rmsnorm(x, gain, variant):
            rms.append((x, gain))
            break
for variant in ("recip_coarse", "p_floor"):
    srch = random.Random(variant)
    while True:
        scores = [srch.randint(-600, 600) for _ in range(srch.randint(2, 5))]
        if softmax_q15(scores, 256) != softmax_q15(scores, 256, variant):
            sm.append((scores, 256))
            break
# sampling: a first draw landing exactly on a cumulative weight boundary
for scores in ([0, 0], [0, -256, 0]):
    w, S = exp_weights(scores, 256)
    bounds = {sum(w[:c + 1]) for c in range(len(w) - 1)}
    seed = 1
    while (XorShift32(seed).next() * S) >> 32 not in bounds:
        seed += 1
    samp.append((scores, 256, 0, seed, 1))

# ---------------------------------------------------------------- write
emit("// GENERATED by tests/golden/make_golden.py - do not edit.")
emit("// Regenerate: python3 tests/golden/make_golden.py  (stdlib only, deterministic).")
emit("// Expected kernel outputs computed independently of the C++ code, with Python")
emit("// big integers and decimal, from the contracts in include/tinylm/*.hpp.")
emit("#pragma once")
emit("")
emit("#include <cstddef>")
emit("#include <cstdint>")
emit("")
emit("namespace tinylm_golden {")
emit("")
emit("// ---- fixed_point.hpp: rounding_shift_right(x, shift) == expected")
emit("struct rsr_case { std::int32_t x; int shift; std::int32_t expected; };")
emit("inline constexpr rsr_case rsr_cases[] = {")
for x, s in rsr_cases:
    emit(f"    {{{lit('std::int32_t', x)}, {s}, {lit('std::int32_t', rshift_round(x, s))}}},")
emit("};")
emit("")
emit("// ---- prng.hpp: the first 8 outputs of next() for each seed")
emit("struct prng_case { std::uint32_t seed; std::uint32_t out[8]; };")
emit("inline constexpr prng_case prng_cases[] = {")
for s, o in zip(prng_seeds, prng_out):
    emit(f"    {{{s}u, {{{', '.join(str(v) + 'u' for v in o)}}}}},")
emit("};")
emit("struct below_case { std::uint32_t seed; std::uint32_t n; std::uint32_t out[8]; };")
emit("inline constexpr below_case below_cases[] = {")
for s, n, o in below_cases:
    emit(f"    {{{s}u, {n}u, {{{', '.join(str(v) + 'u' for v in o)}}}}},")
emit("};")
emit(f"inline constexpr std::uint32_t next_byte_seed = {byte_seed}u;")
emit(f"inline constexpr std::uint8_t next_byte_out[8] = {{{', '.join(map(str, byte_out))}}};")
emit("")
emit("// ---- exp_table.hpp: round(32768 * exp(-k/16)), 60-digit decimal")
arr("std::uint16_t", "exp_table", EXP)
emit("")
emit("// ---- isqrt.hpp")
emit("struct isqrt32_case { std::uint32_t v; std::uint32_t root; };")
emit("inline constexpr isqrt32_case isqrt32_cases[] = {")
for v in isq32_in:
    emit(f"    {{{v}u, {math.isqrt(v)}u}},")
emit("};")
emit("struct isqrt64_case { std::uint64_t v; std::uint32_t root; };")
emit("inline constexpr isqrt64_case isqrt64_cases[] = {")
for v in isq64_in:
    emit(f"    {{{v}u, {math.isqrt(v)}u}},")
emit("};")
emit("")
emit("// ---- matvec_int8.hpp")
emit("struct matvec_int8_case {")
emit("  std::size_t rows, cols; int shift;")
emit("  const std::int8_t* W; const std::int16_t* x; const std::int32_t* bias; const std::int16_t* y;")
emit("};")
names = []
for k, (r, c, s, W, x, b) in enumerate(mv8):
    y = matvec(lambda i, j: W[i * c + j], x, b, r, c, s)
    nW = arr("std::int8_t", f"mv8_{k}_W", W, 32)
    nx = arr("std::int16_t", f"mv8_{k}_x", x)
    nb = arr("std::int32_t", f"mv8_{k}_bias", b or [], 8)
    ny = arr("std::int16_t", f"mv8_{k}_y", y)
    names.append(f"    {{{r}, {c}, {s}, {nW}, {nx}, {nb}, {ny}}},")
emit("inline constexpr matvec_int8_case matvec_int8_cases[] = {")
for n in names:
    emit(n)
emit("};")
emit("")
emit("// ---- matvec_int2.hpp: Wv are the weights, W the packed bytes (padding bits")
emit("// set to 1 in the `garbage` cases; pack_int2(Wv) must give W with them 0)")
emit("struct matvec_int2_case {")
emit("  std::size_t rows, cols; int shift; bool garbage;")
emit("  const std::int8_t* Wv; const std::uint8_t* W; const std::uint8_t* W_clean;")
emit("  const std::int16_t* x; const std::int32_t* bias; const std::int16_t* y;")
emit("};")
names = []
for k, (r, c, s, Wv, x, b, garbage) in enumerate(mv2):
    packed = pack2(Wv, r, c, garbage)
    clean = pack2(Wv, r, c, False)
    y = matvec(lambda i, j: unpack2(packed, c, i, j), x, b, r, c, s)
    y2 = matvec(lambda i, j: Wv[i * c + j], x, b, r, c, s)
    assert y == y2
    nWv = arr("std::int8_t", f"mv2_{k}_Wv", Wv, 32)
    nW = arr("std::uint8_t", f"mv2_{k}_W", packed)
    nC = arr("std::uint8_t", f"mv2_{k}_W_clean", clean)
    nx = arr("std::int16_t", f"mv2_{k}_x", x)
    nb = arr("std::int32_t", f"mv2_{k}_bias", b or [], 8)
    ny = arr("std::int16_t", f"mv2_{k}_y", y)
    names.append(f"    {{{r}, {c}, {s}, {'true' if garbage else 'false'}, {nWv}, {nW}, {nC}, {nx}, {nb}, {ny}}},")
emit("inline constexpr matvec_int2_case matvec_int2_cases[] = {")
for n in names:
    emit(n)
emit("};")
emit("")
emit("// ---- softmax.hpp: exp_weights (w, sum) and softmax_q15 (p)")
emit("struct softmax_case {")
emit("  std::size_t n; std::uint16_t inv_temp_q8; const std::int16_t* scores;")
emit("  const std::uint16_t* w; std::uint32_t sum; const std::uint16_t* p;")
emit("};")
names = []
for k, (scores, inv) in enumerate(sm):
    w, S = exp_weights(scores, inv)
    p = softmax_q15(scores, inv)
    ns = arr("std::int16_t", f"sm_{k}_scores", scores)
    nw = arr("std::uint16_t", f"sm_{k}_w", w)
    np_ = arr("std::uint16_t", f"sm_{k}_p", p)
    names.append(f"    {{{len(scores)}, {inv}, {ns}, {nw}, {S}u, {np_}}},")
emit("inline constexpr softmax_case softmax_cases[] = {")
for n in names:
    emit(n)
emit("};")
emit("")
emit("// ---- sampling.hpp: argmax, and successive sample_top_k draws from one rng")
emit("struct argmax_case { std::size_t n; const std::int16_t* scores; std::size_t expected; };")
names = []
for k, scores in enumerate(am):
    ns = arr("std::int16_t", f"am_{k}_scores", scores)
    names.append(f"    {{{len(scores)}, {ns}, {argmax(scores)}}},")
emit("inline constexpr argmax_case argmax_cases[] = {")
for n in names:
    emit(n)
emit("};")
emit("struct sample_case {")
emit("  std::size_t n; const std::int16_t* scores; std::uint16_t inv_temp_q8; std::size_t top_k;")
emit("  std::uint32_t seed; std::size_t draws; const std::uint16_t* picks; std::uint32_t final_state;")
emit("};")
names = []
for k, (scores, inv, top_k, seed, draws) in enumerate(samp):
    g = XorShift32(seed)
    picks = [sample_top_k(scores, inv, top_k, g) for _ in range(draws)]
    ns = arr("std::int16_t", f"samp_{k}_scores", scores)
    npk = arr("std::uint16_t", f"samp_{k}_picks", picks)
    names.append(f"    {{{len(scores)}, {ns}, {inv}, {top_k}, {seed}u, {draws}, {npk}, {g.s}u}},")
emit("inline constexpr sample_case sample_cases[] = {")
for n in names:
    emit(n)
emit("};")
emit("")
emit("// ---- rmsnorm.hpp")
emit("struct rmsnorm_case { std::size_t n; const std::int16_t* x; const std::int16_t* gain; const std::int16_t* y; };")
names = []
for k, (x, gain) in enumerate(rms):
    y = rmsnorm(x, gain)
    nx = arr("std::int16_t", f"rms_{k}_x", x)
    ng = arr("std::int16_t", f"rms_{k}_gain", gain or [])
    ny = arr("std::int16_t", f"rms_{k}_y", y)
    names.append(f"    {{{len(x)}, {nx}, {ng}, {ny}}},")
emit("inline constexpr rmsnorm_case rmsnorm_cases[] = {")
for n in names:
    emit(n)
emit("};")
emit("")
emit("// ---- trigram_hash.hpp: counts of B buckets")
emit("struct trigram_case { std::size_t len; const char* text; std::size_t buckets; const std::uint8_t* counts; };")
names = []
for k, (text, B) in enumerate(tri):
    nt = cstr(f"tri_{k}_text", text)
    nc = arr("std::uint8_t", f"tri_{k}_counts", trigram(text, B), 32)
    names.append(f"    {{{len(text)}, {nt}, {B}, {nc}}},")
emit("inline constexpr trigram_case trigram_cases[] = {")
for n in names:
    emit(n)
emit("};")
emit("")
emit("}  // namespace tinylm_golden")
text = "\n".join(lines) + "\n"

if "--check" in sys.argv:
    with open(OUT) as f:
        sys.exit(0 if f.read() == text else 1)
with open(OUT, "w") as f:
    f.write(text)
print(f"wrote {OUT} ({len(text)} bytes)")
