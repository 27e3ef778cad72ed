#!/usr/bin/python3
"""Oracle test for samples/getvpn-bad-identity: phase 1 and the refused GROUPKEY-PULL decrypt with
tshark's IKEv1 table (DOI patched on a copy, see oracle.patch_gdoi_phase1_doi); the pull asks for
group 112 and is answered by an encrypted INVALID-ID-INFORMATION notify; no SA, no KD, no ESP."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle as o  # noqa: E402

D = os.path.join(o.SAMPLES, "getvpn-bad-identity")


def main():
    o.need_tshark()
    pcap = os.path.join(D, "getvpn-bad-identity.pcap")
    ts = o.Tshark()
    # the listing is checked on the original capture
    exp = o.expected_listing(os.path.join(D, "expected.md"), "getvpn-bad-identity.pcap")
    rows = ts.fields(pcap, o.GRE_FIELDS, ["-d", "udp.port==848,isakmp"])
    got = [(int(r["frame.number"]), o.first(r["ip.src"]), o.first(r["ip.dst"]), o.gre_summary(r)) for r in rows]
    o.check(got == exp, "message sequence (%d frames) equals expected.md" % len(got))
    o.check(not any(r["esp.spi"] for r in rows), "no ESP: the refused GM sends no group traffic")
    o.check(not any(r["isakmp.exchangetype"] == "33" for r in rows), "no GROUPKEY-PUSH")
    patched = os.path.join(tempfile.mkdtemp(prefix="vs-badid-"), "p.pcap")
    o.check(o.patch_gdoi_phase1_doi(pcap, patched) == 2, "MM1/MM2 offered DOI 2 (patched to 1 on a copy for tshark)")
    user = o.Tshark({"ikev1_decryption_table": os.path.join(D, "ikev1_decryption_table")})
    F = ["frame.number", "isakmp.exchangetype", "isakmp.id.data.ipv4_addr", "isakmp.hash", "isakmp.id.data.key_id",
         "isakmp.notify.msgtype", "isakmp.notify.doi", "isakmp.sa.doi", "isakmp.kd.num_pkt", "isakmp.typepayload"]
    ik = user.fields(patched, F, ["-d", "udp.port==848,isakmp"])
    dec = user.decrypted_ike(patched, ["-d", "udp.port==848,isakmp"])
    o.check(ik[4]["isakmp.id.data.ipv4_addr"] == "192.168.101.2" and ik[5]["isakmp.id.data.ipv4_addr"] == "192.168.100.1",
            "MM5/MM6 decrypt: IDs 192.168.101.2 / 192.168.100.1")
    o.check(ik[6]["isakmp.exchangetype"] == "32" and ik[6]["isakmp.id.data.key_id"] == "00000070" and 7 in dec,
            "PULL1 decrypts: group ID_KEY_ID 00000070 (identity number 112)")
    o.check(ik[7]["isakmp.exchangetype"] == "32" and ik[7]["isakmp.notify.msgtype"] == "18" and ik[7]["isakmp.notify.doi"] == "2"
            and len(o.first(ik[7]["isakmp.hash"])) == 40 and 8 in dec,
            "PULL2 decrypts: HASH + notify INVALID-ID-INFORMATION (18), DOI GDOI")
    o.check(not any(r["isakmp.kd.num_pkt"] for r in ik) and not any(r["isakmp.sa.doi"] == "2" and r["isakmp.exchangetype"] == "32" for r in ik),
            "no SA and no KD delivered to the GM")
    o.done()


if __name__ == "__main__":
    main()
