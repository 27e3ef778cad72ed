/* Encapsulation overhead arithmetic (see overhead.h for the RFC references). */
#include "vpnscope/overhead.h"
#include "vpnscope/catalogue.h"
#include "vpnscope/frame.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* IV, padding block and AEAD ICV per RFC 2405 (DES), 2451 (3DES), 3602
 * (AES-CBC), 3686 (AES-CTR), 4106 (AES-GCM), 4543 (GMAC), 7634
 * (ChaCha20-Poly1305), 4303 2.4 (4-byte alignment for NULL and counter
 * modes). */
const vs_cipher_info vs_ciphers[] = {
    {"esp-null", "NULL", 0, 4, 0, 0, false},
    {"esp-des", "DES-CBC", 8, 8, 0, 56, false},
    {"esp-3des", "3DES-CBC", 8, 8, 0, 168, false},
    {"esp-aes", "AES-CBC-128", 16, 16, 0, 128, false},
    {"esp-aes 192", "AES-CBC-192", 16, 16, 0, 192, false},
    {"esp-aes 256", "AES-CBC-256", 16, 16, 0, 256, false},
    {"esp-aes-ctr", "AES-CTR-128", 8, 4, 0, 128, false},
    {"esp-aes-ctr 256", "AES-CTR-256", 8, 4, 0, 256, false},
    {"esp-gcm", "AES-GCM-128 (16-byte ICV)", 8, 4, 16, 128, true},
    {"esp-gcm 192", "AES-GCM-192 (16-byte ICV)", 8, 4, 16, 192, true},
    {"esp-gcm 256", "AES-GCM-256 (16-byte ICV)", 8, 4, 16, 256, true},
    {"esp-gmac", "AES-GMAC-128", 8, 4, 16, 128, true},
    {"esp-gmac 256", "AES-GMAC-256", 8, 4, 16, 256, true},
    {"esp-chacha20-poly1305", "ChaCha20-Poly1305", 8, 4, 16, 256, true},
};
const size_t vs_n_ciphers = sizeof vs_ciphers / sizeof vs_ciphers[0];

/* Truncated ICV lengths: RFC 2403/2404 (96), 4868 (SHA-2 half length), 3566. */
const vs_integ_info vs_integs[] = {
    {"esp-md5-hmac", "HMAC-MD5-96", 12},
    {"esp-sha-hmac", "HMAC-SHA1-96", 12},
    {"esp-sha256-hmac", "HMAC-SHA-256-128", 16},
    {"esp-sha384-hmac", "HMAC-SHA-384-192", 24},
    {"esp-sha512-hmac", "HMAC-SHA-512-256", 32},
    {"esp-aes-xcbc-mac", "AES-XCBC-MAC-96", 12},
    {"ah-md5-hmac", "HMAC-MD5-96", 12},
    {"ah-sha-hmac", "HMAC-SHA1-96", 12},
    {"ah-sha256-hmac", "HMAC-SHA-256-128", 16},
    {"ah-sha384-hmac", "HMAC-SHA-384-192", 24},
    {"ah-sha512-hmac", "HMAC-SHA-512-256", 32},
};
const size_t vs_n_integs = sizeof vs_integs / sizeof vs_integs[0];

const char *const vs_tunnel_type_names[VS_TUN__COUNT] = {
    "unknown",
    "plain GRE",
    "mGRE (DMVPN, no IPsec)",
    "GRE over IPsec, tunnel mode",
    "GRE over IPsec, transport mode",
    "IPsec tunnel without GRE (crypto map / S-VTI)",
    "GETVPN (tunnel mode, header preservation)",
    "IPsec transport without GRE",
    "IPsec, mode unknown (not decrypted)",
};

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

const vs_cipher_info *vs_cipher_find(const char *name)
{
    for (size_t i = 0; i < vs_n_ciphers; i++)
        if (ieq(name, vs_ciphers[i].ios) || ieq(name, vs_ciphers[i].rfc))
            return &vs_ciphers[i];
    /* "esp-aes 128" and "esp-gcm 128" are the defaults spelled out. */
    char buf[64];
    size_t n = strlen(name);
    if (n > 4 && n < sizeof buf && strcmp(name + n - 4, " 128") == 0) {
        memcpy(buf, name, n - 4);
        buf[n - 4] = 0;
        return vs_cipher_find(buf);
    }
    return NULL;
}

const vs_integ_info *vs_integ_find(const char *name)
{
    for (size_t i = 0; i < vs_n_integs; i++)
        if (ieq(name, vs_integs[i].ios) || ieq(name, vs_integs[i].rfc))
            return &vs_integs[i];
    return NULL;
}

static uint32_t ip_hdr(bool v6) { return v6 ? 40 : 20; }

static uint32_t gre_hdr(const vs_encap_plan *p)
{
    return 4u + (p->gre_csum ? 4u : 0u) + (p->gre_key ? 4u : 0u) + (p->gre_seq ? 4u : 0u);
}

void vs_overhead_calc(const vs_encap_plan *p, uint32_t inner, vs_overhead *o)
{
    memset(o, 0, sizeof *o);
    uint32_t ipsz = ip_hdr(p->outer_ipv6);
    uint32_t inner_ipsz = ip_hdr(p->inner_ipv6);
    bool transport = p->ipsec == VS_IPSEC_ESP_TRANSPORT || p->ipsec == VS_IPSEC_AH_TRANSPORT;
    bool esp = p->ipsec == VS_IPSEC_ESP_TUNNEL || p->ipsec == VS_IPSEC_ESP_TRANSPORT;
    bool ah = p->ipsec == VS_IPSEC_AH_TUNNEL || p->ipsec == VS_IPSEC_AH_TRANSPORT;

    /* What the IPsec layer protects, and the header left outside it. */
    uint32_t protected_len;
    o->inner = inner;
    if (p->gre)
        o->gre = gre_hdr(p);
    if (p->ipsec == VS_IPSEC_NONE) {
        o->outer_ip = p->gre ? ipsz : 0;
        o->total = o->outer_ip + o->gre + inner;
        o->overhead = o->total - inner;
        return;
    }
    if (transport) {
        /* The delivery header stays in front: GRE's own, or the packet's. */
        if (p->gre) {
            o->outer_ip = ipsz;
            protected_len = o->gre + inner;
        } else {
            uint32_t h = inner < inner_ipsz ? inner : inner_ipsz;
            o->outer_ip = 0; /* the packet's own header, counted in inner */
            protected_len = inner - h;
        }
    } else {
        o->outer_ip = ipsz;
        if (p->gre) {
            o->gre_ip = ipsz;
            protected_len = o->gre_ip + o->gre + inner;
        } else {
            protected_len = inner;
        }
    }

    if (esp) {
        const vs_cipher_info *c = p->cipher;
        uint32_t block = c ? c->block : 4;
        o->udp = p->natt ? 8 : 0;
        o->esp_header = 8;
        o->iv = c ? c->iv : 0;
        uint32_t body = protected_len + 2;
        o->padding = (block - body % block) % block;
        o->trailer = 2;
        o->icv = (c && c->aead) ? c->icv : (p->integ ? p->integ->icv : 0);
    } else if (ah) {
        /* RFC 4302 2.2: 12 fixed bytes + ICV, a multiple of 32 bits (IPv4)
         * or 64 bits (IPv6). */
        uint32_t len = 12 + (p->integ ? p->integ->icv : 0);
        uint32_t align = p->outer_ipv6 ? 8 : 4;
        o->ah = (len + align - 1) / align * align;
    }
    o->total = o->outer_ip + o->udp + o->ah + o->esp_header + o->iv + o->gre_ip + o->gre + inner +
               o->padding + o->trailer + o->icv;
    o->overhead = o->total - inner;
}

uint32_t vs_overhead_max_inner(const vs_encap_plan *p, uint32_t path_mtu)
{
    vs_overhead o;
    /* total(inner) is non-decreasing in inner: binary search. */
    uint32_t lo = 0, hi = path_mtu;
    vs_overhead_calc(p, 0, &o);
    if (o.total > path_mtu)
        return 0;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;
        vs_overhead_calc(p, mid, &o);
        if (o.total <= path_mtu)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

void vs_overhead_advice(const vs_encap_plan *p, uint32_t path_mtu, vs_mtu_advice *out)
{
    out->ip_mtu = vs_overhead_max_inner(p, path_mtu);
    uint32_t hdrs = p->inner_ipv6 ? 60 : 40;
    out->tcp_mss = out->ip_mtu > hdrs ? out->ip_mtu - hdrs : 0;
}

static int err_word(char *err, size_t errlen, const char *what, const char *w)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: '%s'", what, w);
    return -1;
}

#define VS_MAX_WORDS 16

static size_t split_words(const char *s, char words[VS_MAX_WORDS][32])
{
    size_t n = 0;
    while (s && *s && n < VS_MAX_WORDS) {
        while (*s == ' ' || *s == ',' || *s == '\t' || *s == '+')
            s++;
        if (!*s)
            break;
        size_t k = 0;
        while (*s && *s != ' ' && *s != ',' && *s != '\t' && *s != '+') {
            if (k < 31)
                words[n][k++] = (char)tolower((unsigned char)*s);
            s++;
        }
        words[n][k] = 0;
        n++;
    }
    return n;
}

int vs_plan_parse(const char *encap, const char *transform, vs_encap_plan *p, char *err,
                  size_t errlen)
{
    memset(p, 0, sizeof *p);
    char w[VS_MAX_WORDS][32];
    size_t n = split_words(encap, w);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(w[i], "gre")) p->gre = true;
        else if (!strcmp(w[i], "gre-key")) p->gre = p->gre_key = true;
        else if (!strcmp(w[i], "gre-seq")) p->gre = p->gre_seq = true;
        else if (!strcmp(w[i], "gre-csum")) p->gre = p->gre_csum = true;
        else if (!strcmp(w[i], "tunnel") || !strcmp(w[i], "esp-tunnel") || !strcmp(w[i], "svti") ||
                 !strcmp(w[i], "getvpn")) p->ipsec = VS_IPSEC_ESP_TUNNEL;
        else if (!strcmp(w[i], "transport") || !strcmp(w[i], "esp-transport")) p->ipsec = VS_IPSEC_ESP_TRANSPORT;
        else if (!strcmp(w[i], "ah-tunnel")) p->ipsec = VS_IPSEC_AH_TUNNEL;
        else if (!strcmp(w[i], "ah-transport")) p->ipsec = VS_IPSEC_AH_TRANSPORT;
        else if (!strcmp(w[i], "nat-t") || !strcmp(w[i], "natt")) p->natt = true;
        else if (!strcmp(w[i], "ipv6")) p->outer_ipv6 = true;
        else if (!strcmp(w[i], "ipv4")) p->outer_ipv6 = false;
        else if (!strcmp(w[i], "inner-ipv6")) p->inner_ipv6 = true;
        else return err_word(err, errlen, "unknown encapsulation", w[i]);
    }
    n = split_words(transform, w);
    for (size_t i = 0; i < n; i++) {
        char name[64];
        /* "esp-aes 256": a key size follows the cipher as its own word. */
        if (i + 1 < n && isdigit((unsigned char)w[i + 1][0])) {
            snprintf(name, sizeof name, "%s %s", w[i], w[i + 1]);
            i++;
        } else {
            snprintf(name, sizeof name, "%s", w[i]);
        }
        const vs_cipher_info *c = vs_cipher_find(name);
        const vs_integ_info *g = c ? NULL : vs_integ_find(name);
        if (c) {
            if (p->cipher) return err_word(err, errlen, "a second cipher", name);
            p->cipher = c;
        } else if (g) {
            if (p->integ) return err_word(err, errlen, "a second integrity algorithm", name);
            p->integ = g;
            if (!strncmp(name, "ah-", 3) && p->ipsec != VS_IPSEC_AH_TUNNEL &&
                p->ipsec != VS_IPSEC_AH_TRANSPORT)
                p->ipsec = p->ipsec == VS_IPSEC_ESP_TRANSPORT ? VS_IPSEC_AH_TRANSPORT : VS_IPSEC_AH_TUNNEL;
        } else {
            return err_word(err, errlen, "unknown transform", name);
        }
    }
    bool ah = p->ipsec == VS_IPSEC_AH_TUNNEL || p->ipsec == VS_IPSEC_AH_TRANSPORT;
    if (p->cipher && p->ipsec == VS_IPSEC_NONE)
        p->ipsec = VS_IPSEC_ESP_TUNNEL;
    if (ah && p->cipher)
        return err_word(err, errlen, "AH does not encrypt; drop the cipher", p->cipher->ios);
    if (ah && p->natt)
        return err_word(err, errlen, "AH cannot cross NAT (RFC 3948 covers ESP only)", "nat-t");
    if (p->natt && p->ipsec == VS_IPSEC_NONE)
        return err_word(err, errlen, "NAT-T needs ESP", "nat-t");
    if (p->cipher && p->cipher->aead && p->integ)
        return err_word(err, errlen, "an AEAD cipher has its own ICV; drop", p->integ->ios);
    if ((p->ipsec == VS_IPSEC_ESP_TUNNEL || p->ipsec == VS_IPSEC_ESP_TRANSPORT) && !p->cipher &&
        !p->integ)
        return err_word(err, errlen, "ESP needs a cipher or an integrity algorithm", transform ? transform : "");
    return 0;
}

/* Value tables for the catalogue (overhead.def). */
const vs_val vs_vals_overhead_type[] = {
    VS_V(VS_TUN_UNKNOWN, "unknown"),
    VS_V(VS_TUN_PLAIN_GRE, "plain GRE"),
    VS_V(VS_TUN_MGRE, "mGRE (DMVPN, no IPsec)"),
    VS_V(VS_TUN_GRE_IPSEC_TUNNEL, "GRE over IPsec, tunnel mode"),
    VS_V(VS_TUN_GRE_IPSEC_TRANSPORT, "GRE over IPsec, transport mode"),
    VS_V(VS_TUN_IPSEC_TUNNEL, "IPsec tunnel without GRE (crypto map / S-VTI)"),
    VS_V(VS_TUN_GETVPN, "GETVPN (tunnel mode, header preservation)"),
    VS_V(VS_TUN_IPSEC_TRANSPORT, "IPsec transport without GRE"),
    VS_V(VS_TUN_IPSEC_UNKNOWN, "IPsec, mode unknown (not decrypted)"),
    VS_VEND};

const vs_val vs_vals_overhead_exact[] = {
    VS_V(0, "estimated from the transform (not decrypted)"),
    VS_V(1, "exact (decrypted)"),
    VS_V(2, "partial (encrypted part not split)"),
    VS_VEND};

/* ---------------------------------------------------------------------- */
/* Measured overhead. */

static vs_span sp(size_t off, size_t len) { return vs_span_at(off, len); }

/* Header length of layer i: up to where the next layer starts. */
static size_t hdr_len(const vs_frame *f, size_t i, size_t fallback)
{
    if (i + 1 < f->n_layers && f->layers[i + 1].span.off >= f->layers[i].span.off)
        return f->layers[i + 1].span.off - f->layers[i].span.off;
    return fallback;
}

static bool same_addrs(const vs_layer *a, const vs_frame *inner)
{
    const vs_layer *b = NULL;
    for (size_t i = 0; i < inner->n_layers; i++)
        if (inner->layers[i].kind == VS_L_IPV4 || inner->layers[i].kind == VS_L_IPV6) {
            b = &inner->layers[i];
            break;
        }
    if (!b || a->u.ip.version != b->u.ip.version)
        return false;
    size_t n = a->u.ip.version == 4 ? 4 : 16;
    return memcmp(a->u.ip.src, b->u.ip.src, n) == 0 && memcmp(a->u.ip.dst, b->u.ip.dst, n) == 0;
}

/* Split a decrypted ESP payload: tunnel mode (inner IP, maybe GRE inside),
 * transport mode with GRE, or transport mode without GRE. */
static void measure_plain(const vs_layer *outer_ip, const vs_esp_plain *dec, size_t ct_off,
                          vs_overhead_measure *m)
{
    vs_overhead *o = &m->bytes;
    size_t n = dec->plain_len;
    uint8_t pad = n >= 2 ? dec->plain[n - 2] : 0;
    uint8_t nh = n >= 2 ? dec->plain[n - 1] : 0;
    size_t inner_len = (n >= 2 + (size_t)pad) ? n - 2 - pad : 0;
    o->padding = pad;
    o->trailer = 2;
    m->s_padding = sp(ct_off + inner_len, pad);
    m->s_trailer = sp(ct_off + inner_len + pad, 2);
    size_t gre_ip = 0, gre = 0;
    if (nh == 4 || nh == 41) {
        vs_frame in;
        vs_frame_decode(VS_LINKTYPE_RAW, dec->plain, inner_len, inner_len, NULL, &in);
        const vs_layer *g = vs_frame_layer(&in, VS_L_GRE, 0);
        if (g && in.n_layers >= 2 && in.layers[1].kind == VS_L_GRE) {
            m->type = VS_TUN_GRE_IPSEC_TUNNEL;
            gre_ip = hdr_len(&in, 0, 20);
            gre = hdr_len(&in, 1, 4);
        } else if (same_addrs(outer_ip, &in)) {
            m->type = VS_TUN_GETVPN;
        } else {
            m->type = VS_TUN_IPSEC_TUNNEL;
        }
    } else if (nh == 47) {
        vs_cursor c;
        vs_gre_msg gm;
        vs_cur_init(&c, dec->plain, inner_len, inner_len);
        vs_gre_decode(&c, NULL, NULL, &gm);
        m->type = VS_TUN_GRE_IPSEC_TRANSPORT;
        gre = gm.hdr_len <= inner_len ? gm.hdr_len : inner_len;
    } else {
        m->type = VS_TUN_IPSEC_TRANSPORT;
    }
    o->gre_ip = (uint32_t)gre_ip;
    o->gre = (uint32_t)gre;
    o->inner = (uint32_t)(inner_len - gre_ip - gre);
    m->s_gre_ip = sp(ct_off, gre_ip);
    m->s_gre = sp(ct_off + gre_ip, gre);
    m->s_inner = sp(ct_off + gre_ip + gre, o->inner);
}

bool vs_overhead_measure_frame(const vs_frame *f, const vs_esp_plain *dec,
                               const vs_encap_plan *xform, vs_overhead_measure *m)
{
    memset(m, 0, sizeof *m);
    vs_overhead *o = &m->bytes;
    size_t i0 = f->n_layers;
    for (size_t i = 0; i < f->n_layers; i++)
        if (f->layers[i].kind == VS_L_IPV4 || f->layers[i].kind == VS_L_IPV6) {
            i0 = i;
            break;
        }
    if (i0 + 1 >= f->n_layers)
        return false;
    const vs_layer *ip = &f->layers[i0];
    m->outer_ipv6 = ip->kind == VS_L_IPV6;
    m->fragment = ip->u.ip.fragment;
    size_t total = ip->span.len, ip_hdr = hdr_len(f, i0, 20);
    m->s_total = ip->span;
    o->total = (uint32_t)total;
    size_t i = i0 + 1;

    if (f->layers[i].kind == VS_L_GRE) {
        const vs_layer *g = &f->layers[i];
        size_t glen = hdr_len(f, i, f->app_span.off > g->span.off ? f->app_span.off - g->span.off : 4);
        m->type = f->app == VS_APP_NHRP ? VS_TUN_MGRE : VS_TUN_PLAIN_GRE;
        m->exact = 1;
        o->outer_ip = (uint32_t)ip_hdr;
        o->gre = (uint32_t)glen;
        o->inner = (uint32_t)(total - ip_hdr - glen);
        m->s_outer_ip = sp(ip->span.off, ip_hdr);
        m->s_gre = sp(g->span.off, glen);
        m->s_inner = sp(g->span.off + glen, o->inner);
        o->overhead = o->total - o->inner;
        return true;
    }
    if (f->layers[i].kind == VS_L_UDP && i + 1 < f->n_layers && f->layers[i + 1].kind == VS_L_ESP) {
        m->natt = true;
        o->udp = 8;
        m->s_udp = sp(f->layers[i].span.off, 8);
        i++;
    } else if (f->layers[i].kind == VS_L_UDP && i + 2 < f->n_layers &&
               f->layers[i + 1].kind == VS_L_NATT && f->layers[i + 2].kind == VS_L_ESP) {
        m->natt = true;
        o->udp = 8;
        m->s_udp = sp(f->layers[i].span.off, 8);
        i += 2;
    }
    if (f->layers[i].kind != VS_L_ESP)
        return false;
    const vs_layer *e = &f->layers[i];
    m->spi = e->u.esp.spi;
    o->outer_ip = (uint32_t)ip_hdr;
    m->s_outer_ip = sp(ip->span.off, ip_hdr);
    o->esp_header = 8;
    m->s_esp = sp(e->span.off, 8);
    size_t body = e->span.len >= 8 ? e->span.len - 8 : 0; /* IV + ciphertext + ICV */
    size_t body_off = e->span.off + 8;
    size_t end = e->span.off + e->span.len;

    uint32_t iv = 0, icv = 0;
    bool know = false;
    if (dec) {
        iv = dec->iv_len;
        icv = dec->icv_len;
        know = true;
    } else if (xform && (xform->cipher || xform->integ)) {
        const vs_cipher_info *c = xform->cipher;
        iv = c ? c->iv : 0;
        icv = (c && c->aead) ? c->icv : (xform->integ ? xform->integ->icv : 0);
        know = true;
    }
    if (know && (size_t)iv + icv <= body) {
        o->iv = iv;
        o->icv = icv;
        m->s_iv = sp(body_off, iv);
        m->s_icv = sp(end - icv, icv);
    } else {
        know = false;
    }
    size_t ct = know ? body - iv - icv : body;
    size_t ct_off = body_off + (know ? iv : 0);
    if (dec && dec->plain_len == ct && ct >= 2) {
        m->exact = 1;
        /* In transport mode the outer header is the packet's own (GRE's
         * delivery header for DMVPN); it is counted as outer_ip all the same. */
        measure_plain(ip, dec, ct_off, m);
    } else {
        m->exact = 2;
        m->encrypted = (uint32_t)ct;
        m->s_encrypted = sp(ct_off, ct);
        if (xform && xform->ipsec != VS_IPSEC_NONE && know) {
            bool tr = xform->ipsec == VS_IPSEC_ESP_TRANSPORT;
            m->type = xform->gre ? (tr ? VS_TUN_GRE_IPSEC_TRANSPORT : VS_TUN_GRE_IPSEC_TUNNEL)
                                 : (tr ? VS_TUN_IPSEC_TRANSPORT : VS_TUN_IPSEC_TUNNEL);
        } else {
            m->type = VS_TUN_IPSEC_UNKNOWN;
        }
    }
    if (m->exact == 1)
        o->overhead = o->total - o->inner;
    else
        o->overhead = o->total - (uint32_t)ct; /* at least this much, the rest is inside */
    return true;
}

static void add_part(vs_tree *t, vs_field_id f, vs_span s, uint32_t v, bool always)
{
    if (v || always)
        vs_add_gen(t, f, s, v);
}

void vs_overhead_to_tree(vs_tree *t, const vs_overhead_measure *m)
{
    if (!t)
        return;
    const vs_overhead *o = &m->bytes;
    uint16_t root = vs_open(t, VS_F_OVERHEAD, m->s_total, 0);
    (void)root;
    vs_add_gen(t, VS_F_OH_TYPE, m->s_total, m->type);
    vs_add_gen(t, VS_F_OH_EXACT, m->s_total, m->exact);
    if (m->natt)
        vs_add_gen(t, VS_F_OH_NATT, m->s_udp, 1);
    add_part(t, VS_F_OH_OUTER_IP, m->s_outer_ip, o->outer_ip, true);
    add_part(t, VS_F_OH_UDP, m->s_udp, o->udp, false);
    add_part(t, VS_F_OH_AH, m->s_ah, o->ah, false);
    add_part(t, VS_F_OH_ESP_HEADER, m->s_esp, o->esp_header, false);
    add_part(t, VS_F_OH_IV, m->s_iv, o->iv, false);
    add_part(t, VS_F_OH_GRE_IP, m->s_gre_ip, o->gre_ip, false);
    add_part(t, VS_F_OH_GRE, m->s_gre, o->gre, false);
    if (m->exact == 1)
        add_part(t, VS_F_OH_INNER, m->s_inner, o->inner, true);
    else
        add_part(t, VS_F_OH_ENCRYPTED, m->s_encrypted, m->encrypted, true);
    add_part(t, VS_F_OH_PADDING, m->s_padding, o->padding, m->exact == 1 && o->trailer);
    add_part(t, VS_F_OH_TRAILER, m->s_trailer, o->trailer, false);
    add_part(t, VS_F_OH_ICV, m->s_icv, o->icv, false);
    add_part(t, VS_F_OH_TOTAL, m->s_total, o->total, true);
    add_part(t, VS_F_OH_BYTES, m->s_total, o->overhead, true);
    if (m->fragment)
        vs_problem(t, VS_P_OH_FRAGMENT, VS_NO_ITEM, m->s_total, 0);
    if (m->exact == 2)
        vs_problem(t, VS_P_OH_UNKNOWN_SPLIT, VS_NO_ITEM, m->s_encrypted, 0);
    vs_close(t);
}
