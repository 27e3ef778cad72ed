#!/usr/bin/env bash
# The main job on the bundled samples: installs what is missing, builds, then
# runs vpnscope the way an engineer would on captures from their own network.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
V=build/vpnscope
S=samples

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}" || true; }

step "GETVPN with only the phase-1 keys: TEKs learned from GROUPKEY-PULL and signed rekeys, group SA counted as 'show crypto ipsec sa'" \
  $V sa $S/getvpn/getvpn-3des.pcap -k $S/getvpn/ikev1_decryption_table --no-progress
step "DMVPN phase 3 over IPsec: ESP keys derived from the decrypted Quick Modes (SKEYID_d), NHRP inside ESP transport mode" \
  $V decode $S/dmvpn-phase3-ipsec-crafted/dmvpn-phase3-ipsec-crafted.pcap \
  -k $S/dmvpn-phase3-ipsec-crafted/ikev1_skeyid --no-progress
step "Lab DMVPN phase 3 over IPsec (FRR nhrpd, Linux kernel ESP): per-tunnel overhead measured on the decrypted packets" \
  $V overhead $S/dmvpn-phase3-ipsec/dmvpn-phase3-ipsec.pcap -k $S/dmvpn-phase3-ipsec/esp_sa
step "DMVPN phase 2 (mGRE + NHRP), one line per frame" \
  $V decode $S/dmvpn-phase2/dmvpn-phase2.pcap --no-progress
step "Overhead what-if: an EIGRP hello (60 bytes) in GRE with tunnel key, esp-3des esp-md5-hmac" \
  $V overhead --what-if --size 60 --gre-key --transform 'esp-3des esp-md5-hmac'
