#!/usr/bin/python3
"""Golden end-to-end output of `vpnscope decode` and `vpnscope sa` for every capture in
samples/ (with the user-level key files of its folder) and ../shared/captures (with their
published keys), compared byte for byte.

usage: golden.py VPNSCOPE SAMPLES SHARED check|regen

Regenerate only after checking the differences are intended: tests/golden/regen.sh."""
import difflib
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "out")
KEY_NAMES = ("esp_sa", "ikev1_decryption_table", "ikev2_decryption_table")


def cases(samples, shared):
    for cap in sorted(glob.glob(os.path.join(samples, "*", "*.pcap"))):
        d = os.path.dirname(cap)
        keys = [os.path.join(d, k) for k in KEY_NAMES if os.path.exists(os.path.join(d, k))]
        yield "samples/" + os.path.relpath(cap, samples), cap, keys
    if shared and os.path.isdir(shared):
        for cap in sorted(glob.glob(os.path.join(shared, "*.pcap")) + glob.glob(os.path.join(shared, "*.cap"))):
            keys = [k for k in (cap + ".keys.wireshark-esp_sa.DERIVED.txt",) if os.path.exists(k)]
            yield "shared/" + os.path.basename(cap), cap, keys


def run(vpnscope, cmd, cap, keys):
    args = [vpnscope, cmd, cap, "--no-progress"]
    for k in keys:
        args += ["-k", k]
    p = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, TZ="UTC"))
    # Paths differ between checkouts: show them relative to the capture's folder.
    out = p.stdout + p.stderr + "exit %d\n" % p.returncode
    for k in keys + [cap]:
        out = out.replace(k, os.path.basename(k))
    return out


def main():
    vpnscope, samples, shared, mode = sys.argv[1:5]
    n = bad = 0
    seen = set()
    for name, cap, keys in cases(samples, shared):
        for cmd in ("decode", "sa"):
            rel = name + "." + cmd + ".txt"
            seen.add(rel)
            path = os.path.join(GOLDEN, rel)
            got = run(vpnscope, cmd, cap, keys)
            n += 1
            if mode == "regen":
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(got)
                continue
            if not os.path.exists(path):
                print("FAIL %s: no golden file (tests/golden/regen.sh)" % rel)
                bad += 1
                continue
            want = open(path).read()
            if want != got:
                bad += 1
                print("FAIL %s differs:" % rel)
                sys.stdout.writelines(list(difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True), "golden", "now"))[:40])
    if mode == "check" and not os.path.isdir(shared):
        print("note: %s absent: shared captures skipped" % shared)
    print("%d outputs %s, %d differ" % (n, "written" if mode == "regen" else "compared", bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
