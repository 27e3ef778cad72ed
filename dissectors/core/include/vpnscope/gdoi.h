/*
 * GDOI decoder (RFC 6407 with RFC 8052 additions; Cisco GETVPN): ISAKMP on
 * UDP 848, exchanges GROUPKEY-PULL (32) and GROUPKEY-PUSH (33); also the
 * phase 1 exchange that precedes GROUPKEY-PULL (an SA offered with DOI 2
 * is decoded as proposals/transforms).
 */
#ifndef VPNSCOPE_GDOI_H
#define VPNSCOPE_GDOI_H

#include "vpnscope/ike.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef vs_isakmp_msg vs_gdoi_msg;

enum { VS_GDOI_EXCH_PULL = 32, VS_GDOI_EXCH_PUSH = 33 };
enum { VS_GDOI_KD_TEK = 1, VS_GDOI_KD_KEK = 2, VS_GDOI_KD_LKH = 3, VS_GDOI_KD_SID = 4 };

extern const vs_val vs_vals_gdoi_exch_type[], vs_vals_gdoi_payload_type[],
    vs_vals_gdoi_kek_attr[], vs_vals_gdoi_kek_mgmt[], vs_vals_gdoi_kek_alg[],
    vs_vals_gdoi_sig_hash[], vs_vals_gdoi_sig_alg[], vs_vals_gdoi_gap_attr[],
    vs_vals_gdoi_tek_protocol[], vs_vals_gdoi_kd_type[], vs_vals_gdoi_kd_tek_attr[],
    vs_vals_gdoi_kd_kek_attr[], vs_vals_gdoi_kd_lkh_attr[], vs_vals_gdoi_kd_sid_attr[];

/* A whole GDOI message; encrypted bodies as in vs_ikev1_decode(). */
vs_status vs_gdoi_decode(vs_cursor *c, vs_tree *t, vs_gdoi_msg *out);
/* A decrypted GDOI payload chain (see vs_ikev1_decode_payloads). */
vs_status vs_gdoi_decode_payloads(vs_cursor *c, uint8_t first_payload, uint32_t doi, vs_tree *t,
                                  vs_gdoi_msg *out);

#ifdef __cplusplus
}
#endif
#endif
