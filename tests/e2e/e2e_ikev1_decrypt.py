#!/usr/bin/python3
"""IKEv1 decryption with Wireshark ikev1_decryption_table files.
 - zeek-spicy-ipsec ikev1-certs (real Windows <-> NetScreen Main Mode with certificates and a
   Quick Mode whose first message is retransmitted byte for byte): every encrypted message
   decrypts; where tshark 4.0 decrypts too, ID types and nonces agree (oracle); frame 8, the
   byte-identical retransmission that tshark 4.0 cannot decrypt (it chains the CBC IV from the
   first copy), decrypts to the same payloads as frame 7.
 - the crafted DMVPN phase 3 and GETVPN samples: every Main/Quick Mode and GROUPKEY-PULL
   message decrypts and parses.
usage: e2e_ikev1_decrypt.py VPNSCOPE CAPTURES_DIR SAMPLES_DIR"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import run, skip  # noqa: E402

vpnscope, cdir, sdir = sys.argv[1:4]
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL " + msg)


cap = os.path.join(cdir, "zeek-spicy-ipsec__ikev1-certs.pcap")
if os.path.exists(cap):
    keys = cap + ".keys.txt"
    rc, out, err = run([vpnscope, "decode", "--no-progress", cap, "-k", keys])
    if "IKEv1 Identity Protection" not in out:
        skip("this build has no core IKEv1 decoder yet (dissectors/core ikev1.h)")
    lines = out.splitlines()
    for n in (5, 6, 7, 9, 10):
        if "[decrypted:" not in lines[n - 1]:
            fail(f"zeek frame {n} not decrypted: {lines[n - 1]}")
    if "[decrypted, retransmission:" not in lines[7]:
        fail(f"zeek frame 8 (retransmission): {lines[7]}")
    if "6 decrypted, 0 without a key" not in out or "1 byte-identical retransmissions" not in out:
        fail("zeek totals:\n" + out[-400:])
    rc, jout, err = run([vpnscope, "decode", "--json", "--no-progress", cap, "-k", keys])
    js = [json.loads(x) for x in jout.splitlines()]

    def as_list(v):
        return v if isinstance(v, list) else ([] if v is None else [v])

    if js[7].get("vpnscope.ike.nonce.data") != js[6].get("vpnscope.ike.nonce.data") or \
            not js[7].get("vpnscope.ike.nonce.data"):
        fail("frame 8 does not decrypt to frame 7's payloads")
    if run(["sh", "-c", "command -v tshark"])[0] == 0:
        conf = tempfile.mkdtemp()
        with open(keys) as f, open(os.path.join(conf, "ikev1_decryption_table"), "w") as g:
            g.write("".join(x for x in f if not x.startswith("#")))
        rc, tout, _ = run(["tshark", "-n", "-r", cap, "-T", "fields", "-e", "frame.number", "-e",
                           "isakmp.id.type", "-e", "isakmp.nonce"],
                          env=dict(os.environ, WIRESHARK_CONFIG_DIR=conf))
        agree = total = 0
        for row in tout.splitlines():
            num, idt, nonce = (row.split("\t") + ["", "", ""])[:3]
            num = int(num)
            if not idt and not nonce:
                continue
            total += 1
            mine = js[num - 1]
            my_id = ",".join(str(x) for x in as_list(mine.get("vpnscope.ike.id.type")))
            my_nonce = ",".join(as_list(mine.get("vpnscope.ike.nonce.data")))
            if my_id == idt and my_nonce == nonce:
                agree += 1
            else:
                fail(f"zeek frame {num}: tshark id={idt} nonce={nonce}; vpnscope id={my_id} nonce={my_nonce}")
        print(f"oracle agreement (IKEv1 ID types and nonces, frames tshark decrypts): {agree}/{total}")
else:
    print("zeek capture absent: skipped that part")

for cap, d, want in (("dmvpn-phase3-ipsec-crafted/dmvpn-phase3-ipsec-crafted.pcap", "dmvpn-phase3-ipsec-crafted", 15),
                     # GETVPN: 6 MM5/MM6 + 12 pull messages, plus the rekeys decrypted with the KEK
                     # learned from the pull (2 multicast in 3des, 3 GMs x 2 unicast in aes)
                     ("getvpn/getvpn-3des.pcap", "getvpn", 20), ("getvpn/getvpn-aes.pcap", "getvpn", 24)):
    p = os.path.join(sdir, cap)
    if not os.path.exists(p):
        continue
    rc, out, err = run([vpnscope, "decode", "--no-progress", p, "-k", os.path.join(sdir, d, "ikev1_decryption_table")])
    if "IKEv1" not in out and "GDOI" not in out:
        skip("this build has no core IKEv1 decoder yet")
    if f"IKE encrypted payloads: {want} decrypted" not in out or \
            ("do not parse" in out and "0 decrypted bodies whose payloads do not parse" not in out) or rc != 0:
        fail(f"{cap}: rc={rc}\n" + out[-500:])
    else:
        print(f"ok {cap}: {want} encrypted ISAKMP messages decrypted and parsed")
# a wrong IKEv1 key: no ICV in IKEv1, so the garbage shows as payloads that do not parse
p = os.path.join(sdir, "dmvpn-phase3-ipsec-crafted/dmvpn-phase3-ipsec-crafted.pcap")
if os.path.exists(p):
    good = open(os.path.join(sdir, "dmvpn-phase3-ipsec-crafted/ikev1_decryption_table")).read()
    lines = [x for x in good.splitlines() if x and not x.startswith("#")]
    c, k = lines[0].split(",")
    bad = os.path.join(tempfile.mkdtemp(), "ikev1_bad")
    with open(bad, "w") as f:
        f.write(f"{c},{k[:-2]}{(int(k[-2:], 16) ^ 0x5a):02x}\n")
    rc, out, err = run([vpnscope, "decode", "--no-progress", p, "-k", bad])
    if rc != 1 or "0 decrypted bodies whose payloads do not parse" in out or "payloads do not parse: wrong key?" not in out:
        fail(f"wrong IKEv1 key not reported: rc={rc}\n{out[-600:]}")
    else:
        print("ok wrong IKEv1 key: undecodable plaintext reported, exit 1")
print(f"{failures} failed")
sys.exit(1 if failures else 0)
