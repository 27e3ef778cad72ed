/*
 * ISAKMP / IKEv1 entry points. The payload layouts and the walker live in
 * isakmp.c (shared with GDOI); this file only selects the IKEv1 table.
 */
#include "vpnscope/ikev1.h"

#include "isakmp_int.h"

vs_status vs_ikev1_decode(vs_cursor *c, vs_tree *t, vs_ikev1_msg *out)
{
    ikx x;
    ikx_init(&x, t, out, 0);
    return ikx_message(&x, c);
}

vs_status vs_ikev1_decode_payloads(vs_cursor *c, uint8_t first_payload, uint32_t doi, vs_tree *t,
                                   vs_ikev1_msg *out)
{
    ikx x;
    vs_ike_hdr keep;
    if (out)
        keep = out->hdr;
    ikx_init(&x, t, out, 0);
    if (out) {
        out->hdr = keep; /* the caller's header (from the encrypted message) */
        x.exch = keep.exch_type;
    }
    return ikx_chain_only(&x, c, first_payload, doi);
}
