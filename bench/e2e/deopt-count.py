#!/usr/bin/env python3
"""Counts C2's deoptimizations in the logs deopt-lab.sh wrote, after the warm-up.

usage: deopt-count.py OUTDIR   (OUTDIR/{A,B}.deopt, {A,B}.out, window)

A trap is counted once per (thread, millisecond, compile id, method, bci, reason): the JVM logs
one trap on several identical lines. For each daemon: traps in jwg.* code (by method, bci,
reason, action, and the compiled method it happened in), all traps, and from PrintCompilation
the "made not entrant" count and the C2 (level 4) compilations of jwg.* methods in the window.
"""
import collections, os, re, sys

out = sys.argv[1]
start_ms, warm, end_ms = open(os.path.join(out, "window")).read().split()
lo = int(start_ms) + int(float(warm) * 1000)
hi = int(end_ms)

TRAP = re.compile(r"\[(\d+\.\d+)s\]\[(\d+)ms\]\[(\d+)\] cid=\s*(\d+)\s+level=(\d) (\S+) trap_bci=(\d+) (\S+) (\S+)")
COMP = re.compile(r"^\s*(\d+)\s+(\d+)\s+([%sbn!]*)\s*(\d)\s+(\S+)")

for side in ("A", "B"):
    dpath = os.path.join(out, side + ".deopt")
    if not os.path.exists(dpath):
        continue
    seen = set()
    offset = None   # wall ms - uptime ms
    traps = []
    for line in open(dpath, errors="replace"):
        m = TRAP.match(line)
        if not m:
            continue
        up, wall, tid, cid, level, method, bci, reason, action = m.groups()
        offset = int(wall) - int(float(up) * 1000)
        key = (tid, wall, cid, method, bci, reason)
        if key in seen:
            continue
        seen.add(key)
        if lo <= int(wall) <= hi:
            traps.append((cid, method, bci, reason, action))
    # compile id -> compiled method (PrintCompilation)
    names = {}
    nmethods_in_window = []
    not_entrant = 0
    not_entrant_jwg = collections.Counter()
    opath = os.path.join(out, side + ".out")
    for line in open(opath, errors="replace") if os.path.exists(opath) else []:
        m = COMP.match(line)
        if not m:
            continue
        t, cid, flags, level, method = m.groups()
        names.setdefault(cid, method)
        if offset is None:
            continue
        wall = int(t) + offset
        if not (lo <= wall <= hi):
            continue
        if "made not entrant" in line:
            not_entrant += 1
            if method.startswith("jwg."):
                not_entrant_jwg[method] += 1
        elif level == "4" and method.startswith("jwg.") and "made zombie" not in line:
            nmethods_in_window.append(method)
    jwg = [t for t in traps if t[1].startswith("jwg.")]
    print(f"== daemon {side}: window {(hi - lo) / 1000:.1f} s after {warm} s warm-up: "
          f"{len(traps)} traps in all, {len(jwg)} in jwg.*, {not_entrant} made not entrant "
          f"({sum(not_entrant_jwg.values())} jwg.*), {len(nmethods_in_window)} C2 compiles of jwg.*")
    by = collections.Counter((t[1].split("(")[0], t[2], t[3], t[4], names.get(t[0], "?")) for t in traps)
    for (method, bci, reason, action, unit), n in by.most_common():
        if not (method.startswith("jwg.") or unit.startswith("jwg.")):
            continue
        print(f"  {n:4d}  {method} bci={bci} {reason} {action}   [in {unit}]")
    other = collections.Counter((t[1].split("(")[0], t[3]) for t in traps
                                if not (t[1].startswith("jwg.") or names.get(t[0], "?").startswith("jwg.")))
    if other:
        print("  other:", ", ".join(f"{m} {r} x{n}" for (m, r), n in other.most_common(8)))
    if not_entrant_jwg:
        print("  made not entrant (jwg.*):", ", ".join(f"{m} x{n}" for m, n in not_entrant_jwg.most_common(10)))
    if nmethods_in_window:
        print("  C2 compiles (jwg.*):", ", ".join(f"{m} x{n}" for m, n in collections.Counter(nmethods_in_window).most_common(10)))
