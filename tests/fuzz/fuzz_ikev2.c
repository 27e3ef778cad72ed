/* Fuzz target: the IKEv2 decoder.
 *   1. the input as a whole message (capture length unknown), with a tree;
 *   2. the same as a UDP payload of exactly that length, typed result only;
 *   3. input[0] as the first payload type and the rest as a decrypted SK body;
 *   4. the SK split with IV/ICV lengths taken from the input.
 * Invariants checked (abort = finding): every item's span lies inside its
 * buffer, subtrees are closed, counters never exceed capacities. */
#include <stdint.h>
#include <stdlib.h>
#include <stddef.h>

#include "vpnscope/ikev2.h"

static void check_tree(const vs_tree *t, size_t len)
{
    if (t->depth != 0)
        abort();
    for (size_t i = 0; i < t->n_items; i++) {
        const vs_span s = t->items[i].span;
        if (s.off > len || s.len > len - s.off)
            abort();
    }
    for (size_t i = 0; i < t->n_problems; i++) {
        const vs_span s = t->problems[i].span;
        if (s.off > len || s.len > len - s.off)
            abort();
    }
}

static void check_msg(const vs_ikev2_msg *m, size_t len)
{
    if (m->n_payloads > VS_IKEV2_MAX_PAYLOADS || m->n_notifies > VS_IKEV2_MAX_NOTIFIES ||
        m->n_spis > VS_IKEV2_MAX_SPIS || m->n_proposals > VS_IKEV2_MAX_PROPOSALS)
        abort();
    if (m->n_payloads > m->n_payloads_total || m->n_notifies > m->n_notifies_total)
        abort();
    for (size_t i = 0; i < m->n_payloads; i++)
        if (m->payloads[i].span.off > len)
            abort();
    for (size_t i = 0; i < m->n_notifies; i++) {
        vs_span d = m->notifies[i].data;
        if (d.off > len || d.len > len - d.off)
            abort();
    }
    for (size_t i = 0; i < m->n_proposals; i++)
        if (m->proposals[i].n_transforms > VS_IKEV2_MAX_TRANSFORMS)
            abort();
    if (m->has_sk && (m->sk_data.off > len || m->sk_data.len > len - m->sk_data.off))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vs_item items[512];
    vs_problem_rec probs[64];
    vs_tree t;
    vs_ikev2_msg m;
    vs_cursor c;

    vs_tree_init(&t, data, items, 512, probs, 64);
    vs_cur_init(&c, data, size, VS_LEN_UNKNOWN);
    vs_ikev2_decode(&c, &t, &m);
    check_tree(&t, size);
    check_msg(&m, size);
    if (m.has_sk && size > 1) {
        vs_ikev2_sk_parts p;
        if (vs_ikev2_sk_split(m.sk_data, data[size - 1] & 0x1F, data[size - 2] & 0x1F,
                              &t, &p) == VS_OK) {
            if (p.iv.len + p.ciphertext.len + p.icv.len != m.sk_data.len)
                abort();
        }
        check_tree(&t, size);
    }

    vs_cur_init(&c, data, size, size);
    vs_ikev2_decode(&c, NULL, &m);
    check_msg(&m, size);

    if (size > 0) {
        vs_tree_init(&t, data + 1, items, 512, probs, 64);
        vs_ikev2_msg_init(&m);
        vs_cur_init(&c, data + 1, size - 1, size - 1);
        vs_ikev2_decode_payloads(&c, data[0], &t, &m);
        check_tree(&t, size - 1);
        check_msg(&m, size - 1);
    }
    return 0;
}
