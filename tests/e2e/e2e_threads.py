#!/usr/bin/python3
"""`vpnscope sa|decode|decrypt --threads N` (one reader, N workers; the reader sends plain ESP
frames to the thread that owns the SA and every other frame to all threads; for decode and decrypt
a writer thread merges the workers' output by frame number) reports and writes exactly what one
thread does, on every keyed sample and a generated capture that mixes everything off the reader's fast
path with plain ESP of the same SAs: ESP fragments (reassembled by every thread, decrypted by the
SA's owner only), VLAN and QinQ tags, ESP in UDP 4500, truncated copies, duplicates, IKE on 4500,
non-ESP traffic, and Linux cooked / raw IP link types.
usage: e2e_threads.py VPNSCOPE SAMPLES_DIR GEN_ESP_CAPTURE_PY"""
import glob
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import run, skip  # noqa: E402

vpnscope, sdir, gen = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    from scapy.all import (  # noqa: E402
        IP, UDP, Dot1Q, Ether, Raw, CookedLinux, fragment, rdpcap, wrpcap, ICMP)
    from scapy.layers.l2 import Dot1AD
except ImportError:
    skip("python3-scapy is not installed (scripts/setup.sh installs it)")

fail = False


def compare(name, cap, keys, threads=("2", "3")):
    """sa with one thread and with N: same exit code, same report. Returns the report."""
    global fail
    rc1, so1, se1 = run([vpnscope, "sa", cap, "-k", keys, "--no-progress"])
    if rc1 == 2:
        print(f"FAIL {name}: one thread: rc 2\n{se1}")
        fail = True
        return so1
    for t in threads:
        rc, so, se = run([vpnscope, "sa", cap, "-k", keys, "--no-progress", "--threads", t])
        if (rc, so) != (rc1, so1):
            print(f"FAIL {name}: --threads {t} (rc {rc}) differs from one thread (rc {rc1})")
            a, b = so1.splitlines(), so.splitlines()
            for i in range(max(len(a), len(b))):
                x = a[i] if i < len(a) else "<none>"
                y = b[i] if i < len(b) else "<none>"
                if x != y:
                    print(f"  line {i + 1}:\n    1 thread: {x}\n    {t} threads: {y}")
            fail = True
    return so1


def compare_outputs(name, cap, keys, threads=("2", "3")):
    """decode (text and JSON) and decrypt -w with N threads write exactly what one thread writes:
    the same lines in frame order, the same pcapng bytes."""
    global fail
    with tempfile.TemporaryDirectory() as od:
        ref = None
        for t in ("1",) + tuple(threads):
            out = os.path.join(od, f"o{t}.pcapng")
            r1 = run([vpnscope, "decode", cap, "-k", keys, "--no-progress", "--threads", t])
            r2 = run([vpnscope, "decode", "--json", cap, "-k", keys, "--no-progress", "--threads", t])
            r3 = run([vpnscope, "decrypt", cap, "-k", keys, "-w", out, "--no-progress", "--threads", t])
            got = (r1[0], r1[1], r2[0], r2[1], r3[0], r3[1],
                   open(out, "rb").read() if os.path.exists(out) else None)
            if ref is None:
                ref = got
                if r1[0] == 2 or r3[0] == 2 or got[6] is None:
                    print(f"FAIL {name}: one thread: decode rc {r1[0]}, decrypt rc {r3[0]}\n{r1[2]}{r3[2]}")
                    fail = True
                    return
                continue
            for what, i in (("decode", 1), ("decode --json", 3), ("decrypt report", 5), ("decrypt -w pcapng", 6)):
                if got[i] != ref[i] or got[i - 1 if i != 6 else 4] != ref[i - 1 if i != 6 else 4]:
                    a = ref[i].splitlines() if i != 6 else []
                    b = got[i].splitlines() if i != 6 else []
                    first = next((k for k in range(max(len(a), len(b)))
                                  if (a[k] if k < len(a) else None) != (b[k] if k < len(b) else None)), None)
                    print(f"FAIL {name}: {what} with --threads {t} differs from one thread"
                          + (f" (first at line {first + 1}: {(a[first] if first < len(a) else '<none>')[:160]!r} / "
                             f"{(b[first] if first < len(b) else '<none>')[:160]!r})" if first is not None else ""))
                    fail = True


def count(report, key):
    m = re.search(r"^\s*(\d+)\s.*\[" + re.escape(key) + r"\]", report, re.M)
    return int(m.group(1)) if m else 0


n_samples = 0
for keys in sorted(glob.glob(os.path.join(sdir, "*", "esp_sa")) +
                   glob.glob(os.path.join(sdir, "*", "all-keys", "esp_sa"))):
    d = os.path.dirname(keys)
    if d.endswith("all-keys"):
        d = os.path.dirname(d)
    for cap in sorted(glob.glob(os.path.join(d, "*.pcap")) + glob.glob(os.path.join(d, "*.pcapng"))):
        compare(os.path.relpath(cap, sdir), cap, keys)
        compare_outputs(os.path.relpath(cap, sdir), cap, keys)
        n_samples += 1
if n_samples < 10:
    print(f"FAIL only {n_samples} keyed sample captures found in {sdir}")
    fail = True

with tempfile.TemporaryDirectory() as td:
    base = os.path.join(td, "base.pcap")
    keys = os.path.join(td, "esp_sa")
    rc, so, se = run([sys.executable, gen, "aes-cbc-sha1", "400", base, keys, os.path.join(td, "secrets")])
    if rc != 0:
        print(f"FAIL generator: {se}")
        sys.exit(1)
    pk = rdpcap(base)
    mixed = []
    n_frag = n_vlan = n_qinq = n_trunc = 0
    for i, p in enumerate(pk):
        ip = p[IP]
        k = i % 10
        if k == 3 and len(ip) > 600:  # ESP in fragments: only full decoding sees the SPI
            for fr in fragment(ip.copy(), fragsize=512):
                mixed.append(Ether(src=p.src, dst=p.dst) / fr)
            n_frag += 1
        elif k == 5:
            mixed.append(Ether(src=p.src, dst=p.dst) / Dot1Q(vlan=10) / ip)
            n_vlan += 1
        elif k == 6:
            mixed.append(Ether(src=p.src, dst=p.dst) / Dot1AD(vlan=20) / Dot1Q(vlan=30) / ip)
            n_qinq += 1
        elif k == 7:  # a cut copy, then the packet itself
            raw = bytes(p)
            mixed.append(Ether(raw[:14 + 20 + 6]))
            mixed.append(p)
            n_trunc += 1
        elif k == 8:  # the same packet twice: a duplicate for the replay window
            mixed.append(p)
            mixed.append(p)
        else:
            mixed.append(p)
        if i % 50 == 0:  # traffic that is not ESP, and IKE on 4500
            mixed.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.9.9.1", dst="10.9.9.2") / ICMP())
            mixed.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src=ip.src, dst=ip.dst) / UDP(sport=4500, dport=4500) /
                         Raw(b"\x00\x00\x00\x00" + bytes(28)))
    # UDP-encapsulated copies of some SAs' packets (a NAT-T sender: a new (SPI, sender) pair)
    for p in pk[:40]:
        ip = p[IP]
        mixed.append(Ether(src=p.src, dst=p.dst) /
                     IP(src="192.0.2.77", dst=ip.dst) / UDP(sport=4500, dport=4500) / Raw(bytes(ip.payload)))
    for j, p in enumerate(mixed):
        p.time = 1700000000 + j / 1000
    cap = os.path.join(td, "mixed.pcap")
    wrpcap(cap, mixed, linktype=1)
    rep = compare("generated mixed capture", cap, keys, ("2", "3", "8"))
    compare_outputs("generated mixed capture", cap, keys, ("2", "3", "8"))
    frames = int(re.search(r"^(\d+) frames:", rep, re.M).group(1))
    if frames != len(mixed):
        print(f"FAIL mixed: {frames} frames reported, {len(mixed)} written")
        fail = True
    # every frame counted once: the dispositions add up to the frames
    total = sum(int(x) for x in re.findall(r"^\s+(\d+)\s+.*\[[a-z_.]+\]$", rep, re.M))
    if total != frames:
        print(f"FAIL mixed: dispositions add up to {total}, not {frames}\n{rep}")
        fail = True
    dec = count(rep, "esp.decrypted")
    if dec < len(pk):
        print(f"FAIL mixed: {dec} ESP decrypted, want at least {len(pk)}")
        fail = True
    if n_frag == 0 or n_vlan == 0 or n_qinq == 0 or n_trunc == 0:
        print(f"FAIL mixed capture lacks a case: frag {n_frag} vlan {n_vlan} qinq {n_qinq} trunc {n_trunc}")
        fail = True
    if count(rep, "esp.truncated") + count(rep, "truncated") < n_trunc:
        print(f"FAIL mixed: truncated copies not counted\n{rep}")
        fail = True
    print(f"mixed: {frames} frames ({n_frag} packets in fragments, {n_vlan} VLAN, {n_qinq} QinQ, "
          f"{n_trunc} cut copies), {dec} decrypted, compared with 2, 3 and 8 threads")

    # other link types on the reader's fast path: Linux cooked v1 and raw IP
    cooked = [CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=b"\x02" * 6 + b"\x00\x00", proto=0x0800) /
              p[IP] for p in pk[:100]]
    for j, p in enumerate(cooked):
        p.time = 1700000000 + j / 1000
    cc = os.path.join(td, "cooked.pcap")
    wrpcap(cc, cooked, linktype=113)
    rep = compare("Linux cooked capture", cc, keys)
    compare_outputs("Linux cooked capture", cc, keys)
    if count(rep, "esp.decrypted") != 100:
        print(f"FAIL cooked: {count(rep, 'esp.decrypted')} decrypted, want 100\n{rep}")
        fail = True
    rawip = [p[IP] for p in pk[:100]]
    for j, p in enumerate(rawip):
        p.time = 1700000000 + j / 1000
    rc_ = os.path.join(td, "raw.pcap")
    wrpcap(rc_, rawip, linktype=101)
    rep = compare("raw IP capture", rc_, keys)
    if count(rep, "esp.decrypted") != 100:
        print(f"FAIL raw: {count(rep, 'esp.decrypted')} decrypted, want 100\n{rep}")
        fail = True
    # several files in one run, a missing one among them: same report, exit 2, the file named
    rc1, so1, se1 = run([vpnscope, "sa", cc, os.path.join(td, "missing.pcap"), rc_, "-k", keys, "--no-progress"])
    rc2, so2, se2 = run([vpnscope, "sa", cc, os.path.join(td, "missing.pcap"), rc_, "-k", keys, "--no-progress",
                         "--threads", "2"])
    if rc1 != 2 or (rc1, so1) != (rc2, so2) or "missing.pcap" not in se2:
        print(f"FAIL several files with a missing one: rc {rc1}/{rc2}\n{se2}")
        fail = True
    elif count(so2, "esp.decrypted") != 200:
        print(f"FAIL several files: {count(so2, 'esp.decrypted')} decrypted, want 200")
        fail = True

# ESP inside ESP (decode walks into the decrypted payload): an inner SA is decrypted by the thread
# that decrypted the outer packet, whatever the owner table would say for it. Two inner SAs, each
# inside its own outer SA (an inner SA carried by two outer SAs in different threads would have
# its sequence numbers checked per thread: a limitation the man page states).
def esp_cbc(spi, seq, enc, auth, inner, nh, iv):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    import hmac as _hmac
    import hashlib as _hashlib
    pad = (-(len(inner) + 2)) % 16
    pt = inner + bytes(range(1, pad + 1)) + bytes([pad, nh])
    e = Cipher(algorithms.AES(enc), modes.CBC(iv)).encryptor()
    body = struct.pack(">II", spi, seq) + iv + e.update(pt) + e.finalize()
    return body + _hmac.new(auth, body, _hashlib.sha1).digest()[:12]


import struct  # noqa: E402
with tempfile.TemporaryDirectory() as td:
    sas = {0x2001: (bytes(range(16)), bytes(range(20)), "10.1.1.1", "10.2.2.2"),
           0x2004: (bytes(range(48, 64)), bytes(range(60, 80)), "10.1.1.1", "10.2.2.2"),
           0x2002: (bytes(range(16, 32)), bytes(range(20, 40)), "192.0.2.1", "192.0.2.2"),
           0x2003: (bytes(range(32, 48)), bytes(range(40, 60)), "192.0.2.3", "192.0.2.4")}
    keys = os.path.join(td, "esp_sa")
    with open(keys, "w") as f:
        for spi, (ek, ak, src, dst) in sas.items():
            f.write(f'"IPv4","{src}","{dst}","0x{spi:08x}","AES-CBC [RFC3602]","0x{ek.hex()}",'
                    f'"HMAC-SHA-1-96 [RFC2404]","0x{ak.hex()}"\n')
    pk = []
    for i in range(60):
        payload = bytes(UDP(sport=1000 + i, dport=53) / Raw(bytes(20 + i)))
        host = bytes(IP(src="172.16.0.1", dst="172.16.0.2", proto=17, id=i) / payload)
        inner_spi = 0x2001 if i % 2 == 0 else 0x2004
        outer_spi = 0x2002 if i % 2 == 0 else 0x2003
        ek, ak, src, dst = sas[inner_spi]
        inner_esp = bytes(IP(src=src, dst=dst, proto=50, id=i) /
                          Raw(esp_cbc(inner_spi, i // 2 + 1, ek, ak, host, 4, bytes(16))))
        ek, ak, src, dst = sas[outer_spi]
        iv = bytes([i]) * 16
        pk.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src=src, dst=dst, proto=50, id=i) /
                  Raw(esp_cbc(outer_spi, i // 2 + 1, ek, ak, inner_esp, 4, iv)))
    for j, p in enumerate(pk):
        p.time = 1700000000 + j / 1000
    cap = os.path.join(td, "nested.pcap")
    wrpcap(cap, pk, linktype=1)
    rc, so, se = run([vpnscope, "decode", cap, "-k", keys, "--no-progress"])
    inner_ok = so.count("ESP SPI 0x00002001") + so.count("ESP SPI 0x00002004")
    good = sum(line.count("ICV good") for line in so.splitlines() if line[:1].isdigit())
    udp_once = all(line.count("UDP ") == 1 for line in so.splitlines() if "172.16.0.1" in line)
    if rc != 0 or inner_ok != 60 or good != 120 or not udp_once:
        print(f"FAIL nested ESP, one thread: rc {rc}, inner SA seen {inner_ok} times, "
              f"{good} good ICVs (want 60, 120), inner UDP named once: {udp_once}\n{so[:2000]}{se}")
        fail = True
    compare_outputs("nested ESP", cap, keys, ("2", "3"))
    print(f"nested ESP: {inner_ok} inner packets of 2 SAs decrypted inside 2 outer SAs, compared with 2 and 3 "
          f"threads")

print(f"{n_samples} keyed sample captures compared with 1, 2 and 3 threads (sa report, decode text and "
      f"JSON lines, decrypt report and pcapng bytes)")
sys.exit(1 if fail else 0)
