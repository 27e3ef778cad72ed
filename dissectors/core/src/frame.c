/* The frame stack: link layer -> IP -> UDP / GRE / ESP / AH, nested tunnels,
 * application payload classification (see include/vpnscope/frame.h). */
#include "vpnscope/frame.h"
#include "frame_int.h"

#include <stddef.h>
#include <string.h>

static vs_span sp(size_t off, size_t len) { return vs_span_at(off, len); }

/* Bound on walk steps (layers attempted): guards against self-nesting
 * encapsulations (Cisco MetaData in MetaData, Ethernet in GRE in ...). */
#define VS_FRAME_MAX_STEPS 48

typedef struct walk {
    vs_tree *t;
    vs_frame *f;
    vs_layer scratch; /* target when layers[] is full */
    unsigned steps;
    bool have_trailer;
} walk;

const char *vs_layer_kind_name(vs_layer_kind k)
{
    static const char *const names[] = {"null", "eth", "vlan", "sll", "sll2", "ipv4", "ipv6",
                                        "udp", "natt", "gre", "cmd", "esp", "ah"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *vs_app_kind_name(vs_app_kind k)
{
    static const char *const names[] = {"none", "ike", "gdoi", "nhrp", "esp",
                                        "nat-keepalive", "inner-ip", "fragment", "other"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *vs_frame_reason_name(vs_frame_reason r)
{
    static const char *const names[] = {
        "application payload reached", "link type not supported", "not IP",
        "loopback address family not IPv4/IPv6", "bad IP version", "IP protocol not followed",
        "UDP ports not classified", "GRE protocol type not followed", "GRE keepalive",
        "non-first IP fragment", "tunnel nesting too deep", "too many layers",
        "header cut short by the capture", "header contradicts the packet"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

const vs_layer *vs_frame_layer(const vs_frame *f, vs_layer_kind k, size_t n)
{
    for (size_t i = 0; i < f->n_layers; i++)
        if (f->layers[i].kind == k && n-- == 0)
            return &f->layers[i];
    return NULL;
}

static void merge(vs_frame *f, vs_status st)
{
    if (st > f->status)
        f->status = st;
}

static vs_layer *push(walk *w, vs_layer_kind k, vs_span span, vs_status st)
{
    vs_frame *f = w->f;
    merge(f, st);
    f->n_layers_total++;
    vs_layer *l;
    if (f->n_layers < VS_FRAME_MAX_LAYERS) {
        l = &f->layers[f->n_layers++];
    } else {
        if (f->n_layers_total == VS_FRAME_MAX_LAYERS + 1)
            vs_problem(w->t, VS_P_LINK_TOO_MANY_LAYERS, VS_NO_ITEM, span, VS_FRAME_MAX_LAYERS);
        l = &w->scratch;
    }
    memset(l, 0, sizeof *l);
    l->kind = k;
    l->span = span;
    l->status = st;
    return l;
}

static vs_cksum_verdict verdict(bool present, bool checked, bool ok)
{
    if (!present)
        return VS_CK_ABSENT;
    if (!checked)
        return VS_CK_UNVERIFIED;
    return ok ? VS_CK_GOOD : VS_CK_BAD;
}

static void stop(walk *w, vs_frame_reason r, uint32_t detail)
{
    w->f->reason = r;
    w->f->detail = detail;
}

static void app(walk *w, vs_app_kind k, const vs_cursor *c, vs_frame_reason r, uint32_t detail)
{
    vs_frame *f = w->f;
    f->app = k;
    f->app_cur = *c;
    size_t left = vs_cur_left(c);
    f->app_span = sp(c->pos, c->status == VS_OK ? left : 0);
    stop(w, r, detail);
}

/* A header's failure ends the walk with the matching reason. */
static bool failed(walk *w, vs_status st)
{
    if (st == VS_OK)
        return false;
    stop(w, st == VS_TRUNCATED ? VS_FR_TRUNCATED : VS_FR_MALFORMED, 0);
    return true;
}

static void ethertype_next(walk *w, vs_cursor *c, uint16_t et, bool in_gre);
static void ip_layer(walk *w, vs_cursor *c, int want_version);
static void ip_proto(walk *w, vs_cursor *c, uint8_t proto, const vs_ip_msg *ip);

static bool step(walk *w, const vs_cursor *c)
{
    if (++w->steps > VS_FRAME_MAX_STEPS) {
        vs_problem(w->t, VS_P_LINK_TOO_MANY_LAYERS, VS_NO_ITEM, sp(c->pos, 0), w->steps);
        stop(w, VS_FR_LAYER_LIMIT, w->steps);
        return false;
    }
    return true;
}

/* ---- link layers ---------------------------------------------------- */

/* Ethernet II / 802.3, then any number of 802.1Q (0x8100), 802.1ad (0x88A8)
 * or pre-standard QinQ (0x9100, 0x9200) tags:
 *   | dst (6) | src (6) | [TPID (2) | PCP:3 DEI:1 VID:12 ]* | EtherType (2) | */
static void ethernet(walk *w, vs_cursor *c)
{
    vs_tree *t = w->t;
    size_t start = c->pos;
    uint16_t root = vs_open(t, VS_F_LINK, sp(start, 14), VS_LINKTYPE_ETHERNET);
    vs_rd_bytes(c, t, VS_F_LINK_ETH_DST, 6);
    vs_rd_bytes(c, t, VS_F_LINK_ETH_SRC, 6);
    vs_span es = sp(c->pos, 2);
    uint16_t et = vs_u16(c);
    vs_layer *l = push(w, VS_L_ETH, sp(start, vs_cur_left(c) + (c->pos - start)), c->status);
    if (c->status != VS_OK) {
        vs_report_status(t, c, VS_P_LINK_TRUNCATED, VS_P_LINK_MALFORMED);
        vs_close(t);
        failed(w, c->status);
        return;
    }
    l->u.link.ethertype = et;
    if (et <= 1500) {
        vs_add(t, VS_F_LINK_ETH_LEN, es, et);
        vs_close(t);
        vs_problem(t, VS_P_LINK_NOT_IP, root, es, et);
        stop(w, VS_FR_NOT_IP, et);
        return;
    }
    vs_add(t, VS_F_LINK_ETHERTYPE, es, et);
    while (et == VS_ETH_VLAN || et == VS_ETH_QINQ || et == VS_ETH_QINQ_OLD || et == 0x9200) {
        if (!step(w, c))
            break;
        size_t vs = c->pos;
        vs_open(t, VS_F_LINK_VLAN, sp(es.off, 6), et);
        vs_span ts = sp(c->pos, 2);
        uint16_t tci = vs_u16(c);
        if (c->status == VS_OK) {
            vs_add_bits(t, VS_F_LINK_VLAN_PCP, ts, tci);
            vs_add_bits(t, VS_F_LINK_VLAN_DEI, ts, tci);
            vs_add_bits(t, VS_F_LINK_VLAN_ID, ts, tci);
        }
        es = sp(c->pos, 2);
        uint16_t inner = vs_rd_u16(c, t, VS_F_LINK_ETHERTYPE);
        vs_close(t);
        vs_layer *v = push(w, VS_L_VLAN, sp(vs - 2, vs_cur_left(c) + (c->pos - vs) + 2), c->status);
        v->u.link.vlan_id = tci & 0x0FFF;
        v->u.link.ethertype = inner;
        if (c->status != VS_OK)
            break;
        et = inner;
    }
    vs_set_len(t, root, c->pos);
    vs_report_status(t, c, VS_P_LINK_TRUNCATED, VS_P_LINK_MALFORMED);
    vs_close(t);
    if (failed(w, c->status) || w->f->reason == VS_FR_LAYER_LIMIT)
        return;
    ethertype_next(w, c, et, false);
}

/* Linux cooked v1 (LINKTYPE_LINUX_SLL, 16 bytes):
 *   | packet type (2) | ARPHRD type (2) | addr len (2) | addr (8) | protocol (2) | */
static void sll(walk *w, vs_cursor *c)
{
    vs_tree *t = w->t;
    vs_open(t, VS_F_LINK, sp(c->pos, 16), VS_LINKTYPE_LINUX_SLL);
    vs_rd_u16(c, t, VS_F_LINK_SLL_PKTTYPE);
    vs_rd_u16(c, t, VS_F_LINK_SLL_HATYPE);
    vs_rd_u16(c, t, VS_F_LINK_SLL_HALEN);
    vs_rd_bytes(c, t, VS_F_LINK_SLL_ADDR, 8);
    uint16_t et = vs_rd_u16(c, t, VS_F_LINK_ETHERTYPE);
    vs_report_status(t, c, VS_P_LINK_TRUNCATED, VS_P_LINK_MALFORMED);
    vs_close(t);
    vs_layer *l = push(w, VS_L_SLL, sp(0, vs_cur_left(c) + c->pos), c->status);
    l->u.link.ethertype = et;
    if (failed(w, c->status))
        return;
    ethertype_next(w, c, et, false);
}

/* Linux cooked v2 (LINKTYPE_LINUX_SLL2, 20 bytes):
 *   | protocol (2) | reserved (2) | ifindex (4) | ARPHRD type (2) |
 *   | packet type (1) | addr len (1) | addr (8) | */
static void sll2(walk *w, vs_cursor *c)
{
    vs_tree *t = w->t;
    vs_open(t, VS_F_LINK, sp(c->pos, 20), VS_LINKTYPE_LINUX_SLL2);
    uint16_t et = vs_rd_u16(c, t, VS_F_LINK_ETHERTYPE);
    vs_rd_u16(c, t, VS_F_LINK_SLL_RESERVED);
    vs_rd_u32(c, t, VS_F_LINK_SLL_IFINDEX);
    vs_rd_u16(c, t, VS_F_LINK_SLL_HATYPE);
    vs_span ps = sp(c->pos, 1);
    uint8_t pt = vs_u8(c);
    if (c->status == VS_OK)
        vs_add(t, VS_F_LINK_SLL_PKTTYPE, ps, pt);
    vs_span hs = sp(c->pos, 1);
    uint8_t hl = vs_u8(c);
    if (c->status == VS_OK)
        vs_add(t, VS_F_LINK_SLL_HALEN, hs, hl);
    vs_rd_bytes(c, t, VS_F_LINK_SLL_ADDR, 8);
    vs_report_status(t, c, VS_P_LINK_TRUNCATED, VS_P_LINK_MALFORMED);
    vs_close(t);
    vs_layer *l = push(w, VS_L_SLL2, sp(0, vs_cur_left(c) + c->pos), c->status);
    l->u.link.ethertype = et;
    if (failed(w, c->status))
        return;
    ethertype_next(w, c, et, false);
}

/* BSD loopback: a 4-byte address family in the writer's byte order
 * (LINKTYPE_NULL) or network order (LINKTYPE_LOOP); both orders accepted for
 * both, since captures moved between hosts keep the writer's order.
 * AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 23 (Windows), 24 (NetBSD,
 * OpenBSD), 28 (FreeBSD), 30 (Darwin). */
static void null_link(walk *w, vs_cursor *c, int linktype)
{
    vs_tree *t = w->t;
    vs_open(t, VS_F_LINK, sp(c->pos, 4), (uint64_t)linktype);
    vs_span fs = sp(c->pos, 4);
    const uint8_t *b = vs_bytes(c, 4);
    uint32_t fam = 0;
    if (b) {
        if (b[0] == 0 && b[1] == 0)
            fam = (uint32_t)b[2] << 8 | b[3];
        else
            fam = (uint32_t)b[0] | (uint32_t)b[1] << 8;
        vs_add(t, VS_F_LINK_NULL_FAMILY, fs, fam);
    }
    vs_report_status(t, c, VS_P_LINK_TRUNCATED, VS_P_LINK_MALFORMED);
    vs_close(t);
    vs_layer *l = push(w, VS_L_NULL, sp(0, vs_cur_left(c) + c->pos), c->status);
    l->u.link.family = fam;
    if (failed(w, c->status))
        return;
    if (fam == 2) {
        ip_layer(w, c, 4);
    } else if (fam == 10 || fam == 23 || fam == 24 || fam == 28 || fam == 30) {
        ip_layer(w, c, 6);
    } else {
        vs_problem(t, VS_P_LINK_NOT_IP, VS_NO_ITEM, fs, fam);
        stop(w, VS_FR_NULL_FAMILY, fam);
    }
}

/* ---- network and tunnel layers -------------------------------------- */

static void ethertype_next(walk *w, vs_cursor *c, uint16_t et, bool in_gre)
{
    if (!step(w, c))
        return;
    switch (et) {
    case VS_ETH_IPV4:
        ip_layer(w, c, 4);
        return;
    case VS_ETH_IPV6:
        ip_layer(w, c, 6);
        return;
    case VS_ETH_NHRP:
        app(w, VS_APP_NHRP, c, VS_FR_APP, et);
        return;
    case VS_ETH_TEB:
        ethernet(w, c);
        return;
    case VS_ETH_CMD: {
        vs_cmd_msg m;
        size_t start = c->pos;
        vs_cmd_decode(c, w->t, &m);
        vs_layer *l = push(w, VS_L_CMD, sp(start, vs_cur_left(c) + (c->pos - start)), c->status);
        l->u.cmd.ethertype = m.ethertype;
        l->u.cmd.sgt = m.sgt;
        if (failed(w, c->status))
            return;
        ethertype_next(w, c, m.ethertype, in_gre);
        return;
    }
    case VS_ETH_KEEPALIVE:
        if (in_gre) {
            app(w, VS_APP_OTHER, c, VS_FR_GRE_KEEPALIVE, et);
            return;
        }
        break;
    default:
        break;
    }
    if (in_gre) {
        app(w, VS_APP_OTHER, c, VS_FR_GRE_PROTO, et);
    } else {
        vs_problem(w->t, VS_P_LINK_NOT_IP, VS_NO_ITEM, sp(c->pos, 0), et);
        stop(w, VS_FR_NOT_IP, et);
    }
}

static void ip_layer(walk *w, vs_cursor *c, int want)
{
    vs_frame *f = w->f;
    if (!step(w, c))
        return;
    if (f->ip_depth >= VS_FRAME_MAX_IP_DEPTH) {
        vs_problem(w->t, VS_P_LINK_DEPTH, VS_NO_ITEM, sp(c->pos, 0), f->ip_depth);
        app(w, VS_APP_INNER_IP, c, VS_FR_DEPTH_LIMIT, (uint32_t)f->ip_depth);
        return;
    }
    uint8_t b = 0;
    bool have = vs_peek_u8(c, 0, &b);
    int ver = have ? b >> 4 : want;
    if (want == 0) {
        if (have && ver != 4 && ver != 6) {
            vs_problem(w->t, VS_P_LINK_VERSION_MISMATCH, VS_NO_ITEM, sp(c->pos, 1), (uint64_t)ver);
            merge(f, VS_MALFORMED);
            stop(w, VS_FR_IP_VERSION, (uint32_t)ver);
            return;
        }
        want = ver == 6 ? 6 : 4;
    }
    vs_ip_msg ip;
    size_t start = c->pos;
    bool outer = f->ip_depth == 0;
    vs_status st = want == 6 ? vs_ipv6_decode(c, w->t, &ip) : vs_ipv4_decode(c, w->t, &ip);
    f->ip_depth++;
    vs_layer *l = push(w, want == 6 ? VS_L_IPV6 : VS_L_IPV4,
                       sp(start, ip.total_len ? ip.total_len : vs_cur_avail(c)), st);
    l->u.ip.version = ip.version;
    l->u.ip.proto = ip.proto;
    memcpy(l->u.ip.src, ip.src, 16);
    memcpy(l->u.ip.dst, ip.dst, 16);
    l->u.ip.fragment = ip.is_fragment;
    l->u.ip.mf = ip.mf;
    l->u.ip.frag_off = ip.frag_off;
    l->u.ip.frag_id = ip.frag_id;
    l->cksum = verdict(want == 4 && ip.ihl >= 5, ip.cksum_checked, ip.cksum_ok);
    if (outer && c->status == VS_OK && vs_cur_avail(c) > 0) {
        /* Ethernet padding / FCS after the packet: not part of the PDU. */
        f->trailer = sp(c->pos, vs_cur_avail(c));
        w->have_trailer = true;
    }
    if (have && ver != want) {
        /* The IP decoder reported the bad version itself. */
        stop(w, VS_FR_IP_VERSION, (uint32_t)ver);
        return;
    }
    if (failed(w, ip.payload_cur.status))
        return;
    if (ip.is_fragment && ip.frag_off != 0) {
        app(w, VS_APP_FRAGMENT, &ip.payload_cur, VS_FR_FRAGMENT, ip.frag_off);
        return;
    }
    vs_cursor pc = ip.payload_cur;
    ip_proto(w, &pc, ip.proto, &ip);
}

static void udp_layer(walk *w, vs_cursor *c, const vs_ip_msg *ip)
{
    vs_udp_msg u;
    size_t start = c->pos;
    vs_status st = vs_udp_decode(c, w->t, ip, &u);
    vs_layer *l = push(w, VS_L_UDP, sp(start, u.length ? u.length : 8), st);
    l->u.udp.sport = u.sport;
    l->u.udp.dport = u.dport;
    l->u.udp.length = u.length;
    l->cksum = verdict(u.cksum != 0, u.cksum_checked, u.cksum_ok);
    if (failed(w, u.payload_cur.status))
        return;
    uint16_t ports[2] = {u.dport, u.sport};
    for (int i = 0; i < 2; i++) {
        switch (ports[i]) {
        case VS_PORT_IKE:
            app(w, VS_APP_IKE, &u.payload_cur, VS_FR_APP, VS_PORT_IKE);
            return;
        case VS_PORT_GDOI:
            app(w, VS_APP_GDOI, &u.payload_cur, VS_FR_APP, VS_PORT_GDOI);
            return;
        case VS_PORT_NATT: {
            vs_natt_msg *n = &u.natt;
            vs_layer *nl = push(w, VS_L_NATT, u.payload, n->payload_cur.status);
            nl->u.natt.kind = n->kind;
            if (failed(w, n->payload_cur.status))
                return;
            switch (n->kind) {
            case VS_NATT_KEEPALIVE:
                app(w, VS_APP_NATT_KEEPALIVE, &n->payload_cur, VS_FR_APP, VS_PORT_NATT);
                return;
            case VS_NATT_IKE:
                app(w, VS_APP_IKE, &n->payload_cur, VS_FR_APP, VS_PORT_NATT);
                return;
            case VS_NATT_ESP: {
                vs_cursor ec = n->payload_cur;
                vs_esp_msg e;
                size_t es = ec.pos;
                vs_status est = vs_esp_decode(&ec, w->t, &e);
                vs_layer *el = push(w, VS_L_ESP, e.span, est);
                el->u.esp.spi = e.spi;
                el->u.esp.seq = e.seq;
                vs_cursor ac = n->payload_cur;
                ac.pos = es;
                app(w, VS_APP_ESP, &ac, VS_FR_APP, VS_PORT_NATT);
                return;
            }
            default:
                app(w, VS_APP_OTHER, &n->payload_cur, VS_FR_APP, VS_PORT_NATT);
                return;
            }
        }
        default:
            break;
        }
    }
    app(w, VS_APP_OTHER, &u.payload_cur, VS_FR_UDP_PORT, u.dport);
}

static void gre_layer(walk *w, vs_cursor *c, const vs_ip_msg *ip)
{
    vs_gre_msg g;
    size_t start = c->pos;
    vs_status st = vs_gre_decode(c, w->t, ip, &g);
    vs_layer *l = push(w, VS_L_GRE, sp(start, g.span.len), st);
    l->u.gre.flags_ver = g.flags_ver;
    l->u.gre.proto = g.proto;
    l->u.gre.has_key = g.has_key;
    l->u.gre.has_seq = g.has_seq;
    l->u.gre.key = g.key;
    l->u.gre.seq = g.seq;
    l->cksum = verdict(g.has_cksum, g.cksum_checked, g.cksum_ok);
    if (failed(w, g.payload_cur.status))
        return;
    vs_cursor pc = g.payload_cur;
    ethertype_next(w, &pc, g.proto, true);
}

/* ip: the header of the packet whose payload this is (UDP/GRE checksums,
 * fragment state). */
static void ip_proto(walk *w, vs_cursor *c, uint8_t proto, const vs_ip_msg *ip)
{
    if (!step(w, c))
        return;
    switch (proto) {
    case VS_IPPROTO_UDP:
        udp_layer(w, c, ip);
        return;
    case VS_IPPROTO_GRE:
        gre_layer(w, c, ip);
        return;
    case VS_IPPROTO_ESP: {
        vs_cursor ec = *c;
        vs_esp_msg e;
        vs_status st = vs_esp_decode(&ec, w->t, &e);
        vs_layer *l = push(w, VS_L_ESP, e.span, st);
        l->u.esp.spi = e.spi;
        l->u.esp.seq = e.seq;
        app(w, VS_APP_ESP, c, VS_FR_APP, VS_IPPROTO_ESP);
        return;
    }
    case VS_IPPROTO_AH: {
        vs_ah_msg a;
        size_t start = c->pos;
        vs_status st = vs_ah_decode(c, w->t, &a);
        vs_layer *l = push(w, VS_L_AH, sp(start, a.hdr_len), st);
        l->u.esp.spi = a.spi;
        l->u.esp.seq = a.seq;
        l->u.esp.next_header = a.next_header;
        if (failed(w, st))
            return;
        /* AH authenticates but does not hide: what follows is cleartext. The
         * pseudo-header checksum of UDP/GRE under AH uses the same IP header. */
        ip_proto(w, c, a.next_header, ip);
        return;
    }
    case VS_IPPROTO_IPIP:
        ip_layer(w, c, 4);
        return;
    case VS_IPPROTO_IPV6:
        ip_layer(w, c, 6);
        return;
    case VS_IPPROTO_NARP:
        app(w, VS_APP_NHRP, c, VS_FR_APP, proto);
        return;
    default:
        app(w, VS_APP_OTHER, c, VS_FR_IP_PROTO, proto);
        return;
    }
}

/* The frame of nearly every packet of a big ESP capture, without the walk:
 * Ethernet II (with at most one 802.1Q tag), a 20-byte IPv4 header that is
 * whole, consistent (length to the end of the capture, checksum good) and not
 * a fragment, then ESP, directly or in UDP 4500 (NAT-T). Only without a tree (nothing to show, no problems to
 * record: the analyzer's case). It fills exactly what the walk below fills
 * for such a frame; the unit tests and fuzz_frame compare the two. false:
 * take the walk. */
bool vs__frame_fast_esp(int linktype, const uint8_t *d, size_t caplen, size_t wirelen, vs_frame *out)
{
    if (linktype != VS_LINKTYPE_ETHERNET || wirelen > caplen || caplen < 14 + 28)
        return false;
    size_t o = 14; /* where IPv4 starts */
    bool tag = d[12] == 0x81 && d[13] == 0x00;
    if (tag) {
        o = 18;
        if (caplen < 18 + 28 || d[16] != 0x08 || d[17] != 0x00)
            return false;
    } else if (d[12] != 0x08 || d[13] != 0x00) {
        return false;
    }
    const uint8_t *ip = d + o;
    size_t tl = (size_t)ip[2] << 8 | ip[3];
    if (ip[0] != 0x45 || tl < 28 || o + tl != caplen ||
        (ip[9] != VS_IPPROTO_ESP && ip[9] != VS_IPPROTO_UDP) || ((ip[6] & 0xBF) | ip[7]) != 0 ||
        vs_inet_fold(vs_inet_sum(ip, 20, 0)) != 0)
        return false;
    size_t e = o + 20; /* where ESP starts */
    const uint8_t *u = ip + 20;
    bool udp = ip[9] == VS_IPPROTO_UDP;
    if (udp) {
        /* RFC 3948 ESP in UDP 4500: the UDP length to the end of the packet,
         * checksum 0 (what senders use; a checksum to verify takes the walk),
         * 4500 where the walk looks for it first (destination, then source,
         * 500 and 848 being IKE and GDOI), a non-zero SPI where the non-ESP
         * marker would be, and a whole ESP header */
        unsigned sport = (unsigned)u[0] << 8 | u[1], dport = (unsigned)u[2] << 8 | u[3];
        size_t ulen = (size_t)u[4] << 8 | u[5];
        bool natt = dport == VS_PORT_NATT ||
                    (sport == VS_PORT_NATT && dport != VS_PORT_IKE && dport != VS_PORT_GDOI);
        e += 8;
        if (!natt || ulen != tl - 20 || (u[6] | u[7]) != 0 || tl < 20 + 8 + 8 ||
            (d[e] | d[e + 1] | d[e + 2] | d[e + 3]) == 0)
            return false;
    }
    /* each field set, and each layer cleared on its own: one memset of it all
     * compiles to `rep stos`, which costs more here than the rest (perf) */
    size_t n = 3 + tag + 2 * udp;
    out->linktype = linktype;
    out->status = VS_OK;
    out->trailer = sp(0, 0);
    out->n_layers = out->n_layers_total = n;
    out->ip_depth = 1;
    vs_layer *l = out->layers;
    for (size_t i = 0; i < n; i++)
        memset(&l[i], 0, sizeof l[i]);
    l->kind = VS_L_ETH;
    l->span = sp(0, caplen);
    l->u.link.ethertype = (uint16_t)(d[12] << 8 | d[13]);
    l++;
    if (tag) {
        l->kind = VS_L_VLAN;
        l->span = sp(12, caplen - 12);
        l->u.link.vlan_id = (uint16_t)((d[14] & 0x0F) << 8 | d[15]);
        l->u.link.ethertype = 0x0800;
        l++;
    }
    l->kind = VS_L_IPV4;
    l->cksum = VS_CK_GOOD;
    l->span = sp(o, tl);
    l->u.ip.version = 4;
    l->u.ip.proto = ip[9];
    memcpy(l->u.ip.src, ip + 12, 4);
    memcpy(l->u.ip.dst, ip + 16, 4);
    l->u.ip.frag_id = (uint32_t)ip[4] << 8 | ip[5];
    l++;
    if (udp) {
        l->kind = VS_L_UDP;
        l->span = sp(o + 20, tl - 20);
        l->u.udp.sport = (uint16_t)(u[0] << 8 | u[1]);
        l->u.udp.dport = (uint16_t)(u[2] << 8 | u[3]);
        l->u.udp.length = (uint16_t)(tl - 20);
        l++;
        l->kind = VS_L_NATT;
        l->span = sp(e, caplen - e);
        l->u.natt.kind = VS_NATT_ESP;
        l++;
    }
    const uint8_t *p = d + e;
    l->kind = VS_L_ESP;
    l->span = sp(e, caplen - e);
    l->u.esp.spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    l->u.esp.seq = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
    out->app = VS_APP_ESP;
    out->reason = VS_FR_APP;
    out->detail = udp ? VS_PORT_NATT : VS_IPPROTO_ESP;
    out->app_span = sp(e, caplen - e);
    out->app_cur = (vs_cursor){d, e, caplen, caplen, VS_OK};
    return true;
}

vs_status vs_frame_decode(int linktype, const uint8_t *data, size_t caplen, size_t wirelen,
                          vs_tree *t, vs_frame *out)
{
    if (!t && vs__frame_fast_esp(linktype, data, caplen, wirelen, out))
        return VS_OK;
    memset(out, 0, offsetof(vs_frame, layers)); /* push() clears each layer it uses */
    out->linktype = linktype;
    if (wirelen < caplen)
        wirelen = caplen;
    vs_cursor c;
    vs_cur_init(&c, data, caplen, wirelen);
    walk w;
    memset(&w, 0, sizeof w);
    w.t = t;
    w.f = out;
    switch (linktype) {
    case VS_LINKTYPE_ETHERNET:
        ethernet(&w, &c);
        break;
    case VS_LINKTYPE_LINUX_SLL:
        sll(&w, &c);
        break;
    case VS_LINKTYPE_LINUX_SLL2:
        sll2(&w, &c);
        break;
    case VS_LINKTYPE_NULL:
    case VS_LINKTYPE_LOOP:
        null_link(&w, &c, linktype);
        break;
    case VS_LINKTYPE_RAW_12:
    case VS_LINKTYPE_RAW_14:
    case VS_LINKTYPE_RAW:
        ip_layer(&w, &c, 0);
        break;
    case VS_LINKTYPE_IPV4:
    case VS_LINKTYPE_IPV6: {
        int want = linktype == VS_LINKTYPE_IPV4 ? 4 : 6;
        uint8_t b;
        if (vs_peek_u8(&c, 0, &b) && (b >> 4) != want) {
            vs_problem(t, VS_P_LINK_VERSION_MISMATCH, VS_NO_ITEM, sp(0, 1), b >> 4);
            merge(out, VS_MALFORMED);
            stop(&w, VS_FR_IP_VERSION, b >> 4);
            break;
        }
        ip_layer(&w, &c, want);
        break;
    }
    default:
        vs_open(t, VS_F_LINK, sp(0, caplen), (uint64_t)linktype);
        vs_add_gen(t, VS_F_LINK_TYPE, sp(0, 0), (uint64_t)(unsigned)linktype);
        vs_problem(t, VS_P_LINK_UNSUPPORTED, VS_NO_ITEM, sp(0, 0), (uint64_t)(unsigned)linktype);
        vs_close(t);
        stop(&w, VS_FR_LINKTYPE_UNSUPPORTED, (uint32_t)linktype);
        break;
    }
    if (w.have_trailer) {
        vs_open(t, VS_F_LINK, out->trailer, (uint64_t)linktype);
        vs_add(t, VS_F_LINK_TRAILER, out->trailer, out->trailer.len);
        vs_close(t);
    }
    return out->status;
}
