"""Cross-check: samples/dmvpn-cisco-forms (Cisco authentication and NAT extensions, Error Indication,
Traffic Indication, Purge). Every NHRP packet decodes ok; the only problem allowed is the one
expected.md predicts: the password travels in cleartext (vpnscope.nhrp.auth.cleartext) on every
packet that carries (or, for the Error Indication, quotes) the authentication extension."""
import os

import xc
from xc import eq

D = os.path.join(xc.SAMPLES, "dmvpn-cisco-forms")
HUB_NBMA, HUB_TUN = "203.0.113.1", "10.0.0.1"
PW, WRONG = b"vpnscope".hex(), b"wrongpw1".hex()


def addrs(cies, owner):
    return [(c[1].get("vpnscope.nhrp.cie.nbma.addr"), c[1].get("vpnscope.nhrp.cie.proto.addr"))
            for c in cies if c[0] == owner]


def main():
    pcap = os.path.join(D, "dmvpn-cisco-forms.pcap")
    dumped = xc.dump_pcap(pcap)
    frames = xc.read_pcap(pcap)
    lst = xc.listing(os.path.join(D, "expected.md"))
    eq(len(dumped), len(lst), "frame count = expected.md listing")
    nhrp, raw = {}, {}
    for n, src, dst, summary, note in lst:
        d = dumped[n]
        if "gre nhrp op=" not in summary:
            xc.check_clean(d, "frame %d (%s)" % (n, note))
            continue
        xc.check_clean(d, "frame %d (%s)" % (n, note), allowed=("vpnscope.nhrp.auth.cleartext",))
        op = int(summary.split("op=")[1].split()[0])
        eq(xc.values(d, "vpnscope.nhrp.op_type")[:1], [op], "frame %d op type (%s)" % (n, note))
        eq(xc.values(d, "vpnscope.nhrp.checksum.status")[:1], [1], "frame %d checksum good" % n)
        raw[n] = d
        xc.nhrp_compare(d, xc.nhrp_bytes(frames[n - 1][2], frames[n - 1][1]), "frame %d" % n)
        nhrp[n] = xc.outer(d)
    eq(sorted(nhrp), [1, 2, 3, 4, 5, 6, 9, 10, 11, 14, 19, 20], "NHRP frames")
    v = lambda n, f: xc.values(nhrp[n], f)
    # Cisco authentication extension everywhere but in the Error Indication
    for n in nhrp:
        if n == 6:
            eq(v(n, "vpnscope.nhrp.ext.type"), [], "Error Indication has no extensions")
            eq(v(n, "vpnscope.nhrp.ext_offset"), [0], "Error Indication extension offset 0")
            continue
        eq(v(n, "vpnscope.nhrp.auth.cisco_type"), [1], "frame %d Cisco auth type 1 (cleartext)" % n)
        eq(v(n, "vpnscope.nhrp.auth.password"), [WRONG if n == 5 else PW], "frame %d password" % n)
        eq(v(n, "vpnscope.nhrp.auth.spi"), [], "frame %d no RFC 2332 SPI/source-address layout" % n)
        pw_item = xc.items(nhrp[n], "vpnscope.nhrp.auth.password")[0]
        eq([(p[0], p[2], p[3]) for p in raw[n]["problems"]],
           [("vpnscope.nhrp.auth.cleartext", pw_item[2], 8)], "frame %d cleartext problem on the password" % n)
    # NAT: flag and extension in every Registration Request; hub replies echo it (+ post-NAT CIE for spoke2)
    for n, spoke in ((1, "spoke1"), (3, "spoke2"), (5, "spoke4")):
        eq(v(n, "vpnscope.nhrp.flags.nat"), [1], spoke + " request Cisco NAT flag")
        cies = xc.nhrp_cies(nhrp[n])
        eq(addrs(cies, 9), [(HUB_NBMA, HUB_TUN)], spoke + " NAT extension names the NHS")
        eq([(c[1]["vpnscope.nhrp.cie.prefix_len"], c[1]["vpnscope.nhrp.cie.holding_time"]) for c in cies if c[0] == 9],
           [(32, 0)], spoke + " NAT CIE prefix 32, holding time 0")
    eq([it[1] for it in xc.subtrees(nhrp[1], "vpnscope.nhrp.ext")[-2][1] if it[0] == "vpnscope.nhrp.ext.compulsory"],
       [0], "NAT extension not compulsory")
    eq(addrs(xc.nhrp_cies(nhrp[2]), 9), [(HUB_NBMA, HUB_TUN)], "reply to spoke1: NAT extension echoed only")
    eq(addrs(xc.nhrp_cies(nhrp[4]), 9), [(HUB_NBMA, HUB_TUN), ("198.51.100.22", "10.0.0.22")],
       "reply to spoke2: NAT extension + post-NAT CIE")
    eq(v(3, "vpnscope.nhrp.src_nbma.addr"), ["172.16.2.2"], "spoke2 pre-NAT source NBMA")
    # request IDs matched
    for req, rep, rid in ((1, 2, 16), (3, 4, 32), (10, 14, 17), (19, 20, 33)):
        eq(v(req, "vpnscope.nhrp.request_id"), [rid], "frame %d request ID" % req)
        eq(v(rep, "vpnscope.nhrp.request_id"), [rid], "frame %d reply request ID" % rep)
    eq(v(5, "vpnscope.nhrp.request_id"), [64], "spoke4 request ID")
    # Error Indication: code 11 Authentication Failure, offset 64, the whole request quoted
    eq(v(6, "vpnscope.nhrp.err.code"), [11], "Error Indication code 11")
    eq(v(6, "vpnscope.nhrp.err.offset"), [64], "Error Indication offset = auth extension offset")
    quoted = [s for s in xc.subtrees(raw[6], "vpnscope.nhrp.err.packet")][0]
    eq(quoted[0][3], xc.values(nhrp[5], "vpnscope.nhrp.pkt_size")[0], "whole request quoted")
    eq(xc.vals_in(quoted[1], "vpnscope.nhrp.request_id"), [64], "quoted request ID 64")
    auth_ext = [it for it in xc.items(nhrp[5], "vpnscope.nhrp.ext") if it[1] == 7][0]
    eq(auth_ext[2] - nhrp[5]["app_off"], 64, "auth extension of spoke4's request at offset 64")
    # Traffic Indication: code 0 (redirect), destination = source of the redirected packet, 28 octets
    eq(v(9, "vpnscope.nhrp.ti.code"), [0], "Traffic Indication code 0 (redirect)")
    eq(v(9, "vpnscope.nhrp.ti.unused") + v(9, "vpnscope.nhrp.ti.unused2"), [0, 0], "Traffic Indication unused fields")
    eq(v(9, "vpnscope.nhrp.dst_proto.addr"), ["192.168.21.10"], "Traffic Indication destination")
    eq([it[3] for it in xc.items(nhrp[9], "vpnscope.nhrp.ti.packet")], [28], "Traffic Indication quotes 28 octets")
    eq(v(9, "vpnscope.nhrp.ti.ip.src") + v(9, "vpnscope.nhrp.ti.ip.dst"), ["192.168.21.10", "192.168.22.10"],
       "Traffic Indication quoted packet addresses")
    # Resolution: request 17 for 192.168.22.10, forwarded with hop count 254; reply /24 with NAT ext
    eq(v(10, "vpnscope.nhrp.dst_proto.addr"), ["192.168.22.10"], "spoke1 resolves 192.168.22.10")
    eq(v(11, "vpnscope.nhrp.hop_count"), [254], "forwarded request hop count")
    eq(addrs(xc.nhrp_cies(nhrp[11]), 4), [(HUB_NBMA, HUB_TUN)], "Forward Transit record = hub")
    eq(v(14, "vpnscope.nhrp.flags.a"), [1], "spoke2 reply authoritative")
    c14 = [c[1] for c in xc.nhrp_cies(nhrp[14]) if c[0] is None]
    eq([(c["vpnscope.nhrp.cie.prefix_len"], c.get("vpnscope.nhrp.cie.nbma.addr"), c.get("vpnscope.nhrp.cie.proto.addr"))
        for c in c14], [(24, "172.16.2.2", "10.0.0.22")], "spoke2 reply CIE /24, pre-NAT NBMA")
    eq([a[0] for a in addrs(xc.nhrp_cies(nhrp[14]), 9)][-1:], ["198.51.100.22"], "spoke2 reply NAT extension post-NAT")
    # Purge: N flag clear, same CIE in the reply
    eq(v(19, "vpnscope.nhrp.flags.n"), [0], "Purge Request N flag clear")
    p19 = [(c[1]["vpnscope.nhrp.cie.prefix_len"], c[1].get("vpnscope.nhrp.cie.proto.addr")) for c in xc.nhrp_cies(nhrp[19]) if c[0] is None]
    p20 = [(c[1]["vpnscope.nhrp.cie.prefix_len"], c[1].get("vpnscope.nhrp.cie.proto.addr")) for c in xc.nhrp_cies(nhrp[20]) if c[0] is None]
    eq(p19, p20, "Purge Reply CIE = request CIE")
    eq([p for p, _ in p19], [24], "Purge CIE prefix /24")
    eq(v(19, "vpnscope.nhrp.dst_proto.addr"), ["10.0.0.21"], "Purge Request to spoke1")
    xc.done()


if __name__ == "__main__":
    main()
