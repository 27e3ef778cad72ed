/*
 * IKE decryption with user-supplied keys.
 *
 * IKEv1 (RFC 2409 appendix B): CBC with the key from the ikev1 table; IVs
 *   phase 1:  IV0 = H(g^xi | g^xr) truncated to the block size; every encrypted
 *             message with message ID 0 chains from the last ciphertext block
 *             of the previous one.
 *   phase 2 / informational, message ID M:
 *             first IV = H(last phase-1 ciphertext block | M), then chained per M.
 *   Retransmissions: a byte-identical resend is decrypted with the IV its
 *   first copy used and does not advance the chain (tshark 4.0 chains from the
 *   earlier copy and fails). The state is per IKE SA (cookie pair), fed with
 *   the negotiated transform (from the responder's SA payload) and the KE
 *   payloads by the caller, which decodes them with dissectors/core.
 *
 * IKEv2 (RFC 7296 sec. 3.14, RFC 5282, RFC 5930): one SK payload with the
 *   keys of the ikev2 table; integrity over the message up to the ICV, or the
 *   AEAD tag with AAD = IKE header .. SK payload header.
 */
#ifndef VSA_CRYPTO_IKE_H
#define VSA_CRYPTO_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys/keys.h"

/* ---- IKEv1 ---- */

/* IKEv1 attribute values (RFC 2409 appendix A). */
enum { VSA_IKE1_ENC_DES = 1, VSA_IKE1_ENC_3DES = 5, VSA_IKE1_ENC_AES = 7 };
enum {
    VSA_IKE1_HASH_MD5 = 1,
    VSA_IKE1_HASH_SHA1 = 2,
    VSA_IKE1_HASH_SHA256 = 4,
    VSA_IKE1_HASH_SHA384 = 5,
    VSA_IKE1_HASH_SHA512 = 6
};

#define VSA_IKE1_MAX_MSGIDS 32
#define VSA_IKE1_MAX_SEEN 64

typedef struct vsa_ike1_seen {
    uint32_t msgid;
    uint64_t digest; /* of the ciphertext */
    size_t len;
    uint8_t iv[16];
} vsa_ike1_seen;

typedef struct vsa_ike1_state {
    const vsa_ike1_key *key;
    int enc, hash;          /* attribute values */
    unsigned key_bytes, block;
    uint8_t gi[1024], gr[1024];
    size_t gi_len, gr_len;
    bool have_transform, iv0_ready;
    uint8_t p1_last[16];    /* last phase-1 ciphertext block (msgid 0 chain) */
    struct { uint32_t msgid; uint8_t iv[16]; bool used; } chain[VSA_IKE1_MAX_MSGIDS];
    unsigned n_chain;
    vsa_ike1_seen seen[VSA_IKE1_MAX_SEEN];
    unsigned n_seen, seen_next;
    uint64_t retransmissions;
    void *cipher;           /* EVP_CIPHER_CTX, keyed once */
} vsa_ike1_state;

typedef enum vsa_ike_verdict {
    VSA_IKE_OK = 0,
    VSA_IKE_NO_TRANSFORM,  /* the negotiated cipher/hash were not seen */
    VSA_IKE_NO_KE,         /* KE payloads missing: no phase-1 IV */
    VSA_IKE_UNSUPPORTED,
    VSA_IKE_BAD_LENGTH,    /* not a multiple of the block / too short */
    VSA_IKE_ICV_BAD,       /* IKEv2 integrity check failed */
    VSA_IKE_CRYPTO_ERROR
} vsa_ike_verdict;

const char *vsa_ike_verdict_name(vsa_ike_verdict v);

void vsa_ike1_init(vsa_ike1_state *s, const vsa_ike1_key *key);
void vsa_ike1_free(vsa_ike1_state *s);
/* The transform the responder chose: encryption algorithm, key length in
 * bits (0 when absent: the cipher's default), hash algorithm. */
vsa_ike_verdict vsa_ike1_set_transform(vsa_ike1_state *s, int enc, unsigned key_bits, int hash);
/* KE payload data (without the generic header) of the initiator or responder. */
void vsa_ike1_set_ke(vsa_ike1_state *s, bool initiator, const uint8_t *data, size_t len);
/* Decrypt the body after the 28-byte ISAKMP header. out gets len bytes.
 * *retransmission is set for a byte-identical resend. */
vsa_ike_verdict vsa_ike1_decrypt(vsa_ike1_state *s, uint32_t msgid, const uint8_t *ct, size_t len,
                                 uint8_t *out, bool *retransmission);

/* RFC 2409 5.5 Quick Mode KEYMAT for one SA (no PFS: gxy NULL):
 *   KEYMAT = K1 | K2 | ..., K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
 *   Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b);
 * prf = HMAC with the phase-1 hash (VSA_IKE1_HASH_*). SPI: the one the
 * receiving side chose (4 bytes for ESP). Returns 0, -1 on an unsupported hash. */
int vsa_ike1_keymat(int hash, const uint8_t *skeyid_d, size_t dlen, const uint8_t *gxy,
                    size_t gxy_len, uint8_t protocol, const uint8_t *spi, size_t spi_len,
                    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
                    uint8_t *out, size_t out_len);

/* ---- IKEv2 ---- */

typedef struct vsa_ike2_result {
    size_t inner_off;  /* decrypted inner payloads: out[0 .. inner_len) */
    size_t inner_len;
    uint8_t pad_len;
    bool icv_checked;
} vsa_ike2_result;

/* msg: the whole IKE message from its header; sk_off: offset of the SK (or
 * SKF) payload's generic header inside msg; sk_len: that payload's length.
 * initiator: the I flag of the header. out must hold sk_len bytes. */
vsa_ike_verdict vsa_ike2_decrypt(const vsa_ike2_key *k, bool initiator, const uint8_t *msg,
                                 size_t msg_len, size_t sk_off, size_t sk_len, uint8_t *out,
                                 vsa_ike2_result *res);

/* Same, for an SK payload (skf false) or an Encrypted Fragment payload (SKF,
 * RFC 7383 2.5, skf true): its header is 8 bytes (generic header, Fragment
 * Number, Total Fragments) and all of it is in the AAD / integrity range, so
 * each fragment is authenticated on its own. Ciphers: NULL, 3DES-CBC,
 * AES-CBC, AES-CTR, AES-GCM, AES-CCM, ChaCha20-Poly1305 (RFC 7634: sk_e* is
 * the 32-byte key followed by the 4-byte salt, nonce = salt | 8-byte IV,
 * 16-byte tag, AAD as for GCM in RFC 5282). */
vsa_ike_verdict vsa_ike2_decrypt_ex(const vsa_ike2_key *k, bool initiator, bool skf,
                                    const uint8_t *msg, size_t msg_len, size_t sk_off,
                                    size_t sk_len, uint8_t *out, vsa_ike2_result *res);

#endif
