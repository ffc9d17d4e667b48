#!/usr/bin/env bash
# Rehearsal benchmark: ./build.sh Rehearse --version <to> on a sandbox instance, then the real
# ./build.sh Upgrade --version <to> of the same instance, with /health polled every 10 ms meanwhile.
# Prints the rehearsal's time against the upgrade's, and the rehearsal's predicted downtime against the
# downtime measured twice: by the tool (TERM to the first healthy answer) and by the poller (outage seen outside).
# Target: prediction within 30 % or 1 s of the measured downtime. Not a test (figures vary by machine and load).
#
# Usage: benchmarks/rehearsal.sh [--instance 72] [--from 0.2.0] [--to 0.3.0] [--shape runbook|real] [--runs 1]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
instance=72 from=0.2.0 to=0.3.0 shape=runbook runs=1
while (($#)); do
  case "$1" in
    --instance) instance="${2:?}"; shift 2 ;;
    --from) from="${2:?}"; shift 2 ;;
    --to) to="${2:?}"; shift 2 ;;
    --shape) shape="${2:?}"; shift 2 ;;
    --runs) runs="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

project="nexplane-sandbox-$instance"
deploy="$root/.sandbox/instance-$instance"
compose_file="$deploy/docker-compose.yml"
backend_url="http://127.0.0.1:$((20000 + 10 * instance))"   # ports as scripts/lib/sandbox-instance.sh assigns them
work="$(mktemp -d)"
# The instance goes too, also when a run fails half-way (a loaded machine's timeouts).
trap 'rm -rf "$work"; "$root/scripts/sandbox-down.sh" --instance "$instance" >/dev/null 2>&1 || true' EXIT

described=(--compose-file "$compose_file" --api-url "$backend_url" --frontend-url "http://127.0.0.1:$((20001 + 10 * instance))"
  --github-api-url "http://127.0.0.1:$((20004 + 10 * instance))/" --backup-directory "$deploy/backups"
  --agent-hosts-file "$deploy/agent-hosts.json")
if [[ $shape == real ]]; then
  described+=(--app-services backend frontend --protected-services db --stop-services backend)
else
  described+=(--compose-project "$project" --database-port "$((20002 + 10 * instance))")
fi

fresh_sandbox() {
  "$root/scripts/sandbox-down.sh" --instance "$instance" >/dev/null
  "$root/scripts/sandbox-up.sh" --instance "$instance" --version "$from" --shape "$shape" >/dev/null
  { grep -l "\"compose_file\": \"$compose_file\"" "$root"/.nuke/temp/upgrade/*.json 2>/dev/null || true; } | xargs -r rm -f
}

# One process polling every 10 ms (a curl per poll would fork 100 processes a second, loading the machine during the
# upgrade only). It runs during the rehearsal too, against the deployment, so both run under the same load.
poll_health() {
  exec python3 -u - "$backend_url/health" <<'PY'
import sys, time, urllib.request
url = sys.argv[1]
while True:
    now = int(time.time() * 1000)
    try:
        with urllib.request.urlopen(url, timeout=0.5) as response:
            ok = 200 <= response.status < 300
    except Exception:
        ok = False
    print(now, 1 if ok else 0)
    time.sleep(0.01)
PY
}

# Outage = from the last successful poll before a failure to the first successful poll after it, summed.
outage_of() {
  awk '$2 == 1 { if (down) { total += $1 - last_ok; down = 0 } last_ok = $1; next }
       $2 == 0 && !down && last_ok { down = 1 }
       END { printf "%.2f\n", total / 1000 }' "$1"
}

seconds_since() { awk -v s="$1" -v e="$(date +%s%3N)" 'BEGIN { printf "%.1f", (e - s) / 1000 }'; }

printf 'Rehearsal benchmark: %s -> %s on sandbox instance %s, shape %s; load average %s\n' "$from" "$to" "$instance" "$shape" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '\n%-4s %10s %10s %12s %14s %14s %8s %s\n' run rehearsal upgrade "predicted" "measured(tool)" "measured(poll)" "error" "within 30 % or 1 s"
for run in $(seq 1 "$runs"); do
  fresh_sandbox
  poll_health >"$work/rehearsal-polls" &
  poller=$!
  start=$(date +%s%3N)
  "$root/build.sh" Rehearse --no-logo --version "$to" "${described[@]}" >"$work/rehearse.out" 2>&1 || { kill "$poller"; tail -30 "$work/rehearse.out" >&2; exit 1; }
  rehearsal=$(seconds_since "$start")
  kill "$poller"; wait "$poller" 2>/dev/null || true
  rehearsal_outage=$(outage_of "$work/rehearsal-polls")   # the deployment must not notice its rehearsal: 0.00
  predicted=$(grep -oE 'Predicted downtime of the real upgrade: [0-9.]+ s' "$work/rehearse.out" | tail -1 | grep -oE '[0-9.]+ s' | grep -oE '[0-9.]+')
  parts=$(grep -oE 'Predicted downtime of the real upgrade: .*' "$work/rehearse.out" | tail -1 | sed -E 's/^[^(]*\(//; s/\)$//')

  poll_health >"$work/polls" &
  poller=$!
  sleep 0.5
  start=$(date +%s%3N)
  "$root/build.sh" Upgrade --no-logo --version "$to" --accept-breaking-changes "${described[@]}" >"$work/upgrade.out" 2>&1 \
    || { kill "$poller"; tail -30 "$work/upgrade.out" >&2; exit 1; }
  upgrade=$(seconds_since "$start")
  sleep 0.5
  kill "$poller"; wait "$poller" 2>/dev/null || true
  measured=$(grep -oE 'after [0-9.]+ s of downtime' "$work/upgrade.out" | grep -oE '[0-9.]+')
  polled=$(outage_of "$work/polls")
  verdict=$(awk -v p="$predicted" -v m="$measured" 'BEGIN { d = p - m; a = d < 0 ? -d : d;
    printf "%+.2f s (%+.0f %%) %s", d, 100 * d / m, (a <= 1 || a <= 0.3 * m) ? "yes" : "NO" }')
  printf '%-4s %9ss %9ss %11ss %13ss %13ss %s\n' "$run" "$rehearsal" "$upgrade" "$predicted" "$measured" "$polled" "$verdict"
  echo "     prediction: $parts; the deployment's outage during the rehearsal: ${rehearsal_outage} s"
done
