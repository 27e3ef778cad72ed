/* ISAKMP / IKEv1 decoder: values and spans on vectors built from the RFC
 * layouts (tests/unit/vectors/isakmp_vectors.py), truncation at every byte,
 * contradictory lengths, problems, and agreement with tshark's built-in
 * ISAKMP dissector on the public captures. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpnscope/ikev1.h"
#include "vpnscope/gdoi.h"
#include "vs_test.h"
#include "vectors/isakmp_vectors.h"

static vs_status dec_v1(const uint8_t *buf, size_t len, vs_tree *t)
{
    vs_cursor c;
    vs_cur_init(&c, buf, len, VS_LEN_UNKNOWN);
    vs_ikev1_msg *m = malloc(sizeof *m);
    vs_status st = vs_ikev1_decode(&c, t, m);
    free(m);
    return st;
}

/* Decode a hex vector; the caller frees *buf, tt and m. */
static vs_status run(const char *hex, uint8_t **buf, size_t *len, vs_test_tree **tt, vs_ikev1_msg **m)
{
    *buf = vs_hex(hex, len);
    *tt = malloc(sizeof **tt);
    vs_test_tree_init(*tt, *buf);
    *m = malloc(sizeof **m);
    vs_cursor c;
    vs_cur_init(&c, *buf, *len, VS_LEN_UNKNOWN);
    return vs_ikev1_decode(&c, &(*tt)->t, *m);
}

#define FREE3() do { free(buf); free(tt); free(m); } while (0)

Test(ikev1, main_mode_1_header_sa_proposal_transform)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_ikev1_msg *m;
    cr_assert_eq(run(mm1, &buf, &len, &tt, &m), VS_OK);
    const vs_tree *t = &tt->t;
    cr_assert_eq(t->n_problems, 0);
    vs_assert_item(t, VS_F_IKE_ICOOKIE, 0, 8, 0, 8);
    vs_assert_item(t, VS_F_IKE_RCOOKIE, 0, 8, 8, 8);
    vs_assert_item(t, VS_F_IKE_NEXT_PAYLOAD, 0, 1, 16, 1);
    vs_assert_item(t, VS_F_IKE_VERSION_MAJOR, 0, 1, 17, 1);
    vs_assert_item(t, VS_F_IKE_VERSION_MINOR, 0, 0, 17, 1);
    vs_assert_item(t, VS_F_IKE_EXCH_TYPE, 0, 2, 18, 1);
    vs_assert_item(t, VS_F_IKE_FLAG_ENCRYPTION, 0, 0, 19, 1);
    vs_assert_item(t, VS_F_IKE_MSGID, 0, 0, 20, 4);
    vs_assert_item(t, VS_F_IKE_LENGTH, 0, 148, 24, 4);
    vs_assert_item(t, VS_F_IKE, 0, 0, 0, 148);
    vs_assert_item(t, VS_F_IKE_PAYLOAD, 0, 1, 28, 60);
    vs_assert_item(t, VS_F_IKE_PL_LENGTH, 0, 60, 30, 2);
    vs_assert_item(t, VS_F_IKE_SA_DOI, 0, 1, 32, 4);
    vs_assert_item(t, VS_F_IKE_SA_SITUATION, 0, 1, 36, 4);
    vs_assert_item(t, VS_F_IKE_SA_SIT_IDENTITY, 0, 1, 36, 4);
    vs_assert_item(t, VS_F_IKE_PROPOSAL, 0, 2, 40, 48);
    vs_assert_item(t, VS_F_IKE_PROP_NUMBER, 0, 1, 44, 1);
    vs_assert_item(t, VS_F_IKE_PROP_PROTOCOL, 0, 1, 45, 1);
    vs_assert_item(t, VS_F_IKE_PROP_SPI_SIZE, 0, 0, 46, 1);
    vs_assert_item(t, VS_F_IKE_PROP_NUM_TRANSFORMS, 0, 1, 47, 1);
    vs_assert_item(t, VS_F_IKE_TRANSFORM, 0, 3, 48, 40);
    vs_assert_item(t, VS_F_IKE_TRANS_NUMBER, 0, 1, 52, 1);
    vs_assert_item(t, VS_F_IKE_TRANS_ID_ISAKMP, 0, 1, 53, 1);
    vs_assert_item(t, VS_F_IKE_ATTR, 0, 1, 56, 4);
    vs_assert_item(t, VS_F_IKE_ATTR_FORMAT, 0, 1, 56, 2);
    vs_assert_item(t, VS_F_IKE_ATTR_TYPE_OAKLEY, 0, 1, 56, 2);
    vs_assert_item(t, VS_F_IKE_OAK_ENCR, 0, 7, 58, 2);
    vs_assert_item(t, VS_F_IKE_OAK_KEY_LENGTH, 0, 256, 62, 2);
    vs_assert_item(t, VS_F_IKE_OAK_HASH, 0, 2, 66, 2);
    vs_assert_item(t, VS_F_IKE_OAK_AUTH, 0, 65001, 70, 2);
    vs_assert_item(t, VS_F_IKE_OAK_GROUP, 0, 14, 74, 2);
    vs_assert_item(t, VS_F_IKE_OAK_LIFE_TYPE, 0, 1, 78, 2);
    vs_assert_item(t, VS_F_IKE_ATTR, 6, 12, 80, 8);
    vs_assert_item(t, VS_F_IKE_ATTR_FORMAT, 6, 0, 80, 2);
    vs_assert_item(t, VS_F_IKE_ATTR_LENGTH, 0, 4, 82, 2);
    vs_assert_item(t, VS_F_IKE_OAK_LIFE_DURATION, 0, 86400, 84, 4);
    cr_assert_str_eq(vs_val_name(vs_vals_ike_oakley_auth, 65001), "XAUTHInitPreShared");
    cr_assert_str_eq(vs_val_name(vs_vals_ike_oakley_encr, 7), "AES-CBC");
    /* VIDs: Cisco Unity (with version), DPD, RFC 3947 */
    vs_assert_item(t, VS_F_IKE_VID_DATA, 0, 16, 92, 16);
    vs_assert_item(t, VS_F_IKE_VID_KIND, 0, VS_VID_CISCO_UNITY, 92, 16);
    vs_assert_item(t, VS_F_IKE_VID_UNITY_VERSION, 0, 0x0100, 106, 2);
    vs_assert_item(t, VS_F_IKE_VID_KIND, 1, VS_VID_DPD, 112, 16);
    vs_assert_item(t, VS_F_IKE_VID_KIND, 2, VS_VID_NATT_RFC3947, 132, 16);
    /* typed result */
    cr_assert_eq(m->hdr.exch_type, 2);
    cr_assert_eq(m->hdr.length, 148);
    cr_assert_eq(m->hdr.icookie.off, 0);
    cr_assert_eq(m->n_payloads, 4);
    cr_assert_eq(m->payloads[0].type, 1);
    cr_assert_eq(m->payloads[0].value, 1);
    cr_assert_eq(m->payloads[0].span.off, 28);
    cr_assert_eq(m->payloads[0].span.len, 60);
    cr_assert_eq(m->payloads[1].value, VS_VID_CISCO_UNITY);
    cr_assert_eq(m->payloads[3].value, VS_VID_NATT_RFC3947);
    cr_assert_eq(m->payloads[3].data.off, 132);
    cr_assert_eq(m->n_proposals, 1);
    cr_assert_eq(m->proposals[0].protocol_id, 1);
    cr_assert_eq(m->proposals[0].n_transforms, 1);
    cr_assert_eq(m->n_transforms, 1);
    const vs_ike_transform *tr = &m->transforms[0];
    cr_assert_eq(tr->encr, 7);
    cr_assert_eq(tr->key_length, 256);
    cr_assert_eq(tr->hash, 2);
    cr_assert_eq(tr->auth_method, 65001);
    cr_assert_eq(tr->group, 14);
    cr_assert_eq(tr->life_seconds, 86400);
    cr_assert_eq(tr->span.off, 48);
    cr_assert_eq(m->n_attrs, 7);
    cr_assert_eq(m->attrs[6].ctx, VS_ACTX_OAKLEY);
    cr_assert_eq(m->attrs[6].tv, 0);
    cr_assert_eq(m->attrs[6].value_span.off, 84);
    FREE3();
}

Test(ikev1, quick_mode_sa_ids_nonce_ke)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_ikev1_msg *m;
    cr_assert_eq(run(qm, &buf, &len, &tt, &m), VS_OK);
    const vs_tree *t = &tt->t;
    cr_assert_eq(t->n_problems, 0);
    vs_assert_item(t, VS_F_IKE_EXCH_TYPE, 0, 32, 18, 1);
    vs_assert_item(t, VS_F_IKE_MSGID, 0, 0x01020304, 20, 4);
    vs_assert_item(t, VS_F_IKE_HASH_DATA, 0, 20, 32, 20);
    vs_assert_item(t, VS_F_IKE_PROP_PROTOCOL, 0, 3, 69, 1);
    vs_assert_item(t, VS_F_IKE_PROP_SPI_SIZE, 0, 4, 70, 1);
    vs_assert_item(t, VS_F_IKE_PROP_NUM_TRANSFORMS, 0, 2, 71, 1);
    vs_assert_item(t, VS_F_IKE_PROP_SPI, 0, 4, 72, 4);
    vs_assert_item(t, VS_F_IKE_TRANS_ID_ESP, 0, 12, 81, 1);
    vs_assert_item(t, VS_F_IKE_TRANS_ID_ESP, 1, 3, 109, 1);
    vs_assert_item(t, VS_F_IKE_ATTR_TYPE_IPSEC, 0, 1, 84, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_LIFE_TYPE, 0, 1, 86, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_LIFE_DURATION, 0, 3600, 90, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_ENCAP, 0, 3, 94, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_AUTH, 0, 2, 98, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_KEY_LENGTH, 0, 128, 102, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_ENCAP, 1, 61443, 114, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_AUTH, 1, 1, 118, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_LIFE_TYPE, 1, 2, 122, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_LIFE_DURATION, 1, 4608000, 128, 4);
    vs_assert_item(t, VS_F_IKE_NONCE_DATA, 0, 16, 136, 16);
    vs_assert_item(t, VS_F_IKE_KE_DATA, 0, 8, 156, 8);
    vs_assert_item(t, VS_F_IKE_ID_TYPE, 0, 4, 168, 1);
    vs_assert_item(t, VS_F_IKE_ID_PROTOCOL, 0, 17, 169, 1);
    vs_assert_item(t, VS_F_IKE_ID_PORT, 0, 500, 170, 2);
    vs_assert_item(t, VS_F_IKE_ID_IPV4, 0, 4, 172, 4);
    vs_assert_item(t, VS_F_IKE_ID_IPV4_MASK, 0, 4, 176, 4);
    vs_assert_item(t, VS_F_IKE_ID_TYPE, 1, 7, 184, 1);
    vs_assert_item(t, VS_F_IKE_ID_IPV4, 1, 4, 188, 4);
    vs_assert_item(t, VS_F_IKE_ID_IPV4_END, 0, 4, 192, 4);
    cr_assert_str_eq(vs_val_name(vs_vals_ike_encap_mode, 3), "UDP-Encapsulated-Tunnel");
    cr_assert_str_eq(vs_val_name(vs_vals_ike_encap_mode, 61443),
                     "UDP-Encapsulated-Tunnel (draft-ietf-ipsec-nat-t-ike)");
    cr_assert_eq(m->n_payloads, 6);
    cr_assert_eq(m->n_transforms, 2);
    cr_assert_eq(m->proposals[0].spi.off, 72);
    cr_assert_eq(m->proposals[0].n_transforms, 2);
    cr_assert_eq(m->transforms[0].id, 12);
    cr_assert_eq(m->transforms[0].encap_mode, 3);
    cr_assert_eq(m->transforms[0].auth_alg, 2);
    cr_assert_eq(m->transforms[0].life_seconds, 3600);
    cr_assert_eq(m->transforms[0].key_length, 128);
    cr_assert_eq(m->transforms[1].life_kbytes, 4608000);
    cr_assert_eq(m->transforms[1].encap_mode, 61443);
    cr_assert_eq(m->payloads[4].value, 4);
    cr_assert_eq(m->payloads[4].protocol_id, 17);
    cr_assert_eq(m->payloads[4].port, 500);
    cr_assert_eq(m->payloads[4].data.off, 172);
    cr_assert_eq(m->payloads[4].data.len, 8);
    FREE3();
}

Test(ikev1, notify_delete_natd_natoa_vid_frag_id_cert)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_ikev1_msg *m;
    cr_assert_eq(run(info, &buf, &len, &tt, &m), VS_OK);
    const vs_tree *t = &tt->t;
    cr_assert_eq(t->n_problems, 0);
    cr_assert_eq(vs_count(t, VS_F_IKE_PAYLOAD), 13);
    vs_assert_item(t, VS_F_IKE_N_DOI, 0, 1, 32, 4);
    vs_assert_item(t, VS_F_IKE_N_PROTOCOL, 0, 1, 36, 1);
    vs_assert_item(t, VS_F_IKE_N_SPI_SIZE, 0, 16, 37, 1);
    vs_assert_item(t, VS_F_IKE_N_TYPE, 0, 24578, 38, 2);
    vs_assert_item(t, VS_F_IKE_N_SPI, 0, 16, 40, 16);
    vs_assert_item(t, VS_F_IKE_N_TYPE, 1, 36136, 66, 2);
    vs_assert_item(t, VS_F_IKE_N_DATA, 0, 4, 84, 4);
    vs_assert_item(t, VS_F_IKE_N_DPD_SEQ, 0, 0x1234, 84, 4);
    vs_assert_item(t, VS_F_IKE_N_PROTOCOL, 2, 3, 96, 1);
    vs_assert_item(t, VS_F_IKE_N_TYPE, 2, 24576, 98, 2);
    vs_assert_item(t, VS_F_IKE_N_SPI, 1, 16, 68, 16);
    vs_assert_item(t, VS_F_IKE_N_SPI, 2, 4, 100, 4);
    vs_assert_item(t, VS_F_IKE_IPSEC_LIFE_TYPE, 0, 1, 106, 2);
    vs_assert_item(t, VS_F_IKE_IPSEC_LIFE_DURATION, 0, 28800, 112, 4);
    cr_assert_str_eq(vs_val_name(vs_vals_ike_notify_type, 24578), "INITIAL-CONTACT");
    cr_assert_str_eq(vs_val_name(vs_vals_ike_notify_type, 36137), "R-U-THERE-ACK");
    cr_assert_str_eq(vs_val_name(vs_vals_ike_notify_type, 24576), "RESPONDER-LIFETIME");
    vs_assert_item(t, VS_F_IKE_D_PROTOCOL, 0, 3, 124, 1);
    vs_assert_item(t, VS_F_IKE_D_SPI_SIZE, 0, 4, 125, 1);
    vs_assert_item(t, VS_F_IKE_D_NUM_SPIS, 0, 2, 126, 2);
    vs_assert_item(t, VS_F_IKE_D_SPI, 0, 4, 128, 4);
    vs_assert_item(t, VS_F_IKE_D_SPI, 1, 4, 132, 4);
    vs_assert_item(t, VS_F_IKE_NATD_HASH, 0, 20, 140, 20);
    vs_assert_item(t, VS_F_IKE_PAYLOAD, 5, 130, 160, 24);
    vs_assert_item(t, VS_F_IKE_NATD_HASH, 1, 20, 164, 20);
    vs_assert_item(t, VS_F_IKE_NATOA_ID_TYPE, 0, 1, 188, 1);
    vs_assert_item(t, VS_F_IKE_NATOA_IPV4, 0, 4, 192, 4);
    vs_assert_item(t, VS_F_IKE_VID_KIND, 0, VS_VID_FRAGMENTATION, 200, 20);
    vs_assert_item(t, VS_F_IKE_FRAG_ID, 0, 0x0102, 224, 2);
    vs_assert_item(t, VS_F_IKE_FRAG_NUMBER, 0, 1, 226, 1);
    vs_assert_item(t, VS_F_IKE_FRAG_LAST, 0, 1, 227, 1);
    vs_assert_item(t, VS_F_IKE_FRAG_DATA, 0, 8, 228, 8);
    vs_assert_item(t, VS_F_IKE_ID_TYPE, 0, 2, 240, 1);
    vs_assert_item(t, VS_F_IKE_ID_FQDN, 0, 15, 244, 15);
    cr_assert_eq(memcmp(buf + 244, "vpn.example.net", 15), 0);
    vs_assert_item(t, VS_F_IKE_CERT_ENCODING, 0, 4, 263, 1);
    vs_assert_item(t, VS_F_IKE_CERT_DATA, 0, 5, 264, 5);
    vs_assert_item(t, VS_F_IKE_CR_TYPE, 0, 4, 273, 1);
    vs_assert_item(t, VS_F_IKE_SIG_DATA, 0, 16, 278, 16);
    cr_assert_eq(m->n_payloads, 13);
    cr_assert_eq(m->payloads[0].value, 24578);
    cr_assert_eq(m->payloads[0].spi.off, 40);
    cr_assert_eq(m->payloads[0].spi.len, 16);
    cr_assert_eq(m->payloads[1].value, 36136);
    cr_assert_eq(m->payloads[1].data.off, 84);
    cr_assert_eq(m->payloads[2].protocol_id, 3);
    cr_assert_eq(m->payloads[3].count, 2);
    cr_assert_eq(m->n_spis, 2);
    cr_assert_eq(m->spis[1].off, 132);
    cr_assert_eq(m->payloads[4].data.off, 140);
    cr_assert_eq(m->payloads[5].type, 130);
    cr_assert_eq(m->payloads[6].data.off, 192);
    cr_assert_eq(m->payloads[7].value, VS_VID_FRAGMENTATION);
    cr_assert_eq(m->payloads[8].value, 0x010201);
    cr_assert_eq(m->payloads[9].value, 2);
    cr_assert_eq(m->payloads[10].value, 4);
    /* RESPONDER-LIFETIME attributes belong to the notify payload */
    cr_assert_eq(m->n_attrs, 2);
    cr_assert_eq(m->attrs[1].ctx, VS_ACTX_IPSEC);
    cr_assert_eq(m->attrs[1].owner, 2);
    cr_assert_eq(m->attrs[1].value, 28800);
    FREE3();
}

Test(ikev1, mode_config_xauth_unity)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_ikev1_msg *m;
    cr_assert_eq(run(cfg, &buf, &len, &tt, &m), VS_OK);
    const vs_tree *t = &tt->t;
    cr_assert_eq(t->n_problems, 0, "an empty attribute is a normal request, not a problem");
    vs_assert_item(t, VS_F_IKE_PAYLOAD, 1, 14, 52, 59);
    vs_assert_item(t, VS_F_IKE_CFG_TYPE, 0, 2, 56, 1);
    vs_assert_item(t, VS_F_IKE_CFG_ID, 0, 0x1234, 58, 2);
    vs_assert_item(t, VS_F_IKE_CFG_ATTR_TYPE, 0, 1, 60, 2);
    vs_assert_item(t, VS_F_IKE_CFG_IPV4, 0, 4, 64, 4);
    vs_assert_item(t, VS_F_IKE_CFG_ATTR_TYPE, 1, 2, 68, 2);
    vs_assert_item(t, VS_F_IKE_CFG_IPV4, 1, 4, 72, 4);
    vs_assert_item(t, VS_F_IKE_CFG_IPV4, 2, 4, 80, 4);
    vs_assert_item(t, VS_F_IKE_CFG_ATTR_TYPE, 3, 16521, 84, 2);
    vs_assert_item(t, VS_F_IKE_CFG_STRING, 0, 5, 88, 5);
    vs_assert_item(t, VS_F_IKE_CFG_ATTR_TYPE, 4, 16527, 93, 2);
    vs_assert_item(t, VS_F_IKE_CFG_VALUE, 0, 1, 95, 2);
    vs_assert_item(t, VS_F_IKE_CFG_ATTR_TYPE, 5, 28672, 97, 2);
    vs_assert_item(t, VS_F_IKE_CFG_STRING, 1, 2, 101, 2);
    vs_assert_item(t, VS_F_IKE_CFG_ATTR_TYPE, 6, 1, 103, 2);
    vs_assert_item(t, VS_F_IKE_ATTR_LENGTH, 5, 0, 105, 2);
    vs_assert_item(t, VS_F_IKE_CFG_VALUE, 1, 0, 109, 2);
    cr_assert_str_eq(vs_val_name(vs_vals_ike_cfg_attr, 16527), "XAUTH_STATUS");
    cr_assert_str_eq(vs_val_name(vs_vals_ike_cfg_attr, 28672), "UNITY_BANNER");
    cr_assert_eq(m->payloads[1].value, 2);
    cr_assert_eq(m->n_attrs, 8);
    cr_assert_eq(m->attrs[3].ctx, VS_ACTX_CFG);
    cr_assert_eq(m->attrs[3].type, 16521);
    cr_assert_eq(m->attrs[3].value_span.off, 88);
    FREE3();
}

Test(ikev1, id_types_ipv6_user_fqdn_der_and_natoa_ipv6)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_ikev1_msg *m;
    cr_assert_eq(run(ids, &buf, &len, &tt, &m), VS_OK);
    const vs_tree *t = &tt->t;
    cr_assert_eq(t->n_problems, 0);
    vs_assert_item(t, VS_F_IKE_ID_TYPE, 0, 1, 32, 1);
    vs_assert_item(t, VS_F_IKE_ID_PORT, 0, 4500, 34, 2);
    vs_assert_item(t, VS_F_IKE_ID_IPV4, 0, 4, 36, 4);
    vs_assert_item(t, VS_F_IKE_ID_TYPE, 1, 5, 44, 1);
    vs_assert_item(t, VS_F_IKE_ID_IPV6, 0, 16, 48, 16);
    vs_assert_item(t, VS_F_IKE_ID_TYPE, 2, 6, 68, 1);
    vs_assert_item(t, VS_F_IKE_ID_PROTOCOL, 2, 6, 69, 1);
    vs_assert_item(t, VS_F_IKE_ID_PORT, 2, 179, 70, 2);
    vs_assert_item(t, VS_F_IKE_ID_IPV6, 1, 16, 72, 16);
    vs_assert_item(t, VS_F_IKE_ID_IPV6_MASK, 0, 16, 88, 16);
    vs_assert_item(t, VS_F_IKE_ID_TYPE, 3, 8, 108, 1);
    vs_assert_item(t, VS_F_IKE_ID_IPV6, 2, 16, 112, 16);
    vs_assert_item(t, VS_F_IKE_ID_IPV6_END, 0, 16, 128, 16);
    vs_assert_item(t, VS_F_IKE_ID_TYPE, 4, 3, 148, 1);
    vs_assert_item(t, VS_F_IKE_ID_USER_FQDN, 0, 14, 152, 14);
    cr_assert_eq(memcmp(buf + 152, "gm@example.net", 14), 0);
    vs_assert_item(t, VS_F_IKE_ID_DER_DN, 0, 16, 174, 16);
    vs_assert_item(t, VS_F_IKE_ID_DER_GN, 0, 13, 198, 13);
    vs_assert_item(t, VS_F_IKE_NATOA_ID_TYPE, 0, 5, 215, 1);
    vs_assert_item(t, VS_F_IKE_NATOA_IPV6, 0, 16, 219, 16);
    cr_assert_eq(m->n_payloads, 8);
    cr_assert_eq(m->payloads[2].value, 6);
    cr_assert_eq(m->payloads[2].port, 179);
    cr_assert_eq(m->payloads[2].data.off, 72);
    cr_assert_eq(m->payloads[2].data.len, 32);
    cr_assert_eq(m->payloads[7].data.off, 219);
    cr_assert_str_eq(vs_val_name(vs_vals_ike_id_type, 10), "ID_DER_ASN1_GN");
    FREE3();
}

Test(ikev1, truncation_at_every_byte)
{
    const char *vecs[] = {mm1, qm, info, cfg, gmm1, push, ids};
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
        size_t len;
        uint8_t *buf = vs_hex(vecs[i], &len);
        vs_check_truncations(buf, len, dec_v1, VS_OK);
        free(buf);
    }
}

Test(ikev1, encrypted_body_is_one_span_then_payload_chain)
{
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_ikev1_msg *m;
    cr_assert_eq(run(push, &buf, &len, &tt, &m), VS_OK);
    vs_assert_item(&tt->t, VS_F_IKE_FLAG_ENCRYPTION, 0, 1, 19, 1);
    vs_assert_item(&tt->t, VS_F_IKE_ENCRYPTED, 0, 16, 28, 16);
    cr_assert_eq(vs_count(&tt->t, VS_F_IKE_PAYLOAD), 0);
    cr_assert_eq(m->hdr.encrypted.off, 28);
    cr_assert_eq(m->hdr.encrypted.len, 16);
    cr_assert_eq(m->n_payloads, 0);
    FREE3();

    /* The analyzer's path: a decrypted body (here the quick mode payloads,
     * plus 4 bytes of block padding) decoded with the header's next payload;
     * spans are offsets in that plaintext buffer. */
    size_t qlen;
    uint8_t *q = vs_hex(qm, &qlen);
    size_t plen = qlen - 28 + 4;
    uint8_t *plain = calloc(1, plen);
    memcpy(plain, q + 28, qlen - 28);
    vs_test_tree *t2 = malloc(sizeof *t2);
    vs_test_tree_init(t2, plain);
    vs_ikev1_msg *m2 = calloc(1, sizeof *m2);
    m2->hdr.exch_type = 32;
    vs_cursor c;
    vs_cur_init(&c, plain, plen, VS_LEN_UNKNOWN);
    cr_assert_eq(vs_ikev1_decode_payloads(&c, VS_IKE_PL_HASH, 1, &t2->t, m2), VS_OK);
    cr_assert_eq(m2->hdr.exch_type, 32, "the caller's header is kept");
    cr_assert_eq(m2->n_payloads, 6);
    vs_assert_item(&t2->t, VS_F_IKE_HASH_DATA, 0, 20, 4, 20);
    vs_assert_item(&t2->t, VS_F_IKE_ID_IPV4, 0, 4, 172 - 28, 4);
    vs_assert_item(&t2->t, VS_F_IKE_PADDING, 0, 4, qlen - 28, 4);
    cr_assert_eq(t2->t.n_problems, 0);
    free(q); free(plain); free(t2); free(m2);
}

/* Contradictory lengths: MALFORMED, never an overread. */
static void expect_status(const char *hex, size_t patch_at, const uint8_t *patch, size_t n,
                          size_t wire_extra_cut, vs_status want, vs_problem_id prob)
{
    size_t len;
    uint8_t *buf = vs_hex(hex, &len);
    memcpy(buf + patch_at, patch, n);
    size_t l2 = len - wire_extra_cut;
    uint8_t *exact = malloc(l2);
    memcpy(exact, buf, l2);
    vs_test_tree *tt = malloc(sizeof *tt);
    vs_test_tree_init(tt, exact);
    vs_ikev1_msg *m = malloc(sizeof *m);
    vs_cursor c;
    vs_cur_init(&c, exact, l2, l2); /* the datagram's real length is known */
    vs_status st = vs_ikev1_decode(&c, &tt->t, m);
    cr_assert_eq(st, want, "patch at %zu: status %s, want %s", patch_at, vs_status_name(st),
                 vs_status_name(want));
    if (prob != VS_P__COUNT)
        cr_assert(vs_has_problem(&tt->t, prob), "problem %s missing", vs_problems[prob].name);
    free(buf); free(exact); free(tt); free(m);
}

Test(ikev1, contradictory_lengths_are_malformed)
{
    const uint8_t hdr_short[] = {0, 0, 0, 20};
    expect_status(mm1, 24, hdr_short, 4, 0, VS_MALFORMED, VS_P_IKE_MALFORMED);
    const uint8_t sa_long[] = {0x00, 0xff};
    expect_status(mm1, 30, sa_long, 2, 0, VS_MALFORMED, VS_P_IKE_MALFORMED);
    const uint8_t pl_tiny[] = {0x00, 0x02};
    expect_status(mm1, 30, pl_tiny, 2, 0, VS_MALFORMED, VS_P_IKE_PAYLOAD_TOO_SHORT);
    const uint8_t prop_long[] = {0x00, 0x40};
    expect_status(mm1, 42, prop_long, 2, 0, VS_MALFORMED, VS_P_IKE_MALFORMED);
    const uint8_t attr_long[] = {0x00, 0x10};
    expect_status(mm1, 82, attr_long, 2, 0, VS_MALFORMED, VS_P_IKE_MALFORMED);
    const uint8_t trans_long[] = {0x00, 0x30};
    expect_status(mm1, 50, trans_long, 2, 0, VS_MALFORMED, VS_P_IKE_MALFORMED);
    /* The header claims more than the (complete) datagram holds. */
    const uint8_t none[] = {0x94};
    expect_status(mm1, 27, none, 1, 10, VS_MALFORMED, VS_P_IKE_MALFORMED);
    /* A next payload pointing past the message's end. */
    const uint8_t np[] = {0x0d};
    expect_status(qm, 180, np, 1, 0, VS_MALFORMED, VS_P_IKE_MALFORMED);
    /* Delete: SPIs beyond the payload (count * size > body) is a problem. */
    const uint8_t nspi[] = {0x00, 0x03};
    expect_status(info, 126, nspi, 2, 0, VS_OK, VS_P_IKE_SPI_COUNT);
}

Test(ikev1, semantic_problems_keep_status)
{
    const uint8_t unknown[] = {99};
    expect_status(mm1, 16, unknown, 1, 0, VS_OK, VS_P_IKE_UNKNOWN_PAYLOAD);
    const uint8_t flags[] = {0x40};
    expect_status(mm1, 19, flags, 1, 0, VS_OK, VS_P_IKE_RESERVED_NONZERO);
    const uint8_t ntr[] = {2};
    expect_status(mm1, 47, ntr, 1, 0, VS_OK, VS_P_IKE_TRANSFORM_COUNT);
    const uint8_t ver[] = {0x20};
    expect_status(mm1, 17, ver, 1, 0, VS_OK, VS_P_IKE_BAD_VERSION);
    const uint8_t res[] = {0x01};
    expect_status(mm1, 29, res, 1, 0, VS_OK, VS_P_IKE_RESERVED_NONZERO);
    const uint8_t idlen[] = {1}; /* ID_IPV4_ADDR with 8 bytes of data */
    expect_status(qm, 168, idlen, 1, 0, VS_OK, VS_P_IKE_ID_LENGTH);
    /* Notify with a body shorter than its fixed fields (8): problem, walk goes on. */
    size_t len;
    uint8_t *b = vs_hex("0011223344556677 0000000000000000 0b100500 00000000 0000002c"
                        "0d000008 00000001 00000008 deadbeef", &len);
    vs_test_tree *tt = malloc(sizeof *tt);
    vs_test_tree_init(tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, len, VS_LEN_UNKNOWN);
    vs_ikev1_msg *m = malloc(sizeof *m);
    cr_assert_eq(vs_ikev1_decode(&c, &tt->t, m), VS_OK);
    cr_assert(vs_has_problem(&tt->t, VS_P_IKE_PAYLOAD_TOO_SHORT));
    cr_assert_eq(m->n_payloads, 2);
    vs_assert_item(&tt->t, VS_F_IKE_PL_DATA, 0, 4, 32, 4);
    vs_assert_item(&tt->t, VS_F_IKE_VID_DATA, 0, 4, 40, 4);
    free(b); free(tt); free(m);
    /* Bytes after the message inside the datagram: a note, not an error. */
    uint8_t *mm = vs_hex(mm1, &len);
    uint8_t *longer = calloc(1, len + 4);
    memcpy(longer, mm, len);
    tt = malloc(sizeof *tt);
    vs_test_tree_init(tt, longer);
    vs_cur_init(&c, longer, len + 4, len + 4);
    cr_assert_eq(vs_ikev1_decode(&c, &tt->t, NULL), VS_OK);
    cr_assert(vs_has_problem(&tt->t, VS_P_IKE_LENGTH_SHORT));
    free(mm); free(longer); free(tt);
}

Test(ikev1, phase1_sa_with_doi_2_is_decoded_as_proposals)
{
    /* The built-in dissector does not decode this (GDOI registration's
     * Main Mode offers its SA with DOI 2); we must, or decryption of the
     * following messages cannot start. */
    uint8_t *buf; size_t len; vs_test_tree *tt; vs_ikev1_msg *m;
    cr_assert_eq(run(gmm1, &buf, &len, &tt, &m), VS_OK);
    vs_assert_item(&tt->t, VS_F_IKE_SA_DOI, 0, 2, 32, 4);
    vs_assert_item(&tt->t, VS_F_IKE_OAK_ENCR, 0, 7, 58, 2);
    cr_assert_eq(m->n_proposals, 1);
    cr_assert_eq(m->transforms[0].group, 14);
    cr_assert_eq(m->transforms[0].life_seconds, 86400);
    FREE3();
}

Test(ikev1, vid_table)
{
    const uint8_t natt02n[] = {0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e,
                               0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f};
    cr_assert_eq(vs_ike_vid_kind(natt02n, 16), VS_VID_NATT_DRAFT_02N);
    const uint8_t xauth[] = {0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12};
    cr_assert_eq(vs_ike_vid_kind(xauth, 8), VS_VID_XAUTH);
    cr_assert_eq(vs_ike_vid_kind(xauth, 7), VS_VID_UNKNOWN);
    const uint8_t oe[] = "OElj@]rTMBuM";
    cr_assert_eq(vs_ike_vid_kind(oe, 12), VS_VID_OPENSWAN);
    cr_assert_eq(vs_ike_vid_kind(oe, 11), VS_VID_UNKNOWN);
    cr_assert_str_eq(vs_val_name(vs_vals_ike_vid_kind, VS_VID_NATT_DRAFT_02N),
                     "draft-ietf-ipsec-nat-t-ike-02\\n");
}

Test(ikev1, overlong_items_are_clamped_to_their_container)
{
    /* The life duration attribute claims 16 bytes in a transform that has 4
     * left: MALFORMED, and the attribute's span stops at the transform's
     * end (80 + 8 = 88) so a plugin never highlights bytes of the next payload. */
    size_t len;
    uint8_t *buf = vs_hex(mm1, &len);
    buf[83] = 0x10;
    vs_test_tree *tt = malloc(sizeof *tt);
    vs_test_tree_init(tt, buf);
    vs_ikev1_msg *m = malloc(sizeof *m);
    vs_cursor c;
    vs_cur_init(&c, buf, len, len);
    cr_assert_eq(vs_ikev1_decode(&c, &tt->t, m), VS_MALFORMED);
    vs_assert_item(&tt->t, VS_F_IKE_ATTR, 6, 12, 80, 8);
    cr_assert_eq(vs_count(&tt->t, VS_F_IKE_OAK_LIFE_DURATION), 0);
    /* An SA whose length runs past the message: span clamped to the message. */
    buf[83] = 0x04;
    buf[30] = 0x01; /* SA length 0x013c */
    vs_test_tree_init(tt, buf);
    vs_cur_init(&c, buf, len, len);
    cr_assert_eq(vs_ikev1_decode(&c, &tt->t, m), VS_MALFORMED);
    vs_assert_item(&tt->t, VS_F_IKE_PAYLOAD, 0, 1, 28, 120);
    cr_assert_eq(m->payloads[0].span.len, 120);
    free(buf); free(tt); free(m);
}

Test(ikev1, sa_shorter_than_doi_and_situation)
{
    /* SA body of 4 bytes (DOI only): below the minimum, reported, walk goes on. */
    size_t len;
    uint8_t *b = vs_hex("0011223344556677 0000000000000000 01100200 00000000 00000030"
                        "0d000008 00000001 00000008 deadbeef", &len);
    b[27] = 44;
    vs_test_tree *tt = malloc(sizeof *tt);
    vs_test_tree_init(tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, len, len);
    cr_assert_eq(vs_ikev1_decode(&c, &tt->t, NULL), VS_OK);
    cr_assert(vs_has_problem(&tt->t, VS_P_IKE_PAYLOAD_TOO_SHORT));
    vs_assert_item(&tt->t, VS_F_IKE_VID_DATA, 0, 4, 40, 4);
    free(b); free(tt);
}
