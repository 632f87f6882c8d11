#!/usr/bin/env python3
"""c64_chat.py - the bundled chat transformer chatting on an emulated C64.

  c64_chat.py --gen GEN --model FILE --roms DIR --mame MAME --work DIR
              --prompts FILE [--screenshot PNG] [--sample INV_TEMP TOP_K SEED]
              [--mutate FROM TO --expect-stray]

Steps: `GEN emit --target c64` (twice: the same files), the build command it
prints (cl65, then cc1541 for the D64), the PRG read back out of the D64
(track 18 directory, then the file's sector chain) must equal TINYLM.PRG;
then MAME's c64p with the free ROMs in DIR quickloads that PRG, run.lua types
every line of the prompts file on the emulated keyboard, and each reply on
the screen must be the oracle's (`GEN generate --model FILE --prompt P
--max-length 4096`, greedy, or sampled the same way with --sample), shown
as the shell shows bytes. RUN/STOP at the
end must return to BASIC (READY. after "bye."). Exit status 77 (skipped) only
when the ROM folder is absent.

Memory confinement: from the linker map, every address outside the program's
planned regions gets a MAME write tap (run.lua). The program's own code may
write its zero page, the stack, its CODE (self-modifying operands), DATA,
BSS and TLMBSS (the runtime's buffers, in the RAM under the KERNAL ROM), and
the system locations the shell keeps: $01 (banking), $02A7 (the state
byte), $0318/$0319 and $FFFA/$FFFB (the NMI vectors), $D020 (the border);
any other
write with the PC in CODE, and any write at all into the loaded image
(the BASIC line, RODATA, PAGES: the model's tables), fails the run.
--mutate FROM TO replaces FROM (once, in the emitted shell.s) before the
build; with --expect-stray the run must then report a stray write, with
--expect-wrong show a reply that is not the oracle's or stop answering.

A prompts line is what is typed, with key names in braces: {DEL}, {F1},
{HOME}, {CRSR RIGHT}, {CLR}, {RED}, {SHIFT-X} (a shifted letter); the model's
prompt is what the shell makes of it (DEL removes a character; function,
cursor, colour and graphics keys are ignored; a shifted letter is a capital).
"""
import argparse
import os
import shutil
import subprocess
import sys

KEYS = {"DEL": 20, "F1": 133, "F3": 134, "HOME": 19, "CLR": 147, "CRSR RIGHT": 29, "CRSR DOWN": 17,
        "RED": 28, "POUND": 92}


def fail(msg):
    print("c64_chat: " + msg, file=sys.stderr)
    sys.exit(1)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode != 0:
        fail("%s failed (exit %d):\n%s%s" % (cmd if isinstance(cmd, str) else " ".join(cmd), r.returncode,
                                             r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")))
    return r.stdout


def typed(line):
    """(PETSCII key codes, the model's prompt) of a prompts line."""
    keys, prompt, i = [], "", 0
    while i < len(line):
        c = line[i]
        if c == "{":
            j = line.index("}", i)
            name = line[i + 1:j]
            i = j + 1
            if name.startswith("SHIFT-"):
                letter = name[6:]
                keys.append(ord(letter.upper()) + 128)
                prompt += letter.upper()
            else:
                keys.append(KEYS[name])
                if name == "DEL":
                    prompt = prompt[:-1]
            continue
        b = ord(c)
        if "a" <= c <= "z":
            keys.append(b - 32)
        elif 32 <= b <= 64:
            keys.append(b)
        else:
            fail("cannot type %r" % c)
        prompt += c
        i += 1
    keys.append(13)
    return keys, prompt


def shown(reply):
    """The reply as the shell shows it (shell.s: to_screen)."""
    return "".join(c if 32 <= ord(c) <= 63 or c.isalpha() and c.isascii() else "?" for c in reply)


def prg_from_d64(d64, name):
    """The file `name` read out of a D64: the directory at track 18, then its sector chain."""
    def offset(track, sector):
        spt = [21] * 17 + [19] * 7 + [18] * 6 + [17] * 10
        return (sum(spt[:track - 1]) + sector) * 256
    track, sector = 18, 1
    while track != 0:
        block = d64[offset(track, sector):offset(track, sector) + 256]
        for e in range(8):
            entry = block[e * 32:(e + 1) * 32]
            if entry[2] & 7 == 2 and entry[5:21].rstrip(b"\xa0").decode("latin-1") == name:
                out, t, s = bytearray(), entry[3], entry[4]
                while t != 0:
                    data = d64[offset(t, s):offset(t, s) + 256]
                    out += data[2:] if data[0] != 0 else data[2:data[1] + 1]
                    t, s = data[0], data[1]
                return bytes(out)
        track, sector = block[0], block[1]
    fail("%s is not in the D64's directory" % name)


def write_taps(segments):
    """(first, last, who) of every range outside the program's planned regions
    (see the module comment): who is "code" (a write by the program's code is
    stray) or "any" (the loaded image: any write is stray)."""
    image = [(segments[n][0], segments[n][1]) for n in ("EXEHDR", "RODATA", "PAGES") if n in segments]
    if "PAGES" in segments and "RODATA" in segments:
        image.append((segments["RODATA"][1] + 1, segments["PAGES"][0] - 1))  # the alignment gap, loaded too
    allowed = [(0x01, 0x01), (0x0100, 0x01FF), (0x02A7, 0x02A7), (0x0318, 0x0319), (0xD020, 0xD020),
               (0xFFFA, 0xFFFB)]
    allowed += [segments[n] for n in ("ZEROPAGE", "CODE", "DATA", "BSS", "TLMBSS") if n in segments]
    taps = [(first, last, "any") for first, last in image if first <= last]
    covered = sorted(allowed + [(f, l) for f, l, _ in taps])
    at = 0
    for first, last in covered:
        if first > at:
            taps.append((at, first - 1, "code"))
        at = max(at, last + 1)
    if at <= 0xFFFF:
        taps.append((at, 0xFFFF, "code"))
    return sorted(taps)


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--gen", "--model", "--roms", "--mame", "--work", "--prompts"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--screenshot")
    ap.add_argument("--sample", nargs=3, metavar=("INV_TEMP", "TOP_K", "SEED"),
                    help="emit the program with sampling (--inv-temp, --top-k, --seed) and expect generate's sampled replies")
    ap.add_argument("--mutate", nargs=2, metavar=("FROM", "TO"), help="plant a bug in the emitted shell.s")
    ap.add_argument("--expect-stray", action="store_true", help="the run must report a stray write")
    ap.add_argument("--expect-wrong", action="store_true",
                    help="some reply must differ from the oracle's, or the program stop answering (a planted bug is seen)")
    a = ap.parse_args()
    if not os.path.isdir(a.roms) or not os.path.exists(os.path.join(a.roms, "c64", "901227-03.u4")):
        print("c64_chat: no C64 ROMs in %s: skipped" % a.roms)
        sys.exit(77)
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    out = {}
    for d in ("a", "b"):
        extra = ["--inv-temp", a.sample[0], "--top-k", a.sample[1], "--seed", a.sample[2]] if a.sample else []
        out[d] = run([a.gen, "emit", "--target", "c64", "--model", a.model, "-o", os.path.join(work, d)] + extra).decode()
    for f in os.listdir(os.path.join(work, "a")):
        if open(os.path.join(work, "a", f), "rb").read() != open(os.path.join(work, "b", f), "rb").read():
            fail("two emits of the same model differ in " + f)
    if a.mutate:
        path = os.path.join(work, "a", "shell.s")
        text = open(path).read()
        old, new = (x.encode().decode("unicode_escape") for x in a.mutate)
        if text.count(old) != 1:
            fail("--mutate: %r occurs %d times in shell.s (once is needed)" % (old, text.count(old)))
        open(path, "w").write(text.replace(old, new))
    build = out["a"].split("Build with:\n")[1].split("\n")[0]
    run(build, shell=True)
    # The printed plan is an upper bound of what ld65 placed: code, tables and
    # buffers end at or before $0801 + their planned sizes.
    import re
    plan = re.search(r"code \(at most (\d+) bytes[^)]*\), the model \((\d+) bytes of tables\) and the buffers \((\d+) bytes", out["a"])
    if not plan:
        fail("emit printed no program line in its memory map:\n" + out["a"])
    planned_end = 0x0801 + sum(int(x) for x in plan.groups())
    segments = {name: (int(first, 16), int(last, 16)) for name, first, last in re.findall(
        r"^(\w+)\s+([0-9A-F]{6})\s+([0-9A-F]{6})\s+[0-9A-F]{6}", open(os.path.join(work, "a", "tinylm.map")).read(), re.M)}
    used_end = segments["BSS"][1] + 1
    if used_end > planned_end or used_end > 0xD000:
        fail("ld65 placed the program up to $%04X, beyond the plan's $%04X (or $D000)" % (used_end, planned_end))
    under = re.search(r"the runtime's buffers \((\d+) bytes", out["a"])
    if not under or "TLMBSS" not in segments:
        fail("no runtime buffers under the KERNAL in the plan or the map")
    first, last = segments["TLMBSS"]
    if first != 0xE000 or last > 0xFFF9 or last + 1 - first > int(under.group(1)):
        fail("ld65 placed the runtime's buffers at $%04X-$%04X: not within $E000-$FFF9 and the plan's %s bytes"
             % (first, last, under.group(1)))
    prg = open(os.path.join(work, "a", "TINYLM.PRG"), "rb").read()
    from_disk = prg_from_d64(open(os.path.join(work, "a", "tinylm.d64"), "rb").read(), "TINYLM")
    if from_disk != prg:
        fail("the PRG in tinylm.d64 differs from TINYLM.PRG (%d and %d bytes)" % (len(from_disk), len(prg)))
    load = prg[0] | prg[1] << 8
    if load != 0x0801 or load + len(prg) - 2 > 0xD000:
        fail("the PRG loads at $%04X-$%04X: not at $0801 or across $D000" % (load, load + len(prg) - 3))
    with open(os.path.join(work, "from_disk.prg"), "wb") as f:
        f.write(from_disk)

    cases = []
    with open(a.prompts) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                keys, prompt = typed(line)
                extra = ["--inv-temp", a.sample[0], "--top-k", a.sample[1], "--seed", a.sample[2]] if a.sample else []
                reply = run([a.gen, "generate", "--model", a.model, "--prompt", prompt, "--max-length", "4096"] + extra).decode()
                cases.append((line, keys, prompt, reply.rstrip("\n")))
    with open(os.path.join(work, "keys.txt"), "w") as f:
        for _, keys, _, _ in cases:
            f.write(" ".join(map(str, keys)) + "\n")
    lua = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "run.lua")).read()
    lua = lua.replace("@PROMPTS@", os.path.join(work, "keys.txt")).replace("@OUT@", os.path.join(work, "screens.txt"))
    lua = lua.replace("@TAPS@", ", ".join("{%d, %d, \"%s\"}" % t for t in write_taps(segments)))
    lua = lua.replace("@CODE_FIRST@", str(segments["CODE"][0])).replace("@CODE_LAST@", str(segments["CODE"][1]))
    with open(os.path.join(work, "run.lua"), "w") as f:
        f.write(lua)
    seconds = 30 + 60 * len(cases)
    cmd = ["timeout", "-k", "10", str(60 + seconds // 2), a.mame, "c64p", "-rompath", a.roms, "-iec8", "",
           "-quik", os.path.join(work, "from_disk.prg"), "-video", "none", "-sound", "none", "-nothrottle",
           "-cfg_directory", os.path.join(work, "cfg"), "-nvram_directory", os.path.join(work, "nvram"),
           "-snapshot_directory", os.path.join(work, "snap"), "-autoboot_script", os.path.join(work, "run.lua"),
           "-seconds_to_run", str(seconds)]
    env = dict(os.environ, HOME=work)
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=open(os.path.join(work, "mame.log"), "wb"),
                   stderr=subprocess.STDOUT, env=env, cwd=work)
    screens = open(os.path.join(work, "screens.txt")).read() if os.path.exists(os.path.join(work, "screens.txt")) else ""
    if "DONE\n" not in screens and a.expect_wrong:
        print("the planted bug was caught: the program stopped answering (MAME's time ran out; see %s/mame.log)" % work)
        return
    if "DONE\n" not in screens:
        fail("MAME stopped before the script finished (see %s/mame.log); screens so far:\n%s" % (work, screens[-2200:]))
    stray_lines = [l for l in screens.split("\n") if l.startswith("STRAY ")]
    stray_count = int(re.search(r"^STRAYS (\d+)$", screens, re.M).group(1))
    if a.expect_stray:
        if stray_count == 0:
            fail("the planted bug made no stray write that the taps saw")
        print("the planted stray write was caught (%d writes):\n%s" % (stray_count, "\n".join(stray_lines)))
        return
    if stray_count:
        fail("%d stray writes outside the program's planned regions:\n%s" % (stray_count, "\n".join(stray_lines)))
    blocks = screens.split("SCREEN ")[1:]
    if len(blocks) != len(cases):
        fail("%d screens for %d prompts" % (len(blocks), len(cases)))
    for (line, _, prompt, reply), block in zip(cases, blocks):
        rows = block.split("\n")[1:26]
        typed_text = "> " + prompt
        at = max((r for r in range(len(rows)) if rows[r].rstrip() == typed_text.rstrip()), default=-1)
        if at < 0:
            fail("the prompt %r is not on the screen:\n%s" % (typed_text, "\n".join(rows)))
        got_rows = []
        for r in rows[at + 1:]:
            if r.startswith("> "):
                break
            got_rows.append(r.ljust(40))
        got = "".join(got_rows).rstrip()
        if got != shown(reply):
            if a.expect_wrong:
                print("the planted bug was caught: typed %r, the C64 shows %r, the oracle replies %r"
                      % (line, got, shown(reply)))
                return
            fail("typed %r (prompt %r): the C64 shows %r, the oracle replies %r" % (line, prompt, got, shown(reply)))
        print("typed %-34r -> %r" % (line, got))
    if a.expect_wrong:
        fail("the planted bug changed no reply: the comparison cannot fail")
    quit_screen = screens.split("QUIT\n")[1].lower()  # the shell leaves the upper case set: READY. shows as text
    if "bye." not in quit_screen or "ready." not in quit_screen.split("bye.")[1]:
        fail("RUN/STOP did not return to BASIC:\n" + quit_screen)
    if a.screenshot:
        shutil.copyfile(os.path.join(work, "snap", "c64p", "0000.png"), a.screenshot)
    print("%d prompts typed on the emulated C64: every reply is the oracle's; RUN/STOP returned to BASIC" % len(cases))


if __name__ == "__main__":
    main()
