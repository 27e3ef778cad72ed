#!/usr/bin/env bash
# Failure (guest): DMVPN phase 1 where spoke2 lacks "ip nhrp map multicast". Both spokes register
# (NHRP works), but spoke2's OSPF hellos never leave it (nothing to replicate them to), so the hub
# never hears spoke2: hub-spoke1 becomes Full, spoke2 sees the hub's hellos without itself listed
# and stays in Init; spoke1 never learns spoke2's LAN. The IOS symptom: "show ip ospf neighbor"
# on the spoke stuck in INIT (EIGRP: the neighbour flaps with "retry limit exceeded").
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/dmvpn.sh"
LAB_ESP_PLUGIN=
lab_begin dmvpn-missing-multicast-map
lab_internet
dmvpn_router hub 192.0.2.1 10.0.0.1 10.10.0.1/24
dmvpn_router spoke1 192.0.2.11 10.0.0.11 10.1.1.1/24
dmvpn_router spoke2 192.0.2.12 10.0.0.12 10.2.2.1/24
lab_capture inet br0 "$RUN/capture.pcap"
dmvpn_frr hub 1.1.1.1 10.10.0.0/24 " ip nhrp map multicast dynamic"
dmvpn_frr spoke1 10.0.0.11 10.1.1.0/24 " ip nhrp nhs dynamic nbma 192.0.2.1
 ip nhrp map multicast 192.0.2.1"
dmvpn_frr spoke2 10.0.0.12 10.2.2.0/24 " ip nhrp nhs dynamic nbma 192.0.2.1"
lab_wait 120 dmvpn_ospf_full hub 1 || { dmvpn_show hub spoke1 spoke2; lab_die "hub-spoke1 adjacency did not form"; }
sleep 20   # several dead intervals: spoke2 never becomes Full
if dmvpn_ospf_full hub 2; then lab_die "hub-spoke2 adjacency formed despite the missing map"; fi
if dmvpn_ping spoke1 10.1.1.1 10.2.2.1 2; then lab_die "spoke1 reached spoke2's LAN"; fi
dmvpn_show hub spoke1 spoke2
lab_capture_stop
cp "$RUN/capture.pcap" "$OUT/$SCEN.pcap"
