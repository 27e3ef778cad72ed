#!/usr/bin/env bash
# Failure as a user sees it in Wireshark: a key file with one wrong key.  The capture is a good
# IKEv2 exchange with pings; esp_sa holds the right keys for one direction and a wrong
# integrity key for the other (first byte inverted), so every packet of that SPI fails its ICV
# check.  esp_sa.correct holds the right keys.
set -euo pipefail
source "$(dirname "$0")/../lib/ns.sh"
source "$(dirname "$0")/../lib/site.sh"
lab_begin esp-wrong-key

site_topology
for r in r1 r2; do lab_charon $r; done
ike="version = 2
    proposals = aes128-sha256-modp2048"
site_swanctl r1 192.0.2.1 192.0.2.2 10.1.1.0/24 10.2.2.0/24 "$ike" "esp_proposals = aes128-sha256" "cisco123"
site_swanctl r2 192.0.2.2 192.0.2.1 10.2.2.0/24 10.1.1.0/24 "$ike" "esp_proposals = aes128-sha256" "cisco123"

lab_capture r1 wan "$RUN/capture.pcap"
lab_swanctl r1 --initiate --child cmap --timeout 20 >"$RUN/initiate.log" 2>&1 || { cat "$RUN/initiate.log"; lab_die "initiate failed"; }
site_traffic 4
lab_swanctl r1 --terminate --ike cmap --timeout 10 >/dev/null 2>&1
lab_capture_stop
lab_finish --corrupt-dst 192.0.2.1
