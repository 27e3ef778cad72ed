/*
 * ISAKMP generic payload walker shared by the IKEv1 and GDOI decoders.
 *
 * strongSwan's shape: every payload type has a layout entry (minimum body
 * length and a body decoder, the RFC diagram above each decoder); one
 * walker follows a next-payload chain through a table. The tables differ
 * by context: IKEv1 messages, GDOI messages, the inside of an SA (proposal
 * chain), of a proposal (transform chain) and of a GDOI SA (SA KEK / GAP /
 * SA TEK chain). Data attributes are decoded by one function driven by
 * per-registry rule tables (attribute type -> named field and value kind).
 *
 * Status rules: a length that exceeds its container is MALFORMED (the
 * cursor does this); bytes the capture lacks are TRUNCATED; a length below
 * a payload's minimum, reserved bits, counts that disagree, unknown types
 * are problems that leave the status alone.
 */
#include "isakmp_int.h"

#include <string.h>

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */

static vs_span span_of(size_t off, size_t len) { return vs_span_at(off, len); }

/* Read the rest of the logical body as one bytes field (nothing when empty). */
static vs_span rd_rest(ikx *x, vs_cursor *b, vs_field_id f)
{
    size_t n = vs_cur_left(b);
    vs_span sp = span_of(b->pos, n);
    if (n == 0)
        return sp;
    if (!vs_rd_bytes(b, x->t, f, n))
        sp.len = 0;
    return sp;
}

static vs_span rd_n(ikx *x, vs_cursor *b, vs_field_id f, size_t n)
{
    vs_span sp = span_of(b->pos, n);
    if (n == 0)
        return sp;
    if (!vs_rd_bytes(b, x->t, f, n))
        sp.len = 0;
    return sp;
}

static void capacity_note(ikx *x, vs_span sp)
{
    if (!x->cap_noted) {
        x->cap_noted = 1;
        vs_problem(x->t, VS_P_IKE_TOO_MANY, VS_NO_ITEM, sp, 0);
    }
}

static vs_ike_payload *payload_rec(ikx *x, int pi)
{
    if (!x->m || pi < 0 || pi >= x->m->n_payloads)
        return NULL;
    return &x->m->payloads[pi];
}

/* Typed result of payload pi: its main value and data span (no-op without a result). */
static void record_value_data(ikx *x, int pi, uint32_t value, vs_span data)
{
    vs_ike_payload *p = payload_rec(x, pi);
    if (p) {
        p->value = value;
        p->data = data;
    }
}

int vs_isakmp_find(const vs_isakmp_msg *m, uint8_t type, int from)
{
    for (int i = from < 0 ? 0 : from; i < m->n_payloads; i++)
        if (m->payloads[i].type == type)
            return i;
    return -1;
}

/* ---------------------------------------------------------------------- */
/* Vendor IDs: matched by hash prefix (MD5 of a vendor string, some with
 * version bytes after the prefix).                                       */

typedef struct vid_rule {
    uint8_t kind;
    uint8_t len;        /* prefix length compared */
    uint8_t exact;      /* the VID must be exactly len bytes */
    const char *hex;
} vid_rule;

static const vid_rule vid_rules[] = {
    {VS_VID_CISCO_UNITY, 14, 0, "12f5f28c457168a9702d9fe274cc"}, /* + major, minor */
    {VS_VID_DPD, 14, 0, "afcad71368a1f1c96b8696fc7757"},         /* + 01 00 (RFC 3706) */
    {VS_VID_XAUTH, 8, 0, "09002689dfd6b712"},
    {VS_VID_NATT_RFC3947, 16, 0, "4a131c81070358455c5728f20e95452f"},
    {VS_VID_NATT_DRAFT_00, 16, 0, "4485152d18b6bbcd0be8a8469579ddcc"},
    {VS_VID_NATT_DRAFT_01, 16, 0, "16f6ca16e4a4066d83821a0f0aeaa862"},
    {VS_VID_NATT_DRAFT_02, 16, 0, "cd60464335df21f87cfdb2fc68b6a448"},
    {VS_VID_NATT_DRAFT_02N, 16, 0, "90cb80913ebb696e086381b5ec427b1f"},
    {VS_VID_NATT_DRAFT_03, 16, 0, "7d9419a65310ca6f2c179d9215529d56"},
    {VS_VID_NATT_DRAFT_04, 16, 0, "9909b64eed937c6573de52ace952fa6b"},
    {VS_VID_NATT_DRAFT_05, 16, 0, "80d0bb3def54565ee84645d4c85ce3ee"},
    {VS_VID_NATT_DRAFT_06, 16, 0, "4d1e0e136deafa34c4f3ea9f02ec7285"},
    {VS_VID_NATT_DRAFT_07, 16, 0, "439b59f8ba676c4c7737ae22eab8f582"},
    {VS_VID_NATT_DRAFT_08, 16, 0, "8f8d83826d246b6fc7a8a6a428c11de8"},
    {VS_VID_NATT_STENBERG_01, 16, 0, "27bab5dc01ea0760ea4e3190ac27c0d0"},
    {VS_VID_NATT_STENBERG_02, 16, 0, "6105c422e76847e43f9684801292aecd"},
    {VS_VID_ESP_IN_UDP_HUTTUNEN, 16, 0, "58b35b47d82ee84954cb62ca82e1dfdd"},
    {VS_VID_FRAGMENTATION, 16, 0, "4048b7d56ebce88525e7de7f00d6c2d3"}, /* + capability flags */
    {VS_VID_STRONGSWAN, 16, 0, "882fe56d6fd20dbc2251613b2ebe5beb"},
    {VS_VID_MS_NT5, 16, 0, "1e2b516905991c7d7c96fcbfb587e461"},        /* + Windows version */
    {VS_VID_MS_NEGOTIATION_DISCOVERY, 16, 0, "fb1de3cdf341b7ea16b7e5be0855f120"},
    {VS_VID_MS_INITIAL_CONTACT, 16, 0, "26244d38eddb61b3172a36e3d0cfb819"},
    {VS_VID_MS_CGA, 16, 0, "e3a5966a76379fe707228231e5ce8652"},
    {VS_VID_NETSCREEN, 20, 0, "699369228741c6d4ca094c93e242c9de19e7b7c6"}, /* Netscreen-6 */
    {VS_VID_HEARTBEAT_NOTIFY, 16, 0, "4865617274426561745f4e6f74696679"}, /* "HeartBeat_Notify" */
    {VS_VID_CISCO_CONCENTRATOR, 16, 0, "8d48c5feb589ad1c7d363ddc4c294a7f"},
    {VS_VID_CISCO_GRE_MODE, 16, 0, "d5db1a7207c1d844abe535b8df784fcb"},
    {VS_VID_OPENSWAN, 2, 1, "4f45"}, /* "OE" + 10 printable chars, 12 bytes in all */
};

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    return ch - 'a' + 10;
}

unsigned vs_ike_vid_kind(const uint8_t *vid, size_t len)
{
    for (size_t i = 0; i < sizeof vid_rules / sizeof vid_rules[0]; i++) {
        const vid_rule *r = &vid_rules[i];
        if (len < r->len)
            continue;
        if (r->exact && !(r->kind == VS_VID_OPENSWAN && len == 12))
            continue;
        size_t k = 0;
        for (; k < r->len; k++) {
            int b = (hexval(r->hex[2 * k]) << 4) | hexval(r->hex[2 * k + 1]);
            if (vid[k] != (uint8_t)b)
                break;
        }
        if (k == r->len)
            return r->kind;
    }
    return VS_VID_UNKNOWN;
}

/* ---------------------------------------------------------------------- */
/* Data attributes (RFC 2408 3.3)
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !A!       Attribute Type        !    AF=0  Attribute Length     !
 * !F!                             !    AF=1  Attribute Value      !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                   AF=0  Attribute Value                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

enum akind { AK_INT, AK_BYTES, AK_IPV4, AK_IPV6, AK_STRING };

typedef struct attr_rule {
    uint16_t type;
    uint16_t field;
    uint8_t kind;
} attr_rule;

typedef struct attr_reg {
    uint16_t type_field;
    uint16_t int_field;   /* fallback for integer values */
    uint16_t bytes_field; /* fallback for byte values */
    uint8_t empty_ok;     /* zero-length TLV values are normal (mode config requests) */
    const attr_rule *rules;
    size_t n;
} attr_reg;

#define R(t, f, k) {(t), VS_F_##f, (k)}
static const attr_rule oakley_rules[] = {
    R(1, IKE_OAK_ENCR, AK_INT), R(2, IKE_OAK_HASH, AK_INT), R(3, IKE_OAK_AUTH, AK_INT),
    R(4, IKE_OAK_GROUP, AK_INT), R(5, IKE_OAK_GROUP_TYPE, AK_INT),
    R(6, IKE_OAK_GROUP_PRIME, AK_BYTES), R(7, IKE_OAK_GROUP_GEN1, AK_BYTES),
    R(8, IKE_OAK_GROUP_GEN2, AK_BYTES), R(9, IKE_OAK_GROUP_CURVE_A, AK_BYTES),
    R(10, IKE_OAK_GROUP_CURVE_B, AK_BYTES), R(11, IKE_OAK_LIFE_TYPE, AK_INT),
    R(12, IKE_OAK_LIFE_DURATION, AK_INT), R(13, IKE_OAK_PRF, AK_INT),
    R(14, IKE_OAK_KEY_LENGTH, AK_INT), R(15, IKE_OAK_FIELD_SIZE, AK_INT),
    R(16, IKE_OAK_GROUP_ORDER, AK_BYTES),
};
static const attr_rule ipsec_rules[] = {
    R(1, IKE_IPSEC_LIFE_TYPE, AK_INT), R(2, IKE_IPSEC_LIFE_DURATION, AK_INT),
    R(3, IKE_IPSEC_GROUP, AK_INT), R(4, IKE_IPSEC_ENCAP, AK_INT), R(5, IKE_IPSEC_AUTH, AK_INT),
    R(6, IKE_IPSEC_KEY_LENGTH, AK_INT), R(7, IKE_IPSEC_KEY_ROUNDS, AK_INT),
    R(8, IKE_IPSEC_DICT_SIZE, AK_INT), R(9, IKE_IPSEC_PRIV_ALG, AK_BYTES),
    R(10, IKE_IPSEC_ECN, AK_INT), R(11, IKE_IPSEC_ESN, AK_INT),
    R(12, IKE_IPSEC_AUTH_KEY_LENGTH, AK_INT), R(13, IKE_IPSEC_SIG_ENC, AK_INT),
    R(14, IKE_IPSEC_ADDR_PRES, AK_INT), R(15, IKE_IPSEC_SA_DIR, AK_INT),
};
static const attr_rule cfg_rules[] = {
    R(1, IKE_CFG_IPV4, AK_IPV4), R(2, IKE_CFG_IPV4, AK_IPV4), R(3, IKE_CFG_IPV4, AK_IPV4),
    R(4, IKE_CFG_IPV4, AK_IPV4), R(5, IKE_CFG_VALUE, AK_INT), R(6, IKE_CFG_IPV4, AK_IPV4),
    R(7, IKE_CFG_STRING, AK_STRING), R(8, IKE_CFG_IPV6, AK_IPV6), R(9, IKE_CFG_IPV6, AK_IPV6),
    R(10, IKE_CFG_IPV6, AK_IPV6), R(11, IKE_CFG_IPV6, AK_IPV6), R(12, IKE_CFG_IPV6, AK_IPV6),
    R(13, IKE_CFG_IPV4, AK_IPV4), R(14, IKE_CFG_BYTES, AK_BYTES), R(15, IKE_CFG_IPV6, AK_IPV6),
    R(16520, IKE_CFG_VALUE, AK_INT), R(16521, IKE_CFG_STRING, AK_STRING),
    R(16522, IKE_CFG_STRING, AK_STRING), R(16523, IKE_CFG_STRING, AK_STRING),
    R(16524, IKE_CFG_STRING, AK_STRING), R(16525, IKE_CFG_BYTES, AK_BYTES),
    R(16526, IKE_CFG_STRING, AK_STRING), R(16527, IKE_CFG_VALUE, AK_INT),
    R(16528, IKE_CFG_STRING, AK_STRING), R(16529, IKE_CFG_STRING, AK_STRING),
    R(28672, IKE_CFG_STRING, AK_STRING), R(28673, IKE_CFG_VALUE, AK_INT),
    R(28674, IKE_CFG_STRING, AK_STRING), R(28675, IKE_CFG_STRING, AK_STRING),
    R(28676, IKE_CFG_BYTES, AK_BYTES), R(28677, IKE_CFG_VALUE, AK_INT),
    R(28678, IKE_CFG_BYTES, AK_BYTES), R(28679, IKE_CFG_VALUE, AK_INT),
    R(28680, IKE_CFG_BYTES, AK_BYTES), R(28681, IKE_CFG_STRING, AK_STRING),
    R(28682, IKE_CFG_STRING, AK_STRING),
};
static const attr_rule kek_rules[] = {
    R(1, GDOI_KEK_MGMT_ALG, AK_INT), R(2, GDOI_KEK_ALG, AK_INT), R(3, GDOI_KEK_KEY_LEN, AK_INT),
    R(4, GDOI_KEK_LIFETIME, AK_INT), R(5, GDOI_KEK_SIG_HASH, AK_INT),
    R(6, GDOI_KEK_SIG_ALG, AK_INT), R(7, GDOI_KEK_SIG_KEY_LEN, AK_INT),
    R(9, GDOI_KEK_INTEGRITY_ALG, AK_INT),
};
static const attr_rule gap_rules[] = {
    R(1, GDOI_GAP_ATD, AK_INT), R(2, GDOI_GAP_DTD, AK_INT), R(3, GDOI_GAP_SENDER_ID_REQ, AK_INT),
};
static const attr_rule kd_tek_rules[] = {
    R(1, GDOI_TEK_ALGORITHM_KEY, AK_BYTES), R(2, GDOI_TEK_INTEGRITY_KEY, AK_BYTES),
    R(3, GDOI_TEK_SOURCE_AUTH_KEY, AK_BYTES),
};
static const attr_rule kd_kek_rules[] = {
    R(1, GDOI_KEK_ALGORITHM_KEY, AK_BYTES), R(2, GDOI_SIG_ALGORITHM_KEY, AK_BYTES),
};
static const attr_rule kd_lkh_rules[] = {
    R(1, GDOI_LKH_DOWNLOAD_ARRAY, AK_BYTES), R(2, GDOI_LKH_UPDATE_ARRAY, AK_BYTES),
    R(3, GDOI_LKH_SIG_KEY, AK_BYTES),
};
static const attr_rule kd_sid_rules[] = {
    R(1, GDOI_SID_BITS, AK_INT), R(2, GDOI_SID_VALUE, AK_BYTES),
};
#undef R

#define REG(tf, intf, bf, eok, rules)                                                          \
    {VS_F_##tf, VS_F_##intf, VS_F_##bf, (eok), (rules), sizeof(rules) / sizeof((rules)[0])}
static const attr_reg attr_regs[] = {
    [VS_ACTX_OAKLEY] = REG(IKE_ATTR_TYPE_OAKLEY, IKE_ATTR_VALUE, IKE_ATTR_VALUE_BYTES, 0, oakley_rules),
    [VS_ACTX_IPSEC] = REG(IKE_ATTR_TYPE_IPSEC, IKE_ATTR_VALUE, IKE_ATTR_VALUE_BYTES, 0, ipsec_rules),
    [VS_ACTX_CFG] = REG(IKE_CFG_ATTR_TYPE, IKE_CFG_VALUE, IKE_CFG_BYTES, 1, cfg_rules),
    [VS_ACTX_KEK] = REG(GDOI_KEK_ATTR_TYPE, IKE_ATTR_VALUE, IKE_ATTR_VALUE_BYTES, 0, kek_rules),
    [VS_ACTX_GAP] = REG(GDOI_GAP_ATTR_TYPE, IKE_ATTR_VALUE, IKE_ATTR_VALUE_BYTES, 0, gap_rules),
    [VS_ACTX_KD_TEK] = REG(GDOI_KD_TEK_ATTR_TYPE, IKE_ATTR_VALUE, IKE_ATTR_VALUE_BYTES, 0, kd_tek_rules),
    [VS_ACTX_KD_KEK] = REG(GDOI_KD_KEK_ATTR_TYPE, IKE_ATTR_VALUE, IKE_ATTR_VALUE_BYTES, 0, kd_kek_rules),
    [VS_ACTX_KD_LKH] = REG(GDOI_KD_LKH_ATTR_TYPE, IKE_ATTR_VALUE, IKE_ATTR_VALUE_BYTES, 0, kd_lkh_rules),
    [VS_ACTX_KD_SID] = REG(GDOI_KD_SID_ATTR_TYPE, IKE_ATTR_VALUE, IKE_ATTR_VALUE_BYTES, 0, kd_sid_rules),
};
#undef REG

static uint64_t field_max(vs_field_id f)
{
    switch (vs_fields[f].type) {
    case VS_FT_U8: return 0xFF;
    case VS_FT_U16: return 0xFFFF;
    case VS_FT_U24: return 0xFFFFFF;
    case VS_FT_U32: return 0xFFFFFFFFu;
    default: return UINT64_MAX;
    }
}

/* Keep a transform's summary of the attributes engineers ask about. */
static void summarise(ikx *x, int ctx, uint16_t type, uint64_t v)
{
    if (!x->m || x->cur_transform < 0 || x->cur_transform >= x->m->n_transforms)
        return;
    vs_ike_transform *tr = &x->m->transforms[x->cur_transform];
    uint16_t v16 = (uint16_t)(v > 0xFFFF ? 0xFFFF : v);
    if (ctx == VS_ACTX_OAKLEY) {
        switch (type) {
        case 1: tr->encr = v16; break;
        case 2: tr->hash = v16; break;
        case 3: tr->auth_method = v16; break;
        case 4: tr->group = v16; break;
        case 11: x->life_type = v16; break;
        case 12:
            if (x->life_type == 2)
                tr->life_kbytes = v;
            else
                tr->life_seconds = v;
            break;
        case 13: tr->prf = v16; break;
        case 14: tr->key_length = v16; break;
        default: break;
        }
    } else if (ctx == VS_ACTX_IPSEC) {
        switch (type) {
        case 1: x->life_type = v16; break;
        case 2:
            if (x->life_type == 2)
                tr->life_kbytes = v;
            else
                tr->life_seconds = v;
            break;
        case 3: tr->group = v16; break;
        case 4: tr->encap_mode = v16; break;
        case 5: tr->auth_alg = v16; break;
        case 6: tr->key_length = v16; break;
        default: break;
        }
    }
}

static void decode_attr(ikx *x, vs_cursor *c, int ctx, int owner)
{
    const attr_reg *reg = &attr_regs[ctx];
    size_t start = c->pos;
    uint16_t tf = vs_u16(c);
    if (!vs_cur_ok(c))
        return;
    int tv = (tf & 0x8000) != 0;
    uint16_t type = tf & 0x7FFF;
    size_t len = 2;
    if (!tv) {
        len = vs_u16(c);
        if (!vs_cur_ok(c))
            return;
    }
    size_t vstart = c->pos;
    uint16_t ai = vs_open(x->t, VS_F_IKE_ATTR, span_of(start, (tv ? 2 : 4) + len), type);
    vs_add_bits(x->t, VS_F_IKE_ATTR_FORMAT, span_of(start, 2), tf);
    vs_add_bits(x->t, (vs_field_id)reg->type_field, span_of(start, 2), tf);
    if (!tv)
        vs_add(x->t, VS_F_IKE_ATTR_LENGTH, span_of(start + 2, 2), len);

    vs_cursor v;
    vs_cur_sub(c, len, &v);
    if (v.end < vstart + len) /* claimed more than its container: show what is there */
        vs_set_len(x->t, ai, v.end);
    const uint8_t *p = vs_bytes(&v, len);
    vs_span vsp = span_of(vstart, len);
    uint64_t iv = 0;
    if (p) {
        const attr_rule *rule = NULL;
        for (size_t i = 0; i < reg->n; i++)
            if (reg->rules[i].type == type) {
                rule = &reg->rules[i];
                break;
            }
        for (size_t i = 0; i < len && i < 8; i++)
            iv = (iv << 8) | p[i];
        int kind = rule ? rule->kind : (len <= 8 ? AK_INT : AK_BYTES);
        vs_field_id f = rule ? (vs_field_id)rule->field : VS_F__COUNT;
        if (len == 0) {
            if (!reg->empty_ok)
                vs_problem(x->t, VS_P_IKE_ATTR_BAD_LENGTH, VS_NO_ITEM, span_of(start, 4), 0);
        } else if (kind == AK_INT) {
            if (f == VS_F__COUNT)
                f = (vs_field_id)reg->int_field;
            if (len > 8 || iv > field_max(f)) {
                vs_problem(x->t, VS_P_IKE_ATTR_BAD_LENGTH, VS_NO_ITEM, vsp, len);
                vs_add(x->t, len > 8 ? (vs_field_id)reg->bytes_field : VS_F_IKE_ATTR_VALUE, vsp,
                       len > 8 ? len : iv);
            } else {
                vs_add(x->t, f, vsp, iv);
            }
        } else if (kind == AK_IPV4 && (len == 4 || len == 8)) {
            vs_add(x->t, f, span_of(vstart, 4), 4);
            if (len == 8) /* INTERNAL_IP4_SUBNET and the like: address, mask */
                vs_add(x->t, VS_F_IKE_CFG_IPV4_MASK, span_of(vstart + 4, 4), 4);
        } else if (kind == AK_IPV6 && (len == 16 || len == 17)) {
            vs_add(x->t, f, span_of(vstart, 16), 16);
            if (len == 17) /* address + prefix length */
                vs_add(x->t, VS_F_IKE_CFG_VALUE, span_of(vstart + 16, 1), p[16]);
        } else if (kind == AK_IPV4 || kind == AK_IPV6) {
            vs_problem(x->t, VS_P_IKE_ATTR_BAD_LENGTH, VS_NO_ITEM, vsp, len);
            vs_add(x->t, (vs_field_id)reg->bytes_field, vsp, len);
        } else {
            if (f == VS_F__COUNT)
                f = (vs_field_id)reg->bytes_field;
            vs_add(x->t, f, vsp, len);
        }
        if (x->m) {
            if (x->m->n_attrs < VS_IKE_MAX_ATTRS) {
                vs_ike_attr *a = &x->m->attrs[x->m->n_attrs++];
                a->ctx = (uint8_t)ctx;
                a->owner = (uint8_t)(owner < 0 ? 0xFF : owner);
                a->in_transform = (uint8_t)(x->cur_transform >= 0);
                a->tv = (uint8_t)tv;
                a->type = type;
                a->value = len <= 8 ? iv : 0;
                a->value_span = vsp;
            } else {
                capacity_note(x, span_of(start, 4));
            }
            x->m->n_attrs_total++;
        }
        if (len <= 8)
            summarise(x, ctx, type, iv);
    }
    vs_cur_fail(c, v.status);
    vs_close(x->t);
}

void ikx_attrs(ikx *x, vs_cursor *c, int ctx, int owner)
{
    while (vs_cur_ok(c) && !vs_cur_at_end(c))
        decode_attr(x, c, ctx, owner);
}

/* ---------------------------------------------------------------------- */
/* Identification data (RFC 2407 4.6.2.2 .. 4.6.2.12), also used for the
 * GDOI SA KEK / SA TEK source and destination identities.                 */

void ikx_id_data(ikx *x, vs_cursor *c, uint8_t type)
{
    size_t n = vs_cur_left(c);
    size_t at = c->pos;
    int want = -1; /* required length for address types */
    switch (type) {
    case 1: want = 4; break;
    case 4: case 7: want = 8; break;
    case 5: want = 16; break;
    case 6: case 8: want = 32; break;
    default: break;
    }
    if (want >= 0 && (size_t)want != n) {
        vs_problem(x->t, VS_P_IKE_ID_LENGTH, VS_NO_ITEM, span_of(at, n), n);
        rd_rest(x, c, VS_F_IKE_ID_DATA);
        return;
    }
    switch (type) {
    case 1: vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV4, 4); break;
    case 4:
        vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV4, 4);
        vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV4_MASK, 4);
        break;
    case 7:
        vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV4, 4);
        vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV4_END, 4);
        break;
    case 5: vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV6, 16); break;
    case 6:
        vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV6, 16);
        vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV6_MASK, 16);
        break;
    case 8:
        vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV6, 16);
        vs_rd_bytes(c, x->t, VS_F_IKE_ID_IPV6_END, 16);
        break;
    case 2: rd_rest(x, c, VS_F_IKE_ID_FQDN); break;
    case 3: rd_rest(x, c, VS_F_IKE_ID_USER_FQDN); break;
    case 9: rd_rest(x, c, VS_F_IKE_ID_DER_DN); break;
    case 10: rd_rest(x, c, VS_F_IKE_ID_DER_GN); break;
    case 11: rd_rest(x, c, VS_F_IKE_ID_KEY_ID); break;
    default: rd_rest(x, c, VS_F_IKE_ID_DATA); break;
    }
}

/* ---------------------------------------------------------------------- */
/* The generic walker                                                      */

int ikx_record_payload(ikx *x, uint8_t type, vs_span sp)
{
    if (!x->m)
        return -1;
    x->m->n_payloads_total++;
    if (x->m->n_payloads >= VS_IKE_MAX_PAYLOADS) {
        capacity_note(x, sp);
        return -1;
    }
    vs_ike_payload *p = &x->m->payloads[x->m->n_payloads];
    memset(p, 0, sizeof *p);
    p->type = type;
    p->parent = (int8_t)x->parent;
    p->span = sp;
    return x->m->n_payloads++;
}

/*
 * RFC 2408 3.2 generic payload header
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
unsigned ikx_walk(ikx *x, vs_cursor *c, uint8_t first, const ikx_chain *ch)
{
    unsigned count = 0;
    uint8_t np = first;
    while (np != 0 && vs_cur_ok(c)) {
        size_t start = c->pos;
        const ikx_layout *lay = NULL;
        for (size_t i = 0; i < ch->n; i++)
            if (ch->tab[i].type == np) {
                lay = &ch->tab[i];
                break;
            }
        uint16_t it = vs_open(x->t, ch->subtree, span_of(start, 4), np);
        uint8_t next = vs_rd_u8(c, x->t, ch->next_field);
        uint8_t res = vs_rd_u8(c, x->t, VS_F_IKE_PL_RESERVED);
        uint16_t len = vs_rd_u16(c, x->t, VS_F_IKE_PL_LENGTH);
        if (!vs_cur_ok(c)) {
            vs_close(x->t);
            break;
        }
        if (res != 0)
            vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, span_of(start + 1, 1), res);
        if (len < 4) {
            /* The chain cannot be followed: a payload is at least its header. */
            vs_problem(x->t, VS_P_IKE_PAYLOAD_TOO_SHORT, it, span_of(start + 2, 2), len);
            vs_cur_fail(c, VS_MALFORMED);
            vs_close(x->t);
            break;
        }
        vs_cursor b;
        vs_cur_sub(c, (size_t)len - 4, &b);
        vs_set_len(x->t, it, b.end < start + len ? b.end : start + len);
        count++;
        int pi = -1;
        if (ch->record) {
            pi = ikx_record_payload(x, np, span_of(start, b.end < start + len ? b.end - start : len));
        }
        if (!lay) {
            vs_problem(x->t, VS_P_IKE_UNKNOWN_PAYLOAD, it, span_of(start, 1), np);
            if (ch->unknown_problem != VS_P__COUNT)
                vs_problem(x->t, (vs_problem_id)ch->unknown_problem, it, span_of(start, 1), np);
            rd_rest(x, &b, VS_F_IKE_PL_DATA);
        } else if ((size_t)len - 4 < lay->min_body) {
            vs_problem(x->t, VS_P_IKE_PAYLOAD_TOO_SHORT, it, span_of(start + 2, 2), len);
            rd_rest(x, &b, VS_F_IKE_PL_DATA);
        } else {
            lay->fn(x, &b, pi);
        }
        if (vs_cur_ok(&b) && !vs_cur_at_end(&b)) {
            size_t rest = vs_cur_left(&b);
            vs_problem(x->t, VS_P_IKE_TRAILING, it, span_of(b.pos, rest), rest);
            vs_skip(&b, rest);
        }
        vs_cur_fail(c, b.status);
        vs_close(x->t);
        np = next;
    }
    return count;
}

/* ---------------------------------------------------------------------- */
/* Payload bodies. Each takes the body after the generic header.          */

/*
 * RFC 2408 3.5 Proposal payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
 * !                        SPI (variable)                         !
 */
static void body_proposal(ikx *x, vs_cursor *b, int pi);
/*
 * RFC 2408 3.6 Transform payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !  Transform #  !  Transform-Id !           RESERVED2           !
 * ~                        SA Attributes                          ~
 */
static void body_transform(ikx *x, vs_cursor *b, int pi);

static const ikx_layout proposal_tab[] = {{VS_IKE_PL_P, 4, body_proposal}};
static const ikx_layout transform_tab[] = {{VS_IKE_PL_T, 4, body_transform}};
static const ikx_chain proposal_chain = {proposal_tab, 1, VS_F_IKE_PROPOSAL, VS_F_IKE_PL_NEXT, 0,
                                         VS_P__COUNT};
static const ikx_chain transform_chain = {transform_tab, 1, VS_F_IKE_TRANSFORM, VS_F_IKE_PL_NEXT, 0,
                                          VS_P__COUNT};

static void body_proposal(ikx *x, vs_cursor *b, int pi)
{
    (void)pi;
    size_t start = b->pos - 4;
    uint8_t num = vs_rd_u8(b, x->t, VS_F_IKE_PROP_NUMBER);
    uint8_t proto = vs_rd_u8(b, x->t, VS_F_IKE_PROP_PROTOCOL);
    uint8_t spi_size = vs_rd_u8(b, x->t, VS_F_IKE_PROP_SPI_SIZE);
    uint8_t ntr = vs_rd_u8(b, x->t, VS_F_IKE_PROP_NUM_TRANSFORMS);
    vs_span spi = rd_n(x, b, VS_F_IKE_PROP_SPI, spi_size);
    if (!vs_cur_ok(b))
        return;
    int prop = -1;
    if (x->m) {
        x->m->n_proposals_total++;
        if (x->m->n_proposals < VS_IKE_MAX_PROPOSALS) {
            prop = x->m->n_proposals++;
            vs_ike_proposal *p = &x->m->proposals[prop];
            memset(p, 0, sizeof *p);
            p->payload = (uint8_t)(x->cur_sa < 0 ? 0xFF : x->cur_sa);
            p->number = num;
            p->protocol_id = proto;
            p->spi_size = spi_size;
            p->declared_transforms = ntr;
            p->first_transform = (uint8_t)x->m->n_transforms;
            p->span = span_of(start, b->end - start);
            p->spi = spi;
        } else {
            capacity_note(x, span_of(start, 4));
        }
    }
    uint8_t saved_proto = x->cur_protocol;
    int saved_prop = x->cur_proposal;
    x->cur_protocol = proto;
    x->cur_proposal = prop;
    unsigned n = ikx_walk(x, b, ntr ? VS_IKE_PL_T : 0, &transform_chain);
    x->cur_protocol = saved_proto;
    x->cur_proposal = saved_prop;
    if (vs_cur_ok(b) && n != ntr)
        vs_problem(x->t, VS_P_IKE_TRANSFORM_COUNT, VS_NO_ITEM, span_of(start + 7, 1), n);
    if (prop >= 0 && x->m)
        x->m->proposals[prop].n_transforms =
            (uint8_t)(x->m->n_transforms - x->m->proposals[prop].first_transform);
}

static void body_transform(ikx *x, vs_cursor *b, int pi)
{
    (void)pi;
    size_t start = b->pos - 4;
    uint8_t num = vs_rd_u8(b, x->t, VS_F_IKE_TRANS_NUMBER);
    vs_field_id idf;
    switch (x->cur_protocol) {
    case 1: idf = VS_F_IKE_TRANS_ID_ISAKMP; break;
    case 2: idf = VS_F_IKE_TRANS_ID_AH; break;
    case 3: idf = VS_F_IKE_TRANS_ID_ESP; break;
    case 4: idf = VS_F_IKE_TRANS_ID_IPCOMP; break;
    default: idf = VS_F_IKE_TRANS_ID; break;
    }
    uint8_t id = vs_rd_u8(b, x->t, idf);
    size_t rpos = b->pos;
    uint16_t res = vs_rd_u16(b, x->t, VS_F_IKE_TRANS_RESERVED);
    if (!vs_cur_ok(b))
        return;
    if (res)
        vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, span_of(rpos, 2), res);
    int tr = -1;
    if (x->m) {
        x->m->n_transforms_total++;
        if (x->m->n_transforms < VS_IKE_MAX_TRANSFORMS) {
            tr = x->m->n_transforms++;
            vs_ike_transform *t = &x->m->transforms[tr];
            memset(t, 0, sizeof *t);
            t->proposal = (uint8_t)(x->cur_proposal < 0 ? 0xFF : x->cur_proposal);
            t->number = num;
            t->id = id;
            t->span = span_of(start, b->end - start);
        } else {
            capacity_note(x, span_of(start, 4));
        }
    }
    int saved = x->cur_transform;
    x->cur_transform = tr;
    x->life_type = 0;
    /* Phase 1 (PROTO_ISAKMP) transforms carry RFC 2409 attributes; the
     * others (AH, ESP, IPComp) RFC 2407 IPsec SA attributes. */
    ikx_attrs(x, b, x->cur_protocol == 1 ? VS_ACTX_OAKLEY : VS_ACTX_IPSEC, tr);
    x->cur_transform = saved;
}

/*
 * RFC 2408 3.4 SA payload; RFC 2407 4.6.1 IPsec DOI situation
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !              Domain of Interpretation  (DOI)                  !
 * ~                           Situation                           ~
 *   IPsec situation: 4 octets of bits; with SIT_SECRECY/SIT_INTEGRITY:
 * !                  Labeled Domain Identifier                    !
 * !         Secrecy Length        !            RESERVED           !
 * ~                        Secrecy Level                          ~   (padded to 4)
 * !  Secrecy Category Length (bits)!          RESERVED            !
 * ~                    Secrecy Category Bitmap                    ~   (padded to 4)
 * (the same for integrity)
 *   GDOI (RFC 6407 5.2), DOI 2 group SA:
 * !                           Situation                           !
 * !   SA Attribute Next Payload   !           RESERVED2           !
 * ~  SA KEK / GAP / SA TEK payloads (covered by the SA's length)  ~
 */
static void rd_level(ikx *x, vs_cursor *b, vs_field_id lenf, vs_field_id dataf, int bits)
{
    uint16_t l = vs_rd_u16(b, x->t, lenf);
    size_t rp = b->pos;
    uint16_t r = vs_rd_u16(b, x->t, VS_F_IKE_SA_RESERVED);
    if (!vs_cur_ok(b))
        return;
    if (r)
        vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, span_of(rp, 2), r);
    size_t n = bits ? ((size_t)l + 31) / 32 * 4 : ((size_t)l + 3) / 4 * 4;
    rd_n(x, b, dataf, n);
}

static void body_sa(ikx *x, vs_cursor *b, int pi)
{
    uint32_t doi = vs_rd_u32(b, x->t, VS_F_IKE_SA_DOI);
    if (!vs_cur_ok(b))
        return;
    vs_ike_payload *p = payload_rec(x, pi);
    if (p)
        p->value = doi;
    x->doi = doi;
    int saved_sa = x->cur_sa;
    x->cur_sa = pi;
    int group_sa = 0;
    if (doi == 2) {
        /* A GDOI SA is either the phase 1 offer (situation + proposals) or
         * a group SA (situation + SA attribute next payload 15/16/22).
         * GROUPKEY-PULL/PUSH carry group SAs; otherwise the second byte
         * after the situation decides: a proposal's RESERVED octet is 0,
         * the group SA's attribute-next-payload low octet is not. */
        uint8_t b5 = 0;
        if (x->exch == 32 || x->exch == 33)
            group_sa = 1;
        else if (x->exch == 0 && vs_peek_u8(b, 5, &b5) && b5 != 0)
            group_sa = 1;
    }
    if (group_sa) {
        vs_rd_u32(b, x->t, VS_F_IKE_SA_SITUATION);
        uint16_t next = vs_rd_u16(b, x->t, VS_F_GDOI_SA_ATTR_NEXT);
        size_t rp = b->pos;
        uint16_t r2 = vs_rd_u16(b, x->t, VS_F_GDOI_SA_RESERVED2);
        if (!vs_cur_ok(b))
            goto out;
        if (r2)
            vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, span_of(rp, 2), r2);
        if (next > 0xFF) {
            vs_problem(x->t, VS_P_GDOI_SA_CHAIN, VS_NO_ITEM, span_of(rp - 2, 2), next);
            rd_rest(x, b, VS_F_IKE_PL_DATA);
            goto out;
        }
        int saved_parent = x->parent;
        x->parent = pi;
        unsigned n = ikx_walk(x, b, (uint8_t)next, &ikx_gdoi_sa_chain);
        if (p)
            p->count = (uint16_t)n;
        x->parent = saved_parent;
        goto out;
    }
    if (doi == 1 || doi == 2 || doi == 0) {
        size_t sp = b->pos;
        uint32_t sit = vs_u32(b);
        if (!vs_cur_ok(b))
            goto out;
        vs_span ssp = span_of(sp, 4);
        vs_open(x->t, VS_F_IKE_SA_SITUATION, ssp, sit);
        vs_add_bits(x->t, VS_F_IKE_SA_SIT_IDENTITY, ssp, sit);
        vs_add_bits(x->t, VS_F_IKE_SA_SIT_SECRECY, ssp, sit);
        vs_add_bits(x->t, VS_F_IKE_SA_SIT_INTEGRITY, ssp, sit);
        vs_close(x->t);
        if (sit & ~7u)
            vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, ssp, sit);
        if (doi == 1 && (sit & 6u)) {
            vs_rd_u32(b, x->t, VS_F_IKE_SA_LDI);
            if (sit & 2u) {
                rd_level(x, b, VS_F_IKE_SA_SECRECY_LEN, VS_F_IKE_SA_SECRECY_LEVEL, 0);
                rd_level(x, b, VS_F_IKE_SA_SECRECY_CAT_LEN, VS_F_IKE_SA_SECRECY_CAT, 1);
            }
            if (sit & 4u) {
                rd_level(x, b, VS_F_IKE_SA_INTEGRITY_LEN, VS_F_IKE_SA_INTEGRITY_LEVEL, 0);
                rd_level(x, b, VS_F_IKE_SA_INTEGRITY_CAT_LEN, VS_F_IKE_SA_INTEGRITY_CAT, 1);
            }
        }
        unsigned n = ikx_walk(x, b, vs_cur_at_end(b) ? 0 : VS_IKE_PL_P, &proposal_chain);
        if (p)
            p->count = (uint16_t)n;
    } else {
        rd_rest(x, b, VS_F_IKE_SA_SITUATION_DATA);
    }
out:
    x->cur_sa = saved_sa;
}

/* RFC 2408 3.7 KE, 3.11 HASH, 3.12 SIG, 3.13 NONCE, RFC 3947 3.2 NAT-D:
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * ~                       Data (variable)                         ~   */
#define DATA_BODY(name, field)                                                                 \
    static void name(ikx *x, vs_cursor *b, int pi)                                             \
    {                                                                                          \
        vs_span sp = rd_rest(x, b, VS_F_##field);                                              \
        vs_ike_payload *p = payload_rec(x, pi);                                                \
        if (p)                                                                                 \
            p->data = sp;                                                                      \
    }
DATA_BODY(body_ke, IKE_KE_DATA)
DATA_BODY(body_hash, IKE_HASH_DATA)
DATA_BODY(body_sig, IKE_SIG_DATA)
DATA_BODY(body_nonce, IKE_NONCE_DATA)
DATA_BODY(body_natd, IKE_NATD_HASH)
DATA_BODY(body_pop, GDOI_POP_DATA)
#undef DATA_BODY

/*
 * RFC 2408 3.8 / RFC 2407 4.6.2 Identification payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !   ID Type     !  Protocol ID  !             Port              !
 * ~                     Identification Data                       ~
 */
static void body_id(ikx *x, vs_cursor *b, int pi)
{
    uint8_t type = vs_rd_u8(b, x->t, VS_F_IKE_ID_TYPE);
    uint8_t proto = vs_rd_u8(b, x->t, VS_F_IKE_ID_PROTOCOL);
    uint16_t port = vs_rd_u16(b, x->t, VS_F_IKE_ID_PORT);
    if (!vs_cur_ok(b))
        return;
    vs_ike_payload *p = payload_rec(x, pi);
    if (p) {
        p->value = type;
        p->protocol_id = proto;
        p->port = port;
        p->data = span_of(b->pos, vs_cur_left(b));
    }
    ikx_id_data(x, b, type);
}

/*
 * RFC 2408 3.9 CERT / 3.10 CR
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * ! Cert Encoding !                                               !
 * +-+-+-+-+-+-+-+-+                                               !
 * ~            Certificate Data / Certificate Authority           ~
 */
static void body_cert(ikx *x, vs_cursor *b, int pi)
{
    uint8_t enc = vs_rd_u8(b, x->t, VS_F_IKE_CERT_ENCODING);
    vs_span sp = rd_rest(x, b, VS_F_IKE_CERT_DATA);
    record_value_data(x, pi, enc, sp);
}

static void body_cr(ikx *x, vs_cursor *b, int pi)
{
    uint8_t enc = vs_rd_u8(b, x->t, VS_F_IKE_CR_TYPE);
    vs_span sp = rd_rest(x, b, VS_F_IKE_CR_AUTHORITY);
    record_value_data(x, pi, enc, sp);
}

/*
 * RFC 2408 3.14 Notification payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !              Domain of Interpretation  (DOI)                  !
 * !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
 * ~                Security Parameter Index (SPI)                 ~
 * ~                       Notification Data                       ~
 * RESPONDER-LIFETIME data: SA attributes (RFC 2407 4.6.3.1);
 * REPLAY-STATUS: 4 octets; R-U-THERE(-ACK): 4-octet sequence (RFC 3706).
 */
static void body_notify(ikx *x, vs_cursor *b, int pi)
{
    uint32_t doi = vs_rd_u32(b, x->t, VS_F_IKE_N_DOI);
    uint8_t proto = vs_rd_u8(b, x->t, VS_F_IKE_N_PROTOCOL);
    uint8_t spi_size = vs_rd_u8(b, x->t, VS_F_IKE_N_SPI_SIZE);
    uint16_t type = vs_rd_u16(b, x->t, VS_F_IKE_N_TYPE);
    vs_span spi = rd_n(x, b, VS_F_IKE_N_SPI, spi_size);
    if (!vs_cur_ok(b))
        return;
    (void)doi;
    size_t n = vs_cur_left(b);
    vs_span data = span_of(b->pos, n);
    vs_ike_payload *p = payload_rec(x, pi);
    if (p) {
        p->value = type;
        p->protocol_id = proto;
        p->spi_size = spi_size;
        p->spi = spi;
        p->data = data;
    }
    if (n == 0)
        return;
    /* The data as one item, then its decoded content. */
    vs_cursor peek = *b;
    if (!vs_bytes(&peek, n)) {
        vs_skip(b, n); /* sets TRUNCATED */
        return;
    }
    vs_open(x->t, VS_F_IKE_N_DATA, data, n);
    switch (type) {
    case 24576: /* RESPONDER-LIFETIME */
        ikx_attrs(x, b, proto == 1 ? VS_ACTX_OAKLEY : VS_ACTX_IPSEC, pi);
        break;
    case 24577: /* REPLAY-STATUS */
        if (n == 4)
            vs_rd_u32(b, x->t, VS_F_IKE_N_REPLAY);
        break;
    case 36136: /* R-U-THERE */
    case 36137: /* R-U-THERE-ACK */
        if (n == 4)
            vs_rd_u32(b, x->t, VS_F_IKE_N_DPD_SEQ);
        break;
    default: break;
    }
    if (vs_cur_ok(b))
        vs_skip(b, vs_cur_left(b));
    vs_close(x->t);
}

/*
 * RFC 2408 3.15 Delete payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !              Domain of Interpretation  (DOI)                  !
 * !  Protocol-Id  !   SPI Size    !           # of SPIs           !
 * ~               Security Parameter Index(es) (SPI)              ~
 */
static void body_delete(ikx *x, vs_cursor *b, int pi)
{
    vs_rd_u32(b, x->t, VS_F_IKE_D_DOI);
    uint8_t proto = vs_rd_u8(b, x->t, VS_F_IKE_D_PROTOCOL);
    uint8_t spi_size = vs_rd_u8(b, x->t, VS_F_IKE_D_SPI_SIZE);
    size_t cp = b->pos;
    uint16_t nspi = vs_rd_u16(b, x->t, VS_F_IKE_D_NUM_SPIS);
    if (!vs_cur_ok(b))
        return;
    vs_ike_payload *p = payload_rec(x, pi);
    if (p) {
        p->protocol_id = proto;
        p->spi_size = spi_size;
        p->count = nspi;
    }
    if ((size_t)nspi * spi_size != vs_cur_left(b))
        vs_problem(x->t, VS_P_IKE_SPI_COUNT, VS_NO_ITEM, span_of(cp, 2), nspi);
    if (spi_size == 0)
        return;
    for (unsigned i = 0; i < nspi && vs_cur_ok(b) && vs_cur_left(b) >= spi_size; i++) {
        vs_span sp = rd_n(x, b, VS_F_IKE_D_SPI, spi_size);
        if (!vs_cur_ok(b))
            break;
        if (p && i == 0)
            p->spi = sp;
        if (x->m) {
            if (x->m->n_spis < VS_IKE_MAX_SPIS)
                x->m->spis[x->m->n_spis++] = sp;
            else
                capacity_note(x, sp);
            x->m->n_spis_total++;
        }
    }
}

/*
 * RFC 2408 3.16 Vendor ID payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * ~                        Vendor ID (VID)                        ~
 */
static void body_vid(ikx *x, vs_cursor *b, int pi)
{
    size_t n = vs_cur_left(b);
    size_t at = b->pos;
    const uint8_t *v = vs_bytes(b, n);
    if (!v)
        return;
    vs_span sp = span_of(at, n);
    vs_add(x->t, VS_F_IKE_VID_DATA, sp, n);
    unsigned kind = vs_ike_vid_kind(v, n);
    if (kind != VS_VID_UNKNOWN)
        vs_add_gen(x->t, VS_F_IKE_VID_KIND, sp, kind);
    if (kind == VS_VID_CISCO_UNITY && n >= 16)
        vs_add(x->t, VS_F_IKE_VID_UNITY_VERSION, span_of(at + 14, 2),
               (uint64_t)((v[14] << 8) | v[15]));
    record_value_data(x, pi, kind, sp);
}

/*
 * Mode config attribute payload (draft-dukes-ike-mode-cfg-02 3.2)
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !     Type      !   RESERVED    !           Identifier          !
 * ~                           Attributes                          ~
 */
static void body_cfg(ikx *x, vs_cursor *b, int pi)
{
    uint8_t type = vs_rd_u8(b, x->t, VS_F_IKE_CFG_TYPE);
    size_t rp = b->pos;
    uint8_t r = vs_rd_u8(b, x->t, VS_F_IKE_CFG_RESERVED);
    uint16_t id = vs_rd_u16(b, x->t, VS_F_IKE_CFG_ID);
    if (!vs_cur_ok(b))
        return;
    if (r)
        vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, span_of(rp, 1), r);
    vs_ike_payload *p = payload_rec(x, pi);
    if (p) {
        p->value = type;
        p->port = id;
        p->data = span_of(b->pos, vs_cur_left(b));
    }
    ikx_attrs(x, b, VS_ACTX_CFG, pi);
}

/*
 * RFC 3947 5.2 NAT-OA payload (same layout for 131 and draft 16)
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !    ID Type    !   RESERVED    !            RESERVED           !
 * ~           IPv4 (4 octets) or IPv6 address (16 octets)         ~
 */
static void body_natoa(ikx *x, vs_cursor *b, int pi)
{
    uint8_t type = vs_rd_u8(b, x->t, VS_F_IKE_NATOA_ID_TYPE);
    size_t rp = b->pos;
    uint32_t r = vs_rd_u24(b, x->t, VS_F_IKE_NATOA_RESERVED);
    if (!vs_cur_ok(b))
        return;
    if (r)
        vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, span_of(rp, 3), r);
    size_t n = vs_cur_left(b);
    vs_span sp = span_of(b->pos, n);
    if (type == 1 && n == 4)
        vs_rd_bytes(b, x->t, VS_F_IKE_NATOA_IPV4, 4);
    else if (type == 5 && n == 16)
        vs_rd_bytes(b, x->t, VS_F_IKE_NATOA_IPV6, 16);
    else {
        vs_problem(x->t, VS_P_IKE_ID_LENGTH, VS_NO_ITEM, sp, n);
        rd_rest(x, b, VS_F_IKE_ID_DATA);
    }
    record_value_data(x, pi, type, sp);
}

/*
 * Cisco IKE fragmentation payload (132)
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !          Fragment ID          !  Fragment #   !     Flags     !
 * ~                         Fragment data                         ~
 * Flags: 0x01 last fragment.
 */
static void body_frag(ikx *x, vs_cursor *b, int pi)
{
    uint16_t id = vs_rd_u16(b, x->t, VS_F_IKE_FRAG_ID);
    uint8_t num = vs_rd_u8(b, x->t, VS_F_IKE_FRAG_NUMBER);
    size_t fp = b->pos;
    uint8_t fl = vs_u8(b);
    if (!vs_cur_ok(b))
        return;
    vs_open(x->t, VS_F_IKE_FRAG_FLAGS, span_of(fp, 1), fl);
    vs_add_bits(x->t, VS_F_IKE_FRAG_LAST, span_of(fp, 1), fl);
    vs_close(x->t);
    vs_span sp = rd_rest(x, b, VS_F_IKE_FRAG_DATA);
    vs_ike_payload *p = payload_rec(x, pi);
    if (p) {
        p->value = ((uint32_t)id << 8) | num;
        p->data = sp;
        p->count = fl;
    }
}

/* Layout tables. IKEv1: 15/16 are the NAT-T drafts' NAT-D/NAT-OA (Cisco
 * IOS with draft -07 sends them; GDOI took 15/16 later, so RFC 3947 moved
 * NAT-D/NAT-OA to 20/21). */
static const ikx_layout v1_tab[] = {
    {VS_IKE_PL_SA, 8, body_sa},         {VS_IKE_PL_KE, 0, body_ke},
    {VS_IKE_PL_ID, 4, body_id},         {VS_IKE_PL_CERT, 1, body_cert},
    {VS_IKE_PL_CR, 1, body_cr},         {VS_IKE_PL_HASH, 0, body_hash},
    {VS_IKE_PL_SIG, 0, body_sig},       {VS_IKE_PL_NONCE, 0, body_nonce},
    {VS_IKE_PL_N, 8, body_notify},      {VS_IKE_PL_D, 8, body_delete},
    {VS_IKE_PL_VID, 0, body_vid},       {VS_IKE_PL_ATTR, 4, body_cfg},
    {VS_IKE_PL_NATD, 0, body_natd},     {VS_IKE_PL_NATOA, 4, body_natoa},
    {VS_IKE_PL_NATD_DRAFT, 0, body_natd}, {VS_IKE_PL_NATOA_DRAFT, 4, body_natoa},
    {VS_IKE_PL_NATD_DRAFT4, 0, body_natd}, {VS_IKE_PL_NATOA_DRAFT4, 4, body_natoa},
    {VS_IKE_PL_CISCO_FRAG, 4, body_frag},
};
const ikx_chain ikx_v1_chain = {v1_tab, sizeof v1_tab / sizeof v1_tab[0], VS_F_IKE_PAYLOAD,
                                VS_F_IKE_PL_NEXT, 1, VS_P__COUNT};

/* GDOI message payloads: the IKEv1 ones (but 15/16 are SA KEK/SA TEK, and
 * only inside an SA) plus KD, SEQ, POP (RFC 6407 5, RFC 3547 5.8). */
static const ikx_layout gdoi_tab[] = {
    {VS_IKE_PL_SA, 8, body_sa},         {VS_IKE_PL_KE, 0, body_ke},
    {VS_IKE_PL_ID, 4, body_id},         {VS_IKE_PL_CERT, 1, body_cert},
    {VS_IKE_PL_CR, 1, body_cr},         {VS_IKE_PL_HASH, 0, body_hash},
    {VS_IKE_PL_SIG, 0, body_sig},       {VS_IKE_PL_NONCE, 0, body_nonce},
    {VS_IKE_PL_N, 8, body_notify},      {VS_IKE_PL_D, 8, body_delete},
    {VS_IKE_PL_VID, 0, body_vid},       {VS_IKE_PL_ATTR, 4, body_cfg},
    {VS_IKE_PL_SAK, GDOI_SAK_MIN, ikx_gdoi_body_sak}, {VS_IKE_PL_SAT, 1, ikx_gdoi_body_sat},
    {VS_IKE_PL_KD, 4, ikx_gdoi_body_kd}, {VS_IKE_PL_SEQ, 4, ikx_gdoi_body_seq},
    {VS_IKE_PL_POP, 0, body_pop},       {VS_IKE_PL_GAP, 0, ikx_gdoi_body_gap},
    {VS_IKE_PL_NATD, 0, body_natd},     {VS_IKE_PL_NATOA, 4, body_natoa},
    {VS_IKE_PL_NATD_DRAFT, 0, body_natd}, {VS_IKE_PL_NATOA_DRAFT, 4, body_natoa},
    {VS_IKE_PL_CISCO_FRAG, 4, body_frag},
};
const ikx_chain ikx_gdoi_chain = {gdoi_tab, sizeof gdoi_tab / sizeof gdoi_tab[0], VS_F_GDOI_PAYLOAD,
                                  VS_F_GDOI_PL_NEXT, 1, VS_P__COUNT};

/* Inside a GDOI SA: SA KEK, GAP and SA TEK payloads, in any number. */
static const ikx_layout gdoi_sa_tab[] = {
    {VS_IKE_PL_SAK, GDOI_SAK_MIN, ikx_gdoi_body_sak},
    {VS_IKE_PL_SAT, 1, ikx_gdoi_body_sat},
    {VS_IKE_PL_GAP, 0, ikx_gdoi_body_gap},
};
const ikx_chain ikx_gdoi_sa_chain = {gdoi_sa_tab, sizeof gdoi_sa_tab / sizeof gdoi_sa_tab[0],
                                     VS_F_GDOI_PAYLOAD, VS_F_GDOI_PL_NEXT, 1, VS_P_GDOI_SA_CHAIN};

/* ---------------------------------------------------------------------- */
/* Header and entry points                                                 */

void ikx_init(ikx *x, vs_tree *t, vs_isakmp_msg *m, int gdoi)
{
    memset(x, 0, sizeof *x);
    x->t = t;
    x->m = m;
    x->gdoi = gdoi;
    x->parent = -1;
    x->cur_sa = -1;
    x->cur_proposal = -1;
    x->cur_transform = -1;
    if (m) {
        memset(m, 0, sizeof *m);
        m->gdoi = (uint8_t)gdoi;
    }
}

/*
 * RFC 2408 3.1 ISAKMP header
 * !                          Initiator                            !
 * !                            Cookie                             !
 * !                          Responder                            !
 * !                            Cookie                             !
 * !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
 * !                          Message ID                           !
 * !                            Length                             !
 */
vs_status ikx_message(ikx *x, vs_cursor *c)
{
    vs_tree *t = x->t;
    vs_field_id proto = x->gdoi ? VS_F_GDOI : VS_F_IKE;
    vs_problem_id ptr = x->gdoi ? VS_P_GDOI_TRUNCATED : VS_P_IKE_TRUNCATED;
    vs_problem_id pmf = x->gdoi ? VS_P_GDOI_MALFORMED : VS_P_IKE_MALFORMED;
    size_t start = c->pos;
    uint16_t root = vs_open(t, proto, span_of(start, 0), 0);
    vs_ike_hdr h;
    memset(&h, 0, sizeof h);
    h.icookie = span_of(c->pos, 8);
    vs_rd_bytes(c, t, VS_F_IKE_ICOOKIE, 8);
    h.rcookie = span_of(c->pos, 8);
    vs_rd_bytes(c, t, VS_F_IKE_RCOOKIE, 8);
    h.next_payload = vs_rd_u8(c, t, VS_F_IKE_NEXT_PAYLOAD);
    size_t vp = c->pos;
    h.version = vs_u8(c);
    if (vs_cur_ok(c)) {
        vs_open(t, VS_F_IKE_VERSION, span_of(vp, 1), h.version);
        vs_add_bits(t, VS_F_IKE_VERSION_MAJOR, span_of(vp, 1), h.version);
        vs_add_bits(t, VS_F_IKE_VERSION_MINOR, span_of(vp, 1), h.version);
        vs_close(t);
    }
    h.exch_type = vs_rd_u8(c, t, x->gdoi ? VS_F_GDOI_EXCH_TYPE : VS_F_IKE_EXCH_TYPE);
    size_t fp = c->pos;
    h.flags = vs_u8(c);
    if (vs_cur_ok(c)) {
        vs_span fs = span_of(fp, 1);
        vs_open(t, VS_F_IKE_FLAGS, fs, h.flags);
        vs_add_bits(t, VS_F_IKE_FLAG_ENCRYPTION, fs, h.flags);
        vs_add_bits(t, VS_F_IKE_FLAG_COMMIT, fs, h.flags);
        vs_add_bits(t, VS_F_IKE_FLAG_AUTH_ONLY, fs, h.flags);
        vs_add_bits(t, VS_F_IKE_FLAG_RESERVED, fs, h.flags);
        vs_close(t);
    }
    h.msgid = vs_rd_u32(c, t, VS_F_IKE_MSGID);
    size_t lp = c->pos;
    h.length = vs_rd_u32(c, t, VS_F_IKE_LENGTH);
    x->exch = h.exch_type;
    if (vs_cur_ok(c)) {
        if ((h.version >> 4) != 1)
            vs_problem(t, VS_P_IKE_BAD_VERSION, VS_NO_ITEM, span_of(vp, 1), h.version);
        if (h.flags & 0xF8)
            vs_problem(t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, span_of(fp, 1), h.flags);
        if (h.length < VS_ISAKMP_HDR_LEN) {
            vs_problem(t, VS_P_IKE_PAYLOAD_TOO_SHORT, VS_NO_ITEM, span_of(lp, 4), h.length);
            vs_cur_fail(c, VS_MALFORMED);
        }
    }
    if (vs_cur_ok(c)) {
        vs_cursor body;
        vs_cur_sub(c, h.length - VS_ISAKMP_HDR_LEN, &body);
        if (h.flags & VS_IKE_FLAG_E) {
            size_t n = vs_cur_left(&body);
            h.encrypted = span_of(body.pos, n);
            if (n && !vs_rd_bytes(&body, t, VS_F_IKE_ENCRYPTED, n))
                h.encrypted.len = 0;
        } else {
            ikx_walk(x, &body, h.next_payload, x->gdoi ? &ikx_gdoi_chain : &ikx_v1_chain);
            if (vs_cur_ok(&body) && !vs_cur_at_end(&body)) {
                size_t rest = vs_cur_left(&body);
                vs_problem(t, VS_P_IKE_TRAILING, VS_NO_ITEM, span_of(body.pos, rest), rest);
                vs_skip(&body, rest);
            }
        }
        vs_cur_fail(c, body.status);
        if (vs_cur_ok(c) && vs_cur_avail(c) > 0)
            vs_problem(t, VS_P_IKE_LENGTH_SHORT, VS_NO_ITEM, span_of(c->pos, vs_cur_avail(c)),
                       vs_cur_avail(c));
    }
    if (x->m)
        x->m->hdr = h;
    vs_set_len(t, root, c->pos);
    vs_report_status(t, c, ptr, pmf);
    vs_close(t);
    return c->status;
}

vs_status ikx_chain_only(ikx *x, vs_cursor *c, uint8_t first, uint32_t doi)
{
    vs_tree *t = x->t;
    vs_field_id proto = x->gdoi ? VS_F_GDOI : VS_F_IKE;
    size_t start = c->pos;
    x->doi = doi;
    uint16_t root = vs_open(t, proto, span_of(start, 0), 0);
    ikx_walk(x, c, first, x->gdoi ? &ikx_gdoi_chain : &ikx_v1_chain);
    if (vs_cur_ok(c) && !vs_cur_at_end(c)) {
        /* Decrypted IKEv1 bodies are padded to the cipher block. */
        size_t rest = vs_cur_left(c);
        vs_rd_bytes(c, t, VS_F_IKE_PADDING, rest);
    }
    vs_set_len(t, root, c->pos);
    vs_report_status(t, c, x->gdoi ? VS_P_GDOI_TRUNCATED : VS_P_IKE_TRUNCATED,
                     x->gdoi ? VS_P_GDOI_MALFORMED : VS_P_IKE_MALFORMED);
    vs_close(t);
    return c->status;
}
