#define _POSIX_C_SOURCE 200809L
/* GDOI decoder (RFC 6407 / RFC 8052): values and spans on RFC-layout
 * vectors (tests/unit/vectors/isakmp_vectors.py): GROUPKEY-PULL message 2
 * with SA(KEK, GAP, TEK, TEK), message 4 with SEQ + KD(TEK, KEK), a
 * GROUPKEY-PUSH (encrypted, then its decrypted body), truncations and
 * contradictory lengths. No public GDOI capture exists; the built-in
 * dissector's GDOI weaknesses are listed in ../shared/notes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "vpnscope/gdoi.h"
#include "vs_test.h"
#include "vectors/isakmp_vectors.h"

static vs_status dec_gdoi(const uint8_t *buf, size_t len, vs_tree *t)
{
    vs_cursor c;
    vs_cur_init(&c, buf, len, VS_LEN_UNKNOWN);
    vs_gdoi_msg *m = malloc(sizeof *m);
    vs_status st = vs_gdoi_decode(&c, t, m);
    free(m);
    return st;
}

static vs_status run(const char *hex, uint8_t **buf, size_t *len, vs_test_tree **tt, vs_gdoi_msg **m)
{
    *buf = vs_hex(hex, len);
    *tt = malloc(sizeof **tt);
    vs_test_tree_init(*tt, *buf);
    *m = malloc(sizeof **m);
    vs_cursor c;
    vs_cur_init(&c, *buf, *len, VS_LEN_UNKNOWN);
    return vs_gdoi_decode(&c, &(*tt)->t, *m);
}

#define FREE3() do { free(buf); free(tt); free(m); } while (0)

Test(gdoi, exchange_names_are_gdoi_names)
{
    /* Not "Quick Mode" / "New Group Mode" as the built-in shows them. */
    cr_assert_str_eq(vs_val_name(vs_vals_gdoi_exch_type, 32), "GROUPKEY-PULL");
    cr_assert_str_eq(vs_val_name(vs_vals_gdoi_exch_type, 33), "GROUPKEY-PUSH");
    cr_assert_str_eq(vs_val_name(vs_vals_gdoi_payload_type, 15), "SA KEK (SAK)");
    cr_assert_str_eq(vs_val_name(vs_vals_gdoi_payload_type, 22), "Group Associated Policy (GAP)");
    cr_assert_str_eq(vs_val_name(vs_vals_gdoi_kd_kek_attr, 1), "KEK_ALGORITHM_KEY");
    cr_assert_str_eq(vs_val_name(vs_vals_gdoi_kd_kek_attr, 2), "SIG_ALGORITHM_KEY");
    cr_assert_str_eq(vs_val_name(vs_vals_gdoi_kd_tek_attr, 2), "TEK_INTEGRITY_KEY");
    cr_assert_str_eq(vs_val_name(vs_vals_gdoi_kek_attr, 5), "SIG_HASH_ALGORITHM");
}

Test(gdoi, pull_message_2_sa_kek_gap_tek_tek)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_gdoi_msg *m;
    cr_assert_eq(run(pull2, &buf, &len, &tt, &m), VS_OK);
    const vs_tree *t = &tt->t;
    cr_assert_eq(t->n_problems, 0);
    vs_assert_item(t, VS_F_GDOI, 0, 0, 0, 267);
    vs_assert_item(t, VS_F_GDOI_EXCH_TYPE, 0, 32, 18, 1);
    vs_assert_item(t, VS_F_IKE_ICOOKIE, 0, 8, 0, 8);
    vs_assert_item(t, VS_F_IKE_HASH_DATA, 0, 20, 32, 20);
    vs_assert_item(t, VS_F_IKE_NONCE_DATA, 0, 16, 56, 16);
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 2, 1, 72, 195);
    vs_assert_item(t, VS_F_IKE_SA_DOI, 0, 2, 76, 4);
    vs_assert_item(t, VS_F_IKE_SA_SITUATION, 0, 0, 80, 4);
    vs_assert_item(t, VS_F_GDOI_SA_ATTR_NEXT, 0, 15, 84, 2);
    vs_assert_item(t, VS_F_GDOI_SA_RESERVED2, 0, 0, 86, 2);
    /* SA KEK */
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 3, 15, 88, 69);
    vs_assert_item(t, VS_F_IKE_NEXT_PAYLOAD, 0, 8, 16, 1);
    vs_assert_item(t, VS_F_GDOI_PL_NEXT, 0, 10, 28, 1);
    vs_assert_item(t, VS_F_GDOI_KEK_PROTOCOL, 0, 17, 92, 1);
    vs_assert_item(t, VS_F_GDOI_KEK_SRC_ID_TYPE, 0, 1, 93, 1);
    vs_assert_item(t, VS_F_GDOI_KEK_SRC_ID_PORT, 0, 848, 94, 2);
    vs_assert_item(t, VS_F_GDOI_KEK_SRC_ID_LEN, 0, 4, 96, 1);
    vs_assert_item(t, VS_F_GDOI_KEK_SRC_ID, 0, 4, 97, 4);
    vs_assert_item(t, VS_F_IKE_ID_IPV4, 0, 4, 97, 4);
    vs_assert_item(t, VS_F_GDOI_KEK_DST_ID_TYPE, 0, 1, 101, 1);
    vs_assert_item(t, VS_F_GDOI_KEK_DST_ID_PORT, 0, 848, 102, 2);
    vs_assert_item(t, VS_F_GDOI_KEK_DST_ID_LEN, 0, 4, 104, 1);
    vs_assert_item(t, VS_F_IKE_ID_IPV4, 1, 4, 105, 4);
    cr_assert_eq(buf[105], 239);
    vs_assert_item(t, VS_F_GDOI_KEK_SPI, 0, 16, 109, 16);
    vs_assert_item(t, VS_F_GDOI_KEK_RESERVED2, 0, 0, 125, 4);
    vs_assert_item(t, VS_F_GDOI_KEK_ATTR_TYPE, 0, 2, 129, 2);
    vs_assert_item(t, VS_F_GDOI_KEK_ALG, 0, 3, 131, 2);
    vs_assert_item(t, VS_F_GDOI_KEK_KEY_LEN, 0, 128, 135, 2);
    vs_assert_item(t, VS_F_GDOI_KEK_LIFETIME, 0, 86400, 141, 4);
    vs_assert_item(t, VS_F_GDOI_KEK_SIG_HASH, 0, 2, 147, 2);
    vs_assert_item(t, VS_F_GDOI_KEK_SIG_ALG, 0, 1, 151, 2);
    vs_assert_item(t, VS_F_GDOI_KEK_SIG_KEY_LEN, 0, 2048, 155, 2);
    /* GAP: the built-in drops it and everything after it */
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 4, 22, 157, 12);
    vs_assert_item(t, VS_F_GDOI_GAP_ATTR_TYPE, 0, 1, 161, 2);
    vs_assert_item(t, VS_F_GDOI_GAP_ATD, 0, 10, 163, 2);
    vs_assert_item(t, VS_F_GDOI_GAP_DTD, 0, 20, 167, 2);
    /* SA TEK, ESP */
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 5, 16, 169, 61);
    vs_assert_item(t, VS_F_GDOI_TEK_PROTOCOL_ID, 0, 1, 173, 1);
    vs_assert_item(t, VS_F_GDOI_TEK_IP_PROTOCOL, 0, 0, 174, 1);
    vs_assert_item(t, VS_F_GDOI_TEK_SRC_ID_TYPE, 0, 4, 175, 1);
    vs_assert_item(t, VS_F_GDOI_TEK_SRC_ID_LEN, 0, 8, 178, 2);
    vs_assert_item(t, VS_F_IKE_ID_IPV4, 2, 4, 180, 4);
    vs_assert_item(t, VS_F_IKE_ID_IPV4_MASK, 0, 4, 184, 4);
    vs_assert_item(t, VS_F_GDOI_TEK_DST_ID_TYPE, 0, 4, 188, 1);
    vs_assert_item(t, VS_F_GDOI_TEK_DST_ID_LEN, 0, 8, 191, 2);
    vs_assert_item(t, VS_F_GDOI_TEK_DST_ID, 0, 8, 193, 8);
    vs_assert_item(t, VS_F_GDOI_TEK_TRANSFORM_ESP, 0, 12, 201, 1);
    vs_assert_item(t, VS_F_GDOI_TEK_SPI, 0, 0x11223344, 202, 4);
    vs_assert_item(t, VS_F_IKE_IPSEC_LIFE_TYPE, 0, 1, 208, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_LIFE_DURATION, 0, 3600, 214, 4);
    vs_assert_item(t, VS_F_IKE_IPSEC_ENCAP, 0, 1, 220, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_AUTH, 0, 2, 224, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_KEY_LENGTH, 0, 128, 228, 2);
    /* SA TEK, AH */
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 6, 16, 230, 37);
    vs_assert_item(t, VS_F_GDOI_TEK_PROTOCOL_ID, 1, 2, 234, 1);
    vs_assert_item(t, VS_F_IKE_ID_IPV4, 4, 4, 241, 4);
    vs_assert_item(t, VS_F_IKE_ID_IPV4, 5, 4, 250, 4);
    vs_assert_item(t, VS_F_GDOI_TEK_TRANSFORM_AH, 0, 3, 254, 1);
    vs_assert_item(t, VS_F_GDOI_TEK_SPI, 1, 0x55667788, 255, 4);
    vs_assert_item(t, VS_F_IKE_IPSEC_AUTH, 1, 2, 261, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_ENCAP, 1, 1, 265, 2);
    /* typed result: every payload of the SA, nested under it */
    cr_assert_eq(m->gdoi, 1);
    cr_assert_eq(m->hdr.exch_type, VS_GDOI_EXCH_PULL);
    cr_assert_eq(m->n_payloads, 7);
    const uint8_t types[] = {8, 10, 1, 15, 22, 16, 16};
    const int8_t parents[] = {-1, -1, -1, 2, 2, 2, 2};
    for (int i = 0; i < 7; i++) {
        cr_assert_eq(m->payloads[i].type, types[i], "payload %d", i);
        cr_assert_eq(m->payloads[i].parent, parents[i], "payload %d", i);
    }
    cr_assert_eq(m->payloads[2].value, 2);
    cr_assert_eq(m->payloads[2].count, 4);
    cr_assert_eq(m->payloads[3].spi.off, 109);
    cr_assert_eq(m->payloads[3].spi.len, 16);
    cr_assert_eq(m->payloads[3].data.off, 105); /* KEK destination (the group address) */
    cr_assert_eq(m->payloads[5].protocol_id, 1);
    cr_assert_eq(m->payloads[5].value, 12);
    cr_assert_eq(m->payloads[5].spi.off, 202);
    cr_assert_eq(m->payloads[6].protocol_id, 2);
    cr_assert_eq(m->payloads[6].spi.off, 255);
    /* attributes: 6 KEK, 2 GAP, 5 TEK ESP, 2 TEK AH, owned by their payloads */
    cr_assert_eq(m->n_attrs, 15);
    cr_assert_eq(m->attrs[0].ctx, VS_ACTX_KEK);
    cr_assert_eq(m->attrs[0].owner, 3);
    cr_assert_eq(m->attrs[2].value, 86400);
    cr_assert_eq(m->attrs[6].ctx, VS_ACTX_GAP);
    cr_assert_eq(m->attrs[6].owner, 4);
    cr_assert_eq(m->attrs[8].ctx, VS_ACTX_IPSEC);
    cr_assert_eq(m->attrs[8].owner, 5);
    cr_assert_eq(m->attrs[14].owner, 6);
    FREE3();
}

Test(gdoi, pull_message_4_seq_kd_tek_kek)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_gdoi_msg *m;
    cr_assert_eq(run(pull4, &buf, &len, &tt, &m), VS_OK);
    const vs_tree *t = &tt->t;
    cr_assert_eq(t->n_problems, 0);
    vs_assert_item(t, VS_F_GDOI_SEQ, 0, 5, 56, 4);
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 2, 17, 60, 114);
    vs_assert_item(t, VS_F_GDOI_KD_NUM_PACKETS, 0, 2, 64, 2);
    vs_assert_item(t, VS_F_GDOI_KD_PACKET, 0, 1, 68, 53);
    vs_assert_item(t, VS_F_GDOI_KD_TYPE, 0, 1, 68, 1);
    vs_assert_item(t, VS_F_GDOI_KD_LENGTH, 0, 53, 70, 2);
    vs_assert_item(t, VS_F_GDOI_KD_SPI_SIZE, 0, 4, 72, 1);
    vs_assert_item(t, VS_F_GDOI_KD_SPI, 0, 4, 73, 4);
    vs_assert_item(t, VS_F_GDOI_KD_TEK_ATTR_TYPE, 0, 1, 77, 2);
    vs_assert_item(t, VS_F_GDOI_TEK_ALGORITHM_KEY, 0, 16, 81, 16);
    vs_assert_item(t, VS_F_GDOI_TEK_INTEGRITY_KEY, 0, 20, 101, 20);
    vs_assert_item(t, VS_F_GDOI_KD_PACKET, 1, 2, 121, 53);
    vs_assert_item(t, VS_F_GDOI_KD_SPI_SIZE, 1, 16, 125, 1);
    vs_assert_item(t, VS_F_GDOI_KD_SPI, 1, 16, 126, 16);
    vs_assert_item(t, VS_F_GDOI_KD_KEK_ATTR_TYPE, 0, 1, 142, 2);
    /* KEK key packet attributes under KEK names, not TEK_* (built-in bug) */
    vs_assert_item(t, VS_F_GDOI_KEK_ALGORITHM_KEY, 0, 16, 146, 16);
    vs_assert_item(t, VS_F_GDOI_SIG_ALGORITHM_KEY, 0, 8, 166, 8);
    cr_assert_eq(vs_count(t, VS_F_GDOI_TEK_ALGORITHM_KEY), 1);
    cr_assert_eq(m->n_payloads, 3);
    cr_assert_eq(m->payloads[1].value, 5);
    cr_assert_eq(m->payloads[2].count, 2);
    cr_assert_eq(m->n_keypkts, 2);
    cr_assert_eq(m->keypkts[0].type, VS_GDOI_KD_TEK);
    cr_assert_eq(m->keypkts[0].spi.off, 73);
    cr_assert_eq(m->keypkts[1].type, VS_GDOI_KD_KEK);
    cr_assert_eq(m->keypkts[1].span.off, 121);
    cr_assert_eq(m->keypkts[1].span.len, 53);
    cr_assert_eq(m->n_attrs, 4);
    cr_assert_eq(m->attrs[1].ctx, VS_ACTX_KD_TEK);
    cr_assert_eq(m->attrs[1].type, 2);
    cr_assert_eq(m->attrs[1].value_span.off, 101);
    cr_assert_eq(m->attrs[1].value_span.len, 20);
    cr_assert_eq(m->attrs[3].ctx, VS_ACTX_KD_KEK);
    cr_assert_eq(m->attrs[3].owner, 1);
    FREE3();
}

Test(gdoi, push_encrypted_then_decrypted_body)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_gdoi_msg *m;
    cr_assert_eq(run(push, &buf, &len, &tt, &m), VS_OK);
    vs_assert_item(&tt->t, VS_F_GDOI_EXCH_TYPE, 0, 33, 18, 1);
    vs_assert_item(&tt->t, VS_F_IKE_ENCRYPTED, 0, 16, 28, 16);
    cr_assert_eq(m->hdr.next_payload, 18);
    cr_assert_eq(m->hdr.encrypted.off, 28);
    FREE3();

    size_t blen;
    uint8_t *body = vs_hex(push_body, &blen);
    vs_test_tree *t2 = malloc(sizeof *t2);
    vs_test_tree_init(t2, body);
    vs_gdoi_msg *m2 = calloc(1, sizeof *m2);
    m2->hdr.exch_type = 33;
    vs_cursor c;
    vs_cur_init(&c, body, blen, VS_LEN_UNKNOWN);
    cr_assert_eq(vs_gdoi_decode_payloads(&c, VS_IKE_PL_SEQ, 2, &t2->t, m2), VS_OK);
    const vs_tree *t = &t2->t;
    cr_assert_eq(t->n_problems, 0);
    vs_assert_item(t, VS_F_GDOI_SEQ, 0, 6, 4, 4);
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 1, 1, 8, 146);
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 2, 15, 24, 69);
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 3, 16, 93, 61);
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 4, 17, 154, 61);
    vs_assert_item(t, VS_F_GDOI_KD_NUM_PACKETS, 0, 1, 158, 2);
    vs_assert_item(t, VS_F_IKE_SIG_DATA, 0, 16, 219, 16);
    vs_assert_item(t, VS_F_IKE_PADDING, 0, 3, 235, 3);
    cr_assert_eq(m2->n_payloads, 6);
    cr_assert_eq(m2->payloads[2].parent, 1);
    cr_assert_eq(m2->payloads[3].parent, 1);
    cr_assert_eq(m2->payloads[4].parent, -1);
    cr_assert_eq(m2->n_keypkts, 1);
    free(body); free(t2); free(m2);
}

Test(gdoi, registration_phase1_sa_doi_2)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_gdoi_msg *m;
    cr_assert_eq(run(gmm1, &buf, &len, &tt, &m), VS_OK);
    cr_assert_eq(tt->t.n_problems, 0);
    vs_assert_item(&tt->t, VS_F_IKE_SA_DOI, 0, 2, 32, 4);
    vs_assert_item(&tt->t, VS_F_IKE_PROPOSAL, 0, 2, 40, 48);
    vs_assert_item(&tt->t, VS_F_IKE_OAK_AUTH, 0, 65001, 70, 2);
    cr_assert_eq(m->n_transforms, 1);
    cr_assert_eq(m->transforms[0].encr, 7);
    FREE3();
}

Test(gdoi, id_pop_kd_lkh_sid)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_gdoi_msg *m;
    cr_assert_eq(run(gmisc, &buf, &len, &tt, &m), VS_OK);
    const vs_tree *t = &tt->t;
    cr_assert_eq(t->n_problems, 0);
    vs_assert_item(t, VS_F_IKE_ID_TYPE, 0, 11, 56, 1);
    vs_assert_item(t, VS_F_IKE_ID_KEY_ID, 0, 4, 60, 4);
    vs_assert_item(t, VS_F_GDOI_PAYLOAD, 2, 19, 64, 12);
    vs_assert_item(t, VS_F_GDOI_POP_DATA, 0, 8, 68, 8);
    vs_assert_item(t, VS_F_GDOI_KD_PACKET, 0, 3, 84, 29);
    vs_assert_item(t, VS_F_GDOI_KD_SPI_SIZE, 0, 0, 88, 1);
    vs_assert_item(t, VS_F_GDOI_KD_LKH_ATTR_TYPE, 0, 1, 89, 2);
    vs_assert_item(t, VS_F_GDOI_LKH_DOWNLOAD_ARRAY, 0, 12, 93, 12);
    vs_assert_item(t, VS_F_GDOI_KD_LKH_ATTR_TYPE, 1, 3, 105, 2);
    vs_assert_item(t, VS_F_GDOI_LKH_SIG_KEY, 0, 4, 109, 4);
    vs_assert_item(t, VS_F_GDOI_KD_PACKET, 1, 4, 113, 17);
    vs_assert_item(t, VS_F_GDOI_KD_SID_ATTR_TYPE, 0, 1, 118, 2);
    vs_assert_item(t, VS_F_GDOI_SID_BITS, 0, 8, 120, 2);
    vs_assert_item(t, VS_F_GDOI_SID_VALUE, 0, 4, 126, 4);
    cr_assert_eq(m->n_keypkts, 2);
    cr_assert_eq(m->keypkts[0].type, VS_GDOI_KD_LKH);
    cr_assert_eq(m->keypkts[1].type, VS_GDOI_KD_SID);
    cr_assert_eq(m->payloads[1].value, 11);
    cr_assert_eq(m->payloads[2].data.off, 68);
    cr_assert_eq(m->attrs[2].ctx, VS_ACTX_KD_SID);
    cr_assert_eq(m->attrs[2].value, 8);
    FREE3();
}

Test(gdoi, truncation_at_every_byte)
{
    const char *vecs[] = {pull2, pull4, push, gmm1, gmisc};
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
        size_t len;
        uint8_t *buf = vs_hex(vecs[i], &len);
        vs_check_truncations(buf, len, dec_gdoi, VS_OK);
        free(buf);
    }
}

static void expect(const char *hex, size_t at, const uint8_t *patch, size_t n, vs_status want,
                   vs_problem_id prob)
{
    size_t len;
    uint8_t *buf = vs_hex(hex, &len);
    memcpy(buf + at, patch, n);
    vs_test_tree *tt = malloc(sizeof *tt);
    vs_test_tree_init(tt, buf);
    vs_cursor c;
    vs_cur_init(&c, buf, len, len);
    vs_status st = vs_gdoi_decode(&c, &tt->t, NULL);
    cr_assert_eq(st, want, "patch at %zu: %s", at, vs_status_name(st));
    if (prob != VS_P__COUNT)
        cr_assert(vs_has_problem(&tt->t, prob), "missing %s", vs_problems[prob].name);
    free(buf); free(tt);
}

Test(gdoi, contradictory_lengths_and_problems)
{
    const uint8_t kp_long[] = {0x00, 0x80};          /* key packet longer than the KD */
    expect(pull4, 70, kp_long, 2, VS_MALFORMED, VS_P_GDOI_MALFORMED);
    const uint8_t kp_tiny[] = {0x00, 0x03};          /* key packet shorter than its header */
    expect(pull4, 70, kp_tiny, 2, VS_MALFORMED, VS_P_IKE_PAYLOAD_TOO_SHORT);
    const uint8_t kek_long[] = {0x00, 0xf0};         /* SA KEK longer than the SA */
    expect(pull2, 90, kek_long, 2, VS_MALFORMED, VS_P_GDOI_MALFORMED);
    const uint8_t srclen[] = {0xf0};                 /* KEK source ID longer than the KEK */
    expect(pull2, 96, srclen, 1, VS_MALFORMED, VS_P_GDOI_MALFORMED);
    const uint8_t teklen[] = {0x10, 0x00};           /* TEK source ID length */
    expect(pull2, 178, teklen, 2, VS_MALFORMED, VS_P_GDOI_MALFORMED);
    const uint8_t count[] = {0x00, 0x03};            /* 3 key packets declared, 2 present */
    expect(pull4, 64, count, 2, VS_OK, VS_P_GDOI_KD_COUNT);
    const uint8_t chain[] = {0x08};                  /* GAP's next: HASH inside the SA */
    expect(pull2, 157, chain, 1, VS_OK, VS_P_GDOI_SA_CHAIN);
    /* A SEQ of 8 bytes: reported, and it swallows the KD header, so the
     * chain then lands inside the KD and fails (length 0). */
    const uint8_t seq[] = {0x00, 0x0c};
    expect(pull4, 54, seq, 2, VS_MALFORMED, VS_P_GDOI_SEQ_LENGTH);
}

/* The vectors' layout checked against an independent decoder: wrap them in
 * Ethernet/IPv4/UDP 848 and let tshark's built-in ISAKMP dissector decode
 * them (-d udp.port==848,isakmp; it does not register 848 itself). We
 * compare what the built-in decodes correctly; where it is known wrong
 * (../shared/notes/wireshark-4.0-facts.md) we assert our decode. */
static void put32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }
static void put16(FILE *f, uint16_t v) { fwrite(&v, 2, 1, f); }

static void write_pcap(const char *path, const char *const *hex, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    put32(f, 0xa1b2c3d4); put16(f, 2); put16(f, 4); put32(f, 0); put32(f, 0);
    put32(f, 65535); put32(f, 1);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *p = vs_hex(hex[i], &len);
        uint8_t h[42] = {0};
        memcpy(h, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00", 14);
        size_t ipl = 20 + 8 + len;
        h[14] = 0x45; h[16] = (uint8_t)(ipl >> 8); h[17] = (uint8_t)ipl; h[22] = 64; h[23] = 17;
        memcpy(h + 26, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
        h[34] = 848 >> 8; h[35] = 848 & 0xff; h[36] = 848 >> 8; h[37] = 848 & 0xff;
        h[38] = (uint8_t)((8 + len) >> 8); h[39] = (uint8_t)(8 + len);
        put32(f, (uint32_t)i); put32(f, 0); put32(f, (uint32_t)(42 + len)); put32(f, (uint32_t)(42 + len));
        fwrite(h, 1, 42, f);
        fwrite(p, 1, len, f);
        free(p);
    }
    fclose(f);
}

static char *hexof(const uint8_t *p, size_t n)
{
    char *s = calloc(1, 2 * n + 1);
    for (size_t i = 0; i < n; i++)
        sprintf(s + 2 * i, "%02x", p[i]);
    return s;
}

Test(gdoi, vectors_agree_with_tshark_builtin_where_it_is_right)
{
    const char *const vecs[] = {pull2ng, pull4, pull2, gmm1};
    char path[] = "/tmp/vs_gdoi_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    write_pcap(path, vecs, 4);
    static const char *const F[] = {"isakmp.exchangetype", "isakmp.sa.doi",
        "isakmp.sa.next_attribute_payload", "isakmp.sak.protoid", "isakmp.sak.src_id_port",
        "isakmp.sak.src_id_data", "isakmp.sak.dst_id_data", "isakmp.sak.spi",
        "isakmp.sat.protocol_id", "isakmp.sat.dst_id_data", "isakmp.sat.transform_id",
        "isakmp.sat.spi", "isakmp.kd.num_pkt", "isakmp.kd.payload.type",
        "isakmp.kd.payload.length", "isakmp.kd.payload.spi", "isakmp.seq.seq",
        "isakmp.typepayload", NULL};
    char **l = vs_tshark_fields(path, "-d udp.port==848,isakmp", F);
    unlink(path);
    if (!l)
        cr_skip_test("tshark not installed");
    char *v[24];
    /* Frame 1: PULL message 2, SA(KEK, TEK, TEK) */
    cr_assert_not_null(l[0]);
    cr_assert_eq(vs_split(l[0], v, 24), 18);
    size_t len;
    uint8_t *b = vs_hex(pull2ng, &len);
    vs_test_tree *tt = malloc(sizeof *tt);
    vs_test_tree_init(tt, b);
    vs_gdoi_msg *m = malloc(sizeof *m);
    vs_cursor c;
    vs_cur_init(&c, b, len, len);
    cr_assert_eq(vs_gdoi_decode(&c, &tt->t, m), VS_OK);
    cr_assert_eq(atoi(v[0]), m->hdr.exch_type);
    cr_assert_eq(atoi(v[1]), 2);
    cr_assert_str_eq(v[2], "000f");
    cr_assert_eq(strtoull(v[3], NULL, 10), vs_item_nth(&tt->t, VS_F_GDOI_KEK_PROTOCOL, 0)->value);
    cr_assert_eq(strtoull(v[4], NULL, 10), vs_item_nth(&tt->t, VS_F_GDOI_KEK_SRC_ID_PORT, 0)->value);
    const vs_item *it = vs_item_nth(&tt->t, VS_F_GDOI_KEK_SRC_ID, 0);
    char *h = hexof(b + it->span.off, it->span.len);
    cr_assert_str_eq(v[5], h);
    free(h);
    it = vs_item_nth(&tt->t, VS_F_GDOI_KEK_DST_ID, 0);
    h = hexof(b + it->span.off, it->span.len);
    cr_assert_str_eq(v[6], h);
    free(h);
    h = hexof(b + m->payloads[3].spi.off, 16);
    cr_assert_str_eq(v[7], h);
    free(h);
    /* Both TEKs: protocol ids, destinations, transforms, SPIs */
    cr_assert_str_eq(v[8], "1,2");
    char want[256];
    const vs_item *d0 = vs_item_nth(&tt->t, VS_F_GDOI_TEK_DST_ID, 0);
    const vs_item *d1 = vs_item_nth(&tt->t, VS_F_GDOI_TEK_DST_ID, 1);
    char *h0 = hexof(b + d0->span.off, d0->span.len), *h1 = hexof(b + d1->span.off, d1->span.len);
    snprintf(want, sizeof want, "%s,%s", h0, h1);
    cr_assert_str_eq(v[9], want);
    free(h0); free(h1);
    snprintf(want, sizeof want, "%lu,%lu",
             (unsigned long)vs_item_nth(&tt->t, VS_F_GDOI_TEK_TRANSFORM_ESP, 0)->value,
             (unsigned long)vs_item_nth(&tt->t, VS_F_GDOI_TEK_TRANSFORM_AH, 0)->value);
    cr_assert_str_eq(v[10], want);
    cr_assert_str_eq(v[11], "11223344,55667788");
    free(b); free(m);

    /* Frame 2: PULL message 4, SEQ and KD(TEK, KEK) */
    cr_assert_not_null(l[1]);
    cr_assert_eq(vs_split(l[1], v, 24), 18);
    b = vs_hex(pull4, &len);
    vs_test_tree_init(tt, b);
    vs_cur_init(&c, b, len, len);
    cr_assert_eq(vs_gdoi_decode(&c, &tt->t, NULL), VS_OK);
    cr_assert_eq(strtoull(v[12], NULL, 10), vs_item_nth(&tt->t, VS_F_GDOI_KD_NUM_PACKETS, 0)->value);
    cr_assert_str_eq(v[13], "1,2");
    snprintf(want, sizeof want, "%lu,%lu",
             (unsigned long)vs_item_nth(&tt->t, VS_F_GDOI_KD_LENGTH, 0)->value,
             (unsigned long)vs_item_nth(&tt->t, VS_F_GDOI_KD_LENGTH, 1)->value);
    cr_assert_str_eq(v[14], want);
    it = vs_item_nth(&tt->t, VS_F_GDOI_KD_SPI, 0);
    const vs_item *it2 = vs_item_nth(&tt->t, VS_F_GDOI_KD_SPI, 1);
    h0 = hexof(b + it->span.off, it->span.len);
    h1 = hexof(b + it2->span.off, it2->span.len);
    snprintf(want, sizeof want, "%s,%s", h0, h1);
    cr_assert_str_eq(v[15], want);
    free(h0); free(h1);
    cr_assert_eq(strtoull(v[16], NULL, 10), vs_item_nth(&tt->t, VS_F_GDOI_SEQ, 0)->value);
    free(b);

    /* Frame 3: with the GAP after the KEK the built-in stops after the KEK
     * (GAP and both TEKs missing: a known bug); we decode all four. */
    cr_assert_not_null(l[2]);
    cr_assert_eq(vs_split(l[2], v, 24), 18);
    cr_assert_str_eq(v[8], "", "tshark now decodes TEKs after a GAP: update this test");
    b = vs_hex(pull2, &len);
    vs_test_tree_init(tt, b);
    vs_cur_init(&c, b, len, len);
    cr_assert_eq(vs_gdoi_decode(&c, &tt->t, NULL), VS_OK);
    cr_assert_eq(vs_count(&tt->t, VS_F_GDOI_TEK_PROTOCOL_ID), 2);
    cr_assert_eq(vs_count(&tt->t, VS_F_GDOI_GAP_ATD), 1);
    free(b);

    /* Frame 4: phase 1 SA offered with DOI 2: the built-in shows the SA but
     * no proposal/transform; we decode them (tested above). */
    cr_assert_not_null(l[3]);
    cr_assert_eq(vs_split(l[3], v, 24), 18);
    cr_assert_str_eq(v[17], "1", "tshark now decodes DOI 2 proposals: update this test");
    free(tt);
    vs_lines_free(l);
}
