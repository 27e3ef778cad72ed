#!/usr/bin/python3
"""Oracle test for samples/dmvpn-phase2 with tshark's built-in GRE/NHRP/EIGRP dissectors:
sequence = expected.md; NHRP checksums good; registrations answered; EIGRP next hops are the spokes'
tunnel addresses (no ip next-hop-self eigrp); spoke1's resolution of 10.0.0.12 is forwarded by the
hub and answered directly by spoke2 with its NBMA address; spoke3's is answered by the hub;
spoke-to-spoke data goes via the hub before the reply and directly after it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle as o  # noqa: E402

D = os.path.join(o.SAMPLES, "dmvpn-phase2")
HUB = "203.0.113.1"
S = {"10.0.0.11": "198.51.100.11", "10.0.0.12": "198.51.100.12", "10.0.0.13": "198.51.100.13"}


def main():
    o.need_tshark()
    pcap = os.path.join(D, "dmvpn-phase2.pcap")
    ts = o.Tshark()
    extra = ["nhrp.hdr.chksum.status", "nhrp.reqid", "nhrp.src.nbma.addr", "nhrp.src.prot.addr", "nhrp.dst.prot.addr",
             "nhrp.client.nbma.addr", "nhrp.client.prot.addr", "nhrp.flag.a", "nhrp.flag.u", "nhrp.hdr.hopcnt",
             "nhrp.code", "eigrp.ipv4.nexthop", "eigrp.ipv4.destination", "gre.key", "_ws.malformed", "_ws.expert"]
    rows = o.compare_listing(ts, pcap, os.path.join(D, "expected.md"), "dmvpn-phase2.pcap", extra)
    nh = [r for r in rows if r["nhrp.hdr.op.type"]]
    o.check(len(nh) == 11 and all(r["nhrp.hdr.chksum.status"] == "1" for r in nh), "11 NHRP packets, checksums correct")
    o.check(all(r["gre.key"] == "0x0000006f" for r in rows), "every GRE packet carries tunnel key 111")
    o.check(not any(r["_ws.malformed"] for r in rows), "no malformed packet")
    regs = [r for r in nh if r["nhrp.hdr.op.type"] in ("3", "4")]
    o.check(len(regs) == 6 and all(r["nhrp.flag.u"] == "1" for r in regs), "3 Registration Request/Reply pairs, unique flag set")
    o.check(sorted(r["nhrp.src.prot.addr"] for r in regs if r["nhrp.hdr.op.type"] == "3") == sorted(S),
            "registrations from 10.0.0.11/12/13")
    eig = [r for r in rows if r["eigrp.ipv4.nexthop"]]
    ok = 0
    for r in eig:
        pairs = dict(zip(r["eigrp.ipv4.destination"].split("|"), r["eigrp.ipv4.nexthop"].split("|")))
        spoke_tun = [t for t, n in S.items() if n == o.first(r["ip.dst"])][0]
        want = {"192.168.1.0": "0.0.0.0"}
        for t in S:
            if t != spoke_tun:
                want["192.168.%s.0" % t.split(".")[-1]] = t
        ok += pairs == want
    o.check(len(eig) == 3 and ok == 3, "EIGRP updates to 3 spokes keep the other spokes' tunnel addresses as next hops")
    # resolution of 10.0.0.12 by spoke1
    res = [r for r in nh if r["nhrp.reqid"] == "0x00000200"]
    o.check([(r["nhrp.hdr.op.type"], o.first(r["ip.src"]), o.first(r["ip.dst"])) for r in res] ==
            [("1", S["10.0.0.11"], HUB), ("1", HUB, S["10.0.0.12"]), ("2", S["10.0.0.12"], S["10.0.0.11"])],
            "Resolution Request for 10.0.0.12: spoke1 -> hub -> spoke2, Reply spoke2 -> spoke1 directly")
    o.check(res[1]["nhrp.hdr.hopcnt"] == "254", "forwarded request has hop count 254")
    o.check(res[2]["nhrp.client.nbma.addr"].split("|")[0] == S["10.0.0.12"] and res[2]["nhrp.client.prot.addr"].split("|")[0] == "10.0.0.12"
            and res[2]["nhrp.flag.a"] == "1" and res[2]["nhrp.code"].split("|")[0] == "0",
            "reply CIE: 10.0.0.12 is at NBMA 198.51.100.12, authoritative, success")
    res3 = [r for r in nh if r["nhrp.reqid"] == "0x00000300"]
    o.check([(r["nhrp.hdr.op.type"], o.first(r["ip.src"]), o.first(r["ip.dst"])) for r in res3] ==
            [("1", S["10.0.0.13"], HUB), ("2", HUB, S["10.0.0.13"])] and res3[1]["nhrp.flag.a"] == "0"
            and res3[1]["nhrp.client.nbma.addr"].split("|")[0] == S["10.0.0.11"],
            "Resolution Request for 10.0.0.11 answered by the hub (non-authoritative) with 198.51.100.11")
    # data path: via hub before the reply, direct after
    reply_frame = int(res[2]["frame.number"])
    d12 = [r for r in rows if r["icmp.type"] and {r["ip.src"].split("|")[1], r["ip.dst"].split("|")[1]} == {"192.168.11.10", "192.168.12.10"}]
    before = [r for r in d12 if int(r["frame.number"]) < reply_frame]
    after = [r for r in d12 if int(r["frame.number"]) > reply_frame]
    o.check(before and all(HUB in (o.first(r["ip.src"]), o.first(r["ip.dst"])) for r in before) and
            len(after) == 4 and all(HUB not in (o.first(r["ip.src"]), o.first(r["ip.dst"])) for r in after),
            "spoke1<->spoke2 traffic: %d GRE packets via the hub first, then 4 direct" % len(before))
    o.done()


if __name__ == "__main__":
    main()
