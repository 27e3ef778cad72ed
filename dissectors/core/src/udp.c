/* UDP (RFC 768) and the RFC 3948 UDP 4500 demultiplexing (see udp.h). */
#include "vpnscope/udp.h"

#include <string.h>

static vs_span sp(size_t off, size_t len) { return vs_span_at(off, len); }

const char *vs_natt_kind_name(vs_natt_kind k)
{
    return vs_val_name_or(vs_vals_udp_natt_kind, k, "?");
}

/* RFC 3948 section 2:
 *   NAT-keepalive:   a single octet 0xFF                     (2.3)
 *   IKE:             Non-ESP Marker (4 zero octets) | IKE    (2.2)
 *   ESP:             SPI (non-zero) | Sequence | ...         (2.1)
 */
vs_status vs_udp_natt_decode(vs_cursor *c, vs_tree *t, vs_natt_msg *out)
{
    vs_natt_msg local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    size_t start = c->pos;
    size_t left = vs_cur_left(c);
    vs_cursor r = *c;
    uint16_t kind_item = vs_open(t, VS_F_UDP_NATT_KIND, sp(start, left), 0);
    if (t && kind_item != VS_NO_ITEM)
        t->items[kind_item].flags |= VS_IF_GENERATED;
    if (left == 1) {
        vs_span b = sp(r.pos, 1);
        uint8_t v = vs_u8(&r);
        if (r.status == VS_OK && v == 0xFF) {
            out->kind = VS_NATT_KEEPALIVE;
            vs_add(t, VS_F_UDP_NATT_KEEPALIVE, b, v);
        }
        if (r.status == VS_OK)
            r.pos = start; /* the payload span is the keepalive byte itself */
        out->payload = sp(start, 1);
    } else if (left >= 4) {
        vs_span m = sp(r.pos, 4);
        uint32_t marker = vs_u32(&r);
        if (r.status == VS_OK) {
            if (marker == 0) {
                out->kind = VS_NATT_IKE;
                vs_add(t, VS_F_UDP_NATT_MARKER, m, 0);
                out->payload = sp(start + 4, left - 4);
                if (left == 4)
                    vs_problem(t, VS_P_UDP_NATT_IKE_EMPTY, VS_NO_ITEM, m, 0);
            } else {
                out->kind = VS_NATT_ESP;
                out->payload = sp(start, left);
                r.pos = start; /* ESP starts at the SPI */
            }
        }
    }
    vs_set_value(t, kind_item, out->kind);
    if (r.status == VS_OK && out->kind == VS_NATT_INVALID) {
        vs_problem(t, VS_P_UDP_NATT_INVALID, kind_item, sp(start, left), left);
        r.pos = start;
    }
    vs_close(t);
    out->payload_cur = r;
    if (out->kind == VS_NATT_INVALID)
        out->payload = sp(start, left);
    vs_cur_fail(c, r.status);
    if (r.status == VS_OK)
        c->pos = r.pos;
    return r.status;
}

/* RFC 768:
 *   |          Source Port          |       Destination Port        |
 *   |             Length            |           Checksum            |
 *   |                          data octets ...
 */
vs_status vs_udp_decode(vs_cursor *c, vs_tree *t, const vs_ip_msg *ip, vs_udp_msg *out)
{
    vs_udp_msg local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    size_t start = c->pos;
    vs_status extra = VS_OK;
    vs_open(t, VS_F_UDP, sp(start, 8), 0);
    out->sport = vs_rd_u16(c, t, VS_F_UDP_SRCPORT);
    out->dport = vs_rd_u16(c, t, VS_F_UDP_DSTPORT);
    vs_span ls = sp(c->pos, 2);
    out->length = vs_rd_u16(c, t, VS_F_UDP_LENGTH);
    vs_span cs = sp(c->pos, 2);
    out->cksum = vs_rd_u16(c, t, VS_F_UDP_CHECKSUM);
    out->payload_cur = *c;
    if (c->status != VS_OK) {
        vs_close(t);
        vs_report_status(t, c, VS_P_UDP_TRUNCATED, VS_P_UDP_MALFORMED);
        return c->status;
    }
    bool frag = ip && ip->is_fragment;
    size_t left = vs_cur_left(c); /* IP payload after the UDP header */
    vs_cursor pl;
    bool followable = true;
    if (out->length < 8) {
        vs_problem(t, VS_P_UDP_LENGTH_SHORT, VS_NO_ITEM, ls, out->length);
        extra = VS_MALFORMED;
        followable = false;
        vs_cur_rest(c, &pl);
    } else if ((size_t)out->length - 8 > left && c->end != VS_LEN_UNKNOWN) {
        vs_cur_rest(c, &pl);
        if (!frag) {
            vs_problem(t, VS_P_UDP_LENGTH_BEYOND, VS_NO_ITEM, ls, out->length);
            extra = VS_MALFORMED;
            followable = false;
        }
    } else {
        vs_cur_sub(c, (size_t)out->length - 8, &pl);
    }
    out->span = sp(start, out->length);
    out->payload = sp(start + 8, out->length >= 8 ? out->length - 8u : 0u);

    /* Checksum over the pseudo-header (RFC 768; RFC 8200 section 8.1). */
    if (out->cksum == 0) {
        if (ip && ip->version == 6)
            vs_problem(t, VS_P_UDP_CHECKSUM_ZERO_V6, VS_NO_ITEM, cs, 0);
    } else if (ip && !frag && followable && pl.cap == pl.end) {
        const uint8_t *p = c->buf + start;
        uint32_t ps = vs_ip_pseudo_sum(ip, VS_IPPROTO_UDP, out->length);
        uint32_t s = vs_inet_sum(p, 6, ps);
        s = vs_inet_sum(p + 8, (size_t)out->length - 8, s);
        out->cksum_calc = vs_inet_fold(s);
        if (out->cksum_calc == 0)
            out->cksum_calc = 0xFFFF; /* RFC 768: a computed zero is sent as all ones */
        out->cksum_checked = true;
        out->cksum_ok = vs_inet_cksum(p, out->length, ps) == 0;
        vs_add_gen(t, VS_F_UDP_CHECKSUM_CALC, cs, out->cksum_calc);
        uint16_t g = vs_add_gen(t, VS_F_UDP_CHECKSUM_GOOD, cs, out->cksum_ok);
        if (!out->cksum_ok)
            vs_problem(t, VS_P_UDP_CHECKSUM_BAD, g, cs, out->cksum_calc);
    }

    out->payload_cur = pl;
    if (!followable && out->payload_cur.status == VS_OK)
        out->payload_cur.status = VS_MALFORMED;
    vs_status st = extra;
    if (followable) {
        vs_cursor r = pl;
        vs_skip(&r, vs_cur_left(&r));
        if (r.status > st)
            st = r.status;
        /* Surplus area after the UDP length (draft-ietf-tsvwg-udp-options). */
        if (vs_cur_left(c) > 0 && !frag) {
            vs_problem(t, VS_P_UDP_LENGTH_SURPLUS, VS_NO_ITEM, ls, vs_cur_left(c));
            vs_rd_bytes(c, t, VS_F_UDP_SURPLUS, vs_cur_left(c));
        }
    }
    if (followable && (out->sport == VS_PORT_NATT || out->dport == VS_PORT_NATT)) {
        vs_cursor n = pl;
        out->natt_present = true;
        vs_udp_natt_decode(&n, t, &out->natt);
    }
    vs_close(t);
    vs_cur_fail(c, st);
    vs_cursor rep = *c;
    vs_report_status(t, &rep, VS_P_UDP_TRUNCATED, VS_P_UDP_MALFORMED);
    return c->status;
}
