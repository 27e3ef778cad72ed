#!/usr/bin/python3
"""`vpnscope overhead` end to end.

usage: test_overhead_cli.py VPNSCOPE SAMPLES_DIR SHARED_CAPTURES_DIR

1. Every sample in samples/*/ (with its ESP keys where it has them) and every
   capture in ../shared/captures (skipped with a message when absent): the
   tunnel types the sample's README.md / expected.md names.
2. Independent oracle: scapy re-parses every capture and counts, per pair of
   outer endpoints, the GRE / ESP / ESP-in-UDP packets, their largest IP total
   length and (GRE) the overhead; vpnscope must agree.
3. The calculator: every decrypted packet was checked against
   vs_overhead_calc in C (total and padding, exact equality); here the median
   packet of each decrypted tunnel is recomputed through the CLI
   (`--what-if --size N --encap ... --transform ...`).
4. The seed's example (an 88-byte GRE packet) through the CLI: 144/120/112.
5. Exit codes: 1 for packets over --mtu, 2 for usage/input errors.
"""
import json
import os
import subprocess
import sys
from collections import defaultdict

VS, SAMPLES, SHARED = sys.argv[1], sys.argv[2], sys.argv[3]

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(args, expect_rc=None):
    p = subprocess.run([VS, "overhead"] + args, capture_output=True, text=True)
    if expect_rc is not None:
        check(p.returncode == expect_rc,
              f"vpnscope overhead {' '.join(args)}: exit {p.returncode}, expected {expect_rc}: {p.stderr[:300]}")
    return p


def run_json(args, expect_rc=0):
    p = run(args + ["--json"], expect_rc)
    try:
        return json.loads(p.stdout)
    except ValueError:
        check(False, f"{args}: not JSON: {p.stdout[:200]}")
        return {"tunnels": []}


GRE_IPSEC_TUNNEL = "GRE over IPsec, tunnel mode"
GRE_IPSEC_TRANSPORT = "GRE over IPsec, transport mode"
IPSEC_TUNNEL = "IPsec tunnel without GRE (crypto map / S-VTI)"
GETVPN = "GETVPN (tunnel mode, header preservation)"
MGRE = "mGRE (DMVPN, no IPsec)"
PLAIN_GRE = "plain GRE"
IPSEC_UNKNOWN = "IPsec, mode unknown (not decrypted)"

# sample -> (capture, keys relative to the sample, {type: tunnels}, NAT-T, where the README says it)
SAMPLES_EXPECTED = {
    "gre-p2p": ("gre-p2p.pcap", None, {PLAIN_GRE: 1}, False, "README: point-to-point GRE, no IPsec"),
    "gre-ipsec-transport": ("gre-ipsec-transport.pcap", "esp_sa", {GRE_IPSEC_TRANSPORT: 1}, False,
                            "README: GRE over IPsec, transport mode"),
    "gre-ipsec-tunnel": ("gre-ipsec-tunnel.pcap", "esp_sa", {GRE_IPSEC_TUNNEL: 1}, False,
                         "README: GRE over IPsec, tunnel mode"),
    "svti": ("svti.pcap", "esp_sa", {IPSEC_TUNNEL: 1}, False, "README: ESP tunnel mode, no GRE header"),
    "ipsec-manual-keys": ("ipsec-manual-keys.pcap", "esp_sa", {IPSEC_TUNNEL: 1}, False,
                          "README: ESP tunnel mode (raw ESP)"),
    "ipsec-cryptomap-ikev1": ("ipsec-cryptomap-ikev1.pcap", "esp_sa", {IPSEC_TUNNEL: 1}, True,
                              "README: crypto map, esp-3des esp-md5-hmac (strongSwan encapsulates in UDP 4500)"),
    "ikev1-certs": ("ikev1-certs.pcap", "esp_sa", {IPSEC_TUNNEL: 1}, True, "README: crypto map with certificates"),
    "ikev2-s2s": ("ikev2-s2s.pcap", "esp_sa", {IPSEC_TUNNEL: 1}, True,
                  "README: IKEv2 site to site, ESP is ESP-in-UDP"),
    "nat-t": ("nat-t.pcap", "esp_sa", {IPSEC_TUNNEL: 1}, True, "README: IKEv1 and ESP through a real NAT (UDP 4500)"),
    "ikev1-aggressive": ("ikev1-aggressive.pcap", "esp_sa", {IPSEC_TUNNEL: 1}, True,
                         "README: crypto map, Aggressive Mode, ESP-in-UDP 4500 (kernel-libipsec)"),
    # esp_sa has one wrong key: those packets fail their ICV (exit 1) and stay unsplit
    "esp-wrong-key": ("esp-wrong-key.pcap", "esp_sa", {IPSEC_TUNNEL: 1}, True, "README: as ikev2-s2s, one wrong key"),
    "getvpn": ("getvpn-3des.pcap", "all-keys/esp_sa", {GETVPN: 3}, False,
               "README: GETVPN TEK esp-3des esp-sha-hmac, 3 group members"),
    "getvpn/aes": ("getvpn-aes.pcap", "all-keys/esp_sa", {GETVPN: 3}, False,
                   "README: GETVPN TEK esp-aes 128 esp-sha-hmac"),
    "dmvpn-phase1": ("dmvpn-phase1.pcap", None, {MGRE: 2}, False, "README: tunnel mode gre multipoint"),
    "dmvpn-phase2": ("dmvpn-phase2.pcap", None, {MGRE: 5}, False, "README: plain mGRE, spoke-to-spoke"),
    "dmvpn-phase3": ("dmvpn-phase3.pcap", None, {MGRE: 3}, False, "README: phase 3 with a shortcut"),
    "dmvpn-dual-hub": ("dmvpn-dual-hub.pcap", None, {MGRE: 4}, False, "README: Linux mGRE, two hubs"),
    "dmvpn-missing-multicast-map": ("dmvpn-missing-multicast-map.pcap", None, {MGRE: 2}, False,
                                    "README: tunnel mode gre multipoint"),
    "dmvpn-cisco-forms": ("dmvpn-cisco-forms.pcap", None, {MGRE: 4}, False, "README: tunnel mode gre multipoint"),
    # static NHRP maps: no NHRP on the wire; mGRE inferred (every endpoint has GRE with 2 peers)
    "mgre-static-nhrp": ("mgre-static-nhrp.pcap", None, {MGRE: 3}, False,
                         "README: multipoint GRE with static NHRP maps, no NHS"),
    "dmvpn-phase3-ipsec": ("dmvpn-phase3-ipsec.pcap", "esp_sa", {GRE_IPSEC_TRANSPORT: 3}, False,
                           "README: DMVPN phase 3 inside IPsec, ESP transport mode"),
    "dmvpn-phase3-ipsec-crafted": ("dmvpn-phase3-ipsec-crafted.pcap", "all-keys/esp_sa",
                                   {GRE_IPSEC_TRANSPORT: 3}, False, "README: ESP transport mode carrying GRE"),
    # IKE only (only IKE keys; no ESP or GRE on the wire): no tunnel
    "getvpn-bad-identity": ("getvpn-bad-identity.pcap", None, {}, False, "IKE/GDOI only (registration fails)"),
    "proposal-mismatch": ("proposal-mismatch.pcap", None, {}, False, "IKE only (Quick Mode fails)"),
    "psk-mismatch": ("psk-mismatch.pcap", None, {}, False, "IKE only (Main Mode fails)"),
}

# shared capture -> (keys suffix or None, {type: tunnels}, NAT-T, rc)
SHARED_EXPECTED = {
    "openswan-klips__08-sunrise-sunset-aes128.pcap": (".keys.wireshark-esp_sa.DERIVED.txt", {IPSEC_TUNNEL: 1}, False, 0),
    "openswan-klips__08-sunrise-sunset-esp-noauth.pcap": (".keys.wireshark-esp_sa.DERIVED.txt", {IPSEC_TUNNEL: 1}, False, 0),
    "openswan-klips__08-sunrise-sunset-esp-sha1.pcap": (".keys.wireshark-esp_sa.DERIVED.txt", {IPSEC_TUNNEL: 1}, False, 0),
    "openswan-klips__08-sunrise-sunset-udpesp-ping.pcap": (".keys.wireshark-esp_sa.DERIVED.txt", {IPSEC_TUNNEL: 1}, True, 0),
    "packetlife__GRE.cap": (None, {PLAIN_GRE: 1}, False, 0),
    "packetlife__NHRP_registration.cap": (None, {MGRE: 1}, False, 0),
    "tcpdump__NHRP_registration.pcap": (None, {MGRE: 1}, False, 0),
    "tcpdump__ios_nhrp.pcap": (None, {MGRE: 1}, False, 0),
    "tcpdump__various_gre.pcap": (None, {PLAIN_GRE: 1}, False, 0),
    # NAT-T, SPI 0xf4dc0ae5 has no published key: mode unknown
    "tcpdump__isakmp4500.pcap": (None, {IPSEC_UNKNOWN: 1}, True, 0),
    # NHRP directly over IP, no GRE: nothing encapsulated
    "tcpdump__pb_nhrp_1.pcap": (None, {}, False, 0),
    "tcpdump__ISAKMP_sa_setup.pcap": (None, {}, False, 0),
    "tcpdump__ikev2four.pcap": (None, {}, False, 0),
    "tcpdump__isakmp-pointer-loop.pcap": (None, {}, False, 0),
    "tcpdump__isakmp-various-oobr.pcap": (None, {}, False, 0),
    "zeek-spicy-ipsec__ikev1-certs.pcap": (None, {}, False, 0),
    # fuzzed GRE whose IP total length claims more than the path MTU: exit 1
    "tcpdump__gre-heapoverflow-2.pcap": (None, {PLAIN_GRE: 1}, False, 1),
}


def scapy_oracle(path):
    """Per unordered endpoint pair and carrier: packet count, largest IP
    total length, GRE overheads (outer total - inner IP total)."""
    from scapy.all import rdpcap, IP, GRE, UDP  # noqa
    res = defaultdict(lambda: {"n": 0, "max": 0, "gre_oh": []})
    for pkt in rdpcap(path):
        if IP not in pkt:
            continue
        ip = pkt[IP]
        if ip.flags.MF or ip.frag:
            continue
        if ip.proto == 47:
            carrier = "GRE (IP 47)"
        elif ip.proto == 50:
            carrier = "ESP (IP 50)"
        elif ip.proto == 17 and UDP in ip and 4500 in (ip[UDP].sport, ip[UDP].dport):
            b = bytes(ip[UDP].payload)
            if len(b) < 8 or b[:4] == b"\0\0\0\0":
                continue  # keepalive or IKE (non-ESP marker)
            carrier = "ESP in UDP 4500 (NAT-T)"
        else:
            continue
        key = (tuple(sorted([ip.src, ip.dst])), carrier)
        r = res[key]
        r["n"] += 1
        r["max"] = max(r["max"], ip.len)
        if carrier.startswith("GRE"):
            g = bytes(ip.payload)
            flags = g[0] if g else 0
            glen = 4 + 4 * (bool(flags & 0x80) + bool(flags & 0x20) + bool(flags & 0x10))
            r["gre_oh"].append(ip.len - (len(g) - glen) if len(g) >= glen else None)
    return res


def check_capture(label, path, keys, expected, natt, rc):
    args = [path] + (["-k", keys] if keys else [])
    d = run_json(args, rc)
    tunnels = d["tunnels"]
    got = defaultdict(int)
    for t in tunnels:
        got[t["type_name"]] += 1
    check(dict(got) == expected, f"{label}: tunnel types {dict(got)}, expected {expected}")
    for t in tunnels:
        check(bool(t["vpnscope.overhead.natt"]) == natt,
              f"{label}: {t['endpoints']} NAT-T {t['vpnscope.overhead.natt']}, expected {natt}")
        c = t["calculator"]
        check(c["mismatches"] == 0, f"{label}: {t['endpoints']}: calculator disagrees on {c['mismatches']} packets")
        if keys and t["carrier"] != "GRE (IP 47)":
            # every decrypted packet was checked against the calculator
            check(c["checked"] == t["exact_packets"] and t["exact_packets"] > 0,
                  f"{label}: {t['endpoints']}: {c['checked']} checked of {t['exact_packets']} decrypted")
            if label != "esp-wrong-key":
                check(t["exact_packets"] == t["packets"],
                      f"{label}: {t['endpoints']}: only {t['exact_packets']}/{t['packets']} decrypted")
            check(t["transform"] is not None, f"{label}: no transform named")
            check(t["advice"] is not None, f"{label}: no advice")
            cross_check_calculator(label, t)
        ov = t["overhead"]
        check(ov["min"] <= ov["median"] <= ov["max"], f"{label}: min/median/max out of order {ov}")
    # independent oracle: scapy
    if "heapoverflow" in label:
        print(f"note: {label}: fuzzed capture with a link type scapy does not know; oracle skipped")
        return tunnels
    try:
        orc = scapy_oracle(path)
    except Exception as e:  # a fuzzed capture scapy cannot read
        print(f"note: {label}: scapy could not read the capture ({e}); oracle skipped")
        return tunnels
    mine = {(tuple(sorted(t["endpoints"])), t["carrier"]): t for t in tunnels}
    check(set(mine) == set(orc), f"{label}: tunnels {sorted(mine)} but scapy finds {sorted(orc)}")
    for k, o in orc.items():
        t = mine.get(k)
        if not t:
            continue
        check(t["packets"] == o["n"], f"{label} {k}: {t['packets']} packets, scapy {o['n']}")
        check(t["largest"]["vpnscope.overhead.total"] == o["max"],
              f"{label} {k}: largest {t['largest']['vpnscope.overhead.total']}, scapy {o['max']}")
        if o["gre_oh"] and None not in o["gre_oh"]:
            s = sorted(o["gre_oh"])
            exp = (s[0], s[(len(s) - 1) // 2], s[-1])
            got3 = (t["overhead"]["min"], t["overhead"]["median"], t["overhead"]["max"])
            check(got3 == exp, f"{label} {k}: GRE overhead {got3}, scapy {exp}")
    return tunnels


def plan_words(t):
    y = t["type_name"]
    g = t["typical"]["vpnscope.overhead.gre"]
    gre = {0: "", 4: "gre", 8: "gre-key", 12: "gre-key gre-seq", 16: "gre-key gre-seq gre-csum"}[g]
    mode = {GRE_IPSEC_TUNNEL: "tunnel", GRE_IPSEC_TRANSPORT: "transport", IPSEC_TUNNEL: "tunnel",
            GETVPN: "tunnel"}[y]
    words = " ".join(w for w in (gre, mode, "nat-t" if t["vpnscope.overhead.natt"] else "") if w)
    return words


def cross_check_calculator(label, t):
    """The median packet through `--what-if` for the same transform and inner size."""
    typ = t["typical"]
    xf = t["transform"]
    if "(" in xf:
        return  # e.g. a truncated SHA-256 ICV the plan words cannot name
    p = run(["--what-if", "--size", str(typ["vpnscope.overhead.inner"]), "--encap", plan_words(t),
             "--transform", xf, "--json"], 0)
    try:
        v = json.loads(p.stdout)["variants"][0]["breakdown"]
    except (ValueError, KeyError, IndexError):
        check(False, f"{label}: what-if output unreadable")
        return
    for f in ("vpnscope.overhead.total", "vpnscope.overhead.padding", "vpnscope.overhead.iv",
              "vpnscope.overhead.icv", "vpnscope.overhead.bytes"):
        check(v[f] == typ[f], f"{label}: typical packet frame {typ['frame']} {f}: measured {typ[f]}, calculator {v[f]}")


GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugin", "golden")


def golden_overheads(path):
    """Per unordered outer address pair: (overhead, exact) of every frame with a
    vpnscope.overhead tree in the plugin's committed tshark -V golden."""
    res = defaultdict(list)
    pair = None
    in_oh = False
    exact = False
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("Frame "):
                pair, in_oh = None, False
            elif pair is None and line.startswith("Internet Protocol Version"):
                parts = line.strip().split(", ")
                src = [x[5:] for x in parts if x.startswith("Src: ")]
                dst = [x[5:] for x in parts if x.startswith("Dst: ")]
                if src and dst:
                    pair = tuple(sorted([src[0], dst[0]]))
            elif line.startswith("vpnscope encapsulation overhead"):
                in_oh, exact = True, False
            elif in_oh and "[Breakdown: exact" in line:
                exact = True
            elif in_oh and line.strip().startswith("[Overhead: "):
                res[pair].append((int(line.strip()[11:-1]), exact))
                in_oh = False
    return res


def check_plugin_golden(label, sample_dir, cap, keys, tunnels, shared=False):
    """The Wireshark plugin's overhead tree (committed golden) and `vpnscope overhead`
    must show the same numbers: per endpoint pair, the packet count and, over the
    exact packets, min/median/max overhead."""
    if shared:
        g = os.path.join(GOLDEN, "shared", cap + (".keys.txt" if keys else ".txt"))
        capture = os.path.join(SHARED, cap)
    else:
        g = os.path.join(GOLDEN, "samples", sample_dir, cap + (".keys.txt" if keys else ".txt"))
        capture = os.path.join(SAMPLES, sample_dir, cap)
    if not os.path.exists(g):
        return False
    with open(g, errors="replace") as f:
        gframes = sum(1 for line in f if line.startswith("Frame "))
    from scapy.all import rdpcap  # noqa
    try:
        nframes = len(rdpcap(capture))
    except Exception as e:
        print(f"note: {label}: scapy cannot count the frames ({e}); golden comparison skipped")
        return False
    if gframes != nframes:
        # not ours to fix: the plugin's golden was made from an older capture
        print(f"note: {label}: plugin golden {g} has {gframes} frames, the capture {nframes}: "
              f"stale golden, comparison skipped")
        return False
    per = golden_overheads(g)
    mine = defaultdict(list)
    for t in tunnels:
        mine[tuple(sorted(t["endpoints"]))].append(t)
    check(set(per) == set(mine), f"{label}: plugin golden pairs {sorted(per)} vs {sorted(mine)}")
    for k, vals in per.items():
        ts = mine.get(k, [])
        check(sum(t["packets"] for t in ts) == len(vals),
              f"{label} {k}: {sum(t['packets'] for t in ts)} packets, plugin golden {len(vals)}")
        ex = sorted(v for v, e in vals if e)
        if ex and len(ts) == 1:
            want = {"min": ex[0], "median": ex[(len(ex) - 1) // 2], "max": ex[-1]}
            check(ts[0]["overhead"] == want and ts[0]["exact_packets"] == len(ex),
                  f"{label} {k}: overhead {ts[0]['overhead']} ({ts[0]['exact_packets']} exact), "
                  f"plugin golden {want} ({len(ex)} exact)")
    return True


golden_checked = []
table = []
for name, (cap, keys, exp, natt, why) in sorted(SAMPLES_EXPECTED.items()):
    d = os.path.join(SAMPLES, name.split("/")[0])
    path = os.path.join(d, cap)
    if not os.path.exists(path):
        check(False, f"sample {path} missing")
        continue
    kp = os.path.join(d, keys) if keys else None
    rc = 1 if name == "esp-wrong-key" else 0
    ts = check_capture(name, path, kp, exp, natt, rc)
    if name == "esp-wrong-key":
        # Wireshark decrypts whatever the encryption key gives, ICV good or not (here only the
        # integrity key is wrong), so the plugin measures all 8 packets exactly; the analyzer
        # keeps no plaintext that failed its ICV. Same numbers with the correct keys:
        ts = run_json([path, "-k", os.path.join(d, "esp_sa.correct")])["tunnels"]
        check(ts[0]["exact_packets"] == 8 and ts[0]["calculator"] == {"checked": 8, "mismatches": 0},
              f"esp-wrong-key with esp_sa.correct: {ts[0]['exact_packets']} exact")
    if check_plugin_golden(name, name.split("/")[0], cap, keys, ts):
        golden_checked.append(name)
    for t in ts:
        o = t["overhead"]
        table.append((name, t["type_name"] + (" + NAT-T" if t["vpnscope.overhead.natt"] else ""),
                      t["packets"], f"{o['min']}/{o['median']}/{o['max']}"))

# every sample directory with a capture is covered
for d in sorted(os.listdir(SAMPLES)):
    full = os.path.join(SAMPLES, d)
    if os.path.isdir(full) and any(f.endswith(".pcap") for f in os.listdir(full)):
        check(d in SAMPLES_EXPECTED, f"sample {d} has no expectation here")

if os.path.isdir(SHARED):
    for f in sorted(os.listdir(SHARED)):
        if not (f.endswith(".pcap") or f.endswith(".cap")):
            continue
        if f not in SHARED_EXPECTED:
            check(False, f"shared capture {f} has no expectation here")
            continue
        suf, exp, natt, rc = SHARED_EXPECTED[f]
        kp = os.path.join(SHARED, f + suf) if suf else None
        ts = check_capture(f, os.path.join(SHARED, f), kp, exp, natt, rc)
        if check_plugin_golden(f, None, f, kp, ts, shared=True):
            golden_checked.append(f)
        for t in ts:
            o = t["overhead"]
            table.append((f, t["type_name"] + (" + NAT-T" if t["vpnscope.overhead.natt"] else ""),
                          t["packets"], f"{o['min']}/{o['median']}/{o['max']}"))
else:
    print(f"note: {SHARED} absent: shared captures skipped")

# exact numbers on one sample, from its README (esp-aes 256 esp-sha-hmac, transport mode, GRE 4):
# outer IP 20 + ESP 8 + IV 16 + GRE 4 + inner + pad + 2 + ICV 12
d = run_json([os.path.join(SAMPLES, "gre-ipsec-transport/gre-ipsec-transport.pcap"), "-k",
              os.path.join(SAMPLES, "gre-ipsec-transport/esp_sa")])
t = d["tunnels"][0]
typ = t["typical"]
check((typ["vpnscope.overhead.outer_ip"], typ["vpnscope.overhead.esp_header"], typ["vpnscope.overhead.iv"],
       typ["vpnscope.overhead.gre"], typ["vpnscope.overhead.trailer"], typ["vpnscope.overhead.icv"])
      == (20, 8, 16, 4, 2, 12), f"gre-ipsec-transport typical breakdown {typ}")
check((typ["vpnscope.overhead.inner"] + typ["vpnscope.overhead.gre"] + typ["vpnscope.overhead.padding"] + 2) % 16 == 0,
      "gre-ipsec-transport: AES-CBC payload not a multiple of 16")
check(t["advice"] == {"ip_mtu": 1434, "tcp_adjust_mss": 1394}, f"gre-ipsec-transport advice {t['advice']}")
check(t["transform"] == "esp-aes 256 esp-sha-hmac", f"transform {t['transform']}")

# without keys, with --transform: IV and ICV estimated, the rest unsplit
d = run_json([os.path.join(SAMPLES, "nat-t/nat-t.pcap"), "--transform", "esp-aes esp-sha-hmac"])
t = d["tunnels"][0]
check(t["vpnscope.overhead.exact"] == 2 and t["exact_packets"] == 0, "nat-t without keys: not exact")
check(t["typical"]["vpnscope.overhead.iv"] == 16 and t["typical"]["vpnscope.overhead.icv"] == 12,
      f"nat-t --transform: IV/ICV {t['typical']}")
# vs_plan_parse assumes tunnel mode (the IOS default) when only a transform is given: labelled
check(t["type_name"] == IPSEC_TUNNEL and t["type_assumed"] is True, "nat-t --transform: type not marked assumed")
check(t["advice"] == {"ip_mtu": 1422, "tcp_adjust_mss": 1382}, f"nat-t --transform advice {t['advice']}")
d3 = run_json([os.path.join(SAMPLES, "nat-t/nat-t.pcap")])
check(d3["tunnels"][0]["type_name"] == IPSEC_UNKNOWN and d3["tunnels"][0]["advice"] is None,
      "nat-t without keys or transform: mode must stay unknown")
d2 = run_json([os.path.join(SAMPLES, "nat-t/nat-t.pcap"), "--transform", "esp-aes esp-sha-hmac",
               "--encap", "tunnel nat-t"])
t2 = d2["tunnels"][0]
check(t2["type_name"] == IPSEC_TUNNEL and t2["advice"] is not None, f"nat-t --encap tunnel: {t2['type_name']}")
p = run([os.path.join(SAMPLES, "nat-t/nat-t.pcap"), "--transform", "esp-aes esp-sha-hmac"], 0)
check("estimate" in p.stdout and "at least" in p.stdout, "nat-t text: estimates not labelled")
# with keys: exact, the overhead lies in the estimate's range
k = run_json([os.path.join(SAMPLES, "nat-t/nat-t.pcap"), "-k", os.path.join(SAMPLES, "nat-t/esp_sa")])
lo = t["overhead"]["median"] + 2
check(lo <= k["tunnels"][0]["overhead"]["median"] <= lo + 15,
      f"nat-t: exact median {k['tunnels'][0]['overhead']['median']} outside the estimate {lo}..{lo + 15}")

# the seed's example through the CLI: EIGRP hello (60 bytes) in GRE with tunnel key = 88 bytes
d = run_json(["--what-if", "--size", "60", "--gre-key", "--transform", "esp-3des esp-md5-hmac"])
tot = [v["breakdown"]["vpnscope.overhead.total"] for v in d["variants"][:4]]
pad = [v["breakdown"]["vpnscope.overhead.padding"] for v in d["variants"][:4]]
check(tot == [88, 144, 120, 112], f"seed example totals {tot}, expected 88/144/120/112")
check(pad[1:] == [6, 2, 2], f"seed example padding {pad[1:]}, expected 6/2/2")

# exit codes: packets over the path MTU -> 1 with a warning; usage/input errors -> 2
p = run([os.path.join(SAMPLES, "gre-ipsec-transport/gre-ipsec-transport.pcap"), "--mtu", "200"], 1)
check("WARNING: largest packet 232 bytes" in p.stdout, f"--mtu 200: no warning: {p.stdout[:400]}")
run([os.path.join(SAMPLES, "gre-ipsec-transport/gre-ipsec-transport.pcap"), "--mtu", "232"], 0)
run(["/nonexistent.pcap"], 2)
run([], 2)
run(["x.pcap", "--mtu", "abc"], 2)
run(["--what-if", "x.pcap"], 2)
run([os.path.join(SAMPLES, "nat-t/nat-t.pcap"), "--transform", "esp-bogus"], 2)
run([os.path.join(SAMPLES, "nat-t/nat-t.pcap"), "-k", "/nonexistent-keys"], 2)
# fragments of an encapsulated packet: a 1500-byte inner packet in GRE with a key (1528 bytes)
# fragmented by the path (scapy writes the fragments), then a small packet back
import tempfile  # noqa: E402
from scapy.all import IP, GRE, ICMP, Raw, fragment, wrpcap  # noqa: E402
with tempfile.TemporaryDirectory() as tmp:
    fp = os.path.join(tmp, "frag.pcap")
    inner = IP(src="10.1.1.10", dst="10.2.2.20") / ICMP() / Raw(b"x" * 1472)
    outer = IP(src="192.0.2.1", dst="192.0.2.2", id=77) / GRE(key_present=1, key=7) / inner
    frags = fragment(outer, fragsize=1400)
    check([len(bytes(f)) for f in frags] == [1420, 128], "scapy fragments")
    wrpcap(fp, frags + [IP(src="192.0.2.2", dst="192.0.2.1") / GRE() /
                        IP(src="10.2.2.20", dst="10.1.1.10") / ICMP()])
    d = run_json([fp], 1)
    t = d["tunnels"][0]
    check(t["packets"] == 2 and t["vpnscope.overhead.fragmented"] == 1 and t["over_path_mtu"] == 1,
          f"fragmented GRE: {t}")
    check(t["largest"] == {"frame": 2, "vpnscope.overhead.total": 1528, "fits_path_mtu": False},
          f"fragmented GRE largest {t['largest']}")
    check(t["overhead"] == {"min": 24, "median": 24, "max": 28}, f"fragmented GRE overhead {t['overhead']}")
    p = run([fp], 1)
    check("arrived as IP fragments (first frame 2)" in p.stdout, f"fragment warning: {p.stdout}")
    run([fp, "--mtu", "1528"], 1)  # fits the MTU, but it did fragment on the way

# the README's worked example is real output: every line it shows is in today's output
README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")
with open(README) as f:
    text = f.read()
sec = text[text.index("## Worked example: overhead"):]
sec = sec[:sec.index("\n## ", 5)]
blocks = sec.split("```")[1::2]
check(len(blocks) == 2, f"README worked example: {len(blocks)} code blocks")
root = os.path.dirname(SAMPLES.rstrip("/"))
for b in blocks:
    lines = [x for x in b.strip("\n").split("\n") if x.strip()]
    cmd = lines[0]
    check(cmd.startswith("$ vpnscope overhead "), f"README block starts with {cmd}")
    import shlex  # noqa: E402
    argv = shlex.split(cmd[len("$ vpnscope overhead "):])
    argv = [os.path.join(root, a) if a.startswith("samples/") else a for a in argv]
    out = run(argv, 0).stdout.split("\n")
    pos = 0
    for x in lines[1:]:  # in the same order (lines may be left out)
        try:
            pos = out.index(x, pos) + 1
        except ValueError:
            check(False, f"README line not in the output of '{cmd}' (in this order): {x!r}")

p = run(["--help"], 0)
check("CAPTURE" in p.stdout and "--what-if" in p.stdout, "--help text")

print("\nsample / capture | type | packets | overhead min/median/max")
for r in table:
    print(" | ".join(str(x) for x in r))
print(f"\nplugin goldens compared: {len(golden_checked)} ({', '.join(golden_checked)})")
print(f"\n{checks} checks, {len(failures)} failures")
sys.exit(1 if failures else 0)
