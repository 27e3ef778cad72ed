/* IKEv1 and IKEv2 decryption against vectors built by an independent
 * implementation (tests/unit/gen_an_ike_vectors.py, python3-cryptography). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ike.h"
#include "vpnscope/ikev2.h"
#include "vs_test.h"

struct an_ike1_msg {
    uint32_t msgid;
    const char *ct, *pt;
    bool retrans;
};
struct an_ike1_vector {
    const char *name;
    int enc;
    unsigned bits;
    int hash;
    const char *key, *gi, *gr;
    unsigned n;
    struct an_ike1_msg m[12];
};
struct an_ike2_vector {
    const char *name;
    vsa_enc enc;
    unsigned bits, icv;
    vsa_integ integ;
    bool initiator;
    const char *spi_i, *spi_r, *sk_ei, *sk_er, *sk_ai, *sk_ar, *msg, *inner;
};
struct an_ike2_frag_vector {
    const char *name;
    vsa_enc enc;
    unsigned bits, icv;
    vsa_integ integ;
    const char *spi_i, *spi_r, *sk_ei, *sk_er, *sk_ai, *sk_ar, *inner;
    unsigned n;
    const char *msg[4];
};
#include "an_ike_vectors.inc"

static void fill(uint8_t *dst, uint8_t *len, const char *hex, size_t cap)
{
    size_t n;
    uint8_t *b = vs_hex(hex, &n);
    cr_assert_leq(n, cap);
    memcpy(dst, b, n);
    if (len)
        *len = (uint8_t)n;
    free(b);
}

Test(an_ike, ikev1_iv_chaining_and_retransmissions)
{
    for (size_t i = 0; i < sizeof an_ike1_vectors / sizeof an_ike1_vectors[0]; i++) {
        const struct an_ike1_vector *v = &an_ike1_vectors[i];
        vsa_ike1_key key;
        memset(&key, 0, sizeof key);
        fill(key.key, &key.key_len, v->key, sizeof key.key);
        vsa_ike1_state s;
        vsa_ike1_init(&s, &key);
        uint8_t out[256];
        bool rt;
        size_t gl, rl;
        uint8_t *gi = vs_hex(v->gi, &gl), *gr = vs_hex(v->gr, &rl);
        uint8_t dummy[16] = {0};
        cr_assert_eq(vsa_ike1_decrypt(&s, 0, dummy, 16, out, &rt), VSA_IKE_NO_TRANSFORM);
        cr_assert_eq(vsa_ike1_set_transform(&s, v->enc, v->bits, v->hash), VSA_IKE_OK, "%s", v->name);
        cr_assert_eq(vsa_ike1_decrypt(&s, 0, dummy, 16, out, &rt), VSA_IKE_NO_KE);
        vsa_ike1_set_ke(&s, true, gi, gl);
        vsa_ike1_set_ke(&s, false, gr, rl);
        unsigned n_rt = 0;
        for (unsigned m = 0; m < v->n; m++) {
            size_t cl, pl;
            uint8_t *ct = vs_hex(v->m[m].ct, &cl), *pt = vs_hex(v->m[m].pt, &pl);
            cr_assert_eq(vsa_ike1_decrypt(&s, v->m[m].msgid, ct, cl, out, &rt), VSA_IKE_OK);
            cr_assert_arr_eq(out, pt, pl, "%s: message %u (M-ID %08x) decrypts wrong", v->name, m,
                             v->m[m].msgid);
            cr_assert_eq(rt, v->m[m].retrans, "%s: message %u retransmission flag", v->name, m);
            n_rt += rt;
            free(ct);
            free(pt);
        }
        cr_assert_eq(s.retransmissions, n_rt);
        cr_assert_eq(n_rt, 3);
        cr_assert_eq(vsa_ike1_decrypt(&s, 5, dummy, 15, out, &rt), VSA_IKE_BAD_LENGTH);
        free(gi);
        free(gr);
        vsa_ike1_free(&s);
    }
}

Test(an_ike, ikev1_wrong_dh_values_give_garbage)
{
    const struct an_ike1_vector *v = &an_ike1_vectors[0];
    vsa_ike1_key key;
    memset(&key, 0, sizeof key);
    fill(key.key, &key.key_len, v->key, sizeof key.key);
    vsa_ike1_state s;
    vsa_ike1_init(&s, &key);
    cr_assert_eq(vsa_ike1_set_transform(&s, v->enc, v->bits, v->hash), VSA_IKE_OK);
    size_t gl, rl, cl, pl;
    uint8_t *gi = vs_hex(v->gi, &gl), *gr = vs_hex(v->gr, &rl);
    vsa_ike1_set_ke(&s, true, gr, rl); /* swapped */
    vsa_ike1_set_ke(&s, false, gi, gl);
    uint8_t *ct = vs_hex(v->m[0].ct, &cl), *pt = vs_hex(v->m[0].pt, &pl);
    uint8_t out[256];
    bool rt;
    cr_assert_eq(vsa_ike1_decrypt(&s, 0, ct, cl, out, &rt), VSA_IKE_OK);
    cr_assert_neq(memcmp(out, pt, 8), 0, "the first block depends on the IV");
    cr_assert_eq(memcmp(out + 8, pt + 8, pl - 8), 0, "later blocks chain from the ciphertext");
    free(gi);
    free(gr);
    free(ct);
    free(pt);
    vsa_ike1_free(&s);
}

Test(an_ike, ikev1_unsupported_transforms)
{
    vsa_ike1_key key;
    memset(&key, 0, sizeof key);
    key.key_len = 16;
    vsa_ike1_state s;
    vsa_ike1_init(&s, &key);
    cr_assert_eq(vsa_ike1_set_transform(&s, 3 /* Blowfish */, 0, 2), VSA_IKE_UNSUPPORTED);
    cr_assert_eq(vsa_ike1_set_transform(&s, 7, 256, 2), VSA_IKE_UNSUPPORTED, "key too short");
    cr_assert_eq(vsa_ike1_set_transform(&s, 7, 128, 3 /* Tiger */), VSA_IKE_UNSUPPORTED);
    vsa_ike1_free(&s);
}

static void ike2_key(const struct an_ike2_vector *v, vsa_ike2_key *k)
{
    memset(k, 0, sizeof *k);
    uint8_t l;
    fill(k->spi_i, NULL, v->spi_i, 8);
    fill(k->spi_r, NULL, v->spi_r, 8);
    fill(k->sk_ei, &k->sk_e_len, v->sk_ei, sizeof k->sk_ei);
    fill(k->sk_er, &l, v->sk_er, sizeof k->sk_er);
    fill(k->sk_ai, &k->sk_a_len, v->sk_ai, sizeof k->sk_ai);
    fill(k->sk_ar, &l, v->sk_ar, sizeof k->sk_ar);
    k->enc = v->enc;
    k->enc_key_bits = v->bits;
    k->integ = v->integ;
    k->icv_len = (uint8_t)v->icv;
}

Test(an_ike, ikev2_sk_payloads)
{
    size_t n = sizeof an_ike2_vectors / sizeof an_ike2_vectors[0];
    cr_assert_eq(n, 18); /* 9 ciphers (ChaCha20-Poly1305 last) x both directions */
    for (size_t i = 0; i < n; i++) {
        const struct an_ike2_vector *v = &an_ike2_vectors[i];
        vsa_ike2_key k;
        ike2_key(v, &k);
        size_t ml, il;
        uint8_t *msg = vs_hex(v->msg, &ml), *inner = vs_hex(v->inner, &il);
        uint8_t out[512];
        vsa_ike2_result r;
        vsa_ike_verdict vd = vsa_ike2_decrypt(&k, v->initiator, msg, ml, 28, ml - 28, out, &r);
        cr_assert_eq(vd, VSA_IKE_OK, "%s: %s", v->name, vsa_ike_verdict_name(vd));
        cr_assert(r.icv_checked, "%s", v->name);
        cr_assert_eq(r.inner_len, il, "%s", v->name);
        cr_assert_arr_eq(out + r.inner_off, inner, il, "%s", v->name);
        /* the other direction's keys do not verify */
        vd = vsa_ike2_decrypt(&k, !v->initiator, msg, ml, 28, ml - 28, out, &r);
        cr_assert_eq(vd, VSA_IKE_ICV_BAD, "%s (wrong direction): %s", v->name, vsa_ike_verdict_name(vd));
        /* damage anywhere covered by the ICV, including the IKE header */
        size_t where[3] = {3, 30, ml - 1};
        for (int w = 0; w < 3; w++) {
            msg[where[w]] ^= 4;
            vd = vsa_ike2_decrypt(&k, v->initiator, msg, ml, 28, ml - 28, out, &r);
            cr_assert_eq(vd, VSA_IKE_ICV_BAD, "%s: byte %zu", v->name, where[w]);
            msg[where[w]] ^= 4;
        }
        /* lengths that contradict */
        cr_assert_eq(vsa_ike2_decrypt(&k, v->initiator, msg, ml, 28, ml - 27, out, &r),
                     VSA_IKE_BAD_LENGTH);
        cr_assert_eq(vsa_ike2_decrypt(&k, v->initiator, msg, ml, 28, 4 + v->icv, out, &r),
                     VSA_IKE_BAD_LENGTH);
        free(msg);
        free(inner);
    }
}

/* RFC 7383 SKF: every fragment decrypts on its own (AAD / integrity range =
 * IKE header | 8-byte SKF header); the plaintexts in fragment-number order are
 * the inner payload chain, which the core decodes from the first fragment's
 * Next Payload. */
Test(an_ike, ikev2_skf_fragments)
{
    size_t n = sizeof an_ike2_frag_vectors / sizeof an_ike2_frag_vectors[0];
    cr_assert_eq(n, 3);
    for (size_t i = 0; i < n; i++) {
        const struct an_ike2_frag_vector *v = &an_ike2_frag_vectors[i];
        vsa_ike2_key k;
        memset(&k, 0, sizeof k);
        uint8_t l;
        fill(k.spi_i, NULL, v->spi_i, 8);
        fill(k.spi_r, NULL, v->spi_r, 8);
        fill(k.sk_ei, &k.sk_e_len, v->sk_ei, sizeof k.sk_ei);
        fill(k.sk_er, &l, v->sk_er, sizeof k.sk_er);
        fill(k.sk_ai, &k.sk_a_len, v->sk_ai, sizeof k.sk_ai);
        fill(k.sk_ar, &l, v->sk_ar, sizeof k.sk_ar);
        k.enc = v->enc;
        k.enc_key_bits = v->bits;
        k.integ = v->integ;
        k.icv_len = (uint8_t)v->icv;
        size_t il;
        uint8_t *inner = vs_hex(v->inner, &il);
        uint8_t plain[512];
        size_t pl = 0;
        uint8_t first = 0;
        for (unsigned f = 0; f < v->n; f++) {
            size_t ml;
            uint8_t *msg = vs_hex(v->msg[f], &ml);
            /* the core finds the SKF and its number */
            vs_ikev2_msg m;
            memset(&m, 0, sizeof m);
            vs_cursor c;
            vs_cur_init(&c, msg, ml, VS_LEN_UNKNOWN);
            cr_assert_eq(vs_ikev2_decode(&c, NULL, &m), VS_OK, "%s frag %u", v->name, f + 1);
            cr_assert(m.is_fragment);
            cr_assert_eq(m.frag_number, f + 1);
            cr_assert_eq(m.frag_total, v->n);
            cr_assert_eq(m.sk_payload.off, 28);
            cr_assert_eq(m.sk_payload.len, ml - 28);
            if (f == 0)
                first = m.sk_first_payload;
            else
                cr_assert_eq(m.sk_first_payload, 0);
            uint8_t out[512];
            vsa_ike2_result r;
            vsa_ike_verdict vd = vsa_ike2_decrypt_ex(&k, true, true, msg, ml, 28, ml - 28, out, &r);
            cr_assert_eq(vd, VSA_IKE_OK, "%s frag %u: %s", v->name, f + 1, vsa_ike_verdict_name(vd));
            cr_assert(r.icv_checked);
            cr_assert_leq(pl + r.inner_len, sizeof plain);
            memcpy(plain + pl, out + r.inner_off, r.inner_len);
            pl += r.inner_len;
            /* treated as an SK payload: for AEAD the AAD is wrong; with HMAC
             * the integrity range is the same (the whole message), but the
             * IV and ciphertext are 4 bytes off (CBC: not whole blocks) */
            vd = vsa_ike2_decrypt_ex(&k, true, false, msg, ml, 28, ml - 28, out, &r);
            cr_assert_eq(vd, v->integ == VSA_INTEG_NONE ? VSA_IKE_ICV_BAD : VSA_IKE_BAD_LENGTH,
                         "%s frag %u as SK: %s", v->name, f + 1, vsa_ike_verdict_name(vd));
            /* the fragment number is authenticated; a damaged tag fails */
            size_t where[2] = {34, ml - 1};
            for (int w = 0; w < 2; w++) {
                msg[where[w]] ^= 1;
                cr_assert_eq(vsa_ike2_decrypt_ex(&k, true, true, msg, ml, 28, ml - 28, out, &r),
                             VSA_IKE_ICV_BAD, "%s frag %u byte %zu", v->name, f + 1, where[w]);
                msg[where[w]] ^= 1;
            }
            /* the responder's keys do not verify */
            cr_assert_eq(vsa_ike2_decrypt_ex(&k, false, true, msg, ml, 28, ml - 28, out, &r),
                         VSA_IKE_ICV_BAD);
            /* shorter than the SKF header */
            cr_assert_eq(vsa_ike2_decrypt_ex(&k, true, true, msg, ml, 28, 7, out, &r),
                         VSA_IKE_BAD_LENGTH);
            free(msg);
        }
        cr_assert_eq(pl, il, "%s", v->name);
        cr_assert_arr_eq(plain, inner, il, "%s", v->name);
        /* the reassembled chain: IDi then AUTH, nothing left */
        cr_assert_eq(first, 35);
        vs_ikev2_msg m;
        memset(&m, 0, sizeof m);
        vs_cursor c;
        vs_cur_init(&c, plain, pl, VS_LEN_UNKNOWN);
        cr_assert_eq(vs_ikev2_decode_payloads(&c, first, NULL, &m), VS_OK, "%s", v->name);
        cr_assert_eq(m.n_payloads, 2);
        cr_assert_eq(m.payloads[0].type, 35);
        cr_assert_eq(m.payloads[1].type, 39);
        cr_assert_eq(m.id_type_i, 1);
        cr_assert_eq(m.auth_method, 2);
        free(inner);
    }
}
