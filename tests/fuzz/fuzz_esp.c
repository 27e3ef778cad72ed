/* Fuzz target: ESP header, the decrypted-payload trailer, AH, and the UDP 4500
 * demultiplexing, each on the same bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "vpnscope/esp.h"
#include "vpnscope/udp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    size_t end = (data[0] & 1) ? n : VS_LEN_UNKNOWN;
    /* Bits 1-3: the trailer's buffer claims up to 7 more bytes than captured. */
    size_t tend = n + ((data[0] >> 1) & 7);
    vs_item items[128];
    vs_problem_rec probs[32];
    vs_tree t;
    vs_tree_init(&t, p, items, 128, probs, 32);
    vs_cursor c;

    vs_cur_init(&c, p, n, end);
    vs_esp_msg e;
    vs_status a = vs_esp_decode(&c, &t, &e);
    vs_cur_init(&c, p, n, end);
    if (vs_esp_decode(&c, NULL, NULL) != a || t.depth != 0)
        abort();

    vs_cur_init(&c, p, n, tend);
    vs_esp_trailer tr;
    a = vs_esp_trailer_decode(&c, &t, &tr);
    if (a == VS_OK) {
        if ((size_t)tr.payload.len + tr.padding.len + 2 != n || tr.payload_cur.cap > n)
            abort();
    }
    if (t.depth != 0)
        abort();

    vs_cur_init(&c, p, n, end);
    vs_ah_msg ah;
    vs_ah_decode(&c, &t, &ah);
    if (t.depth != 0 || c.pos > c.cap)
        abort();

    vs_cur_init(&c, p, n, end);
    vs_natt_msg nm;
    if (vs_udp_natt_decode(&c, &t, &nm) == VS_OK && nm.payload_cur.cap > n)
        abort();
    if (t.depth != 0)
        abort();
    return 0;
}
