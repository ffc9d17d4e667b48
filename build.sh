#!/usr/bin/env bash
# Bootstrap for the NUKE-style build in build/_build.csproj. Same contract as NUKE's build.sh:
# every argument goes to the build, and the build's exit code is this script's exit code.
# Unlike NUKE's, it skips `dotnet build` when nothing the build is made of changed since the last
# successful build, and then starts the compiled program directly (dotnet <dll>), which is what
# makes a warm `./build.sh --help` fast.
set -eo pipefail

# The script's directory without running dirname (a process of its own: 8 ms of a warm --help).
script_path=${BASH_SOURCE[0]}
[[ "$script_path" == */* ]] || script_path="./$script_path"
script_directory=${script_path%/*}
SCRIPT_DIR=$(cd "${script_directory:-/}" && pwd)
BUILD_PROJECT_FILE="$SCRIPT_DIR/build/_build.csproj"
TEMP_DIRECTORY="$SCRIPT_DIR/.nuke/temp"
BUILD_OUTPUT="$TEMP_DIRECTORY/build-bin"
BUILD_STAMP="$TEMP_DIRECTORY/build-bin.stamp"
BUILD_LOCK="$TEMP_DIRECTORY/build-bin.lock"
# What the build program is compiled from. A change in any of these triggers a rebuild.
BUILD_INPUTS=(build src/NukeCompat src/Nexplane.Upgrade Directory.Build.props Directory.Packages.props global.json)

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# A run is seconds to minutes of mostly waiting on Docker, PostgreSQL and HTTP. With .NET's default (call counting
# 100 ms after the last new compilation) the runtime re-compiled every method called 30 times at its optimising tier,
# on a thread of its own: about 40 % of an upgrade's CPU, for code that runs a few hundred times. The runtime reads
# this value as hexadecimal: 0x2000 is 8192 ms. It cut an upgrade's CPU from 5.6-7.6 to 3.4-4.5 s at the same wall
# time (benchmarks/tiering.sh); a loop that runs long is still optimised. An operator's own setting wins.
export DOTNET_TC_CallCountingDelayMs="${DOTNET_TC_CallCountingDelayMs:-0x2000}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK 10 is required (dotnet was not found on PATH). Install it, then run this again." >&2
  exit 1
fi

# The build's input files, sorted; bin and obj are outputs. Kept in the stamp: a file added or deleted changes the list.
input_files() {
  (cd "$SCRIPT_DIR" && find "${BUILD_INPUTS[@]}" \( -name bin -o -name obj \) -prune -o -type f -print 2>/dev/null | LC_ALL=C sort)
}

# Stale when an input file changed since the last build, or a file was added or deleted. A directory newer than the
# stamp tells of an added or deleted file, or only of a new bin or obj inside it (building a test project creates
# src/*/bin): the list of files, whose hash the stamp keeps, decides, and then the stamp's time moves on so that the
# next run need not list again.
build_is_stale() {
  [[ -f "$BUILD_STAMP" && -f "$BUILD_OUTPUT/_build.dll" ]] || return 0
  # The usual case, nothing newer: one find that would stop at the first newer entry, and no sort behind it.
  [[ -n "$(cd "$SCRIPT_DIR" && find "${BUILD_INPUTS[@]}" \( -name bin -o -name obj \) -prune -o -newer "$BUILD_STAMP" -print -quit 2>/dev/null)" ]] \
    || return 1
  local newer
  newer=$(cd "$SCRIPT_DIR" && find "${BUILD_INPUTS[@]}" \( -name bin -o -name obj \) -prune -o -newer "$BUILD_STAMP" \
            -printf '%y\n' 2>/dev/null | sort -u)
  [[ -n "$newer" ]] || return 1
  [[ "$newer" != *f* ]] || return 0
  [[ "$(input_files | md5sum)" == "$(cat "$BUILD_STAMP")" ]] || return 0
  touch "$BUILD_STAMP"
  return 1
}

# The runtime identifier for a ReadyToRun compile, or nothing where one is not known (another OS or architecture).
ready_to_run_identifier() {
  [[ "$(uname -s)" == Linux ]] || return 0
  local libc=linux
  ldd --version 2>&1 | grep -qi musl && libc=linux-musl
  case "$(uname -m)" in
    x86_64) echo "$libc-x64" ;;
    aarch64 | arm64) echo "$libc-arm64" ;;
  esac
}

# ReadyToRun: the build's own assemblies and its start-up libraries are compiled to native code ahead of time, so a
# run does not JIT them: a warm --help 252 -> about 205 ms, an upgrade of the sandbox about 0.7 s less CPU
# (benchmarks/startup.sh, benchmarks/tiering.sh). The large libraries used later in a run (Octokit, Npgsql,
# Docker.DotNet, ...) are left to the JIT (build/_build.csproj): compiling them ahead of time cost a fresh clone 15 s
# more and saved no more. Where no runtime identifier is known, a plain build.
compile_build() {
  local rid
  rid=$(ready_to_run_identifier)
  if [[ -n "$rid" ]]; then
    dotnet publish "$BUILD_PROJECT_FILE" -o "$BUILD_OUTPUT" -c Debug -r "$rid" --self-contained false \
      -p:PublishReadyToRun=true /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary --verbosity quiet
  else
    dotnet build "$BUILD_PROJECT_FILE" -o "$BUILD_OUTPUT" /nodeReuse:false /p:UseSharedCompilation=false \
      -nologo -clp:NoSummary --verbosity quiet
  fi
}

if build_is_stale; then
  mkdir -p "$TEMP_DIRECTORY"
  # Serialise concurrent bootstraps (tests start ./build.sh in parallel) around the compile.
  exec 9>"$BUILD_LOCK"
  flock 9
  if build_is_stale; then
    input_files | md5sum > "$BUILD_STAMP.next"
    compile_build
    mv -f "$BUILD_STAMP.next" "$BUILD_STAMP"
  fi
  flock -u 9
  exec 9>&-
fi

exec dotnet "$BUILD_OUTPUT/_build.dll" "$@"
