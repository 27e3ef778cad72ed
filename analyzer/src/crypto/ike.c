/* IKEv1 and IKEv2 decryption (see ike.h). */
#include "crypto/ike.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "crypto/esp.h"

const char *vsa_ike_verdict_name(vsa_ike_verdict v)
{
    switch (v) {
    case VSA_IKE_OK: return "decrypted";
    case VSA_IKE_NO_TRANSFORM: return "negotiated transform not seen";
    case VSA_IKE_NO_KE: return "KE payloads not seen (no phase-1 IV)";
    case VSA_IKE_UNSUPPORTED: return "unsupported algorithm";
    case VSA_IKE_BAD_LENGTH: return "encrypted length not a whole number of blocks";
    case VSA_IKE_ICV_BAD: return "ICV failure";
    case VSA_IKE_CRYPTO_ERROR: return "crypto library error";
    }
    return "?";
}

/* ------------------------------------------------------------------ */
/* IKEv1 */

void vsa_ike1_init(vsa_ike1_state *s, const vsa_ike1_key *key)
{
    memset(s, 0, sizeof *s);
    s->key = key;
}

void vsa_ike1_free(vsa_ike1_state *s)
{
    EVP_CIPHER_CTX_free(s->cipher);
    OPENSSL_cleanse(s, sizeof *s);
}

static const EVP_MD *ike1_md(int hash)
{
    switch (hash) {
    case VSA_IKE1_HASH_MD5: return EVP_md5();
    case VSA_IKE1_HASH_SHA1: return EVP_sha1();
    case VSA_IKE1_HASH_SHA256: return EVP_sha256();
    case VSA_IKE1_HASH_SHA384: return EVP_sha384();
    case VSA_IKE1_HASH_SHA512: return EVP_sha512();
    }
    return NULL;
}

vsa_ike_verdict vsa_ike1_set_transform(vsa_ike1_state *s, int enc, unsigned key_bits, int hash)
{
    vsa_crypto_global_init();
    const EVP_CIPHER *c;
    switch (enc) {
    case VSA_IKE1_ENC_DES: c = EVP_des_cbc(); s->key_bytes = 8; s->block = 8; break;
    case VSA_IKE1_ENC_3DES: c = EVP_des_ede3_cbc(); s->key_bytes = 24; s->block = 8; break;
    case VSA_IKE1_ENC_AES:
        if (key_bits == 0)
            key_bits = 128;
        s->block = 16;
        s->key_bytes = key_bits / 8;
        c = key_bits == 128 ? EVP_aes_128_cbc() : key_bits == 192 ? EVP_aes_192_cbc()
            : key_bits == 256 ? EVP_aes_256_cbc() : NULL;
        break;
    default: return VSA_IKE_UNSUPPORTED;
    }
    if (!c || !ike1_md(hash))
        return VSA_IKE_UNSUPPORTED;
    if (s->key->key_len < s->key_bytes)
        return VSA_IKE_UNSUPPORTED;
    EVP_CIPHER_CTX_free(s->cipher);
    s->cipher = EVP_CIPHER_CTX_new();
    if (!s->cipher || EVP_DecryptInit_ex(s->cipher, c, NULL, s->key->key, NULL) != 1)
        return VSA_IKE_CRYPTO_ERROR;
    EVP_CIPHER_CTX_set_padding(s->cipher, 0);
    s->enc = enc;
    s->hash = hash;
    s->have_transform = true;
    return VSA_IKE_OK;
}

void vsa_ike1_set_ke(vsa_ike1_state *s, bool initiator, const uint8_t *data, size_t len)
{
    if (len > sizeof s->gi)
        len = sizeof s->gi;
    if (initiator) {
        memcpy(s->gi, data, len);
        s->gi_len = len;
    } else {
        memcpy(s->gr, data, len);
        s->gr_len = len;
    }
}

static int hash2(int hash, const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
                 uint8_t *out, unsigned outlen)
{
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned ml = 0;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int ok = m && EVP_DigestInit_ex(m, ike1_md(hash), NULL) == 1 &&
             EVP_DigestUpdate(m, a, an) == 1 && EVP_DigestUpdate(m, b, bn) == 1 &&
             EVP_DigestFinal_ex(m, md, &ml) == 1 && ml >= outlen;
    EVP_MD_CTX_free(m);
    if (!ok)
        return -1;
    memcpy(out, md, outlen);
    return 0;
}

static uint64_t digest(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

vsa_ike_verdict vsa_ike1_decrypt(vsa_ike1_state *s, uint32_t msgid, const uint8_t *ct, size_t len,
                                 uint8_t *out, bool *retrans)
{
    *retrans = false;
    if (!s->have_transform)
        return VSA_IKE_NO_TRANSFORM;
    if (len == 0 || len % s->block)
        return VSA_IKE_BAD_LENGTH;
    if (!s->iv0_ready) {
        if (!s->gi_len || !s->gr_len)
            return VSA_IKE_NO_KE;
        /* RFC 2409 B: IV = hash(g^xi | g^xr), truncated */
        if (hash2(s->hash, s->gi, s->gi_len, s->gr, s->gr_len, s->p1_last, s->block) < 0)
            return VSA_IKE_CRYPTO_ERROR;
        s->iv0_ready = true;
        /* the chain for message ID 0 starts from IV0 */
        s->chain[0].msgid = 0;
        memcpy(s->chain[0].iv, s->p1_last, s->block);
        s->chain[0].used = true;
        s->n_chain = 1;
    }
    uint64_t dg = digest(ct, len);
    uint8_t iv[16];
    for (unsigned i = 0; i < s->n_seen; i++) {
        const vsa_ike1_seen *e = &s->seen[i];
        if (e->msgid == msgid && e->len == len && e->digest == dg) {
            memcpy(iv, e->iv, s->block);
            *retrans = true;
            s->retransmissions++;
            goto decrypt;
        }
    }
    {
        unsigned ci = 0;
        while (ci < s->n_chain && s->chain[ci].msgid != msgid)
            ci++;
        if (ci == s->n_chain) {
            /* a new exchange: IV = hash(last phase-1 block | M) */
            if (ci == VSA_IKE1_MAX_MSGIDS)
                ci = 1 + (unsigned)(msgid % (VSA_IKE1_MAX_MSGIDS - 1)); /* reuse a slot */
            else
                s->n_chain++;
            uint8_t m[4] = {(uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16), (uint8_t)(msgid >> 8),
                            (uint8_t)msgid};
            s->chain[ci].msgid = msgid;
            if (hash2(s->hash, s->p1_last, s->block, m, 4, s->chain[ci].iv, s->block) < 0)
                return VSA_IKE_CRYPTO_ERROR;
        }
        memcpy(iv, s->chain[ci].iv, s->block);
        /* the next message of this exchange chains from our last block */
        memcpy(s->chain[ci].iv, ct + len - s->block, s->block);
        if (msgid == 0)
            memcpy(s->p1_last, ct + len - s->block, s->block);
        vsa_ike1_seen *e = &s->seen[s->seen_next];
        s->seen_next = (s->seen_next + 1) % VSA_IKE1_MAX_SEEN;
        if (s->n_seen < VSA_IKE1_MAX_SEEN)
            s->n_seen++;
        e->msgid = msgid;
        e->digest = dg;
        e->len = len;
        memcpy(e->iv, iv, s->block);
    }
decrypt:;
    int ol = 0;
    if (EVP_DecryptInit_ex(s->cipher, NULL, NULL, NULL, iv) != 1 ||
        EVP_DecryptUpdate(s->cipher, out, &ol, ct, (int)len) != 1)
        return VSA_IKE_CRYPTO_ERROR;
    return VSA_IKE_OK;
}

/* ------------------------------------------------------------------ */
/* IKEv2 */

static const EVP_CIPHER *ike2_cipher(vsa_enc e, unsigned bits)
{
    switch (e) {
    case VSA_ENC_3DES_CBC: return EVP_des_ede3_cbc();
    case VSA_ENC_AES_CBC:
        return bits == 128 ? EVP_aes_128_cbc() : bits == 192 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
    case VSA_ENC_AES_CTR:
        return bits == 128 ? EVP_aes_128_ctr() : bits == 192 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();
    case VSA_ENC_AES_GCM:
        return bits == 128 ? EVP_aes_128_gcm() : bits == 192 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
    case VSA_ENC_AES_CCM:
        return bits == 128 ? EVP_aes_128_ccm() : bits == 192 ? EVP_aes_192_ccm() : EVP_aes_256_ccm();
    case VSA_ENC_CHACHA20_POLY1305:
        return bits == 256 ? EVP_chacha20_poly1305() : NULL;
    default: return NULL;
    }
}

static const char *ike2_md(vsa_integ i)
{
    switch (i) {
    case VSA_INTEG_HMAC_MD5_96: return "MD5";
    case VSA_INTEG_HMAC_SHA1_96: return "SHA1";
    case VSA_INTEG_HMAC_SHA256_96:
    case VSA_INTEG_HMAC_SHA256_128: return "SHA256";
    case VSA_INTEG_HMAC_SHA384_192: return "SHA384";
    case VSA_INTEG_HMAC_SHA512_256: return "SHA512";
    default: return NULL;
    }
}

vsa_ike_verdict vsa_ike2_decrypt(const vsa_ike2_key *k, bool initiator, const uint8_t *msg,
                                 size_t msg_len, size_t sk_off, size_t sk_len, uint8_t *out,
                                 vsa_ike2_result *res)
{
    return vsa_ike2_decrypt_ex(k, initiator, false, msg, msg_len, sk_off, sk_len, out, res);
}

vsa_ike_verdict vsa_ike2_decrypt_ex(const vsa_ike2_key *k, bool initiator, bool skf,
                                    const uint8_t *msg, size_t msg_len, size_t sk_off,
                                    size_t sk_len, uint8_t *out, vsa_ike2_result *res)
{
    vsa_crypto_global_init();
    memset(res, 0, sizeof *res);
    size_t sk_hdr = skf ? 8 : 4; /* SKF adds Fragment Number and Total Fragments */
    if (sk_off > msg_len || sk_len > msg_len - sk_off || sk_len < sk_hdr)
        return VSA_IKE_BAD_LENGTH;
    const uint8_t *ek = initiator ? k->sk_ei : k->sk_er;
    const uint8_t *ak = initiator ? k->sk_ai : k->sk_ar;
    bool aead = vsa_enc_is_aead(k->enc);
    unsigned iv_len, block, salt = 0;
    switch (k->enc) {
    case VSA_ENC_NULL: iv_len = 0; block = 1; break;
    case VSA_ENC_3DES_CBC: iv_len = block = 8; break;
    case VSA_ENC_AES_CBC: iv_len = block = 16; break;
    case VSA_ENC_AES_CTR: iv_len = 8; block = 1; salt = 4; break;
    case VSA_ENC_AES_GCM: iv_len = 8; block = 1; salt = 4; break;
    case VSA_ENC_AES_CCM: iv_len = 8; block = 1; salt = 3; break;
    /* RFC 7634: 32-byte key | 4-byte salt, nonce = salt | 8-byte IV */
    case VSA_ENC_CHACHA20_POLY1305: iv_len = 8; block = 1; salt = 4; break;
    default: return VSA_IKE_UNSUPPORTED;
    }
    int icv = aead ? k->icv_len : vsa_integ_icv_len(k->integ);
    if (k->integ == VSA_INTEG_ANY || k->integ == VSA_INTEG_UNSUPPORTED)
        icv = k->icv_len;
    if (icv < 0)
        return VSA_IKE_UNSUPPORTED;
    size_t body = sk_off + sk_hdr; /* after the SK (SKF) header: the AAD ends here */
    size_t end = sk_off + sk_len;
    if (end - body < iv_len + (size_t)icv + 1)
        return VSA_IKE_BAD_LENGTH;
    const uint8_t *iv = msg + body;
    const uint8_t *ct = iv + iv_len;
    size_t ct_len = end - body - iv_len - (size_t)icv;
    const uint8_t *tag = msg + end - icv;
    if (ct_len % block)
        return VSA_IKE_BAD_LENGTH;
    /* integrity: over the message from the IKE header to the end of the
     * encrypted data (RFC 7296 sec. 3.14) */
    const char *md = ike2_md(k->integ);
    if (!aead && md) {
        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        EVP_MAC_CTX *mc = mac ? EVP_MAC_CTX_new(mac) : NULL;
        EVP_MAC_free(mac);
        OSSL_PARAM params[2] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0),
                                OSSL_PARAM_construct_end()};
        uint8_t m[64];
        size_t ml = 0;
        int ok = mc && EVP_MAC_init(mc, ak, k->sk_a_len, params) == 1 &&
                 EVP_MAC_update(mc, msg, end - (size_t)icv) == 1 &&
                 EVP_MAC_final(mc, m, &ml, sizeof m) == 1;
        EVP_MAC_CTX_free(mc);
        if (!ok)
            return VSA_IKE_CRYPTO_ERROR;
        res->icv_checked = true;
        if (CRYPTO_memcmp(m, tag, (size_t)icv) != 0)
            return VSA_IKE_ICV_BAD;
    }
    if (k->enc == VSA_ENC_NULL) {
        memcpy(out, ct, ct_len);
    } else {
        const EVP_CIPHER *c = ike2_cipher(k->enc, k->enc_key_bits);
        if (!c)
            return VSA_IKE_UNSUPPORTED;
        EVP_CIPHER_CTX *cc = EVP_CIPHER_CTX_new();
        if (!cc)
            return VSA_IKE_CRYPTO_ERROR;
        unsigned kb = k->enc_key_bits / 8;
        uint8_t nonce[16];
        size_t nlen = 0;
        int ol = 0, fl = 0, al = 0;
        vsa_ike_verdict v = VSA_IKE_OK;
        if (k->enc == VSA_ENC_AES_CTR) {
            memcpy(nonce, ek + kb, 4);
            memcpy(nonce + 4, iv, 8);
            nonce[12] = nonce[13] = nonce[14] = 0;
            nonce[15] = 1;
            nlen = 16;
        } else if (salt) {
            memcpy(nonce, ek + kb, salt);
            memcpy(nonce + salt, iv, 8);
            nlen = salt + 8;
        }
        if (EVP_DecryptInit_ex(cc, c, NULL, NULL, NULL) != 1) {
            v = VSA_IKE_CRYPTO_ERROR;
        } else if (aead) {
            int ivl = k->enc == VSA_ENC_AES_CCM ? EVP_CTRL_CCM_SET_IVLEN : EVP_CTRL_AEAD_SET_IVLEN;
            if (EVP_CIPHER_CTX_ctrl(cc, ivl, (int)nlen, NULL) != 1 ||
                (k->enc == VSA_ENC_AES_CCM &&
                 EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_CCM_SET_TAG, icv, (void *)tag) != 1) ||
                EVP_DecryptInit_ex(cc, NULL, NULL, ek, nonce) != 1 ||
                (k->enc == VSA_ENC_AES_CCM &&
                 EVP_DecryptUpdate(cc, NULL, &al, NULL, (int)ct_len) != 1) ||
                EVP_DecryptUpdate(cc, NULL, &al, msg, (int)body) != 1) {
                v = VSA_IKE_CRYPTO_ERROR;
            } else {
                res->icv_checked = true;
                if (k->enc != VSA_ENC_AES_CCM) { /* GCM, ChaCha20-Poly1305 */
                    if (EVP_DecryptUpdate(cc, out, &ol, ct, (int)ct_len) != 1 ||
                        EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_AEAD_SET_TAG, icv, (void *)tag) != 1)
                        v = VSA_IKE_CRYPTO_ERROR;
                    else if (EVP_DecryptFinal_ex(cc, out + ol, &fl) != 1)
                        v = VSA_IKE_ICV_BAD;
                } else if (EVP_DecryptUpdate(cc, out, &ol, ct, (int)ct_len) != 1) {
                    v = VSA_IKE_ICV_BAD; /* CCM verifies in the update */
                }
            }
        } else {
            EVP_CIPHER_CTX_set_padding(cc, 0);
            if (EVP_DecryptInit_ex(cc, NULL, NULL, ek, salt || k->enc == VSA_ENC_AES_CTR ? nonce : iv) != 1 ||
                EVP_DecryptUpdate(cc, out, &ol, ct, (int)ct_len) != 1)
                v = VSA_IKE_CRYPTO_ERROR;
        }
        EVP_CIPHER_CTX_free(cc);
        if (v != VSA_IKE_OK)
            return v;
    }
    /* inner payloads | padding | pad length */
    uint8_t pad = out[ct_len - 1];
    if ((size_t)pad + 1 > ct_len)
        return VSA_IKE_BAD_LENGTH;
    res->pad_len = pad;
    res->inner_off = 0;
    res->inner_len = ct_len - 1 - pad;
    return VSA_IKE_OK;
}

int vsa_ike1_keymat(int hash, const uint8_t *skeyid_d, size_t dlen, const uint8_t *gxy,
                    size_t gxy_len, uint8_t protocol, const uint8_t *spi, size_t spi_len,
                    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
                    uint8_t *out, size_t out_len)
{
    const char *md;
    switch (hash) {
    case VSA_IKE1_HASH_MD5: md = "MD5"; break;
    case VSA_IKE1_HASH_SHA1: md = "SHA1"; break;
    case VSA_IKE1_HASH_SHA256: md = "SHA256"; break;
    case VSA_IKE1_HASH_SHA384: md = "SHA384"; break;
    case VSA_IKE1_HASH_SHA512: md = "SHA512"; break;
    default: return -1;
    }
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!mac)
        return -1;
    OSSL_PARAM params[2] = {OSSL_PARAM_construct_utf8_string("digest", (char *)md, 0),
                            OSSL_PARAM_construct_end()};
    uint8_t prev[EVP_MAX_MD_SIZE];
    size_t prev_len = 0, done = 0;
    int rc = 0;
    while (done < out_len) {
        EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
        size_t n = 0;
        bool ok = c && EVP_MAC_init(c, skeyid_d, dlen, params) == 1 &&
                  (!prev_len || EVP_MAC_update(c, prev, prev_len) == 1) &&
                  (!gxy_len || EVP_MAC_update(c, gxy, gxy_len) == 1) &&
                  EVP_MAC_update(c, &protocol, 1) == 1 && EVP_MAC_update(c, spi, spi_len) == 1 &&
                  EVP_MAC_update(c, ni, ni_len) == 1 && EVP_MAC_update(c, nr, nr_len) == 1 &&
                  EVP_MAC_final(c, prev, &n, sizeof prev) == 1;
        EVP_MAC_CTX_free(c);
        if (!ok || n == 0) {
            rc = -1;
            break;
        }
        prev_len = n;
        size_t take = out_len - done < n ? out_len - done : n;
        memcpy(out + done, prev, take);
        done += take;
    }
    OPENSSL_cleanse(prev, sizeof prev);
    EVP_MAC_free(mac);
    return rc;
}
