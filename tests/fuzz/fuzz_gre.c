/* Fuzz target: GRE (all flag combinations, RFC 1701 routing, PPTP) and Cisco
 * MetaData on its payload. Byte 0 bit 0: enclosing length known or not. */
#include <stdint.h>
#include <stdlib.h>

#include "vpnscope/gre.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    size_t end = (data[0] & 1) ? n : VS_LEN_UNKNOWN;
    vs_item items[256];
    vs_problem_rec probs[32];
    vs_tree t;
    vs_tree_init(&t, p, items, 256, probs, 32);
    vs_cursor c, c2;
    vs_cur_init(&c, p, n, end);
    vs_cur_init(&c2, p, n, end);
    vs_gre_msg g, g2;
    vs_status a = vs_gre_decode(&c, &t, NULL, &g);
    vs_status b = vs_gre_decode(&c2, NULL, NULL, &g2);
    if (a != b || g.hdr_len != g2.hdr_len || g.key != g2.key || g.cksum_ok != g2.cksum_ok)
        abort();
    if (t.depth != 0 || c.pos > c.cap)
        abort();
    if (g.payload_cur.status == VS_OK) {
        vs_cursor m = g.payload_cur;
        vs_cmd_msg cm;
        vs_cmd_decode(&m, &t, &cm);
        if (t.depth != 0 || m.pos > m.cap || m.cap > n)
            abort();
    }
    return 0;
}
