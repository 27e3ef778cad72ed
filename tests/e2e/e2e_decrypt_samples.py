#!/usr/bin/python3
"""Every ESP packet of the keyed samples (crafted DMVPN phase 3 over IPsec: ESP transport of
GRE; GETVPN group SAs under 3DES and AES) decrypts with good ICVs, and the inner bytes
`vpnscope decrypt` writes are byte-identical to what tshark 4.0 decrypts with the same esp_sa
file. usage: e2e_decrypt_samples.py VPNSCOPE SAMPLES_DIR"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import read_pcapng, run, skip, tshark_decrypted  # noqa: E402

vpnscope, sdir = sys.argv[1], sys.argv[2]
CASES = [  # capture, esp_sa, ESP frames
    ("dmvpn-phase3-ipsec-crafted/dmvpn-phase3-ipsec-crafted.pcap",
     "dmvpn-phase3-ipsec-crafted/all-keys/esp_sa", 16),
    ("getvpn/getvpn-3des.pcap", "getvpn/all-keys/esp_sa", 12),
    ("getvpn/getvpn-aes.pcap", "getvpn/all-keys/esp_sa", 12),
]
have = [(os.path.join(sdir, c), os.path.join(sdir, k), n) for c, k, n in CASES
        if os.path.exists(os.path.join(sdir, c))]
if not have:
    skip(f"no keyed samples in {sdir}")
have_tshark = run(["sh", "-c", "command -v tshark"])[0] == 0
fail = False
total = agree_all = 0
for cap, keys, n_esp in have:
    name = os.path.relpath(cap, sdir)
    with tempfile.TemporaryDirectory() as td:
        out = os.path.join(td, "o.pcapng")
        rc, so, se = run([vpnscope, "decrypt", cap, "-k", keys, "-w", out, "--no-progress"])
        if rc != 0 or f"{n_esp:10d}  ESP decrypted" not in so:
            print(f"FAIL {name}: rc={rc}\n{so}{se}")
            fail = True
            continue
        pk = read_pcapng(out)
        dec = {}
        for i, (lt, data, comment) in enumerate(pk, 1):
            if comment and comment.startswith("vpnscope: decrypted ESP"):
                if "ICV good" not in comment:
                    print(f"FAIL {name}: frame {i}: {comment}")
                    fail = True
                dec[i] = data
        if len(dec) != n_esp:
            print(f"FAIL {name}: {len(dec)} decrypted frames written, want {n_esp}")
            fail = True
        if not have_tshark:
            continue
        theirs, icv = tshark_decrypted(cap, keys)
        agree = 0
        for i, data in dec.items():
            t = theirs.get(i)
            # tunnel mode: the inner packet follows the link header; transport mode: it
            # follows the rewritten outer IP header
            ihl = (data[14] & 15) * 4
            if t is not None and (data[14:] == t or data[14 + ihl:] == t) and icv.get(i) == "1":
                agree += 1
            else:
                print(f"FAIL {name}: frame {i} differs from tshark\n  vpnscope {data[14:].hex()}\n"
                      f"  tshark   {(t or b'').hex()} icv={icv.get(i)}")
                fail = True
        total += len(dec)
        agree_all += agree
        print(f"ok {name}: {agree}/{len(dec)} decrypted packets byte-identical to tshark")
# sa --threads N: the SAs are spread over threads; the report must not change
for cap, keys, n_esp in have:
    outs = []
    for t in ("1", "3"):
        rc, so, se = run([vpnscope, "sa", cap, "-k", keys, "--no-progress", "--threads", t])
        outs.append((rc, so))
    if outs[0] != outs[1]:
        print(f"FAIL {os.path.relpath(cap, sdir)}: sa --threads 3 differs from one thread")
        fail = True
rc, so, se = run([vpnscope, "sa", have[0][0], "-k", have[0][1], "--threads", "0"])
if rc != 2 or "--threads takes a number" not in se:
    print(f"FAIL --threads 0 accepted: {rc} {se}")
    fail = True
if have_tshark:
    print(f"oracle agreement: {agree_all}/{total}")
sys.exit(1 if fail else 0)
