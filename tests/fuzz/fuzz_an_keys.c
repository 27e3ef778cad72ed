/* Fuzz the key file parsers (every format, auto-detected and forced). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512];
    for (int fmt = VSA_KF_AUTO; fmt <= VSA_KF_XFRM; fmt++) {
        vsa_keys k;
        vsa_keys_init(&k);
        vsa_keys_load_text(&k, "fuzz", text, (vsa_keyfmt)fmt, err, sizeof err);
        uint8_t a[16] = {0};
        vsa_keys_find_esp(&k, 4, a, a, 0x01020304);
        vsa_keys_find_esp(&k, 6, a, a, 0);
        vsa_keys_free(&k);
    }
    vsa_keys k;
    vsa_keys_init(&k);
    vsa_keys_add_tcpdump(&k, "fuzz", 1, text, err, sizeof err);
    vsa_keys_free(&k);
    free(text);
    return 0;
}
