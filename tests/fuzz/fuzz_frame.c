/* Fuzz target: the frame stack. Byte 0 picks the link type and how much of
 * the frame the "capture" lost; the rest is the frame. Checks: no overread
 * (sanitizers), every tree open closed, the typed walk without a tree gives
 * the same result, and the application cursor stays inside the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vpnscope/frame.h"

static const int linktypes[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int lt = linktypes[(data[0] & 0x0F) % (sizeof linktypes / sizeof linktypes[0])];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    size_t wire = n + (size_t)(data[0] >> 4) * 8;
    vs_item items[512];
    vs_problem_rec probs[64];
    vs_tree t;
    vs_tree_init(&t, p, items, 512, probs, 64);
    vs_frame f, g;
    vs_status a = vs_frame_decode(lt, p, n, wire, &t, &f);
    vs_status b = vs_frame_decode(lt, p, n, wire, NULL, &g);
    /* with and without a tree (without one, plain ESP frames take the fast
     * path in frame.c): the same frame, field by field */
    if (a != b || f.n_layers != g.n_layers || f.app != g.app || f.reason != g.reason ||
        f.status != g.status || f.detail != g.detail || f.n_layers_total != g.n_layers_total ||
        f.ip_depth != g.ip_depth || f.app_span.off != g.app_span.off ||
        f.app_span.len != g.app_span.len || f.app_cur.pos != g.app_cur.pos ||
        f.app_cur.end != g.app_cur.end || f.app_cur.cap != g.app_cur.cap ||
        f.app_cur.status != g.app_cur.status || f.trailer.off != g.trailer.off ||
        f.trailer.len != g.trailer.len)
        abort();
    for (size_t i = 0; i < f.n_layers; i++)
        if (memcmp(&f.layers[i], &g.layers[i], sizeof f.layers[i]) != 0)
            abort();
    if (t.depth != 0 && !t.overflow)
        abort();
    if (f.app != VS_APP_NONE && (f.app_cur.cap > n || f.app_cur.pos > f.app_cur.cap))
        abort();
    for (size_t i = 0; i < t.n_items; i++)
        if (t.items[i].field >= VS_F__COUNT)
            abort();
    return 0;
}
