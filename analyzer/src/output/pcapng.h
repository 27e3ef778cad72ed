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
/* The same in two steps, for the pipeline's threads: vsa_pcapng_epb builds
 * one Enhanced Packet Block (vsa_pcapng_epb_size bytes, interface id left 0)
 * in any buffer, by the thread that has the packet; vsa_pcapng_write_epbs
 * later writes n such blocks in order without copying them (writev), after
 * setting their interface ids and announcing new link types first. The
 * blocks must stay writable until it returns. comment may be NULL. 0 or -1. */
size_t vsa_pcapng_epb_size(uint32_t caplen, size_t clen);
void vsa_pcapng_epb(uint8_t *b, int64_t ts_sec, uint32_t ts_nsec, const uint8_t *data,
                    uint32_t caplen, uint32_t wirelen, const char *comment, size_t clen);
int vsa_pcapng_write_epbs(vsa_pcapng *w, uint8_t *const *epb, const uint32_t *len,
                          const int *linktype, size_t n);
int vsa_pcapng_close(vsa_pcapng *w);

#endif
