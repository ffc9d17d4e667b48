#!/usr/bin/env bash
# Tiered-compilation benchmark: what build.sh's DOTNET_TC_CallCountingDelayMs=0x2000 saves, side by side in one run.
# The runtime reads the value as hexadecimal. For each setting (0x64, the runtime's own default of 100 ms, and 0x2000,
# 8192 ms), alternately, ROUNDS times:
#   1. the CPU (user + system, children included) and wall time of an upgrade 0.2.0 -> 0.3.0 of the sandbox,
#      then the Rollback that puts it back (not measured);
#   2. the CPU and wall time of compiling the build from scratch (dotnet build --no-incremental), what a fresh
#      clone's first ./build.sh pays.
# Needs the sandbox up on 0.2.0 (./build.sh Sandbox). Prints the load average beside each figure: figures count only
# from a quiet machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${ROUNDS:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() { # label, delay, command...
  local label=$1 delay=$2; shift 2
  DOTNET_TC_CallCountingDelayMs=$delay /usr/bin/time -f "%U %S %e" -o "$out/time" "$@" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
  read -r user system wall <"$out/time"
  printf '%-8s delay %6s ms: cpu %6.2f s  wall %6.2f s  (load %s)\n' "$label" "$delay" \
    "$(echo "$user + $system" | bc)" "$wall" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

for round in $(seq "$rounds"); do
  for delay in 0x64 0x2000; do
    measure upgrade "$delay" ./build.sh Upgrade --no-logo --version 0.3.0 --accept-breaking-changes
    grep -q "Upgraded and healthy" "$out/log" || { echo "the upgrade did not end healthy"; cat "$out/log"; exit 1; }
    ./build.sh Rollback --no-logo >/dev/null
    measure compile "$delay" dotnet build build/_build.csproj --no-incremental -o "$out/bin" /nodeReuse:false \
      /p:UseSharedCompilation=false -nologo -clp:NoSummary --verbosity quiet
  done
done
