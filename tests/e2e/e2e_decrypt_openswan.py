#!/usr/bin/python3
"""All four keyed Openswan ESP captures decrypt with the DERIVED esp_sa files (ICV good),
and the inner packets `vpnscope decrypt` writes are byte-identical to what tshark 4.0
decrypts with the same keys (oracle). usage: e2e_decrypt_openswan.py VPNSCOPE CAPTURES_DIR"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import check_frame_stack, read_pcapng, run, skip, tshark_decrypted  # noqa: E402

vpnscope, cdir = sys.argv[1], sys.argv[2]
NAMES = ["aes128", "esp-noauth", "esp-sha1", "udpesp-ping"]
caps = [os.path.join(cdir, f"openswan-klips__08-sunrise-sunset-{n}.pcap") for n in NAMES]
if not all(os.path.exists(c) for c in caps):
    skip(f"../shared/captures is absent ({cdir}): skipped, as on a user's machine")
check_frame_stack(vpnscope, caps[0])
have_tshark = run(["sh", "-c", "command -v tshark"])[0] == 0

total_agree = total = 0
fail = False
for cap in caps:
    keys = cap + ".keys.wireshark-esp_sa.DERIVED.txt"
    name = os.path.basename(cap)
    # sa: 8 decrypted, 0 ICV failures, exit 0
    rc, out, err = run([vpnscope, "sa", cap, "-k", keys, "--no-progress"])
    ok = rc == 0 and "#pkts decrypt: 8" in out and "ICV failures (verify failed): 0" in out \
        and "8  ESP decrypted" in out
    if not ok:
        print(f"FAIL {name}: sa rc={rc}\n{out}\n{err}")
        fail = True
    with tempfile.TemporaryDirectory() as td:
        o = os.path.join(td, "out.pcapng")
        rc, out, err = run([vpnscope, "decrypt", cap, "-k", keys, "-w", o, "--no-progress"])
        if rc != 0:
            print(f"FAIL {name}: decrypt rc={rc} {err}")
            fail = True
            continue
        pk = read_pcapng(o)
        if len(pk) != 8:
            print(f"FAIL {name}: {len(pk)} frames written, want 8")
            fail = True
            continue
        mine = {}
        for i, (lt, data, comment) in enumerate(pk, 1):
            want = f"vpnscope: decrypted ESP from frame {i}, SPI 0x"
            if not comment or not comment.startswith(want) or f"sequence {i}," not in comment:
                print(f"FAIL {name}: frame {i} comment {comment!r}")
                fail = True
            if "noauth" not in name and "ICV good" not in (comment or ""):
                print(f"FAIL {name}: frame {i} ICV not good: {comment!r}")
                fail = True
            if lt != 1 or data[12:14] != b"\x08\x00":
                print(f"FAIL {name}: frame {i} not Ethernet/IPv4 (link type {lt})")
                fail = True
            mine[i] = data[14:]
        if not have_tshark:
            print(f"ok {name}: 8 decrypted (tshark absent: oracle skipped)")
            continue
        theirs, icv = tshark_decrypted(cap, keys)
        agree = sum(1 for i in mine if theirs.get(i) == mine[i])
        total_agree += agree
        total += len(mine)
        if agree != len(mine):
            for i in mine:
                if theirs.get(i) != mine[i]:
                    print(f"FAIL {name}: frame {i} differs from tshark:\n  vpnscope {mine[i].hex()}\n"
                          f"  tshark   {(theirs.get(i) or b'').hex()}")
                    break
            fail = True
        if "noauth" not in name and not all(icv.get(i) == "1" for i in mine):
            print(f"FAIL {name}: tshark did not judge every ICV good: {icv}")
            fail = True
        print(f"ok {name}: {agree}/{len(mine)} inner packets byte-identical to tshark")
# standard input and output: "-" for the capture and for -w
import subprocess  # noqa: E402
cap, keys = caps[0], caps[0] + ".keys.wireshark-esp_sa.DERIVED.txt"
with open(cap, "rb") as f:
    p = subprocess.run([vpnscope, "sa", "-", "-k", keys, "--no-progress"], stdin=f, capture_output=True)
if p.returncode != 0 or b"8  ESP decrypted" not in p.stdout:
    print(f"FAIL capture from stdin: {p.returncode} {p.stdout[-300:]!r} {p.stderr!r}")
    fail = True
p = subprocess.run([vpnscope, "decrypt", cap, "-k", keys, "-w", "-", "--no-progress"], capture_output=True)
with tempfile.NamedTemporaryFile(suffix=".pcapng") as t:
    t.write(p.stdout)
    t.flush()
    if p.returncode != 0 or len(read_pcapng(t.name)) != 8 or b"8  ESP decrypted" not in p.stderr:
        print(f"FAIL decrypt -w -: rc={p.returncode} stderr={p.stderr!r}")
        fail = True
if have_tshark:
    print(f"oracle agreement: {total_agree}/{total}")
sys.exit(1 if fail else 0)
