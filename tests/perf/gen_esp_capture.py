#!/usr/bin/python3
"""Deterministic generator of large keyed ESP captures for benchmarks (not a test).

    gen_esp_capture.py {aes-cbc-sha1|aes-gcm16|3des-md5} PACKETS OUT.pcap OUT_esp_sa OUT_tcpdump_secrets

Ethernet / IPv4 / ESP tunnel mode, 8 SAs (round-robin), inner IPv4/UDP packets whose total
length is 40% uniform 64..128 bytes, 30% 512, 30% 1400; payloads start with zeros (fully random
UDP payloads get claimed by Wireshark's RTCP heuristic). Every ICV is good. Encryption with
python3-cryptography; the packets are written with struct (scapy is too slow at this size).
"""
import hashlib
import hmac
import random
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    TripleDES = algorithms.TripleDES

suite, n, out, esp_sa, secrets = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
rng = random.Random(1129)
N_SA = 8


def rb(k):
    return rng.randbytes(k)


def csum(h):
    s = sum(struct.unpack(">10H", h))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, payload, ident):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0, 64, proto, 0,
                    bytes(src), bytes(dst))
    return h[:10] + struct.pack(">H", csum(h)) + h[12:] + payload


sas = []
for i in range(N_SA):
    spi = 0x10000000 + i
    src, dst = [10, 0, 0, 1 + i], [10, 1, 0, 1 + i]
    if suite == "aes-cbc-sha1":
        ek, ak = rb(16), rb(20)
        enc, auth, bs, icv = "AES-CBC [RFC3602]", "HMAC-SHA-1-96 [RFC2404]", 16, 12
        td = f"0x{spi:08x}@{'.'.join(map(str, dst))} aes128-cbc-hmac96:0x{ek.hex()}"
    elif suite == "aes-gcm16":
        ek, ak = rb(20), b""
        enc, auth, bs, icv = "AES-GCM with 16 octet ICV [RFC4106]", "NULL", 4, 16
        td = None  # tcpdump cannot decrypt GCM
    elif suite == "3des-md5":
        ek, ak = rb(24), rb(16)
        enc, auth, bs, icv = "TripleDES-CBC [RFC2451]", "HMAC-MD5-96 [RFC2403]", 8, 12
        td = f"0x{spi:08x}@{'.'.join(map(str, dst))} 3des-cbc-hmac96:0x{ek.hex()}"
    else:
        sys.exit(f"unknown suite {suite}")
    sas.append(dict(spi=spi, src=src, dst=dst, ek=ek, ak=ak, enc=enc, auth=auth, bs=bs, icv=icv, td=td,
                    seq=0))

with open(esp_sa, "w") as f:
    for s in sas:
        f.write(f'"IPv4","{".".join(map(str, s["src"]))}","{".".join(map(str, s["dst"]))}",'
                f'"0x{s["spi"]:08x}","{s["enc"]}","0x{s["ek"].hex()}","{s["auth"]}",'
                f'"{"0x" + s["ak"].hex() if s["ak"] else ""}"\n')
with open(secrets, "w") as f:
    for s in sas:
        if s["td"]:
            f.write(s["td"] + "\n")

eth = bytes.fromhex("020000000002020000000001") + b"\x08\x00"
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for k in range(n):
        s = sas[k % N_SA]
        s["seq"] += 1
        r = rng.random()
        size = rng.randint(64, 128) if r < 0.4 else (512 if r < 0.7 else 1400)
        body = bytes(16) + rb(size - 28 - 16)
        udp = struct.pack(">HHHH", 5000, 5001, 8 + len(body), 0) + body
        inner = ipv4([192, 168, 0, 1], [192, 168, 1, 1], 17, udp, k)
        padn = (-(len(inner) + 2)) % s["bs"]
        pt = inner + bytes(range(1, padn + 1)) + bytes([padn, 4])
        hdr = struct.pack(">II", s["spi"], s["seq"])
        if suite == "aes-gcm16":
            iv = struct.pack(">Q", s["seq"])
            c = AESGCM(s["ek"][:16]).encrypt(s["ek"][16:] + iv, pt, hdr)
            esp = hdr + iv + c
        else:
            iv = rb(s["bs"])
            alg = algorithms.AES(s["ek"]) if suite == "aes-cbc-sha1" else TripleDES(s["ek"])
            e = Cipher(alg, modes.CBC(iv)).encryptor()
            esp = hdr + iv + e.update(pt) + e.finalize()
            esp += hmac.new(s["ak"], esp, hashlib.sha1 if suite == "aes-cbc-sha1" else hashlib.md5).digest()[:12]
        frame = eth + ipv4(s["src"], s["dst"], 50, esp, k)
        f.write(struct.pack("<IIII", 1700000000 + k // 100000, (k % 100000) * 10, len(frame), len(frame)))
        f.write(frame)
