#!/usr/bin/env bash
# Scenario 11 (guest, kernel ESP): DMVPN phase 3 protected by IPsec, as dmvpn-phase3 plus
# "tunnel protection": FRR nhrpd asks charon (over vici, "tunnel protection vici profile dmvpn")
# for an IKEv1 SA with each NBMA peer before it sends NHRP; ESP in transport mode protects GRE.
# IKE: Main Mode PSK AES-256/SHA-1/group 14; Quick Mode ESP AES-256 + HMAC-SHA1-96, transport,
# traffic selectors <nbma>[gre] <-> <peer nbma>[gre]. Spoke-to-spoke: after the Resolution
# Reply, spoke1 and spoke2 negotiate their own SA and talk directly.
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
  lab_private_run $r
  lab_charon $r
  cat >"$RUN/$r/swanctl/swanctl.conf" <<CONF
connections {
  dmvpn {
    version = 1
    proposals = aes256-sha1-modp2048
    local_addrs = %any
    remote_addrs = %any
    rekey_time = 0
    mobike = no
    local { auth = psk }
    remote { auth = psk }
    children {
      dmvpn {
        esp_proposals = aes256-sha1
        local_ts = dynamic[gre]
        remote_ts = dynamic[gre]
        mode = transport
        rekey_time = 0
      }
    }
  }
}
secrets {
  ike-dmvpn {
    secret = "cisco123"
  }
}
CONF
  lab_load $r
done
lab_capture inet br0 "$RUN/capture.pcap"
dmvpn_frr hub 1.1.1.1 10.10.0.0/24 " ip nhrp map multicast dynamic
 ip nhrp redirect
 tunnel protection vici profile dmvpn" "nhrp nflog-group 1"
for s in 1 2; do
  dmvpn_frr spoke$s 10.0.0.1$s 10.$s.$s.0/24 " ip nhrp nhs dynamic nbma 192.0.2.1
 ip nhrp map multicast 192.0.2.1
 ip nhrp shortcut
 tunnel protection vici profile dmvpn"
done
lab_wait 180 dmvpn_ospf_full hub 2 || { dmvpn_show hub spoke1 spoke2; lab_die "hub has no 2 OSPF adjacencies"; }
spoke_route() { in_ns spoke1 ip route show 10.2.2.0/24 | grep -q .; }
lab_wait 60 spoke_route || lab_die "spoke1 has no route to spoke2's LAN"
dmvpn_ping spoke1 10.1.1.1 10.2.2.1 16 || lab_die "spoke1 -> spoke2 pings failed"
dmvpn_show hub spoke1 spoke2
lab_xfrm_dump
lab_capture_stop
lab_finish
