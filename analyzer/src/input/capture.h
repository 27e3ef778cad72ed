/*
 * Capture input through libpcap (pcap and pcapng files, "-" for stdin),
 * nanosecond timestamps. Errors are messages that name the file and the
 * frame; a record libpcap refuses ends the file with that message.
 *
 * pcapng files whose interfaces differ in link type or snapshot length,
 * which libpcap 1.10 refuses, are read by input/pcapng_read.c instead, and
 * so is pcapng on standard input (see capture.c for why). Each packet
 * carries the link type of its own interface.
 */
#ifndef VSA_INPUT_CAPTURE_H
#define VSA_INPUT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vsa_capture {
    void *pcap; /* pcap_t */
    const char *path;
    int linktype;
    unsigned snaplen;
    uint64_t frame_no; /* of the last frame read, 1-based */
    uint64_t file_size; /* 0 when unknown (stdin) */
    char error[512];
    char *iobuf; /* stdio buffer of the stream */
    struct vsa_ngr *ng; /* our pcapng reader, when libpcap cannot read the file */
    void *ng_fp; /* FILE * of that reader */
} vsa_capture;

typedef struct vsa_packet {
    uint64_t frame_no;
    int linktype; /* of this packet's interface (pcapng files may mix them) */
    int64_t ts_sec;
    uint32_t ts_nsec;
    const uint8_t *data;
    size_t caplen, wirelen;
} vsa_packet;

/* 0 or -1 (error names the file). */
int vsa_capture_open(vsa_capture *c, const char *path);
/* 1: a packet; 0: end of file; -1: error (c->error: "FILE: frame N: ..."). */
int vsa_capture_next(vsa_capture *c, vsa_packet *p);
/* Bytes consumed so far (for progress), 0 when unknown. */
uint64_t vsa_capture_offset(const vsa_capture *c);
void vsa_capture_close(vsa_capture *c);

#endif
