/* Measured overhead on hand-built frames (raw IPv4 link type): byte counts
 * and spans of every part, and the tunnel-type classification. */
#include <criterion/criterion.h>
#include <string.h>

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

static size_t gre_key(uint8_t *p, uint16_t proto)
{
    const uint8_t g[] = {0x20, 0x00, (uint8_t)(proto >> 8), (uint8_t)proto, 0, 0, 0, 7};
    memcpy(p, g, 8);
    return 8;
}

/* Inner host packet: 28 bytes (IPv4 + 8 bytes ICMP echo). */
static size_t host_pkt(uint8_t *p, const uint8_t src[4], const uint8_t dst[4])
{
    ipv4(p, 1, 28, src, dst);
    const uint8_t icmp[] = {8, 0, 0xf7, 0xfe, 0, 1, 0, 0};
    memcpy(p + 20, icmp, 8);
    return 28;
}

static const uint8_t A[4] = {192, 0, 2, 1}, B[4] = {198, 51, 100, 2};
static const uint8_t H1[4] = {10, 1, 1, 10}, H2[4] = {10, 2, 2, 20};

static void measure(const uint8_t *pkt, size_t len, const vs_esp_plain *dec,
                    const vs_encap_plan *x, vs_overhead_measure *m)
{
    vs_frame f;
    vs_frame_decode(VS_LINKTYPE_RAW, pkt, len, len, NULL, &f);
    cr_assert(vs_overhead_measure_frame(&f, dec, x, m), "no tunnel found");
}

Test(overhead_measure, plain_gre)
{
    uint8_t pkt[64];
    size_t n = 20;
    n += gre_key(pkt + n, 0x0800);
    n += host_pkt(pkt + n, H1, H2);
    ipv4(pkt, 47, n, A, B);
    vs_overhead_measure m;
    measure(pkt, n, NULL, NULL, &m);
    cr_assert_eq(m.type, VS_TUN_PLAIN_GRE);
    cr_assert_eq(m.exact, 1);
    cr_assert_eq(m.bytes.outer_ip, 20);
    cr_assert_eq(m.bytes.gre, 8);
    cr_assert_eq(m.bytes.inner, 28);
    cr_assert_eq(m.bytes.total, 56);
    cr_assert_eq(m.bytes.overhead, 28);
    cr_assert_eq(m.s_gre.off, 20);
    cr_assert_eq(m.s_gre.len, 8);
    cr_assert_eq(m.s_inner.off, 28);
    cr_assert_eq(m.s_inner.len, 28);

    vs_test_tree tt;
    vs_test_tree_init(&tt, pkt);
    vs_overhead_to_tree(&tt.t, &m);
    vs_assert_item(&tt.t, VS_F_OH_TYPE, 0, VS_TUN_PLAIN_GRE, 0, 56);
    vs_assert_item(&tt.t, VS_F_OH_GRE, 0, 8, 20, 8);
    vs_assert_item(&tt.t, VS_F_OH_INNER, 0, 28, 28, 28);
    vs_assert_item(&tt.t, VS_F_OH_BYTES, 0, 28, 0, 56);
}

/* ESP with 3DES (8-byte IV) and HMAC-MD5-96 (12-byte ICV); the ciphertext
 * bytes are arbitrary, the plaintext is handed over as if decrypted. */
static size_t esp_frame(uint8_t *pkt, size_t plen, bool natt)
{
    size_t n = 20;
    if (natt) {
        const uint8_t udp[] = {0x11, 0x94, 0x11, 0x94, 0, 0, 0, 0};
        memcpy(pkt + n, udp, 8);
        n += 8;
    }
    const uint8_t esp[] = {0xca, 0xfe, 0xf0, 0x0d, 0, 0, 0, 1};
    memcpy(pkt + n, esp, 8);
    n += 8;
    memset(pkt + n, 0xA5, 8 + plen + 12); /* IV, ciphertext, ICV */
    n += 8 + plen + 12;
    if (natt) {
        pkt[20 + 4] = (uint8_t)((n - 20) >> 8);
        pkt[20 + 5] = (uint8_t)(n - 20);
    }
    ipv4(pkt, natt ? 17 : 50, n, A, B);
    return n;
}

static size_t trailer(uint8_t *p, size_t len, size_t block, uint8_t nh)
{
    size_t pad = (block - (len + 2) % block) % block;
    for (size_t i = 0; i < pad; i++)
        p[len + i] = (uint8_t)(i + 1);
    p[len + pad] = (uint8_t)pad;
    p[len + pad + 1] = nh;
    return len + pad + 2;
}

Test(overhead_measure, gre_ipsec_transport_decrypted)
{
    uint8_t plain[128], pkt[256];
    size_t pl = gre_key(plain, 0x0800);
    pl += host_pkt(plain + pl, H1, H2);    /* 36 */
    pl = trailer(plain, pl, 8, 47);        /* 36 + 2 pad + 2 = 40 */
    cr_assert_eq(pl, 40);
    size_t n = esp_frame(pkt, pl, false);
    vs_esp_plain dec = {plain, pl, 8, 12};
    vs_overhead_measure m;
    measure(pkt, n, &dec, NULL, &m);
    cr_assert_eq(m.type, VS_TUN_GRE_IPSEC_TRANSPORT);
    cr_assert_eq(m.exact, 1);
    cr_assert_eq(m.spi, 0xcafef00d);
    cr_assert_eq(m.bytes.total, 20 + 8 + 8 + 40 + 12);
    cr_assert_eq(m.bytes.gre, 8);
    cr_assert_eq(m.bytes.inner, 28);
    cr_assert_eq(m.bytes.padding, 2);
    cr_assert_eq(m.bytes.trailer, 2);
    cr_assert_eq(m.bytes.iv, 8);
    cr_assert_eq(m.bytes.icv, 12);
    cr_assert_eq(m.bytes.overhead, 88 - 28);
    cr_assert_eq(m.s_iv.off, 28);
    cr_assert_eq(m.s_gre.off, 36);
    cr_assert_eq(m.s_inner.off, 44);
    cr_assert_eq(m.s_padding.off, 72);
    cr_assert_eq(m.s_trailer.off, 74);
    cr_assert_eq(m.s_icv.off, 76);
    cr_assert_eq(m.s_icv.len, 12);
    /* The calculator agrees with the measurement for the same transform. */
    vs_encap_plan p;
    cr_assert_eq(vs_plan_parse("gre-key transport", "esp-3des esp-md5-hmac", &p, NULL, 0), 0);
    vs_overhead o;
    vs_overhead_calc(&p, 28, &o);
    cr_assert_eq(o.total, m.bytes.total);
    cr_assert_eq(o.padding, m.bytes.padding);
}

Test(overhead_measure, gre_ipsec_tunnel_and_getvpn_and_svti)
{
    uint8_t plain[128], pkt[256];
    /* Tunnel mode carrying a GRE packet. */
    size_t pl = 20;
    pl += gre_key(plain + pl, 0x0800);
    pl += host_pkt(plain + pl, H1, H2);
    ipv4(plain, 47, pl, A, B);
    pl = trailer(plain, pl, 8, 4); /* 56 + 6 + 2 = 64 */
    cr_assert_eq(pl, 64);
    size_t n = esp_frame(pkt, pl, false);
    vs_esp_plain dec = {plain, pl, 8, 12};
    vs_overhead_measure m;
    measure(pkt, n, &dec, NULL, &m);
    cr_assert_eq(m.type, VS_TUN_GRE_IPSEC_TUNNEL);
    cr_assert_eq(m.bytes.gre_ip, 20);
    cr_assert_eq(m.bytes.gre, 8);
    cr_assert_eq(m.bytes.inner, 28);
    cr_assert_eq(m.bytes.padding, 6);

    /* Header preservation: the inner packet has the outer addresses. */
    pl = host_pkt(plain, A, B);
    pl = trailer(plain, pl, 8, 4);
    n = esp_frame(pkt, pl, false);
    dec.plain_len = pl;
    measure(pkt, n, &dec, NULL, &m);
    cr_assert_eq(m.type, VS_TUN_GETVPN);

    /* S-VTI / crypto map: other inner addresses, no GRE. */
    pl = host_pkt(plain, H1, H2);
    pl = trailer(plain, pl, 8, 4);
    n = esp_frame(pkt, pl, false);
    dec.plain_len = pl;
    measure(pkt, n, &dec, NULL, &m);
    cr_assert_eq(m.type, VS_TUN_IPSEC_TUNNEL);
    cr_assert_eq(m.bytes.inner, 28);
    cr_assert_eq(m.bytes.gre, 0);
}

Test(overhead_measure, natt_without_keys_is_partial)
{
    uint8_t plain[64], pkt[256];
    size_t pl = trailer(plain, host_pkt(plain, H1, H2), 8, 4);
    size_t n = esp_frame(pkt, pl, true);
    vs_overhead_measure m;
    measure(pkt, n, NULL, NULL, &m);
    cr_assert(m.natt);
    cr_assert_eq(m.type, VS_TUN_IPSEC_UNKNOWN);
    cr_assert_eq(m.exact, 2);
    cr_assert_eq(m.bytes.udp, 8);
    cr_assert_eq(m.s_udp.off, 20);
    cr_assert_eq(m.encrypted, 8 + pl + 12, "IV + ciphertext + ICV unsplit");
    /* With the transform known, IV and ICV are split off. */
    vs_encap_plan x;
    cr_assert_eq(vs_plan_parse("tunnel nat-t", "esp-3des esp-md5-hmac", &x, NULL, 0), 0);
    measure(pkt, n, NULL, &x, &m);
    cr_assert_eq(m.type, VS_TUN_IPSEC_TUNNEL);
    cr_assert_eq(m.bytes.iv, 8);
    cr_assert_eq(m.bytes.icv, 12);
    cr_assert_eq(m.encrypted, pl);
}

Test(overhead_measure, no_tunnel)
{
    uint8_t pkt[64];
    size_t n = host_pkt(pkt, H1, H2);
    vs_frame f;
    vs_frame_decode(VS_LINKTYPE_RAW, pkt, n, n, NULL, &f);
    vs_overhead_measure m;
    cr_assert_not(vs_overhead_measure_frame(&f, NULL, NULL, &m));
}
