#!/usr/bin/env bash
# Scenario 2 (guest, kernel ESP): ESP with static keys, no IKE at all ("crypto map ... ipsec-manual").
# Tunnel mode between 192.0.2.1 and 192.0.2.2 for 10.1.1.0/24 <-> 10.2.2.0/24, AES-128-CBC +
# HMAC-SHA1-96, SPIs 0x00001001 (r1 -> r2) and 0x00001002 (r2 -> r1), fixed keys below; 4 pings.
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/gsite.sh"
LAB_ESP_PLUGIN=
lab_begin ipsec-manual-keys
gsite_topology
in_ns r1 ip route add 10.2.2.0/24 via 192.0.2.2 src 10.1.1.1
in_ns r2 ip route add 10.1.1.0/24 via 192.0.2.1 src 10.2.2.1

# spi src dst enc-key auth-key
sas=(
  "0x00001001 192.0.2.1 192.0.2.2 0x0123456789abcdef0123456789abcdef 0x1111111111111111111111111111111111111111"
  "0x00001002 192.0.2.2 192.0.2.1 0xfedcba9876543210fedcba9876543210 0x2222222222222222222222222222222222222222"
)
for r in r1 r2; do
  for sa in "${sas[@]}"; do
    set -- $sa
    in_ns $r ip xfrm state add src $2 dst $3 proto esp spi $1 reqid 1 mode tunnel \
      enc 'cbc(aes)' $4 auth-trunc 'hmac(sha1)' $5 96
  done
done
pol() { # ns local-net remote-net local-addr remote-addr
  in_ns $1 ip xfrm policy add src $2 dst $3 dir out tmpl src $4 dst $5 proto esp reqid 1 mode tunnel
  in_ns $1 ip xfrm policy add src $3 dst $2 dir in tmpl src $5 dst $4 proto esp reqid 1 mode tunnel
  in_ns $1 ip xfrm policy add src $3 dst $2 dir fwd tmpl src $5 dst $4 proto esp reqid 1 mode tunnel
}
pol r1 10.1.1.0/24 10.2.2.0/24 192.0.2.1 192.0.2.2
pol r2 10.2.2.0/24 10.1.1.0/24 192.0.2.2 192.0.2.1

lab_capture inet br0 "$RUN/capture.pcap"
gsite_ping 4
lab_capture_stop
cp "$RUN/capture.pcap" "$OUT/$SCEN.pcap"
lab_xfrm_dump
{ echo '# Wireshark ESP SAs (esp_sa UAT): the manual keys configured on both routers.'
  for sa in "${sas[@]}"; do set -- $sa
    echo "\"IPv4\",\"$2\",\"$3\",\"$1\",\"AES-CBC [RFC3602]\",\"$4\",\"HMAC-SHA-1-96 [RFC2404]\",\"$5\""
  done; } >"$OUT/esp_sa"
{ echo '# tcpdump -E file:esp-secrets.txt'
  for sa in "${sas[@]}"; do set -- $sa; echo "$1@$3 aes128-cbc-hmac96:$4"; done; } >"$OUT/esp-secrets.txt"
{ echo 'Manual SAs (no IKE), configured identically on r1 and r2:'
  for sa in "${sas[@]}"; do set -- $sa
    echo "ESP SA $1 $2 -> $3: AES_CBC key $4, HMAC_SHA1_96 key $5"; done; } >"$OUT/keys.txt"
