#!/usr/bin/env bash
# Scenario 14: IKEv1 and ESP through a real NAT (iptables MASQUERADE in its own namespace).
#   h1 10.1.1.10 -- r1 [172.16.0.2] -- [172.16.0.1] nat [198.51.100.1] ==== [198.51.100.2] r2 -- h2
# r1 is behind the NAT: NAT-D payloads in MM3/MM4 differ, IKE floats to 4500 (NAT-T, RFC 3947),
# the NAT rewrites r1's source ports (500 -> 40500, 4500 -> 44500), ESP travels in UDP 4500
# (RFC 3948), NAT keepalives (one 0xff byte) every 2 s.  Captured on the NAT's outside
# interface, i.e. what r2 sees; r2 identifies r1 by its ID 172.16.0.2, not by the address.
set -euo pipefail
source "$(dirname "$0")/../lib/ns.sh"
source "$(dirname "$0")/../lib/site.sh"
lab_begin nat-t

for r in h1 r1 nat r2 h2; do lab_router $r; done
lab_link h1 eth0 10.1.1.10/24 r1 lan 10.1.1.1/24
lab_link r1 wan 172.16.0.2/24 nat in 172.16.0.1/24
lab_link nat out 198.51.100.1/24 r2 wan 198.51.100.2/24
lab_link r2 lan 10.2.2.1/24 h2 eth0 10.2.2.10/24
in_ns h1 ip route add default via 10.1.1.1
in_ns h2 ip route add default via 10.2.2.1
in_ns r1 ip route add default via 172.16.0.1
in_ns nat iptables -t nat -A POSTROUTING -o out -p udp --sport 500 -j SNAT --to-source 198.51.100.1:40500
in_ns nat iptables -t nat -A POSTROUTING -o out -p udp --sport 4500 -j SNAT --to-source 198.51.100.1:44500
in_ns nat iptables -t nat -A POSTROUTING -o out -j MASQUERADE
for r in r1 r2; do lab_charon $r "keep_alive = 2s"; done
ike="version = 1
    proposals = aes128-sha1-modp2048"
site_swanctl r1 172.16.0.2 198.51.100.2 10.1.1.0/24 10.2.2.0/24 "$ike" "esp_proposals = aes128-sha1" "cisco123"
site_swanctl r2 198.51.100.2 %any 10.2.2.0/24 10.1.1.0/24 "$ike" "esp_proposals = aes128-sha1" "cisco123"
# r2 accepts r1 from any address but only with r1's identity.
sed -i 's/id = %any }/id = 172.16.0.2 }/; s/id-peer = %any/id-peer = 172.16.0.2/' "$RUN/r2/swanctl/swanctl.conf"
lab_load r2

lab_capture nat out "$RUN/capture.pcap"
lab_swanctl r1 --initiate --child cmap --timeout 20 >"$RUN/initiate.log" 2>&1 || { cat "$RUN/initiate.log"; lab_die "initiate failed"; }
site_traffic 3
sleep 5   # two NAT keepalive intervals
site_traffic 2
lab_swanctl r1 --terminate --ike cmap --timeout 10 >/dev/null 2>&1
lab_capture_stop
lab_finish --prefer r2
