/*
 * Registration generated from the core catalogue: one Wireshark protocol per
 * VS_PROTO, one hf per VS_FIELD, one subtree type per field, one expert info
 * per VS_PROBLEM. Nothing here names a protocol: a decoder that adds
 * catalogue entries gets its filter fields without touching the plugin.
 */
#include "vs_ws.h"

#include <string.h>

#include <epan/prefs.h>

int vs_ws_hf[VS_F__COUNT];
gint vs_ws_ett[VS_F__COUNT];
expert_field vs_ws_ei[VS_P__COUNT];
int vs_ws_proto_root = -1;

static module_t *root_prefs;

int vs_ws_proto(vs_field_id f)
{
    if ((int)f < 0 || f >= VS_F__COUNT || vs_fields[f].type != VS_FT_PROTOCOL)
        return -1;
    return vs_ws_hf[f];
}

module_t *vs_ws_prefs(void)
{
    return root_prefs;
}

/* The catalogue protocol that owns a dotted name: the longest protocol name
 * that is a prefix followed by '.'; the umbrella protocol otherwise
 * (vpnscope.core.*). */
static int owner_of(const char *name)
{
    int best = vs_ws_proto_root;
    size_t best_len = 0;
    for (int i = 0; i < VS_F__COUNT; i++) {
        if (vs_fields[i].type != VS_FT_PROTOCOL)
            continue;
        size_t n = strlen(vs_fields[i].name);
        if (n > best_len && strncmp(name, vs_fields[i].name, n) == 0 && name[n] == '.') {
            best = vs_ws_hf[i];
            best_len = n;
        }
    }
    return best;
}

static enum ftenum ft_of(vs_ftype t)
{
    switch (t) {
    case VS_FT_PROTOCOL: return FT_PROTOCOL;
    case VS_FT_NONE: return FT_NONE;
    case VS_FT_U8: return FT_UINT8;
    case VS_FT_U16: return FT_UINT16;
    case VS_FT_U24: return FT_UINT24;
    case VS_FT_U32: return FT_UINT32;
    case VS_FT_U64: return FT_UINT64;
    case VS_FT_BOOL: return FT_BOOLEAN;
    case VS_FT_BYTES: return FT_BYTES;
    case VS_FT_IPV4: return FT_IPv4;
    case VS_FT_IPV6: return FT_IPv6;
    case VS_FT_STRING: return FT_STRING;
    case VS_FT_FRAMENUM: return FT_FRAMENUM;
    case VS_FT_RELTIME: return FT_RELATIVE_TIME;
    }
    return FT_BYTES;
}

static bool is_uint(vs_ftype t)
{
    return t == VS_FT_U8 || t == VS_FT_U16 || t == VS_FT_U24 || t == VS_FT_U32 || t == VS_FT_U64;
}

static int width_bits(vs_ftype t)
{
    switch (t) {
    case VS_FT_U8: return 8;
    case VS_FT_U16: return 16;
    case VS_FT_U24: return 24;
    case VS_FT_U32: return 32;
    case VS_FT_U64: return 64;
    default: return 0;
    }
}

static int mask_bits(uint32_t mask)
{
    return mask > 0xFFFFFFu ? 32 : mask > 0xFFFFu ? 24 : mask > 0xFFu ? 16 : 8;
}

/* A flag bit's container width is not in the catalogue; it is the width of
 * the nearest unmasked integer field declared before it (the flags field the
 * bits belong to), or the smallest width holding the mask. */
static int bool_container_bits(int i)
{
    int need = mask_bits(vs_fields[i].mask);
    for (int j = i - 1; j >= 0; j--) {
        if (vs_fields[j].type == VS_FT_PROTOCOL)
            break;
        if (is_uint(vs_fields[j].type) && vs_fields[j].mask == 0) {
            int w = width_bits(vs_fields[j].type);
            return w >= need && w <= 32 ? w : need;
        }
    }
    return need;
}

static int display_of(int i)
{
    const vs_field_info *f = &vs_fields[i];
    if (f->type == VS_FT_BOOL)
        return f->mask ? bool_container_bits(i) : BASE_NONE;
    if (!is_uint(f->type))
        return BASE_NONE;
    switch (f->base) {
    case VS_B_HEX: return BASE_HEX;
    case VS_B_DEC_HEX: return BASE_DEC_HEX;
    case VS_B_HEX_DEC: return BASE_HEX_DEC;
    case VS_B_NONE:
    case VS_B_DEC: break;
    }
    return BASE_DEC;
}

static bool has_vals(const vs_val *v)
{
    return v && v != vs_vals_none && v[0].name;
}

/* vs_val tables become range_strings (Wireshark keeps the pointer). */
static const range_string *rs_of(const vs_val *v)
{
    size_t n = 0;
    while (v[n].name)
        n++;
    range_string *rs = g_new0(range_string, n + 1);
    for (size_t k = 0; k < n; k++) {
        rs[k].value_min = v[k].lo;
        rs[k].value_max = v[k].hi;
        rs[k].strptr = v[k].name;
    }
    return rs;
}

static const true_false_string *tfs_of(const vs_val *v)
{
    const char *t = vs_val_name(v, 1), *f = vs_val_name(v, 0);
    if (!t && !f)
        return NULL;
    true_false_string *tfs = g_new0(true_false_string, 1);
    tfs->true_string = t ? t : "True";
    tfs->false_string = f ? f : "False";
    return tfs;
}

static int pi_group(vs_pgroup g)
{
    switch (g) {
    case VS_G_MALFORMED: return PI_MALFORMED;
    case VS_G_PROTOCOL: return PI_PROTOCOL;
    case VS_G_CHECKSUM: return PI_CHECKSUM;
    case VS_G_SEQUENCE: return PI_SEQUENCE;
    case VS_G_UNDECODED: return PI_UNDECODED;
    case VS_G_SECURITY: return PI_SECURITY;
    case VS_G_RESPONSE_CODE: return PI_RESPONSE_CODE;
    case VS_G_REQUEST_CODE: return PI_REQUEST_CODE;
    case VS_G_REASSEMBLE: return PI_REASSEMBLE;
    case VS_G_COMMENT: return PI_COMMENTS_GROUP;
    }
    return PI_PROTOCOL;
}

static int pi_severity(vs_severity s)
{
    switch (s) {
    case VS_SEV_CHAT: return PI_CHAT;
    case VS_SEV_NOTE: return PI_NOTE;
    case VS_SEV_WARN: return PI_WARN;
    case VS_SEV_ERROR: return PI_ERROR;
    }
    return PI_WARN;
}

void vs_ws_register_catalogue(void)
{
    vs_ws_proto_root = proto_register_protocol("vpnscope (IPsec, GRE, DMVPN and GETVPN toolkit)",
                                               "vpnscope", "vpnscope");
    root_prefs = prefs_register_protocol(vs_ws_proto_root, NULL);

    /* Protocols first: fields find their owner by name prefix. */
    for (int i = 0; i < VS_F__COUNT; i++) {
        vs_ws_hf[i] = -1;
        vs_ws_ett[i] = -1;
        if (vs_fields[i].type == VS_FT_PROTOCOL)
            vs_ws_hf[i] = proto_register_protocol(vs_fields[i].label, vs_fields[i].desc,
                                                  vs_fields[i].name);
    }

    /* Wireshark keeps pointers into these arrays: allocate once, never free. */
    hf_register_info *hf = g_new0(hf_register_info, VS_F__COUNT);
    gint **ett = g_new0(gint *, VS_F__COUNT);
    for (int i = 0; i < VS_F__COUNT; i++) {
        const vs_field_info *f = &vs_fields[i];
        ett[i] = &vs_ws_ett[i];
        if (f->type == VS_FT_PROTOCOL)
            continue;
        header_field_info *h = &hf[i].hfinfo;
        hf[i].p_id = &vs_ws_hf[i];
        h->name = f->label;
        h->abbrev = f->name;
        h->type = ft_of(f->type);
        h->display = display_of(i);
        h->bitmask = f->type == VS_FT_BOOL || is_uint(f->type) ? f->mask : 0;
        h->blurb = f->desc && f->desc[0] ? f->desc : NULL;
        if (has_vals(f->vals)) {
            if (f->type == VS_FT_BOOL) {
                h->strings = tfs_of(f->vals);
            } else if (is_uint(f->type) && f->type != VS_FT_U64) {
                h->strings = rs_of(f->vals);
                h->display |= BASE_RANGE_STRING;
            }
        }
        h->id = -1;
        h->parent = 0;
        h->ref_type = HF_REF_TYPE_NONE;
        h->same_name_prev_id = -1;
        h->same_name_next = NULL;
        proto_register_field_array(owner_of(f->name), &hf[i], 1);
    }
    proto_register_subtree_array(ett, VS_F__COUNT);

    /* Expert infos, one module per owning protocol. */
    ei_register_info *ei = g_new0(ei_register_info, VS_P__COUNT ? VS_P__COUNT : 1);
    GHashTable *modules = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (int i = 0; i < VS_P__COUNT; i++) {
        const vs_problem_info *p = &vs_problems[i];
        int owner = owner_of(p->name);
        expert_module_t *m = g_hash_table_lookup(modules, GINT_TO_POINTER(owner));
        if (!m) {
            m = expert_register_protocol(owner);
            g_hash_table_insert(modules, GINT_TO_POINTER(owner), m);
        }
        ei[i].ids = &vs_ws_ei[i];
        ei[i].eiinfo.name = p->name;
        ei[i].eiinfo.group = pi_group(p->group);
        ei[i].eiinfo.severity = pi_severity(p->severity);
        ei[i].eiinfo.summary = p->summary;
        ei[i].eiinfo.hf_info.hfinfo.type = FT_NONE;
        ei[i].eiinfo.hf_info.hfinfo.id = -1;
        ei[i].eiinfo.hf_info.hfinfo.ref_type = HF_REF_TYPE_NONE;
        ei[i].eiinfo.hf_info.hfinfo.same_name_prev_id = -1;
        expert_register_field_array(m, &ei[i], 1);
    }
    g_hash_table_destroy(modules);
}
