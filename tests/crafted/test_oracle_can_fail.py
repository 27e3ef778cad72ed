#!/usr/bin/python3
"""The oracle tests must be able to fail: each mutation of a copy of the samples (a flipped ICV byte,
a wrong key, a damaged NHRP field, a wrong expected.md line, a wrong SKEYID_d, a damaged ciphertext)
must make the corresponding test exit 1."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle as o  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def flip(path, frame_no, offset_from_end):
    gh, recs = o.pcap_records(path)
    out = [gh]
    for i, (h, f) in enumerate(recs):
        if i + 1 == frame_no:
            b = bytearray(f)
            b[len(b) - offset_from_end] ^= 0x01
            f = bytes(b)
        out.append(h + f)
    open(path, "wb").write(b"".join(out))


def edit(path, old, new):
    s = open(path).read()
    assert old in s, "mutation target not found in %s" % path
    open(path, "w").write(s.replace(old, new, 1))


def first_key_char(path):
    for line in open(path):
        if not line.startswith("#") and line.strip():
            return line.strip()


MUTATIONS = [
    ("getvpn", "ICV byte of the last ESP packet", lambda d: flip(os.path.join(d, "getvpn", "getvpn-3des.pcap"), 44, 1)),
    ("getvpn", "wrong phase-1 key in ikev1_decryption_table",
     lambda d: edit(os.path.join(d, "getvpn", "ikev1_decryption_table"),
                    first_key_char(os.path.join(d, "getvpn", "ikev1_decryption_table"))[-4:] + "\n", "0000\n")),
    ("getvpn", "ciphertext byte of a rekey", lambda d: flip(os.path.join(d, "getvpn", "getvpn-3des.pcap"), 37, 40)),
    ("dmvpn_phase2", "NHRP byte of the direct Resolution Reply", lambda d: flip(os.path.join(d, "dmvpn-phase2", "dmvpn-phase2.pcap"), 16, 30)),
    ("dmvpn_cisco_forms", "expected.md says the reply went via the hub",
     lambda d: edit(os.path.join(d, "dmvpn-cisco-forms", "expected.md"), "14 | 198.51.100.22 | 198.51.100.21 |", "14 | 198.51.100.22 | 203.0.113.1 |")),
    ("dmvpn_phase3_ipsec", "wrong SKEYID_d", lambda d: edit(os.path.join(d, "dmvpn-phase3-ipsec-crafted", "ikev1_skeyid"), ",7776", ",7777")),
    ("getvpn_bad_identity", "ciphertext byte of the refusal", lambda d: flip(os.path.join(d, "getvpn-bad-identity", "getvpn-bad-identity.pcap"), 8, 5)),
]


def main():
    o.need_tshark()
    for test, what, mutate in MUTATIONS:
        tmp = tempfile.mkdtemp(prefix="vs-mut-")
        d = os.path.join(tmp, "samples")
        shutil.copytree(o.SAMPLES, d, ignore=shutil.ignore_patterns("crafted"))
        mutate(d)
        r = subprocess.run([sys.executable, os.path.join(HERE, "test_%s.py" % test)],
                           env=dict(os.environ, VS_CRAFTED_SAMPLES=d), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        fails = [l for l in r.stdout.splitlines() if l.startswith("FAIL") or "Error" in l]
        o.check(r.returncode == 1 and fails, "test_%s fails on: %s (%s)" % (test, what, fails[0][:90] if fails else "no failure"))
        shutil.rmtree(tmp)
    o.done()


if __name__ == "__main__":
    main()
