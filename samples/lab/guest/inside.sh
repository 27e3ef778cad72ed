#!/bin/bash
# Runs inside the QEMU guest as PID 1 (after switch_root): the host's userland on a read-only
# 9p root with the Debian kernel.  Makes module auto-loading work from the cached kernel tree,
# runs guest/scenarios/NAME.sh, writes its exit code, powers off.
scen=$1
lab=$(cd "$(dirname "$0")/.." && pwd)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C
# (the 9p root shows the host's /proc, /sys and /dev directories: mount the guest's own over them)
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
[[ -n ${VS_LAB_DEBUG:-} ]] && cat /proc/mounts
kdir=$lab/cache/kernel
printf '#!/bin/sh\nexec /sbin/modprobe -d %s "$@"\n' "$kdir" >/run/modprobe
chmod +x /run/modprobe
echo /run/modprobe >/proc/sys/kernel/modprobe
mkdir -p /dev/pts /dev/shm /dev/net
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ln -sf /proc/self/fd /dev/fd
ip link set lo up
for m in veth bridge ip_gre esp4 xfrm_user xfrm_interface ip_vti af_packet nfnetlink_log xt_NFLOG \
         iptable_filter ip_tables x_tables tun; do
  /run/modprobe "$m" 2>/dev/null || true
done
rc=1
echo "guest: running $scen"
if [[ -x $lab/guest/scenarios/$scen.sh ]]; then
  VS_LAB_RUN=/tmp/vpnscope-lab "$lab/guest/scenarios/$scen.sh" && rc=0
  echo "guest: $scen exited $rc"
else
  echo "guest: no scenario $scen"
fi
if [[ $rc != 0 && -d /tmp/vpnscope-lab/$scen ]]; then
  # Hand the scratch files (charon logs, FRR logs, configs) to the host for debugging.
  cp -r "/tmp/vpnscope-lab/$scen" "$lab/../$scen/.guest-debug" 2>/dev/null || true
fi
echo "$rc" >"$lab/../$scen/.guest-rc" 2>/dev/null || true
sync
/bin/busybox poweroff -f
