/* `vpnscope overhead CAPTURE`: per-tunnel aggregation of the core's
 * per-packet overhead measurement. */
#include "overhead/capture.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "overhead/whatif.h"
#include "vpnscope/catalogue.h"

struct vsa_oh_agg {
    vsa_oh_opts o;
    vsa_oh_tunnel *t;
    size_t n, cap;
    bool finished;
};

vsa_oh_agg *vsa_oh_new(const vsa_oh_opts *o)
{
    vsa_oh_agg *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->o = *o;
    if (!a->o.mtu)
        a->o.mtu = 1500;
    return a;
}

void vsa_oh_free(vsa_oh_agg *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        free(a->t[i].pkts);
    free(a->t);
    free(a);
}

size_t vsa_oh_count(const vsa_oh_agg *a) { return a->n; }
const vsa_oh_tunnel *vsa_oh_tunnel_at(const vsa_oh_agg *a, size_t i)
{
    return i < a->n ? &a->t[i] : NULL;
}

static const vs_layer *first_ip(const vs_frame *fr)
{
    for (size_t i = 0; i < fr->n_layers; i++)
        if (fr->layers[i].kind == VS_L_IPV4 || fr->layers[i].kind == VS_L_IPV6)
            return &fr->layers[i];
    return NULL;
}

static vsa_oh_tunnel *find_tunnel(vsa_oh_agg *a, const vs_layer *ip, vsa_oh_carrier c)
{
    uint8_t af = ip->u.ip.version == 6 ? 6 : 4;
    size_t n = af == 4 ? 4 : 16;
    const uint8_t *x = ip->u.ip.src, *y = ip->u.ip.dst;
    if (memcmp(x, y, n) > 0) {
        const uint8_t *s = x;
        x = y;
        y = s;
    }
    for (size_t i = 0; i < a->n; i++) {
        vsa_oh_tunnel *t = &a->t[i];
        if (t->af == af && t->carrier == c && !memcmp(t->a, x, n) && !memcmp(t->b, y, n))
            return t;
    }
    if (a->n == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 8;
        vsa_oh_tunnel *nt = realloc(a->t, nc * sizeof *nt);
        if (!nt)
            return NULL;
        a->t = nt;
        a->cap = nc;
    }
    vsa_oh_tunnel *t = &a->t[a->n++];
    memset(t, 0, sizeof *t);
    t->af = af;
    t->carrier = c;
    memcpy(t->a, x, n);
    memcpy(t->b, y, n);
    return t;
}

static void add_spi(vsa_oh_tunnel *t, uint32_t spi)
{
    for (size_t i = 0; i < t->n_spis; i++)
        if (t->spis[i] == spi)
            return;
    if (t->n_spis < VSA_OH_MAX_SPIS)
        t->spis[t->n_spis++] = spi;
    else
        t->more_spis = true;
}

/* The transform of a key as IOS words and as the core's cipher/integrity
 * descriptions (copied so that the ICV length is the key's). */
typedef struct sa_xform {
    vs_cipher_info c;
    vs_integ_info i;
    bool have_c, have_i, ok;
    char words[80];
} sa_xform;

static void sa_transform(const vsa_esp_sa *sa, sa_xform *x)
{
    memset(x, 0, sizeof *x);
    unsigned bits = (unsigned)(sa->enc_key_len -
                               ((sa->enc == VSA_ENC_AES_CTR || sa->enc == VSA_ENC_AES_GCM ||
                                 sa->enc == VSA_ENC_AES_CCM ||
                                 sa->enc == VSA_ENC_CHACHA20_POLY1305)
                                    ? 4
                                    : 0)) *
                    8;
    const char *en = vsa_enc_name(sa->enc, bits, sa->icv_len);
    const char *in = vsa_integ_name(sa->integ);
    snprintf(x->words, sizeof x->words, "%s%s%s", en, *in ? " " : "", in);
    char base[48];
    snprintf(base, sizeof base, "%s", en);
    char *paren = strstr(base, " (");
    if (paren)
        *paren = 0;
    const vs_cipher_info *c = vs_cipher_find(base);
    if (c) {
        x->c = *c;
        x->have_c = true;
        if (c->aead)
            x->c.icv = sa->icv_len;
    }
    if (sa->integ != VSA_INTEG_NONE && !(c && c->aead)) {
        const vs_integ_info *ii = vs_integ_find(in);
        if (ii)
            x->i = *ii;
        else
            x->i.ios = in;
        x->i.icv = sa->icv_len;
        x->have_i = true;
    }
    x->ok = c != NULL && sa->enc != VSA_ENC_UNSUPPORTED && sa->integ != VSA_INTEG_UNSUPPORTED;
}

/* The plan that describes a tunnel of this type (NULL cipher/integ pointers
 * filled by the caller). Returns false when the type says too little. */
static bool plan_for_type(vs_tunnel_type ty, uint32_t gre_len, bool natt, bool v6,
                          const vs_encap_plan *xform, vs_encap_plan *p)
{
    memset(p, 0, sizeof *p);
    p->natt = natt;
    p->outer_ipv6 = v6;
    switch (ty) {
    case VS_TUN_PLAIN_GRE:
    case VS_TUN_MGRE: p->gre = true; break;
    case VS_TUN_GRE_IPSEC_TUNNEL: p->gre = true; p->ipsec = VS_IPSEC_ESP_TUNNEL; break;
    case VS_TUN_GRE_IPSEC_TRANSPORT: p->gre = true; p->ipsec = VS_IPSEC_ESP_TRANSPORT; break;
    case VS_TUN_IPSEC_TUNNEL:
    case VS_TUN_GETVPN: p->ipsec = VS_IPSEC_ESP_TUNNEL; break;
    case VS_TUN_IPSEC_TRANSPORT: p->ipsec = VS_IPSEC_ESP_TRANSPORT; break;
    default:
        if (!xform || xform->ipsec == VS_IPSEC_NONE)
            return false;
        p->gre = xform->gre;
        p->ipsec = xform->ipsec;
        gre_len = gre_len ? gre_len
                          : 4u + 4u * (unsigned)(xform->gre_key + xform->gre_seq + xform->gre_csum);
        break;
    }
    if (p->gre) {
        /* each GRE option is 4 bytes: only the header length matters here */
        p->gre_key = gre_len >= 8;
        p->gre_seq = gre_len >= 12;
        p->gre_csum = gre_len >= 16;
    }
    if (xform)
        p->inner_ipv6 = xform->inner_ipv6;
    return true;
}

void vsa_oh_observe(void *ctx, uint64_t frame_no, int depth, const uint8_t *data, size_t caplen,
                    const vs_frame *fr, const vs_esp_plain *plain)
{
    (void)data;
    (void)caplen;
    vsa_oh_agg *a = ctx;
    const vs_layer *ip = first_ip(fr);
    if (!ip)
        return;
    vs_overhead_measure m;
    if (!vs_overhead_measure_frame(fr, plain, a->o.xform, &m)) {
        /* a fragment of an encapsulated packet the pipeline did not reassemble */
        if (ip->u.ip.fragment && (ip->u.ip.proto == 47 || ip->u.ip.proto == 50)) {
            vsa_oh_tunnel *t = find_tunnel(a, ip, ip->u.ip.proto == 47 ? VSA_OH_GRE : VSA_OH_ESP);
            if (t && !t->fragments++)
                t->first_fragment_frame = frame_no;
        }
        return;
    }
    vsa_oh_carrier c = m.natt ? VSA_OH_ESP_UDP : m.bytes.esp_header ? VSA_OH_ESP : VSA_OH_GRE;
    vsa_oh_tunnel *t = find_tunnel(a, ip, c);
    if (!t)
        return;
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        vsa_oh_pkt *np = realloc(t->pkts, nc * sizeof *np);
        if (!np)
            return;
        t->pkts = np;
        t->cap = nc;
    }
    vsa_oh_pkt *p = &t->pkts[t->n++];
    memset(p, 0, sizeof *p);
    p->frame = frame_no;
    p->b = m.bytes;
    p->exact = m.exact;
    p->type = (uint8_t)m.type;
    p->encrypted = m.encrypted;
    /* In OBSERVE mode the pipeline walks nested packets only for reassembled
     * datagrams (decrypted payloads are not walked again), so depth > 0 means
     * the packet crossed the wire as IP fragments. */
    p->fragmented = depth > 0 || m.fragment;
    if (p->fragmented && !t->fragments++)
        t->first_fragment_frame = frame_no;
    if (m.bytes.total > a->o.mtu)
        t->over_mtu++;
    t->n_type[m.type < VS_TUN__COUNT ? m.type : 0]++;
    if (m.type == VS_TUN_MGRE || fr->app == VS_APP_NHRP)
        t->nhrp = true;
    if (c != VSA_OH_GRE)
        add_spi(t, m.spi);
    /* NHRP inside ESP (DMVPN with tunnel protection): GRE protocol 0x2001 */
    if (plain && m.exact == 1 && m.type == VS_TUN_GRE_IPSEC_TRANSPORT && plain->plain_len >= 4 &&
        plain->plain[2] == 0x20 && plain->plain[3] == 0x01)
        t->nhrp = true;
    if (plain && a->o.keys) {
        const vsa_esp_sa *sa = vsa_keys_find_esp(a->o.keys, ip->u.ip.version == 6 ? 6 : 4,
                                                 ip->u.ip.src, ip->u.ip.dst, m.spi);
        if (sa) {
            if (!t->have_sa) {
                t->sa = *sa;
                t->have_sa = true;
            }
            /* the calculator for the same transform and inner size */
            sa_xform x;
            sa_transform(sa, &x);
            vs_encap_plan pl;
            if (m.exact == 1 && x.ok &&
                plan_for_type(m.type, m.bytes.gre, m.natt, m.outer_ipv6, NULL, &pl)) {
                pl.cipher = x.have_c ? &x.c : NULL;
                pl.integ = x.have_i ? &x.i : NULL;
                uint32_t inner = m.bytes.inner;
                if (m.type == VS_TUN_IPSEC_TRANSPORT)
                    inner += m.bytes.outer_ip; /* the packet keeps its own header */
                vs_overhead calc;
                vs_overhead_calc(&pl, inner, &calc);
                t->calc_checked++;
                if (calc.total != m.bytes.total || calc.padding != m.bytes.padding) {
                    if (!t->calc_mismatch++)
                        t->first_mismatch_frame = frame_no;
                }
            }
        }
    }
}

static int cmp_pkt(const void *x, const void *y)
{
    const vsa_oh_pkt *a = x, *b = y;
    /* exact packets first, then by overhead, then frame */
    if ((a->exact == 1) != (b->exact == 1))
        return a->exact == 1 ? -1 : 1;
    if (a->b.overhead != b->b.overhead)
        return a->b.overhead < b->b.overhead ? -1 : 1;
    return a->frame < b->frame ? -1 : a->frame > b->frame;
}

static bool same_ep(const vsa_oh_tunnel *t, uint8_t af, const uint8_t *ep, size_t n)
{
    return t->af == af && (!memcmp(t->a, ep, n) || !memcmp(t->b, ep, n));
}

/* NHRP seen on any GRE tunnel of this endpoint */
static bool endpoint_nhrp(const vsa_oh_agg *a, uint8_t af, const uint8_t *ep)
{
    size_t n = af == 4 ? 4 : 16;
    for (size_t i = 0; i < a->n; i++)
        if (a->t[i].carrier == VSA_OH_GRE && a->t[i].nhrp && same_ep(&a->t[i], af, ep, n))
            return true;
    return false;
}

/* How many GRE peers this endpoint has */
static size_t gre_peers(const vsa_oh_agg *a, uint8_t af, const uint8_t *ep)
{
    size_t n = af == 4 ? 4 : 16, c = 0;
    for (size_t i = 0; i < a->n; i++)
        c += a->t[i].carrier == VSA_OH_GRE && a->t[i].n && same_ep(&a->t[i], af, ep, n);
    return c;
}

void vsa_oh_finish(vsa_oh_agg *a)
{
    if (a->finished)
        return;
    a->finished = true;
    for (size_t k = 0; k < a->n; k++) {
        vsa_oh_tunnel *t = &a->t[k];
        if (!t->n) {
            t->type = VS_TUN_UNKNOWN;
            continue;
        }
        qsort(t->pkts, t->n, sizeof *t->pkts, cmp_pkt);
        t->n_exact = 0;
        for (size_t i = 0; i < t->n; i++)
            t->n_exact += t->pkts[i].exact == 1;
        size_t m = t->n_exact ? t->n_exact : t->n; /* statistics over exact packets when any */
        t->min_oh = t->pkts[0].b.overhead;
        t->max_oh = t->pkts[m - 1].b.overhead;
        t->med_idx = (m - 1) / 2;
        t->med_oh = t->pkts[t->med_idx].b.overhead;
        t->max_total_idx = 0;
        for (size_t i = 1; i < t->n; i++)
            if (t->pkts[i].b.total > t->pkts[t->max_total_idx].b.total)
                t->max_total_idx = i;
        /* the tunnel's type */
        if (t->carrier == VSA_OH_GRE) {
            t->type = VS_TUN_PLAIN_GRE;
            if (t->nhrp) {
                t->type = VS_TUN_MGRE;
                t->mgre_reason = "NHRP between these endpoints";
            } else if (endpoint_nhrp(a, t->af, t->a) && endpoint_nhrp(a, t->af, t->b)) {
                t->type = VS_TUN_MGRE;
                t->mgre_reason = "both endpoints speak NHRP with other peers (spoke to spoke)";
            } else if (gre_peers(a, t->af, t->a) >= 2 && gre_peers(a, t->af, t->b) >= 2) {
                t->type = VS_TUN_MGRE;
                t->mgre_reason = "both endpoints have GRE with several peers (static NHRP maps?)";
            }
        } else {
            t->type = VS_TUN_IPSEC_UNKNOWN;
            uint64_t best = 0;
            for (int y = VS_TUN_PLAIN_GRE; y < VS_TUN__COUNT; y++)
                if (y != VS_TUN_IPSEC_UNKNOWN && t->n_type[y] > best) {
                    best = t->n_type[y];
                    t->type = (vs_tunnel_type)y;
                }
        }
        /* without a decrypted packet an IPsec type can only come from
         * --transform/--encap (vs_plan_parse defaults to tunnel mode, as IOS) */
        t->type_assumed = t->carrier != VSA_OH_GRE && !t->n_exact && t->type != VS_TUN_IPSEC_UNKNOWN;
        /* the plan behind the advice: the tunnel's type, its transform from the
         * key (or --transform), its GRE header length */
        const vs_encap_plan *xf = a->o.xform;
        const vsa_oh_pkt *med = &t->pkts[t->med_idx];
        t->have_plan = plan_for_type(t->type, med->b.gre, t->carrier == VSA_OH_ESP_UDP, t->af == 6,
                                     xf, &t->plan);
        t->transform[0] = 0;
        t->block = 0;
        if (t->have_plan && t->plan.ipsec != VS_IPSEC_NONE) {
            sa_xform xs[1]; /* the plan points into it only within this block */
            if (t->have_sa) {
                sa_transform(&t->sa, &xs[0]);
                snprintf(t->transform, sizeof t->transform, "%s", xs[0].words);
                t->plan.cipher = xs[0].have_c ? &xs[0].c : NULL;
                t->plan.integ = xs[0].have_i ? &xs[0].i : NULL;
                t->have_plan = xs[0].ok;
            } else if (xf && (xf->cipher || xf->integ)) {
                t->plan.cipher = xf->cipher;
                t->plan.integ = xf->integ;
                snprintf(t->transform, sizeof t->transform, "%s%s%s (--transform)",
                         xf->cipher ? xf->cipher->ios : "", xf->cipher && xf->integ ? " " : "",
                         xf->integ ? xf->integ->ios : "");
            } else {
                t->have_plan = false;
            }
            if (t->have_plan)
                vs_overhead_advice(&t->plan, a->o.mtu, &t->advice);
            t->block = t->plan.cipher ? t->plan.cipher->block : 4;
            t->plan.cipher = NULL; /* the scratch does not outlive this call */
            t->plan.integ = NULL;
        } else if (t->have_plan) {
            vs_overhead_advice(&t->plan, a->o.mtu, &t->advice);
        } else if (t->have_sa) {
            sa_xform x;
            sa_transform(&t->sa, &x);
            snprintf(t->transform, sizeof t->transform, "%s", x.words);
        }
    }
}

static void fmt_addr(char *buf, size_t n, int af, const uint8_t *a)
{
    if (!inet_ntop(af == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)n))
        snprintf(buf, n, "?");
}

static const char *type_name(vs_tunnel_type y)
{
    return vs_val_name_or(vs_fields[VS_F_OH_TYPE].vals, y, "unknown");
}

static const char *carrier_name(vsa_oh_carrier c)
{
    return c == VSA_OH_GRE ? "GRE (IP 47)" : c == VSA_OH_ESP ? "ESP (IP 50)" : "ESP in UDP 4500 (NAT-T)";
}

static void spis_text(FILE *out, const vsa_oh_tunnel *t)
{
    for (size_t i = 0; i < t->n_spis; i++)
        fprintf(out, "%s0x%08x", i ? ", " : "", t->spis[i]);
    if (t->more_spis)
        fprintf(out, ", ...");
}

static bool findings(const vsa_oh_tunnel *t) { return t->over_mtu || t->fragments; }

int vsa_oh_report(const vsa_oh_agg *a, FILE *out, bool json)
{
    int rc = 0;
    for (size_t k = 0; k < a->n; k++)
        if (findings(&a->t[k]))
            rc = 1;
    uint32_t mtu = a->o.mtu;
    if (json) {
        json_t *root = json_object();
        json_t *arr = json_array();
        json_object_set_new(root, "path_mtu", json_integer(mtu));
        for (size_t k = 0; k < a->n; k++) {
            const vsa_oh_tunnel *t = &a->t[k];
            json_t *j = json_object();
            char x[64], y[64];
            fmt_addr(x, sizeof x, t->af, t->a);
            fmt_addr(y, sizeof y, t->af, t->b);
            json_object_set_new(j, "endpoints", json_pack("[ss]", x, y));
            json_object_set_new(j, "carrier", json_string(carrier_name(t->carrier)));
            json_object_set_new(j, vs_fields[VS_F_OH_TYPE].name, json_integer(t->type));
            json_object_set_new(j, "type_name", json_string(type_name(t->type)));
            json_object_set_new(j, "type_assumed", json_boolean(t->type_assumed));
            json_object_set_new(j, vs_fields[VS_F_OH_NATT].name,
                                json_integer(t->carrier == VSA_OH_ESP_UDP));
            json_object_set_new(j, "nhrp_seen", json_boolean(t->nhrp));
            if (t->mgre_reason)
                json_object_set_new(j, "mgre_reason", json_string(t->mgre_reason));
            json_t *spis = json_array();
            for (size_t i = 0; i < t->n_spis; i++) {
                char s[16];
                snprintf(s, sizeof s, "0x%08x", t->spis[i]);
                json_array_append_new(spis, json_string(s));
            }
            json_object_set_new(j, "spis", spis);
            json_object_set_new(j, "transform", t->transform[0] ? json_string(t->transform) : json_null());
            json_object_set_new(j, "packets", json_integer((json_int_t)t->n));
            json_object_set_new(j, "exact_packets", json_integer((json_int_t)t->n_exact));
            json_object_set_new(j, vs_fields[VS_F_OH_EXACT].name, json_integer(t->n_exact ? 1 : 2));
            if (t->n) {
                json_object_set_new(j, "overhead",
                                    json_pack("{sIsIsI}", "min", (json_int_t)t->min_oh, "median",
                                              (json_int_t)t->med_oh, "max", (json_int_t)t->max_oh));
                const vsa_oh_pkt *m = &t->pkts[t->med_idx];
                json_t *typ = vsa_oh_breakdown_json(&m->b);
                json_object_set_new(typ, "frame", json_integer((json_int_t)m->frame));
                if (m->exact != 1)
                    json_object_set_new(typ, vs_fields[VS_F_OH_ENCRYPTED].name,
                                        json_integer(m->encrypted));
                json_object_set_new(j, "typical", typ);
                const vsa_oh_pkt *l = &t->pkts[t->max_total_idx];
                json_object_set_new(j, "largest",
                                    json_pack("{sIsIsb}", "frame", (json_int_t)l->frame,
                                              vs_fields[VS_F_OH_TOTAL].name, (json_int_t)l->b.total,
                                              "fits_path_mtu", l->b.total <= mtu));
            }
            json_object_set_new(j, "over_path_mtu", json_integer((json_int_t)t->over_mtu));
            json_object_set_new(j, vs_problems[VS_P_OH_FRAGMENT].name,
                                json_integer((json_int_t)t->fragments));
            json_object_set_new(j, "calculator",
                                json_pack("{sIsI}", "checked", (json_int_t)t->calc_checked,
                                          "mismatches", (json_int_t)t->calc_mismatch));
            if (t->have_plan)
                json_object_set_new(j, "advice",
                                    json_pack("{sIsI}", "ip_mtu", (json_int_t)t->advice.ip_mtu,
                                              "tcp_adjust_mss", (json_int_t)t->advice.tcp_mss));
            else
                json_object_set_new(j, "advice", json_null());
            json_array_append_new(arr, j);
        }
        json_object_set_new(root, "tunnels", arr);
        json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', out);
        json_decref(root);
        return rc;
    }
    if (!a->n) {
        fprintf(out, "No tunnel traffic (GRE, ESP, ESP in UDP) in the capture.\n");
        return rc;
    }
    for (size_t k = 0; k < a->n; k++) {
        const vsa_oh_tunnel *t = &a->t[k];
        char x[64], y[64];
        fmt_addr(x, sizeof x, t->af, t->a);
        fmt_addr(y, sizeof y, t->af, t->b);
        fprintf(out, "%sTunnel %zu: %s <-> %s, %s%s%s\n", k ? "\n" : "", k + 1, x, y,
                type_name(t->type), t->carrier == VSA_OH_ESP_UDP ? ", NAT-T (UDP 4500)" : "",
                t->type_assumed ? " (assumed from --transform/--encap, not decrypted; IOS default "
                                  "mode: tunnel)"
                                : "");
        if (t->nhrp && t->type != VS_TUN_MGRE)
            fprintf(out, "  NHRP seen between these endpoints (DMVPN)\n");
        if (t->mgre_reason)
            fprintf(out, "  mGRE: %s\n", t->mgre_reason);
        if (t->n_spis) {
            fprintf(out, "  SPIs: ");
            spis_text(out, t);
            fputc('\n', out);
        }
        if (t->carrier != VSA_OH_GRE)
            fprintf(out, "  transform: %s\n",
                    t->transform[0] ? t->transform : "unknown (no key decrypted it; try --transform)");
        if (!t->n) {
            fprintf(out, "  no whole packet: %" PRIu64 " IP fragments (first frame %" PRIu64 ")\n",
                    t->fragments, t->first_fragment_frame);
            continue;
        }
        const vsa_oh_pkt *m = &t->pkts[t->med_idx];
        if (t->n_exact == t->n)
            fprintf(out, "  packets: %zu, all measured exactly%s\n", t->n,
                    t->carrier == VSA_OH_GRE ? " (cleartext)" : " (decrypted)");
        else
            fprintf(out, "  packets: %zu, %" PRIu64 " measured exactly, %" PRIu64 " not decrypted\n",
                    t->n, t->n_exact, (uint64_t)t->n - t->n_exact);
        if (t->n_exact) {
            fprintf(out, "  overhead (exact): min %u / median %u / max %u bytes\n", t->min_oh,
                    t->med_oh, t->max_oh);
            fprintf(out, "  typical packet (median, frame %" PRIu64 "): ", m->frame);
            vsa_oh_breakdown_text(out, &m->b);
        } else {
            /* not decrypted: outer IP, UDP, ESP header exact; IV/ICV from the
             * transform when given; padding (and the 2-byte trailer) unknown */
            bool split = m->b.iv || m->b.icv;
            fprintf(out, "  overhead (not decrypted): at least min %u / median %u / max %u bytes\n",
                    t->min_oh, t->med_oh, t->max_oh);
            if (split)
                fprintf(out, "  estimate: + 2 (pad length, next header) + 0..%u padding, i.e. "
                             "median %u..%u bytes\n",
                        t->block ? t->block - 1u : 255u, t->med_oh + 2,
                        t->med_oh + 2 + (t->block ? t->block - 1u : 255u));
            fprintf(out, "  typical packet (median, frame %" PRIu64 "): outer IP %u%s", m->frame,
                    m->b.outer_ip, m->b.udp ? " + UDP 4500 8" : "");
            fprintf(out, " + ESP 8");
            if (split)
                fprintf(out, " + IV %u + encrypted %u (inner, padding, trailer: split unknown) + ICV %u"
                             " = %u  [IV and ICV from the transform: estimates]\n",
                        m->b.iv, m->encrypted, m->b.icv, m->b.total);
            else
                fprintf(out, " + encrypted %u (IV, inner, padding, trailer, ICV: split unknown "
                             "without keys or --transform) = %u\n",
                        m->encrypted, m->b.total);
        }
        const vsa_oh_pkt *l = &t->pkts[t->max_total_idx];
        if (l->b.total > mtu)
            fprintf(out, "  WARNING: largest packet %u bytes (frame %" PRIu64 ") does not fit the "
                         "path MTU %u: %" PRIu64 " packet(s) over it would fragment\n",
                    l->b.total, l->frame, mtu, t->over_mtu);
        else
            fprintf(out, "  largest packet: %u bytes (frame %" PRIu64 "), fits the path MTU %u "
                         "(%u to spare)\n",
                    l->b.total, l->frame, mtu, mtu - l->b.total);
        if (t->fragments)
            fprintf(out, "  WARNING: %" PRIu64 " encapsulated packet(s) arrived as IP fragments (first "
                         "frame %" PRIu64 "): the tunnel MTU is too large for the path\n",
                    t->fragments, t->first_fragment_frame);
        if (t->calc_checked)
            fprintf(out, "  calculator: %s on %" PRIu64 "/%" PRIu64 " decrypted packets%s\n",
                    t->calc_mismatch ? "DISAGREES" : "agrees (total and padding)",
                    t->calc_checked - t->calc_mismatch, t->calc_checked,
                    t->calc_mismatch ? " (the sender pads beyond the minimum, or options)" : "");
        if (t->have_plan)
            fprintf(out, "  advice for a %u-byte path: ip mtu %u, ip tcp adjust-mss %u\n", mtu,
                    t->advice.ip_mtu, t->advice.tcp_mss);
        else
            fprintf(out, "  advice: needs the transform and mode (keys, or --transform and --encap)\n");
    }
    return rc;
}
