#define _POSIX_C_SOURCE 200809L
/* Shared helpers for the Criterion suites (see vs_test.h). */
#include "vs_test.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

uint8_t *vs_hex(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    uint8_t *out = malloc(n / 2 + 1);
    cr_assert_not_null(out);
    size_t k = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        char ch = hex[i];
        if (isspace((unsigned char)ch) || ch == ':')
            continue;
        cr_assert(isxdigit((unsigned char)ch), "bad hex character '%c' at %zu", ch, i);
        int v = isdigit((unsigned char)ch) ? ch - '0' : (tolower((unsigned char)ch) - 'a' + 10);
        if (hi < 0) {
            hi = v;
        } else {
            out[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    cr_assert(hi < 0, "odd number of hex digits");
    *len = k;
    return out;
}

void vs_check_truncations(const uint8_t *msg, size_t len, vs_decode_fn fn, vs_status want_full)
{
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        cr_assert_not_null(copy);
        memcpy(copy, msg, cut);
        vs_test_tree *tt = malloc(sizeof *tt);
        vs_test_tree_init(tt, copy);
        vs_status st = fn(copy, cut, &tt->t);
        cr_assert_eq(st, VS_TRUNCATED, "prefix of %zu/%zu bytes: status %s, want truncated", cut,
                     len, vs_status_name(st));
        /* And without a tree (typed decode only). */
        st = fn(copy, cut, NULL);
        cr_assert_eq(st, VS_TRUNCATED, "prefix of %zu/%zu bytes (no tree): status %s", cut, len,
                     vs_status_name(st));
        free(tt);
        free(copy);
    }
    uint8_t *copy = malloc(len);
    memcpy(copy, msg, len);
    vs_status st = fn(copy, len, NULL);
    cr_assert_eq(st, want_full, "full message: status %s", vs_status_name(st));
    free(copy);
}

void vs_check_truncations_hex(const char *hex, vs_decode_fn fn, vs_status want_full)
{
    size_t n;
    uint8_t *b = vs_hex(hex, &n);
    vs_check_truncations(b, n, fn, want_full);
    free(b);
}

void vs_test_tree_init(vs_test_tree *tt, const uint8_t *buf)
{
    vs_tree_init(&tt->t, buf, tt->items, sizeof tt->items / sizeof tt->items[0], tt->problems,
                 sizeof tt->problems / sizeof tt->problems[0]);
}

const vs_item *vs_item_nth(const vs_tree *t, vs_field_id f, size_t n)
{
    size_t seen = 0;
    for (size_t i = 0; i < t->n_items; i++) {
        if (t->items[i].field != f)
            continue;
        if (seen++ == n)
            return &t->items[i];
    }
    cr_assert_fail("no item #%zu of field %s (found %zu)", n, vs_fields[f].name, seen);
    return NULL;
}

void vs_assert_item(const vs_tree *t, vs_field_id f, size_t n, uint64_t value, uint32_t off,
                    uint32_t len)
{
    const vs_item *it = vs_item_nth(t, f, n);
    cr_assert_eq(it->value, value, "%s[%zu]: value %llu, want %llu", vs_fields[f].name, n,
                 (unsigned long long)it->value, (unsigned long long)value);
    cr_assert_eq(it->span.off, off, "%s[%zu]: offset %u, want %u", vs_fields[f].name, n,
                 it->span.off, off);
    cr_assert_eq(it->span.len, len, "%s[%zu]: length %u, want %u", vs_fields[f].name, n,
                 it->span.len, len);
}

int vs_has_problem(const vs_tree *t, vs_problem_id p)
{
    for (size_t i = 0; i < t->n_problems; i++)
        if (t->problems[i].problem == p)
            return 1;
    return 0;
}

uint8_t *vs_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static uint32_t rd32(const uint8_t *p, int swap)
{
    return swap ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
                : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

static uint16_t rd16(const uint8_t *p, int be)
{
    return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

int vs_pcap_foreach(const char *path, vs_pcap_cb cb, void *ctx)
{
    size_t n;
    uint8_t *f = vs_read_file(path, &n);
    if (!f || n < 24) {
        free(f);
        return -1;
    }
    unsigned frame = 0;
    uint32_t magic = rd32(f, 0);
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d || magic == 0xd4c3b2a1 ||
        magic == 0x4d3cb2a1) {
        int be = (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1);
        int linktype = (int)(rd32(f + 20, be) & 0x0FFFFFFF);
        size_t off = 24;
        while (off + 16 <= n) {
            uint32_t incl = rd32(f + off + 8, be), orig = rd32(f + off + 12, be);
            off += 16;
            if (incl > n - off)
                break;
            cb(ctx, linktype, ++frame, f + off, incl, orig);
            off += incl;
        }
    } else if (magic == 0x0A0D0D0A) {
        int be = 0;
        int linktypes[64];
        int nif = 0;
        size_t off = 0;
        while (off + 12 <= n) {
            uint32_t type = rd32(f + off, be);
            if (type == 0x0A0D0D0A) {
                be = rd32(f + off + 8, 0) == 0x4D3C2B1A ? 1 : 0;
                nif = 0;
            }
            uint32_t blen = rd32(f + off + 4, be);
            if (blen < 12 || blen > n - off)
                break;
            const uint8_t *b = f + off + 8;
            if (type == 1 && nif < 64) {
                linktypes[nif++] = rd16(b, be);
            } else if (type == 6 && blen >= 32) {
                uint32_t ifid = rd32(b, be), incl = rd32(b + 12, be), orig = rd32(b + 16, be);
                if (incl <= blen - 32 && ifid < (uint32_t)nif)
                    cb(ctx, linktypes[ifid], ++frame, b + 20, incl, orig);
            } else if (type == 3 && blen >= 16 && nif > 0) {
                uint32_t orig = rd32(b, be);
                size_t incl = blen - 16;
                if (incl > orig)
                    incl = orig;
                cb(ctx, linktypes[0], ++frame, b + 4, incl, orig);
            }
            off += blen;
        }
    } else {
        free(f);
        return -1;
    }
    free(f);
    return (int)frame;
}

static long find_in_ip(const uint8_t *d, size_t n, size_t off, enum vs_tp_kind kind,
                       unsigned port, size_t *plen, int depth)
{
    if (depth > 3 || off >= n)
        return -1;
    unsigned ver = d[off] >> 4;
    size_t l4 = 0, end = n;
    unsigned proto;
    if (ver == 4) {
        if (off + 20 > n)
            return -1;
        size_t ihl = (size_t)(d[off] & 0x0F) * 4;
        size_t tot = (size_t)(d[off + 2] << 8 | d[off + 3]);
        proto = d[off + 9];
        if (off + tot < end)
            end = off + tot;
        if ((d[off + 6] & 0x1F) || d[off + 7]) /* non-first fragment */
            return -1;
        l4 = off + ihl;
    } else if (ver == 6) {
        if (off + 40 > n)
            return -1;
        size_t pl = (size_t)(d[off + 4] << 8 | d[off + 5]);
        proto = d[off + 6];
        if (off + 40 + pl < end)
            end = off + 40 + pl;
        l4 = off + 40;
    } else {
        return -1;
    }
    if (l4 > end)
        return -1;
    if (kind == VS_TP_IP_PROTO && proto == port) {
        *plen = end - l4;
        return (long)l4;
    }
    if (proto == 17 && l4 + 8 <= end) {
        unsigned sp = (unsigned)(d[l4] << 8 | d[l4 + 1]), dp = (unsigned)(d[l4 + 2] << 8 | d[l4 + 3]);
        if (kind == VS_TP_UDP_PORT && (sp == port || dp == port)) {
            *plen = end - l4 - 8;
            return (long)(l4 + 8);
        }
        if (kind == VS_TP_IP_PROTO && port == 50 && (sp == 4500 || dp == 4500) &&
            end - l4 - 8 > 4 && (d[l4 + 8] | d[l4 + 9] | d[l4 + 10] | d[l4 + 11]) != 0) {
            *plen = end - l4 - 8; /* ESP in UDP */
            return (long)(l4 + 8);
        }
    }
    if (proto == 47 && l4 + 4 <= end) {
        unsigned flags = d[l4], gp = (unsigned)(d[l4 + 2] << 8 | d[l4 + 3]);
        size_t h = 4 + ((flags & 0x80) ? 4 : 0) + ((flags & 0x20) ? 4 : 0) + ((flags & 0x10) ? 4 : 0);
        if (l4 + h > end)
            return -1;
        if (kind == VS_TP_GRE_PROTO && gp == port) {
            *plen = end - l4 - h;
            return (long)(l4 + h);
        }
        if (gp == 0x0800 || gp == 0x86DD)
            return find_in_ip(d, end, l4 + h, kind, port, plen, depth + 1);
    }
    return -1;
}

long vs_test_find_payload(int linktype, const uint8_t *d, size_t n, enum vs_tp_kind kind,
                          unsigned port, size_t *plen)
{
    size_t off;
    unsigned et;
    switch (linktype) {
    case 1: /* Ethernet */
        if (n < 14)
            return -1;
        et = (unsigned)(d[12] << 8 | d[13]);
        off = 14;
        while ((et == 0x8100 || et == 0x88A8) && off + 4 <= n) {
            et = (unsigned)(d[off + 2] << 8 | d[off + 3]);
            off += 4;
        }
        if (et != 0x0800 && et != 0x86DD)
            return -1;
        break;
    case 0: /* BSD loopback */
    case 108:
        off = 4;
        break;
    case 113: /* Linux cooked */
        off = 16;
        break;
    case 276:
        off = 20;
        break;
    case 101: /* raw IP */
    case 228:
    case 229:
        off = 0;
        break;
    default:
        return -1;
    }
    return find_in_ip(d, n, off, kind, port, plen, 0);
}

char **vs_tshark_fields(const char *capture, const char *extra, const char *const *fields)
{
    if (system("command -v tshark >/dev/null 2>&1") != 0)
        return NULL;
    char cmd[8192];
    int k = snprintf(cmd, sizeof cmd, "TZ=UTC tshark -n -r '%s' %s -T fields -E separator='|' -E occurrence=a -E aggregator=, ",
                     capture, extra ? extra : "");
    for (size_t i = 0; fields[i] && k < (int)sizeof cmd - 200; i++)
        k += snprintf(cmd + k, sizeof cmd - (size_t)k, " -e %s", fields[i]);
    snprintf(cmd + k, sizeof cmd - (size_t)k, " 2>/dev/null");
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run tshark");
    size_t cap = 64, n = 0;
    char **lines = calloc(cap, sizeof *lines);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t r;
    while ((r = getline(&line, &lcap, p)) >= 0) {
        while (r > 0 && (line[r - 1] == '\n' || line[r - 1] == '\r'))
            line[--r] = 0;
        if (n + 1 >= cap)
            lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[n++] = strdup(line);
    }
    lines[n] = NULL;
    free(line);
    int st = pclose(p);
    cr_assert_eq(st, 0, "tshark failed: %s", cmd);
    return lines;
}

void vs_lines_free(char **lines)
{
    if (!lines)
        return;
    for (size_t i = 0; lines[i]; i++)
        free(lines[i]);
    free(lines);
}

int vs_split(char *line, char **out, int max)
{
    int n = 0;
    char *s = line;
    while (n < max) {
        out[n++] = s;
        char *bar = strchr(s, '|');
        if (!bar)
            break;
        *bar = 0;
        s = bar + 1;
    }
    return n;
}

const char *vs_shared_capture(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", VS_SHARED_CAPTURES, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        cr_skip_test("../shared/captures is absent (%s): skipped, as on a user's machine", path);
        return NULL;
    }
    fclose(f);
    return path;
}
