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

/* ---- ESP sequence analysis per (SPI, sender) ----
 * Wireshark's own analysis keys by SPI alone, so a GETVPN group SA, where
 * every group member sends under the same SPI with its own counter, shows
 * "Wrong Sequence Number" on nearly every packet. Here the key is the SPI
 * and the source address of the IP header in front of the ESP. A 64-packet
 * window (as RFC 4303's anti-replay window) tells a duplicate from a late
 * (reordered) packet. First pass only; each frame keeps its result. */
typedef struct seq_state {
    guint32 max;      /* highest sequence number seen */
    guint64 window;   /* bit k: max - k was seen */
    guint32 last_frame;
} seq_state;

typedef struct seq_result {
    guint32 seq, expected, gap, prev_frame;
    gboolean first, duplicate, reordered;
} seq_result;

static wmem_map_t *seq_states; /* key string -> seq_state, file scope */

static seq_result *seq_analyse(packet_info *pinfo, const vs_frame *f)
{
    const vs_layer *ip = NULL, *esp = NULL;
    for (size_t i = 0; i < f->n_layers && !esp; i++) {
        if (f->layers[i].kind == VS_L_IPV4 || f->layers[i].kind == VS_L_IPV6)
            ip = &f->layers[i];
        else if (f->layers[i].kind == VS_L_ESP)
            esp = &f->layers[i];
    }
    if (!esp || !ip || (esp->status != VS_OK && esp->status != VS_TRUNCATED))
        return NULL;
    if (esp->status == VS_TRUNCATED && esp->span.len < 8)
        return NULL;
    char key[64];
    char *k = key + g_snprintf(key, sizeof key, "%08x/", esp->u.esp.spi);
    size_t alen = ip->kind == VS_L_IPV4 ? 4 : 16;
    for (size_t i = 0; i < alen; i++)
        k += g_snprintf(k, 3, "%02x", ip->u.ip.src[i]);
    seq_result *r = wmem_new0(wmem_file_scope(), seq_result);
    guint32 seq = esp->u.esp.seq;
    r->seq = seq;
    seq_state *st = wmem_map_lookup(seq_states, key);
    if (!st) {
        st = wmem_new0(wmem_file_scope(), seq_state);
        st->max = seq;
        st->window = 1;
        st->last_frame = pinfo->num;
        wmem_map_insert(seq_states, wmem_strdup(wmem_file_scope(), key), st);
        r->first = TRUE;
        return r;
    }
    r->expected = st->max + 1;
    r->prev_frame = st->last_frame;
    st->last_frame = pinfo->num;
    if (seq > st->max) {
        r->gap = seq - st->max - 1;
        guint32 shift = seq - st->max;
        st->window = shift >= 64 ? 1 : (st->window << shift) | 1;
        st->max = seq;
    } else {
        guint32 back = st->max - seq;
        if (back < 64 && (st->window >> back) & 1) {
            r->duplicate = TRUE;
        } else {
            r->reordered = TRUE; /* older than the window: late, not known to be a copy */
            if (back < 64)
                st->window |= (guint64)1 << back;
        }
    }
    return r;
}

static void seq_show(tvbuff_t *tvb, packet_info *pinfo, proto_item *root, const seq_result *r)
{
    if (!root || r->first)
        return;
    proto_tree *sub = proto_item_add_subtree(root, vs_ws_ett[VS_F_OVERHEAD]);
    proto_item *pi;
    pi = proto_tree_add_uint(sub, vs_ws_hf[VS_F_ESP_SEQ_EXPECTED], tvb, 0, 0, r->expected);
    proto_item_set_generated(pi);
    pi = proto_tree_add_uint(sub, vs_ws_hf[VS_F_ESP_SEQ_PREV_FRAME], tvb, 0, 0, r->prev_frame);
    proto_item_set_generated(pi);
    if (r->gap) {
        pi = proto_tree_add_uint(sub, vs_ws_hf[VS_F_ESP_SEQ_GAP], tvb, 0, 0, r->gap);
        proto_item_set_generated(pi);
        expert_add_info_format(pinfo, pi, &vs_ws_ei[VS_P_ESP_SEQ_GAP_SEEN],
                               "%s: %u missing (expected %u, got %u)",
                               vs_problems[VS_P_ESP_SEQ_GAP_SEEN].summary, r->gap, r->expected,
                               r->seq);
    }
    if (r->duplicate) {
        pi = proto_tree_add_uint(sub, vs_ws_hf[VS_F_ESP_SEQ_DUPLICATE], tvb, 0, 0, 1);
        proto_item_set_generated(pi);
        expert_add_info_format(pinfo, pi, &vs_ws_ei[VS_P_ESP_SEQ_DUP_SEEN], "%s (%u)",
                               vs_problems[VS_P_ESP_SEQ_DUP_SEEN].summary, r->seq);
    }
    if (r->reordered) {
        pi = proto_tree_add_uint(sub, vs_ws_hf[VS_F_ESP_SEQ_REORDERED], tvb, 0, 0, 1);
        proto_item_set_generated(pi);
        expert_add_info_format(pinfo, pi, &vs_ws_ei[VS_P_ESP_SEQ_REORDER_SEEN],
                               "%s (%u, expected %u)",
                               vs_problems[VS_P_ESP_SEQ_REORDER_SEEN].summary, r->seq,
                               r->expected);
    }
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
        seq_result *sr = seq_analyse(pinfo, f);
        if (sr)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_oh, 1, sr);
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
    proto_item *root = vs_ws_render(t, tvb, pinfo, tree);
    const seq_result *sr = p_get_proto_data(wmem_file_scope(), pinfo, proto_oh, 1);
    if (sr)
        seq_show(tvb, pinfo, root, sr);
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
    seq_states =
        wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
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
