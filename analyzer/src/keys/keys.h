/*
 * Key material the user supplies, in the formats they already have:
 *   - Wireshark's esp_sa UAT file (also what strongSwan's save-keys plugin writes)
 *   - Wireshark's ikev1_decryption_table and ikev2_decryption_table UAT files
 *   - tcpdump -E secrets: "spi@dst algo:secret" (command line or file, one per line)
 *   - the output of `ip xfrm state` (Linux)
 * A file's format is recognised from its first meaningful line.
 *
 * Key bytes are never printed by this module; error messages name the file
 * and line and describe the field, never its value.
 */
#ifndef VSA_KEYS_H
#define VSA_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ESP encryption transforms. Key lengths include the salt/nonce where the
 * RFC appends one to the key (AES-CTR, AES-GCM, ChaCha20-Poly1305: 4 bytes). */
typedef enum vsa_enc {
    VSA_ENC_NULL = 0,
    VSA_ENC_DES_CBC,
    VSA_ENC_3DES_CBC,
    VSA_ENC_AES_CBC,
    VSA_ENC_AES_CTR,
    VSA_ENC_AES_GCM,   /* ICV length in vsa_esp_sa.icv_len (8, 12, 16) */
    VSA_ENC_AES_CCM,   /* IKEv2 only for now */
    VSA_ENC_CHACHA20_POLY1305,
    VSA_ENC_UNSUPPORTED /* known name (Blowfish, CAST5, Twofish...) without support */
} vsa_enc;

typedef enum vsa_integ {
    VSA_INTEG_NONE = 0,
    VSA_INTEG_HMAC_MD5_96,
    VSA_INTEG_HMAC_SHA1_96,
    VSA_INTEG_HMAC_SHA256_96,
    VSA_INTEG_HMAC_SHA256_128,
    VSA_INTEG_HMAC_SHA384_192,
    VSA_INTEG_HMAC_SHA512_256,
    VSA_INTEG_AES_XCBC_96,
    VSA_INTEG_ANY,        /* an ICV of icv_len bytes that is not checked (no key / unknown alg) */
    VSA_INTEG_UNSUPPORTED /* e.g. HMAC-RIPEMD-160-96 */
} vsa_integ;

const char *vsa_enc_name(vsa_enc e, unsigned key_bits, unsigned icv_len);
const char *vsa_integ_name(vsa_integ i);
/* ICV length in bytes of an integrity transform (0 for none, -1 for ANY). */
int vsa_integ_icv_len(vsa_integ i);
bool vsa_enc_is_aead(vsa_enc e);

#define VSA_MAX_KEY 64
#define VSA_MAX_AUTH_KEY 128
#define VSA_ORIGIN_MAX 200

/* An address pattern: value with a bit mask (Wireshark allows per-nibble
 * '*' wildcards, "*" for any and "/len" prefixes). */
typedef struct vsa_addr_pat {
    uint8_t af; /* 4 or 6; 0 = any family */
    uint8_t addr[16];
    uint8_t mask[16];
} vsa_addr_pat;

typedef struct vsa_esp_sa {
    vsa_addr_pat src;
    vsa_addr_pat dst;
    uint32_t spi;
    uint32_t spi_mask; /* 0xffffffff: exact; nibble wildcards clear nibbles */
    vsa_enc enc;
    uint8_t enc_key[VSA_MAX_KEY];
    uint8_t enc_key_len;
    vsa_integ integ;
    uint8_t auth_key[VSA_MAX_AUTH_KEY];
    uint8_t auth_key_len;
    uint8_t icv_len; /* bytes of ICV on the wire (AEAD tag or truncated MAC) */
    bool esn;        /* extended sequence numbers (RFC 4303 sec. 2.2.1) */
    char origin[VSA_ORIGIN_MAX]; /* "file:line" */
} vsa_esp_sa;

/* IKEv1: Wireshark's ikev1_decryption_table: initiator cookie -> encryption key. */
typedef struct vsa_ike1_key {
    uint8_t icookie[8];
    uint8_t key[VSA_MAX_KEY];
    uint8_t key_len;
    /* ikev1_skeyid lines (initiator cookie, responder cookie, SKEYID_d,
     * SKEYID_a, encryption key): what RFC 2409 5.5 needs for Quick Mode KEYMAT */
    bool have_skeyid;
    uint8_t rcookie[8];
    uint8_t skeyid_d[VSA_MAX_KEY], skeyid_a[VSA_MAX_KEY];
    uint8_t skeyid_d_len, skeyid_a_len;
    char origin[VSA_ORIGIN_MAX];
} vsa_ike1_key;

/* IKEv2: Wireshark's ikev2_decryption_table. */
typedef struct vsa_ike2_key {
    uint8_t spi_i[8];
    uint8_t spi_r[8];
    vsa_enc enc;
    unsigned enc_key_bits; /* cipher key size without salt */
    uint8_t icv_len;       /* AEAD ICV length */
    uint8_t sk_ei[VSA_MAX_KEY], sk_er[VSA_MAX_KEY];
    uint8_t sk_e_len;
    vsa_integ integ;
    uint8_t sk_ai[VSA_MAX_AUTH_KEY], sk_ar[VSA_MAX_AUTH_KEY];
    uint8_t sk_a_len;
    char origin[VSA_ORIGIN_MAX];
} vsa_ike2_key;

typedef struct vsa_keys {
    vsa_esp_sa *esp;
    size_t n_esp, cap_esp;
    vsa_ike1_key *ike1;
    size_t n_ike1, cap_ike1;
    vsa_ike2_key *ike2;
    size_t n_ike2, cap_ike2;
} vsa_keys;

typedef enum vsa_keyfmt {
    VSA_KF_AUTO = 0,
    VSA_KF_ESP_SA,
    VSA_KF_IKEV1,
    VSA_KF_IKEV2,
    VSA_KF_TCPDUMP,
    VSA_KF_XFRM,
    VSA_KF_IKEV1_SKEYID  /* icookie, rcookie, SKEYID_d, SKEYID_a, encryption key */
} vsa_keyfmt;

const char *vsa_keyfmt_name(vsa_keyfmt f);

void vsa_keys_init(vsa_keys *k);
void vsa_keys_free(vsa_keys *k);

/* Load a key file (format recognised unless fmt says; "FORMAT:PATH" with a
 * format name of vsa_keyfmt_name, e.g. "ikev1_skeyid:keys.txt", names it). On error returns -1
 * with "file:line: what is wrong" in err; the keys loaded from earlier files
 * stay. Returns the number of entries added otherwise. */
int vsa_keys_load_file(vsa_keys *k, const char *path, vsa_keyfmt fmt, char *err, size_t errlen);
/* Same over a string already in memory (name used in messages). */
int vsa_keys_load_text(vsa_keys *k, const char *name, const char *text, vsa_keyfmt fmt,
                       char *err, size_t errlen);
/* One tcpdump -E argument: "spi@dst algo:secret[,spi@dst algo:secret...]" or
 * "file NAME" is handled by the caller. */
int vsa_keys_add_tcpdump(vsa_keys *k, const char *name, unsigned line, const char *spec,
                         char *err, size_t errlen);

/* Match an ESP packet's (family, src, dst, spi); first matching entry wins,
 * in load order (as Wireshark does). af is 4 or 6. */
const vsa_esp_sa *vsa_keys_find_esp(const vsa_keys *k, int af, const uint8_t *src,
                                    const uint8_t *dst, uint32_t spi);
const vsa_ike1_key *vsa_keys_find_ike1(const vsa_keys *k, const uint8_t icookie[8]);
/* The ikev1_skeyid entry of an IKE SA (rcookie checked), or NULL. */
const vsa_ike1_key *vsa_keys_find_skeyid(const vsa_keys *k, const uint8_t icookie[8],
                                         const uint8_t rcookie[8]);
const vsa_ike2_key *vsa_keys_find_ike2(const vsa_keys *k, const uint8_t spi_i[8],
                                       const uint8_t spi_r[8]);

/* Hex helper shared with other modules: "0x..." or bare hex; returns the
 * byte count or -1 (bad digit / odd count / too long). */
int vsa_parse_hex(const char *s, size_t n, uint8_t *out, size_t cap);

#endif
