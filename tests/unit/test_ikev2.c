/* IKEv2 decoder: values and spans on vectors built from the RFC 7296 / RFC 7383
 * layouts (test_ikev2_vectors.h), truncation at every byte, contradictory
 * lengths, semantic problems, fuzz regressions. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vpnscope/ikev2.h"
#include "vs_test.h"

#include "test_ikev2_vectors.h"

/* ---------------------------------------------------------------------- */
/* Harness */

static vs_status dec_msg(const uint8_t *buf, size_t len, vs_tree *t)
{
    vs_cursor c;
    vs_cur_init(&c, buf, len, VS_LEN_UNKNOWN);
    vs_ikev2_msg *m = malloc(sizeof *m);
    vs_status st = vs_ikev2_decode(&c, t, m);
    free(m);
    return st;
}

static uint8_t g_first; /* first payload type for dec_body */
static vs_status dec_body(const uint8_t *buf, size_t len, vs_tree *t)
{
    vs_cursor c;
    vs_cur_init(&c, buf, len, VS_LEN_UNKNOWN);
    vs_ikev2_msg *m = malloc(sizeof *m);
    vs_ikev2_msg_init(m);
    vs_status st = vs_ikev2_decode_payloads(&c, g_first, t, m);
    free(m);
    return st;
}

typedef struct fixture {
    uint8_t *buf;
    size_t len;
    vs_test_tree tt;
    vs_ikev2_msg m;
    vs_status st;
} fixture;

/* Decode a whole message; wire_len VS_LEN_UNKNOWN unless exact is set (then
 * the buffer length is the PDU's length, as a UDP payload would be). */
static fixture *run_msg_bytes(uint8_t *buf, size_t len, bool exact)
{
    fixture *f = calloc(1, sizeof *f);
    f->buf = buf;
    f->len = len;
    vs_test_tree_init(&f->tt, f->buf);
    vs_cursor c;
    vs_cur_init(&c, f->buf, f->len, exact ? f->len : VS_LEN_UNKNOWN);
    f->st = vs_ikev2_decode(&c, &f->tt.t, &f->m);
    return f;
}

static fixture *run_msg(const char *hex, bool exact)
{
    size_t n;
    uint8_t *b = vs_hex(hex, &n);
    return run_msg_bytes(b, n, exact);
}

/* A copy of a vector with some bytes replaced: pairs (offset, value), -1 ends. */
static uint8_t *patched(const char *hex, size_t *len, ...)
{
    uint8_t *b = vs_hex(hex, len);
    va_list ap;
    va_start(ap, len);
    for (;;) {
        int off = va_arg(ap, int);
        if (off < 0)
            break;
        int v = va_arg(ap, int);
        cr_assert_lt((size_t)off, *len);
        b[off] = (uint8_t)v;
    }
    va_end(ap);
    return b;
}

static fixture *run_body(const char *hex, uint8_t first)
{
    fixture *f = calloc(1, sizeof *f);
    f->buf = vs_hex(hex, &f->len);
    vs_test_tree_init(&f->tt, f->buf);
    vs_ikev2_msg_init(&f->m);
    vs_cursor c;
    vs_cur_init(&c, f->buf, f->len, f->len);
    f->st = vs_ikev2_decode_payloads(&c, first, &f->tt.t, &f->m);
    return f;
}

static void done(fixture *f)
{
    free(f->buf);
    free(f);
}

static void truncations_msg(const char *hex)
{
    vs_check_truncations_hex(hex, dec_msg, VS_OK);
}

static void truncations_body(const char *hex, uint8_t first)
{
    size_t n;
    uint8_t *b = vs_hex(hex, &n);
    g_first = first;
    vs_check_truncations(b, n, dec_body, VS_OK);
    free(b);
}

#define T(f) (&(f)->tt.t)
#define ASSERT_ITEM(f, fld, nth, val, off, len) vs_assert_item(T(f), VS_F_##fld, nth, val, off, len)

static void no_problems(const fixture *f)
{
    for (size_t i = 0; i < T(f)->n_problems; i++)
        cr_assert_fail("unexpected problem %s at %u",
                       vs_problems[T(f)->problems[i].problem].name, T(f)->problems[i].span.off);
}

static void assert_tf(const vs_ikev2_transform *tf, uint8_t type, uint16_t id, uint16_t key_len)
{
    cr_assert_eq(tf->type, type, "transform type %u, want %u", tf->type, type);
    cr_assert_eq(tf->id, id, "transform id %u, want %u", tf->id, id);
    cr_assert_eq(tf->key_len, key_len, "key length %u, want %u", tf->key_len, key_len);
}

static void assert_span(vs_span s, uint32_t off, uint32_t len)
{
    cr_assert_eq(s.off, off, "span offset %u, want %u", s.off, off);
    cr_assert_eq(s.len, len, "span length %u, want %u", s.len, len);
}

/* ---------------------------------------------------------------------- */
/* IKE_SA_INIT */

Test(ikev2, sa_init_request_header)
{
    fixture *f = run_msg(v_sa_init_req, true);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    ASSERT_ITEM(f, IKEV2, 0, 0, 0, 264);
    ASSERT_ITEM(f, IKEV2_ISPI, 0, 0x0102030405060708ull, 0, 8);
    ASSERT_ITEM(f, IKEV2_RSPI, 0, 0, 8, 8);
    ASSERT_ITEM(f, IKEV2_NEXT_PAYLOAD, 0, 33, 16, 1);
    ASSERT_ITEM(f, IKEV2_VERSION, 0, 0x20, 17, 1);
    ASSERT_ITEM(f, IKEV2_VERSION_MAJOR, 0, 2, 17, 1);
    ASSERT_ITEM(f, IKEV2_VERSION_MINOR, 0, 0, 17, 1);
    ASSERT_ITEM(f, IKEV2_EXCH_TYPE, 0, 34, 18, 1);
    ASSERT_ITEM(f, IKEV2_FLAGS, 0, 0x08, 19, 1);
    ASSERT_ITEM(f, IKEV2_FLAG_INITIATOR, 0, 1, 19, 1);
    ASSERT_ITEM(f, IKEV2_FLAG_VERSION, 0, 0, 19, 1);
    ASSERT_ITEM(f, IKEV2_FLAG_RESPONSE, 0, 0, 19, 1);
    ASSERT_ITEM(f, IKEV2_MSGID, 0, 0, 20, 4);
    ASSERT_ITEM(f, IKEV2_LENGTH, 0, 264, 24, 4);
    const vs_ikev2_msg *m = &f->m;
    cr_assert_eq(m->ispi, 0x0102030405060708ull);
    cr_assert_eq(m->rspi, 0);
    cr_assert_eq(m->major, 2);
    cr_assert_eq(m->exch_type, VS_IKEV2_EXCH_IKE_SA_INIT);
    cr_assert(m->initiator);
    cr_assert(!m->response);
    cr_assert_eq(m->length, 264);
    assert_span(m->hdr, 0, 28);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_exch_type, m->exch_type), "IKE_SA_INIT");
    done(f);
}

Test(ikev2, sa_init_request_payloads)
{
    fixture *f = run_msg(v_sa_init_req, true);
    cr_assert_eq(f->st, VS_OK);
    static const struct { uint8_t type; uint32_t off, len; } want[] = {
        {33, 28, 84}, {34, 112, 40}, {40, 152, 36}, {41, 188, 28}, {41, 216, 28}, {43, 244, 20}};
    cr_assert_eq(f->m.n_payloads, 6);
    cr_assert_eq(f->m.n_payloads_total, 6);
    for (size_t i = 0; i < 6; i++) {
        ASSERT_ITEM(f, IKEV2_PAYLOAD, i, want[i].type, want[i].off, want[i].len);
        cr_assert_eq(f->m.payloads[i].type, want[i].type);
        assert_span(f->m.payloads[i].span, want[i].off, want[i].len);
        cr_assert(!f->m.payloads[i].critical);
        cr_assert(!f->m.payloads[i].inner);
    }
    ASSERT_ITEM(f, IKEV2_PL_NEXT, 0, 34, 28, 1);
    ASSERT_ITEM(f, IKEV2_PL_CRITICAL, 0, 0, 29, 1);
    ASSERT_ITEM(f, IKEV2_PL_RESERVED, 0, 0, 29, 1);
    ASSERT_ITEM(f, IKEV2_PL_LENGTH, 0, 84, 30, 2);
    ASSERT_ITEM(f, IKEV2_PL_NEXT, 5, 0, 244, 1);
    /* KE, nonce */
    ASSERT_ITEM(f, IKEV2_KE_GROUP, 0, 31, 116, 2);
    ASSERT_ITEM(f, IKEV2_KE_RESERVED, 0, 0, 118, 2);
    ASSERT_ITEM(f, IKEV2_KE_DATA, 0, 32, 120, 32);
    ASSERT_ITEM(f, IKEV2_NONCE, 0, 32, 156, 32);
    cr_assert_eq(f->m.ke_group, 31);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_ke, 31), "Curve25519 (group 31)");
    /* NAT detection notifies */
    ASSERT_ITEM(f, IKEV2_N_PROTO, 0, 0, 192, 1);
    ASSERT_ITEM(f, IKEV2_N_SPI_SIZE, 0, 0, 193, 1);
    ASSERT_ITEM(f, IKEV2_N_TYPE, 0, 16388, 194, 2);
    ASSERT_ITEM(f, IKEV2_N_DATA, 0, 20, 196, 20);
    ASSERT_ITEM(f, IKEV2_N_TYPE, 1, 16389, 222, 2);
    ASSERT_ITEM(f, IKEV2_N_DATA, 1, 20, 224, 20);
    cr_assert_eq(f->m.n_notifies, 2);
    cr_assert_eq(f->m.notifies[0].type, VS_IKEV2_N_NAT_DETECTION_SOURCE_IP);
    cr_assert_eq(f->m.notifies[1].type, VS_IKEV2_N_NAT_DETECTION_DESTINATION_IP);
    assert_span(f->m.notifies[1].data, 224, 20);
    assert_span(f->m.notifies[1].span, 216, 28);
    cr_assert_eq(f->m.n_spis, 0);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_notify_type, 16388), "NAT_DETECTION_SOURCE_IP");
    /* Vendor ID recognised by prefix */
    ASSERT_ITEM(f, IKEV2_VID, 0, 16, 248, 16);
    ASSERT_ITEM(f, IKEV2_VID_VENDOR, 0, 1, 248, 16);
    cr_assert(vs_item_nth(T(f), VS_F_IKEV2_VID_VENDOR, 0)->flags & VS_IF_GENERATED);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_vendor, 1), "strongSwan");
    cr_assert_str_eq(vs_ikev2_vendor_name(f->buf + 248, 16), "strongSwan");
    cr_assert(!f->m.has_sk);
    done(f);
}

Test(ikev2, sa_init_request_proposals)
{
    fixture *f = run_msg(v_sa_init_req, true);
    cr_assert_eq(f->st, VS_OK);
    ASSERT_ITEM(f, IKEV2_PROPOSAL, 0, 1, 32, 36);
    ASSERT_ITEM(f, IKEV2_PROP_LAST, 0, 2, 32, 1);
    ASSERT_ITEM(f, IKEV2_PROP_LENGTH, 0, 36, 34, 2);
    ASSERT_ITEM(f, IKEV2_PROP_NUM, 0, 1, 36, 1);
    ASSERT_ITEM(f, IKEV2_PROP_PROTO, 0, 1, 37, 1);
    ASSERT_ITEM(f, IKEV2_PROP_SPI_SIZE, 0, 0, 38, 1);
    ASSERT_ITEM(f, IKEV2_PROP_NUM_TRANSFORMS, 0, 3, 39, 1);
    ASSERT_ITEM(f, IKEV2_PROPOSAL, 1, 2, 68, 44);
    ASSERT_ITEM(f, IKEV2_PROP_LAST, 1, 0, 68, 1);
    ASSERT_ITEM(f, IKEV2_PROP_NUM_TRANSFORMS, 1, 4, 75, 1);
    cr_assert_eq(vs_count(T(f), VS_F_IKEV2_PROP_SPI), 0);
    /* transforms */
    cr_assert_eq(vs_count(T(f), VS_F_IKEV2_TRANSFORM), 7);
    ASSERT_ITEM(f, IKEV2_TRANSFORM, 0, 1, 40, 12);
    ASSERT_ITEM(f, IKEV2_TF_LAST, 0, 3, 40, 1);
    ASSERT_ITEM(f, IKEV2_TF_LENGTH, 0, 12, 42, 2);
    ASSERT_ITEM(f, IKEV2_TF_TYPE, 0, 1, 44, 1);
    ASSERT_ITEM(f, IKEV2_TF_ID_ENCR, 0, 20, 46, 2);
    ASSERT_ITEM(f, IKEV2_ATTR, 0, 14, 48, 4);
    ASSERT_ITEM(f, IKEV2_ATTR_FORMAT, 0, 1, 48, 2);
    ASSERT_ITEM(f, IKEV2_ATTR_TYPE, 0, 14, 48, 2);
    ASSERT_ITEM(f, IKEV2_ATTR_KEY_LENGTH, 0, 256, 50, 2);
    ASSERT_ITEM(f, IKEV2_TF_ID_PRF, 0, 5, 58, 2);
    ASSERT_ITEM(f, IKEV2_TRANSFORM, 2, 4, 60, 8);
    ASSERT_ITEM(f, IKEV2_TF_LAST, 2, 0, 60, 1);
    ASSERT_ITEM(f, IKEV2_TF_ID_KE, 0, 31, 66, 2);
    ASSERT_ITEM(f, IKEV2_TF_ID_ENCR, 1, 12, 82, 2);
    ASSERT_ITEM(f, IKEV2_ATTR_KEY_LENGTH, 1, 128, 86, 2);
    ASSERT_ITEM(f, IKEV2_TF_ID_INTEG, 0, 12, 94, 2);
    ASSERT_ITEM(f, IKEV2_TF_ID_PRF, 1, 2, 102, 2);
    ASSERT_ITEM(f, IKEV2_TF_ID_KE, 1, 14, 110, 2);
    /* typed summary */
    const vs_ikev2_msg *m = &f->m;
    cr_assert(m->has_sa);
    cr_assert_eq(m->n_proposals, 2);
    cr_assert_eq(m->proposals[0].number, 1);
    cr_assert_eq(m->proposals[0].proto_id, VS_IKEV2_PROTO_IKE);
    cr_assert_eq(m->proposals[0].n_transforms, 3);
    assert_span(m->proposals[0].span, 32, 36);
    assert_tf(&m->proposals[0].transforms[0], 1, 20, 256);
    assert_tf(&m->proposals[0].transforms[1], 2, 5, 0);
    assert_tf(&m->proposals[0].transforms[2], 4, 31, 0);
    cr_assert_eq(m->proposals[1].n_transforms, 4);
    cr_assert_eq(m->proposals[1].num_transforms, 4);
    assert_tf(&m->proposals[1].transforms[0], 1, 12, 128);
    assert_tf(&m->proposals[1].transforms[1], 3, 12, 0);
    assert_tf(&m->proposals[1].transforms[2], 2, 2, 0);
    assert_tf(&m->proposals[1].transforms[3], 4, 14, 0);
    cr_assert_str_eq(vs_ikev2_transform_name(1, 20), "ENCR_AES_GCM_16");
    cr_assert_str_eq(vs_ikev2_transform_name(3, 12), "AUTH_HMAC_SHA2_256_128");
    cr_assert_str_eq(vs_ikev2_transform_name(2, 5), "PRF_HMAC_SHA2_256");
    cr_assert_str_eq(vs_ikev2_transform_name(4, 14), "2048-bit MODP Group (group 14)");
    cr_assert_str_eq(vs_ikev2_transform_name(1, 28), "ENCR_CHACHA20_POLY1305");
    cr_assert_str_eq(vs_ikev2_transform_name(1, 16), "ENCR_AES_CCM_16");
    cr_assert_str_eq(vs_ikev2_transform_name(5, 1), "Partially Transmitted 64-bit Sequential Numbers (ESN)");
    cr_assert_str_eq(vs_ikev2_transform_name(7, 36), "ML-KEM-768");
    cr_assert_null(vs_ikev2_transform_name(13, 1));
    done(f);
}

Test(ikev2, sa_init_request_truncations) { truncations_msg(v_sa_init_req); }

Test(ikev2, sa_init_cookie)
{
    fixture *f = run_msg(v_sa_init_cookie, true);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    ASSERT_ITEM(f, IKEV2_FLAGS, 0, 0x20, 19, 1);
    ASSERT_ITEM(f, IKEV2_FLAG_RESPONSE, 0, 1, 19, 1);
    ASSERT_ITEM(f, IKEV2_FLAG_INITIATOR, 0, 0, 19, 1);
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 0, 41, 28, 24);
    ASSERT_ITEM(f, IKEV2_N_TYPE, 0, 16390, 34, 2);
    ASSERT_ITEM(f, IKEV2_N_DATA, 0, 16, 36, 16);
    cr_assert(f->m.response);
    cr_assert_eq(f->m.n_notifies, 1);
    cr_assert_eq(f->m.notifies[0].type, VS_IKEV2_N_COOKIE);
    assert_span(f->m.notifies[0].data, 36, 16);
    done(f);
}

Test(ikev2, sa_init_cookie_truncations) { truncations_msg(v_sa_init_cookie); }

Test(ikev2, sa_init_invalid_ke)
{
    fixture *f = run_msg(v_sa_init_invalid_ke, true);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    ASSERT_ITEM(f, IKEV2_N_TYPE, 0, 17, 34, 2);
    ASSERT_ITEM(f, IKEV2_N_DATA, 0, 2, 36, 2);
    ASSERT_ITEM(f, IKEV2_N_KE_GROUP, 0, 19, 36, 2);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_notify_type, 17), "INVALID_KE_PAYLOAD");
    done(f);
}

Test(ikev2, sa_init_invalid_ke_truncations) { truncations_msg(v_sa_init_invalid_ke); }

Test(ikev2, sa_init_response)
{
    fixture *f = run_msg(v_sa_init_resp, true);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    ASSERT_ITEM(f, IKEV2_RSPI, 0, 0x1112131415161718ull, 8, 8);
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 3, 38, 144, 45);
    ASSERT_ITEM(f, IKEV2_CERTREQ_ENCODING, 0, 4, 148, 1);
    ASSERT_ITEM(f, IKEV2_CERTREQ_CA, 0, 20, 149, 20);
    ASSERT_ITEM(f, IKEV2_CERTREQ_CA, 1, 20, 169, 20);
    ASSERT_ITEM(f, IKEV2_N_TYPE, 0, 16430, 195, 2);
    ASSERT_ITEM(f, IKEV2_N_TYPE, 1, 16431, 203, 2);
    ASSERT_ITEM(f, IKEV2_N_HASH_ALG, 0, 2, 205, 2);
    ASSERT_ITEM(f, IKEV2_N_HASH_ALG, 1, 3, 207, 2);
    ASSERT_ITEM(f, IKEV2_N_HASH_ALG, 2, 4, 209, 2);
    ASSERT_ITEM(f, IKEV2_VID, 0, 55, 215, 55);
    ASSERT_ITEM(f, IKEV2_VID_VENDOR, 0, 3, 215, 16);
    ASSERT_ITEM(f, IKEV2_VID, 1, 17, 274, 17);
    ASSERT_ITEM(f, IKEV2_VID_VENDOR, 1, 4, 274, 17);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_vendor, 4), "Cisco FlexVPN (FLEXVPN-SUPPORTED)");
    cr_assert_eq(f->m.n_payloads, 8);
    cr_assert_eq(f->m.n_proposals, 1);
    assert_tf(&f->m.proposals[0].transforms[0], 1, 20, 256);
    done(f);
}

Test(ikev2, sa_init_response_truncations) { truncations_msg(v_sa_init_resp); }

/* ---------------------------------------------------------------------- */
/* IKE_AUTH with SK, SKF */

Test(ikev2, ike_auth_sk)
{
    fixture *f = run_msg(v_ike_auth_sk, true);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    ASSERT_ITEM(f, IKEV2_EXCH_TYPE, 0, 35, 18, 1);
    ASSERT_ITEM(f, IKEV2_MSGID, 0, 1, 20, 4);
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 0, 46, 28, 84);
    ASSERT_ITEM(f, IKEV2_PL_NEXT, 0, 35, 28, 1);
    ASSERT_ITEM(f, IKEV2_SK_DATA, 0, 80, 32, 80);
    cr_assert_eq(vs_count(T(f), VS_F_IKEV2_PAYLOAD), 1, "the chain stops at SK");
    const vs_ikev2_msg *m = &f->m;
    cr_assert(m->has_sk);
    cr_assert(!m->is_fragment);
    cr_assert_eq(m->sk_first_payload, VS_IKEV2_PL_IDI);
    assert_span(m->sk_payload, 28, 84);
    assert_span(m->sk_data, 32, 80);
    /* AES-CBC: 16-byte IV; HMAC-SHA2-256-128: 16-byte ICV */
    vs_ikev2_sk_parts p;
    size_t before = T(f)->n_items;
    cr_assert_eq(vs_ikev2_sk_split(m->sk_data, 16, 16, T(f), &p), VS_OK);
    assert_span(p.iv, 32, 16);
    assert_span(p.ciphertext, 48, 48);
    assert_span(p.icv, 96, 16);
    cr_assert_eq(T(f)->n_items, before + 3);
    ASSERT_ITEM(f, IKEV2_SK_IV, 0, 16, 32, 16);
    ASSERT_ITEM(f, IKEV2_SK_CIPHERTEXT, 0, 48, 48, 48);
    ASSERT_ITEM(f, IKEV2_SK_ICV, 0, 16, 96, 16);
    /* AES-GCM-16: 8-byte IV, 16-byte ICV; without a tree */
    cr_assert_eq(vs_ikev2_sk_split(m->sk_data, 8, 16, NULL, &p), VS_OK);
    assert_span(p.ciphertext, 40, 56);
    done(f);
}

Test(ikev2, ike_auth_sk_split_too_short)
{
    fixture *f = run_msg(v_ike_auth_sk, true);
    vs_ikev2_sk_parts p;
    cr_assert_eq(vs_ikev2_sk_split(f->m.sk_data, 64, 17, T(f), &p), VS_MALFORMED);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_SK_SHORT));
    cr_assert_eq(vs_ikev2_sk_split(f->m.sk_data, 81, 0, NULL, &p), VS_MALFORMED);
    cr_assert_eq(vs_ikev2_sk_split(f->m.sk_data, 0, 80, NULL, &p), VS_OK);
    assert_span(p.ciphertext, 32, 0);
    done(f);
}

Test(ikev2, ike_auth_sk_truncations) { truncations_msg(v_ike_auth_sk); }

Test(ikev2, skf_fragment)
{
    fixture *f = run_msg(v_skf, true);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    ASSERT_ITEM(f, IKEV2_NEXT_PAYLOAD, 0, 53, 16, 1);
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 0, 53, 28, 72);
    ASSERT_ITEM(f, IKEV2_SKF_NUMBER, 0, 1, 32, 2);
    ASSERT_ITEM(f, IKEV2_SKF_TOTAL, 0, 3, 34, 2);
    ASSERT_ITEM(f, IKEV2_SK_DATA, 0, 64, 36, 64);
    const vs_ikev2_msg *m = &f->m;
    cr_assert(m->has_sk);
    cr_assert(m->is_fragment);
    cr_assert_eq(m->frag_number, 1);
    cr_assert_eq(m->frag_total, 3);
    cr_assert_eq(m->sk_first_payload, VS_IKEV2_PL_IDI);
    assert_span(m->sk_data, 36, 64);
    done(f);
}

Test(ikev2, skf_fragment_truncations) { truncations_msg(v_skf); }

Test(ikev2, skf_number_above_total)
{
    size_t n;
    uint8_t *b = patched(v_skf, &n, 33, 4, -1); /* fragment 4 of 3 */
    fixture *f = run_msg_bytes(b, n, true);
    cr_assert_eq(f->st, VS_OK, "the layout can still be followed");
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_SKF_NUMBER));
    done(f);
    b = patched(v_skf, &n, 33, 0, -1); /* fragment 0 */
    f = run_msg_bytes(b, n, true);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_SKF_NUMBER));
    done(f);
}

/* ---------------------------------------------------------------------- */
/* Decrypted bodies (vs_ikev2_decode_payloads) */

Test(ikev2, create_child_sa_body)
{
    fixture *f = run_body(v_child_body, VS_IKEV2_PL_NOTIFY);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    cr_assert_eq(vs_count(T(f), VS_F_IKEV2), 0, "no protocol root for a bare chain");
    static const struct { uint8_t type; uint32_t off, len; } want[] = {
        {41, 0, 12}, {33, 12, 44}, {40, 56, 20}, {44, 76, 24}, {45, 100, 64}};
    cr_assert_eq(f->m.n_payloads, 5);
    for (size_t i = 0; i < 5; i++) {
        ASSERT_ITEM(f, IKEV2_PAYLOAD, i, want[i].type, want[i].off, want[i].len);
        cr_assert(f->m.payloads[i].inner);
    }
    /* N(REKEY_SA) with an ESP SPI */
    ASSERT_ITEM(f, IKEV2_N_PROTO, 0, 3, 4, 1);
    ASSERT_ITEM(f, IKEV2_N_SPI_SIZE, 0, 4, 5, 1);
    ASSERT_ITEM(f, IKEV2_N_TYPE, 0, 16393, 6, 2);
    ASSERT_ITEM(f, IKEV2_N_SPI, 0, 0xc0ffee00, 8, 4);
    cr_assert_eq(f->m.notifies[0].spi, 0xc0ffee00);
    cr_assert_eq(f->m.notifies[0].proto_id, VS_IKEV2_PROTO_ESP);
    /* SA: ESP proposal with SPI */
    ASSERT_ITEM(f, IKEV2_PROPOSAL, 0, 1, 16, 40);
    ASSERT_ITEM(f, IKEV2_PROP_PROTO, 0, 3, 21, 1);
    ASSERT_ITEM(f, IKEV2_PROP_SPI_SIZE, 0, 4, 22, 1);
    ASSERT_ITEM(f, IKEV2_PROP_SPI, 0, 0xc0ffee01, 24, 4);
    ASSERT_ITEM(f, IKEV2_TF_ID_SN, 0, 0, 54, 2);
    cr_assert_eq(f->m.n_proposals, 1);
    cr_assert_eq(f->m.proposals[0].spi, 0xc0ffee01);
    assert_tf(&f->m.proposals[0].transforms[0], 1, 12, 128);
    assert_tf(&f->m.proposals[0].transforms[1], 3, 12, 0);
    assert_tf(&f->m.proposals[0].transforms[2], 5, 0, 0);
    cr_assert_eq(f->m.n_spis, 2);
    cr_assert_eq(f->m.spis[0].source, VS_IKEV2_SPI_NOTIFY);
    cr_assert_eq(f->m.spis[0].value, 0xc0ffee00);
    assert_span(f->m.spis[0].span, 8, 4);
    cr_assert_eq(f->m.spis[1].source, VS_IKEV2_SPI_PROPOSAL);
    cr_assert_eq(f->m.spis[1].proto_id, 3);
    cr_assert_eq(f->m.spis[1].value, 0xc0ffee01);
    assert_span(f->m.spis[1].span, 24, 4);
    /* Ni */
    ASSERT_ITEM(f, IKEV2_NONCE, 0, 16, 60, 16);
    /* TSi: 10.0.1.0 - 10.0.1.255, any protocol, all ports */
    ASSERT_ITEM(f, IKEV2_TS_NUM, 0, 1, 80, 1);
    ASSERT_ITEM(f, IKEV2_TS_RESERVED, 0, 0, 81, 3);
    ASSERT_ITEM(f, IKEV2_TS, 0, 7, 84, 16);
    ASSERT_ITEM(f, IKEV2_TS_TYPE, 0, 7, 84, 1);
    ASSERT_ITEM(f, IKEV2_TS_PROTO, 0, 0, 85, 1);
    ASSERT_ITEM(f, IKEV2_TS_LENGTH, 0, 16, 86, 2);
    ASSERT_ITEM(f, IKEV2_TS_START_PORT, 0, 0, 88, 2);
    ASSERT_ITEM(f, IKEV2_TS_END_PORT, 0, 65535, 90, 2);
    ASSERT_ITEM(f, IKEV2_TS_START_V4, 0, 4, 92, 4);
    ASSERT_ITEM(f, IKEV2_TS_END_V4, 0, 4, 96, 4);
    static const uint8_t a0[] = {10, 0, 1, 0}, a1[] = {10, 0, 1, 255};
    cr_assert_arr_eq(f->buf + 92, a0, 4);
    cr_assert_arr_eq(f->buf + 96, a1, 4);
    /* TSr: TCP 443 to 192.168.1.1, and IPv6 2001:db8::/112 */
    ASSERT_ITEM(f, IKEV2_TS_NUM, 1, 2, 104, 1);
    ASSERT_ITEM(f, IKEV2_TS, 1, 7, 108, 16);
    ASSERT_ITEM(f, IKEV2_TS_PROTO, 1, 6, 109, 1);
    ASSERT_ITEM(f, IKEV2_TS_START_PORT, 1, 443, 112, 2);
    ASSERT_ITEM(f, IKEV2_TS_END_PORT, 1, 443, 114, 2);
    ASSERT_ITEM(f, IKEV2_TS_START_V4, 1, 4, 116, 4);
    ASSERT_ITEM(f, IKEV2_TS, 2, 8, 124, 40);
    ASSERT_ITEM(f, IKEV2_TS_LENGTH, 2, 40, 126, 2);
    ASSERT_ITEM(f, IKEV2_TS_START_V6, 0, 16, 132, 16);
    ASSERT_ITEM(f, IKEV2_TS_END_V6, 0, 16, 148, 16);
    cr_assert_eq(f->buf[148], 0x20);
    cr_assert_eq(f->buf[163], 0xff);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_ts_type, 8), "TS_IPV6_ADDR_RANGE");
    done(f);
}

Test(ikev2, create_child_sa_body_truncations) { truncations_body(v_child_body, VS_IKEV2_PL_NOTIFY); }

Test(ikev2, decrypted_body_appends_to_message)
{
    /* The analyzer's path: outer message first, then the decrypted SK body into
     * the same result. */
    fixture *f = run_msg(v_ike_auth_sk, true);
    size_t n;
    uint8_t *body = vs_hex(v_child_body, &n);
    vs_cursor c;
    vs_cur_init(&c, body, n, n);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, f->m.sk_first_payload == 35 ? 41 : 0, NULL, &f->m), VS_OK);
    cr_assert_eq(f->m.n_payloads, 6);
    cr_assert(!f->m.payloads[0].inner);
    cr_assert_eq(f->m.payloads[0].type, 46);
    cr_assert(f->m.payloads[1].inner);
    cr_assert_eq(f->m.payloads[5].type, 45);
    cr_assert(f->m.has_sk, "outer SK record kept");
    cr_assert_eq(f->m.n_proposals, 1);
    free(body);
    done(f);
}

Test(ikev2, informational_delete_body)
{
    fixture *f = run_body(v_info_delete_body, VS_IKEV2_PL_DELETE);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 0, 42, 0, 16);
    ASSERT_ITEM(f, IKEV2_D_PROTO, 0, 3, 4, 1);
    ASSERT_ITEM(f, IKEV2_D_SPI_SIZE, 0, 4, 5, 1);
    ASSERT_ITEM(f, IKEV2_D_NUM_SPIS, 0, 2, 6, 2);
    ASSERT_ITEM(f, IKEV2_D_SPI, 0, 0xc0ffee01, 8, 4);
    ASSERT_ITEM(f, IKEV2_D_SPI, 1, 0x0badf00d, 12, 4);
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 1, 42, 16, 8);
    ASSERT_ITEM(f, IKEV2_D_PROTO, 1, 1, 20, 1);
    ASSERT_ITEM(f, IKEV2_D_SPI_SIZE, 1, 0, 21, 1);
    ASSERT_ITEM(f, IKEV2_D_NUM_SPIS, 1, 0, 22, 2);
    cr_assert_eq(vs_count(T(f), VS_F_IKEV2_D_SPI), 2);
    cr_assert_eq(f->m.n_spis, 2);
    cr_assert_eq(f->m.spis[0].source, VS_IKEV2_SPI_DELETE);
    cr_assert_eq(f->m.spis[0].proto_id, VS_IKEV2_PROTO_ESP);
    cr_assert_eq(f->m.spis[1].value, 0x0badf00d);
    assert_span(f->m.spis[1].span, 12, 4);
    done(f);
}

Test(ikev2, informational_delete_body_truncations) { truncations_body(v_info_delete_body, VS_IKEV2_PL_DELETE); }

Test(ikev2, ike_auth_request_body_id_cp)
{
    fixture *f = run_body(v_auth_req_body, VS_IKEV2_PL_IDI);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    ASSERT_ITEM(f, IKEV2_ID_TYPE, 0, 2, 4, 1);
    ASSERT_ITEM(f, IKEV2_ID_RESERVED, 0, 0, 5, 3);
    ASSERT_ITEM(f, IKEV2_ID_FQDN, 0, 18, 8, 18);
    cr_assert_eq(memcmp(f->buf + 8, "client.example.com", 18), 0);
    cr_assert_eq(f->m.id_type_i, 2);
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 1, 47, 26, 32);
    ASSERT_ITEM(f, IKEV2_CP_TYPE, 0, 1, 30, 1);
    ASSERT_ITEM(f, IKEV2_CP_RESERVED, 0, 0, 31, 3);
    cr_assert_eq(vs_count(T(f), VS_F_IKEV2_CP_ATTR), 4);
    ASSERT_ITEM(f, IKEV2_CP_ATTR, 0, 1, 34, 4);
    ASSERT_ITEM(f, IKEV2_CP_ATTR_TYPE, 0, 1, 34, 2);
    ASSERT_ITEM(f, IKEV2_CP_ATTR_LENGTH, 0, 0, 36, 2);
    ASSERT_ITEM(f, IKEV2_CP_ATTR, 1, 3, 38, 4);
    ASSERT_ITEM(f, IKEV2_CP_ATTR, 2, 8, 42, 4);
    ASSERT_ITEM(f, IKEV2_CP_ATTR, 3, 7, 46, 12);
    ASSERT_ITEM(f, IKEV2_CP_ATTR_LENGTH, 3, 8, 48, 2);
    ASSERT_ITEM(f, IKEV2_CP_STRING, 0, 8, 50, 8);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_cfg_type, 1), "CFG_REQUEST");
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_cfg_attr, 7), "APPLICATION_VERSION");
    done(f);
}

Test(ikev2, ike_auth_request_body_truncations) { truncations_body(v_auth_req_body, VS_IKEV2_PL_IDI); }

Test(ikev2, ike_auth_response_body_auth_eap_cp)
{
    fixture *f = run_body(v_auth_resp_body, VS_IKEV2_PL_IDR);
    cr_assert_eq(f->st, VS_OK);
    no_problems(f);
    ASSERT_ITEM(f, IKEV2_ID_TYPE, 0, 1, 4, 1);
    ASSERT_ITEM(f, IKEV2_ID_IPV4, 0, 4, 8, 4);
    cr_assert_eq(f->m.id_type_r, 1);
    ASSERT_ITEM(f, IKEV2_AUTH_METHOD, 0, 2, 16, 1);
    ASSERT_ITEM(f, IKEV2_AUTH_RESERVED, 0, 0, 17, 3);
    ASSERT_ITEM(f, IKEV2_AUTH_DATA, 0, 32, 20, 32);
    cr_assert_eq(f->m.auth_method, 2);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_auth_method, 2), "Shared Key Message Integrity Code");
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 2, 48, 52, 9);
    ASSERT_ITEM(f, IKEV2_EAP_CODE, 0, 1, 56, 1);
    ASSERT_ITEM(f, IKEV2_EAP_ID, 0, 7, 57, 1);
    ASSERT_ITEM(f, IKEV2_EAP_LENGTH, 0, 5, 58, 2);
    ASSERT_ITEM(f, IKEV2_EAP_TYPE, 0, 1, 60, 1);
    cr_assert_str_eq(vs_val_name(vs_vals_ikev2_eap_type, 1), "Identity");
    ASSERT_ITEM(f, IKEV2_CP_TYPE, 0, 2, 65, 1);
    ASSERT_ITEM(f, IKEV2_CP_ATTR, 0, 1, 69, 8);
    ASSERT_ITEM(f, IKEV2_CP_IPV4, 0, 4, 73, 4);
    static const uint8_t ip[] = {10, 10, 10, 5};
    cr_assert_arr_eq(f->buf + 73, ip, 4);
    ASSERT_ITEM(f, IKEV2_CP_ATTR, 1, 13, 77, 12);
    ASSERT_ITEM(f, IKEV2_CP_IPV4, 1, 4, 81, 4);
    ASSERT_ITEM(f, IKEV2_CP_IPV4_MASK, 0, 4, 85, 4);
    ASSERT_ITEM(f, IKEV2_CP_ATTR, 2, 8, 89, 21);
    ASSERT_ITEM(f, IKEV2_CP_IPV6, 0, 16, 93, 16);
    ASSERT_ITEM(f, IKEV2_CP_IPV6_PREFIX, 0, 64, 109, 1);
    done(f);
}

Test(ikev2, ike_auth_response_body_truncations) { truncations_body(v_auth_resp_body, VS_IKEV2_PL_IDR); }

/* ---------------------------------------------------------------------- */
/* Contradictory lengths: MALFORMED */

static void expect_malformed(uint8_t *b, size_t n, bool exact, vs_problem_id p)
{
    fixture *f = run_msg_bytes(b, n, exact);
    cr_assert_eq(f->st, VS_MALFORMED, "status %s, want malformed", vs_status_name(f->st));
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_MALFORMED), "malformed reported");
    if (p != VS_P__COUNT)
        cr_assert(vs_has_problem(T(f), p), "problem %s reported", vs_problems[p].name);
    done(f);
}

Test(ikev2_malformed, header_length_below_28)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_cookie, &n, 27, 20, -1);
    expect_malformed(b, n, false, VS_P_IKEV2_HDR_LENGTH);
}

Test(ikev2_malformed, header_length_beyond_udp_payload)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_cookie, &n, 27, 60, -1); /* 60 > the 52 bytes the PDU has */
    expect_malformed(b, n, true, VS_P__COUNT);
    /* Without a known PDU length the same bytes are a cut capture. */
    b = patched(v_sa_init_cookie, &n, 27, 60, -1);
    fixture *f = run_msg_bytes(b, n, false);
    cr_assert_eq(f->st, VS_TRUNCATED);
    done(f);
}

Test(ikev2_malformed, payload_length_beyond_message)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_cookie, &n, 31, 0x20, -1); /* N length 32 > 24 left */
    expect_malformed(b, n, true, VS_P__COUNT);
}

Test(ikev2_malformed, payload_length_below_header)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_cookie, &n, 31, 2, -1);
    expect_malformed(b, n, true, VS_P_IKEV2_PAYLOAD_SHORT);
}

Test(ikev2_malformed, payload_length_below_type_minimum)
{
    /* A Notify of 6 bytes cannot hold its 4-byte fixed part. */
    size_t n;
    uint8_t *b = patched(v_sa_init_invalid_ke, &n, 27, 34, 31, 6, -1);
    fixture *f = run_msg_bytes(b, n, false);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_PAYLOAD_SHORT));
    done(f);
}

Test(ikev2_malformed, proposal_length_beyond_sa)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_req, &n, 71, 0x30, -1); /* proposal 2: 48 > 44 */
    fixture *f = run_msg_bytes(b, n, true);
    cr_assert_eq(f->st, VS_MALFORMED);
    /* The SA payload's own length still delimits it: the chain goes on. */
    ASSERT_ITEM(f, IKEV2_KE_GROUP, 0, 31, 116, 2);
    cr_assert_eq(f->m.n_payloads, 6);
    cr_assert_eq(vs_count(T(f), VS_F_IKEV2_N_TYPE), 2);
    const vs_problem_rec *pr = NULL;
    for (size_t i = 0; i < T(f)->n_problems; i++)
        if (T(f)->problems[i].problem == VS_P_IKEV2_MALFORMED)
            pr = &T(f)->problems[i];
    cr_assert_not_null(pr);
    cr_assert_eq(vs_count(T(f), VS_F_IKEV2_TRANSFORM), 3, "no transform of the broken proposal");
    done(f);
}

Test(ikev2_malformed, transform_length_beyond_proposal)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_req, &n, 63, 0x10, -1);
    expect_malformed(b, n, true, VS_P__COUNT);
}

Test(ikev2_malformed, transform_length_below_minimum)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_req, &n, 63, 4, -1);
    expect_malformed(b, n, true, VS_P_IKEV2_PAYLOAD_SHORT);
}

Test(ikev2_malformed, attribute_tlv_length_beyond_transform)
{
    size_t n;
    /* Key Length turned into a TLV attribute claiming 256 bytes. */
    uint8_t *b = patched(v_sa_init_req, &n, 48, 0x00, 50, 0x01, 51, 0x00, -1);
    fixture *f = run_msg_bytes(b, n, true);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_SA_ATTR_FORMAT));
    done(f);
}

Test(ikev2_malformed, notify_spi_size_beyond_payload)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_cookie, &n, 33, 32, -1);
    expect_malformed(b, n, true, VS_P__COUNT);
}

Test(ikev2_malformed, ts_selector_length_contradicts_type)
{
    size_t n;
    uint8_t *b = vs_hex(v_child_body, &n);
    b[87] = 20; /* TSi selector: 20 bytes for an IPv4 range of 16 */
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, n, n);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, 41, &tt.t, NULL), VS_MALFORMED);
    cr_assert(vs_has_problem(&tt.t, VS_P_IKEV2_TS_LENGTH));
    cr_assert_eq(vs_count(&tt.t, VS_F_IKEV2_PAYLOAD), 5, "TSr still decoded");
    free(b);
}

Test(ikev2_malformed, eap_length_contradicts_payload)
{
    size_t n;
    uint8_t *b = vs_hex(v_auth_resp_body, &n);
    b[59] = 9;
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, n, n);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, 36, &tt.t, NULL), VS_MALFORMED);
    cr_assert(vs_has_problem(&tt.t, VS_P_IKEV2_EAP_LENGTH));
    free(b);
}

static void delete_count(uint8_t num, vs_status want)
{
    size_t n;
    uint8_t *b = vs_hex(v_info_delete_body, &n);
    b[7] = num;
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, n, n);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, 42, &tt.t, NULL), want, "num %u", num);
    cr_assert(vs_has_problem(&tt.t, VS_P_IKEV2_DELETE_COUNT));
    free(b);
}

Test(ikev2_malformed, delete_count_contradicts_length)
{
    delete_count(3, VS_MALFORMED); /* 12 bytes of SPIs announced, 8 present */
    delete_count(1, VS_MALFORMED); /* 4 announced, 8 present */
}

Test(ikev2_malformed, delete_empty_spi_with_huge_count)
{
    /* SPI size 0 and 65535 SPIs: nothing to read, no loop over empty SPIs. */
    size_t n;
    uint8_t *b = vs_hex(v_info_delete_body, &n);
    b[22] = 0xff;
    b[23] = 0xff;
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, n, n);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, 42, &tt.t, NULL), VS_OK);
    cr_assert(vs_has_problem(&tt.t, VS_P_IKEV2_DELETE_COUNT));
    cr_assert_eq(vs_count(&tt.t, VS_F_IKEV2_D_SPI), 2);
    free(b);
}

Test(ikev2_malformed, cp_attribute_length_beyond_payload)
{
    size_t n;
    uint8_t *b = vs_hex(v_auth_req_body, &n);
    b[49] = 9; /* APPLICATION_VERSION claims 9 bytes, 8 present */
    vs_cursor c;
    vs_cur_init(&c, b, n, n);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, 35, NULL, NULL), VS_MALFORMED);
    free(b);
}

Test(ikev2_malformed, next_payload_announced_but_message_ends)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_cookie, &n, 28, 43, -1); /* N says a VID follows */
    expect_malformed(b, n, false, VS_P_IKEV2_CHAIN_CUT);
}

/* ---------------------------------------------------------------------- */
/* Semantic problems: reported, status unchanged */

Test(ikev2_problems, unknown_payload_skipped)
{
    /* Header + a private-use payload 200 (not critical) with 4 bytes of data. */
    fixture *f = run_msg("0102030405060708 0000000000000000 c8 20 22 08 00000000 00000024"
                         "00 00 0008 deadbeef", true);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_PAYLOAD_UNKNOWN));
    cr_assert(!vs_has_problem(T(f), VS_P_IKEV2_PAYLOAD_UNKNOWN_CRITICAL));
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 0, 200, 28, 8);
    ASSERT_ITEM(f, IKEV2_PL_DATA, 0, 4, 32, 4);
    cr_assert_eq(f->m.payloads[0].type, 200);
    cr_assert(!f->m.payloads[0].critical);
    done(f);
}

Test(ikev2_problems, unknown_critical_payload)
{
    fixture *f = run_msg("0102030405060708 0000000000000000 c8 20 22 08 00000000 00000024"
                         "00 80 0008 deadbeef", true);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_PAYLOAD_UNKNOWN_CRITICAL));
    ASSERT_ITEM(f, IKEV2_PL_CRITICAL, 0, 1, 29, 1);
    cr_assert(f->m.payloads[0].critical);
    done(f);
}

Test(ikev2_problems, reserved_bits_and_flags)
{
    size_t n;
    /* reserved header flag 0x01, payload reserved bit 0x01 */
    uint8_t *b = patched(v_sa_init_cookie, &n, 19, 0x21, 29, 0x01, -1);
    fixture *f = run_msg_bytes(b, n, true);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_FLAGS_RESERVED_SET));
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_RESERVED_NONZERO));
    ASSERT_ITEM(f, IKEV2_FLAGS_RESERVED, 0, 1, 19, 1);
    ASSERT_ITEM(f, IKEV2_PL_RESERVED, 0, 1, 29, 1);
    done(f);
}

Test(ikev2_problems, bad_version_and_exchange)
{
    size_t n;
    uint8_t *b = patched(v_sa_init_cookie, &n, 17, 0x10, 18, 33, -1);
    fixture *f = run_msg_bytes(b, n, true);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_BAD_VERSION));
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_EXCH_UNKNOWN));
    cr_assert_eq(f->m.major, 1);
    done(f);
}

Test(ikev2_problems, trailing_and_extra_data)
{
    /* Bytes after the message length (e.g. more UDP payload): a note. */
    fixture *f = run_msg("0102030405060708 0000000000000000 29 20 22 20 00000000 00000026"
                         "0000000a 00000011 0013 aabbccdd", true);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_TRAILING_DATA));
    ASSERT_ITEM(f, IKEV2, 0, 0, 0, 38);
    done(f);
    /* Bytes inside the message length after the last payload. */
    f = run_msg("0102030405060708 0000000000000000 29 20 22 20 00000000 0000002a"
                "0000000a 00000011 0013 aabbccdd", true);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_EXTRA_DATA));
    done(f);
}

Test(ikev2_problems, sk_not_last)
{
    /* SK followed by 4 more bytes inside the message length. */
    size_t n;
    uint8_t *b = vs_hex(v_ike_auth_sk, &n);
    uint8_t *b2 = calloc(1, n + 4);
    memcpy(b2, b, n);
    free(b);
    b2[27] = (uint8_t)(n + 4);
    fixture *f = run_msg_bytes(b2, n + 4, true);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_SK_NOT_LAST));
    done(f);
}

Test(ikev2_problems, sa_structure)
{
    size_t n;
    /* proposal 1 says "last" while proposal 2 follows; proposal 2 numbered 5;
     * proposal 1 announces 4 transforms but has 3 */
    uint8_t *b = patched(v_sa_init_req, &n, 32, 0, 72, 5, 39, 4, -1);
    fixture *f = run_msg_bytes(b, n, true);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_SA_LAST_SUBSTRUC));
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_SA_PROPOSAL_NUMBER));
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_SA_TRANSFORM_COUNT));
    cr_assert_eq(f->m.n_proposals, 2);
    done(f);
}

Test(ikev2_problems, spi_sizes)
{
    size_t n;
    /* Delete ESP with 8-byte SPIs: one SPI of 8 bytes fits the length. */
    uint8_t *b = vs_hex(v_info_delete_body, &n);
    b[5] = 8;
    b[7] = 1;
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_ikev2_msg m;
    vs_ikev2_msg_init(&m);
    vs_cursor c;
    vs_cur_init(&c, b, n, n);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, 42, &tt.t, &m), VS_OK);
    cr_assert(vs_has_problem(&tt.t, VS_P_IKEV2_DELETE_SPI_SIZE));
    vs_assert_item(&tt.t, VS_F_IKEV2_D_SPI, 0, 0xc0ffee010badf00dull, 8, 8);
    cr_assert_eq(m.spis[0].value, 0xc0ffee010badf00dull);
    free(b);
    /* ESP proposal with a 2-byte SPI (proposal length adjusted). */
    b = vs_hex(v_child_body, &n);
    b[22] = 2;
    b[19] = 38; /* proposal length */
    b[15] = 42; /* SA payload length */
    uint8_t *b2 = malloc(n);
    memcpy(b2, b, 26);
    memcpy(b2 + 26, b + 28, n - 28);
    vs_test_tree_init(&tt, b2);
    vs_cur_init(&c, b2, n - 2, n - 2);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, 41, &tt.t, NULL), VS_OK);
    cr_assert(vs_has_problem(&tt.t, VS_P_IKEV2_SA_SPI_SIZE));
    vs_assert_item(&tt.t, VS_F_IKEV2_PROP_SPI, 0, 0xc0ff, 24, 2);
    free(b);
    free(b2);
}

Test(ikev2_problems, nonce_size_and_ts_range)
{
    size_t n;
    uint8_t *b = vs_hex(v_child_body, &n);
    b[95] = 0xff; /* TSi start 10.0.1.255 ... */
    b[99] = 0x00; /* ... end 10.0.1.0 */
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, n, n);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, 41, &tt.t, NULL), VS_OK);
    cr_assert(vs_has_problem(&tt.t, VS_P_IKEV2_TS_RANGE));
    free(b);
    /* 8-byte nonce */
    fixture *f = run_body("0000000c 0001020304050607", VS_IKEV2_PL_NONCE);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(T(f), VS_P_IKEV2_NONCE_SIZE));
    done(f);
    /* Opaque ports (start 65535, end 0) are not an inverted range. */
    b = vs_hex(v_child_body, &n);
    b[88] = 0xff, b[89] = 0xff, b[90] = 0, b[91] = 0;
    vs_test_tree_init(&tt, b);
    vs_cur_init(&c, b, n, n);
    cr_assert_eq(vs_ikev2_decode_payloads(&c, 41, &tt.t, NULL), VS_OK);
    cr_assert(!vs_has_problem(&tt.t, VS_P_IKEV2_TS_RANGE));
    free(b);
}

Test(ikev2_problems, capacity_overflow_is_counted)
{
    /* 70 Notify payloads: the typed result keeps 64 (and 32 notifies), the
     * tree gets all of them, the totals count all. */
    size_t n = 28 + 70 * 8;
    uint8_t *b = calloc(1, n);
    static const uint8_t hdr[] = {1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 41, 0x20, 37, 0x08};
    memcpy(b, hdr, sizeof hdr);
    b[26] = (uint8_t)(n >> 8);
    b[27] = (uint8_t)n;
    for (int i = 0; i < 70; i++) {
        uint8_t *p = b + 28 + 8 * i;
        p[0] = i < 69 ? 41 : 0;
        p[3] = 8;
        p[6] = 0x40; /* INITIAL_CONTACT */
    }
    fixture *f = run_msg_bytes(b, n, true);
    cr_assert_eq(f->st, VS_OK);
    cr_assert_eq(f->m.n_payloads, VS_IKEV2_MAX_PAYLOADS);
    cr_assert_eq(f->m.n_payloads_total, 70);
    cr_assert_eq(f->m.n_notifies, VS_IKEV2_MAX_NOTIFIES);
    cr_assert_eq(f->m.n_notifies_total, 70);
    cr_assert_eq(vs_count(T(f), VS_F_IKEV2_N_TYPE), 70);
    done(f);
}

Test(ikev2_problems, tiny_tree_storage)
{
    /* A tree too small for the message: items stop, the decode does not. */
    size_t n;
    uint8_t *b = vs_hex(v_sa_init_req, &n);
    vs_item items[10];
    vs_problem_rec probs[2];
    vs_tree t;
    vs_tree_init(&t, b, items, 10, probs, 2);
    vs_ikev2_msg m;
    vs_cursor c;
    vs_cur_init(&c, b, n, n);
    cr_assert_eq(vs_ikev2_decode(&c, &t, &m), VS_OK);
    cr_assert(t.overflow);
    cr_assert_eq(m.n_payloads, 6);
    cr_assert_eq(m.ke_group, 31);
    free(b);
}

/* ---------------------------------------------------------------------- */
/* Regressions found by fuzz_ikev2 */

/* Seed replay, first run: a payload/proposal/selector whose length field
 * claims more than the capture (or its container) holds gave its subtree a
 * span past the end of the buffer, which a plugin would then try to highlight.
 * Spans are now clamped to the captured bytes; the length item keeps the
 * claimed value. */
Test(ikev2_fuzz, span_clamped_to_capture)
{
    size_t n;
    uint8_t *b = vs_hex(v_sa_init_cookie, &n);
    fixture *f = run_msg_bytes(b, 40, false); /* capture cut inside the Notify */
    cr_assert_eq(f->st, VS_TRUNCATED);
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 0, 41, 28, 12);
    ASSERT_ITEM(f, IKEV2_PL_LENGTH, 0, 24, 30, 2);
    assert_span(f->m.payloads[0].span, 28, 12);
    done(f);
    b = patched(v_sa_init_cookie, &n, 31, 0x40, -1); /* claims 64 bytes, 24 left */
    f = run_msg_bytes(b, n, true);
    cr_assert_eq(f->st, VS_MALFORMED);
    ASSERT_ITEM(f, IKEV2_PAYLOAD, 0, 41, 28, 24);
    ASSERT_ITEM(f, IKEV2_PL_LENGTH, 0, 64, 30, 2);
    for (size_t i = 0; i < T(f)->n_items; i++)
        cr_assert_leq(T(f)->items[i].span.off + T(f)->items[i].span.len, n);
    for (size_t i = 0; i < T(f)->n_problems; i++)
        cr_assert_leq(T(f)->problems[i].span.off + T(f)->problems[i].span.len, n);
    done(f);
    b = patched(v_sa_init_req, &n, 71, 0xff, -1); /* proposal 2 claims 255 bytes */
    f = run_msg_bytes(b, n, true);
    cr_assert_eq(f->st, VS_MALFORMED);
    ASSERT_ITEM(f, IKEV2_PROPOSAL, 1, 0, 68, 44);
    done(f);
}
