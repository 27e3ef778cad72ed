/*
 * Minimal pcapng writer (libpcap 1.10 reads pcapng but cannot write it, and
 * per-packet comments need it): Section Header, one Interface Description
 * per (link type, snaplen), Enhanced Packet Blocks with nanosecond
 * timestamps (if_tsresol 9) and an optional opt_comment.
 * Layout: draft-ietf-opsawg-pcapng sections 4.1, 4.2, 4.3.
 */
#ifndef VSA_OUTPUT_PCAPNG_H
#define VSA_OUTPUT_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

#define VSA_PCAPNG_MAX_IF 16

typedef struct vsa_pcapng {
    FILE *f;
    int n_if;
    int linktype[VSA_PCAPNG_MAX_IF];
    char error[256];
    const char *path;
    char *iobuf;   /* unused (kept for layout); blocks are buffered in blk */
    uint8_t *blk;  /* output buffer: whole blocks are built in place, written 1 MiB at a time */
    uint32_t blk_cap;
    uint32_t blk_len;
} vsa_pcapng;

int vsa_pcapng_open(vsa_pcapng *w, const char *path, const char *app);
/* Write one packet; comment may be NULL. 0 or -1. */
int vsa_pcapng_write(vsa_pcapng *w, int linktype, int64_t ts_sec, uint32_t ts_nsec,
                     const uint8_t *data, uint32_t caplen, uint32_t wirelen, const char *comment);
int vsa_pcapng_close(vsa_pcapng *w);

#endif
