"""Cross-check: samples/dmvpn-phase3-ipsec-crafted (DMVPN phase 3 under IKEv1 + ESP transport mode).
Main Mode and Quick Mode are decrypted here (RFC 2409 appendix B) and decoded by the core's IKEv1
decoder; every ESP packet is decrypted with all-keys/esp_sa (good ICV), its GRE stripped here and the
NHRP inside decoded by the core. Values as expected.md says: proposals, SPIs, ESP SPI / sequence per
frame, NHRP types in order, request IDs, Traffic Indication code 0, Resolution Reply CIE /24."""
import os
import struct

import xc
from xc import eq, check

D = os.path.join(xc.SAMPLES, "dmvpn-phase3-ipsec-crafted")
HUB = "203.0.113.1"
SAS = {  # expected.md "Keys" table: icookie -> (QM M-ID, initiator inbound SPI, responder inbound SPI)
    "79a7c7ee0e862cd0": ("173a7de3", 0x9586f83d, 0xf1c48097, "198.51.100.31", HUB),
    "0a5ed78844f330b2": ("37007268", 0x5eb9b28f, 0xf78a11ac, "198.51.100.32", HUB),
    "b56dbf726ccc34b6": ("a28a273b", 0x5fbd3a05, 0x31a0681b, "198.51.100.32", "198.51.100.31"),
}


def main():
    pcap = os.path.join(D, "dmvpn-phase3-ipsec-crafted.pcap")
    frames = xc.read_pcap(pcap)
    dumped = xc.dump_pcap(pcap)
    lst = xc.listing(os.path.join(D, "expected.md"))
    eq(len(dumped), len(lst), "frame count = expected.md listing")
    dec = xc.Ikev1Decryptor(xc.read_key_table(os.path.join(D, "ikev1_decryption_table")))
    esp_keys = xc.esp_sa_table(os.path.join(D, "all-keys", "esp_sa"))
    qm = {}
    inner_ops = []
    for (n, lt, fr), (ln, src, dst, summary, note) in zip(frames, lst):
        eq(n, ln, "listing frame order")
        d = dumped[n]
        what = "frame %d (%s)" % (n, note)
        xc.check_clean(d, what)
        ip = xc.ipv4_of(fr, lt)
        p = xc.ip_parts(ip)
        eq((p["src"], p["dst"]), (src, dst), what + " addresses")
        if summary.startswith("isakmp"):
            eq(d["app"], "ikev1", what + " decoded as IKEv1")
            sport, dport, msg = xc.udp_payload(ip)
            eq((sport, dport), (500, 500), what + " UDP 500")
            h, pt = dec.feed(msg)
            ck = h["icky"].hex()
            sa = SAS[ck]
            if pt is None:
                continue
            dp = xc.dump_payloads("ikev1", pt, h["np"], h["exch"])
            xc.check_clean(dp, what + " decrypted")
            if h["msgid"] == 0:
                eq(xc.values(dp, "vpnscope.ike.id.ipv4"), [src], what + " phase-1 ID = sender")
                eq(xc.values(dp, "vpnscope.ike.id.protocol") + xc.values(dp, "vpnscope.ike.id.port"), [17, 500],
                   what + " phase-1 ID protocol/port")
                continue
            eq("%08x" % h["msgid"], sa[0], what + " Quick Mode M-ID")
            k = qm.setdefault(ck, [])
            k.append(dp)
            if len(k) in (1, 2):
                eq(xc.values(dp, "vpnscope.ike.proposal.protocol_id"), [3], what + " proposal PROTO_IPSEC_ESP")
                eq(xc.values(dp, "vpnscope.ike.proposal.spi"), ["%08x" % sa[1 if len(k) == 1 else 2]],
                   what + " proposal SPI (inbound of the sender)")
                eq(xc.values(dp, "vpnscope.ike.transform.id.esp"), [12], what + " ESP_AES")
                eq(xc.values(dp, "vpnscope.ike.attr.ipsec.key_length"), [256], what + " key length 256")
                eq(xc.values(dp, "vpnscope.ike.attr.ipsec.auth_algorithm"), [2], what + " HMAC-SHA")
                eq(xc.values(dp, "vpnscope.ike.attr.ipsec.encap_mode"), [2], what + " Transport mode")
                eq(xc.values(dp, "vpnscope.ike.attr.ipsec.life_duration"), [3600], what + " life 3600 s")
                eq(xc.values(dp, "vpnscope.ike.id.protocol"), [47, 47], what + " proxy IDs protocol 47 (GRE)")
                eq(xc.values(dp, "vpnscope.ike.id.ipv4"), [sa[3], sa[4]], what + " proxy IDs = NBMA addresses")
                eq([x for x in xc.values(dp, "vpnscope.ike.payload") if x == 4], [], what + " no KE (no PFS)")
            else:
                eq(xc.values(dp, "vpnscope.ike.payload"), [8], what + " QM3 = HASH only")
            continue
        # ESP: SPI and sequence as the listing says, then the GRE/NHRP inside
        eq(d["app"], "esp", what + " decoded as ESP")
        spi = int(summary.split("spi=")[1].split()[0], 16)
        seq = int(summary.split("seq=")[1].split()[0])
        eq(xc.values(d, "vpnscope.esp.spi"), [spi], what + " ESP SPI")
        eq(xc.values(d, "vpnscope.esp.sequence"), [seq], what + " ESP sequence")
        enc, auth, cipher = esp_keys[spi]
        ok, nh, inner = xc.esp_decrypt(p["payload"], enc, auth, cipher)
        check(ok, what + " ICV good")
        eq(nh, 47, what + " next header GRE (transport mode)")
        proto, key, gp = xc.gre_payload(inner)
        eq(key, 333, what + " GRE key 333")
        if "inner: gre nhrp" in summary:
            eq(proto, 0x2001, what + " GRE carries NHRP")
            dn = xc.dump_payloads("nhrp", gp)
            xc.check_clean(dn, what + " inner NHRP")
            op = int(summary.split("op=")[1].split()[0])
            eq(xc.values(dn, "vpnscope.nhrp.op_type"), [op], what + " NHRP op type")
            eq(xc.values(dn, "vpnscope.nhrp.checksum.status"), [1], what + " NHRP checksum good")
            xc.nhrp_compare(dn, gp, what)
            inner_ops.append((n, op, dn))
        else:
            eq(proto, 0x0800, what + " GRE carries IPv4")
    eq(sorted(len(v) for v in qm.values()), [3, 3, 3], "3 Quick Mode messages per IKE SA")
    eq([o for _, o, _ in inner_ops], [3, 4, 3, 4, 8, 1, 1, 2], "NHRP types in listing order")
    by = {n: dn for n, _, dn in inner_ops}
    v = lambda n, f: xc.values(by[n], f)
    eq(v(25, "vpnscope.nhrp.ti.code"), [0], "Traffic Indication code 0 (redirect)")
    eq(v(25, "vpnscope.nhrp.ti.ip.dst"), ["192.168.32.10"], "Traffic Indication: redirected packet's destination")
    eq(v(26, "vpnscope.nhrp.request_id"), [51], "spoke1 Resolution Request ID 51")
    eq(v(26, "vpnscope.nhrp.dst_proto.addr"), ["192.168.32.10"], "spoke1 resolves 192.168.32.10")
    eq(v(27, "vpnscope.nhrp.request_id"), [51], "hub forwards request 51")
    eq(v(39, "vpnscope.nhrp.request_id"), [51], "spoke2 Resolution Reply ID 51")
    eq(v(39, "vpnscope.nhrp.flags.a"), [1], "spoke2 reply authoritative")
    c39 = [c[1] for c in xc.nhrp_cies(by[39]) if c[0] is None]
    eq([(c["vpnscope.nhrp.cie.prefix_len"], c.get("vpnscope.nhrp.cie.nbma.addr"), c.get("vpnscope.nhrp.cie.proto.addr"))
        for c in c39], [(24, "198.51.100.32", "10.0.0.32")], "spoke2 reply CIE 192.168.32.0/24")
    for n, src in ((10, "198.51.100.31"), (21, "198.51.100.32")):
        eq(v(n, "vpnscope.nhrp.src_nbma.addr"), [src], "frame %d registration source NBMA" % n)
        eq(v(n, "vpnscope.nhrp.dst_proto.addr"), ["10.0.0.1"], "frame %d registers with the NHS" % n)
    xc.done()


if __name__ == "__main__":
    main()
