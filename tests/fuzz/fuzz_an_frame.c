/* Fuzz the analyzer pipeline on one frame: frame stack, reassembly, ESP
 * decryption with every algorithm (keys matched by SPI 1..6), IKEv2 SK
 * decryption (SPIs zero), IKEv1/GDOI decode and decryption attempts (cookie
 * zero and the zeek capture's) and JSON output. The first input byte picks the
 * link type. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "pipeline/pipeline.h"

static const char KEYS[] =
    "\"IPv4\",\"*\",\"*\",\"0x00000001\",\"AES-CBC [RFC3602]\",\"0x00112233445566778899aabbccddeeff\",\"HMAC-SHA-1-96 [RFC2404]\",\"0x0102030405060708090a0b0c0d0e0f1011121314\"\n"
    "\"IPv4\",\"*\",\"*\",\"0x00000002\",\"TripleDES-CBC [RFC2451]\",\"0x000102030405060708090a0b0c0d0e0f1011121314151617\",\"HMAC-MD5-96 [RFC2403]\",\"0x0102\"\n"
    "\"IPv4\",\"*\",\"*\",\"0x00000003\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x00112233445566778899aabbccddeeff01020304\",\"NULL\",\"\"\n"
    "\"IPv4\",\"*\",\"*\",\"0x00000004\",\"ChaCha20 with Poly1305 [RFC7634]\",\"0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff01020304\",\"NULL\",\"\"\n"
    "\"IPv4\",\"*\",\"*\",\"0x00000005\",\"AES-CTR [RFC3686]\",\"0x00112233445566778899aabbccddeeff01020304\",\"HMAC-SHA-256-128 [RFC4868]\",\"0x01\"\n"
    "\"IPv4\",\"*\",\"*\",\"0x00000006\",\"NULL\",\"\",\"AES-XCBC-MAC-96 [RFC3566]\",\"0x000102030405060708090a0b0c0d0e0f\"\n"
    "\"IPv4\",\"*\",\"*\",\"0x00000007\",\"NULL\",\"\",\"NULL\",\"\"\n"
    "\"IPv6\",\"*\",\"*\",\"*\",\"NULL\",\"\",\"NULL\",\"\"\n";
static const char IKE2[] =
    "0000000000000000,0000000000000000,00112233445566778899aabbccddeeff,00112233445566778899aabbccddeeff,"
    "\"AES-CBC-128 [RFC3602]\",0102030405060708090a0b0c0d0e0f1011121314,0102030405060708090a0b0c0d0e0f1011121314,"
    "\"HMAC_SHA1_96 [RFC2404]\"\n";
static const char IKE1[] = "0000000000000000,00112233445566778899aabbccddeeff0011223344556677\n"
                           "fafaeb49382a763c,735be0cb62f82675c4f7bf8fbab9b56834ba76d6ab4fa240\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vsa_keys keys;
    static bool init;
    static FILE *null;
    if (!init) {
        char err[256];
        vsa_keys_init(&keys);
        if (vsa_keys_load_text(&keys, "fuzz-esp", KEYS, VSA_KF_AUTO, err, sizeof err) < 0 ||
            vsa_keys_load_text(&keys, "fuzz-ike", IKE2, VSA_KF_AUTO, err, sizeof err) < 0 ||
            vsa_keys_load_text(&keys, "fuzz-ike1", IKE1, VSA_KF_AUTO, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            abort();
        }
        null = fopen("/dev/null", "w");
        init = true;
    }
    if (size < 1)
        return 0;
    static const int lt[] = {1, 101, 0, 113, 276, 108, 12, 147};
    int linktype = lt[data[0] & 7];
    for (int mode = 0; mode < 2; mode++) {
        vsa_opts o;
        memset(&o, 0, sizeof o);
        o.mode = VSA_MODE_DECODE;
        o.json = mode == 1;
        o.progress = 0;
        o.out = null;
        o.err = null;
        vsa_run *r = vsa_run_new(&o, &keys);
        if (!r)
            return 0;
        /* the frame twice: the second copy exercises replay and reassembly state */
        vsa_run_packet(r, linktype, 1, 0, 0, data + 1, size - 1, size - 1);
        vsa_run_packet(r, linktype, 2, 0, 0, data + 1, size - 1, size - 1);
        vsa_run_finish(r);
        vsa_run_free(r);
    }
    return 0;
}
