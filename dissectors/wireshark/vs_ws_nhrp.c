/*
 * vpnscope.nhrp on GRE protocol 0x2001 (and IP protocol 54). gre.proto has
 * no Decode As, so the handle GRE had before us (the built-in NHRP) is kept
 * and a preference chains to it.
 */
#include "vs_ws.h"

#include <epan/prefs.h>

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
static vs_field_id f_op_type = VS_F__COUNT;

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
