/* Fragment reassembly (see reasm.h). A small list of datagrams in arrival
 * order: captures rarely hold more than a handful in progress at once. */
#include "input/reasm.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DGRAM 65535u
#define UNITS ((MAX_DGRAM + 7) / 8 + 1)

typedef struct dgram {
    struct dgram *next, *prev;
    uint8_t af, proto;
    uint8_t src[16], dst[16];
    uint32_t id;
    double first_ts;
    uint64_t first_frame;
    unsigned n_frags;
    uint8_t hdr[VSA_REASM_MAX_HDR];
    size_t hdr_len;
    bool have_first;
    uint32_t total;     /* known when the last fragment arrived; 0 otherwise */
    uint32_t held;      /* bytes of data allocated */
    uint32_t covered;   /* bytes covered */
    uint8_t *data;      /* up to the highest end seen */
    uint32_t cap;
    uint8_t map[UNITS / 8 + 1]; /* one bit per 8-byte unit */
} dgram;

struct vsa_reasm {
    size_t max_bytes, max_dgrams, n, bytes;
    double timeout;
    dgram *head, *tail; /* oldest first */
    vsa_reasm_stats st;
    dgram *done;        /* completed, handed out by take */
};

vsa_reasm *vsa_reasm_new(size_t max_bytes, size_t max_datagrams, double timeout)
{
    vsa_reasm *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->max_bytes = max_bytes;
    r->max_dgrams = max_datagrams;
    r->timeout = timeout;
    return r;
}

static void unlink_dg(vsa_reasm *r, dgram *d)
{
    if (d->prev)
        d->prev->next = d->next;
    else
        r->head = d->next;
    if (d->next)
        d->next->prev = d->prev;
    else
        r->tail = d->prev;
    r->n--;
    r->bytes -= d->cap;
}

static void free_dg(dgram *d)
{
    if (d) {
        free(d->data);
        free(d);
    }
}

static void drop(vsa_reasm *r, dgram *d, uint64_t *counter)
{
    unlink_dg(r, d);
    if (counter)
        (*counter)++;
    r->st.frags_lost += d->n_frags;
    free_dg(d);
}

void vsa_reasm_free(vsa_reasm *r)
{
    if (!r)
        return;
    while (r->head) {
        dgram *d = r->head;
        unlink_dg(r, d);
        free_dg(d);
    }
    free_dg(r->done);
    free(r);
}

static bool unit_set(const dgram *d, uint32_t u)
{
    return d->map[u / 8] & (1u << (u % 8));
}

void vsa_reasm_expire(vsa_reasm *r, double now)
{
    while (r->head && now - r->head->first_ts > r->timeout)
        drop(r, r->head, &r->st.timed_out);
}

void vsa_reasm_flush(vsa_reasm *r)
{
    while (r->head)
        drop(r, r->head, &r->st.timed_out);
}

vsa_reasm_result vsa_reasm_add(vsa_reasm *r, const vsa_frag *f)
{
    free_dg(r->done);
    r->done = NULL;
    r->st.fragments++;
    vsa_reasm_expire(r, f->ts);
    uint64_t end = (uint64_t)f->offset + f->len;
    if (end > MAX_DGRAM || end == 0 || (f->mf && f->len % 8) || (f->mf && f->len == 0) ||
        f->offset % 8) {
        r->st.bad++;
        return VSA_RA_BAD;
    }
    size_t alen = f->af == 4 ? 4 : 16;
    dgram *d = r->head;
    for (; d; d = d->next)
        if (d->af == f->af && d->id == f->id && d->proto == f->proto &&
            memcmp(d->src, f->src, alen) == 0 && memcmp(d->dst, f->dst, alen) == 0)
            break;
    if (!d) {
        if (r->n >= r->max_dgrams && r->head)
            drop(r, r->head, &r->st.evicted);
        d = calloc(1, sizeof *d);
        if (!d) {
            r->st.frags_lost++;
            return VSA_RA_TOO_MANY;
        }
        d->af = f->af;
        d->proto = f->proto;
        memcpy(d->src, f->src, alen);
        memcpy(d->dst, f->dst, alen);
        d->id = f->id;
        d->first_ts = f->ts;
        d->first_frame = f->frame_no;
        d->prev = r->tail;
        if (r->tail)
            r->tail->next = d;
        else
            r->head = d;
        r->tail = d;
        r->n++;
    }
    /* a second "last" fragment with another total contradicts the first */
    if (!f->mf && d->total && d->total != end) {
        drop(r, d, &r->st.conflicts);
        return VSA_RA_CONFLICT;
    }
    if (d->total && end > d->total) {
        drop(r, d, &r->st.conflicts);
        return VSA_RA_CONFLICT;
    }
    /* overlap check and duplicate detection */
    bool all_dup = f->len > 0;
    for (uint32_t o = f->offset; o < end; o += 8) {
        uint32_t u = o / 8;
        uint32_t n = (uint32_t)(end - o < 8 ? end - o : 8);
        if (o + n <= d->held && unit_set(d, u)) {
            if (memcmp(d->data + o, f->data + (o - f->offset), n) != 0) {
                drop(r, d, &r->st.conflicts);
                return VSA_RA_CONFLICT;
            }
        } else {
            all_dup = false;
        }
    }
    if (all_dup && !(f->offset == 0 && !d->have_first)) {
        r->st.duplicates++;
        return VSA_RA_DUPLICATE;
    }
    /* grow the buffer within the byte budget */
    if (end > d->cap) {
        uint32_t nc = (uint32_t)((end + 1023) & ~1023u);
        if (nc > MAX_DGRAM + 1)
            nc = MAX_DGRAM + 1;
        while (r->bytes + (nc - d->cap) > r->max_bytes && r->head && r->head != d)
            drop(r, r->head, &r->st.evicted);
        if (r->bytes + (nc - d->cap) > r->max_bytes) {
            drop(r, d, &r->st.evicted);
            r->st.frags_lost++;
            return VSA_RA_TOO_MANY;
        }
        uint8_t *nd = realloc(d->data, nc);
        if (!nd) {
            drop(r, d, &r->st.evicted);
            r->st.frags_lost++;
            return VSA_RA_TOO_MANY;
        }
        r->bytes += nc - d->cap;
        d->data = nd;
        d->cap = nc;
    }
    if (f->len)
        memcpy(d->data + f->offset, f->data, f->len);
    if (end > d->held)
        d->held = (uint32_t)end;
    for (uint32_t o = f->offset; o < end; o += 8) {
        uint32_t u = o / 8;
        if (!unit_set(d, u)) {
            d->map[u / 8] |= (uint8_t)(1u << (u % 8));
            d->covered += (uint32_t)(end - o < 8 ? end - o : 8);
        }
    }
    d->n_frags++;
    if (f->offset == 0) {
        d->have_first = true;
        d->hdr_len = f->hdr_len > VSA_REASM_MAX_HDR ? VSA_REASM_MAX_HDR : f->hdr_len;
        memcpy(d->hdr, f->hdr, d->hdr_len);
        d->first_frame = f->frame_no;
    }
    if (!f->mf)
        d->total = (uint32_t)end;
    if (d->total && d->have_first && d->covered == d->total) {
        unlink_dg(r, d);
        r->done = d;
        r->st.completed++;
        return VSA_RA_COMPLETE;
    }
    return VSA_RA_HELD;
}

void vsa_reasm_take(vsa_reasm *r, const uint8_t **hdr, size_t *hdr_len, const uint8_t **payload,
                    size_t *len, uint64_t *first_frame, unsigned *n_frags)
{
    dgram *d = r->done;
    *hdr = d ? d->hdr : NULL;
    *hdr_len = d ? d->hdr_len : 0;
    *payload = d ? d->data : NULL;
    *len = d ? d->total : 0;
    if (first_frame)
        *first_frame = d ? d->first_frame : 0;
    if (n_frags)
        *n_frags = d ? d->n_frags : 0;
}

const vsa_reasm_stats *vsa_reasm_stats_get(const vsa_reasm *r)
{
    return &r->st;
}

size_t vsa_reasm_bytes_held(const vsa_reasm *r)
{
    return r->bytes;
}
