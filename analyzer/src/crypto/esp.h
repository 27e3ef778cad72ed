/*
 * ESP decryption and ICV verification (RFC 4303) with OpenSSL 3 EVP.
 *
 * One vsa_esp_ctx per SA: the cipher and MAC contexts are keyed once in
 * vsa_esp_ctx_init() and only re-IV'd per packet; the scratch buffer is
 * allocated once, so the steady state allocates nothing.
 *
 *   ESP packet:  SPI(4) | Seq(4) | IV | ciphertext (payload | pad | padlen | nh) | ICV
 *   IV:     CBC: one cipher block; CTR, GCM, ChaCha20-Poly1305: 8 bytes; NULL: none
 *   ICV:    HMAC/XCBC over SPI..end of ciphertext (+ Seq high 32 bits with ESN,
 *           RFC 4303 sec. 2.2.1), truncated; AEAD: the tag, AAD = SPI | [SeqHi |] Seq
 *           (RFC 4106 sec. 5, RFC 7634 sec. 2.1)
 *   nonce:  CTR: salt(4) | IV(8) | counter 1 (RFC 3686 sec. 4);
 *           GCM, ChaCha20: salt(4) | IV(8); the salt is the last 4 key bytes.
 */
#ifndef VSA_CRYPTO_ESP_H
#define VSA_CRYPTO_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys/keys.h"

typedef enum vsa_esp_verdict {
    VSA_ESP_OK = 0,       /* decrypted; ICV good (or not checkable: see icv_checked) */
    VSA_ESP_ICV_BAD,      /* the ICV / AEAD tag does not verify: wrong key or damage */
    VSA_ESP_TRUNCATED,    /* fewer bytes than header + IV + trailer + ICV */
    VSA_ESP_BAD_BLOCK,    /* ciphertext not a multiple of the cipher block */
    VSA_ESP_BAD_TRAILER,  /* pad length exceeds the plaintext (wrong key if no ICV) */
    VSA_ESP_UNSUPPORTED,  /* algorithm known but not implemented */
    VSA_ESP_CRYPTO_ERROR  /* OpenSSL refused (should not happen) */
} vsa_esp_verdict;

const char *vsa_esp_verdict_name(vsa_esp_verdict v);

/* HMAC state after absorbing the key pads (RFC 2104), copied per packet:
 * no allocation and no provider round trip per packet. */
typedef struct vsa_hmac {
    int kind;          /* 0 none, 1 MD5, 2 SHA-1, 3 SHA-256, 4 SHA-384, 5 SHA-512 */
    unsigned out_len;
    _Alignas(16) uint8_t inner[256], outer[256]; /* MD5_CTX / SHA_CTX / SHA256_CTX / SHA512_CTX */
} vsa_hmac;

typedef struct vsa_esp_ctx {
    const vsa_esp_sa *sa;
    void *cipher;   /* EVP_CIPHER_CTX */
    vsa_hmac hmac;  /* kind 0 when the SA has no HMAC */
    void *xcbc;     /* EVP_CIPHER_CTX: AES-128-CBC keyed with K1 (RFC 3566) */
    uint8_t xk2[16], xk3[16];
    uint8_t salt[4];
    unsigned iv_len, block, icv_len, mac_out_len;
    bool aead;
    uint8_t *scratch; /* 64 KiB + slack, for XCBC input and the like */
    size_t scratch_cap;
    char error[160];  /* why init failed */
} vsa_esp_ctx;

typedef struct vsa_esp_result {
    vsa_esp_verdict verdict;
    bool icv_checked;   /* false when the SA has no integrity or an unchecked ICV */
    bool pad_ok;        /* pad bytes are 1, 2, 3, ... (RFC 4303 sec. 2.4) */
    uint8_t next_header;
    uint8_t pad_len;
    uint32_t spi, seq;
    size_t iv_len, icv_len;
    size_t inner_off;   /* the inner payload is out[inner_off .. inner_off + inner_len) */
    size_t inner_len;
} vsa_esp_result;

/* Load OpenSSL's default and legacy (DES) providers; call before starting
 * threads (vsa_esp_ctx_init calls it too). */
void vsa_crypto_global_init(void);

/* 0 on success; -1 with ctx->error set (unsupported algorithm, bad key). */
int vsa_esp_ctx_init(vsa_esp_ctx *ctx, const vsa_esp_sa *sa);
void vsa_esp_ctx_free(vsa_esp_ctx *ctx);

/* Decrypt one ESP packet (esp points at the SPI, len bytes to the end of the
 * ICV; the caller makes sure these are all the bytes the packet had).
 * seq_hi: the high 32 bits of the sequence number when the SA uses ESN.
 * out must hold len bytes. The inner payload is out[inner_off .. +inner_len). */
vsa_esp_verdict vsa_esp_decrypt(vsa_esp_ctx *ctx, const uint8_t *esp, size_t len, uint32_t seq_hi,
                                uint8_t *out, size_t out_cap, vsa_esp_result *res);

/* ------------------------------------------------------------------ */
/* Sequence numbers and the anti-replay window (RFC 4303 sec. 3.4.3 and
 * appendix A), tracked per (SPI, sender). */

#define VSA_REPLAY_WINDOW 64

typedef enum vsa_seq_event {
    VSA_SEQ_FIRST = 0,
    VSA_SEQ_IN_ORDER,   /* top + 1 */
    VSA_SEQ_GAP,        /* jumped ahead: packets missing (or lost in the capture) */
    VSA_SEQ_REORDERED,  /* older than top, inside the window, not seen before */
    VSA_SEQ_DUPLICATE,  /* seen before inside the window: a replay or a duplicate capture */
    VSA_SEQ_TOO_OLD     /* left of the window: a receiver drops it */
} vsa_seq_event;

const char *vsa_seq_event_name(vsa_seq_event e);

typedef struct vsa_replay {
    bool started;
    uint64_t top;    /* highest sequence number accepted (64 bits with ESN) */
    uint64_t bitmap; /* bit i: top - i seen */
    uint64_t n_in_order, n_gaps, n_missing, n_reordered, n_duplicates, n_too_old;
} vsa_replay;

/* The high 32 bits to assume for a received low half (RFC 4303 A2.2). */
uint32_t vsa_replay_guess_hi(const vsa_replay *r, uint32_t seq_lo, bool esn);
/* Account for a packet whose ICV verified (or could not be checked). */
vsa_seq_event vsa_replay_update(vsa_replay *r, uint64_t seq, uint64_t *missing);

#endif
