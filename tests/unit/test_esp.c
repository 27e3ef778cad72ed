/* ESP (RFC 4303): header, decrypted trailer; AH (RFC 4302) header. */
#include <criterion/criterion.h>
#include <string.h>

#include "vpnscope/esp.h"
#include "vpnscope/ip.h"
#include "vs_test.h"

/* IP(src="10.0.0.1",dst="10.0.0.2",id=14,proto=50)/Raw(SPI 0xed123456, seq 1, 24 x 0xaa) (scapy) */
static const char *V_ESP =
    "45000034000e0000403266880a0000010a000002ed12345600000001aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaa";
/* IPv6()/AH(nh=17,payloadlen=4,spi=0x1000,seq=7,icv=b"\x11"*12)/UDP(500,500)/Raw(b"x") (scapy) */
static const char *V_AH =
    "600000000021334020010db800000000000000000000000120010db8000000000000000000000002"
    "11040000000010000000000711111111111111111111111101f401f40009000078";

/* Decode the IP packet, then ESP (or AH) in its payload. */
static vs_status dec_esp_in_ip(const uint8_t *b, size_t n, size_t wire, vs_tree *t,
                               vs_esp_msg *e)
{
    vs_cursor c;
    vs_cur_init(&c, b, n, wire);
    vs_ip_msg ip;
    vs_status s1 = vs_ip_decode(&c, t, &ip);
    if (ip.payload_cur.status != VS_OK)
        return s1;
    vs_cursor pc = ip.payload_cur;
    vs_status s2 = vs_esp_decode(&pc, t, e);
    return s1 > s2 ? s1 : s2;
}

static vs_status dec_esp(const uint8_t *b, size_t n, vs_tree *t)
{
    vs_esp_msg e;
    return dec_esp_in_ip(b, n, VS_LEN_UNKNOWN, t, &e);
}

static vs_status dec_ah_in_ip(const uint8_t *b, size_t n, size_t wire, vs_tree *t, vs_ah_msg *a)
{
    vs_cursor c;
    vs_cur_init(&c, b, n, wire);
    vs_ip_msg ip;
    vs_status s1 = vs_ip_decode(&c, t, &ip);
    if (ip.payload_cur.status != VS_OK)
        return s1;
    vs_cursor pc = ip.payload_cur;
    vs_status s2 = vs_ah_decode(&pc, t, a);
    return s1 > s2 ? s1 : s2;
}

static vs_status dec_ah(const uint8_t *b, size_t n, vs_tree *t)
{
    vs_ah_msg a;
    return dec_ah_in_ip(b, n, VS_LEN_UNKNOWN, t, &a);
}

Test(esp, spi_sequence_and_opaque_data)
{
    size_t n;
    uint8_t *b = vs_hex(V_ESP, &n);
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_esp_msg e;
    cr_assert_eq(dec_esp_in_ip(b, n, n, &tt.t, &e), VS_OK);
    vs_assert_item(&tt.t, VS_F_ESP, 0, 0, 20, 32);
    vs_assert_item(&tt.t, VS_F_ESP_SPI, 0, 0xed123456, 20, 4);
    vs_assert_item(&tt.t, VS_F_ESP_SEQ, 0, 1, 24, 4);
    vs_assert_item(&tt.t, VS_F_ESP_DATA, 0, 24, 28, 24);
    cr_assert_eq(e.spi, 0xed123456);
    cr_assert_eq(e.seq, 1);
    cr_assert_eq(e.span.off, 20);
    cr_assert_eq(e.span.len, 32);
    cr_assert_eq(e.data.off, 28);
    cr_assert_eq(e.data.len, 24);
    cr_assert_eq(tt.t.n_problems, 0);
    vs_check_truncations(b, n, dec_esp, VS_OK);
    free(b);
}

Test(esp, reserved_spis_are_reported)
{
    size_t n;
    uint8_t *b = vs_hex(V_ESP, &n);
    memset(b + 20, 0, 4);
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_esp_msg e;
    cr_assert_eq(dec_esp_in_ip(b, n, n, &tt.t, &e), VS_OK);
    cr_assert(vs_has_problem(&tt.t, VS_P_ESP_SPI_ZERO));
    b[23] = 0xff;
    vs_test_tree_init(&tt, b);
    dec_esp_in_ip(b, n, n, &tt.t, &e);
    cr_assert(vs_has_problem(&tt.t, VS_P_ESP_SPI_RESERVED));
    cr_assert_eq(e.spi, 255);
    free(b);
}

Test(esp, header_longer_than_ip_payload_is_malformed)
{
    size_t n;
    uint8_t *b = vs_hex(V_ESP, &n);
    b[3] = 26; /* 6 bytes of ESP */
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_esp_msg e;
    cr_assert_eq(dec_esp_in_ip(b, n, n, &tt.t, &e), VS_MALFORMED);
    cr_assert(vs_has_problem(&tt.t, VS_P_ESP_MALFORMED));
    free(b);
}

/* ---- decrypted trailer --------------------------------------------------- */

static size_t g_full; /* the decrypted payload's real length (wire length) */

static vs_status dec_trailer(const uint8_t *b, size_t n, vs_tree *t)
{
    vs_cursor c;
    vs_cur_init(&c, b, n, g_full);
    vs_esp_trailer tr;
    return vs_esp_trailer_decode(&c, t, &tr);
}

typedef struct tfx {
    vs_test_tree tt;
    vs_esp_trailer tr;
    vs_status st;
} tfx;

static tfx *trailer(const uint8_t *b, size_t n)
{
    tfx *f = calloc(1, sizeof *f);
    vs_test_tree_init(&f->tt, b);
    vs_cursor c;
    vs_cur_init(&c, b, n, n);
    f->st = vs_esp_trailer_decode(&c, &f->tt.t, &f->tr);
    return f;
}

Test(esp_trailer, payload_padding_pad_length_next_header)
{
    /* 6 payload bytes | 1 2 3 4 | pad length 4 | next header 4 (IPv4) */
    const uint8_t b[] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 1, 2, 3, 4, 4, 4};
    tfx *f = trailer(b, sizeof b);
    const vs_tree *t = &f->tt.t;
    cr_assert_eq(f->st, VS_OK);
    vs_assert_item(t, VS_F_ESP, 0, 0, 0, 12);
    vs_assert_item(t, VS_F_ESP_PAYLOAD, 0, 6, 0, 6);
    vs_assert_item(t, VS_F_ESP_PAD, 0, 4, 6, 4);
    vs_assert_item(t, VS_F_ESP_PAD_GOOD, 0, 1, 6, 4);
    vs_assert_item(t, VS_F_ESP_PAD_LEN, 0, 4, 10, 1);
    vs_assert_item(t, VS_F_ESP_NEXT_HEADER, 0, 4, 11, 1);
    cr_assert_str_eq(vs_val_name(vs_fields[VS_F_ESP_NEXT_HEADER].vals, 4),
                     "IPv4 encapsulation (IP-in-IP)");
    cr_assert_eq(f->tr.pad_len, 4);
    cr_assert_eq(f->tr.next_header, 4);
    cr_assert(f->tr.pad_ok);
    cr_assert_eq(f->tr.payload.off, 0);
    cr_assert_eq(f->tr.payload.len, 6);
    cr_assert_eq(f->tr.padding.off, 6);
    cr_assert_eq(f->tr.padding.len, 4);
    cr_assert_eq(f->tr.payload_cur.pos, 0);
    cr_assert_eq(f->tr.payload_cur.end, 6);
    cr_assert_eq(f->tt.t.n_problems, 0);
    free(f);
    g_full = sizeof b;
    vs_check_truncations(b, sizeof b, dec_trailer, VS_OK);
}

Test(esp_trailer, wrong_padding_pattern_is_reported)
{
    const uint8_t b[] = {0xaa, 0xbb, 1, 2, 9, 4, 4, 41};
    tfx *f = trailer(b, sizeof b);
    cr_assert_eq(f->st, VS_OK, "the layout can still be followed");
    cr_assert(!f->tr.pad_ok);
    cr_assert_eq(f->tr.bad_pad_at, 2);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_ESP_PAD_BAD));
    vs_assert_item(&f->tt.t, VS_F_ESP_PAD_GOOD, 0, 0, 2, 4);
    /* The problem points at the first wrong byte. */
    for (size_t i = 0; i < f->tt.t.n_problems; i++)
        if (f->tt.t.problems[i].problem == VS_P_ESP_PAD_BAD) {
            cr_assert_eq(f->tt.t.problems[i].span.off, 4);
            cr_assert_eq(f->tt.t.problems[i].detail, 2);
        }
    free(f);
}

Test(esp_trailer, pad_length_longer_than_payload_is_malformed)
{
    const uint8_t b[] = {0xaa, 0xbb, 1, 2, 20, 4};
    tfx *f = trailer(b, sizeof b);
    cr_assert_eq(f->st, VS_MALFORMED);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_ESP_PAD_LEN_LONG));
    vs_assert_item(&f->tt.t, VS_F_ESP_PAD_LEN, 0, 20, 4, 1);
    vs_assert_item(&f->tt.t, VS_F_ESP_NEXT_HEADER, 0, 4, 5, 1);
    cr_assert_eq(f->tr.payload_cur.status, VS_MALFORMED);
    free(f);
}

Test(esp_trailer, no_padding_and_ipv6_inner)
{
    const uint8_t b[] = {0x60, 0x00, 0, 41};
    tfx *f = trailer(b, sizeof b);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(f->tr.pad_ok);
    cr_assert_eq(f->tr.payload.len, 2);
    cr_assert_eq(f->tr.padding.len, 0);
    cr_assert_eq(vs_count(&f->tt.t, VS_F_ESP_PAD), 0);
    vs_assert_item(&f->tt.t, VS_F_ESP_NEXT_HEADER, 0, 41, 3, 1);
    free(f);
}

Test(esp_trailer, dummy_packet_next_header_59)
{
    const uint8_t b[] = {1, 2, 2, 59};
    tfx *f = trailer(b, sizeof b);
    cr_assert_eq(f->st, VS_OK);
    cr_assert(vs_has_problem(&f->tt.t, VS_P_ESP_DUMMY));
    cr_assert_eq(f->tr.payload.len, 0);
    free(f);
}

Test(esp_trailer, shorter_than_two_bytes_is_malformed)
{
    const uint8_t b[] = {4};
    tfx *f = trailer(b, sizeof b);
    cr_assert_eq(f->st, VS_MALFORMED);
    free(f);
}

/* ---- AH ------------------------------------------------------------------ */

Test(ah, header_fields_and_icv)
{
    size_t n;
    uint8_t *b = vs_hex(V_AH, &n);
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_ah_msg a;
    cr_assert_eq(dec_ah_in_ip(b, n, n, &tt.t, &a), VS_OK);
    vs_assert_item(&tt.t, VS_F_AH, 0, 0, 40, 24);
    vs_assert_item(&tt.t, VS_F_AH_NEXT_HEADER, 0, 17, 40, 1);
    vs_assert_item(&tt.t, VS_F_AH_LEN, 0, 4, 41, 1);
    vs_assert_item(&tt.t, VS_F_AH_RESERVED, 0, 0, 42, 2);
    vs_assert_item(&tt.t, VS_F_AH_SPI, 0, 0x1000, 44, 4);
    vs_assert_item(&tt.t, VS_F_AH_SEQ, 0, 7, 48, 4);
    vs_assert_item(&tt.t, VS_F_AH_ICV, 0, 12, 52, 12);
    cr_assert_eq(a.hdr_len, 24);
    cr_assert_eq(a.next_header, 17);
    cr_assert_eq(a.payload_cur.pos, 64);
    cr_assert_eq(tt.t.n_problems, 0);
    vs_check_truncations(b, n, dec_ah, VS_OK);
    free(b);
}

Test(ah, length_contradictions)
{
    size_t n;
    uint8_t *b = vs_hex(V_AH, &n);
    b[41] = 0; /* 8 bytes: below the fixed part */
    vs_test_tree tt;
    vs_test_tree_init(&tt, b);
    vs_ah_msg a;
    cr_assert_eq(dec_ah_in_ip(b, n, n, &tt.t, &a), VS_MALFORMED);
    cr_assert(vs_has_problem(&tt.t, VS_P_AH_LEN_SHORT));
    b[41] = 40; /* 168 bytes in a 33-byte payload */
    vs_test_tree_init(&tt, b);
    cr_assert_eq(dec_ah_in_ip(b, n, n, &tt.t, &a), VS_MALFORMED);
    b[41] = 4;
    b[42] = 1; /* reserved */
    vs_test_tree_init(&tt, b);
    cr_assert_eq(dec_ah_in_ip(b, n, n, &tt.t, &a), VS_OK);
    cr_assert(vs_has_problem(&tt.t, VS_P_AH_RESERVED_SET));
    free(b);
}
