#!/usr/bin/env python3
"""Independent reference of the NES test's stub runtime (tests/target/nes/stub_runtime.s).

Computes, for each case of a cases file, what the NES shell must store and show
when it runs on the stub, in the format the emulator test writes:

    <prompt index> <seed, 8 hex digits> <prompt bytes in hex or -> <output bytes in hex or ->

  stub_reference.py [--prompts P] [--cases C] [-o OUT]   write the expected file
  stub_reference.py --check                              exit 1 if OUT differs
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
END = 0x0A
MAX_LEN = 128
TABLE = b"etaoin shrdlucmfw ypvbgk jqxz.,!"
assert len(TABLE) == 32


def read_prompts(path):
    prompts = []
    for line in open(path, encoding="ascii"):
        m = re.match(r'^\s*PROMPT\s+"([^"]*)"\s*$', line)
        if m:
            prompts.append(m.group(1).encode("ascii"))
    return prompts


def read_cases(path):
    cases = []
    for line in open(path, encoding="ascii"):
        line = line.split("#", 1)[0].split()
        if line:
            cases.append((int(line[0]), int(line[1], 16)))
    return cases


def xorshift32(x):
    x ^= (x << 13) & 0xFFFFFFFF
    x ^= x >> 17
    x ^= (x << 5) & 0xFFFFFFFF
    return x


def stub_generate(prompt, seed):
    x = seed if seed != 0 else 0x9E3779B9
    hist = [END] * 3
    for b in prompt:
        hist = hist[1:] + [b]
    out = bytearray()
    count = 0
    while len(out) < MAX_LEN:
        if not prompt:                      # counter mode
            b = ((x & 0xFF) + count) & 0xFF
            count += 1
        else:                               # text mode
            x = xorshift32(x)
            if (x & 0xFF) < 4:
                break
            b = TABLE[(((x >> 8) & 0xFF) + hist[-1]) & 31]
        if b == END:
            break
        hist = hist[1:] + [b]
        out.append(b)
    return bytes(out)


def expected_text(prompts, cases):
    lines = ["# expected output of the NES shell on the stub runtime (tests/target/nes/stub_reference.py)"]
    for index, seed in cases:
        p = prompts[index]
        out = stub_generate(p, seed)
        lines.append(f"{index} {seed:08x} {p.hex() or '-'} {out.hex() or '-'}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prompts", default=os.path.join(ROOT, "codegen/asm/m6502/nes/prompts.inc"))
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.txt"))
    ap.add_argument("-o", "--output", default=os.path.join(HERE, "stub_expected.txt"))
    ap.add_argument("--check", action="store_true", help="compare with the output file instead of writing it")
    ap.add_argument("--summary", action="store_true", help="print lengths and byte coverage")
    a = ap.parse_args()
    prompts = read_prompts(a.prompts)
    cases = read_cases(a.cases)
    text = expected_text(prompts, cases)
    if a.summary:
        seen = set()
        for index, seed in cases:
            out = stub_generate(prompts[index], seed)
            seen.update(out)
            print(index, f"{seed:08x}", len(out), repr(out[:40]))
        print("byte values covered:", len(seen), "missing:", sorted(set(range(256)) - seen))
    if a.check:
        old = open(a.output, encoding="ascii").read() if os.path.exists(a.output) else ""
        if old != text:
            print(f"{a.output} is out of date: run {sys.argv[0]}", file=sys.stderr)
            return 1
        return 0
    with open(a.output, "w", encoding="ascii") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
