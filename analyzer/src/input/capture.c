/* libpcap file input (see capture.h). */
#include "input/capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    if (fp != stdin) { /* stdin outlives us: keep its own buffer and locking */
        __fsetlocking(fp, FSETLOCKING_BYCALLER);
        c->iobuf = malloc(1u << 20);
        if (c->iobuf)
            setvbuf(fp, c->iobuf, _IOFBF, 1u << 20);
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

int vsa_capture_next(vsa_capture *c, vsa_packet *pk)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    int r = pcap_next_ex(c->pcap, &h, &d);
    if (r == 1) {
        c->frame_no++;
        /* pcapng files may change link type between interfaces */
        c->linktype = pcap_datalink(c->pcap);
        pk->frame_no = c->frame_no;
        pk->ts_sec = h->ts.tv_sec;
        pk->ts_nsec = (uint32_t)h->ts.tv_usec; /* nanoseconds with NANO precision */
        pk->data = d;
        pk->caplen = h->caplen;
        pk->wirelen = h->len < h->caplen ? h->caplen : h->len;
        return 1;
    }
    if (r == PCAP_ERROR_BREAK)
        return 0;
    snprintf(c->error, sizeof c->error, "%s: frame %llu: %s", strcmp(c->path, "-") ? c->path : "(stdin)",
             (unsigned long long)c->frame_no + 1, pcap_geterr(c->pcap));
    return -1;
}

uint64_t vsa_capture_offset(const vsa_capture *c)
{
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
    free(c->iobuf);
    c->iobuf = NULL;
}
