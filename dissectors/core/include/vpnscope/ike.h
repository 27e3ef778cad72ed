/*
 * ISAKMP (RFC 2408) message model shared by the IKEv1 and GDOI decoders.
 *
 * Both decoders run one generic payload walker (src/isakmp.c) over payload
 * layout tables; they fill the same typed result, vs_isakmp_msg. Spans are
 * offsets in the buffer the top-level cursor was created on (for
 * vs_*_decode_payloads: the decrypted buffer the analyzer hands in).
 */
#ifndef VPNSCOPE_IKE_H
#define VPNSCOPE_IKE_H

#include "vpnscope/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VS_ISAKMP_HDR_LEN 28

/* Capacities of the typed result; entries beyond them are still decoded
 * into the tree and counted in the *_total fields. */
#define VS_IKE_MAX_PAYLOADS 48
#define VS_IKE_MAX_PROPOSALS 16
#define VS_IKE_MAX_TRANSFORMS 48
#define VS_IKE_MAX_ATTRS 160
#define VS_IKE_MAX_SPIS 16
#define VS_IKE_MAX_KEYPKTS 16

/* ISAKMP payload types (RFC 2408, 3947, 6407) and private values. */
enum {
    VS_IKE_PL_NONE = 0, VS_IKE_PL_SA = 1, VS_IKE_PL_P = 2, VS_IKE_PL_T = 3, VS_IKE_PL_KE = 4,
    VS_IKE_PL_ID = 5, VS_IKE_PL_CERT = 6, VS_IKE_PL_CR = 7, VS_IKE_PL_HASH = 8, VS_IKE_PL_SIG = 9,
    VS_IKE_PL_NONCE = 10, VS_IKE_PL_N = 11, VS_IKE_PL_D = 12, VS_IKE_PL_VID = 13,
    VS_IKE_PL_ATTR = 14,
    VS_IKE_PL_SAK = 15, VS_IKE_PL_SAT = 16, VS_IKE_PL_KD = 17, VS_IKE_PL_SEQ = 18,
    VS_IKE_PL_POP = 19, VS_IKE_PL_NATD = 20, VS_IKE_PL_NATOA = 21, VS_IKE_PL_GAP = 22,
    VS_IKE_PL_NATD_DRAFT = 130, VS_IKE_PL_NATOA_DRAFT = 131, VS_IKE_PL_CISCO_FRAG = 132
};
/* In IKEv1 (not GDOI) 15/16 are NAT-D/NAT-OA of draft-ietf-ipsec-nat-t-ike-04..08. */
#define VS_IKE_PL_NATD_DRAFT4 15
#define VS_IKE_PL_NATOA_DRAFT4 16

enum { VS_IKE_FLAG_E = 0x01, VS_IKE_FLAG_C = 0x02, VS_IKE_FLAG_A = 0x04 };

/* Recognised vendor IDs (vpnscope.ike.vid.kind). */
enum vs_ike_vid_kind {
    VS_VID_UNKNOWN = 0,
    VS_VID_CISCO_UNITY, VS_VID_DPD, VS_VID_XAUTH, VS_VID_NATT_RFC3947,
    VS_VID_NATT_DRAFT_00, VS_VID_NATT_DRAFT_01, VS_VID_NATT_DRAFT_02, VS_VID_NATT_DRAFT_02N,
    VS_VID_NATT_DRAFT_03, VS_VID_NATT_DRAFT_04, VS_VID_NATT_DRAFT_05, VS_VID_NATT_DRAFT_06,
    VS_VID_NATT_DRAFT_07, VS_VID_NATT_DRAFT_08, VS_VID_NATT_STENBERG_01,
    VS_VID_NATT_STENBERG_02, VS_VID_ESP_IN_UDP_HUTTUNEN, VS_VID_FRAGMENTATION,
    VS_VID_STRONGSWAN, VS_VID_MS_NT5, VS_VID_MS_NEGOTIATION_DISCOVERY,
    VS_VID_MS_INITIAL_CONTACT, VS_VID_MS_CGA, VS_VID_NETSCREEN, VS_VID_OPENSWAN,
    VS_VID_HEARTBEAT_NOTIFY, VS_VID_CISCO_CONCENTRATOR, VS_VID_CISCO_GRE_MODE
};

/* Attribute contexts: which registry an attribute's type belongs to. */
enum vs_ike_attr_ctx {
    VS_ACTX_OAKLEY = 1,  /* phase 1 transform (RFC 2409 appendix A) */
    VS_ACTX_IPSEC,       /* IPsec DOI SA attribute (RFC 2407 4.5), also GDOI TEK */
    VS_ACTX_CFG,         /* mode config / XAUTH attribute (payload 14) */
    VS_ACTX_KEK,         /* GDOI SA KEK attribute */
    VS_ACTX_GAP,         /* GDOI GAP attribute */
    VS_ACTX_KD_TEK,      /* GDOI key download: TEK key packet */
    VS_ACTX_KD_KEK,      /* GDOI key download: KEK key packet */
    VS_ACTX_KD_LKH,      /* GDOI key download: LKH key packet */
    VS_ACTX_KD_SID       /* GDOI key download: SID key packet */
};

typedef struct vs_ike_hdr {
    vs_span icookie, rcookie;
    uint8_t next_payload;
    uint8_t version;     /* major << 4 | minor */
    uint8_t exch_type;
    uint8_t flags;
    uint32_t msgid;
    uint32_t length;
    vs_span encrypted;   /* body when the E flag is set (else len 0) */
} vs_ike_hdr;

/* One payload with its key facts. */
typedef struct vs_ike_payload {
    uint8_t type;
    int8_t parent;       /* enclosing payload index (GDOI SA sub-payloads), -1 at top */
    uint8_t protocol_id; /* N/D protocol; ID protocol; TEK Protocol-ID */
    uint8_t spi_size;
    uint16_t port;       /* ID port */
    uint16_t count;      /* D: number of SPIs; KD: number of key packets; P: proposals */
    uint32_t value;      /* SA: DOI; N: type; ID/NAT-OA: ID type; CERT/CR: encoding;
                            VID: vs_ike_vid_kind; SEQ: number; CFG: message type;
                            FRAG: fragment ID << 8 | number */
    vs_span span;        /* whole payload, generic header included */
    vs_span data;        /* main datum: KE/NONCE/HASH/SIG/VID/NAT-D/CERT/POP data,
                            ID value, notify data, NAT-OA address, fragment data */
    vs_span spi;         /* N SPI; first D SPI; KEK SPI; TEK SPI */
} vs_ike_payload;

typedef struct vs_ike_proposal {
    uint8_t payload;     /* index of the SA payload */
    uint8_t number, protocol_id, spi_size;
    uint8_t declared_transforms;
    uint8_t first_transform; /* index into transforms[] */
    uint8_t n_transforms;    /* stored in transforms[] */
    vs_span span, spi;
} vs_ike_proposal;

/* A transform with a summary of its common attributes (0: absent). */
typedef struct vs_ike_transform {
    uint8_t proposal;    /* index into proposals[] */
    uint8_t number, id;
    vs_span span;
    uint16_t encr, hash, auth_method, group, key_length, prf; /* phase 1 */
    uint16_t encap_mode, auth_alg;                             /* IPsec */
    uint64_t life_seconds, life_kbytes;
} vs_ike_transform;

typedef struct vs_ike_attr {
    uint8_t ctx;         /* vs_ike_attr_ctx */
    uint8_t owner;       /* transform (OAKLEY/IPSEC in a proposal), payload (CFG, KEK,
                            GAP, TEK, notify), or key packet (KD_*) index */
    uint8_t tv;          /* basic (TV) format */
    uint8_t in_transform;
    uint16_t type;
    uint64_t value;      /* integer value (TV, or TLV of 1..8 bytes) */
    vs_span value_span;
} vs_ike_attr;

typedef struct vs_gdoi_keypkt {
    uint8_t payload;     /* index of the KD payload */
    uint8_t type;        /* 1 TEK, 2 KEK, 3 LKH, 4 SID */
    uint8_t spi_size;
    vs_span span, spi;
} vs_gdoi_keypkt;

typedef struct vs_isakmp_msg {
    vs_ike_hdr hdr;
    uint8_t gdoi;        /* decoded with the GDOI payload table */
    uint16_t n_payloads, n_payloads_total;
    vs_ike_payload payloads[VS_IKE_MAX_PAYLOADS];
    uint16_t n_proposals, n_proposals_total;
    vs_ike_proposal proposals[VS_IKE_MAX_PROPOSALS];
    uint16_t n_transforms, n_transforms_total;
    vs_ike_transform transforms[VS_IKE_MAX_TRANSFORMS];
    uint16_t n_attrs, n_attrs_total;
    vs_ike_attr attrs[VS_IKE_MAX_ATTRS];
    uint16_t n_spis, n_spis_total; /* every Delete payload SPI, in order */
    vs_span spis[VS_IKE_MAX_SPIS];
    uint16_t n_keypkts, n_keypkts_total;
    vs_gdoi_keypkt keypkts[VS_IKE_MAX_KEYPKTS];
} vs_isakmp_msg;

/* Value-name tables (also referenced by the catalogue). */
extern const vs_val vs_vals_ike_exch_type[], vs_vals_ike_payload_type[],
    vs_vals_ike_doi[], vs_vals_ike_protocol_id[],
    vs_vals_ike_trans_isakmp[], vs_vals_ike_trans_ah[], vs_vals_ike_trans_esp[],
    vs_vals_ike_trans_ipcomp[], vs_vals_ike_oakley_attr[], vs_vals_ike_oakley_encr[],
    vs_vals_ike_oakley_hash[], vs_vals_ike_oakley_auth[], vs_vals_ike_group[],
    vs_vals_ike_group_type[], vs_vals_ike_life_type[], vs_vals_ike_ipsec_attr[],
    vs_vals_ike_encap_mode[], vs_vals_ike_ipsec_auth[], vs_vals_ike_ecn[], vs_vals_ike_esn[],
    vs_vals_ike_sig_enc[], vs_vals_ike_addr_pres[], vs_vals_ike_sa_dir[], vs_vals_ike_id_type[],
    vs_vals_ike_cert_encoding[], vs_vals_ike_notify_type[], vs_vals_ike_cfg_type[],
    vs_vals_ike_cfg_attr[], vs_vals_ike_vid_kind[];

/* Index of the first payload of a type at or after from (-1 when absent). */
int vs_isakmp_find(const vs_isakmp_msg *m, uint8_t type, int from);
/* Recognise a vendor ID by its hash prefix (vs_ike_vid_kind). */
unsigned vs_ike_vid_kind(const uint8_t *vid, size_t len);

#ifdef __cplusplus
}
#endif
#endif
