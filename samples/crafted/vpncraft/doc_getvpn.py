"""expected.md for the getvpn samples (generated: every value comes from the generator's state)."""


def esp_table(f):
    lines = ["| t (s) | sender | inner = outer src -> dst | SPI | ESP seq |", "|---|---|---|---|---|"]
    for e in f["esp"]:
        lines.append("| %s | %s | %s -> %s | 0x%s | %d |" % (e["t"], e["sender"], e["src"], e["dst"], e["spi"], e["seq"]))
    return "\n".join(lines)


def section(f):
    v = f["variant"]
    out = ["## Capture getvpn-%s.pcap (%d frames)" % (v, f["frames"]), ""]
    out.append("### Message sequence (tshark -d udp.port==848,isakmp; ESP decrypted with all-keys/esp_sa)")
    out.append("")
    out.append("tshark labels exchange 32 (GROUPKEY-PULL) \"Quick Mode\" and 33 (GROUPKEY-PUSH) \"New Group Mode\".")
    out.append("")
    out.append(f["listing_md"])
    out.append("")
    out.append("### Phase 1 (Main Mode, pre-shared key, DOI 2 = GDOI, UDP 848 -> 848)")
    out.append("")
    out.append("| GM | WAN | initiator cookie | responder cookie | encryption key (ikev1_decryption_table) | SKEYID_a |")
    out.append("|---|---|---|---|---|---|")
    for p in f["phase1"]:
        out.append("| %s | %s | %s | %s | %s | %s |" % (p["gm"], p["wan"], p["icookie"], p["rcookie"], p["enc_key"], p["skeyid_a"]))
    out.append("")
    out.append("Every GM's MM5 decrypts to ID_IPV4_ADDR <GM WAN> (protocol 17, port 848) + HASH_I, MM6 to "
               "ID_IPV4_ADDR %s + HASH_R; HASH_I/HASH_R verify with PSK `%s` (RFC 2409 5.4)." % (f["ks"], f["phase1"][0]["psk"]))
    out.append("")
    out.append("### GROUPKEY-PULL (registration), encrypted under each GM's phase-1 SA")
    out.append("")
    out.append("| GM | M-ID | HASH(1) | HASH(4) | SEQ | KEK SPI | TEK SPI(s) |")
    out.append("|---|---|---|---|---|---|---|")
    for p in f["pull"]:
        out.append("| %s | 0x%s | %s | %s | %s | %s | %s |" % (p["gm"], p["msgid"], p["hash1"], p.get("hash4", "-"),
                   p.get("seq", "-"), p.get("kek_spi", "-"), ", ".join("0x" + s for s in p.get("tek_spis", []))))
    out.append("")
    out.append("- message 1: HASH(1), Nonce, ID = ID_KEY_ID 0x0000006f (group 111)")
    out.append("- message 2: HASH(2), Nonce, SA (DOI 2, situation 0) holding SA KEK -> GAP -> SA TEK")
    out.append("  (nested inside the SA payload; tshark 4.0 shows only the SA KEK, the GAP and SA TEK must be read")
    out.append("  from the decrypted bytes)")
    out.append("  - SA KEK: protocol 17, src ID_IPV4_ADDR %s:848, dst ID_IPV4_ADDR %s:848, SPI %s, KEK_ALGORITHM %s,"
               % (f["ks"], "239.192.1.1" if v == "3des" else "0.0.0.0", f["kek"]["spi"], f["kek"]["alg"]))
    out.append("    KEK_KEY_LIFETIME %d, SIG_HASH_ALGORITHM %s, SIG_ALGORITHM RSA, SIG_KEY_LENGTH 2048"
               % (f["kek"]["lifetime"], f["kek"]["sig_hash"]))
    out.append("  - GAP: ACTIVATION_TIME_DELAY 0, DEACTIVATION_TIME_DELAY 0")
    t0 = f["teks"][0]
    out.append("  - SA TEK: GDOI_PROTO_IPSEC_ESP, 10.1.0.0/16 -> 10.1.0.0/16 (ID_IPV4_ADDR_SUBNET), transform %s,"
               " SPI 0x%s, life %d s, tunnel, HMAC-SHA, address preservation = source and destination (2),"
               " SA direction symmetric (3)%s" % (t0["transform"], t0["spi"], t0["lifetime"],
                                                   ", key length 128" if t0["transform"] == "ESP_AES" else ""))
    out.append("- message 3: HASH(3) only")
    out.append("- message 4: HASH(4), SEQ 1, KD with 2 key packets: KEK (SPI = KEK SPI; KEK_ALGORITHM_KEY = IV | key;"
               " SIG_ALGORITHM_KEY = the KS's RSA public key, SubjectPublicKeyInfo DER) and TEK (SPI 0x%s;"
               " TEK_ALGORITHM_KEY, TEK_INTEGRITY_KEY)" % t0["spi"])
    out.append("")
    out.append("### Keys learned")
    out.append("")
    out.append("- KEK: SPI %s, %s key `%s`, IV `%s` (static for this KEK, RFC 3547 style)" % (
        f["kek"]["spi"], f["kek"]["alg"], f["kek"]["key"], f["kek"]["iv"]))
    out.append("- TEKs (each decrypts the ESP listed below with a good ICV):")
    for t in f["teks"]:
        out.append("  - SPI 0x%s %s key `%s`, HMAC-SHA1-96 key `%s`, lifetime %d s" % (
            t["spi"], t["transform"], t["enc_key"], t["auth_key"], t["lifetime"]))
    out.append("")
    out.append("### GROUPKEY-PUSH (rekeys, %s)" % ("multicast to 239.192.1.1" if v == "3des" else "unicast to each GM"))
    out.append("")
    out.append("| t (s) | SEQ | destinations | new TEK SPI |")
    out.append("|---|---|---|---|")
    for p in f["push"]:
        out.append("| %s | %d | %s | 0x%s |" % (p["t"], p["seq"], ", ".join(p["dst"]), p["tek_spi"]))
    out.append("")
    out.append("Each rekey: HDR (cookies = KEK SPI, M-ID 0, E flag) then, encrypted with the KEK (CBC, KEK IV, zero"
               " padding): SEQ, SA (SA KEK, GAP, SA TEK of the new TEK), KD (KEK + new TEK key packets), SIG. The"
               " SIG is RSASSA-PKCS1-v1_5 (%s) over \"rekey\" | HDR (E flag set, length = unpadded message incl."
               " SIG) | SEQ | SA | KD, verifiable with the public key from the registration's KD."
               % f["kek"]["sig_hash"])
    out.append("Sequence numbers increase (1 in the pulls, then 2, 3); each new TEK arrives 60 s before the old"
               " one expires (TEK lifetime 900 s).")
    out.append("")
    out.append("### ESP between group members (tunnel mode, header preservation)")
    out.append("")
    out.append(esp_table(f))
    out.append("")
    out.append("Several senders use the same SPI, each with its own sequence counter: tshark's SPI-keyed sequence"
               " analysis reports false \"wrong sequence number\" warnings here; a correct analysis does not.")
    out.append("Outer IP source/destination equal the inner ones (header preservation) in every ESP packet.")
    out.append("")
    return "\n".join(out)


def expected_md(allf):
    out = ["# getvpn: expected analysis", "",
           "Generated by samples/crafted/generate.sh (do not edit by hand). Two captures of the same GETVPN",
           "deployment (README.md): group SALES, identity number 111, key server 192.168.100.1, GM1..GM3.", "",
           "## Verdicts a correct analysis must reach", "",
           "- 3 registrations succeed (phase 1 + GROUPKEY-PULL per GM); phase 1 decrypts with ./ikev1_decryption_table;",
           "  the pull decrypts with the same phase-1 keys (IV = hash(last phase-1 block | M-ID), RFC 2409 appendix B).",
           "- HASH_I/HASH_R and HASH(1)..HASH(4) all verify.",
           "- 2 rekeys per capture, SEQ 2 and 3 (strictly increasing), signatures valid with the KS's public key.",
           "- The TEKs are learned only from decrypted GDOI (user key file has only phase-1 keys); with them, every",
           "  ESP packet decrypts and authenticates (ICV good); all-keys/esp_sa lists them for tests.",
           "- Every ESP packet keeps the inner addresses outside (header preservation); no GM sends on a TEK",
           "  it has not received; the old TEK is still used once between the rekey and its expiry (valid).", ""]
    for f in allf:
        out.append(section(f))
    return "\n".join(out) + "\n"
