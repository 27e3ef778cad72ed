#!/usr/bin/env bash
# Scenario 11 (guest, kernel ESP): DMVPN phase 3 protected by IPsec, as dmvpn-phase3 plus
# "tunnel protection": ESP in transport mode protects every GRE packet, IKEv1-negotiated on
# demand. IKE: Main Mode PSK AES-256/SHA-1/group 14; Quick Mode ESP AES-256 + HMAC-SHA1-96,
# transport, traffic selectors <nbma>[gre] <-> <peer nbma>[gre]. The spokes bring up their SAs
# with the hub and with each other at start; NHRP, OSPF, redirect, resolution and the direct
# spoke-to-spoke traffic then all travel inside ESP.
# (FRR's own integration, "tunnel protection vici profile", needs a strongSwan patch that
# Debian lacks - charon answers nhrpd's initiate with "unable to resolve %any" - so charon is
# configured on its own, as IOS crypto is next to NHRP.)
set -euo pipefail
source "$(dirname "$0")/../../lib/ns.sh"
source "$(dirname "$0")/../../lib/dmvpn.sh"
LAB_ESP_PLUGIN=
LAB_RETRANSMIT_TIMEOUT=15
lab_begin dmvpn-phase3-ipsec
lab_internet
dmvpn_router hub 192.0.2.1 10.0.0.1 10.10.0.1/24
dmvpn_router spoke1 192.0.2.11 10.0.0.11 10.1.1.1/24
dmvpn_router spoke2 192.0.2.12 10.0.0.12 10.2.2.1/24
dmvpn_redirect_rule hub
for r in hub spoke1 spoke2; do
  # GRE never leaves unprotected (IOS tunnel protection drops it instead).
  in_ns $r iptables -A OUTPUT -p gre -m policy --dir out --pol none -j DROP
  lab_charon $r
done
# conn NAME LOCAL REMOTE START_ACTION
conn() {
  cat <<CONF
  $1 {
    version = 1
    proposals = aes256-sha1-modp2048
    local_addrs = $2
    remote_addrs = $3
    rekey_time = 0
    mobike = no
    local { auth = psk }
    remote { auth = psk }
    children {
      $1 {
        esp_proposals = aes256-sha1
        local_ts = dynamic[gre]
        remote_ts = dynamic[gre]
        mode = transport
        rekey_time = 0
        start_action = $4
      }
    }
  }
CONF
}
secrets='secrets {
  ike-dmvpn {
    secret = "cisco123"
  }
}'
{ echo "connections {"; conn spokes 192.0.2.1 %any none; echo "}"; echo "$secrets"; } >"$RUN/hub/swanctl/swanctl.conf"
# Spoke-to-spoke SAs are brought up at start (spoke1 initiates): with on-demand trap policies
# FRR 8.4's nhrpd never answered the Resolution Request (no Resolution Reply was sent).
{ echo "connections {"; conn hub 192.0.2.11 192.0.2.1 start; conn spoke2 192.0.2.11 192.0.2.12 start; echo "}"
  echo "$secrets"; } >"$RUN/spoke1/swanctl/swanctl.conf"
{ echo "connections {"; conn hub 192.0.2.12 192.0.2.1 start; conn spoke1 192.0.2.12 192.0.2.11 none; echo "}"
  echo "$secrets"; } >"$RUN/spoke2/swanctl/swanctl.conf"
lab_capture inet br0 "$RUN/capture.pcap"
for r in hub spoke2 spoke1; do lab_load $r; done   # spoke1 initiates to spoke2: spoke2 first
sa_up() { [[ $(in_ns spoke1 ip xfrm state | grep -c '^src') -ge 4 && $(in_ns spoke2 ip xfrm state | grep -c '^src') -ge 4 ]]; }
lab_wait 120 sa_up || lab_die "the IPsec SAs did not come up"
dmvpn_frr hub 1.1.1.1 10.10.0.0/24 " ip nhrp map multicast dynamic
 ip nhrp redirect" "nhrp nflog-group 1"
for s in 1 2; do
  dmvpn_frr spoke$s 10.0.0.1$s 10.$s.$s.0/24 " ip nhrp nhs dynamic nbma 192.0.2.1
 ip nhrp map multicast 192.0.2.1
 ip nhrp shortcut"
done
lab_wait 180 dmvpn_ospf_full hub 2 || { dmvpn_show hub spoke1 spoke2; lab_die "hub has no 2 OSPF adjacencies"; }
spoke_route() { in_ns spoke1 ip route show 10.2.2.0/24 | grep -q . && in_ns spoke2 ip route show 10.1.1.0/24 | grep -q .; }
lab_wait 60 spoke_route || lab_die "spoke1 has no route to spoke2's LAN"
dmvpn_ping spoke1 10.1.1.1 10.2.2.1 16 || lab_die "spoke1 -> spoke2 pings failed"
dmvpn_show hub spoke1 spoke2
lab_xfrm_dump
lab_capture_stop
lab_finish
