#!/usr/bin/env bash
# Prepare the QEMU guest, cached under samples/lab/cache/ (git-ignored):
#   linux-image-*.deb     Debian 12's kernel package, downloaded with apt-get download (not installed)
#   kernel/               its files extracted, modules.dep rebuilt with depmod -b
#   initrd.cpio.gz        busybox-static + the virtio/9p modules + init (guest/init)
# Prints the kernel version.  Rebuilds only what is missing or older than its inputs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$(cd "$here/.." && pwd)/cache
mkdir -p "$cache"
cd "$cache"
deb=$(ls linux-image-*-amd64_*.deb 2>/dev/null | head -1 || true)
if [[ -z $deb ]]; then
  pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
  [[ -n $pkg ]] || { echo "guest: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
  echo "guest: downloading $pkg" >&2
  apt-get download "$pkg" >&2
  deb=$(ls linux-image-*-amd64_*.deb | head -1)
fi
if [[ ! -d kernel/lib/modules || $deb -nt kernel ]]; then
  rm -rf kernel
  dpkg-deb -x "$deb" kernel
  depmod -b kernel "$(ls kernel/lib/modules)"
  touch kernel
fi
kver=$(ls kernel/lib/modules)
if [[ ! -f initrd.cpio.gz || $here/init -nt initrd.cpio.gz || kernel -nt initrd.cpio.gz ]]; then
  t=$(mktemp -d)
  mkdir -p "$t"/{bin,proc,sys,dev,newroot,mods}
  cp /bin/busybox "$t/bin/busybox"
  cp "$here/init" "$t/init"
  chmod +x "$t/init"
  : >"$t/mods/order"
  for m in virtio_pci 9pnet_virtio 9p; do
    modprobe -d "$cache/kernel" -S "$kver" --show-depends "$m" | awk '$1=="insmod"{print $2}' |
      while read -r ko; do
        b=$(basename "$ko")
        grep -qx "$b" "$t/mods/order" || { cp "$ko" "$t/mods/$b"; echo "$b" >>"$t/mods/order"; }
      done
  done
  (cd "$t" && find . | cpio -o -H newc --quiet | gzip -1) >initrd.cpio.gz
  rm -rf "$t"
fi
echo "$kver"
