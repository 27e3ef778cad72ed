"""Cross-check: samples/getvpn (3DES and AES variants) decoded by the core vs the generator's truth.

Per capture: every frame decodes ok with no problem; phase 1 (MM5/MM6), the four GROUPKEY-PULL
messages of each GM and both GROUPKEY-PUSH rekeys are decrypted here (xc.py, RFC 2409 appendix B,
RFC 6407 4) and their payload chains decoded by the core with status ok and no problem; HASH,
nonce, ID, SA KEK / GAP / SA TEK, SEQ, KD values equal keys.json; the ESP SPIs and sequence numbers
per sender equal keys.json, and the TEK keys the core decoded decrypt every ESP packet.
"""
import os
import struct

import xc
from xc import eq, check

KEK_ALG = {"3DES": 2, "AES-128": 3, "AES-192": 3, "AES-256": 3}
SIG_HASH = {"SHA1": 2, "SHA256": 3}
TRANSFORM = {"ESP_3DES": 3, "ESP_AES": 12}


def decode_gdoi(h, pt, what):
    """Decode a decrypted GDOI body. The samples write KD Length as the whole key packet
    (RFC 6407 5.6.1); a body in the old generator form (octets after the field) fails here."""
    fixed_body, n, form = xc.kd_length_fixup(h["np"], pt)
    eq(n, 0, what + ": KD Length fields in the generator's old form (octets after the field)")
    d = xc.dump_payloads("gdoi", pt, h["np"], h["exch"])
    xc.check_clean(d, what)
    return d, form


def sa_checks(d, kek, tek, what, kek_dst):
    saks = [s for s in xc.subtrees(d, "vpnscope.gdoi.payload") if s[0][1] == 15]
    eq(len(saks), 1, what + " one SA KEK")
    sak_items = saks[0][1] if saks else []
    v = lambda n: xc.vals_in(sak_items, n)
    eq(v("vpnscope.gdoi.kek.spi"), [kek["spi"]], what + " SA KEK SPI")
    eq(v("vpnscope.gdoi.kek.protocol"), [17], what + " SA KEK protocol")
    eq(v("vpnscope.gdoi.kek.src_id_port"), [848], what + " SA KEK src port")
    eq(v("vpnscope.ike.id.ipv4"), ["192.168.100.1", kek_dst], what + " SA KEK src/dst ID")
    eq(v("vpnscope.gdoi.kek.reserved2"), [0], what + " SA KEK 4 octets after the SPI")
    eq(v("vpnscope.gdoi.kek.algorithm"), [KEK_ALG[kek["alg"]]], what + " KEK_ALGORITHM")
    eq(v("vpnscope.gdoi.kek.key_length"), [len(bytes.fromhex(kek["key"])) * 8], what + " KEK_KEY_LENGTH")
    eq(v("vpnscope.gdoi.kek.key_lifetime"), [kek["lifetime"]], what + " KEK_KEY_LIFETIME")
    eq(v("vpnscope.gdoi.kek.sig_hash_algorithm"), [SIG_HASH[kek["sig_hash"]]], what + " SIG_HASH_ALGORITHM")
    eq(v("vpnscope.gdoi.kek.sig_algorithm"), [1], what + " SIG_ALGORITHM RSA")
    eq(v("vpnscope.gdoi.kek.sig_key_length"), [2048], what + " SIG_KEY_LENGTH")
    eq(xc.values(d, "vpnscope.gdoi.sa.attr_next_payload"), [15], what + " SA attribute next payload = SAK")
    eq(xc.values(d, "vpnscope.gdoi.gap.activation_time_delay"), [0], what + " GAP ACTIVATION_TIME_DELAY")
    eq(xc.values(d, "vpnscope.gdoi.gap.deactivation_time_delay"), [0], what + " GAP DEACTIVATION_TIME_DELAY")
    # payloads nested in the SA: SAK -> GAP -> SAT, all inside the SA payload's length
    sa = [s for s in xc.subtrees(d, "vpnscope.gdoi.payload") if s[0][1] == 1][0]
    inner = [it[1] for it in sa[1] if it[0] == "vpnscope.gdoi.payload"]
    eq(inner, [15, 22, 16], what + " SA attribute payloads inside the SA")
    eq(xc.values(d, "vpnscope.gdoi.tek.protocol_id"), [1], what + " SA TEK GDOI_PROTO_IPSEC_ESP")
    eq(xc.values(d, "vpnscope.gdoi.tek.src_id_length"), [8], what + " SA TEK src ID length (2 octets)")
    eq(xc.values(d, "vpnscope.gdoi.tek.dst_id_length"), [8], what + " SA TEK dst ID length (2 octets)")
    eq(xc.values(d, "vpnscope.ike.id.ipv4_mask")[-2:], ["255.255.0.0", "255.255.0.0"], what + " SA TEK ID masks")
    eq(xc.values(d, "vpnscope.gdoi.tek.transform_id.esp"), [TRANSFORM[tek["transform"]]], what + " SA TEK transform")
    eq(xc.values(d, "vpnscope.gdoi.tek.spi"), [int(tek["spi"], 16)], what + " SA TEK SPI")
    eq(xc.values(d, "vpnscope.ike.attr.ipsec.life_duration"), [tek["lifetime"]], what + " SA TEK lifetime")
    eq(xc.values(d, "vpnscope.ike.attr.ipsec.encap_mode"), [1], what + " SA TEK tunnel mode")
    eq(xc.values(d, "vpnscope.ike.attr.ipsec.auth_algorithm"), [2], what + " SA TEK HMAC-SHA")
    eq(xc.values(d, "vpnscope.ike.attr.ipsec.addr_preservation"), [2], what + " SA TEK address preservation")
    eq(xc.values(d, "vpnscope.ike.attr.ipsec.sa_direction"), [3], what + " SA TEK direction symmetric")
    if tek["transform"] == "ESP_AES":
        eq(xc.values(d, "vpnscope.ike.attr.ipsec.key_length"), [len(bytes.fromhex(tek["enc_key"])) * 8],
           what + " SA TEK key length")


def kd_checks(d, kek, tek, what):
    pk = xc.subtrees(d, "vpnscope.gdoi.kd.packet")
    eq([p[0][1] for p in pk], [2, 1], what + " KD key packets KEK, TEK")
    eq(xc.values(d, "vpnscope.gdoi.kd.num_key_packets"), [2], what + " KD number of key packets")
    kv = lambda i, n: xc.vals_in(pk[i][1], n)
    eq(kv(0, "vpnscope.gdoi.kd.spi"), [kek["spi"]], what + " KD KEK SPI")
    eq(kv(0, "vpnscope.gdoi.kd.kek_algorithm_key"), [kek["iv"] + kek["key"]], what + " KD KEK_ALGORITHM_KEY = IV | key")
    eq(kv(0, "vpnscope.gdoi.kd.sig_algorithm_key"), [kek["rsa_public_der"]], what + " KD SIG_ALGORITHM_KEY")
    eq(kv(1, "vpnscope.gdoi.kd.spi"), [tek["spi"]], what + " KD TEK SPI")
    eq(kv(1, "vpnscope.gdoi.kd.tek_algorithm_key"), [tek["enc_key"]], what + " KD TEK_ALGORITHM_KEY")
    eq(kv(1, "vpnscope.gdoi.kd.tek_integrity_key"), [tek["auth_key"]], what + " KD TEK_INTEGRITY_KEY")
    # spans: each key packet's item covers KD Type .. its last attribute, packets back to back
    eq(pk[1][0][2], pk[0][0][2] + pk[0][0][3], what + " KD TEK packet follows the KEK packet")
    for p in pk:
        eq(xc.vals_in(p[1], "vpnscope.gdoi.kd.length"), [p[0][3]], what + " KD Length = key packet span")
    return {int(kv(1, "vpnscope.gdoi.kd.spi")[0], 16): (bytes.fromhex(kv(1, "vpnscope.gdoi.kd.tek_algorithm_key")[0]),
                                                        bytes.fromhex(kv(1, "vpnscope.gdoi.kd.tek_integrity_key")[0]))}


def run(variant, keys):
    pcap = os.path.join(xc.SAMPLES, "getvpn", "getvpn-%s.pcap" % variant)
    frames = xc.read_pcap(pcap)
    dumped = xc.dump_pcap(pcap)
    eq(len(dumped), keys["frames"], variant + " frame count")
    for n, d in dumped.items():
        xc.check_clean(d, "%s frame %d (%s)" % (variant, n, d["app"]))
    dec = xc.Ikev1Decryptor(xc.read_key_table(os.path.join(xc.SAMPLES, "getvpn", "ikev1_decryption_table")))
    gms = {bytes.fromhex(p["icookie"]): p for p in keys["phase1"]}
    pulls = {p["gm"]: p for p in keys["pull"]}
    kek = keys["kek"]
    teks = keys["teks"]
    tek_by_spi = {t["spi"]: t for t in teks}
    pull_msgs = {}
    learned = {}
    pushes = []
    esp_frames = []
    for n, lt, fr in frames:
        ip = xc.ipv4_of(fr, lt)
        p = xc.ip_parts(ip)
        if p["proto"] == 50:
            esp_frames.append((n, p))
            continue
        sport, dport, msg = xc.udp_payload(ip)
        eq((sport, dport), (848, 848), "%s frame %d UDP 848" % (variant, n))
        eq(dumped[n]["app"], "gdoi", "%s frame %d decoded as GDOI" % (variant, n))
        h = xc.isakmp_hdr(msg)
        if h["exch"] == 33:
            key, iv = bytes.fromhex(kek["key"]), bytes.fromhex(kek["iv"])
            pt = xc.cbc_decrypt(key, iv, msg[28:h["len"]])
            pushes.append((n, h, pt))
            continue
        h, pt = dec.feed(msg)
        gm = gms[h["icky"]]
        what = "%s frame %d %s" % (variant, n, gm["gm"])
        eq(xc.values(dumped[n], "vpnscope.ike.icookie"), [gm["icookie"]], what + " initiator cookie")
        eq(xc.values(dumped[n], "vpnscope.ike.flags.encryption"), [h["flags"] & 1], what + " E flag")
        if pt is None:
            phase1_clear(dumped[n], gm, keys, what)
            continue
        if h["msgid"] == 0:
            d = xc.dump_payloads("gdoi", pt, h["np"], h["exch"])
            xc.check_clean(d, what + " phase 1")
            from_gm = p["src"] == gm["wan"]
            eq(xc.values(d, "vpnscope.ike.id.ipv4"), [gm["wan"] if from_gm else "192.168.100.1"], what + " phase-1 ID")
            eq(xc.values(d, "vpnscope.ike.id.port"), [848], what + " phase-1 ID port")
            eq(xc.values(d, "vpnscope.ike.id.protocol"), [17], what + " phase-1 ID protocol")
            eq(len(xc.values(d, "vpnscope.ike.hash.data")), 1, what + " phase-1 HASH present")
            continue
        pull = pulls[gm["gm"]]
        eq("%08x" % h["msgid"], pull["msgid"], what + " pull M-ID")
        k = pull_msgs.setdefault(gm["gm"], [])
        k.append(n)
        i = len(k)
        d, form = decode_gdoi(h, pt, "%s pull %d" % (what, i))
        eq(xc.values(d, "vpnscope.ike.hash.data"), [pull["hash%d" % i]], what + " HASH(%d)" % i)
        if i == 1:
            eq(xc.values(d, "vpnscope.ike.nonce.data"), [pull["ni"]], what + " Ni")
            eq(xc.values(d, "vpnscope.ike.id.type"), [11], what + " ID_KEY_ID")
            eq(xc.values(d, "vpnscope.ike.id.key_id"), ["%08x" % keys["identity_number"]], what + " group id")
        elif i == 2:
            eq(xc.values(d, "vpnscope.ike.nonce.data"), [pull["nr"]], what + " Nr")
            eq(pull["kek_spi"], kek["spi"], what + " keys.json pull KEK SPI = KEK")
            sa_checks(d, kek, tek_by_spi[pull["tek_spis"][0]], what, kek_dst(keys))
        elif i == 4:
            eq(xc.values(d, "vpnscope.gdoi.seq"), [pull["seq"]], what + " SEQ")
            learned.update(kd_checks(d, kek, tek_by_spi[pull["tek_spis"][0]], what))
    eq(sorted(len(v) for v in pull_msgs.values()), [4, 4, 4], variant + " 4 pull messages per GM")
    # one frame per destination of each rekey (multicast: 1, unicast: one per GM)
    push_truth = [(j, pu, dst) for j, pu in enumerate(keys["push"]) for dst in pu["dst"]]
    eq(len(pushes), len(push_truth), variant + " rekey frames")
    for (n, h, pt), (j, pu, dst) in zip(pushes, push_truth):
        what = "%s frame %d rekey %d to %s" % (variant, n, j + 1, dst)
        eq(xc.ip_parts(xc.ipv4_of(frames[n - 1][2], frames[n - 1][1]))["dst"], dst, what + " destination")
        truth = bytes.fromhex(pu["plaintext"])
        check(pt.startswith(truth) and not pt[len(truth):].strip(b"\0"),
              what + ": KEK decryption gives the generator's plaintext (zero padding)")
        d, form = decode_gdoi(h, pt, what)
        eq(xc.values(d, "vpnscope.gdoi.seq"), [j + 2], what + " SEQ")
        new_tek = teks[j + 1]
        sa_checks(d, kek, new_tek, what, kek_dst(keys))
        learned.update(kd_checks(d, kek, new_tek, what))
        sig = xc.values(d, "vpnscope.ike.sig.data")
        eq([len(s) // 2 for s in sig], [256], what + " SIG 2048-bit")
        eq(xc.values(d, "vpnscope.gdoi.payload")[:1], [18], what + " first payload SEQ")
    # ESP: SPI / sequence per sender as keys.json says, decrypted with the keys the core decoded
    esp_truth = sorted(keys["esp"], key=lambda e: e["t"])
    eq(len(esp_frames), len(esp_truth), variant + " ESP packet count")
    eq(sorted(learned), sorted(int(t["spi"], 16) for t in teks), variant + " TEKs learned from decoded KDs")
    for (n, p), e in zip(esp_frames, esp_truth):
        d = dumped[n]
        what = "%s frame %d ESP %s" % (variant, n, e["sender"])
        eq((p["src"], p["dst"]), (e["src"], e["dst"]), what + " addresses")
        eq(xc.values(d, "vpnscope.esp.spi"), [int(e["spi"], 16)], what + " SPI")
        eq(xc.values(d, "vpnscope.esp.sequence"), [e["seq"]], what + " sequence")
        enc, auth = learned[int(e["spi"], 16)]
        ok, nh, inner = xc.esp_decrypt(p["payload"], enc, auth, "3DES" if len(enc) == 24 else "AES")
        check(ok, what + " ICV good with the decoded TEK integrity key")
        eq(nh, 4, what + " next header IPv4 (tunnel mode)")
        check(e["plaintext_contains"].encode() in inner, what + " plaintext")
        eq(".".join(map(str, inner[12:16])), e["src"], what + " inner source preserved")


MODP = {2: int("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
               "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
               "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16),
        14: int("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
                "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
                "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
                "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
                "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)}  # RFC 2409 6.2, RFC 3526 3


def phase1_clear(d, gm, keys, what):
    """MM1-MM4 in the clear: the phase-1 offer with DOI 2 (RFC 6407 2.1) and the KE payloads, which
    must be g^x for the private values keys.json lists (RFC 2409 5)."""
    sa = xc.values(d, "vpnscope.ike.sa.doi")
    ke = xc.values(d, "vpnscope.ike.ke.data")
    if sa:
        eq(sa, [2], what + " phase-1 SA DOI 2 (GDOI)")
        eq(xc.values(d, "vpnscope.ike.proposal.protocol_id"), [1], what + " PROTO_ISAKMP")
        aes = keys["variant"] == "aes"
        eq(xc.values(d, "vpnscope.ike.attr.oakley.encryption"), [7 if aes else 5], what + " phase-1 cipher")
        eq(xc.values(d, "vpnscope.ike.attr.oakley.key_length"), [256] if aes else [], what + " phase-1 AES key length")
        eq(xc.values(d, "vpnscope.ike.attr.oakley.hash"), [2], what + " phase-1 SHA")
        eq(xc.values(d, "vpnscope.ike.attr.oakley.auth_method"), [1], what + " phase-1 pre-shared key")
        eq(xc.values(d, "vpnscope.ike.attr.oakley.group"), [gm["dh_group"]], what + " phase-1 DH group")
        eq(xc.values(d, "vpnscope.ike.attr.oakley.life_duration"), [86400], what + " phase-1 lifetime")
    else:
        p, glen = MODP[gm["dh_group"]], 128 if gm["dh_group"] == 2 else 256
        xs = [gm["xi"], gm["xr"]]
        want = [pow(2, int(x, 16), p).to_bytes(glen, "big").hex() for x in xs]
        check(len(ke) == 1 and ke[0] in want, what + " KE = g^xi or g^xr of keys.json")
        eq(len(xc.values(d, "vpnscope.ike.nonce.data")), 1, what + " nonce present")


def kek_dst(keys):
    # the 3DES variant rekeys by multicast (SA KEK dst = the group address), the AES one by unicast
    return "239.192.1.1" if keys["push"][0]["dst"] == ["239.192.1.1"] else "0.0.0.0"


def main():
    import json
    all_keys = json.load(open(xc.need(os.path.join(xc.SAMPLES, "getvpn", "all-keys", "keys.json"))))
    eq(sorted(k["variant"] for k in all_keys), ["3des", "aes"], "keys.json variants")
    for keys in all_keys:
        run(keys["variant"], keys)
    xc.done()


if __name__ == "__main__":
    main()
