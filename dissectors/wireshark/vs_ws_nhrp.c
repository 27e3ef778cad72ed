/*
 * vpnscope.nhrp on GRE protocol 0x2001 (and IP protocol 54). gre.proto has
 * no Decode As, so the handle GRE had before us (the built-in NHRP) is kept
 * and a preference chains to it.
 */
#include "vs_ws.h"

#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <wsutil/inet_addr.h>

#if __has_include("vpnscope/nhrp.h")
#include "vpnscope/nhrp.h"
#define VS_HAVE_NHRP 1
#endif

#ifdef VS_HAVE_NHRP
static vs_ws_takeover to_gre = {"gre.proto", 0x2001, NULL, FALSE};
static vs_ws_takeover to_ip = {"ip.proto", 54, NULL, FALSE};
static dissector_handle_t h_nhrp;
static gboolean nhrp_handback;
static gint nhrp_auth = VS_NHRP_AUTH_AUTO;
static vs_field_id f_op_type = VS_F__COUNT, f_cie_code = VS_F__COUNT, f_err_code = VS_F__COUNT;

/* An address the core located, as text (IPv4/IPv6, else hex). */
static const char *addr_str(packet_info *pinfo, const guint8 *buf, const vs_nhrp_addr *a)
{
    if (!a->span.len)
        return "-";
    const guint8 *p = buf + a->span.off;
    if (a->family == VS_NHRP_AF_IPV4 && a->span.len == 4)
        return wmem_strdup_printf(pinfo->pool, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
    if (a->family == VS_NHRP_AF_IPV6 && a->span.len == 16) {
        char s[64];
        return wmem_strdup(pinfo->pool, ws_inet_ntop6(p, s, sizeof s));
    }
    return bytes_to_str(pinfo->pool, p, a->span.len);
}

static const char *name_or(vs_field_id f, uint32_t v, packet_info *pinfo)
{
    const char *n = f < VS_F__COUNT ? vs_val_name(vs_fields[f].vals, v) : NULL;
    return n ? n : wmem_strdup_printf(pinfo->pool, "%u", v);
}

/* Registration table rows (vs_ws_stats.c), keyed by the client's tunnel
 * address: its requests (with the NBMA address it claimed), the replies'
 * CIE codes, and error indications sent back to it. */
static void tap_registration(packet_info *pinfo, const guint8 *buf, const vs_nhrp_msg *m,
                             double response_ms)
{
    if (!m->has_mand)
        return;
    const vs_nhrp_addr *proto = &m->src_proto;
    const char *outcome;
    switch (m->type) {
    case 3:
        outcome = wmem_strdup_printf(pinfo->pool, "Registration Request from NBMA %s",
                                     addr_str(pinfo, buf, &m->src_nbma));
        break;
    case 4: {
        const vs_nhrp_cie *cie = NULL;
        for (size_t i = 0; i < m->n_cies && !cie; i++)
            if (m->cies[i].ext == VS_NHRP_IN_MAND)
                cie = &m->cies[i];
        outcome = wmem_strdup_printf(pinfo->pool, "Registration Reply: %s",
                                     cie ? name_or(f_cie_code, cie->code, pinfo) : "no CIE");
        break;
    }
    case 7:
        proto = &m->dst_proto; /* the error goes back to the packet's source */
        outcome = wmem_strdup_printf(pinfo->pool, "Error Indication: %s",
                                     name_or(f_err_code, m->error_code, pinfo));
        break;
    default:
        return;
    }
    const char *client = addr_str(pinfo, buf, proto);
    vs_ws_tap_nhrp_reg(pinfo, client, outcome, m->type == 4 ? response_ms : -1.0);
}

/* ---- request/reply matching ----
 * A request is identified by its class (resolution 1/2, registration 3/4,
 * purge 5/6), request ID, source NBMA address and source protocol address:
 * the requester numbers its own requests and the reply copies these fields
 * (RFC 2332 section 5.2). Not the destination protocol address: registration
 * replies from IOS and Linux NHS put the server's address there while the
 * request carried the client's own (samples/dmvpn-phase1). Matching runs on the first pass only; each frame keeps
 * its transaction (file scope), so later passes (tshark -2, the GUI) show
 * the links both ways and can tell a request that was never answered. A
 * request seen again before its reply (a retransmission, or the copy a hub
 * forwards in DMVPN phase 2/3) joins the open transaction; a reply seen
 * again (forwarded by the hub) links to the same request. An Error
 * Indication answers the request it carries (its type and request ID) sent
 * by its destination protocol address: it has no source NBMA address of the
 * request, so a second map keyed without it finds the transaction. */
typedef struct nhrp_txn {
    guint32 req_frame, rep_frame;
    nstime_t req_time;
    gboolean no_reply_expected; /* purge with the N flag */
} nhrp_txn;

typedef struct nhrp_pdata {
    nhrp_txn *txn;   /* NULL: a reply without a request */
    gboolean is_req;
    nstime_t delta;  /* reply: time since the request */
} nhrp_pdata;

static int proto_nhrp = -1;
static wmem_map_t *txns;    /* key string -> nhrp_txn, file scope */
static wmem_map_t *by_proto; /* class/request ID/source protocol address -> latest nhrp_txn */

static void key_addr(GString *k, const guint8 *buf, const vs_nhrp_addr *a)
{
    g_string_append_c(k, '/');
    for (guint32 i = 0; i < a->span.len; i++)
        g_string_append_printf(k, "%02x", buf[a->span.off + i]);
}

static nhrp_pdata *match(packet_info *pinfo, const guint8 *buf, const vs_nhrp_msg *m)
{
    nhrp_pdata *pd = p_get_proto_data(wmem_file_scope(), pinfo, proto_nhrp, 0);
    if (pd || PINFO_FD_VISITED(pinfo))
        return pd;
    if (!m->has_mand)
        return NULL;
    if (m->type == 7) {
        guint8 et = m->error_packet_type;
        if (et != 1 && et != 3 && et != 5)
            return NULL;
        GString *k2 = g_string_new(NULL);
        g_string_append_printf(k2, "%u/%08x", (et + 1u) / 2u, m->error_packet_request_id);
        key_addr(k2, buf, &m->dst_proto);
        nhrp_txn *tx = wmem_map_lookup(by_proto, k2->str);
        g_string_free(k2, TRUE);
        if (!tx)
            return NULL;
        pd = wmem_new0(wmem_file_scope(), nhrp_pdata);
        if (!tx->rep_frame)
            tx->rep_frame = pinfo->num;
        pd->txn = tx;
        nstime_delta(&pd->delta, &pinfo->abs_ts, &tx->req_time);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_nhrp, 0, pd);
        return pd;
    }
    if (m->type < 1 || m->type > 6)
        return NULL;
    GString *k = g_string_new(NULL);
    g_string_append_printf(k, "%u/%08x", (m->type + 1u) / 2u, m->request_id);
    key_addr(k, buf, &m->src_nbma);
    key_addr(k, buf, &m->src_proto);
    pd = wmem_new0(wmem_file_scope(), nhrp_pdata);
    pd->is_req = (m->type & 1u) != 0;
    nhrp_txn *tx = wmem_map_lookup(txns, k->str);
    if (pd->is_req) {
        if (!tx || tx->rep_frame) {
            tx = wmem_new0(wmem_file_scope(), nhrp_txn);
            tx->req_frame = pinfo->num;
            tx->req_time = pinfo->abs_ts;
            tx->no_reply_expected = m->type == 5 && (m->flags & 0x8000u);
            wmem_map_insert(txns, wmem_strdup(wmem_file_scope(), k->str), tx);
            GString *k2 = g_string_new(NULL);
            g_string_append_printf(k2, "%u/%08x", (m->type + 1u) / 2u, m->request_id);
            key_addr(k2, buf, &m->src_proto);
            wmem_map_insert(by_proto, wmem_strdup(wmem_file_scope(), k2->str), tx);
            g_string_free(k2, TRUE);
        }
        pd->txn = tx;
    } else if (tx) {
        if (!tx->rep_frame)
            tx->rep_frame = pinfo->num;
        pd->txn = tx;
        nstime_delta(&pd->delta, &pinfo->abs_ts, &tx->req_time);
    }
    g_string_free(k, TRUE);
    p_add_proto_data(wmem_file_scope(), pinfo, proto_nhrp, 0, pd);
    return pd;
}

static void show_match(tvbuff_t *tvb, packet_info *pinfo, proto_item *root, const vs_nhrp_msg *m,
                       const nhrp_pdata *pd)
{
    if (!root)
        return;
    proto_tree *sub = proto_item_add_subtree(root, vs_ws_ett[VS_F_NHRP]);
    proto_item *pi;
    if (pd && pd->is_req) {
        const nhrp_txn *tx = pd->txn;
        if (tx->rep_frame) {
            pi = proto_tree_add_uint(sub, vs_ws_hf[VS_F_NHRP_RESPONSE_IN], tvb, 0, 0,
                                     tx->rep_frame);
            proto_item_set_generated(pi);
        } else if (PINFO_FD_VISITED(pinfo) && !tx->no_reply_expected) {
            /* Only a later pass knows the whole capture. */
            proto_tree_add_expert(sub, pinfo, &vs_ws_ei[VS_P_NHRP_REQUEST_NO_REPLY], tvb, 0, 0);
        }
    } else if (pd && pd->txn) {
        pi = proto_tree_add_uint(sub, vs_ws_hf[VS_F_NHRP_REQUEST_IN], tvb, 0, 0,
                                 pd->txn->req_frame);
        proto_item_set_generated(pi);
        pi = proto_tree_add_time(sub, vs_ws_hf[VS_F_NHRP_RESPONSE_TIME], tvb, 0, 0, &pd->delta);
        proto_item_set_generated(pi);
    } else if (pd) {
        proto_tree_add_expert(sub, pinfo, &vs_ws_ei[VS_P_NHRP_REPLY_NO_REQUEST], tvb, 0, 0);
    }
    if (m->has_mand && m->type >= 2 && m->type <= 6 && !(m->type & 1u)) {
        for (size_t i = 0; i < m->n_cies; i++) {
            const vs_nhrp_cie *c = &m->cies[i];
            if (c->ext == VS_NHRP_IN_MAND && c->code != 0)
                proto_tree_add_expert_format(sub, pinfo, &vs_ws_ei[VS_P_NHRP_REPLY_NOT_SUCCESS],
                                             tvb, (gint)c->span.off, 1, "%s: %s",
                                             vs_problems[VS_P_NHRP_REPLY_NOT_SUCCESS].summary,
                                             name_or(f_cie_code, c->code, pinfo));
        }
    }
    if (m->type == 7 && m->has_mand)
        proto_tree_add_expert_format(sub, pinfo, &vs_ws_ei[VS_P_NHRP_ERROR_INDICATION], tvb, 0, 0,
                                     "%s: %s", vs_problems[VS_P_NHRP_ERROR_INDICATION].summary,
                                     name_or(f_err_code, m->error_code, pinfo));
}

static const enum_val_t auth_modes[] = {
    {"auto", "Decide by the extension's layout", VS_NHRP_AUTH_AUTO},
    {"rfc", "RFC 2332 (SPI, source address, data)", VS_NHRP_AUTH_RFC},
    {"cisco", "Cisco IOS (type 1 = cleartext password)", VS_NHRP_AUTH_CISCO},
    {NULL, NULL, 0}};

static vs_status dec_nhrp(vs_cursor *c, vs_tree *t, void *out, const void *opts)
{
    return vs_nhrp_decode(c, opts, t, out);
}

static int dissect_nhrp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    vs_nhrp_opts opts = {(vs_nhrp_auth_mode)nhrp_auth};
    vs_nhrp_msg *m = wmem_new0(pinfo->pool, vs_nhrp_msg);
    proto_item *root = NULL;
    const vs_tree *t = vs_ws_run(tvb, pinfo, tree, dec_nhrp, m, &opts, &root);
    const nhrp_pdata *pd = match(pinfo, t->buf, m);
    show_match(tvb, pinfo, root, m, pd);
    char suffix[48] = "";
    if (m->has_mand && m->type >= 1 && m->type <= 6)
        g_snprintf(suffix, sizeof suffix, ", ID=%u", m->request_id);
    vs_ws_columns(pinfo, vs_fields[VS_F_NHRP].desc, t, f_op_type, suffix);
    vs_ws_tap_message(pinfo, "NHRP", vs_ws_first_name(t, f_op_type));
    if (have_tap_listener(vs_ws_tap))
        tap_registration(pinfo, t->buf, m,
                         pd && !pd->is_req && pd->txn ? nstime_to_msec(&pd->delta) : -1.0);
    return (int)vs_ws_consumed(t, tvb);
}

static int dispatch(vs_ws_takeover *h, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                    void *data)
{
    if (nhrp_handback)
        return vs_ws_handback(h, tvb, pinfo, tree, data);
    return call_dissector_only(h_nhrp, tvb, pinfo, tree, data);
}

static int dispatch_gre(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dispatch(&to_gre, tvb, pinfo, tree, data);
}

static int dispatch_ip(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dispatch(&to_ip, tvb, pinfo, tree, data);
}
#endif

void vs_ws_register_nhrp(void)
{
#ifdef VS_HAVE_NHRP
    f_op_type = vs_field_by_name("vpnscope.nhrp.op_type");
    f_cie_code = vs_field_by_name("vpnscope.nhrp.cie.code");
    f_err_code = vs_field_by_name("vpnscope.nhrp.err.code");
    proto_nhrp = vs_ws_proto(VS_F_NHRP);
    txns = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    by_proto =
        wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    h_nhrp = register_dissector("vpnscope.nhrp", dissect_nhrp, proto_nhrp);
    prefs_register_bool_preference(vs_ws_prefs(), "nhrp_handback",
                                   "Hand NHRP back to the built-in dissector",
                                   "Chain GRE protocol 0x2001 and IP protocol 54 to Wireshark's "
                                   "own NHRP dissector (gre.proto has no Decode As)",
                                   &nhrp_handback);
    prefs_register_enum_preference(vs_ws_prefs(), "nhrp_auth",
                                   "NHRP authentication extension layout",
                                   "RFC 2332 or Cisco IOS (type 1 + cleartext password)",
                                   &nhrp_auth, auth_modes, FALSE);
#endif
}

void vs_ws_handoff_nhrp(void)
{
#ifdef VS_HAVE_NHRP
    vs_ws_takeover_add(&to_gre, dispatch_gre, "vpnscope.nhrp.gre", "vpnscope NHRP (GRE 0x2001)");
    vs_ws_takeover_add(&to_ip, dispatch_ip, "vpnscope.nhrp.ip", "vpnscope NHRP (IP protocol 54)");
#endif
}
