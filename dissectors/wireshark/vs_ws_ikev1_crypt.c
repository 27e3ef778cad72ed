/*
 * IKEv1 (and GDOI GROUPKEY-PULL) decryption with Wireshark's own key table
 * format: a UAT on the user's existing "ikev1_decryption_table" file
 * (initiator cookie, encryption key), the same file the built-in ISAKMP
 * dissector reads.
 *
 * RFC 2409 appendix B: phase 1 IV = HASH(g^xi | g^xr) cut to the cipher's
 * block; each phase 1 message continues from the last ciphertext block of
 * the previous one; a phase 2 exchange (Quick Mode, Informational, GDOI
 * pull) starts from HASH(last phase 1 block | M-ID) and chains within its
 * message ID. The cipher and hash come from the responder's phase 1 SA and
 * the KE data from messages 3/4, all from the core's typed results. Byte-
 * identical retransmissions reuse the first decryption and do not advance
 * the chain (tshark 4.0 fails on them). Everything happens on the first pass
 * and is kept per frame; the plaintext goes through the core's
 * vs_ikev1_decode_payloads() / vs_gdoi_decode_payloads() and the generic
 * renderer, like any message.
 */
#include "vs_ws.h"

#if __has_include("vpnscope/ikev1.h")
#include "vpnscope/ikev1.h"

#if __has_include("vpnscope/gdoi.h")
#include "vpnscope/gdoi.h"
#endif

#include <string.h>

#include <epan/dissectors/packet-ipsec.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/uat.h>
#include <gcrypt.h>

/* ---- the key table ---- */
typedef struct key_rec {
    char *icookie; /* bytes (char * as the UAT buffer macros want) */
    guint icookie_len;
    char *key;
    guint key_len;
} key_rec;

static key_rec *key_recs;
static guint n_key_recs;

UAT_BUFFER_CB_DEF(vs_ikev1, icookie, key_rec, icookie, icookie_len)
UAT_BUFFER_CB_DEF(vs_ikev1, key, key_rec, key, key_len)

static void *key_copy(void *dst, const void *src, size_t len _U_)
{
    const key_rec *s = src;
    key_rec *d = dst;
    d->icookie = s->icookie_len ? g_memdup2(s->icookie, s->icookie_len) : NULL;
    d->icookie_len = s->icookie_len;
    d->key = s->key_len ? g_memdup2(s->key, s->key_len) : NULL;
    d->key_len = s->key_len;
    return d;
}

static gboolean key_update(void *r, char **err)
{
    const key_rec *k = r;
    if (k->icookie_len != 8) {
        *err = g_strdup("The initiator cookie must be 8 bytes (16 hex digits)");
        return FALSE;
    }
    if (k->key_len == 0 || k->key_len > 64) {
        *err = g_strdup("The encryption key must be 1 to 64 bytes");
        return FALSE;
    }
    return TRUE;
}

static void key_free(void *r)
{
    key_rec *k = r;
    g_free(k->icookie);
    g_free(k->key);
}

static const key_rec *key_for(const guint8 *icookie)
{
    for (guint i = 0; i < n_key_recs; i++)
        if (key_recs[i].icookie_len == 8 && memcmp(key_recs[i].icookie, icookie, 8) == 0)
            return &key_recs[i];
    return NULL;
}

/* ---- per phase 1 SA state (first pass only) ---- */
typedef struct p2_chain {
    guint8 iv[16];
} p2_chain;

typedef struct ike_sa {
    guint8 icookie[8];
    guint16 encr, hash, key_bits; /* from the responder's phase 1 SA */
    GByteArray *ke_i, *ke_r;
    address init_addr;           /* who sent message 1 */
    guint32 init_port;
    gboolean p1_started;
    guint8 p1_iv[16];            /* CBC state of phase 1 */
    GHashTable *p2;              /* M-ID -> p2_chain */
    GHashTable *seen;            /* ciphertext -> plaintext (retransmissions) */
} ike_sa;

/* GDOI group state learned from decrypted messages (first pass, per file):
 * SA TEK payloads (SPI -> ESP transform) and KEKs (SPI -> algorithm, key
 * length, then the key material from a KD KEK key packet). */
static guint32 tek_spi[32], tek_tf[32];
static guint n_tek;
typedef struct kek {
    guint8 spi[16];
    guint16 alg, key_bits;
    guint8 material[64];
    guint material_len;
} kek;
static kek keks[8];
static guint n_kek;

static kek *kek_for(const guint8 *spi, gboolean create)
{
    for (guint i = 0; i < n_kek; i++)
        if (!memcmp(keks[i].spi, spi, 16))
            return &keks[i];
    if (!create || n_kek == G_N_ELEMENTS(keks))
        return NULL;
    kek *k = &keks[n_kek++];
    memset(k, 0, sizeof *k);
    memcpy(k->spi, spi, 16);
    return k;
}

static wmem_map_t *sas; /* icookie (8 bytes) -> ike_sa, file scope */

typedef struct decrypted {
    guint8 *plain;
    guint len;
    gboolean gdoi;
} decrypted;

static int proto_key = -1; /* p_add_proto_data key owner */

static guint cookie_hash(gconstpointer k)
{
    return wmem_strong_hash(k, 8);
}
static gboolean cookie_eq(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, 8) == 0;
}

static guint bytes_hash(gconstpointer k)
{
    return g_bytes_hash(k);
}

static void init_state(void)
{
    sas = wmem_map_new(wmem_file_scope(), cookie_hash, cookie_eq);
    n_tek = 0;
    n_kek = 0;
}

static void free_sa(gpointer key _U_, gpointer value, gpointer user _U_)
{
    ike_sa *sa = value;
    g_hash_table_destroy(sa->p2);
    g_hash_table_destroy(sa->seen);
    if (sa->ke_i)
        g_byte_array_free(sa->ke_i, TRUE);
    if (sa->ke_r)
        g_byte_array_free(sa->ke_r, TRUE);
}

/* The glib parts of the per-file state (the rest is file scope). */
static void cleanup_state(void)
{
    if (sas)
        wmem_map_foreach(sas, free_sa, NULL);
    sas = NULL;
}

static ike_sa *sa_for(const guint8 *icookie, gboolean create)
{
    ike_sa *sa = wmem_map_lookup(sas, icookie);
    if (!sa && create) {
        sa = wmem_new0(wmem_file_scope(), ike_sa);
        memcpy(sa->icookie, icookie, 8);
        sa->p2 = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
        sa->seen = g_hash_table_new_full(bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
                                         (GDestroyNotify)g_bytes_unref);
        wmem_map_insert(sas, sa->icookie, sa);
    }
    return sa;
}

/* Cipher and hash per the IKEv1 attribute registries. */
static int gcry_cipher_of(const ike_sa *sa, guint *key_len, guint *block)
{
    switch (sa->encr) {
    case 1: *key_len = 8; *block = 8; return GCRY_CIPHER_DES;
    case 5: *key_len = 24; *block = 8; return GCRY_CIPHER_3DES;
    case 7: {
        guint bits = sa->key_bits ? sa->key_bits : 128;
        *key_len = bits / 8;
        *block = 16;
        return bits == 256 ? GCRY_CIPHER_AES256 : bits == 192 ? GCRY_CIPHER_AES192
                                                               : GCRY_CIPHER_AES128;
    }
    default: return 0;
    }
}

static int gcry_md_of(const ike_sa *sa)
{
    switch (sa->hash) {
    case 1: return GCRY_MD_MD5;
    case 2: return GCRY_MD_SHA1;
    case 4: return GCRY_MD_SHA256;
    case 5: return GCRY_MD_SHA384;
    case 6: return GCRY_MD_SHA512;
    default: return 0;
    }
}

/* HASH(a | b) cut to block bytes into out. */
static gboolean hash_iv(int md, const guint8 *a, size_t alen, const guint8 *b, size_t blen,
                        guint block, guint8 *out)
{
    gcry_md_hd_t h;
    if (gcry_md_open(&h, md, 0))
        return FALSE;
    gcry_md_write(h, a, alen);
    gcry_md_write(h, b, blen);
    const guint8 *d = gcry_md_read(h, md);
    gboolean ok = d && gcry_md_get_algo_dlen(md) >= block;
    if (ok)
        memcpy(out, d, block);
    gcry_md_close(h);
    return ok;
}

static guint8 *cbc_decrypt(int algo, const guint8 *key, guint key_len, const guint8 *iv,
                           guint block, const guint8 *ct, guint len)
{
    gcry_cipher_hd_t h;
    if (gcry_cipher_open(&h, algo, GCRY_CIPHER_MODE_CBC, 0))
        return NULL;
    guint8 *pt = wmem_alloc(wmem_file_scope(), len);
    gboolean ok = !gcry_cipher_setkey(h, key, key_len) && !gcry_cipher_setiv(h, iv, block) &&
                  !gcry_cipher_decrypt(h, pt, len, ct, len);
    gcry_cipher_close(h);
    return ok ? pt : NULL;
}

/* Learn what decryption needs from a cleartext message. */
static void learn(packet_info *pinfo, const guint8 *buf, const vs_isakmp_msg *m)
{
    const guint8 *ic = buf + m->hdr.icookie.off;
    gboolean rcookie_zero = TRUE;
    for (guint i = 0; i < m->hdr.rcookie.len; i++)
        rcookie_zero = rcookie_zero && buf[m->hdr.rcookie.off + i] == 0;
    ike_sa *sa = sa_for(ic, TRUE);
    if (rcookie_zero && sa->init_addr.type == AT_NONE) {
        copy_address_wmem(wmem_file_scope(), &sa->init_addr, &pinfo->src);
        sa->init_port = pinfo->srcport;
    }
    gboolean from_init = sa->init_addr.type != AT_NONE && addresses_equal(&sa->init_addr, &pinfo->src) &&
                         sa->init_port == pinfo->srcport;
    /* The responder's SA holds the one transform chosen. */
    if (!rcookie_zero && m->n_transforms > 0 && !from_init) {
        const vs_ike_transform *tr = &m->transforms[0];
        if (tr->encr) {
            sa->encr = tr->encr;
            sa->hash = tr->hash;
            sa->key_bits = tr->key_length;
        }
    }
    for (guint i = 0; i < m->n_payloads; i++) {
        if (m->payloads[i].type != VS_IKE_PL_KE || m->payloads[i].parent != -1)
            continue;
        GByteArray **ke = from_init ? &sa->ke_i : &sa->ke_r;
        if (!*ke) {
            *ke = g_byte_array_new();
            g_byte_array_append(*ke, buf + m->payloads[i].data.off, m->payloads[i].data.len);
        }
    }
}

#if __has_include("vpnscope/gdoi.h")
/* A GROUPKEY-PUSH (RFC 6407 4): encrypted with the KEK whose SPI is the
 * header's two cookies; the KEK_ALGORITHM_KEY material is the IV followed
 * by the key (as Cisco's key servers lay it out). */
static decrypted *decrypt_push(const guint8 *buf, const vs_isakmp_msg *m)
{
    guint8 spi[16];
    if (m->hdr.icookie.len != 8 || m->hdr.rcookie.len != 8)
        return NULL;
    memcpy(spi, buf + m->hdr.icookie.off, 8);
    memcpy(spi + 8, buf + m->hdr.rcookie.off, 8);
    const kek *k = kek_for(spi, FALSE);
    if (!k || !k->material_len)
        return NULL;
    int algo;
    guint key_len, block;
    switch (k->alg) {
    case 1: algo = GCRY_CIPHER_DES, key_len = 8, block = 8; break;
    case 2: algo = GCRY_CIPHER_3DES, key_len = 24, block = 8; break;
    case 3:
        key_len = k->key_bits ? k->key_bits / 8u : 16;
        algo = key_len == 32 ? GCRY_CIPHER_AES256 : key_len == 24 ? GCRY_CIPHER_AES192
                                                                  : GCRY_CIPHER_AES128;
        block = 16;
        break;
    default: return NULL;
    }
    vs_span enc = m->hdr.encrypted;
    if (k->material_len < key_len + block || !enc.len || enc.len % block)
        return NULL;
    guint8 *pt = cbc_decrypt(algo, k->material + block, key_len, k->material, block,
                             buf + enc.off, enc.len);
    if (!pt)
        return NULL;
    decrypted *d = wmem_new0(wmem_file_scope(), decrypted);
    d->plain = pt;
    d->len = enc.len;
    d->gdoi = TRUE;
    return d;
}
#endif

/* Decrypt an encrypted message (first pass). */
static decrypted *decrypt(const guint8 *buf, const vs_isakmp_msg *m, gboolean gdoi)
{
#if __has_include("vpnscope/gdoi.h")
    if (gdoi && m->hdr.exch_type == 33)
        return decrypt_push(buf, m);
#endif
    const guint8 *ic = buf + m->hdr.icookie.off;
    ike_sa *sa = sa_for(ic, FALSE);
    const key_rec *k = key_for(ic);
    if (!sa || !k || !sa->ke_i || !sa->ke_r)
        return NULL;
    guint key_len, block;
    int algo = gcry_cipher_of(sa, &key_len, &block);
    int md = gcry_md_of(sa);
    vs_span enc = m->hdr.encrypted;
    if (!algo || !md || k->key_len < key_len || enc.len == 0 || enc.len % block)
        return NULL;
    const guint8 *ct = buf + enc.off;
    GBytes *ckey = g_bytes_new(ct, enc.len);
    GBytes *prev = g_hash_table_lookup(sa->seen, ckey);
    if (prev) { /* a retransmission: same plaintext, chain not advanced */
        g_bytes_unref(ckey);
        decrypted *d = wmem_new0(wmem_file_scope(), decrypted);
        gsize n;
        const guint8 *p = g_bytes_get_data(prev, &n);
        d->plain = wmem_memdup(wmem_file_scope(), p, n);
        d->len = (guint)n;
        d->gdoi = gdoi;
        return d;
    }
    if (!sa->p1_started) {
        if (!hash_iv(md, sa->ke_i->data, sa->ke_i->len, sa->ke_r->data, sa->ke_r->len, block,
                     sa->p1_iv)) {
            g_bytes_unref(ckey);
            return NULL;
        }
        sa->p1_started = TRUE;
    }
    guint8 iv[16];
    p2_chain *ch = NULL;
    if (m->hdr.msgid == 0) {
        memcpy(iv, sa->p1_iv, block);
    } else {
        ch = g_hash_table_lookup(sa->p2, GUINT_TO_POINTER(m->hdr.msgid));
        if (!ch) {
            guint8 mid[4] = {(guint8)(m->hdr.msgid >> 24), (guint8)(m->hdr.msgid >> 16),
                             (guint8)(m->hdr.msgid >> 8), (guint8)m->hdr.msgid};
            ch = g_new0(p2_chain, 1);
            if (!hash_iv(md, sa->p1_iv, block, mid, 4, block, ch->iv)) {
                g_free(ch);
                g_bytes_unref(ckey);
                return NULL;
            }
            g_hash_table_insert(sa->p2, GUINT_TO_POINTER(m->hdr.msgid), ch);
        }
        memcpy(iv, ch->iv, block);
    }
    guint8 *pt = cbc_decrypt(algo, (const guint8 *)k->key, key_len, iv, block, ct, enc.len);
    if (!pt) {
        g_bytes_unref(ckey);
        return NULL;
    }
    /* Next message of this exchange continues from the last block. */
    memcpy(ch ? ch->iv : sa->p1_iv, ct + enc.len - block, block);
    g_hash_table_insert(sa->seen, ckey, g_bytes_new(pt, enc.len));
    decrypted *d = wmem_new0(wmem_file_scope(), decrypted);
    d->plain = pt;
    d->len = enc.len;
    d->gdoi = gdoi;
    return d;
}

static vs_status dec_payloads(vs_cursor *c, vs_tree *t, void *out, const void *opts)
{
    const decrypted *d = opts;
    vs_isakmp_msg *m = out;
#if __has_include("vpnscope/gdoi.h")
    if (d->gdoi)
        return vs_gdoi_decode_payloads(c, m->hdr.next_payload, 2, t, m);
#endif
    (void)d;
    return vs_ikev1_decode_payloads(c, m->hdr.next_payload, 1, t, m);
}

#if __has_include("vpnscope/gdoi.h")
/* packet-ipsec.c's esp_sa UAT enumerations (Wireshark 4.0). */
enum { ESP_SA_IPV4 = 1, ESP_ENC_3DES_CBC = 1, ESP_ENC_AES_CBC = 2, ESP_AUTH_NULL = 0,
       ESP_AUTH_SHA1_96 = 1, ESP_AUTH_SHA256_128 = 3, ESP_AUTH_MD5_96 = 6 };

static gchar *hex0x(const guint8 *p, guint n)
{
    GString *s = g_string_new("0x");
    for (guint i = 0; i < n; i++)
        g_string_append_printf(s, "%02x", p[i]);
    return g_string_free(s, FALSE);
}

/* TEKs a decrypted GROUPKEY-PULL (or push) downloads become ESP SAs in
 * Wireshark's ESP dissector (esp_sa_record_add_from_dissector), so the
 * group's traffic later in the capture decrypts without an esp_sa file.
 * SPI and ESP transform from the SA TEK payloads (in the tree, in order),
 * keys from the KD TEK key packets (typed result). */
static void offer_teks(const vs_tree *t, const vs_isakmp_msg *m, const guint8 *plain)
{
    /* The SA TEK payloads (GROUPKEY-PULL message 2, or a push) come before
     * the KD that carries their keys (pull message 4): remember them. */
    guint32 spis[16], tfs[16];
    guint n_spi = 0, n_tf = 0;
    for (size_t i = 0; i < t->n_items; i++) {
        if (t->items[i].field == VS_F_GDOI_TEK_SPI && n_spi < 16)
            spis[n_spi++] = (guint32)t->items[i].value;
        if (t->items[i].field == VS_F_GDOI_TEK_TRANSFORM_ESP && n_tf < 16)
            tfs[n_tf++] = (guint32)t->items[i].value;
    }
    for (guint j = 0; j < n_spi && j < n_tf; j++) {
        guint slot = n_tek < G_N_ELEMENTS(tek_spi) ? n_tek++ : G_N_ELEMENTS(tek_spi) - 1;
        tek_spi[slot] = spis[j];
        tek_tf[slot] = tfs[j];
    }
    /* SA KEK: SPI, algorithm and key length (in document order). */
    kek *cur = NULL;
    for (size_t i = 0; i < t->n_items; i++) {
        const vs_item *it = &t->items[i];
        if (it->field == VS_F_GDOI_KEK_SPI && it->span.len == 16)
            cur = kek_for(plain + it->span.off, TRUE);
        else if (cur && it->field == VS_F_GDOI_KEK_ALG)
            cur->alg = (guint16)it->value;
        else if (cur && it->field == VS_F_GDOI_KEK_KEY_LEN)
            cur->key_bits = (guint16)it->value;
    }
    /* KD KEK key packets: the key material (IV, then the key). */
    for (guint k = 0; k < m->n_keypkts; k++) {
        const vs_gdoi_keypkt *kp = &m->keypkts[k];
        if (kp->type != 2 || kp->spi.len != 16)
            continue;
        kek *e = kek_for(plain + kp->spi.off, TRUE);
        for (guint a = 0; e && a < m->n_attrs; a++) {
            const vs_ike_attr *at = &m->attrs[a];
            if (at->ctx == VS_ACTX_KD_KEK && at->owner == k && at->type == 1 &&
                at->value_span.len <= sizeof e->material) {
                memcpy(e->material, plain + at->value_span.off, at->value_span.len);
                e->material_len = at->value_span.len;
            }
        }
    }
    for (guint k = 0; k < m->n_keypkts; k++) {
        const vs_gdoi_keypkt *kp = &m->keypkts[k];
        if (kp->type != 1 || kp->spi.len != 4)
            continue;
        const guint8 *sp = plain + kp->spi.off;
        guint32 spi = (guint32)sp[0] << 24 | (guint32)sp[1] << 16 | (guint32)sp[2] << 8 | sp[3];
        guint32 tf = 0;
        for (guint j = 0; j < n_tek; j++)
            if (tek_spi[j] == spi)
                tf = tek_tf[j];
        vs_span ek = {0, 0}, ik = {0, 0};
        for (guint a = 0; a < m->n_attrs; a++) {
            const vs_ike_attr *at = &m->attrs[a];
            if (at->ctx != VS_ACTX_KD_TEK || at->owner != k)
                continue;
            if (at->type == 1)
                ek = at->value_span;
            else if (at->type == 2)
                ik = at->value_span;
        }
        int enc = tf == 3 ? ESP_ENC_3DES_CBC : tf == 12 ? ESP_ENC_AES_CBC : -1;
        int auth = ik.len == 20 ? ESP_AUTH_SHA1_96 : ik.len == 16 ? ESP_AUTH_MD5_96
                 : ik.len == 32 ? ESP_AUTH_SHA256_128 : ik.len == 0 ? ESP_AUTH_NULL : -1;
        if (enc < 0 || auth < 0 || !ek.len)
            continue;
        gchar *spis_s = g_strdup_printf("0x%08x", spi);
        gchar *eks = hex0x(plain + ek.off, ek.len);
        gchar *iks = ik.len ? hex0x(plain + ik.off, ik.len) : g_strdup("");
        esp_sa_record_add_from_dissector(ESP_SA_IPV4, "*", "*", spis_s, (guint8)enc, eks,
                                         (guint8)auth, iks);
        g_free(spis_s);
        g_free(eks);
        g_free(iks);
    }
}
#endif

void vs_ws_ikev1_after_decode(tvbuff_t *tvb, packet_info *pinfo, proto_tree *root,
                              const guint8 *buf, const vs_isakmp_msg *m, gboolean gdoi)
{
    decrypted *d = p_get_proto_data(wmem_file_scope(), pinfo, proto_key, 0);
    if (!PINFO_FD_VISITED(pinfo) && !d) {
        if (!(m->hdr.flags & VS_IKE_FLAG_E))
            learn(pinfo, buf, m);
        else if ((d = decrypt(buf, m, gdoi)) != NULL)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_key, 0, d);
    }
    if (!d)
        return;
    tvbuff_t *ptvb = tvb_new_child_real_data(tvb, d->plain, d->len, d->len);
    add_new_data_source(pinfo, ptvb, "Decrypted ISAKMP");
    vs_isakmp_msg *m2 = wmem_new0(pinfo->pool, vs_isakmp_msg);
    m2->hdr = m->hdr;
    const vs_tree *t2 = vs_ws_run(ptvb, pinfo, root, dec_payloads, m2, d, NULL);
#if __has_include("vpnscope/gdoi.h")
    if (d->gdoi && !PINFO_FD_VISITED(pinfo))
        offer_teks(t2, m2, d->plain);
#else
    (void)t2;
#endif
}

void vs_ws_ikev1_crypt_register(int proto)
{
    static uat_field_t fields[] = {
        UAT_FLD_BUFFER(vs_ikev1, icookie, "Initiator's COOKIE",
                       "Initiator's cookie (8 bytes, hex)"),
        UAT_FLD_BUFFER(vs_ikev1, key, "Encryption Key", "Phase 1 encryption key (hex)"),
        UAT_END_FIELDS};
    proto_key = proto;
    uat_t *u = uat_new("vpnscope IKEv1 Decryption Table", sizeof(key_rec),
                       "ikev1_decryption_table", TRUE, &key_recs, &n_key_recs,
                       UAT_AFFECTS_DISSECTION, NULL, key_copy, key_update, key_free, NULL, NULL,
                       fields);
    prefs_register_uat_preference(vs_ws_prefs(), "ikev1_decryption_table",
                                  "IKEv1 decryption table",
                                  "Wireshark's own ikev1_decryption_table file (initiator cookie, "
                                  "encryption key): vpnscope reads the same file",
                                  u);
    register_init_routine(init_state);
    register_cleanup_routine(cleanup_state);
}
#endif
