# Helpers for host-side lab scenarios: network namespaces, veths, one charon per
# namespace, tcpdump. Sourced by samples/lab/scenarios/*.sh (bash, run as root).
# Nothing here talks to anything but the namespaces it creates.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SAMPLES_ROOT=$(cd "$LAB_ROOT/.." && pwd)
LAB_RUN_BASE=${VS_LAB_RUN:-/tmp/vpnscope-lab}
SYS_PY=/usr/bin/python3   # Debian's python (scapy, cryptography); not a pyenv shim

lab_log() { printf '[lab %s] %s\n' "${SCEN:-?}" "$*" >&2; }
lab_die() { lab_log "ERROR: $*"; exit 1; }

# lab_begin NAME: sets SCEN, RUN (scratch dir), OUT (samples/NAME), clean state.
lab_begin() {
  SCEN=$1
  RUN=$LAB_RUN_BASE/$SCEN
  OUT=$SAMPLES_ROOT/$SCEN
  LAB_NS=()
  LAB_PIDS=()
  lab_cleanup_quiet
  rm -rf "$RUN"; mkdir -p "$RUN" "$OUT"
  trap lab_cleanup EXIT
}

lab_ns() { echo "vsl-$SCEN-$1"; }          # namespace name of router $1
in_ns() { local n=$1; shift; ip netns exec "$(lab_ns "$n")" "$@"; }

lab_cleanup_quiet() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^vsl-$SCEN-" || true); do
    # End only what runs inside our own namespaces.
    local p
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    sleep 0.2
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}

lab_cleanup() {
  local p
  for p in "${LAB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  lab_cleanup_quiet
}

# lab_router NAME [forwarding]: new namespace with lo up.
lab_router() {
  ip netns add "$(lab_ns "$1")"
  in_ns "$1" ip link set lo up
  in_ns "$1" sysctl -qw net.ipv4.ip_forward=1
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  LAB_NS+=("$1")
}

# lab_link A IFA ADDR_A/LEN B IFB ADDR_B/LEN: veth pair between two namespaces.
lab_link() {
  local a=$1 ifa=$2 aa=$3 b=$4 ifb=$5 ab=$6
  local ta="lx$RANDOM" tb="ly$RANDOM"
  ip link add "$ta" type veth peer name "$tb"
  ip link set "$ta" netns "$(lab_ns "$a")"
  ip link set "$tb" netns "$(lab_ns "$b")"
  in_ns "$a" ip link set "$ta" name "$ifa"
  in_ns "$b" ip link set "$tb" name "$ifb"
  # Fixed MACs keep captures reproducible (locally administered, derived from the address).
  in_ns "$a" ip link set "$ifa" address "$(lab_mac "$aa")"
  in_ns "$b" ip link set "$ifb" address "$(lab_mac "$ab")"
  [[ $aa != - ]] && in_ns "$a" ip addr add "$aa" dev "$ifa"
  [[ $ab != - ]] && in_ns "$b" ip addr add "$ab" dev "$ifb"
  in_ns "$a" ip link set "$ifa" up
  in_ns "$b" ip link set "$ifb" up
  # No offloads: captures show what goes on the wire.
  in_ns "$a" ethtool -K "$ifa" tx off rx off >/dev/null 2>&1 || true
  in_ns "$b" ethtool -K "$ifb" tx off rx off >/dev/null 2>&1 || true
}

lab_mac() {
  local ip=${1%/*}
  if [[ $ip == - ]]; then printf '02:00:00:00:00:%02x\n' $((RANDOM % 256)); return; fi
  local IFS=.; set -- $ip
  printf '02:00:%02x:%02x:%02x:%02x\n' "$1" "$2" "$3" "$4"
}

# lab_capture NS IFACE FILE: tcpdump on one interface, full frames, packet-buffered.
lab_capture() {
  local ns=$1 ifc=$2 file=$3
  # ip netns exec execs tcpdump: $! is tcpdump itself (the function in_ns would add a subshell).
  ip netns exec "$(lab_ns "$ns")" tcpdump -q -n -U --immediate-mode -s 0 -i "$ifc" -w "$file" 2>"$RUN/tcpdump-$ns.log" &
  LAB_PIDS+=($!)
  LAB_CAP_PID=$!
  local i
  for i in $(seq 50); do grep -qs "listening on" "$RUN/tcpdump-$ns.log" && return 0; sleep 0.1; done
  lab_die "tcpdump did not start on $ns/$ifc"
}
lab_capture_stop() {
  sleep 1
  kill -INT "$LAB_CAP_PID" 2>/dev/null || true
  wait "$LAB_CAP_PID" 2>/dev/null || true
}

# lab_charon ROUTER [extra strongswan.conf charon{} lines]: start charon in ROUTER's namespace with
# its own config, /run (pid file) and vici socket; IKE/CHILD keys logged at level 4.
lab_charon() {
  local r=$1 extra=${2:-}
  local d=$RUN/$r
  mkdir -p "$d/run" "$d/swanctl"
  cat >"$d/strongswan.conf" <<CONF
charon {
  load = random nonce aes gcrypt sha1 sha2 md5 hmac gmp curve25519 pem pkcs1 x509 pubkey revocation constraints kdf kernel-libipsec kernel-netlink socket-default vici updown
  install_virtual_ip = no
  retransmit_timeout = 2.0
  retransmit_base = 1.5
  retransmit_tries = 3
  retransmit_jitter = 0
  make_before_break = yes
  $extra
  filelog {
    log {
      path = $d/charon.log
      time_format = %H:%M:%S
      ike_name = yes
      default = 1
      ike = 4
      chd = 4
      cfg = 2
      knl = 2
      net = 2
      enc = 2
    }
  }
  plugins {
    vici { socket = unix://$d/run/charon.vici }
  }
}
CONF
  in_ns "$r" unshare -m sh -c "mount --bind '$d/run' /run && exec env STRONGSWAN_CONF='$d/strongswan.conf' /usr/lib/ipsec/charon" \
    >"$d/charon.stdout" 2>&1 &
  LAB_PIDS+=($!)
  local i
  for i in $(seq 100); do [[ -S $d/run/charon.vici ]] && return 0; sleep 0.1; done
  lab_die "charon did not start in $r (see $d/charon.stdout)"
}

# lab_swanctl ROUTER ARGS...: swanctl against ROUTER's charon.
lab_swanctl() {
  local r=$1; shift
  in_ns "$r" swanctl "$@" --uri "unix://$RUN/$r/run/charon.vici"
}
# lab_load ROUTER: load $RUN/ROUTER/swanctl/swanctl.conf (+ x509/, private/, x509ca/ beside it).
lab_load() {
  local r=$1
  SWANCTL_DIR=$RUN/$r/swanctl lab_swanctl "$r" --load-all --noprompt --file "$RUN/$r/swanctl/swanctl.conf" >"$RUN/$r/load.log" 2>&1 ||
    { cat "$RUN/$r/load.log" >&2; lab_die "swanctl --load-all failed in $r"; }
}

# lab_finish [charon_keys.py options]: copy the capture and derive key files from the charon logs.
lab_finish() {
  rm -f "$OUT"/*.pcap "$OUT"/esp_sa* "$OUT"/ikev[12]_decryption_table* "$OUT"/esp-secrets.txt "$OUT"/keys.txt
  cp "$RUN/capture.pcap" "$OUT/$SCEN.pcap"
  local logs=()
  local r
  for r in "${LAB_NS[@]}"; do [[ -f $RUN/$r/charon.log ]] && logs+=("$RUN/$r/charon.log"); done
  if ((${#logs[@]})); then
    "$SYS_PY" "$LAB_ROOT/lib/charon_keys.py" --out "$OUT" "$@" "${logs[@]}"
  fi
  lab_log "wrote $OUT"
}
