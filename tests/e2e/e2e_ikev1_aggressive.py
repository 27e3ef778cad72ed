#!/usr/bin/python3
"""IKEv1 Aggressive Mode end to end (samples/ikev1-aggressive: strongSwan 5.9.8, PSK, AM3
encrypted, Quick Mode without PFS, 8 ESP packets, two deletes).

 1. `vpnscope decode -k ikev1_decryption_table` (Wireshark's table: icookie, Ka): AM1/AM2 are
    clear, AM3 (HASH_I, NAT-D x2), the three Quick Mode messages and the two Informational
    deletes decrypt; every ISAKMP field both tools show (payload chain, HASH, nonce, KE, IDs,
    proposal SPIs, attributes, NAT-D, VIDs, deletes) equals tshark 4.0's with the same table,
    field by field; values asserted (FQDN ID of the initiator, HASH_I 20 bytes, proxy IDs,
    delete SPIs); Wireshark's table alone gives no ESP keys (no SKEYID_d): said so.
 2. `vpnscope sa -k ikev1_skeyid` (the IKE keys only): both ESP SAs derived from the Quick Mode
    (RFC 2409 5.5), keys equal to charon's (esp_sa), every ESP packet decrypted, 0 ICV failures;
    the inner packets `vpnscope decrypt` writes are byte-identical to tshark's decryption with
    esp_sa.
 3. Variants built here from the sample with python3-cryptography (CBC chain of RFC 2409
    appendix B recomputed independently):
    - AM3 retransmitted byte for byte: decrypted with the first copy's IV, the phase-1 chain
      not advanced (Quick Mode still decrypts, ESP keys still derived);
    - AM3 in clear (RFC 2409 5.4 does not require it to be encrypted): the first encrypted
      message is then the Quick Mode, whose IV = hash(IV0 | M-ID) with IV0 = hash(g^xi | g^xr);
    - two Aggressive Mode SAs interleaved (copy with other cookies and addresses): the state is
      per cookie pair, both decrypt, 4 ESP SAs derived; the same between the same two peers
      (only the cookies differ).
usage: e2e_ikev1_aggressive.py VPNSCOPE SAMPLES_DIR"""
import hashlib
import json
import os
import re
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import FAILED, check, read_pcapng, run, skip, tshark_decrypted  # noqa: E402

vpnscope, sdir = sys.argv[1], sys.argv[2]
d = os.path.join(sdir, "ikev1-aggressive")
cap = os.path.join(d, "ikev1-aggressive.pcap")
if not os.path.exists(cap):
    skip(f"{cap} absent")
table = os.path.join(d, "ikev1_decryption_table")
skeyid = os.path.join(d, "ikev1_skeyid")
esp_sa = os.path.join(d, "esp_sa")


def as_list(v):
    return v if isinstance(v, list) else ([] if v is None else [v])


def decode_json(capture, *keys):
    args = [vpnscope, "decode", "--json", "--no-progress", capture]
    for k in keys:
        args += ["-k", k]
    rc, out, err = run(args)
    return {x["frame.number"]: x for x in map(json.loads, (l for l in out.splitlines() if l.startswith("{")))}


def decode_text(capture, *keys):
    args = [vpnscope, "decode", "--no-progress", capture]
    for k in keys:
        args += ["-k", k]
    rc, out, err = run(args)
    lines = {int(x.split()[0]): x for x in out.splitlines() if re.match(r"\d+ \d{4}-", x)}  # not "18 frames:"
    return rc, out + err, lines


# ---- 1. decode with Wireshark's table ------------------------------------------------------
js = decode_json(cap, table)
ike = [n for n, x in sorted(js.items()) if "vpnscope.ike.exch_type" in x]
seq = [js[n]["vpnscope.ike.exch_type"] for n in ike]
check(seq == [4, 4, 4, 32, 32, 32, 5, 5], f"exchange sequence {seq}: Aggressive x3, Quick Mode x3, Informational x2")
if seq != [4, 4, 4, 32, 32, 32, 5, 5]:
    sys.exit(1)
am1, am2, am3, qm1, qm2, qm3, inf1, inf2 = ike
rc, out, lines = decode_text(cap, table)
check(rc == 0 and "IKE encrypted payloads: 6 decrypted, 0 without a key" in out and "do not parse" not in out,
      f"decode -k ikev1_decryption_table: 6 encrypted IKE messages decrypted, exit {rc}")
check("[decrypted" not in lines[am1] and "[decrypted" not in lines[am2] and
      not js[am1]["vpnscope.ike.flags.encryption"] and not js[am2]["vpnscope.ike.flags.encryption"],
      f"AM1 (frame {am1}) and AM2 (frame {am2}) in clear")
want_text = {am3: "[decrypted: Hash (HASH) NAT Discovery (NAT-D) NAT Discovery (NAT-D)]",
             qm1: "[decrypted: Hash (HASH) Security Association (SA) Nonce (NONCE) Identification (ID) Identification (ID)]",
             qm2: "[decrypted: Hash (HASH) Security Association (SA) Nonce (NONCE) Identification (ID) Identification (ID)]",
             qm3: "[decrypted: Hash (HASH)]",
             inf1: "[decrypted: Hash (HASH) Delete (D)]", inf2: "[decrypted: Hash (HASH) Delete (D)]"}
for n, w in want_text.items():
    check(w in lines[n] and js[n].get("vpnscope.analyzer.ike.status") == "decrypted", f"frame {n}: {w}")
check("[no SKEYID_d for this IKE SA: ESP keys not derived]" in lines[qm2] and
      "8  ESP without a matching key" in out,
      "Wireshark's table alone: no SKEYID_d, said at QM2, the 8 ESP packets have no key")

# values
x1, x2, x3 = js[am1], js[am2], js[am3]
check(x1.get("vpnscope.ike.id.type") == 2 and x1.get("vpnscope.ike.id.fqdn") == "spoke1.vpnscope.example",
      "AM1: IDii FQDN spoke1.vpnscope.example")
check(x2.get("vpnscope.ike.id.type") == 1 and x2.get("vpnscope.ike.id.ipv4") == "192.0.2.2",
      "AM2: IDir IPV4_ADDR 192.0.2.2")
check(x1.get("vpnscope.ike.attr.oakley.encryption") == 7 and x1.get("vpnscope.ike.attr.oakley.key_length") == 256 and
      x2.get("vpnscope.ike.attr.oakley.hash") == 2 and x2.get("vpnscope.ike.attr.oakley.group") == 5 and
      x2.get("vpnscope.ike.attr.oakley.auth_method") == 1,
      "AM1/AM2: AES-256, SHA-1, pre-shared key, group 5")
check(len(x2.get("vpnscope.ike.ke.data", "")) == 2 * 192 and len(x1.get("vpnscope.ike.ke.data", "")) == 2 * 192,
      "AM1/AM2: KE of 192 bytes (MODP 1536)")
check(len(x2.get("vpnscope.ike.hash.data", "")) == 40 and "vpnscope.ike.hash.data" not in x1,
      "AM2 carries HASH_R (20 bytes), AM1 no HASH")
check(as_list(x3.get("vpnscope.ike.payload")) == [8, 20, 20] and len(x3.get("vpnscope.ike.hash.data", "")) == 40
      and len(as_list(x3.get("vpnscope.ike.natd.hash"))) == 2 and x3["vpnscope.udp.dstport"] == 4500,
      "AM3 (UDP 4500, encrypted): HASH_I of 20 bytes, two NAT-D")
for n in (qm1, qm2):
    x = js[n]
    check(as_list(x.get("vpnscope.ike.payload")) == [8, 1, 10, 5, 5] and
          x.get("vpnscope.ike.proposal.protocol_id") == 3 and x.get("vpnscope.ike.transform.id.esp") == 12 and
          x.get("vpnscope.ike.attr.ipsec.key_length") == 256 and x.get("vpnscope.ike.attr.ipsec.auth_algorithm") == 2 and
          x.get("vpnscope.ike.attr.ipsec.encap_mode") == 3 and
          as_list(x.get("vpnscope.ike.id.ipv4")) == ["10.1.1.0", "10.2.2.0"] and
          as_list(x.get("vpnscope.ike.id.ipv4_mask")) == ["255.255.255.0", "255.255.255.0"] and
          len(x.get("vpnscope.ike.nonce.data", "")) >= 16,
          f"frame {n}: QM HASH, SA (ESP AES-256 HMAC-SHA UDP-tunnel), nonce, proxy IDs 10.1.1.0/24 10.2.2.0/24")
spi_qm1 = js[qm1].get("vpnscope.ike.proposal.spi")
spi_qm2 = js[qm2].get("vpnscope.ike.proposal.spi")
cookies = js[am3]["vpnscope.ike.icookie"] + js[am3]["vpnscope.ike.rcookie"]
check(js[inf1].get("vpnscope.ike.delete.protocol_id") == 3 and js[inf1].get("vpnscope.ike.delete.spi") == spi_qm1,
      f"first delete: ESP SPI 0x{spi_qm1} (the initiator's inbound SA from QM1)")
check(js[inf2].get("vpnscope.ike.delete.protocol_id") == 1 and js[inf2].get("vpnscope.ike.delete.spi") == cookies,
      "second delete: the ISAKMP SA (its two cookies)")
esp_spis = sorted({x["vpnscope.esp.spi"] for x in js.values() if "vpnscope.esp.spi" in x}) \
    if any("vpnscope.esp.spi" in x for x in js.values()) else None

# field by field against tshark 4.0
PAIRS = [  # tshark field, vpnscope JSON key, kind
    ("isakmp.nextpayload", "vpnscope.ike.payload.next_payload", "int"),
    ("isakmp.hash", "vpnscope.ike.hash.data", "hex"),
    ("isakmp.nonce", "vpnscope.ike.nonce.data", "hex"),
    ("isakmp.key_exchange.data", "vpnscope.ike.ke.data", "hex"),
    ("isakmp.id.type", "vpnscope.ike.id.type", "int"),
    ("isakmp.id.data.fqdn", "vpnscope.ike.id.fqdn", "str"),
    ("isakmp.id.data.ipv4_addr", "vpnscope.ike.id.ipv4", "str"),
    ("isakmp.id.data.ipv4_subnet", "vpnscope.ike.id.ipv4_mask", "str"),
    ("isakmp.spi", "vpnscope.ike.proposal.spi", "hex"),
    ("isakmp.prop.protoid", "vpnscope.ike.proposal.protocol_id", "int"),
    ("isakmp.trans.id", None, "int"),
    ("isakmp.ike.attr.type", "vpnscope.ike.attr.oakley.type", "int"),
    ("isakmp.ipsec.attr.type", "vpnscope.ike.attr.ipsec.type", "int"),
    ("isakmp.ipsec.attr.encap_mode", "vpnscope.ike.attr.ipsec.encap_mode", "int"),
    ("isakmp.ipsec.attr.auth_algorithm", "vpnscope.ike.attr.ipsec.auth_algorithm", "int"),
    ("isakmp.ike.nat_hash", "vpnscope.ike.natd.hash", "hex"),
    ("isakmp.vid_bytes", "vpnscope.ike.vid.data", "hex"),
    ("isakmp.delete.protoid", "vpnscope.ike.delete.protocol_id", "int"),
    ("isakmp.delete.spi", "vpnscope.ike.delete.spi", "hex"),
]
have_tshark = run(["sh", "-c", "command -v tshark"])[0] == 0
if have_tshark:
    with tempfile.TemporaryDirectory() as conf:
        with open(table) as f, open(os.path.join(conf, "ikev1_decryption_table"), "w") as g:
            g.write(f.read())
        args = ["tshark", "-n", "-r", cap, "-Y", "isakmp", "-T", "fields", "-E", "occurrence=a", "-E",
                "aggregator=|", "-e", "frame.number"]
        for t, _, _ in PAIRS:
            args += ["-e", t]
        rc, tout, terr = run(args, env=dict(os.environ, WIRESHARK_CONFIG_DIR=conf, HOME=conf))
    check(rc == 0, "tshark ran")
    agree = total = 0
    per_field = {}
    for row in tout.splitlines():
        cols = row.split("\t")
        n = int(cols[0])
        x = js[n]
        for (tf, vk, kind), val in zip(PAIRS, cols[1:]):
            theirs = [v for v in val.split("|") if v != ""]
            if vk is None:  # transform ID: vpnscope names it by protocol
                vk = "vpnscope.ike.transform.id.isakmp" if "vpnscope.ike.transform.id.isakmp" in x \
                    else "vpnscope.ike.transform.id.esp"
            mine = as_list(x.get(vk))
            if tf == "isakmp.nextpayload":  # tshark lists the header's next payload first
                mine = [x["vpnscope.ike.next_payload"]] + mine
            if not theirs and not mine:
                continue
            if kind == "int":
                theirs = [int(v, 0) for v in theirs]
            elif kind == "hex":
                theirs = [v.replace(":", "").lower() for v in theirs]
                mine = [str(v).lower() for v in mine]
            total += 1
            per_field[tf] = per_field.get(tf, 0) + 1
            if theirs == mine:
                agree += 1
            else:
                check(False, f"frame {n} {tf}: tshark {theirs} vpnscope {mine}")
    print("compared per field:", per_field)
    # every field of PAIRS found in at least one frame (clear AM1/AM2 and decrypted messages)
    check(len(per_field) == len(PAIRS) and agree == total,
          f"oracle agreement (ISAKMP fields of the 8 IKE frames, tshark with the same table): {agree}/{total}")
    print(f"oracle agreement (IKE fields): {agree}/{total}")

# ---- 2. ESP keys from the Quick Mode -------------------------------------------------------
truth = {}
for line in open(esp_sa):
    if line.startswith('"'):
        f = [v.strip('"') for v in line.strip().split(",")]
        truth[f[3].lower()] = (f[2], f[5].lower(), f[7].lower())
rc, so, se = run([vpnscope, "sa", cap, "--no-progress", "--show-keys", "-k", skeyid])
check(rc == 0 and "         8  ESP decrypted" in so, f"sa -k ikev1_skeyid: 8 ESP decrypted (exit {rc})")
got = {}
for m in re.finditer(r"spi: 0x([0-9A-F]{8})\(.*?key: derived from Quick Mode frames (\d+)/(\d+) "
                     r"\(SKEYID_d from [^)]*\) enc (0x[0-9a-f]+) auth (0x[0-9a-f]+).*?"
                     r"#pkts decaps: (\d+), #pkts decrypt: (\d+), #pkts verify: (\d+).*?"
                     r"#pkts ICV failures \(verify failed\): (\d+)", so, re.S):
    got["0x" + m.group(1).lower()] = m.groups()[1:]
check(set(got) == set(truth) and len(got) == 2, f"two ESP SAs derived {sorted(got)}, esp_sa has {sorted(truth)}")
for spi, g in got.items():
    t = truth.get(spi, ("", "", ""))
    check((int(g[0]), int(g[1])) == (qm1, qm2) and (g[2], g[3]) == (t[1], t[2]) and
          g[4:7] == ("4", "4", "4") and g[7] == "0",
          f"SPI {spi} to {t[0]}: derived from frames {qm1}/{qm2}, keys = charon's, 4 decrypted and verified, 0 ICV failures")
check(spi_qm2 and "0x" + spi_qm2 in got and "0x" + spi_qm1 in got,
      "the derived SPIs are the ones QM1 and QM2 proposed")
with tempfile.TemporaryDirectory() as td:
    mine_out = os.path.join(td, "m.pcapng")
    rc, so, se = run([vpnscope, "decrypt", cap, "-k", skeyid, "-w", mine_out, "--no-progress"])
    dec = {i: data for i, (lt, data, c) in enumerate(read_pcapng(mine_out), 1)
           if c and c.startswith("vpnscope: decrypted ESP") and "ICV good" in c}
    check(rc == 0 and len(dec) == 8, f"decrypt -k ikev1_skeyid: {len(dec)} ESP packets decrypted, ICV good")
    if have_tshark:
        theirs, icv = tshark_decrypted(cap, esp_sa)
        agree = sum(1 for i, data in dec.items() if theirs.get(i) == data[14:] and icv.get(i) == "1")
        check(agree == 8 == len(theirs), f"inner packets byte-identical to tshark's (esp_sa): {agree}/8")
        print(f"oracle agreement (ESP inner packets): {agree}/{len(dec)}")


# ---- 3. variants -----------------------------------------------------------------------------
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402
from scapy.all import IP, UDP, Raw, rdpcap, wrpcap  # noqa: E402

ka = bytes.fromhex(open(table).read().split(",")[1].strip())


def cbc(iv, data, enc):
    c = Cipher(algorithms.AES(ka), modes.CBC(iv))
    x = c.encryptor() if enc else c.decryptor()
    return x.update(data) + x.finalize()


def isakmp(p):
    """(marker, ISAKMP message) of a scapy packet: 4 zero bytes before IKE on port 4500."""
    b = bytes(p[UDP].payload)
    return (b[:4], b[4:]) if p[UDP].dport == 4500 else (b"", b)


def put(p, marker, msg):
    p[UDP].remove_payload()
    p[UDP].add_payload(Raw(marker + msg))
    del p[UDP].len, p[UDP].chksum, p[IP].len, p[IP].chksum


def payload(msg, want):
    """Data of the first payload of type `want` in a clear ISAKMP message."""
    nxt, off = msg[16], 28
    while nxt and off + 4 <= len(msg):
        ln = struct.unpack(">H", msg[off + 2:off + 4])[0]
        if nxt == want:
            return msg[off + 4:off + ln]
        nxt, off = msg[off], off + ln
    raise ValueError(f"no payload {want}")


pk = rdpcap(cap)
idx = {n: n - 1 for n in js}  # frame number -> index
m1, m2 = isakmp(pk[idx[am1]])[1], isakmp(pk[idx[am2]])[1]
iv0 = hashlib.sha1(payload(m1, 4) + payload(m2, 4)).digest()[:16]
mk3, m3 = isakmp(pk[idx[am3]])
pt3 = cbc(iv0, m3[28:], False)
check(pt3[0] == 20 and struct.unpack(">H", pt3[2:4])[0] == 24 and pt3[4:24].hex() == js[am3]["vpnscope.ike.hash.data"],
      "python3-cryptography: AM3 decrypts with IV0 = SHA-1(g^xi | g^xr) to vpnscope's HASH_I")


def with_tmp(packets, name, *keys):
    td = tempfile.mkdtemp()
    p = os.path.join(td, name)
    wrpcap(p, packets)
    return p


# a. AM3 retransmitted byte for byte (right after the first copy)
pa = list(rdpcap(cap))
pa.insert(idx[am3] + 1, pa[idx[am3]].copy())
capa = with_tmp(pa, "am3-retrans.pcap")
rc, out, ln = decode_text(capa, skeyid)
check("[decrypted, retransmission: Hash (HASH) NAT Discovery (NAT-D) NAT Discovery (NAT-D)]" in ln[am3 + 1] and
      "[decrypted: Hash (HASH) Security Association (SA)" in ln[qm1 + 1] and
      "IKE encrypted payloads: 7 decrypted" in out and "1 byte-identical retransmissions" in out and
      "         8  ESP decrypted" in out and rc == 0,
      "AM3 retransmitted: the copy decrypts with the first IV, the chain does not advance, QM and ESP fine")

# b. AM3 in clear: re-encrypt every later message along RFC 2409 appendix B with IV0 as the last
#    phase-1 block
pb = rdpcap(cap)
plen = sum(struct.unpack(">H", pt3[o + 2:o + 4])[0] for o in (0, 24, 48))
clear3 = m3[:19] + bytes([m3[19] & ~1]) + m3[20:24] + struct.pack(">I", 28 + plen) + pt3[:plen]
put(pb[idx[am3]], mk3, clear3)
chains = {}
for n in (qm1, qm2, qm3, inf1, inf2):
    mk, m = isakmp(pb[idx[n]])
    mid = m[20:24]
    old_iv, new_iv = chains.get(mid, (hashlib.sha1(m3[-16:] + mid).digest()[:16],
                                      hashlib.sha1(iv0 + mid).digest()[:16]))
    pt = cbc(old_iv, m[28:], False)
    ct = cbc(new_iv, pt, True)
    chains[mid] = (m[-16:], ct[-16:])
    put(pb[idx[n]], mk, m[:28] + ct)
capb = with_tmp(pb, "am3-clear.pcap")
rc, out, ln = decode_text(capb, skeyid)
jb = decode_json(capb, skeyid)
check("[decrypted" not in ln[am3] and jb[am3].get("vpnscope.ike.hash.data") == js[am3]["vpnscope.ike.hash.data"] and
      "IKE encrypted payloads: 5 decrypted, 0 without a key" in out and "do not parse" not in out and
      all(jb[n].get("vpnscope.ike.nonce.data") == js[n].get("vpnscope.ike.nonce.data") for n in (qm1, qm2)) and
      "         8  ESP decrypted" in out and rc == 0,
      "AM3 in clear: HASH_I read in clear, QM IV = hash(IV0 | M-ID): 5 messages decrypt to the same payloads, ESP fine")

# c. two Aggressive Mode SAs interleaved: a copy with other cookies and addresses 192.0.2.3/.4
pc = rdpcap(cap)
pc2 = rdpcap(cap)
ic2, rc2 = bytes.fromhex("a1a2a3a4a5a6a7a8"), bytes.fromhex("b1b2b3b4b5b6b7b8")
for p in pc2:
    if IP not in p:
        continue
    p[IP].src = {"192.0.2.1": "192.0.2.3", "192.0.2.2": "192.0.2.4"}[p[IP].src]
    p[IP].dst = {"192.0.2.1": "192.0.2.3", "192.0.2.2": "192.0.2.4"}[p[IP].dst]
    del p[IP].chksum
    if UDP in p:
        mk, m = isakmp(p)
        if len(m) >= 28 and m[17] == 0x10:
            r = m[8:16] if m[8:16] == bytes(8) else rc2
            put(p, mk, ic2 + r + m[16:])
        else:
            del p[UDP].chksum
merged = []
for a, b in zip(pc, pc2):
    merged += [a, b]
capc = with_tmp(merged, "two-sa.pcap")
with tempfile.TemporaryDirectory() as td:
    k2 = os.path.join(td, "skeyid2")
    line = [x for x in open(skeyid) if not x.startswith("#")][0].strip().split(",")
    with open(k2, "w") as f:
        f.write(",".join(line) + "\n" + ",".join([ic2.hex(), rc2.hex()] + line[2:]) + "\n")
    rc, out, ln = decode_text(capc, k2)
    rc_s, so, se = run([vpnscope, "sa", capc, "--no-progress", "-k", k2])
check("IKE encrypted payloads: 12 decrypted, 0 without a key" in out and "do not parse" not in out and
      "        16  ESP decrypted" in out and so.count("#pkts ICV failures (verify failed): 0") == 4 and
      so.count("key: derived from Quick Mode frames") == 4 and rc == 0,
      "two interleaved AM SAs: 12 IKE messages and 16 ESP packets decrypt, 4 ESP SAs derived")

# d. the same, between the same two peers (a second ISAKMP SA of r1 and r2, as after a phase-1
#    rekey): only the cookies differ, so the per-SA state must be found by cookie, not address;
#    the copy's ESP packets are left out (the same SPIs would be the same SAs)
pd2 = rdpcap(cap)
for p in pd2:
    if UDP in p:
        mk, m = isakmp(p)
        if len(m) >= 28 and m[17] == 0x10:
            put(p, mk, ic2 + (m[8:16] if m[8:16] == bytes(8) else rc2) + m[16:])
merged = []
for a, b in zip(rdpcap(cap), pd2):
    merged += [a] + ([b] if UDP in b and isakmp(b)[1][17:18] == b"\x10" else [])
capd = with_tmp(merged, "two-sa-same-peers.pcap")
with tempfile.TemporaryDirectory() as td:
    k2 = os.path.join(td, "skeyid2")
    with open(k2, "w") as f:
        f.write(",".join(line) + "\n" + ",".join([ic2.hex(), rc2.hex()] + line[2:]) + "\n")
    rc, out, ln = decode_text(capd, k2)
check("IKE encrypted payloads: 12 decrypted, 0 without a key" in out and "do not parse" not in out and
      "         8  ESP decrypted" in out and rc == 0,
      "two AM SAs between the same peers, interleaved: 12 IKE messages decrypt, 8 ESP packets decrypt")

sys.exit(1 if FAILED else 0)
