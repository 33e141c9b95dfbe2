#!/usr/bin/env python3
"""bpfvm's verifier against this machine's kernel verifier on ../shared/ebpf-samples.

Issue 7's bar is "the programs Linux accepts are accepted"; this is its
scoreboard. Not a ctest (root, a kernel with BPF, a minute or two): run it by
hand after verifier changes,
    python3 tests/verifier/compare_kernel.py build/tools/bpfvm-kverdict [../shared] [--tsv FILE]
It runs bpfvm-kverdict over every object of ebpf-samples (types guessed for
sections libbpf cannot type, as compare_samples.py does) and prints
  1. per directory, kernel accept/reject x bpfvm accept/reject (and the
     programs the kernel side could not try, with why);
  2. bpfvm's reasons for rejecting programs the kernel accepts, grouped: the
     verifier's work list;
  3. every program bpfvm accepts and the kernel rejects, with both reasons:
     each one is a soundness bug or a kernel rule that does not matter in
     user space, and must be reviewed.
--tsv FILE also saves every row the tool printed. How the tool decides
(types retried when the kernel refuses a guess, objects without a GPL license
judged as GPL when only the license is refused, what a skip is) is written at
the top of tools/kernel_verdict.c.
"""
import collections
import os
import re
import subprocess
import sys

COLUMNS = ["object", "program", "section", "type", "kernel", "kernel_reason", "bpfvm",
           "bpfvm_reason", "bpfvm_insns", "kernel_insns", "type_from"]


def uapi_names():
    """Helper, program-type and map-type names by number, from <linux/bpf.h>."""
    try:
        text = open("/usr/include/linux/bpf.h").read()
    except OSError:
        return {}, {}, {}

    def enum(name, prefix):
        body = re.search(r"enum %s \{(.*?)\};" % name, text, re.S)
        out, n = {}, 0
        for m in re.finditer(r"^\s*(\w+)\s*(?:=\s*([^,]+))?,", body.group(1) if body else "", re.M):
            if m.group(2) and not m.group(2).strip().isdigit():
                continue  # an alias of an earlier name
            if m.group(2):
                n = int(m.group(2))
            out[n] = m.group(1).replace(prefix, "").lower()
            n += 1
        return out

    helpers, n = {}, 0
    # "FN(name)" by position in older headers, "FN(name, id, ctx)" in newer
    block = re.search(r"#define ___?BPF_FUNC_MAPPER\(FN[^)]*\)(.*?)\n\n", text, re.S)
    for m in re.finditer(r"FN\((\w+)(?:,\s*(\d+))?", block.group(1) if block else ""):
        n = int(m.group(2)) if m.group(2) else n
        helpers[n] = m.group(1)
        n += 1
    return helpers, enum("bpf_prog_type", "BPF_PROG_TYPE_"), enum("bpf_map_type", "BPF_MAP_TYPE_")


HELPERS, PROG_TYPES, MAP_TYPES = uapi_names()
INSN_TEXT = re.compile(r"^(call -?\d+|callx [rw]\d+|if [rw]\d+|goto|gotol|exit|ld_\w+ |lock |"
                       r"[rw]\d+ |\*\()[^:]*: ")


def normalise(reason):
    """A bpfvm rejection without what differs between instances of one cause
    (positions, registers, offsets), keeping what names the cause (helper,
    program type, map type, opcode)."""
    r = reason
    r = re.sub(r"^\S+\.o: \S+: ", "", r)                   # "obj.o: prog: "
    r = re.sub(r"^[\w./-]+:\d+: ", "", r)                  # "parse.c:42: "
    r = re.sub(r"^(section \S+ )?insn \d+: ", "", r)       # "insn 17: "
    r = re.sub(r"^[\w./-]+:\d+: (section \S+ )?insn \d+: ", "", r)
    if ": " in r:
        r = INSN_TEXT.sub("", r)                           # the instruction's text
    r = re.sub(r" \(r\d+ = .*$", "", r)                    # the registers' abstract values
    r = re.sub(r"unknown helper (\d+)",
               lambda m: f"unknown helper {m.group(1)} ({HELPERS.get(int(m.group(1)), '?')})", r)
    r = re.sub(r"unknown program type (\d+)",
               lambda m: f"unknown program type {m.group(1)} "
                         f"({PROG_TYPES.get(int(m.group(1)), '?')})", r)
    r = re.sub(r"of type (\d+)",
               lambda m: f"of type {m.group(1)} ({MAP_TYPES.get(int(m.group(1)), '?')})", r)
    r = re.sub(r"'[^']*'", "'X'", r)
    r = re.sub(r"\b(r|w)\d+\b", r"\1N", r)
    r = re.sub(r"(?<!helper )(?<!program type )(?<!of type )(?<!opcode )(?<![\w(])-?\d+\b"
               r"(?! \()", "N", r)
    r = re.sub(r"(?<!opcode )0x[0-9a-f]+", "N", r)
    return r.strip() or "(empty)"


def run_tool(tool, path):
    r = subprocess.run([tool, path], capture_output=True, text=True, timeout=1800)
    rows = []
    for line in r.stdout.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        f = line.split("\t")
        if len(f) != len(COLUMNS):
            continue
        rows.append(dict(zip(COLUMNS, f)))
    err = r.stderr.strip().splitlines()
    return rows, r.returncode, [e for e in err if "note:" not in e], [e for e in err if "note:" in e]


def main():
    args = sys.argv[1:]
    tsv = None
    if "--tsv" in args:
        i = args.index("--tsv")
        tsv = args[i + 1]
        del args[i:i + 2]
    if not args:
        sys.exit(__doc__)
    tool = args[0]
    shared = args[1] if len(args) > 1 else "../shared"
    root = os.path.join(shared, "ebpf-samples")
    objects = sorted(os.path.relpath(os.path.join(d, f), root)
                     for d, _, files in os.walk(root) for f in files if f.endswith(".o"))
    rows, unopened, notes = [], [], []
    for obj in objects:
        got, rc, errors, obj_notes = run_tool(tool, os.path.join(root, obj))
        for r in got:
            r["object"] = obj
            r["dir"] = obj.split("/")[0]
        rows += got
        notes += obj_notes
        if rc != 0 and not got:
            unopened.append((obj, errors[0] if errors else f"exit {rc}"))

    if tsv:
        with open(tsv, "w") as f:
            f.write("\t".join(COLUMNS) + "\n")
            for r in rows:
                f.write("\t".join(r[c] for c in COLUMNS) + "\n")

    cells = [("accept", "accept"), ("accept", "reject"), ("reject", "accept"), ("reject", "reject")]
    table = collections.defaultdict(collections.Counter)
    for r in rows:
        table[r["dir"]][(r["kernel"], r["bpfvm"])] += 1
        table["TOTAL"][(r["kernel"], r["bpfvm"])] += 1
    print(f"bpfvm-kverdict over {len(objects)} objects of {root}: {len(rows)} programs "
          f"({len(unopened)} objects not opened by bpfvm)\n")
    print("kernel/bpfvm: K+B+ both accept, K+B- only the kernel accepts, K-B+ only bpfvm "
          "accepts, K-B- both reject; skip = the kernel side not tried\n")
    head = f"{'directory':<18}{'programs':>9}{'K+B+':>7}{'K+B-':>7}{'K-B+':>7}{'K-B-':>7}{'skip':>7}"
    print(head)
    print("-" * len(head))
    for d in sorted(table, key=lambda d: (d == "TOTAL", d)):
        c = table[d]
        skip = sum(v for (k, _), v in c.items() if k == "skip")
        print(f"{d:<18}{sum(c.values()):>9}" + "".join(f"{c[x]:>7}" for x in cells) + f"{skip:>7}")
    by_type = collections.defaultdict(collections.Counter)
    for r in rows:
        by_type[r["type"]][(r["kernel"], r["bpfvm"])] += 1
    print(f"\n{'program type':<18}{'programs':>9}{'K+B+':>7}{'K+B-':>7}{'K-B+':>7}{'K-B-':>7}{'skip':>7}")
    print("-" * len(head))
    for t in sorted(by_type, key=lambda t: -sum(by_type[t].values())):
        c = by_type[t]
        skip = sum(v for (k, _), v in c.items() if k == "skip")
        print(f"{t:<18}{sum(c.values()):>9}" + "".join(f"{c[x]:>7}" for x in cells) + f"{skip:>7}")
    tot = table["TOTAL"]
    kacc = tot[cells[0]] + tot[cells[1]]
    if kacc:
        print(f"\nof the {kacc} programs the kernel accepts, bpfvm accepts {tot[cells[0]]} "
              f"({100.0 * tot[cells[0]] / kacc:.1f}%)")

    print("\nbpfvm's reasons for rejecting programs the kernel accepts (grouped):")
    groups = collections.defaultdict(list)
    for r in rows:
        if r["kernel"] == "accept" and r["bpfvm"] == "reject":
            groups[normalise(r["bpfvm_reason"])].append(r)
    for reason, rs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        dirs = collections.Counter(r["dir"] for r in rs)
        ex = rs[0]
        print(f"{len(rs):5d}  {reason}")
        print(f"       in {', '.join(f'{d} {n}' for d, n in dirs.most_common())}; e.g. "
              f"{ex['object']} {ex['program']}: {ex['bpfvm_reason'][:200]}")

    print("\nprograms bpfvm accepts and the kernel rejects (each to be reviewed):")
    only = [r for r in rows if r["kernel"] == "reject" and r["bpfvm"] == "accept"]
    if not only:
        print("  none")
    for r in only:
        print(f"  {r['object']} {r['program']} ({r['type']}, section {r['section']}, type "
              f"{r['type_from']}): kernel: {r['kernel_reason']}")

    print("\nprograms the kernel side did not try:")
    skips = collections.Counter()
    for r in rows:
        if r["kernel"] == "skip":
            why = r["kernel_reason"]
            if why.startswith("not linked"):
                why += ": " + normalise(r["bpfvm_reason"])
            skips[(r["dir"], why)] += 1
    for (d, why), n in sorted(skips.items(), key=lambda kv: -kv[1]):
        print(f"{n:5d}  {d}: {why}")
    if not skips:
        print("  none")

    print("\nobjects bpfvm does not open:")
    for obj, why in unopened:
        print(f"  {obj}: {why}")
    if not unopened:
        print("  none")
    if notes:
        print("\nwhat the kernel refused of the objects themselves:")
        for n in notes:
            print("  " + n.replace("bpfvm-kverdict: note: " + root + "/", ""))

    retyped = sum(r["type_from"] == "retyped" for r in rows)
    as_gpl = sum("(as GPL;" in r["kernel_reason"] for r in rows)
    print(f"\n{retyped} programs were judged under another type than the guess (the kernel "
          f"refused the guess), {as_gpl} as GPL (their objects have no GPL license)")

    both = [r for r in rows if r["kernel"] == "accept" and r["bpfvm"] == "accept" and
            int(r["kernel_insns"] or 0) > 0]
    both.sort(key=lambda r: -int(r["bpfvm_insns"]) / int(r["kernel_insns"]))
    print("\nprograms both accept where bpfvm processes the most instructions per kernel "
          "instruction (pruning and precision leads):")
    for r in both[:10]:
        print(f"  {int(r['bpfvm_insns']) / int(r['kernel_insns']):7.1f}x {int(r['bpfvm_insns']):9d} "
              f"{int(r['kernel_insns']):9d}  {r['object']} {r['program']}")

    slow = sorted(rows, key=lambda r: -int(r["bpfvm_insns"] or 0))[:5]
    print("\nmost instructions processed by bpfvm (kernel's count beside it):")
    for r in slow:
        print(f"  {int(r['bpfvm_insns']):9d} {int(r['kernel_insns']):9d}  {r['object']} "
              f"{r['program']} (bpfvm {r['bpfvm']}, kernel {r['kernel']})")


main()
