/*
 * ISAKMP / IKEv1 decoder (RFC 2408, 2409, 2407 IPsec DOI, 3947 NAT-T and
 * its drafts, mode config / XAUTH, Cisco fragmentation).
 */
#ifndef VPNSCOPE_IKEV1_H
#define VPNSCOPE_IKEV1_H

#include "vpnscope/ike.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef vs_isakmp_msg vs_ikev1_msg;

/* A whole message at the cursor (UDP 500 payload, or UDP 4500 after the
 * non-ESP marker). When the E flag is set the body is one opaque
 * vpnscope.ike.encrypted span; decrypt it and call
 * vs_ikev1_decode_payloads(). t and out may be NULL. */
vs_status vs_ikev1_decode(vs_cursor *c, vs_tree *t, vs_ikev1_msg *out);

/* A decrypted payload chain (padding after the last payload is reported
 * as vpnscope.ike.padding, not an error). doi: the SA's DOI (0 ISAKMP,
 * 1 IPsec, 2 GDOI); the current layouts take what they need from the
 * payloads themselves (SA DOI, notify protocol), so it is informational.
 * out->hdr is kept as the caller set it (zero the rest, set hdr from the
 * encrypted message: its exch_type tells a GDOI group SA from a proposal
 * list when the SA has DOI 2). */
vs_status vs_ikev1_decode_payloads(vs_cursor *c, uint8_t first_payload, uint32_t doi, vs_tree *t,
                                   vs_ikev1_msg *out);

#ifdef __cplusplus
}
#endif
#endif
