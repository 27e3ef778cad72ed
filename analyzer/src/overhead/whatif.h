/* `vpnscope overhead --what-if`: the MTU/MSS calculator on the core's
 * overhead model. */
#ifndef VSA_OVERHEAD_WHATIF_H
#define VSA_OVERHEAD_WHATIF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct vsa_whatif_opts {
    uint32_t size;         /* inner IP packet size */
    const char *encap;     /* one plan, or NULL for the table of classic variants */
    const char *transform; /* IOS transform words; NULL = esp-aes esp-sha-hmac */
    uint32_t mtu;          /* path MTU for the advice */
    bool gre_key;          /* tunnel key on the GRE variants of the table */
    bool json;
} vsa_whatif_opts;

/* Prints the report; returns 0, or 2 after a message on err naming the bad word. */
/* "outer IP 20 + ESP 8 + ... = total" (parts that are 0 left out) and the
 * same as a JSON object keyed by vpnscope.overhead.* catalogue names. */
struct vs_overhead;
void vsa_oh_breakdown_text(FILE *out, const struct vs_overhead *b);
struct json_t;
struct json_t *vsa_oh_breakdown_json(const struct vs_overhead *b);

int vsa_whatif_run(const vsa_whatif_opts *o, FILE *out, FILE *err);

#endif
