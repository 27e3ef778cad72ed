/* `vpnscope overhead --what-if`: sizes of one inner packet under each
 * encapsulation, with `ip mtu` / `ip tcp adjust-mss` advice. */
#include "overhead/whatif.h"

#include <jansson.h>
#include <string.h>

#include "vpnscope/catalogue.h"
#include "vpnscope/overhead.h"

typedef struct variant {
    const char *label;
    const char *encap; /* %s = "gre" or "gre-key" */
    bool uses_gre;
    bool ipsec;
} variant;

/* The classic side-by-side: the seed's four lines first. */
static const variant variants[] = {
    {"plain GRE", "%s", true, false},
    {"GRE over IPsec, tunnel mode", "%s tunnel", true, true},
    {"GRE over IPsec, transport mode", "%s transport", true, true},
    {"IPsec without GRE (S-VTI / crypto map)", "tunnel", false, true},
    {"GETVPN (tunnel mode, header preservation)", "getvpn", false, true},
    {"GRE over IPsec, transport mode + NAT-T", "%s transport nat-t", true, true},
    {"GRE over IPsec, tunnel mode + NAT-T", "%s tunnel nat-t", true, true},
    {"IPsec without GRE + NAT-T", "tunnel nat-t", false, true},
};

void vsa_oh_breakdown_text(FILE *out, const vs_overhead *b)
{
    struct { const char *name; uint32_t v; } parts[] = {
        {"outer IP", b->outer_ip}, {"UDP 4500", b->udp},  {"AH", b->ah},
        {"ESP", b->esp_header},    {"IV", b->iv},         {"GRE IP", b->gre_ip},
        {"GRE", b->gre},           {"inner", b->inner},   {"pad", b->padding},
        {"trailer", b->trailer},   {"ICV", b->icv},
    };
    const char *sep = "";
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].v && strcmp(parts[i].name, "inner") != 0)
            continue;
        fprintf(out, "%s%s %u", sep, parts[i].name, parts[i].v);
        sep = " + ";
    }
    fprintf(out, " = %u\n", b->total);
}

json_t *vsa_oh_breakdown_json(const vs_overhead *b)
{
    json_t *j = json_object();
    json_object_set_new(j, vs_fields[VS_F_OH_OUTER_IP].name, json_integer(b->outer_ip));
    json_object_set_new(j, vs_fields[VS_F_OH_UDP].name, json_integer(b->udp));
    json_object_set_new(j, vs_fields[VS_F_OH_AH].name, json_integer(b->ah));
    json_object_set_new(j, vs_fields[VS_F_OH_ESP_HEADER].name, json_integer(b->esp_header));
    json_object_set_new(j, vs_fields[VS_F_OH_IV].name, json_integer(b->iv));
    json_object_set_new(j, vs_fields[VS_F_OH_GRE_IP].name, json_integer(b->gre_ip));
    json_object_set_new(j, vs_fields[VS_F_OH_GRE].name, json_integer(b->gre));
    json_object_set_new(j, vs_fields[VS_F_OH_INNER].name, json_integer(b->inner));
    json_object_set_new(j, vs_fields[VS_F_OH_PADDING].name, json_integer(b->padding));
    json_object_set_new(j, vs_fields[VS_F_OH_TRAILER].name, json_integer(b->trailer));
    json_object_set_new(j, vs_fields[VS_F_OH_ICV].name, json_integer(b->icv));
    json_object_set_new(j, vs_fields[VS_F_OH_TOTAL].name, json_integer(b->total));
    json_object_set_new(j, vs_fields[VS_F_OH_BYTES].name, json_integer(b->overhead));
    return j;
}

static const char *xf_or_default(const vsa_whatif_opts *o)
{
    return o->transform && *o->transform ? o->transform : "esp-aes esp-sha-hmac";
}

int vsa_whatif_run(const vsa_whatif_opts *o, FILE *out, FILE *err)
{
    char msg[160];
    const char *xf = xf_or_default(o);
    json_t *root = o->json ? json_object() : NULL;
    json_t *rows = o->json ? json_array() : NULL;

    size_t n = o->encap ? 1 : sizeof variants / sizeof variants[0];
    if (!o->json) {
        fprintf(out, "What-if: a %u-byte IP packet, transform \"%s\", path MTU %u\n\n", o->size, xf,
                o->mtu);
        fprintf(out, "  %-44s %6s %9s %4s %7s %15s\n", "carried as", "bytes", "overhead", "pad",
                "ip mtu", "tcp adjust-mss");
    }
    vs_overhead bs[sizeof variants / sizeof variants[0]];
    const char *labels[sizeof variants / sizeof variants[0]];
    for (size_t i = 0; i < n; i++) {
        char encap[96];
        const char *label;
        bool ipsec;
        if (o->encap) {
            snprintf(encap, sizeof encap, "%s", o->encap);
            label = o->encap;
            ipsec = true;
        } else {
            snprintf(encap, sizeof encap, variants[i].encap, o->gre_key ? "gre-key" : "gre");
            label = variants[i].label;
            ipsec = variants[i].ipsec;
        }
        vs_encap_plan p;
        if (vs_plan_parse(encap, ipsec ? xf : "", &p, msg, sizeof msg) != 0) {
            fprintf(err, "vpnscope overhead: %s\n", msg);
            json_decref(root);
            json_decref(rows);
            return 2;
        }
        vs_overhead b;
        vs_mtu_advice adv;
        vs_overhead_calc(&p, o->size, &b);
        vs_overhead_advice(&p, o->mtu, &adv);
        bs[i] = b;
        labels[i] = label;
        if (o->json) {
            json_t *r = json_object();
            json_object_set_new(r, "variant", json_string(label));
            json_object_set_new(r, "encapsulation", json_string(encap));
            json_object_set_new(r, "breakdown", vsa_oh_breakdown_json(&b));
            json_object_set_new(r, "ip_mtu", json_integer(adv.ip_mtu));
            json_object_set_new(r, "tcp_adjust_mss", json_integer(adv.tcp_mss));
            json_object_set_new(r, "fits_path_mtu", json_boolean(b.total <= o->mtu));
            json_array_append_new(rows, r);
        } else {
            char pad[8];
            if (p.ipsec == VS_IPSEC_ESP_TUNNEL || p.ipsec == VS_IPSEC_ESP_TRANSPORT)
                snprintf(pad, sizeof pad, "%u", b.padding);
            else
                snprintf(pad, sizeof pad, "-");
            fprintf(out, "  %-44s %6u %9u %4s %7u %15u%s\n", label, b.total, b.overhead, pad,
                    adv.ip_mtu, adv.tcp_mss, b.total > o->mtu ? "  (fragments on this path)" : "");
        }
    }
    if (o->json) {
        json_object_set_new(root, "inner_size", json_integer(o->size));
        json_object_set_new(root, "transform", json_string(xf));
        json_object_set_new(root, "path_mtu", json_integer(o->mtu));
        json_object_set_new(root, "variants", rows);
        json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', out);
        json_decref(root);
    } else {
        fprintf(out, "\nBreakdown:\n");
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "  %-44s ", labels[i]);
            vsa_oh_breakdown_text(out, &bs[i]);
        }
        fprintf(out, "\nip mtu: the largest inner packet that fits the path MTU after encapsulation.\n"
                     "tcp adjust-mss: ip mtu minus %u bytes of IP and TCP headers.\n",
                strstr(o->encap ? o->encap : "", "inner-ipv6") ? 60 : 40);
    }
    return 0;
}
