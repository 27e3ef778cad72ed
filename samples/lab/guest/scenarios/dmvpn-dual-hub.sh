#!/usr/bin/env bash
# Scenario 10 (guest): DMVPN with two hubs (two NHSs, phase 1). Each spoke registers with both:
#   hub1 NBMA 192.0.2.1 tunnel 10.0.0.1, hub2 NBMA 192.0.2.2 tunnel 10.0.0.2
#   spoke1 192.0.2.11 / 10.0.0.11 LAN 10.1.1.0/24, spoke2 192.0.2.12 / 10.0.0.12 LAN 10.2.2.0/24
# OSPF point-to-multipoint on the tunnel: each spoke is adjacent to both hubs (the hubs are not
# adjacent to each other: their multicast maps are dynamic, hubs do not register). Pings spoke1
# LAN -> spoke2 LAN go through one of the hubs.
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/dmvpn.sh"
LAB_ESP_PLUGIN=
lab_begin dmvpn-dual-hub
lab_internet
dmvpn_router hub1 192.0.2.1 10.0.0.1 10.10.1.1/24
dmvpn_router hub2 192.0.2.2 10.0.0.2 10.10.2.1/24
dmvpn_router spoke1 192.0.2.11 10.0.0.11 10.1.1.1/24
dmvpn_router spoke2 192.0.2.12 10.0.0.12 10.2.2.1/24
lab_capture inet br0 "$RUN/capture.pcap"
dmvpn_frr hub1 1.1.1.1 10.10.1.0/24 " ip nhrp map multicast dynamic"
dmvpn_frr hub2 2.2.2.2 10.10.2.0/24 " ip nhrp map multicast dynamic"
for s in 1 2; do
  dmvpn_frr spoke$s 10.0.0.1$s 10.$s.$s.0/24 " ip nhrp nhs dynamic nbma 192.0.2.1
 ip nhrp nhs dynamic nbma 192.0.2.2
 ip nhrp map multicast 192.0.2.1
 ip nhrp map multicast 192.0.2.2"
done
lab_wait 120 dmvpn_ospf_full hub1 2 || { dmvpn_show hub1 hub2 spoke1 spoke2; lab_die "hub1 has no 2 OSPF adjacencies"; }
lab_wait 60 dmvpn_ospf_full hub2 2 || { dmvpn_show hub1 hub2 spoke1 spoke2; lab_die "hub2 has no 2 OSPF adjacencies"; }
# Both directions: spoke2 must know spoke1's LAN too, or the first replies are lost.
spoke_route() { ip netns exec "$(lab_ns spoke1)" ip route show 10.2.2.0/24 | grep -q . &&
                ip netns exec "$(lab_ns spoke2)" ip route show 10.1.1.0/24 | grep -q .; }
lab_wait 60 spoke_route || lab_die "spoke1 has no route to spoke2's LAN"
dmvpn_ping spoke1 10.1.1.1 10.2.2.1 5 || lab_die "spoke1 -> spoke2 pings failed"
dmvpn_show hub1 hub2 spoke1 spoke2
lab_capture_stop
cp "$RUN/capture.pcap" "$OUT/$SCEN.pcap"
