/* Decoded-field tree and problem list (see core.h). */
#include "vpnscope/core.h"

#include <string.h>

void vs_tree_init(vs_tree *t, const uint8_t *buf, vs_item *items, size_t items_cap,
                  vs_problem_rec *problems, size_t problems_cap)
{
    t->buf = buf;
    t->items = items;
    t->items_cap = items_cap > VS_NO_ITEM ? VS_NO_ITEM : items_cap;
    t->problems = problems;
    t->problems_cap = problems_cap;
    vs_tree_reset(t);
}

void vs_tree_reset(vs_tree *t)
{
    t->n_items = 0;
    t->n_problems = 0;
    t->depth = 0;
    t->overflow = false;
}

static uint16_t add(vs_tree *t, vs_field_id f, vs_span sp, uint64_t value, uint8_t flags)
{
    if (!t)
        return VS_NO_ITEM;
    if (t->n_items >= t->items_cap) {
        if (!t->overflow) {
            t->overflow = true;
            (vs_problem)(t, VS_P_CORE_ITEMS_FULL, VS_NO_ITEM, sp, t->items_cap);
        }
        return VS_NO_ITEM;
    }
    vs_item *it = &t->items[t->n_items];
    it->field = (uint16_t)f;
    it->depth = t->depth;
    it->flags = flags;
    it->span = sp;
    it->value = value;
    return (uint16_t)t->n_items++;
}

uint16_t (vs_add)(vs_tree *t, vs_field_id f, vs_span sp, uint64_t value)
{
    return add(t, f, sp, value, 0);
}

uint16_t (vs_add_gen)(vs_tree *t, vs_field_id f, vs_span sp, uint64_t value)
{
    return add(t, f, sp, value, VS_IF_GENERATED);
}

uint16_t (vs_open)(vs_tree *t, vs_field_id f, vs_span sp, uint64_t value)
{
    uint16_t i = add(t, f, sp, value, 0);
    if (t && t->depth < 255)
        t->depth++;
    return i;
}

void (vs_close)(vs_tree *t)
{
    if (t && t->depth > 0)
        t->depth--;
}

void vs_set_len(vs_tree *t, uint16_t item, size_t end_off)
{
    if (!t || item == VS_NO_ITEM || item >= t->n_items)
        return;
    vs_item *it = &t->items[item];
    if (end_off >= it->span.off)
        it->span.len = (uint32_t)(end_off - it->span.off);
}

void vs_set_value(vs_tree *t, uint16_t item, uint64_t value)
{
    if (!t || item == VS_NO_ITEM || item >= t->n_items)
        return;
    t->items[item].value = value;
}

void (vs_problem)(vs_tree *t, vs_problem_id p, uint16_t item, vs_span sp, uint64_t detail)
{
    if (!t)
        return;
    if (t->n_problems >= t->problems_cap) {
        t->overflow = true;
        return;
    }
    if (item == VS_NO_ITEM && t->n_items > 0)
        item = (uint16_t)(t->n_items - 1);
    vs_problem_rec *r = &t->problems[t->n_problems++];
    r->problem = (uint16_t)p;
    r->item = item;
    r->span = sp;
    r->detail = detail;
}

static vs_span here(const vs_cursor *c, size_t n) { return vs_span_at(c->pos, n); }

uint8_t (vs_rd_u8)(vs_cursor *c, vs_tree *t, vs_field_id f)
{
    vs_span sp = here(c, 1);
    uint8_t v = vs_u8(c);
    if (c->status == VS_OK)
        (vs_add)(t, f, sp, v);
    return v;
}

uint16_t (vs_rd_u16)(vs_cursor *c, vs_tree *t, vs_field_id f)
{
    vs_span sp = here(c, 2);
    uint16_t v = vs_u16(c);
    if (c->status == VS_OK)
        (vs_add)(t, f, sp, v);
    return v;
}

uint32_t vs_rd_u24(vs_cursor *c, vs_tree *t, vs_field_id f)
{
    vs_span sp = here(c, 3);
    uint32_t v = vs_u24(c);
    if (c->status == VS_OK)
        (vs_add)(t, f, sp, v);
    return v;
}

uint32_t (vs_rd_u32)(vs_cursor *c, vs_tree *t, vs_field_id f)
{
    vs_span sp = here(c, 4);
    uint32_t v = vs_u32(c);
    if (c->status == VS_OK)
        (vs_add)(t, f, sp, v);
    return v;
}

uint64_t vs_rd_u64(vs_cursor *c, vs_tree *t, vs_field_id f)
{
    vs_span sp = here(c, 8);
    uint64_t v = vs_u64(c);
    if (c->status == VS_OK)
        (vs_add)(t, f, sp, v);
    return v;
}

const uint8_t *(vs_rd_bytes)(vs_cursor *c, vs_tree *t, vs_field_id f, size_t n)
{
    vs_span sp = here(c, n);
    const uint8_t *p = vs_bytes(c, n);
    if (p)
        (vs_add)(t, f, sp, n);
    return p;
}

uint16_t (vs_add_bits)(vs_tree *t, vs_field_id f, vs_span container, uint64_t raw)
{
    if (!t) /* typed decode only: nothing to compute (the analyzer's hot path) */
        return VS_NO_ITEM;
    uint32_t mask = vs_fields[f].mask;
    uint64_t v = mask ? (raw & mask) >> vs_mask_shift(mask) : raw;
    return (vs_add)(t, f, container, v);
}

const vs_item *vs_find(const vs_tree *t, vs_field_id f, size_t from)
{
    for (size_t i = from; i < t->n_items; i++)
        if (t->items[i].field == f)
            return &t->items[i];
    return NULL;
}

size_t vs_count(const vs_tree *t, vs_field_id f)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_items; i++)
        n += t->items[i].field == f;
    return n;
}

void vs_report_status(vs_tree *t, const vs_cursor *c, vs_problem_id truncated,
                      vs_problem_id malformed)
{
    if (c->status == VS_TRUNCATED)
        (vs_problem)(t, truncated, VS_NO_ITEM, vs_span_at(c->pos, 0), c->pos);
    else if (c->status == VS_MALFORMED)
        (vs_problem)(t, malformed, VS_NO_ITEM, vs_span_at(c->pos, 0), c->pos);
}
