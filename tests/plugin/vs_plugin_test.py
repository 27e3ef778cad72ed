#!/usr/bin/python3
"""Plugin tests: run tshark with the freshly built vpnscope plugin.

tshark ignores plugin folders when run as root, so every run with the plugin
copies the .so into a private, world-readable folder and runs tshark as
nobody (setpriv). Captures are fed on stdin, opened by the calling user.

  vs_plugin_test.py --plugin SO --version V --catalogue EXE [--samples DIR] [--shared DIR] CMD
  CMD: loads | fields | golden | regen | diff | handback | stats
"""
import argparse
import difflib
import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
SKIP = 77  # ctest SKIP_RETURN_CODE


class Tshark:
    """tshark runs, with and without the plugin."""

    def __init__(self, plugin, preload=None):
        self.preload = preload
        self.tmp = tempfile.mkdtemp(prefix="vs-plugin-")
        os.chmod(self.tmp, 0o755)
        epan = os.path.join(self.tmp, "plugins", "4.0", "epan")
        os.makedirs(epan)
        shutil.copy(plugin, epan)
        home = os.path.join(self.tmp, "home")
        os.makedirs(home)
        for root, dirs, files in os.walk(self.tmp):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        os.chown(home, 65534, 65534)
        self.home = home
        # No extcap helpers: tshark -G plugins runs each of them, which is
        # slow and hangs with a preloaded sanitizer runtime.
        self.extcap = os.path.join(self.tmp, "no-extcap")
        os.makedirs(self.extcap)
        os.chmod(self.extcap, 0o755)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env(self):
        e = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C.UTF-8", "HOME": self.home,
             "WIRESHARK_PLUGIN_DIR": os.path.join(self.tmp, "plugins"),
             "WIRESHARK_EXTCAP_DIR": self.extcap}
        if self.preload:
            # A sanitizer build of the plugin: tshark itself is not
            # instrumented, so the runtime is preloaded; tshark's own leaks
            # at exit are not ours.
            e["LD_PRELOAD"] = self.preload
            e["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
            e["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
        return e

    def config(self, keys):
        """A configuration folder holding the key tables (UAT name -> file)."""
        d = tempfile.mkdtemp(prefix="cfg-", dir=self.tmp)
        os.chmod(d, 0o755)
        for uat, src in keys.items():
            shutil.copy(src, os.path.join(d, uat))
            os.chmod(os.path.join(d, uat), 0o644)
        return d

    def run(self, args, capture=None, plugin=True, check=True, keys=None):
        """tshark args; capture fed on stdin (-r -). keys: UAT name -> key
        file, installed in a configuration folder with ESP decryption on.
        Returns stdout text."""
        if keys:
            args = ["-o", "esp.enable_encryption_decode:TRUE",
                    "-o", "esp.enable_authentication_check:TRUE"] + args
        if plugin:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "tshark"]
            env = self.env()
        else:
            # As root tshark loads no plugin at all: the built-in dissectors alone.
            cmd = ["tshark"]
            env = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C.UTF-8",
                   "HOME": os.path.join(self.tmp, "roothome")}
        if keys:
            env["WIRESHARK_CONFIG_DIR"] = self.config(keys)
        if capture:
            cmd += ["-n", "-r", "-"]
        cmd += args
        stdin = open(capture, "rb") if capture else subprocess.DEVNULL
        try:
            p = subprocess.run(cmd, stdin=stdin, capture_output=True, env=env, cwd=self.tmp)
        finally:
            if capture:
                stdin.close()
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        # Warnings about running as root are expected for the built-in runs.
        err = "\n".join(l for l in err.splitlines()
                        if l.strip() and "could be dangerous" not in l and "Running as user" not in l)
        if check and (p.returncode != 0 or err):
            raise RuntimeError("tshark %s failed (exit %d) on %s:\n%s" %
                               (" ".join(args), p.returncode, capture or "-", err))
        return out


def captures(args):
    """(label, path) of every capture: samples/ then ../shared/captures."""
    out = []
    for label, d in (("samples", args.samples), ("shared", args.shared)):
        if not d or not os.path.isdir(d):
            if label == "shared":
                print("note: %s absent, shared captures skipped" % d)
            continue
        for p in sorted(glob.glob(os.path.join(d, "**", "*"), recursive=True)):
            if p.endswith((".pcap", ".cap", ".pcapng")) and os.path.isfile(p):
                out.append((label + "/" + os.path.relpath(p, d), p))
    return out


def keys_for(path):
    """Key tables published with a capture, as Wireshark UAT files:
    samples/<name>/{all-keys/,}{esp_sa,ikev1_decryption_table,ikev2_decryption_table},
    ../shared/captures/<capture>.keys.wireshark-esp_sa.DERIVED.txt, and a
    <capture>.keys.txt that is an ikev1_decryption_table (cookie,key lines)."""
    keys = {}
    d = os.path.dirname(path)
    for uat in ("esp_sa", "ikev1_decryption_table", "ikev2_decryption_table"):
        for cand in (os.path.join(d, "all-keys", uat), os.path.join(d, uat)):
            if os.path.isfile(cand):
                keys[uat] = cand
                break
    esp = path + ".keys.wireshark-esp_sa.DERIVED.txt"
    if os.path.isfile(esp):
        keys["esp_sa"] = esp
    txt = path + ".keys.txt"
    if os.path.isfile(txt):
        lines = [l.strip() for l in open(txt, encoding="utf-8", errors="replace")
                 if l.strip() and not l.startswith("#")]
        if lines and all(len(l.split(",")) == 2 and all(c in "0123456789abcdefABCDEF,"
                                                         for c in l) for l in lines):
            keys["ikev1_decryption_table"] = txt
    return keys


def catalogue(args):
    """(kind, name) from the catalogue dumper."""
    p = subprocess.run([args.catalogue], capture_output=True, text=True, check=True)
    return [tuple(l.split("\t")[:2]) for l in p.stdout.splitlines() if l]


def cmd_loads(ts, args):
    out = ts.run(["-G", "plugins"])
    for line in out.splitlines():
        cols = line.split("\t")
        if cols[0].strip() == "vpnscope.so":
            if cols[1].strip() != args.version:
                print("FAIL: vpnscope.so loaded with version %r, project is %r" % (cols[1], args.version))
                return 1
            print("ok: %s" % line)
            return 0
    print("FAIL: tshark -G plugins does not list vpnscope.so (skipped for a version "
          "mismatch, or not readable by nobody?)\n" + out)
    return 1


def cmd_fields(ts, args):
    out = ts.run(["-G", "fields"])
    have = {}
    for line in out.splitlines():
        cols = line.split("\t")
        if cols[0] in ("P", "F") and len(cols) > 2:
            have[cols[2]] = cols
    names = catalogue(args)
    missing = [n for k, n in names if n not in have]
    for k, n in names:
        if k == "protocol" and n in have and have[n][0] != "P":
            missing.append(n + " (not a protocol)")
    if missing:
        print("FAIL: %d of %d catalogue names missing in tshark -G fields:\n  %s" %
              (len(missing), len(names), "\n  ".join(missing)))
        return 1
    print("ok: all %d catalogue names registered" % len(names))
    return 0


def golden_path(label):
    return os.path.join(GOLDEN, label + ".txt")


def verbose(ts, path, keys=None):
    return ts.run(["-V"], capture=path, keys=keys)


def golden_runs(args):
    """(golden label, capture, keys): every capture without keys, and again
    with its published keys when it has any."""
    runs = []
    for label, path in captures(args):
        runs.append((label, path, None))
        keys = keys_for(path)
        if keys:
            runs.append((label + ".keys", path, keys))
    return runs


def sha256(path):
    import hashlib
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


INDEX = os.path.join(GOLDEN, "CAPTURES.sha256")


def read_index():
    idx = {}
    if os.path.exists(INDEX):
        for line in open(INDEX, encoding="utf-8"):
            h, _, label = line.rstrip("\n").partition("  ")
            idx[label] = h
    return idx


def cmd_golden(ts, args):
    fails = 0
    caps = golden_runs(args)
    idx = read_index()
    for label, path, keys in caps:
        g = golden_path(label)
        got = verbose(ts, path, keys)
        if not os.path.exists(g):
            print("FAIL: %s: no golden file %s (run tests/plugin/regen-golden.sh)" % (label, g))
            fails += 1
            continue
        want = open(g, encoding="utf-8").read()
        if got != want:
            fails += 1
            if idx.get(label) and idx[label] != sha256(path):
                print("FAIL: %s: the capture changed since its golden output was made; check "
                      "the differences, then run tests/plugin/regen-golden.sh" % label)
            d = list(difflib.unified_diff(want.splitlines(), got.splitlines(), g, "tshark -V", lineterm=""))
            print("FAIL: %s differs from %s:\n%s" % (label, g, "\n".join(d[:60])))
        else:
            print("ok: %s (%d lines)" % (label, got.count("\n")))
    if not caps:
        print("no captures")
        return SKIP
    return 1 if fails else 0


def cmd_regen(ts, args):
    idx = read_index()
    for label, path, keys in golden_runs(args):
        idx[label] = sha256(path)
        g = golden_path(label)
        os.makedirs(os.path.dirname(g), exist_ok=True)
        with open(g, "w", encoding="utf-8") as f:
            f.write(verbose(ts, path, keys))
        print("wrote %s" % g)
    with open(INDEX, "w", encoding="utf-8") as f:
        for label in sorted(idx):
            f.write("%s  %s\n" % (idx[label], label))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--catalogue")
    ap.add_argument("--samples")
    ap.add_argument("--shared")
    ap.add_argument("--preload", help="sanitizer runtime to preload into tshark")
    ap.add_argument("cmd")
    args = ap.parse_args()
    if shutil.which("tshark") is None or shutil.which("setpriv") is None:
        print("SKIP: tshark or setpriv not installed")
        return SKIP
    import vs_plugin_checks  # noqa: E402 (diff, handback, stats)
    cmds = {"loads": cmd_loads, "fields": cmd_fields, "golden": cmd_golden, "regen": cmd_regen}
    cmds.update(vs_plugin_checks.COMMANDS)
    ts = Tshark(args.plugin, args.preload or None)
    try:
        return cmds[args.cmd](ts, args)
    finally:
        ts.close()


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
