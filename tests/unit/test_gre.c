/* GRE (RFC 2784, RFC 2890; RFC 1701 and PPTP bits) and Cisco MetaData.
 * Vectors built with scapy 2.5 (GRE checksum computed by scapy). */
#include <criterion/criterion.h>
#include <string.h>

#include "vpnscope/gre.h"
#include "vs_test.h"

/* IP(id=10)/GRE(proto=0x0800)/IP(src="1.1.1.1",dst="2.2.2.2",id=11)/ICMP() */
static const char *V_PLAIN =
    "45000034000a0000402f668f0a0000010a000002000008004500001c000b0000400174d101010101020202020800"
    "f7ff00000000";
/* IP(id=12)/GRE(chksum_present=1,key_present=1,seqnum_present=1,key=0x2a,seqence_number=99,
 *               proto=0x2001)/Raw(8 bytes) */
static const char *V_CKS =
    "4500002c000c0000402f66950a0000010a000002b0002001277000000000002a000000630001080000000000";
/* IP(id=13)/GRE_PPTP(seqnum_present=1,acknum_present=1,payload_len=4,call_id=0x77,
 *                    seqence_number=5,ack_number=4)/Raw(b"\xff\x03\x00\x21") */
static const char *V_PPTP =
    "45000028000d0000402f66980a0000010a0000023081880b000400770000000500000004ff030021";
/* IP(id=21,proto=47)/Raw(RFC 1701: R bit, checksum+offset, SRE af 0x0800 len 4, null SRE)
 *   /IP(1.1.1.1 -> 2.2.2.2)/ICMP() */
static const char *V_R =
    "4500004400150000402f66740a0000010a00000240000800000000000800000401020304000000004500001c0001"
    "0000400174db01010101020202020800f7ff00000000";

typedef struct fx {
    uint8_t *b;
    size_t n;
    vs_test_tree tt;
    vs_ip_msg ip;
    vs_gre_msg g;
    vs_status st;
} fx;

static vs_status dec_pair(const uint8_t *b, size_t n, size_t wire, vs_tree *t, vs_ip_msg *ip,
                          vs_gre_msg *g)
{
    vs_cursor c;
    vs_cur_init(&c, b, n, wire);
    memset(g, 0, sizeof *g);
    vs_status s1 = vs_ip_decode(&c, t, ip);
    if (ip->payload_cur.status != VS_OK)
        return s1;
    vs_cursor pc = ip->payload_cur;
    vs_status s2 = vs_gre_decode(&pc, t, ip, g);
    return s1 > s2 ? s1 : s2;
}

static vs_status dec(const uint8_t *b, size_t n, vs_tree *t)
{
    vs_ip_msg ip;
    vs_gre_msg g;
    return dec_pair(b, n, VS_LEN_UNKNOWN, t, &ip, &g);
}

static fx *run_bytes(uint8_t *b, size_t n, size_t wire)
{
    fx *f = calloc(1, sizeof *f);
    f->b = b;
    f->n = n;
    vs_test_tree_init(&f->tt, b);
    f->st = dec_pair(b, n, wire, &f->tt.t, &f->ip, &f->g);
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

Test(gre, rfc2784_minimal_header)
{
    fx *f = run(V_PLAIN);
    const vs_tree *t = &f->tt.t;
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(t, VS_F_GRE, 0, 0, 20, 4);
    vs_assert_item(t, VS_F_GRE_FLAGS_VER, 0, 0, 20, 2);
    vs_assert_item(t, VS_F_GRE_FLAG_C, 0, 0, 20, 2);
    vs_assert_item(t, VS_F_GRE_FLAG_K, 0, 0, 20, 2);
    vs_assert_item(t, VS_F_GRE_FLAG_S, 0, 0, 20, 2);
    vs_assert_item(t, VS_F_GRE_VERSION, 0, 0, 20, 2);
    vs_assert_item(t, VS_F_GRE_PROTO, 0, 0x0800, 22, 2);
    cr_assert_str_eq(vs_val_name(vs_vals_ethertype, 0x0800), "IPv4");
    cr_assert_eq(f->g.hdr_len, 4);
    cr_assert_eq(f->g.proto, 0x0800);
    cr_assert_eq(f->g.payload.off, 24);
    cr_assert_eq(f->g.payload.len, 28);
    cr_assert_eq(f->g.payload_cur.pos, 24);
    cr_assert_eq(f->g.payload_cur.end, 52);
    cr_assert(!f->g.has_key && !f->g.has_seq && !f->g.has_cksum);
    cr_assert_eq(f->tt.t.n_problems, 0);
    cr_assert_eq(f->tt.t.depth, 0);
    done(f);
    trunc_check(V_PLAIN);
}

Test(gre, checksum_key_sequence)
{
    fx *f = run(V_CKS);
    const vs_tree *t = &f->tt.t;
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(t, VS_F_GRE, 0, 0, 20, 16);
    vs_assert_item(t, VS_F_GRE_FLAGS_VER, 0, 0xb000, 20, 2);
    vs_assert_item(t, VS_F_GRE_FLAG_C, 0, 1, 20, 2);
    vs_assert_item(t, VS_F_GRE_FLAG_R, 0, 0, 20, 2);
    vs_assert_item(t, VS_F_GRE_FLAG_K, 0, 1, 20, 2);
    vs_assert_item(t, VS_F_GRE_FLAG_S, 0, 1, 20, 2);
    vs_assert_item(t, VS_F_GRE_PROTO, 0, 0x2001, 22, 2);
    vs_assert_item(t, VS_F_GRE_CHECKSUM, 0, 0x2770, 24, 2);
    vs_assert_item(t, VS_F_GRE_CHECKSUM_CALC, 0, 0x2770, 24, 2);
    vs_assert_item(t, VS_F_GRE_CHECKSUM_GOOD, 0, 1, 24, 2);
    vs_assert_item(t, VS_F_GRE_OFFSET, 0, 0, 26, 2);
    vs_assert_item(t, VS_F_GRE_KEY, 0, 0x2a, 28, 4);
    vs_assert_item(t, VS_F_GRE_SEQ, 0, 99, 32, 4);
    cr_assert_str_eq(vs_val_name(vs_vals_ethertype, 0x2001), "NHRP (Cisco DMVPN)");
    cr_assert(f->g.cksum_checked && f->g.cksum_ok);
    cr_assert_eq(f->g.key, 0x2a);
    cr_assert_eq(f->g.seq, 99);
    cr_assert_eq(f->g.hdr_len, 16);
    cr_assert_eq(f->g.payload.off, 36);
    cr_assert_eq(f->g.payload.len, 8);
    done(f);
    trunc_check(V_CKS);
}

Test(gre, bad_checksum_is_reported)
{
    size_t n;
    uint8_t *b = vs_hex(V_CKS, &n);
    b[40] ^= 0x40;
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(f->g.cksum_checked && !f->g.cksum_ok);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_GRE_CHECKSUM_BAD));
    vs_assert_item(&f->tt.t, VS_F_GRE_CHECKSUM_GOOD, 0, 0, 24, 2);
    done(f);
}

Test(gre, checksum_not_verified_when_cut_by_the_capture)
{
    size_t n;
    uint8_t *b = vs_hex(V_CKS, &n);
    fx *f = run_bytes(b, 40, n);
    cr_assert_eq(f->st, VS_TRUNCATED);
    cr_assert(!f->g.cksum_checked);
    cr_assert(!vs_has_problem(&f->tt.t, VS_P_GRE_CHECKSUM_BAD));
    vs_assert_item(&f->tt.t, VS_F_GRE_KEY, 0, 0x2a, 28, 4);
    done(f);
}

Test(gre, pptp_enhanced_gre_version_1)
{
    fx *f = run(V_PPTP);
    const vs_tree *t = &f->tt.t;
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(t, VS_F_GRE_FLAGS_VER, 0, 0x3081, 20, 2);
    vs_assert_item(t, VS_F_GRE_FLAG_A, 0, 1, 20, 2);
    vs_assert_item(t, VS_F_GRE_VERSION, 0, 1, 20, 2);
    vs_assert_item(t, VS_F_GRE_PROTO, 0, 0x880b, 22, 2);
    vs_assert_item(t, VS_F_GRE_KEY, 0, 0x00040077, 24, 4);
    vs_assert_item(t, VS_F_GRE_PPTP_PLEN, 0, 4, 24, 2);
    vs_assert_item(t, VS_F_GRE_PPTP_CALLID, 0, 0x77, 26, 2);
    vs_assert_item(t, VS_F_GRE_SEQ, 0, 5, 28, 4);
    vs_assert_item(t, VS_F_GRE_ACK, 0, 4, 32, 4);
    cr_assert(vs_has_problem(t, VS_P_GRE_PPTP));
    cr_assert(!vs_has_problem(t, VS_P_GRE_RESERVED_SET), "A is not reserved in version 1");
    cr_assert_eq(f->g.version, 1);
    cr_assert(f->g.has_ack);
    cr_assert_eq(f->g.ack, 4);
    cr_assert_eq(f->g.payload.off, 36);
    done(f);
    trunc_check(V_PPTP);
}

Test(gre, rfc1701_routing_entries)
{
    fx *f = run(V_R);
    const vs_tree *t = &f->tt.t;
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(t, VS_F_GRE_FLAG_R, 0, 1, 20, 2);
    vs_assert_item(t, VS_F_GRE_CHECKSUM, 0, 0, 24, 2);
    vs_assert_item(t, VS_F_GRE_OFFSET, 0, 0, 26, 2);
    vs_assert_item(t, VS_F_GRE_SRE, 0, 0x0800, 28, 8);
    vs_assert_item(t, VS_F_GRE_SRE_AF, 0, 0x0800, 28, 2);
    vs_assert_item(t, VS_F_GRE_SRE_OFFSET, 0, 0, 30, 1);
    vs_assert_item(t, VS_F_GRE_SRE_LEN, 0, 4, 31, 1);
    vs_assert_item(t, VS_F_GRE_SRE_DATA, 0, 4, 32, 4);
    vs_assert_item(t, VS_F_GRE_SRE, 1, 0, 36, 4);
    cr_assert(vs_has_problem(t, VS_P_GRE_LEGACY_BITS));
    cr_assert(!f->g.cksum_checked, "R without C: the checksum field is not valid");
    cr_assert_eq(f->g.hdr_len, 20);
    cr_assert_eq(f->g.payload.off, 40);
    done(f);
    trunc_check(V_R);
}

Test(gre, reserved_bits_and_unknown_version_are_flagged)
{
    size_t n;
    uint8_t *b = vs_hex(V_PLAIN, &n);
    b[21] = 0x08; /* a Reserved0 bit */
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_GRE_RESERVED_SET));
    vs_assert_item(&f->tt.t, VS_F_GRE_FLAG_RES, 0, 1, 20, 2);
    done(f);
    b = vs_hex(V_PLAIN, &n);
    b[21] = 0x02; /* version 2 */
    f = run_bytes(b, n, n);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_GRE_VERSION_UNKNOWN));
    vs_assert_item(&f->tt.t, VS_F_GRE_VERSION, 0, 2, 20, 2);
    done(f);
    b = vs_hex(V_PPTP, &n);
    b[20] = 0x10; /* version 1 without K */
    f = run_bytes(b, n, n);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_GRE_PPTP_NO_KEY));
    done(f);
}

Test(gre, keepalive_protocol_zero_is_noted)
{
    size_t n;
    uint8_t *b = vs_hex(V_PLAIN, &n);
    b[22] = b[23] = 0;
    fx *f = run_bytes(b, n, n);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_GRE_KEEPALIVE));
    cr_assert_str_eq(vs_val_name(vs_vals_ethertype, 0), "GRE keepalive (Cisco)");
    done(f);
}

Test(gre, header_longer_than_ip_payload_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V_CKS, &n);
    b[3] = 30; /* IP total length leaves 10 bytes; the flags announce 16 */
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_GRE_MALFORMED));
    done(f);
}

Test(gre, routing_without_terminator_is_bounded)
{
    /* R set, SREs of length 0 with a non-zero family repeat until the packet
     * ends: the walk stops at the packet's end (MALFORMED: no terminator). */
    uint8_t b[4 + 4 + 4 * 100];
    memset(b, 0, sizeof b);
    b[0] = 0x40;
    for (int i = 0; i < 100; i++)
        b[8 + 4 * i] = 0x08;
    vs_cursor c;
    vs_cur_init(&c, b, sizeof b, sizeof b);
    vs_gre_msg g;
    vs_status st = vs_gre_decode(&c, NULL, NULL, &g);
    cr_assert_neq(st, VS_OK);
}

Test(cmd, cisco_metadata_in_gre)
{
    const uint8_t b[] = {0x08, 0x00, 0x01, 0x01, 0x00, 0x01, 0x00, 0x07, 0x45};
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, sizeof b, sizeof b);
    vs_cmd_msg m;
    cr_assert_eq(vs_cmd_decode(&c, &tt.t, &m), VS_OK);
    vs_assert_item(&tt.t, VS_F_CMD, 0, 0, 0, 8);
    vs_assert_item(&tt.t, VS_F_CMD_ETHERTYPE, 0, 0x0800, 0, 2);
    vs_assert_item(&tt.t, VS_F_CMD_VERSION, 0, 1, 2, 1);
    vs_assert_item(&tt.t, VS_F_CMD_LENGTH, 0, 1, 3, 1);
    vs_assert_item(&tt.t, VS_F_CMD_OPTIONS, 0, 1, 4, 2);
    vs_assert_item(&tt.t, VS_F_CMD_SGT, 0, 7, 6, 2);
    cr_assert_eq(m.payload_cur.pos, 8);
    for (size_t cut = 0; cut < 8; cut++) {
        vs_cur_init(&c, b, cut, sizeof b);
        cr_assert_eq(vs_cmd_decode(&c, NULL, &m), VS_TRUNCATED, "cut %zu", cut);
    }
}

Test(gre, rfc1701_strict_route_and_recursion_bits)
{
    size_t n;
    uint8_t *b = vs_hex(V_PLAIN, &n);
    b[20] = 0x0b; /* s=1, recursion control 3 */
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(&f->tt.t, VS_F_GRE_FLAGS_VER, 0, 0x0b00, 20, 2);
    vs_assert_item(&f->tt.t, VS_F_GRE_FLAG_SSR, 0, 1, 20, 2);
    vs_assert_item(&f->tt.t, VS_F_GRE_FLAG_RECUR, 0, 3, 20, 2);
    vs_assert_item(&f->tt.t, VS_F_GRE_FLAG_A, 0, 0, 20, 2);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_GRE_LEGACY_BITS));
    cr_assert_eq(f->g.hdr_len, 4, "s and recursion add no fields");
    done(f);
}

Test(gre, protocol_types_are_named)
{
    cr_assert_str_eq(vs_val_name(vs_vals_ethertype, 0x86DD), "IPv6");
    cr_assert_str_eq(vs_val_name(vs_vals_ethertype, 0x6558), "Transparent Ethernet Bridging");
    cr_assert_str_eq(vs_val_name(vs_vals_ethertype, 0x88BE), "ERSPAN (type I/II)");
    cr_assert_str_eq(vs_val_name(vs_vals_ethertype, 0x8847), "MPLS unicast");
    cr_assert_str_eq(vs_val_name(vs_vals_ethertype, 0x880B), "PPP");
    cr_assert_str_eq(vs_val_name(vs_vals_ethertype, 0x0400), "IEEE 802.3 length");
    cr_assert_null(vs_val_name(vs_vals_ethertype, 0x1234));
}
