#!/usr/bin/env bash
# Start-up benchmark for the bootstrap (issue #22 item 12: a warm ./build.sh --help below 200 ms). Prints, side by side
# in one run, with the load average before and after:
#   1. ./build.sh --help, warm: nothing changed, so the compiled build starts directly;
#   2. the compiled build started without build.sh (dotnet <dll>): what build.sh's own check costs is the difference;
#   3. a ReadyToRun hello world (dotnet <dll>): the runtime's own start, the floor under any .NET program;
#   4. NUKE's own bootstrap shape on the same project: `dotnet build` + `dotnet run --no-build`;
#   5. `dotnet run --no-build` alone (what NUKE pays even without the build step);
# then how many methods the JIT compiled during one --help (what ReadyToRun did not cover).
# Uses hyperfine (installed from Debian's packages when missing). RUNS=N changes the runs per command (default 10).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }

./build.sh --help --no-logo >/dev/null   # make sure the build is compiled, so run 1 measures the warm path
build_dll=.nuke/temp/build-bin/_build.dll

# The floor: the same runtime starting a program that prints one line, compiled the way build.sh compiles the build.
hello=.nuke/temp/startup-hello
if [[ ! -f "$hello/out/hello.dll" ]]; then
  mkdir -p "$hello"
  cat > "$hello/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
</Project>
XML
  echo 'System.Console.WriteLine("hello");' > "$hello/Program.cs"
  rid=$(uname -m | sed 's/x86_64/linux-x64/; s/aarch64/linux-arm64/')
  dotnet publish "$hello/hello.csproj" -o "$hello/out" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -nologo --verbosity quiet >/dev/null
fi

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 2 --runs "${RUNS:-10}" --style basic \
  --command-name "./build.sh --help (warm, ours)" "./build.sh --help --no-logo" \
  --command-name "dotnet <build dll> --help (no build.sh)" "dotnet $build_dll --help --no-logo" \
  --command-name "ReadyToRun hello world (the runtime's floor)" "dotnet $hello/out/hello.dll" \
  --command-name "NUKE bootstrap: dotnet build + dotnet run --no-build" \
    "bash -c 'dotnet build build/_build.csproj /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary --verbosity quiet && dotnet run --project build/_build.csproj --no-build -- --help --no-logo'" \
  --command-name "dotnet run --no-build alone" "dotnet run --project build/_build.csproj --no-build -- --help --no-logo"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# The runtime's own list of what it JIT-compiled (DOTNET_JitStdOutFile works in release runtimes since .NET 7).
jit_list=$(mktemp)
DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile="$jit_list" dotnet "$build_dll" --help --no-logo >/dev/null
echo "methods JIT-compiled during one --help: $(grep -c 'JIT compiled' "$jit_list") (the list: DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile=<file>)"
rm -f "$jit_list"
