/* `vpnscope overhead CAPTURE`: the core's per-packet overhead measurement
 * (vs_overhead_measure_frame) aggregated per tunnel, fed by the pipeline's
 * observer hook (VSA_MODE_OBSERVE). */
#ifndef VSA_OVERHEAD_CAPTURE_H
#define VSA_OVERHEAD_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "keys/keys.h"
#include "vpnscope/frame.h"
#include "vpnscope/overhead.h"

typedef struct vsa_oh_opts {
    uint32_t mtu;              /* path MTU (1500) */
    const vs_encap_plan *xform; /* --transform / --encap, NULL when not given */
    const vsa_keys *keys;      /* names the transform of decrypted SAs; may be NULL */
} vsa_oh_opts;

/* How a tunnel's packets travel between its two outer endpoints. */
typedef enum vsa_oh_carrier { VSA_OH_GRE = 0, VSA_OH_ESP, VSA_OH_ESP_UDP } vsa_oh_carrier;

/* One measured packet. */
typedef struct vsa_oh_pkt {
    uint64_t frame;
    vs_overhead b;
    uint32_t encrypted; /* exact != 1: bytes of the encrypted part left unsplit */
    uint8_t exact;      /* as vs_overhead_measure.exact */
    uint8_t type;       /* vs_tunnel_type of this packet */
    bool fragmented;    /* reassembled from IP fragments */
} vsa_oh_pkt;

#define VSA_OH_MAX_SPIS 8

typedef struct vsa_oh_tunnel {
    uint8_t af;                 /* 4 or 6 */
    uint8_t a[16], b[16];       /* endpoints, a the lower address */
    vsa_oh_carrier carrier;
    uint32_t spis[VSA_OH_MAX_SPIS];
    size_t n_spis;
    bool more_spis;
    bool nhrp;                  /* NHRP seen between these endpoints (also inside ESP) */
    bool have_sa;
    vsa_esp_sa sa;              /* the first key that decrypted a packet here */
    char transform[80];         /* IOS words, "" when unknown */
    vsa_oh_pkt *pkts;
    size_t n, cap;
    uint64_t n_type[VS_TUN__COUNT];
    uint64_t fragments;         /* packets that arrived as IP fragments */
    uint64_t first_fragment_frame;
    uint64_t over_mtu;          /* packets larger than the path MTU */
    uint64_t calc_checked, calc_mismatch, first_mismatch_frame;
    /* filled by vsa_oh_finish */
    vs_tunnel_type type;
    bool type_assumed;          /* IPsec type from --transform/--encap, nothing decrypted */
    const char *mgre_reason;    /* why a GRE tunnel counts as mGRE (NULL: plain GRE) */
    uint32_t min_oh, med_oh, max_oh;
    size_t med_idx, max_total_idx;
    uint64_t n_exact;
    bool have_plan;
    vs_encap_plan plan;         /* for the advice (cipher/integ cleared after use) */
    vs_mtu_advice advice;
    uint8_t block;              /* padding alignment when known (estimates) */
} vsa_oh_tunnel;

typedef struct vsa_oh_agg vsa_oh_agg;

vsa_oh_agg *vsa_oh_new(const vsa_oh_opts *o);
void vsa_oh_free(vsa_oh_agg *a);
/* The pipeline observer (vsa_observer.packet) with ctx = the aggregate. */
void vsa_oh_observe(void *ctx, uint64_t frame_no, int depth, const uint8_t *data, size_t caplen,
                    const vs_frame *fr, const vs_esp_plain *plain);
/* Sort and summarise; call once after the last packet. */
void vsa_oh_finish(vsa_oh_agg *a);
size_t vsa_oh_count(const vsa_oh_agg *a);
const vsa_oh_tunnel *vsa_oh_tunnel_at(const vsa_oh_agg *a, size_t i);
/* Print the report (text or JSON); returns 1 when there are findings
 * (packets over the MTU, fragments, calculator disagreements), else 0. */
int vsa_oh_report(const vsa_oh_agg *a, FILE *out, bool json);

#endif
