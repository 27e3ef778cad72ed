#!/usr/bin/env bash
# Sets up, builds and runs every test: the normal build (gcc), the same
# suites under AddressSanitizer + UndefinedBehaviorSanitizer (clang), and the
# --threads comparison under ThreadSanitizer (clang).
#   scripts/test.sh [--no-asan]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

echo "== build (gcc, -Wall -Wextra -Werror) =="
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
echo "== tests =="
ctest --test-dir build --output-on-failure -j"$jobs"

if [[ "${1:-}" != "--no-asan" ]]; then
  echo "== build (clang, ASan+UBSan) =="
  CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVS_SANITIZE=ON >/dev/null
  cmake --build build-asan -j"$jobs"
  echo "== tests under ASan+UBSan =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE nosan
  echo "== --threads under ThreadSanitizer (clang) =="
  CC=clang cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DVS_TSAN=ON -DVS_WIRESHARK=OFF >/dev/null
  cmake --build build-tsan -j"$jobs" --target vpnscope
  # setarch -R: clang 14's TSan cannot map its shadow memory under the address
  # randomisation of newer kernels (vm.mmap_rnd_bits 32); without it the run fails
  # with "unexpected memory mapping" whatever the code does
  TSAN_OPTIONS=halt_on_error=1:exitcode=66 setarch "$(uname -m)" -R \
    /usr/bin/python3 tests/e2e/e2e_threads.py build-tsan/vpnscope samples tests/perf/gen_esp_capture.py
fi
echo "== all tests passed =="
