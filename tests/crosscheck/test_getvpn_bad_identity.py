"""Cross-check: samples/getvpn-bad-identity. GM1 asks for group 112; the KS answers the first
GROUPKEY-PULL message with HASH + Notification INVALID-ID-INFORMATION (18), DOI 2, protocol 1, no SPI
(expected.md). Decrypted here; every payload chain must decode ok with no problem."""
import os

import xc
from xc import eq

D = os.path.join(xc.SAMPLES, "getvpn-bad-identity")


def main():
    pcap = os.path.join(D, "getvpn-bad-identity.pcap")
    frames = xc.read_pcap(pcap)
    dumped = xc.dump_pcap(pcap)
    eq(len(dumped), 8, "frame count")
    for n, d in dumped.items():
        xc.check_clean(d, "frame %d (%s)" % (n, d["app"]))
        eq(d["app"], "gdoi", "frame %d decoded as GDOI" % n)
    table = xc.read_key_table(os.path.join(D, "ikev1_decryption_table"))
    eq([k.hex() for k in table], ["8910a5774f6c05ef"], "key table cookie (expected.md)")
    dec = xc.Ikev1Decryptor(table)
    pulls = []
    for n, lt, fr in frames:
        ip = xc.ipv4_of(fr, lt)
        sport, dport, msg = xc.udp_payload(ip)
        h, pt = dec.feed(msg)
        if pt is None:
            continue
        d = xc.dump_payloads("gdoi", pt, h["np"], h["exch"])
        what = "frame %d" % n
        xc.check_clean(d, what + " decrypted")
        if h["msgid"] == 0:
            eq(xc.values(d, "vpnscope.ike.id.port"), [848], what + " phase-1 ID port")
            eq(xc.values(d, "vpnscope.ike.id.ipv4"),
               ["192.168.101.2" if n == 5 else "192.168.100.1"], what + " phase-1 ID")
            continue
        eq("%08x" % h["msgid"], "43d2cac3", what + " M-ID")
        pulls.append((n, d))
    eq([n for n, _ in pulls], [7, 8], "two GROUPKEY-PULL messages")
    d1, d2 = pulls[0][1], pulls[1][1]
    eq(xc.values(d1, "vpnscope.ike.hash.data"), ["dec08ec709b046120b57c836b327eca66c22f514"], "PULL1 HASH(1)")
    eq(xc.values(d1, "vpnscope.ike.id.type"), [11], "PULL1 ID_KEY_ID")
    eq(xc.values(d1, "vpnscope.ike.id.key_id"), ["00000070"], "PULL1 group id 112")
    eq([p for p in xc.values(d2, "vpnscope.gdoi.payload")], [8, 11], "PULL2 = HASH + N")
    eq(xc.values(d2, "vpnscope.ike.notify.type"), [18], "notify INVALID-ID-INFORMATION (18)")
    eq(xc.values(d2, "vpnscope.ike.notify.doi"), [2], "notify DOI 2")
    eq(xc.values(d2, "vpnscope.ike.notify.protocol_id"), [1], "notify protocol 1")
    eq(xc.values(d2, "vpnscope.ike.notify.spi_size"), [0], "notify no SPI")
    eq(xc.values(d2, "vpnscope.gdoi.kd.num_key_packets") + xc.values(d2, "vpnscope.ike.sa.doi"), [],
       "no SA, no KD")
    xc.done()


if __name__ == "__main__":
    main()
