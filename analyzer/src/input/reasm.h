/*
 * IPv4 / IPv6 fragment reassembly (RFC 791 sec. 3.2, RFC 8200 sec. 4.5),
 * independent of header parsing: the caller (which decodes headers with
 * dissectors/core) hands in each fragment's key, offset, MF flag and
 * payload; a completed datagram comes back as one contiguous payload plus
 * the first fragment's header bytes, for the caller to re-decode.
 *
 * Bounded: at most max_bytes of fragment data and max_datagrams in progress;
 * the oldest datagram is evicted first. Datagrams older than timeout
 * (capture time) expire. Overlaps: identical bytes are counted as duplicates;
 * differing bytes (a Teardrop-style ambiguity, forbidden for IPv6 by RFC
 * 5722) drop the whole datagram. Every fragment ends counted under a name.
 */
#ifndef VSA_INPUT_REASM_H
#define VSA_INPUT_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSA_REASM_MAX_HDR 256

typedef struct vsa_frag {
    uint8_t af; /* 4 or 6 */
    uint8_t src[16], dst[16];
    uint32_t id;
    uint8_t proto;      /* upper-layer protocol (IPv4 protocol / IPv6 fragment next header) */
    uint32_t offset;    /* in bytes */
    bool mf;
    const uint8_t *hdr; /* the header bytes to keep when offset == 0 */
    size_t hdr_len;
    const uint8_t *data;
    size_t len;
    uint64_t frame_no;
    double ts;
} vsa_frag;

typedef enum vsa_reasm_result {
    VSA_RA_HELD = 0,     /* kept, waiting for more */
    VSA_RA_COMPLETE,     /* datagram complete: see vsa_reasm_take */
    VSA_RA_DUPLICATE,    /* every byte already held, identical */
    VSA_RA_CONFLICT,     /* overlapping bytes differ: datagram dropped */
    VSA_RA_BAD,          /* non-last fragment not a multiple of 8, or beyond 65535 */
    VSA_RA_TOO_MANY      /* could not be held (limits): dropped */
} vsa_reasm_result;

typedef struct vsa_reasm_stats {
    uint64_t fragments, completed, duplicates, conflicts, bad, timed_out, evicted,
        frags_lost; /* fragments of datagrams that timed out, were evicted or dropped */
} vsa_reasm_stats;

typedef struct vsa_reasm vsa_reasm;

vsa_reasm *vsa_reasm_new(size_t max_bytes, size_t max_datagrams, double timeout);
void vsa_reasm_free(vsa_reasm *r);

vsa_reasm_result vsa_reasm_add(vsa_reasm *r, const vsa_frag *f);
/* After VSA_RA_COMPLETE: the datagram's first-fragment header and payload.
 * Valid until the next call on r. */
void vsa_reasm_take(vsa_reasm *r, const uint8_t **hdr, size_t *hdr_len, const uint8_t **payload,
                    size_t *len, uint64_t *first_frame, unsigned *n_frags);
/* Expire datagrams older than now - timeout. */
void vsa_reasm_expire(vsa_reasm *r, double now);
/* Count whatever is still held as lost (end of input). */
void vsa_reasm_flush(vsa_reasm *r);
const vsa_reasm_stats *vsa_reasm_stats_get(const vsa_reasm *r);
size_t vsa_reasm_bytes_held(const vsa_reasm *r);

#endif
