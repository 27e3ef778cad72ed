/* Fuzz target: IPv4/IPv6 with options and extension headers, then UDP (with
 * the NAT-T demultiplexing) and GRE on the payload. Byte 0 bit 0: whether the
 * enclosing PDU's length is known (a frame) or not (a bare buffer). */
#include <stdint.h>
#include <stdlib.h>

#include "vpnscope/gre.h"
#include "vpnscope/ip.h"
#include "vpnscope/udp.h"

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
    vs_ip_msg m, m2;
    vs_status a = vs_ip_decode(&c, &t, &m);
    vs_status b = vs_ip_decode(&c2, NULL, &m2);
    if (a != b || m.proto != m2.proto || m.hdr_len != m2.hdr_len || m.n_ext != m2.n_ext ||
        m.n_opts != m2.n_opts || c.pos != c2.pos)
        abort();
    if (c.pos > c.cap || c.cap > n || t.depth != 0)
        abort();
    if (m.payload_cur.status == VS_OK) {
        if (m.payload_cur.cap > n || m.payload_cur.pos > m.payload_cur.cap)
            abort();
        vs_cursor u = m.payload_cur;
        vs_udp_msg um;
        vs_udp_decode(&u, &t, &m, &um);
        if (um.payload_cur.status == VS_OK && um.payload_cur.cap > n)
            abort();
        vs_cursor g = m.payload_cur;
        vs_gre_msg gm;
        vs_gre_decode(&g, &t, &m, &gm);
        if (t.depth != 0)
            abort();
    }
    return 0;
}
