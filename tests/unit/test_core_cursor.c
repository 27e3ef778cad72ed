/* The cursor's contract: sticky status, truncated vs malformed, no overread. */
#include <criterion/criterion.h>

#include "vs_test.h"

Test(cursor, reads_network_order)
{
    const uint8_t b[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
    vs_cursor c;
    vs_cur_init(&c, b, sizeof b, VS_LEN_UNKNOWN);
    cr_assert_eq(vs_u8(&c), 1);
    cr_assert_eq(vs_u16(&c), 0x0203);
    cr_assert_eq(vs_u24(&c), 0x040506);
    cr_assert_eq(vs_u32(&c), 0x0708090a);
    cr_assert_eq(vs_u64(&c), 0x0b0c0d0e0f101112ull);
    cr_assert_eq(c.pos, 18);
    cr_assert(vs_cur_at_end(&c));
    cr_assert_eq(c.status, VS_OK);
}

Test(cursor, truncated_is_sticky)
{
    const uint8_t b[] = {1, 2, 3};
    vs_cursor c;
    vs_cur_init(&c, b, sizeof b, VS_LEN_UNKNOWN);
    cr_assert_eq(vs_u16(&c), 0x0102);
    cr_assert_eq(vs_u16(&c), 0); /* only one byte left */
    cr_assert_eq(c.status, VS_TRUNCATED);
    cr_assert_eq(c.pos, 2, "a failed read consumes nothing");
    cr_assert_eq(vs_u8(&c), 0, "sticky: even a fitting read fails now");
    cr_assert_eq(c.status, VS_TRUNCATED);
}

Test(cursor, wire_length_beyond_capture_is_truncation)
{
    const uint8_t b[] = {1, 2, 3, 4};
    vs_cursor c;
    vs_cur_init(&c, b, sizeof b, 10); /* snaplen cut the packet */
    vs_skip(&c, 4);
    vs_u8(&c);
    cr_assert_eq(c.status, VS_TRUNCATED);
}

Test(cursor, wire_length_shorter_than_buffer_limits_reads)
{
    const uint8_t b[] = {1, 2, 3, 4, 0, 0}; /* e.g. Ethernet padding */
    vs_cursor c;
    vs_cur_init(&c, b, sizeof b, 4);
    cr_assert_eq(vs_cur_left(&c), 4);
    vs_u32(&c);
    cr_assert(vs_cur_at_end(&c));
    vs_u8(&c);
    cr_assert_eq(c.status, VS_MALFORMED, "reading past the PDU's own length is malformed");
}

Test(cursor, sub_longer_than_parent_is_malformed)
{
    const uint8_t b[] = {0, 8, 1, 2, 3, 4, 5, 6};
    vs_cursor c, s;
    vs_cur_init(&c, b, sizeof b, sizeof b);
    vs_u16(&c);
    cr_assert_eq(vs_cur_sub(&c, 7, &s), VS_MALFORMED);
    cr_assert_eq(c.status, VS_MALFORMED);
    cr_assert_eq(s.status, VS_MALFORMED);
}

Test(cursor, sub_cut_by_capture_is_truncated)
{
    const uint8_t b[] = {0, 8, 1, 2};
    vs_cursor c, s;
    vs_cur_init(&c, b, sizeof b, VS_LEN_UNKNOWN);
    vs_u16(&c);
    cr_assert_eq(vs_cur_sub(&c, 6, &s), VS_OK);
    cr_assert_eq(vs_cur_left(&s), 6);
    cr_assert_eq(vs_cur_avail(&s), 2);
    cr_assert_eq(vs_u16(&s), 0x0102);
    vs_u8(&s);
    cr_assert_eq(s.status, VS_TRUNCATED);
    vs_u8(&c);
    cr_assert_eq(c.status, VS_TRUNCATED, "parent is at its captured end");
}

Test(cursor, sub_exact_then_parent_continues)
{
    const uint8_t b[] = {1, 2, 3, 4, 5};
    vs_cursor c, s;
    vs_cur_init(&c, b, sizeof b, VS_LEN_UNKNOWN);
    vs_cur_sub(&c, 2, &s);
    cr_assert_eq(vs_u16(&s), 0x0102);
    cr_assert(vs_cur_at_end(&s));
    vs_u8(&s);
    cr_assert_eq(s.status, VS_MALFORMED, "reading past a length-delimited sub-PDU");
    cr_assert_eq(c.status, VS_OK, "the parent is not affected by its child");
    cr_assert_eq(vs_u24(&c), 0x030405);
}

Test(cursor, malformed_not_downgraded)
{
    const uint8_t b[] = {1};
    vs_cursor c;
    vs_cur_init(&c, b, 1, VS_LEN_UNKNOWN);
    vs_cur_fail(&c, VS_MALFORMED);
    vs_cur_fail(&c, VS_TRUNCATED);
    cr_assert_eq(c.status, VS_MALFORMED);
}

Test(cursor, inet_checksum_rfc1071_example)
{
    /* RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
    const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    cr_assert_eq(vs_inet_cksum(b, sizeof b, 0), (uint16_t)~0xddf2);
}

Test(tree, items_depth_and_overflow)
{
    const uint8_t b[] = {0xAB, 0xCD};
    vs_item items[2];
    vs_problem_rec probs[2];
    vs_tree t;
    vs_tree_init(&t, b, items, 2, probs, 2);
    vs_cursor c;
    vs_cur_init(&c, b, 2, VS_LEN_UNKNOWN);
    vs_open(&t, VS_F_CORE_UNDECODED, vs_span_at(0, 2), 2);
    vs_rd_u8(&c, &t, VS_F_CORE_UNDECODED);
    cr_assert_eq(t.items[1].depth, 1);
    cr_assert_eq(t.items[1].value, 0xAB);
    vs_close(&t);
    cr_assert_eq(vs_add(&t, VS_F_CORE_UNDECODED, vs_span_at(1, 1), 0), VS_NO_ITEM);
    cr_assert(t.overflow);
    cr_assert_eq(t.n_problems, 1);
    cr_assert_eq(t.problems[0].problem, VS_P_CORE_ITEMS_FULL);
}

Test(catalogue, names_are_unique_and_dotted)
{
    for (int i = 0; i < VS_F__COUNT; i++) {
        cr_assert(strncmp(vs_fields[i].name, "vpnscope.", 9) == 0, "%s", vs_fields[i].name);
        for (int j = i + 1; j < VS_F__COUNT; j++)
            cr_assert(strcmp(vs_fields[i].name, vs_fields[j].name) != 0, "duplicate %s",
                      vs_fields[i].name);
        if (vs_fields[i].type == VS_FT_BOOL)
            cr_assert(vs_fields[i].mask != 0, "%s: a flag needs a mask", vs_fields[i].name);
    }
    for (int i = 0; i < VS_P__COUNT; i++) {
        cr_assert(strncmp(vs_problems[i].name, "vpnscope.", 9) == 0, "%s", vs_problems[i].name);
        for (int j = i + 1; j < VS_P__COUNT; j++)
            cr_assert(strcmp(vs_problems[i].name, vs_problems[j].name) != 0, "duplicate %s",
                      vs_problems[i].name);
        for (int j = 0; j < VS_F__COUNT; j++)
            cr_assert(strcmp(vs_problems[i].name, vs_fields[j].name) != 0,
                      "problem and field share %s", vs_problems[i].name);
    }
}

Test(catalogue, value_tables_and_ranges)
{
    static const vs_val t[] = {VS_V(1, "one"), VS_R(10, 20, "teens"), VS_VEND};
    cr_assert_str_eq(vs_val_name(t, 1), "one");
    cr_assert_str_eq(vs_val_name(t, 15), "teens");
    cr_assert_null(vs_val_name(t, 21));
    cr_assert_str_eq(vs_val_name_or(t, 2, "Unknown"), "Unknown");
    cr_assert_eq(vs_mask_shift(0x30), 4);
    cr_assert_eq(vs_field_by_name("vpnscope.core.undecoded"), VS_F_CORE_UNDECODED);
}

Test(cursor, position_past_captured_end_never_reads)
{
    /* Defence in depth: a decoder bug that leaves pos beyond cap must not
     * turn into an overread through the unsigned subtraction. */
    const uint8_t b[] = {1, 2, 3, 4};
    vs_cursor c;
    vs_cur_init(&c, b, 2, VS_LEN_UNKNOWN);
    c.pos = 3;
    cr_assert_eq(vs_cur_avail(&c), 0);
    cr_assert_eq(vs_cur_left(&c), 0);
    uint8_t v;
    cr_assert_not(vs_peek_u8(&c, 0, &v));
    cr_assert_eq(vs_u8(&c), 0);
    cr_assert_eq(c.status, VS_MALFORMED);
}
