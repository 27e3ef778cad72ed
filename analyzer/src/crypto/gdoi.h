/*
 * GETVPN key linking (RFC 6407): the KEK and TEKs a group member learns.
 *
 *   GROUPKEY-PULL (decrypted with the phase-1 keys): message 2's SA carries
 *     the policy (SA KEK: algorithm, key length, signature hash; SA TEK: ESP
 *     transform, SPI, authentication algorithm), message 4's KD the keys
 *     (KEK key packet: KEK_ALGORITHM_KEY = IV | key, SIG_ALGORITHM_KEY = the
 *     key server's public key as SubjectPublicKeyInfo DER; TEK key packet:
 *     TEK_ALGORITHM_KEY, TEK_INTEGRITY_KEY).
 *   GROUPKEY-PUSH: ISAKMP header whose cookies are the KEK SPI, body
 *     encrypted with the KEK in CBC mode with the KEK's static IV; SEQ, SA,
 *     KD, SIG. SIG = RSASSA-PKCS1-v1_5 (SIG_HASH_ALGORITHM) over
 *     "rekey" | HDR (E flag, length = unpadded message incl. SIG) | payloads
 *     before SIG (the Cisco-authored GDOI reference implementation,
 *     gdoi_add_sig_payload; samples/getvpn/README.md).
 *
 * A TEK becomes usable (an ESP SA) once its policy and its keys are both
 * known; the caller is told which TEKs completed with each message.
 */
#ifndef VSA_CRYPTO_GDOI_H
#define VSA_CRYPTO_GDOI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys/keys.h"
#include "vpnscope/ike.h"

#define VSA_GDOI_MAX_KEK 8
#define VSA_GDOI_MAX_TEK 64

/* RFC 6407 5.3.3 KEK_ALGORITHM; 5.3.6 SIG_HASH_ALGORITHM. */
enum { VSA_KEK_ALG_DES = 1, VSA_KEK_ALG_3DES = 2, VSA_KEK_ALG_AES = 3 };

typedef struct vsa_gdoi_kek {
    uint8_t spi[16];
    int alg;              /* VSA_KEK_ALG_* (0: policy not seen) */
    unsigned key_bits;    /* KEK_KEY_LENGTH, 0 when absent */
    int sig_hash;         /* 1 MD5, 2 SHA-1, 3 SHA-256, 4 SHA-384, 5 SHA-512 */
    uint8_t key[32], iv[16];
    unsigned key_len, block;
    uint8_t pub[2048];    /* SubjectPublicKeyInfo DER */
    size_t pub_len;
    unsigned pub_bits;    /* key size OpenSSL reads from pub (0: unreadable) */
    bool have_policy, have_key;
    bool fresh;           /* key first learned (or changed) by the last absorb */
    char origin[VSA_ORIGIN_MAX];
} vsa_gdoi_kek;

typedef struct vsa_gdoi_tek {
    uint32_t spi;
    bool have_policy, have_keys, complete, fresh;
    uint8_t transform;    /* ESP transform ID (RFC 2407 4.4.4) */
    uint16_t auth_alg;    /* IPsec DOI authentication algorithm attribute */
    uint16_t key_bits;    /* key length attribute */
    uint8_t enc_key[VSA_MAX_KEY], auth_key[VSA_MAX_AUTH_KEY];
    size_t enc_len, auth_len;
    vsa_esp_sa sa;        /* valid when complete */
} vsa_gdoi_tek;

typedef struct vsa_gdoi_group {
    vsa_gdoi_kek kek[VSA_GDOI_MAX_KEK];
    unsigned n_kek;
    vsa_gdoi_tek tek[VSA_GDOI_MAX_TEK];
    unsigned n_tek;
} vsa_gdoi_group;

/* IPsec DOI ESP transform ID + authentication algorithm + key length (bits,
 * 0: default) -> an ESP SA's algorithms. enc_len / auth_len are the key
 * lengths the SA needs (out). Returns false for an unsupported combination,
 * with a reason in why. Shared with IKEv1 Quick Mode. */
bool vsa_ipsec_transform(uint8_t esp_id, uint16_t auth_alg, uint16_t key_bits, vsa_esp_sa *sa,
                         size_t *enc_len, size_t *auth_len, const char **why);

/* Absorb a decrypted GDOI message (m decoded from buf): SA KEK / SA TEK
 * policy and KD keys. origin is copied into keys learned or completed by
 * this message. Returns the number of TEKs that became complete (marked
 * fresh); when a key packet is unusable, -1 - that number, with err set
 * (the usable TEKs are still complete and fresh). */
int vsa_gdoi_absorb(vsa_gdoi_group *g, const vs_isakmp_msg *m, const uint8_t *buf, size_t len,
                    const char *origin, char *err, size_t errlen);

/* The KEK whose SPI is the 16 bytes icookie | rcookie (NULL when unknown). */
vsa_gdoi_kek *vsa_gdoi_find_kek(vsa_gdoi_group *g, const uint8_t spi[16]);

/* Decrypt a GROUPKEY-PUSH body (after the 28-byte header) with the KEK.
 * Returns 0, or -1 (no key, length not a multiple of the block, OpenSSL). */
int vsa_gdoi_push_decrypt(const vsa_gdoi_kek *k, const uint8_t *ct, size_t len, uint8_t *out);

typedef enum vsa_sig_verdict {
    VSA_SIG_GOOD = 0,
    VSA_SIG_BAD,
    VSA_SIG_NO_KEY,      /* no public key learned for this KEK */
    VSA_SIG_UNSUPPORTED, /* hash or key type */
    VSA_SIG_MISSING      /* no SIG payload */
} vsa_sig_verdict;

const char *vsa_sig_verdict_name(vsa_sig_verdict v);

/* Verify a decrypted push: hdr the 28 original header bytes, plain the
 * decrypted payloads, m decoded from plain. */
vsa_sig_verdict vsa_gdoi_push_verify(const vsa_gdoi_kek *k, const uint8_t hdr[28],
                                     const uint8_t *plain, size_t len, const vs_isakmp_msg *m);

#endif
