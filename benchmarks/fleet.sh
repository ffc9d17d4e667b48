#!/usr/bin/env bash
# Agent fleet benchmark: N agent hosts (default 50) from the sandbox's agent host image, against one sandbox
# instance's control plane, upgraded 0.3.0 -> 0.4.0 by the real Agents step (`./build.sh Agents --skip
# --upgrade-agents`): the built-in SSH engine with the default wave size and with wave size 1, and the Ansible engine
# (--agent-engine Ansible) with the default wave size, side by side in one run (--engines picks); the fleet is created
# afresh on 0.3.0 before each run. Each engine's cost per host: wall seconds, and the machine's CPU seconds (user +
# system of every process, from /proc/stat: the tool or ansible-playbook, SSH, the hosts, the control plane). Prints each run's time, the ratio against its target (waves <= sequential /
# (wave size x 0.7)), every host's registered version afterwards, the hosts' memory (docker stats), where a host's
# upgrade spends its time (phases from the tool's per-host log lines), and the load average beside each figure.
#   benchmarks/fleet.sh [--instance 90] [--hosts 50] [--wave-size 5] [--heartbeat 60] [--engines "ssh ansible"] [--keep]
# The instance's control plane is brought up on 0.3.0 and upgraded to 0.4.0 with --skip-agents first (its own 3
# agent hosts stay on 0.3.0, outside the fleet's file). Fleet hosts use host networking and listen for SSH on
# 127.0.<instance>.<k>:<instance base port + 8>, so 50 hosts need one port. Everything started is removed at the end
# (the instance too) unless --keep.
set -euo pipefail

instance=90 fleet_size=50 wave_size=5 heartbeat=60 keep=false engines="ssh ansible"
while (($#)); do
  case "$1" in
    --instance) instance="$2"; shift 2 ;;
    --hosts) fleet_size="$2"; shift 2 ;;
    --wave-size) wave_size="$2"; shift 2 ;;
    --heartbeat) heartbeat="$2"; shift 2 ;;
    --engines) engines="$2"; shift 2 ;;
    --keep) keep=true; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
((fleet_size >= 1 && fleet_size <= 250)) || { echo "--hosts must be 1-250" >&2; exit 2; }

# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/sandbox-instance.sh"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/agent-hosts.sh"
# shellcheck disable=SC2034  # read by common.sh and agent-hosts.sh
SCRIPT_NAME=fleet AGENT_HEARTBEAT_SECONDS="$heartbeat"
# The sandbox's backend opens a PostgreSQL connection per request (no pool): 50 agents heartbeating every 10 s fork
# 5 server processes a second, which a loaded 2-core machine cannot keep up with (registrations time out). A start
# registers at once whatever the heartbeat, so the step's timing does not depend on it.
# 50 hosts registering at once on a shared 2-core machine take longer than the sandbox's 3.
AGENT_REGISTRATION_TIMEOUT=$((30 + 3 * fleet_size))

set_instance "$instance"
deploy_dir="$DEFAULT_DEPLOY_DIR"
ENV_FILE="$deploy_dir/.env"
ADMIN_EMAIL=admin@nexplane.local
github_answers() { [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$GITHUB_URL/" 2>/dev/null)" != 000 ]]; }
env_value() { sed -n "s/^$1=//p" "$ENV_FILE" 2>/dev/null | tail -n 1; }
from_version=0.3.0 to_version=0.4.0
fleet_port=$((20000 + instance * 10 + 8))
fleet_file="$deploy_dir/fleet-hosts.json"
work="$(mktemp -d /tmp/nexplane-fleet.XXXXXX)"
tool_arguments=(--no-logo --compose-file "$deploy_dir/docker-compose.yml" --compose-project "$PROJECT"
  --api-url "$BACKEND_URL" --frontend-url "$FRONTEND_URL" --database-port "$DB_PORT" --github-api-url "$GITHUB_URL/"
  --backup-directory "$deploy_dir/backups")
load() { cut -d' ' -f1-3 /proc/loadavg; }
# CPU seconds the whole machine has spent (user + nice + system), from /proc/stat's jiffies.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.1f", ($2 + $3 + $4) / hz }' /proc/stat; }
runs=()
for engine in $engines; do
  case "$engine" in
    ssh) runs+=("waves:Ssh:$wave_size" "sequential:Ssh:1") ;;
    ansible) command -v ansible-playbook >/dev/null || die "--engines ansible needs ansible-playbook: run scripts/test-env.sh"
      runs+=("ansible:Ansible:$wave_size") ;;
    *) die "unknown engine '$engine' in --engines (ssh, ansible)" ;;
  esac
done

FLEET=() FLEET_ADDRESSES=()
for ((k = 1; k <= fleet_size; k++)); do
  FLEET+=("$(printf '%s-fleet-%03d' "$PROJECT" "$k")")
  FLEET_ADDRESSES+=("127.0.$instance.$k")
done

remove_fleet() { docker rm -f "${FLEET[@]}" >/dev/null 2>&1 || true; }
cleanup() {
  remove_fleet
  rm -rf "$work"
  if [[ "$keep" == false ]]; then
    "$REPO_ROOT/scripts/sandbox-down.sh" --instance "$instance" >/dev/null 2>&1 || warn "sandbox-down.sh --instance $instance failed"
  fi
}
trap cleanup EXIT

# The fleet on $from_version, every host registered on it: the sandbox's own provisioning, over the fleet's names.
create_fleet() {
  local saved_hosts=("${AGENT_HOSTS[@]}") saved_ports=("${AGENT_SSH_PORTS[@]}") binary k
  remove_fleet
  AGENT_HOSTS=("${FLEET[@]}")
  AGENT_SSH_PORTS=()
  for ((k = 0; k < fleet_size; k++)); do AGENT_SSH_PORTS+=("$fleet_port"); done
  ensure_agent_keys
  version="$from_version"
  binary="$(download_agent_binary)"
  AGENT_HOSTS_STARTED=()
  AGENT_HOSTS_SINCE="$(date +%s)"
  for ((k = 0; k < fleet_size; k++)); do
    create_agent_host "${FLEET[$k]}" "$fleet_port" "$binary" "${FLEET_ADDRESSES[$k]}"
    AGENT_HOSTS_STARTED+=("${FLEET[$k]}=$from_version")
  done
  rm -f "$binary"
  wait_for_agent_registration
  AGENT_HOSTS=("${saved_hosts[@]}") AGENT_SSH_PORTS=("${saved_ports[@]}")
}

write_fleet_file() {
  local k entries=()
  for ((k = 0; k < fleet_size; k++)); do
    entries+=("$(jq -n --arg name "${FLEET[$k]}" --arg address "${FLEET_ADDRESSES[$k]}" --argjson port "$fleet_port" \
      --arg fingerprint "$(agent_host_fingerprint "${FLEET[$k]}")" --argjson canary "$([[ $k == 0 ]] && echo true || echo false)" \
      '{ name: $name, address: $address, port: $port, hostKeySha256: $fingerprint, canary: $canary }')")
  done
  printf '%s\n' "${entries[@]}" | jq -s '{ defaults: { user: "root", identityFile: "agent-ssh-key", platform: "linux-amd64",
      binaryPath: "/usr/local/bin/nexplane-agent", service: "nexplane-agent.service" }, hosts: . }' >"$fleet_file"
  chmod 600 "$fleet_file"
}

# Registered version of every fleet host, as the control plane lists it: "<count> <version>" lines.
fleet_versions() {
  agent_assets | jq -r --arg prefix "$PROJECT-fleet-" \
    '[.[] | select(.name | startswith($prefix)) | .asset_metadata.agent_version] | group_by(.) | map("\(length) \(.[0])") | .[]'
}

# Memory of the fleet's containers (docker stats, MiB): total, and per host min/median/max.
fleet_memory() {
  docker stats --no-stream --format '{{.MemUsage}}' "${FLEET[@]}" | awk '{ print $1 }' | awk '
    /GiB$/ { v = $0 + 0; v *= 1024 } /MiB$/ { v = $0 + 0 } /KiB$/ { v = $0 / 1024 } { print v }' | sort -n | awk '
    { v[NR] = $1; sum += $1 } END { printf "%.0f MiB for %d hosts (per host min %.1f, median %.1f, max %.1f MiB)", sum, NR, v[1], v[int((NR + 1) / 2)], v[NR] }'
}

# Phase figures of one run from the tool's "<host>: agent <v> registered (<t> s: connect 0.12 s, ...)" lines.
phase_figures() {
  { grep -o 'agent [0-9.]* registered ([0-9.]* s: [^)]*)' "$1" || true; } | sed 's/.*s: //; s/)$//' | tr ',' '\n' | awk '
    { name = $1; secs = $2; n[name]++; sum[name] += secs; if (secs > max[name]) max[name] = secs; if (!(name in order)) order[name] = ++count }
    END { for (p in order) line[order[p]] = sprintf("%s mean %.2f s, max %.2f s", p, sum[p] / n[p], max[p]);
          for (i = 1; i <= count; i++) printf "    %s\n", line[i] }'
}

log "instance $instance ($PROJECT): control plane on $to_version, fleet of $fleet_size hosts on $from_version; load average $(load)"
# A kept instance already upgraded by an earlier run is used as it is (sandbox-up.sh refuses to "re-deploy" it).
if [[ "$(curl -fsS --max-time 2 "$BACKEND_URL/downloads/version" 2>/dev/null)" != "$to_version" ]]; then
  "$REPO_ROOT/scripts/sandbox-up.sh" --instance "$instance" --version "$from_version" >"$work/sandbox-up.log" 2>&1 \
    || { cat "$work/sandbox-up.log"; die "sandbox-up.sh --instance $instance failed"; }
fi
if [[ "$(curl -fsS "$BACKEND_URL/downloads/version")" != "$to_version" ]]; then
  "$REPO_ROOT/build.sh" Upgrade --version "$to_version" --accept-breaking-changes --skip-agents "${tool_arguments[@]}" \
    --agent-hosts-file "$deploy_dir/agent-hosts.json" >"$work/control-plane.log" 2>&1 \
    || { tail -40 "$work/control-plane.log"; die "the control plane's upgrade to $to_version failed"; }
fi

# The first ./build.sh after a change compiles the build (10-25 s, minutes under load): never inside a timed run.
"$REPO_ROOT/build.sh" --help >/dev/null 2>&1 || die "./build.sh --help failed"

declare -A seconds cpu engine_of size_of
for run in "${runs[@]}"; do
  IFS=: read -r name engine size <<<"$run"
  engine_of[$name]="$engine" size_of[$name]="$size"
  created=$(date +%s)
  create_fleet
  write_fleet_file
  log "$name: fleet of $fleet_size created and registered on $from_version in $(( $(date +%s) - created )) s; memory $(fleet_memory)"
  before_load="$(load)"
  before_cpu="$(cpu_seconds)"
  started=$(date +%s%N)
  status=0
  "$REPO_ROOT/build.sh" Agents --skip --upgrade-agents --version "$to_version" --agent-wave-size "$size" --agent-engine "$engine" \
    --agent-registration-timeout 120s --agent-hosts-file "$fleet_file" "${tool_arguments[@]}" >"$work/$name.log" 2>&1 || status=$?
  seconds[$name]="$(( ($(date +%s%N) - started) / 1000000 ))"
  cpu[$name]="$(awk -v a="$before_cpu" -v b="$(cpu_seconds)" 'BEGIN { printf "%.1f", b - a }')"
  seconds[$name]="$(awk -v ms="${seconds[$name]}" 'BEGIN { printf "%.1f", ms / 1000 }')"
  step="$(grep -oE 'Agents +Succeeded +[0-9:]+|Agents +Failed +[0-9:]+' "$work/$name.log" || true)"
  log "$name ($engine engine, wave size $size): ./build.sh Agents exit $status in ${seconds[$name]} s ($step), machine CPU ${cpu[$name]} s; load average $before_load -> $(load)"
  log "  registered afterwards: $(fleet_versions | paste -sd ';' -); memory $(fleet_memory)"
  log "  per host, from the tool's log lines:"
  phase_figures "$work/$name.log"
  # Every engine's per-host result lines: "  <host>: Upgraded, <detail> (<t> s)".
  { grep -oE ': Upgraded, .* \(([0-9.]+) s\)$' "$work/$name.log" || true; } | { grep -oE '[0-9.]+ s\)$' || true; } | tr -d ' s)' | awk '
    { n++; sum += $1; if ($1 > max) max = $1 } END { if (n) printf "    each upgraded host, from its start to its registration: mean %.2f s, max %.2f s (%d hosts)\n", sum / n, max, n }'

  grep -E 'registration polls|list calls' "$work/$name.log" | sed 's/^/    /' || true
  [[ "$status" == 0 ]] || { tail -60 "$work/$name.log"; die "the $name run failed"; }
done

echo
echo "| run | engine | wave size | seconds | per host | machine CPU-s | CPU-s per host |"
echo "|---|---|---:|---:|---:|---:|---:|"
for run in "${runs[@]}"; do
  name="${run%%:*}"
  awk -v n="$name" -v e="${engine_of[$name]}" -v w="${size_of[$name]}" -v s="${seconds[$name]}" -v c="${cpu[$name]}" -v h="$fleet_size" \
    'BEGIN { printf "| %s | %s | %s | %s s | %.2f s | %s | %.2f |\n", n, e, w, s, s / h, c, c / h }'
done
echo
if [[ -n "${seconds[sequential]:-}" && -n "${seconds[waves]:-}" ]]; then
  target="$(awk -v s="${seconds[sequential]}" -v w="$wave_size" 'BEGIN { printf "%.1f", s / (w * 0.7) }')"
  verdict="$(awk -v t="${seconds[waves]}" -v m="$target" 'BEGIN { print (t <= m ? "met" : "NOT met") }')"
  speedup="$(awk -v s="${seconds[sequential]}" -v t="${seconds[waves]}" 'BEGIN { printf "%.2f", s / t }')"
  echo "SSH engine: speed-up ${speedup}x; target: waves <= sequential / ($wave_size x 0.7) = $target s: $verdict"
fi
if [[ -n "${seconds[ansible]:-}" && -n "${seconds[waves]:-}" ]]; then
  echo "Ansible against the SSH engine, same wave size: $(awk -v a="${seconds[ansible]}" -v s="${seconds[waves]}" 'BEGIN { printf "%.2f", a / s }')x the time"
fi
echo "load average now $(load); $(nproc) cores"
