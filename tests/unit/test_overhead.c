/* Overhead arithmetic: RFC 4303/4302/2784/2890/3948 by hand, per transform. */
#include <criterion/criterion.h>

#include "vpnscope/overhead.h"

static vs_encap_plan plan(const char *encap, const char *xf)
{
    vs_encap_plan p;
    char err[128];
    int rc = vs_plan_parse(encap, xf, &p, err, sizeof err);
    cr_assert_eq(rc, 0, "parse '%s' / '%s': %s", encap, xf, err);
    return p;
}

/* The seed's example: an EIGRP hello (60-byte IP packet) in GRE with a tunnel
 * key is an 88-byte GRE packet (20 IP + 8 GRE + 60). Exact RFC 4303 figures
 * with esp-3des esp-md5-hmac (8-byte IV, 8-byte block, 12-byte ICV):
 *  tunnel mode:  20 + 8 ESP + 8 IV + [20+8+60 = 88, +2 trailer = 90 -> pad 6] + 12 = 144
 *  transport:    20 + 8 + 8 + [8+60 = 68, +2 = 70 -> pad 2] + 12 = 120
 *  S-VTI:        20 + 8 + 8 + [60, +2 = 62 -> pad 2] + 12 = 112
 * docs/overhead.md explains why the seed's 140/124/116 differ. */
Test(overhead, seed_eigrp_hello_gre_3des_md5)
{
    vs_overhead o;
    vs_encap_plan gre = plan("gre-key", "");
    vs_overhead_calc(&gre, 60, &o);
    cr_assert_eq(o.total, 88);
    cr_assert_eq(o.gre, 8);
    cr_assert_eq(o.outer_ip, 20);

    vs_encap_plan tun = plan("gre-key tunnel", "esp-3des esp-md5-hmac");
    vs_overhead_calc(&tun, 60, &o);
    cr_assert_eq(o.total, 144);
    cr_assert_eq(o.padding, 6);
    cr_assert_eq(o.iv, 8);
    cr_assert_eq(o.icv, 12);
    cr_assert_eq(o.gre_ip, 20);
    cr_assert_eq(o.overhead, 84);

    vs_encap_plan tr = plan("gre-key transport", "esp-3des esp-md5-hmac");
    vs_overhead_calc(&tr, 60, &o);
    cr_assert_eq(o.total, 120);
    cr_assert_eq(o.padding, 2);
    cr_assert_eq(o.gre_ip, 0);

    vs_encap_plan vti = plan("svti", "esp-3des esp-md5-hmac");
    vs_overhead_calc(&vti, 60, &o);
    cr_assert_eq(o.total, 112);
    cr_assert_eq(o.padding, 2);
    cr_assert_eq(o.gre, 0);
}

Test(overhead, padding_to_block_for_every_cbc_cipher)
{
    /* AES-CBC: 16-byte block and IV; for inner sizes 0..64 the padded body
     * (inner + 2 + pad) is a multiple of 16 and pad < 16. */
    vs_encap_plan p = plan("tunnel", "esp-aes 256 esp-sha-hmac");
    for (uint32_t n = 0; n <= 64; n++) {
        vs_overhead o;
        vs_overhead_calc(&p, n, &o);
        cr_assert_eq((n + 2 + o.padding) % 16, 0, "inner %u", n);
        cr_assert_lt(o.padding, 16);
        cr_assert_eq(o.total, 20 + 8 + 16 + n + o.padding + 2 + 12);
    }
    /* 3DES and DES: 8-byte block. */
    p = plan("tunnel", "esp-des esp-sha-hmac");
    for (uint32_t n = 0; n <= 32; n++) {
        vs_overhead o;
        vs_overhead_calc(&p, n, &o);
        cr_assert_eq((n + 2 + o.padding) % 8, 0);
    }
}

Test(overhead, aead_and_null_pad_to_four)
{
    vs_overhead o;
    vs_encap_plan gcm = plan("tunnel", "esp-gcm 256");
    vs_overhead_calc(&gcm, 100, &o);
    /* 100 + 2 = 102 -> pad 2 to 104; IV 8; ICV 16 (RFC 4106). */
    cr_assert_eq(o.padding, 2);
    cr_assert_eq(o.iv, 8);
    cr_assert_eq(o.icv, 16);
    cr_assert_eq(o.total, 20 + 8 + 8 + 100 + 2 + 2 + 16);

    vs_encap_plan nul = plan("tunnel", "esp-null esp-sha256-hmac");
    vs_overhead_calc(&nul, 101, &o);
    cr_assert_eq(o.padding, 1); /* 103 -> 104 */
    cr_assert_eq(o.iv, 0);
    cr_assert_eq(o.icv, 16);
}

Test(overhead, integrity_lengths)
{
    const char *names[] = {"esp-md5-hmac", "esp-sha-hmac", "esp-sha256-hmac", "esp-sha384-hmac",
                           "esp-sha512-hmac", "esp-aes-xcbc-mac"};
    const uint8_t icv[] = {12, 12, 16, 24, 32, 12};
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(vs_integ_find(names[i])->icv, icv[i], "%s", names[i]);
}

Test(overhead, natt_adds_udp_header)
{
    vs_overhead a, b;
    vs_encap_plan p = plan("gre transport", "esp-aes esp-sha-hmac");
    vs_encap_plan q = plan("gre transport nat-t", "esp-aes esp-sha-hmac");
    vs_overhead_calc(&p, 1000, &a);
    vs_overhead_calc(&q, 1000, &b);
    cr_assert_eq(b.total - a.total, 8);
    cr_assert_eq(b.udp, 8);
}

Test(overhead, ah_alignment_ipv4_ipv6)
{
    vs_overhead o;
    vs_encap_plan p = plan("ah-tunnel", "ah-sha256-hmac");
    vs_overhead_calc(&p, 100, &o);
    cr_assert_eq(o.ah, 28); /* 12 + 16, multiple of 4 */
    p = plan("ah-tunnel ipv6", "ah-sha256-hmac");
    vs_overhead_calc(&p, 100, &o);
    cr_assert_eq(o.ah, 32); /* 12 + 16 = 28 -> multiple of 8 for IPv6 */
    cr_assert_eq(o.outer_ip, 40);
    cr_assert_eq(o.total, 40 + 32 + 100);
}

Test(overhead, gre_options)
{
    vs_overhead o;
    vs_encap_plan p = plan("gre-key gre-seq gre-csum", "");
    vs_overhead_calc(&p, 100, &o);
    cr_assert_eq(o.gre, 16);
    cr_assert_eq(o.total, 136);
}

Test(overhead, max_inner_and_advice_dmvpn_classic)
{
    /* DMVPN with esp-aes 256 esp-sha-hmac transport mode and a GRE key on a
     * 1500-byte path: total = 20 + 8 + 16 + pad16(8 + n + 2) + 12.
     * n = 1430: 8 + 1430 + 2 = 1440 = 16*90, no pad -> 20+8+16+1440+12 = 1496 <= 1500
     * n = 1431: 1441 -> padded to 1456 -> 1512 > 1500. */
    vs_encap_plan p = plan("gre-key transport", "esp-aes 256 esp-sha-hmac");
    cr_assert_eq(vs_overhead_max_inner(&p, 1500), 1430);
    vs_mtu_advice a;
    vs_overhead_advice(&p, 1500, &a);
    cr_assert_eq(a.ip_mtu, 1430);
    cr_assert_eq(a.tcp_mss, 1390);
    cr_assert_eq(vs_overhead_max_inner(&p, 40), 0);
}

Test(overhead, parse_errors_name_the_word)
{
    vs_encap_plan p;
    char err[128];
    cr_assert_eq(vs_plan_parse("gre tunnell", "esp-aes", &p, err, sizeof err), -1);
    cr_assert(strstr(err, "tunnell") != NULL, "%s", err);
    cr_assert_eq(vs_plan_parse("tunnel", "esp-aes esp-blowfish", &p, err, sizeof err), -1);
    cr_assert(strstr(err, "esp-blowfish") != NULL, "%s", err);
    cr_assert_eq(vs_plan_parse("tunnel", "esp-gcm esp-sha-hmac", &p, err, sizeof err), -1);
    cr_assert_eq(vs_plan_parse("ah-tunnel nat-t", "ah-sha-hmac", &p, err, sizeof err), -1);
    cr_assert_eq(vs_plan_parse("tunnel", "esp-aes 256 esp-sha-hmac", &p, err, sizeof err), 0);
    cr_assert_eq(p.cipher->key_bits, 256);
    cr_assert_eq(vs_plan_parse("tunnel", "esp-aes 128", &p, err, sizeof err), 0);
    cr_assert_eq(p.cipher->key_bits, 128);
}
