/*
 * UDP (RFC 768) and the UDP 4500 demultiplexing of RFC 3948.
 */
#ifndef VPNSCOPE_UDP_H
#define VPNSCOPE_UDP_H

#include "vpnscope/core.h"
#include "vpnscope/ip.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { VS_PORT_IKE = 500, VS_PORT_NATT = 4500, VS_PORT_GDOI = 848 };

/* RFC 3948 section 2: what a UDP 4500 payload holds. */
typedef enum vs_natt_kind {
    VS_NATT_INVALID = 0,   /* empty, or too short for any of the three */
    VS_NATT_KEEPALIVE = 1, /* exactly one 0xFF byte */
    VS_NATT_IKE = 2,       /* non-ESP marker (4 zero bytes), IKE header follows */
    VS_NATT_ESP = 3        /* ESP header (non-zero SPI) */
} vs_natt_kind;

typedef struct vs_natt_msg {
    vs_natt_kind kind;
    vs_span payload;       /* IKE message after the marker / ESP packet / the 0xFF byte */
    vs_cursor payload_cur; /* over payload */
} vs_natt_msg;

typedef struct vs_udp_msg {
    uint16_t sport, dport, length, cksum;
    uint16_t cksum_calc;
    bool cksum_checked; /* zero checksum, fragment or truncation: not checked */
    bool cksum_ok;
    vs_span span;       /* header + payload as the UDP length says */
    vs_span payload;
    vs_cursor payload_cur; /* bounded by the UDP length */
    /* Either port 4500: the RFC 3948 demultiplexing of the payload. */
    bool natt_present;
    vs_natt_msg natt;
} vs_udp_msg;

/*
 * Decode a UDP datagram at the cursor, which must cover exactly the IP payload
 * (its logical end is the IP payload's end). ip (may be NULL) gives the
 * addresses for the pseudo-header checksum and says whether the packet is a
 * fragment: in a first fragment the UDP length legitimately exceeds the IP
 * payload, the checksum cannot be verified, and the payload cursor covers what
 * this fragment has.
 * UDP length < 8 or > IP payload (not a fragment): MALFORMED. UDP length < IP
 * payload: the rest is the surplus area (UDP options), noted, not an error.
 * When either port is 4500 the payload is demultiplexed (vs_udp_natt_decode)
 * inside the UDP tree; out->natt holds the result.
 */
vs_status vs_udp_decode(vs_cursor *c, vs_tree *t, const vs_ip_msg *ip, vs_udp_msg *out);

/* Classify the UDP 4500 payload at the cursor (the UDP payload cursor). Does
 * not decode IKE or ESP: the caller dispatches on kind. The cursor is left at
 * the start of the payload span. */
vs_status vs_udp_natt_decode(vs_cursor *c, vs_tree *t, vs_natt_msg *out);
const char *vs_natt_kind_name(vs_natt_kind k);

extern const vs_val vs_vals_udp_port[];
extern const vs_val vs_vals_udp_natt_kind[];

#ifdef __cplusplus
}
#endif
#endif
