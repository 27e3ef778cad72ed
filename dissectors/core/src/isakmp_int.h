/* Internal interface of the ISAKMP payload walker (isakmp.c), shared by
 * the IKEv1 (ikev1.c) and GDOI (gdoi.c) decoders. Not installed. */
#ifndef VPNSCOPE_ISAKMP_INT_H
#define VPNSCOPE_ISAKMP_INT_H

#include "vpnscope/ike.h"

typedef struct ikx {
    vs_tree *t;
    vs_isakmp_msg *m;    /* may be NULL */
    int gdoi;
    uint8_t exch;        /* header exchange type, 0 when unknown */
    uint32_t doi;
    int parent;          /* payload index new payloads are nested in, -1 at top */
    int cur_sa, cur_proposal, cur_transform;
    uint8_t cur_protocol;
    uint16_t life_type;
    int cap_noted;
} ikx;

typedef void (*ikx_body_fn)(ikx *x, vs_cursor *body, int payload_index);

/* One payload type's layout: the minimum body (after the generic header)
 * and the body decoder. */
typedef struct ikx_layout {
    uint8_t type;
    uint8_t min_body;
    ikx_body_fn fn;
} ikx_layout;

/* A context in which a next-payload chain is walked. */
typedef struct ikx_chain {
    const ikx_layout *tab;
    size_t n;
    vs_field_id subtree;      /* field of each payload's subtree */
    vs_field_id next_field;   /* field of the next-payload octet */
    int record;               /* record the payloads in the typed result */
    int unknown_problem;      /* extra problem for a type not in tab, or VS_P__COUNT */
} ikx_chain;

#define GDOI_SAK_MIN 29 /* protocol .. dst id length (no data), SPI, RESERVED2 */

extern const ikx_chain ikx_v1_chain, ikx_gdoi_chain, ikx_gdoi_sa_chain;

void ikx_init(ikx *x, vs_tree *t, vs_isakmp_msg *m, int gdoi);
vs_status ikx_message(ikx *x, vs_cursor *c);
vs_status ikx_chain_only(ikx *x, vs_cursor *c, uint8_t first, uint32_t doi);
unsigned ikx_walk(ikx *x, vs_cursor *c, uint8_t first, const ikx_chain *ch);
int ikx_record_payload(ikx *x, uint8_t type, vs_span sp);
void ikx_attrs(ikx *x, vs_cursor *c, int ctx, int owner);
void ikx_id_data(ikx *x, vs_cursor *c, uint8_t type);

/* GDOI payload bodies (gdoi.c) */
void ikx_gdoi_body_sak(ikx *x, vs_cursor *b, int pi);
void ikx_gdoi_body_sat(ikx *x, vs_cursor *b, int pi);
void ikx_gdoi_body_gap(ikx *x, vs_cursor *b, int pi);
void ikx_gdoi_body_kd(ikx *x, vs_cursor *b, int pi);
void ikx_gdoi_body_seq(ikx *x, vs_cursor *b, int pi);

#endif
