#!/usr/bin/env bash
# Benchmark (not a test): tshark run time with and without the vpnscope
# plugin on the largest capture in samples/ and ../shared/captures/.
# Both runs are unprivileged (the plugin folder is ignored for root), with
# -V output to /dev/null, best of N.
#   tests/plugin/bench.sh [builddir] [N]        (default: build, 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
n=${2:-5}
so=$build/plugins/4.0/epan/vpnscope.so
[[ -f $so ]] || { echo "bench: $so not built" >&2; exit 2; }
cap=$(find "$root/samples" "$root/../shared/captures/" -type f \( -name '*.pcap' -o -name '*.cap' -o -name '*.pcapng' \) \
      -printf '%s %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"; mkdir -p "$tmp/with/4.0/epan" "$tmp/without/4.0/epan" "$tmp/home" "$tmp/noextcap"
cp "$so" "$tmp/with/4.0/epan/"; cp "$cap" "$tmp/cap"; chmod -R a+rX "$tmp"; chown 65534 "$tmp/home"
run() { # plugin dir -> seconds (best of n)
  local best=""
  for _ in $(seq "$n"); do
    local s e
    s=$(date +%s.%N)
    setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$tmp/home" TZ=UTC \
      WIRESHARK_PLUGIN_DIR="$1" WIRESHARK_EXTCAP_DIR="$tmp/noextcap" tshark -n -V -r "$tmp/cap" >/dev/null
    e=$(date +%s.%N)
    best=$(echo "$s $e ${best:-999}" | awk '{d=$2-$1; print (d<$3)?d:$3}')
  done
  echo "$best"
}
report() {
  local with without
  with=$(run "$tmp/with"); without=$(run "$tmp/without")
  echo "tshark -V, best of $n: without plugin ${without}s, with plugin ${with}s, ratio $(echo "$with $without" | awk '{printf "%.2f", $1/$2}')"
}
frames=$(tshark -r "$cap" -T fields -e frame.number 2>/dev/null | wc -l)
echo "capture: $cap ($frames frames, $(stat -c %s "$cap") bytes)"
report
# Start-up dominates a small capture: the same capture appended 100 times
# shows the per-packet cost.
mergecap -a -w "$tmp/big" $(for _ in $(seq 100); do echo "$tmp/cap"; done)
mv "$tmp/big" "$tmp/cap"; chmod a+r "$tmp/cap"
echo "the same appended 100 times ($((frames * 100)) frames):"
report
