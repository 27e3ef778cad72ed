#!/usr/bin/env bash
# Scenario 7 (guest): multipoint GRE with static NHRP maps, no NHS (no registration at all).
# Three routers on one mGRE subnet 10.0.0.0/24 (key 42); each has "ip nhrp map" for the two
# others and "ip nhrp map multicast" to both, so OSPF hellos are replicated as unicast GRE to
# every peer. Traffic between any two goes directly. No NHRP packet is expected.
#   r1 192.0.2.1 / 10.0.0.1 LAN 10.1.1.0/24, r2 192.0.2.2 / 10.0.0.2 LAN 10.2.2.0/24,
#   r3 192.0.2.3 / 10.0.0.3 LAN 10.3.3.0/24
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/dmvpn.sh"
LAB_ESP_PLUGIN=
lab_begin mgre-static-nhrp
lab_internet
for n in 1 2 3; do dmvpn_router r$n 192.0.2.$n 10.0.0.$n 10.$n.$n.1/24; done
lab_capture inet br0 "$RUN/capture.pcap"
for n in 1 2 3; do
  maps=
  for m in 1 2 3; do
    [[ $m == "$n" ]] && continue
    maps+=" ip nhrp map 10.0.0.$m 192.0.2.$m
 ip nhrp map multicast 192.0.2.$m
"
  done
  dmvpn_frr r$n $n.$n.$n.$n 10.$n.$n.0/24 "$maps"
done
lab_wait 120 dmvpn_ospf_full r1 2 || { dmvpn_show r1 r2 r3; lab_die "r1 has no 2 OSPF adjacencies"; }
r_route() { ip netns exec "$(lab_ns r1)" ip route show 10.2.2.0/24 | grep -q . &&
            ip netns exec "$(lab_ns r1)" ip route show 10.3.3.0/24 | grep -q . &&
            ip netns exec "$(lab_ns r2)" ip route show 10.1.1.0/24 | grep -q . &&
            ip netns exec "$(lab_ns r3)" ip route show 10.1.1.0/24 | grep -q .; }
lab_wait 60 r_route || { dmvpn_show r1 r2 r3; lab_die "r1 has no routes to r2's and r3's LANs"; }
dmvpn_ping r1 10.1.1.1 10.2.2.1 4 || { dmvpn_show r1 r2 r3; lab_die "r1 -> r2 pings failed"; }
dmvpn_ping r1 10.1.1.1 10.3.3.1 4 || { dmvpn_show r1 r2 r3; ip netns exec "$(lab_ns r1)" ip neigh show dev gre1 >&2; lab_die "r1 -> r3 pings failed"; }
dmvpn_show r1 r2 r3
lab_capture_stop
cp "$RUN/capture.pcap" "$OUT/$SCEN.pcap"
