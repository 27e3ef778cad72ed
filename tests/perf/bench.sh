#!/usr/bin/env bash
# Benchmark (not a test): vpnscope decrypt / sa against tshark (same esp_sa keys, one line per
# packet: `tshark -q` alone does not dissect) and `TZ=UTC tcpdump -E` (decrypts, checks no ICV),
# in the same run, with the one-core OpenSSL crypto floor for the file's size mix.
#   tests/perf/bench.sh [PACKETS] [WORKDIR]
# PACKETS defaults to 1400000 for the AES suites (~1 GB: vpnscope then runs for about a second,
# which the 10 ms clock of /usr/bin/time can time to 1%) and 280000 for 3DES (crypto-bound, 5 s);
# a number given applies to all three. WORKDIR defaults to /tmp/vsa-perf.
# ROUNDS=n: runs per measurement, the fastest counts (default 3).
# VPNSCOPE=path/to/vpnscope overrides the binary (default build/vpnscope).
set -euo pipefail
cd "$(dirname "$0")/../.."
NARG=${1:-}
W=${2:-/tmp/vsa-perf}
VS=${VPNSCOPE:-build/vpnscope}
PY=/usr/bin/python3
mkdir -p "$W"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

R=${ROUNDS:-3}
measure() { # prints "wall_seconds peak_rss_kib cpu_seconds" (cpu = user + system), the best of
  # ROUNDS runs (default 3) for each: other jobs only ever add time
  local i
  for ((i = 0; i < R; i++)); do
    # the capture read just before each run: this VM's memory reclaim (kdamond) drops big files
    # from the page cache within seconds, and a run that reads from disk times the disk
    [[ -n "${WARM:-}" ]] && cat "$WARM" >/dev/null
    /usr/bin/time -f "%e %M %U %S" -o "$tmp" "$@" >/dev/null 2>&1 || true
    tail -1 "$tmp"
  done | awk '{ c = $3 + $4; if (NR == 1 || $1 < w) w = $1; if (NR == 1 || c < m) m = c; if ($2 > r) r = $2 }
              END { printf "%s %s %.2f\n", w, r, m }'
}

# one-core floor: per packet one cipher call (+ one HMAC) at the mix 40% ~96 B, 30% 512 B, 30% 1400 B.
# The cipher call is a *decryption* (-decrypt: CBC decryption runs in parallel over the blocks and is
# ~6x faster than CBC encryption, so timing encryption underestimated the CBC floor). For GCM the
# call is the whole per-packet AEAD operation, -aead: new nonce, AAD, update, tag, final; a plain
# `-evp aes-128-gcm` only times one update per buffer on a context never re-IV'd and never checking
# a tag, which no packet decrypter can do (an overestimate; printed as "bare" for reference).
speed() { # alg-args... bytes -> bytes/s
  local b=$1; shift
  openssl speed -seconds 1 -bytes "$b" -mr "$@" 2>/dev/null | awk -F: '/^\+F/ {print $4}' | tail -1
}
floor() { # cipher [hmac]
  local c=$1 h=${2:-} t=0
  for pair in "0.4 96" "0.3 512" "0.3 1400"; do
    set -- $pair
    local w=$1 b=$2 rc rh=0
    case $c in
      bare:*) rc=$(speed "$b" -evp "${c#bare:}") ;;
      *gcm*) rc=$(speed "$b" -decrypt -aead -evp "$c") ;;
      *) rc=$(speed "$b" -decrypt -evp "$c") ;;
    esac
    [[ -n "$h" ]] && rh=$(speed "$b" -hmac "$h")
    t=$(awk -v t="$t" -v w="$w" -v b="$b" -v rc="$rc" -v rh="$rh" \
      'BEGIN { x = b / rc; if (rh > 0) x += b / rh; print t + w * x }')
  done
  awk -v t="$t" 'BEGIN { printf "%.0f", 1 / t }'
}

T1='| suite | packets | MB | vpnscope decrypt pps (RSS MiB) | vpnscope sa pps | sa without keys pps | tshark pps (RSS MiB) | tcpdump -E pps | libpcap read pps | crypto floor pps | decrypt/tshark | sa/tshark | decrypt/tcpdump | sa/tcpdump | decrypt/floor | sa/floor |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
'
T2='| suite | decrypt wall pps 1 / 2 threads (RSS MiB) | sa wall pps 1 / 2 threads (RSS MiB) | decrypt 2/1 | sa 2/1 | decrypt 2 threads/tshark | sa 2 threads/tshark | decrypt 2 threads/tcpdump | sa 2 threads/tcpdump |
|---|---|---|---|---|---|---|---|---|
'
for suite in aes-cbc-sha1 aes-gcm16 3des-md5; do
  if [[ -n "$NARG" ]]; then N=$NARG; elif [[ $suite == 3des-md5 ]]; then N=280000; else N=1400000; fi
  cap="$W/$suite-$N.pcap"
  if [[ ! -s "$cap" ]]; then
    $PY tests/perf/gen_esp_capture.py "$suite" "$N" "$cap" "$W/$suite.esp_sa" "$W/$suite.secrets"
  fi
  mb=$(awk -v s="$(stat -L -c %s "$cap")" 'BEGIN { printf "%.0f", s / 1e6 }')
  WARM=$cap
  conf="$W/wsconf-$suite"
  mkdir -p "$conf"
  cp "$W/$suite.esp_sa" "$conf/esp_sa"
  k="$W/$suite.esp_sa"
  # one core: rates from CPU time (user + system), which other jobs on the machine do not inflate;
  # --threads 2: wall time (what threads buy), meaningful only on an otherwise idle machine
  read -r w_sa1 _ t_sa < <(measure "$VS" sa "$cap" -k "$k" --no-progress)
  # the same without keys: reading, decoding and counting, no cryptography (what vpnscope
  # itself costs per packet, next to the crypto floor)
  read -r _ _ t_nk < <(measure "$VS" sa "$cap" --no-progress)
  read -r w_sa2 rss_sa2 _ < <(measure "$VS" sa "$cap" -k "$k" --no-progress --threads 2)
  read -r w_dec1 rss_dec t_dec < <(measure "$VS" decrypt "$cap" -k "$k" -w /dev/null --no-progress)
  read -r w_dec2 rss_dec2 _ < <(measure "$VS" decrypt "$cap" -k "$k" -w /dev/null --no-progress --threads 2)
  read -r _ rss_ts t_ts < <(measure env WIRESHARK_CONFIG_DIR="$conf" TZ=UTC tshark -n -r "$cap" \
    -o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE)
  read -r _ _ t_rd < <(measure tcpdump -r "$cap" -w /dev/null)
  if [[ -s "$W/$suite.secrets" ]]; then
    read -r _ _ t_td < <(measure env TZ=UTC tcpdump -n -r "$cap" -E "file $W/$suite.secrets")
  else
    t_td=""
  fi
  case $suite in
    aes-cbc-sha1) fl=$(floor aes-128-cbc sha1) ;;
    aes-gcm16) fl=$(floor aes-128-gcm); echo "(aes-gcm16 bare-update floor, for reference: $(floor bare:aes-128-gcm) pps)" >&2 ;;
    3des-md5) fl=$(floor des-ede3-cbc md5) ;;
  esac
  pps() { awk -v n="$N" -v t="$1" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "-" }'; }
  ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.1fx}" -v m="${4:-1}" 'BEGIN { if (a > 0 && b > 0) printf f, m * a / b; else print "-" }'; }
  d=$(pps "$t_dec"); s=$(pps "$t_sa"); nk=$(pps "$t_nk"); ts=$(pps "$t_ts"); rd=$(pps "$t_rd")
  d1w=$(pps "$w_dec1"); d2w=$(pps "$w_dec2"); s1w=$(pps "$w_sa1"); s2w=$(pps "$w_sa2")
  if [[ -n "$t_td" ]]; then td=$(pps "$t_td"); else td="n/a (no GCM)"; fi
  tdn=$([[ -n "$t_td" ]] && echo "$td" || echo 0)
  # the other tools are single-threaded: their CPU-time rate is their rate on one idle core
  T1+="| $suite | $N | $mb | $d ($((rss_dec / 1024))) | $s | $nk | $ts ($((rss_ts / 1024))) | $td | $rd | $fl | $(ratio "$d" "$ts") | $(ratio "$s" "$ts") | $(ratio "$d" "$tdn") | $(ratio "$s" "$tdn") | $(ratio "$d" "$fl" '%.0f%%' 100) | $(ratio "$s" "$fl" '%.0f%%' 100) |
"
  T2+="| $suite | $d1w / $d2w ($((rss_dec2 / 1024))) | $s1w / $s2w ($((rss_sa2 / 1024))) | $(ratio "$d2w" "$d1w" '%.2fx') | $(ratio "$s2w" "$s1w" '%.2fx') | $(ratio "$d2w" "$ts") | $(ratio "$s2w" "$ts") | $(ratio "$d2w" "$tdn") | $(ratio "$s2w" "$tdn") |
"
done
printf 'One core (CPU time, best of %s):\n\n%s\n' "$R" "$T1"
printf 'Two threads (--threads 2; wall time, best of %s; needs an otherwise idle machine):\n\n%s\n' "$R" "$T2"

# Peak RSS must stay flat with the file size: 100 MB and 1 GB files (AES-GCM), every mode.
printf '\n| peak RSS (MiB) | decrypt -w /dev/null | decrypt --threads 2 | sa | sa --threads 2 |\n|---|---|---|---|---|\n'
for n in 140000 1400000; do
  cap="$W/aes-gcm16-$n.pcap"
  if [[ ! -s "$cap" ]]; then
    $PY tests/perf/gen_esp_capture.py aes-gcm16 "$n" "$cap" "$W/aes-gcm16.esp_sa" "$W/aes-gcm16.secrets"
  fi
  R=1
  WARM=$cap
  read -r _ r1 _ < <(measure "$VS" decrypt "$cap" -k "$W/aes-gcm16.esp_sa" -w /dev/null --no-progress)
  read -r _ r4 _ < <(measure "$VS" decrypt "$cap" -k "$W/aes-gcm16.esp_sa" -w /dev/null --no-progress --threads 2)
  read -r _ r2 _ < <(measure "$VS" sa "$cap" -k "$W/aes-gcm16.esp_sa" --no-progress)
  read -r _ r3 _ < <(measure "$VS" sa "$cap" -k "$W/aes-gcm16.esp_sa" --no-progress --threads 2)
  mb=$(awk -v s="$(stat -L -c %s "$cap")" 'BEGIN { printf "%.0f", s / 1e6 }')
  printf '| %s MB (%s packets) | %s | %s | %s | %s |\n' "$mb" "$n" "$((r1 / 1024))" "$((r4 / 1024))" "$((r2 / 1024))" "$((r3 / 1024))"
done
