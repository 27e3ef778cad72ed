"""Frames and pcap output (scapy builds Ethernet/IP/UDP/GRE; timestamps are fixed)."""
from scapy.all import Ether, IP, UDP, wrpcap, raw

BASE_TIME = 1768467600  # 2026-01-15 09:00:00 UTC


class Capture:
    def __init__(self):
        self.frames = []  # (time, bytes, note)
        self.macs = {}

    def mac(self, ip):
        # one fixed MAC per address (stands for the next hop / interface)
        if ip not in self.macs:
            n = len(self.macs) + 1
            self.macs[ip] = "02:00:5e:00:%02x:%02x" % (n >> 8, n & 0xFF)
        return self.macs[ip]

    def add_ip(self, t, ip_pkt, note="", inner=None):
        """ip_pkt: a scapy IP packet (ids/checksums are filled by scapy deterministically)."""
        dst_mac = self.mac(ip_pkt[IP].dst)
        if ip_pkt[IP].dst.startswith("239.") or ip_pkt[IP].dst.startswith("224."):
            o = [int(x) for x in ip_pkt[IP].dst.split(".")]
            dst_mac = "01:00:5e:%02x:%02x:%02x" % (o[1] & 0x7F, o[2], o[3])
        f = Ether(src=self.mac(ip_pkt[IP].src), dst=dst_mac) / ip_pkt
        self.frames.append((BASE_TIME + t, raw(f), note, inner))

    def add_udp(self, t, src, dst, sport, dport, payload, note="", ttl=255, ipid=0):
        self.add_ip(t, IP(src=src, dst=dst, ttl=ttl, id=ipid, flags="DF" if False else 0)
                    / UDP(sport=sport, dport=dport) / payload, note)

    def write(self, path):
        import os
        os.makedirs(os.path.dirname(path), exist_ok=True)
        from scapy.all import Ether as E
        pkts = []
        for t, b, _, _ in sorted(self.frames, key=lambda x: x[0]):
            p = E(b)
            p.time = t
            pkts.append(p)
        wrpcap(path, pkts)
        return len(pkts)
