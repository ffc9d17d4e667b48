#!/usr/bin/env bash
# Start-up benchmark for the bootstrap (issue: fast start). Prints, side by side in one run:
#   1. ./build.sh --help, warm: nothing changed, so the compiled build starts directly;
#   2. NUKE's own bootstrap shape on the same project: `dotnet build` + `dotnet run --no-build`;
#   3. `dotnet run --no-build` alone (what NUKE pays even without the build step).
# Uses hyperfine (installed from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }

./build.sh --help --no-logo >/dev/null   # make sure the build is compiled, so run 1 measures the warm path

hyperfine --warmup 2 --runs "${RUNS:-10}" --style basic \
  --command-name "./build.sh --help (warm, ours)" "./build.sh --help --no-logo" \
  --command-name "NUKE bootstrap: dotnet build + dotnet run --no-build" \
    "dotnet build build/_build.csproj /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary --verbosity quiet && dotnet run --project build/_build.csproj --no-build -- --help --no-logo" \
  --command-name "dotnet run --no-build alone" "dotnet run --project build/_build.csproj --no-build -- --help --no-logo"
