/*
 * vpnscope.ike / vpnscope.ikev2 on UDP 500 and on the non-ESP-marker path of
 * UDP 4500; vpnscope.gdoi on UDP 848. Thin: the core decodes (IKEv1 and
 * IKEv2 by the version byte, GDOI by port), the generic renderer draws.
 *
 * UDP 4500: the built-in udpencap dissector keeps ESP-in-UDP and NAT
 * keepalives; only payloads the core classifies as "non-ESP marker + IKE"
 * are ours. Each port has a preference to hand it back; Decode As works too.
 */
#include "vs_ws.h"

#include <epan/prefs.h>

#if __has_include("vpnscope/ikev1.h")
#include "vpnscope/ikev1.h"
#define VS_HAVE_IKEV1 1
#endif
#if __has_include("vpnscope/ikev2.h")
#include "vpnscope/ikev2.h"
#define VS_HAVE_IKEV2 1
#endif
#if __has_include("vpnscope/gdoi.h")
#include "vpnscope/gdoi.h"
#define VS_HAVE_GDOI 1
#endif
#if __has_include("vpnscope/udp.h")
#include "vpnscope/udp.h"
#define VS_HAVE_NATT 1
#endif

#if defined(VS_HAVE_IKEV1) || defined(VS_HAVE_IKEV2)
static vs_ws_takeover to_500 = {"udp.port", 500, NULL, FALSE};
static vs_ws_takeover to_4500 = {"udp.port", 4500, NULL, FALSE};
static vs_ws_takeover to_848 = {"udp.port", 848, NULL, FALSE};
static dissector_handle_t h_ike, h_natt, h_gdoi;
static gboolean ike_handback;
G_GNUC_UNUSED static gboolean gdoi_handback;

/* Info-column fields, found by name so this file does not depend on which
 * decoders have landed. */
static vs_field_id f_ike_exch = VS_F__COUNT, f_ikev2_exch = VS_F__COUNT,
                   f_gdoi_exch = VS_F__COUNT;

G_GNUC_UNUSED static const char *proto_short(const char *name)
{
    vs_field_id f = vs_field_by_name(name);
    return f < VS_F__COUNT ? vs_fields[f].desc : name;
}

#ifdef VS_HAVE_IKEV1
static vs_status dec_ikev1(vs_cursor *c, vs_tree *t, void *out, const void *opts)
{
    (void)opts;
    return vs_ikev1_decode(c, t, out);
}
#endif
#ifdef VS_HAVE_IKEV2
static vs_status dec_ikev2(vs_cursor *c, vs_tree *t, void *out, const void *opts)
{
    (void)opts;
    return vs_ikev2_decode(c, t, out);
}
#endif
#ifdef VS_HAVE_GDOI
static vs_status dec_gdoi(vs_cursor *c, vs_tree *t, void *out, const void *opts)
{
    (void)opts;
    return vs_gdoi_decode(c, t, out);
}
#endif

/* One ISAKMP/IKE message filling tvb. */
static int dissect_ike_msg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    size_t cap, wire;
    vs_cursor c;
    const guint8 *buf = vs_ws_bytes(tvb, &cap, &wire);
    vs_cur_init(&c, buf, cap, wire);
    uint8_t ver = 0;
    vs_peek_u8(&c, 17, &ver); /* the core decoders check it; this only picks one */
    (void)ver;
#ifdef VS_HAVE_IKEV2
    if ((ver >> 4) == 2) {
        vs_ikev2_msg *m = wmem_new0(pinfo->pool, vs_ikev2_msg);
        const vs_tree *t = vs_ws_run(tvb, pinfo, tree, dec_ikev2, m, NULL, NULL);
        char suffix[64];
        g_snprintf(suffix, sizeof suffix, " MID=%u %s %s", m->msgid,
                   m->initiator ? "Initiator" : "Responder", m->response ? "Response" : "Request");
        vs_ws_columns(pinfo, proto_short("vpnscope.ikev2"), t, f_ikev2_exch, suffix);
        vs_ws_tap_message(pinfo, "IKEv2", vs_ws_first_name(t, f_ikev2_exch));
        return (int)vs_ws_consumed(t, tvb);
    }
#endif
#ifdef VS_HAVE_IKEV1
    {
        vs_ikev1_msg *m = wmem_new0(pinfo->pool, vs_ikev1_msg);
        const vs_tree *t = vs_ws_run(tvb, pinfo, tree, dec_ikev1, m, NULL, NULL);
        vs_ws_columns(pinfo, proto_short("vpnscope.ike"), t, f_ike_exch,
                      (m->hdr.flags & 1) ? " (encrypted)" : NULL);
        vs_ws_tap_message(pinfo, "IKEv1", vs_ws_first_name(t, f_ike_exch));
        return (int)vs_ws_consumed(t, tvb);
    }
#endif
    return 0;
}

#ifdef VS_HAVE_NATT
static int dissect_natt(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (ike_handback)
        return vs_ws_handback(&to_4500, tvb, pinfo, tree, data);
    size_t cap, wire;
    vs_cursor c;
    const guint8 *buf = vs_ws_bytes(tvb, &cap, &wire);
    vs_cur_init(&c, buf, cap, wire);
    vs_natt_msg m;
    vs_udp_natt_decode(&c, NULL, &m);
    if (m.kind != VS_NATT_IKE || m.payload.off > cap)
        return vs_ws_handback(&to_4500, tvb, pinfo, tree, data);
    /* The IKE message starts after the non-ESP marker. */
    tvbuff_t *ike = tvb_new_subset_remaining(tvb, (gint)m.payload.off);
    int used = dissect_ike_msg(ike, pinfo, tree);
    if (!used) /* a version no core decoder handles */
        return vs_ws_handback(&to_4500, tvb, pinfo, tree, data);
    return used + (int)m.payload.off;
}
#endif

/* One handle on both ports (two handles of one protocol in udp.port make
 * Wireshark complain); the port the UDP dissector matched picks the path. */
static int dissect_ike(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
#ifdef VS_HAVE_NATT
    if (pinfo->match_uint == 4500)
        return dissect_natt(tvb, pinfo, tree, data);
#endif
    if (ike_handback)
        return vs_ws_handback(&to_500, tvb, pinfo, tree, data);
    int used = dissect_ike_msg(tvb, pinfo, tree);
    return used ? used : vs_ws_handback(&to_500, tvb, pinfo, tree, data);
}

#ifdef VS_HAVE_GDOI
static int dissect_gdoi(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (gdoi_handback)
        return vs_ws_handback(&to_848, tvb, pinfo, tree, data);
    vs_gdoi_msg *m = wmem_new0(pinfo->pool, vs_gdoi_msg);
    const vs_tree *t = vs_ws_run(tvb, pinfo, tree, dec_gdoi, m, NULL, NULL);
    vs_ws_columns(pinfo, proto_short("vpnscope.gdoi"), t, f_gdoi_exch,
                  (m->hdr.flags & 1) ? " (encrypted)" : NULL);
    vs_ws_tap_message(pinfo, "GDOI", vs_ws_first_name(t, f_gdoi_exch));
    return (int)vs_ws_consumed(t, tvb);
}
#endif

void vs_ws_register_ike(void)
{
    f_ike_exch = vs_field_by_name("vpnscope.ike.exch_type");
    f_ikev2_exch = vs_field_by_name("vpnscope.ikev2.exch_type");
    f_gdoi_exch = vs_field_by_name("vpnscope.gdoi.exch_type");
#if defined(VS_HAVE_IKEV1) || defined(VS_HAVE_IKEV2)
    int proto = vs_ws_proto(vs_field_by_name("vpnscope.ike"));
    h_ike = register_dissector("vpnscope.ike", dissect_ike, proto);
    prefs_register_bool_preference(
        vs_ws_prefs(), "ike_handback", "Hand UDP 500 and 4500 back to the built-in ISAKMP",
        "Leave IKE on UDP 500 and the non-ESP-marker path of UDP 4500 to Wireshark's own "
        "ISAKMP dissector (Decode As on udp.port does the same per port)",
        &ike_handback);
#ifdef VS_HAVE_NATT
    h_natt = h_ike;
#endif
#endif
#ifdef VS_HAVE_GDOI
    h_gdoi = register_dissector("vpnscope.gdoi", dissect_gdoi,
                                vs_ws_proto(vs_field_by_name("vpnscope.gdoi")));
    prefs_register_bool_preference(
        vs_ws_prefs(), "gdoi_handback", "Leave UDP 848 to Wireshark",
        "Do not decode GDOI on UDP 848 (Wireshark itself decodes GDOI only with Decode As "
        "udp.port==848,isakmp)",
        &gdoi_handback);
#endif
    (void)h_natt;
}

void vs_ws_handoff_ike(void)
{
    if (h_ike) {
        vs_ws_takeover_add(&to_500, h_ike);
        if (h_natt)
            vs_ws_takeover_add(&to_4500, h_natt);
    }
    if (h_gdoi)
        vs_ws_takeover_add(&to_848, h_gdoi);
}

#else
void vs_ws_register_ike(void) {}
void vs_ws_handoff_ike(void) {}
#endif
