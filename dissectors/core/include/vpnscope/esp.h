/*
 * ESP (RFC 4303) and AH (RFC 4302) headers, and the ESP trailer of a
 * decrypted payload.
 */
#ifndef VPNSCOPE_ESP_H
#define VPNSCOPE_ESP_H

#include "vpnscope/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vs_esp_msg {
    uint32_t spi;
    uint32_t seq;
    vs_span span; /* SPI to the end of the packet */
    vs_span data; /* everything after the sequence number: IV, ciphertext, ICV */
} vs_esp_msg;

/* The ESP packet fills the rest of the cursor (the IP or UDP payload). */
vs_status vs_esp_decode(vs_cursor *c, vs_tree *t, vs_esp_msg *out);

/*
 * RFC 4303 section 2: a decrypted payload (the cursor covers exactly
 *   payload data | padding | pad length (1) | next header (1)
 * with IV removed before and ICV removed after). Padding must be 1, 2, 3, ...
 * (problem esp.pad.bad, status unchanged); a pad length longer than what
 * precedes it is MALFORMED. Next header 59 marks a dummy packet.
 */
typedef struct vs_esp_trailer {
    uint8_t pad_len;
    uint8_t next_header;
    bool pad_ok;
    size_t bad_pad_at;  /* index (0-based) of the first wrong padding byte */
    vs_span payload;    /* the inner packet */
    vs_span padding;
    vs_cursor payload_cur;
} vs_esp_trailer;
vs_status vs_esp_trailer_decode(vs_cursor *c, vs_tree *t, vs_esp_trailer *out);

typedef struct vs_ah_msg {
    uint8_t next_header;
    uint8_t len;        /* the field: 32-bit words - 2 */
    uint16_t reserved;
    uint32_t spi, seq;
    size_t hdr_len;     /* (len + 2) * 4 */
    vs_span icv;
    vs_span span;       /* the AH header */
    vs_cursor payload_cur; /* what follows AH (cleartext, next_header) */
} vs_ah_msg;
vs_status vs_ah_decode(vs_cursor *c, vs_tree *t, vs_ah_msg *out);

#ifdef __cplusplus
}
#endif
#endif
