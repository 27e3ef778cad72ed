/*
 * NHRP decoder: RFC 2332 plus Cisco DMVPN usage.
 *
 * Wire sections: fixed header (5.1), mandatory part (5.2: common header,
 * addresses, then CIEs / the packet in error / the packet causing a traffic
 * indication), extensions (5.3). ar$pktsz bounds the packet; ar$extoff splits
 * the mandatory part from the extensions.
 */
#include "vpnscope/nhrp.h"

#include <string.h>

#define NHRP_FIXED_LEN 20u
#define NHRP_TL_LEN(x) ((x) & 0x3Fu)
#define NHRP_TL_RESERVED 0x80u

/* One address location: which field to use for each family. */
typedef struct addr_fields {
    vs_field_id v4, v6, raw;
} addr_fields;

static const addr_fields AF_SRC_NBMA = {VS_F_NHRP_SRC_NBMA_ADDR, VS_F_NHRP_SRC_NBMA_ADDR6,
                                        VS_F_NHRP_SRC_NBMA_BYTES};
static const addr_fields AF_SRC_NBMA_SUB = {VS_F_NHRP_SRC_NBMA_SUB, VS_F_NHRP_SRC_NBMA_SUB,
                                            VS_F_NHRP_SRC_NBMA_SUB};
static const addr_fields AF_SRC_PROTO = {VS_F_NHRP_SRC_PROTO_ADDR, VS_F_NHRP_SRC_PROTO_ADDR6,
                                         VS_F_NHRP_SRC_PROTO_BYTES};
static const addr_fields AF_DST_PROTO = {VS_F_NHRP_DST_PROTO_ADDR, VS_F_NHRP_DST_PROTO_ADDR6,
                                         VS_F_NHRP_DST_PROTO_BYTES};
static const addr_fields AF_CIE_NBMA = {VS_F_NHRP_CIE_NBMA_ADDR, VS_F_NHRP_CIE_NBMA_ADDR6,
                                        VS_F_NHRP_CIE_NBMA_BYTES};
static const addr_fields AF_CIE_NBMA_SUB = {VS_F_NHRP_CIE_NBMA_SUB, VS_F_NHRP_CIE_NBMA_SUB,
                                            VS_F_NHRP_CIE_NBMA_SUB};
static const addr_fields AF_CIE_PROTO = {VS_F_NHRP_CIE_PROTO_ADDR, VS_F_NHRP_CIE_PROTO_ADDR6,
                                         VS_F_NHRP_CIE_PROTO_BYTES};
static const addr_fields AF_AUTH_SRC = {VS_F_NHRP_AUTH_SRC_ADDR, VS_F_NHRP_AUTH_SRC_ADDR6,
                                        VS_F_NHRP_AUTH_SRC_BYTES};

/* Per-packet decoding context. */
typedef struct nhrp_ctx {
    const vs_nhrp_opts *opts;
    vs_tree *t;
    vs_nhrp_msg *m;
    unsigned depth;      /* 0 = top level, 1 = packet inside an Error Indication */
    uint8_t nbma_family; /* from ar$afn */
    uint8_t proto_family; /* from ar$pro.type (and the SNAP long form) */
} nhrp_ctx;

static vs_span sp(size_t off, size_t len) { return vs_span_at(off, len); }

/* Span of a subtree whose declared length may run past the capture: the
 * tree shows the captured part (a consumer may read every item's bytes);
 * typed results keep the declared lengths. */
static vs_span shown(const vs_cursor *c, size_t off, size_t len)
{
    size_t avail = off <= c->cap ? c->cap - off : 0;
    return vs_span_at(off, len < avail ? len : avail);
}

/* Family the fixed header implies for NBMA addresses (ar$afn). */
static uint8_t afn_family(uint16_t afn)
{
    if (afn == 1)
        return VS_NHRP_AF_IPV4;
    if (afn == 2)
        return VS_NHRP_AF_IPV6;
    return VS_NHRP_AF_OTHER;
}

/* Family of protocol addresses (ar$pro.type: Ethertype, NLPID or SNAP). */
static uint8_t pro_family(uint16_t pro, bool snap, uint32_t oui, uint16_t pid)
{
    if (snap && oui == 0)
        pro = pid;
    if (pro == 0x0800 || pro == 0x00CC)
        return VS_NHRP_AF_IPV4;
    if (pro == 0x86DD || pro == 0x008E)
        return VS_NHRP_AF_IPV6;
    return VS_NHRP_AF_OTHER;
}

/* Read an address of len bytes; IPv4/IPv6 fields when the family and the
 * length agree, raw bytes otherwise. IPv4 items carry the address as value. */
static void read_addr(vs_cursor *c, vs_tree *t, const addr_fields *af, size_t len, uint8_t fam,
                      vs_nhrp_addr *out)
{
    out->span = sp(c->pos, 0);
    out->family = VS_NHRP_AF_NONE;
    if (len == 0)
        return;
    size_t off = c->pos;
    const uint8_t *p = vs_bytes(c, len);
    if (!p)
        return;
    out->span = sp(off, len);
    if (fam == VS_NHRP_AF_IPV4 && len == 4) {
        out->family = VS_NHRP_AF_IPV4;
        uint32_t v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
        vs_add(t, af->v4, out->span, v);
    } else if (fam == VS_NHRP_AF_IPV6 && len == 16) {
        out->family = VS_NHRP_AF_IPV6;
        vs_add(t, af->v6, out->span, len);
    } else {
        out->family = VS_NHRP_AF_OTHER;
        vs_add(t, af->raw, out->span, len);
    }
}

/* A type/length byte (ar$shtl, ar$sstl, CIE cli addr/saddr t/l) with its
 * type (0x40) and length (0x3F) sub-fields. Returns the raw byte. */
static uint8_t read_tl(vs_cursor *c, vs_tree *t, vs_field_id f, vs_field_id ft, vs_field_id fl)
{
    size_t off = c->pos;
    uint8_t v = vs_u8(c);
    if (c->status != VS_OK)
        return 0;
    vs_open(t, f, sp(off, 1), v);
    vs_add_bits(t, ft, sp(off, 1), v);
    vs_add_bits(t, fl, sp(off, 1), v);
    vs_close(t);
    if (v & NHRP_TL_RESERVED)
        vs_problem(t, VS_P_NHRP_TL_RESERVED, VS_NO_ITEM, sp(off, 1), v);
    return v;
}

/* ------------------------------------------------------------------------
 * Client Information Entry (RFC 2332 5.2.0.1)
 *
 *  |    Code       | Prefix Length |         unused                |
 *  |  Maximum Transmission Unit    |        Holding Time           |
 *  |  Cli Addr T/L | Cli SAddr T/L | Cli Proto Len |  Preference   |
 *  |            Client NBMA Address (variable length)              |
 *  |           Client NBMA Subaddress (variable length)            |
 *  |          Client Protocol Address (variable length)            |
 *
 * The subaddress sits between the two addresses and must be skipped (the
 * Wireshark 4.0 built-in forgets to, and misplaces the protocol address).
 */
static void decode_cie(vs_cursor *c, nhrp_ctx *x, uint8_t owner)
{
    vs_tree *t = x->t;
    vs_nhrp_msg *m = x->m;
    vs_nhrp_cie e;
    memset(&e, 0, sizeof e);
    e.ext = owner;
    size_t start = c->pos;
    uint16_t it = vs_open(t, VS_F_NHRP_CIE, shown(c, start, 12), m->n_cies_total);
    e.code = vs_rd_u8(c, t, VS_F_NHRP_CIE_CODE);
    e.prefix_len = vs_rd_u8(c, t, VS_F_NHRP_CIE_PREFIX);
    vs_rd_u16(c, t, VS_F_NHRP_CIE_UNUSED);
    e.mtu = vs_rd_u16(c, t, VS_F_NHRP_CIE_MTU);
    e.holding_time = vs_rd_u16(c, t, VS_F_NHRP_CIE_HOLDTIME);
    e.cli_addr_tl = read_tl(c, t, VS_F_NHRP_CIE_ADDR_TL, VS_F_NHRP_CIE_ADDR_TL_TYPE,
                            VS_F_NHRP_CIE_ADDR_TL_LEN);
    e.cli_saddr_tl = read_tl(c, t, VS_F_NHRP_CIE_SADDR_TL, VS_F_NHRP_CIE_SADDR_TL_TYPE,
                             VS_F_NHRP_CIE_SADDR_TL_LEN);
    e.cli_proto_len = vs_rd_u8(c, t, VS_F_NHRP_CIE_PROTO_LEN);
    e.preference = vs_rd_u8(c, t, VS_F_NHRP_CIE_PREF);
    read_addr(c, t, &AF_CIE_NBMA, NHRP_TL_LEN(e.cli_addr_tl), x->nbma_family, &e.nbma);
    read_addr(c, t, &AF_CIE_NBMA_SUB, NHRP_TL_LEN(e.cli_saddr_tl), VS_NHRP_AF_OTHER, &e.nbma_sub);
    read_addr(c, t, &AF_CIE_PROTO, e.cli_proto_len, x->proto_family, &e.proto);
    vs_set_len(t, it, c->pos);
    vs_close(t);
    e.span = sp(start, c->pos - start);
    if (c->status != VS_OK)
        return; /* partial CIE: in the tree (what was read), not in the typed list */
    if (m->n_cies < VS_NHRP_MAX_CIES)
        m->cies[m->n_cies++] = e;
    m->n_cies_total++;
}

/* CIEs until the end of the container (mandatory part or extension). */
static void decode_cie_list(vs_cursor *c, nhrp_ctx *x, uint8_t owner)
{
    while (vs_cur_ok(c) && !vs_cur_at_end(c))
        decode_cie(c, x, owner);
}

/* ------------------------------------------------------------------------
 * Mandatory part, common header (RFC 2332 5.2.0):
 *
 *  | Src Proto Len | Dst Proto Len |           Flags               |
 *  |                         Request ID                            |
 *  |            Source NBMA Address (variable length)              |
 *  |           Source NBMA Subaddress (variable length)            |
 *  |          Source Protocol Address (variable length)            |
 *  |       Destination  Protocol Address (variable length)         |
 *
 * Error Indication (5.2.7): "unused(16) Error Code(16) Error Offset(16)"
 * instead of flags and request ID; Cisco Traffic Indication: "unused(16)
 * Traffic Code(16) unused(16)".
 */
static void decode_flags(vs_cursor *c, nhrp_ctx *x, uint8_t type)
{
    vs_tree *t = x->t;
    size_t off = c->pos;
    uint16_t f = vs_u16(c);
    if (c->status != VS_OK)
        return;
    x->m->flags = f;
    vs_open(t, VS_F_NHRP_FLAGS, sp(off, 2), f);
    vs_span s = sp(off, 2);
    if (type <= 2) {
        vs_add_bits(t, VS_F_NHRP_FLAG_Q, s, f);
        vs_add_bits(t, VS_F_NHRP_FLAG_A, s, f);
        vs_add_bits(t, VS_F_NHRP_FLAG_D, s, f);
        vs_add_bits(t, VS_F_NHRP_FLAG_U, s, f);
        vs_add_bits(t, VS_F_NHRP_FLAG_S, s, f);
    } else if (type <= 4) {
        vs_add_bits(t, VS_F_NHRP_FLAG_UNIQUE, s, f);
    } else {
        vs_add_bits(t, VS_F_NHRP_FLAG_N, s, f);
    }
    vs_add_bits(t, VS_F_NHRP_FLAG_NAT, s, f);
    vs_close(t);
}

static vs_status decode_pdu(vs_cursor *c, nhrp_ctx *x);

/* The packet in error, decoded as an NHRP packet where possible (one level:
 * an Error Indication inside an Error Indication is shown as bytes). */
static void decode_error_packet(vs_cursor *pk, size_t len, size_t shown, nhrp_ctx *x)
{
    vs_nhrp_msg *m = x->m;
    vs_tree *t = x->t;
    m->error_packet = sp(pk->pos, shown);
    m->error_packet_status = VS_OK;
    vs_open(t, VS_F_NHRP_ERR_PACKET, m->error_packet, len);
    if (x->depth == 0 && len > 0) {
        vs_nhrp_msg inner;
        nhrp_ctx ix = *x;
        ix.m = &inner;
        ix.depth = 1;
        vs_cursor ic = *pk;
        vs_status st = decode_pdu(&ic, &ix);
        m->error_packet_status = st;
        m->error_packet_type = inner.type;
        if (inner.type >= 1 && inner.type <= 6 && inner.has_mand)
            m->error_packet_request_id = inner.request_id;
        if (st != VS_OK)
            vs_problem(t, VS_P_NHRP_ERR_PACKET_PARTIAL, VS_NO_ITEM, m->error_packet, st);
    }
    vs_close(t);
    if (m->error_offset >= len && len > 0)
        vs_problem(t, VS_P_NHRP_ERR_OFFSET_BEYOND, VS_NO_ITEM, m->error_packet, m->error_offset);
}

/* The data packet that caused a Traffic Indication: show the IP version,
 * addresses and protocol inline (a copy of the cursor: these bytes belong to
 * the contained packet, whose own completeness is not NHRP's business; the
 * capture's end is already accounted for by the packet size). */
static void decode_traffic_packet(const vs_cursor *pk, size_t len, size_t shown, nhrp_ctx *x)
{
    vs_nhrp_msg *m = x->m;
    vs_tree *t = x->t;
    m->traffic_packet = sp(pk->pos, shown);
    vs_open(t, VS_F_NHRP_TI_PACKET, m->traffic_packet, len);
    uint8_t b0;
    vs_cursor ip = *pk;
    if (vs_peek_u8(&ip, 0, &b0)) {
        size_t o = ip.pos;
        if ((b0 >> 4) == 4 && len >= 20 && vs_skip(&ip, 9)) {
            uint8_t proto = vs_u8(&ip);
            vs_skip(&ip, 2);
            uint32_t s = vs_u32(&ip), d = vs_u32(&ip);
            if (ip.status == VS_OK) {
                m->traffic_ip_version = 4;
                m->traffic_ip_proto = proto;
                m->traffic_ip_src = sp(o + 12, 4);
                m->traffic_ip_dst = sp(o + 16, 4);
                vs_add(t, VS_F_NHRP_TI_IP_SRC, m->traffic_ip_src, s);
                vs_add(t, VS_F_NHRP_TI_IP_DST, m->traffic_ip_dst, d);
                vs_add(t, VS_F_NHRP_TI_IP_PROTO, sp(o + 9, 1), proto);
            }
        } else if ((b0 >> 4) == 6 && len >= 40 && vs_skip(&ip, 6)) {
            uint8_t nh = vs_u8(&ip);
            if (vs_skip(&ip, 33)) {
                m->traffic_ip_version = 6;
                m->traffic_ip_proto = nh;
                m->traffic_ip_src = sp(o + 8, 16);
                m->traffic_ip_dst = sp(o + 24, 16);
                vs_add(t, VS_F_NHRP_TI_IP6_SRC, m->traffic_ip_src, 16);
                vs_add(t, VS_F_NHRP_TI_IP6_DST, m->traffic_ip_dst, 16);
                vs_add(t, VS_F_NHRP_TI_IP_PROTO, sp(o + 6, 1), nh);
            }
        }
    }
    vs_close(t);
}

static void decode_mand(vs_cursor *c, nhrp_ctx *x, bool ext_follows)
{
    vs_tree *t = x->t;
    vs_nhrp_msg *m = x->m;
    uint8_t type = m->type;
    size_t start = c->pos;
    size_t mand_len = vs_cur_left(c);
    vs_open(t, VS_F_NHRP_MAND, shown(c, start, mand_len), type);

    m->src_proto_len = vs_rd_u8(c, t, VS_F_NHRP_SRC_PROTO_LEN);
    m->dst_proto_len = vs_rd_u8(c, t, VS_F_NHRP_DST_PROTO_LEN);
    if (c->status == VS_OK) {
        size_t need = 8u + NHRP_TL_LEN(m->shtl) + NHRP_TL_LEN(m->sstl) + m->src_proto_len +
                      m->dst_proto_len;
        if (need > mand_len)
            vs_problem(t, ext_follows ? VS_P_NHRP_EXTOFF_IN_MAND : VS_P_NHRP_MAND_SHORT,
                       VS_NO_ITEM, shown(c, start, mand_len), need);
    }

    switch (type) {
    case VS_NHRP_RESOLUTION_REQUEST:
    case VS_NHRP_RESOLUTION_REPLY:
    case VS_NHRP_REGISTRATION_REQUEST:
    case VS_NHRP_REGISTRATION_REPLY:
    case VS_NHRP_PURGE_REQUEST:
    case VS_NHRP_PURGE_REPLY:
        decode_flags(c, x, type);
        m->request_id = vs_rd_u32(c, t, VS_F_NHRP_REQID);
        break;
    case VS_NHRP_ERROR_INDICATION:
        vs_rd_u16(c, t, VS_F_NHRP_ERR_UNUSED);
        m->error_code = vs_rd_u16(c, t, VS_F_NHRP_ERR_CODE);
        m->error_offset = vs_rd_u16(c, t, VS_F_NHRP_ERR_OFFSET);
        break;
    case VS_NHRP_TRAFFIC_INDICATION:
        vs_rd_u16(c, t, VS_F_NHRP_TI_UNUSED);
        m->traffic_code = vs_rd_u16(c, t, VS_F_NHRP_TI_CODE);
        vs_rd_u16(c, t, VS_F_NHRP_TI_UNUSED2);
        break;
    default:
        vs_rd_bytes(c, t, VS_F_NHRP_MAND_UNKNOWN, 6);
        break;
    }
    read_addr(c, t, &AF_SRC_NBMA, NHRP_TL_LEN(m->shtl), x->nbma_family, &m->src_nbma);
    read_addr(c, t, &AF_SRC_NBMA_SUB, NHRP_TL_LEN(m->sstl), VS_NHRP_AF_OTHER, &m->src_nbma_sub);
    read_addr(c, t, &AF_SRC_PROTO, m->src_proto_len, x->proto_family, &m->src_proto);
    read_addr(c, t, &AF_DST_PROTO, m->dst_proto_len, x->proto_family, &m->dst_proto);
    if (c->status == VS_OK)
        m->has_mand = true;

    if (c->status == VS_OK) {
        size_t rest = vs_cur_left(c);
        /* Contained packets: the item and typed span cover the captured
         * part (a consumer may read them), the value says the length. */
        size_t avail = vs_cur_avail(c);
        size_t shown = rest < avail ? rest : avail;
        vs_cursor pk;
        switch (type) {
        case VS_NHRP_ERROR_INDICATION:
            vs_cur_sub(c, rest, &pk);
            decode_error_packet(&pk, rest, shown, x);
            break;
        case VS_NHRP_TRAFFIC_INDICATION:
            vs_cur_sub(c, rest, &pk);
            decode_traffic_packet(&pk, rest, shown, x);
            break;
        case VS_NHRP_RESOLUTION_REQUEST:
        case VS_NHRP_RESOLUTION_REPLY:
        case VS_NHRP_REGISTRATION_REQUEST:
        case VS_NHRP_REGISTRATION_REPLY:
        case VS_NHRP_PURGE_REQUEST:
        case VS_NHRP_PURGE_REPLY:
            decode_cie_list(c, x, VS_NHRP_IN_MAND);
            break;
        default:
            if (rest)
                vs_rd_bytes(c, t, VS_F_NHRP_MAND_PAYLOAD, rest);
            break;
        }
    }
    vs_close(t);
}

/* ------------------------------------------------------------------------
 * Authentication extension (RFC 2332 5.3.4):
 *
 *  |         Reserved              | Security Parameter Index (SPI)|
 *  |                 Src Addr...  (length: the source protocol length)
 *  |                 Authentication Data...
 *
 * Cisco IOS (ip nhrp authentication): a 32-bit type (1 = cleartext) then the
 * password (at most 8 characters), with no source address. The built-in
 * Wireshark 4.0 decoder reads the first password bytes as the source address.
 */
static bool printable_run(const vs_cursor *b, size_t from, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t v;
        if (!vs_peek_u8(b, from + i, &v) || v < 0x20 || v > 0x7E)
            return false;
    }
    return true;
}

static uint8_t auth_layout(const vs_cursor *b, size_t len, const nhrp_ctx *x)
{
    vs_nhrp_auth_mode mode = x->opts ? x->opts->auth : VS_NHRP_AUTH_AUTO;
    if (mode == VS_NHRP_AUTH_RFC)
        return VS_NHRP_AUTHF_RFC;
    if (mode == VS_NHRP_AUTH_CISCO)
        return VS_NHRP_AUTHF_CISCO;
    /* Auto: Cisco when the first word is type 1 followed by 1..8 printable
     * characters, unless those bytes are exactly the sender's protocol
     * address (then it is the RFC form with SPI 1). */
    uint8_t w[4];
    for (size_t i = 0; i < 4; i++)
        if (!vs_peek_u8(b, i, &w[i]))
            return VS_NHRP_AUTHF_RFC;
    if (len < 5 || len > 12 || w[0] || w[1] || w[2] || w[3] != 1)
        return VS_NHRP_AUTHF_RFC;
    if (!printable_run(b, 4, len - 4))
        return VS_NHRP_AUTHF_RFC;
    const vs_nhrp_addr *src = &x->m->src_proto;
    if (src->span.len > 0 && len >= 4 + src->span.len &&
        memcmp(b->buf + b->pos + 4, b->buf + src->span.off, src->span.len) == 0)
        return VS_NHRP_AUTHF_RFC;
    return VS_NHRP_AUTHF_CISCO;
}

static void decode_auth(vs_cursor *b, size_t len, nhrp_ctx *x, vs_nhrp_ext *e)
{
    vs_tree *t = x->t;
    if (len < 4) {
        vs_problem(t, VS_P_NHRP_EXT_SHORT, VS_NO_ITEM, shown(b, b->pos, len), len);
        if (len)
            vs_rd_bytes(b, t, VS_F_NHRP_EXT_DATA, len);
        return;
    }
    e->auth_form = auth_layout(b, len, x);
    vs_add_gen(t, VS_F_NHRP_AUTH_FORM, shown(b, b->pos, len), e->auth_form);
    if (e->auth_form == VS_NHRP_AUTHF_CISCO) {
        e->auth_spi = vs_rd_u32(b, t, VS_F_NHRP_AUTH_CISCO_TYPE);
        size_t off = b->pos;
        if (vs_rd_bytes(b, t, VS_F_NHRP_AUTH_PASSWORD, len - 4)) {
            /* typed spans only for bytes that were captured */
            e->auth_data = sp(off, len - 4);
            vs_problem(t, VS_P_NHRP_AUTH_CLEARTEXT, VS_NO_ITEM, e->auth_data, len - 4);
        }
        return;
    }
    vs_rd_u16(b, t, VS_F_NHRP_AUTH_RESERVED);
    e->auth_spi = vs_rd_u16(b, t, VS_F_NHRP_AUTH_SPI);
    size_t srclen = x->m->src_proto_len;
    if (len - 4 < srclen) {
        vs_problem(t, VS_P_NHRP_EXT_SHORT, VS_NO_ITEM, shown(b, b->pos, len - 4), len);
        srclen = len - 4;
    }
    read_addr(b, t, &AF_AUTH_SRC, srclen, x->proto_family, &e->auth_src);
    size_t dl = len - 4 - srclen;
    size_t off = b->pos;
    if (dl && vs_rd_bytes(b, t, VS_F_NHRP_AUTH_DATA, dl))
        e->auth_data = sp(off, dl);
}

/* ------------------------------------------------------------------------
 * Extensions (RFC 2332 5.3):
 *
 *  |C|u|        Type (14 bits)     |        Length                 |
 *  |                         Value...                              |
 */
static void decode_extensions(vs_cursor *c, nhrp_ctx *x)
{
    vs_tree *t = x->t;
    vs_nhrp_msg *m = x->m;
    bool seen_end = false;
    size_t region = vs_cur_left(c);
    while (vs_cur_ok(c) && !vs_cur_at_end(c)) {
        size_t es = c->pos;
        uint16_t raw = vs_u16(c);
        uint16_t len = vs_u16(c);
        if (c->status != VS_OK)
            break;
        vs_nhrp_ext e;
        memset(&e, 0, sizeof e);
        e.raw_type = raw;
        e.type = raw & 0x3FFF;
        e.compulsory = (raw & 0x8000) != 0;
        e.len = len;
        e.span = sp(es, 4u + len);
        e.body = sp(es + 4, len);
        uint8_t idx = (uint8_t)(m->n_exts < VS_NHRP_MAX_EXTS ? m->n_exts : VS_NHRP_EXT_NOT_STORED);

        vs_open(t, VS_F_NHRP_EXT, shown(c, es, 4u + len), e.type);
        vs_add_bits(t, VS_F_NHRP_EXT_C, sp(es, 2), raw);
        vs_add_bits(t, VS_F_NHRP_EXT_U, sp(es, 2), raw);
        vs_add_bits(t, VS_F_NHRP_EXT_TYPE, sp(es, 2), raw);
        vs_add(t, VS_F_NHRP_EXT_LEN, sp(es + 2, 2), len);
        if (raw & 0x4000)
            vs_problem(t, VS_P_NHRP_EXT_UNUSED_BIT, VS_NO_ITEM, sp(es, 2), raw);

        vs_cursor b;
        vs_cur_sub(c, len, &b);
        if (b.status == VS_OK) {
            size_t first = m->n_cies;
            switch (e.type) {
            case VS_NHRP_EXT_END:
                if (len) {
                    vs_problem(t, VS_P_NHRP_EXT_END_LEN, VS_NO_ITEM, shown(&b, es + 4, len), len);
                    vs_rd_bytes(&b, t, VS_F_NHRP_EXT_DATA, len);
                }
                break;
            case VS_NHRP_EXT_RESPONDER:
            case VS_NHRP_EXT_FWD_TRANSIT:
            case VS_NHRP_EXT_REV_TRANSIT:
                decode_cie_list(&b, x, idx);
                break;
            case VS_NHRP_EXT_CISCO_NAT:
                if (len == 8) {
                    /* RFC 2735 device capabilities share the number; a CIE
                     * cannot be 8 bytes long. */
                    vs_rd_u32(&b, t, VS_F_NHRP_DEVCAP_SRC);
                    vs_rd_u32(&b, t, VS_F_NHRP_DEVCAP_DST);
                } else {
                    decode_cie_list(&b, x, idx);
                }
                break;
            case VS_NHRP_EXT_AUTH:
                decode_auth(&b, len, x, &e);
                break;
            case VS_NHRP_EXT_VENDOR:
                if (len < 3) {
                    vs_problem(t, VS_P_NHRP_EXT_SHORT, VS_NO_ITEM, shown(&b, es + 4, len), len);
                    if (len)
                        vs_rd_bytes(&b, t, VS_F_NHRP_EXT_DATA, len);
                } else {
                    e.vendor_id = vs_rd_u24(&b, t, VS_F_NHRP_VENDOR_ID);
                    if (len > 3)
                        vs_rd_bytes(&b, t, VS_F_NHRP_VENDOR_DATA, len - 3u);
                }
                break;
            default:
                vs_problem(t, e.compulsory ? VS_P_NHRP_EXT_UNKNOWN_C : VS_P_NHRP_EXT_UNKNOWN,
                           VS_NO_ITEM, shown(&b, es, 4u + len), e.type);
                if (len)
                    vs_rd_bytes(&b, t, VS_F_NHRP_EXT_DATA, len);
                break;
            }
            e.first_cie = (uint8_t)first;
            e.n_cies = (uint8_t)(m->n_cies - first);
        }
        vs_cur_fail(c, b.status);
        vs_close(t);
        if (m->n_exts < VS_NHRP_MAX_EXTS)
            m->exts[m->n_exts++] = e;
        m->n_exts_total++;

        if (e.type == VS_NHRP_EXT_END && c->status == VS_OK) {
            seen_end = true;
            m->has_end_ext = true;
            size_t left = vs_cur_left(c);
            if (left) {
                vs_problem(t, VS_P_NHRP_EXT_AFTER_END, VS_NO_ITEM, shown(c, c->pos, left), left);
                vs_rd_bytes(c, t, VS_F_NHRP_EXT_TRAILING, left);
            }
            break;
        }
    }
    if (!seen_end && region > 0 && c->status == VS_OK)
        vs_problem(t, VS_P_NHRP_EXT_NO_END, VS_NO_ITEM, sp(c->pos, 0), region);
}

/* ------------------------------------------------------------------------
 * Fixed header (RFC 2332 5.1):
 *
 *  |            ar$afn             |          ar$pro.type          |
 *  |                          ar$pro.snap                          |
 *  |  ar$pro.snap  |   ar$hopcnt   |            ar$pktsz           |
 *  |           ar$chksum           |            ar$extoff          |
 *  | ar$op.version |   ar$op.type  |    ar$shtl    |    ar$sstl    |
 */
static vs_status decode_pdu(vs_cursor *c, nhrp_ctx *x)
{
    vs_tree *t = x->t;
    vs_nhrp_msg *m = x->m;
    memset(m, 0, sizeof *m);
    size_t start = c->pos;
    bool malformed = false;

    uint16_t root = vs_open(t, VS_F_NHRP, sp(start, 0), 0);
    vs_open(t, VS_F_NHRP_HDR, shown(c, start, NHRP_FIXED_LEN), 0);
    m->afn = vs_rd_u16(c, t, VS_F_NHRP_AFN);
    m->pro_type = vs_rd_u16(c, t, VS_F_NHRP_PRO_TYPE);
    size_t snap_off = c->pos;
    const uint8_t *snap = vs_bytes(c, 5);
    if (snap) {
        if (m->pro_type == 0x0080) {
            m->has_snap = true;
            m->snap_oui = ((uint32_t)snap[0] << 16) | ((uint32_t)snap[1] << 8) | snap[2];
            m->snap_pid = (uint16_t)((snap[3] << 8) | snap[4]);
            vs_open(t, VS_F_NHRP_PRO_SNAP, sp(snap_off, 5), 5);
            vs_add(t, VS_F_NHRP_PRO_SNAP_OUI, sp(snap_off, 3), m->snap_oui);
            vs_add(t, VS_F_NHRP_PRO_SNAP_PID, sp(snap_off + 3, 2), m->snap_pid);
            vs_close(t);
        } else {
            vs_add(t, VS_F_NHRP_PRO_SNAP, sp(snap_off, 5), 5);
            if (snap[0] | snap[1] | snap[2] | snap[3] | snap[4])
                vs_problem(t, VS_P_NHRP_SNAP_NONZERO, VS_NO_ITEM, sp(snap_off, 5), 0);
        }
    }
    m->hop_count = vs_rd_u8(c, t, VS_F_NHRP_HOPCNT);
    m->pkt_size = vs_rd_u16(c, t, VS_F_NHRP_PKTSZ);
    size_t ck_off = c->pos;
    m->checksum = vs_rd_u16(c, t, VS_F_NHRP_CHKSUM);
    if (c->status == VS_OK) {
        /* RFC 1071 over ar$pktsz bytes, verifiable only when all of them
         * were captured (and the packet size is sane). */
        size_t n = m->pkt_size;
        m->checksum_status = 2;
        if (n >= NHRP_FIXED_LEN && n <= c->cap - start) {
            const uint8_t *p = c->buf + start;
            m->checksum_status = vs_inet_cksum(p, n, 0) == 0 ? 1 : 0;
            uint32_t s = vs_inet_sum(p, 12, 0);
            s = vs_inet_sum(p + 14, n - 14, s);
            m->checksum_expected = vs_inet_fold(s);
        }
        vs_add_gen(t, VS_F_NHRP_CHKSUM_STATUS, sp(ck_off, 2), m->checksum_status);
        if (m->checksum_status == 0) {
            vs_add_gen(t, VS_F_NHRP_CHKSUM_CALC, sp(ck_off, 2), m->checksum_expected);
            vs_problem(t, VS_P_NHRP_CHKSUM_BAD, VS_NO_ITEM, sp(ck_off, 2), m->checksum_expected);
        }
    }
    m->ext_offset = vs_rd_u16(c, t, VS_F_NHRP_EXTOFF);
    m->version = vs_rd_u8(c, t, VS_F_NHRP_VERSION);
    if (c->status == VS_OK && m->version != 1)
        vs_problem(t, VS_P_NHRP_VERSION_UNKNOWN, VS_NO_ITEM, sp(c->pos - 1, 1), m->version);
    m->type = vs_rd_u8(c, t, VS_F_NHRP_OP_TYPE);
    if (c->status == VS_OK && (m->type < 1 || m->type > 8))
        vs_problem(t, VS_P_NHRP_TYPE_UNKNOWN, VS_NO_ITEM, sp(c->pos - 1, 1), m->type);
    vs_set_value(t, root, m->type);
    m->shtl = read_tl(c, t, VS_F_NHRP_SHTL, VS_F_NHRP_SHTL_TYPE, VS_F_NHRP_SHTL_LEN);
    m->sstl = read_tl(c, t, VS_F_NHRP_SSTL, VS_F_NHRP_SSTL_TYPE, VS_F_NHRP_SSTL_LEN);
    vs_close(t); /* fixed header */

    if (c->status == VS_OK) {
        x->nbma_family = afn_family(m->afn);
        x->proto_family = pro_family(m->pro_type, m->has_snap, m->snap_oui, m->snap_pid);
        size_t pktsz = m->pkt_size;
        if (pktsz < NHRP_FIXED_LEN) {
            vs_problem(t, VS_P_NHRP_PKTSZ_SMALL, VS_NO_ITEM, sp(start + 10, 2), pktsz);
            vs_cur_fail(c, VS_MALFORMED);
        } else {
            size_t body_len = pktsz - NHRP_FIXED_LEN;
            if (c->end != VS_LEN_UNKNOWN && body_len > c->end - c->pos) {
                /* Keep decoding what the payload holds, but the packet size
                 * contradicts its carrier. */
                vs_problem(t, VS_P_NHRP_PKTSZ_BEYOND, VS_NO_ITEM, sp(start + 10, 2),
                           c->end - start);
                malformed = true;
                body_len = c->end - c->pos;
            }
            vs_cursor body;
            vs_cur_sub(c, body_len, &body);

            size_t mand_len = body_len, ext_len = 0;
            bool ext_follows = false;
            size_t extoff = m->ext_offset;
            if (extoff != 0) {
                if (extoff < NHRP_FIXED_LEN || extoff > pktsz) {
                    vs_problem(t, VS_P_NHRP_EXTOFF_BAD, VS_NO_ITEM, sp(start + 14, 2), extoff);
                    malformed = true;
                } else if (extoff - NHRP_FIXED_LEN <= body_len) {
                    mand_len = extoff - NHRP_FIXED_LEN;
                    ext_len = body_len - mand_len;
                    ext_follows = true;
                }
            }
            vs_cursor mand, ext;
            vs_cur_sub(&body, mand_len, &mand);
            decode_mand(&mand, x, ext_follows);
            vs_cur_fail(&body, mand.status);
            /* Extensions start at ar$extoff: only walk them when the
             * mandatory part was captured completely (otherwise the body
             * cursor sits at the capture's end, not at ar$extoff). */
            if (ext_follows && body.status == VS_OK && mand.cap == mand.end) {
                vs_cur_sub(&body, ext_len, &ext);
                decode_extensions(&ext, x);
                vs_cur_fail(&body, ext.status);
            }
            vs_cur_fail(c, body.status);
            /* The packet is longer than the capture: truncated, whatever the
             * walk above managed to read. */
            if (body.cap < body.end)
                vs_cur_fail(c, VS_TRUNCATED);
        }
    }
    if (malformed)
        vs_cur_fail(c, VS_MALFORMED);

    m->span = sp(start, c->pos - start);
    vs_set_len(t, root, c->pos);
    if (x->depth == 0)
        vs_report_status(t, c, VS_P_NHRP_TRUNCATED, VS_P_NHRP_MALFORMED);
    vs_close(t); /* root */
    m->status = c->status;
    return c->status;
}

vs_status vs_nhrp_decode(vs_cursor *c, const vs_nhrp_opts *opts, vs_tree *t, vs_nhrp_msg *out)
{
    vs_nhrp_msg scratch;
    nhrp_ctx x;
    memset(&x, 0, sizeof x);
    x.opts = opts;
    x.t = t;
    x.m = out ? out : &scratch;
    return decode_pdu(c, &x);
}

size_t vs_nhrp_cies_of(const vs_nhrp_msg *m, uint8_t owner)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n_cies; i++)
        n += m->cies[i].ext == owner;
    return n;
}
