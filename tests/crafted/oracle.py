"""Helpers for the crafted-sample oracle tests: run tshark's built-in dissectors and compare.

Independent of samples/crafted (the generator): nothing is imported from it. Tests read the
committed captures, key files and expected.md, and let tshark do the decoding and decryption.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

SKIP = 77
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# VS_CRAFTED_SAMPLES lets test_oracle_can_fail.py run the tests on a mutated copy
SAMPLES = os.environ.get("VS_CRAFTED_SAMPLES", os.path.join(ROOT, "samples"))
failures = []


def need_tshark():
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed (scripts/setup.sh installs it)")
        sys.exit(SKIP)


def check(cond, msg):
    if cond:
        print("ok   " + msg)
    else:
        print("FAIL " + msg)
        failures.append(msg)


def done():
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


class Tshark:
    """tshark with its own configuration folder (key tables go there as UAT files)."""

    def __init__(self, keyfiles=None, prefs=()):
        self.dir = tempfile.mkdtemp(prefix="vs-crafted-")
        for name, path in (keyfiles or {}).items():
            shutil.copy(path, os.path.join(self.dir, name))
        self.prefs = []
        for p in prefs:
            self.prefs += ["-o", p]

    def run(self, pcap, args):
        env = dict(os.environ, WIRESHARK_CONFIG_DIR=self.dir, HOME=self.dir, LC_ALL="C", TZ="UTC")
        r = subprocess.run(["tshark", "-n", "-r", pcap] + self.prefs + args, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RuntimeError("tshark failed on %s: %s" % (pcap, r.stderr))
        return r.stdout

    def fields(self, pcap, fields, extra=(), filt=None):
        args = list(extra) + ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
        if filt:
            args += ["-Y", filt]
        for f in fields:
            args += ["-e", f]
        out = []
        for line in self.run(pcap, args).splitlines():
            cols = line.split("\t")
            out.append(dict(zip(fields, cols + [""] * (len(fields) - len(cols)))))
        return out

    def decrypted_ike(self, pcap, extra=()):
        """{frame: bytes} of tshark's 'Decrypted IKE' data source (what tshark decrypted)."""
        text = self.run(pcap, list(extra) + ["-P", "-x"])
        res, frame, cur = {}, 0, None
        for line in text.splitlines():
            m = re.match(r"^\s*(\d+)\s+\d+\.\d+\s", line)
            if m and not re.match(r"^[0-9a-f]{4}  ", line):
                frame = int(m.group(1))
                cur = None
                continue
            if line.startswith("Decrypted IKE"):
                cur = bytearray()
                res[frame] = cur
                continue
            if cur is not None:
                m = re.match(r"^[0-9a-f]{4}  ((?:[0-9a-f]{2} ){1,16})", line)
                if m:
                    cur += bytes.fromhex(m.group(1).replace(" ", ""))
                else:
                    cur = None
        return {k: bytes(v) for k, v in res.items()}


def first(v):
    return v.split("|")[0] if v else v


def expected_listing(md_path, capture_name):
    """Rows of the ```listing block that follows '## Capture <capture_name>' in expected.md."""
    text = open(md_path).read()
    i = text.index("## Capture " + capture_name)
    block = text[i:].split("```listing", 1)[1].split("```", 1)[0]
    rows = []
    for line in block.strip().splitlines():
        if line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        rows.append((int(parts[0]), parts[1], parts[2], parts[3]))
    return rows


def walk_payloads(first_type, data):
    """ISAKMP payload chain (RFC 2408 3.2): [(type, body)] following next-payload fields."""
    out, t, off = [], first_type, 0
    while t and off + 4 <= len(data):
        nxt, _, ln = struct.unpack("!BBH", data[off:off + 4])
        if ln < 4 or off + ln > len(data):
            raise ValueError("bad payload length %d at %d" % (ln, off))
        out.append((t, data[off + 4:off + ln]))
        t, off = nxt, off + ln
    return out


def attrs(data):
    """ISAKMP data attributes (RFC 2408 3.3): [(type, value bytes)]; basic values as 2 bytes."""
    out, off = [], 0
    while off + 4 <= len(data):
        t, v = struct.unpack("!HH", data[off:off + 4])
        if t & 0x8000:
            out.append((t & 0x7FFF, data[off + 2:off + 4]))
            off += 4
        else:
            out.append((t, data[off + 4:off + 4 + v]))
            off += 4 + v
    return out


def pcap_records(path):
    """[(header bytes, frame bytes)] of a classic little/big-endian pcap file."""
    data = open(path, "rb").read()
    magic = data[:4]
    e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        out.append((data[off:off + 16], data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], out


def udp_payload_offset(frame):
    """Offset of the UDP payload in an Ethernet/IPv4/UDP frame, or None."""
    if frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return None
    ihl = (frame[14] & 0x0F) * 4
    return 14 + ihl + 8


def patch_gdoi_phase1_doi(src, dst):
    """Copy of src where the phase-1 SA payloads offered with DOI 2 (GDOI) say DOI 1 (IPsec).

    Wireshark 4.0 does not decode proposals in a DOI-2 SA payload, so it never learns the phase-1
    algorithms and cannot decrypt anything (../shared/notes/wireshark-4.0-facts.md). Only the cleartext
    MM1/MM2 DOI fields change and the UDP checksum is cleared; every encrypted byte tshark then
    decrypts is the original one. Returns the number of patched frames.
    """
    gh, recs = pcap_records(src)
    out, n = [gh], 0
    for h, f in recs:
        o = udp_payload_offset(f)
        if o is not None and len(f) >= o + 36:
            isakmp = f[o:]
            if isakmp[18] == 2 and isakmp[16] == 1 and isakmp[32:36] == b"\x00\x00\x00\x02":
                f = f[:o - 2] + b"\x00\x00" + f[o:o + 32] + b"\x00\x00\x00\x01" + f[o + 36:]
                n += 1
        out.append(h + f)
    open(dst, "wb").write(b"".join(out))
    return n


GRE_FIELDS = ["frame.number", "ip.src", "ip.dst", "ip.proto", "gre.proto", "nhrp.hdr.op.type", "icmp.type",
              "esp.spi", "esp.sequence", "isakmp.exchangetype", "isakmp.flags", "isakmp.messageid", "isakmp.ispi"]


def gre_summary(r):
    """The expected.md summary rebuilt from tshark fields (GRE/NHRP/EIGRP/ICMP/ESP/ISAKMP)."""
    srcs, dsts = r["ip.src"].split("|"), r["ip.dst"].split("|")
    protos = r["ip.proto"].split("|")
    if r.get("esp.spi") and protos[0] == "50":
        return "esp spi=0x%08x seq=%d" % (int(first(r["esp.spi"]), 16), int(first(r["esp.sequence"])))
    if r.get("isakmp.exchangetype"):
        return "isakmp exch=%s flags=%s msgid=%s icookie=%s" % (
            first(r["isakmp.exchangetype"]), first(r["isakmp.flags"]), first(r["isakmp.messageid"]), first(r["isakmp.ispi"]))
    if "47" in protos:
        gp = first(r["gre.proto"])
        if gp == "0x2001":
            return "gre nhrp op=%s" % first(r["nhrp.hdr.op.type"])
        if gp == "0x0800" and len(srcs) >= 2:
            i = protos.index("47") + 1
            if protos[i] == "88":
                return "gre ipv4 eigrp %s->%s" % (srcs[i], dsts[i])
            if protos[i] == "1":
                return "gre ipv4 icmp %s->%s type=%s" % (srcs[i], dsts[i], first(r["icmp.type"]))
            return "gre ipv4 proto=%s" % protos[i]
        return "gre proto=%s" % gp
    return "?"


def compare_listing(ts, pcap, md, capture_name, extra=()):
    """Runs tshark, compares the listing; returns the tshark rows."""
    expected = expected_listing(md, capture_name)
    rows = ts.fields(pcap, GRE_FIELDS + [f for f in extra if f not in GRE_FIELDS])
    got = [(int(r["frame.number"]), first(r["ip.src"]), first(r["ip.dst"]), gre_summary(r)) for r in rows]
    check(len(got) == len(expected), "%s: %d frames, expected.md lists %d" % (capture_name, len(got), len(expected)))
    bad = [(g, e) for g, e in zip(got, expected) if g != e]
    check(not bad, "%s: message sequence equals expected.md%s" % (capture_name, "" if not bad else ": first diff %s vs %s" % bad[0]))
    return rows
