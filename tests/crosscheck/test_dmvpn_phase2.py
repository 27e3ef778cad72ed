"""Cross-check: samples/dmvpn-phase2 (NHRP over mGRE, no IPsec). Every NHRP packet decodes ok with no
problem; op types in the order of expected.md's listing; request IDs, flags, CIEs and extensions as
expected.md's verdicts say (RFC 2332 5.2)."""
import os

import xc
from xc import eq

D = os.path.join(xc.SAMPLES, "dmvpn-phase2")
HUB_NBMA, HUB_TUN = "203.0.113.1", "10.0.0.1"


def main():
    pcap = os.path.join(D, "dmvpn-phase2.pcap")
    dumped = xc.dump_pcap(pcap)
    frames = xc.read_pcap(pcap)
    lst = xc.listing(os.path.join(D, "expected.md"))
    eq(len(dumped), len(lst), "frame count = expected.md listing")
    nhrp = {}
    for n, src, dst, summary, note in lst:
        d = dumped[n]
        xc.check_clean(d, "frame %d (%s)" % (n, note))
        if "gre nhrp op=" in summary:
            eq(d["app"], "nhrp", "frame %d decoded as NHRP" % n)
            op = int(summary.split("op=")[1].split()[0])
            eq(xc.values(d, "vpnscope.nhrp.op_type"), [op], "frame %d op type (%s)" % (n, note))
            eq(xc.values(d, "vpnscope.nhrp.checksum.status"), [1], "frame %d checksum good" % n)
            nhrp[n] = d
            xc.nhrp_compare(d, xc.nhrp_bytes(frames[n - 1][2], frames[n - 1][1]), "frame %d" % n)
        else:
            check_other = d["app"] in ("other", "none")
            xc.check(check_other, "frame %d not NHRP (%s): %s" % (n, note, d["app"]))
    eq(sorted(nhrp), [1, 2, 3, 4, 5, 6, 12, 13, 16, 23, 24], "NHRP frames")
    v = lambda n, f: xc.values(nhrp[n], f)
    # registrations: request IDs 256/257/258, Uniqueness, CIE prefix 255, holding time 600
    for i, (req, rep) in enumerate(((1, 2), (3, 4), (5, 6))):
        spoke_tun, spoke_nbma = "10.0.0.1%d" % (i + 1), "198.51.100.1%d" % (i + 1)
        w = "spoke%d registration" % (i + 1)
        eq(v(req, "vpnscope.nhrp.request_id"), [256 + i], w + " request ID")
        eq(v(rep, "vpnscope.nhrp.request_id"), [256 + i], w + " reply request ID")
        eq(v(req, "vpnscope.nhrp.flags.unique"), [1], w + " Uniqueness flag")
        eq(v(req, "vpnscope.nhrp.src_nbma.addr"), [spoke_nbma], w + " source NBMA")
        eq(v(req, "vpnscope.nhrp.src_proto.addr"), [spoke_tun], w + " source protocol")
        eq(v(req, "vpnscope.nhrp.dst_proto.addr"), [HUB_TUN], w + " destination (NHS)")
        cies = xc.nhrp_cies(nhrp[req])
        eq([c[1]["vpnscope.nhrp.cie.prefix_len"] for c in cies if c[0] is None], [255], w + " CIE prefix 255")
        eq([c[1]["vpnscope.nhrp.cie.holding_time"] for c in cies if c[0] is None], [600], w + " holding time")
        rc = xc.nhrp_cies(nhrp[rep])
        eq([c[1]["vpnscope.nhrp.cie.code"] for c in rc if c[0] is None], [0], w + " reply CIE code 0 Success")
        eq([(c[1].get("vpnscope.nhrp.cie.nbma.addr"), c[1].get("vpnscope.nhrp.cie.proto.addr")) for c in rc if c[0] == 3],
           [(HUB_NBMA, HUB_TUN)], w + " reply Responder Address extension = hub")
    # spoke1 -> 10.0.0.12: Resolution Request 512, forwarded by the hub (hop count 254, FTN record)
    eq(v(12, "vpnscope.nhrp.request_id"), [512], "spoke1 Resolution Request ID")
    eq(v(12, "vpnscope.nhrp.dst_proto.addr"), ["10.0.0.12"], "spoke1 resolves 10.0.0.12")
    eq(v(12, "vpnscope.nhrp.hop_count"), [255], "request hop count")
    eq(v(13, "vpnscope.nhrp.request_id"), [512], "forwarded request ID")
    eq(v(13, "vpnscope.nhrp.hop_count"), [254], "forwarded hop count")
    eq([(c[1].get("vpnscope.nhrp.cie.nbma.addr"), c[1].get("vpnscope.nhrp.cie.proto.addr"))
        for c in xc.nhrp_cies(nhrp[13]) if c[0] == 4], [(HUB_NBMA, HUB_TUN)], "Forward Transit NHS Record = hub")
    eq(v(16, "vpnscope.nhrp.request_id"), [512], "spoke2 Resolution Reply ID")
    eq(v(16, "vpnscope.nhrp.flags.a"), [1], "spoke2 reply authoritative")
    c16 = [c[1] for c in xc.nhrp_cies(nhrp[16]) if c[0] is None]
    eq([(c["vpnscope.nhrp.cie.code"], c["vpnscope.nhrp.cie.prefix_len"], c.get("vpnscope.nhrp.cie.nbma.addr"),
         c.get("vpnscope.nhrp.cie.proto.addr"), c["vpnscope.nhrp.cie.holding_time"]) for c in c16],
       [(0, 32, "198.51.100.12", "10.0.0.12", 600)], "spoke2 reply CIE")
    # spoke3 -> 10.0.0.11: Resolution Request 768 without A, answered by the hub non-authoritatively
    eq(v(23, "vpnscope.nhrp.request_id"), [768], "spoke3 Resolution Request ID")
    eq(v(23, "vpnscope.nhrp.flags.a"), [0], "spoke3 request without Authoritative")
    eq(v(23, "vpnscope.nhrp.dst_proto.addr"), ["10.0.0.11"], "spoke3 resolves 10.0.0.11")
    eq(v(24, "vpnscope.nhrp.request_id"), [768], "hub reply ID")
    eq(v(24, "vpnscope.nhrp.flags.a"), [0], "hub reply non-authoritative")
    eq([(c[1].get("vpnscope.nhrp.cie.nbma.addr"), c[1].get("vpnscope.nhrp.cie.proto.addr"))
        for c in xc.nhrp_cies(nhrp[24]) if c[0] is None], [("198.51.100.11", "10.0.0.11")], "hub reply CIE")
    xc.done()


if __name__ == "__main__":
    main()
