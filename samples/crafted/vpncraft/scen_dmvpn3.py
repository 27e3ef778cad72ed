"""DMVPN phase 3 over IPsec: IKEv1 (Main Mode PSK + Quick Mode) negotiates ESP transport mode for GRE
between each pair of NBMA addresses; NHRP and data travel inside ESP. The user gets only the IKE keys;
the ESP keys follow from the decrypted Quick Mode (RFC 2409 5.5 KEYMAT)."""
import struct

from scapy.all import IP, ICMP, Raw

from . import ikev1 as ike
from . import nhrp as N
from .esp import EspSa
from .wire import Capture
from . import listing

KEY = 333
PSK = b"DMVPN-psk-333"
HOLD = 600
HUB = ("hub", "203.0.113.1", "10.0.0.1", "192.168.1")
S1 = ("spoke1", "198.51.100.31", "10.0.0.31", "192.168.31")
S2 = ("spoke2", "198.51.100.32", "10.0.0.32", "192.168.32")
TEXT = b"vpnscope DMVPN phase 3 over IPsec "
ESP_AES, ENCAP_TRANSPORT = 12, 2


def build():
    cap = Capture()
    facts = {"ike": [], "esp_sa": [], "ike_table": []}
    sas = {}        # (src nbma, dst nbma) -> [EspSa, seq]
    attrs = (ike.attr_b(1, 1) + ike.attr_v(2, ike.be32(3600)) + ike.attr_b(4, ENCAP_TRANSPORT)
             + ike.attr_b(5, 2) + ike.attr_b(6, 256))

    def ike_pair(t, a, b):
        """a initiates to b: Main Mode + Quick Mode; installs both ESP SAs."""
        label = "dmvpn3/%s-%s" % (a[0], b[0])
        p1 = ike.Phase1(label, a[1], b[1], PSK, doi=1, enc=ike.ENC_AES, keylen=256, group=14, port=500, id_port=500)
        for k, (from_i, m) in enumerate(p1.run()):
            s, d = (a[1], b[1]) if from_i else (b[1], a[1])
            cap.add_udp(t, s, d, 500, 500, m, "%s-%s MM%d" % (a[0], b[0], k + 1))
            t += 0.01
        idi = struct.pack("!BBH", 1, 47, 0) + ike.ip4(a[1])
        idr = struct.pack("!BBH", 1, 47, 0) + ike.ip4(b[1])
        qm = ike.QuickMode(p1, label + "/qm", ESP_AES, attrs, idi, idr)
        for k, (fi, m) in enumerate(((True, qm.msg1()), (False, qm.msg2()), (True, qm.msg3()))):
            s, d = (a[1], b[1]) if fi else (b[1], a[1])
            cap.add_udp(t, s, d, 500, 500, m, "%s-%s QM%d" % (a[0], b[0], k + 1))
            t += 0.01
        # a -> b uses the SPI b chose (spi_r); b -> a uses spi_i
        for (src, dst, spi) in ((a, b, qm.spi_r), (b, a, qm.spi_i)):
            km = qm.keymat(spi, 32 + 20)
            sa = EspSa(spi, "AES-CBC", km[:32], "HMAC-SHA1-96", km[32:])
            sas[(src[1], dst[1])] = [sa, 0]
            facts["esp_sa"].append(sa.wireshark_line(src[1], dst[1]))
        facts["ike"].append({"pair": "%s->%s" % (a[0], b[0]), "icookie": p1.icky.hex(), "rcookie": p1.rcky.hex(),
                             "enc_key": p1.enc_key.hex(), "skeyid_d": p1.skeyid_d.hex(), "skeyid_a": p1.skeyid_a.hex(),
                             "qm_msgid": "%08x" % qm.msgid, "spi_i": "%08x" % qm.spi_i, "spi_r": "%08x" % qm.spi_r,
                             "ni": qm.ni.hex(), "nr": qm.nr.hex()})
        facts["ike_table"].append("%s,%s" % (p1.icky.hex(), p1.enc_key.hex()))
        return t

    def esp(t, src, dst, gre_payload, proto, note, inner):
        sa = sas[(src[1], dst[1])]
        sa[1] += 1
        pkt = N.gre_ip(src[1], dst[1], gre_payload, proto, KEY, ipid=0x800 + len(cap.frames))
        out = sa[0].protect(pkt, sa[1], "dmvpn3/esp/%s-%s/%d" % (src[0], dst[0], sa[1]))
        cap.add_ip(t, out, note, inner)

    def nhrp_esp(t, src, dst, pkt, note):
        esp(t, src, dst, pkt, 0x2001, note, "gre nhrp op=%d" % pkt[17])

    def data_esp(t, src, dst, ip, note):
        esp(t, src, dst, bytes(ip), 0x0800, note, "gre ipv4 icmp %s->%s type=%d" % (ip.src, ip.dst, ip[ICMP].type))

    hub_nbma, hub_tun = HUB[1], HUB[2]
    t = ike_pair(1.0, S1, HUB)
    req = N.packet(N.OP_REG_REQ, S1[1], S1[2], hub_tun, 0x31, N.F_REG_U, [N.cie(0, 255, 1514, HOLD)])
    nhrp_esp(t, S1, HUB, req, "spoke1 Registration Request (ESP)")
    rep = N.packet(N.OP_REG_REP, S1[1], S1[2], hub_tun, 0x31, N.F_REG_U, [N.cie(0, 255, 1514, HOLD)],
                   [N.ext(N.EXT_RESPONDER, N.cie(0, 0, 1514, HOLD, hub_nbma, hub_tun)), N.ext(N.EXT_FWD_TRANSIT), N.ext(N.EXT_REV_TRANSIT)])
    nhrp_esp(t + 0.01, HUB, S1, rep, "hub Registration Reply (ESP)")
    t = ike_pair(3.0, S2, HUB)
    req = N.packet(N.OP_REG_REQ, S2[1], S2[2], hub_tun, 0x32, N.F_REG_U, [N.cie(0, 255, 1514, HOLD)])
    nhrp_esp(t, S2, HUB, req, "spoke2 Registration Request (ESP)")
    rep = N.packet(N.OP_REG_REP, S2[1], S2[2], hub_tun, 0x32, N.F_REG_U, [N.cie(0, 255, 1514, HOLD)],
                   [N.ext(N.EXT_RESPONDER, N.cie(0, 0, 1514, HOLD, hub_nbma, hub_tun)), N.ext(N.EXT_FWD_TRANSIT), N.ext(N.EXT_REV_TRANSIT)])
    nhrp_esp(t + 0.01, HUB, S2, rep, "hub Registration Reply (ESP)")

    def icmp(src, dst, kind, n):
        return IP(src=src, dst=dst, ttl=63, id=0x9000 + n) / ICMP(type=kind, id=0x44, seq=n) / Raw(TEXT + b"#%d" % n)

    t = 10.0
    d1 = icmp(S1[3] + ".10", S2[3] + ".10", 8, 1)
    data_esp(t, S1, HUB, d1, "spoke1->spoke2 LAN echo 1 (to hub)")
    data_esp(t + 0.0005, HUB, S2, d1, "echo 1 forwarded by the hub")
    ti = N.packet(N.OP_TRAFFIC, hub_nbma, hub_tun, d1.src, 0, 0, [], [], mandatory_extra=bytes(d1)[:28])
    nhrp_esp(t + 0.001, HUB, S1, ti, "hub Traffic Indication (redirect) to spoke1")
    rq = N.packet(N.OP_RES_REQ, S1[1], S1[2], d1.dst, 0x33, N.F_RES_Q | N.F_RES_S, [])
    nhrp_esp(t + 0.002, S1, HUB, rq, "spoke1 Resolution Request for 192.168.32.10")
    fw = N.packet(N.OP_RES_REQ, S1[1], S1[2], d1.dst, 0x33, N.F_RES_Q | N.F_RES_S, [],
                  [N.ext(N.EXT_RESPONDER), N.ext(N.EXT_FWD_TRANSIT, N.transit_record(hub_nbma, hub_tun)), N.ext(N.EXT_REV_TRANSIT)], hop=254)
    nhrp_esp(t + 0.003, HUB, S2, fw, "hub forwards the Resolution Request to spoke2")
    d1r = icmp(S2[3] + ".10", S1[3] + ".10", 0, 1)
    data_esp(t + 0.004, S2, HUB, d1r, "spoke2->spoke1 LAN reply 1 (to hub)")
    data_esp(t + 0.0045, HUB, S1, d1r, "reply 1 forwarded by the hub")
    # spoke2 needs an IPsec SA to spoke1 before it can answer directly
    t = ike_pair(10.1, S2, S1)
    rp = N.packet(N.OP_RES_REP, S1[1], S1[2], d1.dst, 0x33, N.F_RES_Q | N.F_RES_A | N.F_RES_S,
                  [N.cie(0, 24, 1514, HOLD, S2[1], S2[2])],
                  [N.ext(N.EXT_RESPONDER, N.cie(0, 32, 1514, HOLD, S2[1], S2[2])),
                   N.ext(N.EXT_FWD_TRANSIT, N.transit_record(hub_nbma, hub_tun)), N.ext(N.EXT_REV_TRANSIT)])
    nhrp_esp(t, S2, S1, rp, "spoke2 Resolution Reply directly to spoke1 (ESP)")
    for n in (2, 3):
        data_esp(t + n, S1, S2, icmp(S1[3] + ".10", S2[3] + ".10", 8, n), "spoke1->spoke2 echo %d (direct ESP)" % n)
        data_esp(t + n + 0.001, S2, S1, icmp(S2[3] + ".10", S1[3] + ".10", 0, n), "spoke2->spoke1 reply %d (direct ESP)" % n)
    facts["listing_md"] = listing.markdown(cap)
    facts["frames"] = len(cap.frames)
    return cap, facts
