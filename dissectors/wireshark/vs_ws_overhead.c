/*
 * vpnscope.overhead: a postdissector showing, per packet, the bytes of each
 * encapsulation part (outer IP, NAT-T UDP, ESP header, IV, GRE delivery IP,
 * GRE, inner packet, padding, trailer, ICV) and the tunnel type.
 *
 * The core does all of it: vs_frame_decode() walks the frame's own bytes,
 * vs_overhead_measure_frame() splits them, vs_overhead_to_tree() builds the
 * vpnscope.overhead tree the generic renderer draws. The only thing taken
 * from Wireshark is what only Wireshark has: the ESP plaintext when the user
 * gave esp_sa keys (esp.decrypted_data, esp.iv and esp.icv, primed with
 * set_postdissector_wanted_hfids). Results are computed on the first pass
 * and cached per frame: tshark -2 does not prime wanted fields on the
 * second pass.
 */
#include "vs_ws.h"

#include <epan/proto_data.h>
#include <epan/tap.h>
#include <wiretap/wtap.h>

#include "vpnscope/frame.h"
#include "vpnscope/overhead.h"

static int proto_oh = -1;
static dissector_handle_t oh_handle;

enum { W_ESP_PLAIN, W_ESP_IV, W_ESP_ICV, W__COUNT };
static const char *const wanted_names[W__COUNT] = {"esp.decrypted_data", "esp.iv", "esp.icv"};
static int wanted[W__COUNT];

/* The capture's link type as a pcap LINKTYPE_ (what the core expects). */
static int linktype_of(packet_info *pinfo)
{
    if (!pinfo->rec || pinfo->rec->rec_type != REC_TYPE_PACKET)
        return -1;
    switch (pinfo->rec->rec_header.packet_header.pkt_encap) {
    case WTAP_ENCAP_ETHERNET: return VS_LINKTYPE_ETHERNET;
    case WTAP_ENCAP_NULL: return VS_LINKTYPE_NULL;
    case WTAP_ENCAP_LOOP: return VS_LINKTYPE_LOOP;
    case WTAP_ENCAP_RAW_IP: return VS_LINKTYPE_RAW;
    case WTAP_ENCAP_RAW_IP4: return VS_LINKTYPE_IPV4;
    case WTAP_ENCAP_RAW_IP6: return VS_LINKTYPE_IPV6;
    case WTAP_ENCAP_SLL: return VS_LINKTYPE_LINUX_SLL;
    case WTAP_ENCAP_SLL2: return VS_LINKTYPE_LINUX_SLL2;
    default: return -1;
    }
}

/* The first occurrence of a wanted field anywhere in the tree. */
static field_info *first_field(proto_tree *tree, int k)
{
    if (!tree || wanted[k] < 0)
        return NULL;
    GPtrArray *a = proto_get_finfo_ptr_array(tree, wanted[k]);
    return a && a->len ? g_ptr_array_index(a, 0) : NULL;
}

/* ESP plaintext Wireshark produced with the user's keys, if any. */
static bool esp_plain(proto_tree *tree, vs_esp_plain *dec)
{
    field_info *plain = first_field(tree, W_ESP_PLAIN);
    if (!plain || plain->length <= 0)
        return false;
    field_info *iv = first_field(tree, W_ESP_IV);
    field_info *icv = first_field(tree, W_ESP_ICV);
    dec->plain = tvb_memdup(wmem_file_scope(), plain->ds_tvb, plain->start, plain->length);
    dec->plain_len = (size_t)plain->length;
    dec->iv_len = iv ? (uint32_t)iv->length : 0;
    dec->icv_len = icv ? (uint32_t)icv->length : 0;
    return true;
}

static int dissect_overhead(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    vs_overhead_measure *m = p_get_proto_data(wmem_file_scope(), pinfo, proto_oh, 0);
    if (!m && !PINFO_FD_VISITED(pinfo)) {
        int lt = linktype_of(pinfo);
        if (lt < 0)
            return 0;
        size_t cap, wire;
        const guint8 *buf = vs_ws_bytes(tvb, &cap, &wire);
        vs_frame *f = wmem_new0(pinfo->pool, vs_frame);
        vs_frame_decode(lt, buf, cap, wire, NULL, f);
        vs_esp_plain dec;
        bool have_dec = esp_plain(tree, &dec);
        vs_overhead_measure tmp;
        if (!vs_overhead_measure_frame(f, have_dec ? &dec : NULL, NULL, &tmp))
            return 0;
        m = wmem_new(wmem_file_scope(), vs_overhead_measure);
        *m = tmp;
        p_add_proto_data(wmem_file_scope(), pinfo, proto_oh, 0, m);
    }
    if (!m)
        return 0;
    size_t cap, wire;
    const guint8 *buf = vs_ws_bytes(tvb, &cap, &wire);
    vs_tree *t = vs_ws_tree_new(buf, cap);
    vs_overhead_to_tree(t, m);
    vs_ws_render(t, tvb, pinfo, tree);
    if (m->exact == 1 && have_tap_listener(vs_ws_tap)) {
        vs_ws_tap_rec *rec = wmem_new0(pinfo->pool, vs_ws_tap_rec);
        rec->kind = VS_TAP_OVERHEAD;
        rec->tunnel = vs_val_name_or(vs_fields[VS_F_OH_TYPE].vals, m->type, "unknown");
        rec->overhead = m->bytes.overhead;
        rec->frame_len = m->bytes.total;
        tap_queue_packet(vs_ws_tap, pinfo, rec);
    }
    return (int)tvb_captured_length(tvb);
}

void vs_ws_register_overhead(void)
{
    proto_oh = vs_ws_proto(VS_F_OVERHEAD);
    oh_handle = register_dissector("vpnscope.overhead", dissect_overhead, proto_oh);
}

void vs_ws_handoff_overhead(void)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));
    for (int k = 0; k < W__COUNT; k++) {
        wanted[k] = proto_registrar_get_id_byname(wanted_names[k]);
        if (wanted[k] >= 0)
            g_array_append_val(ids, wanted[k]);
    }
    register_postdissector(oh_handle);
    set_postdissector_wanted_hfids(oh_handle, ids);
}
