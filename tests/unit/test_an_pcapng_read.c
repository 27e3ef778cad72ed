/* The pcapng reader for the files libpcap refuses (input/pcapng_read.c), and
 * capture input handing such files over to it (input/capture.c). Files are
 * built byte by byte here, in either byte order, so every expected value
 * below comes from the format, not from the reader. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/capture.h"
#include "input/pcapng_read.h"
#include "vs_test.h"

/* ---- a pcapng writer for tests: blocks in either byte order ---- */

typedef struct ng {
    uint8_t b[8192];
    size_t n;
    bool be;
    size_t blk; /* start of the open block */
} ng;

static void put(ng *g, const void *p, size_t n)
{
    cr_assert_leq(g->n + n, sizeof g->b);
    memcpy(g->b + g->n, p, n);
    g->n += n;
}

static void u8(ng *g, uint8_t v)
{
    put(g, &v, 1);
}

static void u16(ng *g, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    if (g->be) {
        x[0] = (uint8_t)(v >> 8);
        x[1] = (uint8_t)v;
    }
    put(g, x, 2);
}

static void u32(ng *g, uint32_t v)
{
    if (g->be) {
        u16(g, (uint16_t)(v >> 16));
        u16(g, (uint16_t)v);
    } else {
        u16(g, (uint16_t)v);
        u16(g, (uint16_t)(v >> 16));
    }
}

static void u64(ng *g, uint64_t v)
{
    if (g->be) {
        u32(g, (uint32_t)(v >> 32));
        u32(g, (uint32_t)v);
    } else {
        u32(g, (uint32_t)v);
        u32(g, (uint32_t)(v >> 32));
    }
}

static void pad4(ng *g)
{
    while ((g->n - g->blk) % 4)
        u8(g, 0);
}

static void begin(ng *g, uint32_t type)
{
    g->blk = g->n;
    u32(g, type);
    u32(g, 0); /* length, set by end() */
}

static void end(ng *g)
{
    pad4(g);
    uint32_t len = (uint32_t)(g->n - g->blk + 4);
    u32(g, len);
    size_t save = g->n;
    g->n = g->blk + 4;
    u32(g, len);
    g->n = save;
}

static void shb(ng *g, bool be)
{
    g->be = be;
    begin(g, 0x0A0D0D0A);
    u32(g, 0x1A2B3C4D);
    u16(g, 1);
    u16(g, 0);
    u64(g, UINT64_MAX); /* section length unknown */
    end(g);
}

/* tsresol < 0: no option; tsoffset: written when nonzero */
static void idb(ng *g, uint16_t lt, uint32_t snap, int tsresol, int64_t tsoffset)
{
    begin(g, 1);
    u16(g, lt);
    u16(g, 0);
    u32(g, snap);
    u16(g, 2); /* if_name "x", an option the reader skips */
    u16(g, 1);
    u8(g, 'x');
    pad4(g);
    if (tsresol >= 0) {
        u16(g, 9);
        u16(g, 1);
        u8(g, (uint8_t)tsresol);
        pad4(g);
    }
    if (tsoffset) {
        u16(g, 14);
        u16(g, 8);
        u64(g, (uint64_t)tsoffset);
    }
    u16(g, 0);
    u16(g, 0);
    end(g);
}

static void epb(ng *g, uint32_t ifid, uint64_t ts, uint32_t cap, uint32_t orig, uint8_t fill)
{
    begin(g, 6);
    u32(g, ifid);
    u32(g, (uint32_t)(ts >> 32));
    u32(g, (uint32_t)ts);
    u32(g, cap);
    u32(g, orig);
    for (uint32_t i = 0; i < cap; i++)
        u8(g, (uint8_t)(fill + i));
    pad4(g);
    u16(g, 1); /* opt_comment: skipped */
    u16(g, 3);
    put(g, "abc", 3);
    pad4(g);
    u16(g, 0);
    u16(g, 0);
    end(g);
}

static void spb(ng *g, uint32_t orig, uint32_t datalen, uint8_t fill)
{
    begin(g, 3);
    u32(g, orig);
    for (uint32_t i = 0; i < datalen; i++)
        u8(g, (uint8_t)(fill + i));
    end(g);
}

static void pb(ng *g, uint16_t ifid, uint64_t ts, uint32_t cap, uint32_t orig, uint8_t fill)
{
    begin(g, 2);
    u16(g, ifid);
    u16(g, 0); /* drops */
    u32(g, (uint32_t)(ts >> 32));
    u32(g, (uint32_t)ts);
    u32(g, cap);
    u32(g, orig);
    for (uint32_t i = 0; i < cap; i++)
        u8(g, (uint8_t)(fill + i));
    end(g);
}

static void other(ng *g, uint32_t type, size_t body)
{
    begin(g, type);
    for (size_t i = 0; i < body; i++)
        u8(g, 0xee);
    end(g);
}

/* ---- reading from memory ---- */

typedef struct got {
    int rc; /* 0: clean end, -1: error */
    size_t n;
    vsa_ngr_frame f[32];
    uint8_t first[32]; /* first data byte of each frame */
    vsa_ngr_status status;
    char error[512];
} got;

/* Reads all of buf[0..len) from an exactly sized copy (ASan sees any overread). */
static void read_mem(const uint8_t *buf, size_t len, got *out)
{
    memset(out, 0, sizeof *out);
    uint8_t *copy = malloc(len ? len : 1);
    cr_assert_not_null(copy);
    memcpy(copy, buf, len);
    FILE *f = fmemopen(copy, len, "rb");
    cr_assert_not_null(f);
    vsa_ngr r;
    if (vsa_ngr_open(&r, f, "mem.pcapng") < 0) {
        out->rc = -2;
    } else {
        int rc;
        vsa_ngr_frame fr;
        while ((rc = vsa_ngr_next(&r, &fr)) == 1) {
            cr_assert_lt(out->n, 32);
            cr_assert_leq(fr.caplen, len, "data inside the file");
            out->first[out->n] = fr.caplen ? fr.data[0] : 0;
            fr.data = NULL;
            out->f[out->n++] = fr;
        }
        out->rc = rc;
    }
    out->status = r.status;
    snprintf(out->error, sizeof out->error, "%s", r.error);
    vsa_ngr_close(&r);
    fclose(f);
    free(copy);
}

/* Interfaces of five kinds, one EPB each, plus skipped blocks between them. */
static void build_mixed(ng *g, bool be)
{
    memset(g, 0, sizeof *g);
    shb(g, be);
    idb(g, 1, 65535, -1, 0); /* Ethernet, microseconds by default */
    idb(g, 101, 0, 9, 0); /* raw IP, nanoseconds */
    idb(g, 113, 262144, 0x83, 1000); /* Linux cooked, 1/8 s, +1000 s */
    idb(g, 276, 1500, 12, 0); /* Linux cooked v2, picoseconds */
    idb(g, 12, 65535, 6, -10); /* raw IP (OpenBSD number), microseconds, -10 s */
    other(g, 4, 8); /* NRB */
    epb(g, 0, 1700000000123456ull, 60, 60, 0x10);
    epb(g, 1, 1700000000987654321ull, 40, 1500, 0x45); /* cut at 40 */
    other(g, 5, 16); /* ISB */
    epb(g, 2, 8 * 5 + 3, 3, 3, 0x20);
    other(g, 0x0000000A, 4); /* DSB */
    epb(g, 3, 12345678901234567ull, 0, 0, 0); /* no bytes at all */
    other(g, 0x00000BAD, 12); /* custom */
    epb(g, 4, 5000001, 5, 2, 0x30); /* original length below captured: wirelen = caplen */
}

static void check_mixed(const got *r)
{
    cr_assert_eq(r->rc, 0, "%s", r->error);
    cr_assert_eq(r->n, 5);
    static const int lt[5] = {1, 101, 113, 276, 12};
    static const int64_t sec[5] = {1700000000, 1700000000, 1005, 12345, -5};
    static const uint32_t nsec[5] = {123456000, 987654321, 375000000, 678901234, 1000};
    static const size_t cap[5] = {60, 40, 3, 0, 5}, wire[5] = {60, 1500, 3, 0, 5};
    static const uint8_t first[5] = {0x10, 0x45, 0x20, 0, 0x30};
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(r->f[i].frame_no, (uint64_t)i + 1);
        cr_assert_eq(r->f[i].if_id, (uint32_t)i);
        cr_assert_eq(r->f[i].linktype, lt[i], "frame %d", i + 1);
        cr_assert_eq(r->f[i].ts_sec, sec[i], "frame %d: %lld", i + 1, (long long)r->f[i].ts_sec);
        cr_assert_eq(r->f[i].ts_nsec, nsec[i], "frame %d: %u", i + 1, r->f[i].ts_nsec);
        cr_assert_eq(r->f[i].caplen, cap[i], "frame %d", i + 1);
        cr_assert_eq(r->f[i].wirelen, wire[i], "frame %d", i + 1);
        cr_assert_eq(r->first[i], first[i], "frame %d", i + 1);
    }
}

Test(an_pcapng, link_types_resolutions_and_offsets_in_both_byte_orders)
{
    for (int be = 0; be < 2; be++) {
        ng g;
        build_mixed(&g, be);
        got r;
        read_mem(g.b, g.n, &r);
        check_mixed(&r);
    }
}

Test(an_pcapng, binary_resolution_and_large_timestamps)
{
    ng g = {0};
    shb(&g, false);
    idb(&g, 1, 0, 0x80 | 30, 0); /* 2^-30 s */
    idb(&g, 1, 0, 0, 0); /* whole seconds */
    idb(&g, 1, 0, 19, 0); /* 10^-19 s, the finest decimal resolution 64 bits hold */
    epb(&g, 0, ((uint64_t)7 << 30) | (1u << 29), 1, 1, 0); /* 7.5 s */
    epb(&g, 1, UINT64_MAX, 1, 1, 0); /* beyond INT64_MAX seconds */
    epb(&g, 2, 18446744073709551615ull, 1, 1, 0);
    got r;
    read_mem(g.b, g.n, &r);
    cr_assert_eq(r.n, 1);
    cr_assert_eq(r.f[0].ts_sec, 7);
    cr_assert_eq(r.f[0].ts_nsec, 500000000u);
    cr_assert_eq(r.rc, -1, "2^64-1 seconds do not fit a time");
    cr_assert_eq(r.status, VSA_NGR_MALFORMED);
    cr_assert(strstr(r.error, "mem.pcapng: frame 2: pcapng block at offset ") != NULL, "%s", r.error);
    cr_assert(strstr(r.error, "out of range") != NULL, "%s", r.error);
    /* the 10^-19 one alone */
    ng h = {0};
    shb(&h, true);
    idb(&h, 1, 0, 19, 0);
    epb(&h, 0, 18446744073709551615ull, 1, 1, 0);
    read_mem(h.b, h.n, &r);
    cr_assert_eq(r.rc, 0, "%s", r.error);
    cr_assert_eq(r.f[0].ts_sec, 1);
    cr_assert_eq(r.f[0].ts_nsec, 844674407u, "1.8446744073709551615 s, cut to ns");
}

Test(an_pcapng, simple_and_obsolete_packet_blocks)
{
    for (int be = 0; be < 2; be++) {
        ng g = {0};
        shb(&g, be);
        idb(&g, 101, 8, 9, 0); /* snaplen 8 */
        idb(&g, 1, 0, -1, 0);
        spb(&g, 20, 8, 0x45); /* 20 on the wire, 8 kept */
        spb(&g, 6, 8, 0x60); /* 6 on the wire: 6 kept, 2 bytes of padding */
        pb(&g, 1, 2000001, 14, 70, 0x02);
        got r;
        read_mem(g.b, g.n, &r);
        cr_assert_eq(r.rc, 0, "%s", r.error);
        cr_assert_eq(r.n, 3);
        cr_assert_eq(r.f[0].linktype, 101, "SPB: interface 0");
        cr_assert_eq(r.f[0].caplen, 8);
        cr_assert_eq(r.f[0].wirelen, 20);
        cr_assert_eq(r.f[0].ts_sec, 0, "no time stamp in an SPB");
        cr_assert_eq(r.f[0].ts_nsec, 0);
        cr_assert_eq(r.first[0], 0x45);
        cr_assert_eq(r.f[1].caplen, 6);
        cr_assert_eq(r.f[1].wirelen, 6);
        cr_assert_eq(r.f[2].frame_no, 3);
        cr_assert_eq(r.f[2].linktype, 1, "PB: its own interface");
        cr_assert_eq(r.f[2].caplen, 14);
        cr_assert_eq(r.f[2].wirelen, 70);
        cr_assert_eq(r.f[2].ts_sec, 2);
        cr_assert_eq(r.f[2].ts_nsec, 1000);
        cr_assert_eq(r.first[2], 0x02);
    }
}

Test(an_pcapng, sections_in_both_byte_orders_restart_interfaces)
{
    ng g = {0};
    shb(&g, false);
    idb(&g, 1, 65535, -1, 0);
    epb(&g, 0, 1000000, 4, 4, 1);
    shb(&g, true); /* a second section, big endian: interface 0 is now raw IP */
    idb(&g, 101, 65535, 9, 0);
    epb(&g, 0, 2000000000, 4, 4, 2);
    shb(&g, false);
    idb(&g, 113, 0, -1, 0);
    idb(&g, 1, 0, -1, 0);
    epb(&g, 1, 3000000, 4, 4, 3);
    epb(&g, 0, 4000000, 4, 4, 4);
    got r;
    read_mem(g.b, g.n, &r);
    cr_assert_eq(r.rc, 0, "%s", r.error);
    cr_assert_eq(r.n, 4);
    static const int lt[4] = {1, 101, 1, 113};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(r.f[i].linktype, lt[i], "frame %d", i + 1);
        cr_assert_eq(r.f[i].ts_sec, i + 1, "frame %d", i + 1);
        cr_assert_eq(r.first[i], i + 1);
    }
    /* an interface of an earlier section does not exist in the next one */
    ng h = {0};
    shb(&h, false);
    idb(&h, 1, 0, -1, 0);
    idb(&h, 1, 0, -1, 0);
    shb(&h, true);
    idb(&h, 1, 0, -1, 0);
    size_t at = h.n;
    epb(&h, 1, 0, 4, 4, 0);
    read_mem(h.b, h.n, &r);
    cr_assert_eq(r.rc, -1);
    cr_assert_eq(r.status, VSA_NGR_MALFORMED);
    char want[160];
    snprintf(want, sizeof want,
             "mem.pcapng: frame 1: pcapng block at offset %zu: malformed: Enhanced Packet Block names "
             "interface 1, but section 2 has 1",
             at);
    cr_assert_str_eq(r.error, want);
}

/* Every prefix of a valid file: a cut at a block boundary is a shorter valid
 * file (that many frames, clean end); a cut anywhere else is "truncated" with
 * the offset of the block, never a crash, never a frame of garbage. */
static void truncate_everywhere(const ng *g)
{
    /* block boundaries and the frames before each */
    size_t bounds[64], frames_at[64], nb = 0, frames = 0;
    for (size_t off = 0; off < g->n;) {
        uint32_t type, len;
        uint8_t t[4], l[4];
        memcpy(t, g->b + off, 4);
        memcpy(l, g->b + off + 4, 4);
        len = g->be ? (uint32_t)l[0] << 24 | l[1] << 16 | l[2] << 8 | l[3]
                    : (uint32_t)l[3] << 24 | l[2] << 16 | l[1] << 8 | l[0];
        type = g->be ? (uint32_t)t[0] << 24 | t[1] << 16 | t[2] << 8 | t[3]
                     : (uint32_t)t[3] << 24 | t[2] << 16 | t[1] << 8 | t[0];
        bounds[nb] = off;
        frames_at[nb++] = frames;
        frames += type == 6 || type == 3 || type == 2;
        off += len;
    }
    got r;
    for (size_t k = 0; k < g->n; k++) {
        read_mem(g->b, k, &r);
        size_t i = 0;
        while (i + 1 < nb && bounds[i + 1] <= k)
            i++;
        if (k == 0) {
            cr_assert_eq(r.rc, -2);
            cr_assert(strstr(r.error, "empty") != NULL, "%s", r.error);
        } else if (k == bounds[i]) {
            cr_assert_eq(r.rc, 0, "cut at block boundary %zu: %s", k, r.error);
            cr_assert_eq(r.n, frames_at[i], "cut at %zu", k);
        } else {
            cr_assert_neq(r.rc, 0, "cut at %zu inside the block at %zu", k, bounds[i]);
            cr_assert_eq(r.status, VSA_NGR_TRUNCATED, "cut at %zu: %s", k, r.error);
            char want[64];
            snprintf(want, sizeof want, "pcapng block at offset %zu", bounds[i]);
            cr_assert(strstr(r.error, want) != NULL, "cut at %zu: %s", k, r.error);
            cr_assert(strstr(r.error, ": truncated: ") != NULL, "%s", r.error);
            cr_assert(strncmp(r.error, "mem.pcapng: ", 12) == 0, "%s", r.error);
            cr_assert_eq(r.n, frames_at[i], "no frame from a cut block (cut at %zu)", k);
        }
    }
}

Test(an_pcapng, truncation_at_every_byte)
{
    for (int be = 0; be < 2; be++) {
        ng g;
        build_mixed(&g, be);
        truncate_everywhere(&g);
        ng h = {0};
        shb(&h, be);
        idb(&h, 1, 4, -1, 0);
        spb(&h, 9, 4, 1);
        pb(&h, 0, 1, 2, 2, 1);
        truncate_everywhere(&h);
    }
}

/* Each case: a valid file with one value made contradictory. */
static void expect_malformed(const ng *g, const char *needle, const char *prefix)
{
    got r;
    read_mem(g->b, g->n, &r);
    cr_assert_lt(r.rc, 0, "%s: read to the end", needle);
    cr_assert_eq(r.status, VSA_NGR_MALFORMED, "%s: %s", needle, r.error);
    cr_assert(strstr(r.error, needle) != NULL, "want '%s' in: %s", needle, r.error);
    cr_assert(strncmp(r.error, prefix, strlen(prefix)) == 0, "want prefix '%s' in: %s", prefix, r.error);
}

static void set32(ng *g, size_t at, uint32_t v)
{
    size_t save = g->n;
    g->n = at;
    u32(g, v);
    g->n = save;
}

Test(an_pcapng, contradictory_lengths_are_malformed)
{
    for (int be = 0; be < 2; be++) {
        ng g = {0};
        shb(&g, be);
        idb(&g, 1, 65535, -1, 0);
        size_t e = g.n; /* the EPB: after a 28-byte SHB and a 32-byte IDB */
        cr_assert_eq(e, 60);
        epb(&g, 0, 0, 10, 10, 0);
        uint32_t elen = (uint32_t)(g.n - e);
        char pfx[96];
        snprintf(pfx, sizeof pfx, "mem.pcapng: frame 1: pcapng block at offset %zu: malformed: ", e);
        ng m;

        m = g; /* trailing length differs from the leading one */
        set32(&m, m.n - 4, elen + 4);
        expect_malformed(&m, "trailing total length", pfx);

        m = g; /* leading length not a multiple of 4 */
        set32(&m, e + 4, elen + 1);
        expect_malformed(&m, "is not a multiple of 4", pfx);

        m = g; /* below the minimum */
        set32(&m, e + 4, 8);
        expect_malformed(&m, "below the minimum", pfx);

        m = g; /* above 16 MiB */
        set32(&m, e + 4, 0x7ffffff0);
        expect_malformed(&m, "exceeds the limit", pfx);

        m = g; /* captured length beyond the block */
        set32(&m, e + 20, 200);
        expect_malformed(&m, "captured length 200 exceeds the", pfx);

        m = g; /* interface that does not exist */
        set32(&m, e + 8, 1);
        expect_malformed(&m, "names interface 1, but section 1 has 1", pfx);

        m = g; /* a block too short for an EPB body (12 bytes of body) */
        m.n = e;
        other(&m, 6, 12);
        expect_malformed(&m, "Enhanced Packet Block body of 12 bytes, 20 needed", pfx);

        /* SPB before any interface; SPB longer than its block */
        m = (ng){0};
        shb(&m, be);
        spb(&m, 4, 4, 0);
        expect_malformed(&m, "Simple Packet Block names interface 0, but section 1 has 0",
                         "mem.pcapng: frame 1: pcapng block at offset 28: malformed: ");
        m = (ng){0};
        shb(&m, be);
        idb(&m, 1, 0, -1, 0);
        spb(&m, 100, 8, 0);
        expect_malformed(&m, "packet of 100 bytes exceeds the 8 bytes",
                         "mem.pcapng: frame 1: pcapng block at offset 60: malformed: ");

        /* IDB option running past its block; bad if_tsresol */
        m = (ng){0};
        shb(&m, be);
        size_t i0 = m.n;
        idb(&m, 1, 0, -1, 0);
        set32(&m, i0 + 16, be ? (2u << 16 | 200) : (200u << 16 | 2)); /* if_name of 200 bytes */
        expect_malformed(&m, "option 2 of 200 bytes at body offset 8 runs past",
                         "mem.pcapng: pcapng block at offset 28 (after frame 0): malformed: ");
        m = (ng){0};
        shb(&m, be);
        idb(&m, 1, 0, 20, 0);
        expect_malformed(&m, "if_tsresol 10^-20", "mem.pcapng: pcapng block at offset 28 (after frame 0)");
        m = (ng){0};
        shb(&m, be);
        idb(&m, 1, 0, 0x80 | 64, 0);
        expect_malformed(&m, "if_tsresol 2^-64", "mem.pcapng: pcapng block at offset 28");

        /* SHB: unknown byte-order magic, version 2 */
        m = (ng){0};
        shb(&m, be);
        m.b[8] ^= 0xff;
        expect_malformed(&m, "byte-order magic", "mem.pcapng: pcapng block at offset 0 (after frame 0)");
        m = (ng){0};
        shb(&m, be);
        m.b[be ? 13 : 12] = 2;
        expect_malformed(&m, "pcapng version 2.0", "mem.pcapng: pcapng block at offset 0");
    }
    /* not pcapng at all */
    static const uint8_t pcap_magic[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0};
    got r;
    read_mem(pcap_magic, sizeof pcap_magic, &r);
    cr_assert_eq(r.rc, -2);
    cr_assert_str_eq(r.error, "mem.pcapng: not a pcapng file (no Section Header Block at offset 0)");
}

Test(an_pcapng, errors_are_sticky)
{
    ng g = {0};
    shb(&g, false);
    idb(&g, 1, 0, -1, 0);
    epb(&g, 0, 0, 10, 10, 0);
    epb(&g, 0, 0, 10, 10, 0);
    g.n -= 3; /* the second EPB (at 28 + 32 + 56, 56 bytes: 20 + 12 data + 8 comment + 4 end) cut */
    FILE *f = fmemopen(g.b, g.n, "rb");
    cr_assert_not_null(f);
    vsa_ngr r;
    cr_assert_eq(vsa_ngr_open(&r, f, "m"), 0, "%s", r.error);
    vsa_ngr_frame fr;
    cr_assert_eq(vsa_ngr_next(&r, &fr), 1);
    cr_assert_eq(vsa_ngr_next(&r, &fr), -1);
    char first[512];
    snprintf(first, sizeof first, "%s", r.error);
    cr_assert_str_eq(first, "m: frame 2: pcapng block at offset 116: truncated: block type 0x00000006 of 56 "
                            "bytes: the file ends after 53 of them");
    cr_assert_eq(vsa_ngr_next(&r, &fr), -1, "no reading on from inside a block");
    cr_assert_str_eq(r.error, first);
    vsa_ngr_close(&r);
    fclose(f);
}

/* ---- through capture input: libpcap first, our reader when libpcap refuses ---- */

static char *write_tmp(const ng *g)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/vsa_ngr_%d_XXXXXX", (int)getpid());
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, g->b, g->n), (ssize_t)g->n);
    close(fd);
    return path;
}

typedef struct seen {
    size_t n;
    vsa_packet p[16];
    uint8_t first[16];
    int rc;
    char error[512];
} seen;

static void capture_all(const char *path, seen *s)
{
    memset(s, 0, sizeof *s);
    vsa_capture c;
    if (vsa_capture_open(&c, path) < 0) {
        s->rc = -2;
        snprintf(s->error, sizeof s->error, "%s", c.error);
        return;
    }
    int rc;
    vsa_packet p;
    while ((rc = vsa_capture_next(&c, &p)) == 1) {
        cr_assert_lt(s->n, 16);
        s->first[s->n] = p.caplen ? p.data[0] : 0;
        s->p[s->n++] = p;
    }
    s->rc = rc;
    snprintf(s->error, sizeof s->error, "%s", c.error);
    vsa_capture_close(&c);
}

Test(an_pcapng, capture_reads_what_libpcap_refuses)
{
    /* two frames libpcap delivers, then an IDB of another link type (libpcap
     * fails there), then frames of both interfaces */
    ng g = {0};
    shb(&g, false);
    idb(&g, 1, 65535, -1, 0);
    epb(&g, 0, 1000001, 14, 14, 0x11);
    epb(&g, 0, 2000002, 14, 14, 0x12);
    idb(&g, 113, 65535, 9, 0);
    epb(&g, 1, 3000003000ull, 16, 16, 0x13); /* ns: 3 s 3000 ns */
    epb(&g, 0, 4000004, 14, 14, 0x14);
    const char *path = write_tmp(&g);
    seen s;
    capture_all(path, &s);
    cr_assert_eq(s.rc, 0, "%s", s.error);
    cr_assert_eq(s.n, 4);
    static const int lt[4] = {1, 1, 113, 1};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(s.p[i].frame_no, i + 1);
        cr_assert_eq(s.p[i].linktype, lt[i], "frame %zu", i + 1);
        cr_assert_eq(s.p[i].ts_sec, (int64_t)i + 1);
        cr_assert_eq(s.p[i].ts_nsec, (uint32_t)(i + 1) * 1000, "frame %zu", i + 1);
        cr_assert_eq(s.first[i], 0x11 + i, "frame %zu: no frame twice, none lost", i + 1);
    }
    /* the same link type, another snap length: libpcap refuses that too */
    ng h = {0};
    shb(&h, true);
    idb(&h, 1, 65535, -1, 0);
    idb(&h, 1, 262144, -1, 0);
    epb(&h, 1, 5, 14, 14, 0x21);
    epb(&h, 0, 6, 14, 14, 0x22);
    path = write_tmp(&h);
    capture_all(path, &s);
    cr_assert_eq(s.rc, 0, "%s", s.error);
    cr_assert_eq(s.n, 2);
    cr_assert_eq(s.first[0], 0x21);
    cr_assert_eq(s.first[1], 0x22);
    cr_assert_eq(s.p[1].ts_nsec, 6000);
    /* a damaged block after the switch: our reader's error, naming file and frame */
    h.n -= 10;
    path = write_tmp(&h);
    capture_all(path, &s);
    cr_assert_eq(s.rc, -1);
    cr_assert_eq(s.n, 1);
    char want[128];
    snprintf(want, sizeof want, "%s: frame 2: pcapng block at offset ", path);
    cr_assert(strncmp(s.error, want, strlen(want)) == 0, "%s", s.error);
    cr_assert(strstr(s.error, ": truncated: ") != NULL, "%s", s.error);
    remove(path);
}

Test(an_pcapng, capture_damaged_single_interface_pcapng_keeps_libpcap_error)
{
    /* one interface, a block length libpcap refuses: not our case, libpcap's
     * message as before */
    ng g = {0};
    shb(&g, false);
    idb(&g, 1, 65535, -1, 0);
    epb(&g, 0, 1, 14, 14, 0);
    size_t e = g.n;
    epb(&g, 0, 2, 14, 14, 0);
    set32(&g, e + 4, 0x7ffffff0);
    const char *path = write_tmp(&g);
    seen s;
    capture_all(path, &s);
    cr_assert_eq(s.rc, -1);
    cr_assert_eq(s.n, 1);
    char want[128];
    snprintf(want, sizeof want, "%s: frame 2: pcapng block size 2147483632 > maximum", path);
    cr_assert(strncmp(s.error, want, strlen(want)) == 0, "%s", s.error);
    remove(path);
}
