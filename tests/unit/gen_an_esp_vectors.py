#!/usr/bin/python3
"""Generate ESP test vectors with an independent implementation (python3-cryptography),
for tests/unit/test_an_crypto.c. Deterministic. Run with Debian's /usr/bin/python3:

    /usr/bin/python3 tests/unit/gen_an_esp_vectors.py > tests/unit/an_esp_vectors.inc

Every ESP packet is built from the RFCs (4303 trailer and ICV, 2451/3602 CBC, 3686 CTR,
4106 GCM, 7634 ChaCha20-Poly1305, 2404/2403/4868 HMAC, 3566 AES-XCBC-MAC-96), not from
vpnscope's code.
"""
import hashlib
import hmac
import random
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

try:  # TripleDES moved to "decrepit" in newer releases
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    TripleDES = algorithms.TripleDES

rng = random.Random(20261129)


def rb(n):
    return bytes(rng.randrange(256) for _ in range(n))


def ecb(key, data):
    e = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return e.update(data) + e.finalize()


def xcbc(key, msg):
    """RFC 3566 section 4."""
    k1 = ecb(key, b"\x01" * 16)
    k2 = ecb(key, b"\x02" * 16)
    k3 = ecb(key, b"\x03" * 16)
    blocks = [msg[i:i + 16] for i in range(0, len(msg), 16)] or [b""]
    e = bytes(16)
    for b in blocks[:-1]:
        e = ecb(k1, bytes(x ^ y for x, y in zip(b, e)))
    last = blocks[-1]
    if len(last) == 16:
        m = bytes(x ^ y ^ z for x, y, z in zip(last, e, k2))
    else:
        p = last + b"\x80" + bytes(15 - len(last))
        m = bytes(x ^ y ^ z for x, y, z in zip(p, e, k3))
    return ecb(k1, m)


# RFC 3566 section 4.6 test cases check the Python XCBC first.
_k = bytes(range(16))
assert xcbc(_k, b"").hex() == "75f0251d528ac01c4573dfd584d79f29"
assert xcbc(_k, bytes(range(3))).hex() == "5b376580ae2f19afe7219ceef172756f"
assert xcbc(_k, bytes(range(16))).hex() == "d2a246fa349b68a79998a4394ff7a263"

ENCS = {
    # name: (C enum, key bytes incl. salt, block for padding, iv len)
    "null": ("VSA_ENC_NULL", 0, 4, 0),
    "des": ("VSA_ENC_DES_CBC", 8, 8, 8),
    "3des": ("VSA_ENC_3DES_CBC", 24, 8, 8),
    "aes128cbc": ("VSA_ENC_AES_CBC", 16, 16, 16),
    "aes192cbc": ("VSA_ENC_AES_CBC", 24, 16, 16),
    "aes256cbc": ("VSA_ENC_AES_CBC", 32, 16, 16),
    "aes128ctr": ("VSA_ENC_AES_CTR", 20, 4, 8),
    "aes192ctr": ("VSA_ENC_AES_CTR", 28, 4, 8),
    "aes256ctr": ("VSA_ENC_AES_CTR", 36, 4, 8),
    "aes128gcm8": ("VSA_ENC_AES_GCM", 20, 4, 8),
    "aes128gcm12": ("VSA_ENC_AES_GCM", 20, 4, 8),
    "aes128gcm16": ("VSA_ENC_AES_GCM", 20, 4, 8),
    "aes192gcm16": ("VSA_ENC_AES_GCM", 28, 4, 8),
    "aes256gcm16": ("VSA_ENC_AES_GCM", 36, 4, 8),
    "chacha20poly1305": ("VSA_ENC_CHACHA20_POLY1305", 36, 4, 8),
}
INTEGS = {
    "none": ("VSA_INTEG_NONE", 0, 0, None),
    "md5_96": ("VSA_INTEG_HMAC_MD5_96", 16, 12, hashlib.md5),
    "sha1_96": ("VSA_INTEG_HMAC_SHA1_96", 20, 12, hashlib.sha1),
    "sha256_128": ("VSA_INTEG_HMAC_SHA256_128", 32, 16, hashlib.sha256),
    "sha384_192": ("VSA_INTEG_HMAC_SHA384_192", 48, 24, hashlib.sha384),
    "sha512_256": ("VSA_INTEG_HMAC_SHA512_256", 64, 32, hashlib.sha512),
    "xcbc_96": ("VSA_INTEG_AES_XCBC_96", 16, 12, "xcbc"),
}


def encrypt(enc, key, iv, pt):
    if enc == "null":
        return pt
    if enc == "des":
        # single DES = 3DES with K1=K2=K3 (EDE collapses to E)
        c = Cipher(TripleDES(key * 3), modes.CBC(iv)).encryptor()
        return c.update(pt) + c.finalize()
    if enc == "3des":
        c = Cipher(TripleDES(key), modes.CBC(iv)).encryptor()
        return c.update(pt) + c.finalize()
    if enc.endswith("cbc"):
        c = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        return c.update(pt) + c.finalize()
    if "ctr" in enc:
        k, salt = key[:-4], key[-4:]
        c = Cipher(algorithms.AES(k), modes.CTR(salt + iv + b"\x00\x00\x00\x01")).encryptor()
        return c.update(pt) + c.finalize()
    raise ValueError(enc)


def make(enc, integ, esn=False, seq=1, seq_hi=0, inner_len=37, spi=0x1000AB01):
    cenum, klen, block, ivlen = ENCS[enc]
    ienum, alen, icvlen, hfn = INTEGS[integ]
    key = rb(klen)
    akey = rb(alen)
    iv = rb(ivlen)
    inner = bytes([0x45]) + rb(inner_len - 1)
    nh = 4
    padn = (-(inner_len + 2)) % block
    pt = inner + bytes(range(1, padn + 1)) + bytes([padn, nh])
    hdr = struct.pack(">II", spi, seq)
    aead = "gcm" in enc or "chacha" in enc
    if aead:
        icvlen = int(enc.rsplit("gcm", 1)[1]) if "gcm" in enc else 16
        aad = hdr[:4] + (struct.pack(">I", seq_hi) if esn else b"") + hdr[4:]
        nonce = key[-4:] + iv
        if "gcm" in enc:
            # cryptography's AESGCM always gives a 16-byte tag; a shorter ICV is its prefix
            ct = AESGCM(key[:-4]).encrypt(nonce, pt, aad)
            body, tag = ct[:-16], ct[-16:][:icvlen]
        else:
            ct = ChaCha20Poly1305(key[:-4]).encrypt(nonce, pt, aad)
            body, tag = ct[:-16], ct[-16:]
        pkt = hdr + iv + body + tag
    else:
        body = encrypt(enc, key, iv, pt)
        pkt = hdr + iv + body
        if hfn is not None:
            m = pkt + (struct.pack(">I", seq_hi) if esn else b"")
            if hfn == "xcbc":
                icv = xcbc(akey, m)[:icvlen]
            else:
                icv = hmac.new(akey, m, hfn).digest()[:icvlen]
            pkt += icv
    return dict(name=f"{enc}_{integ}{'_esn' if esn else ''}", enc=cenum, integ=ienum, icv=icvlen,
                esn=esn, seq_hi=seq_hi, key=key, akey=akey, pkt=pkt, inner=inner, nh=nh, pad=padn)


vectors = []
for enc in ENCS:
    if "gcm" in enc or "chacha" in enc:
        vectors.append(make(enc, "none"))
        continue
    for integ in INTEGS:
        vectors.append(make(enc, integ))
# ESN: the high half enters the ICV / AAD but is not on the wire
vectors.append(make("aes128cbc", "sha1_96", esn=True, seq=5, seq_hi=1))
vectors.append(make("aes128gcm16", "none", esn=True, seq=5, seq_hi=7))
vectors.append(make("chacha20poly1305", "none", esn=True, seq=0xFFFFFFF0, seq_hi=2))
vectors.append(make("aes256cbc", "xcbc_96", esn=True, seq=9, seq_hi=3))
# sizes: empty inner payload and a big one; a full final XCBC block
vectors.append(make("3des", "md5_96", inner_len=1))
vectors.append(make("aes128cbc", "sha256_128", inner_len=1400))
vectors.append(make("null", "xcbc_96", inner_len=6))  # 8 + 6 + 2 = 16: complete last block


def h(b):
    return '"' + b.hex() + '"'


print("/* Generated by tests/unit/gen_an_esp_vectors.py (python3-cryptography); do not edit. */")
print("static const struct an_esp_vector an_esp_vectors[] = {")
for v in vectors:
    print(f'    {{"{v["name"]}", {v["enc"]}, {v["integ"]}, {v["icv"]}, {str(v["esn"]).lower()}, '
          f'{v["seq_hi"]}u,\n     {h(v["key"])},\n     {h(v["akey"])},\n     {h(v["pkt"])},\n'
          f'     {h(v["inner"])}, {v["nh"]}, {v["pad"]}}},')
print("};")
