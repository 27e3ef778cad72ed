#!/usr/bin/python3
"""Bad inputs give a clear message and exit 2, or a named count; never a crash (this test
runs the ASan+UBSan binary in the sanitizer build).
usage: e2e_bad_inputs.py VPNSCOPE CAPTURES_DIR"""
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vsa_e2e import check_frame_stack, run, skip  # noqa: E402

vpnscope, cdir = sys.argv[1], sys.argv[2]
cap = os.path.join(cdir, "openswan-klips__08-sunrise-sunset-aes128.pcap")
keys = cap + ".keys.wireshark-esp_sa.DERIVED.txt"
if not os.path.exists(cap):
    skip(f"../shared/captures is absent ({cdir}): skipped, as on a user's machine")
check_frame_stack(vpnscope, cap)

raw = open(cap, "rb").read()
e = "<" if raw[:4] == b"\xd4\xc3\xb2\xa1" else ">"
ghdr, body = raw[:24], raw[24:]
recs = []
o = 0
while o < len(body):
    s, us, cl, ln = struct.unpack_from(e + "IIII", body, o)
    recs.append((s, us, cl, ln, body[o + 16:o + 16 + cl]))
    o += 16 + cl


def pcap(records, snaplen=65535, linktype=1):
    h = bytearray(ghdr)
    struct.pack_into(e + "II", h, 16, snaplen, linktype)
    out = bytes(h)
    for s, us, cl, ln, d in records:
        out += struct.pack(e + "IIII", s, us, cl, ln) + d
    return out


failures = 0
td = tempfile.mkdtemp()


def case(name, data_or_path, argv_extra, want_rc, want_out=(), want_err=(), cmd="sa", keyfile=keys):
    global failures
    if isinstance(data_or_path, bytes):
        path = os.path.join(td, name + ".pcap")
        with open(path, "wb") as f:
            f.write(data_or_path)
    else:
        path = data_or_path
    argv = [vpnscope, cmd, path, "--no-progress"] + (["-k", keyfile] if keyfile else []) + argv_extra
    rc, out, err = run(argv)
    bad = []
    if rc != want_rc:
        bad.append(f"exit {rc}, want {want_rc}")
    if rc < 0 or "Sanitizer" in err or "runtime error" in err:
        bad.append("CRASH / sanitizer report")
    for w in want_out:
        if w not in out:
            bad.append(f"stdout lacks {w!r}")
    for w in want_err:
        if w not in err:
            bad.append(f"stderr lacks {w!r}")
    if bad:
        failures += 1
        print(f"FAIL {name}: {'; '.join(bad)}\n--- stdout\n{out}\n--- stderr\n{err}")
    else:
        print(f"ok {name}")


# input files
case("nonexistent_capture", "/nonexistent/x.pcap", [], 2,
     want_err=["/nonexistent/x.pcap: cannot open capture: No such file or directory"])
case("garbage_capture", b"not a capture\n" * 4, [], 2, want_err=["not a readable pcap or pcapng capture"])
case("empty_capture", b"", [], 2, want_err=["not a readable pcap or pcapng capture"])
cut = pcap(recs)[:24 + 16 * 3 + sum(r[2] for r in recs[:3]) + 40]
case("truncated_file", cut, [], 2, want_out=["3 frames:", "3  ESP decrypted"], want_err=["frame 4:", "truncated"])
case("truncated_in_record_header", pcap(recs[:2]) + b"\x01\x02\x03", [], 2, want_err=["frame 3:"])
case("linktype_lie", pcap(recs, linktype=147), [], 0,
     want_out=["8  unsupported link type [unsupported_link_type]"])
case("snaplen_lie", pcap(recs, snaplen=16), [], 0, want_out=["8 frames:"])
zero = list(recs)
zero.insert(2, (0, 0, 0, 0, b""))
case("zero_length_record", pcap(zero), [], 0, want_out=["9 frames:", "8  ESP decrypted", "1  malformed headers [malformed]"])
case("huge_record", pcap(recs[:1]) + struct.pack(e + "IIII", 0, 0, 0x7FFFFFFF, 0x7FFFFFFF) + b"x" * 64, [], 2,
     want_out=["1 frames:"], want_err=["frame 2:"])
short = [(s, us, 60, ln, d[:60]) for (s, us, cl, ln, d) in recs]
case("esp_cut_by_snaplen", pcap(short), [], 0, want_out=["8  ESP cut short by the capture [esp.truncated]"])

# keys
kdir = tempfile.mkdtemp()


def keyfile(name, text):
    p = os.path.join(kdir, name)
    with open(p, "w") as f:
        f.write(text)
    return p


good = open(keys).read().splitlines()[-1]
wrong_auth = keyfile("wrong_auth", good.replace("0x8765876587658765876587658765876587658765",
                                                "0x8765876587658765876587658765876587658766") + "\n")
case("wrong_auth_key", cap, [], 1, want_out=["#pkts ICV failures (verify failed): 8", "8  ESP ICV failure"],
     keyfile=wrong_auth)
wrong_enc = keyfile("wrong_enc", good.replace("0xaaaabbbbccccdddd4043434545464649",
                                              "0xaaaabbbbccccdddd4043434545464640") + "\n")
# the ICV verifies (right integrity key) but the plaintext is garbage: impossible trailers
case("wrong_enc_key_icv_still_good", cap, [], 1,
     want_out=["#pkts ICV failures (verify failed): 0", "ESP length or trailer impossible for the SA"],
     keyfile=wrong_enc)
noauth = os.path.join(cdir, "openswan-klips__08-sunrise-sunset-esp-noauth.pcap")
wrong_3des = keyfile("wrong_3des", open(noauth + ".keys.wireshark-esp_sa.DERIVED.txt").read().replace(
    "0x4043434545464649494a4a4c4c4f4f515152525454575758", "0x4043434545464649494a4a4c4c4f4f515152525454576858"))
case("wrong_key_without_icv", noauth, [], 1, keyfile=wrong_3des)
bad = keyfile("bad_keys", "# keys\n" + good.replace("AES-CBC [RFC3602]", "AES-CBC-9000") + "\n")
case("malformed_key_file", cap, [], 2, want_err=[bad + ":2: unknown encryption algorithm"], keyfile=bad)
case("nonexistent_key_file", cap, [], 2, want_err=["/nonexistent/keys: cannot open key file"],
     keyfile="/nonexistent/keys")
binary = keyfile("binary_keys", "\x00\x01\x02")
case("binary_key_file", cap, [], 2, want_err=["contains a NUL byte"], keyfile=binary)
case("no_key_for_spi", cap, [], 0, want_out=["#pkts no key: 8", "8  ESP without a matching key"],
     keyfile=keyfile("other_spi", good.replace("0xed123456", "0xed123457") + "\n"))
nokeys_out = good.replace("0x8765876587658765876587658765876587658765", "0xSECRET")

# usage
for name, argv in [("no_command", []), ("unknown_command", ["frobnicate"]),
                   ("decrypt_without_w", ["decrypt", cap, "-k", keys]),
                   ("decrypt_without_keys", ["decrypt", cap, "-w", os.path.join(td, "o.pcapng")]),
                   ("unknown_option", ["sa", "--frob", cap]), ("missing_argument", ["sa", cap, "-k"]),
                   ("no_capture", ["decode"]), ("json_on_sa", ["sa", "--json", cap])]:
    rc, out, err = run([vpnscope] + argv)
    if rc != 2 or not err.strip():
        failures += 1
        print(f"FAIL usage {name}: exit {rc}, stderr {err!r}")
    else:
        print(f"ok usage {name}")
for sub in ["decode", "decrypt", "sa"]:
    rc, out, err = run([vpnscope, sub, "--help"])
    if rc != 0 or f"usage: vpnscope {sub}" not in out:
        failures += 1
        print(f"FAIL {sub} --help")

# keys are never printed unless asked
rc, out, err = run([vpnscope, "sa", cap, "-k", keys, "--no-progress"])
if "aaaabbbb" in out + err or "87658765" in out + err:
    failures += 1
    print("FAIL key material printed without --show-keys")
rc, out, err = run([vpnscope, "sa", cap, "-k", keys, "--no-progress", "--show-keys"])
if "0xaaaabbbbccccdddd4043434545464649" not in out:
    failures += 1
    print("FAIL --show-keys does not show the key")

print(f"{failures} failed")
sys.exit(1 if failures else 0)
