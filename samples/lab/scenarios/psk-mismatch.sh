#!/usr/bin/env bash
# Failure: IKEv1 Main Mode with different pre-shared keys.  r1 sends MM5 encrypted under its
# keys; r2 (other PSK, so other SKEYID_e) cannot decrypt it and answers with an INFORMATIONAL
# PAYLOAD-MALFORMED under its own keys; r1 retransmits MM5 until it gives up.  On IOS:
# "%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 192.0.2.1 failed its sanity check or is malformed",
# show crypto isakmp sa stuck in MM_KEY_EXCH.
set -euo pipefail
source "$(dirname "$0")/../lib/ns.sh"
source "$(dirname "$0")/../lib/site.sh"
lab_begin psk-mismatch

site_topology
for r in r1 r2; do lab_charon $r; done
ike="version = 1
    proposals = 3des-md5-modp1024"
site_swanctl r1 192.0.2.1 192.0.2.2 10.1.1.0/24 10.2.2.0/24 "$ike" "esp_proposals = 3des-md5" "cisco123"
site_swanctl r2 192.0.2.2 192.0.2.1 10.2.2.0/24 10.1.1.0/24 "$ike" "esp_proposals = 3des-md5" "cisco456"

lab_capture r1 wan "$RUN/capture.pcap"
if lab_swanctl r1 --initiate --child cmap --timeout 30 >"$RUN/initiate.log" 2>&1; then
  lab_die "initiate succeeded with mismatched PSKs"
fi
sleep 1
lab_capture_stop
lab_finish --ikev1-per-router
