/*
 * vpnscope.overhead: a postdissector that decomposes the encapsulation bytes
 * of each packet (outer IP, NAT-T UDP, ESP header, IV, GRE delivery IP, GRE,
 * inner packet, padding, trailer, ICV) and names the tunnel type, with the
 * field names of the core's overhead catalogue.
 *
 * It parses nothing: the layer boundaries come from the dissectors that ran
 * before it (their protocol items and a few of their fields, primed with
 * set_postdissector_wanted_hfids). Results are computed on the first pass
 * and cached per frame, because tshark -2 does not prime wanted fields on the
 * second pass.
 */
#include "vs_ws.h"

#include <epan/proto_data.h>
#include <epan/tap.h>

#include "vpnscope/overhead.h"

static int proto_oh = -1;
static dissector_handle_t oh_handle;

/* Built-in fields we read, by filter name. */
enum {
    W_IP, W_IP_HDR_LEN, W_IP_LEN, W_IP_SRC, W_IP_DST, W_IP_MF, W_IP_FRAG, W_IPV6, W_IPV6_PLEN,
    W_UDP, W_UDPENCAP, W_ESP, W_ESP_IV, W_ESP_PAD, W_ESP_PADLEN, W_ESP_ICV, W_GRE, W_GRE_PROTO,
    W_GRE_CSUM, W_GRE_OFFSET, W_GRE_KEY, W_GRE_SEQ, W__COUNT
};
/* Protocol items' lengths are not reliable (with no visible tree
 * proto_item_set_len() is skipped), so header sizes come from leaf fields:
 * ip.hdr_len, the end of GRE's last option field. */
static const char *const wanted_names[W__COUNT] = {
    "ip", "ip.hdr_len", "ip.len", "ip.src", "ip.dst", "ip.flags.mf", "ip.frag_offset", "ipv6",
    "ipv6.plen", "udp", "udpencap", "esp", "esp.iv", "esp.pad", "esp.pad_len", "esp.icv", "gre",
    "gre.proto", "gre.checksum", "gre.offset", "gre.key", "gre.sequence_number"};
static int wanted[W__COUNT];

/* One part of the breakdown: bytes, and where they are when they are in the
 * frame itself (decrypted parts live in another data source). */
typedef struct oh_part {
    guint32 bytes;
    guint32 off;
    gboolean in_frame;
    gboolean present;
} oh_part;

enum { P_OUTER_IP, P_UDP, P_ESP_HEADER, P_IV, P_GRE_IP, P_GRE, P_INNER, P_PADDING, P_TRAILER,
       P_ICV, P_ENCRYPTED, P__COUNT };
static const vs_field_id part_field[P__COUNT] = {
    VS_F_OH_OUTER_IP, VS_F_OH_UDP, VS_F_OH_ESP_HEADER, VS_F_OH_IV, VS_F_OH_GRE_IP, VS_F_OH_GRE,
    VS_F_OH_INNER, VS_F_OH_PADDING, VS_F_OH_TRAILER, VS_F_OH_ICV, VS_F_OH_ENCRYPTED};

typedef struct oh_result {
    vs_tunnel_type type;
    gboolean natt;
    gboolean fragment;
    guint32 exact; /* vs_vals_overhead_exact */
    guint32 total, total_off;
    guint32 overhead;
    gboolean overhead_known;
    oh_part part[P__COUNT];
} oh_result;

/* The wanted fields of this frame in document (dissection) order. */
typedef struct walk {
    GPtrArray *fis;
} walk;

static int which(const field_info *fi)
{
    for (int k = 0; k < W__COUNT; k++)
        if (fi->hfinfo->id == wanted[k])
            return k;
    return -1;
}

static void collect(proto_node *node, gpointer data)
{
    walk *w = data;
    field_info *fi = PNODE_FINFO(node);
    if (fi && which(fi) >= 0)
        g_ptr_array_add(w->fis, fi);
    proto_tree_children_foreach(node, collect, data);
}

/* Index of the next field of kind k at or after i, before a field of kind
 * stop (-1: no stop); -1 when none. */
static int next_of(GPtrArray *a, guint i, int k, int stop)
{
    for (; i < a->len; i++) {
        int w = which(g_ptr_array_index(a, i));
        if (w == k)
            return (int)i;
        if (stop >= 0 && w == stop)
            return -1;
    }
    return -1;
}

/* An integer or boolean field's value. */
static guint64 fi_uint(field_info *fi)
{
    switch (fi->hfinfo->type) {
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
        return fvalue_get_uinteger(&fi->value);
    case FT_BOOLEAN:
    case FT_UINT64:
        return fvalue_get_uinteger64(&fi->value);
    default:
        return 0;
    }
}

static field_info *fi_at(GPtrArray *a, int i)
{
    return i >= 0 ? g_ptr_array_index(a, (guint)i) : NULL;
}

static void set_part(oh_result *r, int p, const field_info *fi, guint32 bytes, tvbuff_t *frame)
{
    r->part[p].present = TRUE;
    r->part[p].bytes = bytes;
    r->part[p].in_frame = fi && fi->ds_tvb == frame;
    r->part[p].off = fi ? (guint32)fi->start : 0;
}

/* Index of the next IP layer (IPv4 or IPv6) from i; sets *v6. */
static int next_ip(GPtrArray *a, guint i, gboolean *v6)
{
    for (; i < a->len; i++) {
        int w = which(g_ptr_array_index(a, i));
        if (w == W_IP || w == W_IPV6) {
            *v6 = w == W_IPV6;
            return (int)i;
        }
    }
    return -1;
}

/* Total length of the IP layer at index i: ip.len, or ipv6.plen + 40. */
static gboolean ip_total(GPtrArray *a, int i, gboolean v6, guint32 *len)
{
    int k = next_of(a, (guint)i + 1, v6 ? W_IPV6_PLEN : W_IP_LEN, v6 ? W_IPV6 : W_IP);
    if (k < 0)
        return FALSE;
    *len = (guint32)fi_uint(fi_at(a, k)) + (v6 ? 40 : 0);
    return TRUE;
}

/* Header bytes of the IP layer at index i (IPv6: the fixed header). */
static guint32 ip_hdr(GPtrArray *a, int i, gboolean v6)
{
    if (v6)
        return 40;
    int k = next_of(a, (guint)i + 1, W_IP_HDR_LEN, W_IP);
    return k >= 0 ? (guint32)fi_uint(fi_at(a, k)) : 20;
}

/* Header bytes of the GRE layer at index i: up to the end of its last
 * header field (protocol type, checksum/offset, key, sequence number). */
static guint32 gre_hdr(GPtrArray *a, int i)
{
    field_info *g = fi_at(a, i);
    gint end = g->start + 4;
    for (guint k = (guint)i + 1; k < a->len; k++) {
        field_info *f = g_ptr_array_index(a, k);
        int w = which(f);
        if (w != W_GRE_PROTO && w != W_GRE_CSUM && w != W_GRE_OFFSET && w != W_GRE_KEY &&
            w != W_GRE_SEQ)
            break;
        if (f->ds_tvb == g->ds_tvb && f->start + f->length > end)
            end = f->start + f->length;
    }
    return (guint32)(end - g->start);
}

static gboolean addr_eq(GPtrArray *a, int ip1, int ip2, int kind)
{
    field_info *x = fi_at(a, next_of(a, (guint)ip1 + 1, kind, W_IP));
    field_info *y = fi_at(a, next_of(a, (guint)ip2 + 1, kind, W_IP));
    return x && y && x->value.value.ipv4.addr == y->value.value.ipv4.addr;
}

/* Decompose one frame. Returns FALSE when it is not tunnelled traffic. */
static gboolean analyse(GPtrArray *a, tvbuff_t *frame, oh_result *r)
{
    memset(r, 0, sizeof *r);
    gboolean v6 = FALSE;
    int outer = next_ip(a, 0, &v6);
    if (outer < 0)
        return FALSE;
    int esp = next_of(a, (guint)outer + 1, W_ESP, -1);
    int gre = next_of(a, (guint)outer + 1, W_GRE, -1);
    if (esp < 0 && gre < 0)
        return FALSE;
    /* The first ESP or GRE must follow the outer IP header directly (or via
     * NAT-T UDP); IP-in-IP chains before it are not modelled. */
    field_info *ofi = fi_at(a, outer);
    guint32 total;
    if (!ip_total(a, outer, v6, &total))
        return FALSE;
    r->total = total;
    r->total_off = (guint32)ofi->start;
    set_part(r, P_OUTER_IP, ofi, ip_hdr(a, outer, v6), frame);
    if (!v6) {
        field_info *mf = fi_at(a, next_of(a, (guint)outer + 1, W_IP_MF, W_IP));
        field_info *fo = fi_at(a, next_of(a, (guint)outer + 1, W_IP_FRAG, W_IP));
        r->fragment = (mf && fi_uint(mf)) || (fo && fi_uint(fo));
    }
    guint32 inner_total = 0;

    if (esp >= 0 && (gre < 0 || esp < gre)) {
        int udpencap = next_of(a, (guint)outer + 1, W_UDPENCAP, W_ESP);
        if (udpencap >= 0) {
            int udp = next_of(a, (guint)outer + 1, W_UDP, W_ESP);
            r->natt = TRUE;
            set_part(r, P_UDP, fi_at(a, udp), 8, frame);
        }
        field_info *efi = fi_at(a, esp);
        set_part(r, P_ESP_HEADER, efi, 8, frame);
        int padlen = next_of(a, (guint)esp + 1, W_ESP_PADLEN, W_ESP);
        if (padlen < 0) {
            /* Not decrypted: what follows the ESP header is one opaque block. */
            guint32 seen = r->part[P_OUTER_IP].bytes + r->part[P_UDP].bytes + 8;
            guint32 rest = total > seen ? total - seen : 0;
            set_part(r, P_ENCRYPTED, efi, rest, frame);
            r->part[P_ENCRYPTED].off += 8;
            r->type = VS_TUN_UNKNOWN;
            r->exact = 2;
            return TRUE;
        }
        r->exact = 1;
        int iv = next_of(a, (guint)esp + 1, W_ESP_IV, W_ESP);
        if (iv >= 0)
            set_part(r, P_IV, fi_at(a, iv), (guint32)fi_at(a, iv)->length, frame);
        int pad = next_of(a, (guint)esp + 1, W_ESP_PAD, W_ESP);
        if (pad >= 0)
            set_part(r, P_PADDING, fi_at(a, pad), (guint32)fi_at(a, pad)->length, frame);
        field_info *plfi = fi_at(a, padlen);
        set_part(r, P_TRAILER, plfi, 2, frame);
        int icv = next_of(a, (guint)esp + 1, W_ESP_ICV, W_ESP);
        if (icv >= 0)
            set_part(r, P_ICV, fi_at(a, icv), (guint32)fi_at(a, icv)->length, frame);
        /* Inside: IP (tunnel mode) or GRE (transport mode) or other. */
        gboolean iv6 = FALSE;
        int inner_ip = next_ip(a, (guint)esp + 1, &iv6);
        int inner_gre = next_of(a, (guint)esp + 1, W_GRE, -1);
        if (inner_gre >= 0 && (inner_ip < 0 || inner_gre < inner_ip)) {
            r->type = VS_TUN_GRE_IPSEC_TRANSPORT;
            set_part(r, P_GRE, fi_at(a, inner_gre), gre_hdr(a, inner_gre), frame);
            gboolean v = FALSE;
            int ip2 = next_ip(a, (guint)inner_gre + 1, &v);
            if (ip2 < 0 || !ip_total(a, ip2, v, &inner_total))
                return FALSE;
            set_part(r, P_INNER, fi_at(a, ip2), inner_total, frame);
        } else if (inner_ip >= 0) {
            guint32 t1;
            if (!ip_total(a, inner_ip, iv6, &t1))
                return FALSE;
            if (inner_gre >= 0) {
                r->type = VS_TUN_GRE_IPSEC_TUNNEL;
                set_part(r, P_GRE_IP, fi_at(a, inner_ip), ip_hdr(a, inner_ip, iv6), frame);
                set_part(r, P_GRE, fi_at(a, inner_gre), gre_hdr(a, inner_gre), frame);
                gboolean v = FALSE;
                int ip2 = next_ip(a, (guint)inner_gre + 1, &v);
                if (ip2 < 0 || !ip_total(a, ip2, v, &inner_total))
                    return FALSE;
                set_part(r, P_INNER, fi_at(a, ip2), inner_total, frame);
            } else {
                inner_total = t1;
                /* GETVPN tunnel mode copies the inner addresses to the outer
                 * header (header preservation). */
                r->type = !v6 && !iv6 && addr_eq(a, outer, inner_ip, W_IP_SRC) &&
                                  addr_eq(a, outer, inner_ip, W_IP_DST)
                              ? VS_TUN_GETVPN
                              : VS_TUN_IPSEC_TUNNEL;
                set_part(r, P_INNER, fi_at(a, inner_ip), inner_total, frame);
            }
        } else {
            /* Transport mode without GRE: the inner part is what ESP carried
             * apart from its own bytes. */
            r->type = VS_TUN_IPSEC_TRANSPORT;
            guint32 own = 0;
            for (int p = P_OUTER_IP; p < P__COUNT; p++)
                own += r->part[p].bytes;
            if (own > total)
                return FALSE;
            inner_total = total - own;
            set_part(r, P_INNER, NULL, inner_total, frame);
        }
    } else {
        field_info *gfi = fi_at(a, gre);
        int proto = next_of(a, (guint)gre + 1, W_GRE_PROTO, W_GRE);
        gboolean nhrp = proto >= 0 && fi_uint(fi_at(a, proto)) == 0x2001;
        r->type = nhrp ? VS_TUN_MGRE : VS_TUN_PLAIN_GRE;
        r->exact = 1;
        guint32 glen = gre_hdr(a, gre);
        set_part(r, P_GRE, gfi, glen, frame);
        if (total < r->part[P_OUTER_IP].bytes + glen)
            return FALSE;
        inner_total = total - r->part[P_OUTER_IP].bytes - glen;
        gboolean v = FALSE;
        int ip2 = next_ip(a, (guint)gre + 1, &v);
        set_part(r, P_INNER, ip2 >= 0 ? fi_at(a, ip2) : NULL, inner_total, frame);
        if (ip2 < 0) {
            r->part[P_INNER].in_frame = TRUE;
            r->part[P_INNER].off = (guint32)gfi->start + glen;
        }
    }
    if (inner_total <= total) {
        r->overhead = total - inner_total;
        r->overhead_known = TRUE;
    }
    return TRUE;
}

/* The breakdown as a core tree, rendered like every decoder's result. */
static vs_tree *to_tree(const oh_result *r, const guint8 *buf, size_t len)
{
    vs_tree *t = vs_ws_tree_new(buf, len);
    uint16_t root = vs_open(t, VS_F_OVERHEAD, vs_span_at(r->total_off, r->total), r->type);
    vs_add_gen(t, VS_F_OH_TYPE, vs_span_at(r->total_off, 0), r->type);
    vs_add_gen(t, VS_F_OH_NATT, vs_span_at(r->total_off, 0), r->natt);
    for (int p = 0; p < P__COUNT; p++) {
        const oh_part *pt = &r->part[p];
        if (!pt->present)
            continue;
        if (pt->in_frame)
            vs_add(t, part_field[p], vs_span_at(pt->off, pt->bytes), pt->bytes);
        else
            vs_add_gen(t, part_field[p], vs_span_at(r->total_off, 0), pt->bytes);
    }
    vs_add_gen(t, VS_F_OH_TOTAL, vs_span_at(r->total_off, 0), r->total);
    if (r->overhead_known)
        vs_add_gen(t, VS_F_OH_BYTES, vs_span_at(r->total_off, 0), r->overhead);
    vs_add_gen(t, VS_F_OH_EXACT, vs_span_at(r->total_off, 0), r->exact);
    if (r->fragment)
        vs_problem(t, VS_P_OH_FRAGMENT, root, vs_span_at(r->total_off, 0), 0);
    if (r->exact == 2)
        vs_problem(t, VS_P_OH_UNKNOWN_SPLIT, root, vs_span_at(r->part[P_ENCRYPTED].off, 0), 0);
    vs_close(t);
    return t;
}

static int dissect_overhead(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    oh_result *r = p_get_proto_data(wmem_file_scope(), pinfo, proto_oh, 0);
    if (!PINFO_FD_VISITED(pinfo) && !r) {
        walk w = {g_ptr_array_new()};
        if (tree)
            proto_tree_children_foreach(tree, collect, &w);
        oh_result tmp;
        if (analyse(w.fis, tvb, &tmp)) {
            r = wmem_new(wmem_file_scope(), oh_result);
            *r = tmp;
            p_add_proto_data(wmem_file_scope(), pinfo, proto_oh, 0, r);
        }
        g_ptr_array_free(w.fis, TRUE);
    }
    if (!r)
        return 0;
    size_t cap, wire;
    const guint8 *buf = vs_ws_bytes(tvb, &cap, &wire);
    vs_ws_render(to_tree(r, buf, cap), tvb, pinfo, tree);
    if (r->overhead_known && have_tap_listener(vs_ws_tap)) {
        vs_ws_tap_rec *rec = wmem_new0(pinfo->pool, vs_ws_tap_rec);
        rec->kind = VS_TAP_OVERHEAD;
        rec->tunnel = vs_val_name_or(vs_fields[VS_F_OH_TYPE].vals, r->type, "unknown");
        rec->overhead = r->overhead;
        rec->frame_len = r->total;
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
