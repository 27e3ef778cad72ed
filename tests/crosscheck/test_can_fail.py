"""The cross-check tests can fail: each mutation below (of the ground truth, or of what the core
reports) must make the named test exit 1, and the unmutated run must exit 0."""
import os
import shutil
import stat
import subprocess
import sys
import tempfile

import xc
from xc import eq

HERE = os.path.dirname(os.path.abspath(__file__))


def run(test, vs_dump, samples=None):
    env = dict(os.environ)
    if samples:
        env["VS_CRAFTED_SAMPLES"] = samples
    r = subprocess.run([sys.executable, os.path.join(HERE, test), vs_dump], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode, r.stdout


def lying_dump(tmp, sed):
    """A vs_dump that reports something else than the core decoded."""
    path = os.path.join(tmp, "vs_dump_lies")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n\"%s\" \"$@\" | sed -e '%s'\n" % (xc.VS_DUMP, sed))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


def main():
    tmp = tempfile.mkdtemp(prefix="vs-xcheck-")
    try:
        rc, _ = run("test_dmvpn_cisco_forms.py", xc.VS_DUMP)
        eq(rc, 0, "cisco-forms passes unmutated")
        # the core misreads the Traffic Indication code
        rc, out = run("test_dmvpn_cisco_forms.py", lying_dump(tmp, 's/"vpnscope.nhrp.ti.code",0/"vpnscope.nhrp.ti.code",1/'))
        eq(rc, 1, "cisco-forms fails when the core reports traffic code 1")
        xc.check("FAIL Traffic Indication code 0" in out, "... and names the check")
        # the core reports a problem nobody predicted
        rc, out = run("test_dmvpn_phase2.py", lying_dump(
            tmp, 's/"problems":\\[\\]/"problems":[["vpnscope.nhrp.hdr.checksum_bad",0,12,2]]/'))
        eq(rc, 1, "phase2 fails on an unexpected problem")
        # the core reads SA KEK RESERVED2 where the generator put something else
        rc, out = run("test_getvpn.py", lying_dump(tmp, 's/"vpnscope.gdoi.kek.reserved2",0/"vpnscope.gdoi.kek.reserved2",7/'))
        eq(rc, 1, "getvpn fails when the 4 octets after the SA KEK SPI decode differently")
        # the ground truth says another TEK key
        samples = os.path.join(tmp, "samples")
        shutil.copytree(xc.SAMPLES, samples)
        kj = os.path.join(samples, "getvpn", "all-keys", "keys.json")
        text = open(kj).read()
        key = "c4e466d7db38eea9ec6d34e172f918e2f4bfb1c234b3c685"
        xc.check(key in text, "TEK key present in keys.json")
        open(kj, "w").write(text.replace(key, key[:-1] + "4"))
        rc, out = run("test_getvpn.py", xc.VS_DUMP, samples)
        eq(rc, 1, "getvpn fails when keys.json has another TEK key")
        xc.check("FAIL" in out and "TEK_ALGORITHM_KEY" in out, "... in the TEK_ALGORITHM_KEY check")
    finally:
        shutil.rmtree(tmp)
    xc.done()


if __name__ == "__main__":
    main()
