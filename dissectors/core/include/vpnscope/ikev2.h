/*
 * IKEv2 decoder (RFC 7296, RFC 7383 fragmentation) with the IANA
 * "Internet Key Exchange Version 2 (IKEv2) Parameters" value tables.
 *
 * Two entry points:
 *   vs_ikev2_decode()           a whole message at the cursor (header + payload chain);
 *   vs_ikev2_decode_payloads()  a bare payload chain, e.g. the plaintext of an SK
 *                               payload after the analyzer decrypted it (padding and
 *                               pad length removed by the caller).
 * The SK / SKF payloads stay opaque: vs_ikev2_sk_split() cuts their encrypted data
 * into IV, ciphertext (incl. padding) and ICV once the caller knows the algorithm.
 */
#ifndef VPNSCOPE_IKEV2_H
#define VPNSCOPE_IKEV2_H

#include "vpnscope/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VS_IKEV2_HDR_LEN 28u

/* Exchange types (IANA "IKEv2 Exchange Types"). */
enum {
    VS_IKEV2_EXCH_IKE_SA_INIT = 34,
    VS_IKEV2_EXCH_IKE_AUTH = 35,
    VS_IKEV2_EXCH_CREATE_CHILD_SA = 36,
    VS_IKEV2_EXCH_INFORMATIONAL = 37,
    VS_IKEV2_EXCH_IKE_SESSION_RESUME = 38,
    VS_IKEV2_EXCH_IKE_INTERMEDIATE = 43,
    VS_IKEV2_EXCH_IKE_FOLLOWUP_KE = 44
};

/* Payload types (IANA "IKEv2 Payload Types"). */
enum {
    VS_IKEV2_PL_NONE = 0,
    VS_IKEV2_PL_SA = 33,
    VS_IKEV2_PL_KE = 34,
    VS_IKEV2_PL_IDI = 35,
    VS_IKEV2_PL_IDR = 36,
    VS_IKEV2_PL_CERT = 37,
    VS_IKEV2_PL_CERTREQ = 38,
    VS_IKEV2_PL_AUTH = 39,
    VS_IKEV2_PL_NONCE = 40,
    VS_IKEV2_PL_NOTIFY = 41,
    VS_IKEV2_PL_DELETE = 42,
    VS_IKEV2_PL_VID = 43,
    VS_IKEV2_PL_TSI = 44,
    VS_IKEV2_PL_TSR = 45,
    VS_IKEV2_PL_SK = 46,
    VS_IKEV2_PL_CP = 47,
    VS_IKEV2_PL_EAP = 48,
    VS_IKEV2_PL_GSPM = 49,
    VS_IKEV2_PL_IDG = 50,
    VS_IKEV2_PL_GSA = 51,
    VS_IKEV2_PL_KD = 52,
    VS_IKEV2_PL_SKF = 53,
    VS_IKEV2_PL_PS = 54
};

/* Header flags (RFC 7296 3.1). */
enum {
    VS_IKEV2_FLAG_INITIATOR = 0x08,
    VS_IKEV2_FLAG_VERSION = 0x10,
    VS_IKEV2_FLAG_RESPONSE = 0x20,
    VS_IKEV2_FLAGS_RESERVED = 0xC7
};

/* Transform types (IANA "Transform Type Values"). */
enum {
    VS_IKEV2_TF_ENCR = 1,
    VS_IKEV2_TF_PRF = 2,
    VS_IKEV2_TF_INTEG = 3,
    VS_IKEV2_TF_KE = 4, /* "D-H" before RFC 9370 */
    VS_IKEV2_TF_SN = 5, /* "ESN" before G-IKEv2 */
    VS_IKEV2_TF_ADDKE1 = 6,
    VS_IKEV2_TF_ADDKE7 = 12,
    VS_IKEV2_TF_KWA = 13,
    VS_IKEV2_TF_GCAUTH = 14
};

/* Notify types the analyzer looks at by number. */
enum {
    VS_IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
    VS_IKEV2_N_INVALID_IKE_SPI = 4,
    VS_IKEV2_N_INVALID_MAJOR_VERSION = 5,
    VS_IKEV2_N_INVALID_SYNTAX = 7,
    VS_IKEV2_N_INVALID_MESSAGE_ID = 9,
    VS_IKEV2_N_INVALID_SPI = 11,
    VS_IKEV2_N_NO_PROPOSAL_CHOSEN = 14,
    VS_IKEV2_N_INVALID_KE_PAYLOAD = 17,
    VS_IKEV2_N_AUTHENTICATION_FAILED = 24,
    VS_IKEV2_N_TS_UNACCEPTABLE = 38,
    VS_IKEV2_N_INITIAL_CONTACT = 16384,
    VS_IKEV2_N_SET_WINDOW_SIZE = 16385,
    VS_IKEV2_N_IPCOMP_SUPPORTED = 16387,
    VS_IKEV2_N_NAT_DETECTION_SOURCE_IP = 16388,
    VS_IKEV2_N_NAT_DETECTION_DESTINATION_IP = 16389,
    VS_IKEV2_N_COOKIE = 16390,
    VS_IKEV2_N_USE_TRANSPORT_MODE = 16391,
    VS_IKEV2_N_REKEY_SA = 16393,
    VS_IKEV2_N_ADDITIONAL_IP4_ADDRESS = 16397,
    VS_IKEV2_N_ADDITIONAL_IP6_ADDRESS = 16398,
    VS_IKEV2_N_AUTH_LIFETIME = 16403,
    VS_IKEV2_N_REDIRECT = 16407,
    VS_IKEV2_N_FRAGMENTATION_SUPPORTED = 16430,
    VS_IKEV2_N_SIGNATURE_HASH_ALGORITHMS = 16431
};

/* Security protocol identifiers. */
enum { VS_IKEV2_PROTO_IKE = 1, VS_IKEV2_PROTO_AH = 2, VS_IKEV2_PROTO_ESP = 3 };

/* Fixed capacities of the typed result. Entries beyond them are still
 * decoded into the tree and counted in the *_total counters. */
#define VS_IKEV2_MAX_PAYLOADS 64
#define VS_IKEV2_MAX_NOTIFIES 32
#define VS_IKEV2_MAX_SPIS 32
#define VS_IKEV2_MAX_PROPOSALS 16
#define VS_IKEV2_MAX_TRANSFORMS 16

typedef struct vs_ikev2_payload {
    uint8_t type;
    bool critical;
    bool inner;   /* decoded by vs_ikev2_decode_payloads (spans refer to that buffer) */
    vs_span span; /* the whole payload, generic header included */
} vs_ikev2_payload;

typedef struct vs_ikev2_transform {
    uint8_t type;
    uint16_t id;
    uint16_t key_len; /* Key Length attribute in bits, 0 when absent */
} vs_ikev2_transform;

typedef struct vs_ikev2_proposal {
    uint8_t number;
    uint8_t proto_id;
    uint8_t spi_size;
    uint64_t spi;   /* SPI as a number when spi_size <= 8 */
    vs_span span;   /* the whole proposal substructure */
    uint8_t num_transforms;        /* the field */
    uint8_t n_transforms;          /* stored below */
    uint16_t n_transforms_total;   /* decoded */
    vs_ikev2_transform transforms[VS_IKEV2_MAX_TRANSFORMS];
} vs_ikev2_proposal;

typedef struct vs_ikev2_notify {
    uint16_t type;
    uint8_t proto_id;
    uint8_t spi_size;
    uint64_t spi;   /* when 0 < spi_size <= 8 */
    vs_span span;   /* the Notify payload */
    vs_span data;   /* Notification Data */
    bool inner;
} vs_ikev2_notify;

/* Where an SPI was seen. */
enum { VS_IKEV2_SPI_PROPOSAL = 1, VS_IKEV2_SPI_NOTIFY = 2, VS_IKEV2_SPI_DELETE = 3 };

typedef struct vs_ikev2_spi {
    uint8_t source;   /* VS_IKEV2_SPI_* */
    uint8_t proto_id;
    uint8_t size;
    uint64_t value;   /* when size <= 8 */
    vs_span span;
    bool inner;
} vs_ikev2_spi;

typedef struct vs_ikev2_msg {
    /* Header (RFC 7296 3.1). */
    vs_span hdr;
    uint64_t ispi, rspi;
    uint8_t next_payload;
    uint8_t version, major, minor;
    uint8_t exch_type;
    uint8_t flags;
    bool initiator, response;
    uint32_t msgid;
    uint32_t length;

    /* Payloads in wire order (outer chain, then any inner chain appended). */
    vs_ikev2_payload payloads[VS_IKEV2_MAX_PAYLOADS];
    size_t n_payloads, n_payloads_total;

    vs_ikev2_notify notifies[VS_IKEV2_MAX_NOTIFIES];
    size_t n_notifies, n_notifies_total;

    vs_ikev2_spi spis[VS_IKEV2_MAX_SPIS];
    size_t n_spis, n_spis_total;

    /* Proposals of the first SA payload seen. */
    bool has_sa;
    vs_ikev2_proposal proposals[VS_IKEV2_MAX_PROPOSALS];
    size_t n_proposals, n_proposals_total;

    uint16_t ke_group;  /* KE payload's group, 0 when none */
    uint8_t auth_method; /* AUTH payload's method, 0 when none */
    uint8_t id_type_i, id_type_r;

    /* Encrypted payload (SK, 46) or fragment (SKF, 53). */
    bool has_sk;
    bool is_fragment;
    uint8_t sk_first_payload; /* the SK/SKF generic header's Next Payload */
    vs_span sk_payload;       /* the whole SK/SKF payload */
    vs_span sk_data;          /* IV | ciphertext (incl. padding, pad length) | ICV */
    uint16_t frag_number, frag_total;
} vs_ikev2_msg;

/* Decode an IKEv2 message at the cursor. t and out may be NULL. */
vs_status vs_ikev2_decode(vs_cursor *c, vs_tree *t, vs_ikev2_msg *out);

/* Decode a payload chain that starts with first_payload and fills the cursor
 * (the plaintext of an SK payload). Items are added at the tree's current
 * depth (no protocol root); payload records are APPENDED to out (marked
 * inner), so one vs_ikev2_msg can hold the outer message and its decrypted
 * content. Clear out with vs_ikev2_msg_init() before a first use. */
vs_status vs_ikev2_decode_payloads(vs_cursor *c, uint8_t first_payload, vs_tree *t,
                                   vs_ikev2_msg *out);

void vs_ikev2_msg_init(vs_ikev2_msg *out);

/* SK data split (RFC 7296 3.14, RFC 7383 2.5). */
typedef struct vs_ikev2_sk_parts {
    vs_span iv;
    vs_span ciphertext; /* encrypted payloads, padding and pad length */
    vs_span icv;
} vs_ikev2_sk_parts;

/* Split sk_data (vs_ikev2_msg.sk_data) given the IV and ICV lengths of the
 * negotiated algorithm. MALFORMED when iv_len + icv_len exceed the data.
 * When t is not NULL the three parts are added as items at its current depth. */
vs_status vs_ikev2_sk_split(vs_span sk_data, size_t iv_len, size_t icv_len, vs_tree *t,
                            vs_ikev2_sk_parts *out);

/* Value tables (IANA names), defined in ikev2_vals.c. */
extern const vs_val vs_vals_ikev2_exch_type[];
extern const vs_val vs_vals_ikev2_payload_type[];
extern const vs_val vs_vals_ikev2_prop_last[];
extern const vs_val vs_vals_ikev2_tf_last[];
extern const vs_val vs_vals_ikev2_proto[];
extern const vs_val vs_vals_ikev2_transform_type[];
extern const vs_val vs_vals_ikev2_attr_type[];
extern const vs_val vs_vals_ikev2_encr[];
extern const vs_val vs_vals_ikev2_prf[];
extern const vs_val vs_vals_ikev2_integ[];
extern const vs_val vs_vals_ikev2_ke[];
extern const vs_val vs_vals_ikev2_sn[];
extern const vs_val vs_vals_ikev2_id_type[];
extern const vs_val vs_vals_ikev2_cert_encoding[];
extern const vs_val vs_vals_ikev2_auth_method[];
extern const vs_val vs_vals_ikev2_notify_type[];
extern const vs_val vs_vals_ikev2_ipcomp[];
extern const vs_val vs_vals_ikev2_gw_ident[];
extern const vs_val vs_vals_ikev2_hash_alg[];
extern const vs_val vs_vals_ikev2_ts_type[];
extern const vs_val vs_vals_ikev2_ip_proto[];
extern const vs_val vs_vals_ikev2_cfg_type[];
extern const vs_val vs_vals_ikev2_cfg_attr[];
extern const vs_val vs_vals_ikev2_eap_code[];
extern const vs_val vs_vals_ikev2_eap_type[];
extern const vs_val vs_vals_ikev2_vendor[];

/* Name of a transform ID for a transform type (NULL when unknown). */
const char *vs_ikev2_transform_name(uint8_t type, uint16_t id);
/* Vendor name of a Vendor ID payload body (NULL when not recognised). */
const char *vs_ikev2_vendor_name(const uint8_t *vid, size_t len);

#ifdef __cplusplus
}
#endif
#endif
