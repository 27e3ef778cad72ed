#!/bin/sh
# Regenerates every crafted sample (captures, key files, expected.md) deterministically.
# Needs Debian's python3 with python3-scapy and python3-cryptography (scripts/setup.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/gen.py" "$@"
