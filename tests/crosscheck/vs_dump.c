/*
 * vs_dump: print what dissectors/core decodes, as JSON lines, for the
 * cross-check tests (tests/crosscheck/). Links only vpnscope_core.
 *
 *   vs_dump CAPTURE.pcap
 *       one line per frame: vs_frame_decode, then the application payload
 *       dispatched to its decoder (IKE by the version octet: v1 / v2; GDOI;
 *       NHRP; ESP).
 *   vs_dump --payloads gdoi|ikev1|ikev2 --first N [--exch X] HEXFILE
 *       one line for a decrypted payload chain (hex text, whitespace ignored)
 *       starting with payload type N; X is the exchange type of the message
 *       it came from (GDOI: 32 GROUPKEY-PULL, 33 GROUPKEY-PUSH).
 *   vs_dump --payloads nhrp HEXFILE
 *       one NHRP packet (e.g. from GRE inside decrypted ESP).
 *
 * Line: {"frame":N,"app":"gdoi","status":"ok","items":[[name,value,off,len],...],
 *        "problems":[[name,detail,off,len],...]}
 * Values: integers as numbers; bytes, addresses and strings as hex strings
 * (IPv4 as dotted quad), so the tests compare them with ground truth hex.
 * Items are [name, value, offset, length, depth]. For frames the tree holds
 * the frame stack's layers and then the application payload's items; offsets
 * are in the frame ("app_off" is where the application payload starts;
 * "status" is the application decoder's, "frame_status" the frame stack's).
 * For --payloads offsets are in the hex body.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpnscope/catalogue.h"
#include "vpnscope/core.h"
#include "vpnscope/esp.h"
#include "vpnscope/frame.h"
#include "vpnscope/gdoi.h"
#include "vpnscope/ikev1.h"
#include "vpnscope/ikev2.h"
#include "vpnscope/nhrp.h"

#define MAX_ITEMS 16384
#define MAX_PROBLEMS 1024

static vs_item g_items[MAX_ITEMS];
static vs_problem_rec g_problems[MAX_PROBLEMS];
static vs_isakmp_msg g_isakmp;
static vs_ikev2_msg g_ikev2;
static vs_nhrp_msg g_nhrp;
static vs_frame g_frame;

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

static void print_value(const vs_tree *t, const vs_item *it, size_t buflen)
{
    const vs_field_info *fi = &vs_fields[it->field];
    switch (fi->type) {
    case VS_FT_BYTES:
    case VS_FT_IPV6:
    case VS_FT_STRING:
    case VS_FT_IPV4: {
        if ((it->flags & VS_IF_GENERATED) || (size_t)it->span.off + it->span.len > buflen) {
            printf("%llu", (unsigned long long)it->value);
            return;
        }
        const uint8_t *p = t->buf + it->span.off;
        if (fi->type == VS_FT_IPV4 && it->span.len == 4) {
            printf("\"%u.%u.%u.%u\"", p[0], p[1], p[2], p[3]);
            return;
        }
        putchar('"');
        for (uint32_t i = 0; i < it->span.len; i++)
            printf("%02x", p[i]);
        putchar('"');
        return;
    }
    default:
        printf("%llu", (unsigned long long)it->value);
    }
}

static void print_tree(const vs_tree *t, size_t buflen)
{
    printf(",\"items\":[");
    for (size_t i = 0; i < t->n_items; i++) {
        const vs_item *it = &t->items[i];
        if (i)
            putchar(',');
        putchar('[');
        json_str(vs_fields[it->field].name);
        putchar(',');
        print_value(t, it, buflen);
        printf(",%u,%u,%u]", it->span.off, it->span.len, it->depth);
    }
    printf("],\"problems\":[");
    for (size_t i = 0; i < t->n_problems; i++) {
        const vs_problem_rec *p = &t->problems[i];
        if (i)
            putchar(',');
        putchar('[');
        json_str(vs_problems[p->problem].name);
        printf(",%llu,%u,%u]", (unsigned long long)p->detail, p->span.off, p->span.len);
    }
    printf("],\"overflow\":%s", t->overflow ? "true" : "false");
}

/* One frame: the frame stack's items (link, IP, UDP/GRE, ESP layers) and
 * then the application payload's decoder, in one tree whose spans are
 * offsets in the frame. The frame stack decodes ESP itself; IKE (v1 or v2 by
 * the version octet), GDOI and NHRP are dispatched here. */
static void dump_frame(unsigned frame, int linktype, const uint8_t *d, size_t caplen,
                       size_t wirelen)
{
    vs_tree t;
    vs_tree_init(&t, d, g_items, MAX_ITEMS, g_problems, MAX_PROBLEMS);
    vs_status fs = vs_frame_decode(linktype, d, caplen, wirelen, &t, &g_frame);
    vs_status st = fs;
    const char *name = vs_app_kind_name(g_frame.app);
    vs_cursor c = g_frame.app_cur;
    const uint8_t *p = d + g_frame.app_span.off;
    size_t avail = vs_cur_avail(&c);
    switch (g_frame.app) {
    case VS_APP_IKE:
        if (avail >= 18 && (p[17] >> 4) == 2) {
            name = "ikev2";
            st = vs_ikev2_decode(&c, &t, &g_ikev2);
        } else {
            name = "ikev1";
            st = vs_ikev1_decode(&c, &t, &g_isakmp);
        }
        break;
    case VS_APP_GDOI:
        name = "gdoi";
        st = vs_gdoi_decode(&c, &t, &g_isakmp);
        break;
    case VS_APP_NHRP:
        name = "nhrp";
        st = vs_nhrp_decode(&c, NULL, &t, &g_nhrp);
        break;
    default: /* ESP: decoded by the frame stack; others: nothing more to decode */
        break;
    }
    printf("{\"frame\":%u,\"app\":", frame);
    json_str(name);
    printf(",\"status\":\"%s\",\"frame_status\":\"%s\",\"reason\":", vs_status_name(st),
           vs_status_name(fs));
    json_str(vs_frame_reason_name(g_frame.reason));
    printf(",\"app_off\":%u", g_frame.app_span.off);
    print_tree(&t, caplen);
    printf("}\n");
}

static uint32_t rd32(const uint8_t *p, int be)
{
    return be ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
              : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

static uint8_t *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "vs_dump: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0, r;
    uint8_t *b = malloc(cap);
    while (b && (r = fread(b + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) {
            uint8_t *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(f);
    *n = len;
    return b;
}

/* Classic pcap only (the crafted samples); pcapng is refused by name. */
static int dump_pcap(const char *path)
{
    size_t n;
    uint8_t *f = read_all(path, &n);
    if (!f)
        return 2;
    if (n < 24) {
        fprintf(stderr, "vs_dump: %s: too short for a pcap header (%zu bytes)\n", path, n);
        free(f);
        return 2;
    }
    uint32_t magic = rd32(f, 0);
    int be;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
        be = 0;
    else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
        be = 1;
    else {
        fprintf(stderr, "vs_dump: %s: not a classic pcap file (magic %08x)\n", path, magic);
        free(f);
        return 2;
    }
    int linktype = (int)(rd32(f + 20, be) & 0x0FFFFFFF);
    size_t off = 24;
    unsigned frame = 0;
    int rc = 0;
    while (off < n) {
        if (n - off < 16) {
            fprintf(stderr, "vs_dump: %s: record header of frame %u cut short\n", path, frame + 1);
            rc = 2;
            break;
        }
        uint32_t incl = rd32(f + off + 8, be), orig = rd32(f + off + 12, be);
        off += 16;
        if (incl > n - off) {
            fprintf(stderr, "vs_dump: %s: frame %u claims %u bytes, file has %zu\n", path,
                    frame + 1, incl, n - off);
            rc = 2;
            break;
        }
        dump_frame(++frame, linktype, f + off, incl, orig < incl ? incl : orig);
        off += incl;
    }
    free(f);
    return rc;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int dump_payloads(const char *kind, int first, int exch, const char *path)
{
    size_t n;
    uint8_t *txt = read_all(path, &n);
    if (!txt)
        return 2;
    uint8_t *buf = malloc(n / 2 + 1);
    size_t len = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        int ch = txt[i];
        if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
            continue;
        int v = hexval(ch);
        if (v < 0) {
            fprintf(stderr, "vs_dump: %s: offset %zu: not a hex digit (0x%02x)\n", path, i, ch);
            free(txt);
            free(buf);
            return 2;
        }
        if (hi < 0) {
            hi = v;
        } else {
            buf[len++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    free(txt);
    if (hi >= 0) {
        fprintf(stderr, "vs_dump: %s: odd number of hex digits\n", path);
        free(buf);
        return 2;
    }
    vs_tree t;
    vs_tree_init(&t, buf, g_items, MAX_ITEMS, g_problems, MAX_PROBLEMS);
    vs_cursor c;
    vs_cur_init(&c, buf, len, len);
    vs_status st;
    if (!strcmp(kind, "nhrp")) {
        st = vs_nhrp_decode(&c, NULL, &t, &g_nhrp);
    } else if (!strcmp(kind, "ikev2")) {
        vs_ikev2_msg_init(&g_ikev2);
        st = vs_ikev2_decode_payloads(&c, (uint8_t)first, &t, &g_ikev2);
    } else {
        memset(&g_isakmp, 0, sizeof g_isakmp);
        g_isakmp.hdr.exch_type = (uint8_t)exch;
        if (!strcmp(kind, "gdoi"))
            st = vs_gdoi_decode_payloads(&c, (uint8_t)first, 2, &t, &g_isakmp);
        else
            st = vs_ikev1_decode_payloads(&c, (uint8_t)first, 1, &t, &g_isakmp);
    }
    printf("{\"frame\":0,\"app\":");
    json_str(kind);
    printf(",\"status\":\"%s\"", vs_status_name(st));
    print_tree(&t, len);
    printf("}\n");
    free(buf);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: vs_dump CAPTURE.pcap\n"
                    "       vs_dump --payloads gdoi|ikev1|ikev2 --first N [--exch X] HEXFILE\n"
                    "       vs_dump --payloads nhrp HEXFILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *kind = NULL, *file = NULL;
    int first = -1, exch = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--payloads") && i + 1 < argc)
            kind = argv[++i];
        else if (!strcmp(argv[i], "--first") && i + 1 < argc)
            first = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--exch") && i + 1 < argc)
            exch = atoi(argv[++i]);
        else if (argv[i][0] == '-')
            return usage();
        else if (!file)
            file = argv[i];
        else
            return usage();
    }
    if (!file)
        return usage();
    if (kind) {
        if (strcmp(kind, "gdoi") && strcmp(kind, "ikev1") && strcmp(kind, "ikev2") &&
            strcmp(kind, "nhrp")) {
            fprintf(stderr, "vs_dump: --payloads %s: want gdoi, ikev1, ikev2 or nhrp\n", kind);
            return 2;
        }
        if (strcmp(kind, "nhrp") && (first < 0 || first > 255)) {
            fprintf(stderr, "vs_dump: --payloads needs --first 0..255\n");
            return 2;
        }
        return dump_payloads(kind, first, exch, file);
    }
    return dump_pcap(file);
}
