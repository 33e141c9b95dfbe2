#!/usr/bin/env python3
"""Compares `bpfvm verify` with PREVAIL's verdicts on ../shared/ebpf-samples.

Not a ctest (it takes a minute or two): run it by hand after verifier changes,
    python3 tests/verifier/compare_samples.py build/bpfvm [../shared]
It verifies every program of every object (sections libbpf cannot type get a
guessed type: xdp when "xdp" is in the name, sched_cls for Cilium's numbered
tail-call sections and tc/classifier sections, else socket_filter), matches
each with the row of prevail-results.tsv, prints the agreement table, the
reasons of the disagreements grouped, and the slowest programs.
"""
import collections
import csv
import json
import re
import subprocess
import sys


def main():
    bpfvm = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else "../shared"
    root = shared + "/ebpf-samples"
    prevail = {}
    for row in csv.DictReader(open(root + "/prevail-results.tsv"), delimiter="\t"):
        prevail.setdefault((row["path"], row["function"]), row["result"])
        prevail.setdefault((row["path"], row["section"]), row["result"])
    objects = sorted({k[0] for k in prevail if not k[0].startswith("invalid")})
    table = collections.Counter()
    reasons = collections.Counter()
    times = []

    def verify(obj, extra):
        r = subprocess.run([bpfvm, "verify", root + "/" + obj, "--json"] + extra,
                           capture_output=True, text=True, timeout=600)
        return json.loads(r.stdout)["programs"] if r.stdout.strip() else None

    for obj in objects:
        progs = verify(obj, [])
        if progs is None:
            table["object not opened"] += 1
            continue
        for p in progs:
            msg = p["message"] or ""
            if msg == "unknown program type 0":
                sec = p["section"].lower()
                guess = ("xdp" if "xdp" in sec or "xdp" in obj else
                         "sched_cls" if "cilium" in obj or sec.startswith("tc") or
                         "classifier" in sec or "/" in sec else "socket_filter")
                again = verify(obj, ["--prog", p["name"], "--type", guess])
                if again:
                    p = again[0]
                    msg = p["message"] or ""
            if msg.startswith("unknown program type"):
                table["program type not supported by bpfvm"] += 1
                continue
            theirs = prevail.get((obj, p["name"])) or prevail.get((obj, p["section"])) or "?"
            ours = "PASS" if p["verdict"] == "accepted" else "FAIL"
            table[f"prevail {theirs} / bpfvm {ours}"] += 1
            if theirs != ours:
                short = re.sub(r"^insn \d+: [^:]*: ", "", msg)
                short = re.sub(r"\(r\d+ = .*", "", short)
                reasons[re.sub(r"\d+", "N", short).strip() or "(accepted)"] += 1
            times.append((p["time_us"], obj, p["name"], p["insns_processed"]))
    for k, v in sorted(table.items()):
        print(f"{v:5d}  {k}")
    print("\ndisagreements by reason:")
    for k, v in reasons.most_common():
        print(f"{v:5d}  {k}")
    print("\nslowest:")
    for t, obj, name, n in sorted(times, reverse=True)[:5]:
        print(f"  {t / 1000:8.1f} ms  {n:8d} insns  {obj} {name}")


main()
