# shellcheck shell=bash disable=SC2154  # deploy_dir, version: set by sandbox-up.sh
# The sandbox's managed agent hosts: 3 containers per instance ($AGENT_HOSTS, SSH on $AGENT_SSH_PORTS,
# 127.0.0.1 only), each running the deployed release's agent as the nexplane-agent "service" and a
# dropbear SSH server that accepts only the deploy directory's agent-ssh-key, for root. The inventory
# the upgrade tool reads is <deploy dir>/agent-hosts.json. Sourced by sandbox-up.sh, never run.
# Needs: common.sh, sandbox-instance.sh (set_instance called), $deploy_dir, $version, env_value.

AGENT_HOST_IMAGE="$REGISTRY_HOST/nexplane-sandbox/agent-host:latest"
AGENT_HOST_LABEL="org.nexplane.sandbox=agent-host"
AGENT_BINARY_PATH=/usr/local/bin/nexplane-agent
AGENT_REGISTRATION_TIMEOUT=30

agent_client_key() { printf '%s\n' "$deploy_dir/agent-ssh-key"; }
agent_inventory() { printf '%s\n' "$deploy_dir/agent-hosts.json"; }
# dropbear-format host key and its OpenSSH public key; kept in the deploy directory so a recreated
# container keeps its fingerprint (sandbox-down.sh removes them with the directory).
agent_host_key() { printf '%s\n' "$deploy_dir/agent-hosts/$1/dropbear_ed25519_host_key"; }

agent_host_running() { [[ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" == true ]]; }

agent_hosts_running() {
  local host
  for host in "${AGENT_HOSTS[@]}"; do agent_host_running "$host" || return 1; done
}

# Generated once; later runs keep them (the tool's known-hosts checks and keys stay valid).
ensure_agent_keys() {
  local key host host_key
  key="$(agent_client_key)"
  if [[ ! -f "$key" ]]; then
    ssh-keygen -q -t ed25519 -N '' -C "nexplane-sandbox agents ($PROJECT)" -f "$key" >/dev/null \
      || die "ssh-keygen failed for $key"
    log "agents: generated client key $key"
  fi
  chmod 600 "$key"
  for host in "${AGENT_HOSTS[@]}"; do
    host_key="$(agent_host_key "$host")"
    if [[ ! -f "$host_key" ]]; then
      mkdir -p "$(dirname "$host_key")"
      (umask 077 && dropbearkey -t ed25519 -f "$host_key" >/dev/null 2>&1) || die "dropbearkey failed for $host_key"
    fi
    [[ -s "$host_key.pub" ]] || dropbearkey -y -f "$host_key" 2>/dev/null | grep '^ssh-ed25519 ' >"$host_key.pub" \
      || die "cannot read the public key of $host_key"
  done
}

# SHA256:<base64 without padding>, as ssh-keygen -l (and an SSH client) prints it.
agent_host_fingerprint() { ssh-keygen -lf "$(agent_host_key "$1").pub" | awk '{ print $2 }'; }

# The release's own linux-amd64 asset from the GitHub stand-in, checked against its .sha256 (first
# field), as the upgrade tool will fetch it. Prints the downloaded file's path.
download_agent_binary() {
  local name="nexplane-agent-linux-amd64-$version" url file expected actual
  url="$GITHUB_URL/youbetyourballs/nexplane/releases/download/v$version/$name"
  file="$deploy_dir/agent-hosts/$name"
  wait_for 30 github_answers || die "GitHub stand-in did not answer on $GITHUB_URL (needed for the agent binary)"
  curl -fsS --max-time 60 -o "$file.tmp" "$url" || die "download of $url failed"
  expected="$(curl -fsS --max-time 10 "$url.sha256" | awk '{ print $1; exit }')" || die "download of $url.sha256 failed"
  actual="$(sha256sum "$file.tmp" | cut -d' ' -f1)"
  [[ -n "$expected" && "$actual" == "$expected" ]] || die "$name: sha256 $actual does not match its .sha256 ($expected)"
  chmod 755 "$file.tmp"
  mv "$file.tmp" "$file"
  printf '%s\n' "$file"
}

# Provisions one host like a real one: the container (PID 1 docker's init, which reaps the detached
# agent), then its files (binary, host key, root's authorized_keys, agent.env) copied in before the
# first start, so the entrypoint starts the service on a complete host. An optional 4th argument is the
# loopback address SSH listens on (default 127.0.0.1; benchmarks/fleet.sh spreads 50 hosts over 127.0.N.k).
create_agent_host() {
  local host="$1" port="$2" binary="$3" address="${4:-127.0.0.1}" staging
  staging="$(mktemp -d "$deploy_dir/agent-hosts/.staging.XXXXXX")"
  mkdir -p "$staging/etc/dropbear" "$staging/etc/nexplane" "$staging/root/.ssh" "$staging/usr/local/bin"
  cp "$(agent_host_key "$host")" "$staging/etc/dropbear/dropbear_ed25519_host_key"
  cp "$(agent_client_key).pub" "$staging/root/.ssh/authorized_keys"
  cp "$binary" "$staging$AGENT_BINARY_PATH"
  cat >"$staging/etc/nexplane/agent.env" <<ENV
NEXPLANE_CONTROL_PLANE_URL=$BACKEND_URL
NEXPLANE_AGENT_HOSTNAME=$host
NEXPLANE_AGENT_OS_TYPE=linux
NEXPLANE_HEARTBEAT_SECONDS=${AGENT_HEARTBEAT_SECONDS:-5}
ENV
  chmod 600 "$staging/etc/dropbear/dropbear_ed25519_host_key" "$staging/root/.ssh/authorized_keys" "$staging/etc/nexplane/agent.env"
  chmod 755 "$staging$AGENT_BINARY_PATH"
  docker create --name "$host" --init --network host --restart unless-stopped \
    --label "$AGENT_HOST_LABEL" --label "org.nexplane.sandbox.project=$PROJECT" \
    -e "SSH_LISTEN=$address:$port" "$AGENT_HOST_IMAGE" >/dev/null || die "docker create $host failed"
  # Files only, no directory entries: the image's directories keep their owners and modes.
  tar -C "$staging" --owner=0 --group=0 -cf - etc/dropbear/dropbear_ed25519_host_key root/.ssh/authorized_keys \
    etc/nexplane/agent.env "${AGENT_BINARY_PATH#/}" | docker cp - "$host:/" || die "docker cp into $host failed"
  rm -rf "$staging"
  docker start "$host" >/dev/null || die "docker start $host failed"
}

# Creates the missing hosts and starts stopped ones; running ones are left alone, whatever agent
# version they run (changing that is the upgrade tool's job). Sets AGENT_HOSTS_STARTED (name=version
# it must register with; empty for a restarted host, whose binary the upgrade tool may have replaced).
start_agent_hosts() {
  local index host binary=""
  AGENT_HOSTS_STARTED=()
  AGENT_HOSTS_SINCE="$(date +%s)"
  ensure_agent_keys
  for index in "${!AGENT_HOSTS[@]}"; do
    host="${AGENT_HOSTS[$index]}"
    agent_host_running "$host" && continue
    if docker inspect "$host" >/dev/null 2>&1; then
      log "agents: starting stopped $host"
      docker start "$host" >/dev/null || die "docker start $host failed"
      AGENT_HOSTS_STARTED+=("$host=")
    else
      docker image inspect "$AGENT_HOST_IMAGE" >/dev/null 2>&1 || die "image $AGENT_HOST_IMAGE is missing; run scripts/sandbox-images.sh"
      [[ -n "$binary" ]] || binary="$(download_agent_binary)"
      log "agents: creating $host (agent $version, SSH 127.0.0.1:${AGENT_SSH_PORTS[$index]})"
      create_agent_host "$host" "${AGENT_SSH_PORTS[$index]}" "$binary"
      AGENT_HOSTS_STARTED+=("$host=$version")
    fi
  done
  [[ -z "$binary" ]] || rm -f "$binary"
}

write_agent_inventory() {
  local inventory index host content hosts=()
  inventory="$(agent_inventory)"
  for index in "${!AGENT_HOSTS[@]}"; do
    host="${AGENT_HOSTS[$index]}"
    hosts+=("$(jq -n --arg name "$host" --argjson port "${AGENT_SSH_PORTS[$index]}" \
      --arg fingerprint "$(agent_host_fingerprint "$host")" --arg binary "$AGENT_BINARY_PATH" \
      --argjson canary "$([[ $index == 0 ]] && echo true || echo false)" \
      '{ name: $name, address: "127.0.0.1", port: $port, user: "root", identityFile: "agent-ssh-key",
         hostKeySha256: $fingerprint, platform: "linux-amd64", binaryPath: $binary,
         service: "nexplane-agent.service", canary: $canary }')")
  done
  content="$(printf '%s\n' "${hosts[@]}" | jq -s '{ hosts: . }')"
  if [[ ! -f "$inventory" || "$(cat "$inventory")" != "$content" ]]; then
    (umask 077 && printf '%s\n' "$content" >"$inventory")
    log "agents: wrote $inventory"
  fi
  chmod 600 "$inventory"
}

# The registered agent assets, as the upgrade tool's Verify sees them.
agent_assets() {
  local token
  token="$(jq -n --arg email "$ADMIN_EMAIL" --arg password "$(env_value NEXPLANE_ADMIN_PASSWORD)" \
      '{ email: $email, password: $password }' \
    | curl -fsS --max-time 5 -H 'Content-Type: application/json' --data @- "$BACKEND_URL/auth/login" \
    | jq -r '.access_token // empty')" || return 1
  [[ -n "$token" ]] || return 1
  curl -fsS --max-time 5 -H @- "$BACKEND_URL/assets?tag=nexplane-agent" <<<"Authorization: Bearer $token"
}

# Hosts started by this run that have not registered since (created ones: on $version).
unregistered_agent_hosts() {
  local assets entry
  assets="$(agent_assets)" || assets='[]'
  for entry in "${AGENT_HOSTS_STARTED[@]}"; do
    jq -e --arg host "${entry%%=*}" --arg version "${entry#*=}" --argjson since "$((AGENT_HOSTS_SINCE - 1))" \
      'any(.[]; .name == $host and (.asset_metadata.last_seen | fromdateiso8601) >= $since
               and ($version == "" or .asset_metadata.agent_version == $version))' <<<"$assets" >/dev/null \
      || printf '%s\n' "${entry%%=*}"
  done
}

all_agent_hosts_registered() { [[ -z "$(unregistered_agent_hosts)" ]]; }

wait_for_agent_registration() {
  ((${#AGENT_HOSTS_STARTED[@]} > 0)) || return 0
  wait_for "$AGENT_REGISTRATION_TIMEOUT" all_agent_hosts_registered && return 0
  local host
  for host in $(unregistered_agent_hosts); do
    warn "agent on $host did not register with $BACKEND_URL on $version; its last log lines:"
    docker exec "$host" tail -n 15 /var/log/nexplane-agent.log >&2 || docker logs --tail 15 "$host" >&2 || true
  done
  die "agent hosts did not register within $AGENT_REGISTRATION_TIMEOUT s: $(unregistered_agent_hosts | xargs)"
}

check_agent_ports_free() {
  local index port
  for index in "${!AGENT_HOSTS[@]}"; do
    port="${AGENT_SSH_PORTS[$index]}"
    agent_host_running "${AGENT_HOSTS[$index]}" && continue
    if port_taken "$port"; then
      die "port $port (SSH of agent host ${AGENT_HOSTS[$index]}) is already in use by another process:
  $(ss -ltnpH "sport = :$port" 2>/dev/null | awk '{ print $4, $6 }' | head -n 1)
Stop that process and rerun."
    fi
  done
}

print_agent_hosts_summary() {
  local index
  for index in "${!AGENT_HOSTS[@]}"; do
    printf '  agent      ssh -i %s -p %s root@127.0.0.1  (container %s)\n' \
      "$(agent_client_key)" "${AGENT_SSH_PORTS[$index]}" "${AGENT_HOSTS[$index]}"
  done
  printf '  agents     %s (inventory: address, port, host key, binary, service)\n' "$(agent_inventory)"
}
