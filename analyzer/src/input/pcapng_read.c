/* pcapng reader (see pcapng_read.h). */
#include "input/pcapng_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every block (section 3.1):
 *   0                   1                   2                   3
 *   +---------------------------------------------------------------+
 *   |                          Block Type                           |
 *   +---------------------------------------------------------------+
 *   |                      Block Total Length                       |
 *   +---------------------------------------------------------------+
 *   /                          Block Body                           /
 *   +---------------------------------------------------------------+
 *   |                      Block Total Length                       |
 *   +---------------------------------------------------------------+
 * The byte order is the one of the section, given by the SHB's
 * byte-order magic; the SHB's type 0x0A0D0D0A reads the same in both.
 */
enum {
    BT_SHB = 0x0A0D0D0A,
    BT_IDB = 1,
    BT_PB = 2, /* obsolete Packet Block */
    BT_SPB = 3,
    BT_EPB = 6,
    BOM = 0x1A2B3C4D,
    OPT_END = 0,
    OPT_IF_TSRESOL = 9,
    OPT_IF_TSOFFSET = 14,
};

/* ---- checked getters over a block body in the section's byte order ---- */

static bool get16(const uint8_t *b, size_t len, size_t at, bool swap, uint16_t *v)
{
    if (at > len || len - at < 2)
        return false;
    uint16_t x;
    memcpy(&x, b + at, 2);
    *v = swap ? __builtin_bswap16(x) : x;
    return true;
}

static bool get32(const uint8_t *b, size_t len, size_t at, bool swap, uint32_t *v)
{
    if (at > len || len - at < 4)
        return false;
    uint32_t x;
    memcpy(&x, b + at, 4);
    *v = swap ? __builtin_bswap32(x) : x;
    return true;
}

static bool get64(const uint8_t *b, size_t len, size_t at, bool swap, uint64_t *v)
{
    if (at > len || len - at < 8)
        return false;
    uint64_t x;
    memcpy(&x, b + at, 8);
    *v = swap ? __builtin_bswap64(x) : x;
    return true;
}

/* ---- errors ---- */

static const char *status_word(vsa_ngr_status s)
{
    return s == VSA_NGR_TRUNCATED ? "truncated" : s == VSA_NGR_MALFORMED ? "malformed" : "error";
}

/* "NAME: frame N: pcapng block at offset O: truncated: ..." for a packet
 * block, "NAME: pcapng block at offset O (after frame N): ..." otherwise. */
static int fail(vsa_ngr *r, vsa_ngr_status st, uint64_t blk_off, bool is_frame, const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->status = st;
    if (is_frame)
        snprintf(r->error, sizeof r->error, "%s: frame %llu: pcapng block at offset %llu: %s: %s", r->name,
                 (unsigned long long)r->frame_no + 1, (unsigned long long)blk_off, status_word(st), msg);
    else
        snprintf(r->error, sizeof r->error, "%s: pcapng block at offset %llu (after frame %llu): %s: %s",
                 r->name, (unsigned long long)blk_off, (unsigned long long)r->frame_no, status_word(st),
                 msg);
    return -1;
}

/* ---- block framing ---- */

static bool grow(vsa_ngr *r, size_t n)
{
    if (n <= r->cap)
        return true;
    size_t c = r->cap ? r->cap : 4096;
    while (c < n)
        c *= 2;
    uint8_t *nb = realloc(r->buf, c);
    if (!nb)
        return false;
    r->buf = nb;
    r->cap = c;
    return true;
}

/* Reads n bytes into dst: 0 when all came, else the number that did. */
static size_t read_n(vsa_ngr *r, uint8_t *dst, size_t n, size_t *got)
{
    *got = n ? fread(dst, 1, n, r->fp) : 0;
    return n - *got;
}

/* One whole block into r->buf: its body (without type, length and trailing
 * length) at r->buf, *body_len bytes. 1: a block, 0: clean end of stream
 * (only at a block boundary), -1: error. */
static int read_block(vsa_ngr *r, uint32_t *type, size_t *body_len)
{
    const uint64_t at = r->off;
    uint8_t hdr[8];
    size_t got;
    if (read_n(r, hdr, 8, &got)) {
        if (ferror(r->fp))
            return fail(r, VSA_NGR_IO, at, false, "read error: %s", strerror(errno));
        if (got == 0)
            return 0;
        return fail(r, VSA_NGR_TRUNCATED, at, false, "the file ends %zu bytes into a block header", got);
    }
    if (r->section == 0 && memcmp(hdr, "\x0a\x0d\x0d\x0a", 4) != 0) {
        r->status = VSA_NGR_MALFORMED;
        snprintf(r->error, sizeof r->error, "%s: not a pcapng file (no Section Header Block at offset 0)",
                 r->name);
        return -1;
    }
    if (!grow(r, 16))
        return fail(r, VSA_NGR_IO, at, false, "out of memory");
    size_t have = 0; /* body bytes already read */
    uint32_t t, len;
    if (memcmp(hdr, "\x0a\x0d\x0d\x0a", 4) == 0) {
        /* a new section: its byte-order magic says how to read its length */
        if (read_n(r, r->buf, 4, &got)) {
            if (ferror(r->fp))
                return fail(r, VSA_NGR_IO, at, false, "read error: %s", strerror(errno));
            return fail(r, VSA_NGR_TRUNCATED, at, false,
                        "the file ends inside the byte-order magic of a Section Header Block");
        }
        uint32_t bom;
        memcpy(&bom, r->buf, 4);
        if (bom == BOM)
            r->swap = false;
        else if (bom == __builtin_bswap32(BOM))
            r->swap = true;
        else
            return fail(r, VSA_NGR_MALFORMED, at, false,
                        "Section Header Block byte-order magic %02x%02x%02x%02x is 1a2b3c4d in neither byte order",
                        r->buf[0], r->buf[1], r->buf[2], r->buf[3]);
        have = 4;
    }
    (void)get32(hdr, 8, 0, r->swap, &t);
    (void)get32(hdr, 8, 4, r->swap, &len);
    bool is_frame = t == BT_EPB || t == BT_SPB || t == BT_PB;
    if (len < 12 + have)
        return fail(r, VSA_NGR_MALFORMED, at, is_frame, "block type 0x%08x: total length %u is below the minimum of %zu",
                    t, len, 12 + have);
    if (len % 4)
        return fail(r, VSA_NGR_MALFORMED, at, is_frame, "block type 0x%08x: total length %u is not a multiple of 4",
                    t, len);
    if (len > VSA_NGR_MAX_BLOCK)
        return fail(r, VSA_NGR_MALFORMED, at, is_frame,
                    "block type 0x%08x: total length %u exceeds the limit of %u", t, len, VSA_NGR_MAX_BLOCK);
    if (!grow(r, len - 8))
        return fail(r, VSA_NGR_IO, at, is_frame, "out of memory");
    if (read_n(r, r->buf + have, len - 8 - have, &got)) {
        if (ferror(r->fp))
            return fail(r, VSA_NGR_IO, at, is_frame, "read error: %s", strerror(errno));
        return fail(r, VSA_NGR_TRUNCATED, at, is_frame,
                    "block type 0x%08x of %u bytes: the file ends after %zu of them", t, len, 8 + have + got);
    }
    uint32_t trail;
    (void)get32(r->buf, len - 8, len - 12, r->swap, &trail);
    if (trail != len)
        return fail(r, VSA_NGR_MALFORMED, at, is_frame,
                    "block type 0x%08x: trailing total length %u contradicts the leading %u", t, trail, len);
    *type = t;
    *body_len = len - 12;
    r->off += len;
    return 1;
}

/* ---- Section Header Block (3.2): BOM, major, minor, section length, options ---- */

static int on_shb(vsa_ngr *r, uint64_t at, size_t n)
{
    uint16_t major, minor;
    if (!get16(r->buf, n, 4, r->swap, &major) || !get16(r->buf, n, 6, r->swap, &minor) || n < 16)
        return fail(r, VSA_NGR_MALFORMED, at, false, "Section Header Block body of %zu bytes, 16 needed", n);
    if (major != 1)
        return fail(r, VSA_NGR_MALFORMED, at, false, "pcapng version %u.%u: only 1.x is defined", major, minor);
    r->section++;
    r->orders_seen |= r->swap ? 2u : 1u;
    r->n_if = 0; /* interface ids restart in each section */
    return 0;
}

/* ---- Interface Description Block (4.2) ----
 *   LinkType (2) | Reserved (2) | SnapLen (4) | Options...
 * Options: Code (2) | Length (2) | Value, padded to 32 bits. */

static int on_idb(vsa_ngr *r, uint64_t at, size_t n)
{
    uint16_t lt;
    uint32_t snap;
    if (!get16(r->buf, n, 0, r->swap, &lt) || !get32(r->buf, n, 4, r->swap, &snap))
        return fail(r, VSA_NGR_MALFORMED, at, false, "Interface Description Block body of %zu bytes, 8 needed", n);
    vsa_ngr_iface ifc = {.linktype = lt, .snaplen = snap, .units = 1000000, .tsoffset = 0};
    size_t o = 8;
    uint16_t code, olen;
    while (get16(r->buf, n, o, r->swap, &code) && get16(r->buf, n, o + 2, r->swap, &olen)) {
        if (code == OPT_END)
            break;
        if (olen > n - o - 4)
            return fail(r, VSA_NGR_MALFORMED, at, false,
                        "interface %zu: option %u of %u bytes at body offset %zu runs past the block's %zu", r->n_if,
                        code, olen, o, n);
        const uint8_t *v = r->buf + o + 4;
        if (code == OPT_IF_TSRESOL) {
            if (olen != 1)
                return fail(r, VSA_NGR_MALFORMED, at, false, "interface %zu: if_tsresol of %u bytes, 1 expected",
                            r->n_if, olen);
            unsigned p = v[0] & 0x7f;
            if (v[0] & 0x80) {
                if (p > 63)
                    return fail(r, VSA_NGR_MALFORMED, at, false,
                                "interface %zu: if_tsresol 2^-%u is finer than 64-bit timestamps hold", r->n_if, p);
                ifc.units = (uint64_t)1 << p;
            } else {
                if (p > 19)
                    return fail(r, VSA_NGR_MALFORMED, at, false,
                                "interface %zu: if_tsresol 10^-%u is finer than 64-bit timestamps hold", r->n_if, p);
                ifc.units = 1;
                for (unsigned i = 0; i < p; i++)
                    ifc.units *= 10;
            }
        } else if (code == OPT_IF_TSOFFSET) {
            uint64_t off;
            if (olen != 8 || !get64(r->buf, n, o + 4, r->swap, &off))
                return fail(r, VSA_NGR_MALFORMED, at, false, "interface %zu: if_tsoffset of %u bytes, 8 expected",
                            r->n_if, olen);
            memcpy(&ifc.tsoffset, &off, 8);
        }
        o += 4 + (((size_t)olen + 3) & ~(size_t)3);
    }
    if (r->n_if == r->cap_if) {
        size_t c = r->cap_if ? r->cap_if * 2 : 8;
        vsa_ngr_iface *ni = realloc(r->ifs, c * sizeof *ni);
        if (!ni)
            return fail(r, VSA_NGR_IO, at, false, "out of memory");
        r->ifs = ni;
        r->cap_if = c;
    }
    r->ifs[r->n_if++] = ifc;
    return 0;
}

/* ---- packets ---- */

/* ts in the interface's units -> seconds and nanoseconds, plus if_tsoffset */
static int set_time(vsa_ngr *r, uint64_t at, const vsa_ngr_iface *ifc, uint64_t ts, vsa_ngr_frame *f)
{
    uint64_t frac = ts % ifc->units;
    __int128 sec = (__int128)(ts / ifc->units) + ifc->tsoffset;
    if (sec > INT64_MAX || sec < INT64_MIN)
        return fail(r, VSA_NGR_MALFORMED, at, true, "timestamp plus if_tsoffset is out of range");
    f->ts_sec = (int64_t)sec;
    f->ts_nsec = (uint32_t)((unsigned __int128)frac * 1000000000u / ifc->units);
    return 0;
}

static int frame_if(vsa_ngr *r, uint64_t at, uint32_t id, const char *what)
{
    if (id >= r->n_if)
        return fail(r, VSA_NGR_MALFORMED, at, true, "%s names interface %u, but section %u has %zu", what, id,
                    r->section, r->n_if);
    return 0;
}

static int finish(vsa_ngr *r, vsa_ngr_frame *f, uint32_t id, size_t data_at, uint32_t caplen,
                  uint32_t origlen)
{
    r->frame_no++;
    f->frame_no = r->frame_no;
    f->if_id = id;
    f->linktype = r->ifs[id].linktype;
    f->data = r->buf + data_at;
    f->caplen = caplen;
    f->wirelen = origlen < caplen ? caplen : origlen;
    return 1;
}

/* Enhanced Packet Block (4.3), and the obsolete Packet Block (appendix A),
 * which differs only in its first word:
 *   EPB: Interface ID (4)                  | Timestamp high (4) | low (4) |
 *   PB:  Interface ID (2) | Drops Count (2) | Timestamp high (4) | low (4) |
 *   then Captured Len (4) | Original Len (4) | Packet Data (padded) | Options */
static int on_packet_block(vsa_ngr *r, uint64_t at, size_t n, vsa_ngr_frame *f, bool obsolete)
{
    const char *name = obsolete ? "Packet Block" : "Enhanced Packet Block";
    uint32_t id = 0, hi, lo, cap, orig;
    uint16_t id16 = 0;
    bool ok = obsolete ? get16(r->buf, n, 0, r->swap, &id16) : get32(r->buf, n, 0, r->swap, &id);
    if (!ok || !get32(r->buf, n, 4, r->swap, &hi) || !get32(r->buf, n, 8, r->swap, &lo) ||
        !get32(r->buf, n, 12, r->swap, &cap) || !get32(r->buf, n, 16, r->swap, &orig))
        return fail(r, VSA_NGR_MALFORMED, at, true, "%s body of %zu bytes, 20 needed", name, n);
    if (obsolete)
        id = id16;
    if (frame_if(r, at, id, name) < 0)
        return -1;
    if (cap > n - 20)
        return fail(r, VSA_NGR_MALFORMED, at, true,
                    "%s: captured length %u exceeds the %zu bytes the block holds", name, cap, n - 20);
    if (set_time(r, at, &r->ifs[id], (uint64_t)hi << 32 | lo, f) < 0)
        return -1;
    return finish(r, f, id, 20, cap, orig);
}

/* Simple Packet Block (4.4): Original Len (4) | Packet Data (padded).
 * Interface 0; captured length min(original length, interface 0's
 * snaplen); no timestamp (0, as libpcap and Wireshark show it). */
static int on_spb(vsa_ngr *r, uint64_t at, size_t n, vsa_ngr_frame *f)
{
    uint32_t orig;
    if (!get32(r->buf, n, 0, r->swap, &orig))
        return fail(r, VSA_NGR_MALFORMED, at, true, "Simple Packet Block body of %zu bytes, 4 needed", n);
    if (frame_if(r, at, 0, "Simple Packet Block") < 0)
        return -1;
    uint32_t cap = orig;
    if (r->ifs[0].snaplen && cap > r->ifs[0].snaplen)
        cap = r->ifs[0].snaplen;
    if (cap > n - 4)
        return fail(r, VSA_NGR_MALFORMED, at, true,
                    "Simple Packet Block: packet of %u bytes exceeds the %zu bytes the block holds", cap, n - 4);
    f->ts_sec = 0;
    f->ts_nsec = 0;
    return finish(r, f, 0, 4, cap, orig);
}

/* ---- API ---- */

int vsa_ngr_open(vsa_ngr *r, FILE *fp, const char *name)
{
    memset(r, 0, sizeof *r);
    r->fp = fp;
    r->name = name;
    uint32_t t;
    size_t n;
    int rc = read_block(r, &t, &n); /* refuses anything but an SHB first */
    if (rc == 0) {
        r->status = VSA_NGR_TRUNCATED;
        snprintf(r->error, sizeof r->error, "%s: empty file, not a pcapng capture", name);
        return -1;
    }
    return rc < 0 || on_shb(r, 0, n) < 0 ? -1 : 0;
}

int vsa_ngr_next(vsa_ngr *r, vsa_ngr_frame *f)
{
    if (r->status != VSA_NGR_OK)
        return -1; /* errors are sticky: the stream is somewhere inside a block */
    for (;;) {
        uint64_t at = r->off;
        uint32_t t;
        size_t n;
        int rc = read_block(r, &t, &n);
        if (rc <= 0)
            return rc;
        switch (t) {
        case BT_SHB:
            if (on_shb(r, at, n) < 0)
                return -1;
            break;
        case BT_IDB:
            if (on_idb(r, at, n) < 0)
                return -1;
            break;
        case BT_EPB:
            return on_packet_block(r, at, n, f, false);
        case BT_SPB:
            return on_spb(r, at, n, f);
        case BT_PB:
            return on_packet_block(r, at, n, f, true);
        default: /* NRB, ISB, DSB, custom, ...: framing checked, nothing else */
            break;
        }
    }
}

void vsa_ngr_close(vsa_ngr *r)
{
    free(r->buf);
    free(r->ifs);
    r->buf = NULL;
    r->ifs = NULL;
    r->cap = r->cap_if = r->n_if = 0;
}
