#!/usr/bin/env python3
"""Derives the four other kinds of a frozen chat test set from its
hand-written paraphrases (see codegen/corpus/README.md, "Frozen test sets").

  make_kinds.py MODEL        # writes test/MODEL-{typo,order,filler,case}.txt
  make_kinds.py MODEL --check  # the files are what this script writes
  make_kinds.py MODEL --dir DIR  # the same for DIR/MODEL-paraphrase.txt (the
                                 # validation twin: codegen/corpus/validation)

MODEL is tinychat or guess. Input: test/MODEL-paraphrase.txt, `prompt | REPLY`
lines (guess prompts are `object: question`; only the question is edited, as
the game types the object itself). Every kind is one line per paraphrase
line, in its order, with the same reply; the random choices come from
Python's random.Random seeded with the kind's name and the model's name, so
the files are reproducible. The rules:

  typo    one edit for a question of up to 12 letters, two for a longer one;
          an edit deletes a letter, doubles it, swaps it with the next letter,
          or replaces it by a neighbour on a QWERTY keyboard
  order   the words reordered: with 4 or more words the last one or two move
          to the front ("how old are you today" -> "today how old are you");
          with 2 or 3 words the first two swap; a single word stays
  filler  one or two filler words or phrases added at the start, after the
          first word or at the end, from a fixed list of words that are not
          themselves an intent of the corpus
  case    the letter case and the punctuation changed: ALL CAPS, Title Case,
          a capital first letter with a final '?', '!' or '...', a comma
          after the first word, apostrophes dropped, or '?!' at the end
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = ["typo", "order", "filler", "case"]
NEIGHBOURS = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl",
    "p": "ol", "a": "qsz", "s": "adw", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy", "j": "hku", "k": "jli",
    "l": "ko", "z": "xa", "x": "zcs", "c": "xvd", "v": "cbf", "b": "vng", "n": "bmh", "m": "nj",
}
FILLERS_START = ["um", "so", "well", "uh", "ok so", "erm", "anyway"]
FILLERS_MIDDLE = ["like", "just", "really", "um"]
FILLERS_END = ["please", "then", "right now", "by the way", "you know", "again", "i mean"]


def read_pairs(path):
    pairs = []
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            prompt, reply = line.split(" | ")
            pairs.append((prompt, reply))
    return pairs


def split_object(model, prompt):
    if model == "guess":
        obj, question = prompt.split(": ", 1)
        return obj + ": ", question
    return "", prompt


def typo(rng, q):
    letters = [i for i, c in enumerate(q) if c.isalpha()]
    edits = 1 if len(letters) <= 12 else 2
    s = list(q)
    for _ in range(edits):
        letters = [i for i, c in enumerate(s) if c.isalpha()]
        i = rng.choice(letters)
        kind = rng.choice(["delete", "double", "swap", "replace"])
        if kind == "delete" and len(letters) > 2:
            del s[i]
        elif kind == "double":
            s.insert(i, s[i])
        elif kind == "swap" and i + 1 < len(s) and s[i + 1] != s[i]:
            s[i], s[i + 1] = s[i + 1], s[i]
        else:
            c = s[i].lower()
            s[i] = rng.choice(NEIGHBOURS.get(c, c))
    return "".join(s)


def order(rng, q):
    w = q.split(" ")
    if len(w) >= 4:
        k = rng.choice([1, 2])
        return " ".join(w[-k:] + w[:-k])
    if len(w) >= 2:
        return " ".join([w[1], w[0]] + w[2:])
    return q


def filler(rng, q):
    w = q.split(" ")
    count = rng.choice([1, 1, 2])
    places = rng.sample(["start", "middle", "end"], count)
    if "middle" in places and len(w) >= 2:
        w = [w[0], rng.choice(FILLERS_MIDDLE)] + w[1:]
    if "start" in places or ("middle" in places and len(w) < 2):
        w = [rng.choice(FILLERS_START)] + w
    if "end" in places:
        w = w + [rng.choice(FILLERS_END)]
    return " ".join(w)


def case(rng, q):
    style = rng.choice(["caps", "title", "question", "bang", "dots", "comma", "apostrophe", "qbang"])
    if style == "apostrophe" and "'" not in q:
        style = "caps"
    if style == "comma" and " " not in q:
        style = "title"
    if style == "caps":
        return q.upper()
    if style == "title":
        return " ".join(x[:1].upper() + x[1:] for x in q.split(" "))
    if style == "question":
        return q[:1].upper() + q[1:] + "?"
    if style == "bang":
        return q[:1].upper() + q[1:] + "!"
    if style == "dots":
        return q[:1].upper() + q[1:] + "..."
    if style == "comma":
        first, rest = q.split(" ", 1)
        return first + ", " + rest
    if style == "apostrophe":
        return q.replace("'", "")
    return q + "?!"


def derive(model, folder):
    pairs = read_pairs(os.path.join(folder, f"{model}-paraphrase.txt"))
    out = {}
    for kind in KINDS:
        rng = random.Random(f"{model}-{kind}")
        fn = {"typo": typo, "order": order, "filler": filler, "case": case}[kind]
        lines = []
        for prompt, reply in pairs:
            obj, q = split_object(model, prompt)
            lines.append(f"{obj}{fn(rng, q)} | {reply}\n")
        out[kind] = "".join(lines)
    return out


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("tinychat", "guess"):
        print(__doc__)
        return 2
    model = sys.argv[1]
    check = "--check" in sys.argv[2:]
    folder = HERE
    if "--dir" in sys.argv[2:]:
        folder = sys.argv[sys.argv.index("--dir") + 1]
    bad = 0
    for kind, text in derive(model, folder).items():
        path = os.path.join(folder, f"{model}-{kind}.txt")
        if check:
            old = open(path, encoding="ascii").read() if os.path.exists(path) else None
            if old != text:
                print(f"{path}: differs from what make_kinds.py writes")
                bad += 1
        else:
            with open(path, "w", encoding="ascii") as f:
                f.write(text)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
