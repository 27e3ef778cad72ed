#!/usr/bin/env bash
# Scenario 5 (guest, kernel ESP): GRE over IPsec in transport mode (IOS "tunnel protection ipsec
# profile" with "mode transport", the byte-saving variant: no second IP header).
# IKEv1 Main Mode PSK AES-256/SHA-1/group 14, Quick Mode ESP AES-256 + HMAC-SHA1-96 protecting
# GRE (IP protocol 47) between 192.0.2.1 and 192.0.2.2; OSPF and pings inside the GRE tunnel.
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/site.sh"
source "$(dirname "$0")/../../lib/gsite.sh"
LAB_ESP_PLUGIN=
LAB_RETRANSMIT_TIMEOUT=15   # TCG is slow: no retransmissions of slow-to-compute messages
MODE=${MODE:-transport}
lab_begin gre-ipsec-$MODE
gsite_topology
gsite_gre
# As IOS tunnel protection: GRE never leaves unprotected (not even after the SAs are deleted).
for r in r1 r2; do in_ns $r iptables -A OUTPUT -p gre -m policy --dir out --pol none -j DROP; done
for r in r1 r2; do lab_charon $r; done
ike="version = 1
    proposals = aes256-sha1-modp2048"
site_swanctl r1 192.0.2.1 192.0.2.2 "192.0.2.1/32[gre]" "192.0.2.2/32[gre]" "$ike" "esp_proposals = aes256-sha1
        mode = $MODE" "cisco123" gre
site_swanctl r2 192.0.2.2 192.0.2.1 "192.0.2.2/32[gre]" "192.0.2.1/32[gre]" "$ike" "esp_proposals = aes256-sha1
        mode = $MODE" "cisco123" gre
lab_capture inet br0 "$RUN/capture.pcap"
lab_swanctl r1 --initiate --child gre --timeout 60 >"$RUN/initiate.log" 2>&1 || { cat "$RUN/initiate.log" >&2; lab_die "initiate failed"; }
gsite_ospf tunnel0 172.16.12.0/30
gsite_ping 4
gsite_show r1
lab_xfrm_dump
lab_swanctl r1 --terminate --ike gre --timeout 20 >/dev/null 2>&1 || true
lab_capture_stop
lab_finish
