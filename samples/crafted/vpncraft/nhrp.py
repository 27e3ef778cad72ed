"""NHRP (RFC 2332) over GRE (RFC 2784/2890), as Cisco DMVPN sends it.

Fixed header (RFC 2332 5.2.0.1):
  ar$afn(2) ar$pro.type(2) ar$pro.snap(5) ar$hopcnt(1) ar$pktsz(2) ar$chksum(2) ar$extoff(2)
  ar$op.version(1) ar$op.type(1) ar$shtl(1) ar$sstl(1)
Common mandatory part (5.2.0.2):
  Src Proto Len(1) Dst Proto Len(1) Flags(2) Request ID(4) Source NBMA Address, Source NBMA
  Subaddress, Source Protocol Address, Destination Protocol Address, then CIEs:
  Code(1) Prefix Length(1) unused(2) MTU(2) Holding Time(2) Cli Addr T/L(1) Cli SAddr T/L(1)
  Cli Proto Len(1) Preference(1) Client NBMA, Client NBMA Subaddress, Client Protocol Address
Extensions (5.3): C|u|Type(2) Length(2) Value, terminated by End (type 0, C set).
"""
import struct

from scapy.all import IP

OP_RES_REQ, OP_RES_REP, OP_REG_REQ, OP_REG_REP, OP_PURGE_REQ, OP_PURGE_REP, OP_ERROR, OP_TRAFFIC = range(1, 9)
EXT_END, EXT_RESPONDER, EXT_FWD_TRANSIT, EXT_REV_TRANSIT, EXT_AUTH, EXT_VENDOR, EXT_CISCO_NAT = 0, 3, 4, 5, 7, 8, 9
COMPULSORY = 0x8000
# flags (RFC 2332 5.2.1/5.2.3/5.2.5, Cisco NAT extension bit)
F_RES_Q, F_RES_A, F_RES_D, F_RES_U, F_RES_S = 0x8000, 0x4000, 0x2000, 0x1000, 0x0800
F_REG_U = 0x8000
F_CISCO_NAT = 0x0002
F_PURGE_N = 0x8000


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def cie(code=0, prefix=32, mtu=1514, hold=600, nbma=None, proto=None, pref=0):
    nb = ip4(nbma) if nbma else b""
    pr = ip4(proto) if proto else b""
    return struct.pack("!BBHHHBBBB", code, prefix, 0, mtu, hold, len(nb), 0, len(pr), pref) + nb + pr


def ext(t, value=b"", compulsory=True):
    return struct.pack("!HH", (COMPULSORY if compulsory else 0) | t, len(value)) + value


def packet(op, src_nbma, src_proto, dst_proto, req_id, flags=0, cies=(), exts=None, hop=255,
           mandatory_extra=b""):
    """exts: list of extension bytes (without End); None = the Cisco default set."""
    snb = ip4(src_nbma) if src_nbma else b""
    mand = struct.pack("!BBHI", 4, 4 if dst_proto else 0, flags, req_id) + snb + ip4(src_proto)
    mand += (ip4(dst_proto) if dst_proto else b"") + mandatory_extra + b"".join(cies)
    if exts is None:
        exts = [ext(EXT_RESPONDER), ext(EXT_FWD_TRANSIT), ext(EXT_REV_TRANSIT)]
    e = b"".join(exts) + ext(EXT_END)
    extoff = 20 + len(mand)
    total = extoff + len(e)
    fixed = struct.pack("!HH5sBHHHBBBB", 1, 0x0800, b"\x00" * 5, hop, total, 0, extoff, 1, op, len(snb), 0)
    pkt = bytearray(fixed + mand + e)
    struct.pack_into("!H", pkt, 12, checksum(bytes(pkt)))
    return bytes(pkt)


def transit_record(nbma, proto, hold=600):
    """A Forward/Reverse Transit NHS Record extension carries CIEs of the NHSs traversed (5.3.2)."""
    return cie(0, 32, 1514, hold, nbma, proto)


def gre(payload, proto, key=None):
    """GRE header (RFC 2784, key per RFC 2890)."""
    flags = 0x2000 if key is not None else 0
    h = struct.pack("!HH", flags, proto)
    if key is not None:
        h += struct.pack("!I", key)
    return h + payload


def gre_ip(src, dst, payload, proto, key=None, ttl=255, ipid=0):
    return IP(src=src, dst=dst, ttl=ttl, id=ipid, proto=47) / gre(payload, proto, key)


def error_indication(src_nbma, src_proto, dst_proto, code, offset, contents, hop=255):
    """Error Indication (RFC 2332 5.2.7): Src Proto Len(1) Dst Proto Len(1) unused(2) Error Code(2)
    Error Offset(2) Source NBMA, Source NBMA Subaddress, Source Protocol, Destination Protocol, then the
    contents of the NHRP packet in error. No extensions (extension offset 0)."""
    snb = ip4(src_nbma)
    mand = struct.pack("!BBHHH", 4, 4, 0, code, offset) + snb + ip4(src_proto) + ip4(dst_proto) + contents
    total = 20 + len(mand)
    fixed = struct.pack("!HH5sBHHHBBBB", 1, 0x0800, b"\x00" * 5, hop, total, 0, 0, 1, OP_ERROR, len(snb), 0)
    pkt = bytearray(fixed + mand)
    struct.pack_into("!H", pkt, 12, checksum(bytes(pkt)))
    return bytes(pkt)


def cisco_auth(password):
    """Cisco's NHRP authentication extension value: 4-octet type 1 (cleartext) + the password,
    with no source address (RFC 2332 5.3.4 puts an SPI and a source address there)."""
    return ext(EXT_AUTH, struct.pack("!I", 1) + password)


def cisco_nat(nbma, proto, hold=600, mtu=17912):
    """Cisco NAT address extension (type 9, not compulsory): one CIE with the post-NAT NBMA address."""
    return ext(EXT_CISCO_NAT, cie(0, 32, mtu, hold, nbma, proto), compulsory=False)
