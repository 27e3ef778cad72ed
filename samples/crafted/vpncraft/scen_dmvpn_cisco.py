"""DMVPN with Cisco's NHRP forms: authentication extension, NAT extension behind a NAT, Error
Indication, Traffic Indication answered directly by the destination spoke, Purge Request/Reply."""
import struct

from scapy.all import IP, ICMP, Raw

from . import nhrp as N
from .wire import Capture
from . import listing

KEY = 222
PW = b"vpnscope"           # ip nhrp authentication vpnscope
HOLD = 600
MTU = 17912              # what a recent IOS puts in CIEs (tunnel MTU), as in the real capture
HUB = ("hub", "203.0.113.1", "10.0.0.1", "203.0.113.1")             # name, NBMA (own), tunnel, seen as
S1 = ("spoke1", "198.51.100.21", "10.0.0.21", "198.51.100.21", "192.168.21")
S2 = ("spoke2", "172.16.2.2", "10.0.0.22", "198.51.100.22", "192.168.22")  # behind NAT: inside / outside
S4 = ("spoke4", "198.51.100.24", "10.0.0.24", "198.51.100.24", "192.168.24")
TEXT = b"vpnscope DMVPN Cisco forms "


def exts(*extra, auth=PW):
    """IOS order: Responder, Forward, Reverse, Authentication, then the Cisco NAT extension."""
    e = [N.ext(N.EXT_RESPONDER), N.ext(N.EXT_FWD_TRANSIT), N.ext(N.EXT_REV_TRANSIT)]
    return e + [N.cisco_auth(auth)] + list(extra)


def nat_nhs():
    """IOS puts the NHS it sends to in the NAT extension of a Registration Request (CIE /32, hold 0)."""
    return N.cie(0, 32, MTU, 0, HUB[1], HUB[2])


def reg_reply_exts(extra_nat_cies=()):
    """IOS Registration Reply: Responder Address CIE (prefix 0), empty transit records, the request's
    NAT extension echoed (plus the post-NAT address when the request came through a NAT)."""
    nat = N.ext(N.EXT_CISCO_NAT, nat_nhs() + b"".join(extra_nat_cies), compulsory=False)
    return [N.ext(N.EXT_RESPONDER, N.cie(0, 32, MTU, HOLD, HUB[1], HUB[2])), N.ext(N.EXT_FWD_TRANSIT),
            N.ext(N.EXT_REV_TRANSIT), N.cisco_auth(PW), nat]


def reg_request_exts(auth=PW):
    return exts(N.ext(N.EXT_CISCO_NAT, nat_nhs(), compulsory=False), auth=auth)


def build():
    cap = Capture()
    facts = {}
    hub_nbma, hub_tun = HUB[1], HUB[2]

    def send(t, src_wire, dst_wire, pkt, note, proto=0x2001, ipid=0):
        cap.add_ip(t, N.gre_ip(src_wire, dst_wire, pkt, proto, KEY, ipid=ipid), note)

    # 1. spoke1 registers (no NAT)
    t = 1.0
    req = N.packet(N.OP_REG_REQ, S1[1], S1[2], hub_tun, 0x10, N.F_REG_U | N.F_CISCO_NAT, [N.cie(0, 32, MTU, HOLD)], reg_request_exts())
    send(t, S1[3], hub_nbma, req, "spoke1 Registration Request (auth)")
    rep = N.packet(N.OP_REG_REP, S1[1], S1[2], hub_tun, 0x10, N.F_REG_U | N.F_CISCO_NAT, [N.cie(0, 32, MTU, HOLD)],
                   reg_reply_exts())
    send(t + 0.01, hub_nbma, S1[3], rep, "hub Registration Reply to spoke1 (auth)")

    # 2. spoke2 registers from behind a NAT: NHRP says 172.16.2.2, the packet arrives from 198.51.100.22
    t = 2.0
    req = N.packet(N.OP_REG_REQ, S2[1], S2[2], hub_tun, 0x20, N.F_REG_U | N.F_CISCO_NAT, [N.cie(0, 32, MTU, HOLD)], reg_request_exts())
    send(t, S2[3], hub_nbma, req, "spoke2 Registration Request from behind NAT (auth)")
    rep = N.packet(N.OP_REG_REP, S2[1], S2[2], hub_tun, 0x20, N.F_REG_U | N.F_CISCO_NAT, [N.cie(0, 32, MTU, HOLD)],
                   reg_reply_exts([N.cie(0, 32, MTU, HOLD, S2[3], S2[2])]))
    send(t + 0.01, hub_nbma, S2[3], rep, "hub Registration Reply to spoke2 with NAT extension 198.51.100.22")

    # 3. spoke4 has the wrong NHRP password: the hub answers with an Error Indication
    t = 3.0
    bad = N.packet(N.OP_REG_REQ, S4[1], S4[2], hub_tun, 0x40, N.F_REG_U | N.F_CISCO_NAT, [N.cie(0, 32, MTU, HOLD)],
                   reg_request_exts(auth=b"wrongpw1"))
    send(t, S4[3], hub_nbma, bad, "spoke4 Registration Request with a wrong password")
    extoff = struct.unpack("!H", bad[14:16])[0]
    auth_off = extoff + 3 * 4          # Responder, Forward, Reverse (empty) precede Authentication
    err = N.error_indication(hub_nbma, hub_tun, S4[2], 11, auth_off, bad)
    send(t + 0.01, hub_nbma, S4[3], err, "hub Error Indication: Authentication Failure (11)")
    facts["error_offset"] = auth_off

    # 4. phase 3: spoke1 -> 192.168.22.10 goes via the hub; the hub redirects with a Traffic Indication
    t = 10.0

    def icmp(src, dst, kind, n):
        return IP(src=src, dst=dst, ttl=63, id=0x7000 + n) / ICMP(type=kind, id=0x33, seq=n) / Raw(TEXT + b"#%d" % n)

    d1 = icmp(S1[4] + ".10", S2[4] + ".10", 8, 1)
    send(t, S1[3], hub_nbma, bytes(d1), "spoke1->spoke2 LAN echo 1 (to hub)", 0x0800, 0x100)
    send(t + 0.0005, hub_nbma, S2[3], bytes(d1), "echo 1 forwarded by the hub to spoke2 (NAT outside)", 0x0800, 0x101)
    orig = bytes(d1)[:28]  # original IP header + 8 octets
    ti = N.packet(N.OP_TRAFFIC, hub_nbma, hub_tun, d1.src, 0x0000, 0x0000, [], [N.cisco_auth(PW)],
                  mandatory_extra=orig)
    send(t + 0.001, hub_nbma, S1[3], ti, "hub Traffic Indication (redirect) to spoke1")
    rq = N.packet(N.OP_RES_REQ, S1[1], S1[2], d1.dst, 0x11, N.F_RES_Q | N.F_RES_S | N.F_CISCO_NAT, [], exts())
    send(t + 0.002, S1[3], hub_nbma, rq, "spoke1 Resolution Request for 192.168.22.10")
    fw = N.packet(N.OP_RES_REQ, S1[1], S1[2], d1.dst, 0x11, N.F_RES_Q | N.F_RES_S | N.F_CISCO_NAT, [],
                  [N.ext(N.EXT_RESPONDER), N.ext(N.EXT_FWD_TRANSIT, N.transit_record(hub_nbma, hub_tun)),
                   N.ext(N.EXT_REV_TRANSIT), N.cisco_auth(PW)], hop=254)
    send(t + 0.003, hub_nbma, S2[3], fw, "hub forwards the Resolution Request to spoke2")
    d1r = icmp(S2[4] + ".10", S1[4] + ".10", 0, 1)
    send(t + 0.004, S2[3], hub_nbma, bytes(d1r), "spoke2->spoke1 LAN reply 1 (to hub)", 0x0800, 0x102)
    send(t + 0.0045, hub_nbma, S1[3], bytes(d1r), "reply 1 forwarded by the hub to spoke1", 0x0800, 0x103)
    rp = N.packet(N.OP_RES_REP, S1[1], S1[2], d1.dst, 0x11, N.F_RES_Q | N.F_RES_A | N.F_RES_S | N.F_CISCO_NAT,
                  [N.cie(0, 24, MTU, HOLD, S2[1], S2[2])],
                  [N.ext(N.EXT_RESPONDER, N.cie(0, 32, MTU, HOLD, S2[1], S2[2])),
                   N.ext(N.EXT_FWD_TRANSIT, N.transit_record(hub_nbma, hub_tun)), N.ext(N.EXT_REV_TRANSIT),
                   N.cisco_auth(PW), N.cisco_nat(S2[3], S2[2])])
    send(t + 0.005, S2[3], S1[3], rp, "spoke2 Resolution Reply directly to spoke1 (192.168.22.0/24, NAT ext)")
    for n in (2, 3):
        send(t + n, S1[3], S2[3], bytes(icmp(S1[4] + ".10", S2[4] + ".10", 8, n)), "spoke1->spoke2 echo %d (direct, to NAT outside)" % n, 0x0800, 0x110 + n)
        send(t + n + 0.001, S2[3], S1[3], bytes(icmp(S2[4] + ".10", S1[4] + ".10", 0, n)), "spoke2->spoke1 reply %d (direct)" % n, 0x0800, 0x120 + n)

    # 5. spoke2's LAN entry is withdrawn (clear ip nhrp on spoke2): Purge Request to spoke1, Purge Reply
    t = 20.0
    pq = N.packet(N.OP_PURGE_REQ, S2[1], S2[2], S1[2], 0x21, 0, [N.cie(0, 24, MTU, 0, None, S2[4] + ".0")], exts())
    send(t, S2[3], S1[3], pq, "spoke2 Purge Request to spoke1 for 192.168.22.0/24")
    pr = N.packet(N.OP_PURGE_REP, S2[1], S2[2], S1[2], 0x21, 0, [N.cie(0, 24, MTU, 0, None, S2[4] + ".0")], exts())
    send(t + 0.01, S1[3], S2[3], pr, "spoke1 Purge Reply")
    facts["listing_md"] = listing.markdown(cap)
    facts["frames"] = len(cap.frames)
    return cap, facts
