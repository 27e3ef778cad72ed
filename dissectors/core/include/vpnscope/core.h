/*
 * vpnscope decoding core: cursor, spans, decoded-field tree, problems.
 *
 * libc-only C11. No printing, no global mutable state, no allocation:
 * every decoder writes into storage the caller provides.
 *
 * Offsets: every span is relative to the start of the buffer the top-level
 * cursor was created on (the PDU the caller handed in), so a plugin can
 * highlight exactly those bytes and the analyzer can cite them.
 */
#ifndef VPNSCOPE_CORE_H
#define VPNSCOPE_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vpnscope/catalogue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sticky decode status. Ordered by severity: once MALFORMED, a later
 * TRUNCATED does not downgrade it. */
typedef enum vs_status {
    VS_OK = 0,
    VS_TRUNCATED = 1, /* the capture ended before the PDU did */
    VS_MALFORMED = 2  /* a length field contradicts the packet / enclosing PDU */
} vs_status;

const char *vs_status_name(vs_status s); /* "ok", "truncated", "malformed" */

typedef struct vs_span {
    uint32_t off; /* offset inside the top-level buffer */
    uint32_t len;
} vs_span;

#define VS_LEN_UNKNOWN SIZE_MAX

/*
 * Bounds-checked cursor.
 *
 *   buf        the whole top-level buffer (captured bytes)
 *   pos        next byte to read (absolute offset in buf)
 *   end        logical end of the current PDU (from an enclosing length
 *              field); SIZE_MAX when nothing claims a length
 *   cap        captured end: min(buffer length, end)
 *
 * A read of n bytes at pos succeeds when pos + n <= cap. Otherwise nothing is
 * read, the result is zero, and the status becomes
 *   MALFORMED  when pos + n > end (the PDU's own length says the bytes are
 *              not there: a length field contradicts the layout), or
 *   TRUNCATED  when the PDU claims the bytes but the capture ended.
 * The status is sticky: after a failure every further read fails too.
 */
typedef struct vs_cursor {
    const uint8_t *buf;
    size_t pos;
    size_t end;
    size_t cap;
    vs_status status;
} vs_cursor;

/* Top-level cursor over len captured bytes; wire_len is the length the PDU
 * really had on the wire (VS_LEN_UNKNOWN, or >= len when a snaplen cut it). */
void vs_cur_init(vs_cursor *c, const uint8_t *buf, size_t len, size_t wire_len);

/* Child cursor for the next len bytes (a length-delimited sub-PDU).
 * If pos+len exceeds the parent's logical end the parent and child become
 * MALFORMED; the child then covers what is left of the parent.
 * The parent is advanced past the child's bytes (or to its end). */
vs_status vs_cur_sub(vs_cursor *parent, size_t len, vs_cursor *child);

/* Child cursor over the rest of the parent (parent advanced to its end). */
void vs_cur_rest(vs_cursor *parent, vs_cursor *child);

/* Logical remaining length (end - pos), or the captured remaining when the
 * end is unknown. */
size_t vs_cur_left(const vs_cursor *c);
/* Captured remaining (cap - pos). */
size_t vs_cur_avail(const vs_cursor *c);
bool vs_cur_ok(const vs_cursor *c);
bool vs_cur_at_end(const vs_cursor *c); /* pos == end (or cap when end unknown) */

/* Mark status explicitly (for semantic contradictions found by a decoder). */
void vs_cur_fail(vs_cursor *c, vs_status s);

uint8_t vs_u8(vs_cursor *c);
uint16_t vs_u16(vs_cursor *c);   /* network byte order */
uint32_t vs_u24(vs_cursor *c);
uint32_t vs_u32(vs_cursor *c);
uint64_t vs_u64(vs_cursor *c);
/* Skip n bytes; returns a pointer to them (NULL on failure). */
const uint8_t *vs_bytes(vs_cursor *c, size_t n);
bool vs_skip(vs_cursor *c, size_t n);
/* Peek without consuming (no status change on failure; returns false). */
bool vs_peek_u8(const vs_cursor *c, size_t at, uint8_t *v);

/* Span of the n bytes starting at pos (clamped to 32 bits). */
vs_span vs_span_at(size_t off, size_t len);

/* ---------------------------------------------------------------------- */
/* Decoded-field tree.
 *
 * Decoders append items in document order. depth 0 is a protocol root.
 * An item opens a subtree for the items that follow it with a greater depth.
 * Integer items carry their value; byte/address/string items point at their
 * bytes through the span. Masked (bit) fields have the span of their
 * container bytes and value = (raw & mask) >> shift.
 */
enum {
    VS_IF_GENERATED = 1u << 0, /* computed, not on the wire (shown [..] in Wireshark) */
    VS_IF_HIDDEN = 1u << 1
};

typedef struct vs_item {
    uint16_t field; /* vs_field_id */
    uint8_t depth;
    uint8_t flags;
    vs_span span;
    uint64_t value;
} vs_item;

typedef struct vs_problem_rec {
    uint16_t problem; /* vs_problem_id */
    uint16_t item;    /* index of the item it is attached to, or VS_NO_ITEM */
    vs_span span;
    uint64_t detail;  /* problem-specific number (e.g. the bad value) */
} vs_problem_rec;

#define VS_NO_ITEM 0xFFFFu

typedef struct vs_tree {
    const uint8_t *buf; /* the top-level buffer spans refer to */
    vs_item *items;
    size_t items_cap;
    size_t n_items;
    vs_problem_rec *problems;
    size_t problems_cap;
    size_t n_problems;
    uint8_t depth;      /* current depth for new items */
    bool overflow;      /* an item or problem did not fit */
} vs_tree;

void vs_tree_init(vs_tree *t, const uint8_t *buf, vs_item *items, size_t items_cap,
                  vs_problem_rec *problems, size_t problems_cap);
void vs_tree_reset(vs_tree *t);

/* Append an item at the current depth. t may be NULL (typed decode only).
 * Returns the item index or VS_NO_ITEM. */
uint16_t vs_add(vs_tree *t, vs_field_id f, vs_span sp, uint64_t value);
uint16_t vs_add_gen(vs_tree *t, vs_field_id f, vs_span sp, uint64_t value);
/* Open a subtree under a newly added item; close returns to the previous depth. */
uint16_t vs_open(vs_tree *t, vs_field_id f, vs_span sp, uint64_t value);
void vs_close(vs_tree *t);
/* Fix up the span length of an item (e.g. a subtree whose length is known
 * only after decoding its content). */
void vs_set_len(vs_tree *t, uint16_t item, size_t end_off);
void vs_set_value(vs_tree *t, uint16_t item, uint64_t value);

/* Report a problem attached to an item (VS_NO_ITEM for the last item). */
void vs_problem(vs_tree *t, vs_problem_id p, uint16_t item, vs_span sp, uint64_t detail);

/* Convenience readers that read and add an item in one step.
 * They add nothing when the read fails. */
uint8_t vs_rd_u8(vs_cursor *c, vs_tree *t, vs_field_id f);
uint16_t vs_rd_u16(vs_cursor *c, vs_tree *t, vs_field_id f);
uint32_t vs_rd_u24(vs_cursor *c, vs_tree *t, vs_field_id f);
uint32_t vs_rd_u32(vs_cursor *c, vs_tree *t, vs_field_id f);
uint64_t vs_rd_u64(vs_cursor *c, vs_tree *t, vs_field_id f);
/* Bytes / address / string field of n bytes; returns pointer or NULL. */
const uint8_t *vs_rd_bytes(vs_cursor *c, vs_tree *t, vs_field_id f, size_t n);
/* Masked sub-field of the byte(s) at an already read span. */
uint16_t vs_add_bits(vs_tree *t, vs_field_id f, vs_span container, uint64_t raw);

/* Lookups in a finished tree. */
const vs_item *vs_find(const vs_tree *t, vs_field_id f, size_t from);
size_t vs_count(const vs_tree *t, vs_field_id f);

/* Record the cursor's failure as a problem (<proto>.truncated/malformed)
 * at the cursor's position. */
void vs_report_status(vs_tree *t, const vs_cursor *c, vs_problem_id truncated,
                      vs_problem_id malformed);

/* Internet checksum (RFC 1071) over a byte range, with an initial sum. */
uint16_t vs_inet_cksum(const uint8_t *p, size_t n, uint32_t initial);
uint32_t vs_inet_sum(const uint8_t *p, size_t n, uint32_t sum);
uint16_t vs_inet_fold(uint32_t sum);

/* ---------------------------------------------------------------------- */
/* Inline fast paths (perf: the analyzer decodes every packet with t == NULL,
 * where most of these calls did nothing but return). Each one does the
 * common case in line and otherwise calls the function itself, which the
 * parentheses in (vs_u8)(c) name without the macro; the definitions in
 * cursor.c and tree.c are written the same way. Behaviour is unchanged. */
static inline int vs__can_read(const vs_cursor *c, size_t n)
{
    return c->status == VS_OK && c->pos <= c->cap && n <= c->cap - c->pos;
}
static inline uint8_t vs__u8(vs_cursor *c)
{
    if (vs__can_read(c, 1))
        return c->buf[c->pos++];
    return (vs_u8)(c);
}
static inline uint16_t vs__u16(vs_cursor *c)
{
    if (vs__can_read(c, 2)) {
        const uint8_t *p = c->buf + c->pos;
        c->pos += 2;
        return (uint16_t)((p[0] << 8) | p[1]);
    }
    return (vs_u16)(c);
}
static inline uint32_t vs__u32(vs_cursor *c)
{
    if (vs__can_read(c, 4)) {
        const uint8_t *p = c->buf + c->pos;
        c->pos += 4;
        return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    }
    return (vs_u32)(c);
}
static inline const uint8_t *vs__bytes(vs_cursor *c, size_t n)
{
    if (vs__can_read(c, n)) {
        const uint8_t *p = c->buf + c->pos;
        c->pos += n;
        return p;
    }
    return (vs_bytes)(c, n);
}
static inline vs_span vs__span_at(size_t off, size_t len)
{
    vs_span s;
    s.off = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
    s.len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    return s;
}
#define vs_u8(c) vs__u8(c)
#define vs_u16(c) vs__u16(c)
#define vs_u32(c) vs__u32(c)
#define vs_bytes(c, n) vs__bytes((c), (n))
#define vs_span_at(off, len) vs__span_at((off), (len))
/* with no tree: nothing to add (the read still happens) */
static inline uint16_t vs__add(vs_tree *t, vs_field_id f, vs_span sp, uint64_t v)
{
    return t ? (vs_add)(t, f, sp, v) : (uint16_t)VS_NO_ITEM;
}
static inline uint16_t vs__add_gen(vs_tree *t, vs_field_id f, vs_span sp, uint64_t v)
{
    return t ? (vs_add_gen)(t, f, sp, v) : (uint16_t)VS_NO_ITEM;
}
static inline uint16_t vs__add_bits(vs_tree *t, vs_field_id f, vs_span sp, uint64_t v)
{
    return t ? (vs_add_bits)(t, f, sp, v) : (uint16_t)VS_NO_ITEM;
}
static inline uint16_t vs__open(vs_tree *t, vs_field_id f, vs_span sp, uint64_t v)
{
    return t ? (vs_open)(t, f, sp, v) : (uint16_t)VS_NO_ITEM;
}
static inline void vs__close(vs_tree *t)
{
    if (t)
        (vs_close)(t);
}
static inline void vs__problem(vs_tree *t, vs_problem_id p, uint16_t item, vs_span sp, uint64_t d)
{
    if (t)
        (vs_problem)(t, p, item, sp, d);
}
static inline uint8_t vs__rd_u8(vs_cursor *c, vs_tree *t, vs_field_id f)
{
    return t ? (vs_rd_u8)(c, t, f) : vs__u8(c);
}
static inline uint16_t vs__rd_u16(vs_cursor *c, vs_tree *t, vs_field_id f)
{
    return t ? (vs_rd_u16)(c, t, f) : vs__u16(c);
}
static inline uint32_t vs__rd_u32(vs_cursor *c, vs_tree *t, vs_field_id f)
{
    return t ? (vs_rd_u32)(c, t, f) : vs__u32(c);
}
static inline const uint8_t *vs__rd_bytes(vs_cursor *c, vs_tree *t, vs_field_id f, size_t n)
{
    return t ? (vs_rd_bytes)(c, t, f, n) : vs__bytes(c, n);
}
#define vs_add(t, f, sp, v) vs__add((t), (f), (sp), (v))
#define vs_add_gen(t, f, sp, v) vs__add_gen((t), (f), (sp), (v))
#define vs_add_bits(t, f, sp, v) vs__add_bits((t), (f), (sp), (v))
#define vs_open(t, f, sp, v) vs__open((t), (f), (sp), (v))
#define vs_close(t) vs__close(t)
#define vs_problem(t, p, item, sp, d) vs__problem((t), (p), (item), (sp), (d))
#define vs_rd_u8(c, t, f) vs__rd_u8((c), (t), (f))
#define vs_rd_u16(c, t, f) vs__rd_u16((c), (t), (f))
#define vs_rd_u32(c, t, f) vs__rd_u32((c), (t), (f))
#define vs_rd_bytes(c, t, f, n) vs__rd_bytes((c), (t), (f), (n))

#ifdef __cplusplus
}
#endif
#endif
