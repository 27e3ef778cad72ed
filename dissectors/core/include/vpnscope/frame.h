/*
 * The frame stack: from a captured frame of a pcap link type down to the
 * application payload vpnscope cares about, recording every layer in order.
 *
 *   link (Ethernet + 802.1Q/QinQ, Linux cooked v1/v2, raw IP, BSD NULL/LOOP)
 *     -> IPv4 / IPv6 -> UDP | GRE | ESP (50) | AH (51) | IP-in-IP (4, 41)
 *        GRE -> IPv4 / IPv6 (nested, at most VS_FRAME_MAX_IP_DEPTH IP layers),
 *               Cisco MetaData (0x8909) -> its EtherType,
 *               transparent Ethernet (0x6558) -> Ethernet
 *
 * The stack does not decode IKE, GDOI or NHRP: it classifies the final
 * payload and gives its span; callers dispatch on out->app.
 */
#ifndef VPNSCOPE_FRAME_H
#define VPNSCOPE_FRAME_H

#include "vpnscope/core.h"
#include "vpnscope/esp.h"
#include "vpnscope/gre.h"
#include "vpnscope/ip.h"
#include "vpnscope/udp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VS_FRAME_MAX_LAYERS 24
#define VS_FRAME_MAX_IP_DEPTH 4

/* pcap LINKTYPE_ values the stack handles. */
enum {
    VS_LINKTYPE_NULL = 0,
    VS_LINKTYPE_ETHERNET = 1,
    VS_LINKTYPE_RAW_12 = 12, /* DLT_RAW on some BSDs */
    VS_LINKTYPE_RAW_14 = 14, /* DLT_RAW on OpenBSD */
    VS_LINKTYPE_RAW = 101,
    VS_LINKTYPE_LOOP = 108,
    VS_LINKTYPE_LINUX_SLL = 113,
    VS_LINKTYPE_IPV4 = 228,
    VS_LINKTYPE_IPV6 = 229,
    VS_LINKTYPE_LINUX_SLL2 = 276
};

typedef enum vs_layer_kind {
    VS_L_NULL,  /* BSD loopback header */
    VS_L_ETH,
    VS_L_VLAN,  /* one 802.1Q / 802.1ad tag */
    VS_L_SLL,
    VS_L_SLL2,
    VS_L_IPV4,
    VS_L_IPV6,
    VS_L_UDP,
    VS_L_NATT,  /* RFC 3948 demultiplexing: non-ESP marker or keepalive */
    VS_L_GRE,
    VS_L_CMD,   /* Cisco MetaData inside GRE */
    VS_L_ESP,
    VS_L_AH
} vs_layer_kind;
const char *vs_layer_kind_name(vs_layer_kind k);

/* Checksum verdict of a layer (IPv4 header, UDP, GRE). */
typedef enum vs_cksum_verdict {
    VS_CK_ABSENT = 0,  /* no checksum: IPv6, UDP checksum 0, GRE without C */
    VS_CK_UNVERIFIED,  /* present but not all bytes are here (capture cut, fragment) */
    VS_CK_GOOD,
    VS_CK_BAD
} vs_cksum_verdict;

typedef struct vs_layer {
    vs_layer_kind kind;
    vs_status status; /* this layer's own decode status */
    vs_cksum_verdict cksum;
    vs_span span;     /* header + payload as far as the layer's length says */
    union {
        struct { uint16_t ethertype; uint16_t vlan_id; uint32_t family; } link;
        struct {
            uint8_t version, proto;
            uint8_t src[16], dst[16];
            bool fragment, mf;
            uint16_t frag_off;
            uint32_t frag_id;
        } ip;
        struct { uint16_t sport, dport, length; } udp;
        struct { vs_natt_kind kind; } natt;
        struct {
            uint16_t flags_ver, proto;
            bool has_key, has_seq;
            uint32_t key, seq;
        } gre;
        struct { uint32_t spi, seq; uint8_t next_header; } esp; /* next_header: AH only */
        struct { uint16_t ethertype, sgt; } cmd;
    } u;
} vs_layer;

/* What the walk ended on. */
typedef enum vs_app_kind {
    VS_APP_NONE = 0,      /* nothing decodable (unsupported link, not IP, error) */
    VS_APP_IKE,           /* UDP 500, or UDP 4500 after the non-ESP marker */
    VS_APP_GDOI,          /* UDP 848 */
    VS_APP_NHRP,          /* GRE 0x2001 (or IP protocol 54) */
    VS_APP_ESP,           /* IP protocol 50 or ESP-in-UDP 4500: span starts at the SPI */
    VS_APP_NATT_KEEPALIVE,/* UDP 4500 single 0xFF */
    VS_APP_INNER_IP,      /* an IP packet deeper than VS_FRAME_MAX_IP_DEPTH */
    VS_APP_FRAGMENT,      /* a non-first IP fragment: the walk stops */
    VS_APP_OTHER          /* any other payload (ICMP, TCP, GRE keepalive, ...) */
} vs_app_kind;
const char *vs_app_kind_name(vs_app_kind k);

/* Why the walk stopped where it did (named for messages and JSON). */
typedef enum vs_frame_reason {
    VS_FR_APP = 0,            /* reached an application payload it classifies */
    VS_FR_LINKTYPE_UNSUPPORTED,
    VS_FR_NOT_IP,             /* link layer carries something else (ARP, STP, ...) */
    VS_FR_NULL_FAMILY,        /* BSD loopback family that is not IPv4/IPv6 */
    VS_FR_IP_VERSION,         /* IP version nibble neither 4 nor 6, or not the link type's */
    VS_FR_IP_PROTO,           /* IP protocol the stack does not follow */
    VS_FR_UDP_PORT,           /* UDP ports the stack does not classify */
    VS_FR_GRE_PROTO,          /* GRE protocol type the stack does not follow */
    VS_FR_GRE_KEEPALIVE,
    VS_FR_FRAGMENT,
    VS_FR_DEPTH_LIMIT,
    VS_FR_LAYER_LIMIT,
    VS_FR_TRUNCATED,          /* a header was cut by the capture */
    VS_FR_MALFORMED           /* a header could not be followed */
} vs_frame_reason;
const char *vs_frame_reason_name(vs_frame_reason r);

typedef struct vs_frame {
    int linktype;
    vs_status status;        /* worst status over all layers */
    vs_frame_reason reason;
    vs_app_kind app;
    vs_span app_span;        /* logical span of the application payload */
    vs_cursor app_cur;       /* cursor over it (bounded by its enclosing lengths) */
    uint32_t detail;         /* reason detail: link type, EtherType, protocol, port ... */
    size_t n_layers, n_layers_total;
    size_t ip_depth;         /* IP layers seen */
    vs_span trailer;         /* bytes after the outermost IP packet (padding/FCS), len 0 if none */
    /* last: layers[n_layers ..] are not cleared (perf: 1.5 KiB memset per frame) */
    vs_layer layers[VS_FRAME_MAX_LAYERS];
} vs_frame;

/* Decode a captured frame. caplen bytes are in data; wirelen is the frame's
 * length on the wire (>= caplen; a smaller value is treated as caplen). t may
 * be NULL; out must not be. Returns out->status. */
vs_status vs_frame_decode(int linktype, const uint8_t *data, size_t caplen, size_t wirelen,
                          vs_tree *t, vs_frame *out);

/* Convenience: the n-th (0-based) layer of a kind, or NULL. */
const vs_layer *vs_frame_layer(const vs_frame *f, vs_layer_kind k, size_t n);

#ifdef __cplusplus
}
#endif
#endif
