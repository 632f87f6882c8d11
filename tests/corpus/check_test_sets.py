#!/usr/bin/env python3
"""The frozen chat test sets (codegen/corpus/test) are not near copies of
training lines, are the files their recorded SHA-256 says, and the derived
kinds are what make_kinds.py writes.

  check_test_sets.py [--report | --selftest]

A test prompt is a near copy of a training line when the trigram Jaccard
overlap of the two exceeds THRESHOLD (0.6). Prompts are compared lowercased,
with a space added at each end, as sets of character trigrams; a guess prompt
(`object: question`) is compared by its question with the training lines of
the same object. --report prints the highest overlaps instead of checking.
"""
import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "codegen", "corpus")
TEST = os.path.join(CORPUS, "test")
VALIDATION = os.path.join(CORPUS, "validation")  # the validation twin (tinychat), not frozen
THRESHOLD = 0.6
MODELS = {"tinychat": "tinychat.txt", "guess": "guess.txt"}
KINDS = ["paraphrase", "typo", "order", "filler", "case"]


def pairs(path):
    out = []
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                p, r = line.split(" | ")
                out.append((p, r))
    return out


def trigrams(s):
    s = " " + s.lower() + " "
    return {s[i:i + 3] for i in range(len(s) - 2)}


def key(model, prompt):
    if model == "guess":
        obj, q = prompt.split(": ", 1)
        return obj, q
    return "", prompt


def overlaps(model, extra=()):
    """(overlap, kind, prompt, nearest training question) of every test prompt
    (and of `extra` (kind, prompt, reply) triples, for the selftest)."""
    train = {}
    for p, _ in pairs(os.path.join(CORPUS, MODELS[model])):
        obj, q = key(model, p)
        train.setdefault(obj, []).append((q, trigrams(q)))
    result = []
    items = [(kind, p) for kind in KINDS for p, _ in pairs(os.path.join(TEST, f"{model}-{kind}.txt"))]
    items += [(kind, p) for kind, p, _ in extra]
    for kind, p in items:
        obj, q = key(model, p)
        t = trigrams(q)
        best, line = 0.0, ""
        for tq, tt in train.get(obj, []):
            j = len(t & tt) / len(t | tt)
            if j > best:
                best, line = j, tq
        result.append((best, kind, p, line))
    return result


def selftest():
    """The longest training line, and the same line with its last letter changed, are near copies."""
    for model in MODELS:
        p, r = max(pairs(os.path.join(CORPUS, MODELS[model])), key=lambda pr: len(pr[0]))
        changed = p[:-1] + ("x" if p[-1] != "x" else "y")
        flagged = [j > THRESHOLD for j, _, _, _ in overlaps(model, [("self", p, r), ("self", changed, r)])[-2:]]
        if flagged != [True, True]:
            print(f"selftest: {model}: a training line was not reported as a near copy")
            return 1
    print("selftest: a copied training line is reported")
    return 0


def recorded_hashes():
    """The SHA-256 lines recorded in codegen/corpus/test/SHA256SUMS."""
    out = {}
    with open(os.path.join(TEST, "SHA256SUMS"), encoding="ascii") as f:
        for line in f:
            h, name = line.split()
            out[name] = h
    return out


def main():
    if "--selftest" in sys.argv[1:]:
        return selftest()
    report = "--report" in sys.argv[1:]
    problems = []
    for model in MODELS:
        ov = overlaps(model)
        if report:
            ov.sort(reverse=True)
            print(f"{model}: {len(ov)} prompts; highest overlaps:")
            for j, kind, p, line in ov[:15]:
                print(f"  {j:.3f} {kind:10} {p!r} ~ {line!r}")
            continue
        for j, kind, p, line in ov:
            if j > THRESHOLD:
                problems.append(f"{model}-{kind}: '{p}' is a near copy of the training line '{line}' ({j:.3f})")
        r = subprocess.run([sys.executable, os.path.join(TEST, "make_kinds.py"), model, "--check"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(r.stdout.strip() or f"make_kinds.py {model} --check failed")
    if report:
        return 0
    # The validation twin: no near copy of a training line or of a test prompt,
    # and its derived kinds are make_kinds.py's output.
    test_grams = [trigrams(p) for k in KINDS for p, _ in pairs(os.path.join(TEST, f"tinychat-{k}.txt"))]
    train_grams = [trigrams(p) for p, _ in pairs(os.path.join(CORPUS, "tinychat.txt"))]
    for kind in KINDS:
        for p, _ in pairs(os.path.join(VALIDATION, f"tinychat-{kind}.txt")):
            t = trigrams(p)
            for name, ref in (("training line", train_grams), ("test prompt", test_grams)):
                j = max(len(t & g) / len(t | g) for g in ref)
                if j > THRESHOLD:
                    problems.append(f"validation tinychat-{kind}: '{p}' is a near copy of a {name} ({j:.3f})")
    r = subprocess.run([sys.executable, os.path.join(TEST, "make_kinds.py"), "tinychat", "--check", "--dir", VALIDATION],
                       capture_output=True, text=True)
    if r.returncode != 0:
        problems.append(r.stdout.strip() or "make_kinds.py tinychat --dir validation --check failed")
    recorded = recorded_hashes()
    expected = {f"{m}-{k}.txt" for m in MODELS for k in KINDS}
    if set(recorded) != expected:
        problems.append(f"SHA256SUMS lists {sorted(recorded)}, expected {sorted(expected)}")
    for name, h in recorded.items():
        with open(os.path.join(TEST, name), "rb") as f:
            actual = hashlib.sha256(f.read()).hexdigest()
        if actual != h:
            problems.append(f"{name}: SHA-256 {actual}, recorded {h}: the frozen test set changed")
    for p in problems:
        print(p)
    if problems:
        return 1
    print("the frozen test sets are unchanged and no prompt is a near copy of a training line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
