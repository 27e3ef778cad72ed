#!/usr/bin/env bash
# Regenerates tests/plugin/golden/ (tshark -V with the plugin, TZ=UTC, -n) for
# every capture in samples/ and ../shared/captures/. Run only after checking
# that the differences the golden test shows are intended.
#   tests/plugin/regen-golden.sh [builddir]      (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
so=$build/plugins/4.0/epan/vpnscope.so
[[ -f $so ]] || { echo "regen-golden: $so not built" >&2; exit 2; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
exec /usr/bin/python3 "$root/tests/plugin/vs_plugin_test.py" --plugin "$so" --version "$version" \
  --samples "$root/samples" --shared "$root/../shared/captures" regen
