/*
 * vpnscope.nhrp on GRE protocol 0x2001 (and IP protocol 54). gre.proto has
 * no Decode As, so the handle GRE had before us (the built-in NHRP) is kept
 * and a preference chains to it.
 */
#include "vs_ws.h"

#include <epan/prefs.h>
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
static void tap_registration(packet_info *pinfo, const guint8 *buf, const vs_nhrp_msg *m)
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
    vs_ws_tap_nhrp_reg(pinfo, client, outcome);
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
    const vs_tree *t = vs_ws_run(tvb, pinfo, tree, dec_nhrp, m, &opts, NULL);
    char suffix[48] = "";
    if (m->has_mand && m->type >= 1 && m->type <= 6)
        g_snprintf(suffix, sizeof suffix, ", ID=%u", m->request_id);
    vs_ws_columns(pinfo, vs_fields[VS_F_NHRP].desc, t, f_op_type, suffix);
    vs_ws_tap_message(pinfo, "NHRP", vs_ws_first_name(t, f_op_type));
    if (have_tap_listener(vs_ws_tap))
        tap_registration(pinfo, t->buf, m);
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
    h_nhrp = register_dissector("vpnscope.nhrp", dissect_nhrp, vs_ws_proto(VS_F_NHRP));
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
