#!/usr/bin/env bash
# Installs the Debian 12 packages vpnscope needs, only those missing. Idempotent.
#   scripts/setup.sh            build + test tools (what the README's commands need)
#   scripts/setup.sh --lab      also the lab tools that regenerate samples/ (strongSwan, FRR, QEMU)
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev
  libpcap-dev libssl-dev libyaml-dev libjansson-dev libcriterion-dev
  libwireshark-dev libglib2.0-dev libgcrypt20-dev)
test_pkgs=(tshark tcpdump tcpreplay python3 python3-scapy python3-cryptography
  iproute2 util-linux procps)
lab_pkgs=(strongswan-charon strongswan-swanctl libcharon-extra-plugins
  libstrongswan-extra-plugins frr qemu-system-x86 busybox-static kmod cpio iptables
  iputils-ping ethtool strongswan-pki)

want=("${build_pkgs[@]}" "${test_pkgs[@]}")
if [[ "${1:-}" == "--lab" ]]; then
  want+=("${lab_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#want[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install packages" >&2; exit 2; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
