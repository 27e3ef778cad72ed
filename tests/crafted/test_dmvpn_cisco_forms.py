#!/usr/bin/python3
"""Oracle test for samples/dmvpn-cisco-forms with tshark's built-in NHRP dissector: Cisco
authentication extension (decoded with nhrp.auth_ext_has_addr:FALSE; the default misreading is
asserted too), Cisco NAT extension behind a NAT, Error Indication (offset checked over the raw bytes),
Traffic Indication (traffic code checked over the raw bytes: tshark skips it), Resolution Reply sent
directly by the destination spoke, Purge Request/Reply."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle as o  # noqa: E402

D = os.path.join(o.SAMPLES, "dmvpn-cisco-forms")
HUB, S1, S2OUT, S2IN, S4 = "203.0.113.1", "198.51.100.21", "198.51.100.22", "172.16.2.2", "198.51.100.24"
PW = b"vpnscope".hex()


def nhrp_bytes(frame):
    """NHRP packet inside Ethernet/IPv4/GRE-with-key (read here, not by tshark)."""
    ihl = (frame[14] & 0x0F) * 4
    g = 14 + ihl
    flags, proto = struct.unpack("!HH", frame[g:g + 4])
    assert proto == 0x2001 and flags == 0x2000
    return frame[g + 8:]


def main():
    o.need_tshark()
    pcap = os.path.join(D, "dmvpn-cisco-forms.pcap")
    ts = o.Tshark(prefs=["nhrp.auth_ext_has_addr:FALSE"])
    extra = ["nhrp.hdr.chksum.status", "nhrp.reqid", "nhrp.src.nbma.addr", "nhrp.src.prot.addr", "nhrp.dst.prot.addr",
             "nhrp.client.nbma.addr", "nhrp.client.prot.addr", "nhrp.prefix", "nhrp.flag.a", "nhrp.flag.n", "nhrp.flag.nat",
             "nhrp.hdr.hopcnt", "nhrp.ext.type", "nhrp.auth_ext.spi", "nhrp.auth_ext.data", "nhrp.err.code",
             "nhrp.err.offset", "nhrp.hdr.extoff", "gre.key", "_ws.malformed"]
    rows = o.compare_listing(ts, pcap, os.path.join(D, "expected.md"), "dmvpn-cisco-forms.pcap", extra)
    R = {int(r["frame.number"]): r for r in rows}
    _, recs = o.pcap_records(pcap)
    raw = {i + 1: f for i, (_, f) in enumerate(recs)}
    nh = [r for r in rows if r["nhrp.hdr.op.type"]]
    o.check(len(nh) == 12 and all(set(r["nhrp.hdr.chksum.status"].split("|")) == {"1"} for r in nh),
            "12 NHRP packets, every checksum (also the quoted one) correct")
    o.check(all(r["gre.key"] == "0x000000de" for r in rows) and not any(r["_ws.malformed"] for r in rows),
            "GRE key 222 everywhere, nothing malformed")
    # authentication
    auth = [r for r in nh if o.first(r["nhrp.hdr.op.type"]) != "7"]
    good = [r for r in auth if o.first(r["nhrp.auth_ext.spi"]) == "1" and o.first(r["nhrp.auth_ext.data"]) == PW]
    o.check(len(auth) == 11 and len(good) == 10 and o.first(R[5]["nhrp.auth_ext.data"]) == b"wrongpw1".hex(),
            "Cisco authentication extension (type 1 + 'vpnscope') in 10 packets, 'wrongpw1' in spoke4's request")
    default = o.Tshark().fields(pcap, ["frame.number", "nhrp.auth_ext.src_addr", "nhrp.auth_ext.data"], filt="frame.number==1")
    # Built-in default misreads Cisco's form: it expects an SPI and a source address (RFC 2332 5.3.4);
    # the correct reading is type 1 + "vpnscope", asserted above.
    o.check(default[0]["nhrp.auth_ext.src_addr"] == "118.112.110.115" and default[0]["nhrp.auth_ext.data"] == b"cope".hex(),
            "tshark default (auth_ext_has_addr TRUE) misreads the password as address 118.112.110.115 + 'cope'")
    # NAT
    o.check(o.first(R[3]["ip.src"]) == S2OUT and R[3]["nhrp.src.nbma.addr"] == S2IN and R[3]["nhrp.flag.nat"] == "1",
            "spoke2's request: NHRP source NBMA 172.16.2.2, packet from 198.51.100.22, Cisco NAT flag")
    types4 = R[4]["nhrp.ext.type"].split("|")
    o.check("0x0009" in types4 and R[4]["nhrp.client.nbma.addr"].split("|")[-1] == S2OUT
            and R[4]["nhrp.client.prot.addr"].split("|")[-1] == "10.0.0.22",
            "hub's reply to spoke2: NAT extension echoed plus CIE 198.51.100.22 / 10.0.0.22 (post-NAT)")
    o.check("0x0009" in R[1]["nhrp.ext.type"].split("|") and R[1]["nhrp.client.nbma.addr"].split("|")[-1] == HUB,
            "spoke1's request: Cisco NAT extension naming the NHS it sends to (203.0.113.1), as IOS does")
    o.check("0x0009" in R[2]["nhrp.ext.type"].split("|") and set(R[2]["nhrp.client.nbma.addr"].split("|")) == {HUB},
            "hub's reply to spoke1 (not behind NAT): NAT extension echoed, no post-NAT address")
    # error indication
    off = int(R[6]["nhrp.err.offset"]) if R[6]["nhrp.err.offset"] else -1
    bad_req = nhrp_bytes(raw[5])
    o.check(R[6]["nhrp.err.code"] == "11" and o.first(R[6]["ip.dst"]) == S4 and R[6]["nhrp.hdr.extoff"].split("|")[0] == "0",
            "Error Indication to spoke4: code 11 Authentication Failure, no extensions")
    o.check(off > 0 and bad_req[off:off + 2] == b"\x80\x07",
            "error offset %d points at the Authentication extension of the request (raw bytes)" % off)
    quoted = nhrp_bytes(raw[6])[20 + 8 + 12:]
    o.check(quoted == bad_req, "the whole offending request is quoted in the Error Indication (raw bytes)")
    # traffic indication
    ti = nhrp_bytes(raw[9])
    o.check(R[9]["nhrp.hdr.op.type"] == "8" and o.first(R[9]["ip.src"]) == HUB and R[9]["nhrp.dst.prot.addr"] == "192.168.21.10",
            "Traffic Indication from the hub to spoke1 about 192.168.21.10")
    o.check(struct.unpack("!H", ti[22:24])[0] == 0 and ti[40:42] == b"\x45\x00" and ti[52:56] == bytes([192, 168, 21, 10]),
            "Traffic code 0 (redirect) and the quoted IP header of the redirected packet (raw bytes)")
    # resolution answered directly by spoke2
    res = [r for r in nh if r["nhrp.reqid"] == "0x00000011"]
    o.check([(r["nhrp.hdr.op.type"], o.first(r["ip.src"]), o.first(r["ip.dst"])) for r in res] ==
            [("1", S1, HUB), ("1", HUB, S2OUT), ("2", S2OUT, S1)],
            "Resolution Request 17: spoke1 -> hub -> spoke2; Reply directly spoke2 -> spoke1")
    rep = res[2] if len(res) == 3 else R[14]
    o.check(rep["nhrp.flag.a"] == "1" and rep["nhrp.prefix"].split("|")[0] == "24"
            and rep["nhrp.client.nbma.addr"].split("|")[0] == S2IN and "0x0009" in rep["nhrp.ext.type"].split("|")
            and rep["nhrp.client.nbma.addr"].split("|")[-1] == S2OUT,
            "reply: authoritative, 192.168.22.0/24 behind 10.0.0.22, NBMA 172.16.2.2, NAT extension 198.51.100.22")
    direct = [r for r in rows if r["icmp.type"] and int(r["frame.number"]) > 14]
    o.check(len(direct) == 4 and all({o.first(r["ip.src"]), o.first(r["ip.dst"])} == {S1, S2OUT} for r in direct),
            "after the reply, 4 echo packets go directly between 198.51.100.21 and 198.51.100.22")
    # purge
    o.check(R[19]["nhrp.hdr.op.type"] == "5" and R[19]["nhrp.flag.n"] == "0" and R[20]["nhrp.hdr.op.type"] == "6"
            and R[19]["nhrp.reqid"] == R[20]["nhrp.reqid"] == "0x00000021"
            and R[19]["nhrp.client.prot.addr"].split("|")[0] == "192.168.22.0" and R[19]["nhrp.prefix"].split("|")[0] == "24",
            "Purge Request (reply expected) for 192.168.22.0/24 answered by a Purge Reply with the same ID")
    o.done()


if __name__ == "__main__":
    main()
