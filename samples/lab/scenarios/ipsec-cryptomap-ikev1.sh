#!/usr/bin/env bash
# Scenario 1: IKEv1 Main Mode PSK 3DES/MD5/group 2, Quick Mode esp-3des esp-md5-hmac, tunnel mode,
# traffic 10.1.1.0/24 <-> 10.2.2.0/24 (the crypto ACL), pings, then deletes.
#   h1 10.1.1.10 -- r1 [192.0.2.1] ==== [192.0.2.2] r2 -- h2 10.2.2.10   (capture on r1's WAN)
set -euo pipefail
source "$(dirname "$0")/../lib/ns.sh"
source "$(dirname "$0")/../lib/site.sh"
lab_begin ipsec-cryptomap-ikev1

site_topology
for r in r1 r2; do lab_charon $r; done
ike="version = 1
    proposals = 3des-md5-modp1024"
site_swanctl r1 192.0.2.1 192.0.2.2 10.1.1.0/24 10.2.2.0/24 "$ike" "esp_proposals = 3des-md5" "cisco123"
site_swanctl r2 192.0.2.2 192.0.2.1 10.2.2.0/24 10.1.1.0/24 "$ike" "esp_proposals = 3des-md5" "cisco123"

lab_capture r1 wan "$RUN/capture.pcap"
lab_swanctl r1 --initiate --child cmap --timeout 20 >"$RUN/initiate.log" 2>&1 || { cat "$RUN/initiate.log"; lab_die "initiate failed"; }
site_traffic
lab_swanctl r1 --terminate --ike cmap --timeout 10 >/dev/null 2>&1
lab_capture_stop
lab_finish
