/* Fuzz target: the NHRP decoder.
 * Input: one option byte, then the NHRP packet.
 *   bits 0-1  authentication layout (0 auto, 1 RFC, 2 Cisco, 3 auto)
 *   bit 2     the carrier's length is known (= the packet bytes) or not
 *   bit 3     decode without a tree / without a typed result
 * Beyond the sanitizers, it checks the decoder's promises: every item (and
 * problem) lies inside the buffer, typed spans too, capacities hold, every
 * subtree opened is closed. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "vpnscope/nhrp.h"

static void check_span(vs_span s, size_t size)
{
    if (s.off > size || s.len > size - s.off)
        abort();
}

static void check_addr(const vs_nhrp_addr *a, size_t size)
{
    if (a->family != VS_NHRP_AF_NONE)
        check_span(a->span, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    vs_nhrp_opts o = {.auth = (vs_nhrp_auth_mode)((flags & 3) == 3 ? 0 : (flags & 3))};
    static vs_item items[512]; /* fuzzer process is single-threaded */
    vs_problem_rec probs[32];
    vs_tree t;
    vs_tree_init(&t, p, items, 512, probs, 32);
    vs_nhrp_msg *m = malloc(sizeof *m);
    vs_cursor c;
    vs_cur_init(&c, p, n, (flags & 4) ? n : VS_LEN_UNKNOWN);
    bool bare = (flags & 8) != 0;
    vs_status st = vs_nhrp_decode(&c, &o, bare ? NULL : &t, bare ? NULL : m);
    if (st > VS_MALFORMED || c.pos > n)
        abort();
    if (!bare) {
        if (m->status != st || m->n_cies > VS_NHRP_MAX_CIES || m->n_exts > VS_NHRP_MAX_EXTS ||
            m->n_cies > m->n_cies_total || m->n_exts > m->n_exts_total)
            abort();
        check_addr(&m->src_nbma, n);
        check_addr(&m->src_nbma_sub, n);
        check_addr(&m->src_proto, n);
        check_addr(&m->dst_proto, n);
        check_span(m->span, n);
        check_span(m->error_packet, n);
        check_span(m->traffic_packet, n);
        for (size_t i = 0; i < m->n_cies; i++) {
            check_addr(&m->cies[i].nbma, n);
            check_addr(&m->cies[i].nbma_sub, n);
            check_addr(&m->cies[i].proto, n);
            check_span(m->cies[i].span, n);
        }
        for (size_t i = 0; i < m->n_exts; i++) {
            check_addr(&m->exts[i].auth_src, n);
            if (m->exts[i].auth_form)
                check_span(m->exts[i].auth_data, n);
            if (m->exts[i].first_cie + m->exts[i].n_cies > m->n_cies)
                abort();
        }
        /* every item, subtrees included, names only captured bytes */
        for (size_t i = 0; i < t.n_items; i++)
            check_span(t.items[i].span, n);
        for (size_t i = 0; i < t.n_problems; i++)
            check_span(t.problems[i].span, n);
        if (t.depth != 0)
            abort(); /* every open was closed */
    }
    free(m);
    return 0;
}
