# The two-site topology shared by the host-side IPsec scenarios:
#   h1 10.1.1.10/24 -- [10.1.1.1] r1 [192.0.2.1/24] ==wan== [192.0.2.2/24] r2 [10.2.2.1] -- 10.2.2.10/24 h2

site_topology() {
  local r
  for r in h1 r1 r2 h2; do lab_router $r; done
  lab_link h1 eth0 10.1.1.10/24 r1 lan 10.1.1.1/24
  lab_link r1 wan 192.0.2.1/24 r2 wan 192.0.2.2/24
  lab_link r2 lan 10.2.2.1/24 h2 eth0 10.2.2.10/24
  in_ns h1 ip route add default via 10.1.1.1
  in_ns h2 ip route add default via 10.2.2.1
}

# site_swanctl ROUTER LOCAL REMOTE LOCAL_TS REMOTE_TS "IKE lines" "CHILD lines" PSK [CONN] [AUTH]
#   AUTH "psk" (default) or "pubkey" (certificates in $RUN/ROUTER/swanctl/{x509,x509ca,private}).
#   Several calls with different CONN names append connections; the last call loads them all.
site_swanctl() {
  local r=$1 me=$2 peer=$3 lts=$4 rts=$5 ike=$6 child=$7 psk=$8 conn=${9:-cmap} auth=${10:-psk}
  local ids="local { auth = $auth
      id = $me }
    remote { auth = $auth
      id = $peer }"
  if [[ $auth == pubkey ]]; then
    ids="local { auth = pubkey
      certs = $r.crt
      id = \"C=US, O=vpnscope lab, CN=$r\" }
    remote { auth = pubkey
      id = \"C=US, O=vpnscope lab, CN=*\" }"
  fi
  local f=$RUN/$r/swanctl/conns.d
  mkdir -p "$f"
  cat >"$f/$conn.conf" <<CONF
  $conn {
    $ike
    local_addrs = $me
    remote_addrs = $peer
    rekey_time = 0
    mobike = no
    $ids
    children {
      $conn {
        local_ts = $lts
        remote_ts = $rts
        mode = tunnel
        $child
        rekey_time = 0
      }
    }
  }
CONF
  { echo "connections {"; cat "$f"/*.conf; echo "}"
    echo "secrets {"
    [[ $auth == psk ]] && printf '  ike-peer {\n    id-me = %s\n    id-peer = %s\n    secret = "%s"\n  }\n' "$me" "$peer" "$psk"
    [[ $auth == pubkey ]] && printf '  rsa-me {\n    file = %s.key\n  }\n' "$r"
    echo "}"; } >"$RUN/$r/swanctl/swanctl.conf"
  lab_load "$r"
}

# Fixed traffic: 4 pings h1 -> h2, 0.2 s apart, fixed payload pattern.
site_traffic() {
  in_ns h1 ping -n -c ${1:-4} -i 0.2 -W 2 -s 56 -p 76707363 10.2.2.10 >"$RUN/ping.log" 2>&1 ||
    { cat "$RUN/ping.log" >&2; lab_log "ping h1 -> h2 failed"; return 1; }
}
