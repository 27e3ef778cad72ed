/* GETVPN key linking; see gdoi.h. */
#include "crypto/gdoi.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/esp.h"
#include "vpnscope/gdoi.h"

bool vsa_ipsec_transform(uint8_t esp_id, uint16_t auth_alg, uint16_t key_bits, vsa_esp_sa *sa,
                         size_t *enc_len, size_t *auth_len, const char **why)
{
    *why = NULL;
    switch (esp_id) {
    case 2: sa->enc = VSA_ENC_DES_CBC, *enc_len = 8; break;
    case 3: sa->enc = VSA_ENC_3DES_CBC, *enc_len = 24; break;
    case 11: sa->enc = VSA_ENC_NULL, *enc_len = 0; break;
    case 12:
        sa->enc = VSA_ENC_AES_CBC;
        *enc_len = key_bits ? key_bits / 8u : 16;
        break;
    case 13:
        sa->enc = VSA_ENC_AES_CTR;
        *enc_len = (key_bits ? key_bits / 8u : 16) + 4;
        break;
    case 18: case 19: case 20:
        sa->enc = VSA_ENC_AES_GCM;
        *enc_len = (key_bits ? key_bits / 8u : 16) + 4;
        sa->icv_len = esp_id == 18 ? 8 : esp_id == 19 ? 12 : 16;
        break;
    default: *why = "ESP transform not supported"; return false;
    }
    if (sa->enc == VSA_ENC_AES_CBC || sa->enc == VSA_ENC_AES_CTR || sa->enc == VSA_ENC_AES_GCM) {
        size_t kb = sa->enc == VSA_ENC_AES_CBC ? *enc_len : *enc_len - 4;
        if (kb != 16 && kb != 24 && kb != 32) {
            *why = "AES key length not 128, 192 or 256 bits";
            return false;
        }
    }
    if (sa->enc == VSA_ENC_AES_GCM) {
        sa->integ = VSA_INTEG_NONE;
        *auth_len = 0;
        return true;
    }
    switch (auth_alg) {
    case 0: sa->integ = VSA_INTEG_NONE, *auth_len = 0; break;
    case 1: sa->integ = VSA_INTEG_HMAC_MD5_96, *auth_len = 16; break;
    case 2: sa->integ = VSA_INTEG_HMAC_SHA1_96, *auth_len = 20; break;
    case 5: sa->integ = VSA_INTEG_HMAC_SHA256_128, *auth_len = 32; break;
    case 6: sa->integ = VSA_INTEG_HMAC_SHA384_192, *auth_len = 48; break;
    case 7: sa->integ = VSA_INTEG_HMAC_SHA512_256, *auth_len = 64; break;
    case 9: sa->integ = VSA_INTEG_AES_XCBC_96, *auth_len = 16; break;
    default: *why = "ESP authentication algorithm not supported"; return false;
    }
    int icv = vsa_integ_icv_len(sa->integ);
    sa->icv_len = (uint8_t)(icv > 0 ? icv : 0);
    return true;
}

vsa_gdoi_kek *vsa_gdoi_find_kek(vsa_gdoi_group *g, const uint8_t spi[16])
{
    for (unsigned i = 0; i < g->n_kek; i++)
        if (memcmp(g->kek[i].spi, spi, 16) == 0)
            return &g->kek[i];
    return NULL;
}

static vsa_gdoi_kek *kek_get(vsa_gdoi_group *g, const uint8_t spi[16])
{
    vsa_gdoi_kek *k = vsa_gdoi_find_kek(g, spi);
    if (k || g->n_kek == VSA_GDOI_MAX_KEK)
        return k;
    k = &g->kek[g->n_kek++];
    memset(k, 0, sizeof *k);
    memcpy(k->spi, spi, 16);
    return k;
}

static vsa_gdoi_tek *tek_get(vsa_gdoi_group *g, uint32_t spi)
{
    for (unsigned i = 0; i < g->n_tek; i++)
        if (g->tek[i].spi == spi)
            return &g->tek[i];
    if (g->n_tek == VSA_GDOI_MAX_TEK)
        return NULL;
    vsa_gdoi_tek *t = &g->tek[g->n_tek++];
    memset(t, 0, sizeof *t);
    t->spi = spi;
    return t;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool span_in(vs_span s, size_t len)
{
    return s.off <= len && s.len <= len - s.off;
}

/* KEK cipher sizes from its policy. */
static bool kek_sizes(vsa_gdoi_kek *k)
{
    switch (k->alg) {
    case VSA_KEK_ALG_DES: k->block = 8, k->key_len = 8; return true;
    case VSA_KEK_ALG_3DES: k->block = 8, k->key_len = 24; return true;
    case VSA_KEK_ALG_AES:
        k->block = 16;
        k->key_len = k->key_bits ? k->key_bits / 8 : 16;
        return k->key_len == 16 || k->key_len == 24 || k->key_len == 32;
    default: return false;
    }
}

static int tek_complete(vsa_gdoi_tek *t, const char *origin, char *err, size_t errlen)
{
    if (!t->have_policy || !t->have_keys || t->complete)
        return 0;
    vsa_esp_sa *sa = &t->sa;
    memset(sa, 0, sizeof *sa);
    size_t el = 0, al = 0;
    const char *why;
    if (!vsa_ipsec_transform(t->transform, t->auth_alg, t->key_bits, sa, &el, &al, &why)) {
        snprintf(err, errlen, "TEK SPI 0x%08x: %s", t->spi, why);
        return -1;
    }
    if (t->enc_len < el || (al && t->auth_len < al)) {
        snprintf(err, errlen, "TEK SPI 0x%08x: key download holds %zu/%zu key bytes, the transform needs %zu/%zu",
                 t->spi, t->enc_len, t->auth_len, el, al);
        return -1;
    }
    sa->spi = t->spi;
    sa->spi_mask = 0xffffffffu;
    memcpy(sa->enc_key, t->enc_key, el);
    sa->enc_key_len = (uint8_t)el;
    memcpy(sa->auth_key, t->auth_key, al);
    sa->auth_key_len = (uint8_t)al;
    snprintf(sa->origin, sizeof sa->origin, "%s", origin);
    t->complete = t->fresh = true;
    return 1;
}

int vsa_gdoi_absorb(vsa_gdoi_group *g, const vs_isakmp_msg *m, const uint8_t *buf, size_t len,
                    const char *origin, char *err, size_t errlen)
{
    err[0] = '\0';
    bool kek_bad = false;
    /* policy: SA KEK and SA TEK payloads */
    for (unsigned i = 0; i < m->n_payloads; i++) {
        const vs_ike_payload *p = &m->payloads[i];
        if (p->type == VS_IKE_PL_SAK && p->spi_size == 16 && span_in(p->spi, len)) {
            vsa_gdoi_kek *k = kek_get(g, buf + p->spi.off);
            if (!k)
                continue;
            for (unsigned a = 0; a < m->n_attrs; a++) {
                const vs_ike_attr *at = &m->attrs[a];
                if (at->ctx != VS_ACTX_KEK || at->owner != i)
                    continue;
                switch (at->type) {
                case 2: k->alg = (int)at->value; break;
                case 3: k->key_bits = (unsigned)at->value; break;
                case 5: k->sig_hash = (int)at->value; break;
                default: break;
                }
            }
            k->have_policy = true;
        } else if (p->type == VS_IKE_PL_SAT && p->protocol_id == 1 && p->spi_size == 4 &&
                   span_in(p->spi, len)) {
            vsa_gdoi_tek *t = tek_get(g, be32(buf + p->spi.off));
            if (!t || t->complete)
                continue;
            t->transform = (uint8_t)p->value;
            for (unsigned a = 0; a < m->n_attrs; a++) {
                const vs_ike_attr *at = &m->attrs[a];
                if (at->ctx != VS_ACTX_IPSEC || at->owner != i)
                    continue;
                if (at->type == 5)
                    t->auth_alg = (uint16_t)at->value;
                else if (at->type == 6)
                    t->key_bits = (uint16_t)at->value;
            }
            t->have_policy = true;
        }
    }
    /* keys: KD key packets */
    int completed = 0;
    for (unsigned i = 0; i < m->n_keypkts; i++) {
        const vs_gdoi_keypkt *kp = &m->keypkts[i];
        if (!span_in(kp->spi, len))
            continue;
        if (kp->type == VS_GDOI_KD_KEK && kp->spi_size == 16) {
            vsa_gdoi_kek *k = kek_get(g, buf + kp->spi.off);
            if (!k)
                continue;
            for (unsigned a = 0; a < m->n_attrs; a++) {
                const vs_ike_attr *at = &m->attrs[a];
                if (at->ctx != VS_ACTX_KD_KEK || at->owner != i || !span_in(at->value_span, len))
                    continue;
                const uint8_t *v = buf + at->value_span.off;
                size_t n = at->value_span.len;
                if (at->type == 1) { /* KEK_ALGORITHM_KEY = IV | key */
                    if (!kek_sizes(k) || n != k->block + k->key_len) {
                        snprintf(err, errlen,
                                 "KEK_ALGORITHM_KEY of %zu bytes does not fit the KEK algorithm %d "
                                 "(%u-bit key) as IV | key",
                                 n, k->alg, k->key_bits);
                        kek_bad = true;
                        continue;
                    }
                    if (!k->have_key || memcmp(k->iv, v, k->block) ||
                        memcmp(k->key, v + k->block, k->key_len)) {
                        memcpy(k->iv, v, k->block);
                        memcpy(k->key, v + k->block, k->key_len);
                        k->have_key = k->fresh = true;
                        snprintf(k->origin, sizeof k->origin, "%s", origin);
                    }
                } else if (at->type == 2 && n <= sizeof k->pub) { /* SIG_ALGORITHM_KEY */
                    memcpy(k->pub, v, n);
                    k->pub_len = n;
                    const unsigned char *der = k->pub;
                    EVP_PKEY *pk = d2i_PUBKEY(NULL, &der, (long)n);
                    k->pub_bits = pk ? (unsigned)EVP_PKEY_get_bits(pk) : 0;
                    EVP_PKEY_free(pk);
                }
            }
        } else if (kp->type == VS_GDOI_KD_TEK && kp->spi_size == 4) {
            vsa_gdoi_tek *t = tek_get(g, be32(buf + kp->spi.off));
            if (!t || t->complete)
                continue;
            for (unsigned a = 0; a < m->n_attrs; a++) {
                const vs_ike_attr *at = &m->attrs[a];
                if (at->ctx != VS_ACTX_KD_TEK || at->owner != i || !span_in(at->value_span, len))
                    continue;
                size_t n = at->value_span.len;
                if (at->type == 1 && n <= sizeof t->enc_key) {
                    memcpy(t->enc_key, buf + at->value_span.off, n);
                    t->enc_len = n;
                } else if (at->type == 2 && n <= sizeof t->auth_key) {
                    memcpy(t->auth_key, buf + at->value_span.off, n);
                    t->auth_len = n;
                }
            }
            t->have_keys = true;
        }
    }
    int bad = kek_bad;
    for (unsigned i = 0; i < g->n_tek; i++) {
        int c = tek_complete(&g->tek[i], origin, err, errlen);
        if (c < 0) {
            /* unusable: forget the keys (a later key download may retry) and
             * still install the other TEKs of this message */
            g->tek[i].have_keys = false;
            bad = 1;
            continue;
        }
        completed += c;
    }
    return bad ? -1 - completed : completed;
}

int vsa_gdoi_push_decrypt(const vsa_gdoi_kek *k, const uint8_t *ct, size_t len, uint8_t *out)
{
    if (!k->have_key || !k->block || len % k->block)
        return -1;
    const EVP_CIPHER *c = NULL;
    switch (k->alg) {
    case VSA_KEK_ALG_DES: c = EVP_des_cbc(); break;
    case VSA_KEK_ALG_3DES: c = EVP_des_ede3_cbc(); break;
    case VSA_KEK_ALG_AES:
        c = k->key_len == 16 ? EVP_aes_128_cbc() : k->key_len == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
        break;
    default: return -1;
    }
    vsa_crypto_global_init(); /* DES lives in the legacy provider */
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    if (!x)
        return -1;
    int ok = EVP_DecryptInit_ex(x, c, NULL, k->key, k->iv) == 1;
    int n1 = 0, n2 = 0;
    if (ok)
        ok = EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
             EVP_DecryptUpdate(x, out, &n1, ct, (int)len) == 1 &&
             EVP_DecryptFinal_ex(x, out + n1, &n2) == 1;
    EVP_CIPHER_CTX_free(x);
    return ok && (size_t)(n1 + n2) == len ? 0 : -1;
}

const char *vsa_sig_verdict_name(vsa_sig_verdict v)
{
    switch (v) {
    case VSA_SIG_GOOD: return "signature good";
    case VSA_SIG_BAD: return "SIGNATURE BAD";
    case VSA_SIG_NO_KEY: return "signature not checked: no public key";
    case VSA_SIG_UNSUPPORTED: return "signature not checked: unsupported hash or key";
    case VSA_SIG_MISSING: return "no SIG payload";
    }
    return "?";
}

vsa_sig_verdict vsa_gdoi_push_verify(const vsa_gdoi_kek *k, const uint8_t hdr[28],
                                     const uint8_t *plain, size_t len, const vs_isakmp_msg *m)
{
    int si = vs_isakmp_find(m, VS_IKE_PL_SIG, 0);
    if (si < 0)
        return VSA_SIG_MISSING;
    const vs_ike_payload *p = &m->payloads[si];
    if (!span_in(p->span, len) || !span_in(p->data, len))
        return VSA_SIG_MISSING;
    if (!k->pub_len)
        return VSA_SIG_NO_KEY;
    const EVP_MD *md = NULL;
    switch (k->sig_hash) {
    case 1: md = EVP_md5(); break;
    case 2: md = EVP_sha1(); break;
    case 3: md = EVP_sha256(); break;
    case 4: md = EVP_sha384(); break;
    case 5: md = EVP_sha512(); break;
    default: return VSA_SIG_UNSUPPORTED;
    }
    const unsigned char *der = k->pub;
    EVP_PKEY *pk = d2i_PUBKEY(NULL, &der, (long)k->pub_len);
    if (!pk)
        return VSA_SIG_UNSUPPORTED;
    /* "rekey" | HDR with the length of the message up to the end of SIG | payloads before SIG */
    size_t pre = p->span.off, total = 28 + p->span.off + p->span.len;
    uint8_t h[28];
    memcpy(h, hdr, 28);
    h[24] = (uint8_t)(total >> 24), h[25] = (uint8_t)(total >> 16);
    h[26] = (uint8_t)(total >> 8), h[27] = (uint8_t)total;
    vsa_sig_verdict v = VSA_SIG_UNSUPPORTED;
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    if (mc && EVP_DigestVerifyInit(mc, NULL, md, NULL, pk) == 1 &&
        EVP_DigestVerifyUpdate(mc, "rekey", 5) == 1 && EVP_DigestVerifyUpdate(mc, h, 28) == 1 &&
        EVP_DigestVerifyUpdate(mc, plain, pre) == 1) {
        int r = EVP_DigestVerifyFinal(mc, plain + p->data.off, p->data.len);
        v = r == 1 ? VSA_SIG_GOOD : VSA_SIG_BAD;
    }
    EVP_MD_CTX_free(mc);
    EVP_PKEY_free(pk);
    return v;
}
