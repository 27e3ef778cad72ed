/*
 * GRE: RFC 2784 with the key and sequence number of RFC 2890; the RFC 1701
 * routing bits (legacy Cisco) and PPTP's enhanced GRE (version 1, RFC 2637)
 * are decoded and flagged.
 */
#ifndef VPNSCOPE_GRE_H
#define VPNSCOPE_GRE_H

#include "vpnscope/core.h"
#include "vpnscope/ip.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    VS_GRE_C = 0x8000, VS_GRE_R = 0x4000, VS_GRE_K = 0x2000, VS_GRE_S = 0x1000,
    VS_GRE_SSR = 0x0800, VS_GRE_RECUR = 0x0700, VS_GRE_A = 0x0080, VS_GRE_RES = 0x0078,
    VS_GRE_VER = 0x0007
};

/* EtherTypes / GRE protocol types vpnscope acts on. */
enum {
    VS_ETH_KEEPALIVE = 0x0000, VS_ETH_IPV4 = 0x0800, VS_ETH_ARP = 0x0806,
    VS_ETH_CDP = 0x2000, VS_ETH_NHRP = 0x2001, VS_ETH_TEB = 0x6558,
    VS_ETH_VLAN = 0x8100, VS_ETH_IPV6 = 0x86DD, VS_ETH_PPP = 0x880B,
    VS_ETH_MPLS = 0x8847, VS_ETH_QINQ = 0x88A8, VS_ETH_ERSPAN = 0x88BE,
    VS_ETH_CMD = 0x8909, VS_ETH_QINQ_OLD = 0x9100
};

typedef struct vs_gre_msg {
    uint16_t flags_ver;
    uint8_t version;
    uint16_t proto;
    bool has_cksum, has_key, has_seq, has_ack, has_routing;
    uint16_t cksum, cksum_calc, offset;
    bool cksum_checked, cksum_ok;
    uint32_t key;    /* version 1: payload length << 16 | call ID */
    uint32_t seq;
    uint32_t ack;
    size_t hdr_len;
    vs_span span;    /* GRE header + payload */
    vs_span payload;
    vs_cursor payload_cur;
} vs_gre_msg;

/* Decode a GRE packet at the cursor, which covers the IP payload. ip may be
 * NULL; when it says the packet is a fragment the checksum is not verified. */
vs_status vs_gre_decode(vs_cursor *c, vs_tree *t, const vs_ip_msg *ip, vs_gre_msg *out);

/* Cisco MetaData inside GRE (protocol type 0x8909): 8 bytes, then a packet
 * of the EtherType it names. */
typedef struct vs_cmd_msg {
    uint16_t ethertype;
    uint8_t version, length;
    uint16_t options, sgt;
    vs_span span;
    vs_cursor payload_cur;
} vs_cmd_msg;
vs_status vs_cmd_decode(vs_cursor *c, vs_tree *t, vs_cmd_msg *out);

extern const vs_val vs_vals_ethertype[];

#ifdef __cplusplus
}
#endif
#endif
