#!/usr/bin/python3
"""Builds the ISAKMP/IKEv1 and GDOI test vectors of test_ikev1.c and
test_gdoi.c from the RFC layouts (RFC 2408 3.x, RFC 2407 4.x, RFC 3947,
RFC 6407 5.x), independently of the C decoder. Prints each vector as a C
hex string plus the offsets the tests assert. Run: python3 isakmp_vectors.py
"""
import struct

OFFS = {}

def tv(t, v):            # basic attribute
    return struct.pack('>HH', 0x8000 | t, v)

def tlv(t, data):        # variable attribute
    return struct.pack('>HH', t, len(data)) + data

def pl(np, body):        # generic payload header + body
    return struct.pack('>BBH', np, 0, 4 + len(body)) + body

def hdr(np, exch, flags, msgid, body_len, icky=bytes.fromhex('0011223344556677'),
        rcky=bytes(8)):
    return icky + rcky + struct.pack('>BBBBII', np, 0x10, exch, flags, msgid, 28 + body_len)

def chain(items):
    """items: list of (type, body); returns bytes with next-payload links and
    the offsets of each payload."""
    out = b''
    offs = []
    for i, (t, body) in enumerate(items):
        np = items[i + 1][0] if i + 1 < len(items) else 0
        offs.append(len(out))
        out += pl(np, body)
    return out, offs

def msg(name, exch, flags, msgid, items, icky=bytes.fromhex('0011223344556677'), rcky=bytes(8)):
    body, offs = chain(items)
    m = hdr(items[0][0] if items else 0, exch, flags, msgid, len(body), icky, rcky) + body
    OFFS[name] = [28 + o for o in offs]
    return m

def proposal(num, proto, spi, transforms):
    tb, toffs = chain([(3, t) for t in transforms])
    return struct.pack('>BBBB', num, proto, len(spi), len(transforms)) + spi + tb, toffs

def transform(num, tid, attrs):
    return struct.pack('>BBH', num, tid, 0) + b''.join(attrs)

def show(name, m):
    print('/* %s: %d bytes; payload offsets %s */' % (name, len(m), OFFS.get(name)))
    h = m.hex()
    print('static const char *%s =' % name)
    for i in range(0, len(h), 64):
        print('    "%s"' % h[i:i + 64])
    print('    ;')

# --- V1: Main Mode message 1 (Cisco IOS style offer) -----------------------
t1 = transform(1, 1, [tv(1, 7), tv(14, 256), tv(2, 2), tv(3, 65001), tv(4, 14), tv(11, 1),
                      tlv(12, struct.pack('>I', 86400))])
p1, _ = proposal(1, 1, b'', [t1])
sa1 = struct.pack('>II', 1, 1) + pl(0, p1)
mm1 = msg('mm1', 2, 0, 0, [(1, sa1),
                            (13, bytes.fromhex('12f5f28c457168a9702d9fe274cc0100')),
                            (13, bytes.fromhex('afcad71368a1f1c96b8696fc77570100')),
                            (13, bytes.fromhex('4a131c81070358455c5728f20e95452f'))])
show('mm1', mm1)

# --- V2: Quick Mode style message (as decrypted): HASH SA NONCE KE ID ID ---
ta = transform(1, 12, [tv(1, 1), tv(2, 3600), tv(4, 3), tv(5, 2), tv(6, 128)])
tb = transform(2, 3, [tv(4, 61443), tv(5, 1), tv(1, 2), tlv(2, struct.pack('>I', 4608000))])
p2, _ = proposal(1, 3, bytes.fromhex('cafebabe'), [ta, tb])
sa2 = struct.pack('>II', 1, 1) + pl(0, p2)
qm = msg('qm', 32, 0, 0x01020304, [
    (8, bytes(range(20))),
    (1, sa2),
    (10, bytes(range(0x40, 0x50))),
    (4, bytes(range(0x80, 0x88))),
    (5, struct.pack('>BBH', 4, 17, 500) + bytes([10, 0, 0, 0, 255, 255, 255, 0])),
    (5, struct.pack('>BBH', 7, 0, 0) + bytes([192, 168, 1, 1, 192, 168, 1, 9])),
])
show('qm', qm)

# --- V3: Informational-style chain: N N N D NAT-D NAT-D NAT-OA VID FRAG ID CERT CR SIG
icky = bytes.fromhex('0011223344556677'); rcky = bytes.fromhex('8899aabbccddeeff')
info = msg('info', 5, 0, 0x0a0b0c0d, [
    (11, struct.pack('>IBBH', 1, 1, 16, 24578) + icky + rcky),
    (11, struct.pack('>IBBH', 1, 1, 16, 36136) + icky + rcky + struct.pack('>I', 0x1234)),
    (11, struct.pack('>IBBH', 1, 3, 4, 24576) + bytes.fromhex('cafebabe') + tv(1, 1) +
     tlv(2, struct.pack('>I', 28800))),
    (12, struct.pack('>IBBH', 1, 3, 4, 2) + bytes.fromhex('11111111') + bytes.fromhex('22222222')),
    (20, bytes(range(0xa0, 0xb4))),
    (130, bytes(range(0xb0, 0xc4))),
    (21, struct.pack('>BBH', 1, 0, 0) + bytes([172, 16, 0, 5])),
    (13, bytes.fromhex('4048b7d56ebce88525e7de7f00d6c2d3c0000000')),
    (132, struct.pack('>HBB', 0x0102, 1, 1) + b'fragment'),
    (5, struct.pack('>BBH', 2, 0, 0) + b'vpn.example.net'),
    (6, bytes([4]) + b'\x30\x03\x02\x01\x01'),
    (7, bytes([4])),
    (9, bytes(range(0x10))),
], icky=icky, rcky=rcky)
show('info', info)

# --- V4: mode config (transaction, as decrypted) --------------------------
cfg = msg('cfg', 6, 0, 0x55667788, [
    (8, bytes(range(20))),
    (14, struct.pack('>BBH', 2, 0, 0x1234) +
     tlv(1, bytes([10, 1, 1, 5])) + tlv(2, bytes([255, 255, 255, 0])) +
     tlv(3, bytes([8, 8, 8, 8])) + tlv(16521, b'cisco') + tv(16527, 1) +
     tlv(28672, b'hi') + tlv(1, b'') + tv(28679, 0)),
])
show('cfg', cfg)

# --- V5: GDOI GROUPKEY-PULL message 2: HASH NONCE SA(KEK GAP TEK TEK) -----
kek = (struct.pack('>BBHB', 17, 1, 848, 4) + bytes([10, 0, 0, 1]) +
       struct.pack('>BHB', 1, 848, 4) + bytes([239, 1, 1, 1]) +
       bytes(range(0xc0, 0xd0)) + struct.pack('>I', 0) +
       tv(2, 3) + tv(3, 128) + tlv(4, struct.pack('>I', 86400)) + tv(5, 2) + tv(6, 1) +
       tv(7, 2048))
gap = tv(1, 10) + tv(2, 20)
tek_esp = (struct.pack('>BBBHH', 1, 0, 4, 0, 8) + bytes([10, 1, 0, 0, 255, 255, 0, 0]) +
           struct.pack('>BHH', 4, 0, 8) + bytes([10, 2, 0, 0, 255, 255, 0, 0]) +
           struct.pack('>BI', 12, 0x11223344) +
           tv(1, 1) + tlv(2, struct.pack('>I', 3600)) + tv(4, 1) + tv(5, 2) + tv(6, 128))
tek_ah = (struct.pack('>BBBHH', 2, 0, 1, 0, 4) + bytes([10, 1, 0, 1]) +
          struct.pack('>BHH', 1, 0, 4) + bytes([10, 2, 0, 1]) +
          struct.pack('>BI', 3, 0x55667788) + tv(5, 2) + tv(4, 1))
sa_inner, inner_offs = chain([(15, kek), (22, gap), (16, tek_esp), (16, tek_ah)])
sa_g = struct.pack('>IIHH', 2, 0, 15, 0) + sa_inner
pull2 = msg('pull2', 32, 0, 0x00000001, [
    (8, bytes(range(20))), (10, bytes(range(0x30, 0x40))), (1, sa_g)],
    icky=icky, rcky=rcky)
OFFS['pull2_sa_inner'] = [OFFS['pull2'][2] + 16 + o for o in inner_offs]
show('pull2', pull2)
print('/* pull2 SA inner payload offsets %s */' % OFFS['pull2_sa_inner'])

# --- V6: GDOI GROUPKEY-PULL message 4: HASH SEQ KD(TEK, KEK) -------------
kp_tek = struct.pack('>B', 4) + struct.pack('>I', 0x11223344) + \
    tlv(1, bytes(range(0x00, 0x10))) + tlv(2, bytes(range(0x20, 0x34)))
kp_kek = struct.pack('>B', 16) + bytes(range(0xc0, 0xd0)) + \
    tlv(1, bytes(range(0x40, 0x50))) + tlv(2, bytes(range(0x60, 0x68)))
def keypkt(t, body):
    return struct.pack('>BBH', t, 0, 4 + len(body)) + body
kd = struct.pack('>HH', 2, 0) + keypkt(1, kp_tek) + keypkt(2, kp_kek)
pull4 = msg('pull4', 32, 0, 0x00000001, [
    (8, bytes(range(20))), (18, struct.pack('>I', 5)), (17, kd)], icky=icky, rcky=rcky)
show('pull4', pull4)

# --- V7: GROUPKEY-PUSH decrypted body: SEQ SA(KEK TEK) KD(TEK) SIG --------
kd1 = struct.pack('>HH', 1, 0) + keypkt(1, kp_tek)
sa_p_inner, _ = chain([(15, kek), (16, tek_esp)])
push_body, push_offs = chain([(18, struct.pack('>I', 6)),
                              (1, struct.pack('>IIHH', 2, 0, 15, 0) + sa_p_inner),
                              (17, kd1), (9, bytes(range(0x70, 0x80)))])
push_body += bytes(3)  # cipher block padding
OFFS['push_body'] = push_offs
show('push_body', push_body)
push = hdr(18, 33, 1, 0, 16, icky, rcky) + bytes(range(0xe0, 0xf0))
show('push', push)

# --- V8: phase 1 SA offered with DOI 2 (GDOI registration, Main Mode 1) ---
p8, _ = proposal(1, 1, b'', [t1])
gmm1 = msg('gmm1', 2, 0, 0, [(1, struct.pack('>II', 2, 1) + pl(0, p8))])
show('gmm1', gmm1)

# --- V9: GDOI misc: HASH ID(KEY_ID group) POP KD(LKH, SID) -------------------
kp_lkh = struct.pack('>B', 0) + tlv(1, bytes(range(0x10, 0x1c))) + tlv(3, bytes(range(0x20, 0x24)))
kp_sid = struct.pack('>B', 0) + tv(1, 8) + tlv(2, bytes([0x00, 0x00, 0x00, 0x2a]))
kd2 = struct.pack('>HH', 2, 0) + keypkt(3, kp_lkh) + keypkt(4, kp_sid)
misc = msg('gmisc', 32, 0, 0x00000002, [
    (8, bytes(range(20))),
    (5, struct.pack('>BBH', 11, 0, 0) + struct.pack('>I', 1234)),
    (19, bytes(range(0x50, 0x58))),
    (17, kd2)], icky=icky, rcky=rcky)
show('gmisc', misc)

# --- V10: GROUPKEY-PULL message 2 without GAP: SA(KEK TEK TEK), for the
# comparison with tshark (whose built-in stops at a GAP) --------------------
sa_ng_inner, ng_offs = chain([(15, kek), (16, tek_esp), (16, tek_ah)])
pull2ng = msg('pull2ng', 32, 0, 0x00000001, [
    (8, bytes(range(20))), (10, bytes(range(0x30, 0x40))),
    (1, struct.pack('>IIHH', 2, 0, 15, 0) + sa_ng_inner)], icky=icky, rcky=rcky)
show('pull2ng', pull2ng)

# --- V11: every other ID type, and NAT-OA with IPv6 -------------------------
a6 = bytes.fromhex('20010db8000000000000000000000001')
m6 = bytes.fromhex('ffffffffffffffff0000000000000000')
e6 = bytes.fromhex('20010db80000000000000000000000ff')
ids = msg('ids', 5, 0, 0x00000003, [
    (5, struct.pack('>BBH', 1, 17, 4500) + bytes([192, 0, 2, 1])),
    (5, struct.pack('>BBH', 5, 0, 0) + a6),
    (5, struct.pack('>BBH', 6, 6, 179) + a6 + m6),
    (5, struct.pack('>BBH', 8, 0, 0) + a6 + e6),
    (5, struct.pack('>BBH', 3, 0, 0) + b'gm@example.net'),
    (5, struct.pack('>BBH', 9, 0, 0) + bytes.fromhex('300d310b300906035504061302555331')),
    (5, struct.pack('>BBH', 10, 0, 0) + bytes.fromhex('820b6578616d706c652e6e6574')),
    (21, struct.pack('>BBH', 5, 0, 0) + a6),
])
show('ids', ids)
