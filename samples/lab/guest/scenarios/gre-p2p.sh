#!/usr/bin/env bash
# Scenario 3 (guest): point-to-point GRE with OSPF over it.
#   r1 [192.0.2.1] --- inet (bridge, captured) --- [192.0.2.2] r2
#   tunnel0 172.16.12.1/30 <-> 172.16.12.2/30 (GRE, no key), LANs 10.1.1.0/24 and 10.2.2.0/24
# OSPF area 0 over the tunnel (point-to-point, hello 2 s, dead 8 s) and the LANs (passive):
# hellos, DB description, LS request/update/ack, then 4 pings LAN to LAN inside GRE.
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/gsite.sh"
LAB_ESP_PLUGIN=
lab_begin gre-p2p
gsite_topology
gsite_gre
lab_capture inet br0 "$RUN/capture.pcap"
gsite_ospf tunnel0 172.16.12.0/30
gsite_ping 4
gsite_show r1
lab_capture_stop
cp "$RUN/capture.pcap" "$OUT/$SCEN.pcap"
