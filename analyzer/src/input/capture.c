/* libpcap file input (see capture.h). */
#include "input/capture.h"

#include "input/pcapng_read.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *shown(const char *path)
{
    return strcmp(path, "-") ? path : "(stdin)";
}

/* Our 1 MiB stdio buffer and no stdio locking (only this reader touches
 * the stream). */
static void tune_stream(vsa_capture *c, FILE *fp)
{
    __fsetlocking(fp, FSETLOCKING_BYCALLER);
    if (!c->iobuf)
        c->iobuf = malloc(1u << 20);
    if (c->iobuf)
        setvbuf(fp, c->iobuf, _IOFBF, 1u << 20);
}

/* Read fp with our pcapng reader, the first `skip` frames (those libpcap
 * already delivered) not delivered again. 0 or -1 with c->error. */
static int ng_start(vsa_capture *c, FILE *fp, uint64_t skip)
{
    c->ng = calloc(1, sizeof *c->ng);
    if (!c->ng) {
        snprintf(c->error, sizeof c->error, "%s: out of memory", shown(c->path));
        return -1;
    }
    c->ng_fp = fp;
    if (vsa_ngr_open(c->ng, fp, shown(c->path)) < 0) {
        snprintf(c->error, sizeof c->error, "%s", c->ng->error);
        return -1;
    }
    vsa_ngr_frame f;
    for (uint64_t i = 0; i < skip; i++) {
        int r = vsa_ngr_next(c->ng, &f);
        if (r <= 0) {
            if (r < 0)
                snprintf(c->error, sizeof c->error, "%s", c->ng->error);
            else
                snprintf(c->error, sizeof c->error,
                         "%s: libpcap read %llu frames before it stopped, the pcapng reader finds only %llu",
                         shown(c->path), (unsigned long long)skip, (unsigned long long)i);
            return -1;
        }
    }
    return 0;
}

static void ng_end(vsa_capture *c)
{
    if (c->ng) {
        vsa_ngr_close(c->ng);
        free(c->ng);
        c->ng = NULL;
    }
    if (c->ng_fp && c->ng_fp != stdin)
        fclose(c->ng_fp);
    c->ng_fp = NULL;
}

/*
 * libpcap 1.10 reads a pcapng file lazily: pcap_open reads the Section
 * Header Block and the first Interface Description Block; a later IDB whose
 * link type or snapshot length differs from the first one's (in any
 * section, even one no packet uses) makes the pcap_next_ex that meets it fail
 * with one of these messages, after every packet before it was delivered.
 *
 * We detect the case by that error rather than by walking every block
 * header before handing the file to libpcap: such an IDB may come after any
 * number of packets, so the walk would cost a pass over the whole file for
 * every capture, while the error costs nothing for the files libpcap reads.
 * libpcap reports it as plain PCAP_ERROR, so the text is all there is; if
 * a later libpcap words it differently, its own error is shown as before.
 */
static bool libpcap_refuses_mixed_ifaces(const char *err)
{
    return (strstr(err, "an interface has a type ") &&
            strstr(err, " different from the type of the first interface")) ||
           (strstr(err, "an interface has a snapshot length ") &&
            strstr(err, " different from the snapshot length of the first interface"));
}

/* libpcap 1.10 also reads every section of a file in the byte order of the
 * first one: a section written in the other order (two captures from
 * machines of different endianness, concatenated) fails with one of these,
 * usually the first (the SHB's length read the wrong way round). These
 * texts also describe damaged files, so switch_to_ng() keeps our reading
 * only if it does meet a section in the other byte order there. */
static bool libpcap_may_refuse_byte_order(const char *err)
{
    return strstr(err, "pcapng block size ") || strstr(err, "sections with different byte orders");
}

int vsa_capture_open(vsa_capture *c, const char *path)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    char eb[PCAP_ERRBUF_SIZE] = "";
    if (strcmp(path, "-") != 0) {
        struct stat st;
        if (stat(path, &st) != 0) {
            snprintf(c->error, sizeof c->error, "%s: cannot open capture: %s", path, strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            snprintf(c->error, sizeof c->error, "%s: is a directory, not a capture file", path);
            return -1;
        }
        c->file_size = (uint64_t)st.st_size;
    }
    /* our own stream with a 1 MiB buffer: libpcap's default stdio buffer
     * costs one read() per 4 KiB */
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp) {
        snprintf(c->error, sizeof c->error, "%s: cannot open capture: %s", path, strerror(errno));
        return -1;
    }
    /* perf: only this reader (one thread) touches the stream: no stdio lock per fread
     * (libpcap does two freads per packet) */
    if (fp != stdin) /* stdin outlives us: keep its own buffer and locking */
        tune_stream(c, fp);
    else {
        /* Standard input cannot be rewound to hand a refused pcapng stream to
         * our reader after libpcap has consumed part of it, and the IDB libpcap
         * refuses may come after any number of packets. So pcapng on stdin is
         * always read by our reader. Its first byte tells: 0x0A begins the
         * Section Header Block type 0x0A0D0D0A in either byte order, and no
         * pcap magic (a1b2c3d4, a1b23c4d, a1b2cd34 in either order) begins
         * with it; one byte of push-back is all C guarantees, and all we need. */
        int ch = getc(fp);
        if (ch != EOF)
            ungetc(ch, fp);
        if (ch == 0x0a) {
            if (ng_start(c, fp, 0) < 0) {
                ng_end(c);
                return -1;
            }
            return 0;
        }
    }
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, eb);
    if (!p) {
        if (fp != stdin)
            fclose(fp);
        free(c->iobuf);
        c->iobuf = NULL;
        snprintf(c->error, sizeof c->error, "%s: not a readable pcap or pcapng capture: %s",
                 strcmp(path, "-") ? path : "(stdin)", eb);
        return -1;
    }
    c->pcap = p;
    c->linktype = pcap_datalink(p);
    c->snaplen = (unsigned)pcap_snapshot(p);
    return 0;
}

static int ng_next(vsa_capture *c, vsa_packet *pk)
{
    vsa_ngr_frame f;
    int r = vsa_ngr_next(c->ng, &f);
    if (r == 1) {
        c->frame_no = f.frame_no;
        c->linktype = f.linktype;
        pk->frame_no = f.frame_no;
        pk->linktype = f.linktype;
        pk->ts_sec = f.ts_sec;
        pk->ts_nsec = f.ts_nsec;
        pk->data = f.data;
        pk->caplen = f.caplen;
        pk->wirelen = f.wirelen;
        return 1;
    }
    if (r < 0)
        snprintf(c->error, sizeof c->error, "%s", c->ng->error);
    return r;
}

/* libpcap stopped at an interface it cannot mix with the first (or a
 * section in the other byte order, when byte_order): read the file again
 * with our reader, past the frames already delivered. */
static int switch_to_ng(vsa_capture *c, vsa_packet *pk, bool byte_order)
{
    char pcap_err[PCAP_ERRBUF_SIZE + 8];
    snprintf(pcap_err, sizeof pcap_err, "%s", pcap_geterr(c->pcap));
    pcap_close(c->pcap); /* closes the stream; c->iobuf is ours and kept */
    c->pcap = NULL;
    FILE *fp = fopen(c->path, "rb");
    if (!fp) {
        snprintf(c->error, sizeof c->error, "%s: cannot open capture again: %s", c->path, strerror(errno));
        return -1;
    }
    tune_stream(c, fp);
    if (ng_start(c, fp, c->frame_no) < 0) {
        ng_end(c); /* c->error set; later calls return -1 */
        return -1;
    }
    int r = ng_next(c, pk);
    if (byte_order && c->ng->orders_seen != 3) {
        /* no second byte order there: libpcap's error stands */
        snprintf(c->error, sizeof c->error, "%s: frame %llu: %s", c->path, (unsigned long long)c->frame_no + 1,
                 pcap_err);
        ng_end(c);
        return -1;
    }
    return r;
}

int vsa_capture_next(vsa_capture *c, vsa_packet *pk)
{
    if (c->ng)
        return ng_next(c, pk);
    if (!c->pcap)
        return -1; /* a failed switch_to_ng: c->error is set */
    struct pcap_pkthdr *h;
    const u_char *d;
    int r = pcap_next_ex(c->pcap, &h, &d);
    if (r == 1) {
        c->frame_no++;
        /* pcapng files may change link type between interfaces */
        c->linktype = pcap_datalink(c->pcap);
        pk->frame_no = c->frame_no;
        pk->linktype = c->linktype;
        pk->ts_sec = h->ts.tv_sec;
        pk->ts_nsec = (uint32_t)h->ts.tv_usec; /* nanoseconds with NANO precision */
        pk->data = d;
        pk->caplen = h->caplen;
        pk->wirelen = h->len < h->caplen ? h->caplen : h->len;
        return 1;
    }
    if (r == PCAP_ERROR_BREAK)
        return 0;
    if (r == PCAP_ERROR && strcmp(c->path, "-") != 0 && libpcap_refuses_mixed_ifaces(pcap_geterr(c->pcap)))
        return switch_to_ng(c, pk, false);
    if (r == PCAP_ERROR && strcmp(c->path, "-") != 0 && libpcap_may_refuse_byte_order(pcap_geterr(c->pcap)))
        return switch_to_ng(c, pk, true);
    snprintf(c->error, sizeof c->error, "%s: frame %llu: %s", strcmp(c->path, "-") ? c->path : "(stdin)",
             (unsigned long long)c->frame_no + 1, pcap_geterr(c->pcap));
    return -1;
}

uint64_t vsa_capture_offset(const vsa_capture *c)
{
    if (c->ng)
        return c->file_size ? c->ng->off : 0;
    if (!c->pcap || !c->file_size)
        return 0;
    FILE *f = pcap_file(c->pcap);
    if (!f)
        return 0;
    long o = ftell(f);
    return o < 0 ? 0 : (uint64_t)o;
}

void vsa_capture_close(vsa_capture *c)
{
    if (c->pcap)
        pcap_close(c->pcap); /* closes the stream too */
    c->pcap = NULL;
    ng_end(c);
    free(c->iobuf);
    c->iobuf = NULL;
}
