/*
 * The common path of every thin dissector: hand the tvb's bytes to a core
 * decoder, render its tree, fill the columns and the statistics tap; and the
 * hand-back machinery (a preference returns a port or GRE protocol to the
 * dissector that had it before us).
 */
#include "vs_ws.h"

#include <epan/prefs.h>

const vs_tree *vs_ws_run(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, vs_ws_decode_fn fn,
                         void *out, const void *opts, proto_item **root)
{
    size_t cap, wire;
    const guint8 *buf = vs_ws_bytes(tvb, &cap, &wire);
    vs_tree *t = vs_ws_tree_new(buf, cap);
    vs_cursor c;
    vs_cur_init(&c, buf, cap, wire);
    fn(&c, t, out, opts);
    proto_item *r = vs_ws_render(t, tvb, pinfo, tree);
    if (root)
        *root = r;
    return t;
}

void vs_ws_columns(packet_info *pinfo, const char *proto_col, const vs_tree *t, vs_field_id info,
                   const char *suffix)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, proto_col);
    col_clear(pinfo->cinfo, COL_INFO);
    const char *name = info < VS_F__COUNT ? vs_ws_first_name(t, info) : NULL;
    const vs_item *it = info < VS_F__COUNT ? vs_find(t, info, 0) : NULL;
    if (name)
        col_add_str(pinfo->cinfo, COL_INFO, name);
    else if (it)
        col_add_fstr(pinfo->cinfo, COL_INFO, "%s %" G_GUINT64_FORMAT, vs_fields[info].label,
                     it->value);
    if (suffix)
        col_append_str(pinfo->cinfo, COL_INFO, suffix);
    for (size_t i = 0; i < t->n_problems; i++) {
        if (vs_problems[t->problems[i].problem].severity == VS_SEV_ERROR) {
            col_append_str(pinfo->cinfo, COL_INFO, " [");
            col_append_str(pinfo->cinfo, COL_INFO, vs_problems[t->problems[i].problem].summary);
            col_append_str(pinfo->cinfo, COL_INFO, "]");
            break;
        }
    }
}

guint32 vs_ws_consumed(const vs_tree *t, tvbuff_t *tvb)
{
    guint cap = tvb_captured_length(tvb);
    if (t->n_items && t->items[0].depth == 0 && t->items[0].span.off == 0 &&
        t->items[0].span.len > 0 && t->items[0].span.len < cap)
        return t->items[0].span.len;
    return cap;
}

void vs_ws_takeover_add(vs_ws_takeover *h, dissector_t fn, const char *name, const char *desc)
{
    h->prev = dissector_get_uint_handle(find_dissector_table(h->table), h->key);
    dissector_add_uint(h->table, h->key,
                       create_dissector_handle_with_name_and_description(fn, -1, name, desc));
}

int vs_ws_handback(const vs_ws_takeover *h, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                   void *data)
{
    if (!h->prev)
        return 0;
    return call_dissector_only(h->prev, tvb, pinfo, tree, data);
}
