/* ESP decryption, ICV verification and sequence-number analysis (see esp.h). */
/* The one-shot digest structs (SHA_CTX...) are deprecated in OpenSSL 3 but are
 * the only way to copy a keyed HMAC state without an allocation per packet. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "crypto/esp.h"

#include <openssl/md5.h>
#include <openssl/sha.h>
#include <stddef.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vsa_esp_verdict_name(vsa_esp_verdict v)
{
    switch (v) {
    case VSA_ESP_OK: return "decrypted";
    case VSA_ESP_ICV_BAD: return "ICV failure";
    case VSA_ESP_TRUNCATED: return "truncated";
    case VSA_ESP_BAD_BLOCK: return "ciphertext not a whole number of blocks";
    case VSA_ESP_BAD_TRAILER: return "bad ESP trailer (pad length)";
    case VSA_ESP_UNSUPPORTED: return "unsupported algorithm";
    case VSA_ESP_CRYPTO_ERROR: return "crypto library error";
    }
    return "?";
}

static const EVP_CIPHER *pick_cipher(vsa_enc e, unsigned keylen)
{
    switch (e) {
    case VSA_ENC_DES_CBC: return EVP_des_cbc();
    case VSA_ENC_3DES_CBC: return EVP_des_ede3_cbc();
    case VSA_ENC_AES_CBC:
        return keylen == 16 ? EVP_aes_128_cbc() : keylen == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
    case VSA_ENC_AES_CTR:
        return keylen == 16 ? EVP_aes_128_ctr() : keylen == 24 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();
    case VSA_ENC_AES_GCM:
        return keylen == 16 ? EVP_aes_128_gcm() : keylen == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
    case VSA_ENC_CHACHA20_POLY1305: return EVP_chacha20_poly1305();
    default: return NULL;
    }
}

/* DES lives in OpenSSL 3's legacy provider; loading any provider explicitly
 * drops the implicit default, so load both, once. */
static void load_providers(void)
{
    /* kept in statics: loaded once for the life of the process */
    static bool done;
    static OSSL_PROVIDER *def, *legacy;
    if (done)
        return;
    done = true;
    def = OSSL_PROVIDER_load(NULL, "default");
    legacy = OSSL_PROVIDER_load(NULL, "legacy");
    (void)def;
    (void)legacy;
}

void vsa_crypto_global_init(void)
{
    load_providers();
}

_Static_assert(sizeof(SHA512_CTX) <= 256 && sizeof(SHA256_CTX) <= 256 && sizeof(SHA_CTX) <= 256 &&
                   sizeof(MD5_CTX) <= 256,
               "digest state fits vsa_hmac");

static int hkind(vsa_integ i)
{
    switch (i) {
    case VSA_INTEG_HMAC_MD5_96: return 1;
    case VSA_INTEG_HMAC_SHA1_96: return 2;
    case VSA_INTEG_HMAC_SHA256_96:
    case VSA_INTEG_HMAC_SHA256_128: return 3;
    case VSA_INTEG_HMAC_SHA384_192: return 4;
    case VSA_INTEG_HMAC_SHA512_256: return 5;
    default: return 0;
    }
}

static void h_init(int k, void *c)
{
    switch (k) {
    case 1: MD5_Init(c); break;
    case 2: SHA1_Init(c); break;
    case 3: SHA256_Init(c); break;
    case 4: SHA384_Init(c); break;
    case 5: SHA512_Init(c); break;
    }
}

static void h_update(int k, void *c, const void *p, size_t n)
{
    switch (k) {
    case 1: MD5_Update(c, p, n); break;
    case 2: SHA1_Update(c, p, n); break;
    case 3: SHA256_Update(c, p, n); break;
    case 4: SHA384_Update(c, p, n); break;
    case 5: SHA512_Update(c, p, n); break;
    }
}

static void h_final(int k, void *c, uint8_t *out)
{
    switch (k) {
    case 1: MD5_Final(out, c); break;
    case 2: SHA1_Final(out, c); break;
    case 3: SHA256_Final(out, c); break;
    case 4: SHA384_Final(out, c); break;
    case 5: SHA512_Final(out, c); break;
    }
}

static const unsigned h_block[] = {0, 64, 64, 64, 128, 128};
static const unsigned h_out[] = {0, 16, 20, 32, 48, 64};

/* RFC 2104: absorb K ^ ipad and K ^ opad once. */
static void hmac_key(vsa_hmac *h, int kind, const uint8_t *key, size_t klen)
{
    uint8_t k[128] = {0}, pad[128];
    unsigned bl = h_block[kind];
    h->kind = kind;
    h->out_len = h_out[kind];
    if (klen > bl) {
        _Alignas(16) uint8_t c[256];
        h_init(kind, c);
        h_update(kind, c, key, klen);
        h_final(kind, c, k);
    } else {
        memcpy(k, key, klen);
    }
    for (unsigned i = 0; i < bl; i++)
        pad[i] = k[i] ^ 0x36;
    h_init(kind, h->inner);
    h_update(kind, h->inner, pad, bl);
    for (unsigned i = 0; i < bl; i++)
        pad[i] = k[i] ^ 0x5c;
    h_init(kind, h->outer);
    h_update(kind, h->outer, pad, bl);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(pad, sizeof pad);
}

static void hmac_run(const vsa_hmac *h, const uint8_t *p, size_t n, const uint8_t *tail,
                     size_t tn, uint8_t *out)
{
    _Alignas(16) uint8_t c[256];
    uint8_t in[64];
    memcpy(c, h->inner, sizeof c);
    h_update(h->kind, c, p, n);
    if (tn)
        h_update(h->kind, c, tail, tn);
    h_final(h->kind, c, in);
    memcpy(c, h->outer, sizeof c);
    h_update(h->kind, c, in, h->out_len);
    h_final(h->kind, c, out);
}

static int init_fail(vsa_esp_ctx *x, const char *msg)
{
    snprintf(x->error, sizeof x->error, "%s", msg);
    return -1;
}

int vsa_esp_ctx_init(vsa_esp_ctx *x, const vsa_esp_sa *sa)
{
    memset(x, 0, sizeof *x);
    load_providers();
    x->sa = sa;
    x->scratch_cap = 2 * (65536 + 64); /* two halves: message copy, CBC-MAC output */
    x->scratch = malloc(x->scratch_cap);
    if (!x->scratch)
        return init_fail(x, "out of memory");
    if (sa->enc == VSA_ENC_UNSUPPORTED || sa->enc == VSA_ENC_AES_CCM)
        return init_fail(x, "encryption algorithm not supported for ESP");
    if (sa->integ == VSA_INTEG_UNSUPPORTED)
        return init_fail(x, "integrity algorithm not supported");
    x->aead = vsa_enc_is_aead(sa->enc);
    x->icv_len = sa->icv_len;
    if (sa->enc != VSA_ENC_NULL) {
        unsigned keylen = sa->enc_key_len;
        if (sa->enc == VSA_ENC_AES_CTR || sa->enc == VSA_ENC_AES_GCM ||
            sa->enc == VSA_ENC_CHACHA20_POLY1305) {
            keylen -= 4;
            memcpy(x->salt, sa->enc_key + keylen, 4);
        }
        const EVP_CIPHER *c = pick_cipher(sa->enc, keylen);
        if (!c)
            return init_fail(x, "no such cipher");
        EVP_CIPHER_CTX *cc = EVP_CIPHER_CTX_new();
        if (!cc)
            return init_fail(x, "out of memory");
        x->cipher = cc;
        if (EVP_DecryptInit_ex(cc, c, NULL, sa->enc_key, NULL) != 1)
            return init_fail(x, "cipher rejected the key");
        /* padding only means something for the block modes; on OpenSSL 3.0
         * setting it also makes every later re-IV re-apply it (a parameter
         * round trip per packet), so leave the stream and AEAD modes alone */
        if (sa->enc == VSA_ENC_DES_CBC || sa->enc == VSA_ENC_3DES_CBC || sa->enc == VSA_ENC_AES_CBC)
            EVP_CIPHER_CTX_set_padding(cc, 0);
        /* GCM: the salt is the fixed field of the nonce, set once; per packet
         * only the 8-byte explicit IV and the tag are passed (gcm_set_iv_tag) */
        if (sa->enc == VSA_ENC_AES_GCM &&
            EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_GCM_SET_IV_FIXED, 4, x->salt) != 1)
            return init_fail(x, "cipher rejected the GCM salt");
        switch (sa->enc) {
        case VSA_ENC_DES_CBC:
        case VSA_ENC_3DES_CBC: x->iv_len = x->block = 8; break;
        case VSA_ENC_AES_CBC: x->iv_len = x->block = 16; break;
        default: x->iv_len = 8; x->block = 1; break;
        }
    } else {
        x->block = 1;
    }
    int hk = hkind(sa->integ);
    if (hk) {
        hmac_key(&x->hmac, hk, sa->auth_key, sa->auth_key_len);
        x->mac_out_len = x->hmac.out_len;
    } else if (sa->integ == VSA_INTEG_AES_XCBC_96) {
        /* RFC 3566 sec. 4: K1 = E(K, 0x01..), K2 = E(K, 0x02..), K3 = E(K, 0x03..) */
        uint8_t in[48], out[48 + 16];
        memset(in, 1, 16);
        memset(in + 16, 2, 16);
        memset(in + 32, 3, 16);
        EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new();
        int ol = 0;
        if (!e || EVP_EncryptInit_ex(e, EVP_aes_128_ecb(), NULL, sa->auth_key, NULL) != 1) {
            EVP_CIPHER_CTX_free(e);
            return init_fail(x, "AES-XCBC key setup failed");
        }
        EVP_CIPHER_CTX_set_padding(e, 0);
        EVP_EncryptUpdate(e, out, &ol, in, 48);
        EVP_CIPHER_CTX_free(e);
        memcpy(x->xk2, out + 16, 16);
        memcpy(x->xk3, out + 32, 16);
        EVP_CIPHER_CTX *k1 = EVP_CIPHER_CTX_new();
        if (!k1)
            return init_fail(x, "out of memory");
        x->xcbc = k1;
        if (EVP_EncryptInit_ex(k1, EVP_aes_128_cbc(), NULL, out, NULL) != 1)
            return init_fail(x, "AES-XCBC key setup failed");
        EVP_CIPHER_CTX_set_padding(k1, 0);
        OPENSSL_cleanse(out, sizeof out);
    }
    return 0;
}

void vsa_esp_ctx_free(vsa_esp_ctx *x)
{
    EVP_CIPHER_CTX_free(x->cipher);
    EVP_CIPHER_CTX_free(x->xcbc);
    if (x->scratch) {
        OPENSSL_cleanse(x->scratch, x->scratch_cap);
        free(x->scratch);
    }
    OPENSSL_cleanse(x, sizeof *x);
}

/* AES-XCBC-MAC (RFC 3566) of a contiguous message, full 16-byte result:
 * CBC-MAC under K1 with the last block XORed with K2 (complete) or padded
 * with 10* and XORed with K3. */
static int xcbc_mac(vsa_esp_ctx *x, const uint8_t *m, size_t n, uint8_t mac[16])
{
    static const uint8_t zero[16];
    size_t full = n ? (n - 1) / 16 : 0; /* blocks before the last */
    size_t last = n - full * 16;
    size_t half = x->scratch_cap / 2;
    if (n + 32 > half)
        return -1;
    uint8_t *buf = x->scratch + half;
    uint8_t lb[16];
    if (last == 16) {
        for (int i = 0; i < 16; i++)
            lb[i] = m[full * 16 + (size_t)i] ^ x->xk2[i];
    } else {
        memset(lb, 0, 16);
        memcpy(lb, m + full * 16, last);
        lb[last] = 0x80;
        for (int i = 0; i < 16; i++)
            lb[i] ^= x->xk3[i];
    }
    int ol = 0;
    if (EVP_EncryptInit_ex(x->xcbc, NULL, NULL, NULL, zero) != 1)
        return -1;
    if (full && EVP_EncryptUpdate(x->xcbc, buf, &ol, m, (int)(full * 16)) != 1)
        return -1;
    if (EVP_EncryptUpdate(x->xcbc, buf + full * 16, &ol, lb, 16) != 1)
        return -1;
    memcpy(mac, buf + full * 16, 16);
    return 0;
}

/* Compute the integrity check of esp[0..n) (+ seq_hi with ESN) into mac. */
static int compute_icv(vsa_esp_ctx *x, const uint8_t *esp, size_t n, bool esn, uint32_t seq_hi,
                       uint8_t *mac)
{
    uint8_t hi[4] = {(uint8_t)(seq_hi >> 24), (uint8_t)(seq_hi >> 16), (uint8_t)(seq_hi >> 8),
                     (uint8_t)seq_hi};
    if (x->hmac.kind) {
        hmac_run(&x->hmac, esp, n, hi, esn ? 4 : 0, mac);
        return 0;
    }
    if (x->xcbc) {
        if (!esn)
            return xcbc_mac(x, esp, n, mac);
        /* contiguous copy with the high bits appended, in the first half */
        if (n + 4 + 32 > x->scratch_cap / 2)
            return -1;
        memcpy(x->scratch, esp, n);
        memcpy(x->scratch + n, hi, 4);
        return xcbc_mac(x, x->scratch, n + 4, mac);
    }
    return -1;
}

/* AES-GCM per packet without re-initialising the context: on OpenSSL 3.0 an
 * EVP_DecryptInit with a new nonce costs two provider parameter round trips
 * (IV length, padding) on top of the IV setup. Instead the salt was set once
 * as the fixed nonce field (EVP_CTRL_GCM_SET_IV_FIXED) and here one parameter
 * call sets the invocation field (the ESP IV, which re-IVs the GCM state, as
 * EVP_CTRL_GCM_SET_IV_INV does) together with the expected tag. */
static int gcm_set_iv_tag(EVP_CIPHER_CTX *c, const uint8_t *iv, const uint8_t *tag, size_t tag_len)
{
    OSSL_PARAM p[3];
    p[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_SET_IV_INV, (void *)iv, 8);
    p[1] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, (void *)tag, tag_len);
    p[2] = OSSL_PARAM_construct_end();
    return EVP_CIPHER_CTX_set_params(c, p);
}

static vsa_esp_verdict finish(vsa_esp_result *r, vsa_esp_verdict v)
{
    r->verdict = v;
    return v;
}

vsa_esp_verdict vsa_esp_decrypt(vsa_esp_ctx *x, const uint8_t *esp, size_t len, uint32_t seq_hi,
                                uint8_t *out, size_t out_cap, vsa_esp_result *r)
{
    memset(r, 0, sizeof *r);
    const vsa_esp_sa *sa = x->sa;
    if (len >= 8) {
        r->spi = (uint32_t)esp[0] << 24 | (uint32_t)esp[1] << 16 | (uint32_t)esp[2] << 8 | esp[3];
        r->seq = (uint32_t)esp[4] << 24 | (uint32_t)esp[5] << 16 | (uint32_t)esp[6] << 8 | esp[7];
    }
    r->iv_len = x->iv_len;
    r->icv_len = x->icv_len;
    if (!x->cipher && sa->enc != VSA_ENC_NULL)
        return finish(r, VSA_ESP_UNSUPPORTED);
    if (len < 8 + x->iv_len + x->icv_len + 2)
        return finish(r, VSA_ESP_TRUNCATED);
    size_t ct_off = 8 + x->iv_len;
    size_t ct_len = len - ct_off - x->icv_len;
    if (x->block > 1 && ct_len % x->block)
        return finish(r, VSA_ESP_BAD_BLOCK);
    if (out_cap < x->iv_len + ct_len)
        return finish(r, VSA_ESP_CRYPTO_ERROR);
    const uint8_t *iv = esp + 8;
    const uint8_t *ct = esp + ct_off;
    const uint8_t *icv = esp + len - x->icv_len;

    /* integrity first (encrypt-then-MAC): a bad ICV is not decrypted */
    if (!x->aead && (x->hmac.kind || x->xcbc)) {
        uint8_t mac[64];
        if (compute_icv(x, esp, len - x->icv_len, sa->esn, seq_hi, mac) < 0)
            return finish(r, VSA_ESP_CRYPTO_ERROR);
        r->icv_checked = true;
        if (CRYPTO_memcmp(mac, icv, x->icv_len) != 0)
            return finish(r, VSA_ESP_ICV_BAD);
    }

    int ol = 0, fl = 0;
    size_t pt_off = 0; /* where the plaintext starts in out */
    EVP_CIPHER_CTX *c = x->cipher;
    switch (sa->enc) {
    case VSA_ENC_NULL:
        memcpy(out, ct, ct_len);
        break;
    case VSA_ENC_DES_CBC:
    case VSA_ENC_3DES_CBC:
    case VSA_ENC_AES_CBC:
        /* No re-initialisation per packet: decrypting IV | ciphertext as a
         * continuation of the previous packet's chain gives one garbage
         * block (discarded) and then exactly this packet's plaintext, since
         * CBC decryption of a block only needs the block before it. */
        (void)iv;
        if (EVP_DecryptUpdate(c, out, &ol, esp + 8, (int)(x->iv_len + ct_len)) != 1 ||
            (size_t)ol != x->iv_len + ct_len)
            return finish(r, VSA_ESP_CRYPTO_ERROR);
        pt_off = x->iv_len;
        break;
    case VSA_ENC_AES_CTR: {
        uint8_t cb[16];
        memcpy(cb, x->salt, 4);
        memcpy(cb + 4, iv, 8);
        cb[12] = cb[13] = cb[14] = 0;
        cb[15] = 1;
        if (EVP_DecryptInit_ex2(c, NULL, NULL, cb, NULL) != 1 ||
            EVP_DecryptUpdate(c, out, &ol, ct, (int)ct_len) != 1)
            return finish(r, VSA_ESP_CRYPTO_ERROR);
        break;
    }
    case VSA_ENC_AES_GCM:
    case VSA_ENC_CHACHA20_POLY1305: {
        uint8_t nonce[12], aad[12];
        size_t aad_len;
        memcpy(nonce, x->salt, 4);
        memcpy(nonce + 4, iv, 8);
        memcpy(aad, esp, 4);
        if (sa->esn) {
            aad[4] = (uint8_t)(seq_hi >> 24);
            aad[5] = (uint8_t)(seq_hi >> 16);
            aad[6] = (uint8_t)(seq_hi >> 8);
            aad[7] = (uint8_t)seq_hi;
            memcpy(aad + 8, esp + 4, 4);
            aad_len = 12;
        } else {
            memcpy(aad + 4, esp + 4, 4);
            aad_len = 8;
        }
        int al = 0;
        if (sa->enc == VSA_ENC_AES_GCM) {
            if (gcm_set_iv_tag(c, iv, icv, x->icv_len) != 1 ||
                EVP_DecryptUpdate(c, NULL, &al, aad, (int)aad_len) != 1 ||
                EVP_DecryptUpdate(c, out, &ol, ct, (int)ct_len) != 1)
                return finish(r, VSA_ESP_CRYPTO_ERROR);
        } else if (EVP_DecryptInit_ex2(c, NULL, NULL, nonce, NULL) != 1 ||
                   EVP_DecryptUpdate(c, NULL, &al, aad, (int)aad_len) != 1 ||
                   EVP_DecryptUpdate(c, out, &ol, ct, (int)ct_len) != 1 ||
                   EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)x->icv_len, (void *)icv) != 1) {
            return finish(r, VSA_ESP_CRYPTO_ERROR);
        }
        r->icv_checked = true;
        if (EVP_DecryptFinal_ex(c, out + ol, &fl) != 1)
            return finish(r, VSA_ESP_ICV_BAD);
        break;
    }
    default:
        return finish(r, VSA_ESP_UNSUPPORTED);
    }
    /* trailer: ... | pad (1, 2, 3 ...) | pad length | next header */
    out += pt_off;
    r->inner_off = pt_off;
    uint8_t pad_len = out[ct_len - 2];
    r->next_header = out[ct_len - 1];
    r->pad_len = pad_len;
    if ((size_t)pad_len + 2 > ct_len)
        return finish(r, VSA_ESP_BAD_TRAILER);
    r->inner_len = ct_len - 2 - pad_len;
    r->pad_ok = true;
    for (unsigned i = 0; i < pad_len; i++)
        if (out[r->inner_len + i] != (uint8_t)(i + 1)) {
            r->pad_ok = false;
            break;
        }
    return finish(r, VSA_ESP_OK);
}

/* ------------------------------------------------------------------ */

const char *vsa_seq_event_name(vsa_seq_event e)
{
    switch (e) {
    case VSA_SEQ_FIRST: return "first";
    case VSA_SEQ_IN_ORDER: return "in order";
    case VSA_SEQ_GAP: return "gap";
    case VSA_SEQ_REORDERED: return "reordered";
    case VSA_SEQ_DUPLICATE: return "duplicate";
    case VSA_SEQ_TOO_OLD: return "too old";
    }
    return "?";
}

uint32_t vsa_replay_guess_hi(const vsa_replay *r, uint32_t seq, bool esn)
{
    if (!esn || !r->started)
        return 0;
    const uint32_t W = VSA_REPLAY_WINDOW;
    uint32_t tl = (uint32_t)r->top, th = (uint32_t)(r->top >> 32);
    if (tl >= W - 1) {
        /* window inside one sub-space */
        return seq >= tl - W + 1 ? th : th + 1;
    }
    /* window spans two sub-spaces */
    return seq >= tl - W + 1 ? th - 1 : th;
}

vsa_seq_event vsa_replay_update(vsa_replay *r, uint64_t seq, uint64_t *missing)
{
    if (missing)
        *missing = 0;
    if (!r->started) {
        r->started = true;
        r->top = seq;
        r->bitmap = 1;
        return VSA_SEQ_FIRST;
    }
    if (seq > r->top) {
        uint64_t d = seq - r->top;
        r->bitmap = d >= 64 ? 1 : (r->bitmap << d) | 1;
        r->top = seq;
        if (d == 1) {
            r->n_in_order++;
            return VSA_SEQ_IN_ORDER;
        }
        r->n_gaps++;
        r->n_missing += d - 1;
        if (missing)
            *missing = d - 1;
        return VSA_SEQ_GAP;
    }
    uint64_t back = r->top - seq;
    if (back >= VSA_REPLAY_WINDOW) {
        r->n_too_old++;
        return VSA_SEQ_TOO_OLD;
    }
    if (r->bitmap & (1ull << back)) {
        r->n_duplicates++;
        return VSA_SEQ_DUPLICATE;
    }
    r->bitmap |= 1ull << back;
    r->n_reordered++;
    if (r->n_missing)
        r->n_missing--; /* a late packet fills a hole counted as missing */
    return VSA_SEQ_REORDERED;
}
