/*
 * Encapsulation overhead model: the exact bytes GRE, ESP/AH and NAT-T add to
 * a packet, and a what-if calculator for MTU / MSS planning. Shared by the
 * Wireshark overhead postdissector and `vpnscope overhead`.
 *
 * Arithmetic (RFC 4303 section 2.4, RFC 4302, RFC 2784/2890, RFC 3948):
 *   ESP payload = inner bytes + 2 (pad length, next header), padded with
 *   1..255 bytes so that it is a multiple of the cipher block size (4 for
 *   stream/counter/AEAD modes and NULL: RFC 4303 requires 4-byte alignment of
 *   the ICV); then IV before it and the ICV after it.
 */
#ifndef VPNSCOPE_OVERHEAD_H
#define VPNSCOPE_OVERHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpnscope/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An ESP cipher as IOS names it in a transform set. */
typedef struct vs_cipher_info {
    const char *ios;   /* "esp-aes 256", "esp-3des", "esp-gcm 128" */
    const char *rfc;   /* "AES-CBC-256" */
    uint8_t iv;        /* IV bytes on the wire */
    uint8_t block;     /* padding alignment */
    uint8_t icv;       /* built-in ICV of an AEAD (0 otherwise) */
    uint16_t key_bits;
    bool aead;
} vs_cipher_info;

typedef struct vs_integ_info {
    const char *ios;   /* "esp-sha-hmac" */
    const char *rfc;   /* "HMAC-SHA1-96" */
    uint8_t icv;
} vs_integ_info;

extern const vs_cipher_info vs_ciphers[];
extern const size_t vs_n_ciphers;
extern const vs_integ_info vs_integs[];
extern const size_t vs_n_integs;

/* Lookup by IOS name ("esp-aes", "esp-aes 256", "esp-256-aes" forms) or RFC
 * name, case-insensitive. NULL when unknown. */
const vs_cipher_info *vs_cipher_find(const char *name);
const vs_integ_info *vs_integ_find(const char *name);

/* How a packet is carried. Order of the vs_tunnel_type values is stable
 * (it is also a catalogue value table). */
typedef enum vs_tunnel_type {
    VS_TUN_UNKNOWN = 0,
    VS_TUN_PLAIN_GRE,          /* point-to-point GRE, no IPsec */
    VS_TUN_MGRE,               /* multipoint GRE (NHRP seen / GRE key on a hub) */
    VS_TUN_GRE_IPSEC_TUNNEL,   /* GRE inside ESP tunnel mode */
    VS_TUN_GRE_IPSEC_TRANSPORT,/* ESP transport mode protecting GRE (DMVPN usual) */
    VS_TUN_IPSEC_TUNNEL,       /* ESP tunnel mode, no GRE: crypto map or S-VTI */
    VS_TUN_GETVPN,             /* tunnel mode with header preservation */
    VS_TUN_IPSEC_TRANSPORT,    /* ESP transport mode, no GRE */
    VS_TUN_IPSEC_UNKNOWN,      /* ESP seen, not decrypted: mode unknown */
    VS_TUN__COUNT
} vs_tunnel_type;

extern const char *const vs_tunnel_type_names[VS_TUN__COUNT];

typedef enum vs_ipsec_mode {
    VS_IPSEC_NONE = 0,
    VS_IPSEC_ESP_TUNNEL,
    VS_IPSEC_ESP_TRANSPORT,
    VS_IPSEC_AH_TUNNEL,
    VS_IPSEC_AH_TRANSPORT
} vs_ipsec_mode;

/* A what-if encapsulation: from the inner packet outwards. */
typedef struct vs_encap_plan {
    bool gre;
    bool gre_key, gre_seq, gre_csum;
    vs_ipsec_mode ipsec;
    const vs_cipher_info *cipher; /* ESP; NULL with ESP means esp-null */
    const vs_integ_info *integ;   /* ESP or AH integrity; NULL = none */
    bool natt;                    /* UDP 4500 encapsulation (ESP only) */
    bool outer_ipv6;              /* IPv6 delivery header(s) */
    bool inner_ipv6;              /* the protected (user) packet is IPv6: MSS advice, transport mode */
} vs_encap_plan;

/* Byte breakdown of one encapsulated packet. */
typedef struct vs_overhead {
    uint32_t outer_ip;   /* new delivery IP header (tunnel mode / GRE) */
    uint32_t udp;        /* NAT-T UDP header */
    uint32_t ah;         /* AH header incl. ICV and its alignment */
    uint32_t esp_header; /* SPI + sequence number */
    uint32_t iv;
    uint32_t gre_ip;     /* the GRE delivery IP header inside ESP tunnel mode */
    uint32_t gre;        /* GRE header with its options */
    uint32_t inner;      /* the original packet (or the rest) */
    uint32_t padding;
    uint32_t trailer;    /* pad length + next header */
    uint32_t icv;
    uint32_t total;      /* on-the-wire IP packet size */
    uint32_t overhead;   /* total - inner */
} vs_overhead;

/* Size of an inner IP packet of inner_size bytes once encapsulated. */
void vs_overhead_calc(const vs_encap_plan *p, uint32_t inner_size, vs_overhead *out);

/* The largest inner packet whose encapsulation fits path_mtu (0 if none). */
uint32_t vs_overhead_max_inner(const vs_encap_plan *p, uint32_t path_mtu);

/* Recommendations in IOS terms for a tunnel over a path of path_mtu bytes:
 * `ip mtu` = the largest inner packet that fits; `ip tcp adjust-mss` =
 * ip mtu - 40 (IPv4 + TCP headers without options; 60 for IPv6). */
typedef struct vs_mtu_advice {
    uint32_t ip_mtu;
    uint32_t tcp_mss;
} vs_mtu_advice;
void vs_overhead_advice(const vs_encap_plan *p, uint32_t path_mtu, vs_mtu_advice *out);

/* Parse a plan from words as a user types them on the command line:
 * encapsulation tokens "gre", "gre-key", "gre-seq", "gre-csum", "tunnel",
 * "transport", "ah-tunnel", "ah-transport", "nat-t", "ipv6" (outer),
 * "inner-ipv6"; transform tokens as in an IOS transform set
 * ("esp-3des esp-md5-hmac", "esp-aes 256 esp-sha-hmac", "esp-gcm 128").
 * Returns 0, or -1 with a message in err naming the bad word. */
int vs_plan_parse(const char *encap, const char *transform, vs_encap_plan *p, char *err,
                  size_t errlen);

/* ---------------------------------------------------------------------- */
/* Measured overhead of one captured packet. */

/* What the analyzer learned by decrypting an ESP packet of the frame. */
typedef struct vs_esp_plain {
    const uint8_t *plain; /* inner packet + padding + pad length + next header */
    size_t plain_len;
    uint32_t iv_len, icv_len;
} vs_esp_plain;

typedef struct vs_overhead_measure {
    vs_tunnel_type type;
    bool natt;
    bool outer_ipv6;
    bool fragment;        /* the delivery packet is an IP fragment */
    uint8_t exact;        /* 1 exact (cleartext or decrypted), 0 estimated, 2 partial */
    uint32_t spi;
    uint32_t encrypted;   /* bytes of the encrypted part left unsplit (exact == 2) */
    vs_overhead bytes;    /* the breakdown; bytes.inner is the protected packet */
    /* Where each part sits in the captured frame (len 0 when absent). For a
     * decrypted packet, the inner/padding/trailer spans are the ciphertext
     * bytes that decrypt to them (same length for every ESP cipher). */
    vs_span s_outer_ip, s_udp, s_ah, s_esp, s_iv, s_gre_ip, s_gre, s_inner, s_padding,
        s_trailer, s_icv, s_encrypted, s_total;
} vs_overhead_measure;

struct vs_frame;
/* Measure a decoded frame. dec: decrypted ESP payload (NULL when not
 * decrypted); xform: the negotiated/configured transform when known (gives
 * IV and ICV lengths without keys), else NULL. Returns false when the frame
 * carries no tunnel (nothing to measure). */
bool vs_overhead_measure_frame(const struct vs_frame *f, const vs_esp_plain *dec,
                               const vs_encap_plan *xform, vs_overhead_measure *m);

/* Add the vpnscope.overhead subtree for a measurement. */
void vs_overhead_to_tree(vs_tree *t, const vs_overhead_measure *m);

#ifdef __cplusplus
}
#endif
#endif
