#!/usr/bin/env python3
"""The generator's layout is its pipeline (codegen/ARCHITECTURE.md); this checks it.

  check_codegen_layout.py [--root codegen/src] [--selftest]

Rules:
  - includes run one way, down the pipeline:
        common < corpus < families < formats < targets/template
        < targets/<cpu> (the shared part of a CPU: m6502, ...) < targets/<target>
        < targets/*.hpp (choosing a target by name) < cli < main.cpp
    a file may include its own stage and the stages below it, never above;
    inside families/ and inside the targets, a folder does not include a
    sibling (one family does not use another; nes does not use sim6502);
  - every quoted include names a file under codegen/src;
  - at most 4 files directly in codegen/src, none over 700 lines anywhere;
  - no raw string literal in targets/: runtimes are assembly templates.
--selftest plants an upward include in a copy and requires a failure.
"""
import os
import re
import shutil
import sys
import tempfile

CPU_FOLDERS = {"m6502", "z80"}  # the shared part of each CPU under targets/
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def stage(rel):
    """(rank, group) of a path relative to codegen/src; group separates siblings of one rank."""
    parts = rel.split("/")
    top = parts[0]
    if len(parts) == 1:
        return (9, "") if top == "main.cpp" else (0, "")  # other root files: helpers at the bottom
    if top == "common":
        return (0, "")
    if top == "corpus":
        return (1, "")
    if top == "families":
        return (2, parts[1])
    if top == "formats":
        return (3, "")
    if top == "targets":
        if len(parts) == 2:
            return (7, "")
        if parts[1] == "template":
            return (4, "")
        if parts[1] in CPU_FOLDERS:
            return (5, parts[1])
        return (6, parts[1])
    if top == "cli":
        return (8, "")
    return None


def check(root):
    problems = []
    files = []
    for d, _, names in os.walk(root):
        for n in names:
            if n.endswith((".cpp", ".hpp")):
                files.append(os.path.relpath(os.path.join(d, n), root).replace(os.sep, "/"))
    files.sort()
    top_files = [f for f in files if "/" not in f]
    if len(top_files) > 4:
        problems.append(f"{len(top_files)} files directly in codegen/src (at most 4): {', '.join(top_files)}")
    for f in files:
        text = open(os.path.join(root, f), encoding="utf-8").read()
        lines = text.count("\n")
        if lines > 700:
            problems.append(f"{f}: {lines} lines (at most 700)")
        me = stage(f)
        if me is None:
            problems.append(f"{f}: not in a pipeline stage folder (common, corpus, families, formats, targets, cli)")
            continue
        if f.startswith("targets/") and 'R"(' in text:
            problems.append(f"{f}: a raw string literal in a target (runtimes live in codegen/asm as templates)")
        for inc in INCLUDE.findall(text):
            if not os.path.isfile(os.path.join(root, inc)):
                problems.append(f"{f}: includes \"{inc}\", which is not a file under codegen/src")
                continue
            other = stage(inc)
            if other is None:
                continue
            if other[0] > me[0]:
                problems.append(f"{f}: includes \"{inc}\", a later stage of the pipeline")
            elif other[0] == me[0] and other[1] != me[1]:
                problems.append(f"{f}: includes \"{inc}\", a sibling folder of the same stage")
    return files, problems


def selftest(root):
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "src")
        shutil.copytree(root, copy)
        with open(os.path.join(copy, "corpus", "corpus.cpp"), "a", encoding="utf-8") as f:
            f.write('#include "cli/options.hpp"\n')
        _, problems = check(copy)
        if not any("corpus/corpus.cpp" in p and "later stage" in p for p in problems):
            print("selftest: an upward include (corpus -> cli) was not reported")
            return 1
    print("selftest: an upward include is reported")
    return 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.join(here, "..", "..", "codegen", "src")
    args = sys.argv[1:]
    if "--root" in args:
        root = args[args.index("--root") + 1]
    if "--selftest" in args:
        return selftest(root)
    files, problems = check(root)
    for p in problems:
        print("layout:", p)
    if problems:
        print(f"{len(problems)} layout problems in {len(files)} files")
        return 1
    print(f"layout: {len(files)} files in codegen/src follow the pipeline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
