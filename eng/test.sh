#!/usr/bin/env bash
# Runs Myelin's whole test suite: build (warnings are errors), then every test project, then the numerics
# tests again with AVX-512 and with all hardware intrinsics disabled, so every kernel path runs.
# Installs what the tests need (PostgreSQL, Chromium) with apt when run as root; otherwise says what is missing.
# Ends by printing the totals alone on one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing test prerequisites: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "error: the tests need these Debian packages: ${need[*]}. Install them (sudo apt-get install ${need[*]}) and rerun." >&2
    exit 1
  fi
fi

results="$root_dir/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# Formatting first: a whitespace drift fails fast, before the build (style rules are enforced by the build itself).
dotnet format whitespace Myelin.slnx --verify-no-changes
dotnet build Myelin.slnx -c Release -nologo -clp:ErrorsOnly

status=0
dotnet test Myelin.slnx -c Release --no-build --nologo --logger "trx" --results-directory "$results/all" || status=$?
DOTNET_EnableAVX512=0 dotnet test test/Myelin.Numerics.Tests -c Release --no-build --nologo --logger "trx" \
  --results-directory "$results/no-avx512" || status=$?
# The engine's forward pass (logits against the float64 reference) on the 256-bit kernels.
DOTNET_EnableAVX512=0 dotnet test test/Myelin.Inference.Tests -c Release --no-build --nologo --logger "trx" \
  --results-directory "$results/inference-no-avx512" || status=$?
# AVX2 without VNNI (Zen 2/3, Skylake: the per-row integer dot instead of the vpdpbusd kernels) and AVX without AVX2.
DOTNET_EnableAVXVNNI=0 dotnet test test/Myelin.Numerics.Tests -c Release --no-build --nologo --logger "trx" \
  --results-directory "$results/no-vnni" || status=$?
DOTNET_EnableAVX2=0 dotnet test test/Myelin.Numerics.Tests -c Release --no-build --nologo --logger "trx" \
  --results-directory "$results/no-avx2" || status=$?
DOTNET_EnableHWIntrinsic=0 dotnet test test/Myelin.Numerics.Tests -c Release --no-build --nologo --logger "trx" \
  --results-directory "$results/scalar" || status=$?

passed=0
failed=0
while IFS= read -r -d '' trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done < <(find "$results" -name '*.trx' -print0)

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host crashed or a run failed before reporting: count it as a failure so it cannot pass silently.
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
