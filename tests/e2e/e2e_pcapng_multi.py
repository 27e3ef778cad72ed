#!/usr/bin/python3
"""pcapng files whose interfaces differ in link type (dumpcap -i eth0 -i any, merged captures,
`vpnscope decrypt -w` output), which libpcap 1.10 refuses, read through vpnscope's own pcapng
reader. From a keyed Ethernet sample this writes one pcapng with two interfaces: odd frames
as captured (Ethernet, microseconds), even frames as Linux cooked (SLL, nanoseconds, with an
if_tsoffset), an NRB and an ISB in between, and checks that
  - libpcap (tcpdump) refuses the file: the premise of the reader;
  - `vpnscope decode` reads every frame, each with its own link type, and agrees with tshark
    frame by frame (frame number, link type, time stamp, MAC / SLL fields);
  - the decode lines and `vpnscope sa -k esp_sa` (1 thread and --threads 2) equal those of the
    single-link-type sample: ESP decrypts as there;
  - the same through standard input;
  - `vpnscope decrypt -w out.pcapng` writes one interface per link type (two here), and
    `vpnscope decode out.pcapng` reads it back: same frames, same times, link types as tshark
    sees them, the decrypted inner packets as the merged file's decode shows them.
And on a real `dumpcap -i vB -i any` capture of the same ESP (tests/e2e/data/README.md): every
frame with tshark's link type and time, each ESP packet's inner bytes byte-identical to what
tshark decrypts, and the SA counters the capture implies (every packet three times).
usage: e2e_pcapng_multi.py VPNSCOPE SAMPLES_DIR"""
import json
import os
import shutil
import struct
import sys
import tempfile
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import read_pcapng, run, skip, tshark_decrypted  # noqa: E402

vpnscope, sdir = sys.argv[1], sys.argv[2]
CASES = ["ipsec-manual-keys", "gre-ipsec-tunnel", "nat-t"]
have = [c for c in CASES if os.path.exists(os.path.join(sdir, c, c + ".pcap"))]
if not have:
    skip(f"no keyed samples in {sdir}")
have_tshark = shutil.which("tshark") is not None
fail = False
checks = 0


def check(ok, msg):
    global fail, checks
    checks += 1
    if not ok:
        print(f"FAIL {msg}")
        fail = True


def read_pcap(path):
    """Classic pcap (either byte order, us or ns): [(sec, nsec, data, wirelen)], linktype."""
    d = open(path, "rb").read()
    magic = d[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    lt = struct.unpack_from(end + "I", d, 20)[0]
    off, out = 24, []
    while off + 16 <= len(d):
        s, frac, cap, wire = struct.unpack_from(end + "IIII", d, off)
        out.append((s, frac if nano else frac * 1000, d[off + 16:off + 16 + cap], wire))
        off += 16 + cap
    return out, lt


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def opt(code, val):
    return struct.pack("<HH", code, len(val)) + val + b"\0" * (-len(val) % 4)


TSOFF = 1_000_000_000  # if_tsoffset of the SLL interface, seconds


def to_sll(eth):
    """Ethernet frame -> Linux cooked (v1): packet type 4 (sent by us), ARPHRD_ETHER, the
    source MAC, then the EtherType and the payload."""
    return struct.pack(">HHH", 4, 1, 6) + eth[6:12] + b"\0\0" + eth[12:14] + eth[14:]


def write_multi(frames, path):
    out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
           block(1, struct.pack("<HHI", 1, 0, 262144) + opt(2, b"eth0") + opt(0, b"")),
           block(1, struct.pack("<HHI", 113, 0, 65535) + opt(2, b"any") + opt(9, b"\x09") +
                 opt(14, struct.pack("<q", TSOFF)) + opt(0, b""))]
    for i, (s, ns, data, wire) in enumerate(frames, 1):
        if i == 3:  # a name resolution block: not a frame
            out.append(block(4, struct.pack("<HH", 1, 8) + bytes([192, 0, 2, 1]) + b"r1\0\0" +
                             struct.pack("<HH", 0, 0)))
        if i % 2:
            ts = s * 1_000_000 + ns // 1000
            out.append(block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(data),
                                            wire) + data + b"\0" * (-len(data) % 4)))
        else:
            d2 = to_sll(data)
            ts = (s - TSOFF) * 1_000_000_000 + ns
            out.append(block(6, struct.pack("<IIIII", 1, ts >> 32, ts & 0xffffffff, len(d2),
                                            wire + 2) + d2 + b"\0" * (-len(d2) % 4)))
    out.append(block(5, struct.pack("<III", 0, 0, 0) + opt(0, b"")))  # an ISB, as dumpcap ends
    open(path, "wb").write(b"".join(out))


def iso_to_ns(t):
    """'2026-11-29T07:53:46.356328000Z' -> integer nanoseconds since the epoch."""
    base, frac = t.rstrip("Z").split(".")
    dt = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return int(dt.timestamp()) * 1_000_000_000 + int(frac.ljust(9, "0"))


def epoch_to_ns(t):
    s, _, f = t.partition(".")
    return int(s) * 1_000_000_000 + int(f.ljust(9, "0")[:9])


def json_frames(out):
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def link_of(obj):
    """The link type vpnscope decoded a frame with, as its JSON shows it."""
    if "vpnscope.link.eth.src" in obj:
        return 1
    if "vpnscope.link.sll.pkttype" in obj:
        return 113
    return None


def tshark_frames(cap):
    env = dict(os.environ, TZ="UTC")
    rc, out, err = run(["tshark", "-n", "-r", cap, "-T", "fields", "-E", "separator=|",
                        "-e", "frame.number", "-e", "frame.interface_id", "-e", "frame.encap_type",
                        "-e", "frame.time_epoch", "-e", "eth.src", "-e", "sll.pkttype"], env=env)
    if rc != 0:
        raise RuntimeError(f"tshark failed: {err}")
    # wiretap encapsulation numbers: 1 Ethernet, 25 Linux cooked (SLL)
    wtap = {"1": 1, "25": 113}
    return [(int(f[0]), f[1], wtap.get(f[2], f[2]), epoch_to_ns(f[3]), f[4].replace(":", ""), f[5])
            for f in (line.split("|") for line in out.splitlines())]


def compare_with_tshark(name, cap, objs):
    if not have_tshark:
        return
    ts = tshark_frames(cap)
    check(len(ts) == len(objs), f"{name}: tshark sees {len(ts)} frames, vpnscope {len(objs)}")
    for (num, _ifid, lt, t, esrc, pkttype), o in zip(ts, objs):
        check(o["frame.number"] == num, f"{name}: frame {num}: vpnscope numbers it {o['frame.number']}")
        check(link_of(o) == lt, f"{name}: frame {num}: link type {link_of(o)}, tshark {lt}")
        check(iso_to_ns(o["frame.time"]) == t,
              f"{name}: frame {num}: time {o['frame.time']}, tshark {t}")
        if lt == 1:
            check(o.get("vpnscope.link.eth.src") == esrc,
                  f"{name}: frame {num}: eth.src {o.get('vpnscope.link.eth.src')} vs {esrc}")
        if lt == 113:
            check(str(o.get("vpnscope.link.sll.pkttype")) == pkttype,
                  f"{name}: frame {num}: sll.pkttype {o.get('vpnscope.link.sll.pkttype')} vs {pkttype}")


td = tempfile.mkdtemp(prefix="vs-pcapng-multi-")
try:
    for name in have:
        src = os.path.join(sdir, name, name + ".pcap")
        keys = os.path.join(sdir, name, "esp_sa")
        frames, lt = read_pcap(src)
        if lt != 1:
            check(False, f"{name}: expected an Ethernet sample, link type {lt}")
            continue
        multi = os.path.join(td, name + "-multi.pcapng")
        write_multi(frames, multi)
        n = len(frames)

        # the premise: libpcap refuses the file
        if shutil.which("tcpdump"):
            rc, so, se = run(["tcpdump", "-n", "-r", multi])
            check(rc != 0 and "different from the type of the first interface" in se,
                  f"{name}: tcpdump (libpcap) reads the two-link-type file? rc {rc}: {se[-200:]}")

        # decode: every frame, with its own link type, as the single-link-type sample
        rc0, ref, _ = run([vpnscope, "decode", src, "-k", keys, "--no-progress"])
        rc1, got, err = run([vpnscope, "decode", multi, "-k", keys, "--no-progress"])
        check(rc1 == rc0 and got == ref,
              f"{name}: decode of the two-link-type file (rc {rc1}, {err[-200:]!r}) differs from "
              f"the sample's (rc {rc0})")
        check(f"{n} frames:" in got, f"{name}: {n} frames expected:\n{got[-300:]}")
        rc2, js, err = run([vpnscope, "decode", "--json", multi, "-k", keys, "--no-progress"])
        objs = json_frames(js)
        check(rc2 == rc0 and len(objs) == n, f"{name}: --json: rc {rc2}, {len(objs)} frames of {n}")
        for o in objs:
            want = 1 if o["frame.number"] % 2 else 113
            check(link_of(o) == want, f"{name}: frame {o['frame.number']} decoded as {link_of(o)}")
        compare_with_tshark(name, multi, objs)

        # sa: ESP decrypts as on the single-link-type file, one thread and two
        rcs, sref, _ = run([vpnscope, "sa", src, "-k", keys, "--no-progress"])
        check("#pkts decrypt: 0" not in sref and "ESP decrypted" in sref, f"{name}: sample decrypts")
        for extra in ([], ["--threads", "2"]):
            rc, so, se = run([vpnscope, "sa", multi, "-k", keys, "--no-progress"] + extra)
            check(rc == rcs and so == sref,
                  f"{name}: sa {' '.join(extra)} on the two-link-type file differs (rc {rc}):\n"
                  f"{so}\n--- sample:\n{sref}\n{se}")

        # standard input: the same
        with open(multi, "rb") as f:
            p = run([vpnscope, "decode", "-", "-k", keys, "--no-progress"], stdin=f)
        check(p[0] == rc0 and p[1] == ref, f"{name}: decode from stdin differs (rc {p[0]}): {p[2]}")
        with open(src, "rb") as f:  # classic pcap on stdin: still libpcap's
            p = run([vpnscope, "decode", "-", "-k", keys, "--no-progress"], stdin=f)
        check(p[0] == rc0 and p[1] == ref, f"{name}: pcap from stdin differs (rc {p[0]}): {p[2]}")
        cut = os.path.join(td, name + "-cut.pcapng")
        blob = open(multi, "rb").read()
        open(cut, "wb").write(blob[:len(blob) - 20])  # inside the 28-byte ISB at the end
        with open(cut, "rb") as f:
            p = run([vpnscope, "decode", "-", "--no-progress"], stdin=f)
        check(p[0] == 2 and f"vpnscope: (stdin): pcapng block at offset {len(blob) - 28} (after frame {n}): "
              "truncated: " in p[2] and f"{n} frames:" in p[1],
              f"{name}: a cut pcapng on stdin: rc {p[0]}: {p[2]!r}")

        # decrypt -w: one interface per link type; read back by vpnscope decode
        out = os.path.join(td, name + "-clear.pcapng")
        rc, so, se = run([vpnscope, "decrypt", multi, "-k", keys, "-w", out, "--no-progress"])
        check(rc == rc0, f"{name}: decrypt rc {rc}: {se}")
        pk = read_pcapng(out)
        check(len(pk) == n and {lt for lt, _, _ in pk} == {1, 113},
              f"{name}: decrypt -w wrote {len(pk)} frames with link types {sorted({lt for lt, _, _ in pk})}")
        rc, back, se = run([vpnscope, "decode", "--json", out, "--no-progress"])
        bobjs = json_frames(back)
        check(rc in (0, 1) and len(bobjs) == n, f"{name}: decode of the decrypt output: rc {rc}, "
              f"{len(bobjs)} frames of {n}: {se[-300:]}")
        for o, m in zip(bobjs, objs):
            num = o["frame.number"]
            check(link_of(o) == link_of(m), f"{name}: decrypted frame {num}: link {link_of(o)} "
                  f"vs {link_of(m)}")
            check(o["frame.time"] == m["frame.time"], f"{name}: decrypted frame {num}: time")
        compare_with_tshark(name + " (decrypted)", out, bobjs)
        # the text of each decrypted frame is the inner part of the merged file's line
        rc, tback, _ = run([vpnscope, "decode", out, "--no-progress"])
        inner = {}
        for line in got.splitlines():
            if " | " in line and "[decrypted" in line:
                num, rest = line.split(" ", 1)
                inner[num] = rest.split(" | ", 1)[1]
        matched = 0
        for line in tback.splitlines():
            num, _, rest = line.partition(" ")
            if num in inner and rest[:2] == "20":  # "N TIME summary", not the totals
                matched += 1
                check(rest.split(" ", 1)[1] == inner[num],
                      f"{name}: decrypted frame {num} reads back as {rest!r}, not {inner[num]!r}")
        check(matched == len(inner) and matched > 0,
              f"{name}: {matched} of {len(inner)} decrypted frames found again")
        print(f"{name}: {n} frames on 2 link types; {len(inner)} ESP decrypted; decrypt -w read back")

    # a real dumpcap capture: Ethernet and Linux cooked, ESP three times over
    real = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "dumpcap-veth-any-esp.pcapng")
    keys = os.path.join(sdir, "ipsec-manual-keys", "esp_sa")
    if os.path.exists(keys):
        name = "dumpcap-veth-any-esp"
        if shutil.which("tcpdump"):
            rc, so, se = run(["tcpdump", "-n", "-r", real])
            check(rc != 0 and "different from the type of the first interface" in se,
                  f"{name}: tcpdump (libpcap) reads it? rc {rc}: {se[-200:]}")
        rc, js, err = run([vpnscope, "decode", "--json", real, "-k", keys, "--no-progress"])
        objs = json_frames(js)
        check(rc == 1 and len(objs) == 30, f"{name}: decode rc {rc} (1: duplicates), {len(objs)} frames")
        check(sum(link_of(o) == 1 for o in objs) == 10 and sum(link_of(o) == 113 for o in objs) == 20,
              f"{name}: 10 Ethernet and 20 Linux cooked frames expected")
        compare_with_tshark(name, real, objs)
        out = os.path.join(td, name + "-clear.pcapng")
        rc, so, se = run([vpnscope, "decrypt", real, "-k", keys, "-w", out, "--no-progress"])
        check("        24  ESP decrypted" in so, f"{name}: decrypt: {so}{se}")
        pk = read_pcapng(out)
        dec = {i: (lt, data) for i, (lt, data, comment) in enumerate(pk, 1)
               if comment and comment.startswith("vpnscope: decrypted ESP") and "ICV good" in comment}
        check(len(pk) == 30 and len(dec) == 24 and {lt for lt, _ in dec.values()} == {1, 113},
              f"{name}: decrypt -w: {len(pk)} frames, {len(dec)} decrypted")
        if have_tshark:
            theirs, icv = tshark_decrypted(real, keys)
            agree = 0
            for i, (lt, data) in dec.items():
                hdr = 14 if lt == 1 else 16  # tunnel mode: the inner packet after the link header
                if theirs.get(i) == data[hdr:] and icv.get(i) == "1":
                    agree += 1
                else:
                    check(False, f"{name}: frame {i} (link {lt}) differs from tshark:\n  vpnscope "
                          f"{data[hdr:].hex()}\n  tshark   {(theirs.get(i) or b'').hex()} icv={icv.get(i)}")
            check(agree == 24, f"{name}: {agree}/24 decrypted packets byte-identical to tshark")
        rc, back, se = run([vpnscope, "decode", out, "--no-progress"])
        check(rc == 0 and "30 frames:" in back and "        24  other IP payload" in back,
              f"{name}: the decrypt output reads back: rc {rc}\n{back[-300:]}{se}")
        rc1, sa1, _ = run([vpnscope, "sa", real, "-k", keys, "--no-progress"])
        rc2, sa2, _ = run([vpnscope, "sa", real, "-k", keys, "--no-progress", "--threads", "2"])
        check(rc1 == 1 and (rc2, sa2) == (rc1, sa1), f"{name}: sa rc {rc1}; --threads 2 agrees: {sa1 == sa2}")
        check(sa1.count("#pkts decaps: 12, #pkts decrypt: 12, #pkts verify: 12") == 2 and
              sa1.count("#pkts replay/duplicate: 8,") == 2,
              f"{name}: each SA: 4 packets seen 3 times: 12 decrypted, 8 duplicates:\n{sa1}")
        print(f"{name}: 30 frames (10 Ethernet, 20 Linux cooked) agree with tshark; 24 ESP decrypted")
finally:
    if os.environ.get("VS_KEEP_TMP"):
        print(f"kept {td}")
    else:
        shutil.rmtree(td, ignore_errors=True)

print(f"{checks} checks" + (", some failed" if fail else ", all passed"))
sys.exit(1 if fail else 0)
