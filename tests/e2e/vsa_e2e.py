"""Helpers for the end-to-end tests of the vpnscope command (Debian's /usr/bin/python3)."""
import os
import re
import struct
import subprocess
import sys
import tempfile

SKIP = 77


def skip(msg):
    print(f"SKIP: {msg}")
    sys.exit(SKIP)


FAILED = []  # what check() found false, for the exit code


def check(cond, what):
    """Print an ok / FAIL line for one assertion; remember failures in FAILED."""
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILED.append(what)
    return cond


def run(argv, **kw):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check_frame_stack(vpnscope, capture):
    rc, out, err = run([vpnscope, "decode", capture])
    if "no_frame_stack" in out:
        skip("this build has no core frame stack yet (dissectors/core frame.h)")


def read_pcapng(path):
    """Independent minimal pcapng reader: [(linktype, data, comment or None)]."""
    data = open(path, "rb").read()
    off, out, ifaces = 0, [], []
    end = "<"
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from(end + "II", data, off)
        if btype == 0x0A0D0D0A:
            magic = data[off + 8:off + 12]
            end = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
            btype, blen = struct.unpack_from(end + "II", data, off)
        if blen < 12 or off + blen > len(data):
            raise ValueError(f"bad block at {off}")
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            ifaces.append(struct.unpack_from(end + "H", body, 0)[0])
        elif btype == 6:
            ifid, _th, _tl, cap, _wire = struct.unpack_from(end + "IIIII", body, 0)
            pkt = body[20:20 + cap]
            opts = body[20 + ((cap + 3) & ~3):]
            comment = None
            o = 0
            while o + 4 <= len(opts):
                code, ln = struct.unpack_from(end + "HH", opts, o)
                if code == 0:
                    break
                if code == 1:
                    comment = opts[o + 4:o + 4 + ln].decode()
                o += 4 + ((ln + 3) & ~3)
            out.append((ifaces[ifid], pkt, comment))
        off += blen
    return out


def tshark_decrypted(capture, esp_sa_file):
    """Per frame number: the inner packet tshark 4.0 decrypts (Decrypted Data minus the ESP
    trailer and padding) and whether it judged the ICV good."""
    with tempfile.TemporaryDirectory() as conf:
        with open(esp_sa_file) as f, open(os.path.join(conf, "esp_sa"), "w") as g:
            g.write(f.read())
        env = dict(os.environ, WIRESHARK_CONFIG_DIR=conf, TZ="UTC")
        base = ["tshark", "-n", "-r", capture, "-o", "esp.enable_encryption_decode:TRUE",
                "-o", "esp.enable_authentication_check:TRUE"]
        rc, hexout, _ = run(base + ["-x"], env=env)
        if rc != 0:
            raise RuntimeError("tshark -x failed")
        rc, fields, _ = run(base + ["-T", "fields", "-e", "frame.number", "-e", "esp.pad_len",
                                    "-e", "esp.icv_good"], env=env)
    pad = {}
    icv = {}
    for line in fields.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[1]:
            pad[int(parts[0])] = int(parts[1])
            icv[int(parts[0])] = parts[2] if len(parts) > 2 else ""
    # -x prints one block per packet, blocks separated by a blank line; a packet with more
    # than one data source names each ("Frame (N bytes):", "Decrypted Data (N bytes):")
    frames = {}
    blocks = [b for b in hexout.split("\n\n") if b.strip()]
    for num, block in enumerate(blocks, 1):
        cur = None
        for line in block.splitlines():
            if line.startswith("Decrypted Data ("):
                cur = bytearray()
                frames[num] = cur
                continue
            if not re.match(r"^[0-9a-f]{4}  ", line):
                cur = None
                continue
            m = re.match(r"^[0-9a-f]{4}  ((?:[0-9a-f]{2} ){1,16})", line)
            if m and cur is not None:
                cur.extend(bytes.fromhex(m.group(1).replace(" ", "")))
    inner = {}
    for n, d in frames.items():
        if n in pad and len(d) >= pad[n] + 2:
            inner[n] = bytes(d[:len(d) - 2 - pad[n]])
    return inner, icv
