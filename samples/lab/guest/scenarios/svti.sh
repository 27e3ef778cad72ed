#!/usr/bin/env bash
# Scenario 6 (guest, kernel ESP): route-based IPsec without GRE, the static VTI equivalent
# (IOS "tunnel mode ipsec ipv4"). Linux xfrm interfaces ipsec0 (if_id 42) carry 172.16.12.1/30 <->
# .2; IKEv2 PSK AES-128/SHA-256/group 14 negotiates a CHILD_SA with traffic selectors
# 0.0.0.0/0 === 0.0.0.0/0 as IOS sVTI does; ESP AES-128 + HMAC-SHA-256-128 in tunnel mode;
# OSPF over the VTI and pings LAN to LAN.
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/site.sh"
source "$(dirname "$0")/../../lib/gsite.sh"
LAB_ESP_PLUGIN=
LAB_RETRANSMIT_TIMEOUT=15   # TCG is slow: no retransmissions of slow-to-compute messages
lab_begin svti
gsite_topology
n=1
for r in r1 r2; do
  in_ns $r ip link add ipsec0 type xfrm dev eth0 if_id 42
  in_ns $r ip addr add 172.16.12.$n/30 dev ipsec0
  in_ns $r ip link set ipsec0 mtu 1400 up
  n=2
done
for r in r1 r2; do lab_charon $r "install_routes = no"; done
ike="version = 2
    proposals = aes128-sha256-modp2048"
child="esp_proposals = aes128-sha256
        if_id_in = 42
        if_id_out = 42"
site_swanctl r1 192.0.2.1 192.0.2.2 0.0.0.0/0 0.0.0.0/0 "$ike" "$child" "cisco123" vti
site_swanctl r2 192.0.2.2 192.0.2.1 0.0.0.0/0 0.0.0.0/0 "$ike" "$child" "cisco123" vti
lab_capture inet br0 "$RUN/capture.pcap"
lab_swanctl r1 --initiate --child vti --timeout 60 >"$RUN/initiate.log" 2>&1 || { cat "$RUN/initiate.log" >&2; lab_die "initiate failed"; }
gsite_ospf ipsec0 172.16.12.0/30
gsite_ping 4
gsite_show r1
lab_xfrm_dump
lab_swanctl r1 --terminate --ike vti --timeout 20 >/dev/null 2>&1 || true
lab_capture_stop
lab_finish
