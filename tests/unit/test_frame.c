/* The frame stack: link types, layer records in order with spans and key
 * facts, application classification, stop reasons, bounds, truncation. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "test_frame_vectors.h"
#include "vpnscope/frame.h"
#include "vs_test.h"

typedef struct fx {
    uint8_t *b;
    size_t n;
    vs_test_tree tt;
    vs_frame f;
    vs_status st;
} fx;

static fx *run_lt(int idx, int linktype)
{
    fx *x = calloc(1, sizeof *x);
    x->b = vs_hex(FRAMES[idx].hex, &x->n);
    vs_test_tree_init(&x->tt, x->b);
    x->st = vs_frame_decode(linktype, x->b, x->n, x->n, &x->tt.t, &x->f);
    cr_assert_eq(x->tt.t.depth, 0, "%s: every open is closed", FRAMES[idx].name);
    return x;
}

static fx *run(int idx) { return run_lt(idx, FRAMES[idx].linktype); }

static fx *run_raw(int linktype, const uint8_t *b, size_t n)
{
    fx *x = calloc(1, sizeof *x);
    x->b = malloc(n ? n : 1);
    memcpy(x->b, b, n);
    x->n = n;
    vs_test_tree_init(&x->tt, x->b);
    x->st = vs_frame_decode(linktype, x->b, n, n, &x->tt.t, &x->f);
    return x;
}

static void done(fx *x)
{
    free(x->b);
    free(x);
}

static void kinds(const vs_frame *f, const vs_layer_kind *want, size_t n)
{
    cr_assert_eq(f->n_layers, n, "%zu layers, want %zu", f->n_layers, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(f->layers[i].kind, want[i], "layer %zu is %s, want %s", i,
                     vs_layer_kind_name(f->layers[i].kind), vs_layer_kind_name(want[i]));
}

static void span(vs_span s, uint32_t off, uint32_t len)
{
    cr_assert_eq(s.off, off, "span offset %u, want %u", s.off, off);
    cr_assert_eq(s.len, len, "span length %u, want %u", s.len, len);
}

static void app(const vs_frame *f, vs_app_kind k, uint32_t off, uint32_t len)
{
    cr_assert_eq(f->app, k, "app %s, want %s (reason: %s)", vs_app_kind_name(f->app),
                 vs_app_kind_name(k), vs_frame_reason_name(f->reason));
    span(f->app_span, off, len);
    cr_assert_eq(f->app_cur.pos, off);
}

/* Truncation at every byte: the frame was len bytes on the wire, the capture
 * kept a prefix. */
static size_t g_wire;
static int g_linktype;
static vs_status dec_cut(const uint8_t *b, size_t n, vs_tree *t)
{
    vs_frame *f = malloc(sizeof *f);
    vs_status st = vs_frame_decode(g_linktype, b, n, g_wire, t, f);
    free(f);
    return st;
}

static void trunc_check(int idx)
{
    size_t n;
    uint8_t *b = vs_hex(FRAMES[idx].hex, &n);
    g_wire = n;
    g_linktype = FRAMES[idx].linktype;
    vs_check_truncations(b, n, dec_cut, VS_OK);
    free(b);
}

Test(frame, ethernet_qinq_ipv4_udp500_is_ike)
{
    fx *x = run(F_ETH_QINQ_UDP500);
    const vs_frame *f = &x->f;
    cr_assert_eq(x->st, VS_OK);
    const vs_layer_kind k[] = {VS_L_ETH, VS_L_VLAN, VS_L_VLAN, VS_L_IPV4, VS_L_UDP};
    kinds(f, k, 5);
    cr_assert_eq(f->layers[0].u.link.ethertype, 0x88a8);
    cr_assert_eq(f->layers[1].u.link.vlan_id, 100);
    cr_assert_eq(f->layers[1].u.link.ethertype, 0x8100);
    cr_assert_eq(f->layers[2].u.link.vlan_id, 200);
    cr_assert_eq(f->layers[2].u.link.ethertype, 0x0800);
    span(f->layers[3].span, 22, 56);
    cr_assert_eq(memcmp(f->layers[3].u.ip.src, "\x0a\x01\x01\x01", 4), 0);
    cr_assert_eq(memcmp(f->layers[3].u.ip.dst, "\x0a\x02\x02\x02", 4), 0);
    cr_assert_eq(f->layers[3].u.ip.proto, 17);
    cr_assert_eq(f->layers[3].cksum, VS_CK_GOOD);
    cr_assert_eq(f->layers[4].cksum, VS_CK_GOOD);
    cr_assert_eq(f->layers[0].cksum, VS_CK_ABSENT);
    span(f->layers[4].span, 42, 36);
    cr_assert_eq(f->layers[4].u.udp.sport, 500);
    cr_assert_eq(f->layers[4].u.udp.dport, 500);
    app(f, VS_APP_IKE, 50, 28);
    cr_assert_eq(f->reason, VS_FR_APP);
    cr_assert_eq(f->ip_depth, 1);
    cr_assert_eq(f->trailer.len, 0);
    const vs_tree *t = &x->tt.t;
    vs_assert_item(t, VS_F_LINK, 0, 1, 0, 22);
    vs_assert_item(t, VS_F_LINK_ETH_DST, 0, 6, 0, 6);
    vs_assert_item(t, VS_F_LINK_ETH_SRC, 0, 6, 6, 6);
    vs_assert_item(t, VS_F_LINK_ETHERTYPE, 0, 0x88a8, 12, 2);
    vs_assert_item(t, VS_F_LINK_VLAN_PCP, 0, 5, 14, 2);
    vs_assert_item(t, VS_F_LINK_VLAN_ID, 0, 100, 14, 2);
    vs_assert_item(t, VS_F_LINK_ETHERTYPE, 1, 0x8100, 16, 2);
    vs_assert_item(t, VS_F_LINK_VLAN_ID, 1, 200, 18, 2);
    vs_assert_item(t, VS_F_LINK_ETHERTYPE, 2, 0x0800, 20, 2);
    vs_assert_item(t, VS_F_IP_SRC, 0, 0x0a010101, 34, 4);
    vs_assert_item(t, VS_F_UDP_DSTPORT, 0, 500, 44, 2);
    vs_assert_item(t, VS_F_UDP_CHECKSUM_GOOD, 0, 1, 48, 2);
    cr_assert_eq(vs_frame_layer(f, VS_L_VLAN, 1), &f->layers[2]);
    cr_assert_null(vs_frame_layer(f, VS_L_GRE, 0));
    done(x);
    trunc_check(F_ETH_QINQ_UDP500);
}

Test(frame, old_qinq_tpid_9100_and_gdoi)
{
    fx *x = run(F_ETH_9100_UDP848);
    const vs_layer_kind k[] = {VS_L_ETH, VS_L_VLAN, VS_L_IPV4, VS_L_UDP};
    kinds(&x->f, k, 4);
    cr_assert_eq(x->f.layers[1].u.link.vlan_id, 7);
    app(&x->f, VS_APP_GDOI, 46, 28);
    cr_assert_eq(x->st, VS_OK);
    done(x);
    trunc_check(F_ETH_9100_UDP848);
}

Test(frame, linux_cooked_v1_nested_gre_to_nhrp)
{
    fx *x = run(F_SLL_GRE_GRE_NHRP);
    const vs_frame *f = &x->f;
    cr_assert_eq(x->st, VS_OK);
    const vs_layer_kind k[] = {VS_L_SLL, VS_L_IPV4, VS_L_GRE, VS_L_IPV4, VS_L_GRE};
    kinds(f, k, 5);
    cr_assert_eq(f->layers[0].u.link.ethertype, 0x0800);
    span(f->layers[1].span, 16, 76);
    span(f->layers[2].span, 36, 56);
    cr_assert(f->layers[2].u.gre.has_key);
    cr_assert_eq(f->layers[2].u.gre.key, 1001);
    cr_assert_eq(f->layers[2].u.gre.proto, 0x0800);
    cr_assert_eq(f->layers[2].u.gre.flags_ver, 0x2000);
    span(f->layers[3].span, 44, 48);
    cr_assert_eq(memcmp(f->layers[3].u.ip.src, "\xac\x10\x00\x01", 4), 0);
    cr_assert_eq(f->layers[4].u.gre.key, 2002);
    cr_assert_eq(f->layers[4].u.gre.proto, 0x2001);
    app(f, VS_APP_NHRP, 72, 20);
    cr_assert_eq(f->ip_depth, 2);
    vs_assert_item(&x->tt.t, VS_F_LINK_SLL_PKTTYPE, 0, 4, 0, 2);
    vs_assert_item(&x->tt.t, VS_F_LINK_SLL_HATYPE, 0, 1, 2, 2);
    vs_assert_item(&x->tt.t, VS_F_LINK_SLL_HALEN, 0, 6, 4, 2);
    vs_assert_item(&x->tt.t, VS_F_LINK_SLL_ADDR, 0, 8, 6, 8);
    vs_assert_item(&x->tt.t, VS_F_LINK_ETHERTYPE, 0, 0x0800, 14, 2);
    vs_assert_item(&x->tt.t, VS_F_GRE_KEY, 1, 2002, 68, 4);
    done(x);
    trunc_check(F_SLL_GRE_GRE_NHRP);
}

Test(frame, linux_cooked_v2_ipv6_natt_ike_after_marker)
{
    fx *x = run(F_SLL2_V6_NATT_IKE);
    const vs_frame *f = &x->f;
    cr_assert_eq(x->st, VS_OK);
    const vs_layer_kind k[] = {VS_L_SLL2, VS_L_IPV6, VS_L_UDP, VS_L_NATT};
    kinds(f, k, 4);
    cr_assert_eq(f->layers[0].u.link.ethertype, 0x86dd);
    span(f->layers[1].span, 20, 80);
    cr_assert_eq(f->layers[1].u.ip.version, 6);
    cr_assert_eq(f->layers[1].u.ip.src[15], 0x0a);
    cr_assert_eq(f->layers[2].u.udp.dport, 4500);
    cr_assert_eq(f->layers[3].u.natt.kind, VS_NATT_IKE);
    span(f->layers[3].span, 68, 32);
    app(f, VS_APP_IKE, 72, 28);
    vs_assert_item(&x->tt.t, VS_F_LINK_SLL_IFINDEX, 0, 3, 4, 4);
    vs_assert_item(&x->tt.t, VS_F_LINK_SLL_HALEN, 0, 6, 11, 1);
    vs_assert_item(&x->tt.t, VS_F_UDP_NATT_MARKER, 0, 0, 68, 4);
    vs_assert_item(&x->tt.t, VS_F_UDP_CHECKSUM_GOOD, 0, 1, 66, 2);
    done(x);
    trunc_check(F_SLL2_V6_NATT_IKE);
}

Test(frame, bsd_null_little_endian_ipv4_esp)
{
    fx *x = run(F_NULL_LE_V4_ESP);
    const vs_frame *f = &x->f;
    const vs_layer_kind k[] = {VS_L_NULL, VS_L_IPV4, VS_L_ESP};
    kinds(f, k, 3);
    cr_assert_eq(f->layers[0].u.link.family, 2);
    cr_assert_eq(f->layers[2].u.esp.spi, 0x1001);
    cr_assert_eq(f->layers[2].u.esp.seq, 9);
    span(f->layers[2].span, 24, 28);
    app(f, VS_APP_ESP, 24, 28);
    vs_assert_item(&x->tt.t, VS_F_LINK_NULL_FAMILY, 0, 2, 0, 4);
    vs_assert_item(&x->tt.t, VS_F_ESP_SPI, 0, 0x1001, 24, 4);
    done(x);
    trunc_check(F_NULL_LE_V4_ESP);
}

Test(frame, openbsd_loop_big_endian_ipv6_ah_then_udp)
{
    fx *x = run(F_LOOP_BE_V6_AH_UDP);
    const vs_frame *f = &x->f;
    cr_assert_eq(x->st, VS_OK);
    const vs_layer_kind k[] = {VS_L_NULL, VS_L_IPV6, VS_L_AH, VS_L_UDP};
    kinds(f, k, 4);
    cr_assert_eq(f->layers[0].u.link.family, 24);
    cr_assert_eq(f->layers[1].u.ip.proto, 51);
    cr_assert_eq(f->layers[2].u.esp.spi, 0x2000);
    cr_assert_eq(f->layers[2].u.esp.seq, 3);
    cr_assert_eq(f->layers[2].u.esp.next_header, 17);
    cr_assert_eq(f->layers[1].cksum, VS_CK_ABSENT, "IPv6 has no header checksum");
    cr_assert_eq(f->layers[3].cksum, VS_CK_ABSENT, "UDP checksum 0");
    span(f->layers[2].span, 44, 24);
    app(f, VS_APP_IKE, 76, 28);
    /* scapy leaves the UDP checksum under AH at zero: over IPv6 that is
     * reported (RFC 8200 section 8.1). */
    vs_assert_item(&x->tt.t, VS_F_UDP_CHECKSUM, 0, 0, 74, 2);
    cr_assert(vs_has_problem(&x->tt.t, VS_P_UDP_CHECKSUM_ZERO_V6));
    done(x);
    /* With the checksum scapy computes for IPv6(same addresses)/UDP(500,500)/28 x 0x66
     * (0x06b0): verified through AH with the IPv6 pseudo-header. */
    size_t n;
    uint8_t *b = vs_hex(FRAMES[F_LOOP_BE_V6_AH_UDP].hex, &n);
    b[74] = 0x06;
    b[75] = 0xb0;
    x = run_raw(108, b, n);
    free(b);
    vs_assert_item(&x->tt.t, VS_F_UDP_CHECKSUM_GOOD, 0, 1, 74, 2);
    done(x);
    trunc_check(F_LOOP_BE_V6_AH_UDP);
}

Test(frame, null_darwin_ipv6_keepalive)
{
    fx *x = run(F_NULL_V6_30);
    const vs_layer_kind k[] = {VS_L_NULL, VS_L_IPV6, VS_L_UDP, VS_L_NATT};
    kinds(&x->f, k, 4);
    cr_assert_eq(x->f.layers[0].u.link.family, 30);
    app(&x->f, VS_APP_NATT_KEEPALIVE, 52, 1);
    done(x);
    trunc_check(F_NULL_V6_30);
}

Test(frame, raw_ip_link_types_and_esp_in_udp)
{
    const int lts[] = {12, 14, 101, 228};
    for (size_t i = 0; i < 4; i++) {
        fx *x = run_lt(F_RAW_V4_UDP4500_ESP, lts[i]);
        const vs_layer_kind k[] = {VS_L_IPV4, VS_L_UDP, VS_L_NATT, VS_L_ESP};
        kinds(&x->f, k, 4);
        cr_assert_eq(x->f.layers[2].u.natt.kind, VS_NATT_ESP);
        cr_assert_eq(x->f.layers[3].u.esp.spi, 0xc0ffee01);
        cr_assert_eq(x->f.layers[3].u.esp.seq, 2);
        span(x->f.layers[3].span, 28, 32);
        app(&x->f, VS_APP_ESP, 28, 32);
        cr_assert_eq(x->st, VS_OK);
        done(x);
    }
    fx *x = run_lt(F_RAW_V4_UDP4500_ESP, 229); /* IPv6 link type, IPv4 inside */
    cr_assert_eq(x->st, VS_MALFORMED);
    cr_assert_eq(x->f.reason, VS_FR_IP_VERSION);
    cr_assert(vs_has_problem(&x->tt.t, VS_P_LINK_VERSION_MISMATCH));
    done(x);
    trunc_check(F_RAW_V4_UDP4500_ESP);
}

Test(frame, raw_ipv6_gre_ipv4_icmp_is_other)
{
    fx *x = run(F_RAW_V6_GRE_V4);
    const vs_layer_kind k[] = {VS_L_IPV6, VS_L_GRE, VS_L_IPV4};
    kinds(&x->f, k, 3);
    cr_assert_eq(x->f.app, VS_APP_OTHER);
    cr_assert_eq(x->f.reason, VS_FR_IP_PROTO);
    cr_assert_eq(x->f.detail, 1);
    span(x->f.app_span, 64, 8);
    cr_assert_eq(x->f.ip_depth, 2);
    done(x);
    x = run_lt(F_RAW_V6_GRE_V4, 101);
    kinds(&x->f, k, 3);
    done(x);
    trunc_check(F_RAW_V6_GRE_V4);
}

Test(frame, ethernet_padding_is_a_trailer_not_payload)
{
    fx *x = run(F_ETH_PAD_KA);
    cr_assert_eq(x->st, VS_OK);
    span(x->f.layers[1].span, 14, 29);
    app(&x->f, VS_APP_NATT_KEEPALIVE, 42, 1);
    span(x->f.trailer, 43, 17);
    vs_assert_item(&x->tt.t, VS_F_LINK_TRAILER, 0, 17, 43, 17);
    done(x);
}

Test(frame, nesting_is_bounded_and_reported)
{
    fx *x = run(F_ETH_DEEP);
    const vs_frame *f = &x->f;
    const vs_layer_kind k[] = {VS_L_ETH,  VS_L_IPV4, VS_L_GRE, VS_L_IPV4, VS_L_GRE,
                               VS_L_IPV4, VS_L_GRE,  VS_L_IPV4, VS_L_GRE};
    kinds(f, k, 9);
    cr_assert_eq(f->ip_depth, VS_FRAME_MAX_IP_DEPTH);
    cr_assert_eq(f->reason, VS_FR_DEPTH_LIMIT);
    app(f, VS_APP_INNER_IP, 110, 28);
    cr_assert(vs_has_problem(&x->tt.t, VS_P_LINK_DEPTH));
    cr_assert_eq(memcmp(f->layers[7].u.ip.src, "\x01\x00\x00\x04", 4), 0);
    done(x);
    trunc_check(F_ETH_DEEP);
}

Test(frame, gre_keepalive)
{
    fx *x = run(F_ETH_GRE_KEEPALIVE);
    const vs_layer_kind k[] = {VS_L_ETH, VS_L_IPV4, VS_L_GRE, VS_L_IPV4, VS_L_GRE};
    kinds(&x->f, k, 5);
    cr_assert_eq(x->f.layers[4].u.gre.proto, 0);
    cr_assert_eq(x->f.app, VS_APP_OTHER);
    cr_assert_eq(x->f.reason, VS_FR_GRE_KEEPALIVE);
    span(x->f.app_span, 70, 0);
    cr_assert_str_eq(vs_frame_reason_name(x->f.reason), "GRE keepalive");
    done(x);
    trunc_check(F_ETH_GRE_KEEPALIVE);
}

Test(frame, cisco_metadata_in_gre)
{
    fx *x = run(F_ETH_GRE_CMD);
    const vs_layer_kind k[] = {VS_L_ETH, VS_L_IPV4, VS_L_GRE, VS_L_CMD, VS_L_IPV4};
    kinds(&x->f, k, 5);
    cr_assert_eq(x->f.layers[3].u.cmd.ethertype, 0x0800);
    cr_assert_eq(x->f.layers[3].u.cmd.sgt, 7);
    cr_assert_eq(memcmp(x->f.layers[4].u.ip.src, "\xac\x11\x01\x01", 4), 0);
    cr_assert_eq(x->f.reason, VS_FR_IP_PROTO);
    done(x);
    trunc_check(F_ETH_GRE_CMD);
}

Test(frame, transparent_ethernet_in_gre)
{
    fx *x = run(F_ETH_GRE_TEB);
    const vs_layer_kind k[] = {VS_L_ETH, VS_L_IPV4, VS_L_GRE, VS_L_ETH, VS_L_IPV4, VS_L_UDP};
    kinds(&x->f, k, 6);
    app(&x->f, VS_APP_IKE, 80, 28);
    done(x);
    trunc_check(F_ETH_GRE_TEB);
}

Test(frame, non_first_fragment_stops_the_walk)
{
    fx *x = run(F_ETH_FRAG2);
    const vs_layer_kind k[] = {VS_L_ETH, VS_L_IPV4};
    kinds(&x->f, k, 2);
    cr_assert(x->f.layers[1].u.ip.fragment);
    cr_assert_eq(x->f.layers[1].u.ip.frag_off, 185);
    cr_assert_eq(x->f.layers[1].u.ip.frag_id, 0x4444);
    cr_assert_eq(x->f.reason, VS_FR_FRAGMENT);
    app(&x->f, VS_APP_FRAGMENT, 34, 20);
    done(x);
}

Test(frame, not_ip_and_other_protocols)
{
    fx *x = run(F_ETH_ARP);
    cr_assert_eq(x->f.reason, VS_FR_NOT_IP);
    cr_assert_eq(x->f.detail, 0x0806);
    cr_assert_eq(x->f.app, VS_APP_NONE);
    cr_assert_eq(x->st, VS_OK);
    cr_assert_str_eq(vs_frame_reason_name(x->f.reason), "not IP");
    done(x);
    x = run(F_ETH_TCP);
    cr_assert_eq(x->f.app, VS_APP_OTHER);
    cr_assert_eq(x->f.reason, VS_FR_IP_PROTO);
    cr_assert_eq(x->f.detail, 6);
    done(x);
    /* 802.3 length field: LLC follows, not IP. */
    uint8_t b[60] = {0};
    b[12] = 0x00;
    b[13] = 0x26;
    x = run_raw(1, b, sizeof b);
    cr_assert_eq(x->f.reason, VS_FR_NOT_IP);
    vs_assert_item(&x->tt.t, VS_F_LINK_ETH_LEN, 0, 0x26, 12, 2);
    done(x);
}

Test(frame, unknown_link_type_has_a_named_reason)
{
    const uint8_t b[] = {1, 2, 3, 4};
    fx *x = run_raw(147, b, sizeof b);
    cr_assert_eq(x->f.reason, VS_FR_LINKTYPE_UNSUPPORTED);
    cr_assert_eq(x->f.detail, 147);
    cr_assert_eq(x->f.n_layers, 0);
    cr_assert_eq(x->f.app, VS_APP_NONE);
    cr_assert_str_eq(vs_frame_reason_name(x->f.reason), "link type not supported");
    cr_assert(vs_has_problem(&x->tt.t, VS_P_LINK_UNSUPPORTED));
    done(x);
}

Test(frame, unknown_loopback_family_and_bad_raw_version)
{
    const uint8_t b[] = {7, 0, 0, 0, 0x45, 0};
    fx *x = run_raw(0, b, sizeof b);
    cr_assert_eq(x->f.reason, VS_FR_NULL_FAMILY);
    cr_assert_eq(x->f.detail, 7);
    done(x);
    const uint8_t r[] = {0x55, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
    x = run_raw(101, r, sizeof r);
    cr_assert_eq(x->f.reason, VS_FR_IP_VERSION);
    cr_assert_eq(x->f.detail, 5);
    cr_assert_eq(x->st, VS_MALFORMED);
    done(x);
}

Test(frame, udp_length_contradiction_stops_with_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(FRAMES[F_ETH_QINQ_UDP500].hex, &n);
    b[47] = 0x40; /* UDP length 64 > IP payload 36 */
    fx *x = run_raw(1, b, n);
    free(b);
    cr_assert_eq(x->st, VS_MALFORMED);
    cr_assert_eq(x->f.reason, VS_FR_MALFORMED);
    cr_assert_eq(x->f.app, VS_APP_NONE);
    cr_assert_eq(x->f.layers[4].status, VS_MALFORMED);
    done(x);
}

Test(frame, snaplen_cut_keeps_outer_layers)
{
    size_t n;
    uint8_t *b = vs_hex(FRAMES[F_SLL_GRE_GRE_NHRP].hex, &n);
    vs_frame f;
    cr_assert_eq(vs_frame_decode(113, b, 70, n, NULL, &f), VS_TRUNCATED);
    cr_assert_eq(f.n_layers, 5, "the inner GRE header (64..72) is cut but started");
    cr_assert_eq(f.reason, VS_FR_TRUNCATED);
    cr_assert_eq(vs_frame_decode(113, b, 60, n, NULL, &f), VS_TRUNCATED);
    cr_assert_eq(f.n_layers, 4);
    cr_assert_eq(f.layers[3].kind, VS_L_IPV4);
    cr_assert_eq(f.layers[2].u.gre.key, 1001);
    free(b);
}

Test(frame, many_vlan_tags_are_bounded)
{
    uint8_t b[14 + 4 * 60 + 20];
    memset(b, 0, sizeof b);
    b[12] = 0x81;
    for (int i = 0; i < 60; i++) {
        b[14 + 4 * i + 2] = i == 59 ? 0x08 : 0x81;
        b[14 + 4 * i + 1] = (uint8_t)i;
    }
    fx *x = run_raw(1, b, sizeof b);
    cr_assert_eq(x->f.n_layers, VS_FRAME_MAX_LAYERS);
    cr_assert_gt(x->f.n_layers_total, VS_FRAME_MAX_LAYERS);
    cr_assert_eq(x->f.reason, VS_FR_LAYER_LIMIT);
    cr_assert(vs_has_problem(&x->tt.t, VS_P_LINK_TOO_MANY_LAYERS));
    done(x);
}

Test(frame, metadata_in_metadata_loop_is_bounded)
{
    /* IPv4 / GRE 0x8909 / CMD(0x8909) / CMD(0x8909) / ... */
    uint8_t b[20 + 4 + 8 * 80];
    memset(b, 0, sizeof b);
    b[0] = 0x45;
    b[2] = (uint8_t)(sizeof b >> 8);
    b[3] = (uint8_t)(sizeof b & 0xff);
    b[9] = 47;
    b[22] = 0x89;
    b[23] = 0x09;
    for (int i = 0; i < 80; i++) {
        b[24 + 8 * i] = 0x89;
        b[24 + 8 * i + 1] = 0x09;
    }
    fx *x = run_raw(228, b, sizeof b);
    cr_assert_eq(x->f.reason, VS_FR_LAYER_LIMIT);
    cr_assert_eq(x->f.n_layers, VS_FRAME_MAX_LAYERS);
    done(x);
}

Test(frame, names_for_every_enum)
{
    for (int k = VS_L_NULL; k <= VS_L_AH; k++)
        cr_assert_str_neq(vs_layer_kind_name((vs_layer_kind)k), "?");
    for (int a = VS_APP_NONE; a <= VS_APP_OTHER; a++)
        cr_assert_str_neq(vs_app_kind_name((vs_app_kind)a), "?");
    for (int r = VS_FR_APP; r <= VS_FR_MALFORMED; r++)
        cr_assert_str_neq(vs_frame_reason_name((vs_frame_reason)r), "?");
    cr_assert_str_eq(vs_app_kind_name(VS_APP_NATT_KEEPALIVE), "nat-keepalive");
}

Test(frame, checksum_verdicts_per_layer)
{
    size_t n;
    uint8_t *b = vs_hex(FRAMES[F_ETH_QINQ_UDP500].hex, &n);
    b[33] ^= 1; /* IPv4 header checksum */
    b[60] ^= 1; /* UDP payload */
    fx *x = run_raw(1, b, n);
    cr_assert_eq(x->f.layers[3].cksum, VS_CK_BAD);
    cr_assert_eq(x->f.layers[4].cksum, VS_CK_BAD);
    done(x);
    vs_frame f;
    cr_assert_eq(vs_frame_decode(1, b, 70, n, NULL, &f), VS_TRUNCATED);
    cr_assert_eq(f.layers[3].cksum, VS_CK_BAD, "the IPv4 header is all here");
    cr_assert_eq(f.layers[4].cksum, VS_CK_UNVERIFIED, "the datagram is cut");
    free(b);
}

/* ---- the fast path (Ethernet / IPv4 / ESP without a tree) ---------------- */

#include "../../dissectors/core/src/frame_int.h"

/* A field added to vs_frame or vs_layer must be filled by the fast path too
 * (frame.c) and compared here: these sizes change with it (64-bit hosts). */
_Static_assert(sizeof(void *) != 8 || (offsetof(vs_frame, layers) == 104 && sizeof(vs_layer) == 64),
               "vs_frame / vs_layer changed: update vs__frame_fast_esp and same_frame");

/* Every field of two frames, and their layers byte for byte (both paths
 * clear a layer whole before filling it). */
static void same_frame(const vs_frame *a, const vs_frame *b, const char *what)
{
    cr_assert_eq(a->linktype, b->linktype, "%s", what);
    cr_assert_eq(a->status, b->status, "%s", what);
    cr_assert_eq(a->reason, b->reason, "%s", what);
    cr_assert_eq(a->app, b->app, "%s", what);
    cr_assert_eq(a->detail, b->detail, "%s", what);
    cr_assert_eq(a->app_span.off, b->app_span.off, "%s", what);
    cr_assert_eq(a->app_span.len, b->app_span.len, "%s", what);
    cr_assert_eq(a->app_cur.buf, b->app_cur.buf, "%s", what);
    cr_assert_eq(a->app_cur.pos, b->app_cur.pos, "%s", what);
    cr_assert_eq(a->app_cur.end, b->app_cur.end, "%s", what);
    cr_assert_eq(a->app_cur.cap, b->app_cur.cap, "%s", what);
    cr_assert_eq(a->app_cur.status, b->app_cur.status, "%s", what);
    cr_assert_eq(a->n_layers, b->n_layers, "%s", what);
    cr_assert_eq(a->n_layers_total, b->n_layers_total, "%s", what);
    cr_assert_eq(a->ip_depth, b->ip_depth, "%s", what);
    cr_assert_eq(a->trailer.off, b->trailer.off, "%s", what);
    cr_assert_eq(a->trailer.len, b->trailer.len, "%s", what);
    for (size_t i = 0; i < b->n_layers; i++)
        cr_assert(memcmp(&a->layers[i], &b->layers[i], sizeof b->layers[i]) == 0,
                  "%s: layer %zu (kind %d / %d) differs", what, i, a->layers[i].kind,
                  b->layers[i].kind);
}

/* Whenever the fast path takes a frame, its result is the walk's, field by
 * field (the walk run with a tree, which the fast path never takes). */
static bool fast_equals_walk(const uint8_t *b, size_t caplen, size_t wirelen, const char *what)
{
    static vs_frame fast, walk, plain;
    memset(&fast, 0xA5, sizeof fast);
    memset(&walk, 0x5A, sizeof walk);
    if (!vs__frame_fast_esp(VS_LINKTYPE_ETHERNET, b, caplen, wirelen, &fast))
        return false;
    static vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_status st = vs_frame_decode(VS_LINKTYPE_ETHERNET, b, caplen, wirelen, &tt.t, &walk);
    cr_assert_eq(st, VS_OK, "%s: the fast path took a frame the walk finds %d", what, st);
    same_frame(&fast, &walk, what);
    /* and what the analyzer gets without a tree is the same again */
    memset(&plain, 0x3C, sizeof plain);
    cr_assert_eq(vs_frame_decode(VS_LINKTYPE_ETHERNET, b, caplen, wirelen, NULL, &plain), VS_OK);
    same_frame(&plain, &walk, what);
    return true;
}

/* Ethernet [802.1Q vlan] / IPv4 / [UDP natt_port -> 4500] / ESP of esp_len bytes */
static size_t esp_frame(uint8_t *b, size_t esp_len, uint16_t ff, bool fix_cksum, int vlan, bool natt)
{
    static const uint8_t eth[12] = {0, 1, 2, 3, 4, 5, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15};
    memcpy(b, eth, 12);
    size_t o = 12;
    if (vlan >= 0) { /* 802.1Q: TPID, PCP 5 DEI 1 and the VLAN id */
        const uint8_t tag[4] = {0x81, 0x00, (uint8_t)(0xB0 | (vlan >> 8)), (uint8_t)vlan};
        memcpy(b + o, tag, 4);
        o += 4;
    }
    b[o++] = 0x08;
    b[o++] = 0x00;
    uint8_t *ip = b + o;
    size_t ul = natt ? 8 : 0;
    size_t tl = 20 + ul + esp_len;
    const uint8_t h[20] = {0x45, 0x10, (uint8_t)(tl >> 8), (uint8_t)tl, 0xbe, 0xef,
                           (uint8_t)(ff >> 8), (uint8_t)ff, 64, natt ? 17 : 50, 0, 0, 192, 0, 2, 1,
                           198, 51, 100, 7};
    memcpy(ip, h, 20);
    if (natt) {
        const uint8_t uh[8] = {0x11, 0x94, 0x11, 0x94, (uint8_t)((tl - 20) >> 8), (uint8_t)(tl - 20), 0, 0};
        memcpy(ip + 20, uh, 8);
    }
    for (size_t i = 0; i < esp_len; i++)
        ip[20 + ul + i] = (uint8_t)(0x31 + i * 13);
    if (fix_cksum) {
        uint16_t ck = vs_inet_fold(vs_inet_sum(ip, 20, 0));
        ip[10] = (uint8_t)(ck >> 8);
        ip[11] = (uint8_t)ck;
    }
    return o + tl;
}

Test(frame, fast_path_equals_the_walk)
{
    static uint8_t b[2048];
    unsigned taken = 0, tried = 0;
    char what[112];
    for (int shape = 0; shape < 4; shape++) {
        int vlan = shape & 1 ? 0x123 : -1;
        bool natt = shape & 2;
        size_t l2 = vlan >= 0 ? 18 : 14; /* where IPv4 starts */
        size_t hl = l2 + 20 + (natt ? 8 : 0) + 8; /* through the ESP header */
        /* valid frames: every ESP length from none to 300 bytes, DF or not */
        for (size_t el = 0; el <= 300; el++)
            for (int df = 0; df < 2; df++) {
                size_t n = esp_frame(b, el, df ? 0x4000 : 0, true, vlan, natt);
                snprintf(what, sizeof what, "vlan %d natt %d esp_len %zu df %d", vlan, natt, el, df);
                bool took = fast_equals_walk(b, n, n, what);
                tried++;
                taken += took;
                cr_assert_eq(took, el >= 8, "%s: a whole ESP header is what the fast path takes", what);
                /* the same frame cut by the capture, or with a longer wire length, or
                 * with bytes after the packet (FCS), is the walk's */
                if (el == 40) {
                    for (size_t cut = 0; cut < n; cut++)
                        cr_assert(!fast_equals_walk(b, cut, n, "cut"), "cut at %zu", cut);
                    cr_assert(!fast_equals_walk(b, n, n + 1, "wire"));
                    cr_assert(!fast_equals_walk(b, n + 4, n + 4, "fcs"));
                    /* a wire length below the captured one is taken as the captured one */
                    cr_assert(fast_equals_walk(b, n, n - 1, "wire shorter than captured"));
                }
            }
        /* every header byte changed (IPv4 checksum fixed again, and not):
         * whatever the fast path still takes, it decodes as the walk does */
        static const uint8_t vals[] = {0x00, 0x01, 0x08, 0x11, 0x20, 0x2f, 0x32, 0x40, 0x45, 0x46,
                                       0x4f, 0x80, 0x81, 0x86, 0x88, 0x94, 0xa8, 0xbf, 0xdd, 0xff};
        for (size_t pos = 0; pos < hl; pos++)
            for (size_t v = 0; v < sizeof vals; v++)
                for (int fix = 0; fix < 2; fix++) {
                    size_t n = esp_frame(b, 64, 0x4000, true, vlan, natt);
                    b[pos] = vals[v];
                    size_t ck = l2 + 10;
                    if (fix && pos >= l2 && pos < l2 + 20 && pos != ck && pos != ck + 1) {
                        b[ck] = b[ck + 1] = 0;
                        uint16_t c = vs_inet_fold(vs_inet_sum(b + l2, 20, 0));
                        b[ck] = (uint8_t)(c >> 8);
                        b[ck + 1] = (uint8_t)c;
                    }
                    snprintf(what, sizeof what, "vlan %d natt %d byte %zu = 0x%02x, checksum %s", vlan,
                             natt, pos, vals[v], fix ? "fixed" : "as is");
                    tried++;
                    taken += fast_equals_walk(b, n, n, what);
                }
        /* the flags and fragment offset word: only 0 and DF are plain packets */
        for (unsigned ff = 0; ff < 0x10000; ff += 0x0fff) {
            size_t n = esp_frame(b, 64, (uint16_t)ff, true, vlan, natt);
            snprintf(what, sizeof what, "vlan %d natt %d flags/offset 0x%04x", vlan, natt, ff);
            bool took = fast_equals_walk(b, n, n, what);
            cr_assert_eq(took, ff == 0 || ff == 0x4000, "%s", what);
        }
    }
    /* every VLAN id and priority comes through as the walk reads it */
    for (int id = 0; id < 0x1000; id += 0x0ff) {
        size_t n = esp_frame(b, 64, 0, true, id, false);
        b[14] = (uint8_t)(b[14] ^ 0xE0); /* other PCP / DEI bits */
        snprintf(what, sizeof what, "vlan id %d", id);
        cr_assert(fast_equals_walk(b, n, n, what), "%s", what);
    }
    /* UDP: which port pairs are ESP in UDP 4500 (the walk looks at the
     * destination first: 500 there is IKE, 848 GDOI), a checksum to verify,
     * the non-ESP marker (IKE), a length that is not the packet's */
    static const struct { unsigned sport, dport; bool esp; } ports[] = {
        {4500, 4500, true}, {500, 4500, true}, {1234, 4500, true}, {4500, 1234, true},
        {4500, 500, false}, {4500, 848, false}, {1234, 1234, false}, {500, 500, false}};
    for (size_t k = 0; k < sizeof ports / sizeof ports[0]; k++) {
        size_t n = esp_frame(b, 64, 0, true, -1, true);
        b[34] = (uint8_t)(ports[k].sport >> 8), b[35] = (uint8_t)ports[k].sport;
        b[36] = (uint8_t)(ports[k].dport >> 8), b[37] = (uint8_t)ports[k].dport;
        snprintf(what, sizeof what, "ports %u -> %u", ports[k].sport, ports[k].dport);
        cr_assert_eq(fast_equals_walk(b, n, n, what), ports[k].esp, "%s", what);
    }
    size_t n = esp_frame(b, 64, 0, true, -1, true);
    b[40] = 0x12; /* a UDP checksum: the walk verifies it */
    cr_assert(!fast_equals_walk(b, n, n, "udp checksum"));
    n = esp_frame(b, 64, 0, true, -1, true);
    memset(b + 42, 0, 4); /* non-ESP marker: IKE */
    cr_assert(!fast_equals_walk(b, n, n, "marker"));
    n = esp_frame(b, 64, 0, true, -1, true);
    b[39] = (uint8_t)(b[39] - 1); /* UDP length one short: surplus byte */
    cr_assert(!fast_equals_walk(b, n, n, "udp length"));
    cr_log_info("fast path: %u of %u frames taken, all equal to the walk", taken, tried);
    cr_assert_gt(taken, 2400u);
    cr_assert_lt(taken, tried);
}
