/* UDP (RFC 768) and the UDP 4500 demultiplexing of RFC 3948.
 * Vectors built with scapy 2.5 (checksums computed by scapy, independently). */
#include <criterion/criterion.h>
#include <string.h>

#include "vpnscope/udp.h"
#include "vs_test.h"

/* IP(src="10.0.0.1",dst="10.0.0.2",id=7)/UDP(sport=500,dport=500)/Raw(b"ABCDEFGHIJKLMNOP") */
static const char *V4_UDP500 =
    "4500002c00070000401166b80a0000010a00000201f401f40018a5894142434445464748494a4b4c4d4e4f50";
/* IPv6(src="2001:db8::1",dst="2001:db8::2")/UDP(sport=848,dport=848)/Raw(b"GDOI") */
static const char *V6_UDP848 =
    "60000000000c114020010db800000000000000000000000120010db8000000000000000000000002"
    "03500350000c073447444f49";
/* IP(id=8)/UDP(sport=4500,dport=4500)/Raw(b"\xff") */
static const char *V4_KA = "4500001d00080000401166c60a0000010a000002119411940009c9b0ff";
/* IP(id=9)/UDP(sport=4500,dport=4500)/Raw(SPI 0x0000abcd, seq 5, 16 bytes) */
static const char *V4_ESP =
    "4500003400090000401166ae0a0000010a0000021194119400204fe40000abcd0000000599999999999999"
    "999999999999999999";
/* IP(id=20)/UDP(sport=4500,dport=4500)/Raw(b"\0"*4+b"I"*28) */
static const char *V4_IKE =
    "4500003c001400004011669b0a0000010a000002119411940028c6710000000049494949494949494949494949"
    "494949494949494949494949494949";
/* IP(id=0xbeef, flags="MF", proto=17)/Raw(UDP header with len=1000 + 16 "A"): first fragment */
static const char *V4_FRAG1 =
    "4500002cbeef20004011af9ac0000201c633640201f401f403e8111141414141414141414141414141414141";

typedef struct fx {
    uint8_t *b;
    size_t n;
    vs_test_tree tt;
    vs_ip_msg ip;
    vs_udp_msg u;
    vs_status st;
} fx;

static vs_status dec_pair(const uint8_t *b, size_t n, size_t wire, vs_tree *t, vs_ip_msg *ip,
                          vs_udp_msg *u)
{
    vs_cursor c;
    vs_cur_init(&c, b, n, wire);
    vs_status s1 = vs_ip_decode(&c, t, ip);
    if (ip->payload_cur.status != VS_OK)
        return s1;
    vs_cursor pc = ip->payload_cur;
    vs_status s2 = vs_udp_decode(&pc, t, ip, u);
    return s1 > s2 ? s1 : s2;
}

static vs_status dec(const uint8_t *b, size_t n, vs_tree *t)
{
    vs_ip_msg ip;
    vs_udp_msg u;
    return dec_pair(b, n, VS_LEN_UNKNOWN, t, &ip, &u);
}

static fx *run_bytes(uint8_t *b, size_t n, size_t wire)
{
    fx *f = calloc(1, sizeof *f);
    f->b = b;
    f->n = n;
    vs_test_tree_init(&f->tt, b);
    f->st = dec_pair(b, n, wire, &f->tt.t, &f->ip, &f->u);
    return f;
}

static fx *run(const char *hex)
{
    size_t n;
    uint8_t *b = vs_hex(hex, &n);
    return run_bytes(b, n, n);
}

static void done(fx *f)
{
    free(f->b);
    free(f);
}

static void trunc_check(const char *hex)
{
    vs_check_truncations_hex(hex, dec, VS_OK);
}

Test(udp, header_fields_and_ipv4_checksum)
{
    fx *f = run(V4_UDP500);
    const vs_tree *t = &f->tt.t;
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(t, VS_F_UDP, 0, 0, 20, 8);
    vs_assert_item(t, VS_F_UDP_SRCPORT, 0, 500, 20, 2);
    vs_assert_item(t, VS_F_UDP_DSTPORT, 0, 500, 22, 2);
    vs_assert_item(t, VS_F_UDP_LENGTH, 0, 24, 24, 2);
    vs_assert_item(t, VS_F_UDP_CHECKSUM, 0, 0xa589, 26, 2);
    vs_assert_item(t, VS_F_UDP_CHECKSUM_CALC, 0, 0xa589, 26, 2);
    vs_assert_item(t, VS_F_UDP_CHECKSUM_GOOD, 0, 1, 26, 2);
    cr_assert_str_eq(vs_val_name(vs_fields[VS_F_UDP_DSTPORT].vals, 500), "ISAKMP / IKE");
    cr_assert(f->u.cksum_checked && f->u.cksum_ok);
    cr_assert_eq(f->u.payload.off, 28);
    cr_assert_eq(f->u.payload.len, 16);
    cr_assert_eq(f->u.payload_cur.pos, 28);
    cr_assert_eq(f->u.payload_cur.end, 44);
    cr_assert(!f->u.natt_present);
    cr_assert_eq(f->tt.t.n_problems, 0);
    cr_assert_eq(f->tt.t.depth, 0);
    done(f);
    trunc_check(V4_UDP500);
}

Test(udp, ipv6_checksum_over_pseudo_header)
{
    fx *f = run(V6_UDP848);
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(&f->tt.t, VS_F_UDP_SRCPORT, 0, 848, 40, 2);
    vs_assert_item(&f->tt.t, VS_F_UDP_CHECKSUM, 0, 0x0734, 46, 2);
    cr_assert(f->u.cksum_checked && f->u.cksum_ok);
    cr_assert_eq(f->u.payload.off, 48);
    cr_assert_eq(f->u.payload.len, 4);
    done(f);
    trunc_check(V6_UDP848);
}

Test(udp, bad_checksum_is_reported)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP500, &n);
    b[30] ^= 0x20; /* payload byte changed, checksum kept */
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(f->u.cksum_checked && !f->u.cksum_ok);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_UDP_CHECKSUM_BAD));
    vs_assert_item(&f->tt.t, VS_F_UDP_CHECKSUM_GOOD, 0, 0, 26, 2);
    done(f);
    b = vs_hex(V6_UDP848, &n);
    b[47] ^= 1;
    f = run_bytes(b, n, n);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_UDP_CHECKSUM_BAD));
    done(f);
}

Test(udp, zero_checksum_is_unchecked_on_ipv4_and_flagged_on_ipv6)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP500, &n);
    b[26] = b[27] = 0;
    fx *f = run_bytes(b, n, n);
    cr_assert(!f->u.cksum_checked);
    cr_assert_eq(f->tt.t.n_problems, 0);
    done(f);
    b = vs_hex(V6_UDP848, &n);
    b[46] = b[47] = 0;
    f = run_bytes(b, n, n);
    cr_assert(!f->u.cksum_checked);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_UDP_CHECKSUM_ZERO_V6));
    done(f);
}

Test(udp, length_beyond_ip_payload_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP500, &n);
    b[25] = 25; /* one more than the IP payload */
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_UDP_LENGTH_BEYOND));
    cr_assert_eq(f->u.payload_cur.status, VS_MALFORMED);
    done(f);
}

Test(udp, length_below_8_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP500, &n);
    b[25] = 7;
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_UDP_LENGTH_SHORT));
    done(f);
}

Test(udp, header_cut_by_ip_length_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP500, &n);
    b[3] = 26; /* IP total length leaves 6 bytes for an 8-byte header */
    b[10] = b[11] = 0;
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_UDP_MALFORMED));
    done(f);
}

Test(udp, length_below_ip_payload_leaves_a_surplus_area)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP500, &n);
    b[25] = 20; /* 4 bytes of the IP payload are after the datagram */
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_OK, "RFC 768 permits it; UDP options use the surplus area");
    cr_assert(vs_has_problem(&f->tt.t, VS_P_UDP_LENGTH_SURPLUS));
    vs_assert_item(&f->tt.t, VS_F_UDP_SURPLUS, 0, 4, 40, 4);
    cr_assert_eq(f->u.payload.len, 12);
    cr_assert_eq(f->u.payload_cur.end, 40);
    done(f);
}

Test(udp, first_fragment_length_exceeds_fragment_without_error)
{
    fx *f = run(V4_FRAG1);
    cr_assert_eq(f->st, VS_OK);
    cr_assert_eq(f->u.length, 1000);
    cr_assert(!f->u.cksum_checked, "the datagram is not all here");
    cr_assert_eq(f->u.payload_cur.status, VS_OK);
    cr_assert_eq(f->u.payload_cur.end, 44, "payload bounded by this fragment");
    cr_assert(!vs_has_problem(&f->tt.t, VS_P_UDP_LENGTH_BEYOND));
    done(f);
}

Test(udp, truncated_datagram)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP500, &n);
    fx *f = run_bytes(b, 34, n); /* snaplen 34 */
    cr_assert_eq(f->st, VS_TRUNCATED);
    cr_assert(!f->u.cksum_checked);
    cr_assert_eq(f->u.payload.len, 16);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_UDP_TRUNCATED));
    done(f);
}

/* ---- RFC 3948 ------------------------------------------------------------ */

Test(natt, single_ff_is_a_keepalive)
{
    fx *f = run(V4_KA);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(f->u.natt_present);
    cr_assert_eq(f->u.natt.kind, VS_NATT_KEEPALIVE);
    vs_assert_item(&f->tt.t, VS_F_UDP_NATT_KIND, 0, VS_NATT_KEEPALIVE, 28, 1);
    vs_assert_item(&f->tt.t, VS_F_UDP_NATT_KEEPALIVE, 0, 0xff, 28, 1);
    cr_assert_eq(f->u.natt.payload.off, 28);
    cr_assert_eq(f->u.natt.payload.len, 1);
    cr_assert_str_eq(vs_natt_kind_name(VS_NATT_KEEPALIVE), "NAT-keepalive");
    done(f);
    trunc_check(V4_KA);
}

Test(natt, zero_marker_means_ike_follows)
{
    fx *f = run(V4_IKE);
    cr_assert_eq(f->st, VS_OK);
    cr_assert_eq(f->u.natt.kind, VS_NATT_IKE);
    vs_assert_item(&f->tt.t, VS_F_UDP_NATT_MARKER, 0, 0, 28, 4);
    vs_assert_item(&f->tt.t, VS_F_UDP_NATT_KIND, 0, VS_NATT_IKE, 28, 32);
    cr_assert_eq(f->u.natt.payload.off, 32);
    cr_assert_eq(f->u.natt.payload.len, 28);
    cr_assert_eq(f->u.natt.payload_cur.pos, 32);
    cr_assert_eq(f->u.natt.payload_cur.end, 60);
    done(f);
    trunc_check(V4_IKE);
}

Test(natt, otherwise_esp_in_udp)
{
    fx *f = run(V4_ESP);
    cr_assert_eq(f->st, VS_OK);
    cr_assert_eq(f->u.natt.kind, VS_NATT_ESP);
    cr_assert_eq(f->u.natt.payload.off, 28);
    cr_assert_eq(f->u.natt.payload.len, 24);
    cr_assert_eq(f->u.natt.payload_cur.pos, 28, "ESP starts at the SPI");
    done(f);
    trunc_check(V4_ESP);
}

Test(natt, short_or_empty_payloads_are_invalid)
{
    /* 2-byte payload 0x0000: too short for a marker, not a keepalive. */
    uint8_t b[] = {0x11, 0x94, 0x11, 0x94, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00};
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, sizeof b, sizeof b);
    vs_udp_msg u;
    cr_assert_eq(vs_udp_decode(&c, &tt.t, NULL, &u), VS_OK);
    cr_assert_eq(u.natt.kind, VS_NATT_INVALID);
    cr_assert(vs_has_problem(&tt.t, VS_P_UDP_NATT_INVALID));
    /* A single byte that is not 0xFF. */
    uint8_t k[] = {0x11, 0x94, 0x11, 0x94, 0x00, 0x09, 0x00, 0x00, 0xfe};
    vs_test_tree_init(&tt, k);
    vs_cur_init(&c, k, sizeof k, sizeof k);
    vs_udp_decode(&c, &tt.t, NULL, &u);
    cr_assert_eq(u.natt.kind, VS_NATT_INVALID);
    /* Marker with nothing after it. */
    uint8_t m[] = {0x11, 0x94, 0x11, 0x94, 0x00, 0x0c, 0x00, 0x00, 0, 0, 0, 0};
    vs_test_tree_init(&tt, m);
    vs_cur_init(&c, m, sizeof m, sizeof m);
    vs_udp_decode(&c, &tt.t, NULL, &u);
    cr_assert_eq(u.natt.kind, VS_NATT_IKE);
    cr_assert(vs_has_problem(&tt.t, VS_P_UDP_NATT_IKE_EMPTY));
    cr_assert_eq(u.natt.payload.len, 0);
}

Test(natt, standalone_decode_on_a_payload)
{
    const uint8_t p[] = {0, 0, 0, 0, 0x11, 0x22};
    vs_cursor c;
    vs_cur_init(&c, p, sizeof p, sizeof p);
    vs_natt_msg n;
    cr_assert_eq(vs_udp_natt_decode(&c, NULL, &n), VS_OK);
    cr_assert_eq(n.kind, VS_NATT_IKE);
    cr_assert_eq(n.payload.off, 4);
    cr_assert_eq(c.pos, 4);
    /* The marker cut by the capture (payload claims 6 bytes, 2 captured). */
    vs_cur_init(&c, p, 2, sizeof p);
    cr_assert_eq(vs_udp_natt_decode(&c, NULL, &n), VS_TRUNCATED);
}

/* IPv6()/IPv6ExtHdrRouting(type=0,addresses=["2001:db8::3"],segleft=1)/UDP(sport=1,dport=2)
 * (scapy): RFC 8200 section 8.1, the pseudo-header uses the final destination,
 * the last address of a routing header with segments left. */
Test(udp, ipv6_pseudo_header_uses_the_final_destination)
{
    fx *f = run("6000000000202b4020010db800000000000000000000000120010db8000000000000000000000002"
                "110200010000000020010db8000000000000000000000003000100020008a465");
    cr_assert_eq(f->st, VS_OK);
    cr_assert(f->u.cksum_checked);
    cr_assert(f->u.cksum_ok, "checksum computed with the routing header's final address");
    done(f);
}

/* IP(src="10.0.0.1",dst="10.0.0.2",id=40,options=[IPOption_LSRR(routers=["192.0.2.7",
 *    "198.51.100.9"])])/UDP(sport=500,dport=500)/Raw(b"LSRR") (scapy): the IPv4
 * pseudo-header uses the source route's last address, the final destination. */
Test(udp, ipv4_pseudo_header_uses_the_source_route_destination)
{
    fx *f = run("4800002c002800004011979f0a0000010a000002830b04c0000207c63364090001f401f4000c290b"
                "4c535252");
    cr_assert_eq(f->st, VS_OK);
    cr_assert_eq(memcmp(f->ip.final_dst, "\xc6\x33\x64\x09", 4), 0);
    cr_assert(f->u.cksum_checked && f->u.cksum_ok);
    done(f);
    /* Route finished (pointer 12 > length 11): the header's destination is final. */
    size_t n;
    uint8_t *b = vs_hex("4800002c002800004011979f0a0000010a000002830b0cc0000207c63364090001f401f4000c290b"
                        "4c535252", &n);
    f = run_bytes(b, n, n);
    cr_assert_eq(memcmp(f->ip.final_dst, "\x0a\x00\x00\x02", 4), 0);
    cr_assert(f->u.cksum_checked && !f->u.cksum_ok, "scapy summed over the route's last address");
    done(f);
}
