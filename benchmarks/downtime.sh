#!/usr/bin/env bash
# Downtime benchmark: the backend's outage during an upgrade, measured from outside by a poller that hits
# /health every 10 ms, for two ways of upgrading the same sandbox instance in one run:
#   bare   a shell rendition of the runbook: pin the tags, compose pull, compose stop backend worker,
#          compose up -d backend worker, poll /health, compose up -d --no-deps frontend
#   tool   ./build.sh Upgrade --version <to> (every step; the instance's own agent hosts file)
# The instance is recreated on <from> before each run. Prints one table; not a test (figures vary by machine).
#
# With --shape real the instance is shaped like Nexplane's production compose (db, backend, frontend; the tag in .env's
# IMAGE_TAG; db port unpublished): the bare runbook edits IMAGE_TAG and stops/starts the backend alone.
#
# Usage: benchmarks/downtime.sh [--instance 27] [--from 0.2.0] [--to 0.3.0] [--shape runbook|real]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
instance=27 from=0.2.0 to=0.3.0 shape=runbook
while (($#)); do
  case "$1" in
    --instance) instance="${2:?}"; shift 2 ;;
    --from) from="${2:?}"; shift 2 ;;
    --to) to="${2:?}"; shift 2 ;;
    --shape) shape="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

project="nexplane-sandbox-$instance"
deploy="$root/.sandbox/instance-$instance"
compose_file="$deploy/docker-compose.yml"
backend_url="http://127.0.0.1:$((20000 + 10 * instance))"   # ports as scripts/lib/sandbox-instance.sh assigns them
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose --file "$compose_file" --project-name "$project" --env-file "$deploy/.env" "$@"
  else
    docker-compose --file "$compose_file" --project-name "$project" --env-file "$deploy/.env" "$@"
  fi
}

fresh_sandbox() {
  "$root/scripts/sandbox-down.sh" --instance "$instance" >/dev/null
  "$root/scripts/sandbox-up.sh" --instance "$instance" --version "$from" --shape "$shape" >/dev/null
  # A journal left by an earlier run on this (recreated) deployment would make the tool refuse to start.
  { grep -l "\"compose_file\": \"$compose_file\"" "$root"/.nuke/temp/upgrade/*.json 2>/dev/null || true; } | xargs -r rm -f
}

# One line per poll: "<epoch ms> <1 if /health answered 2xx, else 0>".
poll_health() {
  while :; do
    local now; now=$(date +%s%3N)
    if curl -fsS -o /dev/null --max-time 0.5 "$backend_url/health" 2>/dev/null; then echo "$now 1"; else echo "$now 0"; fi
    sleep 0.01
  done
}

# Outage = from the last successful poll before a failure to the first successful poll after it, summed.
outage_of() {
  awk '
    $2 == 1 { if (down) { gap = $1 - last_ok; total += gap; if (gap > longest) longest = gap; gaps++; down = 0 } last_ok = $1; next }
    $2 == 0 && !down && last_ok { down = 1 }
    END { printf "%.2f %.2f %d %d\n", total / 1000, longest / 1000, gaps, NR }' "$1"
}

backend_container() { docker ps -aq --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=backend" | head -1; }

# The app services the runbook stops: backend and worker; the real shape has no worker.
app_services() { if [[ $shape == real ]]; then echo backend; else echo backend worker; fi; }

run_bare() {
  if [[ $shape == real ]]; then
    sed -i -E "s#^IMAGE_TAG=.*#IMAGE_TAG=v$to#" "$deploy/.env"
  else
    sed -i -E "s#(image: .*/nexplane-(backend|worker|frontend)):$from\$#\1:$to#" "$compose_file"
  fi
  # shellcheck disable=SC2046
  compose pull --quiet $(app_services) frontend 2>/dev/null
  local old; old=$(backend_container)
  local start; start=$(date +%s%3N)
  # shellcheck disable=SC2046
  compose stop $(app_services) 2>/dev/null
  echo "stop_seconds $(( $(date +%s%3N) - start ))" >>"$results/bare.meta"
  echo "stop_exit $(docker inspect -f '{{.State.ExitCode}}' "$old")" >>"$results/bare.meta"
  start=$(date +%s%3N)
  # shellcheck disable=SC2046
  compose up -d --no-deps $(app_services) 2>/dev/null
  echo "up_seconds $(( $(date +%s%3N) - start ))" >>"$results/bare.meta"
  until curl -fsS -o /dev/null --max-time 0.5 "$backend_url/health" 2>/dev/null; do sleep 0.05; done
  compose up -d --no-deps frontend 2>/dev/null
}

run_tool() {
  local output="$results/tool.out"
  local described=(--compose-project "$project" --database-port "$((20002 + 10 * instance))")
  # The real shape is described as its operator would: the project from .env, the db found through its container.
  [[ $shape == real ]] && described=(--app-services backend frontend --protected-services db --stop-services backend)
  "$root/build.sh" Upgrade --no-logo --version "$to" --accept-breaking-changes \
    --compose-file "$compose_file" --api-url "$backend_url" "${described[@]}" \
    --frontend-url "http://127.0.0.1:$((20001 + 10 * instance))" \
    --github-api-url "http://127.0.0.1:$((20004 + 10 * instance))/" --backup-directory "$deploy/backups" \
    --agent-hosts-file "$deploy/agent-hosts.json" >"$output" 2>&1 || { tail -30 "$output" >&2; return 1; }
  local line; line=$(grep -E 'backend: \S+ stopped in' "$output" | head -1)
  {
    echo "stop_seconds $(sed -E 's/.*stopped in ([0-9.]+) s.*/\1/' <<<"$line" | awk '{ printf "%d", $1 * 1000 }')"
    echo "stop_exit $(sed -E 's/.*\(exit ([0-9]+)\).*/\1/' <<<"$line")"
    echo "reported_downtime $(grep -oE 'after [0-9.]+ s of downtime' "$output" | grep -oE '[0-9.]+')"
  } >>"$results/tool.meta"
}

measure() {
  local name="$1"
  fresh_sandbox
  poll_health >"$results/$name.polls" &
  local poller=$!
  sleep 0.5
  local start; start=$(date +%s%3N)
  "run_$name"
  local total=$(( $(date +%s%3N) - start ))
  sleep 0.5
  kill "$poller"; wait "$poller" 2>/dev/null || true
  read -r outage longest gaps polls < <(outage_of "$results/$name.polls")
  {
    echo "total_seconds $total"
    echo "outage $outage"
    echo "longest $longest"
    echo "gaps $gaps"
    echo "polls $polls"
  } >>"$results/$name.meta"
}

meta() { awk -v key="$2" '$1 == key { print $2 }' "$results/$1.meta"; }
ms() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }

echo "Downtime benchmark: $from -> $to on sandbox instance $instance, shape $shape ($backend_url/health polled every 10 ms)"
measure bare
measure tool

printf '\n%-6s %12s %10s %10s %14s %14s %8s\n' method upgrade stop "stop exit" "outage (poll)" "outage (tool)" polls
for name in bare tool; do
  printf '%-6s %12s %10s %10s %14s %14s %8s\n' "$name" "$(ms "$(meta "$name" total_seconds)")" "$(ms "$(meta "$name" stop_seconds)")" \
    "$(meta "$name" stop_exit)" "$(meta "$name" outage) s" "$( [[ $name == tool ]] && echo "$(meta tool reported_downtime) s" || echo -)" "$(meta "$name" polls)"
done
echo "(bare: compose up -d $(app_services) alone took $(ms "$(meta bare up_seconds)"))"
awk -v bare="$(meta bare outage)" -v tool="$(meta tool outage)" \
  'BEGIN { if (bare > 0) printf "\ntool outage / bare outage = %.2f (target <= 1.10)\n", tool / bare }'
"$root/scripts/sandbox-down.sh" --instance "$instance" >/dev/null
