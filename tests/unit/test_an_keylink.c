/* Key linking: GETVPN KEK/TEK extraction, GROUPKEY-PUSH decryption and
 * signature verification against the crafted sample's ground truth
 * (samples/getvpn/all-keys/keys.json, written by the independent generator
 * samples/crafted/, python3-cryptography), and Quick Mode KEYMAT (RFC 2409
 * 5.5) against vectors computed with Python's hmac module:
 *   keymat(h, d, gxy, proto, spi, ni, nr, n): prev = b""; repeat
 *   prev = hmac(d, prev + gxy + proto + spi + ni + nr) until n bytes. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/gdoi.h"
#include "crypto/ike.h"
#include "vpnscope/frame.h"
#include "vpnscope/gdoi.h"
#include "vs_test.h"

static json_t *truth(const char *variant)
{
    json_error_t e;
    json_t *all = json_load_file(VS_SAMPLES_DIR "/getvpn/all-keys/keys.json", 0, &e);
    cr_assert_not_null(all, "keys.json: %s", e.text);
    for (size_t i = 0; i < json_array_size(all); i++) {
        json_t *c = json_array_get(all, i);
        if (strcmp(json_string_value(json_object_get(c, "variant")), variant) == 0) {
            json_incref(c);
            json_decref(all);
            return c;
        }
    }
    cr_assert_fail("variant %s not in keys.json", variant);
    return NULL;
}

static uint8_t *jhex(json_t *o, const char *key, size_t *n)
{
    const char *s = json_string_value(json_object_get(o, key));
    cr_assert_not_null(s, "%s missing", key);
    return vs_hex(s, n);
}

static void assert_bytes(const uint8_t *got, size_t gl, const uint8_t *want, size_t wl, const char *what)
{
    cr_assert_eq(gl, wl, "%s: %zu bytes, want %zu", what, gl, wl);
    cr_assert(memcmp(got, want, wl) == 0, "%s differs", what);
}

/* The ISAKMP message of frame `no` of a sample capture (copied into buf). */
static size_t isakmp_of_frame(const char *cap, int no, uint8_t *buf, size_t cap_len)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(cap, eb);
    cr_assert_not_null(p, "%s: %s", cap, eb);
    struct pcap_pkthdr *h;
    const u_char *d;
    int i = 0;
    size_t n = 0;
    while (pcap_next_ex(p, &h, &d) == 1)
        if (++i == no) {
            vs_frame fr;
            vs_frame_decode(pcap_datalink(p), d, h->caplen, h->len, NULL, &fr);
            cr_assert_eq(fr.app, VS_APP_GDOI, "frame %d is not GDOI", no);
            n = fr.app_span.len;
            cr_assert_leq(n, cap_len);
            memcpy(buf, d + fr.app_span.off, n);
            break;
        }
    pcap_close(p);
    cr_assert_gt(n, 28, "frame %d not found", no);
    return n;
}

static vs_gdoi_msg msg;

static void decode_plain(const uint8_t *pt, size_t n, uint8_t first)
{
    memset(&msg, 0, sizeof msg);
    vs_cursor c;
    vs_cur_init(&c, pt, n, VS_LEN_UNKNOWN);
    cr_assert_eq(vs_gdoi_decode_payloads(&c, first, 2, NULL, &msg), VS_OK);
}

/* learn the KEK from the push plaintext the generator recorded (it carries the
 * same SA KEK and KD KEK packet as the pull) */
static void learn_from_push_plaintext(json_t *t, int which, vsa_gdoi_group *g, uint8_t **pt, size_t *n)
{
    json_t *push = json_array_get(json_object_get(t, "push"), (size_t)which);
    *pt = jhex(push, "plaintext", n);
    decode_plain(*pt, *n, VS_IKE_PL_SEQ);
    char err[200];
    int k = vsa_gdoi_absorb(g, &msg, *pt, *n, "test", err, sizeof err);
    cr_assert_eq(k, 1, "absorb: %d %s", k, err);
}

static void kek_tek_extraction(const char *variant)
{
    json_t *t = truth(variant);
    static vsa_gdoi_group g;
    memset(&g, 0, sizeof g);
    uint8_t *pt;
    size_t n;
    learn_from_push_plaintext(t, 0, &g, &pt, &n);
    json_t *kek = json_object_get(t, "kek");
    cr_assert_eq(g.n_kek, 1);
    size_t l;
    uint8_t *spi = vs_hex(json_string_value(json_object_get(json_array_get(json_object_get(t, "pull"), 0),
                                                            "kek_spi")), &l);
    assert_bytes(g.kek[0].spi, 16, spi, l, "KEK SPI");
    uint8_t *w = jhex(kek, "key", &l);
    assert_bytes(g.kek[0].key, g.kek[0].key_len, w, l, "KEK key");
    free(w);
    w = jhex(kek, "iv", &l);
    assert_bytes(g.kek[0].iv, g.kek[0].block, w, l, "KEK IV");
    free(w);
    w = jhex(kek, "rsa_public_der", &l);
    assert_bytes(g.kek[0].pub, g.kek[0].pub_len, w, l, "KS public key");
    free(w);
    cr_assert_eq(g.kek[0].sig_hash, strcmp(variant, "aes") == 0 ? 3 : 2);
    /* the TEK of the first rekey */
    json_t *tek = json_array_get(json_object_get(t, "teks"), 1);
    cr_assert_eq(g.n_tek, 1);
    const vsa_gdoi_tek *k = &g.tek[0];
    cr_assert(k->complete && k->fresh);
    cr_assert_eq(k->spi, (uint32_t)strtoul(json_string_value(json_object_get(tek, "spi")), NULL, 16));
    w = jhex(tek, "enc_key", &l);
    assert_bytes(k->sa.enc_key, k->sa.enc_key_len, w, l, "TEK encryption key");
    free(w);
    w = jhex(tek, "auth_key", &l);
    assert_bytes(k->sa.auth_key, k->sa.auth_key_len, w, l, "TEK integrity key");
    free(w);
    cr_assert_eq(k->sa.enc, strcmp(variant, "aes") == 0 ? VSA_ENC_AES_CBC : VSA_ENC_3DES_CBC);
    cr_assert_eq(k->sa.integ, VSA_INTEG_HMAC_SHA1_96);
    cr_assert_eq(k->sa.icv_len, 12);
    cr_assert_str_eq(k->sa.origin, "test");
    free(spi);
    free(pt);
    json_decref(t);
}

Test(an_keylink, kek_tek_extraction_3des) { kek_tek_extraction("3des"); }
Test(an_keylink, kek_tek_extraction_aes) { kek_tek_extraction("aes"); }

/* The push of the capture (first rekey, frame 37) decrypts with the learned
 * KEK to the generator's plaintext (plus zero padding); its signature is good;
 * any change to the signed bytes or the signature makes it bad. */
static void push_decrypt_verify(const char *variant)
{
    json_t *t = truth(variant);
    static vsa_gdoi_group g;
    memset(&g, 0, sizeof g);
    uint8_t *want;
    size_t wn;
    learn_from_push_plaintext(t, 0, &g, &want, &wn);
    static uint8_t m[8192], pt[8192];
    char cap[256];
    snprintf(cap, sizeof cap, VS_SAMPLES_DIR "/getvpn/getvpn-%s.pcap", variant);
    size_t n = isakmp_of_frame(cap, 37, m, sizeof m);
    cr_assert_eq(m[18], VS_GDOI_EXCH_PUSH);
    vsa_gdoi_kek *k = vsa_gdoi_find_kek(&g, m);
    cr_assert_not_null(k, "the push's cookies are the KEK SPI");
    cr_assert_eq(vsa_gdoi_push_decrypt(k, m + 28, n - 28, pt), 0);
    cr_assert_geq(n - 28, wn);
    cr_assert_lt(n - 28 - wn, k->block, "zero padding shorter than a block");
    cr_assert(memcmp(pt, want, wn) == 0, "decrypted push equals the generator's plaintext");
    for (size_t i = wn; i < n - 28; i++)
        cr_assert_eq(pt[i], 0, "zero padding");
    cr_assert_eq(vsa_gdoi_push_decrypt(k, m + 28, n - 29, pt), -1, "not a multiple of the block");
    cr_assert_eq(vsa_gdoi_push_decrypt(k, m + 28, n - 28, pt), 0);
    decode_plain(pt, n - 28, m[16]);
    cr_assert_eq(vsa_gdoi_push_verify(k, m, pt, n - 28, &msg), VSA_SIG_GOOD);
    /* a byte of the SEQ payload (signed) */
    pt[7] ^= 1;
    cr_assert_eq(vsa_gdoi_push_verify(k, m, pt, n - 28, &msg), VSA_SIG_BAD);
    pt[7] ^= 1;
    /* the header is signed too (exchange type) */
    m[18] ^= 0x40;
    cr_assert_eq(vsa_gdoi_push_verify(k, m, pt, n - 28, &msg), VSA_SIG_BAD);
    m[18] ^= 0x40;
    /* the signature itself */
    int si = vs_isakmp_find(&msg, VS_IKE_PL_SIG, 0);
    cr_assert_geq(si, 0);
    pt[msg.payloads[si].data.off + 5] ^= 0x80;
    cr_assert_eq(vsa_gdoi_push_verify(k, m, pt, n - 28, &msg), VSA_SIG_BAD);
    pt[msg.payloads[si].data.off + 5] ^= 0x80;
    cr_assert_eq(vsa_gdoi_push_verify(k, m, pt, n - 28, &msg), VSA_SIG_GOOD);
    /* another hash than the KS announced */
    int h = k->sig_hash;
    k->sig_hash = h == 2 ? 3 : 2;
    cr_assert_eq(vsa_gdoi_push_verify(k, m, pt, n - 28, &msg), VSA_SIG_BAD);
    k->sig_hash = 99;
    cr_assert_eq(vsa_gdoi_push_verify(k, m, pt, n - 28, &msg), VSA_SIG_UNSUPPORTED);
    k->sig_hash = h;
    size_t pl = k->pub_len;
    k->pub_len = 0;
    cr_assert_eq(vsa_gdoi_push_verify(k, m, pt, n - 28, &msg), VSA_SIG_NO_KEY);
    k->pub_len = pl;
    /* the signature the generator recorded is the one in the message */
    json_t *push = json_array_get(json_object_get(t, "push"), 0);
    const char *sig = json_string_value(json_object_get(push, "signature"));
    if (sig) {
        size_t sl;
        uint8_t *s = vs_hex(sig, &sl);
        assert_bytes(pt + msg.payloads[si].data.off, msg.payloads[si].data.len, s, sl, "signature");
        free(s);
    }
    free(want);
    json_decref(t);
}

Test(an_keylink, push_decrypt_verify_3des) { push_decrypt_verify("3des"); }
Test(an_keylink, push_decrypt_verify_aes) { push_decrypt_verify("aes"); }

Test(an_keylink, kek_key_length_mismatch)
{
    json_t *t = truth("3des");
    static vsa_gdoi_group g;
    memset(&g, 0, sizeof g);
    size_t n;
    uint8_t *pt = jhex(json_array_get(json_object_get(t, "push"), 0), "plaintext", &n);
    decode_plain(pt, n, VS_IKE_PL_SEQ);
    /* the SA KEK says AES-128 while the KD carries 8 + 24 bytes (3DES IV | key) */
    for (unsigned a = 0; a < msg.n_attrs; a++)
        if (msg.attrs[a].ctx == VS_ACTX_KEK && msg.attrs[a].type == 2)
            msg.attrs[a].value = VSA_KEK_ALG_AES;
    char err[200];
    /* -1 - 1: the KEK is unusable, the TEK of the same message is still learned */
    cr_assert_eq(vsa_gdoi_absorb(&g, &msg, pt, n, "x", err, sizeof err), -2);
    cr_assert(strstr(err, "KEK_ALGORITHM_KEY of 32 bytes") != NULL, "%s", err);
    cr_assert_not(g.kek[0].have_key);
    cr_assert(g.tek[0].complete);
    free(pt);
    json_decref(t);
}

Test(an_keylink, ipsec_transform_mapping)
{
    vsa_esp_sa sa;
    size_t el, al;
    const char *why;
    memset(&sa, 0, sizeof sa);
    cr_assert(vsa_ipsec_transform(12, 2, 256, &sa, &el, &al, &why));
    cr_assert_eq(sa.enc, VSA_ENC_AES_CBC);
    cr_assert_eq(el, 32);
    cr_assert_eq(al, 20);
    cr_assert_eq(sa.icv_len, 12);
    cr_assert(vsa_ipsec_transform(3, 1, 0, &sa, &el, &al, &why));
    cr_assert_eq(el, 24);
    cr_assert_eq(al, 16);
    cr_assert(vsa_ipsec_transform(20, 0, 128, &sa, &el, &al, &why));
    cr_assert_eq(sa.enc, VSA_ENC_AES_GCM);
    cr_assert_eq(el, 20);
    cr_assert_eq(sa.icv_len, 16);
    cr_assert_not(vsa_ipsec_transform(12, 2, 100, &sa, &el, &al, &why));
    cr_assert_not(vsa_ipsec_transform(6, 2, 0, &sa, &el, &al, &why)); /* CAST */
    cr_assert_not(vsa_ipsec_transform(3, 8, 0, &sa, &el, &al, &why));
    cr_assert_not_null(why);
}

static void keymat_vec(int hash, size_t dlen, const uint8_t *gxy, size_t gl, size_t n, const char *want)
{
    uint8_t d[64], spi[4] = {0xc0, 0xff, 0xee, 0x01}, ni[20], nr[24], out[128];
    for (size_t i = 0; i < dlen; i++)
        d[i] = (uint8_t)(dlen == 20 ? i + 1 : i);
    for (int i = 0; i < 20; i++)
        ni[i] = (uint8_t)(0x40 + i);
    for (int i = 0; i < 24; i++)
        nr[i] = (uint8_t)(0x80 + i);
    cr_assert_eq(vsa_ike1_keymat(hash, d, dlen, gxy, gl, 3, spi, 4, ni, 20, nr, 24, out, n), 0);
    size_t wl;
    uint8_t *w = vs_hex(want, &wl);
    assert_bytes(out, n, w, wl, "KEYMAT");
    free(w);
}

Test(an_keylink, quick_mode_keymat)
{
    keymat_vec(VSA_IKE1_HASH_SHA1, 20, NULL, 0, 52,
               "290f55706234301e5429b2f626427055f5bb720873678e7260e76f057b8d6b49bf94a2edf043a6b2618a06bb9e07d6cdd74cbda0");
    keymat_vec(VSA_IKE1_HASH_SHA256, 32, NULL, 0, 100,
               "89a2d86a5abbb302e751ccdcdb76712029299d488e896d71b7d96b01b58cca9dd8962da923764554a8d8d760d52e8e8a"
               "78fe8244602f4b72a8c686f458bc9ed8769766bd77fc35b6dce6e554a9c334fb6a984ae1bd9198c2a1b76dcfb34f4d20"
               "f45a379b");
    uint8_t gxy[55];
    for (int i = 0; i < 55; i++)
        gxy[i] = (uint8_t)(200 + i);
    keymat_vec(VSA_IKE1_HASH_SHA1, 20, gxy, 55, 44,
               "28e8c88d296b45009302d2f4e1609d3d752d31ad0d75d2936f4bfb20da225f59c2a6c0855ec06815afe4e8ec");
    uint8_t out[8];
    cr_assert_eq(vsa_ike1_keymat(99, out, 8, NULL, 0, 3, out, 4, out, 8, out, 8, out, 8), -1);
}

Test(an_keylink, skeyid_key_file)
{
    vsa_keys k;
    vsa_keys_init(&k);
    char err[300];
    const char *txt = "# initiator cookie, responder cookie, SKEYID_d, SKEYID_a, encryption key\n"
                      "79a7c7ee0e862cd0,42f51175772d8374,7776582875d33e29930a9122fc1214ec528440d6,"
                      "1ec55de43b0e659f17c320625989d1ed6fd6253d,"
                      "737c84392c9be2fff7113fd5f1af76b8255501a290b3d19c5960e34f62e45349\n";
    cr_assert_eq(vsa_keys_load_text(&k, "sk", txt, VSA_KF_AUTO, err, sizeof err), 1, "%s", err);
    uint8_t ic[8] = {0x79, 0xa7, 0xc7, 0xee, 0x0e, 0x86, 0x2c, 0xd0};
    uint8_t rc[8] = {0x42, 0xf5, 0x11, 0x75, 0x77, 0x2d, 0x83, 0x74};
    const vsa_ike1_key *e = vsa_keys_find_skeyid(&k, ic, rc);
    cr_assert_not_null(e);
    cr_assert_eq(e->skeyid_d_len, 20);
    cr_assert_eq(e->skeyid_d[0], 0x77);
    cr_assert_eq(e->skeyid_d[19], 0xd6);
    cr_assert_eq(e->key_len, 32);
    cr_assert_str_eq(e->origin, "sk:2");
    cr_assert_eq(vsa_keys_find_ike1(&k, ic), e, "also an IKEv1 decryption key");
    rc[7] ^= 1;
    cr_assert_null(vsa_keys_find_skeyid(&k, ic, rc), "responder cookie checked");
    /* wrong field count and bad cookie name the file, line and field */
    cr_assert_eq(vsa_keys_load_text(&k, "bad", "79a7c7ee0e862cd0,42f51175772d8374,77,1e\n",
                                    VSA_KF_IKEV1_SKEYID, err, sizeof err), -1);
    cr_assert(strstr(err, "bad:1") && strstr(err, "expected 5"), "%s", err);
    cr_assert_eq(vsa_keys_load_text(&k, "bad", "79a7c7ee0e862cd0,42f5117577,77,1e,00\n", VSA_KF_AUTO,
                                    err, sizeof err), -1);
    cr_assert_eq(vsa_keys_load_text(&k, "bad", "79a7c7ee0e862cd0,42f51175772d8374,,1e,00\n",
                                    VSA_KF_IKEV1_SKEYID, err, sizeof err), -1);
    cr_assert(strstr(err, "SKEYID_d is empty"), "%s", err);
    cr_assert_str_eq(vsa_keyfmt_name(VSA_KF_IKEV1_SKEYID), "ikev1_skeyid");
    vsa_keys_free(&k);
}

Test(an_keylink, named_format_prefix)
{
    vsa_keys k;
    vsa_keys_init(&k);
    char err[300];
    cr_assert_eq(vsa_keys_load_file(&k, "ikev1_skeyid:" VS_SAMPLES_DIR "/dmvpn-phase3-ipsec-crafted/ikev1_skeyid",
                                    VSA_KF_AUTO, err, sizeof err), 3, "%s", err);
    cr_assert_eq(k.n_ike1, 3);
    cr_assert(k.ike1[2].have_skeyid);
    cr_assert_eq(vsa_keys_load_file(&k, "ikev1_skeyid:/nonexistent/x", VSA_KF_AUTO, err, sizeof err), -1);
    cr_assert(strstr(err, "/nonexistent/x: cannot open"), "%s", err);
    vsa_keys_free(&k);
}

/* Every truncation of a push plaintext: absorbing and verifying what decodes
 * never reads outside the buffer (ASan build) and never completes a TEK from
 * a cut key download with a short key. */
Test(an_keylink, truncated_plaintexts)
{
    json_t *t = truth("3des");
    size_t n;
    uint8_t *pt = jhex(json_array_get(json_object_get(t, "push"), 0), "plaintext", &n);
    static vsa_gdoi_group g;
    uint8_t hdr[28] = {0};
    unsigned completed = 0;
    for (size_t cut = 0; cut <= n; cut++) {
        uint8_t *b = malloc(cut ? cut : 1);
        memcpy(b, pt, cut);
        memset(&msg, 0, sizeof msg);
        vs_cursor c;
        vs_cur_init(&c, b, cut, VS_LEN_UNKNOWN);
        vs_status st = vs_gdoi_decode_payloads(&c, VS_IKE_PL_SEQ, 2, NULL, &msg);
        memset(&g, 0, sizeof g);
        char err[200];
        int k = vsa_gdoi_absorb(&g, &msg, b, cut, "cut", err, sizeof err);
        if (k < 0)
            k = -1 - k;
        if (k > 0) {
            completed++;
            cr_assert_eq(g.tek[0].sa.enc_key_len, 24, "cut %zu", cut);
            cr_assert_eq(g.tek[0].sa.auth_key_len, 20, "cut %zu", cut);
        }
        if (g.n_kek)
            (void)vsa_gdoi_push_verify(&g.kek[0], hdr, b, cut, &msg);
        if (cut == n)
            cr_assert_eq(st, VS_OK);
        free(b);
    }
    cr_assert_gt(completed, 0);
    free(pt);
    json_decref(t);
}
