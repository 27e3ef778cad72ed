/*
 * Key file parsers. Formats (checked against the sources of the tools that
 * write or read them):
 *
 * Wireshark UAT files (esp_sa, ikev1_decryption_table, ikev2_decryption_table):
 *   one record a line, fields separated by ',', string fields in double quotes
 *   (escapes \\ \" \xHH), hex fields bare; '#' starts a comment line.
 *   esp_sa:  "IPv4","src","dst","spi","encr alg","encr key","auth alg","auth key"
 *            keys are "0x<hex>" or ASCII; addresses allow '*' per octet, "*" for
 *            any, "/len" prefixes; the SPI allows "*" or per-nibble '*' in "0x%08x".
 *   ikev1:   icookie,enc_key                      (both hex)
 *   ikev2:   spi_i,spi_r,sk_ei,sk_er,"encr alg",sk_ai,sk_ar,"integ alg"
 * tcpdump -E:  [spi@addr ]algo[-hmac96]:secret, several per line separated by ','
 *   algo is an OpenSSL cipher name (des, 3des, aes128 ...; "-cbc" optional),
 *   secret "0x<hex>" or ASCII. tcpdump checks no ICV: "-hmac96" only says 12
 *   ICV bytes follow, so such SAs decrypt with an unchecked ICV.
 * ip xfrm state:  "src A dst B" then indented lines "proto esp spi 0x.. ...",
 *   "enc cbc(aes) 0x..", "auth-trunc hmac(sha1) 0x.. 96", "auth hmac(..) 0x..",
 *   "aead rfc4106(gcm(aes)) 0x.. 128", "replay-window N flag esn ...".
 */
#include "keys/keys.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* names */

const char *vsa_enc_name(vsa_enc e, unsigned key_bits, unsigned icv_len)
{
    switch (e) {
    case VSA_ENC_NULL: return "esp-null";
    case VSA_ENC_DES_CBC: return "esp-des";
    case VSA_ENC_3DES_CBC: return "esp-3des";
    case VSA_ENC_AES_CBC:
        return key_bits == 192 ? "esp-aes 192" : key_bits == 256 ? "esp-aes 256" : "esp-aes";
    case VSA_ENC_AES_CTR:
        return key_bits == 192 ? "esp-aes-ctr 192" : key_bits == 256 ? "esp-aes-ctr 256" : "esp-aes-ctr";
    case VSA_ENC_AES_GCM:
        if (icv_len == 8)
            return key_bits == 256 ? "esp-gcm 256 (8-byte ICV)" : key_bits == 192 ? "esp-gcm 192 (8-byte ICV)" : "esp-gcm (8-byte ICV)";
        if (icv_len == 12)
            return key_bits == 256 ? "esp-gcm 256 (12-byte ICV)" : key_bits == 192 ? "esp-gcm 192 (12-byte ICV)" : "esp-gcm (12-byte ICV)";
        return key_bits == 256 ? "esp-gcm 256" : key_bits == 192 ? "esp-gcm 192" : "esp-gcm";
    case VSA_ENC_AES_CCM: return "esp-ccm";
    case VSA_ENC_CHACHA20_POLY1305: return "esp-chacha20-poly1305";
    case VSA_ENC_UNSUPPORTED: return "unsupported";
    }
    return "?";
}

const char *vsa_integ_name(vsa_integ i)
{
    switch (i) {
    case VSA_INTEG_NONE: return "";
    case VSA_INTEG_HMAC_MD5_96: return "esp-md5-hmac";
    case VSA_INTEG_HMAC_SHA1_96: return "esp-sha-hmac";
    case VSA_INTEG_HMAC_SHA256_96: return "esp-sha256-hmac (96)";
    case VSA_INTEG_HMAC_SHA256_128: return "esp-sha256-hmac";
    case VSA_INTEG_HMAC_SHA384_192: return "esp-sha384-hmac";
    case VSA_INTEG_HMAC_SHA512_256: return "esp-sha512-hmac";
    case VSA_INTEG_AES_XCBC_96: return "esp-aes-xcbc-mac";
    case VSA_INTEG_ANY: return "(ICV not checked)";
    case VSA_INTEG_UNSUPPORTED: return "(unsupported integrity)";
    }
    return "?";
}

int vsa_integ_icv_len(vsa_integ i)
{
    switch (i) {
    case VSA_INTEG_NONE: return 0;
    case VSA_INTEG_HMAC_MD5_96:
    case VSA_INTEG_HMAC_SHA1_96:
    case VSA_INTEG_HMAC_SHA256_96:
    case VSA_INTEG_AES_XCBC_96: return 12;
    case VSA_INTEG_HMAC_SHA256_128: return 16;
    case VSA_INTEG_HMAC_SHA384_192: return 24;
    case VSA_INTEG_HMAC_SHA512_256: return 32;
    case VSA_INTEG_ANY:
    case VSA_INTEG_UNSUPPORTED: return -1;
    }
    return -1;
}

bool vsa_enc_is_aead(vsa_enc e)
{
    return e == VSA_ENC_AES_GCM || e == VSA_ENC_AES_CCM || e == VSA_ENC_CHACHA20_POLY1305;
}

const char *vsa_keyfmt_name(vsa_keyfmt f)
{
    switch (f) {
    case VSA_KF_AUTO: return "auto";
    case VSA_KF_ESP_SA: return "esp_sa";
    case VSA_KF_IKEV1: return "ikev1_decryption_table";
    case VSA_KF_IKEV2: return "ikev2_decryption_table";
    case VSA_KF_TCPDUMP: return "tcpdump";
    case VSA_KF_XFRM: return "xfrm";
    case VSA_KF_IKEV1_SKEYID: return "ikev1_skeyid";
    }
    return "?";
}

/* ------------------------------------------------------------------ */
/* store */

void vsa_keys_init(vsa_keys *k)
{
    memset(k, 0, sizeof *k);
}

void vsa_keys_free(vsa_keys *k)
{
    /* Wipe key material before giving the memory back. */
    if (k->esp)
        memset(k->esp, 0, k->cap_esp * sizeof *k->esp);
    if (k->ike1)
        memset(k->ike1, 0, k->cap_ike1 * sizeof *k->ike1);
    if (k->ike2)
        memset(k->ike2, 0, k->cap_ike2 * sizeof *k->ike2);
    free(k->esp);
    free(k->ike1);
    free(k->ike2);
    memset(k, 0, sizeof *k);
}

static void *grow(void *p, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return p;
    size_t nc = *cap ? *cap * 2 : 8;
    void *q = realloc(p, nc * sz);
    if (!q) {
        fprintf(stderr, "vpnscope: out of memory\n");
        exit(2);
    }
    *cap = nc;
    return q;
}

static vsa_esp_sa *new_esp(vsa_keys *k)
{
    k->esp = grow(k->esp, &k->cap_esp, k->n_esp, sizeof *k->esp);
    vsa_esp_sa *e = &k->esp[k->n_esp++];
    memset(e, 0, sizeof *e);
    return e;
}

/* ------------------------------------------------------------------ */
/* small parsing helpers */

typedef struct pctx {
    const char *name;
    unsigned line;
    char *err;
    size_t errlen;
} pctx;

static int fail(pctx *p, const char *fmt, ...)
{
    int n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);
    if (n < 0 || (size_t)n >= p->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static void set_origin(char *dst, const pctx *p)
{
    snprintf(dst, VSA_ORIGIN_MAX, "%s:%u", p->name, p->line);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int vsa_parse_hex(const char *s, size_t n, uint8_t *out, size_t cap)
{
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
    }
    if (n % 2)
        return -1;
    if (n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return (int)(n / 2);
}

/* Wireshark's key strings: "0x" + hex (an odd count gets a leading zero
 * nibble, as compute_ascii_key does), "0x" alone = empty, else the ASCII
 * bytes themselves. */
static int ws_key(pctx *p, const char *what, const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        const char *h = s + 2;
        size_t hn = n - 2;
        size_t bytes = (hn + 1) / 2;
        if (bytes > cap)
            return fail(p, "%s is too long (%zu bytes, at most %zu)", what, bytes, cap);
        size_t i = 0, k = 0;
        if (hn % 2) {
            int v = hexval((unsigned char)h[0]);
            if (v < 0)
                return fail(p, "%s: invalid hex digit at position %zu", what, (size_t)3);
            out[k++] = (uint8_t)v;
            i = 1;
        }
        for (; i < hn; i += 2) {
            int hi = hexval((unsigned char)h[i]), lo = hexval((unsigned char)h[i + 1]);
            if (hi < 0 || lo < 0)
                return fail(p, "%s: invalid hex digit at position %zu", what,
                            i + 3 + (hi < 0 ? 0 : 1));
            out[k++] = (uint8_t)(hi << 4 | lo);
        }
        return (int)k;
    }
    if (n > cap)
        return fail(p, "%s is too long (%zu bytes, at most %zu)", what, n, cap);
    memcpy(out, s, n);
    return (int)n;
}

/* Bare hex of a UAT hex field (no 0x expected but tolerated). */
static int uat_hex(pctx *p, const char *what, const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        n -= 2, s += 2;
    if (n % 2)
        return fail(p, "%s has an odd number of hex digits (%zu)", what, n);
    if (n / 2 > cap)
        return fail(p, "%s is too long (%zu bytes, at most %zu)", what, n / 2, cap);
    int r = vsa_parse_hex(s, n, out, cap);
    if (r < 0)
        return fail(p, "%s is not hexadecimal", what);
    return r;
}

/* Split a UAT record into fields (modifies line). Quoted fields keep their
 * unescaped content; bare fields are trimmed. */
#define UAT_MAX_FIELDS 12
static int uat_split(pctx *p, char *line, char **f, int max)
{
    int n = 0;
    char *s = line;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (n == max)
            return fail(p, "too many fields (more than %d)", max);
        if (*s == '"') {
            char *w = ++s;
            f[n++] = w;
            for (;;) {
                if (*s == '\0')
                    return fail(p, "unterminated quoted field %d", n);
                if (*s == '"') {
                    s++;
                    break;
                }
                if (*s == '\\') {
                    s++;
                    if (*s == 'x' && hexval((unsigned char)s[1]) >= 0 &&
                        hexval((unsigned char)s[2]) >= 0) {
                        *w++ = (char)(hexval((unsigned char)s[1]) << 4 | hexval((unsigned char)s[2]));
                        s += 3;
                        continue;
                    }
                    if (*s == '\0')
                        return fail(p, "unterminated quoted field %d", n);
                }
                *w++ = *s++;
            }
            *w = '\0';
            while (*s == ' ' || *s == '\t')
                s++;
            if (*s == ',') {
                *s++ = '\0';
                continue;
            }
            if (*s == '\0')
                break;
            return fail(p, "unexpected character '%c' after quoted field %d", *s, n);
        }
        f[n++] = s;
        char *c = strchr(s, ',');
        char *end = c ? c : s + strlen(s);
        char *t = end;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if (!c) {
            *t = '\0';
            break;
        }
        *t = '\0';
        s = c + 1;
    }
    return n;
}

/* Normalise an algorithm name for comparison: lower case, without the
 * trailing " [RFC...]" reference. */
static void alg_norm(const char *in, char *out, size_t cap)
{
    size_t k = 0;
    for (; *in && k + 1 < cap; in++) {
        if (*in == '[')
            break;
        out[k++] = (char)tolower((unsigned char)*in);
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
}

/* ------------------------------------------------------------------ */
/* addresses and SPIs */

static int nibble_pat(const char *s, size_t n, uint8_t *val, uint8_t *mask, size_t nibbles)
{
    /* s: hex digits or '*' (per nibble), right-aligned into nibbles */
    if (n > nibbles)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t pos = nibbles - n + i;
        uint8_t sh = (pos % 2) ? 0 : 4;
        if (s[i] == '*')
            continue;
        int v = hexval((unsigned char)s[i]);
        if (v < 0)
            return -1;
        val[pos / 2] |= (uint8_t)(v << sh);
        mask[pos / 2] |= (uint8_t)(0xf << sh);
    }
    for (size_t pos = 0; pos < nibbles - n; pos++)
        mask[pos / 2] |= (uint8_t)(0xf << ((pos % 2) ? 0 : 4)); /* leading zeros */
    return 0;
}

static void apply_prefix(vsa_addr_pat *a, unsigned bits)
{
    unsigned total = a->af == 4 ? 32 : 128;
    for (unsigned b = bits; b < total; b++)
        a->mask[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
    for (unsigned i = 0; i < 16; i++)
        a->addr[i] &= a->mask[i];
}

static int parse_addr_pat(pctx *p, const char *what, const char *in, int af, vsa_addr_pat *a)
{
    memset(a, 0, sizeof *a);
    a->af = (uint8_t)af;
    char buf[128];
    size_t n = strlen(in);
    if (n == 0)
        return fail(p, "%s is empty (use \"*\" for any address)", what);
    if (n >= sizeof buf)
        return fail(p, "%s is too long", what);
    memcpy(buf, in, n + 1);
    unsigned prefix = af == 4 ? 32 : 128;
    char *slash = strchr(buf, '/');
    if (slash) {
        char *e;
        errno = 0;
        unsigned long v = strtoul(slash + 1, &e, 10);
        if (e == slash + 1 || *e || v > prefix)
            return fail(p, "%s has a bad prefix length \"%s\"", what, slash + 1);
        prefix = (unsigned)v;
        *slash = '\0';
    }
    if (strcmp(buf, "*") == 0)
        return 0; /* mask all zero: any */
    if (af == 4) {
        /* dotted quad; an octet may be '*' */
        char *s = buf;
        for (int i = 0; i < 4; i++) {
            char *dot = strchr(s, '.');
            if ((i < 3) != (dot != NULL))
                return fail(p, "%s \"%s\" is not an IPv4 address", what, in);
            if (dot)
                *dot = '\0';
            if (strcmp(s, "*") != 0) {
                char *e;
                unsigned long v = strtoul(s, &e, 10);
                if (e == s || *e || v > 255)
                    return fail(p, "%s \"%s\" is not an IPv4 address", what, in);
                a->addr[i] = (uint8_t)v;
                a->mask[i] = 0xff;
            }
            s = dot ? dot + 1 : s;
        }
    } else {
        if (strchr(buf, '*') == NULL) {
            if (inet_pton(AF_INET6, buf, a->addr) != 1)
                return fail(p, "%s \"%s\" is not an IPv6 address", what, in);
            memset(a->mask, 0xff, 16);
        } else {
            /* hextets with '*' nibbles: expand "::" by hand */
            char *groups[8];
            int ng = 0, dbl = -1;
            char *s = buf;
            if (s[0] == ':' && s[1] == ':') {
                dbl = 0;
                s += 2;
            }
            while (*s) {
                char *c = strchr(s, ':');
                if (ng == 8)
                    return fail(p, "%s \"%s\" is not an IPv6 address", what, in);
                groups[ng++] = s;
                if (!c)
                    break;
                *c = '\0';
                s = c + 1;
                if (*s == ':') {
                    if (dbl >= 0)
                        return fail(p, "%s \"%s\" is not an IPv6 address", what, in);
                    dbl = ng;
                    s++;
                }
            }
            if ((dbl < 0 && ng != 8) || ng > 8)
                return fail(p, "%s \"%s\" is not an IPv6 address", what, in);
            int gi = 0;
            for (int slot = 0; slot < 8; slot++) {
                int missing = 8 - ng;
                if (dbl >= 0 && slot >= dbl && slot < dbl + missing) {
                    a->mask[2 * slot] = a->mask[2 * slot + 1] = 0xff;
                    continue;
                }
                const char *g = groups[gi++];
                size_t gl = strlen(g);
                if (gl == 0 || gl > 4)
                    return fail(p, "%s \"%s\" is not an IPv6 address", what, in);
                if (strcmp(g, "*") == 0)
                    continue;
                if (nibble_pat(g, gl, a->addr + 2 * slot, a->mask + 2 * slot, 4) < 0)
                    return fail(p, "%s \"%s\" is not an IPv6 address", what, in);
            }
        }
    }
    apply_prefix(a, prefix);
    return 0;
}

static int parse_spi_pat(pctx *p, const char *s, uint32_t *spi, uint32_t *mask)
{
    if (strcmp(s, "*") == 0) {
        *spi = 0;
        *mask = 0;
        return 0;
    }
    if (strchr(s, '*')) {
        /* Wireshark compares against "0x%08x" character by character */
        if (strlen(s) != 10 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
            return fail(p, "SPI \"%s\": a wildcard SPI must be written 0x followed by 8 hex digits or '*'", s);
        uint8_t v[4] = {0}, m[4] = {0};
        if (nibble_pat(s + 2, 8, v, m, 8) < 0)
            return fail(p, "SPI \"%s\" is not hexadecimal", s);
        *spi = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
        *mask = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
        return 0;
    }
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 0);
    if (e == s || *e || errno || v > 0xffffffffull)
        return fail(p, "SPI \"%s\" is not a 32-bit number", s);
    *spi = (uint32_t)v;
    *mask = 0xffffffffu;
    return 0;
}

/* ------------------------------------------------------------------ */
/* algorithm tables */

typedef struct esp_enc_name {
    const char *name; /* normalised */
    vsa_enc enc;
    uint8_t icv;
} esp_enc_name;

static const esp_enc_name esp_enc_names[] = {
    {"null", VSA_ENC_NULL, 0},
    {"tripledes-cbc", VSA_ENC_3DES_CBC, 0},
    {"aes-cbc", VSA_ENC_AES_CBC, 0},
    {"aes-ctr", VSA_ENC_AES_CTR, 0},
    {"des-cbc", VSA_ENC_DES_CBC, 0},
    {"cast5-cbc", VSA_ENC_UNSUPPORTED, 0},
    {"blowfish-cbc", VSA_ENC_UNSUPPORTED, 0},
    {"twofish-cbc", VSA_ENC_UNSUPPORTED, 0},
    /* deprecated entry without an ICV length: Wireshark uses 16 bytes */
    {"aes-gcm", VSA_ENC_AES_GCM, 16},
    {"aes-gcm with 8 octet icv", VSA_ENC_AES_GCM, 8},
    {"aes-gcm with 12 octet icv", VSA_ENC_AES_GCM, 12},
    {"aes-gcm with 16 octet icv", VSA_ENC_AES_GCM, 16},
    {"aes-gcm with iiv and 16 octet icv", VSA_ENC_UNSUPPORTED, 16},
    {"chacha20 with poly1305", VSA_ENC_CHACHA20_POLY1305, 16},
    {"chacha20 with poly1305 and iiv", VSA_ENC_UNSUPPORTED, 16},
    {NULL, 0, 0}};

typedef struct integ_name {
    const char *name;
    vsa_integ integ;
    uint8_t icv;
} integ_name;

static const integ_name esp_integ_names[] = {
    {"null", VSA_INTEG_NONE, 0},
    {"hmac-sha-1-96", VSA_INTEG_HMAC_SHA1_96, 12},
    {"hmac-sha-256-96", VSA_INTEG_HMAC_SHA256_96, 12},
    {"hmac-sha-256-128", VSA_INTEG_HMAC_SHA256_128, 16},
    {"hmac-sha-384-192", VSA_INTEG_HMAC_SHA384_192, 24},
    {"hmac-sha-512-256", VSA_INTEG_HMAC_SHA512_256, 32},
    {"hmac-md5-96", VSA_INTEG_HMAC_MD5_96, 12},
    {"mac-ripemd-160-96", VSA_INTEG_UNSUPPORTED, 12},
    {"aes-xcbc-mac-96", VSA_INTEG_AES_XCBC_96, 12},
    {"any 64 bit authentication", VSA_INTEG_ANY, 8},
    {"any 96 bit authentication", VSA_INTEG_ANY, 12},
    {"any 128 bit authentication", VSA_INTEG_ANY, 16},
    {"any 192 bit authentication", VSA_INTEG_ANY, 24},
    {"any 256 bit authentication", VSA_INTEG_ANY, 32},
    {NULL, 0, 0}};

/* Check the key length for an ESP encryption transform (with salt). */
static int check_enc_key(pctx *p, vsa_enc enc, unsigned len)
{
    switch (enc) {
    case VSA_ENC_NULL:
        return 0;
    case VSA_ENC_DES_CBC:
        if (len != 8)
            return fail(p, "DES-CBC needs an 8-byte key, this one has %u bytes", len);
        return 0;
    case VSA_ENC_3DES_CBC:
        if (len != 24)
            return fail(p, "3DES-CBC needs a 24-byte key, this one has %u bytes", len);
        return 0;
    case VSA_ENC_AES_CBC:
        if (len != 16 && len != 24 && len != 32)
            return fail(p, "AES-CBC needs a 16, 24 or 32-byte key, this one has %u bytes", len);
        return 0;
    case VSA_ENC_AES_CTR:
    case VSA_ENC_AES_GCM:
        if (len != 20 && len != 28 && len != 36)
            return fail(p,
                        "%s needs a 16, 24 or 32-byte key followed by a 4-byte salt "
                        "(20, 28 or 36 bytes), this one has %u bytes",
                        enc == VSA_ENC_AES_CTR ? "AES-CTR" : "AES-GCM", len);
        return 0;
    case VSA_ENC_AES_CCM:
        if (len != 19 && len != 27 && len != 35)
            return fail(p, "AES-CCM needs a 16, 24 or 32-byte key followed by a 3-byte salt, "
                           "this one has %u bytes", len);
        return 0;
    case VSA_ENC_CHACHA20_POLY1305:
        if (len != 36)
            return fail(p, "ChaCha20-Poly1305 needs a 32-byte key followed by a 4-byte salt "
                           "(36 bytes), this one has %u bytes", len);
        return 0;
    case VSA_ENC_UNSUPPORTED:
        return 0;
    }
    return 0;
}

static int check_auth_key(pctx *p, vsa_integ integ, unsigned len)
{
    switch (integ) {
    case VSA_INTEG_NONE:
    case VSA_INTEG_ANY:
    case VSA_INTEG_UNSUPPORTED:
        return 0;
    case VSA_INTEG_AES_XCBC_96:
        if (len != 16)
            return fail(p, "AES-XCBC-MAC-96 needs a 16-byte key, this one has %u bytes", len);
        return 0;
    default:
        if (len == 0)
            return fail(p, "the authentication key is empty");
        return 0;
    }
}

/* ------------------------------------------------------------------ */
/* esp_sa */

static int parse_esp_sa_line(vsa_keys *k, pctx *p, char *line)
{
    char *f[UAT_MAX_FIELDS];
    int n = uat_split(p, line, f, UAT_MAX_FIELDS);
    if (n < 0)
        return -1;
    if (n != 8)
        return fail(p, "esp_sa record has %d fields, expected 8 "
                       "(protocol, source, destination, SPI, encryption, key, authentication, key)", n);
    int af;
    if (strcasecmp(f[0], "IPv4") == 0)
        af = 4;
    else if (strcasecmp(f[0], "IPv6") == 0)
        af = 6;
    else if (strcasecmp(f[0], "Any") == 0 || strcmp(f[0], "*") == 0)
        af = 0;
    else
        return fail(p, "protocol \"%s\" is neither IPv4 nor IPv6", f[0]);
    vsa_esp_sa sa;
    memset(&sa, 0, sizeof sa);
    if (af == 0) {
        if (strcmp(f[1], "*") || strcmp(f[2], "*"))
            return fail(p, "protocol Any needs \"*\" addresses");
    } else {
        if (parse_addr_pat(p, "source address", f[1], af, &sa.src) < 0 ||
            parse_addr_pat(p, "destination address", f[2], af, &sa.dst) < 0)
            return -1;
    }
    if (parse_spi_pat(p, f[3], &sa.spi, &sa.spi_mask) < 0)
        return -1;
    char norm[96];
    alg_norm(f[4], norm, sizeof norm);
    const esp_enc_name *en = esp_enc_names;
    while (en->name && strcmp(en->name, norm) != 0)
        en++;
    if (!en->name)
        return fail(p, "unknown encryption algorithm \"%s\"", f[4]);
    sa.enc = en->enc;
    int kl = ws_key(p, "encryption key", f[5], sa.enc_key, sizeof sa.enc_key);
    if (kl < 0)
        return -1;
    sa.enc_key_len = (uint8_t)kl;
    if (check_enc_key(p, sa.enc, (unsigned)kl) < 0)
        return -1;
    alg_norm(f[6], norm, sizeof norm);
    const integ_name *in = esp_integ_names;
    while (in->name && strcmp(in->name, norm) != 0)
        in++;
    if (!in->name)
        return fail(p, "unknown authentication algorithm \"%s\"", f[6]);
    sa.integ = in->integ;
    int al = ws_key(p, "authentication key", f[7], sa.auth_key, sizeof sa.auth_key);
    if (al < 0)
        return -1;
    sa.auth_key_len = (uint8_t)al;
    if (check_auth_key(p, sa.integ, (unsigned)al) < 0)
        return -1;
    if (vsa_enc_is_aead(sa.enc)) {
        if (sa.integ != VSA_INTEG_NONE)
            return fail(p, "%s is a combined-mode cipher: its authentication algorithm must be NULL",
                        f[4]);
        sa.icv_len = en->icv;
    } else {
        sa.icv_len = in->icv;
    }
    if (af == 0) {
        sa.src.af = sa.dst.af = 0;
    }
    set_origin(sa.origin, p);
    *new_esp(k) = sa;
    return 1;
}

/* ------------------------------------------------------------------ */
/* IKEv1 / IKEv2 tables */

/* An 8-byte ISAKMP cookie in hex; 0, or -1 after a message naming it. */
static int uat_cookie(pctx *p, const char *what, const char *hex, uint8_t out[8])
{
    int r = uat_hex(p, what, hex, out, 8);
    if (r < 0)
        return -1;
    if (r != 8)
        return fail(p, "%s must be 8 bytes (16 hex digits), it has %d", what, r);
    return 0;
}

static int parse_ikev1_line(vsa_keys *k, pctx *p, char *line)
{
    char *f[UAT_MAX_FIELDS];
    int n = uat_split(p, line, f, UAT_MAX_FIELDS);
    if (n < 0)
        return -1;
    if (n != 2)
        return fail(p, "ikev1_decryption_table record has %d fields, expected 2 "
                       "(initiator cookie, encryption key)", n);
    vsa_ike1_key e;
    memset(&e, 0, sizeof e);
    if (uat_cookie(p, "initiator cookie", f[0], e.icookie) < 0)
        return -1;
    int r;
    r = uat_hex(p, "encryption key", f[1], e.key, sizeof e.key);
    if (r < 0)
        return -1;
    if (r == 0)
        return fail(p, "encryption key is empty");
    e.key_len = (uint8_t)r;
    set_origin(e.origin, p);
    k->ike1 = grow(k->ike1, &k->cap_ike1, k->n_ike1, sizeof *k->ike1);
    k->ike1[k->n_ike1++] = e;
    return 1;
}

/* ikev1_skeyid: initiator cookie, responder cookie, SKEYID_d, SKEYID_a,
 * encryption key (the format of the crafted samples; a strongSwan log at
 * level 4 or an IOS debug shows these values). */
static int parse_ikev1_skeyid_line(vsa_keys *k, pctx *p, char *line)
{
    char *f[UAT_MAX_FIELDS];
    int n = uat_split(p, line, f, UAT_MAX_FIELDS);
    if (n < 0)
        return -1;
    if (n != 5)
        return fail(p, "ikev1_skeyid record has %d fields, expected 5 "
                       "(initiator cookie, responder cookie, SKEYID_d, SKEYID_a, encryption key)", n);
    vsa_ike1_key e;
    memset(&e, 0, sizeof e);
    if (uat_cookie(p, "initiator cookie", f[0], e.icookie) < 0)
        return -1;
    int r;
    if (uat_cookie(p, "responder cookie", f[1], e.rcookie) < 0)
        return -1;
    r = uat_hex(p, "SKEYID_d", f[2], e.skeyid_d, sizeof e.skeyid_d);
    if (r < 0)
        return -1;
    if (r == 0)
        return fail(p, "SKEYID_d is empty");
    e.skeyid_d_len = (uint8_t)r;
    r = uat_hex(p, "SKEYID_a", f[3], e.skeyid_a, sizeof e.skeyid_a);
    if (r < 0)
        return -1;
    e.skeyid_a_len = (uint8_t)r;
    r = uat_hex(p, "encryption key", f[4], e.key, sizeof e.key);
    if (r < 0)
        return -1;
    if (r == 0)
        return fail(p, "encryption key is empty");
    e.key_len = (uint8_t)r;
    e.have_skeyid = true;
    set_origin(e.origin, p);
    k->ike1 = grow(k->ike1, &k->cap_ike1, k->n_ike1, sizeof *k->ike1);
    k->ike1[k->n_ike1++] = e;
    return 1;
}

typedef struct ike2_enc_name {
    const char *name;
    vsa_enc enc;
    uint16_t bits;
    uint8_t icv;
} ike2_enc_name;

static const ike2_enc_name ike2_enc_names[] = {
    {"3des", VSA_ENC_3DES_CBC, 192, 0},
    {"aes-cbc-128", VSA_ENC_AES_CBC, 128, 0},
    {"aes-cbc-192", VSA_ENC_AES_CBC, 192, 0},
    {"aes-cbc-256", VSA_ENC_AES_CBC, 256, 0},
    {"null", VSA_ENC_NULL, 0, 0},
    {"aes-ctr-128", VSA_ENC_AES_CTR, 128, 0},
    {"aes-ctr-192", VSA_ENC_AES_CTR, 192, 0},
    {"aes-ctr-256", VSA_ENC_AES_CTR, 256, 0},
    {"aes-gcm-128 with 16 octet icv", VSA_ENC_AES_GCM, 128, 16},
    {"aes-gcm-192 with 16 octet icv", VSA_ENC_AES_GCM, 192, 16},
    {"aes-gcm-256 with 16 octet icv", VSA_ENC_AES_GCM, 256, 16},
    {"aes-gcm-128 with 8 octet icv", VSA_ENC_AES_GCM, 128, 8},
    {"aes-gcm-192 with 8 octet icv", VSA_ENC_AES_GCM, 192, 8},
    {"aes-gcm-256 with 8 octet icv", VSA_ENC_AES_GCM, 256, 8},
    {"aes-gcm-128 with 12 octet icv", VSA_ENC_AES_GCM, 128, 12},
    {"aes-gcm-192 with 12 octet icv", VSA_ENC_AES_GCM, 192, 12},
    {"aes-gcm-256 with 12 octet icv", VSA_ENC_AES_GCM, 256, 12},
    {"aes-ccm-128 with 16 octet icv", VSA_ENC_AES_CCM, 128, 16},
    {"aes-ccm-192 with 16 octet icv", VSA_ENC_AES_CCM, 192, 16},
    {"aes-ccm-256 with 16 octet icv", VSA_ENC_AES_CCM, 256, 16},
    {"aes-ccm-128 with 8 octet icv", VSA_ENC_AES_CCM, 128, 8},
    {"aes-ccm-192 with 8 octet icv", VSA_ENC_AES_CCM, 192, 8},
    {"aes-ccm-256 with 8 octet icv", VSA_ENC_AES_CCM, 256, 8},
    {"aes-ccm-128 with 12 octet icv", VSA_ENC_AES_CCM, 128, 12},
    {"aes-ccm-192 with 12 octet icv", VSA_ENC_AES_CCM, 192, 12},
    {"aes-ccm-256 with 12 octet icv", VSA_ENC_AES_CCM, 256, 12},
    /* Not in Wireshark 4.0's table (it has no RFC 7634 entry): vpnscope's own
     * name, key = 32 bytes + 4-byte salt as for the other AEADs. */
    {"chacha20-poly1305", VSA_ENC_CHACHA20_POLY1305, 256, 16},
    {NULL, 0, 0, 0}};

static const integ_name ike2_integ_names[] = {
    {"hmac_md5_96", VSA_INTEG_HMAC_MD5_96, 12},
    {"hmac_sha1_96", VSA_INTEG_HMAC_SHA1_96, 12},
    {"hmac_md5_128", VSA_INTEG_UNSUPPORTED, 16},
    {"hmac_sha1_160", VSA_INTEG_UNSUPPORTED, 20},
    {"hmac_sha2_256_96", VSA_INTEG_HMAC_SHA256_96, 12},
    {"hmac_sha2_256_128", VSA_INTEG_HMAC_SHA256_128, 16},
    {"hmac_sha2_384_192", VSA_INTEG_HMAC_SHA384_192, 24},
    {"hmac_sha2_512_256", VSA_INTEG_HMAC_SHA512_256, 32},
    {"none", VSA_INTEG_NONE, 0},
    {"any 64-bits of authentication", VSA_INTEG_ANY, 8},
    {"any 96-bits of authentication", VSA_INTEG_ANY, 12},
    {"any 128-bits of authentication", VSA_INTEG_ANY, 16},
    {"any 160-bits of authentication", VSA_INTEG_ANY, 20},
    {"any 192-bits of authentication", VSA_INTEG_ANY, 24},
    {"any 256-bits of authentication", VSA_INTEG_ANY, 32},
    {NULL, 0, 0}};

static int parse_ikev2_line(vsa_keys *k, pctx *p, char *line)
{
    char *f[UAT_MAX_FIELDS];
    int n = uat_split(p, line, f, UAT_MAX_FIELDS);
    if (n < 0)
        return -1;
    if (n != 8)
        return fail(p, "ikev2_decryption_table record has %d fields, expected 8 "
                       "(SPIi, SPIr, SK_ei, SK_er, encryption, SK_ai, SK_ar, integrity)", n);
    vsa_ike2_key e;
    memset(&e, 0, sizeof e);
    int r = uat_hex(p, "initiator SPI", f[0], e.spi_i, 8);
    if (r >= 0 && r != 8)
        return fail(p, "initiator SPI must be 8 bytes (16 hex digits), it has %d", r);
    if (r < 0)
        return -1;
    r = uat_hex(p, "responder SPI", f[1], e.spi_r, 8);
    if (r >= 0 && r != 8)
        return fail(p, "responder SPI must be 8 bytes (16 hex digits), it has %d", r);
    if (r < 0)
        return -1;
    char norm[96];
    alg_norm(f[4], norm, sizeof norm);
    const ike2_enc_name *en = ike2_enc_names;
    while (en->name && strcmp(en->name, norm) != 0)
        en++;
    if (!en->name)
        return fail(p, "unknown IKEv2 encryption algorithm \"%s\"", f[4]);
    e.enc = en->enc;
    e.enc_key_bits = en->bits;
    e.icv_len = en->icv;
    int ei = uat_hex(p, "SK_ei", f[2], e.sk_ei, sizeof e.sk_ei);
    if (ei < 0)
        return -1;
    int er = uat_hex(p, "SK_er", f[3], e.sk_er, sizeof e.sk_er);
    if (er < 0)
        return -1;
    unsigned salt = e.enc == VSA_ENC_AES_CCM ? 3
                    : (e.enc == VSA_ENC_AES_CTR || e.enc == VSA_ENC_AES_GCM ||
                       e.enc == VSA_ENC_CHACHA20_POLY1305)
                        ? 4
                        : 0;
    unsigned want = e.enc_key_bits / 8 + salt;
    if ((unsigned)ei != want || (unsigned)er != want)
        return fail(p, "%s needs %u-byte SK_ei and SK_er, they have %d and %d bytes", f[4], want,
                    ei, er);
    e.sk_e_len = (uint8_t)ei;
    alg_norm(f[7], norm, sizeof norm);
    const integ_name *in = ike2_integ_names;
    while (in->name && strcmp(in->name, norm) != 0)
        in++;
    if (!in->name)
        return fail(p, "unknown IKEv2 integrity algorithm \"%s\"", f[7]);
    e.integ = in->integ;
    int ai = uat_hex(p, "SK_ai", f[5], e.sk_ai, sizeof e.sk_ai);
    if (ai < 0)
        return -1;
    int ar = uat_hex(p, "SK_ar", f[6], e.sk_ar, sizeof e.sk_ar);
    if (ar < 0)
        return -1;
    if (ai != ar)
        return fail(p, "SK_ai and SK_ar differ in length (%d and %d bytes)", ai, ar);
    if (check_auth_key(p, e.integ, (unsigned)ai) < 0)
        return -1;
    if (vsa_enc_is_aead(e.enc) && e.integ != VSA_INTEG_NONE)
        return fail(p, "%s is a combined-mode cipher: integrity must be NONE", f[4]);
    if (!vsa_enc_is_aead(e.enc))
        e.icv_len = in->icv;
    e.sk_a_len = (uint8_t)ai;
    set_origin(e.origin, p);
    k->ike2 = grow(k->ike2, &k->cap_ike2, k->n_ike2, sizeof *k->ike2);
    k->ike2[k->n_ike2++] = e;
    return 1;
}

/* ------------------------------------------------------------------ */
/* tcpdump -E */

static int tcpdump_one(vsa_keys *k, pctx *p, char *spec)
{
    while (*spec == ' ' || *spec == '\t')
        spec++;
    char *sp = spec;
    while (*sp && *sp != ' ' && *sp != '\t')
        sp++;
    vsa_esp_sa sa;
    memset(&sa, 0, sizeof sa);
    char *decode;
    if (*sp) {
        /* "spi@addr algo:secret" */
        *sp = '\0';
        decode = sp + 1;
        while (*decode == ' ' || *decode == '\t')
            decode++;
        char *at = strchr(spec, '@');
        if (!at)
            return fail(p, "\"%s\" is not of the form spi@address", spec);
        *at = '\0';
        char *e;
        errno = 0;
        unsigned long long v = strtoull(spec, &e, 0);
        if (e == spec || *e || errno || v > 0xffffffffull)
            return fail(p, "SPI \"%s\" is not a 32-bit number", spec);
        sa.spi = (uint32_t)v;
        sa.spi_mask = 0xffffffffu;
        const char *addr = at + 1;
        int af = strchr(addr, ':') ? 6 : 4;
        if (parse_addr_pat(p, "destination address", addr, af, &sa.dst) < 0)
            return -1;
        sa.src.af = (uint8_t)af; /* any source */
    } else {
        /* "algo:secret" alone: any SA (tcpdump's default secret) */
        decode = spec;
    }
    char *colon = strchr(decode, ':');
    if (!colon)
        return fail(p, "\"%s\" is not of the form algorithm:secret", decode);
    *colon = '\0';
    char algo[64];
    size_t al = strlen(decode);
    if (al >= sizeof algo)
        return fail(p, "algorithm name too long");
    for (size_t i = 0; i <= al; i++)
        algo[i] = (char)tolower((unsigned char)decode[i]);
    bool hmac96 = false;
    if (al > 7 && strcmp(algo + al - 7, "-hmac96") == 0) {
        hmac96 = true;
        algo[al -= 7] = '\0';
    }
    if (al > 4 && strcmp(algo + al - 4, "-cbc") == 0)
        algo[al -= 4] = '\0';
    static const struct {
        const char *n;
        vsa_enc e;
        uint8_t len;
    } names[] = {{"des", VSA_ENC_DES_CBC, 8},       {"3des", VSA_ENC_3DES_CBC, 24},
                 {"des3", VSA_ENC_3DES_CBC, 24},    {"des-ede3", VSA_ENC_3DES_CBC, 24},
                 {"aes128", VSA_ENC_AES_CBC, 16},   {"aes192", VSA_ENC_AES_CBC, 24},
                 {"aes256", VSA_ENC_AES_CBC, 32},   {"aes-128", VSA_ENC_AES_CBC, 16},
                 {"aes-192", VSA_ENC_AES_CBC, 24},  {"aes-256", VSA_ENC_AES_CBC, 32},
                 {"none", VSA_ENC_NULL, 0},         {"null", VSA_ENC_NULL, 0},
                 {"blowfish", VSA_ENC_UNSUPPORTED, 0}, {"bf", VSA_ENC_UNSUPPORTED, 0},
                 {"cast128", VSA_ENC_UNSUPPORTED, 0}, {"cast", VSA_ENC_UNSUPPORTED, 0},
                 {"rc3", VSA_ENC_UNSUPPORTED, 0},   {NULL, 0, 0}};
    int i = 0;
    while (names[i].n && strcmp(names[i].n, algo) != 0)
        i++;
    if (!names[i].n)
        return fail(p, "unknown tcpdump algorithm \"%s\"", decode);
    sa.enc = names[i].e;
    const char *secret = colon + 1;
    int kl;
    if (secret[0] == '0' && (secret[1] == 'x' || secret[1] == 'X')) {
        kl = vsa_parse_hex(secret, strlen(secret), sa.enc_key, sizeof sa.enc_key);
        if (kl < 0)
            return fail(p, "secret is not an even number of hex digits (at most %zu bytes)",
                        sizeof sa.enc_key);
    } else {
        size_t sl = strlen(secret);
        if (sl > sizeof sa.enc_key)
            return fail(p, "secret is too long");
        memcpy(sa.enc_key, secret, sl);
        kl = (int)sl;
    }
    if (sa.enc != VSA_ENC_UNSUPPORTED && sa.enc != VSA_ENC_NULL && kl != names[i].len)
        return fail(p, "%s needs a %u-byte secret, this one has %d bytes", algo, names[i].len, kl);
    sa.enc_key_len = (uint8_t)kl;
    sa.integ = hmac96 ? VSA_INTEG_ANY : VSA_INTEG_NONE;
    sa.icv_len = hmac96 ? 12 : 0;
    set_origin(sa.origin, p);
    *new_esp(k) = sa;
    return 1;
}

int vsa_keys_add_tcpdump(vsa_keys *k, const char *name, unsigned line, const char *spec,
                         char *err, size_t errlen)
{
    pctx p = {name, line, err, errlen};
    char *dup = strdup(spec);
    if (!dup)
        return fail(&p, "out of memory");
    int added = 0;
    char *save = NULL;
    for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int r = tcpdump_one(k, &p, tok);
        if (r < 0) {
            free(dup);
            return -1;
        }
        added += r;
    }
    free(dup);
    if (added == 0)
        return fail(&p, "no secret given");
    return added;
}

/* ------------------------------------------------------------------ */
/* ip xfrm state */

typedef struct xfrm_state {
    bool open, is_esp, have_spi, have_alg;
    vsa_esp_sa sa;
    unsigned start_line;
} xfrm_state;

static int xfrm_finish(vsa_keys *k, pctx *p, xfrm_state *x)
{
    if (!x->open)
        return 0;
    x->open = false;
    if (!x->is_esp)
        return 0; /* AH / IPcomp states carry no ESP key */
    unsigned save = p->line;
    p->line = x->start_line;
    if (!x->have_spi) {
        int r = fail(p, "xfrm state has no \"proto esp spi ...\" line");
        p->line = save;
        return r;
    }
    if (!x->have_alg) {
        int r = fail(p, "xfrm state for SPI 0x%08x has no enc or aead line", x->sa.spi);
        p->line = save;
        return r;
    }
    p->line = save;
    set_origin(x->sa.origin, &(pctx){p->name, x->start_line, NULL, 0});
    *new_esp(k) = x->sa;
    return 1;
}

static int xfrm_line(vsa_keys *k, pctx *p, char *line, bool indented, xfrm_state *x)
{
    char *tok[16];
    int nt = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t", &save); t && nt < 16; t = strtok_r(NULL, " \t", &save))
        tok[nt++] = t;
    if (nt == 0)
        return 0;
    if (!indented && strcmp(tok[0], "src") == 0) {
        int r = xfrm_finish(k, p, x);
        if (r < 0)
            return -1;
        memset(x, 0, sizeof *x);
        x->open = true;
        x->start_line = p->line;
        if (nt < 4 || strcmp(tok[2], "dst") != 0)
            return fail(p, "expected \"src ADDRESS dst ADDRESS\"");
        int af = strchr(tok[1], ':') ? 6 : 4;
        if (parse_addr_pat(p, "source address", tok[1], af, &x->sa.src) < 0 ||
            parse_addr_pat(p, "destination address", tok[3], af, &x->sa.dst) < 0)
            return -1;
        return r;
    }
    if (!x->open)
        return fail(p, "\"%s\" outside an xfrm state (expected a \"src ... dst ...\" line first)",
                    tok[0]);
    if (strcmp(tok[0], "proto") == 0) {
        x->is_esp = nt >= 2 && strcmp(tok[1], "esp") == 0;
        for (int i = 2; i + 1 < nt; i++)
            if (strcmp(tok[i], "spi") == 0) {
                char *e;
                errno = 0;
                unsigned long long v = strtoull(tok[i + 1], &e, 0);
                if (e == tok[i + 1] || *e || errno || v > 0xffffffffull)
                    return fail(p, "SPI \"%s\" is not a 32-bit number", tok[i + 1]);
                x->sa.spi = (uint32_t)v;
                x->sa.spi_mask = 0xffffffffu;
                x->have_spi = true;
            }
        return 0;
    }
    for (int i = 0; i < nt; i++)
        if (strcmp(tok[i], "flag") == 0)
            for (int j = i + 1; j < nt; j++)
                if (strcmp(tok[j], "esn") == 0)
                    x->sa.esn = true;
    if (strcmp(tok[0], "enc") == 0 || strcmp(tok[0], "aead") == 0) {
        if (nt < 2)
            return fail(p, "%s line without an algorithm", tok[0]);
        const char *alg = tok[1];
        const char *key = nt >= 3 ? tok[2] : "0x";
        vsa_enc enc;
        uint8_t icv = 0;
        if (strcmp(alg, "cbc(aes)") == 0)
            enc = VSA_ENC_AES_CBC;
        else if (strcmp(alg, "cbc(des3_ede)") == 0)
            enc = VSA_ENC_3DES_CBC;
        else if (strcmp(alg, "cbc(des)") == 0)
            enc = VSA_ENC_DES_CBC;
        else if (strcmp(alg, "rfc3686(ctr(aes))") == 0)
            enc = VSA_ENC_AES_CTR;
        else if (strcmp(alg, "ecb(cipher_null)") == 0 || strcmp(alg, "cipher_null") == 0)
            enc = VSA_ENC_NULL;
        else if (strcmp(alg, "rfc4106(gcm(aes))") == 0)
            enc = VSA_ENC_AES_GCM;
        else if (strcmp(alg, "rfc7539esp(chacha20,poly1305)") == 0)
            enc = VSA_ENC_CHACHA20_POLY1305, icv = 16;
        else
            return fail(p, "unsupported xfrm algorithm \"%s\"", alg);
        if (enc == VSA_ENC_AES_GCM) {
            if (nt < 4)
                return fail(p, "aead line without an ICV length in bits");
            unsigned long bits = strtoul(tok[3], NULL, 10);
            if (bits != 64 && bits != 96 && bits != 128)
                return fail(p, "AES-GCM ICV length must be 64, 96 or 128 bits, not \"%s\"", tok[3]);
            icv = (uint8_t)(bits / 8);
        }
        int kl = strcmp(key, "0x") == 0 ? 0 : vsa_parse_hex(key, strlen(key), x->sa.enc_key, sizeof x->sa.enc_key);
        if (kl < 0)
            return fail(p, "%s key is not an even number of hex digits", tok[0]);
        if (check_enc_key(p, enc, (unsigned)kl) < 0)
            return -1;
        x->sa.enc = enc;
        x->sa.enc_key_len = (uint8_t)kl;
        if (vsa_enc_is_aead(enc))
            x->sa.icv_len = icv;
        x->have_alg = true;
        return 0;
    }
    if (strcmp(tok[0], "auth") == 0 || strcmp(tok[0], "auth-trunc") == 0) {
        if (nt < 3)
            return fail(p, "%s line needs an algorithm and a key", tok[0]);
        const char *alg = tok[1];
        vsa_integ integ;
        unsigned full;
        if (strcmp(alg, "hmac(md5)") == 0)
            integ = VSA_INTEG_HMAC_MD5_96, full = 96;
        else if (strcmp(alg, "hmac(sha1)") == 0)
            integ = VSA_INTEG_HMAC_SHA1_96, full = 96;
        else if (strcmp(alg, "hmac(sha256)") == 0)
            integ = VSA_INTEG_HMAC_SHA256_128, full = 128;
        else if (strcmp(alg, "hmac(sha384)") == 0)
            integ = VSA_INTEG_HMAC_SHA384_192, full = 192;
        else if (strcmp(alg, "hmac(sha512)") == 0)
            integ = VSA_INTEG_HMAC_SHA512_256, full = 256;
        else if (strcmp(alg, "xcbc(aes)") == 0)
            integ = VSA_INTEG_AES_XCBC_96, full = 96;
        else
            return fail(p, "unsupported xfrm integrity algorithm \"%s\"", alg);
        unsigned bits = full;
        if (strcmp(tok[0], "auth-trunc") == 0) {
            if (nt < 4)
                return fail(p, "auth-trunc line without a truncation length");
            bits = (unsigned)strtoul(tok[3], NULL, 10);
        }
        if (integ == VSA_INTEG_HMAC_SHA256_128 && bits == 96)
            integ = VSA_INTEG_HMAC_SHA256_96;
        else if (bits != full)
            return fail(p, "%s truncated to %u bits is not a standard ESP transform", alg, bits);
        int kl = vsa_parse_hex(tok[2], strlen(tok[2]), x->sa.auth_key, sizeof x->sa.auth_key);
        if (kl < 0)
            return fail(p, "%s key is not an even number of hex digits", tok[0]);
        if (check_auth_key(p, integ, (unsigned)kl) < 0)
            return -1;
        x->sa.integ = integ;
        x->sa.auth_key_len = (uint8_t)kl;
        x->sa.icv_len = (uint8_t)(bits / 8);
        return 0;
    }
    return 0; /* replay-window, sel, lastused, anti-replay context ...: not needed */
}

/* ------------------------------------------------------------------ */
/* driver */

static vsa_keyfmt detect(const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    if (strncmp(line, "src ", 4) == 0)
        return VSA_KF_XFRM;
    if (line[0] == '"')
        return VSA_KF_ESP_SA;
    /* hex cookie / SPI followed by ',' */
    size_t h = 0;
    while (isxdigit((unsigned char)line[h]))
        h++;
    if (h == 16 && line[h] == ',') {
        int commas = 0;
        for (const char *s = line; *s; s++)
            commas += *s == ',';
        if (commas == 4) {
            size_t h2 = 0;
            while (isxdigit((unsigned char)line[h + 1 + h2]))
                h2++;
            if (h2 == 16 && line[h + 1 + h2] == ',')
                return VSA_KF_IKEV1_SKEYID;
        }
        return commas >= 7 ? VSA_KF_IKEV2 : VSA_KF_IKEV1;
    }
    if (strchr(line, ':'))
        return VSA_KF_TCPDUMP;
    return VSA_KF_AUTO;
}

int vsa_keys_load_text(vsa_keys *k, const char *name, const char *text, vsa_keyfmt fmt,
                       char *err, size_t errlen)
{
    pctx p = {name, 0, err, errlen};
    int added = 0;
    xfrm_state x;
    memset(&x, 0, sizeof x);
    const char *s = text;
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        p.line++;
        if (len + 1 > cap) {
            cap = len + 1;
            char *nline = realloc(line, cap);
            if (!nline) {
                rc = fail(&p, "out of memory");
                goto out;
            }
            line = nline;
        }
        memcpy(line, s, len);
        line[len] = '\0';
        s = nl ? nl + 1 : s + len;
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (memchr(line, '\0', len) != NULL) {
            rc = fail(&p, "contains a NUL byte (binary file?)");
            goto out;
        }
        char *t = line;
        while (*t == ' ' || *t == '\t')
            t++;
        if (*t == '\0' || *t == '#')
            continue;
        if (fmt == VSA_KF_AUTO) {
            fmt = detect(t);
            if (fmt == VSA_KF_AUTO) {
                rc = fail(&p, "unrecognised key format (expected a Wireshark esp_sa, "
                              "ikev1/ikev2_decryption_table, ikev1_skeyid, tcpdump -E or ip xfrm "
                              "state line)");
                goto out;
            }
        }
        int r = 0;
        switch (fmt) {
        case VSA_KF_ESP_SA: r = parse_esp_sa_line(k, &p, t); break;
        case VSA_KF_IKEV1: r = parse_ikev1_line(k, &p, t); break;
        case VSA_KF_IKEV1_SKEYID: r = parse_ikev1_skeyid_line(k, &p, t); break;
        case VSA_KF_IKEV2: r = parse_ikev2_line(k, &p, t); break;
        case VSA_KF_TCPDUMP: {
            char *c = t;
            char *tmp = strdup(c);
            if (!tmp) {
                rc = fail(&p, "out of memory");
                goto out;
            }
            r = vsa_keys_add_tcpdump(k, name, p.line, tmp, err, errlen);
            free(tmp);
            break;
        }
        case VSA_KF_XFRM: r = xfrm_line(k, &p, line, t != line, &x); break;
        case VSA_KF_AUTO: break;
        }
        if (r < 0) {
            rc = -1;
            goto out;
        }
        added += r;
    }
    if (fmt == VSA_KF_XFRM) {
        int r = xfrm_finish(k, &p, &x);
        if (r < 0) {
            rc = -1;
            goto out;
        }
        added += r;
    }
    rc = added;
out:
    if (line) {
        memset(line, 0, cap);
        free(line);
    }
    memset(&x, 0, sizeof x);
    return rc;
}

int vsa_keys_load_file(vsa_keys *k, const char *path, vsa_keyfmt fmt, char *err, size_t errlen)
{
    if (fmt == VSA_KF_AUTO) {
        /* "FORMAT:PATH" names the format */
        for (int i = VSA_KF_ESP_SA; i <= VSA_KF_IKEV1_SKEYID; i++) {
            const char *nm = vsa_keyfmt_name((vsa_keyfmt)i);
            size_t l = strlen(nm);
            if (strncmp(path, nm, l) == 0 && path[l] == ':' && path[l + 1]) {
                fmt = (vsa_keyfmt)i;
                path += l + 1;
                break;
            }
        }
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open key file: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap) {
            if (cap > (64u << 20)) {
                fclose(f);
                free(buf);
                snprintf(err, errlen, "%s: key file larger than 64 MiB", path);
                return -1;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                fclose(f);
                free(buf);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
    }
    bool ioerr = ferror(f);
    fclose(f);
    if (ioerr) {
        free(buf);
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    buf[n] = '\0';
    int rc;
    if (strlen(buf) != n) {
        size_t at = strlen(buf);
        unsigned line = 1;
        for (size_t i = 0; i < at; i++)
            line += buf[i] == '\n';
        snprintf(err, errlen, "%s:%u: contains a NUL byte (binary file?)", path, line);
        rc = -1;
    } else {
        rc = vsa_keys_load_text(k, path, buf, fmt, err, errlen);
        if (rc == 0) {
            snprintf(err, errlen, "%s: no keys in this file", path);
            rc = -1;
        }
    }
    memset(buf, 0, n);
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lookups */

static bool addr_match(const vsa_addr_pat *pat, int af, const uint8_t *a)
{
    if (pat->af && pat->af != af)
        return false;
    unsigned n = af == 4 ? 4 : 16;
    for (unsigned i = 0; i < n; i++)
        if ((a[i] & pat->mask[i]) != pat->addr[i])
            return false;
    return true;
}

const vsa_esp_sa *vsa_keys_find_esp(const vsa_keys *k, int af, const uint8_t *src,
                                    const uint8_t *dst, uint32_t spi)
{
    for (size_t i = 0; i < k->n_esp; i++) {
        const vsa_esp_sa *e = &k->esp[i];
        if ((spi & e->spi_mask) != e->spi)
            continue;
        if (!addr_match(&e->src, af, src) || !addr_match(&e->dst, af, dst))
            continue;
        return e;
    }
    return NULL;
}

const vsa_ike1_key *vsa_keys_find_ike1(const vsa_keys *k, const uint8_t icookie[8])
{
    for (size_t i = 0; i < k->n_ike1; i++)
        if (memcmp(k->ike1[i].icookie, icookie, 8) == 0)
            return &k->ike1[i];
    return NULL;
}

const vsa_ike1_key *vsa_keys_find_skeyid(const vsa_keys *k, const uint8_t icookie[8],
                                         const uint8_t rcookie[8])
{
    for (size_t i = 0; i < k->n_ike1; i++)
        if (k->ike1[i].have_skeyid && memcmp(k->ike1[i].icookie, icookie, 8) == 0 &&
            memcmp(k->ike1[i].rcookie, rcookie, 8) == 0)
            return &k->ike1[i];
    return NULL;
}

const vsa_ike2_key *vsa_keys_find_ike2(const vsa_keys *k, const uint8_t spi_i[8],
                                       const uint8_t spi_r[8])
{
    for (size_t i = 0; i < k->n_ike2; i++)
        if (memcmp(k->ike2[i].spi_i, spi_i, 8) == 0 && memcmp(k->ike2[i].spi_r, spi_r, 8) == 0)
            return &k->ike2[i];
    return NULL;
}
