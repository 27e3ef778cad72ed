/* pcapng writer (see pcapng.h). Host byte order, as the format allows. */
#include "output/pcapng.h"

#include <errno.h>
#include <sys/uio.h>
#include <stdlib.h>
#include <string.h>

/* Blocks are assembled directly in our own output buffer and handed to
 * fwrite in big chunks (which stdio passes straight to write(2)): one copy of
 * the packet bytes, no per-block stdio call. */
#define OUTBUF (1u << 20)

static int flush_out(vsa_pcapng *w)
{
    if (w->blk_len && fwrite(w->blk, 1, w->blk_len, w->f) != w->blk_len) {
        snprintf(w->error, sizeof w->error, "%s: write error: %s", w->path, strerror(errno));
        w->blk_len = 0;
        return -1;
    }
    w->blk_len = 0;
    return 0;
}

/* room for n more bytes at w->blk + w->blk_len, or NULL with w->error set */
static uint8_t *reserve(vsa_pcapng *w, size_t n)
{
    if (w->blk_len + n > w->blk_cap) {
        if (flush_out(w) < 0)
            return NULL;
        if (n > w->blk_cap) {
            uint8_t *nb = realloc(w->blk, n);
            if (!nb) {
                snprintf(w->error, sizeof w->error, "%s: out of memory", w->path);
                return NULL;
            }
            w->blk = nb;
            w->blk_cap = (uint32_t)n;
        }
    }
    return w->blk + w->blk_len;
}

static int put(vsa_pcapng *w, const void *p, size_t n)
{
    uint8_t *b = reserve(w, n);
    if (!b)
        return -1;
    memcpy(b, p, n);
    w->blk_len += (uint32_t)n;
    return 0;
}

static int put32(vsa_pcapng *w, uint32_t v)
{
    return put(w, &v, 4);
}

static int put_opt(vsa_pcapng *w, uint16_t code, const void *val, uint16_t len)
{
    static const uint8_t zero[4];
    uint16_t h[2] = {code, len};
    if (put(w, h, 4) < 0 || put(w, val, len) < 0)
        return -1;
    return put(w, zero, (4 - len % 4) % 4);
}

static uint32_t opt_size(size_t len)
{
    return (uint32_t)(4 + ((len + 3) & ~(size_t)3));
}

int vsa_pcapng_open(vsa_pcapng *w, const char *path, const char *app)
{
    memset(w, 0, sizeof *w);
    w->path = path;
    w->f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    if (!w->f) {
        snprintf(w->error, sizeof w->error, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    w->blk = malloc(OUTBUF);
    if (!w->blk) {
        snprintf(w->error, sizeof w->error, "%s: out of memory", path);
        if (w->f != stdout)
            fclose(w->f);
        w->f = NULL;
        return -1;
    }
    w->blk_cap = OUTBUF;
    /* SHB: type, total length, byte-order magic, version 1.0, section length -1,
     * shb_userappl option, end of options, total length */
    size_t al = strlen(app);
    uint32_t total = 28 + opt_size(al) + 4;
    uint16_t ver[2] = {1, 0};
    int64_t seclen = -1;
    if (put32(w, 0x0A0D0D0A) < 0 || put32(w, total) < 0 || put32(w, 0x1A2B3C4D) < 0 ||
        put(w, ver, 4) < 0 || put(w, &seclen, 8) < 0 || put_opt(w, 4, app, (uint16_t)al) < 0 ||
        put32(w, 0) < 0 || put32(w, total) < 0)
        return -1;
    return 0;
}

static int iface(vsa_pcapng *w, int linktype)
{
    for (int i = 0; i < w->n_if; i++)
        if (w->linktype[i] == linktype)
            return i;
    if (w->n_if == VSA_PCAPNG_MAX_IF) {
        snprintf(w->error, sizeof w->error, "%s: more than %d link types", w->path, VSA_PCAPNG_MAX_IF);
        return -1;
    }
    /* IDB: link type, reserved, snaplen 0 (no limit), if_tsresol = 9 (ns) */
    uint8_t res = 9;
    uint32_t total = 20 + opt_size(1) + 4;
    uint16_t lt[2] = {(uint16_t)linktype, 0};
    if (put32(w, 1) < 0 || put32(w, total) < 0 || put(w, lt, 4) < 0 || put32(w, 0) < 0 ||
        put_opt(w, 9, &res, 1) < 0 || put32(w, 0) < 0 || put32(w, total) < 0)
        return -1;
    w->linktype[w->n_if] = linktype;
    return w->n_if++;
}

#define EPB_MAX_COMMENT 65000

size_t vsa_pcapng_epb_size(uint32_t caplen, size_t clen)
{
    if (clen > EPB_MAX_COMMENT)
        clen = EPB_MAX_COMMENT;
    return 32 + (size_t)caplen + (4 - caplen % 4) % 4 + (clen ? opt_size(clen) + 4 : 0);
}

/* The block built in place: EPB header, data, padding, comment option, trailer. */
void vsa_pcapng_epb(uint8_t *b, int64_t ts_sec, uint32_t ts_nsec, const uint8_t *data,
                    uint32_t caplen, uint32_t wirelen, const char *comment, size_t clen)
{
    if (clen > EPB_MAX_COMMENT)
        clen = EPB_MAX_COMMENT;
    uint64_t ts = (uint64_t)ts_sec * 1000000000ull + ts_nsec;
    uint32_t pad = (4 - caplen % 4) % 4;
    uint32_t total = (uint32_t)vsa_pcapng_epb_size(caplen, clen);
    uint32_t h[7] = {6, total, 0, (uint32_t)(ts >> 32), (uint32_t)ts, caplen, wirelen};
    memcpy(b, h, 28);
    size_t o = 28;
    memcpy(b + o, data, caplen);
    o += caplen;
    memset(b + o, 0, pad);
    o += pad;
    if (clen) {
        uint16_t oh[2] = {1, (uint16_t)clen};
        memcpy(b + o, oh, 4);
        o += 4;
        memcpy(b + o, comment, clen);
        o += clen;
        size_t cp = (4 - clen % 4) % 4;
        memset(b + o, 0, cp);
        o += cp;
        memset(b + o, 0, 4); /* opt_endofopt */
        o += 4;
    }
    memcpy(b + o, &total, 4);
}

int vsa_pcapng_write(vsa_pcapng *w, int linktype, int64_t ts_sec, uint32_t ts_nsec,
                     const uint8_t *data, uint32_t caplen, uint32_t wirelen, const char *comment)
{
    int ifid = iface(w, linktype);
    if (ifid < 0)
        return -1;
    size_t cl = comment ? strlen(comment) : 0;
    size_t total = vsa_pcapng_epb_size(caplen, cl);
    uint8_t *b = reserve(w, total);
    if (!b)
        return -1;
    vsa_pcapng_epb(b, ts_sec, ts_nsec, data, caplen, wirelen, comment, cl);
    uint32_t id = (uint32_t)ifid;
    memcpy(b + 8, &id, 4);
    w->blk_len += (uint32_t)total;
    return 0;
}

/* Everything buffered so far (blocks, stdio) out, so that what comes next can
 * go to the file descriptor directly. */
static int drain(vsa_pcapng *w)
{
    if (flush_out(w) < 0)
        return -1;
    if (fflush(w->f) != 0) {
        snprintf(w->error, sizeof w->error, "%s: write error: %s", w->path, strerror(errno));
        return -1;
    }
    return 0;
}

/* writev until all of iov[0..n) is written (short writes, EINTR). */
static int write_all(vsa_pcapng *w, struct iovec *iov, int n)
{
    int fd = fileno(w->f);
    while (n > 0) {
        ssize_t k = writev(fd, iov, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            snprintf(w->error, sizeof w->error, "%s: write error: %s", w->path, strerror(errno));
            return -1;
        }
        while (n > 0 && (size_t)k >= iov->iov_len) {
            k -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (uint8_t *)iov->iov_base + k;
            iov->iov_len -= (size_t)k;
        }
    }
    return 0;
}

int vsa_pcapng_write_epbs(vsa_pcapng *w, uint8_t *const *epb, const uint32_t *len,
                          const int *linktype, size_t n)
{
    enum { MAXV = 256 };
    struct iovec iov[MAXV];
    int nv = 0;
    if (drain(w) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int known = -1;
        for (int k = 0; k < w->n_if; k++)
            if (w->linktype[k] == linktype[i])
                known = k;
        if (known < 0 || nv == MAXV) {
            /* what is gathered goes first, then a new link type's IDB */
            if (write_all(w, iov, nv) < 0)
                return -1;
            nv = 0;
            if (known < 0 && ((known = iface(w, linktype[i])) < 0 || drain(w) < 0))
                return -1;
        }
        uint32_t id = (uint32_t)known;
        memcpy(epb[i] + 8, &id, 4);
        iov[nv].iov_base = epb[i];
        iov[nv].iov_len = len[i];
        nv++;
    }
    return write_all(w, iov, nv);
}

int vsa_pcapng_close(vsa_pcapng *w)
{
    int rc = w->f ? flush_out(w) : 0;
    if (w->f && w->f != stdout) {
        if (fclose(w->f) != 0) {
            snprintf(w->error, sizeof w->error, "%s: write error: %s", w->path, strerror(errno));
            rc = -1;
        }
    } else if (w->f) {
        if (fflush(w->f) != 0) {
            snprintf(w->error, sizeof w->error, "%s: write error: %s", w->path, strerror(errno));
            rc = -1;
        }
    }
    w->f = NULL;
    free(w->iobuf);
    w->iobuf = NULL;
    free(w->blk);
    w->blk = NULL;
    w->blk_cap = 0;
    w->blk_len = 0;
    return rc;
}
