"""Cross-check helpers: the core (through vs_dump) against the crafted samples' ground truth.

Nothing here is imported from samples/crafted (the generator) or analyzer/: the captures are read,
decapsulated and decrypted here with python3-cryptography, from the RFCs:
  RFC 2409 5 / appendix B   IKEv1 CBC: phase-1 IV = hash(g^xi | g^xr) truncated to the block size,
                            each next IV = last ciphertext block of the previous message; phase-2
                            IV = hash(last phase-1 block | M-ID), chained per M-ID
  RFC 6407 4                GROUPKEY-PUSH body encrypted with the KEK (CBC, the KEK's IV)
  RFC 4303 2                ESP: SPI | seq | IV | ciphertext | ICV; trailer pad | pad len | next hdr
The ground truth is the generator's (keys.json, expected.md, key tables): the core must decode the
same values from the bytes.
"""
import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SKIP = 77
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SAMPLES = os.environ.get("VS_CRAFTED_SAMPLES", os.path.join(ROOT, "samples"))
VS_DUMP = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "tests", "crosscheck",
                                                               "vs_dump")
failures = []
notes = []
n_checks = [0]


def check(cond, msg):
    n_checks[0] += 1
    if cond:
        print("ok   " + msg)
    else:
        print("FAIL " + msg)
        failures.append(msg)


def eq(got, want, msg):
    check(got == want, "%s: got %r, want %r" % (msg, got, want))


def note(msg):
    print("NOTE " + msg)
    notes.append(msg)


def done():
    for n in notes:
        print("NOTE " + n)
    if failures:
        print("%d of %d check(s) failed" % (len(failures), n_checks[0]))
        sys.exit(1)
    print("all %d checks passed" % n_checks[0])
    sys.exit(0)


def need(path):
    if not os.path.exists(path):
        print("FAIL missing %s" % path)
        sys.exit(1)
    return path


# ---------------------------------------------------------------- capture reading (classic pcap)

def read_pcap(path):
    """[(frame_no, linktype, bytes)] of a classic pcap."""
    data = open(need(path), "rb").read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        e = ">"
    else:
        raise SystemExit("FAIL %s: not a classic pcap (magic %s)" % (path, magic.hex()))
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off, n, out = 24, 0, []
    while off < len(data):
        incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        off += 16
        n += 1
        out.append((n, linktype, data[off:off + incl]))
        off += incl
    return out


def ipv4_of(frame, linktype):
    """The IPv4 packet of an Ethernet (1) or raw (101) frame, or None."""
    if linktype == 1:
        et = struct.unpack("!H", frame[12:14])[0]
        p = 14
        while et == 0x8100:
            et = struct.unpack("!H", frame[p + 2:p + 4])[0]
            p += 4
        if et != 0x0800:
            return None
        frame = frame[p:]
    elif linktype != 101:
        return None
    if frame[0] >> 4 != 4:
        return None
    tot = struct.unpack("!H", frame[2:4])[0]
    return frame[:tot]


def ip_parts(ip):
    ihl = (ip[0] & 15) * 4
    return {"proto": ip[9], "src": ".".join(map(str, ip[12:16])), "dst": ".".join(map(str, ip[16:20])),
            "payload": ip[ihl:]}


def udp_payload(ip):
    p = ip_parts(ip)
    if p["proto"] != 17:
        return None
    u = p["payload"]
    sport, dport, ulen = struct.unpack("!HHH", u[:6])
    return sport, dport, u[8:ulen]


def gre_payload(gre):
    """(protocol type, key or None, payload) of a GRE packet (RFC 2784 / 2890)."""
    flags, proto = struct.unpack("!HH", gre[:4])
    p, key = 4, None
    if flags & 0x8000:
        p += 4
    if flags & 0x2000:
        key = struct.unpack("!I", gre[p:p + 4])[0]
        p += 4
    if flags & 0x1000:
        p += 4
    return proto, key, gre[p:]


# ---------------------------------------------------------------- running the core

def dump_pcap(path):
    r = subprocess.run([VS_DUMP, need(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("FAIL vs_dump %s: exit %d: %s" % (path, r.returncode, r.stderr))
    return {d["frame"]: d for d in map(json.loads, r.stdout.splitlines())}


def dump_payloads(kind, body, first=None, exch=0):
    with tempfile.NamedTemporaryFile("w", suffix=".hex", delete=False) as f:
        f.write(body.hex())
        name = f.name
    try:
        args = [VS_DUMP, "--payloads", kind]
        if first is not None:
            args += ["--first", str(first), "--exch", str(exch)]
        r = subprocess.run(args + [name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finally:
        os.unlink(name)
    if r.returncode != 0:
        raise SystemExit("FAIL vs_dump --payloads %s: exit %d: %s" % (kind, r.returncode, r.stderr))
    return json.loads(r.stdout)


def values(d, name):
    """Every value of a field, in document order."""
    return [it[1] for it in d["items"] if it[0] == name]


def items(d, name):
    return [it for it in d["items"] if it[0] == name]


def problems(d):
    return [p[0] for p in d["problems"]]


def subtree(d, idx):
    """The items under item idx (deeper, until the depth returns)."""
    its = d["items"]
    depth = its[idx][4]
    out = []
    for it in its[idx + 1:]:
        if it[4] <= depth:
            break
        out.append(it)
    return out


def subtrees(d, name):
    """[(item, [items under it])] for every item of a field."""
    return [(it, subtree(d, i)) for i, it in enumerate(d["items"]) if it[0] == name]


def vals_in(its, name):
    return [it[1] for it in its if it[0] == name]


def check_clean(d, what, allowed=()):
    """status ok and no problem except the allowed ones."""
    eq(d["status"], "ok", what + " status")
    bad = [p for p in problems(d) if p not in allowed]
    check(not bad, "%s: no unexpected problems (%s)" % (what, ", ".join(bad) or "none"))
    check(not d.get("overflow"), what + ": tree did not overflow")


# ---------------------------------------------------------------- crypto

def cbc_decrypt(key, iv, data):
    if len(iv) == 8:
        algo = algorithms.TripleDES(key)
    else:
        algo = algorithms.AES(key)
    d = Cipher(algo, modes.CBC(iv)).decryptor()
    return d.update(data) + d.finalize()


def isakmp_hdr(m):
    icky, rcky = m[:8], m[8:16]
    np_, ver, exch, flags, msgid, length = struct.unpack("!BBBBII", m[16:28])
    return {"icky": icky, "rcky": rcky, "np": np_, "ver": ver, "exch": exch, "flags": flags,
            "msgid": msgid, "len": length}


def isakmp_payloads(first, body):
    """[(type, body)] walking generic payload headers (RFC 2408 3.2) until Next Payload 0."""
    out, t, p = [], first, 0
    while t and p + 4 <= len(body):
        nxt, _, ln = struct.unpack("!BBH", body[p:p + 4])
        out.append((t, body[p + 4:p + ln]))
        t, p = nxt, p + ln
    return out


def read_key_table(path):
    """Wireshark ikev1_decryption_table: icookie hex -> encryption key."""
    tab = {}
    for line in open(need(path)):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        ck, key = line.split(",")
        tab[bytes.fromhex(ck)] = bytes.fromhex(key)
    return tab


class Ikev1Decryptor:
    """RFC 2409 appendix B IV chaining for every IKE SA of a capture, from the key table alone:
    the phase-1 IV needs g^xi and g^xr, which the cleartext MM3/MM4 carry in their KE payloads."""

    def __init__(self, table):
        self.table = table
        self.sa = {}   # icky -> dict(key, bs, gxi, gxr, iv, p1_last, p2 {msgid: iv})

    def feed(self, m):
        """Returns (hdr, plaintext or None) for one ISAKMP message (no non-ESP marker)."""
        h = isakmp_hdr(m)
        s = self.sa.setdefault(h["icky"], {"p2": {}})
        if not h["flags"] & 1:
            for t, b in isakmp_payloads(h["np"], m[28:h["len"]]):
                if t == 4:   # KE: first from the initiator (MM3), then the responder (MM4)
                    if "gxi" not in s:
                        s["gxi"] = b
                    else:
                        s["gxr"] = b
            return h, None
        key = self.table[h["icky"]]
        bs = 8 if len(key) == 24 else 16
        ct = m[28:h["len"]]
        if h["msgid"] == 0:
            if "iv" not in s:
                s["iv"] = hashlib.sha1(s["gxi"] + s["gxr"]).digest()[:bs]
            iv = s["iv"]
            s["iv"] = ct[-bs:]
            s["p1_last"] = ct[-bs:]
        else:
            iv = s["p2"].get(h["msgid"])
            if iv is None:
                iv = hashlib.sha1(s["p1_last"] + struct.pack("!I", h["msgid"])).digest()[:bs]
            s["p2"][h["msgid"]] = ct[-bs:]
        return h, cbc_decrypt(key, iv, ct)


def esp_sa_table(path):
    """Wireshark esp_sa UAT lines: spi int -> (enc key, auth key, cipher name)."""
    out = {}
    for line in open(need(path)):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = [x.strip('"') for x in line.split('","')]
        f[0] = f[0].lstrip('"')
        f[-1] = f[-1].rstrip('"')
        out[int(f[3], 16)] = (bytes.fromhex(f[5][2:]), bytes.fromhex(f[7][2:]), f[4])
    return out


def esp_decrypt(esp, enc_key, auth_key, cipher):
    """RFC 4303 2 with CBC (RFC 2451 / 3602) and a 12-octet HMAC-SHA1-96 ICV (RFC 2404):
    (ICV good, next header, payload)."""
    bs = 8 if cipher.startswith("TripleDES") or cipher == "3DES" else 16
    icv_ok = hmac.new(auth_key, esp[:-12], hashlib.sha1).digest()[:12] == esp[-12:]
    iv, ct = esp[8:8 + bs], esp[8 + bs:-12]
    pt = cbc_decrypt(enc_key, iv, ct)
    pad_len, nh = pt[-2], pt[-1]
    return icv_ok, nh, pt[:-2 - pad_len]


def kd_length_fixup(first, body):
    """The KD Length of each key packet (RFC 6407 5.6.1) as the core, Wireshark's packet-isakmp.c
    and the Cisco-authored GDOI reference code read it: the whole key packet, KD Type .. last
    attribute. The generator (samples/crafted/vpncraft/gdoi.py key_packet()) writes the octets
    after the field (4 less). Returns (body with generator-form lengths rewritten to whole-packet
    lengths, number rewritten, form found: "packet", "after-field" or "none")."""
    out = bytearray(body)
    t, p, fixed, form = first, 0, 0, "none"
    while t and p + 4 <= len(body):
        nxt, _, ln = struct.unpack("!BBH", body[p:p + 4])
        if t == 17:
            num = struct.unpack("!H", body[p + 4:p + 6])[0]
            start, end = p + 8, p + ln

            def tiles(extra):
                q = start
                for _ in range(num):
                    if q + 4 > end:
                        return False
                    q += struct.unpack("!H", body[q + 2:q + 4])[0] + extra
                return q == end
            if tiles(0):
                form = "packet"
            elif tiles(4):
                form = "after-field"
                q = start
                for _ in range(num):
                    kl = struct.unpack("!H", body[q + 2:q + 4])[0]
                    struct.pack_into("!H", out, q + 2, kl + 4)
                    fixed += 1
                    q += kl + 4
        t, p = nxt, p + ln
    return bytes(out), fixed, form


# ---------------------------------------------------------------- expected.md and NHRP helpers

def listing(expected_md):
    """The generated message listing of expected.md: [(frame, src, dst, summary, note)]."""
    out, on = [], False
    for line in open(need(expected_md)):
        line = line.rstrip("\n")
        if line.startswith("```listing"):
            on = True
            continue
        if on and line.startswith("```"):
            break
        if on and line and not line.startswith("#"):
            f = [x.strip() for x in line.split(" | ")]
            out.append((int(f[0]), f[1], f[2], f[3], f[4]))
    return out


def outer(d):
    """A copy of a dump without the quoted packet of an Error Indication (its items describe the
    packet in error, not this one)."""
    its, out, skip = d["items"], [], None
    for it in its:
        if skip is not None:
            if it[4] > skip:
                continue
            skip = None
        out.append(it)
        if it[0] == "vpnscope.nhrp.err.packet":
            skip = it[4]
    return dict(d, items=out)


def nhrp_cies(d):
    """[(owner ext type or None for the mandatory part, {field: value})] in document order."""
    out, ext = [], None
    for i, it in enumerate(d["items"]):
        if it[0] == "vpnscope.nhrp.ext":
            ext = it[1]
        elif it[0] == "vpnscope.nhrp.mand":
            ext = None
        elif it[0] == "vpnscope.nhrp.cie":
            f = {}
            for s in subtree(d, i):
                f.setdefault(s[0], s[1])
            out.append((ext, f))
    return out


def _ip4(b):
    return ".".join(map(str, b)) if len(b) == 4 else (b.hex() if b else None)


def nhrp_parse(pkt):
    """An RFC 2332 parse of one NHRP packet written for these tests (5.2.0.1 fixed header, 5.2.0.2
    mandatory part, 5.2.0.2 CIEs, 5.3 extensions; Error Indication 5.2.7; Cisco Traffic Indication
    as unused(2) code(2) unused(2)). Returns a dict of what the core must also find."""
    afn, pro, snap, hop, pktsz, ck, extoff, ver, op, shtl, sstl = struct.unpack("!HH5sBHHHBBBB", pkt[:20])
    r = {"afn": afn, "pro_type": pro, "hop": hop, "pktsz": pktsz, "extoff": extoff, "op": op,
         "version": ver}
    s = sum(struct.unpack("!%dH" % (pktsz // 2), pkt[:pktsz - pktsz % 2]))
    if pktsz % 2:
        s += pkt[pktsz - 1] << 8
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    r["checksum_ok"] = s == 0xFFFF
    p = 20
    spl, dpl = pkt[p], pkt[p + 1]
    if op == 7:
        _, r["err_code"], r["err_offset"] = struct.unpack("!HHH", pkt[p + 2:p + 8])
    elif op == 8:
        _, r["ti_code"], _ = struct.unpack("!HHH", pkt[p + 2:p + 8])
    else:
        r["flags"], r["reqid"] = struct.unpack("!HI", pkt[p + 2:p + 8])
    p += 8
    nl, sl = shtl & 0x3F, sstl & 0x3F
    r["src_nbma"] = _ip4(pkt[p:p + nl])
    p += nl + sl
    r["src_proto"] = _ip4(pkt[p:p + spl])
    p += spl
    r["dst_proto"] = _ip4(pkt[p:p + dpl])
    p += dpl
    mand_end = extoff if extoff else pktsz

    def cies(q, end):
        out = []
        while q + 12 <= end:
            code, plen, _, mtu, hold, atl, satl, cpl, pref = struct.unpack("!BBHHHBBBB", pkt[q:q + 12])
            q += 12
            a, sa = atl & 0x3F, satl & 0x3F
            nbma = _ip4(pkt[q:q + a])
            q += a + sa
            proto = _ip4(pkt[q:q + cpl])
            q += cpl
            out.append((code, plen, mtu, hold, nbma, proto, pref))
        return out
    r["cies"] = cies(p, mand_end) if op not in (7, 8) else []
    r["exts"], r["ext_cies"] = [], {}
    q = extoff
    while extoff and q + 4 <= pktsz:
        t, ln = struct.unpack("!HH", pkt[q:q + 4])
        r["exts"].append((t & 0x3FFF, (t >> 15) & 1, ln))
        if t & 0x3FFF in (3, 4, 5, 9):
            r["ext_cies"].setdefault(t & 0x3FFF, []).extend(cies(q + 4, q + 4 + ln))
        q += 4 + ln
        if t & 0x3FFF == 0:
            break
    return r


def nhrp_compare(d, pkt, what):
    """Every field of nhrp_parse(pkt) against the core's dump d (one NHRP packet)."""
    want = nhrp_parse(pkt)
    o = outer(d)
    v = lambda f: values(o, f)
    eq(v("vpnscope.nhrp.op_type"), [want["op"]], what + " [rfc parse] op type")
    eq(v("vpnscope.nhrp.afn") + v("vpnscope.nhrp.pro_type"), [want["afn"], want["pro_type"]], what + " [rfc parse] afn/pro type")
    eq(v("vpnscope.nhrp.hop_count"), [want["hop"]], what + " [rfc parse] hop count")
    eq(v("vpnscope.nhrp.pkt_size"), [want["pktsz"]], what + " [rfc parse] packet size")
    eq(v("vpnscope.nhrp.ext_offset"), [want["extoff"]], what + " [rfc parse] extension offset")
    eq(v("vpnscope.nhrp.checksum.status"), [1 if want["checksum_ok"] else 0], what + " [rfc parse] checksum status")
    if "reqid" in want:
        eq(v("vpnscope.nhrp.request_id"), [want["reqid"]], what + " [rfc parse] request ID")
        eq(v("vpnscope.nhrp.flags"), [want["flags"]], what + " [rfc parse] flags")
    if "err_code" in want:
        eq(v("vpnscope.nhrp.err.code") + v("vpnscope.nhrp.err.offset"), [want["err_code"], want["err_offset"]],
           what + " [rfc parse] error code/offset")
    if "ti_code" in want:
        eq(v("vpnscope.nhrp.ti.code"), [want["ti_code"]], what + " [rfc parse] traffic code")
    eq(v("vpnscope.nhrp.src_nbma.addr"), [want["src_nbma"]] if want["src_nbma"] else [], what + " [rfc parse] source NBMA")
    eq(v("vpnscope.nhrp.src_proto.addr"), [want["src_proto"]] if want["src_proto"] else [], what + " [rfc parse] source protocol")
    eq(v("vpnscope.nhrp.dst_proto.addr"), [want["dst_proto"]] if want["dst_proto"] else [], what + " [rfc parse] destination protocol")
    got = nhrp_cies(o)
    as_tuple = lambda c: (c["vpnscope.nhrp.cie.code"], c["vpnscope.nhrp.cie.prefix_len"], c["vpnscope.nhrp.cie.mtu"],
                          c["vpnscope.nhrp.cie.holding_time"], c.get("vpnscope.nhrp.cie.nbma.addr"),
                          c.get("vpnscope.nhrp.cie.proto.addr"), c["vpnscope.nhrp.cie.preference"])
    eq([as_tuple(c) for ow, c in got if ow is None], want["cies"], what + " [rfc parse] mandatory CIEs")
    exts = subtrees(o, "vpnscope.nhrp.ext")
    eq([(e[1], vals_in(sub, "vpnscope.nhrp.ext.compulsory")[0], vals_in(sub, "vpnscope.nhrp.ext.len")[0]) for e, sub in exts],
       want["exts"], what + " [rfc parse] extensions (type, compulsory, length)")
    for t, cl in want["ext_cies"].items():
        eq([as_tuple(c) for ow, c in got if ow == t], cl, what + " [rfc parse] CIEs of extension %d" % t)


def nhrp_bytes(frame, linktype):
    """The NHRP packet of a GRE (protocol 0x2001) frame, decapsulated here, or None."""
    ip = ipv4_of(frame, linktype)
    if ip is None:
        return None
    p = ip_parts(ip)
    if p["proto"] != 47:
        return None
    proto, _, payload = gre_payload(p["payload"])
    return payload if proto == 0x2001 else None
