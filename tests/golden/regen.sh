#!/usr/bin/env bash
# Regenerates tests/golden/out/ from the current build. Run only after checking
# that every difference the golden test shows is intended.
#   tests/golden/regen.sh [builddir]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec /usr/bin/python3 tests/golden/golden.py "${1:-build}/vpnscope" samples ../shared/captures regen
