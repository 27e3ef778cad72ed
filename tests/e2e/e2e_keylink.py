#!/usr/bin/python3
"""Key linking with user-level keys only.

GETVPN (samples/getvpn): with only the phase-1 keys (ikev1_decryption_table) vpnscope learns
the KEK and TEKs from the decrypted GROUPKEY-PULL, decrypts and verifies every GROUPKEY-PUSH
and decrypts every group ESP packet; the inner packets are byte-identical to those written
with the full key file all-keys/esp_sa (which e2e_decrypt_samples checks against tshark), and
each key's origin names the pull / push frame that expected.md lists. A copy with one
ciphertext byte of the first rekey flipped gives SIGNATURE BAD, exit 1, and that rekey's TEK
is not used (its ESP packets have no key).
usage: e2e_keylink.py VPNSCOPE SAMPLES_DIR"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import FAILED, check, read_pcapng, run, skip  # noqa: E402

vpnscope, sdir = sys.argv[1], sys.argv[2]
gdir = os.path.join(sdir, "getvpn")
if not os.path.exists(os.path.join(gdir, "getvpn-3des.pcap")):
    skip(f"no GETVPN samples in {sdir}")


def inner_packets(cap, keys, td, tag):
    out = os.path.join(td, tag + ".pcapng")
    rc, so, se = run([vpnscope, "decrypt", cap, "-k", keys, "-w", out, "--no-progress"])
    return rc, so + se, [(d, c) for _, d, c in read_pcapng(out)] if os.path.exists(out) else []


# first frame of each rekey sequence number, and the frame of GM1's PULL4, from expected.md
listing = {}
variant = None
for line in open(os.path.join(gdir, "expected.md")):
    m = re.match(r"## Capture (getvpn-\w+)\.pcap", line)
    if m:
        variant = m.group(1)
        listing[variant] = {}
    m = re.match(r"(\d+) \|.*\| (GM1 PULL4|rekey seq \d+)\s*$", line)
    if m and variant:
        listing[variant].setdefault(m.group(2), int(m.group(1)))
allkeys = {c["variant"]: c for c in json.load(open(os.path.join(gdir, "all-keys", "keys.json")))}

for v in ("3des", "aes"):
    cap = os.path.join(gdir, f"getvpn-{v}.pcap")
    user = os.path.join(gdir, "ikev1_decryption_table")
    truth = allkeys[v]
    n_esp = len(truth["esp"])
    with tempfile.TemporaryDirectory() as td:
        rc, so, a = inner_packets(cap, user, td, "user")
        rc2, so2, b = inner_packets(cap, os.path.join(gdir, "all-keys", "esp_sa"), td, "all")
        check(rc == 0 and f"{n_esp:10d}  ESP decrypted" in so,
              f"{v}: {n_esp} ESP decrypted with the phase-1 keys only (rc {rc})")
        check(rc2 == 0 and a == b and len(a) == truth["frames"],
              f"{v}: decrypted capture identical to the one written with all-keys/esp_sa")
        good = sum(1 for _, c in a if c and "ICV good" in c)
        check(good == n_esp, f"{v}: {good} ICV good of {n_esp}")
    rc, so, se = run([vpnscope, "sa", cap, "-k", user, "--no-progress"])
    lst = listing[f"getvpn-{v}"]
    spis = [t["spi"] for t in truth["teks"]]
    want = {spis[0]: f"learned from GROUPKEY-PULL frame {lst['GM1 PULL4']}",
            spis[1]: f"learned from GROUPKEY-PUSH frame {lst['rekey seq 2']} (signature good)",
            spis[2]: f"learned from GROUPKEY-PUSH frame {lst['rekey seq 3']} (signature good)"}
    for spi, origin in want.items():
        blk = re.search(r"spi: 0x%s\(.*?(?=\n\n|\n\d+ frames)" % spi.upper(), so, re.S)
        check(blk is not None and f"key: {origin}\n" in blk.group(0)
              and "#pkts ICV failures (verify failed): 0" in blk.group(0),
              f"{v}: TEK 0x{spi} {origin}")
    n_push = 2 if v == "3des" else 6
    rc, do, de = run([vpnscope, "decode", cap, "-k", user])
    l10 = [x for x in do.splitlines() if x.startswith(f"{lst['GM1 PULL4']} ")][0]
    kek_name = "KEK AES 128" if v == "aes" else "KEK 3DES"
    rc, jo, je = run([vpnscope, "decode", "--json", cap, "-k", user])
    js = {x["frame.number"]: x for x in map(json.loads, jo.splitlines())}
    first_esp = min(n for n, x in js.items() if x.get("vpnscope.analyzer.esp.status") == "decrypted")
    check(js[first_esp].get("vpnscope.analyzer.esp.key_origin") ==
          f"learned from GROUPKEY-PULL frame {lst['GM1 PULL4']}" and
          js[first_esp].get("vpnscope.analyzer.inner.icmp.type") == 8,
          f"{v}: JSON of frame {first_esp}: key origin and inner ICMP echo request")
    check(f"[{kek_name} learned, key server public key 2048 bits] [TEK SPI 0x{spis[0]} " in l10,
          f"{v}: the pull's decode line names the learned KEK and TEK")
    check(f"GDOI GROUPKEY-PUSH: {n_push} signature good, 0 SIGNATURE BAD" in so,
          f"{v}: {n_push} rekeys with good signatures")
    # keys never printed without --show-keys; printed with it
    keys_hex = [t["enc_key"] for t in truth["teks"]] + [truth["kek"]["key"]]
    check(not any(k in so.lower() for k in keys_hex), f"{v}: no key bytes printed by default")
    rc, so, se = run([vpnscope, "sa", cap, "-k", user, "--no-progress", "--show-keys"])
    check(all(t["enc_key"] in so for t in truth["teks"]), f"{v}: --show-keys prints the learned TEKs")

# IKEv1 Quick Mode -> ESP (RFC 2409 5.5) in the crafted DMVPN phase 3 sample: the phase-1 keys
# and SKEYID_d only; the derived keys must equal all-keys/esp_sa (the generator's, computed with
# python3-cryptography) and every ESP packet must decrypt.
ddir = os.path.join(sdir, "dmvpn-phase3-ipsec-crafted")
dcap = os.path.join(ddir, "dmvpn-phase3-ipsec-crafted.pcap")
if os.path.exists(dcap):
    esp_truth = {}
    for line in open(os.path.join(ddir, "all-keys", "esp_sa")):
        if line.startswith('"'):
            f = [x.strip('"') for x in line.strip().split(",")]
            esp_truth[f[3].lower()] = (f[2], f[5].lower(), f[7].lower())
    for keys in (["-k", os.path.join(ddir, "ikev1_decryption_table"), "-k", os.path.join(ddir, "ikev1_skeyid")],
                 ["-k", "ikev1_skeyid:" + os.path.join(ddir, "ikev1_skeyid")]):
        rc, so, se = run([vpnscope, "sa", dcap, "--no-progress", "--show-keys"] + keys)
        check(rc == 0 and f"{16:10d}  ESP decrypted" in so, f"dmvpn3 {keys[-1]}: 16 ESP decrypted (rc {rc})")
        got = {}
        for m in re.finditer(r"spi: 0x([0-9A-F]{8})\(.*?key: derived from Quick Mode frames \d+/\d+ "
                             r"\(SKEYID_d from [^)]*\) enc (0x[0-9a-f]+) auth (0x[0-9a-f]+)", so, re.S):
            got["0x" + m.group(1).lower()] = (m.group(2), m.group(3))
        check(len(got) == 6 and all(got.get(spi) == (e, a) for spi, (_, e, a) in esp_truth.items()),
              f"dmvpn3: the 6 derived ESP SAs equal all-keys/esp_sa ({len(got)} found)")
    with tempfile.TemporaryDirectory() as td:
        rc, so, a = inner_packets(dcap, os.path.join(ddir, "ikev1_skeyid"), td, "user")
        rc2, so2, b = inner_packets(dcap, os.path.join(ddir, "all-keys", "esp_sa"), td, "all")
        check(rc == 0 and a == b and sum(1 for _, c in a if c and "ICV good" in c) == 16,
              "dmvpn3: decrypted capture identical to the one written with all-keys/esp_sa")
    # without SKEYID_d: said so, nothing derived
    rc, so, se = run([vpnscope, "decode", dcap, "-k", os.path.join(ddir, "ikev1_decryption_table")])
    check("no SKEYID_d for this IKE SA" in so and "ESP without a matching key" in so,
          "dmvpn3 without SKEYID_d: reported, ESP without key")

# PFS: a copy of the phase 3 capture whose first Quick Mode carries a KE payload (inserted into
# the decrypted QM1 here with python3-cryptography, the three QM messages re-encrypted along the
# RFC 2409 appendix B IV chain): vpnscope must say it cannot derive, and not guess keys.
if os.path.exists(dcap):
    import hashlib
    import struct
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from scapy.all import rdpcap, wrpcap, Raw, UDP, IP  # noqa: E402

    def cbc(k, iv, data, enc):
        c = Cipher(algorithms.AES(k), modes.CBC(iv))
        x = c.encryptor() if enc else c.decryptor()
        return x.update(data) + x.finalize()

    pk = rdpcap(dcap)
    key = bytes.fromhex([x for x in open(os.path.join(ddir, "ikev1_decryption_table"))
                         if not x.startswith("#")][0].strip().split(",")[1])

    def body(i):
        return bytes(pk[i][UDP].payload)

    def put(i, msg):
        p = pk[i]
        p[UDP].remove_payload()
        p[UDP].add_payload(Raw(msg))
        del p[UDP].len, p[UDP].chksum, p[IP].len, p[IP].chksum

    m7, m8, m9 = body(6), body(7), body(8)
    iv7 = hashlib.sha1(body(5)[-16:] + m7[20:24]).digest()[:16]
    pt7, pt8 = cbc(key, iv7, m7[28:], False), cbc(key, m7[-16:], m8[28:], False)
    pt9 = cbc(key, m8[-16:], m9[28:], False)
    # payloads: HASH(0) SA(24) NONCE(80) ID(104) ID(116): NONCE -> KE -> ID
    ke = bytes([5, 0]) + struct.pack(">H", 4 + 256) + bytes(range(256))
    new = pt7[:80] + bytes([4]) + pt7[81:104] + ke + pt7[104:128]
    new += bytes(-len(new) % 16)
    c7 = cbc(key, iv7, new, True)
    c8 = cbc(key, c7[-16:], pt8, True)
    c9 = cbc(key, c8[-16:], pt9, True)
    put(6, m7[:24] + struct.pack(">I", 28 + len(c7)) + c7)
    put(7, m8[:28] + c8)
    put(8, m9[:28] + c9)
    with tempfile.TemporaryDirectory() as td:
        pfs = os.path.join(td, "pfs.pcap")
        wrpcap(pfs, pk)
        rc, so, se = run([vpnscope, "decode", pfs, "-k", os.path.join(ddir, "ikev1_skeyid")])
        lines = {int(x.split()[0]): x for x in so.splitlines() if x[:1].isdigit() and " " in x}
        check("Key Exchange (KE)" in lines.get(7, "") and "PFS: cannot derive" in lines.get(8, "")
              and "derived]" not in lines.get(8, ""),
              "PFS: frame 8 says 'PFS: cannot derive' (KE in QM1), no keys derived")
        check("(no key)" in lines.get(10, "") and "(no key)" in lines.get(11, "") and
              "[decrypted, ICV good]" in lines.get(21, "") and
              f"{6:10d}  ESP without a matching key" in so and f"{10:10d}  ESP decrypted" in so,
              "PFS: that SA's 6 ESP packets have no key, the other 10 decrypt")

# Decoded NHRP, inside decrypted ESP (phase 3, user keys only) and in cleartext mGRE: the message
# type of every NHRP frame equals expected.md's listing (checked there against tshark's
# nhrp.op.type); the JSON carries the decoder's vpnscope.nhrp.* fields for the inner packet.
OPS = {1: "Resolution Request", 2: "Resolution Reply", 3: "Registration Request",
       4: "Registration Reply", 5: "Purge Request", 6: "Purge Reply", 7: "Error Indication",
       8: "Traffic Indication"}
for sample, keys in (("dmvpn-phase3-ipsec-crafted", ["-k", "ikev1_skeyid"]),
                     ("dmvpn-cisco-forms", []), ("dmvpn-phase2", [])):
    d = os.path.join(sdir, sample)
    if not os.path.isdir(d):
        continue
    want = {}
    for line in open(os.path.join(d, "expected.md")):
        m = re.match(r"(\d+) \|.*\bnhrp op=(\d+)", line)
        if m:
            want[int(m.group(1))] = int(m.group(2))
    args = [a if a != "ikev1_skeyid" else os.path.join(d, a) for a in keys]
    rc, so, se = run([vpnscope, "decode", os.path.join(d, sample + ".pcap")] + args)
    got = {}
    for line in so.splitlines():
        m = re.match(r"(\d+) .*? NHRP (%s)\b" % "|".join(OPS.values()), line)
        if m:
            got[int(m.group(1))] = [k for k, v in OPS.items() if v == m.group(2)][0]
    check(want and got == want, f"{sample}: NHRP sequence of {len(want)} messages equals expected.md "
          f"(got {len(got)})")
    if sample == "dmvpn-phase3-ipsec-crafted":
        l10 = [x for x in so.splitlines() if x.startswith("10 ")][0]
        check("| transport: 198.51.100.31 -> 203.0.113.1 GRE NHRP Registration Request id " in l10 and
              " 10.0.0.31 -> 10.0.0.1 nbma 198.51.100.31 unique holdtime 600 " in l10,
              "phase3 frame 10: spoke1's Registration Request (tunnel 10.0.0.31, NBMA 198.51.100.31, holdtime 600)")
        l39 = [x for x in so.splitlines() if x.startswith("39 ")][0]
        check("NHRP Resolution Reply" in l39 and "nbma 198.51.100.32]" in l39 and "10.0.0.32" in l39,
              "phase3 frame 39: spoke2 answers with its NBMA 198.51.100.32")
        l23 = [x for x in so.splitlines() if x.startswith("23 ")][0]
        check("GRE | 192.168.31.10 -> 192.168.32.10 ICMP echo request" in l23,
              "phase3 frame 23: inner ICMP through GRE with the LAN addresses")
        rc, so, se = run([vpnscope, "decode", "--json", os.path.join(d, sample + ".pcap")] + args)
        j = [json.loads(x) for x in so.splitlines() if x.startswith("{")]
        f10 = [x for x in j if x.get("frame.number") == 10][0]
        check(f10.get("vpnscope.nhrp.op_type") == 3 and f10.get("vpnscope.nhrp.src_nbma.addr") == "198.51.100.31"
              and f10.get("vpnscope.nhrp.src_proto.addr") == "10.0.0.31",
              "phase3 frame 10 JSON: vpnscope.nhrp.op_type 3, src_nbma/src_proto")
    if sample == "dmvpn-cisco-forms":
        l6 = [x for x in so.splitlines() if x.startswith("6 ")][0]
        check("NHRP Error Indication" in l6 and "error 11 (Authentication Failure)" in l6,
              "cisco-forms frame 6: Error Indication, Authentication Failure")
        l4 = [x for x in so.splitlines() if x.startswith("4 ")][0]
        check("[auth ext cleartext]" in l4 and "[NAT ext: nbma 203.0.113.1" in l4,
              "cisco-forms frame 4: auth and NAT extensions shown")

# a damaged rekey: flip the last ciphertext byte of frame 37 (the end of the SIG payload)
try:
    from scapy.all import rdpcap, wrpcap, Raw, UDP  # noqa: E402
except ImportError as e:
    skip(f"scapy missing: {e}")
cap = os.path.join(gdir, "getvpn-3des.pcap")
pk = rdpcap(cap)
p = pk[36]
data = bytearray(bytes(p[UDP].payload))
data[-1] ^= 0x01
p[UDP].remove_payload()
p[UDP].add_payload(Raw(bytes(data)))
del p[UDP].chksum
with tempfile.TemporaryDirectory() as td:
    bad = os.path.join(td, "bad.pcap")
    wrpcap(bad, pk)
    rc, so, se = run([vpnscope, "sa", bad, "-k", os.path.join(gdir, "ikev1_decryption_table"),
                      "--no-progress"])
    check(rc == 1, f"bad signature: exit 1 (got {rc})")
    check("GDOI GROUPKEY-PUSH: 1 signature good, 1 SIGNATURE BAD" in so, "bad signature reported")
    check("SPI 0x35dcc29c" not in so.split("keys learned")[1].split("\n")[0],
          "bad signature: its TEK 0x35dcc29c is not learned")
    check(f"{3:10d}  ESP without a matching key" in so and f"{9:10d}  ESP decrypted" in so,
          "bad signature: 3 ESP packets without key, 9 decrypted")
    rc, so, se = run([vpnscope, "decode", bad, "-k", os.path.join(gdir, "ikev1_decryption_table")])
    l37 = [l for l in so.splitlines() if l.startswith("37 ")]
    check(l37 and "SIGNATURE BAD" in l37[0] and "keys NOT used" in l37[0], "frame 37: SIGNATURE BAD, keys NOT used")

sys.exit(1 if FAILED else 0)
