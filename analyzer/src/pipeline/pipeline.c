/* The capture pipeline (see pipeline.h). */
#include "pipeline/pipeline.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "input/capture.h"
#include "input/reasm.h"
#include "output/pcapng.h"
#include "output/progress.h"

#define VSA_EXIT_PIPELINE_ERROR 2

#include <openssl/crypto.h>

#include "crypto/gdoi.h"
#include "crypto/ike.h"
#include "vpnscope/frame.h"
#include "vpnscope/ikev2.h"
#include "vpnscope/ip.h"
#include "vpnscope/gdoi.h"
#include "vpnscope/ikev1.h"
#include "vpnscope/nhrp.h"

static const char *const disp_keys[] = {
#define X(id, key, text) key,
    VSA_DISPOSITIONS(X)
#undef X
};
static const char *const disp_texts[] = {
#define X(id, key, text) text,
    VSA_DISPOSITIONS(X)
#undef X
};

const char *vsa_disp_key(vsa_disp d)
{
    return d < VSA_D__COUNT ? disp_keys[d] : "?";
}
const char *vsa_disp_text(vsa_disp d)
{
    return d < VSA_D__COUNT ? disp_texts[d] : "?";
}

/* ------------------------------------------------------------------ */
/* per-(SPI, sender, receiver) state */

typedef struct sa_stat {
    bool used;
    uint32_t spi;
    uint8_t af;
    uint8_t src[16], dst[16];
    bool udp_encap;
    uint16_t sport, dport;
    int key_idx; /* index into keys->esp, -1: none */
    int kc_idx;     /* find_key's answer for this SA ... */
    size_t kc_gen;  /* ... while r->n_lsa + 1 is this (0: not asked yet) */
    uint64_t pkts, decrypted, bytes_in, bytes_out, icv_fail, truncated, malformed, pad_bad,
        unsupported, no_key;
    uint8_t mode_nh; /* next header seen: 4/41 tunnel, else transport */
    vsa_replay rp;
    uint64_t first_frame, last_frame;
    uint32_t first_seq, last_seq;
} sa_stat;

/* Sequence numbers are per (SPI, sender): one counter per sender and SA,
 * whatever the destination (a GETVPN group member sends one sequence to
 * every other member). */
typedef struct seq_stat {
    bool used;
    uint32_t spi;
    uint8_t af;
    uint8_t src[16];
    vsa_replay rp;
} seq_stat;

struct vsa_run {
    vsa_opts o;
    uint64_t observed; /* observer calls so far */
    seq_stat *seq;
    size_t seq_cap, seq_n;
    const vsa_keys *keys;
    vsa_esp_ctx *ctx;   /* one per key entry, initialised on first use */
    int8_t *ctx_state;  /* 0 not yet, 1 ready, -1 failed */
    sa_stat *sa;
    size_t sa_cap, sa_n;
    uint64_t count[VSA_D__COUNT];
    uint64_t frames;
    uint64_t reassembled;
    bool input_error;
    vsa_reasm *reasm;
    vsa_pcapng w;
    bool w_open;
    uint8_t *buf;   /* decrypted plaintext (IKE, GDOI) */
    uint8_t *pbuf;  /* decrypted ESP, at PLAIN_HEADROOM: decrypt writes the link and IP
                     * headers in front of the inner packet there, without copying it */
    uint8_t *obuf;  /* rebuilt output frame */
    uint8_t *rbuf;  /* reassembled datagram */
    const char *cur_path;
    vsa_progress prog;
    int linktype_out; /* first link type written */
    vs_ikev2_msg *ike2;
    uint64_t ike_decrypted, ike_no_key, ike_icv_fail, ike_failed;
    struct ike2_frag_set *ike2f; /* IKEv2 SKF sets being collected (RFC 7383) */
    uint64_t ike2f_done, ike2f_incomplete;
    vs_ikev1_msg *ike1, *ike1_inner;
    struct ike1_sess *sess;
    size_t n_sess, cap_sess;
    uint64_t ike1_retrans, ike1_bad_plain, ike1_content_bad;
    unsigned tid, nthreads; /* this run's share of the SAs (vsa_run_parallel) */
    struct par_shared *par; /* with several threads: the SA owner table */
    struct par_out *pout;   /* with several threads (decode, decrypt): this batch's output,
                             * written in frame order by the writer thread */
    bool exclusive;         /* the frame being processed was sent to this thread only */
    /* ESP SAs learned from decrypted key exchanges (GDOI TEKs, Quick Mode
     * KEYMAT): fixed storage, since contexts keep pointers to them; index
     * n_esp + i in sa_stat.key_idx */
    vsa_esp_sa *lsa;
    vsa_esp_ctx *lctx;
    int8_t *lctx_state;
    size_t n_lsa;
    vsa_gdoi_group *grp;
    uint8_t ike1_hdr_icookie[8], ike1_hdr_rcookie[8];
    uint64_t gdoi_push_good, gdoi_push_bad, gdoi_push_unverified, gdoi_push_nokek;
};

#define VSA_MAX_LEARNED 1024

/* A Quick Mode whose first message was seen: what KEYMAT needs from it. */
#define QM_MAX_PROPS 8
typedef struct qm_pending {
    bool used, done;
    uint32_t msgid;
    uint8_t af, init_addr[16], resp_addr[16];
    uint8_t ni[256];
    size_t ni_len;
    bool pfs;
    uint64_t frame;
    unsigned n_props;
    struct { uint8_t number, protocol, spi[4]; } props[QM_MAX_PROPS];
} qm_pending;
#define QM_MAX_PENDING 8

/* IKEv1 SA state for decryption, per initiator cookie. */
typedef struct ike1_sess {
    qm_pending qm[QM_MAX_PENDING];
    unsigned qm_next;
    uint8_t icookie[8];
    bool have_init;
    uint8_t init_af, init_addr[16];
    bool have_key, have_transform;
    uint32_t doi;
    vsa_ike1_state st;
} ike1_sess;

#define BUFSZ (262144 + 4096)
#define PLAIN_HEADROOM 512
#define PLAIN(r) ((r)->pbuf + PLAIN_HEADROOM)

uint64_t vsa_run_count(const vsa_run *r, vsa_disp d)
{
    return r->count[d];
}
uint64_t vsa_run_frames(const vsa_run *r)
{
    return r->frames;
}

vsa_run *vsa_run_new(const vsa_opts *o, const vsa_keys *keys)
{
    vsa_run *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->o = *o;
    r->keys = keys;
    size_t nk = keys->n_esp ? keys->n_esp : 1;
    r->ctx = calloc(nk, sizeof *r->ctx);
    r->ctx_state = calloc(nk, 1);
    r->buf = malloc(BUFSZ);
    r->pbuf = malloc(PLAIN_HEADROOM + BUFSZ);
    r->obuf = malloc(BUFSZ);
    r->rbuf = malloc(BUFSZ);
    r->reasm = vsa_reasm_new(o->reasm_max_bytes ? o->reasm_max_bytes : (16u << 20), 4096,
                             o->reasm_timeout > 0 ? o->reasm_timeout : 30.0);
    r->linktype_out = -1;
    r->ike2 = malloc(sizeof *r->ike2);
    r->ike1 = malloc(sizeof *r->ike1);
    r->ike1_inner = malloc(sizeof *r->ike1_inner);
    r->lsa = calloc(VSA_MAX_LEARNED, sizeof *r->lsa);
    r->lctx = calloc(VSA_MAX_LEARNED, sizeof *r->lctx);
    r->lctx_state = calloc(VSA_MAX_LEARNED, 1);
    r->grp = calloc(1, sizeof *r->grp);
    if (!r->lsa || !r->lctx || !r->lctx_state || !r->grp) {
        vsa_run_free(r);
        return NULL;
    }
    if (!r->ike1 || !r->ike1_inner) {
        vsa_run_free(r);
        return NULL;
    }
    if (!r->ike2 || !r->ctx || !r->ctx_state || !r->buf || !r->pbuf || !r->obuf || !r->rbuf || !r->reasm) {
        vsa_run_free(r);
        return NULL;
    }
    vsa_crypto_global_init();
    return r;
}

static void ike2f_free_all(vsa_run *r);

void vsa_run_free(vsa_run *r)
{
    if (!r)
        return;
    if (r->ctx)
        for (size_t i = 0; i < r->keys->n_esp; i++)
            if (r->ctx_state[i])
                vsa_esp_ctx_free(&r->ctx[i]);
    free(r->ctx);
    free(r->ctx_state);
    if (r->lctx)
        for (size_t i = 0; i < r->n_lsa; i++)
            if (r->lctx_state[i])
                vsa_esp_ctx_free(&r->lctx[i]);
    free(r->lctx);
    free(r->lctx_state);
    free(r->lsa);
    free(r->grp);
    free(r->sa);
    free(r->seq);
    free(r->buf);
    free(r->pbuf);
    free(r->obuf);
    free(r->rbuf);
    ike2f_free_all(r);
    free(r->ike2);
    free(r->ike1);
    free(r->ike1_inner);
    for (size_t i = 0; i < r->n_sess; i++)
        if (r->sess[i].have_key)
            vsa_ike1_free(&r->sess[i].st);
    free(r->sess);
    vsa_reasm_free(r->reasm);
    if (r->w_open)
        vsa_pcapng_close(&r->w);
    free(r);
}

/* perf: hash and compare addresses a 32-bit word at a time, without calls */
static uint64_t mix_addr(uint64_t h, const uint8_t *a, size_t alen)
{
    for (size_t i = 0; i < alen; i += 4) {
        uint32_t w;
        memcpy(&w, a + i, 4);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    return h;
}
static bool addr_eq(const uint8_t *a, const uint8_t *b, size_t alen)
{
    if (alen == 4) {
        uint32_t x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return x == y;
    }
    return memcmp(a, b, 16) == 0;
}
static size_t sa_hash(uint32_t spi, size_t alen, const uint8_t *src, const uint8_t *dst)
{
    uint64_t h = mix_addr(mix_addr((spi + 1) * 0x9E3779B97F4A7C15ull, src, alen), dst, alen);
    return (size_t)(h >> 17);
}

static sa_stat *sa_get(vsa_run *r, uint32_t spi, int af, const uint8_t *src, const uint8_t *dst)
{
    size_t alen = af == 4 ? 4 : 16;
    if (r->sa_cap) {
        size_t m = r->sa_cap - 1, i = sa_hash(spi, alen, src, dst) & m;
        for (;; i = (i + 1) & m) {
            sa_stat *s = &r->sa[i];
            if (!s->used)
                break;
            if (s->spi == spi && s->af == af && addr_eq(s->src, src, alen) &&
                addr_eq(s->dst, dst, alen))
                return s;
        }
    }
    if ((r->sa_n + 1) * 2 > r->sa_cap) {
        size_t nc = r->sa_cap ? r->sa_cap * 2 : 64;
        sa_stat *old = r->sa;
        size_t oc = r->sa_cap;
        r->sa = calloc(nc, sizeof *r->sa);
        if (!r->sa) {
            fprintf(stderr, "vpnscope: out of memory\n");
            exit(2);
        }
        r->sa_cap = nc;
        r->sa_n = 0;
        for (size_t k = 0; k < oc; k++)
            if (old[k].used) {
                sa_stat *s = sa_get(r, old[k].spi, old[k].af, old[k].src, old[k].dst);
                *s = old[k];
            }
        free(old);
    }
    size_t m = r->sa_cap - 1, i = sa_hash(spi, alen, src, dst) & m;
    while (r->sa[i].used)
        i = (i + 1) & m;
    sa_stat *s = &r->sa[i];
    memset(s, 0, sizeof *s);
    s->used = true;
    s->spi = spi;
    s->af = (uint8_t)af;
    memcpy(s->src, src, alen);
    memcpy(s->dst, dst, alen);
    s->key_idx = -1;
    r->sa_n++;
    return s;
}

static size_t seq_slot(const seq_stat *t, size_t cap, uint32_t spi, int af, const uint8_t *src)
{
    size_t alen = af == 4 ? 4 : 16;
    uint64_t h = mix_addr((spi + 1) * 0x9E3779B97F4A7C15ull, src, alen);
    size_t m = cap - 1, i = (size_t)(h >> 17) & m;
    while (t[i].used && !(t[i].spi == spi && t[i].af == af && addr_eq(t[i].src, src, alen)))
        i = (i + 1) & m;
    return i;
}

static seq_stat *seq_get(vsa_run *r, uint32_t spi, int af, const uint8_t *src)
{
    if ((r->seq_n + 1) * 2 > r->seq_cap) {
        size_t nc = r->seq_cap ? r->seq_cap * 2 : 64;
        seq_stat *n = calloc(nc, sizeof *n);
        if (!n) {
            fprintf(stderr, "vpnscope: out of memory\n");
            exit(2);
        }
        for (size_t k = 0; k < r->seq_cap; k++)
            if (r->seq[k].used)
                n[seq_slot(n, nc, r->seq[k].spi, r->seq[k].af, r->seq[k].src)] = r->seq[k];
        free(r->seq);
        r->seq = n;
        r->seq_cap = nc;
    }
    size_t i = seq_slot(r->seq, r->seq_cap, spi, af, src);
    seq_stat *q = &r->seq[i];
    if (!q->used) {
        memset(q, 0, sizeof *q);
        q->used = true;
        q->spi = spi;
        q->af = (uint8_t)af;
        memcpy(q->src, src, af == 4 ? 4 : 16);
        r->seq_n++;
    }
    return q;
}

/* ------------------------------------------------------------------ */
/* formatting */

static void fmt_time(char *out, size_t n, int64_t sec, uint32_t nsec)
{
    time_t t = (time_t)sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, n, "%s.%09" PRIu32 "Z", b, nsec);
}

static void fmt_addr(char *out, size_t n, int af, const uint8_t *a)
{
    if (!inet_ntop(af == 4 ? AF_INET : AF_INET6, a, out, (socklen_t)n))
        snprintf(out, n, "?");
}

typedef struct frame_ctx {
    uint64_t frame_no;
    int64_t ts_sec;
    uint32_t ts_nsec;
    int depth;
    size_t ll;
    json_t *json;
    vsa_disp disp;
    bool disp_set;
    bool wrote; /* decrypt mode: an output frame was written */
    /* the captured frame itself, while inner packets (decrypted, reassembled)
     * are processed */
    int top_linktype;
    const uint8_t *top_data;
    size_t top_caplen, top_wirelen;
    const vs_frame *top_fr;
    bool nested_write_ok; /* a reassembled datagram may write the frame */
    bool text;            /* a text summary line is wanted (decode without --json) */
    bool foreign;         /* an ESP packet of an SA another thread owns */
    int in_plain;         /* > 0: walking a decrypted payload (only this thread has it) */
    char line[1024];      /* text summary being built; last: not cleared per frame (perf) */
} frame_ctx;

static void say_(frame_ctx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* perf: no call (and no argument evaluation) when no text line is wanted */
#define say(f, ...) ((f)->text ? say_((f), __VA_ARGS__) : (void)0)
static void say_(frame_ctx *f, const char *fmt, ...)
{
    if (!f->text || f->ll >= sizeof f->line - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(f->line + f->ll, sizeof f->line - f->ll, fmt, ap);
    va_end(ap);
    if (n > 0)
        f->ll += (size_t)n < sizeof f->line - f->ll ? (size_t)n : sizeof f->line - f->ll - 1;
}

static void observe(vsa_run *r, frame_ctx *f, const uint8_t *data, size_t caplen,
                    const vs_frame *fr, const vs_esp_plain *plain);

static void set_disp(frame_ctx *f, vsa_disp d)
{
    /* the outermost decision wins; inner decodes only add detail */
    if (!f->disp_set) {
        f->disp = d;
        f->disp_set = true;
    }
}

/* Only build JSON values when JSON is wanted. */
#define JSET(f, key, v)                                                                      \
    do {                                                                                     \
        if ((f)->json)                                                                       \
            jset((f), (key), (v));                                                           \
    } while (0)

static void jset(frame_ctx *f, const char *key, json_t *v)
{
    if (!f->json || !v) {
        json_decref(v);
        return;
    }
    json_t *old = json_object_get(f->json, key);
    if (!old) {
        json_object_set_new(f->json, key, v);
    } else if (json_is_array(old)) {
        json_array_append_new(old, v);
    } else {
        json_t *a = json_array();
        json_array_append(a, old);
        json_array_append_new(a, v);
        json_object_set_new(f->json, key, a);
    }
}

/* Every decoded field of a tree as catalogue-named JSON keys. */
static void tree_to_json(frame_ctx *f, const vs_tree *t, size_t buflen)
{
    if (!f->json)
        return;
    for (size_t i = 0; i < t->n_items; i++) {
        const vs_item *it = &t->items[i];
        const vs_field_info *fi = &vs_fields[it->field];
        const uint8_t *p = t->buf + it->span.off;
        /* bytes are only shown as far as the buffer holds them */
        bool in_buf = it->span.off <= buflen && it->span.len <= buflen - it->span.off;
        if (!in_buf && (fi->type == VS_FT_BYTES || fi->type == VS_FT_IPV4 || fi->type == VS_FT_IPV6 ||
                        fi->type == VS_FT_STRING))
            continue;
        json_t *v = NULL;
        switch (fi->type) {
        case VS_FT_PROTOCOL:
        case VS_FT_NONE: continue;
        case VS_FT_BOOL: v = json_boolean(it->value != 0); break;
        case VS_FT_U8:
        case VS_FT_U16:
        case VS_FT_U24:
        case VS_FT_U32:
        case VS_FT_U64:
        case VS_FT_FRAMENUM: v = json_integer((json_int_t)it->value); break;
        case VS_FT_RELTIME: v = json_real((double)it->value / 1e9); break;
        case VS_FT_IPV4:
        case VS_FT_IPV6: {
            char a[64];
            if (it->span.len == 4 || it->span.len == 16) {
                fmt_addr(a, sizeof a, it->span.len == 4 ? 4 : 6, p);
                v = json_string(a);
            }
            break;
        }
        case VS_FT_STRING: v = json_stringn_nocheck((const char *)p, it->span.len); break;
        case VS_FT_BYTES: {
            size_t n = it->span.len > 4096 ? 4096 : it->span.len;
            char *h = malloc(n * 2 + 1);
            if (!h)
                continue;
            for (size_t k = 0; k < n; k++)
                snprintf(h + 2 * k, 3, "%02x", p[k]);
            v = json_stringn(h, n * 2);
            free(h);
            break;
        }
        }
        if (v)
            JSET(f, fi->name, v);
    }
    for (size_t i = 0; i < t->n_problems; i++)
        JSET(f, "vpnscope.problems", json_string(vs_problems[t->problems[i].problem].name));
}

static const vs_layer *last_ip(const vs_frame *fr, size_t before)
{
    const vs_layer *ip = NULL;
    for (size_t i = 0; i < fr->n_layers && i < before; i++)
        if (fr->layers[i].kind == VS_L_IPV4 || fr->layers[i].kind == VS_L_IPV6)
            ip = &fr->layers[i];
    return ip;
}

static size_t layer_index(const vs_frame *fr, vs_layer_kind k)
{
    for (size_t i = 0; i < fr->n_layers; i++)
        if (fr->layers[i].kind == k)
            return i;
    return fr->n_layers;
}

static vsa_disp reason_disp(vs_frame_reason r)
{
    switch (r) {
    case VS_FR_LINKTYPE_UNSUPPORTED: return VSA_D_LINKTYPE;
    case VS_FR_NOT_IP:
    case VS_FR_NULL_FAMILY: return VSA_D_NOT_IP;
    case VS_FR_TRUNCATED: return VSA_D_TRUNCATED;
    case VS_FR_MALFORMED:
    case VS_FR_IP_VERSION: return VSA_D_MALFORMED;
    case VS_FR_DEPTH_LIMIT:
    case VS_FR_LAYER_LIMIT: return VSA_D_INNER_IP;
    default: return VSA_D_NOT_FOLLOWED;
    }
}

static void write_frame(vsa_run *r, frame_ctx *f, int linktype, const uint8_t *d, size_t n,
                        size_t wire, const char *comment);

static void process(vsa_run *r, frame_ctx *f, int linktype, const uint8_t *data, size_t caplen,
                    size_t wirelen);

static char *put_str(char *d, const char *s)
{
    size_t n = strlen(s);
    memcpy(d, s, n);
    return d + n;
}

static char *put_u64(char *d, uint64_t v)
{
    /* two digits per division, written in place from the end (perf: this
     * runs twice per decrypted packet) */
    static const char dd[] = "00010203040506070809101112131415161718192021222324"
                             "25262728293031323334353637383940414243444546474849"
                             "50515253545556575859606162636465666768697071727374"
                             "75767778798081828384858687888990919293949596979899";
    unsigned n = 1;
    for (uint64_t p = 10; n < 20 && v >= p; p *= 10)
        n++;
    char *e = d + n;
    while (v >= 100) {
        unsigned k = (unsigned)(v % 100) * 2;
        v /= 100;
        *--e = dd[k + 1];
        *--e = dd[k];
    }
    if (v >= 10) {
        *--e = dd[v * 2 + 1];
        *--e = dd[v * 2];
    } else {
        *--e = (char)('0' + v);
    }
    return d + n;
}

static char *put_hex32(char *d, uint32_t v)
{
    static const char hx[] = "0123456789abcdef";
    for (int i = 7; i >= 0; i--)
        *d++ = hx[(v >> (4 * i)) & 15];
    return d;
}

static void keep_frame(vsa_run *r, frame_ctx *f)
{
    write_frame(r, f, f->top_linktype, f->top_data, f->top_caplen, f->top_wirelen, NULL);
}

/* Decrypted ESP: rebuild the captured frame with the inner packet for -w.
 * fr / data: the packet the ESP was found in (the captured frame, or a
 * datagram reassembled from it and earlier frames). */
static void emit_decrypted(vsa_run *r, frame_ctx *f, const uint8_t *data, size_t caplen,
                           const vs_layer *outer_ip, const vsa_esp_result *res)
{
    /* the comment is built by hand: snprintf here costs as much as AES-GCM */
    char comment[160];
    char *c = comment;
    c = put_str(c, "vpnscope: decrypted ESP from frame ");
    c = put_u64(c, f->frame_no);
    c = put_str(c, ", SPI 0x");
    c = put_hex32(c, res->spi);
    c = put_str(c, ", sequence ");
    c = put_u64(c, res->seq);
    c = put_str(c, res->icv_checked ? ", ICV good" : ", ICV not checked");
    if (f->depth)
        c = put_str(c, ", reassembled");
    *c = '\0';
    const vs_frame *top = f->top_fr;
    const vs_layer *first_ip = NULL;
    for (size_t i = 0; i < top->n_layers; i++)
        if (top->layers[i].kind == VS_L_IPV4 || top->layers[i].kind == VS_L_IPV6) {
            first_ip = &top->layers[i];
            break;
        }
    size_t prefix = first_ip ? first_ip->span.off : 0;
    uint8_t *inner = PLAIN(r) + res->inner_off;
    size_t il = res->inner_len;
    if (res->next_header == 4 || res->next_header == 41) {
        /* tunnel mode: link header + inner packet, link type fixed to the inner version */
        /* the link header goes in front of the inner packet, in the headroom
         * of the plaintext buffer (perf: no copy of the packet) */
        uint8_t *ob;
        if (prefix <= PLAIN_HEADROOM + res->inner_off) {
            ob = inner - prefix;
        } else if (prefix + il <= BUFSZ) {
            ob = r->obuf;
            memcpy(ob + prefix, inner, il);
        } else {
            goto keep;
        }
        memcpy(ob, f->top_data, prefix);
        bool v6 = res->next_header == 41;
        bool outer_v6 = first_ip && first_ip->kind == VS_L_IPV6;
        if (v6 != outer_v6 && prefix) {
            /* patch the EtherType / protocol of the last link-layer header */
            const vs_layer *lk = NULL;
            for (size_t i = 0; i < top->n_layers && &top->layers[i] != first_ip; i++)
                lk = &top->layers[i];
            if (!lk)
                goto keep;
            uint16_t et = v6 ? 0x86DD : 0x0800;
            size_t at;
            switch (lk->kind) {
            case VS_L_ETH: at = lk->span.off + 12; break;
            case VS_L_VLAN: at = lk->span.off + 2; break;
            case VS_L_SLL: at = lk->span.off + 14; break;
            case VS_L_SLL2: at = lk->span.off; break;
            case VS_L_NULL: {
                /* family in the capture's byte order: keep the order, change
                 * the value (2 for IPv4, 24 for IPv6) */
                uint8_t *p = ob + lk->span.off;
                uint8_t fam = v6 ? 24 : 2;
                if (p[0] == 0 && p[1] == 0)
                    p[2] = 0, p[3] = fam;
                else
                    p[0] = fam, p[1] = p[2] = p[3] = 0;
                goto patched;
            }
            default: goto keep;
            }
            ob[at] = (uint8_t)(et >> 8);
            ob[at + 1] = (uint8_t)et;
        }
    patched:
        write_frame(r, f, f->top_linktype, ob, prefix + il, prefix + il, comment);
        return;
    }
    /* transport mode: the outer IP header now carries the next header */
    if (!outer_ip)
        goto keep;
    {
        size_t ipo = outer_ip->span.off;
        vs_cursor c;
        vs_cur_init(&c, data + ipo, caplen - ipo, VS_LEN_UNKNOWN);
        vs_ip_msg m;
        if (vs_ip_decode(&c, NULL, &m) != VS_OK && m.hdr_len == 0)
            goto keep;
        if (outer_ip->kind == VS_L_IPV6 && m.n_ext)
            goto keep; /* extension headers: not rewritten */
        size_t hl = outer_ip->kind == VS_L_IPV4 ? m.hdr_len : 40;
        /* what precedes the IP header: this frame's, or the captured frame's
         * link header for a reassembled datagram */
        const uint8_t *pre = f->depth ? f->top_data : data;
        size_t pl = f->depth ? prefix : ipo;
        if (pl + hl + il > BUFSZ || hl > caplen - ipo)
            goto keep;
        uint8_t *ob = r->obuf;
        if (pl + hl <= PLAIN_HEADROOM + res->inner_off)
            ob = inner - (pl + hl); /* in front of the inner packet: no copy of it */
        else
            memcpy(ob + pl + hl, inner, il);
        memcpy(ob, pre, pl);
        memcpy(ob + pl, data + ipo, hl);
        uint8_t *ip = ob + pl;
        if (outer_ip->kind == VS_L_IPV4) {
            uint16_t tl = (uint16_t)(hl + il);
            ip[2] = (uint8_t)(tl >> 8);
            ip[3] = (uint8_t)tl;
            ip[9] = res->next_header;
            ip[10] = ip[11] = 0;
            uint16_t ck = vs_inet_cksum(ip, hl, 0);
            ip[10] = (uint8_t)(ck >> 8);
            ip[11] = (uint8_t)ck;
        } else {
            ip[4] = (uint8_t)(il >> 8);
            ip[5] = (uint8_t)il;
            ip[6] = res->next_header;
        }
        write_frame(r, f, f->top_linktype, ob, pl + hl + il, pl + hl + il, comment);
        return;
    }
keep:
    keep_frame(r, f);
}

/* Key entries: the user's (0 .. n_esp-1), then the learned ones. */
static const vsa_esp_sa *key_of(const vsa_run *r, int idx)
{
    if (idx < 0)
        return NULL;
    if ((size_t)idx < r->keys->n_esp)
        return &r->keys->esp[idx];
    return (size_t)idx - r->keys->n_esp < r->n_lsa ? &r->lsa[(size_t)idx - r->keys->n_esp] : NULL;
}
static vsa_esp_ctx *ctx_of(vsa_run *r, int idx)
{
    return (size_t)idx < r->keys->n_esp ? &r->ctx[idx] : &r->lctx[(size_t)idx - r->keys->n_esp];
}
static int8_t *state_of(vsa_run *r, int idx)
{
    return (size_t)idx < r->keys->n_esp ? &r->ctx_state[idx]
                                        : &r->lctx_state[(size_t)idx - r->keys->n_esp];
}
/* The user's keys win; learned keys are searched newest first. */
static int find_key(const vsa_run *r, int af, const uint8_t *src, const uint8_t *dst, uint32_t spi)
{
    const vsa_esp_sa *k = vsa_keys_find_esp(r->keys, af, src, dst, spi);
    if (k)
        return (int)(k - r->keys->esp);
    for (size_t i = r->n_lsa; i-- > 0;) {
        vsa_keys one = {.esp = &r->lsa[i], .n_esp = 1};
        if (vsa_keys_find_esp(&one, af, src, dst, spi))
            return (int)(r->keys->n_esp + i);
    }
    return -1;
}

/* Install a learned ESP SA (same SPI and destination pattern as one already
 * learned with the same keys: nothing to do). Returns false when full. */
static bool learn_esp(vsa_run *r, const vsa_esp_sa *sa)
{
    for (size_t i = 0; i < r->n_lsa; i++) {
        const vsa_esp_sa *o = &r->lsa[i];
        if (o->spi == sa->spi && memcmp(&o->dst, &sa->dst, sizeof o->dst) == 0 &&
            o->enc_key_len == sa->enc_key_len && memcmp(o->enc_key, sa->enc_key, sa->enc_key_len) == 0 &&
            o->auth_key_len == sa->auth_key_len &&
            memcmp(o->auth_key, sa->auth_key, sa->auth_key_len) == 0)
            return true;
    }
    if (r->n_lsa == VSA_MAX_LEARNED)
        return false;
    r->lsa[r->n_lsa++] = *sa;
    return true;
}

static unsigned par_owner(struct par_shared *p, uint32_t spi, uint8_t af, const uint8_t *src,
                          const uint8_t *dst);
static void par_out_line(struct par_out *o, uint64_t frame_no, const char *s, size_t n);
static void par_out_epb(struct par_out *o, uint64_t frame_no, int64_t ts_sec, uint32_t ts_nsec,
                        int linktype, const uint8_t *d, size_t n, size_t wire, const char *comment);
static size_t par_out_mark(const struct par_out *o);
static void par_out_reset(struct par_out *o, size_t mark);

static void handle_esp(vsa_run *r, frame_ctx *f, const uint8_t *data, size_t caplen,
                       const vs_frame *fr)
{
    size_t ei = layer_index(fr, VS_L_ESP);
    const vs_layer *ip = last_ip(fr, ei);
    size_t off = fr->app_span.off;
    size_t len = fr->app_span.len;
    size_t avail = off < caplen ? caplen - off : 0;
    if (!ip || avail < 8) {
        /* no SPI to find the owner by: with several threads, thread 0's */
        if (r->nthreads > 1 && !r->exclusive && !f->in_plain && r->tid != 0)
            f->foreign = true;
        set_disp(f, VSA_D_ESP_TRUNCATED);
        say(f, " ESP (truncated)");
        return;
    }
    const uint8_t *esp = data + off;
    uint32_t spi = (uint32_t)esp[0] << 24 | (uint32_t)esp[1] << 16 | (uint32_t)esp[2] << 8 | esp[3];
    uint32_t seq = (uint32_t)esp[4] << 24 | (uint32_t)esp[5] << 16 | (uint32_t)esp[6] << 8 | esp[7];
    int af = ip->kind == VS_L_IPV4 ? 4 : 6;
    if (r->nthreads > 1 && !r->exclusive && !f->in_plain) {
        /* several threads: a sender's SA lives in one thread (see "several
         * threads" below). A frame the reader sent to one thread only is that
         * thread's; a frame every thread sees (fragments, anything off the
         * reader's fast path) is decrypted by the SA's owner only. */
        if (par_owner(r->par, spi, (uint8_t)af, ip->u.ip.src, ip->u.ip.dst) != r->tid) {
            f->foreign = true;
            set_disp(f, VSA_D_ESP_DECRYPTED); /* placeholder: not counted here */
            return;
        }
    }
    sa_stat *s = sa_get(r, spi, af, ip->u.ip.src, ip->u.ip.dst);
    s->pkts++;
    s->bytes_in += len;
    if (!s->first_frame) {
        s->first_frame = f->frame_no;
        s->first_seq = seq;
    }
    s->last_frame = f->frame_no;
    s->last_seq = seq;
    const vs_layer *udp = NULL;
    for (size_t i = 0; i < ei && i < fr->n_layers; i++)
        if (fr->layers[i].kind == VS_L_UDP)
            udp = &fr->layers[i];
    if (udp) {
        s->udp_encap = true;
        s->sport = udp->u.udp.sport;
        s->dport = udp->u.udp.dport;
    }
    say(f, " ESP SPI 0x%08" PRIx32 " seq %" PRIu32, spi, seq);
    /* the key is looked up again only when a key exchange taught a new one */
    if (s->kc_gen != r->n_lsa + 1) {
        s->kc_idx = find_key(r, af, ip->u.ip.src, ip->u.ip.dst, spi);
        s->kc_gen = r->n_lsa + 1;
    }
    int kidx = s->kc_idx;
    const vsa_esp_sa *key = key_of(r, kidx);
    if (!key) {
        s->no_key++;
        set_disp(f, VSA_D_ESP_NO_KEY);
        say(f, " (no key)");
        JSET(f, "vpnscope.analyzer.esp.status", json_string("no key"));
        keep_frame(r, f);
        return;
    }
    s->key_idx = kidx;
    vsa_esp_ctx *kctx = ctx_of(r, kidx);
    int8_t *kst = state_of(r, kidx);
    if (*kst == 0)
        *kst = vsa_esp_ctx_init(kctx, key) == 0 ? 1 : -1;
    if (*kst < 0) {
        s->unsupported++;
        set_disp(f, VSA_D_ESP_UNSUPPORTED);
        say(f, " (%s)", kctx->error);
        JSET(f, "vpnscope.analyzer.esp.status", json_string("unsupported algorithm"));
        keep_frame(r, f);
        return;
    }
    if (avail < len) {
        s->truncated++;
        set_disp(f, VSA_D_ESP_TRUNCATED);
        say(f, " (truncated: %zu of %zu bytes captured)", avail, len);
        JSET(f, "vpnscope.analyzer.esp.status", json_string("truncated"));
        keep_frame(r, f);
        return;
    }
    seq_stat *q = seq_get(r, spi, af, ip->u.ip.src);
    uint32_t hi = vsa_replay_guess_hi(&q->rp, seq, key->esn);
    vsa_esp_result res;
    vsa_esp_verdict vd = vsa_esp_decrypt(kctx, esp, len, hi, PLAIN(r), BUFSZ, &res);
    switch (vd) {
    case VSA_ESP_OK: break;
    case VSA_ESP_ICV_BAD:
        s->icv_fail++;
        set_disp(f, VSA_D_ESP_ICV_BAD);
        say(f, " ICV FAILURE");
        JSET(f, "vpnscope.analyzer.esp.status", json_string("ICV failure"));
        keep_frame(r, f);
        return;
    case VSA_ESP_TRUNCATED:
        s->truncated++;
        set_disp(f, VSA_D_ESP_TRUNCATED);
        say(f, " (too short for the SA's IV, trailer and ICV)");
        JSET(f, "vpnscope.analyzer.esp.status", json_string("truncated"));
        keep_frame(r, f);
        return;
    case VSA_ESP_UNSUPPORTED:
    case VSA_ESP_CRYPTO_ERROR:
        s->unsupported++;
        set_disp(f, VSA_D_ESP_UNSUPPORTED);
        say(f, " (%s)", vsa_esp_verdict_name(vd));
        JSET(f, "vpnscope.analyzer.esp.status", json_string(vsa_esp_verdict_name(vd)));
        keep_frame(r, f);
        return;
    default:
        s->malformed++;
        set_disp(f, VSA_D_ESP_MALFORMED);
        say(f, " (%s)", vsa_esp_verdict_name(vd));
        JSET(f, "vpnscope.analyzer.esp.status", json_string(vsa_esp_verdict_name(vd)));
        keep_frame(r, f);
        return;
    }
    s->decrypted++;
    s->bytes_out += res.inner_len;
    s->mode_nh = res.next_header;
    if (!res.pad_ok)
        s->pad_bad++;
    uint64_t full = (uint64_t)hi << 32 | seq, missing = 0;
    vsa_seq_event ev = vsa_replay_update(&q->rp, full, &missing);
    /* the flow's counters (the window itself is the sender's) */
    switch (ev) {
    case VSA_SEQ_IN_ORDER: s->rp.n_in_order++; break;
    case VSA_SEQ_GAP: s->rp.n_gaps++, s->rp.n_missing += missing; break;
    case VSA_SEQ_REORDERED:
        s->rp.n_reordered++;
        if (s->rp.n_missing)
            s->rp.n_missing--;
        break;
    case VSA_SEQ_DUPLICATE: s->rp.n_duplicates++; break;
    case VSA_SEQ_TOO_OLD: s->rp.n_too_old++; break;
    case VSA_SEQ_FIRST: break;
    }
    set_disp(f, VSA_D_ESP_DECRYPTED);
    {
        vs_esp_plain plain = {PLAIN(r) + res.inner_off, res.inner_len + res.pad_len + 2u,
                              (uint32_t)res.iv_len, (uint32_t)res.icv_len};
        observe(r, f, data, caplen, fr, &plain);
    }
    say(f, " [decrypted, %s%s", res.icv_checked ? "ICV good" : "ICV not checked",
        res.pad_ok ? "" : ", BAD PADDING");
    if (ev == VSA_SEQ_GAP)
        say(f, ", %" PRIu64 " missing before", missing);
    else if (ev == VSA_SEQ_DUPLICATE || ev == VSA_SEQ_TOO_OLD || ev == VSA_SEQ_REORDERED)
        say(f, ", %s", vsa_seq_event_name(ev));
    say(f, "]");
    JSET(f, "vpnscope.analyzer.esp.status", json_string("decrypted"));
    JSET(f, "vpnscope.analyzer.esp.icv",
         json_string(res.icv_checked ? "good" : "not checked"));
    JSET(f, "vpnscope.esp.pad_len", json_integer(res.pad_len));
    JSET(f, "vpnscope.esp.next_header", json_integer(res.next_header));
    JSET(f, "vpnscope.esp.pad.good", json_boolean(res.pad_ok));
    JSET(f, "vpnscope.analyzer.esp.sequence_event", json_string(vsa_seq_event_name(ev)));
    JSET(f, "vpnscope.analyzer.esp.key_origin", json_string(key->origin)); /* never key bytes */
    if (r->o.mode == VSA_MODE_DECRYPT) {
        emit_decrypted(r, f, data, caplen, ip, &res);
        return;
    }
    if (r->o.mode == VSA_MODE_DECODE && f->depth < 4) {
        if (res.next_header == 4 || res.next_header == 41) {
            say(f, " |");
            /* the inner packet through the same stack; buf is reused only
             * after this returns, and inner ESP uses its own copy */
            uint8_t *copy = malloc(res.inner_len ? res.inner_len : 1);
            if (copy) {
                memcpy(copy, PLAIN(r) + res.inner_off, res.inner_len);
                f->depth++;
                f->in_plain++;
                process(r, f, VS_LINKTYPE_RAW, copy, res.inner_len, res.inner_len);
                f->in_plain--;
                f->depth--;
                free(copy);
            }
        } else if (ip && ip->span.off < caplen) {
            /* transport mode: the outer IP header with the decrypted payload
             * behind it, walked like any packet (GRE -> NHRP, ICMP, ...) */
            size_t ipo = ip->span.off;
            size_t hl = ip->kind == VS_L_IPV4 ? (size_t)(data[ipo] & 0x0f) * 4 : 40;
            uint8_t *pkt = hl <= caplen - ipo && hl >= 20 ? malloc(hl + res.inner_len) : NULL;
            if (pkt) {
                memcpy(pkt, data + ipo, hl);
                memcpy(pkt + hl, PLAIN(r) + res.inner_off, res.inner_len);
                size_t tl = hl + res.inner_len;
                if (ip->kind == VS_L_IPV4) {
                    pkt[2] = (uint8_t)(tl >> 8), pkt[3] = (uint8_t)tl;
                    pkt[6] = pkt[7] = 0; /* not a fragment any more */
                    pkt[9] = res.next_header;
                    pkt[10] = pkt[11] = 0;
                    uint16_t ck = vs_inet_cksum(pkt, hl, 0);
                    pkt[10] = (uint8_t)(ck >> 8), pkt[11] = (uint8_t)ck;
                } else {
                    pkt[4] = (uint8_t)(res.inner_len >> 8), pkt[5] = (uint8_t)res.inner_len;
                    pkt[6] = res.next_header;
                }
                say(f, " | transport:");
                f->depth++;
                f->in_plain++;
                bool text = f->text;
                process(r, f, VS_LINKTYPE_RAW, pkt, tl, tl);
                f->in_plain--;
                f->text = text;
                f->depth--;
                free(pkt);
            } else {
                say(f, " | transport, next header %u", res.next_header);
            }
        } else {
            say(f, " | transport, next header %u", res.next_header);
        }
    }
}

static void handle_fragment(vsa_run *r, frame_ctx *f, int linktype, const uint8_t *data,
                            size_t caplen, const vs_frame *fr, const vs_layer *ipl)
{
    (void)linktype;
    size_t off = ipl->span.off;
    vs_cursor c;
    vs_cur_init(&c, data + off, caplen - off, VS_LEN_UNKNOWN);
    vs_ip_msg m;
    vs_ip_decode(&c, NULL, &m);
    if (m.hdr_len == 0 || m.payload.off > caplen - off) {
        set_disp(f, VSA_D_MALFORMED);
        return;
    }
    size_t plen = m.payload.len;
    if (m.payload.off + plen > caplen - off) {
        set_disp(f, VSA_D_TRUNCATED);
        say(f, " IP fragment (truncated)");
        return;
    }
    vsa_frag fg;
    memset(&fg, 0, sizeof fg);
    fg.af = ipl->kind == VS_L_IPV4 ? 4 : 6;
    memcpy(fg.src, m.src, 16);
    memcpy(fg.dst, m.dst, 16);
    fg.id = m.frag_id;
    fg.proto = m.proto;
    fg.offset = (uint32_t)m.frag_off * 8;
    fg.mf = m.mf;
    fg.data = data + off + m.payload.off;
    fg.len = plen;
    fg.frame_no = f->frame_no;
    fg.ts = (double)f->ts_sec + f->ts_nsec / 1e9;
    /* the part that precedes the fragmentable part */
    size_t unfrag = m.hdr_len;
    if (fg.af == 6) {
        for (size_t i = 0; i < m.n_ext; i++)
            if (m.ext[i].type == VS_IPPROTO_FRAGMENT) {
                unfrag = m.ext[i].span.off;
                break;
            }
    }
    fg.hdr = data + off;
    fg.hdr_len = unfrag;
    vsa_reasm_result rr = vsa_reasm_add(r->reasm, &fg);
    (void)fr;
    if (rr == VSA_RA_HELD || rr == VSA_RA_DUPLICATE) {
        set_disp(f, VSA_D_FRAGMENT_HELD);
        say(f, " IP fragment id 0x%" PRIx32 " offset %" PRIu32 "%s", fg.id, fg.offset,
            rr == VSA_RA_DUPLICATE ? " (duplicate)" : "");
        keep_frame(r, f);
        return;
    }
    if (rr != VSA_RA_COMPLETE) {
        set_disp(f, VSA_D_FRAGMENT_DROPPED);
        say(f, " IP fragment dropped (%s)",
            rr == VSA_RA_CONFLICT ? "overlap with different bytes" : rr == VSA_RA_BAD ? "bad offset or length" : "reassembly limits");
        keep_frame(r, f);
        return;
    }
    const uint8_t *h, *p;
    size_t hl, pl;
    uint64_t first;
    unsigned nf;
    vsa_reasm_take(r->reasm, &h, &hl, &p, &pl, &first, &nf);
    if (hl + pl > BUFSZ) {
        set_disp(f, VSA_D_FRAGMENT_DROPPED);
        return;
    }
    if (hl)
        memcpy(r->rbuf, h, hl);
    if (pl)
        memcpy(r->rbuf + hl, p, pl);
    uint8_t *ip = r->rbuf;
    if (fg.af == 4) {
        uint16_t tl = (uint16_t)(hl + pl);
        ip[2] = (uint8_t)(tl >> 8);
        ip[3] = (uint8_t)tl;
        ip[6] &= 0x40; /* keep DF, clear MF and the offset */
        ip[7] = 0;
        ip[10] = ip[11] = 0;
        uint16_t ck = vs_inet_cksum(ip, hl, 0);
        ip[10] = (uint8_t)(ck >> 8);
        ip[11] = (uint8_t)ck;
    } else {
        uint16_t pl6 = (uint16_t)(hl - 40 + pl);
        ip[4] = (uint8_t)(pl6 >> 8);
        ip[5] = (uint8_t)pl6;
        /* the header before the fragment header now names the upper layer */
        size_t prev_next = 6;
        for (size_t i = 0; i < m.n_ext; i++) {
            if (m.ext[i].type == VS_IPPROTO_FRAGMENT)
                break;
            prev_next = m.ext[i].span.off;
        }
        if (prev_next < hl)
            ip[prev_next] = fg.proto;
    }
    r->reassembled++;
    say(f, " [reassembled %u fragments from frame %" PRIu64 "]", nf, first);
    JSET(f, "vpnscope.analyzer.reassembled_fragments", json_integer(nf));
    uint8_t *copy = malloc(hl + pl);
    if (!copy)
        return;
    memcpy(copy, r->rbuf, hl + pl);
    bool nw = f->nested_write_ok;
    f->nested_write_ok = true;
    f->depth++;
    process(r, f, VS_LINKTYPE_RAW, copy, hl + pl, hl + pl);
    f->depth--;
    f->nested_write_ok = nw;
    keep_frame(r, f); /* when the datagram wrote nothing */
    free(copy);
}

/* IKEv2 fragmentation (RFC 7383): the fragments of one message, keyed by
 * SPIs, message ID, direction and Total Fragments. Each SKF is decrypted and
 * authenticated when it arrives; the plaintexts are kept by fragment number
 * and decoded as one chain (from fragment 1's Next Payload) when all are in.
 * Sets still open at the end are reported as incomplete. */
#define IKE2F_MAX_SETS 32
#define IKE2F_MAX_FRAGS 64
typedef struct ike2_frag_set {
    bool used;
    uint64_t ispi, rspi;
    uint32_t msgid;
    bool initiator, response;
    uint16_t total, have;
    uint8_t first_np;
    uint64_t first_frame, last_frame;
    uint8_t *part[IKE2F_MAX_FRAGS + 1]; /* by fragment number, 1-based */
    size_t part_len[IKE2F_MAX_FRAGS + 1];
} ike2_frag_set;

static void ike2f_clear(ike2_frag_set *s)
{
    for (unsigned i = 0; i <= IKE2F_MAX_FRAGS; i++)
        free(s->part[i]);
    memset(s, 0, sizeof *s);
}

static void ike2f_free_all(vsa_run *r)
{
    if (!r->ike2f)
        return;
    for (unsigned i = 0; i < IKE2F_MAX_SETS; i++)
        ike2f_clear(&r->ike2f[i]);
    free(r->ike2f);
    r->ike2f = NULL;
}

static void ike2f_describe(FILE *o, const ike2_frag_set *s)
{
    fprintf(o, "    SPIs %016" PRIx64 "/%016" PRIx64 " msgid %" PRIu32 " %s%s: %u of %u fragments (",
            s->ispi, s->rspi, s->msgid, s->response ? "response" : "request",
            s->initiator ? " (I)" : "", s->have, s->total);
    bool first = true;
    for (unsigned n = 1; n <= s->total && n <= IKE2F_MAX_FRAGS; n++)
        if (!s->part[n]) {
            fprintf(o, "%s%u", first ? "missing " : ",", n);
            first = false;
        }
    fprintf(o, "), frames %" PRIu64 "-%" PRIu64 "\n", s->first_frame, s->last_frame);
}

static void ike2f_report(vsa_run *r, FILE *o)
{
    uint64_t open = 0;
    if (r->ike2f)
        for (unsigned i = 0; i < IKE2F_MAX_SETS; i++)
            if (r->ike2f[i].used)
                open++;
    r->ike2f_incomplete += open;
    fprintf(o, "  IKEv2 fragmented messages (RFC 7383): %" PRIu64 " reassembled, %" PRIu64 " INCOMPLETE\n",
            r->ike2f_done, r->ike2f_incomplete);
    if (r->ike2f)
        for (unsigned i = 0; i < IKE2F_MAX_SETS; i++)
            if (r->ike2f[i].used) {
                ike2f_describe(o, &r->ike2f[i]);
                ike2f_clear(&r->ike2f[i]);
            }
}

static ike2_frag_set *ike2f_find(vsa_run *r, frame_ctx *f, const vs_ikev2_msg *m)
{
    if (!r->ike2f) {
        r->ike2f = calloc(IKE2F_MAX_SETS, sizeof *r->ike2f);
        if (!r->ike2f)
            return NULL;
    }
    ike2_frag_set *free_slot = NULL, *oldest = NULL;
    for (unsigned i = 0; i < IKE2F_MAX_SETS; i++) {
        ike2_frag_set *s = &r->ike2f[i];
        if (!s->used) {
            if (!free_slot)
                free_slot = s;
            continue;
        }
        if (s->ispi == m->ispi && s->rspi == m->rspi && s->msgid == m->msgid &&
            s->initiator == m->initiator && s->response == m->response && s->total == m->frag_total)
            return s;
        if (!oldest || s->last_frame < oldest->last_frame)
            oldest = s;
    }
    ike2_frag_set *s = free_slot;
    if (!s) { /* table full: the least recently fed set is given up as incomplete */
        s = oldest;
        say(f, " [fragment set msgid %" PRIu32 " from frame %" PRIu64 " given up: %u of %u]",
            s->msgid, s->first_frame, s->have, s->total);
        r->ike2f_incomplete++;
        ike2f_clear(s);
    }
    s->used = true;
    s->ispi = m->ispi;
    s->rspi = m->rspi;
    s->msgid = m->msgid;
    s->initiator = m->initiator;
    s->response = m->response;
    s->total = m->frag_total;
    s->first_frame = f->frame_no;
    return s;
}

static void ike2_show_inner(vsa_run *r, frame_ctx *f, const uint8_t *base, size_t off, size_t len,
                            uint8_t first_np, bool icv_checked, const char *what)
{
    static _Thread_local vs_item items[4096];
    static _Thread_local vs_problem_rec problems[256];
    vs_ikev2_msg *m = r->ike2;
    vs_tree t2;
    vs_tree_init(&t2, base, items, 4096, problems, 256);
    vs_cursor c;
    vs_cur_init(&c, base + off, len, VS_LEN_UNKNOWN);
    size_t before = m->n_payloads;
    vs_status st = vs_ikev2_decode_payloads(&c, first_np, f->json ? &t2 : NULL, m);
    if (f->json)
        tree_to_json(f, &t2, off + len);
    say(f, " [%s%s:", what, icv_checked ? ", ICV good" : "");
    for (size_t i = before; i < m->n_payloads; i++)
        say(f, " %s", vs_val_name_or(vs_vals_ikev2_payload_type, m->payloads[i].type, "?"));
    say(f, "%s]", st == VS_OK ? "" : st == VS_TRUNCATED ? " (truncated)" : " (malformed)");
}

/* One SKF: decrypt it, keep its plaintext; decode the message when complete. */
/* An SK payload that did not decrypt: counted and said (whole message or fragment). */
static void ike2_not_decrypted(vsa_run *r, frame_ctx *f, vsa_ike_verdict vd)
{
    if (vd == VSA_IKE_ICV_BAD)
        r->ike_icv_fail++;
    else
        r->ike_failed++;
    say(f, " [%s]", vd == VSA_IKE_ICV_BAD ? "ICV FAILURE" : vsa_ike_verdict_name(vd));
    JSET(f, "vpnscope.analyzer.ike.status", json_string(vsa_ike_verdict_name(vd)));
}

static void handle_ikev2_fragment(vsa_run *r, frame_ctx *f, const vsa_ike2_key *k,
                                  const uint8_t *msg, size_t mlen, size_t sk_off, size_t sk_len)
{
    vs_ikev2_msg *m = r->ike2;
    say(f, " [SKF fragment %u/%u]", m->frag_number, m->frag_total);
    JSET(f, "vpnscope.analyzer.ike.fragment", json_integer(m->frag_number));
    JSET(f, "vpnscope.analyzer.ike.fragments_total", json_integer(m->frag_total));
    if (m->frag_number == 0 || m->frag_number > m->frag_total || m->frag_total > IKE2F_MAX_FRAGS) {
        r->ike_failed++;
        say(f, " [fragment number %u of %u not usable (at most %u fragments)]", m->frag_number,
            m->frag_total, IKE2F_MAX_FRAGS);
        JSET(f, "vpnscope.analyzer.ike.status", json_string("malformed fragment"));
        return;
    }
    vsa_ike2_result res;
    vsa_ike_verdict vd = vsa_ike2_decrypt_ex(k, m->initiator, true, msg, mlen, sk_off, sk_len, r->buf, &res);
    if (vd != VSA_IKE_OK) {
        ike2_not_decrypted(r, f, vd);
        return;
    }
    r->ike_decrypted++;
    ike2_frag_set *s = ike2f_find(r, f, m);
    if (!s) {
        r->ike_failed++;
        say(f, " [out of memory for fragments]");
        return;
    }
    s->last_frame = f->frame_no;
    if (s->part[m->frag_number]) {
        say(f, " [decrypted%s, duplicate fragment]", res.icv_checked ? ", ICV good" : "");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("duplicate fragment"));
        return;
    }
    uint8_t *p = malloc(res.inner_len ? res.inner_len : 1);
    if (!p) {
        r->ike_failed++;
        return;
    }
    memcpy(p, r->buf + res.inner_off, res.inner_len);
    s->part[m->frag_number] = p;
    s->part_len[m->frag_number] = res.inner_len;
    if (m->frag_number == 1)
        s->first_np = m->sk_first_payload;
    s->have++;
    if (s->have < s->total) {
        say(f, " [decrypted%s, %u of %u fragments]", res.icv_checked ? ", ICV good" : "", s->have,
            s->total);
        JSET(f, "vpnscope.analyzer.ike.status", json_string("fragment held"));
        return;
    }
    size_t total = 0;
    for (unsigned n = 1; n <= s->total; n++)
        total += s->part_len[n];
    uint8_t *all = malloc(total ? total : 1);
    if (!all) {
        r->ike_failed++;
        return;
    }
    size_t at = 0;
    for (unsigned n = 1; n <= s->total; n++) {
        memcpy(all + at, s->part[n], s->part_len[n]);
        at += s->part_len[n];
    }
    r->ike2f_done++;
    say(f, " [reassembled %u fragments from frame %" PRIu64 ", %zu bytes]", s->total, s->first_frame, total);
    JSET(f, "vpnscope.analyzer.ike.status", json_string("decrypted"));
    JSET(f, "vpnscope.analyzer.ike.reassembled_fragments", json_integer(s->total));
    uint8_t first_np = s->first_np;
    bool checked = res.icv_checked;
    ike2f_clear(s);
    ike2_show_inner(r, f, all, 0, total, first_np, checked, "decrypted message");
    free(all);
}

/* IKEv2 message already decoded into r->ike2 (and the frame's tree):
 * decrypt its SK payload with the user's keys and decode the content. */
static void handle_ikev2(vsa_run *r, frame_ctx *f, const uint8_t *data, size_t caplen)
{
    vs_ikev2_msg *m = r->ike2;
    say(f, " IKEv2 %s %s%s msgid %" PRIu32, vs_val_name_or(vs_vals_ikev2_exch_type, m->exch_type, "?"),
        m->response ? "response" : "request", m->initiator ? " (I)" : "", m->msgid);
    if (!m->has_sk)
        return;
    uint8_t si[8], sr[8];
    for (int i = 0; i < 8; i++) {
        si[i] = (uint8_t)(m->ispi >> (56 - 8 * i));
        sr[i] = (uint8_t)(m->rspi >> (56 - 8 * i));
    }
    const vsa_ike2_key *k = vsa_keys_find_ike2(r->keys, si, sr);
    if (!k) {
        r->ike_no_key++;
        say(f, " [encrypted, no key]");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("no key"));
        return;
    }
    size_t hoff = m->hdr.off;
    size_t avail = hoff < caplen ? caplen - hoff : 0;
    size_t mlen = m->length < avail ? m->length : avail;
    size_t sk_off = m->sk_payload.off - hoff, sk_len = m->sk_payload.len;
    if (sk_off + sk_len > mlen || sk_len > BUFSZ) {
        r->ike_failed++;
        say(f, " [encrypted, truncated]");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("truncated"));
        return;
    }
    if (m->is_fragment) {
        handle_ikev2_fragment(r, f, k, data + hoff, mlen, sk_off, sk_len);
        return;
    }
    vsa_ike2_result res;
    vsa_ike_verdict vd = vsa_ike2_decrypt(k, m->initiator, data + hoff, mlen, sk_off, sk_len, r->buf, &res);
    if (vd != VSA_IKE_OK) {
        ike2_not_decrypted(r, f, vd);
        return;
    }
    r->ike_decrypted++;
    JSET(f, "vpnscope.analyzer.ike.status", json_string("decrypted"));
    ike2_show_inner(r, f, r->buf, res.inner_off, res.inner_len, m->sk_first_payload, res.icv_checked,
                    "decrypted");
}

static ike1_sess *ike1_session(vsa_run *r, const uint8_t *icookie)
{
    for (size_t i = 0; i < r->n_sess; i++)
        if (memcmp(r->sess[i].icookie, icookie, 8) == 0)
            return &r->sess[i];
    if (r->n_sess == 65536)
        return NULL;
    if (r->n_sess == r->cap_sess) {
        size_t nc = r->cap_sess ? r->cap_sess * 2 : 16;
        ike1_sess *n = realloc(r->sess, nc * sizeof *n);
        if (!n)
            return NULL;
        r->sess = n;
        r->cap_sess = nc;
    }
    ike1_sess *s = &r->sess[r->n_sess++];
    memset(s, 0, sizeof *s);
    memcpy(s->icookie, icookie, 8);
    s->doi = 1;
    const vsa_ike1_key *k = vsa_keys_find_ike1(r->keys, icookie);
    if (k) {
        vsa_ike1_init(&s->st, k);
        s->have_key = true;
    }
    return s;
}

/* Keys in a decrypted GDOI message (pull or verified push): KEK and TEK
 * policy and key downloads; TEKs that become complete are installed as ESP SAs. */
static void gdoi_learn(vsa_run *r, frame_ctx *f, const vs_isakmp_msg *in, size_t len,
                       const char *origin)
{
    char err[200];
    int n = vsa_gdoi_absorb(r->grp, in, r->buf, len, origin, err, sizeof err);
    if (n < 0) {
        say(f, " [keys not usable: %s]", err);
        JSET(f, "vpnscope.analyzer.gdoi.key_error", json_string(err));
    }
    for (unsigned i = 0; i < r->grp->n_kek; i++) {
        vsa_gdoi_kek *k = &r->grp->kek[i];
        if (!k->fresh)
            continue;
        k->fresh = false;
        static const char *const alg[] = {"?", "DES", "3DES", "AES"};
        say(f, " [KEK %s", alg[k->alg >= 1 && k->alg <= 3 ? k->alg : 0]);
        if (k->alg == VSA_KEK_ALG_AES)
            say(f, " %u", k->key_len * 8);
        if (k->pub_bits)
            say(f, " learned, key server public key %u bits]", k->pub_bits);
        else
            say(f, " learned, %s]", k->pub_len ? "key server public key unreadable" : "no key server public key");
        JSET(f, "vpnscope.analyzer.gdoi.kek_learned", json_true());
    }
    json_t *arr = f->json ? json_array() : NULL;
    for (unsigned i = 0; i < r->grp->n_tek; i++) {
        vsa_gdoi_tek *t = &r->grp->tek[i];
        if (!t->fresh)
            continue;
        t->fresh = false;
        bool ok = learn_esp(r, &t->sa);
        unsigned bits = (t->sa.enc_key_len - ((t->sa.enc == VSA_ENC_AES_CTR || t->sa.enc == VSA_ENC_AES_GCM) ? 4 : 0)) * 8;
        say(f, " [TEK SPI 0x%08" PRIx32 " %s %s learned%s]", t->spi,
            vsa_enc_name(t->sa.enc, bits, t->sa.icv_len), vsa_integ_name(t->sa.integ),
            ok ? "" : ", but too many learned keys to keep it");
        if (arr) {
            char spi[16];
            snprintf(spi, sizeof spi, "0x%08" PRIx32, t->spi);
            json_array_append_new(arr, json_string(spi));
        }
    }
    if (arr) {
        if (json_array_size(arr))
            JSET(f, "vpnscope.analyzer.gdoi.teks_learned", arr);
        else
            json_decref(arr);
    }
}

/* GROUPKEY-PUSH: decrypt with the KEK learned from an earlier pull or push
 * (cookies = KEK SPI), verify the key server's signature, and learn the new
 * keys only when it is good. */
static void handle_push(vsa_run *r, frame_ctx *f, const uint8_t *data, size_t caplen)
{
    static _Thread_local vs_item items[4096];
    static _Thread_local vs_problem_rec problems[256];
    const vs_ike_hdr *h = &r->ike1->hdr;
    uint8_t spi[16];
    memcpy(spi, data + h->icookie.off, 8);
    memcpy(spi + 8, data + h->rcookie.off, 8);
    vsa_gdoi_kek *k = vsa_gdoi_find_kek(r->grp, spi);
    if (!k || !k->have_key) {
        r->ike_no_key++;
        r->gdoi_push_nokek++;
        say(f, " [encrypted, KEK not learned (no GROUPKEY-PULL decrypted for it)]");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("no key"));
        return;
    }
    size_t off = h->encrypted.off, len = h->encrypted.len;
    if (off < 28 || off > caplen || len > caplen - off || len > BUFSZ) {
        r->ike_failed++;
        say(f, " [encrypted, truncated]");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("truncated"));
        return;
    }
    if (vsa_gdoi_push_decrypt(k, data + off, len, r->buf) != 0) {
        r->ike_failed++;
        say(f, " [encrypted: length not a multiple of the KEK block]");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("bad length"));
        return;
    }
    vs_ikev1_msg *in = r->ike1_inner;
    memset(in, 0, sizeof *in);
    in->hdr = *h;
    vs_tree t2;
    vs_tree_init(&t2, r->buf, items, 4096, problems, 256);
    vs_cursor c;
    vs_cur_init(&c, r->buf, len, VS_LEN_UNKNOWN);
    vs_status st = vs_gdoi_decode_payloads(&c, h->next_payload, 2, f->json ? &t2 : NULL, in);
    if (f->json)
        tree_to_json(f, &t2, len);
    if (st != VS_OK && vs_isakmp_find(in, VS_IKE_PL_SIG, 0) < 0) {
        r->ike1_bad_plain++;
        say(f, " [decrypted with the KEK, but the payloads do not parse]");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("payloads malformed after decryption"));
        return;
    }
    r->ike_decrypted++;
    JSET(f, "vpnscope.analyzer.ike.status", json_string("decrypted"));
    say(f, " [decrypted with the KEK:");
    for (size_t i = 0; i < in->n_payloads; i++)
        if (in->payloads[i].parent < 0)
            say(f, " %s", vs_val_name_or(vs_vals_gdoi_payload_type, in->payloads[i].type, "?"));
    int si = vs_isakmp_find(in, VS_IKE_PL_SEQ, 0);
    if (si >= 0)
        say(f, "; SEQ %" PRIu32, in->payloads[si].value);
    vsa_sig_verdict sv = vsa_gdoi_push_verify(k, data + off - 28, r->buf, len, in);
    say(f, "; %s]", vsa_sig_verdict_name(sv));
    JSET(f, "vpnscope.analyzer.gdoi.signature", json_string(vsa_sig_verdict_name(sv)));
    if (sv == VSA_SIG_GOOD) {
        r->gdoi_push_good++;
        char origin[VSA_ORIGIN_MAX];
        snprintf(origin, sizeof origin, "learned from GROUPKEY-PUSH frame %" PRIu64 " (signature good)",
                 f->frame_no);
        gdoi_learn(r, f, in, len, origin);
    } else if (sv == VSA_SIG_BAD) {
        r->gdoi_push_bad++;
        say(f, " [keys NOT used: bad signature]");
    } else {
        r->gdoi_push_unverified++;
        say(f, " [keys NOT used: signature not verified]");
    }
}

static uint32_t be32p(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool span_ok(vs_span sp, size_t len)
{
    return sp.off <= len && sp.len <= len - sp.off;
}

/* Derive one direction's ESP SA from a Quick Mode (RFC 2409 5.5) and install it. */
static void qm_install(vsa_run *r, frame_ctx *f, const vsa_ike1_key *sk, int hash, uint8_t proto,
                       const uint8_t spi[4], const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                       size_t nr_len, int af, const uint8_t *dst, const vs_ike_transform *t,
                       const char *origin)
{
    vsa_esp_sa sa;
    memset(&sa, 0, sizeof sa);
    size_t el = 0, al = 0;
    const char *why;
    uint32_t spiv = be32p(spi);
    if (!vsa_ipsec_transform((uint8_t)t->id, t->auth_alg, t->key_length, &sa, &el, &al, &why)) {
        say(f, " [SPI 0x%08" PRIx32 ": %s]", spiv, why);
        return;
    }
    uint8_t km[VSA_MAX_KEY + VSA_MAX_AUTH_KEY];
    if (el + al > sizeof km ||
        vsa_ike1_keymat(hash, sk->skeyid_d, sk->skeyid_d_len, NULL, 0, proto, spi, 4, ni, ni_len,
                        nr, nr_len, km, el + al) != 0) {
        say(f, " [SPI 0x%08" PRIx32 ": KEYMAT not derivable (hash)]", spiv);
        return;
    }
    sa.spi = spiv;
    sa.spi_mask = 0xffffffffu;
    sa.dst.af = (uint8_t)af;
    memcpy(sa.dst.addr, dst, af == 4 ? 4 : 16);
    memset(sa.dst.mask, 0xff, af == 4 ? 4 : 16);
    memcpy(sa.enc_key, km, el);
    sa.enc_key_len = (uint8_t)el;
    memcpy(sa.auth_key, km + el, al);
    sa.auth_key_len = (uint8_t)al;
    OPENSSL_cleanse(km, sizeof km);
    snprintf(sa.origin, sizeof sa.origin, "%s", origin);
    bool ok = learn_esp(r, &sa);
    unsigned bits = (unsigned)(el - ((sa.enc == VSA_ENC_AES_CTR || sa.enc == VSA_ENC_AES_GCM) ? 4 : 0)) * 8;
    char d[64];
    fmt_addr(d, sizeof d, af, dst);
    say(f, " [ESP SPI 0x%08" PRIx32 " to %s %s %s derived%s]", spiv, d,
        vsa_enc_name(sa.enc, bits, sa.icv_len), vsa_integ_name(sa.integ),
        ok ? "" : ", but too many learned keys to keep it");
}

/* A decrypted Quick Mode message: remember message 1 (Ni_b, the initiator's
 * SPIs), derive both directions' ESP keys at message 2 (Nr_b, the
 * responder's SPI and chosen transform) when SKEYID_d is known. */
static void quick_mode(vsa_run *r, frame_ctx *f, ike1_sess *s, const vs_ike_hdr *h,
                       const vs_isakmp_msg *in, size_t len, const vs_layer *ip)
{
    if (!ip)
        return;
    int af = ip->kind == VS_L_IPV6 ? 6 : 4;
    size_t al = af == 4 ? 4 : 16;
    int sa_i = vs_isakmp_find(in, VS_IKE_PL_SA, 0), n_i = vs_isakmp_find(in, VS_IKE_PL_NONCE, 0);
    if (sa_i < 0 || n_i < 0 || !span_ok(in->payloads[n_i].data, len))
        return; /* message 3 (HASH only), or informational content */
    bool pfs = vs_isakmp_find(in, VS_IKE_PL_KE, 0) >= 0;
    qm_pending *q = NULL;
    for (unsigned i = 0; i < QM_MAX_PENDING; i++)
        if (s->qm[i].used && s->qm[i].msgid == h->msgid)
            q = &s->qm[i];
    const vs_span nd = in->payloads[n_i].data;
    if (!q || memcmp(q->init_addr, ip->u.ip.src, al) == 0) {
        if (q && q->ni_len == nd.len && memcmp(q->ni, r->buf + nd.off, nd.len) == 0)
            return; /* message 1 again */
        if (!q) {
            q = &s->qm[s->qm_next];
            s->qm_next = (s->qm_next + 1) % QM_MAX_PENDING;
        }
        memset(q, 0, sizeof *q);
        q->used = true;
        q->msgid = h->msgid;
        q->af = (uint8_t)af;
        memcpy(q->init_addr, ip->u.ip.src, al);
        memcpy(q->resp_addr, ip->u.ip.dst, al);
        q->ni_len = nd.len < sizeof q->ni ? nd.len : sizeof q->ni;
        memcpy(q->ni, r->buf + nd.off, q->ni_len);
        q->pfs = pfs;
        q->frame = f->frame_no;
        for (unsigned i = 0; i < in->n_proposals && q->n_props < QM_MAX_PROPS; i++) {
            const vs_ike_proposal *pp = &in->proposals[i];
            if (pp->spi_size != 4 || !span_ok(pp->spi, len))
                continue;
            q->props[q->n_props].number = pp->number;
            q->props[q->n_props].protocol = pp->protocol_id;
            memcpy(q->props[q->n_props].spi, r->buf + pp->spi.off, 4);
            q->n_props++;
        }
        return;
    }
    if (q->done || memcmp(q->resp_addr, ip->u.ip.src, al) != 0)
        return;
    q->done = true;
    if (q->pfs || pfs) {
        say(f, " [PFS: cannot derive the ESP keys (g(qm)^xy unknown)]");
        JSET(f, "vpnscope.analyzer.ike.keymat", json_string("PFS: cannot derive"));
        return;
    }
    const uint8_t *ic = r->ike1_hdr_icookie, *rc = r->ike1_hdr_rcookie;
    const vsa_ike1_key *sk = vsa_keys_find_skeyid(r->keys, ic, rc);
    if (!sk) {
        say(f, " [no SKEYID_d for this IKE SA: ESP keys not derived]");
        return;
    }
    for (unsigned i = 0; i < in->n_proposals; i++) {
        const vs_ike_proposal *pp = &in->proposals[i];
        if (pp->protocol_id != 3 || pp->spi_size != 4 || !span_ok(pp->spi, len) || !pp->n_transforms ||
            pp->first_transform >= in->n_transforms)
            continue;
        const uint8_t *ispi = NULL;
        for (unsigned j = 0; j < q->n_props; j++)
            if (q->props[j].protocol == 3 && (q->props[j].number == pp->number || !ispi))
                ispi = q->props[j].spi;
        if (!ispi)
            continue;
        const vs_ike_transform *t = &in->transforms[pp->first_transform];
        const uint8_t *nr = r->buf + nd.off;
        char origin[VSA_ORIGIN_MAX];
        char head[80];
        snprintf(head, sizeof head, "derived from Quick Mode frames %" PRIu64 "/%" PRIu64, q->frame,
                 f->frame_no);
        size_t hl = strlen(head);
        memcpy(origin, head, hl + 1);
        snprintf(origin + hl, sizeof origin - hl, " (SKEYID_d from %.*s)",
                 (int)(sizeof origin - hl - 20), sk->origin);
        /* initiator -> responder: the responder's SPI; the other way: the initiator's */
        qm_install(r, f, sk, s->st.hash, 3, r->buf + pp->spi.off, q->ni, q->ni_len, nr, nd.len, af,
                   q->resp_addr, t, origin);
        qm_install(r, f, sk, s->st.hash, 3, ispi, q->ni, q->ni_len, nr, nd.len, af, q->init_addr, t,
                   origin);
    }
}

/* An ISAKMP message (IKEv1 or GDOI) already decoded into r->ike1: learn the
 * negotiated transform and the KE payloads, decrypt an encrypted body with
 * the ikev1 table and decode its payloads. */
static void handle_ikev1(vsa_run *r, frame_ctx *f, const uint8_t *data, size_t caplen,
                         const vs_layer *ip, bool gdoi)
{
    static _Thread_local vs_item items[4096];
    static _Thread_local vs_problem_rec problems[256];
    vs_ikev1_msg *m = r->ike1;
    const vs_ike_hdr *h = &m->hdr;
    say(f, " %s %s msgid 0x%08" PRIx32, gdoi ? "GDOI" : "IKEv1",
        vs_val_name_or(gdoi ? vs_vals_gdoi_exch_type : vs_vals_ike_exch_type, h->exch_type, "?"),
        h->msgid);
    if (h->icookie.len != 8 || h->rcookie.len != 8 || h->icookie.off + 8 > caplen ||
        h->rcookie.off + 8 > caplen)
        return;
    if (gdoi && h->exch_type == VS_GDOI_EXCH_PUSH && (h->flags & VS_IKE_FLAG_E)) {
        handle_push(r, f, data, caplen);
        return;
    }
    const uint8_t *ic = data + h->icookie.off, *rc = data + h->rcookie.off;
    static const uint8_t zero[8];
    bool rzero = memcmp(rc, zero, 8) == 0;
    ike1_sess *s = ike1_session(r, ic);
    if (!s)
        return;
    int af = ip && ip->kind == VS_L_IPV6 ? 6 : 4;
    if (ip && rzero && !s->have_init) {
        s->have_init = true;
        s->init_af = (uint8_t)af;
        memcpy(s->init_addr, ip->u.ip.src, 16);
    }
    bool from_init = ip && s->have_init ? memcmp(s->init_addr, ip->u.ip.src, af == 4 ? 4 : 16) == 0
                                        : rzero;
    if (!(h->flags & 1)) {
        /* clear: the responder's SA carries the chosen transform; KE payloads give the IV */
        for (size_t i = 0; i < m->n_payloads; i++) {
            const vs_ike_payload *p = &m->payloads[i];
            if (p->type == 1 && p->parent < 0)
                s->doi = p->value;
            if (p->type == 1 && !from_init && s->have_key && m->n_transforms && !s->have_transform) {
                const vs_ike_transform *t = &m->transforms[0];
                if (vsa_ike1_set_transform(&s->st, t->encr, t->key_length, t->hash) == VSA_IKE_OK)
                    s->have_transform = true;
            }
            if (p->type == 4 && s->have_key && p->data.off + p->data.len <= caplen)
                vsa_ike1_set_ke(&s->st, from_init, data + p->data.off, p->data.len);
        }
        return;
    }
    if (!s->have_key) {
        r->ike_no_key++;
        say(f, " [encrypted, no key]");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("no key"));
        return;
    }
    size_t off = h->encrypted.off, len = h->encrypted.len;
    if (off > caplen || len > caplen - off || len > BUFSZ) {
        r->ike_failed++;
        say(f, " [encrypted, truncated]");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("truncated"));
        return;
    }
    bool rt = false;
    vsa_ike_verdict vd = vsa_ike1_decrypt(&s->st, h->msgid, data + off, len, r->buf, &rt);
    if (vd != VSA_IKE_OK) {
        r->ike_failed++;
        say(f, " [encrypted: %s]", vsa_ike_verdict_name(vd));
        JSET(f, "vpnscope.analyzer.ike.status", json_string(vsa_ike_verdict_name(vd)));
        return;
    }
    if (rt)
        r->ike1_retrans++;
    vs_ikev1_msg *in = r->ike1_inner;
    memset(in, 0, sizeof *in);
    in->hdr = *h;
    vs_tree t2;
    vs_tree_init(&t2, r->buf, items, 4096, problems, 256);
    vs_cursor c;
    vs_cur_init(&c, r->buf, len, VS_LEN_UNKNOWN);
    vs_status st = gdoi ? vs_gdoi_decode_payloads(&c, h->next_payload, s->doi, f->json ? &t2 : NULL, in)
                        : vs_ikev1_decode_payloads(&c, h->next_payload, s->doi, f->json ? &t2 : NULL, in);
    if (f->json)
        tree_to_json(f, &t2, len); /* also when malformed: the fields that did decode */
    size_t top = 0;
    for (size_t i = 0; i < in->n_payloads; i++)
        top += in->payloads[i].parent < 0;
    if (st != VS_OK && top >= 2) {
        /* several payload headers chain correctly: the key and IV are right and
         * the content itself is malformed */
        r->ike_decrypted++;
        r->ike1_content_bad++;
        JSET(f, "vpnscope.analyzer.ike.status", json_string("decrypted, malformed payloads"));
        say(f, " [decrypted%s, malformed payloads:", rt ? ", retransmission" : "");
        for (size_t i = 0; i < in->n_payloads; i++)
            if (in->payloads[i].parent < 0)
                say(f, " %s", vs_val_name_or(gdoi ? vs_vals_gdoi_payload_type : vs_vals_ike_payload_type,
                                             in->payloads[i].type, "?"));
        say(f, "]");
        return;
    }
    if (st != VS_OK) {
        /* no ICV in IKEv1: an undecodable plaintext is the sign of a wrong key or IV */
        r->ike1_bad_plain++;
        say(f, " [decrypted, but the payloads do not parse: wrong key?%s]", rt ? ", retransmission" : "");
        JSET(f, "vpnscope.analyzer.ike.status", json_string("payloads malformed after decryption"));
        return;
    }
    r->ike_decrypted++;
    JSET(f, "vpnscope.analyzer.ike.status", json_string("decrypted"));
    if (rt)
        JSET(f, "vpnscope.analyzer.ike.retransmission", json_true());
    say(f, " [decrypted%s:", rt ? ", retransmission" : "");
    for (size_t i = 0; i < in->n_payloads; i++)
        if (in->payloads[i].parent < 0)
            say(f, " %s", vs_val_name_or(gdoi ? vs_vals_gdoi_payload_type : vs_vals_ike_payload_type,
                                         in->payloads[i].type, "?"));
    say(f, "]");
    if (!gdoi && h->exch_type == 32) {
        memcpy(r->ike1_hdr_icookie, ic, 8);
        memcpy(r->ike1_hdr_rcookie, rc, 8);
        quick_mode(r, f, s, h, in, len, ip);
    }
    if (gdoi && h->exch_type == VS_GDOI_EXCH_PULL) {
        char origin[VSA_ORIGIN_MAX];
        snprintf(origin, sizeof origin, "learned from GROUPKEY-PULL frame %" PRIu64, f->frame_no);
        gdoi_learn(r, f, in, len, origin);
    }
}

/* value names of the core's NHRP decoder (nhrp_vals.c) */
extern const vs_val vs_vals_nhrp_op_type[], vs_vals_nhrp_err_code[], vs_vals_nhrp_cie_code[];

static void nhrp_addr(char *out, size_t n, const uint8_t *data, size_t caplen, const vs_nhrp_addr *a)
{
    if (a->family == VS_NHRP_AF_NONE || !span_ok(a->span, caplen)) {
        snprintf(out, n, "-");
        return;
    }
    if (a->family == VS_NHRP_AF_IPV4 || a->family == VS_NHRP_AF_IPV6) {
        fmt_addr(out, n, a->family == VS_NHRP_AF_IPV4 ? 4 : 6, data + a->span.off);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < a->span.len && k + 3 < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%02x", data[a->span.off + i]);
    if (!k)
        snprintf(out, n, "-");
}

/* NHRP in IOS words: "NHRP Registration Request id 3 10.0.0.11 -> 10.0.0.1
 * nbma 198.51.100.11 holdtime 600", then CIEs, extensions, error codes. JSON:
 * the decoder's vpnscope.nhrp.* fields. */
static void nhrp_summary(frame_ctx *f, const uint8_t *data, size_t caplen, const vs_frame *fr)
{
    static _Thread_local vs_item items[2048];
    static _Thread_local vs_problem_rec problems[128];
    static _Thread_local vs_nhrp_msg m;
    vs_tree t;
    vs_tree_init(&t, data, items, 2048, problems, 128);
    vs_cursor c = fr->app_cur;
    memset(&m, 0, sizeof m);
    vs_status st = vs_nhrp_decode(&c, NULL, f->json ? &t : NULL, &m);
    if (f->json)
        tree_to_json(f, &t, caplen);
    if (!f->text)
        return;
    const char *tn = m.type == VS_NHRP_TRAFFIC_INDICATION ? "Traffic Indication"
                                                          : vs_val_name_or(vs_vals_nhrp_op_type, m.type, NULL);
    if (tn)
        say(f, " NHRP %s", tn);
    else
        say(f, " NHRP type %u", m.type);
    char a[64], b[64], n[64];
    if (m.has_mand) {
        if (m.type >= 1 && m.type <= 6)
            say(f, " id %" PRIu32, m.request_id);
        nhrp_addr(a, sizeof a, data, caplen, &m.src_proto);
        nhrp_addr(b, sizeof b, data, caplen, &m.dst_proto);
        nhrp_addr(n, sizeof n, data, caplen, &m.src_nbma);
        say(f, " %s -> %s nbma %s", a, b, n);
        if (m.type == VS_NHRP_ERROR_INDICATION)
            say(f, " error %u (%s)", m.error_code, vs_val_name_or(vs_vals_nhrp_err_code, m.error_code, "?"));
        if (m.type == VS_NHRP_TRAFFIC_INDICATION && m.traffic_ip_version == 4 &&
            span_ok(m.traffic_ip_src, caplen) && span_ok(m.traffic_ip_dst, caplen) &&
            m.traffic_ip_src.len == 4 && m.traffic_ip_dst.len == 4) {
            fmt_addr(a, sizeof a, 4, data + m.traffic_ip_src.off);
            fmt_addr(b, sizeof b, 4, data + m.traffic_ip_dst.off);
            say(f, " for traffic %s -> %s", a, b);
        }
        if ((m.type == 1 || m.type == 2) && (m.flags & VS_NHRP_FLAG_NAT))
            say(f, " nat");
        if (m.type == 3 && (m.flags & VS_NHRP_FLAG_UNIQUE))
            say(f, " unique");
    }
    bool first_ht = true;
    for (size_t i = 0; i < m.n_cies; i++) {
        const vs_nhrp_cie *ci = &m.cies[i];
        if (ci->ext != VS_NHRP_IN_MAND)
            continue;
        if (first_ht) {
            say(f, " holdtime %u", ci->holding_time);
            first_ht = false;
        }
        nhrp_addr(a, sizeof a, data, caplen, &ci->proto);
        nhrp_addr(n, sizeof n, data, caplen, &ci->nbma);
        say(f, " [cie %s prefix %u", ci->code ? vs_val_name_or(vs_vals_nhrp_cie_code, ci->code, "code ?") : "success",
            ci->prefix_len);
        if (ci->proto.family != VS_NHRP_AF_NONE)
            say(f, " %s", a);
        if (ci->nbma.family != VS_NHRP_AF_NONE)
            say(f, " nbma %s", n);
        say(f, "]");
    }
    for (size_t i = 0; i < m.n_exts; i++) {
        const vs_nhrp_ext *e = &m.exts[i];
        if (e->type == VS_NHRP_EXT_CISCO_NAT && e->n_cies) {
            const vs_nhrp_cie *ci = &m.cies[e->first_cie];
            nhrp_addr(n, sizeof n, data, caplen, &ci->nbma);
            nhrp_addr(a, sizeof a, data, caplen, &ci->proto);
            say(f, " [NAT ext: nbma %s proto %s]", n, a);
        } else if (e->type == VS_NHRP_EXT_CISCO_NAT) {
            say(f, " [NAT ext]");
        } else if (e->type == VS_NHRP_EXT_AUTH) {
            say(f, " [auth ext%s]", e->auth_form == VS_NHRP_AUTHF_CISCO && e->auth_spi == 1 ? " cleartext" : "");
        }
    }
    if (st != VS_OK)
        say(f, " (%s)", st == VS_TRUNCATED ? "truncated" : "malformed");
}

/* ICMP / TCP / UDP after the last IP header (the core follows neither):
 * summary and vpnscope.analyzer.inner.* JSON. */
static void l4_summary(frame_ctx *f, const uint8_t *data, size_t caplen, const vs_frame *fr,
                       const vs_layer *ip)
{
    size_t off = ip->span.off;
    if (off >= caplen)
        return;
    size_t hl;
    if (ip->kind == VS_L_IPV4)
        hl = (size_t)(data[off] & 0x0f) * 4;
    else
        hl = 40; /* extension headers: the core stops on them (not followed) */
    size_t p = off + hl, end = ip->span.off + ip->span.len;
    if (end > caplen)
        end = caplen;
    uint8_t proto = ip->u.ip.proto;
    /* an IP packet inside GRE / IP: its own addresses (the outer ones are already on the line) */
    const vs_layer *first = NULL;
    for (size_t i = 0; i < fr->n_layers && !first; i++)
        if (fr->layers[i].kind == VS_L_IPV4 || fr->layers[i].kind == VS_L_IPV6)
            first = &fr->layers[i];
    if (first && first != ip) {
        char a[64], b[64];
        int af = ip->kind == VS_L_IPV4 ? 4 : 6;
        fmt_addr(a, sizeof a, af, ip->u.ip.src);
        fmt_addr(b, sizeof b, af, ip->u.ip.dst);
        say(f, " | %s -> %s", a, b);
        JSET(f, "vpnscope.analyzer.inner.src", json_string(a));
        JSET(f, "vpnscope.analyzer.inner.dst", json_string(b));
    }
    JSET(f, "vpnscope.analyzer.inner.proto", json_integer(proto));
    if ((proto == 1 || proto == 58) && p + 4 <= end) {
        uint8_t ty = data[p], co = data[p + 1];
        const char *nm = NULL;
        if (proto == 1)
            nm = ty == 8 ? "echo request" : ty == 0 ? "echo reply" : ty == 3 ? "unreachable" : ty == 11 ? "time exceeded" : NULL;
        else
            nm = ty == 128 ? "echo request" : ty == 129 ? "echo reply" : ty == 1 ? "unreachable" : NULL;
        say(f, " %s", proto == 1 ? "ICMP" : "ICMPv6");
        if (nm)
            say(f, " %s", nm);
        else
            say(f, " type %u code %u", ty, co);
        JSET(f, "vpnscope.analyzer.inner.icmp.type", json_integer(ty));
        JSET(f, "vpnscope.analyzer.inner.icmp.code", json_integer(co));
        if ((ty == 8 || ty == 0 || ty == 128 || ty == 129) && p + 8 <= end) {
            unsigned id = (unsigned)data[p + 4] << 8 | data[p + 5], sq = (unsigned)data[p + 6] << 8 | data[p + 7];
            say(f, " id %u seq %u", id, sq);
            JSET(f, "vpnscope.analyzer.inner.icmp.id", json_integer(id));
            JSET(f, "vpnscope.analyzer.inner.icmp.seq", json_integer(sq));
        }
    } else if ((proto == 6 || proto == 17) && p + 4 <= end) {
        unsigned sp = (unsigned)data[p] << 8 | data[p + 1], dp = (unsigned)data[p + 2] << 8 | data[p + 3];
        /* UDP the core followed is already on the line (" UDP a -> b") */
        if (proto == 6 || layer_index(fr, VS_L_UDP) >= fr->n_layers)
            say(f, " %s %u -> %u", proto == 6 ? "TCP" : "UDP", sp, dp);
        JSET(f, "vpnscope.analyzer.inner.src_port", json_integer(sp));
        JSET(f, "vpnscope.analyzer.inner.dst_port", json_integer(dp));
        if (proto == 6 && p + 14 <= end) {
            uint8_t fl = data[p + 13];
            static const char *const nm[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};
            say(f, " [");
            bool any = false;
            for (int i = 0; i < 6; i++)
                if (fl & (1u << i)) {
                    say(f, "%s%s", any ? "," : "", nm[i]);
                    any = true;
                }
            say(f, "]");
            JSET(f, "vpnscope.analyzer.inner.tcp.flags", json_integer(fl));
        }
    } else {
        const char *pn = vs_val_name(vs_vals_ip_proto, proto);
        if (pn)
            say(f, " %s (proto %u)", pn, proto);
        else
            say(f, " proto %u", proto);
    }
}

static void process(vsa_run *r, frame_ctx *f, int linktype, const uint8_t *data, size_t caplen,
                    size_t wirelen)
{
    static _Thread_local vs_item items[4096];
    static _Thread_local vs_problem_rec problems[256];
    vs_frame fr;
    vs_tree tree, *t = NULL;
    if (f->json) {
        vs_tree_init(&tree, data, items, 4096, problems, 256);
        t = &tree;
    }
    vs_frame_decode(linktype, data, caplen, wirelen, t, &fr);
    if (f->depth == 0) {
        f->top_linktype = linktype;
        f->top_data = data;
        f->top_caplen = caplen;
        f->top_wirelen = wirelen;
        f->top_fr = &fr;
    }
    bool ikev2 = false;
    if (r->tid == 0 && fr.app == VS_APP_IKE && fr.app_span.off + 18 <= caplen &&
        data[fr.app_span.off + 17] >> 4 == 2) {
        vs_cursor c = fr.app_cur;
        vs_ikev2_msg_init(r->ike2);
        vs_ikev2_decode(&c, t, r->ike2);
        ikev2 = true;
    }
    bool ikev1 = false;
    if (r->tid == 0 && ((fr.app == VS_APP_IKE && !ikev2) || fr.app == VS_APP_GDOI)) {
        vs_cursor c = fr.app_cur;
        memset(r->ike1, 0, sizeof *r->ike1);
        if (fr.app == VS_APP_GDOI)
            vs_gdoi_decode(&c, t, r->ike1);
        else
            vs_ikev1_decode(&c, t, r->ike1);
        ikev1 = true;
    }
    if (t)
        tree_to_json(f, t, caplen);
    const vs_layer *outer = NULL;
    for (size_t i = 0; i < fr.n_layers; i++)
        if (fr.layers[i].kind == VS_L_IPV4 || fr.layers[i].kind == VS_L_IPV6) {
            const vs_layer *l = &fr.layers[i];
            if (!outer) {
                outer = l;
                if (f->text) {
                    char a[64], b[64];
                    int af = l->kind == VS_L_IPV4 ? 4 : 6;
                    fmt_addr(a, sizeof a, af, l->u.ip.src);
                    fmt_addr(b, sizeof b, af, l->u.ip.dst);
                    say(f, " %s -> %s", a, b);
                }
            }
            if (l->u.ip.fragment && !r->o.no_reassembly && f->depth < 6) {
                handle_fragment(r, f, linktype, data, caplen, &fr, l);
                return;
            }
        }
    for (size_t i = 0; i < fr.n_layers; i++) {
        const vs_layer *l = &fr.layers[i];
        if (l->kind == VS_L_GRE)
            say(f, " GRE");
        else if (l->kind == VS_L_UDP && fr.app != VS_APP_ESP)
            say(f, " UDP %u -> %u", l->u.udp.sport, l->u.udp.dport);
        else if (l->kind == VS_L_UDP)
            say(f, " UDP-encap");
    }
    switch (fr.app) {
    case VS_APP_ESP: {
        uint64_t seen = r->observed;
        handle_esp(r, f, data, caplen, &fr);
        if (r->observed == seen) /* not decrypted: observed without plaintext */
            observe(r, f, data, caplen, &fr, NULL);
        return;
    }
    case VS_APP_IKE:
        set_disp(f, VSA_D_IKE);
        if (ikev2)
            handle_ikev2(r, f, data, caplen);
        else if (ikev1)
            handle_ikev1(r, f, data, caplen, last_ip(&fr, fr.n_layers), false);
        else
            say(f, " IKEv1");
        break;
    case VS_APP_GDOI:
        set_disp(f, VSA_D_GDOI);
        if (ikev1)
            handle_ikev1(r, f, data, caplen, last_ip(&fr, fr.n_layers), true);
        else
            say(f, " GDOI");
        break;
    case VS_APP_NHRP:
        set_disp(f, VSA_D_NHRP);
        nhrp_summary(f, data, caplen, &fr);
        break;
    case VS_APP_NATT_KEEPALIVE:
        set_disp(f, VSA_D_NATT_KEEPALIVE);
        say(f, " NAT-keepalive");
        break;
    case VS_APP_INNER_IP:
        set_disp(f, VSA_D_INNER_IP);
        say(f, " IP (nested too deep)");
        break;
    case VS_APP_FRAGMENT:
        set_disp(f, VSA_D_FRAGMENT_HELD);
        say(f, " IP fragment");
        break;
    case VS_APP_OTHER:
        set_disp(f, VSA_D_OTHER);
        {
            const vs_layer *ip = last_ip(&fr, fr.n_layers);
            if (ip)
                l4_summary(f, data, caplen, &fr, ip);
        }
        break;
    case VS_APP_NONE:
    default:
        if (layer_index(&fr, VS_L_AH) < fr.n_layers) {
            set_disp(f, VSA_D_AH);
            say(f, " AH");
        } else {
            vsa_disp d = reason_disp(fr.reason);
            set_disp(f, d);
            if (fr.reason == VS_FR_NOT_IP) {
                /* Name what the link carries (ARP, LLDP, ...) rather than only "not IP". */
                const char *et = vs_val_name(vs_vals_ethertype, fr.detail);
                if (fr.detail <= 1500) /* a length: 802.3 with LLC (STP, CDP, DTP ...) */
                    say(f, " 802.3 LLC frame (length %u, not IP)", (unsigned)fr.detail);
                else if (et)
                    say(f, " %s (EtherType 0x%04x, not IP)", et, (unsigned)fr.detail);
                else
                    say(f, " EtherType 0x%04x (not IP)", (unsigned)fr.detail);
            } else {
                say(f, " (%s: %s)", vsa_disp_text(d), vs_frame_reason_name(fr.reason));
            }
        }
        break;
    }
    observe(r, f, data, caplen, &fr, NULL);
    keep_frame(r, f);
}


static void observe(vsa_run *r, frame_ctx *f, const uint8_t *data, size_t caplen,
                    const vs_frame *fr, const vs_esp_plain *plain)
{
    r->observed++;
    if (r->o.observer.packet)
        r->o.observer.packet(r->o.observer.ctx, f->frame_no, f->depth, data, caplen, fr, plain);
}

static void write_frame(vsa_run *r, frame_ctx *f, int linktype, const uint8_t *d, size_t n,
                        size_t wire, const char *comment)
{
    if (r->o.mode != VSA_MODE_DECRYPT || (!r->w_open && !r->pout) || f->wrote ||
        (f->depth > 0 && !f->nested_write_ok))
        return;
    f->wrote = true;
    if (r->pout) {
        par_out_epb(r->pout, f->frame_no, f->ts_sec, f->ts_nsec, linktype, d, n, wire, comment);
        return;
    }
    if (vsa_pcapng_write(&r->w, linktype, f->ts_sec, f->ts_nsec, d, (uint32_t)n, (uint32_t)wire,
                         comment) < 0) {
        fprintf(r->o.err, "vpnscope: %s\n", r->w.error);
        r->input_error = true;
        r->w_open = false;
    }
}

/* One line of decode output (text or JSON), newline added: to the output, or
 * with several threads to the batch's output for the writer thread. */
static void emit_line(vsa_run *r, const frame_ctx *f, const char *s, size_t n)
{
    if (r->pout)
        par_out_line(r->pout, f->frame_no, s, n);
    else
        fprintf(r->o.out, "%.*s\n", (int)n, s);
}

void vsa_run_packet(vsa_run *r, int linktype, uint64_t frame_no, int64_t ts_sec, uint32_t ts_nsec,
                    const uint8_t *data, size_t caplen, size_t wirelen)
{
    if (r->tid == 0)
        r->frames++;
    frame_ctx f;
    memset(&f, 0, offsetof(frame_ctx, line));
    f.line[0] = '\0';
    f.frame_no = frame_no;
    f.ts_sec = ts_sec;
    f.ts_nsec = ts_nsec;
    f.text = r->o.mode == VSA_MODE_DECODE && !r->o.json;
    if (r->o.mode == VSA_MODE_DECODE && r->o.json) {
        f.json = json_object();
        char tb[64];
        fmt_time(tb, sizeof tb, ts_sec, ts_nsec);
        json_object_set_new(f.json, "frame.number", json_integer((json_int_t)frame_no));
        json_object_set_new(f.json, "frame.time", json_string(tb));
        json_object_set_new(f.json, "frame.len", json_integer((json_int_t)wirelen));
        json_object_set_new(f.json, "frame.cap_len", json_integer((json_int_t)caplen));
    }
    size_t mark = r->pout ? par_out_mark(r->pout) : 0;
    process(r, &f, linktype, data, caplen, wirelen);
    if (!f.disp_set)
        set_disp(&f, VSA_D_MALFORMED);
    /* with several threads: a frame sent to one thread counts there; of the
     * frames every thread sees, ESP counts where its SA lives, the rest in
     * thread 0. The thread that counts a frame also writes its output. */
    bool esp_disp = f.disp <= VSA_D_ESP_UNSUPPORTED;
    bool mine = r->exclusive || (!f.foreign && (esp_disp || r->tid == 0));
    if (mine)
        r->count[f.disp]++;
    else if (r->pout)
        par_out_reset(r->pout, mark); /* another thread writes this frame */
    if (r->o.mode == VSA_MODE_DECODE && mine) {
        if (f.json) {
            json_object_set_new(f.json, "vpnscope.analyzer.disposition",
                                json_string(vsa_disp_key(f.disp)));
            char *s = json_dumps(f.json, JSON_COMPACT | JSON_ENSURE_ASCII);
            if (s) {
                emit_line(r, &f, s, strlen(s));
                free(s);
            }
        } else {
            char tb[64], lb[sizeof f.line + 96];
            fmt_time(tb, sizeof tb, ts_sec, ts_nsec);
            int n = snprintf(lb, sizeof lb, "%" PRIu64 " %s%s", frame_no, tb, f.line);
            if (n > 0)
                emit_line(r, &f, lb, (size_t)n < sizeof lb ? (size_t)n : sizeof lb - 1);
        }
    }
    json_decref(f.json);
}

int vsa_run_file(vsa_run *r, const char *path)
{
    vsa_capture c;
    if (vsa_capture_open(&c, path) < 0) {
        fprintf(r->o.err, "vpnscope: %s\n", c.error);
        r->input_error = true;
        return -1;
    }
    r->cur_path = path;
    if (r->o.mode == VSA_MODE_DECRYPT && !r->w_open && r->o.out_path) {
        if (vsa_pcapng_open(&r->w, r->o.out_path, "vpnscope decrypt") < 0) {
            fprintf(r->o.err, "vpnscope: %s\n", r->w.error);
            vsa_capture_close(&c);
            r->input_error = true;
            return -1;
        }
        r->w_open = true;
    }
    bool prog = r->o.progress > 0 || (r->o.progress < 0 && isatty(fileno(r->o.err)));
    vsa_progress_start(&r->prog, prog, r->o.err, c.file_size);
    vsa_packet p;
    int rc;
    while ((rc = vsa_capture_next(&c, &p)) == 1) {
        vsa_run_packet(r, p.linktype, p.frame_no, p.ts_sec, p.ts_nsec, p.data, p.caplen, p.wirelen);
        if ((r->frames & 0x3fff) == 0)
            vsa_progress_update(&r->prog, vsa_capture_offset(&c), r->frames);
    }
    vsa_progress_end(&r->prog);
    if (rc < 0) {
        fprintf(r->o.err, "vpnscope: %s\n", c.error);
        r->input_error = true;
    }
    vsa_capture_close(&c);
    return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* reports */

static int cmp_sa(const void *a, const void *b)
{
    const sa_stat *x = *(const sa_stat *const *)a, *y = *(const sa_stat *const *)b;
    return x->first_frame < y->first_frame ? -1 : x->first_frame > y->first_frame;
}

static void hexkey(FILE *o, const uint8_t *k, size_t n)
{
    fputs("0x", o);
    for (size_t i = 0; i < n; i++)
        fprintf(o, "%02x", k[i]);
}

static void sa_key_lines(vsa_run *r, FILE *o, const sa_stat *s, const vsa_esp_sa *k)
{
    if (!k) {
        fprintf(o, "     transform: unknown (no key)\n");
        return;
    }
    unsigned bits =
        (k->enc_key_len - ((k->enc == VSA_ENC_AES_CTR || k->enc == VSA_ENC_AES_GCM) ? 4 : 0)) * 8;
    fprintf(o, "     transform: %s %s ,\n", vsa_enc_name(k->enc, bits, k->icv_len),
            vsa_integ_name(k->integ));
    fprintf(o, "     in use settings ={%s%s%s, }\n",
            s->decrypted ? ((s->mode_nh == 4 || s->mode_nh == 41) ? "Tunnel" : "Transport") : "?",
            s->udp_encap ? " UDP-Encaps" : "", k->esn ? ", esn" : "");
    fprintf(o, "     key: %s", k->origin);
    if (r->o.show_keys) {
        fputs(" enc ", o);
        hexkey(o, k->enc_key, k->enc_key_len);
        if (k->auth_key_len) {
            fputs(" auth ", o);
            hexkey(o, k->auth_key, k->auth_key_len);
        }
    }
    fputc('\n', o);
}

static void sa_counter_lines(FILE *o, const sa_stat *s, const vsa_esp_sa *k)
{
    bool verifies = k && ((k->integ != VSA_INTEG_NONE && k->integ != VSA_INTEG_ANY) ||
                          vsa_enc_is_aead(k->enc));
    fprintf(o, "     #pkts decaps: %" PRIu64 ", #pkts decrypt: %" PRIu64 ", #pkts verify: %" PRIu64 "\n",
            s->pkts, s->decrypted, verifies ? s->decrypted : 0);
    fprintf(o, "     #bytes received: %" PRIu64 ", #bytes decrypted: %" PRIu64 "\n", s->bytes_in,
            s->bytes_out);
    fprintf(o, "     #pkts ICV failures (verify failed): %" PRIu64 "\n", s->icv_fail);
    fprintf(o, "     #pkts no key: %" PRIu64 ", #pkts truncated: %" PRIu64 ", #pkts malformed: %" PRIu64
               ", #pkts bad padding: %" PRIu64 ", #pkts unsupported: %" PRIu64 "\n",
            s->no_key, s->truncated, s->malformed, s->pad_bad, s->unsupported);
    fprintf(o, "     #pkts replay/duplicate: %" PRIu64 ", #pkts too old: %" PRIu64
               ", #pkts reordered: %" PRIu64 ", #seq gaps: %" PRIu64 " (%" PRIu64 " missing)\n",
            s->rp.n_duplicates, s->rp.n_too_old, s->rp.n_reordered, s->rp.n_gaps, s->rp.n_missing);
}

static void sa_add(sa_stat *t, const sa_stat *s)
{
    t->pkts += s->pkts;
    t->decrypted += s->decrypted;
    t->bytes_in += s->bytes_in;
    t->bytes_out += s->bytes_out;
    t->icv_fail += s->icv_fail;
    t->truncated += s->truncated;
    t->malformed += s->malformed;
    t->pad_bad += s->pad_bad;
    t->unsupported += s->unsupported;
    t->no_key += s->no_key;
    t->rp.n_duplicates += s->rp.n_duplicates;
    t->rp.n_too_old += s->rp.n_too_old;
    t->rp.n_reordered += s->rp.n_reordered;
    t->rp.n_gaps += s->rp.n_gaps;
    t->rp.n_missing += s->rp.n_missing;
    if (s->decrypted)
        t->mode_nh = s->mode_nh;
    t->udp_encap |= s->udp_encap;
}

/* One block per SA, as IOS shows them; an SPI used by several flows (a
 * GETVPN group SA, one SPI for every member) is one block with its totals and
 * a line per sender -> receiver flow. */
static void sa_report(vsa_run *r, FILE *o)
{
    sa_stat **v = calloc(r->sa_n ? r->sa_n : 1, sizeof *v);
    bool *done = calloc(r->sa_n ? r->sa_n : 1, 1);
    if (!v || !done) {
        free(v);
        free(done);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->sa_cap; i++)
        if (r->sa[i].used)
            v[n++] = &r->sa[i];
    qsort(v, n, sizeof *v, cmp_sa);
    size_t groups = 0;
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        groups++;
        for (size_t j = i; j < n; j++)
            if (v[j]->spi == v[i]->spi && v[j]->key_idx == v[i]->key_idx)
                done[j] = true;
    }
    memset(done, 0, n);
    fprintf(o, "ESP security associations seen: %zu (%zu flows)\n", groups, n);
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        const sa_stat *s = v[i];
        const vsa_esp_sa *k = key_of(r, s->key_idx);
        size_t members = 0;
        sa_stat sum;
        memset(&sum, 0, sizeof sum);
        for (size_t j = i; j < n; j++)
            if (v[j]->spi == s->spi && v[j]->key_idx == s->key_idx) {
                members++;
                sa_add(&sum, v[j]);
            }
        char a[64], b[64];
        if (members == 1) {
            done[i] = true;
            fmt_addr(a, sizeof a, s->af, s->src);
            fmt_addr(b, sizeof b, s->af, s->dst);
            fprintf(o, "\n   local/remote: %s -> %s", a, b);
            if (s->udp_encap)
                fprintf(o, " (UDP %u -> %u)", s->sport, s->dport);
            fprintf(o, "\n     spi: 0x%08" PRIX32 "(%" PRIu32 ")\n", s->spi, s->spi);
            sa_key_lines(r, o, s, k);
            sa_counter_lines(o, s, k);
            fprintf(o, "     sequence: first %" PRIu32 ", last %" PRIu32 "; frames: first %" PRIu64
                       ", last %" PRIu64 "\n",
                    s->first_seq, s->last_seq, s->first_frame, s->last_frame);
            continue;
        }
        fprintf(o, "\n   spi: 0x%08" PRIX32 "(%" PRIu32 ")  one SPI, %zu flows (group SA)\n", s->spi,
                s->spi, members);
        sa_key_lines(r, o, &sum, k);
        sa_counter_lines(o, &sum, k);
        fprintf(o, "     flows: sender -> receiver: decaps/decrypt, ICV failures, replays, gaps, "
                   "sequence first-last, frames first-last\n");
        for (size_t j = i; j < n; j++) {
            const sa_stat *m = v[j];
            if (m->spi != s->spi || m->key_idx != s->key_idx)
                continue;
            done[j] = true;
            fmt_addr(a, sizeof a, m->af, m->src);
            fmt_addr(b, sizeof b, m->af, m->dst);
            fprintf(o, "       %s -> %s%s: %" PRIu64 "/%" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64
                       ", %" PRIu32 "-%" PRIu32 ", %" PRIu64 "-%" PRIu64 "\n",
                    a, b, m->udp_encap ? " (UDP)" : "", m->pkts, m->decrypted, m->icv_fail,
                    m->rp.n_duplicates, m->rp.n_gaps, m->first_seq, m->last_seq, m->first_frame,
                    m->last_frame);
        }
    }
    free(v);
    free(done);
}

static bool findings(const vsa_run *r)
{
    for (size_t i = 0; i < r->sa_cap; i++) {
        const sa_stat *s = &r->sa[i];
        if (s->used && (s->icv_fail || s->pad_bad || s->malformed || s->rp.n_duplicates ||
                        s->rp.n_too_old))
            return true;
    }
    return false;
}

int vsa_run_finish(vsa_run *r)
{
    vsa_reasm_flush(r->reasm);
    FILE *o = r->o.out;
    if (r->o.mode == VSA_MODE_DECODE && r->o.json)
        o = r->o.err;
    if (r->o.mode == VSA_MODE_DECRYPT && r->o.out_path && strcmp(r->o.out_path, "-") == 0)
        o = r->o.err;
    if (r->o.mode == VSA_MODE_SA)
        sa_report(r, o);
    const vsa_reasm_stats *rs = vsa_reasm_stats_get(r->reasm);
    fprintf(o, "%s%" PRIu64 " frames:\n", r->o.mode == VSA_MODE_SA ? "\n" : "", r->frames);
    for (int d = 0; d < VSA_D__COUNT; d++)
        if (r->count[d])
            fprintf(o, "  %10" PRIu64 "  %s [%s]\n", r->count[d], vsa_disp_text(d), vsa_disp_key(d));
    if (rs->fragments)
        fprintf(o,
                "  IP reassembly: %" PRIu64 " fragments, %" PRIu64 " datagrams completed, %" PRIu64
                " duplicate, %" PRIu64 " overlap conflicts, %" PRIu64 " bad, %" PRIu64
                " timed out or incomplete, %" PRIu64 " evicted (%" PRIu64 " fragments lost)\n",
                rs->fragments, rs->completed, rs->duplicates, rs->conflicts, rs->bad, rs->timed_out,
                rs->evicted, rs->frags_lost);
    if (r->ike_decrypted || r->ike_no_key || r->ike_icv_fail || r->ike_failed)
        fprintf(o, "  IKE encrypted payloads: %" PRIu64 " decrypted, %" PRIu64 " without a key, %" PRIu64
                   " ICV failures, %" PRIu64 " not decryptable (truncated, unsupported)\n",
                r->ike_decrypted, r->ike_no_key, r->ike_icv_fail, r->ike_failed);
    if (r->ike2f_done || r->ike2f_incomplete || r->ike2f)
        ike2f_report(r, o);
    if (r->n_lsa || r->gdoi_push_good || r->gdoi_push_bad || r->gdoi_push_unverified ||
        r->gdoi_push_nokek) {
        fprintf(o, "  keys learned from decrypted key exchanges: %zu ESP SA(s)", r->n_lsa);
        for (size_t i = 0; i < r->n_lsa; i++)
            fprintf(o, "%s SPI 0x%08" PRIx32 " %s", i ? ";" : ":", r->lsa[i].spi, r->lsa[i].origin);
        fputc('\n', o);
    }
    if (r->gdoi_push_good || r->gdoi_push_bad || r->gdoi_push_unverified || r->gdoi_push_nokek)
        fprintf(o, "  GDOI GROUPKEY-PUSH: %" PRIu64 " signature good, %" PRIu64
                   " SIGNATURE BAD (keys not used), %" PRIu64 " signature not verifiable, %" PRIu64
                   " without a learned KEK\n",
                r->gdoi_push_good, r->gdoi_push_bad, r->gdoi_push_unverified, r->gdoi_push_nokek);
    if (r->ike1_retrans || r->ike1_bad_plain || r->ike1_content_bad)
        fprintf(o, "  IKEv1: %" PRIu64 " byte-identical retransmissions decrypted, %" PRIu64
                   " decrypted bodies whose payloads do not parse (wrong key?), %" PRIu64
                   " decrypted with malformed payload content\n",
                r->ike1_retrans, r->ike1_bad_plain, r->ike1_content_bad);
    int rc = 0;
    if (r->w_open) {
        if (vsa_pcapng_close(&r->w) < 0) {
            fprintf(r->o.err, "vpnscope: %s\n", r->w.error);
            r->input_error = true;
        }
        r->w_open = false;
    }
    if (findings(r) || rs->conflicts || r->ike_icv_fail || r->ike2f_incomplete || r->ike1_bad_plain || r->gdoi_push_bad)
        rc = 1;
    if (r->input_error)
        rc = 2;
    fflush(o);
    return rc;
}

/* ------------------------------------------------------------------ */
/* several threads (decode, decrypt, sa)
 *
 * N threads; thread 0 is also the reader. It reads the captures with libpcap
 * and looks at each frame just far enough to see whether it is a plain ESP
 * packet (link header, VLAN tags, one IPv4 header that is not a fragment or
 * an IPv6 header, then ESP or UDP-4500 ESP). Such a frame goes to the thread
 * that owns its sender's SA (SPI, source): thread 0 processes it on the spot,
 * on libpcap's buffer; for another thread it is copied into that thread's
 * batch. A new SA goes to the least loaded thread, by a rough per-cipher cost
 * with the reading (and, for decode and decrypt, the writing) counted against
 * thread 0 (par_owner). Every other frame (IKE, fragments, GRE, anything
 * unusual) goes to every thread, which decodes it completely: thread 0
 * accounts for it, and if it turns out to carry ESP (a reassembled datagram),
 * the SA's owner decrypts it, looked up in the same owner table. So each SA's
 * packets are decrypted by one thread, in capture order, and every frame is
 * decoded once (plain ESP) or counted once (the rest).
 *
 * decode and decrypt: each frame's output goes to the batch of the thread
 * that counts the frame; batches go out in rounds (one to every thread), and
 * thread 0 merges finished rounds by frame number and writes them, so the
 * output is byte for byte what one thread writes. The reader also counts
 * frames and draws the progress bar.
 *
 * Memory is bounded: PAR_RING batches of PAR_BATCH_BYTES per thread, reused.
 * Measured in tests/perf/README.md: a separate reader thread (a third thread
 * on two cores) and a separate writer thread both cost more than they gave.
 */

#define PAR_BATCH_BYTES (256u * 1024)
#define PAR_BATCH_PKTS 2048
#define PAR_RING 8
#define PAR_OWNERS 4096 /* SA senders the owner table holds; beyond, a hash picks the thread */

/* Output of a batch (decode, decrypt): records in frame order, each a
 * par_orec followed by its bytes and comment, 8-byte aligned. The buffer
 * grows to the largest batch's output once and is reused. */
typedef struct par_orec {
    uint64_t frame_no;
    uint32_t len;     /* bytes after the header: the line, or the whole EPB */
    int32_t linktype; /* -1: a line of text (decode); else an EPB of that link type */
    uint32_t size;    /* of the whole record */
} par_orec;

struct par_out {
    uint8_t *buf;
    size_t len, cap;
    bool failed; /* out of memory: the writer reports it */
};

static size_t par_out_mark(const struct par_out *o)
{
    return o->len;
}
static void par_out_reset(struct par_out *o, size_t mark)
{
    o->len = mark;
}
/* Room for a record of `body` bytes; NULL (and failed) when memory runs out. */
static uint8_t *par_out_reserve(struct par_out *o, uint64_t frame_no, int linktype, size_t body)
{
    size_t size = (sizeof(par_orec) + body + 7) & ~(size_t)7;
    if (o->len + size > o->cap) {
        size_t nc = o->cap ? o->cap : 65536;
        while (nc < o->len + size)
            nc *= 2;
        uint8_t *nb = realloc(o->buf, nc);
        if (!nb) {
            o->failed = true;
            return NULL;
        }
        o->buf = nb;
        o->cap = nc;
    }
    par_orec h = {frame_no, (uint32_t)body, (int32_t)linktype, (uint32_t)size};
    uint8_t *at = o->buf + o->len;
    memcpy(at, &h, sizeof h);
    o->len += size;
    return at + sizeof h;
}

static void par_out_line(struct par_out *o, uint64_t frame_no, const char *s, size_t n)
{
    uint8_t *d = par_out_reserve(o, frame_no, -1, n);
    if (d)
        memcpy(d, s, n);
}

/* decrypt: the packet as the Enhanced Packet Block it will be in the file,
 * built by the thread that decrypted it; the writer then hands the blocks
 * to the kernel where they are (vsa_pcapng_write_epbs), without a copy */
static void par_out_epb(struct par_out *o, uint64_t frame_no, int64_t ts_sec, uint32_t ts_nsec,
                        int linktype, const uint8_t *d, size_t n, size_t wire, const char *comment)
{
    size_t cl = comment ? strlen(comment) : 0;
    size_t len = vsa_pcapng_epb_size((uint32_t)n, cl);
    uint8_t *b = par_out_reserve(o, frame_no, linktype, len);
    if (b)
        vsa_pcapng_epb(b, ts_sec, ts_nsec, d, (uint32_t)n, (uint32_t)wire, comment, cl);
}

typedef struct par_rec {
    uint64_t frame_no;
    int64_t ts_sec;
    uint32_t ts_nsec, caplen, wirelen, off;
    int linktype;
    bool exclusive;
} par_rec;

typedef struct par_batch {
    par_rec rec[PAR_BATCH_PKTS];
    unsigned n;
    size_t used;
    bool end;
    uint8_t *buf;
    struct par_out out;
} par_batch;

typedef struct par_queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    par_batch *item[PAR_RING];
    unsigned head, n;
} par_queue;

typedef struct par_owner_ent {
    bool used;
    uint8_t af;
    uint32_t spi;
    uint8_t src[16];
    unsigned owner;
} par_owner_ent;

struct par_shared {
    pthread_mutex_t mu;
    unsigned nthreads;
    const vsa_keys *keys;
    double read_cost; /* thread 0's extra work per packet: reading (and writing the output) */
    double out_cost;  /* building a packet's output, where the SA is (decode, decrypt) */
    double load[64]; /* estimated microseconds per packet round, per thread (par_owner) */
    par_owner_ent ent[PAR_OWNERS];
    size_t n;
};

static size_t par_hash(uint32_t spi, uint8_t af, const uint8_t *src)
{
    uint64_t h = 1469598103934665603ull ^ spi;
    h *= 1099511628211ull;
    for (int i = 0; i < (af == 4 ? 4 : 16); i++) {
        h ^= src[i];
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ h >> 29);
}

/* The thread that decrypts this sender's SA; assigned on first sight. */
/* Rough cost of one packet of an SA, in microseconds of one thread on the
 * machine of tests/perf/README.md (measured there per thread, 2026-11-29,
 * after the frame decoder's fast path): only the proportions matter, to
 * balance the threads. */
#define PAR_READ_COST 0.14  /* reading one packet (libpcap, routing, copying) */
#define PAR_WRITE_COST 0.02 /* merging and writing its output (decode, decrypt) */
#define PAR_OUT_COST 0.05   /* building a packet's output (decode, decrypt), by the SA's thread */
static double par_cost(const vsa_esp_sa *k)
{
    if (!k)
        return 0.05; /* counted, not decrypted */
    switch (k->enc) {
    case VSA_ENC_NULL: return 0.10;
    case VSA_ENC_DES_CBC: return 6.0;
    case VSA_ENC_3DES_CBC: return 17.0;
    case VSA_ENC_AES_GCM: return 0.27;
    case VSA_ENC_AES_CTR:
    case VSA_ENC_CHACHA20_POLY1305: return 0.33;
    default: return 0.435; /* AES-CBC with HMAC-SHA1 */
    }
}

static unsigned par_owner(struct par_shared *p, uint32_t spi, uint8_t af, const uint8_t *src,
                          const uint8_t *dst)
{
    size_t alen = af == 4 ? 4 : 16;
    size_t h = par_hash(spi, af, src);
    pthread_mutex_lock(&p->mu);
    unsigned own = (unsigned)(h % p->nthreads);
    for (size_t k = 0; k < PAR_OWNERS; k++) {
        par_owner_ent *e = &p->ent[(h + k) % PAR_OWNERS];
        if (!e->used) {
            if (p->n + 1 < PAR_OWNERS) { /* keep one slot free so lookups end */
                e->used = true;
                e->af = af;
                e->spi = spi;
                memcpy(e->src, src, alen);
                /* to the least loaded thread, assuming every SA sends as
                 * much: thread 0 also reads every packet, so each new SA
                 * adds the reading to its load, and the SA's own cost goes
                 * to the thread it joins (the benchmark's 8 SAs on 2 threads,
                 * AES-CBC 3 and 5, AES-GCM 2 and 6, 3DES 4 and 4) */
                p->load[0] += p->read_cost;
                unsigned best = 0;
                for (unsigned t = 1; t < p->nthreads; t++)
                    if (p->load[t] <= p->load[best])
                        best = t;
                e->owner = best;
                /* the other threads get their packets copied, a little
                 * colder in the cache than thread 0's own (+10%) */
                p->load[best] +=
                    (par_cost(p->keys ? vsa_keys_find_esp(p->keys, af, src, dst, spi) : NULL) +
                     p->out_cost) *
                    (best ? 1.1 : 1.0);
                p->n++;
                own = e->owner;
            }
            break;
        }
        if (e->spi == spi && e->af == af && memcmp(e->src, src, alen) == 0) {
            own = e->owner;
            break;
        }
    }
    pthread_mutex_unlock(&p->mu);
    return own;
}

static void pq_init(par_queue *q)
{
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->head = q->n = 0;
}
static void pq_destroy(par_queue *q)
{
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
}
static void pq_push(par_queue *q, par_batch *b)
{
    pthread_mutex_lock(&q->mu);
    q->item[(q->head + q->n) % PAR_RING] = b; /* never full: PAR_RING batches per worker */
    q->n++;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}
static par_batch *pq_pop(par_queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->n == 0)
        pthread_cond_wait(&q->cv, &q->mu);
    par_batch *b = q->item[q->head];
    q->head = (q->head + 1) % PAR_RING;
    q->n--;
    pthread_mutex_unlock(&q->mu);
    return b;
}

static par_batch *pq_trypop(par_queue *q)
{
    par_batch *b = NULL;
    pthread_mutex_lock(&q->mu);
    if (q->n) {
        b = q->item[q->head];
        q->head = (q->head + 1) % PAR_RING;
        q->n--;
    }
    pthread_mutex_unlock(&q->mu);
    return b;
}

/* A batch travels reader -> full -> worker -> done -> (the reader writes
 * the round) -> empty -> reader (decode, decrypt), or worker -> empty (sa).
 * The reader sends batches in rounds, one to every worker at a time, so
 * round k of all workers can be merged by frame number and written. */
typedef struct par_worker {
    vsa_run *r;
    par_queue full, done, empty;
    par_batch *cur; /* being filled by the reader */
    par_batch batches[PAR_RING];
    pthread_t th;
    bool ordered; /* decode / decrypt: batches go to the writer */
    bool in_reader; /* worker 0: the reader thread itself processes its packets */
    struct par_writer *wr; /* worker 0, decode / decrypt: the merge the reader does */
} par_worker;

static void *par_worker_main(void *arg)
{
    par_worker *w = arg;
    for (;;) {
        par_batch *b = pq_pop(&w->full);
        w->r->pout = w->ordered ? &b->out : NULL;
        for (unsigned i = 0; i < b->n; i++) {
            const par_rec *p = &b->rec[i];
            w->r->exclusive = p->exclusive;
            vsa_run_packet(w->r, p->linktype, p->frame_no, p->ts_sec, p->ts_nsec, b->buf + p->off,
                           p->caplen, p->wirelen);
        }
        w->r->exclusive = false;
        w->r->pout = NULL;
        bool end = b->end;
        if (w->ordered) {
            pq_push(&w->done, b);
        } else {
            b->n = 0;
            b->used = 0;
            b->end = false;
            pq_push(&w->empty, b);
        }
        if (end)
            return NULL;
    }
}

/* The output (decode, decrypt), written by the reader thread between
 * rounds: round by round, the workers' outputs merged by frame number (each
 * batch's records are in frame order, and a frame's output comes from one
 * thread only). */
typedef struct par_writer {
    par_worker *w;
    unsigned n;
    FILE *out;        /* decode */
    vsa_pcapng *png;  /* decrypt, NULL without -w */
    bool failed, ended;
    char error[300];
    par_batch *held[64]; /* the round being collected */
    /* decrypt: the round's blocks in frame order, written in groups */
    size_t n_epb;
    uint8_t *epb[1024];
    uint32_t epb_len[1024];
    int epb_lt[1024];
} par_writer;

static void par_write_epbs(par_writer *x)
{
    if (x->n_epb && !x->failed &&
        vsa_pcapng_write_epbs(x->png, x->epb, x->epb_len, x->epb_lt, x->n_epb) < 0) {
        x->failed = true;
        snprintf(x->error, sizeof x->error, "%s", x->png->error);
    }
    x->n_epb = 0;
}

/* Write the oldest round once every worker has finished its batch of it.
 * block: wait for the workers; otherwise return false when one is not done. */
static bool par_collect(par_writer *x, bool block)
{
    par_batch **b = x->held;
    size_t pos[64];
    for (unsigned t = 0; t < x->n; t++) {
        if (!b[t])
            b[t] = block ? pq_pop(&x->w[t].done) : pq_trypop(&x->w[t].done);
        if (!b[t])
            return false;
    }
    for (unsigned t = 0; t < x->n; t++) {
        pos[t] = 0;
        if (b[t]->out.failed && !x->failed) {
            x->failed = true;
            snprintf(x->error, sizeof x->error, "out of memory for the output of thread %u", t);
        }
    }
    for (;;) {
        int best = -1;
        uint64_t bf = 0;
        for (unsigned t = 0; t < x->n; t++) {
            if (pos[t] >= b[t]->out.len)
                continue;
            const par_orec *h = (const par_orec *)(void *)(b[t]->out.buf + pos[t]);
            if (best < 0 || h->frame_no < bf) {
                best = (int)t;
                bf = h->frame_no;
            }
        }
        if (best < 0)
            break;
        /* every record of this frame from this thread (a JSON line may be two) */
        const uint8_t *base = b[best]->out.buf;
        do {
            par_orec h;
            memcpy(&h, base + pos[best], sizeof h);
            uint8_t *d = b[best]->out.buf + pos[best] + sizeof h;
            if (h.linktype < 0) {
                fwrite(d, 1, h.len, x->out);
                fputc('\n', x->out);
            } else if (x->png && !x->failed) {
                x->epb[x->n_epb] = d;
                x->epb_len[x->n_epb] = h.len;
                x->epb_lt[x->n_epb] = h.linktype;
                if (++x->n_epb == sizeof x->epb / sizeof x->epb[0])
                    par_write_epbs(x);
            }
            pos[best] += h.size;
        } while (pos[best] < b[best]->out.len &&
                 ((const par_orec *)(void *)(base + pos[best]))->frame_no == bf);
    }
    if (x->png) /* before the batches (where the blocks are) go back */
        par_write_epbs(x);
    if (b[0]->end)
        x->ended = true;
    for (unsigned t = 0; t < x->n; t++) {
        b[t]->n = 0;
        b[t]->used = 0;
        b[t]->end = false;
        b[t]->out.len = 0;
        b[t]->out.failed = false;
        pq_push(&x->w[t].empty, b[t]);
        b[t] = NULL;
    }
    return true;
}

/* Hand every worker its batch (a round), then take fresh ones. Worker 0's
 * packets were processed by the reader as they came: its batch holds only
 * their output (decode, decrypt), which goes straight to the writer. */
static void par_round(par_worker *w, unsigned n, bool end)
{
    for (unsigned t = 0; t < n; t++) {
        w[t].cur->end = end;
        if (!w[t].in_reader) {
            pq_push(&w[t].full, w[t].cur);
        } else if (w[t].ordered) {
            pq_push(&w[t].done, w[t].cur);
        } else {
            w[t].cur->n = 0;
            w[t].cur->used = 0;
            w[t].cur->end = false;
        }
    }
    par_writer *x = w[0].wr;
    if (end) {
        for (unsigned t = 0; t < n; t++)
            w[t].cur = NULL;
        if (x) /* write what is left */
            while (!x->ended)
                par_collect(x, true);
        return;
    }
    if (x) /* decode, decrypt: write the rounds the workers have finished */
        while (par_collect(x, false))
            ;
    for (unsigned t = 0; t < n; t++) {
        if (w[t].in_reader && !w[t].ordered)
            continue; /* sa: worker 0's batch is only a count, kept */
        if (!x) {
            w[t].cur = pq_pop(&w[t].empty);
            continue;
        }
        /* a worker's batches come back once their rounds are written */
        while (!(w[t].cur = pq_trypop(&w[t].empty)))
            par_collect(x, true);
    }
}

/* Worker 0's share, processed by the reader thread on libpcap's buffer
 * (no copy); counted in its batch only to bound a round's output. */
static void par_inline(par_worker *w0, const vsa_packet *p, size_t len, bool exclusive)
{
    vsa_run *r = w0->r;
    r->exclusive = exclusive;
    r->pout = w0->ordered ? &w0->cur->out : NULL;
    vsa_run_packet(r, p->linktype, p->frame_no, p->ts_sec, p->ts_nsec, p->data, p->caplen, p->wirelen);
    r->exclusive = false;
    r->pout = NULL;
    w0->cur->n++;
    w0->cur->used += len;
}

static bool par_fits(const par_batch *b, size_t len)
{
    return b->n < PAR_BATCH_PKTS && b->used + len <= PAR_BATCH_BYTES;
}

static void par_put(par_batch *b, const vsa_packet *p, size_t len, int linktype, bool exclusive)
{
    par_rec *rec = &b->rec[b->n++];
    rec->frame_no = p->frame_no;
    rec->ts_sec = p->ts_sec;
    rec->ts_nsec = p->ts_nsec;
    rec->caplen = (uint32_t)len;
    rec->wirelen = (uint32_t)p->wirelen;
    rec->off = (uint32_t)b->used;
    rec->linktype = linktype;
    rec->exclusive = exclusive;
    memcpy(b->buf + b->used, p->data, len);
    b->used += (len + 15) & ~(size_t)15;
}

static uint16_t be16p(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The reader's fast path: 1 with the SPI and sender of a frame that is
 * nothing but link header, one IP header and ESP (directly or in UDP 4500);
 * 0 for anything else, which every thread then decodes. */
static int par_fast_esp(int linktype, const uint8_t *d, size_t n, uint32_t *spi, uint8_t *af,
                        const uint8_t **src, const uint8_t **dst)
{
    size_t o;
    unsigned et;
    switch (linktype) {
    case 1: /* Ethernet, VLAN and QinQ tags */
        if (n < 14)
            return 0;
        o = 14;
        et = be16p(d + 12);
        while ((et == 0x8100 || et == 0x88a8 || et == 0x9100) && o + 4 <= n) {
            et = be16p(d + o + 2);
            o += 4;
        }
        break;
    case 113: /* Linux cooked v1 */
        if (n < 16)
            return 0;
        o = 16;
        et = be16p(d + 14);
        break;
    case 276: /* Linux cooked v2 */
        if (n < 20)
            return 0;
        o = 20;
        et = be16p(d);
        break;
    case 101: /* raw IP */
    case 228:
    case 229:
        if (n < 1)
            return 0;
        o = 0;
        et = d[0] >> 4 == 4 ? 0x0800 : d[0] >> 4 == 6 ? 0x86dd : 0;
        break;
    default:
        return 0;
    }
    uint8_t proto;
    size_t l4;
    if (et == 0x0800) {
        if (o + 20 > n || d[o] >> 4 != 4)
            return 0;
        size_t hl = (size_t)(d[o] & 0x0f) * 4;
        if (hl < 20 || o + hl > n || (be16p(d + o + 6) & 0x3fff) != 0) /* MF or an offset */
            return 0;
        proto = d[o + 9];
        *af = 4;
        *src = d + o + 12;
        *dst = d + o + 16;
        l4 = o + hl;
    } else if (et == 0x86dd) {
        if (o + 40 > n || d[o] >> 4 != 6)
            return 0;
        proto = d[o + 6];
        *af = 6;
        *src = d + o + 8;
        *dst = d + o + 24;
        l4 = o + 40;
    } else {
        return 0;
    }
    if (proto == 17) {
        /* UDP 4500 with a non-zero marker and room for SPI and sequence */
        if (l4 + 16 > n || (be16p(d + l4) != 4500 && be16p(d + l4 + 2) != 4500))
            return 0;
        l4 += 8;
        if (d[l4] == 0 && d[l4 + 1] == 0 && d[l4 + 2] == 0 && d[l4 + 3] == 0)
            return 0;
    } else if (proto != 50 || l4 + 8 > n) {
        return 0;
    }
    *spi = (uint32_t)d[l4] << 24 | (uint32_t)d[l4 + 1] << 16 | (uint32_t)d[l4 + 2] << 8 | d[l4 + 3];
    return 1;
}

static void merge_into(vsa_run *dst, vsa_run *src)
{
    for (int d = 0; d < VSA_D__COUNT; d++)
        dst->count[d] += src->count[d];
    for (size_t i = 0; i < src->sa_cap; i++)
        if (src->sa[i].used) {
            const sa_stat *o = &src->sa[i];
            sa_stat *n = sa_get(dst, o->spi, o->af, o->src, o->dst);
            *n = *o;
        }
    dst->input_error |= src->input_error;
}

/* The reader: returns the number of frames read. */
static uint64_t par_read(const vsa_opts *o, struct par_shared *sh, par_worker *w, unsigned n,
                         char *const *paths, int n_paths, bool *input_error)
{
    uint64_t frames = 0;
    /* the owner of a sender seen before, without the lock: a small private cache */
    enum { CACHE = 256 };
    struct { bool used; uint8_t af; uint32_t spi; uint8_t src[16]; unsigned owner; } cache[CACHE];
    memset(cache, 0, sizeof cache);
    vsa_progress prog;
    for (int i = 0; i < n_paths; i++) {
        vsa_capture c;
        if (vsa_capture_open(&c, paths[i]) < 0) {
            fprintf(o->err, "vpnscope: %s\n", c.error);
            *input_error = true;
            continue;
        }
        bool on = o->progress > 0 || (o->progress < 0 && isatty(fileno(o->err)));
        vsa_progress_start(&prog, on, o->err, c.file_size);
        vsa_packet p;
        int rc;
        while ((rc = vsa_capture_next(&c, &p)) == 1) {
            frames++;
            if ((frames & 0x3fff) == 0)
                vsa_progress_update(&prog, vsa_capture_offset(&c), frames);
            size_t len = p.caplen < 262144 ? p.caplen : 262144; /* libpcap's largest snaplen */
            uint32_t spi;
            uint8_t af;
            const uint8_t *src, *dst;
            if (par_fast_esp(p.linktype, p.data, len, &spi, &af, &src, &dst)) {
                size_t alen = af == 4 ? 4 : 16;
                size_t h = par_hash(spi, af, src) % CACHE;
                if (!cache[h].used || cache[h].spi != spi || cache[h].af != af ||
                    memcmp(cache[h].src, src, alen) != 0) {
                    cache[h].used = true;
                    cache[h].spi = spi;
                    cache[h].af = af;
                    memcpy(cache[h].src, src, alen);
                    cache[h].owner = par_owner(sh, spi, af, src, dst);
                }
                unsigned t = cache[h].owner;
                if (!par_fits(w[t].cur, len))
                    par_round(w, n, false);
                if (w[t].in_reader)
                    par_inline(&w[t], &p, len, true);
                else
                    par_put(w[t].cur, &p, len, p.linktype, true);
            } else {
                for (unsigned t = 0; t < n; t++)
                    if (!par_fits(w[t].cur, len)) {
                        par_round(w, n, false);
                        break;
                    }
                for (unsigned t = 0; t < n; t++)
                    if (w[t].in_reader)
                        par_inline(&w[t], &p, len, false);
                    else
                        par_put(w[t].cur, &p, len, p.linktype, false);
            }
        }
        vsa_progress_end(&prog);
        if (rc < 0) {
            fprintf(o->err, "vpnscope: %s\n", c.error);
            *input_error = true;
        }
        vsa_capture_close(&c);
    }
    return frames;
}

int vsa_run_parallel(const vsa_opts *o, const vsa_keys *keys, char *const *paths, int n_paths)
{
    unsigned n = o->threads < 1 ? 1 : o->threads > 64 ? 64 : o->threads;
    if (keys->n_ike1 && n > 1) {
        /* ESP keys may be learned from IKEv1 / GDOI exchanges, which one
         * thread decrypts: the others would not see them */
        fprintf(o->err, "vpnscope: note: one thread (ESP keys are learned from IKEv1/GDOI exchanges)\n");
        n = 1;
    }
    if (o->mode == VSA_MODE_OBSERVE)
        n = 1; /* the observer is not made for several threads */
    if (n == 1) {
        vsa_run *r = vsa_run_new(o, keys);
        if (!r) {
            fprintf(o->err, "vpnscope: out of memory\n");
            return VSA_EXIT_PIPELINE_ERROR;
        }
        for (int i = 0; i < n_paths; i++)
            vsa_run_file(r, paths[i]);
        int rc = vsa_run_finish(r);
        vsa_run_free(r);
        return rc;
    }
    bool ordered = o->mode == VSA_MODE_DECODE || o->mode == VSA_MODE_DECRYPT;
    vsa_crypto_global_init(); /* before any thread touches OpenSSL's providers */
    int rc = VSA_EXIT_PIPELINE_ERROR;
    FILE *null = fopen("/dev/null", "w");
    struct par_shared *sh = calloc(1, sizeof *sh);
    par_worker *w = calloc(n, sizeof *w);
    par_writer *wr = calloc(1, sizeof *wr);
    vsa_pcapng *png = calloc(1, sizeof *png);
    bool png_open = false;
    unsigned started = 0;
    if (sh)
        pthread_mutex_init(&sh->mu, NULL);
    if (!null || !sh || !w || !wr || !png) {
        fprintf(o->err, "vpnscope: out of memory\n");
        goto out;
    }
    sh->nthreads = n;
    sh->keys = keys;
    sh->read_cost = PAR_READ_COST + (ordered ? PAR_WRITE_COST : 0);
    sh->out_cost = ordered ? PAR_OUT_COST : 0;
    for (unsigned t = 0; t < n; t++) {
        vsa_opts ot = *o;
        ot.progress = 0; /* the reader draws it */
        if (t > 0) {     /* one copy of each message: thread 0's */
            ot.err = null;
            ot.out = null;
        }
        w[t].r = vsa_run_new(&ot, keys);
        if (!w[t].r) {
            fprintf(o->err, "vpnscope: out of memory\n");
            goto out;
        }
        w[t].r->tid = t;
        w[t].r->nthreads = n;
        w[t].r->par = sh;
        w[t].ordered = ordered;
        pq_init(&w[t].full);
        pq_init(&w[t].done);
        pq_init(&w[t].empty);
        for (unsigned b = 0; b < PAR_RING; b++) {
            w[t].batches[b].buf = malloc(PAR_BATCH_BYTES);
            if (!w[t].batches[b].buf) {
                fprintf(o->err, "vpnscope: out of memory\n");
                goto out;
            }
            if (b > 0)
                pq_push(&w[t].empty, &w[t].batches[b]);
        }
        w[t].cur = &w[t].batches[0];
    }
    if (o->mode == VSA_MODE_DECRYPT && o->out_path) {
        if (vsa_pcapng_open(png, o->out_path, "vpnscope decrypt") < 0) {
            fprintf(o->err, "vpnscope: %s\n", png->error);
            goto out;
        }
        png_open = true;
    }
    if (ordered) {
        *wr = (par_writer){.w = w, .n = n, .out = o->out, .png = png_open ? png : NULL};
        w[0].wr = wr;
    }
    /* worker 0 is the reader thread itself (it reads, and decrypts the SAs
     * it owns, fewer than the others: see par_owner) */
    w[0].in_reader = true;
    started = 1;
    for (unsigned t = 1; t < n; t++) {
        if (pthread_create(&w[t].th, NULL, par_worker_main, &w[t]) != 0) {
            fprintf(o->err, "vpnscope: cannot start thread %u of %u\n", t + 1, n);
            break;
        }
        started++;
    }
    bool input_error = false;
    uint64_t frames = 0;
    if (started == n) {
        frames = par_read(o, sh, w, n, paths, n_paths, &input_error);
        par_round(w, n, true);
    } else {
        /* some workers did not start: end the ones that did */
        for (unsigned t = 1; t < started; t++) {
            w[t].cur->end = true;
            pq_push(&w[t].full, w[t].cur);
        }
    }
    for (unsigned t = 1; t < started; t++)
        pthread_join(w[t].th, NULL);
    if (ordered)
        fflush(o->out);
    if (started == n) {
        for (unsigned t = 1; t < n; t++)
            merge_into(w[0].r, w[t].r);
        w[0].r->frames = frames;
        w[0].r->input_error |= input_error;
        if (wr->failed) {
            fprintf(o->err, "vpnscope: %s\n", wr->error);
            w[0].r->input_error = true;
        }
        if (png_open) { /* vsa_run_finish closes it and reports a failure to */
            w[0].r->w = *png;
            w[0].r->w_open = !wr->failed;
            if (wr->failed)
                vsa_pcapng_close(png);
            png_open = false;
        }
        rc = vsa_run_finish(w[0].r);
    }
out:
    if (png_open)
        vsa_pcapng_close(png);
    if (w)
        for (unsigned t = 0; t < n; t++) {
            vsa_run_free(w[t].r);
            if (w[t].r) {
                pq_destroy(&w[t].full);
                pq_destroy(&w[t].done);
                pq_destroy(&w[t].empty);
            }
            for (unsigned b = 0; b < PAR_RING; b++) {
                free(w[t].batches[b].buf);
                free(w[t].batches[b].out.buf);
            }
        }
    free(w);
    free(wr);
    free(png);
    if (sh)
        pthread_mutex_destroy(&sh->mu);
    free(sh);
    if (null)
        fclose(null);
    return rc;
}
