/*
 * vpnscope.ike (IKEv1) / vpnscope.ikev2 on UDP 500 and on the non-ESP-marker
 * path of UDP 4500; vpnscope.gdoi on UDP 848. Thin: the core decodes, the
 * generic renderer draws.
 *
 * Each port gets a protocol-less dispatcher handle (so frame.protocols only
 * names a vpnscope protocol when one decoded the packet): it hands the
 * packet back to the dissector that had the port before us when the
 * preference says so, or when no core decoder takes it; otherwise it calls
 * the protocol's own handle. UDP 4500: ESP-in-UDP and NAT keepalives always
 * stay with the built-in udpencap; only what the core classifies as
 * "non-ESP marker + IKE" is ours. Decode As on udp.port works as usual.
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

static vs_ws_takeover to_500 = {"udp.port", 500, NULL, FALSE};
static vs_ws_takeover to_4500 = {"udp.port", 4500, NULL, FALSE};
static vs_ws_takeover to_848 = {"udp.port", 848, NULL, FALSE};
static dissector_handle_t h_ikev1, h_ikev2, h_gdoi;
static gboolean ike_handback, gdoi_handback;

/* Info-column fields, found by name: this file does not depend on which
 * decoders have landed. */
static vs_field_id f_ike_exch = VS_F__COUNT, f_ikev2_exch = VS_F__COUNT,
                   f_gdoi_exch = VS_F__COUNT;

static const char *proto_short(const char *name)
{
    vs_field_id f = vs_field_by_name(name);
    return f < VS_F__COUNT ? vs_fields[f].desc : name;
}

static int proto_named(const char *name)
{
    return vs_ws_proto(vs_field_by_name(name));
}

#ifdef VS_HAVE_IKEV1
/* vs_ws_ikev1_crypt.c */
void vs_ws_ikev1_after_decode(tvbuff_t *tvb, packet_info *pinfo, proto_tree *root,
                              const guint8 *buf, const vs_isakmp_msg *m, gboolean gdoi);
void vs_ws_ikev1_crypt_register(int proto);

/* Decrypted payloads go under the message's protocol item. */
static void after_decode(tvbuff_t *tvb, packet_info *pinfo, proto_item *root, const vs_tree *t,
                         const vs_isakmp_msg *m, vs_field_id proto_field, gboolean gdoi)
{
    proto_tree *rt = root ? proto_item_add_subtree(root, vs_ws_ett[proto_field]) : NULL;
    vs_ws_ikev1_after_decode(tvb, pinfo, rt, t->buf, m, gdoi);
}

static vs_status dec_ikev1(vs_cursor *c, vs_tree *t, void *out, const void *opts)
{
    (void)opts;
    return vs_ikev1_decode(c, t, out);
}

static int dissect_ikev1(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    vs_ikev1_msg *m = wmem_new0(pinfo->pool, vs_ikev1_msg);
    proto_item *root = NULL;
    const vs_tree *t = vs_ws_run(tvb, pinfo, tree, dec_ikev1, m, NULL, &root);
    after_decode(tvb, pinfo, root, t, m, VS_F_IKE, FALSE);
    vs_ws_columns(pinfo, proto_short("vpnscope.ike"), t, f_ike_exch,
                  (m->hdr.flags & 1) ? " (encrypted)" : NULL);
    vs_ws_tap_message(pinfo, "IKEv1", vs_ws_first_name(t, f_ike_exch));
    return (int)vs_ws_consumed(t, tvb);
}
#endif

#ifdef VS_HAVE_IKEV2
/* vs_ws_ikev2_crypt.c */
void vs_ws_ikev2_after_decode(tvbuff_t *tvb, packet_info *pinfo, proto_tree *root,
                              const guint8 *buf, vs_ikev2_msg *m);
void vs_ws_ikev2_crypt_register(int proto);

static vs_status dec_ikev2(vs_cursor *c, vs_tree *t, void *out, const void *opts)
{
    (void)opts;
    return vs_ikev2_decode(c, t, out);
}

static int dissect_ikev2(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    vs_ikev2_msg *m = wmem_new0(pinfo->pool, vs_ikev2_msg);
    vs_ikev2_msg_init(m);
    proto_item *root = NULL;
    const vs_tree *t = vs_ws_run(tvb, pinfo, tree, dec_ikev2, m, NULL, &root);
    vs_ws_ikev2_after_decode(tvb, pinfo,
                             root ? proto_item_add_subtree(root, vs_ws_ett[VS_F_IKEV2]) : NULL,
                             t->buf, m);
    char suffix[64];
    g_snprintf(suffix, sizeof suffix, " MID=%u %s %s", m->msgid,
               m->initiator ? "Initiator" : "Responder", m->response ? "Response" : "Request");
    vs_ws_columns(pinfo, proto_short("vpnscope.ikev2"), t, f_ikev2_exch, suffix);
    vs_ws_tap_message(pinfo, "IKEv2", vs_ws_first_name(t, f_ikev2_exch));
    return (int)vs_ws_consumed(t, tvb);
}
#endif

#ifdef VS_HAVE_GDOI
static vs_status dec_gdoi(vs_cursor *c, vs_tree *t, void *out, const void *opts)
{
    (void)opts;
    return vs_gdoi_decode(c, t, out);
}

static int dissect_gdoi(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    vs_gdoi_msg *m = wmem_new0(pinfo->pool, vs_gdoi_msg);
    proto_item *root = NULL;
    const vs_tree *t = vs_ws_run(tvb, pinfo, tree, dec_gdoi, m, NULL, &root);
#ifdef VS_HAVE_IKEV1
    after_decode(tvb, pinfo, root, t, m, VS_F_GDOI, TRUE);
#endif
    vs_ws_columns(pinfo, proto_short("vpnscope.gdoi"), t, f_gdoi_exch,
                  (m->hdr.flags & 1) ? " (encrypted)" : NULL);
    vs_ws_tap_message(pinfo, "GDOI", vs_ws_first_name(t, f_gdoi_exch));
    return (int)vs_ws_consumed(t, tvb);
}
#endif

/* The handle for one ISAKMP/IKE message: the major version picks the core
 * decoder (each checks the version itself); NULL when none is built in. */
static dissector_handle_t ike_handle_for(tvbuff_t *tvb)
{
    size_t cap, wire;
    const guint8 *buf = vs_ws_bytes(tvb, &cap, &wire);
    vs_cursor c;
    vs_cur_init(&c, buf, cap, wire);
    uint8_t ver = 0;
    vs_peek_u8(&c, 17, &ver);
    return (ver >> 4) == 2 ? h_ikev2 : h_ikev1;
}

static int dispatch_500(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    dissector_handle_t h = ike_handback ? NULL : ike_handle_for(tvb);
    int used = h ? call_dissector_only(h, tvb, pinfo, tree, data) : 0;
    return used ? used : vs_ws_handback(&to_500, tvb, pinfo, tree, data);
}

static int dispatch_4500(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
#ifdef VS_HAVE_NATT
    if (!ike_handback) {
        size_t cap, wire;
        const guint8 *buf = vs_ws_bytes(tvb, &cap, &wire);
        vs_cursor c;
        vs_cur_init(&c, buf, cap, wire);
        vs_natt_msg m;
        vs_udp_natt_decode(&c, NULL, &m);
        if (m.kind == VS_NATT_IKE && m.payload.off <= cap) {
            /* The IKE message starts after the non-ESP marker. */
            tvbuff_t *ike = tvb_new_subset_remaining(tvb, (gint)m.payload.off);
            dissector_handle_t h = ike_handle_for(ike);
            int used = h ? call_dissector_only(h, ike, pinfo, tree, data) : 0;
            if (used)
                return used + (int)m.payload.off;
        }
    }
#endif
    return vs_ws_handback(&to_4500, tvb, pinfo, tree, data);
}

static int dispatch_848(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    int used = !gdoi_handback && h_gdoi ? call_dissector_only(h_gdoi, tvb, pinfo, tree, data) : 0;
    return used ? used : vs_ws_handback(&to_848, tvb, pinfo, tree, data);
}

void vs_ws_register_ike(void)
{
    f_ike_exch = vs_field_by_name("vpnscope.ike.exch_type");
    f_ikev2_exch = vs_field_by_name("vpnscope.ikev2.exch_type");
    f_gdoi_exch = vs_field_by_name("vpnscope.gdoi.exch_type");
#ifdef VS_HAVE_IKEV1
    if (proto_named("vpnscope.ike") >= 0) {
        h_ikev1 = register_dissector("vpnscope.ike", dissect_ikev1, proto_named("vpnscope.ike"));
        vs_ws_ikev1_crypt_register(proto_named("vpnscope.ike"));
    }
#endif
#ifdef VS_HAVE_IKEV2
    if (proto_named("vpnscope.ikev2") >= 0) {
        h_ikev2 = register_dissector("vpnscope.ikev2", dissect_ikev2, proto_named("vpnscope.ikev2"));
        vs_ws_ikev2_crypt_register(proto_named("vpnscope.ikev2"));
    }
#endif
#ifdef VS_HAVE_GDOI
    if (proto_named("vpnscope.gdoi") >= 0)
        h_gdoi = register_dissector("vpnscope.gdoi", dissect_gdoi, proto_named("vpnscope.gdoi"));
#endif
    prefs_register_bool_preference(
        vs_ws_prefs(), "ike_handback", "Hand UDP 500 and 4500 back to the built-in ISAKMP",
        "Leave IKE on UDP 500 and the non-ESP-marker path of UDP 4500 to Wireshark's own "
        "ISAKMP dissector (Decode As on udp.port does the same per port)",
        &ike_handback);
    prefs_register_bool_preference(
        vs_ws_prefs(), "gdoi_handback", "Leave UDP 848 to Wireshark",
        "Do not decode GDOI on UDP 848 (Wireshark itself decodes GDOI only with Decode As "
        "udp.port==848,isakmp)",
        &gdoi_handback);
    (void)proto_short;
}

void vs_ws_handoff_ike(void)
{
    if (h_ikev1 || h_ikev2) {
        vs_ws_takeover_add(&to_500, dispatch_500, "vpnscope.ike.udp500",
                           "vpnscope IKE (UDP 500)");
#ifdef VS_HAVE_NATT
        vs_ws_takeover_add(&to_4500, dispatch_4500, "vpnscope.ike.udp4500",
                           "vpnscope IKE after the non-ESP marker (UDP 4500)");
#else
        (void)dispatch_4500;
#endif
    }
    if (h_gdoi)
        vs_ws_takeover_add(&to_848, dispatch_848, "vpnscope.gdoi.udp848", "vpnscope GDOI (UDP 848)");
    else
        (void)dispatch_848;
}
