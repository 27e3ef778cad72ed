/* IKEv2 against tshark's built-in ISAKMP dissector on a real capture:
 * ../shared/captures/tcpdump__ikev2four.pcap (21 frames, DLT NULL loopback:
 * IKE_SA_INIT answered with COOKIE and repeated, IKE_AUTH, CREATE_CHILD_SA
 * pairs, INFORMATIONAL). Per frame the header fields, the payload chain
 * (payloads, proposals and transforms in order, as tshark lists them), every
 * next-payload / last-substructure byte, every length, the notify types, the
 * transform types and IDs, key lengths and the KE group must agree. The core is
 * fed by an independent decapsulation (vs_test_find_payload), not by itself. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpnscope/ikev2.h"
#include "vs_test.h"

enum {
    K_ISPI, K_RSPI, K_EXCH, K_FLAGS, K_MSGID, K_LENGTH, K_NEXT, K_TYPES, K_LENS, K_NOTIFY,
    K_TFTYPE, K_ENCR, K_PRF, K_INTEG, K_DH, K_ESN, K_KEYLEN, K_KEGROUP, K_COUNT
};
static const char *const tshark_fields[] = {
    "frame.number", "isakmp.ispi", "isakmp.rspi", "isakmp.exchangetype", "isakmp.flags",
    "isakmp.messageid", "isakmp.length", "isakmp.nextpayload", "isakmp.typepayload",
    "isakmp.payloadlength", "isakmp.notify.msgtype", "isakmp.tf.type", "isakmp.tf.id.encr",
    "isakmp.tf.id.prf", "isakmp.tf.id.integ", "isakmp.tf.id.dh", "isakmp.tf.id.esn",
    "isakmp.ike2.attr.key_length", "isakmp.key_exchange.dh_group", NULL};

#define MAXF 64
typedef struct frame_res {
    bool seen;
    vs_status st;
    char f[K_COUNT][512];
} frame_res;

typedef struct run {
    frame_res fr[MAXF];
    unsigned n;
} run;

static void app(char *s, const char *fmt, unsigned long long v)
{
    size_t k = strlen(s);
    if (k)
        s[k++] = ',';
    snprintf(s + k, 512 - k, fmt, v);
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
    for (size_t i = 0; i < tt->t.n_items; i++) {
        const vs_item *it = &tt->t.items[i];
        unsigned long long v = it->value;
        switch (it->field) {
        case VS_F_IKEV2_ISPI: app(fr->f[K_ISPI], "%016llx", v); break;
        case VS_F_IKEV2_RSPI: app(fr->f[K_RSPI], "%016llx", v); break;
        case VS_F_IKEV2_EXCH_TYPE: app(fr->f[K_EXCH], "%llu", v); break;
        case VS_F_IKEV2_FLAGS: app(fr->f[K_FLAGS], "0x%02llx", v); break;
        case VS_F_IKEV2_MSGID: app(fr->f[K_MSGID], "0x%08llx", v); break;
        case VS_F_IKEV2_LENGTH: app(fr->f[K_LENGTH], "%llu", v); break;
        case VS_F_IKEV2_NEXT_PAYLOAD:
        case VS_F_IKEV2_PL_NEXT:
        case VS_F_IKEV2_PROP_LAST:
        case VS_F_IKEV2_TF_LAST: app(fr->f[K_NEXT], "%llu", v); break;
        case VS_F_IKEV2_PAYLOAD: app(fr->f[K_TYPES], "%llu", v); break;
        case VS_F_IKEV2_PROPOSAL: app(fr->f[K_TYPES], "%llu", 2); break;
        case VS_F_IKEV2_TRANSFORM: app(fr->f[K_TYPES], "%llu", 3); break;
        case VS_F_IKEV2_PL_LENGTH:
        case VS_F_IKEV2_PROP_LENGTH:
        case VS_F_IKEV2_TF_LENGTH: app(fr->f[K_LENS], "%llu", v); break;
        case VS_F_IKEV2_N_TYPE: app(fr->f[K_NOTIFY], "%llu", v); break;
        case VS_F_IKEV2_TF_TYPE: app(fr->f[K_TFTYPE], "%llu", v); break;
        case VS_F_IKEV2_TF_ID_ENCR: app(fr->f[K_ENCR], "%llu", v); break;
        case VS_F_IKEV2_TF_ID_PRF: app(fr->f[K_PRF], "%llu", v); break;
        case VS_F_IKEV2_TF_ID_INTEG: app(fr->f[K_INTEG], "%llu", v); break;
        case VS_F_IKEV2_TF_ID_KE: app(fr->f[K_DH], "%llu", v); break;
        case VS_F_IKEV2_TF_ID_SN: app(fr->f[K_ESN], "%llu", v); break;
        case VS_F_IKEV2_ATTR_KEY_LENGTH: app(fr->f[K_KEYLEN], "%llu", v); break;
        case VS_F_IKEV2_KE_GROUP: app(fr->f[K_KEGROUP], "%llu", v); break;
        default: break;
        }
    }
    free(m);
    free(tt);
    free(pdu);
}

Test(ikev2_tshark, ikev2four_every_frame_agrees)
{
    const char *cap = vs_shared_capture("tcpdump__ikev2four.pcap");
    run *r = calloc(1, sizeof *r);
    int frames = vs_pcap_foreach(cap, on_frame, r);
    cr_assert_eq(frames, 21, "%s: %d frames, want 21", cap, frames);
    char **lines = vs_tshark_fields(cap, NULL, tshark_fields);
    if (!lines) {
        free(r);
        cr_skip_test("tshark is not installed");
    }
    unsigned agree = 0, total = 0, field_mismatches = 0;
    for (size_t i = 0; lines[i]; i++) {
        char *col[K_COUNT + 1];
        int n = vs_split(lines[i], col, K_COUNT + 1);
        cr_assert_eq(n, K_COUNT + 1, "tshark line %zu has %d columns", i + 1, n);
        unsigned fno = (unsigned)atoi(col[0]);
        cr_assert(fno >= 1 && fno <= MAXF);
        frame_res *fr = &r->fr[fno - 1];
        cr_assert(fr->seen, "frame %u: no IKE payload found", fno);
        cr_assert_eq(fr->st, VS_OK, "frame %u: status %s", fno, vs_status_name(fr->st));
        total++;
        bool ok = true;
        for (int k = 0; k < K_COUNT; k++) {
            if (strcmp(fr->f[k], col[k + 1]) != 0) {
                ok = false;
                field_mismatches++;
                cr_log_error("frame %u %s: vpnscope '%s', tshark '%s'", fno, tshark_fields[k + 1],
                             fr->f[k], col[k + 1]);
            }
        }
        agree += ok;
    }
    fprintf(stderr, "ikev2 vs tshark on %s: %u/%u frames agree on %d fields each\n", cap, agree,
            total, K_COUNT);
    cr_assert_eq(total, 21);
    cr_assert_eq(field_mismatches, 0, "%u field disagreements", field_mismatches);
    vs_lines_free(lines);
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
