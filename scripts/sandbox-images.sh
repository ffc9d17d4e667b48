#!/usr/bin/env bash
# Builds and pushes every image the sandbox needs to the local registry (127.0.0.1:5000):
#   nexplane-sandbox/busybox, nexplane-sandbox/postgres:<major>, nexplane-sandbox/redis:<major>,
#   youbetyourballs/nexplane-{backend,worker,frontend}:<release> and the GHCR-style
#   ghcr.io/youbetyourballs/nexplane-{backend,worker,frontend}:v<release>, nexplane-sandbox/github-api and
#   nexplane-sandbox/agent-host (dropbear + systemctl shim; sandbox-up.sh installs the agent binary).
# Every image carries a label with the hash of its build inputs; an image whose hash is unchanged
# (locally, or in the registry) is neither rebuilt nor pushed again.
#
# Usage: scripts/sandbox-images.sh [--releases "0.2.0 0.3.0 ..."]
# Env:   NEXPLANE_SANDBOX_BINARY=<file>  use this nexplane-sandbox binary instead of publishing
#        src/Nexplane.Sandbox (e.g. a binary built elsewhere).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# 0.3.5 is used only by the real shape (sandbox-up.sh --shape real), whose GitHub catalog alone publishes it.
RELEASES=(0.2.0 0.3.0 0.3.1 0.3.2 0.3.3 0.3.4 0.4.0 0.3.5)
ROLES=(backend worker frontend)
IMAGE_DIR="$REPO_ROOT/scripts/sandbox"
SANDBOX_PROJECT_DIR="$REPO_ROOT/src/Nexplane.Sandbox"
BUILD_DIR="$SANDBOX_CACHE_DIR/image-build"
HASH_LABEL="org.nexplane.sandbox.input-hash"
AGENT_HOST_IMAGE="$REGISTRY_HOST/nexplane-sandbox/agent-host:latest"
PG_MAJOR=15

export DOCKER_BUILDKIT=0
# The app images are small layers over one base, so their builds wait on the engine and the registry more than on
# the CPU: this many run at once.
IMAGE_JOBS=4

built=0 reused=0 pushed=0 just_built=0

usage() { print_usage; }

parse_args() {
  while (($#)); do
    case "$1" in
      --releases) read -r -a RELEASES <<<"${2:?--releases needs a list}"; shift 2 ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done
}

hash_text() { sha256sum | cut -c1-16; }

# Hash of files and directories (content and relative names), independent of timestamps.
hash_paths() {
  local path
  for path in "$@"; do
    if [[ -d "$path" ]]; then
      (cd "$path" && find . -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 \
        | LC_ALL=C sort -z | xargs -0 -r sha256sum)
    elif [[ -e "$path" ]]; then
      printf '%s  %s\n' "$(sha256sum <"$path" | cut -d' ' -f1)" "$(basename "$path")"
    fi
  done | hash_text
}

package_version() { dpkg-query -W -f='${Version}' "$1"; }

# --- registry and local image checks ------------------------------------------------------------

image_label_hash() {
  docker image inspect -f "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
}

# Digest of name:tag in the local registry, empty when absent.
registry_digest() {
  local ref="${1#"$REGISTRY_HOST"/}" repo tag
  repo="${ref%:*}" tag="${ref##*:}"
  curl -fsS -o /dev/null -D - --max-time 5 \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY_HOST/v2/$repo/manifests/$tag" 2>/dev/null \
    | tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" { print $2 }'
}

# True when the registry's name:tag is exactly the local image of that name. The digest may be
# recorded under another repository (the GHCR-style name is the same image): same digest, same image.
registry_has_local() {
  local image="$1" digest
  digest="$(registry_digest "$image")"
  [[ -n "$digest" ]] || return 1
  docker image inspect -f '{{ range .RepoDigests }}{{ println . }}{{ end }}' "$image" 2>/dev/null \
    | grep -qF "@$digest"
}

# Makes sure a local image with the wanted input hash exists under $1: reuses the local image,
# else pulls it from the registry if that one matches. Returns 1 when it must be built.
have_current_image() {
  local image="$1" hash="$2"
  [[ "$(image_label_hash "$image")" == "$hash" ]] && return 0
  if [[ -n "$(registry_digest "$image")" ]] && docker pull -q "$image" >/dev/null 2>&1; then
    [[ "$(image_label_hash "$image")" == "$hash" ]] && return 0
  fi
  return 1
}

push_if_needed() {
  local image
  for image in "$@"; do
    registry_has_local "$image" && continue
    push "$image"
  done
}

push() {
  docker push "$1" >/dev/null || die "push of $1 failed; is the registry up? (scripts/test-env.sh)"
  pushed=$((pushed + 1))
}

# build_image <image> <hash> <context> <dockerfile> [docker build args...]
build_image() {
  local image="$1" hash="$2" context="$3" dockerfile="$4" started
  shift 4
  # One log per image: builds run side by side (run_image_job).
  local build_log="$SANDBOX_LOG_DIR/docker-build-${image##*/}.log"
  started="$(date +%s%N)"
  mkdir -p "$SANDBOX_LOG_DIR"
  # The legacy builder's deprecation notice goes to stderr on every build: keep it in the log.
  if ! docker build -f "$dockerfile" --label "$HASH_LABEL=$hash" -t "$image" "$@" "$context" >"$build_log" 2>&1; then
    tail -n 20 "$build_log" >&2
    die "docker build of $image failed (context: $context, log: $build_log)"
  fi
  built=$((built + 1))
  log "built $image in $(elapsed "$started") s"
}

# ensure_image <image> <hash> <prepare-function> <dockerfile> [docker build args...]
# The prepare function fills the build context only when a build is really needed.
ensure_image() {
  local image="$1" hash="$2" prepare="$3" dockerfile="$4"
  shift 4
  if have_current_image "$image" "$hash"; then
    reused=$((reused + 1))
    push_if_needed "$image"
    just_built=0
  else
    local context="$BUILD_DIR/${image##*/}"
    rm -rf "$context" && mkdir -p "$context"
    "$prepare" "$context"
    build_image "$image" "$hash" "$context" "$dockerfile" "$@"
    # A new image id is in no registry yet: no need to ask.
    push "$image"
    just_built=1
  fi
}

# --- root filesystems from host binaries ----------------------------------------------------------

# Copies into <rootfs>, at their host paths, the libraries `ldd` lists for the given files.
copy_libraries() {
  local rootfs="$1" file lib
  shift
  for file in "$@"; do
    [[ -f "$file" ]] || continue
    ldd "$file" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }'
  done | sort -u | while read -r lib; do
    [[ -e "$rootfs$lib" ]] || cp -L --parents "$lib" "$rootfs/"
  done
}

busybox_binary() {
  local version deb_dir
  version="$(apt-cache policy busybox-static | awk '/Candidate:/ { print $2 }' | tr ':' '_')"
  deb_dir="$SANDBOX_CACHE_DIR/busybox-static/${version:-unknown}"
  if [[ ! -x "$deb_dir/bin/busybox" ]]; then
    mkdir -p "$deb_dir"
    (cd "$deb_dir" && apt-get download -q busybox-static >/dev/null 2>&1) \
      || { as_root apt-get update -qq >/dev/null && (cd "$deb_dir" && apt-get download -q busybox-static >/dev/null); } \
      || die "apt-get download busybox-static failed"
    dpkg-deb -x "$deb_dir"/busybox-static_*.deb "$deb_dir"
  fi
  printf '%s\n' "$deb_dir/bin/busybox"
}

prepare_busybox() { cp "$BUSYBOX" "$1/busybox"; }

prepare_postgres() {
  local rootfs="$1/rootfs" pg=/usr/lib/postgresql/$PG_MAJOR modules=()
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc"
  # Server modules (plpgsql, snowball, ...) but not llvmjit, which pulls in a 100 MB LLVM; the
  # entrypoint runs with jit=off.
  mapfile -t modules < <(find "$pg/lib" -maxdepth 1 -name '*.so' -not -name 'llvmjit*')
  cp -RP --parents "$pg/bin" "${modules[@]}" "/usr/share/postgresql/$PG_MAJOR" /usr/share/zoneinfo "$rootfs/"
  copy_libraries "$rootfs" "$pg/bin/"* "${modules[@]}"
  cp "$IMAGE_DIR/postgres/docker-entrypoint.sh" "$rootfs/usr/local/bin/"
  echo 'postgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh' >"$rootfs/etc/passwd.postgres"
  echo 'postgres:x:999:' >"$rootfs/etc/group.postgres"
}

prepare_redis() {
  local rootfs="$1/rootfs"
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc"
  # Debian ships redis-server as a symlink to redis-check-rdb: copy the file it points to.
  cp -L --parents /usr/bin/redis-server /usr/bin/redis-cli "$rootfs/"
  copy_libraries "$rootfs" /usr/bin/redis-server /usr/bin/redis-cli
  cp "$IMAGE_DIR/redis/docker-entrypoint.sh" "$rootfs/usr/local/bin/"
  echo 'redis:x:998:998:Redis:/tmp:/bin/sh' >"$rootfs/etc/passwd.redis"
  echo 'redis:x:998:' >"$rootfs/etc/group.redis"
}

# .NET loads OpenSSL with dlopen (Npgsql's SCRAM and TLS need it), so `ldd` does not list it.
openssl_libraries() {
  local lib
  for lib in libssl.so.3 libcrypto.so.3; do
    ldconfig -p | awk -v lib="$lib" '$1 == lib && /x86-64/ { print $NF; exit }'
  done
}

prepare_app_base() {
  local rootfs="$1/rootfs" openssl=()
  mkdir -p "$rootfs/usr/local/bin"
  cp "$SANDBOX_BINARY" "$rootfs/usr/local/bin/nexplane-sandbox"
  mapfile -t openssl < <(openssl_libraries)
  cp -L --parents "${openssl[@]}" "$rootfs/"
  copy_libraries "$rootfs" "$SANDBOX_BINARY" "${openssl[@]}"
}

# A managed host: dropbear and its libraries, the libraries the agent binary needs (the binary itself
# is installed per host by sandbox-up.sh, as the release asset), the systemctl/journalctl shims, and
# python3 (what a real Linux host has and Ansible's modules need: --agent-engine Ansible).
prepare_agent_host() {
  local rootfs="$1/rootfs" source="$IMAGE_DIR/agent-host" openssl=()
  mkdir -p "$rootfs/usr/sbin" "$rootfs/usr/bin" "$rootfs/usr/local/sbin"
  cp /usr/sbin/dropbear "$rootfs/usr/sbin/"
  cp "$source/systemctl" "$source/journalctl" "$rootfs/usr/bin/"
  cp "$source/entrypoint.sh" "$rootfs/usr/local/sbin/agent-host-entrypoint"
  mapfile -t openssl < <(openssl_libraries)
  cp -L --parents "${openssl[@]}" "$rootfs/"
  copy_libraries "$rootfs" /usr/sbin/dropbear "$SANDBOX_BINARY" "${openssl[@]}"
  prepare_agent_host_python "$rootfs"
}

# Debian's python3 (installed with ansible-core) and its standard library, without what a module never imports
# (tests, IDLE, Tk, ensurepip, lib2to3, caches): about a third of its size.
prepare_agent_host_python() {
  local rootfs="$1" python_modules=()
  [[ -x /usr/bin/python3.11 ]] || die "/usr/bin/python3.11 is missing (it comes with ansible-core: run scripts/test-env.sh)"
  cp /usr/bin/python3.11 "$rootfs/usr/bin/"
  ln -sf python3.11 "$rootfs/usr/bin/python3"
  (cd / && find usr/lib/python3.11 \( -name __pycache__ -o -name test -o -name tests -o -name idlelib -o -name tkinter \
      -o -name turtledemo -o -name ensurepip -o -name lib2to3 -o -name pydoc_data -o -name config-3.11-x86_64-linux-gnu \
      -o -name dist-packages -o -name site-packages \) -prune -o -type f -print) \
    | tar -C / --no-recursion -cf - --files-from=- | tar -C "$rootfs" -xf -
  mapfile -t python_modules < <(find /usr/lib/python3.11/lib-dynload -name '*.so')
  copy_libraries "$rootfs" /usr/bin/python3.11 "${python_modules[@]}"
}

# --- the stand-in binary ----------------------------------------------------------------------------

# Publishes src/Nexplane.Sandbox (Native AOT) into a cache keyed by the hash of its sources, so an
# unchanged project is not published again. Sets SANDBOX_BINARY.
publish_sandbox_binary() {
  if [[ -n "${NEXPLANE_SANDBOX_BINARY:-}" ]]; then
    [[ -x "$NEXPLANE_SANDBOX_BINARY" ]] || die "NEXPLANE_SANDBOX_BINARY=$NEXPLANE_SANDBOX_BINARY is not an executable"
    # A `dotnet build` apphost (fine for the tests that run the binary on this machine) needs its .dll and the
    # .NET runtime beside it: in an image it fails at start, and every image built from it would be broken.
    if [[ -f "${NEXPLANE_SANDBOX_BINARY}.dll" ]]; then
      die "NEXPLANE_SANDBOX_BINARY=$NEXPLANE_SANDBOX_BINARY is a framework-dependent apphost (${NEXPLANE_SANDBOX_BINARY##*/}.dll beside it); images need the Native AOT publish: unset it, or point it at a 'dotnet publish -r linux-x64' output"
    fi
    SANDBOX_BINARY="$NEXPLANE_SANDBOX_BINARY"
    log "binary: using $SANDBOX_BINARY (NEXPLANE_SANDBOX_BINARY)"
    return
  fi
  [[ -f "$SANDBOX_PROJECT_DIR/Nexplane.Sandbox.csproj" ]] || die "$SANDBOX_PROJECT_DIR has no Nexplane.Sandbox.csproj"
  local hash publish_root="$SANDBOX_CACHE_DIR/sandbox-publish"
  hash="$( { hash_paths "$SANDBOX_PROJECT_DIR" "$REPO_ROOT/Directory.Build.props" \
      "$REPO_ROOT/Directory.Packages.props" "$REPO_ROOT/global.json" "$REPO_ROOT/NuGet.config" \
      "$REPO_ROOT/nuget.config"; dotnet --version; } | hash_text)"
  SANDBOX_BINARY="$publish_root/$hash/nexplane-sandbox"
  if [[ -x "$SANDBOX_BINARY" ]]; then
    log "binary: src/Nexplane.Sandbox unchanged (publish $hash cached)"
    return
  fi
  local started out="$publish_root/$hash.tmp" publish_log="$SANDBOX_LOG_DIR/sandbox-publish.log"
  started="$(date +%s%N)"
  mkdir -p "$SANDBOX_LOG_DIR"
  rm -rf "$out"
  log "binary: publishing src/Nexplane.Sandbox (Native AOT, linux-x64; log: $publish_log)"
  # Own artifacts path: never collide with a developer's concurrent build of the same project.
  if ! dotnet publish "$SANDBOX_PROJECT_DIR" -c Release -r linux-x64 -o "$out" \
      --artifacts-path "$SANDBOX_CACHE_DIR/sandbox-artifacts" -nologo >"$publish_log" 2>&1; then
    grep -E 'error|Error' "$publish_log" | sort -u | head -n 20 >&2
    die "dotnet publish src/Nexplane.Sandbox failed; full output in $publish_log"
  fi
  [[ -x "$out/nexplane-sandbox" ]] || die "publish produced no $out/nexplane-sandbox"
  find "$publish_root" -mindepth 1 -maxdepth 1 -not -name "$hash.tmp" -exec rm -rf {} +
  mv "$out" "$publish_root/$hash"
  log "binary: published in $(elapsed "$started") s"
}

# --- images -----------------------------------------------------------------------------------------

app_command() {
  case "$1" in
    # Real Nexplane runs `sh -c "alembic upgrade head && uvicorn ..."` and keeps the shell as PID 1,
    # which ignores SIGTERM, so `docker stop` waits out its timeout and SIGKILLs (exit 137).
    # busybox sh execs the last command of `-c` instead (PID 1 would be the app, stopping at once),
    # so a trailing `exit $?` keeps the shell in front: it waits for serve and passes on the exit
    # status of migrate (on failure) or serve, exactly as the `&&` chain alone would.
    backend) echo '["sh", "-c", "nexplane-sandbox migrate && nexplane-sandbox serve; exit $?"]' ;;
    worker) echo '["nexplane-sandbox", "worker"]' ;;
    frontend) echo '["nexplane-sandbox", "frontend"]' ;;
  esac
}

prepare_release() { printf '%s\n' "$RELEASE" >"$1/release"; }

build_app_images() {
  local base_hash app_base release role dockerfile hash image ghcr_image
  base_hash="$( { hash_paths "$SANDBOX_BINARY" "$IMAGE_DIR/app/Dockerfile.base"; declare -f prepare_app_base copy_libraries openssl_libraries; package_version libc6; echo "$BUSYBOX_IMAGE"; } | hash_text)"
  app_base="$REGISTRY_HOST/nexplane-sandbox/app-base:$base_hash"
  APP_BASE_IMAGE="$app_base"
  ensure_image "$app_base" "$base_hash" prepare_app_base "$IMAGE_DIR/app/Dockerfile.base" \
    --build-arg "BASE_IMAGE=$BUSYBOX_IMAGE"

  mkdir -p "$BUILD_DIR/dockerfiles"
  # The local GitHub API stand-in (sandbox-up.sh runs it as container nexplane-sandbox-github).
  dockerfile="$IMAGE_DIR/app/Dockerfile.github-api"
  hash="$( { echo "$app_base"; cat "$dockerfile"; } | hash_text)"
  ensure_image "$REGISTRY_HOST/nexplane-sandbox/github-api:latest" "$hash" true "$dockerfile" \
    --build-arg "APP_BASE_IMAGE=$app_base"

  for role in "${ROLES[@]}"; do
    dockerfile="$BUILD_DIR/dockerfiles/Dockerfile.$role"
    { cat "$IMAGE_DIR/app/Dockerfile"; echo "CMD $(app_command "$role")"; } >"$dockerfile"
    for release in "${RELEASES[@]}"; do
      run_image_job ensure_app_image "$role" "$release" "$dockerfile" "$app_base"
    done
  done
  wait_for_image_jobs
}

# One release's image of one role, under both its names.
ensure_app_image() {
  local role="$1" release="$2" dockerfile="$3" app_base="$4" hash image ghcr_image
  RELEASE="$release"
  hash="$( { echo "$app_base $release"; cat "$dockerfile"; } | hash_text)"
  image="$REGISTRY_HOST/youbetyourballs/nexplane-$role:$release"
  ghcr_image="$REGISTRY_HOST/ghcr.io/youbetyourballs/nexplane-$role:v$release"
  ensure_image "$image" "$hash" prepare_release "$dockerfile" \
    --build-arg "APP_BASE_IMAGE=$app_base" --build-arg "RELEASE=$release"
  # The GHCR-style name is the same image under a second name (same digest).
  if ((just_built)); then
    docker tag "$image" "$ghcr_image"
    push "$ghcr_image"
    return
  fi
  if [[ "$(docker image inspect -f '{{.Id}}' "$ghcr_image" 2>/dev/null)" != "$(docker image inspect -f '{{.Id}}' "$image")" ]]; then
    docker tag "$image" "$ghcr_image"
  fi
  push_if_needed "$ghcr_image"
}

# Runs "$@" in the background, at most IMAGE_JOBS at once. A job's counts reach this shell through a file
# (wait_for_image_jobs adds them up); a failed job ends the script once it is waited for.
IMAGE_JOB_COUNTS=""
running_image_jobs=0
run_image_job() {
  [[ -n "$IMAGE_JOB_COUNTS" ]] || IMAGE_JOB_COUNTS="$(mktemp -d)"
  if ((running_image_jobs >= IMAGE_JOBS)); then
    wait -n || die "an image build failed (its error is above)"
    running_image_jobs=$((running_image_jobs - 1))
  fi
  (
    built=0 reused=0 pushed=0 just_built=0
    "$@"
    printf '%s %s %s\n' "$built" "$reused" "$pushed" >"$IMAGE_JOB_COUNTS/$BASHPID"
  ) &
  running_image_jobs=$((running_image_jobs + 1))
}

wait_for_image_jobs() {
  while ((running_image_jobs > 0)); do
    wait -n || die "an image build failed (its error is above)"
    running_image_jobs=$((running_image_jobs - 1))
  done
  [[ -n "$IMAGE_JOB_COUNTS" ]] || return 0
  local counts b r p
  for counts in "$IMAGE_JOB_COUNTS"/*; do
    [[ -f "$counts" ]] || continue
    read -r b r p <"$counts"
    built=$((built + b)) reused=$((reused + r)) pushed=$((pushed + p))
  done
  rm -rf "$IMAGE_JOB_COUNTS"
  IMAGE_JOB_COUNTS=""
}

# The agent hosts' image (sandbox-up.sh runs 3 per instance). Its hash names the libraries the agent
# binary links, not the binary: a changed stand-in does not rebuild it unless its libraries change.
build_agent_host_image() {
  local hash
  hash="$( { hash_paths "$IMAGE_DIR/agent-host"; declare -f prepare_agent_host copy_libraries openssl_libraries;
    declare -f prepare_agent_host_python; ldd "$SANDBOX_BINARY" | awk '{ print $1 }' | sort; package_version dropbear-bin
    package_version libc6; package_version libssl3; package_version libpython3.11-stdlib; echo "$BUSYBOX_IMAGE"; } | hash_text)"
  ensure_image "$AGENT_HOST_IMAGE" "$hash" prepare_agent_host "$IMAGE_DIR/agent-host/Dockerfile" \
    --build-arg "BASE_IMAGE=$BUSYBOX_IMAGE"
}

# Rebuilds leave the previous images behind: drop those of ours (by label) that no tag uses any
# more, and the hash-tagged base images other than the current ones. Nothing else is touched.
remove_superseded_images() {
  local repository tag
  for repository in nexplane-sandbox/busybox nexplane-sandbox/app-base; do
    docker image ls --format '{{.Tag}}' "$REGISTRY_HOST/$repository" | while read -r tag; do
      case "$REGISTRY_HOST/$repository:$tag" in
        "$BUSYBOX_IMAGE" | "$APP_BASE_IMAGE") ;;
        *) docker image rm "$REGISTRY_HOST/$repository:$tag" >/dev/null 2>&1 || true ;;
      esac
    done
  done
  docker image prune -f --filter "label=$HASH_LABEL" >/dev/null
}

main() {
  parse_args "$@"
  docker info >/dev/null 2>&1 || die "the Docker engine does not answer; run scripts/test-env.sh first"
  curl -fsS --max-time 2 "http://$REGISTRY_HOST/v2/" >/dev/null 2>&1 \
    || die "no registry on http://$REGISTRY_HOST/v2/; run scripts/test-env.sh first"
  mkdir -p "$BUILD_DIR"
  local hash redis_major

  BUSYBOX="$(busybox_binary)"
  hash="$(hash_paths "$BUSYBOX" "$IMAGE_DIR/busybox/Dockerfile")"
  BUSYBOX_IMAGE="$REGISTRY_HOST/nexplane-sandbox/busybox:$hash"
  ensure_image "$BUSYBOX_IMAGE" "$hash" prepare_busybox "$IMAGE_DIR/busybox/Dockerfile"

  hash="$( { hash_paths "$IMAGE_DIR/postgres"; declare -f prepare_postgres copy_libraries; package_version "postgresql-$PG_MAJOR"; package_version libc6; echo "$BUSYBOX_IMAGE"; } | hash_text)"
  ensure_image "$REGISTRY_HOST/nexplane-sandbox/postgres:$PG_MAJOR" "$hash" prepare_postgres \
    "$IMAGE_DIR/postgres/Dockerfile" --build-arg "BASE_IMAGE=$BUSYBOX_IMAGE" --build-arg "PG_MAJOR=$PG_MAJOR"

  redis_major="$(package_version redis-server | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/')"
  hash="$( { hash_paths "$IMAGE_DIR/redis"; declare -f prepare_redis copy_libraries; package_version redis-server; package_version libc6; echo "$BUSYBOX_IMAGE"; } | hash_text)"
  ensure_image "$REGISTRY_HOST/nexplane-sandbox/redis:$redis_major" "$hash" prepare_redis \
    "$IMAGE_DIR/redis/Dockerfile" --build-arg "BASE_IMAGE=$BUSYBOX_IMAGE"

  publish_sandbox_binary
  build_app_images

  build_agent_host_image

  ((built == 0)) || remove_superseded_images
  log "images: $built built, $reused unchanged, $pushed pushed to $REGISTRY_HOST, in $(elapsed "$SCRIPT_STARTED_NS") s"
}

main "$@"
