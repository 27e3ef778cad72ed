"""DMVPN phase 2: hub + 3 spokes, mGRE with tunnel key, NHRP registration and resolution, EIGRP
updates that keep the original next hop (`no ip next-hop-self eigrp`), first packets via the hub,
then direct spoke-to-spoke GRE. No IPsec (the NHRP/GRE exchange is the subject)."""
from scapy.all import IP, ICMP, Raw
from scapy.contrib.eigrp import EIGRP, EIGRPIntRoute

from . import nhrp as N
from .wire import Capture
from . import listing

KEY = 111
HUB = ("hub", "203.0.113.1", "10.0.0.1", "192.168.1")
SPOKES = [("spoke1", "198.51.100.11", "10.0.0.11", "192.168.11"),
          ("spoke2", "198.51.100.12", "10.0.0.12", "192.168.12"),
          ("spoke3", "198.51.100.13", "10.0.0.13", "192.168.13")]
HOLD = 600
TEXT = b"vpnscope DMVPN phase 2 "


def build():
    cap = Capture()
    facts = {"nhrp": [], "data": []}
    hub_nbma, hub_tun = HUB[1], HUB[2]

    def send_nhrp(t, src_nbma, dst_nbma, pkt, note):
        cap.add_ip(t, N.gre_ip(src_nbma, dst_nbma, pkt, 0x2001, KEY), note)
        facts["nhrp"].append({"t": t, "from": src_nbma, "to": dst_nbma, "op": pkt[17], "note": note})

    def send_inner(t, src_nbma, dst_nbma, inner, note, ipid):
        cap.add_ip(t, N.gre_ip(src_nbma, dst_nbma, bytes(inner), 0x0800, KEY, ipid=ipid), note)

    # 1. registrations (Cisco form: U flag, CIE prefix 255 with no client address, holding time)
    t = 1.0
    for i, (name, nbma, tun, _) in enumerate(SPOKES):
        rid = 0x100 + i
        req = N.packet(N.OP_REG_REQ, nbma, tun, hub_tun, rid, N.F_REG_U,
                       [N.cie(0, 255, 1514, HOLD)])
        send_nhrp(t, nbma, hub_nbma, req, "%s Registration Request" % name); t += 0.01
        rep = N.packet(N.OP_REG_REP, nbma, tun, hub_tun, rid, N.F_REG_U,
                       [N.cie(0, 255, 1514, HOLD)],
                       [N.ext(N.EXT_RESPONDER, N.cie(0, 0, 1514, HOLD, hub_nbma, hub_tun)),
                        N.ext(N.EXT_FWD_TRANSIT), N.ext(N.EXT_REV_TRANSIT)])
        send_nhrp(t, hub_nbma, nbma, rep, "hub Registration Reply to %s" % name); t += 0.99

    # 2. EIGRP updates from the hub keep each spoke's own tunnel address as next hop
    t = 5.0
    for i, (name, nbma, tun, lan) in enumerate(SPOKES):
        routes = [EIGRPIntRoute(nexthop="0.0.0.0", dst=HUB[3] + ".0", prefixlen=24, delay=28160,
                                bandwidth=25600, mtu=1400, hopcount=0)]
        for oname, onbma, otun, olan in SPOKES:
            if oname != name:
                routes.append(EIGRPIntRoute(nexthop=otun, dst=olan + ".0", prefixlen=24, delay=56320,
                                            bandwidth=25600, mtu=1400, hopcount=1))
        upd = IP(src=hub_tun, dst="224.0.0.10", ttl=2, id=0x200 + i) / EIGRP(opcode=1, asn=100, seq=10 + i, tlvlist=routes)
        send_inner(t, hub_nbma, nbma, upd, "hub EIGRP update to %s (next hops kept)" % name, 0x300 + i)
        t += 0.01

    s1, s2, s3 = SPOKES

    def icmp(src, dst, kind, n):
        return IP(src=src, dst=dst, ttl=63, id=0x4000 + n) / ICMP(type=kind, id=0x22, seq=n) / Raw(TEXT + b"#%d" % n)

    def data(t, a, b, via_hub, kind, n, note):
        """a -> b: host .10 of a's LAN to host .10 of b's LAN."""
        inner = icmp(a[3] + ".10", b[3] + ".10", kind, n)
        if via_hub:
            send_inner(t, a[1], hub_nbma, inner, note + " (to hub)", 0x500 + 2 * n)
            send_inner(t + 0.0005, hub_nbma, b[1], inner, note + " (hub forwards)", 0x501 + 2 * n)
        else:
            send_inner(t, a[1], b[1], inner, note + " (direct)", 0x600 + n)
        facts["data"].append({"t": t, "inner": "%s -> %s" % (inner.src, inner.dst), "via_hub": via_hub})

    # 3. spoke1 -> spoke2's LAN: route via 10.0.0.12, no mapping: packet via hub + Resolution Request
    t = 10.0
    data(t, s1, s2, True, 8, 1, "spoke1->spoke2 echo 1")
    rreq = N.packet(N.OP_RES_REQ, s1[1], s1[2], s2[2], 0x200, N.F_RES_Q | N.F_RES_S, [])
    send_nhrp(t + 0.001, s1[1], hub_nbma, rreq, "spoke1 Resolution Request for 10.0.0.12")
    # hub forwards it toward spoke2 (hop count - 1, Forward Transit NHS Record = hub)
    fwd = N.packet(N.OP_RES_REQ, s1[1], s1[2], s2[2], 0x200, N.F_RES_Q | N.F_RES_S, [],
                   [N.ext(N.EXT_RESPONDER), N.ext(N.EXT_FWD_TRANSIT, N.transit_record(hub_nbma, hub_tun)),
                    N.ext(N.EXT_REV_TRANSIT)], hop=254)
    send_nhrp(t + 0.002, hub_nbma, s2[1], fwd, "hub forwards Resolution Request to spoke2")
    data(t + 0.003, s2, s1, True, 0, 1, "spoke2->spoke1 reply 1")
    # spoke2 answers directly to spoke1's NBMA address (authoritative, its own mapping)
    rrep = N.packet(N.OP_RES_REP, s1[1], s1[2], s2[2], 0x200, N.F_RES_Q | N.F_RES_A | N.F_RES_S,
                    [N.cie(0, 32, 1514, HOLD, s2[1], s2[2])],
                    [N.ext(N.EXT_RESPONDER, N.cie(0, 32, 1514, HOLD, s2[1], s2[2])),
                     N.ext(N.EXT_FWD_TRANSIT, N.transit_record(hub_nbma, hub_tun)), N.ext(N.EXT_REV_TRANSIT)])
    send_nhrp(t + 0.005, s2[1], s1[1], rrep, "spoke2 Resolution Reply directly to spoke1")
    for n in (2, 3):
        data(t + n, s1, s2, False, 8, n, "spoke1->spoke2 echo %d" % n)
        data(t + n + 0.001, s2, s1, False, 0, n, "spoke2->spoke1 reply %d" % n)

    # 4. spoke3 -> spoke1's LAN: the hub answers from its registration cache (non-authoritative request)
    t = 20.0
    data(t, s3, s1, True, 8, 4, "spoke3->spoke1 echo 4")
    rreq = N.packet(N.OP_RES_REQ, s3[1], s3[2], s1[2], 0x300, N.F_RES_Q | N.F_RES_S, [])
    send_nhrp(t + 0.001, s3[1], hub_nbma, rreq, "spoke3 Resolution Request for 10.0.0.11")
    rrep = N.packet(N.OP_RES_REP, s3[1], s3[2], s1[2], 0x300, N.F_RES_Q | N.F_RES_S,
                    [N.cie(0, 32, 1514, HOLD, s1[1], s1[2])],
                    [N.ext(N.EXT_RESPONDER, N.cie(0, 32, 1514, HOLD, hub_nbma, hub_tun)),
                     N.ext(N.EXT_FWD_TRANSIT), N.ext(N.EXT_REV_TRANSIT)])
    send_nhrp(t + 0.002, hub_nbma, s3[1], rrep, "hub Resolution Reply to spoke3 on behalf of spoke1")
    data(t + 0.003, s1, s3, True, 0, 4, "spoke1->spoke3 reply 4")
    data(t + 1, s3, s1, False, 8, 5, "spoke3->spoke1 echo 5")
    data(t + 1.001, s1, s3, True, 0, 5, "spoke1->spoke3 reply 5 (spoke1 has no mapping for spoke3)")
    facts["listing_md"] = listing.markdown(cap)
    facts["frames"] = len(cap.frames)
    return cap, facts
