# DMVPN inside the QEMU guest: Linux mGRE + FRR nhrpd (+ ospfd over the tunnel).
#   inet/br0 (captured) joins every router's eth0 (the NBMA "internet", 192.0.2.0/24).
#   Tunnel 10.0.0.0/24 on gre1 (GRE key 42, like IOS "tunnel key 42"); addresses are /32 on the
#   interface, as FRR's nhrpd expects; each router's LAN is a dummy interface.
# Multicast (OSPF hellos) over mGRE works as in FRR's documentation: an iptables rule hands
# link-local multicast leaving gre1 to nhrpd (NFLOG group 2), which sends a unicast GRE copy to
# every "ip nhrp map multicast" destination; the kernel's own copy is dropped.

# dmvpn_router NAME NBMA TUNNEL_IP LAN: namespace, eth0 on the internet, gre1, LAN, iptables.
dmvpn_router() {
  local r=$1 nbma=$2 tip=$3 lan=$4
  lab_router "$r"
  lab_attach "$r" eth0 "$nbma/24"
  lab_lan "$r" lan0 "$lan"
  in_ns "$r" ip tunnel add gre1 mode gre key 42 ttl 64 local "$nbma" dev eth0
  in_ns "$r" ip addr add "$tip/32" dev gre1
  in_ns "$r" ip link set gre1 mtu 1400 up
  in_ns "$r" iptables -A OUTPUT -d 224.0.0.0/24 -o gre1 -j NFLOG --nflog-group 2
  in_ns "$r" iptables -A OUTPUT -d 224.0.0.0/24 -o gre1 -j DROP
}

# dmvpn_redirect_rule NAME: the hub's NFLOG rule that lets nhrpd send Traffic Indications
# (FRR docs, "ip nhrp redirect"): spoke-to-spoke packets forwarded gre1 -> gre1, rate-limited.
dmvpn_redirect_rule() {
  in_ns "$1" iptables -A FORWARD -i gre1 -o gre1 -m hashlimit --hashlimit-upto 4/minute \
    --hashlimit-burst 1 --hashlimit-mode srcip,dstip --hashlimit-srcmask 24 --hashlimit-dstmask 24 \
    --hashlimit-name loglimit-0 -j NFLOG --nflog-group 1 --nflog-size 128
}

# dmvpn_frr NAME ROUTER_ID LAN_PREFIX "nhrp interface lines" ["global lines"]
dmvpn_frr() {
  local r=$1 rid=$2 lan=$3 nhrp=$4 glob=${5:-}
  lab_frr "$r" "nhrpd ospfd" <<CONF
hostname $r
nhrp multicast-nflog-group 2
$glob
interface gre1
 ip nhrp network-id 1
 ip nhrp holdtime 60
 ip nhrp registration no-unique
$nhrp
 ip ospf network point-to-multipoint
 ip ospf hello-interval 2
 ip ospf dead-interval 8
 tunnel source eth0
interface lan0
 ip ospf passive
router ospf
 ospf router-id $rid
 timers throttle spf 0 50 500
 network 10.0.0.0/24 area 0
 network $lan area 0
CONF
}

dmvpn_ospf_full() { # NAME COUNT: NAME has COUNT Full OSPF neighbours
  [[ $(lab_vtysh "$1" -c 'show ip ospf neighbor' 2>/dev/null | grep -c Full) -ge $2 ]]
}

# dmvpn_show NAME...: the IOS-like state at the end (show dmvpn, nhrp cache, OSPF, routes).
dmvpn_show() {
  local r
  for r in "$@"; do
    lab_vtysh "$r" -c 'show dmvpn' -c 'show ip nhrp cache' -c 'show ip nhrp nhs' \
      -c 'show ip nhrp shortcut' -c 'show ip ospf neighbor' -c 'show ip route' >"$OUT/$r-show.txt" 2>&1 || true
  done
}

# dmvpn_ping FROM SRC DST COUNT: pings; fails unless every echo is answered (not fatal by itself).
dmvpn_ping() {
  in_ns "$1" ping -n -c "$4" -i 0.5 -W 2 -I "$2" -p 76707363 "$3" >"$RUN/ping-$1.log" 2>&1 &&
    grep -q " 0% packet loss" "$RUN/ping-$1.log"
}
