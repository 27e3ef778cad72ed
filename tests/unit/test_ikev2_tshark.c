/* IKEv2 against tshark's built-in ISAKMP dissector, field by field (45 fields:
 * header, the payload chain with proposals and transforms as tshark lists
 * them, every next-payload / last-substructure byte and length, SPIs and SPI
 * sizes, transform types/IDs/key lengths, KE group, nonces, notify protocol and
 * types, ID/AUTH/CERTREQ types, Delete SPIs, traffic selectors, CP types, SKF
 * numbers), on
 *   - ../shared/captures/tcpdump__ikev2four.pcap (21 frames, DLT NULL loopback:
 *     IKE_SA_INIT answered with COOKIE and repeated, IKE_AUTH, CREATE_CHILD_SA
 *     pairs, INFORMATIONAL; all but SA_INIT encrypted), and
 *   - the RFC-layout vectors of test_ikev2_vectors.h written to a pcap.
 * The core is fed by an independent decapsulation (vs_test_find_payload).
 * tshark 4.0 shows no known IKEv2 header/chain bug on these inputs; only its
 * names differ (e.g. PRF 4 "PRF_AES128_CBC" where IANA says PRF_AES128_XCBC),
 * and names are not compared. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpnscope/ikev2.h"
#include "vs_test.h"

#include "test_ikev2_vectors.h"

/* How a vpnscope item becomes the text tshark prints for the matching field. */
enum fmt { F_DEC, F_HEX64, F_FLAGS, F_MSGID, F_C2, F_C3, F_BYTES, F_IPV4, F_IPV6, F_STR };
typedef struct src { vs_field_id f; enum fmt fmt; } src;
typedef struct map {
    const char *tshark;
    src from[4];
    int n;
} map;

#define S(f, fmt) {VS_F_##f, fmt}
static const map maps[] = {
    {"isakmp.ispi", {S(IKEV2_ISPI, F_HEX64)}, 1},
    {"isakmp.rspi", {S(IKEV2_RSPI, F_HEX64)}, 1},
    {"isakmp.exchangetype", {S(IKEV2_EXCH_TYPE, F_DEC)}, 1},
    {"isakmp.flags", {S(IKEV2_FLAGS, F_FLAGS)}, 1},
    {"isakmp.messageid", {S(IKEV2_MSGID, F_MSGID)}, 1},
    {"isakmp.length", {S(IKEV2_LENGTH, F_DEC)}, 1},
    /* tshark lists the header's, every payload's, proposal's and transform's
     * next-payload / last-substructure byte in one field */
    {"isakmp.nextpayload",
     {S(IKEV2_NEXT_PAYLOAD, F_DEC), S(IKEV2_PL_NEXT, F_DEC), S(IKEV2_PROP_LAST, F_DEC),
      S(IKEV2_TF_LAST, F_DEC)}, 4},
    /* ... and payloads, proposals (2) and transforms (3) as "payload types" */
    {"isakmp.typepayload", {S(IKEV2_PAYLOAD, F_DEC), S(IKEV2_PROPOSAL, F_C2), S(IKEV2_TRANSFORM, F_C3)}, 3},
    {"isakmp.payloadlength",
     {S(IKEV2_PL_LENGTH, F_DEC), S(IKEV2_PROP_LENGTH, F_DEC), S(IKEV2_TF_LENGTH, F_DEC)}, 3},
    {"isakmp.prop.number", {S(IKEV2_PROP_NUM, F_DEC)}, 1},
    {"isakmp.prop.protoid", {S(IKEV2_PROP_PROTO, F_DEC)}, 1},
    {"isakmp.prop.transforms", {S(IKEV2_PROP_NUM_TRANSFORMS, F_DEC)}, 1},
    {"isakmp.spisize",
     {S(IKEV2_PROP_SPI_SIZE, F_DEC), S(IKEV2_N_SPI_SIZE, F_DEC), S(IKEV2_D_SPI_SIZE, F_DEC)}, 3},
    {"isakmp.spi", {S(IKEV2_PROP_SPI, F_BYTES), S(IKEV2_N_SPI, F_BYTES)}, 2},
    {"isakmp.tf.type", {S(IKEV2_TF_TYPE, F_DEC)}, 1},
    {"isakmp.tf.id.encr", {S(IKEV2_TF_ID_ENCR, F_DEC)}, 1},
    {"isakmp.tf.id.prf", {S(IKEV2_TF_ID_PRF, F_DEC)}, 1},
    {"isakmp.tf.id.integ", {S(IKEV2_TF_ID_INTEG, F_DEC)}, 1},
    {"isakmp.tf.id.dh", {S(IKEV2_TF_ID_KE, F_DEC)}, 1},
    {"isakmp.tf.id.esn", {S(IKEV2_TF_ID_SN, F_DEC)}, 1},
    {"isakmp.ike2.attr.key_length", {S(IKEV2_ATTR_KEY_LENGTH, F_DEC)}, 1},
    {"isakmp.key_exchange.dh_group", {S(IKEV2_KE_GROUP, F_DEC)}, 1},
    {"isakmp.nonce", {S(IKEV2_NONCE, F_BYTES)}, 1},
    {"isakmp.notify.protoid", {S(IKEV2_N_PROTO, F_DEC)}, 1},
    {"isakmp.notify.msgtype", {S(IKEV2_N_TYPE, F_DEC)}, 1},
    {"isakmp.id.type", {S(IKEV2_ID_TYPE, F_DEC)}, 1},
    {"isakmp.id.data.fqdn", {S(IKEV2_ID_FQDN, F_STR)}, 1},
    {"isakmp.auth.method", {S(IKEV2_AUTH_METHOD, F_DEC)}, 1},
    {"isakmp.certreq.type", {S(IKEV2_CERTREQ_ENCODING, F_DEC)}, 1},
    {"isakmp.delete.protoid", {S(IKEV2_D_PROTO, F_DEC)}, 1},
    {"isakmp.spinum", {S(IKEV2_D_NUM_SPIS, F_DEC)}, 1},
    {"isakmp.delete.spi", {S(IKEV2_D_SPI, F_BYTES)}, 1},
    {"isakmp.ts.number", {S(IKEV2_TS_NUM, F_DEC)}, 1},
    {"isakmp.ts.type", {S(IKEV2_TS_TYPE, F_DEC)}, 1},
    {"isakmp.ts.protoid", {S(IKEV2_TS_PROTO, F_DEC)}, 1},
    {"isakmp.ts.start_port", {S(IKEV2_TS_START_PORT, F_DEC)}, 1},
    {"isakmp.ts.end_port", {S(IKEV2_TS_END_PORT, F_DEC)}, 1},
    {"isakmp.ts.start_ipv4", {S(IKEV2_TS_START_V4, F_IPV4)}, 1},
    {"isakmp.ts.end_ipv4", {S(IKEV2_TS_END_V4, F_IPV4)}, 1},
    {"isakmp.ts.start_ipv6", {S(IKEV2_TS_START_V6, F_IPV6)}, 1},
    {"isakmp.ts.end_ipv6", {S(IKEV2_TS_END_V6, F_IPV6)}, 1},
    {"isakmp.cfg.type", {S(IKEV2_CP_TYPE, F_DEC)}, 1},
    {"isakmp.cfg.attr.type", {S(IKEV2_CP_ATTR_TYPE, F_DEC)}, 1},
    {"isakmp.frag.number", {S(IKEV2_SKF_NUMBER, F_DEC)}, 1},
    {"isakmp.frag.total", {S(IKEV2_SKF_TOTAL, F_DEC)}, 1},
};
#undef S
#define K_COUNT (sizeof maps / sizeof maps[0])

#define MAXF 64
#define VAL_LEN 1024
typedef struct frame_res {
    bool seen;
    vs_status st;
    char f[K_COUNT][VAL_LEN];
} frame_res;

typedef struct run {
    frame_res fr[MAXF];
    unsigned n;
} run;

static void app(char *s, const char *text)
{
    size_t k = strlen(s);
    snprintf(s + k, VAL_LEN - k, "%s%s", k ? "," : "", text);
}

static void render(const uint8_t *pdu, const vs_item *it, enum fmt fmt, char *out, size_t cap)
{
    unsigned long long v = it->value;
    const uint8_t *p = pdu + it->span.off;
    switch (fmt) {
    case F_DEC: snprintf(out, cap, "%llu", v); break;
    case F_HEX64: snprintf(out, cap, "%016llx", v); break;
    case F_FLAGS: snprintf(out, cap, "0x%02llx", v); break;
    case F_MSGID: snprintf(out, cap, "0x%08llx", v); break;
    case F_C2: snprintf(out, cap, "2"); break;
    case F_C3: snprintf(out, cap, "3"); break;
    case F_BYTES:
        out[0] = 0;
        for (uint32_t i = 0; i < it->span.len && 2 * i + 3 < cap; i++)
            snprintf(out + 2 * i, cap - 2 * i, "%02x", p[i]);
        break;
    case F_IPV4: inet_ntop(AF_INET, p, out, (socklen_t)cap); break;
    case F_IPV6: inet_ntop(AF_INET6, p, out, (socklen_t)cap); break;
    case F_STR: snprintf(out, cap, "%.*s", (int)it->span.len, (const char *)p); break;
    }
}

static void collect(const uint8_t *pdu, const vs_tree *t, frame_res *fr)
{
    char text[VAL_LEN];
    for (size_t i = 0; i < t->n_items; i++) {
        const vs_item *it = &t->items[i];
        for (size_t k = 0; k < K_COUNT; k++)
            for (int j = 0; j < maps[k].n; j++)
                if (maps[k].from[j].f == it->field) {
                    render(pdu, it, maps[k].from[j].fmt, text, sizeof text);
                    app(fr->f[k], text);
                }
    }
}

static void on_frame(void *ctx, int linktype, unsigned frame, const uint8_t *data, size_t caplen,
                     size_t wirelen)
{
    run *r = ctx;
    (void)wirelen;
    if (frame > r->n)
        r->n = frame;
    if (frame > MAXF)
        return;
    size_t plen;
    long off = vs_test_find_payload(linktype, data, caplen, VS_TP_UDP_PORT, 500, &plen);
    if (off < 0) {
        off = vs_test_find_payload(linktype, data, caplen, VS_TP_UDP_PORT, 4500, &plen);
        if (off < 0 || plen < 4)
            return;
        off += 4; /* non-ESP marker */
        plen -= 4;
    }
    frame_res *fr = &r->fr[frame - 1];
    fr->seen = true;
    /* Exact-size copy so the sanitizers catch any overread. */
    uint8_t *pdu = malloc(plen ? plen : 1);
    memcpy(pdu, data + off, plen);
    vs_test_tree *tt = malloc(sizeof *tt);
    vs_test_tree_init(tt, pdu);
    vs_ikev2_msg *m = malloc(sizeof *m);
    vs_cursor c;
    vs_cur_init(&c, pdu, plen, plen);
    fr->st = vs_ikev2_decode(&c, &tt->t, m);
    collect(pdu, &tt->t, fr);
    free(m);
    free(tt);
    free(pdu);
}

/* Compare every frame of capture with tshark; returns the number of frames
 * that agree on every field, sets *total. */
static unsigned compare_with_tshark(const char *cap, run *r, unsigned *total)
{
    const char *fields[K_COUNT + 2];
    fields[0] = "frame.number";
    for (size_t k = 0; k < K_COUNT; k++)
        fields[k + 1] = maps[k].tshark;
    fields[K_COUNT + 1] = NULL;
    char **lines = vs_tshark_fields(cap, NULL, fields);
    if (!lines)
        cr_skip_test("tshark is not installed");
    unsigned agree = 0, mismatches = 0;
    *total = 0;
    for (size_t i = 0; lines[i]; i++) {
        char *col[K_COUNT + 1];
        int n = vs_split(lines[i], col, (int)K_COUNT + 1);
        cr_assert_eq(n, (int)K_COUNT + 1, "tshark line %zu has %d columns", i + 1, n);
        unsigned fno = (unsigned)atoi(col[0]);
        cr_assert(fno >= 1 && fno <= MAXF);
        frame_res *fr = &r->fr[fno - 1];
        cr_assert(fr->seen, "%s frame %u: no IKE payload found", cap, fno);
        cr_assert_eq(fr->st, VS_OK, "%s frame %u: status %s", cap, fno, vs_status_name(fr->st));
        (*total)++;
        bool ok = true;
        for (size_t k = 0; k < K_COUNT; k++) {
            if (strcmp(fr->f[k], col[k + 1]) != 0) {
                ok = false;
                mismatches++;
                cr_log_error("frame %u %s: vpnscope '%s', tshark '%s'", fno, maps[k].tshark,
                             fr->f[k], col[k + 1]);
            }
        }
        agree += ok;
    }
    vs_lines_free(lines);
    cr_assert_eq(mismatches, 0, "%u field disagreements with tshark", mismatches);
    return agree;
}

Test(ikev2_tshark, ikev2four_every_frame_agrees)
{
    const char *cap = vs_shared_capture("tcpdump__ikev2four.pcap");
    run *r = calloc(1, sizeof *r);
    int frames = vs_pcap_foreach(cap, on_frame, r);
    cr_assert_eq(frames, 21, "%s: %d frames, want 21", cap, frames);
    unsigned total;
    unsigned agree = compare_with_tshark(cap, r, &total);
    fprintf(stderr, "ikev2 vs tshark on %s: %u/%u frames agree on %zu fields each\n", cap, agree,
            total, K_COUNT);
    cr_assert_eq(total, 21);
    cr_assert_eq(agree, 21);
    free(r);
}

/* The RFC-layout vectors through tshark's dissector: an oracle that does not
 * share our reading of the RFC. Messages go as they are; the decrypted bodies
 * are wrapped in a cleartext INFORMATIONAL header (tshark then walks the chain
 * exactly as it would after decryption). Frames are raw IPv4/UDP 500. */
static void put32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }
static void put16(FILE *f, uint16_t v) { fwrite(&v, 2, 1, f); }

static void write_frame(FILE *f, const uint8_t *ike, size_t n)
{
    uint8_t hdr[28] = {0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
                       0x01, 0xf4, 0x01, 0xf4, 0, 0, 0, 0};
    size_t tot = 28 + n;
    hdr[2] = (uint8_t)(tot >> 8), hdr[3] = (uint8_t)tot;
    hdr[24] = (uint8_t)((n + 8) >> 8), hdr[25] = (uint8_t)(n + 8);
    put32(f, 0);
    put32(f, 0);
    put32(f, (uint32_t)tot);
    put32(f, (uint32_t)tot);
    fwrite(hdr, 1, 28, f);
    fwrite(ike, 1, n, f);
}

Test(ikev2_tshark, rfc_vectors_agree)
{
    static const struct { const char *hex; int first; } vec[] = {
        {v_sa_init_req, -1}, {v_sa_init_cookie, -1}, {v_sa_init_invalid_ke, -1},
        {v_sa_init_resp, -1}, {v_ike_auth_sk, -1}, {v_skf, -1},
        {v_child_body, V_CHILD_BODY_FIRST}, {v_info_delete_body, V_INFO_DELETE_BODY_FIRST},
        {v_auth_req_body, V_AUTH_REQ_BODY_FIRST}, {v_auth_resp_body, V_AUTH_RESP_BODY_FIRST}};
    const size_t nvec = sizeof vec / sizeof vec[0];
    char path[] = "/tmp/vpnscope_ikev2_vectors_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "wb");
    put32(f, 0xa1b2c3d4);
    put16(f, 2);
    put16(f, 4);
    put32(f, 0);
    put32(f, 0);
    put32(f, 65535);
    put32(f, 228); /* LINKTYPE_IPV4 */
    for (size_t i = 0; i < nvec; i++) {
        size_t n;
        uint8_t *b = vs_hex(vec[i].hex, &n);
        if (vec[i].first >= 0) {
            uint8_t *m = calloc(1, 28 + n);
            static const uint8_t h[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
            memcpy(m, h, 16);
            m[16] = (uint8_t)vec[i].first, m[17] = 0x20, m[18] = 37, m[19] = 0x08, m[23] = 2;
            m[26] = (uint8_t)((28 + n) >> 8), m[27] = (uint8_t)(28 + n);
            memcpy(m + 28, b, n);
            free(b);
            b = m;
            n += 28;
        }
        write_frame(f, b, n);
        free(b);
    }
    fclose(f);
    run *r = calloc(1, sizeof *r);
    int frames = vs_pcap_foreach(path, on_frame, r);
    cr_assert_eq(frames, (int)nvec);
    unsigned total;
    unsigned agree = compare_with_tshark(path, r, &total);
    fprintf(stderr, "ikev2 vs tshark on the RFC vectors: %u/%u agree on %zu fields each\n", agree,
            total, K_COUNT);
    cr_assert_eq(total, nvec);
    cr_assert_eq(agree, nvec);
    unlink(path);
    free(r);
}

/* Spot checks that do not depend on tshark: the COOKIE exchange of frames 1-4
 * and the first IKE_AUTH. */
typedef struct one {
    unsigned want;
    vs_ikev2_msg m;
    vs_status st;
    bool found;
} one;

static void on_one(void *ctx, int linktype, unsigned frame, const uint8_t *data, size_t caplen,
                   size_t wirelen)
{
    one *o = ctx;
    (void)wirelen;
    if (frame != o->want)
        return;
    size_t plen;
    long off = vs_test_find_payload(linktype, data, caplen, VS_TP_UDP_PORT, 500, &plen);
    cr_assert_geq(off, 0);
    vs_cursor c;
    vs_cur_init(&c, data + off, plen, plen);
    o->st = vs_ikev2_decode(&c, NULL, &o->m);
    o->found = true;
}

static one *frame_no(unsigned k)
{
    const char *cap = vs_shared_capture("tcpdump__ikev2four.pcap");
    one *o = calloc(1, sizeof *o);
    o->want = k;
    vs_pcap_foreach(cap, on_one, o);
    cr_assert(o->found, "frame %u", k);
    cr_assert_eq(o->st, VS_OK);
    return o;
}

Test(ikev2_tshark, ikev2four_cookie_exchange_typed)
{
    one *o = frame_no(2); /* responder: N(COOKIE) */
    cr_assert(o->m.response);
    cr_assert_eq(o->m.n_notifies, 1);
    cr_assert_eq(o->m.notifies[0].type, VS_IKEV2_N_COOKIE);
    vs_span cookie = o->m.notifies[0].data;
    free(o);
    o = frame_no(3); /* initiator repeats with N(COOKIE) first */
    cr_assert_eq(o->m.payloads[0].type, VS_IKEV2_PL_NOTIFY);
    cr_assert_eq(o->m.notifies[0].type, VS_IKEV2_N_COOKIE);
    cr_assert_eq(o->m.notifies[0].data.len, cookie.len);
    cr_assert_eq(o->m.n_proposals, 1);
    cr_assert_eq(o->m.proposals[0].n_transforms, 12);
    cr_assert_eq(o->m.ke_group, 2);
    free(o);
    o = frame_no(4); /* response picks one of each */
    cr_assert_eq(o->m.rspi, 0x71be8358efae7663ull);
    cr_assert_eq(o->m.proposals[0].n_transforms, 4);
    cr_assert_eq(o->m.proposals[0].transforms[0].id, 12);
    cr_assert_eq(o->m.proposals[0].transforms[0].key_len, 128);
    free(o);
    o = frame_no(5); /* IKE_AUTH: one SK payload, inner chain starts with IDi */
    cr_assert(o->m.has_sk);
    cr_assert_eq(o->m.sk_first_payload, VS_IKEV2_PL_IDI);
    cr_assert_eq(o->m.sk_payload.off + o->m.sk_payload.len, o->m.length);
    free(o);
}
