/* IKEv2 decoder: RFC 7296 (header, payloads), RFC 7383 (SKF). See ikev2.h. */
#include <string.h>

#include "vpnscope/ikev2.h"

/* From ikev2_vals.c */
unsigned vs_ikev2_vendor_match(const uint8_t *vid, size_t len, size_t *plen);

typedef struct ctx {
    vs_tree *t;
    vs_ikev2_msg *out;
    bool inner;
    bool reported;
    vs_status worst;
} ctx;

/* Note a sub-cursor's failure: the first one is reported where it happened. */
static void note_status(ctx *x, const vs_cursor *c)
{
    if (c->status == VS_OK)
        return;
    if (!x->reported) {
        vs_report_status(x->t, c, VS_P_IKEV2_TRUNCATED, VS_P_IKEV2_MALFORMED);
        x->reported = true;
    }
    if (c->status > x->worst)
        x->worst = c->status;
}

static uint64_t be_num(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* Span of a length-delimited structure that starts at off, as far as the
 * cursor's captured bytes go: a length field that claims more than the
 * capture (or its container) holds never yields a span outside the buffer. */
static vs_span clamp(const vs_cursor *c, size_t off, size_t len)
{
    size_t avail = c->cap > off ? c->cap - off : 0;
    return vs_span_at(off, len < avail ? len : avail);
}

static vs_span here(const vs_cursor *c, size_t n) { return clamp(c, c->pos, n); }

/* Reserved field check: a problem on the item just added. */
static void reserved(ctx *x, uint64_t v, vs_span sp)
{
    if (v != 0)
        vs_problem(x->t, VS_P_IKEV2_RESERVED_NONZERO, VS_NO_ITEM, sp, v);
}

/* Read an SPI of n bytes as a bytes item whose value is the number. */
static const uint8_t *rd_spi(vs_cursor *c, vs_tree *t, vs_field_id f, size_t n, uint64_t *v)
{
    vs_span sp = here(c, n);
    const uint8_t *p = vs_bytes(c, n);
    *v = p ? be_num(p, n) : 0;
    if (p)
        vs_add(t, f, sp, *v);
    return p;
}

static void add_spi(ctx *x, uint8_t source, uint8_t proto, uint8_t size, uint64_t v, vs_span sp)
{
    if (!x->out)
        return;
    x->out->n_spis_total++;
    if (x->out->n_spis >= VS_IKEV2_MAX_SPIS)
        return;
    vs_ikev2_spi *s = &x->out->spis[x->out->n_spis++];
    s->source = source;
    s->proto_id = proto;
    s->size = size;
    s->value = v;
    s->span = sp;
    s->inner = x->inner;
}

void vs_ikev2_msg_init(vs_ikev2_msg *out)
{
    memset(out, 0, sizeof *out);
}

/* ---------------------------------------------------------------------- */
/* SA payload (RFC 7296 3.3)
 *
 * Proposal:
 *   | Last Substruc |   RESERVED    |         Proposal Length       |
 *   | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 *   ~                        SPI (variable)                         ~
 *   ~                        <Transforms>                           ~
 * Transform:
 *   | Last Substruc |   RESERVED    |        Transform Length       |
 *   |Transform Type |   RESERVED    |          Transform ID         |
 *   ~                      Transform Attributes                     ~
 * Attribute:
 *   |A|       Attribute Type        |    AF=0  Attribute Length     |
 *   |                             AF=1  Attribute Value             |
 */
static void dec_attr(ctx *x, vs_cursor *c, vs_ikev2_transform *tf)
{
    vs_tree *t = x->t;
    size_t as = c->pos;
    uint16_t raw = vs_u16(c);
    if (c->status != VS_OK)
        return;
    uint16_t type = raw & 0x7FFF;
    vs_span hsp = vs_span_at(as, 2);
    if (raw & 0x8000) { /* TV */
        vs_span vsp = here(c, 2);
        uint16_t v = vs_u16(c);
        if (c->status != VS_OK)
            return;
        vs_open(t, VS_F_IKEV2_ATTR, vs_span_at(as, 4), type);
        vs_add_bits(t, VS_F_IKEV2_ATTR_FORMAT, hsp, raw);
        vs_add_bits(t, VS_F_IKEV2_ATTR_TYPE, hsp, raw);
        if (type == 14) {
            vs_add(t, VS_F_IKEV2_ATTR_KEY_LENGTH, vsp, v);
            if (tf)
                tf->key_len = v;
        } else {
            vs_add(t, VS_F_IKEV2_ATTR_VALUE, vsp, 2);
        }
        vs_close(t);
        return;
    }
    vs_span lsp = here(c, 2);
    uint16_t len = vs_u16(c);
    if (c->status != VS_OK)
        return;
    vs_open(t, VS_F_IKEV2_ATTR, clamp(c, as, 4u + len), type);
    vs_add_bits(t, VS_F_IKEV2_ATTR_FORMAT, hsp, raw);
    vs_add_bits(t, VS_F_IKEV2_ATTR_TYPE, hsp, raw);
    vs_add(t, VS_F_IKEV2_ATTR_LENGTH, lsp, len);
    vs_rd_bytes(c, t, VS_F_IKEV2_ATTR_VALUE, len);
    if (type == 14)
        vs_problem(t, VS_P_IKEV2_SA_ATTR_FORMAT, VS_NO_ITEM, clamp(c, as, 4u + len), len);
    vs_close(t);
}

static vs_field_id tf_id_field(uint8_t type)
{
    switch (type) {
    case VS_IKEV2_TF_ENCR: return VS_F_IKEV2_TF_ID_ENCR;
    case VS_IKEV2_TF_PRF: return VS_F_IKEV2_TF_ID_PRF;
    case VS_IKEV2_TF_INTEG: return VS_F_IKEV2_TF_ID_INTEG;
    case VS_IKEV2_TF_SN: return VS_F_IKEV2_TF_ID_SN;
    default:
        if (type == VS_IKEV2_TF_KE || (type >= VS_IKEV2_TF_ADDKE1 && type <= VS_IKEV2_TF_ADDKE7))
            return VS_F_IKEV2_TF_ID_KE;
        return VS_F_IKEV2_TF_ID;
    }
}

/* One transform; returns its Last Substruc field (or 0xFF when unreadable). */
static unsigned dec_transform(ctx *x, vs_cursor *c, vs_ikev2_proposal *pr)
{
    vs_tree *t = x->t;
    size_t ts = c->pos;
    uint8_t last = vs_u8(c);
    uint8_t r1 = vs_u8(c);
    uint16_t len = vs_u16(c);
    if (c->status != VS_OK)
        return 0xFF;
    uint16_t item = vs_open(t, VS_F_IKEV2_TRANSFORM, clamp(c, ts, len), 0);
    vs_add(t, VS_F_IKEV2_TF_LAST, vs_span_at(ts, 1), last);
    if (last != 0 && last != 3)
        vs_problem(t, VS_P_IKEV2_SA_LAST_SUBSTRUC, VS_NO_ITEM, vs_span_at(ts, 1), last);
    vs_add(t, VS_F_IKEV2_TF_RESERVED, vs_span_at(ts + 1, 1), r1);
    reserved(x, r1, vs_span_at(ts + 1, 1));
    vs_add(t, VS_F_IKEV2_TF_LENGTH, vs_span_at(ts + 2, 2), len);
    if (len < 8) {
        vs_problem(t, VS_P_IKEV2_PAYLOAD_SHORT, VS_NO_ITEM, vs_span_at(ts + 2, 2), len);
        vs_cur_fail(c, VS_MALFORMED);
        vs_close(t);
        return 0xFF;
    }
    vs_cursor tc;
    vs_cur_sub(c, len - 4u, &tc);
    uint8_t type = vs_rd_u8(&tc, t, VS_F_IKEV2_TF_TYPE);
    vs_set_value(t, item, type);
    vs_span rsp = here(&tc, 1);
    uint8_t r2 = vs_rd_u8(&tc, t, VS_F_IKEV2_TF_RESERVED);
    reserved(x, r2, rsp);
    uint16_t id = vs_rd_u16(&tc, t, tf_id_field(type));
    vs_ikev2_transform *tf = NULL;
    if (pr) {
        if (pr->n_transforms < VS_IKEV2_MAX_TRANSFORMS && tc.status == VS_OK) {
            tf = &pr->transforms[pr->n_transforms++];
            tf->type = type;
            tf->id = id;
            tf->key_len = 0;
        }
        pr->n_transforms_total++;
    }
    while (tc.status == VS_OK && !vs_cur_at_end(&tc))
        dec_attr(x, &tc, tf);
    vs_cur_fail(c, tc.status);
    vs_close(t);
    return last;
}

static void dec_sa(ctx *x, vs_cursor *c)
{
    vs_tree *t = x->t;
    vs_ikev2_msg *out = x->out;
    bool record = out && !out->has_sa;
    if (out)
        out->has_sa = true;
    unsigned expect = 1;
    unsigned prev_last = 0xFF;
    while (c->status == VS_OK && !vs_cur_at_end(c)) {
        if (prev_last == 0)
            vs_problem(t, VS_P_IKEV2_SA_LAST_SUBSTRUC, VS_NO_ITEM, here(c, 0), prev_last);
        size_t ps = c->pos;
        uint8_t last = vs_u8(c);
        uint8_t r = vs_u8(c);
        uint16_t len = vs_u16(c);
        if (c->status != VS_OK)
            return;
        uint16_t item = vs_open(t, VS_F_IKEV2_PROPOSAL, clamp(c, ps, len), 0);
        vs_add(t, VS_F_IKEV2_PROP_LAST, vs_span_at(ps, 1), last);
        if (last != 0 && last != 2)
            vs_problem(t, VS_P_IKEV2_SA_LAST_SUBSTRUC, VS_NO_ITEM, vs_span_at(ps, 1), last);
        vs_add(t, VS_F_IKEV2_PROP_RESERVED, vs_span_at(ps + 1, 1), r);
        reserved(x, r, vs_span_at(ps + 1, 1));
        vs_add(t, VS_F_IKEV2_PROP_LENGTH, vs_span_at(ps + 2, 2), len);
        prev_last = last;
        if (len < 8) {
            vs_problem(t, VS_P_IKEV2_PAYLOAD_SHORT, VS_NO_ITEM, vs_span_at(ps + 2, 2), len);
            vs_cur_fail(c, VS_MALFORMED);
            vs_close(t);
            return;
        }
        vs_cursor pc;
        vs_cur_sub(c, len - 4u, &pc);
        vs_span nsp = here(&pc, 1);
        uint8_t num = vs_rd_u8(&pc, t, VS_F_IKEV2_PROP_NUM);
        vs_set_value(t, item, num);
        uint8_t proto = vs_rd_u8(&pc, t, VS_F_IKEV2_PROP_PROTO);
        vs_span ssp = here(&pc, 1);
        uint8_t spisz = vs_rd_u8(&pc, t, VS_F_IKEV2_PROP_SPI_SIZE);
        uint8_t ntf = vs_rd_u8(&pc, t, VS_F_IKEV2_PROP_NUM_TRANSFORMS);
        uint64_t spi = 0;
        vs_span spisp = here(&pc, spisz);
        if (spisz)
            rd_spi(&pc, t, VS_F_IKEV2_PROP_SPI, spisz, &spi);
        if (pc.status == VS_OK) {
            if (num != expect)
                vs_problem(t, VS_P_IKEV2_SA_PROPOSAL_NUMBER, VS_NO_ITEM, nsp, num);
            expect = num + 1u;
            bool ok = proto == VS_IKEV2_PROTO_IKE ? (spisz == 0 || spisz == 8)
                      : (proto == VS_IKEV2_PROTO_AH || proto == VS_IKEV2_PROTO_ESP) ? spisz == 4
                                                                                   : true;
            if (!ok)
                vs_problem(t, VS_P_IKEV2_SA_SPI_SIZE, VS_NO_ITEM, ssp, spisz);
            if (spisz)
                add_spi(x, VS_IKEV2_SPI_PROPOSAL, proto, spisz, spi, spisp);
        }
        vs_ikev2_proposal *pr = NULL;
        if (record) {
            out->n_proposals_total++;
            if (out->n_proposals < VS_IKEV2_MAX_PROPOSALS && pc.status == VS_OK) {
                pr = &out->proposals[out->n_proposals++];
                memset(pr, 0, sizeof *pr);
                pr->number = num;
                pr->proto_id = proto;
                pr->spi_size = spisz;
                pr->spi = spi;
                pr->span = clamp(c, ps, len);
                pr->num_transforms = ntf;
            }
        }
        unsigned count = 0, tlast = 0xFF;
        while (pc.status == VS_OK && !vs_cur_at_end(&pc)) {
            if (tlast == 0)
                vs_problem(t, VS_P_IKEV2_SA_LAST_SUBSTRUC, VS_NO_ITEM, here(&pc, 0), tlast);
            tlast = dec_transform(x, &pc, pr);
            count++;
        }
        if (pc.status == VS_OK) {
            if (tlast == 3)
                vs_problem(t, VS_P_IKEV2_SA_LAST_SUBSTRUC, VS_NO_ITEM, here(&pc, 0), tlast);
            if (count != ntf)
                vs_problem(t, VS_P_IKEV2_SA_TRANSFORM_COUNT, item, vs_span_at(ps + 7, 1), count);
        }
        vs_cur_fail(c, pc.status);
        vs_close(t);
    }
    if (c->status == VS_OK && prev_last == 2)
        vs_problem(t, VS_P_IKEV2_SA_LAST_SUBSTRUC, VS_NO_ITEM, here(c, 0), prev_last);
}

/* ---------------------------------------------------------------------- */
/* KE (3.4): | DH Group Num | RESERVED | Key Exchange Data ... */
static void dec_ke(ctx *x, vs_cursor *c)
{
    uint16_t g = vs_rd_u16(c, x->t, VS_F_IKEV2_KE_GROUP);
    vs_span rsp = here(c, 2);
    uint16_t r = vs_rd_u16(c, x->t, VS_F_IKEV2_KE_RESERVED);
    reserved(x, r, rsp);
    vs_rd_bytes(c, x->t, VS_F_IKEV2_KE_DATA, vs_cur_left(c));
    if (x->out && c->status == VS_OK && x->out->ke_group == 0)
        x->out->ke_group = g;
}

/* IDi/IDr (3.5): | ID Type | RESERVED (3) | Identification Data ... */
static void dec_id(ctx *x, vs_cursor *c, uint8_t ptype)
{
    vs_tree *t = x->t;
    uint8_t type = vs_rd_u8(c, t, VS_F_IKEV2_ID_TYPE);
    vs_span rsp = here(c, 3);
    uint32_t r = vs_rd_u24(c, t, VS_F_IKEV2_ID_RESERVED);
    reserved(x, r, rsp);
    size_t n = vs_cur_left(c);
    vs_field_id f = VS_F_IKEV2_ID_DATA;
    switch (type) {
    case 1: f = n == 4 ? VS_F_IKEV2_ID_IPV4 : VS_F_IKEV2_ID_DATA; break;
    case 5: f = n == 16 ? VS_F_IKEV2_ID_IPV6 : VS_F_IKEV2_ID_DATA; break;
    case 2: f = VS_F_IKEV2_ID_FQDN; break;
    case 3: f = VS_F_IKEV2_ID_RFC822; break;
    case 9: f = VS_F_IKEV2_ID_DN; break;
    case 10: f = VS_F_IKEV2_ID_GN; break;
    case 11: f = VS_F_IKEV2_ID_KEY_ID; break;
    case 12: f = VS_F_IKEV2_ID_FC_NAME; break;
    default: break;
    }
    if ((type == 1 && n != 4) || (type == 5 && n != 16) || (type == 13 && n != 0))
        vs_problem(t, VS_P_IKEV2_ATTR_LENGTH, VS_NO_ITEM, here(c, n), n);
    if (n)
        vs_rd_bytes(c, t, f, n);
    if (x->out && c->status == VS_OK) {
        if (ptype == VS_IKEV2_PL_IDI)
            x->out->id_type_i = type;
        else
            x->out->id_type_r = type;
    }
}

/* CERT (3.6) / CERTREQ (3.7): | Cert Encoding | data ... */
static void dec_cert(ctx *x, vs_cursor *c, bool req)
{
    vs_tree *t = x->t;
    uint8_t enc = vs_rd_u8(c, t, req ? VS_F_IKEV2_CERTREQ_ENCODING : VS_F_IKEV2_CERT_ENCODING);
    size_t n = vs_cur_left(c);
    if (!req) {
        vs_rd_bytes(c, t, VS_F_IKEV2_CERT_DATA, n);
        return;
    }
    if (enc == 4 && n > 0 && n % 20 == 0) { /* concatenated SHA-1 hashes of CA keys */
        while (c->status == VS_OK && !vs_cur_at_end(c))
            vs_rd_bytes(c, t, VS_F_IKEV2_CERTREQ_CA, 20);
    } else if (n) {
        vs_rd_bytes(c, t, VS_F_IKEV2_CERTREQ_CA, n);
    }
}

/* AUTH (3.8): | Auth Method | RESERVED (3) | Authentication Data ... */
static void dec_auth(ctx *x, vs_cursor *c)
{
    uint8_t m = vs_rd_u8(c, x->t, VS_F_IKEV2_AUTH_METHOD);
    vs_span rsp = here(c, 3);
    uint32_t r = vs_rd_u24(c, x->t, VS_F_IKEV2_AUTH_RESERVED);
    reserved(x, r, rsp);
    vs_rd_bytes(c, x->t, VS_F_IKEV2_AUTH_DATA, vs_cur_left(c));
    if (x->out && c->status == VS_OK && x->out->auth_method == 0)
        x->out->auth_method = m;
}

/* Nonce (3.9): 16..256 bytes. */
static void dec_nonce(ctx *x, vs_cursor *c)
{
    size_t n = vs_cur_left(c);
    vs_span sp = here(c, n);
    if (n < 16 || n > 256)
        vs_problem(x->t, VS_P_IKEV2_NONCE_SIZE, VS_NO_ITEM, sp, n);
    vs_rd_bytes(c, x->t, VS_F_IKEV2_NONCE, n);
}

/* Notification data of the types with a defined layout. d covers exactly the data. */
static void dec_notify_data(ctx *x, vs_cursor *d, uint16_t type)
{
    vs_tree *t = x->t;
    size_t n = vs_cur_left(d);
    bool fits = true;
    switch (type) {
    case VS_IKEV2_N_INVALID_KE_PAYLOAD:
        if ((fits = n == 2))
            vs_rd_u16(d, t, VS_F_IKEV2_N_KE_GROUP);
        break;
    case VS_IKEV2_N_SIGNATURE_HASH_ALGORITHMS:
        if ((fits = n % 2 == 0))
            while (d->status == VS_OK && !vs_cur_at_end(d))
                vs_rd_u16(d, t, VS_F_IKEV2_N_HASH_ALG);
        break;
    case VS_IKEV2_N_SET_WINDOW_SIZE:
    case VS_IKEV2_N_AUTH_LIFETIME:
    case VS_IKEV2_N_INVALID_MESSAGE_ID:
        if ((fits = n == 4))
            vs_rd_u32(d, t, VS_F_IKEV2_N_U32);
        break;
    case VS_IKEV2_N_ADDITIONAL_IP4_ADDRESS:
        if ((fits = n == 4))
            vs_rd_bytes(d, t, VS_F_IKEV2_N_IPV4, 4);
        break;
    case VS_IKEV2_N_ADDITIONAL_IP6_ADDRESS:
        if ((fits = n == 16))
            vs_rd_bytes(d, t, VS_F_IKEV2_N_IPV6, 16);
        break;
    case VS_IKEV2_N_IPCOMP_SUPPORTED:
        if ((fits = n == 3)) {
            vs_rd_u16(d, t, VS_F_IKEV2_N_CPI);
            vs_rd_u8(d, t, VS_F_IKEV2_N_IPCOMP_ID);
        }
        break;
    case VS_IKEV2_N_REDIRECT:
    case VS_IKEV2_N_REDIRECT + 1: /* REDIRECTED_FROM */
        if ((fits = n >= 2)) {
            vs_rd_u8(d, t, VS_F_IKEV2_N_GW_TYPE);
            uint8_t gl = vs_rd_u8(d, t, VS_F_IKEV2_N_GW_LEN);
            if ((fits = gl <= vs_cur_left(d)))
                vs_rd_bytes(d, t, VS_F_IKEV2_N_GW_IDENT, gl);
        }
        break;
    default:
        break;
    }
    if (!fits)
        vs_problem(t, VS_P_IKEV2_ATTR_LENGTH, VS_NO_ITEM, here(d, n), n);
}

/* Notify (3.10): | Protocol ID | SPI Size | Notify Message Type | SPI | Data */
static void dec_notify(ctx *x, vs_cursor *c, vs_span pspan)
{
    vs_tree *t = x->t;
    uint8_t proto = vs_rd_u8(c, t, VS_F_IKEV2_N_PROTO);
    uint8_t spisz = vs_rd_u8(c, t, VS_F_IKEV2_N_SPI_SIZE);
    uint16_t type = vs_rd_u16(c, t, VS_F_IKEV2_N_TYPE);
    uint64_t spi = 0;
    vs_span ssp = here(c, spisz);
    if (spisz)
        rd_spi(c, t, VS_F_IKEV2_N_SPI, spisz, &spi);
    size_t dstart = c->pos, n = vs_cur_left(c);
    vs_cursor d;
    vs_cur_rest(c, &d);
    if (n) {
        vs_cursor dd = d;
        vs_rd_bytes(&dd, t, VS_F_IKEV2_N_DATA, n);
        vs_cur_fail(c, dd.status);
        if (dd.status == VS_OK)
            dec_notify_data(x, &d, type);
    }
    if (c->status != VS_OK || !x->out)
        return;
    if (spisz)
        add_spi(x, VS_IKEV2_SPI_NOTIFY, proto, spisz, spi, ssp);
    x->out->n_notifies_total++;
    if (x->out->n_notifies < VS_IKEV2_MAX_NOTIFIES) {
        vs_ikev2_notify *nt = &x->out->notifies[x->out->n_notifies++];
        nt->type = type;
        nt->proto_id = proto;
        nt->spi_size = spisz;
        nt->spi = spi;
        nt->span = pspan;
        nt->data = vs_span_at(dstart, n);
        nt->inner = x->inner;
    }
}

/* Delete (3.11): | Protocol ID | SPI Size | Num of SPIs | SPIs ... */
static void dec_delete(ctx *x, vs_cursor *c)
{
    vs_tree *t = x->t;
    uint8_t proto = vs_rd_u8(c, t, VS_F_IKEV2_D_PROTO);
    vs_span ssp = here(c, 1);
    uint8_t spisz = vs_rd_u8(c, t, VS_F_IKEV2_D_SPI_SIZE);
    vs_span nsp = here(c, 2);
    uint16_t num = vs_rd_u16(c, t, VS_F_IKEV2_D_NUM_SPIS);
    if (c->status != VS_OK)
        return;
    bool ok = proto == VS_IKEV2_PROTO_IKE ? spisz == 0
              : (proto == VS_IKEV2_PROTO_AH || proto == VS_IKEV2_PROTO_ESP) ? spisz == 4
                                                                           : true;
    if (!ok)
        vs_problem(t, VS_P_IKEV2_DELETE_SPI_SIZE, VS_NO_ITEM, ssp, spisz);
    size_t left = vs_cur_left(c);
    if ((size_t)spisz * num != left) {
        /* Count and size contradict the payload length: decode what fits. */
        vs_problem(t, VS_P_IKEV2_DELETE_COUNT, VS_NO_ITEM, nsp, num);
        if ((size_t)spisz * num > left && c->end != VS_LEN_UNKNOWN) {
            /* reading would run past the payload: the next read reports it */
        } else {
            vs_cur_fail(c, VS_MALFORMED);
        }
    }
    if (spisz == 0) {
        if (num != 0) /* nothing to read, but the count is wrong */
            vs_problem(t, VS_P_IKEV2_DELETE_COUNT, VS_NO_ITEM, nsp, num);
        return;
    }
    for (unsigned i = 0; i < num && c->status == VS_OK; i++) {
        uint64_t v;
        vs_span sp = here(c, spisz);
        if (rd_spi(c, t, VS_F_IKEV2_D_SPI, spisz, &v))
            add_spi(x, VS_IKEV2_SPI_DELETE, proto, spisz, v, sp);
    }
}

/* Vendor ID (3.12) */
static void dec_vid(ctx *x, vs_cursor *c)
{
    size_t n = vs_cur_left(c);
    vs_span sp = here(c, n);
    const uint8_t *p = vs_rd_bytes(c, x->t, VS_F_IKEV2_VID, n);
    size_t plen = 0;
    unsigned v = p ? vs_ikev2_vendor_match(p, n, &plen) : 0;
    if (v)
        vs_add_gen(x->t, VS_F_IKEV2_VID_VENDOR, vs_span_at(sp.off, plen), v);
}

/* TSi/TSr (3.13): | Number of TSs | RESERVED (3) | selectors ...
 * Selector: | TS Type | IP Protocol ID | Selector Length | Start Port | End Port |
 *           | Starting Address | Ending Address | */
static void dec_ts(ctx *x, vs_cursor *c)
{
    vs_tree *t = x->t;
    vs_span nsp = here(c, 1);
    uint8_t num = vs_rd_u8(c, t, VS_F_IKEV2_TS_NUM);
    vs_span rsp = here(c, 3);
    uint32_t r = vs_rd_u24(c, t, VS_F_IKEV2_TS_RESERVED);
    reserved(x, r, rsp);
    unsigned count = 0;
    while (c->status == VS_OK && !vs_cur_at_end(c)) {
        size_t ss = c->pos;
        uint8_t type = vs_u8(c);
        uint8_t proto = vs_u8(c);
        uint16_t len = vs_u16(c);
        if (c->status != VS_OK)
            return;
        count++;
        vs_open(t, VS_F_IKEV2_TS, clamp(c, ss, len), type);
        vs_add(t, VS_F_IKEV2_TS_TYPE, vs_span_at(ss, 1), type);
        vs_add(t, VS_F_IKEV2_TS_PROTO, vs_span_at(ss + 1, 1), proto);
        vs_add(t, VS_F_IKEV2_TS_LENGTH, vs_span_at(ss + 2, 2), len);
        size_t alen = type == 7 ? 4 : type == 8 ? 16 : 0;
        if (len < 4 || (alen && len != 8 + 2 * alen)) {
            vs_problem(t, VS_P_IKEV2_TS_LENGTH, VS_NO_ITEM, vs_span_at(ss + 2, 2), len);
            vs_cur_fail(c, VS_MALFORMED);
            vs_close(t);
            return;
        }
        vs_cursor sc;
        vs_cur_sub(c, len - 4u, &sc);
        if (alen) {
            uint16_t sp = vs_rd_u16(&sc, t, VS_F_IKEV2_TS_START_PORT);
            uint16_t ep = vs_rd_u16(&sc, t, VS_F_IKEV2_TS_END_PORT);
            vs_span asp = here(&sc, alen);
            const uint8_t *a = vs_rd_bytes(&sc, t, alen == 4 ? VS_F_IKEV2_TS_START_V4 : VS_F_IKEV2_TS_START_V6, alen);
            const uint8_t *b = vs_rd_bytes(&sc, t, alen == 4 ? VS_F_IKEV2_TS_END_V4 : VS_F_IKEV2_TS_END_V6, alen);
            /* start 65535, end 0 is OPAQUE (RFC 7296 3.13.1), not an inverted range */
            bool opaque = sp == 65535 && ep == 0;
            if (sc.status == VS_OK && !opaque && sp > ep)
                vs_problem(t, VS_P_IKEV2_TS_RANGE, VS_NO_ITEM, vs_span_at(ss + 4, 4), sp);
            if (a && b && memcmp(a, b, alen) > 0)
                vs_problem(t, VS_P_IKEV2_TS_RANGE, VS_NO_ITEM, vs_span_at(asp.off, 2 * alen), 0);
        } else if (len > 4) {
            vs_rd_bytes(&sc, t, VS_F_IKEV2_TS_DATA, len - 4u);
        }
        vs_cur_fail(c, sc.status);
        vs_close(t);
    }
    if (c->status == VS_OK && count != num)
        vs_problem(t, VS_P_IKEV2_TS_COUNT, VS_NO_ITEM, nsp, count);
}

/* SK (3.14): the whole body is IV | ciphertext | padding | pad length | ICV.
 * SKF (RFC 7383 2.5): | Fragment Number | Total Fragments | then as SK. */
static void dec_sk(ctx *x, vs_cursor *c, uint8_t ptype, uint8_t next, vs_span pspan)
{
    vs_tree *t = x->t;
    uint16_t num = 0, total = 0;
    if (ptype == VS_IKEV2_PL_SKF) {
        vs_span nsp = here(c, 4);
        num = vs_rd_u16(c, t, VS_F_IKEV2_SKF_NUMBER);
        total = vs_rd_u16(c, t, VS_F_IKEV2_SKF_TOTAL);
        if (c->status == VS_OK && (num == 0 || total == 0 || num > total))
            vs_problem(t, VS_P_IKEV2_SKF_NUMBER, VS_NO_ITEM, nsp, num);
    }
    size_t n = vs_cur_left(c);
    vs_span dsp = here(c, n);
    if (n)
        vs_rd_bytes(c, t, VS_F_IKEV2_SK_DATA, n);
    if (!x->out || c->status != VS_OK || x->out->has_sk)
        return;
    x->out->has_sk = true;
    x->out->is_fragment = ptype == VS_IKEV2_PL_SKF;
    x->out->sk_first_payload = next;
    x->out->sk_payload = pspan;
    x->out->sk_data = dsp;
    x->out->frag_number = num;
    x->out->frag_total = total;
}

/* CP (3.15): | CFG Type | RESERVED (3) | attributes ...
 * Attribute: |R|  Attribute Type  |  Length  | Value ... */
static void dec_cp_value(ctx *x, vs_cursor *c, uint16_t type, uint16_t len)
{
    vs_tree *t = x->t;
    bool fits = true;
    if (len == 0)
        return; /* a request for the attribute */
    switch (type) {
    case 1: case 2: case 3: case 4: case 6: case 20:
        if ((fits = len == 4))
            vs_rd_bytes(c, t, VS_F_IKEV2_CP_IPV4, 4);
        break;
    case 13:
        if ((fits = len == 8)) {
            vs_rd_bytes(c, t, VS_F_IKEV2_CP_IPV4, 4);
            vs_rd_bytes(c, t, VS_F_IKEV2_CP_IPV4_MASK, 4);
        }
        break;
    case 8: case 15: case 18:
        if ((fits = len == 17)) {
            vs_rd_bytes(c, t, VS_F_IKEV2_CP_IPV6, 16);
            vs_rd_u8(c, t, VS_F_IKEV2_CP_IPV6_PREFIX);
        }
        break;
    case 10: case 12: case 19: case 21:
        if ((fits = len == 16 || (type == 19 && len == 20)))
            vs_rd_bytes(c, t, VS_F_IKEV2_CP_IPV6, 16);
        break;
    case 7: case 25:
        vs_rd_bytes(c, t, VS_F_IKEV2_CP_STRING, len);
        break;
    case 14:
        if ((fits = len % 2 == 0))
            while (c->status == VS_OK && !vs_cur_at_end(c))
                vs_rd_u16(c, t, VS_F_IKEV2_CP_SUPPORTED);
        break;
    default:
        break;
    }
    if (!fits)
        vs_problem(t, VS_P_IKEV2_ATTR_LENGTH, VS_NO_ITEM, here(c, len), len);
    if (c->status == VS_OK && !vs_cur_at_end(c))
        vs_rd_bytes(c, t, VS_F_IKEV2_CP_ATTR_VALUE, vs_cur_left(c));
}

static void dec_cp(ctx *x, vs_cursor *c)
{
    vs_tree *t = x->t;
    vs_rd_u8(c, t, VS_F_IKEV2_CP_TYPE);
    vs_span rsp = here(c, 3);
    uint32_t r = vs_rd_u24(c, t, VS_F_IKEV2_CP_RESERVED);
    reserved(x, r, rsp);
    while (c->status == VS_OK && !vs_cur_at_end(c)) {
        size_t as = c->pos;
        uint16_t raw = vs_u16(c);
        uint16_t len = vs_u16(c);
        if (c->status != VS_OK)
            return;
        uint16_t type = raw & 0x7FFF;
        vs_open(t, VS_F_IKEV2_CP_ATTR, clamp(c, as, 4u + len), type);
        vs_add_bits(t, VS_F_IKEV2_CP_ATTR_RESERVED, vs_span_at(as, 2), raw);
        if (raw & 0x8000)
            vs_problem(t, VS_P_IKEV2_RESERVED_NONZERO, VS_NO_ITEM, vs_span_at(as, 2), raw);
        vs_add_bits(t, VS_F_IKEV2_CP_ATTR_TYPE, vs_span_at(as, 2), raw);
        vs_add(t, VS_F_IKEV2_CP_ATTR_LENGTH, vs_span_at(as + 2, 2), len);
        vs_cursor ac;
        vs_cur_sub(c, len, &ac);
        if (ac.status == VS_OK)
            dec_cp_value(x, &ac, type, len);
        vs_cur_fail(c, ac.status);
        vs_close(t);
    }
}

/* EAP (3.16, RFC 3748 4): | Code | Identifier | Length | Type | Type-Data ... */
static void dec_eap(ctx *x, vs_cursor *c)
{
    vs_tree *t = x->t;
    size_t n = vs_cur_left(c);
    uint8_t code = vs_rd_u8(c, t, VS_F_IKEV2_EAP_CODE);
    vs_rd_u8(c, t, VS_F_IKEV2_EAP_ID);
    vs_span lsp = here(c, 2);
    uint16_t len = vs_rd_u16(c, t, VS_F_IKEV2_EAP_LENGTH);
    if (c->status != VS_OK)
        return;
    if (len != n) {
        /* The EAP message must fill the payload exactly. */
        vs_problem(t, VS_P_IKEV2_EAP_LENGTH, VS_NO_ITEM, lsp, len);
        vs_cur_fail(c, VS_MALFORMED);
        return;
    }
    if ((code == 1 || code == 2 || code == 5 || code == 6) && len > 4) {
        vs_rd_u8(c, t, VS_F_IKEV2_EAP_TYPE);
        if (!vs_cur_at_end(c))
            vs_rd_bytes(c, t, VS_F_IKEV2_EAP_DATA, vs_cur_left(c));
    } else if (len > 4) {
        vs_rd_bytes(c, t, VS_F_IKEV2_EAP_DATA, vs_cur_left(c));
    }
}

/* ---------------------------------------------------------------------- */
/* Generic payload header (3.2):
 *   | Next Payload  |C|  RESERVED   |         Payload Length        | */

/* Minimum body length (after the 4-byte generic header) per payload type. */
static size_t min_body(uint8_t type)
{
    switch (type) {
    case VS_IKEV2_PL_KE: case VS_IKEV2_PL_IDI: case VS_IKEV2_PL_IDR: case VS_IKEV2_PL_AUTH:
    case VS_IKEV2_PL_NOTIFY: case VS_IKEV2_PL_DELETE: case VS_IKEV2_PL_TSI: case VS_IKEV2_PL_TSR:
    case VS_IKEV2_PL_CP: case VS_IKEV2_PL_EAP: case VS_IKEV2_PL_SKF:
        return 4;
    case VS_IKEV2_PL_CERT: case VS_IKEV2_PL_CERTREQ:
        return 1;
    default:
        return 0;
    }
}

static bool known_type(uint8_t type)
{
    return type >= VS_IKEV2_PL_SA && type <= VS_IKEV2_PL_PS;
}

static void walk(ctx *x, vs_cursor *c, uint8_t np)
{
    vs_tree *t = x->t;
    while (np != VS_IKEV2_PL_NONE) {
        if (c->status != VS_OK)
            return;
        if (c->end != VS_LEN_UNKNOWN && c->pos >= c->end) {
            vs_problem(t, VS_P_IKEV2_CHAIN_CUT, VS_NO_ITEM, here(c, 0), np);
            vs_cur_fail(c, VS_MALFORMED);
            note_status(x, c);
            return;
        }
        size_t ps = c->pos;
        uint8_t next = vs_u8(c);
        uint8_t fl = vs_u8(c);
        uint16_t len = vs_u16(c);
        if (c->status != VS_OK) {
            note_status(x, c);
            return;
        }
        vs_span pspan = clamp(c, ps, len);
        vs_open(t, VS_F_IKEV2_PAYLOAD, pspan, np);
        vs_add(t, VS_F_IKEV2_PL_NEXT, vs_span_at(ps, 1), next);
        vs_add_bits(t, VS_F_IKEV2_PL_CRITICAL, vs_span_at(ps + 1, 1), fl);
        vs_add_bits(t, VS_F_IKEV2_PL_RESERVED, vs_span_at(ps + 1, 1), fl);
        reserved(x, fl & 0x7F, vs_span_at(ps + 1, 1));
        vs_add(t, VS_F_IKEV2_PL_LENGTH, vs_span_at(ps + 2, 2), len);
        if (len < 4 || (size_t)(len - 4u) < min_body(np)) {
            vs_problem(t, VS_P_IKEV2_PAYLOAD_SHORT, VS_NO_ITEM, vs_span_at(ps + 2, 2), len);
            if (len < 4) { /* the chain cannot be followed */
                vs_cur_fail(c, VS_MALFORMED);
                note_status(x, c);
                vs_close(t);
                return;
            }
        }
        if (x->out) {
            x->out->n_payloads_total++;
            if (x->out->n_payloads < VS_IKEV2_MAX_PAYLOADS) {
                vs_ikev2_payload *p = &x->out->payloads[x->out->n_payloads++];
                p->type = np;
                p->critical = (fl & 0x80) != 0;
                p->inner = x->inner;
                p->span = pspan;
            }
        }
        vs_cursor pc;
        vs_cur_sub(c, len - 4u, &pc);
        if (pc.status == VS_OK && (size_t)(len - 4u) < min_body(np)) {
            vs_rd_bytes(&pc, t, VS_F_IKEV2_PL_DATA, len - 4u);
            vs_cur_fail(&pc, VS_MALFORMED);
        } else if (pc.status == VS_OK) {
            switch (np) {
            case VS_IKEV2_PL_SA: dec_sa(x, &pc); break;
            case VS_IKEV2_PL_KE: dec_ke(x, &pc); break;
            case VS_IKEV2_PL_IDI:
            case VS_IKEV2_PL_IDR: dec_id(x, &pc, np); break;
            case VS_IKEV2_PL_CERT: dec_cert(x, &pc, false); break;
            case VS_IKEV2_PL_CERTREQ: dec_cert(x, &pc, true); break;
            case VS_IKEV2_PL_AUTH: dec_auth(x, &pc); break;
            case VS_IKEV2_PL_NONCE: dec_nonce(x, &pc); break;
            case VS_IKEV2_PL_NOTIFY: dec_notify(x, &pc, pspan); break;
            case VS_IKEV2_PL_DELETE: dec_delete(x, &pc); break;
            case VS_IKEV2_PL_VID: dec_vid(x, &pc); break;
            case VS_IKEV2_PL_TSI:
            case VS_IKEV2_PL_TSR: dec_ts(x, &pc); break;
            case VS_IKEV2_PL_SK:
            case VS_IKEV2_PL_SKF: dec_sk(x, &pc, np, next, pspan); break;
            case VS_IKEV2_PL_CP: dec_cp(x, &pc); break;
            case VS_IKEV2_PL_EAP: dec_eap(x, &pc); break;
            default:
                if (!known_type(np))
                    vs_problem(t, (fl & 0x80) ? VS_P_IKEV2_PAYLOAD_UNKNOWN_CRITICAL
                                              : VS_P_IKEV2_PAYLOAD_UNKNOWN,
                               VS_NO_ITEM, pspan, np);
                if (len > 4)
                    vs_rd_bytes(&pc, t, VS_F_IKEV2_PL_DATA, len - 4u);
                break;
            }
        }
        note_status(x, &pc);
        vs_close(t);
        if (np == VS_IKEV2_PL_SK || np == VS_IKEV2_PL_SKF) {
            /* SK is last; its Next Payload names the first inner payload. */
            if (c->status == VS_OK && !vs_cur_at_end(c)) {
                size_t left = vs_cur_left(c);
                vs_problem(t, VS_P_IKEV2_SK_NOT_LAST, VS_NO_ITEM, here(c, left), left);
                vs_skip(c, left);
                note_status(x, c);
            }
            return;
        }
        np = next;
    }
    if (c->status == VS_OK && !vs_cur_at_end(c) && c->end != VS_LEN_UNKNOWN) {
        size_t left = vs_cur_left(c);
        vs_problem(t, VS_P_IKEV2_EXTRA_DATA, VS_NO_ITEM, here(c, left), left);
        vs_skip(c, left); /* truncated when the capture lacks them */
        note_status(x, c);
    }
}

/* ---------------------------------------------------------------------- */
/* Header (3.1):
 *   |                       IKE SA Initiator's SPI                  |
 *   |                       IKE SA Responder's SPI                  |
 *   |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 *   |                          Message ID                           |
 *   |                            Length                             |
 */
vs_status vs_ikev2_decode(vs_cursor *c, vs_tree *t, vs_ikev2_msg *out)
{
    ctx x = {t, out, false, false, VS_OK};
    if (out)
        vs_ikev2_msg_init(out);
    size_t start = c->pos;
    uint16_t root = vs_open(t, VS_F_IKEV2, vs_span_at(start, 0), 0);
    uint64_t ispi = vs_rd_u64(c, t, VS_F_IKEV2_ISPI);
    uint64_t rspi = vs_rd_u64(c, t, VS_F_IKEV2_RSPI);
    uint8_t np = vs_rd_u8(c, t, VS_F_IKEV2_NEXT_PAYLOAD);
    vs_span vsp = here(c, 1);
    uint8_t ver = vs_u8(c);
    if (c->status == VS_OK) {
        vs_open(t, VS_F_IKEV2_VERSION, vsp, ver);
        vs_add_bits(t, VS_F_IKEV2_VERSION_MAJOR, vsp, ver);
        vs_add_bits(t, VS_F_IKEV2_VERSION_MINOR, vsp, ver);
        vs_close(t);
    }
    uint8_t exch = vs_rd_u8(c, t, VS_F_IKEV2_EXCH_TYPE);
    vs_span fsp = here(c, 1);
    uint8_t flags = vs_u8(c);
    if (c->status == VS_OK) {
        vs_open(t, VS_F_IKEV2_FLAGS, fsp, flags);
        vs_add_bits(t, VS_F_IKEV2_FLAG_INITIATOR, fsp, flags);
        vs_add_bits(t, VS_F_IKEV2_FLAG_VERSION, fsp, flags);
        vs_add_bits(t, VS_F_IKEV2_FLAG_RESPONSE, fsp, flags);
        vs_add_bits(t, VS_F_IKEV2_FLAGS_RESERVED, fsp, flags);
        vs_close(t);
    }
    uint32_t msgid = vs_rd_u32(c, t, VS_F_IKEV2_MSGID);
    vs_span lsp = here(c, 4);
    uint32_t length = vs_rd_u32(c, t, VS_F_IKEV2_LENGTH);
    if (c->status == VS_OK) {
        if (out) {
            out->hdr = vs_span_at(start, VS_IKEV2_HDR_LEN);
            out->ispi = ispi;
            out->rspi = rspi;
            out->next_payload = np;
            out->version = ver;
            out->major = ver >> 4;
            out->minor = ver & 0x0F;
            out->exch_type = exch;
            out->flags = flags;
            out->initiator = (flags & VS_IKEV2_FLAG_INITIATOR) != 0;
            out->response = (flags & VS_IKEV2_FLAG_RESPONSE) != 0;
            out->msgid = msgid;
            out->length = length;
        }
        if ((ver >> 4) != 2)
            vs_problem(t, VS_P_IKEV2_BAD_VERSION, VS_NO_ITEM, vsp, ver >> 4);
        if (flags & VS_IKEV2_FLAGS_RESERVED)
            vs_problem(t, VS_P_IKEV2_FLAGS_RESERVED_SET, VS_NO_ITEM, fsp, flags);
        if (exch < 34 || (exch > 44 && exch < 240))
            vs_problem(t, VS_P_IKEV2_EXCH_UNKNOWN, VS_NO_ITEM, vs_span_at(start + 18, 1), exch);
        if (length < VS_IKEV2_HDR_LEN) {
            vs_problem(t, VS_P_IKEV2_HDR_LENGTH, VS_NO_ITEM, lsp, length);
            vs_cur_fail(c, VS_MALFORMED);
        }
    }
    if (c->status == VS_OK) {
        vs_cursor body;
        vs_cur_sub(c, length - VS_IKEV2_HDR_LEN, &body);
        if (body.status == VS_OK)
            walk(&x, &body, np);
        note_status(&x, &body);
        if (c->status == VS_OK && body.status == VS_OK && !vs_cur_at_end(c))
            vs_problem(t, VS_P_IKEV2_TRAILING_DATA, VS_NO_ITEM, here(c, vs_cur_left(c)),
                       vs_cur_left(c));
    }
    vs_cur_fail(c, x.worst);
    if (!x.reported)
        vs_report_status(t, c, VS_P_IKEV2_TRUNCATED, VS_P_IKEV2_MALFORMED);
    vs_set_len(t, root, c->pos);
    vs_close(t);
    return c->status;
}

vs_status vs_ikev2_decode_payloads(vs_cursor *c, uint8_t first_payload, vs_tree *t,
                                   vs_ikev2_msg *out)
{
    ctx x = {t, out, true, false, VS_OK};
    walk(&x, c, first_payload);
    vs_cur_fail(c, x.worst);
    if (!x.reported)
        vs_report_status(t, c, VS_P_IKEV2_TRUNCATED, VS_P_IKEV2_MALFORMED);
    return c->status;
}

vs_status vs_ikev2_sk_split(vs_span d, size_t iv_len, size_t icv_len, vs_tree *t,
                            vs_ikev2_sk_parts *out)
{
    if (iv_len > d.len || icv_len > d.len - iv_len) {
        vs_problem(t, VS_P_IKEV2_SK_SHORT, VS_NO_ITEM, d, iv_len + icv_len);
        return VS_MALFORMED;
    }
    vs_ikev2_sk_parts p;
    p.iv = vs_span_at(d.off, iv_len);
    p.ciphertext = vs_span_at(d.off + iv_len, d.len - iv_len - icv_len);
    p.icv = vs_span_at(d.off + d.len - icv_len, icv_len);
    if (iv_len)
        vs_add(t, VS_F_IKEV2_SK_IV, p.iv, iv_len);
    vs_add(t, VS_F_IKEV2_SK_CIPHERTEXT, p.ciphertext, p.ciphertext.len);
    if (icv_len)
        vs_add(t, VS_F_IKEV2_SK_ICV, p.icv, icv_len);
    if (out)
        *out = p;
    return VS_OK;
}
