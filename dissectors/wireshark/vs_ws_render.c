/*
 * The generic renderer: a finished vs_tree (flat items with depth, field,
 * span, value; plus problems) becomes proto items at exactly the recorded
 * spans. Integer values come from the core, never from the tvb; byte,
 * address and string items show the bytes of their span, which is what the
 * core defines them to be.
 */
#include "vs_ws.h"

#include <inttypes.h>

const guint8 *vs_ws_bytes(tvbuff_t *tvb, size_t *caplen, size_t *wirelen)
{
    guint n = tvb_captured_length(tvb);
    *caplen = n;
    *wirelen = tvb_reported_length(tvb);
    if (*wirelen < n)
        *wirelen = n;
    return n ? tvb_get_ptr(tvb, 0, n) : (const guint8 *)"";
}

vs_tree *vs_ws_tree_new(const guint8 *buf, size_t len)
{
    /* Generous: a field per two bytes, plus headroom for generated items. */
    size_t n_items = len / 2 + 128, n_problems = len / 8 + 32;
    if (n_items > VS_NO_ITEM - 1)
        n_items = VS_NO_ITEM - 1;
    vs_tree *t = wmem_new0(wmem_packet_scope(), vs_tree);
    vs_item *items = wmem_alloc_array(wmem_packet_scope(), vs_item, n_items);
    vs_problem_rec *probs = wmem_alloc_array(wmem_packet_scope(), vs_problem_rec, n_problems);
    vs_tree_init(t, buf, items, n_items, probs, n_problems);
    return t;
}

const char *vs_ws_first_name(const vs_tree *t, vs_field_id f)
{
    const vs_item *it = vs_find(t, f, 0);
    if (!it)
        return NULL;
    return vs_val_name(vs_fields[f].vals, (uint32_t)it->value);
}

/* The part of a span the tvb holds (spans past the capture are cut). */
static void clamp(tvbuff_t *tvb, vs_span sp, gint *off, gint *len)
{
    guint cap = tvb_captured_length(tvb);
    guint o = sp.off > cap ? cap : sp.off;
    guint l = sp.len > cap - o ? cap - o : sp.len;
    *off = (gint)o;
    *len = (gint)l;
}

static proto_item *add_one(proto_tree *parent, const vs_item *it, tvbuff_t *tvb)
{
    const vs_field_info *f = &vs_fields[it->field];
    int hf = vs_ws_hf[it->field];
    gint off, len;
    clamp(tvb, it->span, &off, &len);
    unsigned shift = vs_mask_shift(f->mask);
    switch (f->type) {
    case VS_FT_PROTOCOL:
        return proto_tree_add_item(parent, hf, tvb, off, len, ENC_NA);
    case VS_FT_NONE: {
        const char *name = vs_val_name(f->vals, (uint32_t)it->value);
        if (name)
            return proto_tree_add_none_format(parent, hf, tvb, off, len, "%s: %s (%" PRIu64 ")",
                                              f->label, name, it->value);
        return proto_tree_add_item(parent, hf, tvb, off, len, ENC_NA);
    }
    case VS_FT_U8:
    case VS_FT_U16:
    case VS_FT_U24:
    case VS_FT_U32:
        return proto_tree_add_uint(parent, hf, tvb, off, len, (guint32)(it->value << shift));
    case VS_FT_U64:
        return proto_tree_add_uint64(parent, hf, tvb, off, len, it->value << shift);
    case VS_FT_FRAMENUM:
        return proto_tree_add_uint(parent, hf, tvb, 0, 0, (guint32)it->value);
    case VS_FT_RELTIME: {
        nstime_t ns;
        ns.secs = (time_t)(it->value / 1000000000u);
        ns.nsecs = (int)(it->value % 1000000000u);
        return proto_tree_add_time(parent, hf, tvb, 0, 0, &ns);
    }
    case VS_FT_BOOL:
        return proto_tree_add_boolean(parent, hf, tvb, off, len,
                                      (guint32)((it->value ? 1u : 0u) << shift));
    case VS_FT_IPV4:
        if (len != 4 && it->span.len == 0)
            return proto_tree_add_ipv4(parent, hf, tvb, off, 0, g_htonl((guint32)it->value));
        return proto_tree_add_item(parent, hf, tvb, off, len, ENC_BIG_ENDIAN);
    case VS_FT_STRING:
        return proto_tree_add_item(parent, hf, tvb, off, len, ENC_ASCII | ENC_NA);
    case VS_FT_IPV6:
    case VS_FT_BYTES:
        return proto_tree_add_item(parent, hf, tvb, off, len, ENC_NA);
    }
    return NULL;
}

/* Where a problem goes: under the item it is attached to (the item becomes
 * a subtree if it was not one), else at the top of the tree. */
static void add_problem(const vs_tree *t, const vs_problem_rec *r, proto_item **pis,
                        tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    if (r->problem >= VS_P__COUNT)
        return;
    proto_tree *where = tree;
    if (r->item != VS_NO_ITEM && r->item < t->n_items && pis[r->item])
        where = proto_item_add_subtree(pis[r->item], vs_ws_ett[t->items[r->item].field]);
    gint off, len;
    clamp(tvb, r->span, &off, &len);
    const vs_problem_info *p = &vs_problems[r->problem];
    if (r->detail)
        proto_tree_add_expert_format(where, pinfo, &vs_ws_ei[r->problem], tvb, off, len,
                                     "%s (value %" PRIu64 ")", p->summary, r->detail);
    else
        proto_tree_add_expert(where, pinfo, &vs_ws_ei[r->problem], tvb, off, len);
}

proto_item *vs_ws_render(const vs_tree *t, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    proto_item **pis = wmem_alloc0_array(wmem_packet_scope(), proto_item *, t->n_items + 1);
    /* Per depth: the last item added there, its field, and the subtree
     * opened under it (created when the first deeper item arrives). */
    proto_item *last[257] = {0};
    uint16_t last_field[257] = {0};
    proto_tree *sub[258] = {0};
    proto_item *root = NULL;
    unsigned maxd = 0;

    for (size_t i = 0; i < t->n_items; i++) {
        const vs_item *it = &t->items[i];
        if (it->field >= VS_F__COUNT)
            continue;
        unsigned d = it->depth;
        proto_tree *parent = tree;
        for (unsigned k = d; k > 0; k--) {
            if (sub[k]) {
                parent = sub[k];
                break;
            }
            if (last[k - 1]) {
                sub[k] = proto_item_add_subtree(last[k - 1], vs_ws_ett[last_field[k - 1]]);
                parent = sub[k];
                break;
            }
        }
        proto_item *pi = add_one(parent, it, tvb);
        if (pi) {
            if (it->flags & VS_IF_GENERATED)
                proto_item_set_generated(pi);
            if (it->flags & VS_IF_HIDDEN)
                proto_item_set_hidden(pi);
        }
        pis[i] = pi;
        last[d] = pi;
        last_field[d] = it->field;
        /* Everything deeper belonged to the previous item at this depth. */
        for (unsigned k = d + 1; k <= maxd + 1; k++) {
            sub[k] = NULL;
            if (k < 257)
                last[k] = NULL;
        }
        if (d > maxd)
            maxd = d;
        if (d == 0 && !root)
            root = pi;
    }
    for (size_t i = 0; i < t->n_problems; i++)
        add_problem(t, &t->problems[i], pis, tvb, pinfo, tree);
    return root;
}
