/*
 * GDOI (RFC 6407, RFC 8052 additions; Cisco GETVPN) payload bodies, value
 * tables and entry points. The ISAKMP header, generic payload walker, the
 * IKEv1 payloads (HASH, NONCE, KE, ID, CERT, SIG, N, D, VID) and the data
 * attribute decoder are shared with IKEv1 (isakmp.c).
 */
#include "vpnscope/gdoi.h"

#include "isakmp_int.h"

#include <string.h>

/* IANA ISAKMP exchange types as GDOI uses them (RFC 6407 4.1, 4.2). */
const vs_val vs_vals_gdoi_exch_type[] = {
    VS_V(2, "Identity Protection (Main Mode)"), VS_V(4, "Aggressive"), VS_V(5, "Informational"),
    VS_V(32, "GROUPKEY-PULL"), VS_V(33, "GROUPKEY-PUSH"), VS_VEND};

const vs_val vs_vals_gdoi_payload_type[] = {
    VS_V(0, "NONE"), VS_V(1, "Security Association (SA)"), VS_V(2, "Proposal (P)"),
    VS_V(3, "Transform (T)"), VS_V(4, "Key Exchange (KE)"), VS_V(5, "Identification (ID)"),
    VS_V(6, "Certificate (CERT)"), VS_V(7, "Certificate Request (CR)"), VS_V(8, "Hash (HASH)"),
    VS_V(9, "Signature (SIG)"), VS_V(10, "Nonce (NONCE)"), VS_V(11, "Notification (N)"),
    VS_V(12, "Delete (D)"), VS_V(13, "Vendor ID (VID)"), VS_V(14, "Attributes (Mode Config)"),
    VS_V(15, "SA KEK (SAK)"), VS_V(16, "SA TEK (SAT)"), VS_V(17, "Key Download (KD)"),
    VS_V(18, "Sequence Number (SEQ)"), VS_V(19, "Proof of Possession (POP)"),
    VS_V(20, "NAT Discovery (NAT-D)"), VS_V(21, "NAT Original Address (NAT-OA)"),
    VS_V(22, "Group Associated Policy (GAP)"), VS_V(130, "NAT-D (draft)"),
    VS_V(131, "NAT-OA (draft)"), VS_V(132, "Cisco fragmentation (FRAG)"),
    VS_R(128, 255, "Private use"), VS_VEND};

/* RFC 6407 5.3.1 (IANA "GDOI SA KEK Payload Values - KEK Attributes") */
const vs_val vs_vals_gdoi_kek_attr[] = {
    VS_V(1, "KEK_MANAGEMENT_ALGORITHM"), VS_V(2, "KEK_ALGORITHM"), VS_V(3, "KEK_KEY_LENGTH"),
    VS_V(4, "KEK_KEY_LIFETIME"), VS_V(5, "SIG_HASH_ALGORITHM"), VS_V(6, "SIG_ALGORITHM"),
    VS_V(7, "SIG_KEY_LENGTH"), VS_V(8, "Reserved (was KE_OAKLEY_GROUP, RFC 3547)"),
    VS_V(9, "KEK_INTEGRITY_ALGORITHM"), VS_R(128, 255, "Private use"), VS_VEND};
const vs_val vs_vals_gdoi_kek_mgmt[] = {VS_V(1, "LKH"), VS_R(128, 255, "Private use"), VS_VEND};
const vs_val vs_vals_gdoi_kek_alg[] = {
    VS_V(1, "KEK_ALG_DES"), VS_V(2, "KEK_ALG_3DES"), VS_V(3, "KEK_ALG_AES"),
    VS_R(128, 255, "Private use"), VS_VEND};
const vs_val vs_vals_gdoi_sig_hash[] = {
    VS_V(1, "SIG_HASH_MD5"), VS_V(2, "SIG_HASH_SHA1"), VS_V(3, "SIG_HASH_SHA256"),
    VS_V(4, "SIG_HASH_SHA384"), VS_V(5, "SIG_HASH_SHA512"), VS_R(128, 255, "Private use"), VS_VEND};
const vs_val vs_vals_gdoi_sig_alg[] = {
    VS_V(1, "SIG_ALG_RSA"), VS_V(2, "SIG_ALG_DSS"), VS_V(3, "SIG_ALG_ECDSS"),
    VS_V(4, "SIG_ALG_ECDSA_256"), VS_V(5, "SIG_ALG_ECDSA_384"), VS_V(6, "SIG_ALG_ECDSA_521"),
    VS_R(128, 255, "Private use"), VS_VEND};

/* RFC 6407 5.4 */
const vs_val vs_vals_gdoi_gap_attr[] = {
    VS_V(1, "ACTIVATION_TIME_DELAY"), VS_V(2, "DEACTIVATION_TIME_DELAY"),
    VS_V(3, "SENDER_ID_REQUEST"), VS_R(128, 255, "Private use"), VS_VEND};

/* RFC 6407 5.5, RFC 8052 */
const vs_val vs_vals_gdoi_tek_protocol[] = {
    VS_V(1, "GDOI_PROTO_IPSEC_ESP"), VS_V(2, "GDOI_PROTO_IPSEC_AH"),
    VS_V(3, "GDOI_PROTO_IEC61850 (RFC 8052)"), VS_R(128, 255, "Private use"), VS_VEND};

/* RFC 6407 5.6 */
const vs_val vs_vals_gdoi_kd_type[] = {
    VS_V(1, "TEK"), VS_V(2, "KEK"), VS_V(3, "LKH"), VS_V(4, "SID"),
    VS_R(128, 255, "Private use"), VS_VEND};
const vs_val vs_vals_gdoi_kd_tek_attr[] = {
    VS_V(1, "TEK_ALGORITHM_KEY"), VS_V(2, "TEK_INTEGRITY_KEY"), VS_V(3, "TEK_SOURCE_AUTH_KEY"),
    VS_R(128, 255, "Private use"), VS_VEND};
const vs_val vs_vals_gdoi_kd_kek_attr[] = {
    VS_V(1, "KEK_ALGORITHM_KEY"), VS_V(2, "SIG_ALGORITHM_KEY"), VS_R(128, 255, "Private use"),
    VS_VEND};
const vs_val vs_vals_gdoi_kd_lkh_attr[] = {
    VS_V(1, "LKH_DOWNLOAD_ARRAY"), VS_V(2, "LKH_UPDATE_ARRAY"), VS_V(3, "SIG_ALGORITHM_KEY"),
    VS_R(128, 255, "Private use"), VS_VEND};
const vs_val vs_vals_gdoi_kd_sid_attr[] = {
    VS_V(1, "NUMBER_OF_SID_BITS"), VS_V(2, "SID_VALUE"), VS_R(128, 255, "Private use"), VS_VEND};

static vs_span sp_at(size_t off, size_t len) { return vs_span_at(off, len); }

static vs_ike_payload *prec(ikx *x, int pi)
{
    if (!x->m || pi < 0 || pi >= x->m->n_payloads)
        return NULL;
    return &x->m->payloads[pi];
}

/* An identity of the SA KEK / SA TEK: type, port, length (1 or 2 octets),
 * data decoded like an ID payload's. */
static vs_span gdoi_ident(ikx *x, vs_cursor *b, vs_field_id ftype, vs_field_id fport,
                          vs_field_id flen, int len_octets, vs_field_id fdata, uint8_t *type_out)
{
    uint8_t type = vs_rd_u8(b, x->t, ftype);
    vs_rd_u16(b, x->t, fport);
    size_t n = len_octets == 1 ? vs_rd_u8(b, x->t, flen) : vs_rd_u16(b, x->t, flen);
    vs_span sp = sp_at(b->pos, n);
    if (type_out)
        *type_out = type;
    if (!vs_cur_ok(b))
        return sp_at(b->pos, 0);
    vs_cursor d;
    vs_cur_sub(b, n, &d);
    if (n) {
        vs_open(x->t, fdata, sp, n);
        ikx_id_data(x, &d, type);
        vs_close(x->t);
    }
    vs_cur_fail(b, d.status);
    return sp;
}

/*
 * RFC 6407 5.3 SA KEK payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !    Protocol   !  SRC ID Type  !         SRC ID Port           !
 * !SRC ID Data Len!          SRC Identification Data              ~
 * ! DST ID Type   !         DST ID Port           !DST ID Data Len!
 * !                    DST Identification Data                    ~
 * ~                         SPI (16 octets)                       ~
 * !                           RESERVED2                           !
 * ~                        KEK Attributes                         ~
 */
void ikx_gdoi_body_sak(ikx *x, vs_cursor *b, int pi)
{
    uint8_t proto = vs_rd_u8(b, x->t, VS_F_GDOI_KEK_PROTOCOL);
    gdoi_ident(x, b, VS_F_GDOI_KEK_SRC_ID_TYPE, VS_F_GDOI_KEK_SRC_ID_PORT, VS_F_GDOI_KEK_SRC_ID_LEN,
               1, VS_F_GDOI_KEK_SRC_ID, NULL);
    uint8_t dtype = 0;
    vs_span dst = gdoi_ident(x, b, VS_F_GDOI_KEK_DST_ID_TYPE, VS_F_GDOI_KEK_DST_ID_PORT,
                             VS_F_GDOI_KEK_DST_ID_LEN, 1, VS_F_GDOI_KEK_DST_ID, &dtype);
    vs_span spi = sp_at(b->pos, 16);
    vs_rd_bytes(b, x->t, VS_F_GDOI_KEK_SPI, 16);
    size_t rp = b->pos;
    uint32_t r2 = vs_rd_u32(b, x->t, VS_F_GDOI_KEK_RESERVED2);
    if (!vs_cur_ok(b))
        return;
    if (r2)
        vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, sp_at(rp, 4), r2);
    vs_ike_payload *p = prec(x, pi);
    if (p) {
        p->protocol_id = proto;
        p->spi = spi;
        p->spi_size = 16;
        p->data = dst;
        p->value = dtype;
    }
    ikx_attrs(x, b, VS_ACTX_KEK, pi);
}

/*
 * RFC 6407 5.5 SA TEK payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * ! Protocol-ID   !       TEK Protocol-Specific Payload           ~
 * 5.5.1 PROTO_IPSEC_ESP (and 5.5.2 AH, same layout):
 * ! Protocol      !  SRC ID Type  !         SRC ID Port           !
 * !     SRC ID Data Len           !   SRC Identification Data     ~
 * ! DST ID Type   !         DST ID Port           !DST ID Data Len~
 * ~  (cont.)      !   DST Identification Data                     ~
 * ! Transform ID  !                        SPI                    ~
 * ~      SPI      !                RFC 2407 SA Attributes         ~
 */
void ikx_gdoi_body_sat(ikx *x, vs_cursor *b, int pi)
{
    uint8_t pid = vs_rd_u8(b, x->t, VS_F_GDOI_TEK_PROTOCOL_ID);
    if (!vs_cur_ok(b))
        return;
    vs_ike_payload *p = prec(x, pi);
    if (p)
        p->protocol_id = pid;
    if (pid != 1 && pid != 2) {
        vs_span sp = sp_at(b->pos, vs_cur_left(b));
        size_t n = vs_cur_left(b);
        if (n && !vs_rd_bytes(b, x->t, VS_F_GDOI_TEK_DATA, n))
            sp.len = 0;
        if (p)
            p->data = sp;
        return;
    }
    vs_rd_u8(b, x->t, VS_F_GDOI_TEK_IP_PROTOCOL);
    gdoi_ident(x, b, VS_F_GDOI_TEK_SRC_ID_TYPE, VS_F_GDOI_TEK_SRC_ID_PORT, VS_F_GDOI_TEK_SRC_ID_LEN,
               2, VS_F_GDOI_TEK_SRC_ID, NULL);
    uint8_t dtype = 0;
    vs_span dst = gdoi_ident(x, b, VS_F_GDOI_TEK_DST_ID_TYPE, VS_F_GDOI_TEK_DST_ID_PORT,
                             VS_F_GDOI_TEK_DST_ID_LEN, 2, VS_F_GDOI_TEK_DST_ID, &dtype);
    uint8_t tid = vs_rd_u8(b, x->t, pid == 1 ? VS_F_GDOI_TEK_TRANSFORM_ESP : VS_F_GDOI_TEK_TRANSFORM_AH);
    vs_span spi = sp_at(b->pos, 4);
    vs_rd_u32(b, x->t, VS_F_GDOI_TEK_SPI);
    if (!vs_cur_ok(b))
        return;
    if (p) {
        p->value = tid;
        p->spi = spi;
        p->spi_size = 4;
        p->data = dst;
    }
    ikx_attrs(x, b, VS_ACTX_IPSEC, pi);
}

/*
 * RFC 6407 5.4 Group Associated Policy payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * ~                    Group Associated Policy Attributes         ~
 */
void ikx_gdoi_body_gap(ikx *x, vs_cursor *b, int pi)
{
    ikx_attrs(x, b, VS_ACTX_GAP, pi);
}

/*
 * RFC 6407 5.6 Key Download payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !    Number of Key Packets      !            RESERVED2          !
 * ~                    Key Packets                                ~
 * Key packet (5.6.1):
 * !    KD Type    !   RESERVED    !            KD Length          !
 * !    SPI Size   !                   SPI (variable)              ~
 * ~                    Key Packet Attributes                      ~
 */
void ikx_gdoi_body_kd(ikx *x, vs_cursor *b, int pi)
{
    size_t np = b->pos;
    uint16_t num = vs_rd_u16(b, x->t, VS_F_GDOI_KD_NUM_PACKETS);
    size_t rp = b->pos;
    uint16_t r2 = vs_rd_u16(b, x->t, VS_F_GDOI_KD_RESERVED2);
    if (!vs_cur_ok(b))
        return;
    if (r2)
        vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, sp_at(rp, 2), r2);
    vs_ike_payload *p = prec(x, pi);
    if (p)
        p->count = num;
    unsigned seen = 0;
    while (vs_cur_ok(b) && !vs_cur_at_end(b)) {
        size_t start = b->pos;
        uint8_t type = vs_u8(b);
        if (!vs_cur_ok(b))
            break;
        uint16_t it = vs_open(x->t, VS_F_GDOI_KD_PACKET, sp_at(start, 4), type);
        vs_add(x->t, VS_F_GDOI_KD_TYPE, sp_at(start, 1), type);
        uint8_t res = vs_rd_u8(b, x->t, VS_F_GDOI_KD_RESERVED);
        uint16_t len = vs_rd_u16(b, x->t, VS_F_GDOI_KD_LENGTH);
        if (!vs_cur_ok(b)) {
            vs_close(x->t);
            break;
        }
        if (res)
            vs_problem(x->t, VS_P_IKE_RESERVED_NONZERO, VS_NO_ITEM, sp_at(start + 1, 1), res);
        if (len < 5) {
            /* KD Length covers the key packet: at least type .. SPI size. */
            vs_problem(x->t, VS_P_IKE_PAYLOAD_TOO_SHORT, it, sp_at(start + 2, 2), len);
            vs_cur_fail(b, VS_MALFORMED);
            vs_close(x->t);
            break;
        }
        vs_cursor k;
        vs_cur_sub(b, (size_t)len - 4, &k);
        vs_set_len(x->t, it, k.end < start + len ? k.end : start + len);
        seen++;
        uint8_t spi_size = vs_rd_u8(&k, x->t, VS_F_GDOI_KD_SPI_SIZE);
        vs_span spi = sp_at(k.pos, spi_size);
        if (spi_size)
            vs_rd_bytes(&k, x->t, VS_F_GDOI_KD_SPI, spi_size);
        int kp = -1;
        if (vs_cur_ok(&k) && x->m) {
            x->m->n_keypkts_total++;
            if (x->m->n_keypkts < VS_IKE_MAX_KEYPKTS) {
                kp = x->m->n_keypkts++;
                vs_gdoi_keypkt *e = &x->m->keypkts[kp];
                memset(e, 0, sizeof *e);
                e->payload = (uint8_t)(pi < 0 ? 0xFF : pi);
                e->type = type;
                e->spi_size = spi_size;
                e->span = sp_at(start, len);
                e->spi = spi;
            }
        }
        int ctx = 0;
        switch (type) {
        case VS_GDOI_KD_TEK: ctx = VS_ACTX_KD_TEK; break;
        case VS_GDOI_KD_KEK: ctx = VS_ACTX_KD_KEK; break;
        case VS_GDOI_KD_LKH: ctx = VS_ACTX_KD_LKH; break;
        case VS_GDOI_KD_SID: ctx = VS_ACTX_KD_SID; break;
        default: break;
        }
        if (vs_cur_ok(&k)) {
            if (ctx) {
                ikx_attrs(x, &k, ctx, kp);
            } else {
                size_t n = vs_cur_left(&k);
                if (n)
                    vs_rd_bytes(&k, x->t, VS_F_IKE_ATTR_VALUE_BYTES, n);
            }
        }
        vs_cur_fail(b, k.status);
        vs_close(x->t);
    }
    if (vs_cur_ok(b) && seen != num)
        vs_problem(x->t, VS_P_GDOI_KD_COUNT, VS_NO_ITEM, sp_at(np, 2), seen);
}

/*
 * RFC 6407 5.7 Sequence Number payload
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !                        Sequence Number                        !
 */
void ikx_gdoi_body_seq(ikx *x, vs_cursor *b, int pi)
{
    size_t n = vs_cur_left(b);
    if (n != 4)
        vs_problem(x->t, VS_P_GDOI_SEQ_LENGTH, VS_NO_ITEM, sp_at(b->pos, n), n);
    uint32_t seq = vs_rd_u32(b, x->t, VS_F_GDOI_SEQ);
    vs_ike_payload *p = prec(x, pi);
    if (p && vs_cur_ok(b))
        p->value = seq;
}

vs_status vs_gdoi_decode(vs_cursor *c, vs_tree *t, vs_gdoi_msg *out)
{
    ikx x;
    ikx_init(&x, t, out, 1);
    return ikx_message(&x, c);
}

vs_status vs_gdoi_decode_payloads(vs_cursor *c, uint8_t first_payload, uint32_t doi, vs_tree *t,
                                  vs_gdoi_msg *out)
{
    ikx x;
    vs_ike_hdr keep;
    if (out)
        keep = out->hdr;
    ikx_init(&x, t, out, 1);
    if (out) {
        out->hdr = keep;
        x.exch = keep.exch_type;
    }
    return ikx_chain_only(&x, c, first_payload, doi);
}
