/* `vpnscope overhead CAPTURE`: the per-tunnel aggregation (analyzer/src/overhead/capture.c)
 * fed with hand-built frames through the pipeline observer's signature. */
#include <criterion/criterion.h>
#include <string.h>

#include "keys/keys.h"
#include "overhead/capture.h"
#include "vpnscope/frame.h"
#include "vpnscope/overhead.h"
#include "vs_test.h"

static size_t ipv4(uint8_t *p, uint8_t proto, size_t total, const uint8_t src[4], const uint8_t dst[4])
{
    memset(p, 0, 20);
    p[0] = 0x45;
    p[2] = (uint8_t)(total >> 8);
    p[3] = (uint8_t)total;
    p[8] = 64;
    p[9] = proto;
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
    uint16_t ck = vs_inet_cksum(p, 20, 0);
    p[10] = (uint8_t)(ck >> 8);
    p[11] = (uint8_t)ck;
    return 20;
}

/* An IPv4 host packet of total bytes (ICMP echo, zero payload). */
static size_t host_pkt(uint8_t *p, size_t total, const uint8_t src[4], const uint8_t dst[4])
{
    ipv4(p, 1, total, src, dst);
    memset(p + 20, 0, total - 20);
    p[20] = 8;
    return total;
}

static const uint8_t HUB[4] = {203, 0, 113, 1}, S1[4] = {198, 51, 100, 11},
                     S2[4] = {198, 51, 100, 12}, X[4] = {192, 0, 2, 1}, Y[4] = {192, 0, 2, 2};
static const uint8_t H1[4] = {10, 1, 1, 10}, H2[4] = {10, 2, 2, 20};

/* GRE from src to dst around a host packet of inner bytes; key adds 4 bytes. */
static size_t gre_pkt(uint8_t *p, const uint8_t src[4], const uint8_t dst[4], size_t inner, bool key)
{
    size_t n = 20;
    p[n] = key ? 0x20 : 0;
    p[n + 1] = 0;
    p[n + 2] = 0x08;
    p[n + 3] = 0x00;
    n += 4;
    if (key) {
        memset(p + n, 0, 4);
        p[n + 3] = 7;
        n += 4;
    }
    n += host_pkt(p + n, inner, H1, H2);
    ipv4(p, 47, n, src, dst);
    return n;
}

/* GRE carrying an NHRP Registration Request (fixed header only is enough
 * for the frame walk to name the application NHRP). */
static size_t nhrp_pkt(uint8_t *p, const uint8_t src[4], const uint8_t dst[4])
{
    size_t n = 20;
    const uint8_t g[] = {0, 0, 0x20, 0x01};
    memcpy(p + n, g, 4);
    n += 4;
    const uint8_t fixed[20] = {0x00, 0x01, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 255, 3, 0, 20, 0, 0, 1, 0, 0, 0};
    memcpy(p + n, fixed, 20);
    n += 20;
    ipv4(p, 47, n, src, dst);
    return n;
}

static void feed(vsa_oh_agg *a, uint64_t frame, int depth, const uint8_t *p, size_t n,
                 const vs_esp_plain *plain)
{
    vs_frame f;
    vs_frame_decode(VS_LINKTYPE_RAW, p, n, n, NULL, &f);
    vsa_oh_observe(a, frame, depth, p, n, &f, plain);
}

static const vsa_oh_tunnel *find(const vsa_oh_agg *a, const uint8_t e1[4], const uint8_t e2[4])
{
    for (size_t i = 0; i < vsa_oh_count(a); i++) {
        const vsa_oh_tunnel *t = vsa_oh_tunnel_at(a, i);
        if ((!memcmp(t->a, e1, 4) && !memcmp(t->b, e2, 4)) || (!memcmp(t->a, e2, 4) && !memcmp(t->b, e1, 4)))
            return t;
    }
    return NULL;
}

static int report_rc(const vsa_oh_agg *a)
{
    FILE *f = fopen("/dev/null", "w");
    cr_assert(f);
    int rc = vsa_oh_report(a, f, false);
    int rj = vsa_oh_report(a, f, true);
    fclose(f);
    cr_assert_eq(rc, rj, "text and JSON disagree on findings");
    return rc;
}

Test(an_overhead_agg, both_directions_one_tunnel_min_median_max)
{
    vsa_oh_opts o = {.mtu = 1500};
    vsa_oh_agg *a = vsa_oh_new(&o);
    uint8_t p[2000];
    /* X->Y without key (overhead 24), Y->X with key (28) twice, X->Y 1400-byte inner with key */
    feed(a, 1, 0, p, gre_pkt(p, X, Y, 100, false), NULL);
    feed(a, 2, 0, p, gre_pkt(p, Y, X, 60, true), NULL);
    feed(a, 3, 0, p, gre_pkt(p, Y, X, 80, true), NULL);
    feed(a, 4, 0, p, gre_pkt(p, X, Y, 1400, true), NULL);
    /* not a tunnel: ignored */
    feed(a, 5, 0, p, host_pkt(p, 60, X, Y), NULL);
    vsa_oh_finish(a);
    cr_assert_eq(vsa_oh_count(a), 1);
    const vsa_oh_tunnel *t = vsa_oh_tunnel_at(a, 0);
    cr_assert_eq(t->n, 4);
    cr_assert_eq(t->n_exact, 4);
    cr_assert_eq(t->type, VS_TUN_PLAIN_GRE);
    cr_assert_null(t->mgre_reason);
    cr_assert_eq(t->min_oh, 24);
    cr_assert_eq(t->max_oh, 28);
    cr_assert_eq(t->med_oh, 28); /* sorted 24, 28, 28, 28: lower median is index 1 */
    cr_assert_eq(t->pkts[t->max_total_idx].frame, 4);
    cr_assert_eq(t->pkts[t->max_total_idx].b.total, 1428);
    cr_assert_eq(t->over_mtu, 0);
    cr_assert_eq(t->fragments, 0);
    /* the advice for GRE with the typical (median) packet's 8-byte header */
    cr_assert(t->have_plan);
    cr_assert(t->plan.gre && t->plan.gre_key && !t->plan.gre_seq);
    cr_assert_eq(t->advice.ip_mtu, 1500 - 28);
    cr_assert_eq(t->advice.tcp_mss, 1500 - 28 - 40);
    cr_assert_eq(report_rc(a), 0);
    vsa_oh_free(a);
}

Test(an_overhead_agg, mgre_per_nbma_pair)
{
    vsa_oh_opts o = {.mtu = 1500};
    vsa_oh_agg *a = vsa_oh_new(&o);
    uint8_t p[256];
    feed(a, 1, 0, p, nhrp_pkt(p, S1, HUB), NULL);
    feed(a, 2, 0, p, gre_pkt(p, HUB, S1, 60, true), NULL);
    feed(a, 3, 0, p, nhrp_pkt(p, S2, HUB), NULL);
    feed(a, 4, 0, p, gre_pkt(p, S1, S2, 60, true), NULL); /* spoke to spoke, no NHRP between them */
    feed(a, 5, 0, p, gre_pkt(p, X, Y, 60, false), NULL);  /* an unrelated point-to-point GRE */
    vsa_oh_finish(a);
    cr_assert_eq(vsa_oh_count(a), 4);
    const vsa_oh_tunnel *t1 = find(a, S1, HUB), *t2 = find(a, S2, HUB), *ss = find(a, S1, S2),
                        *xy = find(a, X, Y);
    cr_assert(t1 && t2 && ss && xy);
    cr_assert_eq(t1->type, VS_TUN_MGRE);
    cr_assert(t1->nhrp);
    cr_assert_eq(t1->n, 2);
    cr_assert_eq(t2->type, VS_TUN_MGRE);
    cr_assert_eq(ss->type, VS_TUN_MGRE);
    cr_assert_not(ss->nhrp);
    cr_assert_str_eq(ss->mgre_reason, "both endpoints speak NHRP with other peers (spoke to spoke)");
    cr_assert_eq(xy->type, VS_TUN_PLAIN_GRE);
    vsa_oh_free(a);
}

Test(an_overhead_agg, fragments_and_mtu_are_findings)
{
    vsa_oh_opts o = {.mtu = 1400};
    vsa_oh_agg *a = vsa_oh_new(&o);
    uint8_t p[2000];
    feed(a, 7, 0, p, gre_pkt(p, X, Y, 1300, false), NULL);
    vsa_oh_finish(a);
    cr_assert_eq(report_rc(a), 0);
    vsa_oh_free(a);

    a = vsa_oh_new(&o);
    /* depth 1 in observe mode: a datagram the pipeline reassembled from fragments */
    feed(a, 9, 1, p, gre_pkt(p, X, Y, 1300, false), NULL);
    vsa_oh_finish(a);
    const vsa_oh_tunnel *t = vsa_oh_tunnel_at(a, 0);
    cr_assert_eq(t->fragments, 1);
    cr_assert_eq(t->first_fragment_frame, 9);
    cr_assert(t->pkts[0].fragmented);
    cr_assert_eq(report_rc(a), 1);
    vsa_oh_free(a);

    a = vsa_oh_new(&o);
    feed(a, 3, 0, p, gre_pkt(p, X, Y, 1377, false), NULL); /* 1401 bytes on the wire */
    feed(a, 4, 0, p, gre_pkt(p, X, Y, 1376, false), NULL); /* 1400: fits */
    vsa_oh_finish(a);
    t = vsa_oh_tunnel_at(a, 0);
    cr_assert_eq(t->over_mtu, 1);
    cr_assert_eq(t->pkts[t->max_total_idx].frame, 3);
    cr_assert_eq(report_rc(a), 1);
    vsa_oh_free(a);
}

/* ESP tunnel mode (AES-CBC, HMAC-SHA1-96) around a 28-byte host packet, with
 * pad bytes of padding: the frame as captured, and the "decrypted" payload. */
static size_t esp_pkt(uint8_t *p, uint8_t *plain, size_t *plain_len, uint32_t spi, uint8_t pad)
{
    size_t n = 20;
    p[n] = (uint8_t)(spi >> 24);
    p[n + 1] = (uint8_t)(spi >> 16);
    p[n + 2] = (uint8_t)(spi >> 8);
    p[n + 3] = (uint8_t)spi;
    memset(p + n + 4, 0, 3);
    p[n + 7] = 1;
    n += 8;
    memset(p + n, 0xaa, 16); /* IV */
    n += 16;
    size_t m = host_pkt(plain, 28, H1, H2);
    for (uint8_t i = 1; i <= pad; i++)
        plain[m++] = i;
    plain[m++] = pad;
    plain[m++] = 4;
    *plain_len = m;
    memset(p + n, 0x55, m); /* ciphertext: contents do not matter to the measurement */
    n += m;
    memset(p + n, 0xcc, 12); /* ICV */
    n += 12;
    ipv4(p, 50, n, X, Y);
    return n;
}

Test(an_overhead_agg, decrypted_esp_against_the_calculator)
{
    vsa_keys k;
    vsa_keys_init(&k);
    char err[256];
    const char *sa =
        "\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0x00001234\",\"AES-CBC [RFC3602]\","
        "\"0x00112233445566778899aabbccddeeff\",\"HMAC-SHA-1-96 [RFC2404]\","
        "\"0x00112233445566778899aabbccddeeff00112233\"\n";
    cr_assert_eq(vsa_keys_load_text(&k, "test", sa, VSA_KF_AUTO, err, sizeof err), 1, "%s", err);
    vsa_oh_opts o = {.mtu = 1500, .keys = &k};
    vsa_oh_agg *a = vsa_oh_new(&o);
    uint8_t p[256], plain[128];
    size_t pl;
    /* minimal padding: 28 + 2 -> 32 (2 bytes): 20 + 8 + 16 + 32 + 12 = 88 */
    size_t n = esp_pkt(p, plain, &pl, 0x1234, 2);
    cr_assert_eq(n, 88);
    vs_esp_plain d = {.plain = plain, .plain_len = pl, .iv_len = 16, .icv_len = 12};
    feed(a, 1, 0, p, n, &d);
    feed(a, 2, 0, p, n, &d);
    /* a sender that pads 18 bytes (RFC 4303 allows up to 255): the calculator
     * (minimal padding) must disagree, and say so */
    n = esp_pkt(p, plain, &pl, 0x1234, 18);
    d.plain_len = pl;
    feed(a, 3, 0, p, n, &d);
    vsa_oh_finish(a);
    cr_assert_eq(vsa_oh_count(a), 1);
    const vsa_oh_tunnel *t = vsa_oh_tunnel_at(a, 0);
    cr_assert_eq(t->carrier, VSA_OH_ESP);
    cr_assert_eq(t->type, VS_TUN_IPSEC_TUNNEL);
    cr_assert_not(t->type_assumed);
    cr_assert_eq(t->n_spis, 1);
    cr_assert_eq(t->spis[0], 0x1234);
    cr_assert_str_eq(t->transform, "esp-aes esp-sha-hmac");
    cr_assert_eq(t->calc_checked, 3);
    cr_assert_eq(t->calc_mismatch, 1);
    cr_assert_eq(t->first_mismatch_frame, 3);
    cr_assert_eq(t->min_oh, 60);
    cr_assert_eq(t->med_oh, 60);
    cr_assert_eq(t->max_oh, 76);
    const vsa_oh_pkt *m = &t->pkts[t->med_idx];
    cr_assert_eq(m->b.outer_ip, 20);
    cr_assert_eq(m->b.esp_header, 8);
    cr_assert_eq(m->b.iv, 16);
    cr_assert_eq(m->b.inner, 28);
    cr_assert_eq(m->b.padding, 2);
    cr_assert_eq(m->b.trailer, 2);
    cr_assert_eq(m->b.icv, 12);
    /* the advice is the calculator's for the same plan */
    vs_encap_plan pl2;
    cr_assert_eq(vs_plan_parse("tunnel", "esp-aes esp-sha-hmac", &pl2, err, sizeof err), 0);
    vs_mtu_advice adv;
    vs_overhead_advice(&pl2, 1500, &adv);
    cr_assert_eq(t->advice.ip_mtu, adv.ip_mtu);
    cr_assert_eq(t->advice.tcp_mss, adv.tcp_mss);
    cr_assert_eq(report_rc(a), 0);
    vsa_oh_free(a);
    vsa_keys_free(&k);
}

Test(an_overhead_agg, not_decrypted_with_and_without_transform)
{
    uint8_t p[256], plain[128];
    size_t pl;
    size_t n = esp_pkt(p, plain, &pl, 0x99, 2);
    vsa_oh_opts o = {.mtu = 1500};
    vsa_oh_agg *a = vsa_oh_new(&o);
    feed(a, 1, 0, p, n, NULL);
    vsa_oh_finish(a);
    const vsa_oh_tunnel *t = vsa_oh_tunnel_at(a, 0);
    cr_assert_eq(t->type, VS_TUN_IPSEC_UNKNOWN);
    cr_assert_eq(t->n_exact, 0);
    cr_assert_not(t->have_plan);
    cr_assert_eq(t->min_oh, 28); /* outer IP + ESP header: all that is known */
    cr_assert_eq(t->pkts[0].encrypted, 88 - 28);
    vsa_oh_free(a);

    vs_encap_plan x;
    char err[128];
    cr_assert_eq(vs_plan_parse("", "esp-aes esp-sha-hmac", &x, err, sizeof err), 0);
    o.xform = &x;
    a = vsa_oh_new(&o);
    feed(a, 1, 0, p, n, NULL);
    vsa_oh_finish(a);
    t = vsa_oh_tunnel_at(a, 0);
    cr_assert_eq(t->type, VS_TUN_IPSEC_TUNNEL); /* from the transform's default mode */
    cr_assert(t->type_assumed);
    cr_assert_eq(t->pkts[0].b.iv, 16);
    cr_assert_eq(t->pkts[0].b.icv, 12);
    cr_assert_eq(t->pkts[0].encrypted, 32);
    cr_assert_eq(t->min_oh, 20 + 8 + 16 + 12); /* lower bound: + trailer + padding unknown */
    cr_assert_eq(t->block, 16);
    cr_assert(t->have_plan);
    vsa_oh_free(a);
}

Test(an_overhead_agg, ipv6_outer_gre)
{
    /* IPv6 delivery header (40) + GRE (4) + a 60-byte IPv4 host packet */
    uint8_t p[200];
    memset(p, 0, 40);
    p[0] = 0x60;
    size_t n = 40;
    const uint8_t g[] = {0, 0, 0x08, 0x00};
    memcpy(p + n, g, 4);
    n += 4;
    n += host_pkt(p + n, 60, H1, H2);
    p[4] = (uint8_t)((n - 40) >> 8);
    p[5] = (uint8_t)(n - 40);
    p[6] = 47;
    p[7] = 64;
    p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 2; /* 2001:db8::2 */
    p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 1; /* 2001:db8::1 */
    vsa_oh_opts o = {.mtu = 1280};
    vsa_oh_agg *a = vsa_oh_new(&o);
    feed(a, 1, 0, p, n, NULL);
    vsa_oh_finish(a);
    cr_assert_eq(vsa_oh_count(a), 1);
    const vsa_oh_tunnel *t = vsa_oh_tunnel_at(a, 0);
    cr_assert_eq(t->af, 6);
    cr_assert_eq(t->a[15], 1); /* the lower address first */
    cr_assert_eq(t->b[15], 2);
    cr_assert_eq(t->type, VS_TUN_PLAIN_GRE);
    cr_assert_eq(t->min_oh, 44);
    cr_assert(t->plan.outer_ipv6);
    cr_assert_eq(t->advice.ip_mtu, 1280 - 44);
    vsa_oh_free(a);
}
