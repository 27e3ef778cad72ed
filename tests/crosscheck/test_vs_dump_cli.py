"""vs_dump's own input handling: bad input gives exit 2 and a message naming the file and the place;
a capture cut inside a record still prints the frames before it."""
import json
import os
import shutil
import subprocess
import tempfile

import xc
from xc import eq, check


def run(args):
    r = subprocess.run([xc.VS_DUMP] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return r.returncode, r.stdout, r.stderr


def main():
    tmp = tempfile.mkdtemp(prefix="vs-dump-cli-")
    missing = os.path.join(tmp, "missing.pcap")
    rc, out, err = run([missing])
    eq(rc, 2, "missing file: exit 2")
    check(missing in err, "missing file: message names it (%s)" % err.strip())

    notpcap = os.path.join(tmp, "text.pcap")
    open(notpcap, "w").write("this is not a capture at all, just text\n")
    rc, out, err = run([notpcap])
    eq(rc, 2, "not a pcap: exit 2")
    check(notpcap in err and "not a classic pcap" in err, "not a pcap: message (%s)" % err.strip())

    src = open(xc.need(os.path.join(xc.SAMPLES, "dmvpn-phase2", "dmvpn-phase2.pcap")), "rb").read()
    cut = os.path.join(tmp, "cut.pcap")
    first_len = int.from_bytes(src[24 + 8:24 + 12], "little")
    open(cut, "wb").write(src[:24 + 16 + first_len + 16 + 10])   # frame 2 cut after 10 octets
    rc, out, err = run([cut])
    eq(rc, 2, "cut capture: exit 2")
    check(cut in err and "frame 2" in err, "cut capture: message names file and frame (%s)" % err.strip())
    lines = [json.loads(x) for x in out.splitlines()]
    eq([d["frame"] for d in lines], [1], "cut capture: frame 1 still printed")
    eq(lines[0]["app"], "nhrp", "cut capture: frame 1 decoded")

    badhex = os.path.join(tmp, "bad.hex")
    open(badhex, "w").write("0800000c 00zz")
    rc, out, err = run(["--payloads", "gdoi", "--first", "8", badhex])
    eq(rc, 2, "bad hex: exit 2")
    check(badhex in err and "offset 11" in err, "bad hex: message names file and offset (%s)" % err.strip())

    good = os.path.join(tmp, "good.hex")
    open(good, "w").write("00000008 0000006f")   # a 4-octet SEQ payload body (SEQ 111), Next Payload 0
    rc, out, err = run(["--payloads", "gdoi", "--first", "18", "--exch", "33", good])
    eq(rc, 0, "SEQ payload: exit 0")
    d = json.loads(out)
    eq((d["status"], xc.values(d, "vpnscope.gdoi.seq")), ("ok", [111]), "SEQ payload decoded")
    rc, out, err = run(["--payloads", "gdoi", good])
    eq(rc, 2, "--payloads without --first: exit 2")
    rc, out, err = run(["--payloads", "ipx", "--first", "1", good])
    eq(rc, 2, "unknown --payloads kind: exit 2")
    check("ipx" in err, "unknown kind named")
    shutil.rmtree(tmp)
    xc.done()


if __name__ == "__main__":
    main()
