"""IKEv1 (ISAKMP, RFC 2408) encoding, Main Mode with pre-shared key and the
RFC 2409 key derivation (section 5, appendix B) and CBC IV chaining."""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .det import rnd, rnd_int

# Payload types (RFC 2408 3.1, RFC 6407 5)
P_NONE, P_SA, P_PROP, P_TRANS, P_KE, P_ID, P_CERT, P_CR, P_HASH, P_SIG, P_NONCE, P_N, P_D, P_VID = \
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
P_SAK, P_SAT, P_KD, P_SEQ, P_POP, P_GAP = 15, 16, 17, 18, 19, 22

# Exchange types
X_MAIN, X_AGGR, X_INFO, X_QUICK = 2, 4, 5, 32
X_GDOI_PULL, X_GDOI_PUSH = 32, 33   # RFC 6407 3.1 / 4 (PULL shares 32 with Quick Mode)

# MODP groups: RFC 2409 6.2 (group 2) and RFC 3526 3 (group 14)
MODP1024_P = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)
MODP2048_P = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)
GROUPS = {2: (MODP1024_P, 128), 14: (MODP2048_P, 256)}

# Phase-1 attribute values (RFC 2409 appendix A)
ENC_3DES, ENC_AES = 5, 7
HASH_SHA1 = 2
AUTH_PSK = 1


def be16(v):
    return struct.pack("!H", v)


def be32(v):
    return struct.pack("!I", v)


def attr_b(t, v):
    """Data attribute, basic (TV) form: AF bit set, 16-bit value."""
    return struct.pack("!HH", 0x8000 | t, v)


def attr_v(t, data):
    """Data attribute, variable (TLV) form."""
    return struct.pack("!HH", t, len(data)) + data


def payload(next_type, body):
    """Generic payload header (RFC 2408 3.2) + body."""
    return struct.pack("!BBH", next_type, 0, 4 + len(body)) + body


def chain(payloads):
    """payloads: list of (type, body). Returns (first_type, bytes, [each payload bytes])."""
    out, each = b"", []
    for i, (t, body) in enumerate(payloads):
        nxt = payloads[i + 1][0] if i + 1 < len(payloads) else P_NONE
        p = payload(nxt, body)
        each.append(p)
        out += p
    return (payloads[0][0] if payloads else P_NONE), out, each


def header(icky, rcky, next_type, exch, flags, msgid, length):
    """ISAKMP header (RFC 2408 3.1), version 1.0."""
    return icky + rcky + struct.pack("!BBBBII", next_type, 0x10, exch, flags, msgid, length)


def prf(key, data):
    return hmac.new(key, data, hashlib.sha1).digest()


def sha1(data):
    return hashlib.sha1(data).digest()


def cbc(alg, key, iv, data, decrypt=False):
    algo = algorithms.TripleDES(key) if alg == ENC_3DES else algorithms.AES(key)
    c = Cipher(algo, modes.CBC(iv))
    x = c.decryptor() if decrypt else c.encryptor()
    return x.update(data) + x.finalize()


def pad_zero(data, bs):
    """RFC 2408 3.1: the payload is padded to the cipher block size; zero padding."""
    return data + b"\x00" * ((-len(data)) % bs)


def id_ipv4(addr, proto=17, port=500):
    """Identification payload body, ID_IPV4_ADDR (RFC 2407 4.6.2)."""
    return struct.pack("!BBH", 1, proto, port) + bytes(int(x) for x in addr.split("."))


def ip4(addr):
    return bytes(int(x) for x in addr.split("."))


class Phase1:
    """One Main Mode exchange with PSK authentication, both sides simulated.

    name: label for the deterministic values; enc: ENC_3DES or ENC_AES; keylen: AES bits.
    """

    def __init__(self, name, init_addr, resp_addr, psk, doi=1, enc=ENC_3DES, keylen=0, group=2,
                 lifetime=86400, port=500, id_port=500):
        self.name, self.ia, self.ra, self.psk = name, init_addr, resp_addr, psk
        self.doi, self.enc, self.keylen, self.group, self.lifetime = doi, enc, keylen, group, lifetime
        self.port, self.id_port = port, id_port
        self.icky = rnd(name + "/icky", 8)
        self.rcky = rnd(name + "/rcky", 8)
        p, self.glen = GROUPS[group]
        self.p = p
        # fixed private values (deterministic), 256 bits
        self.xi = rnd_int(name + "/xi", 32) | (1 << 255)
        self.xr = rnd_int(name + "/xr", 32) | (1 << 255)
        self.gxi = pow(2, self.xi, p).to_bytes(self.glen, "big")
        self.gxr = pow(2, self.xr, p).to_bytes(self.glen, "big")
        gxy = pow(int.from_bytes(self.gxr, "big"), self.xi, p)
        assert gxy == pow(int.from_bytes(self.gxi, "big"), self.xr, p)
        self.gxy = gxy.to_bytes(self.glen, "big")
        self.ni = rnd(name + "/ni", 20)
        self.nr = rnd(name + "/nr", 20)
        self.bs = 8 if enc == ENC_3DES else 16
        self.enc_key_len = 24 if enc == ENC_3DES else keylen // 8
        self.msgs = []  # (from_initiator, bytes)

    # RFC 2409 5: SKEYID for pre-shared keys and its three children
    def derive(self):
        c = self.icky + self.rcky
        self.skeyid = prf(self.psk, self.ni + self.nr)
        self.skeyid_d = prf(self.skeyid, self.gxy + c + b"\x00")
        self.skeyid_a = prf(self.skeyid, self.skeyid_d + self.gxy + c + b"\x01")
        self.skeyid_e = prf(self.skeyid, self.skeyid_a + self.gxy + c + b"\x02")
        # RFC 2409 appendix B: Ka = K1 | K2 | ... when SKEYID_e is too short
        k = self.skeyid_e
        if len(k) < self.enc_key_len:
            k1 = prf(self.skeyid_e, b"\x00")
            k = k1
            while len(k) < self.enc_key_len:
                k1 = prf(self.skeyid_e, k1)
                k += k1
        self.enc_key = k[: self.enc_key_len]
        # RFC 2409 appendix B: phase-1 IV = hash(g^xi | g^xr)
        self.iv = sha1(self.gxi + self.gxr)[: self.bs]

    def sa_body(self):
        attrs = attr_b(1, self.enc)
        if self.enc == ENC_AES:
            attrs += attr_b(14, self.keylen)
        attrs += attr_b(2, HASH_SHA1) + attr_b(3, AUTH_PSK) + attr_b(4, self.group)
        attrs += attr_b(11, 1) + attr_v(12, be32(self.lifetime))
        trans = struct.pack("!BBH", 1, 1, 0) + attrs           # transform #1, KEY_IKE
        trans_p = payload(P_NONE, trans)
        prop = struct.pack("!BBBB", 1, 1, 0, 1) + trans_p      # proposal #1, PROTO_ISAKMP
        prop_p = payload(P_NONE, prop)
        # situation SIT_IDENTITY_ONLY for the IPsec DOI; 0 for GDOI's phase 1 too (RFC 6407 uses the
        # IPsec situation values' layout) -- we keep SIT_IDENTITY_ONLY = 1 for both.
        return be32(self.doi) + be32(1) + prop_p

    def _plain(self, from_i, payloads, exch=X_MAIN, msgid=0):
        first, body, _ = chain(payloads)
        m = header(self.icky, self.rcky if not (from_i and len(self.msgs) == 0) else b"\x00" * 8,
                   first, exch, 0, msgid, 28 + len(body)) + body
        self.msgs.append((from_i, m))
        return m

    def encrypt_msg(self, payloads, exch, msgid, iv, flags=0x01):
        """Returns (message, last ciphertext block). Payloads are encrypted after the header."""
        first, body, _ = chain(payloads)
        padded = pad_zero(body, self.bs)
        ct = cbc(self.enc, self.enc_key, iv, padded)
        m = header(self.icky, self.rcky, first, exch, flags, msgid, 28 + len(ct)) + ct
        return m, ct[-self.bs:]

    def run(self):
        """Returns the 6 Main Mode messages as (from_initiator, bytes)."""
        self.sai_b = self.sa_body()
        self._plain(True, [(P_SA, self.sai_b)])
        self._plain(False, [(P_SA, self.sai_b)])   # responder accepts the single proposal as is
        self._plain(True, [(P_KE, self.gxi), (P_NONCE, self.ni)])
        self._plain(False, [(P_KE, self.gxr), (P_NONCE, self.nr)])
        self.derive()
        self.idii_b = id_ipv4(self.ia, 17, self.id_port)
        self.idir_b = id_ipv4(self.ra, 17, self.id_port)
        c = self.icky + self.rcky
        self.hash_i = prf(self.skeyid, self.gxi + self.gxr + c + self.sai_b + self.idii_b)
        self.hash_r = prf(self.skeyid, self.gxr + self.gxi + self.rcky + self.icky + self.sai_b + self.idir_b)
        m5, last = self.encrypt_msg([(P_ID, self.idii_b), (P_HASH, self.hash_i)], X_MAIN, 0, self.iv)
        self.msgs.append((True, m5))
        m6, last = self.encrypt_msg([(P_ID, self.idir_b), (P_HASH, self.hash_r)], X_MAIN, 0, last)
        self.msgs.append((False, m6))
        self.p1_last_block = last
        return self.msgs

    # Phase 2 (RFC 2409 appendix B): IV = hash(last phase-1 CBC block | M-ID)
    def phase2_iv(self, msgid):
        return sha1(self.p1_last_block + be32(msgid))[: self.bs]

    def hash_a(self, data):
        return prf(self.skeyid_a, data)


class Phase2Exchange:
    """CBC IV chaining for one phase-2 exchange (per message id) under a Phase1 SA."""

    def __init__(self, p1, msgid, exch):
        self.p1, self.msgid, self.exch = p1, msgid, exch
        self.iv = p1.phase2_iv(msgid)

    def send(self, payloads):
        m, last = self.p1.encrypt_msg(payloads, self.exch, self.msgid, self.iv)
        self.iv = last
        return m


def informational(p1, label, payloads):
    """Encrypted Informational exchange (RFC 2409 5.7): HASH(1) = prf(SKEYID_a, M-ID | N/D)."""
    msgid = rnd_int(label + "/msgid", 4) | 1
    _, body, _ = chain(payloads)
    h = p1.hash_a(be32(msgid) + body)
    ex = Phase2Exchange(p1, msgid, X_INFO)
    return ex.send([(P_HASH, h)] + payloads), msgid


def notify_body(doi, proto, msgtype, spi=b"", data=b""):
    """Notification payload body (RFC 2408 3.14)."""
    return be32(doi) + struct.pack("!BBH", proto, len(spi), msgtype) + spi + data


class QuickMode:
    """Quick Mode (RFC 2409 5.5) without PFS, negotiating one ESP SA pair."""

    def __init__(self, p1, label, transform_id, attrs, id_i, id_r):
        self.p1 = p1
        self.msgid = rnd_int(label + "/msgid", 4) | 0x02000000
        self.ex = Phase2Exchange(p1, self.msgid, X_QUICK)
        self.ni = rnd(label + "/ni", 20)
        self.nr = rnd(label + "/nr", 20)
        self.spi_i = rnd_int(label + "/spi_i", 4) | 0x10000000   # initiator's inbound SPI
        self.spi_r = rnd_int(label + "/spi_r", 4) | 0x10000000   # responder's inbound SPI
        self.tid, self.attrs, self.id_i, self.id_r = transform_id, attrs, id_i, id_r
        self.m = be32(self.msgid)

    def sa_body(self, spi):
        trans = payload(P_NONE, struct.pack("!BBH", 1, self.tid, 0) + self.attrs)
        prop = payload(P_NONE, struct.pack("!BBBB", 1, 3, 4, 1) + be32(spi) + trans)   # PROTO_IPSEC_ESP
        return be32(1) + be32(1) + prop

    def msg1(self):
        pl = [(P_SA, self.sa_body(self.spi_i)), (P_NONCE, self.ni), (P_ID, self.id_i), (P_ID, self.id_r)]
        _, rest, _ = chain(pl)
        self.hash1 = self.p1.hash_a(self.m + rest)                       # HASH(1) = prf(SKEYID_a, M-ID | SA | Ni | IDci | IDcr)
        return self.ex.send([(P_HASH, self.hash1)] + pl)

    def msg2(self):
        pl = [(P_SA, self.sa_body(self.spi_r)), (P_NONCE, self.nr), (P_ID, self.id_i), (P_ID, self.id_r)]
        _, rest, _ = chain(pl)
        self.hash2 = self.p1.hash_a(self.m + self.ni + rest)             # HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr | IDci | IDcr)
        return self.ex.send([(P_HASH, self.hash2)] + pl)

    def msg3(self):
        self.hash3 = self.p1.hash_a(b"\x00" + self.m + self.ni + self.nr)  # HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
        return self.ex.send([(P_HASH, self.hash3)])

    def keymat(self, spi, n):
        """RFC 2409 5.5: KEYMAT = K1 | K2 | ..., K1 = prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b),
        Kn+1 = prf(SKEYID_d, Kn | protocol | SPI | Ni_b | Nr_b)."""
        seed = b"\x03" + be32(spi) + self.ni + self.nr
        k = prf(self.p1.skeyid_d, seed)
        out = k
        while len(out) < n:
            k = prf(self.p1.skeyid_d, k + seed)
            out += k
        return out[:n]
