"""The message-sequence listing written into expected.md.

Each row is what tshark's built-in dissectors must show for that frame; the oracle tests rebuild
the same row from tshark fields and compare. Columns: frame, ip.src, ip.dst, summary, note.
"""
import struct

from scapy.all import Ether, IP, UDP, GRE


def summary(frame_bytes):
    p = Ether(frame_bytes)
    ip = p[IP]
    if ip.proto == 50:
        spi, seq = struct.unpack("!II", bytes(ip.payload)[:8])
        return "esp spi=0x%08x seq=%d" % (spi, seq)
    if ip.proto == 17 and p[UDP].dport in (500, 848, 4500):
        b = bytes(p[UDP].payload)
        if p[UDP].dport == 4500:
            b = b[4:]
        return "isakmp exch=%d flags=0x%02x msgid=0x%08x icookie=%s" % (b[18], b[19], struct.unpack("!I", b[20:24])[0], b[:8].hex())
    if ip.proto == 47:
        g = bytes(ip.payload)
        flags, proto = struct.unpack("!HH", g[:4])
        off = 4 + (4 if flags & 0x8000 else 0) + (4 if flags & 0x2000 else 0) + (4 if flags & 0x1000 else 0)
        inner = g[off:]
        if proto == 0x2001:
            return "gre nhrp op=%d" % inner[17]
        if proto == 0x0800:
            i = IP(inner)
            if i.proto == 88:
                return "gre ipv4 eigrp %s->%s" % (i.src, i.dst)
            if i.proto == 1:
                return "gre ipv4 icmp %s->%s type=%d" % (i.src, i.dst, bytes(i.payload)[0])
            return "gre ipv4 proto=%d" % i.proto
        return "gre proto=0x%04x" % proto
    if ip.proto == 1:
        return "icmp type=%d" % bytes(ip.payload)[0]
    return "ip proto=%d" % ip.proto


def rows(cap):
    out = []
    for i, (t, b, note, inner) in enumerate(sorted(cap.frames, key=lambda x: x[0])):
        ip = Ether(b)[IP]
        s = summary(b)
        if inner:
            s += " inner: " + inner
        out.append((i + 1, ip.src, ip.dst, s, note))
    return out


def markdown(cap):
    lines = ["```listing", "# frame | ip.src | ip.dst | summary (checked against tshark) | note"]
    for r in rows(cap):
        lines.append("%d | %s | %s | %s | %s" % r)
    lines.append("```")
    return "\n".join(lines)
