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

step "GETVPN: the group SA as 'show crypto ipsec sa' would count it (one SPI, three senders)" \
  $V sa $S/getvpn/getvpn-3des.pcap -k $S/getvpn/all-keys/esp_sa --no-progress
step "DMVPN phase 3 over IPsec: IKE decrypted with the phase-1 keys, ESP transport mode carrying GRE" \
  $V decode $S/dmvpn-phase3-ipsec-crafted/dmvpn-phase3-ipsec-crafted.pcap \
  -k $S/dmvpn-phase3-ipsec-crafted/ikev1_decryption_table -k $S/dmvpn-phase3-ipsec-crafted/all-keys/esp_sa --no-progress
step "DMVPN phase 2 (mGRE + NHRP), one line per frame" \
  $V decode $S/dmvpn-phase2/dmvpn-phase2.pcap --no-progress
step "Overhead what-if: an EIGRP hello (60 bytes) in GRE with tunnel key, esp-3des esp-md5-hmac" \
  $V overhead --what-if --size 60 --gre-key --transform 'esp-3des esp-md5-hmac'
