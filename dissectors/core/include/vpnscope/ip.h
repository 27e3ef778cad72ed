/*
 * IPv4 (RFC 791) and IPv6 (RFC 8200) headers.
 *
 * The decoders read one IP packet at the cursor. The packet's own length
 * (IPv4 total length, IPv6 40 + payload length) delimits it: bytes after it
 * in the enclosing buffer (Ethernet padding, FCS) are not part of the PDU and
 * stay unread in the caller's cursor. A length beyond the enclosing PDU is
 * MALFORMED (the header is still decoded); a length beyond the capture is
 * TRUNCATED. The upper-layer payload is handed back as a cursor so the
 * caller can decode it as a bounded sub-PDU.
 *
 * Tree items: vpnscope.ip.src/dst (and option addresses) carry the IPv4
 * address as their value; vpnscope.ipv6.src/dst carry 16 (the bytes are at
 * the span), as byte fields do.
 */
#ifndef VPNSCOPE_IP_H
#define VPNSCOPE_IP_H

#include "vpnscope/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VS_IP_MAX_OPTIONS 20 /* 40 option bytes hold at most 40 NOPs; EOL/NOP are not kept */
#define VS_IPV6_MAX_EXT 8    /* extension headers followed before giving up */

/* Well-known IP protocol numbers used across vpnscope. */
enum {
    VS_IPPROTO_HOPOPTS = 0,
    VS_IPPROTO_ICMP = 1,
    VS_IPPROTO_IPIP = 4,
    VS_IPPROTO_TCP = 6,
    VS_IPPROTO_UDP = 17,
    VS_IPPROTO_IPV6 = 41,
    VS_IPPROTO_ROUTING = 43,
    VS_IPPROTO_FRAGMENT = 44,
    VS_IPPROTO_GRE = 47,
    VS_IPPROTO_ESP = 50,
    VS_IPPROTO_AH = 51,
    VS_IPPROTO_NARP = 54, /* NHRP directly over IP (RFC 2332 section 5) */
    VS_IPPROTO_ICMPV6 = 58,
    VS_IPPROTO_NONE = 59,
    VS_IPPROTO_DSTOPTS = 60
};

typedef struct vs_ip_opt {
    uint8_t type;
    uint8_t len;  /* 1 for EOL/NOP */
    vs_span span; /* the whole option */
} vs_ip_opt;

typedef struct vs_ip_ext {
    uint8_t type; /* the next-header value that introduced it (0, 43, 44, 60 ...) */
    uint8_t next; /* its own next-header field */
    vs_span span;
} vs_ip_ext;

typedef struct vs_ip_msg {
    uint8_t version;   /* 4 or 6 (the nibble read, even when wrong) */
    size_t hdr_len;    /* IPv4: IHL*4; IPv6: 40 + every extension header followed */
    uint8_t ihl;       /* IPv4 IHL field (32-bit words) */
    uint8_t tos;       /* IPv4 DS field / IPv6 traffic class */
    uint32_t flow;     /* IPv6 flow label */
    uint32_t total_len;/* IPv4 total length; IPv6 40 + payload length (or jumbo) */
    uint16_t plen;     /* IPv6 payload length field */
    uint8_t ttl;       /* TTL / hop limit */
    uint8_t nxt;       /* IPv4 protocol / IPv6 next header field of the fixed header */
    uint8_t proto;     /* upper-layer protocol after every extension header followed */
    uint8_t src[16], dst[16]; /* IPv4 addresses in the first 4 bytes */
    /* Final destination for upper-layer checksums (RFC 8200 section 8.1,
     * RFC 791 source routes): the last address of an IPv6 routing header
     * (types 0, 2; segment list[0] of an SRH) with segments left, or of an
     * IPv4 loose/strict source route option; otherwise dst. */
    uint8_t final_dst[16];

    /* Fragmentation: IPv4 header fields or the IPv6 fragment header. */
    bool rf, df, mf;
    uint16_t frag_off;  /* in 8-octet units */
    uint32_t frag_id;   /* IPv4 identification or IPv6 fragment id */
    uint16_t id;        /* IPv4 identification */
    bool is_fragment;   /* MF set, offset non-zero, or an IPv6 fragment header */

    /* IPv4 header checksum. */
    uint16_t cksum;
    uint16_t cksum_calc; /* value the field should hold */
    bool cksum_checked;
    bool cksum_ok;

    vs_span span;       /* the packet as its length field says (may exceed the capture) */
    vs_span payload;    /* the upper-layer payload, logical */
    /* Cursor over the payload (status VS_OK when the header could be followed;
     * MALFORMED when it could not). Bounded by the packet's length. */
    vs_cursor payload_cur;

    size_t n_opts, n_opts_total;
    size_t n_ext, n_ext_total;
    uint32_t jumbo;     /* IPv6 jumbo payload length option, 0 when absent */
    /* last: entries from n_opts / n_ext on are not cleared (perf) */
    vs_ip_opt opts[VS_IP_MAX_OPTIONS];
    vs_ip_ext ext[VS_IPV6_MAX_EXT];
} vs_ip_msg;

vs_status vs_ipv4_decode(vs_cursor *c, vs_tree *t, vs_ip_msg *out);
vs_status vs_ipv6_decode(vs_cursor *c, vs_tree *t, vs_ip_msg *out);
/* Dispatch on the version nibble (neither 4 nor 6: MALFORMED, decoded as IPv4
 * so the header is shown). */
vs_status vs_ip_decode(vs_cursor *c, vs_tree *t, vs_ip_msg *out);

/* Pseudo-header sum (RFC 768 / RFC 8200 section 8.1) for an upper-layer
 * checksum over ip's addresses with this protocol and length. */
uint32_t vs_ip_pseudo_sum(const vs_ip_msg *ip, uint8_t proto, uint32_t len);

extern const vs_val vs_vals_ip_proto[];

#ifdef __cplusplus
}
#endif
#endif
