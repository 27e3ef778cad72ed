# Two-router topology inside the QEMU guest (real kernel GRE/ESP):
#   r1 [eth0 192.0.2.1] --- inet/br0 (captured) --- [eth0 192.0.2.2] r2
#   LANs (dummy): r1 lan0 10.1.1.1/24, r2 lan0 10.2.2.1/24

gsite_topology() {
  lab_internet
  local r
  for r in r1 r2; do lab_router $r; done
  lab_attach r1 eth0 192.0.2.1/24
  lab_attach r2 eth0 192.0.2.2/24
  lab_lan r1 lan0 10.1.1.1/24
  lab_lan r2 lan0 10.2.2.1/24
}

# gsite_gre: tunnel0 point-to-point GRE 172.16.12.1/30 <-> .2 (like IOS "interface Tunnel0").
gsite_gre() {
  in_ns r1 ip tunnel add tunnel0 mode gre local 192.0.2.1 remote 192.0.2.2 ttl 255
  in_ns r2 ip tunnel add tunnel0 mode gre local 192.0.2.2 remote 192.0.2.1 ttl 255
  in_ns r1 ip addr add 172.16.12.1/30 dev tunnel0
  in_ns r2 ip addr add 172.16.12.2/30 dev tunnel0
  # IOS default for GRE over IPsec: ip mtu 1400 keeps packets below the path MTU.
  local r
  for r in r1 r2; do in_ns $r ip link set tunnel0 mtu 1400 up; done
}

# gsite_ospf IFACE PREFIX: OSPF area 0 over IFACE (point-to-point, hello 2 s, dead 8 s) and the LAN.
gsite_ospf() {
  local ifc=$1 pfx=$2 r n
  for r in r1 r2; do
    n=${r#r}
    lab_frr $r "ospfd" <<CONF
hostname $r
interface $ifc
 ip ospf network point-to-point
 ip ospf hello-interval 2
 ip ospf dead-interval 8
interface lan0
 ip ospf passive
router ospf
 ospf router-id $n.$n.$n.$n
 timers throttle spf 0 50 500
 network $pfx area 0
 network 10.$n.$n.0/24 area 0
CONF
  done
  gsite_full() { lab_vtysh r1 -c 'show ip ospf neighbor' | grep -q Full; }
  lab_wait 90 gsite_full || { lab_vtysh r1 -c 'show ip ospf neighbor' >&2; lab_die "OSPF adjacency did not form"; }
  gsite_route() { ip netns exec "$(lab_ns r1)" ip route show 10.2.2.0/24 | grep -q "dev $ifc"; }
  lab_wait 60 gsite_route || lab_die "no OSPF route to 10.2.2.0/24 over $ifc"
}

# gsite_ping [COUNT]: LAN to LAN pings, fixed payload.
gsite_ping() {
  in_ns r1 ping -n -c "${1:-4}" -i 0.5 -W 2 -I 10.1.1.1 -p 76707363 10.2.2.1 >"$RUN/ping.log" 2>&1 ||
    { cat "$RUN/ping.log" >&2; lab_die "ping 10.1.1.1 -> 10.2.2.1 failed"; }
}

gsite_show() {
  lab_vtysh "$1" -c 'show ip ospf neighbor' -c 'show ip route' >"$OUT/$1-show.txt" 2>&1 || true
}
