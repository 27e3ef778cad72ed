#!/usr/bin/python3
"""Oracle test for samples/dmvpn-phase3-ipsec-crafted.

Only the user's IKE keys are used: tshark decrypts Main and Quick Mode with ikev1_decryption_table;
the test takes SPIs and nonces from the bytes tshark decrypted, derives the ESP keys with SKEYID_d
from ikev1_skeyid (RFC 2409 5.5 KEYMAT, implemented here), and then lets tshark decrypt every ESP
packet with those derived keys: good ICV everywhere, the inner GRE/NHRP sequence equal to
expected.md. all-keys/esp_sa must equal the derived keys."""
import hashlib
import hmac
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle as o  # noqa: E402

D = os.path.join(o.SAMPLES, "dmvpn-phase3-ipsec-crafted")
NAME = "dmvpn-phase3-ipsec-crafted.pcap"


def keymat(skeyid_d, spi, ni, nr, n):
    seed = b"\x03" + struct.pack("!I", spi) + ni + nr
    k = hmac.new(skeyid_d, seed, hashlib.sha1).digest()
    out = k
    while len(out) < n:
        k = hmac.new(skeyid_d, k + seed, hashlib.sha1).digest()
        out += k
    return out[:n]


def summary(r):
    """expected.md row: outer ESP, then what tshark decrypted inside (transport mode: GRE directly)."""
    s = o.gre_summary(r)
    if s.startswith("esp") and r["gre.proto"]:
        srcs, dsts, protos = r["ip.src"].split("|"), r["ip.dst"].split("|"), r["ip.proto"].split("|")
        gp = o.first(r["gre.proto"])
        if gp == "0x2001":
            s += " inner: gre nhrp op=%s" % o.first(r["nhrp.hdr.op.type"])
        elif gp == "0x0800" and len(protos) > 1 and protos[1] == "1":
            s += " inner: gre ipv4 icmp %s->%s type=%s" % (srcs[1], dsts[1], o.first(r["icmp.type"]))
        else:
            s += " inner: gre proto=%s" % gp
    return s


def main():
    o.need_tshark()
    pcap = os.path.join(D, NAME)
    user = o.Tshark({"ikev1_decryption_table": os.path.join(D, "ikev1_decryption_table")})
    F = ["frame.number", "ip.src", "ip.dst", "isakmp.exchangetype", "isakmp.messageid", "isakmp.ispi",
         "isakmp.id.data.ipv4_addr", "isakmp.id.protoid", "isakmp.nextpayload", "isakmp.ipsec.attr.encap_mode",
         "isakmp.ipsec.attr.key_length", "isakmp.spi"]
    ik = user.fields(pcap, F, filt="isakmp")
    dec = user.decrypted_ike(pcap)
    sk = {}
    for line in open(os.path.join(D, "ikev1_skeyid")):
        if line.startswith("#") or not line.strip():
            continue
        c = line.strip().split(",")
        sk[c[0]] = bytes.fromhex(c[2])
    mm = [r for r in ik if r["isakmp.exchangetype"] == "2" and int(r["frame.number"]) in dec]
    o.check(len(mm) == 6 and all(r["isakmp.id.data.ipv4_addr"] == r["ip.src"] for r in mm),
            "MM5/MM6 of 3 IKE SAs decrypt with ikev1_decryption_table; IDs = peer addresses")
    qm = [r for r in ik if r["isakmp.exchangetype"] == "32"]
    o.check(len(qm) == 9 and all(int(r["frame.number"]) in dec for r in qm), "9 Quick Mode messages decrypt")
    derived = {}
    by_msgid = {}
    for r in qm:
        by_msgid.setdefault(r["isakmp.messageid"], []).append(r)
    for msgid, rs in by_msgid.items():
        parts = []
        for r in rs[:2]:
            pls = o.walk_payloads(int(o.first(r["isakmp.nextpayload"])), dec[int(r["frame.number"])])
            d = {}
            for t, b in pls:
                d.setdefault(t, []).append(b)
            sa = d[1][0]
            # SA body: DOI(4) Situation(4) Proposal payload: hdr(4) #,proto,spisize,ntrans, SPI
            prop = sa[8 + 4:]
            o.check(struct.unpack("!I", sa[:4])[0] == 1 and prop[1] == 3 and prop[2] == 4,
                    "frame %s: Quick Mode SA, DOI IPsec, proposal ESP with a 4-octet SPI" % r["frame.number"])
            ids = d.get(5, [])
            o.check(len(ids) == 2 and all(i[1] == 47 for i in ids) and 1 not in d.get(4, []),
                    "frame %s: proxy IDs protocol 47 (GRE), no KE (no PFS)" % r["frame.number"])
            parts.append((struct.unpack("!I", prop[4:8])[0], d[10][0], o.first(r["ip.src"]), o.first(r["ip.dst"])))
        o.check(all(x == "2" for r in rs[:2] for x in r["isakmp.ipsec.attr.encap_mode"].split("|")) and
                all(r["isakmp.ipsec.attr.key_length"] == "256" for r in rs[:2]),
                "QM %s: ESP transport mode (2), AES key length 256 (tshark)" % msgid)
        (spi_i, ni, ini, resp), (spi_r, nr, _, _) = parts
        skd = sk[o.first(rs[0]["isakmp.ispi"])]
        for spi, src, dst in ((spi_r, ini, resp), (spi_i, resp, ini)):
            km = keymat(skd, spi, ni, nr, 52)
            derived[spi] = (src, dst, km[:32], km[32:])
    o.check(len(derived) == 6, "6 ESP SAs derived from the decrypted Quick Modes + SKEYID_d")
    lines = ['"IPv4","%s","%s","0x%08x","AES-CBC [RFC3602]","0x%s","HMAC-SHA-1-96 [RFC2404]","0x%s"' %
             (s, d, spi, e.hex(), a.hex()) for spi, (s, d, e, a) in derived.items()]
    tmp = tempfile.mkdtemp(prefix="vs-dmvpn3-")
    esp_file = os.path.join(tmp, "esp_sa")
    open(esp_file, "w").write("\n".join(lines) + "\n")
    given = sorted(l.strip() for l in open(os.path.join(D, "all-keys", "esp_sa")) if l.startswith('"'))
    o.check(sorted(lines) == given, "derived ESP keys equal all-keys/esp_sa")
    ts = o.Tshark({"esp_sa": esp_file}, ["esp.enable_encryption_decode:TRUE", "esp.enable_authentication_check:TRUE"])
    extra = ["esp.icv_good", "esp.protocol", "gre.key", "nhrp.reqid", "nhrp.flag.a", "nhrp.client.nbma.addr",
             "nhrp.client.prot.addr", "nhrp.prefix", "nhrp.hdr.chksum.status", "nhrp.dst.prot.addr"]
    exp = o.expected_listing(os.path.join(D, "expected.md"), NAME)
    rows = ts.fields(pcap, o.GRE_FIELDS + extra)
    got = [(int(r["frame.number"]), o.first(r["ip.src"]), o.first(r["ip.dst"]), summary(r)) for r in rows]
    bad = [(g, e) for g, e in zip(got, exp) if g != e]
    o.check(len(got) == len(exp) and not bad, "message sequence incl. decrypted ESP content equals expected.md%s"
            % ("" if not bad else ": first diff %s vs %s" % bad[0]))
    esp = [r for r in rows if r["esp.spi"]]
    for r in esp:
        if not (o.first(r["esp.icv_good"]) == "1" and o.first(r["esp.protocol"]) == "0x2f" and r["gre.key"] == "0x0000014d"):
            print("  frame %s: icv_good=%s next=%s key=%s" % (r["frame.number"], r["esp.icv_good"], r["esp.protocol"], r["gre.key"]))
    o.check(len(esp) == 16 and all(o.first(r["esp.icv_good"]) == "1" and o.first(r["esp.protocol"]) == "0x2f"
                                   and r["gre.key"] == "0x0000014d" for r in esp),
            "%d/16 ESP packets: ICV good with the derived keys, next header GRE, key 333" % len(esp))
    nh = [r for r in esp if r["nhrp.hdr.op.type"]]
    o.check(len(nh) == 8 and all(r["nhrp.hdr.chksum.status"] == "1" for r in nh), "8 NHRP packets inside ESP, checksums good")
    ti = [r for r in nh if r["nhrp.hdr.op.type"] == "8"]
    rep = [r for r in nh if r["nhrp.hdr.op.type"] == "2"]
    o.check(len(ti) == 1 and o.first(ti[0]["ip.src"]) == "203.0.113.1" and ti[0]["nhrp.dst.prot.addr"] == "192.168.31.10",
            "hub's Traffic Indication to spoke1 about 192.168.31.10")
    ike_s2s1 = [r for r in ik if r["ip.src"] == "198.51.100.32" and r["ip.dst"] == "198.51.100.31"]
    o.check(len(rep) == 1 and o.first(rep[0]["ip.src"]) == "198.51.100.32" and o.first(rep[0]["ip.dst"]) == "198.51.100.31"
            and rep[0]["nhrp.flag.a"] == "1" and rep[0]["nhrp.prefix"].split("|")[0] == "24"
            and rep[0]["nhrp.client.nbma.addr"].split("|")[0] == "198.51.100.32"
            and ike_s2s1 and int(rep[0]["frame.number"]) > max(int(r["frame.number"]) for r in ike_s2s1),
            "Resolution Reply sent directly spoke2 -> spoke1 after their IKE SA: 192.168.32.0/24 at 198.51.100.32")
    o.done()


if __name__ == "__main__":
    main()
