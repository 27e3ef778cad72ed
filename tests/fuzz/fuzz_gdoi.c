/* Fuzz target: the GDOI decoder, both entry points (whole message,
 * and the input as a decrypted payload chain whose first payload type is
 * the first byte), with a tree and without. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

#include "vpnscope/gdoi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[] = {4096, 7};
    vs_gdoi_msg *m = malloc(sizeof *m);
    vs_item *items = malloc(4096 * sizeof *items);
    vs_problem_rec probs[32];
    for (int k = 0; k < 2; k++) {
        vs_tree t;
        vs_tree_init(&t, data, items, caps[k], probs, 32);
        vs_cursor c;
        vs_cur_init(&c, data, size, k ? size : VS_LEN_UNKNOWN);
        vs_gdoi_decode(&c, k ? NULL : &t, k ? m : NULL);
        vs_gdoi_decode(&c, &t, m); /* again on a finished cursor: must be harmless */
    }
    if (size > 1) {
        vs_tree t;
        vs_tree_init(&t, data + 1, items, 4096, probs, 32);
        vs_cursor c;
        vs_cur_init(&c, data + 1, size - 1, VS_LEN_UNKNOWN);
        vs_gdoi_decode_payloads(&c, data[0], 2, &t, m);
    }
    free(items);
    free(m);
    return 0;
}
