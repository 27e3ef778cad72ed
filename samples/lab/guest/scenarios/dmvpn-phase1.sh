#!/usr/bin/env bash
# Scenario 8 (guest): DMVPN phase 1. Hub + 2 spokes, FRR 8.4 nhrpd on Linux mGRE (key 42).
#   hub    NBMA 192.0.2.1   tunnel 10.0.0.1   LAN 10.10.0.0/24
#   spoke1 NBMA 192.0.2.11  tunnel 10.0.0.11  LAN 10.1.1.0/24
#   spoke2 NBMA 192.0.2.12  tunnel 10.0.0.12  LAN 10.2.2.0/24
# Spokes register with the hub (NHRP Registration Request/Reply), OSPF point-to-multipoint over
# the tunnel (hub's hellos replicated to every registered spoke), then spoke1 LAN -> spoke2 LAN
# pings: in phase 1 they always go through the hub (no resolution, no shortcut).
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/dmvpn.sh"
LAB_ESP_PLUGIN=
lab_begin dmvpn-phase1
lab_internet
dmvpn_router hub 192.0.2.1 10.0.0.1 10.10.0.1/24
dmvpn_router spoke1 192.0.2.11 10.0.0.11 10.1.1.1/24
dmvpn_router spoke2 192.0.2.12 10.0.0.12 10.2.2.1/24
lab_capture inet br0 "$RUN/capture.pcap"
dmvpn_frr hub 1.1.1.1 10.10.0.0/24 " ip nhrp map multicast dynamic"
for s in 1 2; do
  dmvpn_frr spoke$s 10.0.0.1$s 10.$s.$s.0/24 " ip nhrp nhs dynamic nbma 192.0.2.1
 ip nhrp map multicast 192.0.2.1"
done
lab_wait 120 dmvpn_ospf_full hub 2 || { dmvpn_show hub spoke1 spoke2; lab_die "hub has no 2 OSPF adjacencies"; }
# Both directions: spoke2 must know spoke1's LAN too, or the first replies are lost.
spoke_route() { ip netns exec "$(lab_ns spoke1)" ip route show 10.2.2.0/24 | grep -q . &&
                ip netns exec "$(lab_ns spoke2)" ip route show 10.1.1.0/24 | grep -q .; }
lab_wait 60 spoke_route || lab_die "spoke1 has no route to spoke2's LAN"
dmvpn_ping spoke1 10.1.1.1 10.2.2.1 5 || lab_die "spoke1 -> spoke2 pings failed"
dmvpn_show hub spoke1 spoke2
lab_capture_stop
cp "$RUN/capture.pcap" "$OUT/$SCEN.pcap"
