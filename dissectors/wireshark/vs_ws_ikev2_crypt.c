/*
 * IKEv2 decryption from Wireshark's own "ikev2_decryption_table" file
 * (SPIi, SPIr, SK_ei, SK_er, encryption algorithm, SK_ai, SK_ar, integrity
 * algorithm, with Wireshark's algorithm names), the file the built-in
 * ISAKMP dissector reads. RFC 7296 3.14: the SK payload's data is IV |
 * ciphertext | ICV; the initiator's messages use SK_ei, the responder's SK_er.
 * AES-GCM (RFC 5282): 4-byte salt after the key, 8-byte explicit IV, the
 * message up to the IV as associated data. The ICV is verified (RFC 7296
 * 3.14: over the message from the IKE header to the end of the encrypted
 * data) with SK_ai/SK_ar and the table's HMAC (MD5-96, SHA1-96,
 * SHA2-256-128, -384-192, -512-256); AES-GCM's tag by the AEAD. Wireshark's
 * table offers no AES-XCBC, so neither do we.
 * The plaintext payload chain goes through vs_ikev2_decode_payloads().
 */
#include "vs_ws.h"

#if __has_include("vpnscope/ikev2.h")
#include "vpnscope/ikev2.h"

#include <string.h>

#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/uat.h>
#include <gcrypt.h>

typedef struct key2_rec {
    char *spii, *spir, *sk_ei, *sk_er, *sk_ai, *sk_ar;
    guint spii_len, spir_len, sk_ei_len, sk_er_len, sk_ai_len, sk_ar_len;
    char *encr, *integ;
} key2_rec;

static key2_rec *recs;
static guint n_recs;
static int proto_key = -1;

UAT_BUFFER_CB_DEF(vs_ikev2, spii, key2_rec, spii, spii_len)
UAT_BUFFER_CB_DEF(vs_ikev2, spir, key2_rec, spir, spir_len)
UAT_BUFFER_CB_DEF(vs_ikev2, sk_ei, key2_rec, sk_ei, sk_ei_len)
UAT_BUFFER_CB_DEF(vs_ikev2, sk_er, key2_rec, sk_er, sk_er_len)
UAT_BUFFER_CB_DEF(vs_ikev2, sk_ai, key2_rec, sk_ai, sk_ai_len)
UAT_BUFFER_CB_DEF(vs_ikev2, sk_ar, key2_rec, sk_ar, sk_ar_len)
UAT_CSTRING_CB_DEF(vs_ikev2, encr, key2_rec)
UAT_CSTRING_CB_DEF(vs_ikev2, integ, key2_rec)

static char *dup_buf(const char *p, guint n)
{
    return n ? g_memdup2(p, n) : NULL;
}

static void *rec_copy(void *dst, const void *src, size_t len _U_)
{
    const key2_rec *s = src;
    key2_rec *d = dst;
    d->spii = dup_buf(s->spii, s->spii_len), d->spii_len = s->spii_len;
    d->spir = dup_buf(s->spir, s->spir_len), d->spir_len = s->spir_len;
    d->sk_ei = dup_buf(s->sk_ei, s->sk_ei_len), d->sk_ei_len = s->sk_ei_len;
    d->sk_er = dup_buf(s->sk_er, s->sk_er_len), d->sk_er_len = s->sk_er_len;
    d->sk_ai = dup_buf(s->sk_ai, s->sk_ai_len), d->sk_ai_len = s->sk_ai_len;
    d->sk_ar = dup_buf(s->sk_ar, s->sk_ar_len), d->sk_ar_len = s->sk_ar_len;
    d->encr = g_strdup(s->encr);
    d->integ = g_strdup(s->integ);
    return d;
}

static gboolean rec_update(void *r, char **err)
{
    const key2_rec *k = r;
    if (k->spii_len != 8 || k->spir_len != 8) {
        *err = g_strdup("SPIs must be 8 bytes (16 hex digits)");
        return FALSE;
    }
    return TRUE;
}

static void rec_free(void *r)
{
    key2_rec *k = r;
    g_free(k->spii), g_free(k->spir), g_free(k->sk_ei), g_free(k->sk_er);
    g_free(k->sk_ai), g_free(k->sk_ar), g_free(k->encr), g_free(k->integ);
}

/* A cipher named as in Wireshark's table. */
typedef struct cipher {
    int algo, mode;
    guint key_len, iv_len, block, icv; /* icv: AEAD tag length */
    guint salt;
} cipher;

static gboolean cipher_of(const char *name, cipher *c)
{
    memset(c, 0, sizeof *c);
    if (!name)
        return FALSE;
    guint bits = strstr(name, "-256") ? 256 : strstr(name, "-192") ? 192 : 128;
    int aes = bits == 256 ? GCRY_CIPHER_AES256 : bits == 192 ? GCRY_CIPHER_AES192
                                                             : GCRY_CIPHER_AES128;
    if (g_str_has_prefix(name, "AES-CBC-")) {
        *c = (cipher){aes, GCRY_CIPHER_MODE_CBC, bits / 8, 16, 16, 0, 0};
        return TRUE;
    }
    if (g_str_has_prefix(name, "3DES")) {
        *c = (cipher){GCRY_CIPHER_3DES, GCRY_CIPHER_MODE_CBC, 24, 8, 8, 0, 0};
        return TRUE;
    }
    if (g_str_has_prefix(name, "AES-GCM-")) {
        guint icv = strstr(name, "8 octet") ? 8 : strstr(name, "12 octet") ? 12 : 16;
        *c = (cipher){aes, GCRY_CIPHER_MODE_GCM, bits / 8, 8, 1, icv, 4};
        return TRUE;
    }
    return FALSE;
}

static guint integ_icv(const char *name)
{
    if (!name || g_str_has_prefix(name, "NONE"))
        return 0;
    if (strstr(name, "_96"))
        return 12;
    if (strstr(name, "256_128"))
        return 16;
    if (strstr(name, "384_192"))
        return 24;
    if (strstr(name, "512_256"))
        return 32;
    return 0;
}

/* The table's integrity algorithm as a libgcrypt hash for HMAC, or 0. */
static int integ_md(const char *name)
{
    if (!name)
        return 0;
    if (g_str_has_prefix(name, "HMAC_MD5_96"))
        return GCRY_MD_MD5;
    if (g_str_has_prefix(name, "HMAC_SHA1_96"))
        return GCRY_MD_SHA1;
    if (g_str_has_prefix(name, "HMAC_SHA2_256_"))
        return GCRY_MD_SHA256;
    if (g_str_has_prefix(name, "HMAC_SHA2_384_192"))
        return GCRY_MD_SHA384;
    if (g_str_has_prefix(name, "HMAC_SHA2_512_256"))
        return GCRY_MD_SHA512;
    return 0;
}

/* 1 good, 0 bad, -1 not checked (no key, unknown algorithm). */
static int hmac_check(int md, const char *key, guint key_len, const guint8 *msg, guint msg_len,
                      const guint8 *icv, guint icv_len)
{
    gcry_md_hd_t h;
    if (!md || !key || !key_len || icv_len > gcry_md_get_algo_dlen(md))
        return -1;
    if (gcry_md_open(&h, md, GCRY_MD_FLAG_HMAC))
        return -1;
    int r = -1;
    if (!gcry_md_setkey(h, key, key_len)) {
        gcry_md_write(h, msg, msg_len);
        const unsigned char *d = gcry_md_read(h, md);
        r = d && memcmp(d, icv, icv_len) == 0 ? 1 : 0;
    }
    gcry_md_close(h);
    return r;
}

static const key2_rec *rec_for(const guint8 *spii, const guint8 *spir)
{
    for (guint i = 0; i < n_recs; i++)
        if (recs[i].spii_len == 8 && recs[i].spir_len == 8 && !memcmp(recs[i].spii, spii, 8) &&
            !memcmp(recs[i].spir, spir, 8))
            return &recs[i];
    return NULL;
}

typedef struct plain2 {
    guint8 *data;
    guint len;
    int icv_status; /* 1 good, 0 bad, -1 not checked */
    guint icv_off, icv_len; /* the ICV's place in the message buffer */
} plain2;

static plain2 *decrypt2(const guint8 *buf, const vs_ikev2_msg *m)
{
    if (!m->has_sk || m->is_fragment || m->hdr.len < 16)
        return NULL;
    const guint8 *spii = buf + m->hdr.off, *spir = buf + m->hdr.off + 8;
    const key2_rec *k = rec_for(spii, spir);
    cipher c;
    if (!k || !cipher_of(k->encr, &c))
        return NULL;
    const char *key = m->initiator ? k->sk_ei : k->sk_er;
    guint key_len = m->initiator ? k->sk_ei_len : k->sk_er_len;
    guint icv = c.icv ? c.icv : integ_icv(k->integ);
    if (key_len < c.key_len + c.salt || m->sk_data.len < c.iv_len + icv + 1)
        return NULL;
    const guint8 *iv = buf + m->sk_data.off;
    const guint8 *ct = iv + c.iv_len;
    guint ct_len = m->sk_data.len - c.iv_len - icv;
    if (ct_len == 0 || ct_len % c.block)
        return NULL;
    gcry_cipher_hd_t h;
    if (gcry_cipher_open(&h, c.algo, c.mode, 0))
        return NULL;
    guint8 *pt = wmem_alloc(wmem_file_scope(), ct_len);
    gboolean ok = !gcry_cipher_setkey(h, key, c.key_len);
    if (ok && c.mode == GCRY_CIPHER_MODE_GCM) {
        guint8 nonce[12];
        memcpy(nonce, key + c.key_len, 4);
        memcpy(nonce + 4, iv, 8);
        ok = !gcry_cipher_setiv(h, nonce, sizeof nonce) &&
             !gcry_cipher_authenticate(h, buf + m->hdr.off, m->sk_data.off - m->hdr.off);
    } else if (ok) {
        ok = !gcry_cipher_setiv(h, iv, c.iv_len);
    }
    ok = ok && !gcry_cipher_decrypt(h, pt, ct_len, ct, ct_len);
    int icv_status = -1;
    if (ok && c.mode == GCRY_CIPHER_MODE_GCM)
        icv_status = gcry_cipher_checktag(h, ct + ct_len, icv) ? 0 : 1;
    gcry_cipher_close(h);
    if (ok && c.mode != GCRY_CIPHER_MODE_GCM && icv)
        icv_status = hmac_check(integ_md(k->integ), m->initiator ? k->sk_ai : k->sk_ar,
                                m->initiator ? k->sk_ai_len : k->sk_ar_len, buf + m->hdr.off,
                                (guint)(m->sk_data.off + m->sk_data.len - icv - m->hdr.off),
                                ct + ct_len, icv);
    /* Padding: the last byte is the pad length. */
    if (!ok || pt[ct_len - 1] >= ct_len)
        return NULL;
    plain2 *p = wmem_new(wmem_file_scope(), plain2);
    p->data = pt;
    p->len = ct_len - 1 - pt[ct_len - 1];
    p->icv_status = icv_status;
    p->icv_off = (guint)(ct + ct_len - buf);
    p->icv_len = icv;
    return p;
}

static vs_status dec_inner(vs_cursor *cur, vs_tree *t, void *out, const void *opts _U_)
{
    vs_ikev2_msg *m = out;
    return vs_ikev2_decode_payloads(cur, m->sk_first_payload, t, m);
}

void vs_ws_ikev2_after_decode(tvbuff_t *tvb, packet_info *pinfo, proto_tree *root,
                              const guint8 *buf, vs_ikev2_msg *m)
{
    plain2 *p = p_get_proto_data(wmem_file_scope(), pinfo, proto_key, 0);
    if (!PINFO_FD_VISITED(pinfo) && !p && (p = decrypt2(buf, m)) != NULL)
        p_add_proto_data(wmem_file_scope(), pinfo, proto_key, 0, p);
    if (!p)
        return;
    if (p->icv_status >= 0 && root) {
        proto_item *pi = proto_tree_add_uint(root, vs_ws_hf[VS_F_IKEV2_SK_ICV_STATUS], tvb,
                                             (gint)p->icv_off, (gint)p->icv_len,
                                             (guint32)p->icv_status);
        proto_item_set_generated(pi);
        if (p->icv_status == 0)
            expert_add_info(pinfo, pi, &vs_ws_ei[VS_P_IKEV2_SK_ICV_BAD]);
    }
    tvbuff_t *ptvb = tvb_new_child_real_data(tvb, p->data, p->len, p->len);
    add_new_data_source(pinfo, ptvb, "Decrypted IKEv2");
    vs_ws_run(ptvb, pinfo, root, dec_inner, m, NULL, NULL);
}

void vs_ws_ikev2_crypt_register(int proto)
{
    static uat_field_t fields[] = {
        UAT_FLD_BUFFER(vs_ikev2, spii, "Initiator's SPI", "Initiator's SPI (8 bytes, hex)"),
        UAT_FLD_BUFFER(vs_ikev2, spir, "Responder's SPI", "Responder's SPI (8 bytes, hex)"),
        UAT_FLD_BUFFER(vs_ikev2, sk_ei, "SK_ei", "Initiator's encryption key (hex)"),
        UAT_FLD_BUFFER(vs_ikev2, sk_er, "SK_er", "Responder's encryption key (hex)"),
        UAT_FLD_CSTRING(vs_ikev2, encr, "Encryption algorithm",
                        "As Wireshark names it, e.g. AES-CBC-128 [RFC3602]"),
        UAT_FLD_BUFFER(vs_ikev2, sk_ai, "SK_ai", "Initiator's integrity key (hex)"),
        UAT_FLD_BUFFER(vs_ikev2, sk_ar, "SK_ar", "Responder's integrity key (hex)"),
        UAT_FLD_CSTRING(vs_ikev2, integ, "Integrity algorithm",
                        "As Wireshark names it, e.g. HMAC_SHA2_256_128 [RFC4868]"),
        UAT_END_FIELDS};
    proto_key = proto;
    uat_t *u = uat_new("vpnscope IKEv2 Decryption Table", sizeof(key2_rec),
                       "ikev2_decryption_table", TRUE, &recs, &n_recs, UAT_AFFECTS_DISSECTION,
                       NULL, rec_copy, rec_update, rec_free, NULL, NULL, fields);
    prefs_register_uat_preference(vs_ws_prefs(), "ikev2_decryption_table",
                                  "IKEv2 decryption table",
                                  "Wireshark's own ikev2_decryption_table file: vpnscope reads "
                                  "the same file",
                                  u);
}
#endif
