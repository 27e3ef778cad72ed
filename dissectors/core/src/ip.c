/* IPv4 (RFC 791) and IPv6 (RFC 8200) decoders (see include/vpnscope/ip.h). */
#include "vpnscope/ip.h"

#include <stddef.h>
#include <string.h>

static vs_span sp(size_t off, size_t len) { return vs_span_at(off, len); }

static vs_status worst(vs_status a, vs_status b) { return a > b ? a : b; }

/* The packet's own extent: length-delimited when the length fits the
 * enclosing PDU; otherwise the rest of it (the caller reports MALFORMED but
 * still shows the header). Returns false in the second case. */
static bool packet_cursor(vs_cursor *c, size_t total, vs_cursor *pkt)
{
    if (c->end != VS_LEN_UNKNOWN && total > c->end - c->pos) {
        vs_cur_rest(c, pkt);
        return false;
    }
    vs_cur_sub(c, total, pkt);
    return true;
}

/* Consume the rest of a cursor so that a payload the capture cut short turns
 * the status into TRUNCATED. */
static vs_status consume_rest(const vs_cursor *c)
{
    vs_cursor r = *c;
    if (r.status == VS_OK)
        vs_skip(&r, vs_cur_left(&r));
    return r.status;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Finish: merge statuses into the caller's cursor and report once. */
static vs_status finish(vs_cursor *c, vs_tree *t, const vs_cursor *at, vs_status st,
                        vs_problem_id trunc, vs_problem_id malf)
{
    vs_cursor r = *at;
    r.status = st;
    vs_report_status(t, &r, trunc, malf);
    vs_cur_fail(c, st);
    return st;
}


/* ------------------------------------------------------------------------ */
/* RFC 791 section 3.1, options:
 *   single octet: 0 End of Option List, 1 No Operation
 *   otherwise:    type (copied:1 class:2 number:5) | length | data
 * Record Route (7), Loose (131) / Strict (137) Source Route:
 *   type | length | pointer | route data (addresses)
 * Internet Timestamp (68):
 *   type | length | pointer | overflow:4 flag:4 | [address] timestamp ...
 */
static void ipv4_option_body(vs_cursor *ob, vs_tree *t, uint8_t type, uint8_t len,
                             vs_ip_msg *out)
{
    switch (type) {
    case 7:
    case 131:
    case 137: {
        /* While the pointer is inside the option the route is not finished
         * and its last address is the final destination (RFC 791, RFC 1122
         * section 4.1.3.4 / 4.2.2.7 pseudo-header). */
        uint8_t ptr = vs_rd_u8(ob, t, VS_F_IP_OPT_PTR);
        bool pending = type != 7 && ptr <= len;
        while (ob->status == VS_OK && vs_cur_left(ob) >= 4) {
            vs_span a = sp(ob->pos, 4);
            const uint8_t *v = vs_bytes(ob, 4);
            if (!v)
                break;
            vs_add(t, VS_F_IP_OPT_ADDR, a, be32(v));
            if (pending)
                memcpy(out->final_dst, v, 4);
        }
        break;
    }
    case 68: {
        vs_rd_u8(ob, t, VS_F_IP_OPT_PTR);
        vs_span fs = sp(ob->pos, 1);
        uint8_t of = vs_u8(ob);
        if (ob->status != VS_OK)
            break;
        vs_add_bits(t, VS_F_IP_OPT_TS_OFLW, fs, of);
        vs_add_bits(t, VS_F_IP_OPT_TS_FLAG, fs, of);
        size_t entry = (of & 0x0F) ? 8 : 4;
        while (ob->status == VS_OK && vs_cur_left(ob) >= entry) {
            if (entry == 8) {
                vs_span a = sp(ob->pos, 4);
                uint32_t v = vs_u32(ob);
                if (ob->status == VS_OK)
                    vs_add(t, VS_F_IP_OPT_ADDR, a, v);
            }
            vs_rd_u32(ob, t, VS_F_IP_OPT_TS_STAMP);
        }
        break;
    }
    case 148:
        if (vs_cur_left(ob) == 2)
            vs_rd_u16(ob, t, VS_F_IP_OPT_RA);
        break;
    default:
        break;
    }
    if (ob->status == VS_OK && vs_cur_left(ob) > 0)
        vs_rd_bytes(ob, t, VS_F_IP_OPT_DATA, vs_cur_left(ob));
}

static void ipv4_options(vs_cursor *oc, vs_tree *t, vs_ip_msg *out)
{
    while (oc->status == VS_OK && !vs_cur_at_end(oc)) {
        size_t os = oc->pos;
        uint8_t type = vs_u8(oc);
        if (oc->status != VS_OK)
            break;
        uint8_t len = 1;
        if (type > 1) {
            len = vs_u8(oc);
            if (oc->status != VS_OK)
                break;
        }
        uint16_t root = vs_open(t, VS_F_IP_OPT, sp(os, type > 1 ? len : 1), type);
        vs_add(t, VS_F_IP_OPT_TYPE, sp(os, 1), type);
        vs_add_bits(t, VS_F_IP_OPT_COPIED, sp(os, 1), type);
        vs_add_bits(t, VS_F_IP_OPT_CLASS, sp(os, 1), type);
        vs_add_bits(t, VS_F_IP_OPT_NUMBER, sp(os, 1), type);
        if (type > 1) {
            vs_add(t, VS_F_IP_OPT_LEN, sp(os + 1, 1), len);
            if (len < 2) {
                vs_problem(t, VS_P_IP_OPT_LEN_BAD, root, sp(os + 1, 1), len);
                vs_cur_fail(oc, VS_MALFORMED);
            } else {
                vs_cursor ob;
                if (vs_cur_sub(oc, (size_t)len - 2, &ob) != VS_OK) {
                    vs_problem(t, VS_P_IP_OPT_LEN_BAD, root, sp(os + 1, 1), len);
                    vs_set_len(t, root, oc->end);
                } else {
                    ipv4_option_body(&ob, t, type, len, out);
                    vs_cur_fail(oc, ob.status);
                }
            }
        }
        vs_close(t);
        if (out->n_opts < VS_IP_MAX_OPTIONS && type > 1) {
            vs_ip_opt *o = &out->opts[out->n_opts++];
            o->type = type;
            o->len = len;
            o->span = sp(os, len);
        }
        if (type > 1)
            out->n_opts_total++;
        if (type == 0) {
            /* After End of Option List only padding follows. */
            if (vs_cur_left(oc) > 0)
                vs_rd_bytes(oc, t, VS_F_IP_OPT_DATA, vs_cur_left(oc));
            break;
        }
    }
}

/* RFC 791 section 3.1:
 *    0                   1                   2                   3
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   |         Identification        |Flags|      Fragment Offset    |
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   |                       Source Address                          |
 *   |                    Destination Address                        |
 *   |                    Options                    |    Padding    |
 */
vs_status vs_ipv4_decode(vs_cursor *c, vs_tree *t, vs_ip_msg *out)
{
    vs_ip_msg local;
    if (!out)
        out = &local;
    memset(out, 0, offsetof(vs_ip_msg, opts)); /* opts[] / ext[] entries are set as used */
    size_t start = c->pos;

    /* Version/IHL and total length decide the extent: read them first. */
    vs_cursor h = *c;
    uint8_t vihl = vs_u8(&h);
    vs_u8(&h);
    uint16_t total = vs_u16(&h);
    if (h.status != VS_OK) {
        vs_open(t, VS_F_IP, sp(start, vs_cur_avail(c)), 0);
        vs_close(t);
        vs_cur_fail(c, h.status);
        vs_report_status(t, &h, VS_P_IP_TRUNCATED, VS_P_IP_MALFORMED);
        c->pos = c->cap;
        out->payload_cur = h;
        return c->status;
    }
    out->version = vihl >> 4;
    out->ihl = vihl & 0x0F;
    vs_status extra = VS_OK;
    bool followable = true;
    size_t hlen = (size_t)out->ihl * 4;
    if (out->version != 4)
        followable = false;
    if (hlen < 20) {
        followable = false;
        hlen = 20; /* show the fixed part anyway */
    }
    out->hdr_len = hlen;
    /* Total length 0 is what captures of TCP segmentation offload show
     * (the NIC fills it in later): take the rest of the enclosing PDU, as
     * Wireshark does, and say so. */
    bool tso = total == 0;
    size_t tlen = tso ? vs_cur_left(c) : total;
    out->total_len = (uint32_t)tlen;
    size_t extent = tlen > hlen ? tlen : hlen;

    vs_open(t, VS_F_IP, sp(start, hlen), 0);
    vs_cursor pkt;
    bool fits = packet_cursor(c, extent, &pkt);
    out->span = sp(start, tlen);

    vs_span b0 = sp(start, 1);
    vs_u8(&pkt);
    if (pkt.status == VS_OK) {
        vs_add_bits(t, VS_F_IP_VERSION, b0, vihl);
        vs_add_bits(t, VS_F_IP_HDR_LEN, b0, vihl);
    }
    if (out->version != 4) {
        vs_problem(t, VS_P_IP_VERSION_BAD, VS_NO_ITEM, b0, out->version);
        extra = VS_MALFORMED;
    }
    if (out->ihl < 5) {
        vs_problem(t, VS_P_IP_HDR_LEN_BAD, VS_NO_ITEM, b0, out->ihl);
        extra = VS_MALFORMED;
    }
    vs_span ds = sp(pkt.pos, 1);
    out->tos = vs_u8(&pkt);
    if (pkt.status == VS_OK) {
        vs_add(t, VS_F_IP_DSFIELD, ds, out->tos);
        vs_add_bits(t, VS_F_IP_DSCP, ds, out->tos);
        vs_add_bits(t, VS_F_IP_ECN, ds, out->tos);
    }
    uint16_t len_item = VS_NO_ITEM;
    {
        vs_span ls = sp(pkt.pos, 2);
        vs_u16(&pkt);
        if (pkt.status == VS_OK)
            len_item = vs_add(t, VS_F_IP_LEN, ls, total);
    }
    out->id = vs_rd_u16(&pkt, t, VS_F_IP_ID);
    out->frag_id = out->id;
    vs_span fs = sp(pkt.pos, 2);
    uint16_t ff = vs_u16(&pkt);
    if (pkt.status == VS_OK) {
        vs_add_bits(t, VS_F_IP_FLAGS, fs, ff);
        vs_add_bits(t, VS_F_IP_FLAG_RB, fs, ff);
        vs_add_bits(t, VS_F_IP_FLAG_DF, fs, ff);
        vs_add_bits(t, VS_F_IP_FLAG_MF, fs, ff);
        vs_add_bits(t, VS_F_IP_FRAG_OFFSET, fs, ff);
        out->rf = (ff & 0x8000) != 0;
        out->df = (ff & 0x4000) != 0;
        out->mf = (ff & 0x2000) != 0;
        out->frag_off = ff & 0x1FFF;
        out->is_fragment = out->mf || out->frag_off != 0;
        if (out->rf)
            vs_problem(t, VS_P_IP_FLAG_RB_SET, VS_NO_ITEM, fs, ff);
    }
    out->ttl = vs_rd_u8(&pkt, t, VS_F_IP_TTL);
    out->nxt = vs_rd_u8(&pkt, t, VS_F_IP_PROTO);
    out->proto = out->nxt;
    vs_span cs = sp(pkt.pos, 2);
    out->cksum = vs_rd_u16(&pkt, t, VS_F_IP_CHECKSUM);
    if (pkt.status == VS_OK && pkt.cap - start >= hlen && out->ihl >= 5) {
        const uint8_t *p = pkt.buf + start;
        uint32_t s = vs_inet_sum(p, 10, 0);
        s = vs_inet_sum(p + 12, hlen - 12, s);
        out->cksum_calc = vs_inet_fold(s);
        out->cksum_checked = true;
        out->cksum_ok = vs_inet_fold(s + out->cksum) == 0; /* the whole header sums to 0xffff */
        vs_add_gen(t, VS_F_IP_CHECKSUM_CALC, cs, out->cksum_calc);
        uint16_t g = vs_add_gen(t, VS_F_IP_CHECKSUM_GOOD, cs, out->cksum_ok);
        if (!out->cksum_ok)
            vs_problem(t, VS_P_IP_CHECKSUM_BAD, g, cs, out->cksum_calc);
    }
    vs_span ss = sp(pkt.pos, 4);
    const uint8_t *src = vs_bytes(&pkt, 4);
    if (src) {
        memcpy(out->src, src, 4);
        vs_add(t, VS_F_IP_SRC, ss, be32(src));
    }
    vs_span dsp = sp(pkt.pos, 4);
    const uint8_t *dst = vs_bytes(&pkt, 4);
    if (dst) {
        memcpy(out->dst, dst, 4);
        memcpy(out->final_dst, dst, 4);
        vs_add(t, VS_F_IP_DST, dsp, be32(dst));
    }
    if (pkt.status == VS_OK && out->is_fragment) {
        vs_add_gen(t, VS_F_IP_FRAGMENT, fs, 1);
        vs_problem(t, VS_P_IP_FRAGMENTED, VS_NO_ITEM, fs, out->frag_off);
    }
    if (pkt.status == VS_OK && out->ihl > 5) {
        vs_cursor oc;
        vs_cur_sub(&pkt, hlen - 20, &oc);
        ipv4_options(&oc, t, out);
        vs_cur_fail(&pkt, oc.status);
    }
    if (!fits) {
        vs_problem(t, VS_P_IP_LEN_BEYOND, len_item, sp(start + 2, 2), total);
        extra = VS_MALFORMED;
    }
    if (tso)
        vs_problem(t, VS_P_IP_LEN_ZERO, len_item, sp(start + 2, 2), tlen);
    if (out->ihl >= 5 && tlen < hlen) {
        vs_problem(t, VS_P_IP_LEN_SHORT, len_item, sp(start + 2, 2), total);
        extra = VS_MALFORMED;
        followable = false;
    }
    vs_close(t);

    /* The payload. */
    out->payload = sp(start + hlen, tlen > hlen ? tlen - hlen : 0);
    out->payload_cur = pkt;
    if (!followable && out->payload_cur.status == VS_OK)
        out->payload_cur.status = VS_MALFORMED;
    vs_status st = worst(pkt.status, extra);
    if (pkt.status == VS_OK && followable)
        st = worst(st, consume_rest(&pkt));
    return finish(c, t, &pkt, st, VS_P_IP_TRUNCATED, VS_P_IP_MALFORMED);
}

/* ------------------------------------------------------------------------ */
/* RFC 8200 section 4.2 options (hop-by-hop and destination options):
 *   Option Type | Opt Data Len | Option Data   (Pad1: a single zero byte) */
static void ipv6_options(vs_cursor *eb, vs_tree *t, vs_ip_msg *out)
{
    while (eb->status == VS_OK && !vs_cur_at_end(eb)) {
        size_t os = eb->pos;
        uint8_t type = vs_u8(eb);
        if (eb->status != VS_OK)
            break;
        uint8_t len = 0;
        if (type != 0) {
            len = vs_u8(eb);
            if (eb->status != VS_OK)
                break;
        }
        uint16_t root = vs_open(t, VS_F_IPV6_OPT, sp(os, type ? 2u + len : 1u), type);
        vs_add(t, VS_F_IPV6_OPT_TYPE, sp(os, 1), type);
        vs_add_bits(t, VS_F_IPV6_OPT_ACTION, sp(os, 1), type);
        vs_add_bits(t, VS_F_IPV6_OPT_CHANGE, sp(os, 1), type);
        if (type != 0) {
            vs_add(t, VS_F_IPV6_OPT_LEN, sp(os + 1, 1), len);
            vs_cursor ob;
            if (vs_cur_sub(eb, len, &ob) != VS_OK) {
                vs_problem(t, VS_P_IPV6_OPT_LEN_BAD, root, sp(os + 1, 1), len);
                vs_set_len(t, root, eb->end);
            } else {
                if (type == 0xC2 && len == 4)
                    out->jumbo = vs_rd_u32(&ob, t, VS_F_IPV6_OPT_JUMBO);
                else if (type == 0x05 && len == 2)
                    vs_rd_u16(&ob, t, VS_F_IPV6_OPT_RA);
                else if (type == 0x04 && len == 1)
                    vs_rd_u8(&ob, t, VS_F_IPV6_OPT_TEL);
                if (ob.status == VS_OK && vs_cur_left(&ob) > 0)
                    vs_rd_bytes(&ob, t, VS_F_IPV6_OPT_DATA, vs_cur_left(&ob));
                vs_cur_fail(eb, ob.status);
            }
        }
        vs_close(t);
    }
}

static bool ipv6_is_ext(uint8_t nh)
{
    return nh == VS_IPPROTO_HOPOPTS || nh == VS_IPPROTO_ROUTING || nh == VS_IPPROTO_FRAGMENT ||
           nh == VS_IPPROTO_DSTOPTS;
}

/* RFC 8200 section 3:
 *   |Version| Traffic Class |           Flow Label                  |
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   |                  Source Address (128 bits)                    |
 *   |               Destination Address (128 bits)                  |
 * then extension headers (section 4): hop-by-hop (0), routing (43),
 * fragment (44), destination options (60); AH (51) and ESP (50) end the
 * chain (the caller decodes them). */
vs_status vs_ipv6_decode(vs_cursor *c, vs_tree *t, vs_ip_msg *out)
{
    vs_ip_msg local;
    if (!out)
        out = &local;
    memset(out, 0, offsetof(vs_ip_msg, opts)); /* opts[] / ext[] entries are set as used */
    size_t start = c->pos;

    vs_cursor h = *c;
    uint32_t w0 = vs_u32(&h);
    uint16_t plen = vs_u16(&h);
    uint8_t nxt = vs_u8(&h);
    if (h.status != VS_OK) {
        vs_open(t, VS_F_IPV6, sp(start, vs_cur_avail(c)), 0);
        vs_close(t);
        vs_cur_fail(c, h.status);
        vs_report_status(t, &h, VS_P_IPV6_TRUNCATED, VS_P_IPV6_MALFORMED);
        c->pos = c->cap;
        out->payload_cur = h;
        return c->status;
    }
    out->version = (uint8_t)(w0 >> 28);
    out->plen = plen;
    out->nxt = nxt;
    vs_status extra = VS_OK;
    bool followable = out->version == 6;
    /* Jumbogram (RFC 2675): payload length 0 with a hop-by-hop header; the
     * jumbo option gives the length, so take the rest of the enclosing PDU
     * for now and bound it below. */
    bool jumbo_mode = plen == 0 && nxt == VS_IPPROTO_HOPOPTS;
    size_t total = 40 + (size_t)plen;

    uint16_t root = vs_open(t, VS_F_IPV6, sp(start, 40), 0);
    vs_cursor pkt;
    bool fits = jumbo_mode ? (vs_cur_rest(c, &pkt), true) : packet_cursor(c, total, &pkt);

    vs_span w = sp(start, 4);
    vs_u32(&pkt);
    if (pkt.status == VS_OK) {
        vs_add_bits(t, VS_F_IPV6_VERSION, w, w0);
        vs_add_bits(t, VS_F_IPV6_TCLASS, w, w0);
        vs_add_bits(t, VS_F_IPV6_DSCP, w, w0);
        vs_add_bits(t, VS_F_IPV6_ECN, w, w0);
        vs_add_bits(t, VS_F_IPV6_FLOW, w, w0);
        out->tos = (uint8_t)(w0 >> 20);
        out->flow = w0 & 0xFFFFF;
    }
    if (out->version != 6) {
        vs_problem(t, VS_P_IPV6_VERSION_BAD, VS_NO_ITEM, w, out->version);
        extra = VS_MALFORMED;
    }
    uint16_t plen_item = VS_NO_ITEM;
    {
        vs_span ps = sp(pkt.pos, 2);
        vs_u16(&pkt);
        if (pkt.status == VS_OK)
            plen_item = vs_add(t, VS_F_IPV6_PLEN, ps, plen);
    }
    vs_rd_u8(&pkt, t, VS_F_IPV6_NXT);
    out->ttl = vs_rd_u8(&pkt, t, VS_F_IPV6_HLIM);
    vs_span ss = sp(pkt.pos, 16);
    const uint8_t *a = vs_bytes(&pkt, 16);
    if (a) {
        memcpy(out->src, a, 16);
        vs_add(t, VS_F_IPV6_SRC, ss, 16);
    }
    vs_span ds = sp(pkt.pos, 16);
    a = vs_bytes(&pkt, 16);
    if (a) {
        memcpy(out->dst, a, 16);
        memcpy(out->final_dst, a, 16);
        vs_add(t, VS_F_IPV6_DST, ds, 16);
    }
    if (!fits) {
        vs_problem(t, VS_P_IPV6_PLEN_BEYOND, plen_item, sp(start + 4, 2), plen);
        extra = VS_MALFORMED;
    }

    /* Extension header chain. */
    uint8_t nh = nxt;
    bool nonfirst_fragment = false;
    while (followable && pkt.status == VS_OK && ipv6_is_ext(nh) && !nonfirst_fragment) {
        size_t es = pkt.pos;
        if (out->n_ext_total >= VS_IPV6_MAX_EXT) {
            vs_problem(t, VS_P_IPV6_EXT_TOO_MANY, root, sp(es, 0), out->n_ext_total);
            break;
        }
        if (nh == VS_IPPROTO_HOPOPTS && out->n_ext_total > 0)
            vs_problem(t, VS_P_IPV6_HBH_NOT_FIRST, root, sp(es, 0), 0);
        uint16_t eroot = vs_open(t, VS_F_IPV6_EXT, sp(es, 8), nh);
        uint8_t enx = vs_rd_u8(&pkt, t, VS_F_IPV6_EXT_NXT);
        if (nh == VS_IPPROTO_FRAGMENT) {
            /* Section 4.5: Next Header | Reserved | Fragment Offset |Res|M| Identification */
            vs_rd_u8(&pkt, t, VS_F_IPV6_FRAG_RES);
            vs_span fs = sp(pkt.pos, 2);
            uint16_t om = vs_u16(&pkt);
            if (pkt.status == VS_OK) {
                vs_add_bits(t, VS_F_IPV6_FRAG_OFFSET, fs, om);
                vs_add_bits(t, VS_F_IPV6_FRAG_RES2, fs, om);
                vs_add_bits(t, VS_F_IPV6_FRAG_M, fs, om);
            }
            uint32_t id = vs_rd_u32(&pkt, t, VS_F_IPV6_FRAG_ID);
            if (pkt.status == VS_OK) {
                out->is_fragment = true;
                out->frag_off = om >> 3;
                out->mf = om & 1;
                out->frag_id = id;
                vs_add_gen(t, VS_F_IPV6_FRAGMENT, fs, 1);
                vs_problem(t, VS_P_IPV6_FRAGMENTED, VS_NO_ITEM, fs, out->frag_off);
                nonfirst_fragment = out->frag_off != 0;
            }
        } else {
            uint8_t elen = vs_rd_u8(&pkt, t, VS_F_IPV6_EXT_LEN);
            size_t esz = ((size_t)elen + 1) * 8;
            vs_set_len(t, eroot, es + esz);
            vs_cursor eb;
            if (pkt.status == VS_OK) {
                vs_cur_sub(&pkt, esz - 2, &eb);
                if (nh == VS_IPPROTO_ROUTING) {
                    /* Section 4.4: Routing Type | Segments Left | type-specific data */
                    uint8_t rt = vs_rd_u8(&eb, t, VS_F_IPV6_RT_TYPE);
                    uint8_t segleft = vs_rd_u8(&eb, t, VS_F_IPV6_RT_SEGLEFT);
                    if (eb.status == VS_OK && rt == 0)
                        vs_problem(t, VS_P_IPV6_RT_TYPE0, VS_NO_ITEM, sp(es + 2, 1), rt);
                    /* Final destination (RFC 8200 section 8.1): types 0 and 2
                     * carry 4 reserved bytes then addresses, the last one
                     * final; an SRH (RFC 8754) has it as segment list[0]. */
                    size_t dl = vs_cur_left(&eb);
                    if (eb.status == VS_OK && segleft > 0 && vs_cur_avail(&eb) >= dl && dl >= 20) {
                        const uint8_t *d = eb.buf + eb.pos;
                        if ((rt == 0 || rt == 2) && (dl - 4) % 16 == 0)
                            memcpy(out->final_dst, d + dl - 16, 16);
                        else if (rt == 4)
                            memcpy(out->final_dst, d + 4, 16);
                    }
                    if (eb.status == VS_OK && vs_cur_left(&eb) > 0)
                        vs_rd_bytes(&eb, t, VS_F_IPV6_RT_DATA, vs_cur_left(&eb));
                } else {
                    ipv6_options(&eb, t, out);
                }
                vs_cur_fail(&pkt, eb.status);
            }
        }
        vs_close(t);
        if (pkt.status != VS_OK && pkt.status != VS_TRUNCATED)
            break;
        if (out->n_ext < VS_IPV6_MAX_EXT) {
            vs_ip_ext *e = &out->ext[out->n_ext++];
            e->type = nh;
            e->next = enx;
            e->span = sp(es, pkt.pos - es);
        }
        out->n_ext_total++;
        if (pkt.status != VS_OK)
            break;
        nh = enx;
    }
    out->proto = nh;
    out->hdr_len = pkt.pos - start;
    vs_set_len(t, root, pkt.pos);
    if (pkt.status == VS_OK && followable && (out->n_ext_total > 0 || nh != nxt))
        vs_add_gen(t, VS_F_IPV6_PROTO, sp(start + 6, 1), nh);
    vs_close(t);

    size_t pend = jumbo_mode ? pkt.end : start + total;
    if (jumbo_mode && pkt.status == VS_OK) {
        if (out->jumbo) {
            if (out->jumbo <= 0xFFFF)
                vs_problem(t, VS_P_IPV6_JUMBO_SMALL, plen_item, sp(start + 4, 2), out->jumbo);
            size_t jend = start + 40 + (size_t)out->jumbo;
            if (pkt.end != VS_LEN_UNKNOWN && jend > pkt.end) {
                vs_problem(t, VS_P_IPV6_PLEN_BEYOND, plen_item, sp(start + 4, 2), out->jumbo);
                extra = VS_MALFORMED;
            } else if (jend < pkt.pos) {
                /* The jumbo length ends inside the extension headers already
                 * read (found by fuzzing): no payload can be located. */
                vs_problem(t, VS_P_IPV6_JUMBO_BAD, plen_item, sp(start + 4, 2), out->jumbo);
                extra = VS_MALFORMED;
                followable = false;
            } else {
                pkt.end = jend;
                if (pkt.cap > jend)
                    pkt.cap = jend;
                pend = jend;
            }
        } else {
            /* Payload length 0 without a jumbo option: nothing follows. */
            pend = pkt.pos;
            pkt.end = pkt.pos;
            if (pkt.cap > pkt.end)
                pkt.cap = pkt.end;
        }
        if (pend == VS_LEN_UNKNOWN)
            pend = pkt.cap;
        /* The enclosing cursor was advanced to its end; give back what
         * follows the packet (link padding). */
        if (pend < c->cap)
            c->pos = pend;
        out->total_len = (uint32_t)(pend - start);
    } else {
        out->total_len = (uint32_t)total;
    }
    out->span = sp(start, out->total_len);
    out->payload = sp(pkt.pos, out->total_len > pkt.pos - start ? start + out->total_len - pkt.pos : 0);
    out->payload_cur = pkt;
    if (!followable && out->payload_cur.status == VS_OK)
        out->payload_cur.status = VS_MALFORMED;
    vs_status st = worst(pkt.status, extra);
    if (pkt.status == VS_OK && followable)
        st = worst(st, consume_rest(&pkt));
    return finish(c, t, &pkt, st, VS_P_IPV6_TRUNCATED, VS_P_IPV6_MALFORMED);
}

vs_status vs_ip_decode(vs_cursor *c, vs_tree *t, vs_ip_msg *out)
{
    uint8_t b;
    if (vs_peek_u8(c, 0, &b) && (b >> 4) == 6)
        return vs_ipv6_decode(c, t, out);
    return vs_ipv4_decode(c, t, out);
}

uint32_t vs_ip_pseudo_sum(const vs_ip_msg *ip, uint8_t proto, uint32_t len)
{
    size_t alen = ip->version == 6 ? 16 : 4;
    uint32_t s = vs_inet_sum(ip->src, alen, 0);
    s = vs_inet_sum(ip->final_dst, alen, s);
    s += proto;
    s += len >> 16;
    s += len & 0xFFFF;
    return s;
}
