#!/usr/bin/python3
"""IKEv2 fragmentation (RFC 7383): SKF payloads decrypt one by one with an
ikev2_decryption_table and the fragments of a message are reassembled in fragment-number
order and decoded as one payload chain. The capture is built here with python3-cryptography
and scapy (independent of vpnscope):
  frames 1-4: an IKE_AUTH request (AES-GCM-256-16) in 3 fragments sent 3, 1, 1 again, 2;
  frame 5:    fragment 1 of 2 of an IKE_AUTH response (AES-CBC-128 + HMAC-SHA1-96), the
              second never comes: reported as incomplete at the end;
  frame 6:    fragment 1 of 2 of another request with one tag byte damaged: ICV failure.
usage: e2e_ikev2_fragments.py VPNSCOPE"""
import hashlib
import hmac
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
rng = random.Random(7383)


def rb(n):
    return bytes(rng.randrange(256) for _ in range(n))


def skf(spi_i, spi_r, initiator, response, msgid, first, num, total, part, enc, ek, ak):
    flags = (0x08 if initiator else 0) | (0x20 if response else 0)
    if enc == "cbc":
        padn = (-(len(part) + 1)) % 16
        pt = part + bytes(padn) + bytes([padn])
        iv, icv = rb(16), 12
    else:
        pt = part + bytes([0])
        iv, icv = rb(8), 16
    skf_len = 8 + len(iv) + len(pt) + icv
    hdr = spi_i + spi_r + bytes([53, 0x20, 35, flags]) + struct.pack(">II", msgid, 28 + skf_len)
    skh = bytes([first if num == 1 else 0, 0]) + struct.pack(">HHH", skf_len, num, total)
    if enc == "cbc":
        e = Cipher(algorithms.AES(ek), modes.CBC(iv)).encryptor()
        ct = e.update(pt) + e.finalize()
        tag = hmac.new(ak, hdr + skh + iv + ct, hashlib.sha1).digest()[:12]
    else:  # RFC 5282 AAD = IKE header | SKF header (RFC 7383 2.5)
        c = AESGCM(ek[:32]).encrypt(ek[32:] + iv, pt, hdr + skh)
        ct, tag = c[:-16], c[-16:]
    return hdr + skh + iv + ct + tag


def split(b, n):
    step = -(-len(b) // n)
    return [b[i * step:(i + 1) * step] for i in range(n)]


def frame(m, initiator):
    src, dst = ("192.0.2.1", "192.0.2.2") if initiator else ("192.0.2.2", "192.0.2.1")
    return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src=src, dst=dst) / UDP(sport=4500, dport=4500) / Raw(b"\0\0\0\0" + m)


# IKE_AUTH content: IDi (ID_IPV4_ADDR 10.0.0.1) -> AUTH (shared key MIC, 200 bytes)
idi = bytes([39, 0]) + struct.pack(">H", 12) + bytes([1, 0, 0, 0, 10, 0, 0, 1])
auth = bytes([0, 0]) + struct.pack(">H", 208) + bytes([2, 0, 0, 0]) + rb(200)
inner_req = idi + auth
idr = bytes([0, 0]) + struct.pack(">H", 12) + bytes([1, 0, 0, 0, 10, 0, 0, 2])

gspi_i, gspi_r, g_ei, g_er = rb(8), rb(8), rb(36), rb(36)
cspi_i, cspi_r, c_ei, c_er, c_ai, c_ar = rb(8), rb(8), rb(16), rb(16), rb(20), rb(20)
table = [f'{gspi_i.hex()},{gspi_r.hex()},{g_ei.hex()},{g_er.hex()},'
         f'"AES-GCM-256 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"',
         f'{cspi_i.hex()},{cspi_r.hex()},{c_ei.hex()},{c_er.hex()},"AES-CBC-128 [RFC3602]",'
         f'{c_ai.hex()},{c_ar.hex()},"HMAC_SHA1_96 [RFC2404]"']
parts = split(inner_req, 3)
f = [skf(gspi_i, gspi_r, True, False, 1, 35, n + 1, 3, parts[n], "gcm", g_ei, b"") for n in range(3)]
frames = [frame(f[2], True), frame(f[0], True), frame(f[0], True), frame(f[1], True)]
rparts = split(idr + bytes(40), 2)
frames.append(frame(skf(cspi_i, cspi_r, False, True, 1, 36, 1, 2, rparts[0], "cbc", c_er, c_ar), False))
bad = bytearray(skf(gspi_i, gspi_r, True, False, 2, 41, 1, 2, rb(30), "gcm", g_ei, b""))
bad[-1] ^= 0x10
frames.append(frame(bytes(bad), True))

td = tempfile.mkdtemp()
cap = os.path.join(td, "ikev2_frag.pcap")
wrpcap(cap, frames)
keys = os.path.join(td, "ikev2_decryption_table")
with open(keys, "w") as fh:
    fh.write("# ikev2_decryption_table\n" + "\n".join(table) + "\n")

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print(f"FAIL {what}")


rc, out, err = run([vpnscope, "decode", "--json", "--no-progress", cap, "-k", keys])
check(rc == 1, f"exit {rc}, want 1 (ICV failure, incomplete message)\n{err}")
check("5 decrypted, 0 without a key, 1 ICV failures" in err, f"IKE totals: {err}")
check("IKEv2 fragmented messages (RFC 7383): 1 reassembled, 1 INCOMPLETE" in err, f"fragment totals: {err}")
check(f"SPIs {cspi_i.hex()}/{cspi_r.hex()} msgid 1 response: 1 of 2 fragments (missing 2), frames 5-5" in err,
      f"incomplete set not named: {err}")
lines = [json.loads(x) for x in out.splitlines()]
check(len(lines) == 6, f"{len(lines)} JSON lines")
status = [j.get("vpnscope.analyzer.ike.status") for j in lines]
check(status == ["fragment held", "fragment held", "duplicate fragment", "decrypted", "fragment held",
                 "ICV failure"], f"statuses {status}")
check([j.get("vpnscope.analyzer.ike.fragment") for j in lines] == [3, 1, 1, 2, 1, 1], "fragment numbers")
done = lines[3]
check(done.get("vpnscope.analyzer.ike.reassembled_fragments") == 3, f"frame 4: {done}")
check(done.get("vpnscope.ikev2.id.type") == 1 and done.get("vpnscope.ikev2.id.ipv4") == "10.0.0.1",
      f"frame 4 IDi: {done}")
for n in (0, 1, 2, 4, 5):
    check("vpnscope.ikev2.id.ipv4" not in lines[n], f"frame {n + 1} shows inner payloads: {lines[n]}")

rc, text, err = run([vpnscope, "decode", "--no-progress", cap, "-k", keys])
row4 = text.splitlines()[3] if len(text.splitlines()) > 3 else ""
check("[reassembled 3 fragments from frame 1, 220 bytes]" in row4
      and "ICV good: Identification - Initiator (IDi) Authentication (AUTH)]" in row4,
      f"text frame 4: {row4}")
print(f"{failures} failed")
sys.exit(1 if failures else 0)
