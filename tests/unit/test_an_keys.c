/* Key file parsers: every format, wildcards, and errors that name file:line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "keys/keys.h"
#include "vs_test.h"

static vsa_keys K;
static char err[512];

static void setup(void)
{
    vsa_keys_init(&K);
    err[0] = '\0';
}
static void teardown(void)
{
    vsa_keys_free(&K);
}

TestSuite(an_keys, .init = setup, .fini = teardown);

static int load(const char *text)
{
    return vsa_keys_load_text(&K, "keys.txt", text, VSA_KF_AUTO, err, sizeof err);
}

static void expect_error(const char *text, const char *where, const char *what)
{
    vsa_keys_free(&K);
    vsa_keys_init(&K);
    err[0] = '\0';
    int r = load(text);
    cr_assert_eq(r, -1, "accepted bad input: %s", text);
    cr_assert(strncmp(err, where, strlen(where)) == 0, "error \"%s\" does not start with %s", err,
              where);
    cr_assert(strstr(err, what) != NULL, "error \"%s\" does not say \"%s\"", err, what);
}

static const uint8_t V4_192_1_2_23[4] = {192, 1, 2, 23};
static const uint8_t V4_192_1_2_45[4] = {192, 1, 2, 45};

Test(an_keys, derived_esp_sa_files_from_the_corpus)
{
    static const struct {
        const char *file;
        uint32_t spi;
        vsa_enc enc;
        unsigned klen;
        vsa_integ integ;
        unsigned alen, icv;
    } want[] = {
        {"openswan-klips__08-sunrise-sunset-aes128.pcap.keys.wireshark-esp_sa.DERIVED.txt",
         0xed123456, VSA_ENC_AES_CBC, 16, VSA_INTEG_HMAC_SHA1_96, 20, 12},
        {"openswan-klips__08-sunrise-sunset-esp-noauth.pcap.keys.wireshark-esp_sa.DERIVED.txt",
         0x01000583, VSA_ENC_3DES_CBC, 24, VSA_INTEG_NONE, 0, 0},
        {"openswan-klips__08-sunrise-sunset-esp-sha1.pcap.keys.wireshark-esp_sa.DERIVED.txt",
         0xd1234567, VSA_ENC_3DES_CBC, 24, VSA_INTEG_HMAC_SHA1_96, 20, 12},
        {"openswan-klips__08-sunrise-sunset-udpesp-ping.pcap.keys.wireshark-esp_sa.DERIVED.txt",
         0x12345678, VSA_ENC_3DES_CBC, 24, VSA_INTEG_HMAC_MD5_96, 16, 12},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *path = vs_shared_capture(want[i].file);
        vsa_keys k;
        vsa_keys_init(&k);
        int r = vsa_keys_load_file(&k, path, VSA_KF_AUTO, err, sizeof err);
        cr_assert_eq(r, 1, "%s: %s", want[i].file, err);
        const vsa_esp_sa *e = &k.esp[0];
        cr_assert_eq(e->spi, want[i].spi);
        cr_assert_eq(e->spi_mask, 0xffffffffu);
        cr_assert_eq(e->enc, want[i].enc);
        cr_assert_eq(e->enc_key_len, want[i].klen);
        cr_assert_eq(e->integ, want[i].integ);
        cr_assert_eq(e->auth_key_len, want[i].alen);
        cr_assert_eq(e->icv_len, want[i].icv);
        cr_assert(strstr(e->origin, ":3") != NULL, "origin %s: the record is on line 3", e->origin);
        /* "*" addresses: any IPv4 pair matches, IPv6 does not */
        cr_assert_eq(vsa_keys_find_esp(&k, 4, V4_192_1_2_23, V4_192_1_2_45, want[i].spi), e);
        cr_assert_null(vsa_keys_find_esp(&k, 4, V4_192_1_2_23, V4_192_1_2_45, want[i].spi ^ 1));
        uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
        cr_assert_null(vsa_keys_find_esp(&k, 6, v6, v6, want[i].spi));
        vsa_keys_free(&k);
    }
}

Test(an_keys, esp_sa_key_bytes_and_ascii_keys)
{
    cr_assert_eq(load("\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x00000100\",\"AES-CBC [RFC3602]\","
                      "\"0x00112233445566778899aabbccddeeff\",\"HMAC-SHA-256-128 [RFC4868]\","
                      "\"0x0102\"\n"
                      "\"IPv4\",\"*\",\"*\",\"256\",\"DES-CBC [RFC2405]\",\"abcdefgh\","
                      "\"NULL\",\"\"\n"),
                 2, "%s", err);
    const vsa_esp_sa *e = &K.esp[0];
    cr_assert_eq(e->enc_key[0], 0x00);
    cr_assert_eq(e->enc_key[15], 0xff);
    cr_assert_eq(e->auth_key_len, 2);
    cr_assert_eq(e->icv_len, 16);
    cr_assert_eq(e->integ, VSA_INTEG_HMAC_SHA256_128);
    cr_assert_eq(K.esp[1].spi, 256, "decimal SPI as strtoul(.., 0) reads it");
    cr_assert_arr_eq(K.esp[1].enc_key, "abcdefgh", 8, "ASCII key taken as bytes");
    /* exact addresses: only that pair */
    const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2}, c[4] = {10, 0, 0, 3};
    cr_assert_eq(vsa_keys_find_esp(&K, 4, a, b, 0x100), &K.esp[0]);
    cr_assert_eq(vsa_keys_find_esp(&K, 4, a, c, 0x100), &K.esp[1], "falls through to the wildcard");
    cr_assert_eq(vsa_keys_find_esp(&K, 4, b, a, 0x100), &K.esp[1]);
}

Test(an_keys, esp_sa_odd_hex_gets_a_leading_zero_nibble)
{
    /* Wireshark's compute_ascii_key: "0xabc" is the two bytes 0a bc */
    cr_assert_eq(load("\"IPv4\",\"*\",\"*\",\"*\",\"NULL\",\"\",\"HMAC-MD5-96 [RFC2403]\",\"0xabc\""), 1,
                 "%s", err);
    cr_assert_eq(K.esp[0].auth_key_len, 2);
    cr_assert_eq(K.esp[0].auth_key[0], 0x0a);
    cr_assert_eq(K.esp[0].auth_key[1], 0xbc);
}

Test(an_keys, esp_sa_wildcards)
{
    cr_assert_eq(load("# comment\n"
                      "\"IPv4\",\"192.168.*.1\",\"10.0.0.0/8\",\"0x1234****\",\"NULL\",\"\",\"NULL\",\"\"\n"
                      "\"IPv6\",\"2001:db8::*\",\"2001:db8::/32\",\"*\",\"NULL\",\"\",\"NULL\",\"\"\n"),
                 2, "%s", err);
    const uint8_t s1[4] = {192, 168, 77, 1}, s2[4] = {192, 168, 77, 2};
    const uint8_t d1[4] = {10, 9, 8, 7}, d2[4] = {11, 0, 0, 1};
    cr_assert_eq(vsa_keys_find_esp(&K, 4, s1, d1, 0x1234abcd), &K.esp[0]);
    cr_assert_null(vsa_keys_find_esp(&K, 4, s2, d1, 0x1234abcd), "last octet must be 1");
    cr_assert_null(vsa_keys_find_esp(&K, 4, s1, d2, 0x1234abcd), "outside 10/8");
    cr_assert_null(vsa_keys_find_esp(&K, 4, s1, d1, 0x1235abcd), "SPI prefix differs");
    uint8_t v6s[16] = {0x20, 0x01, 0x0d, 0xb8}, v6d[16] = {0x20, 0x01, 0x0d, 0xb8, 9};
    v6s[14] = 0x12;
    v6s[15] = 0x34;
    cr_assert_eq(vsa_keys_find_esp(&K, 6, v6s, v6d, 7), &K.esp[1]);
    v6d[3] = 0xb9;
    cr_assert_null(vsa_keys_find_esp(&K, 6, v6s, v6d, 7));
    v6d[3] = 0xb8;
    v6s[13] = 1; /* the "*" hextet is the last one only */
    cr_assert_null(vsa_keys_find_esp(&K, 6, v6s, v6d, 7));
}

Test(an_keys, esp_sa_all_algorithm_names)
{
    cr_assert_eq(
        load("\"IPv4\",\"*\",\"*\",\"1\",\"AES-GCM with 8 octet ICV [RFC4106]\",\"0x0001020304050607080910111213141516171819\",\"NULL\",\"\"\n"
             "\"IPv4\",\"*\",\"*\",\"2\",\"AES-GCM with 12 octet ICV [RFC4106]\",\"0x0001020304050607080910111213141516171819\",\"NULL\",\"\"\n"
             "\"IPv4\",\"*\",\"*\",\"3\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x000102030405060708091011121314151617181920212223242526272829303132333435\",\"NULL\",\"\"\n"
             "\"IPv4\",\"*\",\"*\",\"4\",\"ChaCha20 with Poly1305 [RFC7634]\",\"0x000102030405060708091011121314151617181920212223242526272829303132333435\",\"NULL\",\"\"\n"
             "\"IPv4\",\"*\",\"*\",\"5\",\"AES-CTR [RFC3686]\",\"0x00010203040506070809101112131415161718192021222324252627\",\"HMAC-SHA-384-192 [RFC4868]\",\"0x01\"\n"
             "\"IPv4\",\"*\",\"*\",\"6\",\"TripleDes-CBC [RFC2451]\",\"0x000102030405060708091011121314151617181920212223\",\"HMAC-SHA-512-256 [RFC4868]\",\"0x01\"\n"
             "\"IPv4\",\"*\",\"*\",\"7\",\"AES-CBC [RFC3602]\",\"0x0001020304050607080910111213141516171819202122232425262728293031\",\"ANY 96 bit authentication [no checking]\",\"\"\n"
             "\"IPv4\",\"*\",\"*\",\"8\",\"AES-CBC [RFC3602]\",\"0x000102030405060708091011121314151617181920212223\",\"AES-XCBC-MAC-96 [RFC3566]\",\"0x000102030405060708090a0b0c0d0e0f\"\n"),
        8, "%s", err);
    cr_assert_eq(K.esp[0].icv_len, 8);
    cr_assert_eq(K.esp[1].icv_len, 12);
    cr_assert_eq(K.esp[2].icv_len, 16);
    cr_assert_eq(K.esp[2].enc_key_len, 36);
    cr_assert_eq(K.esp[3].enc, VSA_ENC_CHACHA20_POLY1305);
    cr_assert_eq(K.esp[4].enc, VSA_ENC_AES_CTR);
    cr_assert_eq(K.esp[4].enc_key_len, 28);
    cr_assert_eq(K.esp[4].icv_len, 24);
    cr_assert_eq(K.esp[5].enc, VSA_ENC_3DES_CBC, "strongSwan writes TripleDes: case-insensitive");
    cr_assert_eq(K.esp[5].icv_len, 32);
    cr_assert_eq(K.esp[6].integ, VSA_INTEG_ANY);
    cr_assert_eq(K.esp[6].icv_len, 12);
    cr_assert_eq(K.esp[7].integ, VSA_INTEG_AES_XCBC_96);
}

Test(an_keys, esp_sa_errors_name_file_and_line)
{
    expect_error("\n# c\n\"IPv4\",\"*\",\"*\",\"1\",\"NULL\",\"\",\"NULL\"\n", "keys.txt:3:",
                 "7 fields, expected 8");
    expect_error("\"IPv4\",\"*\",\"*\",\"1\",\"ROT13\",\"\",\"NULL\",\"\"\n", "keys.txt:1:",
                 "unknown encryption algorithm \"ROT13\"");
    expect_error("\"IPv4\",\"*\",\"*\",\"1\",\"NULL\",\"\",\"HMAC-FOO\",\"\"\n", "keys.txt:1:",
                 "unknown authentication algorithm");
    expect_error("\"IPv4\",\"*\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\"\n"
                 "\"IPv4\",\"*\",\"*\",\"2\",\"AES-CBC [RFC3602]\",\"0x0011\",\"NULL\",\"\"\n",
                 "keys.txt:2:", "AES-CBC needs a 16, 24 or 32-byte key, this one has 2 bytes");
    expect_error("\"IPv4\",\"*\",\"*\",\"1\",\"AES-CBC [RFC3602]\",\"0x00112233445566778899aabbccddeeXX\",\"NULL\",\"\"\n",
                 "keys.txt:1:", "invalid hex digit");
    expect_error("\"IPv4\",\"*\",\"*\",\"0xZZ\",\"NULL\",\"\",\"NULL\",\"\"\n", "keys.txt:1:",
                 "SPI \"0xZZ\" is not a 32-bit number");
    expect_error("\"IPv4\",\"*\",\"*\",\"0x12**\",\"NULL\",\"\",\"NULL\",\"\"\n", "keys.txt:1:",
                 "wildcard SPI");
    expect_error("\"IPv4\",\"300.1.1.1\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\"\n", "keys.txt:1:",
                 "not an IPv4 address");
    expect_error("\"IPv6\",\"2001:db8::zz\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\"\n", "keys.txt:1:",
                 "not an IPv6 address");
    expect_error("\"IPv4\",\"10.0.0.0/33\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\"\n", "keys.txt:1:",
                 "bad prefix length");
    expect_error("\"IPv5\",\"*\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\"\n", "keys.txt:1:",
                 "neither IPv4 nor IPv6");
    expect_error("\"IPv4\",\"*\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\n", "keys.txt:1:",
                 "unterminated quoted field");
    expect_error("\"IPv4\"x,\"*\",\"*\",\"1\",\"NULL\",\"\",\"NULL\",\"\"\n", "keys.txt:1:",
                 "unexpected character 'x'");
    expect_error("\"IPv4\",\"*\",\"*\",\"1\",\"NULL\",\"\",\"HMAC-SHA-1-96 [RFC2404]\",\"\"\n",
                 "keys.txt:1:", "authentication key is empty");
    expect_error("\"IPv4\",\"*\",\"*\",\"1\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x00112233445566778899aabbccddeeff\",\"NULL\",\"\"\n",
                 "keys.txt:1:", "4-byte salt");
    expect_error("\"IPv4\",\"*\",\"*\",\"1\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x0011223344556677889900112233445566778899\",\"HMAC-MD5-96 [RFC2403]\",\"0x01\"\n",
                 "keys.txt:1:", "combined-mode");
    expect_error("just some words\n", "keys.txt:1:", "unrecognised key format");
}

Test(an_keys, error_messages_never_contain_key_bytes)
{
    expect_error("\"IPv4\",\"*\",\"*\",\"1\",\"AES-CBC [RFC3602]\",\"0xdeadbeefcafe\",\"NULL\",\"\"\n",
                 "keys.txt:1:", "6 bytes");
    cr_assert_null(strstr(err, "deadbeef"), "key material in the message: %s", err);
}

Test(an_keys, nonexistent_file)
{
    int r = vsa_keys_load_file(&K, "/nonexistent/keys", VSA_KF_AUTO, err, sizeof err);
    cr_assert_eq(r, -1);
    cr_assert_str_eq(err, "/nonexistent/keys: cannot open key file: No such file or directory");
}

Test(an_keys, empty_file_is_an_error)
{
    char path[] = "/tmp/vsa_keys_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# only a comment\n\n", f);
    fclose(f);
    int r = vsa_keys_load_file(&K, path, VSA_KF_AUTO, err, sizeof err);
    remove(path);
    cr_assert_eq(r, -1);
    cr_assert(strstr(err, "no keys in this file") != NULL, "%s", err);
}

Test(an_keys, ikev1_table_from_the_corpus)
{
    const char *path = vs_shared_capture("zeek-spicy-ipsec__ikev1-certs.pcap.keys.txt");
    cr_assert_eq(vsa_keys_load_file(&K, path, VSA_KF_AUTO, err, sizeof err), 3, "%s", err);
    cr_assert_eq(K.n_ike1, 3);
    const uint8_t ck[8] = {0xfa, 0xfa, 0xeb, 0x49, 0x38, 0x2a, 0x76, 0x3c};
    const vsa_ike1_key *e = vsa_keys_find_ike1(&K, ck);
    cr_assert_not_null(e);
    cr_assert_eq(e->key_len, 24);
    cr_assert_eq(e->key[0], 0x73);
    cr_assert_eq(e->key[23], 0x40);
    cr_assert_eq(K.ike1[1].key_len, 32);
    cr_assert(strstr(e->origin, ":2") != NULL, "%s", e->origin);
}

Test(an_keys, ikev1_errors)
{
    expect_error("fafaeb49382a763c\n", "keys.txt:1:", "unrecognised key format");
    expect_error("fafaeb49382a763c,zz\n", "keys.txt:1:", "encryption key is not hexadecimal");
    expect_error("fafaeb49382a763c,\n", "keys.txt:1:", "encryption key is empty");
    expect_error("fafaeb49382a763c,0011,22\n", "keys.txt:1:", "3 fields, expected 2");
    expect_error("fafaeb49382a763c,001\n", "keys.txt:1:", "odd number of hex digits");
}

Test(an_keys, ikev2_table)
{
    /* as strongSwan's save-keys and Wireshark write it */
    cr_assert_eq(load("0123456789abcdef,fedcba9876543210,00112233445566778899aabbccddeeff,"
                      "ffeeddccbbaa99887766554433221100,\"AES-CBC-128 [RFC3602]\","
                      "0102030405060708090a0b0c0d0e0f1011121314,1112131415161718191a1b1c1d1e1f2021222324,"
                      "\"HMAC_SHA1_96 [RFC2404]\"\n"
                      "0123456789abcdef,0000000000000001,00112233445566778899aabbccddeeff00112233,"
                      "ffeeddccbbaa99887766554433221100ffeeddcc,\"AES-GCM-128 with 16 octet ICV [RFC5282]\",,,"
                      "\"NONE [RFC4306]\"\n"),
                 2, "%s", err);
    const uint8_t si[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    const uint8_t sr[8] = {0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
    const vsa_ike2_key *e = vsa_keys_find_ike2(&K, si, sr);
    cr_assert_eq(e, &K.ike2[0]);
    cr_assert_eq(e->enc, VSA_ENC_AES_CBC);
    cr_assert_eq(e->enc_key_bits, 128);
    cr_assert_eq(e->sk_e_len, 16);
    cr_assert_eq(e->sk_a_len, 20);
    cr_assert_eq(e->icv_len, 12);
    cr_assert_eq(e->sk_er[0], 0xff);
    cr_assert_eq(K.ike2[1].enc, VSA_ENC_AES_GCM);
    cr_assert_eq(K.ike2[1].icv_len, 16);
    cr_assert_eq(K.ike2[1].sk_e_len, 20);
}

Test(an_keys, ikev2_chacha20_poly1305)
{
    /* vpnscope's extension of the table (Wireshark 4.0 has no RFC 7634 entry):
     * 32-byte key + 4-byte salt. */
    cr_assert_eq(load("0123456789abcdef,fedcba9876543210,"
                      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223,"
                      "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40414243,"
                      "\"ChaCha20-Poly1305 [RFC7634]\",,,\"NONE [RFC4306]\"\n"),
                 1, "%s", err);
    cr_assert_eq(K.ike2[0].enc, VSA_ENC_CHACHA20_POLY1305);
    cr_assert_eq(K.ike2[0].sk_e_len, 36);
    cr_assert_eq(K.ike2[0].icv_len, 16);
    cr_assert_neq(load("0123456789abcdef,fedcba9876543210,0011,2233,"
                       "\"ChaCha20-Poly1305 [RFC7634]\",,,\"NONE [RFC4306]\"\n"),
                  1, "a 2-byte key must be refused");
}

Test(an_keys, ikev2_errors)
{
    expect_error("0123456789abcdef,fedcba9876543210,0011,0011,\"AES-CBC-128 [RFC3602]\",01,01,\"HMAC_SHA1_96 [RFC2404]\"\n",
                 "keys.txt:1:", "needs 16-byte SK_ei and SK_er");
    expect_error("0123456789abcdef,fedcba9876543210,,,\"ROT13\",,,\"NONE [RFC4306]\"\n", "keys.txt:1:",
                 "unknown IKEv2 encryption algorithm");
    expect_error("0123456789abcdef,fedcba98765432,,,\"NULL [RFC2410]\",,,\"NONE [RFC4306]\"\n",
                 "keys.txt:1:", "responder SPI must be 8 bytes");
    expect_error("0123456789abcdef,fedcba9876543210,,,\"NULL [RFC2410]\",01,0102,\"HMAC_MD5_96 [RFC2403]\"\n",
                 "keys.txt:1:", "SK_ai and SK_ar differ");
}

Test(an_keys, tcpdump_secrets)
{
    cr_assert_eq(
        vsa_keys_add_tcpdump(&K, "-E", 0,
                             "0x12345678@192.1.2.45 3des-cbc-hmac96:0x4043434545464649494a4a4c4c4f4f515152525454575758,"
                             "0xed123456@192.1.2.45 aes128:0xaaaabbbbccccdddd4043434545464649",
                             err, sizeof err),
        2, "%s", err);
    cr_assert_eq(K.esp[0].enc, VSA_ENC_3DES_CBC);
    cr_assert_eq(K.esp[0].integ, VSA_INTEG_ANY, "tcpdump never checks the ICV");
    cr_assert_eq(K.esp[0].icv_len, 12);
    cr_assert_eq(K.esp[1].enc, VSA_ENC_AES_CBC);
    cr_assert_eq(K.esp[1].icv_len, 0);
    cr_assert_eq(vsa_keys_find_esp(&K, 4, V4_192_1_2_23, V4_192_1_2_45, 0x12345678), &K.esp[0]);
    cr_assert_null(vsa_keys_find_esp(&K, 4, V4_192_1_2_45, V4_192_1_2_23, 0x12345678),
                   "the address is the destination");
    /* file form, with a default secret (no spi@) that matches anything */
    cr_assert_eq(load("# esp secrets\n"
                      "0x1@10.0.0.1\tdes-cbc:abcdefgh\n"
                      "aes256-cbc:0x000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f\n"),
                 2, "%s", err);
    cr_assert_eq(K.esp[2].enc, VSA_ENC_DES_CBC);
    cr_assert_eq(K.esp[3].spi_mask, 0);
    cr_assert_eq(vsa_keys_find_esp(&K, 4, V4_192_1_2_23, V4_192_1_2_23, 99), &K.esp[3]);
    cr_assert(strstr(K.esp[3].origin, "keys.txt:3") != NULL, "%s", K.esp[3].origin);
}

Test(an_keys, tcpdump_errors)
{
    expect_error("0x1@10.0.0.1 rot13:abc\n", "keys.txt:1:", "unknown tcpdump algorithm \"rot13\"");
    expect_error("0x1@10.0.0.1 des-cbc:abc\n", "keys.txt:1:", "needs a 8-byte secret, this one has 3");
    expect_error("# x\n0x1-10.0.0.1 des-cbc:abcdefgh\n", "keys.txt:2:", "spi@address");
    expect_error("zz@10.0.0.1 des-cbc:abcdefgh\n", "keys.txt:1:", "SPI \"zz\"");
    expect_error("0x1@10.0.0.1 des-cbc:0x0102\n", "keys.txt:1:", "8-byte secret");
    expect_error("0x1@10.0.0.1 des-cbc:0x01x\n", "keys.txt:1:", "hex digits");
}

static const char *XFRM =
    "src 192.1.2.23 dst 192.1.2.45\n"
    "\tproto esp spi 0xed123456 reqid 1 mode tunnel\n"
    "\treplay-window 0 flag af-unspec\n"
    "\tauth-trunc hmac(sha1) 0x8765876587658765876587658765876587658765 96\n"
    "\tenc cbc(aes) 0xaaaabbbbccccdddd4043434545464649\n"
    "\tanti-replay context: seq 0x0, oseq 0x0, bitmap 0x00000000\n"
    "\tsel src 0.0.0.0/0 dst 0.0.0.0/0\n"
    "src 2001:db8::1 dst 2001:db8::2\n"
    "\tproto esp spi 0x00000201 reqid 2 mode transport\n"
    "\treplay-window 32 flag esn\n"
    "\taead rfc4106(gcm(aes)) 0x00112233445566778899aabbccddeeff01020304 64\n"
    "src 10.0.0.1 dst 10.0.0.2\n"
    "\tproto comp spi 0x00001234 reqid 3 mode tunnel\n"
    "src 10.0.0.1 dst 10.0.0.2\n"
    "\tproto esp spi 0x00000301 reqid 4 mode tunnel\n"
    "\tauth hmac(sha256) 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\n"
    "\tenc rfc3686(ctr(aes)) 0x00112233445566778899aabbccddeeff01020304\n";

Test(an_keys, ip_xfrm_state)
{
    cr_assert_eq(load(XFRM), 3, "%s", err);
    cr_assert_eq(K.esp[0].spi, 0xed123456);
    cr_assert_eq(K.esp[0].enc, VSA_ENC_AES_CBC);
    cr_assert_eq(K.esp[0].integ, VSA_INTEG_HMAC_SHA1_96);
    cr_assert_eq(K.esp[0].icv_len, 12);
    cr_assert_eq(K.esp[0].auth_key_len, 20);
    cr_assert_eq(vsa_keys_find_esp(&K, 4, V4_192_1_2_23, V4_192_1_2_45, 0xed123456), &K.esp[0]);
    cr_assert_null(vsa_keys_find_esp(&K, 4, V4_192_1_2_45, V4_192_1_2_23, 0xed123456),
                   "xfrm states are exact about both addresses");
    cr_assert_eq(K.esp[1].enc, VSA_ENC_AES_GCM);
    cr_assert_eq(K.esp[1].icv_len, 8);
    cr_assert(K.esp[1].esn);
    cr_assert_not(K.esp[0].esn);
    cr_assert_eq(K.esp[1].src.af, 6);
    cr_assert_eq(K.esp[2].integ, VSA_INTEG_HMAC_SHA256_128);
    cr_assert_eq(K.esp[2].icv_len, 16);
    cr_assert_eq(K.esp[2].enc, VSA_ENC_AES_CTR);
    cr_assert(strstr(K.esp[2].origin, "keys.txt:14") != NULL, "%s", K.esp[2].origin);
}

Test(an_keys, ip_xfrm_errors)
{
    expect_error("src 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x1\n\tenc cbc(twofish) 0x00\n",
                 "keys.txt:3:", "unsupported xfrm algorithm");
    expect_error("src 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x1\n\tauth-trunc hmac(sha1) 0x01 80\n"
                 "\tenc cbc(aes) 0x00112233445566778899aabbccddeeff\n",
                 "keys.txt:3:", "not a standard ESP transform");
    expect_error("src 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x1\nsrc 10.0.0.1 dst 10.0.0.3\n",
                 "keys.txt:1:", "no enc or aead line");
    expect_error("src 10.0.0.1\n", "keys.txt:1:", "src ADDRESS dst ADDRESS");
}
