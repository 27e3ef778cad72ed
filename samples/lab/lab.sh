#!/usr/bin/env bash
# Regenerate the lab samples (samples/<name>/) from real implementations.
#   samples/lab/lab.sh            every scenario (installs what it needs via scripts/setup.sh --lab)
#   samples/lab/lab.sh NAME...    only these scenarios
#   samples/lab/lab.sh --list     scenario names
# Host scenarios (strongSwan in network namespaces) run in seconds; guest scenarios boot a Debian
# kernel under QEMU (samples/lab/guest/), about a minute each.  Must run as root.  Scratch files
# (charon logs, configs) stay in ${VS_LAB_RUN:-/tmp/vpnscope-lab}/<name>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

host=(ipsec-cryptomap-ikev1 ikev2-s2s ikev1-certs nat-t ikev1-aggressive psk-mismatch proposal-mismatch esp-wrong-key)
guest=($(cd "$here/guest/scenarios" 2>/dev/null && ls *.sh 2>/dev/null | sed "s/\.sh$//" || true))

if [[ ${1:-} == --list ]]; then printf '%s\n' "${host[@]}" "${guest[@]}"; exit 0; fi
[[ $(id -u) -eq 0 ]] || { echo "lab: run as root (network namespaces, QEMU)" >&2; exit 2; }
"$root/scripts/setup.sh" --lab

want=("$@")
((${#want[@]})) || want=("${host[@]}" "${guest[@]}")
start=$SECONDS
for s in "${want[@]}"; do
  t=$SECONDS
  if [[ -x $here/scenarios/$s.sh ]]; then
    "$here/scenarios/$s.sh"
  elif [[ -x $here/guest/scenarios/$s.sh ]]; then
    "$here/guest/run.sh" "$s"
  else
    echo "lab: no scenario named $s (samples/lab/lab.sh --list)" >&2; exit 2
  fi
  echo "lab: $s done in $((SECONDS - t)) s"
done
echo "lab: ${#want[@]} scenario(s) in $((SECONDS - start)) s"
