#!/usr/bin/env python3
"""Independent reference for two tiny transformers (tests/support/tiny_transformer.hpp
and tiny_transformer_compact.hpp).

It re-implements, from the contract comments of include/tinylm/transformer.hpp,
bpe.hpp, dot_int8.hpp, rmsnorm.hpp, softmax.hpp, exp_table.hpp, sampling.hpp
and prng.hpp (not from the C++), the tokenizer, the integer forward pass with
its KV cache, and greedy and sampled generation, with Python integers only.

  python3 tests/golden/transformer_tiny.py --write   writes the model headers
      tests/support/tiny_transformer.hpp, tiny_transformer_compact.hpp and
      the expected outputs tests/golden/transformer_tiny_golden.hpp,
      transformer_compact_golden.hpp
  python3 tests/golden/transformer_tiny.py --check   exit 1 unless the files
      are what --write writes

The model: a chat model over the base bytes " ?abdehilnorstwy" (everything
else normalises to '?', capitals fold), merges "he", "he"+"l", "ll"... (see
MERGES), d 8, 2 heads, 2 layers, FFN 12, context 12, min_reply 4, an untied
head; its int8 weights are drawn from a seeded Python random.Random (not the
library's generator), with fractions chosen so that every requantization
shift occurs: positive, zero and negative.

The compact model: the same tokenizer and shapes, its matrices in the weight
formats of include/tinylm/weight_format.hpp, every format in several roles
(COMPACT_FORMATS), rows of random codes with random exponents 0..7, packed
here from the contract comments of weight_format.hpp, int4.hpp,
matvec_int2.hpp and ternary.hpp.
"""
import decimal
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# ---------------------------------------------------------------- the model
BASE = b" ?abdehilnorstwy"
RARE = ord("?")
MERGE_TEXT = [(b"h", b"e"), (b"he", b"l"), (b"l", b"o"), (b"t", b"h"), (b" ", b"w"), (b"hel", b"lo")]
V_EXTRA = 0
D, H, L, F, T, MIN_REPLY = 8, 2, 2, 12, 12, 4
TIED, CHAT = False, True
SEED = 7
# global: tok, pos, af, head; per layer: a1 wq wk wv q k v wo a2 w1 u w2
GLOBAL_FRACS = [6, 7, 5, 6]
LAYER_FRACS = [[5, 7, 7, 7, 4, 4, 5, 7, 5, 6, 4, 7],
               [4, 6, 7, 8, 5, 3, 6, 9, 6, 7, 5, 6]]

END, SEP, FIRST_BASE = 0, 1, 2


def tokenizer():
    normalise = []
    for b in range(256):
        c = b + 32 if 65 <= b <= 90 else b
        normalise.append(c if c in BASE else RARE)
    token_bytes = {FIRST_BASE + i: bytes([b]) for i, b in enumerate(BASE)}
    by_bytes = {v: k for k, v in token_bytes.items()}
    merges = []
    for left, right in MERGE_TEXT:
        lt, rt = by_bytes[left], by_bytes[right]
        new = FIRST_BASE + len(BASE) + len(merges)
        merges.append((lt, rt))
        token_bytes[new] = left + right
        by_bytes[left + right] = new
    return normalise, merges, token_bytes


NORMALISE, MERGES, TOKEN_BYTES = tokenizer()
VOCAB = FIRST_BASE + len(BASE) + len(MERGES)


def weights():
    rng = random.Random(SEED)
    n = VOCAB * D + T * D + L * (4 * D * D + 2 * D * F) + (0 if TIED else VOCAB * D)
    w = [rng.randint(-128, 127) for _ in range(n)]
    gains = [rng.randint(128, 400) for _ in range((2 * L + 1) * D)]
    return w, gains


W, GAINS = weights()
FRACS = GLOBAL_FRACS + [f for layer in LAYER_FRACS for f in layer]
FORMATS = None  # per layer Wq Wk Wv Wo W1 W2, then the head; None: all int8

# ---------------------------------------------------------------- weight formats
INT8, INT4, INT2, TERNARY = 0, 1, 2, 3
CODES = {INT8: (-128, 127), INT4: (-8, 7), INT2: (-2, 1), TERNARY: (-1, 1)}
COMPACT_FORMATS = [INT4, INT2, TERNARY, INT8, TERNARY, INT4,
                   TERNARY, INT4, INT8, INT2, INT4, TERNARY,
                   INT2]
# the compact matrices' codes are small: their fractions are lower
COMPACT_GLOBAL_FRACS = [6, 7, 5, 2]
COMPACT_LAYER_FRACS = [[5, 3, 2, 1, 4, 4, 5, 7, 5, 1, 4, 3],
                       [4, 1, 3, 8, 5, 3, 6, 3, 6, 3, 5, 1]]


def packed_row_bytes(f, cols):
    return {INT8: cols, INT4: (cols + 1) // 2, INT2: (cols + 3) // 4, TERNARY: (cols + 4) // 5}[f]


def row_stride(f, cols):
    return packed_row_bytes(f, cols) + (0 if f == INT8 else 1)


def pack_row(f, codes, e):
    """A row as weight_format.hpp lays it out, as int8 byte values."""
    if f == INT8:
        return list(codes)
    out = [0] * packed_row_bytes(f, len(codes))
    for j in range(len(out) * {INT4: 2, INT2: 4, TERNARY: 5}[f]):
        q = codes[j] if j < len(codes) else 0
        if f == INT4:
            out[j // 2] |= (q & 15) << (4 * (j % 2))
        elif f == INT2:
            out[j // 4] |= (q & 3) << (2 * (j % 4))
        else:
            out[j // 5] += (q + 1) * 3 ** (j % 5)
    return [e] + [b - 256 if b > 127 else b for b in out]


def unpack_row(f, data, cols):
    """(codes, exponent) of a row's bytes."""
    if f == INT8:
        return list(data[:cols]), 0
    e = data[0] & 7
    b = [v & 255 for v in data[1:]]
    if f == INT4:
        codes = [(((b[j // 2] >> (4 * (j % 2))) & 15) ^ 8) - 8 for j in range(cols)]
    elif f == INT2:
        codes = [(((b[j // 4] >> (2 * (j % 4))) & 3) ^ 2) - 2 for j in range(cols)]
    else:
        codes = [(b[j // 5] // 3 ** (j % 5)) % 3 - 1 for j in range(cols)]
    return codes, e


def matrix_fmt(l, k):
    return INT8 if FORMATS is None else FORMATS[l * 6 + k]


def head_fmt():
    return INT8 if FORMATS is None else FORMATS[6 * L]


def matrix_shape(k):
    return (F if k == 4 else D), (F if k == 5 else D)


def compact_weights():
    rng = random.Random(SEED + 1)
    w = [rng.randint(-128, 127) for _ in range((VOCAB + T) * D)]
    blocks = [(matrix_fmt(l, k),) + matrix_shape(k) for l in range(L) for k in range(6)]
    blocks.append((head_fmt(), VOCAB, D))
    for f, rows, cols in blocks:
        lo, hi = CODES[f]
        for _ in range(rows):
            codes = [rng.randint(lo, hi) for _ in range(cols)]
            w += pack_row(f, codes, rng.randint(0, 7))
    gains = [rng.randint(128, 400) for _ in range((2 * L + 1) * D)]
    return w, gains


def use(variant):
    """Selects the model the functions below compute with."""
    global W, GAINS, FRACS, FORMATS, GLOBAL_FRACS, LAYER_FRACS
    if variant == "compact":
        GLOBAL_FRACS, LAYER_FRACS = COMPACT_GLOBAL_FRACS, COMPACT_LAYER_FRACS
        FORMATS = COMPACT_FORMATS
        W, GAINS = compact_weights()
    else:
        GLOBAL_FRACS, LAYER_FRACS = INT8_GLOBAL_FRACS, INT8_LAYER_FRACS
        FORMATS = None
        W, GAINS = weights()
    FRACS = GLOBAL_FRACS + [f for layer in LAYER_FRACS for f in layer]


INT8_GLOBAL_FRACS, INT8_LAYER_FRACS = GLOBAL_FRACS, LAYER_FRACS

# ---------------------------------------------------------------- arithmetic
def rshift_round(x, s):
    return x if s == 0 else (x + (1 << (s - 1))) >> s


def requant(x, s):
    if s >= 0:
        return rshift_round(x, s)
    v = x * (1 << -s)
    return max(-(1 << 31), min((1 << 31) - 1, v))


def sat(v, lo, hi):
    return max(lo, min(hi, v))


def sat8(v):
    return sat(v, -128, 127)


def sat16(v):
    return sat(v, -32768, 32767)


def exp_table():
    decimal.getcontext().prec = 60
    return [int((decimal.Decimal(32768) * (decimal.Decimal(-k) / 16).exp()).to_integral_value(
        rounding=decimal.ROUND_HALF_UP)) for k in range(256)]


EXP = exp_table()


def rmsnorm(x, gain):
    n = len(x)
    sumsq = sum(v * v for v in x)
    ms = (sumsq << 16) // n
    rms = math.isqrt(ms)
    if rms == 0:
        return [0] * n
    inv = (1 << 40) // rms
    return [sat16(rshift_round(rshift_round(v * inv, 16) * g, 16)) for v, g in zip(x, gain)]


def exp_weights(scores):
    m = max(scores)
    w = [EXP[min(255, rshift_round((m - s) * 256, 12))] for s in scores]
    return w, sum(w)


class Xorshift32:
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


def mix_seed(h):  # murmur3's fmix32, as prng.hpp documents
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h


def argmax(scores):
    best = 0
    for i, s in enumerate(scores):
        if s > scores[best]:
            best = i
    return best


def sample_top_k(scores, inv, top_k, rng):
    n = len(scores)
    if top_k == 0 or top_k >= n:
        kept = list(range(n))
    else:
        kept = [i for i in range(n)
                if sum(1 for j in range(n) if scores[j] > scores[i] or (scores[j] == scores[i] and j < i)) < top_k]
    m = max(scores[i] for i in kept)
    w = [EXP[min(255, rshift_round((m - scores[i]) * inv, 12))] for i in kept]
    r = rng.below(sum(w))
    for c, wc in zip(kept, w):
        if r < wc:
            return c
        r -= wc
    return kept[-1]


# ---------------------------------------------------------------- the model's parts
def encode(text):
    text = text[-255:]
    base_of = {b: FIRST_BASE + i for i, b in enumerate(BASE)}
    toks = [base_of[NORMALISE[b]] for b in text]
    for k, (lt, rt) in enumerate(MERGES):
        new = FIRST_BASE + len(BASE) + k
        out, i = [], 0
        while i < len(toks):
            if i + 1 < len(toks) and toks[i] == lt and toks[i + 1] == rt:
                out.append(new)
                i += 2
            else:
                out.append(toks[i])
                i += 1
        toks = out
    return toks


def decode(tokens):
    return b"".join(TOKEN_BYTES.get(t, b"") for t in tokens)


def matrix_offsets():
    """Where each layer matrix (l, k) and the head start in W."""
    off = VOCAB * D + T * D
    at = {}
    for l in range(L):
        for k in range(6):
            at[(l, k)] = off
            rows, cols = matrix_shape(k)
            off += rows * row_stride(matrix_fmt(l, k), cols)
    at["head"] = 0 if TIED else off
    return at


def matrix(off, rows, cols, f=INT8):
    """The rows of a matrix as (codes, exponent)."""
    stride = row_stride(f, cols)
    return [unpack_row(f, W[off + i * stride: off + (i + 1) * stride], cols) for i in range(rows)]


def att_shift(hd):
    c = 0
    while (1 << c) < hd:
        c += 1
    return (c + 1) // 2


class Model:
    def __init__(self):
        self.K = [[None] * T for _ in range(L)]
        self.V = [[None] * T for _ in range(L)]

    def step(self, token, p):
        at = matrix_offsets()
        pos_off = VOCAB * D
        g = GLOBAL_FRACS
        x = [sat16(requant(W[token * D + i], g[0] - 8) + requant(W[pos_off + p * D + i], g[1] - 8)) for i in range(D)]
        hd = D // H
        for l in range(L):
            a1, wq, wk, wv, fq, fk, fv, wo, a2, w1, fu, w2 = LAYER_FRACS[l]
            Wq, Wk, Wv, Wo, W1, W2 = (matrix(at[(l, k)], *matrix_shape(k), matrix_fmt(l, k)) for k in range(6))
            h = rmsnorm(x, GAINS[2 * l * D:(2 * l + 1) * D])
            a = [sat8(requant(v, 8 - a1)) for v in h]
            dot = lambda r, v: sum(p_ * q_ for p_, q_ in zip(r, v))
            # a row's product, requantized by the shift less the row's exponent
            rq = lambda row, v, s: requant(dot(row[0], v), s - row[1])
            q = [sat8(rq(Wq[i], a, wq + a1 - fq)) for i in range(D)]
            self.K[l][p] = [sat8(rq(Wk[i], a, wk + a1 - fk)) for i in range(D)]
            self.V[l][p] = [sat8(rq(Wv[i], a, wv + a1 - fv)) for i in range(D)]
            o = [0] * D
            for hh in range(H):
                c0 = hh * hd
                s = [sat16(requant(dot(q[c0:c0 + hd], self.K[l][j][c0:c0 + hd]), fq + fk + att_shift(hd) - 8))
                     for j in range(p + 1)]
                w, S = exp_weights(s)
                R = (1 << 32) // S
                for i in range(hd):
                    acc = sum(w[j] * self.V[l][j][c0 + i] for j in range(p + 1))
                    o[c0 + i] = sat8(rshift_round(R * acc, 32))
            x = [sat16(x[i] + rq(Wo[i], o, wo + fv - 8)) for i in range(D)]
            h = rmsnorm(x, GAINS[(2 * l + 1) * D:(2 * l + 2) * D])
            a = [sat8(requant(v, 8 - a2)) for v in h]
            u = [sat(rq(W1[i], a, w1 + a2 - fu), 0, 127) for i in range(F)]
            x = [sat16(x[i] + rq(W2[i], u, w2 + fu - 8)) for i in range(D)]
        h = rmsnorm(x, GAINS[2 * L * D:(2 * L + 1) * D])
        a = [sat8(requant(v, 8 - g[2])) for v in h]
        Wh = matrix(at["head"], VOCAB, D, head_fmt())
        return [sat16(requant(sum(p_ * q_ for p_, q_ in zip(Wh[v][0], a)), g[3] + g[2] - 8 - Wh[v][1]))
                for v in range(VOCAB)]


def start_tokens(prompt):
    toks = encode(prompt)
    room = max(0, T - 1 - (1 if CHAT else 0) - MIN_REPLY)
    toks = toks[len(toks) - room:] if len(toks) > room else toks
    return [END] + toks + ([SEP] if CHAT else [])


def generate(prompt, seed, max_length=128, inv=0, top_k=0):
    m = Model()
    start = start_tokens(prompt)
    logits = None
    for p, t in enumerate(start):
        logits = m.step(t, p)
    rng = Xorshift32(mix_seed(seed))
    out = b""
    p = len(start)
    while len(out) < max_length:
        k = argmax(logits) if inv == 0 else sample_top_k(logits, inv, top_k, rng)
        if k in (END, SEP):
            break
        out = (out + TOKEN_BYTES[k])[:max_length]
        if p == T:
            break
        logits = m.step(k, p)
        p += 1
    return out


# ---------------------------------------------------------------- output
PROMPTS = [b"", b"hello", b"HELLO WORLD?", b"who are you", b"\x00\xff\x7f digits 0123",
           b"the slow yellow dish is here and there and the whole way through"]
SAMPLED = [(b"hello", 3, 300, 0), (b"who", 11, 256, 3), (b"", 5, 512, 2)]


def c_bytes(data):
    return ", ".join(str(b) for b in data)


def header_text(name):
    if FORMATS is None:
        about = ["// A tiny chat transformer (d 8, 2 heads, 2 layers, FFN 12, context 12) with",
                 "// seeded random int8 weights: the test model of tests/static/transformer.cpp and",
                 "// tests/runtime/transformer.cpp, checked against the script's own integer model."]
    else:
        about = ["// The tiny chat transformer's shapes with its matrices in every weight format",
                 "// (tinylm/weight_format.hpp) and seeded random codes and row exponents: the test",
                 "// model of tests/static/weight_formats.cpp and tests/runtime/weight_formats.cpp."]
    lines = [
        "// Generated by tests/golden/transformer_tiny.py --write; do not edit.",
    ] + about + [
        "#pragma once",
        "",
        "#include <cstddef>",
        "#include <cstdint>",
        "",
        "namespace tinylm_test {",
        "",
        f"struct {name} {{",
        f"  static constexpr std::size_t vocab = {VOCAB}, d_model = {D}, heads = {H}, layers = {L}, ffn = {F};",
        f"  static constexpr std::size_t context = {T}, min_reply = {MIN_REPLY};",
        f"  static constexpr bool tied = {'true' if TIED else 'false'}, chat = {'true' if CHAT else 'false'};",
        f"  static constexpr std::uint8_t normalise[256] = {{{c_bytes(NORMALISE)}}};",
        f"  static constexpr std::uint8_t base_bytes[] = {{{c_bytes(BASE)}}};",
        f"  static constexpr std::size_t base_count = {len(BASE)};",
        f"  static constexpr std::uint8_t merges[] = {{{c_bytes([t for m in MERGES for t in m])}}};",
        f"  static constexpr std::size_t merge_count = {len(MERGES)};",
        f"  static constexpr std::int8_t fracs[] = {{{', '.join(map(str, FRACS))}}};",
        f"  static constexpr std::int16_t gains[] = {{{', '.join(map(str, GAINS))}}};",
    ]
    if FORMATS is not None:
        lines.append(f"  static constexpr std::uint8_t formats[] = {{{', '.join(map(str, FORMATS))}}};")
    lines += [
        "  static constexpr std::int8_t weights[] = {",
    ]
    for i in range(0, len(W), 24):
        lines.append("      " + ", ".join(map(str, W[i:i + 24])) + ",")
    lines += ["  };", "  static constexpr std::uint32_t default_seed = 1;", "};", "", "}  // namespace tinylm_test", ""]
    return "\n".join(lines)


def cstr(data):
    return '"' + "".join(f"\\{b:03o}" if (b < 32 or b > 126 or b in (34, 92, 63)) else chr(b) for b in data) + '"'


def golden_text(name):
    lines = [
        "// Generated by tests/golden/transformer_tiny.py --write; do not edit.",
        f"// Expected outputs of tests/support/{name}.hpp, computed by the script's",
        "// own integer model (not by the C++).",
        "#pragma once",
        "",
        "#include <cstddef>",
        "#include <cstdint>",
        "",
        f"namespace tinylm_test::{name}_golden {{",
        "",
        "struct prompt_case {",
        "  const char* prompt;",
        "  std::size_t prompt_size;",
        "  const char* tokens;       // the start tokens (END, the prompt's, SEP)",
        "  std::size_t token_count;",
        f"  std::int16_t logits[{VOCAB}];  // after the last start token",
        "  const char* reply;        // greedy",
        "  std::size_t reply_size;",
        "};",
        "",
        "inline constexpr prompt_case prompts[] = {",
    ]
    for p in PROMPTS:
        start = start_tokens(p)
        m = Model()
        for pos, t in enumerate(start):
            logits = m.step(t, pos)
        rep = generate(p, 1)
        lines.append(f"    {{{cstr(p)}, {len(p)}, {cstr(bytes(start))}, {len(start)}, "
                     f"{{{', '.join(map(str, logits))}}}, {cstr(rep)}, {len(rep)}}},")
    lines += ["};", "", "struct sampled_case {", "  const char* prompt;", "  std::uint32_t seed;",
              "  std::uint16_t inv_temp_q8;", "  std::size_t top_k;", "  const char* reply;", "  std::size_t reply_size;",
              "};", "", "inline constexpr sampled_case sampled[] = {"]
    for p, seed, inv, k in SAMPLED:
        rep = generate(p, seed, 128, inv, k)
        lines.append(f"    {{{cstr(p)}, {seed}, {inv}, {k}, {cstr(rep)}, {len(rep)}}},")
    lines += ["};", "", f"}}  // namespace tinylm_test::{name}_golden", ""]
    return "\n".join(lines)


def main():
    files = {}
    for variant, name, golden in (("int8", "tiny_transformer", "transformer_tiny_golden.hpp"),
                                  ("compact", "tiny_transformer_compact", "transformer_compact_golden.hpp")):
        use(variant)
        files[os.path.join(ROOT, "tests", "support", name + ".hpp")] = header_text(name)
        files[os.path.join(HERE, golden)] = golden_text(name)
    if "--write" in sys.argv[1:]:
        for path, text in files.items():
            with open(path, "w", encoding="ascii") as f:
                f.write(text)
        return 0
    if "--check" in sys.argv[1:]:
        bad = 0
        for path, text in files.items():
            old = open(path, encoding="ascii").read() if os.path.exists(path) else None
            if old != text:
                print(f"{path} is not what transformer_tiny.py --write writes")
                bad += 1
        return 1 if bad else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
