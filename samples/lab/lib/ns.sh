# Helpers for host-side lab scenarios: network namespaces, veths, one charon per
# namespace, tcpdump. Sourced by samples/lab/scenarios/*.sh (bash, run as root).
# Nothing here talks to anything but the namespaces it creates.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SAMPLES_ROOT=$(cd "$LAB_ROOT/.." && pwd)
LAB_RUN_BASE=${VS_LAB_RUN:-/tmp/vpnscope-lab}
SYS_PY=/usr/bin/python3   # Debian's python (scapy, cryptography); not a pyenv shim
# ESP: on the host userspace ESP (kernel-libipsec: the host kernel has no ESP); in the QEMU guest
# the kernel's own (set LAB_ESP_PLUGIN= empty).
LAB_ESP_PLUGIN=${LAB_ESP_PLUGIN-kernel-libipsec}

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
declare -A LAB_HOLDER=()
# in_ns ROUTER CMD...: run in the router's network namespace (and in its private mount namespace,
# with its own /run, when lab_private_run made one).
in_ns() {
  local n=$1; shift
  if [[ -n ${LAB_HOLDER[$n]:-} ]]; then
    nsenter -t "${LAB_HOLDER[$n]}" -m -n "$@"
  else
    ip netns exec "$(lab_ns "$n")" "$@"
  fi
}
# lab_private_run ROUTER: from now on the router's daemons (charon, FRR) and commands share a
# mount namespace where /run is the router's own (needed when FRR nhrpd must find charon's
# vici socket at its fixed path /var/run/charon.vici).
lab_private_run() {
  local r=$1 d=$RUN/$1
  mkdir -p "$d/run"
  ip netns exec "$(lab_ns "$r")" unshare -m --propagation private \
    sh -c "mount --bind '$d/run' /run && exec sleep 100000" &
  LAB_PIDS+=($!)
  LAB_HOLDER[$r]=$!
  local i
  for i in $(seq 50); do
    [[ $(readlink "/proc/$!/ns/mnt") != "$(readlink /proc/self/ns/mnt)" ]] && grep -q " /run " "/proc/$!/mountinfo" && return 0
    sleep 0.1
  done
  lab_die "private /run for $r not ready"
}

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
  load = random nonce aes gcrypt sha1 sha2 md5 hmac gmp curve25519 pem pkcs1 x509 pubkey revocation constraints kdf $LAB_ESP_PLUGIN kernel-netlink socket-default vici updown
  install_virtual_ip = no
  retransmit_timeout = ${LAB_RETRANSMIT_TIMEOUT:-2.0}
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
      flush_line = yes
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
  if [[ -n ${LAB_HOLDER[$r]:-} ]]; then
    in_ns "$r" env STRONGSWAN_CONF="$d/strongswan.conf" /usr/lib/ipsec/charon >"$d/charon.stdout" 2>&1 &
  else
    in_ns "$r" unshare -m sh -c "mount --bind '$d/run' /run && exec env STRONGSWAN_CONF='$d/strongswan.conf' /usr/lib/ipsec/charon" \
      >"$d/charon.stdout" 2>&1 &
  fi
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
  rm -f "$OUT"/*.pcap "$OUT"/esp_sa* "$OUT"/ikev[12]_decryption_table* "$OUT"/ikev1_skeyid "$OUT"/esp-secrets.txt "$OUT"/keys.txt
  cp "$RUN/capture.pcap" "$OUT/$SCEN.pcap"
  local logs=()
  local r
  for r in "${LAB_NS[@]}"; do [[ -f $RUN/$r/charon.log ]] && logs+=("$RUN/$r/charon.log"); done
  if ((${#logs[@]})); then
    "$SYS_PY" "$LAB_ROOT/lib/charon_keys.py" --out "$OUT" "$@" "${logs[@]}"
  fi
  lab_log "wrote $OUT"
}

# lab_internet: namespace "inet" with bridge br0 playing the internet; lab_attach NS IF ADDR/LEN
# plugs a router into it.  Capture on inet/br0 sees every packet between routers.
lab_internet() {
  lab_router inet
  in_ns inet ip link add br0 type bridge
  in_ns inet ip link set br0 up
}
lab_attach() {
  local r=$1 ifc=$2 addr=$3 p="p-$1"
  local ta="lx$RANDOM"
  ip link add "$ta" type veth peer name "$p"
  ip link set "$ta" netns "$(lab_ns "$r")"
  ip link set "$p" netns "$(lab_ns inet)"
  in_ns "$r" ip link set "$ta" name "$ifc"
  in_ns "$r" ip link set "$ifc" address "$(lab_mac "$addr")"
  in_ns "$r" ip addr add "$addr" dev "$ifc"
  in_ns "$r" ip link set "$ifc" up
  in_ns inet ip link set "$p" master br0
  in_ns inet ip link set "$p" up
}
# lab_lan NS IF ADDR/LEN: a dummy interface standing for the LAN behind a router (guest only).
lab_lan() {
  in_ns "$1" ip link add "$2" type dummy
  in_ns "$1" ip addr add "$3" dev "$2"
  in_ns "$1" ip link set "$2" up
}

# FRR: one set of daemons per namespace with its own pathspace (-N).
# lab_frr NS "daemons" < frr.conf : starts the daemons, loads the integrated config with vtysh -b.
lab_frr() {
  local r=$1 daemons=$2 ns
  ns=$(lab_ns "$r")
  in_ns "$r" mkdir -p "/run/frr/$ns"
  in_ns "$r" chown frr:frr "/run/frr/$ns"
  mkdir -p "/etc/frr/$ns" /var/log/frr
  cat >"/etc/frr/$ns/frr.conf"
  printf 'service integrated-vtysh-config\n' >"/etc/frr/$ns/vtysh.conf"
  chown -R frr:frr "/etc/frr/$ns" /var/log/frr
  local d
  for d in zebra $daemons; do
    in_ns "$r" "/usr/lib/frr/$d" -N "$ns" -d -A 127.0.0.1 >"$RUN/frr-$r-$d.log" 2>&1 ||
      { cat "$RUN/frr-$r-$d.log" >&2; lab_die "$d did not start in $r"; }
    [[ $d == zebra ]] && sleep 0.5
  done
  in_ns "$r" vtysh -N "$ns" -b >"$RUN/frr-$r-boot.log" 2>&1 ||
    { cat "$RUN/frr-$r-boot.log" >&2; lab_die "vtysh -b failed in $r"; }
}
lab_vtysh() { local r=$1; shift; in_ns "$r" vtysh -N "$(lab_ns "$r")" "$@"; }

# lab_wait SECONDS CMD...: poll until CMD succeeds.
lab_wait() {
  local t=$1; shift
  local end=$((SECONDS + t))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || return 1
    sleep 0.5
  done
}

# lab_xfrm_dump: the kernel's SAs and policies of every router namespace -> $OUT/xfrm-state.txt
lab_xfrm_dump() {
  local r
  { echo "# ip xfrm state / policy in each router namespace at the end of the capture (ip -s xfrm)"
    for r in "${LAB_NS[@]}"; do
      [[ $r == inet ]] && continue
      local st; st=$(in_ns "$r" ip xfrm state 2>/dev/null)
      [[ -z $st ]] && continue
      echo "## $r: ip xfrm state"; echo "$st"
      echo "## $r: ip xfrm policy"; in_ns "$r" ip xfrm policy
    done; } >"$OUT/xfrm-state.txt"
}
