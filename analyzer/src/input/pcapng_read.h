/*
 * A small pcapng reader for the files libpcap 1.10 refuses: pcapng whose
 * interfaces differ in link type or snapshot length (dumpcap -i eth0 -i any,
 * merged captures, `vpnscope decrypt -w` output with two link types). Each
 * frame carries the link type of its own interface.
 *
 * Reads (draft-ietf-opsawg-pcapng): Section Header Blocks in either byte
 * order, any number of sections; Interface Description Blocks with
 * if_tsresol (decimal and binary powers) and if_tsoffset; Enhanced, Simple
 * and (obsolete) Packet Blocks. Every other block (name resolution,
 * interface statistics, decryption secrets, custom...) is checked for its
 * framing and skipped; it is never a frame.
 *
 * Errors name the stream and the block's byte offset (and the frame number
 * for a packet block), and say whether the file ended early ("truncated")
 * or contradicts itself ("malformed").
 */
#ifndef VSA_INPUT_PCAPNG_READ_H
#define VSA_INPUT_PCAPNG_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum vsa_ngr_status {
    VSA_NGR_OK,
    VSA_NGR_TRUNCATED, /* the stream ended inside a block */
    VSA_NGR_MALFORMED, /* a length or value contradicts the format */
    VSA_NGR_IO /* read error, out of memory */
} vsa_ngr_status;

typedef struct vsa_ngr_iface {
    int linktype;
    uint32_t snaplen; /* 0: no limit */
    uint64_t units; /* timestamp units per second (10^6 by default) */
    int64_t tsoffset; /* seconds added to every timestamp */
} vsa_ngr_iface;

typedef struct vsa_ngr_frame {
    uint64_t frame_no; /* 1-based over the whole stream */
    int linktype;
    uint32_t if_id; /* inside its section */
    int64_t ts_sec;
    uint32_t ts_nsec;
    const uint8_t *data; /* valid until the next call */
    size_t caplen, wirelen;
} vsa_ngr_frame;

typedef struct vsa_ngr {
    FILE *fp; /* not owned */
    const char *name; /* for messages */
    uint64_t off; /* offset of the next block */
    uint64_t frame_no; /* of the last frame */
    unsigned section; /* 1-based, 0 before the first SHB */
    bool swap; /* section byte order differs from ours */
    unsigned orders_seen; /* bit 0: a section in our byte order, bit 1: swapped */
    vsa_ngr_iface *ifs;
    size_t n_if, cap_if;
    uint8_t *buf;
    size_t cap;
    vsa_ngr_status status;
    char error[512];
} vsa_ngr;

/* Largest block accepted (libpcap and Wireshark use the same bound). */
#define VSA_NGR_MAX_BLOCK (16u * 1024 * 1024)

/* Starts reading fp (positioned at a Section Header Block) and checks that
 * header. 0, or -1 with r->error. */
int vsa_ngr_open(vsa_ngr *r, FILE *fp, const char *name);
/* 1: a frame; 0: end of stream; -1: error (r->error, r->status). */
int vsa_ngr_next(vsa_ngr *r, vsa_ngr_frame *f);
void vsa_ngr_close(vsa_ngr *r); /* frees the reader's memory, not fp */

#endif
