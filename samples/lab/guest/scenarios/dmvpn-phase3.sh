#!/usr/bin/env bash
# Scenario 9 (guest): DMVPN phase 3 (redirect/shortcut), same routers as dmvpn-phase1.
# The hub has "ip nhrp redirect" (+ the NFLOG rule FRR needs); spokes "ip nhrp shortcut".
# spoke1 LAN -> spoke2 LAN: the first packets go via the hub; the hub sends spoke1 an NHRP
# Traffic Indication; spoke1 sends a Resolution Request for 10.2.2.1, forwarded by the hub to
# spoke2, whose Resolution Reply carries spoke2's LAN prefix (10.2.2.0/24) and NBMA address;
# spoke1 installs the shortcut and the remaining pings go directly spoke1 <-> spoke2 (GRE
# between 192.0.2.11 and 192.0.2.12). spoke2 resolves spoke1 the same way for its replies.
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/dmvpn.sh"
LAB_ESP_PLUGIN=
lab_begin dmvpn-phase3
lab_internet
dmvpn_router hub 192.0.2.1 10.0.0.1 10.10.0.1/24
dmvpn_router spoke1 192.0.2.11 10.0.0.11 10.1.1.1/24
dmvpn_router spoke2 192.0.2.12 10.0.0.12 10.2.2.1/24
dmvpn_redirect_rule hub
lab_capture inet br0 "$RUN/capture.pcap"
dmvpn_frr hub 1.1.1.1 10.10.0.0/24 " ip nhrp map multicast dynamic
 ip nhrp redirect" "nhrp nflog-group 1"
for s in 1 2; do
  dmvpn_frr spoke$s 10.0.0.1$s 10.$s.$s.0/24 " ip nhrp nhs dynamic nbma 192.0.2.1
 ip nhrp map multicast 192.0.2.1
 ip nhrp shortcut"
done
lab_wait 120 dmvpn_ospf_full hub 2 || { dmvpn_show hub spoke1 spoke2; lab_die "hub has no 2 OSPF adjacencies"; }
# Both directions: spoke2 must know spoke1's LAN too, or the first replies are lost.
spoke_route() { ip netns exec "$(lab_ns spoke1)" ip route show 10.2.2.0/24 | grep -q . &&
                ip netns exec "$(lab_ns spoke2)" ip route show 10.1.1.0/24 | grep -q .; }
lab_wait 60 spoke_route || lab_die "spoke1 has no route to spoke2's LAN"
dmvpn_ping spoke1 10.1.1.1 10.2.2.1 12 || lab_die "spoke1 -> spoke2 pings failed"
dmvpn_show hub spoke1 spoke2
lab_capture_stop
cp "$RUN/capture.pcap" "$OUT/$SCEN.pcap"
