"""The RFC 2332 parse of xc.nhrp_parse() against the core on real Cisco NHRP captures
(../shared/captures, see MANIFEST.md): every field, CIE and extension of every NHRP packet. This
checks the test's own parser as much as the core: the crafted-sample tests rely on it."""
import os
import sys

import xc
from xc import eq, check

CAPTURES = os.environ.get("VS_SHARED_CAPTURES", os.path.join(xc.ROOT, "..", "shared", "captures"))
NAMES = ("packetlife__NHRP_registration.cap", "tcpdump__NHRP_registration.pcap", "tcpdump__ios_nhrp.pcap")


def main():
    paths = [os.path.join(CAPTURES, n) for n in NAMES]
    if not all(os.path.exists(p) for p in paths):
        print("SKIP: ../shared/captures with %s not present" % ", ".join(NAMES))
        sys.exit(xc.SKIP)
    for path, name in zip(paths, NAMES):
        dumped = xc.dump_pcap(path)
        compared = 0
        for n, lt, fr in xc.read_pcap(path):
            d = dumped[n]
            pkt = xc.nhrp_bytes(fr, lt)
            eq(d["app"], "nhrp" if pkt is not None else d["app"], "%s frame %d app" % (name, n))
            if pkt is None:
                continue
            xc.check_clean(d, "%s frame %d" % (name, n), allowed=("vpnscope.nhrp.auth.cleartext",))
            xc.nhrp_compare(d, pkt, "%s frame %d" % (name, n))
            compared += 1
        check(compared >= 1, "%s: %d NHRP packet(s) compared" % (name, compared))
    xc.done()


if __name__ == "__main__":
    main()
