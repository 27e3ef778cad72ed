/* vpnscope: subcommands, options, help. Exit codes: 0 ok, 1 findings,
 * 2 usage or input error. */
#include "cli/cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "overhead/capture.h"
#include "overhead/whatif.h"
#include "pipeline/pipeline.h"

#ifndef VPNSCOPE_VERSION
#define VPNSCOPE_VERSION "0.1.0"
#endif

static const char *const USAGE_MAIN =
    "usage: vpnscope COMMAND [OPTIONS] CAPTURE...\n"
    "\n"
    "Decode and decrypt IPsec (ESP, IKE), GRE and DMVPN traffic in pcap/pcapng captures.\n"
    "\n"
    "commands:\n"
    "  decode   one line (or JSON object) per frame, after decapsulation and decryption\n"
    "  decrypt  write a pcapng in which each decrypted ESP packet is replaced by its inner packet\n"
    "  sa       per-SA counters in the style of IOS 'show crypto ipsec sa'\n"
    "  overhead per-tunnel encapsulation overhead measured on captures, and (--what-if) the\n"
    "           calculator, with ip mtu / adjust-mss advice\n"
    "\n"
    "Run 'vpnscope COMMAND --help' for the options of a command; 'man vpnscope' for the key\n"
    "file formats. Exit status: 0 ok, 1 findings (ICV failures, replays, bad padding, overlapping\n"
    "fragments), 2 usage or input error.\n";

static const char *const KEY_HELP =
    "  -k, --keys FILE        key file (repeatable): Wireshark esp_sa, ikev1_decryption_table or\n"
    "                         ikev2_decryption_table, ikev1_skeyid (SKEYID_d: Quick Mode ESP keys);\n"
    "                         tcpdump -E secrets file; 'ip xfrm state' output. The format is\n"
    "                         recognised from the first line, or named: -k ikev1_skeyid:FILE.\n"
    "  -E, --esp-secret SPEC  a tcpdump -E secret: 'spi@dst algo:secret[,...]' (repeatable)\n"
    "      --show-keys        print key material in reports (never printed otherwise)\n";

static const char *const COMMON_HELP =
    "      --threads N        N threads decode and decrypt, each SA in one of them; the first\n"
    "                         also reads the captures and hands each ESP frame to its SA's\n"
    "                         thread, and merges decode / decrypt output back into frame order\n"
    "                         (the same output as one thread; not with IKEv1 keys)\n"
    "      --no-reassembly    do not reassemble IP fragments\n"
    "      --progress / --no-progress\n"
    "                         progress bar on stderr (default: when stderr is a terminal)\n"
    "  -h, --help             this help\n";

static void help_decode(FILE *o)
{
    fprintf(o,
            "usage: vpnscope decode [OPTIONS] CAPTURE...\n"
            "\n"
            "One line per frame: number, UTC time, addresses and a protocol summary, after\n"
            "decapsulation (Ethernet/VLAN, Linux cooked, raw IP, BSD loopback; GRE, UDP 4500, nested\n"
            "IP) and ESP decryption with the keys given. With --json, one JSON object per line whose\n"
            "keys are vpnscope catalogue field names (e.g. vpnscope.esp.spi, vpnscope.ike.exch_type).\n"
            "CAPTURE may be '-' for standard input. Totals by disposition are printed at the end.\n"
            "\n"
            "options:\n"
            "  -j, --json             JSON lines on stdout (totals on stderr)\n"
            "%s%s",
            KEY_HELP, COMMON_HELP);
}

static void help_decrypt(FILE *o)
{
    fprintf(o,
            "usage: vpnscope decrypt CAPTURE -k KEYS... -w OUT.pcapng\n"
            "\n"
            "Writes OUT.pcapng: every ESP packet that decrypts (ICV good, or no ICV to check) is\n"
            "replaced by its inner packet (tunnel mode: the link header plus the inner IP packet;\n"
            "transport mode: the outer IP header carrying the inner protocol). A packet comment keeps\n"
            "the original frame number, SPI and sequence number. Every other frame is kept as it was.\n"
            "\n"
            "options:\n"
            "  -w, --write FILE       output pcapng ('-' for stdout; totals then go to stderr)\n"
            "%s%s",
            KEY_HELP, COMMON_HELP);
}

static void help_sa(FILE *o)
{
    fprintf(o,
            "usage: vpnscope sa CAPTURE... -k KEYS...\n"
            "\n"
            "Per-SA counters, one block per (SPI, sender, receiver) in the style of IOS 'show crypto\n"
            "ipsec sa': endpoints, SPI, transform, packets and bytes decrypted, ICV failures,\n"
            "replays and sequence anomalies (64-packet window, extended sequence numbers when the\n"
            "key says so), first/last frame.\n"
            "\n"
            "options:\n"
            "%s%s",
            KEY_HELP, COMMON_HELP);
}

static void help_overhead(FILE *o)
{
    fprintf(o, "usage: vpnscope overhead CAPTURE... [-k KEYS]... [-E SPEC]... [--transform 'IOS WORDS']\n"
               "                         [--encap PLAN] [--mtu N] [--json]\n"
               "       vpnscope overhead --what-if [--size N] [--encap PLAN] [--transform 'IOS WORDS']\n"
               "                         [--mtu N] [--gre-key] [--json]\n"
               "\n"
               "With captures: every GRE, ESP and NAT-T (ESP in UDP 4500) packet measured byte by byte and\n"
               "grouped per tunnel (the two outer endpoints and the carrier; mGRE/DMVPN per NBMA pair,\n"
               "shown as mGRE when NHRP is seen between them): tunnel type (plain GRE, mGRE, GRE over\n"
               "IPsec tunnel/transport mode, IPsec without GRE (S-VTI / crypto map), GETVPN, NAT-T), SPIs,\n"
               "transform (from the key that decrypted it), packet count, min/median/max overhead, the\n"
               "breakdown of the median packet, the largest packet against the path MTU, packets that\n"
               "arrived as IP fragments, and 'ip mtu' / 'ip tcp adjust-mss' advice. Decrypted packets are\n"
               "exact and checked against the calculator; without keys, --transform gives the IV and\n"
               "ICV lengths (padding stays unknown: the report says which numbers are estimates) and\n"
               "--encap the mode (e.g. 'gre transport') for the advice.\n"
               "\n"
               "With --what-if: sizes of one inner packet of N bytes (default 1400) under the classic\n"
               "encapsulations (or one PLAN), with 'ip mtu' and 'ip tcp adjust-mss' advice for the path\n"
               "MTU (default 1500). TRANSFORM is an IOS transform set, e.g. 'esp-aes esp-sha-hmac'.\n"
               "PLAN words: gre gre-key gre-seq gre-csum tunnel transport getvpn ah-tunnel ah-transport\n"
               "nat-t ipv6 inner-ipv6.\n"
               "\n"
               "options:\n"
               "  -k, --keys FILE        key file (repeatable), as for 'decode' (esp_sa, xfrm state,\n"
               "                         tcpdump -E secrets, IKE tables)\n"
               "  -E, --esp-secret SPEC  a tcpdump -E secret 'spi@dst algo:secret' (repeatable)\n"
               "      --transform WORDS  IOS transform set words\n"
               "      --encap PLAN       encapsulation words (see above)\n"
               "      --mtu N            path MTU (default 1500)\n"
               "  -j, --json             JSON (keys: vpnscope.overhead.* catalogue names)\n"
               "  -h, --help             this help\n"
               "\n"
               "Exit status: 0 ok, 1 findings (packets over the path MTU, encapsulated packets that\n"
               "arrived as IP fragments, ESP ICV failures), 2 usage or input error.\n");
}

/* `vpnscope overhead CAPTURE...`: the pipeline in observe mode feeding the
 * per-tunnel aggregate. */
static int overhead_captures(const vsa_whatif_opts *w, vsa_keys *keys, char **paths, int n)
{
    vs_encap_plan xf;
    const vs_encap_plan *xfp = NULL;
    if (w->transform || w->encap) {
        char msg[160];
        if (vs_plan_parse(w->encap ? w->encap : "", w->transform ? w->transform : "", &xf, msg,
                          sizeof msg) != 0) {
            fprintf(stderr, "vpnscope overhead: %s\n", msg);
            return VSA_EXIT_USAGE;
        }
        xfp = &xf;
    }
    vsa_oh_opts oo = {.mtu = w->mtu, .xform = xfp, .keys = keys};
    vsa_oh_agg *agg = vsa_oh_new(&oo);
    FILE *devnull = fopen("/dev/null", "w");
    if (!agg || !devnull) {
        fprintf(stderr, "vpnscope overhead: out of memory\n");
        vsa_oh_free(agg);
        if (devnull)
            fclose(devnull);
        return VSA_EXIT_USAGE;
    }
    vsa_opts o;
    memset(&o, 0, sizeof o);
    o.mode = VSA_MODE_OBSERVE;
    o.progress = 0;
    o.out = devnull; /* the pipeline's totals: this report replaces them */
    o.err = stderr;
    o.observer.ctx = agg;
    o.observer.packet = vsa_oh_observe;
    vsa_run *r = vsa_run_new(&o, keys);
    if (!r) {
        fprintf(stderr, "vpnscope overhead: out of memory\n");
        vsa_oh_free(agg);
        fclose(devnull);
        return VSA_EXIT_USAGE;
    }
    for (int i = 0; i < n; i++)
        vsa_run_file(r, paths[i]);
    int rc = vsa_run_finish(r);
    uint64_t icv_bad = vsa_run_count(r, VSA_D_ESP_ICV_BAD);
    vsa_run_free(r);
    fclose(devnull);
    vsa_oh_finish(agg);
    int frc = vsa_oh_report(agg, stdout, w->json);
    if (icv_bad)
        fprintf(stderr, "vpnscope overhead: %" PRIu64 " ESP packets failed the ICV check (wrong key?): "
                        "measured without their plaintext\n", icv_bad);
    vsa_oh_free(agg);
    if (rc == VSA_EXIT_USAGE)
        return rc;
    return rc || frc ? VSA_EXIT_FINDINGS : VSA_EXIT_OK;
}

static int cmd_overhead(int argc, char **argv)
{
    enum { O_WHATIF = 1, O_SIZE, O_ENCAP, O_TRANSFORM, O_MTU, O_GREKEY, O_JSON, O_HELP, O_KEYS, O_ESP };
    static const struct option lo[] = {{"what-if", no_argument, NULL, O_WHATIF},
                                       {"size", required_argument, NULL, O_SIZE},
                                       {"encap", required_argument, NULL, O_ENCAP},
                                       {"transform", required_argument, NULL, O_TRANSFORM},
                                       {"mtu", required_argument, NULL, O_MTU},
                                       {"gre-key", no_argument, NULL, O_GREKEY},
                                       {"json", no_argument, NULL, O_JSON},
                                       {"keys", required_argument, NULL, O_KEYS},
                                       {"esp-secret", required_argument, NULL, O_ESP},
                                       {"help", no_argument, NULL, O_HELP},
                                       {NULL, 0, NULL, 0}};
    vsa_whatif_opts w;
    memset(&w, 0, sizeof w);
    w.size = 1400;
    w.mtu = 1500;
    bool whatif = false;
    vsa_keys keys;
    vsa_keys_init(&keys);
    bool have_keys = false;
    unsigned n_e = 0;
    char kerr[1024];
    int rc = VSA_EXIT_OK;
    optind = 2;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":hjk:E:", lo, NULL)) != -1) {
        char *e;
        unsigned long v;
        switch (c) {
        case 'k':
        case O_KEYS:
            have_keys = true;
            if (vsa_keys_load_file(&keys, optarg, VSA_KF_AUTO, kerr, sizeof kerr) < 0) {
                fprintf(stderr, "vpnscope overhead: %s\n", kerr);
                rc = VSA_EXIT_USAGE;
                goto out;
            }
            break;
        case 'E':
        case O_ESP:
            have_keys = true;
            if (vsa_keys_add_tcpdump(&keys, "-E", ++n_e, optarg, kerr, sizeof kerr) < 0) {
                fprintf(stderr, "vpnscope overhead: %s\n", kerr);
                rc = VSA_EXIT_USAGE;
                goto out;
            }
            break;
        case O_WHATIF: whatif = true; break;
        case O_SIZE:
        case O_MTU:
            v = strtoul(optarg, &e, 10);
            if (e == optarg || *e || v < 20 || v > 65535) {
                fprintf(stderr, "vpnscope overhead: %s must be a number from 20 to 65535, not '%s'\n",
                        c == O_SIZE ? "--size" : "--mtu", optarg);
                rc = VSA_EXIT_USAGE;
                goto out;
            }
            if (c == O_SIZE)
                w.size = (uint32_t)v;
            else
                w.mtu = (uint32_t)v;
            break;
        case O_ENCAP: w.encap = optarg; break;
        case O_TRANSFORM: w.transform = optarg; break;
        case O_GREKEY: w.gre_key = true; break;
        case 'j':
        case O_JSON: w.json = true; break;
        case 'h':
        case O_HELP: help_overhead(stdout); goto out;
        case ':':
            fprintf(stderr, "vpnscope overhead: option '%s' needs an argument\n", argv[optind - 1]);
            rc = VSA_EXIT_USAGE;
            goto out;
        default:
            fprintf(stderr, "vpnscope overhead: bad option '%s'\n\n", argv[optind - 1]);
            help_overhead(stderr);
            rc = VSA_EXIT_USAGE;
            goto out;
        }
    }
    if (whatif && optind < argc) {
        fprintf(stderr, "vpnscope overhead: --what-if takes no capture files\n\n");
        help_overhead(stderr);
        rc = VSA_EXIT_USAGE;
    } else if (whatif && have_keys) {
        fprintf(stderr, "vpnscope overhead: --what-if takes no keys\n");
        rc = VSA_EXIT_USAGE;
    } else if (whatif) {
        rc = vsa_whatif_run(&w, stdout, stderr);
    } else if (optind >= argc) {
        fprintf(stderr, "vpnscope overhead: no capture file given (or --what-if)\n\n");
        help_overhead(stderr);
        rc = VSA_EXIT_USAGE;
    } else if (w.gre_key) {
        fprintf(stderr, "vpnscope overhead: --gre-key is an option of --what-if (use --encap gre-key)\n");
        rc = VSA_EXIT_USAGE;
    } else {
        rc = overhead_captures(&w, &keys, argv + optind, argc - optind);
    }
out:
    vsa_keys_free(&keys);
    return rc;
}

int vsa_main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE_MAIN, stderr);
        return VSA_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(USAGE_MAIN, stdout);
        return VSA_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("vpnscope %s\n", VPNSCOPE_VERSION);
        return VSA_EXIT_OK;
    }
    if (strcmp(cmd, "overhead") == 0)
        return cmd_overhead(argc, argv);
    vsa_opts o;
    memset(&o, 0, sizeof o);
    o.progress = -1;
    o.out = stdout;
    o.err = stderr;
    void (*help)(FILE *);
    if (strcmp(cmd, "decode") == 0) {
        o.mode = VSA_MODE_DECODE;
        help = help_decode;
    } else if (strcmp(cmd, "decrypt") == 0) {
        o.mode = VSA_MODE_DECRYPT;
        help = help_decrypt;
    } else if (strcmp(cmd, "sa") == 0) {
        o.mode = VSA_MODE_SA;
        help = help_sa;
    } else {
        fprintf(stderr, "vpnscope: unknown command '%s'\n\n%s", cmd, USAGE_MAIN);
        return VSA_EXIT_USAGE;
    }
    enum { OPT_SHOW_KEYS = 1000, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_NO_REASM, OPT_THREADS };
    static const struct option lo[] = {{"keys", required_argument, NULL, 'k'},
                                       {"esp-secret", required_argument, NULL, 'E'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"write", required_argument, NULL, 'w'},
                                       {"show-keys", no_argument, NULL, OPT_SHOW_KEYS},
                                       {"progress", no_argument, NULL, OPT_PROGRESS},
                                       {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
                                       {"no-reassembly", no_argument, NULL, OPT_NO_REASM},
                                       {"threads", required_argument, NULL, OPT_THREADS},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    vsa_keys keys;
    vsa_keys_init(&keys);
    char err[1024];
    int rc = VSA_EXIT_OK;
    unsigned n_e = 0;
    optind = 2;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":k:E:jw:h", lo, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (vsa_keys_load_file(&keys, optarg, VSA_KF_AUTO, err, sizeof err) < 0) {
                fprintf(stderr, "vpnscope: %s\n", err);
                rc = VSA_EXIT_USAGE;
                goto out;
            }
            break;
        case 'E':
            if (vsa_keys_add_tcpdump(&keys, "-E", ++n_e, optarg, err, sizeof err) < 0) {
                fprintf(stderr, "vpnscope: %s\n", err);
                rc = VSA_EXIT_USAGE;
                goto out;
            }
            break;
        case 'j':
            if (o.mode != VSA_MODE_DECODE) {
                fprintf(stderr, "vpnscope %s: --json is an option of 'decode'\n", cmd);
                rc = VSA_EXIT_USAGE;
                goto out;
            }
            o.json = true;
            break;
        case 'w':
            if (o.mode != VSA_MODE_DECRYPT) {
                fprintf(stderr, "vpnscope %s: -w is an option of 'decrypt'\n", cmd);
                rc = VSA_EXIT_USAGE;
                goto out;
            }
            o.out_path = optarg;
            break;
        case OPT_SHOW_KEYS: o.show_keys = true; break;
        case OPT_PROGRESS: o.progress = 1; break;
        case OPT_NO_PROGRESS: o.progress = 0; break;
        case OPT_NO_REASM: o.no_reassembly = true; break;
        case OPT_THREADS: {
            char *e;
            unsigned long v = strtoul(optarg, &e, 10);
            if (e == optarg || *e || v < 1 || v > 64) {
                fprintf(stderr, "vpnscope %s: --threads takes a number from 1 to 64, not '%s'\n", cmd,
                        optarg);
                rc = VSA_EXIT_USAGE;
                goto out;
            }
            o.threads = (unsigned)v;
            break;
        }
        case 'h':
            help(stdout);
            rc = VSA_EXIT_OK;
            goto out;
        case ':':
            fprintf(stderr, "vpnscope %s: option '%s' needs an argument\n", cmd, argv[optind - 1]);
            rc = VSA_EXIT_USAGE;
            goto out;
        default:
            fprintf(stderr, "vpnscope %s: unknown option '%s'\n\n", cmd, argv[optind - 1]);
            help(stderr);
            rc = VSA_EXIT_USAGE;
            goto out;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "vpnscope %s: no capture file given\n\n", cmd);
        help(stderr);
        rc = VSA_EXIT_USAGE;
        goto out;
    }
    if (o.mode == VSA_MODE_DECRYPT) {
        if (!o.out_path) {
            fprintf(stderr, "vpnscope decrypt: -w OUT.pcapng is required\n");
            rc = VSA_EXIT_USAGE;
            goto out;
        }
        if (keys.n_esp == 0 && keys.n_ike1 == 0) {
            /* IKEv1 keys are enough: ESP keys are learned from GDOI / Quick Mode */
            fprintf(stderr, "vpnscope decrypt: no ESP or IKEv1 keys given (-k or -E)\n");
            rc = VSA_EXIT_USAGE;
            goto out;
        }
        for (int i = optind; i < argc; i++)
            if (strcmp(argv[i], o.out_path) == 0 && strcmp(argv[i], "-") != 0) {
                fprintf(stderr, "vpnscope decrypt: the output would overwrite the input %s\n", argv[i]);
                rc = VSA_EXIT_USAGE;
                goto out;
            }
    }
    if (o.threads > 1) {
        rc = vsa_run_parallel(&o, &keys, argv + optind, argc - optind);
        goto out;
    }
    vsa_run *r = vsa_run_new(&o, &keys);
    if (!r) {
        fprintf(stderr, "vpnscope: out of memory\n");
        rc = VSA_EXIT_USAGE;
        goto out;
    }
    for (int i = optind; i < argc; i++)
        vsa_run_file(r, argv[i]);
    rc = vsa_run_finish(r);
    vsa_run_free(r);
out:
    vsa_keys_free(&keys);
    return rc;
}
