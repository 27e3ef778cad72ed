#!/usr/bin/env bash
# Run one guest scenario: samples/lab/guest/run.sh NAME
# Boots Debian 12's kernel under QEMU (TCG, no disk image, no NIC: -nic none); the guest's root
# is this machine's / read-only over virtio-9p, the samples folder a writable 9p share.
# Console output: ${VS_LAB_RUN:-/tmp/vpnscope-lab}/NAME/console.log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lab=$(cd "$here/.." && pwd)
samples=$(cd "$lab/.." && pwd)
scen=$1
[[ -x $here/scenarios/$scen.sh ]] || { echo "guest: no scenario $scen" >&2; exit 2; }
kver=$("$here/build.sh")
run=${VS_LAB_RUN:-/tmp/vpnscope-lab}/$scen
mkdir -p "$run" "$samples/$scen"
rm -f "$samples/$scen/.guest-rc"
timeout "${VS_LAB_GUEST_TIMEOUT:-600}" qemu-system-x86_64 \
  -accel tcg -cpu max -m 1024 -smp 1 -nographic -no-reboot -nic none -monitor none \
  -serial "file:$run/console.log" \
  -kernel "$lab/cache/kernel/boot/vmlinuz-$kver" -initrd "$lab/cache/initrd.cpio.gz" \
  -append "console=ttyS0 quiet panic=-1 vsl.lab=$lab vsl.scenario=$scen ${VS_LAB_DEBUG:+vsl.debug=1}" \
  -fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
  -device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
  -fsdev local,id=usr,path=/usr,security_model=none,readonly=on,multidevs=remap \
  -device virtio-9p-pci,fsdev=usr,mount_tag=hostusr \
  -fsdev local,id=smp,path="$samples",security_model=none \
  -device virtio-9p-pci,fsdev=smp,mount_tag=samples >/dev/null 2>&1 || true
rc=$(cat "$samples/$scen/.guest-rc" 2>/dev/null || echo none)
rm -f "$samples/$scen/.guest-rc"
if [[ -d $samples/$scen/.guest-debug ]]; then
  rm -rf "$run/guest-debug"
  mv "$samples/$scen/.guest-debug" "$run/guest-debug"
fi
if [[ $rc != 0 ]]; then
  echo "guest: $scen failed (exit $rc); console:" >&2
  tail -40 "$run/console.log" >&2
  [[ -d $run/guest-debug ]] && echo "guest: scratch files in $run/guest-debug" >&2
  exit 1
fi
