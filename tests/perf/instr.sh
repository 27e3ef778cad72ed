#!/usr/bin/env bash
# Benchmark (not a test): instructions per packet of `vpnscope decrypt` and `vpnscope sa`, from
# callgrind (valgrind), which, unlike timings, does not depend on the machine's load. Per packet =
# (instructions for the first BIG packets - for the first SMALL packets) / (BIG - SMALL), so the
# start-up (provider loading, key parsing) cancels out. Needs the captures bench.sh generates.
#   tests/perf/instr.sh [BIG] [SMALL] [WORKDIR] [FULL_PACKETS]  (defaults 20000 2000 /tmp/vsa-perf 280000)
# Caveat: valgrind's emulated CPU lacks SHA-NI and some AVX paths, so OpenSSL's crypto takes
# other code paths than on the real CPU; compare the non-crypto part and before/after.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIG=${1:-20000}
SMALL=${2:-2000}
W=${3:-/tmp/vsa-perf}
FULL=${4:-280000}
VS=${VPNSCOPE:-build/vpnscope}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
irefs() { # command... -> instruction count
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" >/dev/null 2>"$tmp/log" || true
  awk '/Collected/ { gsub(",", "", $NF); print $NF }' "$tmp/log"
}
printf '| suite | decrypt instructions/packet | sa instructions/packet |\n|---|---|---|\n'
for suite in aes-cbc-sha1 aes-gcm16 3des-md5; do
  full="$W/$suite-$FULL.pcap"
  [[ -s "$full" ]] || { echo "$full missing: run tests/perf/bench.sh first" >&2; exit 1; }
  for n in "$BIG" "$SMALL"; do
    tcpdump -r "$full" -c "$n" -w "$tmp/$suite-$n.pcap" 2>/dev/null
  done
  row="| $suite"
  for mode in decrypt sa; do
    extra=()
    [[ $mode == decrypt ]] && extra=(-w /dev/null)
    a=$(irefs "$VS" "$mode" "$tmp/$suite-$BIG.pcap" -k "$W/$suite.esp_sa" --no-progress "${extra[@]}")
    b=$(irefs "$VS" "$mode" "$tmp/$suite-$SMALL.pcap" -k "$W/$suite.esp_sa" --no-progress "${extra[@]}")
    row="$row | $(awk -v a="$a" -v b="$b" -v n="$((BIG - SMALL))" 'BEGIN { printf "%.0f", (a - b) / n }')"
  done
  echo "$row |"
done
