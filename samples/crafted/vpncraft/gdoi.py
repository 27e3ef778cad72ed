"""GDOI (RFC 6407): payloads, GROUPKEY-PULL (section 3) and GROUPKEY-PUSH (section 4).

Layouts as read from RFC 6407 section 5 (and RFC 3547 where 6407 keeps them):
  SA      DOI(4)=2 | Situation(4)=0 | SA Attribute Next Payload(1) | RESERVED(2); the SA
          attribute payloads (SAK, GAP, SAT) follow inside the SA payload's length, chained by
          their own Next Payload fields, the last one 0.
  SAK     Protocol(1) | SRC ID Type(1) | SRC ID Port(2) | SRC ID Data Len(1) | SRC ID Data |
          DST ID Type(1) | DST ID Port(2) | DST ID Data Len(1) | DST ID Data | SPI(16) |
          RESERVED2(4) (RFC 3547's POP algorithm / key length, zero) | KEK attributes
  GAP     GAP attributes
  SAT     Protocol-ID(1)=GDOI_PROTO_IPSEC_ESP | Protocol(1) | SRC ID Type(1) | SRC ID Port(2) |
          SRC ID Data Len(2) | SRC ID Data | DST ID Type(1) | DST ID Port(2) | DST ID Data Len(2) |
          DST ID Data | Transform ID(1) | SPI(4) | RFC 2407 SA attributes
  SEQ     Sequence Number(4)
  KD      Number of Key Packets(2) | RESERVED2(2) | key packets:
          KD Type(1) | RESERVED(1) | KD Length(2) (the whole key packet, from KD Type) | SPI Size(1) |
          SPI | key packet attributes
"""
import struct

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from . import ikev1 as ike
from .ikev1 import attr_b, attr_v, be16, be32, payload, P_NONE, P_SA, P_SAK, P_SAT, P_GAP, \
    P_KD, P_SEQ, P_HASH, P_NONCE, P_ID, P_SIG, P_N, X_GDOI_PULL, X_GDOI_PUSH

GDOI_DOI = 2
# SA KEK attributes (RFC 6407 5.3.1)
KEK_ALGORITHM, KEK_KEY_LENGTH, KEK_KEY_LIFETIME, SIG_HASH_ALGORITHM, SIG_ALGORITHM, SIG_KEY_LENGTH = \
    2, 3, 4, 5, 6, 7
KEK_ALG_3DES, KEK_ALG_AES = 2, 3
SIG_HASH_SHA1, SIG_HASH_SHA256 = 2, 3
SIG_ALG_RSA = 1
# GAP attributes (RFC 6407 5.4.1)
ACTIVATION_TIME_DELAY, DEACTIVATION_TIME_DELAY = 1, 2
# TEK
GDOI_PROTO_IPSEC_ESP = 1
ESP_3DES, ESP_AES = 3, 12
# RFC 2407 4.5 SA attributes + RFC 6407 5.5.1.1
SA_LIFE_TYPE, SA_LIFE_DURATION, ENCAP_MODE, AUTH_ALG, KEY_LENGTH, ADDR_PRESERVATION, SA_DIRECTION = \
    1, 2, 4, 5, 6, 14, 15
ENCAP_TUNNEL, AUTH_HMAC_SHA = 1, 2
ADDR_PRES_SRC_DST, SA_DIR_SYMMETRIC = 2, 3
# KD (RFC 6407 5.6)
KD_TEK, KD_KEK = 1, 2
TEK_ALGORITHM_KEY, TEK_INTEGRITY_KEY = 1, 2
KEK_ALGORITHM_KEY, SIG_ALGORITHM_KEY = 1, 2
ID_IPV4_ADDR, ID_IPV4_ADDR_SUBNET, ID_KEY_ID = 1, 4, 11


def mask(prefix):
    return ((0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF).to_bytes(4, "big")


class Kek:
    def __init__(self, spi16, alg, key, iv, lifetime, ks_addr, dst_addr, sig_hash, rsa_priv):
        self.spi, self.alg, self.key, self.iv = spi16, alg, key, iv
        self.lifetime, self.ks_addr, self.dst_addr = lifetime, ks_addr, dst_addr
        self.sig_hash, self.rsa = sig_hash, rsa_priv
        self.bs = 8 if alg == KEK_ALG_3DES else 16

    def sak_body(self):
        b = struct.pack("!BBHB", 17, ID_IPV4_ADDR, 848, 4) + ike.ip4(self.ks_addr)
        b += struct.pack("!BHB", ID_IPV4_ADDR, 848, 4) + ike.ip4(self.dst_addr)
        b += self.spi + b"\x00" * 4
        b += attr_b(KEK_ALGORITHM, self.alg)
        b += attr_b(KEK_KEY_LENGTH, len(self.key) * 8)
        b += attr_v(KEK_KEY_LIFETIME, be32(self.lifetime))
        b += attr_b(SIG_HASH_ALGORITHM, self.sig_hash)
        b += attr_b(SIG_ALGORITHM, SIG_ALG_RSA)
        b += attr_b(SIG_KEY_LENGTH, self.rsa.key_size)
        return b

    def pubkey_der(self):
        # SubjectPublicKeyInfo DER, as the Cisco-authored reference implementation sends it
        return self.rsa.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)

    def key_packet(self):
        # KEK_ALGORITHM_KEY = IV | key (RFC 3547 static rekey IV, as the reference implementation)
        attrs = attr_v(KEK_ALGORITHM_KEY, self.iv + self.key) + attr_v(SIG_ALGORITHM_KEY, self.pubkey_der())
        return key_packet(KD_KEK, self.spi, attrs)


class Tek:
    def __init__(self, spi, transform, enc_key, auth_key, lifetime, src_net, dst_net, keylen=0):
        self.spi, self.transform, self.enc_key, self.auth_key = spi, transform, enc_key, auth_key
        self.lifetime, self.src_net, self.dst_net, self.keylen = lifetime, src_net, dst_net, keylen

    def sat_body(self):
        def ident(net):
            a, p = net.split("/")
            return struct.pack("!BHH", ID_IPV4_ADDR_SUBNET, 0, 8) + ike.ip4(a) + mask(int(p))
        b = struct.pack("!BB", GDOI_PROTO_IPSEC_ESP, 0) + ident(self.src_net) + ident(self.dst_net)
        b += struct.pack("!B", self.transform) + be32(self.spi)
        b += attr_b(SA_LIFE_TYPE, 1) + attr_v(SA_LIFE_DURATION, be32(self.lifetime))
        b += attr_b(ENCAP_MODE, ENCAP_TUNNEL) + attr_b(AUTH_ALG, AUTH_HMAC_SHA)
        if self.transform == ESP_AES:
            b += attr_b(KEY_LENGTH, self.keylen)
        b += attr_b(ADDR_PRESERVATION, ADDR_PRES_SRC_DST) + attr_b(SA_DIRECTION, SA_DIR_SYMMETRIC)
        return b

    def key_packet(self):
        attrs = attr_v(TEK_ALGORITHM_KEY, self.enc_key) + attr_v(TEK_INTEGRITY_KEY, self.auth_key)
        return key_packet(KD_TEK, be32(self.spi), attrs)


def key_packet(kd_type, spi, attrs):
    rest = struct.pack("!B", len(spi)) + spi + attrs
    # KD Length counts the whole key packet from KD Type (RFC 6407 5.6.1; read
    # so by Wireshark's dissect_key_download and the GDOI reference code).
    return struct.pack("!BBH", kd_type, 0, 4 + len(rest)) + rest


def sa_payload_body(kek, teks, gap=(0, 0)):
    """SA body with the SA attribute payloads nested inside (RFC 6407 5.2)."""
    attrs = []
    if kek:
        attrs.append((P_SAK, kek.sak_body()))
    attrs.append((P_GAP, attr_b(ACTIVATION_TIME_DELAY, gap[0]) + attr_b(DEACTIVATION_TIME_DELAY, gap[1])))
    for t in teks:
        attrs.append((P_SAT, t.sat_body()))
    first, inner, _ = ike.chain(attrs)
    return be32(GDOI_DOI) + be32(0) + struct.pack("!HH", first, 0) + inner


def kd_body(packets):
    return struct.pack("!HH", len(packets), 0) + b"".join(packets)


def group_id(number):
    """ID payload body, ID_KEY_ID with the 4-octet group number (Cisco `identity number`)."""
    return struct.pack("!BBH", ID_KEY_ID, 0, 0) + be32(number)


class Pull:
    """GROUPKEY-PULL (RFC 6407 3.2) under a finished Phase1 (GM = initiator)."""

    def __init__(self, p1, label, group_number):
        self.p1 = p1
        self.msgid = ike.rnd_int(label + "/msgid", 4) | 0x01000000
        self.ex = ike.Phase2Exchange(p1, self.msgid, X_GDOI_PULL)
        self.ni = ike.rnd(label + "/ni", 20)
        self.nr = ike.rnd(label + "/nr", 20)
        self.group = group_number
        self.m = be32(self.msgid)

    def msg1(self):
        ni_p = payload(P_ID, self.ni)
        id_p = payload(P_NONE, group_id(self.group))
        h1 = self.p1.hash_a(self.m + ni_p + id_p)       # HASH(1) = prf(SKEYID_a, M-ID | Ni | ID)
        self.hash1 = h1
        return self.ex.send([(P_HASH, h1), (P_NONCE, self.ni), (P_ID, group_id(self.group))])

    def msg2(self, sa_body):
        nr_p = payload(P_SA, self.nr)
        sa_p = payload(P_NONE, sa_body)
        h2 = self.p1.hash_a(self.m + self.ni + nr_p + sa_p)   # HASH(2) = prf(SKEYID_a, M-ID | Ni_b | Nr | SA)
        self.hash2 = h2
        return self.ex.send([(P_HASH, h2), (P_NONCE, self.nr), (P_SA, sa_body)])

    def msg3(self):
        h3 = self.p1.hash_a(self.m + self.ni + self.nr)       # HASH(3) = prf(SKEYID_a, M-ID | Ni_b | Nr_b)
        self.hash3 = h3
        return self.ex.send([(P_HASH, h3)])

    def msg4(self, seq, kd):
        seq_p = payload(P_KD, be32(seq))
        kd_p = payload(P_NONE, kd)
        h4 = self.p1.hash_a(self.m + self.ni + self.nr + seq_p + kd_p)  # HASH(4) = prf(SKEYID_a, M-ID | Ni_b | Nr_b | SEQ | KD)
        self.hash4 = h4
        return self.ex.send([(P_HASH, h4), (P_SEQ, be32(seq)), (P_KD, kd)])

    def notify(self, msgtype, data=b""):
        """A HASH-protected Notify inside the pull exchange (refusal of a registration)."""
        nb = ike.notify_body(GDOI_DOI, 1, msgtype, b"", data)
        n_p = payload(P_NONE, nb)
        h = self.p1.hash_a(self.m + self.ni + n_p)
        return self.ex.send([(P_HASH, h), (P_N, nb)])


def push(kek, seq, sa_body, kd):
    """GROUPKEY-PUSH (RFC 6407 4): HDR*, SEQ, SA, KD, SIG; signed, then encrypted with the KEK.

    Signature: RSASSA-PKCS1-v1_5 with SIG_HASH_ALGORITHM over "rekey" | HDR | SEQ | SA | KD, where
    HDR carries the E flag and the length of the unpadded message including SIG (the rule of the
    Cisco-authored GDOI reference implementation, gdoi_add_sig_payload()).
    Encryption: KEK in CBC mode with the KEK's IV, zero padding (RFC 2408 3.1).
    Returns (message, plaintext payloads, hashed data, signature).
    """
    icky, rcky = kek.spi[:8], kek.spi[8:]
    sig_len = kek.rsa.key_size // 8
    body_pre = payload(P_SA, be32(seq)) + payload(P_KD, sa_body) + payload(P_SIG, kd)
    total = 28 + len(body_pre) + 4 + sig_len
    hdr_for_sig = ike.header(icky, rcky, P_SEQ, X_GDOI_PUSH, 0x01, 0, total)
    signed = b"rekey" + hdr_for_sig + body_pre
    h = hashes.SHA1() if kek.sig_hash == SIG_HASH_SHA1 else hashes.SHA256()
    sig = kek.rsa.sign(signed, padding.PKCS1v15(), h)
    body = body_pre + payload(P_NONE, sig)
    padded = ike.pad_zero(body, kek.bs)
    alg = ike.ENC_3DES if kek.alg == KEK_ALG_3DES else ike.ENC_AES
    ct = ike.cbc(alg, kek.key, kek.iv, padded)
    msg = ike.header(icky, rcky, P_SEQ, X_GDOI_PUSH, 0x01, 0, 28 + len(ct)) + ct
    return msg, body, signed, sig
