/*
 * The capture pipeline shared by the subcommands: read frames, walk them with
 * the core's frame stack, reassemble IP fragments, decrypt ESP with the
 * user's keys, and account for every frame under exactly one named
 * disposition (decoded, decrypted, or the reason it was not).
 */
#ifndef VSA_PIPELINE_H
#define VSA_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/esp.h"
#include "keys/keys.h"
#include "vpnscope/frame.h"
#include "vpnscope/overhead.h"

/* VSA_MODE_OBSERVE: no per-frame output and no SA report; the observer
 * below sees every packet (e.g. `vpnscope overhead CAPTURE`). */
typedef enum vsa_mode { VSA_MODE_DECODE, VSA_MODE_DECRYPT, VSA_MODE_SA, VSA_MODE_OBSERVE } vsa_mode;

/* An observer of the pipeline: called once for every packet walked (the
 * captured frame at depth 0; reassembled datagrams and decrypted inner
 * packets at depth > 0), after the pipeline handled it, with the decoded
 * frame. For an ESP packet that decrypted, plain is the decrypted payload
 * (inner packet, padding, pad length, next header) with the SA's IV and ICV
 * lengths; otherwise NULL. The pointers are valid during the call only. */
typedef struct vsa_observer {
    void *ctx;
    void (*packet)(void *ctx, uint64_t frame_no, int depth, const uint8_t *data, size_t caplen,
                   const vs_frame *fr, const vs_esp_plain *plain);
} vsa_observer;

typedef struct vsa_opts {
    vsa_mode mode;
    bool json;
    bool show_keys;
    int progress;          /* -1 auto (stderr is a terminal), 0 off, 1 on */
    bool no_reassembly;
    const char *out_path;  /* decrypt: -w */
    size_t reasm_max_bytes;
    double reasm_timeout;
    FILE *out;             /* text / JSON / report output */
    FILE *err;             /* messages, totals when out carries data */
    unsigned threads;      /* sa: worker threads (SAs spread over them); 0/1: one */
    vsa_observer observer; /* optional (packet == NULL: none) */
} vsa_opts;

/* Every frame ends in exactly one of these. */
#define VSA_DISPOSITIONS(X)                                                                  \
    X(ESP_DECRYPTED, "esp.decrypted", "ESP decrypted (ICV good or not checkable)")          \
    X(ESP_NO_KEY, "esp.no_key", "ESP without a matching key")                              \
    X(ESP_ICV_BAD, "esp.icv_failure", "ESP ICV failure (wrong key or damaged)")           \
    X(ESP_TRUNCATED, "esp.truncated", "ESP cut short by the capture")                     \
    X(ESP_MALFORMED, "esp.malformed", "ESP length or trailer impossible for the SA")      \
    X(ESP_UNSUPPORTED, "esp.unsupported_algorithm", "ESP with an unsupported algorithm") \
    X(AH, "ah", "AH (authenticated, not encrypted)")                                       \
    X(IKE, "ike", "IKE / ISAKMP")                                                          \
    X(GDOI, "gdoi", "GDOI")                                                                \
    X(NHRP, "nhrp", "NHRP")                                                                \
    X(NATT_KEEPALIVE, "natt_keepalive", "NAT-T keepalive")                                \
    X(OTHER, "other_payload", "other IP payload (TCP, ICMP, ...)")                        \
    X(INNER_IP, "ip_depth_limit", "IP nested deeper than the stack follows")              \
    X(FRAGMENT_HELD, "ip.fragment_held", "IP fragment held for reassembly")               \
    X(FRAGMENT_DROPPED, "ip.fragment_dropped", "IP fragment dropped (overlap conflict, bad, limits)") \
    X(LINKTYPE, "unsupported_link_type", "unsupported link type")                         \
    X(NOT_IP, "not_ip", "not IP (ARP, STP, ...)")                                          \
    X(NOT_FOLLOWED, "not_followed", "IP protocol, port or GRE type not followed")         \
    X(TRUNCATED, "truncated", "truncated headers")                                          \
    X(MALFORMED, "malformed", "malformed headers")

typedef enum vsa_disp {
#define X(id, key, text) VSA_D_##id,
    VSA_DISPOSITIONS(X)
#undef X
        VSA_D__COUNT
} vsa_disp;

const char *vsa_disp_key(vsa_disp d);
const char *vsa_disp_text(vsa_disp d);

typedef struct vsa_run vsa_run;

vsa_run *vsa_run_new(const vsa_opts *o, const vsa_keys *keys);
/* Process one capture file. Returns 0, or -1 after printing an input error. */
int vsa_run_file(vsa_run *r, const char *path);
/* Process one frame already in memory (tests, fuzzing); frame_no 1-based. */
void vsa_run_packet(vsa_run *r, int linktype, uint64_t frame_no, int64_t ts_sec, uint32_t ts_nsec,
                    const uint8_t *data, size_t caplen, size_t wirelen);
/* Print the totals (and the SA report in sa mode); returns the exit code:
 * 0 ok, 1 findings (ICV failures, replays, bad padding...), 2 input error. */
int vsa_run_finish(vsa_run *r);
void vsa_run_free(vsa_run *r);

/* Process the captures with o->threads threads (sa mode: each thread reads
 * the captures and decrypts the SAs it owns); prints the report and returns
 * the exit code like vsa_run_finish. */
int vsa_run_parallel(const vsa_opts *o, const vsa_keys *keys, char *const *paths, int n_paths);

/* Counters, for tests. */
uint64_t vsa_run_count(const vsa_run *r, vsa_disp d);
uint64_t vsa_run_frames(const vsa_run *r);

#endif
