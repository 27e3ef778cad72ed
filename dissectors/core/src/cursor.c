/* Bounds-checked cursor with a sticky status (see core.h). */
#include "vpnscope/core.h"

const char *vs_status_name(vs_status s)
{
    switch (s) {
    case VS_OK: return "ok";
    case VS_TRUNCATED: return "truncated";
    case VS_MALFORMED: return "malformed";
    }
    return "?";
}

void vs_cur_init(vs_cursor *c, const uint8_t *buf, size_t len, size_t wire_len)
{
    c->buf = buf;
    c->pos = 0;
    c->end = wire_len;
    c->cap = (wire_len != VS_LEN_UNKNOWN && wire_len < len) ? wire_len : len;
    c->status = VS_OK;
}

void vs_cur_fail(vs_cursor *c, vs_status s)
{
    if (s > c->status)
        c->status = s;
}

/* Can n bytes be read at pos? Sets the status when not. */
static bool need(vs_cursor *c, size_t n)
{
    if (c->status != VS_OK)
        return false;
    if (c->pos > c->cap) {
        /* A decoder moved the cursor past its captured end: never read. */
        c->status = VS_MALFORMED;
        return false;
    }
    if (n <= c->cap - c->pos)
        return true;
    if (c->end != VS_LEN_UNKNOWN && n > c->end - c->pos)
        c->status = VS_MALFORMED;
    else
        c->status = VS_TRUNCATED;
    return false;
}

size_t vs_cur_left(const vs_cursor *c)
{
    if (c->end == VS_LEN_UNKNOWN)
        return c->pos < c->cap ? c->cap - c->pos : 0;
    return c->pos < c->end ? c->end - c->pos : 0;
}

size_t vs_cur_avail(const vs_cursor *c) { return c->pos < c->cap ? c->cap - c->pos : 0; }
bool vs_cur_ok(const vs_cursor *c) { return c->status == VS_OK; }

bool vs_cur_at_end(const vs_cursor *c)
{
    return c->pos >= (c->end == VS_LEN_UNKNOWN ? c->cap : c->end);
}

vs_status vs_cur_sub(vs_cursor *p, size_t len, vs_cursor *ch)
{
    ch->buf = p->buf;
    ch->pos = p->pos;
    ch->status = p->status;
    if (p->end != VS_LEN_UNKNOWN && len > p->end - p->pos) {
        /* The child claims more than its parent has: contradiction. */
        p->status = VS_MALFORMED;
        ch->status = VS_MALFORMED;
        ch->end = p->end;
        ch->cap = p->cap;
        p->pos = p->cap;
        return VS_MALFORMED;
    }
    ch->end = p->pos + len;
    ch->cap = ch->end < p->cap ? ch->end : p->cap;
    /* Advance the parent; if the child runs past the capture the parent
     * is now at its captured end and the next read reports truncation. */
    p->pos = ch->cap;
    if (ch->cap < ch->end && p->status == VS_OK) {
        /* Parent keeps OK until something else is read from it; its next
         * read fails as truncated since pos == cap. Remember the gap by
         * leaving pos at cap. */
    }
    return ch->status;
}

void vs_cur_rest(vs_cursor *p, vs_cursor *ch)
{
    *ch = *p;
    p->pos = p->cap;
}

uint8_t (vs_u8)(vs_cursor *c)
{
    if (!need(c, 1))
        return 0;
    return c->buf[c->pos++];
}

uint16_t (vs_u16)(vs_cursor *c)
{
    if (!need(c, 2))
        return 0;
    const uint8_t *p = c->buf + c->pos;
    c->pos += 2;
    return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t vs_u24(vs_cursor *c)
{
    if (!need(c, 3))
        return 0;
    const uint8_t *p = c->buf + c->pos;
    c->pos += 3;
    return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

uint32_t (vs_u32)(vs_cursor *c)
{
    if (!need(c, 4))
        return 0;
    const uint8_t *p = c->buf + c->pos;
    c->pos += 4;
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

uint64_t vs_u64(vs_cursor *c)
{
    if (!need(c, 8))
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | c->buf[c->pos + (size_t)i];
    c->pos += 8;
    return v;
}

const uint8_t *(vs_bytes)(vs_cursor *c, size_t n)
{
    if (!need(c, n))
        return NULL;
    const uint8_t *p = c->buf + c->pos;
    c->pos += n;
    return p;
}

bool vs_skip(vs_cursor *c, size_t n) { return vs_bytes(c, n) != NULL; }

bool vs_peek_u8(const vs_cursor *c, size_t at, uint8_t *v)
{
    if (c->status != VS_OK || c->pos >= c->cap || at >= c->cap - c->pos)
        return false;
    *v = c->buf[c->pos + at];
    return true;
}

vs_span (vs_span_at)(size_t off, size_t len)
{
    vs_span s;
    s.off = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
    s.len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    return s;
}

uint32_t vs_inet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    /* a 64-bit accumulator folds once at the end (2^48 words before it could overflow) */
    uint64_t acc = sum;
    size_t i = 0;
    for (; i + 1 < n; i += 2)
        acc += (uint32_t)((p[i] << 8) | p[i + 1]);
    if (i < n)
        acc += (uint32_t)(p[i] << 8);
    while (acc >> 31)
        acc = (acc & 0xFFFF) + (acc >> 16);
    return (uint32_t)acc;
}

uint16_t vs_inet_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t vs_inet_cksum(const uint8_t *p, size_t n, uint32_t initial)
{
    return vs_inet_fold(vs_inet_sum(p, n, initial));
}
