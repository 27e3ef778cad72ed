#!/usr/bin/python3
"""IKEv2 SK payloads decrypt with an ikev2_decryption_table (as Wireshark and strongSwan's
save-keys write it) and the decrypted ID payloads agree with tshark 4.0 given the same table.
The capture is built here with python3-cryptography and scapy (independent of vpnscope):
IKE_AUTH request/response pairs under AES-CBC-128 + HMAC-SHA1-96 and AES-GCM-256-16, and one
message with a damaged ICV. usage: e2e_ikev2_decrypt.py VPNSCOPE"""
import hmac
import hashlib
import json
import os
import random
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import run, skip  # noqa: E402

try:
    from scapy.all import IP, UDP, Ether, Raw, wrpcap
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError as e:
    skip(f"scapy / python3-cryptography missing: {e}")

vpnscope = sys.argv[1]
rng = random.Random(42)


def rb(n):
    return bytes(rng.randrange(256) for _ in range(n))


def id_payload(ptype_next, addr):
    body = bytes([1, 0, 0, 0]) + bytes(addr)  # ID_IPV4_ADDR
    return bytes([ptype_next, 0]) + struct.pack(">H", 4 + len(body)) + body


def message(spi_i, spi_r, initiator, msgid, first, inner, enc, ek, ak):
    flags = 0x08 if initiator else 0x20
    if enc == "cbc":
        padn = (-(len(inner) + 1)) % 16
        pt = inner + bytes(padn) + bytes([padn])
        iv = rb(16)
        icv = 12
    else:
        pt = inner + bytes([0])
        iv = rb(8)
        icv = 16
    sk_len = 4 + len(iv) + len(pt) + icv
    total = 28 + sk_len
    hdr = spi_i + spi_r + bytes([46, 0x20, 35, flags]) + struct.pack(">II", msgid, total)
    skh = bytes([first, 0]) + struct.pack(">H", sk_len)
    if enc == "cbc":
        e = Cipher(algorithms.AES(ek), modes.CBC(iv)).encryptor()
        ct = e.update(pt) + e.finalize()
        tag = hmac.new(ak, hdr + skh + iv + ct, hashlib.sha1).digest()[:12]
    else:
        c = AESGCM(ek[:32]).encrypt(ek[32:] + iv, pt, hdr + skh)
        ct, tag = c[:-16], c[-16:]
    return hdr + skh + iv + ct + tag


frames = []
table = []
expected = []  # (frame number, ID type, address)
for enc in ("cbc", "gcm"):
    spi_i, spi_r = rb(8), rb(8)
    if enc == "cbc":
        sk_ei, sk_er, sk_ai, sk_ar = rb(16), rb(16), rb(20), rb(20)
        table.append(f'{spi_i.hex()},{spi_r.hex()},{sk_ei.hex()},{sk_er.hex()},"AES-CBC-128 [RFC3602]",'
                     f'{sk_ai.hex()},{sk_ar.hex()},"HMAC_SHA1_96 [RFC2404]"')
    else:
        sk_ei, sk_er, sk_ai, sk_ar = rb(36), rb(36), b"", b""
        table.append(f'{spi_i.hex()},{spi_r.hex()},{sk_ei.hex()},{sk_er.hex()},'
                     f'"AES-GCM-256 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"')
    for initiator in (True, False):
        addr = [10, 0, 0, 1 if initiator else 2]
        m = message(spi_i, spi_r, initiator, 1, 35 if initiator else 36, id_payload(0, addr), enc,
                    sk_ei if initiator else sk_er, sk_ai if initiator else sk_ar)
        src, dst = ("192.0.2.1", "192.0.2.2") if initiator else ("192.0.2.2", "192.0.2.1")
        frames.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src=src, dst=dst) / UDP(sport=500, dport=500) / Raw(m))
        expected.append((len(frames), 1, ".".join(map(str, addr))))
# a damaged copy of the last message: ICV failure
bad = bytearray(bytes(frames[-1][Raw].load))
bad[-1] ^= 1
frames.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="192.0.2.2", dst="192.0.2.1") / UDP(sport=500, dport=500) / Raw(bytes(bad)))

td = tempfile.mkdtemp()
cap = os.path.join(td, "ikev2.pcap")
wrpcap(cap, frames)
keys = os.path.join(td, "ikev2_decryption_table")
with open(keys, "w") as f:
    f.write("# ikev2_decryption_table\n" + "\n".join(table) + "\n")

failures = 0
rc, out, err = run([vpnscope, "decode", "--json", "--no-progress", cap, "-k", keys])
if rc != 1:
    failures += 1
    print(f"FAIL exit {rc}, want 1 (one ICV failure)\n{err}")
if "4 decrypted, 0 without a key, 1 ICV failures" not in err:
    failures += 1
    print(f"FAIL totals: {err}")
lines = [json.loads(x) for x in out.splitlines()]
for num, idtype, addr in expected:
    j = lines[num - 1]
    if j.get("vpnscope.analyzer.ike.status") != "decrypted" or j.get("vpnscope.ikev2.id.type") != idtype \
            or j.get("vpnscope.ikev2.id.ipv4") != addr or j.get("vpnscope.ikev2.exch_type") != 35:
        failures += 1
        print(f"FAIL frame {num}: {j}")
if lines[4].get("vpnscope.analyzer.ike.status") != "ICV failure":
    failures += 1
    print(f"FAIL frame 5 not an ICV failure: {lines[4]}")

# oracle: tshark with the same table
if run(["sh", "-c", "command -v tshark"])[0] == 0:
    conf = tempfile.mkdtemp()
    with open(keys) as f, open(os.path.join(conf, "ikev2_decryption_table"), "w") as g:
        g.write("".join(x for x in f if not x.startswith("#")))
    rc, tout, terr = run(["tshark", "-n", "-r", cap, "-T", "fields", "-e", "frame.number",
                          "-e", "isakmp.id.type", "-e", "isakmp.id.data.ipv4_addr"],
                         env=dict(os.environ, WIRESHARK_CONFIG_DIR=conf))
    agree = 0
    trows = {int(r.split("\t")[0]): r.split("\t") for r in tout.splitlines()}
    for num, idtype, addr in expected:
        t = trows.get(num, [])
        mine = lines[num - 1]
        if len(t) >= 3 and t[1] == str(mine.get("vpnscope.ikev2.id.type")) \
                and t[2] == mine.get("vpnscope.ikev2.id.ipv4"):
            agree += 1
        else:
            print(f"FAIL frame {num}: tshark {t} vs vpnscope {mine.get('vpnscope.ikev2.id.ipv4')}")
            failures += 1
    print(f"oracle agreement (IKEv2 ID payloads after decryption): {agree}/{len(expected)}")
print(f"{failures} failed")
sys.exit(1 if failures else 0)
