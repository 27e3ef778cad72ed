"""RFC 2409 computations for the oracle tests, written from the RFC independently of the generator:
SKEYID chain for pre-shared keys (5), key expansion (appendix B), HASH_I/HASH_R (5.4)."""
import hashlib
import hmac

# RFC 2409 6.2 (group 2) and RFC 3526 3 (group 14)
P = {
    2: int("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
           "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
           "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16),
    14: int("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
            "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
            "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
            "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
            "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16),
}


def prf(k, d):
    return hmac.new(k, d, hashlib.sha1).digest()


def derive(psk, ni, nr, gxi, gxr, xi, group, icky, rcky, keylen):
    """Returns dict with skeyid, skeyid_d/a/e, enc_key; checks g^xi against the private value."""
    p = P[group]
    glen = len(gxi)
    assert pow(2, xi, p).to_bytes(glen, "big") == gxi, "g^xi does not match the private value"
    gxy = pow(int.from_bytes(gxr, "big"), xi, p).to_bytes(glen, "big")
    c = icky + rcky
    s = prf(psk, ni + nr)
    d = prf(s, gxy + c + b"\x00")
    a = prf(s, d + gxy + c + b"\x01")
    e = prf(s, a + gxy + c + b"\x02")
    k = e
    if len(k) < keylen:
        k1 = prf(e, b"\x00")
        k = k1
        while len(k) < keylen:
            k1 = prf(e, k1)
            k += k1
    return {"skeyid": s, "skeyid_d": d, "skeyid_a": a, "skeyid_e": e, "enc_key": k[:keylen], "gxy": gxy}
