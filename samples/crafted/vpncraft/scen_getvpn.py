"""GETVPN: key server + 3 group members (group SALES, identity number 111).

Two captures from one scenario description:
  getvpn-3des.pcap  phase 1 3DES/SHA/group 2, KEK 3DES (SHA-1 signatures), TEK esp-3des esp-sha-hmac,
                    multicast rekeys to 239.192.1.1
  getvpn-aes.pcap   phase 1 AES-256/SHA/group 14, KEK AES-128 (SHA-256 signatures), TEK esp-aes 128
                    esp-sha-hmac, unicast rekeys to every GM
"""
import json
import os
import struct

from cryptography.hazmat.primitives import serialization
from scapy.all import IP, ICMP, Raw

from . import ikev1 as ike
from . import gdoi
from .det import rnd, rnd_int
from .esp import EspSa
from .wire import Capture
from . import listing

HERE = os.path.dirname(os.path.abspath(__file__))
KS = "192.168.100.1"
GMS = [  # (name, WAN address, LAN host)
    ("GM1", "192.168.101.2", "10.1.1.10"),
    ("GM2", "192.168.102.2", "10.1.2.20"),
    ("GM3", "192.168.103.2", "10.1.3.30"),
]
PSK = b"GETVPN-psk-111"
GROUP_NUMBER = 111
MCAST = "239.192.1.1"
ICMP_TEXT = b"vpnscope GETVPN group SALES "


def load_rsa():
    with open(os.path.join(HERE, "..", "fixed", "ks-rekeyrsa.pem"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


VARIANTS = {
    "3des": dict(p1_enc=ike.ENC_3DES, p1_keylen=0, group=2, kek_alg=gdoi.KEK_ALG_3DES, kek_len=24,
                 sig_hash=gdoi.SIG_HASH_SHA1, tek=gdoi.ESP_3DES, esp_enc="3DES", esp_keylen=24,
                 rekey="multicast"),
    "aes": dict(p1_enc=ike.ENC_AES, p1_keylen=256, group=14, kek_alg=gdoi.KEK_ALG_AES, kek_len=16,
                sig_hash=gdoi.SIG_HASH_SHA256, tek=gdoi.ESP_AES, esp_enc="AES-CBC", esp_keylen=16,
                rekey="unicast"),
}


def make_tek(v, label, lifetime):
    spi = rnd_int(label + "/spi", 4) | 0x10000000
    enc_key = rnd(label + "/enc", v["esp_keylen"])
    auth_key = rnd(label + "/auth", 20)
    t = gdoi.Tek(spi, v["tek"], enc_key, auth_key, lifetime, "10.1.0.0/16", "10.1.0.0/16",
                 keylen=128 if v["tek"] == gdoi.ESP_AES else 0)
    t.esp = EspSa(spi, v["esp_enc"], enc_key, "HMAC-SHA1-96", auth_key, tunnel="preserve")
    return t


def build(variant, outdir, bad_identity=False):
    v = VARIANTS[variant]
    tag = "getvpn-" + variant + ("-badid" if bad_identity else "")
    cap = Capture()
    rsa = load_rsa()
    kek = gdoi.Kek(rnd(tag + "/kek/spi", 16), v["kek_alg"], rnd(tag + "/kek/key", v["kek_len"]),
                   rnd(tag + "/kek/iv", 8 if v["kek_alg"] == gdoi.KEK_ALG_3DES else 16), 86400, KS,
                   MCAST if v["rekey"] == "multicast" else "0.0.0.0", v["sig_hash"], rsa)
    tek1 = make_tek(v, tag + "/tek1", 900)
    facts = {"variant": variant, "ks": KS, "group": "SALES", "identity_number": GROUP_NUMBER,
             "phase1": [], "pull": [], "push": [], "esp": [], "kek": {}, "teks": []}
    facts["kek"] = {"spi": kek.spi.hex(), "alg": {2: "3DES", 3: "AES-128"}[kek.alg], "key": kek.key.hex(),
                    "iv": kek.iv.hex(), "lifetime": kek.lifetime, "sig_hash": {2: "SHA1", 3: "SHA256"}[kek.sig_hash],
                    "rsa_public_der": kek.pubkey_der().hex()}
    seq = 1  # KS's GROUPKEY-PUSH sequence number, reported in every pull
    gms = GMS[:1] if bad_identity else GMS
    p1s = {}
    t = 0.0
    ikelines = []
    for i, (name, wan, host) in enumerate(gms):
        t = 1.0 + i * 3.0
        p1 = ike.Phase1(tag + "/" + name, wan, KS, PSK, doi=gdoi.GDOI_DOI, enc=v["p1_enc"],
                        keylen=v["p1_keylen"], group=v["group"], id_port=848)
        p1s[name] = p1
        for k, (from_i, m) in enumerate(p1.run()):
            src, dst = (wan, KS) if from_i else (KS, wan)
            cap.add_udp(t, src, dst, 848, 848, m, "%s MM%d" % (name, k + 1))
            t += 0.01
        facts["phase1"].append({"gm": name, "wan": wan, "icookie": p1.icky.hex(), "rcookie": p1.rcky.hex(),
                                "enc_key": p1.enc_key.hex(), "skeyid": p1.skeyid.hex(),
                                "skeyid_d": p1.skeyid_d.hex(), "skeyid_a": p1.skeyid_a.hex(),
                                "skeyid_e": p1.skeyid_e.hex(), "dh_group": v["group"],
                                "xi": "%x" % p1.xi, "xr": "%x" % p1.xr, "psk": PSK.decode()})
        ikelines.append("%s,%s" % (p1.icky.hex(), p1.enc_key.hex()))
        pull = gdoi.Pull(p1, tag + "/" + name + "/pull", 112 if bad_identity else GROUP_NUMBER)
        cap.add_udp(t, wan, KS, 848, 848, pull.msg1(), name + " PULL1"); t += 0.01
        entry = {"gm": name, "msgid": "%08x" % pull.msgid, "ni": pull.ni.hex(), "nr": pull.nr.hex(),
                 "hash1": pull.hash1.hex()}
        if bad_identity:
            # KS has no group 112: refuses the registration with an encrypted, HASH-protected notify
            # INVALID-ID-INFORMATION (18) inside the pull exchange, and never sends policy or keys.
            cap.add_udp(t, KS, wan, 848, 848, pull.notify(18), name + " PULL2 notify"); t += 0.01
            entry["notify"] = 18
            facts["pull"].append(entry)
            break
        sa_body = gdoi.sa_payload_body(kek, [tek1])
        cap.add_udp(t, KS, wan, 848, 848, pull.msg2(sa_body), name + " PULL2"); t += 0.01
        cap.add_udp(t, wan, KS, 848, 848, pull.msg3(), name + " PULL3"); t += 0.01
        kd = gdoi.kd_body([kek.key_packet(), tek1.key_packet()])
        cap.add_udp(t, KS, wan, 848, 848, pull.msg4(seq, kd), name + " PULL4"); t += 0.01
        entry.update({"hash2": pull.hash2.hex(), "hash3": pull.hash3.hex(), "hash4": pull.hash4.hex(), "seq": seq,
                      "tek_spis": ["%08x" % tek1.spi], "kek_spi": kek.spi.hex()})
        facts["pull"].append(entry)

    teks = [tek1]
    counters = {}

    def esp(t, src_gm, dst_gm, tek, kind, ident, note):
        sname, _, shost = src_gm
        dname, _, dhost = dst_gm
        key = (sname, tek.spi)
        counters[key] = counters.get(key, 0) + 1
        n = counters[key]
        payload = ICMP_TEXT + ("%s->%s #%d" % (sname, dname, ident)).encode()
        inner = IP(src=shost, dst=dhost, ttl=63, id=0x1000 + ident) / ICMP(type=kind, id=0x4711, seq=ident) / Raw(payload)
        outer = tek.esp.protect(inner, n, "%s/esp/%s/%d" % (tag, sname, n + 1000 * teks.index(tek)))
        cap.add_ip(t, outer, note)
        facts["esp"].append({"t": round(t, 3), "src": shost, "dst": dhost, "spi": "%08x" % tek.spi, "seq": n,
                             "sender": sname, "plaintext_contains": payload.decode()})

    if bad_identity:
        # the refused GM never sends group traffic: only clear traffic would follow, none captured
        return finish(cap, facts, ikelines, teks, outdir, tag, v)

    g1, g2, g3 = GMS
    # traffic on TEK1 from several senders, same SPI
    esp(20.0, g1, g2, tek1, 8, 1, "GM1->GM2 echo")
    esp(20.1, g2, g1, tek1, 0, 1, "GM2->GM1 reply")
    esp(21.0, g3, g1, tek1, 8, 2, "GM3->GM1 echo")
    esp(21.1, g1, g3, tek1, 0, 2, "GM1->GM3 reply")
    esp(22.0, g2, g3, tek1, 8, 3, "GM2->GM3 echo")
    esp(22.1, g3, g2, tek1, 0, 3, "GM3->GM2 reply")

    def rekey(t, new_tek, label):
        nonlocal seq
        seq += 1
        sa_body = gdoi.sa_payload_body(kek, [new_tek])
        kd = gdoi.kd_body([kek.key_packet(), new_tek.key_packet()])
        msg, plain, signed, sig = gdoi.push(kek, seq, sa_body, kd)
        dsts = [MCAST] if v["rekey"] == "multicast" else [g[1] for g in GMS]
        for d in dsts:
            cap.add_udp(t, KS, d, 848, 848, msg, label, ttl=255 if d != MCAST else 16)
            t += 0.001
        facts["push"].append({"t": round(t, 3), "seq": seq, "dst": dsts, "tek_spi": "%08x" % new_tek.spi,
                              "signature": sig.hex(), "plaintext": plain.hex(), "signed_len": len(signed)})

    # TEK lifetime 900 s; the KS rekeys before expiry (at 840 s)
    tek2 = make_tek(v, tag + "/tek2", 900)
    teks.append(tek2)
    rekey(840.0, tek2, "rekey seq 2")
    esp(845.0, g1, g2, tek2, 8, 4, "GM1->GM2 echo (new TEK)")
    esp(845.1, g2, g1, tek2, 0, 4, "GM2->GM1 reply (new TEK)")
    esp(846.0, g3, g2, tek1, 8, 5, "GM3->GM2 echo (old TEK, still valid)")
    esp(846.1, g2, g3, tek2, 0, 5, "GM2->GM3 reply (new TEK)")
    tek3 = make_tek(v, tag + "/tek3", 900)
    teks.append(tek3)
    rekey(1680.0, tek3, "rekey seq 3")
    esp(1690.0, g3, g1, tek3, 8, 6, "GM3->GM1 echo (third TEK)")
    esp(1690.1, g1, g3, tek3, 0, 6, "GM1->GM3 reply (third TEK)")
    return finish(cap, facts, ikelines, teks, outdir, tag, v)


def finish(cap, facts, ikelines, teks, outdir, tag, v):
    os.makedirs(outdir, exist_ok=True)
    n = cap.write(os.path.join(outdir, ("getvpn-bad-identity" if tag.endswith("-badid") else tag) + ".pcap"))
    facts["frames"] = n
    facts["listing_md"] = listing.markdown(cap)
    facts["teks"] = [{"spi": "%08x" % t.spi, "transform": {3: "ESP_3DES", 12: "ESP_AES"}[t.transform],
                      "enc_key": t.enc_key.hex(), "auth_alg": "HMAC-SHA1-96", "auth_key": t.auth_key.hex(),
                      "lifetime": t.lifetime} for t in teks]
    facts["esp_sa"] = [t.esp.wireshark_line() for t in teks]
    facts["ikev1_decryption_table"] = ikelines
    return facts
