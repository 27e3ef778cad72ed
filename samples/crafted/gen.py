#!/usr/bin/python3
"""Regenerates every crafted sample (run through generate.sh)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vpncraft import scen_getvpn, doc_getvpn, docs  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
IKE_HDR = "# Wireshark UAT ikev1_decryption_table: initiator cookie, encryption key\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def getvpn():
    out = os.path.join(ROOT, "getvpn")
    allf = [scen_getvpn.build(v, out) for v in ("3des", "aes")]
    ike = IKE_HDR + "".join(l + "\n" for f in allf for l in f["ikev1_decryption_table"])
    write(os.path.join(out, "ikev1_decryption_table"), ike)
    write(os.path.join(out, "all-keys", "ikev1_decryption_table"), ike)
    write(os.path.join(out, "all-keys", "esp_sa"),
          "# Wireshark UAT esp_sa: every TEK of both captures (a user learns them only from the decrypted GDOI)\n"
          + "".join(l + "\n" for f in allf for l in f["esp_sa"]))
    write(os.path.join(out, "expected.md"), doc_getvpn.expected_md(allf))
    for f in allf:
        f.pop("listing_md")
    write(os.path.join(out, "all-keys", "keys.json"), json.dumps(allf, indent=1, sort_keys=True) + "\n")



def dmvpn_phase2():
    from vpncraft import scen_dmvpn2
    out = os.path.join(ROOT, "dmvpn-phase2")
    cap, f = scen_dmvpn2.build()
    cap.write(os.path.join(out, "dmvpn-phase2.pcap"))
    write(os.path.join(out, "expected.md"), docs.DMVPN2 % {"listing": f["listing_md"], "frames": f["frames"]})


def getvpn_bad_identity():
    out = os.path.join(ROOT, "getvpn-bad-identity")
    f = scen_getvpn.build("3des", out, bad_identity=True)
    write(os.path.join(out, "ikev1_decryption_table"), IKE_HDR + "".join(l + "\n" for l in f["ikev1_decryption_table"]))
    p, pull = f["phase1"][0], f["pull"][0]
    write(os.path.join(out, "expected.md"), docs.BAD_IDENTITY % {
        "listing": f["listing_md"], "frames": f["frames"], "icookie": p["icookie"], "rcookie": p["rcookie"],
        "enc_key": p["enc_key"], "msgid": pull["msgid"], "hash1": pull["hash1"]})


def dmvpn_cisco_forms():
    from vpncraft import scen_dmvpn_cisco
    out = os.path.join(ROOT, "dmvpn-cisco-forms")
    cap, f = scen_dmvpn_cisco.build()
    cap.write(os.path.join(out, "dmvpn-cisco-forms.pcap"))
    write(os.path.join(out, "expected.md"), docs.CISCO_FORMS % {
        "listing": f["listing_md"], "frames": f["frames"], "error_offset": f["error_offset"]})


def dmvpn_phase3_ipsec():
    from vpncraft import scen_dmvpn3
    out = os.path.join(ROOT, "dmvpn-phase3-ipsec-crafted")
    cap, f = scen_dmvpn3.build()
    cap.write(os.path.join(out, "dmvpn-phase3-ipsec-crafted.pcap"))
    write(os.path.join(out, "ikev1_decryption_table"), IKE_HDR + "".join(l + "\n" for l in f["ike_table"]))
    write(os.path.join(out, "ikev1_skeyid"),
          "# initiator cookie, responder cookie, SKEYID_d, SKEYID_a, encryption key (one IKEv1 SA per line)\n"
          + "".join("%s,%s,%s,%s,%s\n" % (i["icookie"], i["rcookie"], i["skeyid_d"], i["skeyid_a"], i["enc_key"])
                    for i in f["ike"]))
    write(os.path.join(out, "all-keys", "esp_sa"),
          "# Wireshark UAT esp_sa: the 6 ESP SAs, derived from the Quick Modes (for tests)\n"
          + "".join(l + "\n" for l in f["esp_sa"]))
    table = ["| IKE SA | initiator cookie | QM M-ID | SPI (initiator inbound) | SPI (responder inbound) |",
             "|---|---|---|---|---|"]
    for i in f["ike"]:
        table.append("| %s | %s | 0x%s | 0x%s | 0x%s |" % (i["pair"], i["icookie"], i["qm_msgid"], i["spi_i"], i["spi_r"]))
    write(os.path.join(out, "expected.md"), docs.PHASE3_IPSEC % {
        "listing": f["listing_md"], "frames": f["frames"], "ike_table": "\n".join(table)})


def main():
    getvpn()
    dmvpn_phase2()
    getvpn_bad_identity()
    dmvpn_cisco_forms()
    dmvpn_phase3_ipsec()


if __name__ == "__main__":
    main()
