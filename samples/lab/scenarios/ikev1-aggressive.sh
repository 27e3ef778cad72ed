#!/usr/bin/env bash
# Scenario 15: IKEv1 Aggressive Mode with a pre-shared key: r1 (the "client", identified by the
# FQDN spoke1.vpnscope.example instead of its address) initiates; AES-256/SHA-1/group 5,
# Quick Mode esp-aes 256 esp-sha-hmac, tunnel mode 10.1.1.0/24 <-> 10.2.2.0/24, pings, deletes.
#   h1 10.1.1.10 -- r1 [192.0.2.1] ==== [192.0.2.2] r2 -- h2 10.2.2.10   (capture on r1's WAN)
# Aggressive Mode: three messages; AM1 and AM2 carry SA, KE, nonce and the identities in clear
# (the responder also HASH_R), AM3 carries HASH_I.  strongSwan refuses Aggressive Mode with a
# PSK as a responder unless charon.i_dont_care_about_security_and_use_aggressive_mode_psk is
# set (IOS answers it by default when a keyring / isakmp profile matches the peer).
set -euo pipefail
source "$(dirname "$0")/../lib/ns.sh"
source "$(dirname "$0")/../lib/site.sh"
lab_begin ikev1-aggressive

site_topology
for r in r1 r2; do lab_charon $r "i_dont_care_about_security_and_use_aggressive_mode_psk = yes"; done
ike="version = 1
    aggressive = yes
    proposals = aes256-sha1-modp1536"
site_swanctl r1 192.0.2.1 192.0.2.2 10.1.1.0/24 10.2.2.0/24 "$ike" "esp_proposals = aes256-sha1" "cisco123"
site_swanctl r2 192.0.2.2 192.0.2.1 10.2.2.0/24 10.1.1.0/24 "$ike" "esp_proposals = aes256-sha1" "cisco123"
# r1's identity is an FQDN (ID type 2), the way a dynamic-address client names itself.
fqdn=spoke1.vpnscope.example
sed -i "0,/id = 192.0.2.1 }/s//id = $fqdn }/; s/id-me = 192.0.2.1/id-me = $fqdn/" "$RUN/r1/swanctl/swanctl.conf"
sed -i "0,/id = 192.0.2.1 }/s//id = $fqdn }/; s/id-peer = 192.0.2.1/id-peer = $fqdn/" "$RUN/r2/swanctl/swanctl.conf"
lab_load r1
lab_load r2

lab_capture r1 wan "$RUN/capture.pcap"
lab_swanctl r1 --initiate --child cmap --timeout 20 >"$RUN/initiate.log" 2>&1 || { cat "$RUN/initiate.log"; lab_die "initiate failed"; }
site_traffic
lab_swanctl r1 --terminate --ike cmap --timeout 10 >/dev/null 2>&1
lab_capture_stop
lab_finish
