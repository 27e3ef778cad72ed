#!/usr/bin/env bash
# Scenario 13: IKEv1 Main Mode with RSA signatures: certificates issued by a lab CA made with
# strongSwan's pki (RSA 2048, SHA-256).  IKE AES-256/SHA-256/group 14, ESP AES-256/SHA-256,
# tunnel mode 10.1.1.0/24 <-> 10.2.2.0/24, pings, deletes.  MM5/MM6 carry ID, CERT and SIG
# (encrypted: only visible with the ikev1_decryption_table).  The CA and router certificates
# are copied beside the capture (ca.crt, r1.crt, r2.crt).
set -euo pipefail
source "$(dirname "$0")/../lib/ns.sh"
source "$(dirname "$0")/../lib/site.sh"
lab_begin ikev1-certs

site_topology
for r in r1 r2; do lab_charon $r; done
pki_dir=$RUN/pki
mkdir -p "$pki_dir"
pki --gen --type rsa --size 2048 --outform pem >"$pki_dir/ca.key"
pki --self --ca --lifetime 3650 --in "$pki_dir/ca.key" --type rsa --digest sha256 \
  --dn "C=US, O=vpnscope lab, CN=vpnscope lab CA" --outform pem >"$pki_dir/ca.crt"
for r in r1 r2; do
  d=$RUN/$r/swanctl
  mkdir -p "$d/x509" "$d/x509ca" "$d/private"
  pki --gen --type rsa --size 2048 --outform pem >"$d/private/$r.key"
  ip=$([[ $r == r1 ]] && echo 192.0.2.1 || echo 192.0.2.2)
  pki --pub --in "$d/private/$r.key" --type rsa |
    pki --issue --lifetime 1825 --cacert "$pki_dir/ca.crt" --cakey "$pki_dir/ca.key" --digest sha256 \
      --dn "C=US, O=vpnscope lab, CN=$r" --san "$ip" --outform pem >"$d/x509/$r.crt"
  cp "$pki_dir/ca.crt" "$d/x509ca/ca.crt"
done
ike="version = 1
    proposals = aes256-sha256-modp2048"
site_swanctl r1 192.0.2.1 192.0.2.2 10.1.1.0/24 10.2.2.0/24 "$ike" "esp_proposals = aes256-sha256" "" cmap pubkey
site_swanctl r2 192.0.2.2 192.0.2.1 10.2.2.0/24 10.1.1.0/24 "$ike" "esp_proposals = aes256-sha256" "" cmap pubkey

lab_capture r1 wan "$RUN/capture.pcap"
lab_swanctl r1 --initiate --child cmap --timeout 20 >"$RUN/initiate.log" 2>&1 || { cat "$RUN/initiate.log"; lab_die "initiate failed"; }
site_traffic
lab_swanctl r1 --terminate --ike cmap --timeout 10 >/dev/null 2>&1
lab_capture_stop
lab_finish
cp "$pki_dir/ca.crt" "$OUT/ca.crt"
for r in r1 r2; do cp "$RUN/$r/swanctl/x509/$r.crt" "$OUT/$r.crt"; done
