/* IPv4 (RFC 791) and IPv6 (RFC 8200) decoders: values and spans, options and
 * extension headers, fragments, checksums, truncation, contradictions.
 *
 * Vectors were built with scapy 2.5 (Debian /usr/bin/python3), an independent
 * generator that computes lengths and checksums itself; the expression that
 * made each one is given above it. */
#include <criterion/criterion.h>
#include <string.h>

#include "vpnscope/ip.h"
#include "vs_test.h"

/* IP(src="192.0.2.1",dst="198.51.100.2",id=0x1234,flags="DF",ttl=64,tos=0xb8,
 *    options=[IPOption_NOP(),IPOption_RR(pointer=8,routers=["10.0.0.1","0.0.0.0"]),
 *             IPOption_Router_Alert(),IPOption_EOL()])/UDP(sport=500,dport=500)/Raw(b"\0"*4+b"IKE!") */
static const char *V4_OPTS =
    "4ab800381234400040118c7dc0000201c633640201070b080a00000100000000940400000000000001f401f4"
    "0010814200000000494b4521";
/* IP(src="192.0.2.1",dst="198.51.100.2",id=1,options=[IPOption_Timestamp(pointer=5,flg=1,
 *    length=12,internet_address="192.0.2.9",timestamp=0)])/ICMP() */
static const char *V4_TS =
    "480000280001000040018086c0000201c6336402440c0501c0000209000000000800f7ff00000000";
/* IP(..., id=0xbeef, flags="MF", frag=0, proto=17)/Raw(UDP header with len=1000 + 16 "A") */
static const char *V4_FRAG1 =
    "4500002cbeef20004011af9ac0000201c633640201f401f403e8111141414141414141414141414141414141";
/* IP(..., id=0xbeef, frag=3, proto=17)/Raw(16 "B") */
static const char *V4_FRAG2 =
    "45000024beef00034011cf9fc0000201c633640242424242424242424242424242424242";
/* IP(src="10.0.0.1",dst="10.0.0.2",id=7)/UDP(sport=500,dport=500)/Raw(b"ABCDEFGHIJKLMNOP") */
static const char *V4_UDP =
    "4500002c00070000401166b80a0000010a00000201f401f40018a5894142434445464748494a4b4c4d4e4f50";

/* IPv6(src="2001:db8::1",dst="2001:db8::2",tc=0xb8,fl=0x12345,hlim=64)
 *  /IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])
 *  /IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0\0\0")])
 *  /IPv6ExtHdrRouting(type=2,addresses=["2001:db8::2"],segleft=1)
 *  /IPv6ExtHdrFragment(offset=0,m=1,id=0xcafe)/UDP(sport=4500,dport=4500)/Raw(b"\0"*4+b"IKEv2msg") */
static const char *V6_CHAIN =
    "6b8123450044004020010db800000000000000000000000120010db8000000000000000000000002"
    "3c00050200000100"
    "2b00010400000000"
    "2c0202010000000020010db8000000000000000000000002"
    "110000010000cafe"
    "1194119400144c9300000000494b4576326d7367";
/* IPv6()/IPv6ExtHdrFragment(offset=5,m=0,id=0xcafe,nh=17)/Raw(b"C"*8) */
static const char *V6_FRAG2 =
    "6000000000102c4020010db800000000000000000000000120010db8000000000000000000000002"
    "110000280000cafe4343434343434343";
/* IPv6()/AH(nh=17,payloadlen=4,spi=0x1000,seq=7,icv=b"\x11"*12)/UDP(500,500)/Raw(b"x") */
static const char *V6_AH =
    "600000000021334020010db800000000000000000000000120010db8000000000000000000000002"
    "11040000000010000000000711111111111111111111111101f401f40009000078";
/* IPv6()/IPv6ExtHdrDestOpt()/IPv6ExtHdrHopByHop()/UDP(sport=1,dport=2) */
static const char *V6_HBH_LATE =
    "6000000000183c4020010db800000000000000000000000120010db8000000000000000000000002"
    "00000104000000001100010400000000000100020008a466";
/* IPv6(plen=0)/IPv6ExtHdrHopByHop(options=[Jumbo(jumboplen=20)])/UDP(500,500,len=12)/Raw(b"JMBO") */
static const char *V6_JUMBO =
    "600000000000004020010db800000000000000000000000120010db8000000000000000000000002"
    "1100c20400000014"
    "01f401f4000c13dd4a4d424f";
/* IPv6()/IPv6ExtHdrRouting(type=0,addresses=["2001:db8::3"],segleft=1)/UDP(sport=1,dport=2) */
static const char *V6_RT0 =
    "6000000000202b4020010db800000000000000000000000120010db8000000000000000000000002"
    "110200010000000020010db8000000000000000000000003000100020008a465";

static vs_status dec_ip(const uint8_t *b, size_t n, vs_tree *t)
{
    vs_cursor c;
    vs_cur_init(&c, b, n, VS_LEN_UNKNOWN);
    vs_ip_msg m;
    return vs_ip_decode(&c, t, &m);
}

typedef struct fx {
    uint8_t *b;
    size_t n;
    vs_test_tree tt;
    vs_ip_msg m;
    vs_cursor c;
    vs_status st;
} fx;

/* Decode hex as one IP packet; end = the buffer length when bounded. */
static fx *run(const char *hex, bool bounded)
{
    fx *f = calloc(1, sizeof *f);
    f->b = vs_hex(hex, &f->n);
    vs_test_tree_init(&f->tt, f->b);
    vs_cur_init(&f->c, f->b, f->n, bounded ? f->n : VS_LEN_UNKNOWN);
    f->st = vs_ip_decode(&f->c, &f->tt.t, &f->m);
    return f;
}

static fx *run_bytes(uint8_t *b, size_t n, size_t wire)
{
    fx *f = calloc(1, sizeof *f);
    f->b = b;
    f->n = n;
    vs_test_tree_init(&f->tt, f->b);
    vs_cur_init(&f->c, f->b, n, wire);
    f->st = vs_ip_decode(&f->c, &f->tt.t, &f->m);
    return f;
}

static void done(fx *f)
{
    free(f->b);
    free(f);
}

static void trunc_check(const char *hex)
{
    vs_check_truncations_hex(hex, dec_ip, VS_OK);
}

/* ---- IPv4 ---------------------------------------------------------------- */

Test(ipv4, every_header_field_and_option)
{
    fx *f = run(V4_OPTS, false);
    const vs_tree *t = &f->tt.t;
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(t, VS_F_IP, 0, 0, 0, 40);
    vs_assert_item(t, VS_F_IP_VERSION, 0, 4, 0, 1);
    vs_assert_item(t, VS_F_IP_HDR_LEN, 0, 10, 0, 1);
    vs_assert_item(t, VS_F_IP_DSFIELD, 0, 0xb8, 1, 1);
    vs_assert_item(t, VS_F_IP_DSCP, 0, 46, 1, 1);
    vs_assert_item(t, VS_F_IP_ECN, 0, 0, 1, 1);
    vs_assert_item(t, VS_F_IP_LEN, 0, 56, 2, 2);
    vs_assert_item(t, VS_F_IP_ID, 0, 0x1234, 4, 2);
    vs_assert_item(t, VS_F_IP_FLAGS, 0, 2, 6, 2);
    vs_assert_item(t, VS_F_IP_FLAG_RB, 0, 0, 6, 2);
    vs_assert_item(t, VS_F_IP_FLAG_DF, 0, 1, 6, 2);
    vs_assert_item(t, VS_F_IP_FLAG_MF, 0, 0, 6, 2);
    vs_assert_item(t, VS_F_IP_FRAG_OFFSET, 0, 0, 6, 2);
    vs_assert_item(t, VS_F_IP_TTL, 0, 64, 8, 1);
    vs_assert_item(t, VS_F_IP_PROTO, 0, 17, 9, 1);
    vs_assert_item(t, VS_F_IP_CHECKSUM, 0, 0x8c7d, 10, 2);
    vs_assert_item(t, VS_F_IP_CHECKSUM_CALC, 0, 0x8c7d, 10, 2);
    vs_assert_item(t, VS_F_IP_CHECKSUM_GOOD, 0, 1, 10, 2);
    vs_assert_item(t, VS_F_IP_SRC, 0, 0xc0000201, 12, 4);
    vs_assert_item(t, VS_F_IP_DST, 0, 0xc6336402, 16, 4);
    /* Options: NOP, Record Route (2 slots), Router Alert, EOL + padding. */
    vs_assert_item(t, VS_F_IP_OPT, 0, 1, 20, 1);
    vs_assert_item(t, VS_F_IP_OPT, 1, 7, 21, 11);
    vs_assert_item(t, VS_F_IP_OPT_TYPE, 1, 7, 21, 1);
    vs_assert_item(t, VS_F_IP_OPT_COPIED, 1, 0, 21, 1);
    vs_assert_item(t, VS_F_IP_OPT_CLASS, 1, 0, 21, 1);
    vs_assert_item(t, VS_F_IP_OPT_NUMBER, 1, 7, 21, 1);
    vs_assert_item(t, VS_F_IP_OPT_LEN, 0, 11, 22, 1);
    vs_assert_item(t, VS_F_IP_OPT_PTR, 0, 8, 23, 1);
    vs_assert_item(t, VS_F_IP_OPT_ADDR, 0, 0x0a000001, 24, 4);
    vs_assert_item(t, VS_F_IP_OPT_ADDR, 1, 0, 28, 4);
    vs_assert_item(t, VS_F_IP_OPT, 2, 148, 32, 4);
    vs_assert_item(t, VS_F_IP_OPT_COPIED, 2, 1, 32, 1);
    vs_assert_item(t, VS_F_IP_OPT_RA, 0, 0, 34, 2);
    vs_assert_item(t, VS_F_IP_OPT, 3, 0, 36, 1);
    vs_assert_item(t, VS_F_IP_OPT_DATA, 0, 3, 37, 3);
    cr_assert_str_eq(vs_val_name(vs_vals_ip_proto, 17), "UDP");
    cr_assert_str_eq(vs_val_name(vs_fields[VS_F_IP_OPT].vals, 148), "Router Alert (RTRALT)");
    cr_assert_str_eq(vs_val_name(vs_fields[VS_F_IP_DSCP].vals, 46), "EF");
    /* Typed result. */
    cr_assert_eq(f->m.version, 4);
    cr_assert_eq(f->m.hdr_len, 40);
    cr_assert_eq(f->m.total_len, 56);
    cr_assert_eq(f->m.proto, 17);
    cr_assert(f->m.df && !f->m.mf && !f->m.is_fragment);
    cr_assert(f->m.cksum_checked && f->m.cksum_ok);
    cr_assert_eq(f->m.n_opts, 2, "RR and RA kept, NOP/EOL not");
    cr_assert_eq(f->m.opts[0].type, 7);
    cr_assert_eq(f->m.opts[0].span.off, 21);
    cr_assert_eq(f->m.opts[1].type, 148);
    cr_assert_eq(f->m.payload.off, 40);
    cr_assert_eq(f->m.payload.len, 16);
    cr_assert_eq(f->m.payload_cur.pos, 40);
    cr_assert_eq(f->m.payload_cur.end, 56);
    cr_assert_eq(memcmp(f->m.src, "\xc0\x00\x02\x01", 4), 0);
    cr_assert_eq(f->c.pos, 56);
    cr_assert_eq(f->tt.t.n_problems, 0);
    cr_assert_eq(f->tt.t.depth, 0, "every open is closed");
    done(f);
    trunc_check(V4_OPTS);
}

Test(ipv4, timestamp_option_with_addresses)
{
    fx *f = run(V4_TS, false);
    const vs_tree *t = &f->tt.t;
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(t, VS_F_IP_OPT, 0, 68, 20, 12);
    vs_assert_item(t, VS_F_IP_OPT_CLASS, 0, 2, 20, 1);
    vs_assert_item(t, VS_F_IP_OPT_LEN, 0, 12, 21, 1);
    vs_assert_item(t, VS_F_IP_OPT_PTR, 0, 5, 22, 1);
    vs_assert_item(t, VS_F_IP_OPT_TS_OFLW, 0, 0, 23, 1);
    vs_assert_item(t, VS_F_IP_OPT_TS_FLAG, 0, 1, 23, 1);
    vs_assert_item(t, VS_F_IP_OPT_ADDR, 0, 0xc0000209, 24, 4);
    vs_assert_item(t, VS_F_IP_OPT_TS_STAMP, 0, 0, 28, 4);
    cr_assert_eq(f->m.proto, 1);
    cr_assert_eq(f->m.payload.off, 32);
    cr_assert(f->m.cksum_ok);
    done(f);
    trunc_check(V4_TS);
}

Test(ipv4, bad_header_checksum_is_reported_with_the_right_value)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP, &n);
    b[11] ^= 0x01;
    fx *f = run_bytes(b, n, VS_LEN_UNKNOWN);
    cr_assert_eq(f->st, VS_OK, "a bad checksum does not stop decoding");
    cr_assert(f->m.cksum_checked && !f->m.cksum_ok);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_CHECKSUM_BAD));
    vs_assert_item(&f->tt.t, VS_F_IP_CHECKSUM, 0, 0x66b9, 10, 2);
    vs_assert_item(&f->tt.t, VS_F_IP_CHECKSUM_CALC, 0, 0x66b8, 10, 2);
    vs_assert_item(&f->tt.t, VS_F_IP_CHECKSUM_GOOD, 0, 0, 10, 2);
    cr_assert_eq(f->tt.t.problems[0].detail, 0x66b8);
    done(f);
}

Test(ipv4, fragments_flagged_with_id_offset_mf)
{
    fx *f = run(V4_FRAG1, false);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(f->m.is_fragment && f->m.mf);
    cr_assert_eq(f->m.frag_off, 0);
    cr_assert_eq(f->m.frag_id, 0xbeef);
    vs_assert_item(&f->tt.t, VS_F_IP_FLAG_MF, 0, 1, 6, 2);
    vs_assert_item(&f->tt.t, VS_F_IP_FRAGMENT, 0, 1, 6, 2);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_FRAGMENTED));
    done(f);
    f = run(V4_FRAG2, false);
    cr_assert(f->m.is_fragment && !f->m.mf);
    cr_assert_eq(f->m.frag_off, 3);
    vs_assert_item(&f->tt.t, VS_F_IP_FRAG_OFFSET, 0, 3, 6, 2);
    cr_assert_eq(f->m.payload.len, 16);
    done(f);
    trunc_check(V4_FRAG1);
    trunc_check(V4_FRAG2);
}

Test(ipv4, ethernet_padding_is_not_part_of_the_pdu)
{
    size_t n;
    uint8_t *p = vs_hex(V4_UDP, &n); /* 44 bytes */
    uint8_t *b = calloc(1, 60);
    memcpy(b, p, n);
    free(p);
    fx *f = run_bytes(b, 60, 60);
    cr_assert_eq(f->st, VS_OK);
    cr_assert_eq(f->c.pos, 44, "the caller's cursor stops at the packet's end");
    cr_assert_eq(f->m.span.len, 44);
    cr_assert_eq(f->m.payload_cur.end, 44);
    cr_assert_eq(vs_cur_left(&f->c), 16);
    done(f);
}

Test(ipv4, total_length_beyond_capture_is_truncated)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP, &n);
    fx *f = run_bytes(b, 30, 44); /* snaplen 30 */
    cr_assert_eq(f->st, VS_TRUNCATED);
    vs_assert_item(&f->tt.t, VS_F_IP_DST, 0, 0x0a000002, 16, 4);
    cr_assert_eq(f->m.payload.len, 24, "logical payload still as the header says");
    cr_assert_eq(f->m.payload_cur.status, VS_OK);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_TRUNCATED));
    done(f);
}

Test(ipv4, total_length_beyond_enclosing_pdu_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP, &n);
    b[2] = 0x01; /* total length 0x012c = 300 in a 44-byte frame */
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_LEN_BEYOND));
    vs_assert_item(&f->tt.t, VS_F_IP_SRC, 0, 0x0a000001, 12, 4);
    done(f);
}

Test(ipv4, ihl_below_5_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP, &n);
    b[0] = 0x44;
    fx *f = run_bytes(b, n, VS_LEN_UNKNOWN);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_HDR_LEN_BAD));
    cr_assert_eq(f->m.payload_cur.status, VS_MALFORMED, "the payload cannot be located");
    vs_assert_item(&f->tt.t, VS_F_IP_HDR_LEN, 0, 4, 0, 1);
    vs_assert_item(&f->tt.t, VS_F_IP_DST, 0, 0x0a000002, 16, 4);
    done(f);
}

Test(ipv4, total_length_below_header_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP, &n);
    b[3] = 0x10; /* total length 16 < 20 */
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_LEN_SHORT));
    cr_assert_eq(f->m.payload_cur.status, VS_MALFORMED);
    done(f);
}

Test(ipv4, wrong_version_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP, &n);
    b[0] = 0x55;
    fx *f = calloc(1, sizeof *f);
    f->b = b;
    vs_test_tree_init(&f->tt, b);
    vs_cur_init(&f->c, b, n, VS_LEN_UNKNOWN);
    f->st = vs_ipv4_decode(&f->c, &f->tt.t, &f->m);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_VERSION_BAD));
    cr_assert_eq(f->m.version, 5);
    done(f);
}

Test(ipv4, option_length_below_2_or_past_header_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V4_OPTS, &n);
    b[22] = 1; /* RR length 1 */
    fx *f = run_bytes(b, n, VS_LEN_UNKNOWN);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_OPT_LEN_BAD));
    done(f);
    b = vs_hex(V4_OPTS, &n);
    b[22] = 30; /* RR runs past the 40-byte header */
    f = run_bytes(b, n, VS_LEN_UNKNOWN);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_OPT_LEN_BAD));
    cr_assert_eq(f->c.pos, 56, "the packet's extent is still known");
    done(f);
}

Test(ipv4, reserved_flag_is_reported)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP, &n);
    b[6] |= 0x80;
    fx *f = run_bytes(b, n, VS_LEN_UNKNOWN);
    cr_assert(f->m.rf);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_FLAG_RB_SET));
    done(f);
}

Test(ipv4, typed_decode_without_tree_matches)
{
    size_t n;
    uint8_t *b = vs_hex(V4_OPTS, &n);
    vs_cursor c;
    vs_cur_init(&c, b, n, VS_LEN_UNKNOWN);
    vs_ip_msg m;
    cr_assert_eq(vs_ip_decode(&c, NULL, &m), VS_OK);
    cr_assert_eq(m.hdr_len, 40);
    cr_assert(m.cksum_ok);
    cr_assert_eq(m.n_opts, 2);
    vs_cur_init(&c, b, n, VS_LEN_UNKNOWN);
    cr_assert_eq(vs_ip_decode(&c, NULL, NULL), VS_OK, "out may be NULL too");
    free(b);
}

/* ---- IPv6 ---------------------------------------------------------------- */

Test(ipv6, fixed_header_and_extension_chain)
{
    fx *f = run(V6_CHAIN, false);
    const vs_tree *t = &f->tt.t;
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(t, VS_F_IPV6, 0, 0, 0, 88);
    vs_assert_item(t, VS_F_IPV6_VERSION, 0, 6, 0, 4);
    vs_assert_item(t, VS_F_IPV6_TCLASS, 0, 0xb8, 0, 4);
    vs_assert_item(t, VS_F_IPV6_DSCP, 0, 46, 0, 4);
    vs_assert_item(t, VS_F_IPV6_ECN, 0, 0, 0, 4);
    vs_assert_item(t, VS_F_IPV6_FLOW, 0, 0x12345, 0, 4);
    vs_assert_item(t, VS_F_IPV6_PLEN, 0, 68, 4, 2);
    vs_assert_item(t, VS_F_IPV6_NXT, 0, 0, 6, 1);
    vs_assert_item(t, VS_F_IPV6_HLIM, 0, 64, 7, 1);
    vs_assert_item(t, VS_F_IPV6_SRC, 0, 16, 8, 16);
    vs_assert_item(t, VS_F_IPV6_DST, 0, 16, 24, 16);
    /* Hop-by-hop: Router Alert + PadN. */
    vs_assert_item(t, VS_F_IPV6_EXT, 0, 0, 40, 8);
    vs_assert_item(t, VS_F_IPV6_EXT_NXT, 0, 60, 40, 1);
    vs_assert_item(t, VS_F_IPV6_EXT_LEN, 0, 0, 41, 1);
    vs_assert_item(t, VS_F_IPV6_OPT, 0, 5, 42, 4);
    vs_assert_item(t, VS_F_IPV6_OPT_ACTION, 0, 0, 42, 1);
    vs_assert_item(t, VS_F_IPV6_OPT_LEN, 0, 2, 43, 1);
    vs_assert_item(t, VS_F_IPV6_OPT_RA, 0, 0, 44, 2);
    vs_assert_item(t, VS_F_IPV6_OPT, 1, 1, 46, 2);
    /* Destination options: PadN with 4 data bytes. */
    vs_assert_item(t, VS_F_IPV6_EXT, 1, 60, 48, 8);
    vs_assert_item(t, VS_F_IPV6_EXT_NXT, 1, 43, 48, 1);
    vs_assert_item(t, VS_F_IPV6_OPT, 2, 1, 50, 6);
    vs_assert_item(t, VS_F_IPV6_OPT_DATA, 0, 4, 52, 4);
    /* Routing type 2. */
    vs_assert_item(t, VS_F_IPV6_EXT, 2, 43, 56, 24);
    vs_assert_item(t, VS_F_IPV6_EXT_LEN, 2, 2, 57, 1);
    vs_assert_item(t, VS_F_IPV6_RT_TYPE, 0, 2, 58, 1);
    vs_assert_item(t, VS_F_IPV6_RT_SEGLEFT, 0, 1, 59, 1);
    vs_assert_item(t, VS_F_IPV6_RT_DATA, 0, 20, 60, 20);
    /* Fragment header: offset 0, M=1, id 0xcafe. */
    vs_assert_item(t, VS_F_IPV6_EXT, 3, 44, 80, 8);
    vs_assert_item(t, VS_F_IPV6_EXT_NXT, 3, 17, 80, 1);
    vs_assert_item(t, VS_F_IPV6_FRAG_RES, 0, 0, 81, 1);
    vs_assert_item(t, VS_F_IPV6_FRAG_OFFSET, 0, 0, 82, 2);
    vs_assert_item(t, VS_F_IPV6_FRAG_M, 0, 1, 82, 2);
    vs_assert_item(t, VS_F_IPV6_FRAG_ID, 0, 0xcafe, 84, 4);
    vs_assert_item(t, VS_F_IPV6_PROTO, 0, 17, 6, 1);
    cr_assert_str_eq(vs_val_name(vs_fields[VS_F_IPV6_RT_TYPE].vals, 2),
                     "Type 2 Routing Header (Mobile IPv6)");
    cr_assert_eq(f->m.proto, 17);
    cr_assert_eq(f->m.hdr_len, 88);
    cr_assert_eq(f->m.total_len, 108);
    cr_assert_eq(f->m.n_ext, 4);
    cr_assert_eq(f->m.ext[0].type, 0);
    cr_assert_eq(f->m.ext[3].type, 44);
    cr_assert_eq(f->m.ext[2].span.len, 24);
    cr_assert(f->m.is_fragment && f->m.mf);
    cr_assert_eq(f->m.frag_off, 0);
    cr_assert_eq(f->m.frag_id, 0xcafe);
    cr_assert_eq(f->m.flow, 0x12345);
    cr_assert_eq(f->m.payload.off, 88);
    cr_assert_eq(f->m.payload.len, 20);
    cr_assert_eq(f->m.src[15], 1);
    cr_assert_eq(f->tt.t.depth, 0);
    done(f);
    trunc_check(V6_CHAIN);
}

Test(ipv6, non_first_fragment_stops_the_chain)
{
    fx *f = run(V6_FRAG2, false);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(f->m.is_fragment && !f->m.mf);
    cr_assert_eq(f->m.frag_off, 5);
    vs_assert_item(&f->tt.t, VS_F_IPV6_FRAG_OFFSET, 0, 5, 42, 2);
    cr_assert_eq(f->m.payload.off, 48);
    cr_assert_eq(f->m.payload.len, 8);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IPV6_FRAGMENTED));
    done(f);
    trunc_check(V6_FRAG2);
}

Test(ipv6, ah_ends_the_chain)
{
    fx *f = run(V6_AH, false);
    cr_assert_eq(f->st, VS_OK);
    cr_assert_eq(f->m.proto, 51);
    cr_assert_eq(f->m.hdr_len, 40);
    cr_assert_eq(f->m.payload.off, 40);
    cr_assert_eq(f->m.payload.len, 33);
    cr_assert_eq(f->m.n_ext, 0);
    done(f);
    trunc_check(V6_AH);
}

Test(ipv6, hop_by_hop_not_first_is_reported)
{
    fx *f = run(V6_HBH_LATE, false);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IPV6_HBH_NOT_FIRST));
    cr_assert_eq(f->m.proto, 17);
    cr_assert_eq(f->m.n_ext, 2);
    done(f);
}

Test(ipv6, routing_type_0_is_reported)
{
    fx *f = run(V6_RT0, false);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IPV6_RT_TYPE0));
    vs_assert_item(&f->tt.t, VS_F_IPV6_RT_TYPE, 0, 0, 42, 1);
    done(f);
}

Test(ipv6, jumbo_payload_length_bounds_the_packet)
{
    size_t n;
    uint8_t *p = vs_hex(V6_JUMBO, &n); /* 40 + 20 */
    uint8_t *b = calloc(1, n + 6);
    memcpy(b, p, n);
    free(p);
    fx *f = run_bytes(b, n + 6, n + 6); /* 6 bytes of link padding after it */
    cr_assert_eq(f->st, VS_OK);
    cr_assert_eq(f->m.jumbo, 20);
    vs_assert_item(&f->tt.t, VS_F_IPV6_OPT_JUMBO, 0, 20, 44, 4);
    cr_assert_eq(f->m.total_len, 60);
    cr_assert_eq(f->m.payload.off, 48);
    cr_assert_eq(f->m.payload.len, 12);
    cr_assert_eq(f->m.payload_cur.end, 60);
    cr_assert_eq(f->c.pos, 60, "the 6 padding bytes stay with the caller");
    done(f);
}

Test(ipv6, payload_length_beyond_enclosing_pdu_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V6_CHAIN, &n);
    b[5] = 0x60;
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IPV6_PLEN_BEYOND));
    done(f);
}

Test(ipv6, payload_length_beyond_capture_is_truncated)
{
    size_t n;
    uint8_t *b = vs_hex(V6_CHAIN, &n);
    fx *f = run_bytes(b, 96, n);
    cr_assert_eq(f->st, VS_TRUNCATED);
    cr_assert_eq(f->m.proto, 17);
    cr_assert_eq(f->m.payload_cur.status, VS_OK);
    done(f);
}

Test(ipv6, extension_length_past_payload_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V6_CHAIN, &n);
    b[41] = 20; /* hop-by-hop claims 168 bytes of a 68-byte payload */
    fx *f = run_bytes(b, n, VS_LEN_UNKNOWN);
    cr_assert_eq(f->st, VS_MALFORMED);
    done(f);
}

Test(ipv6, option_past_its_header_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V6_CHAIN, &n);
    b[43] = 9; /* router alert length 9 in a 6-byte option area */
    fx *f = run_bytes(b, n, VS_LEN_UNKNOWN);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IPV6_OPT_LEN_BAD));
    done(f);
}

Test(ipv6, wrong_version_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V6_CHAIN, &n);
    fx *f = calloc(1, sizeof *f);
    f->b = b;
    b[0] = 0x7b;
    vs_test_tree_init(&f->tt, b);
    vs_cur_init(&f->c, b, n, VS_LEN_UNKNOWN);
    f->st = vs_ipv6_decode(&f->c, &f->tt.t, &f->m);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IPV6_VERSION_BAD));
    done(f);
}

Test(ipv6, too_many_extension_headers_are_bounded)
{
    /* 12 destination-options headers of 8 bytes, then no next header. */
    uint8_t b[40 + 12 * 8];
    memset(b, 0, sizeof b);
    b[0] = 0x60;
    b[5] = 12 * 8;
    b[6] = 60;
    for (int i = 0; i < 12; i++) {
        uint8_t *e = b + 40 + i * 8;
        e[0] = i == 11 ? 59 : 60;
        e[2] = 1; /* PadN, 4 bytes */
        e[3] = 4;
    }
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, sizeof b, sizeof b);
    vs_ip_msg m;
    cr_assert_eq(vs_ipv6_decode(&c, &tt.t, &m), VS_OK);
    cr_assert_eq(m.n_ext, VS_IPV6_MAX_EXT);
    cr_assert(vs_has_problem(&tt.t, VS_P_IPV6_EXT_TOO_MANY));
    cr_assert_eq(m.proto, 60, "the rest is treated as payload");
}

Test(ip, pseudo_header_sum_matches_rfc_layout)
{
    vs_ip_msg m;
    memset(&m, 0, sizeof m);
    m.version = 4;
    memcpy(m.src, "\x0a\x00\x00\x01", 4);
    memcpy(m.dst, "\x0a\x00\x00\x02", 4);
    memcpy(m.final_dst, "\x0a\x00\x00\x02", 4);
    /* 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 24 */
    cr_assert_eq(vs_ip_pseudo_sum(&m, 17, 24), 0x0a00u + 1 + 0x0a00 + 2 + 17 + 24);
}

/* Found by fuzz_ip (crash-2a87328405c8a2320e0d645ef87468cd71390540, selector
 * byte dropped): payload length 0, a hop-by-hop jumbo option of 20 bytes, but
 * three extension headers take 24 bytes: the payload cursor started after its
 * own end. Now MALFORMED with no payload. */
Test(ipv6, fuzz_jumbo_length_inside_extension_headers)
{
    static const char *hex =
        "600000000000004020010db800000000000000000000000120010db8000000000000000200110000"
        "0000c204000000140000000000000000250000004300000001f4010c13424f";
    size_t n;
    uint8_t *b = vs_hex(hex, &n);
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IPV6_JUMBO_BAD));
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IPV6_JUMBO_SMALL));
    cr_assert_eq(f->m.payload_cur.status, VS_MALFORMED);
    cr_assert_leq(f->m.payload_cur.pos, f->n);
    done(f);
}

Test(ipv4, total_length_zero_is_taken_as_segmentation_offload)
{
    size_t n;
    uint8_t *b = vs_hex(V4_UDP, &n);
    b[2] = b[3] = 0;
    fx *f = run_bytes(b, n, n);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_IP_LEN_ZERO));
    vs_assert_item(&f->tt.t, VS_F_IP_LEN, 0, 0, 2, 2);
    cr_assert_eq(f->m.total_len, 44);
    cr_assert_eq(f->m.payload.len, 24);
    cr_assert_eq(f->m.payload_cur.status, VS_OK);
    done(f);
}
