#!/usr/bin/env bash
# Failure: NO_PROPOSAL_CHOSEN, three ways, one capture (each its own IKE SA):
#  p1  IKEv1 phase 1: r1 offers AES-128/SHA-1/group 14, r2 accepts only 3DES/MD5/group 2:
#      r2 answers MM1 with an unencrypted INFORMATIONAL NO-PROPOSAL-CHOSEN (IOS: MM_NO_STATE,
#      "%CRYPTO-6-IKMP_MODE_FAILURE ... phase 1 SA policy not acceptable").
#  p2  IKEv1 phase 2: Main Mode succeeds, the Quick Mode offer (esp-aes esp-sha-hmac) does not
#      match r2's transform set (esp-3des esp-md5-hmac): encrypted INFORMATIONAL
#      NO-PROPOSAL-CHOSEN (IOS: "IPSEC(validate_proposal_request): proposal part #1 ... rejected").
#  v2  IKEv2: IKE_SA_INIT answered with NO_PROPOSAL_CHOSEN.
set -euo pipefail
source "$(dirname "$0")/../lib/ns.sh"
source "$(dirname "$0")/../lib/site.sh"
lab_begin proposal-mismatch

site_topology
for r in r1 r2; do lab_charon $r; done
site_swanctl r1 192.0.2.1 192.0.2.2 10.1.1.0/24 10.2.2.0/24 "version = 1
    proposals = aes128-sha1-modp2048" "esp_proposals = 3des-md5" "cisco123" p1
site_swanctl r1 192.0.2.1 192.0.2.2 10.1.1.0/24 10.2.2.0/24 "version = 1
    proposals = 3des-md5-modp1024" "esp_proposals = aes128-sha1" "cisco123" p2
site_swanctl r1 192.0.2.1 192.0.2.2 10.1.1.0/24 10.2.2.0/24 "version = 2
    proposals = aes256-sha512-modp4096" "esp_proposals = aes128-sha1" "cisco123" v2
site_swanctl r2 192.0.2.2 192.0.2.1 10.2.2.0/24 10.1.1.0/24 "version = 1
    proposals = 3des-md5-modp1024" "esp_proposals = 3des-md5" "cisco123" p1
site_swanctl r2 192.0.2.2 192.0.2.1 10.2.2.0/24 10.1.1.0/24 "version = 2
    proposals = aes128-sha256-modp2048" "esp_proposals = aes128-sha1" "cisco123" v2

lab_capture r1 wan "$RUN/capture.pcap"
for c in p1 p2 v2; do
  if lab_swanctl r1 --initiate --child $c --timeout 15 >"$RUN/initiate-$c.log" 2>&1; then
    lab_die "$c: initiate succeeded despite the proposal mismatch"
  fi
  lab_swanctl r1 --terminate --ike $c --timeout 5 >/dev/null 2>&1 || true
  sleep 0.5
done
lab_capture_stop
lab_finish
