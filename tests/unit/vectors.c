/* Shared helpers for the Criterion suites (see vs_test.h). */
#include "vs_test.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
