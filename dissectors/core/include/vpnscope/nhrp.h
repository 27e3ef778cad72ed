/*
 * NHRP (RFC 2332) with Cisco DMVPN usage: Traffic Indication (type 8), the
 * NAT flag 0x0002, the NAT address extension (type 9) and the cleartext
 * authentication extension without a source address.
 *
 * The decoder fills a typed result (for the analyzer's DMVPN state machines)
 * and/or a field tree (for the Wireshark plugin); either may be NULL.
 */
#ifndef VPNSCOPE_NHRP_H
#define VPNSCOPE_NHRP_H

#include "vpnscope/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ar$op.type */
enum {
    VS_NHRP_RESOLUTION_REQUEST = 1,
    VS_NHRP_RESOLUTION_REPLY = 2,
    VS_NHRP_REGISTRATION_REQUEST = 3,
    VS_NHRP_REGISTRATION_REPLY = 4,
    VS_NHRP_PURGE_REQUEST = 5,
    VS_NHRP_PURGE_REPLY = 6,
    VS_NHRP_ERROR_INDICATION = 7,
    VS_NHRP_TRAFFIC_INDICATION = 8 /* Cisco */
};

/* Extension types (after masking the compulsory and unused bits) */
enum {
    VS_NHRP_EXT_END = 0,
    VS_NHRP_EXT_RESPONDER = 3,
    VS_NHRP_EXT_FWD_TRANSIT = 4,
    VS_NHRP_EXT_REV_TRANSIT = 5,
    VS_NHRP_EXT_AUTH = 7,
    VS_NHRP_EXT_VENDOR = 8,
    VS_NHRP_EXT_CISCO_NAT = 9 /* RFC 2735 device capabilities when 8 bytes long */
};

/* Flags (16-bit field, per packet type) */
#define VS_NHRP_FLAG_Q 0x8000u      /* resolution: requester is a router */
#define VS_NHRP_FLAG_A 0x4000u      /* resolution: authoritative */
#define VS_NHRP_FLAG_D 0x2000u      /* resolution: stable destination */
#define VS_NHRP_FLAG_U 0x1000u      /* resolution: unique */
#define VS_NHRP_FLAG_S 0x0800u      /* resolution: stable source */
#define VS_NHRP_FLAG_UNIQUE 0x8000u /* registration: unique */
#define VS_NHRP_FLAG_N 0x8000u      /* purge: no reply expected */
#define VS_NHRP_FLAG_NAT 0x0002u    /* Cisco: NAT extension supported */

/* How to read the authentication extension (type 7). */
typedef enum vs_nhrp_auth_mode {
    VS_NHRP_AUTH_AUTO = 0, /* decide by the layout (default) */
    VS_NHRP_AUTH_RFC = 1,  /* RFC 2332: reserved, SPI, source address, data */
    VS_NHRP_AUTH_CISCO = 2 /* IOS: 32-bit type (1 = cleartext), password */
} vs_nhrp_auth_mode;

typedef struct vs_nhrp_opts {
    vs_nhrp_auth_mode auth;
} vs_nhrp_opts;

/* Address family of a decoded address. */
enum {
    VS_NHRP_AF_NONE = 0, /* absent (length 0) */
    VS_NHRP_AF_IPV4 = 1,
    VS_NHRP_AF_IPV6 = 2,
    VS_NHRP_AF_OTHER = 3 /* bytes: another family, a subaddress, or an odd length */
};

typedef struct vs_nhrp_addr {
    vs_span span;   /* the address bytes (len 0 when absent) */
    uint8_t family; /* VS_NHRP_AF_* */
} vs_nhrp_addr;

#define VS_NHRP_IN_MAND 0xFFu /* vs_nhrp_cie.ext for CIEs of the mandatory part */
#define VS_NHRP_EXT_NOT_STORED 0xFEu /* CIE of an extension beyond VS_NHRP_MAX_EXTS */

typedef struct vs_nhrp_cie {
    vs_span span;
    uint8_t code;
    uint8_t prefix_len;
    uint16_t mtu;
    uint16_t holding_time;
    uint8_t cli_addr_tl;  /* raw type/length bytes */
    uint8_t cli_saddr_tl;
    uint8_t cli_proto_len;
    uint8_t preference;
    vs_nhrp_addr nbma;
    vs_nhrp_addr nbma_sub;
    vs_nhrp_addr proto;
    uint8_t ext; /* VS_NHRP_IN_MAND or the index in vs_nhrp_msg.exts */
} vs_nhrp_cie;

/* Resolved layout of an authentication extension. */
enum { VS_NHRP_AUTHF_NONE = 0, VS_NHRP_AUTHF_RFC = 1, VS_NHRP_AUTHF_CISCO = 2 };

typedef struct vs_nhrp_ext {
    vs_span span;     /* header and body, as declared (may run past a cut capture) */
    vs_span body;     /* the length field's bytes */
    uint16_t raw_type;
    uint16_t type;    /* raw_type & 0x3FFF */
    bool compulsory;  /* raw_type & 0x8000 */
    uint16_t len;
    /* authentication (type 7) */
    uint8_t auth_form;     /* VS_NHRP_AUTHF_* */
    uint32_t auth_spi;     /* RFC: the 16-bit SPI; Cisco: the 32-bit type (1 = cleartext) */
    vs_nhrp_addr auth_src; /* RFC form only */
    vs_span auth_data;     /* RFC: authentication data; Cisco: the password (captured bytes only) */
    /* vendor private (type 8) */
    uint32_t vendor_id;
    /* CIEs inside (responder, transit records, Cisco NAT): indexes in cies[] */
    uint8_t first_cie;
    uint8_t n_cies;
} vs_nhrp_ext;

#define VS_NHRP_MAX_CIES 32
#define VS_NHRP_MAX_EXTS 16

typedef struct vs_nhrp_msg {
    vs_status status;
    vs_span span; /* the packet (ar$pktsz bytes, or what the payload holds) */
    /* fixed header */
    uint16_t afn;
    uint16_t pro_type;
    bool has_snap;     /* pro_type == 0x0080 */
    uint32_t snap_oui;
    uint16_t snap_pid;
    uint8_t hop_count;
    uint16_t pkt_size;
    uint16_t checksum;
    uint8_t checksum_status; /* 0 bad, 1 good, 2 unverified (as Wireshark) */
    uint16_t checksum_expected;
    uint16_t ext_offset;
    uint8_t version;
    uint8_t type;
    uint8_t shtl, sstl;
    /* mandatory part */
    bool has_mand;     /* the common mandatory header was read */
    uint8_t src_proto_len, dst_proto_len;
    uint16_t flags;    /* types 1-6 */
    uint32_t request_id; /* types 1-6 */
    vs_nhrp_addr src_nbma, src_nbma_sub, src_proto, dst_proto;
    /* Error Indication (7) */
    uint16_t error_code, error_offset;
    vs_span error_packet; /* captured part of the packet in error */
    uint8_t error_packet_type;       /* ar$op.type of the packet in error, 0 if unknown */
    uint32_t error_packet_request_id; /* its request ID when it has one */
    vs_status error_packet_status;   /* is the packet in error complete? */
    /* Traffic Indication (8) */
    uint16_t traffic_code;
    vs_span traffic_packet; /* captured part of the packet causing the indication */
    uint8_t traffic_ip_version; /* 4, 6 or 0 */
    uint8_t traffic_ip_proto;
    vs_span traffic_ip_src, traffic_ip_dst;
    /* CIEs of the mandatory part and of extensions (see vs_nhrp_cie.ext) */
    vs_nhrp_cie cies[VS_NHRP_MAX_CIES];
    size_t n_cies;       /* stored */
    size_t n_cies_total; /* decoded (may exceed the capacity) */
    vs_nhrp_ext exts[VS_NHRP_MAX_EXTS];
    size_t n_exts;
    size_t n_exts_total;
    bool has_end_ext;
} vs_nhrp_msg;

/* Decode one NHRP packet at the cursor (the GRE 0x2001 or IP protocol 54
 * payload). opts may be NULL (auto-detect the authentication layout).
 * Returns the status, also stored in out->status. */
vs_status vs_nhrp_decode(vs_cursor *c, const vs_nhrp_opts *opts, vs_tree *t, vs_nhrp_msg *out);

/* Convenience: count CIEs stored for one owner (VS_NHRP_IN_MAND or ext index). */
size_t vs_nhrp_cies_of(const vs_nhrp_msg *m, uint8_t owner);

#ifdef __cplusplus
}
#endif
#endif
