#!/usr/bin/env bash
# Prepares this machine for the sandbox and the integration tests:
#   1. installs the Debian packages the sandbox needs (only those missing),
#   2. installs the compose v2 plugin (what real installs run), trixie's 2.26.1-4 exactly, unless present,
#   3. starts the Docker engine unless one already answers,
#   4. starts a local registry on 127.0.0.1:5000 unless one already answers.
# Idempotent and fast when everything is in place; safe on a laptop that already runs Docker.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# docker.io: engine; docker-registry: local registry; docker-compose: compose v1 fallback;
# postgresql-15 / redis-server: binaries copied into the sandbox's db and redis images (and a host
# PostgreSQL for tests); curl: readiness probes; dropbear-bin: the agent hosts' SSH server (copied into
# their image; dropbearkey makes their host keys); openssh-client: ssh-keygen for the agents' client key;
# sudo: the agent commands' "sudo": true form, run for real through a local shell; ansible-core: the Agents step's
# second engine (--agent-engine Ansible), bookworm's 2.14 without the collections of the `ansible` package (its python3
# is also copied into the agent hosts' image, as the interpreter Ansible's modules need on a managed host).
REQUIRED_PACKAGES=(docker.io docker-registry docker-compose postgresql-15 postgresql-client-15 redis-server curl jq iproute2
  dropbear-bin openssh-client sudo ansible-core)
# Compose v2: bookworm has no v2 package; trixie's docker-compose is the v2 CLI plugin alone (a static binary needing
# only libc6 >= 2.34). This version exactly: the suite's expectations (container names, messages) are its own.
COMPOSE_V2_PACKAGE_VERSION="2.26.1-4"
COMPOSE_V2_PLUGIN="/usr/libexec/docker/cli-plugins/docker-compose"
REGISTRY_DIR="$SANDBOX_STATE_DIR/registry"
REGISTRY_CONFIG="$SANDBOX_STATE_DIR/registry.yml"
DOCKER_SOCKET="/var/run/docker.sock"

actions=()

package_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

apt_lists_present() {
  compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null
}

install_packages() {
  local missing=() package
  for package in "${REQUIRED_PACKAGES[@]}"; do
    package_installed "$package" || missing+=("$package")
  done
  # sandbox-images.sh needs the package lists for `apt-get download busybox-static`.
  if ((${#missing[@]} == 0)) && apt_lists_present; then
    log "packages: all present"
    return
  fi
  local started
  started="$(date +%s%N)"
  local apt_log="$SANDBOX_LOG_DIR/apt.log"
  as_root mkdir -p "$SANDBOX_LOG_DIR"
  log "packages: apt-get update (log: $apt_log)"
  as_root apt-get update -qq >"$apt_log" 2>&1 || { tail -n 20 "$apt_log" >&2; die "apt-get update failed"; }
  if ((${#missing[@]} > 0)); then
    log "packages: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Use-Pty=0 "${missing[@]}" >>"$apt_log" 2>&1 \
      || { tail -n 20 "$apt_log" >&2; die "apt-get install ${missing[*]} failed"; }
  fi
  actions+=("installed ${missing[*]:-nothing (lists refreshed)} in $(elapsed "$started") s")
}

compose_v2_pinned() {
  [[ -x "$COMPOSE_V2_PLUGIN" ]] && "$COMPOSE_V2_PLUGIN" version 2>/dev/null | grep -qF "version $COMPOSE_V2_PACKAGE_VERSION"
}

# The Debian mirror apt already uses (deb822 .sources files, else the classic sources.list), security excluded.
debian_mirror() {
  local mirror
  mirror="$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  [[ -n "$mirror" ]] || mirror="$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)"
  [[ -n "$mirror" ]] || die "no Debian mirror found in /etc/apt/sources.list{,.d}; compose v2 comes from its trixie suite"
  printf '%s\n' "$mirror"
}

# Downloads trixie's one package with a private apt state and unpacks only the plugin: the system's sources, lists and
# installed packages stay bookworm's, so nothing else from trixie can ever be installed or upgraded by this (an apt
# pin would put trixie into the system's sources, where a later `apt-get upgrade` with a mistaken pin would pull it).
install_compose_v2() {
  if compose_v2_pinned; then
    log "compose v2: $COMPOSE_V2_PACKAGE_VERSION present ($COMPOSE_V2_PLUGIN)"
    return
  fi
  local started work apt_log="$SANDBOX_LOG_DIR/apt-compose-v2.log"
  started="$(date +%s%N)"
  work="$SANDBOX_CACHE_DIR/compose-v2"
  as_root mkdir -p "$SANDBOX_LOG_DIR" "$work/lists/partial" "$work/cache/archives/partial"
  printf 'deb %s trixie main\n' "$(debian_mirror)" | as_root tee "$work/sources.list" >/dev/null
  # Its own sources, lists and cache (so the system's package cache never learns trixie's packages);
  # APT::Sandbox::User=root: the private directories are root's, so apt's _apt user could not write into them.
  local private=(-o "Dir::Etc::sourcelist=$work/sources.list" -o Dir::Etc::sourceparts=/nonexistent -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache" -o APT::Sandbox::User=root)
  log "compose v2: downloading docker-compose=$COMPOSE_V2_PACKAGE_VERSION from trixie (log: $apt_log)"
  as_root apt-get "${private[@]}" update -qq >"$apt_log" 2>&1 || { tail -n 20 "$apt_log" >&2; die "apt-get update (trixie, private lists) failed"; }
  as_root rm -f "$work"/docker-compose_*.deb
  (cd "$work" && as_root apt-get "${private[@]}" download -qq "docker-compose=$COMPOSE_V2_PACKAGE_VERSION") >>"$apt_log" 2>&1 \
    || { tail -n 20 "$apt_log" >&2; die "apt-get download docker-compose=$COMPOSE_V2_PACKAGE_VERSION failed"; }
  as_root rm -rf "$work/root"
  as_root dpkg-deb -x "$work"/docker-compose_*.deb "$work/root"
  as_root install -D -m 0755 "$work/root$COMPOSE_V2_PLUGIN" "$COMPOSE_V2_PLUGIN"
  compose_v2_pinned || die "the compose v2 plugin at $COMPOSE_V2_PLUGIN does not report $COMPOSE_V2_PACKAGE_VERSION"
  actions+=("installed compose v2 $COMPOSE_V2_PACKAGE_VERSION in $(elapsed "$started") s")
}

docker_answers() { docker info >/dev/null 2>&1; }

start_docker() {
  if docker_answers; then
    log "docker: engine already answers ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
    return
  fi
  # Never start a second daemon next to one that merely refuses us (permissions, starting up).
  if pgrep -x dockerd >/dev/null; then
    wait_for 20 docker_answers && { log "docker: engine finished starting"; return; }
    die "a dockerd process runs but 'docker info' fails; check permissions on $DOCKER_SOCKET (or 'docker info')"
  fi
  command -v dockerd >/dev/null || die "dockerd not found; is docker.io installed?"
  local started log_file="$SANDBOX_LOG_DIR/dockerd.log"
  started="$(date +%s%N)"
  as_root mkdir -p "$SANDBOX_LOG_DIR"
  log "docker: starting dockerd (log: $log_file)"
  # setsid: the engine must outlive this script and the CI step's process group.
  as_root setsid nohup dockerd --host "unix://$DOCKER_SOCKET" >>"$log_file" 2>&1 </dev/null &
  wait_for 60 docker_answers || die "dockerd did not answer within 60 s; see $log_file"
  actions+=("started dockerd in $(elapsed "$started") s")
}

registry_answers() { curl -fsS --max-time 2 "http://$REGISTRY_HOST/v2/" >/dev/null 2>&1; }

write_registry_config() {
  local config
  # Loopback only, no auth, deletes allowed (tests may remove broken variants).
  config="$(cat <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $REGISTRY_DIR }
  delete: { enabled: true }
http: { addr: $REGISTRY_HOST }
YAML
)"
  if [[ ! -f "$REGISTRY_CONFIG" || "$(cat "$REGISTRY_CONFIG")" != "$config" ]]; then
    printf '%s\n' "$config" | as_root tee "$REGISTRY_CONFIG" >/dev/null
  fi
}

start_registry() {
  if registry_answers; then
    log "registry: already answers on http://$REGISTRY_HOST/v2/"
    return
  fi
  if (exec 3<>"/dev/tcp/${REGISTRY_HOST%:*}/${REGISTRY_HOST#*:}") 2>/dev/null; then
    die "port ${REGISTRY_HOST#*:} is taken by something that is not a registry; free it and rerun"
  fi
  command -v docker-registry >/dev/null || die "docker-registry not found; is the docker-registry package installed?"
  local started log_file="$SANDBOX_LOG_DIR/registry.log"
  started="$(date +%s%N)"
  as_root mkdir -p "$REGISTRY_DIR" "$SANDBOX_LOG_DIR"
  write_registry_config
  log "registry: starting docker-registry on $REGISTRY_HOST (storage: $REGISTRY_DIR, log: $log_file)"
  as_root setsid nohup docker-registry serve "$REGISTRY_CONFIG" >>"$log_file" 2>&1 </dev/null &
  wait_for 15 registry_answers || die "registry did not answer within 15 s; see $log_file"
  actions+=("started registry in $(elapsed "$started") s")
}

main() {
  install_packages
  install_compose_v2
  start_docker
  start_registry
  if ((${#actions[@]} == 0)); then
    log "ready: nothing to do ($(elapsed "$SCRIPT_STARTED_NS") s)"
  else
    local action
    for action in "${actions[@]}"; do log "did: $action"; done
    log "ready in $(elapsed "$SCRIPT_STARTED_NS") s"
  fi
}

main "$@"
