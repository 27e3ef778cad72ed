#!/usr/bin/env bash
# Scenario 12: IKEv2 PSK site-to-site (AES-128/SHA-256/group 14; ESP AES-128/SHA-1), pings,
# a CHILD_SA rekey (CREATE_CHILD_SA with REKEY_SA, then the old SA's delete), pings on the new
# SAs, then the IKE_SA delete.  Same two-site topology as scenario 1.
set -euo pipefail
source "$(dirname "$0")/../lib/ns.sh"
source "$(dirname "$0")/../lib/site.sh"
lab_begin ikev2-s2s

site_topology
for r in r1 r2; do lab_charon $r; done
ike="version = 2
    proposals = aes128-sha256-modp2048"
site_swanctl r1 192.0.2.1 192.0.2.2 10.1.1.0/24 10.2.2.0/24 "$ike" "esp_proposals = aes128-sha1" "cisco123"
site_swanctl r2 192.0.2.2 192.0.2.1 10.2.2.0/24 10.1.1.0/24 "$ike" "esp_proposals = aes128-sha1" "cisco123"

lab_capture r1 wan "$RUN/capture.pcap"
lab_swanctl r1 --initiate --child cmap --timeout 20 >"$RUN/initiate.log" 2>&1 || { cat "$RUN/initiate.log"; lab_die "initiate failed"; }
site_traffic 3
lab_swanctl r1 --rekey --child cmap >"$RUN/rekey.log" 2>&1 || { cat "$RUN/rekey.log"; lab_die "rekey failed"; }
sleep 1
site_traffic 3
lab_swanctl r1 --terminate --ike cmap --timeout 10 >/dev/null 2>&1
lab_capture_stop
lab_finish
