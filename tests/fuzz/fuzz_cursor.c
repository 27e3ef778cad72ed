/* Fuzz target: the cursor and tree primitives driven by the input itself. */
#include <stdint.h>
#include <stddef.h>

#include "vpnscope/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vs_item items[64];
    vs_problem_rec probs[8];
    vs_tree t;
    vs_tree_init(&t, data, items, 64, probs, 8);
    vs_cursor c;
    vs_cur_init(&c, data, size, VS_LEN_UNKNOWN);
    while (vs_cur_ok(&c) && !vs_cur_at_end(&c)) {
        uint8_t op = vs_u8(&c);
        vs_cursor s;
        switch (op & 7) {
        case 0: vs_rd_u16(&c, &t, VS_F_CORE_UNDECODED); break;
        case 1: vs_rd_u32(&c, &t, VS_F_CORE_UNDECODED); break;
        case 2: vs_rd_bytes(&c, &t, VS_F_CORE_UNDECODED, op >> 3); break;
        case 3:
            vs_cur_sub(&c, op >> 3, &s);
            while (vs_cur_ok(&s) && !vs_cur_at_end(&s))
                vs_rd_u24(&s, &t, VS_F_CORE_UNDECODED);
            break;
        case 4: vs_open(&t, VS_F_CORE_UNDECODED, vs_span_at(c.pos, 0), 0); break;
        case 5: vs_close(&t); break;
        case 6: vs_rd_u64(&c, &t, VS_F_CORE_UNDECODED); break;
        default: (void)vs_inet_cksum(data, size, op); break;
        }
    }
    return 0;
}
