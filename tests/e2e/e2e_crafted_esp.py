#!/usr/bin/python3
"""ESP cases the public captures lack, built here with scapy and python3-cryptography
(independent of vpnscope): IPv6 outer and inner, fragmented outer IPv4 and IPv6 (out of
order, with a duplicate fragment), transport mode over IPv6, ESN (keys from `ip xfrm state`
with "flag esn", high half 1), replays and a sequence gap, Linux cooked v2 and BSD loopback
link types. Where tshark 4.0 can decrypt (not ESN), its inner packets are the oracle.
usage: e2e_crafted_esp.py VPNSCOPE"""
import hashlib
import hmac
import os
import random
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import read_pcapng, run, skip, tshark_decrypted  # noqa: E402

try:
    from scapy.all import (ICMP, IP, UDP, Ether, IPv6, IPv6ExtHdrFragment, Raw, fragment,
                           fragment6, wrpcap, CookedLinuxV2, Loopback)
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
except ImportError as e:
    skip(f"scapy / python3-cryptography missing: {e}")

vpnscope = sys.argv[1]
rng = random.Random(5)
EK = bytes(range(16))
AK = bytes(range(100, 120))


def esp(spi, seq, inner, nh, seq_hi=None):
    iv = bytes(rng.randrange(256) for _ in range(16))
    padn = (-(len(inner) + 2)) % 16
    pt = inner + bytes(range(1, padn + 1)) + bytes([padn, nh])
    e = Cipher(algorithms.AES(EK), modes.CBC(iv)).encryptor()
    body = struct.pack(">II", spi, seq & 0xFFFFFFFF) + iv + e.update(pt) + e.finalize()
    m = body + (struct.pack(">I", seq_hi) if seq_hi is not None else b"")
    return body + hmac.new(AK, m, hashlib.sha1).digest()[:12]


inner4 = bytes(IP(src="192.168.1.1", dst="192.168.2.2") / ICMP() / Raw(b"vpnscope" * 5))
inner6 = bytes(IPv6(src="fd00::1", dst="fd00::2") / UDP(sport=1, dport=2) / Raw(b"\0" * 40))
big = bytes(IP(src="192.168.1.1", dst="192.168.2.2") / UDP(sport=7, dport=9) / Raw(bytes(1800)))

frames, expect = [], {}  # expect: frame number -> ("dec" | reason)
def add(pkt, what):
    frames.append(pkt)
    expect[len(frames)] = what


# 1-2: IPv6 outer, IPv4 and IPv6 inner (tunnel)
add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IPv6(src="2001:db8::1", dst="2001:db8::2", nh=50) / Raw(esp(0x601, 1, inner4, 4)), "dec")
add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IPv6(src="2001:db8::1", dst="2001:db8::2", nh=50) / Raw(esp(0x601, 2, inner6, 41)), "dec")
# 3: transport mode over IPv6 (UDP inside)
udp = bytes(UDP(sport=500, dport=4000) / Raw(b"\0" * 20))
add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IPv6(src="2001:db8::1", dst="2001:db8::2", nh=50) / Raw(esp(0x601, 3, udp, 17)), "dec")
# 4-6: an outer IPv4 packet in three fragments, last first, plus a duplicate of the middle
outer = IP(src="10.0.0.1", dst="10.0.0.2", id=77, proto=50) / Raw(esp(0x401, 1, big, 4))
fr = fragment(outer, fragsize=800)
assert len(fr) == 3
add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / fr[2], "held")
add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / fr[1], "held")
add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / fr[1], "held")  # duplicate
add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / fr[0], "dec")
# 8-9: IPv6 fragments
o6 = IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrFragment(id=99, nh=50) / Raw(esp(0x601, 4, big, 4))
f6 = fragment6(o6, 1000)
assert len(f6) == 2
add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / f6[0], "held")
add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / f6[1], "dec")
# 10-12: sequence anomalies on SPI 0x401: a gap (1 -> 5), a replay of 5, and 3 (reordered)
for seq, what in ((5, "dec"), (5, "dec"), (3, "dec")):
    add(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.0.0.1", dst="10.0.0.2", proto=50) / Raw(esp(0x401, seq, inner4, 4)), what)

td = tempfile.mkdtemp()
cap = os.path.join(td, "crafted.pcap")
wrpcap(cap, frames)
# other link types, one capture each: BSD loopback, Linux cooked v2
lo = os.path.join(td, "loop.pcap")
wrpcap(lo, [Loopback(type=2) / IP(src="10.0.0.1", dst="10.0.0.2", proto=50) / Raw(esp(0x401, 1, inner4, 4))])
sll2 = os.path.join(td, "sll2.pcap")
wrpcap(sll2, [CookedLinuxV2(proto=0x0800) / IP(src="10.0.0.1", dst="10.0.0.2", proto=50) / Raw(esp(0x401, 1, inner6, 41))])
keys = os.path.join(td, "esp_sa")
with open(keys, "w") as f:
    for fam, spi in (("IPv6", "0x00000601"), ("IPv4", "0x00000401")):
        f.write(f'"{fam}","*","*","{spi}","AES-CBC [RFC3602]","0x{EK.hex()}","HMAC-SHA-1-96 [RFC2404]","0x{AK.hex()}"\n')

failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL " + msg)


rc, out, err = run([vpnscope, "decode", "--no-progress", cap, "-k", keys])
lines = out.splitlines()
for n, what in expect.items():
    line = lines[n - 1]
    if what == "dec" and "[decrypted, ICV good" not in line:
        fail(f"frame {n} not decrypted: {line}")
    if what == "held" and "IP fragment" not in line:
        fail(f"frame {n} not held as a fragment: {line}")
if "[reassembled 3 fragments from frame 7]" not in lines[6]:
    fail(f"frame 7: {lines[6]}")
if "[reassembled 2 fragments" not in lines[8]:
    fail(f"frame 9: {lines[8]}")
if "3 missing before" not in lines[9] or "duplicate" not in lines[10] or "reordered" not in lines[11]:
    fail(f"sequence analysis: {lines[9:12]}")
if "fd00::1 -> fd00::2" not in lines[1]:
    fail(f"inner IPv6 not shown: {lines[1]}")
# transport mode: the outer IPv6 header with the decrypted UDP behind it is walked like any packet
if "| transport: 2001:db8::1 -> 2001:db8::2 UDP 500 -> 4000" not in lines[2]:
    fail(f"transport mode: {lines[2]}")
if rc != 1:
    fail(f"exit {rc}, want 1 (a replayed sequence number is a finding)")
if "IP reassembly: 6 fragments, 2 datagrams completed, 1 duplicate" not in out:
    fail("reassembly totals: " + out[-600:])
rc, out, err = run([vpnscope, "sa", "--no-progress", cap, "-k", keys])
if "#pkts replay/duplicate: 1" not in out or "#seq gaps: 1 (2 missing)" not in out:
    fail("sa sequence counters:\n" + out)
for name, path in (("BSD loopback", lo), ("Linux cooked v2", sll2)):
    rc, out, err = run([vpnscope, "decode", "--no-progress", path, "-k", keys])
    if "[decrypted, ICV good" not in out:
        fail(f"{name}: {out}")
# link type fixed for an inner IPv6 packet in an outer IPv4 one (SLL2 protocol field)
o2 = os.path.join(td, "o2.pcapng")
rc, out, err = run([vpnscope, "decrypt", "--no-progress", sll2, "-k", keys, "-w", o2])
p2 = read_pcapng(o2)
if rc != 0 or len(p2) != 1 or p2[0][0] != 276 or p2[0][1][:2] != b"\x86\xdd" or p2[0][1][20:] != inner6:
    fail(f"SLL2 tunnel IPv6-in-IPv4 output: rc={rc} {p2}")

# decrypt output vs tshark's own decryption (tshark reassembles IPv4/IPv6 by default)
o = os.path.join(td, "o.pcapng")
rc, out, err = run([vpnscope, "decrypt", "--no-progress", cap, "-k", keys, "-w", o])
mine = {i: d for i, (lt, d, c) in enumerate(read_pcapng(o), 1) if c and "decrypted ESP" in c}
if run(["sh", "-c", "command -v tshark"])[0] == 0:
    theirs, icv = tshark_decrypted(cap, keys)
    agree = 0
    for i, d in mine.items():
        t = theirs.get(i)
        # tunnel: after the link header; transport over IPv6: after the 40-byte header
        ok = t is not None and (d[14:] == t or d[14 + 40:] == t)
        agree += ok
        if not ok:
            fail(f"frame {i} differs from tshark:\n  vpnscope {d.hex()}\n  tshark   {(t or b'').hex()}")
    print(f"oracle agreement (crafted ESP incl. reassembled): {agree}/{len(mine)}")
if len(mine) != 8:
    fail(f"{len(mine)} decrypted frames written, want 8")
if len(read_pcapng(o)) != len(frames):
    fail("decrypt did not write one frame per captured frame")

# ESN: keys from `ip xfrm state` with "flag esn"; the high half (1) is only in the ICV
esn = []
for seq in (0xFFFFFFFE, 0xFFFFFFFF):
    esn.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.9.0.1", dst="10.9.0.2", proto=50) / Raw(esp(0x901, seq, inner4, 4, seq_hi=0)))
for seq in (0, 1, 2):
    esn.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.9.0.1", dst="10.9.0.2", proto=50) / Raw(esp(0x901, seq, inner4, 4, seq_hi=1)))
ecap = os.path.join(td, "esn.pcap")
wrpcap(ecap, esn)
xfrm = os.path.join(td, "xfrm.txt")
with open(xfrm, "w") as f:
    f.write("src 10.9.0.1 dst 10.9.0.2\n\tproto esp spi 0x00000901 reqid 1 mode tunnel\n"
            "\treplay-window 0 flag af-unspec esn\n"
            f"\tauth-trunc hmac(sha1) 0x{AK.hex()} 96\n\tenc cbc(aes) 0x{EK.hex()}\n")
rc, out, err = run([vpnscope, "sa", "--no-progress", ecap, "-k", xfrm])
if rc != 0 or "#pkts decrypt: 5, #pkts verify: 5" not in out or "esn" not in out \
        or "#seq gaps: 0 (0 missing)" not in out:
    fail(f"ESN across the 32-bit wrap: rc={rc}\n{out}")
print(f"{failures} failed")
sys.exit(1 if failures else 0)
